/* faxgated — the frame of the web admin's pages and its one stylesheet (no script at all: the
   Content-Security-Policy would refuse inline script anyway, and nothing here needs any). */
#include <stdlib.h>
#include <string.h>

#include "web.h"

static const char css[] =
    "body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#222;background:#fafafa}"
    "header{background:#234;color:#fff;padding:.5em 1em;display:flex;gap:1.5em;align-items:center}"
    "header a{color:#fff;text-decoration:none}header .who{margin-left:auto}"
    "header form{display:inline}main{padding:1em}main.login{max-width:22em;margin:4em auto}"
    "label{display:block;margin:.5em 0}input,select{font:inherit}"
    "table{border-collapse:collapse;width:100%;background:#fff}"
    "th,td{border-bottom:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}"
    "img.thumb{width:120px;border:1px solid #ccc;background:#fff}img.page{max-width:100%;border:1px solid #ccc}"
    ".error{color:#a00;font-weight:bold}.note{color:#555}"
    ".v-hold{color:#a60;font-weight:bold}.v-drop{color:#a00;font-weight:bold}.v-deliver{color:#060}"
    "pre.ocr{white-space:pre-wrap;background:#fff;border:1px solid #ddd;padding:.5em;max-width:60em}"
    "form.inline{display:inline}.filters{margin-bottom:1em}.filters label{display:inline-block;margin-right:1em}"
    "button{cursor:pointer}"
    ".pagebox{position:relative;display:inline-block;max-width:100%}.pagebox img.page{display:block}"
    "svg.marks{position:absolute;left:0;top:0;width:100%;height:100%;pointer-events:none}"
    "svg.marks rect{fill-opacity:.18;stroke-width:4}"
    "rect.m-adv{fill:#d33;stroke:#d33}rect.m-opt{fill:#27a;stroke:#27a}rect.m-bc{fill:#a6c;stroke:#a6c}"
    "mark.m-adv,span.m-adv{background:#fcc}mark.m-opt,span.m-opt{background:#cdf}"
    "mark.m-bc,span.m-bc{background:#ecf}\n";

void web_static_css(web_req *r)
{
    char *s = strdup(css);

    if (!s)
        return web_error(r, 500, "out of memory");
    web_reply(r, 200, "text/css; charset=utf-8", s, sizeof css - 1);
}

void web_csrf_field(fg_html *h, web_req *r)
{
    fg_html_raw(h, "<input type=\"hidden\" name=\"csrf\" value=\"");
    fg_html_text(h, r->user.csrf);
    fg_html_raw(h, "\">");
}

void web_page_begin(fg_html *h, web_req *r, const char *title)
{
    fg_html_raw(h, "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                   "<meta name=\"viewport\" content=\"width=device-width\"><title>");
    fg_html_text(h, title);
    fg_html_raw(h, " — faxgate</title><link rel=\"stylesheet\" href=\"/static/style.css\"></head><body><header>"
                   "<strong>faxgate</strong><a href=\"/calls\">Calls</a><a href=\"/quarantine\">Quarantine</a>"
                   "<a href=\"/lists\">Lists</a><a href=\"/violations\">Violations</a>"
                   "<a href=\"/optouts\">Opt-outs</a><a href=\"/status\">Status</a>");
    if (fg_role_rank(r->user.role) >= fg_role_rank("admin"))
        fg_html_raw(h, "<a href=\"/users\">Users</a>");
    fg_html_raw(h, "<span class=\"who\"><a href=\"/account\">");
    fg_html_text(h, r->user.name);
    fg_html_raw(h, "</a>");
    fg_html_raw(h, " (");
    fg_html_text(h, r->user.role);
    fg_html_raw(h, ") <form method=\"post\" action=\"/logout\">");
    web_csrf_field(h, r);
    fg_html_raw(h, "<button>Log out</button></form></span></header><main><h1>");
    fg_html_text(h, title);
    fg_html_raw(h, "</h1>");
}

void web_page_end(fg_html *h, web_req *r)
{
    char *s;
    size_t n;

    fg_html_raw(h, "</main></body></html>\n");
    if (!(s = fg_html_take(h, &n)))
        return web_error(r, 500, "out of memory while writing the page");
    web_reply(r, 200, "text/html; charset=utf-8", s, n);
}
