/* faxgate — store: the hash chain over the calls' evidence.
 *
 * chain(call) = hex SHA-256( chain(previous call by id) || evidence(call) ), the first call
 * hashing its evidence alone. evidence() is a canonical JSON text built here from the stored
 * rows, with keys in this fixed order and no spaces:
 *   {"id":N,"started":S,"caller_id":S|null,"tsi":S|null,"pages":[sha256...],
 *    "tiff_sha256":S|null,"verdict":S|null,"violations":[{"profile":S,"rule":S,"detail":S|null}...]}
 * Strings escape only '"', '\\' and control characters (\u00XX); the store keeps text valid
 * UTF-8. Building it from the rows (not from the call in memory) means saving and verifying
 * hash exactly the same bytes.
 */
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "faxgate/page.h"
#include "store_impl.h"

#define HEX_LEN 65

static void sha_hex(const char *prev, const fg_strbuf *ev, char out[HEX_LEN])
{
    struct sha256_ctx ctx;
    uint8_t d[SHA256_DIGEST_SIZE];

    sha256_init(&ctx);
    sha256_update(&ctx, strlen(prev), (const uint8_t *)prev);
    sha256_update(&ctx, ev->len, (const uint8_t *)ev->s);
    sha256_digest(&ctx, sizeof d, d);
    for (size_t i = 0; i < sizeof d; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static const char *col(sqlite3_stmt *s, int i)
{
    return (const char *)sqlite3_column_text(s, i);
}

/* Appends column 0 of every row of s as JSON strings, comma-separated. */
static fg_err add_strings(fg_store *st, sqlite3_stmt *s, fg_strbuf *b, const char *what)
{
    int rc;

    for (int n = 0; (rc = sqlite3_step(s)) == SQLITE_ROW; n++) {
        if (n)
            fg_sb_puts(b, ",");
        fg_sb_json_str(b, col(s, 0));
    }
    return rc == SQLITE_DONE ? FG_OK : fg_st_err(st, rc, what);
}

/* Appends the violations as objects, in the order they were recorded. */
static fg_err add_violations(fg_store *st, sqlite3_stmt *s, fg_strbuf *b)
{
    int rc;

    for (int n = 0; (rc = sqlite3_step(s)) == SQLITE_ROW; n++) {
        fg_sb_puts(b, n ? ",{\"profile\":" : "{\"profile\":");
        fg_sb_json_str(b, col(s, 0));
        fg_sb_puts(b, ",\"rule\":");
        fg_sb_json_str(b, col(s, 1));
        fg_sb_puts(b, ",\"detail\":");
        fg_sb_json_str(b, col(s, 2));
        fg_sb_puts(b, "}");
    }
    return rc == SQLITE_DONE ? FG_OK : fg_st_err(st, rc, "read a call's violations");
}

/* Canonical evidence of one call into b; stored gets its chain column ("" if none).
   The JSON is written by our own code, not SQLite's JSON functions, so that a newer SQLite
   cannot change a byte of it and break every link recorded before. */
static fg_err evidence(fg_store *st, int64_t id, fg_strbuf *b, char stored[HEX_LEN])
{
    fg_strbuf tail = {0};
    sqlite3_stmt *s;
    char num[40];
    fg_err e;
    int rc;

    b->len = 0;
    if ((e = fg_st_prep(st, "SELECT started, caller_id, tsi, tiff_sha256, verdict, chain FROM calls WHERE id = ?",
                        &s, "read a call's evidence")))
        return e;
    sqlite3_bind_int64(s, 1, id);
    if ((rc = sqlite3_step(s)) != SQLITE_ROW) {
        e = rc == SQLITE_DONE ? fg_err_set(FG_ERR_NOTFOUND, "call %lld vanished during the chain update",
                                           (long long)id)
                              : fg_st_err(st, rc, "read a call's evidence");
        sqlite3_finalize(s);
        return e;
    }
    snprintf(num, sizeof num, "{\"id\":%lld,\"started\":", (long long)id);
    fg_sb_puts(b, num);
    fg_sb_json_str(b, col(s, 0));
    fg_sb_puts(b, ",\"caller_id\":");
    fg_sb_json_str(b, col(s, 1));
    fg_sb_puts(b, ",\"tsi\":");
    fg_sb_json_str(b, col(s, 2));
    fg_sb_puts(b, ",\"pages\":[");
    /* what follows the pages, kept aside because the row ends with this statement */
    fg_sb_puts(&tail, "],\"tiff_sha256\":");
    fg_sb_json_str(&tail, col(s, 3));
    fg_sb_puts(&tail, ",\"verdict\":");
    fg_sb_json_str(&tail, col(s, 4));
    fg_sb_puts(&tail, ",\"violations\":[");
    snprintf(stored, HEX_LEN, "%s", col(s, 5) ? col(s, 5) : "");
    sqlite3_finalize(s);
    if (!(e = fg_st_prep(st, "SELECT sha256 FROM pages WHERE call_id = ? ORDER BY page_no", &s,
                         "read a call's page hashes"))) {
        sqlite3_bind_int64(s, 1, id);
        e = add_strings(st, s, b, "read a call's page hashes");
        sqlite3_finalize(s);
    }
    if (!tail.failed && tail.s)
        fg_sb_puts(b, tail.s);
    if (!e && !(e = fg_st_prep(st, "SELECT profile, rule, detail FROM violations WHERE call_id = ? ORDER BY id", &s,
                               "read a call's violations"))) {
        sqlite3_bind_int64(s, 1, id);
        e = add_violations(st, s, b);
        sqlite3_finalize(s);
    }
    fg_sb_puts(b, "]}");
    if (!e && (b->failed || tail.failed))
        e = fg_err_set(FG_ERR_NOMEM, "cannot allocate the evidence of call %lld", (long long)id);
    free(tail.s);
    return e;
}

/* Ids of the calls from from_id on, ascending. */
static fg_err ids_from(fg_store *st, int64_t from_id, int64_t **ids, size_t *n)
{
    size_t cap = 0;
    sqlite3_stmt *s;
    fg_err e;
    int rc;

    *ids = NULL;
    *n = 0;
    if ((e = fg_st_prep(st, "SELECT id FROM calls WHERE id >= ? ORDER BY id", &s, "list calls for the chain")))
        return e;
    sqlite3_bind_int64(s, 1, from_id);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (*n == cap) {
            int64_t *nv = realloc(*ids, (cap = cap ? 2 * cap : 64) * sizeof *nv);

            if (!nv) {
                e = fg_err_set(FG_ERR_NOMEM, "cannot allocate the list of calls for the chain");
                break;
            }
            *ids = nv;
        }
        (*ids)[(*n)++] = sqlite3_column_int64(s, 0);
    }
    if (!e && rc != SQLITE_DONE)
        e = fg_st_err(st, rc, "list calls for the chain");
    sqlite3_finalize(s);
    if (e) {
        free(*ids);
        *ids = NULL;
        *n = 0;
    }
    return e;
}

/* The stored link of the call before id, "" if id is the first. */
static fg_err prev_link(fg_store *st, int64_t id, char out[HEX_LEN])
{
    sqlite3_stmt *s;
    fg_err e;
    int rc;

    out[0] = '\0';
    if ((e = fg_st_prep(st, "SELECT chain FROM calls WHERE id < ? ORDER BY id DESC LIMIT 1", &s,
                        "read the previous chain link")))
        return e;
    sqlite3_bind_int64(s, 1, id);
    if ((rc = sqlite3_step(s)) == SQLITE_ROW)
        snprintf(out, HEX_LEN, "%s", col(s, 0) ? col(s, 0) : "");
    else if (rc != SQLITE_DONE)
        e = fg_st_err(st, rc, "read the previous chain link");
    sqlite3_finalize(s);
    return e;
}

static fg_err set_link(fg_store *st, int64_t id, const char *link)
{
    sqlite3_stmt *s;
    fg_err e;

    if ((e = fg_st_prep(st, "UPDATE calls SET chain = ? WHERE id = ?", &s, "update the hash chain")))
        return e;
    fg_st_bind_text(s, 1, link, false);
    sqlite3_bind_int64(s, 2, id);
    e = fg_st_run(st, s, "update the hash chain");
    sqlite3_finalize(s);
    return e;
}

/* Relinks from_id and the calls after it. A later call whose link did not match before this
   change was altered behind the store's back: relinking it would hide that, so the walk stops
   there and fg_store_verify_chain keeps reporting it. */
fg_err fg_st_chain_from(fg_store *st, int64_t from_id)
{
    char old_prev[HEX_LEN], new_prev[HEX_LEN], stored[HEX_LEN], link[HEX_LEN];
    fg_strbuf ev = {0};
    int64_t *ids;
    size_t n;
    fg_err e;

    if ((e = prev_link(st, from_id, old_prev)) || (e = ids_from(st, from_id, &ids, &n)))
        return e;
    memcpy(new_prev, old_prev, sizeof new_prev);
    for (size_t i = 0; i < n && !e; i++) {
        if ((e = evidence(st, ids[i], &ev, stored)))
            break;
        if (i > 0) {
            sha_hex(old_prev, &ev, link);
            if (strcmp(link, stored) != 0)
                break;
        }
        sha_hex(new_prev, &ev, link);
        if (strcmp(link, stored) == 0)
            break;   /* unchanged link: every later link is unchanged too */
        if ((e = set_link(st, ids[i], link)))
            break;
        memcpy(old_prev, stored, sizeof old_prev);
        memcpy(new_prev, link, sizeof new_prev);
    }
    free(ev.s);
    free(ids);
    return e;
}

fg_err fg_store_verify_chain(fg_store *st, bool *ok, int64_t *bad_id)
{
    char prev[HEX_LEN] = "", stored[HEX_LEN], link[HEX_LEN];
    fg_strbuf ev = {0};
    int64_t *ids = NULL;
    size_t n = 0;
    fg_err e;

    *ok = true;
    *bad_id = 0;
    pthread_mutex_lock(&st->mu);
    /* one read transaction: a consistent snapshot while the daemon keeps writing */
    if ((e = fg_st_exec(st, "BEGIN", "start reading the chain")))
        goto out;
    if ((e = ids_from(st, 0, &ids, &n)))
        goto end;
    for (size_t i = 0; i < n; i++) {
        if ((e = evidence(st, ids[i], &ev, stored)))
            break;
        sha_hex(prev, &ev, link);
        if (strcmp(link, stored) != 0) {
            *ok = false;
            *bad_id = ids[i];
            break;
        }
        memcpy(prev, link, sizeof prev);
    }
end:
    fg_st_rollback(st);
out:
    pthread_mutex_unlock(&st->mu);
    free(ev.s);
    free(ids);
    return e;
}

/* One call's file: its pages' images against their hashes, then the file against its hash. */
static bool check_file(fg_store *st, int64_t id, const char *tiff, const char *file_sha, fg_evidence_fault *f,
                       int *pages)
{
    sqlite3_stmt *s;
    char hex[65];
    int rc, count = 0;

    f->call_id = id;
    f->page = 0;
    if (access(tiff, R_OK) != 0) {
        snprintf(f->why, sizeof f->why, "its pages file %.200s is gone", tiff);
        return false;
    }
    if (fg_st_prep(st, "SELECT page_no, sha256 FROM pages WHERE call_id = ? ORDER BY page_no", &s,
                   "read a call's page hashes"))
        return true;   /* the chain check reports the store's errors */
    sqlite3_bind_int64(s, 1, id);
    fg_page_tiff_count(tiff, &count);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int no = sqlite3_column_int(s, 0);
        const char *want = (const char *)sqlite3_column_text(s, 1);
        fg_page *p = NULL;

        if (no < 1 || no > count || fg_page_read_tiff(tiff, no - 1, &p)) {
            f->page = no;
            snprintf(f->why, sizeof f->why, "page %d can no longer be read from %.200s", no, tiff);
            sqlite3_finalize(s);
            return false;
        }
        fg_page_sha256(p, hex);
        fg_page_free(p);
        (*pages)++;
        if (want && strcmp(hex, want) != 0) {
            f->page = no;
            snprintf(f->why, sizeof f->why, "page %d's image differs from the hash recorded for it", no);
            sqlite3_finalize(s);
            return false;
        }
    }
    sqlite3_finalize(s);
    if (file_sha && *file_sha && (fg_sha256_file(tiff, hex) || strcmp(hex, file_sha) != 0)) {
        snprintf(f->why, sizeof f->why, "the file %.150s differs from the hash recorded for it (its page images do "
                 "not)", tiff);
        return false;
    }
    return true;
}

fg_err fg_store_verify_files(fg_store *st, bool *ok, fg_evidence_fault *fault, int *calls, int *pages)
{
    sqlite3_stmt *s;
    fg_err e;
    int rc;

    *ok = true;
    *calls = *pages = 0;
    memset(fault, 0, sizeof *fault);
    pthread_mutex_lock(&st->mu);
    if ((e = fg_st_exec(st, "BEGIN", "start reading the evidence")))
        goto out;
    if (!(e = fg_st_prep(st, "SELECT id, tiff, tiff_sha256 FROM calls WHERE tiff IS NOT NULL AND tiff <> ''"
                         " AND pages > 0 AND state <> 'receiving' ORDER BY id", &s, "list the calls' page files"))) {
        while (*ok && (rc = sqlite3_step(s)) == SQLITE_ROW) {
            (*calls)++;
            *ok = check_file(st, sqlite3_column_int64(s, 0), (const char *)sqlite3_column_text(s, 1),
                             (const char *)sqlite3_column_text(s, 2), fault, pages);
        }
        sqlite3_finalize(s);
    }
    fg_st_rollback(st);
out:
    pthread_mutex_unlock(&st->mu);
    return e;
}

fg_err fg_store_verify_link(fg_store *st, int64_t id, bool *ok)
{
    char prev[HEX_LEN], stored[HEX_LEN], link[HEX_LEN];
    fg_strbuf ev = {0};
    fg_err e;

    *ok = false;
    pthread_mutex_lock(&st->mu);
    if ((e = fg_st_exec(st, "BEGIN", "start reading a chain link")))
        goto out;
    if (!(e = prev_link(st, id, prev)) && !(e = evidence(st, id, &ev, stored))) {
        sha_hex(prev, &ev, link);
        *ok = strcmp(link, stored) == 0;
    }
    fg_st_rollback(st);
out:
    pthread_mutex_unlock(&st->mu);
    free(ev.s);
    if (e == FG_ERR_NOTFOUND)
        e = fg_err_set(FG_ERR_NOTFOUND, "there is no call %lld in the store %s", (long long)id, st->path);
    return e;
}
