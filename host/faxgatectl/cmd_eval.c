/* faxgatectl eval — the real pipeline over labelled texts and pages, with figures per language.
 *
 * Each row of the chosen split is judged exactly as a fax would be: text mode gives the file's
 * text to the pipeline; --pages renders it as a fax page (layout chosen from the file name) and
 * reads it back with OCR first; image rows always go through OCR. Numbers are read with the
 * country of the row's language. The arithmetic and its definitions are in host/common/eval.c.
 */
#include <glob.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl.h"
#include "eval.h"
#include "render.h"

#define EVAL_USAGE                                                                                        \
    "usage: faxgatectl [--config FILE] eval LABELS.tsv|DIR... [--base DIR] [--split tune|report|campaign|all]\n" \
    "                  [--pages] [--json] [--detail FILE] [--texts DIR] [--list]\n"

typedef struct eval_opts {
    const char *base;      /* directory the label files' paths are relative to (default: their own) */
    const char *split;     /* rows to run: tune, report, campaign, or all (tune and report) */
    const char *detail;    /* JSON Lines, one object per row */
    const char *texts;     /* the judged texts (N.txt) and rows.tsv, for a baseline to score */
    bool pages, list;
} eval_opts;

typedef struct eval_run {
    ctl *c;
    eval_opts o;
    fg_pipeline *pipe[FG_EVAL_LANGS];  /* one per country, made on first use */
    fg_config *cfg[FG_EVAL_LANGS];
    fg_store *st;
    fg_ocr *ocr[FG_EVAL_LANGS];        /* one engine per language's site, reused for every page */
    FILE *detail, *rows;
    fg_eval_tally lang[FG_EVAL_LANGS], all;
    json_t *errors;
    int n_labels;
} eval_run;

static const char definitions[] =
    "not printed = verdict hold or drop; recall = ads not printed / ads; precision = ads not printed / all "
    "pages not printed.\n"
    "advertiser identified = on ads labelled with an advertiser name or callback: the extracted name equals "
    "the expected one after dropping trailing legal forms (Inc, LLC, SARL, SAS, GmbH, UG ...), folding case "
    "and Latin accents and keeping letters and digits only, or the extracted callback equals the expected E.164 number.\n"
    "Each row is judged as a site of its language would: numbers with its country's plan (en US, fr FR, "
    "de DE), pages read with its OCR languages (en: as configured, fr: fra+eng, de: deu+eng).\n"
    "opt-out right = optout.present of the record equals the label (rows labelled yes or no).\n"
    "OCR ms = mean Tesseract time of page 1 over the rows read by OCR. A row error is a file that could "
    "not be read or rendered (no verdict, not in the figures) or a pipeline stage that failed (the "
    "fail-safe verdict is counted, as a fax would get it).";

static bool is_dir(const char *p)
{
    struct stat s;

    return stat(p, &s) == 0 && S_ISDIR(s.st_mode);
}

/* A directory stands for its LABELS.tsv and labels-*.tsv, in name order. */
static fg_err load_arg(eval_run *R, fg_eval_set *set, const char *arg)
{
    char pat[4096];
    glob_t g;
    fg_err e = FG_OK;

    if (!is_dir(arg)) {
        R->n_labels++;
        return fg_eval_load(set, arg, R->o.base);
    }
    snprintf(pat, sizeof pat, "%s/LABELS.tsv", arg);
    if (access(pat, R_OK) == 0) {
        R->n_labels++;
        if ((e = fg_eval_load(set, pat, R->o.base)))
            return e;
    }
    snprintf(pat, sizeof pat, "%s/labels-*.tsv", arg);
    if (glob(pat, 0, NULL, &g) == 0) {
        for (size_t i = 0; i < g.gl_pathc && !e; i++, R->n_labels++)
            e = fg_eval_load(set, g.gl_pathv[i], R->o.base);
        globfree(&g);
    }
    if (!e && !R->n_labels)
        e = fg_err_set(FG_ERR_NOTFOUND, "%s has no LABELS.tsv or labels-*.tsv", arg);
    return e;
}

static bool in_split(const fg_eval_row *r, const char *split)
{
    if (!strcmp(split, "all"))
        return strcmp(r->split, "campaign") != 0;   /* campaign variants are not classifier figures */
    return !strcmp(r->split, split);
}

/* The pipeline for a language: the configuration reloaded (a copy) with the language's country. */
static fg_err pipeline_for(eval_run *R, int lang, fg_pipeline **out)
{
    fg_err e;

    if (!R->pipe[lang]) {
        fg_config_free(R->cfg[lang]);   /* left from an earlier failed attempt */
        R->cfg[lang] = NULL;
        if ((e = fg_config_new(&R->cfg[lang])) ||
            (R->c->config_path && (e = fg_config_load(R->cfg[lang], R->c->config_path))) ||
            (e = fg_config_set(R->cfg[lang], "site", "country", fg_eval_lang_country(lang))) ||
            (e = fg_pipeline_new(R->cfg[lang], R->st, &R->pipe[lang])))
            return e;
    }
    *out = R->pipe[lang];
    return FG_OK;
}

/* A German site reads its faxes with German OCR, as its numbers with the German plan. */
static fg_err ocr_engine(eval_run *R, int lang)
{
    if (R->ocr[lang])
        return FG_OK;
    return fg_ocr_new(fg_eval_lang_ocr(lang, fg_config_get(R->c->cfg, "ocr", "languages")),
                      fg_config_get(R->c->cfg, "ocr", "datapath"), &R->ocr[lang]);
}

/* Reads, renders or loads the row, judges it; rec receives the parsed verdict record. */
static fg_err judge_row(eval_run *R, const fg_eval_row *r, fg_render_opts *ro, bool *rendered, fg_call **call,
                        json_t **rec)
{
    fg_pipeline *p = NULL;
    fg_page *page = NULL;
    char *text = NULL, *record = NULL;
    size_t len = 0;
    fg_err e;

    *rendered = false;
    if (fg_eval_is_image(r->path)) {
        e = access(r->path, R_OK) ? fg_err_set(FG_ERR_NOTFOUND, "%s: cannot open %s", r->where, r->path)
                                  : ctl_load_page1(r->path, 196, &page);
    } else if (!(e = fg_eval_read_text(r, &text, &len)) && R->o.pages) {
        fg_eval_render_opts(r->file, r->lang, ro);
        *rendered = true;
        e = fg_render_text(text, len, ro, &page);
    }
    if (!e && page)
        e = ocr_engine(R, r->lang);
    if (!e)
        e = pipeline_for(R, r->lang, &p);
    if (!e && !(e = fg_call_new(call)))
        e = fg_call_set_line(*call, "eval", "", NULL);
    if (!e && page) {
        fg_call_set_page1(*call, page);
        page = NULL;
    } else if (!e) {
        e = fg_call_set_text(*call, text, len);
    }
    free(text);
    fg_page_free(page);
    if (e)
        return e;
    /* a stage error is in the record ("error") and its fail-safe verdict stands, as for a fax */
    fg_pipeline_judge(p, R->ocr[r->lang], *call);
    if ((e = fg_call_record_json(*call, &record)))
        return e;
    *rec = json_loads(record, 0, NULL);
    free(record);
    return *rec ? FG_OK : fg_err_set(FG_ERR_FORMAT, "the verdict record is not JSON");
}

static json_t *num_or_null(double v)
{
    return isnan(v) ? json_null() : json_real(v);
}

static json_t *str_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

static void write_row_outputs(eval_run *R, int seq, const fg_eval_row *r, const fg_eval_outcome *o,
                              const fg_eval_marks *m, json_t *rec, const char *mode, const fg_render_opts *ro,
                              const char *err)
{
    const char *verdict = o->judged ? fg_verdict_name(o->verdict) : "error";
    const char *text = json_string_value(json_object_get(rec, "text"));
    double score = json_number_value(json_object_get(rec, "score"));

    if (R->rows) {
        fprintf(R->rows, "%d\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%.0f\t%d\t%.2f\n", seq, r->file,
                r->label == FG_EVAL_AD ? "ad" : "legit", fg_eval_lang_name(r->lang), verdict, m->adv_expected,
                m->adv_ok, m->optout_expected, m->optout_ok, o->ocr, o->ocr_ms, o->error, score);
        if (o->judged && text) {
            char path[4096];
            FILE *f;

            snprintf(path, sizeof path, "%s/%04d.txt", R->o.texts, seq);
            if ((f = fopen(path, "w"))) {
                fputs(text, f);
                fclose(f);
            } else {
                fprintf(stderr, "faxgatectl eval: cannot write %s\n", path);
            }
        }
    }
    if (R->detail) {
        json_t *d = json_pack("{s:i,s:s,s:s,s:s,s:s,s:s,s:s}", "n", seq, "file", r->file, "where", r->where,
                              "label", r->label == FG_EVAL_AD ? "ad" : "legit", "lang", fg_eval_lang_name(r->lang),
                              "mode", mode, "verdict", verdict);
        char *line;

        json_object_set_new(d, "score", o->judged ? json_real(score) : json_null());
        json_object_set_new(d, "is_ad", json_boolean(json_is_true(json_object_get(rec, "is_ad"))));
        json_object_set_new(d, "advertiser", str_or_null(o->adv_name));
        json_object_set_new(d, "callback", str_or_null(o->callback));
        json_object_set_new(d, "optout_present", json_boolean(o->optout_present));
        json_object_set_new(d, "expected",
                            json_pack("{s:o,s:o,s:o}", "advertiser", str_or_null(r->advertiser), "callback",
                                      str_or_null(r->callback), "optout",
                                      r->optout == FG_EVAL_UNKNOWN ? json_null() : json_boolean(r->optout)));
        json_object_set_new(d, "advertiser_identified", m->adv_expected ? json_boolean(m->adv_ok) : json_null());
        json_object_set_new(d, "optout_right", m->optout_expected ? json_boolean(m->optout_ok) : json_null());
        json_object_set_new(d, "scores", json_deep_copy(json_object_get(rec, "scores")));
        json_object_set_new(d, "ms_ocr", o->ocr ? json_real(o->ocr_ms) : json_null());
        json_object_set_new(d, "error", str_or_null(err));
        if (ro)
            json_object_set_new(d, "render",
                                json_pack("{s:s,s:f,s:i,s:f,s:f,s:b,s:b,s:s}", "font", ro->font, "size_pt",
                                          ro->size_pt, "yres", ro->yres, "noise", ro->noise, "skew_deg",
                                          ro->skew_deg, "stripes", ro->stripes, "logo", ro->logo, "paper",
                                          ro->paper == FG_PAPER_LETTER ? "letter" : "a4"));
        json_object_set_new(d, "text", str_or_null(text));
        if ((line = json_dumps(d, JSON_COMPACT | JSON_PRESERVE_ORDER))) {
            fprintf(R->detail, "%s\n", line);
            free(line);
        }
        json_decref(d);
    }
}

/* A part that only adds evidence (learning, campaigns) fails without failing the judge: it leaves
   a score named *_ERROR. Figures measured without it would be silently wrong, so it is a row error. */
static void stage_skipped(json_t *rec, char *err, size_t cap, bool *error)
{
    json_t *v;
    size_t i;

    json_array_foreach(json_object_get(rec, "rules"), i, v) {
        const char *name = json_string_value(json_object_get(v, "name"));
        const char *detail = json_string_value(json_object_get(v, "detail"));
        size_t n = name ? strlen(name) : 0;

        if (n > 6 && !strcmp(name + n - 6, "_ERROR")) {
            *error = true;
            snprintf(err, cap, "%s: %s", name, detail ? detail : "");
            return;
        }
    }
}

static void run_row(eval_run *R, int seq, const fg_eval_row *r)
{
    fg_eval_outcome o = {0};
    fg_eval_marks m;
    fg_render_opts ro;
    fg_call *call = NULL;
    json_t *rec = NULL, *adv, *opt;
    bool rendered = false, image = fg_eval_is_image(r->path);
    char err[600] = "";
    fg_err e = judge_row(R, r, &ro, &rendered, &call, &rec);

    if (e) {
        snprintf(err, sizeof err, "%s", fg_err_msg(e));
        o.error = true;
    } else {
        adv = json_object_get(rec, "advertiser");
        opt = json_object_get(rec, "optout");
        o.judged = true;
        o.verdict = fg_call_verdict(call);
        o.adv_name = json_string_value(json_object_get(adv, "name"));
        o.callback = json_string_value(json_object_get(adv, "callback"));
        o.optout_present = json_is_true(json_object_get(opt, "present"));
        o.ocr = image || rendered;
        o.ocr_ms = json_number_value(json_object_get(json_object_get(rec, "ms"), "ocr"));
        if (json_string_value(json_object_get(rec, "error"))) {
            o.error = true;
            snprintf(err, sizeof err, "%s (verdict %s)", json_string_value(json_object_get(rec, "error")),
                     fg_verdict_name(o.verdict));
        } else {
            stage_skipped(rec, err, sizeof err, &o.error);
        }
    }
    m = fg_eval_mark(r, &o);
    fg_eval_tally_add(&R->lang[r->lang], r, &o);
    fg_eval_tally_add(&R->all, r, &o);
    if (o.error) {
        json_array_append_new(R->errors, json_pack("{s:s,s:s,s:s}", "file", r->file, "where", r->where, "error", err));
        fprintf(stderr, "faxgatectl eval: %s: %s\n", r->file, err);
    }
    write_row_outputs(R, seq, r, &o, &m, rec, image ? "image" : rendered ? "page" : "text", rendered ? &ro : NULL,
                      err);
    json_decref(rec);
    fg_call_free(call);
}

static json_t *tally_json(const fg_eval_tally *t)
{
    json_t *j = json_object();
    int caught = t->ads_held + t->ads_dropped;

    json_object_set_new(j, "n", json_integer(t->ads + t->legit));
    json_object_set_new(j, "ads", json_integer(t->ads));
    json_object_set_new(j, "legit", json_integer(t->legit));
    json_object_set_new(j, "ads_held", json_integer(t->ads_held));
    json_object_set_new(j, "ads_dropped", json_integer(t->ads_dropped));
    json_object_set_new(j, "ads_not_printed", json_integer(caught));
    json_object_set_new(j, "recall", num_or_null(fg_eval_recall(t)));
    json_object_set_new(j, "precision", num_or_null(fg_eval_precision(t)));
    json_object_set_new(j, "legit_held", json_integer(t->legit_held));
    json_object_set_new(j, "legit_dropped", json_integer(t->legit_dropped));
    json_object_set_new(j, "legit_held_rate", num_or_null(fg_eval_ratio(t->legit_held, t->legit)));
    json_object_set_new(j, "legit_dropped_rate", num_or_null(fg_eval_ratio(t->legit_dropped, t->legit)));
    json_object_set_new(j, "advertiser_expected", json_integer(t->adv_expected));
    json_object_set_new(j, "advertiser_identified", json_integer(t->adv_ok));
    json_object_set_new(j, "advertiser_rate", num_or_null(fg_eval_ratio(t->adv_ok, t->adv_expected)));
    json_object_set_new(j, "optout_expected", json_integer(t->optout_expected));
    json_object_set_new(j, "optout_right", json_integer(t->optout_ok));
    json_object_set_new(j, "optout_rate", num_or_null(fg_eval_ratio(t->optout_ok, t->optout_expected)));
    json_object_set_new(j, "ocr_pages", json_integer(t->ocr_n));
    json_object_set_new(j, "ocr_ms_mean", t->ocr_n ? json_real(t->ocr_ms_sum / t->ocr_n) : json_null());
    json_object_set_new(j, "errors", json_integer(t->errors));
    json_object_set_new(j, "unjudged", json_integer(t->unjudged));
    return j;
}

/* "k/n pp.p%", or "-" when there is nothing to count. */
static const char *frac(char *buf, size_t cap, int k, int n)
{
    if (n <= 0)
        snprintf(buf, cap, "-");
    else
        snprintf(buf, cap, "%d/%d %.1f%%", k, n, 100.0 * k / n);
    return buf;
}

static void print_tally_line(const char *name, const fg_eval_tally *t)
{
    char a[32], b[32], c[32], d[32], e[32], f[32], ms[16];
    double prec = fg_eval_precision(t);

    snprintf(b, sizeof b, isnan(prec) ? "-" : "%.1f%%", 100 * prec);
    snprintf(ms, sizeof ms, t->ocr_n ? "%.0f" : "-", t->ocr_n ? t->ocr_ms_sum / t->ocr_n : 0);
    printf("%-5s %4d %4d %5d  %-16s %-9s %-16s %-16s %-16s %-16s %6s %6d\n", name, t->ads + t->legit, t->ads,
           t->legit, frac(a, sizeof a, t->ads_held + t->ads_dropped, t->ads), b,
           frac(c, sizeof c, t->legit_held, t->legit), frac(d, sizeof d, t->legit_dropped, t->legit),
           frac(e, sizeof e, t->adv_ok, t->adv_expected), frac(f, sizeof f, t->optout_ok, t->optout_expected), ms,
           t->errors);
}

static void print_report(eval_run *R, int n_rows)
{
    size_t i;
    json_t *v;

    if (R->c->json) {
        json_t *j = json_object(), *by = json_object();
        char *s;

        json_object_set_new(j, "split", json_string(R->o.split));
        json_object_set_new(j, "mode", json_string(R->o.pages ? "pages" : "text"));
        json_object_set_new(j, "rows", json_integer(n_rows));
        json_object_set_new(j, "overall", tally_json(&R->all));
        for (int l = 0; l < FG_EVAL_LANGS; l++)
            if (R->lang[l].rows)
                json_object_set_new(by, fg_eval_lang_name(l), tally_json(&R->lang[l]));
        json_object_set_new(j, "by_lang", by);
        json_object_set(j, "errors", R->errors);
        json_object_set_new(j, "definitions", json_string(definitions));
        if ((s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER)))
            puts(s);
        free(s);
        json_decref(j);
        return;
    }
    printf("faxgate eval: split %s, %s, %d rows from %d label file%s\n", R->o.split,
           R->o.pages ? "rendered fax pages read by OCR" : "texts (image rows by OCR)", n_rows, R->n_labels,
           R->n_labels == 1 ? "" : "s");
    printf("%-5s %4s %4s %5s  %-16s %-9s %-16s %-16s %-16s %-16s %6s %6s\n", "lang", "n", "ads", "legit",
           "ads not printed", "precision", "legit held", "legit dropped", "advertiser id", "opt-out right",
           "OCR ms", "errors");
    for (int l = 0; l < FG_EVAL_LANGS; l++)
        if (R->lang[l].rows)
            print_tally_line(fg_eval_lang_name(l), &R->lang[l]);
    print_tally_line("all", &R->all);
    printf("\n%s\n", definitions);
    if (json_array_size(R->errors)) {
        printf("\nerrors (%zu):\n", json_array_size(R->errors));
        json_array_foreach(R->errors, i, v)
            printf("  %s: %s\n", json_string_value(json_object_get(v, "file")),
                   json_string_value(json_object_get(v, "error")));
    }
}

static int parse_args(int argc, char **argv, eval_opts *o, const char **labels, int *n_labels)
{
    *o = (eval_opts){.split = "report"};
    *n_labels = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];

        if ((!strcmp(a, "--base") || !strcmp(a, "--split") || !strcmp(a, "--detail") || !strcmp(a, "--texts")) &&
            i + 1 < argc) {
            const char *v = argv[++i];

            if (!strcmp(a, "--base"))
                o->base = v;
            else if (!strcmp(a, "--split"))
                o->split = v;
            else if (!strcmp(a, "--detail"))
                o->detail = v;
            else
                o->texts = v;
        } else if (!strcmp(a, "--pages")) {
            o->pages = true;
        } else if (!strcmp(a, "--list")) {
            o->list = true;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(EVAL_USAGE, stdout);
            return 1;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "faxgatectl eval: unknown option '%s'\n" EVAL_USAGE, a);
            return -1;
        } else {
            labels[(*n_labels)++] = a;
        }
    }
    if (strcmp(o->split, "tune") && strcmp(o->split, "report") && strcmp(o->split, "campaign") &&
        strcmp(o->split, "all")) {
        fprintf(stderr, "faxgatectl eval: --split '%s': expected tune, report, campaign or all\n", o->split);
        return -1;
    }
    if (!*n_labels) {
        fputs(EVAL_USAGE, stderr);
        return -1;
    }
    return 0;
}

static fg_err open_outputs(eval_run *R)
{
    char path[4096];

    if (R->o.detail && !(R->detail = fopen(R->o.detail, "w")))
        return fg_err_set(FG_ERR_IO, "cannot write %s", R->o.detail);
    if (R->o.texts) {
        if (mkdir(R->o.texts, 0777) && !is_dir(R->o.texts))
            return fg_err_set(FG_ERR_IO, "cannot make directory %s", R->o.texts);
        snprintf(path, sizeof path, "%s/rows.tsv", R->o.texts);
        if (!(R->rows = fopen(path, "w")))
            return fg_err_set(FG_ERR_IO, "cannot write %s", path);
        fprintf(R->rows, "#n\tfile\tlabel\tlang\tverdict\tadv_expected\tadv_ok\toptout_expected\toptout_ok\tocr\t"
                         "ocr_ms\terror\tscore\n");
    }
    return FG_OK;
}

int ctl_eval(ctl *c, int argc, char **argv)
{
    eval_run R = {.c = c};
    fg_eval_set set = {0};
    const char **labels = calloc((size_t)argc, sizeof *labels);
    int n_labels = 0, n_rows = 0, rc = 0;
    fg_err e = FG_OK;

    if (!labels)
        return ctl_fail(FG_ERR_NOMEM, "eval");
    if ((rc = parse_args(argc, argv, &R.o, labels, &n_labels))) {
        free(labels);
        return rc > 0 ? 0 : 2;
    }
    for (int i = 0; i < n_labels && !e; i++)
        e = load_arg(&R, &set, labels[i]);
    free(labels);
    if (e) {
        fg_eval_set_free(&set);
        ctl_fail(e, "eval: labels");
        return 2;   /* bad input, like a bad option: no figure is printed over a broken label file */
    }
    if (R.o.list) {
        /* the rows of a split, for a script that trains on them */
        for (size_t i = 0; i < set.n; i++)
            if (in_split(&set.v[i], R.o.split))
                printf("%s\t%s\t%s\n", set.v[i].label == FG_EVAL_AD ? "ad" : "legit",
                       fg_eval_lang_name(set.v[i].lang), set.v[i].path);
        fg_eval_set_free(&set);
        return 0;
    }
    /* the site's store only if it exists: the learned counts and registries; never created here */
    if (access(fg_config_get(c->cfg, "store", "db"), R_OK) == 0 && !(R.st = ctl_store(c)))
        rc = 1;
    if (!rc && !(R.errors = json_array()))
        e = fg_err_set(FG_ERR_NOMEM, "out of memory");
    if (!rc && !e && !(e = open_outputs(&R))) {
        for (size_t i = 0; i < set.n; i++)
            if (in_split(&set.v[i], R.o.split))
                run_row(&R, ++n_rows, &set.v[i]);
        if (!n_rows)
            e = fg_err_set(FG_ERR_NOTFOUND, "no rows in split '%s'", R.o.split);
        else
            print_report(&R, n_rows);
    }
    if (e)
        rc = ctl_fail(e, "eval");
    else if (!rc && R.all.errors)
        rc = 1;   /* figures printed, but some rows failed: say so in the exit status too */
    if (R.detail)
        fclose(R.detail);
    if (R.rows)
        fclose(R.rows);
    for (int l = 0; l < FG_EVAL_LANGS; l++) {
        fg_pipeline_free(R.pipe[l]);
        fg_config_free(R.cfg[l]);
    }
    for (int i = 0; i < FG_EVAL_LANGS; i++)
        fg_ocr_free(R.ocr[i]);
    json_decref(R.errors);
    fg_eval_set_free(&set);
    return rc;
}
