/* faxgate — t30: page 1's ECM image frames decoded while they arrive.
 *
 * In ECM SpanDSP decodes a block only when its PPS has come and every frame is right, and a text
 * page is often one block: its rows would come all at once, at the end of the page. The shadow
 * keeps a copy of each image frame (FCD) that the real-time frame handler sees, and feeds the
 * frames that follow each other without a gap, in frame order, to a decoder of its own; a frame
 * that went missing holds the ones after it back until its retransmission arrives. SpanDSP's own
 * ECM buffers are never touched (it would ask for frames again). A block ends at its PPS once all
 * the frames it counts are in; the page ends at a PPS that says so.
 */
#ifndef FAXGATE_T30_SHADOW_H
#define FAXGATE_T30_SHADOW_H

#include <stdbool.h>
#include <stdint.h>
#include <spandsp.h>
#include "faxgate/error.h"

typedef struct fg_shadow fg_shadow;

fg_err fg_shadow_new(fg_shadow **out);

/** Frees the shadow; NULL is accepted. */
void fg_shadow_free(fg_shadow *s);

/** A frame received (as the real-time frame handler gives it: address, control, FCF, ...). DCS
    sets the coding, FCD frames and PPS drive the decoding. Only the first page is decoded. */
void fg_shadow_frame(fg_shadow *s, const uint8_t *msg, int len);

/** The decoder, once the page's first frame started it (NULL before); its rows are read with
    fg_t30x_t4_rows. */
t4_rx_state_t *fg_shadow_t4(fg_shadow *s);

/** The page's last block is in (its PPS said end of page). */
bool fg_shadow_page_done(const fg_shadow *s);

#endif
