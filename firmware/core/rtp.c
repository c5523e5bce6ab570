/* faxgate — RTP for G.711: parse, packetise, and put the far end's packets back in order. */
#include <string.h>
#include <sys/random.h>
#include <spandsp.h>

#include "rtp.h"

fg_err fg_rtp_parse(const uint8_t *b, size_t n, fg_rtp_hdr *h)
{
    size_t at = 12, pad = 0;

    if (n < 12)
        return fg_err_set(FG_ERR_FORMAT, "RTP packet of %zu bytes is shorter than its header", n);
    if (n > FG_RTP_MAX_PACKET)
        return fg_err_set(FG_ERR_TOOBIG, "RTP packet of %zu bytes", n);
    if ((b[0] >> 6) != 2)
        return fg_err_set(FG_ERR_FORMAT, "RTP version %d (not 2)", b[0] >> 6);
    at += (size_t)(b[0] & 0x0f) * 4;
    if (b[0] & 0x10) {
        if (at + 4 > n)
            return fg_err_set(FG_ERR_FORMAT, "RTP header extension past the packet end");
        at += 4 + (size_t)(b[at + 2] << 8 | b[at + 3]) * 4;
    }
    if (b[0] & 0x20) {
        pad = b[n - 1];
        if (!pad)
            return fg_err_set(FG_ERR_FORMAT, "RTP padding of 0 bytes");
    }
    if (at + pad > n)
        return fg_err_set(FG_ERR_FORMAT, "RTP header (%zu bytes) and padding (%zu) exceed the packet (%zu)", at, pad, n);
    h->marker = b[1] & 0x80;
    h->pt = b[1] & 0x7f;
    h->seq = (uint16_t)(b[2] << 8 | b[3]);
    h->ts = (uint32_t)b[4] << 24 | (uint32_t)b[5] << 16 | (uint32_t)b[6] << 8 | b[7];
    h->ssrc = (uint32_t)b[8] << 24 | (uint32_t)b[9] << 16 | (uint32_t)b[10] << 8 | b[11];
    h->payload = b + at;
    h->len = n - at - pad;
    return FG_OK;
}

void fg_rtp_tx_init(fg_rtp_tx *tx, uint8_t pt, bool alaw, int ptime)
{
    memset(tx, 0, sizeof *tx);
    tx->pt = pt;
    tx->alaw = alaw;
    tx->frame = (ptime >= 10 && ptime <= 160 ? ptime : 20) * 8;
    if (getrandom(&tx->seq, sizeof tx->seq, 0) != sizeof tx->seq)
        tx->seq = 1;
    if (getrandom(&tx->ts, sizeof tx->ts, 0) != sizeof tx->ts)
        tx->ts = 0;
    if (getrandom(&tx->ssrc, sizeof tx->ssrc, 0) != sizeof tx->ssrc)
        tx->ssrc = 0x66617867;
}

size_t fg_rtp_tx_put(fg_rtp_tx *tx, const int16_t *s, int n, int *used, uint8_t *out, size_t cap)
{
    int take = tx->frame - tx->fill;

    if (take > n)
        take = n;
    memcpy(tx->pending + tx->fill, s, (size_t)(take > 0 ? take : 0) * sizeof *s);
    tx->fill += take > 0 ? take : 0;
    *used = take > 0 ? take : 0;
    if (tx->fill < tx->frame || cap < 12 + (size_t)tx->frame)
        return 0;
    out[0] = 0x80;
    out[1] = (uint8_t)(tx->pt | (tx->started ? 0 : 0x80));   /* marker on the first packet */
    out[2] = (uint8_t)(tx->seq >> 8);
    out[3] = (uint8_t)tx->seq;
    for (int i = 0; i < 4; i++) {
        out[4 + i] = (uint8_t)(tx->ts >> (24 - 8 * i));
        out[8 + i] = (uint8_t)(tx->ssrc >> (24 - 8 * i));
    }
    for (int i = 0; i < tx->frame; i++)
        out[12 + i] = tx->alaw ? linear_to_alaw(tx->pending[i]) : linear_to_ulaw(tx->pending[i]);
    tx->started = true;
    tx->seq++;
    tx->ts += (uint32_t)tx->frame;
    tx->fill = 0;
    return 12 + (size_t)tx->frame;
}

void fg_rtp_rx_init(fg_rtp_rx *rx, uint8_t pt, bool alaw)
{
    memset(rx, 0, sizeof *rx);
    rx->pt = pt;
    rx->alaw = alaw;
}

/* Signed distance from a to b in the wrapping 32-bit timestamp space. */
static int32_t ts_diff(uint32_t b, uint32_t a)
{
    return (int32_t)(b - a);
}

void fg_rtp_rx_put(fg_rtp_rx *rx, const fg_rtp_hdr *h)
{
    int free_slot = -1;

    if (h->pt != rx->pt || !h->len || h->len > FG_RTP_MAX_SAMPLES) {
        rx->foreign++;   /* telephone-event, comfort noise, another codec: not fax audio */
        return;
    }
    if (!rx->started || h->ssrc != rx->ssrc) {
        /* first packet, or the far end restarted its stream: follow it */
        rx->started = true;
        rx->ssrc = h->ssrc;
        rx->next_ts = h->ts;
        for (int i = 0; i < FG_RTP_SLOTS; i++)
            rx->slot[i].used = false;
    }
    if (ts_diff(h->ts, rx->next_ts) < 0) {
        rx->late++;
        return;
    }
    if (ts_diff(h->ts, rx->next_ts) > 8000) {
        /* a second or more ahead: a new spurt, not a gap to fill */
        for (int i = 0; i < FG_RTP_SLOTS; i++)
            rx->slot[i].used = false;
        rx->next_ts = h->ts;
    }
    for (int i = 0; i < FG_RTP_SLOTS; i++) {
        if (rx->slot[i].used && rx->slot[i].ts == h->ts)
            return;   /* duplicate */
        if (!rx->slot[i].used && free_slot < 0)
            free_slot = i;
    }
    if (free_slot < 0) {
        rx->late++;   /* the buffer is full: the gap in front will be given up at the next get */
        return;
    }
    rx->slot[free_slot].used = true;
    rx->slot[free_slot].ts = h->ts;
    rx->slot[free_slot].n = (int)h->len;
    memcpy(rx->slot[free_slot].b, h->payload, h->len);
    rx->packets++;
}

int fg_rtp_rx_get(fg_rtp_rx *rx, int16_t *out, int max, bool flush)
{
    int got = 0;

    rx->last_gap = false;
    while (got < max) {
        int at = -1, queued = 0, oldest = -1;

        for (int i = 0; i < FG_RTP_SLOTS; i++) {
            if (!rx->slot[i].used)
                continue;
            queued++;
            if (ts_diff(rx->slot[i].ts, rx->next_ts) <= 0 &&
                ts_diff(rx->next_ts, rx->slot[i].ts) < rx->slot[i].n)
                at = i;   /* holds the next sample */
            if (oldest < 0 || ts_diff(rx->slot[i].ts, rx->slot[oldest].ts) < 0)
                oldest = i;
        }
        if (at >= 0) {
            int off = ts_diff(rx->next_ts, rx->slot[at].ts), k = rx->slot[at].n - off;

            if (k > max - got)
                k = max - got;
            for (int i = 0; i < k; i++)
                out[got + i] = rx->alaw ? alaw_to_linear(rx->slot[at].b[off + i]) : ulaw_to_linear(rx->slot[at].b[off + i]);
            got += k;
            rx->next_ts += (uint32_t)k;
            if (off + k >= rx->slot[at].n)
                rx->slot[at].used = false;
            continue;
        }
        /* a slot that ends before next_ts is stale (overlapping packets) */
        if (oldest >= 0 && ts_diff(rx->slot[oldest].ts, rx->next_ts) < 0) {
            rx->slot[oldest].used = false;
            continue;
        }
        if (oldest < 0 || (!flush && queued < FG_RTP_HOLD))
            break;
        if (got > 0)
            break;   /* the audio before the gap goes first, the gap in a block of its own */
        /* give up on the gap: silence up to the oldest packet queued */
        {
            int gap = ts_diff(rx->slot[oldest].ts, rx->next_ts), k = gap < max ? gap : max;

            memset(out, 0, (size_t)k * sizeof *out);
            rx->next_ts += (uint32_t)k;
            rx->lost_samples += (unsigned long)k;
            rx->last_gap = true;
            return k;
        }
    }
    return got;
}
