/* faxgate — configuration internals shared by config.c (keys, files) and config_values.c (what
   each value must look like). */
#ifndef FAXGATE_CONFIG_IMPL_H
#define FAXGATE_CONFIG_IMPL_H

#include <stdbool.h>
#include <stddef.h>

typedef enum { K_STR, K_INT, K_DOUBLE, K_BOOL, K_ENUM, K_LIST, K_URI_LINE, K_URI_PRINTER, K_PATH, K_SIP_VIA, K_DATES, K_TZ, K_URI_WEB } kind;

typedef struct key_def {
    const char *section;
    const char *key;
    kind type;
    double min, max;        /* K_INT, K_DOUBLE */
    const char *choices;    /* K_ENUM: "a|b|c"; K_LIST: allowed items, NULL = profiles */
} key_def;

/* Checks one value against its key's kind and bounds; on failure writes what is expected into why. */
bool fg_cfg_value_ok(const key_def *k, const char *v, char *why, size_t why_len);
/* yes/true/on/1 or no/false/off/0, any case. */
bool fg_cfg_parse_bool(const char *v, bool *out);
/* "+14165550100": a '+' and 6 to 15 digits (E.164). */
bool fg_cfg_e164_ok(const char *v);

#endif
