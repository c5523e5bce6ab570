/* faxgate bench — OCR pages through the library (fg_ocr_page), timing each one.
 *
 * usage: ocr_api [--langs L] [--thread] [--workers N] [--no-square] [--text] [--repeat N] PAGE.tif...
 *   --thread     run the engine on a plain pthread instead of the main thread
 *   --workers N  N pthreads, one engine each, all reading every page at once: throughput
 *   --no-square  claim the page is 204x204 so that 98-lpi rows are not doubled before OCR
 *   --text       print the recognised text after each page
 * For each PAGE.tif with a PAGE.txt beside it, prints the share of the text's words that OCR found
 * (case-insensitive, punctuation ignored). Prints one line per page and an average; built by
 * tests/bench_ocr.sh against the build's libfaxgate.a.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "faxgate/error.h"
#include "faxgate/ocr.h"
#include "faxgate/page.h"
#include "words.h"

static const char *langs = "eng+fra";
static int no_square, show_text, quiet, repeat = 1, npages;
static char **pages;
static int status;

static double ms(clockid_t c)
{
    struct timespec t;

    clock_gettime(c, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* Share of the reference words (length >= 3, markup skipped) found anywhere in the OCR text. */
static double recall(const char *ref_path, const char *ocr_text)
{
    FILE *f = fopen(ref_path, "rb");
    char *ref, **rw, **ow;
    size_t rn, on, len, hit = 0, total = 0;

    if (!f)
        return -1;
    ref = calloc(1, 1 << 20);
    len = fread(ref, 1, (1 << 20) - 1, f);
    fclose(f);
    ref[len] = '\0';
    rn = norm_words(ref, &rw);
    on = norm_words(ocr_text, &ow);
    for (size_t i = 0; i < rn; i++) {
        if (strlen(rw[i]) < 3)
            continue;
        total++;
        for (size_t j = 0; j < on; j++)
            if (!strcmp(rw[i], ow[j])) {
                hit++;
                break;
            }
    }
    for (size_t i = 0; i < rn; i++)
        free(rw[i]);
    for (size_t i = 0; i < on; i++)
        free(ow[i]);
    free(rw);
    free(ow);
    free(ref);
    return total ? 100.0 * (double)hit / (double)total : -1;
}

static void *run(void *arg)
{
    double t0 = ms(CLOCK_MONOTONIC), sum_wall = 0, sum_cpu = 0, sum_rec = 0;
    int nrec = 0, n = 0;
    fg_ocr *ocr;
    fg_err e;

    (void)arg;
    if ((e = fg_ocr_new(langs, NULL, &ocr))) {
        fprintf(stderr, "ocr_api: %s\n", fg_err_msg(e));
        status = 1;
        return NULL;
    }
    if (!quiet)
        printf("init %.0f ms\n", ms(CLOCK_MONOTONIC) - t0);
    for (int r = 0; r < repeat; r++)
        for (int i = 0; i < npages; i++) {
            fg_page *p;
            fg_words *w;
            double w0, c0, wall, cpu, rec;
            char ref[1024];
            size_t l = strlen(pages[i]);

            if ((e = fg_page_read_tiff(pages[i], 0, &p))) {
                fprintf(stderr, "ocr_api: %s\n", fg_err_msg(e));
                status = 1;
                continue;
            }
            if (no_square)
                p->yres = p->xres;
            w0 = ms(CLOCK_MONOTONIC);
            c0 = ms(CLOCK_PROCESS_CPUTIME_ID);
            e = fg_ocr_page(ocr, p, &w);
            wall = ms(CLOCK_MONOTONIC) - w0;
            cpu = ms(CLOCK_PROCESS_CPUTIME_ID) - c0;
            fg_page_free(p);
            if (e) {
                fprintf(stderr, "ocr_api: %s: %s\n", pages[i], fg_err_msg(e));
                status = 1;
                continue;
            }
            snprintf(ref, sizeof ref, "%.*s.txt", (int)(l > 4 ? l - 4 : l), pages[i]);
            rec = recall(ref, w->text);
            if (!quiet) {
                const char *base = strrchr(pages[i], '/');

                printf("%-24s wall %6.0f ms  cpu %6.0f ms  words %4zu", base ? base + 1 : pages[i], wall, cpu,
                       w->n);
                if (rec >= 0)
                    printf("  recall %5.1f%%", rec);
                putchar('\n');
            }
            if (rec >= 0) {
                sum_rec += rec;
                nrec++;
            }
            if (show_text)
                printf("%s\n----\n", w->text);
            fg_words_free(w);
            sum_wall += wall;
            sum_cpu += cpu;
            n++;
        }
    if (n && !quiet) {
        printf("average over %d pages: wall %.0f ms  cpu %.0f ms", n, sum_wall / n, sum_cpu / n);
        if (nrec)
            printf("  recall %.1f%%", sum_rec / nrec);
        putchar('\n');
    }
    fg_ocr_free(ocr);
    return NULL;
}

int main(int argc, char **argv)
{
    int thread = 0, workers = 0, i;

    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--langs") && i + 1 < argc)
            langs = argv[++i];
        else if (!strcmp(argv[i], "--thread"))
            thread = 1;
        else if (!strcmp(argv[i], "--workers") && i + 1 < argc)
            workers = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--text"))
            show_text = 1;
        else if (!strcmp(argv[i], "--no-square"))
            no_square = 1;
        else if (!strcmp(argv[i], "--repeat") && i + 1 < argc)
            repeat = atoi(argv[++i]);
        else {
            fprintf(stderr, "usage: ocr_api [--langs L] [--thread] [--workers N] [--no-square] [--text]\n"
                            "               [--repeat N] PAGE.tif...\n");
            return 2;
        }
    }
    pages = argv + i;
    npages = argc - i;
    if (workers > 0 && workers <= 64) {
        pthread_t t[64];
        double t0 = ms(CLOCK_MONOTONIC), c0 = ms(CLOCK_PROCESS_CPUTIME_ID), wall;

        quiet = 1;
        for (int k = 0; k < workers; k++)
            pthread_create(&t[k], NULL, run, NULL);
        for (int k = 0; k < workers; k++)
            pthread_join(t[k], NULL);
        wall = ms(CLOCK_MONOTONIC) - t0;
        printf("%d workers x %d pages: wall %.0f ms, cpu %.0f ms, %.0f ms per page (with engine start-up)\n",
               workers, npages * repeat, wall, ms(CLOCK_PROCESS_CPUTIME_ID) - c0,
               wall / (workers * npages * repeat));
    } else if (thread) {
        pthread_t t;

        pthread_create(&t, NULL, run, NULL);
        pthread_join(t, NULL);
    } else
        run(NULL);
    return status;
}
