/* faxgate — the web admin's foundations: HTML escaping of hostile fax text, tokens and CSRF
   checks, password hashing, the failed-login limiter, form decoding, sessions that expire, the
   audit log, and [web] listen kept on loopback. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "faxgate/config.h"
#include "faxgate/store.h"
#include "store_impl.h"   /* the store's database handle, to count the steps a listing takes */
#include "html.h"
#include "testutil.h"
#include "webauth.h"
#include "webreq.h"

static char *escaped(const char *s)
{
    fg_html h = {0};

    fg_html_text(&h, s);
    return fg_html_take(&h, NULL);
}

/* Every string a fax carries comes out as text: no tag, no attribute break-out, no entity left raw. */
static void test_escape_hostile_text(void **state)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
        {"\"><img src=x onerror=alert(1)>", "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"},
        {"javascript:alert(1)", "javascript:alert(1)"},   /* harmless as text: it is never put in a link */
        {"O'Brien & \"Sons\"", "O&#39;Brien &amp; &quot;Sons&quot;"},
        {"&lt;", "&amp;lt;"},
        {"caf\xc3\xa9 \xe2\x82\xac 5", "caf\xc3\xa9 \xe2\x82\xac 5"},   /* valid UTF-8 is kept */
        {"a\xff" "b", "a\xef\xbf\xbd" "b"},                           /* a stray byte */
        {"\xc0\xbc" "script", "\xef\xbf\xbd\xef\xbf\xbd" "script"},     /* overlong '<' */
        {"\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},     /* a UTF-16 surrogate */
        {"\xe2\x82", "\xef\xbf\xbd\xef\xbf\xbd"},                     /* cut short at the end */
        {"tab\tnl\ncr\rnul-less\x01", "tab\tnl\ncr\xef\xbf\xbdnul-less\xef\xbf\xbd"},
        {"", ""},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = escaped(cases[i].in);

        assert_non_null(got);
        if (strcmp(got, cases[i].out))
            fail_msg("case %zu: escaped to '%s', want '%s'", i, got, cases[i].out);
        assert_null(strchr(got, '<'));
        assert_null(strchr(got, '"'));
        free(got);
    }
}

static void test_query_and_markup(void **state)
{
    fg_html h = {0};
    char *s;

    (void)state;
    fg_html_raw(&h, "<a href=\"/calls?advertiser=");
    fg_html_query(&h, "\"><script>x</script> & é");
    fg_html_raw(&h, "&amp;before=");
    fg_html_int(&h, -42);
    fg_html_raw(&h, "\">");
    fg_html_text(&h, NULL);   /* nothing, no crash */
    s = fg_html_take(&h, NULL);
    assert_string_equal(s, "<a href=\"/calls?advertiser=%22%3E%3Cscript%3Ex%3C%2Fscript%3E%20%26%20%C3%A9&amp;before=-42\">");
    free(s);
    s = fg_html_take(&h, NULL);   /* an empty writer gives "" */
    assert_string_equal(s, "");
    free(s);
}

static void test_tokens_and_csrf(void **state)
{
    char a[FG_TOKEN_HEX], b[FG_TOKEN_HEX], ha[FG_TOKEN_HEX], ha2[FG_TOKEN_HEX], shorter[FG_TOKEN_HEX];

    (void)state;
    assert_int_equal(fg_webauth_init(), FG_OK);
    fg_token_new(a);
    fg_token_new(b);
    assert_int_equal(strlen(a), 64);
    assert_string_not_equal(a, b);
    fg_token_hash(a, ha);
    fg_token_hash(a, ha2);
    assert_string_equal(ha, ha2);
    assert_string_not_equal(ha, a);
    assert_true(fg_token_equal(a, a));
    assert_false(fg_token_equal(a, b));
    assert_false(fg_token_equal(a, NULL));
    assert_false(fg_token_equal(a, ""));
    snprintf(shorter, sizeof shorter, "%.63s", a);
    assert_false(fg_token_equal(a, shorter));
    assert_false(fg_token_equal(NULL, a));
    assert_false(fg_token_equal("", ""));   /* a session without a token never matches an empty field */
}

static void test_password_hash_and_verify(void **state)
{
    char h1[FG_PWHASH_LEN], h2[FG_PWHASH_LEN];

    (void)state;
    assert_int_equal(fg_webauth_init(), FG_OK);
    assert_int_equal(fg_pw_hash("correct horse", h1), FG_OK);
    assert_int_equal(fg_pw_hash("correct horse", h2), FG_OK);
    assert_memory_equal(h1, "$argon2id$", 10);
    assert_string_not_equal(h1, h2);   /* salted */
    assert_true(fg_pw_verify(h1, "correct horse"));
    assert_true(fg_pw_verify(h2, "correct horse"));
    assert_false(fg_pw_verify(h1, "correct horsE"));
    assert_false(fg_pw_verify(h1, ""));
    assert_false(fg_pw_verify("", "correct horse"));
    assert_false(fg_pw_verify("$argon2i$v=19$m=4096,t=3,p=1$c2FsdA$aGFzaA", "x"));
    assert_false(fg_pw_verify(NULL, "correct horse"));
    assert_int_equal(fg_pw_hash("short", h1), FG_ERR_INVAL);
    fg_pw_verify_dummy("anything");
    assert_true(fg_username_ok("alice.o-k_2"));
    assert_false(fg_username_ok("-rf"));
    assert_false(fg_username_ok("a b"));
    assert_false(fg_username_ok("<x>"));
    assert_false(fg_username_ok(""));
    assert_int_equal(fg_role_rank("admin"), 3);
    assert_int_equal(fg_role_rank("operator"), 2);
    assert_int_equal(fg_role_rank("viewer"), 1);
    assert_int_equal(fg_role_rank("root"), 0);
}

static void test_ratelimit(void **state)
{
    fg_ratelimit *rl = fg_ratelimit_new(3, 60, 300);
    int wait = 0;

    (void)state;
    assert_non_null(rl);
    fg_ratelimit_fail(rl, "user:alice", 1000);
    fg_ratelimit_fail(rl, "user:alice", 1001);
    assert_false(fg_ratelimit_locked(rl, "user:alice", 1002, NULL));
    fg_ratelimit_fail(rl, "user:alice", 1002);
    assert_true(fg_ratelimit_locked(rl, "user:alice", 1003, &wait));
    assert_int_equal(wait, 299);
    assert_false(fg_ratelimit_locked(rl, "user:bob", 1003, NULL));
    assert_false(fg_ratelimit_locked(rl, "user:alice", 1302, NULL));   /* the lock ran out */
    /* failures spread beyond the window do not add up */
    fg_ratelimit_fail(rl, "addr:192.0.2.1", 2000);
    fg_ratelimit_fail(rl, "addr:192.0.2.1", 2001);
    fg_ratelimit_fail(rl, "addr:192.0.2.1", 2100);
    assert_false(fg_ratelimit_locked(rl, "addr:192.0.2.1", 2101, NULL));
    fg_ratelimit_clear(rl, "addr:192.0.2.1");
    /* many addresses cannot grow it without bound, and the newest keeps its count */
    for (int i = 0; i < 5000; i++) {
        char key[32];

        snprintf(key, sizeof key, "addr:10.0.%d.%d", i / 256, i % 256);
        fg_ratelimit_fail(rl, key, 3000 + i);
    }
    for (int i = 0; i < 3; i++)
        fg_ratelimit_fail(rl, "user:mallory", 9000);
    assert_true(fg_ratelimit_locked(rl, "user:mallory", 9001, NULL));
    fg_ratelimit_free(rl);
    fg_ratelimit_free(NULL);
}

static void test_form_parse(void **state)
{
    static const char body[] = "csrf=ab%2Bc&id=1&id=2&note=a+b%20%3Cc%3E&empty=&flag";
    fg_form f;
    int ids = 0;

    (void)state;
    assert_int_equal(fg_form_parse(body, strlen(body), &f), FG_OK);
    assert_string_equal(fg_form_get(&f, "csrf"), "ab+c");
    assert_string_equal(fg_form_get(&f, "note"), "a b <c>");
    assert_string_equal(fg_form_get(&f, "empty"), "");
    assert_string_equal(fg_form_get(&f, "flag"), "");
    assert_null(fg_form_get(&f, "missing"));
    for (int i = 0; i < f.n; i++)
        ids += !strcmp(f.key[i], "id");
    assert_int_equal(ids, 2);
    fg_form_free(&f);
    assert_int_equal(fg_form_parse("a=%zz", 5, &f), FG_ERR_FORMAT);
    fg_form_free(&f);
    assert_int_equal(fg_form_parse("a=%00", 5, &f), FG_ERR_FORMAT);
    fg_form_free(&f);
    assert_int_equal(fg_form_parse("a=%4", 4, &f), FG_ERR_FORMAT);
    fg_form_free(&f);
}

/* Sessions live until they expire, end at logout, and a new password ends them all. */
static void test_sessions_expire(void **state)
{
    char dir[256], db[300], tok[FG_TOKEN_HEX], id[FG_TOKEN_HEX], old[FG_TOKEN_HEX], csrf[FG_TOKEN_HEX], hash[FG_PWHASH_LEN];
    fg_web_user u;
    fg_store *st;
    char *json = NULL;

    (void)state;
    assert_int_equal(fg_test_tmpdir(dir, sizeof dir), 0);
    snprintf(db, sizeof db, "%s/faxgate.db", dir);
    assert_int_equal(fg_store_open(db, &st), FG_OK);
    assert_int_equal(fg_webauth_init(), FG_OK);
    assert_int_equal(fg_pw_hash("a long password", hash), FG_OK);
    assert_int_equal(fg_store_user_add(st, "alice", "operator", hash), FG_OK);
    assert_int_equal(fg_store_user_add(st, "alice", "viewer", hash), FG_ERR_EXISTS);
    assert_int_equal(fg_store_user_get(st, "alice", &u), FG_OK);
    assert_string_equal(u.role, "operator");
    assert_true(fg_pw_verify(u.pwhash, "a long password"));
    assert_int_equal(fg_store_user_get(st, "nobody", &(fg_web_user){0}), FG_ERR_NOTFOUND);

    fg_token_new(tok);
    fg_token_hash(tok, id);
    fg_token_new(csrf);
    assert_int_equal(fg_store_session_add(st, id, u.id, csrf, 3600, "127.0.0.1"), FG_OK);
    memset(&u, 0, sizeof u);
    assert_int_equal(fg_store_session_get(st, id, &u), FG_OK);
    assert_string_equal(u.name, "alice");
    assert_string_equal(u.csrf, csrf);
    assert_int_equal(fg_store_session_get(st, tok, &(fg_web_user){0}), FG_ERR_NOTFOUND);   /* the token is not the key */

    /* one that expired is refused and removed */
    fg_token_new(tok);
    fg_token_hash(tok, old);
    assert_int_equal(fg_store_session_add(st, old, u.id, csrf, -1, NULL), FG_OK);
    assert_int_equal(fg_store_session_get(st, old, &(fg_web_user){0}), FG_ERR_NOTFOUND);
    assert_int_equal(fg_store_session_remove(st, old), FG_OK);

    /* logout */
    assert_int_equal(fg_store_session_remove(st, id), FG_OK);
    assert_int_equal(fg_store_session_get(st, id, &u), FG_ERR_NOTFOUND);

    /* a new password ends the sessions */
    assert_int_equal(fg_store_user_get(st, "alice", &u), FG_OK);
    assert_int_equal(fg_store_session_add(st, id, u.id, csrf, 3600, NULL), FG_OK);
    assert_int_equal(fg_store_user_passwd(st, "alice", hash), FG_OK);
    assert_int_equal(fg_store_session_get(st, id, &u), FG_ERR_NOTFOUND);
    /* and removing the account too */
    assert_int_equal(fg_store_user_get(st, "alice", &u), FG_OK);
    assert_int_equal(fg_store_session_add(st, id, u.id, csrf, 3600, NULL), FG_OK);
    assert_int_equal(fg_store_user_remove(st, "alice"), FG_OK);
    assert_int_equal(fg_store_session_get(st, id, &u), FG_ERR_NOTFOUND);
    assert_int_equal(fg_store_user_remove(st, "alice"), FG_ERR_NOTFOUND);

    /* the audit log keeps what was done, append-only */
    assert_int_equal(fg_store_audit(st, "alice", "block add", "advertiser name ACME", "note", "127.0.0.1"), FG_OK);
    assert_int_equal(fg_store_audit_json(st, 10, &json), FG_OK);
    assert_non_null(strstr(json, "\"action\":\"block add\""));
    free(json);
    fg_store_close(st);
    fg_test_rm_rf(dir);
}

static fg_err web_addr(const char *listen, const char *remote)
{
    struct sockaddr_storage sa;
    socklen_t len;
    fg_config *cfg;
    fg_err e;

    assert_int_equal(fg_config_new(&cfg), FG_OK);
    if ((e = fg_config_set(cfg, "web", "listen", listen)) == FG_OK &&
        (e = fg_config_set(cfg, "web", "allow_remote", remote)) == FG_OK)
        e = fg_config_web_addr(cfg, &sa, &len);
    fg_config_free(cfg);
    return e;
}

static void test_listen_stays_on_loopback(void **state)
{
    (void)state;
    assert_int_equal(web_addr("", "no"), FG_ERR_NOTFOUND);   /* off by default */
    assert_int_equal(web_addr("http://127.0.0.1:8080", "no"), FG_OK);
    assert_int_equal(web_addr("http://127.0.0.1:0", "no"), FG_OK);
    assert_int_equal(web_addr("http://localhost:8080", "no"), FG_OK);
    assert_int_equal(web_addr("http://[::1]:8080", "no"), FG_OK);
    assert_int_equal(web_addr("http://0.0.0.0:8080", "no"), FG_ERR_CONFIG);
    assert_int_equal(web_addr("http://192.0.2.7:8080", "no"), FG_ERR_CONFIG);
    assert_non_null(strstr(fg_err_msg(FG_ERR_CONFIG), "allow_remote"));
    assert_int_equal(web_addr("http://[::]:8080", "no"), FG_ERR_CONFIG);
    assert_int_equal(web_addr("http://192.0.2.7:8080", "yes"), FG_OK);
    assert_int_equal(web_addr("http://127.0.0.1", "no"), FG_ERR_CONFIG);
    /* https (cert and key are read by the daemon): the same loopback rule */
    assert_int_equal(web_addr("https://127.0.0.1:8443", "no"), FG_OK);
    assert_int_equal(web_addr("https://[::1]:8443", "no"), FG_OK);
    assert_int_equal(web_addr("https://0.0.0.0:8443", "no"), FG_ERR_CONFIG);
    assert_int_equal(web_addr("https://192.0.2.7:8443", "yes"), FG_OK);
    assert_int_equal(web_addr("https://127.0.0.1", "no"), FG_ERR_CONFIG);
    assert_int_equal(web_addr("ftp://127.0.0.1:21", "no"), FG_ERR_CONFIG);
}

/* SQLite virtual-machine steps of the statements a listing runs: the work it does, the same on
   any machine and under any emulator or sanitizer (a time limit would not be). */
static long long vm_steps;

static int count_steps(unsigned type, void *ctx, void *p, void *x)
{
    (void)ctx;
    (void)x;
    if (type == SQLITE_TRACE_PROFILE)
        vm_steps += sqlite3_stmt_status(p, SQLITE_STMTSTATUS_VM_STEP, 0);
    return 0;
}

/* Runs one listing, checks its first and last id and its length, returns the VM steps it took. */
static long long page_steps(fg_store *st, const fg_calls_filter *f, long long first, long long last, int n)
{
    char *json = NULL, want[64];
    int count = 0;

    vm_steps = 0;
    assert_int_equal(sqlite3_trace_v2(st->db, SQLITE_TRACE_PROFILE, count_steps, NULL), SQLITE_OK);
    assert_int_equal(fg_store_calls_page_json(st, f, &json), FG_OK);
    sqlite3_trace_v2(st->db, 0, NULL, NULL);
    snprintf(want, sizeof want, "{\"id\":%lld,", first);
    if (first && strncmp(json + 1, want, strlen(want)))
        fail_msg("listing starts '%.60s', want id %lld", json, first);
    snprintf(want, sizeof want, "{\"id\":%lld,", last);
    if (last && !strstr(json, want))
        fail_msg("listing has no id %lld", last);
    for (const char *p = json; (p = strstr(p, "{\"id\":")); p++)
        count++;
    assert_int_equal(count, n);
    free(json);
    return vm_steps;
}

/* 100 000 calls: every page of the list, filtered or not, deep or not, costs about the same as
   the first (keyset paging, and v12's indexes for the verdict and advertiser filters). */
static void test_call_list_scales(void **state)
{
    char dir[256], db[300];
    fg_store *st;
    sqlite3 *raw;
    long long t[8];

    (void)state;
    assert_int_equal(fg_test_tmpdir(dir, sizeof dir), 0);
    snprintf(db, sizeof db, "%s/faxgate.db", dir);
    assert_int_equal(fg_store_open(db, &st), FG_OK);
    fg_store_close(st);
    assert_int_equal(sqlite3_open(db, &raw), SQLITE_OK);
    /* one call in 100 held, one in 1000 from ACME (the oldest ones), one in 50 in campaign 7 */
    assert_int_equal(sqlite3_exec(raw,
        "BEGIN; INSERT INTO campaigns(id, first_seen, last_seen) VALUES (7, '2026-01-01', '2026-01-01');"
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)"
        " INSERT INTO calls(id, started, state, pages, tsi, verdict, advertiser, campaign_id)"
        " SELECT i, strftime('%Y-%m-%dT%H:%M:%SZ', '2026-01-01', printf('+%d minutes', i)), 'received', 1,"
        " 'TSI ' || i, CASE WHEN i % 100 = 0 THEN 'hold' ELSE 'deliver' END,"
        " CASE WHEN i % 1000 = 0 AND i <= 10000 THEN 'Acme Toner' ELSE 'Seller ' || (i % 97) END,"
        " CASE WHEN i % 50 = 0 THEN 7 END FROM n; COMMIT;", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(raw);
    assert_int_equal(fg_store_open(db, &st), FG_OK);
    t[0] = page_steps(st, &(fg_calls_filter){.limit = 51}, 100000, 99950, 51);
    t[1] = page_steps(st, &(fg_calls_filter){.limit = 51, .before = 1000}, 999, 949, 51);
    t[2] = page_steps(st, &(fg_calls_filter){.limit = 51, .verdict = "hold", .before = 20000}, 19900, 14900, 51);
    t[3] = page_steps(st, &(fg_calls_filter){.limit = 51, .advertiser = "ACME TONER"}, 10000, 1000, 10);
    t[4] = page_steps(st, &(fg_calls_filter){.limit = 51, .campaign = 7, .before = 50000}, 49950, 47450, 51);
    t[5] = page_steps(st, &(fg_calls_filter){.limit = 51, .from = "2026-01-10", .to = "2026-01-10"}, 14399, 14349, 51);
    t[6] = page_steps(st, &(fg_calls_filter){.limit = 51, .from = "2026-01-10", .to = "2026-01-10", .before = 14349},
                   14348, 14298, 51);
    t[7] = page_steps(st, &(fg_calls_filter){.limit = 51, .from = "2026-01-01", .to = "2026-01-01", .before = 30}, 29, 1, 29);
    fprintf(stderr, "# 100000 calls, SQLite VM steps a page: first %lld, deep %lld, held %lld, advertiser %lld, "
                    "campaign %lld, one day %lld, its next page %lld, the first day's last page %lld\n", t[0], t[1], t[2],
            t[3], t[4], t[5], t[6], t[7]);
    /* 2 400-3 600 steps a page here, 20 000 for the first day's last page (the day's rows before id
       30); with the v12 indexes dropped (calls_advertiser, calls_verdict, calls_started) the
       advertiser page took 300 000 and a day's pages 615 000-645 000: a full scan of the calls */
    for (int i = 0; i < 8; i++)
        if (t[i] > 50000)
            fail_msg("listing %d took %lld SQLite VM steps with 100 000 calls", i, t[i]);
    fg_store_close(st);
    fg_test_rm_rf(dir);
}

/* How faxgated reads a request's path, Host, Origin, cookie, query and ids (webreq.c, fuzzed by
   tests/fuzz/fuzz_webreq.c): one canonical path per route. Before, /calls/042/page/+3.png.png was
   page 3 of call 42 (sscanf's %d, which overflows undefined on a long number). */
static void test_request_reading(void **state)
{
    static const struct {
        const char *url;
        bool post;
        fg_web_route_id id;
        long long call;
        int page;
    } cases[] = {
        {"/calls", false, FG_WEB_CALLS, 0, 0},
        {"/calls", true, FG_WEB_NOT_FOUND, 0, 0},
        {"/quarantine", true, FG_WEB_BULK_ACTION, 0, 0},
        {"/logout", false, FG_WEB_NOT_FOUND, 0, 0},
        {"/calls/42", false, FG_WEB_CALL, 42, 0},
        {"/calls/42/page/3.png", false, FG_WEB_PAGE_PNG, 42, 3},
        {"/calls/42/page/9999.png", false, FG_WEB_PAGE_PNG, 42, 9999},
        {"/calls/42/page/10000.png", false, FG_WEB_NOT_FOUND, 0, 0},
        {"/calls/42/page/99999999999999999999.png", false, FG_WEB_NOT_FOUND, 0, 0},
        {"/calls/42/page/+3.png", false, FG_WEB_NOT_FOUND, 0, 0},
        {"/calls/42/page/ 3.png", false, FG_WEB_NOT_FOUND, 0, 0},
        {"/calls/42/page/3.png.png", false, FG_WEB_NOT_FOUND, 0, 0},
        {"/calls/42/page/0.png", false, FG_WEB_NOT_FOUND, 0, 0},
        {"/calls/042", false, FG_WEB_NOT_FOUND, 0, 0},
        {"/calls/0", false, FG_WEB_NOT_FOUND, 0, 0},
        {"/calls/9007199254740992/thumb.png", false, FG_WEB_THUMB, 9007199254740992LL, 0},
        {"/calls/9007199254740993", false, FG_WEB_NOT_FOUND, 0, 0},
        {"/calls/12/release", true, FG_WEB_RELEASE, 12, 0},
        {"/calls/12/release", false, FG_WEB_NOT_FOUND, 0, 0},
        {"/calls/12/junk", true, FG_WEB_JUNK, 12, 0},
        {"/calls/12/report.pdf", false, FG_WEB_CALL_REPORT, 12, 0},
    };
    char out[64];
    int64_t id;

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fg_web_route rt;

        if (fg_web_route_of(cases[i].url, cases[i].post, &rt) != cases[i].id || rt.call != cases[i].call ||
            rt.page != cases[i].page)
            fail_msg("%s %s: route %d call %lld page %d", cases[i].post ? "POST" : "GET", cases[i].url, rt.id,
                     (long long)rt.call, rt.page);
    }
    assert_true(fg_web_host_ok("LocalHost:8080", 8080, false));
    assert_false(fg_web_host_ok("evil.example:8080", 8080, false));
    assert_false(fg_web_host_ok("127.0.0.1:80800", 8080, false));
    assert_true(fg_web_host_ok("evil.example", 8080, true));
    /* host names are case-insensitive: a Host the Host check took is also a good Origin */
    assert_true(fg_web_same_origin("http://localhost:8080", "LocalHost:8080", false));
    assert_false(fg_web_same_origin("https://localhost:8080", "localhost:8080", false));
    assert_false(fg_web_same_origin("http://localhost:8080", NULL, false));
    assert_false(fg_web_same_origin("http://", "", false));
    assert_true(fg_web_same_origin(NULL, NULL, true));
    assert_true(fg_web_token_shape("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
    assert_false(fg_web_token_shape("0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef"));
    /* a bulk action's ids: digits only (strtoll took " 14", "+14") */
    assert_true(fg_web_call_id("14", &id) && id == 14);
    assert_false(fg_web_call_id("+14", &id));
    assert_false(fg_web_call_id(" 14", &id));
    assert_false(fg_web_call_id("0x10", &id));
    assert_false(fg_web_call_id("", &id));
    assert_false(fg_web_call_id("99999999999999999999", &id));
    assert_int_equal(fg_web_id_arg("9007199254740992"), 9007199254740992LL);
    assert_int_equal(fg_web_id_arg("9007199254740993"), -1);
    assert_int_equal(fg_web_id_arg("12a"), -1);
    assert_int_equal(fg_web_id_arg(""), 0);
    fg_web_file_name("ACME Travel \xc3\xa9t\xc3\xa9/../..", out, sizeof out);
    assert_string_equal(out, "acme-travel-t");
    fg_web_file_name("///", out, sizeof out);
    assert_string_equal(out, "advertiser");
    assert_string_equal(fg_web_loggable("a\r\nb\x7f", out, sizeof out), "a??b?");
}

static const char *args_of(void *user, const char *name)
{
    return fg_form_get(user, name);
}

static void test_calls_filter(void **state)
{
    static const char *const bad[] = {"verdict=maybe", "from=2026-1-01", "to=2026-01-01x", "campaign=-1",
                                      "before=1e9", "before=99999999999999999999"};
    fg_calls_filter f;
    fg_form q;
    const char *good = "verdict=hold&advertiser=Acme+%26+Co&campaign=12&from=2026-01-01&to=2026-12-31&before=99";

    (void)state;
    assert_int_equal(fg_form_parse(good, strlen(good), &q), FG_OK);
    assert_null(fg_web_calls_filter(args_of, &q, false, 51, &f));
    assert_string_equal(f.verdict, "hold");
    assert_string_equal(f.advertiser, "Acme & Co");
    assert_int_equal(f.campaign, 12);
    assert_int_equal(f.before, 99);
    assert_int_equal(f.limit, 51);
    fg_form_free(&q);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(fg_form_parse(bad[i], strlen(bad[i]), &q), FG_OK);
        if (!fg_web_calls_filter(args_of, &q, false, 51, &f))
            fail_msg("%s was taken", bad[i]);
        fg_form_free(&q);
    }
    assert_int_equal(fg_form_parse("verdict=drop", 12, &q), FG_OK);
    assert_null(fg_web_calls_filter(args_of, &q, true, 51, &f));
    assert_string_equal(f.verdict, "hold");   /* the quarantine is the held calls, whatever is asked */
    fg_form_free(&q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape_hostile_text),
        cmocka_unit_test(test_query_and_markup),
        cmocka_unit_test(test_tokens_and_csrf),
        cmocka_unit_test(test_password_hash_and_verify),
        cmocka_unit_test(test_ratelimit),
        cmocka_unit_test(test_form_parse),
        cmocka_unit_test(test_sessions_expire),
        cmocka_unit_test(test_listen_stays_on_loopback),
        cmocka_unit_test(test_call_list_scales),
        cmocka_unit_test(test_request_reading),
        cmocka_unit_test(test_calls_filter),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
