/* faxgate host — the evaluation harness's arithmetic (see eval.h): label files, marks, tallies.
 *
 * Kept apart from faxgatectl so the unit tests can check every definition without a pipeline.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "eval.h"
#include "faxgate/extract.h"

#define LABEL_COLS_MIN 7
#define LABEL_COLS_MAX 8
#define LABEL_LINE_MAX 4096

static const char *const lang_names[FG_EVAL_LANGS] = {"en", "fr", "de"};
static const char *const lang_countries[FG_EVAL_LANGS] = {"US", "FR", "DE"};

const char *fg_eval_lang_name(int lang)
{
    return lang >= 0 && lang < FG_EVAL_LANGS ? lang_names[lang] : "all";
}

const char *fg_eval_lang_country(int lang)
{
    return lang >= 0 && lang < FG_EVAL_LANGS ? lang_countries[lang] : "US";
}

const char *fg_eval_lang_ocr(int lang, const char *configured)
{
    static const char *const site_langs[FG_EVAL_LANGS] = {NULL, "fra+eng", "deu+eng"};

    return lang > 0 && lang < FG_EVAL_LANGS ? site_langs[lang] : configured;
}

static void row_free(fg_eval_row *r)
{
    free(r->file);
    free(r->path);
    free(r->where);
    free(r->advertiser);
    free(r->campaign);
}

void fg_eval_set_free(fg_eval_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->n; i++)
        row_free(&set->v[i]);
    free(set->v);
    set->v = NULL;
    set->n = set->cap = 0;
}

/* '-' means "none" in every optional column. */
static char *opt_dup(const char *s)
{
    return strcmp(s, "-") ? strdup(s) : NULL;
}

static bool valid_e164(const char *s)
{
    size_t n = strlen(s);

    if (n < 7 || n > 16 || s[0] != '+' || s[1] == '0')
        return false;
    for (size_t i = 1; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* The directory part of a path ("." if none). */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');

    if (!slash)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

/* Fills r from the columns of one line; errors name where and what is expected. */
static fg_err parse_row(char **col, int ncol, const char *where, const char *base, fg_eval_row *r)
{
    int lang = -1;

    if (ncol < LABEL_COLS_MIN || ncol > LABEL_COLS_MAX)
        return fg_err_set(FG_ERR_FORMAT,
                          "%s: %d columns; expected 7 or 8, tab-separated: file, label, lang, advertiser, "
                          "callback, optout, split[, campaign]",
                          where, ncol);
    if (!*col[0])
        return fg_err_set(FG_ERR_FORMAT, "%s: empty file name", where);
    if (!strcmp(col[1], "ad"))
        r->label = FG_EVAL_AD;
    else if (!strcmp(col[1], "legit"))
        r->label = FG_EVAL_LEGIT;
    else
        return fg_err_set(FG_ERR_FORMAT, "%s: label '%s' is neither ad nor legit", where, col[1]);
    for (int i = 0; i < FG_EVAL_LANGS; i++)
        if (!strcmp(col[2], lang_names[i]))
            lang = i;
    if (lang < 0)
        return fg_err_set(FG_ERR_FORMAT, "%s: language '%s' is not en, fr or de", where, col[2]);
    r->lang = lang;
    if (!*col[3])
        return fg_err_set(FG_ERR_FORMAT, "%s: empty advertiser (write - for none)", where);
    if (strcmp(col[4], "-") && !valid_e164(col[4]))
        return fg_err_set(FG_ERR_FORMAT, "%s: callback '%s' is not E.164 (+ and 6 to 15 digits) or -", where,
                          col[4]);
    snprintf(r->callback, sizeof r->callback, "%s", strcmp(col[4], "-") ? col[4] : "");
    if (!strcmp(col[5], "yes"))
        r->optout = FG_EVAL_YES;
    else if (!strcmp(col[5], "no"))
        r->optout = FG_EVAL_NO;
    else if (!strcmp(col[5], "-"))
        r->optout = FG_EVAL_UNKNOWN;
    else
        return fg_err_set(FG_ERR_FORMAT, "%s: opt-out '%s' is not yes, no or -", where, col[5]);
    if (strcmp(col[6], "tune") && strcmp(col[6], "report") && strcmp(col[6], "campaign"))
        return fg_err_set(FG_ERR_FORMAT, "%s: split '%s' is not tune, report or campaign", where, col[6]);
    snprintf(r->split, sizeof r->split, "%s", col[6]);
    if (r->label == FG_EVAL_LEGIT && (strcmp(col[3], "-") || r->callback[0]))
        return fg_err_set(FG_ERR_FORMAT, "%s: a legit row names an advertiser or callback", where);
    r->file = strdup(col[0]);
    r->where = strdup(where);
    r->advertiser = opt_dup(col[3]);
    r->campaign = ncol > 7 ? opt_dup(col[7]) : NULL;
    if (col[0][0] == '/')
        r->path = strdup(col[0]);
    else if (asprintf(&r->path, "%s/%s", base, col[0]) < 0)
        r->path = NULL;
    if (!r->file || !r->where || !r->path || (strcmp(col[3], "-") && !r->advertiser) ||
        (ncol > 7 && strcmp(col[7], "-") && !r->campaign))
        return fg_err_set(FG_ERR_NOMEM, "%s: out of memory", where);
    return FG_OK;
}

static fg_err append_row(fg_eval_set *set, const fg_eval_row *r)
{
    for (size_t i = 0; i < set->n; i++)
        if (!strcmp(set->v[i].path, r->path))
            return fg_err_set(FG_ERR_FORMAT, "%s: %s is listed twice (first at %s)", r->where, r->file,
                              set->v[i].where);
    if (set->n == set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 64;
        fg_eval_row *v = realloc(set->v, cap * sizeof *v);

        if (!v)
            return fg_err_set(FG_ERR_NOMEM, "out of memory for label rows");
        set->v = v;
        set->cap = cap;
    }
    set->v[set->n++] = *r;
    return FG_OK;
}

fg_err fg_eval_load(fg_eval_set *set, const char *labels, const char *base)
{
    FILE *f = fopen(labels, "r");
    char *line = NULL, *own_base = NULL, where[512];
    size_t cap = 0, n_before = set->n;
    ssize_t len;
    int lineno = 0;
    fg_err e = FG_OK;

    if (!f) {
        int err = errno;
        return fg_err_set(fg_err_from_errno(err), "cannot open label file %s: %s", labels, strerror(err));
    }
    if (!base && !(base = own_base = dir_of(labels))) {
        fclose(f);
        return fg_err_set(FG_ERR_NOMEM, "out of memory");
    }
    while (!e && (len = getline(&line, &cap, f)) >= 0) {
        char *col[LABEL_COLS_MAX], *p = line;
        int ncol = 0;
        fg_eval_row r = {0};

        lineno++;
        snprintf(where, sizeof where, "%s:%d", labels, lineno);
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len > LABEL_LINE_MAX) {
            e = fg_err_set(FG_ERR_FORMAT, "%s: line longer than %d bytes", where, LABEL_LINE_MAX);
            break;
        }
        if (!len || line[0] == '#' || !strncmp(line, "file\t", 5))
            continue;
        ncol = 1;
        for (char *t = line; (t = strchr(t, '\t')); t++)
            ncol++;
        if (ncol <= LABEL_COLS_MAX)
            for (int i = 0; i < ncol; i++) {
                char *tab = strchr(p, '\t');

                col[i] = p;
                if (tab) {
                    *tab = '\0';
                    p = tab + 1;
                }
            }
        if ((e = parse_row(col, ncol, where, base, &r)) || (e = append_row(set, &r)))
            row_free(&r);
    }
    if (!e && ferror(f))
        e = fg_err_set(FG_ERR_IO, "cannot read label file %s", labels);
    if (e) {
        /* all or nothing: a half-read file would give figures over the wrong rows */
        for (size_t i = n_before; i < set->n; i++)
            row_free(&set->v[i]);
        set->n = n_before;
    }
    free(line);
    free(own_base);
    fclose(f);
    return e;
}

bool fg_eval_is_image(const char *path)
{
    static const char *const ext[] = {".png", ".tif", ".tiff", ".jpg", ".jpeg", ".pbm", ".pgm", ".pnm", ".bmp", ".gif"};
    const char *dot = strrchr(path, '.');

    if (!dot || strchr(dot, '/'))
        return false;
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++)
        if (!strcasecmp(dot, ext[i]))
            return true;
    return false;
}

fg_err fg_eval_read_text(const fg_eval_row *r, char **text, size_t *len)
{
    FILE *f = fopen(r->path, "rb");
    size_t n;
    char *buf;

    if (!f) {
        int err = errno;
        return fg_err_set(fg_err_from_errno(err), "%s: cannot open %s: %s", r->where, r->path, strerror(err));
    }
    if (!(buf = malloc((size_t)FG_RENDER_MAX_TEXT + 2))) {
        fclose(f);
        return fg_err_set(FG_ERR_NOMEM, "out of memory reading %s", r->path);
    }
    n = fread(buf, 1, (size_t)FG_RENDER_MAX_TEXT + 1, f);
    if (ferror(f)) {
        fclose(f);
        free(buf);
        return fg_err_set(FG_ERR_IO, "%s: cannot read %s", r->where, r->path);
    }
    fclose(f);
    if (n > FG_RENDER_MAX_TEXT) {
        free(buf);
        return fg_err_set(FG_ERR_TOOBIG, "%s: %s is larger than %d bytes: not a page of text", r->where, r->path,
                          FG_RENDER_MAX_TEXT);
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return FG_OK;
}

/* FNV-1a of the name, then splitmix64 steps: independent draws that depend on the name alone. */
static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ULL;

    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

static uint64_t next_draw(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

void fg_eval_render_opts(const char *file, int lang, fg_render_opts *o)
{
    static const char *const fonts[] = {"DejaVu Sans", "DejaVu Serif", "Liberation Sans", "Liberation Serif"};
    uint64_t st = fnv1a(file);

    fg_render_opts_init(o);
    o->font = fonts[next_draw(&st) % 4];
    o->size_pt = 9 + (double)(next_draw(&st) % 9) * 0.5;          /* 9, 9.5 … 13 pt */
    o->yres = next_draw(&st) % 2 ? 196 : 98;
    o->noise = (double)(next_draw(&st) % 9) * 0.5;                /* 0 … 4 speckles/cm² */
    o->skew_deg = ((double)(next_draw(&st) % 13) - 6) * 0.25;     /* -1.5 … +1.5° */
    o->stripes = next_draw(&st) % 5 == 0;
    o->logo = next_draw(&st) % 5 == 0;
    o->seed = next_draw(&st);
    /* US senders print on Letter, European ones on A4 */
    o->paper = lang == 0 ? FG_PAPER_LETTER : FG_PAPER_A4;
}

/* Letters and digits only, case and Latin accents folded ("Müller" = "MULLER", as the registries
   match names: fg_text_fold_latin); Latin-1 symbols (U+0080-U+00BF)
   and general punctuation (U+2000-U+206F: dashes, curly quotes) count as punctuation. */
static size_t name_key(const char *s, char *out, size_t cap)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = 0;

    while (*p && n + 4 < cap) {
        if (*p < 0x80) {
            if ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z'))
                out[n++] = (char)*p;
            else if (*p >= 'A' && *p <= 'Z')
                out[n++] = (char)(*p + 32);
            p++;
            continue;
        }
        size_t len = *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : *p >= 0xC0 ? 2 : 1;
        for (size_t i = 1; i < len; i++)
            if (!p[i]) {
                len = i;
                break;
            }
        if ((len == 2 && p[0] == 0xC2) || (len == 3 && p[0] == 0xE2 && (p[1] == 0x80 || p[1] == 0x81))) {
            p += len;
            continue;
        }
        char base[2];
        size_t used, k = fg_text_fold_latin((const char *)p, len, base, &used);

        if (k && used == len) {   /* "È" and "è" are "e": OCR of capitals drops accents, the registries fold them */
            for (size_t i = 0; i < k; i++)
                out[n++] = base[i];
        } else {
            for (size_t i = 0; i < len; i++)
                out[n++] = (char)p[i];
        }
        p += len;
    }
    out[n] = '\0';
    return n;
}

/* Legal forms after a company name: "Bureau Discount SARL" is the advertiser "Bureau Discount". */
static const char *const legal_forms[] = {
    "inc", "llc", "ltd", "limited", "corp", "corporation", "co", "company", "plc", "llp", "lp", "sas", "sasu",
    "sarl", "sa", "eurl", "sci", "gmbh", "ag", "kg", "ug", "ek", "ohg", "gbr", "mbh", "haftungsbeschrankt",
    "bv", "nv", "srl", "sl", "spa", NULL};

/* The name's key without its trailing legal forms ("Müller GmbH & Co. KG" -> "müller"). */
static size_t company_key(const char *s, char *out, size_t cap)
{
    char copy[512];
    size_t n = strlen(s);

    if (n >= sizeof copy)
        n = sizeof copy - 1;
    memcpy(copy, s, n);
    copy[n] = '\0';
    for (;;) {
        char word[64];
        char *sp = strrchr(copy, ' ');
        bool legal = false;

        if (!sp || !name_key(sp + 1, word, sizeof word)) {
            if (sp && !word[0]) {   /* a trailing "&", "-" or "(": drop it and look again */
                *sp = '\0';
                continue;
            }
            break;
        }
        for (const char *const *f = legal_forms; *f && !legal; f++)
            legal = !strcmp(word, *f);
        if (!legal)
            break;
        *sp = '\0';
    }
    return name_key(copy, out, cap);
}

bool fg_eval_name_match(const char *expected, const char *got)
{
    char a[512], b[512];

    if (!expected || !got)
        return false;
    /* a name of punctuation only matches nothing: "" == "" is no identification */
    return company_key(expected, a, sizeof a) > 0 && company_key(got, b, sizeof b) > 0 && !strcmp(a, b);
}

fg_eval_marks fg_eval_mark(const fg_eval_row *r, const fg_eval_outcome *o)
{
    fg_eval_marks m = {0};

    if (!o->judged)
        return m;
    if (r->label == FG_EVAL_AD && (r->advertiser || r->callback[0])) {
        m.adv_expected = true;
        m.adv_ok = (r->advertiser && fg_eval_name_match(r->advertiser, o->adv_name)) ||
                   (r->callback[0] && o->callback && !strcmp(r->callback, o->callback));
    }
    if (r->optout != FG_EVAL_UNKNOWN) {
        m.optout_expected = true;
        m.optout_ok = o->optout_present == (r->optout == FG_EVAL_YES);
    }
    return m;
}

void fg_eval_tally_add(fg_eval_tally *t, const fg_eval_row *r, const fg_eval_outcome *o)
{
    fg_eval_marks m = fg_eval_mark(r, o);

    t->rows++;
    if (o->error || !o->judged)
        t->errors++;
    if (!o->judged) {
        t->unjudged++;
        return;
    }
    if (r->label == FG_EVAL_AD) {
        t->ads++;
        t->ads_held += o->verdict == FG_VERDICT_HOLD;
        t->ads_dropped += o->verdict == FG_VERDICT_DROP;
    } else {
        t->legit++;
        t->legit_held += o->verdict == FG_VERDICT_HOLD;
        t->legit_dropped += o->verdict == FG_VERDICT_DROP;
    }
    t->adv_expected += m.adv_expected;
    t->adv_ok += m.adv_ok;
    t->optout_expected += m.optout_expected;
    t->optout_ok += m.optout_ok;
    if (o->ocr) {
        t->ocr_n++;
        t->ocr_ms_sum += o->ocr_ms;
    }
}

double fg_eval_ratio(int num, int den)
{
    return den > 0 ? (double)num / den : NAN;
}

double fg_eval_recall(const fg_eval_tally *t)
{
    return fg_eval_ratio(t->ads_held + t->ads_dropped, t->ads);
}

double fg_eval_precision(const fg_eval_tally *t)
{
    int flagged = t->ads_held + t->ads_dropped + t->legit_held + t->legit_dropped;

    return fg_eval_ratio(t->ads_held + t->ads_dropped, flagged);
}
