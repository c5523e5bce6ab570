/* faxgate — decode: what a T.30 frame says (names, identities, DIS/DCS fields, NSF vendors).
 *
 * Frames are handled as SpanDSP hands them over: [0] address 0xFF, [1] control 0x03/0x13,
 * [2] FCF, [3…] FIF. FIF bit n (T.30 Table 2 numbering, from 1) is bit (n-1)%8 of octet 3+(n-1)/8.
 */
#include <stdio.h>
#include <string.h>
#include <spandsp.h>

#include "decode_impl.h"

/* T.30 Table 2 bits used below. */
enum {
    BIT_V8 = 6, BIT_FINE = 15, BIT_2D = 16, BIT_ECM = 27, BIT_ECM_64 = 28, BIT_T6 = 31, BIT_T43 = 36,
    BIT_SUPERFINE = 41, BIT_300 = 42, BIT_R16 = 43, BIT_JPEG = 68, BIT_T85 = 78, BIT_T85_L0 = 79
};

static bool fif_bit(const uint8_t *fr, int len, int bit)
{
    int octet = 3 + (bit - 1) / 8;

    return octet < len && ((fr[octet] >> ((bit - 1) & 7)) & 1);
}

/* The rate field (bits 11-14) is the DISBIT3..DISBIT6 part of octet 2: see SpanDSP's fallback table. */
bool fg_dec_parse_rate(const uint8_t *fr, int len, fg_dec_params *p)
{
    static const struct { uint8_t code; int modem, rate; } rates[] = {
        {0x20, FG_DEC_V17, 14400}, {0x28, FG_DEC_V17, 12000}, {0x24, FG_DEC_V17, 9600},
        {0x2C, FG_DEC_V17, 7200},  {0x04, FG_DEC_V29, 9600},  {0x0C, FG_DEC_V29, 7200},
        {0x08, FG_DEC_V27TER, 4800}, {0x00, FG_DEC_V27TER, 2400},
    };

    if (len < 5)
        return false;
    p->modem = FG_DEC_UNSUPPORTED;   /* V.33 and reserved codes */
    p->rate = 0;
    for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++)
        if ((fr[4] & 0x3C) == rates[i].code) {
            p->modem = rates[i].modem;
            p->rate = rates[i].rate;
        }
    return true;
}

bool fg_dec_parse_dcs(const uint8_t *fr, int len, fg_dec_params *p)
{
    /* Widths by resolution family (R8, 300 dpi, R16) and paper (A4, B4, A3), T.30 Table 2 note. */
    static const int widths[3][3] = {{1728, 2048, 2432}, {2592, 3072, 3648}, {3456, 4096, 4864}};
    int family = 0, paper;

    memset(p, 0, sizeof *p);
    if (len < 6 || !fg_dec_parse_rate(fr, len, p))
        return false;
    p->ecm = fif_bit(fr, len, BIT_ECM);
    if (fif_bit(fr, len, BIT_T43) || fif_bit(fr, len, BIT_JPEG) || fif_bit(fr, len, BIT_T85) ||
        fif_bit(fr, len, BIT_T85_L0))
        p->encoding = 0;
    else if (fif_bit(fr, len, BIT_T6))
        p->encoding = T4_COMPRESSION_ITU_T6;
    else if (fif_bit(fr, len, BIT_2D))
        p->encoding = T4_COMPRESSION_ITU_T4_2D;
    else
        p->encoding = T4_COMPRESSION_ITU_T4_1D;
    p->xdpi = 204;
    p->t4_xres = T4_X_RESOLUTION_R8;
    if (fif_bit(fr, len, BIT_R16)) {
        family = 2;
        p->xdpi = 408, p->ydpi = 391;
        p->t4_xres = T4_X_RESOLUTION_R16, p->t4_yres = T4_Y_RESOLUTION_SUPERFINE;
    } else if (fif_bit(fr, len, BIT_300)) {
        family = 1;
        p->xdpi = 300, p->ydpi = 300;
        p->t4_xres = T4_X_RESOLUTION_300, p->t4_yres = T4_Y_RESOLUTION_300;
    } else if (fif_bit(fr, len, BIT_SUPERFINE)) {
        p->ydpi = 391, p->t4_yres = T4_Y_RESOLUTION_SUPERFINE;
    } else if (fif_bit(fr, len, BIT_FINE)) {
        p->ydpi = 196, p->t4_yres = T4_Y_RESOLUTION_FINE;
    } else {
        p->ydpi = 98, p->t4_yres = T4_Y_RESOLUTION_STANDARD;
    }
    paper = fr[5] & 0x03;   /* bits 17-18: A4, B4, A3; 3 is invalid and read as A4 */
    p->width = widths[family][paper == 3 ? 0 : paper];
    return true;
}

void fg_dec_modem_str(const fg_dec_params *p, char *out, size_t cap)
{
    static const char *const names[] = {"none", "V.27ter", "V.29", "V.17", "V.33/other"};
    int m = p->modem >= FG_DEC_NONE && p->modem <= FG_DEC_UNSUPPORTED ? p->modem : FG_DEC_UNSUPPORTED;

    if (p->rate)
        snprintf(out, cap, "%s %d", names[m], p->rate);
    else
        snprintf(out, cap, "%s", names[m]);
}

const char *fg_dec_coding_str(int encoding)
{
    switch (encoding) {
    case T4_COMPRESSION_ITU_T4_1D:
        return "T.4 1D";
    case T4_COMPRESSION_ITU_T4_2D:
        return "T.4 2D";
    case T4_COMPRESSION_ITU_T6:
        return "T.6";
    default:
        return "?";
    }
}

void fg_dec_ident(const uint8_t *fr, int len, char *out, size_t cap)
{
    int lo = 3, hi = len - 1;
    size_t k = 0;

    if (cap == 0)
        return;
    if (hi - lo + 1 > 20)   /* T.30 identities are 20 characters; anything beyond is not one */
        lo = hi - 19;
    /* Sent last character first, padded with spaces: trim both ends of the reversed text. */
    while (hi >= lo && fr[hi] == ' ')
        hi--;
    while (lo <= hi && fr[lo] == ' ')
        lo++;
    for (int i = hi; i >= lo && k + 1 < cap; i--)
        out[k++] = (fr[i] >= 0x20 && fr[i] < 0x7F) ? (char)fr[i] : '?';
    out[k] = '\0';
}

bool fg_dec_vendor(const uint8_t *fr, int len, char *out, size_t cap)
{
    /* t35_decode reads two octets unconditionally and one past the vendor code it compares:
       give it a zero-padded copy so that a short hostile frame cannot make it overread. */
    uint8_t fif[300] = {0};
    const char *country = NULL, *vendor = NULL, *model = NULL;
    int n = len - 3;

    if (n < 1 || n > (int)sizeof fif - 8)
        return false;
    memcpy(fif, fr + 3, (size_t)n);
    if (!t35_decode(fif, n, &country, &vendor, &model) || !vendor) {
        snprintf(out, cap, "unknown vendor %02x %02x %02x%s%s", fif[0], fif[1], fif[2],
                 country ? ", " : "", country ? country : "");
        return false;
    }
    snprintf(out, cap, "%s%s%s%s%s%s", vendor, country ? " (" : "", country ? country : "", country ? ")" : "",
             model ? ", " : "", model ? model : "");
    return true;
}

/* Appends words to a summary, a separator between groups. */
static void add(char *out, size_t cap, const char *sep, const char *word)
{
    size_t n = strlen(out);

    if (n < cap)
        snprintf(out + n, cap - n, "%s%s", n ? sep : "", word);
}

static void dis_summary(const uint8_t *fr, int len, char *out, size_t cap)
{
    uint8_t rate = len > 4 ? fr[4] : 0;
    int paper = len > 5 ? fr[5] & 0x03 : 0;
    char g[64];

    out[0] = '\0';
    g[0] = '\0';
    if ((rate & 0x08) || !(rate & 0x3C))
        add(g, sizeof g, " ", "V.27ter");
    if (rate & 0x04)
        add(g, sizeof g, " ", "V.29");
    if (rate & 0x20)
        add(g, sizeof g, " ", "V.17");
    if (rate & 0x10)
        add(g, sizeof g, " ", "V.33");
    if (fif_bit(fr, len, BIT_V8))
        add(g, sizeof g, " ", "V.8");
    add(out, cap, "; ", g);
    g[0] = '\0';
    add(g, sizeof g, " ", "standard");
    if (fif_bit(fr, len, BIT_FINE))
        add(g, sizeof g, " ", "fine");
    if (fif_bit(fr, len, BIT_SUPERFINE))
        add(g, sizeof g, " ", "superfine");
    if (fif_bit(fr, len, BIT_300))
        add(g, sizeof g, " ", "300");
    if (fif_bit(fr, len, BIT_R16))
        add(g, sizeof g, " ", "R16");
    add(out, cap, "; ", g);
    g[0] = '\0';
    add(g, sizeof g, " ", fif_bit(fr, len, BIT_2D) ? "T.4 1D/2D" : "T.4 1D");
    if (fif_bit(fr, len, BIT_T6))
        add(g, sizeof g, " ", "T.6");
    if (fif_bit(fr, len, BIT_T85))
        add(g, sizeof g, " ", "JBIG");
    if (fif_bit(fr, len, BIT_ECM))
        add(g, sizeof g, " ", "ECM");
    add(out, cap, "; ", g);
    add(out, cap, "; ", paper == 2 ? "A4/B4/A3" : paper == 1 ? "A4/B4" : "A4");
}

/* An identity for the trace: quoted, with the octets in hex when some are not printable. */
static void ident_info(const uint8_t *fr, int len, char *out, size_t cap)
{
    char id[24];
    bool odd = false;

    fg_dec_ident(fr, len, id, sizeof id);
    snprintf(out, cap, "\"%s\"", id);
    for (int i = 3; i < len; i++)
        odd |= fr[i] < 0x20 || fr[i] >= 0x7F;
    if (odd) {
        add(out, cap, " ", "(octets, as sent:");
        for (int i = 3; i < len && strlen(out) + 4 < cap; i++) {
            char h[4];

            snprintf(h, sizeof h, "%02x", fr[i]);
            add(out, cap, " ", h);
        }
        add(out, cap, "", ")");
    }
}

static void dcs_summary(const uint8_t *fr, int len, char *out, size_t cap)
{
    fg_dec_params p;
    char modem[24];

    if (!fg_dec_parse_dcs(fr, len, &p)) {
        snprintf(out, cap, "too short (%d octets)", len);
        return;
    }
    fg_dec_modem_str(&p, modem, sizeof modem);
    snprintf(out, cap, "%s, %s %dx%d, %s%s, %d px", modem,
             p.ydpi == 98 ? "standard" : p.ydpi == 196 ? "fine" : p.ydpi == 391 ? "superfine" : "res",
             p.xdpi, p.ydpi, p.encoding ? fg_dec_coding_str(p.encoding) : "JBIG/JPEG (not decodable here)",
             p.ecm ? (fif_bit(fr, len, BIT_ECM_64) ? ", ECM 64" : ", ECM 256") : "", p.width);
}

void fg_dec_describe(fg_t30_frame *f)
{
    const uint8_t *fr = f->raw;
    int len = f->len;
    uint8_t fcf;
    const char *n;

    f->info[0] = '\0';
    f->from[0] = '\0';
    if (len < 3) {
        snprintf(f->name, sizeof f->name, "short");
        return;
    }
    fcf = fr[2];
    n = t30_frametype(fcf);
    if (!n || !strcmp(n, "???") || strlen(n) >= sizeof f->name)
        snprintf(f->name, sizeof f->name, "0x%02X", fcf);
    else
        snprintf(f->name, sizeof f->name, "%s", n);
    /* The X bit is set by the station that received DIS: the caller (also when it polls). */
    snprintf(f->from, sizeof f->from, "%s", (fcf & 1) ? "caller" : "called");

    /* Initial identification frames have a fixed X bit and must be told apart before masking it. */
    switch (fcf) {
    case T30_DIS:
    case T30_DTC:
        dis_summary(fr, len, f->info, sizeof f->info);
        return;
    case T30_CSI:
    case T30_CIG:
    case T30_PWD:
    case T30_SEP:
    case T30_PSA:
        ident_info(fr, len, f->info, sizeof f->info);
        return;
    case T30_NSF:
    case T30_NSC:
        fg_dec_vendor(fr, len, f->info, sizeof f->info);
        return;
    default:
        break;
    }
    switch (fcf & 0xFE) {
    case T30_DCS:
        dcs_summary(fr, len, f->info, sizeof f->info);
        break;
    case T30_TSI:
    case T30_SUB:
    case T30_SID:
        ident_info(fr, len, f->info, sizeof f->info);
        break;
    case T30_NSS:
        fg_dec_vendor(fr, len, f->info, sizeof f->info);
        break;
    case T30_PPS:
    case T30_EOR:
        if (len >= 7)
            snprintf(f->info, sizeof f->info, "%s-%s: page %u, block %u, %u frames", f->name,
                     t30_frametype(fr[3] & 0xFE), fr[4] + 1u, fr[5] + 1u, fr[6] + 1u);
        else if (len >= 4)
            snprintf(f->info, sizeof f->info, "%s-%s", f->name, t30_frametype(fr[3] & 0xFE));
        break;
    case T30_PPR: {
        int missing = 0;

        for (int i = 3; i < len && i < 3 + 32; i++)
            missing += __builtin_popcount(fr[i]);
        snprintf(f->info, sizeof f->info, "%d frames to repeat", missing);
        break;
    }
    case T30_CTC: {
        fg_dec_params p;

        if (fg_dec_parse_rate(fr, len, &p)) {
            char modem[24];

            fg_dec_modem_str(&p, modem, sizeof modem);
            snprintf(f->info, sizeof f->info, "continue at %s", modem);
        }
        break;
    }
    default:
        break;
    }
}

static void print_frame(const fg_t30_frame *fr, FILE *f)
{
    fprintf(f, "  %9.3fs  %-6s  %-7s %-3s  %s\n", fr->at, fr->from, fr->name, fr->crc_ok ? "ok" : "BAD",
            fr->info);
}

static void print_burst(const fg_decode_burst *b, const char *from, FILE *f)
{
    if (!strcmp(b->what, "CNG"))
        from = "caller";
    else if (b->modem[0] == '2')   /* 2100 Hz: CED, ANSam */
        from = "called";
    fprintf(f, "  %9.3fs  %-6s  %-7s      %s, %.2f s, %s\n", b->at, from, b->what, b->modem, b->seconds, b->info);
}

void fg_decode_print(const fg_decode_result *r, FILE *f)
{
    const char *img_from = "caller";
    size_t i = 0, j = 0, bad = 0;

    /* Image data comes from the side that sent DCS; after a DTC (polling) that is the called side. */
    for (size_t k = 0; k < r->n_frames; k++)
        if (r->frames[k].crc_ok && r->frames[k].len >= 3 && (r->frames[k].raw[2] & 0xFE) == T30_DCS)
            img_from = r->frames[k].from;
    fprintf(f, "%s: %.1f s of audio\n", r->stream, r->seconds);
    while (i < r->n_frames || j < r->n_bursts) {
        if (j >= r->n_bursts || (i < r->n_frames && r->frames[i].at <= r->bursts[j].at)) {
            bad += !r->frames[i].crc_ok;
            print_frame(&r->frames[i++], f);
        } else {
            print_burst(&r->bursts[j++], img_from, f);
        }
    }
    fprintf(f, "  %zu T.30 frames (%zu with a bad CRC)", r->n_frames, bad);
    if (r->tsi[0])
        fprintf(f, "; TSI \"%s\"", r->tsi);
    if (r->csi[0])
        fprintf(f, "; CSI \"%s\"", r->csi);
    if (r->nsf_vendor[0])
        fprintf(f, "; NSF %s", r->nsf_vendor);
    fputc('\n', f);
    if (r->dcs[0])
        fprintf(f, "  DCS: %s\n", r->dcs);
    if (r->rtp_packets || r->udp_skipped)
        fprintf(f, "  RTP: %lu packets, %lu lost; %lu other UDP datagrams in the file skipped\n", r->rtp_packets,
                r->rtp_lost, r->udp_skipped);
    if (!r->n_pages)
        fprintf(f, "  no pages decoded\n");
    for (size_t k = 0; k < r->n_pages; k++) {
        const fg_page *p = r->pages[k];
        const fg_decode_page_info *pi = r->page_info ? &r->page_info[k] : NULL;

        fprintf(f, "  page %zu: %d x %d pixels at %d x %d dpi", k + 1, p->width, p->height, p->xres, p->yres);
        if (pi)
            fprintf(f, ", %s %s%s, %d bad rows (longest run %d)", pi->modem, pi->coding, pi->ecm ? " ECM" : "",
                    pi->bad_rows, pi->longest_bad_run);
        fprintf(f, "%s\n", p->partial ? ", PARTIAL" : "");
    }
}
