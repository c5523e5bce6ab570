/* faxgatectl decode — a recorded call (WAV, or the RTP streams of a pcap) into its T.30 trace and
 * pages; the pages are written as TIFF G4 and judged as `scan` would judge them. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl.h"

#define USAGE "usage: faxgatectl decode FILE.wav|FILE.pcap [--out DIR] [--no-judge]\n"

/* pcap and pcapng files by their first four octets, whatever they are called. */
static bool looks_like_pcap(const char *path)
{
    unsigned char m[4];

    if (!ctl_file_magic(path, m))
        return false;
    return !memcmp(m, "\xd4\xc3\xb2\xa1", 4) || !memcmp(m, "\xa1\xb2\xc3\xd4", 4) ||
           !memcmp(m, "\x4d\x3c\xb2\xa1", 4) || !memcmp(m, "\xa1\xb2\x3c\x4d", 4) || !memcmp(m, "\x0a\x0d\x0d\x0a", 4);
}

/* The input's file name without folder and extension: the stem of the TIFFs written. */
static void stem(const char *path, char *out, size_t cap)
{
    const char *b = strrchr(path, '/');
    char *dot;

    snprintf(out, cap, "%s", b ? b + 1 : path);
    if ((dot = strrchr(out, '.')) && dot != out)
        *dot = '\0';
    if (!out[0])
        snprintf(out, cap, "decoded");
}

/* A TSI worth handing to the judge: at least one letter or digit (some senders send garbage). */
static const char *usable_tsi(const fg_decode_result *r)
{
    for (const char *s = r->tsi; *s; s++)
        if ((*s >= '0' && *s <= '9') || (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z'))
            return r->tsi;
    return NULL;
}

/* Writes a stream's pages into one multi-page TIFF; *path is left empty when there are none. */
static fg_err write_pages(const fg_decode_result *r, const char *dir, const char *base, size_t idx, char *path,
                          size_t cap)
{
    fg_err e;

    path[0] = '\0';
    if (!r->n_pages)
        return FG_OK;
    if ((size_t)snprintf(path, cap, "%s/%s-%zu.tif", dir, base, idx + 1) >= cap)
        return fg_err_set(FG_ERR_INVAL, "output path %s/%s-%zu.tif is too long", dir, base, idx + 1);
    for (size_t k = 0; k < r->n_pages; k++)
        if ((e = fg_page_write_tiff(r->pages[k], path, k > 0)))
            return e;
    return FG_OK;
}

/* ctl_scan_file prints its verdict record on stdout; with --json the decode output must stay one
   object, so the record is caught in a temporary file and embedded. */
static json_t *judge_captured(ctl *c, const char *tiff, const char *tsi, int *rc)
{
    FILE *tmp = tmpfile();
    int saved;
    json_t *v = NULL;
    char *buf;
    long n;

    fflush(stdout);
    if (!tmp || (saved = dup(STDOUT_FILENO)) < 0) {
        if (tmp)
            fclose(tmp);
        *rc = ctl_fail(fg_err_set(FG_ERR_IO, "cannot capture the verdict record: %s", strerror(errno)), "decode");
        return NULL;
    }
    dup2(fileno(tmp), STDOUT_FILENO);
    *rc = ctl_scan_file(c, tiff, tsi);
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    if ((n = ftell(tmp)) > 0 && (buf = malloc((size_t)n + 1))) {
        rewind(tmp);
        buf[fread(buf, 1, (size_t)n, tmp)] = '\0';
        v = json_loads(buf, 0, NULL);
        free(buf);
    }
    fclose(tmp);
    return v;
}

static json_t *frame_json(const fg_t30_frame *f, size_t stream)
{
    char hex[2 * sizeof f->raw + 1];

    for (int i = 0; i < f->len; i++)
        snprintf(hex + 2 * i, 3, "%02x", f->raw[i]);
    hex[2 * f->len] = '\0';
    return json_pack("{s:I, s:f, s:s, s:s, s:b, s:s, s:s}", "stream", (json_int_t)stream, "at", f->at, "from",
                     f->from, "name", f->name, "crc_ok", f->crc_ok, "info", f->info, "hex", hex);
}

static json_t *page_json(const fg_decode_result *r, size_t k, size_t stream, const char *path)
{
    const fg_page *p = r->pages[k];
    const fg_decode_page_info *pi = &r->page_info[k];
    char bits[65], file[65] = "";
    json_t *o;

    fg_page_sha256(p, bits);
    if (fg_sha256_file(path, file))
        file[0] = '\0';
    o = json_pack("{s:I, s:s, s:I, s:i, s:i, s:i, s:i, s:b, s:f, s:i, s:s, s:s, s:b, s:s, s:s}", "stream",
                  (json_int_t)stream, "path", path, "page", (json_int_t)(k + 1), "width", p->width, "height",
                  p->height, "xres", p->xres, "yres", p->yres, "partial", p->partial, "at", pi->at, "bad_rows",
                  pi->bad_rows, "modem", pi->modem, "coding", pi->coding, "ecm", pi->ecm, "sha256", file,
                  "bitmap_sha256", bits);
    return o;
}

static json_t *stream_json(const fg_decode_result *r, size_t idx)
{
    json_t *o = json_pack("{s:I, s:s, s:f, s:s?, s:s?, s:s?, s:s?, s:I, s:I}", "stream", (json_int_t)idx, "name",
                          r->stream, "seconds", r->seconds, "tsi", r->tsi[0] ? r->tsi : NULL, "csi",
                          r->csi[0] ? r->csi : NULL, "dcs", r->dcs[0] ? r->dcs : NULL, "nsf_vendor",
                          r->nsf_vendor[0] ? r->nsf_vendor : NULL, "rtp_packets", (json_int_t)r->rtp_packets,
                          "rtp_lost", (json_int_t)r->rtp_lost);
    json_t *ev = json_array();

    for (size_t i = 0; i < r->n_bursts; i++) {
        const fg_decode_burst *b = &r->bursts[i];

        json_array_append_new(ev, json_pack("{s:f, s:f, s:s, s:s, s:s}", "at", b->at, "seconds", b->seconds,
                                            "what", b->what, "modem", b->modem, "info", b->info));
    }
    json_object_set_new(o, "events", ev);
    return o;
}

int ctl_decode(ctl *c, int argc, char **argv)
{
    const char *in = NULL, *dir = ".";
    bool judge = true;
    fg_decode_result *res = NULL, one;
    size_t n = 0;
    char base[256];
    json_t *root = NULL, *frames = NULL, *pages = NULL, *streams = NULL;
    fg_err e;
    int rc = 0;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--out") && i + 1 < argc) {
            dir = argv[++i];
        } else if (!strcmp(argv[i], "--no-judge")) {
            judge = false;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "faxgatectl decode: unknown option '%s'\n" USAGE, argv[i]);
            return 2;
        } else if (!in) {
            in = argv[i];
        } else {
            fprintf(stderr, "faxgatectl decode: one recording at a time ('%s' is extra)\n" USAGE, argv[i]);
            return 2;
        }
    }
    if (!in) {
        fprintf(stderr, USAGE);
        return 2;
    }
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return ctl_fail(fg_err_set(fg_err_from_errno(errno), "%s: cannot create the output folder: %s", dir,
                                   strerror(errno)), "decode");
    if (looks_like_pcap(in)) {
        if ((e = fg_decode_pcap(in, &res, &n)))
            return ctl_fail(e, "decode");
    } else {
        if ((e = fg_decode_wav(in, &one)))
            return ctl_fail(e, "decode");
        if (!(res = malloc(sizeof *res))) {
            fg_decode_result_clear(&one);
            return ctl_fail(FG_ERR_NOMEM, "decode");
        }
        res[0] = one;
        n = 1;
    }
    stem(in, base, sizeof base);
    if (c->json) {
        root = json_pack("{s:s}", "file", in);
        json_object_set_new(root, "streams", streams = json_array());
        json_object_set_new(root, "frames", frames = json_array());
        json_object_set_new(root, "pages", pages = json_array());
    }
    for (size_t i = 0; i < n; i++) {
        fg_decode_result *r = &res[i];
        char path[4096];
        json_t *st = NULL;

        if (c->json) {
            json_array_append_new(streams, st = stream_json(r, i + 1));
            for (size_t k = 0; k < r->n_frames; k++)
                json_array_append_new(frames, frame_json(&r->frames[k], i + 1));
        } else {
            fg_decode_print(r, stdout);
        }
        if ((e = write_pages(r, dir, base, i, path, sizeof path))) {
            rc = ctl_fail(e, "decode: writing the pages");
            continue;
        }
        if (!path[0])
            continue;
        if (c->json) {
            for (size_t k = 0; k < r->n_pages; k++)
                json_array_append_new(pages, page_json(r, k, i + 1, path));
        } else {
            printf("  wrote %zu page%s to %s\n", r->n_pages, r->n_pages == 1 ? "" : "s", path);
            fflush(stdout);
        }
        if (judge) {
            int jrc = 0;

            if (c->json) {
                json_t *v = judge_captured(c, path, usable_tsi(r), &jrc);

                json_object_set_new(st, "verdict", v ? v : json_null());
            } else {
                jrc = ctl_scan_file(c, path, usable_tsi(r));
            }
            if (jrc && !rc)
                rc = jrc;
        }
    }
    if (root) {
        char *s = json_dumps(root, JSON_COMPACT);

        if (s)
            puts(s);
        free(s);
        json_decref(root);
    }
    for (size_t i = 0; i < n; i++)
        fg_decode_result_clear(&res[i]);
    free(res);
    return rc;
}
