/* faxgate host — a complaint report drawn with cairo's PDF surface (report_pdf.h). */
#include <cairo-pdf.h>
#include <cairo.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render_impl.h"
#include "report_pdf.h"

#define MARGIN 42.0          /* points, about 15 mm on every side */
#define BODY_PT 8.5
#define HEAD_PT 14.0
#define SECTION_PT 10.0
#define CAPTION_PT 8.0
#define MONO_PT 7.5          /* a SHA-256 (64 digits) fits the value column of an A4 sheet on one line */
#define LEADING 1.25         /* line height as a multiple of the type size */
#define LABEL_COL 0.36       /* the label column of a field, as a fraction of the text width */
#define GAP 8.0              /* between columns */
#define SANS "DejaVu Sans"
#define MONO "DejaVu Sans Mono"

struct fg_pdf {
    cairo_surface_t *surf;
    cairo_t *cr;
    FILE *f;
    char *path;
    int write_errno;         /* the first write error, for the message */
    double w, h;             /* the sheet, in points */
    double y;                /* top of the next line */
    bool dirty;              /* the current sheet has something on it */
    int sheets;
};

/* A line of wrapped text: n bytes from s. */
typedef struct span {
    const char *s;
    size_t n;
} span;

static char *clean(const char *s, bool one_line);

static cairo_status_t write_out(void *closure, const unsigned char *data, unsigned int len)
{
    fg_pdf *d = closure;

    if (fwrite(data, 1, len, d->f) != len) {
        if (!d->write_errno)
            d->write_errno = errno ? errno : EIO;
        return CAIRO_STATUS_WRITE_ERROR;
    }
    return CAIRO_STATUS_SUCCESS;
}

fg_err fg_pdf_open(const char *path, bool letter, const char *title, fg_pdf **out)
{
    fg_pdf *d = calloc(1, sizeof *d);
    char *t;

    *out = NULL;
    if (!d || !(d->path = strdup(path))) {
        free(d);
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate the report %s", path);
    }
    if (!(d->f = fopen(path, "wb"))) {
        int err = errno;

        free(d->path);
        free(d);
        return fg_err_set(fg_err_from_errno(err), "cannot write the report %s: %s", path, strerror(err));
    }
    d->w = letter ? 612.0 : 595.28;
    d->h = letter ? 792.0 : 841.89;
    d->y = MARGIN;
    d->surf = cairo_pdf_surface_create_for_stream(write_out, d, d->w, d->h);
    if ((t = clean(title ? title : "faxgate report", true)))
        cairo_pdf_surface_set_metadata(d->surf, CAIRO_PDF_METADATA_TITLE, t);
    free(t);
    cairo_pdf_surface_set_metadata(d->surf, CAIRO_PDF_METADATA_CREATOR, "faxgate");
    d->cr = cairo_create(d->surf);
    *out = d;
    return FG_OK;
}

/* s as cairo may see it: valid UTF-8, no control characters but '\n' (caller frees). */
static char *clean(const char *s, bool one_line)
{
    bool visible;
    size_t n;
    char *c = fg_rp_clean_text(s ? s : "", s ? strlen(s) : 0, &n, &visible);

    if (c && one_line)
        for (char *p = c; *p; p++)
            if (*p == '\n')
                *p = ' ';
    return c;
}

static void font(fg_pdf *d, const char *family, bool bold, double size)
{
    cairo_select_font_face(d->cr, family, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(d->cr, size);
}

static double width_of(cairo_t *cr, const char *s, size_t n)
{
    cairo_text_extents_t te;
    char *t = strndup(s, n);

    if (!t)
        return 0;
    cairo_text_extents(cr, t, &te);
    free(t);
    return te.x_advance;
}

static size_t utf8_next(const char *s, size_t i)
{
    for (i++; s[i] && ((unsigned char)s[i] & 0xC0) == 0x80; i++)
        ;
    return i;
}

/* The first line of s that fits width: up to the last space that fits, or (a word longer than the
   line, or anychar) as many characters as fit, at least one. *next is where the next line starts. */
static size_t fit(cairo_t *cr, const char *s, double width, bool anychar, size_t *next)
{
    size_t brk = 0, p = 0, q;

    while (!anychar) {
        for (q = p; s[q] && s[q] != ' ' && s[q] != '\n'; q++)
            ;
        if (width_of(cr, s, q) > width)
            break;
        brk = q;
        if (s[q] != ' ')
            break;
        p = q + 1;
    }
    if (brk == 0)
        for (q = 0; s[q] && s[q] != '\n'; q = utf8_next(s, q)) {
            size_t r = utf8_next(s, q);

            if (q > 0 && width_of(cr, s, r) > width)
                break;
            brk = r;
        }
    *next = brk;
    while (s[*next] == ' ')
        (*next)++;
    if (s[*next] == '\n')
        (*next)++;
    return brk;
}

/* The lines of text wrapped at width with the current font; *n of them (caller frees). */
static span *wrap(cairo_t *cr, const char *text, double width, bool anychar, int *n)
{
    span *v = NULL;
    size_t i = 0, next;
    int cap = 0;

    *n = 0;
    do {
        size_t len = fit(cr, text + i, width, anychar, &next);

        if (*n == cap) {
            span *nv = realloc(v, (size_t)(cap = cap ? 2 * cap : 8) * sizeof *nv);

            if (!nv)
                break;
            v = nv;
        }
        v[(*n)++] = (span){text + i, len};
        i += next;
    } while (text[i]);
    return v;
}

static void show(fg_pdf *d, double x, double size, const span *l)
{
    char *t = strndup(l->s, l->n);

    if (!t)
        return;
    cairo_move_to(d->cr, x, d->y + size);
    cairo_show_text(d->cr, t);
    free(t);
    d->dirty = true;
}

static void end_sheet(fg_pdf *d)
{
    cairo_show_page(d->cr);
    d->sheets++;
    d->y = MARGIN;
    d->dirty = false;
}

void fg_pdf_break(fg_pdf *d)
{
    if (d->dirty)
        end_sheet(d);
}

/* Starts a new sheet unless height fits below the current line. */
static void room(fg_pdf *d, double height)
{
    if (d->dirty && d->y + height > d->h - MARGIN)
        end_sheet(d);
}

/* Wrapped text in one column at x, width wide, starting a new sheet whenever one fills. */
static void column(fg_pdf *d, const char *text, double x, double width, const char *family, bool bold, double size,
                   bool anychar)
{
    char *c = clean(text, false);
    span *l;
    int n;

    if (!c)
        return;
    font(d, family, bold, size);
    l = wrap(d->cr, c, width, anychar, &n);
    for (int i = 0; i < n; i++) {
        room(d, size * LEADING);
        show(d, x, size, &l[i]);
        d->y += size * LEADING;
    }
    free(l);
    free(c);
}

void fg_pdf_heading(fg_pdf *d, const char *text)
{
    room(d, HEAD_PT * LEADING + 6 * BODY_PT * LEADING);
    cairo_set_source_rgb(d->cr, 0, 0, 0);
    column(d, text, MARGIN, d->w - 2 * MARGIN, SANS, true, HEAD_PT, false);
    d->y += BODY_PT * 0.5;
}

void fg_pdf_section(fg_pdf *d, const char *text)
{
    room(d, SECTION_PT * LEADING + 3 * BODY_PT * LEADING);
    d->y += BODY_PT * 0.6;
    cairo_set_source_rgb(d->cr, 0, 0, 0);
    column(d, text, MARGIN, d->w - 2 * MARGIN, SANS, true, SECTION_PT, false);
    d->y += BODY_PT * 0.2;
}

void fg_pdf_text(fg_pdf *d, const char *text)
{
    cairo_set_source_rgb(d->cr, 0, 0, 0);
    column(d, text, MARGIN, d->w - 2 * MARGIN, SANS, false, BODY_PT, false);
}

/* A label in the left column beside a value in the right one, row by row. */
static void pair(fg_pdf *d, const char *label, const char *value, const char *family, double size, bool anychar)
{
    double tw = d->w - 2 * MARGIN, lw = tw * LABEL_COL - GAP, vx = MARGIN + tw * LABEL_COL, lh = BODY_PT * LEADING;
    char *lc = clean(label, true), *vc = clean(value && *value ? value : "-", false);
    span *ll = NULL, *vl = NULL;
    int nl = 0, nv = 0;

    if (lc && vc) {
        font(d, SANS, false, BODY_PT);
        ll = wrap(d->cr, lc, lw, false, &nl);
        font(d, family, false, size);
        vl = wrap(d->cr, vc, tw - tw * LABEL_COL, anychar, &nv);
        room(d, lh * (nl > nv ? nl : nv > 3 ? 3 : nv));   /* keep a label with its value's start */
        for (int i = 0; i < nl || i < nv; i++) {
            room(d, lh);
            if (i < nl) {
                font(d, SANS, false, BODY_PT);
                cairo_set_source_rgb(d->cr, 0.3, 0.3, 0.3);
                show(d, MARGIN, BODY_PT, &ll[i]);
            }
            if (i < nv) {
                font(d, family, false, size);
                cairo_set_source_rgb(d->cr, 0, 0, 0);
                show(d, vx, size, &vl[i]);
            }
            d->y += lh;
        }
    }
    cairo_set_source_rgb(d->cr, 0, 0, 0);
    free(ll);
    free(vl);
    free(lc);
    free(vc);
}

void fg_pdf_field(fg_pdf *d, const char *label, const char *value)
{
    pair(d, label, value, SANS, BODY_PT, false);
}

void fg_pdf_mono(fg_pdf *d, const char *label, const char *value)
{
    pair(d, label, value, MONO, MONO_PT, true);
}

/* One row of a table; head (NULL for the header itself) is drawn again atop a new sheet when the
   row does not fit below the current line. */
static void table_row(fg_pdf *d, int ncols, const double *widths, const char *const *row, const char *const *head)
{
    double tw = d->w - 2 * MARGIN, size = BODY_PT - 1, lh = size * LEADING, x = MARGIN;
    span *l[FG_PDF_COLS_MAX] = {0};
    char *c[FG_PDF_COLS_MAX] = {0};
    int n[FG_PDF_COLS_MAX] = {0}, most = 1;

    font(d, SANS, !head, size);
    for (int k = 0; k < ncols; k++) {
        c[k] = clean(row[k], true);
        l[k] = c[k] ? wrap(d->cr, c[k], widths[k] * tw - 4, false, &n[k]) : NULL;
        if (n[k] > most)
            most = n[k];
    }
    if (head && d->dirty && d->y + most * lh > d->h - MARGIN) {
        end_sheet(d);
        table_row(d, ncols, widths, head, NULL);
        font(d, SANS, false, size);
    }
    for (int k = 0; k < ncols; x += widths[k] * tw, k++)
        for (int i = 0; i < n[k]; i++) {
            double y0 = d->y;

            d->y += i * lh;
            show(d, x, size, &l[k][i]);
            d->y = y0;
        }
    d->y += most * lh;
    cairo_set_line_width(d->cr, head ? 0.3 : 0.8);
    cairo_move_to(d->cr, MARGIN, d->y + 1);
    cairo_line_to(d->cr, MARGIN + tw, d->y + 1);
    cairo_stroke(d->cr);
    d->y += 3;
    for (int k = 0; k < ncols; k++) {
        free(l[k]);
        free(c[k]);
    }
}

void fg_pdf_table(fg_pdf *d, int ncols, const double *widths, const char *const *cells, int nrows)
{
    if (ncols > FG_PDF_COLS_MAX)
        ncols = FG_PDF_COLS_MAX;
    room(d, 3 * BODY_PT * LEADING);
    for (int r = 0; r < nrows; r++)
        table_row(d, ncols, widths, cells + r * ncols, r ? cells : NULL);
}

static void caption(fg_pdf *d, const char *text)
{
    fg_pdf_break(d);
    cairo_set_source_rgb(d->cr, 0, 0, 0);
    d->y = MARGIN - CAPTION_PT * LEADING - 4;
    column(d, text, MARGIN, d->w - 2 * MARGIN, SANS, false, CAPTION_PT, false);
    d->y = MARGIN;
}

/* The page's bits as a cairo A1 mask (1 = ink): cairo packs pixels into native 32-bit words, so on
   a little-endian machine the first pixel of each byte is its lowest bit, not its highest as in a
   fax row. */
static cairo_surface_t *page_mask(const fg_page *p)
{
    static uint8_t rev[256];
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_A1, p->width, p->height);
    unsigned char *data;
    int stride;

    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS)
        return s;
    if (!rev[1])
        for (int i = 0; i < 256; i++) {
            uint8_t r = 0;

            for (int b = 0; b < 8; b++)
                if (i & (1 << b))
                    r |= (uint8_t)(0x80 >> b);
            rev[i] = r;
        }
    cairo_surface_flush(s);
    data = cairo_image_surface_get_data(s);
    stride = cairo_image_surface_get_stride(s);
    for (int y = 0; y < p->height; y++) {
        const uint8_t *src = p->bits + (size_t)y * (size_t)p->stride;
        unsigned char *dst = data + (size_t)y * (size_t)stride;

        for (int x = 0; x < p->stride; x++)
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            dst[x] = rev[src[x]];
#else
            dst[x] = src[x];
#endif
    }
    cairo_surface_mark_dirty(s);
    return s;
}

void fg_pdf_image(fg_pdf *d, const fg_page *p, const char *text)
{
    double pw = p->width * 72.0 / (p->xres > 0 ? p->xres : 204), ph = p->height * 72.0 / (p->yres > 0 ? p->yres : 196);
    double aw = d->w - 2 * MARGIN, ah = d->h - 2 * MARGIN, k = aw / pw < ah / ph ? aw / pw : ah / ph;
    double x0 = MARGIN + (aw - pw * k) / 2, y0 = MARGIN;
    cairo_surface_t *m;

    caption(d, text);
    m = page_mask(p);
    cairo_save(d->cr);
    cairo_translate(d->cr, x0, y0);
    cairo_scale(d->cr, k * pw / p->width, k * ph / p->height);
    cairo_set_source_rgb(d->cr, 0, 0, 0);
    cairo_mask_surface(d->cr, m, 0, 0);
    cairo_restore(d->cr);
    cairo_surface_destroy(m);
    /* a white page on white paper: its edges drawn so the reader sees where it ends */
    cairo_set_line_width(d->cr, 0.5);
    cairo_set_source_rgb(d->cr, 0.6, 0.6, 0.6);
    cairo_rectangle(d->cr, x0, y0, pw * k, ph * k);
    cairo_stroke(d->cr);
    cairo_set_source_rgb(d->cr, 0, 0, 0);
    d->dirty = true;
    end_sheet(d);
}

void fg_pdf_missing(fg_pdf *d, const char *text, const char *why)
{
    caption(d, text);
    d->y = d->h / 3;
    column(d, why, MARGIN, d->w - 2 * MARGIN, SANS, true, SECTION_PT, false);
    d->dirty = true;
    end_sheet(d);
}

int fg_pdf_sheets(const fg_pdf *d)
{
    return d->sheets + (d->dirty ? 1 : 0);
}

fg_err fg_pdf_close(fg_pdf *d)
{
    cairo_status_t st;
    fg_err e = FG_OK;

    if (!d)
        return FG_OK;
    if (d->dirty || d->sheets == 0)
        end_sheet(d);
    st = cairo_status(d->cr);
    cairo_destroy(d->cr);
    cairo_surface_finish(d->surf);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(d->surf);
    cairo_surface_destroy(d->surf);
    if (fclose(d->f) != 0 && !d->write_errno)
        d->write_errno = errno;
    if (d->write_errno)
        e = fg_err_set(fg_err_from_errno(d->write_errno), "cannot write the report %s: %s", d->path,
                       strerror(d->write_errno));
    else if (st != CAIRO_STATUS_SUCCESS)
        e = fg_err_set(FG_ERR_IO, "cannot draw the report %s: %s", d->path, cairo_status_to_string(st));
    free(d->path);
    free(d);
    return e;
}
