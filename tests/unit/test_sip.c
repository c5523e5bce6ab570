/* faxgate — SIP media pieces: SDP offers and answers as real peers write them, UDPTL framing
   with redundancy and loss, RTP packets and the playout buffer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rtp.h"
#include "sdp.h"
#include "testutil.h"
#include "udptl.h"

/* ---- SDP --------------------------------------------------------------------------------- */

/* Asterisk's re-INVITE to T.38 (chan_sip, udptl.conf defaults). */
static const char asterisk_t38[] =
    "v=0\r\no=root 1821 1822 IN IP4 192.0.2.7\r\ns=Asterisk PBX 13.38.0\r\nc=IN IP4 192.0.2.7\r\nt=0 0\r\n"
    "m=image 4390 udptl t38\r\nc=IN IP4 192.0.2.7\r\na=T38FaxVersion:0\r\na=T38MaxBitRate:14400\r\n"
    "a=T38FaxRateManagement:transferredTCF\r\na=T38FaxMaxDatagram:400\r\na=T38FaxUdpEC:t38UDPRedundancy\r\n";

static void test_sdp_audio_offer(void **state)
{
    const char *sdp = "v=0\r\no=- 1 1 IN IP4 10.0.0.5\r\ns=-\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\n"
                      "m=audio 30000 RTP/AVP 18 8 0 101\r\na=rtpmap:18 G729/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
                      "a=ptime:30\r\n";
    char out[1024];
    fg_sdp s;
    fg_sdp_choice c;

    (void)state;
    assert_int_equal(fg_sdp_parse(sdp, strlen(sdp), &s), FG_OK);
    assert_int_equal(s.nmedia, 1);
    assert_int_equal(fg_sdp_choose(&s, true, &c), FG_OK);
    assert_int_equal(c.kind, FG_SDP_AUDIO);
    assert_int_equal(c.pt, 0);        /* PCMU preferred over PCMA, G.729 skipped */
    assert_false(c.alaw);
    assert_int_equal(c.ptime, 30);
    assert_string_equal(c.addr, "10.0.0.5");
    assert_int_equal(c.port, 30000);
    assert_true(fg_sdp_write_answer(&s, &c, "10.0.0.1", 40000, 7, 1, out, sizeof out) > 0);
    assert_non_null(strstr(out, "m=audio 40000 RTP/AVP 0\r\n"));
    assert_non_null(strstr(out, "a=ptime:30"));
    assert_non_null(strstr(out, "c=IN IP4 10.0.0.1"));
}

static void test_sdp_alaw_dynamic_and_unknown(void **state)
{
    const char *alaw = "v=0\r\nc=IN IP4 10.0.0.5\r\nm=audio 30000 RTP/AVP 8\r\n";
    const char *dyn = "v=0\r\nc=IN IP4 10.0.0.5\r\nm=audio 30000 RTP/AVP 96\r\na=rtpmap:96 PCMU/8000\r\n";
    const char *opus = "v=0\r\nc=IN IP4 10.0.0.5\r\nm=audio 30000 RTP/AVP 111 9\r\na=rtpmap:111 opus/48000/2\r\n";
    fg_sdp s;
    fg_sdp_choice c;

    (void)state;
    assert_int_equal(fg_sdp_parse(alaw, strlen(alaw), &s), FG_OK);
    assert_int_equal(fg_sdp_choose(&s, false, &c), FG_OK);
    assert_true(c.alaw);
    assert_int_equal(c.pt, 8);
    assert_int_equal(c.ptime, 20);
    assert_int_equal(fg_sdp_parse(dyn, strlen(dyn), &s), FG_OK);
    assert_int_equal(fg_sdp_choose(&s, false, &c), FG_OK);
    assert_int_equal(c.pt, 96);
    assert_false(c.alaw);
    assert_int_equal(fg_sdp_parse(opus, strlen(opus), &s), FG_OK);
    assert_int_equal(fg_sdp_choose(&s, true, &c), FG_ERR_UNSUPPORTED);   /* answered 488 */
}

static void test_sdp_t38_attributes(void **state)
{
    char out[1024];
    fg_sdp s;
    fg_sdp_choice c;

    (void)state;
    assert_int_equal(fg_sdp_parse(asterisk_t38, strlen(asterisk_t38), &s), FG_OK);
    assert_true(s.m[0].t38);
    assert_int_equal(s.m[0].t38p.max_datagram, 400);
    assert_int_equal(s.m[0].t38p.ec, FG_T38_EC_REDUNDANCY);
    assert_true(s.m[0].t38p.transferred_tcf);
    assert_int_equal(fg_sdp_choose(&s, true, &c), FG_OK);
    assert_int_equal(c.kind, FG_SDP_T38);
    assert_int_equal(c.port, 4390);
    assert_int_equal(c.t38.max_datagram, 400);   /* what we may send them */
    assert_true(fg_sdp_write_answer(&s, &c, "192.0.2.1", 5000, 9, 2, out, sizeof out) > 0);
    assert_non_null(strstr(out, "m=image 5000 udptl t38\r\n"));
    assert_non_null(strstr(out, "a=T38FaxUdpEC:t38UDPRedundancy"));
    assert_non_null(strstr(out, "a=T38FaxRateManagement:transferredTCF"));
    assert_null(strstr(out, "FillBitRemoval"));
}

/* The attribute values peers really send, from 72 to 1440 bytes, FEC and none, localTCF, the
   flag forms of FillBitRemoval. */
static void test_sdp_t38_variants(void **state)
{
    const struct {
        const char *attrs;
        int datagram;
        fg_t38_ec offered, answered;
        bool tcf, fill;
    } cases[] = {
        {"a=T38FaxMaxDatagram:72\r\na=T38FaxUdpEC:t38UDPRedundancy\r\n", 72, FG_T38_EC_REDUNDANCY,
         FG_T38_EC_REDUNDANCY, true, false},
        {"a=T38FaxMaxDatagram:1440\r\na=T38FaxUdpEC:t38UDPFEC\r\n", 1440, FG_T38_EC_FEC, FG_T38_EC_REDUNDANCY, true,
         false},
        {"a=T38FaxMaxDatagram:316\r\na=T38FaxUdpEC:t38UDPNoEC\r\na=T38FaxRateManagement:localTCF\r\n", 316,
         FG_T38_EC_NONE, FG_T38_EC_NONE, false, false},
        {"a=T38FaxMaxBuffer:262\r\na=T38FaxFillBitRemoval\r\na=T38FaxMaxDatagram:176\r\n", 176, FG_T38_EC_NONE,
         FG_T38_EC_NONE, true, true},
        {"a=T38FaxFillBitRemoval:0\r\na=T38FaxVersion:3\r\n", 0, FG_T38_EC_NONE, FG_T38_EC_NONE, true, false},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char sdp[512];
        fg_sdp s;
        fg_sdp_choice c;

        snprintf(sdp, sizeof sdp, "v=0\r\nc=IN IP4 192.0.2.9\r\nm=image 6000 udptl t38\r\n%s", cases[i].attrs);
        assert_int_equal(fg_sdp_parse(sdp, strlen(sdp), &s), FG_OK);
        assert_int_equal(s.m[0].t38p.max_datagram, cases[i].datagram);
        assert_int_equal(s.m[0].t38p.ec, cases[i].offered);
        assert_int_equal(s.m[0].t38p.transferred_tcf, cases[i].tcf);
        assert_int_equal(s.m[0].t38p.fill_bit_removal, cases[i].fill);
        assert_int_equal(fg_sdp_choose(&s, false, &c), FG_OK);   /* T.38 alone is taken */
        assert_int_equal(c.kind, FG_SDP_T38);
        assert_int_equal(c.t38.ec, cases[i].answered);
        assert_false(c.t38.fill_bit_removal);
        assert_true(c.t38.version <= 3);
    }
}

/* An INVITE offering audio and image: T.38 when preferred, and the answer keeps both lines. */
static void test_sdp_both_offered(void **state)
{
    const char *sdp = "v=0\r\nc=IN IP4 192.0.2.9\r\nt=0 0\r\nm=audio 7000 RTP/AVP 0\r\nm=image 7002 udptl t38\r\n"
                      "a=T38FaxMaxDatagram:200\r\n";
    char out[1024];
    fg_sdp s;
    fg_sdp_choice c;

    (void)state;
    assert_int_equal(fg_sdp_parse(sdp, strlen(sdp), &s), FG_OK);
    assert_int_equal(fg_sdp_choose(&s, true, &c), FG_OK);
    assert_int_equal(c.kind, FG_SDP_T38);
    assert_int_equal(c.port, 7002);
    assert_true(fg_sdp_write_answer(&s, &c, "192.0.2.1", 5002, 1, 1, out, sizeof out) > 0);
    assert_non_null(strstr(out, "m=audio 0 RTP/AVP 0\r\n"));
    assert_non_null(strstr(out, "m=image 5002 udptl t38\r\n"));
    assert_int_equal(fg_sdp_choose(&s, false, &c), FG_OK);
    assert_int_equal(c.kind, FG_SDP_AUDIO);
}

static void test_sdp_hostile(void **state)
{
    char big[FG_SDP_MAX_TEXT + 10], line[1200];
    const char *bad[] = {"", "hello", "v=0\r\nm=audio notaport RTP/AVP 0\r\n", "v=0\r\nc=IN IPX 1.2.3.4\r\n",
                         "v=0\r\nm=audio 99999 RTP/AVP 0\r\n", "v=0\r\n=x\r\n"};
    fg_sdp s;

    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_not_equal(fg_sdp_parse(bad[i], strlen(bad[i]), &s), FG_OK);
    memset(big, 'a', sizeof big);
    assert_int_equal(fg_sdp_parse(big, sizeof big, &s), FG_ERR_TOOBIG);
    memset(line, 'x', sizeof line);
    memcpy(line, "v=0\na=", 6);
    assert_int_equal(fg_sdp_parse(line, sizeof line, &s), FG_ERR_TOOBIG);
    /* seven media lines: more than we keep */
    {
        char many[1024] = "v=0\r\n";

        for (int i = 0; i < FG_SDP_MAX_MEDIA + 1; i++)
            strcat(many, "m=audio 1000 RTP/AVP 0\r\n");
        assert_int_equal(fg_sdp_parse(many, strlen(many), &s), FG_ERR_TOOBIG);
    }
    /* random bytes never crash the parser */
    srand(11);
    for (int r = 0; r < 2000; r++) {
        char b[256];
        size_t n = (size_t)(rand() % (int)sizeof b);

        for (size_t i = 0; i < n; i++)
            b[i] = "v=macr \r\n0123456789:/IPN4t38udplRTP/AVP"[rand() % 40];
        (void)fg_sdp_parse(b, n, &s);
    }
}

/* ---- UDPTL ------------------------------------------------------------------------------- */

static void test_udptl_round_trip_with_redundancy(void **state)
{
    fg_udptl_tx tx = {.seq = 65533, .redundancy = true};
    fg_udptl_rx rx = {0};
    uint8_t pkts[6][FG_UDPTL_MAX_DATAGRAM];
    size_t lens[6];

    (void)state;
    for (int i = 0; i < 6; i++) {
        uint8_t ifp[40];

        memset(ifp, 'A' + i, sizeof ifp);
        lens[i] = fg_udptl_encode(&tx, ifp, (size_t)(10 + i), 400, pkts[i], sizeof pkts[i]);
        assert_true(lens[i] > 0);
    }
    /* sequence numbers wrap; packets 1, 2 and 3 are lost, 4 carries them again */
    for (int i = 0; i < 6; i++) {
        fg_udptl_pkt p;
        uint8_t buf[64];
        size_t len;
        uint16_t seq;

        if (i >= 1 && i <= 3)
            continue;
        assert_int_equal(fg_udptl_decode(pkts[i], lens[i], &p), FG_OK);
        assert_int_equal(p.primary.seq, (uint16_t)(65533 + i));
        fg_udptl_rx_put(&rx, &p);
        if (i == 0) {
            assert_true(fg_udptl_rx_get(&rx, buf, sizeof buf, &len, &seq));
            assert_int_equal(seq, 65533);
        }
        if (i == 4) {
            for (int k = 1; k <= 4; k++) {
                assert_true(fg_udptl_rx_get(&rx, buf, sizeof buf, &len, &seq));
                assert_int_equal(seq, (uint16_t)(65533 + k));
                assert_int_equal(len, 10 + k);
                assert_int_equal(buf[0], 'A' + k);
            }
            assert_false(fg_udptl_rx_get(&rx, buf, sizeof buf, &len, &seq));
        }
        if (i == 5) {
            assert_true(fg_udptl_rx_get(&rx, buf, sizeof buf, &len, &seq));
            assert_int_equal(seq, 2);
            assert_false(fg_udptl_rx_get(&rx, buf, sizeof buf, &len, &seq));
        }
    }
    assert_int_equal(rx.recovered, 3);
    /* a duplicate of an old packet is dropped */
    {
        fg_udptl_pkt p;
        uint8_t buf[64];
        size_t len;
        uint16_t seq;

        assert_int_equal(fg_udptl_decode(pkts[2], lens[2], &p), FG_OK);
        fg_udptl_rx_put(&rx, &p);
        assert_false(fg_udptl_rx_get(&rx, buf, sizeof buf, &len, &seq));
        assert_int_equal(rx.late, 1);
    }
}

/* The far end's T38FaxMaxDatagram is respected: redundancy is trimmed, the primary always goes. */
static void test_udptl_datagram_limit(void **state)
{
    fg_udptl_tx tx = {.redundancy = true};
    uint8_t ifp[300], out[FG_UDPTL_MAX_DATAGRAM];
    fg_udptl_pkt p;
    size_t n = 0;

    (void)state;
    memset(ifp, 0x55, sizeof ifp);
    for (int i = 0; i < 5; i++)
        n = fg_udptl_encode(&tx, ifp, 30, 72, out, sizeof out);
    assert_true(n <= 72);
    assert_int_equal(fg_udptl_decode(out, n, &p), FG_OK);
    assert_int_equal(p.nsec, 1);
    n = fg_udptl_encode(&tx, ifp, 200, 72, out, sizeof out);   /* longer than 72: sent alone */
    assert_int_equal(fg_udptl_decode(out, n, &p), FG_OK);
    assert_int_equal(p.primary.len, 200);
    assert_int_equal(p.nsec, 0);
    for (int i = 0; i < 5; i++)
        n = fg_udptl_encode(&tx, ifp, 300, 1440, out, sizeof out);
    assert_int_equal(fg_udptl_decode(out, n, &p), FG_OK);
    assert_int_equal(p.nsec, 3);   /* 4 x 302 bytes would pass 1440 */
}

static void test_udptl_fec_and_hostile(void **state)
{
    /* seq 7, primary of 3 bytes, FEC: span 1 byte = 3, two entries of 2 bytes */
    const uint8_t fec[] = {0x00, 0x07, 0x03, 0x01, 0x02, 0x03, 0x80, 0x01, 0x03, 0x02, 0x02, 0xaa, 0xbb, 0x02, 0xcc, 0xdd};
    const uint8_t bad[][8] = {{0x00, 0x01, 0x05, 0x01}, {0x00, 0x01, 0x01, 0x01, 0x00, 0x05, 0x09, 0x00},
                              {0x00, 0x01, 0xc0, 0x01, 0x00}, {0x00, 0x01, 0x00, 0x00}};
    fg_udptl_pkt p;

    (void)state;
    assert_int_equal(fg_udptl_decode(fec, sizeof fec, &p), FG_OK);
    assert_true(p.fec);
    assert_int_equal(p.primary.seq, 7);
    assert_int_equal(p.primary.len, 3);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(fg_udptl_decode(bad[i], sizeof bad[i], &p), FG_ERR_FORMAT);
    srand(5);
    for (int r = 0; r < 5000; r++) {
        uint8_t b[64];
        size_t n = (size_t)(rand() % 64);

        for (size_t i = 0; i < n; i++)
            b[i] = (uint8_t)rand();
        if (fg_udptl_decode(b, n, &p) == FG_OK) {
            assert_true(p.primary.data + p.primary.len <= b + n);
            for (int k = 0; k < p.nsec; k++)
                assert_true(p.sec[k].data + p.sec[k].len <= b + n);
        }
    }
}

/* ---- RTP --------------------------------------------------------------------------------- */

static size_t packet(fg_rtp_tx *tx, int16_t level, uint8_t *out)
{
    int16_t s[160];
    int used;

    for (int i = 0; i < 160; i++)
        s[i] = level;
    return fg_rtp_tx_put(tx, s, 160, &used, out, FG_RTP_MAX_PACKET);
}

static void test_rtp_reorder_and_loss(void **state)
{
    fg_rtp_tx tx;
    fg_rtp_rx rx;
    uint8_t pk[8][FG_RTP_MAX_PACKET];
    size_t len[8];
    int16_t out[2000];
    int order[] = {0, 2, 1, 3, 5, 6, 7}, got = 0, n, gaps = 0;   /* 1 late but in time, 4 lost */

    (void)state;
    fg_rtp_tx_init(&tx, 8, true, 20);
    fg_rtp_rx_init(&rx, 8, true);
    for (int i = 0; i < 8; i++)
        assert_int_equal(len[i] = packet(&tx, (int16_t)(1000 * (i + 1)), pk[i]), 172);
    for (size_t k = 0; k < sizeof order / sizeof order[0]; k++) {
        fg_rtp_hdr h;

        assert_int_equal(fg_rtp_parse(pk[order[k]], len[order[k]], &h), FG_OK);
        assert_int_equal(h.pt, 8);
        fg_rtp_rx_put(&rx, &h);
        while ((n = fg_rtp_rx_get(&rx, out + got, 2000 - got, false)) > 0) {
            /* the lost packet comes as a block of its own, marked (the receiver fills it in) */
            if (rx.last_gap)
                assert_true(got == 4 * 160 && n == 160 && ++gaps == 1);
            got += n;
        }
    }
    while ((n = fg_rtp_rx_get(&rx, out + got, 2000 - got, true)) > 0) {
        assert_false(rx.last_gap);
        got += n;
    }
    assert_int_equal(gaps, 1);
    assert_int_equal(got, 8 * 160);
    /* in order: packet i's level at i*160 (A-law is lossy: compare roughly), silence for 4 */
    for (int i = 0; i < 8; i++) {
        int v = out[i * 160 + 80];

        if (i == 4)
            assert_int_equal(v, 0);
        else
            assert_true(abs(v - 1000 * (i + 1)) < 1000 * (i + 1) / 16 + 16);
    }
    assert_int_equal(rx.lost_samples, 160);
}

static void test_rtp_hostile(void **state)
{
    const uint8_t v1[12] = {0x40}, pad0[13] = {0xa0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0};
    uint8_t ext[16] = {0x90, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 9};
    fg_rtp_hdr h;
    fg_rtp_rx rx;

    (void)state;
    assert_int_equal(fg_rtp_parse(v1, sizeof v1, &h), FG_ERR_FORMAT);
    assert_int_equal(fg_rtp_parse(pad0, sizeof pad0, &h), FG_ERR_FORMAT);
    assert_int_equal(fg_rtp_parse(ext, sizeof ext, &h), FG_ERR_FORMAT);   /* extension longer than packet */
    assert_int_equal(fg_rtp_parse(v1, 5, &h), FG_ERR_FORMAT);
    /* telephone-event and other payload types are not audio */
    fg_rtp_rx_init(&rx, 0, false);
    {
        uint8_t ev[16] = {0x80, 101, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4};
        int16_t out[10];

        assert_int_equal(fg_rtp_parse(ev, sizeof ev, &h), FG_OK);
        fg_rtp_rx_put(&rx, &h);
        assert_int_equal(fg_rtp_rx_get(&rx, out, 10, true), 0);
        assert_int_equal(rx.foreign, 1);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sdp_audio_offer),
        cmocka_unit_test(test_sdp_alaw_dynamic_and_unknown),
        cmocka_unit_test(test_sdp_t38_attributes),
        cmocka_unit_test(test_sdp_t38_variants),
        cmocka_unit_test(test_sdp_both_offered),
        cmocka_unit_test(test_sdp_hostile),
        cmocka_unit_test(test_udptl_round_trip_with_redundancy),
        cmocka_unit_test(test_udptl_datagram_limit),
        cmocka_unit_test(test_udptl_fec_and_hostile),
        cmocka_unit_test(test_rtp_reorder_and_loss),
        cmocka_unit_test(test_rtp_hostile),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
