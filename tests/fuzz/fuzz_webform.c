/* faxgate — libFuzzer target: the web admin's form decoding (fg_form_parse) and HTML escaping
 * (fg_html_text, fg_html_query) on hostile bytes.
 *
 * Whatever a client posts, every decoded key and value must lie in the form's own buffer, and
 * written back as HTML text must be valid UTF-8 holding none of < > " ' and no & that does not
 * start one of our entities; as a query value, only unreserved bytes and %XX.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "webauth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_text(const char *s)
{
    fg_html h = {0};
    size_t n = 0;
    char *out;

    fg_html_text(&h, s);
    if (!(out = fg_html_take(&h, &n)))
        return;   /* out of memory: nothing was sent */
    for (size_t i = 0; i < n;) {
        size_t seq = fg_utf8_seq((const unsigned char *)out + i, n - i);

        if (!seq || strchr("<>\"'", out[i]) || (out[i] < 0x20 && out[i] != '\t' && out[i] != '\n' && out[i] >= 0))
            abort();
        if (out[i] == '&' && strncmp(out + i, "&amp;", 5) && strncmp(out + i, "&lt;", 4) &&
            strncmp(out + i, "&gt;", 4) && strncmp(out + i, "&quot;", 6) && strncmp(out + i, "&#39;", 5))
            abort();
        i += seq;
    }
    free(out);
    fg_html_query(&h, s);
    if ((out = fg_html_take(&h, &n))) {
        for (size_t i = 0; i < n; i++)
            if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~%", out[i]) ||
                (out[i] == '%' && (i + 2 >= n || !strchr("0123456789ABCDEF", out[i + 1]) ||
                                   !strchr("0123456789ABCDEF", out[i + 2]))))
                abort();
        free(out);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fg_form f;
    fg_err e = fg_form_parse((const char *)data, size, &f);

    if (e == FG_OK) {
        for (int i = 0; i < f.n; i++) {
            if (f.key[i] < f.buf || f.key[i] > f.buf + size || f.val[i] < f.buf || f.val[i] > f.buf + size)
                abort();
            check_text(f.key[i]);
            check_text(f.val[i]);
        }
        (void)fg_form_get(&f, "csrf");
    } else if (e != FG_ERR_FORMAT && e != FG_ERR_TOOBIG && e != FG_ERR_NOMEM) {
        abort();
    }
    fg_form_free(&f);
    return 0;
}
