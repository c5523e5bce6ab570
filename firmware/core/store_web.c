/* faxgate — store: the web admin's accounts, sessions and audit log (schema v12). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_impl.h"

static void copy_col(sqlite3_stmt *s, int col, char *out, size_t cap)
{
    const char *v = (const char *)sqlite3_column_text(s, col);

    snprintf(out, cap, "%s", v ? v : "");
}

/* Runs one INSERT/UPDATE/DELETE with text parameters ?1..?n under the lock; *changes how many
   rows it changed (may be NULL). */
static fg_err write_one(fg_store *st, const char *sql, const char *const *args, int nargs, int *changes,
                        const char *what)
{
    sqlite3_stmt *s;
    fg_err e;
    int rc;

    pthread_mutex_lock(&st->mu);
    if (!(e = fg_st_prep(st, sql, &s, what))) {
        for (int i = 0; i < nargs; i++)
            fg_st_bind_text(s, i + 1, args[i], false);
        rc = sqlite3_step(s);
        if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
            e = fg_err_set(FG_ERR_EXISTS, "cannot %s: it exists already", what);
        else if (rc != SQLITE_DONE)
            e = fg_st_err(st, rc, what);
        else if (changes)
            *changes = sqlite3_changes(st->db);
        sqlite3_finalize(s);
    }
    pthread_mutex_unlock(&st->mu);
    return e;
}

fg_err fg_store_user_add(fg_store *st, const char *name, const char *role, const char *pwhash)
{
    const char *args[] = {name, role, pwhash};
    fg_err e = write_one(st, "INSERT INTO users(name, role, pwhash, created, changed)"
                             " VALUES (?1, ?2, ?3, " FG_SQL_NOW ", " FG_SQL_NOW ")", args, 3, NULL, "add the account");

    if (e == FG_ERR_EXISTS)
        return fg_err_set(e, "there is already an account named '%s' (faxgatectl user passwd changes its password)",
                          name);
    return e;
}

/* The account named name was changed (n rows): FG_ERR_NOTFOUND when there is none. */
static fg_err changed_user(fg_err e, int n, const char *name)
{
    if (!e && n == 0)
        return fg_err_set(FG_ERR_NOTFOUND, "there is no account named '%s' (faxgatectl users lists them)", name);
    return e;
}

fg_err fg_store_user_passwd(fg_store *st, const char *name, const char *pwhash)
{
    const char *args[] = {name, pwhash};
    int n = 0;
    fg_err e;

    /* a new password ends the sessions opened with the old one: whoever knew it is logged out */
    e = write_one(st, "UPDATE users SET pwhash = ?2, changed = " FG_SQL_NOW " WHERE name = ?1", args, 2, &n,
                  "change the password");
    if ((e = changed_user(e, n, name)))
        return e;
    return write_one(st, "DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE name = ?1)", args, 1, NULL,
                     "end the account's sessions");
}

fg_err fg_store_user_role(fg_store *st, const char *name, const char *role)
{
    const char *args[] = {name, role};
    int n = 0;
    fg_err e = write_one(st, "UPDATE users SET role = ?2, changed = " FG_SQL_NOW " WHERE name = ?1", args, 2, &n,
                         "change the role");

    return changed_user(e, n, name);
}

fg_err fg_store_user_remove(fg_store *st, const char *name)
{
    const char *args[] = {name};
    int n = 0;
    fg_err e = write_one(st, "DELETE FROM users WHERE name = ?1", args, 1, &n, "remove the account");

    return changed_user(e, n, name);
}

/* Reads one account row (id, name, role, pwhash[, csrf]) from sql with ?1 bound to key. */
static fg_err read_user(fg_store *st, const char *sql, const char *key, fg_web_user *out, const char *what)
{
    sqlite3_stmt *s;
    fg_err e;
    int rc;

    memset(out, 0, sizeof *out);
    if ((e = fg_st_prep(st, sql, &s, what)))
        return e;
    fg_st_bind_text(s, 1, key, false);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        out->id = sqlite3_column_int64(s, 0);
        copy_col(s, 1, out->name, sizeof out->name);
        copy_col(s, 2, out->role, sizeof out->role);
        copy_col(s, 3, out->pwhash, sizeof out->pwhash);
        if (sqlite3_column_count(s) > 4)
            copy_col(s, 4, out->csrf, sizeof out->csrf);
    } else if (rc == SQLITE_DONE) {
        e = fg_err_set(FG_ERR_NOTFOUND, "no such account or session");
    } else {
        e = fg_st_err(st, rc, what);
    }
    sqlite3_finalize(s);
    return e;
}

fg_err fg_store_user_get(fg_store *st, const char *name, fg_web_user *out)
{
    fg_err e;

    pthread_mutex_lock(&st->mu);
    e = read_user(st, "SELECT id, name, role, pwhash FROM users WHERE name = ?1", name, out, "read an account");
    pthread_mutex_unlock(&st->mu);
    if (e == FG_ERR_NOTFOUND)
        return fg_err_set(e, "there is no account named '%s'", name);
    return e;
}

fg_err fg_store_users_json(fg_store *st, char **json)
{
    static const char sql[] =
        "SELECT json_object('name', name, 'role', role, 'created', created, 'changed', changed,"
        " 'sessions', (SELECT count(*) FROM sessions s WHERE s.user_id = u.id AND s.expires > " FG_SQL_NOW "))"
        " FROM users u ORDER BY name";

    return fg_st_json_listing(st, sql, false, 0, json, "list accounts");
}

fg_err fg_store_session_add(fg_store *st, const char *id_hash, int64_t user_id, const char *csrf, int ttl_s,
                            const char *addr)
{
    sqlite3_stmt *s = NULL;
    fg_err e;

    IN_TRANSACTION(st, "open a session", {
        if (!(e = fg_st_exec(st, "DELETE FROM sessions WHERE expires <= " FG_SQL_NOW, "purge expired sessions")) &&
            !(e = fg_st_prep(st,
                             "INSERT INTO sessions(id_hash, user_id, csrf, created, expires, addr)"
                             " VALUES (?1, ?2, ?3, " FG_SQL_NOW ", " SQL_LATER("?4") ", ?5)",
                             &s, "open a session"))) {
            fg_st_bind_text(s, 1, id_hash, false);
            sqlite3_bind_int64(s, 2, user_id);
            fg_st_bind_text(s, 3, csrf, false);
            sqlite3_bind_int(s, 4, ttl_s);
            fg_st_bind_text(s, 5, addr, true);
            e = fg_st_run(st, s, "open a session");
            sqlite3_finalize(s);
        }
    });
    return e;
}

fg_err fg_store_session_get(fg_store *st, const char *id_hash, fg_web_user *out)
{
    fg_err e;

    pthread_mutex_lock(&st->mu);
    e = read_user(st,
                  "SELECT u.id, u.name, u.role, u.pwhash, s.csrf FROM sessions s JOIN users u ON u.id = s.user_id"
                  " WHERE s.id_hash = ?1 AND s.expires > " FG_SQL_NOW,
                  id_hash, out, "read a session");
    pthread_mutex_unlock(&st->mu);
    if (e == FG_ERR_NOTFOUND) {
        fg_store_session_remove(st, id_hash);   /* expired, or never was: either way it is gone */
        return fg_err_set(e, "no such session, or it has expired: log in again");
    }
    return e;
}

fg_err fg_store_session_remove(fg_store *st, const char *id_hash)
{
    const char *args[] = {id_hash};

    return write_one(st, "DELETE FROM sessions WHERE id_hash = ?1", args, 1, NULL, "end a session");
}

fg_err fg_store_audit(fg_store *st, const char *who, const char *action, const char *target, const char *detail,
                      const char *addr)
{
    const char *args[] = {who, action, target ? target : "", detail ? detail : "", addr ? addr : ""};

    return write_one(st, "INSERT INTO audit(at, who, action, target, detail, addr)"
                         " VALUES (" FG_SQL_NOW ", ?1, ?2, nullif(?3, ''), nullif(?4, ''), nullif(?5, ''))",
                     args, 5, NULL, "write the audit log");
}

fg_err fg_store_audit_json(fg_store *st, int limit, char **json)
{
    static const char sql[] =
        "SELECT json_object('id', id, 'at', at, 'who', who, 'action', action, 'target', target,"
        " 'detail', detail, 'addr', addr) FROM audit ORDER BY id DESC LIMIT ?1";

    return fg_st_json_listing(st, sql, true, limit > 0 ? limit : -1, json, "read the audit log");
}

fg_err fg_store_calls_page_json(fg_store *st, const fg_calls_filter *f, char **json)
{
    char sql[2048];
    size_t n;
    sqlite3_stmt *s;
    fg_err e;

    /* only constant fragments are joined: every value is a bound parameter */
    n = (size_t)snprintf(sql, sizeof sql, "%s",
                         "SELECT json_object('id', c.id, 'started', c.started, 'line', c.line, 'called', c.called,"
                         " 'caller_id', c.caller_id, 'tsi', c.tsi, 'pages', c.pages, 'state', c.state,"
                         " 'result', c.result, 'verdict', c.verdict, 'verdict_by', c.verdict_by,"
                         " 'verdict_reason', c.verdict_reason, 'advertiser', c.advertiser,"
                         " 'campaign_id', c.campaign_id, 'printed', " FG_SQL_JBOOL("c.printed") ","
                         " 'deliver_state', c.deliver_state, 'score', c.score,"
                         " 'rules', json((SELECT json_group_array(json_object('name', name, 'weight', weight))"
                         "  FROM (SELECT name, weight FROM scores sc WHERE sc.call_id = c.id"
                         "  ORDER BY abs(weight) DESC LIMIT 3))))"
                         " FROM calls c WHERE 1");
    if (f->verdict)
        n += (size_t)snprintf(sql + n, sizeof sql - n, " AND c.verdict = :verdict");
    if (f->advertiser)
        n += (size_t)snprintf(sql + n, sizeof sql - n, " AND c.advertiser = :adv COLLATE NOCASE");
    if (f->campaign > 0)
        n += (size_t)snprintf(sql + n, sizeof sql - n, " AND c.campaign_id = :campaign");
    if (f->from)
        n += (size_t)snprintf(sql + n, sizeof sql - n, " AND c.started >= :from");
    if (f->to)
        n += (size_t)snprintf(sql + n, sizeof sql - n, " AND c.started < date(:to, '+1 day')");
    /* with dates, newest first is read off calls_started (started, then id); without, off the ids
       (or the verdict or advertiser index, which keep ids in order): either way a page reads
       about as many rows as it shows, never the calls before it */
    if (f->from || f->to) {
        if (f->before > 0)
            n += (size_t)snprintf(sql + n, sizeof sql - n,
                                  " AND (c.started, c.id) < (SELECT started, id FROM calls WHERE id = :before)");
        snprintf(sql + n, sizeof sql - n, " ORDER BY c.started DESC, c.id DESC LIMIT :limit");
    } else {
        if (f->before > 0)
            n += (size_t)snprintf(sql + n, sizeof sql - n, " AND c.id < :before");
        snprintf(sql + n, sizeof sql - n, " ORDER BY c.id DESC LIMIT :limit");
    }
    *json = NULL;
    pthread_mutex_lock(&st->mu);
    if (!(e = fg_st_prep(st, sql, &s, "list calls for the web admin"))) {
        fg_st_bind_named(s, ":verdict", f->verdict, false);
        fg_st_bind_named(s, ":adv", f->advertiser, false);
        fg_st_bind_named_int(s, ":campaign", f->campaign);
        fg_st_bind_named(s, ":from", f->from, false);
        fg_st_bind_named(s, ":to", f->to, false);
        fg_st_bind_named_int(s, ":before", f->before);
        fg_st_bind_named_int(s, ":limit", f->limit > 0 && f->limit <= 500 ? f->limit : 50);
        e = fg_st_json_rows(st, s, json, "list calls for the web admin");
        sqlite3_finalize(s);
    }
    pthread_mutex_unlock(&st->mu);
    return e;
}
