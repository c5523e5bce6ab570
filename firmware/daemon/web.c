/* faxgated — the web admin's server: libmicrohttpd on loopback ([web] listen), its own pool of
 * two threads, and the routes.
 *
 * The socket is bound here, not by libmicrohttpd, so that a port already taken says so (and
 * which program to look for) instead of a bare start failure, and so that port 0 can be resolved
 * and logged. A request's body is collected up to WEB_BODY_MAX, then the whole request goes to
 * its route at once. Nothing here touches a call in progress: the routes read and write the
 * store, and a released fax reaches the printer through the delivery thread's queue.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <gnutls/gnutls.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "web.h"

#define WEB_THREADS 2
/* failed logins: 5 per user or per address within 15 minutes lock it for 15 minutes */
#define LOGIN_FAILS 5
#define LOGIN_WINDOW_S 900
#define LOGIN_LOCK_S 900
#define PEM_MAX (1 << 20)   /* a certificate chain or a key; anything larger is not one */

struct web {
    gateway *gw;
    struct MHD_Daemon *mhd;
    fg_ratelimit *rl;
    int session_s;
    char url[96];
    char cache[1100];
    bool remote;            /* [web] allow_remote */
    bool tls;               /* https:// with [web] cert and key */
    char *cert, *key;       /* their PEM text: libmicrohttpd keeps pointers to it while it runs */
    int port;
};

const char *web_loggable(const char *in, char *out, size_t cap)
{
    return fg_web_loggable(in, out, cap);
}

int web_session_s(const web *w)
{
    return w->session_s;
}

fg_ratelimit *web_ratelimit(web *w)
{
    return w->rl;
}

const char *web_cache_dir(const web *w)
{
    return w->cache;
}

bool web_tls(const web *w)
{
    return w->tls;
}

/* Sends resp with the security headers; hdrs: name, value, name, value…, NULL. */
static void send_resp(web_req *r, unsigned status, const char *type, struct MHD_Response *resp,
                      const char *const *hdrs)
{
    r->answered = true;
    /* no inline script, nothing from elsewhere, no framing: a page that shows a stranger's text
       runs nothing even if an escape were missed */
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; "
                            "base-uri 'none'; form-action 'self'");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    /* same-origin, not no-referrer: under no-referrer a browser sends "Origin: null" with the
       admin's own forms, and the origin check refuses every login and change (seen in headless
       Chromium, tests/e2e/web_browser.sh); nothing goes to another site either way */
    MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    if (type)
        MHD_add_response_header(resp, "Content-Type", type);
    for (; hdrs && hdrs[0]; hdrs += 2)
        MHD_add_response_header(resp, hdrs[0], hdrs[1]);
    MHD_queue_response(r->conn, status, resp);
    MHD_destroy_response(resp);
}

static void reply(web_req *r, unsigned status, const char *type, char *body, size_t len, const char *const *hdrs)
{
    struct MHD_Response *resp;

    if (r->answered) {   /* a route answers once; a second answer is a bug, not sent */
        free(body);
        return;
    }
    resp = MHD_create_response_from_buffer(body ? len : 0, body ? body : (void *)"",
                                           body ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    if (!resp) {
        free(body);
        return;
    }
    send_resp(r, status, type, resp, hdrs);
}

void web_reply_fd(web_req *r, unsigned status, const char *type, int fd, uint64_t size, const char *name,
                  const char *value)
{
    const char *hdrs[] = {name, value, NULL};
    struct MHD_Response *resp;

    if (r->answered || !(resp = MHD_create_response_from_fd64(size, fd))) {
        close(fd);
        return;
    }
    send_resp(r, status, type, resp, hdrs);   /* libmicrohttpd closes fd when it is sent */
}

void web_reply_hdr(web_req *r, unsigned status, const char *type, char *body, size_t len, const char *name,
                   const char *value)
{
    const char *hdrs[] = {name, value, NULL};

    reply(r, status, type, body, len, hdrs);
}

void web_reply(web_req *r, unsigned status, const char *type, char *body, size_t len)
{
    reply(r, status, type, body, len, NULL);
}

void web_redirect(web_req *r, const char *path)
{
    web_reply_hdr(r, 303, "text/plain; charset=utf-8", NULL, 0, "Location", path);
}

void web_redirect_cookie(web_req *r, const char *path, const char *cookie)
{
    char line[512];
    const char *hdrs[] = {"Location", path, "Set-Cookie", line, NULL};

    /* under https the browser is told never to send the session over plain http */
    snprintf(line, sizeof line, "%s%s", cookie, r->w->tls ? "; Secure" : "");
    reply(r, 303, "text/plain; charset=utf-8", NULL, 0, hdrs);
}

void web_error(web_req *r, unsigned status, const char *msg)
{
    fg_html h = {0};
    char *s;
    size_t n;

    fg_html_raw(&h, "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>faxgate</title>"
                    "<link rel=\"stylesheet\" href=\"/static/style.css\"></head><body><main><h1>");
    fg_html_int(&h, status);
    fg_html_raw(&h, "</h1><p class=\"error\">");
    fg_html_text(&h, msg);
    fg_html_raw(&h, "</p><p><a href=\"/calls\">Calls</a></p></main></body></html>\n");
    s = fg_html_take(&h, &n);
    web_reply(r, status, "text/html; charset=utf-8", s, n);
}

const char *web_arg(web_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

/* The route is read by fg_web_route_of (host/common/webreq.c, fuzzed by tests/fuzz/fuzz_webreq.c). */
static void route(web_req *r)
{
    fg_web_route rt;

    switch (fg_web_route_of(r->url, r->post, &rt)) {
    case FG_WEB_STATIC_CSS: return web_static_css(r);
    case FG_WEB_LOGIN: return web_login(r);
    case FG_WEB_LOGOUT: return web_logout(r);
    case FG_WEB_ROOT:
        if (web_require(r, "viewer"))
            web_redirect(r, "/calls");
        return;
    case FG_WEB_CALLS: return web_calls(r);
    case FG_WEB_QUARANTINE: return web_quarantine(r);
    case FG_WEB_BULK_ACTION: return web_bulk_action(r);
    case FG_WEB_LISTS: return web_lists(r);
    case FG_WEB_VIOLATIONS: return web_violations(r);
    case FG_WEB_OPTOUTS: return web_optouts(r);
    case FG_WEB_ADVERTISER_REPORT: return web_advertiser_report(r);
    case FG_WEB_STATUS: return web_status(r);
    case FG_WEB_STATUS_VERIFY: return web_status_verify(r);
    case FG_WEB_ACCOUNT: return web_account(r);
    case FG_WEB_USERS: return web_users(r);
    case FG_WEB_USER_CHANGE: return web_user_change(r);
    case FG_WEB_LIST_BLOCK: return web_list_change(r, true);
    case FG_WEB_LIST_CONSENT: return web_list_change(r, false);
    case FG_WEB_CALL: return web_call(r, rt.call);
    case FG_WEB_CALL_REPORT: return web_call_report(r, rt.call);
    case FG_WEB_THUMB: return web_page_png(r, rt.call, 1, true);
    case FG_WEB_PAGE_PNG: return web_page_png(r, rt.call, rt.page, false);
    case FG_WEB_RELEASE: return web_call_action(r, rt.call, "release");
    case FG_WEB_JUNK: return web_call_action(r, rt.call, "junk");
    case FG_WEB_NOT_FOUND: break;
    }
    /* an unknown address says nothing to whoever is not logged in */
    if (web_require(r, "viewer"))
        web_error(r, 404, "There is no such page.");
}

/* On loopback, the Host a browser sends names this machine: 127.0.0.1, [::1] or localhost with
   our port. Another name means a page elsewhere got its name resolved to 127.0.0.1 (DNS
   rebinding) and is talking to us through the user's browser: refused before any route. */
static bool host_ok(const web *w, const char *host)
{
    return fg_web_host_ok(host, w->port, w->remote);
}

static void client_addr(struct MHD_Connection *conn, char *out, size_t cap)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;

    snprintf(out, cap, "?");
    if (sa && sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)cap);
    else if (sa && sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, (socklen_t)cap);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *data, size_t *size, void **con_cls)
{
    web *w = cls;
    web_req *r = *con_cls;

    (void)version;
    if (!r) {   /* the headers arrived: set up the request, wait for its body */
        if (strcmp(method, "GET") && strcmp(method, "HEAD") && strcmp(method, "POST"))
            return MHD_NO;   /* closes the connection: nothing here takes PUT, DELETE… */
        if (!(r = calloc(1, sizeof *r)))
            return MHD_NO;
        r->w = w;
        r->gw = w->gw;
        r->conn = conn;
        r->method = method;
        r->url = url;
        r->post = !strcmp(method, "POST");
        client_addr(conn, r->addr, sizeof r->addr);
        *con_cls = r;
        return MHD_YES;
    }
    if (*size) {   /* more of the body */
        if (!r->too_big && r->len + *size <= WEB_BODY_MAX) {
            char *p = realloc(r->body, r->len + *size + 1);

            if (!p)
                return MHD_NO;
            memcpy(p + r->len, data, *size);
            r->body = p;
            r->len += *size;
        } else {
            r->too_big = true;
        }
        *size = 0;
        return MHD_YES;
    }
    if (r->answered)
        return MHD_YES;
    if (!host_ok(w, MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host"))) {
        static const char msg[] = "this server answers to 127.0.0.1, [::1] or localhost only\n";

        web_reply(r, 421, "text/plain; charset=utf-8", strdup(msg), sizeof msg - 1);
        return MHD_YES;
    }
    web_session_load(r);
    if (r->too_big) {
        web_error(r, 413, "The form is too large.");
    } else if (r->post && fg_form_parse(r->body ? r->body : "", r->len, &r->form)) {
        web_error(r, 400, "The form could not be read.");
    } else {
        route(r);
        if (!r->answered)
            web_error(r, 500, "The request was not answered; see faxgated's log.");
    }
    return MHD_YES;
}

static void on_done(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    web_req *r = *con_cls;

    (void)cls;
    (void)conn;
    (void)toe;
    if (!r)
        return;
    fg_form_free(&r->form);
    free(r->body);
    free(r);
    *con_cls = NULL;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    char line[512];

    (void)cls;
    vsnprintf(line, sizeof line, fmt, ap);
    line[strcspn(line, "\n")] = '\0';
    log_warn("web admin: %s", line);
}

/* Binds [web] listen; the error says what holds a taken port and what to do. */
static fg_err bind_listen(gateway *gw, int *fd_out, char *url, size_t cap, int *port_out)
{
    struct sockaddr_storage sa, got;
    socklen_t len, glen = sizeof got;
    const char *conf = fg_config_get(gw->cfg, "web", "listen");
    char host[INET6_ADDRSTRLEN] = "?";
    int fd, one = 1, port = 0;
    fg_err e;

    if ((e = fg_config_web_addr(gw->cfg, &sa, &len)))
        return e;
    if ((fd = socket(sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0)
        return fg_err_set(FG_ERR_IO, "[web] listen = %s: cannot create a socket: %s", conf, strerror(errno));
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&sa, len) || listen(fd, 32)) {
        int err = errno;

        close(fd);
        if (err == EADDRINUSE)
            return fg_err_set(FG_ERR_EXISTS, "[web] listen = %s: the port is taken by another program (see `ss -ltnp`"
                              "): stop it, or choose another port in [web] listen", conf);
        return fg_err_set(FG_ERR_IO, "[web] listen = %s: cannot listen there: %s", conf, strerror(err));
    }
    if (getsockname(fd, (struct sockaddr *)&got, &glen) == 0) {
        if (got.ss_family == AF_INET) {
            inet_ntop(AF_INET, &((struct sockaddr_in *)&got)->sin_addr, host, sizeof host);
            port = ntohs(((struct sockaddr_in *)&got)->sin_port);
            snprintf(url, cap, "%s://%s:%d", fg_config_web_tls(gw->cfg) ? "https" : "http", host, port);
        } else {
            inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&got)->sin6_addr, host, sizeof host);
            port = ntohs(((struct sockaddr_in6 *)&got)->sin6_port);
            snprintf(url, cap, "%s://[%s]:%d", fg_config_web_tls(gw->cfg) ? "https" : "http", host, port);
        }
    }
    *fd_out = fd;
    *port_out = port;
    return FG_OK;
}

/* A PEM file's text, NUL-terminated; what names it is said in the error. */
static fg_err read_pem(const char *key, const char *path, char **out)
{
    FILE *f;
    char *buf;
    size_t n;

    *out = NULL;
    if (!*path)
        return fg_err_set(FG_ERR_CONFIG, "[web] listen is https:// but [web] %s is empty: give the PEM file of the "
                          "%s (e.g. made by openssl req -x509), or listen on http://", key,
                          strcmp(key, "cert") ? "private key" : "certificate");
    if (!(f = fopen(path, "r")))
        return fg_err_set(FG_ERR_CONFIG, "[web] %s = %s: cannot read it: %s", key, path, strerror(errno));
    if (!(buf = malloc(PEM_MAX + 1))) {
        fclose(f);
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate [web] %s", key);
    }
    n = fread(buf, 1, PEM_MAX + 1, f);
    if (ferror(f) || n == 0 || n > PEM_MAX) {
        int err = ferror(f) ? errno : 0;

        fclose(f);
        free(buf);
        return fg_err_set(FG_ERR_CONFIG, "[web] %s = %s: %s", key, path,
                          err ? strerror(err) : n ? "larger than a PEM file should be (over 1 MiB)" : "the file is empty");
    }
    fclose(f);
    buf[n] = '\0';
    *out = buf;
    return FG_OK;
}

/* Reads [web] cert and key and checks them with GnuTLS, the library libmicrohttpd uses, so that a
   wrong file is named here instead of the server failing to start with no reason given. */
static fg_err load_tls(web *w, const fg_config *cfg)
{
    const char *cert = fg_config_get(cfg, "web", "cert"), *key = fg_config_get(cfg, "web", "key");
    gnutls_certificate_credentials_t cred;
    gnutls_datum_t c, k;
    fg_err e;
    int rc;

    if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
        return fg_err_set(FG_ERR_CONFIG, "[web] listen is https:// but this libmicrohttpd was built without TLS "
                          "(MHD_FEATURE_TLS): install one built with GnuTLS (Debian's is), or listen on http:// on "
                          "loopback behind a TLS proxy");
    if ((e = read_pem("cert", cert, &w->cert)) || (e = read_pem("key", key, &w->key)))
        return e;
    if (gnutls_certificate_allocate_credentials(&cred) != GNUTLS_E_SUCCESS)
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate TLS credentials");
    c = (gnutls_datum_t){(unsigned char *)w->cert, (unsigned)strlen(w->cert)};
    k = (gnutls_datum_t){(unsigned char *)w->key, (unsigned)strlen(w->key)};
    rc = gnutls_certificate_set_x509_key_mem(cred, &c, &k, GNUTLS_X509_FMT_PEM);
    gnutls_certificate_free_credentials(cred);
    if (rc == GNUTLS_E_CERTIFICATE_KEY_MISMATCH)
        return fg_err_set(FG_ERR_CONFIG, "[web] key = %s is not the private key of the certificate [web] cert = %s: "
                          "give the key the certificate was made with", key, cert);
    if (rc < 0)
        return fg_err_set(FG_ERR_CONFIG, "[web] cert = %s and key = %s: not a PEM certificate and its private key "
                          "(%s)", cert, key, gnutls_strerror(rc));
    return FG_OK;
}

fg_err web_start(gateway *gw, web **out)
{
    struct MHD_OptionItem tls_opts[3] = {{MHD_OPTION_END, 0, NULL}, {MHD_OPTION_END, 0, NULL},
                                         {MHD_OPTION_END, 0, NULL}};
    web *w;
    int fd = -1;
    fg_err e;

    *out = NULL;
    if (!*fg_config_get(gw->cfg, "web", "listen"))
        return FG_OK;   /* off */
    if ((e = fg_webauth_init()))
        return e;
    if (!(w = calloc(1, sizeof *w)) || !(w->rl = fg_ratelimit_new(LOGIN_FAILS, LOGIN_WINDOW_S, LOGIN_LOCK_S))) {
        free(w);
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate the web admin");
    }
    w->gw = gw;
    w->session_s = (int)fg_config_int(gw->cfg, "web", "session_hours") * 3600;
    /* page images are made from the spool's TIFFs and kept beside them, not in the store */
    snprintf(w->cache, sizeof w->cache, "%s/.webcache", gw->spool);
    if (mkdir(w->cache, 0750) && errno != EEXIST) {
        e = fg_err_set(FG_ERR_IO, "cannot create the web admin's image cache %s: %s", w->cache, strerror(errno));
        goto fail;
    }
    w->remote = fg_config_bool(gw->cfg, "web", "allow_remote");
    w->tls = fg_config_web_tls(gw->cfg);
    if (w->tls && (e = load_tls(w, gw->cfg)))
        goto fail;
    if (w->tls) {
        tls_opts[0] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, w->cert};
        tls_opts[1] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, w->key};
    }
    if ((e = bind_listen(gw, &fd, w->url, sizeof w->url, &w->port)))
        goto fail;
    w->mhd = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
                                  (w->tls ? MHD_USE_TLS : 0), 0, NULL, NULL,
                              on_request, w, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, w, MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_THREAD_POOL_SIZE,
                              (unsigned)WEB_THREADS, MHD_OPTION_NOTIFY_COMPLETED, on_done, w,
                              MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_CONNECTION_LIMIT, 64u,
                              MHD_OPTION_PER_IP_CONNECTION_LIMIT, 16u, MHD_OPTION_ARRAY, tls_opts, MHD_OPTION_END);
    if (!w->mhd) {
        close(fd);
        e = fg_err_set(FG_ERR_IO, "cannot start the web admin's server (libmicrohttpd) on %s", w->url);
        goto fail;
    }
    log_info("web admin on %s (accounts: faxgatectl user add NAME --role admin)", w->url);
    *out = w;
    return FG_OK;
fail:
    fg_ratelimit_free(w->rl);
    free(w->cert);
    free(w->key);
    free(w);
    return e;
}

void web_stop(web *w)
{
    if (!w)
        return;
    MHD_stop_daemon(w->mhd);   /* waits for its threads; closes the listening socket */
    fg_ratelimit_free(w->rl);
    free(w->cert);
    free(w->key);
    free(w);
}
