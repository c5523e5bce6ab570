/* faxgate — lr: the hashing and features of a page, the SGD optimiser (a separable set is learned,
 * the same seed gives the same weights) and Platt scaling (known parameters are found again, a
 * separable set stays finite). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faxgate/faxgate.h"
#include "faxgate/lr.h"
#include "testutil.h"

/* A US page judged as the gateway does (words, identity, rules), then its features (f) or its
   score under model m. */
static void page_of(const char *text, const fg_lr_featopts *o, fg_lr_feats *f, const fg_lr_model *m, double *z,
                    double *p)
{
    fg_words *w = NULL;
    fg_ident id = {0};
    fg_scores s;

    assert_int_equal(fg_words_from_text(text, strlen(text), &w), FG_OK);
    assert_int_equal(fg_extract(w, "US", &id), FG_OK);
    assert_int_equal(fg_classify(w, &id, NULL, &s), FG_OK);
    if (f) {
        memset(f, 0, sizeof *f);
        assert_int_equal(fg_lr_features(w, &id, &s, o, f), FG_OK);
    } else {
        assert_int_equal(fg_lr_model_score(m, w, &id, &s, z, p), FG_OK);
    }
    fg_ident_clear(&id);
    fg_words_free(w);
}

static void features_of(const char *text, const fg_lr_featopts *o, fg_lr_feats *f)
{
    page_of(text, o, f, NULL, NULL, NULL);
}

static void test_hash(void **state)
{
    (void)state;
    for (int bits = 8; bits <= FG_LR_BITS_MAX; bits++)
        for (int i = 0; i < 200; i++) {
            char s[16];
            int n = snprintf(s, sizeof s, "k%d", i);

            assert_true(fg_lr_hash('w', s, (size_t)n, bits) < (1u << bits));
            assert_int_equal(fg_lr_hash('w', s, (size_t)n, bits), fg_lr_hash('w', s, (size_t)n, bits));
        }
    /* the kind is part of the key: a word and a bigram of the same bytes land apart (at 2^18) */
    assert_int_not_equal(fg_lr_hash('w', "offer", 5, 18), fg_lr_hash('b', "offer", 5, 18));
    /* 1000 keys over 2^18 buckets: a handful of collisions at most, as for a uniform hash */
    {
        uint32_t seen[1000];
        int coll = 0;

        for (int i = 0; i < 1000; i++) {
            char s[16];
            int n = snprintf(s, sizeof s, "gram%d", i);

            seen[i] = fg_lr_hash('3', s, (size_t)n, 18);
            for (int j = 0; j < i; j++)
                coll += seen[j] == seen[i];
        }
        assert_true(coll <= 8);
    }
}

static void test_features(void **state)
{
    fg_lr_featopts o = fg_lr_featopts_default();
    fg_lr_feats a, b, c;
    double norm = 0;

    (void)state;
    /* digits read as 0, case and accents folded: the same page with other numbers is the same page */
    features_of("CALL 1-800-555-0199 NOW for the Crème offer!", &o, &a);
    features_of("call 1-888-123-4567 now for the creme offer", &o, &b);
    assert_true(a.n > 50);
    assert_int_equal(a.n, b.n);
    assert_memory_equal(a.idx, b.idx, a.n * sizeof *a.idx);
    for (size_t i = 0; i < a.n; i++) {
        assert_true(fabs(a.val[i] - b.val[i]) < 1e-6);
        if (i)
            assert_true(a.idx[i - 1] < a.idx[i]);   /* sorted, distinct */
        norm += (double)a.val[i] * a.val[i];
    }
    assert_true(fabs(norm - 1) < 1e-5);             /* l2-normalised */
    assert_int_equal(a.nnamed, 0);                  /* the plain model has no named features */

    /* with rules and facts: each AD_/BIZ_ weight scaled, and the identity facts */
    o.rule_scale = 0.5;
    o.fact_scale = 0.25;
    features_of("FREE toner! Call 1-800-555-0199 now. To opt out of future faxes call 1-800-555-0100.", &o, &c);
    {
        bool optout = false, fact = false;

        for (size_t i = 0; i < c.nnamed; i++) {
            if (!strcmp(c.name[i], "AD_OPTOUT_NOTICE"))
                optout = c.nval[i] > 1.0f;   /* 3.0 or more x 0.5 */
            if (!strncmp(c.name[i], "opt:", 4))
                fact = fabsf(c.nval[i] - 0.25f) < 1e-6f;
            assert_true(strncmp(c.name[i], "BAYES_", 6));
        }
        assert_true(optout);
        assert_true(fact);
    }
    fg_lr_feats_clear(&a);
    fg_lr_feats_clear(&b);
    fg_lr_feats_clear(&c);
    fg_lr_feats_clear(NULL);
    assert_int_not_equal(fg_lr_features(NULL, NULL, NULL, &o, &a), FG_OK);
}

/* A separable toy set over 2^8 buckets: ads carry bucket 7, business faxes bucket 9, every page
   also some of buckets 20..40 at random (noise); half of them are named-feature-only pages. */
#define TOY 60
static void toy(fg_lr_feats *x, int *y, int *const *named)
{
    uint64_t r = 12345;

    for (int i = 0; i < TOY; i++) {
        fg_lr_feats *f = &x[i];

        memset(f, 0, sizeof *f);
        y[i] = i % 2;
        f->idx = calloc(8, sizeof *f->idx);
        f->val = calloc(8, sizeof *f->val);
        f->idx[f->n] = y[i] ? 7 : 9;
        f->val[f->n++] = 1.0f;
        for (int k = 0; k < 3; k++) {
            r = r * 6364136223846793005ull + 1442695040888963407ull;
            uint32_t b = 20 + (uint32_t)(r >> 33) % 20;

            if (b > f->idx[f->n - 1]) {
                f->idx[f->n] = b;
                f->val[f->n++] = 0.5f;
            }
        }
        f->nnamed = 1;
        f->nval[0] = y[i] ? 0.3f : -0.3f;
        named[i][0] = 0;
    }
}

static void test_train_separable(void **state)
{
    fg_lr_feats x[TOY];
    int y[TOY], nm_store[TOY][1], *nm[TOY];
    fg_lr_opts o = fg_lr_opts_default();
    fg_lr_weights w1, w2, w3;

    (void)state;
    for (int i = 0; i < TOY; i++)
        nm[i] = nm_store[i];
    toy(x, y, nm);
    o.lambda = 1e-4;
    o.epochs = 50;
    assert_int_equal(fg_lr_train(x, (const int *const *)nm, y, TOY, 8, 1, &o, &w1), FG_OK);
    for (int i = 0; i < TOY; i++) {
        double z = fg_lr_weights_logit(&w1, &x[i], nm[i]);

        if (y[i])
            assert_true(z > 2);
        else
            assert_true(z < -2);
    }
    assert_true(w1.w[7] > 0 && w1.w[9] < 0 && w1.w[256] > 0);   /* 256: the named feature */
    /* deterministic: the same seed, the same weights to the bit */
    assert_int_equal(fg_lr_train(x, (const int *const *)nm, y, TOY, 8, 1, &o, &w2), FG_OK);
    assert_memory_equal(w1.w, w2.w, (256 + 1) * sizeof *w1.w);
    assert_true(w1.bias == w2.bias);
    /* another seed visits the pages in another order: other weights, the same separation */
    o.seed++;
    assert_int_equal(fg_lr_train(x, (const int *const *)nm, y, TOY, 8, 1, &o, &w3), FG_OK);
    assert_true(memcmp(w1.w, w3.w, (256 + 1) * sizeof *w1.w) != 0);
    for (int i = 0; i < TOY; i++)
        assert_true((fg_lr_weights_logit(&w3, &x[i], nm[i]) > 0) == (y[i] == 1));
    fg_lr_weights_clear(&w1);
    fg_lr_weights_clear(&w2);
    fg_lr_weights_clear(&w3);
    fg_lr_weights_clear(NULL);
    for (int i = 0; i < TOY; i++)
        fg_lr_feats_clear(&x[i]);
    assert_int_not_equal(fg_lr_train(NULL, NULL, y, 0, 8, 0, &o, &w1), FG_OK);
}

/* Labels drawn to follow p = 1/(1+exp(-(2z - 1))) exactly in expectation: Platt finds a ≈ 2, b ≈ -1. */
static void test_platt(void **state)
{
    enum { PER = 400, STEPS = 41 };
    static double z[PER * STEPS];
    static int y[PER * STEPS];
    size_t n = 0;
    double a, b;

    (void)state;
    for (int s = 0; s < STEPS; s++) {
        double zz = -4 + 0.2 * s, p = 1 / (1 + exp(-(2 * zz - 1)));
        int pos = (int)lround(p * PER);

        for (int k = 0; k < PER; k++, n++) {
            z[n] = zz;
            y[n] = k < pos;
        }
    }
    assert_int_equal(fg_lr_platt(z, y, n, &a, &b), FG_OK);
    assert_true(fabs(a - 2) < 0.05);
    assert_true(fabs(b + 1) < 0.05);

    /* separable scores: the smoothed targets keep the fit finite and ordered */
    for (size_t i = 0; i < 100; i++) {
        z[i] = i < 50 ? -3.0 - 0.01 * (double)i : 3.0 + 0.01 * (double)i;
        y[i] = i >= 50;
    }
    assert_int_equal(fg_lr_platt(z, y, 100, &a, &b), FG_OK);
    assert_true(isfinite(a) && isfinite(b) && a > 0 && a < 20);
    assert_true(1 / (1 + exp(-(a * 3 + b))) > 0.9);
    assert_true(1 / (1 + exp(-(a * 3 + b))) < 1 - 1e-9);
    assert_int_not_equal(fg_lr_platt(NULL, y, 0, &a, &b), FG_OK);
}

/* The model the programs carry (tools/mklr at build time): its lines in order, and on two pages it
   never saw an advertisement well above a business letter, probabilities that mean it. */
static void judge(const fg_lr_model *m, const char *text, double *z, double *p)
{
    page_of(text, NULL, NULL, m, z, p);
}

static void test_builtin(void **state)
{
    const fg_lr_model *m = fg_lr_builtin();
    double za, pa, zb, pb;

    (void)state;
    assert_non_null(m);
    assert_true(m->bits >= 8 && m->bits <= FG_LR_BITS_MAX && m->platt_a > 0);
    assert_true(m->sure_logit >= m->hold_logit);
    assert_non_null(strstr(m->about, "tune split"));
    judge(m, "WINTER BLOWOUT! Business cards 500 for only $9.95, FREE shipping this week only.\n"
             "Call toll free 1-888-555-0144 to order now! To be removed from our list call 1-888-555-0145.\n",
          &za, &pa);
    judge(m, "Dear Mr. Hollis,\nThank you for your letter of March 3 about the late delivery of the\n"
             "pumps. We have checked the shipping records and the pallets left our warehouse on\n"
             "February 27. I have asked the carrier for a trace and will write again on Friday.\n"
             "Yours sincerely,\nMargaret Ellison\nCustomer Service Manager\n",
          &zb, &pb);
    assert_true(za > m->hold_logit && pa > 0.9);
    assert_true(zb < m->hold_logit && pb < 0.5);
    assert_int_not_equal(fg_lr_model_score(NULL, NULL, NULL, NULL, &za, &pa), FG_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hash),
        cmocka_unit_test(test_features),
        cmocka_unit_test(test_train_separable),
        cmocka_unit_test(test_platt),
        cmocka_unit_test(test_builtin),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
