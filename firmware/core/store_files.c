/* faxgate — store: the stored page files read back against the hashes recorded for them.
 *
 * Each page's image is decoded from the call's TIFF and hashed again (the pages rows hold the
 * SHA-256 of each decoded bitmap, so a file rewritten with the same pictures still matches), then
 * the file as a whole against tiff_sha256. Those hashes are part of the call's sealed record
 * (store_ledger.c), so a hash changed in the store to fit an altered file shows there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "faxgate/page.h"
#include "store_impl.h"

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
