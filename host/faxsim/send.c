/* faxsim send — places one real fax call (SpanDSP sender) into a gateway. */
#include <ctype.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faxgate/faxgate.h"
#include "faxsim.h"
#include "faxgate/sender.h"
#include "impair.h"

static void send_usage(FILE *f)
{
    fprintf(f,
            "usage: faxsim send --line URI [options] FILE.tif...\n"
            "Places a fax call to URI and sends the pages of the files as one fax. URI is\n"
            "audiosocket://HOST:PORT[/NUMBER] or sip:USER@HOST:PORT (add ;transport=tcp for SIP over TCP,\n"
            ";t38=initial to offer T.38 in the INVITE itself). NUMBER and USER are the number dialled: the\n"
            "gateway picks the receiving line's [number] rules by it.\n"
            "  --line URI           the gateway to call (required)\n"
            "  --tsi ID             our station identity, up to 20 characters (default: none sent)\n"
            "  --caller-id NUM      caller ID handed to the line (AudioSocket call info)\n"
            "  --realtime           pace audio at 20 ms per frame like a phone line (for Asterisk-like peers)\n"
            "  --t38                SIP: switch the call to T.38 (re-INVITE) once answered; T.38 runs at line pace\n"
            "  --no-ecm             do not offer error correction mode\n"
            "  --modems LIST        v17,v29,v27ter (default: all)\n"
            "  --nss HEX            send an NSS frame with these bytes: T.35 country, vendor code, data\n"
            "                       (\"007000\" says Japan, Kyocera), as a fax machine names its maker\n"
            "  --hangup-in-page N   hang up halfway through page N (to test broken calls)\n"
            "  --timeout S          give up after S seconds (default 600)\n"
            "  --quiet              print nothing but errors\n"
            "An impaired line (models in docs/impairments.md; all off by default):\n"
            "  --level DBM0         send our signal at DBM0 dBm0 (SpanDSP's modems send at -14)\n"
            "  --noise DBM0         white Gaussian noise at DBM0 dBm0, both directions\n"
            "  --echo MS:DB         the gateway's own signal back to it after MS ms, DB dB down (e.g. 20:-15)\n"
            "  --echo-far MS:DB     our own signal back to us after MS ms, DB dB down\n"
            "  --band               a 300-3400 Hz telephone channel, both directions\n"
            "  --loss PCT           SIP: lose PCT %% of RTP/UDPTL datagrams each way (Gilbert-Elliott bursts)\n"
            "  --loss-dir both|out|in  lose datagrams both ways (default), only those we send, or only those we receive\n"
            "  --burst N            mean length of a burst of lost datagrams (default 1)\n"
            "  --jitter MS          SIP: delay each datagram we send by 0..MS ms, uniformly (reorders them)\n"
            "  --seed N             the impairments' random seed (default 1): a seed gives the same line\n"
            "On SIP G.711, --loss and --jitter imply --realtime (a lockstep peer waits for a lost frame).\n"
            "Prints one line: pages sent, the far end's CSI and the T.30 result. Exit status 0 only if\n"
            "the far end accepted every page; 1 if it did not; 2 for bad usage, files or connection.\n");
}

/* "00 70 00" or "007000": up to 64 bytes of hex. */
static int parse_hex(const char *s, uint8_t *out, size_t cap, size_t *n)
{
    *n = 0;
    while (*s) {
        unsigned v;

        if (*s == ' ' || *s == ':') {
            s++;
            continue;
        }
        if (*n == cap || sscanf(s, "%2x", &v) != 1 || !isxdigit((unsigned char)s[0]) ||
            !isxdigit((unsigned char)s[1])) {
            fprintf(stderr, "faxsim send: --nss wants up to %zu bytes as hex pairs (like 007000), not '%s'\n", cap, s);
            return -1;
        }
        out[(*n)++] = (uint8_t)v;
        s += 2;
    }
    if (*n < 3) {
        fprintf(stderr, "faxsim send: --nss needs at least 3 bytes: a T.35 country code and a vendor code\n");
        return -1;
    }
    return 0;
}

static int parse_num(const char *s, const char *what, double lo, double hi, double *out)
{
    char *end;
    double v = strtod(s, &end);

    if (!*s || *end || !(v >= lo && v <= hi)) {
        fprintf(stderr, "faxsim send: %s must be a number from %g to %g, not '%s'\n", what, lo, hi, s);
        return -1;
    }
    *out = v;
    return 0;
}

static int parse_int(const char *s, const char *what, int lo, int hi, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);

    if (!*s || *end || v < lo || v > hi) {
        fprintf(stderr, "faxsim send: %s must be a whole number from %d to %d, not '%s'\n", what, lo, hi, s);
        return -1;
    }
    *out = (int)v;
    return 0;
}

int fg_sim_send_main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"line", required_argument, NULL, 'l'},      {"tsi", required_argument, NULL, 't'},
        {"caller-id", required_argument, NULL, 'c'}, {"realtime", no_argument, NULL, 'r'},
        {"no-ecm", no_argument, NULL, 'n'},          {"hangup-in-page", required_argument, NULL, 'h'},
        {"timeout", required_argument, NULL, 'T'},   {"quiet", no_argument, NULL, 'q'},
        {"modems", required_argument, NULL, 'm'},    {"help", no_argument, NULL, 'H'},
        {"t38", no_argument, NULL, '8'},            {"nss", required_argument, NULL, 'N'},
        {"level", required_argument, NULL, 'L'},     {"noise", required_argument, NULL, 'z'},
        {"echo", required_argument, NULL, 'e'},      {"echo-far", required_argument, NULL, 'E'},
        {"band", no_argument, NULL, 'b'},            {"loss", required_argument, NULL, 'p'},
        {"burst", required_argument, NULL, 'B'},     {"jitter", required_argument, NULL, 'j'},
        {"seed", required_argument, NULL, 's'},      {"loss-dir", required_argument, NULL, 'D'},
        {NULL, 0, NULL, 0},
    };
    fg_send_opts o = {.ecm = true};
    fg_impair_cfg ic = {.burst = 1.0, .seed = 1};
    fg_impair *im = NULL;
    double d;
    int rc;
    uint8_t nss[64];
    fg_send_result r;
    bool quiet = false;
    int c, total = 0;
    fg_err e;

    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'l': o.line = optarg; break;
        case 't': o.tsi = optarg; break;
        case 'c': o.caller_id = optarg; break;
        case 'r': o.realtime = true; break;
        case '8': o.t38 = true; break;
        case 'n': o.ecm = false; break;
        case 'q': quiet = true; break;
        case 'h':
            if (parse_int(optarg, "--hangup-in-page", 1, FG_PAGE_MAX_PAGES, &o.hangup_in_page))
                return 2;
            break;
        case 'T':
            if (parse_int(optarg, "--timeout", 1, 86400, &o.timeout_s))
                return 2;
            break;
        case 'm':
            if ((e = fg_modems_parse(optarg, &o.modems))) {
                fprintf(stderr, "faxsim send: --modems: %s\n", fg_err_msg(e));
                return 2;
            }
            break;
        case 'N':
            if (parse_hex(optarg, nss, sizeof nss, &o.nss_len))
                return 2;
            o.nss = nss;
            break;
        case 'L':
            if (parse_num(optarg, "--level", -80, 0, &ic.level_dbm0))
                return 2;
            ic.level_on = true;
            break;
        case 'z':
            if (parse_num(optarg, "--noise", -120, 0, &ic.noise_dbm0))
                return 2;
            ic.noise_on = true;
            break;
        case 'e':
        case 'E':
            if (!fg_impair_parse_echo(optarg, c == 'e' ? &ic.echo_ms : &ic.echo_far_ms,
                                      c == 'e' ? &ic.echo_db : &ic.echo_far_db)) {
                fprintf(stderr, "faxsim send: --%s wants MS:DB, a delay of 0 to %d ms and a level of -100 to 0 dB "
                        "(like 20:-15), not '%s'\n", c == 'e' ? "echo" : "echo-far", FG_IMPAIR_MAX_ECHO_MS, optarg);
                return 2;
            }
            *(c == 'e' ? &ic.echo_on : &ic.echo_far_on) = true;
            break;
        case 'b': ic.band = true; break;
        case 'p':
            if (parse_num(optarg, "--loss", 0, 99, &ic.loss_pct))
                return 2;
            break;
        case 'D':
            ic.loss_out_only = !strcmp(optarg, "out");
            ic.loss_in_only = !strcmp(optarg, "in");
            if (!ic.loss_out_only && !ic.loss_in_only && strcmp(optarg, "both")) {
                fprintf(stderr, "faxsim send: --loss-dir is both, out or in, not '%s'\n", optarg);
                return 2;
            }
            break;
        case 'B':
            if (parse_num(optarg, "--burst", 1, 1000, &ic.burst))
                return 2;
            break;
        case 'j':
            if (parse_int(optarg, "--jitter", 0, 2000, &ic.jitter_ms))
                return 2;
            break;
        case 's':
            if (parse_num(optarg, "--seed", 0, 4e15, &d))
                return 2;
            ic.seed = (uint64_t)d;
            break;
        case 'H': send_usage(stdout); return 0;
        default: send_usage(stderr); return 2;
        }
    }
    if (!o.line || optind >= argc) {
        fprintf(stderr, "faxsim send: %s\n", !o.line ? "--line URI is required" : "no TIFF file to send");
        send_usage(stderr);
        return 2;
    }
    if (o.tsi && strlen(o.tsi) > 20) {
        fprintf(stderr, "faxsim send: --tsi '%s' is longer than the 20 characters T.30 allows\n", o.tsi);
        return 2;
    }
    o.files = (const char *const *)(argv + optind);
    o.nfiles = argc - optind;
    /* every file is checked before dialling: a bad file is a usage error, not a failed fax */
    for (int i = 0; i < o.nfiles; i++) {
        int n = 0;

        if ((e = fg_page_tiff_count(o.files[i], &n)) || (e = fg_send_check_file(o.files[i], &n))) {
            fprintf(stderr, "faxsim send: %s\n", fg_err_msg(e));
            return 2;
        }
        total += n;
    }
    if (o.hangup_in_page > total) {
        fprintf(stderr, "faxsim send: --hangup-in-page %d, but the files have %d page%s\n", o.hangup_in_page,
                total, total == 1 ? "" : "s");
        return 2;
    }
    if (ic.level_on || ic.noise_on || ic.echo_on || ic.echo_far_on || ic.band || ic.loss_pct > 0 || ic.jitter_ms > 0) {
        if (!(im = fg_impair_new(&ic))) {
            fprintf(stderr, "faxsim send: out of memory\n");
            return 2;
        }
        o.impair = fg_impair_hooks(im);
        if (ic.loss_pct > 0 || ic.jitter_ms > 0)
            o.realtime = true;   /* lockstep would wait for ever for the answer to a lost frame */
    }
    if ((e = fg_send_fax(&o, &r))) {
        fprintf(stderr, "faxsim send: %s\n", fg_err_msg(e));
        if (r.audio_s == 0) {
            fg_impair_free(im);
            return 2;   /* never got as far as a call */
        }
    }
    if (!quiet)
        printf("%s: sent %d of %d page%s to CSI '%s'; T.30: %s (%d)%s\n", r.accepted ? "accepted" : "not accepted",
               r.pages_sent, r.pages_total, r.pages_total == 1 ? "" : "s", r.csi, r.t30_text, r.t30_code,
               r.hung_up ? "; we hung up on purpose" : "");
    if (!quiet && im && o.impair->tap) {
        unsigned long tx, tx_lost, rx, rx_lost;

        fg_impair_stats(im, &tx, &tx_lost, &rx, &rx_lost);
        printf("line: %lu datagrams sent, %lu lost (%.1f %%); %lu received, %lu lost (%.1f %%)\n", tx, tx_lost,
               tx ? 100.0 * tx_lost / tx : 0.0, rx, rx_lost, rx ? 100.0 * rx_lost / rx : 0.0);
    }
    rc = r.accepted ? 0 : 1;
    fg_impair_free(im);
    return rc;
}
