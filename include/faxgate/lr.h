/* faxgate — lr: logistic regression over a page's n-grams, alone or with the named rules as
 * features, for measuring a learned combination against what ships (tools/lrcv).
 *
 * A page becomes a sparse vector: hashed word 1–2-grams and character 3–5-grams of its folded
 * text (digits read as 0, log term frequency, l2-normalised), and, as named features, the weight
 * of every rule that fired (AD_*, BIZ_*) and the identity facts of the tokenizer (tel:tollfree,
 * opt:yes, cta:fax …), each scaled. L2-regularised logistic regression by SGD gives a logit; Platt
 * scaling fitted on cross-validated logits turns it into a probability that means what it says.
 * The gateway carries one such model, trained at build time on the tune split (tools/mklr): it can
 * hold a page the rules found doubtful, and drop one only when the named rules alone reach
 * [classify] model_drop and the model is sure (docs/learning.md, "The learned model").
 */
#ifndef FAXGATE_LR_H
#define FAXGATE_LR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "faxgate/classify.h"
#include "faxgate/error.h"
#include "faxgate/extract.h"
#include "faxgate/ocr.h"

#define FG_LR_BITS_MAX 20
#define FG_LR_NAMED_MAX 128        /* named features of one page (rules and identity facts) */
#define FG_LR_NAME_LEN 32

/* Which features a page gets, and how the named ones are scaled against the l2-normalised n-grams. */
typedef struct fg_lr_featopts {
    int bits;                      /* 2^bits buckets for the n-grams */
    bool ngrams;                   /* hashed word and character n-grams */
    double rule_scale;             /* AD_* / BIZ_* weight x this (0: no rule features) */
    double fact_scale;             /* each identity fact: this (0: none) */
} fg_lr_featopts;

/** The n-grams alone (the plain model), 2^16 buckets (chosen by tools/lrcv on tune, docs/learning.md). */
fg_lr_featopts fg_lr_featopts_default(void);

/* One page's features: hashed part sorted by index, named part in the order found. */
typedef struct fg_lr_feats {
    uint32_t *idx;
    float *val;
    size_t n, cap;
    size_t nnamed;
    char name[FG_LR_NAMED_MAX][FG_LR_NAME_LEN];
    float nval[FG_LR_NAMED_MAX];
} fg_lr_feats;

/** Fills f (reset first) with the features of page 1 as o says: n-grams of w hashed into 2^bits
    buckets, and the scores' AD_ and BIZ_ weights and id's facts by name (rules, id may be NULL). */
fg_err fg_lr_features(const fg_words *w, const fg_ident *id, const fg_scores *rules, const fg_lr_featopts *o,
                      fg_lr_feats *f);

/** Frees what fg_lr_features allocated (f itself is the caller's); NULL is accepted. */
void fg_lr_feats_clear(fg_lr_feats *f);

/** The bucket of an n-gram (FNV-1a of kind and bytes, masked to bits): exposed for the tests. */
uint32_t fg_lr_hash(char kind, const char *s, size_t n, int bits);

/* ---- training (the build tool, cross-validation, tests) ---- */

typedef struct fg_lr_opts {
    double lambda;                 /* L2 strength per example */
    double eta0;                   /* SGD rate at t = 0; eta_t = eta0 / (1 + lambda eta0 t) */
    int epochs;
    uint64_t seed;                 /* order of the examples in each epoch */
} fg_lr_opts;

/** The options chosen by cross-validation on the tune split (docs/learning.md). */
fg_lr_opts fg_lr_opts_default(void);

/* A trained model's parameters: weights over 2^bits hashed buckets plus dim_named named ones. */
typedef struct fg_lr_weights {
    int bits;
    size_t dim_named;
    double *w;                     /* [(1 << bits) + dim_named] */
    double bias;
} fg_lr_weights;

/** Trains L2 logistic regression by SGD on n pages x[i] with labels y[i] (1 ad, 0 business);
    named[i] gives, per named feature of x[i], its index among dim_named (or -1: unknown, skipped).
    Deterministic for one seed. */
fg_err fg_lr_train(const fg_lr_feats *x, const int *const *named, const int *y, size_t n, int bits,
                   size_t dim_named, const fg_lr_opts *o, fg_lr_weights *out);

/** The logit of page x under trained weights (named: its named features' indices, as for train). */
double fg_lr_weights_logit(const fg_lr_weights *wt, const fg_lr_feats *x, const int *named);

/** Frees trained weights; NULL is accepted. */
void fg_lr_weights_clear(fg_lr_weights *wt);

/** Fits Platt scaling p = 1/(1+exp(-(a z + b))) to scores z[i] with labels y[i] (Platt's smoothed
    targets, Newton's method). */
fg_err fg_lr_platt(const double *z, const int *y, size_t n, double *a, double *b);

/* ---- the model the gateway carries (tools/mklr writes it at build time) ---- */

typedef struct fg_lr_model {
    int bits;
    const float *w;                /* [1 << bits] */
    double bias;
    size_t nnamed;
    const char *const *names;      /* the named features it learned (rules, identity facts) */
    const float *wnamed;
    double rule_scale, fact_scale; /* as fg_lr_featopts */
    double hold_logit;             /* above every business fax's out-of-fold logit in training */
    double sure_logit;             /* ... and every one whose rules alone reached hold (>= hold_logit) */
    double platt_a, platt_b;       /* p = 1 / (1 + exp(-(a z + b))) */
    const char *about;             /* what it was trained on, for people */
} fg_lr_model;

/** The model linked into the program (generated $(BUILD)/gen/lr_model.c), or NULL. */
const fg_lr_model *fg_lr_builtin(void);

/** Page 1's logit and calibrated probability under m, from its words, identity and the rules'
    scores (only AD_* and BIZ_* are read: the model never sees the learned scores). */
fg_err fg_lr_model_score(const fg_lr_model *m, const fg_words *w, const fg_ident *id, const fg_scores *rules,
                         double *logit, double *prob);

#endif
