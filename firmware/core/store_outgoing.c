/* faxgate — store: the outgoing queue (table outgoing), faxes the gateway sends itself.
 *
 * queued → sending (claimed by one owner, in a BEGIN IMMEDIATE transaction like print jobs,
 * so two senders never take the same fax) → sent; a fax that cannot be sent goes back to
 * queued with a delay, and is failed once it has had max_attempts. Every step is an event of
 * the call it concerns, when there is one. An opt-out request riding an entry (optouts) follows
 * it to sent or failed in the same transaction.
 */
#include <stdio.h>
#include <string.h>

#include "store_impl.h"


static fg_err step_done(fg_store *st, sqlite3_stmt *s, const char *what)
{
    int rc = sqlite3_step(s);

    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? FG_OK : fg_st_err(st, rc, what);
}

static fg_err event(fg_store *st, int64_t call_id, const char *what)
{
    return call_id ? fg_st_event(st, call_id, "faxgate", what) : FG_OK;
}

fg_err fg_st_outgoing_add(fg_store *st, const char *dest, const char *tiff, const char *purpose, int64_t call_id,
                          int max_attempts, int pages, int64_t *id)
{
    char what[400];
    sqlite3_stmt *s;
    fg_err e;

    if ((e = fg_st_prep(st,
                        "INSERT INTO outgoing(created, dest, tiff, purpose, call_id, max_attempts, pages, next_try)"
                        " VALUES (" FG_SQL_NOW ", ?1, ?2, ?3, ?4, ?5, ?6, " FG_SQL_NOW ")",
                        &s, "queue a fax to send")))
        return e;
    fg_st_bind_text(s, 1, dest, false);
    fg_st_bind_text(s, 2, tiff, false);
    fg_st_bind_text(s, 3, purpose, false);
    if (call_id)
        sqlite3_bind_int64(s, 4, call_id);
    sqlite3_bind_int(s, 5, max_attempts > 0 ? max_attempts : 5);
    sqlite3_bind_int(s, 6, pages);
    if ((e = step_done(st, s, "queue a fax to send")))
        return e;
    *id = sqlite3_last_insert_rowid(st->db);
    snprintf(what, sizeof what, "fax %lld queued to send to %.200s (%s)", (long long)*id, dest, purpose);
    return event(st, call_id, what);
}

fg_err fg_store_outgoing_add(fg_store *st, const char *dest, const char *tiff, const char *purpose, int64_t call_id,
                             int max_attempts, int pages, int64_t *id)
{
    fg_err e;

    if (!dest || !*dest || !tiff || !*tiff)
        return fg_err_set(FG_ERR_INVAL, "a fax to send needs a destination and a file");
    IN_TRANSACTION(st, "queue a fax to send",
                   e = fg_st_outgoing_add(st, dest, tiff, purpose && *purpose ? purpose : "manual", call_id, max_attempts,
                                          pages, id));
    return e;
}

static fg_err claim(fg_store *st, const char *owner, fg_outgoing *out)
{
    sqlite3_stmt *s;
    char what[120];
    fg_err e;
    int rc;

    if ((e = fg_st_prep(st,
                        "UPDATE outgoing SET state = 'sending', claimed_by = ?1, claimed_at = " FG_SQL_NOW ","
                        " attempts = attempts + 1"
                        " WHERE id = (SELECT id FROM outgoing WHERE state = 'queued' AND next_try <= " FG_SQL_NOW
                        "  ORDER BY next_try, id LIMIT 1)"
                        " RETURNING id, coalesce(call_id, 0), dest, tiff, purpose, attempts, max_attempts",
                        &s, "claim a fax to send")))
        return e;
    fg_st_bind_text(s, 1, owner, false);
    if ((rc = sqlite3_step(s)) != SQLITE_ROW) {
        sqlite3_finalize(s);
        return rc == SQLITE_DONE ? fg_err_set(FG_ERR_NOTFOUND, "no fax is due to be sent")
                                 : fg_st_err(st, rc, "claim a fax to send");
    }
    out->id = sqlite3_column_int64(s, 0);
    out->call_id = sqlite3_column_int64(s, 1);
    snprintf(out->dest, sizeof out->dest, "%s", (const char *)sqlite3_column_text(s, 2));
    snprintf(out->tiff, sizeof out->tiff, "%s", (const char *)sqlite3_column_text(s, 3));
    snprintf(out->purpose, sizeof out->purpose, "%s", (const char *)sqlite3_column_text(s, 4));
    out->attempts = sqlite3_column_int(s, 5);
    out->max_attempts = sqlite3_column_int(s, 6);
    rc = sqlite3_step(s);   /* RETURNING: the change is complete only at SQLITE_DONE */
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE)
        return fg_st_err(st, rc, "claim a fax to send");
    snprintf(what, sizeof what, "sending fax %lld (attempt %d of %d)", (long long)out->id, out->attempts,
             out->max_attempts);
    return event(st, out->call_id, what);
}

fg_err fg_store_outgoing_claim(fg_store *st, const char *owner, fg_outgoing *out)
{
    fg_err e;

    memset(out, 0, sizeof *out);
    IN_TRANSACTION(st, "claim a fax to send", e = claim(st, owner, out));
    return e;
}

/* The entry's call and whether it is claimed. */
static fg_err entry(fg_store *st, int64_t id, int64_t *call_id, bool *sending, int *attempts, int *max_attempts)
{
    sqlite3_stmt *s;
    fg_err e;
    int rc;

    if ((e = fg_st_prep(st, "SELECT coalesce(call_id, 0), state = 'sending', attempts, max_attempts FROM outgoing"
                        " WHERE id = ?", &s, "read a fax to send")))
        return e;
    sqlite3_bind_int64(s, 1, id);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        *call_id = sqlite3_column_int64(s, 0);
        *sending = sqlite3_column_int(s, 1) != 0;
        *attempts = sqlite3_column_int(s, 2);
        *max_attempts = sqlite3_column_int(s, 3);
    }
    sqlite3_finalize(s);
    if (rc == SQLITE_DONE)
        return fg_err_set(FG_ERR_NOTFOUND, "no outgoing fax %lld", (long long)id);
    if (rc != SQLITE_ROW)
        return fg_st_err(st, rc, "read a fax to send");
    if (!*sending)
        return fg_err_set(FG_ERR_STATE, "outgoing fax %lld is not being sent", (long long)id);
    return FG_OK;
}

static fg_err sent(fg_store *st, int64_t id, int pages_sent, const char *far_csi)
{
    int64_t call_id;
    int attempts, max_attempts;
    bool sending;
    sqlite3_stmt *s;
    char what[200];
    fg_err e;

    if ((e = entry(st, id, &call_id, &sending, &attempts, &max_attempts)) ||
        (e = fg_st_prep(st, "UPDATE outgoing SET state = 'sent', pages_sent = ?2, far_csi = ?3, done_at = " FG_SQL_NOW
                        ", claimed_by = NULL, claimed_at = NULL WHERE id = ?1", &s, "record a fax sent")))
        return e;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int(s, 2, pages_sent);
    fg_st_bind_text(s, 3, far_csi, true);
    if ((e = step_done(st, s, "record a fax sent")) || (e = fg_st_optout_follow(st, id, "sent")))
        return e;
    snprintf(what, sizeof what, "fax %lld sent: %d page%s confirmed by '%.40s' (attempt %d)", (long long)id,
             pages_sent, pages_sent == 1 ? "" : "s", far_csi ? far_csi : "", attempts);
    return event(st, call_id, what);
}

fg_err fg_store_outgoing_sent(fg_store *st, int64_t id, int pages_sent, const char *far_csi)
{
    fg_err e;

    IN_TRANSACTION(st, "record a fax sent", e = sent(st, id, pages_sent, far_csi));
    return e;
}

static fg_err retry(fg_store *st, int64_t id, int delay_s, const char *error, bool *failed)
{
    int64_t call_id;
    int attempts, max_attempts;
    bool sending;
    sqlite3_stmt *s;
    char what[500];
    fg_err e;

    if ((e = entry(st, id, &call_id, &sending, &attempts, &max_attempts)))
        return e;
    *failed = attempts >= max_attempts;
    if ((e = fg_st_prep(st, *failed ? "UPDATE outgoing SET state = 'failed', last_error = ?3, done_at = " FG_SQL_NOW
                                      ", claimed_by = NULL, claimed_at = NULL WHERE id = ?1"
                                    : "UPDATE outgoing SET state = 'queued', last_error = ?3, next_try = " SQL_LATER("?2")
                                      ", claimed_by = NULL, claimed_at = NULL WHERE id = ?1",
                        &s, "put a fax to send back in the queue")))
        return e;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int(s, 2, delay_s);   /* unused by the 'failed' statement: SQLITE_RANGE, ignored */
    fg_st_bind_text(s, 3, error, true);
    if ((e = step_done(st, s, "put a fax to send back in the queue")) ||
        (*failed && (e = fg_st_optout_follow(st, id, "failed"))))
        return e;
    if (*failed)
        snprintf(what, sizeof what, "fax %lld not sent after %d attempts, given up: %.300s", (long long)id, attempts,
                 error ? error : "");
    else
        snprintf(what, sizeof what, "fax %lld not sent (attempt %d of %d): %.300s; next try in %d s", (long long)id,
                 attempts, max_attempts, error ? error : "", delay_s);
    return event(st, call_id, what);
}

fg_err fg_store_outgoing_retry(fg_store *st, int64_t id, int delay_s, const char *error, bool *failed)
{
    bool f = false;
    fg_err e;

    IN_TRANSACTION(st, "put a fax to send back in the queue", e = retry(st, id, delay_s < 0 ? 0 : delay_s, error, &f));
    if (failed)
        *failed = f;
    return e;
}

fg_err fg_store_outgoing_release(fg_store *st, const char *owner_prefix)
{
    char like[96];
    sqlite3_stmt *s;
    fg_err e;

    snprintf(like, sizeof like, "%s%%", owner_prefix);
    IN_TRANSACTION(st, "return a stopped daemon's outgoing faxes to the queue", {
        if (!(e = fg_st_prep(st, "UPDATE outgoing SET state = 'queued', next_try = " FG_SQL_NOW ", claimed_by = NULL,"
                             " claimed_at = NULL, last_error = coalesce(last_error || '; ', '') || 'claim abandoned'"
                             " WHERE state = 'sending' AND claimed_by LIKE ?1",
                             &s, "return outgoing faxes to the queue"))) {
            fg_st_bind_text(s, 1, like, false);
            e = step_done(st, s, "return outgoing faxes to the queue");
        }
    });
    return e;
}

fg_err fg_store_outgoing_json(fg_store *st, char **json)
{
    return fg_st_json_listing(st,
                              "SELECT json_object('id', id, 'dest', dest, 'purpose', purpose, 'call_id', call_id,"
                              " 'state', state, 'attempts', attempts, 'max_attempts', max_attempts, 'next_try', next_try,"
                              " 'last_error', last_error, 'pages', pages, 'pages_sent', pages_sent, 'far_csi', far_csi,"
                              " 'queued', created, 'done', done_at) FROM (SELECT * FROM outgoing WHERE state IN"
                              " ('queued', 'sending') UNION ALL SELECT * FROM (SELECT * FROM outgoing WHERE state IN"
                              " ('sent', 'failed') ORDER BY id DESC LIMIT 20)) ORDER BY state IN ('sent', 'failed'), id",
                              false, 0, json, "list the outgoing queue");
}
