/* faxgate — the fax sender: faxsim send, the gateway's outgoing queue (forwarding, opt-out
 * requests) and the unit tests place calls with it.
 *
 * A real T.30 calling terminal (SpanDSP fax_state_t) places a call over a line driver and
 * sends TIFF pages. Clocking is lockstep: it sends one 20 ms frame (160 samples) of audio,
 * then waits for the far end's frame and feeds it back to SpanDSP, so a gateway that
 * answers frame for frame runs the call as fast as both CPUs allow; --realtime paces the
 * frames at 20 ms like a telephone line (for peers such as Asterisk that keep their own clock).
 */
#ifndef FAXGATE_SENDER_H
#define FAXGATE_SENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "faxgate/error.h"
#include "faxgate/line.h"

/* Test impairments (faxsim send --noise, --level, --echo, --loss, …): hooks on the call's audio
   and media datagrams. Any member may be NULL. */
typedef struct fg_send_impair {
    void *user;
    void (*tx_audio)(void *user, int16_t *s, int n);   /* our frame, before it goes on the line */
    void (*rx_audio)(void *user, int16_t *s, int n);   /* the far end's samples, before SpanDSP hears them */
    void (*tick)(void *user);                          /* every 20 ms frame: delayed datagrams may go */
    const fg_line_tap *tap;                            /* the line's media datagrams (SIP RTP and UDPTL) */
} fg_send_impair;

typedef struct fg_send_opts {
    const char *line;             /* line URI to call, "audiosocket://HOST:PORT" */
    const char *const *files;     /* TIFF files, sent one after another as one document */
    int nfiles;
    const char *tsi;              /* our identity, up to 20 characters; NULL or "" sends no TSI */
    const char *caller_id;        /* handed to the line (AudioSocket call info); NULL for none */
    const char *uuid;             /* the call's id; NULL for a random one */
    bool ecm;                     /* offer error correction mode */
    unsigned modems;              /* FG_MODEM_* from faxgate/t30.h; 0 = all */
    bool realtime;                /* pace frames at 20 ms instead of lockstep */
    bool t38;                     /* SIP: re-INVITE to T.38 once answered (";t38=initial" in the line
                                     URI offers it in the INVITE instead); T.38 runs at line pace */
    int hangup_in_page;           /* 1-based page to hang up in, halfway through its image; 0 = never */
    int timeout_s;                /* the whole call, wall clock; 0 = 600 s */
    const volatile bool *cancel;  /* may be NULL; when it becomes true the call is hung up (FG_ERR_STATE) */
    const uint8_t *nss;           /* optional NSS frame body (T.35 country, vendor, data) */
    size_t nss_len;
    const fg_send_impair *impair; /* test impairments; NULL for a clean line */
} fg_send_opts;

typedef struct fg_send_result {
    bool accepted;                /* T.30 ended normally and the far end confirmed every page */
    bool hung_up;                 /* we hung up on purpose (hangup_in_page) */
    int pages_total;              /* pages in the files */
    int pages_sent;               /* pages the far end confirmed */
    int t30_code;                 /* SpanDSP completion code (T30_ERR_*), 0 = OK */
    char t30_text[96];            /* its text */
    char csi[21];                 /* the far end's CSI, "" if none */
    double audio_s;               /* seconds of audio sent */
} fg_send_result;

/** Places a call and sends the files as one fax. FG_OK when the T.30 session ran to an end
    (r says how: accepted, rejected, dropped); an error when it could not run (unreadable
    file, refused connection, timeout, broken line). r is filled in either way. */
fg_err fg_send_fax(const fg_send_opts *o, fg_send_result *r);

/** Checks that every page of a TIFF can be sent as a fax page; FG_ERR_FORMAT names the page. */
fg_err fg_send_check_file(const char *path, int *pages);

#endif
