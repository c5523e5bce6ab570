/* faxgate tools — lrcv's figures: per method, the ads flagged and dropped and the business pages
 * flagged, the AUC, and the calibration of the learned logits (Platt). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lrcv.h"

typedef struct tally {
    int ads, ads_flag, ads_drop, biz, biz_flag, biz_drop, funsd, funsd_flag;
} tally;

static void tally_one(tally *t, const item *it, bool flag, bool dropped)
{
    if (it->is_ad) {
        t->ads++;
        t->ads_flag += flag;
        t->ads_drop += dropped;
    } else {
        t->biz++;
        t->biz_flag += flag;
        t->biz_drop += dropped;
        t->funsd += it->funsd;
        t->funsd_flag += it->funsd && flag;
    }
}

static void print_tally(const char *what, tally t)
{
    printf("  %-40s ads %3d/%-3d (%5.1f %%) dropped %3d | business flagged %d/%d, dropped %d (FUNSD %d/%d)\n",
           what, t.ads_flag, t.ads, t.ads ? 100.0 * t.ads_flag / t.ads : 0, t.ads_drop, t.biz_flag, t.biz,
           t.biz_drop, t.funsd_flag, t.funsd);
}

static double score_of(const item *it, int m)
{
    return m < NZ ? it->z[m] : it->ships;
}

static int group(const item *it)
{
    return it->ext ? 2 : it->report;
}

static double auc(const item *v, size_t n, int grp, int m)
{
    double pairs = 0, wins = 0;

    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            if (group(&v[i]) == grp && group(&v[j]) == grp && v[i].is_ad && !v[j].is_ad) {
                double a = score_of(&v[i], m), b = score_of(&v[j], m);

                pairs++;
                wins += a > b ? 1 : a == b ? 0.5 : 0;
            }
    return pairs ? wins / pairs : 0;
}

static double sig(double z)
{
    return z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z));
}

/* Platt scaling of a method's out-of-fold logits, then how well each reads as a probability: log
   loss and Brier score of the raw sigmoid and of Platt's, on the items whose report flag is rep
   (the report split is scored by the model trained on all tune, with Platt fitted on tune). */
int lrcv_calibration(const item *v, size_t n, int m, const char *what)
{
    double *z = malloc(n * sizeof *z), a, b;
    int *y = malloc(n * sizeof *y);
    size_t q = 0;

    for (size_t i = 0; z && y && i < n; i++)
        if (!v[i].report)
            z[q] = v[i].z[m], y[q++] = v[i].is_ad;
    if (!z || !y || fg_lr_platt(z, y, q, &a, &b)) {
        free(z), free(y);
        return -1;
    }
    free(z), free(y);
    printf("calibration of %s: Platt a = %.3f, b = %.3f (fitted on tune out of fold)\n", what, a, b);
    for (int rep = 0; rep < 2; rep++) {
        double ll[2] = {0}, br[2] = {0}, bp[5] = {0}, by[5] = {0};
        int bn[5] = {0}, cnt = 0;

        for (size_t i = 0; i < n; i++) {
            double p[2];

            if (group(&v[i]) != rep)
                continue;
            p[0] = sig(v[i].z[m]);
            p[1] = sig(a * v[i].z[m] + b);
            for (int k = 0; k < 2; k++) {
                double pk = p[k] < 1e-12 ? 1e-12 : p[k] > 1 - 1e-12 ? 1 - 1e-12 : p[k];

                ll[k] -= v[i].is_ad ? log(pk) : log(1 - pk);
                br[k] += (p[k] - v[i].is_ad) * (p[k] - v[i].is_ad);
            }
            int bin = p[1] < 0.1 ? 0 : p[1] < 0.3 ? 1 : p[1] < 0.7 ? 2 : p[1] < 0.9 ? 3 : 4;

            bp[bin] += p[1];
            by[bin] += v[i].is_ad;
            bn[bin]++;
            cnt++;
        }
        if (!cnt)
            continue;
        printf("  %s (%d pages): log loss raw %.4f, Platt %.4f; Brier raw %.4f, Platt %.4f\n",
               rep ? "report" : "tune out of fold", cnt, ll[0] / cnt, ll[1] / cnt, br[0] / cnt, br[1] / cnt);
        for (int k = 0; k < 5; k++)
            if (bn[k])
                printf("    Platt p in %-8s %3d pages, mean p %.3f, share of ads %.3f\n",
                       (const char *[]){"[0,.1)", "[.1,.3)", "[.3,.7)", "[.7,.9)", "[.9,1]"}[k], bn[k],
                       bp[k] / bn[k], by[k] / bn[k]);
    }
    return 0;
}

/* Whether a business rule (BIZ_*) fired on the page. */
static int biz_fired(const fg_scores *s)
{
    for (int q = 0; q < s->n; q++)
        if (!strncmp(s->v[q].name, "BIZ_", 4) && s->v[q].weight != 0)
            return 1;
    return 0;
}

void lrcv_figures(const item *v, size_t n, int grp, bool list, double hold, double drop)
{
    static const char *const what[] = {"(a) plain n-gram LR", "(b) joint: n-grams + rules as features",
                                       "(b2) (a) + c x rules, c by CV", "(c) ships, at its own 0-FP threshold",
                                       "(c) ships: rules + BAYES_*, hold 5 drop 10",
                                       "(a) or (c): held when either flags"};
    tally t[NZ + 2] = {{0}};

    for (size_t i = 0; i < n; i++) {
        const view *te = lrcv_test_view(&v[i]);

        if (group(&v[i]) != grp)
            continue;
        for (int m = 0; m < NZ; m++) {
            bool flag = v[i].z[m] > v[i].t[m];

            /* (b) drops when sure (its own threshold) and the rules alone reach hold; (b2) when it
               flags and the rules reach hold; (c) as the policy does */
            tally_one(&t[m], &v[i], flag,
                      m == M_SHIPS0  ? flag && v[i].ships_rules >= drop
                      : m == M_JOINT ? v[i].z[m] > v[i].sure && te->rules >= hold
                                     : m == M_SUM && flag && te->rules >= hold);
        }
        tally_one(&t[NZ], &v[i], v[i].ships >= hold, v[i].ships >= drop && v[i].ships_rules >= drop);
        /* what (a) would add beside what ships: it holds, the policy's drop stays the rules' */
        tally_one(&t[NZ + 1], &v[i], v[i].ships >= hold || v[i].z[M_PLAIN] > v[i].t[M_PLAIN],
                  v[i].ships >= drop && v[i].ships_rules >= drop);
        if (list)
            printf("%-6s %-5s %-50s fold %2d rules %5.1f a %7.3f (> %6.3f) b %7.3f (> %6.3f) b2 %7.3f (> %6.3f) "
                   "c %5.1f (> %5.1f) crules %5.1f sure %7.3f biz %d\n",
                   v[i].ext ? "extern" : v[i].report ? "report" : v[i].funsd ? "funsd" : "tune",
                   v[i].is_ad ? "ad" : "legit", v[i].name, v[i].fold, te->rules, v[i].z[0], v[i].t[0], v[i].z[1],
                   v[i].t[1], v[i].z[2], v[i].t[2], v[i].ships, v[i].t[3], v[i].ships_rules, v[i].sure,
                   biz_fired(&te->s));
    }
    for (int m = 0; m <= NZ + 1; m++)
        print_tally(what[m], t[m]);
    printf("  AUC (a) %.4f  (b) %.4f  (b2) %.4f  (c) %.4f\n", auc(v, n, grp, M_PLAIN), auc(v, n, grp, M_JOINT),
           auc(v, n, grp, M_SUM), auc(v, n, grp, M_SHIPS0));
}
