/* faxgate — the learning classifier: tokenizer on hostile text, probabilities after a little
 * training, idempotent learning and relabelling, persistence, the v1 → v2 migration of a store
 * written by the previous version, the starter model, and the pipeline's use of it (failing open). */
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faxgate/faxgate.h"
#include "faxgate/learn.h"
#include "testutil.h"

typedef struct fixture {
    char dir[256];
    char db[300];
    fg_config *cfg;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);

    if (!f || fg_test_tmpdir(f->dir, sizeof f->dir) || fg_config_new(&f->cfg))
        return -1;
    snprintf(f->db, sizeof f->db, "%s/faxgate.db", f->dir);
    fg_config_set(f->cfg, "store", "db", f->db);
    fg_config_set(f->cfg, "classify", "starter_model", "no");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;

    fg_config_free(f->cfg);
    fg_test_rm_rf(f->dir);
    free(f);
    return 0;
}

static fg_tokens *tokens(const char *text)
{
    fg_tokens *t = NULL;

    assert_int_equal(fg_learn_tokens_text(text, strlen(text), "US", &t), FG_OK);
    assert_non_null(t);
    return t;
}

static bool has(const fg_tokens *t, const char *tok)
{
    for (size_t i = 0; i < t->n; i++)
        if (!strcmp(t->v[i], tok))
            return true;
    return false;
}

#define assert_has(t, tok) do { if (!has((t), (tok))) fail_msg("token '%s' missing", (tok)); } while (0)
#define assert_lacks(t, tok) do { if (has((t), (tok))) fail_msg("token '%s' should not be there", (tok)); } while (0)

/* Numbers become classes, phone digits never become tokens, OCR look-alikes are mended. */
static void test_tokens_classes(void **state)
{
    fg_tokens *t = tokens("12/01/2026 08:02 FROM: ACME 312-555-0100 P.1/1\n"
                          "SPECIAL 0ffer: cruise for only $299! Save 30% today.\n"
                          "Call toll free 1-877-555-0142 or visit www.sunny-deals.com/offer, sales@sunny-deals.com\n"
                          "Reference FX26. Ünïcode Grüße. 1999 supercalifragilisticexpialidociousness\n"
                          "To be removed from our fax list call 1-800-555-0199.\n");

    (void)state;
    assert_has(t, "#price");
    assert_has(t, "#pct");
    assert_has(t, "#year");
    assert_has(t, "#code");
    assert_has(t, "#long");
    assert_has(t, "offer");          /* "0ffer": OCR's zero read back as a letter */
    assert_has(t, "cruise");
    assert_has(t, "grusse");         /* folded: lower case, accents stripped, ß → ss */
    assert_has(t, "host:sunny-deals.com");
    assert_has(t, "mail:sunny-deals.com");
    assert_has(t, "tel:tollfree");
    assert_has(t, "cta:tollfree");
    assert_has(t, "opt:yes");
    assert_has(t, "hdr:yes");
    assert_lacks(t, "acme");         /* the header line is the sending machine's, left out */
    assert_lacks(t, "#date");        /* …with its date */
    for (size_t i = 0; i < t->n; i++) {
        assert_null(strstr(t->v[i], "555"));   /* phone digits are never tokens */
        assert_true(strlen(t->v[i]) < FG_LEARN_TOKEN_LEN);
        if (i)
            assert_true(strcmp(t->v[i - 1], t->v[i]) < 0);   /* sorted, distinct */
    }
    fg_tokens_free(t);
}

/* Control bytes, broken UTF-8, endless words and too many words: bounded output, no crash. */
static void test_tokens_hostile(void **state)
{
    size_t n = 400000;
    char *junk = malloc(n + 1);
    fg_tokens *t;
    unsigned x = 12345;

    (void)state;
    assert_non_null(junk);
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        junk[i] = (char)(x >> 16);   /* every byte value, NUL included */
    }
    junk[n] = '\0';
    assert_int_equal(fg_learn_tokens_text(junk, n, "US", &t), FG_OK);
    assert_true(t->n <= FG_LEARN_TOKENS_MAX);
    fg_tokens_free(t);
    /* many distinct words: the cap holds and says so */
    for (size_t i = 0, o = 0; o + 8 < n; i++) {
        o += (size_t)snprintf(junk + o, n - o, "w%c%c%c%c ", 'a' + (int)(i % 26), 'a' + (int)(i / 26 % 26),
                              'a' + (int)(i / 676 % 26), 'a' + (int)(i / 17576 % 26));
    }
    assert_int_equal(fg_learn_tokens_text(junk, strlen(junk), "US", &t), FG_OK);
    assert_int_equal(t->n, FG_LEARN_TOKENS_MAX);
    assert_true(t->truncated);
    fg_tokens_free(t);
    assert_int_equal(fg_learn_tokens_text("", 0, "US", &t), FG_OK);
    assert_true(t->n > 0);   /* structure tokens only: no header, no opt-out … */
    fg_tokens_free(t);
    assert_int_equal(fg_learn_tokens_text(NULL, 5, "US", &t), FG_ERR_INVAL);
    free(junk);
}

static const char *const ads[] = {
    "SPECIAL OFFER! Caribbean cruise for two, only $299. Limited time, call toll free 1-877-555-0142 now!",
    "FREE vacation certificate! Act now, limited offer. Call toll free 1-888-555-0150 to claim your prize.",
    "Save 40% on toner cartridges! Lowest prices, free shipping. Order by fax today: 1-800-555-0170.",
    "Business loans approved in 24 hours! No credit check, low rates. Call toll free 1-866-555-0133 now!",
    "Limited time offer: free SEO audit, first page on Google guaranteed! Call now 1-855-555-0123.",
    "Exclusive offer for business owners: free trial, save big, act now! Call toll free 1-844-555-0111.",
};
static const char *const legit[] = {
    "12/01/2026 09:14 FROM: ACME SUPPLY 312-555-0142 P.1/2\nINVOICE No. 26-118. Account 20-3381. "
    "Copier maintenance, November. Total due $441.05. Terms net 30. Thank you, Tom Becker, billing",
    "12/02/2026 10:00 FROM: CITY LAB 312-555-0177 P.1/1\nLab results for patient Jane Miller, DOB 03/14/1951. "
    "Hemoglobin within range. Please call the office with questions. Dr. Alan Park",
    "12/03/2026 11:30 FROM: NORTHSIDE 312-555-0190 P.1/1\nPURCHASE ORDER 4711. Please deliver 40 boxes of copier "
    "paper, item 2231-A, by December 3. Account 20-33817. Tom Becker, purchasing",
    "12/04/2026 08:45 FROM: COURT CLERK 312-555-0111 P.1/3\nNotice of hearing, case No. 2026-CV-1182. "
    "The hearing is set for January 12 in courtroom 4. Clerk of the court",
    "12/05/2026 14:02 FROM: PHARMACY 312-555-0155 P.1/1\nRefill request for patient Robert Gray, prescription "
    "Rx 88213, lisinopril 10 mg. Please authorize. Main Street Pharmacy",
    "12/06/2026 16:20 FROM: HR DEPT 312-555-0166 P.1/1\nEmployment verification for Maria Lopez as requested. "
    "Employed since 2019 as accountant. Sincerely, Human Resources",
};

static void train_all(fg_store *st)
{
    char key[32];

    for (size_t i = 0; i < sizeof ads / sizeof *ads; i++) {
        fg_tokens *t = tokens(ads[i]);

        snprintf(key, sizeof key, "test:ad%zu", i);
        assert_int_equal(fg_learn_train(st, key, 0, t, true, "test", NULL), FG_OK);
        fg_tokens_free(t);
    }
    for (size_t i = 0; i < sizeof legit / sizeof *legit; i++) {
        fg_tokens *t = tokens(legit[i]);

        snprintf(key, sizeof key, "test:legit%zu", i);
        assert_int_equal(fg_learn_train(st, key, 0, t, false, "test", NULL), FG_OK);
        fg_tokens_free(t);
    }
}

static double prob(const fg_learn *l, fg_store *st, const char *text, bool *scored)
{
    fg_learn_result r;
    fg_tokens *t = tokens(text);

    assert_int_equal(fg_learn_score(l, st, t, &r), FG_OK);
    fg_tokens_free(t);
    if (scored)
        *scored = r.scored;
    return r.prob;
}

/* A handful of learned faxes are enough to tell a clear ad from a clear business fax. */
static void test_train_and_score(void **state)
{
    fixture *f = *state;
    fg_store *st;
    fg_learn *l;
    bool scored;

    assert_int_equal(fg_store_open(f->db, &st), FG_OK);
    assert_int_equal(fg_learn_new(f->cfg, &l), FG_OK);
    assert_non_null(l);
    prob(l, st, ads[0], &scored);
    assert_false(scored);   /* nothing learned, no starter model: no opinion */
    train_all(st);
    assert_true(prob(l, st, "FREE cruise offer! Limited time, act now and save. Call toll free 1-800-555-0100!", &scored) >
                0.9);
    assert_true(scored);
    assert_true(prob(l, st, "12/07/2026 09:00 FROM: ACME 312-555-0100 P.1/1\nInvoice No. 77 for patient "
                            "Jane Miller, account 20-118. Please remit. Tom Becker, billing", NULL) < 0.1);
    fg_learn_free(l);
    fg_store_close(st);
    fg_config_set(f->cfg, "classify", "bayes", "no");
    assert_int_equal(fg_learn_new(f->cfg, &l), FG_OK);
    assert_null(l);   /* [classify] bayes = no: no classifier at all */
}

/* The same key learned twice counts once; relabelled, its counts move; forgotten, they go. */
static void test_idempotent_and_relabel(void **state)
{
    fixture *f = *state;
    fg_tokens *t = tokens(ads[0]);
    long a, l, n, ta, tl;
    fg_store *st;
    bool changed;

    assert_int_equal(fg_store_open(f->db, &st), FG_OK);
    assert_int_equal(fg_learn_train(st, "call:7", 0, t, true, "test", &changed), FG_OK);
    assert_true(changed);
    assert_int_equal(fg_learn_train(st, "call:7", 0, t, true, "test", &changed), FG_OK);
    assert_false(changed);
    assert_int_equal(fg_learn_totals(st, &a, &l, &n), FG_OK);
    assert_int_equal(a, 1);
    assert_int_equal(l, 0);
    assert_int_equal(n, (long)t->n);
    assert_int_equal(fg_learn_token_counts(st, "cruise", &ta, &tl), FG_OK);
    assert_int_equal(ta, 1);
    assert_int_equal(tl, 0);
    /* release after junk: moved, not added */
    assert_int_equal(fg_learn_train(st, "call:7", 0, t, false, "test", &changed), FG_OK);
    assert_true(changed);
    assert_int_equal(fg_learn_totals(st, &a, &l, NULL), FG_OK);
    assert_int_equal(a, 0);
    assert_int_equal(l, 1);
    assert_int_equal(fg_learn_token_counts(st, "cruise", &ta, &tl), FG_OK);
    assert_int_equal(ta, 0);
    assert_int_equal(tl, 1);
    assert_int_equal(fg_learn_forget(st, "call:7", &changed), FG_OK);
    assert_true(changed);
    assert_int_equal(fg_learn_forget(st, "call:7", &changed), FG_OK);
    assert_false(changed);
    assert_int_equal(fg_learn_totals(st, &a, &l, &n), FG_OK);
    assert_int_equal(a + l + n, 0);   /* every count back to zero, the rows pruned */
    assert_int_equal(fg_learn_train(st, "", 0, t, true, "test", NULL), FG_ERR_INVAL);
    fg_tokens_free(t);
    fg_store_close(st);
}

/* What was learned survives closing and reopening the store. */
static void test_persistence(void **state)
{
    fixture *f = *state;
    fg_store *st;
    fg_learn *l;
    long a, n;
    double p1, p2;

    assert_int_equal(fg_store_open(f->db, &st), FG_OK);
    assert_int_equal(fg_learn_new(f->cfg, &l), FG_OK);
    train_all(st);
    p1 = prob(l, st, ads[2], NULL);
    fg_store_close(st);
    assert_int_equal(fg_store_open(f->db, &st), FG_OK);
    assert_int_equal(fg_learn_totals(st, &a, &n, NULL), FG_OK);
    assert_int_equal(a, 6);
    assert_int_equal(n, 6);
    p2 = prob(l, st, ads[2], NULL);
    assert_true(p1 == p2);
    fg_learn_free(l);
    fg_store_close(st);
}

/* A store written by the previous version (schema 1) opens, migrates, and keeps what it held. */
static void test_migration_v1(void **state)
{
    fixture *f = *state;
    size_t len = 0;
    char *v1 = fg_test_read_file("tests/data/store/v1.db", &len), *json = NULL;
    fg_stored_call sc;
    fg_store *st;
    int64_t campaign = -1;
    fg_evidence_fault fault;
    int entries = -1, calls = -1;
    bool ok = false, changed = false;
    long a, l;

    assert_non_null(v1);
    assert_int_equal(fg_test_write_file(f->db, v1, len), 0);
    free(v1);
    assert_int_equal(fg_store_open(f->db, &st), FG_OK);
    assert_int_equal(fg_store_version(st), FG_STORE_SCHEMA_VERSION);
    assert_int_equal(fg_store_call_get(st, 1, &sc), FG_OK);
    assert_string_equal(sc.verdict, "drop");
    assert_int_equal(fg_store_verify_chain(st, &ok, &fault, &entries, &calls), FG_OK);
    assert_true(ok);   /* its one call was still receiving: nothing to seal until recovery ends it */
    assert_int_equal(entries, 0);
    assert_int_equal(fg_store_consent_json(st, &json), FG_OK);
    assert_non_null(strstr(json, "+18005550100"));
    free(json);
    /* the old call can be learned from (its text) and marked (it has no fingerprint: no campaign) */
    assert_int_equal(fg_learn_train_call(st, 1, "US", true, "test", &changed, NULL), FG_OK);
    assert_true(changed);
    assert_int_equal(fg_learn_totals(st, &a, &l, NULL), FG_OK);
    assert_int_equal(a, 1);
    assert_int_equal(fg_store_campaign_mark(st, 1, "junk", "test", &campaign), FG_OK);
    assert_int_equal(campaign, 0);
    /* the identities rebuilt by the v3 step kept their rows */
    assert_int_equal(fg_store_call_json(st, 1, &json), FG_OK);
    assert_non_null(strstr(json, "\"broadcaster\""));
    free(json);
    fg_store_close(st);
    /* and it opens again at the current version without migrating twice */
    assert_int_equal(fg_store_open(f->db, &st), FG_OK);
    assert_int_equal(fg_store_version(st), FG_STORE_SCHEMA_VERSION);
    fg_store_close(st);
}

/* The starter model is linked into the programs and scores before the site has learned anything. */
static void test_starter_model(void **state)
{
    fixture *f = *state;
    const fg_learn_model *m = fg_learn_starter();
    fg_learn *l;
    bool scored;

    assert_non_null(m);
    assert_true(m->n_ad >= 10 && m->n_legit >= 10);
    for (size_t i = 1; i < m->n; i++)
        assert_true(strcmp(m->v[i - 1].token, m->v[i].token) < 0);
    fg_config_set(f->cfg, "classify", "starter_model", "yes");
    assert_int_equal(fg_learn_new(f->cfg, &l), FG_OK);
    assert_true(prob(l, NULL, ads[0], &scored) > 0.7);
    assert_true(scored);
    assert_true(prob(l, NULL, legit[2], NULL) < 0.3);
    fg_learn_free(l);
}

/* Judges text through the pipeline and returns the parsed verdict record. */
static json_t *judge(fg_config *cfg, fg_store *st, const char *text)
{
    fg_pipeline *p = NULL;
    fg_call *c = NULL;
    char *json = NULL;
    json_t *r;

    assert_int_equal(fg_pipeline_new(cfg, st, &p), FG_OK);
    assert_int_equal(fg_call_new(&c), FG_OK);
    assert_int_equal(fg_call_set_text(c, text, strlen(text)), FG_OK);
    fg_pipeline_judge(p, NULL, c);
    assert_int_equal(fg_call_record_json(c, &json), FG_OK);
    assert_non_null(r = json_loads(json, 0, NULL));
    free(json);
    fg_call_free(c);
    fg_pipeline_free(p);
    return r;
}

/* The pipeline adds the band score; a broken token table costs the score, never the verdict. */
static void test_pipeline_fails_open(void **state)
{
    fixture *f = *state;
    fg_store *st;
    sqlite3 *db;
    json_t *r, *scores;

    assert_int_equal(fg_store_open(f->db, &st), FG_OK);
    train_all(st);
    r = judge(f->cfg, st, ads[1]);
    scores = json_object_get(r, "scores");
    assert_true(json_real_value(json_object_get(scores, "BAYES_99")) > 0 ||
                json_real_value(json_object_get(scores, "BAYES_90")) > 0);
    assert_true(json_real_value(json_object_get(r, "bayes")) > 0.9);
    json_decref(r);
    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "DROP TABLE bayes_tokens", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    r = judge(f->cfg, st, ads[1]);
    scores = json_object_get(r, "scores");
    assert_non_null(json_object_get(scores, "BAYES_ERROR"));
    assert_true(json_real_value(json_object_get(scores, "BAYES_ERROR")) == 0);
    assert_true(json_is_null(json_object_get(r, "error")));   /* no stage failed: the rules judged */
    assert_true(json_is_null(json_object_get(r, "bayes")));
    json_decref(r);
    fg_store_close(st);
}

/* Learned evidence weighs more when nothing on the page says "business fax", never enough alone. */
static void test_unopposed(void **state)
{
    fg_learn_result r = {.scored = true, .prob = 0.95, .used = 40, .n_ad = 60, .n_legit = 60};
    fg_scores s = {0};
    fg_ident id = {.n_numbers = 1, .n_numbers_seen = 1};   /* a callback number: a way to answer */

    (void)state;
    snprintf(id.numbers[0].e164, sizeof id.numbers[0].e164, "+18005550142");
    id.numbers[0].kind = FG_NUM_VOICE | FG_NUM_CALLBACK;
    fg_learn_add_score(&r, &id, &s);
    assert_true(fg_scores_get(&s, "BAYES_90") == 1.0);
    assert_true(fg_scores_get(&s, "BAYES_UNOPPOSED") == 4.5);
    assert_true(s.total >= 5.0);   /* confident, and nothing on the page says business: held */

    memset(&s, 0, sizeof s);
    fg_scores_add(&s, "BIZ_COVER_SHEET", -2.5, "to:, from:, re:");
    fg_learn_add_score(&r, &id, &s);
    assert_true(fg_scores_get(&s, "BAYES_UNOPPOSED") == 0);   /* a business mark opposes it */
    assert_true(fg_scores_get(&s, "BAYES_OUTWEIGHS") == 0);   /* p 0.95 is not near certain */

    /* near certain, against one mark an ad can put on (a memo's To/From/Re): outweighed */
    memset(&s, 0, sizeof s);
    r.prob = 0.995;
    fg_scores_add(&s, "BIZ_COVER_SHEET", -3.5, "to:, from:, date:, re:");
    fg_learn_add_score(&r, &id, &s);
    assert_true(fg_scores_get(&s, "BAYES_99") == 2.0);
    assert_true(fg_scores_get(&s, "BAYES_OUTWEIGHS") == 4.5);
    assert_true(fg_scores_get(&s, "BAYES_UNOPPOSED") == 0);
    memset(&s, 0, sizeof s);
    fg_scores_add(&s, "BIZ_COVER_SHEET", -3.5, "to:, from:, date:, re:");
    fg_scores_add(&s, "BIZ_REFERENCE_NUMBERS", -1.0, "Order No. 4471");
    fg_learn_add_score(&r, &id, &s);
    assert_true(fg_scores_get(&s, "BAYES_OUTWEIGHS") == 0);   /* a cover sheet and a reference oppose */
    assert_true(fg_learn_business_weight(&s) == -4.5);
    r.prob = 0.95;

    memset(&s, 0, sizeof s);
    r.prob = 0.65;
    fg_learn_add_score(&r, &id, &s);
    assert_true(fg_scores_get(&s, "BAYES_UNOPPOSED") == 4.5);
    assert_true(s.total < 5.0);   /* leaning only: one more sign of an ad must agree */
    memset(&s, 0, sizeof s);
    r.prob = 0.55;
    fg_learn_add_score(&r, &id, &s);
    assert_true(fg_scores_get(&s, "BAYES_UNOPPOSED") == 0);   /* not confident enough */
    memset(&s, 0, sizeof s);
    r.prob = 0.86;
    r.used = 8;                                               /* an ITU chart's title */
    fg_learn_add_score(&r, &id, &s);
    assert_true(fg_scores_get(&s, "BAYES_70") == 0.5);
    assert_true(fg_scores_get(&s, "BAYES_UNOPPOSED") == 0);   /* too few tokens to lean on */
    memset(&s, 0, sizeof s);
    r.prob = 0.99;
    r.used = 40;
    r.known = 22;
    r.total = 238;                                            /* a mirrored page read as gibberish */
    fg_learn_add_score(&r, &id, &s);
    assert_true(fg_scores_get(&s, "BAYES_99") == 2.0);
    assert_true(fg_scores_get(&s, "BAYES_UNOPPOSED") == 0);   /* a page unlike any learned */
    memset(&s, 0, sizeof s);
    r.known = 119;                                            /* half of it known: like a fax */
    fg_learn_add_score(&r, &id, &s);
    assert_true(fg_scores_get(&s, "BAYES_UNOPPOSED") == 4.5);

    /* a page that gives no way to answer (a form, a report page) wants nothing from its reader */
    memset(&s, 0, sizeof s);
    id.numbers[0].kind = FG_NUM_HEADER;                       /* only the sending machine's number */
    r.prob = 0.65;
    fg_learn_add_score(&r, &id, &s);
    assert_true(fg_scores_get(&s, "BAYES_UNOPPOSED") == 0);   /* leaning is not enough there */
    assert_false(fg_learn_answerable(&id));
    memset(&s, 0, sizeof s);
    r.prob = 0.75;
    fg_learn_add_score(&r, &id, &s);
    assert_true(fg_scores_get(&s, "BAYES_70") == 0.5);
    assert_true(fg_scores_get(&s, "BAYES_UNOPPOSED") == 4.5); /* the statistics say ad on their own */
    r.prob = 0.65;
    assert_false(fg_learn_answerable(NULL));
    snprintf(id.ticker, sizeof id.ticker, "QLTX");            /* a stock promotion: buy the symbol */
    assert_true(fg_learn_answerable(&id));
    memset(&s, 0, sizeof s);
    fg_learn_add_score(&r, &id, &s);
    assert_true(fg_scores_get(&s, "BAYES_UNOPPOSED") == 4.5);
    id.ticker[0] = '\0';
    id.n_numbers_seen = 70;                                   /* more numbers than kept */
    assert_true(fg_learn_answerable(&id));
}

/* A long word also gives its first seven letters, so that inflections share evidence. */
static void test_tokens_stems(void **state)
{
    fg_tokens *t = tokens("Digitalisierung Ihrer Akten; digitalisation des archives; digitizing records.\n");

    (void)state;
    assert_has(t, "digitalisierung");
    assert_has(t, "~digital");       /* Digitalisierung and digitalisation: one stem */
    assert_has(t, "~digitiz");
    assert_has(t, "records");        /* seven letters or fewer: the word alone */
    assert_lacks(t, "~records");
    assert_lacks(t, "~akten");
    fg_tokens_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tokens_classes),
        cmocka_unit_test(test_unopposed),
        cmocka_unit_test(test_tokens_stems),
        cmocka_unit_test(test_tokens_hostile),
        cmocka_unit_test_setup_teardown(test_train_and_score, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idempotent_and_relabel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_persistence, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migration_v1, setup, teardown),
        cmocka_unit_test_setup_teardown(test_starter_model, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pipeline_fails_open, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
