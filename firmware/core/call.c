/* faxgate — the call object: creation, the few public accessors, freeing in one place. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "call_impl.h"
#include "faxgate/bands.h"
#include "faxgate/durable.h"

fg_err fg_call_new(fg_call **out)
{
    fg_call *c = calloc(1, sizeof *c);

    if (!c)
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate a call");
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->judged_cv, NULL);
    c->started = time(NULL);
    c->state = FG_CALL_NEW;
    c->decision.verdict = FG_VERDICT_DELIVER;
    snprintf(c->result, sizeof c->result, "not started");
    *out = c;
    return FG_OK;
}

void fg_call_free(fg_call *c)
{
    if (!c)
        return;
    fg_page_free(c->page1);
    fg_bandset_unref(c->bands);
    fg_words_free(c->words);
    fg_ident_clear(&c->ident);
    free(c->pages);
    free(c->tiff);
    free(c->text);
    pthread_cond_destroy(&c->judged_cv);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

int64_t fg_call_id(const fg_call *c)
{
    return c->id;
}

static void copy_field(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

fg_err fg_call_set_line(fg_call *c, const char *line, const char *uuid, const char *caller_id)
{
    copy_field(c->line, sizeof c->line, line);
    copy_field(c->uuid, sizeof c->uuid, uuid);
    copy_field(c->caller_id, sizeof c->caller_id, caller_id);
    return FG_OK;
}

const char *fg_call_nsf_vendor(const fg_call *c)
{
    return c->t30.nsf_vendor;
}

const char *fg_call_nsf_model(const fg_call *c)
{
    return c->t30.nsf_model;
}

const char *fg_call_dcs(const fg_call *c)
{
    return c->t30.dcs;
}

void fg_call_set_called(fg_call *c, const char *number)
{
    copy_field(c->called, sizeof c->called, number);
}

const char *fg_call_called(const fg_call *c)
{
    return c->called;
}

void fg_call_set_t38(fg_call *c)
{
    size_t n = strlen(c->line);

    if (!strstr(c->line, " (T.38)") && n + sizeof " (T.38)" <= sizeof c->line)
        memcpy(c->line + n, " (T.38)", sizeof " (T.38)");
}

fg_err fg_call_set_tsi(fg_call *c, const char *tsi)
{
    copy_field(c->t30.tsi, sizeof c->t30.tsi, tsi);
    c->t30.tsi_seen = true;
    return FG_OK;
}

fg_call_state fg_call_get_state(const fg_call *c)
{
    return c->state;
}

const char *fg_call_state_name(fg_call_state s)
{
    static const char *const n[] = {"new", "receiving", "received", "failed", "rejected"};

    return (unsigned)s < sizeof n / sizeof n[0] ? n[s] : "unknown";
}

const char *fg_call_tiff(const fg_call *c)
{
    return c->tiff;
}

fg_err fg_call_move_tiff(fg_call *c, const char *path)
{
    char *dup;
    fg_err e;

    if (!c->tiff)
        return fg_err_set(FG_ERR_STATE, "call has no pages to move");
    if (!(dup = strdup(path)))
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate a path");
    if ((e = fg_move_durable(c->tiff, path))) {
        free(dup);
        return e;
    }
    free(c->tiff);
    c->tiff = dup;
    return FG_OK;
}

int fg_call_pages(const fg_call *c)
{
    return c->npages;
}

void fg_call_set_page1(fg_call *c, fg_page *page)
{
    fg_page_free(c->page1);
    c->page1 = page;
}

void fg_call_set_bands(fg_call *c, fg_bandset *bs)
{
    fg_bandset_unref(c->bands);
    c->bands = bs;
}

fg_bandset *fg_call_bands(const fg_call *c)
{
    return c->bands;
}

bool fg_call_bands_stats(const fg_call *c, fg_bandset_stats *st)
{
    if (!c->bands)
        return false;
    fg_bandset_get_stats(c->bands, st);
    return true;
}

const char *fg_call_bands_error(const fg_call *c)
{
    return c->bands_error;
}

const fg_page *fg_call_page1(const fg_call *c)
{
    return c->page1;
}

fg_err fg_call_set_text(fg_call *c, const char *text, size_t len)
{
    char *t = malloc(len + 1);

    if (!t)
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate %zu bytes of text", len);
    /* NUL bytes in hostile text would silently cut it short: they become spaces */
    for (size_t i = 0; i < len; i++)
        t[i] = text[i] ? text[i] : ' ';
    t[len] = '\0';
    free(c->text);
    c->text = t;
    return FG_OK;
}

fg_verdict fg_call_verdict(const fg_call *c)
{
    return c->decision.verdict;
}

bool fg_call_judged(const fg_call *c)
{
    return c->judged;
}

const char *fg_call_result(const fg_call *c)
{
    return c->result;
}

void fg_call_set_result(fg_call *c, fg_call_state s, const char *fmt, ...)
{
    va_list ap;

    c->state = s;
    va_start(ap, fmt);
    vsnprintf(c->result, sizeof c->result, fmt, ap);
    va_end(ap);
}

fg_err fg_call_add_page(fg_call *c, int width, int height, bool partial, const char *sha256)
{
    fg_call_page *p;

    if (c->npages >= FG_CALL_PAGES_MAX)
        return fg_err_set(FG_ERR_TOOBIG, "more than %d pages in one call", FG_CALL_PAGES_MAX);
    p = realloc(c->pages, (size_t)(c->npages + 1) * sizeof *p);
    if (!p)
        return fg_err_set(FG_ERR_NOMEM, "cannot grow the page list");
    c->pages = p;
    p = &c->pages[c->npages++];
    memset(p, 0, sizeof *p);
    p->width = width;
    p->height = height;
    p->partial = partial;
    copy_field(p->sha256, sizeof p->sha256, sha256);
    return FG_OK;
}

void fg_call_mark_judged(fg_call *c)
{
    pthread_mutex_lock(&c->lock);
    c->judged = true;
    pthread_cond_broadcast(&c->judged_cv);
    pthread_mutex_unlock(&c->lock);
}

bool fg_call_wait_judged(fg_call *c, int timeout_ms)
{
    struct timespec deadline;
    bool judged;

    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += timeout_ms / 1000;
    deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&c->lock);
    while (!c->judged) {
        if (pthread_cond_timedwait(&c->judged_cv, &c->lock, &deadline) == ETIMEDOUT)
            break;
    }
    judged = c->judged;
    pthread_mutex_unlock(&c->lock);
    return judged;
}

double fg_ms_between(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) * 1e3 + (double)(b->tv_nsec - a->tv_nsec) / 1e6;
}

const char *fg_call_tsi(const fg_call *c)
{
    return c->t30.tsi_seen ? c->t30.tsi : NULL;
}

const char *fg_call_caller_id(const fg_call *c)
{
    return c->caller_id;
}

void fg_call_mark_page1(fg_call *c)
{
    clock_gettime(CLOCK_MONOTONIC, &c->t_page1);
}

bool fg_call_wait_until_judged(fg_call *c, int timeout_ms)
{
    return fg_call_wait_judged(c, timeout_ms);
}

void fg_call_override(fg_call *c, fg_verdict v, const char *reason)
{
    c->decision.verdict = v;
    copy_field(c->decision.reason, sizeof c->decision.reason, reason);
}

void fg_call_set_delivery(fg_call *c, const char *state)
{
    copy_field(c->deliver_state, sizeof c->deliver_state, state);
}

void fg_call_set_printed(fg_call *c)
{
    c->printed = true;
    copy_field(c->deliver_state, sizeof c->deliver_state, "printed");
}

/* Appends to buf at *len, never past cap. */
static void append(char *buf, size_t cap, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void append(char *buf, size_t cap, size_t *len, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (*len >= cap)
        return;
    va_start(ap, fmt);
    n = vsnprintf(buf + *len, cap - *len, fmt, ap);
    va_end(ap);
    if (n > 0)
        *len = *len + (size_t)n < cap ? *len + (size_t)n : cap - 1;
}

void fg_call_summary(const fg_call *c, char *buf, size_t cap)
{
    size_t len = 0;
    int shown = 0;

    buf[0] = '\0';
    if (!c->judged) {
        append(buf, cap, &len, "not judged");
        return;
    }
    append(buf, cap, &len, "%s, score %.1f", fg_verdict_name(c->decision.verdict), c->scores.total);
    /* the strongest rules first: they are what explains the verdict */
    bool used[FG_SCORES_MAX] = {false};
    for (int k = 0; k < 4 && k < c->scores.n; k++) {
        int best = -1;

        for (int i = 0; i < c->scores.n; i++)
            if (!used[i] && (best < 0 || fabs(c->scores.v[i].weight) > fabs(c->scores.v[best].weight)))
                best = i;
        used[best] = true;
        append(buf, cap, &len, "%s%s %+.1f", shown++ ? ", " : " (", c->scores.v[best].name,
               c->scores.v[best].weight);
    }
    if (shown)
        append(buf, cap, &len, "%s)", c->scores.n > shown ? ", …" : "");
    if (c->ident.adv_name)
        append(buf, cap, &len, "; advertiser %s", c->ident.adv_name);
    if (c->ident.callback[0])
        append(buf, cap, &len, " %s", c->ident.callback);
    if (c->decision.nv)
        append(buf, cap, &len, "; %d violation%s (%s %s)", c->decision.nv, c->decision.nv > 1 ? "s" : "",
               c->decision.v[0].profile, c->decision.v[0].rule);
    if (c->judge_error[0])
        append(buf, cap, &len, "; %s", c->judge_error);
}

int fg_call_confirmed(const fg_call *c)
{
    return c->confirmed;
}

bool fg_call_complete(const fg_call *c)
{
    return c->complete;
}

int fg_call_acked(const fg_call *c)
{
    return c->acked;
}

time_t fg_call_interrupted(const fg_call *c)
{
    return c->interrupted;
}

void fg_call_set_recovered(fg_call *c, time_t when)
{
    c->recovered = when;
}

fg_err fg_call_read_tiff(fg_call *c, const char *path, fg_page **first)
{
    char *dup = strdup(path);
    fg_err e = FG_OK;
    int count = 0;

    if (first)
        *first = NULL;
    if (!dup)
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate a path");
    free(c->tiff);
    c->tiff = dup;
    c->npages = 0;
    c->tiff_sha256[0] = '\0';
    /* a file cut short may count pages it cannot give: read until one fails */
    if ((e = fg_page_tiff_count(path, &count)))
        return e;
    for (int i = 0; i < count; i++) {
        fg_page *p;

        if ((e = fg_page_read_tiff(path, i, &p)))
            return e;
        if ((e = fg_call_add_page(c, p->width, p->height, p->partial, NULL))) {
            fg_page_free(p);
            return e;
        }
        fg_page_sha256(p, c->pages[i].sha256);
        if (i == 0 && first)
            *first = p;
        else
            fg_page_free(p);
    }
    return fg_sha256_file(path, c->tiff_sha256);
}
