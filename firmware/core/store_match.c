/* faxgate — store: matching a call against the site's registries (consent/EBR, blocks) and the
 * opt-out requests it sent: screening before the answer and in phase B, and the facts policy
 * needs for a judged call. The keys and the rules they match by are in store_registry.c.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "call_impl.h"
#include "faxgate/extract.h"
#include "store_impl.h"

#define KEY_LEN FG_ST_KEY_LEN

/* ?1 is the probe, ?2 the kind, ?3 the role (blocks only). */
#define DIGITS_MATCH                                                                                   \
    "(digits = ?1 OR (length(digits) >= " FG_ST_MATCH_SUFFIX " AND length(?1) > length(digits)"        \
    " AND substr(?1, -length(digits)) = digits) OR (length(?1) >= " FG_ST_MATCH_SUFFIX                 \
    " AND length(digits) > length(?1) AND substr(digits, -length(?1)) = ?1))"
#define DOMAIN_MATCH "(key = ?1 OR substr(?1, -length(key) - 1) = '.' || key)"
/* nsf: the entry is the machine's vendor, or vendor and the start of its model, word by word */
#define PREFIX_MATCH "(key = ?1 OR substr(?1, 1, length(key) + 1) = key || ' ')"
/* dcs: the entry is a part of the DCS as faxgate writes it ("v.17 14400", "no ecm") */
#define CONTAINS_MATCH "(instr(?1, key) > 0)"
#define CONSENT_Q(cond) "SELECT value, basis, note FROM consent WHERE kind = ?2 AND " cond " ORDER BY id LIMIT 1"
#define BLOCK_Q(cond) "SELECT value, role, note FROM blocks WHERE kind = ?2 AND role = ?3 AND " cond " ORDER BY id LIMIT 1"
/* The earliest opt-out request sent before the fax (?3) to an advertiser with this identity: the
   one that gives the sender the longest time to have complied. */
#define OPTOUT_Q(cond)                                                                                 \
    "SELECT k.key, o.sent_at, o.dest, o.id FROM optout_keys k JOIN optouts o ON o.id = k.optout_id"   \
    " WHERE k.kind = ?2 AND o.state = 'sent' AND o.sent_at < ?3 AND " cond " ORDER BY o.sent_at, o.id LIMIT 1"

typedef enum { BY_KEY, BY_DIGITS, BY_DOMAIN, BY_PREFIX, BY_CONTAINS } match_by;

static const char *const consent_sql[] = {CONSENT_Q("key = ?1"), CONSENT_Q(DIGITS_MATCH), CONSENT_Q(DOMAIN_MATCH),
                                          CONSENT_Q(PREFIX_MATCH), CONSENT_Q(CONTAINS_MATCH)};
static const char *const block_sql[] = {BLOCK_Q("key = ?1"), BLOCK_Q(DIGITS_MATCH), BLOCK_Q(DOMAIN_MATCH),
                                        BLOCK_Q(PREFIX_MATCH), BLOCK_Q(CONTAINS_MATCH)};
static const char *const optout_sql[] = {OPTOUT_Q("key = ?1"), OPTOUT_Q(DIGITS_MATCH), OPTOUT_Q(DOMAIN_MATCH),
                                         OPTOUT_Q(PREFIX_MATCH), OPTOUT_Q(CONTAINS_MATCH)};

/* The role "optout" probes the opt-out requests sent before m->before instead of a block list. */
#define ROLE_OPTOUT "optout"

/* One probe against consent (role NULL), blocks or opt-out requests; on a match fills value, basis
   (an opt-out request's sent time) and note (its destination), and id (the request). */
typedef struct match {
    bool found;
    char value[KEY_LEN], extra[32], note[128];
    int64_t id;
    char before[32];           /* opt-out requests: sent before this time */
} match;

static fg_err probe(fg_store *st, const char *role, const char *kind, match_by by, const char *arg, match *m)
{
    bool optout = role && !strcmp(role, ROLE_OPTOUT);
    sqlite3_stmt *s;
    fg_err e;
    int rc;

    if (m->found || !arg || (by != BY_KEY && !*arg))
        return FG_OK;
    if ((e = fg_st_prep(st, optout ? optout_sql[by] : role ? block_sql[by] : consent_sql[by], &s,
                        "look the sender up in the registries")))
        return e;
    fg_st_bind_text(s, 1, arg, false);
    fg_st_bind_text(s, 2, kind, false);
    if (role)
        fg_st_bind_text(s, 3, optout ? m->before : role, false);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        const char *note = (const char *)sqlite3_column_text(s, 2);

        m->found = true;
        snprintf(m->value, sizeof m->value, "%s", (const char *)sqlite3_column_text(s, 0));
        snprintf(m->extra, sizeof m->extra, "%s", (const char *)sqlite3_column_text(s, 1));
        snprintf(m->note, sizeof m->note, "%s", note ? note : "");
        m->id = sqlite3_column_count(s) > 3 ? sqlite3_column_int64(s, 3) : 0;
        e = FG_OK;
    } else {
        e = rc == SQLITE_DONE ? FG_OK : fg_st_err(st, rc, "look the sender up in the registries");
    }
    sqlite3_finalize(s);
    return e;
}

/* Probes with a number (or any text holding one) by its digits. */
static fg_err probe_number(fg_store *st, const char *role, const char *kind, const char *num, match *m)
{
    char d[KEY_LEN];

    fg_st_digits_of(num, d);
    return probe(st, role, kind, BY_DIGITS, d, m);
}

static fg_err probe_host(fg_store *st, const char *role, const char *url, match *m)
{
    char h[KEY_LEN];

    fg_st_host_of(url, h);
    return probe(st, role, "domain", BY_DOMAIN, h, m);
}

static fg_err probe_name(fg_store *st, const char *role, const char *kind, const char *name, match *m)
{
    char k[KEY_LEN];

    if (!name)
        return FG_OK;
    fg_st_fold(name, k);
    return k[0] || strcmp(kind, "tsi") == 0 ? probe(st, role, kind, BY_KEY, k, m) : FG_OK;
}

fg_err fg_store_screen(fg_store *st, const char *tsi, const char *caller_id, bool *blocked, char *why,
                       size_t why_len)
{
    match m = {0};
    const char *what = "";
    fg_err e;

    *blocked = false;
    if (why && why_len)
        why[0] = '\0';
    pthread_mutex_lock(&st->mu);
    if (!(e = probe_name(st, "broadcaster", "tsi", tsi ? tsi : "", &m)) && m.found)
        what = "TSI";
    else if (!e && !(e = probe_number(st, "broadcaster", "tsi", tsi, &m)) && m.found)
        what = "TSI";
    else if (!e && !(e = probe_number(st, "broadcaster", "number", tsi, &m)) && m.found)
        what = "TSI";
    else if (!e && !(e = probe_number(st, "broadcaster", "number", caller_id, &m)) && m.found)
        what = "caller ID";
    pthread_mutex_unlock(&st->mu);
    if (e || !m.found)
        return e;
    *blocked = true;
    if (why && why_len) {
        const char *seen = strcmp(what, "TSI") == 0 ? (tsi ? tsi : "") : caller_id;

        snprintf(why, why_len, "%s '%s' is blocked (broadcaster %s%s%s)", what, seen,
                 m.value[0] ? m.value : "empty TSI", m.note[0] ? ": " : "", m.note);
    }
    return FG_OK;
}

/* A TSI that is empty or all spaces names nobody: never counted as a sender. */
static bool names_someone(const char *s)
{
    for (; s && *s; s++)
        if (*s != ' ')
            return true;
    return false;
}

fg_err fg_store_screen_station(fg_store *st, const char *nsf, const char *dcs, bool *blocked, char *why,
                               size_t why_len)
{
    char kn[KEY_LEN], kd[KEY_LEN];
    match m = {0};
    const char *what = "NSF", *seen = nsf;
    fg_err e = FG_OK;

    *blocked = false;
    if (why && why_len)
        why[0] = '\0';
    fg_st_fold(nsf, kn);
    fg_st_fold(dcs, kd);
    pthread_mutex_lock(&st->mu);
    if (kn[0])
        e = probe(st, "broadcaster", "nsf", BY_PREFIX, kn, &m);
    if (!e && !m.found && kd[0]) {
        what = "DCS";
        seen = dcs;
        e = probe(st, "broadcaster", "dcs", BY_CONTAINS, kd, &m);
    }
    pthread_mutex_unlock(&st->mu);
    if (e || !m.found)
        return e;
    *blocked = true;
    /* the entry first: a DCS description is long, and the reason must still name what matched */
    if (why && why_len)
        snprintf(why, why_len, "broadcaster %s '%s' is blocked%s%s; the machine's %s (%s)", strcmp(what, "NSF") ? "dcs" : "nsf",
                 m.value, m.note[0] ? ": " : "", m.note, what, seen);
    return FG_OK;
}

fg_err fg_store_screen_junk(fg_store *st, const char *tsi, const char *caller_id, bool *found, char *why,
                            size_t why_len)
{
    /* the newest call from this sender whose campaign an operator marked junk, or that an
       operator marked junk itself */
    static const char sql[] =
        "SELECT c.id, c.started, coalesce(cp.advertiser, c.advertiser, '?'), cp.id FROM calls c"
        " LEFT JOIN campaigns cp ON cp.id = c.campaign_id"
        " WHERE (cp.state = 'junk' OR (c.verdict = 'drop' AND c.verdict_by = 'operator'))"
        " AND ((?1 <> '' AND c.tsi = ?1)"
        "  OR (?2 <> '' AND (c.caller_id = ?2 OR c.caller_e164 = ?2"
        "   OR (?3 <> '' AND (c.caller_id = ?3 OR c.caller_e164 = '+' || ?3)))))"
        " ORDER BY c.id DESC LIMIT 1";
    char t[KEY_LEN], digits[KEY_LEN];
    sqlite3_stmt *s;
    fg_err e;
    int rc;

    *found = false;
    if (why && why_len)
        why[0] = '\0';
    fg_st_fold(tsi, t);
    fg_st_digits_of(caller_id, digits);
    if (!t[0] && !names_someone(caller_id))
        return FG_OK;
    pthread_mutex_lock(&st->mu);
    if (!(e = fg_st_prep(st, sql, &s, "look for the sender's junk faxes"))) {
        fg_st_bind_text(s, 1, t[0] && tsi ? tsi : "", false);
        fg_st_bind_text(s, 2, names_someone(caller_id) ? caller_id : "", false);
        fg_st_bind_text(s, 3, strlen(digits) >= 7 ? digits : "", false);
        if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            *found = true;
            if (why && why_len) {
                if (sqlite3_column_type(s, 3) != SQLITE_NULL)
                    snprintf(why, why_len, "this sender sent call %lld (%s) of campaign %lld (%s), marked junk",
                             (long long)sqlite3_column_int64(s, 0), (const char *)sqlite3_column_text(s, 1),
                             (long long)sqlite3_column_int64(s, 3), (const char *)sqlite3_column_text(s, 2));
                else
                    snprintf(why, why_len, "this sender sent call %lld (%s, %s), marked junk by an operator",
                             (long long)sqlite3_column_int64(s, 0), (const char *)sqlite3_column_text(s, 1),
                             (const char *)sqlite3_column_text(s, 2));
            }
        } else if (rc != SQLITE_DONE) {
            e = fg_st_err(st, rc, "look for the sender's junk faxes");
        }
        sqlite3_finalize(s);
    }
    pthread_mutex_unlock(&st->mu);
    return e;
}

/* Every number the page names for the advertiser: callback, numbers, opt-out numbers. */
static fg_err probe_page_numbers(fg_store *st, const char *role, const fg_ident *id, match *m)
{
    fg_err e = probe_number(st, role, "number", id->callback, m);

    for (size_t i = 0; !e && i < id->n_numbers && i < FG_NUMBERS_MAX; i++)
        if (!(id->numbers[i].kind & FG_NUM_HEADER))
            e = probe_number(st, role, "number", id->numbers[i].e164[0] ? id->numbers[i].e164 : id->numbers[i].raw, m);
    if (!e)
        e = probe_number(st, role, "number", id->optout.phone, m);
    if (!e)
        e = probe_number(st, role, "number", id->optout.fax, m);
    return e;
}

static fg_err probe_page_hosts(fg_store *st, const char *role, const fg_ident *id, match *m)
{
    fg_err e = FG_OK;

    for (size_t i = 0; !e && i < id->n_urls && i < FG_ITEMS_MAX; i++)
        e = probe_host(st, role, id->urls[i].value, m);
    for (size_t i = 0; !e && i < id->n_emails && i < FG_ITEMS_MAX; i++)
        e = probe_host(st, role, id->emails[i].value, m);
    return e;
}

static fg_err lookup_consent(fg_store *st, const fg_call *c, match *m, const char **kind)
{
    const fg_ident *id = &c->ident;
    fg_err e;

    *kind = "number";
    if ((e = probe_number(st, NULL, "number", c->caller_e164[0] ? c->caller_e164 : c->caller_id, m)) ||
        (e = probe_number(st, NULL, "number", id->header.number, m)) || (e = probe_page_numbers(st, NULL, id, m)))
        return e;
    if (m->found)
        return FG_OK;
    *kind = "domain";
    if ((e = probe_page_hosts(st, NULL, id, m)) || m->found)
        return e;
    *kind = "name";
    return probe_name(st, NULL, "name", id->adv_name, m);
}

/* Broadcaster entries first (TSI, caller ID, header line), then the advertiser's. */
static fg_err lookup_blocks(fg_store *st, const fg_call *c, match *m, const char **role, const char **kind)
{
    const fg_ident *id = &c->ident;
    const char *caller = c->caller_e164[0] ? c->caller_e164 : c->caller_id;
    const char *tsi = c->t30.tsi_seen ? c->t30.tsi : "";
    fg_err e;

    *role = "broadcaster";
    *kind = "tsi";
    if ((e = probe_name(st, *role, "tsi", tsi, m)) || (e = probe_number(st, *role, "tsi", tsi, m)) || m->found)
        return e;
    *kind = "number";
    if ((e = probe_number(st, *role, "number", tsi, m)) || (e = probe_number(st, *role, "number", caller, m)) ||
        (e = probe_number(st, *role, "number", id->header.number, m)) || m->found)
        return e;
    *kind = "name";
    if ((e = probe_name(st, *role, "name", id->header.name, m)) || m->found)
        return e;
    *role = "advertiser";
    *kind = "number";
    if ((e = probe_page_numbers(st, *role, id, m)) || m->found)
        return e;
    *kind = "domain";
    if ((e = probe_page_hosts(st, *role, id, m)) || m->found)
        return e;
    *kind = "name";
    if ((e = probe_name(st, *role, "name", id->adv_name, m)) || m->found)
        return e;
    *kind = "ticker";   /* a stock promotion's symbol: the same pump whatever sends it */
    return probe_name(st, *role, "ticker", id->ticker, m);
}

/* A sent opt-out request to this fax's advertiser: by the numbers on the page (callback, opt-out
   numbers), then its domain, then its name. */
static fg_err lookup_optout(fg_store *st, const fg_call *c, fg_policy_facts *f)
{
    const fg_ident *id = &c->ident;
    const char *kind = "number";
    match m = {0};
    fg_err e;

    fg_st_iso(f->received ? f->received : time(NULL), m.before);
    if ((e = probe_page_numbers(st, ROLE_OPTOUT, id, &m)))
        return e;
    if (!m.found) {
        kind = "domain";
        if ((e = probe_host(st, ROLE_OPTOUT, id->adv_domain, &m)) || (e = probe_page_hosts(st, ROLE_OPTOUT, id, &m)))
            return e;
    }
    if (!m.found) {
        kind = "name";
        if ((e = probe_name(st, ROLE_OPTOUT, "name", id->adv_name, &m)))
            return e;
    }
    if (!m.found || !(f->optout_sent = fg_st_parse_iso(m.extra)))
        return FG_OK;
    f->optout_id = m.id;
    snprintf(f->optout_dest, sizeof f->optout_dest, "%.63s", m.note);
    snprintf(f->optout_match, sizeof f->optout_match, "%s %.80s", kind, m.value);
    return FG_OK;
}

fg_err fg_store_lookup(fg_store *st, const fg_call *c, fg_policy_facts *f)
{
    const char *kind = "", *role = "";
    match cm = {0}, bm = {0};
    fg_err e;

    f->consent = false;
    f->consent_basis[0] = f->consent_match[0] = '\0';
    f->blocked = false;
    f->block_match[0] = '\0';
    f->optout_id = 0;
    f->optout_sent = 0;
    f->optout_dest[0] = f->optout_match[0] = '\0';
    pthread_mutex_lock(&st->mu);
    e = lookup_consent(st, c, &cm, &kind);
    if (!e && cm.found) {
        f->consent = true;
        snprintf(f->consent_basis, sizeof f->consent_basis, "%.15s", cm.extra);
        snprintf(f->consent_match, sizeof f->consent_match, "%s %.64s (%.15s)", kind, cm.value, cm.extra);
    }
    if (!e)
        e = lookup_blocks(st, c, &bm, &role, &kind);
    if (!e && bm.found) {
        f->blocked = true;
        snprintf(f->block_match, sizeof f->block_match, "%s %s %.64s", role, kind,
                 bm.value[0] ? bm.value : "(empty)");
    }
    if (!e)
        e = lookup_optout(st, c, f);
    pthread_mutex_unlock(&st->mu);
    return e;
}

fg_err fg_store_screen_offender(fg_store *st, const char *tsi, const char *caller_id, int min_calls, int window_days,
                                bool *offender, char *why, size_t why_len)
{
    static const char *const kinds[] = {"caller ID", "TSI"};
    const char *values[] = {caller_id, tsi};
    static const char *const sql[] = {
        /* a caller ID as given, or its digits against what was stored or its E.164 form */
        "SELECT count(DISTINCT c.id), max(c.started) FROM calls c JOIN violations v ON v.call_id = c.id"
        " WHERE " FG_SQL_STANDING("c") " AND (c.caller_id = ?1 OR c.caller_e164 = ?1 OR (?3 <> '' AND (c.caller_id = ?3 OR c.caller_e164 = '+' || ?3)))"
        " AND c.started >= strftime('%Y-%m-%dT%H:%M:%SZ', 'now', printf('-%d days', ?2))",
        "SELECT count(DISTINCT c.id), max(c.started) FROM calls c JOIN violations v ON v.call_id = c.id"
        " WHERE " FG_SQL_STANDING("c") " AND c.tsi = ?1 AND c.started >= strftime('%Y-%m-%dT%H:%M:%SZ', 'now', printf('-%d days', ?2))",
    };
    fg_err e = FG_OK;

    *offender = false;
    if (why && why_len)
        why[0] = '\0';
    if (min_calls <= 0)
        return FG_OK;
    pthread_mutex_lock(&st->mu);
    for (int k = 0; k < 2 && !e && !*offender; k++) {
        sqlite3_stmt *s;
        char digits[KEY_LEN];
        int rc, n;

        if (!names_someone(values[k]) || (e = fg_st_prep(st, sql[k], &s, "count a sender's violations")))
            continue;
        fg_st_digits_of(values[k], digits);
        fg_st_bind_text(s, 1, values[k], false);
        sqlite3_bind_int(s, 2, window_days > 0 ? window_days : 36500);
        if (k == 0)
            fg_st_bind_text(s, 3, strlen(digits) >= 7 ? digits : "", false);
        if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            n = sqlite3_column_int(s, 0);
            if (n >= min_calls) {
                const char *last = (const char *)sqlite3_column_text(s, 1);

                *offender = true;
                if (why && why_len)
                    snprintf(why, why_len, "%s '%s' sent %d fax%s with violations in the last %d days (the last %s)",
                             kinds[k], values[k], n, n == 1 ? "" : "es", window_days, last ? last : "?");
            }
        } else {
            e = fg_st_err(st, rc, "count a sender's violations");
        }
        sqlite3_finalize(s);
    }
    pthread_mutex_unlock(&st->mu);
    return e;
}
