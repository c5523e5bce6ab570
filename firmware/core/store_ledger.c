/* faxgate — store: the evidence ledger, an append-only hash chain over the calls' records.
 *
 * Each time a finished call's record (store_record.c) changes — its end, an operator's verdict,
 * its recovery after a crash — the new record is appended as one ledger entry, in the same
 * transaction as the change; nothing is ever rewritten. An entry's chain is
 *   hex SHA-256( chain of the entry before ‖ "\n" seq "\n" call_id "\n" at "\n" why "\n" ‖ record )
 * ("" before the first entry): its number, call, time and reason are chained with the record, so
 * none of them can be changed, and no entry inserted or removed, without breaking every chain
 * after it. Triggers refuse UPDATE and DELETE on the table (schema v11); calls.chain repeats the
 * call's latest chain for reports.
 *
 * What the chain proves: nothing before the last head a site copied elsewhere (`faxgatectl
 * evidence head --append`) was changed since. Without a secret key it cannot prove that entries
 * after that head were appended by faxgate: someone who can write the file can append a record of
 * their own. Keeping heads elsewhere, often, is what makes a rewrite show.
 */
#include <nettle/sha2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_impl.h"

#define HEX_LEN 65

/* The states a call ends in: only those are sealed. */
#define FINAL_STATES "('received', 'failed', 'rejected')"

static bool final_state(const char *state)
{
    return !strcmp(state, "received") || !strcmp(state, "failed") || !strcmp(state, "rejected");
}

static void entry_chain(const char *prev, int64_t seq, int64_t call_id, const char *at, const char *why,
                        const char *record, char out[HEX_LEN])
{
    struct sha256_ctx ctx;
    uint8_t d[SHA256_DIGEST_SIZE];
    char head[96];
    int n = snprintf(head, sizeof head, "\n%lld\n%lld\n", (long long)seq, (long long)call_id);

    sha256_init(&ctx);
    sha256_update(&ctx, strlen(prev), (const uint8_t *)prev);
    sha256_update(&ctx, (size_t)n, (const uint8_t *)head);
    sha256_update(&ctx, strlen(at), (const uint8_t *)at);
    sha256_update(&ctx, 1, (const uint8_t *)"\n");
    sha256_update(&ctx, strlen(why), (const uint8_t *)why);
    sha256_update(&ctx, 1, (const uint8_t *)"\n");
    sha256_update(&ctx, strlen(record), (const uint8_t *)record);
    sha256_digest(&ctx, sizeof d, d);
    for (size_t i = 0; i < sizeof d; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static const char *col(sqlite3_stmt *s, int i)
{
    const char *v = (const char *)sqlite3_column_text(s, i);

    return v ? v : "";
}

/* The call's latest entry: its seq (0 if none), time and record (caller frees *record). */
static fg_err latest(fg_store *st, int64_t call_id, int64_t *seq, char at[32], char **record)
{
    sqlite3_stmt *s;
    fg_err e;
    int rc;

    *seq = 0;
    *record = NULL;
    if ((e = fg_st_prep(st, "SELECT seq, at, record FROM ledger WHERE call_id = ? ORDER BY seq DESC LIMIT 1", &s,
                        "read a call's ledger entry")))
        return e;
    sqlite3_bind_int64(s, 1, call_id);
    if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        *seq = sqlite3_column_int64(s, 0);
        snprintf(at, 32, "%s", col(s, 1));
        if (!(*record = strdup(col(s, 2))))
            e = fg_err_set(FG_ERR_NOMEM, "cannot allocate a ledger record");
    } else if (rc != SQLITE_DONE) {
        e = fg_st_err(st, rc, "read a call's ledger entry");
    }
    sqlite3_finalize(s);
    return e;
}

/* Appends one entry after the last one; calls.chain follows it. The next seq is taken from
   AUTOINCREMENT's counter, so an entry removed from the end behind our back leaves a gap. */
static fg_err append(fg_store *st, int64_t call_id, const char *why, const char *record)
{
    char prev[HEX_LEN] = "", chain[HEX_LEN], at[32];
    int64_t seq = 0;
    sqlite3_stmt *s;
    fg_err e;
    int rc;

    if ((e = fg_st_prep(st,
                        "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'ledger'), 0),"
                        " coalesce((SELECT max(seq) FROM ledger), 0)),"
                        " (SELECT chain FROM ledger ORDER BY seq DESC LIMIT 1)",
                        &s, "read the end of the evidence ledger")))
        return e;
    if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        seq = sqlite3_column_int64(s, 0) + 1;
        snprintf(prev, sizeof prev, "%s", col(s, 1));
    } else {
        e = fg_st_err(st, rc, "read the end of the evidence ledger");
    }
    sqlite3_finalize(s);
    if (e)
        return e;
    fg_st_iso(time(NULL), at);
    entry_chain(prev, seq, call_id, at, why, record, chain);
    if ((e = fg_st_prep(st, "INSERT INTO ledger(seq, call_id, at, why, record, chain) VALUES (?, ?, ?, ?, ?, ?)", &s,
                        "append to the evidence ledger")))
        return e;
    sqlite3_bind_int64(s, 1, seq);
    sqlite3_bind_int64(s, 2, call_id);
    fg_st_bind_text(s, 3, at, false);
    fg_st_bind_text(s, 4, why, false);
    /* the record is valid UTF-8 (built from the store's text): bound as is, byte for byte */
    sqlite3_bind_text(s, 5, record, -1, SQLITE_STATIC);
    fg_st_bind_text(s, 6, chain, false);
    e = fg_st_run(st, s, "append to the evidence ledger");
    sqlite3_finalize(s);
    if (e || (e = fg_st_prep(st, "UPDATE calls SET chain = ? WHERE id = ?", &s, "record a call's chain")))
        return e;
    fg_st_bind_text(s, 1, chain, false);
    sqlite3_bind_int64(s, 2, call_id);
    e = fg_st_run(st, s, "record a call's chain");
    sqlite3_finalize(s);
    return e;
}

/* True if the call has ended (the cheap question first: a call begins and progresses unsealed). */
static fg_err has_ended(fg_store *st, int64_t call_id, bool *ended)
{
    sqlite3_stmt *s;
    fg_err e;
    int rc;

    *ended = false;
    if ((e = fg_st_prep(st, "SELECT state FROM calls WHERE id = ?", &s, "read a call's state")))
        return e;
    sqlite3_bind_int64(s, 1, call_id);
    if ((rc = sqlite3_step(s)) == SQLITE_ROW)
        *ended = final_state(col(s, 0));
    else if (rc != SQLITE_DONE)
        e = fg_st_err(st, rc, "read a call's state");
    sqlite3_finalize(s);
    return e;
}

fg_err fg_st_ledger_seal(fg_store *st, int64_t call_id, const char *first_why, const char *next_why)
{
    fg_strbuf rec = {0};
    char at[32];
    char *sealed = NULL;
    bool ended;
    int64_t seq;
    fg_err e;

    if (!(e = has_ended(st, call_id, &ended)) && ended && !(e = fg_st_record(st, call_id, &rec)) &&
        !(e = latest(st, call_id, &seq, at, &sealed)) && (!sealed || strcmp(sealed, rec.s) != 0))
        e = append(st, call_id, seq ? next_why : first_why, rec.s);
    free(sealed);
    free(rec.s);
    return e;
}

fg_err fg_st_ledger_check(fg_store *st, int64_t call_id)
{
    char field[96], change[512], at[32];
    fg_strbuf rec = {0};
    char *sealed = NULL;
    int64_t seq;
    fg_err e;

    if (!(e = latest(st, call_id, &seq, at, &sealed)) && sealed && !(e = fg_st_record(st, call_id, &rec)) &&
        strcmp(sealed, rec.s) != 0) {
        fg_st_record_diff(sealed, rec.s, field, sizeof field, change, sizeof change);
        e = fg_err_set(FG_ERR_STATE,
                       "call %lld was changed behind the store's back since its evidence record of %s (ledger entry "
                       "%lld): %s; nothing was changed, so as not to seal the alteration: run faxgatectl evidence "
                       "verify, and restore the store from a backup",
                       (long long)call_id, at, (long long)seq, change);
    }
    free(sealed);
    free(rec.s);
    return e;
}

fg_err fg_st_ledger_upgrade(fg_store *st)
{
    sqlite3_stmt *s;
    int64_t *ids = NULL;
    size_t n = 0, cap = 0;
    fg_err e;
    int rc;

    if ((e = fg_st_prep(st, "SELECT id FROM calls WHERE state IN " FINAL_STATES " ORDER BY id", &s,
                        "list the calls to seal")))
        return e;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (n == cap) {
            int64_t *nv = realloc(ids, (cap = cap ? 2 * cap : 256) * sizeof *nv);

            if (!nv) {
                e = fg_err_set(FG_ERR_NOMEM, "cannot allocate the list of calls to seal");
                break;
            }
            ids = nv;
        }
        ids[n++] = sqlite3_column_int64(s, 0);
    }
    if (!e && rc != SQLITE_DONE)
        e = fg_st_err(st, rc, "list the calls to seal");
    sqlite3_finalize(s);
    for (size_t i = 0; i < n && !e; i++)
        e = fg_st_ledger_seal(st, ids[i], "upgraded", "upgraded");
    free(ids);
    return e;
}

/* ---- verification ---- */

static bool fault(fg_evidence_fault *f, int64_t call_id, int64_t seq, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static bool fault(fg_evidence_fault *f, int64_t call_id, int64_t seq, const char *fmt, ...)
{
    va_list ap;

    f->call_id = call_id;
    f->seq = seq;
    va_start(ap, fmt);
    vsnprintf(f->why, sizeof f->why, fmt, ap);
    va_end(ap);
    return false;
}

/* Both triggers that keep the table append-only are still there. */
static fg_err check_triggers(fg_store *st, bool *ok, fg_evidence_fault *f)
{
    static const char *const names[] = {"ledger_no_update", "ledger_no_delete"};
    sqlite3_stmt *s;
    fg_err e = FG_OK;

    for (size_t i = 0; i < 2 && *ok && !e; i++) {
        if ((e = fg_st_prep(st, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = ?"
                                " AND tbl_name = 'ledger'", &s, "look for the ledger's triggers")))
            break;
        fg_st_bind_text(s, 1, names[i], false);
        if (sqlite3_step(s) != SQLITE_ROW)
            e = fg_st_err(st, sqlite3_errcode(st->db), "look for the ledger's triggers");
        else if (sqlite3_column_int(s, 0) != 1)
            *ok = fault(f, 0, 0, "the evidence ledger is no longer append-only: its trigger %s was dropped", names[i]);
        sqlite3_finalize(s);
    }
    return e;
}

/* Recomputes every entry's chain in seq order; a seq that skips names what was removed. */
static fg_err walk(fg_store *st, bool *ok, fg_evidence_fault *f, int *entries)
{
    char prev[HEX_LEN] = "", link[HEX_LEN];
    int64_t want = 1, last = 0, counter = 0;
    sqlite3_stmt *s;
    fg_err e;
    int rc;

    if ((e = fg_st_prep(st, "SELECT seq, call_id, at, why, record, chain FROM ledger ORDER BY seq", &s,
                        "read the evidence ledger")))
        return e;
    while (*ok && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t seq = sqlite3_column_int64(s, 0), call = sqlite3_column_int64(s, 1);

        (*entries)++;
        if (seq != want) {
            if (seq == want + 1)
                *ok = fault(f, 0, want, "ledger entry %lld was removed (the entries before and after it remain)",
                            (long long)want);
            else
                *ok = fault(f, 0, want, "ledger entries %lld to %lld were removed (the entries before and after "
                            "them remain)", (long long)want, (long long)(seq - 1));
            break;
        }
        entry_chain(prev, seq, call, col(s, 2), col(s, 3), col(s, 4), link);
        if (strcmp(link, col(s, 5)) != 0) {
            *ok = fault(f, call, seq,
                        "ledger entry %lld (call %lld, %s, %s) was altered or inserted: its chain hash does not "
                        "follow from the entry before it", (long long)seq, (long long)call, col(s, 3), col(s, 2));
            break;
        }
        memcpy(prev, link, sizeof prev);
        last = seq;
        want = seq + 1;
    }
    sqlite3_finalize(s);
    if (!*ok)
        return FG_OK;
    if (rc != SQLITE_DONE)
        return fg_st_err(st, rc, "read the evidence ledger");
    /* the last entries removed: AUTOINCREMENT's counter still remembers them */
    if ((e = fg_st_prep(st, "SELECT seq FROM sqlite_sequence WHERE name = 'ledger'", &s, "read the ledger's counter")))
        return e;
    if (sqlite3_step(s) == SQLITE_ROW)
        counter = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    if (counter > last)
        *ok = fault(f, 0, last + 1,
                    "ledger entries %lld to %lld were removed from its end (its counter says %lld were appended)",
                    (long long)(last + 1), (long long)counter, (long long)counter);
    return FG_OK;
}

/* Every call that has entries, or that ended, in id order: its latest record against the record
   rebuilt from its rows now; a call with entries but no row was deleted, a finished call with no
   entry was written behind the store's back. */
static fg_err check_calls(fg_store *st, bool *ok, fg_evidence_fault *f, int *calls)
{
    static const char sql[] =
        "WITH last AS (SELECT call_id, max(seq) AS seq FROM ledger GROUP BY call_id)"
        " SELECT c.id, last.seq, l.at, l.record FROM calls c LEFT JOIN last ON last.call_id = c.id"
        " LEFT JOIN ledger l ON l.seq = last.seq"
        " WHERE last.seq IS NOT NULL OR c.state IN " FINAL_STATES
        " UNION ALL SELECT last.call_id, last.seq, NULL, NULL FROM last"
        " WHERE NOT EXISTS (SELECT 1 FROM calls c WHERE c.id = last.call_id)"
        " ORDER BY 1";
    char change[512];
    fg_strbuf rec = {0};
    sqlite3_stmt *s;
    fg_err e;
    int rc = SQLITE_DONE;   /* no step when *ok is false already */

    if ((e = fg_st_prep(st, sql, &s, "list the calls to verify")))
        return e;
    while (*ok && !e && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(s, 0), seq = sqlite3_column_int64(s, 1);

        (*calls)++;
        if (sqlite3_column_type(s, 1) == SQLITE_NULL) {
            *ok = fault(f, id, 0, "call %lld ended but has no evidence record: it was inserted or finished behind "
                        "the store's back", (long long)id);
        } else if (sqlite3_column_type(s, 3) == SQLITE_NULL) {
            *ok = fault(f, id, seq, "call %lld was deleted (its ledger entry %lld remains)", (long long)id,
                        (long long)seq);
        } else if (!(e = fg_st_record(st, id, &rec)) && strcmp(rec.s, col(s, 3)) != 0) {
            fg_st_record_diff(col(s, 3), rec.s, f->field, sizeof f->field, change, sizeof change);
            *ok = fault(f, id, seq, "call %lld: %s since its record of %s (ledger entry %lld)", (long long)id, change,
                        col(s, 2), (long long)seq);
        }
    }
    if (!e && *ok && rc != SQLITE_DONE)
        e = fg_st_err(st, rc, "list the calls to verify");
    sqlite3_finalize(s);
    free(rec.s);
    return e;
}

fg_err fg_store_verify_chain(fg_store *st, bool *ok, fg_evidence_fault *f, int *entries, int *calls)
{
    fg_err e;

    *ok = true;
    *entries = *calls = 0;
    memset(f, 0, sizeof *f);
    pthread_mutex_lock(&st->mu);
    /* one read transaction: a consistent snapshot while the daemon keeps writing */
    if (!(e = fg_st_exec(st, "BEGIN", "start reading the evidence ledger"))) {
        if (!(e = check_triggers(st, ok, f)) && *ok && !(e = walk(st, ok, f, entries)) && *ok)
            e = check_calls(st, ok, f, calls);
        fg_st_rollback(st);
    }
    pthread_mutex_unlock(&st->mu);
    return e;
}

fg_err fg_store_verify_link(fg_store *st, int64_t id, bool *ok)
{
    char link[HEX_LEN];
    fg_strbuf rec = {0};
    sqlite3_stmt *s = NULL;
    fg_err e;
    int rc;

    *ok = false;
    pthread_mutex_lock(&st->mu);
    if ((e = fg_st_exec(st, "BEGIN", "start reading a call's ledger entry")))
        goto out;
    /* also fails for a call that is not there */
    if ((e = fg_st_record(st, id, &rec)))
        goto end;
    if ((e = fg_st_prep(st,
                        "SELECT l.seq, l.at, l.why, l.record, l.chain, coalesce((SELECT p.chain FROM ledger p"
                        " WHERE p.seq = l.seq - 1), ''), (SELECT chain FROM calls WHERE id = l.call_id)"
                        " FROM ledger l WHERE l.call_id = ? ORDER BY l.seq DESC LIMIT 1",
                        &s, "read a call's ledger entry")))
        goto end;
    sqlite3_bind_int64(s, 1, id);
    if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        entry_chain(col(s, 5), sqlite3_column_int64(s, 0), id, col(s, 1), col(s, 2), col(s, 3), link);
        *ok = !strcmp(link, col(s, 4)) && !strcmp(col(s, 3), rec.s) && !strcmp(col(s, 6), link);
    } else if (rc != SQLITE_DONE) {
        e = fg_st_err(st, rc, "read a call's ledger entry");
    }
end:
    fg_st_rollback(st);
out:
    sqlite3_finalize(s);
    pthread_mutex_unlock(&st->mu);
    free(rec.s);
    return e;
}

/* ---- the head: what a copy kept elsewhere proves ---- */

fg_err fg_store_ledger_head(fg_store *st, fg_ledger_head *h)
{
    sqlite3_stmt *s;
    fg_err e;
    int rc;

    memset(h, 0, sizeof *h);
    fg_st_iso(time(NULL), h->taken);
    pthread_mutex_lock(&st->mu);
    if (!(e = fg_st_prep(st,
                         "SELECT seq, chain, at, (SELECT count(*) FROM ledger) FROM ledger ORDER BY seq DESC LIMIT 1",
                         &s, "read the head of the evidence ledger"))) {
        if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            h->seq = sqlite3_column_int64(s, 0);
            snprintf(h->chain, sizeof h->chain, "%s", col(s, 1));
            snprintf(h->at, sizeof h->at, "%s", col(s, 2));
            h->entries = sqlite3_column_int64(s, 3);
        } else if (rc != SQLITE_DONE) {
            e = fg_st_err(st, rc, "read the head of the evidence ledger");
        }
        sqlite3_finalize(s);
    }
    pthread_mutex_unlock(&st->mu);
    return e;
}

fg_err fg_store_verify_head(fg_store *st, const fg_ledger_head *h, bool *ok, fg_evidence_fault *f)
{
    sqlite3_stmt *s;
    fg_err e;
    int rc;

    *ok = true;
    memset(f, 0, sizeof *f);
    if (h->seq <= 0)
        return FG_OK;   /* taken from an empty ledger: it vouches for nothing */
    pthread_mutex_lock(&st->mu);
    if (!(e = fg_st_prep(st,
                         "SELECT l.chain, l.call_id, (SELECT count(*) FROM ledger WHERE seq <= ?1) FROM ledger l"
                         " WHERE l.seq = ?1",
                         &s, "look a head up in the evidence ledger"))) {
        sqlite3_bind_int64(s, 1, h->seq);
        if ((rc = sqlite3_step(s)) == SQLITE_DONE)
            *ok = fault(f, 0, h->seq, "the head taken %s (entry %lld, chain %.16s…) is no longer in the ledger: the "
                        "ledger was truncated or rewritten after it", h->taken, (long long)h->seq, h->chain);
        else if (rc != SQLITE_ROW)
            e = fg_st_err(st, rc, "look a head up in the evidence ledger");
        else if (strcmp(col(s, 0), h->chain) != 0)
            *ok = fault(f, sqlite3_column_int64(s, 1), h->seq,
                        "ledger entry %lld no longer has the chain of the head taken %s (%.16s… then, %.16s… now): the "
                        "ledger was rewritten after it", (long long)h->seq, h->taken, h->chain, col(s, 0));
        else if (h->entries > 0 && sqlite3_column_int64(s, 2) != h->entries)
            *ok = fault(f, 0, h->seq, "the ledger holds %lld entries up to entry %lld, the head taken %s counted "
                        "%lld: the ledger was rewritten after it", (long long)sqlite3_column_int64(s, 2),
                        (long long)h->seq, h->taken, (long long)h->entries);
        sqlite3_finalize(s);
    }
    pthread_mutex_unlock(&st->mu);
    return e;
}

void fg_ledger_head_line(const fg_ledger_head *h, char *out, size_t cap)
{
    snprintf(out, cap, "faxgate-ledger-head seq=%lld entries=%lld chain=%s at=%s taken=%s", (long long)h->seq,
             (long long)h->entries, h->chain[0] ? h->chain : "-", h->at[0] ? h->at : "-", h->taken);
}

fg_err fg_ledger_head_parse(const char *line, fg_ledger_head *h)
{
    char buf[512], *save = NULL, *tok;
    unsigned have = 0;

    memset(h, 0, sizeof *h);
    snprintf(buf, sizeof buf, "%s", line);
    buf[strcspn(buf, "\r\n")] = '\0';
    tok = strtok_r(buf, " \t", &save);
    if (!tok || strcmp(tok, "faxgate-ledger-head") != 0)
        return fg_err_set(FG_ERR_FORMAT, "not a head line (it starts with faxgate-ledger-head)");
    while ((tok = strtok_r(NULL, " \t", &save))) {
        char *v = strchr(tok, '='), *end = NULL;

        if (!v)
            return fg_err_set(FG_ERR_FORMAT, "'%.40s' is not KEY=VALUE", tok);
        *v++ = '\0';
        if (!strcmp(tok, "seq") || !strcmp(tok, "entries")) {
            long long n = strtoll(v, &end, 10);

            if (!*v || *end || n < 0)
                return fg_err_set(FG_ERR_FORMAT, "%s=%.40s is not a count", tok, v);
            *(!strcmp(tok, "seq") ? &h->seq : &h->entries) = n;
            have |= !strcmp(tok, "seq") ? 1 : 2;
        } else if (!strcmp(tok, "chain")) {
            if (strcmp(v, "-") && (strlen(v) != 64 || strspn(v, "0123456789abcdef") != 64))
                return fg_err_set(FG_ERR_FORMAT, "chain=%.70s is not a SHA-256 in hex", v);
            snprintf(h->chain, sizeof h->chain, "%s", strcmp(v, "-") ? v : "");
            have |= 4;
        } else if (!strcmp(tok, "at")) {
            snprintf(h->at, sizeof h->at, "%s", strcmp(v, "-") ? v : "");
        } else if (!strcmp(tok, "taken")) {
            snprintf(h->taken, sizeof h->taken, "%s", v);
        }   /* other keys: written by a later faxgate, not needed to check the head */
    }
    if (have != 7)
        return fg_err_set(FG_ERR_FORMAT, "seq=, entries= or chain= is missing");
    if (h->seq > 0 && !h->chain[0])
        return fg_err_set(FG_ERR_FORMAT, "entry %lld has no chain", (long long)h->seq);
    return FG_OK;
}
