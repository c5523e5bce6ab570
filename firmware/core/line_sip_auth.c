/* faxgate — the SIP line driver's credentials: digest authentication of callers that are not
 * in [sip] peers (RFC 3261 §22, RFC 2617 with qop=auth, verified with libre's httpauth), and
 * registration with a PBX or trunk ([sip] register), refreshed by libre's sipreg before it
 * expires and retried when it fails.
 *
 * Our nonces carry their own time and an MD5 over it and a secret drawn when the agent starts,
 * so none has to be remembered: a nonce older than NONCE_TTL_S, or not ours, is refused.
 */
#include "line_sip_ua.h"

#define NONCE_TTL_S 300

static void nonce_mac(const sip_ua *ua, unsigned long t, char hex[33])
{
    uint8_t md[16];
    char in[80];
    int n = snprintf(in, sizeof in, "%lx:", t);

    memcpy(in + n, ua->secret, sizeof ua->secret);
    md5((const uint8_t *)in, (size_t)n + sizeof ua->secret, md);
    for (int i = 0; i < 16; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

void sip_make_nonce(const sip_ua *ua, unsigned long now, char *out, size_t cap)
{
    char mac[33];

    nonce_mac(ua, now, mac);
    snprintf(out, cap, "%lx.%s", now, mac);
}

static bool nonce_fresh(const sip_ua *ua, const struct pl *nonce, unsigned long now)
{
    char n[64], mac[33], *dot, *end;
    unsigned long t;

    if (nonce->l >= sizeof n)
        return false;
    pl_strcpy(nonce, n, sizeof n);
    if (!(dot = strchr(n, '.')))
        return false;
    *dot = '\0';
    /* our own hex digits only: strtoul would also take a sign or blanks */
    if (!*n || strspn(n, "0123456789abcdef") != strlen(n))
        return false;
    t = strtoul(n, &end, 16);
    if (*end || t > now || now - t > NONCE_TTL_S)
        return false;
    nonce_mac(ua, t, mac);
    return !strcmp(mac, dot + 1);
}

/* 401 with a fresh challenge. */
static void challenge(sip_ua *ua, const struct sip_msg *msg, bool stale)
{
    char nonce[64];

    sip_make_nonce(ua, (unsigned long)time(NULL), nonce, sizeof nonce);
    sip_treplyf(NULL, NULL, ua->sip, msg, false, 401, "Unauthorized",
                "WWW-Authenticate: Digest realm=\"%s\", nonce=\"%s\", algorithm=MD5, qop=\"auth\"%s\r\n"
                "Content-Length: 0\r\n\r\n",
                ua->realm, nonce, stale ? ", stale=true" : "");
}

sip_auth_verdict sip_auth_check(const sip_ua *ua, const struct sip_msg *msg, unsigned long now)
{
    const struct sip_hdr *h = sip_msg_hdr(msg, SIP_HDR_AUTHORIZATION);
    struct httpauth_digest_resp resp;
    uint8_t ha1[16];
    char a1[300];
    int n;

    if (!ua->password[0])
        return SIP_AUTH_NO_PASSWORD;
    if (!h || httpauth_digest_response_decode(&resp, &h->val))
        return SIP_AUTH_CHALLENGE;
    if (pl_strcmp(&resp.username, ua->auth_user) || pl_strcmp(&resp.realm, ua->realm))
        return SIP_AUTH_UNKNOWN;
    if (!nonce_fresh(ua, &resp.nonce, now))
        return SIP_AUTH_STALE;
    n = snprintf(a1, sizeof a1, "%s:%s:%s", ua->auth_user, ua->realm, ua->password);
    md5((const uint8_t *)a1, (size_t)n, ha1);
    return httpauth_digest_response_auth(&resp, &msg->met, ha1) ? SIP_AUTH_WRONG : SIP_AUTH_OK;
}

bool sip_authorized(sip_ua *ua, const struct sip_msg *msg)
{
    switch (sip_auth_check(ua, msg, (unsigned long)time(NULL))) {
    case SIP_AUTH_OK:
        return true;
    case SIP_AUTH_NO_PASSWORD:
        sip_say(1, "SIP %r from %J refused: not in [sip] peers (and no [sip] password for digest)", &msg->met,
                &msg->src);
        sip_treply(NULL, ua->sip, msg, 403, "Forbidden");
        return false;
    case SIP_AUTH_CHALLENGE:
        challenge(ua, msg, false);
        return false;
    case SIP_AUTH_UNKNOWN: {
        const struct sip_hdr *h = sip_msg_hdr(msg, SIP_HDR_AUTHORIZATION);
        struct httpauth_digest_resp resp;
        char user[64] = "";

        if (h && !httpauth_digest_response_decode(&resp, &h->val))
            pl_strcpy(&resp.username, user, sizeof user);
        sip_printable(user);
        sip_say(1, "SIP %r from %J refused: unknown user '%s' or realm", &msg->met, &msg->src, user);
        sip_treply(NULL, ua->sip, msg, 403, "Forbidden");
        return false;
    }
    case SIP_AUTH_STALE:
        challenge(ua, msg, true);
        return false;
    case SIP_AUTH_WRONG:
        break;
    }
    sip_say(1, "SIP %r from %J refused: wrong digest password for '%s'", &msg->met, &msg->src, ua->auth_user);
    sip_treply(NULL, ua->sip, msg, 403, "Forbidden");
    return false;
}

/* libre asks for credentials when a registrar or a far end challenges us. */
int sip_credentials(char **user, char **pass, const char *realm, void *arg)
{
    sip_ua *ua = arg;

    (void)realm;
    if (!ua->password[0])
        return EAUTH;
    if (str_dup(user, ua->auth_user) || str_dup(pass, ua->password))
        return ENOMEM;
    return 0;
}

static void on_register(int err, const struct sip_msg *msg, void *arg)
{
    sip_ua *ua = arg;

    if (err)
        sip_say(1, "SIP REGISTER at %s failed: %s; retrying", ua->registrar, strerror(err));
    else if (msg->scode >= 300)
        sip_say(1, "SIP REGISTER at %s: %u %r; retrying", ua->registrar, msg->scode, &msg->reason);
    else if (msg->scode >= 200)
        sip_say(ua->registered ? 3 : 2, "SIP registered at %s as %s (refreshed before it expires)", ua->registrar,
                ua->aor);
    ua->registered = !err && msg && msg->scode >= 200 && msg->scode < 300;
}

int sip_register_start(sip_ua *ua)
{
    char from[300];
    int err;

    if (!ua->registrar[0])
        return 0;
    snprintf(from, sizeof from, "%s", ua->aor);
    err = sipreg_register(&ua->reg, ua->sip, ua->registrar, ua->aor, NULL, from, (uint32_t)ua->reg_expires,
                          ua->user, NULL, 0, 0, sip_credentials, ua, false, on_register, ua, NULL, NULL);
    if (err)
        sip_say(0, "SIP REGISTER at %s cannot start: %s", ua->registrar, strerror(err));
    return err;
}
