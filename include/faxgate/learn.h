/* faxgate — learn: token statistics (Robinson–Fisher, as bogofilter and SpamBayes do) learned
 * from the site's own decisions, beside the named rules.
 *
 * Page 1 becomes a set of tokens (folded words, number classes, web and e-mail domains, a few
 * facts of the identity); each token's ad/legit counts give Robinson's f(w), and Fisher's
 * chi-square combining of the most telling tokens gives a probability that the page is an
 * advertisement. Counts live in the site's store; the site learns per key (a call, a file), so
 * learning the same fax twice never counts twice and relabelling it moves its counts. A starter
 * model built from the project's labelled texts is used until the site has its own.
 * The result reaches the verdict only as a named score (BAYES_*), capped like every rule.
 */
#ifndef FAXGATE_LEARN_H
#define FAXGATE_LEARN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "faxgate/classify.h"
#include "faxgate/config.h"
#include "faxgate/error.h"
#include "faxgate/extract.h"
#include "faxgate/ocr.h"

typedef struct fg_store fg_store;

#define FG_LEARN_TOKENS_MAX 1024    /* distinct tokens kept per page; more are dropped (truncated) */
#define FG_LEARN_TOKEN_LEN 32       /* bytes of one token, NUL included */

/* The distinct tokens of one page, sorted (strcmp) so that equal pages give equal lists. */
typedef struct fg_tokens {
    size_t n;
    bool truncated;                 /* a cap cut the page */
    char v[FG_LEARN_TOKENS_MAX][FG_LEARN_TOKEN_LEN];
} fg_tokens;

/* Tokenizer choices (cross-validated on the tune split, see docs/learning.md). */
typedef struct fg_learn_tokopts {
    bool bigrams;                   /* also "w1+w2" for adjacent words */
    bool skip_header;               /* leave the transmit header line out (the sending machine wrote it) */
    int stem;                       /* also "~" + the first stem letters of longer words (0: off) */
} fg_learn_tokopts;

/** The product's tokenizer options. */
fg_learn_tokopts fg_learn_tokopts_default(void);

/** Tokens of page 1: words, number classes, hosts and identity facts; id may be NULL. */
fg_err fg_learn_tokens(const fg_words *w, const fg_ident *id, const fg_learn_tokopts *o, fg_tokens **out);

/** Tokens of a plain text as junk/release/train see it: words, then extraction with country. */
fg_err fg_learn_tokens_text(const char *text, size_t len, const char *country, fg_tokens **out);

/** Frees tokens; NULL is accepted. */
void fg_tokens_free(fg_tokens *t);

/* ---- combining ---- */

/* Robinson–Fisher parameters. */
typedef struct fg_learn_params {
    double s;                       /* strength of the prior x (Robinson's s) */
    double x;                       /* f(w) of a token never seen */
    double min_dev;                 /* tokens with |f(w) - 0.5| below this are ignored */
    int max_tokens;                 /* at most this many of the strongest tokens are combined */
    long min_messages;              /* of each class, before any probability is given */
} fg_learn_params;

/** The product's parameters. */
fg_learn_params fg_learn_params_default(void);

/* One token's counts: in how many learned ads and business faxes it occurred. */
typedef struct fg_learn_count {
    const char *token;
    uint32_t ad, legit;
} fg_learn_count;

/* A read-only model: totals and counts sorted by token (strcmp). The starter model is one. */
typedef struct fg_learn_model {
    uint32_t n_ad, n_legit;         /* messages learned */
    size_t n;
    const fg_learn_count *v;
    const char *source;             /* what it was trained on, for reports */
} fg_learn_model;

/** The starter model linked into this program, or NULL (build tools link without one). */
const fg_learn_model *fg_learn_starter(void);

#define FG_LEARN_CLUES 5            /* strongest tokens named in the detail */

typedef struct fg_learn_result {
    bool scored;                    /* enough training behind it to give a probability */
    double prob;                    /* 0 = business fax … 1 = advertisement; 0.5 if not scored */
    int used;                       /* tokens combined */
    int known, total;               /* of the page's tokens: seen in training at all; all */
    long n_ad, n_legit;             /* messages behind the counts */
    bool starter;                   /* the starter model's counts were included */
    char detail[128];               /* the strongest tokens, e.g. "toll 0.97, invoice 0.02" */
} fg_learn_result;

/** Probability of tokens under model m alone (tools and cross-validation). */
fg_err fg_learn_score_model(const fg_learn_model *m, const fg_tokens *t, const fg_learn_params *p,
                            fg_learn_result *out);

/* ---- the site's classifier ---- */

typedef struct fg_learn fg_learn;

/** Builds the classifier from [classify] bayes and starter_model; *out is NULL if bayes = no. */
fg_err fg_learn_new(const fg_config *cfg, fg_learn **out);

/** Frees a classifier; NULL is accepted. */
void fg_learn_free(fg_learn *l);

/** Probability of tokens under the site's counts (st may be NULL), plus the starter model while
    the site has learned fewer than FG_LEARN_STARTER_UNTIL faxes of either class. */
fg_err fg_learn_score(const fg_learn *l, fg_store *st, const fg_tokens *t, fg_learn_result *out);

#define FG_LEARN_STARTER_UNTIL 50

/** Adds the named score of a result (BAYES_99, _90, _70, _10, _01; none between 0.1 and 0.7) to s,
    and BAYES_UNOPPOSED when s holds no business evidence (and, below p 0.70, when the page id gives a
    way to answer), or BAYES_OUTWEIGHS at p 0.99 when its business evidence is slight (-3.5 or more). */
void fg_learn_add_score(const fg_learn_result *r, const fg_ident *id, fg_scores *s);

/** True if the page gives a way to answer: a number outside the transmit header, a web site, an
    e-mail address or a traded symbol. An advertisement wants an answer; NULL gives false. */
bool fg_learn_answerable(const fg_ident *id);

/** The sum of the BIZ_* weights in s (0 or less): below 0, business evidence, which keeps
    BAYES_UNOPPOSED off and, below -3.5, BAYES_OUTWEIGHS too. */
double fg_learn_business_weight(const fg_scores *s);

/* ---- learning (store_learn.c) ---- */

/** Learns tokens under key ("call:12", "sha256:…") as an ad or not. Learning a key again with
    the same class changes nothing (*changed false); with the other class its counts move. */
fg_err fg_learn_train(fg_store *st, const char *key, int64_t call_id, const fg_tokens *t, bool is_ad,
                      const char *by, bool *changed);

/** Learns a stored call (key "call:ID") from its page-1 text, tokenized as fg_learn_tokens_text
    does with country; FG_ERR_STATE if the call has no text. *n_tokens may be NULL. */
fg_err fg_learn_train_call(fg_store *st, int64_t call_id, const char *country, bool is_ad, const char *by,
                           bool *changed, size_t *n_tokens);

/** Forgets what was learned under key; *changed false if nothing was. */
fg_err fg_learn_forget(fg_store *st, const char *key, bool *changed);

/** How many ads and business faxes the site has learned, and distinct tokens. */
fg_err fg_learn_totals(fg_store *st, long *n_ad, long *n_legit, long *n_tokens);

/** Site counts of one token (0, 0 if never seen). */
fg_err fg_learn_token_counts(fg_store *st, const char *token, long *ad, long *legit);

/** Adds the site's counts of every token to ad[i], legit[i] (t->n entries each) and gives the
    site's totals, from one consistent read. */
fg_err fg_learn_site_counts(fg_store *st, const fg_tokens *t, uint32_t *ad, uint32_t *legit, long *n_ad,
                            long *n_legit);

/* ---- building models (mkmodel, cross-validation) ---- */

typedef struct fg_learn_builder fg_learn_builder;

/** An empty in-memory model to add pages to. */
fg_err fg_learn_builder_new(fg_learn_builder **out);

/** Counts one page's tokens as an ad or not. */
fg_err fg_learn_builder_add(fg_learn_builder *b, const fg_tokens *t, bool is_ad);

/** The model counted so far; valid until the builder is freed or added to again. */
const fg_learn_model *fg_learn_builder_model(fg_learn_builder *b);

/** Frees a builder; NULL is accepted. */
void fg_learn_builder_free(fg_learn_builder *b);

#endif
