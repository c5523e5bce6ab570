/* tsb85 — the pages a script sends: found in the image folder, or (WHITE, DIAGO1, DIAGO2) made
   here with libtiff; coded for the line by SpanDSP's T.4 encoder. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <spandsp.h>
#include <tiffio.h>

#include "tsb85.h"

#define A4_WIDTH 1728   /* pels across 215 mm */
#define A4_ROWS 1143    /* 297 mm at 3.85 lines/mm (standard resolution) */

/* The pages made here, from their definitions in ETSI ETS 300 242 annex B as TSB-85 uses them:
   WHITE (one or two pages) and the one-dimensional coding charts DIAGO1 and DIAGO2, whose rows
   are white up to a diagonal and black after it, so that every run length from 0 to 1727 is
   coded once (DIAGO2 starts its diagonal 728 pels in); their last row is black. TSB-85's
   STAIRSTEP page for ECM: 1728 rows, each with one run of 64 black pels, 64 pels further right
   than the row before, back at the left edge after the right one. */
typedef enum { PAGE_WHITE, PAGE_DIAGO1, PAGE_DIAGO2, PAGE_STAIRSTEP } page_kind;

static const struct {
    const char *name;
    page_kind kind;
    int pages, rows;
} makeable[] = {
    {"etsi_300_242_a4_white.tif", PAGE_WHITE, 1, A4_ROWS},
    {"etsi_300_242_a4_white_2p.tif", PAGE_WHITE, 2, A4_ROWS},
    {"etsi_300_242_a4_diago1.tif", PAGE_DIAGO1, 1, 1002},
    {"etsi_300_242_a4_diago2.tif", PAGE_DIAGO2, 1, 1002},
    {"etsi_300_242_a4_stairstep.tif", PAGE_STAIRSTEP, 1, 1728},
};

static void black(uint8_t *row, int from, int to)
{
    for (int x = from; x <= to && x < A4_WIDTH; x++)
        row[x / 8] |= (uint8_t)(0x80 >> (x % 8));   /* min-is-white, MSB is the leftmost pel */
}

static void paint(uint8_t *row, page_kind kind, int y, int rows)
{
    memset(row, 0, A4_WIDTH / 8);
    if (kind == PAGE_WHITE)
        return;
    if (kind == PAGE_STAIRSTEP) {
        black(row, y * 64 % A4_WIDTH, y * 64 % A4_WIDTH + 63);
        return;
    }
    if (y == rows - 1)
        black(row, 0, A4_WIDTH - 1);
    else
        black(row, y + (kind == PAGE_DIAGO2 ? 728 : 0), A4_WIDTH - 1);
}

static int make_page(const char *path, page_kind kind, int pages, int rows, char *err, size_t errcap)
{
    TIFF *t = TIFFOpen(path, "w");
    uint8_t row[A4_WIDTH / 8];

    if (!t)
        return tsb_fail(err, errcap, "cannot create %s", path);
    for (int p = 0; p < pages; p++) {
        TIFFSetField(t, TIFFTAG_IMAGEWIDTH, A4_WIDTH);
        TIFFSetField(t, TIFFTAG_IMAGELENGTH, rows);
        TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, 1);
        TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, 1);
        TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISWHITE);
        TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_CCITTFAX4);
        TIFFSetField(t, TIFFTAG_FILLORDER, FILLORDER_LSB2MSB);
        TIFFSetField(t, TIFFTAG_XRESOLUTION, 204.0);
        TIFFSetField(t, TIFFTAG_YRESOLUTION, 98.0);
        TIFFSetField(t, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH);
        TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, rows);
        TIFFSetField(t, TIFFTAG_SUBFILETYPE, FILETYPE_PAGE);
        TIFFSetField(t, TIFFTAG_PAGENUMBER, p, pages);
        for (int y = 0; y < rows; y++) {
            paint(row, kind, y, rows);
            if (TIFFWriteScanline(t, row, (uint32_t)y, 0) < 0) {
                TIFFClose(t);
                return tsb_fail(err, errcap, "cannot write %s", path);
            }
        }
        if (!TIFFWriteDirectory(t)) {
            TIFFClose(t);
            return tsb_fail(err, errcap, "cannot write %s", path);
        }
    }
    TIFFClose(t);
    return 0;
}

int tsb_image_path(const char *dir, const char *tmpdir, const char *name, char *path, size_t cap, char *err,
                   size_t errcap)
{
    int m = -1;

    for (size_t i = 0; i < sizeof makeable / sizeof makeable[0]; i++)
        if (!strcmp(name, makeable[i].name))
            m = (int)i;
    if (strchr(name, '/'))
        return tsb_fail(err, errcap, "image name '%s' has a folder in it", name);
    if (dir) {
        snprintf(path, cap, "%s/%s", dir, name);
        if (access(path, R_OK) == 0)
            return 0;
    }
    if (m < 0)
        return tsb_fail(err, errcap, "%s: an ETSI ETS 300 242 test chart this runner does not make, and not in "
                    "the image folder (SpanDSP's test-data/etsi/fax makes it; --images DIR)", name);
    snprintf(path, cap, "%s/%s", tmpdir, name);
    if (access(path, R_OK) == 0)
        return 0;
    return make_page(path, makeable[m].kind, makeable[m].pages, makeable[m].rows, err, errcap);
}

/* TSB-85's corrupted rows: the first bit after the EOL of each listed row is inverted. The
   stream is LSB first; an EOL is eleven 0 bits and a 1. */
static void corrupt_rows(uint8_t *buf, size_t len, const char *list)
{
    int rows[1000], n = 0, row = 0, zeros = 0;
    bool hit = false;

    for (const char *p = list; *p && n < 1000;) {
        char *end;
        long v = strtol(p, &end, 10);

        if (end == p) {
            p++;
            continue;
        }
        rows[n++] = (int)v;
        p = end;
    }
    for (size_t i = 0; i < len; i++)
        for (int b = 0; b < 8; b++) {
            int bit = buf[i] >> b & 1;

            if (hit) {
                buf[i] ^= (uint8_t)(1u << b);
                hit = false;
                zeros = 0;
                continue;
            }
            if (!bit) {
                zeros++;
                continue;
            }
            if (zeros >= 11) {
                row++;
                for (int k = 0; k < n; k++)
                    if (rows[k] == row)
                        hit = true;
            }
            zeros = 0;
        }
}

int tsb_image_encode(const char *path, const char *compression, int min_bits, const char *bad_rows, uint8_t **out,
                     size_t *len, char *err, size_t errcap)
{
    int coding = T4_COMPRESSION_ITU_T4_1D;

    t4_tx_state_t *t4 = t4_tx_init(NULL, path, -1, -1);
    size_t cap = 65536, n = 0;
    uint8_t *buf;

    if (compression && !strcmp(compression, "T.4 2D"))
        coding = T4_COMPRESSION_ITU_T4_2D;
    else if (compression && !strcmp(compression, "T.6"))
        coding = T4_COMPRESSION_ITU_T6;
    else if (compression && strcmp(compression, "T.4 1D")) {
        if (t4)
            t4_tx_free(t4);
        return tsb_fail(err, errcap, "compression '%s' is not one this runner codes (T.4 1D, T.4 2D, T.6)", compression);
    }
    if (!t4)
        return tsb_fail(err, errcap, "SpanDSP cannot read %s as a fax page", path);
    t4_tx_set_tx_encoding(t4, coding);
    t4_tx_set_min_bits_per_row(t4, min_bits);
    t4_tx_set_header_info(t4, NULL);
    if (t4_tx_start_page(t4) || !(buf = malloc(cap))) {
        t4_tx_free(t4);
        return tsb_fail(err, errcap, "cannot start page 1 of %s", path);
    }
    for (;;) {
        int k = t4_tx_get_chunk(t4, buf + n, (int)(cap - n));

        n += (size_t)(k > 0 ? k : 0);
        if (n < cap)
            break;
        {
            uint8_t *p = realloc(buf, cap * 2);

            if (!p) {
                free(buf);
                t4_tx_free(t4);
                return tsb_fail(err, errcap, "out of memory coding %s", path);
            }
            buf = p;
            cap *= 2;
        }
    }
    t4_tx_free(t4);
    if (bad_rows)
        corrupt_rows(buf, n, bad_rows);
    *out = buf;
    *len = n;
    return 0;
}
