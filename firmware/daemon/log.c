/* faxgated — logging. One fprintf per line keeps lines from concurrent calls whole. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"

static log_level max_level = LOG_INFO;

void log_set_level(const char *name)
{
    static const char *const names[] = {"error", "warn", "info", "debug"};

    for (int i = 0; i < 4; i++)
        if (!strcmp(name, names[i]))
            max_level = (log_level)i;
}

void log_msg(log_level level, const char *fmt, ...)
{
    static const char *const tags[] = {"error", "warn", "info", "debug"};
    char line[1024], stamp[32];
    struct timespec ts;
    struct tm tm;
    va_list ap;

    if (level > max_level)
        return;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s.%03ldZ faxgated %s: %s\n", stamp, ts.tv_nsec / 1000000, tags[level], line);
}
