/* faxgate — store: the site's registries (consent/EBR and blocks), screening and lookups.
 *
 * Matching rules, the same for adding, removing and looking up:
 * - number: entered in E.164 ("+1 800 555-0100" is accepted and stored as +18005550100);
 *   numbers match by their digits with leading zeros dropped, either equal or one ending with
 *   the other when the shorter has at least MATCH_SUFFIX digits, so a TSI "800 555 0100",
 *   a French "01 23 45 67 89" or a caller ID without the country code still match;
 * - domain: lower-case host; it matches itself and every subdomain (example.com matches
 *   shop.example.com), taken from the URLs and e-mail addresses on the page;
 * - name and tsi: compared after trimming, collapsing white space, folding case and stripping
 *   the accents of Latin letters ("CAVES DU CHATEAU" as OCR reads capitals is "Caves du Château");
 *   letters of other scripts are kept as they are; a
 *   TSI with at least MIN_DIGITS digits also matches number and tsi entries by its digits.
 *   An empty tsi entry blocks calls whose TSI is empty or missing.
 * The opt-out requests the site sent (optout_keys, store_optout.c) are keyed the same way, so that
 * a later fax from the same advertiser is found by its numbers, domain or name.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "call_impl.h"
#include "faxgate/extract.h"
#include "store_impl.h"

#define MIN_DIGITS 6       /* fewer digits are not a number worth matching */
#define MATCH_SUFFIX "9"   /* shortest national significant number matched as a suffix */
#define KEY_LEN FG_ST_KEY_LEN

/* ---- normalisation ---- */

/* Trim, collapse white space, fold case and Latin accents; bytes of other scripts are kept. */
static void fold(const char *in, char out[FG_ST_KEY_LEN])
{
    size_t o = 0, n = in ? strlen(in) : 0, used;
    bool space = false;

    for (size_t i = 0; i < n && o + 3 < KEY_LEN; i += used) {
        unsigned char ch = (unsigned char)in[i];
        size_t w;

        used = 1;
        if (isspace(ch)) {
            space = o > 0;
            continue;
        }
        if (space)
            out[o++] = ' ';
        space = false;
        if ((w = fg_text_fold_latin(in + i, n - i, out + o, &used)))
            o += w;
        else
            out[o++] = (char)tolower(ch);
    }
    out[o] = '\0';
}

void fg_st_sql_fold(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    char k[KEY_LEN];

    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    fold((const char *)sqlite3_value_text(argv[0]), k);
    sqlite3_result_text(ctx, k, -1, SQLITE_TRANSIENT);
}

/* Digits with leading zeros (trunk or international prefix) dropped; "" if too few. */
static void digits_of(const char *in, char out[KEY_LEN])
{
    size_t o = 0;

    for (; in && *in && o + 1 < KEY_LEN; in++)
        if (isdigit((unsigned char)*in) && (o > 0 || *in != '0'))
            out[o++] = *in;
    out[o] = '\0';
    if (o < MIN_DIGITS)
        out[0] = '\0';
}

/* E.164 from what an administrator typed; FG_ERR_INVAL with an example otherwise. */
static fg_err e164_of(const char *in, char out[KEY_LEN])
{
    size_t o = 0;
    const char *p = in;

    while (isspace((unsigned char)*p))
        p++;
    if (*p != '+')
        return fg_err_set(FG_ERR_INVAL, "'%s' is not in international form: write it like +18005550100", in);
    out[o++] = '+';
    for (p++; *p; p++) {
        if (isdigit((unsigned char)*p) && o < 16)
            out[o++] = *p;
        else if (isdigit((unsigned char)*p) || !strchr(" -.()/\t", *p))
            return fg_err_set(FG_ERR_INVAL, "'%s' is not a phone number: write it like +18005550100", in);
    }
    out[o] = '\0';
    if (o < 8 || out[1] == '0')
        return fg_err_set(FG_ERR_INVAL, "'%s' is too short for an international number (like +18005550100)", in);
    return FG_OK;
}

/* Host of a URL or domain of an e-mail address, lower case: "HTTPS://Shop.Example.com/x" →
   "shop.example.com". "" if nothing host-like is left. */
static void host_of(const char *in, char out[KEY_LEN])
{
    const char *p = in ? in : "", *at, *scheme = strstr(p, "://");
    size_t o = 0;

    if (scheme)
        p = scheme + 3;
    if ((at = strrchr(p, '@')) && (!strpbrk(p, "/?#") || at < strpbrk(p, "/?#")))
        p = at + 1;
    while (isspace((unsigned char)*p))
        p++;
    if (p[0] == '*' && p[1] == '.')
        p += 2;
    for (; *p && !strchr("/:?#", *p) && !isspace((unsigned char)*p) && o + 1 < KEY_LEN; p++)
        out[o++] = (char)tolower((unsigned char)*p);
    while (o > 0 && out[o - 1] == '.')
        o--;
    out[o] = '\0';
}

void fg_st_key_of(const char *kind, const char *value, char key[FG_ST_KEY_LEN], char digits[FG_ST_KEY_LEN])
{
    digits[0] = '\0';
    if (!strcmp(kind, "number")) {
        digits_of(value, key);
        memcpy(digits, key, FG_ST_KEY_LEN);
    } else if (!strcmp(kind, "domain")) {
        host_of(value, key);
    } else {
        fold(value, key);
    }
}

static bool valid_host(const char *h)
{
    if (!*h || *h == '.' || !strchr(h, '.'))
        return false;
    for (; *h; h++)
        if (!(isalnum((unsigned char)*h) || *h == '.' || *h == '-' || *h == '_' || (unsigned char)*h >= 0x80))
            return false;
    return true;
}

/* The stored value, match key and digits of an entry. */
typedef struct entry_key {
    char value[KEY_LEN], key[KEY_LEN], digits[KEY_LEN];
} entry_key;

static fg_err normalise(const char *kind, const char *value, bool empty_ok, entry_key *k)
{
    fg_err e;

    memset(k, 0, sizeof *k);
    if (!value)
        value = "";
    if (strlen(value) >= KEY_LEN - 1)
        return fg_err_set(FG_ERR_TOOBIG, "%s '%.40s…' is longer than %d bytes", kind, value, KEY_LEN - 2);
    if (strcmp(kind, "number") == 0) {
        if ((e = e164_of(value, k->value)))
            return e;
        digits_of(k->value, k->key);
        memcpy(k->digits, k->key, sizeof k->digits);
    } else if (strcmp(kind, "ticker") == 0) {
        size_t n = strlen(value);

        if (!n || fg_ticker_symbol_len(value, n) != n)
            return fg_err_set(FG_ERR_INVAL, "'%s' is not a traded symbol: 1 to 6 letters and digits (a WKN: 6, "
                              "an ISIN: 12), for example ZNXB", value);
        for (size_t i = 0; i < n; i++) {
            k->value[i] = (char)toupper((unsigned char)value[i]);
            k->key[i] = (char)tolower((unsigned char)value[i]);
        }
    } else if (strcmp(kind, "domain") == 0) {
        host_of(value, k->key);
        if (!valid_host(k->key))
            return fg_err_set(FG_ERR_INVAL, "'%s' is not a domain name: write it like example.com", value);
        memcpy(k->value, k->key, sizeof k->value);
    } else {
        fold(value, k->key);
        /* keep the case as entered for display, white space tidied */
        for (size_t i = 0, o = 0, sp = 0; value[i] && o + 2 < KEY_LEN; i++) {
            if (isspace((unsigned char)value[i])) {
                sp = o > 0;
                continue;
            }
            if (sp)
                k->value[o++] = ' ';
            sp = 0;
            k->value[o++] = value[i];
        }
        if (strcmp(kind, "tsi") == 0)
            digits_of(k->key, k->digits);
        if (!k->key[0] && !empty_ok)
            return fg_err_set(FG_ERR_INVAL, "an empty %s cannot be recorded", kind);
    }
    return FG_OK;
}

static bool one_of(const char *v, const char *const *set)
{
    for (; v && *set; set++)
        if (strcmp(v, *set) == 0)
            return true;
    return false;
}

/* ---- adding and removing ---- */

/* "consent for number +18005550100" or "block on broadcaster tsi JUNK FAX", for messages. */
static void label(char *out, size_t cap, const char *role, const char *kind, const entry_key *k)
{
    const char *v = k->value[0] ? k->value : "(empty)";

    if (role)
        snprintf(out, cap, "block on %s %s %s", role, kind, v);
    else
        snprintf(out, cap, "consent for %s %s", kind, v);
}

static fg_err add_entry(fg_store *st, const char *sql, const char *role, const char *kind, const entry_key *k,
                        const char *extra, const char *note, const char *by, const char *what)
{
    char msg[KEY_LEN + 96], lab[KEY_LEN + 64];
    sqlite3_stmt *s = NULL;
    fg_err e;
    int rc;

    pthread_mutex_lock(&st->mu);
    if ((e = fg_st_begin(st, what)))
        goto out;
    if ((e = fg_st_prep(st, sql, &s, what)))
        goto fail;
    fg_st_bind_named(s, ":role", role, false);
    fg_st_bind_named(s, ":kind", kind, false);
    fg_st_bind_named(s, ":value", k->value, false);
    fg_st_bind_named(s, ":key", k->key, false);
    fg_st_bind_named(s, ":digits", k->digits, true);
    fg_st_bind_named(s, ":basis", extra, false);
    fg_st_bind_named(s, ":note", note, true);
    fg_st_bind_named(s, ":by", by, true);
    if ((rc = sqlite3_step(s)) != SQLITE_DONE) {
        label(lab, sizeof lab, role, kind, k);
        if (rc == SQLITE_CONSTRAINT_UNIQUE)
            e = fg_err_set(FG_ERR_EXISTS, "%s is already recorded; remove it first to change it", lab);
        else
            e = fg_st_err(st, rc, what);
        goto fail;
    }
    label(lab, sizeof lab, role, kind, k);
    snprintf(msg, sizeof msg, "%s: %s%s%s%s", what, lab, extra ? " (" : "", extra ? extra : "", extra ? ")" : "");
    if ((e = fg_st_event(st, 0, by && *by ? by : "admin", msg)))
        goto fail;
    e = fg_st_commit(st, what);
    goto out;
fail:
    fg_st_rollback(st);
out:
    sqlite3_finalize(s);
    pthread_mutex_unlock(&st->mu);
    return e;
}

/* Removes (a DELETE) or edits (an UPDATE of its note, basis, who) one entry; FG_ERR_NOTFOUND when
   there is none. */
static fg_err change_entry(fg_store *st, const char *sql, const char *role, const char *kind, const entry_key *k,
                           const char *basis, const char *note, const char *by, const char *what)
{
    char msg[KEY_LEN + 96], lab[KEY_LEN + 64];
    sqlite3_stmt *s = NULL;
    fg_err e;

    pthread_mutex_lock(&st->mu);
    if ((e = fg_st_begin(st, what)))
        goto out;
    if ((e = fg_st_prep(st, sql, &s, what)))
        goto fail;
    fg_st_bind_named(s, ":role", role, false);
    fg_st_bind_named(s, ":kind", kind, false);
    fg_st_bind_named(s, ":value", k->value, false);
    fg_st_bind_named(s, ":basis", basis, false);
    fg_st_bind_named(s, ":note", note, true);
    fg_st_bind_named(s, ":by", by, true);
    if ((e = fg_st_run(st, s, what)))
        goto fail;
    label(lab, sizeof lab, role, kind, k);
    if (sqlite3_changes(st->db) == 0) {
        e = fg_err_set(FG_ERR_NOTFOUND, "there is no %s to %s", lab, strstr(what, "edited") ? "edit" : "remove");
        goto fail;
    }
    snprintf(msg, sizeof msg, "%s: %s", what, lab);
    if ((e = fg_st_event(st, 0, by && *by ? by : "admin", msg)))
        goto fail;
    e = fg_st_commit(st, what);
    goto out;
fail:
    fg_st_rollback(st);
out:
    sqlite3_finalize(s);
    pthread_mutex_unlock(&st->mu);
    return e;
}

static const char *const consent_kinds[] = {"number", "domain", "name", NULL};
static const char *const bases[] = {"consent", "ebr", NULL};
static const char *const block_roles[] = {"broadcaster", "advertiser", NULL};
static const char *const block_kinds[] = {"number", "tsi", "domain", "name", "ticker", "nsf", "dcs", NULL};

fg_err fg_store_consent_add(fg_store *st, const char *kind, const char *value, const char *basis,
                            const char *note)
{
    return fg_store_consent_add_by(st, kind, value, basis, note, NULL);
}

fg_err fg_store_consent_add_by(fg_store *st, const char *kind, const char *value, const char *basis,
                               const char *note, const char *by)
{
    entry_key k;
    fg_err e;

    if (!one_of(kind, consent_kinds))
        return fg_err_set(FG_ERR_INVAL, "consent kind must be number, domain or name, not '%s'", kind ? kind : "");
    if (!basis || !*basis)
        basis = "consent";
    if (!one_of(basis, bases))
        return fg_err_set(FG_ERR_INVAL, "consent basis must be consent or ebr, not '%s'", basis);
    if ((e = normalise(kind, value, false, &k)))
        return e;
    return add_entry(st,
                     "INSERT INTO consent(kind, value, key, digits, basis, note, added_by)"
                     " VALUES (:kind, :value, :key, :digits, :basis, :note, :by)",
                     NULL, kind, &k, basis, note, by, "consent added");
}

fg_err fg_store_consent_remove(fg_store *st, const char *kind, const char *value)
{
    entry_key k;
    fg_err e;

    if (!one_of(kind, consent_kinds))
        return fg_err_set(FG_ERR_INVAL, "consent kind must be number, domain or name, not '%s'", kind ? kind : "");
    if ((e = normalise(kind, value, false, &k)))
        return e;
    return change_entry(st, "DELETE FROM consent WHERE kind = :kind AND value = :value", NULL, kind, &k, NULL, NULL,
                        NULL, "consent removed");
}

fg_err fg_store_consent_edit(fg_store *st, const char *kind, const char *value, const char *basis, const char *note,
                             const char *by)
{
    entry_key k;
    fg_err e;

    if (!one_of(kind, consent_kinds))
        return fg_err_set(FG_ERR_INVAL, "consent kind must be number, domain or name, not '%s'", kind ? kind : "");
    if (!one_of(basis, bases))
        return fg_err_set(FG_ERR_INVAL, "consent basis must be consent or ebr, not '%s'", basis ? basis : "");
    if ((e = normalise(kind, value, false, &k)))
        return e;
    return change_entry(st,
                        "UPDATE consent SET basis = :basis, note = :note, added_by = :by"
                        " WHERE kind = :kind AND value = :value",
                        NULL, kind, &k, basis, note, by, "consent edited");
}

static fg_err check_block(const char *role, const char *kind)
{
    if (!one_of(role, block_roles))
        return fg_err_set(FG_ERR_INVAL, "block role must be broadcaster or advertiser, not '%s'", role ? role : "");
    if (!one_of(kind, block_kinds))
        return fg_err_set(FG_ERR_INVAL, "block kind must be number, tsi, domain, name, ticker, nsf or dcs, not '%s'",
                          kind ? kind : "");
    if (strcmp(kind, "tsi") == 0 && strcmp(role, "broadcaster") != 0)
        return fg_err_set(FG_ERR_INVAL, "a TSI identifies the broadcaster: use role broadcaster");
    if ((strcmp(kind, "nsf") == 0 || strcmp(kind, "dcs") == 0) && strcmp(role, "broadcaster") != 0)
        return fg_err_set(FG_ERR_INVAL, "the sending machine's %s identifies the broadcaster: use role broadcaster",
                          strcmp(kind, "nsf") == 0 ? "NSF (vendor and model)" : "DCS (modem settings)");
    if (strcmp(kind, "ticker") == 0 && strcmp(role, "advertiser") != 0)
        return fg_err_set(FG_ERR_INVAL, "a traded symbol identifies the advertiser: use role advertiser");
    return FG_OK;
}

fg_err fg_store_block_add(fg_store *st, const char *role, const char *kind, const char *value, const char *note)
{
    return fg_store_block_add_by(st, role, kind, value, note, NULL);
}

fg_err fg_store_block_add_by(fg_store *st, const char *role, const char *kind, const char *value, const char *note,
                             const char *by)
{
    entry_key k;
    fg_err e;

    if ((e = check_block(role, kind)) || (e = normalise(kind, value, strcmp(kind, "tsi") == 0, &k)))
        return e;
    return add_entry(st,
                     "INSERT INTO blocks(role, kind, value, key, digits, note, added_by)"
                     " VALUES (:role, :kind, :value, :key, :digits, :note, :by)",
                     role, kind, &k, NULL, note, by, "block added");
}

fg_err fg_store_block_remove(fg_store *st, const char *role, const char *kind, const char *value)
{
    entry_key k;
    fg_err e;

    if ((e = check_block(role, kind)) || (e = normalise(kind, value, strcmp(kind, "tsi") == 0, &k)))
        return e;
    return change_entry(st, "DELETE FROM blocks WHERE role = :role AND kind = :kind AND value = :value", role, kind,
                        &k, NULL, NULL, NULL, "block removed");
}

fg_err fg_store_block_edit(fg_store *st, const char *role, const char *kind, const char *value, const char *note,
                           const char *by)
{
    entry_key k;
    fg_err e;

    if ((e = check_block(role, kind)) || (e = normalise(kind, value, strcmp(kind, "tsi") == 0, &k)))
        return e;
    return change_entry(st,
                        "UPDATE blocks SET note = :note, added_by = :by"
                        " WHERE role = :role AND kind = :kind AND value = :value",
                        role, kind, &k, NULL, note, by, "block edited");
}

/* ---- matching ---- */

/* ?1 is the probe, ?2 the kind, ?3 the role (blocks only). */
#define DIGITS_MATCH                                                                                   \
    "(digits = ?1 OR (length(digits) >= " MATCH_SUFFIX " AND length(?1) > length(digits)"            \
    " AND substr(?1, -length(digits)) = digits) OR (length(?1) >= " MATCH_SUFFIX                     \
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

    digits_of(num, d);
    return probe(st, role, kind, BY_DIGITS, d, m);
}

static fg_err probe_host(fg_store *st, const char *role, const char *url, match *m)
{
    char h[KEY_LEN];

    host_of(url, h);
    return probe(st, role, "domain", BY_DOMAIN, h, m);
}

static fg_err probe_name(fg_store *st, const char *role, const char *kind, const char *name, match *m)
{
    char k[KEY_LEN];

    if (!name)
        return FG_OK;
    fold(name, k);
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
    fold(nsf, kn);
    fold(dcs, kd);
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
    fold(tsi, t);
    digits_of(caller_id, digits);
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
        digits_of(values[k], digits);
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
