/* faxgate — the SIP line's media, on the call's thread: G.711 over RTP, T.38 over UDPTL.
 *
 * Sockets are non-blocking and every wait is a poll() with a deadline that also watches the
 * agent's eventfd, so a BYE or a switch to T.38 is seen at once. Packets come from the network:
 * the source must be the far end's media address (or, before its first packet, the address
 * the SDP named; then we latch to where its packets really come from, as behind a NAT), and
 * anything else is counted and dropped.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "line_sip.h"

static int open_udp(const char *ip, int *port)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM, .ai_flags = AI_NUMERICHOST | AI_PASSIVE};
    struct addrinfo *ai = NULL;
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    int fd = -1;

    if (getaddrinfo(ip && *ip ? ip : NULL, "0", &hints, &ai) || !ai)
        return -1;
    fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd >= 0 && (bind(fd, ai->ai_addr, ai->ai_addrlen) || getsockname(fd, (struct sockaddr *)&ss, &sl))) {
        close(fd);
        fd = -1;
    }
    freeaddrinfo(ai);
    if (fd >= 0)
        *port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                               : ((struct sockaddr_in *)&ss)->sin_port);
    return fd;
}

fg_err sip_media_open(sip_line *sl, const char *ip)
{
    sl->rtp_fd = open_udp(ip, &sl->rtp_port);
    sl->udptl_fd = open_udp(ip, &sl->udptl_port);
    if (sl->rtp_fd < 0 || sl->udptl_fd < 0)
        return fg_err_set(FG_ERR_IO, "cannot open media sockets on %s: %s", ip, strerror(errno));
    return FG_OK;
}

static bool resolve(const char *addr, int port, struct sockaddr_storage *ss, socklen_t *len)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM, .ai_flags = AI_NUMERICHOST};
    struct addrinfo *ai = NULL;
    char p[8];

    snprintf(p, sizeof p, "%d", port);
    if (getaddrinfo(addr, p, &hints, &ai) || !ai)
        return false;
    memcpy(ss, ai->ai_addr, ai->ai_addrlen);
    *len = ai->ai_addrlen;
    freeaddrinfo(ai);
    return true;
}

/* The agent changed something: take the new media, restart the streams that changed. */
bool sip_line_sync(sip_line *sl, char *why, size_t cap)
{
    bool closed;
    uint64_t v;

    if (read(sl->evfd, &v, sizeof v) < 0 && errno != EAGAIN)
        v = 0;
    pthread_mutex_lock(&sl->mu);
    closed = sl->closed;
    if (closed && why)
        snprintf(why, cap, "%s", sl->why);
    if (sl->media.gen != sl->seen_gen) {
        sip_media old = sl->cur;

        sl->cur = sl->media;
        sl->seen_gen = sl->media.gen;
        pthread_mutex_unlock(&sl->mu);
        if (sl->cur.audio.kind == FG_SDP_AUDIO &&
            (old.audio.kind != FG_SDP_AUDIO || strcmp(old.audio.addr, sl->cur.audio.addr) ||
             old.audio.port != sl->cur.audio.port || old.audio.pt != sl->cur.audio.pt)) {
            resolve(sl->cur.audio.addr, sl->cur.audio.port, &sl->rtp_peer, &sl->rtp_peer_len);
            sl->rtp_latched = false;
            if (old.audio.kind != FG_SDP_AUDIO || old.audio.pt != sl->cur.audio.pt) {
                fg_rtp_tx_init(&sl->rtx, (uint8_t)sl->cur.audio.pt, sl->cur.audio.alaw, sl->cur.audio.ptime);
                fg_rtp_rx_init(&sl->rrx, (uint8_t)sl->cur.audio.pt, sl->cur.audio.alaw);
            }
        }
        if (sl->cur.t38.kind == FG_SDP_T38 &&
            (old.t38.kind != FG_SDP_T38 || strcmp(old.t38.addr, sl->cur.t38.addr) || old.t38.port != sl->cur.t38.port)) {
            resolve(sl->cur.t38.addr, sl->cur.t38.port, &sl->udptl_peer, &sl->udptl_peer_len);
            sl->udptl_latched = false;
            if (old.t38.kind != FG_SDP_T38) {
                memset(&sl->utx, 0, sizeof sl->utx);
                memset(&sl->urx, 0, sizeof sl->urx);
            }
        }
        sl->utx.redundancy = sl->cur.t38.t38.ec != FG_T38_EC_NONE;
        return closed;
    }
    pthread_mutex_unlock(&sl->mu);
    return closed;
}

/* Waits for the media socket or the agent; 1 socket readable, 0 timeout, -1 error. The agent's
   news is taken in passing. */
static int wait_media(sip_line *sl, int fd, int ms)
{
    struct pollfd p[2] = {{.fd = fd, .events = POLLIN}, {.fd = sl->evfd, .events = POLLIN}};
    int r;

    do
        r = poll(p, 2, ms);
    while (r < 0 && errno == EINTR);
    if (r < 0)
        return -1;
    if (p[1].revents)
        sip_line_sync(sl, NULL, 0);
    return (p[0].revents & POLLIN) ? 1 : 0;
}

static bool same_host(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
    if (a->ss_family != b->ss_family)
        return false;
    if (a->ss_family == AF_INET)
        return ((const struct sockaddr_in *)a)->sin_addr.s_addr == ((const struct sockaddr_in *)b)->sin_addr.s_addr;
    return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr, &((const struct sockaddr_in6 *)b)->sin6_addr, 16);
}

/* A datagram from the far end's media? Until the first one, media may come from the host SDP
   names or from the host that sent the SIP (a phone behind NAT, or one that names its LAN
   address while talking over loopback); the first one latches its address and port, and from
   then on nothing else is taken (symmetric RTP, as Asterisk's strictrtp). */
static bool from_peer(const sip_line *sl, struct sockaddr_storage *peer, socklen_t *peer_len, bool *latched,
                      const struct sockaddr_storage *src, socklen_t src_len)
{
    if (!*latched && *peer_len && !same_host(peer, src) && !same_host(&sl->sig_host, src))
        return false;
    if (!*latched) {
        memcpy(peer, src, src_len);
        *peer_len = src_len;
        *latched = true;
        return true;
    }
    return !memcmp(peer, src, src_len);
}

static fg_err line_state(sip_line *sl, fg_line_mode want)
{
    char why[160];

    if (sip_line_sync(sl, why, sizeof why))
        return fg_err_set(FG_ERR_HANGUP, "%s", why);
    if (sl->cur.mode != want)
        return fg_err_set(FG_ERR_STATE, "the call switched to %s", sl->cur.mode == FG_LINE_T38 ? "T.38" : "audio");
    return FG_OK;
}

/* Takes every RTP packet waiting on the socket into the playout buffer. */
static void drain_rtp(sip_line *sl)
{
    for (;;) {
        uint8_t pkt[FG_RTP_MAX_PACKET + 1];
        struct sockaddr_storage src;
        socklen_t sl_len = sizeof src;
        ssize_t k = recvfrom(sl->rtp_fd, pkt, sizeof pkt, 0, (struct sockaddr *)&src, &sl_len);
        fg_rtp_hdr h;

        if (k < 0)
            break;
        if (sl->base.tap && sl->base.tap->rx && !sl->base.tap->rx(sl->base.tap->user, sl->rtp_fd, (size_t)k))
            continue;   /* lost on the way (test impairment) */
        if (!from_peer(sl, &sl->rtp_peer, &sl->rtp_peer_len, &sl->rtp_latched, &src, sl_len) ||
            fg_rtp_parse(pkt, (size_t)k, &h)) {
            sl->rrx.foreign++;
            continue;
        }
        fg_rtp_rx_put(&sl->rrx, &h);
    }
}

/* Sends one datagram to the far end's media address. Until its media is heard (latched), the
   address SDP named may be one we cannot reach (a LAN address behind NAT): that is not an error. */
static fg_err send_media(const fg_line_tap *tap, int fd, const uint8_t *pkt, size_t len,
                         const struct sockaddr_storage *peer, socklen_t peer_len, bool latched, const char *what)
{
    if (!len || !peer_len)
        return FG_OK;
    if (tap && tap->tx ? tap->tx(tap->user, fd, pkt, len, (const struct sockaddr *)peer, peer_len) >= 0
                       : sendto(fd, pkt, len, 0, (const struct sockaddr *)peer, peer_len) >= 0)
        return FG_OK;
    if (errno == EAGAIN || errno == ECONNREFUSED || !latched)
        return FG_OK;
    return fg_err_set(FG_ERR_IO, "sending %s: %s", what, strerror(errno));
}

static fg_err sip_recv(fg_line *ln, int16_t *buf, int max, int *n, int timeout_ms)
{
    sip_line *sl = (sip_line *)ln;
    struct timespec t0;
    bool waited = false;
    fg_err e;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        long left = timeout_ms - fg_line_ms_since(&t0);
        int got, r;

        if ((e = line_state(sl, FG_LINE_AUDIO)))
            return e;
        drain_rtp(sl);
        /* packets wait behind a gap: it is given up after a quiet wait */
        if ((got = fg_rtp_rx_get(&sl->rrx, buf, max, waited)) > 0) {
            *n = got;
            sl->base.recv_gap = sl->rrx.last_gap;
            return FG_OK;
        }
        if (left <= 0)
            return fg_err_set(FG_ERR_TIMEOUT, "no RTP for %d ms", timeout_ms);
        if ((r = wait_media(sl, sl->rtp_fd, left < 60 ? (int)left : 60)) < 0)
            return fg_err_set(FG_ERR_IO, "waiting for RTP: %s", strerror(errno));
        waited = r == 0;
    }
}

static fg_err sip_send(fg_line *ln, const int16_t *buf, int n)
{
    sip_line *sl = (sip_line *)ln;
    fg_err e;

    if ((e = line_state(sl, FG_LINE_AUDIO)))
        return e == FG_ERR_STATE ? FG_OK : e;   /* audio after the switch is simply not sent */
    while (n > 0) {
        uint8_t pkt[FG_RTP_MAX_PACKET];
        int used;
        size_t len = fg_rtp_tx_put(&sl->rtx, buf, n, &used, pkt, sizeof pkt);

        buf += used;
        n -= used;
        if ((e = send_media(sl->base.tap, sl->rtp_fd, pkt, len, &sl->rtp_peer, sl->rtp_peer_len, sl->rtp_latched, "RTP")))
            return e;
        if (!used && !len)
            break;
    }
    return FG_OK;
}

static fg_err sip_t38_recv(fg_line *ln, uint8_t *buf, size_t cap, size_t *len, uint16_t *seq, int timeout_ms)
{
    sip_line *sl = (sip_line *)ln;
    struct timespec t0;
    fg_err e;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        long left = timeout_ms - fg_line_ms_since(&t0);
        int r;

        if ((e = line_state(sl, FG_LINE_T38)))
            return e;
        for (;;) {
            uint8_t pkt[FG_UDPTL_MAX_DATAGRAM + 1];
            struct sockaddr_storage src;
            socklen_t src_len = sizeof src;
            ssize_t k = recvfrom(sl->udptl_fd, pkt, sizeof pkt, 0, (struct sockaddr *)&src, &src_len);
            fg_udptl_pkt p;

            if (k < 0)
                break;
            if (sl->base.tap && sl->base.tap->rx && !sl->base.tap->rx(sl->base.tap->user, sl->udptl_fd, (size_t)k))
                continue;   /* lost on the way (test impairment) */
            /* UDPTL peers send from their media port: latch to it like RTP */
            if (!from_peer(sl, &sl->udptl_peer, &sl->udptl_peer_len, &sl->udptl_latched, &src, src_len) ||
                fg_udptl_decode(pkt, (size_t)k, &p))
                continue;
            fg_udptl_rx_put(&sl->urx, &p);
        }
        if (fg_udptl_rx_get(&sl->urx, buf, cap, len, seq))
            return FG_OK;
        if (left <= 0)
            return fg_err_set(FG_ERR_TIMEOUT, "no T.38 packet for %d ms", timeout_ms);
        if ((r = wait_media(sl, sl->udptl_fd, (int)left)) < 0)
            return fg_err_set(FG_ERR_IO, "waiting for UDPTL: %s", strerror(errno));
    }
}

static fg_err sip_t38_send(fg_line *ln, const uint8_t *ifp, size_t len, int count)
{
    sip_line *sl = (sip_line *)ln;
    fg_err e;

    if ((e = line_state(sl, FG_LINE_T38)))
        return e;
    for (int i = 0; i < (count > 0 ? count : 1) && i < 8; i++) {
        uint8_t pkt[FG_UDPTL_MAX_DATAGRAM];
        size_t n = fg_udptl_encode(&sl->utx, ifp, len, (size_t)sl->cur.t38.t38.max_datagram, pkt, sizeof pkt);

        if (!n)
            return fg_err_set(FG_ERR_TOOBIG, "T.38 packet of %zu bytes does not fit a UDPTL datagram", len);
        if ((e = send_media(sl->base.tap, sl->udptl_fd, pkt, n, &sl->udptl_peer, sl->udptl_peer_len, sl->udptl_latched, "UDPTL")))
            return e;
    }
    return FG_OK;
}

static fg_line_mode sip_mode(const fg_line *ln)
{
    sip_line *sl = (sip_line *)(uintptr_t)ln;   /* taking the agent's news changes only our copy */

    sip_line_sync(sl, NULL, 0);
    return sl->cur.mode;
}

static fg_err sip_t38_params(const fg_line *ln, fg_t38_params *p)
{
    *p = ((const sip_line *)ln)->cur.t38.t38;
    return FG_OK;
}

static fg_err sip_request_t38(fg_line *ln)
{
    return sip_ua_request_t38((sip_line *)ln);
}

static void sip_hangup(fg_line *ln)
{
    sip_ua_hangup((sip_line *)ln);
}

static void sip_destroy(fg_line *ln)
{
    sip_line *sl = (sip_line *)ln;

    sip_ua_release(sl);
    sip_line_unref(sl);
}

const fg_line_ops fg_sip_line_ops = {
    .recv = sip_recv,
    .send = sip_send,
    .hangup = sip_hangup,
    .destroy = sip_destroy,
    .mode = sip_mode,
    .t38_params = sip_t38_params,
    .request_t38 = sip_request_t38,
    .t38_recv = sip_t38_recv,
    .t38_send = sip_t38_send,
};
