/* faxgate host — page furniture (header line, stripes, logo) and the drawing turned into fax bits. */
#include <cairo.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render_impl.h"

#define XRES FG_RP_XRES
#define WIDTH FG_RP_WIDTH
#define HEADER_PT FG_RP_HEADER_PT
#define LOGO_W_MM FG_RP_LOGO_W_MM
#define LOGO_H_MM FG_RP_LOGO_H_MM

/* ---- page furniture: header, stripes, logo ---- */

void fg_rp_header(cairo_t *cr, const char *family, const char *header, double ky)
{
    cairo_font_extents_t fe;
    bool vis;
    size_t n;
    /* A header longer than the page is wide would not show anyway; the cut is byte-wise, which
       fg_rp_clean_text() then repairs. */
    char *h = fg_rp_clean_text(header, strnlen(header, 400), &n, &vis);

    if (!h)
        return;
    for (char *p = h; *p; p++)
        if (*p == '\n')
            *p = ' ';
    cairo_save(cr);
    cairo_identity_matrix(cr);
    cairo_scale(cr, 1, ky);
    cairo_select_font_face(cr, family, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, HEADER_PT * XRES / 72.0);
    cairo_font_extents(cr, &fe);
    /* The sending machine adds this line digitally: it never skews with the paper. */
    cairo_move_to(cr, fg_rp_mm_px(4), fg_rp_mm_px(1.5) + fe.ascent);
    cairo_show_text(cr, h);
    cairo_restore(cr);
    free(h);
}

void fg_rp_stripes(cairo_t *cr, double page_h)
{
    /* Below the fax header's strip, as a letterhead's band would be. */
    double x0 = fg_rp_mm_px(3), y0 = fg_rp_mm_px(8), w = fg_rp_mm_px(6), pitch = fg_rp_mm_px(3);

    cairo_save(cr);
    cairo_rectangle(cr, x0, y0, w, page_h - y0);
    cairo_clip(cr);
    cairo_set_line_width(cr, fg_rp_mm_px(1.2));
    for (double y = y0 - w; y < page_h + w; y += pitch) {
        cairo_move_to(cr, x0, y + w);
        cairo_line_to(cr, x0 + w, y);
    }
    cairo_stroke(cr);
    cairo_restore(cr);
}

/* The grey of the logo goes to a separate surface that is dithered rather than thresholded. */
void fg_rp_logo(cairo_t *line, cairo_t *tone, double x, double y)
{
    double w = fg_rp_mm_px(LOGO_W_MM), h = fg_rp_mm_px(LOGO_H_MM);
    cairo_pattern_t *g = cairo_pattern_create_radial(x + w * 0.3, y + h * 0.4, 0, x + w * 0.3, y + h * 0.4,
                                                     w * 0.8);

    cairo_pattern_add_color_stop_rgba(g, 0, 0, 0, 0, 0.85);
    cairo_pattern_add_color_stop_rgba(g, 1, 0, 0, 0, 0.1);
    cairo_rectangle(tone, x, y, w, h);
    cairo_set_source(tone, g);
    cairo_fill(tone);
    cairo_pattern_destroy(g);
    cairo_set_line_width(line, fg_rp_mm_px(0.6));
    cairo_rectangle(line, x, y, w, h);
    cairo_stroke(line);
}

/* ---- bitmap ---- */

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static void set_px(fg_page *p, int x, int y, bool black)
{
    uint8_t *b, m;

    if (x < 0 || y < 0 || x >= p->width || y >= p->height)
        return;
    b = p->bits + (size_t)y * (size_t)p->stride + (size_t)(x >> 3);
    m = (uint8_t)(0x80 >> (x & 7));
    *b = black ? (uint8_t)(*b | m) : (uint8_t)(*b & ~m);
}

/* Speckles as a noisy line leaves them: mostly black dots of 1 to 5 pixels, some white drop-outs. */
void fg_rp_noise(fg_page *p, double per_cm2, uint64_t seed, double area_cm2)
{
    uint64_t st = seed ^ 0x6661786761746521ull;
    long n = lround(per_cm2 * area_cm2);

    for (long i = 0; i < n; i++) {
        uint64_t r = splitmix64(&st);
        int x = (int)((r & 0xFFFFFFFFu) % (uint32_t)p->width);
        int y = (int)((r >> 32) % (uint32_t)p->height);
        uint64_t r2 = splitmix64(&st);
        bool black = (r2 & 3) != 0;
        int shape = (int)((r2 >> 2) % 4);

        set_px(p, x, y, black);
        if (shape >= 1)
            set_px(p, x + 1, y, black);
        if (shape >= 2) {
            set_px(p, x, y + 1, black);
            set_px(p, x + 1, y + 1, black);
        }
        if (shape == 3) {
            set_px(p, x - 1, y, black);
            set_px(p, x, y - 1, black);
        }
    }
}

static const uint8_t bayer8[8][8] = {
    {0, 32, 8, 40, 2, 34, 10, 42},  {48, 16, 56, 24, 50, 18, 58, 26}, {12, 44, 4, 36, 14, 46, 6, 38},
    {60, 28, 52, 20, 62, 30, 54, 22}, {3, 35, 11, 43, 1, 33, 9, 41},  {51, 19, 59, 27, 49, 17, 57, 25},
    {15, 47, 7, 39, 13, 45, 5, 37}, {63, 31, 55, 23, 61, 29, 53, 21},
};

void fg_rp_to_bits(cairo_surface_t *line, cairo_surface_t *tone, int threshold, fg_page *p)
{
    const unsigned char *a = cairo_image_surface_get_data(line);
    const unsigned char *t = tone ? cairo_image_surface_get_data(tone) : NULL;
    int stride = cairo_image_surface_get_stride(line);

    for (int y = 0; y < p->height; y++) {
        uint8_t *row = p->bits + (size_t)y * (size_t)p->stride;
        const unsigned char *ar = a + (size_t)y * (size_t)stride;
        const unsigned char *tr = t ? t + (size_t)y * (size_t)stride : NULL;

        for (int x = 0; x < p->width; x++) {
            bool black = ar[x] >= threshold || (tr && tr[x] * 64 > (bayer8[y & 7][x & 7] * 2 + 1) * 128);

            if (black)
                row[x >> 3] |= (uint8_t)(0x80 >> (x & 7));
        }
    }
}

