/* faxgated — the web admin's /status: the same JSON object `faxgatectl status` gets over the
 * control socket (status.c), drawn as tables. Calls in progress, the print and outgoing queues,
 * the printer, the spool's free space and the evidence ledger's head.
 *
 * A full verify of the ledger reads every page file back, too slow for a page that is reloaded
 * to watch calls: an operator starts it with a button (POST /status/verify). It runs as
 * `faxgatectl --json evidence verify` beside faxgated, in its own process with its own store
 * connection: the daemon's store lock is never held for it, so a call's pages are saved (and
 * confirmed to the sender) while it reads, however large the store. Its time and result are kept
 * in memory for this page until faxgated stops. One verify at a time: a second one while the
 * first runs is told so instead of taking the other thread of the pool.
 *
 * TSI, caller ID, printer messages and errors came from outside: all go through fg_html_text.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "web.h"

static pthread_mutex_t verify_running = PTHREAD_MUTEX_INITIALIZER;   /* held while a verify runs */
static pthread_mutex_t last_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
    char at[32];        /* UTC; "" if none ran since faxgated started */
    char by[sizeof(((fg_web_user *)0)->name)];
    bool ok;
    char what[1000];     /* the counts, or the first problem */
} last;

static const char *jstr(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));

    return s ? s : "";
}

static long long jint(const json_t *o, const char *k)
{
    return (long long)json_integer_value(json_object_get(o, k));
}

static void cell_text(fg_html *h, const char *s)
{
    fg_html_raw(h, "<td>");
    fg_html_text(h, *s ? s : "-");
    fg_html_raw(h, "</td>");
}

static void cell_int(fg_html *h, long long n)
{
    fg_html_raw(h, "<td>");
    fg_html_int(h, n);
    fg_html_raw(h, "</td>");
}

static void call_link(fg_html *h, long long id)
{
    fg_html_raw(h, "<td>");
    if (id > 0) {
        fg_html_raw(h, "<a href=\"/calls/");
        fg_html_int(h, id);
        fg_html_raw(h, "\">");
        fg_html_int(h, id);
        fg_html_raw(h, "</a>");
    } else {
        fg_html_raw(h, "-");
    }
    fg_html_raw(h, "</td>");
}

/* A part of the status that could not be read says why; true if it did. */
static bool part_error(fg_html *h, const json_t *part)
{
    if (json_is_object(part) && json_object_get(part, "error")) {
        fg_html_raw(h, "<p class=\"error\">Unknown: ");
        fg_html_text(h, jstr(part, "error"));
        fg_html_raw(h, "</p>");
        return true;
    }
    return false;
}

static void calls_section(fg_html *h, const json_t *calls)
{
    size_t i;
    json_t *c;

    fg_html_raw(h, "<h2>Calls in progress</h2><p id=\"live-calls\">");
    fg_html_int(h, (long long)json_array_size(calls));
    fg_html_raw(h, " call(s) in progress.</p>");
    if (!json_array_size(calls))
        return;
    fg_html_raw(h, "<table><tr><th>Call</th><th>Line</th><th>Phase</th><th>Pages</th><th>Seconds</th>"
                   "<th>Caller ID</th><th>TSI</th><th>Doing</th></tr>");
    json_array_foreach(calls, i, c) {
        char secs[32];

        fg_html_raw(h, "<tr>");
        call_link(h, jint(c, "id"));
        cell_text(h, jstr(c, "line_type"));
        cell_text(h, jstr(c, "phase"));
        cell_int(h, jint(c, "pages"));
        snprintf(secs, sizeof secs, "%.1f", json_number_value(json_object_get(c, "seconds")));
        cell_text(h, secs);
        cell_text(h, jstr(c, "caller_id"));
        cell_text(h, jstr(c, "tsi"));
        cell_text(h, jstr(c, "activity"));
        fg_html_raw(h, "</tr>");
    }
    fg_html_raw(h, "</table>");
}

static void print_queue_section(fg_html *h, const json_t *q)
{
    size_t i;
    json_t *j;

    fg_html_raw(h, "<h2>Print queue</h2>");
    if (part_error(h, q))
        return;
    fg_html_raw(h, "<p id=\"print-queue\">");
    fg_html_int(h, (long long)json_array_size(q));
    fg_html_raw(h, " job(s) not printed yet.</p>");
    if (!json_array_size(q))
        return;
    fg_html_raw(h, "<table><tr><th>Call</th><th>State</th><th>Attempts</th><th>Next try</th><th>TSI</th>"
                   "<th>Caller ID</th><th>Last error</th></tr>");
    json_array_foreach(q, i, j) {
        fg_html_raw(h, "<tr>");
        call_link(h, jint(j, "call_id"));
        cell_text(h, jstr(j, "state"));
        cell_int(h, jint(j, "attempts"));
        cell_text(h, jstr(j, "next_try"));
        cell_text(h, jstr(j, "tsi"));
        cell_text(h, jstr(j, "caller_id"));
        cell_text(h, jstr(j, "last_error"));
        fg_html_raw(h, "</tr>");
    }
    fg_html_raw(h, "</table>");
}

static void outgoing_section(fg_html *h, const json_t *q)
{
    size_t i, waiting = 0;
    json_t *j;

    fg_html_raw(h, "<h2>Outgoing queue</h2>");
    if (part_error(h, q))
        return;
    json_array_foreach(q, i, j)
        waiting += !strcmp(jstr(j, "state"), "queued") || !strcmp(jstr(j, "state"), "sending");
    fg_html_raw(h, "<p id=\"outgoing-queue\">");
    fg_html_int(h, (long long)waiting);
    fg_html_raw(h, " fax(es) to send; the last ");
    fg_html_int(h, (long long)(json_array_size(q) - waiting));
    fg_html_raw(h, " sent or failed below.</p>");
    if (!json_array_size(q))
        return;
    fg_html_raw(h, "<table><tr><th>Id</th><th>To</th><th>Why</th><th>About call</th><th>State</th><th>Attempts</th>"
                   "<th>Pages sent</th><th>Far CSI</th><th>Last error</th></tr>");
    json_array_foreach(q, i, j) {
        fg_html_raw(h, "<tr>");
        cell_int(h, jint(j, "id"));
        cell_text(h, jstr(j, "dest"));
        cell_text(h, jstr(j, "purpose"));
        call_link(h, jint(j, "call_id"));
        cell_text(h, jstr(j, "state"));
        cell_int(h, jint(j, "attempts"));
        cell_int(h, jint(j, "pages_sent"));
        cell_text(h, jstr(j, "far_csi"));
        cell_text(h, jstr(j, "last_error"));
        fg_html_raw(h, "</tr>");
    }
    fg_html_raw(h, "</table>");
}

static void printer_section(fg_html *h, const json_t *p)
{
    fg_html_raw(h, "<h2>Printer</h2><table><tr><th>Printer</th><td>");
    fg_html_text(h, jstr(p, "uri"));
    fg_html_raw(h, "</td></tr><tr><th>State</th><td id=\"printer-state\">");
    fg_html_text(h, jstr(p, "state"));
    fg_html_raw(h, "</td></tr><tr><th>Reasons</th>");
    cell_text(h, jstr(p, "reasons"));
    fg_html_raw(h, "</tr><tr><th>Accepting jobs</th><td>");
    fg_html_raw(h, !json_object_get(p, "accepting") ? "unknown" : json_is_true(json_object_get(p, "accepting")) ? "yes"
                                                                                                                 : "no");
    fg_html_raw(h, "</td></tr><tr><th>Message</th>");
    cell_text(h, jstr(p, "message"));
    fg_html_raw(h, "</tr></table>");
}

static void disk_section(fg_html *h, const json_t *d)
{
    fg_html_raw(h, "<h2>Disk</h2>");
    if (part_error(h, d))
        return;
    fg_html_raw(h, "<p id=\"disk\">The spool ");
    fg_html_text(h, jstr(d, "spool"));
    fg_html_raw(h, " has ");
    fg_html_int(h, jint(d, "free_mb"));
    fg_html_raw(h, " MiB free; calls are refused below ");
    fg_html_int(h, jint(d, "min_free_mb"));
    fg_html_raw(h, " MiB ([spool] min_free_mb).</p>");
    if (jint(d, "free_mb") < jint(d, "min_free_mb"))
        fg_html_raw(h, "<p class=\"error\">Below the limit: faxgated refuses calls now. Free some space.</p>");
}

static void evidence_section(fg_html *h, web_req *r, const json_t *ev)
{
    fg_html_raw(h, "<h2>Evidence ledger</h2>");
    if (!part_error(h, ev)) {
        fg_html_raw(h, "<table><tr><th>Entries</th><td id=\"ledger-entries\">");
        fg_html_int(h, jint(ev, "entries"));
        fg_html_raw(h, "</td></tr><tr><th>Last entry</th><td id=\"ledger-seq\">");
        fg_html_int(h, jint(ev, "seq"));
        fg_html_raw(h, "</td></tr><tr><th>Head (SHA-256 chain)</th><td><code id=\"ledger-head\">");
        fg_html_text(h, *jstr(ev, "chain") ? jstr(ev, "chain") : "-");
        fg_html_raw(h, "</code></td></tr><tr><th>Appended</th>");
        cell_text(h, jstr(ev, "at"));
        fg_html_raw(h, "</tr></table>");
    }
    pthread_mutex_lock(&last_lock);
    fg_html_raw(h, "<p id=\"last-verify\">");
    if (!last.at[0]) {
        fg_html_raw(h, "No full verify since faxgated started.");
    } else {
        fg_html_raw(h, last.ok ? "<span class=\"v-deliver\">Verified</span>" : "<span class=\"v-drop\">BROKEN</span>");
        fg_html_raw(h, " at ");
        fg_html_text(h, last.at);
        fg_html_raw(h, " (by ");
        fg_html_text(h, last.by);
        fg_html_raw(h, "): ");
        fg_html_text(h, last.what);
    }
    pthread_mutex_unlock(&last_lock);
    fg_html_raw(h, "</p>");
    if (fg_role_rank(r->user.role) >= fg_role_rank("operator")) {
        fg_html_raw(h, "<form method=\"post\" action=\"/status/verify\">");
        web_csrf_field(h, r);
        fg_html_raw(h, "<button>Verify the whole ledger and every page file now</button></form>"
                       "<p class=\"note\">Runs <code>faxgatectl evidence verify</code>: it reads every page "
                       "back, which takes a while on a large store; calls go on being received meanwhile.</p>");
    }
}

void web_status(web_req *r)
{
    json_t *s, *d;
    fg_html h = {0};
    long long up;

    if (!web_require(r, "viewer"))
        return;
    if (!(s = gateway_status_json(r->gw)))
        return web_error(r, 500, "out of memory while reading the status");
    d = json_object_get(s, "daemon");
    up = jint(d, "uptime_s");
    web_page_begin(&h, r, "Status");
    fg_html_raw(&h, "<p>faxgated ");
    fg_html_text(&h, jstr(d, "version"));
    fg_html_raw(&h, ", up ");
    fg_html_int(&h, up / 86400);
    fg_html_raw(&h, "d ");
    fg_html_int(&h, up / 3600 % 24);
    fg_html_raw(&h, "h ");
    fg_html_int(&h, up / 60 % 60);
    fg_html_raw(&h, "m, answering on ");
    fg_html_text(&h, jstr(d, "listen"));
    fg_html_raw(&h, " (");
    fg_html_int(&h, jint(d, "active_calls"));
    fg_html_raw(&h, " of at most ");
    fg_html_int(&h, jint(d, "max_calls"));
    fg_html_raw(&h, " calls)");
    if (json_is_true(json_object_get(d, "stopping")))
        fg_html_raw(&h, " <span class=\"error\">stopping</span>");
    fg_html_raw(&h, ".</p>");
    calls_section(&h, json_object_get(s, "calls"));
    print_queue_section(&h, json_object_get(s, "print_queue"));
    outgoing_section(&h, json_object_get(s, "outgoing"));
    printer_section(&h, json_object_get(s, "printer"));
    disk_section(&h, json_object_get(s, "disk"));
    evidence_section(&h, r, json_object_get(s, "evidence"));
    json_decref(s);
    web_page_end(&h, r);
}

extern char **environ;

/* faxgatectl beside this faxgated (they are built and installed together). */
static fg_err ctl_path(char *out, size_t cap)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    char *slash;

    if (n <= 0)
        return fg_err_set(FG_ERR_IO, "cannot find faxgated's own path: %s", strerror(errno));
    self[n] = '\0';
    if (!(slash = strrchr(self, '/')))
        return fg_err_set(FG_ERR_IO, "faxgated's path '%s' has no folder", self);
    *slash = '\0';
    if ((size_t)snprintf(out, cap, "%s/faxgatectl", self) >= cap || access(out, X_OK))
        return fg_err_set(FG_ERR_IO, "faxgatectl is not beside faxgated (%s/faxgatectl): install both", self);
    return FG_OK;
}

/* Runs `faxgatectl [--config FILE] --json evidence verify` and reads its JSON answer (exit 0: the
   evidence holds, 1: it does not; anything else is the verify failing to run). */
static fg_err verify_in_child(const char *config, json_t **out)
{
    char ctl[PATH_MAX], buf[4096];
    char *argv[8];
    int fds[2], argc = 0, status;
    posix_spawn_file_actions_t fa;
    char *text = NULL;
    size_t len = 0;
    pid_t pid;
    ssize_t n;
    fg_err e;

    if ((e = ctl_path(ctl, sizeof ctl)))
        return e;
    argv[argc++] = ctl;
    if (config) {
        argv[argc++] = "--config";
        argv[argc++] = (char *)config;
    }
    argv[argc++] = "--json";
    argv[argc++] = "evidence";
    argv[argc++] = "verify";
    argv[argc] = NULL;
    if (pipe2(fds, O_CLOEXEC))
        return fg_err_set(FG_ERR_IO, "cannot make a pipe for the verify: %s", strerror(errno));
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    errno = posix_spawn(&pid, ctl, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (errno) {
        close(fds[0]);
        return fg_err_set(FG_ERR_IO, "cannot run %s: %s", ctl, strerror(errno));
    }
    while ((n = read(fds[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR)) {
        char *t;

        if (n <= 0)
            continue;
        if (len + (size_t)n > (1u << 20) || !(t = realloc(text, len + (size_t)n + 1))) {
            e = fg_err_set(FG_ERR_NOMEM, "the verify's answer is too long or memory ran out");
            break;   /* the child may block on a full pipe: it is reaped below once it ends */
        }
        text = t;
        memcpy(text + len, buf, (size_t)n);
        len += (size_t)n;
        text[len] = '\0';
    }
    close(fds[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!e && (!WIFEXITED(status) || WEXITSTATUS(status) > 1))
        e = fg_err_set(FG_ERR_IO, "faxgatectl evidence verify failed to run (%s %d); run it by hand to see why",
                       WIFEXITED(status) ? "exit" : "signal", WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
    if (!e && !(*out = json_loads(text ? text : "", 0, NULL)))
        e = fg_err_set(FG_ERR_FORMAT, "faxgatectl evidence verify gave no JSON answer");
    free(text);
    return e;
}

void web_status_verify(web_req *r)
{
    json_t *v = NULL;
    char at[32];
    time_t now;
    fg_err e;

    if (!web_require(r, "operator"))
        return;
    if (pthread_mutex_trylock(&verify_running))
        return web_error(r, 409, "A verify is running already; its result will be on the status page.");
    now = time(NULL);
    strftime(at, sizeof at, "%Y-%m-%d %H:%M:%S UTC", gmtime(&now));
    e = verify_in_child(r->gw->config_path, &v);
    pthread_mutex_lock(&last_lock);
    snprintf(last.at, sizeof last.at, "%s", at);
    snprintf(last.by, sizeof last.by, "%s", r->user.name);
    last.ok = !e && json_is_true(json_object_get(v, "ok"));
    if (e)
        snprintf(last.what, sizeof last.what, "the verify could not run: %s", fg_err_msg(e));
    else if (!last.ok && jint(v, "first_bad_call"))   /* worded as faxgatectl evidence verify words it */
        snprintf(last.what, sizeof last.what, "at call %lld%s: %s", jint(v, "first_bad_call"),
                 jint(v, "first_bad_page") ? " (a page)" : "", jstr(v, "problem"));
    else if (!last.ok && jint(v, "first_bad_entry"))
        snprintf(last.what, sizeof last.what, "at ledger entry %lld: %s", jint(v, "first_bad_entry"), jstr(v, "problem"));
    else if (!last.ok)
        snprintf(last.what, sizeof last.what, "%s", jstr(v, "problem"));
    else
        snprintf(last.what, sizeof last.what, "%lld ledger entries chained, %lld calls match their latest record; "
                 "%lld page files, %lld pages match their hashes", jint(v, "entries_checked"), jint(v, "calls_checked"),
                 jint(v, "files_checked"), jint(v, "pages_checked"));
    log_info("web admin: %s verified the evidence: %s%s", r->user.name, last.ok ? "" : "BROKEN: ", last.what);
    pthread_mutex_unlock(&last_lock);
    pthread_mutex_unlock(&verify_running);
    json_decref(v);
    web_redirect(r, "/status");
}
