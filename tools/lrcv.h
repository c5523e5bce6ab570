/* faxgate tools — lrcv's pages and the figures printed from them (lrcv.c, lrcv_figures.c). */
#ifndef FAXGATE_TOOLS_LRCV_H
#define FAXGATE_TOOLS_LRCV_H

#include <stdbool.h>
#include <stddef.h>

#include "faxgate/faxgate.h"
#include "faxgate/learn.h"
#include "faxgate/lr.h"

enum { M_PLAIN, M_JOINT, M_SUM, M_SHIPS0, NZ };

/* One text of a page, judged: features, tokens, the rules' scores. */
typedef struct view {
    fg_lr_feats x;
    int *named;             /* x's named features as dictionary indices */
    fg_tokens *tok;         /* for BAYES_* */
    fg_scores s;            /* the rules' scores */
    fg_ident id;
    double rules;           /* their total */
} view;

typedef struct item {
    const char *name;
    bool is_ad, funsd, report, ext;   /* ext: --extern, a report item counted apart */
    const char *campaign;
    int fold;
    view clean, ocr;
    bool has_ocr;
    double z[NZ], t[NZ];    /* each method's score (out of fold, or the report model's) and threshold */
    double sure;            /* (b)'s threshold for "sure": no business fax with the rules at hold above it */
    double zin;             /* (a)'s logit from an inner fold: what (b2) chooses c on */
    double ships, ships_rules; /* (c): the total with BAYES_*, and without the learned share */
    double ships_in;        /* (c)'s total from an inner fold */
} item;

/* The text a page is scored on: what OCR read when there is such a text, else the clean text. */
static inline const view *lrcv_test_view(const item *it)
{
    return it->has_ocr ? &it->ocr : &it->clean;
}

/* Each method's flagged and dropped pages, and its AUC, over the pages of group grp (0 tune out
   of fold, 1 report, 2 --extern), what ships judged at the policy's hold and drop; list: one line
   per page. */
void lrcv_figures(const item *v, size_t n, int grp, bool list, double hold, double drop);
/* Platt scaling of method m's out-of-fold logits and how well they read as probabilities. */
int lrcv_calibration(const item *v, size_t n, int m, const char *what);

#endif
