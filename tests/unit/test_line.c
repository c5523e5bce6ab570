/* faxgate — AudioSocket line driver: framing, hostile peers, partial reads, hangups, over loopback. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "faxgate/line.h"
#include "testutil.h"

/* ---- framing ------------------------------------------------------------------------------ */

static void test_encode_parse_round_trip(void **state)
{
    static const uint8_t uuid[16] = {0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0,
                                     0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};
    const struct { uint8_t kind; const void *p; uint16_t len; } cases[] = {
        {FG_AS_HANGUP, NULL, 0}, {FG_AS_UUID, uuid, 16}, {FG_AS_DTMF, "5", 1},
        {FG_AS_AUDIO, "\x01\x00\xff\x7f", 4}, {FG_AS_CALLINFO, "caller-id=+15551234567\n", 23},
        {FG_AS_ERROR, "\x03", 1}, {0x42, "whatever", 8},
    };
    uint8_t buf[256], all[1024];
    size_t total = 0;

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = fg_as_encode(cases[i].kind, cases[i].p, cases[i].len, buf, sizeof buf), used = 0;
        fg_as_frame f;

        assert_int_equal(n, FG_AS_HEADER + cases[i].len);
        assert_int_equal(fg_as_parse(buf, n, &f, &used), FG_OK);
        assert_int_equal(used, n);
        assert_int_equal(f.kind, cases[i].kind);
        assert_int_equal(f.len, cases[i].len);
        if (cases[i].len)
            assert_memory_equal(f.payload, cases[i].p, cases[i].len);
        /* every proper prefix asks for more bytes, none is an error */
        for (size_t k = 0; k < n; k++)
            assert_int_equal(fg_as_parse(buf, k, &f, &used), FG_ERR_STATE);
        memcpy(all + total, buf, n);
        total += n;
    }
    /* back to back in one buffer, as they come off a socket */
    for (size_t off = 0, i = 0; off < total; i++) {
        fg_as_frame f;
        size_t used;

        assert_int_equal(fg_as_parse(all + off, total - off, &f, &used), FG_OK);
        assert_int_equal(f.kind, cases[i].kind);
        off += used;
    }
    assert_int_equal(fg_as_encode(FG_AS_AUDIO, "\0\0\0\0", 4, buf, 6), 0);   /* too small: nothing */
    assert_int_equal(fg_as_encode(FG_AS_AUDIO, "\0\0\0\0", 4, buf, 7), 7);
}

static void expect_format(const uint8_t *buf, size_t len, const char *want)
{
    fg_as_frame f;
    size_t used = 0;
    fg_err e = fg_as_parse(buf, len, &f, &used);

    assert_int_equal(e, FG_ERR_FORMAT);
    if (!strstr(fg_err_msg(e), want))
        fail_msg("message '%s' does not contain '%s'", fg_err_msg(e), want);
}

static void test_parse_refuses_impossible_messages(void **state)
{
    static const uint8_t odd[] = {FG_AS_AUDIO, 0x00, 0x03, 1, 2, 3};
    static const uint8_t huge[] = {FG_AS_AUDIO, 0x3e, 0x82};        /* 8001 samples: judged from the header */
    static const uint8_t uuid15[] = {FG_AS_UUID, 0x00, 0x0f};
    static const uint8_t dtmf2[] = {FG_AS_DTMF, 0x00, 0x02, '1', '2'};
    static const uint8_t info[] = {FG_AS_CALLINFO, 0xff, 0xff};
    static const uint8_t unknown[] = {0x7e, 0x00, 0x02, 'h', 'i'};
    static const uint8_t max_audio[] = {FG_AS_AUDIO, 0x3e, 0x80};   /* exactly one second: fine, wants payload */
    fg_as_frame f;
    size_t used;

    (void)state;
    expect_format(odd, sizeof odd, "must be even");
    expect_format(huge, sizeof huge, "longer than 8000");
    expect_format(uuid15, sizeof uuid15, "a UUID is 16 bytes");
    expect_format(dtmf2, sizeof dtmf2, "a digit is 1 byte");
    expect_format(info, sizeof info, "call-info message of 65535 bytes");
    assert_int_equal(fg_as_parse(unknown, sizeof unknown, &f, &used), FG_OK);
    assert_int_equal(used, sizeof unknown);
    assert_int_equal(fg_as_parse(max_audio, sizeof max_audio, &f, &used), FG_ERR_STATE);
}

static void test_parse_random_bytes(void **state)
{
    uint8_t buf[600];
    uint32_t x = 12345;

    (void)state;
    for (int round = 0; round < 20000; round++) {
        size_t len = 0, off = 0;

        x = x * 1103515245u + 12345u;
        len = (x >> 8) % sizeof buf;
        for (size_t i = 0; i < len; i++) {
            x = x * 1103515245u + 12345u;
            buf[i] = (uint8_t)(x >> 16);
        }
        if (round % 2)
            buf[1] = 0;   /* small lengths, so that whole messages also occur */
        while (off < len) {
            fg_as_frame f;
            size_t used = 0;
            fg_err e = fg_as_parse(buf + off, len - off, &f, &used);

            if (e != FG_OK) {
                assert_true(e == FG_ERR_STATE || e == FG_ERR_FORMAT);
                break;
            }
            assert_true(used >= FG_AS_HEADER && used <= len - off);
            assert_ptr_equal(f.payload, buf + off + FG_AS_HEADER);
            off += used;
        }
    }
}

/* ---- sockets ------------------------------------------------------------------------------ */

typedef struct fx {
    fg_listener *lst;
    fg_line *srv, *cli;
    int raw;     /* a hand-driven peer: plain TCP, writing whatever bytes the test wants */
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);

    if (!f)
        return -1;
    f->raw = -1;
    if (fg_line_listen("audiosocket://127.0.0.1:0", &f->lst) != FG_OK) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;

    fg_line_free(f->srv);
    fg_line_free(f->cli);
    if (f->raw >= 0)
        close(f->raw);
    fg_listener_free(f->lst);
    free(f);
    return 0;
}

static int listener_port(const fg_listener *l)
{
    const char *p = strrchr(fg_listener_uri(l), ':');

    return p ? atoi(p + 1) : 0;
}

static void accept_srv(fx *f)
{
    struct pollfd p = {.fd = fg_listener_fd(f->lst), .events = POLLIN};

    assert_int_equal(poll(&p, 1, 5000), 1);
    assert_int_equal(fg_line_accept(f->lst, &f->srv), FG_OK);
}

static void raw_connect(fx *f)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)listener_port(f->lst))};

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_true((f->raw = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) >= 0);
    assert_int_equal(connect(f->raw, (struct sockaddr *)&a, sizeof a), 0);
    accept_srv(f);
}

static void raw_write(fx *f, const void *p, size_t n)
{
    assert_int_equal(send(f->raw, p, n, MSG_NOSIGNAL), (ssize_t)n);
}

static void test_listener_and_call(void **state)
{
    fx *f = *state;
    int16_t out[160], in[160];
    fg_line *tmp;
    int n = -1;

    assert_true(listener_port(f->lst) > 0);   /* port 0 became a real port */
    assert_non_null(strstr(fg_listener_uri(f->lst), "audiosocket://127.0.0.1:"));
    assert_int_equal(fg_line_accept(f->lst, &tmp), FG_ERR_TIMEOUT);   /* nobody calling yet */
    assert_int_equal(fg_line_connect(fg_listener_uri(f->lst), "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "+15551234567",
                                     &f->cli), FG_OK);
    accept_srv(f);
    for (int i = 0; i < 160; i++)
        out[i] = (int16_t)(i * 411 - 32768);
    /* UUID and call info arrive before any audio and are taken on the way */
    assert_int_equal(fg_line_recv(f->srv, in, 160, &n, 50), FG_ERR_TIMEOUT);
    assert_int_equal(n, 0);
    assert_string_equal(fg_line_uuid(f->srv), "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
    assert_string_equal(fg_line_caller_id(f->srv), "+15551234567");
    assert_string_equal(fg_line_uri(f->srv), fg_listener_uri(f->lst));
    assert_string_equal(fg_line_uri(f->cli), fg_listener_uri(f->lst));
    assert_int_equal(fg_line_send(f->cli, out, 160), FG_OK);
    assert_int_equal(fg_line_recv(f->srv, in, 160, &n, 2000), FG_OK);
    assert_int_equal(n, 160);
    assert_memory_equal(in, out, sizeof out);
    /* and back; a frame bigger than the caller's buffer comes out in pieces */
    assert_int_equal(fg_line_send(f->srv, out, 160), FG_OK);
    assert_int_equal(fg_line_recv(f->cli, in, 100, &n, 2000), FG_OK);
    assert_int_equal(n, 100);
    assert_int_equal(fg_line_recv(f->cli, in + 100, 60, &n, 2000), FG_OK);
    assert_int_equal(n, 60);
    assert_memory_equal(in, out, sizeof out);
    /* hangup from the caller: the gateway sees it, twice is harmless */
    fg_line_hangup(f->cli);
    fg_line_hangup(f->cli);
    assert_int_equal(fg_line_recv(f->srv, in, 160, &n, 2000), FG_ERR_HANGUP);
    assert_int_equal(fg_line_recv(f->srv, in, 160, &n, 0), FG_ERR_HANGUP);
    assert_int_equal(fg_line_send(f->cli, out, 160), FG_ERR_HANGUP);
}

static void test_random_uuid_and_no_caller_id(void **state)
{
    fx *f = *state;
    int16_t in[8];
    const char *u;
    int n;

    assert_int_equal(fg_line_connect(fg_listener_uri(f->lst), NULL, NULL, &f->cli), FG_OK);
    accept_srv(f);
    assert_int_equal(fg_line_recv(f->srv, in, 8, &n, 50), FG_ERR_TIMEOUT);
    u = fg_line_uuid(f->srv);
    assert_int_equal(strlen(u), 36);
    assert_int_equal(u[14], '4');   /* version 4 */
    assert_string_equal(u, fg_line_uuid(f->cli));
    assert_string_equal(fg_line_caller_id(f->srv), "");
}

static void test_byte_by_byte(void **state)
{
    static const char info[] = "junk\ncaller-id=  +4930\x01" "123  \nother=1";
    fx *f = *state;
    uint8_t msg[512];
    size_t len = 0;
    int16_t in[160];
    int n = 0;
    fg_err e = FG_ERR_TIMEOUT;

    raw_connect(f);
    len += fg_as_encode(FG_AS_UUID, "\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\xcc\xdd\xee\xff", 16, msg + len,
                        sizeof msg - len);
    len += fg_as_encode(FG_AS_CALLINFO, info, sizeof info - 1, msg + len, sizeof msg - len);
    len += fg_as_encode(FG_AS_DTMF, "7", 1, msg + len, sizeof msg - len);
    len += fg_as_encode(0x55, "skip me", 7, msg + len, sizeof msg - len);
    len += fg_as_encode(FG_AS_AUDIO, "\x34\x12\xcc\xed", 4, msg + len, sizeof msg - len);
    for (size_t i = 0; i < len; i++) {
        raw_write(f, msg + i, 1);
        e = fg_line_recv(f->srv, in, 160, &n, i + 1 < len ? 20 : 2000);
        if (i + 1 < len)
            assert_int_equal(e, FG_ERR_TIMEOUT);   /* a part of a message is never delivered */
    }
    assert_int_equal(e, FG_OK);
    assert_int_equal(n, 2);
    assert_int_equal(in[0], 0x1234);
    assert_int_equal(in[1], (int16_t)0xedcc);
    assert_string_equal(fg_line_uuid(f->srv), "00112233-4455-6677-8899-aabbccddeeff");
    assert_string_equal(fg_line_caller_id(f->srv), "+4930123");
}

/* A peer that sends bytes which can never be valid breaks the line for good, with a reason. */
static void expect_broken(void **state, const void *bytes, size_t len, fg_err want, const char *msg)
{
    fx *f = *state;
    int16_t in[160];
    int n;
    fg_err e;

    raw_connect(f);
    raw_write(f, bytes, len);
    e = fg_line_recv(f->srv, in, 160, &n, 2000);
    assert_int_equal(e, want);
    if (!strstr(fg_err_msg(e), msg))
        fail_msg("message '%s' does not contain '%s'", fg_err_msg(e), msg);
    assert_int_equal(fg_line_recv(f->srv, in, 160, &n, 0), want == FG_ERR_HANGUP ? FG_ERR_HANGUP : FG_ERR_PROTO);
}

static void test_odd_audio(void **state)
{
    expect_broken(state, "\x10\x00\x03\x01\x02\x03", 6, FG_ERR_PROTO, "must be even");
}

static void test_oversize_audio(void **state)
{
    expect_broken(state, "\x10\xff\xfe", 3, FG_ERR_PROTO, "longer than 8000");
}

static void test_bad_uuid(void **state)
{
    expect_broken(state, "\x01\x00\x04\x01\x02\x03\x04", 7, FG_ERR_PROTO, "a UUID is 16 bytes");
}

static void test_peer_error(void **state)
{
    expect_broken(state, "\xff\x00\x01\x05", 4, FG_ERR_PROTO, "reported an error (code 0x05)");
}

static void test_peer_hangup_message(void **state)
{
    expect_broken(state, "\x00\x00\x00", 3, FG_ERR_HANGUP, "hung up");
}

static void test_truncated_then_closed(void **state)
{
    fx *f = *state;
    int16_t in[160];
    int n;
    fg_err e;

    raw_connect(f);
    raw_write(f, "\x10\x01\x40\x00\x00", 5);   /* 160 samples promised, 1 sent */
    close(f->raw);
    f->raw = -1;
    e = fg_line_recv(f->srv, in, 160, &n, 2000);
    assert_int_equal(e, FG_ERR_HANGUP);
    assert_non_null(strstr(fg_err_msg(e), "in the middle of a message"));
}

static void test_send_to_closed_peer(void **state)
{
    fx *f = *state;
    int16_t out[160] = {0};
    fg_err e = FG_OK;

    raw_connect(f);
    close(f->raw);
    f->raw = -1;
    /* the first sends may land in kernel buffers; then the reset: no SIGPIPE, a clear hangup */
    for (int i = 0; i < 200 && e == FG_OK; i++) {
        e = fg_line_send(f->srv, out, 160);
        if (e == FG_OK)
            usleep(1000);
    }
    assert_int_equal(e, FG_ERR_HANGUP);
}

static void test_gateway_hangs_up(void **state)
{
    fx *f = *state;
    uint8_t got[16];
    ssize_t r, total = 0;

    raw_connect(f);
    fg_line_hangup(f->srv);
    fg_line_hangup(f->srv);
    while ((r = recv(f->raw, got + total, sizeof got - (size_t)total, 0)) > 0)
        total += r;
    assert_int_equal(total, 3);   /* one hangup message, then EOF */
    assert_memory_equal(got, "\x00\x00\x00", 3);
}

static void test_bad_uris(void **state)
{
    fg_listener *l = NULL;
    fg_line *ln = NULL;
    int port;

    (void)state;
    assert_int_equal(fg_line_listen("http://127.0.0.1:1", &l), FG_ERR_UNSUPPORTED);
    assert_int_equal(fg_line_listen("127.0.0.1:1", &l), FG_ERR_INVAL);
    assert_int_equal(fg_line_listen("audiosocket://127.0.0.1", &l), FG_ERR_INVAL);
    assert_int_equal(fg_line_listen("audiosocket://127.0.0.1:99999", &l), FG_ERR_INVAL);
    assert_int_equal(fg_line_listen("audiosocket://::1:9092", &l), FG_ERR_INVAL);   /* needs brackets */
    assert_int_equal(fg_line_connect("audiosocket://127.0.0.1:0", NULL, NULL, &ln), FG_ERR_INVAL);
    assert_int_equal(fg_line_connect("audiosocket://127.0.0.1:1", "not-a-uuid", NULL, &ln), FG_ERR_INVAL);
    assert_int_equal(fg_line_connect("audiosocket://127.0.0.1:1", NULL, "+1\ninjected=1", &ln), FG_ERR_INVAL);
    /* a port nobody listens on: refused, said plainly */
    assert_int_equal(fg_line_listen("audiosocket://127.0.0.1:0", &l), FG_OK);
    port = listener_port(l);
    fg_listener_free(l);
    {
        char uri[64];
        fg_err e;

        snprintf(uri, sizeof uri, "audiosocket://127.0.0.1:%d", port);
        e = fg_line_connect(uri, NULL, NULL, &ln);
        assert_int_equal(e, FG_ERR_IO);
        assert_non_null(strstr(fg_err_msg(e), "refused"));
    }
    /* IPv6 loopback, where the machine has it */
    if (fg_line_listen("audiosocket://[::1]:0", &l) == FG_OK) {
        bool named = strstr(fg_listener_uri(l), "audiosocket://[::1]:") != NULL;
        fg_err e = fg_line_connect(fg_listener_uri(l), NULL, NULL, &ln);

        if (e == FG_OK)
            fg_line_free(ln);
        fg_listener_free(l);
        assert_true(named);
        assert_int_equal(e, FG_OK);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encode_parse_round_trip),
        cmocka_unit_test(test_parse_refuses_impossible_messages),
        cmocka_unit_test(test_parse_random_bytes),
        cmocka_unit_test_setup_teardown(test_listener_and_call, setup, teardown),
        cmocka_unit_test_setup_teardown(test_random_uuid_and_no_caller_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_byte_by_byte, setup, teardown),
        cmocka_unit_test_setup_teardown(test_odd_audio, setup, teardown),
        cmocka_unit_test_setup_teardown(test_oversize_audio, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_uuid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_peer_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_peer_hangup_message, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated_then_closed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_send_to_closed_peer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gateway_hangs_up, setup, teardown),
        cmocka_unit_test(test_bad_uris),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
