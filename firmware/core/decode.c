/* faxgate — decode: a recorded fax call (both directions in one signal) into T.30 frames and pages.
 *
 * Everything a listener on the line needs, from SpanDSP parts: a V.21 channel-2 receiver with HDLC
 * for the control frames of both sides (they take turns on the same channel); after a DCS, the
 * image modem it names; non-ECM image bits go straight into the T.4/T.6 decoder, ECM image data
 * comes as HDLC frames that are kept per block and decoded when the page is complete.
 *
 * Image data becomes pages in decode_page.c; the frames' content is read in decode_t30.c.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <spandsp.h>

#include "decode_impl.h"

#define BLOCK 80                  /* samples per step (10 ms): the time resolution of the trace */
#define CUTOFF_MIN -43.0f         /* dBm0, after normalising: carrier detection on a quiet line */
#define CUTOFF_MAX -30.0f         /* never above this: the quieter side of a call may be near -25 */
#define NOISE_MARGIN 10.0         /* dB between the noise floor and the carrier detectors' cutoff */
#define TARGET_PEAK 10000.0       /* normalised 99.9th percentile of |x|: loud parts near -6 dBm0 */
#define MAX_BURSTS 1024
#define RETRIES 6                 /* training attempts per burst */
#define RETRY_STEP 7              /* samples later each time: another symbol timing to start from */
#define RETRY_SAME 400            /* carrier-ups closer than this are the same burst */




double fg_dec_secs(uint64_t samples)
{
    return (double)samples / FG_DEC_RATE;
}

bool fg_dec_grow(fg_dec *d, void **arr, size_t *cap, size_t need, size_t size)
{
    void *n;
    size_t c;

    if (need <= *cap)
        return true;
    c = *cap ? *cap * 2 : 16;
    while (c < need)
        c *= 2;
    if (!(n = realloc(*arr, c * size))) {
        d->err = fg_err_set(FG_ERR_NOMEM, "decode: out of memory");
        return false;
    }
    memset((char *)n + *cap * size, 0, (c - *cap) * size);
    *arr = n;
    *cap = c;
    return true;
}

static fg_decode_burst *event_add(fg_dec *d, uint64_t at, const char *what, const char *modem)
{
    fg_decode_result *r = d->out;
    fg_decode_burst *b;

    if (r->n_bursts >= MAX_BURSTS || !fg_dec_grow(d, (void **)&r->bursts, &d->bursts_cap, r->n_bursts + 1, sizeof *b))
        return NULL;
    b = &r->bursts[r->n_bursts++];
    b->at = fg_dec_secs(at);
    b->seconds = fg_dec_secs(d->now - at);
    snprintf(b->what, sizeof b->what, "%s", what);
    snprintf(b->modem, sizeof b->modem, "%s", modem);
    return b;
}

static void burst_add(fg_dec *d)
{
    double data = d->p.rate ? (double)d->bits / d->p.rate : 0;
    fg_decode_burst *b = event_add(d, d->burst_at, d->kind == FG_DEC_BURST_TCF ? "TCF" : d->kind == FG_DEC_BURST_ECM ? "ECM" : "image",
                                   d->modem);

    if (!b)
        return;
    if (d->kind == FG_DEC_BURST_TCF)
        snprintf(b->info, sizeof b->info, "%.2f s of data, zeros unbroken for %.2f s, %llu ones", data,
                 d->p.rate ? (double)d->most_zeros / d->p.rate : 0, (unsigned long long)d->ones);
    else if (d->kind == FG_DEC_BURST_ECM)
        snprintf(b->info, sizeof b->info, "%.2f s of data, %d image frames", data, d->burst_frames);
    else
        snprintf(b->info, sizeof b->info, "%.2f s of data, %d rows, %s", data, d->burst_rows,
                 fg_dec_coding_str(d->p.encoding));
}

/* CNG from the caller, CED/ANSam from the answerer (they may overlap, so each detector keeps its
   own event); cadenced repeats of one tone make one event. */
static void tone_event(fg_dec *d, fg_dec_tone *t, int code, int level)
{
    fg_decode_result *r = d->out;
    fg_decode_burst *b = t->idx >= 0 && (size_t)t->idx < r->n_bursts ? &r->bursts[t->idx] : NULL;
    const char *what;

    if (code == MODEM_CONNECT_TONES_NONE) {
        if (b && t->on)
            b->seconds = fg_dec_secs(d->now) - b->at;
        t->on = false;
        return;
    }
    what = code == MODEM_CONNECT_TONES_FAX_CNG ? "CNG" : code == MODEM_CONNECT_TONES_ANS ? "CED"
         : code == MODEM_CONNECT_TONES_ANS_PR ? "ANS/PR" : code == MODEM_CONNECT_TONES_ANSAM ? "ANSam"
         : code == MODEM_CONNECT_TONES_ANSAM_PR ? "ANSamPR" : "tone";
    if (b && !strcmp(b->what, what) && fg_dec_secs(d->now) - (b->at + b->seconds) < 5.0) {
        t->count++;   /* the next cadence of the same tone */
    } else {
        if (!(b = event_add(d, d->now, what, code == MODEM_CONNECT_TONES_FAX_CNG ? "1100 Hz" : "2100 Hz")))
            return;
        t->idx = (long)(b - r->bursts);
        t->count = 1;
    }
    t->on = true;
    /* the level of the input as recorded, not of the normalised signal the detector sees */
    (void)level;
    snprintf(b->info, sizeof b->info, "%d burst%s, %.0f dBm0", t->count, t->count == 1 ? "" : "s",
             power_meter_current_dbm0(d->level));
}

static void on_cng(void *user, int code, int level, int delay)
{
    fg_dec *d = user;

    (void)delay;
    tone_event(d, &d->tt[0], code, level);
}

static void on_ans(void *user, int code, int level, int delay)
{
    fg_dec *d = user;

    (void)delay;
    tone_event(d, &d->tt[1], code, level);
}

/* ---- the image modem -------------------------------------------------------------------- */

/* keep: after a burst the detector failed to end, keep what training taught (V.17 short train). */
static void fast_restart(fg_dec *d, bool keep)
{
    switch (d->p.modem) {
    case FG_DEC_V17:
        v17_rx_restart(d->v17, d->p.rate, keep ? 2 : false);   /* TCF and the first image: long training */
        break;
    case FG_DEC_V29:
        v29_rx_restart(d->v29, d->p.rate, false);
        break;
    case FG_DEC_V27TER:
        v27ter_rx_restart(d->v27, d->p.rate, false);
        break;
    default:
        break;
    }
    d->trained = false;
}

static void fast_status(fg_dec *d, int status)
{

    switch (status) {
    case SIG_STATUS_CARRIER_UP:
        d->carrier_at = d->now;
        break;
    case SIG_STATUS_TRAINING_SUCCEEDED:
        d->trained = true;
        d->burst_at = d->carrier_at;
        d->bits = d->ones = d->zeros = d->most_zeros = 0;
        d->burst_frames = d->burst_rows = 0;
        if (d->expect_tcf) {
            d->kind = FG_DEC_BURST_TCF;
        } else if (d->p.ecm) {
            d->kind = FG_DEC_BURST_ECM;
            hdlc_rx_restart(d->ecm_hdlc);
            if (!d->ecm_started) {
                d->ecm_started = true;
                d->ecm_at = fg_dec_secs(d->burst_at);
            }
        } else {
            d->kind = FG_DEC_BURST_IMAGE;
            fg_dec_page_begin(d);
        }
        break;
    case SIG_STATUS_TRAINING_FAILED:
        /* Short training in particular breaks on a noisy line. The recording is all here: go back
           and let the modem try the same burst again from a slightly later sample. */
        if (d->expect_tcf)
            break;
        if (d->carrier_at > d->retry_burst + RETRY_SAME || d->carrier_at + RETRY_SAME < d->retry_burst) {
            d->retry_burst = d->carrier_at;
            d->retries = 0;
        }
        if (d->retries < RETRIES) {
            d->retries++;
            d->retry_at = d->retry_burst + (uint64_t)d->retries * RETRY_STEP;
            fast_restart(d, true);
        }
        break;
    case SIG_STATUS_CARRIER_DOWN:
        if (!d->trained)
            break;
        if (d->kind == FG_DEC_BURST_TCF)
            d->expect_tcf = false;   /* one training check per DCS */
        fg_dec_page_end(d, true);    /* without RTC: kept, marked partial until MPS/EOP/EOM */
        burst_add(d);
        d->trained = false;
        break;
    default:
        break;
    }
}

static void fast_put_bit(void *user, int bit)
{
    fg_dec *d = user;

    if (bit < 0) {
        fast_status(d, bit);
        return;
    }
    if (!d->trained)
        return;
    d->bits++;
    if (d->kind == FG_DEC_BURST_TCF) {
        /* TCF is zeros; the receiver judges it by the longest unbroken run (SpanDSP wants 1 s) */
        d->ones += (unsigned)bit;
        d->zeros = bit ? 0 : d->zeros + 1;
        if (d->zeros > d->most_zeros)
            d->most_zeros = d->zeros;
    } else if (d->kind == FG_DEC_BURST_ECM) {
        hdlc_rx_put_bit(d->ecm_hdlc, bit);
    } else {
        fg_dec_page_bit(d, bit);
    }
}

/* ---- T.30 control frames ---------------------------------------------------------------- */

/* What a correct frame means for the image state. */
static void t30_event(fg_dec *d, const fg_t30_frame *f)
{
    fg_decode_result *r = d->out;
    const uint8_t *fr = f->raw;
    uint8_t fcf = fr[2], t = fcf & 0xFE;

    if (fcf == T30_CSI && !r->csi[0])
        fg_dec_ident(fr, f->len, r->csi, sizeof r->csi);
    if (fcf == T30_NSF && !r->nsf_vendor[0])
        fg_dec_vendor(fr, f->len, r->nsf_vendor, sizeof r->nsf_vendor);
    if (fcf == T30_DIS || fcf == T30_DTC || fcf == T30_CSI || fcf == T30_NSF)
        return;   /* fixed X bit: masking it below would misread them */
    if (t == T30_TSI && !r->tsi[0])
        fg_dec_ident(fr, f->len, r->tsi, sizeof r->tsi);
    switch (t) {
    case T30_DCS: {
        fg_dec_params p;

        fg_dec_page_end(d, true);
        if (fg_dec_ecm_pending(d))
            fg_dec_ecm_page_end(d, true);
        if (!fg_dec_parse_dcs(fr, f->len, &p))
            break;
        d->p = p;
        fg_dec_modem_str(&d->p, d->modem, sizeof d->modem);
        snprintf(r->dcs, sizeof r->dcs, "%s", f->info);
        d->expect_tcf = true;
        fast_restart(d, false);
        break;
    }
    case T30_CTC: {
        fg_dec_params p = d->p;

        if (fg_dec_parse_rate(fr, f->len, &p)) {   /* the retransmission follows at a new rate */
            d->p.modem = p.modem;
            d->p.rate = p.rate;
            fg_dec_modem_str(&d->p, d->modem, sizeof d->modem);
            fast_restart(d, false);
        }
        break;
    }
    case T30_CFR:
    case T30_FTT:
        d->expect_tcf = false;
        break;
    case T30_PPS:
    case T30_EOR:
        fg_dec_ecm_pps(d, fr, f->len);
        break;
    case T30_MCF:
    case T30_ERR:
    case T30_PIP:
    case T30_PIN:
    case T30_RTP:
    case T30_RTN:
        fg_dec_ecm_answered(d);
        break;
    case T30_DCN:
        fg_dec_page_end(d, true);
        if (fg_dec_ecm_pending(d))
            fg_dec_ecm_page_end(d, !(d->pps_pending && fg_dec_end_of_page(d->pps_fcf2)));
        break;
    default:
        if (fg_dec_end_of_page(t)) {
            fg_dec_page_end(d, false);   /* the sender says the page is over: not partial */
            if (d->last_page_unsure >= 0 && (size_t)d->last_page_unsure < r->n_pages)
                r->pages[d->last_page_unsure]->partial = false;
            d->last_page_unsure = -1;
        }
        break;
    }
}

static void v21_put_bit(void *user, int bit)
{
    fg_dec *d = user;

    hdlc_rx_put_bit(d->v21_hdlc, bit);
}

static void v21_frame(void *user, const uint8_t *msg, int len, int ok)
{
    fg_dec *d = user;
    fg_decode_result *r = d->out;
    fg_t30_frame *f;

    if (len < 3 || msg[0] != 0xFF || (msg[1] & 0xEF) != 0x03)
        return;   /* status reports (len < 0) and bits that are no T.30 frame */
    if (!ok && d->trained)
        return;   /* the image modem's energy in the V.21 band, not a frame */
    if (r->n_frames >= FG_DECODE_MAX_FRAMES ||
        !fg_dec_grow(d, (void **)&r->frames, &d->frames_cap, r->n_frames + 1, sizeof *f))
        return;
    f = &r->frames[r->n_frames];
    memset(f, 0, sizeof *f);
    f->len = len > (int)sizeof f->raw ? (int)sizeof f->raw : len;
    memcpy(f->raw, msg, (size_t)f->len);
    f->crc_ok = ok;
    fg_dec_describe(f);
    if (!ok && f->name[0] == '0')
        return;   /* a damaged frame of no known type: noise */
    /* The frame ended in this block; it began (len + CRC + flag) octets of 300 bit/s earlier. */
    f->at = fg_dec_secs(d->now + BLOCK) - (len + 3) * 8.0 / 300.0;
    if (f->at < 0)
        f->at = 0;
    r->n_frames++;
    if (!ok)
        return;
    if (d->trained) {
        /* Half duplex: a good control frame means the image burst is over, whatever the carrier
           detector thinks (noise or echo can hold it up). */
        fast_status(d, SIG_STATUS_CARRIER_DOWN);
        fast_restart(d, true);
    }
    t30_event(d, f);
}

/* ---- setup, the sample loop ------------------------------------------------------------- */

static void dec_free(fg_dec *d)
{
    fg_dec_page_cleanup(d);
    if (d->v21)
        fsk_rx_free(d->v21);
    if (d->level)
        power_meter_free(d->level);
    if (d->cng)
        modem_connect_tones_rx_free(d->cng);
    if (d->ans)
        modem_connect_tones_rx_free(d->ans);
    if (d->v21_hdlc)
        hdlc_rx_free(d->v21_hdlc);
    if (d->v17)
        v17_rx_free(d->v17);
    if (d->v29)
        v29_rx_free(d->v29);
    if (d->v27)
        v27ter_rx_free(d->v27);
    if (d->ecm_hdlc)
        hdlc_rx_free(d->ecm_hdlc);
}

static fg_err dec_init(fg_dec *d, fg_decode_result *out)
{
    memset(d, 0, sizeof *d);
    d->out = out;
    d->last_page_unsure = -1;
    d->tt[0].idx = d->tt[1].idx = -1;
    d->level = power_meter_init(NULL, 7);
    d->cng = modem_connect_tones_rx_init(NULL, MODEM_CONNECT_TONES_FAX_CNG, on_cng, d);
    d->ans = modem_connect_tones_rx_init(NULL, MODEM_CONNECT_TONES_ANS_PR, on_ans, d);
    d->v21_hdlc = hdlc_rx_init(NULL, false, true, 5, v21_frame, d);
    d->v21 = fsk_rx_init(NULL, &preset_fsk_specs[FSK_V21CH2], FSK_FRAME_MODE_SYNC,
                         v21_put_bit, d);
    d->v17 = v17_rx_init(NULL, 14400, fast_put_bit, d);
    d->v29 = v29_rx_init(NULL, 9600, fast_put_bit, d);
    d->v27 = v27ter_rx_init(NULL, 4800, fast_put_bit, d);
    d->ecm_hdlc = hdlc_rx_init(NULL, false, false, 5, fg_dec_ecm_frame, d);
    d->blk = malloc(256 * 256);
    d->ecm = malloc(FG_DEC_ECM_PAGE_MAX);
    if (!d->level || !d->cng || !d->ans || !d->v21_hdlc || !d->v21 || !d->v17 || !d->v29 || !d->v27 || !d->ecm_hdlc || !d->blk || !d->ecm) {
        dec_free(d);
        return fg_err_set(FG_ERR_NOMEM, "decode: cannot allocate the modems");
    }
    fg_dec_ecm_reset(d);
    return FG_OK;
}

/* Gain that brings the loud parts of the call to a known level: recordings come at any level,
   and the carrier detectors work in absolute dBm0. Capped so that silence is not blown up. */
static double level_gain(const int16_t *s, size_t n)
{
    static const size_t bins = 2049;
    size_t hist[2049] = {0}, want, acc = 0, b;
    double peak, g;

    if (n == 0)
        return 1.0;
    for (size_t i = 0; i < n; i++)
        hist[(size_t)abs(s[i]) >> 4]++;
    want = n / 1000 + 1;
    for (b = bins - 1; b > 0 && (acc += hist[b]) < want; b--)
        ;
    peak = (double)b * 16.0 + 8.0;
    if (peak < 64.0)
        return 1.0;   /* silence, or as good as */
    g = TARGET_PEAK / peak;
    if (g > 64.0)
        g = 64.0;
    return (g > 0.7 && g < 1.5) ? 1.0 : g;
}

/* Carrier cutoff above the line's noise floor (after the gain): the quietest 0.5 % of 10 ms windows
   are the gaps between bursts, which even a long multi-page call has. Power detectors that sit in
   the noise never see a burst end, so the image modem would never train for the page. */
static float carrier_cutoff(const int16_t *s, size_t n, double g)
{
    enum { WIN = 80, BINS = 100 };   /* 1 dB bins from -100 to 0 dBm0 */
    size_t hist[BINS] = {0}, total = 0, acc = 0;
    double floor_db = -100.0, cut;
    int b;

    for (size_t off = 0; off + WIN <= n; off += WIN) {
        double ms = 0, db;

        for (size_t i = 0; i < WIN; i++) {
            double v = s[off + i] * g;

            ms += v * v;
        }
        /* SpanDSP's scale: a full-scale sine is +3.14 dBm0 */
        db = ms > 0 ? 10.0 * log10(ms / WIN / (32767.0 * 32767.0 / 2.0)) + 3.14 : -100.0;
        b = db <= -100.0 ? 0 : db >= 0 ? BINS - 1 : (int)(db + 100.0);
        hist[b]++;
        total++;
    }
    for (b = 0; b < BINS && total; b++)
        if ((acc += hist[b]) * 200 >= total) {
            floor_db = b - 100.0;
            break;
        }
    cut = floor_db + NOISE_MARGIN;
    return (float)(cut < CUTOFF_MIN ? CUTOFF_MIN : cut > CUTOFF_MAX ? CUTOFF_MAX : cut);
}

static void scale(fg_dec *d, const int16_t *in, int len, double g, int16_t *out)
{
    for (int i = 0; i < len; i++) {
        double v = in[i] * g;

        if (d->p.modem == FG_DEC_NONE && !d->retry_at)
            power_meter_update(d->level, in[i]);
        out[i] = (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
    }
}

static void fast_rx(fg_dec *d, int16_t *blk, int len)
{
    switch (d->p.modem) {
    case FG_DEC_V17:
        v17_rx(d->v17, blk, len);
        break;
    case FG_DEC_V29:
        v29_rx(d->v29, blk, len);
        break;
    case FG_DEC_V27TER:
        v27ter_rx(d->v27, blk, len);
        break;
    default:
        break;
    }
}

fg_err fg_decode_samples(const int16_t *samples, size_t n, fg_decode_result *out)
{
    int16_t blk[BLOCK];
    float cutoff;
    double g;
    fg_dec d;
    fg_err e;

    if (!out || (!samples && n))
        return fg_err_set(FG_ERR_INVAL, "decode: no samples or no result to fill");
    memset(out, 0, sizeof *out);
    snprintf(out->stream, sizeof out->stream, "samples");
    if (n > (size_t)FG_DECODE_MAX_SECONDS * FG_DEC_RATE)
        return fg_err_set(FG_ERR_TOOBIG, "decode: %.0f s of audio is more than the %d s allowed; cut the "
                          "recording into calls", (double)n / FG_DEC_RATE, FG_DECODE_MAX_SECONDS);
    if ((e = dec_init(&d, out)))
        return e;
    g = level_gain(samples, n);
    cutoff = carrier_cutoff(samples, n, g);
    fsk_rx_signal_cutoff(d.v21, cutoff);
    v17_rx_signal_cutoff(d.v17, cutoff);
    v29_rx_signal_cutoff(d.v29, cutoff);
    v27ter_rx_signal_cutoff(d.v27, cutoff);
    for (size_t off = 0; off < n && !d.err; off += BLOCK) {
        int len = n - off < BLOCK ? (int)(n - off) : BLOCK;

        scale(&d, samples + off, len, g, blk);
        fsk_rx(d.v21, blk, len);
        if (d.p.modem == FG_DEC_NONE) {   /* tones belong to call set-up, before any DCS */
            modem_connect_tones_rx(d.cng, blk, len);
            modem_connect_tones_rx(d.ans, blk, len);
        }
        fast_rx(&d, blk, len);
        d.now += (uint64_t)len;
        /* a failed training asked for the image modem alone to hear part of the burst again */
        for (uint64_t end = d.now; d.retry_at && d.retry_at < end && !d.err;) {
            d.now = d.retry_at;
            d.retry_at = 0;
            while (d.now < end && !d.retry_at) {
                int l = end - d.now < BLOCK ? (int)(end - d.now) : BLOCK;

                scale(&d, samples + d.now, l, g, blk);
                fast_rx(&d, blk, l);
                d.now += (uint64_t)l;
            }
            if (!d.retry_at)
                d.now = end;
        }
        d.retry_at = 0;
    }
    /* The recording stops: whatever is still open is a partial page. */
    if (!d.err) {
        if (d.trained)
            fast_status(&d, SIG_STATUS_CARRIER_DOWN);
        fg_dec_page_end(&d, true);
        if (fg_dec_ecm_pending(&d))
            fg_dec_ecm_page_end(&d, !(d.pps_pending && fg_dec_end_of_page(d.pps_fcf2)));
    }
    out->seconds = (double)n / FG_DEC_RATE;
    e = d.err;
    dec_free(&d);
    if (e) {
        fg_decode_result_clear(out);
        return e;
    }
    return FG_OK;
}

void fg_decode_result_clear(fg_decode_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_pages; i++)
        fg_page_free(r->pages[i]);
    free(r->pages);
    free(r->page_info);
    free(r->frames);
    free(r->bursts);
    memset(r, 0, sizeof *r);
}
