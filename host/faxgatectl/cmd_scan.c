/* faxgatectl scan / classify — the judging pipeline on a page or a text, without a call. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"

#define TEXT_MAX (4 << 20)

typedef struct scan_opts {
    const char *tsi;
    const char *caller_id;
    int yres;            /* for images that are not fax TIFFs: 98 or 196 */
} scan_opts;

/* Parses the options shared by scan and classify; returns the first non-option argument index. */
static int parse_opts(int argc, char **argv, scan_opts *o, const char **text_file)
{
    int i = 1, first_arg = 0;

    o->yres = 196;
    for (; i < argc; i++) {
        if (!strcmp(argv[i], "--tsi") && i + 1 < argc)
            o->tsi = argv[++i];
        else if (!strcmp(argv[i], "--caller-id") && i + 1 < argc)
            o->caller_id = argv[++i];
        else if (!strcmp(argv[i], "--res") && i + 1 < argc)
            o->yres = !strcmp(argv[++i], "standard") ? 98 : 196;
        else if (!strcmp(argv[i], "--text") && i + 1 < argc && text_file)
            *text_file = argv[++i];
        else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "faxgatectl %s: unknown option '%s'\n", argv[0], argv[i]);
            return -1;
        } else if (!first_arg)
            first_arg = i;
    }
    return first_arg;
}

/* The registries only if the site has a store: a scan must not create one as a side effect. */
static fg_store *existing_store(ctl *c)
{
    const char *db = fg_config_get(c->cfg, "store", "db");

    if (access(db, R_OK) != 0)
        return NULL;
    return ctl_store(c);
}

static void print_list(const char *label, json_t *arr)
{
    size_t i;
    json_t *v;

    if (!json_array_size(arr))
        return;
    printf("  %s:", label);
    json_array_foreach(arr, i, v) printf("%s %s", i ? "," : "", json_string_value(v));
    printf("\n");
}

static const char *s_or(json_t *obj, const char *key, const char *dflt)
{
    const char *s = json_string_value(json_object_get(obj, key));

    return s ? s : dflt;
}

/* Readable form of the verdict record. */
static void print_record_text(const char *record)
{
    json_t *r = json_loads(record, 0, NULL), *adv, *bc, *opt, *v;
    const char *key;
    size_t i;

    if (!r) {
        puts(record);
        return;
    }
    adv = json_object_get(r, "advertiser");
    bc = json_object_get(r, "broadcaster");
    opt = json_object_get(r, "optout");
    printf("verdict: %s (score %.1f%s)\n  %s\n", s_or(r, "verdict", "?"), json_real_value(json_object_get(r, "score")),
           json_is_true(json_object_get(r, "is_ad")) ? ", advertisement" : "", s_or(r, "reason", ""));
    printf("advertiser: %s\n", s_or(adv, "name", "(not identified)"));
    print_list("phones", json_object_get(adv, "phones"));
    print_list("web", json_object_get(adv, "urls"));
    print_list("e-mail", json_object_get(adv, "emails"));
    if (json_string_value(json_object_get(adv, "ticker")))
        printf("  traded symbol: %s\n", s_or(adv, "ticker", ""));
    printf("broadcaster: TSI %s, caller ID %s\n  header: %s\n", s_or(bc, "tsi", "-"), s_or(bc, "caller_id", "-"),
           s_or(bc, "header", "(none)"));
    printf("opt-out notice: %s", json_is_true(json_object_get(opt, "present")) ? "present" : "absent");
    if (json_is_true(json_object_get(opt, "present"))) {
        printf(", phone %s, fax %s;", s_or(opt, "phone", "-"), s_or(opt, "fax", "-"));
        json_object_foreach(json_object_get(opt, "compliant"), key, v)
            printf(" %s: %s", key, json_is_true(v) ? "compliant" : "NOT compliant");
    }
    printf("\nrules:\n");
    json_array_foreach(json_object_get(r, "rules"), i, v)
        printf("  %-24s %+5.1f  %s\n", s_or(v, "name", "?"), json_real_value(json_object_get(v, "weight")),
               s_or(v, "detail", ""));
    if (json_array_size(json_object_get(r, "violations"))) {
        printf("violations:\n");
        json_array_foreach(json_object_get(r, "violations"), i, v)
            printf("  [%s] %s: %s\n", s_or(v, "profile", "?"), s_or(v, "rule", "?"), s_or(v, "detail", ""));
    }
    if (json_string_value(json_object_get(r, "error")))
        printf("error: %s\n", s_or(r, "error", ""));
    printf("time: OCR %.0f ms, total %.0f ms\n", json_real_value(json_object_get(json_object_get(r, "ms"), "ocr")),
           json_real_value(json_object_get(json_object_get(r, "ms"), "total")));
    json_decref(r);
}

/* Judges a prepared call and prints its record. */
static int judge_and_print(ctl *c, fg_call *call, bool need_ocr)
{
    fg_pipeline *p = NULL;
    fg_ocr *ocr = NULL;
    char *record = NULL;
    fg_err e;
    int rc = 0;

    if ((e = fg_pipeline_new(c->cfg, existing_store(c), &p)))
        return ctl_fail(e, "pipeline");
    if (need_ocr &&
        (e = fg_ocr_new(fg_config_get(c->cfg, "ocr", "languages"), fg_config_get(c->cfg, "ocr", "datapath"), &ocr))) {
        fg_pipeline_free(p);
        return ctl_fail(e, "OCR");
    }
    /* A stage error is part of the record (the verdict stands); only a failure to print is fatal. */
    fg_pipeline_judge(p, ocr, call);
    if ((e = fg_call_record_json(call, &record))) {
        rc = ctl_fail(e, "record");
    } else if (c->json) {
        puts(record);
    } else {
        print_record_text(record);
    }
    free(record);
    fg_ocr_free(ocr);
    fg_pipeline_free(p);
    return rc;
}

static fg_err prepare_call(const scan_opts *o, fg_call **out)
{
    fg_err e = fg_call_new(out);

    if (e)
        return e;
    fg_call_set_line(*out, "scan", "", o->caller_id);
    if (o->tsi)
        fg_call_set_tsi(*out, o->tsi);
    return FG_OK;
}

static bool looks_like_tiff(const char *path)
{
    unsigned char m[4];

    return ctl_file_magic(path, m) && ((m[0] == 'I' && m[1] == 'I' && m[2] == 42 && m[3] == 0) ||
                      (m[0] == 'M' && m[1] == 'M' && m[2] == 0 && m[3] == 42));
}

fg_err ctl_load_page1(const char *path, int yres, fg_page **page)
{
    int n;
    fg_err e;

    if (looks_like_tiff(path)) {
        if ((e = fg_page_tiff_count(path, &n)))
            return e;
        return fg_page_read_tiff(path, 0, page);
    }
    return fg_page_import_image(path, yres, page);
}

static int scan_path(ctl *c, const char *path, const scan_opts *o)
{
    fg_call *call = NULL;
    fg_page *page = NULL;
    fg_err e;
    int rc;

    if ((e = ctl_load_page1(path, o->yres, &page)))
        return ctl_fail(e, "scan");
    if ((e = prepare_call(o, &call))) {
        fg_page_free(page);
        return ctl_fail(e, "call");
    }
    fg_call_set_page1(call, page);
    rc = judge_and_print(c, call, true);
    fg_call_free(call);
    return rc;
}

int ctl_scan_file(ctl *c, const char *tiff, const char *tsi)
{
    scan_opts o = {.tsi = tsi, .yres = 196};

    return scan_path(c, tiff, &o);
}

int ctl_scan(ctl *c, int argc, char **argv)
{
    scan_opts o = {0};
    int first = parse_opts(argc, argv, &o, NULL);

    if (first <= 0) {
        if (first == 0)
            fprintf(stderr, "usage: faxgatectl scan FILE.tif|FILE.png [--tsi ID] [--caller-id NUM] [--res fine|standard]\n");
        return 2;
    }
    return scan_path(c, argv[first], &o);
}

int ctl_classify(ctl *c, int argc, char **argv)
{
    const char *file = NULL;
    scan_opts o = {0};
    fg_call *call = NULL;
    char *text;
    size_t len = 0;
    FILE *f;
    fg_err e;
    int rc;

    if (parse_opts(argc, argv, &o, &file) < 0 || !file) {
        fprintf(stderr, "usage: faxgatectl classify --text FILE [--tsi ID] [--caller-id NUM]  (FILE - reads stdin)\n");
        return 2;
    }
    f = strcmp(file, "-") ? fopen(file, "rb") : stdin;
    if (!f)
        return ctl_fail(fg_err_set(FG_ERR_NOTFOUND, "cannot open %s", file), "classify");
    if (!(text = malloc(TEXT_MAX + 1))) {
        if (f != stdin)
            fclose(f);
        return ctl_fail(FG_ERR_NOMEM, "classify");
    }
    len = fread(text, 1, TEXT_MAX + 1, f);
    if (f != stdin)
        fclose(f);
    if (len > TEXT_MAX) {
        free(text);
        return ctl_fail(fg_err_set(FG_ERR_TOOBIG, "%s is larger than 4 MiB: not a fax page's text", file),
                        "classify");
    }
    if ((e = prepare_call(&o, &call)) || (e = fg_call_set_text(call, text, len))) {
        free(text);
        fg_call_free(call);
        return ctl_fail(e, "classify");
    }
    free(text);
    rc = judge_and_print(c, call, false);
    fg_call_free(call);
    return rc;
}
