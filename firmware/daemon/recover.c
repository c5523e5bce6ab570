/* faxgated — recovery at start-up: finishing the calls a crash or a power cut left unfinished.
 *
 * A call with no final state in the store was being received when the daemon stopped. Its
 * pages are in its spool file (synced before each was confirmed) and the store knows how many
 * were confirmed and whether the last ended the fax. Each such call is finished as a live call
 * would have been: page 1 judged by the OCR workers, the pages filed and printed or held, the
 * call saved, with the time it was interrupted and the time it was recovered. A fax whose
 * sender was told every page arrived ends "received"; anything less ends "failed" with its
 * pages kept for review, as after a broken line. A missing, empty or unreadable file is
 * recorded as what it is; nothing here may stop the daemon from starting.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "gateway.h"
#include "log.h"

/* Calls judged at once: page 1 of each is in memory until its verdict. */
#define RECOVER_BATCH 16

typedef struct pending {
    fg_call *call;
    bool judging;
    bool unsure;   /* complete, but the sender may not have got the last MCF: it may send again */
} pending;

/* The call's spool file: where the store last put it, else where a crash could have left it. */
static bool find_file(gateway *gw, fg_call *c, char *path, size_t cap, off_t *size)
{
    static const char *const folders[] = {"rx", "inbox", "hold", "junk"};
    struct stat sb;

    if (fg_call_tiff(c) && stat(fg_call_tiff(c), &sb) == 0) {
        snprintf(path, cap, "%s", fg_call_tiff(c));
        *size = sb.st_size;
        return true;
    }
    for (size_t i = 0; i < sizeof folders / sizeof folders[0]; i++) {
        spool_path(gw->spool, folders[i], fg_call_id(c), path, cap);
        if (stat(path, &sb) == 0) {
            *size = sb.st_size;
            return true;
        }
    }
    path[0] = '\0';
    return false;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash ? slash + 1 : path;
}

static void iso_local(time_t t, char out[32])
{
    struct tm tm;

    out[0] = '\0';
    if (t > 0 && localtime_r(&t, &tm))
        strftime(out, 32, "%Y-%m-%d %H:%M:%S", &tm);
}

/* Reads the call's pages back and sets its final state; true if page 1 is to be judged. */
static bool restore(gateway *gw, fg_call *c, bool *unsure)
{
    int confirmed = fg_call_confirmed(c), pages;
    char path[1200], when[32], why[300] = "";
    fg_page *first = NULL;
    off_t size = 0;
    fg_err e = FG_OK;

    iso_local(fg_call_interrupted(c), when);
    fg_call_set_recovered(c, time(NULL));
    if (!find_file(gw, c, path, sizeof path, &size)) {
        snprintf(why, sizeof why, "no spool file");
    } else if (size == 0) {
        snprintf(why, sizeof why, "%.200s is empty", base_name(path));
    } else if ((e = fg_call_read_tiff(c, path, &first))) {
        /* the full path and libtiff's words go to the log; the record keeps the gist */
        log_warn("recovery: call %lld: %s", (long long)fg_call_id(c), fg_err_msg(e));
        snprintf(why, sizeof why, "%.200s (%lld bytes) %s", base_name(path), (long long)size,
                 fg_call_pages(c) ? "is cut short" : "is not a readable TIFF");
    }
    pages = fg_call_pages(c);
    if (pages == 0) {
        /* what was there comes first: the result is a short line */
        if (confirmed > 0)
            fg_call_set_result(c, FG_CALL_FAILED, "%s, though %d page%s had been confirmed; interrupted %s, recovered",
                               why, confirmed, confirmed == 1 ? "" : "s", when);
        else
            fg_call_set_result(c, FG_CALL_FAILED, "no page kept (%s); interrupted %s, recovered", why[0] ? why : "none "
                               "received", when);
        return false;
    }
    *unsure = fg_call_complete(c) && pages >= confirmed && fg_call_acked(c) < confirmed;
    if (fg_call_complete(c) && pages >= confirmed)
        fg_call_set_result(c, FG_CALL_RECEIVED, "received %d page%s%s; interrupted %s, recovered", pages,
                           pages == 1 ? "" : "s", *unsure ? " (the sender may not know)" : "", when);
    else
        fg_call_set_result(c, FG_CALL_FAILED, "%d page%s kept, %d confirmed to the sender%s%s; interrupted %s, "
                           "recovered", pages, pages == 1 ? "" : "s", confirmed, why[0] ? "; " : "", why, when);
    fg_call_set_page1(c, first);
    fg_call_mark_page1(c);
    return true;
}

/* Finishes a batch: judges page 1 of each on the OCR workers at once, then concludes each. */
static void finish_batch(gateway *gw, pending *b, int n)
{
    for (int i = 0; i < n; i++)
        if (b[i].judging)
            ocr_pool_submit(gw->ocr, b[i].call);
    for (int i = 0; i < n; i++) {
        fg_call *c = b[i].call;

        while (b[i].judging && !fg_call_wait_until_judged(c, 60000))
            log_warn("call %lld: still waiting for page 1 to be read", (long long)fg_call_id(c));
        if (b[i].unsure && fg_call_verdict(c) == FG_VERDICT_DELIVER)
            fg_call_override(c, FG_VERDICT_HOLD, "interrupted just after its last page was confirmed: the sender may "
                             "not have heard it and may send it again, so it is held rather than printed twice");
        call_conclude(gw, c, false);
        log_info("call %lld recovered: %s; %s", (long long)fg_call_id(c), fg_call_result(c),
                 fg_call_judged(c) ? fg_verdict_name(fg_call_verdict(c)) : "not judged");
        fg_call_free(c);
    }
}

struct recovery {
    gateway *gw;
    int64_t *ids;
    int n, done;
    atomic_bool stop;
    pthread_t thread;
};

static void *recovery_thread(void *arg)
{
    recovery *r = arg;
    pending batch[RECOVER_BATCH];
    int nb = 0;
    fg_err e;

    for (int i = 0; i < r->n && !atomic_load(&r->stop); i++) {
        fg_call *c = NULL;

        if ((e = fg_store_call_load(r->gw->st, r->ids[i], &c))) {
            log_error("recovery: call %lld: %s (left as it is)", (long long)r->ids[i], fg_err_msg(e));
            continue;
        }
        batch[nb].call = c;
        batch[nb].unsure = false;
        batch[nb].judging = restore(r->gw, c, &batch[nb].unsure);
        if (++nb == RECOVER_BATCH) {
            finish_batch(r->gw, batch, nb);
            r->done += nb;
            nb = 0;
        }
    }
    finish_batch(r->gw, batch, nb);
    r->done += nb;
    if (r->done < r->n)
        log_warn("recovery: stopped with %d of %d calls finished; the rest stay unfinished for the next start",
                 r->done, r->n);
    else
        log_info("recovery: the %d unfinished call%s finished", r->n, r->n == 1 ? " is" : "s are");
    return NULL;
}

void recovery_start(gateway *gw, recovery **out)
{
    recovery *r;
    int64_t *ids = NULL;
    int n = 0;
    fg_err e;

    *out = NULL;
    if ((e = fg_store_unfinished(gw->st, &ids, &n))) {
        log_error("recovery: cannot list the calls left unfinished: %s (they stay as they are)", fg_err_msg(e));
        return;
    }
    if (n == 0) {
        free(ids);
        return;
    }
    log_warn("recovery: %d call%s left unfinished by the last run (a crash or a power cut): finishing them while "
             "new calls are answered", n, n == 1 ? " was" : "s were");
    if (!(r = calloc(1, sizeof *r))) {
        log_error("recovery: out of memory: the %d unfinished calls stay as they are until the next start", n);
        free(ids);
        return;
    }
    r->gw = gw;
    r->ids = ids;
    r->n = n;
    if (pthread_create(&r->thread, NULL, recovery_thread, r)) {
        /* no thread: finish them here, before answering, as a start without threads would */
        log_warn("recovery: cannot start its thread: finishing the calls before answering");
        recovery_thread(r);
        r->thread = pthread_self();
    }
    *out = r;
}

int recovery_stop(recovery *r)
{
    int done;

    if (!r)
        return 0;
    atomic_store(&r->stop, true);
    if (!pthread_equal(r->thread, pthread_self()))
        pthread_join(r->thread, NULL);
    done = r->done;
    free(r->ids);
    free(r);
    return done;
}
