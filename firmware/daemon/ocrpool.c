/* faxgated — OCR workers: one thread and one Tesseract engine each, fed page 1 of calls.
 *
 * Engines are created on their own thread because they are not thread-safe and because
 * fg_ocr switches Tesseract's OpenMP off for the thread that uses it.
 *
 * Two queues: calls to judge (page 1 ended) and bands of pages still arriving (faxgate/bands.h).
 * A free worker takes a judge job first: a caller is waiting for that verdict, and the judge reads
 * itself any band of its call still queued, so bands never hold a verdict up. A queued band whose
 * judge took it over is dropped when a worker comes to it.
 *
 * Spare engines ([ocr] spare_idle_seconds). Worker 1 loads its engine at start and keeps it: one
 * page is read at once, with no wait. Each further worker is a spare: it loads its engine (about
 * 20 MiB with eng+fra, 0.2-0.3 s) only when work has waited SPARE_GRACE_MS with every loaded
 * worker busy, and unloads it after spare_idle_seconds without a job. An idle gateway holds one
 * engine, a busy one all of them. 0 keeps every engine loaded from the start.
 */
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gateway.h"
#include "log.h"

#define SPARE_GRACE_MS 250       /* a backlog shorter than this is left to the loaded workers */
#define SPARE_RETRY_S 60         /* a spare whose engine could not load tries again after this */

typedef struct job {
    fg_call *call;          /* a judge job, or */
    fg_bandset *bs;         /* a band job: band index of bs */
    int index;
    struct job *next;
} job;

typedef struct queue {
    job *head, *tail;
} queue;

typedef struct worker {
    ocr_pool *pool;
    pthread_t thread;
    int index;
    fg_err start_err;       /* set by the worker before it reports ready */
    char start_msg[256];
    bool spare;             /* loads its engine on demand, unloads it when idle */
} worker;

struct ocr_pool {
    gateway *gw;
    pthread_mutex_t lock;
    pthread_cond_t work_cv;   /* a job was queued, or stop: for workers with an engine */
    pthread_cond_t spare_cv;  /* a job was queued with no loaded worker free, or stop: for spares */
    int idle_loaded;          /* workers with an engine waiting on work_cv */
    int loaded;               /* engines loaded */
    int spare_idle_s;         /* [ocr] spare_idle_seconds; 0: no spares */
    pthread_cond_t ready_cv;  /* a worker finished starting */
    queue judge, bands, quick;
    int queued;
    pthread_cond_t quick_cv;  /* a quick judge job was queued, or quick_stop */
    pthread_t quick_thread;
    bool quick_started, quick_stop;
    int started;
    bool stop;
    worker *workers;
    int n;
};

static job *pop(queue *q)
{
    job *j = q->head;

    if (j) {
        q->head = j->next;
        if (!q->head)
            q->tail = NULL;
    }
    return j;
}

static void push(ocr_pool *p, queue *q, job *j)
{
    j->next = NULL;
    pthread_mutex_lock(&p->lock);
    if (q->tail)
        q->tail->next = j;
    else
        q->head = j;
    q->tail = j;
    if (q == &p->quick) {
        pthread_cond_signal(&p->quick_cv);
    } else {
        p->queued++;
        if (p->idle_loaded > 0)
            pthread_cond_signal(&p->work_cv);
        else
            pthread_cond_signal(&p->spare_cv);
    }
    pthread_mutex_unlock(&p->lock);
}

/* The band jobs of bs still queued: its judge reads those bands itself (fg_bandset_finish), so
   they go now. Left in the queue they would hold the band set (page 1's rows, the bands'
   images) until a worker came to them, and under steady load workers take judge jobs first and
   never come: a soak of unpaced calls grew by a page a call (1.3 GB in use after 5 000 calls). */
static void drop_queued_bands(ocr_pool *p, fg_bandset *bs)
{
    job *keep = NULL, *tail = NULL, *gone = NULL;

    if (!bs)
        return;
    pthread_mutex_lock(&p->lock);
    for (job *j = p->bands.head, *next; j; j = next) {
        next = j->next;
        j->next = NULL;
        if (j->bs == bs) {
            j->next = gone;
            gone = j;
            p->queued--;
        } else if (tail) {
            tail->next = j;
            tail = j;
        } else {
            keep = tail = j;
        }
    }
    p->bands.head = keep;
    p->bands.tail = tail;
    pthread_mutex_unlock(&p->lock);
    while (gone) {
        job *next = gone->next;

        fg_bandset_unref(gone->bs);   /* the call holds its own reference */
        free(gone);
        gone = next;
    }
}

/* Judges a call's page 1 (ocr NULL: its words are there already) and logs how it went. Once it
   is judged the call's own thread may conclude and free it: the log reads the judge's report. */
static void judge_call(ocr_pool *p, fg_ocr *ocr, fg_call *c)
{
    fg_judge_report r;
    fg_err e;

    drop_queued_bands(p, fg_call_bands(c));
    e = fg_pipeline_judge_report(gateway_pipeline_hold(p->gw), ocr, c, &r);
    gateway_pipeline_release(p->gw);
    if (r.had_bands && !r.bands_error[0])
        log_info("call %lld: page 1 read in %d bands: %d blank, %d read while it arrived, %d at its end "
                 "(%d were being read: waited %.0f ms), words %.0f ms after its end%s",
                 (long long)r.call_id, r.bands.bands, r.bands.blank, r.bands.read_early, r.bands.read_late,
                 r.bands.waited, r.bands.ms_waited, r.bands.ms_finish, ocr ? "" : " (quick judge)");
    if (r.bands_error[0])
        log_warn("call %lld: page 1 read whole, its bands could not be used: %s", (long long)r.call_id,
                 r.bands_error);
    if (e)
        log_warn("call %lld: judging page 1: %s (fax kept: %s)", (long long)r.call_id, fg_err_msg(e), r.verdict);
}

static job *take_quick(ocr_pool *p)
{
    job *j;

    pthread_mutex_lock(&p->lock);
    while (!p->quick.head && !p->quick_stop)
        pthread_cond_wait(&p->quick_cv, &p->lock);
    j = pop(&p->quick);
    pthread_mutex_unlock(&p->lock);
    return j;
}

static struct timespec after_ms(long ms)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    t.tv_sec += ms / 1000;
    t.tv_nsec += (ms % 1000) * 1000000L;
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}

static bool work_waiting(const ocr_pool *p)
{
    return p->judge.head || p->bands.head;
}

/* A worker with an engine: the next job, or NULL at stop (the queue drained) or, for a spare
   (idle_s > 0), after idle_s seconds without one (*idle set: time to unload). */
static job *take(ocr_pool *p, int idle_s, bool *idle)
{
    struct timespec until = after_ms(idle_s * 1000L);
    job *j;

    *idle = false;
    pthread_mutex_lock(&p->lock);
    while (!work_waiting(p) && !p->stop) {
        int rc;

        p->idle_loaded++;
        rc = idle_s > 0 ? pthread_cond_timedwait(&p->work_cv, &p->lock, &until)
                        : pthread_cond_wait(&p->work_cv, &p->lock);
        p->idle_loaded--;
        if (rc == ETIMEDOUT && !work_waiting(p) && !p->stop) {
            *idle = true;
            break;
        }
    }
    if (!(j = pop(&p->judge)))
        j = pop(&p->bands);
    if (j)
        p->queued--;
    pthread_mutex_unlock(&p->lock);
    return j;
}

/* A spare without an engine: true when work has waited SPARE_GRACE_MS with every loaded worker
   busy (time to load one), false at stop. A loaded worker that comes free meanwhile takes it. */
static bool backlog(ocr_pool *p)
{
    bool go = false;

    pthread_mutex_lock(&p->lock);
    while (!p->stop && !go) {
        struct timespec until;

        while (!p->stop && !(work_waiting(p) && p->idle_loaded == 0))
            pthread_cond_wait(&p->spare_cv, &p->lock);
        until = after_ms(SPARE_GRACE_MS);
        while (!p->stop && work_waiting(p) && p->idle_loaded == 0)
            if (pthread_cond_timedwait(&p->spare_cv, &p->lock, &until) == ETIMEDOUT) {
                go = work_waiting(p) && p->idle_loaded == 0;
                break;
            }
    }
    pthread_mutex_unlock(&p->lock);
    return go;
}

/* Waits s seconds, or until stop; false at stop. */
static bool pause_s(ocr_pool *p, int s)
{
    struct timespec until = after_ms(s * 1000L);
    bool stop;

    pthread_mutex_lock(&p->lock);
    while (!p->stop && pthread_cond_timedwait(&p->spare_cv, &p->lock, &until) != ETIMEDOUT)
        ;
    stop = p->stop;
    pthread_mutex_unlock(&p->lock);
    return !stop;
}

static fg_err engine_new(ocr_pool *p, fg_ocr **ocr)
{
    fg_err e = fg_ocr_new(fg_config_get(p->gw->cfg, "ocr", "languages"), fg_config_get(p->gw->cfg, "ocr", "datapath"),
                          ocr);

    if (!e) {
        pthread_mutex_lock(&p->lock);
        p->loaded++;
        pthread_mutex_unlock(&p->lock);
    }
    return e;
}

static void engine_free(ocr_pool *p, fg_ocr *ocr)
{
    if (!ocr)
        return;
    fg_ocr_free(ocr);
    pthread_mutex_lock(&p->lock);
    p->loaded--;
    pthread_mutex_unlock(&p->lock);
#ifdef __GLIBC__
    malloc_trim(0);   /* the engine's memory back to the system, not kept in this thread's arena */
#endif
}

static void *quick_main(void *arg)
{
    ocr_pool *p = arg;
    job *j;

    while ((j = take_quick(p))) {
        if (fg_pipeline_read_bands(j->call, NULL)) {
            push(p, &p->judge, j);   /* a worker reads the page whole */
            continue;
        }
        judge_call(p, NULL, j->call);
        free(j);
    }
    return NULL;
}

static void run(ocr_pool *p, fg_ocr *ocr, job *j)
{
    fg_call *c = j->call;

    if (!c) {
        fg_bandset_run(j->bs, j->index, ocr);   /* nothing if its judge has taken it over */
        fg_bandset_unref(j->bs);
        free(j);
        return;
    }
    free(j);
    judge_call(p, ocr, c);
}

/* A spare's life: wait for a backlog, load an engine, work until idle, unload, again. */
static void spare_main(worker *w)
{
    ocr_pool *p = w->pool;

    while (backlog(p)) {
        fg_ocr *ocr = NULL;
        bool idle = false;
        fg_err e;
        job *j;

        if ((e = engine_new(p, &ocr))) {
            log_error("OCR worker %d: cannot load its engine for the pages waiting (the other workers read them; "
                      "trying again in %d s): %s", w->index + 1, SPARE_RETRY_S, fg_err_msg(e));
            if (!pause_s(p, SPARE_RETRY_S))
                return;
            continue;
        }
        log_info("OCR worker %d: engine loaded: pages waited with every loaded worker busy", w->index + 1);
        while ((j = take(p, p->spare_idle_s, &idle)))
            run(p, ocr, j);
        engine_free(p, ocr);
        if (!idle)
            return;   /* stop: the queue is drained */
        log_info("OCR worker %d: engine unloaded after %d s without work ([ocr] spare_idle_seconds)", w->index + 1,
                 p->spare_idle_s);
    }
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    ocr_pool *p = w->pool;
    fg_ocr *ocr = NULL;
    bool idle;
    job *j;

    if (!w->spare && (w->start_err = engine_new(p, &ocr)))
        snprintf(w->start_msg, sizeof w->start_msg, "%s", fg_err_msg(w->start_err));
    pthread_mutex_lock(&p->lock);
    p->started++;
    pthread_cond_broadcast(&p->ready_cv);
    pthread_mutex_unlock(&p->lock);
    if (w->start_err)
        return NULL;
    if (w->spare) {
        spare_main(w);
        return NULL;
    }
    while ((j = take(p, 0, &idle)))
        run(p, ocr, j);
    engine_free(p, ocr);
    return NULL;
}

fg_err ocr_pool_new(gateway *gw, int workers, ocr_pool **out)
{
    ocr_pool *p = calloc(1, sizeof *p);
    fg_err e = FG_OK;

    if (!p)
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate the OCR pool");
    if (workers <= 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);

        workers = cores > 0 ? (int)cores : 1;
    }
    p->gw = gw;
    p->spare_idle_s = (int)fg_config_int(gw->cfg, "ocr", "spare_idle_seconds");
    pthread_mutex_init(&p->lock, NULL);
    {
        pthread_condattr_t mono;   /* the timed waits count on the monotonic clock */

        pthread_condattr_init(&mono);
        pthread_condattr_setclock(&mono, CLOCK_MONOTONIC);
        pthread_cond_init(&p->work_cv, &mono);
        pthread_cond_init(&p->spare_cv, &mono);
        pthread_condattr_destroy(&mono);
    }
    pthread_cond_init(&p->ready_cv, NULL);
    pthread_cond_init(&p->quick_cv, NULL);
    if (!(p->workers = calloc((size_t)workers, sizeof *p->workers))) {
        free(p);
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate %d OCR workers", workers);
    }
    for (int i = 0; i < workers; i++) {
        p->workers[i] = (worker){.pool = p, .index = i, .spare = i > 0 && p->spare_idle_s > 0};
        if (pthread_create(&p->workers[i].thread, NULL, worker_main, &p->workers[i])) {
            e = fg_err_set(FG_ERR_NOMEM, "cannot start OCR worker %d", i + 1);
            break;
        }
        p->n++;
    }
    if (!e && pthread_create(&p->quick_thread, NULL, quick_main, p))
        e = fg_err_set(FG_ERR_NOMEM, "cannot start the quick judge thread");
    p->quick_started = !e;
    pthread_mutex_lock(&p->lock);
    while (p->started < p->n)
        pthread_cond_wait(&p->ready_cv, &p->lock);
    pthread_mutex_unlock(&p->lock);
    for (int i = 0; i < p->n && !e; i++)
        if (p->workers[i].start_err)
            e = fg_err_set(p->workers[i].start_err, "%s", p->workers[i].start_msg);
    if (e) {
        ocr_pool_free(p);
        return e;
    }
    *out = p;
    return FG_OK;
}

void ocr_pool_submit(ocr_pool *p, fg_call *call)
{
    job *j = calloc(1, sizeof *j);

    if (!j) {
        /* Cannot queue: judge on this thread without OCR; the pipeline fails open. */
        fg_pipeline_judge(gateway_pipeline_hold(p->gw), NULL, call);
        gateway_pipeline_release(p->gw);
        return;
    }
    j->call = call;
    push(p, p->quick_started && fg_pipeline_bands_read(call) ? &p->quick : &p->judge, j);
}

void ocr_pool_submit_band(void *pool, fg_bandset *bs, int index)
{
    ocr_pool *p = pool;
    job *j = calloc(1, sizeof *j);

    if (!j)
        return;   /* the judge reads the band itself at the end of the page */
    fg_bandset_ref(bs);
    j->bs = bs;
    j->index = index;
    push(p, &p->bands, j);
}

int ocr_pool_size(const ocr_pool *p)
{
    return p->n;
}

int ocr_pool_loaded(ocr_pool *p)
{
    int n;

    pthread_mutex_lock(&p->lock);
    n = p->loaded;
    pthread_mutex_unlock(&p->lock);
    return n;
}

void ocr_pool_free(ocr_pool *p)
{
    if (!p)
        return;
    /* The quick judge first: a call it cannot finish goes to the workers' queue. Workers drain the
       queue before they see stop: no call is left waiting for a verdict. */
    pthread_mutex_lock(&p->lock);
    p->quick_stop = true;
    pthread_cond_broadcast(&p->quick_cv);
    pthread_mutex_unlock(&p->lock);
    if (p->quick_started)
        pthread_join(p->quick_thread, NULL);
    pthread_mutex_lock(&p->lock);
    p->stop = true;
    pthread_cond_broadcast(&p->work_cv);
    pthread_cond_broadcast(&p->spare_cv);
    pthread_mutex_unlock(&p->lock);
    for (int i = 0; i < p->n; i++)
        pthread_join(p->workers[i].thread, NULL);
    free(p->workers);
    pthread_cond_destroy(&p->work_cv);
    pthread_cond_destroy(&p->spare_cv);
    pthread_cond_destroy(&p->ready_cv);
    pthread_cond_destroy(&p->quick_cv);
    pthread_mutex_destroy(&p->lock);
    free(p);
}
