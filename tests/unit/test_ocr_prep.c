/* faxgate — OCR of degraded fax pages: skew, specks, striped margins, halftone logos, noise (ocr_prep.c). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faxgate/ocr.h"
#include "faxgate/page.h"
#include "ocr_prep.h"
#include "render.h"
#include "testutil.h"

static const char notice[] =
    "# OFFICE COFFEE SERVICE\n"
    "## Fresh beans delivered every week\n"
    "\n"
    "Dear office manager, our brewers are installed free of charge in your break room and we\n"
    "deliver fresh coffee, tea, cups and sugar every Monday. Prices start at twelve dollars per\n"
    "person and month, with no contract and no deposit. Ask for a free tasting this week.\n"
    "\n"
    "Call 1-866-555-0123 or visit www.brewpoint-coffee.example\n"
    "Orders by fax to (312) 555-0188, questions to sales@brewpoint-coffee.example\n"
    "---\n"
    "To stop these faxes call 1-800-555-0166 at any time.\n";

static const char *const notice_words[] = {
    "office",   "coffee",  "service", "fresh",   "beans",   "delivered", "every",   "week",   "dear",
    "manager",  "brewers", "installed", "charge", "break",   "room",      "deliver", "tea",    "cups",
    "sugar",    "monday",  "prices",  "start",   "twelve",  "dollars",   "person",  "month",  "contract",
    "deposit",  "tasting", "orders",  "questions", "stop",  "faxes",     "time"};

typedef struct degr {
    int yres;
    double skew, noise;
    bool stripes, logo;
} degr;

static fg_page *render(const degr *d)
{
    fg_render_opts o;
    fg_page *p = NULL;
    fg_err e;

    fg_render_opts_init(&o);
    o.yres = d->yres;
    o.skew_deg = d->skew;
    o.noise = d->noise;
    o.seed = 42;
    o.stripes = d->stripes;
    o.logo = d->logo;
    if ((e = fg_render_text(notice, strlen(notice), &o, &p)))
        fail_msg("render: %s", fg_err_msg(e));
    return p;
}

static fg_words *read_page(fg_ocr *ocr, const fg_page *p, unsigned steps)
{
    fg_words *w = NULL;
    fg_err e;

    fg_ocr_set_prep(ocr, steps);
    e = fg_ocr_page(ocr, p, &w);
    fg_ocr_set_prep(ocr, FG_PREP_DEFAULT);
    if (e)
        fail_msg("OCR: %s", fg_err_msg(e));
    return w;
}

/* Share of the wanted words among the OCR words, split at anything but letters and digits (a speck
   read as a period glues two words: "Dear.office"). */
static double share(const fg_words *w)
{
    size_t n = sizeof notice_words / sizeof notice_words[0], hit = 0, len = strlen(w->text);
    char *t = malloc(len + 3);

    t[0] = ' ';
    for (size_t i = 0; i < len; i++)
        t[i + 1] = isalnum((unsigned char)w->text[i]) || (unsigned char)w->text[i] >= 0x80
                       ? (char)tolower((unsigned char)w->text[i])
                       : ' ';
    t[len + 1] = ' ';
    t[len + 2] = '\0';
    for (size_t i = 0; i < n; i++) {
        char want[64];

        snprintf(want, sizeof want, " %s ", notice_words[i]);
        hit += strstr(t, want) != NULL;
    }
    free(t);
    return (double)hit / (double)n;
}

/* The digits of the text, separators dropped, contain the number's digits. */
static bool has_digits(const fg_words *w, const char *digits)
{
    char *d = malloc(strlen(w->text) + 1);
    size_t n = 0;
    bool ok;

    for (const char *s = w->text; *s; s++)
        if (isdigit((unsigned char)*s))
            d[n++] = *s;
        else if (!strchr("-(). ", *s))
            d[n++] = '|';
    d[n] = '\0';
    ok = strstr(d, digits) != NULL;
    free(d);
    return ok;
}

static bool has_text(const fg_words *w, const char *needle)
{
    return strcasestr(w->text, needle) != NULL;
}

/* Share of a box's pixels that are black on the page. */
static double ink_in(const fg_page *p, int x0, int y0, int x1, int y1)
{
    long black = 0, all = 0;

    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++) {
            black += (p->bits[(size_t)y * (size_t)p->stride + (size_t)(x >> 3)] >> (7 - (x & 7))) & 1;
            all++;
        }
    return all ? (double)black / (double)all : 0;
}

/* Boxes are on the original page: every word of four letters or more covers ink there, and the
   box of each word is no taller than the skew can make it. */
static void check_boxes(const fg_words *w, const fg_page *p, double skew_deg)
{
    int on_ink = 0, long_words = 0;

    for (size_t i = 0; i < w->n; i++) {
        const fg_word *a = &w->v[i];
        double ink;

        assert_true(a->x0 >= 0 && a->x0 <= a->x1 && a->x1 <= p->width);
        assert_true(a->y0 >= 0 && a->y0 <= a->y1 && a->y1 <= p->height);
        if (strlen(a->text) < 4)
            continue;
        long_words++;
        /* a band through the middle of the box, where a word's letters are whatever the skew */
        ink = ink_in(p, a->x0, a->y0 + (a->y1 - a->y0) / 3, a->x1, a->y1 - (a->y1 - a->y0) / 3);
        on_ink += ink > 0.08;
        /* glyph heights are upright heights, not the height of a tilted box */
        assert_true(a->height_pt > 0 && a->height_pt < 30);
    }
    (void)skew_deg;
    if (on_ink < long_words * 9 / 10)
        fail_msg("%d of %d word boxes lie on ink of the original page", on_ink, long_words);
}

static void test_skew_reads_like_straight(void **state)
{
    static const double skews[] = {2, -2, 3, -3};
    degr d = {196, 0, 0, false, false};
    fg_page *p = render(&d);
    fg_words *w = read_page(*state, p, FG_PREP_DEFAULT);
    double straight = share(w);

    assert_true(straight >= 0.9);
    fg_words_free(w);
    fg_page_free(p);
    for (int r = 0; r < 2; r++)
        for (size_t i = 0; i < sizeof skews / sizeof skews[0]; i++) {
            double got;

            d.yres = r ? 98 : 196;
            d.skew = skews[i];
            p = render(&d);
            w = read_page(*state, p, FG_PREP_DEFAULT);
            got = share(w);
            if (got < straight - 0.05)
                fail_msg("skew %.0f at %d lpi: %.0f%% of the words, straight %.0f%%", skews[i], d.yres, got * 100,
                         straight * 100);
            assert_true(has_digits(w, "8665550123"));
            check_boxes(w, p, skews[i]);
            fg_words_free(w);
            fg_page_free(p);
        }
}

static void test_specks_keep_numbers_and_urls(void **state)
{
    for (int r = 0; r < 2; r++) {
        degr d = {r ? 98 : 196, 0, 12, false, false};
        fg_page *p = render(&d);
        fg_words *w = read_page(*state, p, FG_PREP_DEFAULT);

        if (share(w) < 0.85)
            fail_msg("%.0f%% of the words at %d lpi: %s", share(w) * 100, d.yres, w->text);
        assert_true(has_digits(w, "8665550123"));
        assert_true(has_digits(w, "3125550188"));
        assert_true(has_digits(w, "8005550166"));
        assert_true(has_text(w, "brewpoint-coffee.example"));
        check_boxes(w, p, 0);
        fg_words_free(w);
        fg_page_free(p);
    }
}

static void test_striped_margin(void **state)
{
    for (int r = 0; r < 2; r++) {
        degr d = {r ? 98 : 196, 0, 0, true, false};
        fg_page *p = render(&d);
        fg_words *w = read_page(*state, p, FG_PREP_DEFAULT);

        assert_true(share(w) >= 0.9);
        assert_true(has_digits(w, "8665550123"));
        assert_true(fg_ocr_prep_stats(*state)->margin_left > 0);
        /* nothing is read in the band of stripes */
        for (size_t i = 0; i < w->n; i++)
            assert_true(w->v[i].x1 > fg_ocr_prep_stats(*state)->margin_left);
        fg_words_free(w);
        fg_page_free(p);
    }
}

static void test_halftone_logo(void **state)
{
    for (int r = 0; r < 2; r++) {
        degr d = {r ? 98 : 196, 0, 0, false, true};
        fg_page *p = render(&d);
        fg_words *w = read_page(*state, p, FG_PREP_DEFAULT);

        assert_true(share(w) >= 0.9);
        assert_true(has_digits(w, "8665550123"));
        check_boxes(w, p, 0);
        fg_words_free(w);
        fg_page_free(p);
    }
}

/* A real form whose dithered logo banner made Tesseract give up on everything below it. */
static void test_halftone_banner_corpus(void **state)
{
    static const char *const want[] = {"Supv/Mgr", "Employee", "Leave:", "Date(s):", "Days:", "Comments",
                                       "Approved", "Manager's"};
    char buf[1024];
    const char *path = fg_test_corpus("asterisk/1page.tif", buf, sizeof buf);
    fg_page *p;
    fg_words *w;

    if (!path)
        fg_test_skip("corpus asterisk/1page.tif is absent (../shared/corpus or $FAXGATE_CORPUS)");
    assert_int_equal(fg_page_read_tiff(path, 0, &p), FG_OK);
    w = read_page(*state, p, FG_PREP_DEFAULT);
    assert_true(fg_ocr_prep_stats(*state)->halftone_px > 0);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (!strstr(w->text, want[i]))
            fail_msg("'%s' not read: %s", want[i], w->text);
    check_boxes(w, p, 0);
    fg_words_free(w);
    fg_page_free(p);
}

/* A page of random noise comes back, cut and saying so, instead of holding a worker. */
static void test_noise_page_bounded(void **state)
{
    uint64_t s = 12345;
    fg_page *p;
    fg_words *w;
    size_t n;

    assert_int_equal(fg_page_new(1728, 2292, 204, 196, &p), FG_OK);
    n = (size_t)p->stride * (size_t)p->height;
    /* a fifth of the pixels black: clusters of every size (half black is one big blob, cheap to read) */
    for (size_t i = 0; i < n; i++) {
        uint8_t v = 0;

        for (int k = 0; k < 8; k++) {
            s = s * 6364136223846793005ull + 1442695040888963407ull;
            if ((s >> 33) % 5 == 0)
                v |= (uint8_t)(0x80 >> k);
        }
        p->bits[i] = v;
    }
    w = read_page(*state, p, FG_PREP_DEFAULT);
    assert_true(w->truncated);
    assert_true(fg_ocr_prep_stats(*state)->junk);
    fg_words_free(w);
    fg_page_free(p);
}

/* The rotation that deskews is undone exactly on boxes: a point goes back where it was. */
static void test_unmap_inverts_rotation(void **state)
{
    PIX *pix = pixCreate(400, 300, 1), *rot;
    fg_prep_map m = {.w = 400, .h = 300, .rep = 1, .angle = 0.05};
    l_int32 l = 400, t = 300, r = -1, b = -1;

    (void)state;
    pixSetPixel(pix, 350, 60, 1);
    rot = pixRotateShear(pix, 200, 150, 0.05f, L_BRING_IN_WHITE);
    for (int y = 0; y < 300; y++)
        for (int x = 0; x < 400; x++) {
            l_uint32 v;

            pixGetPixel(rot, x, y, &v);
            if (v) {
                l = x < l ? x : l;
                r = x > r ? x : r;
                t = y < t ? y : t;
                b = y > b ? y : b;
            }
        }
    assert_true(r >= 0);
    r++;
    b++;
    fg_prep_unmap(&m, &l, &t, &r, &b);
    assert_true(l <= 351 && r >= 350 && t <= 61 && b >= 60);
    assert_true(r - l < 6 && b - t < 6);
    pixDestroy(&rot);
    pixDestroy(&pix);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unmap_inverts_rotation),
        cmocka_unit_test(test_skew_reads_like_straight),
        cmocka_unit_test(test_specks_keep_numbers_and_urls),
        cmocka_unit_test(test_striped_margin),
        cmocka_unit_test(test_halftone_logo),
        cmocka_unit_test(test_halftone_banner_corpus),
        cmocka_unit_test(test_noise_page_bounded),
    };

    return cmocka_run_group_tests_name("ocr_prep", tests, fg_test_ocr_setup, fg_test_ocr_teardown);
}
