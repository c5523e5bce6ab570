/* faxgate — body of fg_store and helpers shared by the store_*.c files, private to firmware/core.
 *
 * Locking: one SQLite connection may be shared by threads (SQLITE_OPEN_FULLMUTEX), but a
 * transaction belongs to the connection, not to a thread: without our own mutex, thread B's
 * statements would run inside thread A's BEGIN. Every public fg_store_* function therefore
 * holds st->mu for its whole duration; the helpers below expect it held.
 */
#ifndef FAXGATE_STORE_IMPL_H
#define FAXGATE_STORE_IMPL_H

#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "faxgate/store.h"

/* 'FXGT': marks the file as a faxgate store for `file` and for our own open check. */
#define FG_STORE_APP_ID 0x46584754

/* SQL expression for the current time as ISO-8601 UTC with seconds. */
#define FG_SQL_NOW "strftime('%Y-%m-%dT%H:%M:%SZ','now')"
/* A time delay_s seconds from now, param being the SQL parameter that holds delay_s. */
#define SQL_LATER(param) "strftime('%Y-%m-%dT%H:%M:%SZ', 'now', printf('%+d seconds', " param "))"

/* SQL for a boolean column as a JSON true/false (NULL stays null). */
#define FG_SQL_JBOOL(c) "json(CASE WHEN " c " IS NULL THEN NULL WHEN " c " THEN 'true' ELSE 'false' END)"

/* The one definition of a standing violation (docs/jurisdictions.md, last paragraph), as an SQL
   expression over the calls row aliased c: it accuses a sender only on a fax that is an
   advertisement beyond doubt, i.e. dropped as one, or marked junk by hand (a drop whose verdict_by
   is not 'auto': faxgatectl junk writes "operator"), or held as a copy of a campaign an operator
   marked junk (the mark covers its copies). Any other held fax's violations are pending; a
   delivered or released call's are not standing. Reports and counts use these, never their own
   copy. */
#define FG_SQL_STANDING(c)                                                                             \
    "((" c ".verdict = 'drop' AND (" c ".is_ad = 1 OR coalesce(" c ".verdict_by, 'auto') <> 'auto'))" \
    " OR (" c ".verdict = 'hold' AND EXISTS (SELECT 1 FROM campaigns cs WHERE cs.id = " c ".campaign_id"    \
    " AND cs.state = 'junk')))"
#define FG_SQL_VIOLATION_STATUS(c)                                                                     \
    "(CASE WHEN " FG_SQL_STANDING(c) " THEN 'standing' WHEN " c ".verdict = 'hold' THEN 'pending'"    \
    " ELSE 'not standing' END)"

/* Runs body inside a write transaction under the store lock; e is the caller's fg_err. */
#define IN_TRANSACTION(st, what, body)                                                                 \
    do {                                                                                               \
        pthread_mutex_lock(&(st)->mu);                                                                 \
        if (!(e = fg_st_begin((st), (what)))) {                                                        \
            body;                                                                                      \
            if (e)                                                                                     \
                fg_st_rollback(st);                                                                    \
            else                                                                                       \
                e = fg_st_commit((st), (what));                                                        \
        }                                                                                              \
        pthread_mutex_unlock(&(st)->mu);                                                               \
    } while (0)

struct fg_store {
    sqlite3 *db;
    char *path;
    int version;
    pthread_mutex_t mu;
};

/* A growable string for JSON assembly. */
typedef struct fg_strbuf {
    char *s;
    size_t len, cap;
    bool failed;
} fg_strbuf;

/** Appends n bytes to b; on allocation failure marks b failed. */
void fg_sb_add(fg_strbuf *b, const char *s, size_t n);

/** Appends a NUL-terminated string. */
void fg_sb_puts(fg_strbuf *b, const char *s);

/** Appends s as a JSON string literal, or null if s is NULL. */
void fg_sb_json_str(fg_strbuf *b, const char *s);

/** Maps an SQLite result to FG_ERR_NOSPACE or FG_ERR_DB with the file, purpose and SQLite's message. */
fg_err fg_st_err(fg_store *st, int rc, const char *what);

/** Prepares a statement; the error says what it was for. */
fg_err fg_st_prep(fg_store *st, const char *sql, sqlite3_stmt **s, const char *what);

/** Steps a statement that returns no rows (or whose rows are ignored) to completion. */
fg_err fg_st_run(fg_store *st, sqlite3_stmt *s, const char *what);

/** Runs a constant SQL text (no parameters). */
fg_err fg_st_exec(fg_store *st, const char *sql, const char *what);

/** BEGIN IMMEDIATE: takes the write lock now, so a transaction never fails half-way on upgrade. */
fg_err fg_st_begin(fg_store *st, const char *what);

/** COMMIT; rolls back if the commit fails. */
fg_err fg_st_commit(fg_store *st, const char *what);

/** Rolls back an open transaction, if any; keeps the thread's error message. */
void fg_st_rollback(fg_store *st);

/** Binds text (NULL or, when empty_null, "" binds SQL NULL); invalid UTF-8 is repaired first. */
int fg_st_bind_text(sqlite3_stmt *s, int idx, const char *v, bool empty_null);

/** Binds by parameter name (":name"); unknown names are a programming error, ignored. */
int fg_st_bind_named(sqlite3_stmt *s, const char *name, const char *v, bool empty_null);

/** Binds an integer by parameter name. */
void fg_st_bind_named_int(sqlite3_stmt *s, const char *name, int64_t v);

/** Binds a double by parameter name. */
void fg_st_bind_named_double(sqlite3_stmt *s, const char *name, double v);

/** Appends an event row (who did what to which call; call_id 0 = none). */
fg_err fg_st_event(fg_store *st, int64_t call_id, const char *who, const char *what);

/** Runs a statement whose column 0 is a JSON value per row and joins the rows into an array. */
fg_err fg_st_json_rows(fg_store *st, sqlite3_stmt *s, char **json, const char *what);

/** Runs sql under the store lock (binding arg to ?1 if bind) and returns its rows as one JSON array. */
fg_err fg_st_json_listing(fg_store *st, const char *sql, bool bind, int64_t arg, char **json, const char *what);

/** One call with everything recorded about it as a JSON object (fg_store_call_json) under the
    lock the caller holds, so that it can be part of a larger snapshot. */
fg_err fg_st_call_json(fg_store *st, int64_t id, char **json);

/** Creates or migrates the schema; refuses foreign or newer files. Called by fg_store_open. */
fg_err fg_st_schema_open(fg_store *st);

/** SQL function fg_fold(TEXT): the registries' match key of a name or TSI (store_registry.c). */
void fg_st_sql_fold(sqlite3_context *ctx, int argc, sqlite3_value **argv);

/* Size of a registry match key (store_registry.c). */
#define FG_ST_KEY_LEN 256

/** The registries' match key of a value of kind "number" (digits, leading zeros dropped, "" if
    too few; also in digits), "domain" (lower-case host of a URL, e-mail or domain) or "name"
    (folded); digits is "" but for numbers. */
void fg_st_key_of(const char *kind, const char *value, char key[FG_ST_KEY_LEN], char digits[FG_ST_KEY_LEN]);

/* Registry keys (store_registry.c), for the lookups in store_match.c: a name or TSI folded (case,
   accents, white space), a number's digits without leading zeros, a URL's or address's host. */
#define FG_ST_MATCH_SUFFIX "9"   /* shortest national significant number matched as a suffix */
void fg_st_fold(const char *in, char out[FG_ST_KEY_LEN]);
void fg_st_digits_of(const char *in, char out[FG_ST_KEY_LEN]);
void fg_st_host_of(const char *in, char out[FG_ST_KEY_LEN]);

/** Queues a fax to send (inside a transaction; store_outgoing.c); *id gets the entry. */
fg_err fg_st_outgoing_add(fg_store *st, const char *dest, const char *tiff, const char *purpose, int64_t call_id,
                          int max_attempts, int pages, int64_t *id);

/** The opt-out request riding outgoing entry outgoing_id (if any) follows it to "sent" (sent_at
    now) or "failed" (inside a transaction; store_optout.c). */
fg_err fg_st_optout_follow(fg_store *st, int64_t outgoing_id, const char *state);

/** The canonical evidence record of call id (store_record.c) into b (reset first);
    FG_ERR_NOTFOUND if there is no such call. */
fg_err fg_st_record(fg_store *st, int64_t id, fg_strbuf *b);

/** The first difference between a sealed record and the record rebuilt now: field gets its path
    ("advertiser", "pages[2].sha256"), change a sentence ("advertiser changed from 'X' to 'Y'"). */
void fg_st_record_diff(const char *sealed, const char *now, char *field, size_t field_cap, char *change,
                       size_t change_cap);

/** Appends the call's record to the evidence ledger if the call has ended and its record differs
    from its latest entry (inside the transaction of the change): why is first_why for its first
    entry ("sealed", "recovered"), next_why after ("amended", "verdict by operator"). */
fg_err fg_st_ledger_seal(fg_store *st, int64_t call_id, const char *first_why, const char *next_why);

/** Before a legitimate change of a sealed call: FG_ERR_STATE naming the field if its rows no
    longer hold its latest record (changed behind the store's back), so that the change does not
    seal the alteration. */
fg_err fg_st_ledger_check(fg_store *st, int64_t call_id);

/** Seals every finished call in id order, why "upgraded" (the v11 migration). */
fg_err fg_st_ledger_upgrade(fg_store *st);

/** Queues a call for printing, once (inside a transaction; store_queue.c). */
fg_err fg_st_delivery_add(fg_store *st, int64_t call_id);

/** Binds the call's line and T.30 facts to the named parameters :uuid, :line, :caller_id,
    :caller_e164, :tsi, :tsi_seen, :csi, :nsf_*, :dcs, :bit_rate, :ecm, :x_res, :y_res. */
void fg_st_bind_line_t30(sqlite3_stmt *s, const fg_call *c);

/** Writes (upserts) the call's page rows; inside a transaction. */
fg_err fg_st_write_pages(fg_store *st, const fg_call *c);

/** Writes the call's rows (the call must have an id); inside a transaction. */
fg_err fg_st_write_call(fg_store *st, fg_call *c);

/** Files a judged call in its campaign, or starts one for an advertisement; once per call; inside
    a transaction (store_campaign.c). A failure is logged as an event, the call is still saved. */
fg_err fg_st_campaign_record(fg_store *st, fg_call *c);

/* Verdict names as stored; local so that the store does not depend on the policy module. */
static inline const char *fg_st_verdict_name(fg_verdict v)
{
    return v == FG_VERDICT_HOLD ? "hold" : v == FG_VERDICT_DROP ? "drop" : "deliver";
}

/** Formats t as ISO-8601 UTC ("2024-05-01T10:00:00Z"); "" for 0. */
void fg_st_iso(time_t t, char out[32]);

/** "2024-05-01T10:00:00Z" (as fg_st_iso writes it) to UTC seconds; 0 if absent or malformed. */
time_t fg_st_parse_iso(const char *v);

#endif
