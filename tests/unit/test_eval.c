/* faxgate — the evaluation harness's arithmetic: label files (good, malformed, missing), what
 * counts as an identified advertiser or a right opt-out, the tallies, and the page layouts. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "eval.h"
#include "testutil.h"

typedef struct fixture {
    char dir[256];
    char labels[400];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);

    if (!f || fg_test_tmpdir(f->dir, sizeof f->dir))
        return -1;
    snprintf(f->labels, sizeof f->labels, "%s/LABELS.tsv", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;

    fg_test_rm_rf(f->dir);
    free(f);
    return 0;
}

static void write_labels(const fixture *f, const char *text)
{
    assert_int_equal(fg_test_write_file(f->labels, text, strlen(text)), 0);
}

#define HEADER "file\tlabel\tlang\tadvertiser\tcallback\toptout\tsplit\n"

static void test_load_good(void **state)
{
    fixture *f = *state;
    fg_eval_set set = {0};
    char want[600];

    write_labels(f, "# a comment\n" HEADER "\n"
                    "ad/en_a.txt\tad\ten\tRomano's Deli\t+13125550191\tno\ttune\r\n"
                    "legit/fr_b.txt\tlegit\tfr\t-\t-\t-\treport\n"
                    "ad/de_c.txt\tad\tde\t-\t-\tyes\tcampaign\tToner-Welle\n");
    assert_int_equal(fg_eval_load(&set, f->labels, NULL), FG_OK);
    assert_int_equal(set.n, 3);
    assert_string_equal(set.v[0].file, "ad/en_a.txt");
    snprintf(want, sizeof want, "%s/ad/en_a.txt", f->dir);
    assert_string_equal(set.v[0].path, want);
    assert_int_equal(set.v[0].label, FG_EVAL_AD);
    assert_string_equal(fg_eval_lang_name(set.v[0].lang), "en");
    assert_string_equal(set.v[0].advertiser, "Romano's Deli");
    assert_string_equal(set.v[0].callback, "+13125550191");
    assert_int_equal(set.v[0].optout, FG_EVAL_NO);
    assert_string_equal(set.v[0].split, "tune");
    assert_null(set.v[0].campaign);
    assert_int_equal(set.v[1].label, FG_EVAL_LEGIT);
    assert_string_equal(fg_eval_lang_country(set.v[1].lang), "FR");
    assert_null(set.v[1].advertiser);
    assert_string_equal(set.v[1].callback, "");
    assert_int_equal(set.v[1].optout, FG_EVAL_UNKNOWN);
    assert_string_equal(set.v[2].split, "campaign");
    assert_string_equal(set.v[2].campaign, "Toner-Welle");
    assert_non_null(strstr(set.v[2].where, "LABELS.tsv:6"));
    /* an explicit base replaces the label file's directory */
    fg_eval_set_free(&set);
    assert_int_equal(fg_eval_load(&set, f->labels, "/data"), FG_OK);
    assert_string_equal(set.v[1].path, "/data/legit/fr_b.txt");
    fg_eval_set_free(&set);
    fg_eval_set_free(NULL);
}

/* Each malformed row is refused with file:line and what was expected; nothing is half-loaded. */
static void test_load_malformed(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *row;
        const char *says;
    } cases[] = {
        {"ad/x.txt\tad\ten\t-\t-\tno\n", "6 columns; expected 7 or 8"},
        {"ad/x.txt\tad\ten\t-\t-\tno\treport\tc\textra\n", "9 columns"},
        {"ad/x.txt\tspam\ten\t-\t-\tno\treport\n", "label 'spam' is neither ad nor legit"},
        {"ad/x.txt\tad\tit\t-\t-\tno\treport\n", "language 'it' is not en, fr or de"},
        {"ad/x.txt\tad\ten\t-\t877-555-0100\tno\treport\n", "callback '877-555-0100' is not E.164"},
        {"ad/x.txt\tad\ten\t-\t-\tmaybe\treport\n", "opt-out 'maybe' is not yes, no or -"},
        {"ad/x.txt\tad\ten\t-\t-\tno\ttest\n", "split 'test' is not tune, report or campaign"},
        {"legit/x.txt\tlegit\ten\tAcme\t-\tno\treport\n", "a legit row names an advertiser"},
        {"\tad\ten\t-\t-\tno\treport\n", "empty file name"},
        {"ad/x.txt\tad\ten\t\t-\tno\treport\n", "empty advertiser"},
    };
    char text[1024];

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fg_eval_set set = {0};
        fg_err e;

        snprintf(text, sizeof text, HEADER "ad/ok.txt\tad\ten\t-\t-\tno\treport\n%s", cases[i].row);
        write_labels(f, text);
        e = fg_eval_load(&set, f->labels, NULL);
        if (e != FG_ERR_FORMAT || !strstr(fg_err_msg(e), cases[i].says) || !strstr(fg_err_msg(e), "LABELS.tsv:3"))
            fail_msg("case %zu: got %d '%s', want '%s' at LABELS.tsv:3", i, e, fg_err_msg(e), cases[i].says);
        assert_int_equal(set.n, 0);
        fg_eval_set_free(&set);
    }
}

static void test_load_duplicate_and_missing(void **state)
{
    fixture *f = *state;
    fg_eval_set set = {0};
    char path[400];
    fg_err e;
    char *text = NULL;
    size_t len = 0;

    /* the same text in two label files would count twice */
    write_labels(f, HEADER "ad/a.txt\tad\ten\t-\t-\tno\treport\n");
    assert_int_equal(fg_eval_load(&set, f->labels, NULL), FG_OK);
    e = fg_eval_load(&set, f->labels, NULL);
    assert_int_equal(e, FG_ERR_FORMAT);
    assert_non_null(strstr(fg_err_msg(e), "listed twice"));
    assert_int_equal(set.n, 1);
    /* its text is missing: loading is fine, reading it is a clear row error */
    e = fg_eval_read_text(&set.v[0], &text, &len);
    assert_int_equal(e, FG_ERR_NOTFOUND);
    assert_non_null(strstr(fg_err_msg(e), "cannot open"));
    assert_non_null(strstr(fg_err_msg(e), "ad/a.txt"));
    /* once written, it reads */
    snprintf(path, sizeof path, "%s/ad", f->dir);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/ad/a.txt", f->dir);
    assert_int_equal(fg_test_write_file(path, "Call now", 8), 0);
    assert_int_equal(fg_eval_read_text(&set.v[0], &text, &len), FG_OK);
    assert_int_equal(len, 8);
    assert_string_equal(text, "Call now");
    free(text);
    fg_eval_set_free(&set);
    /* a missing label file */
    snprintf(path, sizeof path, "%s/nope.tsv", f->dir);
    e = fg_eval_load(&set, path, NULL);
    assert_int_equal(e, FG_ERR_NOTFOUND);
    assert_non_null(strstr(fg_err_msg(e), "nope.tsv"));
}

static void test_name_match(void **state)
{
    (void)state;
    assert_true(fg_eval_name_match("Romano's Deli & Catering", "ROMANOS DELI  CATERING"));
    assert_true(fg_eval_name_match("Romano’s Deli", "Romanos Deli"));
    assert_true(fg_eval_name_match("Gewerbe-Auskunft-Register", "Gewerbe Auskunft Register"));
    assert_true(fg_eval_name_match("Croisières Azur", "CROISIÈRES AZUR"));
    assert_true(fg_eval_name_match("BrewPoint Office Coffee Co.", "Brewpoint Office Coffee Co"));
    /* a legal form is not part of who the advertiser is */
    assert_true(fg_eval_name_match("BenefitsPro Marketing Inc.", "BenefitsPro Marketing"));
    assert_true(fg_eval_name_match("Bureau Discount", "Bureau Discount SARL"));
    assert_true(fg_eval_name_match("Müller Bürotechnik", "Müller Bürotechnik GmbH & Co. KG"));
    assert_false(fg_eval_name_match("Bureau Discount", "Bureau Discount Express SARL"));
    assert_false(fg_eval_name_match("Acme Inc", "Inc"));
    /* OCR of capitals loses accents; the registries fold them, so the identity is the same */
    assert_true(fg_eval_name_match("Croisières Azur", "Croisieres Azur"));
    assert_true(fg_eval_name_match("Arpège Social SAS", "ARPEGE SOCIAL SAS"));
    assert_true(fg_eval_name_match("Straße & Söhne", "STRASSE SOHNE"));
    assert_false(fg_eval_name_match("Croisières Azur", "Croisiere Azur"));   /* a letter lost is not */
    assert_false(fg_eval_name_match("Acme", NULL));
    assert_false(fg_eval_name_match(NULL, "Acme"));
    assert_false(fg_eval_name_match("...", "--"));
    assert_false(fg_eval_name_match("", ""));
}

static fg_eval_row row(fg_eval_label label, const char *adv, const char *cb, fg_eval_tri optout)
{
    fg_eval_row r = {.label = label, .advertiser = (char *)adv, .optout = optout};

    snprintf(r.callback, sizeof r.callback, "%s", cb ? cb : "");
    return r;
}

static void test_marks(void **state)
{
    fg_eval_row ad = row(FG_EVAL_AD, "Toner Depot Direct", "+18665550124", FG_EVAL_YES);
    fg_eval_outcome o = {.judged = true, .adv_name = "Toner Depot", .callback = "+18665550124", .optout_present = true};
    fg_eval_marks m;

    (void)state;
    m = fg_eval_mark(&ad, &o);   /* name wrong, callback right: identified */
    assert_true(m.adv_expected && m.adv_ok && m.optout_expected && m.optout_ok);
    o.callback = "+18665550125";
    o.optout_present = false;
    m = fg_eval_mark(&ad, &o);
    assert_true(m.adv_expected && !m.adv_ok && m.optout_expected && !m.optout_ok);
    o.adv_name = "TONER DEPOT DIRECT";
    o.callback = NULL;
    assert_true(fg_eval_mark(&ad, &o).adv_ok);
    /* an ad labelled with neither name nor callback is not counted */
    fg_eval_row anon = row(FG_EVAL_AD, NULL, NULL, FG_EVAL_UNKNOWN);
    m = fg_eval_mark(&anon, &o);
    assert_false(m.adv_expected || m.adv_ok || m.optout_expected);
    fg_eval_row legit = row(FG_EVAL_LEGIT, NULL, NULL, FG_EVAL_NO);
    o.optout_present = false;
    m = fg_eval_mark(&legit, &o);
    assert_false(m.adv_expected);
    assert_true(m.optout_expected && m.optout_ok);
    /* a row that got no verdict earns nothing */
    o.judged = false;
    m = fg_eval_mark(&ad, &o);
    assert_false(m.adv_expected || m.optout_expected);
}

static void test_tally(void **state)
{
    fg_eval_row ad = row(FG_EVAL_AD, "Acme", NULL, FG_EVAL_YES);
    fg_eval_row legit = row(FG_EVAL_LEGIT, NULL, NULL, FG_EVAL_NO);
    fg_eval_tally t = {0};
    fg_eval_outcome o = {.judged = true};
    static const fg_verdict ad_v[] = {FG_VERDICT_HOLD, FG_VERDICT_DROP, FG_VERDICT_DROP, FG_VERDICT_DELIVER};
    static const fg_verdict legit_v[] = {FG_VERDICT_DELIVER, FG_VERDICT_DELIVER, FG_VERDICT_HOLD, FG_VERDICT_DROP};

    (void)state;
    assert_true(isnan(fg_eval_recall(&t)));
    assert_true(isnan(fg_eval_precision(&t)));
    for (int i = 0; i < 4; i++) {
        o.verdict = ad_v[i];
        o.adv_name = i < 3 ? "ACME" : "Other";
        o.optout_present = true;
        o.ocr = true;
        o.ocr_ms = 100 * (i + 1);
        fg_eval_tally_add(&t, &ad, &o);
        o.verdict = legit_v[i];
        o.optout_present = i == 0;   /* one wrong */
        o.ocr = false;
        fg_eval_tally_add(&t, &legit, &o);
    }
    /* a stage failed: the fail-safe verdict counts, and so does the error */
    o.verdict = FG_VERDICT_DELIVER;
    o.error = true;
    o.optout_present = false;
    fg_eval_tally_add(&t, &legit, &o);
    /* a row that could not be run: an error, in no figure */
    fg_eval_outcome none = {.error = true};
    fg_eval_tally_add(&t, &ad, &none);

    assert_int_equal(t.rows, 10);
    assert_int_equal(t.errors, 2);
    assert_int_equal(t.unjudged, 1);
    assert_int_equal(t.ads, 4);
    assert_int_equal(t.legit, 5);
    assert_int_equal(t.ads_held, 1);
    assert_int_equal(t.ads_dropped, 2);
    assert_int_equal(t.legit_held, 1);
    assert_int_equal(t.legit_dropped, 1);
    assert_true(fabs(fg_eval_recall(&t) - 3.0 / 4) < 1e-9);
    assert_true(fabs(fg_eval_precision(&t) - 3.0 / 5) < 1e-9);
    assert_int_equal(t.adv_expected, 4);
    assert_int_equal(t.adv_ok, 3);
    assert_int_equal(t.optout_expected, 9);
    assert_int_equal(t.optout_ok, 4 + 3 + 1);
    assert_int_equal(t.ocr_n, 4);
    assert_true(fabs(t.ocr_ms_sum / t.ocr_n - 250) < 1e-9);
    assert_true(isnan(fg_eval_ratio(1, 0)));
    assert_true(fabs(fg_eval_ratio(1, 4) - 0.25) < 1e-12);
}

/* Layouts depend on the file name only, and stay within the documented ranges. */
static void test_render_opts(void **state)
{
    static const char *const fonts[] = {"DejaVu Sans", "DejaVu Serif", "Liberation Sans", "Liberation Serif"};
    int fine = 0, stripes = 0, logo = 0, font_seen[4] = {0};
    fg_render_opts a, b;
    char name[64];

    (void)state;
    fg_eval_render_opts("ad/en_x.txt", 0, &a);
    fg_eval_render_opts("ad/en_x.txt", 0, &b);
    assert_memory_equal(&a, &b, sizeof a);
    assert_int_equal(a.paper, FG_PAPER_LETTER);
    fg_eval_render_opts("ad/fr_x.txt", 1, &b);
    assert_int_equal(b.paper, FG_PAPER_A4);
    for (int i = 0; i < 400; i++) {
        snprintf(name, sizeof name, "legit/en_%d.txt", i);
        fg_eval_render_opts(name, 0, &a);
        assert_true(a.size_pt >= 9 && a.size_pt <= 13);
        assert_true(a.noise >= 0 && a.noise <= 4);
        assert_true(fabs(a.skew_deg) <= 1.5);
        assert_true(a.yres == 98 || a.yres == 196);
        fine += a.yres == 196;
        stripes += a.stripes;
        logo += a.logo;
        for (int k = 0; k < 4; k++)
            font_seen[k] += !strcmp(a.font, fonts[k]);
    }
    assert_true(fine > 120 && fine < 280);
    assert_true(stripes > 40 && stripes < 130);
    assert_true(logo > 40 && logo < 130);
    for (int k = 0; k < 4; k++)
        assert_true(font_seen[k] > 50);
}

static void test_is_image(void **state)
{
    (void)state;
    assert_true(fg_eval_is_image("funsd/82092117.png"));
    assert_true(fg_eval_is_image("itu/itu1.TIF"));
    assert_true(fg_eval_is_image("x.tiff"));
    assert_false(fg_eval_is_image("tobacco3482/ADVE_1.txt"));
    assert_false(fg_eval_is_image("dir.png/file"));
    assert_false(fg_eval_is_image("noext"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_load_good, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_malformed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_duplicate_and_missing, setup, teardown),
        cmocka_unit_test(test_name_match),
        cmocka_unit_test(test_marks),
        cmocka_unit_test(test_tally),
        cmocka_unit_test(test_render_opts),
        cmocka_unit_test(test_is_image),
    };

    return cmocka_run_group_tests_name("eval", tests, NULL, NULL);
}
