/* faxgate — the TSB-85 runner's own parts (host/tsb85), with no gateway: its transmitter played
   into its receiver, so that what `make conformance` measures is known to be measured right. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../host/tsb85/run_impl.h"
#include "testutil.h"

/* Plays audio into a receiver as the runner does, in 20 ms blocks from line time 0. */
static void play(tsb_rx *rx, const tsb_audio *a, long *now)
{
    for (size_t at = 0; at < a->len; at += TSB_BLOCK) {
        int16_t block[TSB_BLOCK] = {0};
        size_t k = a->len - at < TSB_BLOCK ? a->len - at : TSB_BLOCK;

        memcpy(block, a->amp + at, k * sizeof *block);
        tsb_rx_audio(rx, block, TSB_BLOCK, *now);
        *now += TSB_BLOCK;
    }
}

static void test_patterns(void **state)
{
    pattern p;
    tsb_frame f = {.len = 3, .buf = {0xff, 0x13, 0x80}};   /* DIS as hdlc_rx gives it: bits reversed */

    (void)state;
    assert_int_equal(run_parse_pattern("FF C8 01", &p), 0);
    assert_true(run_matches(&p, &f));
    f.buf[f.len++] = 0x00;   /* a longer frame: only with "..." */
    assert_false(run_matches(&p, &f));
    assert_int_equal(run_parse_pattern("FF C8 01 ...", &p), 0);
    assert_true(p.more);
    assert_true(run_matches(&p, &f));
    assert_int_equal(run_parse_pattern("FF C8 41/7F", &p), 0);   /* the X bit masked out */
    f.len = 3;
    f.buf[2] = 0x83;          /* DCS with the X bit set (C1 as T.30 writes it) */
    assert_true(run_matches(&p, &f));
    assert_int_equal(run_parse_pattern("FF C8", &p), -1);        /* no FCF */
    assert_int_equal(run_parse_pattern("FF C8 1G0", &p), -1);
}

/* A V.21 burst of known flags and frames: each good frame arrives once with its bytes, the one with
   a bad FCS never does, and the preamble measured from the level and the frame's bits is the
   37 flags sent (986.7 ms) to within 1 ms. */
static void test_v21_loopback(void **state)
{
    static const uint8_t csi[] = {0xff, 0x03, 0x40, 'x', 'y'}, dis[] = {0xff, 0x13, 0x80, 0x00, 0xee};
    tsb_hdlc_item items[] = {
        {.flags = 37}, {.frame = csi, .len = sizeof csi}, {.frame = dis, .len = sizeof dis, .bad_fcs = true},
        {.frame = dis, .len = sizeof dis}, {.flags = 5},
    };
    tsb_audio a = {0};
    tsb_rx *rx = tsb_rx_new();
    tsb_frame f;
    long now = 0;

    (void)state;
    assert_non_null(rx);
    assert_int_equal(tsb_audio_silence(&a, TSB_MS(300)), 0);
    assert_int_equal(tsb_audio_v21_burst(&a, items, 5), 0);
    assert_int_equal(tsb_audio_silence(&a, TSB_MS(300)), 0);
    play(rx, &a, &now);
    assert_true(tsb_rx_frame(rx, &f));
    assert_int_equal(f.len, sizeof csi);
    assert_memory_equal(f.buf, csi, sizeof csi);
    assert_true(f.first_in_burst);
    /* 37 flags at 300 bit/s: 7893 samples; the runner's limits allow 2 ms (16 samples) */
    assert_true(labs(f.start - f.burst_on - 37 * 8 * TSB_RATE / 300) <= 8);
    assert_true(labs(f.burst_on / TSB_MS(1) - 300) <= 2);
    assert_true(tsb_rx_frame(rx, &f));
    assert_memory_equal(f.buf, dis, sizeof dis);
    assert_false(f.first_in_burst);
    assert_false(tsb_rx_frame(rx, &f));
    assert_int_equal(tsb_rx_bad_frames(rx), 1);
    assert_false(tsb_rx_carrier(rx));
    tsb_rx_free(rx);
    tsb_audio_free(&a);
}

/* 2100 Hz for exactly 3 s: the CED detector fires, the level's edges give 3000 ms. */
static void test_ced_length(void **state)
{
    tsb_audio a = {0};
    tsb_rx *rx = tsb_rx_new();
    long now = 0, on, off, ced_on, ced_off;

    (void)state;
    assert_int_equal(tsb_audio_silence(&a, TSB_MS(200)), 0);
    assert_int_equal(tsb_audio_silence(&a, TSB_MS(3000)), 0);
    for (long i = 0; i < TSB_MS(3000); i++)
        a.amp[TSB_MS(200) + i] = (int16_t)(8000 * sin(2 * M_PI * 2100 * (double)i / TSB_RATE));
    assert_int_equal(tsb_audio_silence(&a, TSB_MS(500)), 0);
    play(rx, &a, &now);
    tsb_rx_ced(rx, &ced_on, &ced_off);
    assert_true(ced_on >= 0);
    assert_false(tsb_rx_loud(rx, &on, &off));
    assert_true(labs((off - on) / TSB_MS(1) - 3000) <= 2);
    tsb_rx_free(rx);
    tsb_audio_free(&a);
}

/* The charts made here: DIAGO1's row n is white for n pels, then black; STAIRSTEP's rows each hold
   one 64-pel run; both code with SpanDSP's T.4 encoder. */
static void test_charts(void **state)
{
    char dir[256], path[512], err[512];
    uint8_t *bits = NULL;
    size_t len = 0;

    (void)state;
    assert_int_equal(fg_test_tmpdir(dir, sizeof dir), 0);
    assert_int_equal(tsb_image_path(NULL, dir, "etsi_300_242_a4_diago1.tif", path, sizeof path, err, sizeof err), 0);
    assert_int_equal(tsb_image_encode(path, NULL, 0, NULL, &bits, &len, err, sizeof err), 0);
    assert_true(len > 1002 * 2);   /* every row codes something */
    free(bits);
    assert_int_equal(tsb_image_path(NULL, dir, "etsi_300_242_a4_stairstep.tif", path, sizeof path, err, sizeof err),
                     0);
    /* min_bits pads every row: 1728 rows of at least 141 bits */
    assert_int_equal(tsb_image_encode(path, NULL, 141, NULL, &bits, &len, err, sizeof err), 0);
    assert_true(len * 8 >= 1728 * 141);
    free(bits);
    assert_int_equal(tsb_image_path(NULL, dir, "etsi_300_242_a4_impress.tif", path, sizeof path, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "ETSI ETS 300 242 test chart"));
    fg_test_rm_rf(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_patterns),
        cmocka_unit_test(test_v21_loopback),
        cmocka_unit_test(test_ced_length),
        cmocka_unit_test(test_charts),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
