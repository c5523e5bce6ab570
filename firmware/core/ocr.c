/* faxgate — OCR of a fax page with the Tesseract C API (one engine per worker thread). */
#include <errno.h>
#include <leptonica/allheaders.h>
#include <omp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tesseract/capi.h>
#include <time.h>
#include <unistd.h>

#include "faxgate/ocr.h"
#include "ocr_prep.h"

#define LANGS_MAX 100
#define DEFAULT_LANGS "eng+fra"
/* Debian's default tessdata folder, where the tesseract-ocr-LANG packages put their files. */
#define DEFAULT_TESSDATA "/usr/share/tesseract-ocr/5/tessdata"
/* A legitimate page takes about a second here; noise can take far longer. The budget covers
   cleaning, layout analysis and recognition: after it, the words found so far are returned with
   `truncated` set, so a hostile page cannot hold a worker. Tesseract can stop only during
   recognition; layout analysis is kept short by ocr_prep.c's junk guard (docs/ocr.md). */
#define PAGE_DEADLINE_MS 30000
/* Recognition always gets this long, even when layout analysis ate the budget. */
#define PAGE_MIN_RECOGNISE_MS 1000
/* Bigger images are read only in their top-left part (3600 rows is 18 inches, longer than legal or
   B4 paper): the cost of layout analysis grows with the area, and hostile pages can be 2 m long. */
#define OCR_MAX_W 8000
#define OCR_MAX_H 3600

struct fg_ocr {
    TessBaseAPI *api;
    char langs[LANGS_MAX + 1];
    unsigned prep;          /* FG_PREP_* steps run before recognition */
    fg_prep_stats stats;    /* what they did on the last page */
};

void fg_ocr_set_prep(fg_ocr *ocr, unsigned steps)
{
    ocr->prep = steps;
}

const fg_prep_stats *fg_ocr_prep_stats(const fg_ocr *ocr)
{
    return &ocr->stats;
}

/* Tesseract's `#pragma omp parallel for num_threads(N)` clauses override omp_set_num_threads(),
   but no region can go parallel when max-active-levels is 0. In GCC 12's libgomp that ICV belongs
   to the calling thread's implicit task (setting it in main() does not reach worker threads, and
   OMP_THREAD_LIMIT is read only when libgomp loads), so it is set around each call, on the thread
   that does the work, and restored for any OpenMP code of the caller's own. */
#ifdef FG_OCR_KEEP_OPENMP   /* only for tests/bench_ocr.sh: measures what switching OpenMP off is worth */
static int omp_off(void)
{
    return 0;
}

static void omp_restore(int prev)
{
    (void)prev;
}
#else
static int omp_off(void)
{
    int prev = omp_get_max_active_levels();

    omp_set_max_active_levels(0);
    return prev;
}

static void omp_restore(int prev)
{
    omp_set_max_active_levels(prev);
}
#endif

static pthread_once_t quiet_once = PTHREAD_ONCE_INIT;

/* Tesseract's tprintf and leptonica's messages go to stderr; both are process-wide settings. Our
   own return values say what went wrong, in messages the user can act on. */
static void quiet(void)
{
    TessBaseAPI *t = TessBaseAPICreate();

    if (t) {
        TessBaseAPISetVariable(t, "debug_file", "/dev/null");
        TessBaseAPIDelete(t);
    }
    setMsgSeverity(L_SEVERITY_NONE);
}

static fg_err check_langs(const char *l)
{
    size_t n = strlen(l);

    if (n == 0 || n > LANGS_MAX)
        return fg_err_set(FG_ERR_INVAL, "OCR languages '%s': give 1 to %d characters such as eng+fra", l,
                          LANGS_MAX);
    for (size_t i = 0; i < n; i++) {
        char c = l[i];
        bool plus = c == '+';

        if (!(plus || c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) ||
            (plus && (i == 0 || i + 1 == n || l[i + 1] == '+')))
            return fg_err_set(FG_ERR_INVAL,
                              "OCR languages '%s': expected Tesseract codes joined with '+', such as eng+fra", l);
    }
    return FG_OK;
}

static bool lang_loaded(char **loaded, const char *lang, size_t len)
{
    for (size_t i = 0; loaded && loaded[i]; i++)
        if (strlen(loaded[i]) == len && !strncmp(loaded[i], lang, len))
            return true;
    return false;
}

/* Which requested languages did not load, and which Debian packages provide them. */
static fg_err missing_langs(TessBaseAPI *api, const char *langs, const char *datapath, bool init_ok)
{
    char **loaded = init_ok ? TessBaseAPIGetLoadedLanguagesAsVector(api) : NULL;
    const char *env = getenv("TESSDATA_PREFIX");
    const char *known = init_ok ? TessBaseAPIGetDatapath(api) : NULL;
    const char *dir = datapath ? datapath : known && *known ? known : env && *env ? env : DEFAULT_TESSDATA;
    char names[3 * LANGS_MAX] = "", pkgs[8 * LANGS_MAX] = "";
    size_t nn = 0, np = 0;
    int count = 0;

    for (const char *p = langs; *p;) {
        size_t len = strcspn(p, "+");
        char path[1200];

        snprintf(path, sizeof path, "%s/%.*s.traineddata", dir, (int)len, p);
        if (init_ok ? !lang_loaded(loaded, p, len) : access(path, R_OK) != 0) {
            nn += (size_t)snprintf(names + nn, sizeof names - nn, "%s'%.*s'", count ? ", " : "", (int)len, p);
            np += (size_t)snprintf(pkgs + np, sizeof pkgs - np, "%stesseract-ocr-", count ? " " : "");
            for (size_t i = 0; i < len && np + 1 < sizeof pkgs; i++) {
                char c = p[i] == '_' ? '-' : p[i];

                pkgs[np++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
            }
            pkgs[np] = '\0';
            count++;
        }
        p += len + (p[len] == '+');
    }
    if (loaded)
        TessDeleteTextArray(loaded);
    if (!count && init_ok)
        return FG_OK;
    if (!count)
        return fg_err_set(FG_ERR_OCR,
                          "Tesseract could not load the languages '%s' from %s although the files are there: "
                          "reinstall tesseract-ocr and its language packages",
                          langs, dir);
    return fg_err_set(FG_ERR_OCR,
                      "OCR language%s %s %s not installed (no .traineddata in %s): install the Debian package%s %s, "
                      "or change [ocr] languages",
                      count > 1 ? "s" : "", names, count > 1 ? "are" : "is", dir, count > 1 ? "s" : "", pkgs);
}

fg_err fg_ocr_new(const char *languages, const char *datapath, fg_ocr **out)
{
    fg_ocr *o;
    fg_err e;
    int prev, rc;

    if (!out)
        return fg_err_set(FG_ERR_INVAL, "fg_ocr_new: no place for the engine");
    *out = NULL;
    if (!languages || !*languages)
        languages = DEFAULT_LANGS;
    if (datapath && !*datapath)
        datapath = NULL;
    if ((e = check_langs(languages)))
        return e;
    if (datapath && access(datapath, R_OK | X_OK) != 0)
        return fg_err_set(FG_ERR_OCR, "OCR data folder %s: %s; fix [ocr] datapath or leave it empty", datapath,
                          strerror(errno));
    pthread_once(&quiet_once, quiet);
    if (!(o = calloc(1, sizeof *o)) || !(o->api = TessBaseAPICreate())) {
        free(o);
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate an OCR engine");
    }
    snprintf(o->langs, sizeof o->langs, "%s", languages);
    o->prep = FG_PREP_DEFAULT;
    prev = omp_off();
    /* LSTM only: the legacy engine is slower and worse on fax text, and not every
       traineddata has it. */
    rc = TessBaseAPIInit2(o->api, datapath, o->langs, OEM_LSTM_ONLY);
    /* A missing second language is not an Init failure for Tesseract, only a line on stderr. */
    e = missing_langs(o->api, o->langs, datapath, rc == 0);
    omp_restore(prev);
    if (e) {
        fg_ocr_free(o);
        return e;
    }
    /* Fully automatic layout without orientation detection: fax pages mix columns, boxes, logos and
       small print that a single-block mode would run together, and senders scan them upright
       (orientation detection would need the osd data and cost time on every page). */
    TessBaseAPISetPageSegMode(o->api, PSM_AUTO);
    *out = o;
    return FG_OK;
}

void fg_ocr_free(fg_ocr *ocr)
{
    if (!ocr)
        return;
    if (ocr->api) {
        TessBaseAPIEnd(ocr->api);
        TessBaseAPIDelete(ocr->api);
    }
    free(ocr);
}

/* ---- page to image ---- */

/* A 1 bpp leptonica image (1 = black, as in fax), with rows repeated (rep > 1) or merged (merge > 1)
   so that pixels are about square: Tesseract's models expect square pixels, and 204x98 text is
   squashed to half its height. */
static PIX *page_pix(const fg_page *p, int rep, int merge, int w, int h)
{
    PIX *pix = pixCreate(w, h, 1);
    l_uint32 *data;
    int wpl, bytes = (w + 7) / 8;
    uint8_t last = (uint8_t)(0xFF00 >> (w - (bytes - 1) * 8));

    if (!pix)
        return NULL;
    data = pixGetData(pix);
    wpl = pixGetWpl(pix);
    for (int y = 0; y < h; y++) {
        l_uint32 *dst = data + (size_t)y * (size_t)wpl;

        if (rep > 1 && y % rep) {
            memcpy(dst, dst - wpl, (size_t)wpl * 4);
            continue;
        }
        for (int m = 0; m < merge; m++) {
            int sy = (y / rep) * merge + m;
            const uint8_t *src = p->bits + (size_t)sy * (size_t)p->stride;

            if (sy >= p->height)
                break;
            for (int i = 0; i < bytes; i++) {
                uint8_t b = i == bytes - 1 ? (uint8_t)(src[i] & last) : src[i];   /* padding bits are noise */

                dst[i >> 2] |= (l_uint32)b << (24 - 8 * (i & 3));
            }
        }
    }
    pixSetResolution(pix, p->xres, p->xres);
    return pix;
}

/* ---- results ---- */

typedef struct buf {
    char *s;
    size_t n, cap;
} buf;

static bool buf_put(buf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        char *ns;

        while (cap < b->n + n + 1)
            cap *= 2;
        if (!(ns = realloc(b->s, cap)))
            return false;
        b->s = ns;
        b->cap = cap;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
    return true;
}

/* A word's text without spaces or control bytes, cut to FG_WORD_MAX_LEN on a character boundary. */
static char *clean_word(const char *t, int *truncated)
{
    size_t n = 0, len = strlen(t);
    char *w = malloc(len < FG_WORD_MAX_LEN ? len + 1 : FG_WORD_MAX_LEN + 1);

    if (!w)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)t[i];

        if (c <= ' ' || c == 0x7f)
            continue;
        if (n == FG_WORD_MAX_LEN) {
            while (n && ((unsigned char)w[n] & 0xC0) == 0x80)
                n--;   /* w[n] is the first byte that did not fit: back up to a character start */
            *truncated = 1;
            break;
        }
        w[n++] = (char)c;
    }
    w[n] = '\0';
    return w;
}

static fg_err collect(TessBaseAPI *api, const fg_page *p, int rep, int merge, const fg_prep_map *map,
                      fg_words *w)
{
    TessResultIterator *ri = TessBaseAPIGetIterator(api);
    TessPageIterator *pi;
    buf text = {0};
    size_t cap = 0;
    int line = -1, block = -1;
    bool new_line = true, new_block = true;
    fg_err e = FG_OK;

    if (!ri)
        goto done;   /* nothing recognised: a blank page */
    pi = TessResultIteratorGetPageIterator(ri);
    do {
        char *t;
        fg_word *wd;
        int l, tp, r, b;

        if (TessPageIteratorIsAtBeginningOf(pi, RIL_BLOCK))
            new_block = true;
        if (TessPageIteratorIsAtBeginningOf(pi, RIL_TEXTLINE))
            new_line = true;
        if (!(t = TessResultIteratorGetUTF8Text(ri, RIL_WORD)))
            continue;
        if (w->n >= FG_WORDS_MAX) {
            TessDeleteText(t);
            w->truncated = 1;
            break;
        }
        if (w->n == cap) {
            size_t ncap = cap ? cap * 2 : 256;
            fg_word *nv = realloc(w->v, ncap * sizeof *nv);

            if (!nv) {
                TessDeleteText(t);
                e = FG_ERR_NOMEM;
                break;
            }
            w->v = nv;
            cap = ncap;
        }
        wd = &w->v[w->n];
        memset(wd, 0, sizeof *wd);
        wd->text = clean_word(t, &w->truncated);
        TessDeleteText(t);
        if (!wd->text) {
            e = FG_ERR_NOMEM;
            break;
        }
        if (!wd->text[0]) {
            free(wd->text);
            continue;
        }
        /* Indices count lines and blocks that gave words, so they are dense and in reading order. */
        if (new_block)
            block++;
        if (new_line)
            line++;
        wd->line = line;
        wd->block = block;
        wd->conf = TessResultIteratorConfidence(ri, RIL_WORD);
        if (TessPageIteratorBoundingBox(pi, RIL_WORD, &l, &tp, &r, &b)) {
            /* glyph height from the box Tesseract saw (upright), in page rows */
            wd->height_pt = (float)(b - tp) * (float)merge / (float)rep * 72.0f / (float)p->yres;
            /* the box back through the deskew rotation, then from the square image to page rows */
            fg_prep_unmap(map, &l, &tp, &r, &b);
            wd->x0 = l < 0 ? 0 : l > p->width ? p->width : l;
            wd->x1 = r < wd->x0 ? wd->x0 : r > p->width ? p->width : r;
            wd->y0 = tp * merge / rep;
            wd->y1 = (b * merge + rep - 1) / rep;
            wd->y0 = wd->y0 < 0 ? 0 : wd->y0 > p->height ? p->height : wd->y0;
            wd->y1 = wd->y1 < wd->y0 ? wd->y0 : wd->y1 > p->height ? p->height : wd->y1;
        }
        w->n++;
        if (text.n && !buf_put(&text, new_line ? "\n" : " ", 1)) {
            e = FG_ERR_NOMEM;
            break;
        }
        if (!buf_put(&text, wd->text, strlen(wd->text))) {
            e = FG_ERR_NOMEM;
            break;
        }
        new_line = new_block = false;
    } while (TessResultIteratorNext(ri, RIL_WORD));
    TessResultIteratorDelete(ri);
done:
    if (!e && !text.s && !buf_put(&text, "", 0))
        e = FG_ERR_NOMEM;
    w->text = text.s;
    return e ? fg_err_set(e, "cannot allocate the words of a page") : FG_OK;
}

/* The square image Tesseract reads, in grey with rows interpolated: only for measuring the
   FG_PREP_ROWS_SMOOTH alternative to plain row doubling (docs/ocr.md). */
static PIX *smooth_rows(const fg_page *p, int rep, int w, int h)
{
    PIX *one = page_pix(p, 1, 1, w, (h + rep - 1) / rep), *grey = NULL, *out = NULL;

    if (one && (grey = pixConvert1To8(NULL, one, 255, 0)))
        out = pixScaleGrayLI(grey, 1.0f, (l_float32)rep);
    pixDestroy(&grey);
    pixDestroy(&one);
    if (out)
        pixSetResolution(out, p->xres, p->xres);
    return out;
}

static double ms_since(const struct timespec *t0)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) * 1e3 + (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

fg_err fg_ocr_page(fg_ocr *ocr, const fg_page *page, fg_words **out)
{
    fg_prep_map in = {0};

    return fg_ocr_page_map(ocr, page, &in, out);
}

fg_err fg_ocr_page_map(fg_ocr *ocr, const fg_page *page, const fg_prep_map *in, fg_words **out)
{
    ETEXT_DESC *mon = NULL;
    TessPageIterator *layout;
    fg_words *w = NULL;
    PIX *pix = NULL, *clean = NULL;
    fg_prep_map map = in ? *in : (fg_prep_map){0};
    struct timespec t0;
    fg_err e = FG_OK;
    int rep = 1, merge = 1, iw, ih, prev, rc;
    double left_ms, t_layout;

    if (!ocr || !page || !out)
        return fg_err_set(FG_ERR_INVAL, "fg_ocr_page: engine, page and result are required");
    *out = NULL;
    if (page->width <= 0 || page->height <= 0 || page->width > FG_PAGE_MAX_WIDTH ||
        page->height > FG_PAGE_MAX_HEIGHT || page->stride != (page->width + 7) / 8 || !page->bits ||
        page->xres <= 0 || page->yres <= 0)
        return fg_err_set(FG_ERR_INVAL, "fg_ocr_page: page of %dx%d (stride %d) is not a valid page",
                          page->width, page->height, page->stride);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    memset(&ocr->stats, 0, sizeof ocr->stats);
    /* Standard resolution (204x98) has pixels twice as tall as wide, 204x391 half as tall. */
    if (page->yres * 3 < page->xres * 2 && !(ocr->prep & FG_PREP_ROWS_SINGLE))
        rep = (page->xres + page->yres / 2) / page->yres;
    else if (page->xres * 3 < page->yres * 2)
        merge = (page->yres + page->xres / 2) / page->xres;
    rep = rep > 4 ? 4 : rep;
    merge = merge > 4 ? 4 : merge;
    iw = page->width < OCR_MAX_W ? page->width : OCR_MAX_W;
    ih = (int)((long)page->height * rep / merge);
    if (!(w = calloc(1, sizeof *w)))
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate words");
    w->page_width = page->width;
    w->page_height = page->height;
    w->xres = page->xres;
    w->yres = page->yres;
    if (iw < page->width || ih > OCR_MAX_H) {
        w->truncated = 1;
        ih = ih > OCR_MAX_H ? OCR_MAX_H : ih;
    }
    if (ih < 1)
        ih = 1;
    if ((ocr->prep & FG_PREP_ROWS_SMOOTH) && rep > 1)
        pix = smooth_rows(page, rep, iw, ih);
    else
        pix = page_pix(page, rep, merge, iw, ih);
    if (!pix) {
        fg_words_free(w);
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate a %dx%d image for OCR", iw, ih);
    }
    map.rep = rep;
    clean = pixGetDepth(pix) == 1 ? fg_prep_run(pix, ocr->prep, &map, &ocr->stats) : pix;
    if (ocr->stats.junk)
        w->truncated = 1;   /* square inches of noise were not read */
    if (!clean) {
        pixDestroy(&pix);
        fg_words_free(w);
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate a %dx%d image for OCR", iw, ih);
    }
    prev = omp_off();
    TessBaseAPISetImage2(ocr->api, clean);
    TessBaseAPISetSourceResolution(ocr->api, page->xres);
    /* Layout analysis first, on its own: Tesseract's deadline covers recognition only, so the
       time layout took is taken off the recognition budget and the whole page stays within it. */
    t_layout = ms_since(&t0);
    if ((layout = TessBaseAPIAnalyseLayout(ocr->api)))
        TessPageIteratorDelete(layout);
    ocr->stats.ms_layout = ms_since(&t0) - t_layout;
    left_ms = PAGE_DEADLINE_MS - ms_since(&t0);
    if (left_ms < PAGE_MIN_RECOGNISE_MS)
        left_ms = PAGE_MIN_RECOGNISE_MS;
    if ((mon = TessMonitorCreate()))
        TessMonitorSetDeadlineMSecs(mon, (int)left_ms);
    t_layout = ms_since(&t0);
    rc = TessBaseAPIRecognize(ocr->api, mon);
    ocr->stats.ms_recognise = ms_since(&t0) - t_layout;
    /* After the deadline Tesseract stops with the words read so far: keep them, say they are cut. */
    if (rc != 0 && mon && ocr->stats.ms_recognise >= left_ms)
        w->truncated = 1;
    else if (rc != 0)
        e = fg_err_set(FG_ERR_OCR, "Tesseract could not recognise a %dx%d page", page->width, page->height);
    if (!e)
        e = collect(ocr->api, page, rep, merge, &map, w);
    /* Forget the page now: the engine keeps its models, not a page's image and results. */
    TessBaseAPIClear(ocr->api);
    omp_restore(prev);
    TessMonitorDelete(mon);
    if (clean != pix)
        pixDestroy(&clean);
    pixDestroy(&pix);
    if (e) {
        fg_words_free(w);
        return e;
    }
    *out = w;
    return FG_OK;
}
