/* faxgate — a received fax page: a bilevel bitmap in memory, and TIFF G4 files on disk.
 *
 * Pixels: 1 bit each, rows padded to whole bytes, most significant bit first,
 * 1 = black (the fax convention, TIFF PHOTOMETRIC_MINISWHITE).
 */
#ifndef FAXGATE_PAGE_H
#define FAXGATE_PAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "faxgate/error.h"

/* Caps on hostile files: wider than A3 at 1200 dpi or longer than 2 m at 1200 lpi is refused. */
#define FG_PAGE_MAX_WIDTH 14592
#define FG_PAGE_MAX_HEIGHT 94488
#define FG_PAGE_MAX_PAGES 1000

typedef struct fg_page {
    int width;        /* pixels */
    int height;       /* rows */
    int stride;       /* bytes per row, (width + 7) / 8 */
    int xres;         /* dots per inch, horizontal (204 for R8) */
    int yres;         /* lines per inch, vertical (98 standard, 196 fine, 391 superfine) */
    bool partial;     /* the call broke before the end of this page */
    uint8_t *bits;    /* height * stride bytes */
} fg_page;

/** Allocates a white page of the given size and resolution. */
fg_err fg_page_new(int width, int height, int xres, int yres, fg_page **out);

/** Frees a page; NULL is accepted. */
void fg_page_free(fg_page *p);

/** Number of pages (directories) in a TIFF file; FG_ERR_FORMAT if it is not a readable TIFF. */
fg_err fg_page_tiff_count(const char *path, int *count);

/** Checks that a TIFF being written holds at least `pages` pages, the last one's image data all
    in the file (a write refused for lack of space leaves a page out or cut short) and that the
    file is still there under its name: FG_OK, or an error saying what is missing. */
fg_err fg_page_tiff_check_written(const char *path, int pages);

/** Reads page index (0-based) of a bilevel TIFF, any fax compression; enforces the caps. A page
    fg_page_write_tiff wrote as partial comes back partial. */
fg_err fg_page_read_tiff(const char *path, int index, fg_page **out);

/** Writes the page as TIFF G4 (T.6), creating the file or appending a page to it. */
fg_err fg_page_write_tiff(const fg_page *p, const char *path, bool append);

/** Reads any image leptonica can read (PNG, TIFF, PBM, JPEG; grey or colour), binarises it
    and scales it to fax geometry (1728 pixels wide at 204 dpi, yres 98 or 196). */
fg_err fg_page_import_image(const char *path, int yres, fg_page **out);

/** SHA-256 of a file's bytes as 64 lowercase hex digits plus NUL. */
fg_err fg_sha256_file(const char *path, char hex[65]);

/** SHA-256 of the page bitmap (height * stride bytes as stored here), hex. */
void fg_page_sha256(const fg_page *p, char hex[65]);

/** Fraction of black pixels (0..1): a blank or all-black page is easy to spot. */
double fg_page_ink(const fg_page *p);

#endif
