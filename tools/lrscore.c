/* faxgate tools — lrscore: the plain n-gram logistic regression (lr.h, the baseline tools/lrcv
 * measured as (a)) trained on the tune split as a gateway would ship it, with its threshold for
 * "0 business faxes flagged" taken from 5-fold out-of-fold scores and a Platt calibration fitted on
 * them; then each FILE (a page's text) scored: logit, probability, and FLAG when it is above the
 * threshold. For looking at real documents the model never saw (Tobacco3482, FUNSD OCR texts)
 * before such a model is let near the verdict (docs/learning.md, "A learned combination").
 *
 *   lrscore TEXTS-DIR FILE...
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faxgate/faxgate.h"
#include "faxgate/lr.h"
#include "labels.h"

#define FOLDS 5

typedef struct page {
    fg_lr_feats x;
    int y;
    int fold;
} page;

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n) {
        buf[n] = '\0';
        *len = (size_t)n;
    } else {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

static int features_from(const char *text, size_t len, fg_lr_feats *x)
{
    fg_lr_featopts o = fg_lr_featopts_default();
    fg_words *w = NULL;
    int rc = -1;

    if (text && !fg_words_from_text(text, len, &w) && !fg_lr_features(w, NULL, NULL, &o, x))
        rc = 0;
    fg_words_free(w);
    return rc;
}

static int features_of(const char *path, fg_lr_feats *x)
{
    size_t len = 0;
    char *text = slurp(path, &len);
    int rc = features_from(text, len, x);

    free(text);
    return rc;
}

static double logit_of(const fg_lr_weights *wt, const fg_lr_feats *x)
{
    return fg_lr_weights_logit(wt, x, NULL);
}

/* Trains on every page whose fold is not `out` (-1: all). */
static int train(const page *v, size_t n, int out, fg_lr_weights *wt)
{
    fg_lr_opts o = fg_lr_opts_default();
    fg_lr_feats *x = calloc(n, sizeof *x);
    int *y = calloc(n, sizeof *y);
    size_t m = 0;
    int rc = -1;

    if (x && y) {
        for (size_t i = 0; i < n; i++)
            if (v[i].fold != out) {
                x[m] = v[i].x;
                y[m++] = v[i].y;
            }
        rc = fg_lr_train(x, NULL, y, m, fg_lr_featopts_default().bits, 0, &o, wt) ? -1 : 0;
    }
    free(x);
    free(y);
    return rc;
}

int main(int argc, char **argv)
{
    lab_set set = {0};
    page *v;
    double *z, thr = -INFINITY, a = 1, b = 0;
    int *y, na = 0, nl = 0, score_from;
    fg_lr_weights wt;

    if (argc < 3) {
        fprintf(stderr, "usage: lrscore TEXTS-DIR FILE...\n");
        return 2;
    }
    score_from = 2;
    if (lab_load(&set, argv[1], "tune") || !(v = calloc(set.n, sizeof *v)) || !(z = calloc(set.n, sizeof *z)) ||
        !(y = calloc(set.n, sizeof *y))) {
        fprintf(stderr, "lrscore: cannot read the labelled texts of %s\n", argv[1]);
        return 1;
    }
    /* folds stratified by label, in file order (lab_load sorts): the k-th ad or business fax goes to k % 5 */
    for (size_t i = 0; i < set.n; i++) {
        if (features_from(set.v[i].text, set.v[i].len, &v[i].x)) {
            fprintf(stderr, "lrscore: %s: cannot read it as page words\n", set.v[i].file);
            return 1;
        }
        v[i].y = set.v[i].is_ad;
        v[i].fold = v[i].y ? na++ % FOLDS : nl++ % FOLDS;
        y[i] = v[i].y;
    }
    for (int f = 0; f < FOLDS; f++) {
        if (train(v, set.n, f, &wt)) {
            fprintf(stderr, "lrscore: training failed (out of memory)\n");
            return 1;
        }
        for (size_t i = 0; i < set.n; i++)
            if (v[i].fold == f)
                z[i] = logit_of(&wt, &v[i].x);
        fg_lr_weights_clear(&wt);
    }
    for (size_t i = 0; i < set.n; i++)
        if (!y[i] && z[i] > thr)
            thr = z[i];   /* above every business fax's out-of-fold logit: 0 flagged there */
    if (fg_lr_platt(z, y, set.n, &a, &b) || train(v, set.n, -1, &wt)) {
        fprintf(stderr, "lrscore: calibration or training failed\n");
        return 1;
    }
    for (int i = score_from; i < argc; i++) {
        fg_lr_feats x = {0};
        double l;

        if (features_of(argv[i], &x)) {
            printf("%s\terror\n", argv[i]);
            continue;
        }
        l = logit_of(&wt, &x);
        printf("%s\t%.3f\t%.4f\t%s\n", argv[i], l, 1 / (1 + exp(-(a * l + b))), l > thr ? "FLAG" : "-");
        fg_lr_feats_clear(&x);
    }
    fprintf(stderr, "lrscore: threshold %.3f (Platt a %.3f b %.3f), %d ads, %d business faxes\n", thr, a, b, na, nl);
    fg_lr_weights_clear(&wt);
    return 0;
}
