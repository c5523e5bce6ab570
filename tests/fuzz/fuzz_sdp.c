/* libFuzzer target: SDP from the far end (parse, choose G.711 or T.38, write our answer). */
#include <stdint.h>
#include <string.h>

#include "sdp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fg_sdp s;
    fg_sdp_choice c;
    char out[4096];

    if (fg_sdp_parse((const char *)data, size, &s) != FG_OK)
        return 0;
    for (int prefer = 0; prefer < 2; prefer++)
        if (fg_sdp_choose(&s, prefer, &c) == FG_OK)
            fg_sdp_write_answer(&s, &c, "192.0.2.1", 40000, 1, 1, out, sizeof out);
    return 0;
}
