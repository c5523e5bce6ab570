/* faxgate — decode: audio files (anything libsndfile reads) into 8 kHz samples for fg_decode_samples.
 *
 * Read as float so that every format (16-bit, A-law, float32 at any level) is handled alike, and
 * brought to 16 bits with a gain measured over the whole file first: a float recording far below
 * full scale would otherwise lose most of its resolution in the conversion. Channels are summed,
 * as a recording of both directions on one wire would be (a stereo recording often has one
 * direction per channel).
 *
 * Recordings made on a PC are often at 44.1 or 48 kHz: they are brought to 8 kHz by a rational
 * polyphase resampler (windowed-sinc prototype, Blackman window). Fax signals live below 3.4 kHz,
 * so the filter passes up to 3.4 kHz and stops from 4.4 kHz; what folds into 3.6-4 kHz is above
 * every fax modem's band. That costs about 4 taps per kHz of input rate per output sample.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sndfile.h>

#include "faxgate/decode.h"

#define OUT_RATE 8000
#define MIN_RATE 8000             /* below this, the fax band does not fit */
#define MAX_RATE 192000
#define MAX_L 2000                /* the interpolation factor of the rational ratio */
#define CHUNK 4096
#define MAX_CHANNELS 16
#define HIST_BINS 4096            /* |x| from 0 to 2.0 full scale, linear */
#define TARGET_PEAK (10000.0 / 32768.0)
#define PASS_HZ 3400.0
#define STOP_HZ 4400.0

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');

    return s ? s + 1 : path;
}

/* Reads up to `want` frames, mixed down to mono, into mono[]; returns frames read (0 at the end). */
static sf_count_t read_mono(SNDFILE *sf, int channels, float *tmp, float *mono, sf_count_t want)
{
    sf_count_t got = sf_readf_float(sf, tmp, want);

    for (sf_count_t i = 0; i < got; i++) {
        float v = 0;

        for (int c = 0; c < channels; c++)
            v += tmp[i * channels + c];
        mono[i] = isfinite(v) ? v : 0.0f;
    }
    return got > 0 ? got : 0;
}

/* First pass: the 99.9th percentile of |x|, so that the loud parts land at a known level. */
static double measure_gain(SNDFILE *sf, int channels, sf_count_t cap, float *tmp, float *mono, sf_count_t *frames)
{
    size_t *h = calloc(HIST_BINS + 1, sizeof *h);
    size_t n = 0, want, acc = 0;
    sf_count_t got;
    double peak, g;
    int b;

    if (!h)
        return -1.0;
    while ((got = read_mono(sf, channels, tmp, mono, CHUNK)) > 0) {
        for (sf_count_t i = 0; i < got; i++) {
            double a = fabs(mono[i]) * (HIST_BINS / 2.0);

            h[a >= HIST_BINS ? HIST_BINS : (size_t)a]++;
        }
        n += (size_t)got;
        if ((sf_count_t)n > cap)
            break;
    }
    *frames = (sf_count_t)n;
    want = n / 1000 + 1;
    for (b = HIST_BINS; b > 0 && (acc += h[b]) < want; b--)
        ;
    free(h);
    peak = (b + 0.5) / (HIST_BINS / 2.0);
    if (n == 0 || peak < 1e-5)
        return 1.0;   /* silence: leave it */
    g = TARGET_PEAK / peak;
    return g > 1000.0 ? 1000.0 : g;
}

static long gcd(long a, long b)
{
    while (b) {
        long t = a % b;

        a = b;
        b = t;
    }
    return a;
}

/* Rational resampler rate_in → 8000: output n sits at input position n*M/L. */
typedef struct resampler {
    long L, M;
    int taps;                     /* per phase */
    float *h;                     /* L phases of `taps` coefficients: h[p * taps + k] */
    float *win;                   /* taps-1 samples of history, then the chunk */
    size_t have;                  /* samples in win */
    uint64_t win_start;           /* input index of win[taps - 1] */
    uint64_t n;                   /* next output index */
} resampler;

static void rs_free(resampler *r)
{
    free(r->h);
    free(r->win);
}

static bool rs_init(resampler *r, int rate)
{
    long g = gcd(rate, OUT_RATE);
    double up, fc, center;
    size_t len;

    memset(r, 0, sizeof *r);
    r->L = OUT_RATE / g;
    r->M = rate / g;
    r->taps = (int)ceil(4.0 * rate / (STOP_HZ - PASS_HZ)) | 1;
    up = (double)rate * (double)r->L;                  /* the zero-stuffed rate the prototype runs at */
    fc = (PASS_HZ + STOP_HZ) / 2.0 / up;               /* cycles per up-sample */
    len = (size_t)r->L * (size_t)r->taps;
    center = (double)(len - 1) / 2.0;
    if (!(r->h = malloc(len * sizeof *r->h)) || !(r->win = calloc((size_t)r->taps + CHUNK, sizeof *r->win))) {
        rs_free(r);
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        double x = (double)i - center, w, s;

        w = 0.42 - 0.5 * cos(2.0 * M_PI * (double)i / (double)(len - 1)) +
            0.08 * cos(4.0 * M_PI * (double)i / (double)(len - 1));
        s = x == 0 ? 2.0 * fc : sin(2.0 * M_PI * fc * x) / (M_PI * x);
        /* phase-major, times L: zero stuffing divided the signal's energy by L */
        r->h[(i % (size_t)r->L) * (size_t)r->taps + i / (size_t)r->L] = (float)(s * w * (double)r->L);
    }
    r->have = (size_t)r->taps - 1;   /* silence before the start */
    return true;
}

/* Feeds input samples; writes the outputs that became computable to out (room for `room`). */
static size_t rs_run(resampler *r, const float *in, size_t n_in, int16_t *out, size_t room, double gain)
{
    size_t produced = 0;

    memcpy(r->win + r->have, in, n_in * sizeof *in);
    r->have += n_in;
    for (;;) {
        uint64_t t = r->n * (uint64_t)r->M, base = t / (uint64_t)r->L;
        size_t bi;
        const float *hp = r->h + (t % (uint64_t)r->L) * (uint64_t)r->taps;
        double acc = 0;

        /* win[j] holds input sample win_start + j - (taps-1); base >= win_start always holds */
        bi = (size_t)(base - r->win_start) + (size_t)r->taps - 1;
        if (bi >= r->have || produced >= room)
            break;
        for (int k = 0; k < r->taps; k++)
            acc += hp[k] * r->win[bi - (size_t)k];
        acc *= gain * 32768.0;
        out[produced++] = (int16_t)lrint(acc > 32767 ? 32767 : acc < -32768 ? -32768 : acc);
        r->n++;
    }
    /* keep taps-1 samples of history */
    if (r->have > (size_t)r->taps - 1) {
        size_t drop = r->have - ((size_t)r->taps - 1);

        memmove(r->win, r->win + drop, ((size_t)r->taps - 1) * sizeof *r->win);
        r->win_start += drop;
        r->have = (size_t)r->taps - 1;
    }
    return produced;
}

fg_err fg_decode_wav(const char *path, fg_decode_result *out)
{
    SF_INFO info;
    SNDFILE *sf;
    float *tmp = NULL, *mono = NULL;
    int16_t *pcm = NULL;
    sf_count_t frames = 0, got, pos = 0, cap;
    size_t n_out = 0, max_out;
    resampler rs = {0};
    double g;
    fg_err e;

    if (!path || !out)
        return fg_err_set(FG_ERR_INVAL, "decode: no file or no result to fill");
    memset(out, 0, sizeof *out);
    memset(&info, 0, sizeof info);
    if (!(sf = sf_open(path, SFM_READ, &info))) {
        if (access(path, R_OK) != 0)
            return fg_err_set(fg_err_from_errno(errno), "%s: cannot open: %s", path, strerror(errno));
        return fg_err_set(FG_ERR_FORMAT, "%s: not an audio file this build can read (%s)", path, sf_strerror(NULL));
    }
    if (info.channels < 1 || info.channels > MAX_CHANNELS) {
        e = fg_err_set(FG_ERR_FORMAT, "%s: %d channels; a call recording has 1 or 2", path, info.channels);
        goto done;
    }
    if (info.samplerate < MIN_RATE || info.samplerate > MAX_RATE ||
        OUT_RATE / gcd(info.samplerate, OUT_RATE) > MAX_L) {
        e = fg_err_set(FG_ERR_FORMAT, "%s: sampled at %d Hz; decode needs 8000 Hz or a common higher rate "
                       "(16, 22.05, 44.1, 48 kHz…); convert it first, e.g. sox IN.wav -r 8000 OUT.wav", path,
                       info.samplerate);
        goto done;
    }
    cap = (sf_count_t)FG_DECODE_MAX_SECONDS * info.samplerate;
    tmp = malloc(sizeof *tmp * CHUNK * (size_t)info.channels);
    mono = malloc(sizeof *mono * CHUNK);
    if (!tmp || !mono || (info.samplerate != OUT_RATE && !rs_init(&rs, info.samplerate))) {
        e = fg_err_set(FG_ERR_NOMEM, "%s: out of memory", path);
        goto done;
    }
    if ((g = measure_gain(sf, info.channels, cap, tmp, mono, &frames)) < 0) {
        e = fg_err_set(FG_ERR_NOMEM, "%s: out of memory", path);
        goto done;
    }
    if (frames == 0) {
        e = fg_err_set(FG_ERR_FORMAT, "%s: the file holds no audio", path);
        goto done;
    }
    if (frames > cap) {
        e = fg_err_set(FG_ERR_TOOBIG, "%s: longer than %d s; cut the recording into calls", path,
                       FG_DECODE_MAX_SECONDS);
        goto done;
    }
    if (sf_seek(sf, 0, SEEK_SET) != 0) {
        e = fg_err_set(FG_ERR_IO, "%s: cannot read the audio a second time (%s)", path, sf_strerror(sf));
        goto done;
    }
    max_out = (size_t)(frames * OUT_RATE / info.samplerate) + 2;
    if (!(pcm = malloc(sizeof *pcm * max_out))) {
        e = fg_err_set(FG_ERR_NOMEM, "%s: out of memory for %zu samples", path, max_out);
        goto done;
    }
    /* Second pass: the same frames, scaled (a truncated file may give fewer the second time). */
    while (pos < frames && (got = read_mono(sf, info.channels, tmp, mono,
                                            frames - pos < CHUNK ? frames - pos : CHUNK)) > 0) {
        if (rs.h) {
            n_out += rs_run(&rs, mono, (size_t)got, pcm + n_out, max_out - n_out, g);
        } else {
            for (sf_count_t i = 0; i < got; i++) {
                double v = mono[i] * g * 32768.0;

                pcm[n_out++] = (int16_t)lrint(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
            }
        }
        pos += got;
    }
    if ((e = fg_decode_samples(pcm, n_out, out)) == FG_OK)
        snprintf(out->stream, sizeof out->stream, "%.63s", base_name(path));
done:
    rs_free(&rs);
    free(pcm);
    free(mono);
    free(tmp);
    sf_close(sf);
    return e;
}
