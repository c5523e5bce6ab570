/* faxgated — the gateway daemon: answers fax calls, judges page 1, prints or holds.
 *
 *   faxgated [--config FILE] [--print-config] [--version]
 *
 * Without --config it reads FG_CONFIG_FILE (/etc/faxgate/faxgate.conf) if that file exists.
 * Starts with the board's embedded defaults merged with FILE, checks everything it needs
 * (store, spool, OCR languages, line) before answering the first call, then runs until
 * SIGINT/SIGTERM, when it stops answering, lets calls in progress finish (up to a limit)
 * and leaves queued print jobs in the store for the next start.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "gateway.h"
#include "log.h"

static volatile sig_atomic_t stop_signal, stop_count;

/* The first SIGTERM/SIGINT stops answering and lets calls finish; the second cuts them now. */
static void on_signal(int sig)
{
    stop_signal = sig;
    stop_count++;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: faxgated [--config FILE] [--print-config] [--version]\n"
               "  --config FILE    merge FILE (INI) over the embedded defaults\n"
               "  --print-config   print the effective configuration and exit\n");
}

static int startup_error(const char *what, fg_err e)
{
    log_error("%s: %s", what, fg_err_msg(e));
    return 1;
}

/* A store that cannot be opened: says so if its folder is read-only (a file system remounted
   read-only after errors, a read-only mount), the cause SQLite's message does not name. */
static void store_folder_hint(const char *db)
{
    const char *slash = db ? strrchr(db, '/') : NULL;
    struct statvfs sv;
    char dir[1024];

    if (!db)
        return;
    snprintf(dir, sizeof dir, "%.*s", slash ? (slash == db ? 1 : (int)(slash - db)) : 1, slash ? db : ".");
    if (statvfs(dir, &sv) == 0 && (sv.f_flag & ST_RDONLY))
        log_error("store: %s is on a read-only file system: faxgated answers no call until it can write its store "
                  "there (calls are not answered meanwhile: senders retry)", dir);
    else if (access(dir, W_OK) != 0)
        log_error("store: %s is not writable by this user (%s): faxgated answers no call until it can write its "
                  "store there", dir, strerror(errno));
}

static fg_err read_settings(gateway *gw)
{
    fg_err e;

    gw->spool = fg_config_get(gw->cfg, "spool", "dir");
    gw->listen_uri = fg_config_get(gw->cfg, "line", "listen");
    gw->max_calls = (int)fg_config_int(gw->cfg, "line", "max_calls");
    gw->max_seconds = (int)fg_config_int(gw->cfg, "line", "max_seconds");
    gw->no_fax_s = (int)fg_config_int(gw->cfg, "line", "no_fax_seconds");
    gw->offender_n = (int)fg_config_int(gw->cfg, "screen", "offender_faxes");
    gw->offender_days = (int)fg_config_int(gw->cfg, "screen", "offender_days");
    gw->early_hangup = fg_config_bool(gw->cfg, "screen", "early_hangup");
    gw->ocr_bands = fg_config_bool(gw->cfg, "ocr", "bands");
    gw->stop_grace_s = (int)fg_config_int(gw->cfg, "line", "stop_grace_seconds");
    gw->min_free_mb = fg_config_int(gw->cfg, "spool", "min_free_mb");
    gw->reject_empty_tsi = fg_config_bool(gw->cfg, "screen", "reject_empty_tsi");
    gw->junk_senders = fg_config_bool(gw->cfg, "screen", "junk_senders");
    if ((e = fg_modems_parse(fg_config_get(gw->cfg, "line", "modems"), &gw->modems)))
        return e;
    return fg_resolutions_parse(fg_config_get(gw->cfg, "line", "resolutions"), &gw->resolutions);
}

/* Waits up to ms for the calls in progress to end; true if none is left. */
static bool calls_ended(gateway *gw, int ms)
{
    struct timespec until;

    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += ms / 1000;
    until.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&gw->calls_lock);
    while (atomic_load(&gw->active_calls) > 0)
        if (pthread_cond_timedwait(&gw->calls_cv, &gw->calls_lock, &until) == ETIMEDOUT)
            break;
    pthread_mutex_unlock(&gw->calls_lock);
    return atomic_load(&gw->active_calls) == 0;
}

/* Accepts and refuses (recorded) the calls that come in while stopping: a caller gets a clear
   "busy" and retries, instead of a connection refused that looks like a broken gateway. */
#define MAX_LISTENERS 8

typedef struct listeners {
    fg_listener *l[MAX_LISTENERS];
    int n;
} listeners;

static void refuse_waiting(gateway *gw, listeners *ls)
{
    fg_line *ln;

    /* the listeners do not block: FG_ERR_TIMEOUT when nobody is waiting */
    for (int i = 0; i < ls->n; i++)
        while (fg_line_accept(ls->l[i], &ln) == FG_OK)
            call_refuse(gw, ln, "the gateway is stopping; the sender will retry");
}

static void line_log(int level, const char *msg)
{
    log_msg((log_level)level, "%s", msg);
}

/* [line] listen: one line URI or several, separated by commas (AudioSocket from Asterisk and
   SIP from the trunk, say). */
static fg_err listen_all(gateway *gw, listeners *ls)
{
    char buf[1024], *save = NULL;
    fg_err e;

    fg_line_set_log(line_log);
    snprintf(buf, sizeof buf, "%s", gw->listen_uri ? gw->listen_uri : "");
    for (char *u = strtok_r(buf, ", \t", &save); u; u = strtok_r(NULL, ", \t", &save)) {
        if (ls->n == MAX_LISTENERS)
            return fg_err_set(FG_ERR_CONFIG, "[line] listen: more than %d addresses", MAX_LISTENERS);
        if ((e = fg_line_listen_cfg(u, gw->cfg, &ls->l[ls->n])))
            return e;
        fg_listener_set_screen(ls->l[ls->n], call_screen_offer, call_unclaim, gw);
        ls->n++;
    }
    if (!ls->n)
        return fg_err_set(FG_ERR_CONFIG, "[line] listen is empty: give a line URI such as sip:fax@192.0.2.10:5060");
    return FG_OK;
}

static void listeners_free(listeners *ls)
{
    for (int i = 0; i < ls->n; i++)
        fg_listener_free(ls->l[i]);
    ls->n = 0;
}

/* Lets calls finish for [line] stop_grace_seconds, refusing new ones; after that, or at a second
   signal, cuts them (their pages so far are kept and recorded, as on a broken line). */
static bool wait_for_calls(gateway *gw, listeners *ls)
{
    struct timespec start, now;

    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        if (calls_ended(gw, 200))
            return true;
        refuse_waiting(gw, ls);
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (stop_count > 1) {
            log_warn("second stop signal: hanging up %d call(s) now (pages received so far are kept)",
                     atomic_load(&gw->active_calls));
            break;
        }
        if (now.tv_sec - start.tv_sec >= gw->stop_grace_s) {
            log_warn("%d call(s) still in progress after %d s ([line] stop_grace_seconds): hanging up (pages "
                     "received so far are kept)", atomic_load(&gw->active_calls), gw->stop_grace_s);
            break;
        }
    }
    atomic_store(&gw->stopping, true);
    /* a call thread notices within one audio block, or the line's silence timeout */
    for (int i = 0; i < 45 * 5; i++) {
        if (calls_ended(gw, 200))
            return true;
        refuse_waiting(gw, ls);
    }
    return false;
}

static int serve(gateway *gw)
{
    listeners ls = {.n = 0};
    char where[600] = "", status[700];
    size_t w = 0;
    fg_err e;
    bool ok;

    if ((e = listen_all(gw, &ls))) {
        listeners_free(&ls);
        return startup_error("cannot listen for calls", e);
    }
    for (int i = 0; i < ls.n && w < sizeof where; i++)
        w += (size_t)snprintf(where + w, sizeof where - w, "%s%s", i ? ", " : "", fg_listener_uri(ls.l[i]));
    snprintf(gw->listening_uri, sizeof gw->listening_uri, "%s", where);
    atomic_store(&gw->listening, gw->listening_uri);
    log_info("ready: answering fax calls on %s; printer %s; store %s; %d OCR worker(s), %d engine(s) loaded", where,
             fg_config_get(gw->cfg, "printer", "uri"), fg_config_get(gw->cfg, "store", "db"),
             ocr_pool_size(gw->ocr), ocr_pool_loaded(gw->ocr));
    snprintf(status, sizeof status, "READY=1\nSTATUS=answering fax calls on %s", where);
    notify_systemd(status);
    while (!stop_signal) {
        struct pollfd pfd[MAX_LISTENERS];
        fg_line *ln;

        for (int i = 0; i < ls.n; i++)
            pfd[i] = (struct pollfd){.fd = fg_listener_fd(ls.l[i]), .events = POLLIN};
        if (poll(pfd, (nfds_t)ls.n, 500) <= 0)
            continue;
        for (int i = 0; i < ls.n; i++) {
            if (!pfd[i].revents)
                continue;
            while ((e = fg_line_accept(ls.l[i], &ln)) == FG_OK)
                call_start(gw, ln);
            if (e != FG_ERR_TIMEOUT)
                log_warn("accepting a call on %s: %s", fg_listener_uri(ls.l[i]), fg_err_msg(e));
        }
    }
    log_info("stopping on signal %d: refusing new calls; waiting up to %d s for %d call(s) in progress",
             (int)stop_signal, gw->stop_grace_s, atomic_load(&gw->active_calls));
    notify_systemd("STOPPING=1\nSTATUS=stopping: letting calls in progress finish");
    for (int i = 0; i < ls.n; i++)
        fg_listener_drain(ls.l[i]);
    ok = wait_for_calls(gw, &ls);
    listeners_free(&ls);
    return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
    gateway gw = {.started = time(NULL)};
    control *ctl = NULL;
    web *webadm = NULL;
    recovery *rec = NULL;
    const char *config_path = NULL;
    bool print_config = false;
    int rc = 1;
    fg_err e;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--config") && i + 1 < argc) {
            config_path = argv[++i];
        } else if (!strcmp(argv[i], "--print-config")) {
            print_config = true;
        } else if (!strcmp(argv[i], "--version")) {
            printf("faxgated %s (board %s)\n", FAXGATE_VERSION, fg_board_hal.board);
            return 0;
        } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "faxgated: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    if (!config_path && access(FG_CONFIG_FILE, F_OK) == 0)
        config_path = FG_CONFIG_FILE;   /* installed as a service */
    if ((e = fg_config_new(&gw.cfg)) || (config_path && (e = fg_config_load(gw.cfg, config_path)))) {
        fprintf(stderr, "faxgated: %s\n", fg_err_msg(e));
        fg_config_free(gw.cfg);
        return 2;
    }
    fg_config_apply_timezone(gw.cfg);
    if (print_config) {
        fg_config_print(gw.cfg, stdout);
        fg_config_free(gw.cfg);
        return 0;
    }
    log_set_level(fg_config_get(gw.cfg, "log", "level"));
    log_set_target(fg_config_get(gw.cfg, "log", "target"));
    gw.config_path = config_path;
    signal(SIGPIPE, SIG_IGN);
    /* SIGHUP (reload) is read by the control thread from a signalfd: blocked here, before any
       thread starts, so that every thread inherits the mask and no call's poll() sees EINTR */
    sigset_t hup;
    sigemptyset(&hup);
    sigaddset(&hup, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &hup, NULL);
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    pthread_mutex_init(&gw.calls_lock, NULL);
    pthread_cond_init(&gw.calls_cv, NULL);

    if ((e = read_settings(&gw))) {
        rc = startup_error("configuration", e);
        goto out;
    }
    if ((e = spool_prepare(gw.spool))) {
        rc = startup_error("spool", e);
        goto out;
    }
    if ((e = fg_store_open(fg_config_get(gw.cfg, "store", "db"), &gw.st))) {
        rc = startup_error("store", e);
        store_folder_hint(fg_config_get(gw.cfg, "store", "db"));
        goto out;
    }
    if (fg_store_readonly(gw.st))
        log_error("store %s: opened read-only (a read-only file or file system): every call will be refused "
                  "before it is answered, and nothing printed, until the store can be written and faxgated restarted",
                  fg_config_get(gw.cfg, "store", "db"));
    if ((e = fg_pipeline_new(gw.cfg, gw.st, &gw.pipe))) {
        rc = startup_error("classifier and policy", e);
        goto out;
    }
    if ((e = ocr_pool_new(&gw, (int)fg_config_int(gw.cfg, "ocr", "workers"), &gw.ocr))) {
        rc = startup_error("OCR", e);
        goto out;
    }
    if ((e = delivery_start(&gw, &gw.dlv))) {
        rc = startup_error("delivery", e);
        goto out;
    }
    if ((e = outgoing_start(&gw, &gw.out))) {
        rc = startup_error("outgoing queue", e);
        goto out;
    }
    if ((e = control_start(&gw, &ctl))) {
        rc = startup_error("control socket", e);
        goto out;
    }
    if ((e = web_start(&gw, &webadm))) {
        rc = startup_error("web admin", e);
        goto out;
    }
    recovery_start(&gw, &rec);
    rc = serve(&gw);
    recovery_stop(rec);
    if (rc < 0) {
        /* A call thread is stuck: freeing what it uses would be worse than exiting now. */
        log_error("calls did not end; exiting without cleanup (print jobs stay queued in the store)");
        _exit(1);
    }
out:
    web_stop(webadm);
    control_stop(ctl);
    outgoing_stop(gw.out);
    delivery_stop(gw.dlv);
    ocr_pool_free(gw.ocr);
    fg_pipeline_free(gw.pipe);
    fg_store_close(gw.st);
    fg_config_free(gw.cfg);
    log_info("stopped");
    return rc;
}
