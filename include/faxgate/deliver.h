/* faxgate — deliver: pages to the printer (IPP Everywhere through libcups) or a folder.
 *
 * "ipp://HOST:PORT/PATH" prints as PDF (cairo) when the printer takes it, else as
 * PWG raster (libcups), which every IPP Everywhere printer must accept.
 * "spool:DIR" writes a PDF per fax into DIR. A printer that is down answers
 * FG_ERR_PRINTER_DOWN: the caller keeps the job queued and retries; nothing is lost.
 */
#ifndef FAXGATE_DELIVER_H
#define FAXGATE_DELIVER_H

#include <stdbool.h>

#include "faxgate/error.h"
#include "faxgate/hal.h"

/** Opens a printer sink by URI through the board's printer drivers. */
fg_err fg_printer_open(const char *uri, fg_printer **out);

/** Prints every page of a TIFF as one job named job_name; *job_id gets the printer's job id
    (0 for a folder). FG_ERR_PRINTER_DOWN means retry later. */
fg_err fg_printer_print(fg_printer *p, const char *tiff_path, const char *job_name, int *job_id);

/** Asks the sink whether it already has a job named job_name (pending or printed): a job
    whose printing was interrupted by a crash may have reached the printer, and must not be
    printed twice. FG_ERR_UNSUPPORTED if the sink cannot tell; FG_ERR_PRINTER_DOWN if it could
    not be asked now. */
fg_err fg_printer_find_job(fg_printer *p, const char *job_name, bool *found, int *job_id);

/** The URI the sink was opened with. */
const char *fg_printer_uri(const fg_printer *p);

/** Closes a printer sink; NULL is accepted. */
void fg_printer_close(fg_printer *p);

/** Renders every page of a TIFF into a PDF file at its physical size. */
fg_err fg_pdf_from_tiff(const char *tiff_path, const char *pdf_path);

#endif
