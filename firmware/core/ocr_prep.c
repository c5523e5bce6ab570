/* faxgate — cleaning a fax page image before Tesseract reads it (see ocr_prep.h and docs/ocr.md).
 *
 * The image is the square 1-bpp image ocr.c builds (1 = black, about 204 dpi both ways). Sizes are
 * given in millimetres and turned into pixels with the image's resolution, so the steps mean the same
 * at every fax resolution.
 */
#include <math.h>
#include <string.h>
#include <time.h>

#include "ocr_prep.h"

/* Deskew: Tesseract follows text lines up to about a degree of skew by itself; below this angle a
   rotation costs time and smears glyphs for nothing (docs/ocr.md). */
#define SKEW_MIN_DEG 0.5
/* leptonica's confidence (best score over the mean score of the sweep): below it the angle is a guess. */
#define SKEW_MIN_CONF 3.0f

/* Despeckle: a speck fits in DOT_W_MM x DOT_H_MM (a noisy line leaves 1 to 3 pixels each way, and on a
   98-lpi page each row is two in the image) and has no larger ink within NEAR_X_MM to its sides or
   NEAR_Y_MM above or below. Periods, commas and colons sit beside a letter, up to 1.2 mm away in
   monospaced type (www.example.fr in Liberation Mono) and further after a French space ("Date :");
   i-dots and accents sit just above one. A speck further
   above a letter is what Tesseract turns into an accent ('déliver'), so the vertical reach is short.
   Lone dots are lost, which reading never misses. docs/ocr.md has the sweep behind these numbers. */
#define DOT_W_MM 0.45
#define DOT_H_MM 0.8
#define NEAR_X_MM 2.0
#define NEAR_Y_MM 0.5

/* Margins: a band of columns (rows) near an edge whose ink covers at least MARGIN_DENSITY of the
   page height (width) is not text: stripes, a black border, a scanner's dark edge. Text columns hold
   ink on well under a fifth of the rows. Searched in the outer MARGIN_ZONE of the page. */
#define MARGIN_DENSITY 0.3
#define MARGIN_BAND_DENSITY 0.8   /* the same in a band of a page (ocr_bands.c) */
#define MARGIN_ZONE 0.2
#define MARGIN_WHITE 0.003    /* a column (row) with less ink than this share is blank */
#define MARGIN_GAP_MM 2.0     /* white columns allowed inside one band */
#define MARGIN_MIN_MM 1.0     /* narrower dense runs are rules of a form, left alone */
#define MARGIN_PAD_MM 1.0     /* whitened beyond the band: stripes end ragged */

static double now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int mm_px(PIX *pix, double mm)
{
    int xres = pixGetXRes(pix);
    int px = (int)lround(mm * (xres > 0 ? xres : 204) / 25.4);

    return px < 1 ? 1 : px;
}

/* ---- margins ---- */

/* The extent [*a, *b) of the dense band nearest to the edge among counts[0..n) read from the edge
   inwards (dir +1 from index 0, -1 from index n-1), in steps from the edge; 0 if there is none.
   need is the count a dense line has, and white the count below which a line is blank. */
static int dense_band(const l_float32 *counts, int n, int dir, double need, double white, int gap_max, int min_w,
                      int *a, int *b)
{
    int zone = (int)(n * MARGIN_ZONE), first = -1, last = -1, gap = 0, ended = 0;

    for (int k = 0; k < zone && !ended; k++) {
        int i = dir > 0 ? k : n - 1 - k;

        if (counts[i] >= need) {
            if (first < 0)
                first = k;
            last = k;
            gap = 0;
        } else if (first >= 0 && ++gap > gap_max)
            ended = 1;
    }
    /* Ink that goes on past the zone is the page's content (itu8: a black panel of white lettering
       across the whole width), not a band in its margin. */
    if (first < 0 || !ended || last - first + 1 < min_w)
        return 0;
    /* Stripes and screens often fade out towards the text (asterisk/send.tiff): the faint tail goes
       too, up to the first blank gap, if there is one in the zone. Text right against the band has
       no such gap and is not touched. */
    gap = 0;
    for (int k = last + 1; k < zone; k++) {
        int i = dir > 0 ? k : n - 1 - k;

        if (counts[i] > white)
            gap = 0;
        else if (++gap >= min_w) {
            last = k - gap;
            break;
        }
    }
    *a = first;
    *b = last + 1;
    return 1;
}

/* Whitens dense bands at the four edges; returns the columns whitened at the left and right. */
static void margins(PIX *pix, const fg_prep_map *m, fg_prep_stats *st)
{
    int w = pixGetWidth(pix), h = pixGetHeight(pix), a, b;
    int gap = mm_px(pix, MARGIN_GAP_MM), minw = mm_px(pix, MARGIN_MIN_MM), pad = mm_px(pix, MARGIN_PAD_MM);
    NUMA *cols = pixCountPixelsByColumn(pix), *rows = pixCountPixelsByRow(pix, NULL);

    if (cols && numaGetCount(cols) == w) {
        const l_float32 *c = numaGetFArray(cols, L_NOCOPY);
        /* A band is an inch or two of the page: a heading's strokes can cover a third of its rows,
           stripes and borders cover nearly all of them. */
        double density = m->band ? MARGIN_BAND_DENSITY : MARGIN_DENSITY;

        if (dense_band(c, w, +1, density * h, MARGIN_WHITE * h, gap, minw, &a, &b)) {
            BOX *box = boxCreate(0, 0, b + pad, h);

            pixClearInRect(pix, box);
            boxDestroy(&box);
            st->margin_left = b + pad;
        }
        if (dense_band(c, w, -1, density * h, MARGIN_WHITE * h, gap, minw, &a, &b)) {
            BOX *box = boxCreate(w - b - pad, 0, b + pad, h);

            pixClearInRect(pix, box);
            boxDestroy(&box);
            st->margin_right = b + pad;
        }
    }
    if (rows && numaGetCount(rows) == h) {
        const l_float32 *r = numaGetFArray(rows, L_NOCOPY);

        /* Rows are counted before the columns were whitened: a band across the top is still one. */
        /* A band's top and bottom are cuts through the page, not its edges: a rule or a banner
           there is content (only the page's own top and bottom are margins). */
        if ((!m->band || m->page_top) &&
            dense_band(r, h, +1, MARGIN_DENSITY * 2 * w, MARGIN_WHITE * w, gap, minw, &a, &b)) {
            BOX *box = boxCreate(0, 0, w, b + pad);

            pixClearInRect(pix, box);
            boxDestroy(&box);
        }
        if ((!m->band || m->page_bottom) &&
            dense_band(r, h, -1, MARGIN_DENSITY * 2 * w, MARGIN_WHITE * w, gap, minw, &a, &b)) {
            BOX *box = boxCreate(0, h - b - pad, w, b + pad);

            pixClearInRect(pix, box);
            boxDestroy(&box);
        }
    }
    numaDestroy(&cols);
    numaDestroy(&rows);
}

/* ---- pages of noise ---- */

/* Tesseract's layout analysis is not covered by its deadline and grows with the number of blobs
   that look like glyphs: a page of 20% random noise took 36 s there. A page of 5-point text has
   about 18 000 connected components, one square inch of it under 600; noise has thousands per
   square inch. Above JUNK_PAGE_COMPONENTS the page is cut into square inches and those holding
   more than JUNK_TILE_COMPONENTS are whitened: what is left is read, and the words say they are cut. */
#define JUNK_PAGE_COMPONENTS 40000
#define JUNK_TILE_MM 25.4
#define JUNK_TILE_COMPONENTS 1000

/* A band gets the page's threshold in proportion to its height against a page of 11 inches, so
   that a band of noise is cut as the page it belongs to would be. */
#define JUNK_PAGE_MM (11 * 25.4)

static void junk_guard(PIX *pix, const fg_prep_map *m, fg_prep_stats *st)
{
    int w = pixGetWidth(pix), h = pixGetHeight(pix), tile = mm_px(pix, JUNK_TILE_MM);
    double limit = JUNK_PAGE_COMPONENTS;
    l_int32 n = 0;

    if (pixCountConnComp(pix, 8, &n))
        return;
    st->components = n;
    if (m->band && h < mm_px(pix, JUNK_PAGE_MM))
        limit = JUNK_PAGE_COMPONENTS * (double)h / mm_px(pix, JUNK_PAGE_MM);
    if (n <= limit)
        return;
    for (int y = 0; y < h; y += tile)
        for (int x = 0; x < w; x += tile) {
            BOX *box = boxCreate(x, y, x + tile > w ? w - x : tile, y + tile > h ? h - y : tile);
            PIX *part = box ? pixClipRectangle(pix, box, NULL) : NULL;
            l_int32 k = 0;

            if (part && !pixCountConnComp(part, 8, &k) && k > JUNK_TILE_COMPONENTS) {
                pixClearInRect(pix, box);
                st->junk++;
            }
            pixDestroy(&part);
            boxDestroy(&box);
        }
}

/* ---- halftone ---- */

/* A fax machine sends grey (logos, photos, tinted banners) as a dither: dots and meshes with gaps of
   one or two pixels. Tesseract reads such a region as rows of garbage, and on a form it can lose the
   whole page to it (asterisk/1page.tif: 9 words with its logo, 44 without). leptonica's
   pixGenerateHalftoneMask, made for 300-ppi scans, finds none of the fax dithers in the corpus.
   Here: a closing that bridges only dither gaps, then an opening that keeps only regions at least
   HT_MIN_MM across. Text never becomes such a solid region (its lines are further apart than the
   closing bridges); a black banner does, and is kept by HT_MAX_INK (white-on-black text is text). */
#define HT_CLOSE_MM 0.3
#define HT_MIN_MM 5.0
#define HT_MAX_INK 0.8
#define HT_EDGE_MM 0.5     /* whitened around the region: dithers end in ragged dots */

static void halftone(PIX *pix, int rep, fg_prep_stats *st)
{
    int c = mm_px(pix, HT_CLOSE_MM), big = mm_px(pix, HT_MIN_MM), edge = mm_px(pix, HT_EDGE_MM);
    /* 98-lpi rows were doubled: a one-row gap of the dither is two rows of the image */
    PIX *closed = pixCloseSafeBrick(NULL, pix, c + 1, c * rep + 1);
    PIX *solid = closed ? pixOpenBrick(NULL, closed, big, big) : NULL;
    BOXA *boxes = NULL;
    PIXA *parts = NULL;

    if (!solid || !(boxes = pixConnComp(solid, &parts, 8)))
        goto out;
    for (int i = 0; i < boxaGetCount(boxes); i++) {
        l_int32 x, y, w, h, area = 0, ink = 0;
        PIX *region = pixaGetPix(parts, i, L_CLONE), *orig = NULL, *mask = NULL;
        BOX *b = boxaGetBox(boxes, i, L_CLONE);

        boxGetGeometry(b, &x, &y, &w, &h);
        pixCountPixels(region, &area, NULL);
        if ((orig = pixClipRectangle(pix, b, NULL)) && pixAnd(orig, orig, region))
            pixCountPixels(orig, &ink, NULL);
        if (area > 0 && ink < HT_MAX_INK * area && (mask = pixDilateBrick(NULL, region, 2 * edge + 1, 2 * edge + 1))) {
            /* the dilated region, placed back on the page, is cleared there */
            pixRasterop(pix, x - edge, y - edge, w + 2 * edge, h + 2 * edge, PIX_DST & PIX_NOT(PIX_SRC), mask, 0, 0);
            st->halftone_px += area;
        }
        pixDestroy(&mask);
        pixDestroy(&orig);
        pixDestroy(&region);
        boxDestroy(&b);
    }
out:
    pixaDestroy(&parts);
    boxaDestroy(&boxes);
    pixDestroy(&solid);
    pixDestroy(&closed);
}

/* ---- despeckle ---- */

static void despeckle(PIX *pix, int rep, fg_prep_stats *st)
{
    /* one more page row of reach: at 98 lpi an i-dot can sit two rows (four image rows) above its stem */
    int dw = mm_px(pix, DOT_W_MM), dh = mm_px(pix, DOT_H_MM), nx = mm_px(pix, NEAR_X_MM), ny = mm_px(pix, NEAR_Y_MM) + rep;
    PIX *small = pixSelectBySize(pix, dw, dh, 8, L_SELECT_IF_BOTH, L_SELECT_IF_LTE, NULL);
    PIX *big = NULL, *around = NULL;

    if (!small)
        return;
    /* everything else, grown by the reach: a small component inside that is punctuation */
    if ((big = pixSubtract(NULL, pix, small)) && (around = pixDilateBrick(NULL, big, 2 * nx + 1, 2 * ny + 1))) {
        l_int32 n = 0;

        pixSubtract(small, small, around);   /* specks alone on the paper */
        pixCountConnComp(small, 8, &n);
        st->specks = n;
        pixSubtract(pix, pix, small);
    }
    pixDestroy(&around);
    pixDestroy(&big);
    pixDestroy(&small);
}

/* ---- deskew ---- */

static PIX *deskew(PIX *pix, fg_prep_map *m, fg_prep_stats *st)
{
    l_float32 deg = 0, conf = 0;
    PIX *r;

    if (m->skew_given) {
        deg = (l_float32)m->skew_deg;   /* a band: the angle found on earlier bands of the page */
    } else {
        if (pixFindSkew(pix, &deg, &conf) || conf < SKEW_MIN_CONF)
            return pix;
        st->skew_conf = conf;
    }
    st->skew_deg = deg;
    if (fabs(deg) < SKEW_MIN_DEG)
        return pix;
    /* three shears about the centre: exact for 1 bpp and cheaper than area mapping */
    if (!(r = pixRotateShear(pix, m->w / 2, m->h / 2, (l_float32)(deg * M_PI / 180.0), L_BRING_IN_WHITE)))
        return pix;
    m->angle = deg * M_PI / 180.0;
    st->deskewed = 1;
    return r;
}

PIX *fg_prep_run(PIX *pix, unsigned steps, fg_prep_map *m, fg_prep_stats *st)
{
    double t0 = now_ms();
    PIX *out;

    m->angle = 0;
    st->skew_conf = 0;
    m->w = pixGetWidth(pix);
    m->h = pixGetHeight(pix);
    /* Whitening first: stripes, borders and halftones would otherwise pass for text lines when the
       skew is measured and for big neighbours when specks are judged. */
    if (steps & FG_PREP_MARGINS)
        margins(pix, m, st);
    /* before the steps whose cost grows with the number of components */
    if (steps & FG_PREP_JUNK_GUARD)
        junk_guard(pix, m, st);
    if (steps & FG_PREP_HALFTONE)
        halftone(pix, m->rep, st);
    if (steps & FG_PREP_DESPECKLE)
        despeckle(pix, m->rep, st);
    out = steps & FG_PREP_DESKEW ? deskew(pix, m, st) : pix;
    st->ms_prep = now_ms() - t0;
    return out;
}

void fg_prep_unmap(const fg_prep_map *m, int *l, int *t, int *r, int *b)
{
    double cx = m->w / 2, cy = m->h / 2, c = cos(m->angle), s = sin(m->angle);
    double xs[4] = {*l, *r, *r, *l}, ys[4] = {*t, *t, *b, *b}, x0 = 1e9, y0 = 1e9, x1 = -1e9, y1 = -1e9;

    if (m->angle == 0)
        return;
    /* pixRotateShear turned the page clockwise by angle (y down): undo it on the four corners */
    for (int i = 0; i < 4; i++) {
        double dx = xs[i] - cx, dy = ys[i] - cy;
        double x = cx + dx * c + dy * s, y = cy - dx * s + dy * c;

        x0 = fmin(x0, x);
        x1 = fmax(x1, x);
        y0 = fmin(y0, y);
        y1 = fmax(y1, y);
    }
    *l = (int)floor(x0);
    *t = (int)floor(y0);
    *r = (int)ceil(x1);
    *b = (int)ceil(y1);
}
