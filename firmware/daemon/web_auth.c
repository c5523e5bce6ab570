/* faxgated — the web admin's logins, sessions, roles and CSRF checks.
 *
 * A session is a random 256-bit token in an HttpOnly, SameSite=Strict cookie; the store keeps
 * only its hash, with the CSRF token every form must send back and the expiry. (Secure is added
 * when the admin is served over https, which this build does not do yet.) Failed logins are
 * counted per user name and per address: five within 15 minutes lock that name, or that address,
 * for 15 minutes, whatever password comes next. An unknown name costs the time of a real
 * password check, so the answer's speed does not tell which names exist.
 */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "web.h"

#define COOKIE "fg_session"

void web_session_load(web_req *r)
{
    const char *tok = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, COOKIE);
    fg_err e;

    r->authed = false;
    if (!fg_web_token_shape(tok))
        return;
    fg_token_hash(tok, r->sid_hash);
    e = fg_store_session_get(r->gw->st, r->sid_hash, &r->user);
    if (e == FG_OK)
        r->authed = true;
    else if (e != FG_ERR_NOTFOUND)
        log_warn("web admin: reading a session: %s", fg_err_msg(e));
}

/* A form posted from another site's page carries that site in Origin: refused even before the
   CSRF token is looked at (browsers send Origin on every cross-site POST). */
static bool same_origin(web_req *r)
{
    return fg_web_same_origin(MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Origin"),
                              MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Host"), web_tls(r->w));
}

bool web_require(web_req *r, const char *role)
{
    static const char login_first[] = "log in first: POST /login\n";
    const char *accept = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Accept");

    if (!r->authed) {
        /* a browser asking for a page is sent to the login; anything else is told plainly */
        if (!r->post && accept && strstr(accept, "text/html"))
            web_redirect(r, "/login");
        else
            web_reply(r, 401, "text/plain; charset=utf-8", strdup(login_first), sizeof login_first - 1);
        return false;
    }
    if (fg_role_rank(r->user.role) < fg_role_rank(role)) {
        web_error(r, 403, "Your account may not do this (it needs a higher role).");
        return false;
    }
    if (r->post && (!same_origin(r) || !fg_token_equal(r->user.csrf, fg_form_get(&r->form, "csrf")))) {
        char url[120];

        log_warn("web admin: %s %s from %s by %s refused: missing or wrong CSRF token or origin", r->method,
                 web_loggable(r->url, url, sizeof url), r->addr, r->user.name);
        web_error(r, 403, "This form is out of date or did not come from this site; nothing was changed. "
                          "Reload the page and try again.");
        return false;
    }
    return true;
}

void web_audit(web_req *r, const char *action, const char *target, const char *detail)
{
    fg_err e = fg_store_audit(r->gw->st, r->user.name[0] ? r->user.name : "-", action, target, detail, r->addr);

    if (e)
        log_error("web admin: the audit log was not written for %s %s by %s: %s", action, target ? target : "",
                  r->user.name, fg_err_msg(e));
}

static void login_page(web_req *r, unsigned status, const char *msg, const char *name)
{
    fg_html h = {0};
    char *s;
    size_t n;

    fg_html_raw(&h, "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                    "<meta name=\"viewport\" content=\"width=device-width\"><title>faxgate — log in</title>"
                    "<link rel=\"stylesheet\" href=\"/static/style.css\"></head><body><main class=\"login\">"
                    "<h1>faxgate</h1>");
    if (msg) {
        fg_html_raw(&h, "<p class=\"error\">");
        fg_html_text(&h, msg);
        fg_html_raw(&h, "</p>");
    }
    fg_html_raw(&h, "<form method=\"post\" action=\"/login\"><label>Name <input name=\"name\" autocomplete=\"username\" "
                    "required value=\"");
    fg_html_text(&h, name);
    fg_html_raw(&h, "\"></label><label>Password <input name=\"password\" type=\"password\" "
                    "autocomplete=\"current-password\" required></label><button>Log in</button></form></main>"
                    "</body></html>\n");
    s = fg_html_take(&h, &n);
    web_reply(r, status, "text/html; charset=utf-8", s, n);
}

void web_login(web_req *r)
{
    const char *name, *pw;
    char ukey[96], akey[96], tok[FG_TOKEN_HEX], sid[FG_TOKEN_HEX], csrf[FG_TOKEN_HEX], cookie[200];
    time_t now = time(NULL);
    fg_web_user u;
    int wait = 0;
    bool ok;
    fg_err e;

    if (!r->post) {
        if (r->authed)
            return web_redirect(r, "/calls");
        return login_page(r, 200, NULL, NULL);
    }
    if (!same_origin(r))
        return web_error(r, 403, "This form did not come from this site.");
    name = fg_form_get(&r->form, "name");
    pw = fg_form_get(&r->form, "password");
    if (!name || !pw || !fg_username_ok(name))
        return login_page(r, 400, "Give your name and password.", NULL);
    snprintf(ukey, sizeof ukey, "user:%s", name);
    snprintf(akey, sizeof akey, "addr:%s", r->addr);
    if (fg_ratelimit_locked(web_ratelimit(r->w), ukey, now, &wait) ||
        fg_ratelimit_locked(web_ratelimit(r->w), akey, now, &wait)) {
        char msg[160];

        log_warn("web admin: login as %s from %s refused: too many failed logins", name, r->addr);
        snprintf(msg, sizeof msg, "Too many failed logins: try again in %d minute(s).", (wait + 59) / 60);
        return login_page(r, 429, msg, name);
    }
    e = fg_store_user_get(r->gw->st, name, &u);
    if (e == FG_ERR_NOTFOUND) {
        fg_pw_verify_dummy(pw);
        ok = false;
    } else if (e) {
        log_error("web admin: login: %s", fg_err_msg(e));
        return web_error(r, 500, "The store could not be read; see faxgated's log.");
    } else {
        ok = fg_pw_verify(u.pwhash, pw);
    }
    if (!ok) {
        fg_ratelimit_fail(web_ratelimit(r->w), ukey, now);
        fg_ratelimit_fail(web_ratelimit(r->w), akey, now);
        log_warn("web admin: failed login as %s from %s", name, r->addr);
        return login_page(r, 401, "Wrong name or password.", name);
    }
    fg_ratelimit_clear(web_ratelimit(r->w), ukey);
    fg_token_new(tok);
    fg_token_hash(tok, sid);
    fg_token_new(csrf);
    if ((e = fg_store_session_add(r->gw->st, sid, u.id, csrf, web_session_s(r->w), r->addr))) {
        log_error("web admin: login: %s", fg_err_msg(e));
        return web_error(r, 500, "The session could not be stored; see faxgated's log.");
    }
    snprintf(r->user.name, sizeof r->user.name, "%s", u.name);
    web_audit(r, "login", NULL, u.role);
    log_info("web admin: %s logged in from %s", u.name, r->addr);
    snprintf(cookie, sizeof cookie, COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d", tok,
             web_session_s(r->w));
    web_redirect_cookie(r, "/calls", cookie);
}

void web_logout(web_req *r)
{
    fg_err e;

    if (!web_require(r, "viewer"))
        return;
    if ((e = fg_store_session_remove(r->gw->st, r->sid_hash)))
        log_error("web admin: logout: %s", fg_err_msg(e));
    web_audit(r, "logout", NULL, NULL);
    web_redirect_cookie(r, "/login", COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
}
