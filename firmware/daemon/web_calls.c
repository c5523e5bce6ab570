/* faxgated — the call list, the quarantine and a call's page.
 *
 * Everything shown here but the ids and counts came from a caller or a page (TSI, caller ID,
 * OCR text, advertiser, URLs): it goes through fg_html_text, and nothing from it ever becomes a
 * link — a URL printed on an ad is shown as text, not followed.
 */
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "web.h"

static const char *jstr(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static long long jint(const json_t *o, const char *k)
{
    return (long long)json_integer_value(json_object_get(o, k));
}

/* What became of a call, in one word (and its detail). */
static void disposition(fg_html *h, const json_t *c)
{
    const char *v = jstr(c, "verdict"), *state = jstr(c, "state");

    if (state && !strcmp(state, "rejected")) {
        fg_html_raw(h, "screened<br><small>");
        fg_html_text(h, jstr(c, "result"));
        fg_html_raw(h, "</small>");
    } else if (json_is_true(json_object_get(c, "printed"))) {
        fg_html_raw(h, "printed");
    } else if (v && !strcmp(v, "hold")) {
        fg_html_raw(h, "held");
    } else if (v && !strcmp(v, "drop")) {
        fg_html_raw(h, "dropped");
    } else {
        fg_html_text(h, jstr(c, "deliver_state") ? jstr(c, "deliver_state") : state);
    }
}

static void verdict_cell(fg_html *h, const json_t *c)
{
    const char *v = jstr(c, "verdict");
    json_t *rule;
    size_t i;

    fg_html_raw(h, "<td>");
    if (v) {
        fg_html_raw(h, "<span class=\"v-");
        fg_html_text(h, v);
        fg_html_raw(h, "\">");
        fg_html_text(h, v);
        fg_html_raw(h, "</span>");
        if (jstr(c, "verdict_by") && strcmp(jstr(c, "verdict_by"), "auto")) {
            fg_html_raw(h, " <small>by ");
            fg_html_text(h, jstr(c, "verdict_by"));
            fg_html_raw(h, "</small>");
        }
    }
    fg_html_raw(h, "<br><small>");
    json_array_foreach(json_object_get(c, "rules"), i, rule) {
        char w[32];

        snprintf(w, sizeof w, " %+.1f", json_number_value(json_object_get(rule, "weight")));
        if (i)
            fg_html_raw(h, ", ");
        fg_html_text(h, jstr(rule, "name"));
        fg_html_text(h, w);
    }
    fg_html_raw(h, "</small></td>");
}

/* The table of calls; with select, a checkbox and release/junk buttons per row (quarantine). */
static void calls_table(fg_html *h, json_t *rows, bool select)
{
    json_t *c;
    size_t i;

    fg_html_raw(h, "<table class=\"calls\"><thead><tr>");
    if (select)
        fg_html_raw(h, "<th></th>");
    fg_html_raw(h, "<th>Page 1</th><th>Call</th><th>Line</th><th>Caller ID</th><th>TSI</th><th>Advertiser</th>"
                   "<th>Verdict and top rules</th><th>Became</th>");
    if (select)
        fg_html_raw(h, "<th></th>");
    fg_html_raw(h, "</tr></thead><tbody>");
    json_array_foreach(rows, i, c) {
        long long id = jint(c, "id");

        fg_html_raw(h, "<tr>");
        if (select) {
            fg_html_raw(h, "<td><input type=\"checkbox\" name=\"id\" value=\"");
            fg_html_int(h, id);
            fg_html_raw(h, "\" aria-label=\"select call ");
            fg_html_int(h, id);
            fg_html_raw(h, "\"></td>");
        }
        fg_html_raw(h, "<td>");
        if (jint(c, "pages") > 0) {
            fg_html_raw(h, "<a href=\"/calls/");
            fg_html_int(h, id);
            fg_html_raw(h, "\"><img class=\"thumb\" loading=\"lazy\" src=\"/calls/");
            fg_html_int(h, id);
            fg_html_raw(h, "/thumb.png\" alt=\"page 1 of call ");
            fg_html_int(h, id);
            fg_html_raw(h, "\"></a>");
        }
        fg_html_raw(h, "</td><td><a href=\"/calls/");
        fg_html_int(h, id);
        fg_html_raw(h, "\">#");
        fg_html_int(h, id);
        fg_html_raw(h, "</a><br><small>");
        fg_html_text(h, jstr(c, "started"));
        fg_html_raw(h, "</small></td><td>");
        fg_html_text(h, jstr(c, "line"));
        fg_html_raw(h, "</td><td>");
        fg_html_text(h, jstr(c, "caller_id"));
        fg_html_raw(h, "</td><td>");
        fg_html_text(h, jstr(c, "tsi"));
        fg_html_raw(h, "</td><td>");
        fg_html_text(h, jstr(c, "advertiser"));
        fg_html_raw(h, "</td>");
        verdict_cell(h, c);
        fg_html_raw(h, "<td>");
        disposition(h, c);
        fg_html_raw(h, "</td>");
        if (select) {
            /* the row's buttons post the quarantine's one form to this call's own address */
            fg_html_raw(h, "<td><button formaction=\"/calls/");
            fg_html_int(h, id);
            fg_html_raw(h, "/release\">Release</button> <button formaction=\"/calls/");
            fg_html_int(h, id);
            fg_html_raw(h, "/junk\">Junk</button></td>");
        }
        fg_html_raw(h, "</tr>");
    }
    if (!json_array_size(rows))
        fg_html_raw(h, "<tr><td colspan=\"10\">No calls.</td></tr>");
    fg_html_raw(h, "</tbody></table>");
}

static const char *query_arg(void *user, const char *name)
{
    return web_arg(user, name);
}

/* Reads the list's filters from the query (fg_web_calls_filter); false (answered) if one is malformed. */
static bool read_filter(web_req *r, fg_calls_filter *f, bool quarantine)
{
    const char *why = fg_web_calls_filter(query_arg, r, quarantine, WEB_PAGE_SIZE + 1, f);   /* one more: is there an older page? */

    if (why)
        web_error(r, 400, why);
    return !why;
}

static void filter_form(fg_html *h, const fg_calls_filter *f)
{
    static const char *const verdicts[] = {"deliver", "hold", "drop"};

    fg_html_raw(h, "<form class=\"filters\" method=\"get\" action=\"/calls\"><label>Verdict <select name=\"verdict\">"
                   "<option value=\"\">any</option>");
    for (int i = 0; i < 3; i++) {
        fg_html_raw(h, "<option");
        if (f->verdict && !strcmp(f->verdict, verdicts[i]))
            fg_html_raw(h, " selected");
        fg_html_raw(h, ">");
        fg_html_raw(h, verdicts[i]);
        fg_html_raw(h, "</option>");
    }
    fg_html_raw(h, "</select></label><label>Advertiser <input name=\"advertiser\" value=\"");
    fg_html_text(h, f->advertiser);
    fg_html_raw(h, "\"></label><label>Campaign <input name=\"campaign\" size=\"5\" value=\"");
    if (f->campaign)
        fg_html_int(h, f->campaign);
    fg_html_raw(h, "\"></label><label>From <input type=\"date\" name=\"from\" value=\"");
    fg_html_text(h, f->from);
    fg_html_raw(h, "\"></label><label>To <input type=\"date\" name=\"to\" value=\"");
    fg_html_text(h, f->to);
    fg_html_raw(h, "\"></label><button>Filter</button></form>");
}

/* "Older calls" with the same filters, when there are more. */
static void next_link(fg_html *h, const char *path, const fg_calls_filter *f, json_t *rows)
{
    json_t *last;

    if (json_array_size(rows) <= WEB_PAGE_SIZE)
        return;
    json_array_remove(rows, WEB_PAGE_SIZE);
    last = json_array_get(rows, WEB_PAGE_SIZE - 1);
    fg_html_raw(h, "<p><a rel=\"next\" href=\"");
    fg_html_raw(h, path);
    fg_html_raw(h, "?before=");
    fg_html_int(h, jint(last, "id"));
    if (f->verdict && strcmp(path, "/quarantine")) {
        fg_html_raw(h, "&amp;verdict=");
        fg_html_query(h, f->verdict);
    }
    if (f->advertiser) {
        fg_html_raw(h, "&amp;advertiser=");
        fg_html_query(h, f->advertiser);
    }
    if (f->campaign) {
        fg_html_raw(h, "&amp;campaign=");
        fg_html_int(h, f->campaign);
    }
    if (f->from) {
        fg_html_raw(h, "&amp;from=");
        fg_html_query(h, f->from);
    }
    if (f->to) {
        fg_html_raw(h, "&amp;to=");
        fg_html_query(h, f->to);
    }
    fg_html_raw(h, "\">Older calls →</a></p>");
}

/* Reads a page of calls; NULL (answered) on error. */
static json_t *load_calls(web_req *r, const fg_calls_filter *f)
{
    char *text = NULL;
    json_t *rows;
    fg_err e;

    if ((e = fg_store_calls_page_json(r->gw->st, f, &text))) {
        log_error("web admin: %s", fg_err_msg(e));
        web_error(r, 500, "The store could not be read; see faxgated's log.");
        return NULL;
    }
    rows = json_loads(text, 0, NULL);
    free(text);
    if (!rows)
        web_error(r, 500, "The store's listing could not be read.");
    return rows;
}

void web_calls(web_req *r)
{
    fg_calls_filter f;
    fg_html h = {0};
    json_t *rows;

    if (!web_require(r, "viewer") || !read_filter(r, &f, false) || !(rows = load_calls(r, &f)))
        return;
    web_page_begin(&h, r, "Calls");
    filter_form(&h, &f);
    next_link(&h, "/calls", &f, rows);   /* trims the extra row before the table is drawn */
    calls_table(&h, rows, false);
    json_decref(rows);
    web_page_end(&h, r);
}

void web_quarantine(web_req *r)
{
    bool can = false;
    fg_calls_filter f;
    fg_html h = {0};
    json_t *rows;

    if (!web_require(r, "viewer") || !read_filter(r, &f, true) || !(rows = load_calls(r, &f)))
        return;
    can = fg_role_rank(r->user.role) >= fg_role_rank("operator");
    web_page_begin(&h, r, "Quarantine");
    fg_html_raw(&h, "<p class=\"note\">Faxes held for review. Release prints one; junk keeps it as evidence, "
                    "teaches the filter and stops its campaign.</p>");
    if (can) {
        fg_html_raw(&h, "<form method=\"post\" action=\"/quarantine\">");
        web_csrf_field(&h, r);
    }
    next_link(&h, "/quarantine", &f, rows);
    calls_table(&h, rows, can);
    if (can)
        fg_html_raw(&h, "<p>Checked calls: <button name=\"action\" value=\"release\">Release</button> "
                        "<button name=\"action\" value=\"junk\">Junk</button></p></form>");
    json_decref(rows);
    web_page_end(&h, r);
}

static void row(fg_html *h, const char *label, const char *value)
{
    fg_html_raw(h, "<tr><th>");
    fg_html_raw(h, label);
    fg_html_raw(h, "</th><td>");
    fg_html_text(h, value);
    fg_html_raw(h, "</td></tr>");
}

/* A table of an array of objects, the given keys as columns (escaped), with their headings. */
static void array_table(fg_html *h, json_t *arr, const char *const *keys, const char *const *heads, const char *empty)
{
    json_t *o;
    size_t i;

    if (!json_array_size(arr)) {
        fg_html_raw(h, "<p class=\"note\">");
        fg_html_raw(h, empty);
        fg_html_raw(h, "</p>");
        return;
    }
    fg_html_raw(h, "<table><tr>");
    for (int k = 0; heads[k]; k++) {
        fg_html_raw(h, "<th>");
        fg_html_raw(h, heads[k]);
        fg_html_raw(h, "</th>");
    }
    fg_html_raw(h, "</tr>");
    json_array_foreach(arr, i, o) {
        fg_html_raw(h, "<tr>");
        for (int k = 0; keys[k]; k++) {
            json_t *v = json_object_get(o, keys[k]);
            char num[40];

            fg_html_raw(h, "<td>");
            if (json_is_string(v)) {
                fg_html_text(h, json_string_value(v));
            } else if (json_is_number(v)) {
                snprintf(num, sizeof num, "%g", json_number_value(v));
                fg_html_text(h, num);
            }
            fg_html_raw(h, "</td>");
        }
        fg_html_raw(h, "</tr>");
    }
    fg_html_raw(h, "</table>");
}

/* The identities of one role (advertiser: who sells; broadcaster: who sent). */
static void identities(fg_html *h, json_t *all, const char *role)
{
    static const char *const keys[] = {"kind", "value", "raw", NULL}, *const heads[] = {"Kind", "Value", "As read", NULL};
    json_t *some = json_array(), *o;
    size_t i;

    json_array_foreach(all, i, o)
        if (jstr(o, "role") && !strcmp(jstr(o, "role"), role))
            json_array_append(some, o);
    array_table(h, some, keys, heads, "None found.");
    json_decref(some);
}

void web_call(web_req *r, int64_t id)
{
    static const char *const skeys[] = {"name", "weight", "detail", NULL}, *const sheads[] = {"Rule", "Weight", "Detail", NULL};
    static const char *const vkeys[] = {"profile", "rule", "detail", "advertiser", NULL},
                             *const vheads[] = {"Profile", "Rule", "Detail", "Advertiser", NULL};
    static const char *const ekeys[] = {"at", "who", "what", NULL}, *const eheads[] = {"When", "Who", "What", NULL};
    char title[48], score[32] = "";
    char *text = NULL;
    fg_html h = {0};
    json_t *c;
    fg_err e;

    if (!web_require(r, "viewer"))
        return;
    if ((e = fg_store_call_json(r->gw->st, id, &text)))
        return web_error(r, e == FG_ERR_NOTFOUND ? 404 : 500, e == FG_ERR_NOTFOUND ? "There is no such call." : "The store could not be read.");
    c = json_loads(text, 0, NULL);
    free(text);
    if (!c)
        return web_error(r, 500, "The call's record could not be read.");
    snprintf(title, sizeof title, "Call %lld", (long long)id);
    if (json_is_number(json_object_get(c, "score")))
        snprintf(score, sizeof score, "%.2f", json_number_value(json_object_get(c, "score")));
    web_page_begin(&h, r, title);
    if (fg_role_rank(r->user.role) >= fg_role_rank("operator")) {
        fg_html_raw(&h, "<form method=\"post\" class=\"inline\" action=\"/calls/");
        fg_html_int(&h, id);
        fg_html_raw(&h, "/release\">");
        web_csrf_field(&h, r);
        fg_html_raw(&h, "<button>Release (print)</button></form> <form method=\"post\" class=\"inline\" action=\"/calls/");
        fg_html_int(&h, id);
        fg_html_raw(&h, "/junk\">");
        web_csrf_field(&h, r);
        fg_html_raw(&h, "<button>Junk</button></form>");
    }
    fg_html_raw(&h, "<table class=\"facts\">");
    row(&h, "Started", jstr(c, "started"));
    row(&h, "Line", jstr(c, "line"));
    row(&h, "Number called", jstr(c, "called"));
    row(&h, "Caller ID", jstr(c, "caller_id"));
    row(&h, "TSI", jstr(c, "tsi"));
    row(&h, "State", jstr(c, "state"));
    row(&h, "Result", jstr(c, "result"));
    row(&h, "Verdict", jstr(c, "verdict"));
    row(&h, "Verdict by", jstr(c, "verdict_by"));
    row(&h, "Why", jstr(c, "verdict_reason"));
    row(&h, "Score", score);
    row(&h, "Advertiser", jstr(c, "advertiser"));
    row(&h, "Call-back number", jstr(c, "callback"));
    row(&h, "Printed", json_is_true(json_object_get(c, "printed")) ? "yes" : "no");
    row(&h, "Delivery", jstr(c, "deliver_state"));
    fg_html_raw(&h, "</table><h2>Pages</h2>");
    web_marks_legend(&h);
    /* a fax of hundreds of pages would make one page too heavy to open: the first 100 are shown */
    for (long long p = 1; p <= jint(c, "page_count") && p <= 100; p++) {
        json_t *pg = json_array_get(json_object_get(c, "pages"), (size_t)p - 1);

        fg_html_raw(&h, "<p><span class=\"pagebox\"><img class=\"page\" src=\"/calls/");
        fg_html_int(&h, id);
        fg_html_raw(&h, "/page/");
        fg_html_int(&h, p);
        fg_html_raw(&h, ".png\" alt=\"page ");
        fg_html_int(&h, p);
        fg_html_raw(&h, "\">");
        if (p == 1)   /* what was read and extracted is page 1's */
            web_page_marks(&h, json_object_get(c, "identities"), jint(pg, "width"), jint(pg, "height"));
        fg_html_raw(&h, "</span></p>");
    }
    fg_html_raw(&h, "<h2>Scores, rule by rule</h2>");
    array_table(&h, json_object_get(c, "scores"), skeys, sheads, "No scores (not judged).");
    fg_html_raw(&h, "<h2>Identity</h2><h3>Advertiser (who sells)</h3>");
    identities(&h, json_object_get(c, "identities"), "advertiser");
    fg_html_raw(&h, "<h3>Broadcaster (who sent it)</h3>");
    identities(&h, json_object_get(c, "identities"), "broadcaster");
    fg_html_raw(&h, "<h2>Violations</h2>");
    array_table(&h, json_object_get(c, "violations"), vkeys, vheads, "None.");
    fg_html_raw(&h, "<h2>Text read from page 1</h2><pre class=\"ocr\">");
    web_text_marks(&h, jstr(c, "text"), json_object_get(c, "identities"));
    fg_html_raw(&h, "</pre><h2>History</h2>");
    array_table(&h, json_object_get(c, "events"), ekeys, eheads, "No events.");
    json_decref(c);
    web_page_end(&h, r);
}
