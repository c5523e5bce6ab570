/* faxgate — durable: syncing files and folders; the fault points of the crash tests. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "faxgate/durable.h"

fg_err fg_sync_file(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    int err;

    if (fd < 0)
        return fg_err_set(fg_err_from_errno(errno), "cannot open %s to sync it: %s", path, strerror(errno));
    err = fsync(fd) < 0 ? errno : 0;
    close(fd);
    if (err)
        return fg_err_set(fg_err_from_errno(err), "cannot sync %s to disk: %s", path, strerror(err));
    return FG_OK;
}

fg_err fg_sync_dir_of(const char *path)
{
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    int fd, err;

    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if ((size_t)(slash - path) >= sizeof dir)
        return fg_err_set(FG_ERR_TOOBIG, "path too long to sync its folder: %s", path);
    else
        snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
    if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        return fg_err_set(fg_err_from_errno(errno), "cannot open folder %s to sync it: %s", dir, strerror(errno));
    /* some file systems cannot sync a folder (EINVAL): their renames are as durable as they get */
    err = fsync(fd) < 0 && errno != EINVAL ? errno : 0;
    close(fd);
    if (err)
        return fg_err_set(fg_err_from_errno(err), "cannot sync folder %s to disk: %s", dir, strerror(err));
    return FG_OK;
}

static fg_err copy_synced(const char *from, const char *to)
{
    char buf[65536];
    ssize_t r;
    int in, o;
    fg_err e = FG_OK;

    if ((in = open(from, O_RDONLY | O_CLOEXEC)) < 0)
        return fg_err_set(fg_err_from_errno(errno), "cannot open %s: %s", from, strerror(errno));
    if ((o = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640)) < 0) {
        close(in);
        return fg_err_set(fg_err_from_errno(errno), "cannot create %s: %s", to, strerror(errno));
    }
    while ((r = read(in, buf, sizeof buf)) > 0) {
        if (write(o, buf, (size_t)r) != r) {
            e = fg_err_set(fg_err_from_errno(errno), "cannot write %s: %s", to, strerror(errno));
            break;
        }
    }
    if (r < 0)
        e = fg_err_set(FG_ERR_IO, "cannot read %s: %s", from, strerror(errno));
    if (!e && fsync(o) < 0)
        e = fg_err_set(fg_err_from_errno(errno), "cannot sync %s: %s", to, strerror(errno));
    close(in);
    if (close(o) < 0 && !e)
        e = fg_err_set(fg_err_from_errno(errno), "cannot close %s: %s", to, strerror(errno));
    if (e)
        unlink(to);   /* the original stays where it was: nothing lost */
    return e;
}

fg_err fg_move_durable(const char *from, const char *to)
{
    fg_err e;

    if (rename(from, to) < 0) {
        if (errno != EXDEV)
            return fg_err_set(fg_err_from_errno(errno), "cannot move %s to %s: %s", from, to, strerror(errno));
        if ((e = copy_synced(from, to)) || (e = fg_sync_dir_of(to)))
            return e;
        unlink(from);
        return fg_sync_dir_of(from);
    }
    /* the new name first: until it is on disk, the old one must stay */
    if ((e = fg_sync_dir_of(to)))
        return e;
    return fg_sync_dir_of(from);
}

void fg_fault(const char *point)
{
    static atomic_int hits;
    static const char *spec;
    static atomic_bool read;
    char name[64];
    long at = 1;

    if (!atomic_load(&read)) {
        spec = getenv("FAXGATE_FAULT");
        atomic_store(&read, true);
    }
    if (!spec || !*spec)
        return;
    const char *colon = strchr(spec, ':');
    size_t n = colon ? (size_t)(colon - spec) : strlen(spec);

    if (n >= sizeof name)
        return;
    memcpy(name, spec, n);
    name[n] = '\0';
    if (strcmp(name, point))
        return;
    if (colon)
        at = strtol(colon + 1, NULL, 10);
    if (atomic_fetch_add(&hits, 1) + 1 != at)
        return;
    fprintf(stderr, "faxgate: fault point %s reached (FAXGATE_FAULT=%s): killing this process\n", point, spec);
    kill(getpid(), SIGKILL);
    pause();
}
