/* faxgate — store: opt-out requests (tables optouts, optout_keys; schema v9).
 *
 * A request is about one received fax. Sent by fax, it rides the outgoing queue: it is queued
 * in the same transaction as its outgoing entry and follows it to sent or failed in the
 * transaction that ends that entry (store_outgoing.c), so the two never disagree. Made by phone,
 * on a web site or by e-mail, it is 'manual' until an operator says it was made.
 *
 * sent_at is when the advertiser was told, the start of the time the law gives it to comply.
 * The advertiser's identities at the time are kept as match keys (optout_keys, keyed like the
 * consent and block lists), so that a later fax from it is recognised whatever number sends it
 * (fg_store_lookup).
 */
#include <stdio.h>
#include <string.h>

#include "store_impl.h"

static const char *const channels[] = {"fax", "phone", "web", "email", "mail", NULL};

static bool known_channel(const char *ch)
{
    for (const char *const *c = channels; ch && *c; c++)
        if (!strcmp(ch, *c))
            return true;
    return false;
}

/* The advertiser's identities on the stored call: its callback and opt-out numbers, its own
   domain and its name ("number" first: the most specific). */
static const char keys_sql[] =
    "SELECT 'number', callback FROM calls WHERE id = ?1 AND callback LIKE '+%'"
    " UNION ALL SELECT 'number', value FROM identities WHERE call_id = ?1 AND role = 'optout'"
    "  AND kind IN ('fax', 'phone', 'tollfree') AND value LIKE '+%'"
    " UNION ALL SELECT 'domain', value FROM identities WHERE call_id = ?1 AND role = 'advertiser' AND kind = 'domain'"
    " UNION ALL SELECT 'name', advertiser FROM calls WHERE id = ?1 AND coalesce(advertiser, '') <> ''";

/* Writes the request's keys; *first gets the first ("number:18005550199") for display. */
static fg_err write_keys(fg_store *st, int64_t optout_id, int64_t call_id, char *first, size_t cap)
{
    sqlite3_stmt *q = NULL, *ins = NULL;
    fg_err e;
    int rc;

    first[0] = '\0';
    if ((e = fg_st_prep(st, keys_sql, &q, "read the advertiser's identities")) ||
        (e = fg_st_prep(st, "INSERT OR IGNORE INTO optout_keys(optout_id, kind, key, digits) VALUES (?1, ?2, ?3, ?4)",
                        &ins, "record the advertiser's identities")))
        goto out;
    sqlite3_bind_int64(q, 1, call_id);
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *kind = (const char *)sqlite3_column_text(q, 0);
        char key[FG_ST_KEY_LEN], digits[FG_ST_KEY_LEN];

        fg_st_key_of(kind, (const char *)sqlite3_column_text(q, 1), key, digits);
        if (!key[0])
            continue;
        if (!first[0])
            snprintf(first, cap, "%s:%s", kind, key);
        sqlite3_reset(ins);
        sqlite3_bind_int64(ins, 1, optout_id);
        fg_st_bind_text(ins, 2, kind, false);
        fg_st_bind_text(ins, 3, key, false);
        fg_st_bind_text(ins, 4, digits, true);
        if ((e = fg_st_run(st, ins, "record the advertiser's identities")))
            goto out;
    }
    if (rc != SQLITE_DONE)
        e = fg_st_err(st, rc, "read the advertiser's identities");
out:
    sqlite3_finalize(q);
    sqlite3_finalize(ins);
    return e;
}

/* A request like this one (same fax, channel and destination) that is not failed. */
static fg_err check_new(fg_store *st, const fg_optout_req *r)
{
    sqlite3_stmt *s;
    fg_err e;
    int rc;

    if ((e = fg_st_prep(st, "SELECT id, state FROM optouts WHERE call_id = ?1 AND channel = ?2 AND dest = ?3"
                        " AND state <> 'failed' ORDER BY id LIMIT 1", &s, "look for an earlier opt-out request")))
        return e;
    sqlite3_bind_int64(s, 1, r->call_id);
    fg_st_bind_text(s, 2, r->channel, false);
    fg_st_bind_text(s, 3, r->dest, false);
    if ((rc = sqlite3_step(s)) == SQLITE_ROW)
        e = fg_err_set(FG_ERR_EXISTS, "opt-out request #%lld for call %lld (%s to %s) is already %s: it is not made "
                       "twice (faxgatectl optouts lists it)", (long long)sqlite3_column_int64(s, 0),
                       (long long)r->call_id, r->channel, r->dest, (const char *)sqlite3_column_text(s, 1));
    else if (rc != SQLITE_DONE)
        e = fg_st_err(st, rc, "look for an earlier opt-out request");
    sqlite3_finalize(s);
    return e;
}

static fg_err add(fg_store *st, const fg_optout_req *r, int64_t *id, int64_t *outgoing_id)
{
    bool queued = r->line_uri && *r->line_uri;
    char key[FG_ST_KEY_LEN + 16], what[400];
    sqlite3_stmt *s;
    fg_err e;

    *outgoing_id = 0;
    if ((e = check_new(st, r)) ||
        (e = fg_st_prep(st,
                        "INSERT INTO optouts(call_id, created, advertiser, channel, dest, profile, state, tiff, sha256,"
                        " note) SELECT ?1, " FG_SQL_NOW ", advertiser, ?2, ?3, ?4, ?5, ?6, ?7, ?8 FROM calls WHERE id = ?1",
                        &s, "record the opt-out request")))
        return e;
    sqlite3_bind_int64(s, 1, r->call_id);
    fg_st_bind_text(s, 2, r->channel, false);
    fg_st_bind_text(s, 3, r->dest, false);
    fg_st_bind_text(s, 4, r->profile, false);
    fg_st_bind_text(s, 5, queued ? "queued" : "manual", false);
    fg_st_bind_text(s, 6, r->tiff, true);
    fg_st_bind_text(s, 7, r->sha256, true);
    fg_st_bind_text(s, 8, r->note, true);
    e = fg_st_run(st, s, "record the opt-out request");
    sqlite3_finalize(s);
    if (e)
        return e;
    if (sqlite3_changes(st->db) == 0)
        return fg_err_set(FG_ERR_NOTFOUND, "there is no call %lld in the store %s", (long long)r->call_id, st->path);
    *id = sqlite3_last_insert_rowid(st->db);
    if ((e = write_keys(st, *id, r->call_id, key, sizeof key)) ||
        (queued && (e = fg_st_outgoing_add(st, r->line_uri, r->tiff, "optout", r->call_id, r->max_attempts, r->pages,
                                           outgoing_id))) ||
        (e = fg_st_prep(st, "UPDATE optouts SET adv_key = ?2, outgoing_id = ?3 WHERE id = ?1", &s,
                        "record the opt-out request")))
        return e;
    sqlite3_bind_int64(s, 1, *id);
    fg_st_bind_text(s, 2, key, true);
    if (*outgoing_id)
        sqlite3_bind_int64(s, 3, *outgoing_id);
    e = fg_st_run(st, s, "record the opt-out request");
    sqlite3_finalize(s);
    if (e)
        return e;
    if (queued)
        snprintf(what, sizeof what, "opt-out request #%lld (%s profile) queued by fax to %.60s as outgoing fax %lld",
                 (long long)*id, r->profile, r->dest, (long long)*outgoing_id);
    else
        snprintf(what, sizeof what, "opt-out request #%lld (%s profile) by %s to %.60s left to the operator: %.200s",
                 (long long)*id, r->profile, r->channel, r->dest, r->note ? r->note : "");
    return fg_st_event(st, r->call_id, "admin", what);
}

fg_err fg_store_optout_add(fg_store *st, const fg_optout_req *r, int64_t *id, int64_t *outgoing_id)
{
    int64_t out_id = 0;
    fg_err e;

    if (!r || !r->call_id || !known_channel(r->channel) || !r->dest || !*r->dest || !r->profile || !*r->profile)
        return fg_err_set(FG_ERR_INVAL, "an opt-out request needs a call, a channel (fax, phone, web, email or mail), "
                          "a destination and a profile");
    if (r->line_uri && *r->line_uri && (!r->tiff || !*r->tiff))
        return fg_err_set(FG_ERR_INVAL, "an opt-out request to send by fax needs its page");
    IN_TRANSACTION(st, "record an opt-out request", e = add(st, r, id, &out_id));
    if (outgoing_id)
        *outgoing_id = e ? 0 : out_id;
    return e;
}

fg_err fg_st_optout_follow(fg_store *st, int64_t outgoing_id, const char *state)
{
    bool sent = !strcmp(state, "sent");
    sqlite3_stmt *s;
    fg_err e;
    int rc;

    if ((e = fg_st_prep(st,
                        "UPDATE optouts SET state = ?2, sent_at = CASE WHEN ?2 = 'sent' THEN " FG_SQL_NOW " END"
                        " WHERE outgoing_id = ?1 AND state = 'queued' RETURNING id, coalesce(call_id, 0), dest",
                        &s, "record how an opt-out request went")))
        return e;
    sqlite3_bind_int64(s, 1, outgoing_id);
    fg_st_bind_text(s, 2, state, false);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        char what[200];

        snprintf(what, sizeof what, sent ? "opt-out request #%lld sent to %.60s: the sender's delay to comply runs "
                                           "from now"
                                         : "opt-out request #%lld to %.60s could not be sent by fax",
                 (long long)sqlite3_column_int64(s, 0), (const char *)sqlite3_column_text(s, 2));
        if ((e = fg_st_event(st, sqlite3_column_int64(s, 1), "faxgate", what)))
            break;
    }
    sqlite3_finalize(s);
    if (!e && rc != SQLITE_DONE)
        e = fg_st_err(st, rc, "record how an opt-out request went");
    return e;
}

static fg_err done(fg_store *st, int64_t id, const char *note)
{
    sqlite3_stmt *s;
    char what[300];
    int64_t call_id = 0;
    bool found;
    fg_err e;
    int rc;

    if ((e = fg_st_prep(st,
                        "UPDATE optouts SET state = 'sent', sent_at = " FG_SQL_NOW ", note = coalesce(note || '; ', '')"
                        " || ?2 WHERE id = ?1 AND state IN ('manual', 'failed') RETURNING coalesce(call_id, 0)",
                        &s, "record an opt-out request made by hand")))
        return e;
    sqlite3_bind_int64(s, 1, id);
    fg_st_bind_text(s, 2, note && *note ? note : "made by hand", false);
    if ((found = (rc = sqlite3_step(s)) == SQLITE_ROW)) {
        call_id = sqlite3_column_int64(s, 0);
        rc = sqlite3_step(s);   /* RETURNING: the change is complete only at SQLITE_DONE */
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE)
        return fg_st_err(st, rc, "record an opt-out request made by hand");
    if (!found)
        return fg_err_set(FG_ERR_STATE, "opt-out request #%lld does not exist, or is queued or sent already: only a "
                          "manual or failed request can be marked made (faxgatectl optouts lists them)", (long long)id);
    snprintf(what, sizeof what, "opt-out request #%lld made by hand: %.200s", (long long)id,
             note && *note ? note : "made by hand");
    return fg_st_event(st, call_id, "admin", what);
}

fg_err fg_store_optout_done(fg_store *st, int64_t id, const char *note)
{
    fg_err e;

    IN_TRANSACTION(st, "record an opt-out request made by hand", e = done(st, id, note));
    return e;
}

fg_err fg_store_optouts_json(fg_store *st, char **json)
{
    /* A repeat names its request in the violation's detail: "… after opt-out request #3 of …"
       (fg_policy_decide); a fax counts once whatever number of profiles flagged it. */
    return fg_st_json_listing(st,
                              "SELECT json_object('id', o.id, 'call_id', o.call_id, 'created', o.created,"
                              " 'advertiser', o.advertiser, 'adv_key', o.adv_key, 'channel', o.channel, 'dest', o.dest,"
                              " 'profile', o.profile, 'state', o.state, 'outgoing_id', o.outgoing_id,"
                              " 'outgoing_state', q.state, 'attempts', q.attempts, 'last_error', q.last_error,"
                              " 'far_csi', q.far_csi, 'tiff', o.tiff, 'sha256', o.sha256, 'sent_at', o.sent_at,"
                              " 'note', o.note,"
                              " 'keys', json((SELECT json_group_array(k.kind || ' ' || k.key) FROM optout_keys k"
                              "   WHERE k.optout_id = o.id)),"
                              " 'repeats', (SELECT count(DISTINCT v.call_id) FROM violations v"
                              "   WHERE v.detail LIKE '% opt-out request #' || o.id || ' of %'))"
                              " FROM optouts o LEFT JOIN outgoing q ON q.id = o.outgoing_id ORDER BY o.id DESC",
                              false, 0, json, "list the opt-out requests");
}
