/* faxgated — accounts and the audit log on the web admin, for admins only: the same store
 * functions as `faxgatectl user` (store_web.c) and the same password rules (webauth.c). An admin
 * cannot remove or demote their own account here, so that the last admin cannot lock everyone
 * out by a click (faxgatectl can still do it, on purpose, on the machine). Anyone logged in may
 * change their own password on /account, giving the current one: a session left open on a
 * shared screen is not enough to take the account over.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "web.h"

static const char *const roles[] = {"viewer", "operator", "admin", NULL};

static const char *jstr(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static void role_select(fg_html *h, const char *current)
{
    fg_html_raw(h, "<select name=\"role\">");
    for (int i = 0; roles[i]; i++) {
        fg_html_raw(h, current && !strcmp(current, roles[i]) ? "<option selected>" : "<option>");
        fg_html_raw(h, roles[i]);
        fg_html_raw(h, "</option>");
    }
    fg_html_raw(h, "</select>");
}

void web_users(web_req *r)
{
    char *users = NULL, *audit = NULL;
    json_t *arr, *v;
    fg_html h = {0};
    size_t i;
    fg_err e;

    if (!web_require(r, "admin"))
        return;
    if ((e = fg_store_users_json(r->gw->st, &users)) || (e = fg_store_audit_json(r->gw->st, 200, &audit))) {
        free(users);
        log_error("web admin: %s", fg_err_msg(e));
        return web_error(r, 500, "The store could not be read; see faxgated's log.");
    }
    web_page_begin(&h, r, "Users");
    fg_html_raw(&h, "<table><tr><th>Name</th><th>Role</th><th>Open sessions</th><th>Changed</th><th></th></tr>");
    arr = json_loads(users, 0, NULL);
    json_array_foreach(arr, i, v) {
        bool self = jstr(v, "name") && !strcmp(jstr(v, "name"), r->user.name);

        fg_html_raw(&h, "<tr><td>");
        fg_html_text(&h, jstr(v, "name"));
        fg_html_raw(&h, "</td><td>");
        if (self) {
            fg_html_text(&h, jstr(v, "role"));
        } else {
            fg_html_raw(&h, "<form method=\"post\" action=\"/users\" class=\"inline\">");
            web_csrf_field(&h, r);
            fg_html_raw(&h, "<input type=\"hidden\" name=\"op\" value=\"role\"><input type=\"hidden\" name=\"name\" value=\"");
            fg_html_text(&h, jstr(v, "name"));
            fg_html_raw(&h, "\">");
            role_select(&h, jstr(v, "role"));
            fg_html_raw(&h, "<button>Change</button></form>");
        }
        fg_html_raw(&h, "</td><td>");
        fg_html_int(&h, (long long)json_integer_value(json_object_get(v, "sessions")));
        fg_html_raw(&h, "</td><td>");
        fg_html_text(&h, jstr(v, "changed"));
        fg_html_raw(&h, "</td><td>");
        if (!self) {
            fg_html_raw(&h, "<form method=\"post\" action=\"/users\" class=\"inline\">");
            web_csrf_field(&h, r);
            fg_html_raw(&h, "<input type=\"hidden\" name=\"op\" value=\"remove\"><input type=\"hidden\" name=\"name\" value=\"");
            fg_html_text(&h, jstr(v, "name"));
            fg_html_raw(&h, "\"><button>Remove</button></form>");
        }
        fg_html_raw(&h, "</td></tr>");
    }
    json_decref(arr);
    fg_html_raw(&h, "</table><h2>New account</h2><form method=\"post\" action=\"/users\">");
    web_csrf_field(&h, r);
    fg_html_raw(&h, "<input type=\"hidden\" name=\"op\" value=\"add\"><label>Name <input name=\"name\" required "
                    "autocomplete=\"off\"></label><label>Role ");
    role_select(&h, "viewer");
    fg_html_raw(&h, "</label><label>Password (at least 8 characters) <input name=\"password\" type=\"password\" "
                    "required autocomplete=\"new-password\"></label><button>Add</button></form>"
                    "<h2>Audit log</h2><table><tr><th>When</th><th>Who</th><th>From</th><th>Action</th><th>On</th>"
                    "<th>Detail</th></tr>");
    arr = json_loads(audit, 0, NULL);
    json_array_foreach(arr, i, v) {
        static const char *const keys[] = {"at", "who", "addr", "action", "target", "detail"};

        fg_html_raw(&h, "<tr>");
        for (int k = 0; k < 6; k++) {
            fg_html_raw(&h, "<td>");
            fg_html_text(&h, jstr(v, keys[k]));
            fg_html_raw(&h, "</td>");
        }
        fg_html_raw(&h, "</tr>");
    }
    json_decref(arr);
    fg_html_raw(&h, "</table>");
    free(users);
    free(audit);
    web_page_end(&h, r);
}

void web_user_change(web_req *r)
{
    const char *op = fg_form_get(&r->form, "op"), *name = fg_form_get(&r->form, "name");
    const char *role = fg_form_get(&r->form, "role"), *pw = fg_form_get(&r->form, "password");
    char hash[FG_PWHASH_LEN], action[32];
    fg_err e;

    if (!web_require(r, "admin"))
        return;
    if (!op || !name || !fg_username_ok(name))
        return web_error(r, 400, "Give a user name: letters, digits, '.', '_' or '-'.");
    if (!strcmp(name, r->user.name) && strcmp(op, "add"))
        return web_error(r, 400, "You cannot change or remove your own account here (faxgatectl user can).");
    if (!strcmp(op, "add")) {
        if (!fg_role_rank(role) || !pw)
            return web_error(r, 400, "Give a role (viewer, operator or admin) and a password.");
        if ((e = fg_pw_hash(pw, hash)) || (e = fg_store_user_add(r->gw->st, name, role, hash)))
            return web_error(r, e == FG_ERR_EXISTS ? 409 : 400, fg_err_msg(e));
    } else if (!strcmp(op, "role")) {
        if (!fg_role_rank(role))
            return web_error(r, 400, "A role is viewer, operator or admin.");
        if ((e = fg_store_user_role(r->gw->st, name, role)))
            return web_error(r, e == FG_ERR_NOTFOUND ? 404 : 500, fg_err_msg(e));
    } else if (!strcmp(op, "remove")) {
        if ((e = fg_store_user_remove(r->gw->st, name)))
            return web_error(r, e == FG_ERR_NOTFOUND ? 404 : 500, fg_err_msg(e));
        role = NULL;
    } else {
        return web_error(r, 400, "op is add, role or remove.");
    }
    snprintf(action, sizeof action, "user %s", op);
    web_audit(r, action, name, role);
    log_info("web admin: %s: %s %s%s%s", r->user.name, action, name, role ? " " : "", role ? role : "");
    web_redirect(r, "/users");
}

void web_account(web_req *r)
{
    const char *cur, *pw;
    char hash[FG_PWHASH_LEN];
    fg_web_user u;
    fg_html h = {0};
    fg_err e;

    if (!web_require(r, "viewer"))
        return;
    if (!r->post) {
        web_page_begin(&h, r, "Your password");
        fg_html_raw(&h, "<form method=\"post\" action=\"/account\">");
        web_csrf_field(&h, r);
        fg_html_raw(&h, "<label>Current password <input name=\"current\" type=\"password\" required "
                        "autocomplete=\"current-password\"></label><label>New password (at least 8 characters) "
                        "<input name=\"password\" type=\"password\" required autocomplete=\"new-password\"></label>"
                        "<button>Change</button></form><p class=\"note\">Every session of your account ends: log in "
                        "again with the new password.</p>");
        return web_page_end(&h, r);
    }
    cur = fg_form_get(&r->form, "current");
    pw = fg_form_get(&r->form, "password");
    if (!cur || !pw)
        return web_error(r, 400, "Give the current and the new password.");
    if ((e = fg_store_user_get(r->gw->st, r->user.name, &u)))
        return web_error(r, 500, "The account could not be read.");
    if (!fg_pw_verify(u.pwhash, cur)) {
        log_warn("web admin: %s gave a wrong current password from %s", r->user.name, r->addr);
        return web_error(r, 403, "The current password is wrong; nothing was changed.");
    }
    if ((e = fg_pw_hash(pw, hash)))
        return web_error(r, 400, fg_err_msg(e));
    if ((e = fg_store_user_passwd(r->gw->st, r->user.name, hash)))
        return web_error(r, 500, fg_err_msg(e));
    web_audit(r, "user passwd", r->user.name, NULL);
    log_info("web admin: %s changed their password", r->user.name);
    web_redirect_cookie(r, "/login", "fg_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
}
