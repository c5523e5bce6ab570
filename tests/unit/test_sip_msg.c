/* faxgate — how the SIP line reads a far end's messages (decoded by libre): the INVITE's caller,
   Call-ID, number and SDP decision (sip_invite_read), and the digest check (sip_auth_check).
   Each case here was found by tests/fuzz/fuzz_sip.c or guards what it checks. */
#include "line_sip_ua.h"
#include "testutil.h"

/* A message as libre's transport hands it over; NULL if libre refuses it. */
static struct sip_msg *decode(const char *text)
{
    struct mbuf *mb = mbuf_alloc(strlen(text) + 1);
    struct sip_msg *msg = NULL;

    assert_non_null(mb);
    mbuf_write_str(mb, text);
    mbuf_set_pos(mb, 0);
    if (sip_msg_decode(&msg, mb))
        msg = NULL;
    mem_deref(mb);
    return msg;
}

static char *invite(char *buf, size_t cap, const char *callid, const char *from_user, const char *auth,
                    const char *sdp)
{
    snprintf(buf, cap,
             "INVITE sip:+33-144-556677@192.0.2.1 SIP/2.0\r\n"
             "Via: SIP/2.0/UDP 192.0.2.7:5060;branch=z9hG4bK1\r\n"
             "From: <sip:%s@192.0.2.7>;tag=a\r\nTo: <sip:fax@192.0.2.1>\r\nCall-ID: %s\r\nCSeq: 1 INVITE\r\n"
             "%s%s%s%sContent-Length: %zu\r\n\r\n%s",
             from_user, callid, auth ? "Authorization: " : "", auth ? auth : "", auth ? "\r\n" : "",
             sdp ? "Content-Type: application/sdp\r\n" : "", sdp ? strlen(sdp) : 0, sdp ? sdp : "");
    return buf;
}

static bool quoted_safe(const char *s)
{
    for (; *s; s++)
        if (*s < 0x20 || *s > 0x7e || *s == '"' || *s == '\\')
            return false;
    return true;
}

/* Found by fuzz_sip: the reason for a 400 quoted the far end's SDP line into our Warning header's
   quoted string, with its '"' and a bare CR (a header of the far end's choosing in our answer). */
static void test_invite_bad_sdp_reason_is_quoted_safe(void **state)
{
    static sip_invite_view v;
    char buf[2048];
    struct sip_msg *msg = decode(invite(buf, sizeof buf, "bad-1", "1", NULL,
                                        "v=0\r\nX\rWarning: 399 evil \"forged\"\r\nm=audio 1 RTP/AVP 0\r\n"));

    (void)state;
    assert_non_null(msg);
    sip_invite_read(msg, true, &v);
    assert_int_equal(v.refuse, 400);
    assert_int_equal(v.sdp, EPROTO);
    assert_non_null(strstr(v.why, "not TYPE=VALUE"));
    assert_true(quoted_safe(v.why));
    assert_null(strchr(v.why, '\r'));
    assert_null(strchr(v.why, '"'));
    mem_deref(msg);
}

/* Found by fuzz_sip: an INVITE offering T.38 only was taken in T.38 with [sip] t38 = no (which
   "refuses T.38", as a re-INVITE to T.38 is refused). */
static void test_invite_t38_only_with_t38_no(void **state)
{
    static sip_invite_view v;
    char buf[2048];
    struct sip_msg *msg = decode(invite(buf, sizeof buf, "t38-1", "1", NULL,
                                        "v=0\r\nc=IN IP4 192.0.2.7\r\nm=image 4390 udptl t38\r\n"
                                        "a=T38FaxMaxDatagram:400\r\n"));

    (void)state;
    assert_non_null(msg);
    sip_invite_read(msg, false, &v);
    assert_int_equal(v.refuse, 488);
    assert_true(quoted_safe(v.why));
    sip_invite_read(msg, true, &v);
    assert_int_equal(v.refuse, 0);
    assert_int_equal(v.ch.kind, FG_SDP_T38);
    assert_int_equal(v.ch.port, 4390);
    mem_deref(msg);
}

/* The caller, the Call-ID and the number dialled: what is stored and logged is printable, and a
   Call-ID (which may hold '/') names a spool file only through fg_line_file_tag. */
static void test_invite_identities(void **state)
{
    static sip_invite_view v;
    char buf[2048], tag[64];
    struct sip_msg *msg = decode(invite(buf, sizeof buf, "../../x/\"y\"@host", "1\x01\x1b", NULL, NULL));

    (void)state;
    assert_non_null(msg);
    sip_invite_read(msg, true, &v);
    assert_int_equal(v.sdp, ENODATA);   /* a late offer */
    assert_int_equal(v.refuse, 0);
    assert_string_equal(v.from, "1??");
    assert_true(quoted_safe(v.callid));
    assert_string_equal(v.callid, "../../x/?y?@host");
    assert_string_equal(v.called, "+33144556677");
    fg_line_file_tag(v.callid, tag, sizeof tag);
    assert_string_equal(tag, "_._.._x__y__host");
    fg_line_file_tag("", tag, sizeof tag);
    assert_string_equal(tag, "_");
    fg_line_file_tag("3b1c6a0e-8d47.x", tag, sizeof tag);
    assert_string_equal(tag, "3b1c6a0e-8d47.x");
    mem_deref(msg);
}

static void hex(const uint8_t md[16], char out[33])
{
    for (int i = 0; i < 16; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static void md5_hex(const char *s, char out[33])
{
    uint8_t md[16];

    md5((const uint8_t *)s, strlen(s), md);
    hex(md, out);
}

/* A digest response as a SIP trunk computes it (RFC 2617, qop=auth). */
static void authorization(char *out, size_t cap, const char *user, const char *pass, const char *nonce)
{
    char a[512], ha1[33], ha2[33], resp[33];

    snprintf(a, sizeof a, "%s:faxgate:%s", user, pass);
    md5_hex(a, ha1);
    md5_hex("INVITE:sip:fax@192.0.2.1", ha2);
    snprintf(a, sizeof a, "%s:%s:00000001:0a4f113b:auth:%s", ha1, nonce, ha2);
    md5_hex(a, resp);
    snprintf(out, cap,
             "Digest username=\"%s\", realm=\"faxgate\", nonce=\"%s\", uri=\"sip:fax@192.0.2.1\", response=\"%s\", "
             "algorithm=MD5, cnonce=\"0a4f113b\", qop=auth, nc=00000001",
             user, nonce, resp);
}

static void test_digest_check(void **state)
{
    sip_ua *ua = sip_ua_new();
    unsigned long now = 1800000000UL;
    char nonce[64], auth[600], buf[2048], forged[80];
    struct sip_msg *msg;

    (void)state;
    assert_non_null(ua);
    snprintf(ua->auth_user, sizeof ua->auth_user, "trunk");
    snprintf(ua->realm, sizeof ua->realm, "faxgate");
    memcpy(ua->secret, "0123456789abcdef", sizeof ua->secret);
    sip_make_nonce(ua, now, nonce, sizeof nonce);
    authorization(auth, sizeof auth, "trunk", "s3cret-pass", nonce);
    msg = decode(invite(buf, sizeof buf, "auth-1", "trunk", auth, NULL));
    assert_non_null(msg);
    assert_int_equal(sip_auth_check(ua, msg, now), SIP_AUTH_NO_PASSWORD);
    snprintf(ua->password, sizeof ua->password, "s3cret-pass");
    assert_int_equal(sip_auth_check(ua, msg, now), SIP_AUTH_OK);
    assert_int_equal(sip_auth_check(ua, msg, now + 300), SIP_AUTH_OK);
    assert_int_equal(sip_auth_check(ua, msg, now + 301), SIP_AUTH_STALE);
    assert_int_equal(sip_auth_check(ua, msg, now - 1), SIP_AUTH_STALE);   /* made in the future */
    mem_deref(msg);

    authorization(auth, sizeof auth, "trunk", "wrong-pass", nonce);
    assert_non_null(msg = decode(invite(buf, sizeof buf, "auth-2", "trunk", auth, NULL)));
    assert_int_equal(sip_auth_check(ua, msg, now), SIP_AUTH_WRONG);
    mem_deref(msg);

    authorization(auth, sizeof auth, "someone", "s3cret-pass", nonce);
    assert_non_null(msg = decode(invite(buf, sizeof buf, "auth-3", "x", auth, NULL)));
    assert_int_equal(sip_auth_check(ua, msg, now), SIP_AUTH_UNKNOWN);
    mem_deref(msg);

    assert_non_null(msg = decode(invite(buf, sizeof buf, "auth-4", "x", NULL, NULL)));
    assert_int_equal(sip_auth_check(ua, msg, now), SIP_AUTH_CHALLENGE);
    mem_deref(msg);

    /* a nonce's time is our own hex digits: a sign or blanks (which strtoul takes) are not ours */
    snprintf(forged, sizeof forged, " %s", nonce);
    authorization(auth, sizeof auth, "trunk", "s3cret-pass", forged);
    assert_non_null(msg = decode(invite(buf, sizeof buf, "auth-5", "trunk", auth, NULL)));
    assert_int_equal(sip_auth_check(ua, msg, now), SIP_AUTH_STALE);
    mem_deref(msg);
    sip_ua_unref(ua);
}

static void test_peers(void **state)
{
    sip_ua *ua = sip_ua_new();
    struct sa a;

    (void)state;
    assert_int_equal(sip_parse_peers(ua, "192.0.2.0/24, 2001:db8::/33"), FG_OK);
    sa_set_str(&a, "192.0.2.200", 5060);
    assert_true(sip_peer_allowed(ua, &a));
    sa_set_str(&a, "192.0.3.1", 5060);
    assert_false(sip_peer_allowed(ua, &a));
    sa_set_str(&a, "::ffff:192.0.2.9", 5060);   /* IPv4 on a dual-stack socket */
    assert_true(sip_peer_allowed(ua, &a));
    sa_set_str(&a, "2001:db8:7fff::1", 5060);
    assert_true(sip_peer_allowed(ua, &a));
    sa_set_str(&a, "2001:db8:8000::1", 5060);
    assert_false(sip_peer_allowed(ua, &a));
    assert_int_equal(sip_parse_peers(ua, "192.0.2.0/99999999999"), FG_ERR_CONFIG);
    assert_int_equal(sip_parse_peers(ua, "192.0.2.0/"), FG_ERR_CONFIG);
    assert_int_equal(sip_parse_peers(ua, "192.0.2.0/-1"), FG_ERR_CONFIG);
    assert_int_equal(sip_parse_peers(ua, "192.0.2.0/8x"), FG_ERR_CONFIG);
    sip_ua_unref(ua);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_invite_bad_sdp_reason_is_quoted_safe),
        cmocka_unit_test(test_invite_t38_only_with_t38_no),
        cmocka_unit_test(test_invite_identities),
        cmocka_unit_test(test_digest_check),
        cmocka_unit_test(test_peers),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
