/* faxgated — the gateway daemon: answers fax calls, judges page 1, prints or holds.
 *
 *   faxgated [--config FILE] [--print-config] [--version]
 *
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
#include <time.h>
#include <unistd.h>

#include "gateway.h"
#include "log.h"

/* How long a stopping gateway waits for calls in progress before hanging them up. */
#define STOP_GRACE_S 60

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
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

static fg_err read_settings(gateway *gw)
{
    fg_err e;

    gw->spool = fg_config_get(gw->cfg, "spool", "dir");
    gw->listen_uri = fg_config_get(gw->cfg, "line", "listen");
    gw->max_calls = (int)fg_config_int(gw->cfg, "line", "max_calls");
    gw->max_seconds = (int)fg_config_int(gw->cfg, "line", "max_seconds");
    gw->min_free_mb = fg_config_int(gw->cfg, "spool", "min_free_mb");
    gw->reject_empty_tsi = fg_config_bool(gw->cfg, "screen", "reject_empty_tsi");
    if ((e = fg_modems_parse(fg_config_get(gw->cfg, "line", "modems"), &gw->modems)))
        return e;
    return fg_resolutions_parse(fg_config_get(gw->cfg, "line", "resolutions"), &gw->resolutions);
}

/* Waits up to seconds for the calls in progress to end; true if none is left. */
static bool calls_ended(gateway *gw, int seconds)
{
    struct timespec until;

    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += seconds;
    pthread_mutex_lock(&gw->calls_lock);
    while (atomic_load(&gw->active_calls) > 0)
        if (pthread_cond_timedwait(&gw->calls_cv, &gw->calls_lock, &until) == ETIMEDOUT)
            break;
    pthread_mutex_unlock(&gw->calls_lock);
    return atomic_load(&gw->active_calls) == 0;
}

/* Lets calls finish; after the grace period they are cut (their pages so far are kept). */
static bool wait_for_calls(gateway *gw)
{
    if (calls_ended(gw, STOP_GRACE_S))
        return true;
    log_warn("%d call(s) still in progress after %d s: hanging up (pages received so far are kept)",
             atomic_load(&gw->active_calls), STOP_GRACE_S);
    atomic_store(&gw->stopping, true);
    /* a call thread notices within one audio block, or the line's silence timeout */
    return calls_ended(gw, 45);
}

static int serve(gateway *gw)
{
    fg_listener *ls = NULL;
    fg_err e;

    if ((e = fg_line_listen(gw->listen_uri, &ls)))
        return startup_error("cannot listen for calls", e);
    log_info("ready: answering fax calls on %s; printer %s; store %s; %d OCR worker(s)", fg_listener_uri(ls),
             fg_config_get(gw->cfg, "printer", "uri"), fg_config_get(gw->cfg, "store", "db"),
             ocr_pool_size(gw->ocr));
    while (!stop_signal) {
        struct pollfd pfd = {.fd = fg_listener_fd(ls), .events = POLLIN};
        fg_line *ln;

        if (poll(&pfd, 1, 500) <= 0)
            continue;
        while ((e = fg_line_accept(ls, &ln)) == FG_OK)
            call_start(gw, ln);
        if (e != FG_ERR_TIMEOUT)
            log_warn("accepting a call: %s", fg_err_msg(e));
    }
    log_info("stopping on signal %d: no new calls; waiting for %d call(s) in progress", (int)stop_signal,
             atomic_load(&gw->active_calls));
    fg_listener_free(ls);
    return wait_for_calls(gw) ? 0 : -1;
}

int main(int argc, char **argv)
{
    gateway gw = {0};
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
    if ((e = fg_config_new(&gw.cfg)) || (config_path && (e = fg_config_load(gw.cfg, config_path)))) {
        fprintf(stderr, "faxgated: %s\n", fg_err_msg(e));
        fg_config_free(gw.cfg);
        return 2;
    }
    if (print_config) {
        fg_config_print(gw.cfg, stdout);
        fg_config_free(gw.cfg);
        return 0;
    }
    log_set_level(fg_config_get(gw.cfg, "log", "level"));
    signal(SIGPIPE, SIG_IGN);
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
        goto out;
    }
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
    rc = serve(&gw);
    if (rc < 0) {
        /* A call thread is stuck: freeing what it uses would be worse than exiting now. */
        log_error("calls did not end; exiting without cleanup (print jobs stay queued in the store)");
        _exit(1);
    }
out:
    delivery_stop(gw.dlv);
    ocr_pool_free(gw.ocr);
    fg_pipeline_free(gw.pipe);
    fg_store_close(gw.st);
    fg_config_free(gw.cfg);
    log_info("stopped");
    return rc;
}
