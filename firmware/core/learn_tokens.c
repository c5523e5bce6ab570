/* faxgate — learn: the tokenizer of the learning classifier.
 *
 * OCR text is noisy and numbers change from one fax of a campaign to the next, so tokens are
 * what stays put: folded lower-case words (fg_text_fold), numbers as classes (a price, a
 * percentage, a date, a year, "a number of 3 digits"; phone numbers only through the identity,
 * as toll-free / premium / normal / fax / opt-out kinds), web hosts and e-mail domains, and a
 * few facts of the identity (opt-out notice, header line, the kind of call-to-action number).
 * A page gives a set of distinct tokens (as bogofilter and SpamBayes count them), capped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract_impl.h"
#include "faxgate/learn.h"

#define WORD_MIN 3              /* shorter words are mostly articles and OCR crumbs */
#define WORD_MAX 20             /* longer "words" are glued OCR lines or codes */
#define SLOTS 2048              /* hash set, twice FG_LEARN_TOKENS_MAX: short probes */

_Static_assert(SLOTS >= 2 * FG_LEARN_TOKENS_MAX, "hash set must stay at most half full");

typedef struct tokset {
    fg_tokens *t;
    uint16_t slot[SLOTS];       /* index + 1 into t->v, 0 = empty */
} tokset;

fg_learn_tokopts fg_learn_tokopts_default(void)
{
    /* Chosen by 5-fold cross-validation on the tune split (docs/learning.md). A word longer than 7
       letters also gives its first 7 ("~digital" for Digitalisierung, digitalisation, digitizing's
       kin): three languages and a few hundred faxes teach few inflections of each word. On 386 tune
       texts: AUC 0.9868 -> 0.9896 clean, 0.9868 -> 0.9897 through OCR; 5, 6, 8 and 9 letters did
       no better, a stem in place of the word did worse. */
    return (fg_learn_tokopts){.bigrams = false, .skip_header = true, .stem = 7};
}

static uint32_t fnv1a(const char *s)
{
    uint32_t h = 2166136261u;

    while (*s)
        h = (h ^ (unsigned char)*s++) * 16777619u;
    return h;
}

/* Copies prefix + v into buf, cut to FG_LEARN_TOKEN_LEN - 1 bytes. */
static void join(char buf[FG_LEARN_TOKEN_LEN], const char *prefix, const char *v)
{
    size_t pl = strnlen(prefix, FG_LEARN_TOKEN_LEN - 1), vl = strlen(v);

    if (vl > FG_LEARN_TOKEN_LEN - 1 - pl)
        vl = FG_LEARN_TOKEN_LEN - 1 - pl;
    memcpy(buf, prefix, pl);
    memcpy(buf + pl, v, vl);
    buf[pl + vl] = '\0';
}

/* Adds prefix + v (cut to size) unless present; marks truncation when the set is full. */
static void addf(tokset *ts, const char *prefix, const char *v)
{
    char buf[FG_LEARN_TOKEN_LEN];
    uint32_t h;

    join(buf, prefix, v);
    if (!buf[0])
        return;
    h = fnv1a(buf);
    for (uint32_t i = 0; i < SLOTS; i++) {
        uint16_t *sl = &ts->slot[(h + i) & (SLOTS - 1)];

        if (!*sl) {
            if (ts->t->n >= FG_LEARN_TOKENS_MAX) {
                ts->t->truncated = true;
                return;
            }
            memcpy(ts->t->v[ts->t->n], buf, sizeof buf);
            *sl = (uint16_t)++ts->t->n;
            return;
        }
        if (!strcmp(ts->t->v[*sl - 1], buf))
            return;
    }
}

static void add(tokset *ts, const char *tok)
{
    addf(ts, "", tok);
}

/* A folded word of the page, with what the number rules need to know about it. */
typedef struct fword {
    const char *f;              /* folded, NUL-terminated */
    int line;
    bool skip;                  /* header line, or part of a phone number */
} fword;

static bool has_digit(const char *s)
{
    for (; *s; s++)
        if (fg_isdigit((unsigned char)*s))
            return true;
    return false;
}

static int count_digits(const char *s)
{
    int n = 0;

    for (; *s; s++)
        n += fg_isdigit((unsigned char)*s);
    return n;
}

/* Only digits and the punctuation phone numbers are written with. */
static bool phone_chars(const char *s)
{
    if (!has_digit(s))
        return false;
    for (; *s; s++)
        if (!fg_isdigit((unsigned char)*s) && !strchr("()-./+", *s))
            return false;
    return true;
}

/* 12/01/2026, 1.12.26, 2026-12-01: three groups of 1-4 digits with one separator. */
static bool is_date(const char *s)
{
    int groups = 0, len = 0;
    char sep = 0;

    for (const char *p = s;; p++) {
        if (fg_isdigit((unsigned char)*p)) {
            if (++len > 4)
                return false;
            continue;
        }
        if (!len)
            return false;
        groups++;
        len = 0;
        if (!*p || ((*p == ',' || *p == ';') && !p[1]))
            return groups == 3;
        if (groups == 3 || (*p != '/' && *p != '.' && *p != '-') || (sep && *p != sep))
            return false;
        sep = *p;
    }
}

/* 08:02, 14h30 */
static bool is_time(const char *s)
{
    size_t n = strlen(s);

    return n >= 4 && n <= 6 && fg_isdigit((unsigned char)s[0]) && (strchr(s, ':') || strchr(s, 'h')) &&
           count_digits(s) >= 3 && count_digits(s) == (int)n - 1;
}

static bool is_currency(const char *s)
{
    static const char *const cur[] = {"$", "eur", "euro", "euros", "usd", "dollars", "chf", "ht", "ttc", NULL};

    for (const char *const *c = cur; *c; c++)
        if (!strcmp(s, *c))
            return true;
    return false;
}

static bool is_percent(const char *s)
{
    return !strcmp(s, "%") || !strcmp(s, "percent") || !strcmp(s, "prozent");
}

/* "$49", "49,90eur", "eur49" */
static bool money_inside(const char *s)
{
    return has_digit(s) && (strchr(s, '$') || strstr(s, "eur"));
}

/* "185.00", "49,90": an amount even without a currency sign. */
static bool is_amount(const char *s)
{
    size_t n = strlen(s);
    const char *t;

    if (n < 4 || !phone_chars(s) || count_digits(s) > 9)
        return false;
    t = s + n - 3;
    return (*t == '.' || *t == ',') && fg_isdigit((unsigned char)t[1]) && fg_isdigit((unsigned char)t[2]);
}

/* A run of digits as its class: a year, or its length. */
static void number_class(tokset *ts, const char *run, size_t n)
{
    char buf[8];

    if (n == 4 && (!strncmp(run, "19", 2) || !strncmp(run, "20", 2))) {
        add(ts, "#year");
        return;
    }
    snprintf(buf, sizeof buf, "#n%zu", n > 6 ? (size_t)6 : n);
    add(ts, buf);
}

/* OCR reads o as 0, l as 1, s as 5, b as 8 inside words: a run that is mostly letters and whose
   digits are all such look-alikes is read back as a word. */
static bool mend_word(char *run, size_t n)
{
    size_t letters = 0, digits = 0;

    for (size_t i = 0; i < n; i++) {
        if (fg_isalpha((unsigned char)run[i]))
            letters++;
        else if (strchr("0158", run[i]))
            digits++;
        else
            return false;
    }
    if (letters < 2 || digits * 2 > letters)
        return false;
    for (size_t i = 0; i < n; i++)
        run[i] = run[i] == '0' ? 'o' : run[i] == '1' ? 'l' : run[i] == '5' ? 's' : run[i] == '8' ? 'b' : run[i];
    return true;
}

/* A host name from a URL ("www.example.com/offer" → "example.com"). */
static void host_of(const char *url, char *out, size_t cap)
{
    const char *p = strstr(url, "://");
    size_t n;

    p = p ? p + 3 : url;
    if (!strncmp(p, "www.", 4))
        p += 4;
    n = strcspn(p, "/?#:");
    while (n && (p[n - 1] == '.' || p[n - 1] == ',' || p[n - 1] == ')'))
        n--;
    snprintf(out, cap, "%.*s", (int)(n < cap ? n : cap - 1), p);
}

/* Splits one folded chunk into alphanumeric runs and adds their tokens; *prev_word carries the
   last plain word for bigrams ("" when a non-word came between). */
static void chunk_runs(tokset *ts, const char *f, const fg_learn_tokopts *o, char prev_word[WORD_MAX + 1])
{
    char run[FG_WORD_MAX_LEN + 1];
    size_t i = 0, n = strlen(f);

    while (i < n) {
        size_t a, len, letters = 0;

        while (i < n && !fg_isalnum((unsigned char)f[i]))
            i++;
        a = i;
        while (i < n && fg_isalnum((unsigned char)f[i]))
            letters += fg_isalpha((unsigned char)f[i++]);
        if (!(len = i - a))
            break;
        memcpy(run, f + a, len);
        run[len] = '\0';
        if (letters == 0) {
            number_class(ts, run, len);
            prev_word[0] = '\0';
            continue;
        }
        if (letters < len && !mend_word(run, len)) {
            add(ts, "#code");
            prev_word[0] = '\0';
            continue;
        }
        if (len < WORD_MIN)
            continue;
        if (len > WORD_MAX) {
            add(ts, "#long");
            prev_word[0] = '\0';
            continue;
        }
        add(ts, run);
        if (o->stem > 0 && len > (size_t)o->stem) {
            char st[FG_LEARN_TOKEN_LEN];

            snprintf(st, sizeof st, "~%.*s", o->stem, run);
            add(ts, st);
        }
        if (o->bigrams && prev_word[0]) {
            char first[FG_LEARN_TOKEN_LEN];

            join(first, prev_word, "+");
            addf(ts, first, run);
        }
        memcpy(prev_word, run, len + 1);   /* len <= WORD_MAX here */
    }
}

/* Consecutive chunks that together read as a phone number (7 to 15 digits) are left to the
   identity's number kinds: the digits themselves change from fax to fax. */
static void mark_phones(fword *fw, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t j = i;
        int digits = 0;

        while (j < n && !fw[j].skip && phone_chars(fw[j].f) && !is_date(fw[j].f) && !is_amount(fw[j].f) &&
               fw[j].line == fw[i].line && digits < 16)
            digits += count_digits(fw[j++].f);
        if (j > i && digits >= 7 && digits <= 15)
            for (size_t k = i; k < j; k++)
                fw[k].skip = true;
        i = j > i ? j : i + 1;
    }
}

static void text_tokens(tokset *ts, fword *fw, size_t n, const fg_learn_tokopts *o)
{
    char prev_word[WORD_MAX + 1] = "";

    mark_phones(fw, n);
    for (size_t i = 0; i < n; i++) {
        const char *f = fw[i].f, *next = i + 1 < n ? fw[i + 1].f : "", *prev = i ? fw[i - 1].f : "";
        const char *at;

        if (fw[i].skip) {
            prev_word[0] = '\0';
            continue;
        }
        if ((at = strchr(f, '@')) && strchr(at, '.')) {
            char dom[64];

            host_of(at + 1, dom, sizeof dom);
            addf(ts, "mail:", dom);
            prev_word[0] = '\0';
            continue;
        }
        if (strstr(f, "://") || !strncmp(f, "www.", 4)) {
            char host[64];

            host_of(f, host, sizeof host);
            addf(ts, "host:", host);
            prev_word[0] = '\0';
            continue;
        }
        if (has_digit(f)) {
            const char *cls = NULL;

            if (strchr(f, '%') || is_percent(next))
                cls = "#pct";
            else if (money_inside(f) || is_currency(next) || is_currency(prev))
                cls = "#price";
            else if (is_date(f))
                cls = "#date";
            else if (is_time(f))
                cls = "#time";
            else if (is_amount(f))
                cls = "#amount";
            if (cls) {
                add(ts, cls);
                prev_word[0] = '\0';
                continue;
            }
        }
        chunk_runs(ts, f, o, prev_word);
    }
}

static const char *rate_kind(unsigned k)
{
    return k & FG_NUM_TOLLFREE ? "tollfree" : k & FG_NUM_PREMIUM ? "premium" : k & FG_NUM_FAX ? "fax" : "normal";
}

/* Facts of the identity as tokens: they separate ads from business faxes whatever the words. */
static void ident_tokens(tokset *ts, const fg_ident *id)
{
    const char *cta = "none";
    char host[64];

    for (size_t i = 0; i < id->n_numbers && i < FG_NUMBERS_MAX; i++) {
        unsigned k = id->numbers[i].kind;

        if (k & FG_NUM_HEADER)
            continue;
        addf(ts, "tel:", k & FG_NUM_TOLLFREE ? "tollfree" : k & FG_NUM_PREMIUM ? "premium" : "normal");
        if (k & FG_NUM_FAX)
            add(ts, "tel:fax");
        if (k & FG_NUM_ORDER_FAX)
            add(ts, "tel:orderfax");
        if (k & FG_NUM_OPTOUT)
            add(ts, "tel:optout");
        if (k & FG_NUM_CALLBACK)
            cta = rate_kind(k);
    }
    addf(ts, "cta:", cta);
    add(ts, id->optout.present ? "opt:yes" : "opt:no");
    if (id->optout.present && id->optout.free_of_charge)
        add(ts, "opt:free");
    if (id->optout.mentions_30_days && id->optout.mentions_unlawful)
        add(ts, "opt:jfpa");
    add(ts, id->header.present ? "hdr:yes" : "hdr:no");
    add(ts, id->adv_name ? "adv:named" : "adv:none");
    if (id->lang[0])
        addf(ts, "lang:", id->lang);
    for (size_t i = 0; i < id->n_urls && i < FG_ITEMS_MAX; i++)
        if (id->urls[i].value) {
            const char *dot;

            host_of(id->urls[i].value, host, sizeof host);
            addf(ts, "host:", host);
            if ((dot = strrchr(host, '.')))
                addf(ts, "tld:", dot + 1);
        }
    for (size_t i = 0; i < id->n_emails && i < FG_ITEMS_MAX; i++) {
        const char *a = id->emails[i].value ? strchr(id->emails[i].value, '@') : NULL;

        if (a) {
            host_of(a + 1, host, sizeof host);
            addf(ts, "mail:", host);
        }
    }
}

static int cmp_tok(const void *a, const void *b)
{
    return strcmp(a, b);
}

fg_err fg_learn_tokens(const fg_words *w, const fg_ident *id, const fg_learn_tokopts *o, fg_tokens **out)
{
    fg_learn_tokopts dflt = fg_learn_tokopts_default();
    tokset *ts = NULL;
    fword *fw = NULL;
    char *buf = NULL;
    size_t nfw = 0, used = 0;
    int header_line = -1;

    if (!out || !w)
        return fg_err_set(FG_ERR_INVAL, "fg_learn_tokens: no words or no output");
    *out = NULL;
    if (!o)
        o = &dflt;
    if (!(ts = calloc(1, sizeof *ts)) || !(ts->t = calloc(1, sizeof *ts->t)) ||
        (w->n && (!(fw = calloc(w->n, sizeof *fw)) || !(buf = malloc(FG_DOC_TEXT_MAX + 1))))) {
        if (ts)
            free(ts->t);
        free(ts);
        free(fw);
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate the tokens of a page");
    }
    if (o->skip_header && id && id->header.present)
        header_line = id->header.at.line;
    for (size_t i = 0; i < w->n; i++) {
        const char *s = w->v[i].text ? w->v[i].text : "";
        size_t len = strlen(s);

        if (used + len + 1 > FG_DOC_TEXT_MAX) {
            ts->t->truncated = true;
            break;
        }
        fw[nfw].f = buf + used;
        used += fg_text_fold(s, len, buf + used);
        buf[used++] = '\0';
        fw[nfw].line = w->v[i].line;
        fw[nfw].skip = w->v[i].line == header_line;
        nfw++;
    }
    text_tokens(ts, fw, nfw, o);
    if (id)
        ident_tokens(ts, id);
    if (w->truncated)
        ts->t->truncated = true;
    qsort(ts->t->v, ts->t->n, sizeof ts->t->v[0], cmp_tok);
    *out = ts->t;
    free(ts);
    free(fw);
    free(buf);
    return FG_OK;
}

fg_err fg_learn_tokens_text(const char *text, size_t len, const char *country, fg_tokens **out)
{
    fg_words *w = NULL;
    fg_ident id = {0};
    fg_err e;

    if (!out || (!text && len))
        return fg_err_set(FG_ERR_INVAL, "fg_learn_tokens_text: no text or no output");
    *out = NULL;
    if ((e = fg_words_from_text(text ? text : "", len, &w)))
        return e;
    if (!(e = fg_extract(w, country && *country ? country : "US", &id)))
        e = fg_learn_tokens(w, &id, NULL, out);
    fg_ident_clear(&id);
    fg_words_free(w);
    return e;
}

void fg_tokens_free(fg_tokens *t)
{
    free(t);
}
