/* faxgate — store schema: checking that a file is ours, and forward migrations.
 *
 * The file is marked with PRAGMA application_id (FG_STORE_APP_ID) and versioned with PRAGMA
 * user_version. Each step in `steps` takes the schema from version to version + 1 and runs in
 * the same transaction as the version bump, so a crash leaves the old or the new schema, never
 * half of one. A file that is not SQLite, belongs to another program or was written by a
 * newer faxgate is refused before anything is written to it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "store_impl.h"

/* Version 1: the first schema. Times are ISO-8601 UTC text ("2024-05-01T10:00:00Z"), which
   sorts and compares as text. In consent and blocks, `key` holds the normalised form used for
   exact matching (digits of a number, lower-case domain, folded name or TSI) and `digits` the
   digits of a number or TSI (leading zeros dropped) for matching numbers written differently. */
static const char schema_v1[] =
    "CREATE TABLE calls ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"  /* AUTOINCREMENT: an id is never reused after a purge */
    " uuid TEXT, line TEXT,"
    " started TEXT NOT NULL, ended TEXT,"
    " state TEXT NOT NULL CHECK (state IN ('new','receiving','received','failed','rejected')),"
    " result TEXT,"
    " caller_id TEXT, caller_e164 TEXT,"
    " tsi TEXT, tsi_seen INTEGER NOT NULL DEFAULT 0, csi TEXT,"
    " nsf_hex TEXT, nsf_vendor TEXT, nsf_model TEXT, nsf_country TEXT,"
    " dcs TEXT, bit_rate INTEGER, ecm INTEGER, x_res INTEGER, y_res INTEGER,"
    " t30_code INTEGER, t30_result TEXT,"
    " pages INTEGER NOT NULL DEFAULT 0, tiff TEXT, tiff_sha256 TEXT,"
    " lang TEXT, is_ad INTEGER, score REAL,"
    " verdict TEXT CHECK (verdict IN ('deliver','hold','drop')),"
    " verdict_reason TEXT, verdict_by TEXT,"
    " advertiser TEXT, callback TEXT,"
    " optout_present INTEGER, optout_text TEXT, optout_compliant TEXT,"
    " header_present INTEGER, consent TEXT, blocked TEXT,"
    " text TEXT, judge_error TEXT,"
    " ms_ocr REAL, ms_judge REAL, ms_total REAL,"
    " printed INTEGER NOT NULL DEFAULT 0, deliver_state TEXT,"
    " chain TEXT);"
    "CREATE INDEX calls_started ON calls(started);"
    "CREATE INDEX calls_caller ON calls(caller_e164);"
    "CREATE INDEX calls_tsi ON calls(tsi);"
    "CREATE INDEX calls_uuid ON calls(uuid);"
    "CREATE TABLE pages ("
    " id INTEGER PRIMARY KEY,"
    " call_id INTEGER NOT NULL REFERENCES calls(id) ON DELETE CASCADE,"
    " page_no INTEGER NOT NULL, width INTEGER, height INTEGER,"
    " partial INTEGER NOT NULL DEFAULT 0, sha256 TEXT,"
    " UNIQUE (call_id, page_no));"
    "CREATE TABLE identities ("
    " id INTEGER PRIMARY KEY,"
    " call_id INTEGER NOT NULL REFERENCES calls(id) ON DELETE CASCADE,"
    " role TEXT NOT NULL CHECK (role IN ('advertiser','broadcaster','optout')),"
    " kind TEXT NOT NULL CHECK (kind IN ('name','phone','fax','tollfree','url','email','tsi','caller_id',"
    "  'header','header_number','header_date','notice')),"
    " value TEXT NOT NULL, raw TEXT, flags INTEGER NOT NULL DEFAULT 0,"
    " x0 INTEGER, y0 INTEGER, x1 INTEGER, y1 INTEGER, line INTEGER);"
    "CREATE INDEX identities_call ON identities(call_id);"
    "CREATE INDEX identities_value ON identities(kind, value);"
    "CREATE TABLE scores ("
    " id INTEGER PRIMARY KEY,"
    " call_id INTEGER NOT NULL REFERENCES calls(id) ON DELETE CASCADE,"
    " name TEXT NOT NULL, weight REAL NOT NULL, detail TEXT);"
    "CREATE INDEX scores_call ON scores(call_id);"
    "CREATE TABLE violations ("
    " id INTEGER PRIMARY KEY,"
    " call_id INTEGER NOT NULL REFERENCES calls(id) ON DELETE CASCADE,"
    " profile TEXT NOT NULL, rule TEXT NOT NULL, detail TEXT, advertiser TEXT,"
    " created TEXT NOT NULL);"
    "CREATE INDEX violations_call ON violations(call_id);"
    "CREATE INDEX violations_advertiser ON violations(advertiser);"
    "CREATE TABLE consent ("
    " id INTEGER PRIMARY KEY,"
    " kind TEXT NOT NULL CHECK (kind IN ('number','domain','name')),"
    " value TEXT NOT NULL COLLATE NOCASE, key TEXT NOT NULL, digits TEXT,"
    " basis TEXT NOT NULL CHECK (basis IN ('consent','ebr')),"
    " note TEXT, created TEXT NOT NULL DEFAULT (" FG_SQL_NOW "),"
    " UNIQUE (kind, value));"
    "CREATE INDEX consent_key ON consent(kind, key);"
    "CREATE TABLE blocks ("
    " id INTEGER PRIMARY KEY,"
    " role TEXT NOT NULL CHECK (role IN ('broadcaster','advertiser')),"
    " kind TEXT NOT NULL CHECK (kind IN ('number','tsi','domain','name')),"
    " value TEXT NOT NULL COLLATE NOCASE, key TEXT NOT NULL, digits TEXT,"
    " note TEXT, created TEXT NOT NULL DEFAULT (" FG_SQL_NOW "),"
    " UNIQUE (role, kind, value));"
    "CREATE INDEX blocks_key ON blocks(role, kind, key);"
    "CREATE TABLE deliveries ("
    " id INTEGER PRIMARY KEY,"
    " call_id INTEGER NOT NULL UNIQUE REFERENCES calls(id) ON DELETE CASCADE,"
    " state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','printing','done')),"
    " attempts INTEGER NOT NULL DEFAULT 0,"
    " next_try TEXT NOT NULL, claimed_by TEXT, claimed_at TEXT,"
    " last_error TEXT, job_id INTEGER,"
    " created TEXT NOT NULL DEFAULT (" FG_SQL_NOW "), done_at TEXT);"
    "CREATE INDEX deliveries_due ON deliveries(state, next_try);"
    "CREATE TABLE events ("
    " id INTEGER PRIMARY KEY,"
    " call_id INTEGER REFERENCES calls(id) ON DELETE SET NULL,"
    " at TEXT NOT NULL, who TEXT NOT NULL, what TEXT NOT NULL);"
    "CREATE INDEX events_call ON events(call_id);";

/* Version 2: the learning classifier and campaigns (docs/learning.md).
   bayes_tokens: in how many learned ads / business faxes each token occurred; bayes_totals: how
   many of each were learned. bayes_learned: what was learned under which key ("call:12",
   "sha256:…") with the exact token list (a JSON array), so that learning a key again changes
   nothing and relabelling it subtracts precisely what was added, whatever the tokenizer does
   by then. campaigns: one advertisement sent many times; campaign_sigs holds MinHash
   signatures of its faxes (a few variants per campaign) and campaign_bands their LSH band
   hashes, the index that finds candidates without reading every signature. */
static const char schema_v2[] =
    "CREATE TABLE bayes_tokens ("
    " token TEXT PRIMARY KEY,"
    " ad INTEGER NOT NULL DEFAULT 0 CHECK (ad >= 0),"
    " legit INTEGER NOT NULL DEFAULT 0 CHECK (legit >= 0)) WITHOUT ROWID;"
    "CREATE TABLE bayes_totals ("
    " id INTEGER PRIMARY KEY CHECK (id = 1),"
    " ad INTEGER NOT NULL DEFAULT 0, legit INTEGER NOT NULL DEFAULT 0);"
    "INSERT INTO bayes_totals(id, ad, legit) VALUES (1, 0, 0);"
    "CREATE TABLE bayes_learned ("
    " id INTEGER PRIMARY KEY,"
    " key TEXT NOT NULL UNIQUE,"
    " call_id INTEGER REFERENCES calls(id) ON DELETE SET NULL,"
    " class TEXT NOT NULL CHECK (class IN ('ad','legit')),"
    " tokens TEXT NOT NULL,"
    " created TEXT NOT NULL, by TEXT);"
    "CREATE INDEX bayes_learned_call ON bayes_learned(call_id);"
    "CREATE TABLE campaigns ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " first_seen TEXT NOT NULL, last_seen TEXT NOT NULL,"
    " advertiser TEXT, count INTEGER NOT NULL DEFAULT 0,"
    " state TEXT NOT NULL DEFAULT 'none' CHECK (state IN ('none','junk','released')),"
    " state_by TEXT, state_at TEXT);"
    "CREATE TABLE campaign_sigs ("
    " id INTEGER PRIMARY KEY,"
    " campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,"
    " call_id INTEGER REFERENCES calls(id) ON DELETE SET NULL,"
    " sig BLOB NOT NULL);"
    "CREATE INDEX campaign_sigs_campaign ON campaign_sigs(campaign_id);"
    "CREATE TABLE campaign_bands ("
    " hash INTEGER NOT NULL,"
    " sig_id INTEGER NOT NULL REFERENCES campaign_sigs(id) ON DELETE CASCADE,"
    " PRIMARY KEY (hash, sig_id)) WITHOUT ROWID;"
    "CREATE INDEX campaign_bands_sig ON campaign_bands(sig_id);"
    "ALTER TABLE calls ADD COLUMN campaign_id INTEGER REFERENCES campaigns(id) ON DELETE SET NULL;"
    "ALTER TABLE calls ADD COLUMN fingerprint BLOB;"
    "ALTER TABLE calls ADD COLUMN bayes REAL;"
    "CREATE INDEX calls_campaign ON calls(campaign_id);";

/* v3: an advertiser's own domain (site or e-mail domain linked to its name) is an identity.
   SQLite cannot change a CHECK constraint in place: the table is rebuilt with its rows. */
static const char schema_v3[] =
    "CREATE TABLE identities_v3 ("
    " id INTEGER PRIMARY KEY,"
    " call_id INTEGER NOT NULL REFERENCES calls(id) ON DELETE CASCADE,"
    " role TEXT NOT NULL CHECK (role IN ('advertiser','broadcaster','optout')),"
    " kind TEXT NOT NULL CHECK (kind IN ('name','phone','fax','tollfree','url','email','tsi','caller_id',"
    "  'header','header_number','header_date','notice','domain')),"
    " value TEXT NOT NULL, raw TEXT, flags INTEGER NOT NULL DEFAULT 0,"
    " x0 INTEGER, y0 INTEGER, x1 INTEGER, y1 INTEGER, line INTEGER);"
    "INSERT INTO identities_v3 SELECT id, call_id, role, kind, value, raw, flags, x0, y0, x1, y1, line"
    " FROM identities;"
    "DROP TABLE identities;"
    "ALTER TABLE identities_v3 RENAME TO identities;"
    "CREATE INDEX identities_call ON identities(call_id);"
    "CREATE INDEX identities_value ON identities(kind, value);";

/* v4: names and TSIs in the registries are keyed with Latin accents folded (fg_fold, registered
   on every connection by store.c): re-key the entries written by earlier versions. */
static const char schema_v4[] =
    "UPDATE consent SET key = fg_fold(value) WHERE kind = 'name';"
    "UPDATE blocks SET key = fg_fold(value) WHERE kind IN ('name', 'tsi');";

/* v5: the traded symbol a stock promotion touts is an advertiser identity (ticker.c) and can be
   blocked; identities and blocks are rebuilt for their CHECK constraints as in v3. */
static const char schema_v5[] =
    "CREATE TABLE identities_v5 ("
    " id INTEGER PRIMARY KEY,"
    " call_id INTEGER NOT NULL REFERENCES calls(id) ON DELETE CASCADE,"
    " role TEXT NOT NULL CHECK (role IN ('advertiser','broadcaster','optout')),"
    " kind TEXT NOT NULL CHECK (kind IN ('name','phone','fax','tollfree','url','email','tsi','caller_id',"
    "  'header','header_number','header_date','notice','domain','ticker')),"
    " value TEXT NOT NULL, raw TEXT, flags INTEGER NOT NULL DEFAULT 0,"
    " x0 INTEGER, y0 INTEGER, x1 INTEGER, y1 INTEGER, line INTEGER);"
    "INSERT INTO identities_v5 SELECT id, call_id, role, kind, value, raw, flags, x0, y0, x1, y1, line"
    " FROM identities;"
    "DROP TABLE identities;"
    "ALTER TABLE identities_v5 RENAME TO identities;"
    "CREATE INDEX identities_call ON identities(call_id);"
    "CREATE INDEX identities_value ON identities(kind, value);"
    "CREATE TABLE blocks_v5 ("
    " id INTEGER PRIMARY KEY,"
    " role TEXT NOT NULL CHECK (role IN ('broadcaster','advertiser')),"
    " kind TEXT NOT NULL CHECK (kind IN ('number','tsi','domain','name','ticker')),"
    " value TEXT NOT NULL COLLATE NOCASE, key TEXT NOT NULL, digits TEXT,"
    " note TEXT, created TEXT NOT NULL DEFAULT (" FG_SQL_NOW "),"
    " UNIQUE (role, kind, value));"
    "INSERT INTO blocks_v5 SELECT id, role, kind, value, key, digits, note, created FROM blocks;"
    "DROP TABLE blocks;"
    "ALTER TABLE blocks_v5 RENAME TO blocks;"
    "CREATE INDEX blocks_key ON blocks(role, kind, key);";

/* v6: durable receipt (docs/architecture.md, "Durable before confirmed"). While a call is received,
   each page is committed before the sender is told it arrived: `confirmed` counts those pages,
   `complete` says the last of them ended the fax (EOP), `acked` counts the pages whose MCF the
   sender answered (so it knows they arrived), `progress_at` is when the call last
   recorded progress. A call found unfinished at start-up is finished from these and its spool
   file; `interrupted` (the last progress) and `recovered` (when it was finished) say so. */
static const char schema_v6[] =
    "ALTER TABLE calls ADD COLUMN confirmed INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE calls ADD COLUMN complete INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE calls ADD COLUMN acked INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE calls ADD COLUMN progress_at TEXT;"
    "ALTER TABLE calls ADD COLUMN interrupted TEXT;"
    "ALTER TABLE calls ADD COLUMN recovered TEXT;"
    "CREATE INDEX calls_state ON calls(state);";

/* v7: printing follows each job on the printer to its end (docs/architecture.md, "Printing"):
   `job_state` is the printer's last word on the job (pending, processing, completed, aborted,
   canceled; "sent" for a sink with no jobs to follow, "unknown" for a job the printer forgot).
   Older rows keep NULL: they were recorded when the printer accepted the job. */
static const char schema_v7[] = "ALTER TABLE deliveries ADD COLUMN job_state TEXT;";

/* v8: the outgoing queue: faxes the gateway sends itself (operators with `faxgatectl send`,
   opt-out requests in #12). queued → sending (claimed) → sent, or failed after max_attempts. */
static const char schema_v8[] =
    "CREATE TABLE outgoing ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " created TEXT NOT NULL,"
    " dest TEXT NOT NULL,"
    " tiff TEXT NOT NULL,"
    " purpose TEXT NOT NULL DEFAULT 'manual',"
    " call_id INTEGER REFERENCES calls(id) ON DELETE SET NULL,"
    " state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sending', 'sent', 'failed')),"
    " attempts INTEGER NOT NULL DEFAULT 0,"
    " max_attempts INTEGER NOT NULL DEFAULT 5,"
    " next_try TEXT NOT NULL,"
    " claimed_by TEXT, claimed_at TEXT, last_error TEXT,"
    " pages INTEGER NOT NULL DEFAULT 0, pages_sent INTEGER NOT NULL DEFAULT 0, far_csi TEXT, done_at TEXT);"
    "CREATE INDEX outgoing_due ON outgoing(state, next_try);";

/* v9: the receiving line a call came in on, as the jurisdiction rules saw it: the number dialled
   (or the configured one), whether it is a person's or a business's line, the profiles checked;
   blocks on the sending machine itself: its NSF (vendor and model) and its DCS (modem settings),
   screened in phase B like a TSI. */
static const char schema_v9[] =
    "ALTER TABLE calls ADD COLUMN called TEXT;"
    "ALTER TABLE calls ADD COLUMN line_type TEXT;"
    "ALTER TABLE calls ADD COLUMN profiles TEXT;"
    "CREATE TABLE blocks_v9 ("
    " id INTEGER PRIMARY KEY,"
    " role TEXT NOT NULL CHECK (role IN ('broadcaster','advertiser')),"
    " kind TEXT NOT NULL CHECK (kind IN ('number','tsi','domain','name','ticker','nsf','dcs')),"
    " value TEXT NOT NULL COLLATE NOCASE, key TEXT NOT NULL, digits TEXT,"
    " note TEXT, created TEXT NOT NULL DEFAULT (" FG_SQL_NOW "),"
    " UNIQUE (role, kind, value));"
    "INSERT INTO blocks_v9 SELECT id, role, kind, value, key, digits, note, created FROM blocks;"
    "DROP TABLE blocks;"
    "ALTER TABLE blocks_v9 RENAME TO blocks;"
    "CREATE INDEX blocks_key ON blocks(role, kind, key);";
/* v10 (#12, managed opt-out): the opt-out requests the site sent or has to make by hand.
   optouts: one request per row, about the received fax call_id; channel and dest say where it
   goes (a fax request rides the outgoing queue as outgoing_id, and its state follows that entry:
   store_outgoing.c updates both in one transaction); sent_at is when the advertiser was told,
   the start of the profile's delay (a fax from the same advertiser later than that is a wilful
   repeat). optout_keys: the advertiser's identities at the time of the request, keyed as the
   consent and block lists are (number digits, lower-case domain, folded name), which later
   faxes are matched against (store_registry.c). Self-contained: the step only creates. */
static const char schema_v10[] =
    "CREATE TABLE optouts ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " call_id INTEGER REFERENCES calls(id) ON DELETE SET NULL,"
    " created TEXT NOT NULL,"
    " advertiser TEXT,"
    " adv_key TEXT,"
    " channel TEXT NOT NULL CHECK (channel IN ('fax', 'phone', 'web', 'email', 'mail')),"
    " dest TEXT NOT NULL,"
    " profile TEXT NOT NULL,"
    " state TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'failed', 'manual')),"
    " outgoing_id INTEGER REFERENCES outgoing(id) ON DELETE SET NULL,"
    " tiff TEXT, sha256 TEXT, sent_at TEXT, note TEXT);"
    "CREATE INDEX optouts_call ON optouts(call_id);"
    "CREATE INDEX optouts_outgoing ON optouts(outgoing_id);"
    "CREATE TABLE optout_keys ("
    " optout_id INTEGER NOT NULL REFERENCES optouts(id) ON DELETE CASCADE,"
    " kind TEXT NOT NULL CHECK (kind IN ('number', 'domain', 'name')),"
    " key TEXT NOT NULL, digits TEXT,"
    " PRIMARY KEY (optout_id, kind, key)) WITHOUT ROWID;"
    "CREATE INDEX optout_keys_key ON optout_keys(kind, key);";

/* v11 (#12): the evidence ledger (store_ledger.c). One entry per change of a finished call's
   record, appended in the transaction of the change and chained to the entry before it; no
   foreign key on call_id: a deleted call must leave its entries behind. The triggers make the
   table append-only for every program that opens the file (a determined editor can drop them:
   `faxgatectl evidence verify` reports that, and the exported heads catch a rewrite). The calls
   finished before the upgrade are sealed once the steps are done (migrate, why "upgraded").
   Self-contained: DROP TABLE ledger undoes it. */
static const char schema_v11[] =
    "CREATE TABLE ledger ("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " call_id INTEGER NOT NULL,"
    " at TEXT NOT NULL,"
    " why TEXT NOT NULL,"
    " record TEXT NOT NULL,"
    " chain TEXT NOT NULL);"
    "CREATE INDEX ledger_call ON ledger(call_id, seq);"
    "CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger"
    " BEGIN SELECT RAISE(ABORT, 'the evidence ledger is append-only: its entries cannot be changed'); END;"
    "CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger"
    " BEGIN SELECT RAISE(ABORT, 'the evidence ledger is append-only: its entries cannot be deleted'); END;";

/* v12 (#13, the web admin): its accounts, sessions and audit log, and the indexes its call list
   filters on. users: a name, a role (viewer reads; operator releases, junks, edits lists; admin
   also manages users) and an argon2id string (webauth.c), never the password. sessions: stored
   under the hash of their random 256-bit id, so that the file alone opens no session, with the
   CSRF token each form must carry and when they expire. audit: every change made through the
   web, who, when, what and on what; append-only as the ledger is. consent and blocks record who
   added an entry (a web account, or "faxgatectl"; NULL before v12). */
static const char schema_v12[] =
    "CREATE TABLE users ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " name TEXT NOT NULL UNIQUE,"
    " role TEXT NOT NULL CHECK (role IN ('viewer','operator','admin')),"
    " pwhash TEXT NOT NULL,"
    " created TEXT NOT NULL, changed TEXT NOT NULL);"
    "CREATE TABLE sessions ("
    " id_hash TEXT PRIMARY KEY,"
    " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    " csrf TEXT NOT NULL,"
    " created TEXT NOT NULL, expires TEXT NOT NULL, addr TEXT) WITHOUT ROWID;"
    "CREATE INDEX sessions_user ON sessions(user_id);"
    "CREATE INDEX sessions_expires ON sessions(expires);"
    "CREATE TABLE audit ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " at TEXT NOT NULL, who TEXT NOT NULL, action TEXT NOT NULL, target TEXT, detail TEXT, addr TEXT);"
    "CREATE INDEX audit_at ON audit(at);"
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
    "CREATE INDEX calls_verdict ON calls(verdict);"
    "CREATE INDEX calls_advertiser ON calls(advertiser COLLATE NOCASE);"
    "ALTER TABLE consent ADD COLUMN added_by TEXT;"
    "ALTER TABLE blocks ADD COLUMN added_by TEXT;";

/* steps[i] migrates version i to i + 1. */
static const char *const steps[] = {
    schema_v1,
    schema_v2,
    schema_v3,
    schema_v4,
    schema_v5,
    schema_v6,
    schema_v7,
    schema_v8,
    schema_v9,
    schema_v10,
    schema_v11,
    schema_v12,
};

_Static_assert(sizeof steps / sizeof steps[0] == FG_STORE_SCHEMA_VERSION,
               "one migration step per schema version");

/* Refuses a file that exists, is not empty and does not start with SQLite's magic, before
   SQLite gets to say only "file is not a database". */
static fg_err check_magic(fg_store *st)
{
    static const char magic[16] = "SQLite format 3";
    char head[16];
    size_t n;
    FILE *f = fopen(st->path, "rb");

    if (!f)
        return FG_OK;   /* absent: SQLite creates it; unreadable: SQLite explains */
    n = fread(head, 1, sizeof head, f);
    fclose(f);
    if (n == 0 || (n == sizeof head && memcmp(head, magic, sizeof magic) == 0))
        return FG_OK;
    return fg_err_set(FG_ERR_DB,
                      "%s is not an SQLite database, so it is not a faxgate store; it was left unchanged: "
                      "set [store] db to another path, or move this file away to let faxgate create a new "
                      "store",
                      st->path);
}

static fg_err pragma_int(fg_store *st, const char *sql, int *out)
{
    sqlite3_stmt *s;
    fg_err e;
    int rc;

    if ((e = fg_st_prep(st, sql, &s, "read the file header")))
        return e;
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        *out = sqlite3_column_int(s, 0);
        e = FG_OK;
    } else {
        e = fg_st_err(st, rc, "read the file header");
    }
    sqlite3_finalize(s);
    return e;
}

/* Reads who the file belongs to and its version; refuses files that are not ours to change. */
static fg_err check_identity(fg_store *st, int *version)
{
    int app = 0, tables = 0;
    fg_err e;

    if ((e = pragma_int(st, "PRAGMA application_id", &app))) {
        if (sqlite3_errcode(st->db) == SQLITE_NOTADB)
            return fg_err_set(FG_ERR_DB,
                              "%s is not a usable SQLite database (%s); it was left unchanged: restore it "
                              "from a backup, or move it away to let faxgate create a new store",
                              st->path, sqlite3_errmsg(st->db));
        return e;
    }
    if ((e = pragma_int(st, "PRAGMA user_version", version)) ||
        (e = pragma_int(st, "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite%'", &tables)))
        return e;
    if (app != 0 && app != FG_STORE_APP_ID)
        return fg_err_set(FG_ERR_DB,
                          "%s is an SQLite database of another program (application_id 0x%08x; a faxgate "
                          "store has 0x%08x); it was left unchanged: set [store] db to another path",
                          st->path, (unsigned)app, (unsigned)FG_STORE_APP_ID);
    if (app == 0 && tables > 0)
        return fg_err_set(FG_ERR_DB,
                          "%s is an SQLite database with %d tables of another program (it has no faxgate "
                          "application_id); it was left unchanged: set [store] db to another path",
                          st->path, tables);
    if (*version > FG_STORE_SCHEMA_VERSION || *version < 0)
        return fg_err_set(FG_ERR_DB,
                          "%s has store schema version %d, newer than this faxgate understands (%d); it was "
                          "left unchanged: use the faxgate version that wrote it, or a newer one",
                          st->path, *version, FG_STORE_SCHEMA_VERSION);
    return FG_OK;
}

/* Sets the connection's behaviour; journal_mode=WAL is remembered in the file. */
static fg_err set_pragmas(fg_store *st)
{
    sqlite3_stmt *s;
    fg_err e;
    int rc;

    if ((e = fg_st_prep(st, "PRAGMA journal_mode=WAL", &s, "switch to WAL journaling")))
        return e;
    rc = sqlite3_step(s);
    sqlite3_finalize(s);
    /* A file system without shared memory keeps the old mode: slower, still correct. */
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return fg_st_err(st, rc, "switch to WAL journaling");
    /* FULL: in WAL mode every commit syncs the WAL, so a call's progress committed before a
       page is confirmed to its sender survives a power cut (NORMAL could lose the last commits;
       docs/architecture.md, "Durable before confirmed"). */
    return fg_st_exec(st, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON", "set the store's options");
}

static fg_err migrate(fg_store *st, int from)
{
    char sql[96];
    fg_err e;

    for (int v = from; v < FG_STORE_SCHEMA_VERSION; v++) {
        char what[64];

        snprintf(what, sizeof what, "migrate the schema from version %d to %d", v, v + 1);
        if ((e = fg_st_exec(st, steps[v], what)))
            return e;
    }
    /* with every column the record reads in place, in the migration's transaction */
    if (from < 11 && (e = fg_st_ledger_upgrade(st)))
        return e;
    /* Both values are integers from this build, never user text. */
    snprintf(sql, sizeof sql, "PRAGMA application_id=%d; PRAGMA user_version=%d", FG_STORE_APP_ID,
             FG_STORE_SCHEMA_VERSION);
    return fg_st_exec(st, sql, "record the schema version");
}

fg_err fg_st_schema_open(fg_store *st)
{
    int version = 0;
    fg_err e;

    if ((e = check_magic(st)) || (e = check_identity(st, &version)) || (e = set_pragmas(st)))
        return e;
    if (version < FG_STORE_SCHEMA_VERSION) {
        if ((e = fg_st_begin(st, "start the schema migration")))
            return e;
        /* Another process may have migrated between our check and the write lock. */
        if ((e = check_identity(st, &version)) ||
            (version < FG_STORE_SCHEMA_VERSION && (e = migrate(st, version)))) {
            fg_st_rollback(st);
            return e;
        }
        if ((e = fg_st_commit(st, "commit the schema migration")))
            return e;
    }
    st->version = FG_STORE_SCHEMA_VERSION;
    return FG_OK;
}
