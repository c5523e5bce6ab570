/* faxgate — libFuzzer target: fg_decode_wav on hostile recordings.
 *
 * libsndfile reads from a path, so each input goes into one in-memory file (memfd) reopened
 * through /proc/self/fd, as fuzz_pcap does. Whatever the bytes, the result must be a clean error
 * or a decode that respects the decoder's caps.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "faxgate/decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int fd = -1;
    static char path[64];
    fg_decode_result r;

    if (fd < 0) {
        if ((fd = memfd_create("fuzz_wav", 0)) < 0)
            abort();
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    if (ftruncate(fd, 0) != 0 || (size && pwrite(fd, data, size, 0) != (ssize_t)size))
        abort();
    if (fg_decode_wav(path, &r) != FG_OK)
        return 0;
    if (r.n_frames > FG_DECODE_MAX_FRAMES || r.n_pages > FG_PAGE_MAX_PAGES || r.seconds > FG_DECODE_MAX_SECONDS)
        abort();
    for (size_t k = 0; k < r.n_pages; k++)
        if (r.pages[k]->width <= 0 || r.pages[k]->height <= 0 || r.pages[k]->height > FG_PAGE_MAX_HEIGHT)
            abort();
    fg_decode_result_clear(&r);
    return 0;
}
