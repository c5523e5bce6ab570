/* tests/bench/ocr_bands.c — band OCR (page 1 read in bands while it arrives) against whole-page
 * OCR on the same pages, with one engine: word recall against the source text, the advertiser
 * extracted (as labelled, and whether both readings give the same identity), and the OCR left to
 * do when the last row arrives.
 *
 * Input (stdin), one page a line: PAGE.tif<TAB>SOURCE.txt<TAB>lang<TAB>advertiser<TAB>callback
 * (advertiser and callback as in tests/data/texts/LABELS.tsv, '-' for none). The page's rows are
 * fed to a band set 64 rows at a time; bands are read as they are cut (as workers would while the
 * page arrives); then fg_bandset_finish reads the rest, timed: that is what a call waits for at the
 * end of page 1 when the workers kept up. "last-ms" is the time the last band with ink took: in ECM
 * the blank rows after a page's text cost the line almost nothing, so that band's rows complete
 * just before the page ends and a call waits about that long for its verdict.
 * OCR_BANDS_STEP=INCHES cuts bands of another height (the search window at most 0.4 of it).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "faxgate/bands.h"
#include "faxgate/extract.h"
#include "faxgate/ocr.h"
#include "faxgate/page.h"
#include "words.h"
#include "slurp.h"

/* CPU time of this thread (everything here runs on it, OpenMP off): the cost of the reading, the
   same whatever else the machine is doing, and what the tesseract CLI's user + system time is set
   against in tests/bench_bands.sh. */
static double now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}


static void free_words(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* Word recall as bags with counts: each source word (3+ characters) matched at most once. */
static double recall(const char *ref, const char *text, size_t *hit_out, size_t *total_out)
{
    char **rw, **ow;
    size_t rn = norm_words(ref, &rw), on = norm_words(text, &ow), hit = 0, total = 0;
    char *used = calloc(on + 1, 1);

    for (size_t i = 0; i < rn; i++) {
        if (strlen(rw[i]) < 3)
            continue;
        total++;
        for (size_t j = 0; j < on; j++)
            if (!used[j] && !strcmp(rw[i], ow[j])) {
                used[j] = 1;
                hit++;
                break;
            }
    }
    free(used);
    free_words(rw, rn);
    free_words(ow, on);
    *hit_out += hit;
    *total_out += total;
    return total ? 100.0 * (double)hit / (double)total : 0;
}

typedef struct queue {
    int idx[FG_BANDS_MAX];
    int n;
} queue;

static void submit(void *user, fg_bandset *bs, int index)
{
    queue *q = user;

    (void)bs;
    q->idx[q->n++] = index;
}

/* Same advertiser identity: name (case aside), callback and domain. */
static bool same_ident(const fg_ident *a, const fg_ident *b)
{
    return !strcasecmp(a->adv_name ? a->adv_name : "", b->adv_name ? b->adv_name : "") &&
           !strcmp(a->callback, b->callback) && !strcasecmp(a->adv_domain, b->adv_domain);
}

/* The labelled advertiser found: its name in the extracted name (either way round, case aside) or
   its callback number; a page labelled '-' counts when nothing is named. */
static bool as_labelled(const fg_ident *id, const char *adv, const char *cb)
{
    const char *name = id->adv_name ? id->adv_name : "";

    if (!strcmp(adv, "-"))
        return !name[0];
    if (name[0] && (strcasestr(name, adv) || strcasestr(adv, name)))
        return true;
    return strcmp(cb, "-") && id->callback[0] && !strcmp(cb, id->callback);
}

int main(int argc, char **argv)
{
    const char *langs = argc > 1 ? argv[1] : "eng+fra";
    char line[4096];
    fg_ocr *ocr = NULL;
    size_t wh = 0, wt = 0, bh = 0, bt = 0;
    int pages = 0, lab_w = 0, lab_b = 0, same = 0, labelled = 0;
    double ms_whole = 0, ms_bands = 0, ms_tail = 0, tail_max = 0, ms_last = 0, last_max = 0;
    double step_in = getenv("OCR_BANDS_STEP") ? atof(getenv("OCR_BANDS_STEP")) : 0;
    fg_err e;

    if ((e = fg_ocr_new(langs, NULL, &ocr))) {
        fprintf(stderr, "ocr_bands: %s\n", fg_err_msg(e));
        return 2;
    }
    printf("%-28s %8s %8s %6s %6s %5s %9s %9s %8s %8s\n", "page", "recall-w", "recall-b", "adv-w", "adv-b", "same",
           "whole-ms", "bands-ms", "tail-ms", "last-ms");
    while (fgets(line, sizeof line, stdin)) {
        char *tif = strtok(line, "\t\n"), *txt = strtok(NULL, "\t\n"), *lang = strtok(NULL, "\t\n");
        char *adv = strtok(NULL, "\t\n"), *cb = strtok(NULL, "\t\n");
        const char *country;
        fg_page *p = NULL;
        fg_words *ww = NULL, *bw = NULL;
        fg_bandset *bs = NULL;
        fg_ident iw = {0}, ib = {0};
        queue q = {0};
        char *ref;
        double t0, t1, t2 = 0, t3 = 0, rw, rb, last = 0;
        bool lw, lb, sm;

        if (!tif || !txt || !lang || !adv || !cb || !(ref = slurp(txt)))
            continue;
        country = !strcmp(lang, "fr") ? "FR" : !strcmp(lang, "de") ? "DE" : "US";
        if ((e = fg_page_read_tiff(tif, 0, &p))) {
            fprintf(stderr, "ocr_bands: %s: %s\n", tif, fg_err_msg(e));
            free(ref);
            continue;
        }
        t0 = now_ms();
        e = fg_ocr_page(ocr, p, &ww);
        t1 = now_ms();
        if (!e && !(e = fg_bandset_new(p->width, p->xres, p->yres, submit, &q, &bs))) {
            if (step_in > 0) {
                fg_band_geom g = fg_band_geom_for(p->yres);

                g.step = (int)(step_in * p->yres);
                if (g.window > g.step * 4 / 10)
                    g.window = g.step * 4 / 10;

                fg_bandset_set_geom(bs, &g);
            }
            for (int y = 0; y < p->height && !e; y += 64)
                e = fg_bandset_rows(bs, y, p->bits + (size_t)y * (size_t)p->stride, p->height - y < 64 ? p->height - y : 64);
            for (int i = 0; i < q.n; i++) {
                double tb = now_ms();

                fg_bandset_run(bs, q.idx[i], ocr);
                last = now_ms() - tb;
            }
            t2 = now_ms();
            if (!e)
                e = fg_bandset_finish(bs, ocr, p, &bw);
            t3 = now_ms();
            if (t3 - t2 > 1)
                last = t3 - t2;   /* the band after the last cut had ink: it is the last one */
            ms_last += last;
            last_max = last > last_max ? last : last_max;
            ms_tail += t3 - t2;
            tail_max = t3 - t2 > tail_max ? t3 - t2 : tail_max;
            ms_bands += t3 - t1;
        }
        if (e) {
            fprintf(stderr, "ocr_bands: %s: %s\n", tif, fg_err_msg(e));
            fg_words_free(ww);
            fg_bandset_unref(bs);
            fg_page_free(p);
            free(ref);
            continue;
        }
        ms_whole += t1 - t0;
        rw = recall(ref, ww->text, &wh, &wt);
        rb = recall(ref, bw->text, &bh, &bt);
        fg_extract(ww, country, &iw);
        fg_extract(bw, country, &ib);
        lw = as_labelled(&iw, adv, cb);
        lb = as_labelled(&ib, adv, cb);
        sm = same_ident(&iw, &ib);
        lab_w += lw;
        lab_b += lb;
        same += sm;
        labelled++;
        pages++;
        {
            const char *base = strrchr(tif, '/');

            printf("%-28.28s %7.1f%% %7.1f%% %6s %6s %5s %9.0f %9.0f %8.0f %8.0f\n", base ? base + 1 : tif, rw, rb,
                   lw ? "yes" : "no", lb ? "yes" : "no", sm ? "yes" : "no", t1 - t0, t3 - t1, t3 - t2, last);
        }
        if (!sm || getenv("OCR_BANDS_VERBOSE"))
            printf("    whole: '%s' %s %s | bands: '%s' %s %s\n", iw.adv_name ? iw.adv_name : "", iw.callback, iw.adv_domain,
                   ib.adv_name ? ib.adv_name : "", ib.callback, ib.adv_domain);
        if (getenv("OCR_BANDS_TEXT"))
            printf("---- whole:\n%s\n---- bands:\n%s\n----\n", ww->text, bw->text);
        fg_ident_clear(&iw);
        fg_ident_clear(&ib);
        fg_words_free(ww);
        fg_words_free(bw);
        fg_bandset_unref(bs);
        fg_page_free(p);
        free(ref);
    }
    if (pages) {
        printf("all %d pages: word recall whole %.1f%% (%zu/%zu), bands %.1f%% (%zu/%zu)\n", pages,
               wt ? 100.0 * (double)wh / (double)wt : 0, wh, wt, bt ? 100.0 * (double)bh / (double)bt : 0, bh, bt);
        printf("advertiser as labelled: whole %d/%d, bands %d/%d; same identity both ways: %d/%d\n", lab_w, labelled,
               lab_b, labelled, same, pages);
        printf("OCR CPU per page: whole %.0f ms, all bands %.0f ms; left at the end of the page (bands read as they "
               "came): mean %.0f ms, max %.0f ms\n",
               ms_whole / pages, ms_bands / pages, ms_tail / pages, tail_max);
        printf("the last band with ink, CPU (what a call waits for when the blank rows after the text come at once, "
               "as in ECM): mean %.0f ms, max %.0f ms\n", ms_last / pages, last_max);
    }
    fg_ocr_free(ocr);
    return 0;
}
