/* faxsim — command dispatch. */
#include <stdio.h>
#include <string.h>

#include "faxgate/faxgate.h"
#include "faxsim.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: faxsim send --line URI [--tsi ID] [--caller-id NUM] [--realtime] [--no-ecm]\n"
            "                   [--modems LIST] [--hangup-in-page N] [--timeout S] [--quiet] FILE.tif...\n"
            "       faxsim receive --listen sip:USER@HOST:PORT --out DIR [--t38] [--csi ID] [--timeout S]\n"
            "       faxsim render [--font NAME] [--size PT] [--res standard|fine] [--paper a4|letter]\n"
            "                   [--noise LEVEL] [--seed N] [--skew DEG] [--header TEXT] [--stripes] [--logo]\n"
            "                   [--title] [--align left|center|right] [--margin MM] [--top MM] [--no-wrap]\n"
            "                   [--threshold N] TEXT-FILE OUT.tif\n"
            "       faxsim --version\n"
            "Run 'faxsim send --help', 'faxsim receive --help' or 'faxsim render --help' for details.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "send"))
        return fg_sim_send_main(argc - 1, argv + 1);
    if (!strcmp(argv[1], "receive"))
        return fg_sim_receive_main(argc - 1, argv + 1);
    if (!strcmp(argv[1], "render"))
        return fg_sim_render_main(argc - 1, argv + 1);
    if (!strcmp(argv[1], "--version")) {
        printf("faxsim %s\n", FAXGATE_VERSION);
        return 0;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(stdout);
        return 0;
    }
    fprintf(stderr, "faxsim: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
