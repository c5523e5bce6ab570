/* faxsim receive — answers one fax call as a fax machine would, with the gateway's own receiving
 * path (line driver, fg_rx, fg_rx_drive_line), and keeps the pages: the far end of the gateway's
 * outgoing faxes in tests. */
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "faxgate/faxgate.h"
#include "faxsim.h"

static void receive_usage(FILE *f)
{
    fprintf(f,
            "usage: faxsim receive --listen sip:USER@HOST:PORT --out DIR [options]\n"
            "Answers one fax call (SIP over UDP and TCP; G.711, or T.38 when the caller switches or with --t38)\n"
            "and writes the pages to DIR/rx-TIME.tif.\n"
            "  --listen URI   where to answer: sip:USER@HOST:PORT (audiosocket://HOST:PORT works too)\n"
            "  --out DIR      folder for the received TIFF (created if missing)\n"
            "  --t38          switch the call to T.38 once answered (a re-INVITE)\n"
            "  --csi ID       our station identity, up to 20 characters (default faxsim)\n"
            "  --timeout S    give up if no call has ended within S seconds (default 600)\n"
            "Prints one line: the result, the pages, the far end's TSI and the file. Exit status 0 only for a\n"
            "fax received in full; 1 if the call came and failed or no call came; 2 for bad usage.\n");
}

typedef struct rx_opts {
    const char *listen, *out, *csi;
    bool t38;
    int timeout_s;
    time_t deadline;
    bool in_t38;               /* the call switched to T.38 */
} rx_opts;

static int parse(int argc, char **argv, rx_opts *o)
{
    static const struct option opts[] = {
        {"listen", required_argument, NULL, 'l'}, {"out", required_argument, NULL, 'o'},
        {"t38", no_argument, NULL, '8'},          {"csi", required_argument, NULL, 'c'},
        {"timeout", required_argument, NULL, 'T'}, {"help", no_argument, NULL, 'H'},
        {NULL, 0, NULL, 0},
    };
    char *end;
    int c;

    *o = (rx_opts){.csi = "faxsim", .timeout_s = 600};
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'l': o->listen = optarg; break;
        case 'o': o->out = optarg; break;
        case '8': o->t38 = true; break;
        case 'c': o->csi = optarg; break;
        case 'T':
            o->timeout_s = (int)strtol(optarg, &end, 10);
            if (*end || o->timeout_s < 1 || o->timeout_s > 86400) {
                fprintf(stderr, "faxsim receive: --timeout must be 1 to 86400 seconds, not '%s'\n", optarg);
                return 2;
            }
            break;
        case 'H': receive_usage(stdout); exit(0);
        default: receive_usage(stderr); return 2;
        }
    }
    if (!o->listen || !o->out || optind < argc) {
        fprintf(stderr, "faxsim receive: %s\n", optind < argc ? "unexpected argument" : "--listen and --out are required");
        receive_usage(stderr);
        return 2;
    }
    if (strlen(o->csi) > 20) {
        fprintf(stderr, "faxsim receive: --csi '%s' is longer than the 20 characters T.30 allows\n", o->csi);
        return 2;
    }
    return 0;
}

static bool past_deadline(void *user, fg_rx *rx)
{
    const rx_opts *o = user;

    if (time(NULL) < o->deadline)
        return false;
    fg_rx_line_lost(rx, "faxsim receive: --timeout reached");
    return true;
}

static void switched_t38(void *user, const fg_t38_params *p)
{
    (void)p;
    ((rx_opts *)user)->in_t38 = true;
}

/* Waits for one call until the deadline; NULL (having said why) if none came. */
static fg_line *wait_call(fg_listener *l, const rx_opts *o)
{
    struct pollfd p = {.fd = fg_listener_fd(l), .events = POLLIN};
    fg_line *ln = NULL;

    while (time(NULL) < o->deadline) {
        if (poll(&p, 1, 200) < 0)
            break;
        if (fg_line_accept(l, &ln) == FG_OK)
            return ln;
    }
    fprintf(stderr, "faxsim receive: no call on %s within %d s\n", fg_listener_uri(l), o->timeout_s);
    return NULL;
}

/* Answers the call and runs T.30 to its end; the call records what happened. */
static fg_err answer(fg_line *ln, rx_opts *o, const char *tiff, fg_call *call)
{
    int16_t first[8000];
    int n = 0;
    fg_rx_opts ro = {.csi = o->csi, .ecm = true, .tiff_path = tiff, .max_seconds = o->timeout_s};
    fg_rx *rx = NULL;
    fg_err e = fg_line_recv(ln, first, 8000, &n, 30000);

    if (e == FG_ERR_STATE || e == FG_ERR_TIMEOUT) {   /* in T.38 from the INVITE, or silent so far */
        e = FG_OK;
        n = 0;
    }
    fg_call_set_line(call, fg_line_uri(ln), fg_line_uuid(ln), fg_line_caller_id(ln));
    if (e || (e = fg_rx_new(&ro, call, &rx)))
        return e;
    fg_rx_drive_line(rx, &(fg_rx_drive){.ln = ln, .first = first, .first_n = n, .must_end = past_deadline,
                                        .on_t38 = switched_t38, .user = o});
    e = fg_rx_finish(rx);
    fg_rx_free(rx);
    return e;
}

int fg_sim_receive_main(int argc, char **argv)
{
    fg_config *cfg = NULL;
    fg_listener *l = NULL;
    fg_line *ln = NULL;
    fg_call *call = NULL;
    char tiff[1200];
    struct stat sb;
    rx_opts o;
    fg_err e;
    int rc = parse(argc, argv, &o);

    if (rc)
        return rc;
    if (mkdir(o.out, 0755) && (stat(o.out, &sb) || !S_ISDIR(sb.st_mode))) {
        fprintf(stderr, "faxsim receive: cannot create the folder %s\n", o.out);
        return 2;
    }
    o.deadline = time(NULL) + o.timeout_s;
    snprintf(tiff, sizeof tiff, "%s/rx-%ld.tif", o.out, (long)time(NULL));
    /* the embedded defaults ([sip] peers: loopback); with --t38 the line re-INVITEs to T.38 as soon as
       the call is answered, as faxgated does with [sip] t38 = reinvite */
    if ((e = fg_config_new(&cfg)) || (e = fg_config_set(cfg, "sip", "t38", o.t38 ? "reinvite" : "accept")) ||
        (e = fg_line_listen_cfg(o.listen, cfg, &l))) {
        fprintf(stderr, "faxsim receive: %s\n", fg_err_msg(e));
        fg_config_free(cfg);
        return 2;
    }
    printf("listening on %s\n", fg_listener_uri(l));
    fflush(stdout);
    rc = 1;
    if (!(ln = wait_call(l, &o)))
        goto out;
    if ((e = fg_call_new(&call)) || (e = answer(ln, &o, tiff, call))) {
        fprintf(stderr, "faxsim receive: %s\n", fg_err_msg(e));
        if (!call)
            goto out;
    }
    fg_line_hangup(ln);
    printf("%s: %d page%s from TSI '%s' over %s; %s; file %s\n",
           fg_call_get_state(call) == FG_CALL_RECEIVED ? "received" : "not received", fg_call_pages(call),
           fg_call_pages(call) == 1 ? "" : "s", fg_call_tsi(call) ? fg_call_tsi(call) : "", o.in_t38 ? "T.38" : "G.711",
           fg_call_result(call), fg_call_pages(call) ? tiff : "none");
    rc = fg_call_get_state(call) == FG_CALL_RECEIVED && fg_call_pages(call) > 0 ? 0 : 1;
out:
    fg_call_free(call);
    fg_line_free(ln);
    fg_listener_free(l);
    fg_config_free(cfg);
    return rc;
}
