/* faxgate — policy: verdicts from thresholds, registries (block, consent, EBR), and the
 * violations each jurisdiction profile records, worded for a complaint form. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faxgate/classify.h"
#include "faxgate/config.h"
#include "faxgate/extract.h"
#include "faxgate/policy.h"
#include "testutil.h"
#include "policy_fixtures.h"

static void test_thresholds(void **state)
{
    fg_policy *p = make_policy(NULL);
    fg_ident id;
    fg_scores s;
    fg_decision d;

    (void)state;
    make_ad(&id);
    scores_of(&s, 2.0);
    assert_int_equal(fg_policy_decide(p, &s, &id, NULL, &d), FG_OK);
    assert_int_equal(d.verdict, FG_VERDICT_DELIVER);
    assert_false(d.is_ad);
    assert_int_equal(d.nv, 0);
    assert_int_equal(d.n_optout, 2);          /* us, fr by default */
    assert_true(compliant(&d, "us") && compliant(&d, "fr"));
    scores_of(&s, 5.0);                       /* at the hold threshold: an ad */
    assert_int_equal(fg_policy_decide(p, &s, &id, NULL, &d), FG_OK);
    assert_int_equal(d.verdict, FG_VERDICT_HOLD);
    assert_true(d.is_ad);
    assert_non_null(strstr(d.reason, "AD_PROMO_VOCAB"));
    scores_of(&s, 10.0);
    assert_int_equal(fg_policy_decide(p, &s, &id, NULL, &d), FG_OK);
    assert_int_equal(d.verdict, FG_VERDICT_DROP);
    assert_true(d.score == 10.0);
    /* a well-formed US ad without permission: only the TCPA itself is broken */
    assert_int_equal(d.nv, 1);
    assert_non_null(find_v(&d, "us", "47 USC 227(b)(1)(C)"));
    assert_non_null(strstr(d.v[0].detail, "SunWave Cruise Club"));
    assert_non_null(strstr(d.v[0].detail, "+18005550177"));
    /* the learned statistics may hold a page but not drop it: 7 from rules + 4 learned is held */
    scores_of(&s, 7.0);
    fg_scores_add(&s, "BAYES_90", 1.0, "test");
    fg_scores_add(&s, "BAYES_UNOPPOSED", 3.0, "test");
    assert_int_equal(fg_policy_decide(p, &s, &id, NULL, &d), FG_OK);
    assert_int_equal(d.verdict, FG_VERDICT_HOLD);
    assert_true(d.is_ad && d.score == 11.0);
    assert_non_null(strstr(d.reason, "without learned statistics"));
    assert_int_equal(d.nv, 1);               /* still an unsolicited ad on record */
    /* ... and a learned verdict against the ad does not stop the rules from dropping it */
    scores_of(&s, 12.0);
    fg_scores_add(&s, "BAYES_10", -1.0, "test");
    assert_int_equal(fg_policy_decide(p, &s, &id, NULL, &d), FG_OK);
    assert_int_equal(d.verdict, FG_VERDICT_DROP);
    fg_ident_clear(&id);
    fg_policy_free(p);
}

/* The learned model (lr.h) holds a page it flags when the rules alone reach model_hold (2.5), and
   drops one it is sure of when the rules alone reach model_drop (7): never on its own say, and never
   counting what the learned statistics added. */
static void test_learned_model(void **state)
{
    fg_policy *p = make_policy(NULL);
    fg_policy_facts f = {.model_scored = true, .model_prob = 0.93, .model_flag = true};
    fg_ident id;
    fg_scores s;
    fg_decision d;

    (void)state;
    make_ad(&id);
    scores_of(&s, 3.0);                       /* flagged, rules at 3: held by the model */
    assert_int_equal(fg_policy_decide(p, &s, &id, &f, &d), FG_OK);
    assert_int_equal(d.verdict, FG_VERDICT_HOLD);
    assert_true(d.is_ad);
    assert_non_null(strstr(d.reason, "learned model (p 0.930)"));
    assert_int_equal(d.nv, 1);                /* an ad on record, as the rules' holds are */
    scores_of(&s, 2.0);                       /* rules below model_hold: the model alone decides nothing */
    assert_int_equal(fg_policy_decide(p, &s, &id, &f, &d), FG_OK);
    assert_int_equal(d.verdict, FG_VERDICT_DELIVER);
    assert_false(d.is_ad);
    scores_of(&s, 2.0);                       /* nor with the learned statistics' help */
    fg_scores_add(&s, "BAYES_UNOPPOSED", 0.5, "test");
    assert_int_equal(fg_policy_decide(p, &s, &id, &f, &d), FG_OK);
    assert_int_equal(d.verdict, FG_VERDICT_DELIVER);
    scores_of(&s, 8.0);                       /* flagged, not sure: rules 8 hold as before */
    assert_int_equal(fg_policy_decide(p, &s, &id, &f, &d), FG_OK);
    assert_int_equal(d.verdict, FG_VERDICT_HOLD);
    f.model_sure = true;
    f.model_prob = 0.995;                     /* sure, rules 8 >= 7: the two agree, dropped */
    assert_int_equal(fg_policy_decide(p, &s, &id, &f, &d), FG_OK);
    assert_int_equal(d.verdict, FG_VERDICT_DROP);
    assert_non_null(strstr(d.reason, "the rules (8.0 >= 7.0) and the learned model (p 0.995, sure) agree"));
    scores_of(&s, 6.5);                       /* sure, rules 6.5: held */
    assert_int_equal(fg_policy_decide(p, &s, &id, &f, &d), FG_OK);
    assert_int_equal(d.verdict, FG_VERDICT_HOLD);
    scores_of(&s, 4.0);                       /* sure, rules 4 + 4.5 learned = 8.5: still only held */
    fg_scores_add(&s, "BAYES_UNOPPOSED", 4.5, "test");
    assert_int_equal(fg_policy_decide(p, &s, &id, &f, &d), FG_OK);
    assert_int_equal(d.verdict, FG_VERDICT_HOLD);
    fg_policy_free(p);                        /* model_drop below hold means hold: the rules must agree */
    p = make_policy("[classify]\nmodel_drop = 3\n");
    scores_of(&s, 4.0);
    assert_int_equal(fg_policy_decide(p, &s, &id, &f, &d), FG_OK);
    assert_int_equal(d.verdict, FG_VERDICT_HOLD);
    scores_of(&s, 5.0);
    assert_int_equal(fg_policy_decide(p, &s, &id, &f, &d), FG_OK);
    assert_int_equal(d.verdict, FG_VERDICT_DROP);
    fg_ident_clear(&id);
    fg_policy_free(p);
}

/* A copy of a campaign marked junk is dropped; one of a released campaign is delivered unless,
   without the release, it reaches the drop threshold. */
static void test_campaigns(void **state)
{
    fg_policy *p = make_policy(NULL);
    fg_policy_facts f = {0};
    fg_ident id;
    fg_scores s;
    fg_decision d;

    (void)state;
    make_ad(&id);
    f.campaign_id = 7;
    snprintf(f.campaign_match, sizeof f.campaign_match, "campaign 7 (Harbor Dental Supply, 2 faxes, 93 %% alike)");
    f.campaign_junk = true;
    scores_of(&s, 1.0);
    assert_int_equal(fg_policy_decide(p, &s, &id, &f, &d), FG_OK);
    assert_int_equal(d.verdict, FG_VERDICT_DROP);
    assert_true(d.is_ad);
    assert_non_null(strstr(d.reason, "junk campaign: campaign 7"));

    f.campaign_junk = false;
    f.campaign_released = true;
    scores_of(&s, 9.1);                       /* a supplier's price list the operator released */
    fg_scores_add(&s, "CAMPAIGN_RELEASED", -4.0, "test");
    assert_int_equal(fg_policy_decide(p, &s, &id, &f, &d), FG_OK);
    assert_int_equal(d.verdict, FG_VERDICT_DELIVER);
    assert_non_null(strstr(d.reason, "released campaign: campaign 7"));
    scores_of(&s, 9.1);                       /* the statistics still call it an ad: the release stands */
    fg_scores_add(&s, "BAYES_UNOPPOSED", 4.5, "test");
    fg_scores_add(&s, "CAMPAIGN_RELEASED", -4.0, "test");
    assert_int_equal(fg_policy_decide(p, &s, &id, &f, &d), FG_OK);
    assert_int_equal(d.verdict, FG_VERDICT_DELIVER);
    scores_of(&s, 12.0);                      /* grown aggressive since: held again, not dropped */
    fg_scores_add(&s, "CAMPAIGN_RELEASED", -4.0, "test");
    assert_int_equal(fg_policy_decide(p, &s, &id, &f, &d), FG_OK);
    assert_int_equal(d.verdict, FG_VERDICT_HOLD);
    fg_ident_clear(&id);
    fg_policy_free(p);
}

static void test_us_optout_and_header(void **state)
{
    fg_policy *p = make_policy(NULL);
    fg_ident id;
    fg_scores s;
    fg_decision d;
    const fg_violation *v;

    (void)state;
    scores_of(&s, 7.0);
    make_ad(&id);
    free(id.optout.text);
    memset(&id.optout, 0, sizeof id.optout);
    assert_int_equal(fg_policy_decide(p, &s, &id, NULL, &d), FG_OK);
    assert_non_null(v = find_v(&d, "us", "47 CFR 64.1200(a)(4)(iii)"));
    assert_string_equal(v->detail, "no opt-out notice on page 1");
    assert_non_null(v = find_v(&d, "fr", "CPCE L34-5 (objection)"));
    assert_false(compliant(&d, "us"));
    fg_ident_clear(&id);

    /* premium-rate opt-out phone, no fax number, no 30-day wording */
    make_ad(&id);
    snprintf(id.optout.phone, sizeof id.optout.phone, "+19005550125");
    id.optout.fax[0] = '\0';
    id.optout.premium = true;
    id.optout.free_of_charge = id.optout.mentions_30_days = id.optout.mentions_unlawful = false;
    add_number(&id, "+19005550125", FG_NUM_VOICE | FG_NUM_PREMIUM | FG_NUM_OPTOUT);
    id.numbers[1].kind &= ~FG_NUM_OPTOUT;
    id.numbers[2].kind &= ~FG_NUM_OPTOUT;
    assert_int_equal(fg_policy_decide(p, &s, &id, NULL, &d), FG_OK);
    assert_non_null(v = find_v(&d, "us", "47 CFR 64.1200(a)(4)(iii)"));
    assert_non_null(strstr(v->detail, "no domestic fax number"));
    assert_non_null(strstr(v->detail, "30 days is unlawful"));
    assert_non_null(strstr(v->detail, "opt-out number +19005550125 is premium-rate"));
    assert_non_null(v = find_v(&d, "fr", "CPCE L34-5 (objection)"));
    assert_non_null(strstr(v->detail, "+19005550125 is premium-rate"));
    fg_ident_clear(&id);

    /* a foreign opt-out fax number is not domestic */
    make_ad(&id);
    snprintf(id.optout.fax, sizeof id.optout.fax, "+442079460018");
    assert_int_equal(fg_policy_decide(p, &s, &id, NULL, &d), FG_OK);
    assert_non_null(v = find_v(&d, "us", "47 CFR 64.1200(a)(4)(iii)"));
    assert_non_null(strstr(v->detail, "+442079460018 is not a domestic number"));
    fg_ident_clear(&id);

    /* header: missing, then incomplete */
    make_ad(&id);
    free(id.header.text);
    free(id.header.date);
    free(id.header.time);
    free(id.header.name);
    memset(&id.header, 0, sizeof id.header);
    assert_int_equal(fg_policy_decide(p, &s, &id, NULL, &d), FG_OK);
    assert_non_null(v = find_v(&d, "us", "47 CFR 68.318(d)"));
    assert_non_null(strstr(v->detail, "no transmit identification"));
    id.header.present = true;
    id.header.date = strdup("11/27/2026");
    id.header.name = strdup("FAXBLAST");
    assert_int_equal(fg_policy_decide(p, &s, &id, NULL, &d), FG_OK);
    assert_non_null(v = find_v(&d, "us", "47 CFR 68.318(d)"));
    assert_string_equal(v->detail, "transmit header line lacks the time; the sender's telephone number");
    fg_ident_clear(&id);
    fg_policy_free(p);
}

static void test_registries(void **state)
{
    fg_policy *p = make_policy(NULL);
    fg_ident id;
    fg_scores s;
    fg_decision d;
    fg_policy_facts f;

    (void)state;
    make_ad(&id);
    scores_of(&s, 12.0);
    /* consent: delivered, and no violation at all */
    memset(&f, 0, sizeof f);
    f.consent = true;
    snprintf(f.consent_basis, sizeof f.consent_basis, "consent");
    snprintf(f.consent_match, sizeof f.consent_match, "number +18005550177");
    assert_int_equal(fg_policy_decide(p, &s, &id, &f, &d), FG_OK);
    assert_int_equal(d.verdict, FG_VERDICT_DELIVER);
    assert_true(d.is_ad);
    assert_int_equal(d.nv, 0);
    assert_non_null(strstr(d.reason, "consent on file: number +18005550177"));

    /* EBR with a compliant notice: delivered, no violation */
    snprintf(f.consent_basis, sizeof f.consent_basis, "ebr");
    assert_int_equal(fg_policy_decide(p, &s, &id, &f, &d), FG_OK);
    assert_int_equal(d.verdict, FG_VERDICT_DELIVER);
    assert_int_equal(d.nv, 0);
    /* EBR with a notice lacking the fax number: still delivered, but the notice is a violation */
    id.optout.fax[0] = '\0';
    assert_int_equal(fg_policy_decide(p, &s, &id, &f, &d), FG_OK);
    assert_int_equal(d.verdict, FG_VERDICT_DELIVER);
    assert_null(find_v(&d, "us", "47 USC 227(b)(1)(C)"));
    assert_non_null(find_v(&d, "us", "47 CFR 64.1200(a)(4)(iii)"));
    assert_non_null(strstr(find_v(&d, "us", "47 CFR 64.1200(a)(4)(iii)")->detail, "no domestic fax number"));

    /* blocked: dropped whatever the score, and the entry is named */
    memset(&f, 0, sizeof f);
    f.blocked = true;
    snprintf(f.block_match, sizeof f.block_match, "TSI FAXBLAST");
    scores_of(&s, 0.0);
    assert_int_equal(fg_policy_decide(p, &s, &id, &f, &d), FG_OK);
    assert_int_equal(d.verdict, FG_VERDICT_DROP);
    assert_non_null(strstr(d.reason, "TSI FAXBLAST"));
    assert_int_equal(d.nv, 0);                        /* not an ad: nothing to report */
    scores_of(&s, 7.0);
    assert_int_equal(fg_policy_decide(p, &s, &id, &f, &d), FG_OK);
    assert_int_equal(d.verdict, FG_VERDICT_DROP);
    assert_non_null(find_v(&d, "us", "47 USC 227(b)(1)(C)"));   /* still evidence */
    fg_ident_clear(&id);
    fg_policy_free(p);
}

static void test_france(void **state)
{
    fg_policy *biz = make_policy("[policy]\nprofiles = fr\n[site]\nline_owner = business\n");
    fg_policy *person = make_policy("[policy]\nprofiles = fr\n[site]\nline_owner = person\n");
    fg_ident id;
    fg_scores s;
    fg_decision d;
    fg_policy_facts f;
    const fg_violation *v;

    (void)state;
    make_ad(&id);
    scores_of(&s, 8.0);
    assert_int_equal(fg_policy_decide(biz, &s, &id, NULL, &d), FG_OK);
    assert_int_equal(d.nv, 0);                        /* a company's line: opt-out regime */
    assert_int_equal(d.n_optout, 1);
    assert_int_equal(fg_policy_decide(person, &s, &id, NULL, &d), FG_OK);
    assert_non_null(v = find_v(&d, "fr", "CPCE L34-5 (consent)"));
    assert_non_null(strstr(v->detail, "natural person"));
    memset(&f, 0, sizeof f);
    f.line_is_person = true;                          /* the registry may know better than the config */
    assert_int_equal(fg_policy_decide(biz, &s, &id, &f, &d), FG_OK);
    assert_non_null(find_v(&d, "fr", "CPCE L34-5 (consent)"));
    /* a customer relationship is not consent for fax in France */
    f.consent = true;
    snprintf(f.consent_basis, sizeof f.consent_basis, "ebr");
    assert_int_equal(fg_policy_decide(biz, &s, &id, &f, &d), FG_OK);
    assert_int_equal(d.verdict, FG_VERDICT_DELIVER);
    assert_non_null(find_v(&d, "fr", "CPCE L34-5 (consent)"));

    /* identity concealed; premium-rate opt-out number */
    free(id.adv_name);
    id.adv_name = NULL;
    id.optout.premium = true;
    add_number(&id, "+33892680000", FG_NUM_VOICE | FG_NUM_PREMIUM | FG_NUM_OPTOUT);
    assert_int_equal(fg_policy_decide(biz, &s, &id, NULL, &d), FG_OK);
    assert_non_null(find_v(&d, "fr", "CPCE L34-5 (identity)"));
    assert_non_null(v = find_v(&d, "fr", "CPCE L34-5 (objection)"));
    assert_non_null(strstr(v->detail, "+33892680000 is premium-rate"));
    assert_false(compliant(&d, "fr"));
    fg_ident_clear(&id);
    fg_policy_free(biz);
    fg_policy_free(person);
}

static void test_germany(void **state)
{
    fg_policy *p = make_policy("[policy]\nprofiles = de\n");
    fg_ident id;
    fg_scores s;
    fg_decision d;

    (void)state;
    make_ad(&id);
    scores_of(&s, 8.0);
    assert_int_equal(fg_policy_decide(p, &s, &id, NULL, &d), FG_OK);
    assert_non_null(find_v(&d, "de", "UWG §7(2) Nr. 2"));   /* consent from businesses too */
    assert_int_equal(d.nv, 1);
    fg_ident_clear(&id);
    fg_policy_free(p);
}

/* UWG §7(2) Nr. 3: the sender must not conceal who it is, and a stop request must be possible at
   no more than basic rates. Each rule: a fax that breaks it, and (test_germany) one that meets it. */
static void test_germany_identity_and_stop(void **state)
{
    fg_policy *p = make_policy("[policy]\nprofiles = de\n");
    const fg_violation *v;
    fg_ident id;
    fg_scores s;
    fg_decision d;

    (void)state;
    scores_of(&s, 8.0);
    /* no name, no web site, no e-mail: identity concealed */
    make_ad(&id);
    free(id.adv_name);
    id.adv_name = NULL;
    assert_int_equal(fg_policy_decide(p, &s, &id, NULL, &d), FG_OK);
    assert_non_null(v = find_v(&d, "de", "UWG §7(2) Nr. 3"));
    assert_non_null(strstr(v->detail, "identity is concealed"));
    fg_ident_clear(&id);
    /* a name, but no way to object */
    make_ad(&id);
    id.optout.present = false;
    assert_int_equal(fg_policy_decide(p, &s, &id, NULL, &d), FG_OK);
    assert_non_null(v = find_v(&d, "de", "UWG §7(2) Nr. 3"));
    assert_non_null(strstr(v->detail, "no address for stop requests"));
    fg_ident_clear(&id);
    /* a stop request only through a premium-rate number */
    make_ad(&id);
    id.optout.premium = true;
    add_number(&id, "+499001234567", FG_NUM_VOICE | FG_NUM_PREMIUM | FG_NUM_OPTOUT);
    assert_int_equal(fg_policy_decide(p, &s, &id, NULL, &d), FG_OK);
    assert_non_null(v = find_v(&d, "de", "UWG §7(2) Nr. 3"));
    assert_non_null(strstr(v->detail, "costs more than the basic rate"));
    assert_non_null(strstr(v->detail, "+499001234567"));
    fg_ident_clear(&id);
    fg_policy_free(p);
}

static void test_names_and_config(void **state)
{
    fg_verdict v;
    fg_config *cfg;
    fg_policy *p;
    const char *const *names = fg_policy_profiles();
    const fg_profile_info *info;

    (void)state;
    assert_string_equal(fg_verdict_name(FG_VERDICT_DELIVER), "deliver");
    assert_string_equal(fg_verdict_name(FG_VERDICT_HOLD), "hold");
    assert_string_equal(fg_verdict_name(FG_VERDICT_DROP), "drop");
    assert_int_equal(fg_verdict_parse("Hold", &v), FG_OK);
    assert_int_equal(v, FG_VERDICT_HOLD);
    assert_int_equal(fg_verdict_parse("drop", &v), FG_OK);
    assert_int_equal(v, FG_VERDICT_DROP);
    assert_int_equal(fg_verdict_parse("burn", &v), FG_ERR_FORMAT);
    assert_int_equal(fg_verdict_parse(NULL, &v), FG_ERR_INVAL);
    assert_string_equal(names[0], "us");
    assert_string_equal(names[1], "fr");
    for (; *names; names++) {
        assert_non_null(info = fg_policy_profile_info(*names));
        assert_true(strlen(info->law) > 10 && !strncmp(info->url, "https://", 8) && strlen(info->checks) > 10);
    }
    assert_null(fg_policy_profile_info("narnia"));

    assert_int_equal(fg_config_new(&cfg), FG_OK);
    assert_int_equal(fg_config_set(cfg, "policy", "profiles", "us, narnia"), FG_ERR_CONFIG);
    assert_int_equal(fg_config_set(cfg, "classify", "hold", "12"), FG_OK);
    assert_int_equal(fg_policy_new(cfg, &p), FG_ERR_CONFIG);   /* drop 10 below hold 12 */
    assert_non_null(strstr(fg_err_msg(FG_ERR_CONFIG), "drop"));
    assert_int_equal(fg_config_set(cfg, "classify", "hold", "5"), FG_OK);
    assert_int_equal(fg_config_set(cfg, "policy", "on_error", "hold"), FG_OK);
    assert_int_equal(fg_config_set(cfg, "policy", "profiles", "US,fr,us"), FG_OK);
    assert_int_equal(fg_policy_new(cfg, &p), FG_OK);
    assert_int_equal(fg_policy_on_error(p), FG_VERDICT_HOLD);
    {
        fg_decision d;

        assert_int_equal(fg_policy_decide(p, NULL, NULL, NULL, &d), FG_OK);   /* nothing known: deliver */
        assert_int_equal(d.verdict, FG_VERDICT_DELIVER);
        assert_int_equal(d.n_optout, 2);                                     /* duplicates merged */
        assert_int_equal(fg_policy_decide(p, NULL, NULL, NULL, NULL), FG_ERR_INVAL);
        assert_int_equal(fg_policy_decide(NULL, NULL, NULL, NULL, &d), FG_ERR_INVAL);
    }
    fg_policy_free(p);
    fg_policy_free(NULL);
    fg_config_free(cfg);
}

/* From text to violations, as a complaint form would need them. */
static void test_end_to_end(void **state)
{
    static const char text[] =
        "# FREE GOVERNMENT MONEY!\nOver $30 Billion in grants unclaimed every year! Act now!\n"
        "Call now to get your FREE list: 1-900-555-0166 ($3.99 per minute)\n"
        "To be removed call 1-900-555-0167.\n";
    fg_policy *p = make_policy(NULL);
    fg_words *w;
    fg_ident id;
    fg_scores s;
    fg_decision d;
    const fg_violation *v;

    (void)state;
    assert_int_equal(fg_words_from_text(text, strlen(text), &w), FG_OK);
    memset(&id, 0, sizeof id);
    assert_int_equal(fg_extract(w, "US", &id), FG_OK);
    assert_int_equal(fg_classify(w, &id, NULL, &s), FG_OK);
    assert_int_equal(fg_policy_decide(p, &s, &id, NULL, &d), FG_OK);
    assert_true(d.is_ad);
    assert_string_equal(id.callback, "+19005550166");
    assert_non_null(find_v(&d, "us", "47 USC 227(b)(1)(C)"));
    assert_non_null(v = find_v(&d, "us", "47 CFR 64.1200(a)(4)(iii)"));
    assert_non_null(strstr(v->detail, "+19005550167 is premium-rate"));
    assert_non_null(strstr(v->detail, "no domestic fax number"));
    assert_non_null(find_v(&d, "us", "47 CFR 68.318(d)"));
    assert_non_null(find_v(&d, "fr", "CPCE L34-5 (objection)"));
    for (int i = 0; i < d.nv; i++)
        printf("# %s %s: %s\n", d.v[i].profile, d.v[i].rule, d.v[i].detail);
    fg_ident_clear(&id);
    fg_words_free(w);
    fg_policy_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_thresholds), cmocka_unit_test(test_learned_model), cmocka_unit_test(test_campaigns), cmocka_unit_test(test_us_optout_and_header),
        cmocka_unit_test(test_registries), cmocka_unit_test(test_france),
        cmocka_unit_test(test_germany),
        cmocka_unit_test(test_germany_identity_and_stop), cmocka_unit_test(test_names_and_config),
        cmocka_unit_test(test_end_to_end),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
