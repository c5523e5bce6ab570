/* faxgate — decode: the G.711 RTP streams of a packet capture, each decoded as a recorded call.
 *
 * libpcap reads the file; everything inside a packet is parsed here and treated as hostile: link
 * header (Ethernet with VLAN tags, Linux cooked v1/v2, raw IP, BSD loopback), IPv4/IPv6, UDP, RTP
 * (version 2, CSRCs, header extension, padding). A stream is one SSRC between one pair of ports;
 * its packets are put in sequence order (16-bit wrap handled) and laid out by RTP timestamp, gaps
 * filled with silence, so that the modems see the time line the sender made. SIP, UDPTL (T.38)
 * and anything else are counted and skipped.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <spandsp.h>

#include "faxgate/decode.h"

#define SR 8000
#define MIN_PACKETS 25                  /* 0.5 s: fewer RTP-looking datagrams are not a call */
#define MAX_PAYLOAD 8000                /* one second per packet is already absurd */
#define MAX_GAP (10 * SR)               /* a longer hole in the timestamps is filled with 10 s */
#define MAX_PACKETS_READ 50000000UL
#define MAX_STREAM_PACKETS ((size_t)FG_DECODE_MAX_SECONDS * 200)

typedef struct rtp_pkt {
    int64_t seq;                        /* extended over 16-bit wraps */
    uint32_t ts;
    uint32_t off, len;                  /* payload bytes in the stream's data */
} rtp_pkt;

typedef struct stream {
    uint32_t ssrc;
    uint8_t src[16], dst[16];
    uint16_t sport, dport;
    uint8_t pt;
    rtp_pkt *pkts;
    size_t n, cap;
    uint8_t *data;
    size_t dlen, dcap;
    int64_t top;                        /* highest extended sequence number so far */
    bool full;
} stream;

typedef struct cap_state {
    stream *st;
    size_t n_st;
    unsigned long skipped;
    size_t total;                       /* payload bytes kept over all streams */
    bool nomem;
} cap_state;

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool grow(void **arr, size_t *cap, size_t need, size_t size)
{
    size_t c = *cap ? *cap : 64;
    void *n;

    if (need <= *cap)
        return true;
    while (c < need)
        c *= 2;
    if (!(n = realloc(*arr, c * size)))
        return false;
    *arr = n;
    *cap = c;
    return true;
}

/* The RTP packet in a UDP payload, if it is G.711 audio. */
static void on_rtp(cap_state *cs, const uint8_t *src, const uint8_t *dst, uint16_t sport, uint16_t dport,
                   const uint8_t *u, size_t n)
{
    size_t hdr, plen;
    uint8_t pt;
    uint32_t ssrc;
    stream *s = NULL;

    if (n < 12 || (u[0] >> 6) != 2) {
        cs->skipped++;
        return;
    }
    hdr = 12 + 4u * (u[0] & 0x0F);
    if ((u[0] & 0x10) && hdr + 4 <= n)
        hdr += 4 + 4u * be16(u + hdr + 2);
    else if (u[0] & 0x10)
        hdr = n + 1;
    if (hdr > n) {
        cs->skipped++;
        return;
    }
    plen = n - hdr;
    if (u[0] & 0x20) {
        size_t pad = u[n - 1];

        if (pad == 0 || pad > plen) {
            cs->skipped++;
            return;
        }
        plen -= pad;
    }
    pt = u[1] & 0x7F;
    if ((pt != 0 && pt != 8) || plen == 0 || plen > MAX_PAYLOAD) {
        cs->skipped++;   /* comfort noise, DTMF events, other codecs, T.38 that looks like RTP */
        return;
    }
    ssrc = be32(u + 8);
    for (size_t i = 0; i < cs->n_st && !s; i++)
        if (cs->st[i].ssrc == ssrc && cs->st[i].sport == sport && cs->st[i].dport == dport &&
            !memcmp(cs->st[i].src, src, 16) && !memcmp(cs->st[i].dst, dst, 16))
            s = &cs->st[i];
    if (!s) {
        if (cs->n_st >= FG_DECODE_MAX_STREAMS) {
            cs->skipped++;
            return;
        }
        s = &cs->st[cs->n_st++];
        memset(s, 0, sizeof *s);
        s->ssrc = ssrc;
        s->sport = sport;
        s->dport = dport;
        s->pt = pt;
        memcpy(s->src, src, 16);
        memcpy(s->dst, dst, 16);
        s->top = be16(u + 2);
    }
    if (pt != s->pt) {
        cs->skipped++;   /* a codec change inside one stream: keep the first */
        return;
    }
    /* Caps: an hour per stream, two hours over the file, and no more packets than 5 ms each. */
    if (s->full || s->dlen + plen > (size_t)FG_DECODE_MAX_SECONDS * SR || s->n >= MAX_STREAM_PACKETS ||
        cs->total + plen > 2 * (size_t)FG_DECODE_MAX_SECONDS * SR) {
        s->full = true;
        return;
    }
    if (!grow((void **)&s->pkts, &s->cap, s->n + 1, sizeof *s->pkts) ||
        !grow((void **)&s->data, &s->dcap, s->dlen + plen, 1)) {
        cs->nomem = true;
        return;
    }
    /* Extend the sequence number from the highest seen: a step of at most ±32767 is the nearer one. */
    int64_t seq = s->top + (int16_t)(uint16_t)(be16(u + 2) - (uint16_t)s->top);

    if (seq > s->top)
        s->top = seq;
    s->pkts[s->n++] = (rtp_pkt){.seq = seq, .ts = be32(u + 4), .off = (uint32_t)s->dlen, .len = (uint32_t)plen};
    memcpy(s->data + s->dlen, u + hdr, plen);
    s->dlen += plen;
    cs->total += plen;
}

/* IPv4 or IPv6 packet: finds UDP and passes its payload on. */
static void on_ip(cap_state *cs, const uint8_t *p, size_t n)
{
    uint8_t src[16] = {0}, dst[16] = {0};
    size_t hl, total;
    uint8_t proto;

    if (n < 1)
        return;
    if ((p[0] >> 4) == 4) {
        if (n < 20 || (hl = (p[0] & 0x0F) * 4u) < 20 || hl > n)
            return;
        total = be16(p + 2);
        if (total < hl)
            return;
        if (total < n)
            n = total;   /* Ethernet padding */
        if ((be16(p + 6) & 0x3FFF) != 0) {
            cs->skipped++;   /* a fragment: RTP never needs them, and reassembly is attack surface */
            return;
        }
        proto = p[9];
        memcpy(src + 12, p + 12, 4);
        memcpy(dst + 12, p + 16, 4);
    } else if ((p[0] >> 4) == 6) {
        if (n < 40)
            return;
        total = 40u + be16(p + 4);
        if (total < n)
            n = total;
        proto = p[6];
        memcpy(src, p + 8, 16);
        memcpy(dst, p + 24, 16);
        hl = 40;
        /* hop-by-hop, routing and destination options may precede UDP */
        for (int k = 0; k < 4 && (proto == 0 || proto == 43 || proto == 60); k++) {
            if (hl + 8 > n)
                return;
            proto = p[hl];
            hl += 8u + 8u * p[hl + 1];
        }
        if (hl > n)
            return;
    } else {
        return;
    }
    if (proto != 17)
        return;   /* TCP (SIP over TCP, AudioSocket…), ICMP: not ours, not UDP either */
    if (n - hl < 8) {
        cs->skipped++;
        return;
    }
    {
        const uint8_t *udp = p + hl;
        size_t ulen = be16(udp + 4);

        if (ulen < 8 || ulen > n - hl)
            ulen = n - hl;   /* snapped or lying length: use what was captured */
        on_rtp(cs, src, dst, be16(udp), be16(udp + 2), udp + 8, ulen - 8);
    }
}

static void on_packet(cap_state *cs, int link, const uint8_t *p, size_t n)
{
    size_t off;
    uint16_t type;

    switch (link) {
    case DLT_EN10MB:
        if (n < 14)
            return;
        off = 14;
        type = be16(p + 12);
        for (int k = 0; k < 2 && (type == 0x8100 || type == 0x88A8) && off + 4 <= n; k++) {
            type = be16(p + off + 2);
            off += 4;
        }
        if (type != 0x0800 && type != 0x86DD)
            return;
        break;
    case DLT_LINUX_SLL:
        if (n < 16)
            return;
        off = 16;
        if (be16(p + 14) != 0x0800 && be16(p + 14) != 0x86DD)
            return;
        break;
#ifdef DLT_LINUX_SLL2
    case DLT_LINUX_SLL2:
        if (n < 20)
            return;
        off = 20;
        if (be16(p) != 0x0800 && be16(p) != 0x86DD)
            return;
        break;
#endif
    case DLT_NULL:
    case DLT_LOOP:
        off = 4;   /* address family in host or network order: the IP version nibble is enough */
        break;
    default:   /* raw IP link types */
        off = 0;
        break;
    }
    if (off <= n)
        on_ip(cs, p + off, n - off);
}

static int cmp_pkt(const void *a, const void *b)
{
    const rtp_pkt *x = a, *y = b;

    return x->seq < y->seq ? -1 : x->seq > y->seq ? 1 : (x->off < y->off ? -1 : x->off > y->off);
}

/* Lays the packets of a stream out on its timestamp line as linear samples. */
static fg_err stream_samples(stream *s, int16_t **out, size_t *n_out, unsigned long *lost)
{
    size_t cap = s->dlen + 8, w = 0;
    int16_t *pcm;
    int64_t prev_seq = 0, shift = 0, ts_ext = 0;
    uint32_t prev_ts = 0;

    qsort(s->pkts, s->n, sizeof *s->pkts, cmp_pkt);
    *lost = 0;
    if (!(pcm = malloc(cap * sizeof *pcm)))
        return fg_err_set(FG_ERR_NOMEM, "pcap: out of memory for an RTP stream");
    for (size_t i = 0; i < s->n; i++) {
        const rtp_pkt *k = &s->pkts[i];
        int64_t pos;

        if (i > 0 && k->seq == prev_seq)
            continue;   /* duplicate */
        if (i > 0) {
            *lost += (unsigned long)(k->seq - prev_seq - 1);
            ts_ext += (int32_t)(k->ts - prev_ts);
        }
        prev_seq = k->seq;
        prev_ts = k->ts;
        pos = ts_ext + shift;
        if (pos > (int64_t)w + MAX_GAP) {
            shift -= pos - ((int64_t)w + MAX_GAP);
            pos = (int64_t)w + MAX_GAP;
        }
        if (pos + (int64_t)k->len <= (int64_t)w) {
            if (pos + (int64_t)k->len >= (int64_t)w - MAX_GAP)
                continue;   /* already have these samples */
            shift += (int64_t)w - pos;   /* far in the past: the sender restarted its clock */
            pos = (int64_t)w;
        }
        if (pos < 0)
            continue;   /* overlaps the start: nothing new worth placing */
        if ((size_t)pos + k->len > (size_t)FG_DECODE_MAX_SECONDS * SR)
            break;
        if ((size_t)pos + k->len > cap) {
            size_t nc = cap;
            int16_t *np;

            while (nc < (size_t)pos + k->len)
                nc *= 2;
            if (!(np = realloc(pcm, nc * sizeof *pcm))) {
                free(pcm);
                return fg_err_set(FG_ERR_NOMEM, "pcap: out of memory for an RTP stream");
            }
            pcm = np;
            cap = nc;
        }
        if ((size_t)pos > w)
            memset(pcm + w, 0, ((size_t)pos - w) * sizeof *pcm);   /* lost or suppressed: silence */
        for (uint32_t j = 0; j < k->len; j++) {
            size_t at = (size_t)pos + j;
            uint8_t b = s->data[k->off + j];

            if (at >= w)
                pcm[at] = s->pt == 8 ? alaw_to_linear(b) : ulaw_to_linear(b);
        }
        if ((size_t)pos + k->len > w)
            w = (size_t)pos + k->len;
    }
    *out = pcm;
    *n_out = w;
    return FG_OK;
}

static void addr_str(const uint8_t a[16], char *out, size_t cap)
{
    static const uint8_t v4[12] = {0};

    if (!memcmp(a, v4, 12))
        snprintf(out, cap, "%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
    else
        snprintf(out, cap, "%02x%02x:…:%02x%02x", a[0], a[1], a[14], a[15]);
}

fg_err fg_decode_pcap(const char *path, fg_decode_result **out, size_t *n_out)
{
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    cap_state cs = {0};
    struct pcap_pkthdr *h;
    const u_char *data;
    fg_decode_result *res = NULL;
    unsigned long packets = 0;
    size_t n_res = 0;
    pcap_t *pc;
    fg_err e = FG_OK;
    int link, rc;

    if (!path || !out || !n_out)
        return fg_err_set(FG_ERR_INVAL, "pcap: no file or no result to fill");
    *out = NULL;
    *n_out = 0;
    if (!(pc = pcap_open_offline(path, errbuf))) {
        if (access(path, R_OK) != 0)
            return fg_err_set(fg_err_from_errno(errno), "%s: cannot open: %s", path, strerror(errno));
        return fg_err_set(FG_ERR_FORMAT, "%s: not a packet capture libpcap can read (%s)", path, errbuf);
    }
    link = pcap_datalink(pc);
    switch (link) {
    case DLT_EN10MB: case DLT_LINUX_SLL: case DLT_RAW: case DLT_NULL: case DLT_LOOP:
#ifdef DLT_LINUX_SLL2
    case DLT_LINUX_SLL2:
#endif
#ifdef DLT_IPV4
    case DLT_IPV4: case DLT_IPV6:
#endif
        break;
    default:
        pcap_close(pc);
        return fg_err_set(FG_ERR_UNSUPPORTED, "%s: link type %s is not supported (Ethernet, Linux cooked "
                          "or raw IP are)", path, pcap_datalink_val_to_name(link) ? pcap_datalink_val_to_name(link) : "?");
    }
    if (!(cs.st = calloc(FG_DECODE_MAX_STREAMS, sizeof *cs.st))) {
        pcap_close(pc);
        return fg_err_set(FG_ERR_NOMEM, "pcap: out of memory");
    }
    /* A truncated or damaged file ends the reading (rc -1); what came before is still decoded. */
    while (!cs.nomem && packets < MAX_PACKETS_READ && (rc = pcap_next_ex(pc, &h, &data)) >= 0) {
        if (rc == 0)
            continue;
        packets++;
        on_packet(&cs, link, data, h->caplen);
    }
    pcap_close(pc);
    if (cs.nomem) {
        e = fg_err_set(FG_ERR_NOMEM, "%s: out of memory while reading the capture", path);
        goto done;
    }
    for (size_t i = 0; i < cs.n_st; i++)
        if (cs.st[i].n < MIN_PACKETS)
            cs.skipped += cs.st[i].n;   /* a handful of RTP-looking datagrams: not a call */
    if (!(res = calloc(cs.n_st ? cs.n_st : 1, sizeof *res))) {
        e = fg_err_set(FG_ERR_NOMEM, "pcap: out of memory");
        goto done;
    }
    for (size_t i = 0; i < cs.n_st && !e; i++) {
        stream *s = &cs.st[i];
        int16_t *pcm = NULL;
        size_t n = 0;
        unsigned long lost = 0;
        char a[48];

        if (s->n < MIN_PACKETS)
            continue;
        if ((e = stream_samples(s, &pcm, &n, &lost)))
            break;
        e = fg_decode_samples(pcm, n, &res[n_res]);
        free(pcm);
        if (e)
            break;
        addr_str(s->src, a, sizeof a);
        snprintf(res[n_res].stream, sizeof res[n_res].stream, "RTP %s SSRC %08x %.20s:%u>%u", s->pt ? "PCMA" : "PCMU",
                 s->ssrc, a, s->sport, s->dport);
        res[n_res].rtp_packets = s->n;
        res[n_res].rtp_lost = lost;
        res[n_res].udp_skipped = cs.skipped;
        n_res++;
    }
    if (!e && n_res == 0)
        e = fg_err_set(FG_ERR_NOTFOUND, "%s: no G.711 RTP stream in %lu packets (%lu UDP datagrams skipped: "
                       "SIP, T.38/UDPTL and other payloads are not decoded)", path, packets, cs.skipped);
done:
    for (size_t i = 0; i < cs.n_st; i++) {
        free(cs.st[i].pkts);
        free(cs.st[i].data);
    }
    free(cs.st);
    if (e) {
        for (size_t i = 0; i < n_res; i++)
            fg_decode_result_clear(&res[i]);
        free(res);
        return e;
    }
    *out = res;
    *n_out = n_res;
    return FG_OK;
}
