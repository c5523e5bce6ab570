/* faxgate — line drivers, private: the common head of every line and listener.
 *
 * line.c dispatches the public fg_line_* calls through these method tables so that a
 * second driver (SIP/RTP) can sit beside AudioSocket without the callers noticing, as
 * SQLite's sqlite3_io_methods does for files. A driver's own struct starts with the head.
 */
#ifndef FAXGATE_LINE_IMPL_H
#define FAXGATE_LINE_IMPL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#include "faxgate/line.h"

#define FG_LINE_URI_LEN 128
#define FG_LINE_ID_LEN 40      /* UUID text (36) and caller ID, as fg_call keeps them */

typedef struct fg_line_ops {
    fg_err (*recv)(fg_line *ln, int16_t *buf, int max, int *n, int timeout_ms);
    fg_err (*send)(fg_line *ln, const int16_t *buf, int n);
    void (*hangup)(fg_line *ln);
    void (*destroy)(fg_line *ln);   /* closes without hanging up politely; frees */
    /* T.38: NULL on drivers that carry audio only */
    fg_line_mode (*mode)(const fg_line *ln);
    fg_err (*t38_params)(const fg_line *ln, fg_t38_params *p);
    fg_err (*request_t38)(fg_line *ln);
    fg_err (*t38_recv)(fg_line *ln, uint8_t *buf, size_t cap, size_t *len, uint16_t *seq, int timeout_ms);
    fg_err (*t38_send)(fg_line *ln, const uint8_t *ifp, size_t len, int count);
} fg_line_ops;

struct fg_line {
    const fg_line_ops *ops;
    char uri[FG_LINE_URI_LEN];
    char uuid[FG_LINE_ID_LEN];
    char caller_id[FG_LINE_ID_LEN];
    char called[FG_LINE_ID_LEN];   /* the number dialled (SIP Request-URI user, AudioSocket "called="), or "" */
    const fg_line_tap *tap;        /* test impairments on media datagrams, NULL normally */
    bool recv_gap;                 /* the last block recv gave stands for audio lost on the way */
    /* a place the screen holds for this call until it is accepted (fg_line_take_claim) or the
       line is freed first (fg_line_unclaim) */
    atomic_bool claimed;
    fg_line_unclaim_fn unclaim;
    void *unclaim_user;
};

typedef struct fg_listener_ops {
    fg_err (*accept)(fg_listener *l, fg_line **out);
    int (*fd)(const fg_listener *l);
    void (*destroy)(fg_listener *l);
    void (*drain)(fg_listener *l);   /* NULL: new calls are still accepted (and refused by the caller) */
    void (*set_screen)(fg_listener *l, fg_line_screen_fn fn, fg_line_unclaim_fn unclaim, void *user);
                                        /* NULL: no refusal before answer */
} fg_listener_ops;

struct fg_listener {
    const fg_listener_ops *ops;
    char uri[FG_LINE_URI_LEN];
};

/** Marks ln as holding the place its screen took for it, given back by unclaim(user) unless
    accepted first (a driver's screen, after FG_SCREEN_TAKE). */
void fg_line_claim(fg_line *ln, fg_line_unclaim_fn unclaim, void *user);

/** A driver freeing ln: gives its place back if it still holds one (never accepted). */
void fg_line_unclaim(fg_line *ln);

/** Splits "HOST:PORT", "[V6]:PORT" or "*:PORT" into host ("" = any address) and port text. */
fg_err fg_line_split_hostport(const char *hp, char *host, size_t hcap, char *port, size_t pcap);

/** A socket address as "SCHEME://A:P" (brackets for IPv6). */
void fg_line_sockaddr_uri(const char *scheme, const struct sockaddr_storage *ss, char *out, size_t cap);

/** Milliseconds on the monotonic clock since t0. */
long fg_line_ms_since(const struct timespec *t0);

/** Waits up to ms for events on fd, retrying after signals: 1 ready, 0 timed out, -1 error. */
int fg_line_wait_fd(int fd, short events, int ms);

#endif
