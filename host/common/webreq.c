/* faxgate — the web admin's reading of a request (webreq.h). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "webreq.h"

#define ID_MAX (1LL << 53)   /* ids go through JSON numbers: kept exact in a double */

/* Digits only, none first '0', at most ID_MAX: the id, or 0. *end: the first byte after them. */
static int64_t digits(const char *s, const char **end)
{
    long long v = 0;
    const char *p = s;

    for (; *p >= '0' && *p <= '9'; p++) {
        if (v > ID_MAX / 10)
            return 0;
        v = v * 10 + (*p - '0');
    }
    if (p == s || *s == '0' || v > ID_MAX)
        return 0;
    *end = p;
    return v;
}

/* /calls/ID/…: the route of what follows the id */
static fg_web_route_id call_route(const char *rest, bool post, fg_web_route *out)
{
    const char *end = NULL;
    int64_t page;

    if (!*rest)
        return post ? FG_WEB_NOT_FOUND : FG_WEB_CALL;
    if (post)
        return !strcmp(rest, "/release") ? FG_WEB_RELEASE : !strcmp(rest, "/junk") ? FG_WEB_JUNK : FG_WEB_NOT_FOUND;
    if (!strcmp(rest, "/report.pdf"))
        return FG_WEB_CALL_REPORT;
    if (!strcmp(rest, "/thumb.png"))
        return FG_WEB_THUMB;
    if (strncmp(rest, "/page/", 6) || !(page = digits(rest + 6, &end)) || page > 9999 || strcmp(end, ".png"))
        return FG_WEB_NOT_FOUND;
    out->page = (int)page;
    return FG_WEB_PAGE_PNG;
}

fg_web_route_id fg_web_route_of(const char *url, bool post, fg_web_route *out)
{
    static const struct {
        const char *path;
        int get, post;   /* the route for a GET, for a POST */
    } fixed[] = {
        {"/static/style.css", FG_WEB_STATIC_CSS, FG_WEB_NOT_FOUND},
        {"/login", FG_WEB_LOGIN, FG_WEB_LOGIN},
        {"/logout", FG_WEB_NOT_FOUND, FG_WEB_LOGOUT},
        {"/", FG_WEB_ROOT, FG_WEB_NOT_FOUND},
        {"/calls", FG_WEB_CALLS, FG_WEB_NOT_FOUND},
        {"/quarantine", FG_WEB_QUARANTINE, FG_WEB_BULK_ACTION},
        {"/lists", FG_WEB_LISTS, FG_WEB_NOT_FOUND},
        {"/violations", FG_WEB_VIOLATIONS, FG_WEB_NOT_FOUND},
        {"/optouts", FG_WEB_OPTOUTS, FG_WEB_NOT_FOUND},
        {"/advertisers/report.pdf", FG_WEB_ADVERTISER_REPORT, FG_WEB_NOT_FOUND},
        {"/status", FG_WEB_STATUS, FG_WEB_NOT_FOUND},
        {"/status/verify", FG_WEB_NOT_FOUND, FG_WEB_STATUS_VERIFY},
        {"/account", FG_WEB_ACCOUNT, FG_WEB_ACCOUNT},
        {"/users", FG_WEB_USERS, FG_WEB_USER_CHANGE},
        {"/lists/block", FG_WEB_NOT_FOUND, FG_WEB_LIST_BLOCK},
        {"/lists/consent", FG_WEB_NOT_FOUND, FG_WEB_LIST_CONSENT},
    };
    const char *rest = NULL;

    memset(out, 0, sizeof *out);
    if (!url)
        return FG_WEB_NOT_FOUND;
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (!strcmp(url, fixed[i].path))
            return out->id = (fg_web_route_id)(post ? fixed[i].post : fixed[i].get);
    if (!strncmp(url, "/calls/", 7) && (out->call = digits(url + 7, &rest))) {
        if ((out->id = call_route(rest, post, out)) == FG_WEB_NOT_FOUND)
            out->call = 0, out->page = 0;
        return out->id;
    }
    return FG_WEB_NOT_FOUND;
}

bool fg_web_host_ok(const char *host, int port, bool remote)
{
    static const char *const names[] = {"127.0.0.1", "localhost", "[::1]"};
    char want[64];

    if (remote)
        return true;   /* behind a proxy the public name is the proxy's: not ours to check */
    if (!host)
        return false;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(want, sizeof want, "%s:%d", names[i], port);
        if (!strcasecmp(host, want))
            return true;
    }
    return false;
}

bool fg_web_same_origin(const char *origin, const char *host, bool tls)
{
    const char *scheme = tls ? "https://" : "http://";

    if (!origin)
        return true;   /* not a browser's cross-site form; the token decides */
    if (!host || !*host || strncmp(origin, scheme, strlen(scheme)))
        return false;
    return !strcasecmp(origin + strlen(scheme), host);
}

bool fg_web_token_shape(const char *s)
{
    if (!s || strlen(s) != 64)
        return false;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
            return false;
    return true;
}

bool fg_web_date_ok(const char *s)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
            return false;
    return true;
}

int64_t fg_web_id_arg(const char *s)
{
    long long v = 0;

    if (!s || !*s)
        return 0;
    for (; *s; s++) {
        if (!isdigit((unsigned char)*s) || v > ID_MAX / 10)
            return -1;
        v = v * 10 + (*s - '0');
    }
    return v > ID_MAX ? -1 : v;
}

const char *fg_web_calls_filter(fg_web_arg_fn arg, void *user, bool quarantine, int limit, fg_calls_filter *f)
{
    const char *v = arg(user, "verdict"), *from = arg(user, "from"), *to = arg(user, "to");
    const char *adv = arg(user, "advertiser");

    memset(f, 0, sizeof *f);
    f->limit = limit;
    if (quarantine)
        f->verdict = "hold";
    else if (v && *v) {
        if (strcmp(v, "deliver") && strcmp(v, "hold") && strcmp(v, "drop"))
            return "verdict is deliver, hold or drop.";
        f->verdict = v;
    }
    f->advertiser = adv && *adv ? adv : NULL;
    if ((from && *from && !fg_web_date_ok(from)) || (to && *to && !fg_web_date_ok(to)))
        return "Dates are written YYYY-MM-DD.";
    f->from = from && *from ? from : NULL;
    f->to = to && *to ? to : NULL;
    if ((f->campaign = fg_web_id_arg(arg(user, "campaign"))) < 0 || (f->before = fg_web_id_arg(arg(user, "before"))) < 0)
        return "campaign and before are numbers.";
    return NULL;
}

bool fg_web_call_id(const char *s, int64_t *id)
{
    const char *end = NULL;

    *id = s ? digits(s, &end) : 0;
    if (*id && *end)
        *id = 0;
    return *id > 0;
}

void fg_web_file_name(const char *in, char *out, size_t cap)
{
    size_t n = 0;

    if (!cap)
        return;
    for (; in && *in && n + 1 < cap && n < 40; in++) {
        if (isalnum((unsigned char)*in) && !((unsigned char)*in & 0x80))
            out[n++] = (char)tolower((unsigned char)*in);
        else if (n && out[n - 1] != '-')
            out[n++] = '-';
    }
    while (n && out[n - 1] == '-')
        n--;
    out[n] = '\0';
    if (!n)
        snprintf(out, cap, "advertiser");
}

const char *fg_web_loggable(const char *in, char *out, size_t cap)
{
    size_t n = 0;

    if (!cap)
        return "";
    for (; in && *in && n + 1 < cap; in++)
        out[n++] = (unsigned char)*in < 0x20 || *in == 0x7f ? '?' : *in;
    out[n] = '\0';
    return out;
}
