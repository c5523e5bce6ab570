/* faxgate — printer sinks: choosing a driver by URI scheme from the board's table. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faxgate/deliver.h"
#include "printer_impl.h"

fg_err fg_printer_open(const char *uri, fg_printer **out)
{
    const fg_printer_driver *const *d;
    char scheme[16], have[96] = "";
    size_t n = 0;

    *out = NULL;
    if (!uri)
        uri = "";
    while (uri[n] && uri[n] != ':' && n < sizeof scheme - 1 && (isalnum((unsigned char)uri[n]) || uri[n] == '+'))
        n++;
    if (uri[n] != ':' || n == 0)
        return fg_err_set(FG_ERR_CONFIG,
                          "printer '%s' is not a URI: write ipp://HOST:PORT/ipp/print, ipps://… or spool:DIR", uri);
    memcpy(scheme, uri, n);
    scheme[n] = '\0';
    for (d = fg_board_hal.printers; d && *d; d++) {
        if (strcmp((*d)->scheme, scheme) == 0)
            return (*d)->open(uri, out);
        if (strlen(have) + strlen((*d)->scheme) + 3 < sizeof have)
            snprintf(have + strlen(have), sizeof have - strlen(have), "%s%s", have[0] ? ", " : "", (*d)->scheme);
    }
    return fg_err_set(FG_ERR_UNSUPPORTED, "printer scheme '%s:' is not available on board %s (it has: %s)", scheme,
                      fg_board_hal.board, have[0] ? have : "none");
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
