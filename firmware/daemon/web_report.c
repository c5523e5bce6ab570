/* faxgated — complaint PDFs to download: a call's, or an advertiser's, made by the same code as
 * `faxgatectl report … --out F.pdf` (host/common/report.h), so the two files say the same.
 *
 * The PDF is drawn into a private temporary file beside the page-image cache (the spool's disk,
 * not /tmp's), read back, and removed before it is sent. A report re-verifies every page's hash
 * as it is made, so an advertiser with many faxes takes a while: one of the server's two threads
 * is busy meanwhile, the other serves.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "report.h"
#include "web.h"

#define WEB_PDF_MAX (256L * 1024 * 1024)   /* a larger report is left to faxgatectl report */

/* The evidence's problems go to the log; the PDF says them on the page concerned. */
static void warn_log(void *user, const char *msg)
{
    char line[600];

    (void)user;
    log_warn("web admin: report: %s", web_loggable(msg, line, sizeof line));
}

/* A file name from a stranger's text: letters and digits kept, the rest one '-', cut short. */
static void safe_name(const char *in, char *out, size_t cap)
{
    size_t n = 0;

    for (; in && *in && n + 1 < cap && n < 40; in++) {
        if (isalnum((unsigned char)*in) && !((unsigned char)*in & 0x80))
            out[n++] = (char)tolower((unsigned char)*in);
        else if (n && out[n - 1] != '-')
            out[n++] = '-';
    }
    while (n && out[n - 1] == '-')
        n--;
    out[n] = '\0';
    if (!n)
        snprintf(out, cap, "advertiser");
}

/* The PDF in memory; NULL and *e set if it cannot be drawn or read back. */
static char *draw(web_req *r, fg_report *rep, size_t *len, fg_err *e)
{
    char path[1200];
    struct stat sb;
    char *buf = NULL;
    FILE *f = NULL;
    int fd;

    snprintf(path, sizeof path, "%s/report-XXXXXX.pdf", web_cache_dir(r->w));
    if ((fd = mkstemps(path, 4)) < 0) {
        *e = fg_err_set(fg_err_from_errno(errno), "cannot create %s: %s", path, strerror(errno));
        return NULL;
    }
    close(fd);
    if ((*e = fg_report_write_pdf(rep, path)))
        goto out;
    if (!(f = fopen(path, "rb")) || fstat(fileno(f), &sb)) {
        *e = fg_err_set(fg_err_from_errno(errno), "cannot read back %s: %s", path, strerror(errno));
        goto out;
    }
    if (sb.st_size > WEB_PDF_MAX) {
        *e = fg_err_set(FG_ERR_TOOBIG, "the report is %lld bytes; faxgatectl report writes it",
                        (long long)sb.st_size);
        goto out;
    }
    *len = (size_t)sb.st_size;
    if (!(buf = malloc(*len ? *len : 1))) {
        *e = fg_err_set(FG_ERR_NOMEM, "cannot hold the report (%zu bytes)", *len);
    } else if (fread(buf, 1, *len, f) != *len) {
        *e = fg_err_set(FG_ERR_IO, "cannot read back %s", path);
        free(buf);
        buf = NULL;
    }
out:
    if (f)
        fclose(f);
    remove(path);
    return buf;
}

/* Makes the report and sends it, or says why not. */
static void send_report(web_req *r, int64_t id, const char *who)
{
    const char *profile;
    char pbuf[16], name[64], disp[128], msg[600];
    fg_report *rep = NULL;
    char *pdf;
    size_t len = 0;
    fg_err e;

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
    pdf = draw(r, rep, &len, &e);
    fg_report_free(rep);
    if (!pdf) {
        log_error("web admin: report: %s", fg_err_msg(e));
        return web_error(r, e == FG_ERR_TOOBIG ? 413 : 500,
                         e == FG_ERR_TOOBIG ? "The report is too large to download; faxgatectl report writes it."
                                            : "The report could not be written; see faxgated's log.");
    }
    if (id)
        snprintf(name, sizeof name, "call-%lld", (long long)id);
    else
        safe_name(who, name, sizeof name);
    snprintf(disp, sizeof disp, "attachment; filename=\"complaint-%s-%s.pdf\"", name, profile);
    web_reply_hdr(r, 200, "application/pdf", pdf, len, "Content-Disposition", disp);
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
