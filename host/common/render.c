/* faxgate host — text to a bilevel fax page with cairo (markup and options in render.h). */
#include <cairo.h>
#include <cairo-ft.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "render_impl.h"

#define XRES FG_RP_XRES
#define WIDTH FG_RP_WIDTH
#define BOTTOM_MM 10.0
#define LOGO_H_MM FG_RP_LOGO_H_MM
/* A word longer than this cannot fit on a 1728-pixel line at any allowed size: not worth measuring. */
#define LONG_SEGMENT 2048

double fg_rp_mm_px(double mm)
{
    return mm * XRES / 25.4;
}

void fg_render_opts_init(fg_render_opts *o)
{
    memset(o, 0, sizeof *o);
    o->font = "DejaVu Sans";
    o->size_pt = 11;
    o->yres = 196;
    o->paper = FG_PAPER_A4;
    o->margin_left_mm = 20;
    o->margin_top_mm = 15;
    o->align = FG_ALIGN_LEFT;
    o->wrap = true;
    /* A little darker than mid-grey, as fax scanners are set: thin strokes survive 98 lpi. */
    o->threshold = 112;
}

int fg_render_page_height(fg_render_paper paper, int yres)
{
    double inches = paper == FG_PAPER_LETTER ? 11.0 : 297.0 / 25.4;

    return (int)lround(inches * yres);
}

/* ---- text cleaning: hostile bytes must never reach cairo, which stops drawing at invalid UTF-8 ---- */

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if it is invalid or truncated. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF;

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;   /* UTF-16 surrogates are not characters */
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else
        return 0;
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return len;
}

/* Valid UTF-8 without control characters, tabs expanded; *visible says whether anything would show. */
char *fg_rp_clean_text(const char *text, size_t len, size_t *out_len, bool *visible)
{
    const unsigned char *s = (const unsigned char *)text;
    char *out = malloc(len * 8 + 1);
    size_t o = 0, col = 0, i = 0;

    *visible = false;
    if (!out)
        return NULL;
    if (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
        i = 3;   /* byte order mark */
    while (i < len) {
        size_t q = utf8_seq(s + i, len - i);

        if (s[i] == '\n') {
            out[o++] = '\n';
            col = 0;
            i++;
        } else if (s[i] == '\t') {
            do
                out[o++] = ' ';
            while (++col % 8);
            i++;
        } else if (q == 0) {
            out[o++] = '?';
            *visible = true;
            col++;
            i++;
        } else if (s[i] < 0x20 || s[i] == 0x7f || (q == 2 && s[i] == 0xC2 && s[i + 1] < 0xA0)) {
            i += q;   /* C0 and C1 controls, '\r' included */
        } else {
            if (s[i] != ' ' && !(q == 2 && s[i] == 0xC2 && s[i + 1] == 0xA0))
                *visible = true;
            memcpy(out + o, s + i, q);
            o += q;
            i += q;
            col++;
        }
    }
    out[o] = '\0';
    *out_len = o;
    return out;
}

/* ---- fonts ---- */

static bool generic_family(const char *f)
{
    static const char *const g[] = {"sans", "sans-serif", "serif", "monospace", "mono", "cursive",
                                    "fantasy", "system-ui"};

    for (size_t i = 0; i < sizeof g / sizeof g[0]; i++)
        if (!strcasecmp(f, g[i]))
            return true;
    return false;
}

static void set_font_options(cairo_font_options_t *fo)
{
    /* Unhinted outlines with unhinted metrics: the page is scaled unequally in x and y at 98 lpi,
       and hinting for a square grid would distort the glyphs and their spacing. */
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
}

fg_err fg_render_font_match(const char *family, bool bold, char *actual, size_t cap, bool *exact)
{
    cairo_font_face_t *face;
    cairo_scaled_font_t *sf;
    cairo_matrix_t m;
    cairo_font_options_t *fo;
    fg_err e = FG_OK;

    if (!family || !*family || !actual || cap == 0)
        return fg_err_set(FG_ERR_INVAL, "font match needs a family name and a buffer");
    face = cairo_toy_font_face_create(family, CAIRO_FONT_SLANT_NORMAL,
                                      bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_matrix_init_identity(&m);   /* the size does not change which family is chosen */
    fo = cairo_font_options_create();
    set_font_options(fo);
    sf = cairo_scaled_font_create(face, &m, &m, fo);
    actual[0] = '\0';
    /* fontconfig answers every request with some font; only the FreeType face says which family. */
    if (cairo_scaled_font_status(sf) || cairo_scaled_font_get_type(sf) != CAIRO_FONT_TYPE_FT) {
        e = fg_err_set(FG_ERR_UNSUPPORTED, "font '%s': cairo has no FreeType font for it (%s)", family,
                       cairo_status_to_string(cairo_scaled_font_status(sf)));
    } else {
        FT_Face ft = cairo_ft_scaled_font_lock_face(sf);

        if (ft && ft->family_name)
            snprintf(actual, cap, "%s", ft->family_name);
        if (ft)
            cairo_ft_scaled_font_unlock_face(sf);
        if (!actual[0])
            e = fg_err_set(FG_ERR_UNSUPPORTED, "font '%s': fontconfig found no usable font", family);
    }
    if (exact)
        *exact = !e && (generic_family(family) || !strcasecmp(family, actual));
    cairo_scaled_font_destroy(sf);
    cairo_font_options_destroy(fo);
    cairo_font_face_destroy(face);
    return e;
}

/* ---- layout ---- */

typedef struct line_style {
    double scale;          /* of the body size */
    bool bold;
    bool styled;           /* a heading or bold prefix was given */
    bool rule;
    fg_render_align align;
} line_style;

typedef struct layout {
    cairo_t *cr;
    cairo_font_face_t *regular, *bold;
    double size_px;        /* body size in user units (1/204 in) */
    double left, right, y, bottom;
    bool wrap, full;
    int lines, cut;
    char *scratch;         /* NUL-terminated copies for cairo, as long as the cleaned text */
} layout;

static size_t parse_markup(const char *s, size_t n, fg_render_align dflt, line_style *ls)
{
    size_t i = 0, k;

    ls->scale = 1;
    ls->bold = ls->styled = ls->rule = false;
    ls->align = dflt;
    if (n && s[0] == '\\')
        return 1;
    for (k = n; k && s[k - 1] == ' '; k--)
        ;
    if (k == 3 && !memcmp(s, "---", 3)) {
        ls->rule = true;
        return n;
    }
    if (n >= 2 && s[1] == ' ' && (s[0] == '>' || s[0] == '^')) {
        ls->align = s[0] == '>' ? FG_ALIGN_RIGHT : FG_ALIGN_CENTER;
        i = 2;
    }
    if (n - i >= 3 && !memcmp(s + i, "## ", 3)) {
        ls->scale = 1.4;
        ls->bold = ls->styled = true;
        i += 3;
    } else if (n - i >= 2 && !memcmp(s + i, "# ", 2)) {
        ls->scale = 2.0;
        ls->bold = ls->styled = true;
        i += 2;
    } else if (n - i >= 2 && !memcmp(s + i, "! ", 2)) {
        ls->bold = ls->styled = true;
        i += 2;
    }
    return i;
}

static void use_style(layout *L, const line_style *ls)
{
    cairo_set_font_face(L->cr, ls->bold ? L->bold : L->regular);
    cairo_set_font_size(L->cr, L->size_px * ls->scale);
}

static const char *cstr(layout *L, const char *s, size_t n)
{
    memcpy(L->scratch, s, n);
    L->scratch[n] = '\0';
    return L->scratch;
}

static double advance(layout *L, const char *s, size_t n)
{
    cairo_text_extents_t te;

    if (n > LONG_SEGMENT)
        return INFINITY;
    cairo_text_extents(L->cr, cstr(L, s, n), &te);
    return te.x_advance;
}

/* Draws one visual line; false (and the page counts as full) when it does not fit. */
static bool emit(layout *L, const char *s, size_t n, const line_style *ls)
{
    cairo_font_extents_t fe;
    double x, w;

    cairo_font_extents(L->cr, &fe);
    if (L->full || L->y + fe.ascent + fe.descent > L->bottom) {
        L->full = true;
        L->cut++;
        return false;
    }
    while (n && s[n - 1] == ' ')
        n--;
    if (n > LONG_SEGMENT) {   /* unwrapped hostile line: what is past the edge would not show anyway */
        n = LONG_SEGMENT;
        while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    if (n) {
        w = advance(L, s, n);
        x = ls->align == FG_ALIGN_RIGHT    ? L->right - w
            : ls->align == FG_ALIGN_CENTER ? L->left + (L->right - L->left - w) / 2
                                           : L->left;
        cairo_move_to(L->cr, x, L->y + fe.ascent);
        cairo_show_text(L->cr, cstr(L, s, n));
    }
    L->y += fe.height;
    L->lines++;
    return true;
}

/* End of the longest prefix of s[start, end) that fits in width (at least one character). */
static size_t fit_chars(layout *L, const char *s, size_t start, size_t end, double width)
{
    size_t best = start, i = start;

    while (i < end) {
        size_t j = i + 1;

        while (j < end && ((unsigned char)s[j] & 0xC0) == 0x80)
            j++;
        if (best > start && advance(L, s + start, j - start) > width)
            break;
        best = i = j;
    }
    return best;
}

/* One input line: wrapped at the right margin, or cut there when wrapping is off. */
static void put_para(layout *L, const char *s, size_t n, const line_style *ls)
{
    double avail = L->right - L->left;
    size_t pos = 0;
    bool first = true;

    use_style(L, ls);
    if (!L->wrap) {
        emit(L, s, n, ls);
        return;
    }
    for (;;) {
        size_t start = pos, end, best;
        double w = 0;

        if (!first)
            while (start < n && s[start] == ' ')
                start++;
        if (start >= n && !first)
            return;
        end = best = start;
        while (end < n) {
            size_t seg = end;
            double sw;

            while (seg < n && s[seg] == ' ')
                seg++;
            while (seg < n && s[seg] != ' ')
                seg++;
            sw = advance(L, s + end, seg - end);
            if (w + sw > avail) {
                if (best == start)   /* a word wider than the line: break it between characters */
                    best = fit_chars(L, s, start, seg, avail);
                break;
            }
            w += sw;
            end = best = seg;
        }
        if (!emit(L, s + start, best - start, ls))
            return;
        pos = best;
        first = false;
    }
}

static void put_rule(layout *L)
{
    cairo_font_extents_t fe;
    line_style ls = {1, false, false, true, FG_ALIGN_LEFT};

    use_style(L, &ls);
    cairo_font_extents(L->cr, &fe);
    if (L->full || L->y + fe.height > L->bottom) {
        L->full = true;
        L->cut++;
        return;
    }
    cairo_rectangle(L->cr, L->left, L->y + fe.height / 2 - fg_rp_mm_px(0.25), L->right - L->left, fg_rp_mm_px(0.5));
    cairo_fill(L->cr);
    L->y += fe.height;
    L->lines++;
}

static void put_body(layout *L, const char *t, size_t n, const fg_render_opts *o)
{
    bool title_pending = o->title;
    size_t pos = 0;

    while (pos < n) {
        const char *nl = memchr(t + pos, '\n', n - pos);
        size_t len = nl ? (size_t)(nl - (t + pos)) : n - pos, k;
        const char *s = t + pos;
        line_style ls;

        pos += len + 1;
        for (k = 0; k < len && s[k] == ' '; k++)
            ;
        if (k == len) {   /* blank line: one body line of space */
            line_style body = {1, false, false, false, o->align};

            if (!L->full) {
                use_style(L, &body);
                emit(L, "", 0, &body);
            }
            continue;
        }
        if (L->full) {
            L->cut++;
            continue;
        }
        k = parse_markup(s, len, o->align, &ls);
        if (ls.rule) {
            put_rule(L);
            title_pending = false;
            continue;
        }
        if (title_pending && !ls.styled) {
            ls.scale = 2.0;
            ls.bold = true;
        }
        title_pending = false;
        put_para(L, s + k, len - k, &ls);
    }
}

/* ---- the page ---- */

static fg_err check_opts(const fg_render_opts *o)
{
    if (o->yres != 98 && o->yres != 196)
        return fg_err_set(FG_ERR_INVAL, "render: resolution must be 98 (standard) or 196 (fine) lpi, not %d",
                          o->yres);
    if (!(o->size_pt >= 4 && o->size_pt <= 72))
        return fg_err_set(FG_ERR_INVAL, "render: font size %.1f pt is outside 4..72", o->size_pt);
    if (!(o->margin_left_mm >= 0 && o->margin_left_mm <= 80) || !(o->margin_top_mm >= 0 && o->margin_top_mm <= 120))
        return fg_err_set(FG_ERR_INVAL, "render: margins must be 0..80 mm (left) and 0..120 mm (top)");
    if (!(o->skew_deg >= -45 && o->skew_deg <= 45))
        return fg_err_set(FG_ERR_INVAL, "render: skew %.1f degrees is outside -45..45", o->skew_deg);
    if (!(o->noise >= 0 && o->noise <= 200))
        return fg_err_set(FG_ERR_INVAL, "render: noise %.1f speckles/cm2 is outside 0..200", o->noise);
    if (o->threshold < 1 || o->threshold > 255)
        return fg_err_set(FG_ERR_INVAL, "render: threshold %d is outside 1..255", o->threshold);
    if (o->paper != FG_PAPER_A4 && o->paper != FG_PAPER_LETTER)
        return fg_err_set(FG_ERR_INVAL, "render: paper must be A4 or Letter");
    return FG_OK;
}

static cairo_t *new_context(cairo_surface_t *s, const fg_render_opts *o, double ky, double page_hu)
{
    cairo_t *cr = cairo_create(s);
    cairo_font_options_t *fo = cairo_font_options_create();

    set_font_options(fo);
    cairo_set_font_options(cr, fo);
    cairo_font_options_destroy(fo);
    cairo_set_antialias(cr, CAIRO_ANTIALIAS_GRAY);
    cairo_set_source_rgba(cr, 0, 0, 0, 1);
    /* User space is square at 204 dpi; the device scale makes 98 lpi pages half as tall, as a fax is. */
    cairo_scale(cr, 1, ky);
    if (o->skew_deg != 0) {
        cairo_translate(cr, WIDTH / 2.0, page_hu / 2);
        cairo_rotate(cr, o->skew_deg * M_PI / 180);
        cairo_translate(cr, -WIDTH / 2.0, -page_hu / 2);
    }
    return cr;
}

fg_err fg_render_text_info(const char *text, size_t len, const fg_render_opts *opts, fg_page **out,
                           fg_render_info *info)
{
    fg_render_opts o;
    cairo_surface_t *line_s = NULL, *tone_s = NULL;
    cairo_t *cr = NULL, *tone = NULL;
    layout L;
    fg_page *p = NULL;
    char *clean = NULL;
    size_t n;
    bool visible;
    double ky, page_hu;
    int h;
    fg_err e;

    memset(&L, 0, sizeof L);
    if (info)
        memset(info, 0, sizeof *info);
    if (opts)
        o = *opts;
    else
        fg_render_opts_init(&o);
    if (!o.font || !*o.font)
        o.font = "DejaVu Sans";
    if (!out || (!text && len))
        return fg_err_set(FG_ERR_INVAL, "render: no text or no place for the page");
    if ((e = check_opts(&o)))
        return e;
    if (len > FG_RENDER_MAX_TEXT)
        return fg_err_set(FG_ERR_TOOBIG, "render: %zu bytes of text is more than the %d a page can take", len,
                          FG_RENDER_MAX_TEXT);
    if (!(clean = fg_rp_clean_text(text ? text : "", len, &n, &visible)))
        return fg_err_set(FG_ERR_NOMEM, "render: cannot allocate %zu bytes", len * 8 + 1);
    if (!visible) {
        e = fg_err_set(FG_ERR_FORMAT, "render: the text is empty (only blanks or control characters); "
                                      "there is nothing to put on the page");
        goto out;
    }
    h = fg_render_page_height(o.paper, o.yres);
    ky = (double)o.yres / XRES;
    page_hu = h / ky;
    if (!(L.scratch = malloc(n + 1))) {
        e = fg_err_set(FG_ERR_NOMEM, "render: cannot allocate %zu bytes", n + 1);
        goto out;
    }
    line_s = cairo_image_surface_create(CAIRO_FORMAT_A8, WIDTH, h);
    if (o.logo)
        tone_s = cairo_image_surface_create(CAIRO_FORMAT_A8, WIDTH, h);
    if (cairo_surface_status(line_s) || (tone_s && cairo_surface_status(tone_s))) {
        e = fg_err_set(FG_ERR_NOMEM, "render: cannot allocate a %dx%d drawing surface", WIDTH, h);
        goto out;
    }
    cr = new_context(line_s, &o, ky, page_hu);
    L.cr = cr;
    L.regular = cairo_toy_font_face_create(o.font, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    L.bold = cairo_toy_font_face_create(o.font, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
    L.size_px = o.size_pt * XRES / 72.0;
    L.left = fg_rp_mm_px(o.margin_left_mm);
    L.right = WIDTH - L.left;
    L.y = fg_rp_mm_px(o.margin_top_mm);
    L.bottom = page_hu - fg_rp_mm_px(BOTTOM_MM);
    L.wrap = o.wrap;
    if (L.right - L.left < L.size_px) {
        e = fg_err_set(FG_ERR_INVAL, "render: margins of %.0f mm leave no room for text", o.margin_left_mm);
        goto out;
    }
    if (o.header && *o.header)
        fg_rp_header(cr, o.font, o.header, ky);
    if (o.stripes)
        fg_rp_stripes(cr, page_hu);
    if (o.logo) {
        tone = new_context(tone_s, &o, ky, page_hu);
        fg_rp_logo(cr, tone, L.left, L.y);
        L.y += fg_rp_mm_px(LOGO_H_MM + 4);
    }
    put_body(&L, clean, n, &o);
    cairo_surface_flush(line_s);
    if (tone_s)
        cairo_surface_flush(tone_s);
    if (cairo_status(cr) || (tone && cairo_status(tone))) {
        cairo_status_t st = cairo_status(cr) ? cairo_status(cr) : cairo_status(tone);

        e = fg_err_set(st == CAIRO_STATUS_NO_MEMORY ? FG_ERR_NOMEM : FG_ERR_UNSUPPORTED,
                       "render: cairo failed: %s", cairo_status_to_string(st));
        goto out;
    }
    if ((e = fg_page_new(WIDTH, h, XRES, o.yres, &p)))
        goto out;
    fg_rp_to_bits(line_s, tone_s, o.threshold, p);
    if (o.noise > 0)
        fg_rp_noise(p, o.noise, o.seed,
                  o.paper == FG_PAPER_LETTER ? 21.59 * 27.94 : 21.0 * 29.7);
    if (info) {
        if (fg_render_font_match(o.font, false, info->font, sizeof info->font, &info->font_exact))
            fg_err_clear();
        info->lines = L.lines;
        info->lines_cut = L.cut;
    }
    *out = p;
    p = NULL;
out:   /* cairo's destroy functions accept NULL */
    fg_page_free(p);
    cairo_destroy(cr);
    cairo_destroy(tone);
    cairo_font_face_destroy(L.regular);
    cairo_font_face_destroy(L.bold);
    cairo_surface_destroy(line_s);
    cairo_surface_destroy(tone_s);
    free(L.scratch);
    free(clean);
    return e;
}

fg_err fg_render_text(const char *text, size_t len, const fg_render_opts *o, fg_page **out)
{
    return fg_render_text_info(text, len, o, out, NULL);
}
