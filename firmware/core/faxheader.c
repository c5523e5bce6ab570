/* faxgate — the transmit header line every fax should carry (47 CFR 68.318(d)):
 * "11/27/2026 14:02 FROM: ACME SUPPLY 312-555-0142 P.1/1",
 * "27.11.2026 14:02 +49 30 1234567 Müller GmbH S. 1/2", "27/11/2026 14:02 DE: CABINET DURAND …".
 *
 * It is a line at the top or bottom edge with a date and a time (or a page marker);
 * the sender name is what is left once dates, times, numbers and keywords are taken out.
 */
#include <stdlib.h>
#include <string.h>

#include "extract_impl.h"

typedef struct span {
    size_t a, b;
} span;

typedef struct hdr_scan {
    span date, time, page;
    bool has_date, has_time, has_page, has_from;
    size_t from_end;
} hdr_scan;

/* Digit run of minl..maxl digits at p (not inside a longer run); its value in *val. */
static size_t digits(const char *s, size_t n, size_t p, size_t minl, size_t maxl, int *val)
{
    size_t i = p;
    int v = 0;

    if (p > 0 && fg_isdigit((unsigned char)s[p - 1]))
        return 0;
    while (i < n && fg_isdigit((unsigned char)s[i]) && i - p <= maxl) {
        v = v * 10 + (s[i] - '0');
        i++;
    }
    if (i - p < minl || i - p > maxl || (i < n && fg_isdigit((unsigned char)s[i])))
        return 0;
    if (val)
        *val = v;
    return i - p;
}

static const char *const months[] = {
    "jan", "janv", "january", "janvier", "januar", "feb", "fev", "fevr", "february", "fevrier", "februar",
    "mar", "mars", "march", "marz", "apr", "avr", "april", "avril", "may", "mai", "jun", "juin", "june",
    "juni", "jul", "juil", "july", "juillet", "juli", "aug", "aout", "august", "sep", "sept", "september",
    "septembre", "oct", "okt", "october", "octobre", "oktober", "nov", "november", "novembre", "dec", "dez",
    "december", "decembre", "dezember", NULL};

/* A month name at p: its length (with a trailing '.'), 0 if none. */
static size_t month(const char *s, size_t n, size_t p)
{
    size_t i = p;

    if (p > 0 && fg_isalpha((unsigned char)s[p - 1]))
        return 0;
    while (i < n && fg_isalpha((unsigned char)s[i]))
        i++;
    for (const char *const *m = months; *m; m++)
        if (strlen(*m) == i - p && !strncmp(s + p, *m, i - p))
            return i - p + (i < n && s[i] == '.');
    return 0;
}

static size_t skip_sep(const char *s, size_t n, size_t p, const char *set, size_t max)
{
    size_t i = p;

    while (i < n && i - p < max && strchr(set, s[i]) && s[i])
        i++;
    return i - p;
}

/* Dates: 11/27/2026, 27.11.26, 2026-11-27, 27 nov 2026, NOV-27-2026, Nov 27, 2026. */
static size_t date_at(const char *s, size_t n, size_t p)
{
    size_t l1, l2, l3, q;
    int a, b, y;

    if ((l1 = digits(s, n, p, 1, 2, &a))) {
        q = p + l1;
        if (q < n && strchr("/.-", s[q]) && s[q] && (l2 = digits(s, n, q + 1, 1, 2, &b)) && q + 1 + l2 < n &&
            s[q + 1 + l2] == s[q] && (l3 = digits(s, n, q + 2 + l2, 2, 4, &y)) && l3 != 3 && a >= 1 &&
            b >= 1 && a <= 31 && b <= 31 && (a <= 12 || b <= 12))
            return q + 2 + l2 + l3 - p;
        q += skip_sep(s, n, q, ". -", 2);
        if ((l2 = month(s, n, q))) {
            q += l2;
            q += skip_sep(s, n, q, " -,.", 2);
            if ((l3 = digits(s, n, q, 2, 4, &y)) && l3 != 3 && a >= 1 && a <= 31)
                return q + l3 - p;
        }
        return 0;
    }
    if (digits(s, n, p, 4, 4, &y) && p + 10 <= n && s[p + 4] == '-' && digits(s, n, p + 5, 2, 2, &a) &&
        s[p + 7] == '-' && digits(s, n, p + 8, 2, 2, &b) && a >= 1 && a <= 12 && b >= 1 && b <= 31)
        return 10;
    if ((l1 = month(s, n, p))) {
        q = p + l1 + skip_sep(s, n, p + l1, " -.", 2);
        if ((l2 = digits(s, n, q, 1, 2, &a)) && a >= 1 && a <= 31) {
            size_t md = q + l2 - p;

            q += l2;
            /* "Dec 10 '98" as fax machines of the 1990s print it */
            q += skip_sep(s, n, q, " -,'\"", 3);
            if ((l3 = digits(s, n, q, 2, 4, &y)) && l3 != 3)
                return q + l3 - p;
            /* "FEB 25 "SQ": the year is unreadable, month and day still date the fax */
            return md;
        }
    }
    return 0;
}

/* Times: 14:02, 14:02:33, 2:02pm, 2:02 PM, 14h02. */
static size_t time_at(const char *s, size_t n, size_t p)
{
    size_t l1, l2, q;
    int h, m;

    if (!(l1 = digits(s, n, p, 1, 2, &h)) || h > 24)
        return 0;
    q = p + l1;
    if (q >= n || (s[q] != ':' && s[q] != 'h'))
        return 0;
    /* OCR often reads "14:02" as "14: 02" */
    if (q + 1 < n && s[q] == ':' && s[q + 1] == ' ')
        q++;
    if (!(l2 = digits(s, n, q + 1, 2, 2, &m)) || m > 59)
        return 0;
    q += 1 + l2;
    if (q + 2 < n && s[q] == ':' && digits(s, n, q + 1, 2, 2, NULL))
        q += 3;
    if (q + 1 < n && s[q] == ' ' && (s[q + 1] == 'a' || s[q + 1] == 'p') && q + 2 < n && s[q + 2] == 'm' &&
        (q + 3 >= n || !fg_isalpha((unsigned char)s[q + 3])))
        q += 3;
    else if (q + 1 < n && (s[q] == 'a' || s[q] == 'p') && s[q + 1] == 'm')
        q += 2;
    return q - p;
}

/* Page markers: P.1, p. 1/2, P01, page 1, pg 1, S. 1/2, Seite 1, 001/002. */
static size_t page_at(const char *s, size_t n, size_t p)
{
    static const char *const words[] = {"page", "pages", "pg", "p", "seite", "s", "pag", NULL};
    size_t i = p, q;
    int a, b;

    if (p > 0 && fg_isalnum((unsigned char)s[p - 1]))
        return 0;
    while (i < n && fg_isalpha((unsigned char)s[i]))
        i++;
    if (i > p) {
        bool ok = false;

        for (const char *const *w = words; *w; w++)
            ok = ok || (strlen(*w) == i - p && !strncmp(s + p, *w, i - p));
        if (!ok)
            return 0;
        q = i + skip_sep(s, n, i, ". :", 2);
        if (!digits(s, n, q, 1, 3, &a))
            return 0;
        q += digits(s, n, q, 1, 3, &a);
        if (q < n && s[q] == '/' && (i = digits(s, n, q + 1, 1, 3, &b)))
            q += 1 + i;
        else if (q + 4 < n && !strncmp(s + q, " of ", 4) && (i = digits(s, n, q + 4, 1, 3, &b)))
            q += 4 + i;
        return q - p;
    }
    if ((i = digits(s, n, p, 1, 3, &a)) && p + i < n && s[p + i] == '/' &&
        (q = digits(s, n, p + i + 1, 1, 3, &b)) && a >= 1 && a <= b && b < 1000 &&
        (p + i + 1 + q >= n || !fg_isalnum((unsigned char)s[p + i + 1 + q])) &&
        (p + i + 1 + q >= n || s[p + i + 1 + q] != '/'))
        return i + 1 + q;
    return 0;
}

static void analyse(const char *s, size_t n, hdr_scan *h)
{
    memset(h, 0, sizeof *h);
    for (size_t p = 0; p < n; p++) {
        size_t l;

        if (p > 0 && fg_isalnum((unsigned char)s[p - 1]) && fg_isalnum((unsigned char)s[p]))
            continue;
        if (!h->has_date && (l = date_at(s, n, p))) {
            h->date = (span){p, p + l};
            h->has_date = true;
            p += l - 1;
            continue;
        }
        if (!h->has_time && (l = time_at(s, n, p))) {
            h->time = (span){p, p + l};
            h->has_time = true;
            p += l - 1;
            continue;
        }
        if (!h->has_page && (l = page_at(s, n, p))) {
            h->page = (span){p, p + l};
            h->has_page = true;
            p += l - 1;
            continue;
        }
        if (!h->has_from && (p == 0 || !fg_isalpha((unsigned char)s[p - 1]))) {
            static const char *const from[] = {"from", "de", "von", "exp", "expediteur", "absender", "sender", NULL};

            for (const char *const *f = from; *f; f++) {
                size_t fl = strlen(*f);

                if (p + fl <= n && !strncmp(s + p, *f, fl) && (p + fl == n || s[p + fl] == ':' ||
                                                                (s[p + fl] == ' ' && fl > 2))) {
                    h->has_from = true;
                    h->from_end = p + fl;
                    break;
                }
            }
        }
    }
}

bool fg_faxheader_like(const fg_doc *d, size_t li)
{
    hdr_scan h;

    if (li >= d->n)
        return false;
    analyse(d->lines[li].fold, d->lines[li].len, &h);
    return h.has_date && (h.has_time || h.has_page || h.has_from);
}

static bool in_span(span s, size_t a, size_t b, bool has)
{
    return has && a < s.b && b > s.a;
}

/* Words on a header line that are not the sender's name. */
static bool keyword(const char *w, size_t n)
{
    static const char *const kw[] = {"from", "de", "von", "to", "a", "an", "fax", "tel", "tel.", "fax:", "from:",
                                     "de:", "von:", "to:", "a:", "an:", "p", "p.", "page", "s.", "seite", "pg",
                                     "am", "pm", "nr", "nr.", "no", "no.", "-", "+", "/", "|", ":", "#", "exp:",
                                     "id", "id:", "tx", "rx", "uhr", "h", NULL};
    for (const char *const *k = kw; *k; k++)
        if (strlen(*k) == n && !strncmp(w, *k, n))
            return true;
    return false;
}

static char *raw_span(const fg_xctx *x, size_t li, span s)
{
    size_t w0 = fg_doc_word_at(&x->doc, li, s.a), w1 = fg_doc_word_at(&x->doc, li, s.b - 1) + 1;

    return fg_doc_words(&x->doc, w0, w1, 64);
}

static fg_err fill(fg_xctx *x, size_t li, const hdr_scan *h)
{
    const fg_line *L = &x->doc.lines[li];
    fg_header *hd = &x->id->header;
    size_t best0 = 0, best1 = 0, run0 = 0, bestlen = 0, nw = L->w1 - L->w0;
    bool in_run = false, best_after_from = false, run_long = false;

    hd->present = true;
    hd->at = fg_doc_where(&x->doc, li, 0, L->len);
    if (!(hd->text = fg_doc_words(&x->doc, L->w0, L->w1, 240)))
        return fg_err_set(FG_ERR_NOMEM, "cannot copy the fax header line");
    if (h->has_date && !(hd->date = raw_span(x, li, h->date)))
        return fg_err_set(FG_ERR_NOMEM, "cannot copy the fax header date");
    if (h->has_time && !(hd->time = raw_span(x, li, h->time)))
        return fg_err_set(FG_ERR_NOMEM, "cannot copy the fax header time");
    for (size_t i = 0; i < x->id->n_numbers; i++) {
        if (x->spans[i].line != li)
            continue;
        x->id->numbers[i].kind |= FG_NUM_HEADER;
        if (!hd->number[0])
            memcpy(hd->number, x->id->numbers[i].e164, FG_E164_LEN);
    }
    /* The name: the longest run of plain words; one right after FROM:/DE:/VON: wins. */
    for (size_t j = 0; j <= nw; j++) {
        bool plain = false, long_word = false;

        if (j < nw) {
            size_t a = L->woff[j], b = j + 1 < nw ? L->woff[j + 1] - 1 : L->len, letters = 0;
            bool num = false;

            for (size_t i = a; i < b; i++) {
                letters += fg_isalpha((unsigned char)L->fold[i]);
                num = num || fg_isdigit((unsigned char)L->fold[i]);
            }
            for (size_t i = 0; i < x->id->n_numbers; i++)
                num = num || (x->spans[i].line == li && a < x->spans[i].b && b > x->spans[i].a);
            /* "P.ot", "P.e1": a page marker the OCR could not read */
            if (b - a >= 3 && b - a <= 5 && L->fold[a] == 'p' && L->fold[a + 1] == '.')
                num = true;
            if (letters >= 3)
                long_word = true;
            plain = !num && !keyword(L->fold + a, b - a) && !in_span(h->date, a, b, h->has_date) &&
                    !in_span(h->time, a, b, h->has_time) && !in_span(h->page, a, b, h->has_page) &&
                    (letters > 0 || (L->fold[a] == '&' && in_run));
        }
        if (plain && !in_run) {
            run0 = j;
            in_run = true;
            run_long = long_word;
        } else if (plain) {
            run_long = run_long || long_word;
        } else if (!plain && in_run) {
            size_t a = L->woff[run0];
            bool after_from = h->has_from && a >= h->from_end && a <= h->from_end + 2;

            in_run = false;
            /* a name has a word of three letters or more ("SQ", "yi" are OCR debris) */
            if (run_long && ((after_from && !best_after_from) || (after_from == best_after_from && j - run0 > bestlen))) {
                best0 = run0;
                best1 = j;
                bestlen = j - run0;
                best_after_from = after_from;
            }
        }
    }
    if (bestlen && !(hd->name = fg_doc_words(&x->doc, L->w0 + best0, L->w0 + best1, 80)))
        return fg_err_set(FG_ERR_NOMEM, "cannot copy the fax header name");
    x->has_header = true;
    x->header_line = li;
    return FG_OK;
}

fg_err fg_faxheader_scan(fg_xctx *x)
{
    const fg_doc *d = &x->doc;
    size_t cand[4], nc = 0;

    if (!d->n)
        return FG_OK;
    cand[nc++] = 0;
    if (d->n > 1)
        cand[nc++] = d->n - 1;
    if (d->n > 2)
        cand[nc++] = 1;
    if (d->n > 3)
        cand[nc++] = d->n - 2;
    for (size_t c = 0; c < nc; c++) {
        size_t li = cand[c];
        const fg_line *L = &d->lines[li];
        bool has_num = false;
        hdr_scan h;

        if (d->boxes && d->w->page_height > 0) {
            /* Transmit headers sit in the top or bottom margin. */
            fg_where at = fg_doc_where(d, li, 0, L->len);

            if (at.y0 > d->w->page_height / 8 && at.y1 < d->w->page_height - d->w->page_height / 8)
                continue;
        }
        analyse(L->fold, L->len, &h);
        for (size_t i = 0; i < x->id->n_numbers; i++)
            has_num = has_num || x->spans[i].line == li;
        if ((h.has_date && (h.has_time || h.has_page)) || (h.has_date && has_num && h.has_from) ||
            (h.has_time && has_num && (h.has_page || h.has_from)))
            return fill(x, li, &h);
    }
    return FG_OK;
}
