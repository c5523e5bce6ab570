/* faxgate — the text-to-fax renderer: geometry, ink, markup, noise, header, hostile text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faxgate/page.h"
#include "render.h"
#include "testutil.h"

static const char letter[] =
    "# Spring Catalogue\n"
    "Dear customer,\n"
    "\n"
    "Our new catalogue is out, with three hundred office products at prices you will like, and free delivery.\n";

static fg_page *render(const char *text, const fg_render_opts *o)
{
    fg_page *p = NULL;
    fg_err e = fg_render_text(text, strlen(text), o, &p);

    if (e)
        fail_msg("render failed: %s", fg_err_msg(e));
    return p;
}

static int px(const fg_page *p, int x, int y)
{
    return (p->bits[(size_t)y * (size_t)p->stride + (size_t)(x >> 3)] >> (7 - (x & 7))) & 1;
}

/* Black pixels in the rectangle [x0, x1) x [y0, y1). */
static long ink_in(const fg_page *p, int x0, int y0, int x1, int y1)
{
    long n = 0;

    for (int y = y0; y < y1 && y < p->height; y++)
        for (int x = x0; x < x1 && x < p->width; x++)
            n += px(p, x, y);
    return n;
}

/* First and last rows with ink, -1 if none. */
static void ink_rows(const fg_page *p, int *first, int *last)
{
    *first = *last = -1;
    for (int y = 0; y < p->height; y++)
        if (ink_in(p, 0, y, p->width, y + 1)) {
            if (*first < 0)
                *first = y;
            *last = y;
        }
}

static void test_geometry(void **state)
{
    static const struct {
        int yres;
        fg_render_paper paper;
        int height;
    } cases[] = {
        {196, FG_PAPER_A4, 2292}, {98, FG_PAPER_A4, 1146}, {196, FG_PAPER_LETTER, 2156}, {98, FG_PAPER_LETTER, 1078},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fg_render_opts o;
        fg_page *p;

        fg_render_opts_init(&o);
        o.yres = cases[i].yres;
        o.paper = cases[i].paper;
        p = render(letter, &o);
        assert_int_equal(p->width, 1728);
        assert_int_equal(p->height, cases[i].height);
        assert_int_equal(fg_render_page_height(cases[i].paper, cases[i].yres), cases[i].height);
        assert_int_equal(p->stride, 216);
        assert_int_equal(p->xres, 204);
        assert_int_equal(p->yres, cases[i].yres);
        fg_page_free(p);
    }
}

static void test_ink_is_sane(void **state)
{
    fg_page *fine, *std;
    int first, last;
    double ink;

    (void)state;
    fine = render(letter, NULL);
    ink = fg_page_ink(fine);
    /* a few lines of text: some ink, far from a black page */
    assert_true(ink > 0.002 && ink < 0.05);
    /* margins: nothing left of 20 mm, nothing above 15 mm, and text stays on the upper part */
    assert_int_equal(ink_in(fine, 0, 0, 150, fine->height), 0);
    ink_rows(fine, &first, &last);
    assert_true(first >= 110 && first < 200);
    assert_true(last < fine->height / 2);
    {
        fg_render_opts o;

        fg_render_opts_init(&o);
        o.yres = 98;
        std = render(letter, &o);
    }
    /* the same text at standard resolution covers about half the rows and the same share of the page */
    assert_true(fg_page_ink(std) > ink * 0.7 && fg_page_ink(std) < ink * 1.3);
    fg_page_free(fine);
    fg_page_free(std);
}

static void test_noise_is_reproducible(void **state)
{
    fg_render_opts o;
    fg_page *a, *b, *c, *clean;
    char ha[65], hb[65], hc[65], h0[65];

    (void)state;
    fg_render_opts_init(&o);
    clean = render(letter, &o);
    o.noise = 4;
    o.seed = 42;
    a = render(letter, &o);
    b = render(letter, &o);
    o.seed = 43;
    c = render(letter, &o);
    fg_page_sha256(a, ha);
    fg_page_sha256(b, hb);
    fg_page_sha256(c, hc);
    fg_page_sha256(clean, h0);
    assert_string_equal(ha, hb);
    assert_string_not_equal(ha, hc);
    assert_string_not_equal(ha, h0);
    /* speckles land all over the page, also where the clean page is white */
    assert_true(ink_in(a, 0, clean->height / 2, a->width, a->height) > 100);
    assert_int_equal(ink_in(clean, 0, clean->height / 2, a->width, a->height), 0);
    fg_page_free(a);
    fg_page_free(b);
    fg_page_free(c);
    fg_page_free(clean);
}

static void test_accents_render(void **state)
{
    static const char *const pairs[][2] = {{"e e e e", "é è ê ë"}, {"a u o", "à ü ô"}, {"C c", "Ç ç"},
                                           {"Strasse", "Straße"}};

    (void)state;
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        fg_page *plain = render(pairs[i][0], NULL), *acc = render(pairs[i][1], NULL);
        char h1[65], h2[65];

        fg_page_sha256(plain, h1);
        fg_page_sha256(acc, h2);
        assert_string_not_equal(h1, h2);
        /* accents add ink (a missing glyph would be a box or nothing at all) */
        if (i < 3)
            assert_true(fg_page_ink(acc) > fg_page_ink(plain));
        assert_true(fg_page_ink(acc) > 0);
        fg_page_free(plain);
        fg_page_free(acc);
    }
}

static void test_header_at_top(void **state)
{
    fg_render_opts o;
    fg_page *with, *without;

    (void)state;
    fg_render_opts_init(&o);
    without = render(letter, &o);
    o.header = "NOV-27-2026 14:02  FROM: ACME SUPPLY  +1 312 555 0142  P.1/1";
    with = render(letter, &o);
    assert_true(ink_in(with, 0, 0, with->width, 40) > 200);
    assert_int_equal(ink_in(without, 0, 0, without->width, 40), 0);
    /* the header is small type on one line, and it does not move the body */
    assert_int_equal(ink_in(with, 0, 45, with->width, 100), 0);
    assert_int_equal(ink_in(with, 0, 100, with->width, with->height),
                     ink_in(without, 0, 100, without->width, without->height));
    /* at standard resolution it is still in the top rows */
    o.yres = 98;
    fg_page_free(with);
    with = render(letter, &o);
    assert_true(ink_in(with, 0, 0, with->width, 20) > 100);
    fg_page_free(with);
    fg_page_free(without);
}

static void test_markup(void **state)
{
    fg_page *p;
    int first, last, head_h, body_h;

    (void)state;
    /* right-aligned: ink only in the right half */
    p = render("> ACME Office Supply Inc.", NULL);
    assert_int_equal(ink_in(p, 0, 0, 864, p->height), 0);
    assert_true(ink_in(p, 1728 - 170, 0, 1728 - 160, p->height) > 0);
    fg_page_free(p);
    /* centred: ink on both sides of the middle, none near either margin */
    p = render("^ CALL NOW", NULL);
    assert_true(ink_in(p, 700, 0, 864, p->height) > 0 && ink_in(p, 864, 0, 1030, p->height) > 0);
    assert_int_equal(ink_in(p, 0, 0, 500, p->height), 0);
    fg_page_free(p);
    /* a heading is taller than a body line; "\" keeps the marker as text */
    p = render("# HEADING", NULL);
    ink_rows(p, &first, &last);
    head_h = last - first;
    fg_page_free(p);
    p = render("HEADING", NULL);
    ink_rows(p, &first, &last);
    body_h = last - first;
    fg_page_free(p);
    assert_true(head_h > body_h * 17 / 10);
    p = render("\\# HEADING", NULL);
    ink_rows(p, &first, &last);
    assert_true(last - first < head_h);
    fg_page_free(p);
    /* a rule spans the text width */
    p = render("---", NULL);
    assert_true(ink_in(p, 165, 0, 170, p->height) > 0 && ink_in(p, 1558, 0, 1562, p->height) > 0);
    fg_page_free(p);
}

static void test_wrap_and_overflow(void **state)
{
    fg_render_opts o;
    fg_render_info info;
    fg_page *p;
    char *big;
    size_t n = 0;

    (void)state;
    fg_render_opts_init(&o);
    assert_int_equal(fg_render_text_info(letter, strlen(letter), &o, &p, &info), FG_OK);
    assert_int_equal(info.lines, 5);   /* heading, line, blank, and the long line wrapped in two */
    assert_int_equal(info.lines_cut, 0);
    assert_string_equal(info.font, "DejaVu Sans");
    assert_true(info.font_exact);
    fg_page_free(p);
    o.wrap = false;
    assert_int_equal(fg_render_text_info(letter, strlen(letter), &o, &p, &info), FG_OK);
    assert_int_equal(info.lines, 4);
    fg_page_free(p);
    /* more lines than a page holds: drawn to the bottom margin, the rest counted */
    big = malloc(200 * 16);
    for (int i = 0; i < 200; i++)
        n += (size_t)sprintf(big + n, "line %d\n", i);
    o.wrap = true;
    assert_int_equal(fg_render_text_info(big, n, &o, &p, &info), FG_OK);
    assert_true(info.lines > 40 && info.lines_cut > 100 && info.lines + info.lines_cut == 200);
    assert_int_equal(ink_in(p, 0, p->height - 70, p->width, p->height), 0);
    fg_page_free(p);
    free(big);
}

static void test_furniture(void **state)
{
    fg_render_opts o;
    fg_page *plain, *p;

    (void)state;
    fg_render_opts_init(&o);
    plain = render(letter, &o);
    o.stripes = true;
    p = render(letter, &o);
    /* stripes in the left margin, all the way down */
    assert_true(ink_in(p, 0, p->height - 300, 100, p->height - 100) > 1000);
    assert_int_equal(ink_in(plain, 0, 0, 100, plain->height), 0);
    fg_page_free(p);
    o.stripes = false;
    o.logo = true;
    p = render(letter, &o);
    /* a dithered box: neither white nor solid */
    {
        long in = ink_in(p, 170, 130, 450, 250);

        assert_true(in > 280 * 120 / 10 && in < 280 * 120 * 9 / 10);
    }
    fg_page_free(p);
    o.logo = false;
    o.skew_deg = 2;
    p = render(letter, &o);
    assert_true(fg_page_ink(p) > fg_page_ink(plain) * 0.9 && fg_page_ink(p) < fg_page_ink(plain) * 1.1);
    {
        char h1[65], h2[65];

        fg_page_sha256(p, h1);
        fg_page_sha256(plain, h2);
        assert_string_not_equal(h1, h2);
    }
    fg_page_free(p);
    fg_page_free(plain);
}

static void test_fonts(void **state)
{
    static const char *const families[] = {"DejaVu Sans", "DejaVu Serif", "DejaVu Sans Mono", "Liberation Sans",
                                           "Liberation Serif", "Liberation Mono"};
    char actual[128];
    bool exact;

    (void)state;
    for (size_t i = 0; i < sizeof families / sizeof families[0]; i++) {
        fg_render_opts o;
        fg_page *p;

        assert_int_equal(fg_render_font_match(families[i], false, actual, sizeof actual, &exact), FG_OK);
        if (!exact) {
            fprintf(stderr, "# %s is not installed (fonts-dejavu-core, fonts-liberation)\n", families[i]);
            continue;
        }
        assert_string_equal(actual, families[i]);
        fg_render_opts_init(&o);
        o.font = families[i];
        p = render(letter, &o);
        assert_true(fg_page_ink(p) > 0.002);
        fg_page_free(p);
    }
    assert_int_equal(fg_render_font_match("No Such Font Family 42", false, actual, sizeof actual, &exact), FG_OK);
    assert_false(exact);
    assert_true(actual[0] != '\0');
    assert_int_equal(fg_render_font_match("monospace", true, actual, sizeof actual, &exact), FG_OK);
    assert_true(exact);
}

static void test_refuses_bad_input(void **state)
{
    fg_render_opts o;
    fg_page *p = NULL;
    char *huge;

    (void)state;
    assert_int_equal(fg_render_text("", 0, NULL, &p), FG_ERR_FORMAT);
    assert_int_equal(fg_render_text(" \n\t\r\n\x01", 6, NULL, &p), FG_ERR_FORMAT);
    assert_non_null(strstr(fg_err_msg(FG_ERR_FORMAT), "empty"));
    assert_null(p);
    fg_render_opts_init(&o);
    o.yres = 150;
    assert_int_equal(fg_render_text(letter, strlen(letter), &o, &p), FG_ERR_INVAL);
    assert_non_null(strstr(fg_err_msg(FG_ERR_INVAL), "98"));
    fg_render_opts_init(&o);
    o.size_pt = 0;
    assert_int_equal(fg_render_text(letter, strlen(letter), &o, &p), FG_ERR_INVAL);
    fg_render_opts_init(&o);
    o.skew_deg = 90;
    assert_int_equal(fg_render_text(letter, strlen(letter), &o, &p), FG_ERR_INVAL);
    fg_render_opts_init(&o);
    o.margin_left_mm = 81;
    assert_int_equal(fg_render_text(letter, strlen(letter), &o, &p), FG_ERR_INVAL);
    huge = malloc(FG_RENDER_MAX_TEXT + 1);
    memset(huge, 'x', FG_RENDER_MAX_TEXT + 1);
    assert_int_equal(fg_render_text(huge, FG_RENDER_MAX_TEXT + 1, NULL, &p), FG_ERR_TOOBIG);
    assert_null(p);
    free(huge);
}

static void test_hostile_text(void **state)
{
    static const char bad[] = "ok \xff\xfe bad \xc3 cut \xed\xa0\x80 surrogate \xf4\x90\x80\x80 big\n"
                              "nul\0inside \x1b[31m escape \xc2\x85 c1 \xe2\x80\xae rlo\n";
    fg_render_info info;
    fg_page *p;
    char *word;

    (void)state;
    /* invalid UTF-8 must not stop cairo (it refuses the whole string): the line still draws */
    assert_int_equal(fg_render_text_info(bad, sizeof bad - 1, NULL, &p, &info), FG_OK);
    assert_int_equal(info.lines, 2);
    assert_true(ink_in(p, 0, 0, p->width, p->height) > 500);
    fg_page_free(p);
    /* one word of the largest allowed size: broken across lines, cut at the page end, quickly */
    word = malloc(FG_RENDER_MAX_TEXT);
    memset(word, 'W', FG_RENDER_MAX_TEXT);
    assert_int_equal(fg_render_text_info(word, FG_RENDER_MAX_TEXT, NULL, &p, &info), FG_OK);
    assert_true(info.lines > 40 && info.lines_cut == 1);
    assert_true(fg_page_ink(p) > 0.05);
    fg_page_free(p);
    free(word);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_geometry),
        cmocka_unit_test(test_ink_is_sane),
        cmocka_unit_test(test_noise_is_reproducible),
        cmocka_unit_test(test_accents_render),
        cmocka_unit_test(test_header_at_top),
        cmocka_unit_test(test_markup),
        cmocka_unit_test(test_wrap_and_overflow),
        cmocka_unit_test(test_furniture),
        cmocka_unit_test(test_fonts),
        cmocka_unit_test(test_refuses_bad_input),
        cmocka_unit_test(test_hostile_text),
    };

    return cmocka_run_group_tests_name("render", tests, NULL, NULL);
}
