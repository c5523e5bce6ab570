/* faxgate — where the control socket is: one rule for faxgated, which opens it, and faxgatectl,
   which connects to it, so that the two always agree from the same configuration. */
#include <stdio.h>
#include <string.h>

#include "faxgate/config.h"

fg_err fg_config_control_socket(const fg_config *cfg, char *out, size_t cap)
{
    const char *conf = fg_config_get(cfg, "control", "socket"), *db = fg_config_get(cfg, "store", "db");
    int n;

    /* named after the store, not its folder: one socket per store, so that two gateways whose
       stores share a folder (tests, a second instance) do not take each other for a duplicate */
    if (conf && *conf)
        n = snprintf(out, cap, "%s", conf);
    else
        n = snprintf(out, cap, "%s.sock", db && *db ? db : "faxgate.db");
    if (n < 0 || (size_t)n >= cap)
        return fg_err_set(FG_ERR_CONFIG, "the control socket's path (%s…) is longer than the %zu bytes a Unix "
                          "socket allows: set [control] socket to a shorter path", out, cap - 1);
    return FG_OK;
}
