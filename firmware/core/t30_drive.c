/* faxgate — t30: a receive session driven by its line, for faxgated's call threads and faxsim receive.
 *
 * In audio the line is the clock: each block received is answered with as many samples, so the
 * session runs at line pace behind a PBX and as fast as the peer sends in tests. After a switch to
 * T.38 packets are fed as they come and SpanDSP's clock is the wall clock, in whole 20 ms steps.
 */
#include <stdlib.h>
#include <time.h>

#include "faxgate/t30.h"

/* No audio (or T.38 packet) for this long means the line is dead even if the socket is not. */
#define LINE_SILENCE_MS 30000
#define MAX_BLOCK 8000

static int t38_send(void *user, const uint8_t *ifp, size_t len, int count)
{
    return fg_line_t38_send(user, ifp, len, count) ? -1 : 0;
}

static bool must_end(const fg_rx_drive *d, fg_rx *rx)
{
    return d->must_end && d->must_end(d->user, rx);
}

static void drive_t38(fg_rx *rx, const fg_rx_drive *d)
{
    struct timespec last, now;
    fg_t38_params p;
    long quiet_ms = 0;
    bool done = false;
    fg_err e;

    if ((e = fg_line_t38_params(d->ln, &p)) || (e = fg_rx_use_t38(rx, &p, t38_send, d->ln))) {
        fg_rx_line_lost(rx, fg_err_msg(e));
        return;
    }
    if (d->on_t38)
        d->on_t38(d->user, &p);
    clock_gettime(CLOCK_MONOTONIC, &last);
    while (!done) {
        uint8_t ifp[1500];
        size_t len;
        uint16_t seq;
        long ms;

        clock_gettime(CLOCK_MONOTONIC, &now);
        ms = (now.tv_sec - last.tv_sec) * 1000 + (now.tv_nsec - last.tv_nsec) / 1000000;
        if (ms >= 20) {
            long steps = ms / 20;

            if ((e = fg_rx_t38_tick(rx, (int)(steps * 160), &done)))
                break;
            last.tv_nsec += (steps * 20) % 1000 * 1000000L;
            last.tv_sec += steps * 20 / 1000 + last.tv_nsec / 1000000000L;
            last.tv_nsec %= 1000000000L;
            quiet_ms += steps * 20;
            continue;
        }
        if (must_end(d, rx))
            break;
        if (quiet_ms > LINE_SILENCE_MS) {
            fg_rx_line_lost(rx, "no T.38 packet for 30 s");
            break;
        }
        e = fg_line_t38_recv(d->ln, ifp, sizeof ifp, &len, &seq, (int)(20 - ms));
        if (e == FG_ERR_TIMEOUT)
            continue;
        if (e) {
            fg_rx_line_lost(rx, fg_err_msg(e));
            break;
        }
        quiet_ms = 0;
        if ((e = fg_rx_t38_packet(rx, ifp, len, seq, &done)))
            break;
    }
}

void fg_rx_drive_line(fg_rx *rx, const fg_rx_drive *d)
{
    int16_t *in = malloc(MAX_BLOCK * sizeof *in), *out = malloc(MAX_BLOCK * sizeof *out);
    const int16_t *block = d->first;
    int n = d->first ? d->first_n : 0;
    long quiet_ms = 0;
    bool done = false, gap = false;
    fg_err e;

    if (!in || !out) {
        fg_rx_line_lost(rx, "out of memory");
        goto out;
    }
    for (;;) {
        if (n > 0) {
            if ((e = gap ? fg_rx_audio_lost(rx, out, n, &done) : fg_rx_audio(rx, block, out, n, &done))) {
                fg_rx_line_lost(rx, fg_err_msg(e));
                break;
            }
            if ((e = fg_line_send(d->ln, out, n))) {
                fg_rx_line_lost(rx, fg_err_msg(e));
                break;
            }
        }
        if (done || must_end(d, rx))
            break;
        /* a second at a time, so that must_end runs while the line is quiet */
        e = fg_line_recv(d->ln, in, MAX_BLOCK, &n, 1000);
        gap = fg_line_recv_was_gap(d->ln);
        if (e == FG_ERR_STATE) {
            drive_t38(rx, d);
            break;
        }
        if (e == FG_ERR_TIMEOUT) {
            n = 0;
            if ((quiet_ms += 1000) < LINE_SILENCE_MS)
                continue;
            fg_rx_line_lost(rx, "no audio for 30 s");
            break;
        }
        quiet_ms = 0;
        if (e) {
            fg_rx_line_lost(rx, e == FG_ERR_HANGUP ? "the caller hung up" : fg_err_msg(e));
            break;
        }
        block = in;
    }
out:
    free(in);
    free(out);
}
