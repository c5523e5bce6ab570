/* faxgated — sd_notify(3) for Type=notify, without libsystemd.
 *
 * The protocol is one datagram of "KEY=VALUE" lines to the Unix socket named by $NOTIFY_SOCKET
 * (a path, or an abstract name after '@'). Writing it here costs twenty lines; linking libsystemd
 * would make every board carry systemd's library for them, and boards without systemd never set
 * the variable, so this does nothing there.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "gateway.h"

void notify_systemd(const char *state)
{
    const char *path = getenv("NOTIFY_SOCKET");
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    size_t n;
    int fd;

    if (!path || (path[0] != '/' && path[0] != '@') || (n = strlen(path)) >= sizeof sa.sun_path)
        return;
    memcpy(sa.sun_path, path, n);
    if (sa.sun_path[0] == '@')
        sa.sun_path[0] = '\0';   /* abstract namespace */
    if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
        return;
    /* best effort: systemd times the start out on its own if READY=1 never arrives */
    (void)sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa,
                 (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n));
    close(fd);
}
