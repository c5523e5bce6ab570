/* libFuzzer target: reading a received or uploaded TIFF (hostile fax images). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "faxgate/page.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[] = "/tmp/fuzz-tiff-XXXXXX";
    fg_page *p = NULL;
    int fd = mkstemp(path), n = 0;

    if (fd < 0)
        return 0;
    if (write(fd, data, size) == (ssize_t)size && fg_page_tiff_count(path, &n) == FG_OK) {
        for (int i = 0; i < n && i < 4; i++) {
            if (fg_page_read_tiff(path, i, &p) == FG_OK) {
                char hex[65];

                fg_page_sha256(p, hex);
                fg_page_ink(p);
                fg_page_free(p);
            }
        }
    }
    close(fd);
    unlink(path);
    return 0;
}
