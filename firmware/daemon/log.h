/* faxgated — logging: stderr with UTC timestamps, the journal's priority prefixes, or syslog(3). */
#ifndef FAXGATED_LOG_H
#define FAXGATED_LOG_H

typedef enum { LOG_ERROR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 } log_level;

/** Sets the most verbose level printed, from "error", "warn", "info" or "debug"; thread-safe. */
void log_set_level(const char *name);

/** Chooses where lines go ([log] target): "stderr", "journal", "syslog", or "auto" (the journal
    when systemd connected stderr to it, else stderr). Call before any thread logs. */
void log_set_target(const char *name);

/** The target in use: "stderr", "journal" or "syslog". */
const char *log_target(void);

/** Prints one line at a level (printf format); thread-safe. */
void log_msg(log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* log_syslog.c — kept apart because <syslog.h> defines LOG_INFO and LOG_DEBUG too */

/** Opens syslog(3) as "faxgated" (facility daemon, with the pid). */
void log_syslog_open(void);

/** Sends one line to syslog at an RFC 5424 severity (3 error, 4 warning, 6 info, 7 debug). */
void log_syslog_line(int severity, const char *line);

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
