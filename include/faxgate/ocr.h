/* faxgate — OCR of a page with the Tesseract C API, one engine per worker thread.
 *
 * The engine is not thread-safe: create one per thread and use it only there.
 * Tesseract's own OpenMP threading is switched off for the calling thread (on a
 * 2-core board it costs about six times the wall time); parallelism is ours.
 */
#ifndef FAXGATE_OCR_H
#define FAXGATE_OCR_H

#include <stddef.h>
#include "faxgate/error.h"
#include "faxgate/page.h"

/* Caps: text beyond these is cut (and says so), so hostile pages cannot exhaust memory. */
#define FG_WORDS_MAX 20000
#define FG_WORD_MAX_LEN 256

typedef struct fg_word {
    char *text;            /* UTF-8, no spaces */
    /* Bounding box in pixels and rows of the page as received (x1, y1 exclusive); all 0 when the
       word came from plain text. A skewed page is read straightened: its boxes are the bounding
       boxes, on the received page, of the straightened word boxes turned back, so on a page skewed
       by a degrees a word w pixels wide has a box about w * sin(a) taller than its letters. */
    int x0, y0, x1, y1;
    float conf;            /* Tesseract confidence 0..100; 100 for plain text */
    float height_pt;       /* upright glyph height in points (1/72 in), even on a skewed page; 0 if unknown */
    int line;              /* text line index, 0-based, in reading order */
    int block;             /* block index, 0-based */
} fg_word;

typedef struct fg_words {
    fg_word *v;
    size_t n;
    int page_width, page_height;  /* pixels of the page that was read; 0 for plain text */
    int xres, yres;
    char *text;            /* all words, a space between words, '\n' between lines */
    int truncated;         /* nonzero if a cap cut the input: size, word count, time, or parts of
                              the page so full of specks that they were left unread as noise */
} fg_words;

typedef struct fg_ocr fg_ocr;

/** Starts an engine for languages such as "eng+fra"; datapath NULL or "" uses Tesseract's default. */
fg_err fg_ocr_new(const char *languages, const char *datapath, fg_ocr **out);

/** Frees an engine; NULL is accepted. */
void fg_ocr_free(fg_ocr *ocr);

/** Recognises a page, cleaned first (docs/ocr.md): words with boxes, heights and confidence, in reading order. */
fg_err fg_ocr_page(fg_ocr *ocr, const fg_page *page, fg_words **out);

/** Builds words from plain text (one line per '\n'), as if OCR had produced them. */
fg_err fg_words_from_text(const char *text, size_t len, fg_words **out);

/** Frees words; NULL is accepted. */
void fg_words_free(fg_words *w);

#endif
