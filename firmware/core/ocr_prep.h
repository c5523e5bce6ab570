/* faxgate — cleaning a page image before Tesseract reads it; private to ocr.c, its tests and the OCR bench.
 *
 * Every step works on the square 1-bpp image that ocr.c builds from the page (98-lpi rows already
 * doubled) and can be switched on its own, so that tests/bench/ocr_prep.c can measure what each one
 * buys; docs/ocr.md has the figures and says which steps are on by default and why.
 */
#ifndef FAXGATE_OCR_PREP_H
#define FAXGATE_OCR_PREP_H

#include <leptonica/allheaders.h>
#include "faxgate/ocr.h"

enum {
    FG_PREP_DESKEW = 1u << 0,       /* find the skew of the text lines and rotate it away */
    FG_PREP_DESPECKLE = 1u << 1,    /* remove dot-sized specks far from any other ink */
    FG_PREP_MARGINS = 1u << 2,      /* whiten dense bands (stripes, black borders) at the page edges */
    FG_PREP_HALFTONE = 1u << 3,     /* whiten halftone (dithered) regions such as logos */
    FG_PREP_JUNK_GUARD = 1u << 4,   /* bound the work on pages of noise (too many components) */
    FG_PREP_ROWS_SINGLE = 1u << 8,  /* measurement only: 98-lpi rows given to Tesseract as they are */
    FG_PREP_ROWS_SMOOTH = 1u << 9,  /* measurement only: 98-lpi rows doubled by interpolation, in grey */
};

/* What fg_ocr_page does unless told otherwise: the steps that paid in docs/ocr.md. */
#define FG_PREP_DEFAULT (FG_PREP_DESKEW | FG_PREP_DESPECKLE | FG_PREP_MARGINS | FG_PREP_HALFTONE | FG_PREP_JUNK_GUARD)

/* How the image Tesseract read relates to the square image before cleaning: boxes go back through it. */
typedef struct fg_prep_map {
    int w, h;            /* size of both images (a rotation keeps the size) */
    int rep;             /* set by the caller: page rows were repeated rep times (98 lpi: 2) */
    double angle;        /* radians the image was rotated by about its centre; 0 = not rotated */
    /* Set by the caller when the image is a band of a page (ocr_bands.c, docs/ocr.md): */
    bool band;           /* junk guard scaled to the band's area; row margins only at the page's edges */
    bool page_top;       /* the band starts at the page's first row: its top margin is looked at */
    bool page_bottom;    /* the band ends at the page's last row: its bottom margin is looked at */
    bool skew_given;     /* rotate by skew_deg (estimated on earlier bands) instead of measuring */
    double skew_deg;
} fg_prep_map;

/* What the steps did and cost on the last page, for the bench and the tests. */
typedef struct fg_prep_stats {
    double skew_deg;     /* skew found (even when too small to correct), degrees */
    float skew_conf;     /* leptonica's confidence in it (0: not measured) */
    int deskewed;        /* the image was rotated */
    long specks;         /* specks removed */
    int margin_left, margin_right;   /* columns whitened at each edge */
    long halftone_px;    /* pixels of halftone regions whitened */
    long components;     /* connected components on the page before cleaning, when counted */
    int junk;            /* square inches whitened as noise (the words are then marked truncated) */
    double ms_prep, ms_layout, ms_recognise;
} fg_prep_stats;

/** Runs the steps on a square 1-bpp image (map->rep set); returns the image to read: pix itself or a new one. */
PIX *fg_prep_run(PIX *pix, unsigned steps, fg_prep_map *map, fg_prep_stats *st);

/** Maps a box of the image Tesseract read back to the image before cleaning (the bounding box of the rotated box). */
void fg_prep_unmap(const fg_prep_map *m, int *l, int *t, int *r, int *b);

/** fg_ocr_page with the prep map's inputs given (a band: map->band and the fields after it); the
    steps' stats are those of fg_ocr_prep_stats afterwards. */
fg_err fg_ocr_page_map(fg_ocr *ocr, const fg_page *page, const fg_prep_map *in, fg_words **out);

/** Sets the steps an engine runs on each page (FG_PREP_*); engines start with FG_PREP_DEFAULT. */
void fg_ocr_set_prep(fg_ocr *ocr, unsigned steps);

/** What the steps did on the engine's last page. */
const fg_prep_stats *fg_ocr_prep_stats(const fg_ocr *ocr);

#endif
