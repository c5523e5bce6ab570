/* faxgate — the web admin's reading of a request, apart from libmicrohttpd and the store: which
   route an address names, the Host and Origin checks, the session cookie's shape, the call list's
   filters and paging from the query, the ids of a bulk action, a download's file name. Pure
   functions: faxgated's web*.c call them, and tests/fuzz/fuzz_webreq.c throws any request at them. */
#ifndef FAXGATE_WEBREQ_H
#define FAXGATE_WEBREQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "faxgate/store.h"

typedef enum fg_web_route_id {
    FG_WEB_NOT_FOUND = 0,
    FG_WEB_STATIC_CSS,
    FG_WEB_LOGIN,          /* GET and POST */
    FG_WEB_LOGOUT,
    FG_WEB_ROOT,
    FG_WEB_CALLS,
    FG_WEB_QUARANTINE,
    FG_WEB_BULK_ACTION,    /* POST /quarantine */
    FG_WEB_LISTS,
    FG_WEB_VIOLATIONS,
    FG_WEB_OPTOUTS,
    FG_WEB_ADVERTISER_REPORT,
    FG_WEB_STATUS,
    FG_WEB_STATUS_VERIFY,
    FG_WEB_ACCOUNT,        /* GET and POST */
    FG_WEB_USERS,
    FG_WEB_USER_CHANGE,    /* POST /users */
    FG_WEB_LIST_BLOCK,
    FG_WEB_LIST_CONSENT,
    FG_WEB_CALL,           /* /calls/ID */
    FG_WEB_CALL_REPORT,    /* /calls/ID/report.pdf */
    FG_WEB_THUMB,          /* /calls/ID/thumb.png */
    FG_WEB_PAGE_PNG,       /* /calls/ID/page/N.png */
    FG_WEB_RELEASE,        /* POST /calls/ID/release */
    FG_WEB_JUNK,           /* POST /calls/ID/junk */
} fg_web_route_id;

typedef struct fg_web_route {
    fg_web_route_id id;
    int64_t call;          /* /calls/ID/…: 1 to 2^53 */
    int page;              /* /calls/ID/page/N.png: 1 to 9999 */
} fg_web_route;

/** The route url (the path, without the query) names for a GET/HEAD or a POST. */
fg_web_route_id fg_web_route_of(const char *url, bool post, fg_web_route *out);

/** On loopback (remote false), a Host a browser sends for this server: 127.0.0.1, localhost or
    [::1] with our port (anything else is DNS rebinding). */
bool fg_web_host_ok(const char *host, int port, bool remote);

/** A POST's Origin (NULL: none sent) is this site: "http[s]://" + Host. */
bool fg_web_same_origin(const char *origin, const char *host, bool tls);

/** A session cookie's value has our tokens' shape: 64 lower-case hex digits. */
bool fg_web_token_shape(const char *s);

/** YYYY-MM-DD (digits in place; the store compares it as text). */
bool fg_web_date_ok(const char *s);

/** A query's id: 0 if absent or empty, the number (at most 2^53), or -1 if it is not one. */
int64_t fg_web_id_arg(const char *s);

/** A query's arguments, as libmicrohttpd has them: arg(user, name) is a value or NULL. */
typedef const char *(*fg_web_arg_fn)(void *user, const char *name);

/** The call list's filters and paging (verdict, advertiser, campaign, from, to, before) into f,
    limit rows; quarantine: held calls only. NULL if all are good, else what to tell (400). The
    strings in f are the query's own. */
const char *fg_web_calls_filter(fg_web_arg_fn arg, void *user, bool quarantine, int limit, fg_calls_filter *f);

/** A bulk action's "id" value: a call id (1 to 2^53) into *id, or false. */
bool fg_web_call_id(const char *s, int64_t *id);

/** A stranger's text as part of a download's file name: lower-case ASCII letters and digits, the
    rest one '-', at most 40 bytes, "advertiser" if nothing is left. */
void fg_web_file_name(const char *in, char *out, size_t cap);

/** A copy of in for a log line: control characters (a line break could forge a log line) as '?',
    cut to cap; returns out. */
const char *fg_web_loggable(const char *in, char *out, size_t cap);

#endif
