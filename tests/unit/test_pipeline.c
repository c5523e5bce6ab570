/* faxgate — the judging pipeline: the verdict record contract, failing open when a stage fails,
 * and the site's consent and block lists (a real SQLite file). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faxgate/faxgate.h"
#include "testutil.h"

static const char ad_text[] =
    "11/27/2026 10:02 FROM: FAXBLAST 312-555-0100 P.1/1\n"
    "# SUNNY CRUISES INC\n"
    "## 7 nights in the Caribbean for only $299!\n"
    "Limited time offer - act now! Call toll free 1-877-555-0142\n"
    "Visit www.sunnycruises-deals.com\n"
    "To be removed from our fax list call 1-800-555-0199 or fax 1-800-555-0198.\n";

static const char po_text[] =
    "11/27/2026 09:14 FROM: ACME SUPPLY 312-555-0142 P.1/2\n"
    "# PURCHASE ORDER 4711\n"
    "To: Jane Miller, Northside Builders Inc.\n"
    "Please deliver 40 boxes of copier paper, item 2231-A, by December 3.\n"
    "Account 20-33817. Thank you, Tom Becker, purchasing\n";

typedef struct fixture {
    char dir[256];
    fg_config *cfg;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    char db[400];

    if (!f || fg_test_tmpdir(f->dir, sizeof f->dir) || fg_config_new(&f->cfg))
        return -1;
    snprintf(db, sizeof db, "%s/faxgate.db", f->dir);
    fg_config_set(f->cfg, "store", "db", db);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;

    fg_config_free(f->cfg);
    fg_test_rm_rf(f->dir);
    free(f);
    return 0;
}

/* Judges text as a call from tsi; returns the parsed record and the verdict. */
static json_t *judge_text(fg_config *cfg, fg_store *st, const char *text, const char *tsi, fg_verdict *v)
{
    fg_pipeline *p = NULL;
    fg_call *c = NULL;
    char *json = NULL;
    json_error_t err;
    json_t *r;

    assert_int_equal(fg_pipeline_new(cfg, st, &p), FG_OK);
    assert_int_equal(fg_call_new(&c), FG_OK);
    fg_call_set_line(c, "test", "", "+13125550100");
    if (tsi)
        fg_call_set_tsi(c, tsi);
    assert_int_equal(fg_call_set_text(c, text, strlen(text)), FG_OK);
    fg_pipeline_judge(p, NULL, c);
    assert_true(fg_call_judged(c));
    *v = fg_call_verdict(c);
    assert_int_equal(fg_call_record_json(c, &json), FG_OK);
    r = json_loads(json, 0, &err);
    if (!r)
        fail_msg("record is not JSON: %s\n%s", err.text, json);
    free(json);
    fg_call_free(c);
    fg_pipeline_free(p);
    return r;
}

static void assert_type(json_t *o, const char *key, json_type t, int or_null)
{
    json_t *v = json_object_get(o, key);

    if (!v)
        fail_msg("record lacks \"%s\"", key);
    if (json_typeof(v) != t && !(or_null && json_is_null(v)) && !(t == JSON_REAL && json_is_number(v)))
        fail_msg("\"%s\" has the wrong type", key);
}

/* The record of `faxgatectl scan/classify --json`: every contract key, with its type. */
static void test_record_contract(void **state)
{
    fixture *f = *state;
    fg_verdict v;
    json_t *r = judge_text(f->cfg, NULL, ad_text, "FAXBLAST", &v), *x;
    size_t i;
    const char *k;

    assert_type(r, "verdict", JSON_STRING, 0);
    assert_type(r, "is_ad", JSON_TRUE, 0);
    assert_type(r, "score", JSON_REAL, 0);
    assert_type(r, "scores", JSON_OBJECT, 0);
    json_object_foreach(json_object_get(r, "scores"), k, x) assert_true(json_is_number(x));
    x = json_object_get(r, "advertiser");
    assert_type(x, "name", JSON_STRING, 1);
    assert_type(x, "phones", JSON_ARRAY, 0);
    assert_type(x, "urls", JSON_ARRAY, 0);
    assert_type(x, "emails", JSON_ARRAY, 0);
    assert_string_equal(json_string_value(json_object_get(x, "name")), "SUNNY CRUISES INC");
    assert_string_equal(json_string_value(json_array_get(json_object_get(x, "phones"), 0)), "+18775550142");
    assert_string_equal(json_string_value(json_array_get(json_object_get(x, "urls"), 0)), "www.sunnycruises-deals.com");
    /* the broadcaster is kept apart: TSI, caller ID and header number are not advertiser phones */
    json_t *phones = json_object_get(json_object_get(r, "advertiser"), "phones");
    json_array_foreach(phones, i, x) assert_string_not_equal(json_string_value(x), "+13125550100");
    x = json_object_get(r, "broadcaster");
    assert_type(x, "tsi", JSON_STRING, 1);
    assert_type(x, "caller_id", JSON_STRING, 1);
    assert_type(x, "header", JSON_STRING, 1);
    assert_type(x, "header_number", JSON_STRING, 1);
    assert_string_equal(json_string_value(json_object_get(x, "tsi")), "FAXBLAST");
    assert_string_equal(json_string_value(json_object_get(x, "caller_id")), "+13125550100");
    assert_string_equal(json_string_value(json_object_get(x, "header_number")), "+13125550100");
    x = json_object_get(r, "optout");
    assert_type(x, "present", JSON_TRUE, 0);
    assert_type(x, "phone", JSON_STRING, 1);
    assert_type(x, "fax", JSON_STRING, 1);
    assert_type(x, "compliant", JSON_OBJECT, 0);
    assert_string_equal(json_string_value(json_object_get(x, "fax")), "+18005550198");
    assert_true(json_is_boolean(json_object_get(json_object_get(x, "compliant"), "us")));
    assert_type(r, "violations", JSON_ARRAY, 0);
    assert_true(json_array_size(json_object_get(r, "violations")) >= 1);
    json_array_foreach(json_object_get(r, "violations"), i, x) {
        assert_type(x, "profile", JSON_STRING, 0);
        assert_type(x, "rule", JSON_STRING, 0);
        assert_type(x, "detail", JSON_STRING, 0);
    }
    assert_type(r, "text", JSON_STRING, 0);
    assert_type(json_object_get(r, "ms"), "ocr", JSON_REAL, 0);
    assert_type(json_object_get(r, "ms"), "total", JSON_REAL, 0);
    assert_true(v == FG_VERDICT_HOLD || v == FG_VERDICT_DROP);
    json_decref(r);
}

/* No OCR engine for a page: the stage fails, the fax is delivered (default) and says why. */
static void test_fails_open(void **state)
{
    fixture *f = *state;
    fg_pipeline *p = NULL;
    fg_page *page = NULL;
    fg_call *c = NULL;
    char *json = NULL;
    fg_err e;

    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1)
            assert_int_equal(fg_config_set(f->cfg, "policy", "on_error", "hold"), FG_OK);
        assert_int_equal(fg_pipeline_new(f->cfg, NULL, &p), FG_OK);
        assert_int_equal(fg_call_new(&c), FG_OK);
        assert_int_equal(fg_page_new(1728, 100, 204, 196, &page), FG_OK);
        fg_call_set_page1(c, page);
        e = fg_pipeline_judge(p, NULL, c);
        assert_int_equal(e, FG_ERR_OCR);
        assert_true(fg_call_judged(c));
        assert_int_equal(fg_call_verdict(c), pass ? FG_VERDICT_HOLD : FG_VERDICT_DELIVER);
        assert_null(fg_call_page1(c));   /* its image freed once judged, not held to the call's end */
        assert_int_equal(fg_call_record_json(c, &json), FG_OK);
        assert_non_null(strstr(json, "OCR of page 1 failed"));
        free(json);
        fg_call_free(c);
        fg_pipeline_free(p);
    }
}

/* The site's lists: consent lets an ad through without a violation, a block drops it. */
static void test_registries(void **state)
{
    fixture *f = *state;
    fg_store *st = NULL;
    fg_verdict v;
    json_t *r;

    assert_int_equal(fg_store_open(fg_config_get(f->cfg, "store", "db"), &st), FG_OK);
    r = judge_text(f->cfg, st, po_text, "ACME SUPPLY", &v);
    assert_int_equal(v, FG_VERDICT_DELIVER);
    assert_false(json_is_true(json_object_get(r, "is_ad")));
    json_decref(r);

    assert_int_equal(fg_store_consent_add(st, "domain", "sunnycruises-deals.com", "consent", "signed up"), FG_OK);
    r = judge_text(f->cfg, st, ad_text, "FAXBLAST", &v);
    assert_int_equal(v, FG_VERDICT_DELIVER);
    assert_true(json_is_true(json_object_get(r, "is_ad")));
    assert_int_equal(json_array_size(json_object_get(r, "violations")), 0);
    assert_non_null(strstr(json_string_value(json_object_get(r, "reason")), "sunnycruises-deals.com"));
    json_decref(r);

    assert_int_equal(fg_store_consent_remove(st, "domain", "sunnycruises-deals.com"), FG_OK);
    assert_int_equal(fg_store_block_add(st, "advertiser", "number", "+18775550142", "junk"), FG_OK);
    r = judge_text(f->cfg, st, ad_text, "FAXBLAST", &v);
    assert_int_equal(v, FG_VERDICT_DROP);
    assert_non_null(strstr(json_string_value(json_object_get(r, "reason")), "+18775550142"));
    json_decref(r);
    fg_store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_record_contract, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fails_open, setup, teardown),
        cmocka_unit_test_setup_teardown(test_registries, setup, teardown),
    };

    return cmocka_run_group_tests_name("pipeline", tests, NULL, NULL);
}
