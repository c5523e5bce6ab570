/* faxgate — configuration: INI (inih), embedded board defaults merged with a file.
 *
 * Every key the product understands is declared in config.c with its default
 * (taken from boards/<board>/faxgate.conf at build time) and a validator; a file
 * that names an unknown section or key, or gives a bad value, is refused with
 * the file name, line number and what is expected.
 */
#ifndef FAXGATE_CONFIG_H
#define FAXGATE_CONFIG_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/socket.h>
#include "faxgate/error.h"

typedef struct fg_config fg_config;

#define FG_CONFIG_NUMBERS_MAX 64    /* [number +E164] sections */
#define FG_CONFIG_NUMBER_LEN 17     /* '+', up to 15 digits, NUL */

/* The configuration file of an installed faxgate (make SYSCONFDIR=…): faxgated and faxgatectl
   read it when no --config is given and it exists; without it, the embedded defaults alone. */
#ifndef FG_CONFIG_FILE
#define FG_CONFIG_FILE "/etc/faxgate/faxgate.conf"
#endif

/** New configuration holding the embedded defaults of the board it was built for. */
fg_err fg_config_new(fg_config **out);

/** A copy of cfg that changes independently of it (values, defaults and [number] sections). */
fg_err fg_config_dup(const fg_config *cfg, fg_config **out);

/** Frees a configuration; NULL is accepted. */
void fg_config_free(fg_config *cfg);

/** Merges an INI file over the current values; on error nothing is changed. */
fg_err fg_config_load(fg_config *cfg, const char *path);

/** Merges INI text (same rules as a file; name is used in messages). */
fg_err fg_config_load_string(fg_config *cfg, const char *text, const char *name);

/** Sets one value, validated as if read from a file. */
fg_err fg_config_set(fg_config *cfg, const char *section, const char *key, const char *value);

/** Value of section.key (never NULL for a declared key, may be ""); NULL if undeclared. */
const char *fg_config_get(const fg_config *cfg, const char *section, const char *key);

/** Integer value of section.key (declared integer keys are validated on load). */
long fg_config_int(const fg_config *cfg, const char *section, const char *key);

/** Floating value of section.key. */
double fg_config_double(const fg_config *cfg, const char *section, const char *key);

/** Boolean value of section.key (yes/no, true/false, on/off, 1/0). */
bool fg_config_bool(const fg_config *cfg, const char *section, const char *key);

/** Makes [site] timezone the process's local time (TZ), if set: call once at start, before any
    thread, as local time is process-wide; a reload cannot change it. */
void fg_config_apply_timezone(const fg_config *cfg);

/** How many [number +E164] sections (receiving numbers with their own rules) were given. */
int fg_config_numbers(const fg_config *cfg);

/** Of the i-th [number] section: its number when key is NULL ("+14165550100"), else the value of
    profiles, owner, registries or registered, NULL when that section does not set it. */
const char *fg_config_number(const fg_config *cfg, int i, const char *key);

/** Writes the effective configuration as INI; marks values that differ from the defaults. */
void fg_config_print(const fg_config *cfg, FILE *f);

/** The control socket's path: [control] socket, or faxgated.sock in the folder of [store] db
    when that is empty; FG_ERR_CONFIG if it does not fit in cap (a Unix socket's 108 bytes). */
fg_err fg_config_control_socket(const fg_config *cfg, char *out, size_t cap);

/** The web admin's address from [web] listen: FG_ERR_NOTFOUND when it is empty (off), FG_ERR_CONFIG
    for an address that is not loopback unless [web] allow_remote = yes. Names other than
    localhost are resolved only when remote addresses are allowed. */
fg_err fg_config_web_addr(const fg_config *cfg, struct sockaddr_storage *addr, socklen_t *len);

/** True if [web] listen is https://: the admin speaks TLS with [web] cert and key. */
bool fg_config_web_tls(const fg_config *cfg);

/** The embedded default configuration text of this build's board. */
const char *fg_config_defaults_text(void);

#endif
