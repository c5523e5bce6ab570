/* faxgate — SDP (RFC 4566) for fax calls: G.711 audio over RTP and T.38 over UDPTL.
 *
 * Only what a fax endpoint negotiates: the connection address, the media lines, rtpmap and
 * ptime for audio, and the T.38 attributes of ITU-T T.38 Annex D (T38FaxVersion,
 * T38MaxBitRate, T38FaxRateManagement, T38FaxMaxBuffer, T38FaxMaxDatagram, T38FaxUdpEC,
 * T38FaxFillBitRemoval...). The text comes from the far end: every line is bounded, unknown
 * lines are skipped, and anything that cannot be parsed is FG_ERR_FORMAT, never a crash.
 */
#ifndef FAXGATE_SDP_H
#define FAXGATE_SDP_H

#include <stdbool.h>
#include <stddef.h>
#include "faxgate/error.h"
#include "faxgate/line.h"

#define FG_SDP_MAX_MEDIA 6
#define FG_SDP_MAX_FMT 24
#define FG_SDP_ADDR_LEN 64
#define FG_SDP_MAX_TEXT 8192     /* a fax call's SDP is a few hundred bytes */

enum { FG_PT_PCMU = 0, FG_PT_PCMA = 8 };

typedef struct fg_sdp_media {
    char type[12];               /* "audio", "image", anything else as given */
    int port;                    /* 0: refused or disabled */
    char proto[16];              /* "RTP/AVP", "udptl", ... */
    int fmt[FG_SDP_MAX_FMT];     /* audio payload types in the order offered (-1 for a name we skip) */
    int nfmt;
    bool t38;                    /* an "image udptl t38" line */
    signed char pcmu_pt, pcma_pt; /* -1 when not offered; else the payload type (0/8 or a dynamic one) */
    int ptime;                   /* ms, 0 when not given */
    char addr[FG_SDP_ADDR_LEN];  /* the media's c= address, or the session's */
    bool inactive;               /* a=inactive or a=sendonly/recvonly: we still answer, nothing else */
    fg_t38_params t38p;          /* with t38: the attributes as offered (defaults where absent) */
} fg_sdp_media;

typedef struct fg_sdp {
    char addr[FG_SDP_ADDR_LEN];  /* session-level c= address */
    int nmedia;
    fg_sdp_media m[FG_SDP_MAX_MEDIA];
} fg_sdp;

/* What we take from an offer (or found in an answer). */
typedef enum fg_sdp_kind { FG_SDP_NONE, FG_SDP_AUDIO, FG_SDP_T38 } fg_sdp_kind;

typedef struct fg_sdp_choice {
    fg_sdp_kind kind;
    int media;                   /* index in fg_sdp.m */
    int pt;                      /* audio: the payload type to send and expect */
    bool alaw;                   /* audio: PCMA rather than PCMU */
    int ptime;                   /* audio: ms per packet we send (the far end's, else 20) */
    char addr[FG_SDP_ADDR_LEN];
    int port;
    fg_t38_params t38;           /* T.38: the parameters both ends use (the answer's) */
} fg_sdp_choice;

/** Parses an SDP body. FG_ERR_FORMAT (with the line) if it is not SDP; FG_ERR_TOOBIG past the caps. */
fg_err fg_sdp_parse(const char *text, size_t len, fg_sdp *out);

/** Chooses the media to use from an offer: T.38 when offered with a port (prefer_t38 or the only
    one), else G.711 (PCMU, then PCMA). FG_ERR_UNSUPPORTED, saying what was offered, when neither. */
fg_err fg_sdp_choose(const fg_sdp *offer, bool prefer_t38, fg_sdp_choice *c);

/** Our T.38 answer to the far end's parameters: what we accept of each. */
void fg_sdp_t38_answer(const fg_t38_params *offered, fg_t38_params *answer);

/** Writes an answer (every offered m= line, the chosen one with our port, others port 0) to
    out. The number of bytes written, 0 if cap is too small. */
size_t fg_sdp_write_answer(const fg_sdp *offer, const fg_sdp_choice *c, const char *local_ip, int local_port,
                           unsigned long long sess_id, unsigned version, char *out, size_t cap);

/** Writes an offer for audio (PCMU and PCMA, ptime 20) or for T.38 alone, with t38's parameters
    (NULL: ours; its max_datagram is what the offerer takes). */
size_t fg_sdp_write_offer(fg_sdp_kind kind, const fg_t38_params *t38, const char *local_ip, int local_port,
                          unsigned long long sess_id, unsigned version, char *out, size_t cap);

/** Our own T.38 parameters: what we offer and are able to receive. */
void fg_sdp_t38_ours(fg_t38_params *p);

#endif
