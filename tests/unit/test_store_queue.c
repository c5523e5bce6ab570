/* faxgate — store: the print queue (exclusive claims across handles and threads, retries,
   stale claims, never twice) and a full disk, on real SQLite files. */
#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "call_impl.h"
#include "faxgate/store.h"
#include "store_fixture.h"

/* ---- helpers ---- */

/* A received call with its pages in the spool, recorded in the store. */
static int64_t save_received(fg_store *st, const char *tsi, const char *caller)
{
    fg_call *c;
    int64_t id;

    assert_int_equal(fg_call_new(&c), FG_OK);
    fg_call_set_line(c, "audiosocket://127.0.0.1:9092", "", caller);
    fg_call_set_tsi(c, tsi);
    fg_call_set_result(c, FG_CALL_RECEIVED, "received 1 page");
    c->tiff = strdup("/var/spool/faxgate/in/1.tif");
    assert_int_equal(fg_call_add_page(c, 1728, 2200, false, NULL), FG_OK);
    assert_int_equal(fg_store_call_save(st, c), FG_OK);
    id = fg_call_id(c);
    fg_call_free(c);
    return id;
}

/* ---- print queue ---- */

static void test_queue(void **state)
{
    fixture *f = *state;
    int64_t a, b;
    fg_stored_call sc;
    fg_delivery d, d2;
    fg_store *st;
    int n;

    assert_int_equal(fg_store_open(f->db, &st), FG_OK);
    a = save_received(st, "A", "+13125550001");
    b = save_received(st, "B", "+13125550002");
    assert_int_equal(fg_store_delivery_claim(st, "w1", &d), FG_ERR_NOTFOUND);
    assert_int_equal(fg_store_delivery_add(st, a), FG_OK);
    assert_int_equal(fg_store_delivery_add(st, a), FG_OK);   /* no-op */
    assert_int_equal(fg_store_delivery_add(st, 9999), FG_ERR_NOTFOUND);
    assert_int_equal(fg_store_delivery_pending(st, &n), FG_OK);
    assert_int_equal(n, 1);
    assert_int_equal(fg_store_delivery_claim(st, "w1", &d), FG_OK);
    assert_int_equal(d.call_id, a);
    assert_int_equal(d.attempts, 1);
    assert_string_equal(d.tiff, "/var/spool/faxgate/in/1.tif");
    assert_int_equal(fg_store_delivery_claim(st, "w2", &d2), FG_ERR_NOTFOUND);   /* claimed already */

    /* a failure puts it back with a delay: not due yet */
    assert_int_equal(fg_store_delivery_retry(st, d.id, 3600, "printer down: connection refused"), FG_OK);
    assert_int_equal(fg_store_delivery_retry(st, d.id, 3600, "again"), FG_ERR_STATE);
    assert_int_equal(fg_store_delivery_claim(st, "w1", &d2), FG_ERR_NOTFOUND);
    assert_int_equal(raw_sql(f->db, "SELECT count(*) FROM deliveries WHERE last_error LIKE 'printer down%'"
                                    " AND next_try > strftime('%Y-%m-%dT%H:%M:%SZ','now','+3000 seconds')"),
                     1);

    /* a failure with no delay: due at once, attempts counted */
    assert_int_equal(fg_store_delivery_add(st, b), FG_OK);
    assert_int_equal(fg_store_delivery_claim(st, "w1", &d), FG_OK);
    assert_int_equal(d.call_id, b);
    assert_int_equal(fg_store_delivery_retry(st, d.id, 0, "busy"), FG_OK);
    assert_int_equal(fg_store_delivery_claim(st, "w2", &d), FG_OK);
    assert_int_equal(d.attempts, 2);
    assert_false(d.abandoned);   /* a known failure: it did not print */

    /* a crashed owner: the claim is returned only when old enough, marked abandoned (it may
       have printed: the printer is asked before printing again) */
    assert_int_equal(fg_store_delivery_unstick(st, 3600), FG_OK);
    assert_int_equal(fg_store_delivery_claim(st, "w3", &d2), FG_ERR_NOTFOUND);
    assert_int_equal(fg_store_delivery_unstick(st, 0), FG_OK);
    assert_int_equal(fg_store_delivery_claim(st, "w3", &d), FG_OK);
    assert_int_equal(d.call_id, b);
    assert_int_equal(d.attempts, 3);
    assert_true(d.abandoned);
    /* at start-up, every claim of a faxgated that stopped is returned at once, whatever its age */
    assert_int_equal(fg_store_delivery_release(st, "faxgated:"), FG_OK);
    assert_int_equal(fg_store_delivery_claim(st, "w4", &d2), FG_ERR_NOTFOUND);   /* w3 is not faxgated */
    raw_sql(f->db, "UPDATE deliveries SET claimed_by = 'faxgated:4242' WHERE id = 2");
    assert_int_equal(fg_store_delivery_release(st, "faxgated:"), FG_OK);
    assert_int_equal(fg_store_delivery_claim(st, "w3", &d), FG_OK);
    assert_int_equal(d.attempts, 4);
    assert_true(d.abandoned);

    /* done: the call is printed, and queuing it again changes nothing */
    assert_int_equal(fg_store_delivery_done(st, d.id, 42, "completed"), FG_OK);
    assert_int_equal(fg_store_delivery_done(st, d.id, 42, "completed"), FG_OK);
    assert_int_equal(fg_store_delivery_done(st, 12345, 1, "completed"), FG_ERR_NOTFOUND);
    assert_int_equal(fg_store_call_get(st, b, &sc), FG_OK);
    assert_true(sc.printed);
    assert_int_equal(raw_sql(f->db, "SELECT deliver_state = 'printed' FROM calls WHERE id = 2"), 1);
    assert_int_equal(raw_sql(f->db, "SELECT count(*) FROM events WHERE call_id = 2 AND what LIKE "
                                    "'print claim by faxgated:4242 since % abandoned; queued again'"), 1);
    assert_int_equal(fg_store_delivery_add(st, b), FG_OK);
    assert_int_equal(fg_store_delivery_pending(st, &n), FG_OK);
    assert_int_equal(n, 1);   /* only a's delayed job */
    /* what `faxgatectl status` shows: the jobs not printed, with their call and last error */
    char *json = NULL;
    assert_int_equal(fg_store_delivery_json(st, &json), FG_OK);
    if (!strstr(json, "\"call_id\":1,") || !strstr(json, "\"tsi\":\"A\"") || !strstr(json, "printer down") ||
        strstr(json, "\"call_id\":2,"))
        fail_msg("print queue listing: %s", json);
    free(json);
    assert_int_equal(raw_sql(f->db, "SELECT count(*) FROM deliveries"), 2);
    fg_store_close(st);
}

/* A job on the printer: busy answers counted as attempts, the printer's job and its states
   recorded (an event per change, the claim renewed), the final state kept with the job. */
static void test_sent_and_followed(void **state)
{
    fixture *f = *state;
    fg_delivery d;
    int64_t a;
    fg_store *st;
    int n = 0;

    assert_int_equal(fg_store_open(f->db, &st), FG_OK);
    a = save_received(st, "A", "+13125550001");
    assert_int_equal(fg_store_delivery_add(st, a), FG_OK);
    assert_int_equal(fg_store_delivery_sent(st, 1, 5, "sent"), FG_ERR_STATE);   /* not claimed */
    assert_int_equal(fg_store_delivery_attempt(st, 1, "busy", &n), FG_ERR_STATE);
    assert_int_equal(fg_store_delivery_claim(st, "w1", &d), FG_OK);
    raw_sql(f->db, "UPDATE deliveries SET claimed_at = '2000-01-01T00:00:00Z'");
    assert_int_equal(fg_store_delivery_attempt(st, d.id, "printer p is busy (server-error-busy)", &n), FG_OK);
    assert_int_equal(n, 2);
    assert_int_equal(fg_store_delivery_attempt(st, d.id, "printer p is busy (server-error-busy)", NULL), FG_OK);
    assert_int_equal(raw_sql(f->db, "SELECT attempts FROM deliveries"), 3);
    assert_int_equal(raw_sql(f->db, "SELECT claimed_at > '2001' FROM deliveries"), 1);   /* renewed */
    assert_int_equal(raw_sql(f->db, "SELECT count(*) FROM events WHERE what LIKE 'print attempt % put off: printer p "
                                    "is busy%'"), 2);
    assert_int_equal(fg_store_delivery_sent(st, d.id, 7, "sent"), FG_OK);
    assert_int_equal(fg_store_delivery_sent(st, d.id, 7, "processing"), FG_OK);
    assert_int_equal(fg_store_delivery_sent(st, d.id, 7, "processing"), FG_OK);   /* no news: no event */
    assert_int_equal(raw_sql(f->db, "SELECT count(*) FROM events WHERE what LIKE '%job 7%'"), 2);
    assert_int_equal(raw_sql(f->db, "SELECT job_id FROM deliveries"), 7);
    /* aborted by the printer: back to the queue, the state it ended in kept */
    assert_int_equal(fg_store_delivery_sent(st, d.id, 7, "aborted"), FG_OK);
    assert_int_equal(fg_store_delivery_retry(st, d.id, 0, "printer job 7 was aborted"), FG_OK);
    assert_int_equal(raw_sql(f->db, "SELECT state = 'pending' AND job_state = 'aborted' FROM deliveries"), 1);
    assert_int_equal(fg_store_delivery_claim(st, "w1", &d), FG_OK);
    assert_false(d.abandoned);
    assert_int_equal(fg_store_delivery_sent(st, d.id, 8, "sent"), FG_OK);
    assert_int_equal(fg_store_delivery_done(st, d.id, 8, "completed"), FG_OK);
    assert_int_equal(raw_sql(f->db, "SELECT state = 'done' AND job_id = 8 AND job_state = 'completed' AND done_at "
                                    "IS NOT NULL FROM deliveries"), 1);
    assert_int_equal(raw_sql(f->db, "SELECT count(*) FROM events WHERE what = 'printed (printer job 8, completed, "
                                    "attempt 4)'"), 1);
    fg_store_close(st);
}

/* A store of schema 6 (before job states) opens, gains the column and keeps its print queue. */
static void test_migrates_v6(void **state)
{
    fixture *f = *state;
    fg_delivery d;
    fg_store *st;
    int64_t a;

    assert_int_equal(fg_store_open(f->db, &st), FG_OK);
    a = save_received(st, "A", "+13125550001");
    assert_int_equal(fg_store_delivery_add(st, a), FG_OK);
    fg_store_close(st);
    raw_sql(f->db, "DROP TABLE sessions");   /* v12 */
    raw_sql(f->db, "DROP TABLE users");
    raw_sql(f->db, "DROP TABLE audit");
    raw_sql(f->db, "DROP INDEX calls_verdict");
    raw_sql(f->db, "DROP INDEX calls_advertiser");
    raw_sql(f->db, "ALTER TABLE consent DROP COLUMN added_by");
    raw_sql(f->db, "ALTER TABLE blocks DROP COLUMN added_by");
    raw_sql(f->db, "DROP TABLE ledger");
    raw_sql(f->db, "ALTER TABLE deliveries DROP COLUMN job_state");
    raw_sql(f->db, "DROP TABLE optout_keys");
    raw_sql(f->db, "DROP TABLE optouts");
    raw_sql(f->db, "DROP TABLE outgoing");
    raw_sql(f->db, "ALTER TABLE calls DROP COLUMN called");
    raw_sql(f->db, "ALTER TABLE calls DROP COLUMN line_type");
    raw_sql(f->db, "ALTER TABLE calls DROP COLUMN profiles");
    raw_sql(f->db, "PRAGMA user_version = 6");
    assert_int_equal(fg_store_open(f->db, &st), FG_OK);
    assert_int_equal(raw_sql(f->db, "PRAGMA user_version"), FG_STORE_SCHEMA_VERSION);
    assert_int_equal(raw_sql(f->db, "SELECT count(*) FROM pragma_table_info('deliveries') WHERE name = 'job_state'"),
                     1);
    assert_int_equal(fg_store_delivery_claim(st, "w1", &d), FG_OK);
    assert_int_equal(d.call_id, a);
    assert_int_equal(fg_store_delivery_done(st, d.id, 3, "completed"), FG_OK);
    assert_int_equal(raw_sql(f->db, "SELECT count(*) FROM outgoing"), 0);   /* v8 made it */
    fg_store_close(st);
}

/* The outgoing queue: claimed once, sent, retried with a delay, given up after its attempts,
   a stopped daemon's claims returned; every step an event of the call it concerns. */
static void test_outgoing(void **state)
{
    fixture *f = *state;
    fg_outgoing a, b, none;
    bool failed = true;
    int64_t call, id1, id2;
    fg_store *st;

    assert_int_equal(fg_store_open(f->db, &st), FG_OK);
    call = save_received(st, "AD", "+13125550001");
    assert_int_equal(fg_store_outgoing_add(st, "sip:optout@192.0.2.9:5060", "/spool/out/1.tif", "optout", call, 2, 1,
                                           &id1), FG_OK);
    assert_int_equal(fg_store_outgoing_add(st, "sip:mfp@192.0.2.8", "/spool/out/2.tif", NULL, 0, 5, 3, &id2), FG_OK);
    assert_int_equal(fg_store_outgoing_add(st, "", "/x.tif", NULL, 0, 1, 1, &id2), FG_ERR_INVAL);
    assert_int_equal(fg_store_outgoing_claim(st, "faxgated:1", &a), FG_OK);
    assert_int_equal(fg_store_outgoing_claim(st, "faxgated:1", &b), FG_OK);
    assert_int_equal(fg_store_outgoing_claim(st, "faxgated:1", &none), FG_ERR_NOTFOUND);   /* both taken */
    assert_int_equal(a.id, id1);
    assert_string_equal(a.purpose, "optout");
    assert_int_equal(a.call_id, call);
    assert_int_equal(a.attempts, 1);
    assert_string_equal(b.purpose, "manual");
    /* a fails once: back with a delay (not due now), then given up at its second attempt */
    assert_int_equal(fg_store_outgoing_retry(st, a.id, 3600, "busy", &failed), FG_OK);
    assert_false(failed);
    assert_int_equal(fg_store_outgoing_claim(st, "faxgated:1", &none), FG_ERR_NOTFOUND);
    raw_sql(f->db, "UPDATE outgoing SET next_try = '2000-01-01T00:00:00Z' WHERE state = 'queued'");
    assert_int_equal(fg_store_outgoing_claim(st, "faxgated:1", &a), FG_OK);
    assert_int_equal(a.attempts, 2);
    assert_int_equal(fg_store_outgoing_retry(st, a.id, 1, "no answer", &failed), FG_OK);
    assert_true(failed);
    assert_int_equal(fg_store_outgoing_retry(st, a.id, 1, "again", &failed), FG_ERR_STATE);   /* not claimed */
    /* b: its daemon stopped: returned, claimed again, sent */
    assert_int_equal(fg_store_outgoing_release(st, "faxgated:"), FG_OK);
    assert_int_equal(fg_store_outgoing_claim(st, "faxgated:2", &b), FG_OK);
    assert_int_equal(b.attempts, 2);
    assert_int_equal(fg_store_outgoing_sent(st, b.id, 3, "MFP 42"), FG_OK);
    assert_int_equal(fg_store_outgoing_sent(st, b.id, 3, "MFP 42"), FG_ERR_STATE);
    assert_int_equal(raw_sql(f->db, "SELECT count(*) FROM outgoing WHERE state = 'sent' AND pages_sent = 3 AND "
                                    "far_csi = 'MFP 42' AND last_error LIKE '%claim abandoned'"), 1);
    assert_int_equal(raw_sql(f->db, "SELECT count(*) FROM outgoing WHERE state = 'failed' AND last_error = 'no answer'"),
                     1);
    /* the ad's call has the story: queued, two attempts, given up */
    assert_int_equal(raw_sql(f->db, "SELECT count(*) FROM events WHERE what LIKE 'fax % queued to send%' OR "
                                    "what LIKE 'sending fax %' OR what LIKE 'fax % not sent%'"), 5);
    {
        char *json = NULL;

        assert_int_equal(fg_store_outgoing_json(st, &json), FG_OK);
        assert_non_null(strstr(json, "\"state\":\"failed\""));
        assert_non_null(strstr(json, "\"far_csi\":\"MFP 42\""));
        free(json);
    }
    fg_store_close(st);
}

/* An operator's release and junk: claim one call's job now, or cancel it. */
static void test_claim_call_and_cancel(void **state)
{
    fixture *f = *state;
    fg_delivery d, d2;
    int64_t a, b;
    fg_store *st;
    fg_err e;
    int n;

    assert_int_equal(fg_store_open(f->db, &st), FG_OK);
    a = save_received(st, "A", "+13125550001");
    b = save_received(st, "B", "+13125550002");
    assert_int_equal(fg_store_delivery_claim_call(st, "ctl", a, &d), FG_ERR_NOTFOUND);   /* not queued */
    assert_int_equal(fg_store_delivery_add(st, a), FG_OK);
    assert_int_equal(fg_store_delivery_claim(st, "daemon", &d), FG_OK);
    assert_int_equal(fg_store_delivery_retry(st, d.id, 3600, "printer down"), FG_OK);
    /* a release does not wait for the retry time; the daemon cannot take it meanwhile */
    assert_int_equal(fg_store_delivery_claim_call(st, "ctl", a, &d), FG_OK);
    assert_int_equal(d.call_id, a);
    assert_int_equal(d.attempts, 2);
    assert_string_equal(d.tiff, "/var/spool/faxgate/in/1.tif");
    e = fg_store_delivery_claim_call(st, "ctl2", a, &d2);
    assert_int_equal(e, FG_ERR_NOTFOUND);
    assert_msg_has(e, "being printed by another process");
    e = fg_store_delivery_cancel(st, a);   /* junk while it prints */
    assert_int_equal(e, FG_ERR_STATE);
    assert_msg_has(e, "being printed right now by ctl");
    assert_int_equal(fg_store_delivery_done(st, d.id, 9, "completed"), FG_OK);
    assert_int_equal(fg_store_delivery_cancel(st, a), FG_ERR_NOTFOUND);   /* already printed */

    /* junk before printing: the job goes, and a later release can queue it again */
    assert_int_equal(fg_store_delivery_add(st, b), FG_OK);
    assert_int_equal(fg_store_delivery_cancel(st, b), FG_OK);
    assert_int_equal(fg_store_delivery_cancel(st, b), FG_ERR_NOTFOUND);
    assert_int_equal(fg_store_delivery_pending(st, &n), FG_OK);
    assert_int_equal(n, 0);
    assert_int_equal(raw_sql(f->db, "SELECT deliver_state = 'cancelled' FROM calls WHERE id = 2"), 1);
    assert_int_equal(fg_store_delivery_claim(st, "daemon", &d), FG_ERR_NOTFOUND);
    assert_int_equal(fg_store_delivery_add(st, b), FG_OK);
    assert_int_equal(fg_store_delivery_claim_call(st, "ctl", b, &d), FG_OK);
    assert_int_equal(d.attempts, 1);
    fg_store_close(st);
}

#define RACE_JOBS 40
#define RACE_THREADS 4

typedef struct racer {
    fg_store *st;
    char owner[24];
    int *claims;   /* per call id, shared */
    pthread_mutex_t *mu;
    int errors;
} racer;

static void *race(void *arg)
{
    racer *r = arg;
    fg_delivery d;
    fg_err e;

    while ((e = fg_store_delivery_claim(r->st, r->owner, &d)) == FG_OK) {
        pthread_mutex_lock(r->mu);
        if (d.call_id > 0 && d.call_id <= RACE_JOBS)
            r->claims[d.call_id]++;
        pthread_mutex_unlock(r->mu);
        if (fg_store_delivery_done(r->st, d.id, (int)d.call_id, "completed") != FG_OK)
            r->errors++;
    }
    if (e != FG_ERR_NOTFOUND)
        r->errors++;
    return NULL;
}

/* Two handles on one file, two threads on each: every job is claimed exactly once. */
static void test_claims_are_exclusive(void **state)
{
    fixture *f = *state;
    int claims[RACE_JOBS + 1] = {0};
    pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    racer r[RACE_THREADS];
    pthread_t t[RACE_THREADS];
    fg_store *st[2];
    int n;

    assert_int_equal(fg_store_open(f->db, &st[0]), FG_OK);
    assert_int_equal(fg_store_open(f->db, &st[1]), FG_OK);
    for (int i = 0; i < RACE_JOBS; i++)
        assert_int_equal(fg_store_delivery_add(st[i % 2], save_received(st[i % 2], "T", "+13125550000")), FG_OK);
    for (int i = 0; i < RACE_THREADS; i++) {
        r[i] = (racer){st[i % 2], "", claims, &mu, 0};
        snprintf(r[i].owner, sizeof r[i].owner, "worker%d", i);
        assert_int_equal(pthread_create(&t[i], NULL, race, &r[i]), 0);
    }
    for (int i = 0; i < RACE_THREADS; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(r[i].errors, 0);
    }
    for (int id = 1; id <= RACE_JOBS; id++)
        if (claims[id] != 1)
            fail_msg("job of call %d was claimed %d times", id, claims[id]);
    assert_int_equal(fg_store_delivery_pending(st[0], &n), FG_OK);
    assert_int_equal(n, 0);
    assert_int_equal(raw_sql(f->db, "SELECT count(*) FROM calls WHERE printed = 1"), RACE_JOBS);
    fg_store_close(st[0]);
    fg_store_close(st[1]);
}

/* ---- disk full ---- */

static void test_disk_full(void **state)
{
    fixture *f = *state;
    char path[340], big[8192];
    fg_store *st;
    fg_err e = FG_OK;
    fg_call *c;
    int i;

    /* 512k: a new store is 244 KiB since v12 (208 KiB before), and the fill needs room to start */
    snprintf(f->mnt, sizeof f->mnt, "%s/small", f->dir);
    if (mkdir(f->mnt, 0700) != 0 || mount("tmpfs", f->mnt, "tmpfs", 0, "size=512k") != 0) {
        int err = errno;

        f->mnt[0] = '\0';
        fg_test_skip("cannot mount a small tmpfs to fill (%s): run as root to test disk full", strerror(err));
    }
    snprintf(path, sizeof path, "%s/faxgate.db", f->mnt);
    assert_int_equal(fg_store_open(path, &st), FG_OK);
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    for (i = 0; i < 200 && !e; i++) {
        assert_int_equal(fg_call_new(&c), FG_OK);
        assert_int_equal(fg_call_set_text(c, big, sizeof big - 1), FG_OK);
        e = fg_store_call_save(st, c);
        if (e)
            assert_int_equal(fg_call_id(c), 0);   /* the insert was rolled back with the rest */
        fg_call_free(c);
    }
    assert_int_equal(e, FG_ERR_NOSPACE);
    assert_msg_has(e, path);
    assert_msg_has(e, "disk full");
    assert_msg_has(e, "free space");
    fg_store_close(st);
}
int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_queue, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sent_and_followed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrates_v6, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outgoing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_claim_call_and_cancel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_claims_are_exclusive, setup, teardown),
        cmocka_unit_test_setup_teardown(test_disk_full, setup, teardown),
    };

    return cmocka_run_group_tests_name("store_queue", tests, NULL, NULL);
}
