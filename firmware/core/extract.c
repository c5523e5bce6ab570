/* faxgate — extract: from page words to an identity (numbers, web sites, e-mail, opt-out
 * notice, transmit header, advertiser). The scanners live in phone.c, optout.c,
 * faxheader.c and advertiser.c; this file runs them in order and reads web addresses
 * and the language.
 */
#include <stdlib.h>
#include <string.h>

#include "extract_impl.h"

static const char *const tlds[] = {
    "com", "net", "org", "biz", "info", "us", "ca", "uk", "fr", "de", "eu", "be", "ch", "at", "nl", "it", "es",
    "lu", "io", "co", "travel", "shop", "store", "online", "site", "pro", "tv", "me", "mobi", "email", "health",
    "care", "club", "vacations", "cruises", "immo", "bzh", "paris", "berlin", "nyc", "law", "loans", "insurance",
    "finance", "money", "deals", "sale", "discount", "agency", "services", "solutions", "company", NULL};

static bool in_list(const char *s, size_t n, const char *const *list)
{
    for (; *list; list++)
        if (strlen(*list) == n && !strncmp(s, *list, n))
            return true;
    return false;
}

static bool host_char(char c)
{
    return fg_isalnum((unsigned char)c) || c == '-' || c == '.';
}

/* Length of a plausible host name at s (labels, a known or any alphabetic TLD if strict is false). */
static size_t host_len(const char *s, size_t n, bool strict)
{
    size_t i = 0, label = 0, labels = 0, last = 0, first_len = 0;
    bool alpha_tld = true;

    while (i < n && host_char(s[i])) {
        if (s[i] == '.') {
            if (!label || s[i - 1] == '-')
                break;
            if (!labels)
                first_len = label;
            labels++;
            label = 0;
            last = i + 1;
            alpha_tld = true;
        } else {
            if (!label && s[i] == '-')
                return 0;
            label++;
            alpha_tld = alpha_tld && fg_isalpha((unsigned char)s[i]);
        }
        i++;
    }
    if (i > 0 && s[i - 1] == '.') {
        i--;    /* a sentence ending with a domain */
        label = 0;
    }
    if (!labels || !label || !alpha_tld || label < 2)
        return 0;
    if (strict && (!in_list(s + last, label, tlds) || first_len < 2))
        return 0;
    return i;
}

static bool known(const fg_item *v, size_t n, const char *s, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(v[i].value) == len && !strncmp(v[i].value, s, len))
            return true;
    return false;
}

static fg_err add_item(fg_xctx *x, fg_item *v, size_t *n, const char *s, size_t len, size_t li, size_t a,
                       size_t b)
{
    while (len && (s[len - 1] == '/' || s[len - 1] == '.'))
        len--;
    if (!len || *n >= FG_ITEMS_MAX || known(v, *n, s, len))
        return FG_OK;
    if (!(v[*n].value = strndup(s, len)))
        return fg_err_set(FG_ERR_NOMEM, "cannot copy a web or e-mail address");
    v[*n].at = fg_doc_where(&x->doc, li, a, b);
    (*n)++;
    return FG_OK;
}

/* URLs and e-mail addresses of one line; "info @ acme.com" as OCR splits it is joined again. */
static fg_err web_line(fg_xctx *x, size_t li)
{
    const fg_line *L = &x->doc.lines[li];
    const char *s = L->fold;
    size_t n = L->len, p = 0;
    char buf[FG_DOC_LINE_MAX + 1];
    fg_err e;

    while (p < n) {
        size_t a, b, tb, j = 0, at = 0, hl;
        bool has_at = false;

        while (p < n && s[p] == ' ')
            p++;
        a = p;
        while (p < n && s[p] != ' ')
            p++;
        b = p;
        /* OCR splits addresses around '@': "x@ y", "x @y", "x @ y" */
        if (b > a && s[b - 1] == '@' && p + 1 < n) {
            p++;
            while (p < n && s[p] != ' ')
                p++;
            b = p;
        } else if (p + 1 < n && s[p + 1] == '@') {
            size_t q = p + 2;

            if (q < n && s[q] == ' ')
                q++;
            while (q < n && s[q] != ' ')
                q++;
            b = p = q;
        }
        while (a < b && strchr("([<\"'*", s[a]))
            a++;
        tb = b;
        while (tb > a && strchr(")]>\"',;:!?.", s[tb - 1]))
            tb--;
        for (size_t i = a; i < tb; i++) {
            if (s[i] == ' ')
                continue;
            if (s[i] == '@') {
                if (has_at)
                    break;
                has_at = true;
                at = j;
            }
            buf[j++] = s[i];
        }
        buf[j] = '\0';
        if (!j)
            continue;
        if (has_at) {
            size_t local = at, k = 0;

            while (k < local && (fg_isalnum((unsigned char)buf[k]) || strchr("._%+-", buf[k])))
                k++;
            hl = host_len(buf + at + 1, j - at - 1, false);
            if (local && k == local && hl && at + 1 + hl == j &&
                (e = add_item(x, x->id->emails, &x->id->n_emails, buf, j, li, a, tb)))
                return e;
            continue;
        }
        {
            size_t off = 0, end;

            if (!strncmp(buf, "http://", 7))
                off = 7;
            else if (!strncmp(buf, "https://", 8))
                off = 8;
            hl = host_len(buf + off, j - off, !(off || !strncmp(buf, "www.", 4)));
            if (!hl)
                continue;
            end = off + hl;
            if (end < j && buf[end] == '/')
                while (end < j && !strchr("\"'<>()", buf[end]))
                    end++;
            else if (end < j)
                continue;   /* "acme.com's", "5.dec" …: not a clean address */
            if ((e = add_item(x, x->id->urls, &x->id->n_urls, buf + off, end - off, li, a, tb)))
                return e;
        }
    }
    return FG_OK;
}

/* Stop words that differ between the three languages. */
static const char *const sw_en[] = {"the", "and", "to", "of", "for", "you", "your", "is", "with", "our", "this",
                                    "are", "we", "please", "from", "will", "have", "that", "be", "by", "at",
                                    "or", "on", "any", "all", "if", "can", NULL};
static const char *const sw_fr[] = {"le", "la", "les", "des", "et", "pour", "vous", "votre", "vos", "du",
                                    "une", "est", "avec", "sur", "nous", "au", "aux", "par", "ne", "pas", "ce",
                                    "qui", "que", "dans", "notre", "nos", "sont", NULL};
static const char *const sw_de[] = {"der", "die", "das", "und", "fur", "sie", "ihre", "ihr", "mit", "von", "zu",
                                    "den", "dem", "ist", "wir", "auf", "ein", "eine", "nicht", "bei", "oder",
                                    "uns", "unser", "unsere", "bitte", "sind", "im", NULL};

static void language(fg_xctx *x)
{
    const char *s = x->doc.flat;
    size_t n = x->doc.len, p = 0, c[3] = {0, 0, 0}, best = 0, second;
    static const char *const codes[] = {"en", "fr", "de"};

    while (p < n) {
        size_t a;

        while (p < n && !fg_isalpha((unsigned char)s[p]))
            p++;
        a = p;
        while (p < n && fg_isalpha((unsigned char)s[p]))
            p++;
        if (p - a < 2 || p - a > 6)
            continue;
        c[0] += in_list(s + a, p - a, sw_en);
        c[1] += in_list(s + a, p - a, sw_fr);
        c[2] += in_list(s + a, p - a, sw_de);
    }
    for (int i = 1; i < 3; i++)
        if (c[i] > c[best])
            best = (size_t)i;
    second = 0;
    for (int i = 0; i < 3; i++)
        if ((size_t)i != best && c[i] > second)
            second = c[i];
    if (c[best] >= 3 && c[best] * 4 >= second * 5)
        memcpy(x->id->lang, codes[best], 3);
}

fg_err fg_extract(const fg_words *w, const char *country, fg_ident *out)
{
    fg_xctx *x;
    fg_err e;

    if (!w || !out)
        return fg_err_set(FG_ERR_INVAL, "fg_extract: no words or no output");
    memset(out, 0, sizeof *out);
    if (!(x = calloc(1, sizeof *x)))
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate the extraction state");
    x->id = out;
    if (country && strlen(country) == 2)
        memcpy(x->country, country, 3);
    if ((e = fg_doc_build(w, &x->doc)))
        goto fail;
    language(x);
    if (!strcmp(out->lang, "fr"))
        memcpy(x->alt_country, "FR", 3);
    else if (!strcmp(out->lang, "de"))
        memcpy(x->alt_country, "DE", 3);
    else if (!strcmp(x->country, "GB") || !strcmp(x->country, "UK"))
        memcpy(x->alt_country, "US", 3);   /* "615-555-0142" on a British site */
    else if (!strcmp(out->lang, "en") || (!out->lang[0] && fg_phone_cc(x->country) && !strcmp(fg_phone_cc(x->country), "1")))
        memcpy(x->alt_country, "GB", 3);   /* "0113 496 0554" on a US site: no NANP number starts with 0 */
    for (size_t li = 0; li < x->doc.n; li++)
        if ((e = web_line(x, li)))
            goto fail;
    if ((e = fg_phone_scan(x)) || (e = fg_faxheader_scan(x)) || (e = fg_optout_scan(x)) ||
        (e = fg_advertiser_scan(x)) || (e = fg_ticker_scan(x)) || (e = fg_senderid_scan(x)))
        goto fail;
    fg_doc_free(&x->doc);
    free(x);
    return FG_OK;
fail:
    fg_doc_free(&x->doc);
    free(x);
    fg_ident_clear(out);
    return e;
}
