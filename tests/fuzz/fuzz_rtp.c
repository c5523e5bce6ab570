/* libFuzzer target: RTP packets from the far end, cut by their first two bytes, through the
   parser and the playout buffer (reordering, gaps, SSRC changes, timestamp jumps). */
#include <stdint.h>
#include <string.h>

#include "rtp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static fg_rtp_rx rx;
    int16_t pcm[2000];
    size_t at = 0;

    fg_rtp_rx_init(&rx, size ? data[0] & 0x7f : 0, size > 1 && (data[1] & 1));
    at = size > 2 ? 2 : size;
    while (at + 2 <= size) {
        size_t n = (size_t)(data[at] << 8 | data[at + 1]) % (FG_RTP_MAX_PACKET + 1);
        fg_rtp_hdr h;

        at += 2;
        if (n > size - at)
            n = size - at;
        if (fg_rtp_parse(data + at, n, &h) == FG_OK)
            fg_rtp_rx_put(&rx, &h);
        fg_rtp_rx_get(&rx, pcm, (int)(sizeof pcm / sizeof pcm[0]), (n & 1) != 0);
        at += n;
    }
    return 0;
}
