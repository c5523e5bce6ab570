/* faxgated — syslog(3) output. In its own file: <syslog.h> defines LOG_INFO and LOG_DEBUG as
   macros, which log.h uses as the names of our own levels; log.h comes first so that its enum is
   parsed before the macros exist, and nothing below uses our names. */
#include "log.h"

#include <syslog.h>

void log_syslog_open(void)
{
    openlog("faxgated", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void log_syslog_line(int severity, const char *line)
{
    syslog(severity & 7, "%s", line);
}
