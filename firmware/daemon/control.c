/* faxgated — the control socket: `faxgatectl status` and `faxgatectl reload`.
 *
 * A Unix stream socket ([control] socket; empty: the store's path + ".sock"), mode 0660 so
 * that the daemon's group can use it and nobody else. One request per connection: a line
 * ("status" or "reload"), answered by one JSON object on one line, then the connection closes.
 * One thread serves it, one client at a time, each bounded by a 2 s read timeout: a client that
 * says nothing cannot hold the socket, and nothing here ever touches a call — the call threads
 * publish what status shows (livecalls.c).
 *
 * SIGHUP is a reload too. It is blocked in every thread (main blocks it before starting any)
 * and read here from a signalfd, so that a SIGHUP never interrupts a call's system calls.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "gateway.h"
#include "log.h"

#define REQUEST_MAX 256
#define CLIENT_TIMEOUT_S 2

struct control {
    gateway *gw;
    pthread_t thread;
    int listen_fd, hup_fd, stop_pipe[2];
    char path[108];
};

const char *control_path(const control *c)
{
    return c ? c->path : "";
}

/* Binds the socket. A socket file left by a daemon that died is replaced; one that answers
   belongs to a faxgated that is running, and two on one store would print faxes twice. */
static fg_err open_socket(control *c)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    struct stat st;
    char dir[sizeof c->path], *slash;
    int fd;

    memcpy(sa.sun_path, c->path, sizeof sa.sun_path);
    snprintf(dir, sizeof dir, "%s", c->path);
    if ((slash = strrchr(dir, '/')) && slash != dir) {
        *slash = '\0';
        if (mkdir(dir, 0750) && errno != EEXIST)
            return fg_err_set(FG_ERR_IO, "cannot create the folder of the control socket %s: %s", dir, strerror(errno));
    }
    if (lstat(c->path, &st) == 0) {
        if (!S_ISSOCK(st.st_mode))
            return fg_err_set(FG_ERR_EXISTS, "[control] socket %s exists and is not a socket: remove it or choose "
                              "another path", c->path);
        if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) >= 0) {
            bool alive = connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;

            close(fd);
            if (alive)
                return fg_err_set(FG_ERR_EXISTS, "another faxgated answers on the control socket %s: stop it first "
                                  "(two gateways on one store would print faxes twice)", c->path);
        }
        unlink(c->path);   /* left by a daemon that died */
    }
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0)
        return fg_err_set(FG_ERR_IO, "cannot create the control socket: %s", strerror(errno));
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) || chmod(c->path, 0660) || listen(fd, 8)) {
        int err = errno;

        close(fd);
        unlink(c->path);
        return fg_err_set(FG_ERR_IO, "cannot open the control socket %s: %s; check that its folder exists and "
                          "faxgated may write there, or set [control] socket", c->path, strerror(err));
    }
    c->listen_fd = fd;
    return FG_OK;
}

static void serve_client(control *c, int fd)
{
    struct timeval tv = {.tv_sec = CLIENT_TIMEOUT_S};
    char req[REQUEST_MAX + 1];
    size_t got = 0;
    json_t *reply;
    char *text;

    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    while (got < REQUEST_MAX && !memchr(req, '\n', got)) {
        ssize_t n = read(fd, req + got, REQUEST_MAX - got);

        if (n <= 0)
            break;
        got += (size_t)n;
    }
    req[got] = '\0';
    req[strcspn(req, "\r\n")] = '\0';
    if (!strcmp(req, "status")) {
        reply = gateway_status_json(c->gw);
    } else if (!strcmp(req, "reload")) {
        log_info("reload requested on the control socket");
        reply = gateway_reload(c->gw);
    } else {
        reply = json_pack("{s:b, s:s}", "ok", 0, "error", "unknown request: send 'status' or 'reload' and a newline");
    }
    text = reply ? json_dumps(reply, JSON_COMPACT | JSON_REAL_PRECISION(6)) : NULL;
    if (text) {
        size_t len = strlen(text), off = 0;

        text[len] = '\n';   /* json_dumps' NUL becomes the line end; it is not sent as a string */
        while (off <= len) {
            ssize_t n = write(fd, text + off, len + 1 - off);

            if (n <= 0)
                break;
            off += (size_t)n;
        }
        free(text);
    }
    json_decref(reply);
}

static void *control_main(void *arg)
{
    control *c = arg;

    for (;;) {
        struct pollfd p[3] = {{.fd = c->stop_pipe[0], .events = POLLIN},
                              {.fd = c->hup_fd, .events = POLLIN},
                              {.fd = c->listen_fd, .events = POLLIN}};

        if (poll(p, c->listen_fd >= 0 ? 3 : 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            log_error("control socket: poll: %s; the socket stops answering", strerror(errno));
            break;
        }
        if (p[0].revents)
            break;
        if (p[1].revents & POLLIN) {
            struct signalfd_siginfo si;

            if (read(c->hup_fd, &si, sizeof si) == (ssize_t)sizeof si) {
                log_info("reload requested by SIGHUP");
                json_decref(gateway_reload(c->gw));
            }
        }
        if (c->listen_fd >= 0 && (p[2].revents & POLLIN)) {
            int fd;

            while ((fd = accept4(c->listen_fd, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
                serve_client(c, fd);
                close(fd);
            }
        }
    }
    return NULL;
}

fg_err control_start(gateway *gw, control **out)
{
    const char *conf = fg_config_get(gw->cfg, "control", "socket");
    control *c = calloc(1, sizeof *c);
    sigset_t hup;
    fg_err e;

    *out = NULL;
    if (!c)
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate the control socket");
    c->gw = gw;
    c->listen_fd = c->hup_fd = c->stop_pipe[0] = c->stop_pipe[1] = -1;
    sigemptyset(&hup);
    sigaddset(&hup, SIGHUP);
    if ((c->hup_fd = signalfd(-1, &hup, SFD_CLOEXEC)) < 0 || pipe2(c->stop_pipe, O_CLOEXEC)) {
        e = fg_err_set(FG_ERR_IO, "cannot set up the control thread: %s", strerror(errno));
        goto fail;
    }
    if (strcmp(conf, "off") && ((e = fg_config_control_socket(gw->cfg, c->path, sizeof c->path)) || (e = open_socket(c))))
        goto fail;
    if (pthread_create(&c->thread, NULL, control_main, c)) {
        e = fg_err_set(FG_ERR_NOMEM, "cannot start the control thread");
        goto fail;
    }
    if (c->listen_fd >= 0)
        log_info("control socket %s: faxgatectl status, faxgatectl reload (SIGHUP reloads too)", c->path);
    *out = c;
    return FG_OK;
fail:
    if (c->listen_fd >= 0) {
        close(c->listen_fd);
        unlink(c->path);
    }
    if (c->hup_fd >= 0)
        close(c->hup_fd);
    if (c->stop_pipe[0] >= 0) {
        close(c->stop_pipe[0]);
        close(c->stop_pipe[1]);
    }
    free(c);
    return e;
}

void control_stop(control *c)
{
    if (!c)
        return;
    (void)!write(c->stop_pipe[1], "", 1);
    pthread_join(c->thread, NULL);
    if (c->listen_fd >= 0) {
        close(c->listen_fd);
        unlink(c->path);
    }
    close(c->hup_fd);
    close(c->stop_pipe[0]);
    close(c->stop_pipe[1]);
    free(c);
    gateway_reload_end();
}
