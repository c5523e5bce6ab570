/* faxgate — the SIP line driver's signalling: a libre user agent on its own thread.
 *
 * libre (Debian libre-dev) gives SIP transactions, dialogs and sessions (INVITE, re-INVITE with
 * 491 on glare, BYE, CANCEL, ACK) over UDP and TCP; we add what a fax endpoint needs on top:
 * who may call (`[sip] peers`), the SDP of G.711 and T.38 (sdp.c), switching to T.38 when the
 * far end re-INVITEs or, with `[sip] t38 = reinvite`, when we do, and answers to the requests a
 * session-timer refresher or a dispatcher sends that libre's session layer leaves alone
 * (UPDATE, OPTIONS). Media runs on the call's thread (line_sip_media.c).
 *
 * Every libre object lives on the agent thread; see line_sip.h for how the threads talk.
 */
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
    peer_net peers[UA_MAX_PEERS];
    int npeers;
    int t38;                        /* T38_* */
    int ring_ms;

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

static fg_line_log_fn line_log;

void fg_line_set_log(fg_line_log_fn fn)
{
    line_log = fn;
}

/* libre's printf: %J is an address:port, %r a libre string; no printf checking for those. */
static void say(int level, const char *fmt, ...)
{
    char msg[400];
    va_list ap;

    if (!line_log)
        return;
    va_start(ap, fmt);
    re_vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    line_log(level, msg);
}

/* ---- lines and agents: references ---------------------------------------------------------- */

static void call_forget(sip_call *c);

static void ua_unref(sip_ua *ua)
{
    if (!ua || atomic_fetch_sub(&ua->refs, 1) != 1)
        return;
    /* an agent that never ran still holds its calls */
    while (list_head(&ua->calls))
        call_forget(list_head(&ua->calls)->data);
    if (ua->acc_fd >= 0)
        close(ua->acc_fd);
    for (int i = 0; i < ua->qn; i++)
        sip_line_unref(&ua->q[i]->line);
    pthread_mutex_destroy(&ua->mu);
    pthread_cond_destroy(&ua->cv);
    free(ua);
}

void sip_line_unref(sip_line *sl)
{
    if (!sl || atomic_fetch_sub(&sl->refs, 1) != 1)
        return;
    if (sl->rtp_fd >= 0)
        close(sl->rtp_fd);
    if (sl->udptl_fd >= 0)
        close(sl->udptl_fd);
    if (sl->evfd >= 0)
        close(sl->evfd);
    pthread_mutex_destroy(&sl->mu);
    ua_unref(sl->ua);
    free(sl);
}

static void wake(sip_line *sl)
{
    uint64_t one = 1;

    if (write(sl->evfd, &one, sizeof one) < 0) {
        /* the counter is full: the call thread has plenty to wake it */
    }
}

static sip_call *call_new(sip_ua *ua, bool outgoing)
{
    sip_call *c = calloc(1, sizeof *c);

    if (!c)
        return NULL;
    c->line.base.ops = &fg_sip_line_ops;
    c->line.rtp_fd = c->line.udptl_fd = -1;
    c->line.evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    c->line.outgoing = outgoing;
    atomic_init(&c->line.refs, 1);   /* the agent's, while the session lives */
    pthread_mutex_init(&c->line.mu, NULL);
    c->line.ua = ua;
    atomic_fetch_add(&ua->refs, 1);
    if (getrandom(&c->sdp_id, sizeof c->sdp_id, 0) != sizeof c->sdp_id)
        c->sdp_id = (unsigned long long)time(NULL);
    c->sdp_id &= 0x7fffffffffffULL;
    if (c->line.evfd < 0) {
        sip_line_unref(&c->line);
        return NULL;
    }
    list_append(&ua->calls, &c->le, c);
    return c;
}

/* Drops the agent's hold on a call (once). */
static void call_forget(sip_call *c)
{
    if (!c->le.list)
        return;
    list_unlink(&c->le);
    sip_line_unref(&c->line);
}

/* The session is over for the agent: closes it and drops the agent's reference. */
static void call_end(sip_call *c, const char *why)
{
    sip_line *sl = &c->line;

    tmr_cancel(&c->ring);
    tmr_cancel(&c->t38);
    pthread_mutex_lock(&sl->mu);
    if (!sl->closed) {
        sl->closed = true;
        snprintf(sl->why, sizeof sl->why, "%s", why);
    }
    pthread_mutex_unlock(&sl->mu);
    wake(sl);
    sl->sess = mem_deref(sl->sess);   /* BYE if established, CANCEL or 4xx before */
    call_forget(c);
}

/* ---- SDP in and out ------------------------------------------------------------------------ */

static int body_of(const struct sip_msg *msg, fg_sdp *sdp, char *why, size_t cap)
{
    size_t n = mbuf_get_left(msg->mb);
    fg_err e;

    if (!n)
        return ENODATA;
    if (!msg_ctype_cmp(&msg->ctyp, "application", "sdp")) {
        snprintf(why, cap, "body is not application/sdp");
        return EPROTO;
    }
    if ((e = fg_sdp_parse((const char *)mbuf_buf(msg->mb), n, sdp))) {
        snprintf(why, cap, "%s", fg_err_msg(e));
        return EPROTO;
    }
    return 0;
}

static struct mbuf *mbuf_of(const char *text)
{
    struct mbuf *mb = mbuf_alloc(strlen(text) + 1);

    if (mb) {
        mbuf_write_str(mb, text);
        mbuf_set_pos(mb, 0);
    }
    return mb;
}

/* Our offer for the media the call uses now (re-INVITE or UPDATE without SDP, our own). */
static size_t write_current(sip_call *c, fg_sdp_kind kind, char *out, size_t cap)
{
    sip_line *sl = &c->line;

    return fg_sdp_write_offer(kind, sl->ua->ip, kind == FG_SDP_T38 ? sl->udptl_port : sl->rtp_port, c->sdp_id,
                              ++c->sdp_version, out, cap);
}

/* An offer from the far end during the call (re-INVITE, UPDATE): adopt it and answer. */
static int take_offer(sip_call *c, const fg_sdp *offer, char *ans, size_t cap)
{
    sip_line *sl = &c->line;
    fg_sdp_choice ch;
    fg_err e;

    if ((e = fg_sdp_choose(offer, sl->ua->t38 != T38_NO, &ch))) {
        say(1, "SIP %s: refusing the new offer: %s", sl->base.uuid, fg_err_msg(e));
        return ENOTSUP;
    }
    if (ch.kind == FG_SDP_T38 && sl->ua->t38 == T38_NO) {
        say(1, "SIP %s: T.38 offered but [sip] t38 = no", sl->base.uuid);
        return ENOTSUP;
    }
    pthread_mutex_lock(&sl->mu);
    if (ch.kind == FG_SDP_T38) {
        if (sl->media.mode != FG_LINE_T38)
            say(2, "SIP %s: switching to T.38 (far end's offer: datagram %d, %s)", sl->base.uuid,
                ch.t38.max_datagram, ch.t38.ec == FG_T38_EC_REDUNDANCY ? "redundancy" : "no error correction");
        sl->media.t38 = ch;
        sl->media.mode = FG_LINE_T38;
    } else {
        /* audio again: a session refresh, a new address, or the end of a T.38 fax. A T.30
           session does not go back from T.38, so the mode stays. */
        sl->media.audio = ch;
    }
    sl->media.gen++;
    sl->t38_asked = false;
    pthread_mutex_unlock(&sl->mu);
    wake(sl);
    tmr_cancel(&c->t38);
    return fg_sdp_write_answer(offer, &ch, sl->ua->ip, ch.kind == FG_SDP_T38 ? sl->udptl_port : sl->rtp_port,
                               c->sdp_id, ++c->sdp_version, ans, cap)
               ? 0
               : ENOMEM;
}

/* The far end's answer to our offer. */
static void take_answer(sip_call *c, const fg_sdp *ans)
{
    sip_line *sl = &c->line;
    fg_sdp_choice ch;

    if (fg_sdp_choose(ans, true, &ch)) {
        say(1, "SIP %s: the far end's answer has no usable media; going on as before", sl->base.uuid);
        return;
    }
    pthread_mutex_lock(&sl->mu);
    if (ch.kind == FG_SDP_T38) {
        if (sl->media.mode != FG_LINE_T38)
            say(2, "SIP %s: far end accepted T.38 (datagram %d)", sl->base.uuid, ch.t38.max_datagram);
        sl->media.t38 = ch;
        sl->media.mode = FG_LINE_T38;
    } else {
        if (sl->t38_asked)
            say(1, "SIP %s: far end answered our T.38 offer with audio; going on in G.711", sl->base.uuid);
        sl->media.audio = ch;
    }
    sl->media.gen++;
    sl->t38_asked = false;
    pthread_mutex_unlock(&sl->mu);
    tmr_cancel(&c->t38);
    wake(sl);
}

/* ---- libre session handlers ------------------------------------------------------------------ */

static int on_offer(struct mbuf **descp, const struct sip_msg *msg, void *arg)
{
    sip_call *c = arg;
    char why[200] = "", out[2048];
    fg_sdp sdp;
    int err = body_of(msg, &sdp, why, sizeof why);

    if (err == ENODATA) {
        /* a refresh without SDP: we offer what we use, the answer comes in the ACK */
        fg_line_mode m;

        pthread_mutex_lock(&c->line.mu);
        m = c->line.media.mode;
        pthread_mutex_unlock(&c->line.mu);
        if (!write_current(c, m == FG_LINE_T38 ? FG_SDP_T38 : FG_SDP_AUDIO, out, sizeof out))
            return ENOMEM;
    } else if (err) {
        say(1, "SIP %s: bad SDP in a re-INVITE from %J: %s", c->line.base.uuid, &msg->src, why);
        return err;
    } else if ((err = take_offer(c, &sdp, out, sizeof out))) {
        return err;
    }
    return (*descp = mbuf_of(out)) ? 0 : ENOMEM;
}

static int on_answer(const struct sip_msg *msg, void *arg)
{
    sip_call *c = arg;
    char why[200] = "";
    fg_sdp sdp;

    if (body_of(msg, &sdp, why, sizeof why)) {
        if (why[0])
            say(1, "SIP %s: bad SDP answer: %s", c->line.base.uuid, why);
        return 0;
    }
    take_answer(c, &sdp);
    return 0;
}

static void ask_t38_now(sip_call *c);

static void on_estab(const struct sip_msg *msg, void *arg)
{
    sip_call *c = arg;
    sip_ua *ua = c->line.ua;

    (void)msg;
    pthread_mutex_lock(&c->line.mu);
    c->line.answered = true;
    pthread_mutex_unlock(&c->line.mu);
    if (c->line.outgoing) {
        pthread_mutex_lock(&ua->mu);
        pthread_cond_broadcast(&ua->cv);
        pthread_mutex_unlock(&ua->mu);
        if (ua->offer_t38)
            return;
    }
    if (!c->line.outgoing && ua->t38 == T38_REINVITE && c->line.media.mode == FG_LINE_AUDIO)
        ask_t38_now(c);
}

static void on_close(int err, const struct sip_msg *msg, void *arg)
{
    sip_call *c = arg;
    sip_ua *ua = c->line.ua;
    char why[160];

    /* libre closes with ECONNRESET and no message for a BYE, or for a CANCEL before the answer */
    if (msg && !msg->req)
        snprintf(why, sizeof why, "the far end answered %u %.*s", msg->scode, (int)msg->reason.l, msg->reason.p);
    else if (!c->line.answered && (err == ECONNRESET || !err))
        snprintf(why, sizeof why, "cancelled before the answer");
    else if (err == ECONNRESET || (msg && !pl_strcmp(&msg->met, "BYE")))
        snprintf(why, sizeof why, "the far end hung up (BYE)");
    else
        snprintf(why, sizeof why, "the call failed: %s", err ? strerror(err) : "closed");
    if (!c->queued && !c->line.outgoing)
        say(2, "SIP call %s from %s ended before it was answered: %s", c->line.base.uuid, c->line.base.caller_id, why);
    call_end(c, why);
    if (c->line.outgoing) {
        pthread_mutex_lock(&ua->mu);
        pthread_cond_broadcast(&ua->cv);
        pthread_mutex_unlock(&ua->mu);
    }
}

static void queue_call(sip_call *c)
{
    sip_ua *ua = c->line.ua;
    uint64_t one = 1;

    pthread_mutex_lock(&ua->mu);
    if (ua->qn < UA_MAX_QUEUE) {
        atomic_fetch_add(&c->line.refs, 1);   /* the caller's, taken by fg_line_accept */
        ua->q[ua->qn++] = c;
        c->queued = true;
    }
    pthread_mutex_unlock(&ua->mu);
    if (!c->queued) {
        call_end(c, "too many calls waiting to be taken");
        return;
    }
    if (write(ua->acc_fd, &one, sizeof one) < 0) {
        /* counter full: the daemon is already woken */
    }
}

static void ring_done(void *arg)
{
    sip_call *c = arg;
    struct mbuf *mb = mbuf_of(c->answer);
    int err;

    if (!mb || (err = sipsess_answer(c->line.sess, 200, "OK", mb, ALLOW))) {
        mem_deref(mb);
        call_end(c, "could not answer the call");
        return;
    }
    mem_deref(mb);
    pthread_mutex_lock(&c->line.mu);
    c->line.answered = true;
    pthread_mutex_unlock(&c->line.mu);
    queue_call(c);
}

/* ---- who may call -------------------------------------------------------------------------- */

static bool parse_net(const char *s, peer_net *p)
{
    char a[INET6_ADDRSTRLEN + 8], *slash;
    int max;

    snprintf(a, sizeof a, "%s", s);
    if ((slash = strchr(a, '/')))
        *slash++ = '\0';
    if (inet_pton(AF_INET, a, p->addr) == 1)
        p->af = AF_INET, max = 32;
    else if (inet_pton(AF_INET6, a, p->addr) == 1)
        p->af = AF_INET6, max = 128;
    else
        return false;
    p->bits = slash ? atoi(slash) : max;
    return p->bits >= 0 && p->bits <= max && (!slash || *slash);
}

static fg_err parse_peers(sip_ua *ua, const char *list)
{
    char buf[1024], *save = NULL;

    ua->npeers = 0;
    if (!list)
        list = "127.0.0.0/8, ::1";
    snprintf(buf, sizeof buf, "%s", list);
    for (char *t = strtok_r(buf, ", \t", &save); t; t = strtok_r(NULL, ", \t", &save)) {
        if (ua->npeers == UA_MAX_PEERS)
            return fg_err_set(FG_ERR_CONFIG, "[sip] peers: more than %d entries", UA_MAX_PEERS);
        if (!strcmp(t, "any")) {
            ua->peers[ua->npeers++] = (peer_net){.af = AF_INET, .bits = 0};
            ua->peers[ua->npeers++] = (peer_net){.af = AF_INET6, .bits = 0};
            continue;
        }
        if (!parse_net(t, &ua->peers[ua->npeers]))
            return fg_err_set(FG_ERR_CONFIG, "[sip] peers: '%s' is not an address or ADDRESS/BITS network", t);
        ua->npeers++;
    }
    return FG_OK;
}

static bool peer_allowed(const sip_ua *ua, const struct sa *src)
{
    uint8_t a[16];
    int af = sa_af(src);

    if (af == AF_INET) {
        uint32_t v = htonl(sa_in(src));

        memcpy(a, &v, 4);
    } else {
        sa_in6(src, a);
        /* an IPv4 peer seen on a dual-stack socket */
        if (!memcmp(a, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12)) {
            memmove(a, a + 12, 4);
            af = AF_INET;
        }
    }
    for (int i = 0; i < ua->npeers; i++) {
        const peer_net *p = &ua->peers[i];
        int full = p->bits / 8, rest = p->bits % 8;

        if (p->af != af || memcmp(a, p->addr, (size_t)full))
            continue;
        if (rest && ((a[full] ^ p->addr[full]) & (0xff << (8 - rest))))
            continue;
        return true;
    }
    return false;
}

/* ---- incoming calls ------------------------------------------------------------------------ */

static void ident_of(const struct sip_msg *msg, char *caller, size_t cap)
{
    const struct sip_hdr *pai = sip_msg_hdr(msg, SIP_HDR_P_ASSERTED_IDENTITY);
    struct sip_addr addr;

    caller[0] = '\0';
    if (pai && !sip_addr_decode(&addr, &pai->val) && pl_isset(&addr.uri.user))
        pl_strcpy(&addr.uri.user, caller, cap);
    else if (pl_isset(&msg->from.uri.user))
        pl_strcpy(&msg->from.uri.user, caller, cap);
    /* printable only: it is shown and stored */
    for (char *p = caller; *p; p++)
        if (*p < 0x20 || *p > 0x7e)
            *p = '?';
}

static void on_invite(const struct sip_msg *msg, void *arg)
{
    sip_ua *ua = arg;
    char why[200] = "", from[64] = "";
    fg_sdp offer;
    fg_sdp_choice ch = {0};
    sip_call *c = NULL;
    fg_err e;
    int err;

    ident_of(msg, from, sizeof from);
    if (!peer_allowed(ua, &msg->src)) {
        say(1, "SIP INVITE from %J (%s) refused: not in [sip] peers", &msg->src, from);
        sip_treply(NULL, ua->sip, msg, 403, "Forbidden");
        return;
    }
    err = body_of(msg, &offer, why, sizeof why);
    if (err && err != ENODATA) {
        say(1, "SIP INVITE from %J (%s) refused: %s", &msg->src, from, why);
        sip_treplyf(NULL, NULL, ua->sip, msg, false, 400, "Bad Request", "Warning: 399 faxgate \"%s\"\r\n"
                    "Content-Length: 0\r\n\r\n", why);
        return;
    }
    if (!err && (e = fg_sdp_choose(&offer, ua->t38 != T38_NO, &ch))) {
        say(1, "SIP INVITE from %J (%s) refused: %s", &msg->src, from, fg_err_msg(e));
        sip_treplyf(NULL, NULL, ua->sip, msg, false, 488, "Not Acceptable Here",
                    "Warning: 304 faxgate \"G.711 (PCMU, PCMA) or T.38 over UDPTL only\"\r\nContent-Length: 0\r\n\r\n");
        return;
    }
    if (!(c = call_new(ua, false))) {
        sip_treply(NULL, ua->sip, msg, 500, "Server Internal Error");
        return;
    }
    pl_strcpy(&msg->callid, c->line.base.uuid, sizeof c->line.base.uuid);
    memcpy(&c->line.sig_host, &msg->src.u, msg->src.len < sizeof c->line.sig_host ? msg->src.len : sizeof c->line.sig_host);
    snprintf(c->line.base.caller_id, sizeof c->line.base.caller_id, "%s", from);
    snprintf(c->line.base.uri, sizeof c->line.base.uri, "%s", ua->base.uri);
    if ((e = sip_media_open(&c->line, ua->ip))) {
        say(0, "SIP INVITE from %J: %s", &msg->src, fg_err_msg(e));
        sip_treply(NULL, ua->sip, msg, 503, "Service Unavailable");
        goto drop;
    }
    if (err == ENODATA) {
        /* a late offer: ours goes in the 200, the far end answers in the ACK */
        write_current(c, FG_SDP_AUDIO, c->answer, sizeof c->answer);
    } else {
        c->line.media.mode = ch.kind == FG_SDP_T38 ? FG_LINE_T38 : FG_LINE_AUDIO;
        if (ch.kind == FG_SDP_T38)
            c->line.media.t38 = ch;
        else
            c->line.media.audio = ch;
        c->line.media.gen++;
        if (!fg_sdp_write_answer(&offer, &ch, ua->ip, ch.kind == FG_SDP_T38 ? c->line.udptl_port : c->line.rtp_port,
                                 c->sdp_id, ++c->sdp_version, c->answer, sizeof c->answer))
            goto fail;
    }
    if (ua->ring_ms > 0) {
        err = sipsess_accept((struct sipsess **)&c->line.sess, ua->sock, msg, 180, "Ringing", ua->user,
                             "application/sdp", NULL, NULL, NULL, false, on_offer, on_answer, on_estab, NULL, NULL,
                             on_close, c, ALLOW);
        if (err)
            goto fail;
        tmr_start(&c->ring, (uint64_t)ua->ring_ms, ring_done, c);
    } else {
        struct mbuf *mb = mbuf_of(c->answer);

        err = mb ? sipsess_accept((struct sipsess **)&c->line.sess, ua->sock, msg, 200, "OK", ua->user,
                                  "application/sdp", mb, NULL, NULL, false, on_offer, on_answer, on_estab, NULL, NULL,
                                  on_close, c, ALLOW)
                 : ENOMEM;
        mem_deref(mb);
        if (err)
            goto fail;
        c->line.answered = true;
        queue_call(c);
    }
    say(3, "SIP INVITE from %J (%s), Call-ID %s: %s", &msg->src, from, c->line.base.uuid,
        err == ENODATA ? "late offer" : ch.kind == FG_SDP_T38 ? "T.38" : ch.alaw ? "PCMA" : "PCMU");
    return;
fail:
    sip_treply(NULL, ua->sip, msg, 500, "Server Internal Error");
drop:
    call_forget(c);
}

/* Requests libre's session layer leaves to us: UPDATE (session timers) and OPTIONS (pings
   from proxies and dispatchers). */
static bool on_request(const struct sip_msg *msg, void *arg)
{
    sip_ua *ua = arg;

    if (!pl_strcmp(&msg->met, "OPTIONS")) {
        sip_treplyf(NULL, NULL, ua->sip, msg, false, 200, "OK",
                    ALLOW "Accept: application/sdp\r\nContent-Length: 0\r\n\r\n");
        return true;
    }
    if (!pl_strcmp(&msg->met, "UPDATE")) {
        char why[200] = "", out[2048] = "";
        fg_sdp sdp;
        int err;

        for (struct le *le = list_head(&ua->calls); le; le = le->next) {
            sip_call *c = le->data;

            if (!c->line.sess || !sip_dialog_cmp(sipsess_dialog(c->line.sess), msg))
                continue;
            err = body_of(msg, &sdp, why, sizeof why);
            if (err && err != ENODATA) {
                sip_treplyf(NULL, NULL, ua->sip, msg, false, 400, "Bad Request", "Content-Length: 0\r\n\r\n");
                return true;
            }
            if (!err && take_offer(c, &sdp, out, sizeof out)) {
                sip_treplyf(NULL, NULL, ua->sip, msg, false, 488, "Not Acceptable Here", "Content-Length: 0\r\n\r\n");
                return true;
            }
            {
                /* the refresher's interval is echoed: we accept it, the far end keeps refreshing */
                const struct sip_hdr *se = sip_msg_hdr(msg, SIP_HDR_SESSION_EXPIRES);

                sip_treplyf(NULL, NULL, ua->sip, msg, true, 200, "OK",
                            "Contact: <sip:%s@%J>\r\n%s%r%s%sContent-Length: %u\r\n\r\n%s", ua->user, &msg->dst,
                            se ? "Session-Expires: " : "", se ? &se->val : &pl_null, se ? "\r\n" : "",
                            out[0] ? "Content-Type: application/sdp\r\n" : "", (unsigned)strlen(out), out);
            }
            return true;
        }
        sip_treply(NULL, ua->sip, msg, 481, "Call/Transaction Does Not Exist");
        return true;
    }
    return false;
}

/* ---- asking for T.38 ------------------------------------------------------------------------- */

static void t38_unanswered(void *arg)
{
    sip_call *c = arg;

    pthread_mutex_lock(&c->line.mu);
    if (c->line.t38_asked && c->line.media.mode != FG_LINE_T38) {
        c->line.t38_asked = false;
        say(1, "SIP %s: no 2xx to our re-INVITE to T.38 in %d s (refused?): going on in G.711", c->line.base.uuid,
            T38_ANSWER_MS / 1000);
    }
    pthread_mutex_unlock(&c->line.mu);
}

static void ask_t38_now(sip_call *c)
{
    char out[2048];
    struct mbuf *mb;

    if (!c->line.sess || c->line.closed || c->line.media.mode == FG_LINE_T38 || c->line.t38_asked)
        return;
    if (!write_current(c, FG_SDP_T38, out, sizeof out) || !(mb = mbuf_of(out)))
        return;
    if (sipsess_modify(c->line.sess, mb) == 0) {
        pthread_mutex_lock(&c->line.mu);
        c->line.t38_asked = true;
        pthread_mutex_unlock(&c->line.mu);
        tmr_start(&c->t38, T38_ANSWER_MS, t38_unanswered, c);
        say(3, "SIP %s: re-INVITE to T.38 sent", c->line.base.uuid);
    }
    mem_deref(mb);
}

/* ---- the agent thread ------------------------------------------------------------------------ */

static void on_exit_sip(void *arg)
{
    (void)arg;
    re_cancel();
}

static void stop_now(void *arg)
{
    sip_ua *ua = arg;

    ua->sock = mem_deref(ua->sock);
    sip_close(ua->sip, false);   /* calls on_exit_sip, which ends the loop */
}

static void start_connect(sip_ua *ua);

static void on_command(int id, void *data, void *arg)
{
    sip_ua *ua = arg;
    sip_call *c = data;

    switch (id) {
    case CMD_STOP:
        ua->stopped = true;
        {
            bool had_calls = list_head(&ua->calls) != NULL;

            while (list_head(&ua->calls))
                call_end(list_head(&ua->calls)->data, "the gateway is stopping");
            /* a moment for the BYEs' answers, then the stack closes */
            tmr_start(&ua->stop_tmr, had_calls ? 300 : 0, stop_now, ua);
        }
        break;
    case CMD_HANGUP:
        if (c->line.sess)
            call_end(c, "we hung up");
        sip_line_unref(&c->line);
        break;
    case CMD_T38:
        ask_t38_now(c);
        sip_line_unref(&c->line);
        break;
    case CMD_CONNECT:
        start_connect(ua);
        break;
    }
}

static int ua_setup(sip_ua *ua)
{
    struct sa laddr;
    int err;

    tmr_init(&ua->stop_tmr);
    if ((err = sa_set_str(&laddr, ua->ip, (uint16_t)ua->port))) {
        snprintf(ua->init_why, sizeof ua->init_why, "'%s' is not an IP address", ua->ip);
        return err;
    }
    if ((err = sip_alloc(&ua->sip, NULL, 32, 32, 32, "faxgate", on_exit_sip, ua)) ||
        (err = mqueue_alloc(&ua->mq, on_command, ua))) {
        snprintf(ua->init_why, sizeof ua->init_why, "cannot start a SIP stack: %s", strerror(err));
        return err;
    }
    if ((err = sip_transp_add(ua->sip, SIP_TRANSP_UDP, &laddr))) {
        snprintf(ua->init_why, sizeof ua->init_why, "cannot listen for SIP on UDP %s:%d: %s", ua->ip, ua->port,
                 strerror(err));
        return err;
    }
    /* TCP on the port UDP got (with port 0, the kernel's choice) */
    if (sip_transp_laddr(ua->sip, &laddr, SIP_TRANSP_UDP, NULL) == 0)
        ua->port = sa_port(&laddr);
    /* a caller's TCP needs no fixed port: its own, wherever UDP landed */
    if (!ua->listening)
        sa_set_port(&laddr, 0);
    if ((err = sip_transp_add(ua->sip, SIP_TRANSP_TCP, &laddr))) {
        snprintf(ua->init_why, sizeof ua->init_why, "cannot listen for SIP on TCP %s:%d: %s", ua->ip, ua->port,
                 strerror(err));
        return err;
    }
    /* before the session layer: it would answer UPDATE with 501 */
    if ((err = sip_listen(&ua->lsnr, ua->sip, true, on_request, ua)) ||
        (err = sipsess_listen(&ua->sock, ua->sip, 32, on_invite, ua))) {
        snprintf(ua->init_why, sizeof ua->init_why, "cannot set up SIP sessions: %s", strerror(err));
        return err;
    }
    return 0;
}

static void *ua_main(void *arg)
{
    sip_ua *ua = arg;
    int err;

    re_thread_init();
    err = ua_setup(ua);
    pthread_mutex_lock(&ua->mu);
    ua->init_err = err;
    ua->ready = true;
    pthread_cond_broadcast(&ua->cv);
    pthread_mutex_unlock(&ua->mu);
    if (!err)
        re_main(NULL);
    while (list_head(&ua->calls))
        call_end(list_head(&ua->calls)->data, "the gateway is stopping");
    mem_deref(ua->sock);
    mem_deref(ua->lsnr);
    mem_deref(ua->sip);
    mem_deref(ua->mq);
    ua->sock = NULL, ua->lsnr = NULL, ua->sip = NULL, ua->mq = NULL;
    re_thread_close();
    return NULL;
}

static void init_lib(void)
{
    libre_init();
}

static fg_err ua_start(sip_ua *ua)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;

    pthread_once(&once, init_lib);
    if (pthread_create(&ua->thr, NULL, ua_main, ua))
        return fg_err_set(FG_ERR_NOMEM, "cannot start the SIP thread");
    ua->started = true;
    pthread_mutex_lock(&ua->mu);
    while (!ua->ready)
        pthread_cond_wait(&ua->cv, &ua->mu);
    pthread_mutex_unlock(&ua->mu);
    if (ua->init_err)
        return fg_err_set(FG_ERR_IO, "%s", ua->init_why);
    return FG_OK;
}

static void ua_stop(sip_ua *ua)
{
    if (!ua->started)
        return;
    if (ua->mq && !ua->init_err)
        mqueue_push(ua->mq, CMD_STOP, NULL);
    pthread_join(ua->thr, NULL);
    ua->started = false;
}

static sip_ua *ua_new(void)
{
    sip_ua *ua = calloc(1, sizeof *ua);

    if (!ua)
        return NULL;
    atomic_init(&ua->refs, 1);
    pthread_mutex_init(&ua->mu, NULL);
    pthread_cond_init(&ua->cv, NULL);
    ua->acc_fd = -1;
    ua->t38 = T38_ACCEPT;
    list_init(&ua->calls);
    return ua;
}

/* ---- the line driver: listening ------------------------------------------------------------ */

void sip_ua_hangup(sip_line *sl)
{
    sip_ua *ua = sl->ua;

    pthread_mutex_lock(&sl->mu);
    if (sl->closed || !ua->mq || ua->stopped) {
        pthread_mutex_unlock(&sl->mu);
        return;
    }
    sl->closed = true;
    snprintf(sl->why, sizeof sl->why, "we hung up");
    pthread_mutex_unlock(&sl->mu);
    atomic_fetch_add(&sl->refs, 1);
    if (mqueue_push(ua->mq, CMD_HANGUP, sl))
        sip_line_unref(sl);
}

void sip_ua_release(sip_line *sl)
{
    sip_ua_hangup(sl);
    if (sl->outgoing) {
        /* an outgoing call has an agent of its own: it ends with the call */
        sip_ua *ua = sl->ua;

        ua_stop(ua);
        if (ua->out) {
            ua->out = NULL;
            ua_unref(ua);
        }
    }
}

fg_err sip_ua_request_t38(sip_line *sl)
{
    sip_ua *ua = sl->ua;

    if (sl->closed)
        return fg_err_set(FG_ERR_HANGUP, "the call is over");
    atomic_fetch_add(&sl->refs, 1);
    if (mqueue_push(ua->mq, CMD_T38, sl)) {
        sip_line_unref(sl);
        return fg_err_set(FG_ERR_IO, "cannot reach the SIP thread");
    }
    return FG_OK;
}

/* "USER@HOST:PORT", "HOST:PORT", with ";key=value" parameters after. */
static fg_err split_target(const char *rest, char *user, size_t ucap, char *host, size_t hcap, char *port,
                           size_t pcap, char *params, size_t parcap)
{
    char buf[256], *at, *semi;
    const char *hp;

    snprintf(buf, sizeof buf, "%s", rest);
    if ((semi = strchr(buf, ';')))
        *semi++ = '\0';
    snprintf(params, parcap, "%s", semi ? semi : "");
    if ((at = strchr(buf, '@'))) {
        *at = '\0';
        snprintf(user, ucap, "%.63s", buf);
        hp = at + 1;
    } else {
        snprintf(user, ucap, "fax");
        hp = buf;
    }
    if (!*user || strspn(user, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-_.!~*'()") != strlen(user))
        return fg_err_set(FG_ERR_INVAL, "SIP user '%s' has characters a SIP URI user cannot hold", user);
    return fg_line_split_hostport(hp, host, hcap, port, pcap);
}

static fg_err read_conf(sip_ua *ua, const fg_config *cfg)
{
    const char *t38 = cfg ? fg_config_get(cfg, "sip", "t38") : NULL;

    if (!t38 || !strcmp(t38, "accept"))
        ua->t38 = T38_ACCEPT;
    else if (!strcmp(t38, "reinvite"))
        ua->t38 = T38_REINVITE;
    else if (!strcmp(t38, "no"))
        ua->t38 = T38_NO;
    else
        return fg_err_set(FG_ERR_CONFIG, "[sip] t38 = %s: give accept, reinvite or no", t38);
    ua->ring_ms = cfg ? (int)fg_config_int(cfg, "sip", "ring_ms") : 0;
    if (ua->ring_ms < 0 || ua->ring_ms > 60000)
        return fg_err_set(FG_ERR_CONFIG, "[sip] ring_ms = %d: give 0 to 60000", ua->ring_ms);
    return parse_peers(ua, cfg ? fg_config_get(cfg, "sip", "peers") : NULL);
}

static fg_err ua_accept(fg_listener *l, fg_line **out)
{
    sip_ua *ua = (sip_ua *)l;
    sip_call *c = NULL;
    uint64_t v;

    pthread_mutex_lock(&ua->mu);
    if (ua->qn) {
        c = ua->q[0];
        memmove(ua->q, ua->q + 1, sizeof ua->q[0] * (size_t)--ua->qn);
    }
    if (!ua->qn && read(ua->acc_fd, &v, sizeof v) < 0) {
        /* nothing to clear */
    }
    pthread_mutex_unlock(&ua->mu);
    if (!c)
        return FG_ERR_TIMEOUT;
    *out = &c->line.base;
    return FG_OK;
}

static int ua_fd(const fg_listener *l)
{
    return ((const sip_ua *)l)->acc_fd;
}

static void ua_destroy(fg_listener *l)
{
    sip_ua *ua = (sip_ua *)l;

    ua_stop(ua);
    ua_unref(ua);
}

static const fg_listener_ops sip_listener_ops = {
    .accept = ua_accept,
    .fd = ua_fd,
    .destroy = ua_destroy,
};

static fg_err line_sip_listen(const char *rest, const fg_config *cfg, fg_listener **out)
{
    char params[64];
    sip_ua *ua = ua_new();
    char port[8];
    fg_err e;

    if (!ua)
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate a SIP listener");
    ua->base.ops = &sip_listener_ops;
    ua->listening = true;
    if ((e = split_target(rest, ua->user, sizeof ua->user, ua->ip, sizeof ua->ip, port, sizeof port, params,
                          sizeof params)) ||
        (e = read_conf(ua, cfg)))
        goto fail;
    if (!ua->ip[0]) {
        e = fg_err_set(FG_ERR_CONFIG, "SIP listen address '%s': give the IP address SDP should name (not *)", rest);
        goto fail;
    }
    ua->port = atoi(port);
    if ((ua->acc_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0) {
        e = fg_err_set(FG_ERR_IO, "eventfd: %s", strerror(errno));
        goto fail;
    }
    if ((e = ua_start(ua)))
        goto fail;
    snprintf(ua->base.uri, sizeof ua->base.uri, strchr(ua->ip, ':') ? "sip://%s@[%s]:%d" : "sip://%s@%s:%d",
             ua->user, ua->ip, ua->port);
    *out = &ua->base;
    return FG_OK;
fail:
    ua_stop(ua);
    ua_unref(ua);
    return e;
}

/* ---- the line driver: calling out ---------------------------------------------------------- */

static void start_connect(sip_ua *ua)
{
    sip_call *c = ua->out;
    char offer[2048], from[200];
    struct mbuf *mb;
    int err;

    write_current(c, ua->offer_t38 ? FG_SDP_T38 : FG_SDP_AUDIO, offer, sizeof offer);
    snprintf(from, sizeof from, strchr(ua->ip, ':') ? "sip:%s@[%s]:%d" : "sip:%s@%s:%d", ua->from_user, ua->ip,
             ua->port);
    if (!(mb = mbuf_of(offer)))
        err = ENOMEM;
    else
        err = sipsess_connect((struct sipsess **)&c->line.sess, ua->sock, ua->to_uri, NULL, from, ua->from_user,
                              NULL, 0, "application/sdp", mb, NULL, NULL, false, on_offer, on_answer, NULL, on_estab,
                              NULL, NULL, on_close, c, ua->tcp ? "" : "");
    mem_deref(mb);
    if (err) {
        char why[160];

        snprintf(why, sizeof why, "cannot send the INVITE to %.80s: %s", ua->to_uri, strerror(err));
        call_end(c, why);
        pthread_mutex_lock(&ua->mu);
        pthread_cond_broadcast(&ua->cv);
        pthread_mutex_unlock(&ua->mu);
    }
}

/* Our address toward a host: what SDP and Contact must name. */
static fg_err local_ip_toward(const char *host, const char *port, char *ip, size_t cap)
{
    struct addrinfo hints = {.ai_socktype = SOCK_DGRAM, .ai_flags = AI_NUMERICHOST};
    struct addrinfo *ai = NULL;
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    int fd;

    if (getaddrinfo(host, port, &hints, &ai) || !ai)
        return fg_err_set(FG_ERR_INVAL, "SIP host '%s' is not an IP address", host);
    fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) || getsockname(fd, (struct sockaddr *)&ss, &len)) {
        if (fd >= 0)
            close(fd);
        freeaddrinfo(ai);
        return fg_err_set(FG_ERR_IO, "no route to %s: %s", host, strerror(errno));
    }
    close(fd);
    freeaddrinfo(ai);
    if (ss.ss_family == AF_INET6)
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, ip, (socklen_t)cap);
    else
        inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, ip, (socklen_t)cap);
    return FG_OK;
}

static fg_err line_sip_connect(const char *rest, const char *uuid, const char *caller_id, fg_line **out)
{
    char user[64], host[INET6_ADDRSTRLEN], port[8], params[64];
    struct timespec deadline;
    sip_ua *ua = ua_new();
    sip_call *c;
    bool answered, closed;
    char why[160] = "";
    fg_err e;

    (void)uuid;   /* SIP has its own call id */
    if (!ua)
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate a SIP user agent");
    if ((e = split_target(rest, user, sizeof user, host, sizeof host, port, sizeof port, params, sizeof params)) ||
        (e = local_ip_toward(host, port, ua->ip, sizeof ua->ip)))
        goto fail;
    ua->tcp = strstr(params, "transport=tcp") != NULL;
    ua->offer_t38 = strstr(params, "t38=initial") != NULL;
    snprintf(ua->user, sizeof ua->user, "faxsim");
    snprintf(ua->from_user, sizeof ua->from_user, "%s", caller_id && *caller_id ? caller_id : "faxsim");
    for (char *p = ua->from_user; *p; p++)
        if (!strchr("0123456789+abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_.", *p))
            *p = '_';
    snprintf(ua->to_uri, sizeof ua->to_uri, strchr(host, ':') ? "sip:%s@[%s]:%s%s" : "sip:%s@%s:%s%s", user, host,
             port, ua->tcp ? ";transport=tcp" : "");
    parse_peers(ua, "any");
    /* made before the agent thread runs, which owns it from then on */
    if (!(c = call_new(ua, true))) {
        e = fg_err_set(FG_ERR_NOMEM, "cannot allocate a SIP call");
        goto fail;
    }
    atomic_fetch_add(&c->line.refs, 1);   /* ours */
    ua->out = c;
    {
        struct addrinfo hints = {.ai_socktype = SOCK_DGRAM, .ai_flags = AI_NUMERICHOST}, *ai = NULL;

        if (!getaddrinfo(host, port, &hints, &ai) && ai && ai->ai_addrlen <= sizeof c->line.sig_host)
            memcpy(&c->line.sig_host, ai->ai_addr, ai->ai_addrlen);
        if (ai)
            freeaddrinfo(ai);
    }
    c->line.media.mode = ua->offer_t38 ? FG_LINE_T38 : FG_LINE_AUDIO;
    if ((e = sip_media_open(&c->line, ua->ip)) || (e = ua_start(ua)))
        goto fail_call;
    mqueue_push(ua->mq, CMD_CONNECT, NULL);
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += CONNECT_TIMEOUT_MS / 1000;
    pthread_mutex_lock(&ua->mu);
    for (;;) {
        pthread_mutex_lock(&c->line.mu);
        answered = c->line.answered;
        closed = c->line.closed;
        snprintf(why, sizeof why, "%s", c->line.why);
        pthread_mutex_unlock(&c->line.mu);
        if (answered || closed || pthread_cond_timedwait(&ua->cv, &ua->mu, &deadline))
            break;
    }
    pthread_mutex_unlock(&ua->mu);
    if (!answered) {
        e = closed ? fg_err_set(FG_ERR_HANGUP, "SIP call to %s not answered: %s", ua->to_uri, why)
                   : fg_err_set(FG_ERR_TIMEOUT, "SIP call to %s: no answer in %d s", ua->to_uri,
                                CONNECT_TIMEOUT_MS / 1000);
        goto fail_call;
    }
    snprintf(c->line.base.caller_id, sizeof c->line.base.caller_id, "%.39s", ua->from_user);
    *out = &c->line.base;
    return FG_OK;
fail_call:
    sip_ua_hangup(&c->line);
    ua_stop(ua);
    sip_line_unref(&c->line);
    ua_unref(ua);
    return e;
fail:
    ua_stop(ua);
    ua_unref(ua);
    return e;
}

const fg_line_driver fg_line_sip = {
    .scheme = "sip",
    .listen = line_sip_listen,
    .connect = line_sip_connect,
};
