/* faxgate — the verdict record of a judged call as JSON (the `faxgatectl scan` contract).
 *
 * Contract keys (docs/architecture.md): verdict, is_ad, score, scores, advertiser,
 * broadcaster, optout, violations, text, ms. Extra keys (reason, rules, callback, lang,
 * error, call) only add to it.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "call_impl.h"
#include "faxgate/pipeline.h"

static json_t *str_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

/* jansson refuses invalid UTF-8; OCR text of a hostile page may contain it. */
static json_t *text_value(const char *s)
{
    json_t *v;
    char *clean;
    size_t n;

    if (!s)
        return json_string("");
    if ((v = json_string(s)))
        return v;
    n = strlen(s);
    if (!(clean = malloc(n + 1)))
        return json_string("");
    for (size_t i = 0; i <= n; i++)
        clean[i] = (unsigned char)s[i] < 0x80 ? s[i] : '?';
    v = json_string(clean);
    free(clean);
    return v;
}

static json_t *where_json(const fg_where *w)
{
    return json_pack("{s:i,s:[i,i,i,i]}", "line", w->line, "box", w->x0, w->y0, w->x1, w->y1);
}

static json_t *advertiser_json(const fg_ident *id)
{
    json_t *phones = json_array(), *urls = json_array(), *emails = json_array(), *numbers = json_array();

    /* The callback number first: it is what a user blocks or reports. */
    if (id->callback[0])
        json_array_append_new(phones, json_string(id->callback));
    for (size_t i = 0; i < id->n_numbers; i++) {
        const fg_number *n = &id->numbers[i];
        json_t *kinds = json_array();

        if (n->kind & FG_NUM_VOICE)
            json_array_append_new(kinds, json_string("voice"));
        if (n->kind & FG_NUM_FAX)
            json_array_append_new(kinds, json_string("fax"));
        if (n->kind & FG_NUM_TOLLFREE)
            json_array_append_new(kinds, json_string("tollfree"));
        if (n->kind & FG_NUM_PREMIUM)
            json_array_append_new(kinds, json_string("premium"));
        if (n->kind & FG_NUM_OPTOUT)
            json_array_append_new(kinds, json_string("optout"));
        if (n->kind & FG_NUM_HEADER)
            json_array_append_new(kinds, json_string("header"));
        if (n->kind & FG_NUM_CALLBACK)
            json_array_append_new(kinds, json_string("callback"));
        if (n->kind & FG_NUM_ORDER_FAX)
            json_array_append_new(kinds, json_string("order_fax"));
        json_array_append_new(numbers, json_pack("{s:s,s:o,s:o,s:o}", "e164", n->e164, "raw", text_value(n->raw),
                                                 "kinds", kinds, "at", where_json(&n->at)));
        if (n->kind & FG_NUM_HEADER)
            continue;   /* the header number is the broadcaster's */
        if (!strcmp(n->e164, id->callback))
            continue;
        bool dup = false;
        for (size_t j = 0; j < json_array_size(phones); j++)
            if (!strcmp(json_string_value(json_array_get(phones, j)), n->e164))
                dup = true;
        if (!dup)
            json_array_append_new(phones, json_string(n->e164));
    }
    for (size_t i = 0; i < id->n_urls; i++)
        json_array_append_new(urls, text_value(id->urls[i].value));
    for (size_t i = 0; i < id->n_emails; i++)
        json_array_append_new(emails, text_value(id->emails[i].value));
    return json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "name",
                     id->adv_name ? text_value(id->adv_name) : json_null(), "phones", phones, "urls", urls, "emails",
                     emails, "callback", str_or_null(id->callback), "domain", str_or_null(id->adv_domain),
                     "name_at", where_json(&id->adv_name_at), "domain_at", where_json(&id->adv_domain_at),
                     "ticker", str_or_null(id->ticker), "ticker_at",
                     id->ticker[0] ? where_json(&id->ticker_at) : json_null(), "numbers", numbers);
}

static json_t *broadcaster_json(const fg_call *c)
{
    const fg_header *h = &c->ident.header;

    return json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "tsi",
                     c->t30.tsi_seen ? json_string(c->t30.tsi) : json_null(), "caller_id",
                     c->caller_e164[0] ? json_string(c->caller_e164) : str_or_null(c->caller_id), "header",
                     h->present && h->text ? text_value(h->text) : json_null(), "header_number",
                     str_or_null(h->number), "header_name", h->name ? text_value(h->name) : json_null(),
                     "header_date", h->date ? text_value(h->date) : json_null(), "nsf_vendor",
                     str_or_null(c->t30.nsf_vendor));
}

static json_t *optout_json(const fg_call *c)
{
    const fg_optout *o = &c->ident.optout;
    json_t *compliant = json_object();

    for (int i = 0; i < c->decision.n_optout; i++)
        json_object_set_new(compliant, c->decision.optout[i].profile, json_boolean(c->decision.optout[i].compliant));
    return json_pack("{s:b,s:o,s:o,s:o,s:o,s:b,s:b,s:b}", "present", o->present, "phone", str_or_null(o->phone),
                     "fax", str_or_null(o->fax), "compliant", compliant, "text",
                     o->text ? text_value(o->text) : json_null(), "free_of_charge", o->free_of_charge,
                     "premium", o->premium, "mentions_30_days", o->mentions_30_days);
}

fg_err fg_call_record_json(const fg_call *c, char **json)
{
    json_t *scores = json_object(), *rules = json_array(), *violations = json_array(), *root;
    const fg_decision *d = &c->decision;

    for (int i = 0; i < c->scores.n; i++) {
        const fg_score *s = &c->scores.v[i];

        json_object_set_new(scores, s->name, json_real(s->weight));
        json_array_append_new(rules, json_pack("{s:s,s:f,s:o}", "name", s->name, "weight", s->weight, "detail",
                                               text_value(s->detail)));
    }
    for (int i = 0; i < d->nv; i++)
        json_array_append_new(violations, json_pack("{s:s,s:s,s:o}", "profile", d->v[i].profile, "rule",
                                                    d->v[i].rule, "detail", text_value(d->v[i].detail)));
    root = json_pack("{s:s,s:b,s:f,s:o,s:o,s:o,s:o,s:o,s:o,s:{s:f,s:f}}", "verdict", fg_verdict_name(d->verdict),
                     "is_ad", d->is_ad, "score", c->scores.total, "scores", scores, "advertiser",
                     advertiser_json(&c->ident), "broadcaster", broadcaster_json(c), "optout", optout_json(c),
                     "violations", violations, "text", text_value(c->words ? c->words->text : c->text), "ms",
                     "ocr", c->ms_ocr, "total", c->ms_total);
    if (!root)
        return fg_err_set(FG_ERR_NOMEM, "cannot build the verdict record");
    json_object_set_new(root, "reason", text_value(d->reason));
    json_object_set_new(root, "rules", rules);
    json_object_set_new(root, "lang", str_or_null(c->ident.lang));
    json_object_set_new(root, "error", c->judge_error[0] ? text_value(c->judge_error) : json_null());
    if (c->id)
        json_object_set_new(root, "call", json_integer(c->id));
    /* the learning classifier's probability and the campaign matched (docs/learning.md) */
    json_object_set_new(root, "bayes", c->bayes_scored ? json_real(c->bayes_prob) : json_null());
    json_object_set_new(root, "model", c->pfacts.model_scored ? json_real(c->pfacts.model_prob) : json_null());
    json_object_set_new(root, "campaign",
                        c->pfacts.campaign_id ? json_pack("{s:I,s:b,s:b,s:s}", "id", (json_int_t)c->pfacts.campaign_id,
                                                          "junk", c->pfacts.campaign_junk, "released",
                                                          c->pfacts.campaign_released, "match",
                                                          c->pfacts.campaign_match)
                                              : json_null());
    *json = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    return *json ? FG_OK : fg_err_set(FG_ERR_NOMEM, "cannot serialise the verdict record");
}
