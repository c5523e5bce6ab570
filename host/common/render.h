/* faxgate host — text rendered as a received fax page (cairo + fontconfig), for faxsim, fixtures and the demo.
 *
 * The page is what a fax machine would send: 1728 pixels wide at 204 dpi, 98 (standard) or
 * 196 (fine) lines per inch, A4 or Letter length, bilevel. Text is laid out with cairo in
 * anti-aliased grey at the page's own (non-square) pixel grid, then thresholded to 1 bit.
 *
 * Markup, one rule per input line (UTF-8; '\r' and other control bytes are dropped, invalid
 * UTF-8 becomes '?', tabs advance to the next 8-column stop):
 *   "# Text"     large bold heading (2x body size)
 *   "## Text"    medium bold heading (1.4x body size)
 *   "! Text"     bold line at body size
 *   "> Text"     right-aligned line (may precede a style: "> ## Text")
 *   "^ Text"     centred line (may precede a style: "^ # SALE")
 *   "---"        horizontal rule across the text width
 *   "\Text"      the rest of the line literally (to start a line with '#', '>' …)
 *   blank line   kept: one body line of space
 * Anything else is a body line. Long lines wrap at the right margin (unless wrapping is off,
 * when they are cut); text that runs off the bottom of the page is dropped and counted in
 * fg_render_info.lines_cut. Only left-to-right scripts without shaping (Latin, Greek,
 * Cyrillic) render correctly: cairo's simple text API does no shaping.
 */
#ifndef FAXGATE_RENDER_H
#define FAXGATE_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "faxgate/error.h"
#include "faxgate/page.h"

/* Input larger than this is refused: a page holds a few thousand characters. */
#define FG_RENDER_MAX_TEXT (1024 * 1024)

typedef enum fg_render_align { FG_ALIGN_LEFT = 0, FG_ALIGN_CENTER, FG_ALIGN_RIGHT } fg_render_align;
typedef enum fg_render_paper { FG_PAPER_A4 = 0, FG_PAPER_LETTER } fg_render_paper;

typedef struct fg_render_opts {
    const char *font;        /* fontconfig family ("DejaVu Sans", "Liberation Serif", "monospace"…) */
    double size_pt;          /* body size in points, 4..72 */
    bool title;              /* the first non-blank line is a large bold heading */
    int yres;                /* 98 (standard) or 196 (fine) lines per inch */
    fg_render_paper paper;
    double margin_left_mm;   /* left and right margin, 0..80 */
    double margin_top_mm;    /* from the top edge to the first line, 0..120 */
    fg_render_align align;   /* default alignment of lines without a '>' or '^' prefix */
    bool wrap;               /* wrap long lines at the right margin (else cut them) */
    const char *header;      /* fax header line printed at the very top in small type; NULL = none */
    double noise;            /* speckles per square centimetre (1 light, 4 medium, 12 heavy); 0 = clean */
    uint64_t seed;           /* noise seed: the same seed gives the same page */
    double skew_deg;         /* document rotation in degrees (clockwise), -45..45; the header stays straight */
    bool stripes;            /* a band of diagonal stripes down the left margin */
    bool logo;               /* a halftone (dithered) logo box above the text */
    int threshold;           /* grey level 1..255 at or above which a pixel is black */
} fg_render_opts;

typedef struct fg_render_info {
    char font[128];          /* family fontconfig actually chose for the body */
    bool font_exact;         /* false when fontconfig substituted another family */
    int lines;               /* lines drawn (after wrapping) */
    int lines_cut;           /* lines that did not fit on the page */
} fg_render_info;

/** Fills o with the defaults: DejaVu Sans 11 pt, fine, A4, 20/15 mm margins, wrapping, threshold 112. */
void fg_render_opts_init(fg_render_opts *o);

/** Renders UTF-8 text with the markup above as a bilevel fax page; o NULL means the defaults. */
fg_err fg_render_text(const char *text, size_t len, const fg_render_opts *o, fg_page **out);

/** Like fg_render_text(), and reports the font used and lines drawn or cut in info (may be NULL). */
fg_err fg_render_text_info(const char *text, size_t len, const fg_render_opts *o, fg_page **out,
                           fg_render_info *info);

/** Which family fontconfig picks for a requested one; *exact is false when it substituted. */
fg_err fg_render_font_match(const char *family, bool bold, char *actual, size_t cap, bool *exact);

/** Page height in rows for a paper size at yres lines per inch (A4 297 mm, Letter 11 in). */
int fg_render_page_height(fg_render_paper paper, int yres);

#endif
