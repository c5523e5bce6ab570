/* tsb85 — the tester's transmitter: SpanDSP's HDLC framer, V.21 and the fast modems, rendered
   into audio before it is played, so that a step's length in line time is known exactly. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <spandsp.h>

#include "tsb85.h"

#define MAX_SECONDS 600   /* no step of a script sends for longer than this */

static int grow(tsb_audio *a, size_t more)
{
    if (a->len + more > a->cap) {
        size_t cap = a->cap ? a->cap : 8000;
        int16_t *p;

        while (cap < a->len + more)
            cap *= 2;
        if (!(p = realloc(a->amp, cap * sizeof *p)))
            return -1;
        a->amp = p;
        a->cap = cap;
    }
    return 0;
}

int tsb_audio_silence(tsb_audio *a, long samples)
{
    if (samples <= 0)
        return 0;
    if (grow(a, (size_t)samples))
        return -1;
    memset(a->amp + a->len, 0, (size_t)samples * sizeof *a->amp);
    a->len += (size_t)samples;
    return 0;
}

void tsb_audio_free(tsb_audio *a)
{
    free(a->amp);
    memset(a, 0, sizeof *a);
}

/* Bits from a byte buffer; msb_first for HDLC octets (as hdlc_tx gives them), else LSB first
   (T.4 image data and TCF, as they go on the line). */
typedef struct bitsrc {
    const uint8_t *buf;
    size_t len, pos;
    int bit;
    bool msb_first;
} bitsrc;

static int next_bit(void *user)
{
    bitsrc *b = user;
    int v;

    if (b->pos >= b->len)
        return SIG_STATUS_END_OF_DATA;
    v = b->msb_first ? b->buf[b->pos] >> (7 - b->bit) & 1 : b->buf[b->pos] >> b->bit & 1;
    if (++b->bit == 8) {
        b->bit = 0;
        b->pos++;
    }
    return v;
}

typedef int (*modem_fn)(void *state, int16_t *amp, int len);

static int run_fsk(void *m, int16_t *amp, int len) { return fsk_tx(m, amp, len); }
static int run_v27ter(void *m, int16_t *amp, int len) { return v27ter_tx(m, amp, len); }
static int run_v29(void *m, int16_t *amp, int len) { return v29_tx(m, amp, len); }
static int run_v17(void *m, int16_t *amp, int len) { return v17_tx(m, amp, len); }

/* Runs a transmitter until it has sent everything and shut down. */
static int render(tsb_audio *a, modem_fn fn, void *state)
{
    for (;;) {
        int n;

        if (a->len > (size_t)MAX_SECONDS * TSB_RATE || grow(a, TSB_BLOCK))
            return -1;
        n = fn(state, a->amp + a->len, TSB_BLOCK);
        if (n <= 0)
            return 0;
        a->len += (size_t)n;
        if (n < TSB_BLOCK)
            return 0;
    }
}

static bool underflow_seen;

static void on_underflow(void *user)
{
    (void)user;
    underflow_seen = true;
}

int tsb_hdlc_octets(const tsb_hdlc_item *items, int nitems, uint8_t **out, size_t *len)
{
    hdlc_tx_state_t *h = hdlc_tx_init(NULL, false, 1, false, on_underflow, NULL);
    size_t cap = 16, n = 0;
    uint8_t *oct;

    for (int i = 0; i < nitems; i++)
        cap += items[i].frame ? (size_t)items[i].len * 2 + 8 : (size_t)items[i].flags;
    if (!h || !(oct = malloc(cap))) {
        if (h)
            hdlc_tx_free(h);
        return -1;
    }
    /* The framer gives one octet of flag per call while it idles; a frame comes out bit-stuffed
       with its FCS and the start of the closing flag, ending when the framer reports underflow. */
    for (int i = 0; i < nitems; i++) {
        const tsb_hdlc_item *it = &items[i];

        if (!it->frame) {
            for (int k = 0; k < it->flags; k++)
                oct[n++] = (uint8_t)hdlc_tx_get_byte(h);
            continue;
        }
        if (hdlc_tx_frame(h, it->frame, (size_t)it->len) != 0) {
            free(oct);
            hdlc_tx_free(h);
            return -1;
        }
        if (it->bad_fcs)
            hdlc_tx_corrupt_frame(h);
        underflow_seen = false;
        for (size_t limit = n + (size_t)it->len * 2 + 8; !underflow_seen && n < limit;)
            oct[n++] = (uint8_t)hdlc_tx_get_byte(h);
    }
    hdlc_tx_free(h);
    *out = oct;
    *len = n;
    return 0;
}

int tsb_audio_v21_burst(tsb_audio *a, const tsb_hdlc_item *items, int nitems)
{
    bitsrc b = {.msb_first = true};
    fsk_tx_state_t *fsk;
    uint8_t *oct;
    size_t n;
    int rc = -1;

    if (tsb_hdlc_octets(items, nitems, &oct, &n))
        return -1;
    b.buf = oct;
    b.len = n;
    if ((fsk = fsk_tx_init(NULL, &preset_fsk_specs[FSK_V21CH2], next_bit, &b))) {
        rc = render(a, run_fsk, fsk);
        fsk_tx_free(fsk);
    }
    free(oct);
    return rc;
}

int tsb_modem_rate(const char *modem)
{
    const char *slash = modem ? strchr(modem, '/') : NULL;

    return slash ? atoi(slash + 1) : 0;
}

int tsb_audio_fast(tsb_audio *a, const char *modem, const uint8_t *bits, size_t nbytes, bool long_train,
                   bool msb_first, char *err, size_t errcap)
{
    bitsrc b = {.buf = bits, .len = nbytes, .msb_first = msb_first};
    int rate = tsb_modem_rate(modem), rc = -1;

    if (!strncmp(modem, "V.27ter/", 8) && (rate == 2400 || rate == 4800)) {
        v27ter_tx_state_t *m = v27ter_tx_init(NULL, rate, false, next_bit, &b);

        if (m) {
            rc = render(a, run_v27ter, m);
            v27ter_tx_free(m);
        }
    } else if (!strncmp(modem, "V.29/", 5) && (rate == 4800 || rate == 7200 || rate == 9600)) {
        v29_tx_state_t *m = v29_tx_init(NULL, rate, false, next_bit, &b);

        if (m) {
            rc = render(a, run_v29, m);
            v29_tx_free(m);
        }
    } else if (!strncmp(modem, "V.17/", 5) && rate >= 7200 && rate <= 14400 && rate % 2400 == 0) {
        v17_tx_state_t *m = v17_tx_init(NULL, rate, false, next_bit, &b);

        if (m) {
            v17_tx_restart(m, rate, false, !long_train);
            rc = render(a, run_v17, m);
            v17_tx_free(m);
        }
    } else {
        snprintf(err, errcap, "unknown modem '%s'", modem);
        return -1;
    }
    if (rc)
        snprintf(err, errcap, "cannot render %zu bytes on %s", nbytes, modem);
    return rc;
}
