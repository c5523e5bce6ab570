/* faxgated — the consent and block lists on the web admin: shown, added to, removed from,
 * through the same functions as `faxgatectl consent` and `faxgatectl block`
 * (firmware/core/operator.c), each change in the audit log with who made it.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faxgate/operator.h"
#include "log.h"
#include "web.h"

static const char *jstr(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static void options(fg_html *h, const char *name, const char *const *set)
{
    fg_html_raw(h, "<select name=\"");
    fg_html_raw(h, name);
    fg_html_raw(h, "\">");
    for (; *set; set++) {
        fg_html_raw(h, "<option>");
        fg_html_raw(h, *set);
        fg_html_raw(h, "</option>");
    }
    fg_html_raw(h, "</select>");
}

/* The opening of a form that acts on one entry: its list, the op, and the entry's key as hidden
   fields (the caller adds its inputs and closes it). */
static void entry_form(fg_html *h, web_req *r, json_t *v, bool block, const char *op)
{
    fg_html_raw(h, block ? "<form method=\"post\" class=\"inline\" action=\"/lists/block\">"
                         : "<form method=\"post\" class=\"inline\" action=\"/lists/consent\">");
    web_csrf_field(h, r);
    fg_html_raw(h, "<input type=\"hidden\" name=\"op\" value=\"");
    fg_html_raw(h, op);
    fg_html_raw(h, "\">");
    if (block) {
        fg_html_raw(h, "<input type=\"hidden\" name=\"role\" value=\"");
        fg_html_text(h, jstr(v, "role"));
        fg_html_raw(h, "\">");
    }
    fg_html_raw(h, "<input type=\"hidden\" name=\"kind\" value=\"");
    fg_html_text(h, jstr(v, "kind"));
    fg_html_raw(h, "\"><input type=\"hidden\" name=\"value\" value=\"");
    fg_html_text(h, jstr(v, "value"));
    fg_html_raw(h, "\">");
}

/* One list as a table, each entry with its remove button (for operators). */
static void entries(fg_html *h, web_req *r, const char *json, bool block, bool can)
{
    json_t *arr = json_loads(json, 0, NULL), *v;
    size_t i;

    fg_html_raw(h, "<table><tr>");
    if (block)
        fg_html_raw(h, "<th>Role</th>");
    fg_html_raw(h, "<th>Kind</th><th>Value</th>");
    if (!block)
        fg_html_raw(h, "<th>Basis</th>");
    fg_html_raw(h, "<th>Note</th><th>Added</th><th>By</th><th></th></tr>");
    json_array_foreach(arr, i, v) {
        fg_html_raw(h, "<tr>");
        if (block) {
            fg_html_raw(h, "<td>");
            fg_html_text(h, jstr(v, "role"));
            fg_html_raw(h, "</td>");
        }
        fg_html_raw(h, "<td>");
        fg_html_text(h, jstr(v, "kind"));
        fg_html_raw(h, "</td><td>");
        fg_html_text(h, jstr(v, "value"));
        fg_html_raw(h, "</td>");
        if (!block) {
            fg_html_raw(h, "<td>");
            fg_html_text(h, jstr(v, "basis"));
            fg_html_raw(h, "</td>");
        }
        fg_html_raw(h, "<td>");
        if (can) {   /* the note (and the basis of consent) edited in place */
            entry_form(h, r, v, block, "edit");
            if (!block) {
                fg_html_raw(h, "<select name=\"basis\" aria-label=\"basis\">");
                for (size_t b = 0; fg_consent_bases[b]; b++) {
                    fg_html_raw(h, "<option");
                    if (jstr(v, "basis") && !strcmp(jstr(v, "basis"), fg_consent_bases[b]))
                        fg_html_raw(h, " selected");
                    fg_html_raw(h, ">");
                    fg_html_text(h, fg_consent_bases[b]);
                    fg_html_raw(h, "</option>");
                }
                fg_html_raw(h, "</select> ");
            }
            fg_html_raw(h, "<input name=\"note\" aria-label=\"note\" value=\"");
            fg_html_text(h, jstr(v, "note"));
            fg_html_raw(h, "\"> <button>Save</button></form>");
        } else {
            fg_html_text(h, jstr(v, "note"));
        }
        fg_html_raw(h, "</td><td>");
        fg_html_text(h, jstr(v, "created"));
        fg_html_raw(h, "</td><td>");
        fg_html_text(h, jstr(v, "added_by"));
        fg_html_raw(h, "</td><td>");
        if (can) {
            entry_form(h, r, v, block, "remove");
            fg_html_raw(h, "<button>Remove</button></form>");
        }
        fg_html_raw(h, "</td></tr>");
    }
    if (!json_array_size(arr))
        fg_html_raw(h, "<tr><td colspan=\"8\">Empty.</td></tr>");
    fg_html_raw(h, "</table>");
    json_decref(arr);
}

/* The form that adds an entry to the block list (role, kind) or to consent (kind, basis). */
static void add_form(fg_html *h, web_req *r, bool block)
{
    fg_html_raw(h, block ? "<form method=\"post\" action=\"/lists/block\">"
                         : "<form method=\"post\" action=\"/lists/consent\">");
    web_csrf_field(h, r);
    fg_html_raw(h, "<input type=\"hidden\" name=\"op\" value=\"add\">");
    options(h, block ? "role" : "kind", block ? fg_block_roles : fg_consent_kinds);
    options(h, block ? "kind" : "basis", block ? fg_block_kinds : fg_consent_bases);
    fg_html_raw(h, " <input name=\"value\" required placeholder=\"value\"> <input name=\"note\" "
                   "placeholder=\"note\"> <button>");
    fg_html_raw(h, block ? "Block" : "Add");
    fg_html_raw(h, "</button></form>");
}

void web_lists(web_req *r)
{
    char *blocks = NULL, *consent = NULL, *audit = NULL;
    bool can;
    fg_html h = {0};
    json_t *arr, *v;
    size_t i;
    fg_err e;

    if (!web_require(r, "viewer"))
        return;
    if ((e = fg_store_block_json(r->gw->st, &blocks)) || (e = fg_store_consent_json(r->gw->st, &consent)) ||
        (e = fg_store_audit_json(r->gw->st, 20, &audit))) {
        free(blocks);
        free(consent);
        log_error("web admin: %s", fg_err_msg(e));
        return web_error(r, 500, "The store could not be read; see faxgated's log.");
    }
    can = fg_role_rank(r->user.role) >= fg_role_rank("operator");
    web_page_begin(&h, r, "Lists");
    fg_html_raw(&h, "<h2>Blocked</h2><p class=\"note\">Broadcasters (who sends: TSI, caller ID, the machine) are "
                    "refused before page 1; advertisers (who sells) are dropped.</p>");
    entries(&h, r, blocks, true, can);
    if (can)
        add_form(&h, r, true);
    fg_html_raw(&h, "<h2>Consent</h2><p class=\"note\">Advertisers who may send ads: prior consent, or an "
                    "established business relationship (ebr).</p>");
    entries(&h, r, consent, false, can);
    if (can)
        add_form(&h, r, false);
    fg_html_raw(&h, "<h2>Recent changes</h2><table><tr><th>When</th><th>Who</th><th>Action</th><th>On</th>"
                    "<th>Detail</th></tr>");
    arr = json_loads(audit, 0, NULL);
    json_array_foreach(arr, i, v) {
        static const char *const keys[] = {"at", "who", "action", "target", "detail"};

        fg_html_raw(&h, "<tr>");
        for (int k = 0; k < 5; k++) {
            fg_html_raw(&h, "<td>");
            fg_html_text(&h, jstr(v, keys[k]));
            fg_html_raw(&h, "</td>");
        }
        fg_html_raw(&h, "</tr>");
    }
    fg_html_raw(&h, "</table>");
    json_decref(arr);
    free(blocks);
    free(consent);
    free(audit);
    web_page_end(&h, r);
}

void web_list_change(web_req *r, bool block)
{
    const char *op = fg_form_get(&r->form, "op"), *role = fg_form_get(&r->form, "role");
    const char *kind = fg_form_get(&r->form, "kind"), *value = fg_form_get(&r->form, "value");
    const char *note = fg_form_get(&r->form, "note"), *basis = fg_form_get(&r->form, "basis");
    char target[400], action[32];
    int lop = fg_list_op_parse(op);
    fg_err e;

    if (!web_require(r, "operator"))
        return;
    if (lop < 0)
        return web_error(r, 400, "op is add, edit or remove.");
    if (note && !*note)
        note = NULL;
    e = block ? fg_operator_block(r->gw->cfg, r->gw->st, (fg_list_op)lop, role, kind, value, note, r->user.name)
              : fg_operator_consent(r->gw->cfg, r->gw->st, (fg_list_op)lop, kind, value, basis ? basis : "consent",
                                    note, r->user.name);
    if (e)
        return web_error(r, e == FG_ERR_NOTFOUND ? 404 : e == FG_ERR_EXISTS ? 409 : 400, fg_err_msg(e));
    snprintf(action, sizeof action, "%s %s", block ? "block" : "consent", op);
    snprintf(target, sizeof target, "%s%s%s %s", block ? role : "", block ? " " : "", kind, value);
    web_audit(r, action, target, note);
    log_info("web admin: %s: %s %s", r->user.name, action, web_loggable(target, target, sizeof target));
    web_redirect(r, "/lists");
}
