/* faxgate — campaign recognition: fingerprints of variants (new numbers, dates, prices, OCR
 * noise) match, different ads do not, hostile text is harmless; and in a real store: campaigns
 * are born from ads, copies join them once, `junk` on one fax drops the campaign's later copies
 * (consent still wins), and the violation log groups by campaign and by advertiser. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faxgate/faxgate.h"
#include "testutil.h"

static const char ad1[] =
    "11/03/2026 10:14 FROM: FAXBLAST SVC 702-555-0104 P.1/1\n"
    "Island Breeze Vacations\n"
    "4-Day Bahamas Cruise for Two - Only $299!\n"
    "Sail from Fort Lauderdale or Port Canaveral to Grand Bahama Island.\n"
    "Includes all meals, Las Vegas-style shows, casino and pool deck. Port taxes additional.\n"
    "BONUS: 2 nights hotel in Orlando AND 1 night in Fort Lauderdale at no extra charge!\n"
    "Only 50 certificates remain for this region. Call before Friday to reserve yours.\n"
    "Call toll free 1-888-555-0141, Monday - Saturday, 9 am to 8 pm ET. Reference code BX-311\n"
    "To be removed from our fax list call toll free 1-800-555-0142.\n";

/* The same ad sent again: other numbers, date, price and reference, from another broadcaster. */
static const char ad2[] =
    "12/01/2026 08:27 FROM: BLASTNET 415-555-0199 P.1/1\n"
    "Island Breeze Vacations\n"
    "4-Day Bahamas Cruise for Two - Only $249!\n"
    "Sail from Fort Lauderdale or Port Canaveral to Grand Bahama Island.\n"
    "Includes all meals, Las Vegas-style shows, casino and pool deck. Port taxes additional.\n"
    "BONUS: 3 nights hotel in Orlando AND 1 night in Fort Lauderdale at no extra charge!\n"
    "Only 20 certificates remain for this region. Call before Friday to reserve yours.\n"
    "Call toll free 1-877-555-0168, Monday - Saturday, 9 am to 8 pm ET. Reference code BX-402\n"
    "To be removed from our fax list call toll free 1-866-555-0111.\n";

static const char other_ad[] =
    "Save 40% on toner cartridges for every office printer! Lowest prices in the nation.\n"
    "Free shipping on orders over $99, same-day dispatch from our Ohio warehouse.\n"
    "HP, Brother, Canon, Lexmark and Xerox compatible cartridges with lifetime warranty.\n"
    "Order by fax today: 1-800-555-0170 or call our friendly staff toll free 1-800-555-0171.\n";

/* a stock promotion, twice, under two newsletter names */
static const char promo1[] =
    "WALL STREET CATALYST ALERT - Monday Pre-Market Edition\n"
    "ZENEXA BIOTHERAPEUTICS INC.   OTC: ZNXB\n"
    "Recent Price: $0.38   Short-Term Target: $2.15\n"
    "Phase II results due any day. Insiders are buying. Volume up 400% this week!\n"
    "GET IN BEFORE THE NEWS HITS. Do not miss this one!\n";
static const char promo2[] =
    "MICROCAP MOMENTUM REPORT - Special Situation\n"
    "Our pick of the month: OTC: ZNXB (Zenexa Biotherapeutics)\n"
    "From $0.38 to a target of $2.15. FDA news expected before year end!\n"
    "Smart money is accumulating NOW. Act before the crowd does!\n";

static const char business[] =
    "12/01/2026 09:14 FROM: ACME SUPPLY 312-555-0142 P.1/2\n"
    "PURCHASE ORDER 4711\n"
    "To: Jane Miller, Northside Builders Inc.\n"
    "Please deliver 40 boxes of copier paper, item 2231-A, by December 3.\n"
    "Account 20-33817. Thank you, Tom Becker, purchasing\n";

static fg_fingerprint fp_of(const char *text)
{
    fg_fingerprint fp;

    assert_int_equal(fg_campaign_fingerprint_text(text, strlen(text), "US", &fp), FG_OK);
    return fp;
}

/* OCR's usual mistakes at rate one in `every` letters: look-alikes, lost letters, split words. */
static char *noisy(const char *text, unsigned every)
{
    char *out = malloc(2 * strlen(text) + 1), *o = out;
    unsigned x = 7;

    assert_non_null(out);
    for (const char *p = text; *p; p++) {
        x = x * 1103515245u + 12345u;
        if (*p > ' ' && (x >> 16) % every == 0) {
            switch ((x >> 8) % 4) {
            case 0:
                continue;
            case 1:
                *o++ = *p;
                *o++ = ' ';
                continue;
            default:
                *o++ = *p == 'o' ? '0' : *p == 'l' ? '1' : *p == 'e' ? 'c' : *p == 'm' ? 'n' : '.';
                continue;
            }
        }
        *o++ = *p;
    }
    *o = '\0';
    return out;
}

static void test_variants_match(void **state)
{
    fg_fingerprint a = fp_of(ad1), b = fp_of(ad2);
    char path[64];

    (void)state;
    assert_true(a.shingles >= FG_CAMPAIGN_MIN_SHINGLES);
    assert_true(fg_campaign_similarity(&a, &b) >= 0.8);
    assert_true(fg_campaign_similarity(&a, &a) == 1.0);
    /* the labelled campaign variants, when the texts are there: every pair is one campaign */
    for (int c = 1; c <= 3; c++) {
        fg_fingerprint v[4];
        int n = 0;

        for (int i = 1; i <= 4; i++) {
            size_t len;
            char *t;

            snprintf(path, sizeof path, "tests/data/texts/ad/en_camp%d_v%d.txt", c, i);
            if (!(t = fg_test_read_file(path, &len)))
                continue;
            assert_int_equal(fg_campaign_fingerprint_text(t, len, "US", &v[n++]), FG_OK);
            free(t);
        }
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
                if (fg_campaign_similarity(&v[i], &v[j]) < FG_CAMPAIGN_MATCH)
                    fail_msg("campaign %d variants %d and %d: similarity %.2f", c, i + 1, j + 1,
                             fg_campaign_similarity(&v[i], &v[j]));
    }
}

static void test_different_ads_differ(void **state)
{
    fg_fingerprint a = fp_of(ad1), t = fp_of(other_ad), bz = fp_of(business);
    static const char *const files[] = {"ad/en_cruise_caribbean.txt", "ad/en_business_loan.txt",
                                        "ad/en_toner_supplies.txt", "ad/fr_croisiere.txt", "ad/de_kreuzfahrt.txt",
                                        "legit/en_invoice.txt", "legit/en_purchase_order.txt"};
    fg_fingerprint f[sizeof files / sizeof *files];
    size_t n = 0;

    (void)state;
    assert_true(fg_campaign_similarity(&a, &t) < 0.2);
    assert_true(fg_campaign_similarity(&a, &bz) < 0.2);
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char path[128], *text;
        size_t len;

        snprintf(path, sizeof path, "tests/data/texts/%s", files[i]);
        if (!(text = fg_test_read_file(path, &len)))
            continue;
        assert_int_equal(fg_campaign_fingerprint_text(text, len, "US", &f[n++]), FG_OK);
        free(text);
    }
    for (size_t i = 0; i < n; i++) {
        assert_true(fg_campaign_similarity(&f[i], &a) < FG_CAMPAIGN_MATCH);
        for (size_t j = i + 1; j < n; j++)
            assert_true(fg_campaign_similarity(&f[i], &f[j]) < FG_CAMPAIGN_MATCH);
    }
}

static void test_ocr_noise_matches(void **state)
{
    char *n1 = noisy(ad1, 40), *n2 = noisy(ad2, 40);
    fg_fingerprint a = fp_of(ad1), b = fp_of(n1), c = fp_of(n2);

    (void)state;
    assert_true(fg_campaign_similarity(&a, &b) >= FG_CAMPAIGN_MATCH);
    assert_true(fg_campaign_similarity(&a, &c) >= FG_CAMPAIGN_MATCH);   /* new numbers and noise */
    free(n1);
    free(n2);
}

static void test_hostile(void **state)
{
    size_t n = 300000;
    char *junk = malloc(n + 1);
    fg_fingerprint a, b;
    unsigned char blob[4 * FG_MINHASH_K];
    unsigned x = 99;

    (void)state;
    assert_non_null(junk);
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        junk[i] = (char)(x >> 16);
    }
    junk[n] = '\0';
    assert_int_equal(fg_campaign_fingerprint_text(junk, n, "US", &a), FG_OK);
    a = fp_of("");
    assert_int_equal(a.shingles, 0);
    b = fp_of("1-800-555-0100 $49 12/01/2026 30% 555 0100");
    assert_int_equal(b.shingles, 0);   /* only numbers: nothing to recognise a campaign by */
    assert_true(fg_campaign_similarity(&a, &b) == 0);
    memset(junk, 'a', n);   /* one endless word, then many short ones */
    for (size_t i = 0; i < n; i += 3)
        junk[i] = ' ';
    assert_int_equal(fg_campaign_fingerprint_text(junk, n, "US", &a), FG_OK);
    assert_true(a.shingles >= 1);
    fg_campaign_pack(&a, blob);
    assert_int_equal(fg_campaign_unpack(blob, sizeof blob, &b), FG_OK);
    assert_memory_equal(a.h, b.h, sizeof a.h);
    assert_int_equal(fg_campaign_unpack(blob, 7, &b), FG_ERR_FORMAT);
    assert_int_equal(fg_campaign_unpack(NULL, 0, &b), FG_ERR_FORMAT);
    free(junk);
}

typedef struct fixture {
    char dir[256];
    fg_config *cfg;
    fg_store *st;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    char db[400];

    if (!f || fg_test_tmpdir(f->dir, sizeof f->dir) || fg_config_new(&f->cfg))
        return -1;
    snprintf(db, sizeof db, "%s/faxgate.db", f->dir);
    fg_config_set(f->cfg, "store", "db", db);
    if (fg_store_open(db, &f->st))
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;

    fg_store_close(f->st);
    fg_config_free(f->cfg);
    fg_test_rm_rf(f->dir);
    free(f);
    return 0;
}

/* A call as faxgated handles one: recorded, judged, saved. Returns its record; *id its id. */
static json_t *receive(fixture *f, const char *text, const char *tsi, int64_t *id)
{
    fg_pipeline *p = NULL;
    fg_call *c = NULL;
    char *json = NULL;
    json_t *r;

    assert_int_equal(fg_pipeline_new(f->cfg, f->st, &p), FG_OK);
    assert_int_equal(fg_call_new(&c), FG_OK);
    fg_call_set_line(c, "test", "", "+17025550104");
    fg_call_set_tsi(c, tsi);
    assert_int_equal(fg_call_set_text(c, text, strlen(text)), FG_OK);
    assert_int_equal(fg_store_call_begin(f->st, c), FG_OK);
    fg_pipeline_judge(p, NULL, c);
    assert_int_equal(fg_store_call_save(f->st, c), FG_OK);
    assert_int_equal(fg_store_call_save(f->st, c), FG_OK);   /* saved twice: counted once */
    *id = fg_call_id(c);
    assert_int_equal(fg_call_record_json(c, &json), FG_OK);
    assert_non_null(r = json_loads(json, 0, NULL));
    free(json);
    fg_call_free(c);
    fg_pipeline_free(p);
    return r;
}

static json_t *campaigns(fixture *f)
{
    char *json;
    json_t *r;

    assert_int_equal(fg_store_campaigns_json(f->st, &json), FG_OK);
    assert_non_null(r = json_loads(json, 0, NULL));
    free(json);
    return r;
}

static const char *verdict(json_t *r)
{
    return json_string_value(json_object_get(r, "verdict"));
}

static void test_junk_stops_the_campaign(void **state)
{
    fixture *f = *state;
    int64_t id1, id2, id3, id4, cid = 0;
    json_t *r, *cs, *c;
    char *json, *noisy2 = noisy(ad2, 40);

    json_decref(receive(f, business, "ACME", &id1));
    cs = campaigns(f);
    assert_int_equal(json_array_size(cs), 0);   /* a business fax starts no campaign */
    json_decref(cs);
    json_decref(receive(f, ad1, "FAXBLAST", &id1));
    r = receive(f, ad2, "BLASTNET", &id2);
    assert_false(json_object_get(r, "campaign") == NULL || json_is_null(json_object_get(r, "campaign")));
    json_decref(r);
    cs = campaigns(f);
    assert_int_equal(json_array_size(cs), 1);
    c = json_array_get(cs, 0);
    assert_int_equal(json_integer_value(json_object_get(c, "count")), 2);
    assert_string_equal(json_string_value(json_object_get(c, "state")), "none");
    json_decref(cs);
    /* the operator junks the second copy: the whole campaign is junk */
    assert_int_equal(fg_store_campaign_mark(f->st, id2, "junk", "operator", &cid), FG_OK);
    assert_true(cid > 0);
    r = receive(f, noisy2, "OTHER", &id3);
    assert_string_equal(verdict(r), "drop");
    assert_non_null(strstr(json_string_value(json_object_get(r, "reason")), "junk campaign"));
    assert_true(json_real_value(json_object_get(json_object_get(r, "scores"), "CAMPAIGN_JUNK")) > 0);
    assert_true(json_array_size(json_object_get(r, "violations")) > 0);
    json_decref(r);
    /* consent on file wins over a junk campaign: a false match must not cost a wanted fax */
    assert_int_equal(fg_store_consent_add(f->st, "number", "+18775550168", "consent", "test"), FG_OK);
    r = receive(f, ad2, "BLASTNET", &id4);
    assert_string_equal(verdict(r), "deliver");
    json_decref(r);
    assert_int_equal(fg_store_consent_remove(f->st, "number", "+18775550168"), FG_OK);
    /* the violation log, grouped */
    assert_int_equal(fg_store_violations_by_json(f->st, "campaign", &json), FG_OK);
    assert_non_null(r = json_loads(json, 0, NULL));
    free(json);
    c = json_array_get(r, 0);
    assert_int_equal(json_integer_value(json_object_get(c, "campaign")), cid);
    assert_string_equal(json_string_value(json_object_get(c, "state")), "junk");
    assert_true(json_integer_value(json_object_get(c, "calls")) >= 3);
    json_decref(r);
    assert_int_equal(fg_store_violations_by_json(f->st, "advertiser", &json), FG_OK);
    assert_non_null(r = json_loads(json, 0, NULL));
    free(json);
    assert_true(json_array_size(r) >= 1);
    assert_int_equal(json_integer_value(json_array_get(json_object_get(json_array_get(r, 0), "campaigns"), 0)), cid);
    assert_true(json_is_null(json_object_get(json_array_get(r, 0), "ticker")));   /* no stock touted */
    json_decref(r);
    assert_int_equal(fg_store_violations_by_json(f->st, "tsi", &json), FG_ERR_INVAL);
    /* released: the next copy is not held for being in it */
    assert_int_equal(fg_store_campaign_mark(f->st, id3, "released", "operator", &cid), FG_OK);
    r = receive(f, ad1, "FAXBLAST", &id4);
    assert_true(json_real_value(json_object_get(json_object_get(r, "scores"), "CAMPAIGN_RELEASED")) < 0);
    json_decref(r);
    cs = campaigns(f);
    assert_int_equal(json_array_size(cs), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(cs, 0), "count")), 5);
    json_decref(cs);
    assert_int_equal(fg_store_campaign_mark(f->st, 9999, "junk", "operator", &cid), FG_ERR_NOTFOUND);
    /* two stock promotions under two newsletter names, one symbol: one advertiser in the log */
    json_decref(receive(f, promo1, "FAXBLAST", &id4));
    json_decref(receive(f, promo2, "BLASTNET", &id3));
    /* counted once an operator says they are junk (held, their violations were only pending) */
    assert_int_equal(fg_store_set_verdict(f->st, id4, FG_VERDICT_DROP, "operator", "junk"), FG_OK);
    assert_int_equal(fg_store_set_verdict(f->st, id3, FG_VERDICT_DROP, "operator", "junk"), FG_OK);
    assert_int_equal(fg_store_violations_by_json(f->st, "advertiser", &json), FG_OK);
    assert_non_null(r = json_loads(json, 0, NULL));
    free(json);
    {
        size_t i, n = 0;
        json_t *g;

        json_array_foreach(r, i, g) {
            if (json_is_string(json_object_get(g, "ticker")) &&
                !strcmp(json_string_value(json_object_get(g, "ticker")), "ZNXB")) {
                n++;
                assert_int_equal(json_integer_value(json_object_get(g, "calls")), 2);
            }
        }
        assert_int_equal(n, 1);
    }
    json_decref(r);
    free(noisy2);
}

/* Junk on a fax that started no campaign (it looked like a business fax) starts one, marked junk. */
static void test_junk_starts_a_campaign(void **state)
{
    fixture *f = *state;
    int64_t id, id2, cid = 0;
    json_t *r;

    fg_config_set(f->cfg, "classify", "hold", "50");   /* nothing is an ad: no campaign is born */
    fg_config_set(f->cfg, "classify", "drop", "60");
    fg_config_set(f->cfg, "classify", "model_hold", "50");
    json_decref(receive(f, ad1, "FAXBLAST", &id));
    r = campaigns(f);
    assert_int_equal(json_array_size(r), 0);
    json_decref(r);
    assert_int_equal(fg_store_campaign_mark(f->st, id, "junk", "operator", &cid), FG_OK);
    assert_true(cid > 0);
    r = receive(f, ad2, "BLASTNET", &id2);
    assert_string_equal(verdict(r), "drop");
    json_decref(r);
    fg_config_set(f->cfg, "classify", "campaigns", "no");   /* switched off: no lookup at all */
    r = receive(f, ad2, "BLASTNET", &id2);
    assert_string_equal(verdict(r), "deliver");
    assert_true(json_is_null(json_object_get(r, "campaign")));
    json_decref(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_variants_match),
        cmocka_unit_test(test_different_ads_differ),
        cmocka_unit_test(test_ocr_noise_matches),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test_setup_teardown(test_junk_stops_the_campaign, setup, teardown),
        cmocka_unit_test_setup_teardown(test_junk_starts_a_campaign, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
