/* faxgate — the store's tests' fixture (test_store*.c): a real SQLite file in a fresh folder,
   SQL behind the store's back, and a call as the pipeline leaves it. */
#include <errno.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "call_impl.h"
#include "store_fixture.h"

int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);

    if (!f || fg_test_tmpdir(f->dir, sizeof f->dir) != 0)
        return -1;
    snprintf(f->db, sizeof f->db, "%s/faxgate.db", f->dir);
    *state = f;
    return 0;
}

int teardown(void **state)
{
    fixture *f = *state;

    if (f->mnt[0] && umount2(f->mnt, MNT_DETACH) != 0)
        fprintf(stderr, "# could not unmount %s: %s\n", f->mnt, strerror(errno));
    fg_test_rm_rf(f->dir);
    free(f);
    return 0;
}

/* Runs one SQL text on the file behind the store's back; returns the first column as int. */
long long raw_sql(const char *path, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *s;
    long long v = -1;

    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    if (sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return v;
}

json_t *parse(char *text)
{
    json_error_t err;
    json_t *j = json_loads(text, 0, &err);

    if (!j)
        fail_msg("invalid JSON (%s at %d): %s", err.text, err.position, text);
    free(text);
    return j;
}

const char *jstr(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);

    if (!v)
        fail_msg("key '%s' missing", key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* A call as the pipeline would leave it: T.30 facts, two pages, identity, scores, verdict. */
fg_call *full_call(const char *tsi, const char *caller_e164)
{
    fg_call *c;
    fg_ident *id;

    assert_int_equal(fg_call_new(&c), FG_OK);
    fg_call_set_line(c, "audiosocket://127.0.0.1:9092", "6c0b6d1e-0000-4000-8000-000000000001", caller_e164 + 2);
    snprintf(c->caller_e164, sizeof c->caller_e164, "%s", caller_e164);
    fg_call_set_tsi(c, tsi);
    snprintf(c->t30.csi, sizeof c->t30.csi, "faxgate");
    snprintf(c->t30.nsf_hex, sizeof c->t30.nsf_hex, "b5002a01");
    snprintf(c->t30.nsf_vendor, sizeof c->t30.nsf_vendor, "Brother");
    snprintf(c->t30.dcs, sizeof c->t30.dcs, "V.17 14400 bps, fine, MH, ECM");
    c->t30.bit_rate = 14400;
    c->t30.ecm = true;
    c->t30.x_res = 204;
    c->t30.y_res = 196;
    snprintf(c->t30.t30_result, sizeof c->t30.t30_result, "OK");
    c->started = 1714557600;   /* 2024-05-01T10:00:00Z */
    c->ended = c->started + 75;
    fg_call_set_result(c, FG_CALL_RECEIVED, "received 2 pages");
    c->tiff = strdup("/var/spool/faxgate/in/1.tif");
    snprintf(c->tiff_sha256, sizeof c->tiff_sha256, "%064d", 7);
    assert_int_equal(fg_call_add_page(c, 1728, 2200, false, "1111111111111111111111111111111111111111111111111111111111111111"), FG_OK);
    assert_int_equal(fg_call_add_page(c, 1728, 1100, true, "2222222222222222222222222222222222222222222222222222222222222222"), FG_OK);
    assert_int_equal(fg_call_set_text(c, "SPECIAL OFFER", 13), FG_OK);

    id = &c->ident;
    snprintf(id->lang, sizeof id->lang, "en");
    id->adv_name = strdup("ACME Vacations");
    id->adv_name_at = (fg_where){100, 80, 900, 160, 1};
    snprintf(id->adv_domain, sizeof id->adv_domain, "acme-vacations.example");
    id->adv_domain_at = (fg_where){100, 900, 700, 930, 14};
    snprintf(id->callback, sizeof id->callback, "+18775550142");
    id->numbers[0] = (fg_number){"+18775550142", "(877) 555-0142", FG_NUM_VOICE | FG_NUM_TOLLFREE | FG_NUM_CALLBACK,
                                 {200, 400, 600, 440, 5}};
    id->numbers[1] = (fg_number){"+18005550100", "800-555-0100", FG_NUM_FAX | FG_NUM_OPTOUT | FG_NUM_TOLLFREE,
                                 {200, 2000, 600, 2040, 30}};
    id->numbers[2] = (fg_number){"+12125550123", "212 555 0123", FG_NUM_HEADER, {1000, 5, 1300, 30, 0}};
    id->n_numbers = id->n_numbers_seen = 3;
    id->urls[0].value = strdup("www.acme-vacations.example/deals");
    id->n_urls = 1;
    id->emails[0].value = strdup("sales@mail.acme-vacations.example");
    id->n_emails = 1;
    snprintf(id->ticker, sizeof id->ticker, "ACMV");
    id->ticker_at = (fg_where){100, 60, 300, 90, 2};
    id->optout.present = true;
    id->optout.text = strdup("To be removed from our list fax 800-555-0100");
    snprintf(id->optout.fax, sizeof id->optout.fax, "+18005550100");
    id->header.present = true;
    id->header.text = strdup("05/01/2024 10:00 ACME 212-555-0123 P.1");
    id->header.date = strdup("05/01/2024");
    id->header.time = strdup("10:00");
    id->header.name = strdup("ACME");
    snprintf(id->header.number, sizeof id->header.number, "+12125550123");

    c->scores.v[0] = (fg_score){"AD_OPTOUT_NOTICE", 3.0, "opt-out notice with +18005550100"};
    c->scores.v[1] = (fg_score){"AD_TOLLFREE_CALLBACK", 2.5, "call +18775550142"};
    c->scores.n = 2;
    c->scores.total = 5.5;
    c->decision.verdict = FG_VERDICT_HOLD;
    c->decision.is_ad = true;
    c->decision.score = 5.5;
    snprintf(c->decision.reason, sizeof c->decision.reason, "score 5.5 >= hold 5");
    c->decision.v[0] = (fg_violation){"us", "47 USC 227(b)(1)(C)", "unsolicited advertisement, no consent on record"};
    c->decision.v[1] = (fg_violation){"us", "47 CFR 64.1200(a)(4)(iii)", "opt-out notice names no voice number"};
    c->decision.nv = 2;
    snprintf(c->decision.optout[0].profile, sizeof c->decision.optout[0].profile, "us");
    c->decision.n_optout = 1;
    c->judged = true;
    c->ms_ocr = 812.5;
    c->ms_total = 950;
    snprintf(c->deliver_state, sizeof c->deliver_state, "held");
    return c;
}

int64_t save_new(fg_store *st, const char *tsi, const char *caller)
{
    fg_call *c = full_call(tsi, caller);
    int64_t id;

    assert_int_equal(fg_store_call_begin(st, c), FG_OK);
    assert_int_equal(fg_store_call_save(st, c), FG_OK);
    id = fg_call_id(c);
    fg_call_free(c);
    return id;
}

/* Runs SQL behind the store's back; returns SQLite's result and its message in msg. */
int raw_exec(const char *path, const char *sql, char *msg, size_t cap)
{
    sqlite3 *db;
    char *err = NULL;
    int rc;

    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    rc = sqlite3_exec(db, sql, NULL, NULL, &err);
    if (msg)
        snprintf(msg, cap, "%s", err ? err : "");
    sqlite3_free(err);
    sqlite3_close(db);
    return rc;
}
