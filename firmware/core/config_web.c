/* faxgate — where the web admin listens ([web] listen), and the rule that keeps it on loopback
   unless [web] allow_remote says otherwise: over http:// a password typed on another machine
   would cross the network in clear, and even over https:// the admin is not meant to face a
   network without the site deciding so. */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "faxgate/config.h"

static bool is_loopback(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
    if (sa->sa_family == AF_INET6) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;

        if (IN6_IS_ADDR_V4MAPPED(a))
            return a->s6_addr[12] == 127;
        return IN6_IS_ADDR_LOOPBACK(a);
    }
    return false;
}

bool fg_config_web_tls(const fg_config *cfg)
{
    const char *v = fg_config_get(cfg, "web", "listen");

    return v && !strncmp(v, "https://", 8);
}

fg_err fg_config_web_addr(const fg_config *cfg, struct sockaddr_storage *addr, socklen_t *len)
{
    const char *v = fg_config_get(cfg, "web", "listen");
    bool remote = fg_config_bool(cfg, "web", "allow_remote");
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE}, *res = NULL;
    char host[300], *colon;
    const char *port;
    size_t skip = fg_config_web_tls(cfg) ? 8 : 7;   /* "https://" or "http://" */
    int rc;

    if (!v || !*v)
        return fg_err_set(FG_ERR_NOTFOUND, "[web] listen is empty: the web admin is off");
    if ((strncmp(v, "http://", 7) && strncmp(v, "https://", 8)) || strlen(v + skip) >= sizeof host)
        return fg_err_set(FG_ERR_CONFIG, "[web] listen = %s: give http://HOST:PORT or https://HOST:PORT, e.g. "
                          "http://127.0.0.1:8080", v);
    snprintf(host, sizeof host, "%s", v + skip);
    if (!(colon = strrchr(host, ':')))
        return fg_err_set(FG_ERR_CONFIG, "[web] listen = %s: no port (http://127.0.0.1:8080)", v);
    *colon = '\0';
    port = colon + 1;
    if (host[0] == '[' && host[strlen(host) - 1] == ']') {   /* [::1] */
        memmove(host, host + 1, strlen(host));
        host[strlen(host) - 1] = '\0';
    }
    /* a name is looked up only when remote addresses are allowed: "localhost" is the one name
       loopback needs, and resolving others could quietly land on a public interface */
    if (!strcmp(host, "localhost"))
        snprintf(host, sizeof host, "127.0.0.1");
    else if (!remote)
        hints.ai_flags |= AI_NUMERICHOST;
    hints.ai_flags |= AI_NUMERICSERV;
    if ((rc = getaddrinfo(host, port, &hints, &res)) || !res)
        return fg_err_set(FG_ERR_CONFIG, "[web] listen = %s: %s%s", v, gai_strerror(rc),
                          remote ? "" : " (give a numeric loopback address such as 127.0.0.1 or [::1])");
    if (!remote && !is_loopback(res->ai_addr)) {
        freeaddrinfo(res);
        return fg_err_set(FG_ERR_CONFIG, "[web] listen = %s is not a loopback address: the web admin is for this "
                          "machine unless you decide otherwise (over http:// passwords would cross the network in "
                          "clear); listen on 127.0.0.1, or use https:// with [web] cert and key and set "
                          "[web] allow_remote = yes", v);
    }
    memcpy(addr, res->ai_addr, res->ai_addrlen);
    *len = res->ai_addrlen;
    freeaddrinfo(res);
    return FG_OK;
}
