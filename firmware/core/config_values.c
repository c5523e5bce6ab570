/* faxgate — configuration values: what each kind of key accepts (numbers in range, choices,
   lists of profiles, dates, time zones, line, printer and web URIs), and the error that says so. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config_impl.h"
#include "faxgate/policy.h"

static bool in_choices(const char *choices, const char *word, size_t len)
{
    const char *p = choices;

    while (*p) {
        const char *bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p);

        if (n == len && !strncasecmp(p, word, len))
            return true;
        if (!bar)
            break;
        p = bar + 1;
    }
    return false;
}

static bool profile_known(const char *word, size_t len)
{
    for (const char *const *p = fg_policy_profiles(); *p; p++)
        if (strlen(*p) == len && !strncasecmp(*p, word, len))
            return true;
    return false;
}

bool fg_cfg_parse_bool(const char *v, bool *out)
{
    static const char *const yes[] = {"yes", "true", "on", "1"}, *const no[] = {"no", "false", "off", "0"};

    for (size_t i = 0; i < 4; i++) {
        if (!strcasecmp(v, yes[i])) {
            *out = true;
            return true;
        }
        if (!strcasecmp(v, no[i])) {
            *out = false;
            return true;
        }
    }
    return false;
}

/* "scheme://host:port" with a non-empty host and a port in range. */
static bool hostport_ok(const char *v, const char *scheme)
{
    size_t sl = strlen(scheme);
    const char *hp, *colon;
    char *end;
    long port;

    if (strncmp(v, scheme, sl) || strncmp(v + sl, "://", 3))
        return false;
    hp = v + sl + 3;
    colon = strrchr(hp, ':');
    if (!colon || colon == hp)
        return false;
    errno = 0;
    port = strtol(colon + 1, &end, 10);
    return !errno && *end == '\0' && end != colon + 1 && port >= 0 && port <= 65535;
}

/* One line URI: audiosocket://HOST:PORT or sip:[USER@]HOST:PORT[;params] (sip:// too). */
static bool line_uri_ok(const char *v)
{
    char hp[320], *semi, *at;
    const char *rest;

    if (hostport_ok(v, "audiosocket"))
        return true;
    if (strncmp(v, "sip:", 4))
        return false;
    rest = v + 4 + (strncmp(v + 4, "//", 2) ? 0 : 2);
    if (strlen(rest) >= 300)
        return false;
    snprintf(hp, sizeof hp, "sip://%.300s", rest);
    if ((semi = strchr(hp, ';')))
        *semi = '\0';
    if ((at = strchr(hp, '@')))
        memmove(hp + 6, at + 1, strlen(at + 1) + 1);
    return hostport_ok(hp, "sip");
}

/* [line] listen: one line URI or several separated by commas. */
static bool line_list_ok(const char *v)
{
    char buf[1024], *save = NULL;
    int n = 0;

    if (strlen(v) >= sizeof buf)
        return false;
    snprintf(buf, sizeof buf, "%s", v);
    for (char *u = strtok_r(buf, ", \t", &save); u; u = strtok_r(NULL, ", \t", &save), n++)
        if (!line_uri_ok(u))
            return false;
    return n > 0;
}

/* "+14165550100": a '+' and 6 to 15 digits (E.164). */
bool fg_cfg_e164_ok(const char *v)
{
    size_t n = strlen(v);

    if (n < 7 || n > 16 || v[0] != '+')
        return false;
    for (size_t i = 1; i < n; i++)
        if (!isdigit((unsigned char)v[i]))
            return false;
    return true;
}

/* "2026-12-25": a calendar date (the day checked against its month, leap years included). */
static bool date_ok(const char *v, size_t n)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, m, d;
    char tail;

    if (n != 10 || sscanf(v, "%4d-%2d-%2d%c", &y, &m, &d, &tail) < 3 || v[4] != '-' || v[7] != '-')
        return false;
    for (size_t i = 0; i < n; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)v[i]))
            return false;
    if (y < 1990 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return false;
    return m != 2 || d < 29 || (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
}

/* "Europe/Paris": a zone of the system's time zone database (tzdata). An unknown name would make
   the C library fall back to UTC without a word, and every hours rule would be off. */
static bool tz_ok(const char *v, char *why, size_t why_len)
{
    char path[300];

    if (!*v)
        return true;
    for (const char *c = v; *c; c++)
        if (!isalnum((unsigned char)*c) && !strchr("/_+-", *c)) {
            snprintf(why, why_len, "a time zone name such as Europe/Paris or America/Toronto");
            return false;
        }
    if (strstr(v, "..") || v[0] == '/' || strlen(v) > 64) {
        snprintf(why, why_len, "a time zone name such as Europe/Paris or America/Toronto");
        return false;
    }
    snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", v);
    if (access(path, R_OK)) {
        snprintf(why, why_len, "a time zone of the system's database (/usr/share/zoneinfo/%.64s: %.40s; is tzdata "
                 "installed?)", v, strerror(errno));
        return false;
    }
    return true;
}

/* Checks one value; writes what is expected into why. */
bool fg_cfg_value_ok(const key_def *k, const char *v, char *why, size_t why_len)
{
    char *end;

    switch (k->type) {
    case K_STR:
        if (k->max > 0 && strlen(v) > (size_t)k->max) {
            snprintf(why, why_len, "at most %.0f characters", k->max);
            return false;
        }
        if (!strcmp(k->key, "number") && *v && !fg_cfg_e164_ok(v)) {
            snprintf(why, why_len, "the receiving number in E.164, such as +14165550100");
            return false;
        }
        if (!strcmp(k->key, "country") &&
            (strlen(v) != 2 || !isupper((unsigned char)v[0]) || !isupper((unsigned char)v[1]))) {
            snprintf(why, why_len, "an ISO 3166 country code such as US, FR or DE");
            return false;
        }
        return true;
    case K_PATH:
        if (!*v) {
            snprintf(why, why_len, "a path");
            return false;
        }
        return true;
    case K_INT: {
        long n;

        errno = 0;
        n = strtol(v, &end, 10);
        if (errno || end == v || *end || n < k->min || n > k->max) {
            snprintf(why, why_len, "a whole number from %.0f to %.0f", k->min, k->max);
            return false;
        }
        return true;
    }
    case K_DOUBLE: {
        double d;

        errno = 0;
        d = strtod(v, &end);
        if (errno || end == v || *end || d < k->min || d > k->max) {
            snprintf(why, why_len, "a number from %g to %g", k->min, k->max);
            return false;
        }
        return true;
    }
    case K_BOOL: {
        bool b;

        if (!fg_cfg_parse_bool(v, &b)) {
            snprintf(why, why_len, "yes or no");
            return false;
        }
        return true;
    }
    case K_ENUM:
        if (!in_choices(k->choices, v, strlen(v))) {
            snprintf(why, why_len, "one of %s", k->choices);
            return false;
        }
        return true;
    case K_LIST:
    case K_DATES: {
        const char *p = v, *bad = NULL;
        size_t n, bad_n = 0;
        int items = 0;

        /* items separated by commas or blanks; the first one that does not fit is named */
        while (*p) {
            while (*p == ',' || isspace((unsigned char)*p))
                p++;
            if (!(n = strcspn(p, ", \t")))
                break;
            if (!bad && (k->type == K_DATES ? !date_ok(p, n)
                                            : k->choices ? !in_choices(k->choices, p, n) : !profile_known(p, n))) {
                bad = p;
                bad_n = n;
            }
            items++;
            p += n;
        }
        if (k->type == K_DATES) {
            if (bad || items > k->max) {
                snprintf(why, why_len, k->max > 1 ? "dates as YYYY-MM-DD separated by commas (at most %.0f)"
                                                  : "a date as YYYY-MM-DD", k->max);
                return false;
            }
            return true;
        }
        if (bad) {
            snprintf(why, why_len, "a comma-separated list of %s; '%.*s' is unknown",
                     k->choices ? k->choices : "profiles", (int)bad_n, bad);
            return false;
        }
        if (!items && k->choices) {
            snprintf(why, why_len, "at least one of %s", k->choices);
            return false;
        }
        return true;
    }
    case K_TZ:
        return tz_ok(v, why, why_len);
    case K_URI_WEB:
        /* empty: no web admin; the loopback rule needs allow_remote, checked by fg_config_web_addr */
        if (*v && (strlen(v) > 300 || (!hostport_ok(v, "http") && !hostport_ok(v, "https")))) {
            snprintf(why, why_len, "empty (no web admin), http://HOST:PORT or https://HOST:PORT (with [web] cert and "
                     "key), e.g. http://127.0.0.1:8080");
            return false;
        }
        return true;
    case K_URI_LINE:
        if (!line_list_ok(v)) {
            snprintf(why, why_len, "audiosocket://HOST:PORT or sip:USER@HOST:PORT (several separated by commas), "
                     "e.g. sip:fax@192.0.2.10:5060");
            return false;
        }
        return true;
    case K_SIP_VIA:
        /* the number is the user part of each call: sip:+18005550199@HOST:PORT */
        if (*v && (strncmp(v, "sip:", 4) || strchr(v, '@') || !line_uri_ok(v))) {
            snprintf(why, why_len, "empty, or the SIP trunk or proxy that routes numbers as sip:HOST:PORT (no user: "
                     "the number called is the user), e.g. sip:192.0.2.1:5060");
            return false;
        }
        return true;
    case K_URI_PRINTER:
        if (!strncmp(v, "spool:", 6) && v[6])
            return true;
        if ((!strncmp(v, "ipp://", 6) || !strncmp(v, "ipps://", 7)) && strlen(v) > 8)
            return true;
        if (!strncmp(v, "socket://", 9) && v[9] && v[9] != ':' && v[9] != '/')
            return true;
        if (line_uri_ok(v) && !strncmp(v, "sip:", 4))
            return true;
        snprintf(why, why_len, "ipp://HOST:PORT/PATH, ipps://HOST:PORT/PATH, socket://HOST:9100, spool:DIR or "
                 "sip:USER@HOST:PORT (forward by fax)");
        return false;
    }
    return false;
}
