/* faxgate host — internals shared by the renderer's files (render.c lays out text, render_page.c
 * draws the page furniture and turns the drawing into fax bits). */
#ifndef FAXGATE_RENDER_IMPL_H
#define FAXGATE_RENDER_IMPL_H

#include <cairo.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "render.h"

#define FG_RP_XRES 204
#define FG_RP_WIDTH 1728
#define FG_RP_HEADER_PT 8.5
#define FG_RP_LOGO_W_MM 50.0
#define FG_RP_LOGO_H_MM 20.0

/** Pixels (at 204 dpi) for a length in millimetres. */
double fg_rp_mm_px(double mm);

/** Valid UTF-8 without control characters, tabs expanded (caller frees); *visible says whether
    anything would show. Hostile bytes must never reach cairo, which stops drawing at invalid UTF-8. */
char *fg_rp_clean_text(const char *text, size_t len, size_t *out_len, bool *visible);

/** Draws the sending machine's header line at the top of the page (ky scales vertically). */
void fg_rp_header(cairo_t *cr, const char *family, const char *header, double ky);

/** Draws diagonal stripes down the left margin, as some scanners and cover sheets leave. */
void fg_rp_stripes(cairo_t *cr, double page_h);

/** Draws a logo box at (x, y): its outline on the line surface, its grey on the tone surface. */
void fg_rp_logo(cairo_t *line, cairo_t *tone, double x, double y);

/** Adds reproducible speckles (per cm², seeded) to a page of the given area. */
void fg_rp_noise(fg_page *p, double per_cm2, uint64_t seed, double area_cm2);

/** Thresholds the line drawing and dithers the tone drawing into the page's bits. */
void fg_rp_to_bits(cairo_surface_t *line, cairo_surface_t *tone, int threshold, fg_page *p);

#endif
