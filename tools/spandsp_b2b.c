/* spandsp_b2b — SpanDSP alone, one fax call back to back in memory: a sender and a receiver of
 * SpanDSP's own fax_state over G.711-rate audio, no faxgate code. It tells a platform fault (a
 * library build or an emulator whose modem fails) from a fault of faxgate's: tests/board.sh runs
 * it for each modem before the board's own tests.
 *
 * usage: spandsp_b2b v17|v29|v27ter ecm|noecm PAGE.tif RECEIVED.tif
 * Exits 0 when both ends report the call completed, 1 when not, 2 on bad arguments.
 */
#include <stdio.h>
#include <string.h>
#include <spandsp.h>

static int done[2], result[2];

static void phase_e(t30_state_t *s, void *user_data, int code)
{
    int side = *(int *)user_data;

    (void)s;
    done[side] = 1;
    result[side] = code;
}

int main(int argc, char **argv)
{
    static int side[2] = {0, 1};
    int modem, ecm;
    fax_state_t *tx, *rx;
    int16_t a[160], b[160];

    if (argc != 5 || (strcmp(argv[2], "ecm") && strcmp(argv[2], "noecm"))) {
        fprintf(stderr, "usage: spandsp_b2b v17|v29|v27ter ecm|noecm PAGE.tif RECEIVED.tif\n");
        return 2;
    }
    if (!strcmp(argv[1], "v17"))
        modem = T30_SUPPORT_V17;
    else if (!strcmp(argv[1], "v29"))
        modem = T30_SUPPORT_V29;
    else if (!strcmp(argv[1], "v27ter"))
        modem = T30_SUPPORT_V27TER;
    else {
        fprintf(stderr, "spandsp_b2b: unknown modem '%s' (v17, v29 or v27ter)\n", argv[1]);
        return 2;
    }
    ecm = !strcmp(argv[2], "ecm");
    if (!(tx = fax_init(NULL, true)) || !(rx = fax_init(NULL, false))) {
        fprintf(stderr, "spandsp_b2b: SpanDSP cannot start a fax session\n");
        return 1;
    }
    t30_set_tx_file(fax_get_t30_state(tx), argv[3], -1, -1);
    t30_set_rx_file(fax_get_t30_state(rx), argv[4], -1);
    for (int i = 0; i < 2; i++) {
        t30_state_t *t = fax_get_t30_state(i ? rx : tx);

        t30_set_supported_modems(t, modem);
        t30_set_ecm_capability(t, ecm);
        t30_set_phase_e_handler(t, phase_e, &side[i]);
    }
    /* five minutes of audio at most, 20 ms at a time, each end hearing the other */
    for (int n = 0; n < 8000 * 300 / 160 && !(done[0] && done[1]); n++) {
        int la = fax_tx(tx, a, 160), lb = fax_tx(rx, b, 160);

        memset(a + la, 0, (size_t)(160 - la) * sizeof a[0]);
        memset(b + lb, 0, (size_t)(160 - lb) * sizeof b[0]);
        fax_rx(rx, a, 160);
        fax_rx(tx, b, 160);
    }
    printf("SpanDSP alone, %s %s: sender %s, receiver %s\n", argv[1], ecm ? "ECM" : "no ECM",
           done[0] ? t30_completion_code_to_str(result[0]) : "did not finish",
           done[1] ? t30_completion_code_to_str(result[1]) : "did not finish");
    fax_free(tx);
    fax_free(rx);
    return done[0] && done[1] && result[0] == T30_ERR_OK && result[1] == T30_ERR_OK ? 0 : 1;
}
