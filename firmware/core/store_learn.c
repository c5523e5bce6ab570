/* faxgate — store: the learning classifier's counts (schema v2: bayes_tokens, bayes_totals,
 * bayes_learned).
 *
 * What is learned is recorded per key with its exact token list, so that learning is
 * idempotent (junk twice counts once) and relabelling moves the counts (release after junk):
 * the old list is subtracted, never a re-tokenization that a newer tokenizer would change.
 * Token lists travel as JSON arrays and SQLite's json_each() applies them in one statement.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faxgate/learn.h"
#include "store_impl.h"

/* The tokens as a JSON array of strings. */
static fg_err tokens_json(const fg_tokens *t, fg_strbuf *b)
{
    fg_sb_puts(b, "[");
    for (size_t i = 0; i < t->n; i++) {
        if (i)
            fg_sb_puts(b, ",");
        fg_sb_json_str(b, t->v[i]);
    }
    fg_sb_puts(b, "]");
    return b->failed ? fg_err_set(FG_ERR_NOMEM, "cannot allocate the token list") : FG_OK;
}

/* Adds (sign +1) or subtracts (-1) one page's tokens, given as a JSON array, to a class. */
static fg_err apply(fg_store *st, const char *json, bool is_ad, int sign)
{
    static const char add_sql[] =
        "INSERT INTO bayes_tokens(token, ad, legit) SELECT value, ?2, ?3 FROM json_each(?1) WHERE type = 'text'"
        " ON CONFLICT(token) DO UPDATE SET ad = ad + excluded.ad, legit = legit + excluded.legit";
    /* max(…, 0): counts edited by hand or a v1-era bug must not go negative and break the CHECK */
    static const char sub_sql[] =
        "UPDATE bayes_tokens SET ad = max(ad - ?2, 0), legit = max(legit - ?3, 0)"
        " WHERE token IN (SELECT value FROM json_each(?1))";
    static const char prune_sql[] =
        "DELETE FROM bayes_tokens WHERE ad = 0 AND legit = 0 AND token IN (SELECT value FROM json_each(?1))";
    static const char totals_sql[] =
        "UPDATE bayes_totals SET ad = max(ad + ?1, 0), legit = max(legit + ?2, 0) WHERE id = 1";
    sqlite3_stmt *s;
    fg_err e;

    if ((e = fg_st_prep(st, sign > 0 ? add_sql : sub_sql, &s, "count learned tokens")))
        return e;
    fg_st_bind_text(s, 1, json, false);
    sqlite3_bind_int(s, 2, is_ad ? 1 : 0);
    sqlite3_bind_int(s, 3, is_ad ? 0 : 1);
    e = fg_st_run(st, s, "count learned tokens");
    sqlite3_finalize(s);
    if (!e && sign < 0 && !(e = fg_st_prep(st, prune_sql, &s, "prune unlearned tokens"))) {
        fg_st_bind_text(s, 1, json, false);
        e = fg_st_run(st, s, "prune unlearned tokens");
        sqlite3_finalize(s);
    }
    if (!e && !(e = fg_st_prep(st, totals_sql, &s, "count learned faxes"))) {
        sqlite3_bind_int(s, 1, is_ad ? sign : 0);
        sqlite3_bind_int(s, 2, is_ad ? 0 : sign);
        e = fg_st_run(st, s, "count learned faxes");
        sqlite3_finalize(s);
    }
    return e;
}

/* What was learned under key: *found, its class and token list (malloc'd). */
static fg_err learned(fg_store *st, const char *key, bool *found, bool *was_ad, char **json)
{
    sqlite3_stmt *s;
    fg_err e;
    int rc;

    *found = false;
    *json = NULL;
    if ((e = fg_st_prep(st, "SELECT class, tokens FROM bayes_learned WHERE key = ?", &s, "read what was learned")))
        return e;
    fg_st_bind_text(s, 1, key, false);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        const char *cls = (const char *)sqlite3_column_text(s, 0), *tok = (const char *)sqlite3_column_text(s, 1);

        *found = true;
        *was_ad = cls && !strcmp(cls, "ad");
        if (!(*json = strdup(tok ? tok : "[]")))
            e = fg_err_set(FG_ERR_NOMEM, "cannot allocate a learned token list");
    } else if (rc != SQLITE_DONE) {
        e = fg_st_err(st, rc, "read what was learned");
    }
    sqlite3_finalize(s);
    return e;
}

static fg_err record(fg_store *st, const char *key, int64_t call_id, const char *json, bool is_ad, const char *by)
{
    static const char sql[] =
        "INSERT INTO bayes_learned(key, call_id, class, tokens, created, by) VALUES (?1, ?2, ?3, ?4, " FG_SQL_NOW ", ?5)"
        " ON CONFLICT(key) DO UPDATE SET call_id = excluded.call_id, class = excluded.class,"
        " tokens = excluded.tokens, created = excluded.created, by = excluded.by";
    sqlite3_stmt *s;
    fg_err e;

    if ((e = fg_st_prep(st, sql, &s, "record what was learned")))
        return e;
    fg_st_bind_text(s, 1, key, false);
    if (call_id > 0)
        sqlite3_bind_int64(s, 2, call_id);
    fg_st_bind_text(s, 3, is_ad ? "ad" : "legit", false);
    fg_st_bind_text(s, 4, json, false);
    fg_st_bind_text(s, 5, by && *by ? by : "faxgate", false);
    e = fg_st_run(st, s, "record what was learned");
    sqlite3_finalize(s);
    return e;
}

fg_err fg_learn_train(fg_store *st, const char *key, int64_t call_id, const fg_tokens *t, bool is_ad,
                      const char *by, bool *changed)
{
    fg_strbuf b = {0};
    char *old = NULL;
    bool found, was_ad = false;
    fg_err e;

    if (changed)
        *changed = false;
    if (!st || !key || !*key || !t)
        return fg_err_set(FG_ERR_INVAL, "fg_learn_train: no store, key or tokens");
    if ((e = tokens_json(t, &b)))
        return e;
    pthread_mutex_lock(&st->mu);
    if ((e = fg_st_begin(st, "start learning")))
        goto out;
    if ((e = learned(st, key, &found, &was_ad, &old)))
        goto fail;
    if (found && was_ad == is_ad) {
        fg_st_rollback(st);   /* learned already with this class: nothing to change */
        goto out;
    }
    if ((found && (e = apply(st, old, was_ad, -1))) || (e = apply(st, b.s, is_ad, +1)) ||
        (e = record(st, key, call_id, b.s, is_ad, by)))
        goto fail;
    if (call_id > 0) {
        char what[96];

        snprintf(what, sizeof what, "learned as %s%s", is_ad ? "an advertisement" : "a business fax",
                 found ? " (was learned as the other class)" : "");
        if ((e = fg_st_event(st, call_id, by, what)))
            goto fail;
    }
    if (!(e = fg_st_commit(st, "commit what was learned")) && changed)
        *changed = true;
    goto out;
fail:
    fg_st_rollback(st);
out:
    pthread_mutex_unlock(&st->mu);
    free(old);
    free(b.s);
    return e;
}

fg_err fg_learn_train_call(fg_store *st, int64_t call_id, const char *country, bool is_ad, const char *by,
                           bool *changed, size_t *n_tokens)
{
    sqlite3_stmt *s;
    fg_tokens *t = NULL;
    char *text = NULL, key[40];
    fg_err e;
    int rc;

    if (changed)
        *changed = false;
    if (!st)
        return fg_err_set(FG_ERR_INVAL, "fg_learn_train_call: no store");
    pthread_mutex_lock(&st->mu);
    if (!(e = fg_st_prep(st, "SELECT text FROM calls WHERE id = ?", &s, "read a call's text"))) {
        sqlite3_bind_int64(s, 1, call_id);
        if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            const char *v = (const char *)sqlite3_column_text(s, 0);

            if (v && *v && !(text = strdup(v)))
                e = fg_err_set(FG_ERR_NOMEM, "cannot allocate call %lld's text", (long long)call_id);
        } else {
            e = rc == SQLITE_DONE
                    ? fg_err_set(FG_ERR_NOTFOUND, "there is no call %lld in the store %s", (long long)call_id, st->path)
                    : fg_st_err(st, rc, "read a call's text");
        }
        sqlite3_finalize(s);
    }
    pthread_mutex_unlock(&st->mu);
    if (!e && !text)
        e = fg_err_set(FG_ERR_STATE, "call %lld has no page text to learn from (no page received, or OCR failed)",
                       (long long)call_id);
    /* the stored text is what OCR read, one line per line: tokenized again as at judgement */
    if (!e && !(e = fg_learn_tokens_text(text, strlen(text), country, &t))) {
        snprintf(key, sizeof key, "call:%lld", (long long)call_id);
        e = fg_learn_train(st, key, call_id, t, is_ad, by, changed);
        if (n_tokens)
            *n_tokens = t->n;
    }
    fg_tokens_free(t);
    free(text);
    return e;
}

fg_err fg_learn_forget(fg_store *st, const char *key, bool *changed)
{
    sqlite3_stmt *s = NULL;
    char *old = NULL;
    bool found, was_ad = false;
    fg_err e;

    if (changed)
        *changed = false;
    if (!st || !key)
        return fg_err_set(FG_ERR_INVAL, "fg_learn_forget: no store or key");
    pthread_mutex_lock(&st->mu);
    if ((e = fg_st_begin(st, "start forgetting")))
        goto out;
    if ((e = learned(st, key, &found, &was_ad, &old)))
        goto fail;
    if (!found) {
        fg_st_rollback(st);
        goto out;
    }
    if ((e = apply(st, old, was_ad, -1)) ||
        (e = fg_st_prep(st, "DELETE FROM bayes_learned WHERE key = ?", &s, "forget what was learned")))
        goto fail;
    fg_st_bind_text(s, 1, key, false);
    if ((e = fg_st_run(st, s, "forget what was learned")))
        goto fail;
    if (!(e = fg_st_commit(st, "commit the forgetting")) && changed)
        *changed = true;
    goto out;
fail:
    fg_st_rollback(st);
out:
    sqlite3_finalize(s);
    pthread_mutex_unlock(&st->mu);
    free(old);
    return e;
}

/* Totals (caller holds the lock). */
static fg_err totals(fg_store *st, long *n_ad, long *n_legit)
{
    sqlite3_stmt *s;
    fg_err e;
    int rc;

    *n_ad = *n_legit = 0;
    if ((e = fg_st_prep(st, "SELECT ad, legit FROM bayes_totals WHERE id = 1", &s, "read the learned totals")))
        return e;
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        *n_ad = (long)sqlite3_column_int64(s, 0);
        *n_legit = (long)sqlite3_column_int64(s, 1);
    } else if (rc != SQLITE_DONE) {
        e = fg_st_err(st, rc, "read the learned totals");
    }
    sqlite3_finalize(s);
    return e;
}

fg_err fg_learn_totals(fg_store *st, long *n_ad, long *n_legit, long *n_tokens)
{
    sqlite3_stmt *s;
    fg_err e;

    if (!st || !n_ad || !n_legit)
        return fg_err_set(FG_ERR_INVAL, "fg_learn_totals: no store or output");
    pthread_mutex_lock(&st->mu);
    e = totals(st, n_ad, n_legit);
    if (!e && n_tokens && !(e = fg_st_prep(st, "SELECT count(*) FROM bayes_tokens", &s, "count learned tokens"))) {
        *n_tokens = sqlite3_step(s) == SQLITE_ROW ? (long)sqlite3_column_int64(s, 0) : 0;
        sqlite3_finalize(s);
    }
    pthread_mutex_unlock(&st->mu);
    return e;
}

fg_err fg_learn_token_counts(fg_store *st, const char *token, long *ad, long *legit)
{
    sqlite3_stmt *s;
    fg_err e;
    int rc;

    if (!st || !token || !ad || !legit)
        return fg_err_set(FG_ERR_INVAL, "fg_learn_token_counts: no store, token or output");
    *ad = *legit = 0;
    pthread_mutex_lock(&st->mu);
    if (!(e = fg_st_prep(st, "SELECT ad, legit FROM bayes_tokens WHERE token = ?", &s, "read a token's counts"))) {
        fg_st_bind_text(s, 1, token, false);
        if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            *ad = (long)sqlite3_column_int64(s, 0);
            *legit = (long)sqlite3_column_int64(s, 1);
        } else if (rc != SQLITE_DONE) {
            e = fg_st_err(st, rc, "read a token's counts");
        }
        sqlite3_finalize(s);
    }
    pthread_mutex_unlock(&st->mu);
    return e;
}

static int cmp_key(const void *key, const void *elem)
{
    return strcmp(key, elem);
}

fg_err fg_learn_site_counts(fg_store *st, const fg_tokens *t, uint32_t *ad, uint32_t *legit, long *n_ad,
                            long *n_legit)
{
    fg_strbuf b = {0};
    sqlite3_stmt *s = NULL;
    fg_err e;
    int rc;

    if (!st || !t || !ad || !legit || !n_ad || !n_legit)
        return fg_err_set(FG_ERR_INVAL, "fg_learn_site_counts: missing argument");
    if ((e = tokens_json(t, &b)))
        return e;
    pthread_mutex_lock(&st->mu);
    /* one read transaction: totals and counts from the same moment */
    if ((e = fg_st_exec(st, "BEGIN", "start reading learned counts")))
        goto out;
    if ((e = totals(st, n_ad, n_legit)) ||
        (e = fg_st_prep(st, "SELECT token, ad, legit FROM bayes_tokens WHERE token IN (SELECT value FROM json_each(?))",
                        &s, "read learned counts")))
        goto done;
    fg_st_bind_text(s, 1, b.s, false);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *tok = (const char *)sqlite3_column_text(s, 0);
        const char (*hit)[FG_LEARN_TOKEN_LEN] = tok ? bsearch(tok, t->v, t->n, sizeof t->v[0], cmp_key) : NULL;
        int64_t a = sqlite3_column_int64(s, 1), l = sqlite3_column_int64(s, 2);

        if (hit) {
            size_t i = (size_t)(hit - t->v);

            ad[i] += a > 0 && a < UINT32_MAX / 2 ? (uint32_t)a : 0;
            legit[i] += l > 0 && l < UINT32_MAX / 2 ? (uint32_t)l : 0;
        }
    }
    if (rc != SQLITE_DONE)
        e = fg_st_err(st, rc, "read learned counts");
done:
    sqlite3_finalize(s);
    fg_st_rollback(st);   /* a read: ending it is all that is needed */
out:
    pthread_mutex_unlock(&st->mu);
    free(b.s);
    return e;
}
