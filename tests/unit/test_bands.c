/* faxgate — page 1 read in bands (ocr_bands.c): where cuts go, which band keeps a word, blank bands,
 * page coordinates, and band OCR against whole-page OCR on a rendered page. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "faxgate/bands.h"
#include "faxgate/ocr.h"
#include "render.h"
#include "testutil.h"

/* ---- cuts ---------------------------------------------------------------------------------- */

static void test_geometry_scales_with_resolution(void **state)
{
    fg_band_geom s = fg_band_geom_for(98), f = fg_band_geom_for(196), u = fg_band_geom_for(391);

    (void)state;
    assert_int_equal(s.step, 49);      /* half an inch */
    assert_int_equal(f.step, 98);
    assert_int_equal(u.step, 196);
    assert_int_equal(f.overlap, 59);   /* 0.3 inch */
    assert_int_equal(f.window, 39);    /* 0.2 inch */
    assert_int_equal(s.overlap, 29);
}

static void test_cut_at_the_widest_white_run(void **state)
{
    fg_band_geom g = {.step = 100, .window = 30, .overlap = 30};
    uint8_t white[400];

    (void)state;
    memset(white, 1, sizeof white);
    /* text lines at 70-79, 95-105 and 118-125: in the window [70, 130] the white runs are 80-94
       (15 rows), 106-117 (12) and 126-130 (5) */
    memset(white + 70, 0, 10);
    memset(white + 95, 0, 11);
    memset(white + 118, 0, 8);
    assert_int_equal(fg_band_find_cut(white, 160, 0, &g), -1);   /* needs rows up to 130 + 30 */
    assert_int_equal(fg_band_find_cut(white, 161, 0, &g), 87);
    /* from a later start the window moves with it */
    assert_int_equal(fg_band_find_cut(white, 400, 200, &g), 300);
    /* no white row in the window: the cut crosses the text at the target */
    memset(white, 0, sizeof white);
    assert_int_equal(fg_band_find_cut(white, 400, 0, &g), 100);
    /* equal runs: the one nearest the target */
    memset(white, 0, sizeof white);
    memset(white + 72, 1, 6);
    memset(white + 101, 1, 6);
    assert_int_equal(fg_band_find_cut(white, 400, 0, &g), 104);
}

/* ---- ownership ------------------------------------------------------------------------------- */

static fg_words *words_of(const char *const *text, const int (*box)[4], const int *line, size_t n)
{
    fg_words *w = calloc(1, sizeof *w);

    assert_non_null(w);
    w->v = calloc(n, sizeof *w->v);
    for (size_t i = 0; i < n; i++) {
        w->v[i].text = strdup(text[i]);
        w->v[i].x0 = box[i][0];
        w->v[i].y0 = box[i][1];
        w->v[i].x1 = box[i][2];
        w->v[i].y1 = box[i][3];
        w->v[i].line = line[i];
        w->v[i].conf = 90;
    }
    w->n = n;
    return w;
}

static void test_word_across_a_cut_is_kept_once(void **state)
{
    /* Band A reads page rows [0, 130) and owns [0, 100); band B reads [70, 230) and owns [100, 200).
       "across" spans page rows 90-114 (centre 102): both read it, B keeps it. "above" spans 80-96
       (centre 88): both read it, A keeps it. */
    static const char *const ta[] = {"top", "above", "across"};
    static const int ba[][4] = {{10, 5, 60, 25}, {10, 80, 60, 96}, {100, 90, 200, 114}};
    static const int la[] = {0, 1, 1};
    static const char *const tb[] = {"above", "across", "below"};
    static const int bb[][4] = {{10, 10, 60, 26}, {100, 20, 200, 44}, {10, 100, 60, 120}};
    static const int lb[] = {0, 0, 1};
    fg_words *a = words_of(ta, ba, la, 3), *b = words_of(tb, bb, lb, 3), *page = calloc(1, sizeof *page);

    (void)state;
    assert_int_equal(fg_words_take_owned(page, a, 0, 0, 100), FG_OK);
    assert_int_equal(fg_words_take_owned(page, b, 70, 100, 200), FG_OK);
    assert_int_equal(fg_words_finish_bands(page), FG_OK);
    assert_int_equal(page->n, 4);
    assert_string_equal(page->text, "top\nabove\nacross\nbelow");
    assert_string_equal(page->v[2].text, "across");
    /* in page coordinates: band B's box moved down by its first row */
    assert_int_equal(page->v[2].y0, 90);
    assert_int_equal(page->v[2].y1, 114);
    assert_int_equal(page->v[2].x0, 100);
    assert_int_equal(page->v[3].y0, 170);
    /* lines go on from band to band */
    assert_int_equal(page->v[0].line, 0);
    assert_int_equal(page->v[1].line, 1);
    assert_int_equal(page->v[2].line, 2);
    assert_int_equal(page->v[3].line, 3);
    fg_words_free(a);
    fg_words_free(b);
    fg_words_free(page);
}

/* ---- the set ------------------------------------------------------------------------------------ */

typedef struct got {
    int idx[FG_BANDS_MAX];
    int n;
} got;

static void submit(void *user, fg_bandset *bs, int index)
{
    got *g = user;

    (void)bs;
    g->idx[g->n++] = index;
}

static void test_blank_bands_are_not_read(void **state)
{
    /* bands of 100 rows, cut within 30 rows of it, 30 rows of overlap. Ink only in
       rows 300-339; the padding bits of each row are set (they are not pixels). */
    int width = 1722, stride = (width + 7) / 8, height = 1000;
    uint8_t *rows = calloc((size_t)height, (size_t)stride);
    fg_bandset *bs = NULL;
    fg_band_info bi;
    got g = {0};
    int own = 0, inked = 0;

    (void)state;
    for (int y = 0; y < height; y++)
        rows[(size_t)y * stride + stride - 1] = 0x03;   /* 1722 = 215 * 8 + 2: six padding bits */
    for (int y = 300; y < 340; y++)
        rows[(size_t)y * stride + 20] = 0xFF;
    fg_band_geom geom = {.step = 100, .window = 30, .overlap = 30};

    assert_int_equal(fg_bandset_new(width, 204, 100, submit, &g, &bs), FG_OK);
    fg_bandset_set_geom(bs, &geom);
    for (int y = 0; y < height; y += 37)
        assert_int_equal(fg_bandset_rows(bs, y, rows + (size_t)y * stride, height - y < 37 ? height - y : 37), FG_OK);
    /* rows given again are ignored; a gap is refused */
    assert_int_equal(fg_bandset_rows(bs, 0, rows, 10), FG_OK);
    assert_int_equal(fg_bandset_have(bs), height);
    for (int i = 0; fg_bandset_band(bs, i, &bi); i++) {
        bool ink = bi.img0 < 340 && bi.img1 > 300;

        assert_int_equal(bi.own0, own);   /* owned rows follow each other with no gap */
        assert_true(bi.own1 > bi.own0);
        /* read over its rows and at most the overlap around them; the cuts are in white rows here,
           so no ink is read by two bands */
        assert_true(bi.img0 <= bi.own0 && bi.img0 >= bi.own0 - 30);
        assert_true(bi.img1 >= bi.own1 && bi.img1 <= bi.own1 + 30);
        assert_false(bi.img0 < 300 && bi.own0 > 339);
        assert_false(bi.img1 > 340 && bi.own1 < 300);
        assert_true(bi.own1 - bi.own0 >= 70 && bi.own1 - bi.own0 <= 130);
        assert_int_equal(bi.blank, !ink);
        inked += ink;
        own = bi.own1;
    }
    assert_true(own > 800);
    assert_int_equal(g.n, inked);   /* only bands with ink went to the workers */
    assert_true(inked >= 1 && inked <= 2);
    fg_bandset_unref(bs);
    free(rows);
}

/* A page longer than the bands a set starts with room for, and longer than FG_BANDS_MAX bands:
   the set grows to the cap, stops cutting there, and the rows after the last cut make the last
   band at the page's end (ink in a few bands only, so that no OCR engine is needed). */
static void test_long_page_grows_the_set_to_its_cap(void **state)
{
    int width = 1728, stride = (width + 7) / 8, height = 30000;
    uint8_t *rows = calloc((size_t)height, (size_t)stride);
    fg_band_geom geom = {.step = 100, .window = 30, .overlap = 30};
    fg_bandset *bs = NULL;
    fg_bandset_stats st;
    fg_band_info bi;
    fg_page *p = NULL;
    fg_words *w = NULL;
    got g = {0};
    int own = 0, n = 0;

    (void)state;
    assert_non_null(rows);
    assert_int_equal(fg_bandset_new(width, 204, 100, submit, &g, &bs), FG_OK);
    fg_bandset_set_geom(bs, &geom);
    for (int y = 0; y < height; y += 500)
        assert_int_equal(fg_bandset_rows(bs, y, rows + (size_t)y * stride, 500), FG_OK);
    for (; fg_bandset_band(bs, n, &bi); n++) {
        assert_int_equal(bi.own0, own);
        assert_true(bi.blank);
        own = bi.own1;
    }
    assert_int_equal(n, FG_BANDS_MAX);   /* cut up to the cap, past the room it started with */
    assert_true(own < height);
    assert_int_equal(fg_page_new(width, height, 204, 100, &p), FG_OK);
    assert_int_equal(fg_bandset_page_ended(bs, p), FG_OK);
    assert_int_equal(fg_bandset_finish(bs, NULL, p, &w), FG_OK);   /* all blank: nothing to read */
    assert_non_null(w);
    assert_true(fg_bandset_band(bs, FG_BANDS_MAX, &bi));   /* the last band, after the cap */
    assert_int_equal(bi.own0, own);
    assert_int_equal(bi.own1, height);
    fg_bandset_get_stats(bs, &st);
    assert_int_equal(st.bands, FG_BANDS_MAX + 1);
    assert_int_equal(st.blank, FG_BANDS_MAX + 1);
    assert_int_equal(g.n, 0);
    fg_words_free(w);
    fg_page_free(p);
    fg_bandset_unref(bs);
    free(rows);
}

static void test_gap_stops_the_set(void **state)
{
    uint8_t rows[216 * 10] = {0};
    fg_bandset *bs = NULL;
    fg_page *p = NULL;
    fg_words *w = NULL;

    (void)state;
    assert_int_equal(fg_bandset_new(1728, 204, 196, NULL, NULL, &bs), FG_OK);
    assert_int_equal(fg_bandset_rows(bs, 0, rows, 10), FG_OK);
    assert_int_equal(fg_bandset_rows(bs, 20, rows, 10), FG_ERR_STATE);
    assert_int_equal(fg_page_new(1728, 30, 204, 196, &p), FG_OK);
    /* the judge then reads the page whole */
    assert_int_equal(fg_bandset_finish(bs, NULL, p, &w), FG_ERR_STATE);
    assert_null(w);
    fg_page_free(p);
    fg_bandset_unref(bs);
}

/* When the page ends its rows are compared with the page and freed (the page is the one copy
   from then on): the same rows go on to the judge; rows that differ stop the set, so that the
   judge reads the page whole. */
static void test_page_end_keeps_one_copy(void **state)
{
    uint8_t rows[216 * 30] = {0};
    fg_bandset *same = NULL, *other = NULL;
    fg_page *p = NULL;
    fg_words *w = NULL;

    (void)state;
    assert_int_equal(fg_page_new(1728, 30, 204, 196, &p), FG_OK);
    assert_int_equal(fg_bandset_new(1728, 204, 196, NULL, NULL, &same), FG_OK);
    assert_int_equal(fg_bandset_new(1728, 204, 196, NULL, NULL, &other), FG_OK);
    assert_int_equal(fg_bandset_rows(same, 0, rows, 30), FG_OK);
    rows[216 * 12 + 5] = 0x18;   /* a black dot the page does not have */
    assert_int_equal(fg_bandset_rows(other, 0, rows, 30), FG_OK);
    assert_int_equal(fg_bandset_page_ended(same, p), FG_OK);
    assert_int_equal(fg_bandset_rows(same, 30, rows, 10), FG_OK);   /* ignored: the page has ended */
    assert_int_equal(fg_bandset_have(same), 30);
    assert_int_equal(fg_bandset_finish(same, NULL, p, &w), FG_OK);   /* all white: nothing to read */
    assert_non_null(w);
    assert_int_equal(w->n, 0);
    fg_words_free(w);
    w = NULL;
    assert_int_equal(fg_bandset_page_ended(other, p), FG_ERR_STATE);
    assert_int_equal(fg_bandset_finish(other, NULL, p, &w), FG_ERR_STATE);
    assert_null(w);
    fg_bandset_unref(same);
    fg_bandset_unref(other);
    fg_page_free(p);
}

static void test_workers_behind_read_the_page_whole(void **state)
{
    /* ink on every row, no band read before the end: reading them now costs more than the page */
    int width = 1728, stride = 216, height = 2000;
    uint8_t *rows = calloc((size_t)height, (size_t)stride);
    fg_bandset *bs = NULL;
    fg_page *p = NULL;
    fg_words *w = NULL;
    got g = {0};

    (void)state;
    for (int y = 0; y < height; y++)
        rows[(size_t)y * stride + 100] = 0x81;
    assert_int_equal(fg_bandset_new(width, 204, 196, submit, &g, &bs), FG_OK);
    assert_int_equal(fg_bandset_rows(bs, 0, rows, height - 100), FG_OK);
    assert_true(g.n > 5);
    assert_int_equal(fg_page_new(width, height, 204, 196, &p), FG_OK);
    memcpy(p->bits, rows, (size_t)height * stride);
    assert_int_equal(fg_bandset_finish(bs, NULL, p, &w), FG_ERR_STATE);
    assert_null(w);
    fg_page_free(p);
    fg_bandset_unref(bs);
    free(rows);
}

/* ---- with OCR ------------------------------------------------------------------------------------ */

static int count_word(const fg_words *w, const char *word)
{
    int n = 0;

    for (size_t i = 0; i < w->n; i++)
        n += !strcmp(w->v[i].text, word);
    return n;
}

static const fg_word *find(const fg_words *w, const char *word)
{
    for (size_t i = 0; i < w->n; i++)
        if (!strcmp(w->v[i].text, word))
            return &w->v[i];
    return NULL;
}

/* Band OCR against whole-page OCR: the same words, each once, with the same boxes. With rule
   = true a thin line down the left edge leaves no white row: every cut crosses text. */
static void bands_vs_whole(fg_ocr *ocr, int yres, bool rule)
{
    static const char *const words[] = {"HUGE", "TONER", "Dear", "Office", "Manager,", "pleased", "cartridges,",
                                        "delivery", "continental", "Quantities", "TOLL", "ACME", "removed"};
    fg_render_opts o;
    fg_page *p = NULL;
    fg_words *whole = NULL, *band = NULL;
    fg_bandset *bs = NULL;
    fg_bandset_stats st;
    got g = {0};

    fg_render_opts_init(&o);
    o.yres = yres;
    o.font = "DejaVu Sans";
    assert_int_equal(fg_render_text(fg_test_ad_text, strlen(fg_test_ad_text), &o, &p), FG_OK);
    if (rule)
        for (int y = 0; y < p->height; y++)
            p->bits[(size_t)y * p->stride + 2] |= 0x18;
    assert_int_equal(fg_ocr_page(ocr, p, &whole), FG_OK);
    assert_int_equal(fg_bandset_new(p->width, p->xres, p->yres, submit, &g, &bs), FG_OK);
    for (int y = 0; y < p->height; y += 50)
        assert_int_equal(fg_bandset_rows(bs, y, p->bits + (size_t)y * p->stride, p->height - y < 50 ? p->height - y : 50),
                         FG_OK);
    assert_true(g.n > 0);
    assert_false(fg_bandset_read_all(bs, p));   /* bands with ink wait to be read */
    for (int i = 0; i < g.n; i++)
        fg_bandset_run(bs, g.idx[i], ocr);
    /* the rendered page ends in white rows: nothing left for an engine, unless the rule goes on */
    assert_int_equal(fg_bandset_read_all(bs, p), !rule);
    assert_int_equal(fg_bandset_finish(bs, rule ? ocr : NULL, p, &band), FG_OK);
    fg_bandset_get_stats(bs, &st);
    assert_true(st.bands > 3);
    assert_int_equal(st.read_early, g.n);
    if (rule)
        assert_int_equal(st.blank, 0);
    assert_int_equal(band->page_height, p->height);
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        const fg_word *a = find(whole, words[i]), *b = find(band, words[i]);

        if (!a)
            continue;   /* whole-page OCR misread it: nothing to compare */
        assert_non_null(b);
        assert_int_equal(count_word(band, words[i]), count_word(whole, words[i]));
        /* page coordinates: the same box give or take a few pixels */
        assert_true(abs(a->y0 - b->y0) <= 4 && abs(a->y1 - b->y1) <= 4);
        assert_true(abs(a->x0 - b->x0) <= 4 && abs(a->x1 - b->x1) <= 4);
    }
    fg_words_free(whole);
    fg_words_free(band);
    fg_bandset_unref(bs);
    fg_page_free(p);
}

/* Two workers with engines of their own take bands from a queue while the rows come; the page
   ends while bands are queued and running: the judge takes the queued ones over, waits for the
   running ones, and gets the words the sequential reading gets. */
typedef struct pool {
    pthread_mutex_t lock;
    pthread_cond_t cv;
    int idx[FG_BANDS_MAX], head, tail;
    bool stop;
    fg_bandset *bs;
} pool;

static void pool_submit(void *user, fg_bandset *bs, int index)
{
    pool *q = user;

    pthread_mutex_lock(&q->lock);
    q->bs = bs;
    q->idx[q->tail++] = index;
    pthread_cond_signal(&q->cv);
    pthread_mutex_unlock(&q->lock);
}

static void *pool_worker(void *arg)
{
    pool *q = arg;
    fg_ocr *ocr = NULL;

    if (fg_ocr_new("eng", NULL, &ocr))
        return NULL;
    for (;;) {
        int i;

        pthread_mutex_lock(&q->lock);
        while (q->head == q->tail && !q->stop)
            pthread_cond_wait(&q->cv, &q->lock);
        if (q->head == q->tail) {
            pthread_mutex_unlock(&q->lock);
            break;
        }
        i = q->idx[q->head++];
        pthread_mutex_unlock(&q->lock);
        fg_bandset_run(q->bs, i, ocr);   /* nothing if the judge took it */
    }
    fg_ocr_free(ocr);
    return NULL;
}

static void test_judge_takes_over_queued_bands(void **state)
{
    fg_ocr *ocr = *state;
    fg_render_opts o;
    fg_page *p = NULL;
    fg_words *seq = NULL, *par = NULL;
    fg_bandset *bs = NULL;
    fg_bandset_stats st;
    pool q = {.head = 0};
    pthread_t th[2];
    got g = {0};

    fg_render_opts_init(&o);
    o.yres = 196;
    o.font = "DejaVu Sans";
    assert_int_equal(fg_render_text(fg_test_ad_text, strlen(fg_test_ad_text), &o, &p), FG_OK);
    /* sequential reading, for reference */
    assert_int_equal(fg_bandset_new(p->width, p->xres, p->yres, submit, &g, &bs), FG_OK);
    assert_int_equal(fg_bandset_rows(bs, 0, p->bits, p->height), FG_OK);
    for (int i = 0; i < g.n; i++)
        fg_bandset_run(bs, g.idx[i], ocr);
    assert_int_equal(fg_bandset_finish(bs, ocr, p, &seq), FG_OK);
    fg_bandset_unref(bs);
    /* the same with two workers, and the page ending at once */
    pthread_mutex_init(&q.lock, NULL);
    pthread_cond_init(&q.cv, NULL);
    assert_int_equal(fg_bandset_new(p->width, p->xres, p->yres, pool_submit, &q, &bs), FG_OK);
    q.bs = bs;
    for (int k = 0; k < 2; k++)
        assert_int_equal(pthread_create(&th[k], NULL, pool_worker, &q), 0);
    /* the rows come in pieces, each once the workers have taken every band so far; the last
       piece's bands are still queued (or just taken) when the page ends */
    for (int y = 0; y < 400; y += 200) {
        assert_int_equal(fg_bandset_rows(bs, y, p->bits + (size_t)y * p->stride, 200), FG_OK);
        for (bool taken = false; !taken; usleep(5000)) {
            pthread_mutex_lock(&q.lock);
            taken = q.head == q.tail;
            pthread_mutex_unlock(&q.lock);
        }
    }
    assert_int_equal(fg_bandset_rows(bs, 0, p->bits, p->height), FG_OK);
    assert_int_equal(fg_bandset_finish(bs, ocr, p, &par), FG_OK);
    pthread_mutex_lock(&q.lock);
    q.stop = true;
    pthread_cond_broadcast(&q.cv);
    pthread_mutex_unlock(&q.lock);
    for (int k = 0; k < 2; k++)
        pthread_join(th[k], NULL);
    fg_bandset_get_stats(bs, &st);
    /* every band with ink read once, by a worker or by the judge */
    assert_int_equal(st.read_early + st.read_late, st.bands - st.blank);
    assert_true(st.read_early > 0);
    if (getenv("FG_TEST_VERBOSE"))
        fprintf(stderr, "# %d bands, %d blank, %d by workers, %d by the judge, %d running at the end\n", st.bands,
                st.blank, st.read_early, st.read_late, st.waited);
    assert_string_equal(par->text, seq->text);
    fg_words_free(seq);
    fg_words_free(par);
    fg_bandset_unref(bs);
    pthread_cond_destroy(&q.cv);
    pthread_mutex_destroy(&q.lock);
    fg_page_free(p);
}

static void test_bands_read_as_whole_page_fine(void **state)
{
    bands_vs_whole(*state, 196, false);
}

static void test_bands_read_as_whole_page_standard(void **state)
{
    bands_vs_whole(*state, 98, false);
}

static void test_cuts_across_text_keep_each_word_once(void **state)
{
    bands_vs_whole(*state, 196, true);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_geometry_scales_with_resolution),
        cmocka_unit_test(test_cut_at_the_widest_white_run),
        cmocka_unit_test(test_word_across_a_cut_is_kept_once),
        cmocka_unit_test(test_blank_bands_are_not_read),
        cmocka_unit_test(test_long_page_grows_the_set_to_its_cap),
        cmocka_unit_test(test_gap_stops_the_set),
        cmocka_unit_test(test_page_end_keeps_one_copy),
        cmocka_unit_test(test_workers_behind_read_the_page_whole),
        cmocka_unit_test_setup_teardown(test_bands_read_as_whole_page_fine, fg_test_ocr_setup, fg_test_ocr_teardown),
        cmocka_unit_test_setup_teardown(test_bands_read_as_whole_page_standard, fg_test_ocr_setup, fg_test_ocr_teardown),
        cmocka_unit_test_setup_teardown(test_cuts_across_text_keep_each_word_once, fg_test_ocr_setup, fg_test_ocr_teardown),
        cmocka_unit_test_setup_teardown(test_judge_takes_over_queued_bands, fg_test_ocr_setup, fg_test_ocr_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
