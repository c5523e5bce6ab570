/* faxgate tools — lrcv: a learned combination of rules and n-grams (lr.h) against a plain n-gram
 * logistic regression and against what ships (rules + BAYES_*), by stratified k-fold
 * cross-validation on the tune split plus the FUNSD pages' OCR texts as business faxes; then each
 * trained on all of that and counted on the report split.
 *
 *   lrcv [--dir tests/data/texts] [--funsd DIR] [--extern DIR] [--ocr DIR] [--k 5] [--seed S] [--bits B]
 *        [--lambda L] [--eta0 R] [--epochs E] [--rule-scale X] [--fact-scale X] [--list]
 *
 *   (a)  plain:  L2 logistic regression over hashed word 1–2-grams and character 3–5-grams
 *   (b)  joint:  the same, trained with the rules' weights (x rule-scale) and the identity facts
 *                (each fact-scale) as features beside the n-grams
 *   (b2) sum:    (a)'s logit + c x the rules' total, c chosen on the training folds (0 … 0.5)
 *   (c)  ships:  the named rules + BAYES_* (a token model trained on the same folds), held at the
 *                hold threshold, dropped when the rules alone reach drop (policy.c); and the
 *                same score at its own 0-false-positive threshold, for a like-for-like comparison;
 *                and (a) beside it: held when either flags, dropped as (c) drops
 *
 * "0 false positives": a page is flagged when its score exceeds the largest score of a business
 * fax among the training folds' out-of-fold scores (an inner cross-validation over the training
 * folds), so the threshold is chosen without the fold it is scored on. (b) and (b2) drop a flagged
 * page whose rules alone reach the hold threshold (the rule "sure and the rules agree").
 * The report split is never used to choose anything: it is scored once, by models trained on all
 * of tune (and FUNSD), at the threshold from tune's own out-of-fold scores.
 * --funsd DIR: DIR/<page>.txt, the OCR text of each FUNSD page (tools/ocrfunsd.sh).
 * --ocr DIR: DIR/<file>, the OCR text of each labelled text (tools/ocrpages.sh): models learn the
 * clean texts and score what OCR read (a text without one is scored as text, and counted).
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labels.h"
#include "lrcv.h"

/* Models learn the clean text; they score what OCR read when there is such a text. */
static const view *train_view(const item *it)
{
    return &it->clean;
}


static fg_lr_featopts fopts;
static int no_ocr;          /* labelled texts with no OCR text (--ocr), scored as texts */
static fg_lr_opts opts;
static double hold, drop;

/* ---- the named features' dictionary ---- */
static char (*dict)[FG_LR_NAME_LEN];
static size_t ndict, capdict;

static int dict_index(const char *name)
{
    for (size_t i = 0; i < ndict; i++)
        if (!strcmp(dict[i], name))
            return (int)i;
    if (ndict == capdict) {
        size_t cap = capdict ? capdict * 2 : 64;
        char (*nd)[FG_LR_NAME_LEN] = realloc(dict, cap * sizeof *nd);

        if (!nd)
            return -1;
        dict = nd;
        capdict = cap;
    }
    snprintf(dict[ndict], FG_LR_NAME_LEN, "%s", name);
    return (int)ndict++;
}

static int prepare(view *vw, const char *text, size_t len, const char *country)
{
    fg_words *w = NULL;
    fg_err e;

    if ((e = fg_words_from_text(text, len, &w)))
        return -1;
    if (!(e = fg_extract(w, country, &vw->id)) && !(e = fg_classify(w, &vw->id, NULL, &vw->s)) &&
        !(e = fg_lr_features(w, &vw->id, &vw->s, &fopts, &vw->x)))
        e = fg_learn_tokens(w, &vw->id, NULL, &vw->tok);
    fg_words_free(w);
    if (e)
        return -1;
    vw->rules = vw->s.total;
    if (!(vw->named = calloc(vw->x.nnamed + 1, sizeof *vw->named)))
        return -1;
    for (size_t k = 0; k < vw->x.nnamed; k++)
        vw->named[k] = dict_index(vw->x.name[k]);
    return 0;
}

static void view_clear(view *vw)
{
    fg_lr_feats_clear(&vw->x);
    free(vw->named);
    fg_tokens_free(vw->tok);
    fg_ident_clear(&vw->id);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;

    if (f && (buf = calloc(1, 1 << 20)))
        *len = fread(buf, 1, (1 << 20) - 1, f);
    if (f)
        fclose(f);
    return buf;
}

/* ---- which items a model learns ---- */

typedef bool (*member)(const item *it, int f1, int f2);

/* tune and FUNSD items outside folds f1 and f2 */
static bool not_fold(const item *it, int f1, int f2)
{
    return !it->report && it->fold != f1 && it->fold != f2;
}

static bool in_fold(const item *it, int f)
{
    return !it->report && it->fold == f;
}

/* ---- (a) and (b) ---- */

/* Trains (a) (joint false) or (b) on the items in(…). */
static int train(const item *v, size_t n, bool joint, member in, int f1, int f2, fg_lr_weights *wt)
{
    fg_lr_feats *x = malloc(n * sizeof *x);
    const int **nm = malloc(n * sizeof *nm);
    int *y = malloc(n * sizeof *y);
    size_t k = 0;
    fg_err e;

    if (!x || !nm || !y) {
        free(x), free(nm), free(y);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        if (in(&v[i], f1, f2)) {
            x[k] = train_view(&v[i])->x;   /* shallow: the arrays stay the item's */
            nm[k] = joint ? train_view(&v[i])->named : NULL;
            y[k++] = v[i].is_ad;
        }
    e = fg_lr_train(x, nm, y, k, fopts.bits, joint ? ndict : 0, &opts, wt);
    free(x), free(nm), free(y);
    return e ? -1 : 0;
}

static double logit(const fg_lr_weights *wt, const item *it, bool joint)
{
    return fg_lr_weights_logit(wt, &lrcv_test_view(it)->x, joint ? lrcv_test_view(it)->named : NULL);
}

/* The 0-false-positive threshold of the training items outside fold `out`: the largest inner
   out-of-fold logit of a business fax; *sure: the largest of a business fax whose rules alone reach
   hold (a drop there needs both), never below *thr. (a)'s inner logits are kept in zin for (b2). */
static int inner_threshold(item *v, size_t n, int k, bool joint, int out, double *thr, double *sure)
{
    *thr = *sure = -INFINITY;
    for (int g = 0; g < k; g++) {
        fg_lr_weights wt;

        if (g == out)
            continue;
        if (train(v, n, joint, not_fold, out, g, &wt))
            return -1;
        for (size_t i = 0; i < n; i++)
            if (in_fold(&v[i], g)) {
                double z = logit(&wt, &v[i], joint);

                if (!joint)
                    v[i].zin = z;
                if (!v[i].is_ad && z > *thr)
                    *thr = z;
                if (!v[i].is_ad && lrcv_test_view(&v[i])->rules >= hold && z > *sure)
                    *sure = z;
            }
        fg_lr_weights_clear(&wt);
    }
    if (*sure < *thr)
        *sure = *thr;
    return 0;
}

/* ---- (b2): (a)'s logit + c x the rules' total ---- */

static const double c_grid[] = {0, 0.02, 0.04, 0.06, 0.08, 0.1, 0.125, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5};

/* c: the one that flags most ads among the items in(…) (scored by their inner logits zin) with no
   business fax flagged among them, the smallest on a tie; *thr: that threshold. */
static double sum_choose(const item *v, size_t n, member in, int f1, double *thr)
{
    int best = -1;
    double c = 0;

    for (size_t g = 0; g < sizeof c_grid / sizeof *c_grid; g++) {
        double t = -INFINITY;
        int flagged = 0;

        for (size_t i = 0; i < n; i++)
            if (in(&v[i], f1, -1) && !v[i].is_ad && v[i].zin + c_grid[g] * lrcv_test_view(&v[i])->rules > t)
                t = v[i].zin + c_grid[g] * lrcv_test_view(&v[i])->rules;
        for (size_t i = 0; i < n; i++)
            flagged += in(&v[i], f1, -1) && v[i].is_ad && v[i].zin + c_grid[g] * lrcv_test_view(&v[i])->rules > t;
        if (flagged > best) {
            best = flagged;
            c = c_grid[g];
            *thr = t;
        }
    }
    return c;
}

/* ---- (c): what ships ---- */

/* Scores the items sc(…) with BAYES_* from a token model of the items in(…) (into *total and
   *rules_only as policy.c computes them). */
static int ships(item *v, size_t n, member in, int f1, int f2, bool (*sc)(const item *, int), int f, bool inner)
{
    fg_learn_builder *b = NULL;
    const fg_learn_model *mod;

    if (fg_learn_builder_new(&b))
        return -1;
    for (size_t i = 0; i < n; i++)
        if (in(&v[i], f1, f2) && fg_learn_builder_add(b, train_view(&v[i])->tok, v[i].is_ad)) {
            fg_learn_builder_free(b);
            return -1;
        }
    mod = fg_learn_builder_model(b);
    for (size_t i = 0; i < n; i++) {
        const view *te = lrcv_test_view(&v[i]);
        fg_learn_result r;
        fg_scores s;
        double learned = 0;

        if (!sc(&v[i], f))
            continue;
        if (!mod || fg_learn_score_model(mod, te->tok, NULL, &r)) {
            fg_learn_builder_free(b);
            return -1;
        }
        s = te->s;
        fg_learn_add_score(&r, &te->id, &s);
        for (int q = 0; q < s.n; q++)
            if (!strncmp(s.v[q].name, "BAYES_", 6))
                learned += s.v[q].weight;
        if (inner) {
            v[i].ships_in = s.total;
        } else {
            v[i].ships = s.total;
            v[i].ships_rules = s.total - (learned > 0 ? learned : 0);
        }
    }
    fg_learn_builder_free(b);
    return 0;
}

static bool is_report(const item *it, int f)
{
    (void)f;
    return it->report;
}

static bool all_tune(const item *it, int f1, int f2)
{
    (void)f1, (void)f2;
    return !it->report;
}

/* ---- folds ---- */

/* Stratified with a fixed seed: each class (and FUNSD apart) shuffled, then dealt round-robin; a
   campaign's texts follow its first member. */
static void assign_folds(item *v, size_t n, int k, uint64_t seed)
{
    size_t *ord = malloc(n * sizeof *ord);
    int next[3] = {0, 0, 0};

    if (!ord)
        return;
    for (size_t i = 0; i < n; i++)
        ord[i] = i;
    for (size_t i = n - 1; i > 0; i--) {
        uint64_t z = (seed += 0x9e3779b97f4a7c15ull);   /* splitmix64 */
        size_t j, t;

        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        j = (size_t)((z ^ (z >> 31)) % (i + 1));
        t = ord[i], ord[i] = ord[j], ord[j] = t;
    }
    for (size_t r = 0; r < n; r++) {
        item *it = &v[ord[r]];
        int c = it->funsd ? 2 : it->is_ad;

        it->fold = -1;
        if (it->report)
            continue;
        for (size_t q = 0; q < r && it->campaign && it->campaign[0]; q++)
            if (v[ord[q]].campaign && !strcmp(v[ord[q]].campaign, it->campaign))
                it->fold = v[ord[q]].fold;
        if (it->fold < 0)
            it->fold = next[c]++ % k;
    }
    free(ord);
}

/* ---- loading ---- */

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static item *grow(item **v, size_t n, size_t *cap)
{
    if (n == *cap) {
        item *nv = realloc(*v, (*cap * 2) * sizeof *nv);

        if (!nv)
            return NULL;
        *v = nv;
        *cap *= 2;
    }
    memset(&(*v)[n], 0, sizeof **v);
    return &(*v)[n];
}

/* The FUNSD pages' OCR texts (DIR/<page>.txt), business faxes, in name order; or (ext) documents
   from elsewhere, scored as the report split is and counted apart: ads when named ADVE_*. */
static int load_dir(const char *dir, bool ext, item **v, size_t *n, size_t *cap)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char **names = NULL;
    size_t nn = 0;

    if (!d)
        return -1;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        char **nw;

        if (l < 5 || strcmp(de->d_name + l - 4, ".txt") || !(nw = realloc(names, (nn + 1) * sizeof *nw)))
            continue;
        names = nw;
        names[nn++] = strdup(de->d_name);
    }
    closedir(d);
    qsort(names, nn, sizeof *names, cmp_names);   /* readdir's order is the file system's */
    for (size_t i = 0; i < nn; i++) {
        char path[1024];
        size_t len = 0;
        char *text;
        item *it;

        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (!(it = grow(v, *n, cap)))
            return -1;
        it->name = names[i];
        it->funsd = !ext;
        it->ext = it->report = ext;
        it->is_ad = ext && !strncmp(names[i], "ADVE_", 5);
        if (!(text = slurp(path, &len)) || prepare(&it->clean, text, len, "US")) {
            fprintf(stderr, "lrcv: %s: cannot read or judge it; left out\n", path);
            free(text);
            continue;
        }
        free(text);
        (*n)++;
    }
    free(names);
    return 0;
}

static int load_labelled(const lab_set *set, bool report, const char *ocr, item **v, size_t *n, size_t *cap)
{
    for (size_t i = 0; i < set->n; i++) {
        const lab_text *t = &set->v[i];
        item *it = grow(v, *n, cap);
        char path[1024], *otext = NULL;
        size_t olen = 0;

        if (!it)
            return -1;
        it->name = t->file;
        it->is_ad = t->is_ad;
        it->report = report;
        it->campaign = t->campaign;
        if (ocr) {
            snprintf(path, sizeof path, "%s/%s", ocr, t->file);
            if (!(otext = slurp(path, &olen)))
                no_ocr++;   /* scored as text: said in the heading */
        }
        if (prepare(&it->clean, t->text, t->len, t->country) ||
            (otext && prepare(&it->ocr, otext, olen, t->country))) {
            fprintf(stderr, "lrcv: %s: cannot judge it; left out\n", t->file);
            free(otext);
            continue;
        }
        it->has_ocr = otext != NULL;
        free(otext);
        (*n)++;
    }
    return 0;
}

/* ---- the run ---- */

static int out_of_fold(item *v, size_t n, int k)
{
    for (int f = 0; f < k; f++) {
        for (int m = M_PLAIN; m <= M_JOINT; m++) {
            fg_lr_weights wt;
            double thr, sure;

            if (inner_threshold(v, n, k, m == M_JOINT, f, &thr, &sure) ||
                train(v, n, m == M_JOINT, not_fold, f, -1, &wt))
                return -1;
            for (size_t i = 0; i < n; i++)
                if (in_fold(&v[i], f)) {
                    v[i].z[m] = logit(&wt, &v[i], m == M_JOINT), v[i].t[m] = thr;
                    if (m == M_JOINT)
                        v[i].sure = sure;
                }
            fg_lr_weights_clear(&wt);
        }
        /* zin holds (a)'s inner logits of the training folds now (inner_threshold, plain) */
        double thr, c = sum_choose(v, n, not_fold, f, &thr);

        printf("fold %d: (b2) c = %.3f\n", f, c);
        for (size_t i = 0; i < n; i++)
            if (in_fold(&v[i], f))
                v[i].z[M_SUM] = v[i].z[M_PLAIN] + c * lrcv_test_view(&v[i])->rules, v[i].t[M_SUM] = thr;
        /* (c): inner scores for its own threshold, then the fold */
        thr = -INFINITY;
        for (int g = 0; g < k; g++) {
            if (g == f)
                continue;
            if (ships(v, n, not_fold, f, g, in_fold, g, true))
                return -1;
            for (size_t i = 0; i < n; i++)
                if (in_fold(&v[i], g) && !v[i].is_ad && v[i].ships_in > thr)
                    thr = v[i].ships_in;
        }
        if (ships(v, n, not_fold, f, -1, in_fold, f, false))
            return -1;
        for (size_t i = 0; i < n; i++)
            if (in_fold(&v[i], f))
                v[i].z[M_SHIPS0] = v[i].ships, v[i].t[M_SHIPS0] = thr;
    }
    return 0;
}

/* Trains on all of tune (and FUNSD), thresholds from tune's out-of-fold scores; scores report. */
static int report_split(item *v, size_t n, double *thr_all, double *c_all)
{
    double sure = -INFINITY;

    for (size_t i = 0; i < n; i++)
        if (!v[i].report && !v[i].is_ad && lrcv_test_view(&v[i])->rules >= hold && v[i].z[M_JOINT] > sure)
            sure = v[i].z[M_JOINT];
    for (int m = 0; m < NZ; m++) {
        thr_all[m] = -INFINITY;
        for (size_t i = 0; i < n; i++)
            if (!v[i].report && !v[i].is_ad && v[i].z[m] > thr_all[m])
                thr_all[m] = v[i].z[m];
    }
    for (int m = M_PLAIN; m <= M_JOINT; m++) {
        fg_lr_weights wt;

        if (train(v, n, m == M_JOINT, all_tune, -1, -1, &wt))
            return -1;
        for (size_t i = 0; i < n; i++)
            if (v[i].report) {
                v[i].z[m] = logit(&wt, &v[i], m == M_JOINT), v[i].t[m] = thr_all[m];
                v[i].sure = sure > thr_all[M_JOINT] ? sure : thr_all[M_JOINT];
            }
        fg_lr_weights_clear(&wt);
    }
    for (size_t i = 0; i < n; i++)
        if (!v[i].report)
            v[i].zin = v[i].z[M_PLAIN];
    *c_all = sum_choose(v, n, all_tune, -1, &thr_all[M_SUM]);
    if (ships(v, n, all_tune, -1, -1, is_report, -1, false))
        return -1;
    for (size_t i = 0; i < n; i++)
        if (v[i].report) {
            v[i].z[M_SUM] = v[i].z[M_PLAIN] + *c_all * lrcv_test_view(&v[i])->rules, v[i].t[M_SUM] = thr_all[M_SUM];
            v[i].z[M_SHIPS0] = v[i].ships, v[i].t[M_SHIPS0] = thr_all[M_SHIPS0];
        }
    return 0;
}

int main(int argc, char **argv)
{
    const char *dir = "tests/data/texts", *funsd = NULL, *ocr = NULL, *ext = NULL;
    int k = 5;
    uint64_t fold_seed = 20261207;
    bool list = false;
    lab_set tune = {0}, rep = {0};
    fg_config *cfg = NULL;
    item *v;
    size_t n = 0, cap = 256;
    double thr_all[NZ], c_all = 0;
    int nfunsd = 0;

    opts = fg_lr_opts_default();
    fopts = fg_lr_featopts_default();
    fopts.rule_scale = 0.005;  /* (b)'s best on tune CV: rules 0.005 … 1, facts 0 and 0.01 tried (docs/learning.md) */
    fopts.fact_scale = 0.01;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool val = i + 1 < argc;

        if (!strcmp(a, "--dir") && val)
            dir = argv[++i];
        else if (!strcmp(a, "--funsd") && val)
            funsd = argv[++i];
        else if (!strcmp(a, "--extern") && val)
            ext = argv[++i];
        else if (!strcmp(a, "--ocr") && val)
            ocr = argv[++i];
        else if (!strcmp(a, "--k") && val)
            k = atoi(argv[++i]);
        else if (!strcmp(a, "--seed") && val)
            fold_seed = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(a, "--bits") && val)
            fopts.bits = atoi(argv[++i]);
        else if (!strcmp(a, "--lambda") && val)
            opts.lambda = atof(argv[++i]);
        else if (!strcmp(a, "--eta0") && val)
            opts.eta0 = atof(argv[++i]);
        else if (!strcmp(a, "--epochs") && val)
            opts.epochs = atoi(argv[++i]);
        else if (!strcmp(a, "--rule-scale") && val)
            fopts.rule_scale = atof(argv[++i]);
        else if (!strcmp(a, "--fact-scale") && val)
            fopts.fact_scale = atof(argv[++i]);
        else if (!strcmp(a, "--list"))
            list = true;
        else {
            fprintf(stderr, "usage: lrcv [--dir DIR] [--funsd DIR] [--extern DIR] [--ocr DIR] [--k K] [--seed S] [--bits B] "
                            "[--lambda L] [--eta0 R] [--epochs E] [--rule-scale X] [--fact-scale X] [--list]\n");
            return 2;
        }
    }
    if (k < 2 || fopts.bits < 8 || fopts.bits > FG_LR_BITS_MAX || fg_config_new(&cfg) ||
        lab_load(&tune, dir, "tune") || lab_load(&rep, dir, "report") || !(v = calloc(cap, sizeof *v))) {
        fprintf(stderr, "lrcv: cannot load the labelled texts of %s (or k < 2, bits out of 8..%d)\n", dir,
                FG_LR_BITS_MAX);
        return 1;
    }
    hold = fg_config_double(cfg, "classify", "hold");
    drop = fg_config_double(cfg, "classify", "drop");
    if (load_labelled(&tune, false, ocr, &v, &n, &cap) || load_labelled(&rep, true, ocr, &v, &n, &cap) ||
        (funsd && load_dir(funsd, false, &v, &n, &cap)) || (ext && load_dir(ext, true, &v, &n, &cap))) {
        fprintf(stderr, "lrcv: cannot load the pages (out of memory, or no %s)\n", funsd ? funsd : "FUNSD texts");
        return 1;
    }
    for (size_t i = 0; i < n; i++)
        nfunsd += v[i].funsd;
    assign_folds(v, n, k, fold_seed);
    if (out_of_fold(v, n, k) || report_split(v, n, thr_all, &c_all)) {
        fprintf(stderr, "lrcv: cross-validation failed (out of memory)\n");
        return 1;
    }
    if (ocr)
        printf("--ocr %s: %d labelled texts have no OCR text there and are scored as texts\n", ocr, no_ocr);
    printf("%zu pages (%d FUNSD), %s; %d folds (seed %llu); 2^%d buckets, lambda %g, eta0 %g, %d epochs; "
           "(b): rules x %g, facts %g, %zu named features\n",
           n, nfunsd, ocr ? "scored as OCR read them (trained on clean text)" : "as texts", k,
           (unsigned long long)fold_seed, fopts.bits, opts.lambda, opts.eta0, opts.epochs, fopts.rule_scale,
           fopts.fact_scale, ndict);
    printf("tune (+ FUNSD), out of fold; each fold's threshold from the other folds alone (0 business flagged "
           "there); (b) drops when its logit is above every business fax's with rules at hold there\n"
           "(\"sure\") and the rules alone reach hold, (b2) when it flags and the rules reach hold:\n");
    lrcv_figures(v, n, 0, list, hold, drop);
    printf("report split (trained on all tune%s; thresholds (a) %.3f (b) %.3f (b2) %.3f with c = %.3f, "
           "(c) %.1f):\n", funsd ? " + FUNSD" : "", thr_all[M_PLAIN], thr_all[M_JOINT], thr_all[M_SUM], c_all,
           thr_all[M_SHIPS0]);
    lrcv_figures(v, n, 1, list, hold, drop);
    if (ext) {
        printf("--extern %s (scored as the report split, named ADVE_* ads, the rest business):\n", ext);
        lrcv_figures(v, n, 2, list, hold, drop);
    }
    if (lrcv_calibration(v, n, M_PLAIN, "(a)") || lrcv_calibration(v, n, M_JOINT, "(b)"))
        return 1;
    for (size_t i = 0; i < n; i++) {
        view_clear(&v[i].clean);
        view_clear(&v[i].ocr);
        if (v[i].funsd || v[i].ext)
            free((char *)v[i].name);
    }
    free(v);
    free(dict);
    lab_free(&tune);
    lab_free(&rep);
    fg_config_free(cfg);
    return 0;
}
