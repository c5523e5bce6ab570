/* faxgate host — a complaint report made (report.h): which calls it covers, each call's facts
 * verified now, the JSON document, the PDF. faxgatectl report and the web admin's downloads both
 * come here.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_impl.h"

struct fg_report {
    report_ctx x;
    int64_t id;
    char *advertiser;   /* NULL for a report on one call */
    json_t *calls;      /* each call's facts, verified */
    json_t *doc;        /* the call's facts, or the advertiser's summary with them */
};

void report_problem(report_ctx *x, const char *fmt, ...)
{
    char msg[1200];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    x->problems = true;
    if (x->warn)
        x->warn(x->warn_user, msg);
}

void fg_report_profiles(char *out, size_t cap)
{
    const char *const *names = fg_policy_profiles();
    size_t n = 0;

    out[0] = '\0';
    for (size_t i = 0; names[i] && n < cap; i++)
        n += (size_t)snprintf(out + n, cap - n, "%s%s", i ? ", " : "", names[i]);
}

/* The ids the report covers, as a JSON array. */
static fg_err which_calls(fg_report *r, fg_store *st, json_t **ids)
{
    json_error_t jerr;
    char *text = NULL;
    fg_err e;

    if (!r->advertiser) {
        *ids = json_pack("[I]", (json_int_t)r->id);
        return *ids ? FG_OK : fg_err_set(FG_ERR_NOMEM, "cannot allocate the report");
    }
    if ((e = fg_store_report_calls_json(st, r->advertiser, r->x.profile, &text)))
        return e;
    *ids = json_loads(text, 0, &jerr);
    free(text);
    if (!*ids)
        return fg_err_set(FG_ERR_DB, "the store returned unreadable JSON: %s", jerr.text);
    if (!json_array_size(*ids))
        return fg_err_set(FG_ERR_NOTFOUND, "no call with violations under profile %s names the advertiser '%s' (by "
                          "name, traded symbol or a number it gave); see faxgatectl violations --by advertiser",
                          r->x.profile, r->advertiser);
    return FG_OK;
}

/* Each call's facts, verified now. */
static fg_err gather(fg_report *r, fg_store *st, json_t *ids)
{
    json_error_t jerr;
    json_t *idv, *c;
    size_t i;
    fg_err e;

    json_array_foreach(ids, i, idv) {
        char *text = NULL;

        if ((e = fg_store_report_json(st, json_integer_value(idv), r->x.profile, &text)))
            return e;
        c = json_loads(text, 0, &jerr);
        free(text);
        if (!c)
            return fg_err_set(FG_ERR_DB, "the store returned unreadable JSON: %s", jerr.text);
        report_local_facts(&r->x, c);
        report_check_call(&r->x, st, c);
        report_optouts(&r->x, NULL, c);
        json_array_append_new(r->calls, c);
    }
    return FG_OK;
}

/* How many of the calls' reports have that status (damages and fines count faxes). */
static json_int_t count_status(json_t *calls, const char *status)
{
    json_int_t n = 0;
    json_t *c;
    size_t i;

    json_array_foreach(calls, i, c) n += !strcmp(json_string_value(json_object_get(c, "status")), status);
    return n;
}

static json_t *profile_json(const fg_profile_info *info)
{
    return json_pack("{s:s, s:s, s:s, s:s}", "name", info->name, "law", info->law, "url", info->url, "checks",
                     info->checks);
}

fg_err fg_report_new(fg_store *st, const fg_config *cfg, int64_t id, const char *advertiser, const char *profile,
                     fg_report_warn_fn warn, void *user, fg_report **out)
{
    fg_report *r;
    json_t *ids = NULL;
    char list[256];
    fg_err e;

    *out = NULL;
    if (!st || !cfg || !profile || !id == !advertiser)
        return fg_err_set(FG_ERR_INVAL, "fg_report_new: a call id or an advertiser, and a profile");
    if (!(r = calloc(1, sizeof *r)) || !(r->calls = json_array()) ||
        (advertiser && !(r->advertiser = strdup(advertiser)))) {
        fg_report_free(r);
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate the report");
    }
    r->id = id;
    r->x = (report_ctx){.cfg = cfg, .warn = warn, .warn_user = user};
    if (!(r->x.info = fg_policy_profile_info(profile))) {
        fg_report_profiles(list, sizeof list);
        e = fg_err_set(FG_ERR_INVAL, "unknown profile '%s': the known profiles are %s", profile, list);
        goto fail;
    }
    r->x.profile = r->x.info->name;
    r->x.lb = fg_report_labels_for(r->x.profile);
    r->x.site_number = fg_config_get(cfg, "site", "number");
    r->x.site_owner = fg_config_get(cfg, "site", "line_owner");
    if ((e = which_calls(r, st, &ids)) || (e = gather(r, st, ids)))
        goto fail;
    if (advertiser)
        r->doc = json_pack("{s:s, s:I, s:I, s:I, s:O}", "advertiser", advertiser, "total",
                           (json_int_t)json_array_size(r->calls), "standing", count_status(r->calls, "standing"),
                           "pending", count_status(r->calls, "pending"), "calls", r->calls);
    else
        r->doc = json_incref(json_array_get(r->calls, 0));
    if (!r->doc) {
        e = fg_err_set(FG_ERR_NOMEM, "cannot allocate the report");
        goto fail;
    }
    json_object_set_new(r->doc, "profile_info", profile_json(r->x.info));
    if ((e = report_check_chain(&r->x, st, r->doc)))
        goto fail;
    json_decref(ids);
    *out = r;
    return FG_OK;
fail:
    json_decref(ids);
    fg_report_free(r);
    return e;
}

static bool letter_paper(const report_ctx *x)
{
    const char *paper = fg_config_get(x->cfg, "printer", "paper");

    return paper && !strcmp(paper, "letter") ? true : paper && !strcmp(paper, "a4") ? false : x->lb->letter;
}

fg_err fg_report_write_pdf(fg_report *r, const char *path)
{
    report_ctx *x = &r->x;
    char title[300];
    fg_pdf *d;
    json_t *c;
    size_t i;
    fg_err e;

    if (r->advertiser)
        snprintf(title, sizeof title, "%s: %s", x->lb->summary_title, r->advertiser);
    else
        snprintf(title, sizeof title, "%s (%s %lld)", x->lb->title, x->lb->call, (long long)r->id);
    if ((e = fg_pdf_open(path, letter_paper(x), title, &d)))
        return e;
    if (r->advertiser)
        report_draw_summary(x, d, r->advertiser, r->calls);
    json_array_foreach(r->calls, i, c) report_draw_call(x, d, c, json_object_get(r->doc, "chain"));
    return fg_pdf_close(d);
}

fg_err fg_report_write_bundle(fg_report *r, const char *path, const char *pdf)
{
    char *text = json_dumps(r->doc, JSON_INDENT(2) | JSON_SORT_KEYS);
    fg_err e;

    if (!text)
        return fg_err_set(FG_ERR_NOMEM, "cannot write the report's JSON");
    e = report_bundle(&r->x, path, pdf, text, r->calls);
    free(text);
    return e;
}

json_t *fg_report_doc(const fg_report *r)
{
    return r->doc;
}

size_t fg_report_calls(const fg_report *r)
{
    return json_array_size(r->calls);
}

bool fg_report_problems(const fg_report *r)
{
    return r->x.problems;
}

void fg_report_free(fg_report *r)
{
    if (!r)
        return;
    json_decref(r->doc);
    json_decref(r->calls);
    free(r->advertiser);
    free(r);
}
