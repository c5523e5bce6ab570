/* faxgate — classify: named, weighted rules that add up to a score (rspamd style).
 *
 * Positive weights push towards "advertisement", negative towards "business fax".
 * Each rule that fires adds one named entry with a short detail, so a verdict can
 * always be explained rule by rule.
 */
#ifndef FAXGATE_CLASSIFY_H
#define FAXGATE_CLASSIFY_H

#include <stdbool.h>
#include "faxgate/error.h"
#include "faxgate/extract.h"
#include "faxgate/ocr.h"

#define FG_SCORES_MAX 48

typedef struct fg_score {
    const char *name;          /* static rule name, e.g. "AD_OPTOUT_NOTICE" */
    double weight;
    char detail[128];          /* what fired it, e.g. "opt-out notice with +18005550199" */
} fg_score;

typedef struct fg_scores {
    fg_score v[FG_SCORES_MAX];
    int n;
    double total;
} fg_scores;

/* Facts about the call that rules may use (any may be NULL / 0 for a scan without a call). */
typedef struct fg_facts {
    const char *tsi;
    const char *caller_id;     /* E.164 or as given */
    const char *nsf_vendor;
    int pages;
} fg_facts;

/** Runs every rule over words, identity and call facts; fills out (which is reset first). */
fg_err fg_classify(const fg_words *w, const fg_ident *id, const fg_facts *facts, fg_scores *out);

/** Adds a named score (weights with the same name add up); detail is printf-formatted. */
void fg_scores_add(fg_scores *s, const char *name, double weight, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/** Weight of the named rule in s, 0 if it did not fire. */
double fg_scores_get(const fg_scores *s, const char *name);

#endif
