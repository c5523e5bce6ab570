/* tests/bench — what the OCR benchmarks share: the words of a text, for recall against its source.
   Included by each program (they are built one file each by their scripts). */
#ifndef BENCH_WORDS_H
#define BENCH_WORDS_H

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Lower-case ASCII letters and digits and UTF-8 bytes kept; everything else separates words. */
static size_t norm_words(const char *s, char ***out)
{
    size_t n = 0, cap = 0;
    char **v = NULL;

    while (*s) {
        char w[256];
        size_t k = 0;

        while (*s && !(isalnum((unsigned char)*s) || (unsigned char)*s >= 0x80))
            s++;
        while (*s && (isalnum((unsigned char)*s) || (unsigned char)*s >= 0x80)) {
            if (k + 1 < sizeof w)
                w[k++] = (char)tolower((unsigned char)*s);
            s++;
        }
        if (!k)
            continue;
        w[k] = '\0';
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            v = realloc(v, cap * sizeof *v);
        }
        v[n++] = strdup(w);
    }
    *out = v;
    return n;
}

#endif
