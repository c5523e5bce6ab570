/* faxgate — lr: a page as features for the learned combination (lr.h).
 *
 * The text is folded as the rules read it (ASCII lower case, accents stripped) and cut into runs of
 * letters and digits; every digit reads as 0, because numbers change from fax to fax and their shape
 * ("0-000-000-0000", "00,00") is what repeats. Word 1- and 2-grams and character 3- to 5-grams of
 * " run run … " (a space marks each word's edges) are hashed into 2^bits buckets; a bucket's value
 * is 1 + ln(count), and the vector is l2-normalised so that a long page does not outweigh a short
 * one. Character n-grams survive OCR's broken words and three languages' inflections that word
 * lists would need a stemmer for. The named features are the rules' weights and the identity facts,
 * so the model learns how much each rule is worth beside the words.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract_impl.h"
#include "faxgate/learn.h"
#include "faxgate/lr.h"

/* A page's text beyond this many bytes adds nothing a fax's first page needs. */
#define TEXT_CAP 16384

uint32_t fg_lr_hash(char kind, const char *s, size_t n, int bits)
{
    uint32_t h = 2166136261u;

    h = (h ^ (unsigned char)kind) * 16777619u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    /* FNV's low bits mix poorly for short keys: fold the high half in before masking */
    h ^= h >> 16;
    h *= 0x7feb352du;
    h ^= h >> 15;
    return h & ((1u << bits) - 1);
}

static fg_err push(fg_lr_feats *f, uint32_t idx)
{
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 4096;
        uint32_t *ni = realloc(f->idx, cap * sizeof *ni);
        float *nv;

        if (!ni)
            return fg_err_set(FG_ERR_NOMEM, "cannot grow a page's features");
        f->idx = ni;
        if (!(nv = realloc(f->val, cap * sizeof *nv)))
            return fg_err_set(FG_ERR_NOMEM, "cannot grow a page's features");
        f->val = nv;
        f->cap = cap;
    }
    f->idx[f->n++] = idx;
    return FG_OK;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return x < y ? -1 : x > y;
}

/* Sorted indices with repeats -> distinct indices with 1 + ln(count), l2-normalised. */
static void weigh(fg_lr_feats *f)
{
    size_t o = 0;
    double norm = 0;

    if (f->n == 0)
        return;   /* no words (a blank page): qsort must not be given the NULL of an empty list */
    qsort(f->idx, f->n, sizeof *f->idx, cmp_u32);
    for (size_t i = 0; i < f->n;) {
        size_t j = i;

        while (j < f->n && f->idx[j] == f->idx[i])
            j++;
        f->idx[o] = f->idx[i];
        f->val[o] = (float)(1.0 + log((double)(j - i)));
        norm += (double)f->val[o] * f->val[o];
        o++;
        i = j;
    }
    f->n = o;
    norm = sqrt(norm);
    for (size_t i = 0; norm > 0 && i < f->n; i++)
        f->val[i] = (float)(f->val[i] / norm);
}

/* " run run run " of the folded text: letters and digits (as 0), one space between runs. */
static size_t runs_of(const fg_words *w, char *out, size_t cap)
{
    size_t len = w->text ? strlen(w->text) : 0, n, o = 0;
    char *fold;

    if (len > TEXT_CAP)
        len = TEXT_CAP;
    if (!(fold = malloc(len + 1)))
        return 0;
    n = fg_text_fold(w->text ? w->text : "", len, fold);
    out[o++] = ' ';
    for (size_t i = 0; i < n && o + 2 < cap; i++) {
        char c = fold[i];

        if (c >= '0' && c <= '9')
            out[o++] = '0';
        else if (c >= 'a' && c <= 'z')
            out[o++] = c;
        else if (out[o - 1] != ' ')
            out[o++] = ' ';
    }
    if (out[o - 1] != ' ')
        out[o++] = ' ';
    out[o] = '\0';
    free(fold);
    return o;
}

static fg_err ngrams(const fg_words *w, int bits, fg_lr_feats *f)
{
    char *s = malloc(TEXT_CAP + 4);
    size_t n, prev = 0, prev_len = 0;
    fg_err e = FG_OK;

    if (!s)
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate a page's text");
    n = runs_of(w, s, TEXT_CAP + 4);
    for (size_t len = 3; len <= 5 && !e; len++)
        for (size_t i = 0; i + len <= n && !e; i++)
            e = push(f, fg_lr_hash((char)('0' + len), s + i, len, bits));
    /* words: s[a, b) between spaces; a bigram is both words with their space */
    for (size_t a = 1; a < n && !e;) {
        size_t b = a;

        while (b < n && s[b] != ' ')
            b++;
        if (b > a) {
            e = push(f, fg_lr_hash('w', s + a, b - a, bits));
            if (!e && prev_len)
                e = push(f, fg_lr_hash('b', s + prev, b - prev, bits));
            prev = a;
            prev_len = b - a;
        }
        a = b + 1;
    }
    free(s);
    if (!e)
        weigh(f);
    return e;
}

static void named(fg_lr_feats *f, const char *name, double v)
{
    for (size_t i = 0; i < f->nnamed; i++)
        if (!strcmp(f->name[i], name)) {
            f->nval[i] += (float)v;
            return;
        }
    if (f->nnamed < FG_LR_NAMED_MAX) {
        snprintf(f->name[f->nnamed], FG_LR_NAME_LEN, "%s", name);
        f->nval[f->nnamed++] = (float)v;
    }
}

/* The identity facts of the tokenizer (learn_tokens.c), not its words: they say what kind of
   numbers, notice and header the page has, which n-grams of the text cannot. */
static bool fact_token(const char *t)
{
    static const char *const kinds[] = {"tel:", "cta:", "opt:", "hdr:", "adv:", "lang:", "tld:"};

    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
        if (!strncmp(t, kinds[i], strlen(kinds[i])))
            return true;
    return false;
}

static fg_err facts(const fg_words *w, const fg_ident *id, double scale, fg_lr_feats *f)
{
    fg_tokens *t = NULL;
    fg_err e;

    if ((e = fg_learn_tokens(w, id, NULL, &t)))
        return e;
    for (size_t i = 0; i < t->n; i++)
        if (fact_token(t->v[i]))
            named(f, t->v[i], scale);
    fg_tokens_free(t);
    return FG_OK;
}

fg_lr_featopts fg_lr_featopts_default(void)
{
    return (fg_lr_featopts){.bits = 16, .ngrams = true, .rule_scale = 0, .fact_scale = 0};
}

fg_err fg_lr_features(const fg_words *w, const fg_ident *id, const fg_scores *rules, const fg_lr_featopts *o,
                      fg_lr_feats *f)
{
    fg_lr_featopts dflt = fg_lr_featopts_default();
    fg_err e = FG_OK;

    if (!o)
        o = &dflt;
    if (!w || !f || o->bits < 8 || o->bits > FG_LR_BITS_MAX)
        return fg_err_set(FG_ERR_INVAL, "fg_lr_features: no words, no output or bits out of 8..%d", FG_LR_BITS_MAX);
    f->n = 0;
    f->nnamed = 0;
    if (o->ngrams)
        e = ngrams(w, o->bits, f);
    for (int i = 0; !e && o->rule_scale != 0 && rules && i < rules->n; i++)
        if (!strncmp(rules->v[i].name, "AD_", 3) || !strncmp(rules->v[i].name, "BIZ_", 4))
            named(f, rules->v[i].name, rules->v[i].weight * o->rule_scale);
    if (!e && o->fact_scale != 0 && id)
        e = facts(w, id, o->fact_scale, f);
    return e;
}

void fg_lr_feats_clear(fg_lr_feats *f)
{
    if (!f)
        return;
    free(f->idx);
    free(f->val);
    f->idx = NULL;
    f->val = NULL;
    f->n = f->cap = f->nnamed = 0;
}
