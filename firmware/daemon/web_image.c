/* faxgated — a call's pages as PNG for the web admin, made from the stored TIFF and cached.
 *
 * A fax page is 1728 dots wide and, at standard resolution, half as many lines per inch as dots:
 * each output pixel is the share of black in the block of fax pixels it covers (a grey level),
 * with the vertical scale corrected by the resolutions, so the page keeps its shape and small
 * print stays legible when shrunk. Images are written once to SPOOL/.webcache (a temporary name,
 * then renamed: two threads asking at once never serve half a file) and read from there after;
 * they are rebuilt if the TIFF is newer.
 */
#include <cairo.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "web.h"

#define THUMB_W 240
#define PAGE_W 864

/* Renders page (1-based) of tiff as a PNG of width out_w at path. */
static fg_err render_png(const char *tiff, int page, int out_w, const char *path)
{
    char tmp[1340];
    fg_page *pg = NULL;
    cairo_surface_t *surf = NULL;
    cairo_status_t cs;
    unsigned char *data;
    int count = 0, out_h, stride;
    double sx, sy;
    fg_err e;

    if ((e = fg_page_tiff_count(tiff, &count)))
        return e;
    if (page > count)
        return fg_err_set(FG_ERR_NOTFOUND, "the fax has %d page(s), not %d", count, page);
    if ((e = fg_page_read_tiff(tiff, page - 1, &pg)))
        return e;
    if (out_w > pg->width)
        out_w = pg->width;
    /* height in output pixels: the page's height in inches times the output's horizontal dpi */
    out_h = (int)((double)pg->height / (pg->yres > 0 ? pg->yres : 98) * out_w / ((double)pg->width / (pg->xres > 0 ? pg->xres : 204)) + 0.5);
    if (out_h < 1)
        out_h = 1;
    surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, out_w, out_h);
    if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
        e = fg_err_set(FG_ERR_NOMEM, "cannot allocate a %dx%d image", out_w, out_h);
        goto out;
    }
    cairo_surface_flush(surf);
    data = cairo_image_surface_get_data(surf);
    stride = cairo_image_surface_get_stride(surf);
    sx = (double)pg->width / out_w;
    sy = (double)pg->height / out_h;
    for (int y = 0; y < out_h; y++) {
        int y0 = (int)(y * sy), y1 = (int)((y + 1) * sy);
        uint32_t *line = (uint32_t *)(data + (size_t)y * (size_t)stride);

        if (y1 <= y0)
            y1 = y0 + 1;
        if (y1 > pg->height)
            y1 = pg->height;
        for (int x = 0; x < out_w; x++) {
            int x0 = (int)(x * sx), x1 = (int)((x + 1) * sx), black = 0, total = 0;
            unsigned grey;

            if (x1 <= x0)
                x1 = x0 + 1;
            if (x1 > pg->width)
                x1 = pg->width;
            for (int yy = y0; yy < y1; yy++) {
                const uint8_t *bits = pg->bits + (size_t)yy * (size_t)pg->stride;

                for (int xx = x0; xx < x1; xx++)
                    black += (bits[xx >> 3] >> (7 - (xx & 7))) & 1;
                total += x1 - x0;
            }
            /* darkened a little: a thin stroke covering a third of a block should still read */
            grey = total ? 255u - (unsigned)(255 * (black * 2 > total ? total : black * 2) / total) : 255u;
            line[x] = grey << 16 | grey << 8 | grey;
        }
    }
    cairo_surface_mark_dirty(surf);
    snprintf(tmp, sizeof tmp, "%s.%d.tmp", path, (int)gettid());
    if ((cs = cairo_surface_write_to_png(surf, tmp)) != CAIRO_STATUS_SUCCESS) {
        e = fg_err_set(FG_ERR_IO, "cannot write %s: %s", tmp, cairo_status_to_string(cs));
        unlink(tmp);
    } else if (rename(tmp, path)) {
        e = fg_err_set(FG_ERR_IO, "cannot rename %s: %s", tmp, strerror(errno));
        unlink(tmp);
    }
out:
    cairo_surface_destroy(surf);
    fg_page_free(pg);
    return e;
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && n < (64L << 20) && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)n)) && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    if (buf)
        *len = (size_t)n;
    fclose(f);
    return buf;
}

void web_page_png(web_req *r, int64_t id, int page, bool thumb)
{
    char path[1300];
    fg_stored_call sc;
    struct stat ts, ps;
    size_t len = 0;
    char *png;
    fg_err e;

    if (!web_require(r, "viewer"))
        return;
    if ((e = fg_store_call_get(r->gw->st, id, &sc))) {
        if (e != FG_ERR_NOTFOUND)
            log_error("web admin: %s", fg_err_msg(e));
        return web_error(r, e == FG_ERR_NOTFOUND ? 404 : 500,
                         e == FG_ERR_NOTFOUND ? "There is no such call." : "The store could not be read.");
    }
    if (!sc.tiff[0] || sc.pages < 1)
        return web_error(r, 404, "This call has no pages.");
    if (page > sc.pages)
        return web_error(r, 404, "There is no such page.");
    snprintf(path, sizeof path, "%s/call-%lld-%s%d.png", web_cache_dir(r->w), (long long)id, thumb ? "thumb" : "p",
             page);
    if (stat(sc.tiff, &ts))
        return web_error(r, 404, "The fax's file is not in the spool any more.");
    if (stat(path, &ps) || ps.st_mtime < ts.st_mtime) {
        if ((e = render_png(sc.tiff, page, thumb ? THUMB_W : PAGE_W, path))) {
            log_warn("web admin: page %d of call %lld: %s", page, (long long)id, fg_err_msg(e));
            return web_error(r, e == FG_ERR_NOTFOUND ? 404 : 500, "The page could not be drawn; see faxgated's log.");
        }
    }
    if (!(png = read_all(path, &len)))
        return web_error(r, 500, "The page image could not be read.");
    web_reply(r, 200, "image/png", png, len);
}
