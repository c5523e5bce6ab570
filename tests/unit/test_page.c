/* faxgate — pages: TIFF G4 round trips, appending, hostile TIFFs (truncated, oversized, not
 * bilevel), photometric conventions, image import to fax geometry, hashes. */
#include <leptonica/allheaders.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>

#include "faxgate/page.h"
#include "testutil.h"

typedef struct fixture {
    char dir[256];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);

    if (!f || fg_test_tmpdir(f->dir, sizeof f->dir))
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;

    fg_test_rm_rf(f->dir);
    free(f);
    return 0;
}

/* A page with a recognisable pattern: a frame and diagonal bars. */
static fg_page *pattern(int w, int h, int yres)
{
    fg_page *p = NULL;

    assert_int_equal(fg_page_new(w, h, 204, yres, &p), FG_OK);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            if (x < 4 || y < 4 || x >= w - 4 || y >= h - 4 || ((x + y) / 16) % 5 == 0)
                p->bits[(size_t)y * (size_t)p->stride + (size_t)(x >> 3)] |= (uint8_t)(0x80 >> (x & 7));
    return p;
}

static void assert_same_page(const fg_page *a, const fg_page *b)
{
    assert_int_equal(a->width, b->width);
    assert_int_equal(a->height, b->height);
    assert_int_equal(a->xres, b->xres);
    assert_int_equal(a->yres, b->yres);
    assert_memory_equal(a->bits, b->bits, (size_t)a->stride * (size_t)a->height);
}

static void test_round_trip_and_append(void **state)
{
    fixture *f = *state;
    fg_page *p1 = pattern(1728, 1143, 98), *p2 = pattern(1728, 2286, 196), *r = NULL;
    char path[300], h1[65], h2[65];
    int n = 0;

    snprintf(path, sizeof path, "%s/two.tif", f->dir);
    assert_int_equal(fg_page_write_tiff(p1, path, false), FG_OK);
    p2->partial = true;
    assert_int_equal(fg_page_write_tiff(p2, path, true), FG_OK);
    assert_int_equal(fg_page_tiff_count(path, &n), FG_OK);
    assert_int_equal(n, 2);
    assert_int_equal(fg_page_read_tiff(path, 0, &r), FG_OK);
    assert_same_page(p1, r);
    fg_page_sha256(p1, h1);
    fg_page_sha256(r, h2);
    assert_string_equal(h1, h2);
    fg_page_free(r);
    assert_int_equal(fg_page_read_tiff(path, 1, &r), FG_OK);
    assert_same_page(p2, r);
    fg_page_free(r);
    assert_int_equal(fg_page_read_tiff(path, 2, &r), FG_ERR_NOTFOUND);
    assert_non_null(strstr(fg_err_msg(FG_ERR_NOTFOUND), "has no page 3"));
    /* the partial page says so in the file */
    TIFF *t = TIFFOpen(path, "r");
    char *desc = NULL;
    assert_non_null(t);
    assert_true(TIFFSetDirectory(t, 1));
    assert_true(TIFFGetField(t, TIFFTAG_IMAGEDESCRIPTION, &desc));
    assert_non_null(strstr(desc, "partial page"));
    TIFFClose(t);
    fg_page_free(p1);
    fg_page_free(p2);
}

static void test_truncated(void **state)
{
    fixture *f = *state;
    fg_page *p = pattern(1728, 2286, 196), *r = NULL;
    char path[300], cut[300];
    size_t len = 0;
    char *bytes;
    fg_err e;

    snprintf(path, sizeof path, "%s/full.tif", f->dir);
    snprintf(cut, sizeof cut, "%s/cut.tif", f->dir);
    assert_int_equal(fg_page_write_tiff(p, path, false), FG_OK);
    assert_non_null(bytes = fg_test_read_file(path, &len));
    /* keep the header and half of the image data: the directory at the end is gone */
    assert_int_equal(fg_test_write_file(cut, bytes, len / 2), 0);
    e = fg_page_read_tiff(cut, 0, &r);
    assert_int_not_equal(e, FG_OK);
    assert_null(r);
    assert_non_null(strstr(fg_err_msg(e), cut));
    /* only the 8-byte header */
    assert_int_equal(fg_test_write_file(cut, bytes, 8), 0);
    e = fg_page_tiff_count(cut, &(int){0});
    assert_int_equal(e, FG_ERR_FORMAT);
    assert_non_null(strstr(fg_err_msg(e), "not a readable TIFF"));
    /* nothing at all, and a missing file */
    assert_int_equal(fg_test_write_file(cut, "", 0), 0);
    assert_int_equal(fg_page_read_tiff(cut, 0, &r), FG_ERR_FORMAT);
    assert_int_equal(fg_page_read_tiff("/nonexistent/x.tif", 0, &r), FG_ERR_NOTFOUND);
    free(bytes);
    fg_page_free(p);
}

/* Writes a TIFF header claiming a size or format through libtiff, with a tiny strip. */
static void write_claim(const char *path, uint32_t w, uint32_t h, uint16_t bps, uint16_t spp)
{
    TIFF *t = TIFFOpen(path, "w");
    uint8_t row[64] = {0};

    assert_non_null(t);
    TIFFSetField(t, TIFFTAG_IMAGEWIDTH, w);
    TIFFSetField(t, TIFFTAG_IMAGELENGTH, h);
    TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, bps);
    TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, spp);
    TIFFSetField(t, TIFFTAG_PHOTOMETRIC, spp == 3 ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK);
    TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_NONE);
    TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, 1);
    TIFFWriteRawStrip(t, 0, row, sizeof row);
    TIFFWriteDirectory(t);
    TIFFClose(t);
}

static void test_oversized_and_not_bilevel(void **state)
{
    fixture *f = *state;
    fg_page *r = NULL;
    char path[300];
    fg_err e;

    snprintf(path, sizeof path, "%s/huge.tif", f->dir);
    write_claim(path, 100000, 200000, 1, 1);
    e = fg_page_read_tiff(path, 0, &r);
    assert_int_equal(e, FG_ERR_TOOBIG);
    assert_non_null(strstr(fg_err_msg(e), "100000x200000"));
    assert_null(r);

    snprintf(path, sizeof path, "%s/grey.tif", f->dir);
    write_claim(path, 64, 1, 8, 1);
    e = fg_page_read_tiff(path, 0, &r);
    assert_int_equal(e, FG_ERR_FORMAT);
    assert_non_null(strstr(fg_err_msg(e), "not bilevel"));

    snprintf(path, sizeof path, "%s/rgb.tif", f->dir);
    write_claim(path, 16, 1, 8, 3);
    assert_int_equal(fg_page_read_tiff(path, 0, &r), FG_ERR_FORMAT);

    /* a page the size of no fax: refused before any allocation */
    assert_int_equal(fg_page_new(0, 10, 204, 196, &r), FG_ERR_TOOBIG);
    assert_int_equal(fg_page_new(FG_PAGE_MAX_WIDTH + 1, 10, 204, 196, &r), FG_ERR_TOOBIG);
    assert_null(r);
}

/* PHOTOMETRIC_MINISBLACK stores 1 as white: it must come back as our 1 = black. */
static void test_minisblack_is_inverted(void **state)
{
    fixture *f = *state;
    uint8_t row[2] = {0xF0, 0x0F};
    fg_page *r = NULL;
    char path[300];
    TIFF *t;

    snprintf(path, sizeof path, "%s/mb.tif", f->dir);
    assert_non_null(t = TIFFOpen(path, "w"));
    TIFFSetField(t, TIFFTAG_IMAGEWIDTH, 16);
    TIFFSetField(t, TIFFTAG_IMAGELENGTH, 1);
    TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, 1);
    TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, 1);
    TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
    TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_NONE);
    TIFFSetField(t, TIFFTAG_XRESOLUTION, 80.0f);
    TIFFSetField(t, TIFFTAG_YRESOLUTION, 38.5f);
    TIFFSetField(t, TIFFTAG_RESOLUTIONUNIT, RESUNIT_CENTIMETER);
    TIFFWriteScanline(t, row, 0, 0);
    TIFFClose(t);
    assert_int_equal(fg_page_read_tiff(path, 0, &r), FG_OK);
    assert_int_equal(r->bits[0], 0x0F);
    assert_int_equal(r->bits[1], 0xF0);
    assert_int_equal(r->xres, 203);   /* 80 dots/cm */
    assert_int_equal(r->yres, 98);    /* 38.5 lines/cm: standard resolution */
    fg_page_free(r);
}

static void test_import_to_fax_geometry(void **state)
{
    fixture *f = *state;
    fg_page *r = NULL;
    char path[300];
    PIX *pix = pixCreate(850, 1100, 8);

    /* a grey "scan" at 100 dpi: light background, a white patch (not ink), a dark block */
    pixSetAllArbitrary(pix, 230);
    pixRasterop(pix, 500, 500, 200, 200, PIX_SET, NULL, 0, 0);
    pixRasterop(pix, 100, 100, 300, 50, PIX_CLR, NULL, 0, 0);
    snprintf(path, sizeof path, "%s/scan.png", f->dir);
    assert_int_equal(pixWrite(path, pix, IFF_PNG), 0);
    pixDestroy(&pix);
    assert_int_equal(fg_page_import_image(path, 196, &r), FG_OK);
    assert_int_equal(r->width, 1728);
    assert_int_equal(r->xres, 204);
    assert_int_equal(r->yres, 196);
    assert_in_range(r->height, 2146, 2151);   /* 1100 * 1728/850 * 196/204 = 2148.5 */
    /* the dark block is 300x50 of 850x1100: 1.6 % of the page, and nothing else is ink */
    assert_true(fg_page_ink(r) > 0.014 && fg_page_ink(r) < 0.018);
    fg_page_free(r);
    assert_int_equal(fg_page_import_image(path, 98, &r), FG_OK);
    assert_in_range(r->height, 1072, 1076);   /* 1074.2 */
    fg_page_free(r);
    assert_int_equal(fg_page_import_image(path, 150, &r), FG_ERR_INVAL);
    snprintf(path, sizeof path, "%s/not-an-image.png", f->dir);
    assert_int_equal(fg_test_write_file(path, "hello", 5), 0);
    assert_int_equal(fg_page_import_image(path, 196, &r), FG_ERR_FORMAT);
}

static void test_file_hash(void **state)
{
    fixture *f = *state;
    char path[300], hex[65];

    snprintf(path, sizeof path, "%s/abc", f->dir);
    assert_int_equal(fg_test_write_file(path, "abc", 3), 0);
    assert_int_equal(fg_sha256_file(path, hex), FG_OK);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_int_equal(fg_sha256_file("/nonexistent", hex), FG_ERR_NOTFOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip_and_append, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_oversized_and_not_bilevel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_minisblack_is_inverted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_to_fax_geometry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_hash, setup, teardown),
    };

    return cmocka_run_group_tests_name("page", tests, NULL, NULL);
}
