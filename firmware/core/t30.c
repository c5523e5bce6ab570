/* faxgate — t30: receive one fax with SpanDSP's fax_state_t, clocked by the line.
 *
 * SpanDSP calls us back in phase B (after TSI/NSS/DCS: record, then screen), phase D (a
 * page ended: record it, hand page 1 over) and phase E (the result). Everything runs on
 * the line thread inside fax_rx(), so no locking is needed here.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <spandsp.h>

#include "call_impl.h"
#include "faxgate/durable.h"
#include "faxgate/t30.h"
#include "t30_impl.h"
#include "t30_shadow.h"

#define DCS_CAP 32   /* a DCS frame: 3 header octets + up to 19 of FIF, with room to spare */

struct fg_rx {
    fg_rx_opts o;
    char csi[FG_IDENT_LEN];
    char *tiff_path;
    fg_call *call;
    fax_state_t *fax;               /* audio (G.711 or AudioSocket), until a switch to T.38 */
    t38_terminal_state_t *t38;      /* T.38, after the switch */
    fg_t38_tx_fn t38_tx;
    void *t38_user;
    t30_state_t *t30;
    int sm, sr;                     /* T30_SUPPORT_* modems and resolutions */
    uint8_t dcs[DCS_CAP];      /* last DCS frame received, for the readable text */
    int dcs_len;
    bool screened, rejected;
    bool dir_synced;           /* the spool folder naming the file is on disk */
    bool mcf_sent;             /* for the after_mcf fault point */
    char withheld[200];        /* a page could not be made durable: why; the call is cut before MCF */
    bool done;                 /* phase E has run */
    bool lost;                 /* the line went before T.30 finished */
    bool finished;             /* fg_rx_finish has run */
    int pages;                 /* complete pages SpanDSP has written */
    fg_shadow *shadow;         /* ECM: page 1's frames decoded as they arrive (o.on_rows only) */
    int live_rows;             /* rows of page 1 handed to o.on_rows so far */
    long long samples, max_samples;
};

/* ---- phase B: who is calling and how ------------------------------------------------------ */

/* Identity strings come from the far end: printable ASCII only, trimmed. */
static void copy_ident(char *dst, size_t cap, const char *src)
{
    size_t o = 0;

    for (; *src == ' '; src++)
        ;
    for (; *src && o + 1 < cap; src++)
        dst[o++] = (*src >= 0x20 && *src < 0x7f) ? *src : '?';
    while (o > 0 && dst[o - 1] == ' ')
        o--;
    dst[o] = '\0';
}

static bool dcs_bit(const uint8_t *f, int len, int bit)
{
    int i = 3 + (bit - 1) / 8;

    return i < len && (f[i] >> ((bit - 1) % 8)) & 1;
}

/* DCS as a person reads it; the bit numbers are those of T.30 Table 2. */
static void describe_dcs(fg_rx *rx)
{
    static const struct { uint8_t code; const char *modem; int bps; } rates[] = {
        {0x20, "V.17", 14400}, {0x28, "V.17", 12000}, {0x24, "V.17", 9600}, {0x2c, "V.17", 7200},
        {0x04, "V.29", 9600},  {0x0c, "V.29", 7200},  {0x08, "V.27ter", 4800}, {0x00, "V.27ter", 2400},
    };
    static const char *const widths[] = {"A4 width", "B4 width", "A3 width", "invalid width"};
    fg_t30_info *ti = &rx->call->t30;
    const uint8_t *f = rx->dcs;
    int len = rx->dcs_len, yres = 98;
    const char *modem = "unknown modem", *res = "standard", *coding;

    if (len < 6) {
        snprintf(ti->dcs, sizeof ti->dcs, "short DCS frame (%d octets)", len);
        return;
    }
    ti->bit_rate = 0;
    for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++) {
        if ((f[4] & 0x3c) == rates[i].code) {
            modem = rates[i].modem;
            ti->bit_rate = rates[i].bps;
        }
    }
    if (dcs_bit(f, len, 41) || dcs_bit(f, len, 43)) {
        yres = 391;
        res = "superfine";
    } else if (dcs_bit(f, len, 15)) {
        yres = 196;
        res = "fine";
    }
    coding = dcs_bit(f, len, 31) ? "T.6 (MMR)" : dcs_bit(f, len, 16) ? "T.4 2-D (MR)" : "T.4 1-D (MH)";
    ti->ecm = dcs_bit(f, len, 27);
    ti->x_res = 204;
    ti->y_res = yres;
    snprintf(ti->dcs, sizeof ti->dcs, "%s %d bps, 204x%d dpi (%s), %s, %s, %s", modem, ti->bit_rate, yres, res,
             coding, ti->ecm ? (dcs_bit(f, len, 28) ? "ECM 64-octet frames" : "ECM 256-octet frames") : "no ECM",
             widths[f[5] & 3]);
}

/* The calling machine names its maker in NSS (the NSF it would send when answering has the
   same T.35 head); keep whichever arrived. */
static void record_nsf(fg_rx *rx)
{
    fg_t30_info *ti = &rx->call->t30;
    const uint8_t *p = NULL;
    const char *vendor, *country = NULL, *model = NULL;
    size_t n = t30_get_rx_nss(rx->t30, &p);

    if (!n || !p)
        n = t30_get_rx_nsf(rx->t30, &p);
    if (!n || !p)
        return;
    for (size_t i = 0; i < n && 2 * i + 2 < sizeof ti->nsf_hex; i++)
        snprintf(ti->nsf_hex + 2 * i, 3, "%02x", p[i]);
    vendor = fg_t35_vendor(p, n, &country, &model);
    copy_ident(ti->nsf_vendor, sizeof ti->nsf_vendor, vendor ? vendor : "");
    copy_ident(ti->nsf_model, sizeof ti->nsf_model, model ? model : "");
    copy_ident(ti->nsf_country, sizeof ti->nsf_country, country ? country : "");
}

static int on_phase_b(t30_state_t *t, void *user_data, int result)
{
    fg_rx *rx = user_data;
    fg_call *c = rx->call;
    const char *tsi = t30_get_rx_ident(t);
    char reason[128] = "";

    (void)result;   /* DCS for a receiver; DCS again after a failed training or an EOM */
    copy_ident(c->t30.tsi, sizeof c->t30.tsi, tsi ? tsi : "");
    record_nsf(rx);
    describe_dcs(rx);
    if (rx->rejected)
        return T30_ERR_IDENT_UNACCEPTABLE;
    if (rx->screened || !rx->o.screen)
        return T30_ERR_OK;
    rx->screened = true;   /* once per call, not again at every retraining */
    if (rx->o.screen(rx->o.user_data, c, reason, sizeof reason))
        return T30_ERR_OK;
    rx->rejected = true;
    fg_call_set_result(c, FG_CALL_REJECTED, "rejected in phase B: %s", reason[0] ? reason : "screened out");
    /* SpanDSP answers a non-OK code with DCN, before it opens the TIFF or takes a page */
    return T30_ERR_IDENT_UNACCEPTABLE;
}

/* Sees every frame before T.30 acts on it: the raw DCS (SpanDSP keeps only a hex string of
   it), whether a TSI came at all (an empty TSI and a missing one look alike otherwise), and the
   sender's answer to our MCF or RTP (DCN after the last page): from then on it knows its pages
   arrived. After the last page that is recorded at once, so that a crash before the call is
   filed still tells a fax the sender knows arrived from one it may send again. */
static void on_frame(t30_state_t *t, void *user_data, int incoming, const uint8_t *msg, int len)
{
    fg_rx *rx = user_data;
    fg_call *c = rx->call;

    (void)t;
    if (len < 3)
        return;
    if (!incoming) {
        if ((msg[2] & 0xfe) == T30_MCF || (msg[2] & 0xfe) == T30_RTP)
            rx->mcf_sent = true;
        return;
    }
    if (rx->shadow && rx->pages == 0)
        fg_shadow_frame(rx->shadow, msg, len);
    if (rx->mcf_sent) {
        rx->mcf_sent = false;
        fg_fault("after_mcf");
        c->acked = c->confirmed;
        if (c->complete && rx->o.on_kept)
            rx->o.on_kept(rx->o.user_data, c);
    }
    switch (msg[2] & 0xfe) {
    case T30_TSI:
        rx->call->t30.tsi_seen = true;
        break;
    case T30_DCS:
        rx->dcs_len = len < DCS_CAP ? len : DCS_CAP;
        memcpy(rx->dcs, msg, (size_t)rx->dcs_len);
        break;
    default:
        break;
    }
}

/* ---- phase D: a page ended --------------------------------------------------------------- */

static int dpi(int ppm)
{
    return ppm > 0 ? (int)((double)ppm * 0.0254 + 0.5) : 0;
}

static void record_stats(fg_rx *rx, const t30_stats_t *st)
{
    fg_t30_info *ti = &rx->call->t30;

    if (st->bit_rate > 0)
        ti->bit_rate = st->bit_rate;
    ti->ecm = st->error_correcting_mode != 0;
    if (st->x_resolution > 0) {
        ti->x_res = dpi(st->x_resolution);
        ti->y_res = dpi(st->y_resolution);
    }
}

/* SpanDSP has written the pages it accepted into the file (TIFFWriteDirectory: the file is a
   valid TIFF of them) and will confirm them (MCF) when we return: sync the file (and, the first
   time, the folder that names it), then have the caller commit them to the store. If either
   fails, the page is not confirmed: fg_rx_audio cuts the call before MCF goes out. */
static void keep_pages(fg_rx *rx, int fcf)
{
    fg_call *c = rx->call;
    fg_err e = FG_OK;

    fg_fault("after_page_write");
    if (!rx->dir_synced && !(e = fg_sync_dir_of(rx->tiff_path)))
        rx->dir_synced = true;
    if (!e)
        e = fg_sync_file(rx->tiff_path);
    /* SpanDSP goes on when libtiff cannot write (a full disk) and the file may have lost its
       folder (removed by hand): read the file back before the page is confirmed */
    if (!e)
        e = fg_page_tiff_check_written(rx->tiff_path, rx->pages);
    if (!e && !c->tiff && !(c->tiff = strdup(rx->tiff_path)))
        e = fg_err_set(FG_ERR_NOMEM, "cannot keep the TIFF path");
    if (e) {
        snprintf(rx->withheld, sizeof rx->withheld, "page %d could not be made durable: %s", rx->pages,
                 fg_err_msg(e));
        return;
    }
    c->confirmed = rx->pages;
    fcf &= 0xfe;
    c->complete = fcf == T30_EOP || fcf == T30_PRI_EOP;
    if (rx->o.on_kept && !rx->o.on_kept(rx->o.user_data, c)) {
        snprintf(rx->withheld, sizeof rx->withheld, "page %d could not be recorded in the store", rx->pages);
        return;
    }
    fg_fault("after_page_commit");
}

static int on_phase_d(t30_state_t *t, void *user_data, int result)
{
    fg_rx *rx = user_data;
    fg_call *c = rx->call;
    int before = rx->pages;
    t30_stats_t st;

    t30_get_transfer_statistics(t, &st);
    record_stats(rx, &st);
    /* Phase D also runs for a page judged too damaged to keep (RTN): the count tells. */
    while (rx->pages < st.pages_rx) {
        if (fg_call_add_page(c, st.width, st.length, false, NULL))
            break;   /* past the page cap: the file keeps them, fg_rx_finish says so */
        if (++rx->pages != 1)
            continue;
        /* page 1 has ended: what is left of it is read from SpanDSP's page below, and the ECM
           shadow decoder's own image of it (up to 475 KB for a fine page) goes before that copy
           is made, so that a call holds at most three copies of page 1 at its end, not four */
        fg_shadow_free(rx->shadow);
        rx->shadow = NULL;
        clock_gettime(CLOCK_MONOTONIC, &c->t_page1);
        if (rx->o.on_page) {
            fg_page *p = NULL;

            /* Page 1 comes from SpanDSP's page buffer, not from the TIFF: these are the very
               bytes it has just encoded into the file's strip, the OCR worker gets them without
               waiting for a G4 decode, and nothing reads a TIFF that libtiff still holds open for
               writing (its directory chain is rewritten at close). fg_rx_finish reads every page
               back from the file for the hashes, so the file remains the evidence. */
            if (fg_t30x_rx_rows(t, false, &p) == FG_OK && p)
                rx->o.on_page(rx->o.user_data, c, 1, p);
        }
    }
    if (rx->pages > before)
        keep_pages(rx, result);
    return T30_ERR_OK;
}

/* ---- phase E: the end ---------------------------------------------------------------------- */

static void on_phase_e(t30_state_t *t, void *user_data, int code)
{
    fg_rx *rx = user_data;
    fg_call *c = rx->call;
    t30_stats_t st;

    rx->done = true;
    t30_get_transfer_statistics(t, &st);
    record_stats(rx, &st);
    c->t30.t30_code = code;
    snprintf(c->t30.t30_result, sizeof c->t30.t30_result, "%s", t30_completion_code_to_str(code));
    if (rx->rejected)
        return;
    if (code == T30_ERR_OK)
        fg_call_set_result(c, FG_CALL_RECEIVED, "received %d page%s", rx->pages, rx->pages == 1 ? "" : "s");
    else
        fg_call_set_result(c, FG_CALL_FAILED, "T.30 failed after %d page%s: %s", rx->pages,
                           rx->pages == 1 ? "" : "s", c->t30.t30_result);
}

/* ---- the session ----------------------------------------------------------------------------- */

static void setup_logging(fg_rx *rx)
{
    const char *v = getenv("FAXGATE_T30_LOG");
    int level = SPAN_LOG_SHOW_SEVERITY | SPAN_LOG_SHOW_PROTOCOL | SPAN_LOG_FLOW;

    /* SpanDSP's protocol trace, for a person chasing an interop problem */
    if (!v || !*v || !strcmp(v, "0"))
        return;
    span_log_set_level(t30_get_logging_state(rx->t30), level);
    if (rx->fax)
        span_log_set_level(fax_get_logging_state(rx->fax), level);
    if (rx->t38) {
        span_log_set_level(t38_terminal_get_logging_state(rx->t38), level);
        span_log_set_level(t38_core_get_logging_state(t38_terminal_get_t38_core_state(rx->t38)), level);
    }
}

/* What we accept and how we call back: the same for an audio session and a T.38 one. */
static void setup_t30(fg_rx *rx)
{
    setup_logging(rx);
    t30_set_tx_ident(rx->t30, rx->csi);
    t30_set_ecm_capability(rx->t30, rx->o.ecm);
    t30_set_supported_modems(rx->t30, rx->sm);
    t30_set_supported_compressions(rx->t30, T30_SUPPORT_T4_1D_COMPRESSION | T30_SUPPORT_T4_2D_COMPRESSION |
                                                T30_SUPPORT_T6_COMPRESSION);
    t30_set_supported_resolutions(rx->t30, rx->sr);
    t30_set_supported_image_sizes(rx->t30, T30_SUPPORT_215MM_WIDTH | T30_SUPPORT_255MM_WIDTH |
                                               T30_SUPPORT_303MM_WIDTH | T30_SUPPORT_UNLIMITED_LENGTH |
                                               T30_SUPPORT_A4_LENGTH | T30_SUPPORT_B4_LENGTH |
                                               T30_SUPPORT_US_LETTER_LENGTH | T30_SUPPORT_US_LEGAL_LENGTH);
    t30_set_rx_file(rx->t30, rx->tiff_path, -1);
    /* whatever coding the line used, the spool gets G4: smallest, and lossless */
    t30_set_rx_encoding(rx->t30, T4_COMPRESSION_ITU_T6);
    t30_set_phase_b_handler(rx->t30, on_phase_b, rx);
    t30_set_phase_d_handler(rx->t30, on_phase_d, rx);
    t30_set_phase_e_handler(rx->t30, on_phase_e, rx);
    t30_set_real_time_frame_handler(rx->t30, on_frame, rx);
}

fg_err fg_rx_new(const fg_rx_opts *opts, fg_call *call, fg_rx **out)
{
    unsigned modems, res;
    int sm = 0, sr = T30_SUPPORT_R8_RESOLUTION;
    fg_rx *rx;

    if (!opts || !call || !out || !opts->tiff_path || !*opts->tiff_path)
        return fg_err_set(FG_ERR_INVAL, "fg_rx_new needs options with a TIFF path and a call");
    if (opts->csi && strlen(opts->csi) > T30_MAX_IDENT_LEN)
        return fg_err_set(FG_ERR_INVAL, "CSI '%s' is longer than %d characters", opts->csi, T30_MAX_IDENT_LEN);
    modems = opts->modems ? opts->modems : FG_MODEM_V17 | FG_MODEM_V29 | FG_MODEM_V27TER;
    res = opts->resolutions ? opts->resolutions : FG_RES_STANDARD | FG_RES_FINE | FG_RES_SUPERFINE;
    sm |= (modems & FG_MODEM_V27TER) ? T30_SUPPORT_V27TER : 0;
    sm |= (modems & FG_MODEM_V29) ? T30_SUPPORT_V29 : 0;
    sm |= (modems & FG_MODEM_V17) ? T30_SUPPORT_V17 : 0;
    sr |= (res & FG_RES_STANDARD) ? T30_SUPPORT_STANDARD_RESOLUTION : 0;
    sr |= (res & FG_RES_FINE) ? T30_SUPPORT_FINE_RESOLUTION : 0;
    sr |= (res & FG_RES_SUPERFINE) ? T30_SUPPORT_SUPERFINE_RESOLUTION : 0;
    if (!sm)
        return fg_err_set(FG_ERR_INVAL, "no known modem in 0x%x: give FG_MODEM_V17, _V29 or _V27TER", opts->modems);
    if (!(rx = calloc(1, sizeof *rx)) || !(rx->tiff_path = strdup(opts->tiff_path))) {
        free(rx);
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate a receive session");
    }
    rx->o = *opts;
    copy_ident(rx->csi, sizeof rx->csi, opts->csi ? opts->csi : "");
    rx->o.csi = rx->csi;
    rx->o.tiff_path = rx->tiff_path;
    rx->call = call;
    rx->max_samples = opts->max_seconds > 0 ? (long long)opts->max_seconds * 8000 : 0;
    if (!(rx->fax = fax_init(NULL, FALSE))) {
        free(rx->tiff_path);
        free(rx);
        return fg_err_set(FG_ERR_NOMEM, "SpanDSP could not create a fax receiver");
    }
    rx->t30 = fax_get_t30_state(rx->fax);
    /* without it page 1 is still read whole at its end: reading it early is only faster */
    if (opts->on_rows && opts->ecm && fg_shadow_new(&rx->shadow))
        rx->shadow = NULL;
    rx->sm = sm;
    rx->sr = sr;
    setup_t30(rx);
    /* the line needs a sample out for every sample in, silence included */
    fax_set_transmit_on_idle(rx->fax, TRUE);
    snprintf(call->t30.csi, sizeof call->t30.csi, "%s", rx->csi);
    fg_call_set_result(call, FG_CALL_RECEIVING, "receiving");
    *out = rx;
    return FG_OK;
}

/* Ends T.30 early (line gone, time up): keeps the rows of the page in progress. */
static void cut_call(fg_rx *rx, const char *why)
{
    fg_call *c = rx->call;
    fg_page *part = NULL;
    int page_no = rx->pages + 1, rows = 0;
    fg_err e = FG_OK;

    if (rx->done || rx->lost)
        return;
    rx->lost = true;
    /* take the rows before t30_terminate(): it releases T.4, which frees them */
    if (!rx->rejected && (e = fg_t30x_rx_rows(rx->t30, true, &part)))
        part = NULL;
    t30_terminate(rx->t30);   /* closes SpanDSP's TIFF and runs phase E */
    if (part) {
        part->partial = true;
        rows = part->height;
        /* appended only now: SpanDSP has closed (or, with no page, removed) its file */
        if ((e = fg_page_write_tiff(part, rx->tiff_path, true)) == FG_OK &&
            (e = fg_call_add_page(c, part->width, part->height, true, NULL)) == FG_OK && page_no == 1) {
            clock_gettime(CLOCK_MONOTONIC, &c->t_page1);
            if (rx->o.on_page) {
                rx->o.on_page(rx->o.user_data, c, 1, part);
                part = NULL;
            }
        }
        fg_page_free(part);
    }
    if (rx->rejected)
        return;
    if (rows > 0 && !e)
        fg_call_set_result(c, FG_CALL_FAILED, "line lost in page %d after %d rows (%s)", page_no, rows, why);
    else if (e)
        fg_call_set_result(c, FG_CALL_FAILED, "line lost in page %d (%s); its rows so far could not be kept: %s",
                           page_no, why, fg_err_msg(e));
    else if (rx->withheld[0])   /* SpanDSP saw no error: the page it took is the one we refused */
        fg_call_set_result(c, FG_CALL_FAILED, "cut after %d page%s confirmed (%s)", c->confirmed,
                           c->confirmed == 1 ? "" : "s", why);
    else if (c->t30.t30_code != T30_ERR_OK)
        fg_call_set_result(c, FG_CALL_FAILED, "line lost after %d page%s (%s)", rx->pages, rx->pages == 1 ? "" : "s",
                           why);
    /* else the far end left after the end of procedure: phase E has said "received" */
}

/* Page 1's rows decoded since the last step go to o.on_rows: SpanDSP's own without ECM, the
   shadow decoder's in ECM (SpanDSP decodes an ECM block only at its end). */
static void live_rows(fg_rx *rx)
{
    t4_rx_state_t *t4 = NULL;
    fg_t30x_rows r;

    if (!rx->o.on_rows || rx->pages > 0 || rx->rejected || rx->lost || rx->done)
        return;
    if (fg_t30x_ecm(rx->t30) && !(t4 = fg_shadow_t4(rx->shadow)))
        return;
    if (!fg_t30x_t4_rows(rx->t30, t4, &r) || r.rows == rx->live_rows)
        return;
    if (r.rows < rx->live_rows)
        rx->live_rows = 0;   /* page 1 again (a retrain, or the sender started over) */
    rx->o.on_rows(rx->o.user_data, rx->call, rx->live_rows, r.bits + (size_t)rx->live_rows * (size_t)r.stride,
                  r.rows - rx->live_rows, r.width, r.xdpi, r.ydpi);
    rx->live_rows = r.rows;
}

/* After SpanDSP took a step: a page that could not be kept cuts the call before its MCF; a call
   past max_seconds is cut. */
static fg_err after_step(fg_rx *rx, int n, bool *done)
{
    if (rx->withheld[0]) {
        char why[sizeof rx->withheld];

        snprintf(why, sizeof why, "%s", rx->withheld);
        cut_call(rx, why);
        *done = true;
        return fg_err_set(FG_ERR_IO, "call cut before confirming a page: %s", why);
    }
    live_rows(rx);
    rx->samples += n;
    if (rx->max_samples && rx->samples >= rx->max_samples && !rx->done) {
        char why[64];

        snprintf(why, sizeof why, "call longer than %d s", rx->o.max_seconds);
        cut_call(rx, why);
        *done = true;
        return fg_err_set(FG_ERR_TIMEOUT, "fax call cut after %d seconds (max_seconds)", rx->o.max_seconds);
    }
    *done = rx->done;
    return FG_OK;
}

/* One step of audio: n samples heard (in), or n samples lost on the way (in NULL: SpanDSP's
   fill-in keeps its modems' timing and carrier state as if the audio had come), and n to send. */
static fg_err rx_step(fg_rx *rx, const int16_t *in, int16_t *out, int n, bool *done)
{
    int16_t chunk[320];
    int got;

    if (n < 0)
        return fg_err_set(FG_ERR_INVAL, "fg_rx_audio: negative sample count %d", n);
    if (rx->done || rx->lost || !rx->fax) {
        memset(out, 0, (size_t)n * sizeof *out);
        *done = rx->done || rx->lost;
        return rx->fax || *done ? FG_OK : fg_err_set(FG_ERR_STATE, "the session runs T.38, not audio");
    }
    /* fax_rx() takes a non-const buffer */
    for (int i = 0; i < n; i += (int)(sizeof chunk / sizeof chunk[0])) {
        int k = n - i < (int)(sizeof chunk / sizeof chunk[0]) ? n - i : (int)(sizeof chunk / sizeof chunk[0]);

        if (in) {
            memcpy(chunk, in + i, (size_t)k * sizeof *chunk);
            fax_rx(rx->fax, chunk, k);
        } else {
            fax_rx_fillin(rx->fax, k);
        }
        if (rx->withheld[0])
            break;
    }
    if (rx->withheld[0]) {
        /* before fax_tx: not one sample of the MCF SpanDSP has queued goes out */
        memset(out, 0, (size_t)n * sizeof *out);
        return after_step(rx, n, done);
    }
    got = fax_tx(rx->fax, out, n);
    if (got < n)
        memset(out + (got > 0 ? got : 0), 0, (size_t)(n - (got > 0 ? got : 0)) * sizeof *out);
    return after_step(rx, n, done);
}

fg_err fg_rx_audio(fg_rx *rx, const int16_t *in, int16_t *out, int n, bool *done)
{
    return rx_step(rx, in, out, n, done);
}

fg_err fg_rx_audio_lost(fg_rx *rx, int16_t *out, int n, bool *done)
{
    return rx_step(rx, NULL, out, n, done);
}

/* ---- T.38 -------------------------------------------------------------------------------- */

static int t38_out(t38_core_state_t *s, void *user_data, const uint8_t *buf, int len, int count)
{
    fg_rx *rx = user_data;

    (void)s;
    /* nothing leaves after a page we could not keep: not its MCF */
    if (rx->withheld[0] || rx->lost || len <= 0)
        return 0;
    return rx->t38_tx(rx->t38_user, buf, (size_t)len, count) ? -1 : 0;
}

fg_err fg_rx_use_t38(fg_rx *rx, const fg_t38_params *p, fg_t38_tx_fn tx, void *user)
{
    t38_core_state_t *core;

    if (rx->t38)
        return FG_OK;
    if (rx->done || rx->lost)
        return fg_err_set(FG_ERR_STATE, "the fax session has already ended");
    if (rx->pages > 0)
        return fg_err_set(FG_ERR_STATE, "the far end switched to T.38 after %d page(s) in audio", rx->pages);
    if (!(rx->t38 = t38_terminal_init(NULL, FALSE, t38_out, rx)))
        return fg_err_set(FG_ERR_NOMEM, "SpanDSP could not create a T.38 terminal");
    /* T.30 starts again over T.38, as it does on a real gateway: nothing was received yet */
    if (rx->shadow) {
        fg_shadow_free(rx->shadow);
        if (fg_shadow_new(&rx->shadow))
            rx->shadow = NULL;
    }
    rx->live_rows = 0;
    fax_free(rx->fax);
    rx->fax = NULL;
    rx->t38_tx = tx;
    rx->t38_user = user;
    rx->t30 = t38_terminal_get_t30_state(rx->t38);
    setup_t30(rx);
    core = t38_terminal_get_t38_core_state(rx->t38);
    t38_set_t38_version(core, p->version);
    t38_set_data_rate_management_method(core, p->transferred_tcf ? T38_DATA_RATE_MANAGEMENT_TRANSFERRED_TCF
                                                                 : T38_DATA_RATE_MANAGEMENT_LOCAL_TCF);
    t38_set_fill_bit_removal(core, p->fill_bit_removal);
    t38_set_fastest_image_data_rate(core, p->max_bitrate > 0 ? p->max_bitrate : 14400);
    if (p->max_datagram > 0)
        t38_set_max_datagram_size(core, p->max_datagram);
    t38_terminal_set_config(rx->t38, rx->o.t38_no_pacing ? T38_TERMINAL_OPTION_NO_PACING : 0);
    return FG_OK;
}

fg_err fg_rx_t38_packet(fg_rx *rx, const uint8_t *ifp, size_t len, uint16_t seq, bool *done)
{
    if (!rx->t38)
        return fg_err_set(FG_ERR_STATE, "the session runs audio, not T.38");
    if (!rx->done && !rx->lost)
        t38_core_rx_ifp_packet(t38_terminal_get_t38_core_state(rx->t38), ifp, (int)len, seq);
    return after_step(rx, 0, done);
}

fg_err fg_rx_t38_tick(fg_rx *rx, int samples, bool *done)
{
    if (!rx->t38)
        return fg_err_set(FG_ERR_STATE, "the session runs audio, not T.38");
    if (!rx->done && !rx->lost && !rx->withheld[0])
        t38_terminal_send_timeout(rx->t38, samples);
    return after_step(rx, samples, done);
}

const char *fg_rx_withheld(const fg_rx *rx)
{
    return rx->withheld;
}

bool fg_rx_in_fax(const fg_rx *rx)
{
    return rx->dcs_len > 0 || rx->screened || rx->pages > 0;
}

void fg_rx_line_lost(fg_rx *rx, const char *why)
{
    if (rx)
        cut_call(rx, why && *why ? why : "line lost");
}

fg_err fg_rx_finish(fg_rx *rx)
{
    fg_call *c = rx->call;
    fg_err e;

    if (rx->finished)
        return FG_OK;
    if (!rx->done)
        cut_call(rx, "session ended before T.30 finished");
    rx->finished = true;
    c->ended = time(NULL);
    if (access(rx->tiff_path, F_OK) != 0) {
        if (c->npages)
            return fg_err_set(FG_ERR_NOTFOUND, "%s: %d page(s) were received but the file is gone", rx->tiff_path,
                              c->npages);
        return FG_OK;   /* no page: SpanDSP leaves no file */
    }
    /* The hashes are of the bitmaps as read back from the file: what is kept is what is hashed
       (the same reading recovery does after a crash). */
    if ((e = fg_call_read_tiff(c, rx->tiff_path, NULL)))
        return e;
    /* a partial page appended at a break was not synced yet; the call is saved next */
    if (c->npages > c->confirmed)
        return fg_sync_file(rx->tiff_path);
    return FG_OK;
}

void fg_rx_free(fg_rx *rx)
{
    if (!rx)
        return;
    if (!rx->finished)
        fg_rx_finish(rx);
    if (rx->fax)
        fax_free(rx->fax);
    if (rx->t38)
        t38_terminal_free(rx->t38);
    fg_shadow_free(rx->shadow);
    free(rx->tiff_path);
    free(rx);
}

/* ---- option parsing ---------------------------------------------------------------------------- */

typedef struct name_flag {
    const char *name;
    unsigned flag;
} name_flag;

/* "a, b,c" into flags from a table; what is wrong is named in the message. */
static fg_err parse_list(const char *s, const name_flag *tab, const char *what, const char *expected,
                         unsigned *out)
{
    unsigned v = 0;
    const char *p = s;

    if (!s)
        return fg_err_set(FG_ERR_CONFIG, "no %s given (expected %s)", what, expected);
    while (*p) {
        char tok[16];
        size_t n = 0;
        bool found = false;

        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (!*p)
            break;
        while (*p && *p != ',' && *p != ' ' && *p != '\t') {
            if (n + 1 < sizeof tok)
                tok[n] = (char)tolower((unsigned char)*p);
            n++;
            p++;
        }
        if (n >= sizeof tok)
            return fg_err_set(FG_ERR_CONFIG, "%s list '%s' has an unknown entry (expected %s)", what, s, expected);
        tok[n] = '\0';
        for (const name_flag *t = tab; t->name; t++) {
            if (!strcmp(tok, t->name)) {
                v |= t->flag;
                found = true;
            }
        }
        if (!found)
            return fg_err_set(FG_ERR_CONFIG, "%s '%s' is unknown (expected %s)", what, tok, expected);
    }
    if (!v)
        return fg_err_set(FG_ERR_CONFIG, "no %s given (expected %s)", what, expected);
    *out = v;
    return FG_OK;
}

fg_err fg_modems_parse(const char *s, unsigned *out)
{
    static const name_flag tab[] = {
        {"v17", FG_MODEM_V17}, {"v.17", FG_MODEM_V17}, {"v29", FG_MODEM_V29}, {"v.29", FG_MODEM_V29},
        {"v27ter", FG_MODEM_V27TER}, {"v.27ter", FG_MODEM_V27TER},
        {"all", FG_MODEM_V17 | FG_MODEM_V29 | FG_MODEM_V27TER}, {NULL, 0},
    };

    return parse_list(s, tab, "modem", "v17, v29, v27ter or all, comma-separated", out);
}

fg_err fg_resolutions_parse(const char *s, unsigned *out)
{
    static const name_flag tab[] = {
        {"standard", FG_RES_STANDARD}, {"fine", FG_RES_FINE}, {"superfine", FG_RES_SUPERFINE},
        {"all", FG_RES_STANDARD | FG_RES_FINE | FG_RES_SUPERFINE}, {NULL, 0},
    };

    return parse_list(s, tab, "resolution", "standard, fine, superfine or all, comma-separated", out);
}
