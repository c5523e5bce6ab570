/* faxgate — where page 1's bands are cut, and which band keeps a word (see faxgate/bands.h).
 *
 * Pure functions of rows and words, used by ocr_bands.c while a page arrives and by the tests.
 */
#include <stdlib.h>
#include <string.h>

#include "faxgate/bands.h"

fg_band_geom fg_band_geom_for(int yres)
{
    fg_band_geom g;

    if (yres <= 0)
        yres = 196;
    g.step = (yres + 1) / 2;
    g.window = (yres + 2) / 5;
    g.overlap = (yres * 3 + 5) / 10;
    return g;
}

int fg_band_find_cut(const uint8_t *white, int have, int from, const fg_band_geom *g)
{
    int target = from + g->step, lo = target - g->window, hi = target + g->window;
    int best = -1, best_len = 0, best_dist = 0;

    if (lo <= from)
        lo = from + 1;
    if (have < hi + g->overlap + 1)
        return -1;
    for (int y = lo; y <= hi;) {
        int a = y, len, mid, dist;

        if (!white[y]) {
            y++;
            continue;
        }
        while (y <= hi && white[y])
            y++;
        len = y - a;
        mid = a + len / 2;
        dist = mid > target ? mid - target : target - mid;
        if (len > best_len || (len == best_len && dist < best_dist)) {
            best = mid;
            best_len = len;
            best_dist = dist;
        }
    }
    return best >= 0 ? best : target;
}

/* ---- words ---- */

fg_err fg_words_take_owned(fg_words *dst, const fg_words *src, int y_off, int own0, int own1)
{
    int line = dst->n ? dst->v[dst->n - 1].line : -1, block = dst->n ? dst->v[dst->n - 1].block : -1;
    int prev_line = -1, prev_block = -1;
    fg_word *v;

    if (!src || !src->n)
        return FG_OK;
    if (dst->n + src->n > FG_WORDS_MAX) {
        dst->truncated = 1;
        return FG_OK;
    }
    if (!(v = realloc(dst->v, (dst->n + src->n) * sizeof *v)))
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate the words of a band");
    dst->v = v;
    for (size_t i = 0; i < src->n; i++) {
        const fg_word *s = &src->v[i];
        int centre = y_off + (s->y0 + s->y1) / 2;
        fg_word *d;

        if (centre < own0 || centre >= own1)
            continue;   /* the band above or below keeps it */
        d = &dst->v[dst->n];
        *d = *s;
        if (!(d->text = strdup(s->text)))
            return fg_err_set(FG_ERR_NOMEM, "cannot allocate the words of a band");
        d->y0 += y_off;
        d->y1 += y_off;
        if (s->block != prev_block)
            block++;
        if (s->line != prev_line || s->block != prev_block)
            line++;
        prev_line = s->line;
        prev_block = s->block;
        d->line = line;
        d->block = block;
        dst->n++;
    }
    dst->truncated |= src->truncated;
    return FG_OK;
}

fg_err fg_words_finish_bands(fg_words *dst)
{
    size_t len = 1, o = 0;
    char *t;

    for (size_t i = 0; i < dst->n; i++)
        len += strlen(dst->v[i].text) + 1;
    if (!(t = malloc(len)))
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate the text of a page");
    for (size_t i = 0; i < dst->n; i++) {
        size_t l = strlen(dst->v[i].text);

        if (i)
            t[o++] = dst->v[i].line != dst->v[i - 1].line ? '\n' : ' ';
        memcpy(t + o, dst->v[i].text, l);
        o += l;
    }
    t[o] = '\0';
    free(dst->text);
    dst->text = t;
    return FG_OK;
}
