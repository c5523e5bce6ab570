/* faxgate — a private SpanDSP T.4/T.6 decoder (t4_rx) that writes no file.
 *
 * t4_rx_init (0.0.6) insists on opening a TIFF for output, so it gets a path in a private temporary
 * folder; with a row handler set nothing is ever written there, and t4_rx removes the empty file
 * itself. Used by decode_page.c (pages of a recorded call) and t30_shadow.c (ECM frames of page 1
 * decoded while they arrive).
 */
#ifndef FAXGATE_T4_DECODER_H
#define FAXGATE_T4_DECODER_H

#include <spandsp.h>
#include "faxgate/error.h"

typedef struct fg_t4dec {
    t4_rx_state_t *t4;     /* NULL until opened */
    char dir[256], path[300];
} fg_t4dec;

/** Opens the decoder (once; FG_OK if it is open already). on_row gets the page's rows at
    t4_rx_end_page. */
fg_err fg_t4dec_open(fg_t4dec *d, t4_row_write_handler_t on_row, void *user);

/** Frees the decoder and its temporary folder; a closed one is accepted. */
void fg_t4dec_close(fg_t4dec *d);

#endif
