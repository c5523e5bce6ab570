/* faxgated — complaint PDFs to download: a call's, or an advertiser's, made by the same code as
 * `faxgatectl report … --out F.pdf` (host/common/report.h), so the two files say the same.
 *
 * The PDF is drawn into a private temporary file beside the page-image cache (the spool's disk,
 * not /tmp's, which may be RAM), unlinked at once and sent from its descriptor: a report of many
 * faxes never sits in memory, and nothing is left behind whatever happens to the request. A report re-verifies every page's hash
 * as it is made, so an advertiser with many faxes takes a while: one of the server's two threads
 * is busy meanwhile, the other serves.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "report.h"
#include "web.h"

/* The evidence's problems go to the log; the PDF says them on the page concerned. */
static void warn_log(void *user, const char *msg)
{
    char line[600];

    (void)user;
    log_warn("web admin: report: %s", web_loggable(msg, line, sizeof line));
}

/* The PDF drawn into an unlinked temporary file: its descriptor, at its start, and its size; -1
   and *e set if it cannot be drawn. */
static int draw(web_req *r, fg_report *rep, uint64_t *size, fg_err *e)
{
    char path[1200];
    struct stat sb;
    int fd;

    snprintf(path, sizeof path, "%s/report-XXXXXX.pdf", web_cache_dir(r->w));
    if ((fd = mkostemps(path, 4, O_CLOEXEC)) < 0) {
        *e = fg_err_set(fg_err_from_errno(errno), "cannot create %s: %s", path, strerror(errno));
        return -1;
    }
    if ((*e = fg_report_write_pdf(rep, path))) {
        close(fd);
        remove(path);
        return -1;
    }
    /* fg_pdf wrote the file by its name; mkostemps' descriptor reads it (lseek 0: nothing moved it) */
    remove(path);
    if (fstat(fd, &sb) || lseek(fd, 0, SEEK_SET)) {
        *e = fg_err_set(fg_err_from_errno(errno), "cannot read back %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    *size = (uint64_t)sb.st_size;
    return fd;
}

/* Makes the report and sends it, or says why not. */
static void send_report(web_req *r, int64_t id, const char *who)
{
    const char *profile;
    char pbuf[16], name[64], disp[128], msg[600];
    fg_report *rep = NULL;
    uint64_t size = 0;
    fg_err e;
    int fd;

    profile = web_profile_arg(r, pbuf, sizeof pbuf);
    if (!web_profile_check(r, profile))
        return;
    profile = fg_policy_profile_info(profile)->name;
    e = fg_report_new(r->gw->st, r->gw->cfg, id, who, profile, warn_log, NULL, &rep);
    if (e == FG_ERR_NOTFOUND && id) {
        snprintf(msg, sizeof msg, "There is no call %lld.", (long long)id);
        return web_error(r, 404, msg);
    }
    if (e == FG_ERR_NOTFOUND) {
        snprintf(msg, sizeof msg, "No fax with violations under profile %s names the advertiser '%s' (by name, "
                 "traded symbol or a number it gave).", profile, who);
        return web_error(r, 404, msg);
    }
    if (e) {
        log_error("web admin: report: %s", fg_err_msg(e));
        return web_error(r, 500, "The report could not be made; see faxgated's log.");
    }
    fd = draw(r, rep, &size, &e);
    fg_report_free(rep);
    if (fd < 0) {
        log_error("web admin: report: %s", fg_err_msg(e));
        return web_error(r, 500, "The report could not be written; see faxgated's log.");
    }
    if (id)
        snprintf(name, sizeof name, "call-%lld", (long long)id);
    else
        fg_web_file_name(who, name, sizeof name);
    snprintf(disp, sizeof disp, "attachment; filename=\"complaint-%s-%s.pdf\"", name, profile);
    web_reply_fd(r, 200, "application/pdf", fd, size, "Content-Disposition", disp);
}

void web_call_report(web_req *r, int64_t id)
{
    if (web_require(r, "viewer"))
        send_report(r, id, NULL);
}

void web_advertiser_report(web_req *r)
{
    const char *who = web_arg(r, "name");

    if (!web_require(r, "viewer"))
        return;
    if (!who || !*who)
        return web_error(r, 400, "Say which advertiser: /advertisers/report.pdf?name=…&profile=…");
    send_report(r, 0, who);
}
