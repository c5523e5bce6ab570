/* faxgate — the fax sender: SpanDSP as the calling terminal, over a line driver.
 *
 * Several files become one document: their pages are copied into one temporary TIFF G4 and
 * sent with MPS between pages, as a machine sends a multi-page job (SpanDSP 0.0.6's document
 * handler would instead end each file with EOM and renegotiate from phase B).
 *
 * Hanging up in page N: SpanDSP has no event for "half of this page is out", so we look at
 * its transmitter after every frame (t30_impl.h, the one file that reads SpanDSP's private
 * state). Non-ECM, the modem pulls the page's coded image bit by bit and the T.4 read pointer
 * says how much has gone; with ECM the image is cut into HDLC frames a block at a time, so we
 * count frames handed to HDLC (block * 256 + frame) and, to skip the moment between pages
 * when the counters still describe the last page, only while the last frame out was image
 * data (FCD). Once half the page's coded bytes are out, we hang up the line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <spandsp.h>

#include "faxgate/line.h"
#include "faxgate/page.h"
#include "faxgate/t30.h"
#include "faxgate/sender.h"
#include "t30_impl.h"

#define FRAME 160                 /* 20 ms at 8 kHz */
#define LOCKSTEP_WAIT_MS 10000    /* a lockstep peer answers every frame; silence this long is a dead peer */

typedef struct sender {
    fax_state_t *fax;
    t38_terminal_state_t *t38;   /* after the line switched to T.38 */
    t30_state_t *t30;
    const fg_send_opts *o;
    const char *doc;
    fg_send_result *r;
    bool done;
    uint8_t last_out;            /* FCF of the last frame we sent */
} sender;

/* Maps a page's resolution to the fax grid; 0 if it is not a fax resolution. */
static int fax_yres(int yres)
{
    if (yres >= 90 && yres <= 110)
        return 98;
    if (yres >= 180 && yres <= 210)
        return 196;
    if (yres >= 380 && yres <= 410)
        return 391;
    return 0;
}

static fg_err check_page(const char *path, int i, const fg_page *p)
{
    if (p->width != 1728 && p->width != 2048 && p->width != 2432)
        return fg_err_set(FG_ERR_FORMAT, "%s: page %d is %d pixels wide; fax pages are 1728 (A4/Letter), 2048 (B4) "
                          "or 2432 (A3) at 204 dpi", path, i + 1, p->width);
    if (p->xres < 195 || p->xres > 210 || !fax_yres(p->yres))
        return fg_err_set(FG_ERR_FORMAT, "%s: page %d is %d x %d dpi; fax pages are 204 x 98 (standard), 196 (fine) "
                          "or 391 (superfine)", path, i + 1, p->xres, p->yres);
    return FG_OK;
}

/* Visits every page of a file (checked); with out, appends it to that TIFF. */
static fg_err copy_pages(const char *path, const char *out, int *pages)
{
    int n;
    fg_err e;

    if ((e = fg_page_tiff_count(path, &n)))
        return e;
    for (int i = 0; i < n; i++) {
        fg_page *p;

        if ((e = fg_page_read_tiff(path, i, &p)))
            return e;
        if ((e = check_page(path, i, p)) == FG_OK && out) {
            p->xres = 204;
            p->yres = fax_yres(p->yres);
            e = fg_page_write_tiff(p, out, *pages > 0);
        }
        fg_page_free(p);
        if (e)
            return e;
        if (++*pages > FG_PAGE_MAX_PAGES)
            return fg_err_set(FG_ERR_TOOBIG, "more than %d pages to send", FG_PAGE_MAX_PAGES);
    }
    return FG_OK;
}

fg_err fg_send_check_file(const char *path, int *pages)
{
    int n = 0;
    fg_err e = copy_pages(path, NULL, &n);

    if (!e && pages)
        *pages = n;
    return e;
}

static fg_err build_document(const fg_send_opts *o, char *path, size_t cap, int *pages)
{
    const char *tmp = getenv("TMPDIR");
    fg_err e = FG_OK;
    int fd;

    snprintf(path, cap, "%s/faxsim-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if ((fd = mkstemp(path)) < 0)
        return fg_err_set(fg_err_from_errno(errno), "cannot create a temporary file in %s: %s",
                          tmp && *tmp ? tmp : "/tmp", strerror(errno));
    close(fd);
    *pages = 0;
    for (int i = 0; i < o->nfiles && !e; i++)
        e = copy_pages(o->files[i], path, pages);
    if (e)
        unlink(path);
    return e;
}

static int on_phase_b(t30_state_t *t, void *user_data, int result)
{
    sender *s = user_data;
    const char *csi = t30_get_rx_ident(t);
    size_t o = 0;

    (void)result;
    for (; csi && *csi && o + 1 < sizeof s->r->csi; csi++)
        if (*csi >= 0x20 && *csi < 0x7f && (o || *csi != ' '))
            s->r->csi[o++] = *csi;
    s->r->csi[o] = '\0';
    return T30_ERR_OK;
}

static void on_phase_e(t30_state_t *t, void *user_data, int code)
{
    sender *s = user_data;
    t30_stats_t st;

    t30_get_transfer_statistics(t, &st);
    s->done = true;
    s->r->pages_sent = st.pages_tx;
    s->r->t30_code = code;
    snprintf(s->r->t30_text, sizeof s->r->t30_text, "%s", t30_completion_code_to_str(code));
}

static void on_frame(t30_state_t *t, void *user_data, int incoming, const uint8_t *msg, int len)
{
    sender *s = user_data;

    (void)t;
    if (!incoming && len >= 3)
        s->last_out = msg[2];
}

/* The calling terminal's T.30, the same over audio and over T.38. */
static void setup_t30(sender *s)
{
    const fg_send_opts *o = s->o;
    unsigned m = o->modems ? o->modems : FG_MODEM_V17 | FG_MODEM_V29 | FG_MODEM_V27TER;
    int sm = 0;
    const char *v = getenv("FAXGATE_T30_LOG");

    if (v && *v && strcmp(v, "0")) {
        span_log_set_level(t30_get_logging_state(s->t30), SPAN_LOG_SHOW_SEVERITY | SPAN_LOG_SHOW_PROTOCOL |
                                                              SPAN_LOG_FLOW);
    }
    sm |= (m & FG_MODEM_V27TER) ? T30_SUPPORT_V27TER : 0;
    sm |= (m & FG_MODEM_V29) ? T30_SUPPORT_V29 : 0;
    sm |= (m & FG_MODEM_V17) ? T30_SUPPORT_V17 : 0;
    t30_set_tx_ident(s->t30, o->tsi ? o->tsi : "");
    t30_set_tx_file(s->t30, s->doc, -1, -1);
    t30_set_ecm_capability(s->t30, o->ecm);
    t30_set_supported_modems(s->t30, sm);
    t30_set_supported_compressions(s->t30, T30_SUPPORT_T4_1D_COMPRESSION | T30_SUPPORT_T4_2D_COMPRESSION |
                                               T30_SUPPORT_T6_COMPRESSION);
    t30_set_supported_resolutions(s->t30, T30_SUPPORT_STANDARD_RESOLUTION | T30_SUPPORT_FINE_RESOLUTION |
                                              T30_SUPPORT_SUPERFINE_RESOLUTION | T30_SUPPORT_R8_RESOLUTION);
    t30_set_supported_image_sizes(s->t30, T30_SUPPORT_215MM_WIDTH | T30_SUPPORT_255MM_WIDTH |
                                              T30_SUPPORT_303MM_WIDTH | T30_SUPPORT_UNLIMITED_LENGTH |
                                              T30_SUPPORT_A4_LENGTH | T30_SUPPORT_B4_LENGTH |
                                              T30_SUPPORT_US_LETTER_LENGTH | T30_SUPPORT_US_LEGAL_LENGTH);
    if (o->nss && o->nss_len)
        t30_set_tx_nss(s->t30, o->nss, (int)o->nss_len);
    t30_set_phase_b_handler(s->t30, on_phase_b, s);
    t30_set_phase_e_handler(s->t30, on_phase_e, s);
    t30_set_real_time_frame_handler(s->t30, on_frame, s);
}

static fg_err setup(sender *s, const fg_send_opts *o, const char *doc)
{
    s->o = o;
    s->doc = doc;
    if (!(s->fax = fax_init(NULL, TRUE)))
        return fg_err_set(FG_ERR_NOMEM, "SpanDSP could not create a fax sender");
    s->t30 = fax_get_t30_state(s->fax);
    setup_t30(s);
    fax_set_transmit_on_idle(s->fax, TRUE);
    return FG_OK;
}

/* True once half of page hangup_in_page's coded image has been handed to the modem. */
static bool halfway(const sender *s, int page)
{
    fg_t30x_progress p;

    fg_t30x_tx_progress(s->t30, &p);
    if (p.page != page - 1 || p.total <= 0 || p.sent <= 0)
        return false;
    if (p.ecm && (s->last_out & 0xfe) != T4_FCD)
        return false;
    return 2 * p.sent >= p.total;
}

static long ms_left(const struct timespec *deadline)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long)(deadline->tv_sec - now.tv_sec) * 1000 + (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

static void add_ms(struct timespec *t, long ms)
{
    t->tv_sec += ms / 1000;
    t->tv_nsec += (ms % 1000) * 1000000L;
    if (t->tv_nsec >= 1000000000L) {
        t->tv_sec++;
        t->tv_nsec -= 1000000000L;
    }
}

static int t38_out(t38_core_state_t *c, void *user_data, const uint8_t *buf, int len, int count)
{
    (void)c;
    return len > 0 && fg_line_t38_send(user_data, buf, (size_t)len, count) ? -1 : 0;
}

/* The line is in T.38: T.30 starts again as a T.38 terminal, clocked by the wall clock in 20 ms
   steps (T.38 has no samples to count), taking packets as they come in between. */
static fg_err run_t38(sender *s, const fg_send_opts *o, fg_line *ln, const struct timespec *deadline)
{
    struct timespec tick;
    t38_core_state_t *core;
    fg_t38_params p;
    fg_err e;

    if ((e = fg_line_t38_params(ln, &p)))
        return e;
    if (!(s->t38 = t38_terminal_init(NULL, TRUE, t38_out, ln)))
        return fg_err_set(FG_ERR_NOMEM, "SpanDSP could not create a T.38 terminal");
    if (s->fax)
        fax_free(s->fax);
    s->fax = NULL;
    s->t30 = t38_terminal_get_t30_state(s->t38);
    setup_t30(s);
    core = t38_terminal_get_t38_core_state(s->t38);
    t38_set_t38_version(core, p.version);
    t38_set_data_rate_management_method(core, p.transferred_tcf ? T38_DATA_RATE_MANAGEMENT_TRANSFERRED_TCF
                                                                : T38_DATA_RATE_MANAGEMENT_LOCAL_TCF);
    t38_set_fastest_image_data_rate(core, p.max_bitrate > 0 ? p.max_bitrate : 14400);
    if (p.max_datagram > 0)
        t38_set_max_datagram_size(core, p.max_datagram);
    /* unpaced (not --realtime): data goes out as soon as SpanDSP has it, not at modem speed;
       T.30's own timers still run on the wall clock */
    t38_terminal_set_config(s->t38, o->realtime ? 0 : T38_TERMINAL_OPTION_NO_PACING);
    clock_gettime(CLOCK_MONOTONIC, &tick);
    while (!s->done) {
        uint8_t ifp[1500];
        size_t len;
        uint16_t seq;
        long left;

        if (ms_left(deadline) <= 0)
            return fg_err_set(FG_ERR_TIMEOUT, "the call took longer than %d s; hanging up",
                              o->timeout_s > 0 ? o->timeout_s : 600);
        if (o->cancel && *o->cancel)
            return fg_err_set(FG_ERR_STATE, "the call was cancelled (the gateway is stopping); hanging up");
        t38_terminal_send_timeout(s->t38, FRAME);
        s->r->audio_s += FRAME / 8000.0;
        if (o->impair && o->impair->tick)
            o->impair->tick(o->impair->user);
        if (o->hangup_in_page > 0 && halfway(s, o->hangup_in_page)) {
            s->r->hung_up = true;
            fg_line_hangup(ln);
            return FG_OK;
        }
        add_ms(&tick, 20);
        while ((left = ms_left(&tick)) > 0) {
            e = fg_line_t38_recv(ln, ifp, sizeof ifp, &len, &seq, (int)left);
            if (e == FG_ERR_TIMEOUT)
                break;
            if (e == FG_ERR_HANGUP)
                return FG_OK;   /* T.30 says whether that was after the end */
            if (e)
                return e;
            t38_core_rx_ifp_packet(core, ifp, (int)len, seq);
        }
    }
    return FG_OK;
}

/* The line went first (the far end hung up, or we did): T.30 decides whether that was after the
   end of procedure or a dropped call, and reports through phase E. */
static fg_err end_call(sender *s, fg_err e)
{
    if (!e && !s->done)
        t30_terminate(s->t30);
    return e;
}

/* Runs the call until T.30 ends, the line goes, or time is up. */
static fg_err run_call(sender *s, const fg_send_opts *o, fg_line *ln)
{
    struct timespec deadline, tick;
    int16_t out[FRAME], in[FRAME];
    long frames = 0;

    clock_gettime(CLOCK_MONOTONIC, &deadline);
    tick = deadline;
    add_ms(&deadline, (o->timeout_s > 0 ? o->timeout_s : 600) * 1000L);
    if (fg_line_get_mode(ln) == FG_LINE_T38)
        return end_call(s, run_t38(s, o, ln, &deadline));
    if (o->t38) {
        fg_err e = fg_line_request_t38(ln);

        if (e)
            return e;
    }
    while (!s->done) {
        int n = fax_tx(s->fax, out, FRAME), got = 0;
        fg_err e;

        if (n < FRAME)
            memset(out + (n > 0 ? n : 0), 0, (size_t)(FRAME - (n > 0 ? n : 0)) * sizeof *out);
        if (ms_left(&deadline) <= 0)
            return fg_err_set(FG_ERR_TIMEOUT, "the call took longer than %d s; hanging up",
                              o->timeout_s > 0 ? o->timeout_s : 600);
        if (o->cancel && *o->cancel)
            return fg_err_set(FG_ERR_STATE, "the call was cancelled (the gateway is stopping); hanging up");
        if (o->impair && o->impair->tx_audio)
            o->impair->tx_audio(o->impair->user, out, FRAME);
        if (o->impair && o->impair->tick)
            o->impair->tick(o->impair->user);
        if ((e = fg_line_send(ln, out, FRAME)) == FG_ERR_HANGUP)
            break;
        if (e)
            return e;
        frames++;
        s->r->audio_s = (double)frames * FRAME / 8000.0;
        if (o->hangup_in_page > 0 && halfway(s, o->hangup_in_page)) {
            s->r->hung_up = true;
            fg_line_hangup(ln);
            break;
        }
        if (o->realtime || o->t38) {
            /* waiting for the switch to T.38, the far end may send nothing: keep time */
            add_ms(&tick, 20);
            while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &tick, NULL) == EINTR)
                ;
        }
        /* the far end's answer to this frame (realtime: whatever it has sent by now) */
        while (got < FRAME) {
            long left = ms_left(&deadline);
            int k = 0, wait = o->realtime || o->t38 ? 0 : (int)(left < LOCKSTEP_WAIT_MS ? (left > 0 ? left : 0)
                                                                                 : LOCKSTEP_WAIT_MS);

            e = fg_line_recv(ln, in + got, FRAME - got, &k, wait);
            if (e == FG_ERR_STATE)
                return end_call(s, run_t38(s, o, ln, &deadline));
            if (e == FG_ERR_TIMEOUT && (o->realtime || o->t38))
                break;
            if (e == FG_ERR_TIMEOUT)
                return fg_err_set(FG_ERR_TIMEOUT, "the far end sent no audio for %d ms (for a peer with its own "
                                  "clock, such as Asterisk, use --realtime)", wait);
            if (e)
                break;
            got += k;
        }
        if (got > 0 && o->impair && o->impair->rx_audio)
            o->impair->rx_audio(o->impair->user, in, got);
        if (got > 0)
            fax_rx(s->fax, in, got);
        /* at line pace, whatever else has come is taken now: a far end that sends several frames at
           once (its playout buffer gave up on a lost packet) would otherwise leave them queued behind
           us for good, and every such burst would delay the rest of the call by its length */
        for (int more = 0; (o->realtime || o->t38) && !e && got == FRAME && more < 50; more++) {
            got = 0;
            e = fg_line_recv(ln, in, FRAME, &got, 0);
            if (e == FG_ERR_STATE)
                return end_call(s, run_t38(s, o, ln, &deadline));
            if (e == FG_ERR_TIMEOUT) {
                e = FG_OK;
                break;
            }
            if (got > 0 && o->impair && o->impair->rx_audio)
                o->impair->rx_audio(o->impair->user, in, got);
            if (got > 0)
                fax_rx(s->fax, in, got);
        }
        if (e == FG_ERR_HANGUP)
            break;
        if (e && e != FG_ERR_TIMEOUT)
            return e;
    }
    return end_call(s, FG_OK);
}

fg_err fg_send_fax(const fg_send_opts *o, fg_send_result *r)
{
    char doc[4096];
    sender s = {.r = r};
    fg_line *ln = NULL;
    fg_err e;

    memset(r, 0, sizeof *r);
    snprintf(r->t30_text, sizeof r->t30_text, "not started");
    if (!o || !o->line || !o->files || o->nfiles <= 0)
        return fg_err_set(FG_ERR_INVAL, "nothing to send: give a line URI and at least one TIFF file");
    if (o->tsi && strlen(o->tsi) > 20)
        return fg_err_set(FG_ERR_INVAL, "TSI '%s' is longer than 20 characters", o->tsi);
    if ((e = build_document(o, doc, sizeof doc, &r->pages_total)))
        return e;
    if ((e = setup(&s, o, doc)) == FG_OK && (e = fg_line_connect(o->line, o->uuid, o->caller_id, &ln)) == FG_OK) {
        if (o->impair)
            fg_line_set_tap(ln, o->impair->tap);
        e = run_call(&s, o, ln);
    }
    if (e && ln && !s.done)
        t30_terminate(s.t30);   /* a call that broke: records what T.30 made of it in r */
    fg_line_free(ln);
    if (s.fax)
        fax_free(s.fax);
    if (s.t38)
        t38_terminal_free(s.t38);
    unlink(doc);
    r->accepted = !e && s.done && r->t30_code == T30_ERR_OK && r->pages_sent == r->pages_total && !r->hung_up;
    return e;
}
