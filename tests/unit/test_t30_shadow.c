/* faxgate — the ECM shadow decoder (t30_shadow.c): image frames in order, out of order, repeated
 * and retransmitted after a PPS give the rows of the page, and rows come before the block ends. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <spandsp.h>

#include "faxgate/page.h"
#include "t30_impl.h"
#include "t30_shadow.h"
#include "testutil.h"

#define FRAME 64            /* 64-octet ECM frames: a page of a few blocks */
#define MAX_FRAMES 4096

typedef struct coded {
    fg_page *page;
    uint8_t data[MAX_FRAMES][FRAME];
    int len[MAX_FRAMES];
    int frames;
} coded;

/* A fine page: lines of strokes and a band of specks (to make several blocks), coded T.6 with
   SpanDSP's own encoder, cut into ECM frames. */
static coded *make_coded(const char *dir)
{
    coded *c = calloc(1, sizeof *c);
    char path[300];
    uint32_t x = 12345;
    t4_tx_state_t *t4;
    uint8_t buf[FRAME];
    int n;

    assert_non_null(c);
    assert_int_equal(fg_page_new(1728, 900, 204, 196, &c->page), FG_OK);
    for (int y = 40; y < 300; y += 30)
        for (int r = 0; r < 18; r++)
            for (int b = 10; b < 200; b += 3)
                c->page->bits[(size_t)(y + r) * c->page->stride + b] = 0xC3;
    for (int y = 320; y < 700; y++)
        for (int b = 0; b < c->page->stride; b++) {
            x = x * 1103515245u + 12345u;
            c->page->bits[(size_t)y * c->page->stride + b] = (x >> 24) < 20 ? (uint8_t)(1u << ((x >> 16) & 7)) : 0;
        }
    snprintf(path, sizeof path, "%s/page.tif", dir);
    assert_int_equal(fg_page_write_tiff(c->page, path, false), FG_OK);
    assert_non_null(t4 = t4_tx_init(NULL, path, -1, -1));
    t4_tx_set_tx_encoding(t4, T4_COMPRESSION_ITU_T6);
    t4_tx_set_min_bits_per_row(t4, 0);
    assert_int_equal(t4_tx_start_page(t4), 0);
    while ((n = t4_tx_get_chunk(t4, buf, FRAME)) > 0 && c->frames < MAX_FRAMES) {
        memcpy(c->data[c->frames], buf, (size_t)n);
        c->len[c->frames++] = n;
    }
    t4_tx_end_page(t4);
    t4_tx_free(t4);
    assert_true(c->frames > 256 + 10);   /* at least two blocks */
    return c;
}

static void send_dcs(fg_shadow *s)
{
    /* DCS: V.17 14400, fine, ECM with 64-octet frames, T.6, A4 */
    uint8_t f[10] = {0xFF, 0x13, 0x83, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00};

    f[3 + (15 - 1) / 8] |= 1 << ((15 - 1) & 7);
    f[3 + (24 - 1) / 8] |= 1 << ((24 - 1) & 7);   /* extend */
    f[3 + (27 - 1) / 8] |= 1 << ((27 - 1) & 7);
    f[3 + (28 - 1) / 8] |= 1 << ((28 - 1) & 7);
    f[3 + (31 - 1) / 8] |= 1 << ((31 - 1) & 7);
    fg_shadow_frame(s, f, sizeof f);
}

static void send_fcd(fg_shadow *s, const coded *c, int block, int i)
{
    uint8_t f[4 + FRAME] = {0xFF, 0x03, T4_FCD, (uint8_t)i};
    int k = block * 256 + i;

    memcpy(f + 4, c->data[k], (size_t)c->len[k]);
    fg_shadow_frame(s, f, 4 + c->len[k]);
}

static void send_pps(fg_shadow *s, int block, int count, bool last)
{
    uint8_t f[7] = {0xFF, 0x13, T30_PPS, last ? T30_EOP : 0x00, 0, (uint8_t)block, (uint8_t)(count - 1)};

    fg_shadow_frame(s, f, sizeof f);
}

static int rows_of(fg_shadow *s, fg_t30x_rows *r)
{
    t4_rx_state_t *t4 = fg_shadow_t4(s);

    if (!t4 || !fg_t30x_t4_rows(NULL, t4, r))
        return 0;
    return r->rows;
}

/* Sends the page; shuffle: each block's frames in a scrambled order with repeats, and one frame
   of each block held back until after its PPS (a retransmission). */
static void run(const coded *c, bool shuffle)
{
    fg_shadow *s = NULL;
    fg_t30x_rows r;
    int blocks = (c->frames + 255) / 256, mid_rows = -1;

    assert_int_equal(fg_shadow_new(&s), FG_OK);
    send_dcs(s);
    for (int b = 0; b < blocks; b++) {
        int count = c->frames - b * 256 < 256 ? c->frames - b * 256 : 256, held = count / 3;

        for (int k = 0; k < count; k++) {
            int i = shuffle ? (k * 97 + 13) % count : k;   /* 97 is prime to every count here */

            if (shuffle && count % 97 == 0)
                i = k;
            if (shuffle && i == held)
                continue;
            send_fcd(s, c, b, i);
            if (shuffle && k % 5 == 0)
                send_fcd(s, c, b, i);   /* a repeat changes nothing */
            if (b == 0 && k == count / 2 && !shuffle)
                mid_rows = rows_of(s, &r);
        }
        if (shuffle) {
            int before = rows_of(s, &r);

            send_pps(s, b, count, b == blocks - 1);
            assert_int_equal(rows_of(s, &r), before);   /* the gap holds the frames after it back */
            assert_false(fg_shadow_page_done(s));
            send_fcd(s, c, b, held);                    /* the retransmission */
        }
        send_pps(s, b, count, b == blocks - 1);
    }
    assert_true(fg_shadow_page_done(s));
    if (!shuffle) {
        /* rows come while the block arrives, before its PPS */
        assert_true(mid_rows > 0);
        assert_true(mid_rows < c->page->height);
    }
    assert_int_equal(rows_of(s, &r), c->page->height);
    assert_int_equal(r.width, 1728);
    assert_int_equal(r.ydpi, 196);
    assert_memory_equal(r.bits, c->page->bits, (size_t)c->page->height * c->page->stride);
    fg_shadow_free(s);
}

static void test_frames_in_order(void **state)
{
    coded *c = make_coded(*state);

    run(c, false);
    fg_page_free(c->page);
    free(c);
}

static void test_frames_out_of_order_repeated_and_retransmitted(void **state)
{
    coded *c = make_coded(*state);

    run(c, true);
    fg_page_free(c->page);
    free(c);
}

static void test_no_dcs_no_rows(void **state)
{
    coded *c = make_coded(*state);
    fg_shadow *s = NULL;
    fg_t30x_rows r;

    assert_int_equal(fg_shadow_new(&s), FG_OK);
    for (int i = 0; i < 50; i++)
        send_fcd(s, c, 0, i);
    assert_null(fg_shadow_t4(s));
    assert_int_equal(rows_of(s, &r), 0);
    fg_shadow_free(s);
    fg_page_free(c->page);
    free(c);
}

static int setup(void **state)
{
    static char dir[256];

    if (fg_test_tmpdir(dir, sizeof dir))
        return -1;
    *state = dir;
    return 0;
}

static int teardown(void **state)
{
    fg_test_rm_rf(*state);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_frames_in_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_frames_out_of_order_repeated_and_retransmitted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_dcs_no_rows, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
