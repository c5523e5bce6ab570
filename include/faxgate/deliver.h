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

typedef struct fg_printer_status {
    char state[16];      /* IPP printer-state: "idle", "processing", "stopped"; a folder: "ready";
                            "down" when it could not be asked (message says why) */
    char reasons[256];   /* IPP printer-state-reasons, comma-separated ("none" when all is well) */
    char message[256];   /* IPP printer-state-message, or why the sink could not be asked */
    bool accepting;      /* IPP printer-is-accepting-jobs; a folder: writable */
} fg_printer_status;

/** Asks the sink for its state now (IPP: Get-Printer-Attributes, 5 s at most; spool: the folder
    exists and is writable). A sink that cannot be reached is not an error: state "down". */
fg_err fg_printer_state(fg_printer *p, fg_printer_status *out);

/** The URI the sink was opened with. */
const char *fg_printer_uri(const fg_printer *p);

/** Closes a printer sink; NULL is accepted. */
void fg_printer_close(fg_printer *p);

/** Renders every page of a TIFF into a PDF file at its physical size. */
fg_err fg_pdf_from_tiff(const char *tiff_path, const char *pdf_path);

#endif
