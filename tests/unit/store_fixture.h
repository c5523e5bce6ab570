/* faxgate — the store's tests' fixture (store_fixture.c), shared by test_store*.c. */
#ifndef FAXGATE_TEST_STORE_FIXTURE_H
#define FAXGATE_TEST_STORE_FIXTURE_H

#include <jansson.h>
#include <stdint.h>
#include <string.h>

#include "faxgate/call.h"
#include "faxgate/store.h"
#include "testutil.h"

typedef struct fixture {
    char dir[256];
    char db[300];
    char mnt[300];   /* a tmpfs mounted by the test, "" if none: unmounted by teardown */
} fixture;

/* cmocka setup and teardown: a fresh folder and the path of a database in it (not created). */
int setup(void **state);
int teardown(void **state);

#define assert_msg_has(e, want)                                                                        \
    do {                                                                                               \
        if (!strstr(fg_err_msg(e), (want)))                                                            \
            fail_msg("message '%s' does not contain '%s'", fg_err_msg(e), (want));                     \
    } while (0)

/* Runs one SQL text on the file behind the store's back; returns the first column as int. */
long long raw_sql(const char *path, const char *sql);

/* Runs SQL behind the store's back; returns SQLite's result and its message in msg. */
int raw_exec(const char *path, const char *sql, char *msg, size_t cap);

/* The JSON in text (freed), or the test fails. */
json_t *parse(char *text);

/* The string value of key (NULL if not a string); the test fails if it is missing. */
const char *jstr(json_t *o, const char *key);

/* A call as the pipeline would leave it: T.30 facts, two pages, identity, scores, verdict. */
fg_call *full_call(const char *tsi, const char *caller_e164);

/* full_call begun and saved in st; its id. */
int64_t save_new(fg_store *st, const char *tsi, const char *caller);

#endif
