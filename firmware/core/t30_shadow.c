/* faxgate — t30: page 1's ECM image frames decoded while they arrive (see t30_shadow.h). */
#include <stdlib.h>
#include <string.h>

#include "decode_impl.h"
#include "t30_shadow.h"
#include "t4_decoder.h"

#define FRAME_MAX 256   /* octets of an ECM frame's data (64 or 256) */

struct fg_shadow {
    fg_t4dec dec;
    fg_dec_params p;        /* from the last DCS */
    bool have_dcs;
    uint8_t *blk;           /* 256 * FRAME_MAX: allocated with the first frame (ECM calls only) */
    int16_t len[256];       /* -1: frame not received */
    int next;               /* the block's next frame to decode */
    int count;              /* frames in the block, from its PPS; -1 until then */
    bool started, done, broken;
};

static int no_rows(void *user, const uint8_t buf[], size_t len)
{
    (void)user, (void)buf, (void)len;
    return 0;   /* rows are read from the decoder's buffer while the page arrives */
}

static void new_block(fg_shadow *s)
{
    for (int i = 0; i < 256; i++)
        s->len[i] = -1;
    s->next = 0;
    s->count = -1;
}

fg_err fg_shadow_new(fg_shadow **out)
{
    fg_shadow *s = calloc(1, sizeof *s);

    *out = NULL;
    if (!s)
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate an ECM shadow decoder");
    new_block(s);
    *out = s;
    return FG_OK;
}

void fg_shadow_free(fg_shadow *s)
{
    if (!s)
        return;
    fg_t4dec_close(&s->dec);
    free(s->blk);
    free(s);
}

static bool start(fg_shadow *s)
{
    if (!s->have_dcs || !s->p.ecm || !s->p.encoding || s->p.width <= 0 ||
        (!s->blk && !(s->blk = malloc(256 * FRAME_MAX))) || fg_t4dec_open(&s->dec, no_rows, s)) {
        s->broken = true;   /* a coding we cannot decode (JBIG, JPEG), or no decoder: no early rows */
        return false;
    }
    t4_rx_set_rx_encoding(s->dec.t4, s->p.encoding);
    t4_rx_set_x_resolution(s->dec.t4, s->p.t4_xres);
    t4_rx_set_y_resolution(s->dec.t4, s->p.t4_yres);
    t4_rx_set_image_width(s->dec.t4, s->p.width);
    if (t4_rx_start_page(s->dec.t4)) {
        s->broken = true;
        return false;
    }
    s->started = true;
    return true;
}

/* Decodes the frames that follow the last one decoded without a gap. */
static void feed(fg_shadow *s)
{
    while (s->next < 256 && s->len[s->next] >= 0 && (s->count < 0 || s->next < s->count)) {
        if (s->len[s->next] > 0)
            t4_rx_put_chunk(s->dec.t4, s->blk + (size_t)s->next * FRAME_MAX, s->len[s->next]);
        s->next++;
    }
}

void fg_shadow_frame(fg_shadow *s, const uint8_t *msg, int len)
{
    int fcf;

    if (!s || s->done || s->broken || !msg || len < 3)
        return;
    fcf = msg[2] & 0xFE;
    if (fcf == T30_DCS) {
        fg_dec_params p;

        if (fg_dec_parse_dcs(msg, len, &p)) {
            /* a DCS again within the page (after a CTC, a new training) must not change its coding */
            if (s->started && (p.encoding != s->p.encoding || p.width != s->p.width || p.t4_yres != s->p.t4_yres))
                s->broken = true;
            s->p = p;
            s->have_dcs = true;
        }
    } else if (fcf == T4_FCD) {
        int f = len >= 4 ? msg[3] : -1, n = len - 4;

        if (f < 0 || n > FRAME_MAX || (!s->started && !start(s)))
            return;
        if (s->count >= 0 && s->next >= s->count)
            new_block(s);   /* the last block was complete: this frame is the next block's */
        if (s->len[f] < 0) {   /* a retransmission of a frame we have is the same frame */
            memcpy(s->blk + (size_t)f * FRAME_MAX, msg + 4, (size_t)n);
            s->len[f] = (int16_t)n;
        }
        feed(s);
    } else if (fcf == T30_PPS && len >= 7 && s->started) {
        s->count = msg[6] + 1;
        feed(s);
        if (s->next >= s->count && fg_dec_end_of_page(msg[3]))
            s->done = true;
    } else if (fcf == T30_EOR && s->started) {
        s->broken = true;   /* the sender gave a block up: SpanDSP's rows and ours part */
    }
}

t4_rx_state_t *fg_shadow_t4(fg_shadow *s)
{
    return s && s->started ? s->dec.t4 : NULL;
}

bool fg_shadow_page_done(const fg_shadow *s)
{
    return s && s->done;
}
