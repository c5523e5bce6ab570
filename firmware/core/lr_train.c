/* faxgate — lr: training the learned combination (lr.h), for the build tool, cross-validation and
 * the tests; the gateway only scores.
 *
 * L2-regularised logistic regression by stochastic gradient descent as Bottou describes it ("Stochastic
 * Gradient Descent Tricks", 2012): rate eta_t = eta0 / (1 + lambda eta0 t), the weight decay of
 * every step kept as one scale factor so that a step costs only the page's nonzero features, the
 * examples in a fresh order each epoch from a seeded generator (so one seed, one model). The bias is
 * not regularised. Platt scaling is fitted by Newton's method on the two parameters, with Platt's
 * smoothed targets, as in Lin, Lin and Weng's note on Platt's probabilistic outputs (2007).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "faxgate/lr.h"

fg_lr_opts fg_lr_opts_default(void)
{
    /* Chosen by 5-fold cross-validation on the tune split (tools/lrcv, docs/learning.md). */
    return (fg_lr_opts){.lambda = 3e-6, .eta0 = 0.5, .epochs = 30, .seed = 20261207};
}

static uint64_t next(uint64_t *s)
{
    /* splitmix64 */
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static double dot(const double *w, size_t hashed, const fg_lr_feats *x, const int *named)
{
    double z = 0;

    for (size_t k = 0; k < x->n; k++)
        z += w[x->idx[k]] * x->val[k];
    for (size_t k = 0; named && k < x->nnamed; k++)
        if (named[k] >= 0)
            z += w[hashed + (size_t)named[k]] * x->nval[k];
    return z;
}

static double sigmoid(double z)
{
    return z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z));
}

fg_err fg_lr_train(const fg_lr_feats *x, const int *const *named, const int *y, size_t n, int bits,
                   size_t dim_named, const fg_lr_opts *o, fg_lr_weights *out)
{
    fg_lr_opts dflt = fg_lr_opts_default();
    size_t hashed, dim, *order;
    double *v, scale = 1, t = 0;
    uint64_t seed;

    if (!x || !y || !out || !n || bits < 1 || bits > FG_LR_BITS_MAX)
        return fg_err_set(FG_ERR_INVAL, "fg_lr_train: no examples, no output or bits out of range");
    if (!o)
        o = &dflt;
    memset(out, 0, sizeof *out);
    hashed = (size_t)1 << bits;
    dim = hashed + dim_named;
    v = calloc(dim, sizeof *v);
    order = malloc(n * sizeof *order);
    if (!v || !order) {
        free(v);
        free(order);
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate %zu weights", dim);
    }
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    seed = o->seed;
    for (int ep = 0; ep < o->epochs; ep++) {
        for (size_t i = n - 1; i > 0; i--) {   /* Fisher–Yates */
            size_t j = (size_t)(next(&seed) % (i + 1)), tmp = order[i];

            order[i] = order[j];
            order[j] = tmp;
        }
        for (size_t r = 0; r < n; r++) {
            size_t i = order[r];
            const int *nm = named ? named[i] : NULL;
            double eta = o->eta0 / (1 + o->lambda * o->eta0 * t);
            double z = scale * dot(v, hashed, &x[i], nm) + out->bias;
            double g = (y[i] ? 1.0 : 0.0) - sigmoid(z);   /* minus the loss's derivative in z */

            scale *= 1 - eta * o->lambda;
            for (size_t k = 0; k < x[i].n; k++)
                v[x[i].idx[k]] += eta * g * x[i].val[k] / scale;
            for (size_t k = 0; nm && k < x[i].nnamed; k++)
                if (nm[k] >= 0)
                    v[hashed + (size_t)nm[k]] += eta * g * x[i].nval[k] / scale;
            out->bias += eta * g;
            t++;
            if (scale < 1e-9) {   /* fold the scale in before it underflows */
                for (size_t k = 0; k < dim; k++)
                    v[k] *= scale;
                scale = 1;
            }
        }
    }
    for (size_t k = 0; k < dim; k++)
        v[k] *= scale;
    free(order);
    out->w = v;
    out->bits = bits;
    out->dim_named = dim_named;
    return FG_OK;
}

double fg_lr_weights_logit(const fg_lr_weights *wt, const fg_lr_feats *x, const int *named)
{
    if (!wt || !wt->w || !x)
        return 0;
    return dot(wt->w, (size_t)1 << wt->bits, x, named) + wt->bias;
}

void fg_lr_weights_clear(fg_lr_weights *wt)
{
    if (!wt)
        return;
    free(wt->w);
    memset(wt, 0, sizeof *wt);
}

fg_err fg_lr_platt(const double *z, const int *y, size_t n, double *a_out, double *b_out)
{
    double pos = 0, neg = 0, hi, lo, a = 0, b, f = 0;

    if (!z || !y || !n || !a_out || !b_out)
        return fg_err_set(FG_ERR_INVAL, "fg_lr_platt: no scores");
    for (size_t i = 0; i < n; i++)
        y[i] ? pos++ : neg++;
    hi = (pos + 1) / (pos + 2);
    lo = 1 / (neg + 2);
    b = log((neg + 1) / (pos + 1));
    /* Platt's form: p = 1 / (1 + exp(A z + B)); here a = -A, b = -B. Minimise the cross-entropy
       F(A, B) against the smoothed targets. */
    b = -b;
    for (size_t i = 0; i < n; i++) {
        double t = y[i] ? hi : lo, fz = a * z[i] + b;

        f += fz >= 0 ? (1 - t) * fz + log1p(exp(-fz)) : -t * fz + log1p(exp(fz));
    }
    for (int it = 0; it < 100; it++) {
        double h11 = 1e-12, h22 = 1e-12, h21 = 0, g1 = 0, g2 = 0, det, da, db, step = 1, gd;

        for (size_t i = 0; i < n; i++) {
            double p = sigmoid(a * z[i] + b), t = y[i] ? hi : lo, d2 = p * (1 - p), d1 = p - t;

            h11 += z[i] * z[i] * d2;
            h22 += d2;
            h21 += z[i] * d2;
            g1 += z[i] * d1;
            g2 += d1;
        }
        if (fabs(g1) < 1e-9 && fabs(g2) < 1e-9)
            break;
        det = h11 * h22 - h21 * h21;
        if (det <= 0)
            break;
        da = -(h22 * g1 - h21 * g2) / det;
        db = -(-h21 * g1 + h11 * g2) / det;
        gd = g1 * da + g2 * db;
        while (step >= 1e-10) {   /* backtracking line search on F */
            double na = a + step * da, nb = b + step * db, nf = 0;

            for (size_t i = 0; i < n; i++) {
                double t = y[i] ? hi : lo, fz = na * z[i] + nb;

                nf += fz >= 0 ? (1 - t) * fz + log1p(exp(-fz)) : -t * fz + log1p(exp(fz));
            }
            if (nf < f + 1e-4 * step * gd) {
                a = na;
                b = nb;
                f = nf;
                break;
            }
            step /= 2;
        }
        if (step < 1e-10)
            break;
    }
    *a_out = a;
    *b_out = b;
    return FG_OK;
}
