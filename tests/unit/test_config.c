/* faxgate — configuration: defaults, merging, and refusing bad files with a clear message. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faxgate/config.h"
#include "testutil.h"

/* The value of KEY in SECTION of the board's own faxgate.conf (boards/BOARD/faxgate.conf), which
   the build embeds: "key = value" lines, read here without the config module. */
static const char *board_value(const char *section, const char *key, char *buf, size_t cap)
{
    char path[256], line[512], head[64];
    bool in = false;
    FILE *f;

    snprintf(path, sizeof path, "boards/%s/faxgate.conf", FG_BOARD);
    snprintf(head, sizeof head, "[%s]", section);
    assert_non_null(f = fopen(path, "r"));
    buf[0] = '\0';
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '[')
            in = !strcmp(line, head);
        else if (in && !strncmp(line, key, strlen(key)) && !strncmp(line + strlen(key), " = ", 3))
            snprintf(buf, cap, "%s", line + strlen(key) + 3);
    }
    fclose(f);
    return buf;
}

static void test_defaults_are_complete(void **state)
{
    char want[256];
    fg_config *cfg;

    (void)state;
    assert_int_equal(fg_config_new(&cfg), FG_OK);
    assert_string_equal(fg_config_get(cfg, "line", "listen"), board_value("line", "listen", want, sizeof want));
#ifdef FG_HAVE_SIP
    assert_string_equal(fg_config_get(cfg, "sip", "t38"), "accept");
    assert_string_equal(fg_config_get(cfg, "sip", "peers"), "127.0.0.0/8, ::1");
#endif
    assert_string_equal(fg_config_get(cfg, "site", "country"), "US");
    assert_true(fg_config_bool(cfg, "line", "ecm"));
    assert_true(fg_config_double(cfg, "classify", "drop") > fg_config_double(cfg, "classify", "hold"));
    assert_int_equal(fg_config_int(cfg, "line", "max_calls"), atoi(board_value("line", "max_calls", want, sizeof want)));
    assert_string_equal(fg_config_get(cfg, "ocr", "languages"), board_value("ocr", "languages", want, sizeof want));
    assert_null(fg_config_get(cfg, "line", "no_such_key"));
    fg_config_free(cfg);
}

static void test_file_merges_over_defaults(void **state)
{
    static const char conf[] = "[store]\ndb = /tmp/x.db ; inline comment\n[classify]\nhold = 4.5\n";
    char dir[256], path[300], out[4096];
    fg_config *cfg;
    FILE *f;

    (void)state;
    assert_int_equal(fg_test_tmpdir(dir, sizeof dir), 0);
    snprintf(path, sizeof path, "%s/faxgate.conf", dir);
    assert_int_equal(fg_test_write_file(path, conf, strlen(conf)), 0);
    assert_int_equal(fg_config_new(&cfg), FG_OK);
    assert_int_equal(fg_config_load(cfg, path), FG_OK);
    assert_string_equal(fg_config_get(cfg, "store", "db"), "/tmp/x.db");
    assert_true(fg_config_double(cfg, "classify", "hold") == 4.5);
    /* untouched keys keep their defaults */
    assert_string_equal(fg_config_get(cfg, "spool", "dir"), "/var/spool/faxgate");
    f = fmemopen(out, sizeof out, "w");
    fg_config_print(cfg, f);
    fclose(f);
    assert_non_null(strstr(out, "db = /tmp/x.db    ; changed"));
    assert_non_null(strstr(out, "dir = /var/spool/faxgate\n"));
    fg_config_free(cfg);
    fg_test_rm_rf(dir);
}

/* A bad file is refused with file:line and what is expected, and changes nothing. */
static void expect_refused(const char *text, const char *want)
{
    fg_config *cfg;
    fg_err e;

    assert_int_equal(fg_config_new(&cfg), FG_OK);
    e = fg_config_load_string(cfg, text, "test.conf");
    assert_int_equal(e, FG_ERR_CONFIG);
    if (!strstr(fg_err_msg(e), want))
        fail_msg("message '%s' does not contain '%s'", fg_err_msg(e), want);
    assert_string_equal(fg_config_get(cfg, "store", "db"), "/var/lib/faxgate/faxgate.db");
    fg_config_free(cfg);
}

static void test_corrupt_files_are_refused(void **state)
{
    (void)state;
    expect_refused("[store]\ndb = /tmp/a.db\n[nonsense]\nx = 1\n", "test.conf:4: unknown section [nonsense]");
    expect_refused("[store]\ndb = /tmp/a.db\ndbx = 2\n", "test.conf:3: unknown key 'dbx' in [store]");
    expect_refused("[line]\nmax_calls = lots\n", "expected a whole number from 1 to 1024");
    expect_refused("[line]\nlisten = http://x:1\n", "audiosocket://HOST:PORT");
    expect_refused("[line]\nlisten = audiosocket://127.0.0.1:99999\n", "audiosocket://HOST:PORT");
    expect_refused("[line]\nlisten = sip:fax@127.0.0.1\n", "sip:USER@HOST:PORT");
    expect_refused("[line]\nlisten = sip:fax@127.0.0.1:5060, ftp://x:1\n", "sip:USER@HOST:PORT");
    expect_refused("[sip]\nt38 = maybe\n", "accept");
    expect_refused("[line]\necm = perhaps\n", "expected yes or no");
    expect_refused("[policy]\nprofiles = us, narnia\n", "'narnia' is unknown");
    expect_refused("[printer]\nuri = lpt1\n", "spool:DIR");
    expect_refused("[printer]\nuri = socket://\n", "socket://HOST:9100");
    expect_refused("[printer]\npaper = legal\n", "one of auto|a4|letter");
    expect_refused("[printer]\nformat = postscript\n", "one of pdf|pcl");
    expect_refused("[site]\ncountry = usa\n", "ISO 3166");
    expect_refused("\x01\x02garbage without equals\n", "test.conf:1: not an INI line");
    expect_refused("[line]\ncsi = 123456789012345678901\n", "at most 20 characters");
}

static void test_missing_file(void **state)
{
    fg_config *cfg;
    fg_err e;

    (void)state;
    assert_int_equal(fg_config_new(&cfg), FG_OK);
    e = fg_config_load(cfg, "/nonexistent/faxgate.conf");
    assert_int_equal(e, FG_ERR_CONFIG);
    assert_non_null(strstr(fg_err_msg(e), "/nonexistent/faxgate.conf: cannot open configuration"));
    fg_config_free(cfg);
}

static void test_set_validates(void **state)
{
    fg_config *cfg;

    (void)state;
    assert_int_equal(fg_config_new(&cfg), FG_OK);
    assert_int_equal(fg_config_set(cfg, "ocr", "workers", "2"), FG_OK);
    assert_int_equal(fg_config_set(cfg, "printer", "uri", "socket://192.0.2.7:9100"), FG_OK);
    assert_int_equal(fg_config_set(cfg, "printer", "format", "pcl"), FG_OK);
    assert_string_equal(fg_config_get(cfg, "printer", "paper"), "auto");
    assert_int_equal(fg_config_int(cfg, "ocr", "workers"), 2);
    assert_int_equal(fg_config_set(cfg, "ocr", "workers", "-1"), FG_ERR_CONFIG);
    assert_int_equal(fg_config_int(cfg, "ocr", "workers"), 2);
    fg_config_free(cfg);
}

/* faxgated and faxgatectl find the control socket by the same rule: the key, else beside the store. */
/* A copy keeps the values, what is a default, and the [number] sections, and changes apart from
   the original. */
static void test_dup_is_independent(void **state)
{
    fg_config *a, *b;

    (void)state;
    assert_int_equal(fg_config_new(&a), FG_OK);
    assert_int_equal(fg_config_load_string(a, "[classify]\nhold = 4.5\n[number +442075550100]\nowner = person\n",
                                           "a"), FG_OK);
    assert_int_equal(fg_config_dup(a, &b), FG_OK);
    assert_true(fg_config_double(b, "classify", "hold") == 4.5);
    assert_int_equal(fg_config_numbers(b), 1);
    assert_string_equal(fg_config_number(b, 0, "owner"), "person");
    assert_int_equal(fg_config_set(b, "classify", "hold", "3.5"), FG_OK);
    assert_int_equal(fg_config_load_string(b, "[number +442075550100]\nowner = business\n", "b"), FG_OK);
    assert_true(fg_config_double(a, "classify", "hold") == 4.5);
    assert_string_equal(fg_config_number(a, 0, "owner"), "person");
    assert_string_equal(fg_config_number(b, 0, "owner"), "business");
    fg_config_free(a);
    assert_true(fg_config_double(b, "classify", "hold") == 3.5);
    fg_config_free(b);
}

static void test_control_socket_path(void **state)
{
    char path[108], longer[200];
    fg_config *cfg;

    (void)state;
    assert_int_equal(fg_config_new(&cfg), FG_OK);
    assert_int_equal(fg_config_control_socket(cfg, path, sizeof path), FG_OK);
    assert_string_equal(path, "/var/lib/faxgate/faxgate.db.sock");
    assert_int_equal(fg_config_set(cfg, "store", "db", "/tmp/t/x.db"), FG_OK);
    assert_int_equal(fg_config_control_socket(cfg, path, sizeof path), FG_OK);
    assert_string_equal(path, "/tmp/t/x.db.sock");
    assert_int_equal(fg_config_set(cfg, "control", "socket", "/run/faxgate/control"), FG_OK);
    assert_int_equal(fg_config_control_socket(cfg, path, sizeof path), FG_OK);
    assert_string_equal(path, "/run/faxgate/control");
    /* a path a Unix socket cannot hold is refused when read, and said so when used */
    memset(longer, 'a', sizeof longer - 1);
    longer[0] = '/';
    longer[sizeof longer - 1] = '\0';
    assert_int_equal(fg_config_set(cfg, "control", "socket", longer), FG_ERR_CONFIG);
    assert_int_equal(fg_config_set(cfg, "control", "socket", ""), FG_OK);
    longer[120] = '/';   /* a store whose folder alone fills the socket's path */
    longer[150] = '\0';
    assert_int_equal(fg_config_set(cfg, "store", "db", longer), FG_OK);
    assert_int_equal(fg_config_control_socket(cfg, path, sizeof path), FG_ERR_CONFIG);
    assert_non_null(strstr(fg_err_msg(FG_ERR_CONFIG), "[control] socket"));
    assert_int_equal(fg_config_set(cfg, "log", "target", "journal"), FG_OK);
    assert_int_equal(fg_config_set(cfg, "log", "target", "eventlog"), FG_ERR_CONFIG);
    fg_config_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_are_complete),
        cmocka_unit_test(test_file_merges_over_defaults),
        cmocka_unit_test(test_corrupt_files_are_refused),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_set_validates),
        cmocka_unit_test(test_dup_is_independent),
        cmocka_unit_test(test_control_socket_path),
    };

    return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
