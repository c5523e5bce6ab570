/* faxgated — reload (`faxgatectl reload`, SIGHUP): what can change while calls run.
 *
 * The block and consent lists, campaigns and learned statistics live in the store and are read
 * at every call, so a change by faxgatectl counts at the next call with no reload. What a reload
 * adds is the configuration file: it is read again and validated in full (a bad file changes
 * nothing), then
 *   - the judging pipeline ([classify], [policy], [site]) is rebuilt and swapped in: a page being
 *     judged finishes with the old one (the swap waits for it), the next page gets the new one;
 *   - [screen] reject_empty_tsi and junk_senders, [line] max_calls and max_seconds, [spool] min_free_mb and
 *     [log] level are set (atomics: call threads read them as they go);
 * and everything else that differs is reported as needing a restart: the line's address, the
 * store, the spool, OCR engines, the printer and the control socket are held open by running
 * threads, and swapping them under a call is what a reload must never do.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway.h"
#include "log.h"

static pthread_rwlock_t pipe_lock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t reload_lock = PTHREAD_MUTEX_INITIALIZER;

fg_pipeline *gateway_pipeline_hold(gateway *gw)
{
    pthread_rwlock_rdlock(&pipe_lock);
    return gw->pipe;
}

void gateway_pipeline_release(gateway *gw)
{
    (void)gw;
    pthread_rwlock_unlock(&pipe_lock);
}

/* Sections whose keys a reload applies; the rest need a restart. */
static bool applied_live(const char *section, const char *key)
{
    static const char *const live[][2] = {
        {"classify", NULL}, {"policy", NULL}, {"site", NULL},        {"screen", "reject_empty_tsi"}, {"screen", "junk_senders"},
        {"line", "max_calls"}, {"line", "max_seconds"}, {"spool", "min_free_mb"}, {"log", "level"},
        {"optout", NULL},   /* read by faxgatectl optout, each time it runs */
    };

    if (!strcmp(section, "site") && !strcmp(key, "timezone"))
        return false;   /* the process's TZ, set once at start (fg_config_apply_timezone) */
    if (!strncmp(section, "number ", 7))
        return true;    /* a receiving number's rules: part of the policy, rebuilt by a reload */
    for (size_t i = 0; i < sizeof live / sizeof live[0]; i++)
        if (!strcmp(section, live[i][0]) && (!live[i][1] || !strcmp(key, live[i][1])))
            return true;
    return false;
}

/* The effective configuration as "section.key = value" lines (fg_config_print), so that two can
   be compared key by key without a list of keys here that could fall behind config.c. */
static char *flat(const fg_config *cfg)
{
    char *text = NULL, *out, *line, *save = NULL, section[64] = "";
    size_t len = 0, cap;
    FILE *f = open_memstream(&text, &len);

    if (!f)
        return NULL;
    fg_config_print(cfg, f);
    fclose(f);
    cap = 2 * len + 1;
    if (!(out = calloc(1, cap))) {
        free(text);
        return NULL;
    }
    for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *mark;

        if (line[0] == ';')
            continue;
        if (line[0] == '[') {
            snprintf(section, sizeof section, "%.*s", (int)strcspn(line + 1, "]"), line + 1);
            continue;
        }
        if ((mark = strstr(line, "    ; changed")))
            *mark = '\0';
        snprintf(out + strlen(out), cap - strlen(out), "%s.%s\n", section, line);
    }
    free(text);
    return out;
}

/* The value of "section.key" in a flat() text, or NULL. */
static const char *value_in(const char *text, const char *name, char *val, size_t cap)
{
    size_t n = strlen(name);

    for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        if (!strncmp(p, name, n) && !strncmp(p + n, " = ", 3)) {
            snprintf(val, cap, "%.*s", (int)strcspn(p + n + 3, "\n"), p + n + 3);
            return val;
        }
    }
    return NULL;
}

/* Adds "[section] key: 'old' -> 'new'" for each key of neu whose value differs from what runs: to
   live (compared with what the last reload applied) or to restart (compared with the start's). */
static void diff(const fg_config *running, const fg_config *started, const fg_config *neu, json_t *live,
                 json_t *restart)
{
    char *a = flat(running), *s = flat(started), *b = flat(neu), *save = NULL;

    for (char *line = a && s && b ? strtok_r(b, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save)) {
        char name[128], section[64], was[512] = "";
        const char *dot = strchr(line, '.'), *eq = strstr(line, " = "), *key;

        if (!dot || !eq || eq < dot)
            continue;
        snprintf(name, sizeof name, "%.*s", (int)(eq - line), line);
        snprintf(section, sizeof section, "%.*s", (int)(dot - line), line);
        key = name + (dot + 1 - line);
        if (value_in(applied_live(section, key) ? a : s, name, was, sizeof was) && !strcmp(was, eq + 3))
            continue;
        json_array_append_new(applied_live(section, key) ? live : restart,
                              json_sprintf("[%s] %s: '%s' -> '%s'", section, key, was, eq + 3));
    }
    free(a);
    free(s);
    free(b);
}

/* The configuration the last reload applied (what runs now); NULL until a reload. */
static fg_config *applied;

void gateway_reload_end(void)
{
    fg_config_free(applied);
    applied = NULL;
}

json_t *gateway_reload(gateway *gw)
{
    fg_config *cfg = NULL;
    fg_pipeline *pipe = NULL, *old;
    json_t *reply, *live = json_array(), *restart = json_array();
    fg_err e;

    pthread_mutex_lock(&reload_lock);   /* a SIGHUP and a `faxgatectl reload` at once: one after the other */
    if ((e = fg_config_new(&cfg)) || (gw->config_path && (e = fg_config_load(cfg, gw->config_path))) ||
        (e = fg_pipeline_new(cfg, gw->st, &pipe))) {
        const char *msg = fg_err_msg(e);

        log_error("reload refused, nothing changed: %s", msg);
        reply = json_pack("{s:b, s:s}", "ok", 0, "error", msg);
        fg_config_free(cfg);
        json_decref(live);
        json_decref(restart);
        pthread_mutex_unlock(&reload_lock);
        return reply;
    }
    /* compare with what runs now: gw->cfg plus what earlier reloads applied */
    diff(applied ? applied : gw->cfg, gw->cfg, cfg, live, restart);

    pthread_rwlock_wrlock(&pipe_lock);   /* waits for the pages being judged now */
    old = gw->pipe;
    gw->pipe = pipe;
    pthread_rwlock_unlock(&pipe_lock);
    fg_pipeline_free(old);

    atomic_store(&gw->reject_empty_tsi, fg_config_bool(cfg, "screen", "reject_empty_tsi"));
    atomic_store(&gw->junk_senders, fg_config_bool(cfg, "screen", "junk_senders"));
    atomic_store(&gw->max_calls, (int)fg_config_int(cfg, "line", "max_calls"));
    atomic_store(&gw->max_seconds, (int)fg_config_int(cfg, "line", "max_seconds"));
    atomic_store(&gw->min_free_mb, fg_config_int(cfg, "spool", "min_free_mb"));
    log_set_level(fg_config_get(cfg, "log", "level"));
    fg_config_free(applied);
    applied = cfg;

    log_info("reloaded %s: %zu change(s) applied, %zu need a restart (calls in progress go on)",
             gw->config_path ? gw->config_path : "the embedded defaults (no --config file)", json_array_size(live),
             json_array_size(restart));
    for (size_t i = 0; i < json_array_size(restart); i++)
        log_warn("reload: %s needs a restart to take effect", json_string_value(json_array_get(restart, i)));
    reply = json_pack("{s:b, s:s?, s:[s,s,s], s:o, s:o}", "ok", 1, "config", gw->config_path, "reloaded",
                      "judging: [classify], [policy], [site] (rebuilt; the next page judged uses them)",
                      "[screen] reject_empty_tsi, junk_senders, [line] max_calls and max_seconds, [spool] min_free_mb, [log] level",
                      "block and consent lists, campaigns, learned statistics: read from the store at every call, "
                      "always current",
                      "changed", live, "restart_needed", restart);
    pthread_mutex_unlock(&reload_lock);
    return reply;
}
