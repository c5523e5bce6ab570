/* faxgate — printer sinks: choosing a driver by URI scheme from the board's table. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faxgate/deliver.h"
#include "printer_impl.h"

fg_err fg_printer_open(const char *uri, const fg_print_opts *opts, fg_printer **out)
{
    const fg_printer_driver *const *d;
    char scheme[16], have[96] = "";
    size_t n = 0;
    fg_err e;

    *out = NULL;
    if (!uri)
        uri = "";
    while (uri[n] && uri[n] != ':' && n < sizeof scheme - 1 && (isalnum((unsigned char)uri[n]) || uri[n] == '+'))
        n++;
    if (uri[n] != ':' || n == 0)
        return fg_err_set(FG_ERR_CONFIG,
                          "printer '%s' is not a URI: write ipp://HOST:PORT/ipp/print, ipps://…, "
                          "socket://HOST:9100 or spool:DIR", uri);
    memcpy(scheme, uri, n);
    scheme[n] = '\0';
    for (d = fg_board_hal.printers; d && *d; d++) {
        if (strcmp((*d)->scheme, scheme) == 0) {
            if (!(e = (*d)->open(uri, out)) && opts)
                (*out)->opts = *opts;
            return e;
        }
        if (strlen(have) + strlen((*d)->scheme) + 3 < sizeof have)
            snprintf(have + strlen(have), sizeof have - strlen(have), "%s%s", have[0] ? ", " : "", (*d)->scheme);
    }
    return fg_err_set(FG_ERR_UNSUPPORTED, "printer scheme '%s:' is not available on board %s (it has: %s)", scheme,
                      fg_board_hal.board, have[0] ? have : "none");
}

fg_err fg_printer_open_config(const fg_config *cfg, fg_printer **out)
{
    const char *paper = fg_config_get(cfg, "printer", "paper"), *format = fg_config_get(cfg, "printer", "format");
    fg_print_opts opts = {FG_MEDIA_AUTO, FG_FORMAT_PDF};

    /* the values were checked when the configuration was read */
    if (paper && !strcmp(paper, "a4"))
        opts.paper = FG_MEDIA_A4;
    else if (paper && !strcmp(paper, "letter"))
        opts.paper = FG_MEDIA_LETTER;
    if (format && !strcmp(format, "pcl"))
        opts.format = FG_FORMAT_PCL;
    return fg_printer_open(fg_config_get(cfg, "printer", "uri"), &opts, out);
}

fg_err fg_printer_print(fg_printer *p, const char *tiff_path, const char *job_name, int *job_id)
{
    int ignored;

    if (!job_id)
        job_id = &ignored;
    *job_id = 0;
    if (!p || !tiff_path || !*tiff_path)
        return fg_err_set(FG_ERR_INVAL, "nothing to print: no printer or no TIFF given");
    return p->print(p, tiff_path, job_name && *job_name ? job_name : "fax", job_id);
}

fg_err fg_printer_find_job(fg_printer *p, const char *job_name, bool *found, int *job_id)
{
    int ignored;

    *found = false;
    if (!job_id)
        job_id = &ignored;
    *job_id = 0;
    if (!p || !job_name || !*job_name)
        return fg_err_set(FG_ERR_INVAL, "no printer or no job name to look for");
    if (!p->find)
        return fg_err_set(FG_ERR_UNSUPPORTED, "printer %s cannot tell which jobs it has", p->uri);
    return p->find(p, job_name, found, job_id);
}

fg_err fg_printer_idle(fg_printer *p, bool *idle, char *why, size_t cap)
{
    char ignored[8];

    *idle = true;
    if (!why || !cap)
        why = ignored, cap = sizeof ignored;
    why[0] = '\0';
    if (!p)
        return fg_err_set(FG_ERR_INVAL, "no printer to ask");
    if (!p->idle)
        return fg_err_set(FG_ERR_UNSUPPORTED, "printer %s cannot say whether it is busy", p->uri);
    return p->idle(p, idle, why, cap);
}

fg_err fg_printer_job_state(fg_printer *p, int job_id, fg_job_state *state, char *why, size_t cap)
{
    char ignored[8];

    *state = FG_JOB_UNKNOWN;
    if (!why || !cap)
        why = ignored, cap = sizeof ignored;
    why[0] = '\0';
    if (!p)
        return fg_err_set(FG_ERR_INVAL, "no printer to ask about a job");
    if (!p->job_state)
        return fg_err_set(FG_ERR_UNSUPPORTED, "printer %s has no jobs to follow", p->uri);
    if (job_id <= 0)
        return fg_err_set(FG_ERR_UNSUPPORTED, "printer %s gave the job no id to follow it by", p->uri);
    return p->job_state(p, job_id, state, why, cap);
}

const char *fg_job_state_name(fg_job_state s)
{
    static const char *const names[] = {
        [FG_JOB_UNKNOWN] = "unknown",     [FG_JOB_PENDING] = "pending",   [FG_JOB_HELD] = "pending-held",
        [FG_JOB_PROCESSING] = "processing", [FG_JOB_STOPPED] = "processing-stopped",
        [FG_JOB_CANCELED] = "canceled",   [FG_JOB_ABORTED] = "aborted",   [FG_JOB_COMPLETED] = "completed",
    };

    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "unknown";
}

const char *fg_printer_uri(const fg_printer *p)
{
    return p ? p->uri : NULL;
}

void fg_printer_close(fg_printer *p)
{
    if (!p)
        return;
    if (p->close)
        p->close(p);
    free(p->uri);
    free(p);
}
