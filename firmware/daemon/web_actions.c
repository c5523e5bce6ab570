/* faxgated — release and junk from the web admin, one call or the checked ones.
 *
 * The same functions as `faxgatectl release` and `faxgatectl junk` (firmware/core/operator.c).
 * A released fax is printed as a release from faxgatectl is when faxgated is running: its job
 * waits in the store's print queue and the delivery thread is woken to print it (the thread
 * claims the job, so it is printed once); this thread never talks to the printer itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faxgate/operator.h"
#include "log.h"
#include "web.h"

/* Applies action to one call; the result as a sentence in msg. */
static fg_err apply(web_req *r, int64_t id, bool release, char *msg, size_t cap)
{
    char why[160], target[32];
    fg_override o;
    fg_err e;

    snprintf(why, sizeof why, "%s on the web admin by %s", release ? "released" : "marked junk", r->user.name);
    snprintf(target, sizeof target, "call %lld", (long long)id);
    e = release ? fg_operator_release(r->gw->cfg, r->gw->st, id, why, &o)
                : fg_operator_junk(r->gw->cfg, r->gw->st, id, why, &o);
    if (e) {
        snprintf(msg, cap, "call %lld: %s", (long long)id, fg_err_msg(e));
        return e;
    }
    if (o.queued)
        delivery_kick(r->gw->dlv);
    if (o.learn_error[0] || o.campaign_error[0])
        log_warn("web admin: call %lld: the verdict stands, but %s%s%s", (long long)id, o.learn_error,
                 o.learn_error[0] && o.campaign_error[0] ? "; " : "", o.campaign_error);
    snprintf(msg, cap, "call %lld %s%s%s", (long long)id,
             release ? (o.already_printed ? "was already printed" : "released: it is being printed") : "marked junk",
             o.campaign && !o.campaign_error[0] ? (release ? "; its campaign is released" : "; its campaign is stopped")
                                                 : "",
             o.printing_now ? " (it was being printed at that moment)" : "");
    web_audit(r, release ? "release" : "junk", target, msg);
    log_info("web admin: %s: %s", r->user.name, msg);
    return FG_OK;
}

/* A short page with what happened and the way back. */
static void result_page(web_req *r, const char *title, const char *msgs, bool failed)
{
    fg_html h = {0};

    web_page_begin(&h, r, title);
    fg_html_raw(&h, failed ? "<pre class=\"error\">" : "<pre>");
    fg_html_text(&h, msgs);
    fg_html_raw(&h, "</pre><p><a href=\"/quarantine\">Quarantine</a> · <a href=\"/calls\">Calls</a></p>");
    web_page_end(&h, r);
}

void web_call_action(web_req *r, int64_t id, const char *action)
{
    bool release = !strcmp(action, "release");
    char msg[600];
    fg_err e;

    if (!web_require(r, "operator"))
        return;
    if ((e = apply(r, id, release, msg, sizeof msg)) == FG_ERR_NOTFOUND)
        return web_error(r, 404, msg);
    result_page(r, release ? "Released" : "Marked junk", msg, e != FG_OK);
}

void web_bulk_action(web_req *r)
{
    const char *action = fg_form_get(&r->form, "action");
    char all[8192] = "", msg[600];
    size_t n = 0;
    int done = 0;
    bool failed = false;

    if (!web_require(r, "operator"))
        return;
    if (!action || (strcmp(action, "release") && strcmp(action, "junk")))
        return web_error(r, 400, "Choose release or junk.");
    for (int i = 0; i < r->form.n; i++) {
        int64_t id;

        if (strcmp(r->form.key[i], "id"))
            continue;
        if (!fg_web_call_id(r->form.val[i], &id)) {
            snprintf(msg, sizeof msg, "'%s' is not a call id", r->form.val[i]);
            failed = true;
        } else if (apply(r, id, !strcmp(action, "release"), msg, sizeof msg)) {
            failed = true;
        } else {
            done++;
        }
        if (n < sizeof all)
            n += (size_t)snprintf(all + n, sizeof all - n, "%s\n", msg);
    }
    if (!done && !failed)
        return web_error(r, 400, "No call was checked.");
    result_page(r, !strcmp(action, "release") ? "Released" : "Marked junk", all, failed);
}
