/* mkseeds — seed inputs for the fuzz targets, made from a real fax call (tests/fuzz/run.sh).
 *
 *   mkseeds OUTDIR
 *
 * Places one short fax call between two SpanDSP machines in memory (a small page, V.29, no
 * ECM) and writes what the parsers read in the field:
 *   OUTDIR/pcap/call.pcap             the call as a capture: RTP G.711 (µ-law one way, A-law
 *                                     the other) in UDP/IPv4/Ethernet, with a SIP packet first;
 *                                     phase-b.pcap, its first 7 s
 *   OUTDIR/wav/call.wav               the call as a line recording (8 kHz mono, both sides)
 *   OUTDIR/audiosocket/call.bin       what Asterisk's AudioSocket() sends: the call's UUID, a
 *                                     caller ID (faxgate's 0xC1), 2 s of audio, the hang-up
 * Every file is generated here: no corpus file is copied.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sndfile.h>
#include <spandsp.h>

#include "faxgate/line.h"
#include "faxgate/page.h"

#define SR 8000
#define MAX_SECONDS 120

typedef struct call {
    int16_t *caller, *called;
    size_t n;
    int done;
} call;

static void phase_e(t30_state_t *t, void *user, int result)
{
    (void)t, (void)result;
    ((call *)user)->done++;
}

static int die(const char *what)
{
    fprintf(stderr, "mkseeds: %s: %s\n", what, errno ? strerror(errno) : "failed");
    return 1;
}

/* A small page of text-like strokes: a short call, a seed of a few hundred kB at most. */
static int make_page(const char *path)
{
    fg_page *p = NULL;
    fg_err e;

    if ((e = fg_page_new(1728, 240, 204, 98, &p)))
        return fprintf(stderr, "mkseeds: %s\n", fg_err_msg(e)), 1;
    for (int y = 40; y < 200; y += 40)
        for (int k = 0; k < 14; k++)
            for (int x = 120; x < 1600; x += 9 + (x * 7 + y) % 23)
                p->bits[(size_t)(y + k) * (size_t)p->stride + (size_t)x / 8] |= (uint8_t)(0x80 >> (x % 8));
    e = fg_page_write_tiff(p, path, false);
    fg_page_free(p);
    return e ? fprintf(stderr, "mkseeds: %s\n", fg_err_msg(e)), 1 : 0;
}

static int place_call(const char *tx_tif, const char *rx_tif, call *c)
{
    fax_state_t *tx = fax_init(NULL, TRUE), *rx = fax_init(NULL, FALSE);
    size_t cap = (size_t)MAX_SECONDS * SR, tail = 0;
    int16_t a[160], b[160];

    if (!tx || !rx || !(c->caller = malloc(cap * sizeof *c->caller)) || !(c->called = malloc(cap * sizeof *c->called)))
        return die("cannot start the call");
    t30_set_tx_ident(fax_get_t30_state(tx), "+1 555 0100 SEED");
    t30_set_tx_ident(fax_get_t30_state(rx), "faxgate");
    t30_set_tx_file(fax_get_t30_state(tx), tx_tif, -1, -1);
    t30_set_rx_file(fax_get_t30_state(rx), rx_tif, -1);
    for (int i = 0; i < 2; i++) {
        t30_state_t *t = fax_get_t30_state(i ? rx : tx);

        t30_set_supported_modems(t, T30_SUPPORT_V29 | T30_SUPPORT_V27TER);
        t30_set_ecm_capability(t, FALSE);
        t30_set_phase_e_handler(t, phase_e, c);
    }
    fax_set_transmit_on_idle(tx, TRUE);
    fax_set_transmit_on_idle(rx, TRUE);
    while (c->n + 160 <= cap && tail < 25) {
        int la = fax_tx(tx, a, 160), lb = fax_tx(rx, b, 160);

        memset(a + la, 0, (size_t)(160 - la) * sizeof *a);
        memset(b + lb, 0, (size_t)(160 - lb) * sizeof *b);
        fax_rx(rx, a, 160);
        fax_rx(tx, b, 160);
        memcpy(c->caller + c->n, a, sizeof a);
        memcpy(c->called + c->n, b, sizeof b);
        c->n += 160;
        if (c->done >= 2)
            tail++;   /* half a second of line after the end */
    }
    fax_free(tx);
    fax_free(rx);
    if (c->done < 2)
        return fprintf(stderr, "mkseeds: the seed call did not end within %d s\n", MAX_SECONDS), 1;
    return 0;
}

static int write_wav(const char *path, const call *c)
{
    SF_INFO info = {.samplerate = SR, .channels = 1, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16};
    SNDFILE *sf = sf_open(path, SFM_WRITE, &info);

    if (!sf)
        return fprintf(stderr, "mkseeds: %s: %s\n", path, sf_strerror(NULL)), 1;
    for (size_t i = 0; i < c->n; i++) {
        short v = (short)((c->caller[i] + c->called[i]) / 2);

        if (sf_write_short(sf, &v, 1) != 1)
            return sf_close(sf), die(path);
    }
    return sf_close(sf) ? die(path) : 0;
}

static void put16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v & 0xffff);
}

static int record(FILE *f, double t, const uint8_t *pkt, size_t len)
{
    uint32_t h[4] = {(uint32_t)t, (uint32_t)((t - (uint32_t)t) * 1e6), (uint32_t)len, (uint32_t)len};

    return fwrite(h, sizeof h, 1, f) == 1 && fwrite(pkt, 1, len, f) == len ? 0 : -1;
}

/* Ethernet + IPv4 + UDP around a payload, between 10.0.0.1 and 10.0.0.2. */
static size_t udp(uint8_t *pkt, int from_caller, unsigned sport, unsigned dport, const uint8_t *pl, size_t n)
{
    static const uint8_t eth[12] = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2};
    uint8_t *ip = pkt + 14, *u = ip + 20;

    memcpy(pkt, eth, sizeof eth);
    put16(pkt + 12, 0x0800);
    memset(ip, 0, 20);
    ip[0] = 0x45;
    put16(ip + 2, (unsigned)(28 + n));
    ip[8] = 64;
    ip[9] = 17;
    put32(ip + 12, from_caller ? 0x0a000001u : 0x0a000002u);
    put32(ip + 16, from_caller ? 0x0a000002u : 0x0a000001u);
    put16(u, sport);
    put16(u + 2, dport);
    put16(u + 4, (unsigned)(8 + n));
    put16(u + 6, 0);
    memcpy(u + 8, pl, n);
    return 42 + n;
}

static int write_pcap(const char *path, const call *c, size_t samples)
{
    static const uint32_t ghdr[6] = {0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1};
    static const char sip[] = "INVITE sip:fax@10.0.0.2 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060\r\n"
                              "Content-Type: application/sdp\r\n\r\nv=0\r\nm=audio 40000 RTP/AVP 0 8\r\n";
    uint8_t pkt[400], rtp[12 + 160];
    FILE *f = fopen(path, "wb");
    int bad = !f;

    if (f)
        bad |= fwrite(ghdr, 4, 6, f) != 6 || record(f, 0.001, pkt, udp(pkt, 1, 5060, 5060, (const uint8_t *)sip,
                                                                       sizeof sip - 1));
    for (size_t k = 0; !bad && k < samples / 160; k++) {
        for (int dir = 0; dir < 2 && !bad; dir++) {
            const int16_t *pcm = (dir ? c->called : c->caller) + k * 160;

            rtp[0] = 0x80;
            rtp[1] = dir ? 8 : 0;   /* the caller sends µ-law, the answerer A-law */
            put16(rtp + 2, (unsigned)(k + (dir ? 7000 : 100)) & 0xffff);
            put32(rtp + 4, (uint32_t)(k * 160));
            put32(rtp + 8, dir ? 0x22222222u : 0x11111111u);
            for (int j = 0; j < 160; j++)
                rtp[12 + j] = dir ? linear_to_alaw(pcm[j]) : linear_to_ulaw(pcm[j]);
            bad |= record(f, 1.0 + (double)k * 0.02, pkt,
                          udp(pkt, !dir, dir ? 30000 : 40000, dir ? 40000 : 30000, rtp, sizeof rtp));
        }
    }
    if (f && fclose(f))
        bad = 1;
    return bad ? die(path) : 0;
}

static int put_frame(FILE *f, uint8_t kind, const void *payload, size_t len)
{
    uint8_t buf[FG_AS_HEADER + FG_AS_MAX_PAYLOAD];
    size_t n = fg_as_encode(kind, payload, len, buf, sizeof buf);

    return n && fwrite(buf, 1, n, f) == n ? 0 : -1;
}

static int write_audiosocket(const char *path, const call *c)
{
    static const uint8_t uuid[16] = {0x6c, 0x0b, 0x6d, 0x1e, 0, 0, 0x40, 0, 0x80, 0, 0, 0, 0, 0, 0, 1};
    static const char info[] = "caller-id=+15551234567";
    uint8_t audio[320];
    FILE *f = fopen(path, "wb");
    int bad = !f;

    if (f)
        bad |= put_frame(f, FG_AS_UUID, uuid, sizeof uuid) || put_frame(f, 0xc1, info, sizeof info - 1);
    for (size_t k = 0; !bad && k < 100 && (k + 1) * 160 <= c->n; k++) {   /* 2 s, 20 ms a frame */
        for (int j = 0; j < 160; j++) {
            audio[2 * j] = (uint8_t)((uint16_t)c->caller[k * 160 + j] & 0xff);   /* slin, little-endian */
            audio[2 * j + 1] = (uint8_t)((uint16_t)c->caller[k * 160 + j] >> 8);
        }
        bad |= put_frame(f, FG_AS_AUDIO, audio, sizeof audio);
    }
    if (!bad)
        bad |= put_frame(f, FG_AS_HANGUP, NULL, 0);
    if (f && fclose(f))
        bad = 1;
    return bad ? die(path) : 0;
}

int main(int argc, char **argv)
{
    char path[4096], tx[4096], rx[4096];
    call c = {0};
    int rc;

    if (argc != 2) {
        fprintf(stderr, "usage: mkseeds OUTDIR\n");
        return 2;
    }
    for (int i = 0; i < 4; i++) {
        static const char *const sub[] = {"", "/pcap", "/wav", "/audiosocket"};

        snprintf(path, sizeof path, "%s%s", argv[1], sub[i]);
        if (mkdir(path, 0755) && errno != EEXIST)
            return die(path);
    }
    snprintf(tx, sizeof tx, "%s/seed-page.tif", argv[1]);
    snprintf(rx, sizeof rx, "%s/seed-received.tif", argv[1]);
    if ((rc = make_page(tx)) || (rc = place_call(tx, rx, &c)))
        return rc;
    remove(rx);
    remove(tx);
    snprintf(path, sizeof path, "%s/pcap/call.pcap", argv[1]);
    if ((rc = write_pcap(path, &c, c.n)))
        return rc;
    /* its first 7 s (tones, CSI, DIS, TSI, DCS): small enough for the fuzzer to mutate quickly */
    snprintf(path, sizeof path, "%s/pcap/phase-b.pcap", argv[1]);
    if ((rc = write_pcap(path, &c, c.n < 7 * SR ? c.n : 7 * SR)))
        return rc;
    snprintf(path, sizeof path, "%s/wav/call.wav", argv[1]);
    if ((rc = write_wav(path, &c)))
        return rc;
    snprintf(path, sizeof path, "%s/audiosocket/call.bin", argv[1]);
    if ((rc = write_audiosocket(path, &c)))
        return rc;
    printf("mkseeds: a %.1f s fax call written as pcap, WAV and AudioSocket seeds in %s\n", (double)c.n / SR, argv[1]);
    free(c.caller);
    free(c.called);
    return 0;
}
