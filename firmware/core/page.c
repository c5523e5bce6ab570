/* faxgate — page bitmaps: TIFF G4 in and out (libtiff), image import (leptonica), hashes. */
#include <errno.h>
#include <leptonica/allheaders.h>
#include <nettle/sha2.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "faxgate/page.h"

/* libtiff reports through a process-wide handler; keep the last message per thread so that
   concurrent calls each get their own explanation. */
static _Thread_local char tiff_msg[256];
static pthread_once_t tiff_once = PTHREAD_ONCE_INIT;

static void tiff_error(const char *module, const char *fmt, va_list ap)
{
    int n = snprintf(tiff_msg, sizeof tiff_msg, "%s: ", module ? module : "libtiff");

    if (n > 0 && (size_t)n < sizeof tiff_msg)
        vsnprintf(tiff_msg + n, sizeof tiff_msg - (size_t)n, fmt, ap);
}

static void tiff_warning(const char *module, const char *fmt, va_list ap)
{
    (void)module;
    (void)fmt;
    (void)ap;   /* unknown tags and the like: not worth a log line per page */
}

static void tiff_setup(void)
{
    TIFFSetErrorHandler(tiff_error);
    TIFFSetWarningHandler(tiff_warning);
}

static void tiff_begin(void)
{
    pthread_once(&tiff_once, tiff_setup);
    tiff_msg[0] = '\0';
}

static const char *tiff_why(void)
{
    return tiff_msg[0] ? tiff_msg : "unknown libtiff error";
}

fg_err fg_page_new(int width, int height, int xres, int yres, fg_page **out)
{
    fg_page *p;

    if (width <= 0 || height <= 0 || width > FG_PAGE_MAX_WIDTH || height > FG_PAGE_MAX_HEIGHT)
        return fg_err_set(FG_ERR_TOOBIG, "page of %dx%d pixels is outside 1..%d x 1..%d", width, height,
                          FG_PAGE_MAX_WIDTH, FG_PAGE_MAX_HEIGHT);
    if (!(p = calloc(1, sizeof *p)))
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate a page");
    p->width = width;
    p->height = height;
    p->stride = (width + 7) / 8;
    p->xres = xres > 0 ? xres : 204;
    p->yres = yres > 0 ? yres : 196;
    if (!(p->bits = calloc((size_t)height, (size_t)p->stride))) {
        free(p);
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate a %dx%d page", width, height);
    }
    *out = p;
    return FG_OK;
}

void fg_page_free(fg_page *p)
{
    if (!p)
        return;
    free(p->bits);
    free(p);
}

/* How a page cut short by a broken call is marked in its TIFF directory. Longer than the 20
   characters of a TSI, which SpanDSP writes in the same tag: a sender cannot forge it. */
#define PARTIAL_MARK "partial page: the call broke during this page"

fg_err fg_page_tiff_count(const char *path, int *count)
{
    TIFF *t;
    int n;

    tiff_begin();
    if (!(t = TIFFOpen(path, "r")))
        return fg_err_set(access(path, R_OK) ? fg_err_from_errno(errno) : FG_ERR_FORMAT,
                          "%s: not a readable TIFF file (%s)", path, tiff_why());
    n = TIFFNumberOfDirectories(t);
    TIFFClose(t);
    if (n <= 0)
        return fg_err_set(FG_ERR_FORMAT, "%s: TIFF file has no pages", path);
    if (n > FG_PAGE_MAX_PAGES)
        return fg_err_set(FG_ERR_TOOBIG, "%s: %d pages, more than the %d allowed", path, n,
                          FG_PAGE_MAX_PAGES);
    *count = n;
    return FG_OK;
}

fg_err fg_page_tiff_check_written(const char *path, int pages)
{
    uint64_t *off = NULL, *len = NULL;
    struct stat sb;
    TIFF *t;
    int n;

    if (pages <= 0)
        return FG_OK;
    tiff_begin();
    if (stat(path, &sb) < 0)
        return fg_err_set(fg_err_from_errno(errno), "%s is gone (%s): the folder was removed or the file deleted",
                          path, strerror(errno));
    if (!(t = TIFFOpen(path, "rm")))
        return fg_err_set(FG_ERR_IO, "%s cannot be read back (%s): the disk may be full", path, tiff_why());
    n = TIFFNumberOfDirectories(t);
    if (n < pages) {
        TIFFClose(t);
        return fg_err_set(FG_ERR_IO, "%s holds %d page%s, %d received: the last page was not written (the disk "
                          "may be full)", path, n, n == 1 ? "" : "s", pages);
    }
    /* the page's directory may be there and its image data cut short */
    if (!TIFFSetDirectory(t, (tdir_t)(pages - 1)) || !TIFFGetField(t, TIFFTAG_STRIPOFFSETS, &off) ||
        !TIFFGetField(t, TIFFTAG_STRIPBYTECOUNTS, &len)) {
        TIFFClose(t);
        return fg_err_set(FG_ERR_IO, "%s: page %d has no image data (%s)", path, pages, tiff_why());
    }
    for (uint32_t i = 0; i < TIFFNumberOfStrips(t); i++)
        if (off[i] + len[i] > (uint64_t)sb.st_size) {
            TIFFClose(t);
            return fg_err_set(FG_ERR_IO, "%s: page %d's image data ends past the end of the file (%lld bytes): it "
                              "was not all written (the disk may be full)", path, pages, (long long)sb.st_size);
        }
    TIFFClose(t);
    return FG_OK;
}

/* Resolution in dots per inch from the TIFF tags, with fax defaults when absent. */
static int tiff_dpi(TIFF *t, ttag_t tag, int fallback)
{
    float r = 0;
    uint16_t unit = RESUNIT_INCH;

    if (!TIFFGetField(t, tag, &r) || r <= 0)
        return fallback;
    TIFFGetFieldDefaulted(t, TIFFTAG_RESOLUTIONUNIT, &unit);
    if (unit == RESUNIT_CENTIMETER)
        r *= 2.54f;
    if (r < 20 || r > 2400)
        return fallback;
    return (int)(r + 0.5f);
}

fg_err fg_page_read_tiff(const char *path, int index, fg_page **out)
{
    uint32_t w = 0, h = 0;
    uint16_t bps = 1, spp = 1, photometric = PHOTOMETRIC_MINISWHITE;
    const char *desc = NULL;
    fg_page *p = NULL;
    fg_err e;
    TIFF *t;

    tiff_begin();
    if (!(t = TIFFOpen(path, "r")))
        return fg_err_set(access(path, R_OK) ? fg_err_from_errno(errno) : FG_ERR_FORMAT,
                          "%s: not a readable TIFF file (%s)", path, tiff_why());
    if (index < 0 || !TIFFSetDirectory(t, (tdir_t)index)) {
        e = fg_err_set(FG_ERR_NOTFOUND, "%s: has no page %d", path, index + 1);
        goto out;
    }
    if (!TIFFGetField(t, TIFFTAG_IMAGEWIDTH, &w) || !TIFFGetField(t, TIFFTAG_IMAGELENGTH, &h)) {
        e = fg_err_set(FG_ERR_FORMAT, "%s: page %d has no width or length", path, index + 1);
        goto out;
    }
    TIFFGetFieldDefaulted(t, TIFFTAG_BITSPERSAMPLE, &bps);
    TIFFGetFieldDefaulted(t, TIFFTAG_SAMPLESPERPIXEL, &spp);
    TIFFGetField(t, TIFFTAG_PHOTOMETRIC, &photometric);
    if (bps != 1 || spp != 1) {
        e = fg_err_set(FG_ERR_FORMAT, "%s: page %d is not bilevel (%u bits x %u samples); fax pages are 1 bit",
                       path, index + 1, bps, spp);
        goto out;
    }
    if (TIFFIsTiled(t)) {
        e = fg_err_set(FG_ERR_UNSUPPORTED, "%s: tiled TIFF pages are not fax pages", path);
        goto out;
    }
    if (w == 0 || h == 0 || w > FG_PAGE_MAX_WIDTH || h > FG_PAGE_MAX_HEIGHT) {
        e = fg_err_set(FG_ERR_TOOBIG, "%s: page %d is %ux%u pixels, outside 1..%d x 1..%d", path, index + 1,
                       w, h, FG_PAGE_MAX_WIDTH, FG_PAGE_MAX_HEIGHT);
        goto out;
    }
    if ((e = fg_page_new((int)w, (int)h, tiff_dpi(t, TIFFTAG_XRESOLUTION, 204),
                         tiff_dpi(t, TIFFTAG_YRESOLUTION, 196), &p)))
        goto out;
    p->partial = TIFFGetField(t, TIFFTAG_IMAGEDESCRIPTION, &desc) && desc && !strcmp(desc, PARTIAL_MARK);
    if (TIFFScanlineSize(t) > p->stride) {
        e = fg_err_set(FG_ERR_FORMAT, "%s: page %d scanline size does not match its width", path, index + 1);
        goto out;
    }
    for (uint32_t y = 0; y < h; y++) {
        if (TIFFReadScanline(t, p->bits + (size_t)y * (size_t)p->stride, y, 0) < 0) {
            e = fg_err_set(FG_ERR_FORMAT, "%s: page %d is damaged or truncated at row %u of %u (%s)", path,
                           index + 1, y, h, tiff_why());
            goto out;
        }
    }
    if (photometric == PHOTOMETRIC_MINISBLACK) {
        size_t n = (size_t)p->stride * (size_t)p->height;

        for (size_t i = 0; i < n; i++)
            p->bits[i] = (uint8_t)~p->bits[i];
    }
    *out = p;
    p = NULL;
    e = FG_OK;
out:
    fg_page_free(p);
    TIFFClose(t);
    return e;
}

fg_err fg_page_write_tiff(const fg_page *p, const char *path, bool append)
{
    TIFF *t;
    int n = 0;
    fg_err e = FG_OK;

    tiff_begin();
    if (append && access(path, F_OK) == 0 && fg_page_tiff_count(path, &n) != FG_OK)
        return fg_err_set(FG_ERR_FORMAT, "%s: cannot append a page to a file that is not a readable TIFF",
                          path);
    errno = 0;
    if (!(t = TIFFOpen(path, append ? "a" : "w")))
        return fg_err_set(errno ? fg_err_from_errno(errno) : FG_ERR_IO, "%s: cannot open for writing (%s)",
                          path, errno ? strerror(errno) : tiff_why());
    TIFFSetField(t, TIFFTAG_SUBFILETYPE, FILETYPE_PAGE);
    TIFFSetField(t, TIFFTAG_IMAGEWIDTH, (uint32_t)p->width);
    TIFFSetField(t, TIFFTAG_IMAGELENGTH, (uint32_t)p->height);
    TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, 1);
    TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, 1);
    TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_CCITTFAX4);
    TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISWHITE);
    TIFFSetField(t, TIFFTAG_FILLORDER, FILLORDER_MSB2LSB);
    TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, (uint32_t)p->height);
    TIFFSetField(t, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH);
    TIFFSetField(t, TIFFTAG_XRESOLUTION, (float)p->xres);
    TIFFSetField(t, TIFFTAG_YRESOLUTION, (float)p->yres);
    TIFFSetField(t, TIFFTAG_PAGENUMBER, (uint16_t)n, (uint16_t)0);
    TIFFSetField(t, TIFFTAG_SOFTWARE, "faxgate");
    if (p->partial)
        TIFFSetField(t, TIFFTAG_IMAGEDESCRIPTION, PARTIAL_MARK);
    for (int y = 0; y < p->height && !e; y++) {
        errno = 0;
        if (TIFFWriteScanline(t, p->bits + (size_t)y * (size_t)p->stride, (uint32_t)y, 0) < 0)
            e = fg_err_set(errno ? fg_err_from_errno(errno) : FG_ERR_IO, "%s: cannot write row %d (%s)", path,
                           y, errno ? strerror(errno) : tiff_why());
    }
    errno = 0;
    if (!e && !TIFFWriteDirectory(t))
        e = fg_err_set(errno ? fg_err_from_errno(errno) : FG_ERR_IO, "%s: cannot write the page directory (%s)",
                       path, errno ? strerror(errno) : tiff_why());
    errno = 0;
    TIFFClose(t);
    if (!e && errno == ENOSPC)
        e = fg_err_set(FG_ERR_NOSPACE, "%s: disk full while closing", path);
    if (e && !append)
        unlink(path);
    return e;
}

/* Grey level below which a pixel is ink: Otsu's threshold over the whole page, kept within what
   ink on paper looks like. Otsu always splits a histogram in two, so a page of light grey and
   white alone would otherwise come out mostly black. */
#define INK_DARKEST_THRESHOLD 60
#define INK_LIGHTEST_THRESHOLD 170

static int ink_threshold(PIX *grey)
{
    PIX *th = NULL;
    l_uint32 t = 128;

    if (!pixOtsuAdaptiveThreshold(grey, pixGetWidth(grey), pixGetHeight(grey), 0, 0, 0.1f, &th, NULL) && th)
        pixGetPixel(th, 0, 0, &t);
    pixDestroy(&th);
    if (t < INK_DARKEST_THRESHOLD)
        t = INK_DARKEST_THRESHOLD;
    if (t > INK_LIGHTEST_THRESHOLD)
        t = INK_LIGHTEST_THRESHOLD;
    return (int)t;
}

fg_err fg_page_import_image(const char *path, int yres, fg_page **out)
{
    PIX *src, *gray = NULL, *scaled = NULL, *bin = NULL;
    fg_page *p = NULL;
    float sx, sy;
    fg_err e;
    int w, h;

    if (yres != 98 && yres != 196)
        return fg_err_set(FG_ERR_INVAL, "fax vertical resolution must be 98 or 196, not %d", yres);
    setMsgSeverity(L_SEVERITY_NONE);
    if (!(src = pixRead(path)))
        return fg_err_set(access(path, R_OK) ? fg_err_from_errno(errno) : FG_ERR_FORMAT,
                          "%s: not an image leptonica can read", path);
    w = pixGetWidth(src);
    h = pixGetHeight(src);
    if (w < 16 || h < 16 || w > 20000 || h > 30000) {
        pixDestroy(&src);
        return fg_err_set(FG_ERR_TOOBIG, "%s: image of %dx%d pixels is not a page", path, w, h);
    }
    /* The page width becomes the fax width (A4/Letter at R8); pixels are taken as square. */
    sx = 1728.0f / (float)w;
    sy = sx * (float)yres / 204.0f;
    if (!(gray = pixConvertTo8(src, 0)) || !(scaled = pixScaleGrayLI(gray, sx, sy)) ||
        !(bin = pixThresholdToBinary(scaled, ink_threshold(scaled)))) {
        e = fg_err_set(FG_ERR_FORMAT, "%s: cannot convert the image to a bilevel page", path);
        goto out;
    }
    if ((e = fg_page_new(pixGetWidth(bin), pixGetHeight(bin), 204, yres, &p)))
        goto out;
    for (int y = 0; y < p->height; y++) {
        const l_uint32 *line = pixGetData(bin) + (size_t)y * (size_t)pixGetWpl(bin);
        uint8_t *row = p->bits + (size_t)y * (size_t)p->stride;

        for (int x = 0; x < p->width; x++)
            if (GET_DATA_BIT(line, x))   /* leptonica 1 bpp: 1 = black, as in fax */
                row[x >> 3] |= (uint8_t)(0x80 >> (x & 7));
    }
    *out = p;
    e = FG_OK;
out:
    pixDestroy(&bin);
    pixDestroy(&scaled);
    pixDestroy(&gray);
    pixDestroy(&src);
    return e;
}

static void hex_digest(struct sha256_ctx *ctx, char hex[65])
{
    uint8_t d[SHA256_DIGEST_SIZE];

    sha256_digest(ctx, sizeof d, d);
    for (size_t i = 0; i < sizeof d; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

fg_err fg_sha256_file(const char *path, char hex[65])
{
    struct sha256_ctx ctx;
    uint8_t buf[65536];
    size_t n;
    FILE *f = fopen(path, "rb");

    if (!f)
        return fg_err_set(fg_err_from_errno(errno), "%s: cannot open: %s", path, strerror(errno));
    sha256_init(&ctx);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        sha256_update(&ctx, n, buf);
    if (ferror(f)) {
        fclose(f);
        return fg_err_set(FG_ERR_IO, "%s: read error", path);
    }
    fclose(f);
    hex_digest(&ctx, hex);
    return FG_OK;
}

void fg_page_sha256(const fg_page *p, char hex[65])
{
    struct sha256_ctx ctx;

    sha256_init(&ctx);
    sha256_update(&ctx, (size_t)p->stride * (size_t)p->height, p->bits);
    hex_digest(&ctx, hex);
}

double fg_page_ink(const fg_page *p)
{
    size_t n = (size_t)p->stride * (size_t)p->height, black = 0;

    for (size_t i = 0; i < n; i++)
        black += (size_t)__builtin_popcount(p->bits[i]);
    return n ? (double)black / ((double)p->width * (double)p->height) : 0.0;
}
