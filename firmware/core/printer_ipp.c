/* faxgate — "ipp://" and "ipps://" printers: IPP Everywhere through libcups.
 *
 * Each job opens its own connection (a printer that was off an hour ago is simply tried
 * again), asks Get-Printer-Attributes whether the printer is up and what it accepts, and
 * sends one Print-Job: PDF when the printer lists application/pdf, else PWG raster, which
 * every IPP Everywhere printer must take, at a resolution and colour type the printer lists.
 *
 * The paper follows the fax (media.c): the document is drawn on A4 or Letter and the job asks
 * for that `media` when the printer lists it; a printer that lists only the other one gets the
 * fax fitted to the one it has.
 *
 * Errors are split the way the print queue needs them. A printer printing something else
 * (server-error-busy, client-error-too-many-jobs: ippeveprinter and many MFPs take one job at
 * a time) is FG_ERR_PRINTER_BUSY: the queue waits until printer-state says idle and sends the
 * job then, rather than retry after a delay. Anything else that may pass by itself (refused or
 * timed-out connection, server-error-service-unavailable / -temporary, a stopped printer or
 * one not accepting jobs) is FG_ERR_PRINTER_DOWN and the job is retried later; a client error
 * such as document-format-not-supported is FG_ERR_PRINTER.
 *
 * After Print-Job the queue follows the job (Get-Job-Attributes) to completed, aborted or
 * canceled: a job the printer aborts was not printed and is sent again.
 */
#include <cups/cups.h>
#include <cups/raster.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deliver_impl.h"
#include "faxgate/page.h"
#include "printer_impl.h"

#define CONNECT_MS 5000     /* a printer that does not answer a TCP connect in 5 s is down */
#define IO_TIMEOUT_S 60.0   /* silence in the middle of a request */

typedef struct ipp_printer {
    struct fg_printer base;
    char host[256];
    char resource[1024];
    int port;
    http_encryption_t enc;
} ipp_printer;

/* What Get-Printer-Attributes told us. */
typedef struct ipp_caps {
    bool pdf, pwg;
    char type[16];     /* PWG raster type: black_1, sgray_8 or srgb_8 */
    int xdpi, ydpi;    /* PWG raster resolution */
    char formats[256]; /* document-format-supported, for messages */
    bool media_listed; /* media-supported was there */
    bool a4, letter;   /* …and listed these */
} ipp_caps;

static bool transient(ipp_status_t s)
{
    switch (s) {
    case IPP_STATUS_ERROR_TIMEOUT:
    case IPP_STATUS_ERROR_INTERNAL:
    case IPP_STATUS_ERROR_SERVICE_UNAVAILABLE:
    case IPP_STATUS_ERROR_DEVICE:
    case IPP_STATUS_ERROR_TEMPORARY:
    case IPP_STATUS_ERROR_NOT_ACCEPTING_JOBS:
    case IPP_STATUS_ERROR_PRINTER_IS_DEACTIVATED:
        return true;
    default:
        return false;
    }
}

/* An error from libcups' last request, classified. */
static fg_err request_err(const ipp_printer *ip, const char *what)
{
    ipp_status_t s = cupsLastError();
    const char *msg = cupsLastErrorString();

    if (s == IPP_STATUS_ERROR_BUSY || s == IPP_STATUS_ERROR_TOO_MANY_JOBS)
        return fg_err_set(FG_ERR_PRINTER_BUSY, "printer %s is busy (%s: %s); the job is sent when it is idle",
                          ip->base.uri, ippErrorString(s), msg ? msg : "no reason given");
    if (transient(s) || s < IPP_STATUS_ERROR_BAD_REQUEST)
        return fg_err_set(FG_ERR_PRINTER_DOWN, "printer %s: %s failed (%s: %s); the job stays queued and is retried",
                          ip->base.uri, what, ippErrorString(s), msg ? msg : "no answer");
    return fg_err_set(FG_ERR_PRINTER, "printer %s refused %s (%s: %s)", ip->base.uri, what, ippErrorString(s),
                      msg ? msg : "");
}

static int give_up(http_t *http, void *user_data)
{
    (void)http;
    (void)user_data;
    return 0;   /* a timeout ends the request; the queue retries later */
}

static const char *no_password(const char *prompt, http_t *http, const char *method, const char *resource,
                               void *user_data)
{
    (void)prompt, (void)http, (void)method, (void)resource, (void)user_data;
    return NULL;   /* a daemon never prompts on a terminal */
}

static ipp_t *new_request(const ipp_printer *ip, ipp_op_t op)
{
    ipp_t *req = ippNewRequest(op);

    ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, ip->base.uri);
    ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", NULL, "faxgate");
    return req;
}

/* The lowest listed resolution of at least 200 dpi each way (fax is 204 x 98..391), else the
   highest; 300 dpi if the printer lists none. */
static void pick_resolution(ipp_attribute_t *a, ipp_caps *c)
{
    int lo_x = 0, lo_y = 0, hi_x = 0, hi_y = 0;

    for (int i = 0; a && i < ippGetCount(a); i++) {
        ipp_res_t units;
        int y, x = ippGetResolution(a, i, &y, &units);

        if (units == IPP_RES_PER_CM)
            x = (int)(x * 2.54 + 0.5), y = (int)(y * 2.54 + 0.5);
        if (x <= 0 || y <= 0 || x > 2400 || y > 2400)
            continue;
        if (x >= 200 && y >= 200 && (!lo_x || x * y < lo_x * lo_y))
            lo_x = x, lo_y = y;
        if (x * y > hi_x * hi_y)
            hi_x = x, hi_y = y;
    }
    c->xdpi = lo_x ? lo_x : hi_x ? hi_x : 300;
    c->ydpi = lo_x ? lo_y : hi_x ? hi_y : 300;
}

/* black_1 is smallest for a bilevel fax; sgray_8 is mandatory for IPP Everywhere. */
static const char *pick_type(ipp_attribute_t *a)
{
    static const char *const pref[] = {"black_1", "sgray_8", "srgb_8"};

    if (!a)
        return "sgray_8";
    for (size_t i = 0; i < sizeof pref / sizeof pref[0]; i++)
        if (ippContainsString(a, pref[i]))
            return pref[i];
    return "";
}

static fg_err get_caps(http_t *http, const ipp_printer *ip, ipp_caps *c)
{
    static const char *const want[] = {"document-format-supported", "printer-state", "printer-state-reasons",
                                       "printer-is-accepting-jobs", "pwg-raster-document-type-supported",
                                       "pwg-raster-document-resolution-supported", "media-supported"};
    ipp_t *req = new_request(ip, IPP_OP_GET_PRINTER_ATTRIBUTES), *resp;
    ipp_attribute_t *a;
    char reasons[256] = "";
    fg_err e = FG_OK;

    memset(c, 0, sizeof *c);
    ippAddStrings(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
                  (int)(sizeof want / sizeof want[0]), NULL, want);
    resp = cupsDoRequest(http, req, ip->resource);
    if (!resp || cupsLastError() >= IPP_STATUS_ERROR_BAD_REQUEST) {
        ippDelete(resp);
        return request_err(ip, "Get-Printer-Attributes");
    }
    if ((a = ippFindAttribute(resp, "printer-state-reasons", IPP_TAG_KEYWORD)))
        ippAttributeString(a, reasons, sizeof reasons);
    if ((a = ippFindAttribute(resp, "printer-state", IPP_TAG_ENUM)) && ippGetInteger(a, 0) == IPP_PSTATE_STOPPED)
        e = fg_err_set(FG_ERR_PRINTER_DOWN, "printer %s is stopped (%s); the job stays queued and is retried",
                       ip->base.uri, reasons[0] ? reasons : "no reason given");
    else if ((a = ippFindAttribute(resp, "printer-is-accepting-jobs", IPP_TAG_BOOLEAN)) && !ippGetBoolean(a, 0))
        e = fg_err_set(FG_ERR_PRINTER_DOWN, "printer %s is not accepting jobs (%s); the job stays queued and is retried",
                       ip->base.uri, reasons[0] ? reasons : "no reason given");
    if (!e && (a = ippFindAttribute(resp, "document-format-supported", IPP_TAG_MIMETYPE))) {
        ippAttributeString(a, c->formats, sizeof c->formats);
        c->pdf = ippContainsString(a, "application/pdf");
        c->pwg = ippContainsString(a, "image/pwg-raster");
    }
    if (!e && (a = ippFindAttribute(resp, "media-supported", IPP_TAG_ZERO))) {
        c->media_listed = true;
        c->a4 = ippContainsString(a, fg_media_of(FG_MEDIA_A4)->pwg);
        c->letter = ippContainsString(a, fg_media_of(FG_MEDIA_LETTER)->pwg);
    }
    if (!e && !c->pdf && !c->pwg)
        e = fg_err_set(FG_ERR_PRINTER, "printer %s takes neither PDF nor PWG raster (it lists: %s); it is not an IPP "
                       "Everywhere printer: use another printer or a spool: folder", ip->base.uri,
                       c->formats[0] ? c->formats : "nothing");
    if (!e && c->pwg) {
        snprintf(c->type, sizeof c->type, "%s",
                 pick_type(ippFindAttribute(resp, "pwg-raster-document-type-supported", IPP_TAG_KEYWORD)));
        if (!c->type[0] && !c->pdf)
            e = fg_err_set(FG_ERR_PRINTER, "printer %s lists no PWG raster type faxgate can send (black_1, sgray_8, "
                           "srgb_8)", ip->base.uri);
        pick_resolution(ippFindAttribute(resp, "pwg-raster-document-resolution-supported", IPP_TAG_RESOLUTION), c);
    }
    ippDelete(resp);
    return e;
}

/* ---- PWG raster ---- */

static ssize_t raster_write(void *ctx, unsigned char *buf, size_t len)
{
    return fwrite(buf, 1, len, (FILE *)ctx) == len ? (ssize_t)len : -1;
}

/* One output row from source row sy, sampled through xmap (nearest neighbour; -1 is margin). */
static void raster_row(const fg_page *p, int sy, const int *xmap, const cups_page_header2_t *h, unsigned char *line)
{
    const uint8_t *src = p->bits + (size_t)sy * (size_t)p->stride;
    unsigned bpp = h->cupsBitsPerPixel;

    memset(line, bpp == 1 ? 0x00 : 0xff, h->cupsBytesPerLine);
    for (unsigned ox = 0; ox < h->cupsWidth; ox++) {
        int sx = xmap[ox];

        if (sx < 0 || !(src[sx >> 3] & (0x80 >> (sx & 7))))
            continue;
        if (bpp == 1)
            line[ox >> 3] |= (unsigned char)(0x80 >> (ox & 7));   /* black_1: 1 = black */
        else
            memset(line + (size_t)ox * (bpp / 8), 0x00, bpp / 8);   /* sgray/srgb: 0 = black */
    }
}

/* One sheet of media at the printer's resolution, the page placed on it as media.c says. */
static fg_err raster_page(cups_raster_t *ras, const fg_page *p, const ipp_caps *c, const fg_media *m, int pages)
{
    cups_page_header2_t h;
    unsigned char *line = NULL, *blank = NULL;
    int *xmap = NULL, last = -1;
    int64_t x0, y0, bw, bh;
    pwg_media_t *pm;
    fg_place at;
    fg_err e = FG_OK;

    if (!(pm = pwgMediaForPWG(m->pwg)) || !cupsRasterInitPWGHeader(&h, pm, c->type, c->xdpi, c->ydpi,
                                                                       "one-sided", NULL))
        return fg_err_set(FG_ERR_PRINTER, "cannot describe a %s raster page on %s: %s", c->type, m->name,
                          cupsRasterErrorString());
    if (h.cupsWidth == 0 || h.cupsHeight == 0 || h.cupsWidth > 65535 || h.cupsHeight > 400000)
        return fg_err_set(FG_ERR_TOOBIG, "a %s sheet at %dx%d dpi does not fit a raster", m->name, c->xdpi, c->ydpi);
    h.cupsInteger[0] = (unsigned)pages;   /* PWG TotalPageCount */
    fg_media_place(m, p->width, p->height, p->xres, p->yres, 0, 0, &at);
    x0 = (int64_t)(at.x_pt * c->xdpi / 72.0 + 0.5);
    y0 = (int64_t)(at.y_pt * c->ydpi / 72.0 + 0.5);
    bw = (int64_t)(at.w_pt * c->xdpi / 72.0 + 0.5);
    bh = (int64_t)(at.h_pt * c->ydpi / 72.0 + 0.5);
    if (bw < 1)
        bw = 1;
    if (bh < 1)
        bh = 1;
    if (!(line = malloc(h.cupsBytesPerLine)) || !(blank = malloc(h.cupsBytesPerLine)) ||
        !(xmap = malloc((size_t)h.cupsWidth * sizeof *xmap))) {
        e = fg_err_set(FG_ERR_NOMEM, "cannot allocate a raster line");
        goto out;
    }
    memset(blank, h.cupsBitsPerPixel == 1 ? 0x00 : 0xff, h.cupsBytesPerLine);
    for (int64_t ox = 0; ox < h.cupsWidth; ox++)
        xmap[ox] = ox < x0 || ox >= x0 + bw ? -1 : (int)((ox - x0) * p->width / bw);
    if (!cupsRasterWriteHeader2(ras, &h)) {
        e = fg_err_set(FG_ERR_NOMEM, "cannot write a raster page header: %s", cupsRasterErrorString());
        goto out;
    }
    for (int64_t oy = 0; oy < h.cupsHeight; oy++) {
        const unsigned char *row = blank;

        if (oy >= y0 && oy < y0 + bh) {
            int sy = (int)((oy - y0) * p->height / bh);

            if (sy != last)
                raster_row(p, sy, xmap, &h, line);
            last = sy;
            row = line;
        }
        if (cupsRasterWritePixels(ras, (unsigned char *)row, h.cupsBytesPerLine) != h.cupsBytesPerLine) {
            e = fg_err_set(FG_ERR_NOMEM, "cannot write raster data: %s", cupsRasterErrorString());
            break;
        }
    }
out:
    free(line);
    free(blank);
    free(xmap);
    return e;
}

static fg_err render_pwg(const char *tiff, const ipp_caps *c, const fg_media *m, FILE *out)
{
    cups_raster_t *ras;
    fg_page *p = NULL;
    fg_err e;
    int n;

    if ((e = fg_page_tiff_count(tiff, &n)))
        return e;
    if (!(ras = cupsRasterOpenIO(raster_write, out, CUPS_RASTER_WRITE_PWG)))
        return fg_err_set(FG_ERR_NOMEM, "cannot start a PWG raster stream: %s", cupsRasterErrorString());
    for (int i = 0; i < n && !e; i++) {
        if (!(e = fg_page_read_tiff(tiff, i, &p)))
            e = raster_page(ras, p, c, m, n);
        fg_page_free(p);
        p = NULL;
    }
    cupsRasterClose(ras);
    return e;
}

/* ---- the job ---- */

static fg_err send_job(http_t *http, const ipp_printer *ip, const char *job_name, const char *format,
                       const char *media, const char *doc, size_t len, int *job_id)
{
    ipp_t *req = new_request(ip, IPP_OP_PRINT_JOB), *resp;
    ipp_attribute_t *a;
    http_status_t hs;
    char name[256];
    fg_err e = FG_OK;

    snprintf(name, sizeof name, "%s", job_name);
    ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_NAME, "job-name", NULL, name);
    ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_MIMETYPE, "document-format", NULL, format);
    if (media)
        ippAddString(req, IPP_TAG_JOB, IPP_TAG_KEYWORD, "media", NULL, media);
    /* the HTTP body is the IPP request followed by the document */
    hs = cupsSendRequest(http, req, ip->resource, ippLength(req) + len);
    for (size_t off = 0; hs == HTTP_STATUS_CONTINUE && off < len; off += 65536)
        hs = cupsWriteRequestData(http, doc + off, len - off < 65536 ? len - off : 65536);
    resp = cupsGetResponse(http, ip->resource);
    ippDelete(req);
    if (!resp || cupsLastError() >= IPP_STATUS_ERROR_BAD_REQUEST)
        e = request_err(ip, "the print job");
    else if ((a = ippFindAttribute(resp, "job-id", IPP_TAG_INTEGER)))
        *job_id = ippGetInteger(a, 0);
    ippDelete(resp);
    return e;
}

/* A connection to the printer, or FG_ERR_PRINTER_DOWN saying why there is none. */
static fg_err ipp_connect(const ipp_printer *ip, http_t **out)
{
    http_t *http;
    fg_err e;

    *out = NULL;
    cupsSetPasswordCB2(no_password, NULL);
    /* msec 0: create without connecting, so that the connect error is still there to report */
    if (!(http = httpConnect2(ip->host, ip->port, NULL, AF_UNSPEC, ip->enc, 1, 0, NULL)))
        return fg_err_set(FG_ERR_PRINTER_DOWN, "printer %s: cannot find host %s; the job stays queued and is retried",
                          ip->base.uri, ip->host);
    if (httpReconnect2(http, CONNECT_MS, NULL) != 0) {
        int err = httpError(http);

        /* libcups reports EHOSTDOWN when every address refused at once */
        e = fg_err_set(FG_ERR_PRINTER_DOWN, "printer %s: cannot connect to %s port %d (%s); the job stays queued "
                       "and is retried", ip->base.uri, ip->host, ip->port,
                       err == EHOSTDOWN ? "connection refused or host down" : err ? strerror(err) : "no answer");
        httpClose(http);
        return e;
    }
    httpSetTimeout(http, IO_TIMEOUT_S, give_up, NULL);
    *out = http;
    return FG_OK;
}

/* The paper for this fax on this printer: the fax's own, unless the printer lists only the
   other size (then the fax is fitted to that); NULL media keyword if the printer lists neither. */
static fg_err pick_media(const ipp_printer *ip, const ipp_caps *c, const char *tiff, const fg_media **m,
                         const char **keyword)
{
    fg_err e = fg_media_for_tiff(tiff, ip->base.opts.paper, m);
    bool have = (*m)->size == FG_MEDIA_LETTER ? c->letter : c->a4;

    *keyword = NULL;
    if (e || !c->media_listed)
        return e;
    if (!have && ip->base.opts.paper == FG_MEDIA_AUTO && (c->a4 || c->letter))
        *m = fg_media_of(c->a4 ? FG_MEDIA_A4 : FG_MEDIA_LETTER), have = true;
    if (have)
        *keyword = (*m)->pwg;
    return FG_OK;
}

static fg_err ipp_job(ipp_printer *ip, const char *tiff_path, const char *job_name, int *job_id)
{
    const char *keyword;
    const fg_media *m;
    char *doc = NULL;
    size_t len = 0;
    ipp_caps caps;
    http_t *http;
    FILE *mem;
    fg_err e;

    if ((e = ipp_connect(ip, &http)))
        return e;
    if ((e = get_caps(http, ip, &caps)) || (e = pick_media(ip, &caps, tiff_path, &m, &keyword)))
        goto out;
    if (!(mem = open_memstream(&doc, &len))) {
        e = fg_err_set(FG_ERR_NOMEM, "cannot allocate the print document");
        goto out;
    }
    e = caps.pdf ? fg_pdf_write(tiff_path, m, mem) : render_pwg(tiff_path, &caps, m, mem);
    if (fclose(mem) != 0 && !e)
        e = fg_err_set(FG_ERR_NOMEM, "cannot finish the print document");
    if (!e)
        e = send_job(http, ip, job_name, caps.pdf ? "application/pdf" : "image/pwg-raster", keyword, doc, len,
                     job_id);
out:
    free(doc);
    httpClose(http);
    return e;
}

/* A printer that closes the connection while we send would raise SIGPIPE (Linux has no
   SO_NOSIGPIPE) and kill the daemon: it is blocked on this thread around each exchange, and
   what we caused is discarded. */
static void pipe_block(sigset_t *old)
{
    sigset_t pipe_set;

    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, old);
}

static void pipe_unblock(const sigset_t *old)
{
    struct timespec zero = {0, 0};
    sigset_t pipe_set;

    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    if (!sigismember(old, SIGPIPE))
        while (sigtimedwait(&pipe_set, NULL, &zero) > 0)
            ;
    pthread_sigmask(SIG_SETMASK, old, NULL);
}

static fg_err ipp_print(fg_printer *p, const char *tiff_path, const char *job_name, int *job_id)
{
    sigset_t old;
    fg_err e;
    int n;

    *job_id = 0;
    /* a fax that cannot be read fails for good before the printer is disturbed */
    if ((e = fg_page_tiff_count(tiff_path, &n)))
        return e;
    pipe_block(&old);
    e = ipp_job((ipp_printer *)p, tiff_path, job_name, job_id);
    pipe_unblock(&old);
    return e;
}

/* printer-state: idle takes a job now; processing is busy; stopped needs someone. */
static fg_err ask_idle(ipp_printer *ip, bool *idle, char *why, size_t cap)
{
    static const char *const want[] = {"printer-state", "printer-state-reasons", "printer-is-accepting-jobs"};
    ipp_t *req, *resp;
    ipp_attribute_t *a;
    char reasons[256] = "none";
    http_t *http;
    int state;
    fg_err e;

    if ((e = ipp_connect(ip, &http)))
        return e;
    req = new_request(ip, IPP_OP_GET_PRINTER_ATTRIBUTES);
    ippAddStrings(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
                  (int)(sizeof want / sizeof want[0]), NULL, want);
    resp = cupsDoRequest(http, req, ip->resource);
    httpClose(http);
    if (!resp || cupsLastError() >= IPP_STATUS_ERROR_BAD_REQUEST) {
        ippDelete(resp);
        return request_err(ip, "Get-Printer-Attributes");
    }
    if ((a = ippFindAttribute(resp, "printer-state-reasons", IPP_TAG_KEYWORD)))
        ippAttributeString(a, reasons, sizeof reasons);
    a = ippFindAttribute(resp, "printer-state", IPP_TAG_ENUM);
    state = a ? ippGetInteger(a, 0) : IPP_PSTATE_IDLE;
    snprintf(why, cap, "%s, reasons: %s", state == IPP_PSTATE_STOPPED ? "stopped"
                                          : state == IPP_PSTATE_PROCESSING ? "processing" : "idle", reasons);
    *idle = state == IPP_PSTATE_IDLE;
    if (state == IPP_PSTATE_STOPPED)
        e = fg_err_set(FG_ERR_PRINTER_DOWN, "printer %s is stopped (%s); the job stays queued and is retried",
                       ip->base.uri, reasons);
    else if ((a = ippFindAttribute(resp, "printer-is-accepting-jobs", IPP_TAG_BOOLEAN)) && !ippGetBoolean(a, 0))
        e = fg_err_set(FG_ERR_PRINTER_DOWN, "printer %s is not accepting jobs (%s); the job stays queued and is "
                       "retried", ip->base.uri, reasons);
    ippDelete(resp);
    return e;
}

static fg_err ipp_idle(fg_printer *p, bool *idle, char *why, size_t cap)
{
    sigset_t old;
    fg_err e;

    pipe_block(&old);
    e = ask_idle((ipp_printer *)p, idle, why, cap);
    pipe_unblock(&old);
    return e;
}

static fg_job_state job_state_of(int ipp)
{
    switch (ipp) {
    case IPP_JSTATE_PENDING: return FG_JOB_PENDING;
    case IPP_JSTATE_HELD: return FG_JOB_HELD;
    case IPP_JSTATE_PROCESSING: return FG_JOB_PROCESSING;
    case IPP_JSTATE_STOPPED: return FG_JOB_STOPPED;
    case IPP_JSTATE_CANCELED: return FG_JOB_CANCELED;
    case IPP_JSTATE_ABORTED: return FG_JOB_ABORTED;
    case IPP_JSTATE_COMPLETED: return FG_JOB_COMPLETED;
    default: return FG_JOB_UNKNOWN;
    }
}

static fg_err ask_job(ipp_printer *ip, int job_id, fg_job_state *state, char *why, size_t cap)
{
    static const char *const want[] = {"job-state", "job-state-reasons"};
    ipp_t *req, *resp;
    ipp_attribute_t *a;
    http_t *http;
    fg_err e;

    if ((e = ipp_connect(ip, &http)))
        return e;
    req = new_request(ip, IPP_OP_GET_JOB_ATTRIBUTES);
    ippAddInteger(req, IPP_TAG_OPERATION, IPP_TAG_INTEGER, "job-id", job_id);
    ippAddStrings(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
                  (int)(sizeof want / sizeof want[0]), NULL, want);
    resp = cupsDoRequest(http, req, ip->resource);
    httpClose(http);
    if (resp && cupsLastError() == IPP_STATUS_ERROR_NOT_FOUND) {
        /* purged from the printer's history (many keep finished jobs a minute or two) */
        snprintf(why, cap, "the printer no longer lists job %d", job_id);
        ippDelete(resp);
        return FG_OK;
    }
    if (!resp || cupsLastError() >= IPP_STATUS_ERROR_BAD_REQUEST) {
        ippDelete(resp);
        return request_err(ip, "Get-Job-Attributes");
    }
    if ((a = ippFindAttribute(resp, "job-state", IPP_TAG_ENUM)))
        *state = job_state_of(ippGetInteger(a, 0));
    if ((a = ippFindAttribute(resp, "job-state-reasons", IPP_TAG_KEYWORD)))
        ippAttributeString(a, why, cap);
    if (!strcmp(why, "none"))
        why[0] = '\0';
    ippDelete(resp);
    return FG_OK;
}

static fg_err ipp_job_state(fg_printer *p, int job_id, fg_job_state *state, char *why, size_t cap)
{
    sigset_t old;
    fg_err e;

    pipe_block(&old);
    e = ask_job((ipp_printer *)p, job_id, state, why, cap);
    pipe_unblock(&old);
    return e;
}

/* Get-Jobs for one which-jobs value; each job's attributes follow its group separator. A job
   canceled or aborted by the printer was not printed: it does not count. */
static fg_err find_in(http_t *http, const ipp_printer *ip, const char *which, const char *job_name, bool *found,
                      int *job_id)
{
    static const char *const attrs[] = {"job-id", "job-name", "job-state"};
    ipp_t *req = new_request(ip, IPP_OP_GET_JOBS), *resp;
    int id = 0, state = 0;
    bool named = false;

    ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "which-jobs", NULL, which);
    ippAddStrings(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes", 3, NULL, attrs);
    resp = cupsDoRequest(http, req, ip->resource);
    if (!resp || cupsLastError() >= IPP_STATUS_ERROR_BAD_REQUEST) {
        ippDelete(resp);
        return request_err(ip, "the list of jobs");
    }
    for (ipp_attribute_t *a = ippFirstAttribute(resp); a && !*found; a = ippNextAttribute(resp)) {
        const char *n = ippGetName(a);

        if (!n) {   /* the end of one job's attributes */
            id = state = 0;
            named = false;
            continue;
        }
        if (ippGetGroupTag(a) != IPP_TAG_JOB)
            continue;
        if (!strcmp(n, "job-id"))
            id = ippGetInteger(a, 0);
        else if (!strcmp(n, "job-state"))
            state = ippGetInteger(a, 0);
        else if (!strcmp(n, "job-name") && ippGetString(a, 0, NULL) && !strcmp(ippGetString(a, 0, NULL), job_name))
            named = true;
        if (named && id > 0 && state > 0 && state != IPP_JSTATE_CANCELED && state != IPP_JSTATE_ABORTED) {
            *found = true;
            *job_id = id;
        }
    }
    ippDelete(resp);
    return FG_OK;
}

static fg_err ipp_find(fg_printer *p, const char *job_name, bool *found, int *job_id)
{
    ipp_printer *ip = (ipp_printer *)p;
    http_t *http;
    sigset_t old;
    fg_err e;

    pipe_block(&old);
    if (!(e = ipp_connect(ip, &http))) {
        /* "not-completed" and "completed" are in every IPP version; "all" is not */
        if (!(e = find_in(http, ip, "not-completed", job_name, found, job_id)) && !*found)
            e = find_in(http, ip, "completed", job_name, found, job_id);
        httpClose(http);
    }
    pipe_unblock(&old);
    return e;
}

static fg_err ipp_open_any(const char *uri, fg_printer **out, const char *want, http_encryption_t enc)
{
    char scheme[16], user[64], host[256], resource[1024];
    http_uri_status_t us;
    ipp_printer *ip;
    int port = 0;

    us = httpSeparateURI(HTTP_URI_CODING_ALL, uri, scheme, sizeof scheme, user, sizeof user, host, sizeof host, &port,
                         resource, sizeof resource);
    if (us < HTTP_URI_STATUS_OK || strcmp(scheme, want) != 0 || !host[0])
        return fg_err_set(FG_ERR_CONFIG, "printer URI '%s' is not valid (%s): write it like %s://HOST:631/ipp/print",
                          uri, us < HTTP_URI_STATUS_OK ? httpURIStatusString(us) : "no host", want);
    if (!(ip = calloc(1, sizeof *ip)) || !(ip->base.uri = strdup(uri))) {
        free(ip);
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate a printer");
    }
    snprintf(ip->host, sizeof ip->host, "%s", host);
    snprintf(ip->resource, sizeof ip->resource, "%s", resource[0] ? resource : "/ipp/print");
    ip->port = port > 0 ? port : 631;
    ip->enc = enc;
    ip->base.driver = enc == HTTP_ENCRYPTION_ALWAYS ? &fg_printer_ipps : &fg_printer_ipp;
    ip->base.print = ipp_print;
    ip->base.find = ipp_find;
    ip->base.idle = ipp_idle;
    ip->base.job_state = ipp_job_state;
    ip->base.close = NULL;
    *out = &ip->base;
    return FG_OK;
}

static fg_err ipp_open(const char *uri, fg_printer **out)
{
    return ipp_open_any(uri, out, "ipp", HTTP_ENCRYPTION_IF_REQUESTED);
}

static fg_err ipps_open(const char *uri, fg_printer **out)
{
    return ipp_open_any(uri, out, "ipps", HTTP_ENCRYPTION_ALWAYS);
}

const fg_printer_driver fg_printer_ipp = {"ipp", ipp_open};
const fg_printer_driver fg_printer_ipps = {"ipps", ipps_open};

/* ---- the printer's state, for `faxgatectl status` (fg_printer_state in printer_state.c) ---- */

fg_err fg_ipp_state(fg_printer *p, fg_printer_status *out)
{
    static const char *const want[] = {"printer-state", "printer-state-reasons", "printer-state-message",
                                       "printer-is-accepting-jobs"};
    ipp_printer *ip = (ipp_printer *)p;
    ipp_attribute_t *a;
    http_t *http;
    ipp_t *req, *resp;
    fg_err e;

    if ((e = ipp_connect(ip, &http))) {
        snprintf(out->state, sizeof out->state, "down");
        snprintf(out->message, sizeof out->message, "%s", fg_err_msg(e));
        return FG_OK;
    }
    httpSetTimeout(http, 5.0, give_up, NULL);   /* an operator is waiting for the answer */
    req = new_request(ip, IPP_OP_GET_PRINTER_ATTRIBUTES);
    ippAddStrings(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
                  (int)(sizeof want / sizeof want[0]), NULL, want);
    resp = cupsDoRequest(http, req, ip->resource);
    httpClose(http);
    if (!resp || cupsLastError() >= IPP_STATUS_ERROR_BAD_REQUEST) {
        snprintf(out->state, sizeof out->state, "down");
        snprintf(out->message, sizeof out->message, "Get-Printer-Attributes failed: %s (%s)",
                 ippErrorString(cupsLastError()), cupsLastErrorString() ? cupsLastErrorString() : "no answer");
        ippDelete(resp);
        return FG_OK;
    }
    if ((a = ippFindAttribute(resp, "printer-state", IPP_TAG_ENUM)))
        snprintf(out->state, sizeof out->state, "%s", ippEnumString("printer-state", ippGetInteger(a, 0)));
    if ((a = ippFindAttribute(resp, "printer-state-reasons", IPP_TAG_KEYWORD)))
        ippAttributeString(a, out->reasons, sizeof out->reasons);
    if ((a = ippFindAttribute(resp, "printer-state-message", IPP_TAG_TEXT)))
        snprintf(out->message, sizeof out->message, "%s", ippGetString(a, 0, NULL));
    a = ippFindAttribute(resp, "printer-is-accepting-jobs", IPP_TAG_BOOLEAN);
    out->accepting = !a || ippGetBoolean(a, 0);
    ippDelete(resp);
    return FG_OK;
}
