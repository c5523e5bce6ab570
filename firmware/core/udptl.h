/* faxgate — UDPTL (ITU-T T.38 §9.1): T.38 IFP packets over UDP, with redundancy.
 *
 * A UDPTL packet is a 16-bit sequence number, the primary IFP packet and the error recovery:
 * either the previous IFP packets again (redundancy, most recent first) or FEC parity data.
 * Lengths are ASN.1 PER length determinants. Packets come from the far end: every length is
 * checked against the datagram, and FEC is parsed (so a peer that sends it anyway is
 * understood) though only its primaries are used: we answer FEC offers with redundancy.
 */
#ifndef FAXGATE_UDPTL_H
#define FAXGATE_UDPTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "faxgate/error.h"

#define FG_UDPTL_MAX_DATAGRAM 1500   /* a UDP payload on Ethernet; larger is refused */
#define FG_UDPTL_MAX_IFP 1400
#define FG_UDPTL_MAX_SECONDARY 16
#define FG_UDPTL_HISTORY 4           /* previous IFPs repeated in each packet we send */
#define FG_UDPTL_MIN_DATAGRAM 72     /* the smallest T38FaxMaxDatagram a peer may give */

typedef struct fg_udptl_ifp {
    uint16_t seq;
    const uint8_t *data;            /* points into the decoded datagram */
    size_t len;
} fg_udptl_ifp;

typedef struct fg_udptl_pkt {
    fg_udptl_ifp primary;
    int nsec;
    fg_udptl_ifp sec[FG_UDPTL_MAX_SECONDARY];   /* sec[0] is seq-1, sec[1] seq-2, ... */
    bool fec;                       /* error recovery was FEC (ignored) */
} fg_udptl_pkt;

/** Decodes one datagram. FG_ERR_FORMAT, saying where, for anything malformed. */
fg_err fg_udptl_decode(const uint8_t *buf, size_t len, fg_udptl_pkt *p);

/* The sending side: sequence numbers and the IFPs repeated for redundancy. */
typedef struct fg_udptl_tx {
    uint16_t seq;
    bool redundancy;
    int nhist;
    struct {
        size_t len;
        uint8_t b[FG_UDPTL_MAX_IFP];
    } hist[FG_UDPTL_HISTORY];       /* hist[0] is the most recent */
} fg_udptl_tx;

/** Encodes the next packet around ifp, with as many earlier IFPs as fit in max_datagram (the
    far end's T38FaxMaxDatagram; 0 = not given, 72 assumed). The primary is always sent.
    Returns the datagram size, 0 if ifp itself cannot be encoded in cap. */
size_t fg_udptl_encode(fg_udptl_tx *tx, const uint8_t *ifp, size_t len, size_t max_datagram, uint8_t *out,
                       size_t cap);

/* The receiving side: IFPs handed on in order, each once, lost ones taken from redundancy. */
typedef struct fg_udptl_rx {
    bool started;
    uint16_t next;                  /* the sequence number expected next */
    int head, count;                /* queue of IFPs waiting to be handed on */
    struct {
        uint16_t seq;
        size_t len;
        uint8_t b[FG_UDPTL_MAX_IFP];
    } q[FG_UDPTL_MAX_SECONDARY + 1];
    unsigned long recovered, late;  /* counters for the call's log */
} fg_udptl_rx;

/** Takes a decoded packet: queues what is new (recovered secondaries first, then the primary);
    duplicates and late packets are counted and dropped. */
void fg_udptl_rx_put(fg_udptl_rx *rx, const fg_udptl_pkt *p);

/** The next IFP to hand on, if any: copied to buf (cap bytes), its length and sequence number. */
bool fg_udptl_rx_get(fg_udptl_rx *rx, uint8_t *buf, size_t cap, size_t *len, uint16_t *seq);

#endif
