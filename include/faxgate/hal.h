/* faxgate — hardware/host abstraction: what a board supplies to the core.
 *
 * A board (boards/<name>/hal.c) defines fg_board_hal: const tables of the line
 * drivers and printer sinks it has, chosen by its board.mk. The core looks a
 * driver up by URI scheme and never names a board (as SQLite's VFS tables or
 * Zephyr's driver API structs keep the platform out of the core).
 */
#ifndef FAXGATE_HAL_H
#define FAXGATE_HAL_H

#include "faxgate/error.h"
#include "faxgate/line.h"

#if !defined(FG_HAVE_AUDIOSOCKET) && !defined(FG_HAVE_SIP)
#error "the board must enable at least one line driver (FG_HAVE_AUDIOSOCKET or FG_HAVE_SIP) in board.mk"
#endif

struct fg_config;

typedef struct fg_line_driver {
    const char *scheme;        /* "audiosocket", "sip" */
    /* cfg (may be NULL: defaults) holds the driver's own section, e.g. [sip] */
    fg_err (*listen)(const char *hostport, const struct fg_config *cfg, fg_listener **out);
    fg_err (*connect)(const char *hostport, const char *uuid, const char *caller_id, fg_line **out);
} fg_line_driver;

typedef struct fg_printer fg_printer;

typedef struct fg_printer_driver {
    const char *scheme;        /* "ipp", "ipps", "socket", "spool" */
    fg_err (*open)(const char *uri, fg_printer **out);
} fg_printer_driver;

typedef struct fg_hal {
    const char *board;                         /* "host" */
    const fg_line_driver *const *lines;        /* NULL-terminated */
    const fg_printer_driver *const *printers;  /* NULL-terminated */
} fg_hal;

/** The board's table, defined in boards/<name>/hal.c. */
extern const fg_hal fg_board_hal;

/** Line drivers the core implements (a board lists those it wants). */
extern const fg_line_driver fg_line_audiosocket;
extern const fg_line_driver fg_line_sip;

/** Printer sinks the core implements. */
extern const fg_printer_driver fg_printer_ipp;
extern const fg_printer_driver fg_printer_ipps;
extern const fg_printer_driver fg_printer_spool;
extern const fg_printer_driver fg_printer_fax;     /* "sip:": forward by fax (needs FG_HAVE_SIP) */
extern const fg_printer_driver fg_printer_socket;   /* raw port 9100: PDF or PCL */

#endif
