/* faxgatectl user / users — the web admin's accounts (stored in the store, schema v12).
 *
 * A password is never an argument (it would show in ps and the shell's history): it is read
 * from standard input, one line, or asked twice without echo on a terminal. The store keeps only
 * its argon2id hash (webauth.c). A new password ends the account's open sessions.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "ctl.h"
#include "webauth.h"

/* One line from stdin, without its line end; on a terminal, with the echo off. */
static bool read_line(const char *prompt, char *buf, size_t cap)
{
    struct termios old, quiet;
    bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
    bool ok;

    if (tty) {
        fprintf(stderr, "%s", prompt);
        quiet = old;
        quiet.c_lflag &= (tcflag_t)~ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    ok = fgets(buf, (int)cap, stdin) != NULL;
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fputc('\n', stderr);
    }
    if (ok)
        buf[strcspn(buf, "\r\n")] = '\0';
    return ok;
}

/* Reads the new password (twice on a terminal) and hashes it. */
static int new_password(char hash[FG_PWHASH_LEN])
{
    char pw[FG_PASSWORD_MAX + 2], again[FG_PASSWORD_MAX + 2];
    fg_err e;

    if (!read_line("password: ", pw, sizeof pw)) {
        fprintf(stderr, "faxgatectl: no password given (type it, or give it on standard input)\n");
        return 2;
    }
    if (isatty(STDIN_FILENO) && (!read_line("again: ", again, sizeof again) || strcmp(pw, again))) {
        fprintf(stderr, "faxgatectl: the two passwords differ; nothing was changed\n");
        return 2;
    }
    e = fg_webauth_init();
    if (!e)
        e = fg_pw_hash(pw, hash);
    memset(pw, 0, sizeof pw);
    memset(again, 0, sizeof again);
    return e ? ctl_fail(e, "password") : 0;
}

static int usage_user(void)
{
    fprintf(stderr, "usage: faxgatectl user add NAME --role viewer|operator|admin   (password on stdin or asked)\n"
                    "       faxgatectl user passwd NAME                             (ends its sessions)\n"
                    "       faxgatectl user role NAME viewer|operator|admin\n"
                    "       faxgatectl user remove NAME\n"
                    "  viewer reads; operator also releases, junks and edits the lists; admin also manages accounts\n");
    return 2;
}

int ctl_user(ctl *c, int argc, char **argv)
{
    char hash[FG_PWHASH_LEN];
    const char *role = NULL, *name;
    fg_store *st;
    fg_err e;
    int rc;

    if (argc < 3)
        return usage_user();
    name = argv[2];
    if (!fg_username_ok(name)) {
        fprintf(stderr, "faxgatectl: '%s' is not a user name: 1 to %d letters, digits, '.', '_' or '-'\n", name,
                FG_USERNAME_MAX);
        return 2;
    }
    if (!strcmp(argv[1], "add")) {
        if (argc != 5 || strcmp(argv[3], "--role") || !fg_role_rank(argv[4]))
            return usage_user();
        role = argv[4];
        if (!(st = ctl_store(c)))
            return 1;
        if ((rc = new_password(hash)))
            return rc;
        if ((e = fg_store_user_add(st, name, role, hash)))
            return ctl_fail(e, "user add");
        printf("account %s added (%s)\n", name, role);
    } else if (!strcmp(argv[1], "passwd") && argc == 3) {
        if (!(st = ctl_store(c)))
            return 1;
        if ((e = fg_store_user_get(st, name, &(fg_web_user){0})))
            return ctl_fail(e, "user passwd");
        if ((rc = new_password(hash)))
            return rc;
        if ((e = fg_store_user_passwd(st, name, hash)))
            return ctl_fail(e, "user passwd");
        printf("password of %s changed; its sessions were ended\n", name);
    } else if (!strcmp(argv[1], "role") && argc == 4 && fg_role_rank(argv[3])) {
        if (!(st = ctl_store(c)))
            return 1;
        if ((e = fg_store_user_role(st, name, argv[3])))
            return ctl_fail(e, "user role");
        printf("account %s is now %s\n", name, argv[3]);
    } else if (!strcmp(argv[1], "remove") && argc == 3) {
        if (!(st = ctl_store(c)))
            return 1;
        if ((e = fg_store_user_remove(st, name)))
            return ctl_fail(e, "user remove");
        printf("account %s removed\n", name);
    } else {
        return usage_user();
    }
    return 0;
}

int ctl_users(ctl *c, int argc, char **argv)
{
    char *json = NULL;
    fg_store *st;
    json_t *root, *v;
    size_t i;
    fg_err e;

    (void)argv;
    if (argc != 1) {
        fprintf(stderr, "usage: faxgatectl users\n");
        return 2;
    }
    if (!(st = ctl_store(c)))
        return 1;
    if ((e = fg_store_users_json(st, &json)))
        return ctl_fail(e, "users");
    if (c->json) {
        puts(json);
    } else if ((root = json_loads(json, 0, NULL))) {
        json_array_foreach(root, i, v)
            printf("%-20s %-9s sessions %-3lld changed %s\n", json_string_value(json_object_get(v, "name")),
                   json_string_value(json_object_get(v, "role")),
                   (long long)json_integer_value(json_object_get(v, "sessions")),
                   json_string_value(json_object_get(v, "changed")));
        if (!json_array_size(root))
            printf("(no accounts: faxgatectl user add NAME --role admin)\n");
        json_decref(root);
    }
    free(json);
    return 0;
}
