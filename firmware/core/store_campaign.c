/* faxgate — store: campaigns (schema v2: campaigns, campaign_sigs, campaign_bands, calls.campaign_id).
 *
 * A campaign is born when an advertisement arrives that matches none (or when an operator junks
 * a fax that had none); later faxes that match it join it, once each (calls.campaign_id is set
 * once, so saving a call again never counts it twice). A campaign keeps the signatures of up to
 * SIGS_MAX of its faxes that differ from what it already holds, so a campaign that drifts from
 * variant to variant is still found. Candidates come from the LSH band index; every candidate
 * is then compared on its whole signature.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "call_impl.h"
#include "faxgate/campaign.h"
#include "store_impl.h"

#define SIGS_MAX 16             /* signatures kept per campaign */
#define SIG_NEW 0.9             /* a fax less alike than this to its match adds its signature */

/* The best campaign for fp (caller holds the lock): id 0 if none reaches FG_CAMPAIGN_MATCH. */
static fg_err match(fg_store *st, const fg_fingerprint *fp, fg_campaign_match *out)
{
    static const char sql[] =
        "SELECT DISTINCT s.id, s.campaign_id, s.sig FROM campaign_bands b JOIN campaign_sigs s ON s.id = b.sig_id"
        " WHERE b.hash IN (SELECT value FROM json_each(?1))";
    int64_t bands[FG_LSH_BANDS];
    char num[32];
    fg_strbuf b = {0};
    sqlite3_stmt *s;
    fg_err e;
    int rc;

    memset(out, 0, sizeof *out);
    if (fp->shingles <= 0)
        return FG_OK;
    fg_campaign_bands(fp, bands);
    fg_sb_puts(&b, "[");
    for (size_t i = 0; i < FG_LSH_BANDS; i++) {
        snprintf(num, sizeof num, "%s%lld", i ? "," : "", (long long)bands[i]);
        fg_sb_puts(&b, num);
    }
    fg_sb_puts(&b, "]");
    if (b.failed) {
        free(b.s);
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate a campaign lookup");
    }
    if ((e = fg_st_prep(st, sql, &s, "look for a campaign"))) {
        free(b.s);
        return e;
    }
    fg_st_bind_text(s, 1, b.s, false);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        fg_fingerprint other;
        double sim;

        if (fg_campaign_unpack(sqlite3_column_blob(s, 2), (size_t)sqlite3_column_bytes(s, 2), &other))
            continue;   /* a damaged signature only loses its own match */
        sim = fg_campaign_similarity(fp, &other);
        if (sim >= FG_CAMPAIGN_MATCH && sim > out->similarity) {
            out->id = sqlite3_column_int64(s, 1);
            out->similarity = sim;
        }
    }
    e = rc == SQLITE_DONE ? FG_OK : fg_st_err(st, rc, "look for a campaign");
    sqlite3_finalize(s);
    free(b.s);
    if (e || !out->id)
        return e;
    if ((e = fg_st_prep(st, "SELECT state, count, advertiser FROM campaigns WHERE id = ?", &s, "read a campaign")))
        return e;
    sqlite3_bind_int64(s, 1, out->id);
    if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *state = (const char *)sqlite3_column_text(s, 0), *adv = (const char *)sqlite3_column_text(s, 2);

        snprintf(out->state, sizeof out->state, "%s", state ? state : "none");
        out->count = sqlite3_column_int(s, 1);
        snprintf(out->advertiser, sizeof out->advertiser, "%s", adv ? adv : "");
    } else {
        e = rc == SQLITE_DONE ? FG_OK : fg_st_err(st, rc, "read a campaign");
        out->id = 0;
    }
    sqlite3_finalize(s);
    return e;
}

fg_err fg_store_campaign_match(fg_store *st, const fg_fingerprint *fp, fg_campaign_match *out)
{
    fg_err e;

    if (!st || !fp || !out)
        return fg_err_set(FG_ERR_INVAL, "fg_store_campaign_match: missing argument");
    pthread_mutex_lock(&st->mu);
    e = match(st, fp, out);
    pthread_mutex_unlock(&st->mu);
    return e;
}

/* Keeps fp as one of the campaign's signatures, with its band hashes (inside a transaction). */
static fg_err add_sig(fg_store *st, int64_t campaign, int64_t call_id, const fg_fingerprint *fp)
{
    unsigned char blob[4 * FG_MINHASH_K];
    int64_t bands[FG_LSH_BANDS], sig;
    sqlite3_stmt *s;
    fg_err e;
    int n = 0;

    if (!(e = fg_st_prep(st, "SELECT count(*) FROM campaign_sigs WHERE campaign_id = ?", &s, "count signatures"))) {
        sqlite3_bind_int64(s, 1, campaign);
        n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : SIGS_MAX;
        sqlite3_finalize(s);
    }
    if (e || n >= SIGS_MAX)
        return e;
    fg_campaign_pack(fp, blob);
    if ((e = fg_st_prep(st, "INSERT INTO campaign_sigs(campaign_id, call_id, sig) VALUES (?, ?, ?)", &s,
                        "keep a campaign signature")))
        return e;
    sqlite3_bind_int64(s, 1, campaign);
    if (call_id > 0)
        sqlite3_bind_int64(s, 2, call_id);
    sqlite3_bind_blob(s, 3, blob, sizeof blob, SQLITE_TRANSIENT);
    e = fg_st_run(st, s, "keep a campaign signature");
    sqlite3_finalize(s);
    if (e)
        return e;
    sig = sqlite3_last_insert_rowid(st->db);
    fg_campaign_bands(fp, bands);
    if ((e = fg_st_prep(st, "INSERT OR IGNORE INTO campaign_bands(hash, sig_id) VALUES (?, ?)", &s,
                        "index a campaign signature")))
        return e;
    for (size_t i = 0; i < FG_LSH_BANDS && !e; i++) {
        sqlite3_reset(s);
        sqlite3_bind_int64(s, 1, bands[i]);
        sqlite3_bind_int64(s, 2, sig);
        e = fg_st_run(st, s, "index a campaign signature");
    }
    sqlite3_finalize(s);
    return e;
}

/* Puts a call into campaign id (or a new one when id is 0), once (inside a transaction). */
static fg_err join(fg_store *st, int64_t *id, double sim, int64_t call_id, const fg_fingerprint *fp,
                   const char *when, const char *advertiser)
{
    sqlite3_stmt *s;
    fg_err e;

    if (!*id) {
        if ((e = fg_st_prep(st, "INSERT INTO campaigns(first_seen, last_seen, advertiser) VALUES (?1, ?1, ?2)", &s,
                            "record a new campaign")))
            return e;
        fg_st_bind_text(s, 1, when, false);
        fg_st_bind_text(s, 2, advertiser, true);
        e = fg_st_run(st, s, "record a new campaign");
        sqlite3_finalize(s);
        if (e)
            return e;
        *id = sqlite3_last_insert_rowid(st->db);
        sim = 0;
    }
    if (sim < SIG_NEW && (e = add_sig(st, *id, call_id, fp)))
        return e;
    if ((e = fg_st_prep(st,
                        "UPDATE campaigns SET count = count + 1, last_seen = max(last_seen, ?2),"
                        " first_seen = min(first_seen, ?2), advertiser = coalesce(advertiser, ?3) WHERE id = ?1",
                        &s, "count a fax in its campaign")))
        return e;
    sqlite3_bind_int64(s, 1, *id);
    fg_st_bind_text(s, 2, when, false);
    fg_st_bind_text(s, 3, advertiser, true);
    e = fg_st_run(st, s, "count a fax in its campaign");
    sqlite3_finalize(s);
    if (e || (e = fg_st_prep(st, "UPDATE calls SET campaign_id = ? WHERE id = ?", &s, "file a fax in its campaign")))
        return e;
    sqlite3_bind_int64(s, 1, *id);
    sqlite3_bind_int64(s, 2, call_id);
    e = fg_st_run(st, s, "file a fax in its campaign");
    sqlite3_finalize(s);
    return e;
}

/* The call's campaign_id (0 if none) (caller holds the lock). */
static fg_err call_campaign(fg_store *st, int64_t call_id, int64_t *id)
{
    sqlite3_stmt *s;
    fg_err e;

    *id = 0;
    if ((e = fg_st_prep(st, "SELECT campaign_id FROM calls WHERE id = ?", &s, "read a call's campaign")))
        return e;
    sqlite3_bind_int64(s, 1, call_id);
    if (sqlite3_step(s) == SQLITE_ROW)
        *id = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return FG_OK;
}

/* Files the call in its campaign (caller holds the lock and a transaction). */
static fg_err record(fg_store *st, fg_call *c)
{
    fg_campaign_match m = {0};
    char when[32];
    int64_t have, id;
    fg_err e;

    if ((e = call_campaign(st, c->id, &have)) || have)
        return e;   /* a call is counted when it is first saved, never again */
    /* the store is the authority: a campaign born since the judgement (a concurrent call) counts */
    if ((e = match(st, &c->fp, &m)))
        return e;
    if (!m.id && !c->decision.is_ad)
        return FG_OK;   /* campaigns are of advertisements; a business fax starts none */
    fg_st_iso(c->started ? c->started : time(NULL), when);
    id = m.id;
    if ((e = join(st, &id, m.similarity, c->id, &c->fp, when, c->ident.adv_name)))
        return e;
    c->pfacts.campaign_id = id;
    return FG_OK;
}

fg_err fg_st_campaign_record(fg_store *st, fg_call *c)
{
    char what[300];
    fg_err e;

    if (!c->judged || c->fp.shingles <= 0)
        return FG_OK;
    /* A savepoint: failing to file the fax in a campaign must not cost the call its record. */
    if ((e = fg_st_exec(st, "SAVEPOINT campaign", "start filing a campaign")))
        return e;
    if (!(e = record(st, c)))
        return fg_st_exec(st, "RELEASE campaign", "file a campaign");
    snprintf(what, sizeof what, "not filed in a campaign: %s", fg_err_msg(e));
    if ((e = fg_st_exec(st, "ROLLBACK TO campaign; RELEASE campaign", "undo filing a campaign")))
        return e;
    return fg_st_event(st, c->id, "faxgate", what);
}

fg_err fg_store_campaign_mark(fg_store *st, int64_t call_id, const char *state, const char *by,
                              int64_t *campaign_id)
{
    sqlite3_stmt *s = NULL;
    fg_fingerprint fp;
    fg_campaign_match m;
    char when[32] = "", adv[200] = "", what[160];
    int64_t id = 0;
    bool has_fp = false;
    fg_err e;
    int rc;

    if (campaign_id)
        *campaign_id = 0;
    if (!st || !state || (strcmp(state, "junk") && strcmp(state, "released") && strcmp(state, "none")))
        return fg_err_set(FG_ERR_INVAL, "fg_store_campaign_mark: state must be junk, released or none");
    pthread_mutex_lock(&st->mu);
    if ((e = fg_st_begin(st, "start marking a campaign")))
        goto out;
    if ((e = fg_st_prep(st, "SELECT campaign_id, fingerprint, started, advertiser FROM calls WHERE id = ?", &s,
                        "read a call's fingerprint")))
        goto fail;
    sqlite3_bind_int64(s, 1, call_id);
    if ((rc = sqlite3_step(s)) != SQLITE_ROW) {
        e = rc == SQLITE_DONE ? fg_err_set(FG_ERR_NOTFOUND, "there is no call %lld in the store %s", (long long)call_id,
                                           st->path)
                              : fg_st_err(st, rc, "read a call's fingerprint");
        goto fail;
    }
    id = sqlite3_column_int64(s, 0);
    has_fp = fg_campaign_unpack(sqlite3_column_blob(s, 1), (size_t)sqlite3_column_bytes(s, 1), &fp) == FG_OK;
    snprintf(when, sizeof when, "%s", sqlite3_column_text(s, 2) ? (const char *)sqlite3_column_text(s, 2) : "");
    snprintf(adv, sizeof adv, "%s", sqlite3_column_text(s, 3) ? (const char *)sqlite3_column_text(s, 3) : "");
    sqlite3_finalize(s);
    s = NULL;
    fg_err_clear();
    if (!id && has_fp) {
        if ((e = match(st, &fp, &m)))
            goto fail;
        id = m.id;
        if ((e = join(st, &id, m.similarity, call_id, &fp, when[0] ? when : "1970-01-01T00:00:00Z", adv)))
            goto fail;
    }
    if (!id) {
        fg_st_rollback(st);   /* no text to recognise the campaign by: nothing to mark */
        goto out;
    }
    if ((e = fg_st_prep(st, "UPDATE campaigns SET state = ?, state_by = ?, state_at = " FG_SQL_NOW " WHERE id = ?", &s,
                        "mark a campaign")))
        goto fail;
    fg_st_bind_text(s, 1, state, false);
    fg_st_bind_text(s, 2, by && *by ? by : "admin", false);
    sqlite3_bind_int64(s, 3, id);
    if ((e = fg_st_run(st, s, "mark a campaign")))
        goto fail;
    snprintf(what, sizeof what, "campaign %lld marked %s", (long long)id, state);
    if ((e = fg_st_event(st, call_id, by, what)) || (e = fg_st_commit(st, "commit the campaign mark")))
        goto fail;
    if (campaign_id)
        *campaign_id = id;
    goto out;
fail:
    fg_st_rollback(st);
out:
    sqlite3_finalize(s);
    pthread_mutex_unlock(&st->mu);
    return e;
}

/* Runs a listing query under the lock. */
static fg_err listing(fg_store *st, const char *sql, char **json, const char *what)
{
    sqlite3_stmt *s;
    fg_err e;

    *json = NULL;
    pthread_mutex_lock(&st->mu);
    if (!(e = fg_st_prep(st, sql, &s, what))) {
        e = fg_st_json_rows(st, s, json, what);
        sqlite3_finalize(s);
    }
    pthread_mutex_unlock(&st->mu);
    return e;
}

fg_err fg_store_campaigns_json(fg_store *st, char **json)
{
    static const char sql[] =
        "SELECT json_object('id', id, 'first_seen', first_seen, 'last_seen', last_seen, 'advertiser', advertiser,"
        " 'count', count, 'state', state, 'state_by', state_by, 'state_at', state_at,"
        " 'variants', (SELECT count(*) FROM campaign_sigs g WHERE g.campaign_id = campaigns.id),"
        " 'calls', json((SELECT json_group_array(c.id) FROM calls c WHERE c.campaign_id = campaigns.id)))"
        " FROM campaigns ORDER BY last_seen DESC, id DESC";

    if (!st || !json)
        return fg_err_set(FG_ERR_INVAL, "fg_store_campaigns_json: missing argument");
    return listing(st, sql, json, "list campaigns");
}

fg_err fg_store_violations_by_json(fg_store *st, const char *by, char **json)
{
    static const char by_campaign[] =
        "SELECT json_object('campaign', c.campaign_id, 'state', max(cp.state),"
        " 'advertiser', coalesce(max(cp.advertiser), max(v.advertiser)),"
        " 'calls', count(DISTINCT v.call_id), 'violations', count(*), 'first', min(v.created), 'last', max(v.created),"
        " 'call_ids', json_group_array(DISTINCT v.call_id), 'rules', json_group_array(DISTINCT v.rule),"
        " 'callbacks', json_group_array(DISTINCT c.callback) FILTER (WHERE c.callback IS NOT NULL))"
        " FROM violations v JOIN calls c ON c.id = v.call_id LEFT JOIN campaigns cp ON cp.id = c.campaign_id"
        " WHERE " FG_SQL_STANDING("c")
        " GROUP BY c.campaign_id ORDER BY count(DISTINCT v.call_id) DESC, max(v.created) DESC";
    /* A stock promotion is grouped by the symbol it touts: its senders rename their newsletters,
       the stock stays the same (and is what a complaint to a securities regulator names). */
    static const char by_advertiser[] =
        "WITH t AS (SELECT v.*, c.campaign_id, c.callback,"
        "  (SELECT max(i.value) FROM identities i WHERE i.call_id = v.call_id AND i.role = 'advertiser'"
        "   AND i.kind = 'ticker') AS ticker FROM violations v JOIN calls c ON c.id = v.call_id"
        "  WHERE " FG_SQL_STANDING("c") ")"
        " SELECT json_object('advertiser', max(advertiser), 'ticker', max(ticker), 'calls', count(DISTINCT call_id),"
        " 'violations', count(*), 'first', min(created), 'last', max(created),"
        " 'call_ids', json_group_array(DISTINCT call_id), 'rules', json_group_array(DISTINCT rule),"
        " 'campaigns', json_group_array(DISTINCT campaign_id) FILTER (WHERE campaign_id IS NOT NULL),"
        " 'callbacks', json_group_array(DISTINCT callback) FILTER (WHERE callback IS NOT NULL))"
        " FROM t GROUP BY coalesce('ticker:' || ticker, lower(advertiser))"
        " ORDER BY count(DISTINCT call_id) DESC, max(created) DESC";

    if (!st || !by || !json)
        return fg_err_set(FG_ERR_INVAL, "fg_store_violations_by_json: missing argument");
    if (strcmp(by, "campaign") && strcmp(by, "advertiser"))
        return fg_err_set(FG_ERR_INVAL, "violations can be grouped by campaign or advertiser, not '%s'", by);
    return listing(st, !strcmp(by, "campaign") ? by_campaign : by_advertiser, json, "group violations");
}
