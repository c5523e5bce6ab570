/* faxgate — fax pages as PCL 5 raster, for printers on a raw socket that take no PDF.
 *
 * PCL 5 is what almost every office laser printer has spoken since 1990, and raster graphics
 * are its smallest part: a page size, a resolution, then the rows, each compressed with
 * PackBits (mode 2) and sent as "ESC * b n W" followed by n bytes. A fax is bilevel, so its
 * rows go as they are, resampled (nearest neighbour) from 204 x 98/196/391 dpi to 300 dpi,
 * which every PCL 5 printer prints. Trailing white bytes are left out of each row (PCL fills
 * the rest of the row with white), so a mostly white fax stays small.
 *
 * PCL draws only inside the "logical page", which a portrait sheet centres with a fixed
 * offset (HP PCL 5 Technical Reference Manual, chapter 2): Letter 2400 dots wide from 75,
 * A4 2338 from 71, at 300 dpi. The fax is fitted inside it and 1/6 in from the top and bottom
 * (no printer prints the outermost edge), as a fax machine's reduction prints it; media.c
 * places it, as for PDF.
 *
 * A job: UEL, ESC E (reset), page size, portrait, top margin 0; per page the cursor position,
 * ESC * t 300 R, width, height, ESC * r 1 A (start at the cursor), ESC * b 2 M, the rows,
 * ESC * r C (end) and a form feed; ESC E and UEL at the end, so that the printer is left as it
 * was found for the next job on the port.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deliver_impl.h"

#define PCL_DPI 300
#define EDGE_DOTS 50   /* 1/6 in at the top and bottom */
#define UEL "\x1b%-12345X"

typedef struct pcl_sheet {
    fg_media_size size;
    int code;        /* ESC & l # A */
    int logical_w;   /* dots */
    int offset;      /* dots from the sheet's left edge */
} pcl_sheet;

static const pcl_sheet sheets[] = {
    {FG_MEDIA_A4, 26, 2338, 71},
    {FG_MEDIA_LETTER, 2, 2400, 75},
};

static const pcl_sheet *sheet_of(const fg_media *m)
{
    return m->size == FG_MEDIA_LETTER ? &sheets[1] : &sheets[0];
}

size_t fg_pcl_packbits(const unsigned char *in, size_t n, unsigned char *out)
{
    size_t o = 0, i = 0;

    while (n > 0 && in[n - 1] == 0)
        n--;
    while (i < n) {
        size_t run = 1, start = i, len = 0;

        while (i + run < n && run < 128 && in[i + run] == in[i])
            run++;
        if (run >= 2) {   /* a repeat: 1 - run as a signed byte, then the byte */
            out[o++] = (unsigned char)(257 - run);
            out[o++] = in[i];
            i += run;
            continue;
        }
        /* literal bytes, up to where a repeat of three or more starts */
        while (i < n && len < 128 && !(i + 2 < n && in[i] == in[i + 1] && in[i] == in[i + 2]))
            i++, len++;
        out[o++] = (unsigned char)(len - 1);
        memcpy(out + o, in + start, len);
        o += len;
    }
    return o;
}

fg_err fg_pcl_page(const fg_page *p, const fg_media *m, FILE *out)
{
    const pcl_sheet *sh = sheet_of(m);
    unsigned char *row = NULL, *packed = NULL;
    int *xmap = NULL, w, h, x, y, last = -1;
    size_t stride, len = 0;
    fg_place at;
    fg_err e = FG_OK;

    fg_media_place(m, p->width, p->height, p->xres, p->yres, 72.0 * sh->offset / PCL_DPI,
                   72.0 * EDGE_DOTS / PCL_DPI, &at);
    w = (int)(at.w_pt * PCL_DPI / 72.0 + 0.5);
    h = (int)(at.h_pt * PCL_DPI / 72.0 + 0.5);
    x = (int)(at.x_pt * PCL_DPI / 72.0 + 0.5) - sh->offset;
    y = (int)(at.y_pt * PCL_DPI / 72.0 + 0.5);
    if (w < 1 || h < 1 || w > sh->logical_w || x < 0)
        return fg_err_set(FG_ERR_TOOBIG, "a %dx%d page does not fit a PCL %s sheet", p->width, p->height, m->name);
    stride = ((size_t)w + 7) / 8;
    if (!(row = malloc(stride)) || !(packed = malloc(stride + stride / 128 + 2)) ||
        !(xmap = malloc((size_t)w * sizeof *xmap))) {
        e = fg_err_set(FG_ERR_NOMEM, "cannot allocate a PCL raster row");
        goto out;
    }
    for (int ox = 0; ox < w; ox++)
        xmap[ox] = (int)((int64_t)ox * p->width / w);
    fprintf(out, "\x1b*p%dx%dY\x1b*t%dR\x1b*r%dS\x1b*r%dT\x1b*r1A\x1b*b2M", x, y, PCL_DPI, w, h);
    for (int oy = 0; oy < h; oy++) {
        int sy = (int)((int64_t)oy * p->height / h);

        if (sy != last) {
            const uint8_t *src = p->bits + (size_t)sy * (size_t)p->stride;

            memset(row, 0, stride);
            for (int ox = 0; ox < w; ox++)
                if (src[xmap[ox] >> 3] & (0x80 >> (xmap[ox] & 7)))
                    row[ox >> 3] |= (unsigned char)(0x80 >> (ox & 7));
            len = fg_pcl_packbits(row, stride, packed);
            last = sy;
        }
        fprintf(out, "\x1b*b%zuW", len);
        if (len && fwrite(packed, 1, len, out) != len)
            break;
    }
    fputs("\x1b*rC\f", out);
    if (ferror(out))
        e = fg_err_set(fg_err_from_errno(errno ? errno : EIO), "cannot write the PCL page: %s",
                       strerror(errno ? errno : EIO));
out:
    free(row);
    free(packed);
    free(xmap);
    return e;
}

fg_err fg_pcl_write(const char *tiff_path, const fg_media *media, FILE *out)
{
    fg_page *p = NULL;
    fg_err e;
    int n;

    if ((e = fg_page_tiff_count(tiff_path, &n)) ||
        (!media && (e = fg_media_for_tiff(tiff_path, FG_MEDIA_AUTO, &media))))
        return e;
    fputs(UEL "\x1b" "E", out);   /* UEL holds a '%': never a printf format */
    fprintf(out, "\x1b&l%dA\x1b&l0O\x1b&l0E", sheet_of(media)->code);
    for (int i = 0; i < n && !e; i++) {
        if (!(e = fg_page_read_tiff(tiff_path, i, &p)))
            e = fg_pcl_page(p, media, out);
        fg_page_free(p);
        p = NULL;
    }
    fputs("\x1b" "E" UEL, out);
    if (!e && ferror(out))
        e = fg_err_set(fg_err_from_errno(errno ? errno : EIO), "cannot write the PCL of %s: %s", tiff_path,
                       strerror(errno ? errno : EIO));
    return e;
}
