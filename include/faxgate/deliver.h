/* faxgate — deliver: pages to the printer (IPP Everywhere through libcups, a raw socket) or a folder.
 *
 * "ipp://HOST:PORT/PATH" prints as PDF (cairo) when the printer takes it, else as
 * PWG raster (libcups), which every IPP Everywhere printer must accept.
 * "socket://HOST:PORT" (AppSocket/JetDirect, port 9100) sends PDF or PCL as raw bytes.
 * "spool:DIR" writes a PDF per fax into DIR. A printer that is down answers
 * FG_ERR_PRINTER_DOWN: the caller keeps the job queued and retries; nothing is lost.
 * A printer printing something else answers FG_ERR_PRINTER_BUSY: the caller waits until
 * fg_printer_idle says it is idle and sends the job then.
 *
 * Paper follows the fax: a fax whose longest page is about Letter length (11 in) prints on
 * Letter, any other on A4 (the ITU page), each page scaled down to fit if it must, never up.
 */
#ifndef FAXGATE_DELIVER_H
#define FAXGATE_DELIVER_H

#include <stdbool.h>
#include <stddef.h>

#include "faxgate/config.h"
#include "faxgate/error.h"
#include "faxgate/hal.h"

typedef enum fg_media_size {
    FG_MEDIA_AUTO = 0,   /* follow the fax */
    FG_MEDIA_A4,
    FG_MEDIA_LETTER,
} fg_media_size;

/** Document format for sinks that take bytes as they are (socket://). */
typedef enum fg_print_format {
    FG_FORMAT_PDF = 0,
    FG_FORMAT_PCL,       /* PCL 5 raster */
} fg_print_format;

typedef struct fg_print_opts {
    fg_media_size paper;
    fg_print_format format;
} fg_print_opts;

/** A sheet of paper. */
typedef struct fg_media {
    fg_media_size size;
    const char *name;            /* "A4", "Letter" */
    const char *pwg;             /* IPP media keyword: "iso_a4_210x297mm", "na_letter_8.5x11in" */
    double width_pt, height_pt;  /* 1/72 in */
} fg_media;

/** Where a page lands on a sheet: scale from the page's physical size (<= 1), and the box it
    fills, in points from the sheet's top left corner. */
typedef struct fg_place {
    double scale;
    double x_pt, y_pt, w_pt, h_pt;
} fg_place;

/** How far a job the printer accepted has got (IPP job-state). */
typedef enum fg_job_state {
    FG_JOB_UNKNOWN = 0,   /* the printer no longer knows the job */
    FG_JOB_PENDING,
    FG_JOB_HELD,
    FG_JOB_PROCESSING,
    FG_JOB_STOPPED,       /* processing-stopped: the printer needs attention */
    FG_JOB_CANCELED,
    FG_JOB_ABORTED,
    FG_JOB_COMPLETED,
} fg_job_state;

/** Opens a printer sink by URI through the board's printer drivers; opts NULL = defaults
    (paper follows the fax, PDF). */
fg_err fg_printer_open(const char *uri, const fg_print_opts *opts, fg_printer **out);

/** Opens the printer of [printer] uri with its paper and format. */
fg_err fg_printer_open_config(const fg_config *cfg, fg_printer **out);

/** Prints every page of a TIFF as one job named job_name; *job_id gets the printer's job id
    (0 for a folder or a socket). FG_ERR_PRINTER_DOWN means retry later; FG_ERR_PRINTER_BUSY
    means the printer is printing something else: send again once it is idle. */
fg_err fg_printer_print(fg_printer *p, const char *tiff_path, const char *job_name, int *job_id);

/** Asks the printer whether it would print a job now. *idle false while it prints something
    else; why (may be NULL) gets its state and reasons. FG_ERR_UNSUPPORTED if the sink cannot
    tell (just print); FG_ERR_PRINTER_DOWN if it is unreachable, stopped or not accepting jobs. */
fg_err fg_printer_idle(fg_printer *p, bool *idle, char *why, size_t cap);

/** The state of a job the printer accepted; why (may be NULL) gets the job's state reasons.
    FG_ERR_UNSUPPORTED if the sink has no jobs to follow (a folder, a socket: written is done);
    FG_ERR_PRINTER_DOWN if the printer cannot be asked now. *state is FG_JOB_UNKNOWN when the
    printer no longer knows the job. */
fg_err fg_printer_job_state(fg_printer *p, int job_id, fg_job_state *state, char *why, size_t cap);

/** Lower-case IPP name of a job state ("completed"; "unknown"). */
const char *fg_job_state_name(fg_job_state s);

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

/** Renders every page of a TIFF into a PDF file, on the paper the fax calls for. */
fg_err fg_pdf_from_tiff(const char *tiff_path, const char *pdf_path);

/** The sheet of a paper size (FG_MEDIA_AUTO gives A4). */
const fg_media *fg_media_of(fg_media_size paper);

/** The paper for a page this long: Letter for about 11 in (264 to 288 mm), A4 otherwise. */
fg_media_size fg_media_size_for_length(double length_mm);

/** The sheet a whole fax prints on: want, unless FG_MEDIA_AUTO; then its longest page
    decides (fg_media_size_for_length). */
fg_err fg_media_for_tiff(const char *tiff_path, fg_media_size want, const fg_media **out);

/** Places a page of width x height pixels at xres x yres dpi on a sheet: scaled to fit inside
    margin_x / margin_y points from the edges (never enlarged), centred across, at the top. */
void fg_media_place(const fg_media *m, int width, int height, int xres, int yres, double margin_x,
                    double margin_y, fg_place *out);

#endif
