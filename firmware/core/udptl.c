/* faxgate — UDPTL framing for T.38: decode, encode with redundancy, and in-order delivery. */
#include <string.h>

#include "udptl.h"

/* ASN.1 PER length determinant: 1 byte below 128, 2 bytes below 16384. Larger lengths are
   fragmented in PER; no IFP is that long, so they are refused. */
static bool get_len(const uint8_t *b, size_t n, size_t *at, size_t *len)
{
    if (*at >= n)
        return false;
    if (!(b[*at] & 0x80)) {
        *len = b[(*at)++];
        return true;
    }
    if ((b[*at] & 0xc0) != 0x80 || *at + 1 >= n)
        return false;
    *len = (size_t)(b[*at] & 0x3f) << 8 | b[*at + 1];
    *at += 2;
    return true;
}

static bool get_open(const uint8_t *b, size_t n, size_t *at, fg_udptl_ifp *ifp)
{
    size_t len;

    if (!get_len(b, n, at, &len) || len > n - *at)
        return false;
    ifp->data = b + *at;
    ifp->len = len;
    *at += len;
    return true;
}

fg_err fg_udptl_decode(const uint8_t *b, size_t n, fg_udptl_pkt *p)
{
    size_t at = 2, count;
    uint16_t seq;

    memset(p, 0, sizeof *p);
    if (n > FG_UDPTL_MAX_DATAGRAM)
        return fg_err_set(FG_ERR_TOOBIG, "UDPTL datagram of %zu bytes", n);
    if (n < 4)
        return fg_err_set(FG_ERR_FORMAT, "UDPTL datagram of %zu bytes is too short", n);
    seq = (uint16_t)(b[0] << 8 | b[1]);
    if (!get_open(b, n, &at, &p->primary) || p->primary.len == 0)
        return fg_err_set(FG_ERR_FORMAT, "UDPTL packet %u: bad primary IFP length", seq);
    p->primary.seq = seq;
    if (at >= n)
        return fg_err_set(FG_ERR_FORMAT, "UDPTL packet %u: no error-recovery field", seq);
    if (!(b[at] & 0x80)) {
        at++;
        if (!get_len(b, n, &at, &count))
            return fg_err_set(FG_ERR_FORMAT, "UDPTL packet %u: bad redundancy count", seq);
        for (size_t i = 0; i < count; i++) {
            fg_udptl_ifp ifp;

            if (!get_open(b, n, &at, &ifp))
                return fg_err_set(FG_ERR_FORMAT, "UDPTL packet %u: secondary IFP %zu overruns the datagram", seq, i);
            if (p->nsec < FG_UDPTL_MAX_SECONDARY && ifp.len) {
                ifp.seq = (uint16_t)(seq - 1 - i);
                p->sec[p->nsec++] = ifp;
            }
        }
    } else {
        /* fec-info: fec-npackets as a 1-byte-long integer, then the parity entries */
        at++;
        if (at + 2 > n || b[at] != 1)
            return fg_err_set(FG_ERR_FORMAT, "UDPTL packet %u: bad FEC span", seq);
        at += 2;
        if (!get_len(b, n, &at, &count))
            return fg_err_set(FG_ERR_FORMAT, "UDPTL packet %u: bad FEC entry count", seq);
        for (size_t i = 0; i < count; i++) {
            fg_udptl_ifp ifp;

            if (!get_open(b, n, &at, &ifp))
                return fg_err_set(FG_ERR_FORMAT, "UDPTL packet %u: FEC entry %zu overruns the datagram", seq, i);
        }
        p->fec = true;
    }
    return FG_OK;
}

static size_t put_len(uint8_t *o, size_t len)
{
    if (len < 0x80) {
        o[0] = (uint8_t)len;
        return 1;
    }
    o[0] = (uint8_t)(0x80 | len >> 8);
    o[1] = (uint8_t)len;
    return 2;
}

size_t fg_udptl_encode(fg_udptl_tx *tx, const uint8_t *ifp, size_t len, size_t max_dgram, uint8_t *out,
                       size_t cap)
{
    size_t at = 0, limit, count_at;
    int nsec = 0;

    if (!len || len > FG_UDPTL_MAX_IFP || cap < len + 8)
        return 0;
    limit = max_dgram >= FG_UDPTL_MIN_DATAGRAM ? max_dgram : FG_UDPTL_MIN_DATAGRAM;
    if (limit > cap)
        limit = cap;
    out[at++] = (uint8_t)(tx->seq >> 8);
    out[at++] = (uint8_t)tx->seq;
    at += put_len(out + at, len);
    memcpy(out + at, ifp, len);
    at += len;
    out[at++] = 0x00;             /* secondary-ifp-packets */
    count_at = at++;
    /* as many earlier IFPs, most recent first, as the far end's datagram size allows */
    for (int i = 0; tx->redundancy && i < tx->nhist; i++) {
        size_t need = (tx->hist[i].len < 0x80 ? 1 : 2) + tx->hist[i].len;

        if (at + need > limit)
            break;
        at += put_len(out + at, tx->hist[i].len);
        memcpy(out + at, tx->hist[i].b, tx->hist[i].len);
        at += tx->hist[i].len;
        nsec++;
    }
    out[count_at] = (uint8_t)nsec;
    memmove(&tx->hist[1], &tx->hist[0], sizeof tx->hist[0] * (FG_UDPTL_HISTORY - 1));
    memcpy(tx->hist[0].b, ifp, len);
    tx->hist[0].len = len;
    if (tx->nhist < FG_UDPTL_HISTORY)
        tx->nhist++;
    tx->seq++;
    return at;
}

static void queue(fg_udptl_rx *rx, const fg_udptl_ifp *ifp)
{
    int slot;

    if (rx->count == (int)(sizeof rx->q / sizeof rx->q[0]) || ifp->len > FG_UDPTL_MAX_IFP)
        return;
    slot = (rx->head + rx->count) % (int)(sizeof rx->q / sizeof rx->q[0]);
    rx->q[slot].seq = ifp->seq;
    rx->q[slot].len = ifp->len;
    memcpy(rx->q[slot].b, ifp->data, ifp->len);
    rx->count++;
}

/* Sequence numbers wrap: a is at or after b within half the space. */
static bool at_or_after(uint16_t a, uint16_t b)
{
    return (uint16_t)(a - b) < 0x8000;
}

void fg_udptl_rx_put(fg_udptl_rx *rx, const fg_udptl_pkt *p)
{
    uint16_t seq = p->primary.seq;

    if (!rx->started) {
        rx->started = true;
        rx->next = seq;
    }
    if (!at_or_after(seq, rx->next)) {
        rx->late++;
        return;
    }
    /* what was lost since the last packet, oldest first, from the copies this one carries */
    for (int i = p->nsec - 1; i >= 0; i--) {
        if (at_or_after(p->sec[i].seq, rx->next) && p->sec[i].seq != seq) {
            queue(rx, &p->sec[i]);
            rx->recovered++;
        }
    }
    queue(rx, &p->primary);
    rx->next = (uint16_t)(seq + 1);
}

bool fg_udptl_rx_get(fg_udptl_rx *rx, uint8_t *buf, size_t cap, size_t *len, uint16_t *seq)
{
    for (;;) {
        if (!rx->count)
            return false;
        int h = rx->head;

        rx->head = (rx->head + 1) % (int)(sizeof rx->q / sizeof rx->q[0]);
        rx->count--;
        if (rx->q[h].len > cap)
            continue;
        memcpy(buf, rx->q[h].b, rx->q[h].len);
        *len = rx->q[h].len;
        *seq = rx->q[h].seq;
        return true;
    }
}
