/* faxgate — the jurisdiction profiles rule by rule (../shared/docs/jurisdictions.md): for each,
 * faxes that break a rule and faxes that meet it; the receiving number's own rules ([number]
 * sections: profiles, line owner, registers); hours in the line's time zone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "faxgate/classify.h"
#include "faxgate/config.h"
#include "faxgate/extract.h"
#include "faxgate/policy.h"
#include "testutil.h"
#include "policy_fixtures.h"

/* A local time in the zone TZ names (set by main): "2026-12-08 22:00" -> time_t. */
static time_t local_at(const char *when)
{
    struct tm tm = {0};

    assert_non_null(strptime(when, "%Y-%m-%d %H:%M", &tm));
    tm.tm_isdst = -1;
    return mktime(&tm);
}

/* Decides an ad of score 8 (held, an advertisement) received at `when` on number `called`. */
static void decide(const fg_policy *p, const fg_ident *id, const char *called, const char *when, fg_decision *d)
{
    fg_policy_facts f = {0};
    fg_scores s;

    scores_of(&s, 8.0);
    snprintf(f.called, sizeof f.called, "%s", called ? called : "");
    f.received = when ? local_at(when) : 0;
    assert_int_equal(fg_policy_decide(p, &s, id, &f, d), FG_OK);
    assert_true(d->is_ad);
}

static int count_profile(const fg_decision *d, const char *profile)
{
    int n = 0;

    for (int i = 0; i < d->nv; i++)
        n += !strcmp(d->v[i].profile, profile);
    return n;
}

/* US: a perfect opt-out notice does not make an unsolicited fax lawful; consent does. */
static void test_us_perfect_notice_no_consent(void **state)
{
    fg_policy *p = make_policy("[policy]\nprofiles = us\n");
    fg_policy_facts f = {0};
    const fg_violation *v;
    fg_ident id;
    fg_scores s;
    fg_decision d;

    (void)state;
    make_ad(&id);
    decide(p, &id, NULL, NULL, &d);
    assert_true(compliant(&d, "us"));
    assert_int_equal(d.nv, 1);
    assert_non_null(v = find_v(&d, "us", "47 USC 227(b)(1)(C)"));
    assert_non_null(strstr(v->detail, "without prior express permission"));
    scores_of(&s, 8.0);
    f.consent = true;
    snprintf(f.consent_basis, sizeof f.consent_basis, "consent");
    assert_int_equal(fg_policy_decide(p, &s, &id, &f, &d), FG_OK);
    assert_int_equal(d.nv, 0);
    assert_int_equal(d.verdict, FG_VERDICT_DELIVER);
    fg_ident_clear(&id);
    fg_policy_free(p);
}

/* France (CPCE L34-5, CNIL): consent from natural persons, even at work; a company's line is
   under the opt-out regime whatever the offer (the "related to the profession" tolerance is
   CNIL's rule for e-mail, not fax: jurisdictions.md), so there only identity and a free way to
   object are checked. */
static void test_france_company_line(void **state)
{
    fg_policy *biz = make_policy("[policy]\nprofiles = fr\n[site]\nline_owner = business\n");
    fg_policy *doctor = make_policy("[policy]\nprofiles = fr\n[site]\nline_owner = person\n");
    const fg_violation *v;
    fg_ident id;
    fg_decision d;

    (void)state;
    /* an offer unrelated to the company's trade with no way to object: a violation */
    make_ad(&id);
    id.optout.present = false;
    decide(biz, &id, NULL, NULL, &d);
    assert_non_null(v = find_v(&d, "fr", "CPCE L34-5 (objection)"));
    assert_non_null(strstr(v->detail, "no way to object"));
    assert_null(find_v(&d, "fr", "CPCE L34-5 (consent)"));
    assert_string_equal(d.line_type, "business");
    fg_ident_clear(&id);
    /* related to its trade, with an opt-out: none */
    make_ad(&id);
    decide(biz, &id, NULL, NULL, &d);
    assert_int_equal(d.nv, 0);
    /* a doctor's own line is a natural person's, even about medical supplies: consent needed */
    decide(doctor, &id, NULL, NULL, &d);
    assert_non_null(find_v(&d, "fr", "CPCE L34-5 (consent)"));
    assert_string_equal(d.line_type, "person");
    fg_ident_clear(&id);
    fg_policy_free(biz);
    fg_policy_free(doctor);
}

static void test_eu_baseline(void **state)
{
    fg_policy *biz = make_policy("[policy]\nprofiles = eu\n");
    fg_policy *person = make_policy("[policy]\nprofiles = eu\n[site]\nline_owner = person\n");
    const fg_violation *v;
    fg_ident id;
    fg_decision d;

    (void)state;
    make_ad(&id);
    decide(biz, &id, NULL, NULL, &d);
    assert_int_equal(d.nv, 0);                       /* legal persons: national law decides */
    decide(person, &id, NULL, NULL, &d);
    assert_non_null(find_v(&d, "eu", "Directive 2002/58/EC art. 13(1)"));
    free(id.adv_name);
    id.adv_name = NULL;
    id.optout.present = false;
    decide(biz, &id, NULL, NULL, &d);
    assert_int_equal(count_profile(&d, "eu"), 2);    /* identity concealed, no address to object to */
    assert_non_null(v = find_v(&d, "eu", "Directive 2002/58/EC art. 13(4)"));
    assert_non_null(strstr(v->detail, "identity is concealed"));
    fg_ident_clear(&id);
    fg_policy_free(biz);
    fg_policy_free(person);
}

/* UK PECR: individuals need consent; a company may be faxed unless its number is on the FPS
   (in force 28 days after registration); every fax names the sender and an address or a
   freephone number (reg 24). */
static void test_uk(void **state)
{
    fg_policy *p = make_policy("[policy]\nprofiles = uk\n[site]\nline_owner = business\n"
                               "[number +442075550100]\nregistries = fps\nregistered = 2026-10-01\n"
                               "[number +441615550100]\nowner = person\n");
    const fg_violation *v;
    fg_ident id;
    fg_decision d;

    (void)state;
    make_ad(&id);                                     /* named, toll-free numbers */
    decide(p, &id, "+442075550199", "2026-12-08 11:00", &d);
    assert_int_equal(d.nv, 0);                        /* a company not on the FPS */
    decide(p, &id, "+442075550100", "2026-12-08 11:00", &d);
    assert_non_null(v = find_v(&d, "uk", "PECR reg 20(1)(d)"));
    assert_non_null(strstr(v->detail, "+442075550100 is listed on the Fax Preference Service"));
    assert_string_equal(d.called, "+442075550100");
    decide(p, &id, "+442075550100", "2026-10-20 11:00", &d);
    assert_null(find_v(&d, "uk", "PECR reg 20(1)(d)"));   /* 19 days after it was listed */
    decide(p, &id, "441615550100", "2026-12-08 11:00", &d);   /* national form from the trunk */
    assert_string_equal(d.called, "+441615550100");
    assert_non_null(find_v(&d, "uk", "PECR reg 20(1)(a)"));
    /* reg 24: no address and no freephone number */
    for (size_t i = 0; i < id.n_numbers; i++)
        id.numbers[i].kind &= ~(unsigned)FG_NUM_TOLLFREE;
    decide(p, &id, "+442075550199", "2026-12-08 11:00", &d);
    assert_non_null(v = find_v(&d, "uk", "PECR reg 24"));
    assert_non_null(strstr(v->detail, "neither an address nor a freephone number"));
    id.postal = true;
    decide(p, &id, "+442075550199", "2026-12-08 11:00", &d);
    assert_int_equal(d.nv, 0);
    fg_ident_clear(&id);
    fg_policy_free(p);
}

/* Canada: no general opt-in; the DNCL for personal numbers; identification; hours in the
   recipient's time: 09:00-21:30 on weekdays, 10:00-18:00 on weekends. */
static void test_canada(void **state)
{
    fg_policy *p = make_policy("[policy]\nprofiles = us\n[site]\nline_owner = business\n"
                               "[number +14165550100]\nprofiles = ca\n"
                               "[number +14165550111]\nprofiles = ca\nowner = person\nregistries = dncl\n");
    const fg_violation *v;
    fg_ident id;
    fg_decision d;

    (void)state;
    make_ad(&id);
    id.postal = true;
    /* Tuesday 8 December 2026, 14:00 in Toronto: a well-identified fax to a business: none */
    decide(p, &id, "+14165550100", "2026-12-08 14:00", &d);
    assert_int_equal(d.nv, 0);
    assert_string_equal(d.profiles, "ca");
    /* 22:00 on a weekday */
    decide(p, &id, "+14165550100", "2026-12-08 22:00", &d);
    assert_int_equal(d.nv, 1);
    assert_non_null(v = find_v(&d, "ca", "CRTC UTR Part III (hours)"));
    assert_non_null(strstr(v->detail, "received 22:00 local (Tue 2026-12-08), outside 09:00-21:30 on weekdays"));
    /* 21:29 is in, 09:00 is in, 08:59 is out */
    decide(p, &id, "+14165550100", "2026-12-08 21:29", &d);
    assert_int_equal(d.nv, 0);
    decide(p, &id, "+14165550100", "2026-12-08 09:00", &d);
    assert_int_equal(d.nv, 0);
    decide(p, &id, "+14165550100", "2026-12-08 08:59", &d);
    assert_non_null(find_v(&d, "ca", "CRTC UTR Part III (hours)"));
    /* Saturday 19:00: after the weekend's 18:00 */
    decide(p, &id, "+14165550100", "2026-12-12 19:00", &d);
    assert_non_null(v = find_v(&d, "ca", "CRTC UTR Part III (hours)"));
    assert_non_null(strstr(v->detail, "10:00-18:00 on weekends"));
    /* a personal number on the DNCL; an established business relationship excuses it */
    decide(p, &id, "+14165550111", "2026-12-08 14:00", &d);
    assert_non_null(v = find_v(&d, "ca", "CRTC UTR Part II (National DNCL)"));
    assert_non_null(strstr(v->detail, "+14165550111 is registered"));
    {
        fg_policy_facts f = {0};
        fg_scores s;

        scores_of(&s, 8.0);
        snprintf(f.called, sizeof f.called, "+14165550111");
        f.received = local_at("2026-12-08 14:00");
        f.consent = true;
        snprintf(f.consent_basis, sizeof f.consent_basis, "ebr");
        assert_int_equal(fg_policy_decide(p, &s, &id, &f, &d), FG_OK);
        assert_null(find_v(&d, "ca", "CRTC UTR Part II (National DNCL)"));
    }
    /* the identification: no date and time of sending, no address */
    free(id.header.date);
    id.header.date = NULL;
    id.postal = false;
    decide(p, &id, "+14165550100", "2026-12-08 14:00", &d);
    assert_non_null(v = find_v(&d, "ca", "CRTC UTR Part III (identification)"));
    assert_non_null(strstr(v->detail, "no date and time of sending"));
    assert_non_null(strstr(v->detail, "no address of a contact person"));
    /* another number of the same gateway keeps the site's rules */
    decide(p, &id, "+12125550100", "2026-12-08 22:00", &d);
    assert_string_equal(d.profiles, "us");
    assert_int_equal(count_profile(&d, "ca"), 0);
    fg_ident_clear(&id);
    fg_policy_free(p);
}

/* Australia: the Do Not Call Register; name, ABN, a number, an address and how to opt out on
   every marketing fax; 09:00-20:00 weekdays, 09:00-17:00 Saturdays, never Sundays or holidays. */
static void test_australia(void **state)
{
    fg_policy *p = make_policy("[policy]\nprofiles = au\n[site]\nnumber = +61295550100\nregistries = dncr\n"
                               "holidays = 2026-12-25, 2026-12-26\n");
    const fg_violation *v;
    fg_ident id;
    fg_decision d;

    (void)state;
    make_ad(&id);
    decide(p, &id, NULL, "2026-12-08 10:00", &d);
    assert_string_equal(d.called, "+61295550100");
    assert_non_null(v = find_v(&d, "au", "DNCR Act 2006 s 12B"));
    assert_non_null(strstr(v->detail, "+61295550100, registered on the Do Not Call Register"));
    assert_non_null(v = find_v(&d, "au", "Fax Marketing Industry Standard 2021 (identification)"));
    assert_non_null(strstr(v->detail, "its ABN"));
    assert_non_null(strstr(v->detail, "a street, postal or e-mail address"));
    snprintf(id.abn, sizeof id.abn, "51824753556");
    id.postal = true;
    decide(p, &id, NULL, "2026-12-08 10:00", &d);
    assert_null(find_v(&d, "au", "Fax Marketing Industry Standard 2021 (identification)"));
    assert_int_equal(d.nv, 1);                        /* only the register */
    decide(p, &id, NULL, "2026-12-13 10:00", &d);     /* a Sunday */
    assert_non_null(v = find_v(&d, "au", "Fax Marketing Industry Standard 2021 (hours)"));
    assert_non_null(strstr(v->detail, "on a Sunday"));
    decide(p, &id, NULL, "2026-12-25 10:00", &d);     /* Christmas, a Friday */
    assert_non_null(v = find_v(&d, "au", "Fax Marketing Industry Standard 2021 (hours)"));
    assert_non_null(strstr(v->detail, "public holiday"));
    decide(p, &id, NULL, "2026-12-12 17:30", &d);     /* Saturday after 17:00 */
    assert_non_null(find_v(&d, "au", "Fax Marketing Industry Standard 2021 (hours)"));
    decide(p, &id, NULL, "2026-12-08 19:59", &d);
    assert_null(find_v(&d, "au", "Fax Marketing Industry Standard 2021 (hours)"));
    id.optout.present = false;
    decide(p, &id, NULL, "2026-12-08 10:00", &d);
    assert_non_null(find_v(&d, "au", "Fax Marketing Industry Standard 2021 (opt-out)"));
    fg_ident_clear(&id);
    fg_policy_free(p);
}

/* Every profile has its legal source, and the configuration refuses what it cannot apply. */
static void test_profile_data_and_config(void **state)
{
    static const char *const want[] = {"us", "fr", "de", "eu", "uk", "ca", "au"};
    const char *const *names = fg_policy_profiles();
    fg_config *cfg;
    size_t n = 0;

    (void)state;
    for (; names[n]; n++) {
        const fg_profile_info *info = fg_policy_profile_info(names[n]);

        assert_non_null(info);
        assert_true(strlen(info->law) > 10 && !strncmp(info->url, "https://", 8));
    }
    assert_int_equal(n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(names[i], want[i]);

    assert_int_equal(fg_config_new(&cfg), FG_OK);
    assert_int_equal(fg_config_load_string(cfg, "[number 4165550100]\nprofiles = ca\n", "t"), FG_ERR_CONFIG);
    assert_non_null(strstr(fg_err_msg(FG_ERR_CONFIG), "E.164"));
    assert_int_equal(fg_config_load_string(cfg, "[number +14165550100]\nprofile = ca\n", "t"), FG_ERR_CONFIG);
    assert_non_null(strstr(fg_err_msg(FG_ERR_CONFIG), "unknown key 'profile'"));
    assert_int_equal(fg_config_load_string(cfg, "[number +14165550100]\nprofiles = narnia\n", "t"), FG_ERR_CONFIG);
    assert_int_equal(fg_config_load_string(cfg, "[number +14165550100]\nregistered = 2026-02-30\n", "t"),
                     FG_ERR_CONFIG);
    assert_int_equal(fg_config_load_string(cfg, "[site]\nregistries = fps, dnc\n", "t"), FG_ERR_CONFIG);
    assert_int_equal(fg_config_load_string(cfg, "[site]\nnumber = 0145550100\n", "t"), FG_ERR_CONFIG);
    assert_int_equal(fg_config_load_string(cfg, "[site]\ntimezone = Narnia/Cair_Paravel\n", "t"), FG_ERR_CONFIG);
    assert_non_null(strstr(fg_err_msg(FG_ERR_CONFIG), "tzdata"));
    assert_int_equal(fg_config_load_string(cfg, "[site]\ntimezone = ../../etc/passwd\n", "t"), FG_ERR_CONFIG);
    assert_int_equal(fg_config_load_string(cfg, "[site]\nholidays = 2026-12-25, tomorrow\n", "t"), FG_ERR_CONFIG);
    assert_int_equal(fg_config_numbers(cfg), 0);     /* a refused file changed nothing */
    assert_int_equal(fg_config_load_string(cfg, "[number +14165550100]\nprofiles = ca\nowner = person\n"
                                                "[site]\ntimezone = America/Toronto\nholidays = 2024-02-29\n", "t"),
                     FG_OK);
    assert_int_equal(fg_config_numbers(cfg), 1);
    assert_string_equal(fg_config_number(cfg, 0, NULL), "+14165550100");
    assert_string_equal(fg_config_number(cfg, 0, "owner"), "person");
    assert_null(fg_config_number(cfg, 0, "registries"));
    assert_int_equal(fg_config_load_string(cfg, "[number +14165550100]\nregistries = dncl\n", "t"), FG_OK);
    assert_int_equal(fg_config_numbers(cfg), 1);     /* merged into the same section */
    assert_string_equal(fg_config_number(cfg, 0, "registries"), "dncl");
    assert_string_equal(fg_config_number(cfg, 0, "profiles"), "ca");
    fg_config_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_us_perfect_notice_no_consent),
        cmocka_unit_test(test_france_company_line),
        cmocka_unit_test(test_eu_baseline),
        cmocka_unit_test(test_uk),
        cmocka_unit_test(test_canada),
        cmocka_unit_test(test_australia),
        cmocka_unit_test(test_profile_data_and_config),
    };

    /* the receiving lines' local time for the hours rules, as [site] timezone sets it */
    setenv("TZ", "America/Toronto", 1);
    tzset();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
