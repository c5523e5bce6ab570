/* faxgate tools — loading the labelled texts; see labels.h. */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labels.h"

#define TEXT_MAX (1 << 20)

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;

    if (!f)
        return NULL;
    if (!(buf = malloc(TEXT_MAX + 1))) {
        fclose(f);
        return NULL;
    }
    *len = fread(buf, 1, TEXT_MAX, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

static bool known(const lab_set *set, const char *file)
{
    for (size_t i = 0; i < set->n; i++)
        if (!strcmp(set->v[i].file, file))
            return true;
    return false;
}

/* Splits line at tabs into at most max fields; returns how many. */
static int fields(char *line, char **f, int max)
{
    int n = 0;

    line[strcspn(line, "\r\n")] = '\0';
    while (n < max) {
        f[n++] = line;
        if (!(line = strchr(line, '\t')))
            break;
        *line++ = '\0';
    }
    return n;
}

static int load_file(lab_set *set, const char *dir, const char *labels, const char *split)
{
    char line[2048], path[1024];
    FILE *f = fopen(labels, "r");
    int lineno = 0, bad = 0;

    if (!f) {
        fprintf(stderr, "labels: cannot open %s\n", labels);
        return -1;
    }
    while (fgets(line, sizeof line, f)) {
        char *c[8] = {0};
        int n;
        lab_text *t;

        lineno++;
        if (line[0] == '#' || line[0] == '\n' || line[0] == '\r')
            continue;
        n = fields(line, c, 8);
        if (!strcmp(c[0], "file"))
            continue;
        if (n < 7 || (strcmp(c[1], "ad") && strcmp(c[1], "legit"))) {
            fprintf(stderr, "labels: %s:%d: expected file, ad|legit, lang, advertiser, callback, optout, split\n",
                    labels, lineno);
            bad++;
            continue;
        }
        if ((split && strcmp(c[6], split)) || known(set, c[0]))
            continue;
        if (set->n == set->cap) {
            size_t cap = set->cap ? set->cap * 2 : 128;
            lab_text *nv = realloc(set->v, cap * sizeof *nv);

            if (!nv)
                break;
            set->v = nv;
            set->cap = cap;
        }
        t = &set->v[set->n];
        memset(t, 0, sizeof *t);
        snprintf(path, sizeof path, "%s/%s", dir, c[0]);
        if (!(t->text = slurp(path, &t->len))) {
            /* label files are written while texts are: a row ahead of its text is skipped, said */
            fprintf(stderr, "labels: %s:%d: cannot read %s; row skipped\n", labels, lineno, path);
            continue;
        }
        t->file = strdup(c[0]);
        t->is_ad = !strcmp(c[1], "ad");
        snprintf(t->lang, sizeof t->lang, "%.2s", c[2]);
        snprintf(t->country, sizeof t->country, "%s",
                 !strcmp(c[2], "fr") ? "FR" : !strcmp(c[2], "de") ? "DE" : "US");
        snprintf(t->split, sizeof t->split, "%.15s", c[6]);
        if (n >= 8 && strcmp(c[7], "-"))
            snprintf(t->campaign, sizeof t->campaign, "%.63s", c[7]);
        if (!t->file) {
            free(t->text);
            break;
        }
        set->n++;
    }
    fclose(f);
    set->bad += bad;
    return 0;
}

int lab_load(lab_set *set, const char *dir, const char *split)
{
    char pat[1024];
    glob_t g;
    int rc;

    snprintf(pat, sizeof pat, "%s/LABELS.tsv", dir);
    if ((rc = load_file(set, dir, pat, split)))
        return rc;
    snprintf(pat, sizeof pat, "%s/labels-*.tsv", dir);
    if (glob(pat, 0, NULL, &g) == 0) {
        for (size_t i = 0; i < g.gl_pathc && !rc; i++)
            rc = load_file(set, dir, g.gl_pathv[i], split);
        globfree(&g);
    }
    return rc;
}

void lab_free(lab_set *set)
{
    for (size_t i = 0; i < set->n; i++) {
        free(set->v[i].file);
        free(set->v[i].text);
    }
    free(set->v);
    memset(set, 0, sizeof *set);
}
