/* faxgate — t30, private: the few things only SpanDSP's private state can tell.
 *
 * SpanDSP 0.0.6 has no API for the rows of a page still being received (t4_rx_release
 * throws them away when a call breaks), for the page just ended, or for how far a
 * transmitter is into its page. t30_partial.c reads them through <spandsp/expose.h>;
 * nothing else in faxgate includes that header, so a SpanDSP upgrade touches one file.
 */
#ifndef FAXGATE_T30_IMPL_H
#define FAXGATE_T30_IMPL_H

#include <stdbool.h>
#include <spandsp.h>

#include "faxgate/page.h"

/** Copies the rows SpanDSP's T.4 receiver holds into a new page: the page that has just
    ended (from a phase-D handler), or the rows so far of the page in progress. With
    pending, ECM frames of the current block that arrived without gaps are decoded first.
    *out is NULL (and FG_OK) when there are no rows. */
fg_err fg_t30x_rx_rows(t30_state_t *t, bool pending, fg_page **out);

/** Rows a T.4 decoder holds of the page it is decoding: SpanDSP's own (t4 NULL: the session's
    receiver, rows decoded live only without ECM) or a private one (t30_shadow.c). Sets *bits to its
    row buffer (valid until the decoder is next fed), *rows, and the page's width and dpi; false if
    it holds no rows. */
typedef struct fg_t30x_rows {
    const uint8_t *bits;
    int rows, width, stride, xdpi, ydpi;
} fg_t30x_rows;

bool fg_t30x_t4_rows(t30_state_t *t, t4_rx_state_t *t4, fg_t30x_rows *out);

/** Whether the session receives in ECM (decided by the DCS). */
bool fg_t30x_ecm(t30_state_t *t);

typedef struct fg_t30x_progress {
    int page;       /* 0-based: pages the far end has confirmed, i.e. the page being sent */
    long sent;      /* bytes of that page's coded image handed to the modem */
    long total;     /* bytes of the page's coded image, 0 before it is encoded */
    bool ecm;
} fg_t30x_progress;

/** How far a sending T.30 session is into its current page. */
void fg_t30x_tx_progress(t30_state_t *t, fg_t30x_progress *p);

#endif
