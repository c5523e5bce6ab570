/* faxgated — logging to stderr with UTC timestamps (journald and Docker keep stderr). */
#ifndef FAXGATED_LOG_H
#define FAXGATED_LOG_H

typedef enum { LOG_ERROR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 } log_level;

/** Sets the most verbose level printed, from "error", "warn", "info" or "debug". */
void log_set_level(const char *name);

/** Prints one line at a level (printf format); thread-safe. */
void log_msg(log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
