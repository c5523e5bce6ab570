/* faxgate — libFuzzer target: fg_decode_wav on hostile recordings.
 *
 * libsndfile reads from a path: each input is handed over as an in-memory file (fuzz_file.h). Whatever the bytes, the result must be a clean error
 * or a decode that respects the decoder's caps.
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
    fg_decode_result r;

    if (fg_decode_wav(fuzz_file(data, size), &r) != FG_OK)
        return 0;
    if (r.n_frames > FG_DECODE_MAX_FRAMES || r.n_pages > FG_PAGE_MAX_PAGES || r.seconds > FG_DECODE_MAX_SECONDS)
        abort();
    for (size_t k = 0; k < r.n_pages; k++)
        if (r.pages[k]->width <= 0 || r.pages[k]->height <= 0 || r.pages[k]->height > FG_PAGE_MAX_HEIGHT)
            abort();
    fg_decode_result_clear(&r);
    return 0;
}
