/* faxgate — for fuzz targets whose parser takes a path (libpcap, libsndfile): the input is
 * written into one in-memory file (memfd) per process and handed over as /proc/self/fd/N. */
#ifndef FAXGATE_FUZZ_FILE_H
#define FAXGATE_FUZZ_FILE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* The path of a file holding exactly data[0..size); aborts if it cannot be made. */
static inline const char *fuzz_file(const uint8_t *data, size_t size)
{
    static int fd = -1;
    static char path[64];

    if (fd < 0) {
        if ((fd = memfd_create("fuzz_input", 0)) < 0)
            abort();
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    if (ftruncate(fd, 0) != 0 || (size && pwrite(fd, data, size, 0) != (ssize_t)size))
        abort();
    return path;
}

#endif
