/* faxgate — the SIP line driver, private: what its signalling half (line_sip.c, libre, one
 * thread per user agent) and its media half (line_sip_media.c, on the call's thread) share.
 *
 * libre is not thread-safe: every libre object is touched on the user agent's thread only.
 * The call thread talks to it through libre's mqueue (hang up, ask for T.38); the user agent
 * tells the call thread what changed (media address, mode, hangup) through the fields below,
 * under the line's mutex, and wakes it with an eventfd it polls beside its media socket.
 */
#ifndef FAXGATE_LINE_SIP_H
#define FAXGATE_LINE_SIP_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/socket.h>

#include "line_impl.h"
#include "rtp.h"
#include "sdp.h"
#include "udptl.h"

typedef struct sip_ua sip_ua;

typedef struct sip_media {
    fg_line_mode mode;
    fg_sdp_choice audio;           /* the far end's RTP address, payload type, ptime */
    fg_sdp_choice t38;             /* the far end's UDPTL address and the agreed parameters */
    unsigned gen;                  /* bumped at every change */
} sip_media;

typedef struct sip_line {
    struct fg_line base;
    sip_ua *ua;
    atomic_int refs;               /* the agent's (while the session lives) and the caller's */
    void *sess;                    /* struct sipsess *, agent thread only */
    bool outgoing;

    /* shared with the agent, under mu */
    pthread_mutex_t mu;
    sip_media media;
    bool answered;                 /* 200 OK sent (incoming) or received (outgoing) */
    bool closed;                   /* BYE, CANCEL or failure: the call is over */
    char why[160];                 /* why it closed */
    bool t38_asked;                /* our re-INVITE to T.38 is out */
    int evfd;                      /* the agent writes here when something above changed */

    /* the call thread's own */
    int rtp_fd, udptl_fd;
    int rtp_port, udptl_port;
    unsigned seen_gen;
    sip_media cur;                 /* the call thread's copy of media */
    struct sockaddr_storage rtp_peer, udptl_peer;
    socklen_t rtp_peer_len, udptl_peer_len;
    bool rtp_latched, udptl_latched;
    struct sockaddr_storage sig_host;   /* the host SIP came from: media may come from it too */
    fg_rtp_tx rtx;
    fg_rtp_rx rrx;
    fg_udptl_tx utx;
    fg_udptl_rx urx;
} sip_line;

extern const fg_line_ops fg_sip_line_ops;

/** Opens the call's RTP and UDPTL sockets on ip (port 0: any free port). */
fg_err sip_media_open(sip_line *sl, const char *ip);

/** Tells the agent thread to end the call (BYE, or CANCEL before the answer). */
void sip_ua_hangup(sip_line *sl);

/** The caller is done with the line: hangs up; an outgoing call's agent is stopped. */
void sip_ua_release(sip_line *sl);

/** Asks the agent thread to re-INVITE to T.38. */
fg_err sip_ua_request_t38(sip_line *sl);

/** Drops one reference; the last frees the line and closes its sockets. */
void sip_line_unref(sip_line *sl);

/** Copies the shared media state if it changed; true if the line is closed (why in out). */
bool sip_line_sync(sip_line *sl, char *why, size_t cap);

#endif
