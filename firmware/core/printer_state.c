/* faxgate — the printer's state for an operator (`faxgatectl status`): asked of the sink on
 * demand, never cached, so that what is shown is what the printer says now.
 *
 * Kept out of struct fg_printer's method table: the sinks' open functions need not change, and
 * a sink without a way to tell reports "unknown".
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "faxgate/deliver.h"
#include "printer_impl.h"

fg_err fg_printer_state(fg_printer *p, fg_printer_status *out)
{
    memset(out, 0, sizeof *out);
    if (!p)
        return fg_err_set(FG_ERR_INVAL, "no printer to ask");
    if (p->driver == &fg_printer_ipp || p->driver == &fg_printer_ipps)
        return fg_ipp_state(p, out);
    if (p->driver == &fg_printer_spool) {
        const char *dir = p->uri + strlen("spool:");

        out->accepting = access(dir, W_OK | X_OK) == 0;
        snprintf(out->state, sizeof out->state, "%s", out->accepting ? "ready" : "down");
        snprintf(out->reasons, sizeof out->reasons, "%s", out->accepting ? "none" : "folder-not-writable");
        if (!out->accepting)
            snprintf(out->message, sizeof out->message, "folder %s is missing or not writable", dir);
        return FG_OK;
    }
    snprintf(out->state, sizeof out->state, "unknown");
    snprintf(out->message, sizeof out->message, "printer %s cannot tell its state", p->uri);
    return FG_OK;
}
