/* faxgate — decode: real fax calls made here (two SpanDSP terminals back to back, both directions
 * summed into one mono signal as a recording would have them), real recordings and captures from the
 * corpus, and hostile input. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sndfile.h>
#include <spandsp.h>

#include "faxgate/decode.h"
#include "testutil.h"

#define SR 8000
#define CALL_MAX_SECONDS 180
#define TX_IDENT "+1 555 0100 FAXGATE"
#define RX_IDENT "RECEIVER 42"

/* A page with some structure for every coder: frame, bars, diagonal, checker blocks, text-like runs. */
static fg_page *test_page_n(int variant)
{
    fg_page *p;
    uint32_t r = 12345u + (uint32_t)variant;

    assert_int_equal(fg_page_new(1728, 320, 204, 196, &p), FG_OK);
    for (int y = 0; y < p->height; y++) {
        uint8_t *row = p->bits + (size_t)y * (size_t)p->stride;

        for (int x = 0; x < p->width; x++) {
            bool black = x < 8 || x >= p->width - 8 || y < 4 || y >= p->height - 4 ||
                         (y > 40 && y < 60 && (x / 32) % 2) || (abs(x - (4 + variant) * y) < 3) ||
                         (y > 100 && y < 180 && x > 900 && x < 1500 && ((x / 12) + (y / 12)) % 2);
            if (y > 200 && y < 300 && (y % 20) < 12 && x > 100 && x < 1600) {
                if (x % 16 == 0)
                    r = r * 1103515245u + 12345u;
                black = black || ((r >> (x % 16 + 8)) & 1);
            }
            if (black)
                row[x >> 3] |= (uint8_t)(0x80 >> (x & 7));
        }
    }
    return p;
}

static fg_page *test_page(void)
{
    return test_page_n(0);
}

typedef struct call_audio {
    int16_t *pcm;                 /* the mixed "recording" */
    int16_t *caller, *called;     /* each direction alone, as two RTP streams would carry them */
    size_t n;
    bool rx_ok;
    int rx_pages;
} call_audio;

static void phase_e(t30_state_t *s, void *user, int result)
{
    call_audio *c = user;
    t30_stats_t st;

    t30_get_transfer_statistics(s, &st);
    c->rx_ok = result == T30_ERR_OK;
    c->rx_pages = st.pages_rx;
}

/* A real call: SpanDSP sender (caller) → SpanDSP receiver (answerer); the line carries both
   directions, and the "recording" is their sum, the answerer 8 dB quieter plus a little noise. */
static void make_call(const char *tif, const char *rx_tif, int modems, bool ecm, int compressions, double hit_at,
                      call_audio *c)
{
    fax_state_t *tx = fax_init(NULL, true), *rx = fax_init(NULL, false);
    t30_state_t *t30tx = fax_get_t30_state(tx), *t30rx = fax_get_t30_state(rx);
    awgn_state_t *noise = awgn_init_dbm0(NULL, 1234567, -55.0f), *hit = awgn_init_dbm0(NULL, 7, -10.0f);
    size_t cap = (size_t)CALL_MAX_SECONDS * SR, tail = 0;
    int16_t a[160], b[160];

    memset(c, 0, sizeof *c);
    assert_non_null(c->pcm = malloc(cap * sizeof *c->pcm));
    assert_non_null(c->caller = malloc(cap * sizeof *c->caller));
    assert_non_null(c->called = malloc(cap * sizeof *c->called));
    t30_set_tx_ident(t30tx, TX_IDENT);
    t30_set_tx_ident(t30rx, RX_IDENT);
    t30_set_tx_file(t30tx, tif, -1, -1);
    t30_set_rx_file(t30rx, rx_tif, -1);
    t30_set_phase_e_handler(t30rx, phase_e, c);
    for (int i = 0; i < 2; i++) {
        t30_state_t *t = i ? t30rx : t30tx;

        t30_set_supported_modems(t, modems);
        t30_set_ecm_capability(t, ecm);
        t30_set_supported_compressions(t, compressions);
    }
    fax_set_transmit_on_idle(tx, true);
    fax_set_transmit_on_idle(rx, true);
    while (c->n + 160 <= cap && tail < 25) {
        int la = fax_tx(tx, a, 160), lb = fax_tx(rx, b, 160);

        memset(a + la, 0, (size_t)(160 - la) * sizeof *a);
        memset(b + lb, 0, (size_t)(160 - lb) * sizeof *b);
        if (hit_at > 0 && c->n >= (size_t)(hit_at * SR) && c->n < (size_t)((hit_at + 0.15) * SR))
            for (int i = 0; i < 160; i++)
                a[i] = (int16_t)(a[i] / 4 + awgn(hit));   /* a crackle on the line: the receiver sees it too */
        fax_rx(rx, a, 160);
        fax_rx(tx, b, 160);
        memcpy(c->caller + c->n, a, sizeof a);
        memcpy(c->called + c->n, b, sizeof b);
        for (int i = 0; i < 160; i++) {
            int v = a[i] + (b[i] * 2) / 5 + awgn(noise);

            c->pcm[c->n++] = (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
        }
        if (!t30_call_active(t30tx) && !t30_call_active(t30rx))
            tail++;   /* a little silence after the end, as a recording has */
    }
    fax_free(tx);
    fax_free(rx);
    awgn_free(noise);
    awgn_free(hit);
}

static const fg_t30_frame *find_frame(const fg_decode_result *r, const char *name)
{
    for (size_t i = 0; i < r->n_frames; i++)
        if (!strcmp(r->frames[i].name, name) && r->frames[i].crc_ok)
            return &r->frames[i];
    return NULL;
}

static void expect_frames(const fg_decode_result *r, const char *const *names)
{
    for (; *names; names++)
        if (!find_frame(r, *names)) {
            fg_decode_print(r, stderr);
            fail_msg("no %s frame with a good CRC", *names);
        }
}

static void expect_same_page(const fg_page *got, const fg_page *want)
{
    assert_int_equal(got->width, want->width);
    assert_int_equal(got->height, want->height);
    assert_int_equal(got->yres, want->yres);
    for (int y = 0; y < want->height; y++)
        if (memcmp(got->bits + (size_t)y * (size_t)got->stride, want->bits + (size_t)y * (size_t)want->stride,
                   (size_t)want->stride))
            fail_msg("decoded page differs from the sent one at row %d", y);
}

/* Makes the call, decodes the mixed recording, checks frames, identity, and the page bit for bit. */
static void call_audio_free(call_audio *c)
{
    free(c->pcm);
    free(c->caller);
    free(c->called);
}

/* Makes the call (n_pages pages: MPS between them, EOP after the last), decodes the mixed recording,
   checks frames, identities and every page bit for bit. */
static void self_made_call(int modems, bool ecm, int compressions, const char *modem_name, int n_pages,
                           call_audio *keep)
{
    static const char *const names[] = {"DIS", "CSI", "TSI", "DCS", "CFR", "MCF", "DCN", NULL};
    char dir[256], tif[300], rx_tif[300];
    fg_decode_result r;
    call_audio c;
    fg_page *pages[2];
    bool tcf = false;

    assert_true(n_pages >= 1 && n_pages <= 2);
    assert_int_equal(fg_test_tmpdir(dir, sizeof dir), 0);
    snprintf(tif, sizeof tif, "%s/send.tif", dir);
    snprintf(rx_tif, sizeof rx_tif, "%s/received.tif", dir);
    for (int k = 0; k < n_pages; k++) {
        pages[k] = test_page_n(k);
        assert_int_equal(fg_page_write_tiff(pages[k], tif, k > 0), FG_OK);
    }
    make_call(tif, rx_tif, modems, ecm, compressions, 0, &c);
    assert_true(c.rx_ok);   /* the terminals themselves agree the pages went through */
    assert_int_equal(c.rx_pages, n_pages);

    assert_int_equal(fg_decode_samples(c.pcm, c.n, &r), FG_OK);
    if (getenv("FAXGATE_TEST_VERBOSE"))
        fg_decode_print(&r, stderr);
    expect_frames(&r, names);
    assert_true(find_frame(&r, "EOP") || find_frame(&r, "PPS"));
    assert_true(n_pages == 1 || find_frame(&r, ecm ? "PPS" : "MPS"));
    assert_string_equal(r.tsi, TX_IDENT);
    assert_string_equal(r.csi, RX_IDENT);
    assert_non_null(strstr(r.dcs, modem_name));
    assert_true(ecm ? strstr(r.dcs, "ECM") != NULL : strstr(r.dcs, "ECM") == NULL);
    assert_string_equal(find_frame(&r, "DCS")->from, "caller");
    assert_string_equal(find_frame(&r, "CFR")->from, "called");
    if (r.n_pages != (size_t)n_pages) {
        fg_decode_print(&r, stderr);
        fail_msg("%zu pages decoded, %d sent", r.n_pages, n_pages);
    }
    for (int k = 0; k < n_pages; k++) {
        expect_same_page(r.pages[k], pages[k]);
        assert_false(r.pages[k]->partial);
        assert_int_equal(r.page_info[k].bad_rows, 0);
        assert_int_equal(r.page_info[k].ecm, ecm);
        fg_page_free(pages[k]);
    }
    /* the training check is reported as such and never becomes a page */
    for (size_t i = 0; i < r.n_bursts; i++)
        tcf |= !strcmp(r.bursts[i].what, "TCF");
    assert_true(tcf);
    fg_decode_result_clear(&r);
    assert_null(r.frames);
    fg_test_rm_rf(dir);
    if (keep)
        *keep = c;
    else
        call_audio_free(&c);
}

static void test_call_v29_non_ecm(void **state)
{
    (void)state;
    self_made_call(T30_SUPPORT_V29 | T30_SUPPORT_V27TER, false,
                   T30_SUPPORT_T4_1D_COMPRESSION | T30_SUPPORT_T4_2D_COMPRESSION, "V.29 9600", 2, NULL);
}

static void test_call_v17_non_ecm(void **state)
{
    (void)state;
    self_made_call(T30_SUPPORT_V17 | T30_SUPPORT_V29 | T30_SUPPORT_V27TER, false, T30_SUPPORT_T4_1D_COMPRESSION,
                   "V.17 14400", 1, NULL);
}

static void test_call_v17_ecm(void **state)
{
    (void)state;
    self_made_call(T30_SUPPORT_V17 | T30_SUPPORT_V29 | T30_SUPPORT_V27TER, true,
                   T30_SUPPORT_T4_1D_COMPRESSION | T30_SUPPORT_T4_2D_COMPRESSION | T30_SUPPORT_T6_COMPRESSION,
                   "V.17 14400", 2, NULL);
}

/* ECM over several blocks, with a crackle that spoils frames: the receiver asks for them again
   (PPR) and the decoder, which lost the same frames, must take the repeats. */
static void test_call_ecm_blocks_and_repeats(void **state)
{
    char dir[256], tif[300], rx_tif[300];
    fg_decode_result r;
    call_audio c;
    fg_page *page;
    uint32_t x = 1;
    bool pps_null = false;

    (void)state;
    assert_int_equal(fg_page_new(1728, 420, 204, 196, &page), FG_OK);
    for (size_t i = 0; i < (size_t)page->stride * (size_t)page->height; i++)
        page->bits[i] = (uint8_t)((x = x * 1103515245u + 12345u) >> 23);   /* hard to compress: > 64 KB of T.6 */
    assert_int_equal(fg_test_tmpdir(dir, sizeof dir), 0);
    snprintf(tif, sizeof tif, "%s/send.tif", dir);
    snprintf(rx_tif, sizeof rx_tif, "%s/received.tif", dir);
    assert_int_equal(fg_page_write_tiff(page, tif, false), FG_OK);
    make_call(tif, rx_tif, T30_SUPPORT_V17, true, T30_SUPPORT_T4_1D_COMPRESSION | T30_SUPPORT_T6_COMPRESSION, 20.0,
              &c);
    assert_true(c.rx_ok);
    assert_int_equal(fg_decode_samples(c.pcm, c.n, &r), FG_OK);
    if (getenv("FAXGATE_TEST_VERBOSE"))
        fg_decode_print(&r, stderr);
    assert_non_null(find_frame(&r, "PPR"));
    for (size_t i = 0; i < r.n_frames; i++)
        pps_null |= r.frames[i].crc_ok && strstr(r.frames[i].info, "PPS-NULL") != NULL;
    assert_true(pps_null);
    assert_int_equal(r.n_pages, 1);
    expect_same_page(r.pages[0], page);
    assert_false(r.pages[0]->partial);
    fg_decode_result_clear(&r);
    call_audio_free(&c);
    fg_page_free(page);
    fg_test_rm_rf(dir);
}

/* The recording is noisier than the line the terminals had (a recorder on a noisy tap): V.17 at
   about 26 dB SNR, where its short training often fails at the first try, and V.29 at about 21 dB. */
static void test_call_noisy_recording(void **state)
{
    static const struct { int modems; float noise; } cases[] = {{T30_SUPPORT_V17, -40.0f}, {T30_SUPPORT_V29, -35.0f}};
    char dir[256], tif[300], rx_tif[300];
    fg_page *page = test_page();

    (void)state;
    assert_int_equal(fg_test_tmpdir(dir, sizeof dir), 0);
    snprintf(tif, sizeof tif, "%s/send.tif", dir);
    snprintf(rx_tif, sizeof rx_tif, "%s/received.tif", dir);
    assert_int_equal(fg_page_write_tiff(page, tif, false), FG_OK);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        awgn_state_t *noise = awgn_init_dbm0(NULL, 4242, cases[k].noise);
        fg_decode_result r;
        call_audio c;

        make_call(tif, rx_tif, cases[k].modems, false, T30_SUPPORT_T4_1D_COMPRESSION | T30_SUPPORT_T4_2D_COMPRESSION,
                  0, &c);
        for (size_t i = 0; i < c.n; i++) {
            int v = c.pcm[i] + awgn(noise);

            c.pcm[i] = (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
        }
        assert_int_equal(fg_decode_samples(c.pcm, c.n, &r), FG_OK);
        if (getenv("FAXGATE_TEST_VERBOSE"))
            fg_decode_print(&r, stderr);
        assert_string_equal(r.tsi, TX_IDENT);
        assert_int_equal(r.n_pages, 1);
        expect_same_page(r.pages[0], page);
        fg_decode_result_clear(&r);
        call_audio_free(&c);
        awgn_free(noise);
    }
    fg_page_free(page);
    fg_test_rm_rf(dir);
}

static void test_call_v27ter_level(void **state)
{
    call_audio c;
    fg_decode_result r;

    (void)state;
    /* V.27ter, then the same recording 30 dB quieter: normalising must find the frames again. */
    self_made_call(T30_SUPPORT_V27TER, false, T30_SUPPORT_T4_1D_COMPRESSION | T30_SUPPORT_T4_2D_COMPRESSION,
                   "V.27ter 4800", 1, &c);
    for (size_t i = 0; i < c.n; i++)
        c.pcm[i] = (int16_t)(c.pcm[i] / 32);
    assert_int_equal(fg_decode_samples(c.pcm, c.n, &r), FG_OK);
    assert_non_null(find_frame(&r, "DCS"));
    assert_string_equal(r.tsi, TX_IDENT);
    assert_int_equal(r.n_pages, 1);
    fg_decode_result_clear(&r);
    call_audio_free(&c);
}

/* A PC recording: 44.1 kHz, one direction per channel (upsampled by linear interpolation, whose
   images above 4 kHz the decoder's resampler must remove). */
static void test_wav_44k_stereo(void **state)
{
    char dir[256], tif[300], rx_tif[300], wav[300];
    SF_INFO info = {.samplerate = 44100, .channels = 2, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16};
    fg_decode_result r;
    SNDFILE *sf;
    call_audio c;
    fg_page *page = test_page();

    (void)state;
    assert_int_equal(fg_test_tmpdir(dir, sizeof dir), 0);
    snprintf(tif, sizeof tif, "%s/send.tif", dir);
    snprintf(rx_tif, sizeof rx_tif, "%s/received.tif", dir);
    snprintf(wav, sizeof wav, "%s/call44k.wav", dir);
    assert_int_equal(fg_page_write_tiff(page, tif, false), FG_OK);
    make_call(tif, rx_tif, T30_SUPPORT_V17, false, T30_SUPPORT_T4_1D_COMPRESSION | T30_SUPPORT_T4_2D_COMPRESSION, 0,
              &c);
    assert_non_null(sf = sf_open(wav, SFM_WRITE, &info));
    for (size_t o = 0; (double)o * SR / 44100.0 + 1 < (double)c.n; o++) {
        double t = (double)o * SR / 44100.0, f = t - floor(t);
        size_t i = (size_t)t;
        short fr[2] = {(short)(c.caller[i] * (1 - f) + c.caller[i + 1] * f),
                       (short)((c.called[i] * (1 - f) + c.called[i + 1] * f) / 3)};

        assert_int_equal(sf_writef_short(sf, fr, 1), 1);
    }
    assert_int_equal(sf_close(sf), 0);
    assert_int_equal(fg_decode_wav(wav, &r), FG_OK);
    if (getenv("FAXGATE_TEST_VERBOSE"))
        fg_decode_print(&r, stderr);
    assert_string_equal(r.tsi, TX_IDENT);
    assert_string_equal(r.csi, RX_IDENT);
    assert_non_null(strstr(r.dcs, "V.17 14400"));
    assert_int_equal(r.n_pages, 1);
    expect_same_page(r.pages[0], page);
    assert_true(r.seconds > (double)c.n / SR - 0.1 && r.seconds < (double)c.n / SR + 0.1);
    fg_decode_result_clear(&r);
    call_audio_free(&c);
    fg_page_free(page);
    fg_test_rm_rf(dir);
}

/* ---- a capture made from a call: two RTP streams, A-law and µ-law, VLAN, wrap, reordering, loss ---- */

static void put16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v & 0xFFFF);
}

static void pcap_record(FILE *f, double t, const uint8_t *pkt, size_t len)
{
    uint32_t h[4] = {(uint32_t)t, (uint32_t)((t - (uint32_t)t) * 1e6), (uint32_t)len, (uint32_t)len};

    assert_int_equal(fwrite(h, sizeof h, 1, f), 1);
    assert_int_equal(fwrite(pkt, 1, len, f), len);
}

/* Ethernet + 802.1Q + IPv4 + UDP around a payload. */
static size_t udp_packet(uint8_t *pkt, uint8_t src_host, unsigned sport, unsigned dport, const uint8_t *pl,
                         size_t n)
{
    static const uint8_t eth[16] = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x81, 0x00, 0x00, 0x64};
    uint8_t *ip = pkt + 18, *udp = ip + 20;

    memcpy(pkt, eth, sizeof eth);
    put16(pkt + 16, 0x0800);
    memset(ip, 0, 20);
    ip[0] = 0x45;
    put16(ip + 2, (unsigned)(20 + 8 + n));
    put16(ip + 6, 0x4000);
    ip[8] = 64;
    ip[9] = 17;
    put32(ip + 12, 0x0A000000u | src_host);
    put32(ip + 16, 0x0A000000u | (src_host ^ 3));
    put16(udp, sport);
    put16(udp + 2, dport);
    put16(udp + 4, (unsigned)(8 + n));
    put16(udp + 6, 0);
    memcpy(udp + 8, pl, n);
    return 18 + 20 + 8 + n;
}

static void write_call_pcap(const char *path, const call_audio *c)
{
    static const uint32_t ghdr[6] = {0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1};
    static const char sip[] = "INVITE sip:fax@10.0.0.2 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1\r\n\r\n";
    static const uint8_t udptl[] = {0x00, 0x05, 0x06, 0xc0, 0x01, 0x80, 0x00, 0x00, 0xff, 0x00};
    FILE *f = fopen(path, "wb");
    uint8_t pkt[400], rtp[12 + 160];
    size_t n_pkts = c->n / 160;

    assert_non_null(f);
    assert_int_equal(fwrite(ghdr, 4, 6, f), 6);
    pcap_record(f, 0.001, pkt, udp_packet(pkt, 1, 5060, 5060, (const uint8_t *)sip, sizeof sip - 1));
    for (size_t k = 0; k < n_pkts; k++) {
        /* swap each 50th packet with the next one: arrival order is not sequence order */
        size_t i = (k % 50 == 10 && k + 1 < n_pkts) ? k + 1 : (k % 50 == 11) ? k - 1 : k;

        for (int dir = 0; dir < 2; dir++) {
            const int16_t *pcm = (dir ? c->called : c->caller) + i * 160;
            unsigned seq = (unsigned)((dir ? 1000 : 65500) + i) & 0xFFFF;

            if (dir == 0 && i == 20)
                continue;   /* lost in the network, in the call's first silence */
            rtp[0] = 0x80;
            rtp[1] = dir ? 0 : 8;
            put16(rtp + 2, seq);
            put32(rtp + 4, (uint32_t)(i * 160 + (dir ? 0 : 0xFFFFF000u)));   /* the caller's clock wraps too */
            put32(rtp + 8, dir ? 0x22222222u : 0x11111111u);
            for (int j = 0; j < 160; j++)
                rtp[12 + j] = dir ? linear_to_ulaw(pcm[j]) : linear_to_alaw(pcm[j]);
            pcap_record(f, 1.0 + (double)k * 0.02, pkt,
                        udp_packet(pkt, dir ? 2 : 1, dir ? 30000 : 40000, dir ? 40000 : 30000, rtp, sizeof rtp));
        }
        if (k == 100)
            pcap_record(f, 3.0, pkt, udp_packet(pkt, 1, 4000, 4000, udptl, sizeof udptl));
    }
    assert_int_equal(fclose(f), 0);
}

static void test_pcap_from_call(void **state)
{
    char dir[256], tif[300], rx_tif[300], pcap[300];
    fg_decode_result *r = NULL;
    const fg_decode_result *caller = NULL, *called = NULL;
    size_t n = 0;
    call_audio c;
    fg_page *page = test_page();

    (void)state;
    assert_int_equal(fg_test_tmpdir(dir, sizeof dir), 0);
    snprintf(tif, sizeof tif, "%s/send.tif", dir);
    snprintf(rx_tif, sizeof rx_tif, "%s/received.tif", dir);
    snprintf(pcap, sizeof pcap, "%s/call.pcap", dir);
    assert_int_equal(fg_page_write_tiff(page, tif, false), FG_OK);
    make_call(tif, rx_tif, T30_SUPPORT_V29, false, T30_SUPPORT_T4_1D_COMPRESSION | T30_SUPPORT_T4_2D_COMPRESSION, 0, &c);
    write_call_pcap(pcap, &c);
    assert_int_equal(fg_decode_pcap(pcap, &r, &n), FG_OK);
    assert_int_equal(n, 2);
    for (size_t i = 0; i < n; i++) {
        if (r[i].tsi[0])
            caller = &r[i];
        if (r[i].csi[0])
            called = &r[i];
    }
    assert_non_null(caller);
    assert_non_null(called);
    assert_true(caller != called);
    /* each direction alone: the caller's stream has the commands and the image, the answerer's the replies */
    assert_string_equal(caller->tsi, TX_IDENT);
    assert_non_null(find_frame(caller, "DCS"));
    assert_non_null(find_frame(caller, "EOP"));
    assert_null(find_frame(caller, "CFR"));
    assert_non_null(find_frame(called, "DIS"));
    assert_non_null(find_frame(called, "CFR"));
    assert_non_null(find_frame(called, "MCF"));
    assert_non_null(strstr(caller->stream, "PCMA"));
    assert_non_null(strstr(called->stream, "PCMU"));
    assert_int_equal(caller->rtp_lost, 1);
    assert_int_equal(called->rtp_lost, 0);
    assert_true(caller->udp_skipped >= 2);   /* the SIP and the UDPTL datagrams */
    assert_int_equal(caller->n_pages, 1);
    expect_same_page(caller->pages[0], page);
    assert_int_equal(called->n_pages, 0);
    for (size_t i = 0; i < n; i++)
        fg_decode_result_clear(&r[i]);
    free(r);
    call_audio_free(&c);
    fg_page_free(page);
    fg_test_rm_rf(dir);
}

/* ---- the corpus: a real call recorded between two real machines, real captures ---- */

static void test_corpus_recording(void **state)
{
    static const char *const order[] = {"NSF", "CSI", "DIS", "TSI", "DCS", "CFR", "EOP", "MCF", "DCN", NULL};
    char path[512];
    fg_decode_result r;
    size_t k = 0;

    (void)state;
    if (!fg_test_corpus("recordings/faxstf3_to_officejet8620.wav", path, sizeof path))
        fg_test_skip("corpus recordings/faxstf3_to_officejet8620.wav not found (set FAXGATE_CORPUS)");
    assert_int_equal(fg_decode_wav(path, &r), FG_OK);
    for (size_t i = 0; i < r.n_frames && order[k]; i++)
        if (r.frames[i].crc_ok && !strcmp(r.frames[i].name, order[k]))
            k++;
    if (order[k]) {
        fg_decode_print(&r, stderr);
        fail_msg("frame %s missing or out of order", order[k]);
    }
    assert_string_equal(find_frame(&r, "DIS")->from, "called");
    assert_string_equal(find_frame(&r, "DCS")->from, "caller");
    assert_non_null(strstr(r.dcs, "V.17 14400"));
    assert_non_null(strstr(r.nsf_vendor, "HP"));
    assert_int_equal(r.n_pages, 1);
    assert_int_equal(r.pages[0]->width, 1728);
    assert_true(r.pages[0]->height > 500);
    assert_int_equal(r.pages[0]->yres, 196);
    print_message("# FaxSTF3 -> OfficeJet 8620: page %dx%d, %d bad rows, TSI \"%s\", CSI \"%s\", DCS %s\n",
                  r.pages[0]->width, r.pages[0]->height, r.page_info[0].bad_rows, r.tsi, r.csi, r.dcs);
    assert_true(r.page_info[0].bad_rows < r.pages[0]->height / 20);
    fg_decode_result_clear(&r);
}

static void test_corpus_pcaps(void **state)
{
    char path[512];
    fg_decode_result *r;
    size_t n;
    bool dis = false;

    (void)state;
    if (!fg_test_corpus("asterisk/CARRIER_G711U.pcap", path, sizeof path))
        fg_test_skip("corpus asterisk/*.pcap not found (set FAXGATE_CORPUS)");
    assert_int_equal(fg_decode_pcap(path, &r, &n), FG_OK);
    assert_int_equal(n, 1);
    assert_non_null(find_frame(&r[0], "TSI"));
    assert_non_null(find_frame(&r[0], "DCS"));
    assert_non_null(strstr(r[0].dcs, "V.29 9600"));
    assert_int_equal(r[0].n_pages, 0);   /* the call moved to T.38 before the page: TCF only */
    fg_decode_result_clear(&r[0]);
    free(r);

    assert_non_null(fg_test_corpus("asterisk/CUSTOMER_G711U.pcap", path, sizeof path));
    assert_int_equal(fg_decode_pcap(path, &r, &n), FG_OK);
    assert_int_equal(n, 2);
    assert_string_not_equal(r[0].stream, r[1].stream);
    for (size_t i = 0; i < n; i++) {
        if (find_frame(&r[i], "DIS")) {
            dis = true;
            assert_non_null(find_frame(&r[i], "CSI"));
            assert_non_null(strstr(r[i].nsf_vendor, "Panasonic"));
        }
        fg_decode_result_clear(&r[i]);
    }
    free(r);
    assert_true(dis);

    /* 128 hostile UDPTL datagrams: not RTP, so nothing to decode, and said so */
    assert_non_null(fg_test_corpus("asterisk/ast-2016-003_crash.pcap", path, sizeof path));
    assert_int_equal(fg_decode_pcap(path, &r, &n), FG_ERR_NOTFOUND);
    assert_int_equal(n, 0);
    assert_null(r);
    assert_non_null(strstr(fg_err_msg(FG_ERR_NOTFOUND), "128 UDP datagrams skipped"));
}

/* ---- hostile input: a clear error or an empty result, never a crash ---- */

static void write_wav(const char *path, int rate, int channels, int format, size_t frames, bool noise)
{
    SF_INFO info = {.samplerate = rate, .channels = channels, .format = format};
    SNDFILE *sf = sf_open(path, SFM_WRITE, &info);
    short buf[1024];
    uint32_t x = 99;

    assert_non_null(sf);
    for (size_t done = 0; done < frames;) {
        size_t k = frames - done < 1024 / (size_t)channels ? frames - done : 1024 / (size_t)channels;

        for (size_t i = 0; i < k * (size_t)channels; i++)
            buf[i] = noise ? (short)((x = x * 1664525u + 1013904223u) >> 20) - 2048 : 0;
        assert_int_equal(sf_writef_short(sf, buf, (sf_count_t)k), (sf_count_t)k);
        done += k;
    }
    assert_int_equal(sf_close(sf), 0);
}

static void test_hostile_files(void **state)
{
    char dir[256], path[300], trunc[300];
    fg_decode_result r, *rs = NULL;
    size_t n = 9, len;
    char *data;
    fg_err e;

    (void)state;
    assert_int_equal(fg_test_tmpdir(dir, sizeof dir), 0);

    snprintf(path, sizeof path, "%s/empty.wav", dir);
    write_wav(path, SR, 1, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 0, false);
    assert_int_equal(fg_decode_wav(path, &r), FG_ERR_FORMAT);
    assert_non_null(strstr(fg_err_msg(FG_ERR_FORMAT), "no audio"));

    /* CD-rate stereo noise is resampled and decoded: nothing in it */
    snprintf(path, sizeof path, "%s/cd.wav", dir);
    write_wav(path, 44100, 2, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 2 * 44100, true);
    assert_int_equal(fg_decode_wav(path, &r), FG_OK);
    assert_true(r.seconds > 1.99 && r.seconds < 2.01);
    assert_int_equal(r.n_pages, 0);
    fg_decode_result_clear(&r);
    /* rates the fax band does not fit in, or no sensible ratio to 8 kHz: a clear refusal */
    snprintf(path, sizeof path, "%s/low.wav", dir);
    write_wav(path, 6000, 1, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 6000, true);
    assert_int_equal(fg_decode_wav(path, &r), FG_ERR_FORMAT);
    assert_non_null(strstr(fg_err_msg(FG_ERR_FORMAT), "6000 Hz"));
    snprintf(path, sizeof path, "%s/odd.wav", dir);
    write_wav(path, 44111, 1, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 4411, true);
    assert_int_equal(fg_decode_wav(path, &r), FG_ERR_FORMAT);

    /* cut in the middle of the data: what is there is decoded (noise: nothing) */
    snprintf(path, sizeof path, "%s/whole.wav", dir);
    write_wav(path, SR, 1, SF_FORMAT_WAV | SF_FORMAT_FLOAT, 3 * SR, true);
    assert_non_null(data = fg_test_read_file(path, &len));
    snprintf(trunc, sizeof trunc, "%s/truncated.wav", dir);
    assert_int_equal(fg_test_write_file(trunc, data, len / 2 + 3), 0);
    free(data);
    assert_int_equal(fg_decode_wav(trunc, &r), FG_OK);
    assert_true(r.seconds > 1.0 && r.seconds < 2.0);
    assert_int_equal(r.n_pages, 0);
    fg_decode_result_clear(&r);
    assert_int_equal(fg_test_write_file(trunc, "RIFF\x10\0\0\0WAVEfmt ", 16), 0);
    assert_int_equal(fg_decode_wav(trunc, &r), FG_ERR_FORMAT);
    assert_int_equal(fg_decode_wav("/nonexistent/x.wav", &r), FG_ERR_NOTFOUND);

    /* pcaps: garbage, a valid header with garbage records, and a truncated capture */
    {
        uint8_t junk[4096];
        uint32_t x = 7;

        for (size_t i = 0; i < sizeof junk; i++)
            junk[i] = (uint8_t)((x = x * 1103515245u + 12345u) >> 16);
        snprintf(path, sizeof path, "%s/junk.pcap", dir);
        assert_int_equal(fg_test_write_file(path, junk, sizeof junk), 0);
        assert_int_equal(fg_decode_pcap(path, &rs, &n), FG_ERR_FORMAT);
        assert_int_equal(n, 0);

        memcpy(junk, (const uint32_t[]){0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1}, 24);
        for (size_t off = 24; off + 16 < sizeof junk; off += 16 + 64)
            memcpy(junk + off + 8, (const uint32_t[]){64, 64}, 8);   /* plausible lengths, random content */
        assert_int_equal(fg_test_write_file(path, junk, sizeof junk), 0);
        e = fg_decode_pcap(path, &rs, &n);
        assert_true(e == FG_ERR_NOTFOUND || e == FG_OK);
        for (size_t i = 0; i < n; i++)
            fg_decode_result_clear(&rs[i]);
        free(rs);
        assert_int_equal(fg_test_write_file(path, junk, 24 + 10), 0);
        e = fg_decode_pcap(path, &rs, &n);
        assert_true(e == FG_ERR_NOTFOUND || e == FG_ERR_FORMAT);
    }
    fg_test_rm_rf(dir);
}

static void test_noise_is_empty(void **state)
{
    size_t n = 60 * SR;
    int16_t *pcm = malloc(n * sizeof *pcm);
    awgn_state_t *noise = awgn_init_dbm0(NULL, 42, -12.0f);
    fg_decode_result r;

    (void)state;
    assert_non_null(pcm);
    for (size_t i = 0; i < n; i++)
        pcm[i] = awgn(noise);
    assert_int_equal(fg_decode_samples(pcm, n, &r), FG_OK);
    for (size_t i = 0; i < r.n_frames; i++)
        assert_false(r.frames[i].crc_ok);
    assert_int_equal(r.n_pages, 0);
    fg_decode_result_clear(&r);
    /* and silence, and nothing at all */
    memset(pcm, 0, n * sizeof *pcm);
    assert_int_equal(fg_decode_samples(pcm, n, &r), FG_OK);
    assert_int_equal(r.n_frames + r.n_pages + r.n_bursts, 0);
    fg_decode_result_clear(&r);
    assert_int_equal(fg_decode_samples(pcm, 0, &r), FG_OK);
    fg_decode_result_clear(&r);
    fg_decode_result_clear(NULL);
    awgn_free(noise);
    free(pcm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_call_v29_non_ecm),
        cmocka_unit_test(test_call_v17_non_ecm),
        cmocka_unit_test(test_call_v17_ecm),
        cmocka_unit_test(test_call_ecm_blocks_and_repeats),
        cmocka_unit_test(test_call_noisy_recording),
        cmocka_unit_test(test_call_v27ter_level),
        cmocka_unit_test(test_wav_44k_stereo),
        cmocka_unit_test(test_pcap_from_call),
        cmocka_unit_test(test_corpus_recording),
        cmocka_unit_test(test_corpus_pcaps),
        cmocka_unit_test(test_hostile_files),
        cmocka_unit_test(test_noise_is_empty),
    };

    return cmocka_run_group_tests_name("decode", tests, NULL, NULL);
}
