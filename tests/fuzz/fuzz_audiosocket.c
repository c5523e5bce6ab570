/* faxgate — libFuzzer target: AudioSocket framing (fg_as_parse) on hostile byte streams.
 *
 * The input is consumed as a socket would deliver it: message after message until the parser
 * wants more bytes or refuses one. Every accepted message must lie inside the input, obey the
 * caps the driver relies on, and re-encode to the very bytes it was parsed from.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "faxgate/line.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t out[FG_AS_HEADER + FG_AS_MAX_PAYLOAD];
    size_t off = 0;

    while (off < size) {
        fg_as_frame f;
        size_t used = 0;
        fg_err e = fg_as_parse(data + off, size - off, &f, &used);

        if (e == FG_ERR_STATE || e == FG_ERR_FORMAT)
            break;
        if (e != FG_OK || used < FG_AS_HEADER || used > size - off || f.payload != data + off + FG_AS_HEADER ||
            used != (size_t)FG_AS_HEADER + f.len)
            abort();
        if (f.kind == FG_AS_AUDIO && (f.len % 2 || f.len / 2 > FG_AS_MAX_AUDIO_SAMPLES))
            abort();
        if (f.kind == FG_AS_UUID && f.len != 16)
            abort();
        if (fg_as_encode(f.kind, f.payload, f.len, out, sizeof out) != used || memcmp(out, data + off, used))
            abort();
        off += used;
    }
    return 0;
}
