/* faxgate — store: the facts of a complaint report (faxgatectl report), by SQLite's JSON functions.
 *
 * Whether a call's violations stand is decided by FG_SQL_VIOLATION_STATUS (store_impl.h), the
 * one definition shared with every count; nothing here decides it again. The call's whole record
 * (fg_st_call_json) is read in the same read transaction as the report's own facts, so the two
 * describe the same moment even while faxgated keeps writing.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_impl.h"

/* The distinct values of one role's identities of the kinds listed (an SQL list), as a JSON array. */
#define IDS(role, kinds)                                                                               \
    "json((SELECT json_group_array(DISTINCT i.value) FROM identities i WHERE i.call_id = c.id"        \
    " AND i.role = '" role "' AND i.kind IN (" kinds ")))"

static const char report_sql[] =
    "SELECT json_object('call_id', c.id, 'status', " FG_SQL_VIOLATION_STATUS("c") ","
    " 'verdict', c.verdict, 'verdict_by', c.verdict_by, 'verdict_reason', c.verdict_reason,"
    " 'is_ad', " FG_SQL_JBOOL("c.is_ad") ", 'profile', ?2,"
    " 'violations', json((SELECT json_group_array(json_object('profile', v.profile, 'rule', v.rule,"
    "   'detail', v.detail, 'created', v.created, 'status', " FG_SQL_VIOLATION_STATUS("c") "))"
    "   FROM violations v WHERE v.call_id = c.id AND (?2 IS NULL OR v.profile = ?2))),"
    " 'advertiser', json_object('name', c.advertiser, 'callback', c.callback,"
    "   'names', " IDS("advertiser", "'name'") ", 'numbers', " IDS("advertiser", "'phone','tollfree','fax'") ","
    "   'urls', " IDS("advertiser", "'url'") ", 'emails', " IDS("advertiser", "'email'") ","
    "   'domains', " IDS("advertiser", "'domain'") ", 'tickers', " IDS("advertiser", "'ticker'") "),"
    " 'broadcaster', json_object('tsi', c.tsi, 'tsi_seen', " FG_SQL_JBOOL("c.tsi_seen") ", 'caller_id', c.caller_id,"
    "   'header', (SELECT i.value FROM identities i WHERE i.call_id = c.id AND i.role = 'broadcaster'"
    "    AND i.kind = 'header' ORDER BY i.id LIMIT 1),"
    "   'header_numbers', " IDS("broadcaster", "'header_number'") "),"
    " 'optout', json_object('present', " FG_SQL_JBOOL("c.optout_present") ", 'text', c.optout_text,"
    "   'compliant', json(c.optout_compliant), 'numbers', " IDS("optout", "'phone','tollfree','fax'") "),"
    " 'consent', c.consent, 'printed', " FG_SQL_JBOOL("c.printed") ","
    " 'printed_at', (SELECT max(d.done_at) FROM deliveries d WHERE d.call_id = c.id AND d.state = 'done'),"
    /* opt-out requests about this fax, or to its advertiser (a number it printed, or its name, as the
       request keyed them), and whether this fax came as a repeat after one (the policy's violation
       names the request) */
    " 'optout_requests', json((SELECT json_group_array(json_object('id', o.id, 'call_id', o.call_id,"
    "   'created', o.created, 'channel', o.channel, 'dest', o.dest, 'state', o.state, 'sent_at', o.sent_at,"
    "   'profile', o.profile, 'repeat', json(CASE WHEN EXISTS (SELECT 1 FROM violations v WHERE v.call_id = c.id"
    "    AND v.detail LIKE '% opt-out request #' || o.id || ' of %') THEN 'true' ELSE 'false' END)))"
    "  FROM optouts o WHERE o.call_id = c.id OR EXISTS (SELECT 1 FROM optout_keys k JOIN identities i"
    "   ON i.call_id = c.id AND i.role IN ('advertiser', 'optout') WHERE k.optout_id = o.id"
    "   AND ((k.kind = 'number' AND coalesce(k.digits, '') <> '' AND i.kind IN ('phone', 'tollfree', 'fax')"
    "     AND ltrim(replace(i.value, '+', ''), '0') = k.digits)"
    "    OR (k.kind = 'name' AND i.kind = 'name' AND fg_fold(i.value) = k.key)))"
    "  ORDER BY o.id)))"
    " FROM calls c WHERE c.id = ?1";

/* The report's own object for call id (caller holds the lock). */
static fg_err report_object(fg_store *st, int64_t id, const char *profile, char **out)
{
    sqlite3_stmt *s;
    fg_err e;
    int rc;

    *out = NULL;
    if ((e = fg_st_prep(st, report_sql, &s, "read a call's report")))
        return e;
    sqlite3_bind_int64(s, 1, id);
    fg_st_bind_text(s, 2, profile, true);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        const char *row = (const char *)sqlite3_column_text(s, 0);

        if (!row || !(*out = strdup(row)))
            e = fg_err_set(FG_ERR_NOMEM, "cannot allocate the report of call %lld", (long long)id);
    } else if (rc == SQLITE_DONE) {
        e = fg_err_set(FG_ERR_NOTFOUND, "there is no call %lld in the store %s", (long long)id, st->path);
    } else {
        e = fg_st_err(st, rc, "read a call's report");
    }
    sqlite3_finalize(s);
    return e;
}

fg_err fg_store_report_json(fg_store *st, int64_t call_id, const char *profile, char **json)
{
    char *report = NULL, *call = NULL;
    fg_strbuf b = {0};
    fg_err e;

    if (!st || !json)
        return fg_err_set(FG_ERR_INVAL, "fg_store_report_json: missing argument");
    *json = NULL;
    pthread_mutex_lock(&st->mu);
    if ((e = fg_st_exec(st, "BEGIN", "start reading a call's report")))
        goto out;
    if (!(e = report_object(st, call_id, profile, &report)))
        e = fg_st_call_json(st, call_id, &call);
    fg_st_rollback(st);
    if (e)
        goto out;
    /* {…report…} and the record joined as {…report…,"call":{…}} */
    fg_sb_add(&b, report, strlen(report) - 1);
    fg_sb_puts(&b, ",\"call\":");
    fg_sb_puts(&b, call);
    fg_sb_puts(&b, "}");
    if (b.failed) {
        free(b.s);
        e = fg_err_set(FG_ERR_NOMEM, "cannot allocate the report of call %lld", (long long)call_id);
    } else {
        *json = b.s;
    }
out:
    pthread_mutex_unlock(&st->mu);
    free(report);
    free(call);
    return e;
}

/* The digits of who without leading zeros (a national prefix or 00), "" if fewer than 7: a
   name with a few digits in it is not a number. */
static void number_key(const char *who, char *out, size_t cap)
{
    size_t n = 0;

    for (const char *p = who; *p && n + 1 < cap; p++)
        if (isdigit((unsigned char)*p) && (n > 0 || *p != '0'))
            out[n++] = *p;
    out[n] = '\0';
    if (n < 7)
        out[0] = '\0';
}

fg_err fg_store_report_calls_json(fg_store *st, const char *who, const char *profile, char **json)
{
    /* numbers are stored in E.164 ("+18885550141"): compared on their last digits */
    static const char sql[] =
        "SELECT c.id FROM calls c"
        " WHERE EXISTS (SELECT 1 FROM violations v WHERE v.call_id = c.id AND (?2 IS NULL OR v.profile = ?2))"
        " AND (lower(c.advertiser) = lower(?1)"
        "  OR EXISTS (SELECT 1 FROM identities i WHERE i.call_id = c.id AND i.role = 'advertiser' AND ("
        "   (i.kind IN ('name', 'ticker') AND lower(i.value) = lower(ltrim(?1, '$')))"
        "   OR (?3 <> '' AND i.kind IN ('phone', 'tollfree', 'fax')"
        "    AND substr(replace(i.value, '+', ''), -length(?3)) = ?3)))"
        "  OR (?3 <> '' AND substr(replace(c.callback, '+', ''), -length(?3)) = ?3))"
        " ORDER BY c.started, c.id";
    char digits[64];
    sqlite3_stmt *s;
    fg_err e;

    if (!st || !who || !json)
        return fg_err_set(FG_ERR_INVAL, "fg_store_report_calls_json: missing argument");
    *json = NULL;
    number_key(who, digits, sizeof digits);
    pthread_mutex_lock(&st->mu);
    if (!(e = fg_st_prep(st, sql, &s, "find an advertiser's calls"))) {
        fg_st_bind_text(s, 1, who, false);
        fg_st_bind_text(s, 2, profile, true);
        fg_st_bind_text(s, 3, digits, false);
        e = fg_st_json_rows(st, s, json, "find an advertiser's calls");
        sqlite3_finalize(s);
    }
    pthread_mutex_unlock(&st->mu);
    return e;
}
