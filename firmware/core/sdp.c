/* faxgate — SDP for fax calls: parse an offer or answer, choose G.711 or T.38, write ours.
 *
 * Written here rather than with libre's sdp module: libre negotiates RTP formats, but a fax
 * endpoint's hard part is the T.38 attribute set (which value each side keeps, datagram
 * sizes, the error-correction downgrade), and that wants the plain attribute lines.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sdp.h"

#define LINE_MAX_LEN 1024

/* The far end's T.38 defaults when an attribute is absent (T.38 Annex D). */
static void t38_defaults(fg_t38_params *p)
{
    memset(p, 0, sizeof *p);
    p->version = 0;
    p->max_bitrate = 14400;
    p->transferred_tcf = true;
    p->max_buffer = 0;
    p->max_datagram = 0;      /* unknown: we then send what fits the common 72-byte minimum */
    p->ec = FG_T38_EC_NONE;
}

void fg_sdp_t38_ours(fg_t38_params *p)
{
    t38_defaults(p);
    p->max_bitrate = 14400;
    p->max_buffer = 2000;
    p->max_datagram = 1400;   /* what we can take in one UDPTL packet */
    p->ec = FG_T38_EC_REDUNDANCY;
}

/* Copies a word of at most cap-1 bytes; false if it is longer or empty. */
static bool word(const char **s, char *out, size_t cap)
{
    size_t n = 0;

    while (**s == ' ')
        (*s)++;
    while (**s && **s != ' ') {
        if (n + 1 >= cap)
            return false;
        out[n++] = *(*s)++;
    }
    out[n] = '\0';
    return n > 0;
}

static bool number(const char *s, long lo, long hi, long *v)
{
    char *end;

    if (!isdigit((unsigned char)*s))
        return false;
    *v = strtol(s, &end, 10);
    while (*end == ' ')
        end++;
    return !*end && *v >= lo && *v <= hi;
}

/* "c=IN IP4 192.0.2.1" (a TTL or count suffix after '/' is dropped). */
static bool parse_conn(const char *v, char *addr)
{
    char nt[8], at[8], a[FG_SDP_ADDR_LEN];
    char *slash;

    if (!word(&v, nt, sizeof nt) || strcmp(nt, "IN") || !word(&v, at, sizeof at) ||
        (strcmp(at, "IP4") && strcmp(at, "IP6")) || !word(&v, a, sizeof a))
        return false;
    if ((slash = strchr(a, '/')))
        *slash = '\0';
    snprintf(addr, FG_SDP_ADDR_LEN, "%s", a);
    return true;
}

/* "m=audio 4000 RTP/AVP 0 8 101" or "m=image 4002 udptl t38". */
static bool parse_media(const char *v, fg_sdp_media *m)
{
    char port[16], f[16];
    long p;
    char *slash;

    memset(m, 0, sizeof *m);
    m->pcmu_pt = m->pcma_pt = -1;
    if (!word(&v, m->type, sizeof m->type) || !word(&v, port, sizeof port) || !word(&v, m->proto, sizeof m->proto))
        return false;
    if ((slash = strchr(port, '/')))
        *slash = '\0';      /* "port/count": the first port is the one used */
    if (!number(port, 0, 65535, &p))
        return false;
    m->port = (int)p;
    while (word(&v, f, sizeof f)) {
        if (!strcasecmp(m->type, "image") && !strcasecmp(f, "t38") && !strcasecmp(m->proto, "udptl"))
            m->t38 = true;
        if (m->nfmt < FG_SDP_MAX_FMT)
            m->fmt[m->nfmt++] = number(f, 0, 127, &p) ? (int)p : -1;
        if (number(f, 0, 127, &p) && p == FG_PT_PCMU)
            m->pcmu_pt = FG_PT_PCMU;
        if (number(f, 0, 127, &p) && p == FG_PT_PCMA)
            m->pcma_pt = FG_PT_PCMA;
    }
    if (m->t38)
        t38_defaults(&m->t38p);
    return true;
}

static bool offered(const fg_sdp_media *m, int pt)
{
    for (int i = 0; i < m->nfmt; i++)
        if (m->fmt[i] == pt)
            return true;
    return false;
}

/* "a=rtpmap:96 PCMU/8000": a dynamic number for G.711 counts too. */
static void parse_rtpmap(const char *v, fg_sdp_media *m)
{
    char pt[8], enc[32];
    long n;
    char *slash;

    if (!word(&v, pt, sizeof pt) || !number(pt, 0, 127, &n) || !offered(m, (int)n) || !word(&v, enc, sizeof enc))
        return;
    if (!(slash = strchr(enc, '/')) || strncmp(slash + 1, "8000", 4))
        return;
    *slash = '\0';
    if (!strcasecmp(enc, "PCMU") && m->pcmu_pt < 0)
        m->pcmu_pt = (signed char)n;
    else if (!strcasecmp(enc, "PCMA") && m->pcma_pt < 0)
        m->pcma_pt = (signed char)n;
    else if (strcasecmp(enc, "PCMU") && strcasecmp(enc, "PCMA")) {
        /* a static number mapped to another codec is not G.711 */
        if (n == FG_PT_PCMU && m->pcmu_pt == FG_PT_PCMU)
            m->pcmu_pt = -1;
        if (n == FG_PT_PCMA && m->pcma_pt == FG_PT_PCMA)
            m->pcma_pt = -1;
    }
}

static void parse_t38_attr(const char *name, const char *val, fg_t38_params *p)
{
    long n;

    if (!strcasecmp(name, "T38FaxVersion") && number(val, 0, 3, &n))
        p->version = (int)n;
    else if (!strcasecmp(name, "T38MaxBitRate") && number(val, 2400, 33600, &n))
        p->max_bitrate = (int)n;
    else if (!strcasecmp(name, "T38FaxRateManagement"))
        p->transferred_tcf = !strcasecmp(val, "transferredTCF");
    else if (!strcasecmp(name, "T38FaxMaxBuffer") && number(val, 0, 1 << 20, &n))
        p->max_buffer = (int)n;
    else if (!strcasecmp(name, "T38FaxMaxDatagram") && number(val, 0, 65535, &n))
        p->max_datagram = (int)n;
    else if (!strcasecmp(name, "T38FaxUdpEC"))
        p->ec = !strcasecmp(val, "t38UDPRedundancy") ? FG_T38_EC_REDUNDANCY
              : !strcasecmp(val, "t38UDPFEC")       ? FG_T38_EC_FEC
                                                    : FG_T38_EC_NONE;
    else if (!strcasecmp(name, "T38FaxFillBitRemoval"))
        /* a flag: present alone, or ":1"/":0" as some peers write it */
        p->fill_bit_removal = !*val || strcmp(val, "0");
    else if (!strcasecmp(name, "T38FaxTranscodingMMR"))
        p->mmr = !*val || strcmp(val, "0");
    else if (!strcasecmp(name, "T38FaxTranscodingJBIG"))
        p->jbig = !*val || strcmp(val, "0");
}

static void parse_attr(const char *v, fg_sdp_media *m)
{
    char name[40];
    const char *colon = strchr(v, ':');
    size_t n = colon ? (size_t)(colon - v) : strlen(v);
    long p;

    if (!m || n >= sizeof name)
        return;
    memcpy(name, v, n);
    name[n] = '\0';
    v = colon ? colon + 1 : "";
    if (!strcmp(name, "rtpmap"))
        parse_rtpmap(v, m);
    else if (!strcmp(name, "ptime") && number(v, 1, 1000, &p))
        m->ptime = (int)p;
    else if (!strcmp(name, "inactive"))
        m->inactive = true;
    else if (m->t38)
        parse_t38_attr(name, v, &m->t38p);
}

fg_err fg_sdp_parse(const char *text, size_t len, fg_sdp *out)
{
    const char *p = text, *end = text + len;
    fg_sdp_media *cur = NULL;
    int lineno = 0;
    bool seen_v = false;

    memset(out, 0, sizeof *out);
    if (len > FG_SDP_MAX_TEXT)
        return fg_err_set(FG_ERR_TOOBIG, "SDP of %zu bytes (at most %d)", len, FG_SDP_MAX_TEXT);
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((nl ? nl : end) - p);
        char line[LINE_MAX_LEN];

        lineno++;
        if (n && p[n - 1] == '\r')
            n--;
        if (n >= sizeof line)
            return fg_err_set(FG_ERR_TOOBIG, "SDP line %d is %zu bytes long", lineno, n);
        memcpy(line, p, n);
        line[n] = '\0';
        p = nl ? nl + 1 : end;
        if (memchr(line, '\0', n))
            return fg_err_set(FG_ERR_FORMAT, "SDP line %d holds a NUL byte", lineno);
        if (!n)
            continue;
        if (n < 2 || line[1] != '=' || !islower((unsigned char)line[0]))
            return fg_err_set(FG_ERR_FORMAT, "SDP line %d is not TYPE=VALUE: '%.40s'", lineno, line);
        switch (line[0]) {
        case 'v':
            seen_v = true;
            break;
        case 'c':
            if (!parse_conn(line + 2, cur ? cur->addr : out->addr))
                return fg_err_set(FG_ERR_FORMAT, "SDP line %d: bad connection '%.60s'", lineno, line);
            break;
        case 'm':
            if (out->nmedia >= FG_SDP_MAX_MEDIA)
                return fg_err_set(FG_ERR_TOOBIG, "SDP has more than %d media lines", FG_SDP_MAX_MEDIA);
            cur = &out->m[out->nmedia];
            if (!parse_media(line + 2, cur))
                return fg_err_set(FG_ERR_FORMAT, "SDP line %d: bad media '%.60s'", lineno, line);
            out->nmedia++;
            break;
        case 'a':
            parse_attr(line + 2, cur);
            break;
        default:
            break;
        }
    }
    if (!seen_v)
        return fg_err_set(FG_ERR_FORMAT, "not SDP: no 'v=' line");
    for (int i = 0; i < out->nmedia; i++)
        if (!out->m[i].addr[0])
            memcpy(out->m[i].addr, out->addr, sizeof out->addr);   /* same size, NUL-terminated */
    return FG_OK;
}

fg_err fg_sdp_choose(const fg_sdp *offer, bool prefer_t38, fg_sdp_choice *c)
{
    int audio = -1, image = -1;
    char what[160] = "";
    size_t w = 0;

    memset(c, 0, sizeof *c);
    for (int i = 0; i < offer->nmedia; i++) {
        const fg_sdp_media *m = &offer->m[i];

        if (w < sizeof what)
            w += (size_t)snprintf(what + w, sizeof what - w, "%s%s %s port %d", w ? ", " : "", m->type, m->proto,
                                  m->port);
        if (m->port <= 0 || !m->addr[0])
            continue;
        if (m->t38 && image < 0)
            image = i;
        else if (!strcasecmp(m->type, "audio") && !strncasecmp(m->proto, "RTP/AVP", 7) &&
                 (m->pcmu_pt >= 0 || m->pcma_pt >= 0) && audio < 0)
            audio = i;
    }
    if (image >= 0 && (prefer_t38 || audio < 0)) {
        const fg_sdp_media *m = &offer->m[image];

        c->kind = FG_SDP_T38;
        c->media = image;
        fg_sdp_t38_answer(&m->t38p, &c->t38);
    } else if (audio >= 0) {
        const fg_sdp_media *m = &offer->m[audio];

        c->kind = FG_SDP_AUDIO;
        c->media = audio;
        c->alaw = m->pcmu_pt < 0;
        c->pt = c->alaw ? m->pcma_pt : m->pcmu_pt;
        c->ptime = m->ptime ? m->ptime : 20;
    } else {
        return fg_err_set(FG_ERR_UNSUPPORTED, "no G.711 audio or T.38 in the offer (%s)",
                          offer->nmedia ? what : "no media at all");
    }
    snprintf(c->addr, sizeof c->addr, "%s", offer->m[c->media].addr);
    c->port = offer->m[c->media].port;
    return FG_OK;
}

void fg_sdp_t38_answer(const fg_t38_params *off, fg_t38_params *a)
{
    fg_t38_params ours;

    fg_sdp_t38_ours(&ours);
    *a = *off;
    /* we speak version 0 to 3 but keep to the lower of both */
    a->version = off->version < ours.version ? off->version : ours.version;
    a->max_bitrate = off->max_bitrate && off->max_bitrate < ours.max_bitrate ? off->max_bitrate : ours.max_bitrate;
    /* the answer may only weaken error correction: FEC is answered with redundancy (which
       everyone implements); redundancy with redundancy; none with none */
    a->ec = off->ec == FG_T38_EC_NONE ? FG_T38_EC_NONE : FG_T38_EC_REDUNDANCY;
    /* the far end's datagram size limits what we send; what we answer is what we receive */
    a->max_datagram = off->max_datagram;
    a->max_buffer = off->max_buffer;
    a->fill_bit_removal = false;   /* declined: we take the image as sent */
    a->mmr = a->jbig = false;
}

static size_t put(char *out, size_t cap, size_t at, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static size_t put(char *out, size_t cap, size_t at, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (at >= cap)
        return cap;
    va_start(ap, fmt);
    n = vsnprintf(out + at, cap - at, fmt, ap);
    va_end(ap);
    return n < 0 ? cap : at + (size_t)n;
}

static const char *ip_kind(const char *ip)
{
    return strchr(ip, ':') ? "IP6" : "IP4";
}

static size_t put_head(char *out, size_t cap, const char *ip, unsigned long long id, unsigned version)
{
    size_t at = 0;

    at = put(out, cap, at, "v=0\r\no=faxgate %llu %u IN %s %s\r\ns=faxgate\r\nc=IN %s %s\r\nt=0 0\r\n", id, version,
             ip_kind(ip), ip, ip_kind(ip), ip);
    return at;
}

/* Our T.38 attributes: the parameters p, with the datagram size we take (rx_datagram) and our
   buffer, which SDP states for the side that writes them. */
static size_t put_t38(char *out, size_t cap, size_t at, const fg_t38_params *p, int rx_datagram)
{
    fg_t38_params ours;

    fg_sdp_t38_ours(&ours);
    at = put(out, cap, at,
             "a=T38FaxVersion:%d\r\na=T38MaxBitRate:%d\r\na=T38FaxRateManagement:%s\r\na=T38FaxMaxBuffer:%d\r\n"
             "a=T38FaxMaxDatagram:%d\r\na=T38FaxUdpEC:%s\r\n",
             p->version, p->max_bitrate, p->transferred_tcf ? "transferredTCF" : "localTCF", ours.max_buffer,
             rx_datagram,
             p->ec == FG_T38_EC_REDUNDANCY ? "t38UDPRedundancy" : p->ec == FG_T38_EC_FEC ? "t38UDPFEC" : "t38UDPNoEC");
    return at;
}

size_t fg_sdp_write_answer(const fg_sdp *offer, const fg_sdp_choice *c, const char *ip, int port,
                           unsigned long long id, unsigned version, char *out, size_t cap)
{
    size_t at = put_head(out, cap, ip, id, version);

    for (int i = 0; i < offer->nmedia; i++) {
        const fg_sdp_media *m = &offer->m[i];

        if (i != c->media) {
            /* refused: same type and proto, port 0, the first format offered */
            if (m->t38 || !m->nfmt || m->fmt[0] < 0)
                at = put(out, cap, at, "m=%s 0 %s %s\r\n", m->type, m->proto, m->t38 ? "t38" : "0");
            else
                at = put(out, cap, at, "m=%s 0 %s %d\r\n", m->type, m->proto, m->fmt[0]);
            continue;
        }
        if (c->kind == FG_SDP_T38) {
            at = put(out, cap, at, "m=image %d udptl t38\r\n", port);
            fg_t38_params ours;

            fg_sdp_t38_ours(&ours);
            at = put_t38(out, cap, at, &c->t38, ours.max_datagram);
        } else {
            at = put(out, cap, at, "m=audio %d RTP/AVP %d\r\na=rtpmap:%d %s/8000\r\na=ptime:%d\r\na=sendrecv\r\n",
                     port, c->pt, c->pt, c->alaw ? "PCMA" : "PCMU", c->ptime);
        }
    }
    return at < cap ? at : 0;
}

size_t fg_sdp_write_offer(fg_sdp_kind kind, const fg_t38_params *t38, const char *ip, int port, unsigned long long id,
                          unsigned version, char *out, size_t cap)
{
    size_t at = put_head(out, cap, ip, id, version);

    if (kind == FG_SDP_T38) {
        fg_t38_params ours;

        fg_sdp_t38_ours(&ours);
        if (t38)
            ours = *t38;
        at = put(out, cap, at, "m=image %d udptl t38\r\n", port);
        at = put_t38(out, cap, at, &ours, ours.max_datagram);
    } else {
        at = put(out, cap, at,
                 "m=audio %d RTP/AVP 0 8\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=ptime:20\r\n"
                 "a=sendrecv\r\n",
                 port);
    }
    return at < cap ? at : 0;
}
