/* faxgated — the spool: where pages live from the first line received until they are deleted. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "gateway.h"

static const char *const folders[] = {"rx", "inbox", "hold", "junk"};

static fg_err make_dir(const char *path)
{
    if (mkdir(path, 0750) < 0 && errno != EEXIST)
        return fg_err_set(fg_err_from_errno(errno), "cannot create spool folder %s: %s", path, strerror(errno));
    return FG_OK;
}

/* mkdir -p for the spool root, so a fresh install needs no manual step. */
static fg_err make_parents(const char *root)
{
    char path[1024];
    size_t n = strlen(root);

    if (n == 0 || n >= sizeof path)
        return fg_err_set(FG_ERR_CONFIG, "[spool] dir '%s' is not a usable path", root);
    memcpy(path, root, n + 1);
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, 0755) < 0 && errno != EEXIST)
            return fg_err_set(fg_err_from_errno(errno), "cannot create %s: %s", path, strerror(errno));
        *p = '/';
    }
    return make_dir(path);
}

fg_err spool_prepare(const char *root)
{
    char path[1100], probe[1200];
    fg_err e;

    if ((e = make_parents(root)))
        return e;
    for (size_t i = 0; i < sizeof folders / sizeof folders[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", root, folders[i]);
        if ((e = make_dir(path)))
            return e;
        if (access(path, W_OK) < 0)
            return fg_err_set(FG_ERR_IO, "spool folder %s is not writable by this user: %s", path,
                              strerror(errno));
    }
    /* Prove we can create files now rather than at the first call. */
    snprintf(probe, sizeof probe, "%s/rx/.probe-%d", root, (int)getpid());
    FILE *f = fopen(probe, "w");
    if (!f)
        return fg_err_set(fg_err_from_errno(errno), "cannot write in %s/rx: %s", root, strerror(errno));
    fclose(f);
    unlink(probe);
    return FG_OK;
}

fg_err spool_free_mb(const char *root, long *mb)
{
    struct statvfs s;

    if (statvfs(root, &s) < 0)
        return fg_err_set(fg_err_from_errno(errno), "cannot check free space of %s: %s", root, strerror(errno));
    *mb = (long)((unsigned long long)s.f_bavail * s.f_frsize / (1024 * 1024));
    return FG_OK;
}

fg_err spool_check(const char *root, long *mb, bool *recreated)
{
    char path[1100];
    struct stat sb;
    const char *gone = NULL;
    fg_err e;

    *recreated = false;
    for (size_t i = 0; i < sizeof folders / sizeof folders[0] && !gone; i++) {
        snprintf(path, sizeof path, "%s/%s", root, folders[i]);
        if (stat(path, &sb) < 0 || !S_ISDIR(sb.st_mode))
            gone = folders[i];
    }
    if (gone) {
        /* someone removed it (a cleanup script, an operator, a tmpfs remounted): made again, so
           that calls go on; what was filed in it is gone with it */
        if ((e = spool_prepare(root))) {
            char why[512];

            snprintf(why, sizeof why, "%s", fg_err_msg(e));
            return fg_err_set(e, "spool folder %s/%s is gone and cannot be made again: %s", root, gone, why);
        }
        *recreated = true;
    }
    return spool_free_mb(root, mb);
}

void spool_path(const char *root, const char *sub, int64_t id, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s/%s/call-%lld.tif", root, sub, (long long)id);
}

const char *spool_folder_for(fg_verdict v)
{
    switch (v) {
    case FG_VERDICT_HOLD:
        return "hold";
    case FG_VERDICT_DROP:
        return "junk";
    default:
        return "inbox";
    }
}
