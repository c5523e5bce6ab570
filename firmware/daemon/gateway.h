/* faxgated — the gateway's shared state and the parts of the daemon that use it. */
#ifndef FAXGATED_GATEWAY_H
#define FAXGATED_GATEWAY_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "faxgate/faxgate.h"

typedef struct ocr_pool ocr_pool;
typedef struct delivery delivery;

typedef struct gateway {
    fg_config *cfg;
    fg_store *st;
    fg_pipeline *pipe;
    ocr_pool *ocr;
    delivery *dlv;
    const char *spool;          /* [spool] dir */
    const char *listen_uri;     /* [line] listen */
    unsigned modems, resolutions;
    int max_calls;
    int max_seconds;
    int no_fax_s;               /* [line] no_fax_seconds: release calls that never show fax */
    int stop_grace_s;           /* [line] stop_grace_seconds */
    long min_free_mb;
    bool reject_empty_tsi;

    atomic_int active_calls;
    atomic_bool stopping;
    pthread_mutex_t calls_lock;
    pthread_cond_t calls_cv;    /* signalled when a call ends */
} gateway;

/* spool.c — spool/rx (receiving), inbox (to print), hold (quarantine), junk (dropped, kept as evidence) */

/** Creates the spool folders if needed; a clear error if the spool cannot be written. */
fg_err spool_prepare(const char *root);

/** Free space of the spool's file system in MiB. */
fg_err spool_free_mb(const char *root, long *mb);

/** Path of a call's file in a spool folder: ROOT/SUB/call-ID.tif. */
void spool_path(const char *root, const char *sub, int64_t id, char *buf, size_t cap);

/** The spool folder where a call's pages rest after its verdict. */
const char *spool_folder_for(fg_verdict v);

/* ocrpool.c — worker threads, one Tesseract engine each, judging calls' page 1 */

/** Starts workers (0 = one per CPU core); fails if an engine cannot start (e.g. a missing language). */
fg_err ocr_pool_new(gateway *gw, int workers, ocr_pool **out);

/** Queues a call for judging; its judged flag is set when done (fg_call_wait_judged). */
void ocr_pool_submit(ocr_pool *pool, fg_call *call);

/** Number of worker threads. */
int ocr_pool_size(const ocr_pool *pool);

/** Finishes queued work and stops the workers; NULL is accepted. */
void ocr_pool_free(ocr_pool *pool);

/* delivery.c — the print queue's worker */

/** Starts the delivery thread for [printer] uri. */
fg_err delivery_start(gateway *gw, delivery **out);

/** Wakes the delivery thread: a job was queued. */
void delivery_kick(delivery *d);

/** Stops the delivery thread (queued jobs stay queued in the store); NULL is accepted. */
void delivery_stop(delivery *d);

/* recover.c — finishing at start-up the calls a crash or a power cut left unfinished */

/** Finishes every call the store has with no final state (judged, filed, printed or held,
    marked recovered); returns how many. Never fails the start: what cannot be done is logged. */
int recover_calls(gateway *gw);

/* callthread.c — one thread per call */

/** Takes an accepted line and handles the call on its own thread (the line is owned by it). */
void call_start(gateway *gw, fg_line *ln);

/** Refuses a call before answering it, records why, and frees the line. */
void call_refuse(gateway *gw, fg_line *ln, const char *why);

/** Ends a received call as every call ends: waits for page 1's verdict (if judging), files the
    pages in the spool folder the verdict names, saves the call and queues its printing in one
    transaction, logs it. Used by call threads and by recovery at start-up. */
void call_conclude(gateway *gw, fg_call *c, bool judging);

#endif
