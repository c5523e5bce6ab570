/* faxgate host — a complaint report as a PDF (cairo's PDF surface): flowing text pages (headings,
 * label/value fields, paragraphs, hash lines, a table) and the fax pages as images, each scaled
 * to fit one sheet of A4 or Letter. Text is DejaVu Sans (fonts-dejavu-core), embedded with its
 * Unicode map so that the PDF's text can be searched and extracted. Every string is cleaned
 * before cairo sees it (OCR text is hostile input: invalid UTF-8 and control bytes).
 *
 * Drawing calls never fail one by one: cairo keeps the first error, and fg_pdf_close() reports it.
 */
#ifndef FAXGATE_REPORT_PDF_H
#define FAXGATE_REPORT_PDF_H

#include <stdbool.h>
#include "faxgate/error.h"
#include "faxgate/page.h"

typedef struct fg_pdf fg_pdf;

#define FG_PDF_COLS_MAX 12   /* columns of a table */

/** Creates path as a PDF of A4 (or Letter) sheets with title in its metadata; FG_ERR_IO with the
    reason if the file cannot be written. */
fg_err fg_pdf_open(const char *path, bool letter, const char *title, fg_pdf **out);

/** A large bold heading (starts a new sheet if less than a few lines are left). */
void fg_pdf_heading(fg_pdf *d, const char *text);

/** A bold section title. */
void fg_pdf_section(fg_pdf *d, const char *text);

/** A label and its value; the value wraps in the right-hand column; NULL or "" prints "-". */
void fg_pdf_field(fg_pdf *d, const char *label, const char *value);

/** A label and a value in monospace type (hashes), wrapped at any character. */
void fg_pdf_mono(fg_pdf *d, const char *label, const char *value);

/** A wrapped paragraph; '\n' starts a new line. */
void fg_pdf_text(fg_pdf *d, const char *text);

/** A table of nrows rows (the first is the header, in bold) of ncols cells each (row-major);
    widths are fractions of the text width. Cells wrap; a row never splits across sheets, and the
    header is repeated atop each sheet. Columns beyond FG_PDF_COLS_MAX are not drawn. */
void fg_pdf_table(fg_pdf *d, int ncols, const double *widths, const char *const *cells, int nrows);

/** Ends the current sheet of text (the next text starts a new one); a no-op on an empty sheet. */
void fg_pdf_break(fg_pdf *d);

/** A fax page on a sheet of its own, scaled to fit (its own x and y resolutions kept), framed,
    with a caption line above it. */
void fg_pdf_image(fg_pdf *d, const fg_page *p, const char *caption);

/** A sheet standing for a page whose image cannot be shown: its caption and why. */
void fg_pdf_missing(fg_pdf *d, const char *caption, const char *why);

/** Sheets written so far (the current one included if it has anything on it). */
int fg_pdf_sheets(const fg_pdf *d);

/** Finishes the file and frees d (NULL accepted); the first drawing or writing error, if any,
    as FG_ERR_IO naming the file. */
fg_err fg_pdf_close(fg_pdf *d);

#endif
