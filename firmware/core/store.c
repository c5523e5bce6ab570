/* faxgate — store: opening the SQLite file, shared helpers, and the call commands.
 *
 * The schema and its migrations live in store_schema.c, the call rows in store_call.c, the
 * evidence ledger in store_ledger.c (records in store_record.c, page files in store_files.c),
 * JSON listings in store_json.c, consent and blocks in store_registry.c and the print queue in
 * store_queue.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "call_impl.h"
#include "store_impl.h"

/* ---- small string buffer for JSON ---- */

void fg_sb_add(fg_strbuf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        char *ns;

        while (cap < b->len + n + 1)
            cap *= 2;
        if (!(ns = realloc(b->s, cap))) {
            b->failed = true;
            return;
        }
        b->s = ns;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void fg_sb_puts(fg_strbuf *b, const char *s)
{
    fg_sb_add(b, s, strlen(s));
}

void fg_sb_json_str(fg_strbuf *b, const char *s)
{
    char esc[8];
    const char *run;

    if (!s) {
        fg_sb_puts(b, "null");
        return;
    }
    fg_sb_add(b, "\"", 1);
    for (run = s; *s; s++) {
        unsigned char ch = (unsigned char)*s;

        if (ch >= 0x20 && ch != '"' && ch != '\\')
            continue;
        fg_sb_add(b, run, (size_t)(s - run));
        if (ch == '"' || ch == '\\')
            snprintf(esc, sizeof esc, "\\%c", ch);
        else
            snprintf(esc, sizeof esc, "\\u%04x", ch);
        fg_sb_puts(b, esc);
        run = s + 1;
    }
    fg_sb_add(b, run, (size_t)(s - run));
    fg_sb_add(b, "\"", 1);
}

/* ---- errors, statements, transactions ---- */

fg_err fg_st_err(fg_store *st, int rc, const char *what)
{
    const char *msg = sqlite3_errmsg(st->db);

    /* A full disk shows as SQLITE_FULL, or as a write error whose errno says so. */
    if ((rc & 0xff) == SQLITE_FULL ||
        ((rc & 0xff) == SQLITE_IOERR && sqlite3_system_errno(st->db) == ENOSPC))
        return fg_err_set(FG_ERR_NOSPACE,
                          "store %s: disk full while trying to %s (%s); nothing of this change was "
                          "recorded: free space on the file system that holds the store",
                          st->path, what, msg);
    if ((rc & 0xff) == SQLITE_BUSY)
        return fg_err_set(FG_ERR_DB,
                          "store %s: cannot %s: the file stayed locked by another process for over "
                          "10 s (%s); try again, or look for a stuck faxgate process",
                          st->path, what, msg);
    return fg_err_set(FG_ERR_DB, "store %s: cannot %s: %s", st->path, what, msg);
}

fg_err fg_st_prep(fg_store *st, const char *sql, sqlite3_stmt **s, const char *what)
{
    int rc = sqlite3_prepare_v2(st->db, sql, -1, s, NULL);

    if (rc != SQLITE_OK) {
        *s = NULL;
        return fg_st_err(st, rc, what);
    }
    return FG_OK;
}

fg_err fg_st_run(fg_store *st, sqlite3_stmt *s, const char *what)
{
    int rc;

    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        ;
    if (rc != SQLITE_DONE)
        return fg_st_err(st, rc, what);
    return FG_OK;
}

fg_err fg_st_exec(fg_store *st, const char *sql, const char *what)
{
    int rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);

    return rc == SQLITE_OK ? FG_OK : fg_st_err(st, rc, what);
}

fg_err fg_st_begin(fg_store *st, const char *what)
{
    return fg_st_exec(st, "BEGIN IMMEDIATE", what);
}

fg_err fg_st_commit(fg_store *st, const char *what)
{
    fg_err e = fg_st_exec(st, "COMMIT", what);

    if (e)
        fg_st_rollback(st);
    return e;
}

void fg_st_rollback(fg_store *st)
{
    /* SQLite may already have rolled back by itself (SQLITE_FULL can do that). */
    if (!sqlite3_get_autocommit(st->db))
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Length of a valid UTF-8 sequence at s, or 0 if the bytes there are not one. */
static size_t utf8_seq(const unsigned char *s)
{
    size_t n;
    uint32_t cp;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        n = 2, cp = s[0] & 0x1f;
    else if (s[0] >= 0xe0 && s[0] <= 0xef)
        n = 3, cp = s[0] & 0x0f;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        n = 4, cp = s[0] & 0x07;
    else
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

int fg_st_bind_text(sqlite3_stmt *s, int idx, const char *v, bool empty_null)
{
    const unsigned char *p;
    size_t n, len;
    char *fixed, *o;
    int rc;

    if (!v || (empty_null && !*v))
        return sqlite3_bind_null(s, idx);
    for (p = (const unsigned char *)v; *p && (n = utf8_seq(p)); p += n)
        ;
    if (!*p)
        return sqlite3_bind_text(s, idx, v, -1, SQLITE_TRANSIENT);
    /* Hostile or Latin-1 bytes (a TSI, OCR text): keep what is valid, mark the rest U+FFFD,
       so that every JSON listing stays valid UTF-8. */
    len = strlen(v);
    if (!(fixed = malloc(3 * len + 1)))
        return SQLITE_NOMEM;
    for (p = (const unsigned char *)v, o = fixed; *p;) {
        if ((n = utf8_seq(p))) {
            memcpy(o, p, n);
            o += n;
            p += n;
        } else {
            memcpy(o, "\xef\xbf\xbd", 3);
            o += 3;
            p++;
        }
    }
    *o = '\0';
    rc = sqlite3_bind_text(s, idx, fixed, -1, SQLITE_TRANSIENT);
    free(fixed);
    return rc;
}

int fg_st_bind_named(sqlite3_stmt *s, const char *name, const char *v, bool empty_null)
{
    int idx = sqlite3_bind_parameter_index(s, name);

    return idx ? fg_st_bind_text(s, idx, v, empty_null) : SQLITE_RANGE;
}

void fg_st_bind_named_int(sqlite3_stmt *s, const char *name, int64_t v)
{
    int idx = sqlite3_bind_parameter_index(s, name);

    if (idx)
        sqlite3_bind_int64(s, idx, v);
}

void fg_st_bind_named_double(sqlite3_stmt *s, const char *name, double v)
{
    int idx = sqlite3_bind_parameter_index(s, name);

    if (idx)
        sqlite3_bind_double(s, idx, v);
}

fg_err fg_st_event(fg_store *st, int64_t call_id, const char *who, const char *what)
{
    sqlite3_stmt *s;
    fg_err e;

    if ((e = fg_st_prep(st, "INSERT INTO events(call_id, at, who, what) VALUES (?, " FG_SQL_NOW ", ?, ?)", &s,
                        "log an event")))
        return e;
    if (call_id > 0)
        sqlite3_bind_int64(s, 1, call_id);
    fg_st_bind_text(s, 2, who && *who ? who : "faxgate", false);
    fg_st_bind_text(s, 3, what, false);
    e = fg_st_run(st, s, "log an event");
    sqlite3_finalize(s);
    return e;
}

void fg_st_iso(time_t t, char out[32])
{
    struct tm tm;

    out[0] = '\0';
    if (t > 0 && gmtime_r(&t, &tm))
        strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

time_t fg_st_parse_iso(const char *v)
{
    struct tm tm = {0};
    const char *end;

    if (!v || !(end = strptime(v, "%Y-%m-%dT%H:%M:%SZ", &tm)) || *end)
        return 0;
    return timegm(&tm);
}

/* ---- open and close ---- */

fg_err fg_store_open(const char *path, fg_store **out)
{
    fg_store *st;
    fg_err e;
    int rc;

    *out = NULL;
    if (!path || !*path)
        return fg_err_set(FG_ERR_INVAL, "no store file given: set [store] db in the configuration");
    if (!(st = calloc(1, sizeof *st)) || !(st->path = strdup(path))) {
        free(st);
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate a store handle");
    }
    pthread_mutex_init(&st->mu, NULL);
    rc = sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                         NULL);
    if (rc != SQLITE_OK) {
        e = fg_err_set(rc == SQLITE_CANTOPEN ? FG_ERR_IO : FG_ERR_DB,
                       "store %s: cannot open: %s; check that its folder exists and is writable", path,
                       st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
        fg_store_close(st);
        return e;
    }
    sqlite3_extended_result_codes(st->db, 1);
    sqlite3_busy_timeout(st->db, 10000);
    /* the registries' match key, also used by the v4 migration */
    rc = sqlite3_create_function_v2(st->db, "fg_fold", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, fg_st_sql_fold,
                                    NULL, NULL, NULL);
    if (rc != SQLITE_OK || (e = fg_st_schema_open(st))) {
        if (rc != SQLITE_OK)
            e = fg_st_err(st, rc, "register the fg_fold SQL function");
        fg_store_close(st);
        return e;
    }
    *out = st;
    return FG_OK;
}

void fg_store_close(fg_store *st)
{
    if (!st)
        return;
    sqlite3_close_v2(st->db);   /* _v2: statements left by a bug do not keep the file open */
    pthread_mutex_destroy(&st->mu);
    free(st->path);
    free(st);
}

bool fg_store_readonly(fg_store *st)
{
    return sqlite3_db_readonly(st->db, "main") == 1;
}

int fg_store_version(fg_store *st)
{
    return st->version;
}

/* ---- calls ---- */

/* Inserts the call's row and gives the call its id (caller holds the lock and a transaction). */
static fg_err insert_call(fg_store *st, fg_call *c)
{
    sqlite3_stmt *s;
    char started[32];
    fg_err e;

    fg_st_iso(c->started ? c->started : time(NULL), started);
    if ((e = fg_st_prep(st, "INSERT INTO calls(started, state) VALUES (?, 'receiving')", &s, "record a new call")))
        return e;
    fg_st_bind_text(s, 1, started, false);
    e = fg_st_run(st, s, "record a new call");
    sqlite3_finalize(s);
    if (!e)
        c->id = sqlite3_last_insert_rowid(st->db);
    return e;
}

/* One transaction: insert if new, write every part, seal the record if the call has ended. A
   sealed call whose rows were changed behind the store's back is refused before anything is
   written: the save would seal the alteration. */
static fg_err save(fg_store *st, fg_call *c, bool must_be_new)
{
    int64_t old_id = c->id;
    fg_err e;

    if (must_be_new && c->id)
        return fg_err_set(FG_ERR_STATE, "call is already recorded as id %lld", (long long)c->id);
    pthread_mutex_lock(&st->mu);
    if ((e = fg_st_begin(st, "start saving a call")))
        goto out;
    if (!c->id && (e = insert_call(st, c)))
        goto fail;
    if ((old_id && (e = fg_st_ledger_check(st, c->id))) || (e = fg_st_write_call(st, c)) ||
        (e = fg_st_ledger_seal(st, c->id, c->recovered ? "recovered" : "sealed", "amended")))
        goto fail;
    /* the verdict and its print job in one commit: a crash between them would lose the fax */
    if (!strcmp(c->deliver_state, "queued") && (e = fg_st_delivery_add(st, c->id)))
        goto fail;
    if ((e = fg_st_commit(st, "commit the call")))
        goto undo;
    goto out;
fail:
    fg_st_rollback(st);
undo:
    c->id = old_id;   /* the insert was rolled back: an id that does not exist must not stick */
out:
    pthread_mutex_unlock(&st->mu);
    return e;
}

fg_err fg_store_call_begin(fg_store *st, fg_call *c)
{
    return save(st, c, true);
}

fg_err fg_store_call_save(fg_store *st, fg_call *c)
{
    return save(st, c, false);
}

/* Copies a column into a fixed field, refusing silent truncation of paths. */
static fg_err copy_col(sqlite3_stmt *s, int col, char *dst, size_t cap, const char *what)
{
    const char *v = (const char *)sqlite3_column_text(s, col);

    if ((size_t)snprintf(dst, cap, "%s", v ? v : "") >= cap)
        return fg_err_set(FG_ERR_TOOBIG, "stored %s is longer than %zu bytes", what, cap - 1);
    return FG_OK;
}

fg_err fg_store_call_get(fg_store *st, int64_t id, fg_stored_call *out)
{
    sqlite3_stmt *s;
    fg_err e;
    int rc;

    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&st->mu);
    if ((e = fg_st_prep(st, "SELECT id, state, verdict, tiff, printed, pages FROM calls WHERE id = ?", &s,
                        "read a call")))
        goto out;
    sqlite3_bind_int64(s, 1, id);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        out->id = sqlite3_column_int64(s, 0);
        out->printed = sqlite3_column_int(s, 4) != 0;
        out->pages = sqlite3_column_int(s, 5);
        if (!(e = copy_col(s, 1, out->state, sizeof out->state, "state")) &&
            !(e = copy_col(s, 2, out->verdict, sizeof out->verdict, "verdict")))
            e = copy_col(s, 3, out->tiff, sizeof out->tiff, "spool path");
    } else if (rc == SQLITE_DONE) {
        e = fg_err_set(FG_ERR_NOTFOUND, "there is no call %lld in the store %s", (long long)id, st->path);
    } else {
        e = fg_st_err(st, rc, "read a call");
    }
    sqlite3_finalize(s);
out:
    pthread_mutex_unlock(&st->mu);
    return e;
}

/* Runs an UPDATE of one call; FG_ERR_NOTFOUND if it touched nothing. */
static fg_err update_one(fg_store *st, sqlite3_stmt *s, int64_t id, const char *what)
{
    fg_err e = fg_st_run(st, s, what);

    if (!e && sqlite3_changes(st->db) == 0)
        e = fg_err_set(FG_ERR_NOTFOUND, "there is no call %lld in the store %s", (long long)id, st->path);
    return e;
}

fg_err fg_store_set_verdict(fg_store *st, int64_t id, fg_verdict v, const char *by, const char *why)
{
    const char *name = fg_st_verdict_name(v);
    char what[320], sealed_why[160];
    sqlite3_stmt *s = NULL;
    fg_err e;

    if (v != FG_VERDICT_DELIVER && v != FG_VERDICT_HOLD && v != FG_VERDICT_DROP)
        return fg_err_set(FG_ERR_INVAL, "unknown verdict %d", (int)v);
    if (!by || !*by)
        by = "admin";
    pthread_mutex_lock(&st->mu);
    if ((e = fg_st_begin(st, "start changing a verdict")))
        goto out;
    if ((e = fg_st_ledger_check(st, id)) ||
        (e = fg_st_prep(st,
                        "UPDATE calls SET verdict = ?1, verdict_by = ?2, verdict_reason = ?3 WHERE id = ?4",
                        &s, "change a verdict")))
        goto fail;
    fg_st_bind_text(s, 1, name, false);
    fg_st_bind_text(s, 2, by, false);
    fg_st_bind_text(s, 3, why, true);
    sqlite3_bind_int64(s, 4, id);
    if ((e = update_one(st, s, id, "change a verdict")))
        goto fail;
    snprintf(what, sizeof what, "verdict set to %s%s%s", name, why && *why ? ": " : "", why ? why : "");
    snprintf(sealed_why, sizeof sealed_why, "verdict by %s", by);
    if ((e = fg_st_event(st, id, by, what)) || (e = fg_st_ledger_seal(st, id, sealed_why, sealed_why)))
        goto fail;
    e = fg_st_commit(st, "commit the verdict");
    goto out;
fail:
    fg_st_rollback(st);
out:
    sqlite3_finalize(s);
    pthread_mutex_unlock(&st->mu);
    return e;
}

fg_err fg_store_set_tiff(fg_store *st, int64_t id, const char *path)
{
    sqlite3_stmt *s = NULL;
    char what[600];
    fg_err e;

    if (!path || !*path)
        return fg_err_set(FG_ERR_INVAL, "no spool path given for call %lld", (long long)id);
    pthread_mutex_lock(&st->mu);
    if ((e = fg_st_begin(st, "start recording a spool path")))
        goto out;
    if ((e = fg_st_prep(st, "UPDATE calls SET tiff = ? WHERE id = ?", &s, "record a spool path")))
        goto fail;
    fg_st_bind_text(s, 1, path, false);
    sqlite3_bind_int64(s, 2, id);
    if ((e = update_one(st, s, id, "record a spool path")))
        goto fail;
    snprintf(what, sizeof what, "pages moved to %s", path);
    if ((e = fg_st_event(st, id, "faxgate", what)))
        goto fail;
    e = fg_st_commit(st, "commit the spool path");
    goto out;
fail:
    fg_st_rollback(st);
out:
    sqlite3_finalize(s);
    pthread_mutex_unlock(&st->mu);
    return e;
}
