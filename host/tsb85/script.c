/* tsb85 — reads a TSB-85 script file (SpanDSP's fax-tests XML) with libxml2. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "tsb85.h"

static char *prop(xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    char *s;

    if (!v)
        return NULL;
    s = strdup((const char *)v);
    xmlFree(v);
    return s;
}

static int prop_int(xmlNodePtr n, const char *name, int dflt)
{
    char *v = prop(n, name);
    int r = v ? atoi(v) : dflt;

    free(v);
    return r;
}

static bool is(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && !xmlStrcmp(n->name, (const xmlChar *)name);
}

static int read_step(xmlNodePtr n, tsb_step *st)
{
    char *dir = prop(n, "dir");

    memset(st, 0, sizeof *st);
    st->line = (int)xmlGetLineNo(n);
    st->dir = dir && (dir[0] == 'T' || dir[0] == 'R') ? dir[0] : 0;
    free(dir);
    st->type = prop(n, "type");
    st->modem = prop(n, "modem");
    st->tag = prop(n, "tag");
    st->value = prop(n, "value");
    st->alt_value = prop(n, "xxx");   /* "MCF or RTP": the script's second acceptable answer */
    st->pattern = prop(n, "pattern");
    st->bad_rows = prop(n, "bad_rows");
    st->min_bits = prop(n, "min_bits");
    st->compression = prop(n, "compression");
    st->timein = prop_int(n, "timein", -1);
    st->timeout = prop_int(n, "timeout", -1);
    st->crc_error = prop_int(n, "crc_error", -1);
    st->frame_size = prop_int(n, "frame_size", -1);
    st->block = prop_int(n, "block", -1);
    st->gap_min = st->gap_max = -1;
    /* The <check>s mostly describe what the step itself checks. One kind states a time the step
       does not: "MCF to DIS interval must be between 5.0s and 7.0s" (MRGN09). */
    for (xmlNodePtr c = n->children; c; c = c->next) {
        char *desc = is(c, "check") ? prop(c, "desc") : NULL;
        const char *p = desc ? strstr(desc, "interval must be between ") : NULL;
        double a, b;

        if (p && sscanf(p, "interval must be between %lfs and %lfs", &a, &b) == 2 && a >= 0 && b >= a) {
            st->gap_min = (long)(a * 1000 + 0.5);
            st->gap_max = (long)(b * 1000 + 0.5);
        }
        free(desc);
    }
    return st->type ? 0 : -1;
}

static int add_step(tsb_test *out, int *cap, xmlNodePtr n, int repeat, int repeat_max)
{
    if (out->nsteps == *cap) {
        tsb_step *p = realloc(out->steps, (size_t)(*cap = *cap ? 2 * *cap : 32) * sizeof *p);

        if (!p)
            return -1;
        out->steps = p;
    }
    if (read_step(n, &out->steps[out->nsteps]) == 0) {
        out->steps[out->nsteps].repeat = repeat;
        out->steps[out->nsteps].repeat_max = repeat_max;
        out->nsteps++;
    }
    return 0;
}

/* The steps in order; a <repeat>'s steps are marked with its number. Only repeats the device may
   or may not ask for (min 0: "while it answers RNR, send RR") are played. */
static int read_test(xmlNodePtr t, tsb_test *out)
{
    int cap = 0, repeats = 0;

    memset(out, 0, sizeof *out);
    out->name = prop(t, "name");
    if (!out->name)
        out->name = strdup("(unnamed)");
    for (xmlNodePtr n = t->children; n; n = n->next) {
        if (is(n, "repeat")) {
            int min = prop_int(n, "min", 0), max = prop_int(n, "max", -1);

            repeats++;
            if (min > 0 && !out->unsupported)
                out->unsupported = strdup("a <repeat> with a minimum count, which this runner does not play");
            for (xmlNodePtr c = n->children; c; c = c->next)
                if (is(c, "step") && add_step(out, &cap, c, repeats, max))
                    return -1;
            continue;
        }
        if (is(n, "step") && add_step(out, &cap, n, 0, -1))
            return -1;
    }
    return 0;
}

int tsb_script_load(const char *file, const char *const *groups, int ngroups, tsb_script *s, char *err,
                    size_t errcap)
{
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    xmlDocPtr doc;
    xmlNodePtr root;
    int found[64] = {0}, rc = 0;

    memset(s, 0, sizeof *s);
    if (!ctxt)
        return tsb_fail(err, errcap, "out of memory");
    /* the DTD (fax-tests.dtd beside the script) is loaded and the file validated against it */
    doc = xmlCtxtReadFile(ctxt, file, NULL, XML_PARSE_DTDLOAD | XML_PARSE_DTDVALID | XML_PARSE_NONET);
    if (!doc || !ctxt->valid) {
        const xmlError *e = xmlCtxtGetLastError(ctxt);

        rc = tsb_fail(err, errcap, "%s: %s%s%s", file, doc ? "not valid against its DTD" : "cannot parse",
                  e && e->message ? ": " : "", e && e->message ? e->message : "");
        if (rc && errcap && err[strlen(err) - 1] == '\n')
            err[strlen(err) - 1] = '\0';
        goto out;
    }
    root = xmlDocGetRootElement(doc);
    if (!root || xmlStrcmp(root->name, (const xmlChar *)"fax-tests")) {
        rc = tsb_fail(err, errcap, "%s: the root element is not <fax-tests>", file);
        goto out;
    }
    for (xmlNodePtr n = root->children; n && rc == 0; n = n->next) {
        char *name;

        if (is(n, "config")) {
            for (xmlNodePtr p = n->children; p; p = p->next) {
                char *type = is(p, "path") ? prop(p, "type") : NULL;

                if (type && !strcmp(type, "IMAGE")) {
                    free(s->image_dir);
                    s->image_dir = prop(p, "value");
                }
                free(type);
            }
            continue;
        }
        if (!is(n, "test-group") || !(name = prop(n, "name")))
            continue;
        for (int g = 0; g < ngroups && g < 64; g++) {
            if (strncmp(name, groups[g], strlen(groups[g])))
                continue;
            found[g]++;
            for (xmlNodePtr t = n->children; t; t = t->next) {
                tsb_test *p;

                if (!is(t, "test"))
                    continue;
                if (!(p = realloc(s->tests, (size_t)(s->ntests + 1) * sizeof *p)) ||
                    read_test(t, &(s->tests = p)[s->ntests]) < 0 || !(p[s->ntests].group = strdup(name))) {
                    rc = tsb_fail(err, errcap, "out of memory");
                    break;
                }
                s->ntests++;
            }
            break;
        }
        free(name);
    }
    for (int g = 0; g < ngroups && g < 64 && rc == 0; g++)
        if (!found[g])
            rc = tsb_fail(err, errcap, "%s has no test group named '%s…'", file, groups[g]);
out:
    if (doc)
        xmlFreeDoc(doc);
    xmlFreeParserCtxt(ctxt);
    if (rc)
        tsb_script_free(s);
    return rc;
}

void tsb_script_free(tsb_script *s)
{
    for (int i = 0; i < s->ntests; i++) {
        tsb_test *t = &s->tests[i];

        for (int k = 0; k < t->nsteps; k++) {
            tsb_step *st = &t->steps[k];

            free(st->type);
            free(st->modem);
            free(st->tag);
            free(st->value);
            free(st->alt_value);
            free(st->pattern);
            free(st->bad_rows);
            free(st->min_bits);
            free(st->compression);
        }
        free(t->steps);
        free(t->name);
        free(t->group);
        free(t->unsupported);
    }
    free(s->tests);
    free(s->image_dir);
    memset(s, 0, sizeof *s);
}
