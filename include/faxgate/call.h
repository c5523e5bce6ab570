/* faxgate — the call: one task object per received fax (like rspamd's task).
 *
 * Every stage fills in its part; the daemon's call loop drives the stages in
 * order and frees the call in one place. The body is private to firmware/core.
 */
#ifndef FAXGATE_CALL_H
#define FAXGATE_CALL_H

#include <stdbool.h>
#include <time.h>
#include <stdint.h>
#include "faxgate/error.h"
#include "faxgate/page.h"
#include "faxgate/policy.h"

typedef struct fg_call fg_call;

typedef enum fg_call_state {
    FG_CALL_NEW = 0,        /* created, nothing received */
    FG_CALL_RECEIVING = 1,  /* T.30 in progress */
    FG_CALL_RECEIVED = 2,   /* T.30 ended normally; pages complete */
    FG_CALL_FAILED = 3,     /* the call broke; pages received so far (and a partial one) kept */
    FG_CALL_REJECTED = 4    /* screened out in phase B (DCN) or refused before answer */
} fg_call_state;

/** New empty call; started is set to now. */
fg_err fg_call_new(fg_call **out);

/** Frees a call and everything it owns; NULL is accepted. */
void fg_call_free(fg_call *c);

/** Store row id, 0 until the store has recorded the call. */
int64_t fg_call_id(const fg_call *c);

/** Records the line the call came in on: driver URI, the line's call id (UUID) and caller ID. */
fg_err fg_call_set_line(fg_call *c, const char *line, const char *uuid, const char *caller_id);

/** The fax went over T.38, not audio: recorded with the line, as "URI (T.38)". */
void fg_call_set_t38(fg_call *c);

/** Sets the far end's TSI (as T.30 would), for scans and tests. */
fg_err fg_call_set_tsi(fg_call *c, const char *tsi);

/** Current state. */
fg_call_state fg_call_get_state(const fg_call *c);

/** "new", "receiving", "received", "failed", "rejected". */
const char *fg_call_state_name(fg_call_state s);

/** Path of the TIFF holding the received pages, or NULL if none was written. */
const char *fg_call_tiff(const fg_call *c);

/** Moves the call's TIFF to path (rename, or copy then unlink across file systems); both folders
    are synced before it returns. */
fg_err fg_call_move_tiff(fg_call *c, const char *path);

/** Number of pages kept, a partial last page included. */
int fg_call_pages(const fg_call *c);

/** Gives page 1 to the call (it takes ownership), as the T.30 stage or a scan does. */
void fg_call_set_page1(fg_call *c, fg_page *page);

/** Gives the call page 1's band set (ocr_bands.c; it takes the reference; NULL drops the one it
    had): the judge then reads page 1 from its bands, or whole if they fail. */
struct fg_bandset;
void fg_call_set_bands(fg_call *c, struct fg_bandset *bs);

/** Page 1's band set (NULL if none); the call keeps its reference. */
struct fg_bandset *fg_call_bands(const fg_call *c);

/** How page 1's bands went (false if it had none). */
struct fg_bandset_stats;
bool fg_call_bands_stats(const fg_call *c, struct fg_bandset_stats *st);

/** Why page 1 was read whole although it had bands ("" if it was not). */
const char *fg_call_bands_error(const fg_call *c);

/** Page 1 in memory, or NULL. */
const fg_page *fg_call_page1(const fg_call *c);

/** Uses text instead of OCR (classify --text); copies it. */
fg_err fg_call_set_text(fg_call *c, const char *text, size_t len);

/** The verdict decided for the call (deliver if not judged yet). */
fg_verdict fg_call_verdict(const fg_call *c);

/** True once the judge has run (whether it succeeded or failed open). */
bool fg_call_judged(const fg_call *c);

/** Records the number the caller dialled (fg_line_called): it picks the receiving line's rules. */
void fg_call_set_called(fg_call *c, const char *number);

/** The number dialled, "" if the line did not say. */
const char *fg_call_called(const fg_call *c);

/** What the far end's NSF says of its machine (T.35 vendor, model), "" if unknown. */
const char *fg_call_nsf_vendor(const fg_call *c);
const char *fg_call_nsf_model(const fg_call *c);

/** The DCS the far end chose, as faxgate describes it ("V.17 14400, fine, ECM"), "" before it. */
const char *fg_call_dcs(const fg_call *c);

/** The far end's TSI, or NULL if no TSI frame arrived. */
const char *fg_call_tsi(const fg_call *c);

/** Caller ID as the line gave it, "" if none. */
const char *fg_call_caller_id(const fg_call *c);

/** Marks the moment page 1 ended: the latency to the verdict is counted from here. */
void fg_call_mark_page1(fg_call *c);

/** Waits until the call has been judged, up to timeout_ms; true if it was. */
bool fg_call_wait_until_judged(fg_call *c, int timeout_ms);

/** Overrides the verdict with a reason (incomplete calls are held; operators release or junk). */
void fg_call_override(fg_call *c, fg_verdict v, const char *reason);

/** Records what became of the pages: "queued", "held", "dropped", "kept", "rejected", "none". */
void fg_call_set_delivery(fg_call *c, const char *state);

/** Records that the call was printed outside the print queue (the store could not queue it):
    saved, it gets no print job. */
void fg_call_set_printed(fg_call *c);

/** One line explaining the verdict: score and strongest rules, advertiser, violations, errors. */
void fg_call_summary(const fg_call *c, char *buf, size_t cap);

/** Sets the state and the one-line result (printf format), e.g. for a call refused before answer. */
void fg_call_set_result(fg_call *c, fg_call_state s, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/** Pages made durable and confirmed to the sender (MCF follows the commit). */
int fg_call_confirmed(const fg_call *c);

/** True if the last confirmed page ended the fax (the sender said EOP). */
bool fg_call_complete(const fg_call *c);

/** Confirmed pages whose MCF the sender answered with its next frame: it knows they arrived. */
int fg_call_acked(const fg_call *c);

/** For a call loaded back after a crash: when it last recorded progress (0 for a live call). */
time_t fg_call_interrupted(const fg_call *c);

/** Marks a call finished by recovery at start-up, at time when. */
void fg_call_set_recovered(fg_call *c, time_t when);

/** Rebuilds the call's pages from its spool file path (recovery): reads them in order, hashing
    each, until the file ends or a page cannot be read; *first (if not NULL) gets page 1. The
    error says what stopped the reading; the pages read before it stay. */
fg_err fg_call_read_tiff(fg_call *c, const char *path, fg_page **first);

/** Short human summary of how the call ended ("received 2 pages", "broken in page 2: …"). */
const char *fg_call_result(const fg_call *c);

#endif
