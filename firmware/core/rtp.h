/* faxgate — RTP (RFC 3550) for G.711 fax audio: packets in and out, and a small playout
 * buffer that puts late and reordered packets back in order.
 *
 * The receiving side is clocked by arrival, as the rest of a call is: a packet in order is
 * handed on at once; a gap is waited for while fewer than FG_RTP_HOLD packets are queued
 * behind it, then filled with silence (a modem resynchronises on silence; noise from
 * concealment would only mislead it). A jump of more than a second in the timestamps is a new
 * talk spurt or a restarted sender: the buffer follows it instead of inserting a second of
 * silence.
 */
#ifndef FAXGATE_RTP_H
#define FAXGATE_RTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "faxgate/error.h"

#define FG_RTP_MAX_PACKET 1500
#define FG_RTP_MAX_SAMPLES 1280        /* 160 ms of G.711 in one packet: more is not a fax stream */
#define FG_RTP_SLOTS 16
#define FG_RTP_HOLD 3                  /* packets queued behind a gap before it is given up */

typedef struct fg_rtp_hdr {
    bool marker;
    uint8_t pt;
    uint16_t seq;
    uint32_t ts, ssrc;
    const uint8_t *payload;
    size_t len;
} fg_rtp_hdr;

/** Parses one RTP packet (version 2; CSRCs, extension and padding are skipped and checked). */
fg_err fg_rtp_parse(const uint8_t *buf, size_t len, fg_rtp_hdr *h);

/* The sending side: one stream of G.711 packets of ptime ms each. */
typedef struct fg_rtp_tx {
    uint8_t pt;
    bool alaw;
    bool started;
    uint16_t seq;
    uint32_t ts, ssrc;
    int frame;                         /* samples per packet (8 per ms of ptime) */
    int fill;
    int16_t pending[FG_RTP_MAX_SAMPLES];
} fg_rtp_tx;

/** Sets a stream up: payload type, law, ptime in ms (10 to 160, else 20), random seq/ts/SSRC. */
void fg_rtp_tx_init(fg_rtp_tx *tx, uint8_t pt, bool alaw, int ptime);

/** Takes samples; each time a packet is full, writes it to out and returns its size (call
    again with n = 0 for the next). 0 when no packet is ready. *used is how many samples taken. */
size_t fg_rtp_tx_put(fg_rtp_tx *tx, const int16_t *s, int n, int *used, uint8_t *out, size_t cap);

/* The receiving side. */
typedef struct fg_rtp_rx {
    uint8_t pt;                        /* the payload type agreed (others are ignored) */
    bool alaw;
    bool started;
    uint32_t ssrc;
    uint32_t next_ts;                  /* timestamp of the next sample to hand on */
    struct {
        bool used;
        uint32_t ts;
        int n;
        uint8_t b[FG_RTP_MAX_SAMPLES];
    } slot[FG_RTP_SLOTS];
    unsigned long packets, late, lost_samples, foreign;
    bool last_gap;                     /* the block the last get returned was a gap given up (silence) */
} fg_rtp_rx;

void fg_rtp_rx_init(fg_rtp_rx *rx, uint8_t pt, bool alaw);

/** Takes one parsed packet into the playout buffer. */
void fg_rtp_rx_put(fg_rtp_rx *rx, const fg_rtp_hdr *h);

/** Hands on up to max samples that are due (in order, gaps filled per the rules above);
    flush gives up on any gap now (the line has been quiet). Returns the count. A block is either
    all audio or all a gap given up (silence, last_gap set): the receiver may stand in for a gap
    better than silence (SpanDSP's fax_rx_fillin keeps its modems in step). */
int fg_rtp_rx_get(fg_rtp_rx *rx, int16_t *out, int max, bool flush);

#endif
