/* faxgate tools — learncv: k-fold cross-validation of the learning classifier on the tune split
 * of the labelled texts (never the report split), alone and together with the rules.
 *
 *   learncv [--dir tests/data/texts] [--k 5] [--bigrams] [--keep-header] [--s S] [--x X]
 *           [--min-dev D] [--max N] [--ocr DIR] [--weights W99,W90,W70,W30,W10,W01] [--unopposed P,W]
 *           [--unopposed-min N] [--unopposed-known F] [--any-page] [--unanswered-p P] [--stem N] [--sweep] [--list]
 *
 * Each fold is scored by a model trained on the other folds only; texts of one campaign stay in
 * one fold, so that a variant never teaches its sibling. --ocr DIR scores the held-out texts as
 * OCR read them (DIR/<file> holds the OCR text of the rendered page), training on clean text.
 * --sweep tries band weights and the BAYES_UNOPPOSED threshold and weight, and prints the best few
 * (legit dropped, then held, then ads missed). Verdicts as policy.c makes them: the learned part
 * can hold a text, never drop it.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "faxgate/faxgate.h"
#include "faxgate/learn.h"
#include "labels.h"

typedef struct item {
    const lab_text *t;
    fg_tokens *train;       /* tokens of the clean text */
    fg_tokens *test;        /* tokens scored (OCR text with --ocr) */
    double rules;           /* rules' total on the scored text */
    bool biz;               /* a BIZ_* rule found business evidence on it (no BAYES_UNOPPOSED) */
    bool answer;            /* the text gives a way to answer (fg_learn_answerable) */
    double bizw;            /* the sum of the BIZ_* weights (<= 0) */
    int used;               /* tokens the learned probability rests on */
    int known, total;       /* tokens seen in training at all; all tokens of the text */
    double prob;
    bool scored;
    int fold;
} item;

/* Band weights: prob >= 0.99, >= 0.90, >= 0.70, <= 0.30, < 0.10, < 0.01 (as learn.c's bands). */
#define NBANDS 6
typedef struct weights {
    double w[NBANDS];
    double up, uw;          /* BAYES_UNOPPOSED: p >= up and no business evidence adds uw (learn.c) */
} weights;

static double bayes_weight(const weights *w, const item *it)
{
    double p = it->prob;

    if (!it->scored)
        return 0;
    return p >= 0.99 ? w->w[0] : p >= 0.90 ? w->w[1] : p >= 0.70 ? w->w[2] : p < 0.01 ? w->w[5] : p < 0.10 ? w->w[4]
         : p <= 0.30 ? w->w[3] : 0;
}

static void weights_str(const weights *w, char *buf, size_t cap)
{
    snprintf(buf, cap, "%+.1f %+.1f %+.1f | %+.1f %+.1f %+.1f, unopposed p>=%.2f %+.1f", w->w[0], w->w[1], w->w[2],
             w->w[3], w->w[4], w->w[5], w->up, w->uw);
}

static int unopposed_min = 10;   /* BAYES_UNOPPOSED needs this many tokens (learn.c) */
static double unopposed_known = 0.50;   /* ... and this share of the text's tokens known (learn.c) */
static double unanswered_p = 0.70;      /* ... and, on a page with no way to answer, p >= this (learn.c;
                                           2 = never, --any-page = no such gate) */

/* BAYES_UNOPPOSED as learn.c adds it, at the threshold and weight tried. */
static double opposed_p = 0.99, opposed_biz = -3.5;   /* BAYES_OUTWEIGHS (learn.c): --opposed P,B */
static double unopposed_weight(const weights *w, const item *it)
{
    bool unopp = !it->biz || (it->prob >= opposed_p && it->bizw >= opposed_biz);

    return it->scored && unopp && (it->answer || it->prob >= unanswered_p) && it->used >= unopposed_min &&
           it->known >= unopposed_known * it->total &&
           it->prob >= w->up ? w->uw : 0;
}

typedef struct tally {
    int ads, caught, legit, held, dropped;
} tally;

static tally count(const item *v, size_t n, const weights *w, double hold, double drop)
{
    tally t = {0};

    for (size_t i = 0; i < n; i++) {
        double band = w ? bayes_weight(w, &v[i]) : 0, up = w ? unopposed_weight(w, &v[i]) : 0;
        double total = v[i].rules + band + up, learned = (band > 0 ? band : 0) + up;
        /* policy.c: the learned statistics can hold, never drop */
        bool drops = total >= drop && total - learned >= drop;

        if (v[i].t->is_ad) {
            t.ads++;
            t.caught += total >= hold;
        } else {
            t.legit++;
            t.held += total >= hold && !drops;
            t.dropped += drops;
        }
    }
    return t;
}

static fg_err judge(const char *text, size_t len, const char *country, const fg_learn_tokopts *o, double *rules,
                    bool *biz, bool *answer, double *bizw, fg_tokens **tok)
{
    fg_words *w = NULL;
    fg_ident id = {0};
    fg_scores s;
    fg_err e;

    if ((e = fg_words_from_text(text, len, &w)))
        return e;
    if (!(e = fg_extract(w, country, &id)) && !(e = fg_classify(w, &id, NULL, &s)))
        e = fg_learn_tokens(w, &id, o, tok);
    if (!e && rules)
        *rules = s.total;
    if (!e) {
        *bizw = fg_learn_business_weight(&s);
        *biz = *bizw < 0;
        *answer = fg_learn_answerable(&id);
    }
    fg_ident_clear(&id);
    fg_words_free(w);
    return e;
}

/* Campaign members share the fold of the first member; the rest go round-robin per class. */
static void assign_folds(item *v, size_t n, int k)
{
    int next[2] = {0, 0};

    for (size_t i = 0; i < n; i++) {
        v[i].fold = -1;
        for (size_t j = 0; j < i && v[i].t->campaign[0]; j++)
            if (!strcmp(v[j].t->campaign, v[i].t->campaign))
                v[i].fold = v[j].fold;
        if (v[i].fold < 0)
            v[i].fold = next[v[i].t->is_ad]++ % k;
    }
}

static int cross_validate(item *v, size_t n, int k, const fg_learn_params *p)
{
    for (int f = 0; f < k; f++) {
        fg_learn_builder *b = NULL;
        const fg_learn_model *m;

        if (fg_learn_builder_new(&b))
            return -1;
        for (size_t i = 0; i < n; i++)
            if (v[i].fold != f && fg_learn_builder_add(b, v[i].train, v[i].t->is_ad)) {
                fg_learn_builder_free(b);
                return -1;
            }
        m = fg_learn_builder_model(b);
        for (size_t i = 0; i < n; i++) {
            fg_learn_result r;

            if (v[i].fold != f)
                continue;
            if (!m || fg_learn_score_model(m, v[i].test, p, &r)) {
                fg_learn_builder_free(b);
                return -1;
            }
            v[i].prob = r.prob;
            v[i].scored = r.scored;
            v[i].used = r.used;
            v[i].known = r.known;
            v[i].total = r.total;
        }
        fg_learn_builder_free(b);
    }
    return 0;
}

static void print_tally(const char *what, tally t)
{
    printf("%-34s ads caught %3d/%-3d (%5.1f %%)  legit held %2d/%-3d dropped %d\n", what, t.caught, t.ads,
           t.ads ? 100.0 * t.caught / t.ads : 0, t.held, t.legit, t.dropped);
}

/* Lower is better: a dropped business fax outweighs everything, then a held one, then a missed ad. */
static double cost(tally t)
{
    return 1000.0 * t.dropped + 30.0 * t.held + 1.0 * (t.ads - t.caught);
}

/* Tallies items whose fold is (or, with not_fold, is not) f; f < 0 counts all. */
static tally count_fold(const item *v, size_t n, const weights *w, double hold, double drop, int f, bool not_fold)
{
    tally t = {0};

    for (size_t i = 0; i < n; i++) {
        tally one;

        if (f >= 0 && (v[i].fold == f) == not_fold)
            continue;
        one = count(&v[i], 1, w, hold, drop);
        t.ads += one.ads;
        t.caught += one.caught;
        t.legit += one.legit;
        t.held += one.held;
        t.dropped += one.dropped;
    }
    return t;
}

static void tally_add(tally *a, tally b)
{
    a->ads += b.ads;
    a->caught += b.caught;
    a->legit += b.legit;
    a->held += b.held;
    a->dropped += b.dropped;
}

typedef struct best {
    weights w;
    tally t, o;
    double c;
} best;

/* Grid search of monotonic band weights; keeps the ntop cheapest (clean + OCR) in top.
   Items of fold f are left out (f < 0: none). */
static int grid(const item *v, size_t n, const item *ov, double hold, double drop, int f, best *top, int ntop_max)
{
    static const double a0[] = {1, 2, 3, 3.5, 4}, a1[] = {0, 0.5, 1, 1.5, 2, 2.5, 3}, a2[] = {0, 0.5, 1, 1.5};
    static const double b3[] = {0, -0.5, -1}, b4[] = {0, -0.5, -1, -1.5, -2}, b5[] = {0, -1, -2, -3, -4};
    static const double up[] = {0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.9, 0.95, 2.0 /* off */}, uw[] = {2, 3, 4, 5, 6};
    int ntop = 0;

#define N(a) (sizeof a / sizeof *a)
    for (size_t i0 = 0; i0 < N(a0); i0++)
    for (size_t i1 = 0; i1 < N(a1); i1++)
    for (size_t i2 = 0; i2 < N(a2); i2++)
    for (size_t i3 = 0; i3 < N(b3); i3++)
    for (size_t i4 = 0; i4 < N(b4); i4++)
    for (size_t i5 = 0; i5 < N(b5); i5++)
    for (size_t iu = 0; iu < N(up); iu++)
    for (size_t iw = 0; iw < N(uw); iw++) {
        weights w = {{a0[i0], a1[i1], a2[i2], b3[i3], b4[i4], b5[i5]}, up[iu], uw[iw]};
        tally t, o = {0};
        double c;
        int pos;

        if (w.w[1] > w.w[0] || w.w[2] > w.w[1] || w.w[4] > w.w[3] || w.w[5] > w.w[4])
            continue;   /* bands must be monotonic */
        t = count_fold(v, n, &w, hold, drop, f, true);
        c = cost(t);
        if (ov) {
            o = count_fold(ov, n, &w, hold, drop, f, true);
            c += cost(o);
        }
        /* ties: prefer the smaller weights, the ones that change verdicts least */
        for (int k = 0; k < NBANDS; k++)
            c += 0.001 * (w.w[k] < 0 ? -w.w[k] : w.w[k]);
        c += up[iu] > 1 ? 0 : 0.001 * w.uw;
        for (pos = ntop; pos > 0 && top[pos - 1].c > c; pos--)
            if (pos < ntop_max)
                top[pos] = top[pos - 1];
        if (pos < ntop_max) {
            top[pos] = (best){w, t, o, c};
            if (ntop < ntop_max)
                ntop++;
        }
    }
#undef N
    return ntop;
}

static void sweep(const item *v, size_t n, const item *ov, double hold, double drop, int k)
{
    best top[10], one;
    tally nt = {0}, no = {0};
    int ntop = grid(v, n, ov, hold, drop, -1, top, 10);

    printf("\nband weights (99 90 70 | 30 10 01), best first; cost = 1000·legit dropped + 30·legit held + ads missed%s:\n",
           ov ? ", clean + OCR" : "");
    for (int i = 0; i < ntop; i++) {
        char what[96];

        weights_str(&top[i].w, what, sizeof what);
        print_tally(what, top[i].t);
        if (ov)
            print_tally("  (OCR)", top[i].o);
    }
    /* nested: the weights each fold gets are chosen on the other folds only */
    printf("\nnested (weights chosen without the fold they are scored on):\n");
    for (int f = 0; f < k; f++) {
        char what[96];

        grid(v, n, ov, hold, drop, f, &one, 1);
        tally_add(&nt, count_fold(v, n, &one.w, hold, drop, f, false));
        if (ov)
            tally_add(&no, count_fold(ov, n, &one.w, hold, drop, f, false));
        weights_str(&one.w, what, sizeof what);
        printf("  fold %d chose %s\n", f, what);
    }
    print_tally("nested, clean text", nt);
    if (ov)
        print_tally("nested, OCR text", no);
}

/* Area under the ROC curve of prob: the chance an ad scores above a business fax. */
static double auc(const item *v, size_t n)
{
    double pairs = 0, wins = 0;

    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            if (v[i].t->is_ad && !v[j].t->is_ad) {
                pairs++;
                wins += v[i].prob > v[j].prob ? 1 : v[i].prob == v[j].prob ? 0.5 : 0;
            }
    return pairs ? wins / pairs : 0;
}

/* Loads the OCR text of t from dir; NULL if there is none. */
static char *ocr_text(const char *dir, const lab_text *t, size_t *len)
{
    char path[1024], *buf;
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", dir, t->file);
    if (!(f = fopen(path, "rb")))
        return NULL;
    if ((buf = calloc(1, 1 << 20)))
        *len = fread(buf, 1, (1 << 20) - 1, f);
    fclose(f);
    return buf;
}

static void report(const char *title, const item *v, size_t n, const weights *w, double hold, double drop, bool list)
{
    int err = 0, conf_err = 0, unsure = 0;
    char what[160], ws[96];

    for (size_t i = 0; i < n; i++) {
        bool ad = v[i].t->is_ad;

        err += ad ? v[i].prob < 0.5 : v[i].prob >= 0.5;
        conf_err += ad ? v[i].prob < 0.1 : v[i].prob > 0.9;
        unsure += v[i].prob >= 0.1 && v[i].prob <= 0.9;
        if (list) {
            tally one = count(&v[i], 1, w, hold, drop);

            printf("%-5s %-48s rules %5.1f  p %.4f  biz %4.1f  tokens %3d  fold %d  known %3d/%-3d%s%s%s\n",
                   ad ? "ad" : "legit", v[i].t->file, v[i].rules, v[i].prob, v[i].bizw, v[i].used, v[i].fold,
                   v[i].known, v[i].total, v[i].answer ? "" : "  no-answer", (ad ? v[i].prob < 0.5 : v[i].prob >= 0.5) ? "  <-- wrong side" : "",
                   ad && !one.caught ? "  MISSED" : one.dropped ? "  DROPPED" : one.held ? "  HELD" : "");
        }
    }
    printf("%s: bayes alone: wrong side of 0.5: %d, confidently wrong (<0.1 / >0.9): %d, unsure (0.1-0.9): %d, "
           "AUC %.4f\n", title, err, conf_err, unsure, auc(v, n));
    print_tally("  rules alone", count(v, n, NULL, hold, drop));
    weights_str(w, ws, sizeof ws);
    snprintf(what, sizeof what, "  rules + bayes (%s)", ws);
    print_tally(what, count(v, n, w, hold, drop));
}

int main(int argc, char **argv)
{
    const char *dir = "tests/data/texts", *ocr = NULL;
    fg_learn_params p = fg_learn_params_default();
    fg_learn_tokopts o = fg_learn_tokopts_default();
    weights w = {{2.0, 1.0, 0.5, 0, -1.0, -2.0}, 0.60, 4.5};   /* the product's bands and BAYES_UNOPPOSED (learn.c) */
    bool do_sweep = false, list = false;
    int k = 5;
    lab_set set = {0};
    fg_config *cfg = NULL;
    item *v, *ov = NULL;
    size_t n = 0;
    double hold, drop;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

        if (!strcmp(a, "--dir") && val)
            dir = argv[++i];
        else if (!strcmp(a, "--k") && val)
            k = atoi(argv[++i]);
        else if (!strcmp(a, "--bigrams"))
            o.bigrams = true;
        else if (!strcmp(a, "--unopposed-known") && val)
            unopposed_known = atof(argv[++i]);
        else if (!strcmp(a, "--any-page"))
            unanswered_p = 0;
        else if (!strcmp(a, "--opposed") && val && sscanf(argv[++i], "%lf,%lf", &opposed_p, &opposed_biz) == 2)
            ;
        else if (!strcmp(a, "--unanswered-p") && val)
            unanswered_p = atof(argv[++i]);
        else if (!strcmp(a, "--stem") && val)
            o.stem = atoi(argv[++i]);
        else if (!strcmp(a, "--keep-header"))
            o.skip_header = false;
        else if (!strcmp(a, "--s") && val)
            p.s = atof(argv[++i]);
        else if (!strcmp(a, "--x") && val)
            p.x = atof(argv[++i]);
        else if (!strcmp(a, "--min-dev") && val)
            p.min_dev = atof(argv[++i]);
        else if (!strcmp(a, "--max") && val)
            p.max_tokens = atoi(argv[++i]);
        else if (!strcmp(a, "--ocr") && val)
            ocr = argv[++i];
        else if (!strcmp(a, "--weights") && val &&
                 sscanf(argv[++i], "%lf,%lf,%lf,%lf,%lf,%lf", &w.w[0], &w.w[1], &w.w[2], &w.w[3], &w.w[4], &w.w[5]) == 6)
            ;
        else if (!strcmp(a, "--unopposed") && val && sscanf(argv[++i], "%lf,%lf", &w.up, &w.uw) == 2)
            ;
        else if (!strcmp(a, "--unopposed-min") && val)
            unopposed_min = atoi(argv[++i]);
        else if (!strcmp(a, "--sweep"))
            do_sweep = true;
        else if (!strcmp(a, "--list"))
            list = true;
        else {
            fprintf(stderr, "usage: learncv [--dir DIR] [--k K] [--bigrams] [--keep-header] [--s S] [--x X] [--min-dev D] "
                            "[--max N] [--ocr DIR] [--weights W99,W90,W70,W30,W10,W01] [--unopposed P,W] [--unopposed-min N] [--unopposed-known F] [--any-page] [--unanswered-p P] [--stem N] [--sweep] [--list]\n");
            return 2;
        }
    }
    if (k < 2 || fg_config_new(&cfg) || lab_load(&set, dir, "tune") || set.n < (size_t)k ||
        !(v = calloc(set.n, sizeof *v)) || !(ov = calloc(set.n, sizeof *ov))) {
        fprintf(stderr, "learncv: cannot load the tune split of %s (or k < 2)\n", dir);
        return 1;
    }
    hold = fg_config_double(cfg, "classify", "hold");
    drop = fg_config_double(cfg, "classify", "drop");
    for (size_t i = 0; i < set.n; i++) {
        item *it = &v[n];
        size_t len = 0;
        char *otext = NULL;

        it->t = &set.v[i];
        if (ocr && !(otext = ocr_text(ocr, it->t, &len))) {
            fprintf(stderr, "learncv: no OCR text for %s; left out\n", it->t->file);
            continue;
        }
        if (judge(it->t->text, it->t->len, it->t->country, &o, &it->rules, &it->biz, &it->answer, &it->bizw, &it->train) ||
            (otext && judge(otext, len, it->t->country, &o, &ov[n].rules, &ov[n].biz, &ov[n].answer, &ov[n].bizw, &ov[n].test))) {
            fprintf(stderr, "learncv: %s: %s\n", it->t->file, fg_err_msg(FG_ERR_FORMAT));
            free(otext);
            continue;
        }
        free(otext);
        it->test = it->train;
        ov[n].t = it->t;
        ov[n].train = it->train;
        n++;
    }
    assign_folds(v, n, k);
    for (size_t i = 0; i < n; i++)
        ov[i].fold = v[i].fold;
    if (cross_validate(v, n, k, &p) || (ocr && cross_validate(ov, n, k, &p))) {
        fprintf(stderr, "learncv: cross-validation failed\n");
        return 1;
    }
    printf("%zu tune texts (%d-fold, campaigns kept in one fold), s=%.2f x=%.2f min_dev=%.2f max=%d%s%s\n", n, k, p.s,
           p.x, p.min_dev, p.max_tokens, o.bigrams ? " bigrams" : "", o.skip_header ? "" : " keep-header");
    report("clean text", v, n, &w, hold, drop, list);
    if (ocr)
        report("OCR text (trained on clean)", ov, n, &w, hold, drop, list);
    if (do_sweep)
        sweep(v, n, ocr ? ov : NULL, hold, drop, k);
    for (size_t i = 0; i < n; i++) {
        fg_tokens_free(ov[i].test);
        fg_tokens_free(v[i].train);
    }
    free(v);
    free(ov);
    lab_free(&set);
    fg_config_free(cfg);
    return 0;
}
