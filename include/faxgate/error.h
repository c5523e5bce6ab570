/* faxgate — one error type for every module.
 *
 * Values are never renumbered: retired codes stay as placeholders, new codes go at
 * the end (as curl does with CURLcode). Functions return fg_err; the thread-local
 * detail set with fg_err_set() says what happened and what to do about it.
 */
#ifndef FAXGATE_ERROR_H
#define FAXGATE_ERROR_H

#include <stdarg.h>

typedef enum fg_err {
    FG_OK = 0,
    FG_ERR_NOMEM = 1,          /* out of memory */
    FG_ERR_INVAL = 2,          /* bad argument from the caller (a bug, or bad CLI input) */
    FG_ERR_IO = 3,             /* a read, write, open or rename failed (errno in the detail) */
    FG_ERR_NOSPACE = 4,        /* disk full (ENOSPC/EDQUOT): nothing was discarded */
    FG_ERR_CONFIG = 5,         /* configuration file or value is wrong */
    FG_ERR_FORMAT = 6,         /* malformed input (TIFF, WAV, pcap, frame, text) */
    FG_ERR_TOOBIG = 7,         /* input exceeds a safety cap */
    FG_ERR_PROTO = 8,          /* peer broke a protocol (AudioSocket, T.30, IPP) */
    FG_ERR_HANGUP = 9,         /* the far end hung up or the connection closed */
    FG_ERR_TIMEOUT = 10,       /* an operation took longer than its limit */
    FG_ERR_REJECTED = 11,      /* the call was screened out in phase B */
    FG_ERR_FAX = 12,           /* T.30 ended with an error (code in the detail) */
    FG_ERR_OCR = 13,           /* Tesseract could not initialise or recognise */
    FG_ERR_DB = 14,            /* SQLite error (message in the detail) */
    FG_ERR_NOTFOUND = 15,      /* no such call, entry or file */
    FG_ERR_PRINTER_DOWN = 16,  /* printer unreachable or busy: retry later, nothing lost */
    FG_ERR_PRINTER = 17,       /* printer refused the job for good (bad format, auth) */
    FG_ERR_UNSUPPORTED = 18,   /* feature, scheme or format not supported by this build */
    FG_ERR_EXISTS = 19,        /* already present */
    FG_ERR_STATE = 20,         /* operation not valid in the object's current state */
    FG_ERR_PRINTER_BUSY = 21,  /* printer is printing something else: send again once it is idle */
    FG_ERR__COUNT
} fg_err;

/** Short fixed description of a code ("disk full"), never NULL. */
const char *fg_strerror(fg_err e);

/** Records a detailed message for the calling thread and returns e (printf format). */
fg_err fg_err_set(fg_err e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** Like fg_err_set() with a va_list. */
fg_err fg_err_setv(fg_err e, const char *fmt, va_list ap);

/** The calling thread's last detailed message, or the short description of e if none. */
const char *fg_err_msg(fg_err e);

/** Forgets the calling thread's detailed message. */
void fg_err_clear(void);

/** Maps an errno value to FG_ERR_NOSPACE, FG_ERR_NOTFOUND or FG_ERR_IO. */
fg_err fg_err_from_errno(int errnum);

#endif
