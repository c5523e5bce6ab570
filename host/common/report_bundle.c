/* faxgate host — the bundle of `faxgatectl report --bundle`: one file to hand to a regulator or a
 * lawyer: the report (PDF), its facts (JSON), each call's TIFF exactly as received, and SHA256SUMS
 * over them, which `sha256sum -c SHA256SUMS` checks once unpacked. libarchive writes POSIX tar
 * (pax) or zip by the name's extension: both are read everywhere without faxgate.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "report_impl.h"

#define SUMS_MAX 8192

typedef struct bundle {
    struct archive *a;
    const char *path;
    char sums[SUMS_MAX * 2];
    size_t sums_len;
    time_t now;
} bundle;

/* libarchive's message, with the system's reason when it has one ("Failed to open 'x.tar'" alone
   does not say why). */
static fg_err arch_fail(struct archive *a, const char *path, const char *what)
{
    int err = archive_errno(a);

    return fg_err_set(err > 0 ? fg_err_from_errno(err) : FG_ERR_IO, "cannot write the bundle %s%s%s%s: %s%s%s", path,
                      what ? " (" : "", what ? what : "", what ? ")" : "", archive_error_string(a),
                      err > 0 ? ": " : "", err > 0 ? strerror(err) : "");
}

static fg_err arch_err(bundle *b, const char *what)
{
    return arch_fail(b->a, b->path, what);
}

static void hex_of(const uint8_t d[SHA256_DIGEST_SIZE], char out[65])
{
    for (size_t i = 0; i < SHA256_DIGEST_SIZE; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void add_sum(bundle *b, const char *hex, const char *name)
{
    b->sums_len += (size_t)snprintf(b->sums + b->sums_len, sizeof b->sums - b->sums_len, "%s  %s\n", hex, name);
    if (b->sums_len >= sizeof b->sums)
        b->sums_len = sizeof b->sums - 1;
}

static fg_err header(bundle *b, const char *name, int64_t size)
{
    struct archive_entry *en = archive_entry_new();
    int rc;

    if (!en)
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate a bundle entry");
    archive_entry_set_pathname(en, name);
    archive_entry_set_size(en, size);
    archive_entry_set_filetype(en, AE_IFREG);
    archive_entry_set_perm(en, 0644);
    archive_entry_set_mtime(en, b->now, 0);
    rc = archive_write_header(b->a, en);
    archive_entry_free(en);
    return rc == ARCHIVE_OK ? FG_OK : arch_err(b, name);
}

/* A member from memory. */
static fg_err add_data(bundle *b, const char *name, const char *data, size_t len, bool sum)
{
    struct sha256_ctx ctx;
    uint8_t d[SHA256_DIGEST_SIZE];
    char hex[65];
    fg_err e;

    if ((e = header(b, name, (int64_t)len)))
        return e;
    if (len && archive_write_data(b->a, data, len) != (la_ssize_t)len)
        return arch_err(b, name);
    if (sum) {
        sha256_init(&ctx);
        sha256_update(&ctx, len, (const uint8_t *)data);
        sha256_digest(&ctx, sizeof d, d);
        hex_of(d, hex);
        add_sum(b, hex, name);
    }
    return FG_OK;
}

/* A member copied from a file, hashed as it is copied (the bytes hashed are the bytes stored).
   *unopened (may be NULL) says that src could not be opened, before anything was written. */
static fg_err add_file(bundle *b, const char *name, const char *src, bool *unopened)
{
    struct sha256_ctx ctx;
    uint8_t d[SHA256_DIGEST_SIZE];
    char buf[65536], hex[65];
    FILE *f = fopen(src, "rb");
    long size;
    size_t n;
    fg_err e;

    if (unopened)
        *unopened = !f;
    if (!f)
        return fg_err_set(fg_err_from_errno(errno), "cannot read %s: %s", src, strerror(errno));
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        e = fg_err_set(FG_ERR_IO, "cannot read %s: %s", src, strerror(errno));
        fclose(f);
        return e;
    }
    if ((e = header(b, name, size))) {
        fclose(f);
        return e;
    }
    sha256_init(&ctx);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        sha256_update(&ctx, n, (const uint8_t *)buf);
        if (archive_write_data(b->a, buf, n) != (la_ssize_t)n) {
            fclose(f);
            return arch_err(b, name);
        }
        size -= (long)n;
    }
    e = ferror(f) ? fg_err_set(FG_ERR_IO, "cannot read %s: %s", src, strerror(errno))
        : size != 0 ? fg_err_set(FG_ERR_IO, "%s changed size while it was copied into the bundle", src)
                    : FG_OK;
    fclose(f);
    if (e)
        return e;
    sha256_digest(&ctx, sizeof d, d);
    hex_of(d, hex);
    add_sum(b, hex, name);
    return FG_OK;
}

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);

    return n >= m && !strcasecmp(s + n - m, tail);
}

bool fg_report_bundle_name_ok(const char *path)
{
    return ends_with(path, ".tar") || ends_with(path, ".zip");
}

/* Each call's TIFF as call-ID.tif; one that cannot be read is left out, and said. */
static fg_err add_tiffs(report_ctx *x, bundle *b, json_t *calls)
{
    bool unopened;
    json_t *r;
    size_t i;
    fg_err e;

    json_array_foreach(calls, i, r) {
        const char *tiff = json_string_value(json_object_get(json_object_get(r, "call"), "tiff"));
        long long id = json_integer_value(json_object_get(r, "call_id"));
        char name[64];

        if (!tiff || !*tiff)
            continue;
        snprintf(name, sizeof name, "call-%lld.tif", id);
        if ((e = add_file(b, name, tiff, &unopened))) {
            if (!unopened)
                return e;   /* a member half written: the bundle is lost */
            report_problem(x, "call %lld: its TIFF is not in the bundle: %s", id, fg_err_msg(e));
        }
    }
    return FG_OK;
}

fg_err report_bundle(report_ctx *x, const char *path, const char *pdf, const char *json, json_t *calls)
{
    bundle *b = calloc(1, sizeof *b);
    bool zip = ends_with(path, ".zip");
    fg_err e;

    if (!b)
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate the bundle");
    if (!fg_report_bundle_name_ok(path)) {
        free(b);
        return fg_err_set(FG_ERR_INVAL, "--bundle takes a file name ending in .tar or .zip, not %s", path);
    }
    b->path = path;
    b->now = time(NULL);
    b->a = archive_write_new();
    if (!b->a || (zip ? archive_write_set_format_zip(b->a) : archive_write_set_format_pax_restricted(b->a)) ||
        archive_write_open_filename(b->a, path) != ARCHIVE_OK) {
        e = b->a ? arch_fail(b->a, path, NULL) : fg_err_set(FG_ERR_NOMEM, "cannot allocate the bundle");
        archive_write_free(b->a);
        free(b);
        return e;
    }
    if (!(e = add_file(b, "report.pdf", pdf, NULL)) && !(e = add_data(b, "report.json", json, strlen(json), true)) &&
        !(e = add_tiffs(x, b, calls)))
        e = add_data(b, "SHA256SUMS", b->sums, b->sums_len, false);
    if (archive_write_close(b->a) != ARCHIVE_OK && !e)
        e = arch_err(b, "closing it");
    archive_write_free(b->a);
    free(b);
    if (e)
        remove(path);   /* half a bundle must not pass for a whole one */
    return e;
}
