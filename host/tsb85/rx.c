/* tsb85 — the tester's receiver: SpanDSP's V.21 demodulator and HDLC deframer, and its CED
   (2100 Hz answer tone) detector, both fed every sample the gateway sends. */
#include <stdlib.h>
#include <string.h>

#include <spandsp.h>

#include "tsb85.h"

#define QUEUE 16
#define STEP 8            /* samples fed at a time: edges and frame ends to 1 ms */
/* Samples from the end of a frame's closing flag on the line to SpanDSP's V.21 demodulator and
   deframer reporting it: measured by test_tsb85, the runner's transmitter into its receiver. */
#define V21_DELAY 23

struct tsb_rx {
    fsk_rx_state_t *fsk;
    hdlc_rx_state_t *hdlc;
    modem_connect_tones_rx_state_t *ced;
    long now;                         /* line time of the block being fed */
    bool carrier;
    int bad;                          /* frames with a bad FCS */
    tsb_frame q[QUEUE];
    int head, count;
    long ced_on, ced_off;
    int32_t floor;                    /* mean square of -43 dBm0: below it the line is quiet */
    bool loud;
    long loud_on, loud_off;           /* line time the signal last rose above / fell below it */
    long last_burst;                  /* loud_on of the burst the last frame came in */
};

/* Bits a frame takes on the line: its octets and FCS with zero bits stuffed after five 1s, and
   the closing flag. */
static int line_bits(const uint8_t *pkt, int len)
{
    uint16_t fcs = crc_itu16_calc(pkt, len, 0xffff) ^ 0xffff;
    uint8_t tail[2] = {(uint8_t)fcs, (uint8_t)(fcs >> 8)};
    int bits = 8, ones = 0;

    for (int i = 0; i < len + 2; i++) {
        uint8_t b = i < len ? pkt[i] : tail[i - len];

        for (int k = 0; k < 8; k++, b >>= 1) {   /* octets go LSB first */
            bits++;
            if (!(b & 1)) {
                ones = 0;
            } else if (++ones == 5) {
                bits++;
                ones = 0;
            }
        }
    }
    return bits;
}

static void on_frame(void *user, const uint8_t *pkt, int len, int ok)
{
    tsb_rx *r = user;
    tsb_frame *f;

    if (len < 0)
        return;   /* a status report from the deframer; the carrier is followed below */
    if (!ok) {
        r->bad++;
        return;
    }
    if (r->count == QUEUE) {          /* keep the newest: the oldest were never asked for */
        r->head = (r->head + 1) % QUEUE;
        r->count--;
    }
    f = &r->q[(r->head + r->count++) % QUEUE];
    f->len = len < (int)sizeof f->buf ? len : (int)sizeof f->buf;
    memcpy(f->buf, pkt, (size_t)f->len);
    /* the frame ended in the millisecond being fed, less the demodulator's delay; its first bit
       came (bits on the line, stuffing and closing flag included) 1/300 s each before that */
    f->end = r->now + STEP / 2 - V21_DELAY;
    f->start = f->end - (long)line_bits(pkt, len) * TSB_RATE / 300;
    f->burst_on = r->loud_on;
    f->quiet_from = r->loud_off < r->loud_on ? r->loud_off : -1;
    f->first_in_burst = r->loud_on != r->last_burst;
    r->last_burst = r->loud_on;
}

static void on_bit(void *user, int bit)
{
    tsb_rx *r = user;

    if (bit >= 0)
        hdlc_rx_put_bit(r->hdlc, bit);
}

static void on_carrier(void *user, int status)
{
    tsb_rx *r = user;

    if (status == SIG_STATUS_CARRIER_UP)
        r->carrier = true;
    else if (status == SIG_STATUS_CARRIER_DOWN)
        r->carrier = false;
}

static void on_tone(void *user, int code, int level, int delay)
{
    tsb_rx *r = user;

    (void)level;
    (void)delay;
    if (code == MODEM_CONNECT_TONES_FAX_CED && r->ced_on < 0)
        r->ced_on = r->now;
    else if (code == MODEM_CONNECT_TONES_NONE && r->ced_on >= 0 && r->ced_off < 0)
        r->ced_off = r->now;
}

tsb_rx *tsb_rx_new(void)
{
    tsb_rx *r = calloc(1, sizeof *r);

    if (!r)
        return NULL;
    r->ced_on = r->ced_off = -1;
    r->loud_on = r->loud_off = r->last_burst = -1;
    r->floor = power_meter_level_dbm0(-43.0f);
    r->hdlc = hdlc_rx_init(NULL, false, true, 5, on_frame, r);
    r->fsk = fsk_rx_init(NULL, &preset_fsk_specs[FSK_V21CH2], FSK_FRAME_MODE_SYNC, on_bit, r);
    r->ced = modem_connect_tones_rx_init(NULL, MODEM_CONNECT_TONES_FAX_CED, on_tone, r);
    if (!r->hdlc || !r->fsk || !r->ced) {
        tsb_rx_free(r);
        return NULL;
    }
    fsk_rx_set_modem_status_handler(r->fsk, on_carrier, r);
    return r;
}

void tsb_rx_free(tsb_rx *r)
{
    if (!r)
        return;
    if (r->fsk)
        fsk_rx_free(r->fsk);
    if (r->hdlc)
        hdlc_rx_free(r->hdlc);
    if (r->ced)
        modem_connect_tones_rx_free(r->ced);
    free(r);
}

void tsb_rx_audio(tsb_rx *r, const int16_t *amp, int n, long now)
{
    /* 1 ms at a time, so that the level's edges and the frames' ends are known to the ms */
    for (int w = 0; w < n; w += STEP) {
        int k = n - w < STEP ? n - w : STEP;
        int64_t sq = 0;

        for (int i = w; i < w + k; i++)
            sq += (int32_t)amp[i] * amp[i];
        if ((sq / k > r->floor) != r->loud) {
            r->loud = !r->loud;
            *(r->loud ? &r->loud_on : &r->loud_off) = now + w;
        }
        r->now = now + w;
        fsk_rx(r->fsk, amp + w, k);
        modem_connect_tones_rx(r->ced, amp + w, k);
    }
}

bool tsb_rx_frame(tsb_rx *r, tsb_frame *f)
{
    if (!r->count)
        return false;
    *f = r->q[r->head];
    r->head = (r->head + 1) % QUEUE;
    r->count--;
    return true;
}

void tsb_rx_drop_frames(tsb_rx *r)
{
    r->count = 0;
}

int tsb_rx_bad_frames(const tsb_rx *r)
{
    return r->bad;
}

bool tsb_rx_carrier(const tsb_rx *r)
{
    return r->carrier;
}

void tsb_rx_ced(const tsb_rx *r, long *on, long *off)
{
    *on = r->ced_on;
    *off = r->ced_off;
}

void tsb_rx_ced_reset(tsb_rx *r)
{
    r->ced_on = r->ced_off = -1;
}

bool tsb_rx_loud(const tsb_rx *r, long *on, long *off)
{
    *on = r->loud_on;
    *off = r->loud_off;
    return r->loud;
}

void tsb_rx_unget(tsb_rx *r, const tsb_frame *f)
{
    if (r->count == QUEUE)
        return;
    r->head = (r->head + QUEUE - 1) % QUEUE;
    r->q[r->head] = *f;
    r->count++;
}
