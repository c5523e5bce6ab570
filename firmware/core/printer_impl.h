/* faxgate — body of fg_printer, private to the printer drivers in firmware/core. */
#ifndef FAXGATE_PRINTER_IMPL_H
#define FAXGATE_PRINTER_IMPL_H

#include "faxgate/deliver.h"

/* Each sink allocates a larger struct that starts with this header. */
struct fg_printer {
    const fg_printer_driver *driver;
    char *uri;
    fg_print_opts opts;   /* set by fg_printer_open after the driver's open */
    fg_err (*print)(fg_printer *p, const char *tiff_path, const char *job_name, int *job_id);
    /* NULL if the sink cannot tell which jobs it has */
    fg_err (*find)(fg_printer *p, const char *job_name, bool *found, int *job_id);
    /* NULL if the sink has no state to ask (a folder, a socket) */
    fg_err (*idle)(fg_printer *p, bool *idle, char *why, size_t cap);
    /* NULL if the sink has no jobs to follow: a job written is done */
    fg_err (*job_state)(fg_printer *p, int job_id, fg_job_state *state, char *why, size_t cap);
    void (*close)(fg_printer *p);   /* frees the sink's own part, not uri or the struct */
};

/* The state of an ipp:// or ipps:// printer (Get-Printer-Attributes), at the end of printer_ipp.c. */
fg_err fg_ipp_state(fg_printer *p, fg_printer_status *out);

#endif
