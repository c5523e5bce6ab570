/* faxgate — store: the evidence ledger (store_ledger.c, store_record.c: appended, chained, every
   change named) and complaint reports (store_report.c), on real SQLite files. */
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "call_impl.h"
#include "faxgate/store.h"
#include "store_fixture.h"

/* ---- the evidence ledger (store_ledger.c, store_record.c) ---- */

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
        cmocka_unit_test_setup_teardown(test_ledger, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger_deletions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger_upgrade, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger_head_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_facts_and_standing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_advertiser_calls, setup, teardown),
        cmocka_unit_test_setup_teardown(test_verify_link, setup, teardown),
    };

    return cmocka_run_group_tests_name("store_ledger", tests, NULL, NULL);
}
