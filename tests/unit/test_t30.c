/* faxgate — T.30 receive, back to back with the faxsim sender over a real loopback AudioSocket.
 *
 * As SpanDSP's fax_tests.c does: a sender and a receiver talk through a line and the pages
 * received are compared with the pages sent, bit for bit. Here the line is TCP on 127.0.0.1,
 * the receiver runs on its own thread as faxgated's line thread would, and the sender is the
 * engine behind `faxsim send`. The pages are drawn here: lines of "words" made of strokes.
 */
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <spandsp.h>

#include "call_impl.h"
#include "faxgate/bands.h"
#include "faxgate/classify.h"
#include "faxgate/extract.h"
#include "faxgate/line.h"
#include "faxgate/ocr.h"
#include "faxgate/t30.h"
#include "faxgate/sender.h"
#include "render.h"
#include "testutil.h"

#define FULL_STD 1100
#define FULL_FINE 2200

/* ---- pages --------------------------------------------------------------------------------- */

static void fill(fg_page *p, int x0, int y0, int w, int h)
{
    for (int y = y0; y < y0 + h && y < p->height; y++)
        for (int x = x0; x < x0 + w && x < p->width; x++)
            p->bits[(size_t)y * (size_t)p->stride + (size_t)(x >> 3)] |= (uint8_t)(0x80 >> (x & 7));
}

/* A page that looks like typed text to a compressor: a header bar, then lines of words whose
   letters are vertical strokes and bars of varying width; different for every seed. */
static fg_page *text_page(int yres, int height, unsigned seed)
{
    int line_h = yres >= 196 ? 28 : 14, glyph_h = yres >= 196 ? 18 : 9;
    uint32_t x = seed * 2654435761u + 1;
    fg_page *p;

    if (fg_page_new(1728, height, 204, yres, &p))
        return NULL;
    fill(p, 100, line_h, 1528, glyph_h / 3 + 1);
    for (int y = 3 * line_h; y + line_h < height * 2 / 3; y += line_h) {
        for (int cx = 120; cx < 1600;) {
            int letters;

            x = x * 1103515245u + 12345u;
            letters = 2 + (int)((x >> 16) % 8);
            for (int l = 0; l < letters && cx < 1600; l++) {
                x = x * 1103515245u + 12345u;
                fill(p, cx, y, 2 + (int)((x >> 20) % 3), glyph_h);
                if ((x >> 12) & 1)
                    fill(p, cx, y + ((x >> 13) & 1 ? 0 : glyph_h - 2), 9, 2);
                cx += 12;
            }
            cx += 14;
        }
    }
    return p;
}

static void write_pages(const char *path, int n, int yres, int height, unsigned seed)
{
    for (int i = 0; i < n; i++) {
        fg_page *p = text_page(yres, height, seed + (unsigned)i);

        assert_non_null(p);
        assert_int_equal(fg_page_write_tiff(p, path, i > 0), FG_OK);
        fg_page_free(p);
    }
}

/* Page index of the TIFF at got equals page want_index of want (first rows only if rows > 0). */
static void assert_same_page(const char *got, int gi, const char *want, int wi, int rows)
{
    fg_page *a, *b;
    size_t n;

    assert_int_equal(fg_page_read_tiff(got, gi, &a), FG_OK);
    assert_int_equal(fg_page_read_tiff(want, wi, &b), FG_OK);
    assert_int_equal(a->width, b->width);
    assert_int_equal(a->yres, b->yres);
    if (rows <= 0)
        assert_int_equal(a->height, b->height);
    n = (size_t)(rows > 0 ? rows : b->height) * (size_t)b->stride;
    if (memcmp(a->bits, b->bits, n)) {
        fg_page_free(a);
        fg_page_free(b);
        fail_msg("page %d of %s differs from page %d of %s", gi + 1, got, wi + 1, want);
    }
    fg_page_free(a);
    fg_page_free(b);
}

/* ---- the receiving side, on its own thread --------------------------------------------------- */

typedef struct fx {
    char dir[256], tiff[320];
    fg_listener *lst;
    fg_call *call;
    fg_rx_opts opts;
    pthread_t th;
    bool running;
    atomic_bool stop;
    /* what the receiver saw */
    fg_err rx_err;
    fg_page *page1;
    int on_page_calls, page1_no, screen_calls;
    char screened_tsi[32], screened_caller[40];
    const char *reject;     /* reason to reject with, NULL to accept */
    /* page 1's rows as they arrived (on_rows) */
    uint8_t *live;
    int live_rows, live_calls, live_restarts;
    bool live_gap;
    /* page 1 cut into bands while it arrived (want_bands), read after the call */
    bool want_bands;
    fg_bandset *bs;
    int band_idx[FG_BANDS_MAX], nbands;
} fx;

static void band_ready(void *user, fg_bandset *bs, int index)
{
    fx *f = user;

    (void)bs;
    f->band_idx[f->nbands++] = index;
}

static void on_rows(void *user_data, fg_call *c, int first_row, const uint8_t *bits, int n, int width, int xdpi,
                    int ydpi)
{
    fx *f = user_data;
    size_t stride = (size_t)(width + 7) / 8;
    uint8_t *nl;

    (void)c;
    f->live_calls++;   /* no assertions here: this is the receiver's thread */
    if (f->want_bands && !f->bs)
        fg_bandset_new(width, xdpi, ydpi, band_ready, f, &f->bs);
    if (f->bs)
        fg_bandset_rows(f->bs, first_row, bits, n);
    if (first_row == 0 && f->live_rows)
        f->live_restarts++;
    if (first_row != 0 && first_row != f->live_rows) {
        f->live_gap = true;
        return;
    }
    if (!(nl = realloc(f->live, (size_t)(first_row + n) * stride)))
        return;
    f->live = nl;
    memcpy(f->live + (size_t)first_row * stride, bits, (size_t)n * stride);
    f->live_rows = first_row + n;
}

/* The rows handed over while page 1 arrived are the page's: came in several pieces, no gap. */
static void assert_live_rows(fx *f, const fg_page *page)
{
    assert_false(f->live_gap);
    assert_int_equal(f->live_restarts, 0);
    assert_true(f->live_calls > 3);
    assert_true(f->live_rows > page->height / 2);
    assert_true(f->live_rows <= page->height);
    assert_memory_equal(f->live, page->bits, (size_t)f->live_rows * (size_t)page->stride);
}

static bool screen(void *user_data, fg_call *c, char *reason, size_t len)
{
    fx *f = user_data;

    f->screen_calls++;
    snprintf(f->screened_tsi, sizeof f->screened_tsi, "%s", c->t30.tsi);
    snprintf(f->screened_caller, sizeof f->screened_caller, "%s", c->caller_id);
    if (!f->reject)
        return true;
    snprintf(reason, len, "%s", f->reject);
    return false;
}

static void on_page(void *user_data, fg_call *c, int page_no, fg_page *page)
{
    fx *f = user_data;

    (void)c;
    f->on_page_calls++;   /* no assertions here: this is the receiver's thread */
    f->page1_no = page_no;
    fg_page_free(f->page1);
    f->page1 = page;
}

static void *rx_thread(void *arg)
{
    fx *f = arg;
    struct pollfd pl = {.fd = fg_listener_fd(f->lst), .events = POLLIN};
    int16_t in[160], out[160];
    fg_line *ln = NULL;
    fg_rx *rx = NULL;
    bool done = false, first = true;
    fg_err e;

    for (int waited = 0; !atomic_load(&f->stop) && waited < 20000; waited += 100)
        if (poll(&pl, 1, 100) == 1 && fg_line_accept(f->lst, &ln) == FG_OK)
            break;
    if (!ln) {
        f->rx_err = FG_ERR_TIMEOUT;
        return NULL;
    }
    if ((e = fg_rx_new(&f->opts, f->call, &rx))) {
        f->rx_err = e;
        fg_line_free(ln);
        return NULL;
    }
    while (!done) {
        int n = 0;

        e = fg_line_recv(ln, in, 160, &n, 10000);
        if (first) {   /* UUID and caller ID come before the first audio */
            fg_call_set_line(f->call, fg_line_uri(ln), fg_line_uuid(ln), fg_line_caller_id(ln));
            first = false;
        }
        if (e || atomic_load(&f->stop)) {
            fg_rx_line_lost(rx, e ? fg_err_msg(e) : "test stopped");
            break;
        }
        if ((e = fg_rx_audio(rx, in, out, n, &done)) && e != FG_ERR_TIMEOUT)
            f->rx_err = e;
        if (fg_line_send(ln, out, n))
            continue;   /* the next receive says why */
    }
    if ((e = fg_rx_finish(rx)))
        f->rx_err = e;
    fg_rx_free(rx);
    fg_line_hangup(ln);
    fg_line_free(ln);
    return NULL;
}

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);

    if (!f || fg_test_tmpdir(f->dir, sizeof f->dir)) {
        free(f);
        return -1;
    }
    snprintf(f->tiff, sizeof f->tiff, "%s/rx.tif", f->dir);
    if (fg_line_listen("audiosocket://127.0.0.1:0", &f->lst) || fg_call_new(&f->call)) {
        fg_listener_free(f->lst);
        fg_test_rm_rf(f->dir);
        free(f);
        return -1;
    }
    f->opts = (fg_rx_opts){.csi = "+1 555 0100 GATE", .ecm = true, .tiff_path = f->tiff, .max_seconds = 900,
                           .screen = screen, .on_page = on_page, .on_rows = on_rows, .user_data = f};
    *state = f;
    return 0;
}

static void stop_receiver(fx *f)
{
    if (!f->running)
        return;
    atomic_store(&f->stop, true);
    pthread_join(f->th, NULL);
    f->running = false;
}

static int teardown(void **state)
{
    fx *f = *state;

    stop_receiver(f);
    fg_page_free(f->page1);
    free(f->live);
    fg_bandset_unref(f->bs);
    fg_call_free(f->call);
    fg_listener_free(f->lst);
    fg_test_rm_rf(f->dir);
    free(f);
    return 0;
}

/* One call: the receiver thread answers, the sender sends; returns when both are done. */
static fg_err call(fx *f, fg_send_opts *o, fg_send_result *r)
{
    fg_err e;

    o->line = fg_listener_uri(f->lst);
    if (!o->timeout_s)
        o->timeout_s = 300;
    atomic_store(&f->stop, false);
    assert_int_equal(pthread_create(&f->th, NULL, rx_thread, f), 0);
    f->running = true;
    e = fg_send_fax(o, r);
    /* the sender is done; a receiver still waiting would time out on its own, but do not wait */
    if (e)
        atomic_store(&f->stop, true);
    pthread_join(f->th, NULL);
    f->running = false;
    return e;
}

static void sent_file(fx *f, char *path, size_t cap, const char *name, int n, int yres, int height, unsigned seed)
{
    snprintf(path, cap, "%s/%s", f->dir, name);
    write_pages(path, n, yres, height, seed);
}

/* ---- page 1 in bands during a call ---- */

/* A rendered ad sent in a real call: page 1 cut into bands from the rows handed over while it
   arrived, read, and judged as the page read whole is: the same advertiser, callback and score. */
static void bands_in_a_call(void **state, bool ecm, int yres)
{
    fx *f = *state;
    char src[300];
    const char *files[1] = {src};
    fg_send_opts o = {.files = files, .nfiles = 1, .tsi = "BANDS", .ecm = ecm};
    fg_send_result r;
    fg_render_opts ro;
    fg_page *p = NULL;
    fg_ocr *ocr = NULL;
    fg_words *whole = NULL, *band = NULL;
    fg_ident iw = {0}, ib = {0};
    fg_facts facts = {0};
    fg_scores sw, sb;
    fg_bandset_stats st;

    fg_render_opts_init(&ro);
    ro.yres = yres;
    ro.font = "DejaVu Sans";
    assert_int_equal(fg_render_text(fg_test_ad_text, strlen(fg_test_ad_text), &ro, &p), FG_OK);
    snprintf(src, sizeof src, "%s/ad.tif", f->dir);
    assert_int_equal(fg_page_write_tiff(p, src, false), FG_OK);
    fg_page_free(p);
    f->want_bands = true;
    assert_int_equal(call(f, &o, &r), FG_OK);
    assert_true(r.accepted);
    assert_non_null(f->page1);
    assert_non_null(f->bs);
    assert_live_rows(f, f->page1);
    assert_true(f->nbands > 0);
    assert_int_equal(fg_ocr_new("eng+fra", NULL, &ocr), FG_OK);
    for (int i = 0; i < f->nbands; i++)
        fg_bandset_run(f->bs, f->band_idx[i], ocr);
    assert_int_equal(fg_bandset_finish(f->bs, ocr, f->page1, &band), FG_OK);
    fg_bandset_get_stats(f->bs, &st);
    assert_int_equal(st.read_early, f->nbands);
    assert_int_equal(fg_ocr_page(ocr, f->page1, &whole), FG_OK);
    assert_int_equal(fg_extract(whole, "US", &iw), FG_OK);
    assert_int_equal(fg_extract(band, "US", &ib), FG_OK);
    assert_non_null(iw.adv_name);
    assert_non_null(ib.adv_name);
    assert_string_equal(ib.adv_name, iw.adv_name);
    assert_string_equal(ib.callback, iw.callback);
    assert_int_equal(fg_classify(whole, &iw, &facts, &sw), FG_OK);
    assert_int_equal(fg_classify(band, &ib, &facts, &sb), FG_OK);
    assert_true(sw.total >= 5);   /* an ad either way, with the same score */
    assert_true(sb.total == sw.total);
    fg_ident_clear(&iw);
    fg_ident_clear(&ib);
    fg_words_free(whole);
    fg_words_free(band);
    fg_ocr_free(ocr);
}

static void test_bands_in_an_ecm_call(void **state)
{
    bands_in_a_call(state, true, 196);
}

static void test_bands_in_a_call_without_ecm(void **state)
{
    bands_in_a_call(state, false, 98);
}

/* ---- calls ----------------------------------------------------------------------------------- */

static void test_ecm_fine_v17(void **state)
{
    static const uint8_t nss[] = {0xb5, 0x00, 0x3a, 0x42, 0x43};   /* USA, IBM, then vendor bytes */
    fx *f = *state;
    char src[300], hash[65];
    const char *files[1] = {src};
    fg_send_opts o = {.files = files, .nfiles = 1, .tsi = "+1 555 0199 SENDER", .caller_id = "+15550199",
                      .ecm = true, .nss = nss, .nss_len = sizeof nss};
    fg_send_result r;
    fg_page *sent;

    sent_file(f, src, sizeof src, "ecm.tif", 1, 196, FULL_FINE, 1);
    assert_int_equal(call(f, &o, &r), FG_OK);
    assert_int_equal(f->rx_err, FG_OK);
    assert_true(r.accepted);
    assert_int_equal(r.pages_sent, 1);
    assert_string_equal(r.csi, "+1 555 0100 GATE");
    assert_int_equal(fg_call_get_state(f->call), FG_CALL_RECEIVED);
    assert_string_equal(fg_call_result(f->call), "received 1 page");
    assert_int_equal(fg_call_pages(f->call), 1);
    assert_string_equal(f->call->t30.tsi, "+1 555 0199 SENDER");
    assert_true(f->call->t30.tsi_seen);
    assert_string_equal(f->call->caller_id, "+15550199");
    assert_string_equal(f->screened_caller, "+15550199");
    assert_string_equal(f->screened_tsi, "+1 555 0199 SENDER");
    assert_int_equal(f->screen_calls, 1);
    assert_string_equal(f->call->t30.nsf_hex, "b5003a4243");
    assert_string_equal(f->call->t30.nsf_vendor, "IBM");
    assert_string_equal(f->call->t30.nsf_country, "United States");
    assert_non_null(strstr(f->call->t30.dcs, "V.17 14400 bps"));
    assert_non_null(strstr(f->call->t30.dcs, "fine"));
    assert_non_null(strstr(f->call->t30.dcs, "T.6"));
    assert_non_null(strstr(f->call->t30.dcs, "ECM"));
    assert_true(f->call->t30.ecm);
    assert_int_equal(f->call->t30.y_res, 196);
    assert_int_equal(f->call->t30.t30_code, T30_ERR_OK);
    /* bit for bit, in the file and in the page handed over */
    assert_string_equal(fg_call_tiff(f->call), f->tiff);
    assert_same_page(f->tiff, 0, src, 0, 0);
    assert_int_equal(f->on_page_calls, 1);
    assert_int_equal(f->page1_no, 1);
    assert_non_null(f->page1);
    assert_false(f->page1->partial);
    assert_int_equal(fg_page_read_tiff(src, 0, &sent), FG_OK);
    assert_int_equal(f->page1->height, sent->height);
    assert_memory_equal(f->page1->bits, sent->bits, (size_t)sent->height * (size_t)sent->stride);
    /* ECM: the shadow decoder gave the rows while they came, the same as SpanDSP's page */
    assert_live_rows(f, f->page1);
    fg_page_sha256(sent, hash);
    fg_page_free(sent);
    assert_string_equal(f->call->pages[0].sha256, hash);
    assert_int_equal(f->call->pages[0].height, FULL_FINE);
    assert_int_equal(strlen(f->call->tiff_sha256), 64);
}

static void test_no_ecm_standard_v27ter(void **state)
{
    fx *f = *state;
    char src[300];
    const char *files[1] = {src};
    fg_send_opts o = {.files = files, .nfiles = 1, .tsi = "V27", .ecm = false};
    fg_send_result r;

    f->opts.modems = FG_MODEM_V27TER;   /* the gateway only offers V.27ter */
    sent_file(f, src, sizeof src, "v27.tif", 1, 98, 400, 2);
    assert_int_equal(call(f, &o, &r), FG_OK);
    assert_true(r.accepted);
    assert_int_equal(fg_call_get_state(f->call), FG_CALL_RECEIVED);
    assert_non_null(strstr(f->call->t30.dcs, "V.27ter 4800 bps"));
    assert_non_null(strstr(f->call->t30.dcs, "standard"));
    assert_non_null(strstr(f->call->t30.dcs, "no ECM"));
    assert_false(f->call->t30.ecm);
    assert_int_equal(f->call->t30.bit_rate, 4800);
    assert_same_page(f->tiff, 0, src, 0, 0);
    assert_non_null(f->page1);
    /* no ECM: SpanDSP's own rows, taken as they were decoded */
    assert_live_rows(f, f->page1);
}

static void test_multi_page_two_files_no_ecm(void **state)
{
    fx *f = *state;
    char a[300], b[300];
    const char *files[2] = {a, b};
    fg_send_opts o = {.files = files, .nfiles = 2, .tsi = "MULTI", .ecm = false, .modems = FG_MODEM_V17};
    fg_send_result r;
    int n = 0;

    sent_file(f, a, sizeof a, "a.tif", 2, 196, 600, 10);
    sent_file(f, b, sizeof b, "b.tif", 1, 196, 500, 20);
    assert_int_equal(call(f, &o, &r), FG_OK);
    assert_true(r.accepted);
    assert_int_equal(r.pages_total, 3);
    assert_int_equal(r.pages_sent, 3);
    assert_int_equal(fg_call_get_state(f->call), FG_CALL_RECEIVED);
    assert_string_equal(fg_call_result(f->call), "received 3 pages");
    assert_int_equal(fg_page_tiff_count(f->tiff, &n), FG_OK);
    assert_int_equal(n, 3);
    assert_same_page(f->tiff, 0, a, 0, 0);
    assert_same_page(f->tiff, 1, a, 1, 0);
    assert_same_page(f->tiff, 2, b, 0, 0);
    assert_int_equal(f->on_page_calls, 1);   /* only page 1 is handed over */
    assert_non_null(strstr(f->call->t30.dcs, "V.17"));
    for (int i = 0; i < 3; i++) {
        assert_int_equal(strlen(f->call->pages[i].sha256), 64);
        assert_false(f->call->pages[i].partial);
    }
    assert_string_not_equal(f->call->pages[0].sha256, f->call->pages[1].sha256);
}

static void test_screening_rejects_before_any_page(void **state)
{
    fx *f = *state;
    char src[300];
    const char *files[1] = {src};
    fg_send_opts o = {.files = files, .nfiles = 1, .tsi = "JUNK FAX CO", .ecm = true};
    fg_send_result r;

    f->reject = "TSI on the block list";
    sent_file(f, src, sizeof src, "junk.tif", 1, 98, 300, 3);
    assert_int_equal(call(f, &o, &r), FG_OK);
    assert_false(r.accepted);
    assert_int_equal(r.pages_sent, 0);
    assert_int_not_equal(r.t30_code, T30_ERR_OK);
    assert_int_equal(f->screen_calls, 1);
    assert_string_equal(f->screened_tsi, "JUNK FAX CO");
    assert_int_equal(fg_call_get_state(f->call), FG_CALL_REJECTED);
    assert_non_null(strstr(fg_call_result(f->call), "TSI on the block list"));
    assert_int_equal(fg_call_pages(f->call), 0);
    assert_null(fg_call_tiff(f->call));
    assert_int_equal(access(f->tiff, F_OK), -1);   /* no page, no file */
    assert_int_equal(f->on_page_calls, 0);
    assert_int_equal(f->call->t30.t30_code, T30_ERR_IDENT_UNACCEPTABLE);
}

static void test_empty_tsi(void **state)
{
    fx *f = *state;
    char src[300];
    const char *files[1] = {src};
    fg_send_opts o = {.files = files, .nfiles = 1, .tsi = "", .ecm = true};
    fg_send_result r;

    sent_file(f, src, sizeof src, "anon.tif", 1, 98, 300, 4);
    assert_int_equal(call(f, &o, &r), FG_OK);
    assert_true(r.accepted);
    assert_string_equal(f->call->t30.tsi, "");
    assert_false(f->call->t30.tsi_seen);   /* no TSI frame at all: a fact for the classifier */
    assert_string_equal(f->call->caller_id, "");
    assert_same_page(f->tiff, 0, src, 0, 0);
}

/* The sender hangs up halfway through page `page`: the pages before are whole, the rows of
   the broken page received so far are kept as a partial page, and they are the sent rows. */
static void hangup_in_page(void **state, bool ecm, int pages, int page, int yres, int height)
{
    fx *f = *state;
    char src[300], want[64];
    const char *files[1] = {src};
    fg_send_opts o = {.files = files, .nfiles = 1, .tsi = "BROKEN", .ecm = ecm, .hangup_in_page = page};
    fg_send_result r;
    const fg_call_page *pp;
    int n = 0;

    sent_file(f, src, sizeof src, "broken.tif", pages, yres, height, 30);
    assert_int_equal(call(f, &o, &r), FG_OK);
    assert_true(r.hung_up);
    assert_false(r.accepted);
    assert_int_equal(r.pages_sent, page - 1);
    assert_int_equal(f->rx_err, FG_OK);
    assert_int_equal(fg_call_get_state(f->call), FG_CALL_FAILED);
    if (getenv("FG_TEST_VERBOSE"))
        fprintf(stderr, "# %s; sender: %.1f s of audio, T.30 '%s'\n", fg_call_result(f->call), r.audio_s, r.t30_text);
    assert_int_equal(fg_call_pages(f->call), page);
    pp = &f->call->pages[page - 1];
    assert_true(pp->partial);
    assert_true(pp->height > 0);
    assert_true(pp->height < height);
    snprintf(want, sizeof want, "line lost in page %d after %d rows", page, pp->height);
    if (!strstr(fg_call_result(f->call), want))
        fail_msg("result '%s' does not say '%s'", fg_call_result(f->call), want);
    assert_int_equal(fg_page_tiff_count(f->tiff, &n), FG_OK);
    assert_int_equal(n, page);
    for (int i = 0; i + 1 < page; i++)
        assert_same_page(f->tiff, i, src, i, 0);
    assert_same_page(f->tiff, page - 1, src, page - 1, pp->height);
    assert_int_equal(strlen(pp->sha256), 64);
    assert_int_equal(f->on_page_calls, 1);
    assert_int_equal(f->page1->partial, page == 1);
}

static void test_hangup_in_page_2_no_ecm(void **state)
{
    hangup_in_page(state, false, 2, 2, 98, 500);
}

static void test_hangup_in_page_1_ecm(void **state)
{
    hangup_in_page(state, true, 1, 1, 196, 1600);
}

/* A call that outlasts max_seconds (counted in samples, so the same in every run) is cut like
   a lost line: the rows so far are kept and the sender hears the hangup. */
static void test_max_seconds_cuts_the_call(void **state)
{
    fx *f = *state;
    char src[300];
    const char *files[1] = {src};
    fg_send_opts o = {.files = files, .nfiles = 1, .tsi = "SLOW", .ecm = false, .modems = FG_MODEM_V27TER};
    fg_send_result r;

    f->opts.max_seconds = 15;
    sent_file(f, src, sizeof src, "slow.tif", 1, 98, FULL_STD, 40);
    assert_int_equal(call(f, &o, &r), FG_OK);
    assert_false(r.accepted);
    assert_false(r.hung_up);
    assert_int_equal(fg_call_get_state(f->call), FG_CALL_FAILED);
    if (getenv("FG_TEST_VERBOSE"))
        fprintf(stderr, "# %s\n", fg_call_result(f->call));
    assert_int_equal(fg_call_pages(f->call), 1);
    assert_true(f->call->pages[0].partial);
    assert_true(f->call->pages[0].height > 0 && f->call->pages[0].height < FULL_STD);
    assert_non_null(strstr(fg_call_result(f->call), "(call longer than 15 s)"));
    assert_same_page(f->tiff, 0, src, 0, f->call->pages[0].height);
}

/* ---- small parts ------------------------------------------------------------------------------ */

static void test_option_parsing(void **state)
{
    unsigned v = 0;
    fg_err e;

    (void)state;
    assert_int_equal(fg_modems_parse("v17, V29 ,v27ter", &v), FG_OK);
    assert_int_equal(v, FG_MODEM_V17 | FG_MODEM_V29 | FG_MODEM_V27TER);
    assert_int_equal(fg_modems_parse("v27ter", &v), FG_OK);
    assert_int_equal(v, FG_MODEM_V27TER);
    e = fg_modems_parse("v17,v90", &v);
    assert_int_equal(e, FG_ERR_CONFIG);
    assert_non_null(strstr(fg_err_msg(e), "'v90' is unknown"));
    assert_int_equal(fg_modems_parse("", &v), FG_ERR_CONFIG);
    assert_int_equal(fg_modems_parse("averyveryverylongmodemname", &v), FG_ERR_CONFIG);
    assert_int_equal(fg_resolutions_parse("standard,fine", &v), FG_OK);
    assert_int_equal(v, FG_RES_STANDARD | FG_RES_FINE);
    assert_int_equal(fg_resolutions_parse("superfine", &v), FG_OK);
    assert_int_equal(v, FG_RES_SUPERFINE);
    assert_int_equal(fg_resolutions_parse("ultrafine", &v), FG_ERR_CONFIG);
}

static void test_t35(void **state)
{
    static const uint8_t ibm[] = {0xb5, 0x00, 0x3a, 0x01};
    static const uint8_t cut[] = {0xb5, 0x00};   /* vendor code cut short: no read past the end */
    const char *country = "x", *model = "x";

    (void)state;
    assert_string_equal(fg_t35_vendor(ibm, sizeof ibm, &country, &model), "IBM");
    assert_string_equal(country, "United States");
    assert_null(fg_t35_vendor(cut, sizeof cut, &country, &model));
    assert_null(fg_t35_vendor(ibm, 1, &country, &model));
    assert_null(country);
    assert_null(fg_t35_vendor(NULL, 0, NULL, NULL));
}

static void test_bad_options(void **state)
{
    fx *f = *state;
    fg_rx_opts o = f->opts;
    fg_rx *rx;

    o.tiff_path = NULL;
    assert_int_equal(fg_rx_new(&o, f->call, &rx), FG_ERR_INVAL);
    o = f->opts;
    o.csi = "123456789012345678901";
    assert_int_equal(fg_rx_new(&o, f->call, &rx), FG_ERR_INVAL);
    fg_rx_free(NULL);
}

static void test_unsendable_file(void **state)
{
    fx *f = *state;
    char path[300];
    fg_page *p;
    int n;
    fg_err e;

    snprintf(path, sizeof path, "%s/narrow.tif", f->dir);
    assert_int_equal(fg_page_new(1000, 50, 204, 98, &p), FG_OK);
    assert_int_equal(fg_page_write_tiff(p, path, false), FG_OK);
    fg_page_free(p);
    e = fg_send_check_file(path, &n);
    assert_int_equal(e, FG_ERR_FORMAT);
    assert_non_null(strstr(fg_err_msg(e), "page 1 is 1000 pixels wide"));
    snprintf(path, sizeof path, "%s/missing.tif", f->dir);
    assert_int_not_equal(fg_send_check_file(path, &n), FG_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_option_parsing),
        cmocka_unit_test(test_t35),
        cmocka_unit_test_setup_teardown(test_bad_options, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unsendable_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ecm_fine_v17, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_ecm_standard_v27ter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multi_page_two_files_no_ecm, setup, teardown),
        cmocka_unit_test_setup_teardown(test_screening_rejects_before_any_page, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_tsi, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hangup_in_page_2_no_ecm, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hangup_in_page_1_ecm, setup, teardown),
        cmocka_unit_test_setup_teardown(test_max_seconds_cuts_the_call, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bands_in_an_ecm_call, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bands_in_a_call_without_ecm, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
