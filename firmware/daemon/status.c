/* faxgated — the daemon's state in one JSON object, for the control socket (`faxgatectl status`)
 * and the web admin's /status page alike, so that the two never show different things.
 *
 * Nothing here is cached: the calls come from the table the call threads publish (livecalls.c),
 * the queues from the store, the printer is asked now (printer_state.c), the free space is the
 * spool's file system's now, and the evidence ledger's head is read in one query. A full verify
 * of the ledger reads every page file, so it is not part of a status: faxgatectl evidence verify
 * and the web page's button run it on request.
 */
#include <stdlib.h>
#include <unistd.h>

#include "gateway.h"
#include "log.h"

/* The printer's state now; asked on each status, never cached (printer_state.c). */
static json_t *printer_json(gateway *gw)
{
    const char *uri = fg_config_get(gw->cfg, "printer", "uri");
    fg_printer_status ps;
    fg_printer *pr = NULL;
    fg_err e;

    if ((e = fg_printer_open_config(gw->cfg, &pr)) || (e = fg_printer_state(pr, &ps))) {
        fg_printer_close(pr);
        return json_pack("{s:s, s:s, s:s}", "uri", uri, "state", "unknown", "message", fg_err_msg(e));
    }
    fg_printer_close(pr);
    return json_pack("{s:s, s:s, s:s, s:s, s:b}", "uri", uri, "state", ps.state, "reasons", ps.reasons, "message",
                     ps.message, "accepting", ps.accepting);
}

/* A queue's listing from the store (queues live there, not in memory). */
static json_t *queue_json(gateway *gw, fg_err (*list)(fg_store *, char **), const char *what)
{
    char *text = NULL;
    json_t *q;
    fg_err e;

    if ((e = list(gw->st, &text)))
        return json_pack("{s:s}", "error", fg_err_msg(e));
    q = json_loads(text, 0, NULL);
    free(text);
    return q ? q : json_pack("{s:s+}", "error", "the store's listing is not JSON: ", what);
}

/* The spool's free space against the limit below which calls are refused (callthread.c). */
static json_t *disk_json(gateway *gw)
{
    long mb = 0;
    fg_err e;

    if ((e = spool_free_mb(gw->spool, &mb)))
        return json_pack("{s:s, s:s}", "spool", gw->spool, "error", fg_err_msg(e));
    return json_pack("{s:s, s:I, s:I}", "spool", gw->spool, "free_mb", (json_int_t)mb, "min_free_mb",
                     (json_int_t)atomic_load(&gw->min_free_mb));
}

/* The ledger's head, as `faxgatectl evidence head` reads it. */
static json_t *evidence_json(gateway *gw)
{
    fg_ledger_head h;
    fg_err e;

    if ((e = fg_store_ledger_head(gw->st, &h)))
        return json_pack("{s:s}", "error", fg_err_msg(e));
    return json_pack("{s:I, s:I, s:s?, s:s?}", "entries", (json_int_t)h.entries, "seq", (json_int_t)h.seq, "chain",
                     h.chain[0] ? h.chain : NULL, "at", h.at[0] ? h.at : NULL);
}

json_t *gateway_status_json(gateway *gw)
{
    const char *listening = atomic_load(&gw->listening);

    return json_pack("{s:b, s:{s:s, s:i, s:I, s:s, s:s?, s:s, s:b, s:i, s:i, s:i, s:i, s:i}, s:o, s:o, s:o, s:o, s:o, s:o}",
                     "ok", 1,
                     "daemon", "version", FAXGATE_VERSION, "pid", (int)getpid(), "uptime_s",
                     (json_int_t)(time(NULL) - gw->started), "listen", listening ? listening : gw->listen_uri,
                     "config", gw->config_path, "log", log_target(), "stopping", (int)atomic_load(&gw->stopping),
                     "active_calls", atomic_load(&gw->active_calls),
                     /* let through by the screen, not started yet: ringing, or answered and starting */
                     "calls_ringing", atomic_load(&gw->places) - atomic_load(&gw->active_calls), "max_calls", atomic_load(&gw->max_calls),
                     "ocr_workers", ocr_pool_size(gw->ocr), "ocr_engines", ocr_pool_loaded(gw->ocr),
                     "calls", livecalls_json(), "print_queue", queue_json(gw, fg_store_delivery_json, "print queue"),
                     "outgoing", queue_json(gw, fg_store_outgoing_json, "outgoing queue"), "printer", printer_json(gw),
                     "disk", disk_json(gw), "evidence", evidence_json(gw));
}
