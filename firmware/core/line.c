/* faxgate — line drivers: pick one by URI scheme from the board's HAL table, then dispatch;
   and the address and waiting helpers every network driver needs. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faxgate/hal.h"
#include "line_impl.h"

/* Splits "scheme://rest" and finds the board's driver for the scheme. */
static fg_err find_driver(const char *uri, const fg_line_driver **drv, const char **rest)
{
    const char *sep;
    size_t n, skip;

    if (!uri || !(sep = strchr(uri, ':')) || sep == uri)
        return fg_err_set(FG_ERR_INVAL, "line URI '%s' is not SCHEME://ADDRESS (e.g. audiosocket://127.0.0.1:9092 "
                          "or sip:fax@192.0.2.10:5060)", uri ? uri : "(null)");
    n = (size_t)(sep - uri);
    /* "scheme://rest", or "sip:rest" as SIP URIs are written */
    skip = strncmp(sep, "://", 3) == 0 ? 3 : 1;
    if (skip == 1 && strncmp(uri, "sip:", 4) && strncmp(uri, "sips:", 5))
        return fg_err_set(FG_ERR_INVAL, "line URI '%s' is not SCHEME://ADDRESS (e.g. audiosocket://127.0.0.1:9092 "
                          "or sip:fax@192.0.2.10:5060)", uri);
    for (const fg_line_driver *const *d = fg_board_hal.lines; d && *d; d++) {
        if (strlen((*d)->scheme) == n && strncmp((*d)->scheme, uri, n) == 0) {
            *drv = *d;
            *rest = sep + skip;
            return FG_OK;
        }
    }
    return fg_err_set(FG_ERR_UNSUPPORTED, "line URI '%s': the board '%s' has no '%.*s' line driver", uri,
                      fg_board_hal.board, (int)n, uri);
}

fg_err fg_line_listen(const char *uri, fg_listener **out)
{
    return fg_line_listen_cfg(uri, NULL, out);
}

fg_err fg_line_listen_cfg(const char *uri, const struct fg_config *cfg, fg_listener **out)
{
    const fg_line_driver *drv;
    const char *rest;
    fg_err e;

    if ((e = find_driver(uri, &drv, &rest)))
        return e;
    if (!drv->listen)
        return fg_err_set(FG_ERR_UNSUPPORTED, "the %s line driver cannot listen", drv->scheme);
    return drv->listen(rest, cfg, out);
}

fg_err fg_line_connect(const char *uri, const char *uuid, const char *caller_id, fg_line **out)
{
    const fg_line_driver *drv;
    const char *rest;
    fg_err e;

    if ((e = find_driver(uri, &drv, &rest)))
        return e;
    if (!drv->connect)
        return fg_err_set(FG_ERR_UNSUPPORTED, "the %s line driver cannot place calls", drv->scheme);
    if ((e = drv->connect(rest, uuid, caller_id, out)))
        return e;
    snprintf((*out)->uri, sizeof (*out)->uri, "%s", uri);
    return FG_OK;
}

int fg_listener_fd(const fg_listener *l)
{
    return l->ops->fd(l);
}

const char *fg_listener_uri(const fg_listener *l)
{
    return l->uri;
}

fg_err fg_line_accept(fg_listener *l, fg_line **out)
{
    return l->ops->accept(l, out);
}

void fg_listener_drain(fg_listener *l)
{
    if (l && l->ops->drain)
        l->ops->drain(l);
}

void fg_listener_set_screen(fg_listener *l, fg_line_screen_fn fn, fg_line_unclaim_fn unclaim, void *user)
{
    if (l && l->ops->set_screen)
        l->ops->set_screen(l, fn, unclaim, user);
}

void fg_line_claim(fg_line *ln, fg_line_unclaim_fn unclaim, void *user)
{
    ln->unclaim = unclaim;
    ln->unclaim_user = user;
    atomic_store(&ln->claimed, unclaim != NULL);
}

bool fg_line_take_claim(fg_line *ln)
{
    return ln && atomic_exchange(&ln->claimed, false);
}

void fg_line_unclaim(fg_line *ln)
{
    if (ln && atomic_exchange(&ln->claimed, false))
        ln->unclaim(ln->unclaim_user);
}

void fg_listener_free(fg_listener *l)
{
    if (l)
        l->ops->destroy(l);
}

fg_err fg_line_recv(fg_line *ln, int16_t *buf, int max, int *n, int timeout_ms)
{
    *n = 0;
    ln->recv_gap = false;
    if (max <= 0)
        return fg_err_set(FG_ERR_INVAL, "fg_line_recv needs room for at least one sample");
    return ln->ops->recv(ln, buf, max, n, timeout_ms);
}

bool fg_line_recv_was_gap(const fg_line *ln)
{
    return ln->recv_gap;
}

fg_err fg_line_send(fg_line *ln, const int16_t *buf, int n)
{
    if (n < 0)
        return fg_err_set(FG_ERR_INVAL, "fg_line_send: negative sample count %d", n);
    return n ? ln->ops->send(ln, buf, n) : FG_OK;
}

void fg_line_hangup(fg_line *ln)
{
    if (ln)
        ln->ops->hangup(ln);
}

const char *fg_line_uuid(const fg_line *ln)
{
    return ln->uuid;
}

const char *fg_line_caller_id(const fg_line *ln)
{
    return ln->caller_id;
}

const char *fg_line_called(const fg_line *ln)
{
    return ln->called;
}

void fg_line_file_tag(const char *uuid, char *out, size_t cap)
{
    size_t n = 0;

    if (!cap)
        return;
    for (; uuid && *uuid && n + 1 < cap; uuid++) {
        bool ok = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", *uuid) || (*uuid == '.' && n);

        out[n++] = ok ? *uuid : '_';
    }
    if (!n && cap > 1)
        out[n++] = '_';
    out[n] = '\0';
}

void fg_line_take_number(char *dst, size_t cap, const char *src, size_t n)
{
    size_t o = 0, digits = 0;

    dst[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        char ch = src[i];

        if (ch == '+' && i == 0)
            ;
        else if (ch >= '0' && ch <= '9')
            digits++;
        else if (!strchr(" -.()", ch))
            return;   /* a name ("fax"), not a number */
    }
    if (digits < 3 || digits > 15)
        return;
    for (size_t i = 0; i < n && o + 1 < cap; i++)
        if (src[i] == '+' || (src[i] >= '0' && src[i] <= '9'))
            dst[o++] = src[i];
    dst[o] = '\0';
}

const char *fg_line_uri(const fg_line *ln)
{
    return ln->uri;
}

fg_line_mode fg_line_get_mode(const fg_line *ln)
{
    return ln->ops->mode ? ln->ops->mode(ln) : FG_LINE_AUDIO;
}

fg_err fg_line_t38_params(const fg_line *ln, fg_t38_params *p)
{
    if (fg_line_get_mode(ln) != FG_LINE_T38)
        return fg_err_set(FG_ERR_STATE, "the line carries audio, not T.38");
    return ln->ops->t38_params(ln, p);
}

fg_err fg_line_request_t38(fg_line *ln)
{
    if (!ln->ops->request_t38)
        return fg_err_set(FG_ERR_UNSUPPORTED, "this line (%s) carries audio only", ln->uri);
    return ln->ops->request_t38(ln);
}

fg_err fg_line_t38_recv(fg_line *ln, uint8_t *buf, size_t cap, size_t *len, uint16_t *seq, int timeout_ms)
{
    *len = 0;
    if (fg_line_get_mode(ln) != FG_LINE_T38)
        return fg_err_set(FG_ERR_STATE, "the line carries audio, not T.38");
    return ln->ops->t38_recv(ln, buf, cap, len, seq, timeout_ms);
}

fg_err fg_line_t38_send(fg_line *ln, const uint8_t *ifp, size_t len, int count)
{
    if (fg_line_get_mode(ln) != FG_LINE_T38)
        return fg_err_set(FG_ERR_STATE, "the line carries audio, not T.38");
    return ln->ops->t38_send(ln, ifp, len, count);
}

void fg_line_set_tap(fg_line *ln, const fg_line_tap *tap)
{
    if (ln)
        ln->tap = tap;
}

void fg_line_free(fg_line *ln)
{
    if (ln)
        ln->ops->destroy(ln);
}

/* ---- helpers for network line drivers -------------------------------------------------------- */

fg_err fg_line_split_hostport(const char *hp, char *host, size_t hcap, char *port, size_t pcap)
{
    const char *colon, *h = hp;
    size_t hlen;
    char *end;
    long p;

    if (hp[0] == '[') {
        const char *close = strchr(hp, ']');

        if (!close || close[1] != ':')
            goto bad;
        h = hp + 1;
        hlen = (size_t)(close - h);
        colon = close + 1;
    } else {
        if (!(colon = strrchr(hp, ':')) || memchr(hp, ':', (size_t)(colon - hp)))
            goto bad;   /* a bare IPv6 address needs brackets */
        hlen = (size_t)(colon - hp);
    }
    errno = 0;
    p = strtol(colon + 1, &end, 10);
    if (!colon[1] || *end || errno || p < 0 || p > 65535 || hlen >= hcap || strlen(colon + 1) >= pcap)
        goto bad;
    memcpy(host, h, hlen);
    host[hlen] = '\0';
    if (!strcmp(host, "*"))
        host[0] = '\0';
    snprintf(port, pcap, "%ld", p);
    return FG_OK;
bad:
    return fg_err_set(FG_ERR_INVAL, "line address '%s' is not HOST:PORT, [IPV6]:PORT or *:PORT with a port from 0 "
                      "to 65535", hp);
}

void fg_line_sockaddr_uri(const char *scheme, const struct sockaddr_storage *ss, char *out, size_t cap)
{
    char a[INET6_ADDRSTRLEN] = "?";
    unsigned port = 0;

    if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;

        inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof a);
        port = ntohs(s6->sin6_port);
        snprintf(out, cap, "%s://[%s]:%u", scheme, a, port);
        return;
    }
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;

        inet_ntop(AF_INET, &s4->sin_addr, a, sizeof a);
        port = ntohs(s4->sin_port);
    }
    snprintf(out, cap, "%s://%s:%u", scheme, a, port);
}

long fg_line_ms_since(const struct timespec *t0)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long)(now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000;
}

int fg_line_wait_fd(int fd, short events, int ms)
{
    struct timespec t0;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        struct pollfd p = {.fd = fd, .events = events};
        long left = ms - fg_line_ms_since(&t0);
        int r = poll(&p, 1, left > 0 ? (int)left : 0);

        if (r >= 0)
            return r > 0 ? 1 : 0;
        if (errno != EINTR)
            return -1;
    }
}
