/* faxgate — internals shared by extract, phone, optout, fax header and classify.
 *
 * A page's words become "lines" of folded text: ASCII lower case, accents stripped,
 * typographic punctuation mapped to ASCII, never longer than the original bytes. All
 * scanners work on that folded text with byte offsets that map back to the words
 * (and so to boxes) by a binary search over each line's word offsets.
 */
#ifndef FAXGATE_EXTRACT_IMPL_H
#define FAXGATE_EXTRACT_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "faxgate/extract.h"
#include "faxgate/ocr.h"

/* A full A4 page of small print holds under 10 kB of text: more is hostile or junk. */
#define FG_DOC_TEXT_MAX (128u * 1024u)
/* Longer lines are cut at a word boundary so that every per-line scan stays short. */
#define FG_DOC_LINE_MAX 480u

typedef struct fg_line {
    size_t w0, w1;          /* words [w0, w1) of the page (a markup '#' word is left out) */
    size_t off;             /* start of the line in fg_doc.text */
    size_t len;
    const char *fold;       /* text + off */
    size_t *woff;           /* start of each word inside fold, w1 - w0 entries */
    int index;              /* fg_word.line of the first word */
    int heading;            /* plain-text markup: 1 for "# ", 2 for "## ", 0 otherwise */
    float height;           /* largest glyph height in points, 0 if unknown */
} fg_line;

typedef struct fg_doc {
    const fg_words *w;
    char *text;             /* folded lines joined by '\n', NUL-terminated */
    char *flat;             /* the same with ' ' for '\n': phrases wrapped over lines still match */
    size_t len;
    fg_line *lines;
    size_t n;
    size_t *woff_all;       /* storage for the lines' woff */
    bool boxes;             /* the words carry page boxes (OCR), not plain text */
    float median_height;    /* of lines with a known height, 0 if none */
    bool truncated;         /* a cap cut the text */
} fg_doc;

/* One number found by the scanner: where it is in the folded text. */
typedef struct fg_numspan {
    size_t line;            /* index into fg_doc.lines */
    size_t a, b;            /* fold offsets inside that line */
    bool cta;               /* a call-to-action word stands just before it */
} fg_numspan;

/* Working state of one extraction. */
typedef struct fg_xctx {
    fg_doc doc;
    fg_ident *id;
    char country[3];
    char alt_country[3];    /* from the language guess, for numbers that do not fit country */
    fg_numspan spans[FG_NUMBERS_MAX];
    bool has_header;
    size_t header_line;
    bool has_optout;
    size_t opt_l0, opt_l1;  /* notice lines [opt_l0, opt_l1] */
} fg_xctx;

/** Folds UTF-8 bytes: ASCII lower case, accents stripped; returns bytes written (never more than n). */
size_t fg_text_fold(const char *in, size_t n, char *out);

/** Builds the folded lines of a page (caps in FG_DOC_*); free with fg_doc_free. */
fg_err fg_doc_build(const fg_words *w, fg_doc *d);

/** Frees what fg_doc_build allocated. */
void fg_doc_free(fg_doc *d);

/** Box and line of the words covering fold offsets [a, b) of line li. */
fg_where fg_doc_where(const fg_doc *d, size_t li, size_t a, size_t b);

/** Index of the line holding text offset off. */
size_t fg_doc_line_at(const fg_doc *d, size_t off);

/** Original text (UTF-8, spaces between words) of words [w0, w1), malloc'd, at most cap bytes. */
char *fg_doc_words(const fg_doc *d, size_t w0, size_t w1, size_t cap);

/** Word index (absolute) holding fold offset a of line li. */
size_t fg_doc_word_at(const fg_doc *d, size_t li, size_t a);

/** Finds needle in hay[from, n) at word boundaries; '*' at either end of needle drops that
    boundary check (a prefix or suffix match); returns the offset or (size_t)-1. */
size_t fg_text_find(const char *hay, size_t n, const char *needle, size_t from);

/** Like fg_text_find; also sets *end to the offset after the match. */
size_t fg_text_find_end(const char *hay, size_t n, const char *needle, size_t from, size_t *end);

/** True if any needle of a NULL-terminated list occurs in hay[0, n). */
bool fg_text_any(const char *hay, size_t n, const char *const *needles);

/** ASCII alphanumeric test for folded text. */
static inline bool fg_isalnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/** ASCII letter test for folded text. */
static inline bool fg_isalpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/** ASCII digit test. */
static inline bool fg_isdigit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* phone.c: the number grammar */

#define FG_GROUPS_MAX 16    /* digit groups per candidate; longer runs are split */

/* A candidate: digit groups joined by short separators (space - . / ( )). */
typedef struct fg_groups {
    int n;
    size_t a[FG_GROUPS_MAX], b[FG_GROUPS_MAX]; /* digit runs [a, b) in the scanned text */
    bool spaced[FG_GROUPS_MAX];                /* the separator before group k holds a space, '/' or '(' */
    bool plus;                                 /* '+' before the first group */
    size_t start;                              /* where the candidate starts ('+' or '(' included) */
} fg_groups;

/* A country's numbering plan (opaque). */
typedef struct fg_plan fg_plan;

/** The plan of an ISO 3166 country, or NULL if none is known. */
const fg_plan *fg_phone_plan(const char *iso);

/** OCR reads 0 as O and 1 as l or I inside digit groups: mends runs that are mostly digits, in place. */
void fg_phone_ocr_digits(char *s, size_t n);

/** Reads the digit groups of a candidate starting at p; returns where it ends (always > p). */
size_t fg_phone_groups(const char *s, size_t n, size_t p, fg_groups *g);

/** One number from groups [i, n): groups consumed (0 if none), its E.164, and whether it was one
    bare block of digits (which needs a phone label to count). */
int fg_phone_parse_at(const char *buf, const fg_groups *g, int i, const fg_plan *home, const fg_plan *alt,
                      char e164[FG_E164_LEN], bool *bare);

/** fg_phone_e164 without an error message: true if raw is one phone number. */
bool fg_phone_parse(const char *raw, const char *country, char e164[FG_E164_LEN]);

/** Sets FG_NUM_TOLLFREE / FG_NUM_PREMIUM for an E.164 number. */
unsigned fg_phone_rate(const char *e164);

/** The E.164 country code for an ISO 3166 country ("1" for US), or NULL if unknown. */
const char *fg_phone_cc(const char *country);

/* phone_scan.c */

/** Finds the phone and fax numbers of every line and labels them. */
fg_err fg_phone_scan(fg_xctx *x);

/* optout.c */

/** Finds the opt-out notice and its numbers; marks them FG_NUM_OPTOUT. */
fg_err fg_optout_scan(fg_xctx *x);

/* faxheader.c */

/** Finds and parses the transmit header line (date, time, sender, number). */
fg_err fg_faxheader_scan(fg_xctx *x);

/** True if line li looks like a fax transmit header (a date and a time or page marker). */
bool fg_faxheader_like(const fg_doc *d, size_t li);

/* advertiser.c */

/** Picks the advertiser's name and call-to-action number. */
fg_err fg_advertiser_scan(fg_xctx *x);

/* ticker.c */

/** Finds the traded symbol a stock promotion names ("SYMBOL: QLTX", "(OTC: CXRV)", "WKN: A3N7Q2"). */
fg_err fg_ticker_scan(fg_xctx *x);

/** Finds an Australian Business Number and a street or postal address (senderid.c). */
fg_err fg_senderid_scan(fg_xctx *x);

/* classify_rules.c */

struct fg_scores;

/** Runs the vocabulary rules (promotion, prices, urgency, business documents …) over a page. */
void fg_classify_vocab(const fg_doc *d, const fg_ident *id, struct fg_scores *s);

#endif
