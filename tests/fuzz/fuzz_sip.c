/* faxgate — libFuzzer target: SIP messages from the far end, decoded by libre (sip_msg_decode, as
 * its transport does for every datagram) and then read by the gateway's own code:
 *
 *   requests   who may call (sip_peer_allowed, the first Via's address standing for the source),
 *              the digest check (sip_auth_check: Authorization decoded, user and realm, our
 *              stateless nonce, the response), and for INVITE, re-INVITE and UPDATE what the
 *              INVITE asks (sip_invite_read: caller, Call-ID, called number, the SDP body and the
 *              G.711 or T.38 choice) and the answer we would write;
 *   responses  a 401 or 407 challenge taken up as libre does for our REGISTER and outgoing
 *              INVITEs (sip_auth_authenticate, our sip_credentials).
 *
 * A nonce the fuzzer cannot forge: "@NONCE@" in the input is replaced by a fresh one of ours, so
 * that the digest's last step is reached. Invariants: the caller, Call-ID and refusal reason
 * (which goes in a Warning header's quoted string) are printable ASCII with no '"' or '\'; a
 * refusal is 400 or 488; the called number is digits and '+'; the Call-ID makes a file name.
 */
#include "line_sip_ua.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool quoted_safe(const char *s)
{
    for (; *s; s++)
        if (*s < 0x20 || *s > 0x7e || *s == '"' || *s == '\\')
            return false;
    return true;
}

static sip_ua *agent(void)
{
    static sip_ua *ua;

    if (!ua) {
        if (!(ua = sip_ua_new()))
            abort();
        snprintf(ua->user, sizeof ua->user, "fax");
        snprintf(ua->ip, sizeof ua->ip, "192.0.2.1");
        snprintf(ua->auth_user, sizeof ua->auth_user, "trunk");
        snprintf(ua->password, sizeof ua->password, "s3cret-pass");
        snprintf(ua->realm, sizeof ua->realm, "faxgate");
        memcpy(ua->secret, "0123456789abcdef", sizeof ua->secret);
        if (sip_parse_peers(ua, "192.0.2.0/24, 10.1.0.0/16, 2001:db8::/33, ::1") != FG_OK)
            abort();
    }
    return ua;
}

/* data with "@NONCE@" replaced by a nonce of ours made now, as a mbuf at position 0 */
static struct mbuf *message(const sip_ua *ua, const uint8_t *data, size_t size, unsigned long now)
{
    static const char mark[] = "@NONCE@";
    const uint8_t *at = memmem(data, size, mark, sizeof mark - 1);
    struct mbuf *mb = mbuf_alloc(size + 64);
    char nonce[64];

    if (!mb)
        return NULL;
    if (at) {
        sip_make_nonce(ua, now, nonce, sizeof nonce);
        mbuf_write_mem(mb, data, (size_t)(at - data));
        mbuf_write_str(mb, nonce);
        mbuf_write_mem(mb, at + sizeof mark - 1, size - (size_t)(at - data) - (sizeof mark - 1));
    } else {
        mbuf_write_mem(mb, data, size);
    }
    mbuf_set_pos(mb, 0);
    return mb;
}

static void read_invite(const struct sip_msg *msg, bool t38)
{
    static sip_invite_view v;   /* static: an fg_sdp is large for the fuzzer's stack */
    char tag[FG_LINE_ID_LEN], answer[2048];

    sip_invite_read(msg, t38, &v);
    if (!quoted_safe(v.from) || !quoted_safe(v.callid) || !quoted_safe(v.why))
        abort();
    if (v.refuse != 0 && v.refuse != 400 && v.refuse != 488)
        abort();
    if ((v.refuse == 400) != (v.sdp != 0 && v.sdp != ENODATA))
        abort();
    if (strspn(v.called, "+0123456789") != strlen(v.called))
        abort();
    fg_line_file_tag(v.callid, tag, sizeof tag);
    if (!tag[0] || tag[0] == '.' || strchr(tag, '/'))
        abort();
    if (!v.refuse && !v.sdp) {
        if (v.ch.kind == FG_SDP_T38 && !t38)
            abort();
        if (!fg_sdp_write_answer(&v.offer, &v.ch, "192.0.2.1", v.ch.kind == FG_SDP_T38 ? 40002 : 40000, 7, 1, answer,
                                 sizeof answer))
            abort();   /* an answer to what we chose always fits */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sip_ua *ua = agent();
    unsigned long now = 1800000000UL;   /* fixed: a run does not depend on the clock */
    struct sip_msg *msg = NULL;
    struct mbuf *mb;

    if (size > 65535 || !(mb = message(ua, data, size, now)))
        return 0;
    if (sip_msg_decode(&msg, mb) == 0) {
        if (msg->req) {
            sip_auth_verdict a = sip_auth_check(ua, msg, now);

            if (a > SIP_AUTH_WRONG)
                abort();
            (void)sip_auth_check(ua, msg, now + 301);   /* the same nonce, stale */
            (void)sip_peer_allowed(ua, &msg->via.addr);
            if (!pl_strcmp(&msg->met, "INVITE") || !pl_strcmp(&msg->met, "UPDATE")) {
                read_invite(msg, true);
                read_invite(msg, false);
            }
        } else if (msg->scode == 401 || msg->scode == 407) {
            struct sip_auth *auth = NULL;

            if (sip_auth_alloc(&auth, sip_credentials, ua, true) == 0) {
                (void)sip_auth_authenticate(auth, msg);
                mem_deref(auth);
            }
        }
        mem_deref(msg);
    }
    mem_deref(mb);
    return 0;
}
