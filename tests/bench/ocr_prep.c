/* faxgate bench — what cleaning a page before OCR buys: recall and time per degradation and per step.
 *
 * usage: ocr_prep [--configs LIST] [--degr LIST] [--res fine|std|both] [--corpus DIR] [--funsd N]
 *                 [--hostile] [--no-texts] [--dump DIR] TEXT.txt...
 *   --configs LIST  comma-separated step sets, each '+'-joined step names or 'none'/'default':
 *                   deskew, despeckle, margins, halftone, junk, rows1 (98-lpi rows not doubled),
 *                   smooth (98-lpi rows doubled in grey by interpolation); default: none,default
 *   --degr LIST     comma-separated degradation names (see degr[] below); default: all of them
 *   --corpus DIR    also read the real pages in DIR (ITU charts, asterisk TIFFs, FUNSD PNGs):
 *                   words, mean confidence and time; recall of known words on ITU chart 1 only
 *   --hostile       also time pages of random noise and an all-black page
 *   --dump DIR      write each rendered page as DIR/NAME.tif (to look at them)
 * Each TEXT is rendered (faxsim's renderer, in memory) at 204x196 and 204x98 in every degradation,
 * with a font that depends on the text; every page is read with every step set, on this thread.
 * Recall: words, a bag with counts (case-insensitive, punctuation stripped), and the text's phone
 * numbers (7-15 digits, separators ignored) and web or mail addresses found in the OCR text.
 * Precision: the share of the words read that match a word of the text (garbage from stripes,
 * logos and specks lowers it).
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "faxgate/error.h"
#include "faxgate/ocr.h"
#include "faxgate/page.h"
#include "ocr_prep.h"
#include "render.h"
#include "slurp.h"

#define MAX_CONFIGS 12
#define MAX_TOKENS 4096

typedef struct degr {
    const char *name;
    double skew, noise;   /* skew sign alternates with the text, so both directions are measured */
    int stripes, logo;
} degr;

static const degr degrs[] = {
    {"clean", 0, 0, 0, 0},      {"skew0.5", 0.5, 0, 0, 0},  {"skew1", 1, 0, 0, 0},
    {"skew2", 2, 0, 0, 0},      {"skew3", 3, 0, 0, 0},      {"noise1", 0, 1, 0, 0},
    {"noise4", 0, 4, 0, 0},     {"noise12", 0, 12, 0, 0},   {"stripes", 0, 0, 1, 0},
    {"logo", 0, 0, 0, 1},       {"skew2+noise4", 2, 4, 0, 0}, {"all", 1, 4, 1, 1},
};
#define NDEGR (sizeof degrs / sizeof degrs[0])

static const char *const fonts[] = {"DejaVu Sans", "Liberation Serif", "Liberation Sans", "DejaVu Serif",
                                    "Liberation Mono"};

static const struct {
    const char *name;
    unsigned bit;
} stepnames[] = {{"deskew", FG_PREP_DESKEW},     {"despeckle", FG_PREP_DESPECKLE},  {"margins", FG_PREP_MARGINS},
                 {"halftone", FG_PREP_HALFTONE}, {"junk", FG_PREP_JUNK_GUARD},      {"rows1", FG_PREP_ROWS_SINGLE},
                 {"smooth", FG_PREP_ROWS_SMOOTH}, {"default", FG_PREP_DEFAULT},     {"none", 0}};

typedef struct acc {
    double words_hit, words, got, phones_hit, phones, addr_hit, addr, wall, cpu, conf;
    long nwords;
    int pages, truncated;
} acc;

static char *config_name[MAX_CONFIGS];
static unsigned config_bits[MAX_CONFIGS];
static int nconfigs;

static double now(clockid_t c)
{
    struct timespec t;

    clock_gettime(c, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* ---- what the reference text holds ---- */

typedef struct bag {
    char *v[MAX_TOKENS];
    int n;
} bag;

static void bag_free(bag *b)
{
    for (int i = 0; i < b->n; i++)
        free(b->v[i]);
    b->n = 0;
}

/* Words split at white space, ASCII punctuation dropped, ASCII lower-cased; UTF-8 bytes kept. */
static void words_of(const char *s, bag *b)
{
    while (*s) {
        char w[256];
        size_t k = 0;

        while (*s && isspace((unsigned char)*s))
            s++;
        for (; *s && !isspace((unsigned char)*s); s++) {
            unsigned char c = (unsigned char)*s;

            if ((isalnum(c) || c >= 0x80) && k + 1 < sizeof w)
                w[k++] = (char)tolower(c);
        }
        w[k] = '\0';
        if (k && b->n < MAX_TOKENS)
            b->v[b->n++] = strdup(w);
    }
}

/* Runs of digits and phone separators holding 7 to 15 digits, as digit strings. */
static void phones_of(const char *s, bag *b)
{
    while (*s) {
        char d[64];
        int k = 0, other = 0;

        if (!(isdigit((unsigned char)*s) || *s == '+' || *s == '(')) {
            s++;
            continue;
        }
        for (; *s && (isdigit((unsigned char)*s) || strchr("+()-. ", *s)); s++)
            if (isdigit((unsigned char)*s)) {
                if (k + 1 < (int)sizeof d)
                    d[k++] = *s;
            } else
                other++;
        d[k] = '\0';
        if (k >= 7 && k <= 15 && b->n < MAX_TOKENS)
            b->v[b->n++] = strdup(d);
    }
}

/* Web and mail addresses: words with www., ://, or an @ between letters; lower-cased, outer punctuation cut. */
static void addresses_of(const char *s, bag *b)
{
    while (*s) {
        char w[256];
        size_t k = 0;

        while (*s && isspace((unsigned char)*s))
            s++;
        for (; *s && !isspace((unsigned char)*s); s++)
            if (k + 1 < sizeof w)
                w[k++] = (char)tolower((unsigned char)*s);
        while (k && strchr(".,;:)(<>\"'", w[k - 1]))
            k--;
        w[k] = '\0';
        if ((strstr(w, "www.") || strstr(w, "://") || (strchr(w, '@') && strchr(w, '.'))) && b->n < MAX_TOKENS) {
            char *p = w;

            while (*p && strchr("(<\"'", *p))
                p++;
            b->v[b->n++] = strdup(p);
        }
    }
}

/* Bag recall: each reference item counts once per occurrence, matched at most once. */
static int bag_hits(const bag *ref, const bag *got, int substr)
{
    char used[MAX_TOKENS] = {0};
    int hits = 0;

    for (int i = 0; i < ref->n; i++)
        for (int j = 0; j < got->n; j++)
            if (!used[j] && (substr ? strstr(got->v[j], ref->v[i]) != NULL : !strcmp(got->v[j], ref->v[i]))) {
                used[j] = !substr;   /* a substring may be found again: one text holds all addresses */
                hits++;
                break;
            }
    return hits;
}

/* The OCR text lower-cased with white space removed, as one item: an address may come back glued to
   a neighbour or cut after its dots ("www. example. fr", as Tesseract reads monospaced type). */
static void lower_words(const char *s, bag *b)
{
    char *w = malloc(strlen(s) + 1);
    size_t k = 0;

    for (; *s; s++)
        if (!isspace((unsigned char)*s))
            w[k++] = (char)tolower((unsigned char)*s);
    w[k] = '\0';
    b->v[b->n++] = w;
}

/* ---- reading a page with every step set ---- */

static void read_page(fg_ocr *ocr, const fg_page *p, const char *ref, acc *a, const char *label)
{
    bag rw = {0}, rp = {0}, ra = {0};

    if (ref) {
        words_of(ref, &rw);
        phones_of(ref, &rp);
        addresses_of(ref, &ra);
    }
    for (int c = 0; c < nconfigs; c++) {
        fg_words *w = NULL;
        double w0, c0;
        fg_err e;

        fg_ocr_set_prep(ocr, config_bits[c]);
        w0 = now(CLOCK_MONOTONIC);
        c0 = now(CLOCK_PROCESS_CPUTIME_ID);
        e = fg_ocr_page(ocr, p, &w);
        a[c].wall += now(CLOCK_MONOTONIC) - w0;
        a[c].cpu += now(CLOCK_PROCESS_CPUTIME_ID) - c0;
        a[c].pages++;
        if (e) {
            fprintf(stderr, "ocr_prep: %s: %s\n", label, fg_err_msg(e));
            continue;
        }
        a[c].truncated += w->truncated;
        a[c].nwords += (long)w->n;
        for (size_t i = 0; i < w->n; i++)
            a[c].conf += w->v[i].conf;
        if (ref) {
            bag gw = {0}, gp = {0}, ga = {0};

            words_of(w->text, &gw);
            phones_of(w->text, &gp);
            lower_words(w->text, &ga);
            a[c].words += rw.n;
            a[c].words_hit += bag_hits(&rw, &gw, 0);
            a[c].got += gw.n;
            a[c].phones += rp.n;
            a[c].phones_hit += bag_hits(&rp, &gp, 1);
            a[c].addr += ra.n;
            a[c].addr_hit += bag_hits(&ra, &ga, 1);
            bag_free(&gw);
            bag_free(&gp);
            bag_free(&ga);
        }
        if (getenv("OCR_PREP_VERBOSE")) {
            const fg_prep_stats *st = fg_ocr_prep_stats(ocr);

            fprintf(stderr, "%-28s %-22s skew %5.2f%s specks %5ld margins %d/%d ht %7ld comps %6ld%s "
                            "prep %4.0f layout %5.0f rec %5.0f words %zu\n",
                    label, config_name[c], st->skew_deg, st->deskewed ? "*" : " ", st->specks, st->margin_left,
                    st->margin_right, st->halftone_px, st->components, st->junk ? " JUNK" : "", st->ms_prep,
                    st->ms_layout, st->ms_recognise, w->n);
        }
        if (getenv("OCR_PREP_TEXT"))
            fprintf(stderr, "---- %s %s\n%s\n", label, config_name[c], w->text);
        fg_words_free(w);
    }
    bag_free(&rw);
    bag_free(&rp);
    bag_free(&ra);
}

static double pct(double hit, double all)
{
    return all > 0 ? 100.0 * hit / all : -1;
}

static void print_header(const char *what)
{
    printf("%-22s", what);
    for (int c = 0; c < nconfigs; c++)
        printf(" %13.13s", config_name[c]);
    putchar('\n');
}

/* One table row: recall (words/phones/addresses) or time, per step set. */
static void print_row(const char *label, const acc *a, int kind)
{
    printf("%-22s", label);
    for (int c = 0; c < nconfigs; c++) {
        const acc *x = &a[c];
        char cell[64];

        if (kind == 0)
            snprintf(cell, sizeof cell, "%.1f", pct(x->words_hit, x->words));
        else if (kind == 4)
            snprintf(cell, sizeof cell, "%.1f", pct(x->words_hit, x->got));
        else if (kind == 1)
            snprintf(cell, sizeof cell, "%.0f/%.0f", pct(x->phones_hit, x->phones), pct(x->addr_hit, x->addr));
        else if (kind == 2)
            snprintf(cell, sizeof cell, "%.0f/%.0f", x->pages ? x->wall / x->pages : 0,
                     x->pages ? x->cpu / x->pages : 0);
        else
            snprintf(cell, sizeof cell, "%ld/%.0f%s", x->pages ? x->nwords / x->pages : 0,
                     x->nwords ? x->conf / (double)x->nwords : 0, x->truncated ? "!" : "");
        printf(" %13s", cell);
    }
    putchar('\n');
}

static int parse_configs(char *list)
{
    char *save = NULL;

    for (char *tok = strtok_r(list, ",", &save); tok && nconfigs < MAX_CONFIGS; tok = strtok_r(NULL, ",", &save)) {
        unsigned bits = 0;
        char *copy = strdup(tok), *save2 = NULL;

        for (char *st = strtok_r(copy, "+", &save2); st; st = strtok_r(NULL, "+", &save2)) {
            size_t i;

            for (i = 0; i < sizeof stepnames / sizeof stepnames[0] && strcmp(stepnames[i].name, st); i++)
                ;
            if (i == sizeof stepnames / sizeof stepnames[0]) {
                fprintf(stderr, "ocr_prep: unknown step '%s'\n", st);
                return -1;
            }
            bits |= stepnames[i].bit;
        }
        free(copy);
        config_name[nconfigs] = tok;
        config_bits[nconfigs++] = bits;
    }
    return 0;
}

/* Whether name is one of the comma-separated names in list (NULL: all are). */
static int wanted(const char *list, const char *name)
{
    char a[1024], b[128];

    if (!list)
        return 1;
    snprintf(a, sizeof a, ",%s,", list);
    snprintf(b, sizeof b, ",%s,", name);
    return strstr(a, b) != NULL;
}

/* ---- real pages: no reference text, except a few words of ITU chart 1 ---- */

static const char itu1_words[] =
    "slerexe company limited sapors lane boole dorset telephone telex 123456 simon cundall ltd "
    "mr cundall group leader facsimile research camden whitefield manchester dear pete permit "
    "me to introduce you to the facility of facsimile transmission in facsimile a photocell is "
    "caused to perform a raster scan over the subject copy the variations of print density on "
    "the document cause the photocell to generate an analogous electrical video signal this "
    "signal is used to modulate a carrier which is transmitted to a remote destination over a "
    "radio or cable communications link at the remote terminal demodulation reconstructs the "
    "video signal which is used to modulate the density of print produced by a printing device "
    "this device is scanning in a raster scan synchronised with that at the transmitting "
    "terminal as a result a facsimile copy of the subject document is produced probably you "
    "have uses for this facility in your organisation yours sincerely phil tarnbeen director";

static void corpus_page(fg_ocr *ocr, const char *label, fg_page *p, const char *ref)
{
    acc a[MAX_CONFIGS] = {{0}};

    read_page(ocr, p, ref, a, label);
    print_row(label, a, 3);
    if (ref) {
        char l2[128];

        snprintf(l2, sizeof l2, "  %s recall %%", label);
        print_row(l2, a, 0);
    }
    print_row("  wall/cpu ms", a, 2);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void read_corpus(fg_ocr *ocr, const char *dir, int funsd)
{
    static const char *const tiffs[] = {"itu/itu1.tif", "itu/itu2.tif", "itu/itu3.tif", "itu/itu4.tif",
                                        "itu/itu5.tif", "itu/itu6.tif", "itu/itu7.tif", "itu/itu8.tif",
                                        "asterisk/send.tiff", "asterisk/1page.tif"};
    char path[1200], *names[64];
    int n = 0;
    DIR *d;
    struct dirent *de;

    printf("\n");
    print_header("corpus: words/conf");
    for (size_t i = 0; i < sizeof tiffs / sizeof tiffs[0]; i++) {
        fg_page *p;

        snprintf(path, sizeof path, "%s/%s", dir, tiffs[i]);
        if (fg_page_read_tiff(path, 0, &p))
            continue;
        corpus_page(ocr, tiffs[i], p, i == 0 ? itu1_words : NULL);
        fg_page_free(p);
    }
    snprintf(path, sizeof path, "%s/funsd", dir);
    if (!(d = opendir(path)))
        return;
    while ((de = readdir(d)) && n < 64)
        if (strstr(de->d_name, ".png"))
            names[n++] = strdup(de->d_name);
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, cmp_str);
    for (int i = 0; i < n; i++) {
        fg_page *p;
        char label[64];
        int yres = i % 2 ? 98 : 196;

        snprintf(path, sizeof path, "%s/funsd/%s", dir, names[i]);
        if (i < funsd && !fg_page_import_image(path, yres, &p)) {
            snprintf(label, sizeof label, "funsd/%.12s@%d", names[i], yres);
            corpus_page(ocr, label, p, NULL);
            fg_page_free(p);
        }
        free(names[i]);
    }
}

/* ---- hostile pages: the time must stay bounded ---- */

static void read_hostile(fg_ocr *ocr)
{
    static const struct {
        const char *name;
        int permille;   /* black pixels per thousand (1000 = all black); negative: -N blobs per square inch */
        int yres;
    } pages[] = {{"random 50% 196", 500, 196}, {"random 30% 196", 300, 196}, {"random 20% 196", 200, 196},
                 {"random 20% 98", 200, 98},   {"random 10% 196", 100, 196}, {"random 5% 196", 50, 196},
                 {"random 3% 196", 30, 196},   {"random 2% 196", 20, 196},   {"random 1% 196", 10, 196},
                 {"black 98", 1000, 98},       {"blobs 900/in2 196", -900, 196}};

    printf("\n");
    print_header("hostile: words/conf");
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        fg_page *p;
        uint64_t s = 12345 + i;
        size_t n;

        if (fg_page_new(1728, pages[i].yres == 98 ? 1146 : 2292, 204, pages[i].yres, &p))
            continue;
        n = (size_t)p->stride * (size_t)p->height;
        if (pages[i].permille < 0) {   /* letter-sized blobs, as many per square inch as small print has */
            long blobs = (long)-pages[i].permille * p->width * p->height / (204L * pages[i].yres);

            for (long k = 0; k < blobs; k++) {
                int x, y, bw, bh;

                s = s * 6364136223846793005ull + 1442695040888963407ull;
                x = (int)((s >> 33) % (uint64_t)(p->width - 8));
                y = (int)((s >> 13) % (uint64_t)(p->height - 8));
                bw = 2 + (int)((s >> 5) % 4);
                bh = 3 + (int)((s >> 9) % 5);
                for (int yy = y; yy < y + bh; yy++)
                    for (int xx = x; xx < x + bw; xx++)
                        p->bits[(size_t)yy * (size_t)p->stride + (size_t)(xx >> 3)] |= (uint8_t)(0x80 >> (xx & 7));
            }
            corpus_page(ocr, pages[i].name, p, NULL);
            fg_page_free(p);
            continue;
        }
        for (size_t b = 0; b < n; b++) {
            uint8_t v = 0;

            for (int k = 0; k < 8; k++) {
                s = s * 6364136223846793005ull + 1442695040888963407ull;
                if ((int)((s >> 33) % 1000) < pages[i].permille)
                    v |= (uint8_t)(0x80 >> k);
            }
            p->bits[b] = v;
        }
        corpus_page(ocr, pages[i].name, p, NULL);
        fg_page_free(p);
    }
}

int main(int argc, char **argv)
{
    char *configs = "none,default", *degr_list = NULL, *res = "both", *corpus = NULL, *dump = NULL;
    int hostile = 0, funsd = 8, texts = 1, i;
    fg_ocr *ocr;
    fg_err e;
    static acc table[NDEGR][2][MAX_CONFIGS], total[MAX_CONFIGS];

    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--configs") && i + 1 < argc)
            configs = argv[++i];
        else if (!strcmp(argv[i], "--degr") && i + 1 < argc)
            degr_list = argv[++i];
        else if (!strcmp(argv[i], "--res") && i + 1 < argc)
            res = argv[++i];
        else if (!strcmp(argv[i], "--corpus") && i + 1 < argc)
            corpus = argv[++i];
        else if (!strcmp(argv[i], "--funsd") && i + 1 < argc)
            funsd = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--dump") && i + 1 < argc)
            dump = argv[++i];
        else if (!strcmp(argv[i], "--hostile"))
            hostile = 1;
        else if (!strcmp(argv[i], "--no-texts"))
            texts = 0;
        else {
            fprintf(stderr, "usage: ocr_prep [--configs LIST] [--degr LIST] [--res fine|std|both] [--corpus DIR]\n"
                            "                [--funsd N] [--hostile] [--no-texts] [--dump DIR] TEXT.txt...\n");
            return 2;
        }
    }
    if (parse_configs(configs))
        return 2;
    if ((e = fg_ocr_new("eng+fra", NULL, &ocr))) {
        fprintf(stderr, "ocr_prep: %s\n", fg_err_msg(e));
        return 1;
    }
    for (int t = i; texts && t < argc; t++) {
        char *text = slurp(argv[t]);
        int k = t - i;

        if (!text) {
            fprintf(stderr, "ocr_prep: cannot read %s\n", argv[t]);
            return 1;
        }
        for (int r = 0; r < 2; r++) {
            if ((r == 0 && !strcmp(res, "std")) || (r == 1 && !strcmp(res, "fine")))
                continue;
            for (size_t d = 0; d < NDEGR; d++) {
                fg_render_opts o;
                fg_page *p = NULL;
                char label[300];

                if (!wanted(degr_list, degrs[d].name))
                    continue;
                fg_render_opts_init(&o);
                o.yres = r == 0 ? 196 : 98;
                o.font = fonts[k % 5];
                o.size_pt = getenv("OCR_PREP_SIZE") ? atof(getenv("OCR_PREP_SIZE")) : 10 + k % 3;
                o.skew_deg = degrs[d].skew * (k % 2 ? -1 : 1);
                o.noise = degrs[d].noise;
                o.seed = getenv("OCR_PREP_SEED") ? strtoull(getenv("OCR_PREP_SEED"), NULL, 10)
                                                  : (uint64_t)(k * 100 + (int)d);
                o.stripes = degrs[d].stripes;
                o.logo = degrs[d].logo;
                if ((e = fg_render_text(text, strlen(text), &o, &p))) {
                    fprintf(stderr, "ocr_prep: render %s: %s\n", argv[t], fg_err_msg(e));
                    return 1;
                }
                snprintf(label, sizeof label, "%s/%s/%s", strrchr(argv[t], '/') ? strrchr(argv[t], '/') + 1 : argv[t],
                         r ? "std" : "fine", degrs[d].name);
                if (dump) {
                    char path[600];

                    snprintf(path, sizeof path, "%s/%d-%s-%s.tif", dump, k, r ? "std" : "fine", degrs[d].name);
                    fg_page_write_tiff(p, path, false);
                }
                read_page(ocr, p, text, table[d][r], label);
                fg_page_free(p);
            }
        }
        free(text);
    }
    if (texts && argc > i) {
        static const char *const kinds[] = {"word recall %", "phone/address recall %", "wall/cpu ms per page", "",
                                            "word precision %"};

        for (int kind = 0; kind < 5; kind++) {
            if (kind == 3)
                continue;
            memset(total, 0, sizeof total);
            printf("\n");
            print_header(kinds[kind]);
            for (size_t d = 0; d < NDEGR; d++)
                for (int r = 0; r < 2; r++) {
                    char label[64];

                    if (!table[d][r][0].pages)
                        continue;
                    snprintf(label, sizeof label, "%s %s", degrs[d].name, r ? "98" : "196");
                    print_row(label, table[d][r], kind);
                    for (int c = 0; c < nconfigs; c++) {
                        acc *x = &total[c], *y = &table[d][r][c];

                        x->words_hit += y->words_hit;
                        x->words += y->words;
                        x->got += y->got;
                        x->phones_hit += y->phones_hit;
                        x->phones += y->phones;
                        x->addr_hit += y->addr_hit;
                        x->addr += y->addr;
                        x->wall += y->wall;
                        x->cpu += y->cpu;
                        x->pages += y->pages;
                    }
                }
            print_row("all pages", total, kind);
        }
    }
    if (corpus)
        read_corpus(ocr, corpus, funsd);
    if (hostile)
        read_hostile(ocr);
    fg_ocr_free(ocr);
    return 0;
}
