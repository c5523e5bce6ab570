/* faxgated — the gateway's shared state and the parts of the daemon that use it. */
#ifndef FAXGATED_GATEWAY_H
#define FAXGATED_GATEWAY_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <time.h>
#include <jansson.h>

#include "faxgate/bands.h"
#include "faxgate/faxgate.h"

typedef struct ocr_pool ocr_pool;
typedef struct delivery delivery;
typedef struct outgoing outgoing;
typedef struct control control;
typedef struct live_call live_call;

typedef struct gateway {
    fg_config *cfg;
    fg_store *st;
    fg_pipeline *pipe;          /* swapped by a reload: use it through gateway_pipeline_hold */
    ocr_pool *ocr;
    delivery *dlv;
    outgoing *out;              /* faxes the gateway sends */
    const char *spool;          /* [spool] dir */
    const char *listen_uri;     /* [line] listen */
    char listening_uri[600];    /* the listener's own URI (port 0 resolved), written once... */
    _Atomic(const char *) listening;   /* ...then published here for the control thread */
    const char *config_path;    /* --config FILE, re-read by a reload; NULL: embedded defaults only */
    unsigned modems, resolutions;
    /* the settings a reload may change while calls run: atomic */
    atomic_int max_calls;
    atomic_int max_seconds;
    int no_fax_s;               /* [line] no_fax_seconds: release calls that never show fax */
    int offender_n, offender_days;   /* [screen] offender_faxes, offender_days (0: off) */
    bool early_hangup;          /* [screen] early_hangup: cut a call whose page 1 is judged drop */
    bool ocr_bands;             /* [ocr] bands: read page 1 in bands while it arrives */
    int stop_grace_s;           /* [line] stop_grace_seconds */
    atomic_long min_free_mb;
    atomic_bool reject_empty_tsi;
    atomic_bool junk_senders;           /* [screen] junk_senders */

    time_t started;             /* when faxgated started: the uptime status shows */
    atomic_int active_calls;
    atomic_int places;          /* of the max_calls: calls in progress, and calls a screen took that
                                   are still ringing or waiting to start (take_place) */
    atomic_bool stopping;
    pthread_mutex_t calls_lock;
    pthread_cond_t calls_cv;    /* signalled when a call ends */
} gateway;

/* spool.c — spool/rx (receiving), inbox (to print), hold (quarantine), junk (dropped, kept as evidence) */

/** Creates the spool folders if needed; a clear error if the spool cannot be written. */
fg_err spool_prepare(const char *root);

/** Free space of the spool's file system in MiB. */
fg_err spool_free_mb(const char *root, long *mb);

/** Before a call: the spool's folders are there (made again, *recreated, if one vanished) and
    *mb MiB are free on its file system. An error if the spool cannot be used. */
fg_err spool_check(const char *root, long *mb, bool *recreated);

/** Path of a call's file in a spool folder: ROOT/SUB/call-ID.tif. */
void spool_path(const char *root, const char *sub, int64_t id, char *buf, size_t cap);

/** The spool folder where a call's pages rest after its verdict. */
const char *spool_folder_for(fg_verdict v);

/* ocrpool.c — worker threads, one Tesseract engine each, judging calls' page 1 */

/** Starts workers (0 = one per CPU core); fails if an engine cannot start (e.g. a missing language). */
fg_err ocr_pool_new(gateway *gw, int workers, ocr_pool **out);

/** Queues a call for judging; its judged flag is set when done (fg_call_wait_judged). */
void ocr_pool_submit(ocr_pool *pool, fg_call *call);

/** Queues band index of a band set (faxgate/bands.h), behind every call's page 1 (takes its own
    reference): the submit callback of fg_bandset_new, with the pool as user data. */
void ocr_pool_submit_band(void *pool, fg_bandset *bs, int index);

/** Number of worker threads. */
int ocr_pool_size(const ocr_pool *pool);

/** Engines loaded now: 1 on an idle gateway with spares ([ocr] spare_idle_seconds), up to the
    number of workers under load. */
int ocr_pool_loaded(ocr_pool *pool);

/** Finishes queued work and stops the workers; NULL is accepted. */
void ocr_pool_free(ocr_pool *pool);

/* delivery.c — the print queue's worker */

/** Starts the delivery thread for [printer] uri. */
fg_err delivery_start(gateway *gw, delivery **out);

/** Prints a call's pages at once, outside the print queue, for a call the store cannot record
    (fail open: a legitimate fax is not kept waiting on a full or read-only store). Sent, not
    followed; FG_OK once the printer took it. */
fg_err delivery_print_unqueued(delivery *d, int64_t call_id, const char *tiff);

/** Wakes the delivery thread: a job was queued. */
void delivery_kick(delivery *d);

/** Stops the delivery thread (queued jobs stay queued in the store); NULL is accepted. */
void delivery_stop(delivery *d);

/** Starts the outgoing queue's worker (faxes the gateway sends: faxgatectl send, opt-out requests). */
fg_err outgoing_start(gateway *gw, outgoing **out);

/** Stops it: a call in progress is hung up and its fax queued again. NULL is accepted. */
void outgoing_stop(outgoing *o);

/* recover.c — finishing at start-up the calls a crash or a power cut left unfinished */

typedef struct recovery recovery;

/** Lists the calls the store has with no final state and finishes them (judged, filed, printed or
    held, marked recovered) on a thread of their own, so that new calls are answered meanwhile.
    The list is taken now, before any new call can start. *out is NULL when there is nothing to
    recover. Never fails the start: what cannot be done is logged. */
void recovery_start(gateway *gw, recovery **out);

/** Stops it after the call in hand (those not reached stay unfinished, for the next start) and
    returns how many were finished; NULL is accepted (0). */
int recovery_stop(recovery *r);

/* callthread.c — one thread per call */

/** Takes an accepted line and handles the call on its own thread (the line is owned by it). */
void call_start(gateway *gw, fg_line *ln);

/** Refuses a call before answering it, records why, and frees the line. */
void call_refuse(gateway *gw, fg_line *ln, const char *why);

/** Screens a call offered before it is answered (fg_line_screen_fn; user is the gateway). */
fg_screen_verdict call_screen_offer(void *user, const char *line_uri, const char *call_id, const char *caller_id,
                                    char *why, size_t cap);

/** Gives back the place call_screen_offer took for a call that ended before it started
    (fg_line_unclaim_fn; user is the gateway). */
void call_unclaim(void *user);

/** Ends a received call as every call ends: waits for page 1's verdict (if judging), files the
    pages in the spool folder the verdict names, saves the call and queues its printing in one
    transaction, logs it. Used by call threads and by recovery at start-up. Returns the save's
    error (logged): the call is then unfinished in the store. */
fg_err call_conclude(gateway *gw, fg_call *c, bool judging);

/* livecalls.c — the calls in progress as `faxgatectl status` shows them */

/** Adds a call to the table (phase A, "answering"); NULL if out of memory (the call goes on). */
live_call *livecall_add(void);

/** Records the line a call came in on (its URI, whose scheme is the line type) and its call id. */
void livecall_line(live_call *lc, const char *line_uri, const char *uuid);

/** Publishes a call's progress: its id, TSI, caller ID and pages so far (if c is not NULL), the
    T.30 phase (A..E, or "after" once the line is released) and what it is doing (printf format).
    Called from the call's own thread; lc may be NULL. */
void livecall_update(live_call *lc, const fg_call *c, const char *phase, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/** Removes a call from the table and frees its entry; NULL is accepted. */
void livecall_remove(live_call *lc);

/** The calls in progress, oldest first, as a JSON array (NULL if out of memory). */
json_t *livecalls_json(void);

/* status.c — what `faxgatectl status` (over the control socket) and the web admin's /status show */

/** The daemon's state now as one JSON object: "ok", "daemon" (version, pid, uptime since started,
    listen, config, log, calls in progress and the limit), "calls" (livecalls_json), "print_queue"
    and "outgoing" (the store's queues), "printer" (asked now: up to a few seconds for a printer
    that does not answer), "disk" (the spool's free space and [spool] min_free_mb) and "evidence"
    (the ledger's head). A part that cannot be read holds {"error": why}. */
json_t *gateway_status_json(gateway *gw);

/* reload.c — what can change while calls run */

/** The judging pipeline, held against a reload until gateway_pipeline_release. */
fg_pipeline *gateway_pipeline_hold(gateway *gw);

/** Lets a reload replace the pipeline again. */
void gateway_pipeline_release(gateway *gw);

/** Re-reads the configuration file and applies what is safe while calls run (judging, policy,
    screening, limits, log level); returns the reply: what was reloaded, what changed, what needs
    a restart, or the error (calls in progress are never touched). */
json_t *gateway_reload(gateway *gw);

/** Frees what reloads kept (the configuration applied last); at stop, after the last reload. */
void gateway_reload_end(void);

/* control.c — the control socket (`faxgatectl status`, `faxgatectl reload`) */

/** Opens the socket of [control] socket (empty: the store's path + ".sock"; "off": none) and
    starts its thread, which also handles SIGHUP as a reload. SIGHUP must be blocked in every
    thread before this is called. */
fg_err control_start(gateway *gw, control **out);

/** The socket's path, or "" when there is none. */
const char *control_path(const control *c);

/** Stops the thread and removes the socket; NULL is accepted. */
void control_stop(control *c);

/* web.c — the web admin ([web] listen; web.h has its parts) */

typedef struct web web;

/** Starts the web admin when [web] listen is set (*out NULL when it is off); a clear error when
    the address is not loopback without [web] allow_remote, or the port is taken. */
fg_err web_start(gateway *gw, web **out);

/** Stops the server and waits for its threads; NULL is accepted. */
void web_stop(web *w);

/* notify.c — telling systemd how the start went (Type=notify) */

/** Sends a state ("READY=1", "STOPPING=1", "STATUS=…") to $NOTIFY_SOCKET; nothing without it. */
void notify_systemd(const char *state);

#endif
