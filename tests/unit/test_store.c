/* faxgate — store: real SQLite files; schema, refusals, calls, registries, hash chain.
   The print queue and a full disk are in test_store_queue.c. */
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "call_impl.h"
#include "faxgate/store.h"
#include "testutil.h"

/* ---- helpers ---- */

typedef struct fixture {
    char dir[256];
    char db[300];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);

    if (!f || fg_test_tmpdir(f->dir, sizeof f->dir) != 0)
        return -1;
    snprintf(f->db, sizeof f->db, "%s/faxgate.db", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;

    fg_test_rm_rf(f->dir);
    free(f);
    return 0;
}

#define assert_msg_has(e, want)                                                                        \
    do {                                                                                               \
        if (!strstr(fg_err_msg(e), (want)))                                                            \
            fail_msg("message '%s' does not contain '%s'", fg_err_msg(e), (want));                     \
    } while (0)

/* Runs one SQL text on the file behind the store's back; returns the first column as int. */
static long long raw_sql(const char *path, const char *sql)
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

static json_t *parse(char *text)
{
    json_error_t err;
    json_t *j = json_loads(text, 0, &err);

    if (!j)
        fail_msg("invalid JSON (%s at %d): %s", err.text, err.position, text);
    free(text);
    return j;
}

static const char *jstr(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);

    if (!v)
        fail_msg("key '%s' missing", key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* A call as the pipeline would leave it: T.30 facts, two pages, identity, scores, verdict. */
static fg_call *full_call(const char *tsi, const char *caller_e164)
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

static int64_t save_new(fg_store *st, const char *tsi, const char *caller)
{
    fg_call *c = full_call(tsi, caller);
    int64_t id;

    assert_int_equal(fg_store_call_begin(st, c), FG_OK);
    assert_int_equal(fg_store_call_save(st, c), FG_OK);
    id = fg_call_id(c);
    fg_call_free(c);
    return id;
}

/* ---- schema ---- */

static void test_create_and_reopen(void **state)
{
    fixture *f = *state;
    fg_store *st;

    assert_int_equal(fg_store_open(f->db, &st), FG_OK);
    assert_int_equal(fg_store_version(st), FG_STORE_SCHEMA_VERSION);
    fg_store_close(st);
    assert_int_equal(raw_sql(f->db, "PRAGMA user_version"), FG_STORE_SCHEMA_VERSION);
    assert_int_equal(raw_sql(f->db, "PRAGMA application_id"), 0x46584754);
    assert_int_equal(raw_sql(f->db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN"
                                    " ('calls','pages','identities','scores','violations','consent','blocks',"
                                    "'deliveries','events','ledger')"),
                     10);
    assert_int_equal(raw_sql(f->db, "SELECT journal_mode = 'wal' FROM pragma_journal_mode"), 1);
    assert_int_equal(fg_store_open(f->db, &st), FG_OK);   /* reopening migrates nothing */
    assert_int_equal(fg_store_version(st), FG_STORE_SCHEMA_VERSION);
    fg_store_close(st);
    fg_store_close(NULL);
}

static void test_refuses_not_sqlite(void **state)
{
    static const char junk[] = "[store]\ndb = oops, this is a config file, not a database\n";
    fixture *f = *state;
    fg_store *st = NULL;
    size_t len;
    char *back;
    fg_err e;

    assert_int_equal(fg_test_write_file(f->db, junk, sizeof junk - 1), 0);
    e = fg_store_open(f->db, &st);
    assert_int_equal(e, FG_ERR_DB);
    assert_null(st);
    assert_msg_has(e, f->db);
    assert_msg_has(e, "is not an SQLite database");
    assert_msg_has(e, "set [store] db to another path");
    back = fg_test_read_file(f->db, &len);   /* left exactly as it was */
    assert_non_null(back);
    assert_int_equal(len, sizeof junk - 1);
    assert_memory_equal(back, junk, len);
    free(back);
}

static void test_refuses_foreign_sqlite(void **state)
{
    fixture *f = *state;
    char other[320];
    fg_store *st;
    fg_err e;

    raw_sql(f->db, "CREATE TABLE photos(id INTEGER PRIMARY KEY, path TEXT)");
    e = fg_store_open(f->db, &st);
    assert_int_equal(e, FG_ERR_DB);
    assert_msg_has(e, f->db);
    assert_msg_has(e, "of another program");
    assert_int_equal(raw_sql(f->db, "SELECT count(*) FROM sqlite_master"), 1);   /* untouched */

    snprintf(other, sizeof other, "%s/other.db", f->dir);
    raw_sql(other, "PRAGMA application_id = 305419896");   /* 0x12345678, no tables */
    e = fg_store_open(other, &st);
    assert_int_equal(e, FG_ERR_DB);
    assert_msg_has(e, "application_id 0x12345678");
    assert_msg_has(e, "left unchanged");
}

static void test_refuses_newer_version(void **state)
{
    fixture *f = *state;
    fg_store *st;
    fg_err e;

    assert_int_equal(fg_store_open(f->db, &st), FG_OK);
    fg_store_close(st);
    raw_sql(f->db, "PRAGMA user_version = 99");
    e = fg_store_open(f->db, &st);
    assert_int_equal(e, FG_ERR_DB);
    assert_msg_has(e, f->db);
    assert_msg_has(e, "schema version 99, newer than this faxgate");
    assert_int_equal(raw_sql(f->db, "PRAGMA user_version"), 99);
}

/* ---- calls ---- */

static void test_save_and_read_back(void **state)
{
    fixture *f = *state;
    fg_stored_call sc;
    json_t *j, *o, *a;
    fg_store *st;
    fg_call *c;
    char *text;

    assert_int_equal(fg_store_open(f->db, &st), FG_OK);
    c = full_call("JUNK FAX 1", "+18005550199");
    assert_int_equal(fg_store_call_begin(st, c), FG_OK);
    assert_true(fg_call_id(c) > 0);
    assert_int_equal(fg_store_call_begin(st, c), FG_ERR_STATE);
    assert_int_equal(fg_store_call_save(st, c), FG_OK);

    assert_int_equal(fg_store_call_get(st, fg_call_id(c), &sc), FG_OK);
    assert_string_equal(sc.state, "received");
    assert_string_equal(sc.verdict, "hold");
    assert_string_equal(sc.tiff, "/var/spool/faxgate/in/1.tif");
    assert_int_equal(sc.pages, 2);
    assert_false(sc.printed);
    assert_int_equal(fg_store_call_get(st, 999, &sc), FG_ERR_NOTFOUND);

    /* the listing contract */
    assert_int_equal(fg_store_calls_json(st, 10, &text), FG_OK);
    j = parse(text);
    assert_int_equal(json_array_size(j), 1);
    o = json_array_get(j, 0);
    assert_int_equal(json_integer_value(json_object_get(o, "id")), fg_call_id(c));
    assert_string_equal(jstr(o, "started"), "2024-05-01T10:00:00Z");
    assert_string_equal(jstr(o, "ended"), "2024-05-01T10:01:15Z");
    assert_string_equal(jstr(o, "state"), "received");
    assert_string_equal(jstr(o, "caller_id"), "8005550199");
    assert_string_equal(jstr(o, "tsi"), "JUNK FAX 1");
    assert_int_equal(json_integer_value(json_object_get(o, "pages")), 2);
    assert_string_equal(jstr(o, "verdict"), "hold");
    assert_true(json_is_true(json_object_get(o, "is_ad")));
    assert_true(json_real_value(json_object_get(o, "score")) == 5.5);
    assert_true(json_is_false(json_object_get(o, "printed")));
    assert_string_equal(jstr(o, "deliver_state"), "held");
    assert_string_equal(jstr(o, "advertiser"), "ACME Vacations");
    assert_string_equal(jstr(o, "callback"), "+18775550142");
    a = json_object_get(o, "violations");
    assert_int_equal(json_array_size(a), 2);
    assert_string_equal(jstr(json_array_get(a, 0), "profile"), "us");
    assert_string_equal(jstr(json_array_get(a, 0), "rule"), "47 USC 227(b)(1)(C)");
    json_decref(j);

    /* everything about one call */
    assert_int_equal(fg_store_call_json(st, fg_call_id(c), &text), FG_OK);
    o = parse(text);
    assert_string_equal(jstr(o, "nsf_vendor"), "Brother");
    assert_true(json_is_true(json_object_get(o, "ecm")));
    assert_int_equal(json_integer_value(json_object_get(o, "bit_rate")), 14400);
    assert_string_equal(jstr(o, "text"), "SPECIAL OFFER");
    assert_string_equal(jstr(o, "verdict_by"), "auto");
    assert_true(json_is_false(json_object_get(json_object_get(o, "optout_compliant"), "us")));
    a = json_object_get(o, "pages");
    assert_int_equal(json_array_size(a), 2);
    assert_true(json_is_true(json_object_get(json_array_get(a, 1), "partial")));
    assert_string_equal(jstr(json_array_get(a, 1), "sha256"),
                        "2222222222222222222222222222222222222222222222222222222222222222");
    /* broadcaster: tsi, caller_id, header, header_date, name, header_number; advertiser: name,
       callback, url, email, domain, ticker; optout: the fax number and the notice */
    a = json_object_get(o, "identities");
    assert_int_equal(json_array_size(a), 14);
    {
        int seen = 0;

        for (size_t i = 0; i < json_array_size(a); i++) {
            json_t *it = json_array_get(a, i);

            if (!strcmp(jstr(it, "role"), "optout") && !strcmp(jstr(it, "kind"), "fax") &&
                !strcmp(jstr(it, "value"), "+18005550100") && json_array_size(json_object_get(it, "box")) == 4)
                seen |= 1;
            if (!strcmp(jstr(it, "role"), "broadcaster") && !strcmp(jstr(it, "kind"), "header_number") &&
                !strcmp(jstr(it, "value"), "+12125550123"))
                seen |= 2;
            if (!strcmp(jstr(it, "kind"), "email") && !strcmp(jstr(it, "value"), "sales@mail.acme-vacations.example"))
                seen |= 4;
            if (!strcmp(jstr(it, "role"), "advertiser") && !strcmp(jstr(it, "kind"), "domain") &&
                !strcmp(jstr(it, "value"), "acme-vacations.example"))
                seen |= 8;
            if (!strcmp(jstr(it, "role"), "advertiser") && !strcmp(jstr(it, "kind"), "ticker") &&
                !strcmp(jstr(it, "value"), "ACMV") && json_array_size(json_object_get(it, "box")) == 4)
                seen |= 16;
        }
        assert_int_equal(seen, 31);
    }
    assert_int_equal(json_array_size(json_object_get(o, "scores")), 2);
    assert_int_equal(json_array_size(json_object_get(o, "violations")), 2);
    assert_int_equal(json_array_size(json_object_get(o, "deliveries")), 0);
    assert_true(json_is_array(json_object_get(o, "events")));
    {   /* sealed once, the entry's chain repeated by the call's */
        json_t *l = json_object_get(o, "ledger");

        assert_int_equal(json_array_size(l), 1);
        assert_string_equal(jstr(json_array_get(l, 0), "why"), "sealed");
        assert_string_equal(jstr(json_array_get(l, 0), "chain"), jstr(o, "chain"));
    }
    json_decref(o);
    assert_int_equal(fg_store_call_json(st, 4242, &text), FG_ERR_NOTFOUND);

    assert_int_equal(fg_store_violations_json(st, &text), FG_OK);
    j = parse(text);
    assert_int_equal(json_array_size(j), 2);
    assert_string_equal(jstr(json_array_get(j, 0), "advertiser"), "ACME Vacations");
    json_decref(j);
    /* the web admin's page: the newest only */
    assert_int_equal(fg_store_violations_page_json(st, 1, &text), FG_OK);
    j = parse(text);
    assert_int_equal(json_array_size(j), 1);
    json_decref(j);
    fg_call_free(c);
    fg_store_close(st);
}

static void test_resave_is_idempotent(void **state)
{
    fixture *f = *state;
    char *first, *second;
    fg_store *st;
    fg_call *c;

    assert_int_equal(fg_store_open(f->db, &st), FG_OK);
    c = full_call("JUNK FAX 1", "+18005550199");
    assert_int_equal(fg_store_call_save(st, c), FG_OK);   /* save without begin also records it */
    assert_true(fg_call_id(c) > 0);
    assert_int_equal(fg_store_call_json(st, fg_call_id(c), &first), FG_OK);
    assert_int_equal(fg_store_call_save(st, c), FG_OK);
    assert_int_equal(fg_store_call_save(st, c), FG_OK);
    assert_int_equal(fg_store_call_json(st, fg_call_id(c), &second), FG_OK);
    assert_string_equal(first, second);
    assert_int_equal(raw_sql(f->db, "SELECT count(*) FROM identities"), 14);
    assert_int_equal(raw_sql(f->db, "SELECT count(*) FROM violations"), 2);
    assert_int_equal(raw_sql(f->db, "SELECT count(*) FROM calls"), 1);
    free(first);
    free(second);

    /* a verdict changed by hand survives a later automatic save, and is logged */
    assert_int_equal(fg_store_set_verdict(st, fg_call_id(c), FG_VERDICT_DELIVER, "alice", "customer"), FG_OK);
    assert_int_equal(fg_store_call_save(st, c), FG_OK);
    assert_int_equal(raw_sql(f->db, "SELECT verdict = 'deliver' AND verdict_by = 'alice' FROM calls"), 1);
    assert_int_equal(raw_sql(f->db, "SELECT count(*) FROM events WHERE who = 'alice'"), 1);
    assert_int_equal(fg_store_set_verdict(st, 777, FG_VERDICT_DROP, "alice", NULL), FG_ERR_NOTFOUND);
    assert_int_equal(fg_store_set_tiff(st, fg_call_id(c), "/var/spool/faxgate/held/1.tif"), FG_OK);
    assert_int_equal(raw_sql(f->db, "SELECT tiff = '/var/spool/faxgate/held/1.tif' FROM calls"), 1);
    fg_call_free(c);
    fg_store_close(st);
}

static void test_hostile_text_stays_valid_json(void **state)
{
    fixture *f = *state;
    fg_store *st;
    fg_call *c;
    char *text;
    json_t *o;

    assert_int_equal(fg_store_open(f->db, &st), FG_OK);
    assert_int_equal(fg_call_new(&c), FG_OK);
    fg_call_set_tsi(c, "BAD\xff\xfe\"\\\x01");
    assert_int_equal(fg_store_call_save(st, c), FG_OK);
    assert_int_equal(fg_store_call_json(st, fg_call_id(c), &text), FG_OK);
    o = parse(text);
    assert_string_equal(jstr(o, "tsi"), "BAD\xef\xbf\xbd\xef\xbf\xbd\"\\\x01");
    assert_true(json_is_null(json_object_get(o, "verdict")));   /* not judged */
    json_decref(o);
    fg_call_free(c);
    fg_store_close(st);
}

/* ---- registries ---- */

static void test_consent_and_blocks(void **state)
{
    fixture *f = *state;
    fg_store *st;
    char *text;
    json_t *j;
    fg_err e;

    assert_int_equal(fg_store_open(f->db, &st), FG_OK);
    assert_int_equal(fg_store_consent_add(st, "number", "+1 (800) 555-0100", "ebr", "customer since 2019"), FG_OK);
    e = fg_store_consent_add(st, "number", "+18005550100", "consent", NULL);
    assert_int_equal(e, FG_ERR_EXISTS);
    assert_msg_has(e, "consent for number +18005550100 is already recorded");
    assert_int_equal(fg_store_consent_add(st, "domain", "https://Example.COM/path", "consent", NULL), FG_OK);
    assert_int_equal(fg_store_consent_add(st, "name", "  Acme   Corp ", NULL, NULL), FG_OK);
    assert_int_equal(fg_store_consent_add(st, "name", "ACME CORP", NULL, NULL), FG_ERR_EXISTS);
    e = fg_store_consent_add(st, "number", "800 555 0100", "consent", NULL);
    assert_int_equal(e, FG_ERR_INVAL);
    assert_msg_has(e, "+18005550100");
    assert_int_equal(fg_store_consent_add(st, "fax", "x", "consent", NULL), FG_ERR_INVAL);
    assert_int_equal(fg_store_consent_add(st, "domain", "not a domain", "consent", NULL), FG_ERR_INVAL);
    assert_int_equal(fg_store_consent_add(st, "name", "x", "maybe", NULL), FG_ERR_INVAL);

    assert_int_equal(fg_store_consent_json(st, &text), FG_OK);
    j = parse(text);
    assert_int_equal(json_array_size(j), 3);
    for (size_t i = 0; i < 3; i++) {
        json_t *o = json_array_get(j, i);

        if (!strcmp(jstr(o, "kind"), "number")) {
            assert_string_equal(jstr(o, "value"), "+18005550100");
            assert_string_equal(jstr(o, "basis"), "ebr");
            assert_string_equal(jstr(o, "note"), "customer since 2019");
        } else if (!strcmp(jstr(o, "kind"), "domain")) {
            assert_string_equal(jstr(o, "value"), "example.com");
        } else {
            assert_string_equal(jstr(o, "value"), "Acme Corp");
        }
    }
    json_decref(j);
    assert_int_equal(fg_store_consent_remove(st, "name", "acme corp"), FG_OK);
    assert_int_equal(fg_store_consent_remove(st, "name", "acme corp"), FG_ERR_NOTFOUND);
    assert_int_equal(fg_store_consent_remove(st, "number", "+1-800-555-0100"), FG_OK);

    assert_int_equal(fg_store_block_add(st, "broadcaster", "tsi", "Junk  Fax", "sends daily"), FG_OK);
    assert_int_equal(fg_store_block_add(st, "broadcaster", "tsi", "JUNK FAX", NULL), FG_ERR_EXISTS);
    assert_int_equal(fg_store_block_add(st, "advertiser", "tsi", "X", NULL), FG_ERR_INVAL);
    assert_int_equal(fg_store_block_add(st, "advertiser", "domain", "cheap-cruises.example", NULL), FG_OK);
    assert_int_equal(fg_store_block_add(st, "seller", "domain", "a.example", NULL), FG_ERR_INVAL);
    assert_int_equal(fg_store_block_json(st, &text), FG_OK);
    j = parse(text);
    assert_int_equal(json_array_size(j), 2);
    assert_string_equal(jstr(json_array_get(j, 0), "role"), "advertiser");
    json_decref(j);
    assert_int_equal(fg_store_block_remove(st, "advertiser", "domain", "CHEAP-cruises.example"), FG_OK);
    assert_int_equal(fg_store_block_remove(st, "advertiser", "domain", "cheap-cruises.example"), FG_ERR_NOTFOUND);
    assert_true(raw_sql(f->db, "SELECT count(*) FROM events WHERE call_id IS NULL AND who = 'admin'") >= 7);
    fg_store_close(st);
}

static void test_screen(void **state)
{
    fixture *f = *state;
    bool blocked;
    char why[160];
    fg_store *st;

    assert_int_equal(fg_store_open(f->db, &st), FG_OK);
    assert_int_equal(fg_store_block_add(st, "broadcaster", "tsi", "Junk Fax", "daily"), FG_OK);
    assert_int_equal(fg_store_block_add(st, "broadcaster", "number", "+1 212 555 0123", NULL), FG_OK);
    assert_int_equal(fg_store_block_add(st, "advertiser", "number", "+18775550142", NULL), FG_OK);

    assert_int_equal(fg_store_screen(st, "  JUNK   fax ", NULL, &blocked, why, sizeof why), FG_OK);
    assert_true(blocked);
    assert_non_null(strstr(why, "TSI '  JUNK   fax ' is blocked (broadcaster Junk Fax: daily)"));
    assert_int_equal(fg_store_screen(st, "JUNK FAX 2", NULL, &blocked, why, sizeof why), FG_OK);
    assert_false(blocked);
    /* the TSI's digits, in national or international form, against a number entry */
    assert_int_equal(fg_store_screen(st, "212-555-0123", "", &blocked, why, sizeof why), FG_OK);
    assert_true(blocked);
    assert_int_equal(fg_store_screen(st, "+1 212 555 0123", NULL, &blocked, why, sizeof why), FG_OK);
    assert_true(blocked);
    /* caller ID by number; an advertiser entry does not screen a broadcaster */
    assert_int_equal(fg_store_screen(st, "OFFICE", "12125550123", &blocked, why, sizeof why), FG_OK);
    assert_true(blocked);
    assert_non_null(strstr(why, "caller ID '12125550123'"));
    assert_int_equal(fg_store_screen(st, "OFFICE", "+18775550142", &blocked, why, sizeof why), FG_OK);
    assert_false(blocked);
    assert_int_equal(fg_store_screen(st, "OFFICE", "5550123", &blocked, why, sizeof why), FG_OK);
    assert_false(blocked);   /* too few digits to mean that number */
    /* empty TSIs are screened only when an empty tsi entry says so */
    assert_int_equal(fg_store_screen(st, "", NULL, &blocked, why, sizeof why), FG_OK);
    assert_false(blocked);
    assert_int_equal(fg_store_block_add(st, "broadcaster", "tsi", "", "no TSI, no fax"), FG_OK);
    assert_int_equal(fg_store_screen(st, "   ", NULL, &blocked, why, sizeof why), FG_OK);
    assert_true(blocked);
    assert_int_equal(fg_store_screen(st, NULL, NULL, &blocked, why, sizeof why), FG_OK);
    assert_true(blocked);
    fg_store_close(st);
}

/* Screening by the sending machine (NSF maker and model, DCS settings) and by the junk an operator
   marked: faxes of a junk campaign, or a fax marked junk, from the same TSI or caller ID. */
static void test_screen_station_and_junk(void **state)
{
    fixture *f = *state;
    bool hit = true;
    char why[200];
    fg_store *st;
    int64_t a;

    assert_int_equal(fg_store_open(f->db, &st), FG_OK);
    assert_int_equal(fg_store_block_add(st, "advertiser", "nsf", "Kyocera", NULL), FG_ERR_INVAL);
    assert_int_equal(fg_store_block_add(st, "broadcaster", "nsf", "kyocera  ", "modem bank"), FG_OK);
    assert_int_equal(fg_store_block_add(st, "broadcaster", "nsf", "Minolta Di", NULL), FG_OK);
    assert_int_equal(fg_store_block_add(st, "broadcaster", "dcs", "V.27ter 2400", NULL), FG_OK);
    assert_int_equal(fg_store_screen_station(st, "Kyocera ", "V.17 14400, fine, ECM", &hit, why, sizeof why), FG_OK);
    assert_true(hit);
    assert_non_null(strstr(why, "broadcaster nsf 'kyocera' is blocked: modem bank; the machine's NSF (Kyocera )"));
    assert_int_equal(fg_store_screen_station(st, "KYOCERA FS-1020", "", &hit, why, sizeof why), FG_OK);
    assert_true(hit);   /* the vendor entry covers every model */
    assert_int_equal(fg_store_screen_station(st, "Kyoceramita X", "", &hit, why, sizeof why), FG_OK);
    assert_false(hit);  /* word by word, not a prefix of a longer name */
    assert_int_equal(fg_store_screen_station(st, "Minolta Di250", "", &hit, why, sizeof why), FG_OK);
    assert_false(hit);
    assert_int_equal(fg_store_screen_station(st, "Minolta Di 250", "", &hit, why, sizeof why), FG_OK);
    assert_true(hit);
    assert_int_equal(fg_store_screen_station(st, "Minolta", "", &hit, why, sizeof why), FG_OK);
    assert_false(hit);  /* the entry names a model line: other Minoltas pass */
    assert_int_equal(fg_store_screen_station(st, " ", "V.27ter 2400, standard, no ECM", &hit, why, sizeof why), FG_OK);
    assert_true(hit);
    assert_non_null(strstr(why, "broadcaster dcs 'V.27ter 2400' is blocked; the machine's DCS (V.27ter 2400, standard, no ECM)"));
    assert_int_equal(fg_store_screen_station(st, NULL, "V.29 9600, fine", &hit, why, sizeof why), FG_OK);
    assert_false(hit);

    a = save_new(st, "JUNK SENDER", "+13125550333");
    assert_int_equal(fg_store_screen_junk(st, "JUNK SENDER", "+13125550333", &hit, why, sizeof why), FG_OK);
    assert_false(hit);
    assert_int_equal(fg_store_set_verdict(st, a, FG_VERDICT_DROP, "operator", "marked junk"), FG_OK);
    assert_int_equal(fg_store_screen_junk(st, "JUNK SENDER", "", &hit, why, sizeof why), FG_OK);
    assert_true(hit);
    assert_non_null(strstr(why, "marked junk by an operator"));
    assert_int_equal(fg_store_screen_junk(st, "", "3125550333", &hit, why, sizeof why), FG_OK);
    assert_true(hit);   /* the caller ID in national form */
    assert_int_equal(fg_store_screen_junk(st, "OTHER", "+13125550334", &hit, why, sizeof why), FG_OK);
    assert_false(hit);
    assert_int_equal(fg_store_screen_junk(st, "   ", NULL, &hit, why, sizeof why), FG_OK);
    assert_false(hit);  /* an all-space TSI names nobody */
    /* a call dropped by the rules (not an operator) does not make its sender a junk sender */
    assert_int_equal(fg_store_set_verdict(st, a, FG_VERDICT_DROP, "auto", "rules"), FG_OK);
    assert_int_equal(fg_store_screen_junk(st, "JUNK SENDER", "", &hit, why, sizeof why), FG_OK);
    assert_false(hit);
    fg_store_close(st);
}

/* Screening by history: a caller ID or TSI with enough faxes with violations in the window. */
static void test_screen_offender(void **state)
{
    fixture *f = *state;
    bool found = true;
    char why[200];
    fg_store *st;

    assert_int_equal(fg_store_open(f->db, &st), FG_OK);
    for (int i = 0; i < 3; i++)
        save_new(st, "BLAST FAX", "+13125550777");   /* each with two violations */
    save_new(st, "   ", "+13125550888");
    raw_sql(f->db, "UPDATE calls SET started = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-3 days')");   /* recent */
    /* held: their violations are pending, an accusation nobody made yet */
    assert_int_equal(fg_store_screen_offender(st, "OTHER", "+13125550777", 1, 90, &found, why, sizeof why), FG_OK);
    assert_false(found);
    raw_sql(f->db, "UPDATE calls SET verdict = 'drop'");   /* dropped as ads: standing */
    assert_int_equal(fg_store_screen_offender(st, "OTHER", "+13125550777", 3, 90, &found, why, sizeof why), FG_OK);
    assert_true(found);
    assert_non_null(strstr(why, "caller ID '+13125550777' sent 3 faxes with violations in the last 90 days"));
    assert_int_equal(fg_store_screen_offender(st, "OTHER", "+13125550777", 4, 90, &found, why, sizeof why), FG_OK);
    assert_false(found);   /* faxes are counted, not violations (6 of them) */
    /* the caller ID as the line gives it: national, or with its country code but no + */
    assert_int_equal(fg_store_screen_offender(st, "", "3125550777", 3, 90, &found, why, sizeof why), FG_OK);
    assert_true(found);
    assert_int_equal(fg_store_screen_offender(st, "", "13125550777", 3, 90, &found, why, sizeof why), FG_OK);
    assert_true(found);
    assert_int_equal(fg_store_screen_offender(st, "BLAST FAX", "", 3, 90, &found, why, sizeof why), FG_OK);
    assert_true(found);
    assert_non_null(strstr(why, "TSI 'BLAST FAX'"));
    /* an empty or all-space TSI names nobody, even with violations behind it */
    assert_int_equal(fg_store_screen_offender(st, "   ", NULL, 1, 90, &found, why, sizeof why), FG_OK);
    assert_false(found);
    /* outside the window */
    raw_sql(f->db, "UPDATE calls SET started = '2020-01-01T00:00:00Z'");
    assert_int_equal(fg_store_screen_offender(st, "BLAST FAX", "+13125550777", 1, 90, &found, why, sizeof why), FG_OK);
    assert_false(found);
    /* off */
    assert_int_equal(fg_store_screen_offender(st, "BLAST FAX", "+13125550777", 0, 90, &found, why, sizeof why), FG_OK);
    assert_false(found);
    fg_store_close(st);
}

static void test_lookup(void **state)
{
    fixture *f = *state;
    fg_policy_facts pf;
    fg_store *st;
    fg_call *c;

    assert_int_equal(fg_store_open(f->db, &st), FG_OK);
    c = full_call("OFFICE", "+13125550000");
    memset(&pf, 0, sizeof pf);
    assert_int_equal(fg_store_lookup(st, c, &pf), FG_OK);
    assert_false(pf.consent);
    assert_false(pf.blocked);

    /* a consent domain matches subdomains of URL hosts and e-mail domains, not look-alikes */
    assert_int_equal(fg_store_consent_add(st, "domain", "acme-vacations.example", "ebr", NULL), FG_OK);
    assert_int_equal(fg_store_lookup(st, c, &pf), FG_OK);
    assert_true(pf.consent);
    assert_string_equal(pf.consent_basis, "ebr");
    assert_string_equal(pf.consent_match, "domain acme-vacations.example (ebr)");
    assert_int_equal(fg_store_consent_remove(st, "domain", "acme-vacations.example"), FG_OK);
    assert_int_equal(fg_store_consent_add(st, "domain", "vacations.example", "ebr", NULL), FG_OK);
    assert_int_equal(fg_store_lookup(st, c, &pf), FG_OK);
    assert_false(pf.consent);
    free(c->ident.urls[0].value);
    c->ident.n_urls = 0;
    assert_int_equal(fg_store_consent_add(st, "domain", "mail.acme-vacations.example", "consent", NULL), FG_OK);
    assert_int_equal(fg_store_lookup(st, c, &pf), FG_OK);
    assert_true(pf.consent);   /* from the e-mail address */

    /* names ignore case and spacing; numbers match each other in any form */
    assert_int_equal(fg_store_consent_remove(st, "domain", "mail.acme-vacations.example"), FG_OK);
    assert_int_equal(fg_store_consent_add(st, "name", "acme  VACATIONS", "consent", NULL), FG_OK);
    assert_int_equal(fg_store_lookup(st, c, &pf), FG_OK);
    assert_true(pf.consent);
    assert_string_equal(pf.consent_match, "name acme VACATIONS (consent)");
    assert_int_equal(fg_store_consent_remove(st, "name", "Acme Vacations"), FG_OK);
    assert_int_equal(fg_store_consent_add(st, "number", "+18005550100", "consent", NULL), FG_OK);
    assert_int_equal(fg_store_lookup(st, c, &pf), FG_OK);
    assert_true(pf.consent);   /* the opt-out fax number on the page */
    assert_string_equal(pf.consent_match, "number +18005550100 (consent)");
    assert_int_equal(fg_store_consent_remove(st, "number", "+18005550100"), FG_OK);
    /* the callback in national form, and no E.164 for it elsewhere on the page */
    snprintf(c->ident.callback, sizeof c->ident.callback, "8775550142");
    c->ident.numbers[0].e164[0] = '\0';
    snprintf(c->ident.numbers[0].raw, sizeof c->ident.numbers[0].raw, "877.555.0142");
    assert_int_equal(fg_store_consent_add(st, "number", "+18775550142", "consent", NULL), FG_OK);
    assert_int_equal(fg_store_lookup(st, c, &pf), FG_OK);
    assert_true(pf.consent);

    /* blocks: broadcaster by header number, advertiser by domain */
    assert_false(pf.blocked);
    assert_int_equal(fg_store_block_add(st, "broadcaster", "number", "+12125550123", NULL), FG_OK);
    assert_int_equal(fg_store_lookup(st, c, &pf), FG_OK);
    assert_true(pf.blocked);
    assert_string_equal(pf.block_match, "broadcaster number +12125550123");
    assert_int_equal(fg_store_block_remove(st, "broadcaster", "number", "+12125550123"), FG_OK);
    assert_int_equal(fg_store_block_add(st, "advertiser", "domain", "ACME-vacations.example", NULL), FG_OK);
    assert_int_equal(fg_store_lookup(st, c, &pf), FG_OK);
    assert_true(pf.blocked);
    assert_string_equal(pf.block_match, "advertiser domain acme-vacations.example");
    assert_int_equal(fg_store_block_remove(st, "advertiser", "domain", "acme-vacations.example"), FG_OK);
    /* a stock promotion by its traded symbol, whatever number sends it */
    assert_int_equal(fg_store_block_add(st, "advertiser", "ticker", "acmv", "pump and dump"), FG_OK);
    assert_int_equal(fg_store_lookup(st, c, &pf), FG_OK);
    assert_true(pf.blocked);
    assert_string_equal(pf.block_match, "advertiser ticker ACMV");
    assert_int_equal(fg_store_block_remove(st, "advertiser", "ticker", "ACMV"), FG_OK);
    assert_int_equal(fg_store_block_add(st, "broadcaster", "ticker", "ACMV", NULL), FG_ERR_INVAL);
    assert_int_equal(fg_store_block_add(st, "advertiser", "ticker", "AC.MV", NULL), FG_ERR_INVAL);
    assert_int_equal(fg_store_block_add(st, "advertiser", "ticker", "ACMEVAC", NULL), FG_ERR_INVAL);
    assert_int_equal(fg_store_block_add(st, "advertiser", "ticker", "1234", NULL), FG_ERR_INVAL);
    assert_int_equal(fg_store_block_add(st, "advertiser", "ticker", "DE000A3N7Q21", NULL), FG_OK);   /* an ISIN */
    assert_int_equal(fg_store_lookup(st, c, &pf), FG_OK);
    assert_false(pf.blocked);
    assert_int_equal(fg_store_block_add(st, "broadcaster", "tsi", "office", NULL), FG_OK);
    assert_int_equal(fg_store_lookup(st, c, &pf), FG_OK);
    assert_true(pf.blocked);
    assert_string_equal(pf.block_match, "broadcaster tsi office");
    fg_call_free(c);
    fg_store_close(st);
}

/* ---- hash chain ---- */

/* Names match with case and Latin accents folded, also the entries an older version keyed with
   ASCII case only: opening such a file (schema v3) re-keys them. */
static void test_name_keys(void **state)
{
    fixture *f = *state;
    fg_call *c = full_call("FAXBLAST", "+17025550110");
    fg_policy_facts pf;
    fg_store *st;

    assert_int_equal(fg_store_open(f->db, &st), FG_OK);
    assert_int_equal(fg_store_block_add(st, "advertiser", "name", "Les Caves du  Château", NULL), FG_OK);
    free(c->ident.adv_name);
    c->ident.adv_name = strdup("LES CAVES DU CHATEAU");   /* capitals as OCR reads them */
    assert_int_equal(fg_store_lookup(st, c, &pf), FG_OK);
    assert_true(pf.blocked);
    assert_string_equal(pf.block_match, "advertiser name Les Caves du Château");
    free(c->ident.adv_name);
    c->ident.adv_name = strdup("LES CAVES DU CHÂTEAU");
    assert_int_equal(fg_store_lookup(st, c, &pf), FG_OK);
    assert_true(pf.blocked);
    free(c->ident.adv_name);
    c->ident.adv_name = strdup("Les Caves du Chapeau");
    assert_int_equal(fg_store_lookup(st, c, &pf), FG_OK);
    assert_false(pf.blocked);
    fg_store_close(st);

    raw_sql(f->db, "UPDATE blocks SET key = 'les caves du ch\xc3\xa2teau'");   /* as v3 keyed it */
    /* what v6 to v11 added is not in a v3 file (their ALTERs would fail on a second run) */
    raw_sql(f->db, "DROP TABLE sessions");   /* v12 */
    raw_sql(f->db, "DROP TABLE users");
    raw_sql(f->db, "DROP TABLE audit");
    raw_sql(f->db, "DROP INDEX calls_verdict");
    raw_sql(f->db, "DROP INDEX calls_advertiser");
    raw_sql(f->db, "ALTER TABLE consent DROP COLUMN added_by");
    raw_sql(f->db, "ALTER TABLE blocks DROP COLUMN added_by");
    raw_sql(f->db, "DROP TABLE ledger");
    raw_sql(f->db, "ALTER TABLE calls DROP COLUMN called");
    raw_sql(f->db, "ALTER TABLE calls DROP COLUMN line_type");
    raw_sql(f->db, "ALTER TABLE calls DROP COLUMN profiles");
    raw_sql(f->db, "DROP TABLE optout_keys");
    raw_sql(f->db, "DROP TABLE optouts");
    raw_sql(f->db, "DROP TABLE outgoing");
    raw_sql(f->db, "ALTER TABLE deliveries DROP COLUMN job_state");
    raw_sql(f->db, "DROP INDEX calls_state");
    raw_sql(f->db, "ALTER TABLE calls DROP COLUMN confirmed");
    raw_sql(f->db, "ALTER TABLE calls DROP COLUMN complete");
    raw_sql(f->db, "ALTER TABLE calls DROP COLUMN acked");
    raw_sql(f->db, "ALTER TABLE calls DROP COLUMN progress_at");
    raw_sql(f->db, "ALTER TABLE calls DROP COLUMN interrupted");
    raw_sql(f->db, "ALTER TABLE calls DROP COLUMN recovered");
    raw_sql(f->db, "PRAGMA user_version = 3");
    assert_int_equal(fg_store_open(f->db, &st), FG_OK);
    assert_int_equal(fg_store_version(st), FG_STORE_SCHEMA_VERSION);
    assert_int_equal(raw_sql(f->db, "SELECT count(*) FROM blocks WHERE key = 'les caves du chateau'"), 1);
    free(c->ident.adv_name);
    c->ident.adv_name = strdup("LES CAVES DU CHATEAU");
    assert_int_equal(fg_store_lookup(st, c, &pf), FG_OK);
    assert_true(pf.blocked);
    fg_store_close(st);
    fg_call_free(c);
}

/* Durable receipt: progress is committed page by page without the judgement, the call stays
   unfinished until its final save, and a restart loads back what a recovery needs. */
static void test_progress_and_recovery_load(void **state)
{
    fixture *f = *state;
    fg_call *c = full_call("BROADCAST 1", "+17025550110"), *back = NULL;
    int64_t *ids = NULL;
    fg_store *st;
    int n = -1;

    assert_int_equal(fg_store_open(f->db, &st), FG_OK);
    fg_call_set_result(c, FG_CALL_RECEIVING, "receiving");
    c->confirmed = 1;
    c->complete = false;
    c->acked = 0;
    c->npages = 1;
    assert_int_equal(fg_store_call_begin(st, c), FG_OK);   /* the row, state receiving */
    c->judged = true;   /* an OCR worker's result: progress must not write it */
    c->decision.verdict = FG_VERDICT_DROP;
    assert_int_equal(fg_store_call_progress(st, c), FG_OK);
    assert_int_equal(raw_sql(f->db, "SELECT count(*) FROM calls WHERE state = 'receiving' AND confirmed = 1 AND "
                                    "complete = 0 AND pages = 1 AND tsi = 'BROADCAST 1' AND progress_at IS NOT NULL"), 1);
    assert_int_equal(raw_sql(f->db, "SELECT count(*) FROM pages WHERE call_id = 1"), 1);
    c->npages = 2;
    c->confirmed = 2;
    c->complete = true;
    assert_int_equal(fg_store_call_progress(st, c), FG_OK);
    assert_int_equal(raw_sql(f->db, "SELECT count(*) FROM pages WHERE call_id = 1"), 2);
    assert_int_equal(raw_sql(f->db, "SELECT pages || confirmed || complete FROM calls WHERE id = 1"), 221);
    assert_int_equal(fg_store_unfinished(st, &ids, &n), FG_OK);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], fg_call_id(c));
    free(ids);

    /* a restart: everything recovery needs comes back */
    assert_int_equal(fg_store_call_load(st, fg_call_id(c), &back), FG_OK);
    assert_string_equal(fg_call_tsi(back), "BROADCAST 1");
    assert_string_equal(fg_call_caller_id(back), "7025550110");
    assert_int_equal(fg_call_confirmed(back), 2);
    assert_true(fg_call_complete(back));
    assert_int_equal(fg_call_acked(back), 0);
    assert_string_equal(fg_call_tiff(back), "/var/spool/faxgate/in/1.tif");
    assert_true(fg_call_interrupted(back) > 0);
    assert_string_equal(back->t30.dcs, "V.17 14400 bps, fine, MH, ECM");
    assert_int_equal(back->started, 1714557600);

    /* its final save, print job with it, ends it: no longer unfinished, the job in one commit */
    fg_call_set_result(back, FG_CALL_RECEIVED, "received 2 pages");
    fg_call_set_recovered(back, time(NULL));
    fg_call_set_delivery(back, "queued");
    assert_int_equal(fg_store_call_save(st, back), FG_OK);
    assert_int_equal(fg_store_unfinished(st, &ids, &n), FG_OK);
    assert_int_equal(n, 0);
    free(ids);
    assert_int_equal(raw_sql(f->db, "SELECT count(*) FROM deliveries WHERE call_id = 1 AND state = 'pending'"), 1);
    assert_int_equal(raw_sql(f->db, "SELECT count(*) FROM calls WHERE id = 1 AND recovered IS NOT NULL AND "
                                    "interrupted IS NOT NULL AND confirmed = 2 AND deliver_state = 'pending'"), 1);
    /* sealed as recovered, the times of its interruption and recovery in its record */
    assert_int_equal(raw_sql(f->db, "SELECT count(*) FROM ledger WHERE call_id = 1 AND why = 'recovered' AND record"
                                    " LIKE '%\"interrupted\":\"20%\"recovered\":\"20%'"), 1);
    /* a progress write after the end changes nothing, not even the page rows its record seals */
    c->confirmed = 3;
    assert_int_equal(fg_call_add_page(c, 1728, 2200, false, "3333333333333333333333333333333333333333333333333333333333333333"),
                     FG_OK);
    assert_int_equal(fg_store_call_progress(st, c), FG_OK);
    assert_int_equal(raw_sql(f->db, "SELECT confirmed FROM calls WHERE id = 1"), 2);
    assert_int_equal(raw_sql(f->db, "SELECT count(*) FROM pages WHERE call_id = 1"), 0);   /* as its final save left them */
    fg_call_free(back);
    assert_int_equal(fg_store_call_load(st, 99, &back), FG_ERR_NOTFOUND);
    assert_null(back);
    fg_call_free(c);
    fg_store_close(st);
}

/* ---- the evidence ledger (store_ledger.c, store_record.c) ---- */

/* Runs SQL behind the store's back; returns SQLite's result and its message in msg. */
static int raw_exec(const char *path, const char *sql, char *msg, size_t cap)
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

/* verify_chain fails naming call (and field, if given) with why containing want. */
#define assert_broken(st, call, fld, want)                                                             \
    do {                                                                                               \
        fg_evidence_fault f_;                                                                          \
        int en_, ca_;                                                                                  \
        bool ok_ = true;                                                                               \
        assert_int_equal(fg_store_verify_chain((st), &ok_, &f_, &en_, &ca_), FG_OK);                   \
        if (ok_)                                                                                       \
            fail_msg("the ledger verified; expected a fault naming call %d", (int)(call));             \
        assert_int_equal(f_.call_id, (call));                                                          \
        const char *fld_ = (fld);                                                                      \
        if (fld_ && strcmp(f_.field, fld_))                                                            \
            fail_msg("field '%s', expected '%s' (%s)", f_.field, fld_, f_.why);                        \
        if (!strstr(f_.why, (want)))                                                                   \
            fail_msg("fault '%s' does not contain '%s'", f_.why, (want));                              \
    } while (0)

static void assert_intact(fg_store *st, int want_entries)
{
    fg_evidence_fault f;
    int entries = -1, calls = -1;
    bool ok = false;

    assert_int_equal(fg_store_verify_chain(st, &ok, &f, &entries, &calls), FG_OK);
    if (!ok)
        fail_msg("the ledger does not verify: %s", f.why);
    assert_int_equal(entries, want_entries);
}

/* Appended, never rewritten: a legitimate change adds an entry and keeps an older head valid;
   one byte of any covered kind of row changed behind the store's back is named with its field. */
static void test_ledger(void **state)
{
    fixture *f = *state;
    fg_evidence_fault fault;
    fg_ledger_head h1, h2;
    char msg[256];
    fg_store *st;
    fg_call *c;
    bool ok;

    assert_int_equal(fg_store_open(f->db, &st), FG_OK);
    assert_intact(st, 0);
    c = full_call("FIRST", "+13125550001");
    assert_int_equal(fg_store_call_begin(st, c), FG_OK);
    assert_int_equal(raw_sql(f->db, "SELECT count(*) FROM ledger"), 1);   /* it had ended */
    assert_int_equal(fg_store_call_save(st, c), FG_OK);
    assert_int_equal(raw_sql(f->db, "SELECT count(*) FROM ledger"), 1);   /* the same record */
    save_new(st, "SECOND", "+13125550002");
    save_new(st, "THIRD", "+13125550003");
    assert_intact(st, 3);
    assert_int_equal(raw_sql(f->db, "SELECT count(*) FROM ledger l JOIN calls c ON c.id = l.call_id"
                                    " WHERE l.why = 'sealed' AND c.chain = l.chain AND length(l.chain) = 64"), 3);
    assert_int_equal(fg_store_ledger_head(st, &h1), FG_OK);
    assert_int_equal(h1.seq, 3);
    assert_int_equal(h1.entries, 3);

    /* saved again unchanged: nothing appended; a verdict by hand: one entry more, the past kept */
    assert_int_equal(fg_store_call_save(st, c), FG_OK);
    assert_int_equal(raw_sql(f->db, "SELECT count(*) FROM ledger"), 3);
    assert_int_equal(fg_store_set_verdict(st, 1, FG_VERDICT_DROP, "bob", "junk"), FG_OK);
    assert_int_equal(raw_sql(f->db, "SELECT count(*) FROM ledger WHERE seq = 4 AND call_id = 1 AND why = 'verdict by bob'"
                                    " AND record LIKE '%\"verdict\":\"drop\",\"verdict_by\":\"bob\"%'"), 1);
    assert_intact(st, 4);
    assert_int_equal(fg_store_verify_head(st, &h1, &ok, &fault), FG_OK);
    assert_true(ok);
    assert_int_equal(fg_store_ledger_head(st, &h2), FG_OK);
    assert_int_equal(h2.seq, 4);
    assert_string_not_equal(h2.chain, h1.chain);
    assert_int_equal(fg_store_verify_link(st, 1, &ok), FG_OK);
    assert_true(ok);

    /* the table refuses changes and deletions */
    assert_int_equal(raw_exec(f->db, "UPDATE ledger SET why = 'x' WHERE seq = 1", msg, sizeof msg), SQLITE_CONSTRAINT);
    assert_non_null(strstr(msg, "append-only"));
    assert_int_equal(raw_exec(f->db, "DELETE FROM ledger WHERE seq = 4", msg, sizeof msg), SQLITE_CONSTRAINT);
    assert_non_null(strstr(msg, "append-only"));
    assert_intact(st, 4);

    /* one byte of each kind of row, changed behind the store's back, then put back */
    raw_sql(f->db, "UPDATE calls SET advertiser = 'ACME Vacationz' WHERE id = 2");
    assert_broken(st, 2, "advertiser", "advertiser changed from 'ACME Vacations' to 'ACME Vacationz' since its record of");
    /* an operator's change would seal the alteration: refused, nothing written */
    assert_int_equal(fg_store_set_verdict(st, 2, FG_VERDICT_DELIVER, "bob", "release"), FG_ERR_STATE);
    assert_msg_has(FG_ERR_STATE, "call 2 was changed behind the store's back");
    assert_msg_has(FG_ERR_STATE, "advertiser changed from 'ACME Vacations' to 'ACME Vacationz'");
    assert_int_equal(raw_sql(f->db, "SELECT count(*) FROM ledger"), 4);
    assert_int_equal(raw_sql(f->db, "SELECT count(*) FROM calls WHERE id = 2 AND verdict = 'hold'"), 1);
    raw_sql(f->db, "UPDATE calls SET advertiser = 'ACME Vacations' WHERE id = 2");
    assert_intact(st, 4);

    raw_sql(f->db, "UPDATE pages SET sha256 = '2222222222222222222222222222222222222222222222222222222222222223'"
                   " WHERE call_id = 3 AND page_no = 2");
    assert_broken(st, 3, "pages[2].sha256", "call 3: pages[2].sha256 changed from '2222");
    assert_int_equal(fg_store_verify_link(st, 3, &ok), FG_OK);
    assert_false(ok);
    assert_int_equal(fg_store_verify_link(st, 2, &ok), FG_OK);
    assert_true(ok);
    raw_sql(f->db, "UPDATE pages SET sha256 = '2222222222222222222222222222222222222222222222222222222222222222'"
                   " WHERE call_id = 3 AND page_no = 2");

    raw_sql(f->db, "UPDATE identities SET value = '+18775550143' WHERE call_id = 2 AND value = '+18775550142'");
    assert_broken(st, 2, NULL, "to '+18775550143'");
    raw_sql(f->db, "UPDATE identities SET value = '+18775550142' WHERE call_id = 2 AND value = '+18775550143'");

    raw_sql(f->db, "UPDATE violations SET detail = 'opt-out notice names no voice numbers' WHERE call_id = 1"
                   " AND detail LIKE 'opt-out%'");
    assert_broken(st, 1, "violations[2].detail", "call 1: violations[2].detail changed from 'opt-out notice names "
                                                  "no voice number' to");
    raw_sql(f->db, "UPDATE violations SET detail = 'opt-out notice names no voice number' WHERE call_id = 1"
                   " AND detail LIKE 'opt-out%'");
    assert_intact(st, 4);

    /* a finished call written behind the store's back, and an entry appended that does not chain */
    raw_sql(f->db, "INSERT INTO calls(started, state) VALUES ('2024-05-01T11:00:00Z', 'received')");
    assert_broken(st, 4, "", "call 4 ended but has no evidence record");
    raw_sql(f->db, "INSERT INTO ledger(call_id, at, why, record, chain) SELECT 4, '2024-05-01T11:00:00Z', 'sealed',"
                   " '{}', chain FROM ledger WHERE seq = 4");
    assert_broken(st, 4, "", "ledger entry 5 (call 4, sealed, 2024-05-01T11:00:00Z) was altered or inserted");
    fg_call_free(c);
    fg_store_close(st);
}

/* A deleted call row is named, in the middle or at the end; a ledger truncated with its
   triggers dropped is named by its counter, or, with that mended too, by a head kept before. */
static void test_ledger_deletions(void **state)
{
    fixture *f = *state;
    fg_evidence_fault fault;
    fg_ledger_head h;
    fg_store *st;
    bool ok;

    assert_int_equal(fg_store_open(f->db, &st), FG_OK);
    save_new(st, "A", "+13125550001");
    save_new(st, "B", "+13125550002");
    save_new(st, "C", "+13125550003");
    assert_int_equal(fg_store_set_verdict(st, 3, FG_VERDICT_DROP, "bob", "junk"), FG_OK);
    assert_intact(st, 4);
    assert_int_equal(fg_store_ledger_head(st, &h), FG_OK);
    fg_store_close(st);

    assert_int_equal(raw_exec(f->db, "PRAGMA foreign_keys = ON; DELETE FROM calls WHERE id = 2", NULL, 0), SQLITE_OK);
    assert_int_equal(fg_store_open(f->db, &st), FG_OK);
    assert_broken(st, 2, "", "call 2 was deleted (its ledger entry 2 remains)");
    fg_store_close(st);
    assert_int_equal(raw_exec(f->db, "PRAGMA foreign_keys = ON; DELETE FROM calls WHERE id = 3", NULL, 0), SQLITE_OK);
    assert_int_equal(fg_store_open(f->db, &st), FG_OK);
    assert_broken(st, 2, "", "call 2 was deleted");   /* the first problem first */
    fg_store_close(st);

    /* the last call and its entries removed, the triggers dropped to do it */
    remove(f->db);
    assert_int_equal(fg_store_open(f->db, &st), FG_OK);
    save_new(st, "A", "+13125550001");
    save_new(st, "B", "+13125550002");
    save_new(st, "C", "+13125550003");
    assert_int_equal(fg_store_set_verdict(st, 3, FG_VERDICT_DROP, "bob", "junk"), FG_OK);
    assert_int_equal(fg_store_ledger_head(st, &h), FG_OK);
    assert_int_equal(fg_store_verify_head(st, &h, &ok, &fault), FG_OK);
    assert_true(ok);
    assert_int_equal(raw_exec(f->db, "PRAGMA foreign_keys = ON; DROP TRIGGER ledger_no_delete;"
                                     " DELETE FROM ledger WHERE call_id = 3; DELETE FROM calls WHERE id = 3", NULL, 0),
                     SQLITE_OK);
    assert_broken(st, 0, "", "its trigger ledger_no_delete was dropped");
    raw_exec(f->db, "CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger BEGIN SELECT RAISE(ABORT, 'no'); END",
             NULL, 0);
    {
        fg_evidence_fault f2;
        int en, ca;

        assert_int_equal(fg_store_verify_chain(st, &ok, &f2, &en, &ca), FG_OK);
        assert_false(ok);
        assert_int_equal(f2.seq, 3);
        assert_non_null(strstr(f2.why, "ledger entries 3 to 4 were removed from its end"));
    }
    /* the counter mended too: the ledger alone looks whole, the head kept elsewhere does not */
    raw_sql(f->db, "UPDATE sqlite_sequence SET seq = 2 WHERE name = 'ledger'");
    assert_intact(st, 2);
    assert_int_equal(fg_store_verify_head(st, &h, &ok, &fault), FG_OK);
    assert_false(ok);
    assert_int_equal(fault.seq, 4);
    assert_non_null(strstr(fault.why, "is no longer in the ledger: the ledger was truncated or rewritten"));
    /* …and appending again after it does not bring it back: entry 4 now has another chain */
    save_new(st, "D", "+13125550004");
    save_new(st, "E", "+13125550005");
    assert_intact(st, 4);
    assert_int_equal(fg_store_verify_head(st, &h, &ok, &fault), FG_OK);
    assert_false(ok);
    assert_non_null(strstr(fault.why, "ledger entry 4 no longer has the chain of the head taken"));
    /* an entry taken out of the middle */
    assert_int_equal(raw_exec(f->db, "DROP TRIGGER ledger_no_delete; DELETE FROM ledger WHERE seq = 2;"
                                     " CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger BEGIN SELECT"
                                     " RAISE(ABORT, 'no'); END", NULL, 0), SQLITE_OK);
    assert_broken(st, 0, "", "ledger entry 2 was removed (the entries before and after it remain)");
    /* the time of an entry changed (the record untouched) */
    assert_int_equal(raw_exec(f->db, "DROP TRIGGER ledger_no_update; UPDATE ledger SET at = '2020-01-01T00:00:00Z'"
                                     " WHERE seq = 1; CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger BEGIN"
                                     " SELECT RAISE(ABORT, 'no'); END", NULL, 0), SQLITE_OK);
    assert_broken(st, 1, "", "ledger entry 1 (call 1, sealed, 2020-01-01T00:00:00Z) was altered or inserted");
    raw_exec(f->db, "DROP TRIGGER ledger_no_update", NULL, 0);
    assert_broken(st, 0, "", "its trigger ledger_no_update was dropped");
    fg_store_close(st);
}

/* A store of schema 10 gains the ledger: its finished calls sealed once, "upgraded". */
static void test_ledger_upgrade(void **state)
{
    fixture *f = *state;
    fg_store *st;
    fg_call *c;

    assert_int_equal(fg_store_open(f->db, &st), FG_OK);
    save_new(st, "A", "+13125550001");
    assert_int_equal(fg_call_new(&c), FG_OK);   /* still receiving: unfinished, not sealed */
    assert_int_equal(fg_store_call_begin(st, c), FG_OK);
    save_new(st, "B", "+13125550002");
    fg_store_close(st);
    raw_sql(f->db, "DROP TABLE sessions");   /* v12 */
    raw_sql(f->db, "DROP TABLE users");
    raw_sql(f->db, "DROP TABLE audit");
    raw_sql(f->db, "DROP INDEX calls_verdict");
    raw_sql(f->db, "DROP INDEX calls_advertiser");
    raw_sql(f->db, "ALTER TABLE consent DROP COLUMN added_by");
    raw_sql(f->db, "ALTER TABLE blocks DROP COLUMN added_by");
    raw_sql(f->db, "DROP TABLE ledger");
    raw_sql(f->db, "DELETE FROM sqlite_sequence WHERE name = 'ledger'");
    raw_sql(f->db, "UPDATE calls SET chain = 'old'");
    raw_sql(f->db, "PRAGMA user_version = 10");
    assert_int_equal(fg_store_open(f->db, &st), FG_OK);
    assert_int_equal(raw_sql(f->db, "SELECT count(*) FROM ledger WHERE why = 'upgraded'"), 2);
    assert_int_equal(raw_sql(f->db, "SELECT count(*) FROM ledger WHERE (seq = 1 AND call_id = 1) OR (seq = 2 AND call_id = 3)"),
                     2);
    assert_int_equal(raw_sql(f->db, "SELECT count(*) FROM calls WHERE chain = 'old'"), 1);   /* call 2 */
    assert_intact(st, 2);
    fg_call_free(c);
    fg_store_close(st);
}

/* The head line round-trips; what is not one is refused with why. */
static void test_ledger_head_line(void **state)
{
    fg_ledger_head h = {.seq = 42, .entries = 42, .at = "2026-12-07T05:00:00Z", .taken = "2026-12-07T06:00:00Z"}, back;
    char line[512];

    (void)state;
    memset(h.chain, 'a', 64);
    fg_ledger_head_line(&h, line, sizeof line);
    assert_string_equal(line, "faxgate-ledger-head seq=42 entries=42 chain=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                              " at=2026-12-07T05:00:00Z taken=2026-12-07T06:00:00Z");
    strcat(line, " later=key\n");
    assert_int_equal(fg_ledger_head_parse(line, &back), FG_OK);
    assert_int_equal(back.seq, 42);
    assert_int_equal(back.entries, 42);
    assert_string_equal(back.chain, h.chain);
    assert_string_equal(back.taken, h.taken);
    assert_int_equal(fg_ledger_head_parse("faxgate-ledger-head seq=0 entries=0 chain=- at=- taken=x", &back), FG_OK);
    assert_int_equal(fg_ledger_head_parse("seq=1 entries=1 chain=-", &back), FG_ERR_FORMAT);
    assert_int_equal(fg_ledger_head_parse("faxgate-ledger-head seq=1 entries=1 chain=abc", &back), FG_ERR_FORMAT);
    assert_msg_has(FG_ERR_FORMAT, "chain=abc is not a SHA-256");
    assert_int_equal(fg_ledger_head_parse("faxgate-ledger-head seq=1 entries=1", &back), FG_ERR_FORMAT);
    assert_int_equal(fg_ledger_head_parse("faxgate-ledger-head seq=x entries=1 chain=-", &back), FG_ERR_FORMAT);
}

/* ---- complaint reports (store_report.c) ---- */

static json_t *report(fg_store *st, int64_t id, const char *profile)
{
    char *text = NULL;

    assert_int_equal(fg_store_report_json(st, id, profile, &text), FG_OK);
    return parse(text);
}

/* A saved call with the verdict v decided automatically (is_ad as given). */
static int64_t save_judged(fg_store *st, const char *tsi, fg_verdict v, bool is_ad)
{
    fg_call *c = full_call(tsi, "+13125550009");
    int64_t id;

    c->decision.verdict = v;
    c->decision.is_ad = is_ad;
    assert_int_equal(fg_store_call_begin(st, c), FG_OK);
    assert_int_equal(fg_store_call_save(st, c), FG_OK);
    id = fg_call_id(c);
    fg_call_free(c);
    return id;
}

static void assert_status(fg_store *st, int64_t id, const char *want)
{
    json_t *r = report(st, id, NULL), *v;
    size_t i;

    if (strcmp(jstr(r, "status"), want))
        fail_msg("call %lld: status %s, expected %s", (long long)id, jstr(r, "status"), want);
    json_array_foreach(json_object_get(r, "violations"), i, v) assert_string_equal(jstr(v, "status"), want);
    json_decref(r);
}

static void test_report_facts_and_standing(void **state)
{
    fixture *f = *state;
    int64_t held, dropped, not_ad;
    char *text = NULL;
    fg_store *st;
    json_t *r;

    assert_int_equal(fg_store_open(f->db, &st), FG_OK);
    held = save_judged(st, "HELD", FG_VERDICT_HOLD, true);
    dropped = save_judged(st, "DROPPED", FG_VERDICT_DROP, true);
    not_ad = save_judged(st, "BLOCKED", FG_VERDICT_DROP, false);

    r = report(st, held, "us");
    assert_int_equal(json_integer_value(json_object_get(r, "call_id")), held);
    assert_int_equal(json_array_size(json_object_get(r, "violations")), 2);
    assert_string_equal(jstr(json_object_get(r, "advertiser"), "name"), "ACME Vacations");
    assert_string_equal(json_string_value(json_array_get(json_object_get(json_object_get(r, "advertiser"), "tickers"), 0)),
                        "ACMV");
    assert_string_equal(jstr(json_object_get(r, "broadcaster"), "header"), "05/01/2024 10:00 ACME 212-555-0123 P.1");
    assert_string_equal(jstr(json_object_get(r, "broadcaster"), "tsi"), "HELD");
    assert_true(json_is_true(json_object_get(json_object_get(r, "optout"), "present")));
    /* the whole record rides along, read in the same snapshot */
    assert_int_equal(json_integer_value(json_object_get(json_object_get(r, "call"), "id")), held);
    assert_int_equal(json_array_size(json_object_get(json_object_get(r, "call"), "pages")), 2);
    json_decref(r);
    r = report(st, held, "fr");
    assert_int_equal(json_array_size(json_object_get(r, "violations")), 0);
    json_decref(r);

    /* the one definition: held = pending; dropped as an ad = standing; dropped, not an ad = not standing */
    assert_status(st, held, "pending");
    assert_status(st, dropped, "standing");
    assert_status(st, not_ad, "not standing");
    /* an operator's junk stands (even on a fax not judged an ad); a release withdraws it */
    assert_int_equal(fg_store_set_verdict(st, not_ad, FG_VERDICT_DROP, "operator", "marked junk"), FG_OK);
    assert_status(st, not_ad, "standing");
    assert_int_equal(fg_store_set_verdict(st, held, FG_VERDICT_DELIVER, "operator", "released"), FG_OK);
    assert_status(st, held, "not standing");

    assert_int_equal(fg_store_report_json(st, 99, "us", &text), FG_ERR_NOTFOUND);
    assert_null(text);
    assert_msg_has(FG_ERR_NOTFOUND, "no call 99");
    fg_store_close(st);
}

static void assert_calls(fg_store *st, const char *who, const char *profile, const char *want)
{
    char *text = NULL;

    assert_int_equal(fg_store_report_calls_json(st, who, profile, &text), FG_OK);
    if (strcmp(text, want))
        fail_msg("advertiser '%s' (%s): calls %s, expected %s", who, profile ? profile : "any", text, want);
    free(text);
}

static void test_report_advertiser_calls(void **state)
{
    fixture *f = *state;
    fg_store *st;

    assert_int_equal(fg_store_open(f->db, &st), FG_OK);
    save_judged(st, "ONE", FG_VERDICT_DROP, true);
    save_judged(st, "TWO", FG_VERDICT_HOLD, true);
    raw_sql(f->db, "INSERT INTO calls(started, state, advertiser) VALUES ('2024-05-02T10:00:00Z', 'received', 'Other Co')");
    assert_calls(st, "acme VACATIONS", "us", "[1,2]");
    assert_calls(st, "ACMV", NULL, "[1,2]");            /* the traded symbol */
    assert_calls(st, "$acmv", NULL, "[1,2]");
    assert_calls(st, "1 (877) 555-0142", NULL, "[1,2]"); /* the callback, written another way */
    assert_calls(st, "877-555-0142", NULL, "[1,2]");
    assert_calls(st, "800-555-0100", NULL, "[]");       /* the opt-out fax is not the advertiser's number */
    assert_calls(st, "555-01", NULL, "[]");             /* too few digits to be a number */
    assert_calls(st, "Other Co", NULL, "[]");           /* no violations: nothing to report */
    assert_calls(st, "acme vacations", "fr", "[]");
    fg_store_close(st);
}

static void test_verify_link(void **state)
{
    fixture *f = *state;
    fg_store *st;
    bool ok = false;

    assert_int_equal(fg_store_open(f->db, &st), FG_OK);
    save_new(st, "A", "+13125550001");
    save_new(st, "B", "+13125550002");
    save_new(st, "C", "+13125550003");
    assert_int_equal(fg_store_verify_link(st, 2, &ok), FG_OK);
    assert_true(ok);
    raw_sql(f->db, "UPDATE calls SET caller_id = '5550000' WHERE id = 2");
    assert_int_equal(fg_store_verify_link(st, 2, &ok), FG_OK);
    assert_false(ok);
    /* its neighbours' entries still match their records */
    assert_int_equal(fg_store_verify_link(st, 1, &ok), FG_OK);
    assert_true(ok);
    assert_int_equal(fg_store_verify_link(st, 3, &ok), FG_OK);
    assert_true(ok);
    /* calls.chain must repeat the call's latest entry */
    raw_sql(f->db, "UPDATE calls SET chain = 'x' WHERE id = 3");
    assert_int_equal(fg_store_verify_link(st, 3, &ok), FG_OK);
    assert_false(ok);
    assert_int_equal(fg_store_verify_link(st, 99, &ok), FG_ERR_NOTFOUND);
    assert_msg_has(FG_ERR_NOTFOUND, "no call 99");
    fg_store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create_and_reopen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refuses_not_sqlite, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refuses_foreign_sqlite, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refuses_newer_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_save_and_read_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resave_is_idempotent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_text_stays_valid_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_consent_and_blocks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_screen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_screen_station_and_junk, setup, teardown),
        cmocka_unit_test_setup_teardown(test_screen_offender, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lookup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_name_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_progress_and_recovery_load, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger_deletions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger_upgrade, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger_head_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_facts_and_standing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_advertiser_calls, setup, teardown),
        cmocka_unit_test_setup_teardown(test_verify_link, setup, teardown),
    };

    return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
