/* tsb85 — plays one test of a script against the gateway over its AudioSocket line.
 *
 * What each step means follows SpanDSP's own tester (tests/fax_tester.c), which the scripts were
 * written for, with the tester's side of the call only: the device under test is the gateway.
 *   CALL            place the call (the AudioSocket connection)
 *   WAIT n          send n ms of silence; what the gateway sends meanwhile is not looked at
 *   T PREAMBLE … T HDLC … T POSTAMBLE   one V.21 burst: flags, frames (crc_error: bad FCS), flags;
 *                   without a POSTAMBLE the carrier stops at the end of the last frame
 *   T TCF           the training check on a fast modem: value bytes of zeros (pattern: 0x55s first)
 *   T MSG           a non-ECM page on a fast modem, T.4 1D coded (bad_rows: rows corrupted)
 *   T CLEAR         the tester hangs up; R CLEAR: the gateway releases the line within timeout ms
 *                   (or had already hung up: after DCN it should)
 *   R CED           the answer tone, 2.6 to 4.0 s long
 *   R HDLC          the next V.21 frame of the same kind (final or not, as SpanDSP's tester
 *                   matches them) must equal value; "..." allows more bytes, "/MASK" masks bits
 *   R SILENCE       the gateway's V.21 carrier ends
 *   STATUS          the T.30 completion code the gateway recorded (read from its store)
 *   SET IDENT       the identity the device under test must be configured with
 * An R step fails after timeout ms (7000 if not given) of line time.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <spandsp.h>

#include "faxgate/line.h"
#include "tsb85.h"

#define REPLY_WAIT_MS 20000       /* wall time the gateway may take to answer one block */
#define DEFAULT_R_TIMEOUT 7000    /* SpanDSP's tester: every receive step has a timeout */
#define STATUS_WAIT_S 60          /* the gateway records the call once page 1 is judged */

typedef struct runner {
    const tsb_opts *o;
    const tsb_test *t;
    fg_line *ln;
    bool gone;                    /* the gateway ended the call */
    bool listening;               /* frames that arrive now are kept for R steps */
    tsb_audio tx;
    tsb_rx *rx;
    long now;                     /* line time, samples */
    char *why;
    size_t whycap;
    char uuid[64];
    long ced_end;                 /* when CED ended, until the first frame after it is seen */
    int cleared;                  /* 0 on the line; 1 the gateway hung up first; 2 the tester did */
    long release_ms;              /* wall ms the gateway took to close after the tester hung up */
} runner;

static tsb_result failed(runner *r, const tsb_step *st, const char *fmt, ...)
{
    va_list ap;
    int n = 0;

    if (st)
        n = snprintf(r->why, r->whycap, "line %d, %c %s%s%s: ", st->line, st->dir ? st->dir : '-', st->type,
                     st->tag ? " " : "", st->tag ? st->tag : "");
    if (n < 0 || (size_t)n >= r->whycap)
        n = 0;
    va_start(ap, fmt);
    vsnprintf(r->why + n, r->whycap - (size_t)n, fmt, ap);
    va_end(ap);
    return TSB_FAIL;
}

/* One 20 ms exchange: the next block of what we send (or silence) out, the gateway's block in. */
static int tick(runner *r)
{
    int16_t out[TSB_BLOCK] = {0}, in[TSB_BLOCK] = {0};
    size_t k = r->tx.len - r->tx.pos < TSB_BLOCK ? r->tx.len - r->tx.pos : TSB_BLOCK;
    int got = 0;

    memcpy(out, r->tx.amp + r->tx.pos, k * sizeof *out);
    r->tx.pos += k;
    if (r->tx.pos == r->tx.len)
        r->tx.pos = r->tx.len = 0;
    if (!r->gone && fg_line_send(r->ln, out, TSB_BLOCK) != FG_OK)
        r->gone = true;
    while (!r->gone && got < TSB_BLOCK) {
        int n = 0;
        fg_err e = fg_line_recv(r->ln, in + got, TSB_BLOCK - got, &n, REPLY_WAIT_MS);

        if (e == FG_ERR_TIMEOUT) {
            snprintf(r->why, r->whycap, "the gateway sent no audio for %d s (wall time)", REPLY_WAIT_MS / 1000);
            return -1;
        }
        if (e) {
            if (r->o->verbose)
                fprintf(stderr, "# %s: %.2f s: %s\n", r->t->name, r->now / (double)TSB_RATE, fg_err_msg(e));
            r->gone = true;
            break;
        }
        got += n;
    }
    tsb_rx_audio(r->rx, in, TSB_BLOCK, r->now);
    r->now += TSB_BLOCK;
    if (!r->listening)
        tsb_rx_drop_frames(r->rx);
    return 0;
}

/* Sends what is queued, whole blocks only: a partial block goes out with the next step. */
static int flush(runner *r)
{
    r->listening = false;
    while (r->tx.len - r->tx.pos >= TSB_BLOCK)
        if (tick(r))
            return -1;
    return 0;
}

/* ---- frames ------------------------------------------------------------------------------ */

typedef struct pattern {
    uint8_t b[256], mask[256];
    int len;
    bool more;                    /* "...": further bytes allowed */
} pattern;

/* "FF C8 01 ...", "FF C8 41/7F": bytes as T.30 writes them (first bit sent leftmost). */
static int parse_pattern(const char *s, pattern *p)
{
    memset(p, 0, sizeof *p);
    while (*s) {
        char *end;
        unsigned long v;

        if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == ',') {
            s++;
            continue;
        }
        if (!strncmp(s, "...", 3)) {
            p->more = true;
            break;
        }
        v = strtoul(s, &end, 16);
        if (end == s || v > 0xff || p->len == (int)sizeof p->b)
            return -1;
        p->b[p->len] = bit_reverse8((uint8_t)v);
        p->mask[p->len] = 0xff;
        s = end;
        if (*s == '/') {
            v = strtoul(s + 1, &end, 16);
            if (end == s + 1 || v > 0xff)
                return -1;
            p->mask[p->len] = bit_reverse8((uint8_t)v);
            s = end;
        }
        p->len++;
    }
    return p->len >= 3 ? 0 : -1;
}

static bool matches(const pattern *p, const tsb_frame *f)
{
    if (f->len < p->len || (!p->more && f->len != p->len))
        return false;
    for (int i = 0; i < p->len; i++)
        if ((f->buf[i] ^ p->b[i]) & p->mask[i])
            return false;
    return true;
}

static const char *fcf_name(uint8_t line_order_fcf)
{
    static const struct {
        uint8_t fcf;
        const char *name;
    } t[] = {{0x01, "DIS"}, {0x02, "CSI"}, {0x04, "NSF"}, {0x41, "DCS"}, {0x42, "TSI"}, {0x44, "NSS"},
             {0x21, "CFR"}, {0x22, "FTT"}, {0x31, "MCF"}, {0x32, "RTN"}, {0x33, "RTP"}, {0x34, "PIN"},
             {0x35, "PIP"}, {0x58, "CRP"}, {0x5F, "DCN"}, {0x71, "EOM"}, {0x72, "MPS"}, {0x74, "EOP"},
             {0x3A, "RNR"}, {0x3D, "PPR"}, {0x37, "ERR"}, {0x76, "RR"}};
    uint8_t f = bit_reverse8(line_order_fcf) & 0x7f;

    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (t[i].fcf == f)
            return t[i].name;
    return "frame";
}

/* A frame as the script writes it, for messages: "CSI (FF C0 02 9C …)". */
static const char *show(const tsb_frame *f, char *buf, size_t cap)
{
    size_t n = (size_t)snprintf(buf, cap, "%s (", f->len >= 3 ? fcf_name(f->buf[2]) : "short frame");

    for (int i = 0; i < f->len && n + 8 < cap; i++)
        n += (size_t)snprintf(buf + n, cap - n, "%s%02X", i ? " " : "", bit_reverse8(f->buf[i]));
    snprintf(buf + n, cap - n, ")");
    return buf;
}

static long timeout_of(const tsb_step *st)
{
    return TSB_MS(st->timeout >= 0 ? st->timeout : DEFAULT_R_TIMEOUT);
}

/* T.30's timing of what the gateway sends, checked on every frame an R step sees:
   a V.21 burst starts with 1 s ± 15 % of flags (T.30 5.3.1), and DIS follows CED after 75 ± 20 ms
   of silence. Times are measured to about ±10 ms (5 ms level windows, frame ends to a block). */
static tsb_result check_timing(runner *r, const tsb_step *st, const tsb_frame *f)
{
    char shown[1024];

    if (f->first_in_burst && f->burst_on >= 0) {
        long pre = (f->start - f->burst_on) / TSB_MS(1);

        if (pre < 850 || pre > 1150)
            return failed(r, st, "%s came after %ld ms of preamble; T.30 wants 1 s +-15 %% (850 to 1150 ms)",
                          show(f, shown, sizeof shown), pre);
        if (r->o->verbose)
            fprintf(stderr, "# %s: preamble %ld ms\n", r->t->name, pre);
    }
    if (r->ced_end >= 0 && f->burst_on >= 0) {
        long gap = (f->burst_on - r->ced_end) / TSB_MS(1);

        r->ced_end = -1;
        if (gap < 55 || gap > 95)
            return failed(r, st, "%ld ms of silence between CED and the V.21 preamble; T.30 wants 75 +-20 ms", gap);
        if (r->o->verbose)
            fprintf(stderr, "# %s: CED to preamble %ld ms\n", r->t->name, gap);
    }
    return TSB_PASS;
}

static tsb_result expect_frame(runner *r, const tsb_step *st)
{
    pattern p, alt;
    bool has_alt = st->alt_value && parse_pattern(st->alt_value, &alt) == 0;
    long until = r->now + timeout_of(st);
    char shown[1024];

    if (!st->value || parse_pattern(st->value, &p))
        return failed(r, st, "cannot read the expected frame '%s'", st->value ? st->value : "");
    r->listening = true;
    for (;;) {
        tsb_frame f;

        while (tsb_rx_frame(r->rx, &f)) {
            if (check_timing(r, st, &f) != TSB_PASS)
                return TSB_FAIL;
            if (f.len < 2 || f.buf[1] != p.b[1]) {
                /* another kind of frame (not final while a final one is awaited, or the
                   reverse): SpanDSP's tester lets it pass, and so do we */
                if (r->o->verbose)
                    fprintf(stderr, "# %s: %.2f s: passed over %s\n", r->t->name, f.end / (double)TSB_RATE,
                            show(&f, shown, sizeof shown));
                continue;
            }
            if (matches(&p, &f) || (has_alt && matches(&alt, &f))) {
                long gap = f.quiet_from >= 0 ? (f.burst_on - f.quiet_from) / TSB_MS(1) : -1;

                if (r->o->verbose)
                    fprintf(stderr, "# %s: %.2f s: got %s\n", r->t->name, f.end / (double)TSB_RATE,
                            show(&f, shown, sizeof shown));
                if (st->gap_min >= 0 && (gap < st->gap_min || gap > st->gap_max))
                    return failed(r, st, "%s came after %ld ms of silence; the script wants %ld to %ld ms",
                                  show(&f, shown, sizeof shown), gap, st->gap_min, st->gap_max);
                return TSB_PASS;
            }
            if (r->o->optional_nsf && st->tag && !strcasecmp(st->tag, "NSF") && f.len >= 3 &&
                (f.buf[2] & 0xfe) != (p.b[2] & 0xfe)) {
                /* --optional-nsf: T.30 makes NSF optional; the frame is left for the next step */
                if (r->o->verbose)
                    fprintf(stderr, "# %s: no NSF (optional), %s left for the next step\n", r->t->name,
                            show(&f, shown, sizeof shown));
                tsb_rx_unget(r->rx, &f);
                return TSB_PASS;
            }
            return failed(r, st, "expected %s, got %s", st->value, show(&f, shown, sizeof shown));
        }
        if (r->gone)
            return failed(r, st, "the gateway ended the call at %.2f s before sending it", r->now / (double)TSB_RATE);
        if (r->now >= until)
            return failed(r, st, "nothing matching %s within %ld ms (%d frames with a bad FCS so far)", st->value,
                          timeout_of(st) / TSB_MS(1), tsb_rx_bad_frames(r->rx));
        if (tick(r))
            return TSB_FAIL;
    }
}

/* ---- the other receive steps ---------------------------------------------------------------- */

static tsb_result expect_ced(runner *r, const tsb_step *st)
{
    long until = r->now + timeout_of(st), ced_on, ced_off, on, off;

    r->listening = true;
    for (;;) {
        bool loud = tsb_rx_loud(r->rx, &on, &off);

        tsb_rx_ced(r->rx, &ced_on, &ced_off);
        /* the detector tells that it is 2100 Hz; the level tells when it began and ended */
        if (ced_on >= 0 && !loud && on >= 0 && on <= ced_on && off > on) {
            long ms = (off - on) / TSB_MS(1);

            if (ms < 2600 || ms > 4000)
                return failed(r, st, "CED lasted %ld ms; T.30 wants 2.6 to 4.0 s", ms);
            r->ced_end = off;
            if (r->o->verbose)
                fprintf(stderr, "# %s: CED %ld ms\n", r->t->name, ms);
            return TSB_PASS;
        }
        if (r->gone)
            return failed(r, st, "the gateway ended the call before CED");
        if (r->now >= until)
            return failed(r, st, "no CED within %d ms", st->timeout >= 0 ? st->timeout : DEFAULT_R_TIMEOUT);
        if (tick(r))
            return TSB_FAIL;
    }
}

static tsb_result expect_silence(runner *r, const tsb_step *st)
{
    long until = r->now + timeout_of(st);

    r->listening = true;
    while (tsb_rx_carrier(r->rx) && !r->gone) {
        if (r->now >= until)
            return failed(r, st, "the gateway's V.21 carrier did not end within %ld ms", timeout_of(st) / TSB_MS(1));
        if (tick(r))
            return TSB_FAIL;
    }
    return TSB_PASS;
}

/* T CLEAR: the tester hangs up (after what it still has to send). No audio flows after that,
   so the gateway's release is timed in wall time: the line driver waits up to 200 ms for the far
   end to close its side. */
static tsb_result tester_clears(runner *r)
{
    struct timespec t0, t1;

    while (r->tx.len > r->tx.pos && !r->gone)
        if (tick(r))
            return TSB_FAIL;
    if (r->gone) {
        r->cleared = 1;
        if (r->o->verbose)
            fprintf(stderr, "# %s: the gateway had hung up already\n", r->t->name);
        return TSB_PASS;
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    fg_line_hangup(r->ln);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    r->gone = true;
    r->cleared = 2;
    r->release_ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    if (r->o->verbose)
        fprintf(stderr, "# %s: the tester hung up; the gateway closed its side after %ld ms\n", r->t->name,
                r->release_ms);
    return TSB_PASS;
}

/* R CLEAR: the gateway has cleared the call, or does so within timeout ms. */
static tsb_result expect_clear(runner *r, const tsb_step *st)
{
    long until = r->now + timeout_of(st);

    r->listening = false;
    if (r->cleared == 2) {
        if (r->release_ms > timeout_of(st) / TSB_MS(1) || r->release_ms >= 200)
            return failed(r, st, "the gateway had not released the line %ld ms after the tester hung up",
                          r->release_ms);
        return TSB_PASS;
    }
    while (!r->gone) {
        if (r->now >= until)
            return failed(r, st, "the gateway was still on the line %ld ms later", timeout_of(st) / TSB_MS(1));
        if (tick(r))
            return TSB_FAIL;
    }
    return TSB_PASS;
}

static tsb_result check_status(runner *r, const tsb_step *st)
{
    int want = tsb_status_code(st->value ? st->value : ""), got = -1;
    char err[300];

    if (want < 0)
        return failed(r, st, "unknown status '%s'", st->value ? st->value : "");
    if (!r->gone) {
        fg_line_hangup(r->ln);
        r->gone = true;
    }
    if (!r->o->store)
        return TSB_PASS;   /* main says that STATUS is not checked without --store */
    if (tsb_store_t30_code(r->o->store, r->uuid, STATUS_WAIT_S, &got, err, sizeof err))
        return failed(r, st, "%s", err);
    if (got != want)
        return failed(r, st, "the gateway's T.30 result is '%s' (%d), the script expects %s (%d)",
                      t30_completion_code_to_str(got), got, st->value, want);
    return TSB_PASS;
}

/* ---- the transmit steps -------------------------------------------------------------------- */

/* PREAMBLE, HDLC frames (more PREAMBLEs between them: more flags) and the POSTAMBLE: one V.21
   transmission. Without a POSTAMBLE it stops at the end of the last frame, as SpanDSP's tester
   does when the next step is not one of these. *i is left on the burst's last step. */
static tsb_result send_burst(runner *r, int *i)
{
    enum { MAX_ITEMS = 32 };
    tsb_hdlc_item items[MAX_ITEMS];
    uint8_t data[MAX_ITEMS][256];
    const tsb_step *first = &r->t->steps[*i];
    int n = 0, k;

    for (k = *i; k < r->t->nsteps && n < MAX_ITEMS; k++) {
        const tsb_step *st = &r->t->steps[k];
        bool post = !strcasecmp(st->type, "POSTAMBLE");
        pattern p;

        if (st->dir != 'T' || (strcasecmp(st->type, "PREAMBLE") && strcasecmp(st->type, "HDLC") && !post))
            break;
        memset(&items[n], 0, sizeof items[n]);
        if (strcasecmp(st->type, "HDLC")) {
            items[n++].flags = st->value ? atoi(st->value) : post ? 5 : 37;
            if (post) {
                k++;
                break;
            }
            continue;
        }
        /* "..." in a frame to send adds nothing: the bytes before it are the frame */
        if (!st->value || parse_pattern(st->value, &p))
            return failed(r, st, "cannot read the frame '%s'", st->value ? st->value : "");
        memcpy(data[n], p.b, (size_t)p.len);
        items[n].frame = data[n];
        items[n].len = p.len;
        items[n++].bad_fcs = st->crc_error >= 0;
    }
    *i = k - 1;
    if (tsb_audio_v21_burst(&r->tx, items, n))
        return failed(r, first, "cannot make the V.21 audio");
    return flush(r) ? TSB_FAIL : TSB_PASS;
}

static tsb_result send_tcf(runner *r, const tsb_step *st)
{
    int n = st->value ? atoi(st->value) : 450, ones = st->pattern ? atoi(st->pattern) : 0;
    uint8_t *buf;
    char err[200];
    int rc;

    if (n <= 0 || n > 100000 || !(buf = calloc((size_t)n, 1)))
        return failed(r, st, "bad TCF length '%s'", st->value ? st->value : "");
    /* as SpanDSP's tester: `pattern` bytes of 0x55 (01010…) first, zeros for the rest */
    memset(buf, 0x55, (size_t)(ones < n ? ones : n));
    rc = tsb_audio_fast(&r->tx, st->modem ? st->modem : "", buf, (size_t)n, true, err, sizeof err);
    free(buf);
    if (rc)
        return failed(r, st, "%s", err);
    return flush(r) ? TSB_FAIL : TSB_PASS;
}

static tsb_result send_page(runner *r, const tsb_step *st)
{
    char path[4096], err[600];
    uint8_t *bits;
    size_t len;
    /* the DCS of every receive test says 20 ms minimum scan line time */
    int min_bits = st->min_bits ? atoi(st->min_bits) : tsb_modem_rate(st->modem) * 20 / 1000, rc;

    if (tsb_image_path(r->o->image_dir, r->o->tmpdir, st->value ? st->value : "", path, sizeof path, err,
                       sizeof err) ||
        tsb_image_encode(path, min_bits, st->bad_rows, &bits, &len, err, sizeof err))
        return failed(r, st, "%s", err);
    rc = tsb_audio_fast(&r->tx, st->modem ? st->modem : "", bits, len, false, err, sizeof err);
    free(bits);
    if (rc)
        return failed(r, st, "%s", err);
    return flush(r) ? TSB_FAIL : TSB_PASS;
}

/* ---- a test --------------------------------------------------------------------------------- */

static bool type_is(const tsb_step *st, const char *type, char dir)
{
    return !strcasecmp(st->type, type) && st->dir == dir;
}

/* Why the test cannot be played as written (before any call is placed), or NULL. */
static const char *cannot_play(const tsb_opts *o, const tsb_test *t, char *buf, size_t cap)
{
    static const struct {
        const char *type;
        char dir;
    } known[] = {{"CALL", 0},  {"WAIT", 0},      {"STATUS", 0},   {"SET", 'T'}, {"PREAMBLE", 'T'},
                 {"HDLC", 'T'}, {"POSTAMBLE", 'T'}, {"TCF", 'T'},     {"MSG", 'T'}, {"CLEAR", 'T'},
                 {"CED", 'R'},  {"HDLC", 'R'},      {"SILENCE", 'R'}, {"CLEAR", 'R'}};

    if (t->unsupported)
        return t->unsupported;
    for (int i = 0; i < t->nsteps; i++) {
        const tsb_step *st = &t->steps[i];
        bool ok = false;
        char path[4096];

        for (size_t k = 0; k < sizeof known / sizeof known[0] && !ok; k++)
            ok = type_is(st, known[k].type, known[k].dir);
        if (!ok && !strcasecmp(st->type, "ANSWER")) {
            snprintf(buf, cap, "line %d: ANSWER: the device under test calls the tester here (a transmit "
                     "procedure); this runner only places calls into the gateway", st->line);
            return buf;
        }
        if (!ok) {
            snprintf(buf, cap, "line %d: step %c %s%s%s is not played by this runner", st->line,
                     st->dir ? st->dir : '-', st->type, st->modem ? " on " : "", st->modem ? st->modem : "");
            return buf;
        }
        if (st->dir == 'T' && !strcasecmp(st->type, "SET") && st->tag && strcasecmp(st->tag, "IDENT")) {
            snprintf(buf, cap, "line %d: SET %s is not played by this runner", st->line, st->tag);
            return buf;
        }
        if (st->dir == 'T' && !strcasecmp(st->type, "MSG") &&
            tsb_image_path(o->image_dir, o->tmpdir, st->value ? st->value : "", path, sizeof path, buf, cap))
            return buf;
        if (st->dir == 'T' && (!strcasecmp(st->type, "MSG") || !strcasecmp(st->type, "TCF")) &&
            !tsb_modem_rate(st->modem)) {
            snprintf(buf, cap, "line %d: modem '%s'", st->line, st->modem ? st->modem : "");
            return buf;
        }
    }
    return NULL;
}

static tsb_result step(runner *r, int *i)
{
    const tsb_step *st = &r->t->steps[*i];
    fg_err e;

    if (!strcasecmp(st->type, "CALL")) {
        if (r->ln)
            return failed(r, st, "a second CALL in one test");
        if ((e = fg_line_connect(r->o->line, NULL, NULL, &r->ln)))
            return failed(r, st, "%s", fg_err_msg(e));
        snprintf(r->uuid, sizeof r->uuid, "%s", fg_line_uuid(r->ln));
        return TSB_PASS;
    }
    if (!strcasecmp(st->type, "STATUS"))
        return check_status(r, st);
    if (!strcasecmp(st->type, "SET")) {
        if (r->o->verbose)
            fprintf(stderr, "# %s: the gateway must be configured with %s '%s'\n", r->t->name, st->tag,
                    st->value ? st->value : "");
        return TSB_PASS;   /* checked where the gateway sends it (its CSI) */
    }
    if (!r->ln)
        return failed(r, st, "the script has no CALL before this step");
    if (!strcasecmp(st->type, "WAIT")) {
        if (tsb_audio_silence(&r->tx, TSB_MS(st->value ? atoi(st->value) : 1)))
            return failed(r, st, "out of memory");
        return flush(r) ? TSB_FAIL : TSB_PASS;
    }
    if (st->dir == 'T') {
        if (!strcasecmp(st->type, "PREAMBLE"))
            return send_burst(r, i);
        if (!strcasecmp(st->type, "TCF"))
            return send_tcf(r, st);
        if (!strcasecmp(st->type, "MSG"))
            return send_page(r, st);
        if (!strcasecmp(st->type, "CLEAR"))
            return tester_clears(r);
        return failed(r, st, "a T %s step outside a V.21 burst", st->type);
    }
    if (!strcasecmp(st->type, "CED"))
        return expect_ced(r, st);
    if (!strcasecmp(st->type, "HDLC"))
        return expect_frame(r, st);
    if (!strcasecmp(st->type, "SILENCE"))
        return expect_silence(r, st);
    return expect_clear(r, st);
}

tsb_result tsb_run_test(const tsb_opts *o, const tsb_test *t, char *why, size_t whycap)
{
    runner r = {.o = o, .t = t, .why = why, .whycap = whycap, .ced_end = -1};
    tsb_result res = TSB_PASS;
    const char *no;

    why[0] = '\0';
    if ((no = cannot_play(o, t, why, whycap))) {
        if (no != why)
            snprintf(why, whycap, "%s", no);
        return TSB_NOT_RUN;
    }
    if (!(r.rx = tsb_rx_new())) {
        snprintf(why, whycap, "out of memory");
        return TSB_FAIL;
    }
    for (int i = 0; i < t->nsteps && res == TSB_PASS; i++) {
        if (o->verbose > 1)
            fprintf(stderr, "# %s: %.2f s: line %d %c %s %s\n", t->name, r.now / (double)TSB_RATE, t->steps[i].line,
                    t->steps[i].dir ? t->steps[i].dir : '-', t->steps[i].type, t->steps[i].tag ? t->steps[i].tag : "");
        res = step(&r, &i);
    }
    fg_line_free(r.ln);
    tsb_rx_free(r.rx);
    tsb_audio_free(&r.tx);
    return res;
}
