/* faxgate — the words container shared by OCR and plain-text input. */
#include <stdlib.h>
#include <string.h>

#include "faxgate/ocr.h"

void fg_words_free(fg_words *w)
{
    if (!w)
        return;
    for (size_t i = 0; i < w->n; i++)
        free(w->v[i].text);
    free(w->v);
    free(w->text);
    free(w);
}

static int is_space(unsigned char c)
{
    /* NUL and other control bytes in hostile text separate words instead of ending the text. */
    return c <= ' ' || c == 0x7f;
}

fg_err fg_words_from_text(const char *text, size_t len, fg_words **out)
{
    fg_words *w = calloc(1, sizeof *w);
    size_t cap = 0, tlen = 0, i = 0;
    int line = 0, line_has_words = 0;

    if (!w || !(w->text = malloc(len + 1)))
        goto nomem;
    while (i < len) {
        unsigned char c = (unsigned char)text[i];
        size_t start, n;
        fg_word *word;

        if (c == '\n') {
            if (line_has_words) {
                w->text[tlen++] = '\n';
                line++;
                line_has_words = 0;
            }
            i++;
            continue;
        }
        if (is_space(c)) {
            i++;
            continue;
        }
        start = i;
        while (i < len && !is_space((unsigned char)text[i]))
            i++;
        n = i - start;
        if (w->n >= FG_WORDS_MAX) {
            w->truncated = 1;
            break;
        }
        if (n > FG_WORD_MAX_LEN) {
            n = FG_WORD_MAX_LEN;
            w->truncated = 1;
        }
        if (w->n == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            fg_word *nv = realloc(w->v, ncap * sizeof *nv);

            if (!nv)
                goto nomem;
            w->v = nv;
            cap = ncap;
        }
        word = &w->v[w->n];
        memset(word, 0, sizeof *word);
        if (!(word->text = malloc(n + 1)))
            goto nomem;
        memcpy(word->text, text + start, n);
        word->text[n] = '\0';
        word->conf = 100.0f;
        word->line = line;
        w->n++;
        if (line_has_words)
            w->text[tlen++] = ' ';
        memcpy(w->text + tlen, word->text, n);
        tlen += n;
        line_has_words = 1;
    }
    while (tlen && w->text[tlen - 1] == '\n')
        tlen--;
    w->text[tlen] = '\0';
    *out = w;
    return FG_OK;
nomem:
    fg_words_free(w);
    return fg_err_set(FG_ERR_NOMEM, "cannot allocate words for %zu bytes of text", len);
}
