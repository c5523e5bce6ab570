/* tsb85 — the one way its loaders report a problem: the reason into the caller's buffer. */
#include <stdarg.h>
#include <stdio.h>

#include "tsb85.h"

int tsb_fail(char *err, size_t cap, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, cap, fmt, ap);
    va_end(ap);
    return -1;
}
