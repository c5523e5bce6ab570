/* faxgate — folded page text for the extraction and classification scanners. */
#include <stdlib.h>
#include <string.h>

#include "extract_impl.h"

/* Latin-1 supplement letters (U+00C0..U+00FF) to their ASCII base letter; "ss" etc. below. */
static const char latin1_base[64] =
    "aaaaaaaceeeeiiiidnoooooxouuuuyts"   /* U+00C0..U+00DF (x = ×, ß handled apart) */
    "aaaaaaaceeeeiiiidnooooo/ouuuuyty";  /* U+00E0..U+00FF */

static size_t put(char *out, size_t o, const char *s)
{
    size_t n = strlen(s);

    memcpy(out + o, s, n);
    return o + n;
}

size_t fg_text_fold_latin(const char *in, size_t n, char out[2], size_t *used)
{
    const unsigned char *s = (const unsigned char *)in;

    if (n >= 2 && s[0] == 0xc3 && s[1] >= 0x80 && s[1] <= 0xbf) {
        unsigned d = s[1] - 0x80;

        *used = 2;
        if (d == 0x1f)
            return memcpy(out, "ss", 2), 2;
        if (d == 0x06 || d == 0x26)
            return memcpy(out, "ae", 2), 2;
        out[0] = latin1_base[d];
        return 1;
    }
    if (n >= 2 && s[0] == 0xc5 && (s[1] == 0x92 || s[1] == 0x93)) {
        *used = 2;
        return memcpy(out, "oe", 2), 2;
    }
    return 0;
}

size_t fg_text_fold(const char *in, size_t n, char *out)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t i = 0, o = 0;

    while (i < n) {
        unsigned c = s[i];

        if (c < 0x80) {
            out[o++] = c < ' ' || c == 0x7f ? ' ' : (c >= 'A' && c <= 'Z') ? (char)(c + 32) : (char)c;
            i++;
            continue;
        }
        /* Every mapping writes at most as many bytes as it reads, so out never outgrows in. */
        size_t used, w = fg_text_fold_latin(in + i, n - i, out + o, &used);

        if (w) {
            o += w;
            i += used;
        } else if (c == 0xc2 && i + 1 < n && s[i + 1] >= 0x80 && s[i + 1] <= 0xbf) {
            unsigned d = s[i + 1];

            /* "n°" reads as "no"; a no-break space is a space; £ is a currency sign like $. */
            out[o++] = d == 0xb0 || d == 0xba ? 'o' : d == 0xa0 ? ' ' : d == 0xa3 ? '$'
                     : d == 0xab || d == 0xbb ? '"' : d == 0xa7 ? '#' : '?';
            i += 2;
        } else if (c == 0xe2 && i + 2 < n && s[i + 1] >= 0x80 && s[i + 1] <= 0xbf && s[i + 2] >= 0x80 &&
                   s[i + 2] <= 0xbf) {
            unsigned d = (unsigned)s[i + 1] << 8 | s[i + 2];

            if (d == 0x8099 || d == 0x8098)
                out[o++] = '\'';
            else if (d == 0x809c || d == 0x809d)
                out[o++] = '"';
            else if (d >= 0x8090 && d <= 0x8095)
                out[o++] = '-';
            else if (d == 0x80a6)
                o = put(out, o, "...");
            else if (d == 0x80a2)
                out[o++] = '*';
            else if (d == 0x82ac)
                o = put(out, o, "eur");
            else if (d == 0x9890)
                o = put(out, o, "[ ]");
            else if (d == 0x9891 || d == 0x9892)
                o = put(out, o, "[x]");
            else if (d == 0x84a1 || d == 0x98ce || d == 0x988e)
                o = put(out, o, "tel");   /* ℡ ☎ ☏ are phone labels on ads */
            else
                out[o++] = '?';
            i += 3;
        } else {
            /* Any other sequence (or a stray byte) becomes one neutral mark. */
            out[o++] = '?';
            i++;
            while (i < n && (s[i] & 0xc0) == 0x80)
                i++;
        }
    }
    return o;
}

void fg_doc_free(fg_doc *d)
{
    if (!d)
        return;
    free(d->text);
    free(d->flat);
    free(d->lines);
    free(d->woff_all);
    memset(d, 0, sizeof *d);
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;

    return x < y ? -1 : x > y;
}

/* Plain-text render markup at the start of a line (see host/common/render.h): "#" and "##"
   headings, "!" bold, ">" and "^" alignment, "---" a rule. Returns the heading level, 0 for
   the others, -1 for an ordinary word. */
static int markup(const char *t, size_t n)
{
    if ((n == 1 || n == 2) && strspn(t, "#") == n)
        return (int)n;
    if (n == 1 && (t[0] == '!' || t[0] == '>' || t[0] == '^'))
        return 0;
    if (n >= 3 && strspn(t, "-") == n)
        return 0;
    return -1;
}

/* A line's type size is the median of its words' heights: OCR gives an accented capital, a '|'
   or a speck of noise a height of its own, and the tallest word would make body text a heading. */
static void line_heights(fg_doc *d)
{
    float hs[FG_DOC_LINE_MAX / 2 + 1];

    for (size_t i = 0; i < d->n; i++) {
        fg_line *L = &d->lines[i];
        size_t k = 0;

        for (size_t j = L->w0; j < L->w1 && k < sizeof hs / sizeof hs[0]; j++) {
            const fg_word *wd = &d->w->v[j];

            if (wd->height_pt > 0 && wd->text && (strnlen(wd->text, 2) > 1 || fg_isalnum((unsigned char)wd->text[0])))
                hs[k++] = wd->height_pt;
        }
        if (k) {
            qsort(hs, k, sizeof hs[0], cmp_float);
            L->height = hs[k / 2];
        }
    }
}

fg_err fg_doc_build(const fg_words *w, fg_doc *d)
{
    size_t nw = w->n < FG_WORDS_MAX ? w->n : FG_WORDS_MAX, o = 0, cur = (size_t)-1;
    float *hs = NULL;
    size_t nh = 0;

    memset(d, 0, sizeof *d);
    d->w = w;
    d->truncated = w->truncated || w->n > nw;
    d->text = malloc(FG_DOC_TEXT_MAX + 2);
    d->lines = malloc((nw ? nw : 1) * sizeof *d->lines);
    d->woff_all = malloc((nw ? nw : 1) * sizeof *d->woff_all);
    if (!d->text || !d->lines || !d->woff_all)
        goto nomem;
    for (size_t i = 0; i < nw; i++) {
        const fg_word *wd = &w->v[i];
        size_t tl = wd->text ? strnlen(wd->text, FG_WORD_MAX_LEN) : 0;
        fg_line *L;

        if (wd->x1 > wd->x0 || wd->y1 > wd->y0)
            d->boxes = true;
        if (!tl)
            continue;
        if (cur == (size_t)-1 || wd->line != d->lines[cur].index || d->lines[cur].len + tl + 1 > FG_DOC_LINE_MAX) {
            if (o + tl + 1 > FG_DOC_TEXT_MAX) {
                d->truncated = true;
                break;
            }
            if (cur != (size_t)-1)
                d->text[o++] = '\n';
            cur = d->n++;
            L = &d->lines[cur];
            memset(L, 0, sizeof *L);
            L->w0 = L->w1 = i;
            L->off = o;
            L->index = wd->line;
            L->woff = d->woff_all + i;
        } else {
            L = &d->lines[cur];
            if (o + tl + 1 > FG_DOC_TEXT_MAX) {
                d->truncated = true;
                break;
            }
            if (L->w1 > L->w0)
                d->text[o++] = ' ';
        }
        L = &d->lines[cur];
        /* Plain-text markup ("# Title") says how the line is printed; it is not a word. */
        if (!d->boxes && L->w1 == L->w0 && markup(wd->text, tl) >= 0) {
            int m = markup(wd->text, tl);

            if (m > 0)
                L->heading = m;
            L->w0 = L->w1 = i + 1;
            L->woff = d->woff_all + i + 1;
            continue;
        }
        L->woff[L->w1 - L->w0] = o - L->off;
        L->w1 = i + 1;
        o += fg_text_fold(wd->text, tl, d->text + o);
        L->len = o - L->off;
    }
    d->text[o] = '\0';
    d->len = o;
    /* Drop lines that ended up empty (a lone markup word). */
    {
        size_t k = 0;

        for (size_t i = 0; i < d->n; i++)
            if (d->lines[i].w1 > d->lines[i].w0)
                d->lines[k++] = d->lines[i];
        d->n = k;
    }
    if (!(d->flat = malloc(o + 1)))
        goto nomem;
    for (size_t i = 0; i <= o; i++)
        d->flat[i] = d->text[i] == '\n' ? ' ' : d->text[i];
    for (size_t i = 0; i < d->n; i++)
        d->lines[i].fold = d->text + d->lines[i].off;
    line_heights(d);
    if (d->n && (hs = malloc(d->n * sizeof *hs))) {
        for (size_t i = 0; i < d->n; i++)
            if (d->lines[i].height > 0)
                hs[nh++] = d->lines[i].height;
        if (nh) {
            qsort(hs, nh, sizeof *hs, cmp_float);
            d->median_height = hs[nh / 2];
        }
    }
    free(hs);
    return FG_OK;
nomem:
    fg_doc_free(d);
    return fg_err_set(FG_ERR_NOMEM, "cannot allocate the folded text of %zu words", nw);
}

size_t fg_doc_word_at(const fg_doc *d, size_t li, size_t a)
{
    const fg_line *L = &d->lines[li];
    size_t lo = 0, hi = L->w1 - L->w0;

    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;

        if (L->woff[mid] <= a)
            lo = mid;
        else
            hi = mid;
    }
    return L->w0 + lo;
}

fg_where fg_doc_where(const fg_doc *d, size_t li, size_t a, size_t b)
{
    fg_where at = {0, 0, 0, 0, d->lines[li].index};
    size_t w0 = fg_doc_word_at(d, li, a), w1 = fg_doc_word_at(d, li, b > a ? b - 1 : a);
    bool first = true;

    for (size_t i = w0; i <= w1; i++) {
        const fg_word *wd = &d->w->v[i];

        if (!(wd->x1 > wd->x0 || wd->y1 > wd->y0))
            continue;
        if (first || wd->x0 < at.x0)
            at.x0 = wd->x0;
        if (first || wd->y0 < at.y0)
            at.y0 = wd->y0;
        if (first || wd->x1 > at.x1)
            at.x1 = wd->x1;
        if (first || wd->y1 > at.y1)
            at.y1 = wd->y1;
        first = false;
    }
    return at;
}

size_t fg_doc_line_at(const fg_doc *d, size_t off)
{
    size_t lo = 0, hi = d->n;

    if (!d->n)
        return 0;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;

        if (d->lines[mid].off <= off)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

char *fg_doc_words(const fg_doc *d, size_t w0, size_t w1, size_t cap)
{
    size_t n = 0;
    char *s = malloc(cap + 1);

    if (!s)
        return NULL;
    for (size_t i = w0; i < w1; i++) {
        const char *t = d->w->v[i].text;
        size_t tl = t ? strnlen(t, FG_WORD_MAX_LEN) : 0;

        if (!tl)
            continue;
        if (n && n < cap)
            s[n++] = ' ';
        if (n + tl > cap) {
            /* Never cut a UTF-8 sequence in half. */
            tl = cap - n;
            while (tl && ((unsigned char)t[tl] & 0xc0) == 0x80)
                tl--;
        }
        memcpy(s + n, t, tl);
        n += tl;
        if (n >= cap)
            break;
    }
    s[n] = '\0';
    return s;
}

/* A gap between words in the page: spaces with at most one stray mark that OCR sprinkles between
   words ("Keine. Werbung mehr", "no longer 'wish to receive"). Returns its length, 0 if none. */
static size_t word_gap(const char *hay, size_t n, size_t p)
{
    size_t q = p;
    int marks = 0, spaces = 0;

    while (q < n && q - p < 4) {
        if (hay[q] == ' ') {
            spaces++;
        } else if (strchr(".,'\"`", hay[q]) && hay[q] && !marks) {
            marks++;
        } else {
            break;
        }
        q++;
    }
    return spaces ? q - p : 0;
}

/* Matches needle at hay[at]: exact, except that a space in the needle takes a word gap. */
static bool match_at(const char *hay, size_t n, size_t at, const char *needle, size_t nl, size_t *end)
{
    size_t p = at;

    for (size_t i = 0; i < nl; i++) {
        if (needle[i] == ' ') {
            size_t g = word_gap(hay, n, p);

            if (!g)
                return false;
            p += g;
            while (i + 1 < nl && needle[i + 1] == ' ')
                i++;
        } else {
            if (p >= n || hay[p] != needle[i])
                return false;
            p++;
        }
    }
    *end = p;
    return true;
}

size_t fg_text_find_end(const char *hay, size_t n, const char *needle, size_t from, size_t *end)
{
    size_t nl = strlen(needle), first;
    bool lb = true, rb = true;
    const char *p;

    if (nl && needle[0] == '*') {
        lb = false;
        needle++;
        nl--;
    }
    if (nl && needle[nl - 1] == '*') {
        rb = false;
        nl--;
    }
    if (!nl)
        return (size_t)-1;
    lb = lb && fg_isalnum((unsigned char)needle[0]);
    rb = rb && fg_isalnum((unsigned char)needle[nl - 1]);
    /* find the first word exactly, then the rest with flexible gaps */
    first = strcspn(needle, " ");
    if (first > nl)
        first = nl;
    while (from + first <= n && (p = memmem(hay + from, n - from, needle, first))) {
        size_t at = (size_t)(p - hay), e;

        if ((!lb || at == 0 || !fg_isalnum((unsigned char)hay[at - 1])) && match_at(hay, n, at, needle, nl, &e) &&
            (!rb || e == n || !fg_isalnum((unsigned char)hay[e]))) {
            if (end)
                *end = e;
            return at;
        }
        from = at + 1;
    }
    return (size_t)-1;
}

size_t fg_text_find(const char *hay, size_t n, const char *needle, size_t from)
{
    return fg_text_find_end(hay, n, needle, from, NULL);
}

bool fg_text_any(const char *hay, size_t n, const char *const *needles)
{
    for (; *needles; needles++)
        if (fg_text_find(hay, n, *needles, 0) != (size_t)-1)
            return true;
    return false;
}
