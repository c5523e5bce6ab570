/* faxgate — a private SpanDSP T.4/T.6 decoder that writes no file (see t4_decoder.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "t4_decoder.h"

fg_err fg_t4dec_open(fg_t4dec *d, t4_row_write_handler_t on_row, void *user)
{
    const char *tmp = getenv("TMPDIR");

    if (d->t4)
        return FG_OK;
    if (!tmp || !*tmp)
        tmp = "/tmp";
    snprintf(d->dir, sizeof d->dir, "%s/faxgate-decode-XXXXXX", tmp);
    if (!mkdtemp(d->dir)) {
        fg_err e = fg_err_set(fg_err_from_errno(errno), "decode: cannot make a temporary folder in %s: %s; "
                              "set TMPDIR to a writable folder", tmp, strerror(errno));

        d->dir[0] = '\0';
        return e;
    }
    snprintf(d->path, sizeof d->path, "%s/unused.tif", d->dir);
    if (!(d->t4 = t4_rx_init(NULL, d->path, T4_COMPRESSION_ITU_T6)))
        return fg_err_set(FG_ERR_IO, "decode: SpanDSP cannot start a T.4 decoder in %s", d->dir);
    t4_rx_set_row_write_handler(d->t4, on_row, user);
    return FG_OK;
}

void fg_t4dec_close(fg_t4dec *d)
{
    if (d->t4) {
        t4_rx_free(d->t4);   /* removes its empty output file */
        unlink(d->path);
        d->t4 = NULL;
    }
    if (d->dir[0])
        rmdir(d->dir);
    d->dir[0] = '\0';
}
