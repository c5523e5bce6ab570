/* faxgate bench — a text file read whole (up to 1 MiB), for the OCR benchmarks' reference texts. */
#ifndef BENCH_SLURP_H
#define BENCH_SLURP_H

#include <stdio.h>
#include <stdlib.h>

/* The file's text, NUL-terminated (free it), or NULL if it cannot be opened or memory is short. */
static inline char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *s;
    size_t n;

    if (!f)
        return NULL;
    if (!(s = calloc(1, 1 << 20))) {
        fclose(f);
        return NULL;
    }
    n = fread(s, 1, (1 << 20) - 1, f);
    s[n] = '\0';
    fclose(f);
    return s;
}

#endif
