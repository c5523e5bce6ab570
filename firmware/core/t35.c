/* faxgate — T.35 codes in NSF/NSS frames: which country and vendor made the far machine. */
#include <string.h>
#include <spandsp.h>

#include "faxgate/t30.h"

#define T35_PAD 16   /* SpanDSP's vendor match may read a byte past the frame: pad it */

const char *fg_t35_vendor(const uint8_t *nsf, size_t len, const char **country, const char **model)
{
    uint8_t buf[256 + T35_PAD];
    const char *c = NULL, *v = NULL, *m = NULL;

    if (nsf && len >= 2) {
        /* NSF frames fit in one HDLC frame; longer input is hostile and its tail irrelevant */
        if (len > 256)
            len = 256;
        memset(buf, 0, sizeof buf);
        memcpy(buf, nsf, len);
        t35_decode(buf, (int)len, &c, &v, &m);
    }
    if (country)
        *country = c;
    if (model)
        *model = m;
    return v;
}
