/* faxgate — store: the site's registries (consent/EBR and blocks), screening and lookups.
 *
 * Matching rules, the same for adding, removing and looking up:
 * - number: entered in E.164 ("+1 800 555-0100" is accepted and stored as +18005550100);
 *   numbers match by their digits with leading zeros dropped, either equal or one ending with
 *   the other when the shorter has at least FG_ST_MATCH_SUFFIX (9) digits, so a TSI "800 555 0100",
 *   a French "01 23 45 67 89" or a caller ID without the country code still match;
 * - domain: lower-case host; it matches itself and every subdomain (example.com matches
 *   shop.example.com), taken from the URLs and e-mail addresses on the page;
 * - name and tsi: compared after trimming, collapsing white space, folding case and stripping
 *   the accents of Latin letters ("CAVES DU CHATEAU" as OCR reads capitals is "Caves du Château");
 *   letters of other scripts are kept as they are; a
 *   TSI with at least MIN_DIGITS digits also matches number and tsi entries by its digits.
 *   An empty tsi entry blocks calls whose TSI is empty or missing.
 * The opt-out requests the site sent (optout_keys, store_optout.c) are keyed the same way, so that
 * a later fax from the same advertiser is found by its numbers, domain or name. The lookups by
 * these rules (screening before and after the answer, a call's consent, blocks and opt-outs) are
 * in store_match.c.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "call_impl.h"
#include "faxgate/extract.h"
#include "store_impl.h"

#define MIN_DIGITS 6       /* fewer digits are not a number worth matching */
#define KEY_LEN FG_ST_KEY_LEN

/* ---- normalisation ---- */

/* Trim, collapse white space, fold case and Latin accents; bytes of other scripts are kept. */
void fg_st_fold(const char *in, char out[FG_ST_KEY_LEN])
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
    fg_st_fold((const char *)sqlite3_value_text(argv[0]), k);
    sqlite3_result_text(ctx, k, -1, SQLITE_TRANSIENT);
}

/* Digits with leading zeros (trunk or international prefix) dropped; "" if too few. */
void fg_st_digits_of(const char *in, char out[KEY_LEN])
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
void fg_st_host_of(const char *in, char out[KEY_LEN])
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
        fg_st_digits_of(value, key);
        memcpy(digits, key, FG_ST_KEY_LEN);
    } else if (!strcmp(kind, "domain")) {
        fg_st_host_of(value, key);
    } else {
        fg_st_fold(value, key);
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
        fg_st_digits_of(k->value, k->key);
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
        fg_st_host_of(value, k->key);
        if (!valid_host(k->key))
            return fg_err_set(FG_ERR_INVAL, "'%s' is not a domain name: write it like example.com", value);
        memcpy(k->value, k->key, sizeof k->value);
    } else {
        fg_st_fold(value, k->key);
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
            fg_st_digits_of(k->key, k->digits);
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
