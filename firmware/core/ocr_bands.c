/* faxgate — OCR of page 1 in bands while it arrives: the band set shared by the call thread, the
 * OCR workers and the judge (see faxgate/bands.h and docs/ocr.md; the cuts are band_cut.c's). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "faxgate/bands.h"
#include "ocr_prep.h"

/* leptonica's confidence in a skew angle below which the band's angle is a guess (as ocr_prep.c) */
#define SKEW_LOCK_CONF 3.0f

enum { B_QUEUED, B_RUNNING, B_DONE, B_FAILED, B_BLANK, B_DROPPED };

/* At the end of the page, bands still queued that own more than this share of its rows mean the
   workers fell behind (more calls than workers): the judge would read them one by one, each with
   Tesseract's fixed cost per image, where reading the page whole costs less, and is done instead. */
#define BEHIND_SHARE 0.5

typedef struct band {
    int state;
    int img0, img1;        /* page rows read */
    int own0, own1;        /* page rows whose words this band keeps */
    bool last;             /* ends at the page's last row */
    fg_page *img;          /* a copy of rows [img0, img1), until it is read */
    fg_words *words;       /* as read, in the band's coordinates */
    char err[200];
} band;

struct fg_bandset {
    pthread_mutex_t lock;
    pthread_cond_t cv;      /* a band finished */
    int refs;
    int width, stride, xres, yres;
    fg_band_geom g;
    fg_band_submit_fn submit;
    void *user;
    /* Rows so far, written by the call thread. Only the rows the next band will read are kept
       (rows[0] is page row base, the next band's first): each band copies its own when it is
       cut. Every row leaves a checksum and whether it is white, so that the page can be compared
       with what arrived when it ends (fg_bandset_page_ended, fg_bandset_finish). */
    uint8_t *rows, *white;
    uint32_t *sums;
    int base, have, cap, cap_rows;
    int last_cut;           /* the end of the last band's owned rows */
    int next_img0;          /* the first row the next band reads */
    band *b;                /* cap_b of them, grown as bands are cut (at most FG_BANDS_MAX + 1) */
    int cap_b;
    int n;                  /* bands cut (the one after the last cut is added at the end) */
    bool broken, finishing;
    bool ended;             /* the page ended: rows compared with it and freed */
    char why[200];
    bool skew_locked;
    double skew;
    fg_bandset_stats st;
};

static double now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* ---- the set ---- */

fg_err fg_bandset_new(int width, int xres, int yres, fg_band_submit_fn submit, void *user, fg_bandset **out)
{
    fg_bandset *bs;

    *out = NULL;
    if (width <= 0 || width > FG_PAGE_MAX_WIDTH || xres <= 0 || yres <= 0)
        return fg_err_set(FG_ERR_INVAL, "bands: a page %d pixels wide at %dx%d dpi cannot be cut", width, xres, yres);
    if (!(bs = calloc(1, sizeof *bs)))
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate a band set");
    pthread_mutex_init(&bs->lock, NULL);
    pthread_cond_init(&bs->cv, NULL);
    bs->refs = 1;
    bs->width = width;
    bs->stride = (width + 7) / 8;
    bs->xres = xres;
    bs->yres = yres;
    bs->g = fg_band_geom_for(yres);
    bs->submit = submit;
    bs->user = user;
    *out = bs;
    return FG_OK;
}

void fg_bandset_ref(fg_bandset *bs)
{
    pthread_mutex_lock(&bs->lock);
    bs->refs++;
    pthread_mutex_unlock(&bs->lock);
}

void fg_bandset_unref(fg_bandset *bs)
{
    int left;

    if (!bs)
        return;
    pthread_mutex_lock(&bs->lock);
    left = --bs->refs;
    pthread_mutex_unlock(&bs->lock);
    if (left > 0)
        return;
    for (int i = 0; i < bs->cap_b; i++) {
        fg_page_free(bs->b[i].img);
        fg_words_free(bs->b[i].words);
    }
    free(bs->b);
    free(bs->rows);
    free(bs->white);
    free(bs->sums);
    pthread_cond_destroy(&bs->cv);
    pthread_mutex_destroy(&bs->lock);
    free(bs);
}

int fg_bandset_have(const fg_bandset *bs)
{
    return bs->have;
}

static bool row_white(const uint8_t *row, int width)
{
    int bytes = (width + 7) / 8;
    uint8_t last = (uint8_t)(0xFF00 >> (width - (bytes - 1) * 8));   /* padding bits are not pixels */

    for (int i = 0; i < bytes - 1; i++)
        if (row[i])
            return false;
    return !(row[bytes - 1] & last);
}

/* FNV-1a over one row: tells a row the decoder got wrong from the page's (not a defence against
   a forger, who gains nothing: the bands read what arrived). */
static uint32_t row_sum(const uint8_t *row, int stride)
{
    uint32_t h = 2166136261u;

    for (int i = 0; i < stride; i++)
        h = (h ^ row[i]) * 16777619u;
    return h;
}

static uint8_t *kept_row(const fg_bandset *bs, int y)
{
    return bs->rows + (size_t)(y - bs->base) * (size_t)bs->stride;
}

static fg_err copy_rows(const fg_bandset *bs, int y0, int y1, fg_page **out)
{
    fg_err e = fg_page_new(bs->width, y1 - y0, bs->xres, bs->yres, out);

    if (!e)
        memcpy((*out)->bits, kept_row(bs, y0), (size_t)(y1 - y0) * (size_t)bs->stride);
    return e;
}

/* Drops the kept rows no band will read again. The next band reads from next_img0; the one after
   it from a row of the white run before its cut (at or after last_cut) or from overlap rows
   above that cut (after last_cut): whatever the geometry, neither is before keep. */
static void drop_read_rows(fg_bandset *bs)
{
    int keep = bs->last_cut + 1 - bs->g.overlap;

    if (keep > bs->next_img0)
        keep = bs->next_img0;
    if (keep <= bs->base)
        return;
    memmove(bs->rows, kept_row(bs, keep), (size_t)(bs->have - keep) * (size_t)bs->stride);
    bs->base = keep;
}

static void set_broken(fg_bandset *bs, fg_err e)
{
    if (!bs->broken)
        snprintf(bs->why, sizeof bs->why, "%s", fg_err_msg(e));
    bs->broken = true;
}

/* Room for band bs->n, the array doubled when full: a page of half-inch bands has about 23, and a
   set need not hold room for FG_BANDS_MAX (64 kB) from its start. Under the lock; false if memory
   ran out. */
static bool room_for_band(fg_bandset *bs)
{
    int cap = bs->cap_b ? bs->cap_b * 2 : 32;
    band *b;

    if (bs->n < bs->cap_b)
        return true;
    if (cap > FG_BANDS_MAX + 1)
        cap = FG_BANDS_MAX + 1;
    if (bs->n >= cap || !(b = realloc(bs->b, (size_t)cap * sizeof *b)))
        return false;
    memset(b + bs->cap_b, 0, (size_t)(cap - bs->cap_b) * sizeof *b);
    bs->b = b;
    bs->cap_b = cap;
    return true;
}

/* Cuts what the rows so far allow; returns the first new band's index (bands [first, bs->n) are new). */
static int cut_bands(fg_bandset *bs)
{
    int first = bs->n, cut;

    while (bs->n < FG_BANDS_MAX && (cut = fg_band_find_cut(bs->white, bs->have, bs->last_cut, &bs->g)) >= 0) {
        band *b;
        bool blank = true;
        int a = cut, z = cut;
        fg_err e;

        if (!room_for_band(bs)) {
            set_broken(bs, fg_err_set(FG_ERR_NOMEM, "bands: cannot keep band %d", bs->n));
            break;
        }
        b = &bs->b[bs->n];

        b->own0 = bs->last_cut;
        b->own1 = cut;
        b->img0 = bs->next_img0;
        /* A cut in white rows crosses no text: each side reads up to the end of the white run
           (at most the overlap), which Tesseract wants as a border. A cut through text reads the
           overlap on both sides: the line is whole in both bands, and kept by one. */
        while (a > b->own0 && a > cut - bs->g.overlap && bs->white[a - 1] && bs->white[cut])
            a--;
        while (z < cut + bs->g.overlap && bs->white[z])
            z++;
        b->img1 = bs->white[cut] ? z : cut + bs->g.overlap;
        bs->next_img0 = bs->white[cut] ? a : cut > bs->g.overlap ? cut - bs->g.overlap : 0;
        for (int y = b->img0; y < b->img1 && blank; y++)
            blank = bs->white[y];
        if (blank) {
            b->state = B_BLANK;
            bs->st.blank++;
        } else if ((e = copy_rows(bs, b->img0, b->img1, &b->img))) {
            set_broken(bs, e);
            break;
        } else {
            b->state = B_QUEUED;
        }
        bs->n++;
        bs->st.bands++;
        bs->last_cut = cut;
    }
    return first;
}

void fg_bandset_set_geom(fg_bandset *bs, const fg_band_geom *g)
{
    pthread_mutex_lock(&bs->lock);
    if (!bs->have && g->step > g->window && g->window >= 0 && g->overlap >= 0)
        bs->g = *g;
    pthread_mutex_unlock(&bs->lock);
}

/* Room for rows up to need: the kept ones (from base), and a white flag and a sum for every row. */
static fg_err make_room(fg_bandset *bs, int need)
{
    if (need > bs->cap) {
        int cap = bs->cap ? bs->cap : 1024;
        uint8_t *w;
        uint32_t *s;

        while (cap < need)
            cap *= 2;
        if ((w = realloc(bs->white, (size_t)cap)))
            bs->white = w;
        if ((s = realloc(bs->sums, (size_t)cap * sizeof *s)))
            bs->sums = s;
        if (!w || !s)
            return fg_err_set(FG_ERR_NOMEM, "bands: cannot keep %d rows", need);
        bs->cap = cap;
    }
    if (need - bs->base > bs->cap_rows) {
        int cap = bs->cap_rows ? bs->cap_rows : 256;
        uint8_t *r;

        while (cap < need - bs->base)
            cap *= 2;
        if (!(r = realloc(bs->rows, (size_t)cap * (size_t)bs->stride)))
            return fg_err_set(FG_ERR_NOMEM, "bands: cannot keep %d rows", need - bs->base);
        bs->rows = r;
        bs->cap_rows = cap;
    }
    return FG_OK;
}

fg_err fg_bandset_rows(fg_bandset *bs, int first_row, const uint8_t *rows, int n)
{
    int skip, first, last;
    fg_err e = FG_OK;

    pthread_mutex_lock(&bs->lock);
    if (bs->broken || bs->finishing || bs->ended) {
        pthread_mutex_unlock(&bs->lock);
        return FG_OK;
    }
    if (first_row > bs->have) {
        e = fg_err_set(FG_ERR_STATE, "bands: rows from %d given after row %d: a gap", first_row, bs->have);
        set_broken(bs, e);
        pthread_mutex_unlock(&bs->lock);
        return e;
    }
    skip = bs->have - first_row;
    if (n > skip && bs->have + (n - skip) > FG_PAGE_MAX_HEIGHT)
        n = skip + FG_PAGE_MAX_HEIGHT - bs->have;
    if (n > skip) {
        int need = bs->have + (n - skip);

        if ((e = make_room(bs, need))) {
            set_broken(bs, e);
            pthread_mutex_unlock(&bs->lock);
            return e;
        }
        memcpy(kept_row(bs, bs->have), rows + (size_t)skip * (size_t)bs->stride, (size_t)(n - skip) * (size_t)bs->stride);
        for (int y = bs->have; y < need; y++) {
            bs->white[y] = row_white(kept_row(bs, y), bs->width);
            bs->sums[y] = row_sum(kept_row(bs, y), bs->stride);
        }
        bs->have = need;
    }
    first = cut_bands(bs);
    drop_read_rows(bs);
    last = bs->n;
    pthread_mutex_unlock(&bs->lock);
    for (int i = first; i < last; i++)
        if (bs->b[i].state == B_QUEUED && bs->submit)
            bs->submit(bs->user, bs, i);
    return e;
}

void fg_bandset_run(fg_bandset *bs, int index, fg_ocr *ocr)
{
    fg_prep_map map = {.band = true};
    fg_words *w = NULL;
    fg_page *img;
    band *b;
    fg_err e;

    pthread_mutex_lock(&bs->lock);
    if (index < 0 || index >= bs->cap_b || bs->b[index].state != B_QUEUED || !bs->b[index].img) {
        pthread_mutex_unlock(&bs->lock);
        return;
    }
    b = &bs->b[index];
    b->state = B_RUNNING;
    if (bs->finishing)
        bs->st.read_late++;
    else
        bs->st.read_early++;
    map.page_top = b->img0 == 0;
    map.page_bottom = b->last;
    map.skew_given = bs->skew_locked;
    map.skew_deg = bs->skew;
    img = b->img;   /* b itself may move while the lock is free: the call thread grows the array */
    pthread_mutex_unlock(&bs->lock);

    e = ocr ? fg_ocr_page_map(ocr, img, &map, &w) : fg_err_set(FG_ERR_OCR, "no OCR engine for a band");

    pthread_mutex_lock(&bs->lock);
    b = &bs->b[index];
    if (e) {
        b->state = B_FAILED;
        snprintf(b->err, sizeof b->err, "band of rows %d-%d: %s", b->img0, b->img1, fg_err_msg(e));
    } else {
        const fg_prep_stats *ps = fg_ocr_prep_stats(ocr);

        b->state = B_DONE;
        b->words = w;
        /* The first band with text enough for a sure angle sets it for the bands read after it:
           a band of one or two lines gives a poor angle of its own. */
        if (!bs->skew_locked && !map.skew_given && ps->skew_conf >= SKEW_LOCK_CONF) {
            bs->skew_locked = true;
            bs->skew = ps->skew_deg;
        }
    }
    fg_page_free(b->img);
    b->img = NULL;
    pthread_cond_broadcast(&bs->cv);
    pthread_mutex_unlock(&bs->lock);
}

/* The rows read early must be the page's: otherwise the live decoding went wrong somewhere.
   Under the lock. */
static fg_err rows_match(fg_bandset *bs, const fg_page *page)
{
    int cmp = bs->have < page->height ? bs->have : page->height;

    if (page->width != bs->width || page->stride != bs->stride || page->yres != bs->yres)
        return fg_err_set(FG_ERR_STATE, "bands: the page is %dx%d dpi, %d wide; its rows came as %dx%d dpi, %d wide",
                          page->xres, page->yres, page->width, bs->xres, bs->yres, bs->width);
    if (bs->n && page->height < bs->b[bs->n - 1].img1)
        return fg_err_set(FG_ERR_STATE, "bands: the page has %d rows, fewer than the %d read in bands", page->height,
                          bs->b[bs->n - 1].img1);
    for (int y = 0; y < cmp; y++)
        if (bs->sums[y] != row_sum(page->bits + (size_t)y * (size_t)page->stride, page->stride))
            return fg_err_set(FG_ERR_STATE, "bands: row %d received while the page arrived differs from the page's", y);
    return FG_OK;
}

fg_err fg_bandset_page_ended(fg_bandset *bs, const fg_page *page)
{
    fg_err e = FG_OK;

    if (!page || !page->bits)
        return fg_err_set(FG_ERR_INVAL, "bands: no page to end");
    pthread_mutex_lock(&bs->lock);
    if (!bs->ended && !bs->broken && (e = rows_match(bs, page)))
        set_broken(bs, e);
    bs->ended = true;
    free(bs->rows);   /* the bands hold copies of what they read; the page is the one copy now */
    bs->rows = NULL;
    bs->cap_rows = 0;
    pthread_mutex_unlock(&bs->lock);
    return e;
}

fg_err fg_bandset_finish(fg_bandset *bs, fg_ocr *ocr, const fg_page *page, fg_words **out)
{
    fg_words *w = NULL;
    int total;
    double t0 = now_ms(), tw;
    fg_err e = FG_OK;

    *out = NULL;
    if (!page || !page->bits)
        return fg_err_set(FG_ERR_INVAL, "bands: no page to finish");
    pthread_mutex_lock(&bs->lock);
    bs->finishing = true;
    if (bs->broken) {
        e = fg_err_set(FG_ERR_STATE, "bands stopped: %s", bs->why);
        goto out;
    }
    if ((e = rows_match(bs, page)))
        goto out;
    total = bs->n;
    if (page->height > bs->last_cut) {
        band *b;
        bool blank = true;

        if (!room_for_band(bs)) {
            e = fg_err_set(FG_ERR_NOMEM, "bands: cannot keep the last band");
            goto out;
        }
        b = &bs->b[bs->n];

        b->own0 = bs->last_cut;
        b->own1 = page->height;
        b->img0 = bs->next_img0;
        b->img1 = page->height;
        b->last = true;
        for (int y = b->img0; y < b->img1 && blank; y++)
            blank = row_white(page->bits + (size_t)y * (size_t)page->stride, page->width);
        bs->st.bands++;
        if (blank) {
            b->state = B_BLANK;
            bs->st.blank++;
        } else {
            if ((e = fg_page_new(page->width, b->img1 - b->img0, page->xres, page->yres, &b->img)))
                goto out;
            memcpy(b->img->bits, page->bits + (size_t)b->img0 * (size_t)page->stride,
                   (size_t)(b->img1 - b->img0) * (size_t)page->stride);
            b->state = B_QUEUED;
        }
        total++;
    }
    {
        long queued = 0;

        for (int i = 0; i < total; i++) {
            bs->st.waited += bs->b[i].state == B_RUNNING;
            if (bs->b[i].state == B_QUEUED)
                queued += bs->b[i].own1 - bs->b[i].own0;
        }
        if (queued > BEHIND_SHARE * page->height) {
            for (int i = 0; i < total; i++)
                if (bs->b[i].state == B_QUEUED)
                    bs->b[i].state = B_DROPPED;   /* a worker that comes to it skips it */
            e = fg_err_set(FG_ERR_STATE, "the workers fell behind the line: %ld of %d rows still to read in bands, "
                           "the whole page is cheaper", queued, page->height);
            goto out;
        }
    }
    pthread_mutex_unlock(&bs->lock);
    /* the last band, and any a worker has not started: here, rather than wait for a free worker */
    for (int i = total - 1; i >= 0; i--)
        fg_bandset_run(bs, i, ocr);
    pthread_mutex_lock(&bs->lock);
    tw = now_ms();
    for (int i = 0; i < total; i++)
        while (bs->b[i].state == B_RUNNING || bs->b[i].state == B_QUEUED)
            pthread_cond_wait(&bs->cv, &bs->lock);
    bs->st.ms_waited = now_ms() - tw;
    for (int i = 0; i < total; i++)
        if (bs->b[i].state == B_FAILED) {
            e = fg_err_set(FG_ERR_OCR, "%s", bs->b[i].err);
            goto out;
        }
    if (!(w = calloc(1, sizeof *w))) {
        e = fg_err_set(FG_ERR_NOMEM, "cannot allocate the words of a page");
        goto out;
    }
    w->page_width = page->width;
    w->page_height = page->height;
    w->xres = page->xres;
    w->yres = page->yres;
    for (int i = 0; i < total && !e; i++)
        if (bs->b[i].state == B_DONE)
            e = fg_words_take_owned(w, bs->b[i].words, bs->b[i].img0, bs->b[i].own0, bs->b[i].own1);
    if (!e)
        e = fg_words_finish_bands(w);
    bs->st.skew_deg = bs->skew_locked ? bs->skew : 0;
out:
    bs->st.ms_finish = now_ms() - t0;
    pthread_mutex_unlock(&bs->lock);
    if (e) {
        fg_words_free(w);
        return e;
    }
    *out = w;
    return FG_OK;
}

bool fg_bandset_read_all(fg_bandset *bs, const fg_page *page)
{
    bool ok;

    if (!page || !page->bits)
        return false;
    pthread_mutex_lock(&bs->lock);
    ok = !bs->broken && !bs->finishing && page->width == bs->width && page->stride == bs->stride &&
         page->height >= bs->last_cut;
    for (int i = 0; ok && i < bs->n; i++)
        ok = bs->b[i].state == B_DONE || bs->b[i].state == B_BLANK;
    for (int y = bs->last_cut; ok && y < page->height; y++)
        ok = row_white(page->bits + (size_t)y * (size_t)page->stride, page->width);
    pthread_mutex_unlock(&bs->lock);
    return ok;
}

bool fg_bandset_band(fg_bandset *bs, int index, fg_band_info *out)
{
    bool ok;

    pthread_mutex_lock(&bs->lock);
    ok = index >= 0 && index < bs->cap_b && bs->b[index].own1 > bs->b[index].own0;
    if (ok) {
        out->own0 = bs->b[index].own0;
        out->own1 = bs->b[index].own1;
        out->img0 = bs->b[index].img0;
        out->img1 = bs->b[index].img1;
        out->blank = bs->b[index].state == B_BLANK;
    }
    pthread_mutex_unlock(&bs->lock);
    return ok;
}

void fg_bandset_get_stats(fg_bandset *bs, fg_bandset_stats *st)
{
    pthread_mutex_lock(&bs->lock);
    *st = bs->st;
    pthread_mutex_unlock(&bs->lock);
}
