/* faxgate — OCR with Tesseract: rendered pages read back, reading order, hostile pages, languages. */
#include <ctype.h>
#include <dirent.h>
#include <omp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "faxgate/ocr.h"
#include "faxgate/page.h"
#include "render.h"
#include "testutil.h"

static const char ad_text[] =
    "# HUGE TONER SALE\n"
    "## Save up to 70% on printer supplies\n"
    "\n"
    "Dear Office Manager,\n"
    "\n"
    "We are pleased to offer your business our lowest prices ever on laser toner cartridges,\n"
    "inkjet refills and copy paper. Free delivery on orders over $99 within the continental\n"
    "United States. Quantities are limited, so order now.\n"
    "\n"
    "^ ! CALL TOLL FREE 1-877-555-0142 TODAY\n"
    "> ACME Office Supply Inc.\n"
    "---\n"
    "To be removed from our list, call 1-800-555-0199.\n";

static const char *const ad_words[] = {"huge", "toner", "sale", "save", "printer", "supplies", "dear",
                                       "office", "manager", "pleased", "business", "lowest", "prices",
                                       "laser", "cartridges", "inkjet", "refills", "paper", "delivery",
                                       "orders", "continental", "united", "states", "quantities", "limited",
                                       "call", "toll", "free", "today", "acme", "supply", "removed"};

static const char lettre_text[] =
    "> Lyon, le 12 novembre 2026\n"
    "\n"
    "Objet : confirmation de votre commande numéro 4471\n"
    "\n"
    "Madame, Monsieur,\n"
    "\n"
    "Nous avons bien reçu votre commande et nous vous en remercions. Les articles seront\n"
    "expédiés depuis notre entrepôt de Villeurbanne dès réception de votre règlement.\n"
    "Le délai de livraison habituel est de cinq jours ouvrés. Notre service clientèle reste\n"
    "à votre disposition du lundi au vendredi.\n"
    "\n"
    "Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées.\n"
    "\n"
    "> Hélène Dupré\n";

static const char *const lettre_words[] = {"lyon", "novembre", "objet", "confirmation", "commande", "numéro",
                                           "madame", "monsieur", "reçu", "remercions", "articles", "expédiés",
                                           "entrepôt", "villeurbanne", "réception", "règlement", "délai",
                                           "livraison", "habituel", "jours", "ouvrés", "clientèle",
                                           "disposition", "lundi", "vendredi", "veuillez", "agréer",
                                           "expression", "salutations", "distinguées", "hélène", "dupré"};

static fg_page *render(const char *text, int yres, const char *font)
{
    fg_render_opts o;
    fg_page *p = NULL;
    fg_err e;

    fg_render_opts_init(&o);
    o.yres = yres;
    o.font = font;
    o.header = "NOV-27-2026 14:02  FROM: ACME SUPPLY  +1 312 555 0142  P.1/1";
    if ((e = fg_render_text(text, strlen(text), &o, &p)))
        fail_msg("render: %s", fg_err_msg(e));
    return p;
}

static fg_words *ocr_page(fg_ocr *ocr, const fg_page *p)
{
    fg_words *w = NULL;
    fg_err e = fg_ocr_page(ocr, p, &w);

    if (e)
        fail_msg("OCR: %s", fg_err_msg(e));
    return w;
}

/* The word with its surrounding punctuation removed and ASCII lower-cased (accents kept as they are). */
static void norm(const char *in, char *out, size_t cap)
{
    size_t n = 0;

    for (; *in && n + 1 < cap; in++) {
        unsigned char c = (unsigned char)*in;

        if (isalnum(c) || c >= 0x80 || c == '-')
            out[n++] = (char)tolower(c);
    }
    out[n] = '\0';
}

/* Whether OCR word a, normalised, is want or ends with "'want" (French elision: l'expression). */
static int same_word(const char *ocr, const char *want)
{
    char a[FG_WORD_MAX_LEN + 1], b[FG_WORD_MAX_LEN + 1];
    const char *q;

    norm(want, b, sizeof b);
    norm(ocr, a, sizeof a);
    if (!strcasecmp(a, b))
        return 1;
    q = strrchr(ocr, '\'');
    if (!q)
        q = strstr(ocr, "\xe2\x80\x99");   /* typographic apostrophe */
    if (!q)
        return 0;
    norm(q + (*q == '\'' ? 1 : 3), a, sizeof a);
    return !strcasecmp(a, b);
}

/* Share (0..1) of the wanted words found among the OCR words. */
static double found_share(const fg_words *w, const char *const *want, size_t nwant)
{
    size_t hit = 0;

    for (size_t i = 0; i < nwant; i++) {
        int found = 0;

        for (size_t j = 0; j < w->n && !found; j++)
            found = same_word(w->v[j].text, want[i]);
        if (found)
            hit++;
        else
            fprintf(stderr, "# not found: %s\n", want[i]);
    }
    return (double)hit / (double)nwant;
}

/* Boxes inside the page, lines and blocks numbered in reading order, text built from the words. */
static void check_structure(const fg_words *w, const fg_page *p)
{
    size_t words_in_text = 0;

    assert_int_equal(w->page_width, p->width);
    assert_int_equal(w->page_height, p->height);
    assert_int_equal(w->xres, p->xres);
    assert_int_equal(w->yres, p->yres);
    assert_false(w->truncated);
    assert_non_null(w->text);
    for (size_t i = 0; i < w->n; i++) {
        const fg_word *a = &w->v[i];

        assert_true(a->text[0] != '\0' && !strchr(a->text, ' ') && !strchr(a->text, '\n'));
        assert_true(a->x0 >= 0 && a->x0 < a->x1 && a->x1 <= p->width);
        assert_true(a->y0 >= 0 && a->y0 < a->y1 && a->y1 <= p->height);
        assert_true(a->conf >= 0 && a->conf <= 100);
        assert_true(a->height_pt > 0 && a->height_pt < 72);
        if (i == 0) {
            assert_int_equal(a->line, 0);
            assert_int_equal(a->block, 0);
            continue;
        }
        /* line indices never go back and step by one; within a line words run left to right */
        assert_true(a->line == w->v[i - 1].line || a->line == w->v[i - 1].line + 1);
        assert_true(a->block == w->v[i - 1].block || a->block == w->v[i - 1].block + 1);
        if (a->line == w->v[i - 1].line)
            assert_true(a->x0 >= w->v[i - 1].x1 - 2);
        else if (a->block == w->v[i - 1].block)
            assert_true(a->y0 >= w->v[i - 1].y0);   /* a new line of the same block is lower */
    }
    for (const char *s = w->text; *s;) {
        while (*s == ' ' || *s == '\n')
            s++;
        if (*s)
            words_in_text++;
        while (*s && *s != ' ' && *s != '\n')
            s++;
    }
    assert_int_equal(words_in_text, w->n);
    {
        size_t newlines = 0;

        for (const char *s = w->text; *s; s++)
            newlines += *s == '\n';
        assert_int_equal(newlines, (size_t)w->v[w->n - 1].line);
    }
}

static const fg_word *find_word(const fg_words *w, const char *text)
{
    for (size_t i = 0; i < w->n; i++) {
        char a[FG_WORD_MAX_LEN + 1];

        norm(w->v[i].text, a, sizeof a);
        if (!strcasecmp(a, text))
            return &w->v[i];
    }
    return NULL;
}

static void test_english_ad_fine(void **state)
{
    fg_page *p = render(ad_text, 196, "DejaVu Sans");
    fg_words *w = ocr_page(*state, p);
    const fg_word *head, *body;

    assert_true(found_share(w, ad_words, sizeof ad_words / sizeof ad_words[0]) >= 0.9);
    check_structure(w, p);
    /* the fax header line comes first; the heading is in large type, the body in 11 pt */
    assert_non_null(strstr(w->text, "ACME SUPPLY"));
    assert_true(strstr(w->text, "ACME SUPPLY") < strstr(w->text, "TONER"));
    head = find_word(w, "toner");
    body = find_word(w, "cartridges");
    assert_non_null(head);
    assert_non_null(body);
    assert_true(head->height_pt > 14 && head->height_pt < 24);
    assert_true(body->height_pt > 5 && body->height_pt < 12);
    assert_true(head->y1 < body->y0);
    fg_words_free(w);
    fg_page_free(p);
}

static void test_french_letter(void **state)
{
    /* the thin serifs of Liberation Serif need fine resolution; at 98 lpi DejaVu Serif still reads */
    static const struct {
        int yres;
        const char *font;
    } cases[] = {{196, "Liberation Serif"}, {98, "DejaVu Serif"}};

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fg_page *p = render(lettre_text, cases[i].yres, cases[i].font);
        fg_words *w = ocr_page(*state, p);
        const fg_word *a;

        assert_true(found_share(w, lettre_words, sizeof lettre_words / sizeof lettre_words[0]) >= 0.9);
        check_structure(w, p);
        /* boxes are in page rows, not in the rows of the (at 98 lpi, doubled) image Tesseract read */
        a = find_word(w, "distinguées");
        assert_non_null(a);
        assert_true(a->y1 < p->height / 2 && a->y1 - a->y0 < p->yres / 5);
        assert_true(a->height_pt > 5 && a->height_pt < 12);
        fg_words_free(w);
        fg_page_free(p);
    }
}

static void test_english_ad_standard(void **state)
{
    fg_page *p = render(ad_text, 98, "Liberation Sans");
    fg_words *w = ocr_page(*state, p);

    assert_true(found_share(w, ad_words, sizeof ad_words / sizeof ad_words[0]) >= 0.9);
    check_structure(w, p);
    fg_words_free(w);
    fg_page_free(p);
}

static void test_blank_page(void **state)
{
    fg_page *p;
    fg_words *w;

    assert_int_equal(fg_page_new(1728, 2292, 204, 196, &p), FG_OK);
    w = ocr_page(*state, p);
    assert_int_equal(w->n, 0);
    assert_string_equal(w->text, "");
    assert_false(w->truncated);
    fg_words_free(w);
    fg_page_free(p);
}

/* Hostile pages must come back (with or without words), never crash or hang. */
static void test_hostile_pages(void **state)
{
    uint64_t s = 12345;
    fg_page *p;
    fg_words *w;
    size_t n;

    assert_int_equal(fg_page_new(1728, 1146, 204, 98, &p), FG_OK);
    n = (size_t)p->stride * (size_t)p->height;
    memset(p->bits, 0xFF, n);
    w = ocr_page(*state, p);
    assert_true(w->n < 100);
    fg_words_free(w);
    for (size_t i = 0; i < n; i++) {   /* half the pixels black, at random */
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        p->bits[i] = (uint8_t)(s >> 56);
    }
    w = ocr_page(*state, p);
    fg_words_free(w);
    fg_page_free(p);
    /* a page too small to hold a letter, and one too wide for a fax */
    assert_int_equal(fg_page_new(1, 1, 204, 98, &p), FG_OK);
    p->bits[0] = 0xFF;
    w = ocr_page(*state, p);
    assert_int_equal(w->n, 0);
    fg_words_free(w);
    fg_page_free(p);
    /* a page struct that lies about its size is refused */
    assert_int_equal(fg_page_new(100, 100, 204, 196, &p), FG_OK);
    p->stride = 5;
    assert_int_equal(fg_ocr_page(*state, p, &w), FG_ERR_INVAL);
    fg_page_free(p);
}

static void test_padding_bits_ignored(void **state)
{
    fg_page *p;
    fg_words *w;

    /* a width that is not a multiple of 8, with the spare bits of each row set */
    assert_int_equal(fg_page_new(1725, 600, 204, 196, &p), FG_OK);
    for (int y = 0; y < p->height; y++)
        p->bits[(size_t)y * (size_t)p->stride + (size_t)p->stride - 1] |= 0x07;
    w = ocr_page(*state, p);
    assert_int_equal(w->n, 0);
    fg_words_free(w);
    fg_page_free(p);
}

static void test_missing_language(void **state)
{
    fg_ocr *o = NULL;
    fg_err e;

    (void)state;
    e = fg_ocr_new("eng+xyz", NULL, &o);
    assert_int_equal(e, FG_ERR_OCR);
    assert_null(o);
    if (!strstr(fg_err_msg(e), "tesseract-ocr-xyz") || !strstr(fg_err_msg(e), "xyz"))
        fail_msg("unhelpful message: %s", fg_err_msg(e));
    e = fg_ocr_new("qqq", NULL, &o);
    assert_int_equal(e, FG_ERR_OCR);
    assert_non_null(strstr(fg_err_msg(e), "tesseract-ocr-qqq"));
    e = fg_ocr_new("chi_sim", "/nonexistent/tessdata", &o);
    assert_int_equal(e, FG_ERR_OCR);
    assert_non_null(strstr(fg_err_msg(e), "/nonexistent/tessdata"));
    assert_int_equal(fg_ocr_new("eng fra", NULL, &o), FG_ERR_INVAL);
    assert_int_equal(fg_ocr_new("eng++fra", NULL, &o), FG_ERR_INVAL);
    assert_int_equal(fg_ocr_new("../../etc/passwd", NULL, &o), FG_ERR_INVAL);
    fg_ocr_free(NULL);
}

static int thread_count(void)
{
    DIR *d = opendir("/proc/self/task");
    struct dirent *de;
    int n = 0;

    if (!d)
        return -1;
    while ((de = readdir(d)))
        n += de->d_name[0] != '.';
    closedir(d);
    return n;
}

/* Threads of this process before any test ran: 1, or 2 under qemu-user, whose own RCU thread
   shows in /proc/self/task (make test-board). */
static int threads_at_start;

typedef struct worker {
    fg_page *page;
    size_t words;
    int threads_after;
    fg_err e;
} worker;

static void *worker_main(void *arg)
{
    worker *wk = arg;
    fg_ocr *o;
    fg_words *w;

    if ((wk->e = fg_ocr_new(NULL, NULL, &o)))
        return NULL;
    if (!(wk->e = fg_ocr_page(o, wk->page, &w))) {
        wk->words = w->n;
        fg_words_free(w);
    }
    wk->threads_after = thread_count();
    fg_ocr_free(o);
    return NULL;
}

/* OpenMP stays off: no libgomp worker threads appear, from the main thread or from a plain
   pthread, and the caller's own OpenMP setting is given back. */
static void test_no_openmp_threads(void **state)
{
    fg_page *p = render("# One page\nA short line of text for a worker thread.\n", 196, "DejaVu Sans");
    fg_words *w;
    worker wk = {p, 0, 0, FG_OK};
    pthread_t t;
    int before = omp_get_max_active_levels();

    if (thread_count() < 0)
        fg_test_skip("no /proc/self/task here");
    w = ocr_page(*state, p);
    assert_true(w->n >= 8);
    fg_words_free(w);
    assert_int_equal(thread_count(), threads_at_start);
    assert_int_equal(omp_get_max_active_levels(), before);
    assert_int_equal(pthread_create(&t, NULL, worker_main, &wk), 0);
    pthread_join(t, NULL);
    assert_int_equal(wk.e, FG_OK);
    assert_true(wk.words >= 8);
    assert_int_equal(wk.threads_after, threads_at_start + 1);
    fg_page_free(p);
}

static void test_itu_chart_1(void **state)
{
    static const char *const want[] = {"slerexe", "company", "dorset", "cundall", "facsimile", "photocell",
                                       "raster", "transmission", "sincerely", "organisation"};
    char buf[1024];
    const char *path = fg_test_corpus("itu/itu1.tif", buf, sizeof buf);
    fg_page *p;
    fg_words *w;

    if (!path)
        fg_test_skip("corpus itu/itu1.tif is absent (../shared/corpus or $FAXGATE_CORPUS)");
    assert_int_equal(fg_page_read_tiff(path, 0, &p), FG_OK);
    w = ocr_page(*state, p);
    assert_true(w->n > 100);
    assert_true(found_share(w, want, sizeof want / sizeof want[0]) >= 0.9);
    fg_words_free(w);
    fg_page_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_english_ad_fine),
        cmocka_unit_test(test_french_letter),
        cmocka_unit_test(test_english_ad_standard),
        cmocka_unit_test(test_blank_page),
        cmocka_unit_test(test_hostile_pages),
        cmocka_unit_test(test_padding_bits_ignored),
        cmocka_unit_test(test_missing_language),
        cmocka_unit_test(test_no_openmp_threads),
        cmocka_unit_test(test_itu_chart_1),
    };

    threads_at_start = thread_count();
    return cmocka_run_group_tests_name("ocr", tests, fg_test_ocr_setup, fg_test_ocr_teardown);
}
