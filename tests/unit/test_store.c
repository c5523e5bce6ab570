/* faxgate — store: real SQLite files; schema, refusals, calls, registries, hash chain.
   The evidence ledger and complaint reports are in test_store_ledger.c, the print queue and a
   full disk in test_store_queue.c; the fixture in store_fixture.c. */
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "call_impl.h"
#include "faxgate/store.h"
#include "store_fixture.h"

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
    };

    return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
