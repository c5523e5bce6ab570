/* faxgate — the one place that reads SpanDSP's private state (see t30_impl.h for why).
 *
 * Written against SpanDSP 0.0.6: t4_state_s keeps the decoded page as image_length rows
 * of bytes_per_row bytes in image_buffer, MSB first and 1 = black (what fg_page uses);
 * t30_state_s keeps the ECM frames of the block being received in ecm_data/ecm_len.
 */
#include <string.h>
#include <spandsp.h>
#include <spandsp/expose.h>

#include "t30_impl.h"

/* pixels per metre (SpanDSP) to dots per inch (TIFF, fg_page) */
static int to_dpi(int ppm)
{
    return ppm > 0 ? (int)((double)ppm * 0.0254 + 0.5) : 0;
}

fg_err fg_t30x_rx_rows(t30_state_t *t, bool pending, fg_page **out)
{
    t4_state_t *s = &t->t4.rx;
    fg_page *p;
    fg_err e;

    *out = NULL;
    /* No DCS yet, no page started, or T.4 already released: nothing to take. (The image
       buffer itself is only allocated once the first row has been decoded.) */
    if (!s->rx || !s->tiff.tiff_file || !s->cur_runs || !s->ref_runs || s->bytes_per_row <= 0)
        return FG_OK;
    if (pending && t->error_correcting_mode) {
        /* Frames of an unconfirmed block: SpanDSP decodes them only once the whole block is
           right (at PPS). Those up to the first gap are good (each passed its CRC) and the
           live decoder holds the reference row left by earlier blocks, so feed them to it. */
        for (int i = 0; i < 256 && t->ecm_len[i] >= 0; i++) {
            int end = t4_rx_put_chunk(s, t->ecm_data[i], t->ecm_len[i]);

            t->ecm_len[i] = -1;
            if (end)
                break;
        }
    }
    if (s->image_length <= 0 || !s->image_buffer)
        return FG_OK;
    if ((e = fg_page_new(s->image_width, s->image_length, to_dpi(s->x_resolution), to_dpi(s->y_resolution), &p)))
        return e;
    if (p->stride != s->bytes_per_row || (long)s->image_length * s->bytes_per_row > (long)s->image_buffer_size) {
        fg_page_free(p);
        return fg_err_set(FG_ERR_STATE, "SpanDSP page buffer does not match its width (%d pixels, %d bytes a row)",
                          s->image_width, s->bytes_per_row);
    }
    memcpy(p->bits, s->image_buffer, (size_t)p->height * (size_t)p->stride);
    *out = p;
    return FG_OK;
}

bool fg_t30x_t4_rows(t30_state_t *t, t4_rx_state_t *t4, fg_t30x_rows *out)
{
    t4_state_t *s = t4 ? t4 : &t->t4.rx;

    memset(out, 0, sizeof *out);
    if (!s->rx || !s->image_buffer || s->bytes_per_row <= 0 || s->image_length <= 0 ||
        (long)s->image_length * s->bytes_per_row > (long)s->image_buffer_size ||
        s->bytes_per_row != (s->image_width + 7) / 8)
        return false;
    out->bits = s->image_buffer;
    out->rows = s->image_length;
    out->width = s->image_width;
    out->stride = s->bytes_per_row;
    out->xdpi = to_dpi(s->x_resolution);
    out->ydpi = to_dpi(s->y_resolution);
    return true;
}

bool fg_t30x_ecm(t30_state_t *t)
{
    return t->error_correcting_mode != 0;
}

void fg_t30x_tx_progress(t30_state_t *t, fg_t30x_progress *p)
{
    const t4_state_t *s = &t->t4.tx;

    p->page = t->tx_page_number;
    p->ecm = t->error_correcting_mode != 0;
    p->total = s->rx ? 0 : s->image_size;
    if (p->ecm) {
        /* get_partial_ecm_page() takes a whole block of the image at once, so count frames
           actually handed to HDLC: full blocks before this one, then frames of this block. */
        int f = t->ecm_current_tx_frame < t->ecm_frames ? t->ecm_current_tx_frame : t->ecm_frames;

        p->sent = ((long)t->ecm_block * 256 + (f > 0 ? f : 0)) * t->octets_per_ecm_frame;
    } else {
        p->sent = s->t4_t6_tx.bit_ptr;   /* the modem pulls the image bit by bit */
    }
    if (p->sent > p->total)
        p->sent = p->total;
}
