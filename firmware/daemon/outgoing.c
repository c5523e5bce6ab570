/* faxgated — the outgoing queue's worker: faxes the gateway sends itself.
 *
 * Entries live in the store (table outgoing): `faxgatectl send` queues one, and #12's opt-out
 * requests will. One at a time, the worker claims the next one due and places the call with the
 * sender (faxgate/sender.h) over the line its destination names; every attempt is logged and is
 * an event of the call it concerns. A fax not sent goes back with a delay that doubles from
 * [outgoing] retry_seconds (capped at an hour) and is given up after its max_attempts. A stop
 * hangs up the call in progress; the entry goes back to the queue for the next start.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "faxgate/sender.h"
#include "gateway.h"
#include "log.h"

struct outgoing {
    gateway *gw;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cv;
    volatile bool stop;
    char owner[64];
    int retry_s;
};

static int backoff(const outgoing *o, int attempts)
{
    long d = o->retry_s > 0 ? o->retry_s : 1;

    for (int i = 1; i < attempts && d < 3600; i++)
        d *= 2;
    return d < 3600 ? (int)d : 3600;
}

static void send_one(outgoing *o, const fg_outgoing *job)
{
    const char *files[] = {job->tiff};
    const char *csi = fg_config_get(o->gw->cfg, "line", "csi");
    fg_send_opts so = {
        .line = job->dest,
        .files = files,
        .nfiles = 1,
        .tsi = csi,
        .ecm = true,
        .realtime = true,   /* the far end is a fax machine with its own clock */
        .timeout_s = 900,
        .cancel = &o->stop,
    };
    fg_send_result r;
    char why[400];
    bool failed = false;
    fg_err e;

    log_info("outgoing fax %lld (%s) to %s: attempt %d of %d", (long long)job->id, job->purpose, job->dest,
             job->attempts, job->max_attempts);
    e = fg_send_fax(&so, &r);
    if (!e && r.accepted) {
        if ((e = fg_store_outgoing_sent(o->gw->st, job->id, r.pages_sent, r.csi)))
            log_error("outgoing fax %lld was sent but cannot be recorded: %s", (long long)job->id, fg_err_msg(e));
        log_info("outgoing fax %lld sent to %s: %d page%s confirmed by '%s'", (long long)job->id, job->dest,
                 r.pages_sent, r.pages_sent == 1 ? "" : "s", r.csi);
        return;
    }
    snprintf(why, sizeof why, "%s (%d of %d page%s confirmed; T.30: %s)",
             e ? fg_err_msg(e) : "the far end did not accept the fax", r.pages_sent, r.pages_total,
             r.pages_total == 1 ? "" : "s", r.t30_text);
    if (o->stop) {
        /* not an attempt that failed: it goes back as it was taken */
        fg_store_outgoing_release(o->gw->st, o->owner);
        log_info("outgoing fax %lld: the gateway is stopping; queued again for the next start", (long long)job->id);
        return;
    }
    if ((e = fg_store_outgoing_retry(o->gw->st, job->id, backoff(o, job->attempts), why, &failed)))
        log_error("outgoing fax %lld: cannot record the failed attempt: %s", (long long)job->id, fg_err_msg(e));
    if (failed)
        log_error("outgoing fax %lld to %s given up after %d attempts: %s", (long long)job->id, job->dest,
                  job->attempts, why);
    else
        log_warn("outgoing fax %lld to %s not sent (attempt %d of %d): %s; next try in %d s", (long long)job->id,
                 job->dest, job->attempts, job->max_attempts, why, backoff(o, job->attempts));
}

static void *outgoing_main(void *arg)
{
    outgoing *o = arg;

    while (!o->stop) {
        fg_outgoing job;
        fg_err e = fg_store_outgoing_claim(o->gw->st, o->owner, &job);
        struct timespec until;

        if (!e) {
            send_one(o, &job);
            continue;
        }
        if (e != FG_ERR_NOTFOUND)
            log_error("outgoing queue: %s", fg_err_msg(e));
        /* nothing due: look again in a second (faxgatectl send queues from another process) */
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 1;
        pthread_mutex_lock(&o->lock);
        while (!o->stop)
            if (pthread_cond_timedwait(&o->cv, &o->lock, &until))
                break;
        pthread_mutex_unlock(&o->lock);
    }
    return NULL;
}

fg_err outgoing_start(gateway *gw, outgoing **out)
{
    outgoing *o = calloc(1, sizeof *o);
    fg_err e;

    if (!o)
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate the outgoing worker");
    o->gw = gw;
    o->retry_s = (int)fg_config_int(gw->cfg, "outgoing", "retry_seconds");
    snprintf(o->owner, sizeof o->owner, "faxgated:%d", (int)getpid());
    if ((e = fg_store_outgoing_release(gw->st, "faxgated:")))
        log_warn("outgoing queue: cannot requeue the faxes of the last run: %s", fg_err_msg(e));
    pthread_mutex_init(&o->lock, NULL);
    pthread_cond_init(&o->cv, NULL);
    if (pthread_create(&o->thread, NULL, outgoing_main, o)) {
        pthread_cond_destroy(&o->cv);
        pthread_mutex_destroy(&o->lock);
        free(o);
        return fg_err_set(FG_ERR_NOMEM, "cannot start the outgoing thread");
    }
    *out = o;
    return FG_OK;
}

void outgoing_stop(outgoing *o)
{
    if (!o)
        return;
    pthread_mutex_lock(&o->lock);
    o->stop = true;
    pthread_cond_signal(&o->cv);
    pthread_mutex_unlock(&o->lock);
    pthread_join(o->thread, NULL);
    pthread_cond_destroy(&o->cv);
    pthread_mutex_destroy(&o->lock);
    free(o);
}
