/* faxgate — store: JSON listings, made by SQLite's JSON functions.
 *
 * Each row is one json_object(); rows are joined into an array here rather than with
 * json_group_array() over an ordered subquery, whose order SQLite does not promise.
 * Nested arrays of a call's details keep their rowid order, which is insertion order.
 */
#include <stdlib.h>
#include <string.h>

#include "store_impl.h"

#define JBOOL FG_SQL_JBOOL

fg_err fg_st_json_rows(fg_store *st, sqlite3_stmt *s, char **json, const char *what)
{
    fg_strbuf b = {0};
    int rc, n = 0;

    fg_sb_puts(&b, "[");
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *row = (const char *)sqlite3_column_text(s, 0);

        if (!row)
            continue;
        if (n++)
            fg_sb_puts(&b, ",");
        fg_sb_puts(&b, row);
    }
    fg_sb_puts(&b, "]");
    if (rc != SQLITE_DONE) {
        free(b.s);
        return fg_st_err(st, rc, what);
    }
    if (b.failed) {
        free(b.s);
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate the JSON listing (%s)", what);
    }
    *json = b.s;
    return FG_OK;
}

/* Prepares sql, binds an optional integer to ?1, and returns the rows as one JSON array. */
fg_err fg_st_json_listing(fg_store *st, const char *sql, bool bind, int64_t arg, char **json, const char *what)
{
    sqlite3_stmt *s;
    fg_err e;

    *json = NULL;
    pthread_mutex_lock(&st->mu);
    if (!(e = fg_st_prep(st, sql, &s, what))) {
        if (bind)
            sqlite3_bind_int64(s, 1, arg);
        e = fg_st_json_rows(st, s, json, what);
        sqlite3_finalize(s);
    }
    pthread_mutex_unlock(&st->mu);
    return e;
}

static const char calls_sql[] =
    "SELECT json_object('id', c.id, 'started', c.started, 'ended', c.ended, 'state', c.state,"
    " 'result', c.result, 'line', c.line, 'called', c.called, 'caller_id', c.caller_id, 'caller_e164', c.caller_e164,"
    " 'tsi', c.tsi, 'nsf_vendor', c.nsf_vendor, 'pages', c.pages, 'verdict', c.verdict,"
    " 'verdict_by', c.verdict_by, 'is_ad', " JBOOL("c.is_ad") ", 'score', c.score,"
    " 'printed', " JBOOL("c.printed") ", 'deliver_state', c.deliver_state,"
    " 'advertiser', c.advertiser, 'callback', c.callback,"
    " 'confirmed', c.confirmed, 'interrupted', c.interrupted, 'recovered', c.recovered,"
    " 'violations', json((SELECT json_group_array(json_object('profile', v.profile, 'rule', v.rule))"
    "  FROM violations v WHERE v.call_id = c.id)))"
    " FROM calls c ORDER BY c.id DESC LIMIT ?1";

fg_err fg_store_calls_json(fg_store *st, int limit, char **json)
{
    return fg_st_json_listing(st, calls_sql, true, limit > 0 ? limit : -1, json, "list calls");
}

/* The call's own columns, in two objects because SQLite caps a function at 127 arguments. */
static const char call_sql[] =
    "SELECT json_object('id', id, 'uuid', uuid, 'line', line, 'started', started, 'ended', ended,"
    " 'state', state, 'result', result, 'caller_id', caller_id, 'caller_e164', caller_e164,"
    " 'tsi', tsi, 'tsi_seen', " JBOOL("tsi_seen") ", 'csi', csi, 'nsf_hex', nsf_hex,"
    " 'nsf_vendor', nsf_vendor, 'nsf_model', nsf_model, 'nsf_country', nsf_country, 'dcs', dcs,"
    " 'bit_rate', bit_rate, 'ecm', " JBOOL("ecm") ", 'x_res', x_res, 'y_res', y_res,"
    " 't30_code', t30_code, 't30_result', t30_result, 'page_count', pages, 'tiff', tiff,"
    " 'tiff_sha256', tiff_sha256, 'chain', chain, 'confirmed', confirmed, 'complete', " JBOOL("complete") ","
    " 'acked', acked, 'progress_at', progress_at, 'interrupted', interrupted, 'recovered', recovered),"
    " json_object('lang', lang, 'is_ad', " JBOOL("is_ad") ", 'score', score, 'verdict', verdict,"
    " 'verdict_reason', verdict_reason, 'verdict_by', verdict_by, 'advertiser', advertiser,"
    " 'callback', callback, 'optout_present', " JBOOL("optout_present") ", 'optout_text', optout_text,"
    " 'optout_compliant', json(optout_compliant), 'header_present', " JBOOL("header_present") ","
    " 'consent', consent, 'blocked', blocked, 'text', text, 'judge_error', judge_error,"
    " 'called', called, 'line_type', line_type, 'profiles', profiles,"
    " 'ms_ocr', ms_ocr, 'ms_judge', ms_judge, 'ms_total', ms_total,"
    " 'printed', " JBOOL("printed") ", 'deliver_state', deliver_state,"
    " 'pages', json((SELECT json_group_array(json_object('page_no', page_no, 'width', width,"
    "   'height', height, 'partial', " JBOOL("partial") ", 'sha256', sha256))"
    "   FROM pages p WHERE p.call_id = calls.id)),"
    " 'identities', json((SELECT json_group_array(json_object('role', role, 'kind', kind, 'value', value,"
    "   'raw', raw, 'flags', flags, 'box', CASE WHEN x0 IS NULL THEN NULL ELSE json_array(x0, y0, x1, y1) END,"
    "   'line', line)) FROM identities i WHERE i.call_id = calls.id)),"
    " 'scores', json((SELECT json_group_array(json_object('name', name, 'weight', weight, 'detail', detail))"
    "   FROM scores s WHERE s.call_id = calls.id)),"
    " 'violations', json((SELECT json_group_array(json_object('profile', profile, 'rule', rule,"
    "   'detail', detail, 'advertiser', advertiser, 'created', created))"
    "   FROM violations v WHERE v.call_id = calls.id)),"
    " 'deliveries', json((SELECT json_group_array(json_object('id', id, 'state', state,"
    "   'attempts', attempts, 'next_try', next_try, 'claimed_by', claimed_by, 'claimed_at', claimed_at,"
    "   'last_error', last_error, 'job_id', job_id, 'job_state', job_state, 'created', created,"
    "   'done_at', done_at))"
    "   FROM deliveries d WHERE d.call_id = calls.id)),"
    " 'events', json((SELECT json_group_array(json_object('at', at, 'who', who, 'what', what))"
    "   FROM events e WHERE e.call_id = calls.id)),"
    /* its entries in the evidence ledger, oldest first (the record itself: faxgatectl evidence) */
    " 'ledger', json((SELECT json_group_array(json_object('seq', seq, 'at', at, 'why', why, 'chain', chain))"
    "   FROM (SELECT * FROM ledger l WHERE l.call_id = calls.id ORDER BY seq))))"
    " FROM calls WHERE id = ?1";

fg_err fg_st_call_json(fg_store *st, int64_t id, char **json)
{
    fg_strbuf b = {0};
    sqlite3_stmt *s;
    fg_err e;
    int rc;

    *json = NULL;
    if ((e = fg_st_prep(st, call_sql, &s, "read a call")))
        return e;
    sqlite3_bind_int64(s, 1, id);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        const char *a = (const char *)sqlite3_column_text(s, 0);
        const char *z = (const char *)sqlite3_column_text(s, 1);

        /* join {"id":…} and {"lang":…} into one object */
        if (a && z && strlen(a) >= 2 && strlen(z) >= 2) {
            fg_sb_add(&b, a, strlen(a) - 1);
            fg_sb_puts(&b, ",");
            fg_sb_puts(&b, z + 1);
        }
        if (b.failed || !b.s)
            e = fg_err_set(FG_ERR_NOMEM, "cannot allocate the JSON of call %lld", (long long)id);
        else
            *json = b.s;
    } else if (rc == SQLITE_DONE) {
        e = fg_err_set(FG_ERR_NOTFOUND, "there is no call %lld in the store %s", (long long)id, st->path);
    } else {
        e = fg_st_err(st, rc, "read a call");
    }
    if (e)
        free(b.s);
    sqlite3_finalize(s);
    return e;
}

fg_err fg_store_call_json(fg_store *st, int64_t id, char **json)
{
    fg_err e;

    pthread_mutex_lock(&st->mu);
    e = fg_st_call_json(st, id, json);
    pthread_mutex_unlock(&st->mu);
    return e;
}

fg_err fg_store_violations_page_json(fg_store *st, int64_t limit, char **json)
{
    static const char sql[] =
        "SELECT json_object('id', v.id, 'call_id', v.call_id, 'profile', v.profile, 'rule', v.rule,"
        " 'detail', v.detail, 'advertiser', v.advertiser, 'created', v.created,"
        " 'caller_id', c.caller_id, 'tsi', c.tsi, 'callback', c.callback, 'verdict', c.verdict,"
        " 'status', " FG_SQL_VIOLATION_STATUS("c") ")"
        " FROM violations v JOIN calls c ON c.id = v.call_id ORDER BY v.created DESC, v.id DESC LIMIT ?1";

    return fg_st_json_listing(st, sql, true, limit > 0 ? limit : -1, json, "list violations");
}

fg_err fg_store_violations_json(fg_store *st, char **json)
{
    return fg_store_violations_page_json(st, 0, json);
}

fg_err fg_store_consent_json(fg_store *st, char **json)
{
    static const char sql[] =
        "SELECT json_object('id', id, 'kind', kind, 'value', value, 'basis', basis, 'note', note,"
        " 'created', created, 'added_by', added_by) FROM consent ORDER BY kind, value";

    return fg_st_json_listing(st, sql, false, 0, json, "list consent entries");
}

fg_err fg_store_block_json(fg_store *st, char **json)
{
    static const char sql[] =
        "SELECT json_object('id', id, 'role', role, 'kind', kind, 'value', value, 'note', note,"
        " 'created', created, 'added_by', added_by) FROM blocks ORDER BY role, kind, value";

    return fg_st_json_listing(st, sql, false, 0, json, "list block entries");
}
