/* tsb85 — the steps that send (T steps). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "run_impl.h"

/* ---- the transmit steps -------------------------------------------------------------------- */

/* PREAMBLE, HDLC frames (more PREAMBLEs between them: more flags) and the POSTAMBLE: one V.21
   transmission. Without a POSTAMBLE it stops at the end of the last frame, as SpanDSP's tester
   does when the next step is not one of these. *i is left on the burst's last step. */
tsb_result run_send_burst(runner *r, int *i)
{
    enum { MAX_ITEMS = 32 };
    tsb_hdlc_item items[MAX_ITEMS];
    uint8_t data[MAX_ITEMS][256];
    const tsb_step *first = &r->t->steps[*i];
    int n = 0, k;

    for (k = *i; k < r->t->nsteps && n < MAX_ITEMS; k++) {
        const tsb_step *st = &r->t->steps[k];
        bool post = !strcasecmp(st->type, "POSTAMBLE");
        pattern p;

        if (st->dir != 'T' || (strcasecmp(st->type, "PREAMBLE") && strcasecmp(st->type, "HDLC") && !post))
            break;
        memset(&items[n], 0, sizeof items[n]);
        if (strcasecmp(st->type, "HDLC")) {
            items[n++].flags = st->value ? atoi(st->value) : post ? 5 : 37;
            if (post) {
                k++;
                break;
            }
            continue;
        }
        /* "..." in a frame to send adds nothing: the bytes before it are the frame */
        if (!st->value || run_parse_pattern(st->value, &p))
            return run_failed(r, st, "cannot read the frame '%s'", st->value ? st->value : "");
        memcpy(data[n], p.b, (size_t)p.len);
        items[n].frame = data[n];
        items[n].len = p.len;
        items[n++].bad_fcs = st->crc_error >= 0;
    }
    *i = k - 1;
    if (tsb_audio_v21_burst(&r->tx, items, n))
        return run_failed(r, first, "cannot make the V.21 audio");
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
    rc = tsb_audio_fast(&r->tx, st->modem ? st->modem : "", bits, len, false, false, err, sizeof err);
    free(bits);
    if (rc)
        return run_failed(r, st, "%s", err);
    return run_flush(r) ? TSB_FAIL : TSB_PASS;
}
