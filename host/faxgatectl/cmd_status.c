/* faxgatectl status | reload — asks the running faxgated over its control socket.
 *
 * Everything else faxgatectl does works on the store directly; these two need the daemon: what
 * its call threads are doing right now lives only in its memory, and a reload must happen
 * inside it. One request line, one JSON line back (firmware/daemon/control.c).
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl.h"

/* A reload waits for the pages being judged (a few seconds of OCR at most); status may wait
   5 s for a printer that does not answer. */
#define ANSWER_TIMEOUT_S 60
#define ANSWER_MAX (4 << 20)

/* A socket connected to the daemon's control socket, or -1 with errno (and sa filled in). */
static int connect_daemon(ctl *c, struct sockaddr_un *sa, bool quiet)
{
    fg_err e;
    int fd;

    *sa = (struct sockaddr_un){.sun_family = AF_UNIX};
    if ((e = fg_config_control_socket(c->cfg, sa->sun_path, sizeof sa->sun_path))) {
        if (!quiet)
            ctl_fail(e, "control socket");
        errno = EINVAL;
        return -1;
    }
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
        return -1;
    if (connect(fd, (struct sockaddr *)sa, sizeof *sa)) {
        int err = errno;

        close(fd);
        errno = err;
        return -1;
    }
    return fd;
}

bool ctl_daemon_running(ctl *c)
{
    struct sockaddr_un sa;
    int fd = connect_daemon(c, &sa, true);

    if (fd < 0)
        return false;
    close(fd);   /* a connection without a request: the daemon reads nothing and moves on */
    return true;
}

/* Sends one request and returns the daemon's answer, parsed; NULL after printing why. */
static json_t *ask(ctl *c, const char *request)
{
    struct sockaddr_un sa;
    struct timeval tv = {.tv_sec = ANSWER_TIMEOUT_S};
    size_t len = 0, cap = 4096;
    char *buf = NULL;
    json_error_t jerr;
    json_t *answer;
    int fd;

    if ((fd = connect_daemon(c, &sa, false)) < 0) {
        int err = errno;

        if (err == ENOENT)
            fprintf(stderr, "faxgatectl: faxgated is not running (no control socket at %s)\n", sa.sun_path);
        else if (err == ECONNREFUSED)
            fprintf(stderr, "faxgatectl: faxgated is not running (the control socket %s is left from a daemon that "
                    "stopped; nothing answers on it)\n", sa.sun_path);
        else if (err == EACCES || err == EPERM)
            fprintf(stderr, "faxgatectl: cannot use the control socket %s: %s (run as root, or as a member of the "
                    "daemon's group, faxgate)\n", sa.sun_path, strerror(err));
        else if (err != EINVAL)
            fprintf(stderr, "faxgatectl: cannot reach faxgated on %s: %s\n", sa.sun_path, strerror(err));
        return NULL;
    }
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (write(fd, request, strlen(request)) != (ssize_t)strlen(request) || write(fd, "\n", 1) != 1) {
        fprintf(stderr, "faxgatectl: cannot send the request to faxgated on %s: %s\n", sa.sun_path, strerror(errno));
        close(fd);
        return NULL;
    }
    for (;;) {
        ssize_t n;

        if (!buf || len + 1 >= cap) {
            char *more = cap >= ANSWER_MAX ? NULL : realloc(buf, cap *= 2);

            if (!more) {
                fprintf(stderr, "faxgatectl: faxgated's answer is too long\n");
                free(buf);
                close(fd);
                return NULL;
            }
            buf = more;
        }
        if ((n = read(fd, buf + len, cap - len - 1)) <= 0) {
            if (n < 0)
                fprintf(stderr, "faxgatectl: no complete answer from faxgated within %d s: %s\n", ANSWER_TIMEOUT_S,
                        strerror(errno));
            break;
        }
        len += (size_t)n;
    }
    close(fd);
    buf[len] = '\0';
    if (!(answer = json_loads(buf, 0, &jerr)))
        fprintf(stderr, "faxgatectl: faxgated's answer is not JSON (%s)%s\n", jerr.text,
                len ? "" : ": it closed the connection without answering");
    free(buf);
    return answer;
}

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));

    return s ? s : "";
}

static void print_calls(const json_t *calls)
{
    size_t i;
    json_t *call;

    if (!json_array_size(calls)) {
        printf("calls in progress: none\n");
        return;
    }
    printf("calls in progress: %zu\n", json_array_size(calls));
    printf("  %-6s %-12s %-6s %5s %8s  %-16s %-20s %s\n", "CALL", "LINE", "PHASE", "PAGES", "SECONDS", "CALLER ID",
           "TSI", "DOING");
    json_array_foreach(calls, i, call) {
        printf("  %-6lld %-12s %-6s %5lld %8.1f  %-16s %-20s %s\n",
               (long long)json_integer_value(json_object_get(call, "id")), str(call, "line_type"), str(call, "phase"),
               (long long)json_integer_value(json_object_get(call, "pages")),
               json_number_value(json_object_get(call, "seconds")), *str(call, "caller_id") ? str(call, "caller_id") : "-",
               *str(call, "tsi") ? str(call, "tsi") : "-", str(call, "activity"));
    }
}

static void print_queue(const json_t *q)
{
    size_t i;
    json_t *job;

    if (!json_is_array(q)) {
        printf("print queue: unknown (%s)\n", str(q, "error"));
        return;
    }
    if (!json_array_size(q)) {
        printf("print queue: empty\n");
        return;
    }
    printf("print queue: %zu job(s) not printed yet\n", json_array_size(q));
    printf("  %-6s %-9s %8s  %-20s %s\n", "CALL", "STATE", "ATTEMPTS", "NEXT TRY", "LAST ERROR");
    json_array_foreach(q, i, job) {
        printf("  %-6lld %-9s %8lld  %-20s %s\n", (long long)json_integer_value(json_object_get(job, "call_id")),
               str(job, "state"), (long long)json_integer_value(json_object_get(job, "attempts")),
               str(job, "next_try"), *str(job, "last_error") ? str(job, "last_error") : "-");
    }
}

static void print_status(const json_t *a)
{
    const json_t *d = json_object_get(a, "daemon"), *pr = json_object_get(a, "printer");
    const json_t *dk = json_object_get(a, "disk"), *ev = json_object_get(a, "evidence");
    long long up = json_integer_value(json_object_get(d, "uptime_s"));

    printf("faxgated %s, pid %lld, up %lldh%02lldm%02llds, answering on %s (%lld of %lld calls)%s\n",
           str(d, "version"), (long long)json_integer_value(json_object_get(d, "pid")), up / 3600, up / 60 % 60,
           up % 60, str(d, "listen"), (long long)json_integer_value(json_object_get(d, "active_calls")),
           (long long)json_integer_value(json_object_get(d, "max_calls")),
           json_is_true(json_object_get(d, "stopping")) ? ", STOPPING" : "");
    printf("configuration: %s; logging to %s\n", *str(d, "config") ? str(d, "config") : "embedded defaults",
           str(d, "log"));
    print_calls(json_object_get(a, "calls"));
    print_queue(json_object_get(a, "print_queue"));
    printf("outgoing queue: %s\n", json_array_size(json_object_get(a, "outgoing")) ? "not empty (see --json)" : "empty");
    printf("printer %s: %s", str(pr, "uri"), str(pr, "state"));
    if (*str(pr, "reasons"))
        printf(" (%s)", str(pr, "reasons"));
    if (json_is_false(json_object_get(pr, "accepting")))
        printf(", not accepting jobs");
    if (*str(pr, "message"))
        printf(": %s", str(pr, "message"));
    printf("\n");
    if (*str(dk, "error"))
        printf("spool %s: free space unknown (%s)\n", str(dk, "spool"), str(dk, "error"));
    else
        printf("spool %s: %lld MiB free (calls are refused below %lld)\n", str(dk, "spool"),
               (long long)json_integer_value(json_object_get(dk, "free_mb")),
               (long long)json_integer_value(json_object_get(dk, "min_free_mb")));
    if (*str(ev, "error"))
        printf("evidence ledger: unknown (%s)\n", str(ev, "error"));
    else
        printf("evidence ledger: %lld entries, last %lld, head %s (faxgatectl evidence verify checks it)\n",
               (long long)json_integer_value(json_object_get(ev, "entries")),
               (long long)json_integer_value(json_object_get(ev, "seq")), *str(ev, "chain") ? str(ev, "chain") : "-");
}

static void print_list(const char *title, const json_t *list)
{
    size_t i;
    json_t *item;

    if (!json_array_size(list))
        return;
    printf("%s\n", title);
    json_array_foreach(list, i, item)
        printf("  %s\n", json_string_value(item));
}

/* Asks, prints (JSON as received with --json), and returns the exit status. */
static int run(ctl *c, const char *request, void (*print)(const json_t *))
{
    json_t *a = ask(c, request);
    int rc;

    if (!a)
        return 1;
    rc = json_is_true(json_object_get(a, "ok")) ? 0 : 1;
    if (c->json) {
        char *text = json_dumps(a, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));

        if (text)
            printf("%s\n", text);
        free(text);
    } else if (rc) {
        fprintf(stderr, "faxgatectl: faxgated refused the %s: %s\n", request, str(a, "error"));
    } else {
        print(a);
    }
    json_decref(a);
    return rc;
}

static void print_reload(const json_t *a)
{
    size_t i;
    json_t *item;

    printf("faxgated reloaded %s; calls in progress go on\n",
           *str(a, "config") ? str(a, "config") : "its embedded defaults (it runs without --config)");
    json_array_foreach(json_object_get(a, "reloaded"), i, item)
        printf("  %s\n", json_string_value(item));
    if (!json_array_size(json_object_get(a, "changed")) && !json_array_size(json_object_get(a, "restart_needed")))
        printf("no setting changed\n");
    print_list("applied:", json_object_get(a, "changed"));
    print_list("changed in the file but NOT applied until faxgated restarts:", json_object_get(a, "restart_needed"));
}

int ctl_status(ctl *c, int argc, char **argv)
{
    (void)argv;
    if (argc > 1) {
        fprintf(stderr, "faxgatectl: status takes no arguments (but --json)\n");
        return 2;
    }
    return run(c, "status", print_status);
}

int ctl_reload(ctl *c, int argc, char **argv)
{
    (void)argv;
    if (argc > 1) {
        fprintf(stderr, "faxgatectl: reload takes no arguments (it re-reads faxgated's own --config file)\n");
        return 2;
    }
    return run(c, "reload", print_reload);
}
