/* faxgatectl report — a complaint bundle for one fax, or for every fax of one advertiser.
 *
 * The report is made by host/common/report.h (the same code serves the web admin's downloads):
 * here are the arguments, the outputs (--out, --bundle, --json) and the exit status.
 *
 * Exit status: 0 when everything was written and every page and hash checks out; 1 when the
 * report was written but a page image is missing or unreadable, or a hash does not match (the
 * report says so on the page concerned), or when an output cannot be written; 2 for a usage
 * error, an unknown profile or time zone; 3 when the call or advertiser is unknown.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "report.h"

#define USAGE                                                                                          \
    "usage: faxgatectl report ID|--advertiser NAME|NUMBER|SYMBOL --profile P [--out FILE.pdf]\n"      \
    "                         [--bundle FILE.tar|FILE.zip] [--json]\n"

typedef struct report_args {
    int64_t id;
    const char *advertiser;
    const char *profile;
    const char *out;
    const char *bundle;
} report_args;

static int parse(int argc, char **argv, report_args *a)
{
    for (int i = 1; i < argc; i++) {
        const char **opt = !strcmp(argv[i], "--advertiser") ? &a->advertiser
                           : !strcmp(argv[i], "--profile")  ? &a->profile
                           : !strcmp(argv[i], "--out")      ? &a->out
                           : !strcmp(argv[i], "--bundle")   ? &a->bundle
                                                            : NULL;

        if (opt && i + 1 < argc && argv[i + 1][0]) {
            *opt = argv[++i];
        } else if (opt || argv[i][0] == '-' || a->id) {
            fprintf(stderr, "faxgatectl report: %s '%s'\n" USAGE,
                    opt ? "missing value after" : a->id ? "one call id only, not also" : "unknown option", argv[i]);
            return 2;
        } else if (!(a->id = ctl_parse_id(argv[i]))) {
            return 2;
        }
    }
    if (!a->id == !a->advertiser || !a->profile) {
        fprintf(stderr, "faxgatectl report: give a call id or --advertiser, and --profile\n" USAGE);
        return 2;
    }
    if (a->bundle && !fg_report_bundle_name_ok(a->bundle)) {
        fprintf(stderr, "faxgatectl report: --bundle takes a file name ending in .tar or .zip, not %s\n", a->bundle);
        return 2;
    }
    return 0;
}

/* faxgatectl says each problem in the evidence as it is found. */
static void warn_stderr(void *user, const char *msg)
{
    (void)user;
    fprintf(stderr, "faxgatectl report: %s\n", msg);
}

/* A temporary PDF for a bundle made without --out. */
static int temp_pdf(char *path, size_t cap)
{
    const char *dir = getenv("TMPDIR");
    int fd;

    snprintf(path, cap, "%s/faxgate-report-XXXXXX.pdf", dir && *dir ? dir : "/tmp");
    if ((fd = mkstemps(path, 4)) < 0) {
        fprintf(stderr, "faxgatectl report: cannot create a temporary file %s: %s\n", path, strerror(errno));
        return 1;
    }
    close(fd);
    return 0;
}

static int outputs(ctl *c, fg_report *rep, const report_args *a)
{
    char tmp[600] = "", *text = json_dumps(fg_report_doc(rep), JSON_INDENT(2) | JSON_SORT_KEYS);
    size_t n = fg_report_calls(rep);
    const char *pdf = a->out;
    int rc = 0;
    fg_err e;

    char id[32];

    if (!text)
        return ctl_fail(FG_ERR_NOMEM, "report");
    snprintf(id, sizeof id, "%lld", (long long)a->id);
    if (!pdf && a->bundle && (rc = temp_pdf(tmp, sizeof tmp)))
        goto out;
    if (!pdf && a->bundle)
        pdf = tmp;
    if (pdf && (e = fg_report_write_pdf(rep, pdf))) {
        ctl_fail(e, "report");
        rc = 1;
        goto out;
    }
    if (a->bundle && (e = fg_report_write_bundle(rep, a->bundle, pdf))) {
        ctl_fail(e, "report");
        rc = 1;
        goto out;
    }
    if (c->json)
        puts(text);
    else
        printf("report on %s%s (profile %s): %zu fax%s%s%s%s%s%s\n", a->advertiser ? "advertiser " : "call ",
               a->advertiser ? a->advertiser : id, a->profile, n, n == 1 ? "" : "es", a->out ? "; " : "",
               a->out ? a->out : "", a->bundle ? "; bundle " : "", a->bundle ? a->bundle : "",
               fg_report_problems(rep) ? "; evidence MISSING or NOT MATCHING, see above" : "");
out:
    if (tmp[0])
        remove(tmp);
    free(text);
    return rc;
}

int ctl_report(ctl *c, int argc, char **argv)
{
    report_args a = {0};
    fg_report *rep = NULL;
    fg_store *st;
    fg_err e;
    int rc;

    if ((rc = parse(argc, argv, &a)))
        return rc;
    if (!a.out && !a.bundle && !c->json) {
        fprintf(stderr, "faxgatectl report: say what to write: --out FILE.pdf, --bundle FILE.tar or --json\n" USAGE);
        return 2;
    }
    if (!(st = ctl_store(c)))
        return 1;
    if ((e = fg_report_new(st, c->cfg, a.id, a.advertiser, a.profile, warn_stderr, NULL, &rep)))
        return ctl_fail(e, "report");
    if (!(rc = outputs(c, rep, &a)) && fg_report_problems(rep))
        rc = 1;
    fg_report_free(rep);
    return rc;
}
