/* faxgated — the web admin's parts (web*.c), private to the daemon.
 *
 * web.c runs libmicrohttpd on its own small thread pool and hands each complete request to a
 * route; a route answers through web_reply* (every answer carries the security headers) and
 * writes HTML only through fg_html (host/common/html.h), which escapes every string it is given.
 * Changes go through firmware/core/operator.c, the functions faxgatectl calls, and each one is
 * written to the store's audit log.
 */
#ifndef FAXGATED_WEB_H
#define FAXGATED_WEB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gateway.h"
#include "html.h"
#include "webauth.h"
#include "webreq.h"

#define WEB_BODY_MAX (64 * 1024)   /* a posted form; larger ones are refused (413) */
#define WEB_PAGE_SIZE 50           /* calls per page of the call list */

typedef struct web web;

/* One request, from its first byte to its answer. */
typedef struct web_req {
    web *w;
    gateway *gw;
    struct MHD_Connection *conn;
    const char *method, *url;
    bool post;
    char *body;
    size_t len;
    bool too_big;
    fg_form form;             /* the posted form (POST only) */
    char addr[64];            /* the client's address */
    /* the session, when the request carries a live one */
    bool authed;
    fg_web_user user;         /* with the session's CSRF token in user.csrf */
    char sid_hash[FG_TOKEN_HEX];
    bool answered;            /* a reply was queued */
} web_req;

/* web.c */

/** Queues an answer with the security headers (CSP, nosniff, no framing, no referrer);
    takes body (malloc'd, freed here, may be NULL for an empty one). */
void web_reply(web_req *r, unsigned status, const char *type, char *body, size_t len);

/** Same, with an extra header (name NULL for none), e.g. Set-Cookie or Location. */
void web_reply_hdr(web_req *r, unsigned status, const char *type, char *body, size_t len, const char *name,
                   const char *value);

/** Same, the body read from fd (size bytes, from its start), which is closed once sent or if it
    cannot be: a large download never sits in memory. */
void web_reply_fd(web_req *r, unsigned status, const char *type, int fd, uint64_t size, const char *name,
                  const char *value);

/** A 303 to path (a path of this site, built by the program). */
void web_redirect(web_req *r, const char *path);

/** A 303 to path that also sets a cookie (login, logout); "; Secure" is added under https. */
void web_redirect_cookie(web_req *r, const char *path, const char *cookie);

/** A short page saying what went wrong (status 4xx/5xx); msg is escaped. */
void web_error(web_req *r, unsigned status, const char *msg);

/** A query-string argument of a GET, or NULL. */
const char *web_arg(web_req *r, const char *name);

/** A copy of in for a log line: control characters (a line break could forge a log line) as '?',
    cut to cap; returns out. */
const char *web_loggable(const char *in, char *out, size_t cap);

/** The session lifetime in seconds ([web] session_hours). */
int web_session_s(const web *w);

/** The failed-login limiter. */
fg_ratelimit *web_ratelimit(web *w);

/** True if the admin speaks https ([web] listen = https://…): cookies get Secure, origins are https. */
bool web_tls(const web *w);

/** The folder where page images are cached (SPOOL/.webcache). */
const char *web_cache_dir(const web *w);

/* web_auth.c — sessions, login, logout, roles, CSRF */

/** Reads the session cookie and fills r->authed and r->user. */
void web_session_load(web_req *r);

/** GET /login and POST /login. */
void web_login(web_req *r);

/** POST /logout. */
void web_logout(web_req *r);

/** True if the request may go on: a session with at least role, and on a POST a matching CSRF
    token in the form's "csrf" field. Otherwise answers it (redirect to /login, 401 or 403). */
bool web_require(web_req *r, const char *role);

/** Writes an audit row for a change made by r's user; logs (does not fail) if it cannot. */
void web_audit(web_req *r, const char *action, const char *target, const char *detail);

/* web_layout.c — the frame of every page */

/** Opens a page: doctype, head with the stylesheet, the navigation for r's user, the title. */
void web_page_begin(fg_html *h, web_req *r, const char *title);

/** Closes a page and sends it (200). */
void web_page_end(fg_html *h, web_req *r);

/** A hidden field with the session's CSRF token, for every form that changes something. */
void web_csrf_field(fg_html *h, web_req *r);

/** GET /static/style.css. */
void web_static_css(web_req *r);

/* web_marks.c — where the extracted items were found: boxes over page 1 and marks in its text */
void web_marks_legend(fg_html *h);
void web_page_marks(fg_html *h, json_t *identities, long long width, long long height);
void web_text_marks(fg_html *h, const char *text, json_t *identities);

/* web_calls.c — the call list and a call's page */

/** GET /calls (filters verdict, advertiser, campaign, from, to; keyset paging with before). */
void web_calls(web_req *r);

/** GET /calls/ID. */
void web_call(web_req *r, int64_t id);

/** GET /quarantine: the held calls with release and junk, one by one or in bulk. */
void web_quarantine(web_req *r);

/* web_image.c — page images as PNG, cached */

/** GET /calls/ID/thumb.png (thumb) or /calls/ID/page/N.png. */
void web_page_png(web_req *r, int64_t id, int page, bool thumb);

/* web_actions.c — what operators change */

/** POST /calls/ID/release or /calls/ID/junk (action "release" or "junk"). */
void web_call_action(web_req *r, int64_t id, const char *action);

/** POST /quarantine: the same on every checked call. */
void web_bulk_action(web_req *r);

/* web_lists.c — consent and block lists */

/** GET /lists. */
void web_lists(web_req *r);

/** POST /lists/block or /lists/consent (op add or remove in the form). */
void web_list_change(web_req *r, bool block);

/* web_violations.c — violations and opt-out requests */

/** GET /violations (?by=advertiser|campaign, ?profile= for the complaint links). */
void web_violations(web_req *r);

/** GET /optouts: the opt-out requests and their state. */
void web_optouts(web_req *r);

/** The request's ?profile=, or the site's first ([policy] profiles); buf holds it if needed. */
const char *web_profile_arg(web_req *r, char *buf, size_t cap);

/** True if profile is known; otherwise answers 400 with the list of known ones. */
bool web_profile_check(web_req *r, const char *profile);

/* web_report.c — complaint PDFs (host/common/report.h, as faxgatectl report) */

/** GET /calls/ID/report.pdf?profile=P. */
void web_call_report(web_req *r, int64_t id);

/** GET /advertisers/report.pdf?name=X&profile=P. */
void web_advertiser_report(web_req *r);

/* web_status.c — what faxgatectl status shows, and the evidence ledger */

/** GET /status: calls in progress, queues, printer, disk, the ledger's head and last verify. */
void web_status(web_req *r);

/** POST /status/verify (operators): verifies the ledger and every page file, back to /status. */
void web_status_verify(web_req *r);

/* web_users.c — accounts and the audit log (admins) */

/** GET /users: the accounts, a form for a new one, the audit log. */
void web_users(web_req *r);

/** POST /users (op add, role or remove). */
void web_user_change(web_req *r);

/** GET and POST /account: one's own password (the current one required); ends one's sessions. */
void web_account(web_req *r);

#endif
