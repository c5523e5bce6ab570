/* faxgate — the SIP line driver, calling out (faxsim send, and the gateway's own outgoing faxes):
 * an agent of its own per call, on the address that routes to the far end. */
#include "line_sip_ua.h"

/* ---- the line driver: calling out ---------------------------------------------------------- */

void sip_start_connect(sip_ua *ua)
{
    sip_call *c = ua->out;
    char offer[2048], from[200];
    struct mbuf *mb;
    int err;

    sip_write_offer(c, ua->offer_t38 ? FG_SDP_T38 : FG_SDP_AUDIO, offer, sizeof offer);
    snprintf(from, sizeof from, strchr(ua->ip, ':') ? "sip:%s@[%s]:%d" : "sip:%s@%s:%d", ua->from_user, ua->ip,
             ua->port);
    if (!(mb = sip_mbuf(offer)))
        err = ENOMEM;
    else
        err = sipsess_connect((struct sipsess **)&c->line.sess, ua->sock, ua->to_uri, NULL, from, ua->from_user,
                              NULL, 0, "application/sdp", mb, NULL, NULL, false, sip_on_offer, sip_on_answer, NULL, sip_on_estab,
                              NULL, NULL, sip_on_close, c, ua->tcp ? "" : "");
    mem_deref(mb);
    if (err) {
        char why[160];

        snprintf(why, sizeof why, "cannot send the INVITE to %.80s: %s", ua->to_uri, strerror(err));
        sip_call_end(c, why);
        pthread_mutex_lock(&ua->mu);
        pthread_cond_broadcast(&ua->cv);
        pthread_mutex_unlock(&ua->mu);
    }
}

/* A caller may state its own T.38 parameters in the URI, as peers of every kind offer them:
   ;t38_datagram=72..1500 ;t38_ec=none|redundancy|fec ;t38_tcf=local|transferred. */
static fg_err t38_params_of(const char *params, fg_t38_params *p)
{
    const char *v;

    memset(p, 0, sizeof *p);
    if (!strstr(params, "t38_"))
        return FG_OK;
    fg_sdp_t38_ours(p);
    if ((v = strstr(params, "t38_datagram="))) {
        p->max_datagram = atoi(v + 13);
        if (p->max_datagram < FG_UDPTL_MIN_DATAGRAM || p->max_datagram > FG_UDPTL_MAX_DATAGRAM)
            return fg_err_set(FG_ERR_INVAL, "t38_datagram=%d: give %d to %d", p->max_datagram, FG_UDPTL_MIN_DATAGRAM,
                              FG_UDPTL_MAX_DATAGRAM);
    }
    if ((v = strstr(params, "t38_ec=")))
        p->ec = !strncmp(v + 7, "none", 4) ? FG_T38_EC_NONE : !strncmp(v + 7, "fec", 3) ? FG_T38_EC_FEC
                                                                                          : FG_T38_EC_REDUNDANCY;
    if ((v = strstr(params, "t38_tcf=")))
        p->transferred_tcf = strncmp(v + 8, "local", 5) != 0;
    return FG_OK;
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

fg_err line_sip_connect(const char *rest, const char *uuid, const char *caller_id, fg_line **out)
{
    char user[64], host[INET6_ADDRSTRLEN], port[8], params[160];
    struct timespec deadline;
    sip_ua *ua = sip_ua_new();
    sip_call *c;
    bool answered, closed;
    char why[160] = "";
    fg_err e;

    (void)uuid;   /* SIP has its own call id */
    if (!ua)
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate a SIP user agent");
    if ((e = sip_split_target(rest, user, sizeof user, host, sizeof host, port, sizeof port, params, sizeof params)) ||
        (e = local_ip_toward(host, port, ua->ip, sizeof ua->ip)))
        goto fail;
    ua->tcp = strstr(params, "transport=tcp") != NULL;
    ua->offer_t38 = strstr(params, "t38=initial") != NULL;
    if ((e = t38_params_of(params, &ua->t38_offer)))
        goto fail;
    snprintf(ua->user, sizeof ua->user, "faxsim");
    snprintf(ua->from_user, sizeof ua->from_user, "%s", caller_id && *caller_id ? caller_id : "faxsim");
    for (char *p = ua->from_user; *p; p++)
        if (!strchr("0123456789+abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_.", *p))
            *p = '_';
    snprintf(ua->to_uri, sizeof ua->to_uri, strchr(host, ':') ? "sip:%s@[%s]:%s%s" : "sip:%s@%s:%s%s", user, host,
             port, ua->tcp ? ";transport=tcp" : "");
    sip_parse_peers(ua, "any");
    /* made before the agent thread runs, which owns it from then on */
    if (!(c = sip_call_new(ua, true))) {
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
    if ((e = sip_media_open(&c->line, ua->ip)) || (e = sip_ua_start(ua)))
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
    sip_ua_stop(ua);
    sip_line_unref(&c->line);
    sip_ua_unref(ua);
    return e;
fail:
    sip_ua_stop(ua);
    sip_ua_unref(ua);
    return e;
}
