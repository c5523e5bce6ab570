/* faxgate — the paper a fax prints on (media.c): the length rule, a whole fax from its TIFF,
   and where a page lands on the sheet. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faxgate/deliver.h"
#include "faxgate/page.h"
#include "testutil.h"

static void test_length_rule(void **state)
{
    (void)state;
    /* Letter scans: 11 in at every fax resolution (1078 rows at 98 lpi, 2156 at 196, 4312 at 391) */
    assert_int_equal(fg_media_size_for_length(279.4), FG_MEDIA_LETTER);
    assert_int_equal(fg_media_size_for_length(25.4 * 1078 / 98), FG_MEDIA_LETTER);
    assert_int_equal(fg_media_size_for_length(25.4 * 4312 / 391), FG_MEDIA_LETTER);
    assert_int_equal(fg_media_size_for_length(285.0), FG_MEDIA_LETTER);   /* a little long */
    assert_int_equal(fg_media_size_for_length(265.0), FG_MEDIA_LETTER);   /* a little short */
    /* A4 scans, and every other length: A4 */
    assert_int_equal(fg_media_size_for_length(297.0), FG_MEDIA_A4);
    assert_int_equal(fg_media_size_for_length(25.4 * 2292 / 196), FG_MEDIA_A4);
    assert_int_equal(fg_media_size_for_length(289.0), FG_MEDIA_A4);       /* past the midpoint */
    assert_int_equal(fg_media_size_for_length(150.0), FG_MEDIA_A4);       /* a short page */
    assert_int_equal(fg_media_size_for_length(355.6), FG_MEDIA_A4);       /* US Legal, shrunk to A4 */
    assert_int_equal(fg_media_size_for_length(0), FG_MEDIA_A4);
    assert_string_equal(fg_media_of(FG_MEDIA_A4)->pwg, "iso_a4_210x297mm");
    assert_string_equal(fg_media_of(FG_MEDIA_LETTER)->pwg, "na_letter_8.5x11in");
    assert_ptr_equal(fg_media_of(FG_MEDIA_AUTO), fg_media_of(FG_MEDIA_A4));
}

static void write_pages(const char *tiff, const int *heights, const int *yres, int n)
{
    for (int i = 0; i < n; i++) {
        fg_page *p;

        assert_int_equal(fg_page_new(1728, heights[i], 204, yres[i], &p), FG_OK);
        assert_int_equal(fg_page_write_tiff(p, tiff, i > 0), FG_OK);
        fg_page_free(p);
    }
}

/* One paper for the whole fax, decided by its longest page; an explicit choice wins. */
static void test_fax_media(void **state)
{
    static const int letter_h[] = {2156, 700}, letter_r[] = {196, 98};   /* 11 in, then a short last page */
    static const int a4_h[] = {1078, 2292}, a4_r[] = {98, 196};          /* Letter, then an A4 page */
    char dir[256], tiff[300];
    const fg_media *m;

    (void)state;
    assert_int_equal(fg_test_tmpdir(dir, sizeof dir), 0);
    snprintf(tiff, sizeof tiff, "%s/letter.tif", dir);
    write_pages(tiff, letter_h, letter_r, 2);
    assert_int_equal(fg_media_for_tiff(tiff, FG_MEDIA_AUTO, &m), FG_OK);
    assert_string_equal(m->name, "Letter");
    assert_int_equal(fg_media_for_tiff(tiff, FG_MEDIA_A4, &m), FG_OK);
    assert_string_equal(m->name, "A4");
    snprintf(tiff, sizeof tiff, "%s/mixed.tif", dir);
    write_pages(tiff, a4_h, a4_r, 2);
    assert_int_equal(fg_media_for_tiff(tiff, FG_MEDIA_AUTO, &m), FG_OK);
    assert_string_equal(m->name, "A4");
    assert_int_equal(fg_media_for_tiff(tiff, FG_MEDIA_LETTER, &m), FG_OK);
    assert_string_equal(m->name, "Letter");
    assert_int_equal(fg_media_for_tiff("/nonexistent.tif", FG_MEDIA_AUTO, &m), FG_ERR_NOTFOUND);
    fg_test_rm_rf(dir);
}

/* Scaled down to fit, never up, proportions kept, centred across, at the top margin. */
static void test_place(void **state)
{
    const fg_media *a4 = fg_media_of(FG_MEDIA_A4), *letter = fg_media_of(FG_MEDIA_LETTER);
    fg_place at;

    (void)state;
    /* a 215 x 297 mm A4 fax on A4: only the width is too much (210 mm): 97.7 % */
    fg_media_place(a4, 1728, 2292, 204, 196, 0, 0, &at);
    assert_float_equal(at.w_pt, a4->width_pt, 0.01);
    assert_float_equal(at.scale, 595.2756 / (1728 * 72.0 / 204), 1e-6);
    assert_float_equal(at.x_pt, 0, 0.01);
    assert_float_equal(at.y_pt, 0, 0.01);
    assert_true(at.h_pt < a4->height_pt);
    /* a Letter fax on Letter: 8.47 in is narrower than 8.5, 11 in fits: full size, centred */
    fg_media_place(letter, 1728, 2156, 204, 196, 0, 0, &at);
    assert_float_equal(at.scale, 1.0, 1e-9);
    assert_float_equal(at.h_pt, 792.0, 0.01);
    assert_float_equal(at.x_pt, (612.0 - 1728 * 72.0 / 204) / 2, 0.01);
    /* a short page is not enlarged */
    fg_media_place(a4, 1000, 500, 204, 98, 0, 0, &at);
    assert_float_equal(at.scale, 1.0, 1e-9);
    assert_float_equal(at.x_pt + at.w_pt / 2, a4->width_pt / 2, 0.01);
    /* a Legal page (14 in) on Letter with margins: the length decides, proportions kept */
    fg_media_place(letter, 1728, 1372, 204, 98, 18, 12, &at);
    assert_float_equal(at.y_pt, 12, 1e-9);
    assert_float_equal(at.h_pt, 792.0 - 24, 0.01);
    assert_float_equal(at.w_pt / at.h_pt, (1728.0 / 204) / (1372.0 / 98), 1e-6);
    assert_true(at.x_pt >= 18);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_length_rule),
        cmocka_unit_test(test_fax_media),
        cmocka_unit_test(test_place),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
