/* faxgate — libFuzzer target: a request to the web admin, as its bytes arrive, read the way
 * faxgated reads it (host/common/webreq.c, and the store for the session and the call list).
 *
 * The input is an HTTP/1.1 request. The harness splits it as libmicrohttpd does (request line,
 * path %-decoded, the query decoded as a form, the Host, Origin, Accept and Cookie headers, the
 * fg_session cookie, the body), then:
 *   the route of the path (and a route names exactly the one canonical path it was read from);
 *   the Host check (DNS rebinding) and the POST's Origin check, for http and https;
 *   the session cookie's shape, its hash and the session looked up in an in-memory store that
 *   holds one session (token "0123…cdef" repeated), and the form's CSRF token compared with it;
 *   on /calls and /quarantine, the list's filters and paging read from the query, and that
 *   page asked of the store;
 *   a bulk action's ids, a report's file name from ?name=, a log line of the path.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "faxgate/store.h"
#include "webauth.h"
#include "webreq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PORT 8080
#define TOKEN "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define CSRF "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

static fg_store *store(void)
{
    static fg_store *st;
    static bool tried;
    char sid[FG_TOKEN_HEX];

    if (!tried) {
        tried = true;
        if (fg_webauth_init() || fg_store_open(":memory:", &st) || fg_store_user_add(st, "admin", "admin", "x"))
            abort();
        fg_token_hash(TOKEN, sid);
        if (fg_store_session_add(st, sid, 1, CSRF, 3600, "127.0.0.1"))
            abort();
    }
    return st;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* libmicrohttpd's unescaping of the path: %XX where well formed, the rest as is */
static void unescape_path(char *s)
{
    char *o = s;

    for (; *s; s++) {
        if (*s == '%' && hexval(s[1]) >= 0 && hexval(s[2]) >= 0) {
            *o++ = (char)(hexval(s[1]) << 4 | hexval(s[2]));
            s += 2;
        } else {
            *o++ = *s;
        }
    }
    *o = '\0';
}

/* the value of header name in the head (lines after the first), cut at the line's end */
static const char *header(char *head, const char *name, char *out, size_t cap)
{
    size_t n = strlen(name);

    for (char *l = strchr(head, '\n'); l; l = strchr(l, '\n')) {
        l++;
        if (!strncasecmp(l, name, n) && l[n] == ':') {
            const char *v = l + n + 1 + strspn(l + n + 1, " \t");
            size_t len = strcspn(v, "\r\n");

            snprintf(out, cap, "%.*s", (int)len, v);
            return out;
        }
    }
    return NULL;
}

/* the fg_session cookie among "a=b; c=d" */
static const char *cookie(const char *hdr, char *out, size_t cap)
{
    for (const char *p = hdr; p && *p;) {
        p += strspn(p, " ;");
        if (!strncmp(p, "fg_session=", 11)) {
            p += 11;
            snprintf(out, cap, "%.*s", (int)strcspn(p, ";"), p);
            return out;
        }
        p = strchr(p, ';');
    }
    return NULL;
}

static const char *query_arg(void *user, const char *name)
{
    return fg_form_get(user, name);
}

static fg_web_route_id check_route(const char *path, bool post)
{
    fg_web_route rt, again;
    fg_web_route_id id = fg_web_route_of(path, post, &rt);
    char canon[128];

    if (id != rt.id || id > FG_WEB_JUNK)
        abort();
    if (id >= FG_WEB_CALL) {
        if (rt.call < 1 || rt.call > (1LL << 53))
            abort();
        switch (id) {
        case FG_WEB_CALL: snprintf(canon, sizeof canon, "/calls/%lld", (long long)rt.call); break;
        case FG_WEB_CALL_REPORT: snprintf(canon, sizeof canon, "/calls/%lld/report.pdf", (long long)rt.call); break;
        case FG_WEB_THUMB: snprintf(canon, sizeof canon, "/calls/%lld/thumb.png", (long long)rt.call); break;
        case FG_WEB_PAGE_PNG:
            if (rt.page < 1 || rt.page > 9999)
                abort();
            snprintf(canon, sizeof canon, "/calls/%lld/page/%d.png", (long long)rt.call, rt.page);
            break;
        case FG_WEB_RELEASE: snprintf(canon, sizeof canon, "/calls/%lld/release", (long long)rt.call); break;
        default: snprintf(canon, sizeof canon, "/calls/%lld/junk", (long long)rt.call); break;
        }
        if (strcmp(canon, path) || fg_web_route_of(canon, post, &again) != id || again.call != rt.call ||
            again.page != rt.page)
            abort();
    } else if (rt.call || rt.page) {
        abort();
    }
    if ((id == FG_WEB_RELEASE || id == FG_WEB_JUNK || id == FG_WEB_BULK_ACTION || id == FG_WEB_LOGOUT ||
         id == FG_WEB_USER_CHANGE || id == FG_WEB_STATUS_VERIFY || id == FG_WEB_LIST_BLOCK ||
         id == FG_WEB_LIST_CONSENT) != (post && id != FG_WEB_NOT_FOUND && id != FG_WEB_LOGIN && id != FG_WEB_ACCOUNT))
        abort();   /* what changes something is reached by POST only, and every POST route changes something */
    return id;
}

static void check_origin(const char *origin, const char *host)
{
    for (int tls = 0; tls < 2; tls++) {
        const char *scheme = tls ? "https://" : "http://";

        if (fg_web_same_origin(origin, host, tls) && origin &&
            (!host || strncmp(origin, scheme, strlen(scheme)) || strcasecmp(origin + strlen(scheme), host)))
            abort();
    }
    for (int remote = 0; remote < 2; remote++)
        if (fg_web_host_ok(host, PORT, remote) && !remote && strcasecmp(host, "127.0.0.1:8080") &&
            strcasecmp(host, "localhost:8080") && strcasecmp(host, "[::1]:8080"))
            abort();
}

static void check_list(fg_form *q, bool quarantine)
{
    fg_calls_filter f;
    const char *why = fg_web_calls_filter(query_arg, q, quarantine, 51, &f);
    char *json = NULL;

    if (why)
        return;
    if (f.limit != 51 || f.campaign < 0 || f.before < 0 || f.campaign > (1LL << 53) || f.before > (1LL << 53))
        abort();
    if (f.verdict && strcmp(f.verdict, "deliver") && strcmp(f.verdict, "hold") && strcmp(f.verdict, "drop"))
        abort();
    if ((f.from && !fg_web_date_ok(f.from)) || (f.to && !fg_web_date_ok(f.to)))
        abort();
    if (fg_store_calls_page_json(store(), &f, &json) == FG_OK && (!json || json[0] != '['))
        abort();
    free(json);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *req, *body, *sp, *target, *path, *qs, val[3][512], ck[128], tag[48], line[200];
    const char *host, *origin, *tok;
    fg_form q = {0}, form = {0};
    fg_web_route_id route;
    bool post;

    if (size > 65536 || !(req = malloc(size + 1)))
        return 0;
    memcpy(req, data, size);
    req[size] = '\0';   /* libmicrohttpd refuses a NUL in the head; a body's NUL ends the form here */
    if ((body = strstr(req, "\r\n\r\n")))
        *body = '\0', body += 4;
    post = !strncmp(req, "POST ", 5);
    if (!(sp = strchr(req, ' '))) {
        free(req);
        return 0;
    }
    target = sp + 1;
    path = strndup(target, strcspn(target, " \r\n"));
    if (!path) {
        free(req);
        return 0;
    }
    if ((qs = strchr(path, '?')))
        *qs++ = '\0';
    unescape_path(path);
    route = check_route(path, post);
    fg_web_loggable(path, line, sizeof line);
    for (const char *p = line; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            abort();

    host = header(req, "Host", val[0], sizeof val[0]);
    origin = header(req, "Origin", val[1], sizeof val[1]);
    check_origin(origin, host);

    /* the session: only our shape of token reaches the store, and only ours is found there */
    tok = header(req, "Cookie", val[2], sizeof val[2]) ? cookie(val[2], ck, sizeof ck) : NULL;
    if (fg_web_token_shape(tok)) {
        char sid[FG_TOKEN_HEX];
        fg_web_user u;
        fg_err e;

        fg_token_hash(tok, sid);
        e = fg_store_session_get(store(), sid, &u);
        if ((e == FG_OK) != !strcmp(tok, TOKEN) || (e != FG_OK && e != FG_ERR_NOTFOUND))
            abort();
    } else if (tok && strlen(tok) == 64 && strspn(tok, "0123456789abcdef") == 64) {
        abort();
    }

    if (fg_form_parse(qs ? qs : "", qs ? strlen(qs) : 0, &q) == FG_OK) {
        fg_web_file_name(fg_form_get(&q, "name"), tag, sizeof tag);
        if (!tag[0] || strlen(tag) > 40 || strspn(tag, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(tag) ||
            tag[0] == '-' || tag[strlen(tag) - 1] == '-')
            abort();
        /* the filters are read (and the store asked) for the lists only, as faxgated does */
        if (route == FG_WEB_CALLS || route == FG_WEB_QUARANTINE)
            check_list(&q, route == FG_WEB_QUARANTINE);
    }
    if (post && body && fg_form_parse(body, strlen(body), &form) == FG_OK) {
        for (int i = 0; i < form.n; i++) {
            int64_t id;

            if (!strcmp(form.key[i], "id") && fg_web_call_id(form.val[i], &id) != (id > 0 && id <= (1LL << 53)))
                abort();
        }
        const char *csrf = fg_form_get(&form, "csrf");

        if (fg_token_equal(CSRF, csrf) != (csrf && !strcmp(csrf, CSRF)))
            abort();
    }
    fg_form_free(&form);
    fg_form_free(&q);
    free(path);
    free(req);
    return 0;
}
