/* faxgate — line drivers: a call's media in and out.
 *
 * A line delivers 8 kHz signed 16-bit audio both ways (T.38 packets later). The
 * drivers a build has come from the board's HAL table (faxgate/hal.h); the core
 * picks one by the URI scheme, "audiosocket://HOST:PORT" for now.
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

typedef struct fg_line fg_line;
typedef struct fg_listener fg_listener;

/** Listens on a line URI (loopback or any address the URI names). */
fg_err fg_line_listen(const char *uri, fg_listener **out);

/** File descriptor to poll for incoming calls. */
int fg_listener_fd(const fg_listener *l);

/** The address actually bound (useful with port 0), as a URI. */
const char *fg_listener_uri(const fg_listener *l);

/** Accepts one incoming call (non-blocking if none: FG_ERR_TIMEOUT). */
fg_err fg_line_accept(fg_listener *l, fg_line **out);

/** Stops listening; NULL is accepted. */
void fg_listener_free(fg_listener *l);

/** Places a call to a line URI (the caller's side, as Asterisk or faxsim). */
fg_err fg_line_connect(const char *uri, const char *uuid, const char *caller_id, fg_line **out);

/** Waits up to timeout_ms for audio; fills up to max samples into buf and *n.
    Non-audio messages are handled inside (UUID, call info and DTMF recorded; unknown kinds
    skipped). FG_ERR_HANGUP at hangup or close, FG_ERR_PROTO for a peer error or bad framing. */
fg_err fg_line_recv(fg_line *ln, int16_t *buf, int max, int *n, int timeout_ms);

/** Sends audio samples. */
fg_err fg_line_send(fg_line *ln, const int16_t *buf, int n);

/** Sends a hangup and closes the connection (idempotent). */
void fg_line_hangup(fg_line *ln);

/** The call id the line gave (UUID text), "" until known. */
const char *fg_line_uuid(const fg_line *ln);

/** The caller ID the line gave, "" if none. */
const char *fg_line_caller_id(const fg_line *ln);

/** The URI of the listener the call came in on, or the URI called. */
const char *fg_line_uri(const fg_line *ln);

/** Closes and frees a line; NULL is accepted. */
void fg_line_free(fg_line *ln);

#endif
