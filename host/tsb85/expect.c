/* tsb85 — the steps that check what the gateway does (R steps, STATUS). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "run_impl.h"

#define MEASURE_MS 2   /* how far a measured time may be off: 1 ms windows at either edge */

/* T.30's timing of what the gateway sends, checked on every frame an R step sees:
   a V.21 burst starts with 1 s ± 15 % of flags (T.30 5.3.1), and DIS follows CED after 75 ± 20 ms
   of silence. Edges and frame ends are known to the millisecond (rx.c), so every limit is widened
   by MEASURE_MS: a time that close to a limit is no evidence either way. */
static tsb_result check_timing(runner *r, const tsb_step *st, const tsb_frame *f)
{
    char shown[1024];

    if (f->first_in_burst && f->burst_on >= 0) {
        long pre = (f->start - f->burst_on) / TSB_MS(1);

        if (pre < 850 - MEASURE_MS || pre > 1150 + MEASURE_MS)
            return run_failed(r, st, "%s came after %ld ms of preamble; T.30 wants 1 s +-15 %% (850 to 1150 ms)",
                              run_show(f, shown, sizeof shown), pre);
        if (r->o->verbose)
            fprintf(stderr, "# %s: preamble %ld ms\n", r->t->name, pre);
    }
    if (r->ced_end >= 0 && f->burst_on >= 0) {
        long gap = (f->burst_on - r->ced_end) / TSB_MS(1);

        r->ced_end = -1;
        if (gap < 55 - MEASURE_MS || gap > 95 + MEASURE_MS)
            return run_failed(r, st, "%ld ms of silence between CED and the V.21 preamble; T.30 wants 75 +-20 ms", gap);
        if (r->o->verbose)
            fprintf(stderr, "# %s: CED to preamble %ld ms\n", r->t->name, gap);
    }
    return TSB_PASS;
}

tsb_result run_expect_frame(runner *r, const tsb_step *st)
{
    pattern p, alt;
    bool has_alt = st->alt_value && run_parse_pattern(st->alt_value, &alt) == 0;
    long until = r->now + run_timeout_of(st);
    char shown[1024];

    if (!st->value || run_parse_pattern(st->value, &p))
        return run_failed(r, st, "cannot read the expected frame '%s'", st->value ? st->value : "");
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
                            run_show(&f, shown, sizeof shown));
                continue;
            }
            if (run_matches(&p, &f) || (has_alt && run_matches(&alt, &f))) {
                long gap = f.quiet_from >= 0 ? (f.burst_on - f.quiet_from) / TSB_MS(1) : -1;

                if (r->o->verbose)
                    fprintf(stderr, "# %s: %.2f s: got %s\n", r->t->name, f.end / (double)TSB_RATE,
                            run_show(&f, shown, sizeof shown));
                if (st->gap_min >= 0 && (gap < st->gap_min - MEASURE_MS || gap > st->gap_max + MEASURE_MS))
                    return run_failed(r, st, "%s came after %ld ms of silence; the script wants %ld to %ld ms",
                                      run_show(&f, shown, sizeof shown), gap, st->gap_min, st->gap_max);
                return TSB_PASS;
            }
            if (r->o->optional_nsf && st->tag && !strcasecmp(st->tag, "NSF") && f.len >= 3 &&
                (f.buf[2] & 0xfe) != (p.b[2] & 0xfe)) {
                /* --optional-nsf: T.30 makes NSF optional; the frame is left for the next step */
                if (r->o->verbose)
                    fprintf(stderr, "# %s: no NSF (optional), %s left for the next step\n", r->t->name,
                            run_show(&f, shown, sizeof shown));
                tsb_rx_unget(r->rx, &f);
                return TSB_PASS;
            }
            return run_failed(r, st, "expected %s, got %s", st->value, run_show(&f, shown, sizeof shown));
        }
        if (r->gone)
            return run_failed(r, st, "the gateway ended the call at %.2f s before sending it",
                              r->now / (double)TSB_RATE);
        if (r->now >= until)
            return run_failed(r, st, "nothing matching %s within %ld ms (%d frames with a bad FCS so far)", st->value,
                              run_timeout_of(st) / TSB_MS(1), tsb_rx_bad_frames(r->rx));
        if (run_tick(r))
            return TSB_FAIL;
    }
}

/* ---- the other receive steps ---------------------------------------------------------------- */

tsb_result run_expect_ced(runner *r, const tsb_step *st)
{
    long until = r->now + run_timeout_of(st), ced_on, ced_off, on, off;

    r->listening = true;
    for (;;) {
        bool loud = tsb_rx_loud(r->rx, &on, &off);

        tsb_rx_ced(r->rx, &ced_on, &ced_off);
        /* the detector tells that it is 2100 Hz; the level tells when it began and ended */
        if (ced_on >= 0 && !loud && on >= 0 && on <= ced_on && off > on) {
            long ms = (off - on) / TSB_MS(1);

            if (ms < 2600 - MEASURE_MS || ms > 4000 + MEASURE_MS)
                return run_failed(r, st, "CED lasted %ld ms; T.30 wants 2.6 to 4.0 s", ms);
            r->ced_end = off;
            if (r->o->verbose)
                fprintf(stderr, "# %s: CED %ld ms\n", r->t->name, ms);
            return TSB_PASS;
        }
        if (r->gone)
            return run_failed(r, st, "the gateway ended the call before CED");
        if (r->now >= until)
            return run_failed(r, st, "no CED within %d ms", st->timeout >= 0 ? st->timeout : DEFAULT_R_TIMEOUT);
        if (run_tick(r))
            return TSB_FAIL;
    }
}

tsb_result run_expect_silence(runner *r, const tsb_step *st)
{
    long until = r->now + run_timeout_of(st);

    r->listening = true;
    while (tsb_rx_carrier(r->rx) && !r->gone) {
        if (r->now >= until)
            return run_failed(r, st, "the gateway's V.21 carrier did not end within %ld ms",
                              run_timeout_of(st) / TSB_MS(1));
        if (run_tick(r))
            return TSB_FAIL;
    }
    return TSB_PASS;
}

/* T CLEAR: the tester hangs up (after what it still has to send). No audio flows after that,
   so the gateway's release is timed in wall time: the line driver waits up to 200 ms for the far
   end to close its side. */
tsb_result run_tester_clears(runner *r)
{
    struct timespec t0, t1;

    while (r->tx.len > r->tx.pos && !r->gone)
        if (run_tick(r))
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
tsb_result run_expect_clear(runner *r, const tsb_step *st)
{
    long until = r->now + run_timeout_of(st);

    r->listening = false;
    if (r->cleared == 2) {
        if (r->release_ms > run_timeout_of(st) / TSB_MS(1) || r->release_ms >= 200)
            return run_failed(r, st, "the gateway had not released the line %ld ms after the tester hung up",
                              r->release_ms);
        return TSB_PASS;
    }
    while (!r->gone) {
        if (r->now >= until)
            return run_failed(r, st, "the gateway was still on the line %ld ms later", run_timeout_of(st) / TSB_MS(1));
        if (run_tick(r))
            return TSB_FAIL;
    }
    return TSB_PASS;
}

tsb_result run_check_status(runner *r, const tsb_step *st)
{
    int want = tsb_status_code(st->value ? st->value : ""), got = -1;
    char err[600];

    if (want < 0)
        return run_failed(r, st, "unknown status '%s'", st->value ? st->value : "");
    if (!r->gone) {
        fg_line_hangup(r->ln);
        r->gone = true;
    }
    if (!r->o->store)
        return TSB_PASS;   /* main says that STATUS is not checked without --store */
    if (tsb_store_t30_code(r->o->store, r->uuid, STATUS_WAIT_S, &got, err, sizeof err))
        return run_failed(r, st, "%s", err);
    if (got != want)
        return run_failed(r, st, "the gateway's T.30 result is '%s' (%d), the script expects %s (%d)",
                          t30_completion_code_to_str(got), got, st->value, want);
    if (r->nsent && !r->damaged) {
        int checked = 0;

        if (tsb_store_pages_match(r->o->store, r->uuid, (const char *const *)r->sent, r->nsent, &checked, err,
                                  sizeof err))
            return run_failed(r, st, "%s", err);
        if (r->o->verbose)
            fprintf(stderr, "# %s: %d stored page%s equal to the pages sent\n", r->t->name, checked,
                    checked == 1 ? "" : "s");
    }
    return TSB_PASS;
}

/* A <repeat min="0"> is what the gateway may ask for or not (RNR … RR until it is ready). Its
   first step is a frame the gateway sends: if the gateway's next frame of that kind is that one,
   the repeat is played (the frame left for it), else the steps after the repeat go on with it. */
int run_repeat_wanted(runner *r, const tsb_step *first, const tsb_step *after)
{
    long until = r->now + run_timeout_of(after && after->dir == 'R' ? after : first);
    pattern p;

    if (first->dir != 'R' || strcasecmp(first->type, "HDLC") || !first->value ||
        run_parse_pattern(first->value, &p)) {
        run_failed(r, first, "a <repeat> must start with a frame the gateway sends");
        return -1;
    }
    r->listening = true;
    for (;;) {
        tsb_frame f;

        while (tsb_rx_frame(r->rx, &f)) {
            if (f.len < 2 || f.buf[1] != p.b[1])
                continue;   /* passed over, as R HDLC does */
            tsb_rx_unget(r->rx, &f);
            return run_matches(&p, &f);
        }
        if (r->gone || r->now >= until)
            return 0;
        if (run_tick(r))
            return -1;
    }
}
