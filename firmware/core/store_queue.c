/* faxgate — store: the print queue (table deliveries).
 *
 * A job is pending → printing (claimed by one owner) → done. Claims are made in a
 * BEGIN IMMEDIATE transaction, which holds SQLite's single write lock for the whole file:
 * the UPDATE … WHERE state = 'pending' … RETURNING inside it sees every earlier claim,
 * whichever process or handle made it, so two owners can never get the same job. A job
 * whose owner died stays "printing" until fg_store_delivery_unstick returns it.
 * Each call has at most one job (call_id is UNIQUE): a fax is never queued, so never
 * printed, twice. An operator's release claims one call's job the same way (claim_call),
 * so faxgated and faxgatectl cannot both print it; cancel removes a job nobody holds.
 */
#include <stdio.h>
#include <string.h>

#include "store_impl.h"

fg_err fg_st_delivery_add(fg_store *st, int64_t call_id)
{
    sqlite3_stmt *s;
    fg_err e;
    int rc;

    if ((e = fg_st_prep(st,
                        "INSERT INTO deliveries(call_id, next_try) VALUES (?, " FG_SQL_NOW ")"
                        " ON CONFLICT (call_id) DO NOTHING",
                        &s, "queue a call for printing")))
        return e;
    sqlite3_bind_int64(s, 1, call_id);
    rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
        return fg_err_set(FG_ERR_NOTFOUND, "cannot queue call %lld for printing: there is no such call in %s",
                          (long long)call_id, st->path);
    if (rc != SQLITE_DONE)
        return fg_st_err(st, rc, "queue a call for printing");
    if (sqlite3_changes(st->db) == 0)
        return FG_OK;   /* already queued (or printed): never twice */
    if ((e = fg_st_prep(st, "UPDATE calls SET deliver_state = 'pending' WHERE id = ? AND printed = 0", &s,
                        "mark a call queued")))
        return e;
    sqlite3_bind_int64(s, 1, call_id);
    e = fg_st_run(st, s, "mark a call queued");
    sqlite3_finalize(s);
    return e ? e : fg_st_event(st, call_id, "faxgate", "queued for printing");
}

fg_err fg_store_delivery_add(fg_store *st, int64_t call_id)
{
    fg_err e;

    IN_TRANSACTION(st, "queue a call for printing", e = fg_st_delivery_add(st, call_id));
    return e;
}

/* Steps a claiming UPDATE … RETURNING id, call_id, attempts, abandoned (already bound); then reads the
   call's spool file and logs the claim. FG_ERR_NOTFOUND if it claimed nothing. */
static fg_err finish_claim(fg_store *st, sqlite3_stmt *s, const char *owner, fg_delivery *out)
{
    char what[160];
    const char *tiff;
    fg_err e;
    int rc = sqlite3_step(s);

    if (rc == SQLITE_ROW) {
        out->id = sqlite3_column_int64(s, 0);
        out->call_id = sqlite3_column_int64(s, 1);
        out->attempts = sqlite3_column_int(s, 2);
        out->abandoned = sqlite3_column_int(s, 3) != 0;
        rc = sqlite3_step(s);   /* RETURNING: the change is complete only at SQLITE_DONE */
        if (rc != SQLITE_DONE) {
            sqlite3_finalize(s);
            return fg_st_err(st, rc, "claim a print job");
        }
    } else {
        sqlite3_finalize(s);
        return rc == SQLITE_DONE ? fg_err_set(FG_ERR_NOTFOUND, "no print job is due")
                                 : fg_st_err(st, rc, "claim a print job");
    }
    sqlite3_finalize(s);
    if ((e = fg_st_prep(st, "SELECT tiff FROM calls WHERE id = ?", &s, "read the claimed call")))
        return e;
    sqlite3_bind_int64(s, 1, out->call_id);
    if ((rc = sqlite3_step(s)) != SQLITE_ROW) {
        e = fg_st_err(st, rc, "read the claimed call");
    } else {
        tiff = (const char *)sqlite3_column_text(s, 0);
        if ((size_t)snprintf(out->tiff, sizeof out->tiff, "%s", tiff ? tiff : "") >= sizeof out->tiff)
            e = fg_err_set(FG_ERR_TOOBIG, "call %lld: spool path longer than %zu bytes", (long long)out->call_id,
                           sizeof out->tiff - 1);
    }
    sqlite3_finalize(s);
    if (e)
        return e;
    snprintf(what, sizeof what, "print job %lld claimed (attempt %d)", (long long)out->id, out->attempts);
    return fg_st_event(st, out->call_id, owner, what);
}

static fg_err claim(fg_store *st, const char *owner, fg_delivery *out)
{
    sqlite3_stmt *s;
    fg_err e;

    if ((e = fg_st_prep(st,
                        "UPDATE deliveries SET state = 'printing', claimed_by = ?1, claimed_at = " FG_SQL_NOW ","
                        " attempts = attempts + 1"
                        " WHERE state = 'pending' AND id = (SELECT id FROM deliveries WHERE state = 'pending'"
                        "  AND next_try <= " FG_SQL_NOW " ORDER BY next_try, id LIMIT 1)"
                        " RETURNING id, call_id, attempts, last_error LIKE '%claim abandoned'",
                        &s, "claim a print job")))
        return e;
    fg_st_bind_text(s, 1, owner, false);
    return finish_claim(st, s, owner, out);
}

fg_err fg_store_delivery_claim(fg_store *st, const char *owner, fg_delivery *out)
{
    fg_err e;

    memset(out, 0, sizeof *out);
    if (!owner || !*owner)
        return fg_err_set(FG_ERR_INVAL, "a print job claim needs an owner name");
    IN_TRANSACTION(st, "claim a print job", e = claim(st, owner, out));
    if (e)
        memset(out, 0, sizeof *out);
    return e;
}

/* An operator's release prints now: a pending job is taken even if its retry time has not come. */
static fg_err claim_call(fg_store *st, const char *owner, int64_t call_id, fg_delivery *out)
{
    sqlite3_stmt *s;
    fg_err e;

    if ((e = fg_st_prep(st,
                        "UPDATE deliveries SET state = 'printing', claimed_by = ?1, claimed_at = " FG_SQL_NOW ","
                        " attempts = attempts + 1 WHERE call_id = ?2 AND state = 'pending'"
                        " RETURNING id, call_id, attempts, last_error LIKE '%claim abandoned'",
                        &s, "claim a call's print job")))
        return e;
    fg_st_bind_text(s, 1, owner, false);
    sqlite3_bind_int64(s, 2, call_id);
    if ((e = finish_claim(st, s, owner, out)) == FG_ERR_NOTFOUND)
        e = fg_err_set(FG_ERR_NOTFOUND, "call %lld has no print job waiting (none queued, already printed, or being "
                       "printed by another process)", (long long)call_id);
    return e;
}

fg_err fg_store_delivery_claim_call(fg_store *st, const char *owner, int64_t call_id, fg_delivery *out)
{
    fg_err e;

    memset(out, 0, sizeof *out);
    if (!owner || !*owner)
        return fg_err_set(FG_ERR_INVAL, "a print job claim needs an owner name");
    IN_TRANSACTION(st, "claim a call's print job", e = claim_call(st, owner, call_id, out));
    if (e)
        memset(out, 0, sizeof *out);
    return e;
}

/* The job's call and state; FG_ERR_NOTFOUND if there is no such job. */
static fg_err job(fg_store *st, int64_t id, int64_t *call_id, char state[16], int *attempts)
{
    sqlite3_stmt *s;
    fg_err e;
    int rc;

    if ((e = fg_st_prep(st, "SELECT call_id, state, attempts FROM deliveries WHERE id = ?", &s, "read a print job")))
        return e;
    sqlite3_bind_int64(s, 1, id);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        *call_id = sqlite3_column_int64(s, 0);
        snprintf(state, 16, "%s", (const char *)sqlite3_column_text(s, 1));
        *attempts = sqlite3_column_int(s, 2);
    } else {
        e = rc == SQLITE_DONE ? fg_err_set(FG_ERR_NOTFOUND, "there is no print job %lld", (long long)id)
                              : fg_st_err(st, rc, "read a print job");
    }
    sqlite3_finalize(s);
    return e;
}

/* Runs one UPDATE with (?1 = id, ?2 = n, ?3 = text). */
static fg_err update(fg_store *st, const char *sql, int64_t id, int64_t n, const char *text, const char *what)
{
    sqlite3_stmt *s;
    fg_err e;

    if ((e = fg_st_prep(st, sql, &s, what)))
        return e;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, n);
    fg_st_bind_text(s, 3, text, true);
    e = fg_st_run(st, s, what);
    sqlite3_finalize(s);
    return e;
}

static fg_err done(fg_store *st, int64_t id, int job_id, const char *job_state)
{
    char state[16], what[128];
    int64_t call_id;
    int attempts;
    fg_err e;

    if ((e = job(st, id, &call_id, state, &attempts)) || strcmp(state, "done") == 0)
        return e;   /* done twice (a retried report) changes nothing */
    if ((e = update(st,
                    "UPDATE deliveries SET state = 'done', job_id = ?2, job_state = ?3, done_at = " FG_SQL_NOW ","
                    " claimed_by = NULL, claimed_at = NULL WHERE id = ?1",
                    id, job_id, job_state, "mark a print job done")) ||
        (e = update(st, "UPDATE calls SET printed = 1, deliver_state = 'printed' WHERE id = ?1", call_id, 0, NULL,
                    "mark a call printed")))
        return e;
    snprintf(what, sizeof what, "printed (printer job %d, %s, attempt %d)", job_id,
             job_state && *job_state ? job_state : "accepted", attempts);
    return fg_st_event(st, call_id, "faxgate", what);
}

fg_err fg_store_delivery_done(fg_store *st, int64_t id, int job_id, const char *job_state)
{
    fg_err e;

    IN_TRANSACTION(st, "mark a print job done", e = done(st, id, job_id, job_state));
    return e;
}

/* The job's printer job and its last recorded state, NULL-safe. */
static fg_err sent_state(fg_store *st, int64_t id, int *job_id, char *job_state, size_t cap)
{
    sqlite3_stmt *s;
    fg_err e;
    int rc;

    job_state[0] = '\0';
    *job_id = 0;
    if ((e = fg_st_prep(st, "SELECT job_id, job_state FROM deliveries WHERE id = ?", &s, "read a print job")))
        return e;
    sqlite3_bind_int64(s, 1, id);
    if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *js = (const char *)sqlite3_column_text(s, 1);

        *job_id = sqlite3_column_int(s, 0);
        snprintf(job_state, cap, "%s", js ? js : "");
    } else if (rc != SQLITE_DONE) {
        e = fg_st_err(st, rc, "read a print job");
    }
    sqlite3_finalize(s);
    return e;
}

static fg_err sent(fg_store *st, int64_t id, int job_id, const char *job_state)
{
    char state[16], old_state[32], what[160];
    int64_t call_id;
    int attempts, old_job;
    fg_err e;

    if ((e = job(st, id, &call_id, state, &attempts)) ||
        (e = sent_state(st, id, &old_job, old_state, sizeof old_state)))
        return e;
    if (strcmp(state, "printing") != 0)
        return fg_err_set(FG_ERR_STATE, "print job %lld is %s, not claimed: its printer job cannot be recorded",
                          (long long)id, state);
    if ((e = update(st,
                    "UPDATE deliveries SET job_id = ?2, job_state = ?3, claimed_at = " FG_SQL_NOW " WHERE id = ?1",
                    id, job_id, job_state, "record a print job on the printer")))
        return e;
    if (old_job == job_id && !strcmp(old_state, job_state ? job_state : ""))
        return FG_OK;   /* the claim renewed, nothing new to tell */
    if (old_job != job_id)
        snprintf(what, sizeof what, "sent to the printer as job %d (attempt %d): %s", job_id, attempts,
                 job_state ? job_state : "accepted");
    else
        snprintf(what, sizeof what, "printer job %d: %s", job_id, job_state ? job_state : "?");
    return fg_st_event(st, call_id, "faxgate", what);
}

fg_err fg_store_delivery_sent(fg_store *st, int64_t id, int job_id, const char *job_state)
{
    fg_err e;

    IN_TRANSACTION(st, "record a print job on the printer", e = sent(st, id, job_id, job_state));
    return e;
}

static fg_err attempt(fg_store *st, int64_t id, const char *why, int *attempts)
{
    char state[16], what[400];
    int64_t call_id;
    fg_err e;

    if ((e = job(st, id, &call_id, state, attempts)))
        return e;
    if (strcmp(state, "printing") != 0)
        return fg_err_set(FG_ERR_STATE, "print job %lld is %s, not claimed: no attempt can be counted",
                          (long long)id, state);
    if ((e = update(st,
                    "UPDATE deliveries SET attempts = attempts + 1, last_error = ?3, claimed_at = " FG_SQL_NOW
                    " WHERE id = ?1",
                    id, 0, why, "count a print attempt")))
        return e;
    ++*attempts;
    snprintf(what, sizeof what, "print attempt %d put off: %s", *attempts, why && *why ? why : "no reason given");
    return fg_st_event(st, call_id, "faxgate", what);
}

fg_err fg_store_delivery_attempt(fg_store *st, int64_t id, const char *why, int *attempts)
{
    int ignored;
    fg_err e;

    if (!attempts)
        attempts = &ignored;
    IN_TRANSACTION(st, "count a print attempt", e = attempt(st, id, why, attempts));
    return e;
}

static fg_err retry(fg_store *st, int64_t id, int delay_s, const char *error)
{
    char state[16], what[400];
    int64_t call_id;
    int attempts;
    fg_err e;

    if ((e = job(st, id, &call_id, state, &attempts)))
        return e;
    if (strcmp(state, "printing") != 0)
        return fg_err_set(FG_ERR_STATE, "print job %lld is %s, not claimed: only a claimed job can be retried",
                          (long long)id, state);
    if ((e = update(st,
                    "UPDATE deliveries SET state = 'pending', next_try = " SQL_LATER("?2") ", last_error = ?3,"
                    " claimed_by = NULL, claimed_at = NULL WHERE id = ?1",
                    id, delay_s, error, "put a print job back in the queue")))
        return e;
    snprintf(what, sizeof what, "print attempt %d failed: %s; next try in %d s", attempts,
             error && *error ? error : "unknown error", delay_s);
    return fg_st_event(st, call_id, "faxgate", what);
}

fg_err fg_store_delivery_retry(fg_store *st, int64_t id, int delay_s, const char *error)
{
    fg_err e;

    if (delay_s < 0)
        delay_s = 0;
    IN_TRANSACTION(st, "put a print job back in the queue", e = retry(st, id, delay_s, error));
    return e;
}

/* The job is removed rather than marked, so that a later release can queue the call again. */
static fg_err cancel(fg_store *st, int64_t call_id)
{
    char state[16] = "", owner[64] = "";
    int64_t id = 0;
    sqlite3_stmt *s;
    fg_err e;
    int rc;

    if ((e = fg_st_prep(st, "SELECT id, state, claimed_by FROM deliveries WHERE call_id = ?", &s,
                        "read a call's print job")))
        return e;
    sqlite3_bind_int64(s, 1, call_id);
    if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *by = (const char *)sqlite3_column_text(s, 2);

        id = sqlite3_column_int64(s, 0);
        snprintf(state, sizeof state, "%s", (const char *)sqlite3_column_text(s, 1));
        snprintf(owner, sizeof owner, "%s", by ? by : "?");
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return fg_st_err(st, rc, "read a call's print job");
    if (rc == SQLITE_DONE || strcmp(state, "done") == 0)
        return fg_err_set(FG_ERR_NOTFOUND, "call %lld has no print job to cancel%s", (long long)call_id,
                          rc == SQLITE_ROW ? ": it was already printed" : "");
    if (strcmp(state, "printing") == 0)
        return fg_err_set(FG_ERR_STATE, "call %lld is being printed right now by %s; it cannot be cancelled",
                          (long long)call_id, owner);
    if ((e = update(st, "DELETE FROM deliveries WHERE id = ?1", id, 0, NULL, "cancel a print job")) ||
        (e = update(st, "UPDATE calls SET deliver_state = 'cancelled' WHERE id = ?1 AND printed = 0", call_id, 0,
                    NULL, "mark a call's printing cancelled")))
        return e;
    return fg_st_event(st, call_id, "faxgate", "print job cancelled");
}

fg_err fg_store_delivery_cancel(fg_store *st, int64_t call_id)
{
    fg_err e;

    IN_TRANSACTION(st, "cancel a print job", e = cancel(st, call_id));
    return e;
}

/* Returns the claims matching where (?2: a number, ?3: a text) to the queue, logged first: the
   update forgets who held the claim. */
static fg_err return_claims(fg_store *st, const char *where, int64_t n, const char *text)
{
    char log_sql[512], upd_sql[512];
    fg_err e;

    snprintf(log_sql, sizeof log_sql,
             "INSERT INTO events(call_id, at, who, what) SELECT call_id, %s, 'faxgate',"
             " 'print claim by ' || coalesce(claimed_by, '?') || ' since ' || claimed_at ||"
             " ' abandoned; queued again' FROM deliveries WHERE %s", FG_SQL_NOW, where);
    snprintf(upd_sql, sizeof upd_sql,
             "UPDATE deliveries SET state = 'pending', next_try = %s, claimed_by = NULL,"
             " claimed_at = NULL, last_error = coalesce(last_error || '; ', '') || 'claim abandoned'"
             " WHERE %s", FG_SQL_NOW, where);
    if ((e = update(st, log_sql, 0, n, text, "log abandoned print jobs")))
        return e;
    return update(st, upd_sql, 0, n, text, "return abandoned print jobs to the queue");
}

static fg_err unstick(fg_store *st, int older_than_s)
{
    return return_claims(st, "state = 'printing' AND claimed_at <= " SQL_LATER("-?2"), older_than_s, NULL);
}

fg_err fg_store_delivery_release(fg_store *st, const char *owner_prefix)
{
    char like[96];
    fg_err e;

    /* the prefix is ours ("faxgated:"), never user text: no LIKE wildcard to escape */
    snprintf(like, sizeof like, "%s%%", owner_prefix);
    IN_TRANSACTION(st, "return a stopped daemon's print jobs to the queue",
                   e = return_claims(st, "state = 'printing' AND claimed_by LIKE ?3", 0, like));
    return e;
}

fg_err fg_store_delivery_unstick(fg_store *st, int older_than_s)
{
    fg_err e;

    if (older_than_s < 0)
        older_than_s = 0;
    IN_TRANSACTION(st, "return abandoned print jobs to the queue", e = unstick(st, older_than_s));
    return e;
}

fg_err fg_store_delivery_pending(fg_store *st, int *n)
{
    sqlite3_stmt *s;
    fg_err e;
    int rc;

    *n = 0;
    pthread_mutex_lock(&st->mu);
    if (!(e = fg_st_prep(st, "SELECT count(*) FROM deliveries WHERE state <> 'done'", &s, "count print jobs"))) {
        if ((rc = sqlite3_step(s)) == SQLITE_ROW)
            *n = sqlite3_column_int(s, 0);
        else
            e = fg_st_err(st, rc, "count print jobs");
        sqlite3_finalize(s);
    }
    pthread_mutex_unlock(&st->mu);
    return e;
}

fg_err fg_store_delivery_json(fg_store *st, char **json)
{
    return fg_st_json_listing(st,
                              "SELECT json_object('id', d.id, 'call_id', d.call_id, 'state', d.state, 'attempts',"
                              " d.attempts, 'next_try', d.next_try, 'claimed_by', d.claimed_by, 'last_error',"
                              " d.last_error, 'tsi', c.tsi, 'caller_id', c.caller_id, 'pages', c.pages, 'queued',"
                              " d.created) FROM deliveries d JOIN calls c ON c.id = d.call_id WHERE d.state <> 'done'"
                              " ORDER BY d.id",
                              false, 0, json, "list the print queue");
}
