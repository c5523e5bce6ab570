/* faxgate — the PCL 5 raster writer (socket:// printers): PackBits, and pages read back by a
   small PCL parser here, row by row, compared with the fax bitmap they came from. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deliver_impl.h"
#include "faxgate/page.h"
#include "testutil.h"

/* ---- PackBits ---- */

/* Decodes PackBits (PCL mode 2) into out (cap bytes, the rest zero-filled as PCL does);
   returns -1 on a malformed stream or one that overflows the row. */
static int unpackbits(const unsigned char *in, size_t n, unsigned char *out, size_t cap)
{
    size_t i = 0, o = 0;

    memset(out, 0, cap);
    while (i < n) {
        signed char c = (signed char)in[i++];

        if (c >= 0) {
            size_t len = (size_t)c + 1;

            if (i + len > n || o + len > cap)
                return -1;
            memcpy(out + o, in + i, len);
            i += len, o += len;
        } else if (c != -128) {
            size_t len = (size_t)(1 - c);

            if (i >= n || o + len > cap)
                return -1;
            memset(out + o, in[i++], len);
            o += len;
        }
    }
    return (int)o;
}

static void roundtrip(const unsigned char *row, size_t n)
{
    unsigned char packed[1024], back[512];
    size_t len = fg_pcl_packbits(row, n, packed);

    assert_true(len <= n + (n + 127) / 128);
    assert_true(unpackbits(packed, len, back, n) >= 0);
    assert_memory_equal(back, row, n);
}

static void test_packbits(void **state)
{
    unsigned char row[400], packed[512];

    (void)state;
    memset(row, 0, sizeof row);
    assert_int_equal(fg_pcl_packbits(row, sizeof row, packed), 0);   /* a white row is empty */
    roundtrip(row, sizeof row);
    memset(row, 0xff, 300);                                           /* runs longer than 128 */
    assert_int_equal(fg_pcl_packbits(row, sizeof row, packed), 6);
    roundtrip(row, sizeof row);
    for (size_t i = 0; i < sizeof row; i++)                           /* no runs at all */
        row[i] = (unsigned char)(i * 37 + 1);
    roundtrip(row, sizeof row);
    for (size_t i = 0; i < sizeof row; i++)                           /* runs of 1, 2 and 3 mixed */
        row[i] = (unsigned char)((i / (1 + i % 3)) & 0x81);
    roundtrip(row, sizeof row);
    row[0] = 0x80, row[1] = 0x80, row[2] = 0x01;                     /* a repeat then a literal */
    roundtrip(row, 3);
    roundtrip(row, 1);
}

/* ---- pages ---- */

/* A PCL 5 raster page as read back: the commands seen and the rows decoded. */
typedef struct pcl_read {
    int page_code, dpi, mode, width, height, x, y, pages, rows, ff;
    bool started, ended, reset_first, reset_last;
    unsigned char *bits;   /* height rows of (width + 7) / 8 bytes, page 1 */
} pcl_read;

/* Parses the PCL 5 subset a printer needs to print our raster; fails the test on anything else. */
static void parse(const unsigned char *d, size_t n, pcl_read *r)
{
    static const char uel[] = "\x1b%-12345X";
    size_t i = 0, stride = 0;

    memset(r, 0, sizeof *r);
    assert_true(n > 20);
    assert_memory_equal(d, uel, 9);
    assert_memory_equal(d + n - 9, uel, 9);
    r->reset_first = d[9] == 0x1b && d[10] == 'E';
    r->reset_last = d[n - 11] == 0x1b && d[n - 10] == 'E';
    i = 9;
    n -= 9;
    while (i < n) {
        char group[3] = "", letter;
        int value = 0, used = 0;

        if (d[i] == '\f') {
            r->ff++, i++;
            continue;
        }
        assert_int_equal(d[i], 0x1b);
        if (d[i + 1] == 'E') {
            i += 2;
            continue;
        }
        /* ESC, a parameterized character and a group character, a value, a final letter */
        group[0] = (char)d[i + 1];
        group[1] = (char)d[i + 2];
        if (d[i + 3] < '0' || d[i + 3] > '9' || sscanf((const char *)d + i + 3, "%d%n", &value, &used) != 1)
            value = used = 0;   /* a command without a value means 0 (ESC * r C) */
        letter = (char)d[i + 3 + used];
        i += 4 + (size_t)used;
        if (!strcmp(group, "&l") && letter == 'A')
            r->page_code = value;
        else if (!strcmp(group, "*t") && letter == 'R')
            r->dpi = value;
        else if (!strcmp(group, "*b") && letter == 'M')
            r->mode = value;
        else if (!strcmp(group, "*r") && letter == 'S')
            r->width = value, stride = ((size_t)value + 7) / 8;
        else if (!strcmp(group, "*r") && letter == 'T')
            r->height = value;
        else if (!strcmp(group, "*p") && (letter == 'x' || letter == 'X')) {
            r->x = value;
            if (letter == 'x') {   /* combined: ESC * p # x # Y */
                assert_int_equal(sscanf((const char *)d + i, "%d%n", &r->y, &used), 1);
                assert_int_equal(d[i + (size_t)used], 'Y');
                i += (size_t)used + 1;
            }
        } else if (!strcmp(group, "*r") && letter == 'A') {
            assert_int_equal(value, 1);
            r->started = true;
            r->pages++;
            if (r->pages == 1)
                assert_non_null(r->bits = calloc((size_t)r->height, stride));
        } else if (!strcmp(group, "*r") && letter == 'C') {
            r->ended = true;
        } else if (!strcmp(group, "*b") && letter == 'W') {
            assert_true(r->started && r->mode == 2);
            assert_true(i + (size_t)value <= n);
            if (r->pages == 1) {
                assert_true(r->rows < r->height);
                if (unpackbits(d + i, (size_t)value, r->bits + (size_t)r->rows * stride, stride) < 0)
                    fail_msg("row %d does not decode", r->rows);
                r->rows++;
            }
            i += (size_t)value;
        } else if (!(!strcmp(group, "&l") && (letter == 'O' || letter == 'E'))) {
            fail_msg("unexpected PCL command ESC %s %d %c", group, value, letter);
        }
    }
}

static bool black(const unsigned char *bits, int width, int x, int y)
{
    size_t stride = ((size_t)width + 7) / 8;

    return bits[(size_t)y * stride + (size_t)(x >> 3)] & (0x80 >> (x & 7));
}

static void fill(fg_page *p, int x0, int y0, int x1, int y1)
{
    for (int y = y0; y < y1 && y < p->height; y++)
        for (int x = x0; x < x1 && x < p->width; x++)
            p->bits[(size_t)y * (size_t)p->stride + (size_t)(x >> 3)] |= (uint8_t)(0x80 >> (x & 7));
}

/* A fine A4 fax page: on A4, fitted into the logical page, the marks where they belong. */
static void test_page_a4(void **state)
{
    fg_page *p;
    pcl_read r;
    char *buf = NULL;
    size_t len = 0;
    FILE *out;

    (void)state;
    assert_int_equal(fg_page_new(1728, 2292, 204, 196, &p), FG_OK);   /* 297 mm */
    fill(p, 0, 0, 1728, 4);          /* a line across the top: the header line must be printed */
    fill(p, 100, 1000, 300, 1100);   /* a block */
    assert_non_null(out = open_memstream(&buf, &len));
    fputs("\x1b%-12345X\x1b" "E\x1b&l26A\x1b&l0O\x1b&l0E", out);
    assert_int_equal(fg_pcl_page(p, fg_media_of(FG_MEDIA_A4), out), FG_OK);
    fputs("\x1b" "E\x1b%-12345X", out);
    fclose(out);
    parse((unsigned char *)buf, len, &r);
    assert_int_equal(r.dpi, 300);
    assert_int_equal(r.mode, 2);
    assert_true(r.ended);
    assert_int_equal(r.ff, 1);
    assert_int_equal(r.rows, r.height);
    /* 215 mm into the 2338-dot logical width, 297 mm into 11.36 in: scaled ~97 %, fits */
    assert_true(r.width <= 2338 && r.width > 2250);
    assert_true(r.y >= 50 && r.y + r.height <= 3507 - 50);
    assert_true(r.x >= 0 && r.x + r.width <= 2338);
    assert_true(black(r.bits, r.width, r.width / 2, 1));      /* the header line */
    assert_true(black(r.bits, r.width, r.width - 1, 1));      /* to its right end */
    {
        double sx = (double)r.width / 1728, sy = (double)r.height / 2292;

        assert_true(black(r.bits, r.width, (int)(200 * sx), (int)(1050 * sy)));
        assert_false(black(r.bits, r.width, (int)(400 * sx), (int)(1050 * sy)));
        assert_false(black(r.bits, r.width, (int)(200 * sx), (int)(1200 * sy)));
    }
    free(r.bits);
    free(buf);
    fg_page_free(p);
}

/* A two-page standard-resolution Letter fax from a TIFF: a whole job, Letter, both pages. */
static void test_job_letter(void **state)
{
    char dir[256], tiff[300];
    fg_page *p;
    pcl_read r;
    char *buf = NULL;
    size_t len = 0;
    FILE *out;

    (void)state;
    assert_int_equal(fg_test_tmpdir(dir, sizeof dir), 0);
    snprintf(tiff, sizeof tiff, "%s/fax.tif", dir);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(fg_page_new(1728, 1078, 204, 98, &p), FG_OK);   /* 11 in */
        fill(p, 864, 500, 900, 540);
        assert_int_equal(fg_page_write_tiff(p, tiff, i > 0), FG_OK);
        fg_page_free(p);
    }
    assert_non_null(out = open_memstream(&buf, &len));
    assert_int_equal(fg_pcl_write(tiff, NULL, out), FG_OK);
    fclose(out);
    parse((unsigned char *)buf, len, &r);
    assert_true(r.reset_first && r.reset_last);
    assert_int_equal(r.page_code, 2);   /* Letter, chosen from the page length */
    assert_int_equal(r.pages, 2);
    assert_int_equal(r.ff, 2);
    assert_int_equal(r.rows, r.height);
    assert_true(r.width <= 2400);
    assert_true(r.y + r.height <= 3300 - 50);
    assert_true(black(r.bits, r.width, r.width / 2 + 5, (int)(520.0 * r.height / 1078)));
    free(r.bits);
    free(buf);
    /* a fax that cannot be read writes nothing */
    assert_non_null(out = open_memstream(&buf, &len));
    assert_int_equal(fg_pcl_write("/nonexistent.tif", NULL, out), FG_ERR_NOTFOUND);
    fclose(out);
    assert_int_equal(len, 0);
    free(buf);
    fg_test_rm_rf(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_packbits),
        cmocka_unit_test(test_page_a4),
        cmocka_unit_test(test_job_letter),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
