/* faxsim send — an impaired line between faxsim and the gateway (#14 item 6).
 *
 * Audio (AudioSocket, SIP G.711), applied to faxsim's 8 kHz samples:
 *   level   our signal is sent at LEVEL dBm0 (SpanDSP's fax modems send at -14 dBm0: a gain of
 *           LEVEL + 14 dB); the gateway's signal is left as it comes
 *   noise   white Gaussian noise at NOISE dBm0 added in both directions (a noisy line is noisy
 *           both ways), as SpanDSP's fax_tests -n does
 *   echo    the gateway's own signal comes back to it MS ms later, DB dB down (faxsim's hybrid,
 *           talker echo for the gateway's receiver); echo_far: faxsim's own signal comes back
 *           to faxsim (the far hybrid)
 *   band    a telephone channel: 2nd-order Butterworth high-pass at 300 Hz and low-pass at
 *           3400 Hz, both directions
 * dBm0 follows SpanDSP (telephony.h): a signal of RMS 32768 * 10^((dBm0 - 6.16) / 20) in 16-bit
 * linear samples is at dBm0 (0 dBm0 = RMS 16135, a 1 kHz sine of peak 22820).
 *
 * IP (SIP: RTP and T.38 UDPTL datagrams), modelled on what ITU-T G.1050 describes for a path's
 * loss and jitter (written from the description, not from SpanDSP's g1050.c):
 *   loss    a two-state Gilbert–Elliott chain per direction (or one direction only): every datagram in the bad state is
 *           lost, none in the good one. Mean loss L and mean burst B (datagrams) give
 *           P(bad -> good) = 1/B and P(good -> bad) = L / (B (1 - L)), so the chain spends L of
 *           its time bad and stays there B datagrams on average
 *   jitter  each datagram we send waits a delay drawn uniformly from [0, JITTER] ms, so later
 *           ones may overtake it (reordering); datagrams from the gateway are only lost, not
 *           delayed (we cannot hold them without a second socket)
 * Every random draw comes from one seeded generator per stream: a seed gives the same line.
 */
#ifndef FAXSIM_IMPAIR_H
#define FAXSIM_IMPAIR_H

#include <stdbool.h>
#include <stdint.h>
#include "faxgate/sender.h"

#define FG_IMPAIR_MODEM_DBM0 (-14.0)   /* SpanDSP's fax modems' transmit level */
#define FG_IMPAIR_MAX_ECHO_MS 1000
#define FG_IMPAIR_QUEUE 512            /* datagrams held back by jitter at once */

typedef struct fg_impair_cfg {
    bool level_on, noise_on, echo_on, echo_far_on, band;
    double level_dbm0, noise_dbm0;
    int echo_ms, echo_far_ms;
    double echo_db, echo_far_db;       /* negative: how far down the echo is */
    double loss_pct;                   /* 0..99 */
    bool loss_out_only, loss_in_only;  /* only datagrams we send (to the gateway), or only those we receive */
    double burst;                      /* mean burst of lost datagrams, >= 1 */
    int jitter_ms;
    uint64_t seed;
} fg_impair_cfg;

/* A small seeded generator (splitmix64) and its Gaussian draw. */
typedef struct fg_rng {
    uint64_t s;
    bool have;
    double spare;
} fg_rng;

void fg_rng_seed(fg_rng *r, uint64_t seed);
double fg_rng_uniform(fg_rng *r);   /* [0, 1) */
double fg_rng_gauss(fg_rng *r);     /* mean 0, variance 1 */

/** RMS in 16-bit samples of a signal at dbm0, and back. */
double fg_dbm0_to_rms(double dbm0);
double fg_rms_to_dbm0(double rms);

/* The Gilbert–Elliott loss chain. */
typedef struct fg_gilbert {
    double p_gb, p_bg;                 /* good -> bad, bad -> good */
    bool bad;
    fg_rng rng;
} fg_gilbert;

void fg_gilbert_init(fg_gilbert *g, double loss_pct, double burst, uint64_t seed);
/** Steps the chain for one datagram: true if it is lost. */
bool fg_gilbert_lost(fg_gilbert *g);

/* Gaussian noise at a level. */
typedef struct fg_noise {
    double rms;
    fg_rng rng;
} fg_noise;

void fg_noise_init(fg_noise *n, double dbm0, uint64_t seed);
/** Adds noise to s[0, n), saturating at 16 bits. */
void fg_noise_add(fg_noise *nz, int16_t *s, int n);

typedef struct fg_biquad {
    double b0, b1, b2, a1, a2, z1, z2;
} fg_biquad;

typedef struct fg_impair fg_impair;

/** Parses "MS:DB" (delay in ms, level in dB, e.g. "20:-15"). */
bool fg_impair_parse_echo(const char *s, int *ms, double *db);

/** A line with cfg's impairments; NULL without memory. */
fg_impair *fg_impair_new(const fg_impair_cfg *cfg);

/** The hooks for fg_send_opts.impair (they point into im). */
const fg_send_impair *fg_impair_hooks(fg_impair *im);

/** What the line did, for faxsim's report: datagrams sent/lost each way, held by jitter. */
void fg_impair_stats(const fg_impair *im, unsigned long *tx, unsigned long *tx_lost, unsigned long *rx,
                     unsigned long *rx_lost);

/** Frees (datagrams jitter still holds are lost with the call). NULL is accepted. */
void fg_impair_free(fg_impair *im);

#endif
