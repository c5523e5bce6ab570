/* faxgate — configuration: declared keys, embedded defaults, INI files through inih. */
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config_impl.h"
#include "faxgate/config.h"

extern const char fg_defaults_conf[];   /* generated from boards/<board>/faxgate.conf */


static const key_def keys[] = {
    {"site", "country", K_STR, 0, 0, NULL},
    {"site", "line_owner", K_ENUM, 0, 0, "business|person"},
    {"site", "number", K_STR, 0, 0, NULL},
    {"site", "registries", K_LIST, 0, 0, "none|fps|dncl|dncr"},
    {"site", "registered", K_DATES, 0, 1, NULL},
    {"site", "timezone", K_TZ, 0, 0, NULL},
    {"site", "holidays", K_DATES, 0, 64, NULL},
    {"line", "listen", K_URI_LINE, 0, 0, NULL},
    {"line", "csi", K_STR, 0, 20, NULL},
    {"line", "max_calls", K_INT, 1, 1024, NULL},
    {"line", "max_seconds", K_INT, 0, 86400, NULL},
    {"line", "no_fax_seconds", K_INT, 0, 3600, NULL},
    {"line", "stop_grace_seconds", K_INT, 0, 3600, NULL},
    {"line", "ecm", K_BOOL, 0, 0, NULL},
    {"line", "modems", K_LIST, 0, 0, "v17|v29|v27ter"},
    {"line", "resolutions", K_LIST, 0, 0, "standard|fine|superfine"},
    {"sip", "peers", K_STR, 0, 1024, NULL},
    {"sip", "t38", K_ENUM, 0, 0, "accept|reinvite|no"},
    {"sip", "ring_ms", K_INT, 0, 60000, NULL},
    {"sip", "t38_pacing", K_BOOL, 0, 0, NULL},
    {"sip", "user", K_STR, 0, 63, NULL},
    {"sip", "password", K_STR, 0, 127, NULL},
    {"sip", "realm", K_STR, 0, 63, NULL},
    {"sip", "register", K_STR, 0, 250, NULL},
    {"sip", "register_expires", K_INT, 10, 86400, NULL},
    {"outgoing", "retry_seconds", K_INT, 1, 86400, NULL},
    {"outgoing", "max_attempts", K_INT, 1, 100, NULL},
    {"optout", "enabled", K_BOOL, 0, 0, NULL},
    {"optout", "via", K_SIP_VIA, 0, 0, NULL},
    {"screen", "reject_empty_tsi", K_BOOL, 0, 0, NULL},
    {"screen", "junk_senders", K_BOOL, 0, 0, NULL},
    {"screen", "offender_faxes", K_INT, 0, 1000, NULL},
    {"screen", "offender_days", K_INT, 1, 3650, NULL},
    {"screen", "early_hangup", K_BOOL, 0, 0, NULL},
    {"store", "db", K_PATH, 0, 0, NULL},
    {"spool", "dir", K_PATH, 0, 0, NULL},
    {"spool", "min_free_mb", K_INT, 0, 1 << 20, NULL},
    {"ocr", "languages", K_STR, 0, 64, NULL},
    {"ocr", "workers", K_INT, 0, 64, NULL},
    {"ocr", "spare_idle_seconds", K_INT, 0, 86400, NULL},
    {"ocr", "datapath", K_STR, 0, 1024, NULL},
    {"ocr", "bands", K_BOOL, 0, 0, NULL},
    {"classify", "hold", K_DOUBLE, -1000, 1000, NULL},
    {"classify", "drop", K_DOUBLE, -1000, 1000, NULL},
    {"classify", "bayes", K_BOOL, 0, 0, NULL},
    {"classify", "starter_model", K_BOOL, 0, 0, NULL},
    {"classify", "campaigns", K_BOOL, 0, 0, NULL},
    {"classify", "model", K_BOOL, 0, 0, NULL},
    {"classify", "model_hold", K_DOUBLE, -1000, 1000, NULL},
    {"classify", "model_drop", K_DOUBLE, -1000, 1000, NULL},
    {"policy", "profiles", K_LIST, 0, 0, NULL},
    {"policy", "on_error", K_ENUM, 0, 0, "deliver|hold"},
    {"printer", "uri", K_URI_PRINTER, 0, 0, NULL},
    {"printer", "retry_seconds", K_INT, 1, 86400, NULL},
    {"control", "socket", K_STR, 0, 107, NULL},   /* sun_path holds 108 bytes with the NUL */
    {"web", "listen", K_URI_WEB, 0, 0, NULL},
    {"web", "allow_remote", K_BOOL, 0, 0, NULL},
    {"web", "session_hours", K_INT, 1, 720, NULL},
    {"web", "cert", K_STR, 0, 1024, NULL},   /* empty unless https: a path, checked at start (web.c) */
    {"web", "key", K_STR, 0, 1024, NULL},
    {"printer", "paper", K_ENUM, 0, 0, "auto|a4|letter"},
    {"printer", "format", K_ENUM, 0, 0, "pdf|pcl"},
    {"log", "level", K_ENUM, 0, 0, "error|warn|info|debug"},
    {"log", "target", K_ENUM, 0, 0, "auto|stderr|journal|syslog"},
};

#define NKEYS (sizeof keys / sizeof keys[0])

/* [number +E164]: a receiving number whose rules differ from [site] and [policy]. */
static const key_def number_keys[] = {
    {"number", "profiles", K_LIST, 0, 0, NULL},
    {"number", "owner", K_ENUM, 0, 0, "business|person"},
    {"number", "registries", K_LIST, 0, 0, "none|fps|dncl|dncr"},
    {"number", "registered", K_DATES, 0, 1, NULL},
};

#define NNUMKEYS (sizeof number_keys / sizeof number_keys[0])

typedef struct number_cfg {
    char number[FG_CONFIG_NUMBER_LEN];
    char *val[NNUMKEYS];    /* NULL: not given, [site] / [policy] apply */
} number_cfg;

struct fg_config {
    char *val[NKEYS];
    char *def[NKEYS];
    number_cfg num[FG_CONFIG_NUMBERS_MAX];
    int nnum;
};

static int find_key(const char *section, const char *key)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (!strcmp(keys[i].section, section) && !strcmp(keys[i].key, key))
            return (int)i;
    return -1;
}

static bool section_known(const char *section)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (!strcmp(keys[i].section, section))
            return true;
    return false;
}

fg_err fg_config_new(fg_config **out)
{
    fg_config *cfg = calloc(1, sizeof *cfg);
    fg_err e;

    if (!cfg)
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate the configuration");
    for (size_t i = 0; i < NKEYS; i++) {
        if (!(cfg->val[i] = strdup(""))) {
            fg_config_free(cfg);
            return fg_err_set(FG_ERR_NOMEM, "cannot allocate the configuration");
        }
    }
    if ((e = fg_config_load_string(cfg, fg_defaults_conf, "embedded defaults"))) {
        fg_config_free(cfg);
        return e;
    }
    for (size_t i = 0; i < NKEYS; i++) {
        if (!(cfg->def[i] = strdup(cfg->val[i]))) {
            fg_config_free(cfg);
            return fg_err_set(FG_ERR_NOMEM, "cannot allocate the configuration");
        }
    }
    *out = cfg;
    return FG_OK;
}

static void numbers_free(number_cfg *num, int n)
{
    for (int i = 0; i < n; i++)
        for (size_t k = 0; k < NNUMKEYS; k++) {
            free(num[i].val[k]);
            num[i].val[k] = NULL;
        }
}

/* Copies n [number] sections into dst (*ndst of them); on failure frees what it copied. */
static bool numbers_copy(number_cfg *dst, int *ndst, const number_cfg *src, int n)
{
    *ndst = n;
    for (int i = 0; i < n; i++) {
        memcpy(dst[i].number, src[i].number, sizeof dst[i].number);
        for (size_t k = 0; k < NNUMKEYS; k++)
            if (src[i].val[k] && !(dst[i].val[k] = strdup(src[i].val[k]))) {
                numbers_free(dst, n);
                *ndst = 0;
                return false;
            }
    }
    return true;
}

fg_err fg_config_dup(const fg_config *cfg, fg_config **out)
{
    fg_config *c = calloc(1, sizeof *c);
    bool ok = c != NULL;

    for (size_t i = 0; ok && i < NKEYS; i++)
        ok = (c->val[i] = strdup(cfg->val[i])) && (c->def[i] = strdup(cfg->def[i]));
    if (!ok || !numbers_copy(c->num, &c->nnum, cfg->num, cfg->nnum)) {
        fg_config_free(c);
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate a copy of the configuration");
    }
    *out = c;
    return FG_OK;
}

void fg_config_free(fg_config *cfg)
{
    if (!cfg)
        return;
    for (size_t i = 0; i < NKEYS; i++) {
        free(cfg->val[i]);
        free(cfg->def[i]);
    }
    numbers_free(cfg->num, cfg->nnum);
    free(cfg);
}

/* Parsing goes into a staging copy so that a bad file changes nothing. */
typedef struct parse_ctx {
    char *val[NKEYS];
    const char *name;
    char error[384];
    int error_line;
    const char *text;     /* input being read by read_line() */
    size_t pos;
    int lineno;           /* lines handed to inih so far: the line its handler is looking at */
    number_cfg num[FG_CONFIG_NUMBERS_MAX];  /* the [number …] sections, staged like val */
    int nnum;
} parse_ctx;

/* fgets() over the text, counting lines (Debian's inih gives handlers no line numbers). */
static char *read_line(char *str, int num, void *stream)
{
    parse_ctx *ctx = stream;
    int n = 0;

    if (!ctx->text[ctx->pos])
        return NULL;
    while (n < num - 1 && ctx->text[ctx->pos]) {
        char ch = ctx->text[ctx->pos++];

        str[n++] = ch;
        if (ch == '\n')
            break;
    }
    str[n] = '\0';
    ctx->lineno++;
    return str;
}

/* A key of a [number +E164] section. */
static int on_number(parse_ctx *ctx, const char *section, const char *name, const char *value)
{
    const char *num = section + 7;
    int lineno = ctx->lineno, i, k = -1;
    char why[200];

    if (!fg_cfg_e164_ok(num)) {
        snprintf(ctx->error, sizeof ctx->error, "%s:%d: [%s]: expected a receiving number in E.164, such as "
                 "[number +14165550100]", ctx->name, lineno, section);
        ctx->error_line = lineno;
        return 0;
    }
    for (size_t j = 0; j < NNUMKEYS; j++)
        if (!strcmp(number_keys[j].key, name))
            k = (int)j;
    if (k < 0) {
        snprintf(ctx->error, sizeof ctx->error, "%s:%d: unknown key '%s' in [%s] (profiles, owner, registries, "
                 "registered)", ctx->name, lineno, name, section);
        ctx->error_line = lineno;
        return 0;
    }
    if (!fg_cfg_value_ok(&number_keys[k], value, why, sizeof why)) {
        snprintf(ctx->error, sizeof ctx->error, "%s:%d: [%s] %s = '%s': expected %s", ctx->name, lineno,
                 section, name, value, why);
        ctx->error_line = lineno;
        return 0;
    }
    for (i = 0; i < ctx->nnum && strcmp(ctx->num[i].number, num); i++)
        ;
    if (i == ctx->nnum) {
        if (ctx->nnum == FG_CONFIG_NUMBERS_MAX) {
            snprintf(ctx->error, sizeof ctx->error, "%s:%d: [%s]: more than %d [number] sections", ctx->name,
                     lineno, section, FG_CONFIG_NUMBERS_MAX);
            ctx->error_line = lineno;
            return 0;
        }
        snprintf(ctx->num[ctx->nnum++].number, sizeof ctx->num[0].number, "%s", num);
    }
    free(ctx->num[i].val[k]);
    if (!(ctx->num[i].val[k] = strdup(value))) {
        snprintf(ctx->error, sizeof ctx->error, "out of memory");
        return 0;
    }
    return 1;
}

static int on_entry(void *user, const char *section, const char *name, const char *value)
{
    parse_ctx *ctx = user;
    int lineno = ctx->lineno;
    char why[200];
    int i;

    if (ctx->error[0])
        return 1;
    if (!strncmp(section, "number ", 7))
        return on_number(ctx, section, name, value);
    if (!section_known(section)) {
        snprintf(ctx->error, sizeof ctx->error, "%s:%d: unknown section [%s]", ctx->name, lineno, section);
        ctx->error_line = lineno;
        return 0;
    }
    if ((i = find_key(section, name)) < 0) {
        snprintf(ctx->error, sizeof ctx->error, "%s:%d: unknown key '%s' in [%s]", ctx->name, lineno, name,
                 section);
        ctx->error_line = lineno;
        return 0;
    }
    if (!fg_cfg_value_ok(&keys[i], value, why, sizeof why)) {
        snprintf(ctx->error, sizeof ctx->error, "%s:%d: [%s] %s = '%s': expected %s", ctx->name, lineno,
                 section, name, value, why);
        ctx->error_line = lineno;
        return 0;
    }
    free(ctx->val[i]);
    if (!(ctx->val[i] = strdup(value))) {
        snprintf(ctx->error, sizeof ctx->error, "out of memory");
        return 0;
    }
    return 1;
}

static fg_err commit(fg_config *cfg, parse_ctx *ctx, int rc)
{
    fg_err e = FG_OK;

    if (rc != 0 || ctx->error[0]) {
        if (!ctx->error[0]) {
            if (rc > 0 && ctx->text)
                snprintf(ctx->error, sizeof ctx->error,
                         "%s:%d: not an INI line (expected [section] or key = value)", ctx->name, rc);
            else
                snprintf(ctx->error, sizeof ctx->error, "%s: cannot read (%d)", ctx->name, rc);
        }
        e = fg_err_set(FG_ERR_CONFIG, "%s", ctx->error);
    }
    for (size_t i = 0; i < NKEYS; i++) {
        if (!e && ctx->val[i]) {
            free(cfg->val[i]);
            cfg->val[i] = ctx->val[i];
        } else {
            free(ctx->val[i]);
        }
    }
    if (e) {
        numbers_free(ctx->num, ctx->nnum);
    } else {
        numbers_free(cfg->num, cfg->nnum);
        memcpy(cfg->num, ctx->num, sizeof cfg->num);
        cfg->nnum = ctx->nnum;
    }
    return e;
}

fg_err fg_config_load_string(fg_config *cfg, const char *text, const char *name)
{
    static parse_ctx zero;
    parse_ctx *ctx = malloc(sizeof *ctx);
    fg_err e;

    if (!ctx)
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate memory to read %s", name);
    *ctx = zero;
    ctx->name = name;
    ctx->text = text;
    if (!numbers_copy(ctx->num, &ctx->nnum, cfg->num, cfg->nnum)) {
        free(ctx);
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate memory to read %s", name);
    }
    e = commit(cfg, ctx, ini_parse_stream(read_line, ctx, on_entry, ctx));
    free(ctx);
    return e;
}

#define CONFIG_MAX_BYTES (1 << 20)

fg_err fg_config_load(fg_config *cfg, const char *path)
{
    FILE *f = fopen(path, "r");
    char *text;
    size_t n;
    fg_err e;

    if (!f)
        return fg_err_set(errno == ENOENT || errno == EACCES ? FG_ERR_CONFIG : FG_ERR_IO,
                          "%s: cannot open configuration: %s", path, strerror(errno));
    if (!(text = malloc(CONFIG_MAX_BYTES + 1))) {
        fclose(f);
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate memory to read %s", path);
    }
    n = fread(text, 1, CONFIG_MAX_BYTES + 1, f);
    if (ferror(f) || n > CONFIG_MAX_BYTES) {
        e = fg_err_set(FG_ERR_CONFIG, "%s: %s", path,
                       ferror(f) ? "read error" : "larger than 1 MiB: not a configuration file");
    } else {
        text[n] = '\0';
        if (memchr(text, '\0', n))
            e = fg_err_set(FG_ERR_CONFIG, "%s: contains NUL bytes: not a text configuration file", path);
        else
            e = fg_config_load_string(cfg, text, path);
    }
    free(text);
    fclose(f);
    return e;
}

fg_err fg_config_set(fg_config *cfg, const char *section, const char *key, const char *value)
{
    static parse_ctx zero;
    parse_ctx *ctx = malloc(sizeof *ctx);
    fg_err e;

    if (!ctx)
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate memory for a setting");
    *ctx = zero;
    ctx->name = "setting";
    if (!numbers_copy(ctx->num, &ctx->nnum, cfg->num, cfg->nnum)) {
        free(ctx);
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate memory for a setting");
    }
    e = commit(cfg, ctx, on_entry(ctx, section, key, value) ? 0 : 1);
    free(ctx);
    return e;
}

void fg_config_apply_timezone(const fg_config *cfg)
{
    const char *tz = fg_config_get(cfg, "site", "timezone");

    if (tz && *tz) {
        setenv("TZ", tz, 1);
        tzset();
    }
}

int fg_config_numbers(const fg_config *cfg)
{
    return cfg ? cfg->nnum : 0;
}

const char *fg_config_number(const fg_config *cfg, int i, const char *key)
{
    if (!cfg || i < 0 || i >= cfg->nnum)
        return NULL;
    if (!key)
        return cfg->num[i].number;
    for (size_t k = 0; k < NNUMKEYS; k++)
        if (!strcmp(number_keys[k].key, key))
            return cfg->num[i].val[k];
    return NULL;
}

const char *fg_config_get(const fg_config *cfg, const char *section, const char *key)
{
    int i = find_key(section, key);

    return i < 0 ? NULL : cfg->val[i];
}

long fg_config_int(const fg_config *cfg, const char *section, const char *key)
{
    const char *v = fg_config_get(cfg, section, key);

    return v ? strtol(v, NULL, 10) : 0;
}

double fg_config_double(const fg_config *cfg, const char *section, const char *key)
{
    const char *v = fg_config_get(cfg, section, key);

    return v ? strtod(v, NULL) : 0.0;
}

bool fg_config_bool(const fg_config *cfg, const char *section, const char *key)
{
    const char *v = fg_config_get(cfg, section, key);
    bool b = false;

    return v && fg_cfg_parse_bool(v, &b) && b;
}

void fg_config_print(const fg_config *cfg, FILE *f)
{
    const char *section = "";

    fprintf(f, "; effective faxgate configuration (\"; changed\" marks values that differ from the embedded defaults)\n");
    for (size_t i = 0; i < NKEYS; i++) {
        if (strcmp(section, keys[i].section)) {
            section = keys[i].section;
            fprintf(f, "\n[%s]\n", section);
        }
        fprintf(f, "%s = %s%s\n", keys[i].key, cfg->val[i],
                cfg->def[i] && strcmp(cfg->val[i], cfg->def[i]) ? "    ; changed" : "");
    }
    for (int i = 0; i < cfg->nnum; i++) {
        fprintf(f, "\n[number %s]\n", cfg->num[i].number);
        for (size_t k = 0; k < NNUMKEYS; k++)
            if (cfg->num[i].val[k])
                fprintf(f, "%s = %s\n", number_keys[k].key, cfg->num[i].val[k]);
    }
}

const char *fg_config_defaults_text(void)
{
    return fg_defaults_conf;
}
