/* tsb85 — the steps that send (T steps). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "run_impl.h"

/* A burst being put together: its flags and frames, the frames' bytes in one arena. */
typedef struct burst {
    tsb_hdlc_item *items;
    int n, cap;
    uint8_t *arena;
    size_t used, size;
} burst;

static int add(burst *b, int flags, const uint8_t *frame, int len, bool bad_fcs)
{
    tsb_hdlc_item *it;

    if (b->n == b->cap) {
        tsb_hdlc_item *p = realloc(b->items, (size_t)(b->cap = b->cap ? 2 * b->cap : 64) * sizeof *p);

        if (!p)
            return -1;
        b->items = p;
    }
    it = &b->items[b->n++];
    memset(it, 0, sizeof *it);
    it->flags = flags;
    if (frame) {
        if (b->used + (size_t)len > b->size) {
            uint8_t *p;
            size_t size = b->size ? b->size : 65536;

            while (size < b->used + (size_t)len)
                size *= 2;
            /* items point into the arena: re-point them when it moves */
            if (!(p = realloc(b->arena, size)))
                return -1;
            for (int i = 0; i < b->n - 1; i++)
                if (b->items[i].frame)
                    b->items[i].frame = p + (b->items[i].frame - b->arena);
            b->arena = p;
            b->size = size;
        }
        memcpy(b->arena + b->used, frame, (size_t)len);
        it->frame = b->arena + b->used;
        it->len = len;
        it->bad_fcs = bad_fcs;
        b->used += (size_t)len;
    }
    return 0;
}

/* T PP: one block of a page in error correction mode (T.4 annex A): the coded page cut into
   frames of frame_size octets, FCD frames (FF 03 06, the frame's number in its block, the data)
   for block `block` (256 frames each), the frame numbered crc_error (counted from the start of the
   page) sent with a bad FCS, then three RCP frames (FF 03 86). */
static tsb_result add_partial_page(runner *r, burst *b, const tsb_step *st)
{
    int fs = st->frame_size > 0 ? st->frame_size : 64, blk = st->block > 0 ? st->block : 0;
    int min_bits = st->min_bits ? atoi(st->min_bits) : 0;
    char path[4096], err[600];
    uint8_t *page, frame[4 + 256];
    size_t len, from, to;

    if (fs != 64 && fs != 256)
        return run_failed(r, st, "frame_size %d: ECM frames are 64 or 256 octets", fs);
    if (tsb_image_path(r->o->image_dir, r->o->tmpdir, st->value ? st->value : "", path, sizeof path, err,
                       sizeof err) ||
        tsb_image_encode(path, st->compression, min_bits, NULL, &page, &len, err, sizeof err))
        return run_failed(r, st, "%s", err);
    from = (size_t)blk * 256 * (size_t)fs;
    to = from + 256 * (size_t)fs < len ? from + 256 * (size_t)fs : len;
    /* The page the gateway stores is the chart only if its blocks are the chart's, in order, from
       one coding (OREN01 continues a page with a block of another coding of it). */
    {
        char key[4400];
        bool pieced;

        snprintf(key, sizeof key, "%s|%s|%d|%d", path, st->compression ? st->compression : "", min_bits, fs);
        pieced = r->ecm_next ? strcmp(key, r->ecm_page) || blk != r->ecm_next : blk != 0;
        run_sent(r, path, st->crc_error >= 0 || pieced);
        snprintf(r->ecm_page, sizeof r->ecm_page, "%s", key);
        r->ecm_next = to < len ? blk + 1 : 0;
    }
    if (from >= len) {
        free(page);
        return run_failed(r, st, "block %d: the page has %zu octets, %d blocks", blk, len,
                          (int)((len + 256 * (size_t)fs - 1) / (256 * (size_t)fs)));
    }
    for (size_t at = from; at < to; at += (size_t)fs) {
        size_t k = to - at < (size_t)fs ? to - at : (size_t)fs;
        int no = (int)(at / (size_t)fs);

        frame[0] = 0xff;
        frame[1] = 0x03;
        frame[2] = 0x06;   /* FCD */
        frame[3] = (uint8_t)no;
        memcpy(frame + 4, page + at, k);
        if (add(b, 0, frame, 4 + (int)k, st->crc_error == no)) {
            free(page);
            return run_failed(r, st, "out of memory");
        }
    }
    free(page);
    frame[2] = 0x86;   /* RCP, three times */
    for (int k = 0; k < 3; k++)
        if (add(b, 0, frame, 3, false))
            return run_failed(r, st, "out of memory");
    return TSB_PASS;
}

/* PREAMBLE, HDLC frames or PP blocks (more PREAMBLEs between them: more flags) and the POSTAMBLE:
   one HDLC transmission, on V.21 or (ECM pages) on the fast modem the PREAMBLE names. Without a
   POSTAMBLE it stops at the end of the last frame, as SpanDSP's tester does when the next step is
   not one of these. *i is left on the burst's last step. */
tsb_result run_send_burst(runner *r, int *i)
{
    const tsb_step *first = &r->t->steps[*i];
    bool fast = first->modem && strcasecmp(first->modem, "V.21");
    int rate = fast ? tsb_modem_rate(first->modem) : 300, k;
    burst b = {0};
    tsb_result res = TSB_PASS;
    char err[200];

    for (k = *i; k < r->t->nsteps && res == TSB_PASS; k++) {
        const tsb_step *st = &r->t->steps[k];
        bool post = !strcasecmp(st->type, "POSTAMBLE"), pre = !strcasecmp(st->type, "PREAMBLE");
        pattern p;

        if (st->dir != 'T' || (!pre && !post && strcasecmp(st->type, "HDLC") && strcasecmp(st->type, "PP")))
            break;
        if (pre || post) {
            /* after a fast modem's training, 200 ms of flags unless the script says how many */
            int flags = st->value ? atoi(st->value) : post ? 5 : fast ? rate / 40 : 37;

            if (add(&b, flags, NULL, 0, false))
                res = run_failed(r, st, "out of memory");
            if (post) {
                k++;
                break;
            }
            continue;
        }
        if (!strcasecmp(st->type, "PP")) {
            res = fast ? add_partial_page(r, &b, st) : run_failed(r, st, "an ECM block on V.21");
            continue;
        }
        /* "..." in a frame to send adds nothing: the bytes before it are the frame */
        if (!st->value || run_parse_pattern(st->value, &p))
            res = run_failed(r, st, "cannot read the frame '%s'", st->value ? st->value : "");
        else if (add(&b, 0, p.b, p.len, st->crc_error >= 0))
            res = run_failed(r, st, "out of memory");
    }
    *i = k - 1;
    if (res == TSB_PASS) {
        uint8_t *oct = NULL;
        size_t n = 0;

        if (!fast && tsb_audio_v21_burst(&r->tx, b.items, b.n))
            res = run_failed(r, first, "cannot make the V.21 audio");
        else if (fast && (tsb_hdlc_octets(b.items, b.n, &oct, &n) ||
                          tsb_audio_fast(&r->tx, first->modem, oct, n, false, true, err, sizeof err)))
            res = run_failed(r, first, "cannot make the %s audio", first->modem);
        free(oct);
    }
    free(b.items);
    free(b.arena);
    if (res != TSB_PASS)
        return res;
    return run_flush(r) ? TSB_FAIL : TSB_PASS;
}

tsb_result run_send_tcf(runner *r, const tsb_step *st)
{
    int n = st->value ? atoi(st->value) : 450, ones = st->pattern ? atoi(st->pattern) : 0;
    uint8_t *buf;
    char err[200];
    int rc;

    if (n <= 0 || n > 100000 || !(buf = calloc((size_t)n, 1)))
        return run_failed(r, st, "bad TCF length '%s'", st->value ? st->value : "");
    /* as SpanDSP's tester: `pattern` bytes of 0x55 (01010…) first, zeros for the rest */
    memset(buf, 0x55, (size_t)(ones < n ? ones : n));
    rc = tsb_audio_fast(&r->tx, st->modem ? st->modem : "", buf, (size_t)n, true, false, err, sizeof err);
    free(buf);
    if (rc)
        return run_failed(r, st, "%s", err);
    return run_flush(r) ? TSB_FAIL : TSB_PASS;
}

tsb_result run_send_page(runner *r, const tsb_step *st)
{
    char path[4096], err[600];
    uint8_t *bits;
    size_t len;
    /* the DCS of every receive test says 20 ms minimum scan line time */
    int min_bits = st->min_bits ? atoi(st->min_bits) : tsb_modem_rate(st->modem) * 20 / 1000, rc;

    if (tsb_image_path(r->o->image_dir, r->o->tmpdir, st->value ? st->value : "", path, sizeof path, err,
                       sizeof err) ||
        tsb_image_encode(path, st->compression, min_bits, st->bad_rows, &bits, &len, err, sizeof err))
        return run_failed(r, st, "%s", err);
    run_sent(r, path, st->bad_rows != NULL);
    rc = tsb_audio_fast(&r->tx, st->modem ? st->modem : "", bits, len, false, false, err, sizeof err);
    free(bits);
    if (rc)
        return run_failed(r, st, "%s", err);
    return run_flush(r) ? TSB_FAIL : TSB_PASS;
}

/* Notes a page file sent (once), or that a page went out broken on purpose: then what the
   gateway stored cannot be compared with it. */
void run_sent(runner *r, const char *path, bool damaged)
{
    r->damaged |= damaged;
    for (int i = 0; i < r->nsent; i++)
        if (!strcmp(r->sent[i], path))
            return;
    if (r->nsent < (int)(sizeof r->sent / sizeof r->sent[0]) && (r->sent[r->nsent] = strdup(path)))
        r->nsent++;
}
