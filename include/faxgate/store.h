/* faxgate — store: everything the gateway learns, in one SQLite file.
 *
 * WAL journal, schema versioned by PRAGMA user_version and migrated forward on open.
 * Tables: calls, pages (SHA-256), identities, scores, violations, consent (numbers,
 * domains or names with consent or an established business relationship), blocks
 * (broadcaster or advertiser), deliveries (the print queue) and events (who
 * released, junked or changed what); since version 2 also the learning classifier's
 * counts (bayes_*, store_learn.c) and campaigns (campaign*, store_campaign.c). Since version 11
 * the evidence ledger: each finished call's record appended to a SHA-256 hash chain every time it
 * changes, never rewritten (store_ledger.c), so later tampering shows.
 *
 * A handle may be shared by threads (SQLite serialized mode); each process opens
 * its own. Listings are produced as JSON by SQLite's JSON functions.
 */
#ifndef FAXGATE_STORE_H
#define FAXGATE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "faxgate/call.h"
#include "faxgate/error.h"
#include "faxgate/policy.h"

#define FG_STORE_SCHEMA_VERSION 12

typedef struct fg_store fg_store;

/** Opens (creating if needed) and migrates the store; FG_ERR_DB with a clear message if the
    file is not a faxgate store or is newer than this program. */
fg_err fg_store_open(const char *path, fg_store **out);

/** Closes the store; NULL is accepted. */
void fg_store_close(fg_store *st);

/** True if SQLite could open the store only for reading (a read-only file or file system). */
bool fg_store_readonly(fg_store *st);

/** Schema version of the open file. */
int fg_store_version(fg_store *st);

/* ---- calls ---- */

/** Records a new call (state receiving) and gives it its id. */
fg_err fg_store_call_begin(fg_store *st, fg_call *c);

/** Writes everything the call holds (T.30 facts, pages, identities, scores, verdict,
    violations) in one transaction; may be called again as the call progresses. A call whose
    delivery state is "queued" gets its print job in the same transaction. */
fg_err fg_store_call_save(fg_store *st, fg_call *c);

/** Commits what a call being received knows so far: its T.30 facts (phase B), the pages written
    to its spool file, how many were confirmed to the sender and whether the last one ended the
    fax; never its judgement. One transaction, synced: call it before a page is confirmed. */
fg_err fg_store_call_progress(fg_store *st, const fg_call *c);

/** Ids of the calls with no final state (receiving when the daemon stopped), oldest first;
    caller frees *ids. */
fg_err fg_store_unfinished(fg_store *st, int64_t **ids, int *n);

/** Loads an unfinished call back (line, caller, T.30 facts, spool file, pages confirmed, the time
    of its last progress as fg_call_interrupted) to finish it after a restart. */
fg_err fg_store_call_load(fg_store *st, int64_t id, fg_call **out);

/* The parts of a stored call that commands act on. */
typedef struct fg_stored_call {
    int64_t id;
    char state[16];
    char verdict[16];          /* "" if not judged */
    char tiff[512];            /* "" if no pages */
    bool printed;
    int pages;
} fg_stored_call;

/** Reads a stored call's state; FG_ERR_NOTFOUND if there is no such id. */
fg_err fg_store_call_get(fg_store *st, int64_t id, fg_stored_call *out);

/** Changes a call's verdict by hand ("release", "junk"), with who did it and why, logged in events. */
fg_err fg_store_set_verdict(fg_store *st, int64_t id, fg_verdict v, const char *by, const char *why);

/** Updates a call's spool file path (after it was moved between spool folders). */
fg_err fg_store_set_tiff(fg_store *st, int64_t id, const char *path);

/** Recent calls, newest first, as a JSON array (contract: id, started, caller_id, tsi, pages,
    verdict, printed, advertiser, violations, and more); caller frees *json. */
fg_err fg_store_calls_json(fg_store *st, int limit, char **json);

/** One call with everything recorded about it, as a JSON object: its columns (the page count as
    page_count) and the arrays pages, identities, scores, violations, deliveries, events and ledger
    (its entries in the evidence ledger: seq, at, why, chain). */
fg_err fg_store_call_json(fg_store *st, int64_t id, char **json);

/** Violations, newest first, with advertiser and call, as a JSON array. */
fg_err fg_store_violations_json(fg_store *st, char **json);

/** The newest limit of them (all if limit <= 0): a page that must not grow with the store. */
fg_err fg_store_violations_page_json(fg_store *st, int64_t limit, char **json);

/* The first problem evidence verification found. */
typedef struct fg_evidence_fault {
    int64_t call_id;             /* the call concerned; 0 if none (the ledger as a whole) */
    int page;                    /* 1-based page whose image changed; 0: none, or the file as a whole */
    int64_t seq;                 /* the ledger entry concerned; 0 if none */
    char field[96];              /* the first field of the call's record that differs ("advertiser",
                                    "pages[2].sha256"); "" if the problem is not one of its fields */
    char why[768];               /* what was found, in a sentence that names call, entry and field */
} fg_evidence_fault;

/** Verifies the evidence ledger in one snapshot: its append-only triggers are there; every
    entry's chain follows from the entry before it (else it was altered or inserted), no seq is
    missing (removed); every call's latest record equals the record rebuilt from its rows now
    (else the first field that differs is named), no finished call lacks a record (inserted
    behind the store's back) and no call with a record is gone (deleted). *ok false and *fault
    name the first problem; *entries and *calls count what was checked. */
fg_err fg_store_verify_chain(fg_store *st, bool *ok, fg_evidence_fault *fault, int *entries, int *calls);

/** Reads every call's page file back: each page's image against its recorded SHA-256, and the
    file against its own. *ok false names the first call (and page) that differs or is gone;
    *calls and *pages count what was checked. */
fg_err fg_store_verify_files(fg_store *st, bool *ok, fg_evidence_fault *fault, int *calls, int *pages);

/** One call's evidence: its latest ledger entry chains from the entry before it, holds the record
    rebuilt from the call's rows now, and calls.chain repeats it; *ok false otherwise (also for a
    call with no record yet). FG_ERR_NOTFOUND if there is no such call. */
fg_err fg_store_verify_link(fg_store *st, int64_t id, bool *ok);

/* The head of the evidence ledger: a copy kept elsewhere proves that nothing up to it was
   rewritten later. */
typedef struct fg_ledger_head {
    int64_t seq;                 /* the last entry; 0 if the ledger is empty */
    int64_t entries;             /* entries in the ledger */
    char chain[65];              /* the last entry's chain (hex SHA-256); "" if empty */
    char at[32];                 /* when the last entry was appended; "" if empty */
    char taken[32];              /* when the head was read */
} fg_ledger_head;

/** Reads the head of the evidence ledger now. */
fg_err fg_store_ledger_head(fg_store *st, fg_ledger_head *out);

/** Checks a head kept elsewhere: its entry is still in the ledger with the same chain and as many
    entries up to it; *ok false and *fault say what no longer matches (truncated or rewritten). */
fg_err fg_store_verify_head(fg_store *st, const fg_ledger_head *h, bool *ok, fg_evidence_fault *fault);

/** Formats a head as one line: "faxgate-ledger-head seq=N entries=N chain=HEX at=TIME taken=TIME"
    (no newline; "-" for an empty ledger's chain and time). */
void fg_ledger_head_line(const fg_ledger_head *h, char *out, size_t cap);

/** Parses a line written by fg_ledger_head_line (keys it does not know are skipped);
    FG_ERR_FORMAT saying what is wrong otherwise. */
fg_err fg_ledger_head_parse(const char *line, fg_ledger_head *out);

/* ---- complaint reports (store_report.c) ---- */

/** The facts of one call for a complaint, as a JSON object built by SQLite's JSON functions:
    "status" ("standing", "pending" or "not standing": the one definition of docs/jurisdictions.md),
    "violations" (of profile only, unless profile is NULL, each with that status), "advertiser"
    (name, callback, names, numbers, urls, emails, domains, tickers), "broadcaster" (tsi,
    caller_id, header, header_numbers), "optout" (present, text, compliant per profile, numbers),
    "consent", "printed", "printed_at", and "call": the whole record of fg_store_call_json().
    FG_ERR_NOTFOUND if there is no such call; caller frees *json. */
fg_err fg_store_report_json(fg_store *st, int64_t call_id, const char *profile, char **json);

/** Ids of the calls of one advertiser that carry violations (of profile, unless NULL), oldest
    first, as a JSON array: who is matched against the advertiser's name (case-insensitive), a
    traded symbol it touts, or a number it gave (callback, phone, fax; 7 digits or more, matched
    on the last digits). Caller frees *json; an empty array when none matches. */
fg_err fg_store_report_calls_json(fg_store *st, const char *who, const char *profile, char **json);

/* ---- registries ---- */

/** Screening by history: has this caller ID, or this TSI (not empty or all spaces), sent at least
    min_calls faxes with violations in the last window_days? *offender says so, why names them. */
fg_err fg_store_screen_offender(fg_store *st, const char *tsi, const char *caller_id, int min_calls, int window_days,
                                bool *offender, char *why, size_t why_len);

/** Phase-B screening: is this TSI or caller ID (or an empty TSI, if configured) blocked? */
fg_err fg_store_screen(fg_store *st, const char *tsi, const char *caller_id, bool *blocked,
                       char *why, size_t why_len);

/** Phase B: is the sending machine blocked by what it says of itself? nsf: "vendor model" as
    decoded from its NSF (T.35), matched by broadcaster nsf entries (vendor, or vendor and the
    start of the model); dcs: its DCS as faxgate describes it, matched by broadcaster dcs entries
    (a part of it: "v.17 14400", "no ecm"). Either may be NULL or "". */
fg_err fg_store_screen_station(fg_store *st, const char *nsf, const char *dcs, bool *blocked, char *why,
                               size_t why_len);

/** Phase B: did this TSI or caller ID send a fax of a campaign an operator marked junk, or one an
    operator marked junk ([screen] junk_senders)? *found says so, why names that call. */
fg_err fg_store_screen_junk(fg_store *st, const char *tsi, const char *caller_id, bool *found, char *why,
                            size_t why_len);

/** Looks the call's identity up in consent and block lists; fills consent and blocked parts of f. */
fg_err fg_store_lookup(fg_store *st, const fg_call *c, fg_policy_facts *f);

/** Adds a consent entry: kind "number" (E.164), "domain" or "name"; basis "consent" or "ebr". */
fg_err fg_store_consent_add(fg_store *st, const char *kind, const char *value, const char *basis,
                            const char *note);

/** The same, recording who added it (a web account, "faxgatectl"); by may be NULL. */
fg_err fg_store_consent_add_by(fg_store *st, const char *kind, const char *value, const char *basis,
                               const char *note, const char *by);

/** Changes a consent entry's basis and note, recording who did (FG_ERR_NOTFOUND if absent). */
fg_err fg_store_consent_edit(fg_store *st, const char *kind, const char *value, const char *basis,
                             const char *note, const char *by);

/** Removes a consent entry; FG_ERR_NOTFOUND if absent. */
fg_err fg_store_consent_remove(fg_store *st, const char *kind, const char *value);

/** Consent entries as a JSON array. */
fg_err fg_store_consent_json(fg_store *st, char **json);

/** Adds a block entry: role "broadcaster" or "advertiser"; kind "number", "tsi", "domain" or "name". */
fg_err fg_store_block_add(fg_store *st, const char *role, const char *kind, const char *value,
                          const char *note);

/** The same, recording who added it (a web account, "faxgatectl"); by may be NULL. */
fg_err fg_store_block_add_by(fg_store *st, const char *role, const char *kind, const char *value,
                             const char *note, const char *by);

/** Changes a block entry's note, recording who did (FG_ERR_NOTFOUND if absent). */
fg_err fg_store_block_edit(fg_store *st, const char *role, const char *kind, const char *value, const char *note,
                           const char *by);

/** Removes a block entry; FG_ERR_NOTFOUND if absent. */
fg_err fg_store_block_remove(fg_store *st, const char *role, const char *kind, const char *value);

/** Block entries as a JSON array. */
fg_err fg_store_block_json(fg_store *st, char **json);

/* ---- print queue ---- */

typedef struct fg_delivery {
    int64_t id;
    int64_t call_id;
    char tiff[512];
    int attempts;
    bool abandoned;            /* its last claim was abandoned (the owner died): it may have printed */
} fg_delivery;

/** Queues a call for printing (once: a second request for the same call is a no-op). */
fg_err fg_store_delivery_add(fg_store *st, int64_t call_id);

/** Atomically claims the oldest due job for owner; FG_ERR_NOTFOUND if none is due. */
fg_err fg_store_delivery_claim(fg_store *st, const char *owner, fg_delivery *out);

/** Claims the due or pending job of one call (an operator's release); FG_ERR_NOTFOUND if another
    owner holds it or there is none. */
fg_err fg_store_delivery_claim_call(fg_store *st, const char *owner, int64_t call_id, fg_delivery *out);

/** Cancels a call's job that is not printed yet; FG_ERR_STATE if it is being printed right now,
    FG_ERR_NOTFOUND if there is none. */
fg_err fg_store_delivery_cancel(fg_store *st, int64_t call_id);

/** Marks a job printed (and the call printed), with the printer's job id and its last state
    ("completed"; "sent" when the sink has no jobs to follow). */
fg_err fg_store_delivery_done(fg_store *st, int64_t id, int job_id, const char *job_state);

/** Records that a claimed job is on the printer as job_id in job_state (an event when the
    state changes) and renews the claim, so that a long print is not taken for an abandoned one.
    FG_ERR_STATE if the job is not claimed. */
fg_err fg_store_delivery_sent(fg_store *st, int64_t id, int job_id, const char *job_state);

/** Counts one more attempt on a claimed job that the printer put off without failing it (busy),
    recording why; renews the claim. *attempts (may be NULL) gets the new count. */
fg_err fg_store_delivery_attempt(fg_store *st, int64_t id, const char *why, int *attempts);

/** Puts a claimed job back with a delay after a failure, recording the error. */
fg_err fg_store_delivery_retry(fg_store *st, int64_t id, int delay_s, const char *error);

/** Returns jobs claimed more than older_than_s ago (a crashed owner) to the queue. */
fg_err fg_store_delivery_unstick(fg_store *st, int older_than_s);

/** Returns every job claimed by an owner whose name starts with owner_prefix to the queue: at
    start-up, the claims of the daemon that stopped before it could say whether it printed them.
    (The delivery then asks the printer before printing such a job again.) */
fg_err fg_store_delivery_release(fg_store *st, const char *owner_prefix);

/** Number of jobs not yet printed. */
fg_err fg_store_delivery_pending(fg_store *st, int *n);

/** The jobs not yet printed, oldest first, as a JSON array (id, call_id, state, attempts,
    next_try, claimed_by, last_error, the call's tsi, caller_id and pages, queued). */
fg_err fg_store_delivery_json(fg_store *st, char **json);

/* ---- the outgoing queue: faxes the gateway sends (store_outgoing.c) ---- */

typedef struct fg_outgoing {
    int64_t id;
    int64_t call_id;             /* the received fax it concerns, 0 if none */
    char dest[256];              /* line URI to call */
    char tiff[1024];
    char purpose[32];            /* "manual", "optout", ... */
    int attempts, max_attempts;
} fg_outgoing;

/** Queues a fax to send: dest a line URI, tiff a file the queue now owns (it is kept as sent);
    purpose says why; call_id the fax it concerns (0: none). *id gets the new entry. */
fg_err fg_store_outgoing_add(fg_store *st, const char *dest, const char *tiff, const char *purpose, int64_t call_id,
                             int max_attempts, int pages, int64_t *id);

/** Claims the next fax due for owner (atomically, as print jobs are); FG_ERR_NOTFOUND if none. */
fg_err fg_store_outgoing_claim(fg_store *st, const char *owner, fg_outgoing *out);

/** A claimed fax was sent: every page confirmed by the far end (its CSI). */
fg_err fg_store_outgoing_sent(fg_store *st, int64_t id, int pages_sent, const char *far_csi);

/** A claimed fax could not be sent: back in the queue in delay_s, or failed for good once it has
    had its attempts. *failed (may be NULL) says which. */
fg_err fg_store_outgoing_retry(fg_store *st, int64_t id, int delay_s, const char *error, bool *failed);

/** Returns to the queue the faxes a stopped daemon had claimed (owner names starting with prefix). */
fg_err fg_store_outgoing_release(fg_store *st, const char *owner_prefix);

/** The outgoing queue as a JSON array (not sent yet first, then the last 20 sent or failed). */
fg_err fg_store_outgoing_json(fg_store *st, char **json);

/* ---- opt-out requests: the site asks an advertiser to stop (store_optout.c) ---- */

typedef struct fg_optout_req {
    int64_t call_id;             /* the received fax the request is about */
    const char *channel;         /* "fax", "phone", "web", "email" or "mail" */
    const char *dest;            /* fax and phone: the E.164 number; else the address or URL */
    const char *profile;         /* the jurisdiction profile it is made under ("us") */
    const char *line_uri;        /* a fax: the line URI to call ("sip:18005550199@trunk:5060"); NULL:
                                    recorded 'manual', for the operator to make */
    const char *tiff;            /* the request page (the outgoing queue owns it), or NULL */
    const char *sha256;          /* of the request page's image */
    int pages, max_attempts;     /* for the outgoing queue */
    const char *note;            /* what the operator must do, for a manual request */
} fg_optout_req;

/** Records an opt-out request: with a line URI and a page it is queued on the outgoing queue in the
    same transaction (state queued, then following that entry to sent or failed), else recorded
    'manual'. The advertiser and its match keys (callback and opt-out numbers, domain, name) come
    from the stored call. FG_ERR_EXISTS if the same request is already queued or sent. *id gets the
    request, *outgoing_id (may be NULL) the queue entry or 0. */
fg_err fg_store_optout_add(fg_store *st, const fg_optout_req *r, int64_t *id, int64_t *outgoing_id);

/** An operator made a manual (or failed) request by other means: it counts as sent from now on (the
    sender's delay runs from here); note says how. FG_ERR_STATE if it was queued or sent already. */
fg_err fg_store_optout_done(fg_store *st, int64_t id, const char *note);

/** The opt-out requests, newest first, as a JSON array: each with its queue entry's state, attempts
    and last error, and repeats (faxes flagged as sent after it). */
fg_err fg_store_optouts_json(fg_store *st, char **json);

/* ---- the web admin's accounts, sessions and audit log (store_web.c) ---- */

/* A web account as a session or a login sees it. */
typedef struct fg_web_user {
    int64_t id;
    char name[65];
    char role[16];          /* viewer, operator, admin */
    char pwhash[128];       /* argon2id string (webauth.h) */
    char csrf[65];          /* with fg_store_session_get: the session's CSRF token */
} fg_web_user;

/** Adds an account; FG_ERR_EXISTS if the name is taken. */
fg_err fg_store_user_add(fg_store *st, const char *name, const char *role, const char *pwhash);

/** Changes an account's password hash and ends its sessions; FG_ERR_NOTFOUND if there is none. */
fg_err fg_store_user_passwd(fg_store *st, const char *name, const char *pwhash);

/** Changes an account's role; FG_ERR_NOTFOUND if there is none. */
fg_err fg_store_user_role(fg_store *st, const char *name, const char *role);

/** Removes an account and its sessions; FG_ERR_NOTFOUND if there is none. */
fg_err fg_store_user_remove(fg_store *st, const char *name);

/** Reads an account by name; FG_ERR_NOTFOUND if there is none. */
fg_err fg_store_user_get(fg_store *st, const char *name, fg_web_user *out);

/** The accounts (name, role, created, changed, sessions open), as a JSON array. */
fg_err fg_store_users_json(fg_store *st, char **json);

/** Opens a session for user_id under id_hash (the hash of its token) with its CSRF token,
    lasting ttl_s seconds; sessions already expired are purged on the way. */
fg_err fg_store_session_add(fg_store *st, const char *id_hash, int64_t user_id, const char *csrf, int ttl_s,
                            const char *addr);

/** The account and CSRF token of a live session; FG_ERR_NOTFOUND if there is no such session or
    it has expired (an expired one is removed). */
fg_err fg_store_session_get(fg_store *st, const char *id_hash, fg_web_user *out);

/** Ends a session (logout); ending one that does not exist is not an error. */
fg_err fg_store_session_remove(fg_store *st, const char *id_hash);

/** Appends a row to the audit log: who (a web account), action ("release", "block add"…), its
    target (a call id, a list entry) and detail; addr is the client's address. */
fg_err fg_store_audit(fg_store *st, const char *who, const char *action, const char *target, const char *detail,
                      const char *addr);

/** The newest limit rows of the audit log (0: all), newest first, as a JSON array. */
fg_err fg_store_audit_json(fg_store *st, int limit, char **json);

/* What the web admin's call list shows: NULL or 0 for a filter not used. */
typedef struct fg_calls_filter {
    const char *verdict;        /* deliver, hold or drop */
    const char *advertiser;     /* exact name, case-insensitive */
    int64_t campaign;
    const char *from, *to;      /* started on or after from, before the day after to (YYYY-MM-DD) */
    int64_t before;             /* keyset paging: only ids below this */
    int limit;                  /* rows (1..500) */
} fg_calls_filter;

/** Calls newest first as the filter selects them, as a JSON array: id, started, line, called,
    caller_id, tsi, pages, state, result, verdict, verdict_by, verdict_reason, advertiser,
    campaign_id, printed, deliver_state, score and rules (the three heaviest scores: name,
    weight). Paged by id (keyset), so every page costs the same however many calls there are. */
fg_err fg_store_calls_page_json(fg_store *st, const fg_calls_filter *f, char **json);

#endif
