/* faxgate — store: a finished call's evidence record, and what differs between two of them.
 *
 * The record is the canonical JSON text the evidence ledger (store_ledger.c) seals: every fact a
 * complaint relies on, built from the stored rows (never from a call in memory, so that sealing
 * and verifying read exactly the same bytes), keys in the fixed order of `fields` below, no
 * spaces. It is written by our own code, not SQLite's JSON functions, so that a newer SQLite
 * cannot change a byte of it and make every sealed record look altered. Strings escape only '"',
 * '\\' and control characters (\u00XX); the store keeps text valid UTF-8. The score is written
 * with four decimals without printf's locale. Not in it: what changes after a call ends for
 * reasons that are no evidence (its place in the spool, printing and delivery state, timings,
 * the learned fingerprint).
 *
 * "v" numbers the format: a format of a later faxgate is a new version, sealed again for every
 * call by that schema step (why "upgraded"), so that the old entries stay verifiable as they are.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_impl.h"

#define RECORD_FORMAT 1

/* How a calls column is written: a string (or null), a 0/1 as true/false, the score. */
enum kind { TEXT, BOOL, SCORE };

static const struct field {
    const char *name;
    enum kind kind;
} fields[] = {
    {"started", TEXT},        {"ended", TEXT},          {"state", TEXT},           {"result", TEXT},
    {"line", TEXT},           {"called", TEXT},         {"line_type", TEXT},       {"profiles", TEXT},
    {"caller_id", TEXT},      {"caller_e164", TEXT},    {"tsi", TEXT},             {"csi", TEXT},
    {"nsf_hex", TEXT},        {"nsf_vendor", TEXT},     {"nsf_model", TEXT},       {"nsf_country", TEXT},
    {"dcs", TEXT},            {"tiff_sha256", TEXT},    {"lang", TEXT},            {"is_ad", BOOL},
    {"score", SCORE},         {"verdict", TEXT},        {"verdict_by", TEXT},      {"verdict_reason", TEXT},
    {"advertiser", TEXT},     {"callback", TEXT},       {"optout_present", BOOL},  {"optout_text", TEXT},
    {"optout_compliant", TEXT}, {"header_present", BOOL}, {"consent", TEXT},       {"blocked", TEXT},
    {"interrupted", TEXT},    {"recovered", TEXT},
};
#define NFIELDS (sizeof fields / sizeof fields[0])

/* The rows of a call that are lists, each written as an array of objects in this key order. */
static const struct list {
    const char *name;
    const char *sql;       /* ?1 = call id; one column per key */
    const char *keys[4];
} lists[] = {
    {"pages", "SELECT page_no, sha256 FROM pages WHERE call_id = ?1 ORDER BY page_no", {"page", "sha256"}},
    {"identities", "SELECT role, kind, value FROM identities WHERE call_id = ?1 ORDER BY id",
     {"role", "kind", "value"}},
    {"violations", "SELECT profile, rule, detail, advertiser FROM violations WHERE call_id = ?1 ORDER BY id",
     {"profile", "rule", "detail", "advertiser"}},
};

static void put_key(fg_strbuf *b, const char *key)
{
    fg_sb_puts(b, ",\"");
    fg_sb_puts(b, key);
    fg_sb_puts(b, "\":");
}

/* score as -?D.DDDD, rounded; null if absent or not a number. */
static void put_score(fg_strbuf *b, sqlite3_stmt *s, int i)
{
    double v = sqlite3_column_double(s, i);
    long long q;
    char num[48];

    if (sqlite3_column_type(s, i) == SQLITE_NULL || !isfinite(v) || fabs(v) > 1e12) {
        fg_sb_puts(b, "null");
        return;
    }
    q = llround(fabs(v) * 10000.0);
    snprintf(num, sizeof num, "%s%lld.%04lld", v < 0 && q ? "-" : "", q / 10000, q % 10000);
    fg_sb_puts(b, num);
}

static void put_column(fg_strbuf *b, sqlite3_stmt *s, int i, enum kind k)
{
    if (k == SCORE)
        put_score(b, s, i);
    else if (sqlite3_column_type(s, i) == SQLITE_NULL)
        fg_sb_puts(b, "null");
    else if (k == BOOL)
        fg_sb_puts(b, sqlite3_column_int64(s, i) ? "true" : "false");
    else
        fg_sb_json_str(b, (const char *)sqlite3_column_text(s, i));
}

static fg_err put_list(fg_store *st, int64_t id, const struct list *l, fg_strbuf *b)
{
    char what[64];
    sqlite3_stmt *s;
    fg_err e;
    int rc;

    snprintf(what, sizeof what, "read a call's %s for its record", l->name);
    if ((e = fg_st_prep(st, l->sql, &s, what)))
        return e;
    sqlite3_bind_int64(s, 1, id);
    put_key(b, l->name);
    fg_sb_puts(b, "[");
    for (int n = 0; (rc = sqlite3_step(s)) == SQLITE_ROW; n++) {
        fg_sb_puts(b, n ? ",{" : "{");
        for (int k = 0; k < 4 && l->keys[k]; k++) {
            fg_sb_puts(b, k ? ",\"" : "\"");
            fg_sb_puts(b, l->keys[k]);
            fg_sb_puts(b, "\":");
            if (sqlite3_column_type(s, k) == SQLITE_INTEGER) {
                char num[24];

                snprintf(num, sizeof num, "%lld", (long long)sqlite3_column_int64(s, k));
                fg_sb_puts(b, num);
            } else {
                put_column(b, s, k, TEXT);
            }
        }
        fg_sb_puts(b, "}");
    }
    fg_sb_puts(b, "]");
    e = rc == SQLITE_DONE ? FG_OK : fg_st_err(st, rc, what);
    sqlite3_finalize(s);
    return e;
}

fg_err fg_st_record(fg_store *st, int64_t id, fg_strbuf *b)
{
    char sql[768] = "SELECT ", num[64];
    size_t len = strlen(sql);
    sqlite3_stmt *s;
    fg_err e;
    int rc;

    b->len = 0;
    if (b->s)
        b->s[0] = '\0';
    for (size_t i = 0; i < NFIELDS; i++)
        len += (size_t)snprintf(sql + len, sizeof sql - len, "%s%s", i ? ", " : "", fields[i].name);
    snprintf(sql + len, sizeof sql - len, " FROM calls WHERE id = ?");
    if ((e = fg_st_prep(st, sql, &s, "read a call's record")))
        return e;
    sqlite3_bind_int64(s, 1, id);
    if ((rc = sqlite3_step(s)) != SQLITE_ROW) {
        e = rc == SQLITE_DONE ? fg_err_set(FG_ERR_NOTFOUND, "there is no call %lld in the store %s", (long long)id,
                                           st->path)
                              : fg_st_err(st, rc, "read a call's record");
        sqlite3_finalize(s);
        return e;
    }
    snprintf(num, sizeof num, "{\"v\":%d,\"id\":%lld", RECORD_FORMAT, (long long)id);
    fg_sb_puts(b, num);
    for (size_t i = 0; i < NFIELDS; i++) {
        put_key(b, fields[i].name);
        put_column(b, s, (int)i, fields[i].kind);
    }
    sqlite3_finalize(s);
    for (size_t i = 0; i < sizeof lists / sizeof lists[0] && !e; i++)
        e = put_list(st, id, &lists[i], b);
    fg_sb_puts(b, "}");
    if (!e && b->failed)
        e = fg_err_set(FG_ERR_NOMEM, "cannot allocate the record of call %lld", (long long)id);
    return e;
}

/* ---- the first difference between two records ---- */

/* A value as the message shows it: a string in quotes, anything else as compact JSON, cut. */
static void show(const json_t *v, char *out, size_t cap)
{
    char *text;

    if (!v) {
        snprintf(out, cap, "(nothing)");
        return;
    }
    if (json_is_string(v)) {
        snprintf(out, cap, "'%.100s%s'", json_string_value(v), strlen(json_string_value(v)) > 100 ? "…" : "");
        return;
    }
    text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    snprintf(out, cap, "%.120s%s", text ? text : "?", text && strlen(text) > 120 ? "…" : "");
    free(text);
}

/* Path and values of the first difference between a and b (objects compared key by key in the
   order of b, then the keys only a has; arrays element by element); false if they are equal. */
static bool first_diff(const json_t *a, const json_t *b, char *path, size_t cap, const json_t **va, const json_t **vb)
{
    size_t len = strlen(path);

    if (json_is_object(a) && json_is_object(b)) {
        const char *key;
        json_t *v;

        json_object_foreach((json_t *)b, key, v) {
            snprintf(path + len, cap - len, "%s%s", len ? "." : "", key);
            if (first_diff(json_object_get(a, key), v, path, cap, va, vb))
                return true;
        }
        json_object_foreach((json_t *)a, key, v) {
            if (!json_object_get(b, key)) {
                snprintf(path + len, cap - len, "%s%s", len ? "." : "", key);
                *va = v;
                *vb = NULL;
                return true;
            }
        }
        path[len] = '\0';
        return false;
    }
    if (json_is_array(a) && json_is_array(b)) {
        size_t n = json_array_size(a) > json_array_size(b) ? json_array_size(a) : json_array_size(b);

        for (size_t i = 0; i < n; i++) {
            snprintf(path + len, cap - len, "[%zu]", i + 1);
            if (first_diff(json_array_get(a, i), json_array_get(b, i), path, cap, va, vb))
                return true;
        }
        path[len] = '\0';
        return false;
    }
    if (a && b && json_equal((json_t *)a, (json_t *)b))
        return false;
    *va = a;
    *vb = b;
    return true;
}

void fg_st_record_diff(const char *sealed, const char *now, char *field, size_t field_cap, char *change,
                       size_t change_cap)
{
    json_t *a = json_loads(sealed, 0, NULL), *b = json_loads(now, 0, NULL);
    const json_t *va = NULL, *vb = NULL;
    char from[160], to[160];

    field[0] = '\0';
    if (!a || !b) {
        snprintf(field, field_cap, "record");
        snprintf(change, change_cap, "its %s record is not JSON", a ? "rebuilt" : "sealed");
    } else if (!first_diff(a, b, field, field_cap, &va, &vb)) {
        snprintf(field, field_cap, "record");
        snprintf(change, change_cap, "its record differs in its bytes only (the same facts, written otherwise)");
    } else {
        show(va, from, sizeof from);
        show(vb, to, sizeof to);
        snprintf(change, change_cap, "%s changed from %s to %s", field, from, to);
    }
    json_decref(a);
    json_decref(b);
}
