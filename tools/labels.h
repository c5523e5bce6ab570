/* faxgate tools — the labelled texts (tests/data/texts/LABELS.tsv and labels-*.tsv) for the build
 * tools that learn from them (mkmodel, learncv). Columns, tab-separated:
 *   file label(ad|legit) lang(en|fr|de) advertiser callback optout split(tune|report|…) [campaign]
 * '#' lines, blank lines and the header line ("file" first) are skipped.
 */
#ifndef FAXGATE_TOOLS_LABELS_H
#define FAXGATE_TOOLS_LABELS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct lab_text {
    char *file;             /* as written in the label file, relative to the texts folder */
    char *text;             /* the file's contents, NUL-terminated */
    size_t len;
    bool is_ad;
    char country[3];        /* numbers are read with the language's country: en US, fr FR, de DE */
    char lang[3];
    char split[16];
    char campaign[64];      /* "" if none */
} lab_text;

typedef struct lab_set {
    lab_text *v;
    size_t n, cap;
    int bad;                /* malformed rows, skipped (and printed) */
} lab_set;

/** Loads every labelled text of dir (LABELS.tsv, then labels-*.tsv in name order) whose split is
    split (NULL: all); a file listed twice is loaded once. Malformed rows and missing texts are
    printed and skipped; returns -1 only if LABELS.tsv cannot be read. */
int lab_load(lab_set *set, const char *dir, const char *split);

/** Frees a set's texts. */
void lab_free(lab_set *set);

#endif
