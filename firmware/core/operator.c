/* faxgate — an operator's overrides and list edits (operator.h), shared by faxgatectl and the
 * web admin.
 *
 * release: the fax moves to the inbox and a print job is queued; the store's claim on the job
 * keeps faxgated and faxgatectl from printing it twice. junk: the fax is not printed (a pending
 * job is cancelled) and stays as evidence. Both teach the filter ([classify] bayes, campaigns):
 * junk after release moves the learned page, never counts it twice. The operator's verdict is
 * what matters: when learning fails, the verdict still stands and out says why.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "faxgate/campaign.h"
#include "faxgate/extract.h"
#include "faxgate/learn.h"
#include "faxgate/operator.h"

const char *const fg_consent_kinds[] = {"number", "domain", "name", NULL};
const char *const fg_consent_bases[] = {"consent", "ebr", NULL};
const char *const fg_block_roles[] = {"broadcaster", "advertiser", NULL};
const char *const fg_block_kinds[] = {"number", "tsi", "domain", "name", "ticker", "nsf", "dcs", NULL};

/* Moves a call's pages to SPOOL/FOLDER/call-ID.tif and records the new path. */
static fg_err move_pages(const fg_config *cfg, fg_store *st, const fg_stored_call *sc, const char *folder, char *dst,
                         size_t cap)
{
    snprintf(dst, cap, "%s/%s/call-%lld.tif", fg_config_get(cfg, "spool", "dir"), folder, (long long)sc->id);
    if (!strcmp(dst, sc->tiff))
        return FG_OK;
    if (rename(sc->tiff, dst) < 0)
        return fg_err_set(fg_err_from_errno(errno), "cannot move %s to %s: %s", sc->tiff, dst, strerror(errno));
    return fg_store_set_tiff(st, sc->id, dst);
}

/* Teaches the filter the operator's verdict; records in out what it learned or why not. */
static void learn_from(const fg_config *cfg, fg_store *st, int64_t id, bool is_ad, fg_override *out)
{
    fg_err e;

    if ((out->learn_tried = fg_config_bool(cfg, "classify", "bayes"))) {
        e = fg_learn_train_call(st, id, fg_config_get(cfg, "site", "country"), is_ad, "operator", &out->learn_changed,
                                &out->tokens);
        if (e == FG_ERR_STATE)
            out->learn_nothing = true;
        else if (e)
            snprintf(out->learn_error, sizeof out->learn_error, "%s", fg_err_msg(e));
        else
            out->learned = true;
    }
    if ((out->campaign_tried = fg_config_bool(cfg, "classify", "campaigns")) &&
        (e = fg_store_campaign_mark(st, id, is_ad ? "junk" : "released", "operator", &out->campaign)))
        snprintf(out->campaign_error, sizeof out->campaign_error, "%s", fg_err_msg(e));
}

fg_err fg_operator_release(const fg_config *cfg, fg_store *st, int64_t id, const char *why, fg_override *out)
{
    fg_stored_call sc;
    fg_err e;

    memset(out, 0, sizeof *out);
    out->id = id;
    if ((e = fg_store_call_get(st, id, &sc)))
        return e;
    if (!sc.tiff[0] || sc.pages == 0)
        return fg_err_set(FG_ERR_STATE, "call %lld has no pages to print", (long long)id);
    snprintf(out->tiff, sizeof out->tiff, "%s", sc.tiff);
    if (sc.printed) {
        out->already_printed = true;
        learn_from(cfg, st, id, false, out);
        return FG_OK;
    }
    if ((e = move_pages(cfg, st, &sc, "inbox", out->tiff, sizeof out->tiff)) ||
        (e = fg_store_set_verdict(st, id, FG_VERDICT_DELIVER, "operator", why)) || (e = fg_store_delivery_add(st, id)))
        return e;
    out->queued = true;
    learn_from(cfg, st, id, false, out);
    return FG_OK;
}

fg_err fg_operator_junk(const fg_config *cfg, fg_store *st, int64_t id, const char *why, fg_override *out)
{
    fg_stored_call sc;
    fg_err e;

    memset(out, 0, sizeof *out);
    out->id = id;
    if ((e = fg_store_call_get(st, id, &sc)))
        return e;
    out->printed_before = sc.printed;
    e = fg_store_delivery_cancel(st, id);
    if (e == FG_ERR_STATE)
        out->printing_now = true;
    else if (e && e != FG_ERR_NOTFOUND)
        return e;
    if (sc.tiff[0] && (e = move_pages(cfg, st, &sc, "junk", out->tiff, sizeof out->tiff)))
        return e;
    if ((e = fg_store_set_verdict(st, id, FG_VERDICT_DROP, "operator", why)))
        return e;
    learn_from(cfg, st, id, true, out);
    return FG_OK;
}

bool fg_operator_one_of(const char *s, const char *const *set)
{
    for (; s && *set; set++)
        if (!strcasecmp(s, *set))
            return true;
    return false;
}

/* Numbers are stored in E.164 so that "1-800-555-0100" and "+18005550100" are one entry. */
fg_err fg_operator_list_value(const fg_config *cfg, const char *kind, const char *value, char *out, size_t cap)
{
    if (!value || !*value)
        return fg_err_set(FG_ERR_INVAL, "give the %s to list", kind);
    if (!strcmp(kind, "number")) {
        char e164[FG_E164_LEN];
        unsigned flags = 0;
        fg_err e = fg_phone_e164(value, fg_config_get(cfg, "site", "country"), e164, &flags);

        if (e) {
            char why[200];   /* copied: the message is rewritten by the fg_err_set that quotes it */

            snprintf(why, sizeof why, "%s", fg_err_msg(e));
            return fg_err_set(FG_ERR_INVAL, "%s", why);
        }
        snprintf(out, cap, "%s", e164);
    } else if (!strcmp(kind, "domain")) {
        size_t n = 0;

        for (const char *p = value; *p && n + 1 < cap; p++) {
            if (n == 0 && *p == '@')
                continue;   /* "@acme.com" from an e-mail address */
            out[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        }
        out[n] = '\0';
        if (!strchr(out, '.'))
            return fg_err_set(FG_ERR_INVAL, "'%s' is not a domain name (example: acme-supply.com)", value);
    } else {
        snprintf(out, cap, "%s", value);
    }
    return FG_OK;
}

int fg_list_op_parse(const char *s)
{
    return !s ? -1 : !strcmp(s, "add") ? FG_LIST_ADD : !strcmp(s, "remove") ? FG_LIST_REMOVE
                   : !strcmp(s, "edit") ? FG_LIST_EDIT : -1;
}

fg_err fg_operator_consent(const fg_config *cfg, fg_store *st, fg_list_op op, const char *kind, const char *value,
                           const char *basis, const char *note, const char *by)
{
    char v[256];
    fg_err e;

    if (!fg_operator_one_of(kind, fg_consent_kinds))
        return fg_err_set(FG_ERR_INVAL, "a consent entry is a number, domain or name, not '%s'", kind ? kind : "");
    if (op != FG_LIST_REMOVE && !fg_operator_one_of(basis, fg_consent_bases))
        return fg_err_set(FG_ERR_INVAL, "the basis of consent is consent or ebr, not '%s'", basis ? basis : "");
    if ((e = fg_operator_list_value(cfg, kind, value, v, sizeof v)))
        return e;
    switch (op) {
    case FG_LIST_ADD:
        return fg_store_consent_add_by(st, kind, v, basis, note, by);
    case FG_LIST_EDIT:
        return fg_store_consent_edit(st, kind, v, basis, note, by);
    default:
        return fg_store_consent_remove(st, kind, v);
    }
}

fg_err fg_operator_block(const fg_config *cfg, fg_store *st, fg_list_op op, const char *role, const char *kind,
                         const char *value, const char *note, const char *by)
{
    char v[256];
    fg_err e;

    if (!fg_operator_one_of(role, fg_block_roles))
        return fg_err_set(FG_ERR_INVAL, "a block is on a broadcaster or an advertiser, not '%s'", role ? role : "");
    if (!fg_operator_one_of(kind, fg_block_kinds))
        return fg_err_set(FG_ERR_INVAL, "a block entry is a number, tsi, domain, name, ticker, nsf or dcs, not '%s'",
                          kind ? kind : "");
    if ((e = fg_operator_list_value(cfg, kind, value, v, sizeof v)))
        return e;
    switch (op) {
    case FG_LIST_ADD:
        return fg_store_block_add_by(st, role, kind, v, note, by);
    case FG_LIST_EDIT:
        return fg_store_block_edit(st, role, kind, v, note, by);
    default:
        return fg_store_block_remove(st, role, kind, v);
    }
}
