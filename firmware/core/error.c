/* faxgate — error codes and the per-thread detail message. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "faxgate/error.h"

static const char *const names[FG_ERR__COUNT] = {
    [FG_OK] = "success",
    [FG_ERR_NOMEM] = "out of memory",
    [FG_ERR_INVAL] = "invalid argument",
    [FG_ERR_IO] = "input/output error",
    [FG_ERR_NOSPACE] = "disk full",
    [FG_ERR_CONFIG] = "configuration error",
    [FG_ERR_FORMAT] = "malformed input",
    [FG_ERR_TOOBIG] = "input too large",
    [FG_ERR_PROTO] = "protocol error",
    [FG_ERR_HANGUP] = "hung up",
    [FG_ERR_TIMEOUT] = "timed out",
    [FG_ERR_REJECTED] = "call rejected",
    [FG_ERR_FAX] = "fax transfer failed",
    [FG_ERR_OCR] = "OCR failed",
    [FG_ERR_DB] = "database error",
    [FG_ERR_NOTFOUND] = "not found",
    [FG_ERR_PRINTER_DOWN] = "printer unavailable, will retry",
    [FG_ERR_PRINTER] = "printer refused the job",
    [FG_ERR_UNSUPPORTED] = "not supported",
    [FG_ERR_EXISTS] = "already exists",
    [FG_ERR_STATE] = "not possible in the current state",
    [FG_ERR_PRINTER_BUSY] = "printer busy, will print when it is idle",
};

static _Thread_local char detail[512];
static _Thread_local fg_err detail_code = FG_OK;

const char *fg_strerror(fg_err e)
{
    if ((unsigned)e >= FG_ERR__COUNT || !names[e])
        return "unknown error";
    return names[e];
}

fg_err fg_err_setv(fg_err e, const char *fmt, va_list ap)
{
    vsnprintf(detail, sizeof detail, fmt, ap);
    detail_code = e;
    return e;
}

fg_err fg_err_set(fg_err e, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fg_err_setv(e, fmt, ap);
    va_end(ap);
    return e;
}

const char *fg_err_msg(fg_err e)
{
    /* A stale detail from an earlier, different error must not mislabel this one. */
    if (detail[0] && detail_code == e)
        return detail;
    return fg_strerror(e);
}

void fg_err_clear(void)
{
    detail[0] = '\0';
    detail_code = FG_OK;
}

fg_err fg_err_from_errno(int errnum)
{
    switch (errnum) {
    case ENOSPC:
    case EDQUOT:
        return FG_ERR_NOSPACE;
    case ENOENT:
        return FG_ERR_NOTFOUND;
    case ENOMEM:
        return FG_ERR_NOMEM;
    default:
        return FG_ERR_IO;
    }
}
