/* tsb85 — the pages the gateway stored for a call, compared row by row with the pages sent. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>
#include <tiffio.h>

#include "tsb85.h"

#define MAX_WIDTH 4864   /* pels: the widest fax page (A3 at 400 dpi) */

typedef struct bitmap {
    uint32_t w, h;
    size_t stride;
    uint8_t *bits;    /* 1 = black, MSB the leftmost pel */
} bitmap;

/* Page `page` (0-based) of a TIFF as black-is-1 rows. */
static int load(const char *path, int page, bitmap *b, char *err, size_t errcap)
{
    TIFF *t;
    uint16_t photometric = PHOTOMETRIC_MINISWHITE, bps = 1;

    memset(b, 0, sizeof *b);
    TIFFSetWarningHandler(NULL);
    if (!(t = TIFFOpen(path, "r")))
        return tsb_fail(err, errcap, "cannot open %s", path);
    if (!TIFFSetDirectory(t, (tdir_t)page)) {
        TIFFClose(t);
        return tsb_fail(err, errcap, "%s has no page %d", path, page + 1);
    }
    TIFFGetField(t, TIFFTAG_IMAGEWIDTH, &b->w);
    TIFFGetField(t, TIFFTAG_IMAGELENGTH, &b->h);
    TIFFGetFieldDefaulted(t, TIFFTAG_PHOTOMETRIC, &photometric);
    TIFFGetFieldDefaulted(t, TIFFTAG_BITSPERSAMPLE, &bps);
    b->stride = (size_t)TIFFScanlineSize(t);
    if (bps != 1 || b->w == 0 || b->w > MAX_WIDTH || b->h == 0 || b->h > 100000 || b->stride < (b->w + 7) / 8 ||
        !(b->bits = calloc(b->h, b->stride))) {
        TIFFClose(t);
        return tsb_fail(err, errcap, "page %d of %s is not a bilevel fax page", page + 1, path);
    }
    for (uint32_t y = 0; y < b->h; y++) {
        uint8_t *row = b->bits + y * b->stride;

        if (TIFFReadScanline(t, row, y, 0) < 0) {
            TIFFClose(t);
            free(b->bits);
            return tsb_fail(err, errcap, "cannot read row %u of page %d of %s", y + 1, page + 1, path);
        }
        if (photometric == PHOTOMETRIC_MINISBLACK)
            for (size_t i = 0; i < b->stride; i++)
                row[i] = (uint8_t)~row[i];
    }
    TIFFClose(t);
    return 0;
}

/* 0 if equal, else the first row (1-based) that differs, or -1 if the sizes differ. */
static long compare(const bitmap *a, const bitmap *b)
{
    size_t full = a->w / 8;
    uint8_t tail = (uint8_t)(0xff00 >> (a->w % 8));

    if (a->w != b->w || a->h != b->h)
        return -1;
    for (uint32_t y = 0; y < a->h; y++) {
        const uint8_t *p = a->bits + y * a->stride, *q = b->bits + y * b->stride;

        if (memcmp(p, q, full) || (tail && ((p[full] ^ q[full]) & tail)))
            return (long)y + 1;
    }
    return 0;
}

static int store_pages(const char *db, const char *uuid, char *tiff, size_t cap, int *pages, int *n, char *err,
                       size_t errcap)
{
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;
    int rc = -1;

    *n = 0;
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        tsb_fail(err, errcap, "cannot open the store %s", db);
        goto out;
    }
    sqlite3_busy_timeout(h, 5000);
    if (sqlite3_prepare_v2(h, "SELECT c.tiff, p.page_no FROM calls c JOIN pages p ON p.call_id = c.id "
                           "WHERE c.uuid = ?1 AND p.partial = 0 ORDER BY p.page_no", -1, &st, NULL) != SQLITE_OK) {
        tsb_fail(err, errcap, "cannot read the store %s: %s", db, sqlite3_errmsg(h));
        goto out;
    }
    sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
    tiff[0] = '\0';
    while (sqlite3_step(st) == SQLITE_ROW && *n < 64) {
        const char *t = (const char *)sqlite3_column_text(st, 0);

        snprintf(tiff, cap, "%s", t ? t : "");
        pages[(*n)++] = sqlite3_column_int(st, 1);
    }
    rc = 0;
out:
    sqlite3_finalize(st);
    sqlite3_close(h);
    return rc;
}

int tsb_store_pages_match(const char *db, const char *uuid, const char *const *sent, int nsent, int *checked,
                          char *err, size_t errcap)
{
    char tiff[4096];
    int pages[64], n, rc = 0;
    bitmap *src;

    *checked = 0;
    if (store_pages(db, uuid, tiff, sizeof tiff, pages, &n, err, errcap))
        return -1;
    if (n == 0)
        return 0;
    if (!tiff[0])
        return tsb_fail(err, errcap, "the store names no page file for call %s", uuid);
    if (!(src = calloc((size_t)nsent, sizeof *src)))
        return tsb_fail(err, errcap, "out of memory");
    for (int i = 0; i < nsent && rc == 0; i++)
        rc = load(sent[i], 0, &src[i], err, errcap);
    for (int k = 0; k < n && rc == 0; k++) {
        bitmap got;
        long first = -1;

        if ((rc = load(tiff, pages[k] - 1, &got, err, errcap)))
            break;
        for (int i = 0; i < nsent && first != 0; i++) {
            long d = compare(&src[i], &got);

            if (d != -1 && (first < 0 || d == 0))
                first = d;
        }
        if (first > 0)
            rc = tsb_fail(err, errcap, "page %d the gateway stored differs from the page sent at row %ld", pages[k], first);
        else if (first < 0)
            rc = tsb_fail(err, errcap, "page %d the gateway stored (%u x %u pels) is the size of no page sent", pages[k],
                      got.w, got.h);
        if (first == 0)
            (*checked)++;
        free(got.bits);
    }
    for (int i = 0; i < nsent; i++)
        free(src[i].bits);
    free(src);
    return rc;
}
