/* faxgatectl report — the evidence re-verified when the report is made, so that the report says
 * what holds now, not what held when the fax arrived: each recorded page is read back from the
 * call's TIFF and hashed, the file is hashed, the call's chain link recomputed, the whole chain
 * walked. A report whose evidence is missing or altered is still written (it says so);
 * faxgatectl then exits 1.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "report_impl.h"

static const char *jstr(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* Why path cannot be read, or NULL if it can. */
static const char *unreadable(const char *path, char *buf, size_t cap)
{
    if (!path || !*path) {
        snprintf(buf, cap, "no page file recorded");
        return buf;
    }
    if (access(path, R_OK) != 0) {
        snprintf(buf, cap, "%s (%s)", path, strerror(errno));
        return buf;
    }
    return NULL;
}

static void problem(report_ctx *x, long long call, const char *what)
{
    report_problem(x, "call %lld: %s", call, what);
}

/* One recorded page read back and hashed: {"page_no","recorded","recomputed","matches"[,"error"]}. */
static json_t *check_page(report_ctx *x, long long call, const char *tiff, const char *missing, int count,
                          json_t *pg)
{
    int no = (int)json_integer_value(json_object_get(pg, "page_no"));
    const char *want = jstr(pg, "sha256");
    json_t *o = json_pack("{s:i, s:s?}", "page_no", no, "recorded", want);
    char hex[65], why[1024];
    fg_page *p = NULL;
    fg_err e = FG_OK;

    if (missing) {
        snprintf(why, sizeof why, "%s: %s", x->lb->image_missing, missing);
    } else if (no < 1 || no > count || (e = fg_page_read_tiff(tiff, no - 1, &p))) {
        snprintf(why, sizeof why, "%s: %s (%s)", x->lb->image_missing, tiff,
                 e ? fg_err_msg(e) : "the file has fewer pages than were recorded");
    } else {
        fg_page_sha256(p, hex);
        fg_page_free(p);
        json_object_set_new(o, "recomputed", json_string(hex));
        json_object_set_new(o, "matches", json_boolean(want && !strcmp(want, hex)));
        if (!want || strcmp(want, hex)) {
            snprintf(why, sizeof why, "page %d's image DOES NOT MATCH the hash recorded for it", no);
            problem(x, call, why);
        }
        return o;
    }
    json_object_set_new(o, "matches", json_false());
    json_object_set_new(o, "error", json_string(why));
    problem(x, call, why);
    return o;
}

void report_check_call(report_ctx *x, fg_store *st, json_t *r)
{
    json_t *call = json_object_get(r, "call"), *pages = json_array(), *v = json_object(), *pg;
    long long id = json_integer_value(json_object_get(r, "call_id"));
    const char *tiff = jstr(call, "tiff"), *file_sha = jstr(call, "tiff_sha256"), *missing, *gone;
    char buf[600], broken[700], hex[65];
    bool link_ok = false;
    int count = 0;
    size_t i;
    fg_err e;

    /* gone: the file cannot be opened; missing: its page images cannot be read (gone, or there
       but no longer a readable TIFF, whose bytes are still hashed below) */
    missing = gone = unreadable(tiff, buf, sizeof buf);
    if (!missing && (e = fg_page_tiff_count(tiff, &count))) {
        snprintf(broken, sizeof broken, "%s", fg_err_msg(e));   /* it names the file and why */
        missing = broken;
    }
    json_array_foreach(json_object_get(call, "pages"), i, pg)
        json_array_append_new(pages, check_page(x, id, tiff, missing, count, pg));
    json_object_set_new(v, "pages", pages);
    if (gone) {
        json_object_set_new(v, "tiff", json_pack("{s:s?, s:b, s:s}", "recorded", file_sha, "matches", 0, "error", buf));
    } else if ((e = fg_sha256_file(tiff, hex))) {
        json_object_set_new(v, "tiff", json_pack("{s:s?, s:b, s:s}", "recorded", file_sha, "matches", 0, "error",
                                                 fg_err_msg(e)));
        problem(x, id, fg_err_msg(e));
    } else {
        bool ok = file_sha && !strcmp(file_sha, hex);

        json_object_set_new(v, "tiff", json_pack("{s:s?, s:s, s:b}", "recorded", file_sha, "recomputed", hex,
                                                 "matches", ok));
        if (!ok)
            problem(x, id, "its page file DOES NOT MATCH the hash recorded for it");
    }
    if ((e = fg_store_verify_link(st, id, &link_ok))) {
        json_object_set_new(v, "chain_link", json_pack("{s:s?, s:b, s:s}", "recorded", jstr(call, "chain"),
                                                       "matches", 0, "error", fg_err_msg(e)));
        problem(x, id, fg_err_msg(e));
    } else {
        json_object_set_new(v, "chain_link", json_pack("{s:s?, s:b}", "recorded", jstr(call, "chain"),
                                                       "matches", link_ok));
        if (!link_ok)
            problem(x, id, "its record DOES NOT MATCH its link in the hash chain (changed after it was written)");
    }
    json_object_set_new(r, "verification", v);
}

fg_err report_check_chain(report_ctx *x, fg_store *st, json_t *doc)
{
    fg_evidence_fault f;
    int entries = 0, calls = 0;
    bool ok = false;
    fg_err e;

    if ((e = fg_store_verify_chain(st, &ok, &f, &entries, &calls)))
        return e;
    json_object_set_new(doc, "chain", json_pack("{s:b, s:I, s:s?}", "intact", ok, "first_bad_call",
                                                (json_int_t)f.call_id, "problem", ok ? NULL : f.why));
    if (!ok) {
        report_problem(x, "the evidence ledger is broken: %s", f.why);
    }
    return FG_OK;
}

void report_local_time(const char *iso, char *out, size_t cap)
{
    struct tm tm = {0}, lt;
    char when[64];
    const char *end;
    time_t t;
    long off;

    out[0] = '\0';
    if (!iso || !(end = strptime(iso, "%Y-%m-%dT%H:%M:%SZ", &tm)) || *end)
        return;
    t = timegm(&tm);
    if (!localtime_r(&t, &lt) || !strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S %Z", &lt))
        return;
    off = lt.tm_gmtoff;
    snprintf(out, cap, "%s (UTC%c%02ld:%02ld)", when, off < 0 ? '-' : '+', labs(off) / 3600, labs(off) % 3600 / 60);
}

void report_local_facts(report_ctx *x, json_t *r)
{
    json_t *call = json_object_get(r, "call");
    const char *called = jstr(call, "called"), *type = jstr(call, "line_type");
    char when[128];

    report_local_time(jstr(call, "started"), when, sizeof when);
    json_object_set_new(r, "received_local", when[0] ? json_string(when) : json_null());
    /* schema v9 records the number called and the line's type with the call; older calls take the
       site's configuration, and say so */
    json_object_set_new(r, "receiving",
                        json_pack("{s:s?, s:s?, s:s, s:s}", "number",
                                  called && *called ? called : *x->site_number ? x->site_number : NULL,
                                  "line_type", type && *type ? type : x->site_owner,
                                  "number_from", called && *called ? "call" : *x->site_number ? "config" : "none",
                                  "line_type_from", type && *type ? "call" : "config"));
}
