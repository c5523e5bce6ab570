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
#include "line_sip_ua.h"

static fg_line_log_fn line_log;

void fg_line_set_log(fg_line_log_fn fn)
{
    line_log = fn;
}

/* libre's printf: %J is an address:port, %r a libre string; no printf checking for those. */
void sip_say(int level, const char *fmt, ...)
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

void sip_call_forget(sip_call *c);

void sip_ua_unref(sip_ua *ua)
{
    if (!ua || atomic_fetch_sub(&ua->refs, 1) != 1)
        return;
    /* an agent that never ran still holds its calls */
    while (list_head(&ua->calls))
        sip_call_forget(list_head(&ua->calls)->data);
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
    fg_line_unclaim(&sl->base);
    if (sl->rtp_fd >= 0)
        close(sl->rtp_fd);
    if (sl->udptl_fd >= 0)
        close(sl->udptl_fd);
    if (sl->evfd >= 0)
        close(sl->evfd);
    pthread_mutex_destroy(&sl->mu);
    sip_ua_unref(sl->ua);
    free(sl);
}

static void wake(sip_line *sl)
{
    uint64_t one = 1;

    if (write(sl->evfd, &one, sizeof one) < 0) {
        /* the counter is full: the call thread has plenty to wake it */
    }
}

sip_call *sip_call_new(sip_ua *ua, bool outgoing)
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
void sip_call_forget(sip_call *c)
{
    if (!c->le.list)
        return;
    list_unlink(&c->le);
    sip_line_unref(&c->line);
}

/* The session is over for the agent: closes it and drops the agent's reference. */
void sip_call_end(sip_call *c, const char *why)
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
    sip_call_forget(c);
}

/* ---- SDP in and out ------------------------------------------------------------------------ */

int sip_body_sdp(const struct sip_msg *msg, fg_sdp *sdp, char *why, size_t cap)
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
        sip_printable(why);   /* it quotes the far end's line: logged, and put in a Warning header */
        return EPROTO;
    }
    return 0;
}

struct mbuf *sip_mbuf(const char *text)
{
    struct mbuf *mb = mbuf_alloc(strlen(text) + 1);

    if (mb) {
        mbuf_write_str(mb, text);
        mbuf_set_pos(mb, 0);
    }
    return mb;
}

/* Our offer for the media the call uses now (re-INVITE or UPDATE without SDP, our own). */
size_t sip_write_offer(sip_call *c, fg_sdp_kind kind, char *out, size_t cap)
{
    sip_line *sl = &c->line;

    return fg_sdp_write_offer(kind, sl->ua->t38_offer.max_datagram ? &sl->ua->t38_offer : NULL, sl->ua->ip, kind == FG_SDP_T38 ? sl->udptl_port : sl->rtp_port, c->sdp_id,
                              ++c->sdp_version, out, cap);
}

/* An offer from the far end during the call (re-INVITE, UPDATE): adopt it and answer. */
int sip_take_offer(sip_call *c, const fg_sdp *offer, char *ans, size_t cap)
{
    sip_line *sl = &c->line;
    fg_sdp_choice ch;
    fg_err e;

    if ((e = fg_sdp_choose(offer, sl->ua->t38 != T38_NO, &ch))) {
        sip_say(1, "SIP %s: refusing the new offer: %s", sl->base.uuid, fg_err_msg(e));
        return ENOTSUP;
    }
    if (ch.kind == FG_SDP_T38 && sl->ua->t38 == T38_NO) {
        sip_say(1, "SIP %s: T.38 offered but [sip] t38 = no", sl->base.uuid);
        return ENOTSUP;
    }
    pthread_mutex_lock(&sl->mu);
    if (ch.kind == FG_SDP_T38) {
        if (sl->media.mode != FG_LINE_T38)
            sip_say(2, "SIP %s: switching to T.38 (far end's offer: datagram %d, %s)", sl->base.uuid,
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
static void sip_take_answer(sip_call *c, const fg_sdp *ans)
{
    sip_line *sl = &c->line;
    fg_sdp_choice ch;

    if (fg_sdp_choose(ans, true, &ch)) {
        sip_say(1, "SIP %s: the far end's answer has no usable media; going on as before", sl->base.uuid);
        return;
    }
    pthread_mutex_lock(&sl->mu);
    if (ch.kind == FG_SDP_T38) {
        if (sl->media.mode != FG_LINE_T38)
            sip_say(2, "SIP %s: far end accepted T.38 (datagram %d)", sl->base.uuid, ch.t38.max_datagram);
        sl->media.t38 = ch;
        sl->media.mode = FG_LINE_T38;
    } else {
        if (sl->t38_asked)
            sip_say(1, "SIP %s: far end answered our T.38 offer with audio; going on in G.711", sl->base.uuid);
        sl->media.audio = ch;
    }
    sl->media.gen++;
    sl->t38_asked = false;
    pthread_mutex_unlock(&sl->mu);
    tmr_cancel(&c->t38);
    wake(sl);
}

/* ---- libre session handlers ------------------------------------------------------------------ */

int sip_on_offer(struct mbuf **descp, const struct sip_msg *msg, void *arg)
{
    sip_call *c = arg;
    char why[200] = "", out[2048];
    fg_sdp sdp;
    int err = sip_body_sdp(msg, &sdp, why, sizeof why);

    if (err == ENODATA) {
        /* a refresh without SDP: we offer what we use, the answer comes in the ACK */
        fg_line_mode m;

        pthread_mutex_lock(&c->line.mu);
        m = c->line.media.mode;
        pthread_mutex_unlock(&c->line.mu);
        if (!sip_write_offer(c, m == FG_LINE_T38 ? FG_SDP_T38 : FG_SDP_AUDIO, out, sizeof out))
            return ENOMEM;
    } else if (err) {
        sip_say(1, "SIP %s: bad SDP in a re-INVITE from %J: %s", c->line.base.uuid, &msg->src, why);
        return err;
    } else if ((err = sip_take_offer(c, &sdp, out, sizeof out))) {
        return err;
    }
    return (*descp = sip_mbuf(out)) ? 0 : ENOMEM;
}

int sip_on_answer(const struct sip_msg *msg, void *arg)
{
    sip_call *c = arg;
    char why[200] = "";
    fg_sdp sdp;

    if (sip_body_sdp(msg, &sdp, why, sizeof why)) {
        if (why[0])
            sip_say(1, "SIP %s: bad SDP answer: %s", c->line.base.uuid, why);
        return 0;
    }
    sip_take_answer(c, &sdp);
    return 0;
}

static void ask_t38_now(sip_call *c);

void sip_on_estab(const struct sip_msg *msg, void *arg)
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

void sip_on_close(int err, const struct sip_msg *msg, void *arg)
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
    bool outgoing = c->line.outgoing;

    if (!c->queued && !outgoing)
        sip_say(2, "SIP call %s from %s ended before it was answered: %s", c->line.base.uuid, c->line.base.caller_id, why);
    sip_call_end(c, why);   /* may free c: the agent's reference was the last one */
    if (outgoing) {
        pthread_mutex_lock(&ua->mu);
        pthread_cond_broadcast(&ua->cv);
        pthread_mutex_unlock(&ua->mu);
    }
}

void sip_queue_call(sip_call *c)
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
        sip_call_end(c, "too many calls waiting to be taken");
        return;
    }
    if (write(ua->acc_fd, &one, sizeof one) < 0) {
        /* counter full: the daemon is already woken */
    }
}

void sip_ring_done(void *arg)
{
    sip_call *c = arg;
    struct mbuf *mb = sip_mbuf(c->answer);
    int err;

    if (!mb || (err = sipsess_answer(c->line.sess, 200, "OK", mb, ALLOW))) {
        mem_deref(mb);
        sip_call_end(c, "could not answer the call");
        return;
    }
    mem_deref(mb);
    pthread_mutex_lock(&c->line.mu);
    c->line.answered = true;
    pthread_mutex_unlock(&c->line.mu);
    sip_queue_call(c);
}


/* ---- asking for T.38 ------------------------------------------------------------------------- */

static void t38_unanswered(void *arg)
{
    sip_call *c = arg;

    pthread_mutex_lock(&c->line.mu);
    if (c->line.t38_asked && c->line.media.mode != FG_LINE_T38) {
        c->line.t38_asked = false;
        sip_say(1, "SIP %s: no 2xx to our re-INVITE to T.38 in %d s (refused?): going on in G.711", c->line.base.uuid,
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
    if (!sip_write_offer(c, FG_SDP_T38, out, sizeof out) || !(mb = sip_mbuf(out)))
        return;
    if (sipsess_modify(c->line.sess, mb) == 0) {
        pthread_mutex_lock(&c->line.mu);
        c->line.t38_asked = true;
        pthread_mutex_unlock(&c->line.mu);
        tmr_start(&c->t38, T38_ANSWER_MS, t38_unanswered, c);
        sip_say(3, "SIP %s: re-INVITE to T.38 sent", c->line.base.uuid);
    }
    mem_deref(mb);
}

/* ---- the agent thread ------------------------------------------------------------------------ */

static void on_exit_sip(void *arg)
{
    (void)arg;
    re_cancel();
}

/* The un-REGISTER and the last BYEs had their chance; a registrar that never answers must not
   hold the gateway for Timer F (32 s). */
static void stop_hard(void *arg)
{
    sip_ua *ua = arg;

    sip_close(ua->sip, true);
    re_cancel();
}

static void stop_now(void *arg)
{
    sip_ua *ua = arg;

    ua->reg = mem_deref(ua->reg);   /* un-REGISTERs */
    ua->sock = mem_deref(ua->sock);
    tmr_start(&ua->stop_tmr, 2000, stop_hard, ua);
    sip_close(ua->sip, false);   /* on_exit_sip ends the loop once nothing is pending */
}

void sip_start_connect(sip_ua *ua);

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
                sip_call_end(list_head(&ua->calls)->data, "the gateway is stopping");
            /* a moment for the BYEs' answers, then the stack closes */
            tmr_start(&ua->stop_tmr, had_calls ? 300 : 0, stop_now, ua);
        }
        break;
    case CMD_HANGUP:
        if (c->line.sess)
            sip_call_end(c, "we hung up");
        sip_line_unref(&c->line);
        break;
    case CMD_T38:
        ask_t38_now(c);
        sip_line_unref(&c->line);
        break;
    case CMD_CONNECT:
        sip_start_connect(ua);
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
    if (getrandom(ua->secret, sizeof ua->secret, 0) != sizeof ua->secret) {
        snprintf(ua->init_why, sizeof ua->init_why, "no random bytes for digest nonces");
        return EIO;
    }
    /* before the session layer: it would answer UPDATE with 501 */
    if ((err = sip_listen(&ua->lsnr, ua->sip, true, sip_on_request, ua)) ||
        (err = sipsess_listen(&ua->sock, ua->sip, 32, sip_on_invite, ua))) {
        snprintf(ua->init_why, sizeof ua->init_why, "cannot set up SIP sessions: %s", strerror(err));
        return err;
    }
    if (ua->listening)
        sip_register_start(ua);   /* failures are logged and retried; calls come in anyway */
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
        sip_call_end(list_head(&ua->calls)->data, "the gateway is stopping");
    mem_deref(ua->sock);
    mem_deref(ua->reg);
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

fg_err sip_ua_start(sip_ua *ua)
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

void sip_ua_stop(sip_ua *ua)
{
    if (!ua->started)
        return;
    if (ua->mq && !ua->init_err)
        mqueue_push(ua->mq, CMD_STOP, NULL);
    pthread_join(ua->thr, NULL);
    ua->started = false;
}

sip_ua *sip_ua_new(void)
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

        sip_ua_stop(ua);
        if (ua->out) {
            ua->out = NULL;
            sip_ua_unref(ua);
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
fg_err sip_split_target(const char *rest, char *user, size_t ucap, char *host, size_t hcap, char *port,
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

const fg_line_driver fg_line_sip = {
    .scheme = "sip",
    .listen = line_sip_listen,
    .connect = line_sip_connect,
};
