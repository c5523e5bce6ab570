/* faxgated — violations grouped by advertiser or by campaign, call by call, and the opt-out
 * requests, read through the same store functions as `faxgatectl violations --by …` and
 * `faxgatectl optouts`.
 *
 * Names, numbers, rules' details and notice text came from faxes: they go through fg_html_text,
 * or fg_html_query inside the one kind of link built from them (a download or the call list
 * filtered by advertiser, on this site); a URL or address a fax gave is shown, never linked.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "report.h"
#include "web.h"

#define WEB_VIOLATIONS_MAX 500   /* rows of the call-by-call list: the newest; faxgatectl has them all */

static const char *jstr(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static long long jint(const json_t *o, const char *k)
{
    return (long long)json_integer_value(json_object_get(o, k));
}

const char *web_profile_arg(web_req *r, char *buf, size_t cap)
{
    const char *p = web_arg(r, "profile"), *list;
    size_t n;

    if (p && *p)
        return p;
    /* the site's first profile ([policy] profiles = us,fr): the law the line is under */
    list = fg_config_get(r->gw->cfg, "policy", "profiles");
    list = list ? list + strspn(list, " \t,") : "";
    n = strcspn(list, " \t,");
    snprintf(buf, cap, "%.*s", (int)(n < cap ? n : cap - 1), list);
    return buf[0] ? buf : fg_policy_profiles()[0];
}

bool web_profile_check(web_req *r, const char *profile)
{
    char list[256], msg[400];

    if (fg_policy_profile_info(profile))
        return true;
    fg_report_profiles(list, sizeof list);
    snprintf(msg, sizeof msg, "There is no profile '%s'. The known profiles are %s.", profile, list);
    web_error(r, 400, msg);
    return false;
}

/* Parses a store listing; NULL (answered with 500, logged) if it cannot be read. */
static json_t *listing(web_req *r, fg_err e, char *text)
{
    json_t *arr = e ? NULL : json_loads(text, 0, NULL);

    free(text);
    if (!json_is_array(arr)) {
        log_error("web admin: %s", e ? fg_err_msg(e) : "the store returned unreadable JSON");
        web_error(r, 500, "The store could not be read; see faxgated's log.");
        json_decref(arr);
        return NULL;
    }
    return arr;
}

/* The form that picks the grouping and the profile of the downloads. */
static void choose(fg_html *h, const char *by, const char *profile)
{
    const char *const *names = fg_policy_profiles();

    fg_html_raw(h, "<form class=\"filters\" method=\"get\" action=\"/violations\"><label>Group by <select "
                   "name=\"by\"><option");
    fg_html_raw(h, strcmp(by, "campaign") ? " selected" : "");
    fg_html_raw(h, ">advertiser</option><option");
    fg_html_raw(h, strcmp(by, "campaign") ? "" : " selected");
    fg_html_raw(h, ">campaign</option></select></label><label>Complaints under <select name=\"profile\">");
    for (; *names; names++) {
        fg_html_raw(h, strcmp(*names, profile) ? "<option>" : "<option selected>");
        fg_html_text(h, *names);
        fg_html_raw(h, "</option>");
    }
    fg_html_raw(h, "</select></label><button>Show</button></form>");
}

static void report_link(fg_html *h, const char *who, const char *profile)
{
    fg_html_raw(h, "<a href=\"/advertisers/report.pdf?name=");
    fg_html_query(h, who);
    fg_html_raw(h, "&amp;profile=");
    fg_html_query(h, profile);
    fg_html_raw(h, "\">Complaint PDF</a>");
}

/* One group of faxes with standing violations: who, counts, rules, its calls, its complaint. */
static void group_row(fg_html *h, const json_t *g, bool by_campaign, const char *profile)
{
    const char *who = jstr(g, "advertiser"), *ticker = jstr(g, "ticker");
    /* a fax that names no advertiser is still found by a number it gave */
    const char *number = json_string_value(json_array_get(json_object_get(g, "callbacks"), 0));
    json_t *v;
    size_t i;

    fg_html_raw(h, "<tr><td>");
    if (by_campaign && json_is_integer(json_object_get(g, "campaign"))) {
        fg_html_raw(h, "campaign ");
        fg_html_int(h, jint(g, "campaign"));
        fg_html_raw(h, " <small>");
        fg_html_text(h, jstr(g, "state"));
        fg_html_raw(h, "</small><br>");
    } else if (by_campaign) {
        fg_html_raw(h, "no campaign<br>");
    }
    if (ticker) {   /* a stock promotion is grouped by the symbol it touts */
        fg_html_text(h, ticker);
        fg_html_raw(h, ": ");
    }
    if (who) {
        fg_html_text(h, who);
    } else {
        fg_html_raw(h, "(no name; number ");
        fg_html_text(h, number ? number : "none");
        fg_html_raw(h, ")");
    }
    fg_html_raw(h, "</td><td>");
    fg_html_int(h, jint(g, "calls"));
    fg_html_raw(h, "</td><td>");
    fg_html_int(h, jint(g, "violations"));
    fg_html_raw(h, "</td><td>");
    fg_html_text(h, jstr(g, "first"));
    fg_html_raw(h, " … ");
    fg_html_text(h, jstr(g, "last"));
    fg_html_raw(h, "</td><td>");
    json_array_foreach(json_object_get(g, "rules"), i, v) {
        fg_html_raw(h, i ? ", " : "");
        fg_html_text(h, json_string_value(v));
    }
    fg_html_raw(h, "</td><td>");
    json_array_foreach(json_object_get(g, "call_ids"), i, v) {
        fg_html_raw(h, i ? " <a href=\"/calls/" : "<a href=\"/calls/");
        fg_html_int(h, (long long)json_integer_value(v));
        fg_html_raw(h, "\">");
        fg_html_int(h, (long long)json_integer_value(v));
        fg_html_raw(h, "</a>");
    }
    /* the call list filtered the same way, for the calls around them (delivered ones too) */
    if (by_campaign && json_is_integer(json_object_get(g, "campaign"))) {
        fg_html_raw(h, "<br><a href=\"/calls?campaign=");
        fg_html_int(h, jint(g, "campaign"));
        fg_html_raw(h, "\">its calls</a>");
    } else if (!by_campaign && who) {
        fg_html_raw(h, "<br><a href=\"/calls?advertiser=");
        fg_html_query(h, who);
        fg_html_raw(h, "\">its calls</a>");
    }
    fg_html_raw(h, "</td><td>");
    /* the report finds an advertiser's faxes by the symbol they tout, its name or a number it gave */
    if (ticker || who || number)
        report_link(h, ticker ? ticker : who ? who : number, profile);
    fg_html_raw(h, "</td></tr>");
}

/* Every violation, newest first, with its status; each call's first row offers its complaint. */
static void call_rows(fg_html *h, json_t *rows, const char *profile)
{
    long long last = 0;
    json_t *v;
    size_t i;

    fg_html_raw(h, "<table class=\"violations\"><tr><th>Call</th><th>Recorded</th><th>Status</th><th>Profile</th>"
                   "<th>Rule</th><th>Advertiser</th><th>Detail</th><th></th></tr>");
    json_array_foreach(rows, i, v) {
        long long id = jint(v, "call_id");

        if (i == WEB_VIOLATIONS_MAX)
            break;
        fg_html_raw(h, "<tr><td><a href=\"/calls/");
        fg_html_int(h, id);
        fg_html_raw(h, "\">");
        fg_html_int(h, id);
        fg_html_raw(h, "</a></td><td>");
        fg_html_text(h, jstr(v, "created"));
        fg_html_raw(h, "</td><td>");
        fg_html_text(h, jstr(v, "status"));
        fg_html_raw(h, "</td><td>");
        fg_html_text(h, jstr(v, "profile"));
        fg_html_raw(h, "</td><td>");
        fg_html_text(h, jstr(v, "rule"));
        fg_html_raw(h, "</td><td>");
        fg_html_text(h, jstr(v, "advertiser"));
        fg_html_raw(h, "</td><td>");
        fg_html_text(h, jstr(v, "detail"));
        fg_html_raw(h, "</td><td>");
        if (id != last) {
            fg_html_raw(h, "<a href=\"/calls/");
            fg_html_int(h, id);
            fg_html_raw(h, "/report.pdf?profile=");
            fg_html_query(h, profile);
            fg_html_raw(h, "\">Complaint PDF</a>");
        }
        last = id;
        fg_html_raw(h, "</td></tr>");
    }
    if (!json_array_size(rows))
        fg_html_raw(h, "<tr><td colspan=\"8\">No violations recorded.</td></tr>");
    fg_html_raw(h, "</table>");
    if (json_array_size(rows) > WEB_VIOLATIONS_MAX) {
        fg_html_raw(h, "<p class=\"note\">The newest ");
        fg_html_int(h, WEB_VIOLATIONS_MAX);
        fg_html_raw(h, " only; <code>faxgatectl violations</code> lists them all.</p>");
    }
}

void web_violations(web_req *r)
{
    const char *by = web_arg(r, "by"), *profile;
    char *text = NULL, pbuf[16];
    json_t *groups, *rows, *g;
    fg_html h = {0};
    size_t i;
    fg_err e;

    if (!web_require(r, "viewer"))
        return;
    if (!by || !*by)
        by = "advertiser";
    if (strcmp(by, "advertiser") && strcmp(by, "campaign"))
        return web_error(r, 400, "Violations are grouped by advertiser or by campaign.");
    profile = web_profile_arg(r, pbuf, sizeof pbuf);
    if (!web_profile_check(r, profile))
        return;
    profile = fg_policy_profile_info(profile)->name;
    e = fg_store_violations_by_json(r->gw->st, by, &text);
    if (!(groups = listing(r, e, text)))
        return;
    text = NULL;
    /* one more than is shown, to know whether to say there are more */
    e = fg_store_violations_page_json(r->gw->st, WEB_VIOLATIONS_MAX + 1, &text);
    if (!(rows = listing(r, e, text))) {
        json_decref(groups);
        return;
    }
    web_page_begin(&h, r, "Violations");
    choose(&h, by, profile);
    fg_html_raw(&h, "<h2>Standing, by ");
    fg_html_text(&h, by);
    fg_html_raw(&h, "</h2><p class=\"note\">Faxes whose violations stand: advertisements dropped, or held in a "
                    "campaign marked junk. Held faxes not yet judged are pending: they are in the list below, "
                    "not counted here.</p><table class=\"groups\"><tr><th>");
    fg_html_raw(&h, strcmp(by, "campaign") ? "Advertiser" : "Campaign, advertiser");
    fg_html_raw(&h, "</th><th>Faxes</th><th>Violations</th><th>First … last</th><th>Rules</th><th>Calls</th>"
                    "<th>Complaint</th></tr>");
    json_array_foreach(groups, i, g) group_row(&h, g, !strcmp(by, "campaign"), profile);
    if (!json_array_size(groups))
        fg_html_raw(&h, "<tr><td colspan=\"7\">No standing violations.</td></tr>");
    fg_html_raw(&h, "</table><h2>Call by call</h2>");
    call_rows(&h, rows, profile);
    json_decref(groups);
    json_decref(rows);
    web_page_end(&h, r);
}

static void cell(fg_html *h, const char *text)
{
    fg_html_raw(h, "<td>");
    fg_html_text(h, text);
    fg_html_raw(h, "</td>");
}

void web_optouts(web_req *r)
{
    char *text = NULL;
    fg_html h = {0};
    json_t *rows, *o;
    size_t i;
    fg_err e;

    if (!web_require(r, "viewer"))
        return;
    e = fg_store_optouts_json(r->gw->st, &text);
    if (!(rows = listing(r, e, text)))
        return;
    web_page_begin(&h, r, "Opt-out requests");
    fg_html_raw(&h, "<p class=\"note\">Requests to stop sending faxes, made for this line (<code>faxgatectl optout"
                    "</code>), newest first; repeats are faxes from the same sender after the request.</p>"
                    "<table class=\"optouts\"><tr><th>#</th><th>Made</th><th>Call</th><th>Advertiser</th>"
                    "<th>Channel</th><th>To</th><th>Profile</th><th>State</th><th>Sending</th><th>Attempts</th>"
                    "<th>Last error</th><th>Sent</th><th>Repeats</th><th>Note</th></tr>");
    json_array_foreach(rows, i, o) {
        fg_html_raw(&h, "<tr><td>");
        fg_html_int(&h, jint(o, "id"));
        fg_html_raw(&h, "</td>");
        cell(&h, jstr(o, "created"));
        fg_html_raw(&h, "<td>");
        if (jint(o, "call_id") > 0) {
            fg_html_raw(&h, "<a href=\"/calls/");
            fg_html_int(&h, jint(o, "call_id"));
            fg_html_raw(&h, "\">");
            fg_html_int(&h, jint(o, "call_id"));
            fg_html_raw(&h, "</a>");
        }
        fg_html_raw(&h, "</td>");
        cell(&h, jstr(o, "advertiser"));
        cell(&h, jstr(o, "channel"));
        cell(&h, jstr(o, "dest"));   /* a fax number, a web site or an address the notice gave: text only */
        cell(&h, jstr(o, "profile"));
        cell(&h, jstr(o, "state"));
        cell(&h, jstr(o, "outgoing_state"));
        fg_html_raw(&h, "<td>");
        if (json_is_integer(json_object_get(o, "attempts")))
            fg_html_int(&h, jint(o, "attempts"));
        fg_html_raw(&h, "</td>");
        cell(&h, jstr(o, "last_error"));
        cell(&h, jstr(o, "sent_at"));
        fg_html_raw(&h, "<td>");
        fg_html_int(&h, jint(o, "repeats"));
        fg_html_raw(&h, "</td>");
        cell(&h, jstr(o, "note"));
        fg_html_raw(&h, "</tr>");
    }
    if (!json_array_size(rows))
        fg_html_raw(&h, "<tr><td colspan=\"14\">No opt-out requests.</td></tr>");
    fg_html_raw(&h, "</table>");
    json_decref(rows);
    web_page_end(&h, r);
}
