/* faxgate — "sip:USER@HOST[:PORT]": forward by fax, for an MFP that only takes faxes.
 *
 * A fax the gateway delivers is sent on to the MFP as a new fax call (the sender of
 * faxgate/sender.h over the SIP line driver, G.711 at line pace, or T.38 with ";t38"), so that
 * the MFP prints it as it prints any fax. Only the delivery queue reaches a sink, and only
 * faxes judged `deliver` (or released by an operator) are in it: an ad is never forwarded.
 *
 * A fax call has no job id and no job list: the job is done when the MFP has confirmed every
 * page (MCF). A call that is refused, busy, not answered or broken is FG_ERR_PRINTER_DOWN and
 * retried on [printer] retry_seconds; a broken call may leave the MFP with the pages it
 * confirmed, and the retry sends the fax again in full, as a fax machine does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faxgate/sender.h"
#include "printer_impl.h"

#define FORWARD_TIMEOUT_S 900   /* a forwarded fax of many pages at 9600 bit/s */

typedef struct fax_printer {
    struct fg_printer base;
    char line[300];             /* the line URI to call, with our own parameters taken out */
    char tsi[21];
    bool t38;
} fax_printer;

static fg_err fax_print(fg_printer *p, const char *tiff_path, const char *job_name, int *job_id)
{
    fax_printer *fp = (fax_printer *)p;
    const char *files[] = {tiff_path};
    fg_send_opts o = {
        .line = fp->line,
        .files = files,
        .nfiles = 1,
        .tsi = fp->tsi,
        .ecm = true,
        .realtime = true,   /* an MFP keeps its own clock */
        .t38 = fp->t38,
        .timeout_s = FORWARD_TIMEOUT_S,
    };
    fg_send_result r;
    fg_err e;

    (void)job_name;
    *job_id = 0;
    e = fg_send_fax(&o, &r);
    if (e == FG_ERR_FORMAT || e == FG_ERR_NOTFOUND)
        return e;   /* the file itself: retrying will not help */
    if (e || !r.accepted)
        return fg_err_set(FG_ERR_PRINTER_DOWN, "forwarding to %s: %s (%d of %d page%s confirmed, T.30: %s); the job "
                          "stays queued and is retried", p->uri, e ? fg_err_msg(e) : "the fax was not accepted",
                          r.pages_sent, r.pages_total, r.pages_total == 1 ? "" : "s", r.t30_text);
    return FG_OK;
}

static fg_err fax_open(const char *uri, fg_printer **out)
{
    fax_printer *fp;
    char *semi;

    if (strncmp(uri, "sip:", 4) || !strchr(uri, '@'))
        return fg_err_set(FG_ERR_CONFIG, "printer URI '%s' is not valid: write sip:USER@HOST[:PORT] (the MFP's fax "
                          "line), with ;t38 to send in T.38 and ;tsi=ID for the identity it shows", uri);
    if (!(fp = calloc(1, sizeof *fp)) || !(fp->base.uri = strdup(uri))) {
        free(fp);
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate a printer");
    }
    snprintf(fp->line, sizeof fp->line, "%s", uri);
    snprintf(fp->tsi, sizeof fp->tsi, "faxgate");
    /* our parameters: ";t38" and ";tsi=..."; the line driver's (transport) stay */
    if ((semi = strstr(fp->line, ";t38")) && (semi[4] == '\0' || semi[4] == ';')) {
        fp->t38 = true;
        memmove(semi, semi + 4, strlen(semi + 4) + 1);
    }
    if ((semi = strstr(fp->line, ";tsi="))) {
        size_t n = strcspn(semi + 5, ";");

        snprintf(fp->tsi, sizeof fp->tsi, "%.*s", (int)(n < 20 ? n : 20), semi + 5);
        memmove(semi, semi + 5 + n, strlen(semi + 5 + n) + 1);
    }
    fp->base.driver = &fg_printer_fax;
    fp->base.print = fax_print;
    *out = &fp->base;
    return FG_OK;
}

const fg_printer_driver fg_printer_fax = {"sip", fax_open};
