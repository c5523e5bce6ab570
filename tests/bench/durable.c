/* make bench — what "durable before confirmed" costs per page, on the file system of DIR.
 *
 *   durable DIR [PAGES]
 *
 * Does for each page what faxgated does between the end of a page and the MCF that confirms it:
 * the page is appended to the call's TIFF (as SpanDSP writes it), the file (and, the first time,
 * its folder) is synced, and the call's progress is committed to a store with faxgate's own
 * settings (WAL, synchronous=FULL). Prints the time of each step: the sender waits for our
 * answer for T.30's T4, 3 s +-15 %, so the sync and commit must stay far below that.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "call_impl.h"
#include "faxgate/durable.h"
#include "faxgate/store.h"

static double ms_since(const struct timespec *a)
{
    struct timespec b;

    clock_gettime(CLOCK_MONOTONIC, &b);
    return (double)(b.tv_sec - a->tv_sec) * 1e3 + (double)(b.tv_nsec - a->tv_nsec) / 1e6;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static void report(const char *what, double *v, int n)
{
    double sum = 0;

    for (int i = 0; i < n; i++)
        sum += v[i];
    qsort(v, (size_t)n, sizeof *v, cmp);
    printf("  %-40s mean %7.2f ms   median %7.2f   p95 %7.2f   max %7.2f\n", what, sum / n, v[n / 2],
           v[(n * 95) / 100 < n ? (n * 95) / 100 : n - 1], v[n - 1]);
}

int main(int argc, char **argv)
{
    char db[1024], tiff[1024];
    int n = argc > 2 ? atoi(argv[2]) : 20;
    double *w, *s, *c, *t;
    fg_store *st = NULL;
    fg_call *call = NULL;
    fg_page *p = NULL;
    fg_err e;

    if (argc < 2 || n < 1 || n > 1000) {
        fprintf(stderr, "usage: durable DIR [PAGES]\n");
        return 2;
    }
    snprintf(db, sizeof db, "%s/durable-bench.db", argv[1]);
    snprintf(tiff, sizeof tiff, "%s/durable-bench.tif", argv[1]);
    remove(db);
    remove(tiff);
    w = calloc((size_t)n, sizeof *w), s = calloc((size_t)n, sizeof *s), c = calloc((size_t)n, sizeof *c),
    t = calloc((size_t)n, sizeof *t);
    if (!w || !s || !c || !t)
        return 1;
    /* an A4 page at fine resolution with text-like rows: what a G4 strip of a real page weighs */
    if ((e = fg_page_new(1728, 2292, 204, 196, &p)) || (e = fg_store_open(db, &st)) || (e = fg_call_new(&call)) ||
        (e = fg_call_set_line(call, "bench://", "durable-bench", "+15550100")) ||
        (e = fg_store_call_begin(st, call))) {
        fprintf(stderr, "durable: %s\n", fg_err_msg(e));
        return 1;
    }
    srand(1);
    for (int y = 100; y < p->height - 100; y += 40)
        for (int k = 0; k < 24; k++)
            for (int x = 100 + rand() % 40; x < p->width - 100; x += 7 + rand() % 30)
                p->bits[(size_t)(y + k) * (size_t)p->stride + (size_t)x / 8] |= (uint8_t)(0x80 >> (x % 8));
    for (int i = 0; i < n; i++) {
        struct timespec t0;

        clock_gettime(CLOCK_MONOTONIC, &t0);
        if ((e = fg_page_write_tiff(p, tiff, i > 0)))
            break;
        w[i] = ms_since(&t0);
        clock_gettime(CLOCK_MONOTONIC, &t0);
        if ((i == 0 && (e = fg_sync_dir_of(tiff))) || (e = fg_sync_file(tiff)))
            break;
        s[i] = ms_since(&t0);
        clock_gettime(CLOCK_MONOTONIC, &t0);
        if ((e = fg_call_add_page(call, p->width, p->height, false, NULL)))
            break;
        call->confirmed = i + 1;
        if ((e = fg_store_call_progress(st, call)))
            break;
        c[i] = ms_since(&t0);
        t[i] = s[i] + c[i];
    }
    if (e) {
        fprintf(stderr, "durable: %s\n", fg_err_msg(e));
        return 1;
    }
    printf("%d pages on %s:\n", n, argv[1]);
    report("page written (not synced)", w, n);
    report("file (+ folder once) synced", s, n);
    report("store commit (WAL, synchronous=FULL)", c, n);
    report("durable step before MCF (sync+commit)", t, n);
    printf("  T.30 leaves the receiver 3 s (T4, +-15 %%) to answer a page: the worst step above is %.1f %% of it\n",
           t[n - 1] / 3000.0 * 100.0);
    fg_call_free(call);
    fg_store_close(st);
    fg_page_free(p);
    remove(db);
    remove(tiff);
    free(w), free(s), free(c), free(t);
    return 0;
}
