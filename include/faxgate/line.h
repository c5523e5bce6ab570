/* faxgate — line drivers: a call's media in and out.
 *
 * A line delivers 8 kHz signed 16-bit audio both ways, or, once the far end and we agreed on
 * it, T.38 IFP packets. The drivers a build has come from the board's HAL table
 * (faxgate/hal.h); the core picks one by the URI scheme: "audiosocket://HOST:PORT" or
 * "sip://USER@HOST:PORT" (UDP and TCP; line_sip.c).
 *
 * AudioSocket (Asterisk's AudioSocket() application and channel): TCP, messages of
 * a 1-byte kind, a 16-bit big-endian payload length and the payload:
 *   0x00 hangup, 0x01 UUID (16 bytes), 0x03 DTMF digit, 0x10 audio slin 8 kHz
 *   (little-endian), 0xff error (optional 1-byte code).
 * faxgate adds one kind that Asterisk never sends and ignores: 0xC1 "call info",
 * "key=value" lines such as "caller-id=+15551234567", sent by faxsim (or a dialplan
 * helper) because AudioSocket itself carries no caller ID.
 */
#ifndef FAXGATE_LINE_H
#define FAXGATE_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include "faxgate/error.h"

enum {
    FG_AS_HANGUP = 0x00,
    FG_AS_UUID = 0x01,
    FG_AS_DTMF = 0x03,
    FG_AS_AUDIO = 0x10,
    FG_AS_CALLINFO = 0xC1,
    FG_AS_ERROR = 0xff
};

#define FG_AS_HEADER 3
#define FG_AS_MAX_PAYLOAD 65535
#define FG_AS_MAX_AUDIO_SAMPLES 8000   /* one second; larger audio frames are a protocol error */

typedef struct fg_as_frame {
    uint8_t kind;
    uint16_t len;
    const uint8_t *payload;    /* points into the parsed buffer */
} fg_as_frame;

/** Parses one message at buf; *used is its size. FG_ERR_STATE if more bytes are needed,
    FG_ERR_FORMAT for a message that can never be valid (e.g. a UUID that is not 16 bytes). */
fg_err fg_as_parse(const uint8_t *buf, size_t len, fg_as_frame *f, size_t *used);

/** Encodes one message into out; returns bytes written, 0 if cap is too small. */
size_t fg_as_encode(uint8_t kind, const void *payload, uint16_t len, uint8_t *out, size_t cap);

/* How a call's fax travels: audio samples, or T.38 packets after a switch. */
typedef enum fg_line_mode { FG_LINE_AUDIO = 0, FG_LINE_T38 = 1 } fg_line_mode;

/* T.38 error recovery over UDPTL (T38FaxUdpEC). */
typedef enum fg_t38_ec { FG_T38_EC_NONE = 0, FG_T38_EC_REDUNDANCY = 1, FG_T38_EC_FEC = 2 } fg_t38_ec;

/* T.38 session parameters (ITU-T T.38 Annex D, as SDP carries them). */
typedef struct fg_t38_params {
    int version;                 /* T38FaxVersion, 0..3 */
    int max_bitrate;             /* T38MaxBitRate, bit/s */
    bool transferred_tcf;        /* T38FaxRateManagement transferredTCF (else localTCF) */
    int max_buffer;              /* T38FaxMaxBuffer, bytes */
    int max_datagram;            /* T38FaxMaxDatagram, bytes: the largest UDPTL payload the far end takes */
    fg_t38_ec ec;                /* T38FaxUdpEC */
    bool fill_bit_removal;       /* T38FaxFillBitRemoval */
    bool mmr, jbig;              /* T38FaxTranscodingMMR / JBIG */
} fg_t38_params;

typedef struct fg_line fg_line;
typedef struct fg_listener fg_listener;

struct fg_config;

/** Listens on a line URI (loopback or any address the URI names). */
fg_err fg_line_listen(const char *uri, fg_listener **out);

/** Listens with the driver's settings from cfg (e.g. [sip] peers, t38); NULL: defaults. */
fg_err fg_line_listen_cfg(const char *uri, const struct fg_config *cfg, fg_listener **out);

/* What a driver has to say outside any call (a refused INVITE, a peer's bad SDP): level 0
   error, 1 warning, 2 info, 3 debug. */
typedef void (*fg_line_log_fn)(int level, const char *msg);

/** Where drivers report; NULL (the default) keeps them quiet. */
void fg_line_set_log(fg_line_log_fn fn);

/** File descriptor to poll for incoming calls. */
int fg_listener_fd(const fg_listener *l);

/** The address actually bound (useful with port 0), as a URI. */
const char *fg_listener_uri(const fg_listener *l);

/** Accepts one incoming call (non-blocking if none: FG_ERR_TIMEOUT). */
fg_err fg_line_accept(fg_listener *l, fg_line **out);

/** Takes no new call from now on, where the protocol can say so before answering (SIP: 503
    with Retry-After, so that a dispatcher or the trunk tries elsewhere); calls in progress go on.
    On AudioSocket calls still arrive, to be refused by the caller. */
void fg_listener_drain(fg_listener *l);

/* Screening before the answer, where the protocol can refuse a call without answering it.
   Called on the driver's own thread for every call offered, before anything is answered; a
   refusal puts its reason in why. */
typedef enum fg_screen_verdict {
    FG_SCREEN_TAKE = 0,   /* answer it */
    FG_SCREEN_DECLINE,    /* a sender refused for who it is (SIP: 603 Decline) */
    FG_SCREEN_BUSY,       /* the gateway cannot take a call now: all lines busy, no room to keep a
                             fax (SIP: 503 with Retry-After, so that the sender or a dispatcher
                             tries again or elsewhere) */
} fg_screen_verdict;
typedef fg_screen_verdict (*fg_line_screen_fn)(void *user, const char *line_uri, const char *call_id,
                                               const char *caller_id, char *why, size_t cap);
/* A screen that takes a call (FG_SCREEN_TAKE) holds a place for it, so that the calls it lets
   through while they ring cannot outnumber the places there are. The place passes to whoever
   accepts the line (fg_line_take_claim); a call that ends before it is accepted gives it back
   through this function, once, on whichever thread frees the line. */
typedef void (*fg_line_unclaim_fn)(void *user);

/** Sets the screening of calls offered on l (fn NULL: none; unclaim NULL: the screen holds no
    place). On AudioSocket, which has no way to refuse before the answer, it is not called:
    those calls are screened in phase B. */
void fg_listener_set_screen(fg_listener *l, fg_line_screen_fn fn, fg_line_unclaim_fn unclaim, void *user);

/** True, once, for an accepted line whose screen held a place for it: the caller now owns that
    place. False for a line no screen took (AudioSocket, outgoing calls). */
bool fg_line_take_claim(fg_line *ln);

/** Stops listening; NULL is accepted. */
void fg_listener_free(fg_listener *l);

/** Places a call to a line URI (the caller's side, as Asterisk or faxsim). */
fg_err fg_line_connect(const char *uri, const char *uuid, const char *caller_id, fg_line **out);

/** Waits up to timeout_ms for audio; fills up to max samples into buf and *n.
    Non-audio messages are handled inside (UUID, call info and DTMF recorded; unknown kinds
    skipped). FG_ERR_HANGUP at hangup or close, FG_ERR_PROTO for a peer error or bad framing,
    FG_ERR_STATE when the line has switched to T.38 (go on with fg_line_t38_recv). */
fg_err fg_line_recv(fg_line *ln, int16_t *buf, int max, int *n, int timeout_ms);

/** True when the block the last fg_line_recv gave stands for audio lost on the way (a gap in the
    RTP stream given up: silence in buf); the receiver should fill it in, not hear it. Never on
    AudioSocket (TCP loses nothing). */
bool fg_line_recv_was_gap(const fg_line *ln);

/** Sends audio samples. */
fg_err fg_line_send(fg_line *ln, const int16_t *buf, int n);

/** Sends a hangup and closes the connection (idempotent). */
void fg_line_hangup(fg_line *ln);

/** The call id the line gave (UUID text), "" until known. */
const char *fg_line_uuid(const fg_line *ln);

/** The caller ID the line gave, "" if none. */
const char *fg_line_caller_id(const fg_line *ln);

/** The number the caller dialled (SIP Request-URI user, AudioSocket call info "called="), digits
    and a leading '+' only; "" when the line gave none or gave a name. */
const char *fg_line_called(const fg_line *ln);

/** The line's call id as a piece of a file name: [A-Za-z0-9._-] kept, anything else (a SIP Call-ID
    may hold '/') as '_', never "" nor starting with '.'. */
void fg_line_file_tag(const char *uuid, char *out, size_t cap);

/** Copies src[0, n) to dst if it is a telephone number (a leading '+', 3-15 digits, spaces, dots,
    dashes and brackets between them), as digits and '+'; else dst gets "". */
void fg_line_take_number(char *dst, size_t cap, const char *src, size_t n);

/** The URI of the listener the call came in on, or the URI called. */
const char *fg_line_uri(const fg_line *ln);

/** How the call's fax travels now: FG_LINE_AUDIO until the line switched to T.38. */
fg_line_mode fg_line_get_mode(const fg_line *ln);

/** The T.38 parameters agreed with the far end (FG_ERR_STATE in audio mode). */
fg_err fg_line_t38_params(const fg_line *ln, fg_t38_params *p);

/** Asks the far end to switch to T.38 (a SIP re-INVITE). FG_OK once asked: fg_line_recv then
    says FG_ERR_STATE when the switch has happened; a refusal leaves the call in audio.
    FG_ERR_UNSUPPORTED on lines that carry audio only. */
fg_err fg_line_request_t38(fg_line *ln);

/** Waits up to timeout_ms for one T.38 IFP packet (in order, lost ones recovered from UDPTL
    redundancy where possible); *seq is its sequence number. FG_ERR_TIMEOUT if none came,
    FG_ERR_HANGUP at hangup. */
fg_err fg_line_t38_recv(fg_line *ln, uint8_t *buf, size_t cap, size_t *len, uint16_t *seq, int timeout_ms);

/** Sends one IFP packet; count > 1 asks for that many copies (SpanDSP's indicator repeats). */
fg_err fg_line_t38_send(fg_line *ln, const uint8_t *ifp, size_t len, int count);

/* Test impairments on a line's media datagrams (faxsim send --loss, --jitter): with a tap set,
   every RTP or UDPTL datagram the line sends is handed to tx, which sends it (sendto) now, later
   or never, and returns as sendto does; rx is asked about every datagram received from the far
   end, and false drops it. AudioSocket (TCP) carries no datagrams: a tap changes nothing there. */
typedef struct fg_line_tap {
    void *user;
    ssize_t (*tx)(void *user, int fd, const void *pkt, size_t len, const struct sockaddr *to, socklen_t tolen);
    bool (*rx)(void *user, int fd, size_t len);
} fg_line_tap;

/** Sets (or with NULL clears) the line's tap; tap must outlive the line's use. */
void fg_line_set_tap(fg_line *ln, const fg_line_tap *tap);

/** Closes and frees a line; NULL is accepted. */
void fg_line_free(fg_line *ln);

#endif
