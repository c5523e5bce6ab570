/* faxgate — the SIP line driver, answering: who may call (peers, digest authentication), the
 * INVITE, the requests libre's session layer leaves to us (UPDATE, OPTIONS), the listener. */
#include "line_sip_ua.h"

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
    if (!slash) {
        p->bits = max;
        return true;
    }
    /* digits only, and not atoi: "8x" is no prefix length, nor is one past INT_MAX */
    if (!*slash || strspn(slash, "0123456789") != strlen(slash) || strlen(slash) > 3)
        return false;
    p->bits = atoi(slash);
    return p->bits <= max;
}

fg_err sip_parse_peers(sip_ua *ua, const char *list)
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

bool sip_peer_allowed(const sip_ua *ua, const struct sa *src)
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

/* A stranger's text made safe for a log line, a stored field and a SIP quoted string: anything
   but printable ASCII, and the quote and backslash a quoted string would take as syntax, as '?'. */
void sip_printable(char *s)
{
    for (; *s; s++)
        if (*s < 0x20 || *s > 0x7e || *s == '"' || *s == '\\')
            *s = '?';
}

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
    sip_printable(caller);
}

void sip_invite_read(const struct sip_msg *msg, bool t38, sip_invite_view *v)
{
    fg_err e;

    memset(v, 0, sizeof *v);
    ident_of(msg, v->from, sizeof v->from);
    /* the Call-ID names the call in the store, the logs and (without a store id) its spool file */
    pl_strcpy(&msg->callid, v->callid, sizeof v->callid);
    sip_printable(v->callid);
    fg_line_take_number(v->called, sizeof v->called, msg->uri.user.p, msg->uri.user.l);
    v->sdp = sip_body_sdp(msg, &v->offer, v->why, sizeof v->why);
    if (v->sdp && v->sdp != ENODATA) {
        v->refuse = 400;   /* the reason quotes the far end's SDP, and goes in a Warning header */
    } else if (!v->sdp && (e = fg_sdp_choose(&v->offer, t38, &v->ch))) {
        v->refuse = 488;
        snprintf(v->why, sizeof v->why, "%s", fg_err_msg(e));
    } else if (!v->sdp && v->ch.kind == FG_SDP_T38 && !t38) {
        /* fg_sdp_choose takes T.38 when nothing else is offered; [sip] t38 = no refuses it, as a
           re-INVITE to T.38 is refused (sip_take_offer) */
        v->refuse = 488;
        snprintf(v->why, sizeof v->why, "T.38 only, and [sip] t38 = no");
    }
    sip_printable(v->why);
}

void sip_on_invite(const struct sip_msg *msg, void *arg)
{
    sip_ua *ua = arg;
    char why[200] = "";
    sip_invite_view v;
    sip_call *c = NULL;
    fg_line_unclaim_fn unclaim = NULL;
    void *user = NULL;
    bool screen_took = false;
    fg_err e;
    int err;

    sip_invite_read(msg, ua->t38 != T38_NO, &v);
    if (atomic_load(&ua->draining)) {
        sip_say(2, "SIP INVITE from %J (%s) answered 503: the gateway is stopping", &msg->src, v.from);
        sip_treplyf(NULL, NULL, ua->sip, msg, false, 503, "Service Unavailable",
                    "Retry-After: %d\r\nContent-Length: 0\r\n\r\n", SIP_RETRY_AFTER);
        return;
    }
    /* not a configured peer: it may still prove who it is (digest), else 403 */
    if (!sip_peer_allowed(ua, &msg->src) && !sip_authorized(ua, msg))
        return;
    if (v.refuse == 400) {
        sip_say(1, "SIP INVITE from %J (%s) refused: %s", &msg->src, v.from, v.why);
        sip_treplyf(NULL, NULL, ua->sip, msg, false, 400, "Bad Request", "Warning: 399 faxgate \"%s\"\r\n"
                    "Content-Length: 0\r\n\r\n", v.why);
        return;
    }
    if (v.refuse == 488) {
        sip_say(1, "SIP INVITE from %J (%s) refused: %s", &msg->src, v.from, v.why);
        sip_treplyf(NULL, NULL, ua->sip, msg, false, 488, "Not Acceptable Here",
                    "Warning: 304 faxgate \"G.711 (PCMU, PCMA) or T.38 over UDPTL only\"\r\nContent-Length: 0\r\n\r\n");
        return;
    }
    /* screened before the answer: a caller the gateway knows as a junk broadcaster is declined;
       a gateway that cannot take a call now (every line busy, no room to keep a fax) says so
       with a 503 and Retry-After, instead of answering and hanging up on the sender */
    {
        fg_line_screen_fn screen;
        fg_screen_verdict sv = FG_SCREEN_TAKE;

        pthread_mutex_lock(&ua->mu);
        screen = ua->screen;
        unclaim = ua->unclaim;
        user = ua->screen_user;
        pthread_mutex_unlock(&ua->mu);
        if (screen) {
            sv = screen(user, ua->base.uri, v.callid, v.from, why, sizeof why);
            screen_took = sv == FG_SCREEN_TAKE;
        }
        sip_printable(why);
        if (sv == FG_SCREEN_DECLINE) {
            sip_say(2, "SIP INVITE from %J (%s) declined (603): %s", &msg->src, v.from, why);
            sip_treplyf(NULL, NULL, ua->sip, msg, false, 603, "Decline", "Content-Length: 0\r\n\r\n");
            return;
        }
        if (sv == FG_SCREEN_BUSY) {
            sip_say(1, "SIP INVITE from %J (%s) answered 503: %s", &msg->src, v.from, why);
            sip_treplyf(NULL, NULL, ua->sip, msg, false, 503, "Service Unavailable",
                        "Retry-After: %d\r\nWarning: 399 faxgate \"%s\"\r\nContent-Length: 0\r\n\r\n",
                        SIP_RETRY_AFTER, why);
            return;
        }
    }
    if (!(c = sip_call_new(ua, false))) {
        if (screen_took && unclaim)
            unclaim(user);
        sip_treply(NULL, ua->sip, msg, 500, "Server Internal Error");
        return;
    }
    /* the place the screen took for the call goes with it: to the gateway that accepts it, or
       back when the call ends first (cancelled while ringing, not answered) */
    if (screen_took)
        fg_line_claim(&c->line.base, unclaim, user);
    snprintf(c->line.base.uuid, sizeof c->line.base.uuid, "%s", v.callid);
    memcpy(&c->line.sig_host, &msg->src.u, msg->src.len < sizeof c->line.sig_host ? msg->src.len : sizeof c->line.sig_host);
    snprintf(c->line.base.caller_id, sizeof c->line.base.caller_id, "%.39s", v.from);
    snprintf(c->line.base.called, sizeof c->line.base.called, "%s", v.called);
    snprintf(c->line.base.uri, sizeof c->line.base.uri, "%s", ua->base.uri);
    if ((e = sip_media_open(&c->line, ua->ip))) {
        sip_say(0, "SIP INVITE from %J: %s", &msg->src, fg_err_msg(e));
        sip_treply(NULL, ua->sip, msg, 503, "Service Unavailable");
        goto drop;
    }
    err = v.sdp;
    if (err == ENODATA) {
        /* a late offer: ours goes in the 200, the far end answers in the ACK */
        sip_write_offer(c, FG_SDP_AUDIO, c->answer, sizeof c->answer);
    } else {
        const fg_sdp_choice *ch = &v.ch;

        c->line.media.mode = ch->kind == FG_SDP_T38 ? FG_LINE_T38 : FG_LINE_AUDIO;
        if (ch->kind == FG_SDP_T38)
            c->line.media.t38 = *ch;
        else
            c->line.media.audio = *ch;
        c->line.media.gen++;
        if (!fg_sdp_write_answer(&v.offer, ch, ua->ip, ch->kind == FG_SDP_T38 ? c->line.udptl_port : c->line.rtp_port,
                                 c->sdp_id, ++c->sdp_version, c->answer, sizeof c->answer))
            goto fail;
    }
    if (ua->ring_ms > 0) {
        err = sipsess_accept((struct sipsess **)&c->line.sess, ua->sock, msg, 180, "Ringing", ua->user,
                             "application/sdp", NULL, NULL, NULL, false, sip_on_offer, sip_on_answer, sip_on_estab, NULL, NULL,
                             sip_on_close, c, ALLOW);
        if (err)
            goto fail;
        tmr_start(&c->ring, (uint64_t)ua->ring_ms, sip_ring_done, c);
    } else {
        struct mbuf *mb = sip_mbuf(c->answer);

        err = mb ? sipsess_accept((struct sipsess **)&c->line.sess, ua->sock, msg, 200, "OK", ua->user,
                                  "application/sdp", mb, NULL, NULL, false, sip_on_offer, sip_on_answer, sip_on_estab, NULL, NULL,
                                  sip_on_close, c, ALLOW)
                 : ENOMEM;
        mem_deref(mb);
        if (err)
            goto fail;
        c->line.answered = true;
        sip_queue_call(c);
    }
    sip_say(3, "SIP INVITE from %J (%s), Call-ID %s: %s", &msg->src, v.from, c->line.base.uuid,
        v.sdp == ENODATA ? "late offer" : v.ch.kind == FG_SDP_T38 ? "T.38" : v.ch.alaw ? "PCMA" : "PCMU");
    return;
fail:
    sip_treply(NULL, ua->sip, msg, 500, "Server Internal Error");
drop:
    sip_call_forget(c);
}

/* Requests libre's session layer leaves to us: UPDATE (session timers) and OPTIONS (pings
   from proxies and dispatchers). */
bool sip_on_request(const struct sip_msg *msg, void *arg)
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
            err = sip_body_sdp(msg, &sdp, why, sizeof why);
            if (err && err != ENODATA) {
                sip_treplyf(NULL, NULL, ua->sip, msg, false, 400, "Bad Request", "Content-Length: 0\r\n\r\n");
                return true;
            }
            if (!err && sip_take_offer(c, &sdp, out, sizeof out)) {
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
    if (cfg) {
        const char *reg = fg_config_get(cfg, "sip", "register");

        snprintf(ua->auth_user, sizeof ua->auth_user, "%s", fg_config_get(cfg, "sip", "user"));
        snprintf(ua->password, sizeof ua->password, "%s", fg_config_get(cfg, "sip", "password"));
        snprintf(ua->realm, sizeof ua->realm, "%s", fg_config_get(cfg, "sip", "realm"));
        ua->reg_expires = (int)fg_config_int(cfg, "sip", "register_expires");
        if (reg && *reg) {
            /* sip:USER@HOST[:PORT]: we register USER there; the registrar is sip:HOST[:PORT] */
            const char *at = strchr(reg, '@');

            if (strncmp(reg, "sip:", 4) || !at)
                return fg_err_set(FG_ERR_CONFIG, "[sip] register = %s: give sip:USER@HOST[:PORT]", reg);
            snprintf(ua->aor, sizeof ua->aor, "%s", reg);
            snprintf(ua->registrar, sizeof ua->registrar, "sip:%s", at + 1);
        }
    }
    if (!ua->auth_user[0])
        snprintf(ua->auth_user, sizeof ua->auth_user, "%s", ua->user);
    if (!ua->realm[0])
        snprintf(ua->realm, sizeof ua->realm, "faxgate");
    if (ua->ring_ms < 0 || ua->ring_ms > 60000)
        return fg_err_set(FG_ERR_CONFIG, "[sip] ring_ms = %d: give 0 to 60000", ua->ring_ms);
    return sip_parse_peers(ua, cfg ? fg_config_get(cfg, "sip", "peers") : NULL);
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

    sip_ua_stop(ua);
    sip_ua_unref(ua);
}

static void ua_set_screen(fg_listener *l, fg_line_screen_fn fn, fg_line_unclaim_fn unclaim, void *user)
{
    sip_ua *ua = (sip_ua *)l;

    pthread_mutex_lock(&ua->mu);
    ua->screen = fn;
    ua->unclaim = unclaim;
    ua->screen_user = user;
    pthread_mutex_unlock(&ua->mu);
}

static void ua_drain(fg_listener *l)
{
    atomic_store(&((sip_ua *)l)->draining, true);
}

static const fg_listener_ops sip_listener_ops = {
    .accept = ua_accept,
    .fd = ua_fd,
    .destroy = ua_destroy,
    .drain = ua_drain,
    .set_screen = ua_set_screen,
};

fg_err line_sip_listen(const char *rest, const fg_config *cfg, fg_listener **out)
{
    char params[64];
    sip_ua *ua = sip_ua_new();
    char port[8];
    fg_err e;

    if (!ua)
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate a SIP listener");
    ua->base.ops = &sip_listener_ops;
    ua->listening = true;
    if ((e = sip_split_target(rest, ua->user, sizeof ua->user, ua->ip, sizeof ua->ip, port, sizeof port, params,
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
    if ((e = sip_ua_start(ua)))
        goto fail;
    snprintf(ua->base.uri, sizeof ua->base.uri, strchr(ua->ip, ':') ? "sip://%s@[%s]:%d" : "sip://%s@%s:%d",
             ua->user, ua->ip, ua->port);
    *out = &ua->base;
    return FG_OK;
fail:
    sip_ua_stop(ua);
    sip_ua_unref(ua);
    return e;
}
