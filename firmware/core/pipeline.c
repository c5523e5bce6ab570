/* faxgate — the judging half of the call loop: OCR → extract → classify (rules, then the
 * learning classifier) → registries and campaigns → policy.
 *
 * A stage that fails must not cost the recipient a real fax: the call gets the fail-safe
 * verdict from [policy] on_error and the reason is recorded with it. The learning classifier
 * and campaign recognition only add evidence: when they fail, the rules' verdict stands and
 * the failure shows as a score of weight 0 (BAYES_ERROR, CAMPAIGN_ERROR).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "call_impl.h"
#include "faxgate/bands.h"
#include "faxgate/campaign.h"
#include "faxgate/learn.h"
#include "faxgate/lr.h"
#include "faxgate/pipeline.h"

struct fg_pipeline {
    char country[3];
    fg_policy *policy;
    fg_store *st;              /* may be NULL: no consent or block lists */
    fg_verdict on_error;
    fg_learn *learn;           /* NULL: [classify] bayes = no */
    bool campaigns;            /* [classify] campaigns */
    const fg_lr_model *model;  /* NULL: [classify] model = no, or built without one */
};

/* A copy of a campaign an operator released was wanted once: the policy delivers it unless its
   score without the release reaches the drop threshold (a released campaign grown aggressive is
   held again). The weight lowers the score on record accordingly; like the junk weight, it
   explains the policy's decision. */
#define CAMPAIGN_JUNK_WEIGHT 3.0
#define CAMPAIGN_RELEASED_WEIGHT (-4.0)

fg_err fg_pipeline_new(const fg_config *cfg, fg_store *st, fg_pipeline **out)
{
    fg_pipeline *p = calloc(1, sizeof *p);
    fg_err e;

    if (!p)
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate the pipeline");
    if ((e = fg_policy_new(cfg, &p->policy))) {
        free(p);
        return e;
    }
    snprintf(p->country, sizeof p->country, "%s", fg_config_get(cfg, "site", "country"));
    p->on_error = !strcmp(fg_config_get(cfg, "policy", "on_error"), "hold") ? FG_VERDICT_HOLD
                                                                             : FG_VERDICT_DELIVER;
    p->st = st;
    p->campaigns = fg_config_bool(cfg, "classify", "campaigns");
    p->model = fg_config_bool(cfg, "classify", "model") ? fg_lr_builtin() : NULL;
    if ((e = fg_learn_new(cfg, &p->learn))) {
        fg_policy_free(p->policy);
        free(p);
        return e;
    }
    *out = p;
    return FG_OK;
}

void fg_pipeline_free(fg_pipeline *p)
{
    if (!p)
        return;
    fg_policy_free(p->policy);
    fg_learn_free(p->learn);
    free(p);
}

static void now_mono(struct timespec *t)
{
    clock_gettime(CLOCK_MONOTONIC, t);
}

bool fg_pipeline_bands_read(fg_call *c)
{
    return c->bands && !c->words && !c->text && !c->bands_error[0] && fg_bandset_read_all(c->bands, c->page1);
}

fg_err fg_pipeline_read_bands(fg_call *c, fg_ocr *ocr)
{
    fg_err e;

    if (!c->bands || !c->page1 || c->words || c->text || c->bands_error[0])
        return fg_err_set(FG_ERR_STATE, "page 1 has no bands to read");
    /* what is left, then the words in band order */
    if ((e = fg_bandset_finish(c->bands, ocr, c->page1, &c->words)))
        snprintf(c->bands_error, sizeof c->bands_error, "%s", fg_err_msg(e));
    return e;
}

/* Words of page 1: the given text, its bands (read while it arrived), or OCR of the page in memory. */
static fg_err read_page1(fg_ocr *ocr, fg_call *c)
{
    if (c->text)
        return fg_words_from_text(c->text, strlen(c->text), &c->words);
    if (c->words)
        return FG_OK;   /* assembled from its bands already (fg_pipeline_read_bands) */
    if (!c->page1)
        return fg_err_set(FG_ERR_STATE, "no page 1 to read");
    if (!ocr)
        return fg_err_set(FG_ERR_OCR, "no OCR engine available for page 1");
    if (c->bands && !c->bands_error[0] && fg_pipeline_read_bands(c, ocr) == FG_OK)
        return FG_OK;
    return fg_ocr_page(ocr, c->page1, &c->words);   /* bands failed (the reason is kept) or none */
}

/* Fail safe: keep the fax (deliver or hold, as configured) and say which stage failed. */
static void fail_open(fg_pipeline *p, fg_call *c, const char *stage, fg_err e)
{
    snprintf(c->judge_error, sizeof c->judge_error, "%s failed: %s", stage, fg_err_msg(e));
    c->decision.verdict = p->on_error;
    snprintf(c->decision.reason, sizeof c->decision.reason, "%s; %s without judgement", c->judge_error,
             p->on_error == FG_VERDICT_HOLD ? "held" : "delivered");
}

/* The learning classifier's band score (learn.h), from the site's counts and the starter model. */
static void learn_score(fg_pipeline *p, fg_call *c)
{
    fg_tokens *t = NULL;
    fg_learn_result r;
    fg_err e;

    c->bayes_scored = false;
    if (!p->learn)
        return;
    if ((e = fg_learn_tokens(c->words, &c->ident, NULL, &t)) || (e = fg_learn_score(p->learn, p->st, t, &r))) {
        fg_scores_add(&c->scores, "BAYES_ERROR", 0, "learning classifier skipped: %s", fg_err_msg(e));
    } else {
        c->bayes_scored = r.scored;
        c->bayes_prob = r.prob;
        fg_learn_add_score(&r, &c->ident, &c->scores);
    }
    fg_tokens_free(t);
}

/* The learned model's say (lr.h): a fact for the policy and a score of weight 0 on record that
   explains it. It reads the named rules, never the learned scores; a failure leaves the rules'
   verdict as it is (MODEL_ERROR). */
static void model_score(fg_pipeline *p, fg_call *c)
{
    const fg_lr_model *m = p->model;
    fg_policy_facts *f = &c->pfacts;
    double z;
    fg_err e;

    if (!m)
        return;
    if ((e = fg_lr_model_score(m, c->words, &c->ident, &c->scores, &z, &f->model_prob))) {
        fg_scores_add(&c->scores, "MODEL_ERROR", 0, "learned model skipped: %s", fg_err_msg(e));
        return;
    }
    f->model_scored = true;
    f->model_flag = z > m->hold_logit;
    f->model_sure = z > m->sure_logit;
    if (f->model_flag)
        fg_scores_add(&c->scores, f->model_sure ? "MODEL_SURE" : "MODEL_AD", 0,
                      "learned model: p %.3f, logit %.2f above its %s line %.2f", f->model_prob, z,
                      f->model_sure ? "sure" : "hold", f->model_sure ? m->sure_logit : m->hold_logit);
}

/* The fingerprint of page 1 and the stored campaign it belongs to, if any (campaign.h). */
static void campaign_match(fg_pipeline *p, fg_call *c)
{
    fg_campaign_match m;
    fg_err e;

    memset(&c->fp, 0, sizeof c->fp);
    if (!p->campaigns)
        return;
    if ((e = fg_campaign_fingerprint(c->words, &c->ident, &c->fp))) {
        fg_scores_add(&c->scores, "CAMPAIGN_ERROR", 0, "campaign recognition skipped: %s", fg_err_msg(e));
        return;
    }
    if (c->fp.shingles < FG_CAMPAIGN_MIN_SHINGLES) {
        c->fp.shingles = 0;   /* too little text to tell one campaign from another */
        return;
    }
    if (!p->st)
        return;
    if ((e = fg_store_campaign_match(p->st, &c->fp, &m))) {
        fg_scores_add(&c->scores, "CAMPAIGN_ERROR", 0, "campaign recognition skipped: %s", fg_err_msg(e));
        return;
    }
    if (!m.id)
        return;
    c->pfacts.campaign_id = m.id;
    snprintf(c->pfacts.campaign_match, sizeof c->pfacts.campaign_match, "campaign %lld (%.60s%s%d fax%s, %.0f %% alike)",
             (long long)m.id, m.advertiser, m.advertiser[0] ? ", " : "", m.count, m.count == 1 ? "" : "es",
             100 * m.similarity);
    if (!strcmp(m.state, "junk")) {
        c->pfacts.campaign_junk = true;
        fg_scores_add(&c->scores, "CAMPAIGN_JUNK", CAMPAIGN_JUNK_WEIGHT, "a copy of %s, marked junk",
                      c->pfacts.campaign_match);
    } else if (!strcmp(m.state, "released")) {
        c->pfacts.campaign_released = true;
        fg_scores_add(&c->scores, "CAMPAIGN_RELEASED", CAMPAIGN_RELEASED_WEIGHT, "a copy of %s, released by an operator",
                      c->pfacts.campaign_match);
    }
}

fg_err fg_pipeline_judge(fg_pipeline *p, fg_ocr *ocr, fg_call *c)
{
    return fg_pipeline_judge_report(p, ocr, c, NULL);
}

fg_err fg_pipeline_judge_report(fg_pipeline *p, fg_ocr *ocr, fg_call *c, fg_judge_report *r)
{
    struct timespec t0, t1, t2;
    fg_facts facts;
    fg_err e;

    now_mono(&t0);
    if (!c->t_page1.tv_sec && !c->t_page1.tv_nsec)
        c->t_page1 = t0;   /* a scan: latency counts from now */
    if (c->caller_id[0] && !c->caller_e164[0]) {
        unsigned kind = 0;

        if (fg_phone_e164(c->caller_id, p->country, c->caller_e164, &kind) != FG_OK)
            c->caller_e164[0] = '\0';   /* a caller ID that is not a number stays as given */
    }

    e = read_page1(ocr, c);
    now_mono(&t1);
    c->ms_ocr = fg_ms_between(&t0, &t1);
    if (e) {
        fail_open(p, c, c->text ? "reading the text" : "OCR of page 1", e);
        goto done;
    }
    fg_ident_clear(&c->ident);
    if ((e = fg_extract(c->words, p->country, &c->ident))) {
        fail_open(p, c, "extraction", e);
        goto done;
    }
    facts = (fg_facts){
        .tsi = c->t30.tsi_seen ? c->t30.tsi : NULL,
        .caller_id = c->caller_e164[0] ? c->caller_e164 : (c->caller_id[0] ? c->caller_id : NULL),
        .nsf_vendor = c->t30.nsf_vendor[0] ? c->t30.nsf_vendor : NULL,
        .pages = c->npages,
    };
    if ((e = fg_classify(c->words, &c->ident, &facts, &c->scores))) {
        fail_open(p, c, "classification", e);
        goto done;
    }
    learn_score(p, c);
    memset(&c->pfacts, 0, sizeof c->pfacts);
    c->pfacts.received = c->started;
    snprintf(c->pfacts.called, sizeof c->pfacts.called, "%s", c->called);
    if (p->st && (e = fg_store_lookup(p->st, c, &c->pfacts))) {
        /* Without the registries a consented sender could be held: hold is safe, dropping is not. */
        fail_open(p, c, "consent/block lookup", e);
        goto done;
    }
    campaign_match(p, c);
    model_score(p, c);
    if ((e = fg_policy_decide(p->policy, &c->scores, &c->ident, &c->pfacts, &c->decision))) {
        fail_open(p, c, "policy", e);
        goto done;
    }
done:
    now_mono(&t2);
    c->ms_judge = fg_ms_between(&t1, &t2);
    c->ms_total = fg_ms_between(&c->t_page1, &t2);
    if (r) {
        memset(r, 0, sizeof *r);
        r->call_id = c->id;
        r->verdict = fg_verdict_name(c->decision.verdict);
        r->had_bands = fg_call_bands_stats(c, &r->bands);
        snprintf(r->bands_error, sizeof r->bands_error, "%s", c->bands_error);
    }
    /* Page 1's image is of no more use once judged: freed now rather than when the call ends (a
       long fax would hold it, half a megabyte at fine resolution, while its other pages arrive). */
    fg_call_set_page1(c, NULL);
    fg_call_mark_judged(c);   /* from here on the call may be gone */
    return e;
}
