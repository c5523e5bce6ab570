/* faxgate — libFuzzer target: fg_decode_pcap on hostile captures.
 *
 * The decoder takes a path (libpcap reads files), so each input goes into one in-memory file
 * (memfd) reopened through /proc/self/fd. Whatever the bytes, the result must be a clean error or
 * streams whose contents respect the decoder's caps.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "faxgate/decode.h"
#include "fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fg_decode_result *r = NULL;
    size_t n = 0;
    fg_err e = fg_decode_pcap(fuzz_file(data, size), &r, &n);

    if (e != FG_OK) {
        if (r || n)
            abort();   /* an error leaves nothing behind */
        return 0;
    }
    if (!r || n == 0 || n > FG_DECODE_MAX_STREAMS)
        abort();
    for (size_t i = 0; i < n; i++) {
        if (r[i].n_frames > FG_DECODE_MAX_FRAMES || r[i].n_pages > FG_PAGE_MAX_PAGES ||
            r[i].seconds > FG_DECODE_MAX_SECONDS)
            abort();
        for (size_t k = 0; k < r[i].n_frames; k++)
            if (r[i].frames[k].len < 3 || r[i].frames[k].len > (int)sizeof r[i].frames[k].raw)
                abort();
        for (size_t k = 0; k < r[i].n_pages; k++)
            if (r[i].pages[k]->width <= 0 || r[i].pages[k]->height <= 0 ||
                r[i].pages[k]->height > FG_PAGE_MAX_HEIGHT)
                abort();
        fg_decode_result_clear(&r[i]);
    }
    free(r);
    return 0;
}
