/* libFuzzer target: UDPTL datagrams (T.38 over UDP) from the far end, each byte string cut into
   datagrams by its first bytes, decoded and handed on in order through the redundancy logic. */
#include <stdint.h>
#include <string.h>

#include "udptl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fg_udptl_rx rx;
    uint8_t ifp[FG_UDPTL_MAX_IFP], out[FG_UDPTL_MAX_DATAGRAM];
    fg_udptl_tx tx = {.redundancy = true};
    size_t at = 0, len;
    uint16_t seq;

    memset(&rx, 0, sizeof rx);
    while (at + 2 <= size) {
        size_t n = (size_t)(data[at] << 8 | data[at + 1]) % (FG_UDPTL_MAX_DATAGRAM + 1);
        fg_udptl_pkt p;

        at += 2;
        if (n > size - at)
            n = size - at;
        if (fg_udptl_decode(data + at, n, &p) == FG_OK) {
            fg_udptl_rx_put(&rx, &p);
            /* what we would send back, with the far end's smallest datagram */
            fg_udptl_encode(&tx, p.primary.data, p.primary.len, 72, out, sizeof out);
        }
        while (fg_udptl_rx_get(&rx, ifp, sizeof ifp, &len, &seq))
            ;
        at += n;
    }
    return 0;
}
