/* faxgated — one thread per call: receive with T.30, have page 1 judged, then file and deliver.
 *
 * The thread is clocked by the line: each block of audio received is answered with as many
 * samples, so the gateway runs at real-time pace behind Asterisk and as fast as the peer
 * sends in tests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gateway.h"
#include "log.h"

/* The peer's first message may take this long (a PBX connecting the call). */
#define LINE_SILENCE_MS 30000
#define MAX_BLOCK 8000

typedef struct call_ctx {
    gateway *gw;
    fg_line *ln;
    fg_call *call;
    bool page1_queued;
    fg_bandset *bands;          /* page 1's bands while it arrives (the call holds the reference) */
    bool bands_off;             /* not for this call: [ocr] bands = no, or they could not start */
    struct timespec kept_at;    /* when the last page was confirmed (its MCF queued) */
    live_call *live;            /* what `faxgatectl status` shows of this call */
    struct timespec start;      /* when receiving began (max_seconds, no_fax_seconds) */
} call_ctx;

/* The line a call came in on (with several listeners, [line] listen is a list). */
static const char *line_uri(const gateway *gw, const fg_line *ln)
{
    return fg_line_uri(ln)[0] ? fg_line_uri(ln) : gw->listen_uri;
}

/* A sender seen sending faxes with violations ([screen] offender_faxes in offender_days) is
   refused before page 1. A store that cannot be asked refuses nobody. */
static bool offender(gateway *gw, const char *tsi, const char *caller_id, char *reason, size_t cap)
{
    bool found = false;
    char why[200];
    fg_err e;

    if (gw->offender_n <= 0)
        return false;
    if ((e = fg_store_screen_offender(gw->st, tsi, caller_id, gw->offender_n, gw->offender_days, &found, why,
                                      sizeof why))) {
        log_warn("screening by history failed, taking the call: %s", fg_err_msg(e));
        return false;
    }
    if (found)
        snprintf(reason, cap, "repeat offender: %s", why);
    return found;
}

/* A sender that sent a fax of a campaign an operator marked junk ([screen] junk_senders). A store
   that cannot be asked refuses nobody. */
static bool junk_sender(gateway *gw, const char *tsi, const char *caller_id, char *reason, size_t cap)
{
    bool found = false;
    char why[200];
    fg_err e;

    if (!atomic_load(&gw->junk_senders))
        return false;
    if ((e = fg_store_screen_junk(gw->st, tsi, caller_id, &found, why, sizeof why))) {
        log_warn("screening by junk campaigns failed, taking the call: %s", fg_err_msg(e));
        return false;
    }
    if (found)
        snprintf(reason, cap, "junk sender: %s", why);
    return found;
}

static bool all_spaces(const char *s)
{
    for (; s && *s; s++)
        if (*s != ' ')
            return false;
    return true;
}

/* Phase B: refuse blocked senders — by TSI, caller ID, the machine's NSF and DCS — senders of
   campaigns marked junk and repeat offenders (each if configured), and empty or all-space TSIs
   if configured, before any page is sent. A lookup that fails refuses nobody. */
static bool screen_call(void *user, fg_call *call, char *reason, size_t reason_len)
{
    call_ctx *cc = user;
    const char *tsi = fg_call_tsi(call);
    char why[200], nsf[130];
    bool blocked = false;
    fg_err e;

    /* the facts of phase B are committed as soon as they are known, whatever happens next */
    if (fg_call_id(call) && (e = fg_store_call_progress(cc->gw->st, call)))
        log_warn("call %lld: cannot record its phase B yet: %s", (long long)fg_call_id(call), fg_err_msg(e));
    fg_fault("after_phase_b");
    if (cc->gw->reject_empty_tsi && all_spaces(tsi)) {
        snprintf(reason, reason_len, "%s TSI ([screen] reject_empty_tsi = yes)", tsi && *tsi ? "all-space" : "empty");
        return false;
    }
    e = fg_store_screen(cc->gw->st, tsi ? tsi : "", fg_call_caller_id(call), &blocked, why, sizeof why);
    if (!e && !blocked) {
        snprintf(nsf, sizeof nsf, "%s %s", fg_call_nsf_vendor(call), fg_call_nsf_model(call));
        e = fg_store_screen_station(cc->gw->st, nsf, fg_call_dcs(call), &blocked, why, sizeof why);
    }
    if (e) {
        /* A filter stage that fails must not refuse a fax that may be legitimate. */
        log_warn("call %lld: screening failed, accepting the call: %s", (long long)fg_call_id(call), fg_err_msg(e));
        return true;
    }
    if (blocked) {
        snprintf(reason, reason_len, "blocked: %s", why);
        return false;
    }
    return !junk_sender(cc->gw, tsi, fg_call_caller_id(call), reason, reason_len) &&
           !offender(cc->gw, tsi, fg_call_caller_id(call), reason, reason_len);
}

static bool screen(void *user, fg_call *call, char *reason, size_t reason_len)
{
    call_ctx *cc = user;
    bool ok = screen_call(user, call, reason, reason_len);

    if (ok)
        livecall_update(cc->live, call, "C", "receiving page 1");
    else
        livecall_update(cc->live, call, "E", "refused in phase B: %s", reason);
    return ok;
}

/* Pages are on disk, and are confirmed to the sender once the store has them too. */
static bool on_kept(void *user, fg_call *call)
{
    call_ctx *cc = user;
    fg_err e;

    /* the call's first record was refused (store busy or full): one more try, else the sender
       keeps its fax and retries */
    if (!fg_call_id(call) && (e = fg_store_call_begin(cc->gw->st, call))) {
        log_error("cannot record a call from %s, not confirming its pages: %s", fg_call_caller_id(call),
                  fg_err_msg(e));
        return false;
    }
    if ((e = fg_store_call_progress(cc->gw->st, call))) {
        log_error("call %lld: cannot record page %d, not confirming it to the sender: %s",
                  (long long)fg_call_id(call), fg_call_confirmed(call), fg_err_msg(e));
        return false;
    }
    clock_gettime(CLOCK_MONOTONIC, &cc->kept_at);
    if (fg_call_complete(call))
        livecall_update(cc->live, call, "E", "all %d page(s) received; ending the call", fg_call_confirmed(call));
    else
        livecall_update(cc->live, call, "C", "receiving page %d", fg_call_confirmed(call) + 1);
    return true;
}

/* Page 1's rows while it arrives: cut into bands that the OCR workers read before it ends. */
static void on_rows(void *user, fg_call *call, int first_row, const uint8_t *bits, int n, int width, int xdpi,
                    int ydpi)
{
    call_ctx *cc = user;
    fg_err e;

    if (cc->bands_off || cc->page1_queued)
        return;
    if (cc->bands && first_row == 0 && fg_bandset_have(cc->bands) > 0) {
        fg_call_set_bands(call, NULL);   /* page 1 started again: bands of the first try are of no use */
        cc->bands = NULL;
    }
    if (!cc->bands) {
        fg_bandset *bs = NULL;

        if (first_row != 0)
            return;
        if ((e = fg_bandset_new(width, xdpi, ydpi, ocr_pool_submit_band, cc->gw->ocr, &bs))) {
            log_warn("call %lld: page 1 will be read whole when it ends: %s", (long long)fg_call_id(call),
                     fg_err_msg(e));
            cc->bands_off = true;
            return;
        }
        fg_call_set_bands(call, bs);
        cc->bands = bs;
    }
    /* an error stops the set; the judge then reads the page whole and says why */
    fg_bandset_rows(cc->bands, first_row, bits, n);
}

/* A page ended; page 1 goes to the OCR workers at once, while the call goes on. */
static void on_page(void *user, fg_call *call, int page_no, fg_page *page)
{
    call_ctx *cc = user;

    if (page_no != 1 || cc->page1_queued) {
        fg_page_free(page);
        return;
    }
    fg_call_mark_page1(call);
    if (cc->bands)
        fg_bandset_page_ended(cc->bands, page);   /* an error: the judge reads the page whole, says why */
    fg_call_set_page1(call, page);
    cc->page1_queued = true;
    ocr_pool_submit(cc->gw->ocr, call);
}

static double elapsed_s(const struct timespec *since)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - since->tv_sec) + (double)(now.tv_nsec - since->tv_nsec) / 1e9;
}

/* A call that has shown no fax signal by now is a person or a silent line: released, recorded. */
static bool no_fax_yet(call_ctx *cc, fg_rx *rx, const struct timespec *start)
{
    char why[128];

    if (cc->gw->no_fax_s <= 0 || fg_rx_in_fax(rx) || elapsed_s(start) < cc->gw->no_fax_s)
        return false;
    snprintf(why, sizeof why, "no fax signal in %d s: a voice call or a silent line, released ([line] no_fax_seconds)",
             cc->gw->no_fax_s);
    fg_rx_line_lost(rx, why);
    return true;
}

/* [screen] early_hangup: once page 1 is judged drop, the rest of the fax is refused: the line is
   cut (the rows of the page in progress are kept as evidence, as on any broken line). Not before
   the MCF of the last page confirmed has had time to reach the sender (EARLY_AFTER_MCF_S: a V.21
   preamble and frame take about 1.2 s): a sender that did not hear it would send the whole fax
   again. */
#define EARLY_AFTER_MCF_S 3.0

static bool early_hangup(call_ctx *cc, fg_rx *rx)
{
    fg_call *c = cc->call;
    char why[160];

    if (!cc->gw->early_hangup || !cc->page1_queued || fg_call_confirmed(c) < 1 || fg_call_complete(c) ||
        elapsed_s(&cc->kept_at) < EARLY_AFTER_MCF_S || !fg_call_wait_until_judged(c, 0) ||
        fg_call_verdict(c) != FG_VERDICT_DROP)
        return false;
    snprintf(why, sizeof why, "early hang-up: page 1 judged drop, the rest refused after %d page%s",
             fg_call_confirmed(c), fg_call_confirmed(c) == 1 ? "" : "s");
    log_info("call %lld: %s", (long long)fg_call_id(c), why);
    fg_rx_line_lost(rx, why);
    return true;
}

/* What ends a call from our side, whatever the line carries: a stop, [line] max_seconds, no fax
   signal, an early hang-up. Cuts it (pages so far kept) and says so. */
static bool must_end(call_ctx *cc, fg_rx *rx, const struct timespec *start)
{
    if (atomic_load(&cc->gw->stopping)) {
        fg_rx_line_lost(rx, "the gateway is stopping");
        return true;
    }
    if (cc->gw->max_seconds > 0 && elapsed_s(start) > cc->gw->max_seconds) {
        char why[96];

        snprintf(why, sizeof why, "call lasted more than %d s ([line] max_seconds)", cc->gw->max_seconds);
        fg_rx_line_lost(rx, why);
        return true;
    }
    return no_fax_yet(cc, rx, start) || early_hangup(cc, rx);
}

static bool end_now(void *user, fg_rx *rx)
{
    call_ctx *cc = user;

    return must_end(cc, rx, &cc->start);
}

static void switched_t38(void *user, const fg_t38_params *p)
{
    call_ctx *cc = user;

    fg_call_set_t38(cc->call);
    livecall_update(cc->live, cc->call, "B", "switched to T.38; identifying the sender");
    log_info("call %lld: T.38 (version %d, datagram %d, %s, %s)", (long long)fg_call_id(cc->call), p->version,
             p->max_datagram, p->ec == FG_T38_EC_REDUNDANCY ? "redundancy" : p->ec == FG_T38_EC_FEC ? "FEC" : "no EC",
             p->transferred_tcf ? "transferredTCF" : "localTCF");
}

/* Runs T.30 until it ends, the line drops or the call must end (must_end). */
static void receive(call_ctx *cc, fg_rx *rx, const int16_t *first, int first_n)
{
    fg_rx_drive d = {.ln = cc->ln, .first = first, .first_n = first_n, .must_end = end_now, .on_t38 = switched_t38,
                     .user = cc};

    clock_gettime(CLOCK_MONOTONIC, &cc->start);
    fg_rx_drive_line(rx, &d);
    if (*fg_rx_withheld(rx))
        log_error("call %lld: %s: the call was cut before that page was confirmed; the sender keeps its fax and "
                  "will retry", (long long)fg_call_id(cc->call), fg_rx_withheld(rx));
}

/* Puts the pages where their verdict says; true if they are to be printed. */
static bool file_pages(gateway *gw, fg_call *c)
{
    fg_call_state state = fg_call_get_state(c);
    char path[1200];
    fg_verdict v;
    fg_err e;

    if (!fg_call_tiff(c) || fg_call_pages(c) == 0) {
        fg_call_set_delivery(c, state == FG_CALL_REJECTED ? "rejected" : "none");
        return false;
    }
    v = fg_call_verdict(c);
    if (state != FG_CALL_RECEIVED && v == FG_VERDICT_DELIVER) {
        /* The sender normally retries a broken fax in full: printing the fragment too would
           print it twice. Keep it where an operator sees it. */
        char reason[192];

        snprintf(reason, sizeof reason, "incomplete call (%s): pages kept for review, not printed",
                 fg_call_result(c));
        fg_call_override(c, FG_VERDICT_HOLD, reason);
        v = FG_VERDICT_HOLD;
    }
    spool_path(gw->spool, spool_folder_for(v), fg_call_id(c), path, sizeof path);
    if (strcmp(path, fg_call_tiff(c)) && (e = fg_call_move_tiff(c, path)))
        log_error("call %lld: pages stay in %s: %s", (long long)fg_call_id(c), fg_call_tiff(c), fg_err_msg(e));
    switch (v) {
    case FG_VERDICT_DELIVER:
        fg_call_set_delivery(c, "queued");
        return true;
    case FG_VERDICT_HOLD:
        fg_call_set_delivery(c, state == FG_CALL_RECEIVED ? "held" : "kept");
        return false;
    case FG_VERDICT_DROP:
        fg_call_set_delivery(c, "dropped");
        return false;
    }
    return false;
}

fg_err call_conclude(gateway *gw, fg_call *c, bool judging)
{
    char summary[512];
    fg_err e, saved;

    if (judging) {
        /* The worker always finishes (OCR has its own deadline); log if it is slow. */
        while (!fg_call_wait_until_judged(c, 60000))
            log_warn("call %lld: still waiting for page 1 to be read", (long long)fg_call_id(c));
    }
    fg_fault("after_verdict");
    /* The store may have refused the call's first record (busy, full): try again now, before the
       pages are filed under the call's id. */
    if (!fg_call_id(c) && (e = fg_store_call_begin(gw->st, c)))
        log_error("cannot record the call from %s: %s", fg_call_caller_id(c), fg_err_msg(e));
    bool to_print = fg_call_id(c) ? file_pages(gw, c) : false;
    fg_fault("after_filing");
    /* one transaction: the verdict, the pages' place and, to print, the print job */
    if ((saved = fg_store_call_save(gw->st, c)))
        log_error("call %lld: cannot record the call: %s (pages are in %s)", (long long)fg_call_id(c), fg_err_msg(saved),
                  fg_call_tiff(c) ? fg_call_tiff(c) : "-");
    else if (to_print)
        delivery_kick(gw->dlv);
    fg_call_summary(c, summary, sizeof summary);
    log_info("call %lld from %s TSI '%s': %s, %d page%s; %s", (long long)fg_call_id(c),
             *fg_call_caller_id(c) ? fg_call_caller_id(c) : "unknown", fg_call_tsi(c) ? fg_call_tsi(c) : "",
             fg_call_result(c), fg_call_pages(c), fg_call_pages(c) == 1 ? "" : "s", summary);
    return saved;
}

/* Sleeps up to ms, less if the gateway is stopping; false if it is. */
static bool pause_unless_stopping(gateway *gw, int ms)
{
    for (; ms > 0; ms -= 200) {
        if (atomic_load(&gw->stopping))
            return false;
        struct timespec ts = {0, 200 * 1000000L};
        nanosleep(&ts, NULL);
    }
    return !atomic_load(&gw->stopping);
}

#define SAVE_RETRY_MS 5000

/* The store refused a live call's final save (disk full, read-only): the call's pages are on disk
   and its sender may have been told they arrived. Failing open: a fax to print is printed now,
   outside the print queue, and the save is tried again every few seconds until the store takes
   it (printed, it gets no second print job) or the gateway stops (then the call stays unfinished
   in the store, its pages in the spool, and the next start finishes it, printing it once more:
   a copy too many rather than a fax lost). */
static void save_failed(gateway *gw, fg_call *c)
{
    bool to_print = fg_call_get_state(c) == FG_CALL_RECEIVED && fg_call_verdict(c) == FG_VERDICT_DELIVER &&
                    fg_call_tiff(c) && fg_call_pages(c) > 0;
    long long id = (long long)fg_call_id(c);
    bool printed = false;
    fg_err e;

    if (to_print)
        log_error("call %lld: the store cannot queue it for printing: printing it now, outside the queue (fail open)",
                  id);
    for (int tries = 1;; tries++) {
        if (to_print && !printed) {
            if ((e = delivery_print_unqueued(gw->dlv, fg_call_id(c), fg_call_tiff(c))))
                log_error("call %lld: cannot print it outside the queue either (%s); trying again in %d s", id,
                          fg_err_msg(e), SAVE_RETRY_MS / 1000);
            else
                fg_call_set_printed(c), printed = true;
        }
        if (!pause_unless_stopping(gw, SAVE_RETRY_MS))
            break;
        if (!(e = fg_store_call_save(gw->st, c))) {
            log_warn("call %lld recorded in the store at last (try %d)%s", id, tries + 1,
                     printed ? ", as printed" : "");
            if (to_print && !printed)
                delivery_kick(gw->dlv);
            return;
        }
        if (tries % 12 == 0)
            log_error("call %lld: the store still cannot record it after %d s: %s", id, tries * SAVE_RETRY_MS / 1000,
                      fg_err_msg(e));
    }
    log_error("call %lld: the gateway stops before the store could record it: it stays unfinished in the store, "
              "its pages in %s, and the next start finishes it%s", id, fg_call_tiff(c) ? fg_call_tiff(c) : "-",
              printed ? " (printing it once more)" : "");
}

static void run_call(call_ctx *cc)
{
    gateway *gw = cc->gw;
    int16_t first[MAX_BLOCK];
    char tiff[1200];
    fg_rx *rx = NULL;
    int n = 0;
    fg_err e;

    /* The peer's first messages carry the call id (and faxgate's call info): read them before
       recording the call, so the record names the call as the PBX knows it. */
    e = fg_line_recv(cc->ln, first, MAX_BLOCK, &n, LINE_SILENCE_MS);
    fg_call_set_line(cc->call, line_uri(gw, cc->ln), fg_line_uuid(cc->ln), fg_line_caller_id(cc->ln));
    fg_call_set_called(cc->call, fg_line_called(cc->ln));
    livecall_line(cc->live, fg_line_uri(cc->ln), fg_line_uuid(cc->ln));
    /* a call in T.38 from its INVITE sends no audio; a silent one is still a call, recorded and
       released as such */
    if (e == FG_ERR_STATE || e == FG_ERR_TIMEOUT)
        e = FG_OK;
    if (e) {
        if (!*fg_line_uuid(cc->ln)) {   /* no call named: a probe or a stray connection, not a call */
            log_info("connection from %s closed before it named a call: %s", fg_line_uri(cc->ln), fg_err_msg(e));
            return;
        }
        /* An answered call gone before any audio (the caller hung up at once, a PBX that broke
           off): no page, but a call all the same, recorded with what happened. */
        log_warn("call from %s ended before any audio: %s",
                 *fg_line_caller_id(cc->ln) ? fg_line_caller_id(cc->ln) : fg_line_uri(cc->ln), fg_err_msg(e));
        fg_line_hangup(cc->ln);
        fg_call_set_result(cc->call, FG_CALL_FAILED, "ended before any audio, no page received: %s", fg_err_msg(e));
        call_conclude(gw, cc->call, false);
        return;
    }
    if ((e = fg_store_call_begin(gw->st, cc->call))) {
        /* Its pages could not be confirmed (they are confirmed once the store has them): taking
           the call would cost the sender a page for nothing. Hung up before any fax signal, the
           sender keeps its fax and retries. */
        log_error("refusing a call from %s before answering it: the store cannot record it (%s); the sender will "
                  "retry", *fg_line_caller_id(cc->ln) ? fg_line_caller_id(cc->ln) : fg_line_uri(cc->ln), fg_err_msg(e));
        livecall_update(cc->live, cc->call, "A", "refused: the store cannot record the call");
        fg_line_hangup(cc->ln);
        return;
    }
    livecall_update(cc->live, cc->call, "B", "identifying the sender");
    spool_path(gw->spool, "rx", fg_call_id(cc->call), tiff, sizeof tiff);
    if (!fg_call_id(cc->call)) {   /* no id from the store: name the file after the line's call id */
        char tag[64];   /* a SIP Call-ID is the far end's text and may hold '/' */

        fg_line_file_tag(fg_line_uuid(cc->ln), tag, sizeof tag);
        snprintf(tiff, sizeof tiff, "%s/rx/call-%s-%ld.tif", gw->spool, tag, (long)time(NULL));
    }

    fg_rx_opts opts = {
        .csi = fg_config_get(gw->cfg, "line", "csi"),
        .ecm = fg_config_bool(gw->cfg, "line", "ecm"),
        .modems = gw->modems,
        .resolutions = gw->resolutions,
        .tiff_path = tiff,
        .max_seconds = gw->max_seconds,
        .screen = screen,
        .on_page = on_page,
        .on_kept = on_kept,
        .on_rows = on_rows,
        .t38_no_pacing = !fg_config_bool(gw->cfg, "sip", "t38_pacing"),
        .user_data = cc,
    };
    if ((e = fg_rx_new(&opts, cc->call, &rx))) {
        log_error("call %lld: cannot start the fax receiver: %s", (long long)fg_call_id(cc->call), fg_err_msg(e));
        fg_line_hangup(cc->ln);
        return;
    }
    receive(cc, rx, first, n);
    if ((e = fg_rx_finish(rx)))
        log_error("call %lld: closing the received pages: %s", (long long)fg_call_id(cc->call), fg_err_msg(e));
    fg_line_hangup(cc->ln);
    fg_rx_free(rx);
    livecall_update(cc->live, cc->call, "after", "line released (%s); %s", fg_call_result(cc->call),
                    cc->page1_queued ? "waiting for page 1's verdict, then filing" : "filing");
    if (call_conclude(gw, cc->call, cc->page1_queued) && fg_call_id(cc->call))
        save_failed(gw, cc->call);
}

static void *call_thread(void *arg)
{
    call_ctx *cc = arg;
    gateway *gw = cc->gw;

    cc->live = livecall_add();
    run_call(cc);
    livecall_remove(cc->live);
    fg_line_free(cc->ln);
    fg_call_free(cc->call);
    free(cc);
    pthread_mutex_lock(&gw->calls_lock);
    atomic_fetch_sub(&gw->places, 1);
    atomic_fetch_sub(&gw->active_calls, 1);
    pthread_cond_broadcast(&gw->calls_cv);
    pthread_mutex_unlock(&gw->calls_lock);
    return NULL;
}

/* Records a call refused before its answer, no page received, with result as its result; returns
   its id, 0 if the store could not take it (said in the log). */
static int64_t record_refused(gateway *gw, const char *line_uri, const char *call_id, const char *caller_id,
                              const char *called, const char *result)
{
    fg_call *c = NULL;
    int64_t id = 0;
    fg_err e;

    if (fg_call_new(&c))
        return 0;
    fg_call_set_line(c, line_uri, call_id, caller_id);
    fg_call_set_called(c, called);
    if (!(e = fg_store_call_begin(gw->st, c))) {
        fg_call_set_result(c, FG_CALL_REJECTED, "%s", result);
        fg_call_set_delivery(c, "refused");
        e = fg_store_call_save(gw->st, c);
    }
    if (e)
        log_error("the call from %s refused before answer is not in the store: %s",
                  caller_id && *caller_id ? caller_id : line_uri, fg_err_msg(e));
    else
        id = fg_call_id(c);
    fg_call_free(c);
    return id;
}

/* Refuses a call before answering it and records why (a store that cannot record it: said in
   the log). A fault of the gateway itself (no space, no spool, no store) is an error. */
static void refuse(gateway *gw, fg_line *ln, const char *why, bool fault)
{
    char result[800];

    if (fault)
        log_error("refusing a call from %s before answering it: %s", fg_line_uri(ln), why);
    else
        log_warn("refusing a call from %s: %s", fg_line_uri(ln), why);
    fg_line_hangup(ln);
    snprintf(result, sizeof result, "refused before answer: %s", why);
    record_refused(gw, line_uri(gw, ln), fg_line_uuid(ln), fg_line_caller_id(ln), fg_line_called(ln), result);
    fg_line_free(ln);
}

void call_refuse(gateway *gw, fg_line *ln, const char *why)
{
    refuse(gw, ln, why, false);
}

/* The store's folder's free space in MiB; false if it cannot be told. */
static bool store_free_mb(gateway *gw, long *mb)
{
    const char *db = fg_config_get(gw->cfg, "store", "db");
    const char *slash = db ? strrchr(db, '/') : NULL;
    char dir[1024];

    if (!db)
        return false;
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else
        snprintf(dir, sizeof dir, "%.*s", slash == db ? 1 : (int)(slash - db), db);
    return spool_free_mb(dir, mb) == FG_OK;
}

/* Before answering: the spool's folders exist (made again if they vanished) and the spool and
   the store have [spool] min_free_mb free. Else the call is refused (why says it) before it
   costs the sender a page: a fax that could not be kept is not taken. */
static bool fit_for_a_call(gateway *gw, char *why, size_t cap)
{
    long free_mb = 0, min = atomic_load(&gw->min_free_mb);
    bool recreated = false;
    fg_err e;

    if ((e = spool_check(gw->spool, &free_mb, &recreated))) {
        snprintf(why, cap, "the spool cannot be used: %s", fg_err_msg(e));
        return false;
    }
    if (recreated)
        log_error("spool %s: a folder of it had vanished (removed while the gateway runs?): made it again; the "
                  "faxes that were filed in it are gone from it", gw->spool);
    if (fg_store_readonly(gw->st)) {
        snprintf(why, cap, "the store cannot record it: it was opened read-only; the sender will retry");
        return false;
    }
    if (free_mb < min) {
        snprintf(why, cap, "spool has %ld MiB free, below [spool] min_free_mb = %ld; the sender will retry", free_mb,
                 min);
        return false;
    }
    if (store_free_mb(gw, &free_mb) && free_mb < min) {
        snprintf(why, cap, "the store's folder has %ld MiB free, below [spool] min_free_mb = %ld; the sender will "
                 "retry", free_mb, min);
        return false;
    }
    return true;
}

/* Records a call refused by the screen before its answer (how: "busy before answer (SIP 503)"…). */
static void record_unanswered(gateway *gw, const char *line_uri, const char *call_id, const char *caller_id,
                              const char *how, const char *why)
{
    char result[800];
    int64_t id;

    snprintf(result, sizeof result, "%s, no page received: %s", how, why);
    if ((id = record_refused(gw, line_uri, call_id, caller_id, NULL, result)))
        log_info("call %lld from %s %s: %s", (long long)id, caller_id && *caller_id ? caller_id : line_uri, how, why);
}

/* Takes one of the [line] max_calls places if one is free. A place is held from the screen's
   verdict (or the start of a call no screen saw) to the end of the call, so calls let through
   while they ring cannot outnumber the places: two INVITEs for the last place get one 200 and
   one 503, where counting the calls in progress alone answered both and hung up on one. */
static bool take_place(gateway *gw)
{
    int n = atomic_load(&gw->places);

    do {
        if (n >= atomic_load(&gw->max_calls))
            return false;
    } while (!atomic_compare_exchange_weak(&gw->places, &n, n + 1));
    return true;
}

/* A call the screen took ended before it started (cancelled while ringing, never answered). */
void call_unclaim(void *user)
{
    gateway *gw = user;

    atomic_fetch_sub(&gw->places, 1);
}

/* A call offered on a line that can refuse before answering (SIP). A gateway that cannot take it
   now (every call in [line] max_calls in progress; no room, no spool, a read-only store) answers
   busy (503): the sender keeps its fax and tries again, where answering and hanging up would
   have cost it a call and told it nothing. A caller ID on the block list is declined (603). Both
   are recorded as calls that never cost a page. A store that cannot be asked lets the call
   through to phase B: a filter stage that fails never refuses a fax. */
fg_screen_verdict call_screen_offer(void *user, const char *line_uri, const char *call_id, const char *caller_id,
                                    char *why, size_t cap)
{
    gateway *gw = user;
    const char *who = caller_id && *caller_id ? caller_id : line_uri;
    bool blocked = false;
    char reason[160];
    fg_err e;

    if (!take_place(gw)) {
        snprintf(why, cap, "%d calls in progress ([line] max_calls); the sender will retry",
                 atomic_load(&gw->max_calls));
        log_warn("refusing a call from %s before answering it: %s", who, why);
        record_unanswered(gw, line_uri, call_id, caller_id, "busy before answer (SIP 503)", why);
        return FG_SCREEN_BUSY;
    }
    if (!fit_for_a_call(gw, why, cap)) {
        call_unclaim(gw);
        log_error("refusing a call from %s before answering it: %s", who, why);
        record_unanswered(gw, line_uri, call_id, caller_id, "busy before answer (SIP 503)", why);
        return FG_SCREEN_BUSY;
    }
    if (!caller_id || !*caller_id)
        return FG_SCREEN_TAKE;
    if ((e = fg_store_screen(gw->st, "", caller_id, &blocked, reason, sizeof reason))) {
        log_warn("screening %s before the answer failed, taking the call: %s", caller_id, fg_err_msg(e));
        return FG_SCREEN_TAKE;
    }
    if (!blocked && !junk_sender(gw, "", caller_id, why, cap) && !offender(gw, "", caller_id, why, cap))
        return FG_SCREEN_TAKE;
    call_unclaim(gw);
    if (blocked)
        snprintf(why, cap, "blocked: %s", reason);
    record_unanswered(gw, line_uri, call_id, caller_id, "declined before answer (SIP 603)", why);
    return FG_SCREEN_DECLINE;
}

void call_start(gateway *gw, fg_line *ln)
{
    call_ctx *cc;
    pthread_attr_t attr;
    pthread_t t;
    char why[700];

    /* a call its screen took comes with its place; any other (AudioSocket) takes one now */
    if (!fg_line_take_claim(ln) && !take_place(gw)) {
        snprintf(why, sizeof why, "%d calls in progress ([line] max_calls); the sender will retry", gw->max_calls);
        call_refuse(gw, ln, why);
        return;
    }
    if (!fit_for_a_call(gw, why, sizeof why)) {
        call_unclaim(gw);
        refuse(gw, ln, why, true);
        return;
    }
    if (!(cc = calloc(1, sizeof *cc)) || fg_call_new(&cc->call)) {
        free(cc);
        call_unclaim(gw);
        call_refuse(gw, ln, "out of memory");
        return;
    }
    cc->gw = gw;
    cc->ln = ln;
    cc->bands_off = !gw->ocr_bands;
    atomic_fetch_add(&gw->active_calls, 1);
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &attr, call_thread, cc)) {
        atomic_fetch_sub(&gw->active_calls, 1);
        call_unclaim(gw);
        fg_call_free(cc->call);
        free(cc);
        call_refuse(gw, ln, "cannot start a thread for the call");
    }
    pthread_attr_destroy(&attr);
}
