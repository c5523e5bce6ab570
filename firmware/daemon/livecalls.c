/* faxgated — the table of calls in progress, for `faxgatectl status`.
 *
 * A call thread owns its fg_call and changes it without locks; the control socket must not read
 * it from another thread. So each call publishes copies of what an operator wants to see (phase,
 * pages so far, TSI, caller ID) into its own entry here, under one mutex, at the few moments they
 * change (answer, phase B, each page, the end of the line). One gateway per process: the table
 * is file-static.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gateway.h"

struct live_call {
    live_call *next;
    int64_t id;
    char line_type[16];     /* the line URI's scheme: "audiosocket", "sip" */
    char peer[128];         /* the line's URI: who is calling in */
    char uuid[64];
    char caller_id[40];
    char tsi[24];
    char phase[12];
    char activity[96];
    int pages;
    struct timespec since;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static live_call *head;

live_call *livecall_add(void)
{
    live_call *lc = calloc(1, sizeof *lc);

    if (!lc)
        return NULL;   /* the call goes on; it is only missing from the status */
    snprintf(lc->phase, sizeof lc->phase, "A");
    snprintf(lc->activity, sizeof lc->activity, "answering");
    clock_gettime(CLOCK_MONOTONIC, &lc->since);
    pthread_mutex_lock(&lock);
    lc->next = head;
    head = lc;
    pthread_mutex_unlock(&lock);
    return lc;
}

void livecall_line(live_call *lc, const char *line_uri, const char *uuid)
{
    size_t n;

    if (!lc)
        return;
    n = strcspn(line_uri, ":");
    pthread_mutex_lock(&lock);
    snprintf(lc->line_type, sizeof lc->line_type, "%.*s", (int)n, line_uri);
    snprintf(lc->peer, sizeof lc->peer, "%s", line_uri);
    snprintf(lc->uuid, sizeof lc->uuid, "%s", uuid ? uuid : "");
    pthread_mutex_unlock(&lock);
}

void livecall_update(live_call *lc, const fg_call *c, const char *phase, const char *fmt, ...)
{
    char activity[sizeof lc->activity];
    va_list ap;

    if (!lc)
        return;
    va_start(ap, fmt);
    vsnprintf(activity, sizeof activity, fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&lock);
    if (c) {
        const char *tsi = fg_call_tsi(c);

        lc->id = fg_call_id(c);
        lc->pages = fg_call_confirmed(c);
        snprintf(lc->tsi, sizeof lc->tsi, "%s", tsi ? tsi : "");
        snprintf(lc->caller_id, sizeof lc->caller_id, "%s", fg_call_caller_id(c));
    }
    snprintf(lc->phase, sizeof lc->phase, "%s", phase);
    snprintf(lc->activity, sizeof lc->activity, "%s", activity);
    pthread_mutex_unlock(&lock);
}

void livecall_remove(live_call *lc)
{
    if (!lc)
        return;
    pthread_mutex_lock(&lock);
    for (live_call **p = &head; *p; p = &(*p)->next) {
        if (*p == lc) {
            *p = lc->next;
            break;
        }
    }
    pthread_mutex_unlock(&lock);
    free(lc);
}

static json_t *one(const live_call *lc, const struct timespec *now)
{
    double s = (double)(now->tv_sec - lc->since.tv_sec) + (double)(now->tv_nsec - lc->since.tv_nsec) / 1e9;

    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:f}", "id", (json_int_t)lc->id, "line_type",
                     lc->line_type, "line", lc->peer, "uuid", lc->uuid, "caller_id", lc->caller_id, "tsi", lc->tsi,
                     "phase", lc->phase, "activity", lc->activity, "pages", lc->pages, "seconds",
                     (double)(long)(s * 10) / 10);
}

json_t *livecalls_json(void)
{
    json_t *arr = json_array();
    struct timespec now;

    if (!arr)
        return NULL;
    clock_gettime(CLOCK_MONOTONIC, &now);
    pthread_mutex_lock(&lock);
    /* the list is newest first; oldest first is what an operator reads top to bottom */
    for (live_call *lc = head; lc; lc = lc->next)
        json_array_insert_new(arr, 0, one(lc, &now));
    pthread_mutex_unlock(&lock);
    return arr;
}
