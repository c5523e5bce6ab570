/* faxgate — HTML text with escaping in one place (html.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"

static void add(fg_html *h, const char *s, size_t n)
{
    if (h->failed || !n)
        return;
    if (h->len + n + 1 > h->cap) {
        size_t cap = h->cap ? h->cap : 1024;
        char *p;

        while (cap < h->len + n + 1)
            cap *= 2;
        if (!(p = realloc(h->s, cap))) {
            h->failed = true;
            return;
        }
        h->s = p;
        h->cap = cap;
    }
    memcpy(h->s + h->len, s, n);
    h->len += n;
    h->s[h->len] = '\0';
}

void fg_html_raw(fg_html *h, const char *markup)
{
    if (markup)
        add(h, markup, strlen(markup));
}

void fg_html_int(fg_html *h, long long n)
{
    char buf[24];

    add(h, buf, (size_t)snprintf(buf, sizeof buf, "%lld", n));
}

size_t fg_utf8_seq(const unsigned char *s, size_t avail)
{
    unsigned c = s[0];
    size_t n;
    unsigned cp;

    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        n = 2, cp = c & 0x1f;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3, cp = c & 0x0f;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4, cp = c & 0x07;
    else
        return 0;   /* a continuation byte, an overlong lead (c0, c1) or beyond U+10FFFF */
    if (avail < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;
    return n;
}

void fg_html_textn(fg_html *h, const char *text, size_t n)
{
    const unsigned char *p = (const unsigned char *)text, *end = p + n, *run = p;

    if (!text)
        return;
    /* copies runs of harmless bytes at once; stops at each byte that needs an entity */
    while (p < end) {
        const char *ent = NULL;
        size_t seq = 1;

        switch (*p) {
        case '&': ent = "&amp;"; break;
        case '<': ent = "&lt;"; break;
        case '>': ent = "&gt;"; break;
        case '"': ent = "&quot;"; break;
        case '\'': ent = "&#39;"; break;
        case '\t':
        case '\n': break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                ent = "\xef\xbf\xbd";   /* a control character: U+FFFD */
            else if (*p >= 0x80 && !(seq = fg_utf8_seq(p, (size_t)(end - p)))) {
                ent = "\xef\xbf\xbd";   /* not UTF-8: U+FFFD, one per bad byte */
                seq = 1;
            }
        }
        if (ent) {
            add(h, (const char *)run, (size_t)(p - run));
            add(h, ent, strlen(ent));
            p += seq;
            run = p;
        } else {
            p += seq;
        }
    }
    add(h, (const char *)run, (size_t)(p - run));
}

void fg_html_text(fg_html *h, const char *text)
{
    if (text)
        fg_html_textn(h, text, strlen(text));
}

void fg_html_query(fg_html *h, const char *value)
{
    static const char hex[] = "0123456789ABCDEF";

    for (const unsigned char *p = (const unsigned char *)value; p && *p; p++) {
        char enc[3] = {'%', hex[*p >> 4], hex[*p & 15]};

        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr("-_.~", *p))
            add(h, (const char *)p, 1);
        else
            add(h, enc, 3);
    }
}

char *fg_html_take(fg_html *h, size_t *len)
{
    char *s = h->failed ? NULL : h->s;

    if (!s && !h->failed)
        s = calloc(1, 1);
    if (len)
        *len = s ? h->len : 0;
    if (h->failed)
        free(h->s);
    *h = (fg_html){0};
    return s;
}

void fg_html_free(fg_html *h)
{
    free(h->s);
    *h = (fg_html){0};
}
