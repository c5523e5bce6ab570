/* faxgate — OCR of page 1 in bands while it arrives (docs/ocr.md, "Bands").
 *
 * The call thread appends the page's rows as T.30 decodes them (fg_bandset_rows). Every half inch
 * or so of rows a cut is chosen, in the widest run of white rows near it when there is one, and a
 * band is handed to the OCR workers (the submit callback) as soon as the rows a little past its cut
 * have arrived. Band k owns the words whose box centre lies in [cut k-1, cut k). A cut through
 * text is read over the overlap O on both sides: the line is whole in both bands and kept by one
 * of them; a cut in white rows crosses no text, and each side reads only to the end of the white
 * run (at most O).
 * Bands with no black pixel are not read. At the end of the page the judge calls
 * fg_bandset_finish: it reads the rows after the last cut itself, reads any band still queued
 * itself, waits for the bands a worker is reading, and gives the words of the page in band order,
 * with boxes in page coordinates.
 *
 * Threads: fg_bandset_rows on the call thread only; fg_bandset_run on any worker; fg_bandset_finish
 * once, on the judge's worker. A bandset is reference-counted: the call and every queued band hold
 * one reference.
 */
#ifndef FAXGATE_BANDS_H
#define FAXGATE_BANDS_H

#include <stdbool.h>
#include <stdint.h>
#include "faxgate/error.h"
#include "faxgate/ocr.h"
#include "faxgate/page.h"

#define FG_BANDS_MAX 256     /* bands cut per page; the rows after the last one are read at the end */

typedef struct fg_bandset fg_bandset;

/** A band is ready: queue fg_bandset_run(bs, index, ...) on a worker. The callback must take its
    own reference (fg_bandset_ref) for the queued job and drop it after the run. */
typedef void (*fg_band_submit_fn)(void *user, fg_bandset *bs, int index);

/** Band geometry from the vertical resolution, in rows: the cut is searched in
    [from + step - window, from + step + window]; a band's image reaches overlap rows past its
    owned rows on each side. */
typedef struct fg_band_geom {
    int step, window, overlap;
} fg_band_geom;

/** Half an inch per band, cuts searched within 0.2 inch of it, 0.3 inch of overlap (docs/ocr.md:
    half-inch bands cost less CPU than whole inches and make the last band, which a call waits
    for, quicker; a third of an inch gains nothing more). */
fg_band_geom fg_band_geom_for(int yres);

/** The next cut after row from, given which rows are white (no black pixel) among rows [0, have);
    -1 if more rows are needed (fewer than from + step + window + overlap + 1). The cut is the
    middle of the longest white run inside the search window (the run nearest the target on a tie),
    or from + step when no row there is white. */
int fg_band_find_cut(const uint8_t *white, int have, int from, const fg_band_geom *g);

/** Appends to dst the words of src (read from an image whose first row is page row y_off) whose
    box centre lies in page rows [own0, own1), with boxes moved to page coordinates and line and
    block numbers continuing dst's. dst->text is rebuilt by fg_words_finish_bands. */
fg_err fg_words_take_owned(fg_words *dst, const fg_words *src, int y_off, int own0, int own1);

/** Rebuilds dst->text from its words (a space between words, '\n' between lines). */
fg_err fg_words_finish_bands(fg_words *dst);

/** A band set for a page width x ? at xres x yres dpi. */
fg_err fg_bandset_new(int width, int xres, int yres, fg_band_submit_fn submit, void *user, fg_bandset **out);

/** Another geometry than fg_band_geom_for's, before the first rows (for measuring). */
void fg_bandset_set_geom(fg_bandset *bs, const fg_band_geom *g);

void fg_bandset_ref(fg_bandset *bs);

/** Drops a reference; the last one frees the set. NULL is accepted. */
void fg_bandset_unref(fg_bandset *bs);

/** Rows first_row .. first_row + n - 1 of the page (stride (width + 7) / 8) have arrived. Rows
    already known are ignored; a gap or a width that does not match is an error (the set then
    stops cutting, and the judge falls back to the whole page). Ready bands are submitted. */
fg_err fg_bandset_rows(fg_bandset *bs, int first_row, const uint8_t *rows, int n);

/** Page 1 has ended and page holds all its rows: compares the rows received while it arrived
    with it (a mismatch stops the set, as in fg_bandset_finish) and frees them, so that the call
    keeps one copy of the page while it waits for its verdict, not two. Rows given after this are
    ignored. Call thread only; page must be the one later given to fg_bandset_finish. */
fg_err fg_bandset_page_ended(fg_bandset *bs, const fg_page *page);

/** Rows received so far. */
int fg_bandset_have(const fg_bandset *bs);

/** Reads band index with this engine, unless someone else has taken it. */
void fg_bandset_run(fg_bandset *bs, int index, fg_ocr *ocr);

/** The words of the whole page: rows after the last cut read here, bands still queued read here,
    running ones waited for. The page must be the one whose rows were fed (its first rows are
    compared). An error (a band that failed, rows that differ) means: read the page whole. */
fg_err fg_bandset_finish(fg_bandset *bs, fg_ocr *ocr, const fg_page *page, fg_words **out);

typedef struct fg_band_info {
    int own0, own1;   /* page rows whose words the band keeps */
    int img0, img1;   /* page rows it reads */
    bool blank;       /* no black pixel: not read */
} fg_band_info;

/** Band index as cut so far (the one after the last cut exists once fg_bandset_finish ran); false
    if there is no such band. */
bool fg_bandset_band(fg_bandset *bs, int index, fg_band_info *out);

/** Every band with ink has been read and the page's rows after the last cut are blank: what is
    left for fg_bandset_finish needs no engine (a judge without one can assemble the words). */
bool fg_bandset_read_all(fg_bandset *bs, const fg_page *page);

typedef struct fg_bandset_stats {
    int bands;        /* cut during the page, and the one read at its end */
    int blank;        /* skipped: no black pixel */
    int read_early;   /* read by workers before the page ended */
    int read_late;    /* read by the judge at the end (the last one, and any still queued) */
    int waited;       /* running on a worker when the page ended */
    double skew_deg;  /* the angle locked for the page's bands, 0 if none */
    double ms_waited; /* fg_bandset_finish waiting for bands running on other workers */
    double ms_finish; /* fg_bandset_finish in all: the OCR left at the end of the page */
} fg_bandset_stats;

void fg_bandset_get_stats(fg_bandset *bs, fg_bandset_stats *st);

#endif
