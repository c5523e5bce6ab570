/* faxgate host — a complaint report's facts sheets: one call's facts under its profile's labels, the
 * advertiser's summary table, and the fax pages. Everything drawn comes from the report's JSON
 * document (the store's facts plus the verification), so the PDF and --json cannot disagree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_impl.h"

#define EXCERPT_MAX 280   /* bytes of the fax's text on the facts sheet */

static const char *jstr(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* value, or the label for "not recorded" when it is NULL or empty */
static const char *or_nr(report_ctx *x, const char *value)
{
    return value && *value ? value : x->lb->not_recorded;
}

/* The strings of a JSON array joined with ", " (first, if given, leads; duplicates of it skipped). */
static void join(json_t *arr, const char *first, char *out, size_t cap)
{
    size_t n = 0, i;
    json_t *v;

    out[0] = '\0';
    if (first && *first)
        n = (size_t)snprintf(out, cap, "%s", first);
    json_array_foreach(arr, i, v) {
        const char *s = json_string_value(v);

        if (!s || (first && !strcmp(s, first)) || n >= cap)
            continue;
        n += (size_t)snprintf(out + n, cap - n, "%s%s", n ? ", " : "", s);
    }
}

static const char *yes_no(report_ctx *x, json_t *v)
{
    return json_is_true(v) ? x->lb->yes : json_is_false(v) ? x->lb->no : x->lb->not_recorded;
}

/* The verification of one hash: "HEX\nmatches the log", or why not. */
static void verdict_line(report_ctx *x, json_t *check, char *out, size_t cap)
{
    const char *rec = jstr(check, "recorded"), *now = jstr(check, "recomputed"), *err = jstr(check, "error");

    if (err)
        snprintf(out, cap, "%s\n%s: %s", or_nr(x, rec), x->lb->mismatch, err);
    else if (json_is_true(json_object_get(check, "matches")))
        snprintf(out, cap, "%s\n%s", or_nr(x, rec), x->lb->matches);
    else if (now)
        snprintf(out, cap, "%s\n%s; %s\n%s", or_nr(x, rec), x->lb->mismatch, x->lb->recomputed, now);
    else
        snprintf(out, cap, "%s\n%s", or_nr(x, rec), x->lb->mismatch);
}

static const char *status_word(report_ctx *x, const char *status)
{
    return !strcmp(status, "standing") ? x->lb->standing : !strcmp(status, "pending") ? x->lb->pending
                                                                                      : x->lb->not_standing;
}

static void draw_fax(report_ctx *x, fg_pdf *d, json_t *r)
{
    const fg_report_labels *lb = x->lb;
    json_t *call = json_object_get(r, "call"), *rcv = json_object_get(r, "receiving");
    const char *type = jstr(rcv, "line_type");
    char buf[512], when[128];

    fg_pdf_section(d, lb->sec_fax);
    fg_pdf_field(d, lb->date, or_nr(x, jstr(r, "received_local")));
    snprintf(buf, sizeof buf, "%s%s%s", or_nr(x, jstr(rcv, "number")),
             !strcmp(jstr(rcv, "number_from"), "config") ? " " : "",
             !strcmp(jstr(rcv, "number_from"), "config") ? lb->from_config : "");
    fg_pdf_field(d, lb->receiving_number, buf);
    snprintf(buf, sizeof buf, "%s%s%s",
             !type ? lb->not_recorded : !strcmp(type, "person") ? lb->line_person
                                      : !strcmp(type, "business") ? lb->line_business : type,
             !strcmp(jstr(rcv, "line_type_from"), "config") ? " " : "",
             !strcmp(jstr(rcv, "line_type_from"), "config") ? lb->from_config : "");
    fg_pdf_field(d, lb->line_type, buf);
    snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(json_object_get(call, "page_count")));
    fg_pdf_field(d, lb->pages, buf);
    report_local_time(jstr(r, "printed_at"), when, sizeof when);
    snprintf(buf, sizeof buf, "%s%s%s", json_is_true(json_object_get(r, "printed")) ? lb->printed_yes : lb->printed_no,
             json_is_true(json_object_get(r, "printed")) && when[0] ? " " : "",
             json_is_true(json_object_get(r, "printed")) ? when : "");
    fg_pdf_field(d, lb->printed, buf);
}

/* The start of the fax's text, white space folded, cut after a word near max bytes and marked
   " ..." (the whole text is in the JSON, and the pages follow). out holds max + 5 bytes. */
static void excerpt(const char *text, char *out, size_t max)
{
    size_t n = 0, cut = 0;

    for (const char *p = text ? text : ""; *p && n < max; p++) {
        bool space = *p == ' ' || *p == '\n' || *p == '\t' || *p == '\r';

        if (space && (n == 0 || out[n - 1] == ' '))
            continue;
        if (space)
            cut = n;
        out[n++] = space ? ' ' : *p;
    }
    if (n >= max) {   /* out holds max + 5 bytes */
        n = cut > 0 ? cut : n;
        memcpy(out + n, " ...", 4);
        n += 4;
    }
    while (n > 0 && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
}

static void draw_parties(report_ctx *x, fg_pdf *d, json_t *r)
{
    const fg_report_labels *lb = x->lb;
    json_t *adv = json_object_get(r, "advertiser"), *bc = json_object_get(r, "broadcaster");
    json_t *call = json_object_get(r, "call");
    char buf[1024];

    fg_pdf_section(d, lb->sec_advertiser);
    join(json_object_get(adv, "names"), jstr(adv, "name"), buf, sizeof buf);
    fg_pdf_field(d, lb->advertiser, or_nr(x, buf));
    excerpt(jstr(call, "text"), buf, EXCERPT_MAX);
    fg_pdf_field(d, lb->excerpt, or_nr(x, buf));
    join(json_object_get(adv, "numbers"), jstr(adv, "callback"), buf, sizeof buf);
    fg_pdf_field(d, lb->adv_numbers, or_nr(x, buf));
    join(json_object_get(adv, "urls"), NULL, buf, sizeof buf);
    fg_pdf_field(d, lb->adv_web, or_nr(x, buf));
    join(json_object_get(adv, "emails"), NULL, buf, sizeof buf);
    fg_pdf_field(d, lb->adv_email, or_nr(x, buf));
    join(json_object_get(adv, "tickers"), NULL, buf, sizeof buf);
    if (buf[0])
        fg_pdf_field(d, lb->adv_ticker, buf);

    fg_pdf_section(d, lb->sec_sender);
    fg_pdf_field(d, lb->caller_id, or_nr(x, jstr(bc, "caller_id")));
    fg_pdf_field(d, lb->tsi, json_is_false(json_object_get(bc, "tsi_seen")) ? lb->not_sent : or_nr(x, jstr(bc, "tsi")));
    fg_pdf_field(d, lb->header, or_nr(x, jstr(bc, "header")));
    snprintf(buf, sizeof buf, "%s%s%s%s%s", or_nr(x, jstr(call, "nsf_vendor")), jstr(call, "nsf_model") ? " " : "",
             jstr(call, "nsf_model") ? jstr(call, "nsf_model") : "", jstr(call, "nsf_country") ? ", " : "",
             jstr(call, "nsf_country") ? jstr(call, "nsf_country") : "");
    fg_pdf_field(d, lb->nsf, buf);
}

static void draw_notice(report_ctx *x, fg_pdf *d, json_t *r)
{
    const fg_report_labels *lb = x->lb;
    json_t *opt = json_object_get(r, "optout");

    fg_pdf_field(d, lb->optout, json_is_true(json_object_get(opt, "present")) && jstr(opt, "text")
                                    ? jstr(opt, "text") : lb->optout_none);
    fg_pdf_field(d, lb->optout_complies, yes_no(x, json_object_get(json_object_get(opt, "compliant"), x->profile)));
    fg_pdf_field(d, lb->consent, jstr(r, "consent") ? jstr(r, "consent") : lb->consent_none);
}

static void draw_violations(report_ctx *x, fg_pdf *d, json_t *r)
{
    const fg_report_labels *lb = x->lb;
    const char *status = jstr(r, "status");
    json_t *vs = json_object_get(r, "violations"), *v;
    size_t i;

    if (!strcmp(status, "standing")) {
        fg_pdf_section(d, lb->sec_standing);
    } else if (!strcmp(status, "pending")) {
        fg_pdf_section(d, lb->sec_pending);
        fg_pdf_text(d, lb->pending_note);
    } else {
        fg_pdf_section(d, lb->sec_not_standing);
        fg_pdf_text(d, lb->not_standing_note);
    }
    json_array_foreach(vs, i, v) fg_pdf_field(d, jstr(v, "rule"), jstr(v, "detail"));
    if (!json_array_size(vs))
        fg_pdf_text(d, lb->violations_none);
    fg_pdf_field(d, lb->law, x->info->law);
    fg_pdf_field(d, lb->source, x->info->url);
}

/* The opt-out requests the store found for this fax (about it, or to its advertiser), each with its
   date, channel, destination and state, and whether this fax came as a repeat after it. */
void report_optouts(report_ctx *x, fg_pdf *d, json_t *r)
{
    json_t *reqs = json_object_get(r, "optout_requests"), *o;
    size_t i;

    if (!json_is_array(reqs))
        json_object_set_new(r, "optout_requests", reqs = json_array());
    if (!d)
        return;
    fg_pdf_section(d, x->lb->sec_optouts);
    if (!json_array_size(reqs))
        fg_pdf_text(d, x->lb->optouts_none);
    json_array_foreach(reqs, i, o) {
        char label[48], value[320];
        const char *sent = jstr(o, "sent_at");

        snprintf(label, sizeof label, "#%lld %s", (long long)json_integer_value(json_object_get(o, "id")),
                 sent && *sent ? sent : jstr(o, "created") ? jstr(o, "created") : "");
        snprintf(value, sizeof value, "%s to %s: %s (%s)%s", jstr(o, "channel") ? jstr(o, "channel") : "?",
                 jstr(o, "dest") ? jstr(o, "dest") : "?", jstr(o, "state") ? jstr(o, "state") : "?",
                 jstr(o, "profile") ? jstr(o, "profile") : "?",
                 json_is_true(json_object_get(o, "repeat")) ? "; THIS FAX CAME AFTER IT (repeat)" : "");
        fg_pdf_field(d, label, value);
    }
}

static void draw_evidence(report_ctx *x, fg_pdf *d, json_t *r, json_t *chain)
{
    const fg_report_labels *lb = x->lb;
    json_t *v = json_object_get(r, "verification"), *pg;
    char label[128], line[1024];
    size_t i;

    fg_pdf_section(d, lb->sec_evidence);
    fg_pdf_text(d, lb->evidence_note);
    json_array_foreach(json_object_get(v, "pages"), i, pg) {
        snprintf(label, sizeof label, "%s %lld", lb->page_hash, (long long)json_integer_value(json_object_get(pg, "page_no")));
        verdict_line(x, pg, line, sizeof line);
        fg_pdf_mono(d, label, line);
    }
    verdict_line(x, json_object_get(v, "tiff"), line, sizeof line);
    fg_pdf_mono(d, lb->tiff_hash, line);
    verdict_line(x, json_object_get(v, "chain_link"), line, sizeof line);
    fg_pdf_mono(d, lb->chain_hash, line);
    if (json_is_true(json_object_get(chain, "intact")))
        snprintf(line, sizeof line, "%s", lb->matches);
    else if (json_integer_value(json_object_get(chain, "first_bad_call")) == 0)
        snprintf(line, sizeof line, "%s", lb->mismatch);   /* the ledger itself (the warning says how) */
    else
        snprintf(line, sizeof line, "%s: %s %lld", lb->mismatch, lb->call,
                 (long long)json_integer_value(json_object_get(chain, "first_bad_call")));
    fg_pdf_mono(d, lb->chain_whole, line);
}

/* The call's pages, one sheet each; a page that cannot be read gets a sheet saying why. */
static void draw_pages(report_ctx *x, fg_pdf *d, json_t *r)
{
    json_t *call = json_object_get(r, "call"), *checks = json_object_get(json_object_get(r, "verification"), "pages");
    const char *tiff = json_string_value(json_object_get(call, "tiff"));
    size_t n = json_array_size(checks), i;
    long long id = json_integer_value(json_object_get(r, "call_id"));
    json_t *pg;

    json_array_foreach(checks, i, pg) {
        int no = (int)json_integer_value(json_object_get(pg, "page_no"));
        const char *err = jstr(pg, "error");
        char cap[256];
        fg_page *p = NULL;
        fg_err e = FG_OK;

        snprintf(cap, sizeof cap, "%s %lld - %s %d %s %zu - %s", x->lb->call, id, x->lb->page, no, x->lb->of, n,
                 or_nr(x, jstr(r, "received_local")));
        if (!err && !(e = fg_page_read_tiff(tiff, no - 1, &p))) {
            fg_pdf_image(d, p, cap);
            fg_page_free(p);
        } else {
            char why[700];

            /* read when checked, gone since: said here as it was said there */
            snprintf(why, sizeof why, "%s", err ? err : fg_err_msg(e));
            fg_pdf_missing(d, cap, why);
        }
    }
}

void report_draw_call(report_ctx *x, fg_pdf *d, json_t *r, json_t *chain)
{
    char head[256];

    fg_pdf_break(d);
    snprintf(head, sizeof head, "%s", x->lb->title);
    fg_pdf_heading(d, head);
    snprintf(head, sizeof head, "faxgate - %s %lld", x->lb->call, (long long)json_integer_value(json_object_get(r, "call_id")));
    fg_pdf_text(d, head);
    fg_pdf_text(d, x->lb->authority);
    draw_fax(x, d, r);
    draw_parties(x, d, r);
    draw_notice(x, d, r);
    draw_violations(x, d, r);
    report_optouts(x, d, r);
    draw_evidence(x, d, r, chain);
    draw_pages(x, d, r);
}

/* What was asked for, and the names the calls recorded for it (a number or a symbol asked for
   names the company; a name asked for in any case shows as written). */
static void advertiser_names(json_t *calls, const char *who, char *out, size_t cap)
{
    json_t *names = json_array(), *r;
    char joined[900];
    size_t i;

    json_array_foreach(calls, i, r) {
        json_t *name = json_object_get(json_object_get(r, "advertiser"), "name"), *v;
        bool seen = false;
        size_t k;

        json_array_foreach(names, k, v) seen = seen || json_equal(v, name);
        if (json_is_string(name) && !seen)
            json_array_append(names, name);
    }
    join(names, NULL, joined, sizeof joined);
    json_decref(names);
    snprintf(out, cap, "%s%s%s%s", who, joined[0] ? " (" : "", joined, joined[0] ? ")" : "");
}

void report_draw_summary(report_ctx *x, fg_pdf *d, const char *who, json_t *calls)
{
    static const double widths[] = {0.06, 0.22, 0.13, 0.13, 0.12, 0.06, 0.08, 0.20};
    const fg_report_labels *lb = x->lb;
    size_t n = json_array_size(calls), i, k;
    const char **cells = calloc((n + 1) * 8, sizeof *cells);
    char *text = calloc(n + 1, 4 * 256), num[160], found[1024];
    int counts[3] = {0};
    json_t *r, *v;

    fg_pdf_heading(d, lb->summary_title);
    advertiser_names(calls, who, found, sizeof found);
    fg_pdf_field(d, lb->advertiser, found);
    fg_pdf_field(d, lb->law, x->info->law);
    if (!cells || !text) {
        fg_pdf_text(d, "(out of memory: the table could not be drawn)");
        x->problems = true;
    } else {
        const char *head[] = {lb->col_call, lb->col_date, lb->col_number, lb->col_caller, lb->col_tsi,
                              lb->col_pages, lb->col_printed, lb->col_rules};

        memcpy(cells, head, sizeof head);
        json_array_foreach(calls, i, r) {
            char *t = text + i * 4 * 256, *rules = t + 3 * 256;
            json_t *call = json_object_get(r, "call");
            const char **row = cells + (i + 1) * 8;
            size_t len = 0;

            snprintf(t, 256, "%lld", (long long)json_integer_value(json_object_get(r, "call_id")));
            snprintf(t + 256, 256, "%lld", (long long)json_integer_value(json_object_get(call, "page_count")));
            rules[0] = '\0';
            json_array_foreach(json_object_get(r, "violations"), k, v)
                if (len < 256)
                    len += (size_t)snprintf(rules + len, 256 - len, "%s%s", k ? "; " : "", jstr(v, "rule"));
            if (len < 256 && strcmp(jstr(r, "status"), "standing"))
                snprintf(rules + len, 256 - len, " (%s)", status_word(x, jstr(r, "status")));
            counts[!strcmp(jstr(r, "status"), "standing") ? 0 : !strcmp(jstr(r, "status"), "pending") ? 1 : 2]++;
            row[0] = t;
            row[1] = or_nr(x, jstr(r, "received_local"));
            row[2] = or_nr(x, jstr(json_object_get(r, "receiving"), "number"));
            row[3] = or_nr(x, jstr(call, "caller_id"));
            row[4] = or_nr(x, jstr(call, "tsi"));
            row[5] = t + 256;
            row[6] = json_is_true(json_object_get(r, "printed")) ? lb->yes : lb->no;
            row[7] = rules;
        }
        fg_pdf_table(d, 8, widths, cells, (int)n + 1);
    }
    /* damages and fines are counted per fax: the total first, then how many of them stand */
    snprintf(num, sizeof num, "%zu (%d %s, %d %s, %d %s)", n, counts[0], lb->standing, counts[1], lb->pending,
             counts[2], lb->not_standing);
    fg_pdf_field(d, lb->total, num);
    free(cells);
    free(text);
}
