/* faxgate host — the evaluation harness's arithmetic: labelled rows, what counts as right, tallies.
 *
 * A label file (tests/data/texts/LABELS.tsv, labels-*.tsv, or one written by tests/eval.sh for
 * the shared corpus) has one row per page or text, tab-separated:
 *   file  label(ad|legit)  lang(en|fr|de)  advertiser(-)  callback(E.164|-)  optout(yes|no|-)
 *   split(tune|report|campaign)  [campaign(-)]
 * Blank lines, lines starting with '#' and the header line (first field "file") are skipped.
 * A malformed row stops the load with file:line and what is expected: a label file with a typo
 * must not silently produce figures. A row whose file is missing loads; evaluating it is a row
 * error, counted and listed.
 *
 * Definitions (printed by `faxgatectl eval`, see docs/evaluation.md):
 *   not printed          verdict hold or drop
 *   recall               ads not printed / ads
 *   precision            ads not printed / all pages not printed
 *   advertiser identified  on ads with an expected name or callback: the extracted name equals the
 *                        expected one after case folding and removing everything but letters and
 *                        digits, or the extracted callback equals the expected E.164 exactly
 *   opt-out right        the record's optout.present equals the label (rows labelled yes or no)
 */
#ifndef FAXGATE_EVAL_H
#define FAXGATE_EVAL_H

#include <stdbool.h>
#include <stddef.h>
#include "faxgate/error.h"
#include "faxgate/policy.h"
#include "render.h"

typedef enum fg_eval_label { FG_EVAL_AD = 0, FG_EVAL_LEGIT = 1 } fg_eval_label;
typedef enum fg_eval_tri { FG_EVAL_NO = 0, FG_EVAL_YES = 1, FG_EVAL_UNKNOWN = 2 } fg_eval_tri;

#define FG_EVAL_LANGS 3              /* en, fr, de: the languages of the labelled set */
#define FG_EVAL_E164_MAX 20          /* '+', up to 15 digits, NUL */

typedef struct fg_eval_row {
    char *file;                      /* as written in the label file */
    char *path;                      /* the file to read: base directory + file */
    char *where;                     /* "LABELS.tsv:12", for messages */
    fg_eval_label label;
    int lang;                        /* index into fg_eval_lang_name(): 0 en, 1 fr, 2 de */
    char *advertiser;                /* expected advertiser name, NULL for '-' */
    char callback[FG_EVAL_E164_MAX]; /* expected callback E.164, "" for '-' */
    fg_eval_tri optout;              /* opt-out notice on the page; unknown ('-') is not counted */
    char split[12];                  /* tune, report, campaign */
    char *campaign;                  /* campaign name, NULL if none */
} fg_eval_row;

typedef struct fg_eval_set {
    fg_eval_row *v;
    size_t n, cap;
} fg_eval_set;

/** Appends the rows of a label file; base NULL means the label file's own directory. */
fg_err fg_eval_load(fg_eval_set *set, const char *labels, const char *base);

/** Frees the rows of a set (not the set struct itself); NULL is accepted. */
void fg_eval_set_free(fg_eval_set *set);

/** "en", "fr", "de" for 0..2; "all" otherwise. */
const char *fg_eval_lang_name(int lang);

/** The site country a language's numbers are read with: en US, fr FR, de DE. */
const char *fg_eval_lang_country(int lang);

/** OCR languages of a site working in that language: the configured ones for English (the host
    board's default, eng+fra), fra+eng for French, deu+eng for German. */
const char *fg_eval_lang_ocr(int lang, const char *configured);

/** True if path names an image (.png, .tif, .tiff, .jpg, .pbm …) that must go through OCR. */
bool fg_eval_is_image(const char *path);

/** Reads a row's text (at most FG_RENDER_MAX_TEXT bytes, NUL-terminated); caller frees. */
fg_err fg_eval_read_text(const fg_eval_row *r, char **text, size_t *len);

/** The page layout for a row, chosen from its file name alone (FNV-1a) so every run renders the
    same page: font, size 9-13 pt, resolution, noise 0-4, skew within ±1.5°, stripes, logo. */
void fg_eval_render_opts(const char *file, int lang, fg_render_opts *o);

/* What the pipeline made of one row (from its verdict record). */
typedef struct fg_eval_outcome {
    bool judged;                     /* false: the row could not be run at all (see error) */
    bool error;                      /* a run error, or a pipeline stage failed (verdict fail-open) */
    fg_verdict verdict;
    const char *adv_name;            /* extracted advertiser name, NULL if none */
    const char *callback;            /* extracted callback E.164, NULL or "" if none */
    bool optout_present;
    bool ocr;                        /* the page went through OCR */
    double ocr_ms;
} fg_eval_outcome;

/* Per-row judgement against the label. */
typedef struct fg_eval_marks {
    bool adv_expected, adv_ok;       /* ad with an expected advertiser; identified */
    bool optout_expected, optout_ok; /* label says yes or no; record agrees */
} fg_eval_marks;

/** Case- and punctuation-insensitive equality of advertiser names (letters and digits only). */
bool fg_eval_name_match(const char *expected, const char *got);

/** Judges an outcome against its row's labels. */
fg_eval_marks fg_eval_mark(const fg_eval_row *r, const fg_eval_outcome *o);

typedef struct fg_eval_tally {
    int rows;                        /* rows seen, judged or not */
    int errors;                      /* rows with an error (unjudged ones included) */
    int unjudged;                    /* rows that got no verdict: not in the figures below */
    int ads, legit;
    int ads_held, ads_dropped;
    int legit_held, legit_dropped;
    int adv_expected, adv_ok;
    int optout_expected, optout_ok;
    int ocr_n;
    double ocr_ms_sum;
} fg_eval_tally;

/** Adds one row's outcome to a tally. */
void fg_eval_tally_add(fg_eval_tally *t, const fg_eval_row *r, const fg_eval_outcome *o);

/** num/den, or NaN when den is 0 (printed as "-": no such rows, not 0 %). */
double fg_eval_ratio(int num, int den);

/** Ads not printed / ads. */
double fg_eval_recall(const fg_eval_tally *t);

/** Ads not printed / all pages not printed. */
double fg_eval_precision(const fg_eval_tally *t);

#endif
