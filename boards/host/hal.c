/* boards/host (and boards/rpi-aarch64) — the drivers these boards offer: AudioSocket and SIP
   lines, IPP printers, raw socket printers (port 9100), spool folders, and forwarding by fax to an
   MFP over SIP. */
#include <stddef.h>

#include "faxgate/hal.h"

static const fg_line_driver *const host_lines[] = {
#ifdef FG_HAVE_AUDIOSOCKET
    &fg_line_audiosocket,
#endif
#ifdef FG_HAVE_SIP
    &fg_line_sip,
#endif
    NULL,
};

static const fg_printer_driver *const host_printers[] = {
#ifdef FG_HAVE_IPP
    &fg_printer_ipp,
    &fg_printer_ipps,
#endif
    &fg_printer_socket,
    &fg_printer_spool,
#ifdef FG_HAVE_SIP
    &fg_printer_fax,
#endif
    NULL,
};

const fg_hal fg_board_hal = {
    .board = FG_BOARD,   /* the board named at build time (make BOARD=...) */
    .lines = host_lines,
    .printers = host_printers,
};
