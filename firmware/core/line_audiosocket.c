/* faxgate — the AudioSocket line driver (Asterisk's AudioSocket protocol over TCP).
 *
 * Every wait is a poll() with a deadline and every socket is non-blocking, so a peer that
 * stalls, trickles bytes or vanishes can delay a call but never hang a thread. Sends use
 * MSG_NOSIGNAL: a peer that closes mid-call must not kill the daemon with SIGPIPE.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "faxgate/hal.h"
#include "line_impl.h"

#define AS_BUF_CAP (FG_AS_HEADER + FG_AS_MAX_PAYLOAD)
#define AS_MAX_CALLINFO 1024        /* a few key=value lines; more is not call info */
#define AS_SEND_TIMEOUT_MS 5000     /* a peer that reads nothing for this long is gone */
#define AS_CONNECT_TIMEOUT_MS 10000
#define AS_HANGUP_DRAIN_MS 200      /* wait for the peer's FIN so close() does not reset */

typedef struct as_line {
    struct fg_line base;
    int fd;
    bool peer_gone;        /* hangup message, EOF or reset seen */
    bool broken;           /* framing error or a half-written frame: the stream is unusable */
    uint8_t *buf;          /* received bytes [pos, len) not yet parsed */
    size_t pos, len;
    size_t audio_off;      /* samples of the current audio message already delivered */
    char dtmf[33];         /* digits received, kept for the log */
    char why[160];         /* why the stream is broken, repeated on every later call */
} as_line;

typedef struct as_listener {
    struct fg_listener base;
    int fd;
} as_listener;

/* ---- framing ---------------------------------------------------------------------------- */

fg_err fg_as_parse(const uint8_t *buf, size_t len, fg_as_frame *f, size_t *used)
{
    uint8_t kind;
    unsigned plen;

    /* Not an error: the caller reads more and tries again, so no message is recorded. */
    if (len < FG_AS_HEADER)
        return FG_ERR_STATE;
    kind = buf[0];
    plen = (unsigned)buf[1] << 8 | buf[2];
    /* Judge what the header alone can tell before waiting for up to 64 KiB of payload. */
    switch (kind) {
    case FG_AS_AUDIO:
        if (plen % 2)
            return fg_err_set(FG_ERR_FORMAT, "AudioSocket audio message of %u bytes: slin samples are 2 bytes, "
                              "the length must be even", plen);
        if (plen / 2 > FG_AS_MAX_AUDIO_SAMPLES)
            return fg_err_set(FG_ERR_FORMAT, "AudioSocket audio message of %u samples is longer than %d (one "
                              "second); the peer should send 20 ms frames", plen / 2, FG_AS_MAX_AUDIO_SAMPLES);
        break;
    case FG_AS_UUID:
        if (plen != 16)
            return fg_err_set(FG_ERR_FORMAT, "AudioSocket UUID message of %u bytes; a UUID is 16 bytes", plen);
        break;
    case FG_AS_DTMF:
        if (plen != 1)
            return fg_err_set(FG_ERR_FORMAT, "AudioSocket DTMF message of %u bytes; a digit is 1 byte", plen);
        break;
    case FG_AS_CALLINFO:
        if (plen > AS_MAX_CALLINFO)
            return fg_err_set(FG_ERR_FORMAT, "AudioSocket call-info message of %u bytes exceeds %d", plen,
                              AS_MAX_CALLINFO);
        break;
    default:
        break;   /* hangup, error and kinds we do not know: any length, skipped or read */
    }
    if (len - FG_AS_HEADER < plen)
        return FG_ERR_STATE;
    f->kind = kind;
    f->len = (uint16_t)plen;
    f->payload = buf + FG_AS_HEADER;
    *used = FG_AS_HEADER + plen;
    return FG_OK;
}

size_t fg_as_encode(uint8_t kind, const void *payload, uint16_t len, uint8_t *out, size_t cap)
{
    if (cap < (size_t)FG_AS_HEADER + len || (len && !payload))
        return 0;
    out[0] = kind;
    out[1] = (uint8_t)(len >> 8);
    out[2] = (uint8_t)len;
    if (len)
        memcpy(out + FG_AS_HEADER, payload, len);
    return (size_t)FG_AS_HEADER + len;
}

/* ---- a call ------------------------------------------------------------------------------- */

static const fg_line_ops as_line_ops;

static fg_err line_new(int fd, const char *uri, as_line **out)
{
    as_line *ln = calloc(1, sizeof *ln);
    int one = 1;

    if (!ln || !(ln->buf = malloc(AS_BUF_CAP))) {
        free(ln);
        close(fd);
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate an AudioSocket line");
    }
    /* 20 ms frames in lockstep: Nagle would add a round trip of delay to every one. */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    ln->base.ops = &as_line_ops;
    ln->fd = fd;
    snprintf(ln->base.uri, sizeof ln->base.uri, "%s", uri ? uri : "");
    *out = ln;
    return FG_OK;
}

static fg_err line_broken(as_line *ln, fg_err e)
{
    ln->broken = true;
    snprintf(ln->why, sizeof ln->why, "%s", fg_err_msg(e));
    return fg_err_set(FG_ERR_PROTO, "%s", ln->why);
}

/* Writes all of p, waiting for room up to timeout_ms; a half-written frame breaks the stream. */
static fg_err write_all(as_line *ln, const uint8_t *p, size_t n, int timeout_ms)
{
    struct timespec t0;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (n > 0) {
        ssize_t r = send(ln->fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);

        if (r > 0) {
            p += r;
            n -= (size_t)r;
            continue;
        }
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            long left = timeout_ms - fg_line_ms_since(&t0);

            if (left > 0 && fg_line_wait_fd(ln->fd, POLLOUT, (int)left) > 0)
                continue;
            ln->broken = true;
            snprintf(ln->why, sizeof ln->why, "the far end has read nothing for %d ms", timeout_ms);
            return fg_err_set(FG_ERR_TIMEOUT, "AudioSocket send: %s; giving up on the call", ln->why);
        }
        if (r < 0 && (errno == EPIPE || errno == ECONNRESET)) {
            ln->peer_gone = true;
            return fg_err_set(FG_ERR_HANGUP, "AudioSocket: the far end closed the connection");
        }
        ln->broken = true;
        snprintf(ln->why, sizeof ln->why, "send failed: %s", strerror(errno));
        return fg_err_set(FG_ERR_IO, "AudioSocket %s", ln->why);
    }
    return FG_OK;
}

static fg_err gone(const as_line *ln)
{
    if (ln->broken)
        return fg_err_set(FG_ERR_PROTO, "AudioSocket line unusable: %s", ln->why);
    return fg_err_set(FG_ERR_HANGUP, "AudioSocket: the call has ended");
}

static void take_uuid(as_line *ln, const uint8_t *u)
{
    char *o = ln->base.uuid;

    for (int i = 0; i < 16; i++) {
        o += sprintf(o, "%02x", u[i]);
        if (i == 3 || i == 5 || i == 7 || i == 9)
            *o++ = '-';
    }
    *o = '\0';
}

/* "key=value" lines: caller-id, called (the number dialled); other keys are left for later versions. */
static void take_callinfo(as_line *ln, const uint8_t *p, size_t n)
{
    size_t i = 0;

    while (i < n) {
        size_t e = i, o = 0;

        while (e < n && p[e] != '\n' && p[e] != '\0')
            e++;
        if (e - i > 10 && !memcmp(p + i, "caller-id=", 10)) {
            char *cid = ln->base.caller_id;

            /* hostile bytes never reach logs or SQL: printable ASCII only, trimmed, capped */
            for (size_t k = i + 10; k < e && o + 1 < sizeof ln->base.caller_id; k++)
                if (p[k] >= 0x20 && p[k] < 0x7f && !(o == 0 && p[k] == ' '))
                    cid[o++] = (char)p[k];
            while (o > 0 && cid[o - 1] == ' ')
                o--;
            cid[o] = '\0';
        } else if (e - i > 7 && !memcmp(p + i, "called=", 7)) {
            fg_line_take_number(ln->base.called, sizeof ln->base.called, (const char *)p + i + 7, e - i - 7);
        }
        i = e + 1;
    }
}

static fg_err as_recv(fg_line *l, int16_t *out, int max, int *n, int timeout_ms)
{
    as_line *ln = (as_line *)l;
    struct timespec t0;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        fg_as_frame f;
        size_t used;
        fg_err e;

        if (ln->broken || ln->fd < 0)
            return gone(ln);
        if (ln->peer_gone)
            return fg_err_set(FG_ERR_HANGUP, "AudioSocket: the far end has hung up");
        e = fg_as_parse(ln->buf + ln->pos, ln->len - ln->pos, &f, &used);
        if (e == FG_OK) {
            size_t total = f.len / 2u, k;

            switch (f.kind) {
            case FG_AS_AUDIO:
                k = total - ln->audio_off < (size_t)max ? total - ln->audio_off : (size_t)max;
                for (size_t i = 0; i < k; i++) {
                    const uint8_t *s = f.payload + 2 * (ln->audio_off + i);

                    out[i] = (int16_t)(uint16_t)(s[0] | s[1] << 8);
                }
                ln->audio_off += k;
                if (ln->audio_off < total)
                    break;   /* the rest of this message goes to the next call */
                ln->audio_off = 0;
                ln->pos += used;
                if (k == 0)
                    continue;   /* an empty audio message carries nothing */
                break;
            case FG_AS_HANGUP:
                ln->pos += used;
                ln->peer_gone = true;
                return fg_err_set(FG_ERR_HANGUP, "AudioSocket: the far end hung up");
            case FG_AS_ERROR:
                ln->pos += used;
                ln->broken = true;
                snprintf(ln->why, sizeof ln->why, "the far end reported an error (code 0x%02x)",
                         f.len ? f.payload[0] : 0);
                return fg_err_set(FG_ERR_PROTO, "AudioSocket: %s", ln->why);
            case FG_AS_UUID:
                take_uuid(ln, f.payload);
                ln->pos += used;
                continue;
            case FG_AS_CALLINFO:
                take_callinfo(ln, f.payload, f.len);
                ln->pos += used;
                continue;
            case FG_AS_DTMF: {
                size_t d = strlen(ln->dtmf);

                if (d + 1 < sizeof ln->dtmf && f.payload[0] >= 0x20 && f.payload[0] < 0x7f)
                    ln->dtmf[d] = (char)f.payload[0];
                ln->pos += used;
                continue;
            }
            default:
                ln->pos += used;   /* a kind from a newer peer: skip it */
                continue;
            }
            *n = (int)k;
            return FG_OK;
        }
        if (e != FG_ERR_STATE)
            return line_broken(ln, e);
        if (ln->pos > 0) {
            memmove(ln->buf, ln->buf + ln->pos, ln->len - ln->pos);
            ln->len -= ln->pos;
            ln->pos = 0;
        }
        {
            long left = timeout_ms - fg_line_ms_since(&t0);
            int w = fg_line_wait_fd(ln->fd, POLLIN, left > 0 ? (int)left : 0);
            ssize_t r;

            if (w == 0)
                return fg_err_set(FG_ERR_TIMEOUT, "AudioSocket: no audio from the far end for %d ms", timeout_ms);
            if (w < 0)
                return fg_err_set(FG_ERR_IO, "AudioSocket: poll failed: %s", strerror(errno));
            r = recv(ln->fd, ln->buf + ln->len, AS_BUF_CAP - ln->len, MSG_DONTWAIT);
            if (r > 0) {
                ln->len += (size_t)r;
            } else if (r == 0 || errno == ECONNRESET) {
                ln->peer_gone = true;
                return fg_err_set(FG_ERR_HANGUP, "AudioSocket: the far end closed the connection%s",
                                  ln->len ? " in the middle of a message" : "");
            } else if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) {
                ln->broken = true;
                snprintf(ln->why, sizeof ln->why, "receive failed: %s", strerror(errno));
                return fg_err_set(FG_ERR_IO, "AudioSocket %s", ln->why);
            }
        }
    }
}

static fg_err as_send(fg_line *l, const int16_t *in, int n)
{
    as_line *ln = (as_line *)l;
    uint8_t frame[FG_AS_HEADER + 2 * FG_AS_MAX_AUDIO_SAMPLES];

    if (ln->broken || ln->fd < 0 || ln->peer_gone)
        return gone(ln);
    while (n > 0) {
        int k = n < FG_AS_MAX_AUDIO_SAMPLES ? n : FG_AS_MAX_AUDIO_SAMPLES;
        fg_err e;

        frame[0] = FG_AS_AUDIO;
        frame[1] = (uint8_t)((2 * k) >> 8);
        frame[2] = (uint8_t)(2 * k);
        for (int i = 0; i < k; i++) {
            frame[FG_AS_HEADER + 2 * i] = (uint8_t)((uint16_t)in[i] & 0xff);   /* slin is little-endian */
            frame[FG_AS_HEADER + 2 * i + 1] = (uint8_t)((uint16_t)in[i] >> 8);
        }
        if ((e = write_all(ln, frame, FG_AS_HEADER + 2 * (size_t)k, AS_SEND_TIMEOUT_MS)))
            return e;
        in += k;
        n -= k;
    }
    return FG_OK;
}

static void as_hangup(fg_line *l)
{
    as_line *ln = (as_line *)l;
    uint8_t msg[FG_AS_HEADER];
    struct timespec t0;

    if (ln->fd < 0)
        return;
    if (!ln->peer_gone && !ln->broken) {
        fg_as_encode(FG_AS_HANGUP, NULL, 0, msg, sizeof msg);
        write_all(ln, msg, sizeof msg, 500);
    }
    /* Closing with unread bytes would send a reset that can overtake our hangup message;
       half-close and read until the peer closes too (briefly: it may not). */
    shutdown(ln->fd, SHUT_WR);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (!ln->peer_gone) {
        long left = AS_HANGUP_DRAIN_MS - fg_line_ms_since(&t0);
        char sink[4096];
        ssize_t r;

        if (left <= 0 || fg_line_wait_fd(ln->fd, POLLIN, (int)left) <= 0)
            break;
        r = recv(ln->fd, sink, sizeof sink, MSG_DONTWAIT);
        if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK))
            break;
    }
    close(ln->fd);
    ln->fd = -1;
}

static void as_destroy(fg_line *l)
{
    as_line *ln = (as_line *)l;

    as_hangup(l);
    free(ln->buf);
    free(ln);
}

static const fg_line_ops as_line_ops = {
    .recv = as_recv,
    .send = as_send,
    .hangup = as_hangup,
    .destroy = as_destroy,
};

/* ---- listening ---------------------------------------------------------------------------- */

static fg_err as_accept(fg_listener *base, fg_line **out)
{
    as_listener *l = (as_listener *)base;
    as_line *ln;
    fg_err e;
    int fd;

    for (;;) {
        fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0)
            break;
        if (errno == EINTR || errno == ECONNABORTED)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return fg_err_set(FG_ERR_TIMEOUT, "no incoming call waiting on %s", l->base.uri);
        return fg_err_set(FG_ERR_IO, "cannot accept a call on %s: %s (out of file descriptors?)", l->base.uri,
                          strerror(errno));
    }
    if ((e = line_new(fd, l->base.uri, &ln)))
        return e;
    *out = &ln->base;
    return FG_OK;
}

static int as_listener_fd(const fg_listener *base)
{
    return ((const as_listener *)base)->fd;
}

static void as_listener_destroy(fg_listener *base)
{
    as_listener *l = (as_listener *)base;

    if (l->fd >= 0)
        close(l->fd);
    free(l);
}

static const fg_listener_ops as_listener_ops = {
    .accept = as_accept,
    .fd = as_listener_fd,
    .destroy = as_listener_destroy,
};

static fg_err as_listen(const char *hostport, const struct fg_config *cfg, fg_listener **out)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE | AI_NUMERICSERV}, *ai, *a;
    char host[256], port[8];
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    as_listener *l;
    int fd = -1, err = 0, one = 1, g;
    fg_err e;

    (void)cfg;   /* AudioSocket has no settings of its own */
    if ((e = fg_line_split_hostport(hostport, host, sizeof host, port, sizeof port)))
        return e;
    if ((g = getaddrinfo(host[0] ? host : NULL, port, &hints, &ai)))
        return fg_err_set(FG_ERR_CONFIG, "cannot listen on '%s': %s", hostport, gai_strerror(g));
    for (a = ai; a; a = a->ai_next) {
        if ((fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol)) < 0) {
            err = errno;
            continue;
        }
        /* a restarted daemon must not wait for old connections in TIME_WAIT */
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, a->ai_addr, a->ai_addrlen) == 0 && listen(fd, 64) == 0)
            break;
        err = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(ai);
    if (fd < 0)
        return fg_err_set(err == EADDRINUSE ? FG_ERR_EXISTS : FG_ERR_IO,
                          "cannot listen on %s: %s (another faxgated running? a port below 1024 needs privileges)",
                          hostport, strerror(err));
    if (!(l = calloc(1, sizeof *l))) {
        close(fd);
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate a listener");
    }
    l->base.ops = &as_listener_ops;
    l->fd = fd;
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
        fg_line_sockaddr_uri("audiosocket", &ss, l->base.uri, sizeof l->base.uri);
    else
        snprintf(l->base.uri, sizeof l->base.uri, "audiosocket://%s", hostport);
    *out = &l->base;
    return FG_OK;
}

/* ---- calling ------------------------------------------------------------------------------ */

static fg_err parse_uuid(const char *text, uint8_t u[16])
{
    int k = 0;

    for (const char *p = text; *p; p++) {
        int v;

        if (*p == '-')
            continue;
        if (*p >= '0' && *p <= '9')
            v = *p - '0';
        else if ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'f')
            v = (*p | 0x20) - 'a' + 10;
        else
            break;
        if (k >= 32)
            break;
        u[k / 2] = (uint8_t)(k % 2 ? u[k / 2] | v : v << 4);
        k++;
        if (k == 32 && !p[1])
            return FG_OK;
    }
    return fg_err_set(FG_ERR_INVAL, "'%s' is not a UUID (32 hex digits, dashes allowed)", text);
}

static int connect_one(const struct addrinfo *a, int *err)
{
    int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    socklen_t sl = sizeof *err;

    if (fd < 0) {
        *err = errno;
        return -1;
    }
    if (connect(fd, a->ai_addr, a->ai_addrlen) == 0)
        return fd;
    if (errno == EINPROGRESS && fg_line_wait_fd(fd, POLLOUT, AS_CONNECT_TIMEOUT_MS) > 0 &&
        getsockopt(fd, SOL_SOCKET, SO_ERROR, err, &sl) == 0 && *err == 0)
        return fd;
    if (errno != EINPROGRESS)
        *err = errno;
    else if (*err == 0)
        *err = ETIMEDOUT;
    close(fd);
    return -1;
}

/* "host:port" or "host:port/NUMBER": the number dialled, handed to the gateway as called= (what
   Asterisk's dialplan knows as ${EXTEN}); *called is "" when none is given. */
static fg_err split_called(const char *uri, char *hostport, size_t cap, char *called, size_t ccap)
{
    const char *slash = strchr(uri, '/');
    size_t n = slash ? (size_t)(slash - uri) : strlen(uri);

    called[0] = '\0';
    if (n >= cap)
        return fg_err_set(FG_ERR_INVAL, "cannot call '%s': address too long", uri);
    memcpy(hostport, uri, n);
    hostport[n] = '\0';
    if (!slash)
        return FG_OK;
    if (!slash[1] || strlen(slash + 1) >= ccap || strspn(slash + 1, "+0123456789") != strlen(slash + 1))
        return fg_err_set(FG_ERR_INVAL, "cannot call '%s': the number dialled after '/' must be digits, "
                          "optionally with a leading +", uri);
    snprintf(called, ccap, "%s", slash + 1);
    return FG_OK;
}

static fg_err as_connect(const char *uri, const char *uuid, const char *caller_id, fg_line **out)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV}, *ai, *a;
    char host[256], port[8], info[2 * FG_LINE_ID_LEN + 32], hostport[300], called[FG_LINE_ID_LEN];
    uint8_t u[16], msg[FG_AS_HEADER + sizeof info];
    as_line *ln;
    int fd = -1, err = ECONNREFUSED, g;
    size_t n;
    fg_err e;

    if ((e = split_called(uri, hostport, sizeof hostport, called, sizeof called)) ||
        (e = fg_line_split_hostport(hostport, host, sizeof host, port, sizeof port)))
        return e;
    if (!host[0] || !strcmp(port, "0"))
        return fg_err_set(FG_ERR_INVAL, "cannot call '%s': give the gateway's host and port", hostport);
    if (caller_id && (strlen(caller_id) >= FG_LINE_ID_LEN || strpbrk(caller_id, "\r\n")))
        return fg_err_set(FG_ERR_INVAL, "caller ID '%s' must be one line of at most %d characters", caller_id,
                          FG_LINE_ID_LEN - 1);
    if (uuid && *uuid) {
        if ((e = parse_uuid(uuid, u)))
            return e;
    } else {
        if (getrandom(u, sizeof u, 0) != (ssize_t)sizeof u)
            return fg_err_set(FG_ERR_IO, "cannot make a call id: getrandom failed: %s", strerror(errno));
        u[6] = (uint8_t)((u[6] & 0x0f) | 0x40);   /* RFC 4122 version 4, variant 1 */
        u[8] = (uint8_t)((u[8] & 0x3f) | 0x80);
    }
    if ((g = getaddrinfo(host, port, &hints, &ai)))
        return fg_err_set(FG_ERR_IO, "cannot call %s: %s", hostport, gai_strerror(g));
    for (a = ai; a && fd < 0; a = a->ai_next)
        fd = connect_one(a, &err);
    freeaddrinfo(ai);
    if (fd < 0)
        return fg_err_set(FG_ERR_IO, "cannot connect to %s: %s (is the gateway listening there?)", hostport, strerror(err));
    if ((e = line_new(fd, NULL, &ln)))
        return e;
    snprintf(ln->base.uri, sizeof ln->base.uri, "audiosocket://%s", uri);
    take_uuid(ln, u);
    /* AudioSocket's first message is always the call's UUID; then our call info, if any */
    n = fg_as_encode(FG_AS_UUID, u, sizeof u, msg, sizeof msg);
    e = write_all(ln, msg, n, AS_SEND_TIMEOUT_MS);
    if (!e && ((caller_id && *caller_id) || called[0])) {
        int len = 0;

        if (caller_id && *caller_id) {
            len += snprintf(info + len, sizeof info - (size_t)len, "caller-id=%s\n", caller_id);
            snprintf(ln->base.caller_id, sizeof ln->base.caller_id, "%s", caller_id);
        }
        if (called[0]) {
            len += snprintf(info + len, sizeof info - (size_t)len, "called=%s\n", called);
            snprintf(ln->base.called, sizeof ln->base.called, "%s", called);
        }
        n = fg_as_encode(FG_AS_CALLINFO, info, (uint16_t)len, msg, sizeof msg);
        e = write_all(ln, msg, n, AS_SEND_TIMEOUT_MS);
    }
    if (e) {
        as_destroy(&ln->base);
        return e;
    }
    *out = &ln->base;
    return FG_OK;
}

const fg_line_driver fg_line_audiosocket = {
    .scheme = "audiosocket",
    .listen = as_listen,
    .connect = as_connect,
};
