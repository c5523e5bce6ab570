/* faxgated — the print queue's worker.
 *
 * Jobs live in the store, not in memory: a printer that is down, a daemon restart or a
 * crash leaves them queued, and the claim in the store keeps two processes (faxgated and
 * `faxgatectl release`) from printing the same fax twice.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gateway.h"
#include "log.h"

/* A claim older than this belongs to a process that died while printing. */
#define STALE_CLAIM_S 600

struct delivery {
    gateway *gw;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cv;
    bool kicked;
    bool stop;
    char owner[64];
    int retry_s;
};

/* Sleeps ms, or less if the daemon stops; false if it is stopping. A kick (a new job) does not
   cut it short: the job in hand comes first. */
static bool nap(delivery *d, int ms)
{
    struct timespec until;
    bool stop;

    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += ms / 1000;
    until.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L)
        until.tv_sec++, until.tv_nsec -= 1000000000L;
    pthread_mutex_lock(&d->lock);
    while (!d->stop)
        if (pthread_cond_timedwait(&d->cv, &d->lock, &until))
            break;
    stop = d->stop;
    pthread_mutex_unlock(&d->lock);
    return !stop;
}

static double since(const struct timespec *t0)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* How a job in hand ended. */
typedef enum { JOB_PRINTED, JOB_REQUEUED } outcome;

/* Puts a claimed job back with a delay, logging a store that cannot take it. */
static outcome requeue(delivery *d, const fg_delivery *job, int delay, const char *why)
{
    fg_err e = fg_store_delivery_retry(d->gw->st, job->id, delay, why);

    if (e)
        log_error("call %lld: cannot requeue the print job: %s", (long long)job->call_id, fg_err_msg(e));
    return JOB_REQUEUED;
}

/* The daemon stops while a job is on the printer: it goes back to the queue marked abandoned,
   so that the next start asks the printer for it before printing it again. */
static outcome stopped_following(delivery *d, const fg_delivery *job, int job_id)
{
    char why[128];

    log_info("call %lld: stopping while printer job %d is under way; the next start asks the printer for it",
             (long long)job->call_id, job_id);
    snprintf(why, sizeof why, "the gateway stopped while printer job %d was under way; claim abandoned", job_id);
    return requeue(d, job, 0, why);
}

/* Follows a job the printer accepted until it ends, and records how: completed (or a sink with
   no jobs to follow, or a job the printer no longer lists) is printed; aborted or canceled by
   the printer is printed again after retry_seconds. The printer's answer is polled quickly at
   first (a fax prints in seconds), then every second. */
static outcome follow(delivery *d, fg_printer *pr, const fg_delivery *job, int job_id, int attempt)
{
    const char *uri = fg_printer_uri(pr);
    fg_job_state state, last = (fg_job_state)-1;
    struct timespec t0, renewed;
    bool unreachable = false;
    char why[256];
    int wait_ms = 100;
    fg_err e;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    renewed = t0;
    for (;;) {
        e = fg_printer_job_state(pr, job_id, &state, why, sizeof why);
        if (e == FG_ERR_UNSUPPORTED) {
            if ((e = fg_store_delivery_done(d->gw->st, job->id, job_id, "sent")))
                log_error("call %lld sent to %s but the store could not record it: %s", (long long)job->call_id,
                          uri, fg_err_msg(e));
            else
                log_info("call %lld printed on %s (attempt %d; sent, the printer has no job state to follow)",
                         (long long)job->call_id, uri, attempt);
            return JOB_PRINTED;
        }
        if (e == FG_ERR_PRINTER) {
            /* the printer refuses to say (not authorised, say): it took the job, that is all we know */
            snprintf(why, sizeof why, "%s", fg_err_msg(e));
            if ((e = fg_store_delivery_done(d->gw->st, job->id, job_id, "accepted")))
                log_error("call %lld printed (job %d) but the store could not record it: %s", (long long)job->call_id,
                          job_id, fg_err_msg(e));
            else
                log_warn("call %lld printed on %s as job %d (attempt %d), but the printer will not say how the job "
                         "ends: %s", (long long)job->call_id, uri, job_id, attempt, why);
            return JOB_PRINTED;
        }
        if (e) {
            /* the job is on the printer: keep following it, never send it again from here */
            if (!unreachable)
                log_warn("call %lld: cannot ask %s about job %d now (%s); still following it every %d s",
                         (long long)job->call_id, uri, job_id, fg_err_msg(e), d->retry_s);
            unreachable = true;
            wait_ms = d->retry_s * 1000;
        } else {
            if (unreachable)
                log_info("call %lld: printer %s answers again about job %d", (long long)job->call_id, uri, job_id);
            unreachable = false;
            if (state != last || since(&renewed) > 60) {
                /* recorded, and the claim renewed: a long print is not an abandoned one */
                if (state != last)
                    log_info("call %lld: printer job %d is %s%s%s%s (attempt %d)", (long long)job->call_id, job_id,
                             fg_job_state_name(state), why[0] ? " (" : "", why, why[0] ? ")" : "", attempt);
                if ((e = fg_store_delivery_sent(d->gw->st, job->id, job_id, fg_job_state_name(state))))
                    log_error("call %lld: cannot record printer job %d: %s", (long long)job->call_id, job_id,
                              fg_err_msg(e));
                clock_gettime(CLOCK_MONOTONIC, &renewed);
                last = state;
            }
            if (state == FG_JOB_COMPLETED || state == FG_JOB_UNKNOWN) {
                if ((e = fg_store_delivery_done(d->gw->st, job->id, job_id, fg_job_state_name(state))))
                    log_error("call %lld printed (job %d) but the store could not record it: %s",
                              (long long)job->call_id, job_id, fg_err_msg(e));
                else if (state == FG_JOB_COMPLETED)
                    log_info("call %lld printed on %s (job %d completed, attempt %d, %.1f s after it was sent)",
                             (long long)job->call_id, uri, job_id, attempt, since(&t0));
                else
                    log_warn("call %lld: printer %s accepted job %d but no longer lists it (%s); recorded as printed",
                             (long long)job->call_id, uri, job_id, why);
                return JOB_PRINTED;
            }
            if (state == FG_JOB_ABORTED || state == FG_JOB_CANCELED) {
                char msg[320];

                snprintf(msg, sizeof msg, "printer job %d was %s by the printer (%s)", job_id,
                         fg_job_state_name(state), why[0] ? why : "no reason given");
                log_warn("call %lld: %s (attempt %d); printing it again in %d s", (long long)job->call_id, msg,
                         attempt, d->retry_s);
                return requeue(d, job, d->retry_s, msg);
            }
            wait_ms = wait_ms < 500 ? wait_ms * 2 : 1000;
        }
        if (!nap(d, wait_ms))
            return stopped_following(d, job, job_id);
    }
}

/* The printer answered busy: waits until it says it is idle. FG_OK then (or for a sink that
   cannot tell: try again after a pause); FG_ERR_PRINTER_DOWN if it went down meanwhile;
   FG_ERR_STATE if the daemon is stopping. */
static fg_err wait_idle(delivery *d, fg_printer *pr, const fg_delivery *job)
{
    struct timespec t0;
    char why[256] = "", last[256] = "";
    bool idle = false;
    fg_err e;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    /* a pause first, even if it says idle at once: a printer that answers busy but idle must not
       be asked in a tight loop */
    for (int ms = 500;; ms = 1000) {
        if (!nap(d, ms))
            return fg_err_set(FG_ERR_STATE, "the gateway is stopping");
        if ((e = fg_printer_idle(pr, &idle, why, sizeof why)) == FG_ERR_UNSUPPORTED)
            return FG_OK;
        if (e)
            return e;
        if (idle) {
            log_info("call %lld: printer %s is idle after %.1f s of waiting; sending the job", (long long)job->call_id,
                     fg_printer_uri(pr), since(&t0));
            return FG_OK;
        }
        if (strcmp(why, last) != 0)
            log_info("call %lld: waiting for printer %s to be idle: %s", (long long)job->call_id, fg_printer_uri(pr),
                     why);
        snprintf(last, sizeof last, "%s", why);
    }
}

/* A job whose last claim was abandoned (its owner died while printing) may have reached the
   printer: ask the printer for a job of that name first. FG_ERR_EXISTS (with its job id) if it
   has one; FG_OK to print; FG_ERR_PRINTER_DOWN to try later. A sink that cannot tell is printed
   to (a copy too many rather than a fax lost). Only then: after a known failure the job did not
   print, and an old file or job of the same name (a store started afresh) must not stand in
   for it. */
static fg_err already_printed(fg_printer *pr, const fg_delivery *job, const char *name, int *job_id)
{
    bool found = false;
    fg_err e = fg_printer_find_job(pr, name, &found, job_id);

    if (e == FG_ERR_UNSUPPORTED)
        return FG_OK;
    if (e == FG_ERR_PRINTER_BUSY)
        return fg_err_set(FG_ERR_PRINTER_DOWN, "%s", fg_err_msg(e));
    if (e || !found)
        return e;
    log_info("call %lld was already printed (job %d on %s) by an attempt interrupted before it could be recorded: "
             "not printed again; following it to its end", (long long)job->call_id, *job_id, fg_printer_uri(pr));
    return FG_ERR_EXISTS;
}

/* Prints one claimed job; returns true if the queue should be tried again at once. */
static bool print_one(delivery *d, const fg_delivery *job)
{
    const char *uri = fg_config_get(d->gw->cfg, "printer", "uri");
    int job_id = 0, attempt = job->attempts;
    fg_printer *pr = NULL;
    char name[64], busy[300];
    fg_err e;

    snprintf(name, sizeof name, "faxgate call %lld", (long long)job->call_id);
    e = fg_printer_open_config(d->gw->cfg, &pr);
    if (!e && job->abandoned && (e = already_printed(pr, job, name, &job_id)) == FG_ERR_EXISTS) {
        outcome o = follow(d, pr, job, job_id, attempt);

        fg_printer_close(pr);
        return o == JOB_PRINTED;
    }
    /* Busy is normal for an MFP: the job waits for it to be idle, counted and logged as an
       attempt, and is sent then, without a retry delay. */
    while (!e) {
        log_debug("call %lld: print attempt %d on %s", (long long)job->call_id, attempt, uri);
        if ((e = fg_printer_print(pr, job->tiff, name, &job_id)) != FG_ERR_PRINTER_BUSY)
            break;
        snprintf(busy, sizeof busy, "%s", fg_err_msg(e));
        log_info("call %lld: printer busy (attempt %d): %s", (long long)job->call_id, attempt, busy);
        /* the store counts it; attempt becomes the next one's number */
        if ((e = fg_store_delivery_attempt(d->gw->st, job->id, busy, &attempt))) {
            log_error("call %lld: cannot record the print attempt: %s", (long long)job->call_id, fg_err_msg(e));
            attempt++;
        }
        if ((e = wait_idle(d, pr, job)) == FG_ERR_STATE) {
            fg_printer_close(pr);
            requeue(d, job, 0, "the gateway stopped while the printer was busy");
            return false;
        }
    }
    if (!e) {
        outcome o;

        fg_fault("during_delivery");
        log_info("call %lld sent to %s as job %d (attempt %d)", (long long)job->call_id, uri, job_id, attempt);
        if ((e = fg_store_delivery_sent(d->gw->st, job->id, job_id, "sent")))
            log_error("call %lld: cannot record printer job %d: %s", (long long)job->call_id, job_id, fg_err_msg(e));
        o = follow(d, pr, job, job_id, attempt);
        fg_printer_close(pr);
        return o == JOB_PRINTED;
    }
    fg_printer_close(pr);
    /* Down: retry at the configured pace. Refused for good: keep it anyway, retry rarely,
       so that an operator can fix the printer or release the fax elsewhere. */
    int delay = e == FG_ERR_PRINTER_DOWN ? d->retry_s : d->retry_s * 10;
    char why[300];

    /* an abandoned claim may still have printed: the mark stays until an attempt settles it */
    snprintf(why, sizeof why, "%.*s%s", (int)sizeof why - 24, fg_err_msg(e), job->abandoned ? "; claim abandoned" : "");
    if (e == FG_ERR_PRINTER_DOWN && attempt % 10 != 1)
        log_info("call %lld not printed yet (attempt %d): %s; retrying in %d s", (long long)job->call_id, attempt,
                 why, delay);
    else if (e == FG_ERR_PRINTER_DOWN)
        log_warn("call %lld not printed yet (attempt %d): %s; retrying every %d s", (long long)job->call_id, attempt,
                 why, delay);
    else
        log_error("call %lld: printer refused the job (attempt %d): %s; kept queued, retrying in %d s",
                  (long long)job->call_id, attempt, why, delay);
    requeue(d, job, delay, why);
    return false;
}

static void *delivery_main(void *arg)
{
    delivery *d = arg;
    time_t last_unstick = 0;

    for (;;) {
        fg_delivery job;
        fg_err e;

        pthread_mutex_lock(&d->lock);
        if (d->stop) {
            pthread_mutex_unlock(&d->lock);
            break;
        }
        d->kicked = false;
        pthread_mutex_unlock(&d->lock);

        if (time(NULL) - last_unstick > 60) {
            fg_store_delivery_unstick(d->gw->st, STALE_CLAIM_S);
            last_unstick = time(NULL);
        }
        e = fg_store_delivery_claim(d->gw->st, d->owner, &job);
        if (!e) {
            if (print_one(d, &job))
                continue;
        } else if (e != FG_ERR_NOTFOUND) {
            log_error("print queue: %s", fg_err_msg(e));
        }
        /* Nothing due (or the printer is down): sleep until kicked or a second passes, so that
           a retry falls due on time without a busy loop. */
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 1;
        pthread_mutex_lock(&d->lock);
        while (!d->kicked && !d->stop)
            if (pthread_cond_timedwait(&d->cv, &d->lock, &until))
                break;
        pthread_mutex_unlock(&d->lock);
    }
    return NULL;
}

fg_err delivery_start(gateway *gw, delivery **out)
{
    delivery *d = calloc(1, sizeof *d);
    fg_err e;

    if (!d)
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate the delivery worker");
    d->gw = gw;
    d->retry_s = (int)fg_config_int(gw->cfg, "printer", "retry_seconds");
    snprintf(d->owner, sizeof d->owner, "faxgated:%d", (int)getpid());
    /* one daemon per store: a claim of another faxgated is one a crash left (it asks the printer
       before printing again) */
    if ((e = fg_store_delivery_release(gw->st, "faxgated:")))
        log_warn("print queue: cannot requeue the jobs of the last run now (%s); they come back in %d s", fg_err_msg(e),
                 STALE_CLAIM_S);
    pthread_mutex_init(&d->lock, NULL);
    pthread_cond_init(&d->cv, NULL);
    if (pthread_create(&d->thread, NULL, delivery_main, d)) {
        pthread_cond_destroy(&d->cv);
        pthread_mutex_destroy(&d->lock);
        free(d);
        return fg_err_set(FG_ERR_NOMEM, "cannot start the delivery thread");
    }
    *out = d;
    return FG_OK;
}

fg_err delivery_print_unqueued(delivery *d, int64_t call_id, const char *tiff)
{
    fg_printer *pr = NULL;
    char name[64];
    int job_id = 0;
    fg_err e;

    snprintf(name, sizeof name, "faxgate call %lld", (long long)call_id);
    if ((e = fg_printer_open_config(d->gw->cfg, &pr)))
        return e;
    /* a busy printer is waited for a little; down, the caller tries again later */
    for (int i = 0; i < 30 && (e = fg_printer_print(pr, tiff, name, &job_id)) == FG_ERR_PRINTER_BUSY; i++)
        if (!nap(d, 1000))
            break;
    if (!e)
        log_warn("call %lld printed on %s as job %d outside the print queue (the store could not queue it)",
                 (long long)call_id, fg_printer_uri(pr), job_id);
    fg_printer_close(pr);
    return e;
}

void delivery_kick(delivery *d)
{
    pthread_mutex_lock(&d->lock);
    d->kicked = true;
    pthread_cond_signal(&d->cv);
    pthread_mutex_unlock(&d->lock);
}

void delivery_stop(delivery *d)
{
    if (!d)
        return;
    pthread_mutex_lock(&d->lock);
    d->stop = true;
    pthread_cond_signal(&d->cv);
    pthread_mutex_unlock(&d->lock);
    pthread_join(d->thread, NULL);
    pthread_cond_destroy(&d->cv);
    pthread_mutex_destroy(&d->lock);
    free(d);
}
