/* faxgate — body of fg_call, private to firmware/core.
 *
 * Ownership: every pointer here is owned by the call and freed by fg_call_free().
 * Threads: the call's line thread writes the line and T.30 parts; the OCR worker
 * writes words, ident, scores and decision for page 1 and then sets judged under
 * the call's lock; the line thread waits for that before storing and delivering.
 */
#ifndef FAXGATE_CALL_IMPL_H
#define FAXGATE_CALL_IMPL_H

#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include "faxgate/call.h"
#include "faxgate/campaign.h"
#include "faxgate/classify.h"
#include "faxgate/extract.h"
#include "faxgate/ocr.h"
#include "faxgate/page.h"
#include "faxgate/policy.h"

#define FG_IDENT_LEN 21        /* T.30 TSI/CSI: 20 characters + NUL */

/* What T.30 told us about the far end and the transfer. */
typedef struct fg_t30_info {
    char tsi[FG_IDENT_LEN];    /* far end's transmitting subscriber identification, trimmed */
    bool tsi_seen;             /* a TSI frame arrived (an empty TSI is a fact too) */
    char csi[FG_IDENT_LEN];    /* our called subscriber identification */
    char nsf_hex[2 * 96 + 1];  /* raw NSF as hex ("" if none) */
    char nsf_vendor[64];       /* vendor decoded from the T.35 code in NSF ("" if unknown) */
    char nsf_model[64];
    char nsf_country[48];
    char dcs[160];             /* human-readable DCS: modem, rate, resolution, coding, ECM */
    int bit_rate;              /* bps of the page modem */
    bool ecm;
    int x_res, y_res;          /* dpi of the received pages */
    int t30_code;              /* SpanDSP completion code (T30_ERR_*), 0 = OK */
    char t30_result[96];       /* its text */
} fg_t30_info;

typedef struct fg_call_page {
    char sha256[65];           /* of the decoded bitmap (rows packed MSB first, 1 = black):
                                  reproducible from any lossless copy of the page */
    int width, height;
    bool partial;
} fg_call_page;

#define FG_CALL_PAGES_MAX FG_PAGE_MAX_PAGES

struct fg_call {
    pthread_mutex_t lock;
    pthread_cond_t judged_cv;

    int64_t id;
    fg_call_state state;
    time_t started, ended;     /* wall clock, UTC seconds */
    char line[96];             /* "audiosocket://127.0.0.1:9092" */
    char uuid[40];             /* the line's call id */
    char caller_id[40];        /* as the line gave it */
    char caller_e164[FG_E164_LEN];
    char called[FG_E164_LEN];  /* the number dialled, as the line gave it (digits, '+'), "" if not */

    fg_t30_info t30;
    char result[160];          /* fg_call_result() */

    char *tiff;                /* spool file with the pages received, or NULL */
    char tiff_sha256[65];      /* of the whole file once the call ended */
    fg_call_page *pages;       /* pages[npages] */
    int npages;

    fg_page *page1;            /* kept in memory for OCR */
    struct fg_bandset *bands;  /* page 1 read in bands while it arrived (a reference), or NULL */
    char bands_error[200];     /* why the bands were not used, "" if they were (or there were none) */
    char *text;                /* text given instead of OCR (classify --text) */

    /* judgement of page 1 */
    fg_words *words;
    fg_ident ident;
    fg_scores scores;
    fg_policy_facts pfacts;
    fg_decision decision;
    bool judged;
    char judge_error[160];     /* a stage failed: why, and the fail-safe verdict taken */
    bool bayes_scored;         /* the learning classifier gave bayes_prob (learn.h) */
    double bayes_prob;
    fg_fingerprint fp;         /* campaign fingerprint of page 1; shingles 0 = none (campaign.h) */

    /* durable receipt: pages committed (file synced, store row) before MCF told the sender */
    int confirmed;
    bool complete;             /* the last confirmed page ended the fax (EOP) */
    int acked;                 /* confirmed pages whose MCF the sender answered: it knows */
    time_t interrupted;        /* recovered at start-up: when the call last recorded progress */
    time_t recovered;          /* ... and when the recovery finished it (0 = a live call) */

    /* delivery */
    bool printed;
    char deliver_state[16];    /* "pending", "printed", "held", "dropped", "spooled" */

    /* timings, milliseconds */
    double ms_ocr;
    double ms_judge;           /* extract + classify + policy */
    double ms_total;           /* page 1 end (or scan start) to verdict */
    struct timespec t_page1;   /* CLOCK_MONOTONIC when page 1 ended */
};

/** Appends a page record (sha256 may be NULL, filled later). */
fg_err fg_call_add_page(fg_call *c, int width, int height, bool partial, const char *sha256);

/** Marks the judgement done and wakes waiters. */
void fg_call_mark_judged(fg_call *c);

/** Blocks until the judgement is done or timeout_ms passes; true if judged. */
bool fg_call_wait_judged(fg_call *c, int timeout_ms);

/** Milliseconds between two monotonic times. */
double fg_ms_between(const struct timespec *a, const struct timespec *b);

#endif
