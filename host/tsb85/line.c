/* tsb85 — the line to the gateway: 20 ms out, 20 ms back, and how a step fails. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "run_impl.h"

tsb_result run_failed(runner *r, const tsb_step *st, const char *fmt, ...)
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
int run_tick(runner *r)
{
    int16_t out[TSB_BLOCK] = {0}, in[TSB_BLOCK] = {0};
    size_t k = r->tx.len - r->tx.pos < TSB_BLOCK ? r->tx.len - r->tx.pos : TSB_BLOCK;
    int got = 0;

    if (k)
        memcpy(out, r->tx.amp + r->tx.pos, k * sizeof *out);
    if (k < TSB_BLOCK && r->cng)
        modem_connect_tones_tx(r->cng, out + k, TSB_BLOCK - (int)k);
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
    if (r->cng) {
        long on, off;

        tsb_rx_ced(r->rx, &on, &off);
        if (on >= 0)
            run_stop_cng(r);   /* a calling terminal stops CNG when it hears the answer */
    }
    if (!r->listening)
        tsb_rx_drop_frames(r->rx);
    return 0;
}

/* Sends what is queued, whole blocks only: a partial block goes out with the next step. */
int run_flush(runner *r)
{
    run_stop_cng(r);
    r->listening = false;
    while (r->tx.len - r->tx.pos >= TSB_BLOCK)
        if (run_tick(r))
            return -1;
    return 0;
}

void run_stop_cng(runner *r)
{
    if (r->cng)
        modem_connect_tones_tx_free(r->cng);
    r->cng = NULL;
}
