/* faxgate — passwords, tokens, the failed-login limiter and form decoding (webauth.h). */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "webauth.h"

fg_err fg_webauth_init(void)
{
    if (sodium_init() < 0)
        return fg_err_set(FG_ERR_UNSUPPORTED, "libsodium cannot start (no random source?)");
    return FG_OK;
}

fg_err fg_pw_hash(const char *password, char out[FG_PWHASH_LEN])
{
    size_t n = strlen(password);

    _Static_assert(FG_PWHASH_LEN >= crypto_pwhash_STRBYTES, "room for an argon2id string");
    if (n < FG_PASSWORD_MIN)
        return fg_err_set(FG_ERR_INVAL, "the password is too short: give at least %d characters", FG_PASSWORD_MIN);
    if (n > FG_PASSWORD_MAX)
        return fg_err_set(FG_ERR_TOOBIG, "the password is longer than %d bytes", FG_PASSWORD_MAX);
    if (crypto_pwhash_str(out, password, n, crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE))
        return fg_err_set(FG_ERR_NOMEM, "cannot hash the password: argon2id needs %zu MiB of memory",
                          (size_t)crypto_pwhash_MEMLIMIT_INTERACTIVE >> 20);
    return FG_OK;
}

bool fg_pw_verify(const char *hash, const char *password)
{
    size_t n = strlen(password);

    if (!hash || strlen(hash) >= crypto_pwhash_STRBYTES || strncmp(hash, "$argon2id$", 10) || n > FG_PASSWORD_MAX)
        return false;
    return crypto_pwhash_str_verify(hash, password, n) == 0;
}

/* The dummy hash is made once, with the limits of real ones, so that checking it costs what
   checking a real one costs. */
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_hash[FG_PWHASH_LEN];

static void make_dummy(void)
{
    char tok[FG_TOKEN_HEX];

    fg_token_new(tok);
    (void)fg_pw_hash(tok, dummy_hash);
}

void fg_pw_verify_dummy(const char *password)
{
    pthread_once(&dummy_once, make_dummy);
    (void)fg_pw_verify(dummy_hash, password);
}

bool fg_username_ok(const char *name)
{
    size_t n = strlen(name);

    if (!n || n > FG_USERNAME_MAX || name[0] == '-')
        return false;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("._-", *p)))
            return false;
    return true;
}

int fg_role_rank(const char *role)
{
    if (!role)
        return 0;
    if (!strcmp(role, "viewer"))
        return 1;
    if (!strcmp(role, "operator"))
        return 2;
    if (!strcmp(role, "admin"))
        return 3;
    return 0;
}

void fg_token_new(char out[FG_TOKEN_HEX])
{
    unsigned char raw[32];

    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(out, FG_TOKEN_HEX, raw, sizeof raw);
    sodium_memzero(raw, sizeof raw);
}

void fg_token_hash(const char *token, char out[FG_TOKEN_HEX])
{
    unsigned char h[32];

    crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
    sodium_bin2hex(out, FG_TOKEN_HEX, h, sizeof h);
}

bool fg_token_equal(const char *expected, const char *given)
{
    if (!expected || !given || strlen(expected) != FG_TOKEN_HEX - 1 || strlen(given) != FG_TOKEN_HEX - 1)
        return false;
    return sodium_memcmp(expected, given, FG_TOKEN_HEX - 1) == 0;
}

/* ---- failed logins ---- */

#define RL_SLOTS 1024
#define RL_KEY 96

typedef struct rl_entry {
    char key[RL_KEY];
    int fails;
    time_t first, locked_until, last;
} rl_entry;

struct fg_ratelimit {
    pthread_mutex_t mu;
    int max, window_s, lock_s;
    rl_entry e[RL_SLOTS];
};

fg_ratelimit *fg_ratelimit_new(int max, int window_s, int lock_s)
{
    fg_ratelimit *rl = calloc(1, sizeof *rl);

    if (!rl)
        return NULL;
    pthread_mutex_init(&rl->mu, NULL);
    rl->max = max;
    rl->window_s = window_s;
    rl->lock_s = lock_s;
    return rl;
}

void fg_ratelimit_free(fg_ratelimit *rl)
{
    if (!rl)
        return;
    pthread_mutex_destroy(&rl->mu);
    free(rl);
}

/* The entry of key, or NULL; with make, a new one in a free slot or the least recently used. */
static rl_entry *rl_find(fg_ratelimit *rl, const char *key, bool make)
{
    rl_entry *oldest = &rl->e[0];

    for (int i = 0; i < RL_SLOTS; i++) {
        if (rl->e[i].key[0] && !strncmp(rl->e[i].key, key, RL_KEY - 1))
            return &rl->e[i];
        if (!rl->e[i].key[0] || (oldest->key[0] && rl->e[i].last < oldest->last))
            oldest = &rl->e[i];
    }
    if (!make)
        return NULL;
    *oldest = (rl_entry){0};
    snprintf(oldest->key, sizeof oldest->key, "%s", key);
    return oldest;
}

bool fg_ratelimit_locked(fg_ratelimit *rl, const char *key, time_t now, int *wait_s)
{
    rl_entry *e;
    bool locked = false;

    pthread_mutex_lock(&rl->mu);
    if ((e = rl_find(rl, key, false)) && e->locked_until > now) {
        locked = true;
        if (wait_s)
            *wait_s = (int)(e->locked_until - now);
    }
    pthread_mutex_unlock(&rl->mu);
    return locked;
}

void fg_ratelimit_fail(fg_ratelimit *rl, const char *key, time_t now)
{
    rl_entry *e;

    pthread_mutex_lock(&rl->mu);
    e = rl_find(rl, key, true);
    if (now - e->first > rl->window_s) {   /* the window passed: count afresh */
        e->first = now;
        e->fails = 0;
    }
    e->last = now;
    if (++e->fails >= rl->max)
        e->locked_until = now + rl->lock_s;
    pthread_mutex_unlock(&rl->mu);
}

void fg_ratelimit_clear(fg_ratelimit *rl, const char *key)
{
    rl_entry *e;

    pthread_mutex_lock(&rl->mu);
    if ((e = rl_find(rl, key, false)))
        *e = (rl_entry){0};
    pthread_mutex_unlock(&rl->mu);
}

/* ---- forms ---- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes s in place up to its NUL; false for a bad %XX or a decoded NUL. */
static bool url_decode(char *s)
{
    char *w = s;

    for (char *r = s; *r; r++) {
        if (*r == '+') {
            *w++ = ' ';
        } else if (*r == '%') {
            int hi = hexval(r[1]), lo = hi < 0 ? -1 : hexval(r[2]);

            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
                return false;
            *w++ = (char)(hi << 4 | lo);
            r += 2;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
    return true;
}

fg_err fg_form_parse(const char *body, size_t len, fg_form *f)
{
    char *save = NULL;

    *f = (fg_form){0};
    if (!(f->buf = malloc(len + 1)))
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate a form of %zu bytes", len);
    memcpy(f->buf, body, len);
    f->buf[len] = '\0';
    if (memchr(body, '\0', len))
        return fg_err_set(FG_ERR_FORMAT, "the form holds a NUL byte");
    for (char *pair = strtok_r(f->buf, "&", &save); pair; pair = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(pair, '=');

        if (f->n == FG_FORM_MAX)
            return fg_err_set(FG_ERR_TOOBIG, "the form has more than %d fields", FG_FORM_MAX);
        if (eq)
            *eq = '\0';
        if (!url_decode(pair) || (eq && !url_decode(eq + 1)))
            return fg_err_set(FG_ERR_FORMAT, "the form has a bad %%-escape");
        f->key[f->n] = pair;
        f->val[f->n] = eq ? eq + 1 : pair + strlen(pair);
        f->n++;
    }
    return FG_OK;
}

const char *fg_form_get(const fg_form *f, const char *key)
{
    for (int i = 0; i < f->n; i++)
        if (!strcmp(f->key[i], key))
            return f->val[i];
    return NULL;
}

void fg_form_free(fg_form *f)
{
    free(f->buf);
    *f = (fg_form){0};
}
