/* faxgated — where the extracted items were found, shown on a call's page: boxes over the image of
   page 1 (an inline SVG: its presentation attributes are not inline style, so the CSP that forbids
   inline script and style still holds) and marks in the text OCR read. Both come from the call's
   identities (advertiser, opt-out and broadcaster items with their box and raw text). Every
   string is the fax's, hostile: it goes through the one escaper. */
#include <stdlib.h>
#include <string.h>

#include "web.h"

/* "advertiser", "optout", "broadcaster" → the CSS class of its marks; anything else: none */
static const char *mark_class(const char *role)
{
    if (!role)
        return NULL;
    if (!strcmp(role, "advertiser"))
        return "m-adv";
    if (!strcmp(role, "optout"))
        return "m-opt";
    if (!strcmp(role, "broadcaster"))
        return "m-bc";
    return NULL;
}

static const char *jstr(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

void web_marks_legend(fg_html *h)
{
    fg_html_raw(h, "<p class=\"note\">Marked where they were found: <span class=\"m-adv\">advertiser (who "
                   "sells)</span> <span class=\"m-opt\">opt-out</span> <span class=\"m-bc\">broadcaster (who "
                   "sent it)</span></p>");
}

void web_page_marks(fg_html *h, json_t *identities, long long width, long long height)
{
    size_t i;
    json_t *it;

    if (width <= 0 || height <= 0)
        return;
    fg_html_raw(h, "<svg class=\"marks\" viewBox=\"0 0 ");
    fg_html_int(h, width);
    fg_html_raw(h, " ");
    fg_html_int(h, height);
    fg_html_raw(h, "\" preserveAspectRatio=\"none\" aria-hidden=\"true\">");
    json_array_foreach(identities, i, it) {
        json_t *box = json_object_get(it, "box");
        const char *cls = mark_class(jstr(it, "role"));
        long long x0, y0, x1, y1;

        if (!cls || json_array_size(box) != 4)
            continue;
        x0 = json_integer_value(json_array_get(box, 0));
        y0 = json_integer_value(json_array_get(box, 1));
        x1 = json_integer_value(json_array_get(box, 2));
        y1 = json_integer_value(json_array_get(box, 3));
        if (x1 <= x0 || y1 <= y0 || x0 < 0 || y0 < 0 || x1 > width || y1 > height)
            continue;   /* a box outside the page is a wrong record, not something to draw */
        fg_html_raw(h, "<rect class=\"");
        fg_html_raw(h, cls);
        fg_html_raw(h, "\" x=\"");
        fg_html_int(h, x0 - 4);
        fg_html_raw(h, "\" y=\"");
        fg_html_int(h, y0 - 4);
        fg_html_raw(h, "\" width=\"");
        fg_html_int(h, x1 - x0 + 8);
        fg_html_raw(h, "\" height=\"");
        fg_html_int(h, y1 - y0 + 8);
        fg_html_raw(h, "\"><title>");
        fg_html_text(h, jstr(it, "role"));
        fg_html_raw(h, " ");
        fg_html_text(h, jstr(it, "kind"));
        fg_html_raw(h, ": ");
        fg_html_text(h, jstr(it, "value"));
        fg_html_raw(h, "</title></rect>");
    }
    fg_html_raw(h, "</svg>");
}

typedef struct span {
    size_t a, b;
    const char *cls;
    json_t *it;
} span;

static int by_start(const void *x, const void *y)
{
    const span *p = x, *q = y;

    return p->a < q->a ? -1 : p->a > q->a ? 1 : (p->b > q->b) - (p->b < q->b);
}

void web_text_marks(fg_html *h, const char *text, json_t *identities)
{
    size_t n = json_array_size(identities), k = 0, at = 0, len = text ? strlen(text) : 0;
    span *v = n ? calloc(n, sizeof *v) : NULL;
    json_t *it;
    size_t i;

    if (!text)
        return;
    json_array_foreach(identities, i, it) {
        const char *cls = mark_class(jstr(it, "role"));
        const char *s = jstr(it, "raw") ? jstr(it, "raw") : jstr(it, "value");
        const char *f;

        /* the text as OCR read it: an item is marked where its own letters are (a number as
           printed, a name or address as found); short ones would mark every chance match */
        if (!v || !cls || !s || strlen(s) < 4 || !(f = strstr(text, s)))
            continue;
        v[k++] = (span){(size_t)(f - text), (size_t)(f - text) + strlen(s), cls, it};
    }
    qsort(v, k, sizeof *v, by_start);
    for (i = 0; i < k; i++) {
        if (v[i].a < at)
            continue;   /* overlaps one already marked */
        fg_html_textn(h, text + at, v[i].a - at);
        fg_html_raw(h, "<mark class=\"");
        fg_html_raw(h, v[i].cls);
        fg_html_raw(h, "\" title=\"");
        fg_html_text(h, jstr(v[i].it, "role"));
        fg_html_raw(h, " ");
        fg_html_text(h, jstr(v[i].it, "kind"));
        fg_html_raw(h, "\">");
        fg_html_textn(h, text + v[i].a, v[i].b - v[i].a);
        fg_html_raw(h, "</mark>");
        at = v[i].b;
    }
    fg_html_textn(h, text + at, len - at);
    free(v);
}
