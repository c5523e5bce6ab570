/* faxgate — complaint reports: the wording tables, the PDF writer and what fg_report_new refuses
   (host/common/report_*.c).
   The whole command, from real calls to poppler's reading of the PDF, is tests/e2e/report.sh. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "faxgate/policy.h"
#include "report.h"
#include "report_labels.h"
#include "report_pdf.h"
#include "testutil.h"

/* Every profile's table has every label, none empty. */
static void test_labels_complete(void **state)
{
    const fg_report_labels *l;
    int n = 0;

    (void)state;
    for (int i = 0; (l = fg_report_labels_at(i)); i++, n++) {
        assert_non_null(l->profile);
#define CHECK(name)                                                                                    \
    if (!l->name || !*l->name)                                                                         \
        fail_msg("the report wording of profile %s has no %s", l->profile, #name);
        FG_REPORT_LABELS(CHECK)
#undef CHECK
    }
    assert_int_equal(n, 7);   /* us fr de uk ca au eu */
}

/* Each profile the policy knows has wording of its own, not the generic fallback. */
static void test_every_profile_has_its_wording(void **state)
{
    const char *const *names = fg_policy_profiles();

    (void)state;
    for (size_t i = 0; names[i]; i++)
        if (strcmp(fg_report_labels_for(names[i])->profile, names[i]))
            fail_msg("profile %s has no report wording in host/common/report_labels.c", names[i]);
    assert_string_equal(fg_report_labels_for("zz")->profile, "eu");
    assert_string_equal(fg_report_labels_for(NULL)->profile, "eu");
    assert_true(fg_report_labels_for("us")->letter);
    assert_false(fg_report_labels_for("fr")->letter);
    assert_string_equal(fg_report_labels_for("fr")->date, "Date et heure de réception");
}

/* Hostile text (OCR output) never stops cairo: invalid UTF-8, control bytes, one endless word. */
static void test_pdf_hostile_text(void **state)
{
    char dir[256], path[300], word[3000];
    fg_page *p = NULL;
    fg_pdf *d = NULL;
    const char *cells[] = {"a", "b\x01", "\xff\xfe", "d"};
    const double widths[] = {0.5, 0.5};
    struct stat sb;

    (void)state;
    assert_int_equal(fg_test_tmpdir(dir, sizeof dir), 0);
    snprintf(path, sizeof path, "%s/r.pdf", dir);
    memset(word, 'W', sizeof word - 1);
    word[sizeof word - 1] = '\0';
    assert_int_equal(fg_pdf_open(path, false, "t\xc3", &d), FG_OK);
    fg_pdf_heading(d, "bad \xc3\x28 utf-8\r\n\x1b[31m");
    fg_pdf_field(d, "label\x7f", NULL);
    fg_pdf_field(d, "long", word);
    fg_pdf_mono(d, "hash", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\nmatches");
    fg_pdf_table(d, 2, widths, cells, 2);
    for (int i = 0; i < 200; i++)
        fg_pdf_text(d, "a paragraph long enough to run over several sheets of paper, line after line");
    assert_true(fg_pdf_sheets(d) > 1);
    assert_int_equal(fg_page_new(1728, 1100, 204, 98, &p), FG_OK);
    p->bits[0] = 0x80;
    fg_pdf_image(d, p, "page 1");
    fg_pdf_missing(d, "page 2", "page image missing: /nowhere (No such file or directory)");
    fg_page_free(p);
    assert_int_equal(fg_pdf_close(d), FG_OK);
    assert_int_equal(stat(path, &sb), 0);
    assert_true(sb.st_size > 1000);
    fg_test_rm_rf(dir);
}

static void test_pdf_unwritable(void **state)
{
    fg_pdf *d = NULL;
    fg_err e;

    (void)state;
    e = fg_pdf_open("/nonexistent-folder/r.pdf", true, "t", &d);
    assert_int_equal(e, FG_ERR_NOTFOUND);
    assert_null(d);
    assert_non_null(strstr(fg_err_msg(e), "cannot write the report /nonexistent-folder/r.pdf"));
    assert_non_null(strstr(fg_err_msg(e), strerror(ENOENT)));
    assert_int_equal(fg_pdf_close(NULL), FG_OK);
}

/* What faxgatectl report and the web admin both rely on to answer 2/400 or 3/404: the kind of
   error, and a message that lists the known profiles. */
static void test_report_refusals(void **state)
{
    char dir[512], db[600], list[256];
    fg_report *r = (fg_report *)1;
    fg_config *cfg;
    fg_store *st;
    fg_err e;

    (void)state;
    assert_int_equal(fg_test_tmpdir(dir, sizeof dir), 0);
    snprintf(db, sizeof db, "%s/faxgate.db", dir);
    assert_int_equal(fg_store_open(db, &st), FG_OK);
    assert_int_equal(fg_config_new(&cfg), FG_OK);
    fg_report_profiles(list, sizeof list);
    assert_string_equal(list, "us, fr, de, eu, uk, ca, au");

    e = fg_report_new(st, cfg, 1, NULL, "xx", NULL, NULL, &r);
    assert_int_equal(e, FG_ERR_INVAL);
    assert_null(r);
    assert_non_null(strstr(fg_err_msg(e), "unknown profile 'xx': the known profiles are us, fr, de, eu, uk, ca, au"));
    assert_int_equal(fg_report_new(st, cfg, 42, NULL, "us", NULL, NULL, &r), FG_ERR_NOTFOUND);
    assert_null(r);
    e = fg_report_new(st, cfg, 0, "Nobody Ltd", "us", NULL, NULL, &r);
    assert_int_equal(e, FG_ERR_NOTFOUND);
    assert_non_null(strstr(fg_err_msg(e), "names the advertiser 'Nobody Ltd'"));
    /* one call or one advertiser, not both nor neither */
    assert_int_equal(fg_report_new(st, cfg, 1, "Nobody Ltd", "us", NULL, NULL, &r), FG_ERR_INVAL);
    assert_int_equal(fg_report_new(st, cfg, 0, NULL, "us", NULL, NULL, &r), FG_ERR_INVAL);
    assert_true(fg_report_bundle_name_ok("b.TAR") && fg_report_bundle_name_ok("b.zip"));
    assert_false(fg_report_bundle_name_ok("b.rar"));
    fg_report_free(NULL);
    fg_config_free(cfg);
    fg_store_close(st);
    fg_test_rm_rf(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_labels_complete),
        cmocka_unit_test(test_every_profile_has_its_wording),
        cmocka_unit_test(test_pdf_hostile_text),
        cmocka_unit_test(test_pdf_unwritable),
        cmocka_unit_test(test_report_refusals),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
