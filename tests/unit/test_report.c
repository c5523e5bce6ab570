/* faxgate — complaint reports: the wording tables and the PDF writer (host/common/report_*.c).
   The whole command, from real calls to poppler's reading of the PDF, is tests/e2e/report.sh. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "faxgate/policy.h"
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_labels_complete),
        cmocka_unit_test(test_every_profile_has_its_wording),
        cmocka_unit_test(test_pdf_hostile_text),
        cmocka_unit_test(test_pdf_unwritable),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
