/* faxgated — logging. One write per line keeps lines from concurrent calls whole.
 *
 * Three targets ([log] target):
 *   stderr   "2024-05-01T10:00:00.123Z faxgated info: …" — a terminal, a file, Docker;
 *   journal  "<6>…" on stderr: under systemd, stderr is a stream to journald, which reads the
 *            sd-daemon(3) priority prefix (so `journalctl -p err` works) and adds its own time
 *            stamp and the unit's name — no need for libsystemd;
 *   syslog   syslog(3), facility daemon, for systems without journald.
 * "auto" (the default) takes the journal when $JOURNAL_STREAM names the file stderr is (what
 * systemd sets when it connects stderr to the journal), else stderr.
 */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "log.h"

typedef enum { TO_STDERR, TO_JOURNAL, TO_SYSLOG } target;

static atomic_int max_level = LOG_INFO;
static target to = TO_STDERR;

void log_set_level(const char *name)
{
    static const char *const names[] = {"error", "warn", "info", "debug"};

    for (int i = 0; i < 4; i++)
        if (!strcmp(name, names[i]))
            atomic_store(&max_level, i);
}

/* True if $JOURNAL_STREAM ("DEVICE:INODE") is the file behind stderr: systemd sets it for a
   service whose stderr goes to the journal, and it survives into children whose stderr was
   redirected elsewhere, hence the comparison. */
static bool stderr_is_journal(void)
{
    const char *js = getenv("JOURNAL_STREAM");
    unsigned long long dev, ino;
    struct stat st;

    if (!js || sscanf(js, "%llu:%llu", &dev, &ino) != 2 || fstat(2, &st))
        return false;
    return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

void log_set_target(const char *name)
{
    if (!strcmp(name, "syslog")) {
        to = TO_SYSLOG;
        log_syslog_open();
    } else if (!strcmp(name, "journal") || (!strcmp(name, "auto") && stderr_is_journal())) {
        to = TO_JOURNAL;
    } else {
        to = TO_STDERR;
    }
}

const char *log_target(void)
{
    return to == TO_SYSLOG ? "syslog" : to == TO_JOURNAL ? "journal" : "stderr";
}

void log_msg(log_level level, const char *fmt, ...)
{
    static const char *const tags[] = {"error", "warn", "info", "debug"};
    static const int severity[] = {3, 4, 6, 7};   /* RFC 5424: err, warning, info, debug */
    char line[1024], stamp[32];
    struct timespec ts;
    struct tm tm;
    va_list ap;

    if ((int)level > atomic_load(&max_level))
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    switch (to) {
    case TO_SYSLOG:
        log_syslog_line(severity[level], line);
        return;
    case TO_JOURNAL:
        fprintf(stderr, "<%d>%s\n", severity[level], line);
        return;
    case TO_STDERR:
        break;
    }
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    fprintf(stderr, "%s.%03ldZ faxgated %s: %s\n", stamp, ts.tv_nsec / 1000000, tags[level], line);
}
