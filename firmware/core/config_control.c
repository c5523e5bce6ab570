/* faxgate — where the control socket is: one rule for faxgated, which opens it, and faxgatectl,
   which connects to it, so that the two always agree from the same configuration. */
#include <stdio.h>
#include <string.h>

#include "faxgate/config.h"

fg_err fg_config_control_socket(const fg_config *cfg, char *out, size_t cap)
{
    const char *conf = fg_config_get(cfg, "control", "socket"), *db = fg_config_get(cfg, "store", "db"), *slash;
    int n;

    if (conf && *conf)
        n = snprintf(out, cap, "%s", conf);
    else if (db && (slash = strrchr(db, '/')))
        n = snprintf(out, cap, "%.*s/faxgated.sock", (int)(slash - db), db);
    else
        n = snprintf(out, cap, "faxgated.sock");
    if (n < 0 || (size_t)n >= cap)
        return fg_err_set(FG_ERR_CONFIG, "the control socket's path (%s…) is longer than the %zu bytes a Unix "
                          "socket allows: set [control] socket to a shorter path", out, cap - 1);
    return FG_OK;
}
