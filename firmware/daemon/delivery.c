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

/* A job whose last claim was abandoned (its owner died while printing) may have reached the
   printer: ask the printer for a job of that name first. FG_ERR_EXISTS (recorded printed) if it
   has one; FG_OK to print; FG_ERR_PRINTER_DOWN to try later. A sink that cannot tell is printed
   to (a copy too many rather than a fax lost). Only then: after a known failure the job did not
   print, and an old file or job of the same name (a store started afresh) must not stand in
   for it. */
static fg_err already_printed(delivery *d, fg_printer *pr, const fg_delivery *job, const char *name)
{
    bool found = false;
    int job_id = 0;
    fg_err e = fg_printer_find_job(pr, name, &found, &job_id);

    if (e == FG_ERR_UNSUPPORTED)
        return FG_OK;
    if (e)
        return e;
    if (!found)
        return FG_OK;
    if ((e = fg_store_delivery_done(d->gw->st, job->id, job_id)))
        log_error("call %lld is already on the printer (job %d) but the store could not record it: %s",
                  (long long)job->call_id, job_id, fg_err_msg(e));
    else
        log_info("call %lld was already printed (job %d on %s) by an attempt interrupted before it could be "
                 "recorded: not printed again", (long long)job->call_id, job_id, fg_printer_uri(pr));
    return FG_ERR_EXISTS;
}

/* Prints one claimed job; returns true if the queue should be tried again at once. */
static bool print_one(delivery *d, const fg_delivery *job)
{
    const char *uri = fg_config_get(d->gw->cfg, "printer", "uri");
    fg_printer *pr = NULL;
    char name[64];
    int job_id = 0;
    fg_err e;

    snprintf(name, sizeof name, "faxgate call %lld", (long long)job->call_id);
    e = fg_printer_open(uri, &pr);
    if (!e && job->abandoned && (e = already_printed(d, pr, job, name)) == FG_ERR_EXISTS) {
        fg_printer_close(pr);
        return true;
    }
    if (!e) {
        e = fg_printer_print(pr, job->tiff, name, &job_id);
        if (!e)
            fg_fault("during_delivery");
    }
    fg_printer_close(pr);
    if (!e) {
        if ((e = fg_store_delivery_done(d->gw->st, job->id, job_id)))
            log_error("call %lld printed (job %d) but the store could not record it: %s", (long long)job->call_id,
                      job_id, fg_err_msg(e));
        else
            log_info("call %lld printed on %s (job %d)", (long long)job->call_id, uri, job_id);
        return true;
    }
    /* Down: retry at the configured pace. Refused for good: keep it anyway, retry rarely,
       so that an operator can fix the printer or release the fax elsewhere. */
    int delay = e == FG_ERR_PRINTER_DOWN ? d->retry_s : d->retry_s * 10;
    char why[300];

    /* an abandoned claim may still have printed: the mark stays until an attempt settles it */
    snprintf(why, sizeof why, "%.*s%s", (int)sizeof why - 24, fg_err_msg(e), job->abandoned ? "; claim abandoned" : "");
    if (e == FG_ERR_PRINTER_DOWN && job->attempts % 10 != 0)
        log_debug("call %lld not printed yet (attempt %d): %s; retrying in %d s", (long long)job->call_id,
                 job->attempts + 1, why, delay);
    else if (e == FG_ERR_PRINTER_DOWN)
        log_warn("call %lld not printed yet (attempt %d): %s; retrying every %d s", (long long)job->call_id,
                 job->attempts + 1, why, delay);
    else
        log_error("call %lld: printer refused the job (attempt %d): %s; kept queued, retrying in %d s",
                  (long long)job->call_id, job->attempts + 1, why, delay);
    if ((e = fg_store_delivery_retry(d->gw->st, job->id, delay, why)))
        log_error("call %lld: cannot requeue the print job: %s", (long long)job->call_id, fg_err_msg(e));
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
