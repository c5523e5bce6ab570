/* faxgatectl report — a complaint bundle for one fax, or for every fax of one advertiser.
 *
 * The facts come from the store (fg_store_report_json: SQLite's JSON functions, the one
 * definition of a standing violation), the evidence is re-verified now (report_check.c), and the
 * same JSON document is drawn as a PDF worded for the chosen profile's regulator
 * (report_facts.c, report_labels.c), printed with --json and packed with --bundle.
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
    if (a->bundle && !report_bundle_name_ok(a->bundle)) {
        fprintf(stderr, "faxgatectl report: --bundle takes a file name ending in .tar or .zip, not %s\n", a->bundle);
        return 2;
    }
    return 0;
}

/* The profile's facts; an unknown name is refused with the list of known ones. */
static int check_profile(const char *name, const fg_profile_info **info)
{
    const char *const *names = fg_policy_profiles();
    char list[256] = "";
    size_t n = 0;

    if ((*info = fg_policy_profile_info(name)))
        return 0;
    for (size_t i = 0; names[i] && n < sizeof list; i++)
        n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "", names[i]);
    fprintf(stderr, "faxgatectl report: unknown profile '%s': the known profiles are %s\n", name, list);
    return 2;
}

/* The ids the report covers, as a JSON array. */
static int which_calls(fg_store *st, const report_args *a, json_t **ids)
{
    json_error_t jerr;
    char *text = NULL;
    fg_err e;

    if (a->id) {
        *ids = json_pack("[I]", (json_int_t)a->id);
        return 0;
    }
    if ((e = fg_store_report_calls_json(st, a->advertiser, a->profile, &text)))
        return ctl_fail(e, "report");
    *ids = json_loads(text, 0, &jerr);
    free(text);
    if (!*ids) {
        fprintf(stderr, "faxgatectl report: the store returned unreadable JSON: %s\n", jerr.text);
        return 1;
    }
    if (!json_array_size(*ids)) {
        json_decref(*ids);
        *ids = NULL;   /* the caller releases what it is given */
        fprintf(stderr, "faxgatectl report: no call with violations under profile %s names the advertiser '%s' (by "
                "name, traded symbol or a number it gave); see faxgatectl violations --by advertiser\n",
                a->profile, a->advertiser);
        return 3;
    }
    return 0;
}

/* Each call's facts, verified now. */
static int gather(report_ctx *x, fg_store *st, json_t *ids, json_t *calls)
{
    json_error_t jerr;
    json_t *idv, *r;
    size_t i;
    fg_err e;

    json_array_foreach(ids, i, idv) {
        char *text = NULL;

        if ((e = fg_store_report_json(st, json_integer_value(idv), x->profile, &text)))
            return ctl_fail(e, "report");
        r = json_loads(text, 0, &jerr);
        free(text);
        if (!r) {
            fprintf(stderr, "faxgatectl report: the store returned unreadable JSON: %s\n", jerr.text);
            return 1;
        }
        report_local_facts(x, r);
        report_check_call(x, st, r);
        report_optouts(x, NULL, r);
        json_array_append_new(calls, r);
    }
    return 0;
}

/* How many of the calls' reports have that status (damages and fines count faxes). */
static json_int_t count_status(json_t *calls, const char *status)
{
    json_int_t n = 0;
    json_t *r;
    size_t i;

    json_array_foreach(calls, i, r) n += !strcmp(json_string_value(json_object_get(r, "status")), status);
    return n;
}

static json_t *profile_json(const fg_profile_info *info)
{
    return json_pack("{s:s, s:s, s:s, s:s}", "name", info->name, "law", info->law, "url", info->url, "checks",
                     info->checks);
}

static bool letter_paper(report_ctx *x)
{
    const char *paper = fg_config_get(x->c->cfg, "printer", "paper");

    return paper && !strcmp(paper, "letter") ? true : paper && !strcmp(paper, "a4") ? false : x->lb->letter;
}

/* Draws the PDF at path. */
static fg_err write_pdf(report_ctx *x, const char *path, const report_args *a, json_t *doc, json_t *calls)
{
    char title[300];
    fg_pdf *d;
    json_t *r;
    size_t i;
    fg_err e;

    if (a->advertiser)
        snprintf(title, sizeof title, "%s: %s", x->lb->summary_title, a->advertiser);
    else
        snprintf(title, sizeof title, "%s (%s %lld)", x->lb->title, x->lb->call, (long long)a->id);
    if ((e = fg_pdf_open(path, letter_paper(x), title, &d)))
        return e;
    if (a->advertiser)
        report_draw_summary(x, d, a->advertiser, calls);
    json_array_foreach(calls, i, r) report_draw_call(x, d, r, json_object_get(doc, "chain"));
    return fg_pdf_close(d);
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

static int outputs(report_ctx *x, const report_args *a, json_t *doc, json_t *calls)
{
    char tmp[600] = "", *text = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS);
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
    if (pdf && (e = write_pdf(x, pdf, a, doc, calls))) {
        ctl_fail(e, "report");
        rc = 1;
        goto out;
    }
    if (a->bundle && (e = report_bundle(x, a->bundle, pdf, text, calls))) {
        ctl_fail(e, "report");
        rc = 1;
        goto out;
    }
    if (x->c->json)
        puts(text);
    else
        printf("report on %s%s (profile %s): %zu fax%s%s%s%s%s%s\n", a->advertiser ? "advertiser " : "call ",
               a->advertiser ? a->advertiser : id, x->profile, json_array_size(calls),
               json_array_size(calls) == 1 ? "" : "es", a->out ? "; " : "", a->out ? a->out : "",
               a->bundle ? "; bundle " : "", a->bundle ? a->bundle : "",
               x->problems ? "; evidence MISSING or NOT MATCHING, see above" : "");
out:
    if (tmp[0])
        remove(tmp);
    free(text);
    return rc;
}

int ctl_report(ctl *c, int argc, char **argv)
{
    report_args a = {0};
    report_ctx x = {.c = c};
    json_t *ids = NULL, *calls = json_array(), *doc = NULL;
    fg_store *st;
    fg_err e;
    int rc;

    if ((rc = parse(argc, argv, &a)) || (rc = check_profile(a.profile, &x.info)))
        goto out;
    if (!a.out && !a.bundle && !c->json) {
        fprintf(stderr, "faxgatectl report: say what to write: --out FILE.pdf, --bundle FILE.tar or --json\n" USAGE);
        rc = 2;
        goto out;
    }
    x.profile = a.profile;
    x.lb = fg_report_labels_for(a.profile);
    x.site_number = fg_config_get(c->cfg, "site", "number");
    x.site_owner = fg_config_get(c->cfg, "site", "line_owner");
    if (!(st = ctl_store(c))) {
        rc = 1;
        goto out;
    }
    if ((rc = which_calls(st, &a, &ids)) || (rc = gather(&x, st, ids, calls)))
        goto out;
    if (a.advertiser)
        doc = json_pack("{s:s, s:I, s:I, s:I, s:O}", "advertiser", a.advertiser, "total",
                        (json_int_t)json_array_size(calls), "standing", count_status(calls, "standing"), "pending",
                        count_status(calls, "pending"), "calls", calls);
    else
        doc = json_incref(json_array_get(calls, 0));
    json_object_set_new(doc, "profile_info", profile_json(x.info));
    if ((e = report_check_chain(&x, st, doc))) {
        rc = ctl_fail(e, "report");
        goto out;
    }
    if (!(rc = outputs(&x, &a, doc, calls)) && x.problems)
        rc = 1;
out:
    json_decref(doc);
    json_decref(calls);
    json_decref(ids);
    return rc;
}
