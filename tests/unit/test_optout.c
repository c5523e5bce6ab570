/* faxgate — managed opt-out (#12): the optouts table and its keys, a fax request following its
   outgoing entry, manual requests, the advertiser matched on a later fax, a repeat flagged after the
   profile's delay (at 31 days, not at 29), the wording per profile and the composed page. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "call_impl.h"
#include "faxgate/optout_law.h"
#include "faxgate/page.h"
#include "faxgate/policy.h"
#include "faxgate/store.h"
#include "optout_page.h"
#include "testutil.h"

#define T_SENT 1793095200   /* 2026-10-27T10:00:00Z: when the request went out */
#define DAY 86400

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

/* Runs SQL on the file behind the store's back; the first column of the first row as text ("" if
   none), in buf. */
static const char *raw_sql(const char *path, const char *sql, char *buf, size_t cap)
{
    sqlite3 *db;
    sqlite3_stmt *s;

    buf[0] = '\0';
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
        snprintf(buf, cap, "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    sqlite3_close(db);
    return buf;
}

#define assert_sql(f, sql, want)                                                                        \
    do {                                                                                                \
        char got_[512];                                                                                 \
        assert_string_equal(raw_sql((f)->db, (sql), got_, sizeof got_), (want));                        \
    } while (0)

static void add_number(fg_ident *id, const char *e164, unsigned kind)
{
    fg_number *n = &id->numbers[id->n_numbers++];

    snprintf(n->e164, sizeof n->e164, "%s", e164);
    snprintf(n->raw, sizeof n->raw, "%s", e164);
    n->kind = kind;
    id->n_numbers_seen++;
}

/* An advertisement from SunWave (callback, opt-out fax and phone, domain, name) or, with
   name_only, a fax that names the advertiser and nothing else; received at `at`. */
static fg_call *ad_call(const char *callback, bool name_only, time_t at)
{
    fg_call *c;
    fg_ident *id;

    assert_int_equal(fg_call_new(&c), FG_OK);
    fg_call_set_line(c, "sip:fax@127.0.0.1:5060", "", "+13055550177");
    fg_call_set_tsi(c, "SUNWAVE");
    fg_call_set_result(c, FG_CALL_RECEIVED, "received 1 page");
    c->started = at;
    assert_int_equal(fg_call_add_page(c, 1728, 2200, false,
                                      "abababababababababababababababababababababababababababababababab"), FG_OK);
    id = &c->ident;
    id->adv_name = strdup("SunWave Cruise Club");
    if (!name_only) {
        snprintf(id->adv_domain, sizeof id->adv_domain, "sunwavecruiseclub.com");
        snprintf(id->callback, sizeof id->callback, "%s", callback);
        add_number(id, callback, FG_NUM_VOICE | FG_NUM_CALLBACK);
        add_number(id, "+18885550199", FG_NUM_FAX | FG_NUM_OPTOUT | FG_NUM_TOLLFREE);
        add_number(id, "+18885550142", FG_NUM_VOICE | FG_NUM_OPTOUT | FG_NUM_TOLLFREE);
        id->optout.present = true;
        id->optout.text = strdup("To be removed fax 1-888-555-0199 or call 1-888-555-0142");
        snprintf(id->optout.fax, sizeof id->optout.fax, "+18885550199");
        snprintf(id->optout.phone, sizeof id->optout.phone, "+18885550142");
    }
    c->decision.is_ad = true;
    c->decision.verdict = FG_VERDICT_DROP;
    c->judged = true;
    return c;
}

static int64_t save(fg_store *st, fg_call *c)
{
    assert_int_equal(fg_store_call_begin(st, c), FG_OK);
    assert_int_equal(fg_store_call_save(st, c), FG_OK);
    return fg_call_id(c);
}

static fg_optout_req fax_request(int64_t call_id)
{
    return (fg_optout_req){.call_id = call_id, .channel = "fax", .dest = "+18885550199", .profile = "us",
                           .line_uri = "sip:+18885550199@127.0.0.1:5062", .tiff = "/spool/out/optout-1.tif",
                           .sha256 = "cd", .pages = 1, .max_attempts = 2};
}

/* A request by fax is queued with its outgoing entry and follows it; keys come from the call. */
static void test_fax_request_follows_outgoing(void **state)
{
    fixture *f = *state;
    fg_optout_req r;
    fg_outgoing job;
    int64_t id = 0, out_id = 0, id2 = 0;
    bool failed = false;
    char *json = NULL;
    fg_store *st;
    fg_call *c;

    assert_int_equal(fg_store_open(f->db, &st), FG_OK);
    c = ad_call("+13055550177", false, T_SENT - DAY);
    r = fax_request(save(st, c));
    assert_int_equal(fg_store_optout_add(st, &r, &id, &out_id), FG_OK);
    assert_true(id > 0 && out_id > 0);
    assert_sql(f, "SELECT state || ' ' || channel || ' ' || dest || ' ' || profile || ' ' || advertiser || ' ' || adv_key"
                  " FROM optouts", "queued fax +18885550199 us SunWave Cruise Club number:13055550177");
    assert_sql(f, "SELECT purpose || ' ' || dest || ' ' || call_id || ' ' || state FROM outgoing",
               "optout sip:+18885550199@127.0.0.1:5062 1 queued");
    assert_sql(f, "SELECT group_concat(kind || ' ' || key, ', ') FROM (SELECT * FROM optout_keys ORDER BY kind, key)",
               "domain sunwavecruiseclub.com, name sunwave cruise club, number 13055550177, number 18885550142, "
               "number 18885550199");
    /* not twice while it is queued */
    assert_int_equal(fg_store_optout_add(st, &r, &id2, NULL), FG_ERR_EXISTS);
    assert_non_null(strstr(fg_err_msg(FG_ERR_EXISTS), "already queued"));

    /* the queue sends it: the request is sent in the same transaction */
    assert_int_equal(fg_store_outgoing_claim(st, "test", &job), FG_OK);
    assert_int_equal(job.id, out_id);
    assert_sql(f, "SELECT state FROM optouts", "queued");   /* sending is still queued */
    assert_int_equal(fg_store_outgoing_sent(st, out_id, 1, "OPTOUT DESK"), FG_OK);
    assert_sql(f, "SELECT state || ' ' || (sent_at IS NOT NULL) FROM optouts", "sent 1");
    assert_sql(f, "SELECT count(*) FROM events WHERE what LIKE 'opt-out request #1 sent to +18885550199%'", "1");
    assert_int_equal(fg_store_optouts_json(st, &json), FG_OK);
    assert_non_null(strstr(json, "\"state\":\"sent\""));
    assert_non_null(strstr(json, "\"outgoing_state\":\"sent\""));
    assert_non_null(strstr(json, "\"far_csi\":\"OPTOUT DESK\""));
    assert_non_null(strstr(json, "\"repeats\":0"));
    free(json);

    /* a request whose fax cannot be sent fails with its entry, and may then be made again */
    c->id = 0;
    r = fax_request(save(st, c));
    assert_int_equal(fg_store_optout_add(st, &r, &id2, &out_id), FG_OK);
    assert_int_equal(fg_store_outgoing_claim(st, "test", &job), FG_OK);
    assert_int_equal(fg_store_outgoing_retry(st, out_id, 1, "busy", &failed), FG_OK);
    assert_false(failed);
    raw_sql(f->db, "UPDATE outgoing SET next_try = '2000-01-01T00:00:00Z'", (char[8]){0}, 8);
    assert_int_equal(fg_store_outgoing_claim(st, "test", &job), FG_OK);
    assert_int_equal(fg_store_outgoing_retry(st, out_id, 1, "busy", &failed), FG_OK);
    assert_true(failed);
    assert_sql(f, "SELECT state || ' ' || (sent_at IS NULL) FROM optouts WHERE id = 2", "failed 1");
    assert_int_equal(fg_store_optout_add(st, &r, &id2, &out_id), FG_OK);
    fg_call_free(c);
    fg_store_close(st);
}

/* By phone, web or e-mail: manual until the operator says it was made; then it counts as sent. */
static void test_manual_request(void **state)
{
    fixture *f = *state;
    fg_optout_req r;
    int64_t id = 0, out_id = -1;
    fg_store *st;
    fg_call *c;

    assert_int_equal(fg_store_open(f->db, &st), FG_OK);
    c = ad_call("+13055550177", false, T_SENT);
    r = (fg_optout_req){.call_id = save(st, c), .channel = "phone", .dest = "+18885550142", .profile = "us",
                        .tiff = "/spool/out/optout-1.tif", .sha256 = "cd", .note = "phone +18885550142"};
    assert_int_equal(fg_store_optout_add(st, &r, &id, &out_id), FG_OK);
    assert_int_equal(out_id, 0);
    assert_sql(f, "SELECT state || ' ' || (outgoing_id IS NULL) || ' ' || note FROM optouts", "manual 1 phone +18885550142");
    assert_sql(f, "SELECT count(*) FROM outgoing", "0");
    assert_int_equal(fg_store_optout_done(st, id, "phoned, Mary took it"), FG_OK);
    assert_sql(f, "SELECT state || ' ' || (sent_at IS NOT NULL) || ' ' || note FROM optouts",
               "sent 1 phone +18885550142; phoned, Mary took it");
    assert_int_equal(fg_store_optout_done(st, id, NULL), FG_ERR_STATE);
    assert_int_equal(fg_store_optout_done(st, 99, NULL), FG_ERR_STATE);
    /* what the store refuses */
    r.channel = "pigeon";
    assert_int_equal(fg_store_optout_add(st, &r, &id, NULL), FG_ERR_INVAL);
    r = fax_request(424242);
    assert_int_equal(fg_store_optout_add(st, &r, &id, NULL), FG_ERR_NOTFOUND);
    assert_sql(f, "SELECT count(*) FROM outgoing", "0");   /* the queue entry went with the rollback */
    fg_call_free(c);
    fg_store_close(st);
}

/* A sent request at T_SENT (set explicitly); returns its id. */
static int64_t sent_request(fixture *f, fg_store *st)
{
    fg_call *c = ad_call("+13055550177", false, T_SENT - DAY);
    fg_optout_req r = fax_request(save(st, c));
    fg_outgoing job;
    int64_t id, out_id;

    assert_int_equal(fg_store_optout_add(st, &r, &id, &out_id), FG_OK);
    assert_int_equal(fg_store_outgoing_claim(st, "test", &job), FG_OK);
    assert_int_equal(fg_store_outgoing_sent(st, out_id, 1, "OPTOUT DESK"), FG_OK);
    raw_sql(f->db, "UPDATE optouts SET sent_at = '2026-10-27T10:00:00Z'", (char[8]){0}, 8);
    fg_call_free(c);
    return id;
}

/* Judges a later fax: store lookup, then the policy with an advertisement's score. */
static void judge(fg_store *st, fg_call *c, const fg_policy *p, fg_decision *d)
{
    fg_scores s = {.total = 12};

    memset(&c->pfacts, 0, sizeof c->pfacts);
    c->pfacts.received = c->started;
    assert_int_equal(fg_store_lookup(st, c, &c->pfacts), FG_OK);
    assert_int_equal(fg_policy_decide(p, &s, &c->ident, &c->pfacts, d), FG_OK);
}

static const fg_violation *repeat_of(const fg_decision *d, const char *profile)
{
    for (int i = 0; i < d->nv; i++)
        if (!strcmp(d->v[i].profile, profile) && strstr(d->v[i].detail, "after opt-out request"))
            return &d->v[i];
    return NULL;
}

static fg_policy *policy(const char *profiles)
{
    fg_config *cfg;
    fg_policy *p = NULL;

    assert_int_equal(fg_config_new(&cfg), FG_OK);
    assert_int_equal(fg_config_set(cfg, "policy", "profiles", profiles), FG_OK);
    assert_int_equal(fg_policy_new(cfg, &p), FG_OK);
    fg_config_free(cfg);
    return p;
}

static void test_repeat_after_delay(void **state)
{
    fixture *f = *state;
    fg_policy *p = policy("us,fr");
    const fg_violation *v;
    fg_decision d;
    fg_store *st;
    fg_call *c;
    int64_t id;

    assert_int_equal(fg_store_open(f->db, &st), FG_OK);
    id = sent_request(f, st);

    /* 31 days later, from another callback number but the same opt-out fax: a repeat */
    c = ad_call("+17865550123", false, T_SENT + 31 * DAY);
    judge(st, c, p, &d);
    assert_int_equal(c->pfacts.optout_id, id);
    assert_int_equal(c->pfacts.optout_sent, T_SENT);
    assert_string_equal(c->pfacts.optout_dest, "+18885550199");
    assert_string_equal(c->pfacts.optout_match, "number 18885550199");
    assert_non_null(v = repeat_of(&d, "us"));
    assert_string_equal(v->rule, "47 USC 227(b)(3) (wilful: repeat after opt-out)");
    assert_string_equal(v->detail, "sent 31 days after opt-out request #1 of 2026-10-27 to +18885550199 (the profile "
                                   "allows 30)");
    assert_non_null(v = repeat_of(&d, "fr"));
    assert_string_equal(v->rule, fg_optout_law_find("fr")->repeat_rule);
    fg_call_free(c);

    /* 29 days later: found, but inside the delay: not flagged */
    c = ad_call("+17865550123", false, T_SENT + 29 * DAY);
    judge(st, c, p, &d);
    assert_int_equal(c->pfacts.optout_id, id);
    assert_null(repeat_of(&d, "us"));
    assert_null(repeat_of(&d, "fr"));
    fg_call_free(c);

    /* the advertiser's name alone is enough to recognise it */
    c = ad_call("", true, T_SENT + 40 * DAY);
    judge(st, c, p, &d);
    assert_string_equal(c->pfacts.optout_match, "name sunwave cruise club");
    assert_non_null(repeat_of(&d, "us"));
    fg_call_free(c);

    /* a fax received before the request was sent does not count against it */
    c = ad_call("+17865550123", false, T_SENT - 3600);
    judge(st, c, p, &d);
    assert_int_equal(c->pfacts.optout_id, 0);
    fg_call_free(c);

    /* nor does a business fax from the same sender (not an advertisement) */
    c = ad_call("+17865550123", false, T_SENT + 60 * DAY);
    memset(&c->pfacts, 0, sizeof c->pfacts);
    c->pfacts.received = c->started;
    assert_int_equal(fg_store_lookup(st, c, &c->pfacts), FG_OK);
    assert_int_equal(fg_policy_decide(p, &(fg_scores){.total = 0}, &c->ident, &c->pfacts, &d), FG_OK);
    assert_null(repeat_of(&d, "us"));
    fg_call_free(c);

    /* and another advertiser is not matched */
    c = ad_call("+17865550123", true, T_SENT + 60 * DAY);
    free(c->ident.adv_name);
    c->ident.adv_name = strdup("Other Travel Inc");
    judge(st, c, p, &d);
    assert_int_equal(c->pfacts.optout_id, 0);
    fg_call_free(c);

    /* a request not sent (manual, queued or failed) starts no delay */
    raw_sql(f->db, "UPDATE optouts SET state = 'manual'", (char[8]){0}, 8);
    c = ad_call("+17865550123", false, T_SENT + 60 * DAY);
    judge(st, c, p, &d);
    assert_int_equal(c->pfacts.optout_id, 0);
    fg_call_free(c);
    fg_policy_free(p);
    fg_store_close(st);
}

/* Every profile the policy knows has opt-out wording, with a repeat rule that fits a violation. */
static void test_wording_per_profile(void **state)
{
    (void)state;
    for (const char *const *n = fg_policy_profiles(); *n; n++) {
        const fg_optout_law *law = fg_optout_law_find(*n);
        const fg_profile_info *info = fg_policy_profile_info(*n);

        if (!law)
            fail_msg("policy profile '%s' has no opt-out wording in optout_law.c", *n);
        assert_true(info->optout_delay_days > 0);
    }
    for (const char *const *n = fg_optout_law_profiles(); *n; n++) {
        const fg_optout_law *law = fg_optout_law_find(*n);

        assert_non_null(law);
        assert_true(strlen(law->repeat_rule) < sizeof((fg_violation *)0)->rule);
        assert_true(law->title[0] && law->basis[0] && law->deadline[0] && law->words->lang[0]);
    }
    assert_non_null(strstr(fg_optout_law_find("uk")->deadline, "28 days"));
    assert_null(fg_optout_law_find("narnia"));
}

static fg_optout_page page_facts(const char *profile)
{
    return (fg_optout_page){.law = fg_optout_law_find(profile), .numbers = "+15551230000", .date = "2026-12-07",
                            .reference = "faxgate call 12", .received = "2026-10-27 14:03:11 UTC", .tsi = "SUNWAVE",
                            .caller_id = "+13055550177", .advertiser = "SunWave Cruise Club\n# BIG",
                            .sha256 = "abababababababababababababababababababababababababababababababab",
                            .dest = "+18885550199", .from = "FAXGATE TEST", .header_time = "2026-12-07 10:00 UTC"};
}

/* Fails naming the first of want (NULL-terminated) that text lacks. */
static void assert_has_all(const char *text, const char *const *want)
{
    assert_non_null(text);
    for (; *want; want++)
        if (!strstr(text, *want))
            fail_msg("the request page lacks '%s':\n%s", *want, text);
}

/* The page names what a valid request must: the numbers, the fax it answers, the law. */
static void test_page_facts(void **state)
{
    static const char *const us[] = {
        "# REQUEST TO STOP SENDING FAX ADVERTISEMENTS\n", "\n## +15551230000\n", "Date: 2026-12-07\n",
        "Your fax received: 2026-10-27 14:03:11 UTC\n", "Sender identification (TSI): SUNWAVE\n",
        "Caller ID: +13055550177\n", "SHA-256 of its page 1: abababab", "Sent to your opt-out number: +18885550199\n",
        "47 CFR 64.1200(a)(4)(iii)-(v)", "not more than 30 days",
        "Advertiser: SunWave Cruise Club # BIG\n",   /* a hostile name cannot start a line of markup */
        NULL};
    static const char *const fr[] = {"droit d'opposition prévu à l'article L34-5", "Numéro(s) à retirer:", NULL};
    static const char *const de[] = {"§ 7 Abs. 2 Nr. 2 UWG", "Absenderkennung (TSI): SUNWAVE", NULL};
    fixture *f = *state;
    fg_optout_page pg = page_facts("us");
    char *text = fg_optout_page_text(&pg), path[400], sha[65], sha2[65];
    fg_page *page = NULL;
    int n = 0;

    assert_has_all(text, us);
    assert_null(strstr(text, "\n# BIG"));
    free(text);
    pg = page_facts("fr");
    assert_has_all(text = fg_optout_page_text(&pg), fr);
    free(text);
    pg = page_facts("de");
    assert_has_all(text = fg_optout_page_text(&pg), de);
    free(text);

    /* rendered: one bilevel fax page, Letter for the US wording, its hash the image's */
    pg = page_facts("us");
    snprintf(path, sizeof path, "%s/us.tif", f->dir);
    assert_int_equal(fg_optout_page_write(&pg, path, sha), FG_OK);
    assert_int_equal(fg_page_tiff_count(path, &n), FG_OK);
    assert_int_equal(n, 1);
    assert_int_equal(fg_page_read_tiff(path, 0, &page), FG_OK);
    fg_page_sha256(page, sha2);
    assert_string_equal(sha, sha2);
    assert_int_equal(page->width, 1728);
    assert_int_equal(page->height, 2156);   /* 11 in at 196 lines per inch */
    fg_page_free(page);
    pg = page_facts("de");
    snprintf(path, sizeof path, "%s/de.tif", f->dir);
    assert_int_equal(fg_optout_page_write(&pg, path, sha), FG_OK);
    assert_int_equal(fg_page_read_tiff(path, 0, &page), FG_OK);
    assert_int_equal(page->height, 2292);   /* A4 */
    fg_page_free(page);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fax_request_follows_outgoing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_manual_request, setup, teardown),
        cmocka_unit_test_setup_teardown(test_repeat_after_delay, setup, teardown),
        cmocka_unit_test(test_wording_per_profile),
        cmocka_unit_test_setup_teardown(test_page_facts, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
