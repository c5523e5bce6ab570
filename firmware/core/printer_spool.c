/* faxgate — "spool:DIR": one PDF per fax in a folder (for a hot folder, a share, or tests).
 *
 * A file appears in DIR complete or not at all: the PDF is written to a hidden temporary
 * file in DIR, synced, then linked under its final name (link fails rather than replace an
 * existing file, so two faxes never overwrite each other) and the folder is synced.
 * A folder that is missing or not writable is treated like a printer that is down: the job
 * stays queued and is retried, nothing is lost.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deliver_impl.h"
#include "printer_impl.h"

typedef struct spool_printer {
    struct fg_printer base;
    char *dir;
} spool_printer;

/* A write error: a full disk is FG_ERR_NOSPACE, anything else is retried later. */
static fg_err spool_err(const spool_printer *sp, int err, const char *what)
{
    if (err == ENOSPC || err == EDQUOT)
        return fg_err_set(FG_ERR_NOSPACE, "spool folder %s is full (%s while %s); free space there, the job stays "
                          "queued", sp->dir, strerror(err), what);
    return fg_err_set(FG_ERR_PRINTER_DOWN, "spool folder %s: %s while %s; check that it exists and is writable, "
                      "the job stays queued and is retried", sp->dir, strerror(err), what);
}

/* File name from the job name: letters, digits and ._-+ kept, the rest becomes '_'. */
static void safe_name(const char *job, char *out, size_t cap)
{
    size_t o = 0;

    for (; *job && o + 1 < cap && o < 96; job++) {
        unsigned char ch = (unsigned char)*job;

        out[o++] = (ch < 0x80 && (ch == '.' || ch == '-' || ch == '+' || ch == '_' || (ch >= '0' && ch <= '9') ||
                                   ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z')))
                       ? (char)ch
                       : '_';
    }
    out[o] = '\0';
    if (o == 0 || out[0] == '.')
        out[0] = '_';
    if (o == 0)
        snprintf(out, cap, "fax");
}

/* Gives tmp the name final unless final exists (errno EEXIST then). link() is atomic and never
   replaces; file systems without hard links (FAT on a USB stick, some shares) get
   renameat2(RENAME_NOREPLACE), and failing that a check then rename. */
static int place(const char *tmp, const char *final)
{
    if (link(tmp, final) == 0)
        return 0;
    if (errno != EPERM && errno != ENOTSUP && errno != EOPNOTSUPP && errno != ENOSYS && errno != EMLINK)
        return -1;
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, final, RENAME_NOREPLACE) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOSYS)
        return -1;
    if (access(final, F_OK) == 0) {
        errno = EEXIST;
        return -1;
    }
    return rename(tmp, final);
}

static fg_err spool_print(fg_printer *p, const char *tiff_path, const char *job_name, int *job_id)
{
    spool_printer *sp = (spool_printer *)p;
    char tmp[4096], final[4096], name[128];
    const fg_media *media;
    fg_err e = FG_OK;
    FILE *f;
    int fd, dfd;

    *job_id = 0;
    safe_name(job_name, name, sizeof name);
    if ((size_t)snprintf(tmp, sizeof tmp, "%s/.%s.XXXXXX", sp->dir, name) >= sizeof tmp)
        return fg_err_set(FG_ERR_CONFIG, "spool folder path %s is too long", sp->dir);
    if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0)
        return spool_err(sp, errno, "creating a file");
    if (!(f = fdopen(fd, "wb"))) {
        e = spool_err(sp, errno, "opening a file");
        close(fd);
        unlink(tmp);
        return e;
    }
    if (!(e = fg_media_for_tiff(tiff_path, p->opts.paper, &media)))
        e = fg_pdf_write(tiff_path, media, f);
    if (e == FG_ERR_NOSPACE)
        e = spool_err(sp, ENOSPC, "writing the PDF");
    if (!e && (fflush(f) != 0 || fsync(fd) != 0))
        e = spool_err(sp, errno, "writing the PDF");
    if (fclose(f) != 0 && !e)
        e = spool_err(sp, errno, "closing the PDF");
    /* Never replace an earlier fax of the same name: try name.pdf, name-2.pdf, … */
    for (int i = 1; !e; i++) {
        if (i == 1)
            snprintf(final, sizeof final, "%s/%s.pdf", sp->dir, name);
        else
            snprintf(final, sizeof final, "%s/%s-%d.pdf", sp->dir, name, i);
        if (place(tmp, final) == 0)
            break;
        if (errno == EEXIST && i < 1000)
            continue;
        e = spool_err(sp, errno, "naming the PDF");
    }
    unlink(tmp);
    if (!e && (dfd = open(sp->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
        if (fsync(dfd) != 0 && (errno == ENOSPC || errno == EIO))
            e = spool_err(sp, errno, "syncing the folder");
        close(dfd);
    }
    return e;
}

/* The first copy of a job is DIR/NAME.pdf (later ones NAME-2.pdf…, written only if an
   earlier fax had the same name): its presence says the job was delivered. */
static fg_err spool_find(fg_printer *p, const char *job_name, bool *found, int *job_id)
{
    spool_printer *sp = (spool_printer *)p;
    char final[4096], name[128];

    *job_id = 0;
    safe_name(job_name, name, sizeof name);
    if ((size_t)snprintf(final, sizeof final, "%s/%s.pdf", sp->dir, name) >= sizeof final)
        return fg_err_set(FG_ERR_CONFIG, "spool folder path %s is too long", sp->dir);
    if (access(final, F_OK) == 0) {
        *found = true;
        return FG_OK;
    }
    if (errno != ENOENT)
        return spool_err(sp, errno, "looking for an earlier copy");
    *found = false;
    return FG_OK;
}

static void spool_close(fg_printer *p)
{
    free(((spool_printer *)p)->dir);
}

static fg_err spool_open(const char *uri, fg_printer **out)
{
    const char *dir = uri + strlen("spool:");
    spool_printer *sp;
    size_t n;

    if (strncmp(uri, "spool:", 6) != 0 || !*dir)
        return fg_err_set(FG_ERR_CONFIG, "printer '%s' should be spool:DIR, a folder to put PDF files in", uri);
    if (!(sp = calloc(1, sizeof *sp)) || !(sp->base.uri = strdup(uri)) || !(sp->dir = strdup(dir))) {
        if (sp)
            free(sp->base.uri);
        free(sp);
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate a spool printer");
    }
    for (n = strlen(sp->dir); n > 1 && sp->dir[n - 1] == '/'; n--)
        sp->dir[n - 1] = '\0';
    sp->base.driver = &fg_printer_spool;
    sp->base.print = spool_print;
    sp->base.find = spool_find;
    sp->base.close = spool_close;
    *out = &sp->base;
    return FG_OK;
}

const fg_printer_driver fg_printer_spool = {"spool", spool_open};
