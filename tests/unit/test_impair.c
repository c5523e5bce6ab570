/* faxsim's impaired line (host/faxsim/impair.c): noise at the level asked, as SpanDSP's own power
 * meter measures it; send level; echo; the Gilbert–Elliott loss chain's rate and bursts; jitter
 * delays and reorders datagrams but loses none. No timed assertions. */
#include <arpa/inet.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <spandsp.h>

#include "../../host/faxsim/impair.h"
#include "testutil.h"

#define N 80000   /* 10 s at 8 kHz */

static double rms_of(const int16_t *s, int n)
{
    double e = 0;

    for (int i = 0; i < n; i++)
        e += (double)s[i] * s[i];
    return sqrt(e / n);
}

/* the generated noise is at the level asked within 0.5 dB: by its RMS, and by SpanDSP's power
   meter (so that our dBm0 is SpanDSP's, the unit fax_tests -n takes). The meter works in integers
   and reads low below about -45 dBm0, so it is asked only from -40 up. */
static void test_noise_level(void **state)
{
    static int16_t s[N];
    const double levels[] = {-60, -50, -45, -40, -35, -30, -25, -20};

    (void)state;
    for (size_t k = 0; k < sizeof levels / sizeof levels[0]; k++) {
        power_meter_t pm;
        fg_noise nz;

        memset(s, 0, sizeof s);
        fg_noise_init(&nz, levels[k], 42 + k);
        fg_noise_add(&nz, s, N);
        power_meter_init(&pm, 10);
        for (int i = 0; i < N; i++)
            power_meter_update(&pm, s[i]);
        assert_true(fabs(fg_rms_to_dbm0(rms_of(s, N)) - levels[k]) < 0.5);
        if (levels[k] >= -40)
            assert_true(fabs(power_meter_current_dbm0(&pm) - levels[k]) < 0.5);
    }
}

/* dBm0 as SpanDSP has it: a sine at 0 dBm0 is measured at 0 dBm0 by its power meter */
static void test_dbm0_scale(void **state)
{
    power_meter_t pm;
    double amp = fg_dbm0_to_rms(0.0) * M_SQRT2;

    (void)state;
    power_meter_init(&pm, 10);
    for (int i = 0; i < N; i++)
        power_meter_update(&pm, (int16_t)lrint(amp * sin(2 * M_PI * 1004.0 * i / 8000.0)));
    assert_true(fabs(power_meter_current_dbm0(&pm)) < 0.2);
    assert_true(fabs(fg_rms_to_dbm0(fg_dbm0_to_rms(-33.0)) + 33.0) < 1e-9);
}

/* --level -30: a signal at SpanDSP's modem level (-14 dBm0) leaves at -30 dBm0 */
static void test_send_level(void **state)
{
    static int16_t s[N];
    fg_impair_cfg c = {.level_on = true, .level_dbm0 = -30, .burst = 1, .seed = 1};
    fg_impair *im = fg_impair_new(&c);
    const fg_send_impair *h = fg_impair_hooks(im);
    double amp = fg_dbm0_to_rms(FG_IMPAIR_MODEM_DBM0) * M_SQRT2;

    (void)state;
    for (int i = 0; i < N; i++)
        s[i] = (int16_t)lrint(amp * sin(2 * M_PI * 1800.0 * i / 8000.0));
    for (int i = 0; i < N; i += 160)
        h->tx_audio(h->user, s + i, 160);
    assert_true(fabs(fg_rms_to_dbm0(rms_of(s, N)) + 30.0) < 0.1);
    assert_null(h->tap);   /* no IP impairment: the line's datagrams are left alone */
    fg_impair_free(im);
}

/* --echo 10:-6: what the gateway sent comes back to it 80 samples later at half the amplitude;
   --echo-far 5:-20: what we sent comes back to us 40 samples later at a tenth */
static void test_echo(void **state)
{
    fg_impair_cfg c = {.echo_on = true, .echo_ms = 10, .echo_db = -6.0206, .echo_far_on = true, .echo_far_ms = 5,
                       .echo_far_db = -20, .burst = 1, .seed = 1};
    fg_impair *im = fg_impair_new(&c);
    const fg_send_impair *h = fg_impair_hooks(im);
    int16_t tx[160] = {0}, rx[160] = {0};

    (void)state;
    rx[3] = 10000;                      /* the gateway's impulse at sample 3 */
    tx[7] = 20000;                      /* ours at sample 7 */
    h->tx_audio(h->user, tx, 160);      /* frame 0 goes out */
    assert_int_equal(tx[7], 20000);
    h->rx_audio(h->user, rx, 160);      /* the gateway's frame 0 comes in, with our echo at 7 + 40 */
    assert_int_equal(rx[3], 10000);
    assert_int_equal(rx[47], 2000);
    for (int i = 0; i < 160; i++)
        if (i != 3 && i != 47)
            assert_int_equal(rx[i], 0);
    memset(tx, 0, sizeof tx);
    h->tx_audio(h->user, tx, 160);      /* frame 1: nothing of ours yet, the gateway's echo not due */
    for (int i = 0; i < 160; i++)
        assert_int_equal(tx[i], 0);
    fg_impair_free(im);

    /* an echo in the same frame window: 3 + 80 = 83 falls in frame 0 of the next send */
    im = fg_impair_new(&c);
    h = fg_impair_hooks(im);
    memset(tx, 0, sizeof tx);
    memset(rx, 0, sizeof rx);
    rx[3] = 10000;
    h->rx_audio(h->user, rx, 160);      /* the gateway spoke first */
    h->tx_audio(h->user, tx, 160);
    assert_int_equal(tx[83], 5000);
    fg_impair_free(im);
    assert_true(!fg_impair_parse_echo("20", &(int){0}, &(double){0}));
    assert_true(!fg_impair_parse_echo("20:+3", &(int){0}, &(double){0}));
    assert_true(fg_impair_parse_echo("20:-15", &(int){0}, &(double){0}));
}

static void loss_stats(double pct, double burst, uint64_t seed, double *rate, double *mean_burst)
{
    fg_gilbert g;
    long lost = 0, bursts = 0;
    bool prev = false;

    fg_gilbert_init(&g, pct, burst, seed);
    for (long i = 0; i < 1000000; i++) {
        bool l = fg_gilbert_lost(&g);

        lost += l;
        bursts += l && !prev;
        prev = l;
    }
    *rate = 100.0 * lost / 1000000;
    *mean_burst = bursts ? (double)lost / bursts : 0;
}

/* a million datagrams: the loss rate and the mean burst are what was asked (within 5 %) */
static void test_gilbert_stats(void **state)
{
    const struct { double pct, burst; } cases[] = {{1, 1}, {2, 1}, {5, 1}, {10, 1}, {5, 3}, {10, 3}, {2, 8}};
    double rate, mb;

    (void)state;
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        loss_stats(cases[k].pct, cases[k].burst, 7 + k, &rate, &mb);
        assert_true(fabs(rate - cases[k].pct) < 0.05 * cases[k].pct);
        assert_true(fabs(mb - cases[k].burst) < 0.05 * cases[k].burst);
    }
    loss_stats(0, 3, 1, &rate, &mb);
    assert_true(rate == 0);
}

/* the same seed, the same line */
static void test_seeded(void **state)
{
    fg_gilbert a, b;
    fg_noise na, nb;
    int16_t sa[1000] = {0}, sb[1000] = {0};

    (void)state;
    fg_gilbert_init(&a, 5, 3, 99);
    fg_gilbert_init(&b, 5, 3, 99);
    for (int i = 0; i < 100000; i++)
        assert_int_equal(fg_gilbert_lost(&a), fg_gilbert_lost(&b));
    fg_noise_init(&na, -30, 5);
    fg_noise_init(&nb, -30, 5);
    fg_noise_add(&na, sa, 1000);
    fg_noise_add(&nb, sb, 1000);
    assert_memory_equal(sa, sb, sizeof sa);
}

/* --jitter 40: every datagram arrives (once the ticks have released them), some out of order;
   --loss: the tap drops that share of what it is given, and of what is received */
static void test_tap(void **state)
{
    fg_impair_cfg c = {.jitter_ms = 40, .burst = 1, .seed = 3};
    fg_impair *im = fg_impair_new(&c);
    const fg_send_impair *h = fg_impair_hooks(im);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;
    int rx = socket(AF_INET, SOCK_DGRAM, 0), tx = socket(AF_INET, SOCK_DGRAM, 0), got = 0, reordered = 0, last = -1;
    unsigned long t, tl, r, rl;
    bool seen[200] = {false};

    (void)state;
    assert_non_null(h->tap);
    assert_int_equal(bind(rx, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(rx, (struct sockaddr *)&a, &al), 0);
    for (int i = 0; i < 200; i++) {
        uint8_t pkt[4] = {(uint8_t)(i >> 8), (uint8_t)i, 0, 0};

        assert_int_equal(h->tap->tx(h->tap->user, tx, pkt, sizeof pkt, (struct sockaddr *)&a, al), 4);
        if (i % 4 == 3) {   /* a 20 ms frame clock every 4 datagrams */
            nanosleep(&(struct timespec){0, 20000000L}, NULL);
            h->tick(h->user);
        }
    }
    for (int k = 0; k < 10; k++) {   /* everything held is due within 40 ms */
        nanosleep(&(struct timespec){0, 10000000L}, NULL);
        h->tick(h->user);
    }
    for (;;) {
        struct pollfd p = {.fd = rx, .events = POLLIN};
        uint8_t pkt[4];

        if (poll(&p, 1, 200) <= 0 || recv(rx, pkt, sizeof pkt, 0) != 4)
            break;
        int i = pkt[0] << 8 | pkt[1];

        assert_true(i < 200 && !seen[i]);
        seen[i] = true;
        got++;
        reordered += i < last;
        last = i > last ? i : last;
    }
    assert_int_equal(got, 200);
    assert_true(reordered > 0);
    fg_impair_free(im);

    c = (fg_impair_cfg){.loss_pct = 10, .burst = 2, .seed = 4};
    im = fg_impair_new(&c);
    h = fg_impair_hooks(im);
    for (int i = 0; i < 20000; i++) {
        uint8_t pkt[1] = {0};

        h->tap->tx(h->tap->user, tx, pkt, 1, (struct sockaddr *)&a, al);
        h->tap->rx(h->tap->user, rx, 1);
    }
    fg_impair_stats(im, &t, &tl, &r, &rl);
    assert_int_equal(t, 20000);
    assert_int_equal(r, 20000);
    assert_true(tl > 1600 && tl < 2400);
    assert_true(rl > 1600 && rl < 2400);
    fg_impair_free(im);
    close(rx);
    close(tx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_noise_level), cmocka_unit_test(test_dbm0_scale),  cmocka_unit_test(test_send_level),
        cmocka_unit_test(test_echo),        cmocka_unit_test(test_gilbert_stats), cmocka_unit_test(test_seeded),
        cmocka_unit_test(test_tap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
