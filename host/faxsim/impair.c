/* faxsim send — an impaired line: level, noise, echo and band on the audio, Gilbert–Elliott loss
 * and jitter on the media datagrams. See impair.h for the models. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "impair.h"

#define RING 8192                       /* > FG_IMPAIR_MAX_ECHO_MS at 8 kHz plus a frame; power of 2 */

void fg_rng_seed(fg_rng *r, uint64_t seed)
{
    r->s = seed;
    r->have = false;
}

static uint64_t next64(fg_rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

double fg_rng_uniform(fg_rng *r)
{
    return (double)(next64(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* Box–Muller, both values used */
double fg_rng_gauss(fg_rng *r)
{
    double u, v;

    if (r->have) {
        r->have = false;
        return r->spare;
    }
    do
        u = fg_rng_uniform(r);
    while (u <= 0.0);
    v = fg_rng_uniform(r);
    r->spare = sqrt(-2.0 * log(u)) * sin(2.0 * M_PI * v);
    r->have = true;
    return sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v);
}

/* SpanDSP's DBM0_MAX_POWER: 3.14 dB (A-law's largest sine) + 3.02 dB (sine to full-scale RMS) */
#define DBM0_FULL_SCALE 6.16

double fg_dbm0_to_rms(double dbm0)
{
    return 32768.0 * pow(10.0, (dbm0 - DBM0_FULL_SCALE) / 20.0);
}

double fg_rms_to_dbm0(double rms)
{
    return rms > 0 ? 20.0 * log10(rms / 32768.0) + DBM0_FULL_SCALE : -200.0;
}

void fg_gilbert_init(fg_gilbert *g, double loss_pct, double burst, uint64_t seed)
{
    double l = loss_pct / 100.0;

    if (burst < 1.0)
        burst = 1.0;
    g->p_bg = 1.0 / burst;
    g->p_gb = l > 0 && l < 1 ? l * g->p_bg / (1.0 - l) : 0.0;
    if (g->p_gb > 1.0)
        g->p_gb = 1.0;
    g->bad = false;
    fg_rng_seed(&g->rng, seed);
}

bool fg_gilbert_lost(fg_gilbert *g)
{
    if (g->p_gb <= 0.0)
        return false;
    if (g->bad)
        g->bad = fg_rng_uniform(&g->rng) >= g->p_bg;
    else
        g->bad = fg_rng_uniform(&g->rng) < g->p_gb;
    return g->bad;
}

static int16_t sat16(double v)
{
    return v > 32767.0 ? 32767 : v < -32768.0 ? -32768 : (int16_t)lrint(v);
}

void fg_noise_init(fg_noise *n, double dbm0, uint64_t seed)
{
    n->rms = fg_dbm0_to_rms(dbm0);
    fg_rng_seed(&n->rng, seed);
}

void fg_noise_add(fg_noise *nz, int16_t *s, int n)
{
    for (int i = 0; i < n; i++)
        s[i] = sat16(s[i] + nz->rms * fg_rng_gauss(&nz->rng));
}

/* RBJ cookbook 2nd-order Butterworth (Q = 1/sqrt 2) at 8 kHz */
static void biquad_init(fg_biquad *f, double hz, bool high)
{
    double w = 2.0 * M_PI * hz / 8000.0, c = cos(w), alpha = sin(w) / (2.0 * M_SQRT1_2), a0 = 1.0 + alpha;

    f->b0 = (high ? (1.0 + c) : (1.0 - c)) / 2.0 / a0;
    f->b1 = (high ? -(1.0 + c) : (1.0 - c)) / a0;
    f->b2 = f->b0;
    f->a1 = -2.0 * c / a0;
    f->a2 = (1.0 - alpha) / a0;
    f->z1 = f->z2 = 0.0;
}

static double biquad(fg_biquad *f, double x)
{
    double y = f->b0 * x + f->z1;

    f->z1 = f->b1 * x - f->a1 * y + f->z2;
    f->z2 = f->b2 * x - f->a2 * y;
    return y;
}

typedef struct held {
    struct timespec due;
    int fd;
    size_t len;
    socklen_t tolen;
    struct sockaddr_storage to;
    uint8_t pkt[1500];
} held;

struct fg_impair {
    fg_impair_cfg c;
    fg_send_impair hooks;
    fg_line_tap tap;
    double gain, echo_g, echo_far_g;
    int echo_d, echo_far_d;            /* in samples */
    fg_noise noise_tx, noise_rx;
    fg_biquad hp_tx, lp_tx, hp_rx, lp_rx;
    fg_gilbert loss_tx, loss_rx;
    fg_rng jitter;
    /* what went each way, by sample count: the echo paths read them back */
    int16_t tx_hist[RING], rx_hist[RING];
    uint64_t tx_n, rx_n;
    held *q;
    int nq;
    unsigned long tx, tx_lost, rx, rx_lost;
};

bool fg_impair_parse_echo(const char *s, int *ms, double *db)
{
    char *end;
    long d = strtol(s, &end, 10);

    if (end == s || *end != ':' || d < 0 || d > FG_IMPAIR_MAX_ECHO_MS)
        return false;
    s = end + 1;
    *db = strtod(s, &end);
    if (end == s || *end || *db > 0 || *db < -100)
        return false;
    *ms = (int)d;
    return true;
}

static void tx_audio(void *user, int16_t *s, int n)
{
    fg_impair *im = user;

    for (int i = 0; i < n; i++) {
        double v = s[i] * im->gain;
        uint64_t t = im->tx_n + (uint64_t)i;

        if (im->c.echo_on && t >= (uint64_t)im->echo_d && t - (uint64_t)im->echo_d < im->rx_n)
            v += im->echo_g * im->rx_hist[(t - (uint64_t)im->echo_d) & (RING - 1)];
        if (im->c.band)
            v = biquad(&im->lp_tx, biquad(&im->hp_tx, v));
        s[i] = sat16(v);
        im->tx_hist[t & (RING - 1)] = s[i];   /* what is on the line, before the line's noise */
    }
    im->tx_n += (uint64_t)n;
    if (im->c.noise_on)
        fg_noise_add(&im->noise_tx, s, n);
}

static void rx_audio(void *user, int16_t *s, int n)
{
    fg_impair *im = user;

    for (int i = 0; i < n; i++) {
        uint64_t t = im->rx_n + (uint64_t)i;
        double v = s[i];

        im->rx_hist[t & (RING - 1)] = s[i];   /* the gateway's signal as it sent it */
        if (im->c.echo_far_on && t >= (uint64_t)im->echo_far_d && t - (uint64_t)im->echo_far_d < im->tx_n)
            v += im->echo_far_g * im->tx_hist[(t - (uint64_t)im->echo_far_d) & (RING - 1)];
        if (im->c.band)
            v = biquad(&im->lp_rx, biquad(&im->hp_rx, v));
        s[i] = sat16(v);
    }
    im->rx_n += (uint64_t)n;
    if (im->c.noise_on)
        fg_noise_add(&im->noise_rx, s, n);
}

static bool due(const struct timespec *a, const struct timespec *now)
{
    return a->tv_sec < now->tv_sec || (a->tv_sec == now->tv_sec && a->tv_nsec <= now->tv_nsec);
}

/* Sends the held datagrams whose time has come (all of them with all), in the order they fall due. */
static void release(fg_impair *im, bool all)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    for (;;) {
        int best = -1;

        for (int i = 0; i < im->nq; i++)
            if ((all || due(&im->q[i].due, &now)) &&
                (best < 0 || !due(&im->q[best].due, &im->q[i].due)))
                best = i;
        if (best < 0)
            return;
        (void)!sendto(im->q[best].fd, im->q[best].pkt, im->q[best].len, 0, (struct sockaddr *)&im->q[best].to,
                      im->q[best].tolen);
        im->q[best] = im->q[--im->nq];
    }
}

static void tick(void *user)
{
    release(user, false);
}

static ssize_t tap_tx(void *user, int fd, const void *pkt, size_t len, const struct sockaddr *to, socklen_t tolen)
{
    fg_impair *im = user;
    held *h;
    long ms;

    im->tx++;
    if (fg_gilbert_lost(&im->loss_tx)) {
        im->tx_lost++;
        release(im, false);
        return (ssize_t)len;           /* gone, as a datagram dropped on the way is */
    }
    if (im->c.jitter_ms <= 0 || len > sizeof h->pkt || tolen > sizeof h->to || im->nq == FG_IMPAIR_QUEUE) {
        release(im, false);
        return sendto(fd, pkt, len, 0, to, tolen);
    }
    h = &im->q[im->nq++];
    clock_gettime(CLOCK_MONOTONIC, &h->due);
    ms = lrint(fg_rng_uniform(&im->jitter) * im->c.jitter_ms);
    h->due.tv_sec += ms / 1000;
    h->due.tv_nsec += (ms % 1000) * 1000000L;
    if (h->due.tv_nsec >= 1000000000L) {
        h->due.tv_sec++;
        h->due.tv_nsec -= 1000000000L;
    }
    h->fd = fd;
    h->len = len;
    memcpy(h->pkt, pkt, len);
    h->tolen = tolen;
    memcpy(&h->to, to, tolen);
    release(im, false);
    return (ssize_t)len;
}

static bool tap_rx(void *user, int fd, size_t len)
{
    fg_impair *im = user;

    (void)fd;
    (void)len;
    im->rx++;
    if (fg_gilbert_lost(&im->loss_rx)) {
        im->rx_lost++;
        return false;
    }
    return true;
}

fg_impair *fg_impair_new(const fg_impair_cfg *cfg)
{
    fg_impair *im = calloc(1, sizeof *im);
    uint64_t s = cfg->seed * 0x100000001b3ULL;

    if (!im || (cfg->jitter_ms > 0 && !(im->q = calloc(FG_IMPAIR_QUEUE, sizeof *im->q)))) {
        free(im);
        return NULL;
    }
    im->c = *cfg;
    im->gain = cfg->level_on ? pow(10.0, (cfg->level_dbm0 - FG_IMPAIR_MODEM_DBM0) / 20.0) : 1.0;
    im->echo_g = pow(10.0, cfg->echo_db / 20.0);
    im->echo_far_g = pow(10.0, cfg->echo_far_db / 20.0);
    im->echo_d = cfg->echo_ms * 8;
    im->echo_far_d = cfg->echo_far_ms * 8;
    fg_noise_init(&im->noise_tx, cfg->noise_dbm0, s + 1);
    fg_noise_init(&im->noise_rx, cfg->noise_dbm0, s + 2);
    fg_gilbert_init(&im->loss_tx, cfg->loss_in_only ? 0 : cfg->loss_pct, cfg->burst, s + 3);
    fg_gilbert_init(&im->loss_rx, cfg->loss_out_only ? 0 : cfg->loss_pct, cfg->burst, s + 4);
    fg_rng_seed(&im->jitter, s + 5);
    biquad_init(&im->hp_tx, 300.0, true);
    biquad_init(&im->lp_tx, 3400.0, false);
    biquad_init(&im->hp_rx, 300.0, true);
    biquad_init(&im->lp_rx, 3400.0, false);
    im->tap = (fg_line_tap){.user = im, .tx = tap_tx, .rx = tap_rx};
    im->hooks = (fg_send_impair){.user = im, .tx_audio = tx_audio, .rx_audio = rx_audio, .tick = tick};
    if (cfg->loss_pct > 0 || cfg->jitter_ms > 0)
        im->hooks.tap = &im->tap;
    return im;
}

const fg_send_impair *fg_impair_hooks(fg_impair *im)
{
    return &im->hooks;
}

void fg_impair_stats(const fg_impair *im, unsigned long *tx, unsigned long *tx_lost, unsigned long *rx,
                     unsigned long *rx_lost)
{
    *tx = im->tx;
    *tx_lost = im->tx_lost;
    *rx = im->rx;
    *rx_lost = im->rx_lost;
}

void fg_impair_free(fg_impair *im)
{
    if (!im)
        return;
    free(im->q);
    free(im);
}
