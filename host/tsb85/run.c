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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "run_impl.h"

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
    } known[] = {{"CALL", 0},   {"WAIT", 0},      {"STATUS", 0},   {"SET", 'T'}, {"PREAMBLE", 'T'},
                 {"HDLC", 'T'},  {"POSTAMBLE", 'T'}, {"TCF", 'T'},     {"MSG", 'T'}, {"CLEAR", 'T'},
                 {"PP", 'T'},    {"CNG", 'T'},       {"CED", 'R'},     {"HDLC", 'R'}, {"SILENCE", 'R'},
                 {"CLEAR", 'R'}};

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
        if (st->dir == 'T' && (!strcasecmp(st->type, "MSG") || !strcasecmp(st->type, "PP")) &&
            tsb_image_path(o->image_dir, o->tmpdir, st->value ? st->value : "", path, sizeof path, buf, cap))
            return buf;
        if (st->dir == 'T' &&
            (!strcasecmp(st->type, "MSG") || !strcasecmp(st->type, "TCF") ||
             (!strcasecmp(st->type, "PREAMBLE") && st->modem && strcasecmp(st->modem, "V.21"))) &&
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

    if (r->o->verbose > 1)
        fprintf(stderr, "# %s: %.2f s: line %d %c %s %s\n", r->t->name, r->now / (double)TSB_RATE, st->line,
                st->dir ? st->dir : '-', st->type, st->tag ? st->tag : "");
    if (!strcasecmp(st->type, "CALL")) {
        if (r->ln)
            return run_failed(r, st, "a second CALL in one test");
        if ((e = fg_line_connect(r->o->line, NULL, NULL, &r->ln)))
            return run_failed(r, st, "%s", fg_err_msg(e));
        snprintf(r->uuid, sizeof r->uuid, "%s", fg_line_uuid(r->ln));
        return TSB_PASS;
    }
    if (!strcasecmp(st->type, "STATUS"))
        return run_check_status(r, st);
    if (!strcasecmp(st->type, "SET")) {
        if (r->o->verbose)
            fprintf(stderr, "# %s: the gateway must be configured with %s '%s'\n", r->t->name, st->tag,
                    st->value ? st->value : "");
        return TSB_PASS;   /* checked where the gateway sends it (its CSI) */
    }
    if (!r->ln)
        return run_failed(r, st, "the script has no CALL before this step");
    if (!strcasecmp(st->type, "WAIT")) {
        if (tsb_audio_silence(&r->tx, TSB_MS(st->value ? atoi(st->value) : 1)))
            return run_failed(r, st, "out of memory");
        return run_flush(r) ? TSB_FAIL : TSB_PASS;
    }
    if (st->dir == 'T') {
        if (!strcasecmp(st->type, "PREAMBLE"))
            return run_send_burst(r, i);
        if (!strcasecmp(st->type, "TCF"))
            return run_send_tcf(r, st);
        if (!strcasecmp(st->type, "MSG"))
            return run_send_page(r, st);
        if (!strcasecmp(st->type, "CLEAR"))
            return run_tester_clears(r);
        if (!strcasecmp(st->type, "CNG")) {
            /* the calling tone goes on under the steps that follow, until CED is heard */
            run_stop_cng(r);
            if (!(r->cng = modem_connect_tones_tx_init(NULL, MODEM_CONNECT_TONES_FAX_CNG)))
                return run_failed(r, st, "out of memory");
            return TSB_PASS;
        }
        return run_failed(r, st, "a T %s step outside a V.21 burst", st->type);
    }
    if (!strcasecmp(st->type, "CED"))
        return run_expect_ced(r, st);
    if (!strcasecmp(st->type, "HDLC"))
        return run_expect_frame(r, st);
    if (!strcasecmp(st->type, "SILENCE"))
        return run_expect_silence(r, st);
    return run_expect_clear(r, st);
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
        const tsb_step *st = &t->steps[i];
        int end = i, times = 0, w;

        if (!st->repeat || (i > 0 && t->steps[i - 1].repeat == st->repeat)) {
            res = step(&r, &i);
            continue;
        }
        while (end + 1 < t->nsteps && t->steps[end + 1].repeat == st->repeat)
            end++;
        /* an optional <repeat>: played as long as the gateway asks for it */
        while (res == TSB_PASS && (st->repeat_max < 0 || times < st->repeat_max) &&
               (w = run_repeat_wanted(&r, st, end + 1 < t->nsteps ? &t->steps[end + 1] : NULL)) != 0) {
            if (w < 0)
                res = TSB_FAIL;
            for (int k = i; k <= end && res == TSB_PASS; k++)
                res = step(&r, &k);
            times++;
        }
        if (o->verbose && times)
            fprintf(stderr, "# %s: the repeat at line %d played %d time%s\n", t->name, st->line, times,
                    times == 1 ? "" : "s");
        i = end;
    }
    run_stop_cng(&r);
    for (int i = 0; i < r.nsent; i++)
        free(r.sent[i]);
    fg_line_free(r.ln);
    tsb_rx_free(r.rx);
    tsb_audio_free(&r.tx);
    return res;
}
