/* faxgate — fax pages to PDF with cairo.
 *
 * Every page is a sheet of the paper the fax calls for (media.c: A4, or Letter for a
 * Letter-length fax), its MediaBox exactly that, so that a printer gets the size it holds
 * and an IPP job's `media` and the document agree. The fax page keeps its proportions and
 * its physical size unless it must shrink to fit (a 215 mm fax line on 210 mm A4). The bitmap
 * goes in as a 1-bit A1 mask painted black with nearest-neighbour filtering: cairo's PDF
 * backend then writes it as a stencil /ImageMask without /Interpolate, so the printer gets
 * the received pixels, unsmoothed and small.
 */
#include <cairo-pdf.h>
#include <cairo.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deliver_impl.h"
#include "faxgate/page.h"

/* cairo's image surfaces stop at 32767 pixels a side; longer pages are drawn in bands. */
#define BAND_ROWS 32000

typedef struct pdf_sink {
    FILE *f;
    int err;
} pdf_sink;

static cairo_status_t sink_write(void *closure, const unsigned char *data, unsigned int len)
{
    pdf_sink *s = closure;

    errno = 0;
    if (fwrite(data, 1, len, s->f) != len) {
        if (!s->err)
            s->err = errno ? errno : EIO;
        return CAIRO_STATUS_WRITE_ERROR;
    }
    return CAIRO_STATUS_SUCCESS;
}

static unsigned char reverse_bits(unsigned char b)
{
    b = (unsigned char)((b & 0xf0) >> 4 | (b & 0x0f) << 4);
    b = (unsigned char)((b & 0xcc) >> 2 | (b & 0x33) << 2);
    return (unsigned char)((b & 0xaa) >> 1 | (b & 0x55) << 1);
}

/* Paints rows [y0, y0 + n) of the page black through an A1 mask; user space is page pixels. */
static fg_err draw_band(cairo_t *cr, const fg_page *p, int y0, int n)
{
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_A1, p->width, n);
    cairo_pattern_t *pat;
    cairo_matrix_t m;
    unsigned char *data;
    int stride;

    if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(img);
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate a %dx%d image for the PDF", p->width, n);
    }
    cairo_surface_flush(img);
    data = cairo_image_surface_get_data(img);
    stride = cairo_image_surface_get_stride(img);
    for (int y = 0; y < n; y++) {
        const unsigned char *src = p->bits + (size_t)(y0 + y) * (size_t)p->stride;
        unsigned char *dst = data + (size_t)y * (size_t)stride;

        /* A1 packs pixels in native-endian 32-bit words: on little-endian machines the first
           pixel is the least significant bit of each byte, the reverse of a fax row. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        for (int i = 0; i < p->stride; i++)
            dst[i] = reverse_bits(src[i]);
#else
        memcpy(dst, src, (size_t)p->stride);
#endif
    }
    cairo_surface_mark_dirty(img);
    pat = cairo_pattern_create_for_surface(img);
    cairo_pattern_set_filter(pat, CAIRO_FILTER_NEAREST);
    cairo_matrix_init_translate(&m, 0, -y0);
    cairo_pattern_set_matrix(pat, &m);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_mask(cr, pat);
    cairo_pattern_destroy(pat);
    cairo_surface_destroy(img);
    return FG_OK;
}

fg_err fg_pdf_write(const char *tiff_path, const fg_media *media, FILE *out)
{
    pdf_sink sink = {out, 0};
    cairo_surface_t *surface = NULL;
    fg_place at;
    cairo_t *cr = NULL;
    fg_page *p = NULL;
    cairo_status_t cs;
    fg_err e;
    int n;

    if (!media && (e = fg_media_for_tiff(tiff_path, FG_MEDIA_AUTO, &media)))
        return e;
    if ((e = fg_page_tiff_count(tiff_path, &n)) || (e = fg_page_read_tiff(tiff_path, 0, &p)))
        return e;
    surface = cairo_pdf_surface_create_for_stream(sink_write, &sink, media->width_pt, media->height_pt);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "faxgate");
    cr = cairo_create(surface);
    for (int i = 0; i < n && !e; i++) {
        if (i > 0) {
            fg_page_free(p);
            p = NULL;
            if ((e = fg_page_read_tiff(tiff_path, i, &p)))
                break;
        }
        fg_media_place(media, p->width, p->height, p->xres, p->yres, 0, 0, &at);
        cairo_save(cr);
        cairo_translate(cr, at.x_pt, at.y_pt);
        cairo_scale(cr, at.scale * 72.0 / (p->xres > 0 ? p->xres : 204),
                    at.scale * 72.0 / (p->yres > 0 ? p->yres : 196));
        for (int y0 = 0; y0 < p->height && !e; y0 += BAND_ROWS)
            e = draw_band(cr, p, y0, p->height - y0 < BAND_ROWS ? p->height - y0 : BAND_ROWS);
        cairo_restore(cr);
        cairo_show_page(cr);
    }
    fg_page_free(p);
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    cs = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (e)
        return e;
    if (sink.err)
        return fg_err_set(fg_err_from_errno(sink.err), "cannot write the PDF of %s: %s", tiff_path,
                          strerror(sink.err));
    if (cs != CAIRO_STATUS_SUCCESS)
        return fg_err_set(FG_ERR_IO, "cannot render %s as PDF: %s", tiff_path, cairo_status_to_string(cs));
    return FG_OK;
}

fg_err fg_pdf_from_tiff(const char *tiff_path, const char *pdf_path)
{
    FILE *f = fopen(pdf_path, "wb");
    fg_err e;

    if (!f)
        return fg_err_set(fg_err_from_errno(errno), "cannot create %s: %s", pdf_path, strerror(errno));
    e = fg_pdf_write(tiff_path, NULL, f);
    /* durable before anyone is told it exists (complaint bundles, the spool folder) */
    if (!e && (fflush(f) != 0 || fsync(fileno(f)) != 0))
        e = fg_err_set(fg_err_from_errno(errno), "cannot write %s: %s", pdf_path, strerror(errno));
    if (fclose(f) != 0 && !e)
        e = fg_err_set(fg_err_from_errno(errno), "cannot write %s: %s", pdf_path, strerror(errno));
    if (e)
        unlink(pdf_path);
    return e;
}
