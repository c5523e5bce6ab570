/* faxgate — decode: image data into pages (SpanDSP's T.4/T.6 decoder, ECM blocks reassembled).
 *
 * Pages come out of t4_rx through its row-write handler, straight into fg_page memory (the
 * decoder, which writes no file, is t4_decoder.c's). That is cleaner than letting it write a TIFF and reading it back: no second codec pass, no file
 * format in between, and the bitmap is exactly what the decoder produced.
 *
 * ECM: FCD frames are kept per block (256 frames); a block is final when the receiver answers its
 * PPS/EOR (MCF, or the next block's PPS when the answer went unheard), and its frames are appended
 * in order to the page's coded data, which is decoded when a PPS-MPS/EOP/EOM ends the page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode_impl.h"
#include "t4_decoder.h"

#define T4_PIECE 256              /* octets fed to t4_rx between checks of the row cap */

static int on_row(void *user, const uint8_t buf[], size_t len)
{
    fg_dec *d = user;

    if (len == 0)
        return 0;   /* end of image */
    if (len != d->row_bytes || d->n_rows >= FG_PAGE_MAX_HEIGHT)
        return -1;
    if (!fg_dec_grow(d, (void **)&d->rows, &d->rows_cap, (d->n_rows + 1) * len, 1))
        return -1;
    memcpy(d->rows + d->n_rows * len, buf, len);
    d->n_rows++;
    return 0;
}

static bool t4_ready(fg_dec *d)
{
    fg_err e = fg_t4dec_open(&d->t4d, on_row, d);

    if (e)
        d->err = e;
    return !e;
}

static bool t4_begin(fg_dec *d)
{
    if (!d->p.encoding || d->p.width <= 0 || !t4_ready(d))
        return false;
    t4_rx_set_rx_encoding(d->t4d.t4, d->p.encoding);
    t4_rx_set_x_resolution(d->t4d.t4, d->p.t4_xres);
    t4_rx_set_y_resolution(d->t4d.t4, d->p.t4_yres);
    t4_rx_set_image_width(d->t4d.t4, d->p.width);
    d->row_bytes = (size_t)(d->p.width + 7) / 8;
    d->n_rows = 0;
    return t4_rx_start_page(d->t4d.t4) == 0;
}

static bool t4_full(const fg_dec *d)
{
    t4_stats_t st;

    t4_rx_get_transfer_statistics(d->t4d.t4, &st);
    return st.length >= FG_PAGE_MAX_HEIGHT;
}

/* Ends the T.4 page and, if it has rows, adds it to the result. */
static void t4_finish(fg_dec *d, double at, bool ecm, bool partial)
{
    fg_decode_result *r = d->out;
    fg_decode_page_info *pi;
    t4_stats_t st;
    fg_page *pg;

    d->n_rows = 0;
    if (t4_rx_end_page(d->t4d.t4) != 0 || d->n_rows == 0)
        return;
    t4_rx_get_transfer_statistics(d->t4d.t4, &st);
    d->burst_rows += (int)d->n_rows;
    if (r->n_pages >= FG_PAGE_MAX_PAGES)
        return;
    if (!fg_dec_grow(d, (void **)&r->pages, &d->pages_cap, r->n_pages + 1, sizeof *r->pages))
        return;
    /* page_info grows with pages: same capacity */
    if (!(pi = realloc(r->page_info, d->pages_cap * sizeof *pi))) {
        d->err = fg_err_set(FG_ERR_NOMEM, "decode: out of memory");
        return;
    }
    r->page_info = pi;
    if ((d->err = fg_page_new(d->p.width, (int)d->n_rows, d->p.xdpi, d->p.ydpi, &pg)))
        return;
    memcpy(pg->bits, d->rows, d->n_rows * d->row_bytes);
    pg->partial = partial;
    pi = &r->page_info[r->n_pages];
    memset(pi, 0, sizeof *pi);
    pi->at = at;
    pi->seconds = fg_dec_secs(d->now) - at;
    pi->bad_rows = st.bad_rows;
    pi->longest_bad_run = st.longest_bad_row_run;
    pi->ecm = ecm;
    snprintf(pi->modem, sizeof pi->modem, "%s", d->modem);
    snprintf(pi->coding, sizeof pi->coding, "%s", fg_dec_coding_str(d->p.encoding));
    r->pages[r->n_pages++] = pg;
}

void fg_dec_page_end(fg_dec *d, bool partial)
{
    if (!d->page_open)
        return;
    d->page_open = false;
    t4_finish(d, d->page_at, false, partial);
    d->last_page_unsure = partial && d->out->n_pages ? (long)d->out->n_pages - 1 : -1;
}

void fg_dec_page_begin(fg_dec *d)
{
    fg_dec_page_end(d, true);
    d->page_open = t4_begin(d);
    d->page_full = d->page_rtc = false;
    d->page_at = fg_dec_secs(d->burst_at);
}

void fg_dec_page_bit(fg_dec *d, int bit)
{
    if (!d->page_open || d->page_full)
        return;
    if (t4_rx_put_bit(d->t4d.t4, bit)) {
        d->page_rtc = true;
        fg_dec_page_end(d, false);
    } else if ((d->bits & 0x3FF) == 0 && t4_full(d)) {
        d->page_full = true;   /* an endless page: keep what fits, ignore the rest of the burst */
        fg_dec_page_end(d, true);
    }
}

/* ---- ECM ------------------------------------------------------------------------------------ */

void fg_dec_ecm_reset(fg_dec *d)
{
    for (int i = 0; i < 256; i++)
        d->blk_len[i] = -1;
    d->blk_any = false;
    d->pps_pending = false;
    d->pps_frames = 0;
}

/* Appends the frames of the current block, in frame order, to the page's coded data. */
static void blk_commit(fg_dec *d)
{
    int n = d->pps_frames;

    for (int i = 0; i < 256; i++)
        if (d->blk_len[i] > 0 && i + 1 > n)
            n = i + 1;
    for (int i = 0; i < n && i < 256; i++) {
        size_t l = d->blk_len[i] > 0 ? (size_t)d->blk_len[i] : 0;

        if (!l)
            continue;   /* a frame never received: the decoder repairs the rows it spoils */
        if (d->ecm_len + l > FG_DEC_ECM_PAGE_MAX) {
            d->ecm_overflow = true;
            break;
        }
        memcpy(d->ecm + d->ecm_len, d->blk + (size_t)i * 256, l);
        d->ecm_len += l;
    }
    fg_dec_ecm_reset(d);
}

void fg_dec_ecm_page_end(fg_dec *d, bool partial)
{
    if (d->blk_any || d->pps_pending)
        blk_commit(d);
    if (d->ecm_len && t4_begin(d)) {
        for (size_t off = 0; off < d->ecm_len && !t4_full(d); off += T4_PIECE) {
            size_t l = d->ecm_len - off < T4_PIECE ? d->ecm_len - off : T4_PIECE;

            if (t4_rx_put_chunk(d->t4d.t4, d->ecm + off, (int)l))
                break;   /* end of page (RTC/EOFB) */
        }
        t4_finish(d, d->ecm_at, true, partial || d->ecm_overflow);
    }
    d->ecm_len = 0;
    d->ecm_overflow = false;
    d->ecm_started = false;
}

void fg_dec_ecm_frame(void *user, const uint8_t *msg, int len, int ok)
{
    fg_dec *d = user;
    int n;

    if (len < 4 || !ok || msg[0] != 0xFF || (msg[2] & 0xFE) != T4_FCD)
        return;   /* RCP frames only mark the end of a block's data */
    n = len - 4;
    if (n > 256)
        return;
    memcpy(d->blk + (size_t)msg[3] * 256, msg + 4, (size_t)n);
    d->blk_len[msg[3]] = (int16_t)n;
    d->blk_any = true;
    d->burst_frames++;
}


bool fg_dec_end_of_page(uint8_t t)
{
    switch (t & 0xFE) {
    case T30_MPS:
    case T30_EOP:
    case T30_EOM:
    case T30_PRI_MPS:
    case T30_PRI_EOP:
    case T30_PRI_EOM:
        return true;
    default:
        return false;
    }
}

bool fg_dec_ecm_pending(const fg_dec *d)
{
    return d->ecm_started || d->blk_any || d->pps_pending || d->ecm_len;
}

void fg_dec_ecm_pps(fg_dec *d, const uint8_t *fr, int len)
{
    if (len < 7)
        return;
    if (d->pps_pending && (fr[4] != d->pps_page || fr[5] != d->pps_block)) {
        bool eop = fg_dec_end_of_page(d->pps_fcf2);

        blk_commit(d);   /* the answer to the last block went unheard, yet the sender moved on */
        if (eop)
            fg_dec_ecm_page_end(d, false);
    }
    d->pps_pending = true;
    d->pps_fcf2 = fr[3];
    d->pps_page = fr[4];
    d->pps_block = fr[5];
    d->pps_frames = fr[6] + 1;
}

void fg_dec_ecm_answered(fg_dec *d)
{
    bool eop;

    if (!d->pps_pending)
        return;
    eop = fg_dec_end_of_page(d->pps_fcf2);
    blk_commit(d);
    if (eop)
        fg_dec_ecm_page_end(d, false);
}

void fg_dec_page_cleanup(fg_dec *d)
{
    fg_t4dec_close(&d->t4d);
    free(d->rows);
    free(d->blk);
    free(d->ecm);
}
