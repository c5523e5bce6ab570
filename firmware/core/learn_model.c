/* faxgate — learn: in-memory models, for the build tool that writes the starter model and for
 * cross-validation (train on k-1 folds, score the last, without a store).
 */
#include <stdlib.h>
#include <string.h>

#include "faxgate/learn.h"

typedef struct entry {
    char token[FG_LEARN_TOKEN_LEN];
    uint32_t ad, legit;
} entry;

struct fg_learn_builder {
    entry *e;
    size_t n, cap;
    uint32_t *idx;              /* open addressing: entry index + 1, 0 = empty */
    size_t slots;
    fg_learn_count *sorted;     /* the model's view, rebuilt by fg_learn_builder_model */
    fg_learn_model model;
};

static uint32_t hash(const char *s)
{
    uint32_t h = 2166136261u;

    while (*s)
        h = (h ^ (unsigned char)*s++) * 16777619u;
    return h;
}

static fg_err grow_index(fg_learn_builder *b)
{
    size_t slots = b->slots ? b->slots * 2 : 4096;
    uint32_t *idx = calloc(slots, sizeof *idx);

    if (!idx)
        return fg_err_set(FG_ERR_NOMEM, "cannot grow the model's index");
    for (size_t i = 0; i < b->n; i++) {
        size_t h = hash(b->e[i].token) & (slots - 1);

        while (idx[h])
            h = (h + 1) & (slots - 1);
        idx[h] = (uint32_t)i + 1;
    }
    free(b->idx);
    b->idx = idx;
    b->slots = slots;
    return FG_OK;
}

fg_err fg_learn_builder_new(fg_learn_builder **out)
{
    fg_learn_builder *b = calloc(1, sizeof *b);
    fg_err e;

    if (!out)
        return fg_err_set(FG_ERR_INVAL, "fg_learn_builder_new: no output");
    *out = NULL;
    if (!b)
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate a model");
    if ((e = grow_index(b))) {
        free(b);
        return e;
    }
    *out = b;
    return FG_OK;
}

static entry *lookup(fg_learn_builder *b, const char *tok)
{
    size_t h;

    if (2 * (b->n + 1) > b->slots && grow_index(b))
        return NULL;
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 1024;
        entry *ne = realloc(b->e, cap * sizeof *ne);

        if (!ne)
            return NULL;
        b->e = ne;
        b->cap = cap;
    }
    for (h = hash(tok) & (b->slots - 1); b->idx[h]; h = (h + 1) & (b->slots - 1))
        if (!strcmp(b->e[b->idx[h] - 1].token, tok))
            return &b->e[b->idx[h] - 1];
    memset(&b->e[b->n], 0, sizeof b->e[0]);
    memcpy(b->e[b->n].token, tok, strnlen(tok, FG_LEARN_TOKEN_LEN - 1));
    b->idx[h] = (uint32_t)++b->n;
    return &b->e[b->n - 1];
}

fg_err fg_learn_builder_add(fg_learn_builder *b, const fg_tokens *t, bool is_ad)
{
    if (!b || !t)
        return fg_err_set(FG_ERR_INVAL, "fg_learn_builder_add: no model or tokens");
    for (size_t i = 0; i < t->n; i++) {
        entry *e = lookup(b, t->v[i]);

        if (!e)
            return fg_err_set(FG_ERR_NOMEM, "cannot grow the model");
        if (is_ad)
            e->ad++;
        else
            e->legit++;
    }
    if (is_ad)
        b->model.n_ad++;
    else
        b->model.n_legit++;
    return FG_OK;
}

static int cmp_count(const void *a, const void *b)
{
    return strcmp(((const fg_learn_count *)a)->token, ((const fg_learn_count *)b)->token);
}

const fg_learn_model *fg_learn_builder_model(fg_learn_builder *b)
{
    fg_learn_count *v;

    if (!b)
        return NULL;
    if (!(v = realloc(b->sorted, (b->n ? b->n : 1) * sizeof *v)))
        return NULL;
    b->sorted = v;
    for (size_t i = 0; i < b->n; i++)
        v[i] = (fg_learn_count){b->e[i].token, b->e[i].ad, b->e[i].legit};
    qsort(v, b->n, sizeof *v, cmp_count);
    b->model.n = b->n;
    b->model.v = v;
    b->model.source = "in memory";
    return &b->model;
}

void fg_learn_builder_free(fg_learn_builder *b)
{
    if (!b)
        return;
    free(b->e);
    free(b->idx);
    free(b->sorted);
    free(b);
}
