/* faxgate — store: a call's progress while it is received, and the calls a crash left unfinished.
 *
 * A page is confirmed to its sender (MCF) only after fg_store_call_progress has committed it
 * (and t30.c has synced its image): the store then knows every page a sender was told arrived,
 * and whether the last one ended the fax. Progress writes only what the line thread owns (T.30
 * facts, pages, the spool file), never the judgement an OCR worker may be writing at the same
 * time. At start-up the daemon lists the calls with no final state and loads each one back into
 * an fg_call to finish it (daemon/recover.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "call_impl.h"
#include "store_impl.h"

static const char progress_sql[] =
    "UPDATE calls SET uuid = :uuid, line = :line, caller_id = :caller_id, caller_e164 = :caller_e164, called = :called,"
    " tsi = :tsi, tsi_seen = :tsi_seen, csi = :csi,"
    " nsf_hex = :nsf_hex, nsf_vendor = :nsf_vendor, nsf_model = :nsf_model, nsf_country = :nsf_country,"
    " dcs = :dcs, bit_rate = :bit_rate, ecm = :ecm, x_res = :x_res, y_res = :y_res,"
    " pages = max(pages, :pages), tiff = coalesce(:tiff, tiff),"
    " confirmed = max(confirmed, :confirmed), complete = max(complete, :complete), acked = max(acked, :acked),"
    " progress_at = " FG_SQL_NOW
    " WHERE id = :id AND state IN ('new', 'receiving')";

static fg_err progress_row(fg_store *st, const fg_call *c)
{
    sqlite3_stmt *s;
    fg_err e;

    if ((e = fg_st_prep(st, progress_sql, &s, "record a call's progress")))
        return e;
    fg_st_bind_line_t30(s, c);
    fg_st_bind_named_int(s, ":pages", c->npages);
    fg_st_bind_named(s, ":tiff", c->tiff, true);
    fg_st_bind_named_int(s, ":confirmed", c->confirmed);
    fg_st_bind_named_int(s, ":complete", c->complete);
    fg_st_bind_named_int(s, ":acked", c->acked);
    fg_st_bind_named_int(s, ":id", c->id);
    e = fg_st_run(st, s, "record a call's progress");
    if (!e && sqlite3_changes(st->db) == 0)
        e = FG_ERR_STATE;   /* ended already (or gone): its rows are no longer progress's to write */
    sqlite3_finalize(s);
    return e;
}

fg_err fg_store_call_progress(fg_store *st, const fg_call *c)
{
    fg_err e;

    if (!c->id)
        return fg_err_set(FG_ERR_STATE, "a call's progress cannot be recorded before the call is");
    pthread_mutex_lock(&st->mu);
    if (!(e = fg_st_begin(st, "start recording a call's progress"))) {
        /* A call that has ended is sealed in the evidence ledger: a late progress write must not
           change its page rows (verify would take that for tampering). */
        if ((e = progress_row(st, c)) == FG_ERR_STATE) {
            fg_st_rollback(st);
            e = FG_OK;
        } else if (e || (e = fg_st_write_pages(st, c))) {
            fg_st_rollback(st);
        } else {
            e = fg_st_commit(st, "commit a call's progress");
        }
    }
    pthread_mutex_unlock(&st->mu);
    return e;
}

fg_err fg_store_unfinished(fg_store *st, int64_t **ids, int *n)
{
    sqlite3_stmt *s;
    int64_t *v = NULL;
    int cap = 0, rc;
    fg_err e;

    *ids = NULL;
    *n = 0;
    pthread_mutex_lock(&st->mu);
    if ((e = fg_st_prep(st, "SELECT id FROM calls WHERE state IN ('new', 'receiving') ORDER BY id", &s,
                        "list unfinished calls")))
        goto out;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (*n == cap) {
            int64_t *nv = realloc(v, (size_t)(cap = cap ? 2 * cap : 16) * sizeof *v);

            if (!nv) {
                e = fg_err_set(FG_ERR_NOMEM, "cannot list %d unfinished calls", *n);
                break;
            }
            v = nv;
        }
        v[(*n)++] = sqlite3_column_int64(s, 0);
    }
    if (!e && rc != SQLITE_DONE)
        e = fg_st_err(st, rc, "list unfinished calls");
    sqlite3_finalize(s);
out:
    pthread_mutex_unlock(&st->mu);
    if (e) {
        free(v);
        *n = 0;
        return e;
    }
    *ids = v;
    return FG_OK;
}

static void col_copy(sqlite3_stmt *s, int col, char *dst, size_t cap)
{
    const unsigned char *v = sqlite3_column_text(s, col);

    snprintf(dst, cap, "%s", v ? (const char *)v : "");
}

static const char load_sql[] =
    "SELECT uuid, line, started, caller_id, caller_e164, tsi, tsi_seen, csi, nsf_hex, nsf_vendor, nsf_model,"
    " nsf_country, dcs, bit_rate, ecm, x_res, y_res, tiff, confirmed, complete,"
    " coalesce(progress_at, started), state, acked, called FROM calls WHERE id = ?";

static fg_err load_row(fg_store *st, int64_t id, fg_call *c)
{
    sqlite3_stmt *s;
    fg_err e;
    int rc;

    if ((e = fg_st_prep(st, load_sql, &s, "read an unfinished call")))
        return e;
    sqlite3_bind_int64(s, 1, id);
    if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        c->id = id;
        col_copy(s, 0, c->uuid, sizeof c->uuid);
        col_copy(s, 1, c->line, sizeof c->line);
        c->started = fg_st_parse_iso((const char *)sqlite3_column_text(s, 2));
        col_copy(s, 3, c->caller_id, sizeof c->caller_id);
        col_copy(s, 4, c->caller_e164, sizeof c->caller_e164);
        col_copy(s, 5, c->t30.tsi, sizeof c->t30.tsi);
        c->t30.tsi_seen = sqlite3_column_int(s, 6) != 0;
        col_copy(s, 7, c->t30.csi, sizeof c->t30.csi);
        col_copy(s, 8, c->t30.nsf_hex, sizeof c->t30.nsf_hex);
        col_copy(s, 9, c->t30.nsf_vendor, sizeof c->t30.nsf_vendor);
        col_copy(s, 10, c->t30.nsf_model, sizeof c->t30.nsf_model);
        col_copy(s, 11, c->t30.nsf_country, sizeof c->t30.nsf_country);
        col_copy(s, 12, c->t30.dcs, sizeof c->t30.dcs);
        c->t30.bit_rate = sqlite3_column_int(s, 13);
        c->t30.ecm = sqlite3_column_int(s, 14) != 0;
        c->t30.x_res = sqlite3_column_int(s, 15);
        c->t30.y_res = sqlite3_column_int(s, 16);
        if (sqlite3_column_text(s, 17) && !(c->tiff = strdup((const char *)sqlite3_column_text(s, 17))))
            e = fg_err_set(FG_ERR_NOMEM, "cannot load call %lld", (long long)id);
        c->confirmed = sqlite3_column_int(s, 18);
        c->complete = sqlite3_column_int(s, 19) != 0;
        c->interrupted = fg_st_parse_iso((const char *)sqlite3_column_text(s, 20));
        c->state = strcmp((const char *)sqlite3_column_text(s, 21), "new") ? FG_CALL_RECEIVING : FG_CALL_NEW;
        c->acked = sqlite3_column_int(s, 22);
        col_copy(s, 23, c->called, sizeof c->called);
    } else {
        e = rc == SQLITE_DONE ? fg_err_set(FG_ERR_NOTFOUND, "there is no call %lld in the store %s", (long long)id,
                                           st->path)
                              : fg_st_err(st, rc, "read an unfinished call");
    }
    sqlite3_finalize(s);
    return e;
}

fg_err fg_store_call_load(fg_store *st, int64_t id, fg_call **out)
{
    fg_call *c = NULL;
    fg_err e;

    *out = NULL;
    if ((e = fg_call_new(&c)))
        return e;
    pthread_mutex_lock(&st->mu);
    e = load_row(st, id, c);
    pthread_mutex_unlock(&st->mu);
    if (e) {
        fg_call_free(c);
        return e;
    }
    *out = c;
    return FG_OK;
}
