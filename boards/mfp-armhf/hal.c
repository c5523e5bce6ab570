/* boards/mfp-armhf — the drivers an MFP controller needs: calls from the MFP's own fax line over
   AudioSocket on loopback, pages to its IPP service, a raw socket (port 9100) or a spool folder. */
#include <stddef.h>

#include "faxgate/hal.h"

static const fg_line_driver *const mfp_lines[] = {
    &fg_line_audiosocket,
    NULL,
};

static const fg_printer_driver *const mfp_printers[] = {
    &fg_printer_ipp,
    &fg_printer_socket,
    &fg_printer_spool,
    NULL,
};

const fg_hal fg_board_hal = {
    .board = "mfp-armhf",
    .lines = mfp_lines,
    .printers = mfp_printers,
};
