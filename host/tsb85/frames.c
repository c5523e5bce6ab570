/* tsb85 — frames as a script writes them, compared with those the gateway sends. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "run_impl.h"

/* "FF C8 01 ...", "FF C8 41/7F": bytes as T.30 writes them (first bit sent leftmost). */
int run_parse_pattern(const char *s, pattern *p)
{
    memset(p, 0, sizeof *p);
    while (*s) {
        char *end;
        unsigned long v;

        if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == ',') {
            s++;
            continue;
        }
        if (!strncmp(s, "...", 3)) {
            p->more = true;
            break;
        }
        v = strtoul(s, &end, 16);
        if (end == s || v > 0xff || p->len == (int)sizeof p->b)
            return -1;
        p->b[p->len] = bit_reverse8((uint8_t)v);
        p->mask[p->len] = 0xff;
        s = end;
        if (*s == '/') {
            v = strtoul(s + 1, &end, 16);
            if (end == s + 1 || v > 0xff)
                return -1;
            p->mask[p->len] = bit_reverse8((uint8_t)v);
            s = end;
        }
        p->len++;
    }
    return p->len >= 3 ? 0 : -1;
}

bool run_matches(const pattern *p, const tsb_frame *f)
{
    if (f->len < p->len || (!p->more && f->len != p->len))
        return false;
    for (int i = 0; i < p->len; i++)
        if ((f->buf[i] ^ p->b[i]) & p->mask[i])
            return false;
    return true;
}

static const char *fcf_name(uint8_t line_order_fcf)
{
    static const struct {
        uint8_t fcf;
        const char *name;
    } t[] = {{0x01, "DIS"}, {0x02, "CSI"}, {0x04, "NSF"}, {0x41, "DCS"}, {0x42, "TSI"}, {0x44, "NSS"},
             {0x21, "CFR"}, {0x22, "FTT"}, {0x31, "MCF"}, {0x32, "RTN"}, {0x33, "RTP"}, {0x34, "PIN"},
             {0x35, "PIP"}, {0x58, "CRP"}, {0x5F, "DCN"}, {0x71, "EOM"}, {0x72, "MPS"}, {0x74, "EOP"},
             {0x37, "RNR"}, {0x3D, "PPR"}, {0x38, "ERR"}, {0x76, "RR"},  {0x48, "CTC"}, {0x23, "CTR"},
             {0x73, "EOR"}, {0x7D, "PPS"}};
    uint8_t f = bit_reverse8(line_order_fcf) & 0x7f;

    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (t[i].fcf == f)
            return t[i].name;
    return "frame";
}

/* A frame as the script writes it, for messages: "CSI (FF C0 02 9C …)". */
const char *run_show(const tsb_frame *f, char *buf, size_t cap)
{
    size_t n = (size_t)snprintf(buf, cap, "%s (", f->len >= 3 ? fcf_name(f->buf[2]) : "short frame");

    for (int i = 0; i < f->len && n + 8 < cap; i++)
        n += (size_t)snprintf(buf + n, cap - n, "%s%02X", i ? " " : "", bit_reverse8(f->buf[i]));
    snprintf(buf + n, cap - n, ")");
    return buf;
}

long run_timeout_of(const tsb_step *st)
{
    return TSB_MS(st->timeout >= 0 ? st->timeout : DEFAULT_R_TIMEOUT);
}
