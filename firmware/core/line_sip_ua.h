/* faxgate — the SIP line driver, private to its libre half: the user agent and its calls.
 *
 * line_sip.c runs the agent (its thread, the calls' sessions, SDP, T.38 switching),
 * line_sip_in.c answers (who may call, digest authentication, INVITE, UPDATE, OPTIONS, the
 * listener, REGISTER), line_sip_out.c calls out. Only these three include libre's headers.
 */
#ifndef FAXGATE_LINE_SIP_UA_H
#define FAXGATE_LINE_SIP_UA_H
#define HAVE_INTTYPES_H 1
#define HAVE_STDBOOL_H 1
#define HAVE_INET6 1
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <unistd.h>
#include <re.h>

#include "faxgate/config.h"
#include "faxgate/hal.h"
#include "line_sip.h"

#define UA_MAX_QUEUE 64
#define UA_MAX_PEERS 32
#define T38_ANSWER_MS 5000          /* a re-INVITE to T.38 not answered 2xx by then: stay in audio */
#define CONNECT_TIMEOUT_MS 32000    /* Timer B: an INVITE with no final answer */
#define SIP_RETRY_AFTER 60          /* seconds, in a 503: stopping, or no call can be taken now */
#define ALLOW "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, UPDATE\r\n"

enum { CMD_STOP, CMD_HANGUP, CMD_T38, CMD_CONNECT };
enum { T38_NO, T38_ACCEPT, T38_REINVITE };

typedef struct peer_net {
    int af;
    uint8_t addr[16];
    int bits;
} peer_net;

typedef struct sip_call {
    sip_line line;                  /* first: the call thread sees a sip_line */
    struct le le;                   /* in ua->calls, agent thread */
    struct tmr ring, t38;
    unsigned long long sdp_id;
    unsigned sdp_version;
    char answer[2048];              /* the answer sent after ringing */
    bool queued;
} sip_call;

struct sip_ua {
    struct fg_listener base;
    atomic_int refs;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t thr;
    bool started, ready, stopped;
    int init_err;
    char init_why[200];

    /* agent thread only */
    struct sip *sip;
    struct sipsess_sock *sock;
    struct sip_lsnr *lsnr;
    struct mqueue *mq;
    struct list calls;
    struct tmr stop_tmr;

    /* set before the thread starts */
    char user[64];
    char ip[INET6_ADDRSTRLEN];      /* our address in SDP and Contact */
    int port;                       /* SIP port (UDP and TCP) */
    bool listening;
    atomic_bool draining;           /* stopping: INVITEs get 503 */
    fg_line_screen_fn screen;       /* refusal before the answer (603, 503); under mu */
    fg_line_unclaim_fn unclaim;     /* gives back the place a screen took for a call; under mu */
    void *screen_user;
    peer_net peers[UA_MAX_PEERS];
    int npeers;
    int t38;                        /* T38_* */
    int ring_ms;
    char auth_user[64], password[128], realm[64];   /* digest, both ways */
    uint8_t secret[16];             /* for our nonces */
    char registrar[256], aor[256];  /* [sip] register: where, and as whom */
    fg_t38_params t38_offer;        /* a caller's own T.38 offer (URI ;t38_datagram= ...); 0 datagram: ours */
    int reg_expires;
    bool registered;
    struct sipreg *reg;

    /* the accept queue (listener), under mu */
    int acc_fd;
    sip_call *q[UA_MAX_QUEUE];
    int qn;

    /* an outgoing call (connect) */
    char to_uri[256];
    char from_user[64];
    bool tcp, offer_t38;
    sip_call *out;
};


/* line_sip.c */
void sip_say(int level, const char *fmt, ...);
void sip_ua_unref(sip_ua *ua);
sip_call *sip_call_new(sip_ua *ua, bool outgoing);
void sip_call_forget(sip_call *c);
void sip_call_end(sip_call *c, const char *why);
int sip_body_sdp(const struct sip_msg *msg, fg_sdp *sdp, char *why, size_t cap);
struct mbuf *sip_mbuf(const char *text);
size_t sip_write_offer(sip_call *c, fg_sdp_kind kind, char *out, size_t cap);
int sip_take_offer(sip_call *c, const fg_sdp *offer, char *ans, size_t cap);
int sip_on_offer(struct mbuf **descp, const struct sip_msg *msg, void *arg);
int sip_on_answer(const struct sip_msg *msg, void *arg);
void sip_on_estab(const struct sip_msg *msg, void *arg);
void sip_on_close(int err, const struct sip_msg *msg, void *arg);
void sip_queue_call(sip_call *c);
void sip_ring_done(void *arg);
sip_ua *sip_ua_new(void);
fg_err sip_ua_start(sip_ua *ua);
void sip_ua_stop(sip_ua *ua);
fg_err sip_split_target(const char *rest, char *user, size_t ucap, char *host, size_t hcap, char *port, size_t pcap,
                    char *params, size_t parcap);

/* line_sip_auth.c */

/* What a request's credentials are worth (sip_auth_check); sip_authorized answers accordingly. */
typedef enum sip_auth_verdict {
    SIP_AUTH_OK,
    SIP_AUTH_NO_PASSWORD,   /* 403: no [sip] password, so no digest either */
    SIP_AUTH_CHALLENGE,     /* 401: no Authorization, or one that is not a digest response */
    SIP_AUTH_UNKNOWN,       /* 403: another user name or realm */
    SIP_AUTH_STALE,         /* 401 stale=true: a nonce not ours, or older than 5 minutes */
    SIP_AUTH_WRONG,         /* 403: the digest does not match the password */
} sip_auth_verdict;

/** Judges msg's Authorization at time now (seconds); sends nothing. */
sip_auth_verdict sip_auth_check(const sip_ua *ua, const struct sip_msg *msg, unsigned long now);

/** A nonce of ours made at time now: "TIME.MAC" (at most 50 bytes). */
void sip_make_nonce(const sip_ua *ua, unsigned long now, char *out, size_t cap);

bool sip_authorized(sip_ua *ua, const struct sip_msg *msg);
int sip_credentials(char **user, char **pass, const char *realm, void *arg);
int sip_register_start(sip_ua *ua);

/* line_sip_in.c */

/* What an INVITE asks, read from the message alone: nothing is answered or changed, so that
   sip_on_invite acts on it and tests/fuzz/fuzz_sip.c can throw any message at it. */
typedef struct sip_invite_view {
    char from[64];                  /* the caller: P-Asserted-Identity's user, else From's */
    char callid[FG_LINE_ID_LEN];    /* the Call-ID, cut */
    char called[FG_LINE_ID_LEN];    /* the Request-URI's user if a telephone number, else "" */
    int sdp;                        /* 0: an offer, read into offer; ENODATA: none (late offer); else bad */
    fg_sdp offer;
    fg_sdp_choice ch;               /* the media taken (sdp 0, refuse 0) */
    unsigned refuse;                /* 0, 400 (a body that is not SDP) or 488 (no media we take) */
    char why[200];                  /* why refused; it goes in a Warning header's quoted string */
} sip_invite_view;

/** Reads an INVITE; t38: T.38 may be chosen ([sip] t38 is not "no"). from, callid and why are
    printable ASCII with no '"' or '\\' (sip_printable). */
void sip_invite_read(const struct sip_msg *msg, bool t38, sip_invite_view *v);

/** Replaces in s anything but printable ASCII, and '"' and '\\', by '?'. */
void sip_printable(char *s);

/** True if src is in [sip] peers. */
bool sip_peer_allowed(const sip_ua *ua, const struct sa *src);

fg_err sip_parse_peers(sip_ua *ua, const char *list);
void sip_on_invite(const struct sip_msg *msg, void *arg);
bool sip_on_request(const struct sip_msg *msg, void *arg);
fg_err line_sip_listen(const char *rest, const struct fg_config *cfg, fg_listener **out);

/* line_sip_out.c */
void sip_start_connect(sip_ua *ua);
fg_err line_sip_connect(const char *rest, const char *uuid, const char *caller_id, fg_line **out);

#endif
