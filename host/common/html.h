/* faxgate — the one place HTML is written: every string that reaches a page goes through
   fg_html_text (or fg_html_query inside a link), because what a fax carries (OCR text, names,
   URLs, TSI, caller ID) was written by a stranger. Markup itself only comes from string
   literals in the program (fg_html_raw) and numbers (fg_html_int). */
#ifndef FAXGATE_HTML_H
#define FAXGATE_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct fg_html {
    char *s;
    size_t len, cap;
    bool failed;    /* an allocation failed: the text is incomplete and must not be sent */
} fg_html;

/** Appends markup the program wrote itself (a string literal); never text from outside. */
void fg_html_raw(fg_html *h, const char *markup);

/** Appends a whole number. */
void fg_html_int(fg_html *h, long long n);

/** Appends text escaped for an element's content or a double-quoted attribute: & < > " ' as
    entities, invalid UTF-8 and control characters (but tab and newline) as U+FFFD. NULL: nothing. */
void fg_html_text(fg_html *h, const char *text);

/** Same for the first n bytes of text. */
void fg_html_textn(fg_html *h, const char *text, size_t n);

/** Appends a value percent-encoded for a URL's query string (all but A-Z a-z 0-9 - _ . ~),
    which is also safe inside a double-quoted attribute. */
void fg_html_query(fg_html *h, const char *value);

/** Hands over the text (caller frees) and resets h; NULL if an allocation failed. */
char *fg_html_take(fg_html *h, size_t *len);

/** Frees what h holds; h may be reused. */
void fg_html_free(fg_html *h);

/** Length of the valid UTF-8 sequence at s (1 to 4), or 0 if the bytes there are not one
    (overlong forms, surrogates and code points above U+10FFFF are not valid). */
size_t fg_utf8_seq(const unsigned char *s, size_t avail);

#endif
