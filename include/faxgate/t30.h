/* faxgate — t30: receive one fax over G.711-rate audio with SpanDSP's fax_state_t.
 *
 * The session is clocked by the line: for every block of received samples it
 * produces exactly as many samples to send back. Phase-B identity (TSI, NSF, DCS)
 * is recorded in the call and offered to a screening callback; a rejected call is
 * ended with DCN before any page arrives. Pages are written as TIFF G4 to the
 * call's spool file; page 1 is also handed over in memory as soon as it ends.
 * If the line breaks mid-page, the rows received so far are kept as a partial page.
 */
#ifndef FAXGATE_T30_H
#define FAXGATE_T30_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "faxgate/call.h"
#include "faxgate/error.h"
#include "faxgate/line.h"
#include "faxgate/page.h"

enum {
    FG_MODEM_V27TER = 1u << 0,
    FG_MODEM_V29 = 1u << 1,
    FG_MODEM_V17 = 1u << 2
};

enum {
    FG_RES_STANDARD = 1u << 0,   /* 204 x 98 */
    FG_RES_FINE = 1u << 1,       /* 204 x 196 */
    FG_RES_SUPERFINE = 1u << 2   /* 204 x 391 */
};

/* Phase-B screening: return true to accept; on reject write a short reason. Called on the
   line thread after TSI/DCS arrive and before any page. */
typedef bool (*fg_screen_fn)(void *user_data, fg_call *call, char *reason, size_t reason_len);

/* A page ended (complete, or partial at a break). The callee owns page. Called on the line
   thread: queue work, do not OCR here. page_no is 1-based. */
typedef void (*fg_page_fn)(void *user_data, fg_call *call, int page_no, fg_page *page);

/* Pages were written to the spool file and synced (durable before confirmed): record them (the
   call's pages, fg_call_confirmed, fg_call_complete) and return true; false if they could not be
   recorded, and the page is not confirmed: the call is cut before MCF, so that the sender keeps
   its fax and retries. Called on the line thread, in phase D, before MCF is sent. */
typedef bool (*fg_kept_fn)(void *user_data, fg_call *call);

/* Rows of page 1 decoded while it arrives (first_row .. first_row + n - 1; stride (width + 7) / 8),
   for reading it in bands before it ends. Without ECM they come from SpanDSP's own decoder; in
   ECM from a copy of the image frames decoded as they arrive (t30_shadow.c). first_row 0 after
   rows were given means page 1 started again. bits is valid only during the call. Called on the
   line thread: copy, do not OCR here. */
typedef void (*fg_rows_fn)(void *user_data, fg_call *call, int first_row, const uint8_t *bits, int n, int width,
                           int xdpi, int ydpi);

typedef struct fg_rx_opts {
    const char *csi;             /* our station identity, up to 20 characters */
    bool ecm;                    /* offer error correction mode */
    unsigned modems;             /* FG_MODEM_* */
    unsigned resolutions;        /* FG_RES_* */
    const char *tiff_path;       /* where pages are written (TIFF G4, multi-page) */
    int max_seconds;             /* give up on a call that lasts longer (0 = no limit) */
    fg_screen_fn screen;         /* may be NULL: accept all */
    fg_page_fn on_page;          /* may be NULL; only page 1 is handed over in memory */
    fg_kept_fn on_kept;          /* may be NULL: pages are still synced before MCF */
    fg_rows_fn on_rows;          /* may be NULL: page 1's rows are not followed while it arrives */
    bool t38_no_pacing;          /* T.38: send as fast as ticks come (tests), not at modem speed */
    void *user_data;
} fg_rx_opts;

/* Sends one T.38 IFP packet (count copies); nonzero if the line failed. */
typedef int (*fg_t38_tx_fn)(void *user, const uint8_t *ifp, size_t len, int count);

typedef struct fg_rx fg_rx;

/** Starts a receive session answering a call; the call records everything T.30 tells. */
fg_err fg_rx_new(const fg_rx_opts *opts, fg_call *call, fg_rx **out);

/** Feeds n received samples (8 kHz, 16-bit) and writes n samples to send back in out.
    *done becomes true when T.30 has finished (normally, rejected or failed). */
fg_err fg_rx_audio(fg_rx *rx, const int16_t *in, int16_t *out, int n, bool *done);

/** As fg_rx_audio for n samples that were lost on the way (fg_line_recv_was_gap): SpanDSP fills
    them in rather than hearing silence, so a lost RTP packet costs a few bits, not the carrier. */
fg_err fg_rx_audio_lost(fg_rx *rx, int16_t *out, int n, bool *done);

/** The far end switched the call to T.38 (before any page): T.30 starts again over T.38 with
    these parameters, sending through tx. FG_ERR_STATE after pages came in audio. */
fg_err fg_rx_use_t38(fg_rx *rx, const fg_t38_params *p, fg_t38_tx_fn tx, void *user);

/** Feeds one received IFP packet (in order; seq lets SpanDSP see gaps). */
fg_err fg_rx_t38_packet(fg_rx *rx, const uint8_t *ifp, size_t len, uint16_t seq, bool *done);

/** Lets samples (8 kHz) of time pass: T.38 timers and what is due to be sent. */
fg_err fg_rx_t38_tick(fg_rx *rx, int samples, bool *done);

/** True once the far end has shown itself a fax machine (DCS, screening or a page). */
bool fg_rx_in_fax(const fg_rx *rx);

/** The line is gone before T.30 finished: keeps any partial page and marks the call failed. */
void fg_rx_line_lost(fg_rx *rx, const char *why);

/** Ends the session: closes the TIFF, fills page hashes, final state and result. */
fg_err fg_rx_finish(fg_rx *rx);

/** Frees a session (finishing it first if needed); NULL is accepted. */
void fg_rx_free(fg_rx *rx);

/* What drives a session over its line (fg_rx_drive_line). */
typedef struct fg_rx_drive {
    fg_line *ln;
    const int16_t *first;        /* audio already read from the line, or NULL */
    int first_n;
    /* Asked between blocks and packets: return true to end the call, having said why with
       fg_rx_line_lost. May be NULL. */
    bool (*must_end)(void *user, fg_rx *rx);
    /* The line switched to T.38 and T.30 started again over it. May be NULL. */
    void (*on_t38)(void *user, const fg_t38_params *p);
    void *user;
} fg_rx_drive;

/** Runs the session over its line until T.30 ends, the line drops or goes quiet for 30 s, or
    must_end says so: audio answered block for block, T.38 packets after a switch (SpanDSP's
    clock then the wall clock in 20 ms steps). Finish it with fg_rx_finish. */
void fg_rx_drive_line(fg_rx *rx, const fg_rx_drive *d);

/** Why a page was not confirmed (its file or its record could not be made durable, so the call
    was cut before its MCF), or "" if none was refused. */
const char *fg_rx_withheld(const fg_rx *rx);

/** Parses "v17,v29,v27ter" into FG_MODEM_* flags. */
fg_err fg_modems_parse(const char *s, unsigned *out);

/** Parses "standard,fine,superfine" into FG_RES_* flags. */
fg_err fg_resolutions_parse(const char *s, unsigned *out);

/** Vendor name for a T.35 country+vendor code at the start of an NSF frame, or NULL. */
const char *fg_t35_vendor(const uint8_t *nsf, size_t len, const char **country, const char **model);

#endif
