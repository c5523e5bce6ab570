/* faxgate — the web admin's security primitives, shared by faxgated (logins, sessions, CSRF) and
   faxgatectl (`user add` hashes the password): libsodium's argon2id for passwords, random 256-bit
   tokens kept only as hashes, constant-time comparisons, and the failed-login limiter. */
#ifndef FAXGATE_WEBAUTH_H
#define FAXGATE_WEBAUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "faxgate/error.h"

#define FG_PWHASH_LEN 128   /* crypto_pwhash_STRBYTES */
#define FG_TOKEN_HEX 65     /* 32 random bytes as hex, and the NUL */
#define FG_PASSWORD_MIN 8
#define FG_PASSWORD_MAX 1024
#define FG_USERNAME_MAX 64

/** Initialises libsodium; call before any thread uses the functions below (safe to repeat). */
fg_err fg_webauth_init(void);

/** Hashes a password with argon2id (crypto_pwhash_str, interactive limits) into out. Refuses one
    shorter than FG_PASSWORD_MIN or longer than FG_PASSWORD_MAX bytes. */
fg_err fg_pw_hash(const char *password, char out[FG_PWHASH_LEN]);

/** True if password matches an fg_pw_hash string; false for any malformed hash. */
bool fg_pw_verify(const char *hash, const char *password);

/** Burns the time of one verification, for an unknown user name: without it, how fast a login
    fails would tell which names exist. */
void fg_pw_verify_dummy(const char *password);

/** A user name: 1 to FG_USERNAME_MAX of [A-Za-z0-9._-], not starting with '-'. */
bool fg_username_ok(const char *name);

/** A role's rank: viewer 1, operator 2, admin 3; 0 for anything else. */
int fg_role_rank(const char *role);

/** A new random 256-bit token as 64 hex digits. */
void fg_token_new(char out[FG_TOKEN_HEX]);

/** The hash under which a token is stored (BLAKE2b-256, hex): a stolen store file holds no
    usable session. */
void fg_token_hash(const char *token, char out[FG_TOKEN_HEX]);

/** True if given is exactly the expected token (64 hex digits), compared in constant time;
    false for NULL, empty or any other length. */
bool fg_token_equal(const char *expected, const char *given);

/* Failed logins, counted per key ("user:NAME", "addr:127.0.0.1"): after max failures within
   window_s seconds the key is locked for lock_s seconds. Bounded in memory: the oldest entry
   makes room when full. Thread-safe. */
typedef struct fg_ratelimit fg_ratelimit;

/** New limiter; NULL if out of memory. */
fg_ratelimit *fg_ratelimit_new(int max, int window_s, int lock_s);

/** Frees a limiter; NULL is accepted. */
void fg_ratelimit_free(fg_ratelimit *rl);

/** True if key is locked at time now; *wait_s (may be NULL) says for how long still. */
bool fg_ratelimit_locked(fg_ratelimit *rl, const char *key, time_t now, int *wait_s);

/** Counts one failure of key at time now. */
void fg_ratelimit_fail(fg_ratelimit *rl, const char *key, time_t now);

/** Forgets key's failures (after a successful login). */
void fg_ratelimit_clear(fg_ratelimit *rl, const char *key);

/* A posted form (application/x-www-form-urlencoded), decoded. */
#define FG_FORM_MAX 256

typedef struct fg_form {
    int n;
    char *key[FG_FORM_MAX], *val[FG_FORM_MAX];
    char *buf;
} fg_form;

/** Decodes a form body (+ and %XX); FG_ERR_TOOBIG beyond FG_FORM_MAX fields, FG_ERR_FORMAT for a
    bad escape. Free with fg_form_free even on error. */
fg_err fg_form_parse(const char *body, size_t len, fg_form *f);

/** The first value of key, or NULL. */
const char *fg_form_get(const fg_form *f, const char *key);

/** Frees a form's storage; the struct may be parsed into again. */
void fg_form_free(fg_form *f);

#endif
