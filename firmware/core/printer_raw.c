/* faxgate — "socket://HOST[:PORT]": raw printing (AppSocket / HP JetDirect, port 9100).
 *
 * The printer takes the bytes of one job per TCP connection and prints what it understands:
 * PDF or PCL 5 raster ([printer] format), rendered in memory first so that a fax that cannot
 * be rendered never reaches the printer half-written. The end of the job is our half-close;
 * the printer closes its side when it has taken it all, which we wait for (up to a minute):
 * only then is the job delivered.
 *
 * A raw port says nothing else: no job id, no job state, no "busy" (a printer that is busy
 * lets the connection wait or refuses it), and no list of jobs, so a job whose claim was
 * abandoned by a crash is sent again (a copy too many rather than a fax lost). A refused or
 * silent connection, or one lost while sending, is FG_ERR_PRINTER_DOWN: retried later.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "deliver_impl.h"
#include "printer_impl.h"

#define CONNECT_MS 5000    /* a printer that does not answer a TCP connect in 5 s is down */
#define SEND_MS 60000      /* a printer that takes nothing for a minute is stuck */
#define DRAIN_MS 60000     /* how long the printer may take to close after our half-close */

typedef struct raw_printer {
    struct fg_printer base;
    char host[256];
    char port[8];
} raw_printer;

static fg_err down(const raw_printer *rp, const char *what, int err)
{
    return fg_err_set(FG_ERR_PRINTER_DOWN, "printer %s: %s (%s); the job stays queued and is retried", rp->base.uri,
                      what, err ? strerror(err) : "no answer");
}

/* Waits for fd to be ready for events; 0 when ready, else an errno value. */
static int wait_fd(int fd, short events, int ms)
{
    struct pollfd pfd = {fd, events, 0};
    int n;

    do
        n = poll(&pfd, 1, ms);
    while (n < 0 && errno == EINTR);
    return n > 0 ? 0 : n == 0 ? ETIMEDOUT : errno;
}

static fg_err raw_connect(const raw_printer *rp, int *out)
{
    struct addrinfo hints = {0}, *ai = NULL;
    char what[320];
    int g, err = 0, fd = -1;

    hints.ai_socktype = SOCK_STREAM;
    hints.ai_family = AF_UNSPEC;
    if ((g = getaddrinfo(rp->host, rp->port, &hints, &ai))) {
        snprintf(what, sizeof what, "cannot find host %s", rp->host);
        return fg_err_set(FG_ERR_PRINTER_DOWN, "printer %s: %s (%s); the job stays queued and is retried",
                          rp->base.uri, what, gai_strerror(g));
    }
    for (struct addrinfo *a = ai; a && fd < 0; a = a->ai_next) {
        socklen_t len = sizeof err;

        if ((fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol)) < 0) {
            err = errno;
            continue;
        }
        if (connect(fd, a->ai_addr, a->ai_addrlen) == 0 ||
            (errno == EINPROGRESS && (err = wait_fd(fd, POLLOUT, CONNECT_MS)) == 0 &&
             getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0))
            break;
        if (!err)
            err = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(ai);
    if (fd < 0) {
        snprintf(what, sizeof what, "cannot connect to %s port %s", rp->host, rp->port);
        return down(rp, what, err);
    }
    *out = fd;
    return FG_OK;
}

/* Sends the whole document, half-closes, and waits for the printer to close its side. */
static fg_err raw_send(const raw_printer *rp, int fd, const char *doc, size_t len)
{
    char what[160], sink[4096];
    size_t off = 0;
    int err;

    while (off < len) {
        ssize_t n = send(fd, doc + off, len - off, MSG_NOSIGNAL);   /* no SIGPIPE for the daemon */

        if (n > 0) {
            off += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && (err = wait_fd(fd, POLLOUT, SEND_MS)) == 0)
            continue;
        err = n < 0 && errno != EAGAIN && errno != EWOULDBLOCK ? errno : err;
        snprintf(what, sizeof what, "the connection failed after %zu of %zu bytes", off, len);
        return down(rp, what, err);
    }
    shutdown(fd, SHUT_WR);
    for (;;) {
        ssize_t n;

        if (wait_fd(fd, POLLIN, DRAIN_MS) != 0)
            return FG_OK;   /* everything was sent; a printer that keeps the line open has it */
        n = recv(fd, sink, sizeof sink, 0);   /* status a printer may send back: not needed */
        if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
            return FG_OK;
    }
}

static fg_err raw_print(fg_printer *p, const char *tiff_path, const char *job_name, int *job_id)
{
    raw_printer *rp = (raw_printer *)p;
    const fg_media *media;
    char *doc = NULL;
    size_t len = 0;
    FILE *mem;
    fg_err e;
    int fd;

    (void)job_name;   /* a raw port has no job names */
    *job_id = 0;
    if ((e = fg_media_for_tiff(tiff_path, p->opts.paper, &media)))
        return e;
    if (!(mem = open_memstream(&doc, &len)))
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate the print document");
    e = p->opts.format == FG_FORMAT_PCL ? fg_pcl_write(tiff_path, media, mem) : fg_pdf_write(tiff_path, media, mem);
    if (fclose(mem) != 0 && !e)
        e = fg_err_set(FG_ERR_NOMEM, "cannot finish the print document");
    if (!e && !(e = raw_connect(rp, &fd))) {
        e = raw_send(rp, fd, doc, len);
        close(fd);
    }
    free(doc);
    return e;
}

static fg_err raw_open(const char *uri, fg_printer **out)
{
    const char *hp = uri + strlen("socket://"), *colon, *end;
    raw_printer *rp;
    size_t hlen;
    long port = 9100;

    if (strncmp(uri, "socket://", 9) != 0 || !*hp)
        goto bad;
    end = hp + strcspn(hp, "/?");
    if (*end && strcmp(end, "/") != 0)
        goto bad;
    if (*hp == '[') {   /* [IPv6]:port */
        const char *close_br = memchr(hp, ']', (size_t)(end - hp));

        if (!close_br)
            goto bad;
        colon = close_br + 1 < end && close_br[1] == ':' ? close_br + 1 : NULL;
        if (colon == NULL && close_br + 1 != end)
            goto bad;
        hp++;
        hlen = (size_t)(close_br - hp);
    } else {
        colon = memchr(hp, ':', (size_t)(end - hp));
        hlen = (size_t)((colon ? colon : end) - hp);
    }
    if (colon) {
        char *stop;

        port = strtol(colon + 1, &stop, 10);
        if (stop != end || port < 1 || port > 65535)
            goto bad;
    }
    if (hlen == 0 || hlen >= sizeof rp->host)
        goto bad;
    if (!(rp = calloc(1, sizeof *rp)) || !(rp->base.uri = strdup(uri))) {
        free(rp);
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate a printer");
    }
    memcpy(rp->host, hp, hlen);
    snprintf(rp->port, sizeof rp->port, "%ld", port);
    rp->base.driver = &fg_printer_socket;
    rp->base.print = raw_print;
    *out = &rp->base;
    return FG_OK;
bad:
    return fg_err_set(FG_ERR_CONFIG, "printer URI '%s' is not valid: write socket://HOST:9100 (the printer's raw "
                      "port, also called AppSocket or JetDirect)", uri);
}

const fg_printer_driver fg_printer_socket = {"socket", raw_open};
