/* faxgate — store: writing everything a call holds into its row and child rows.
 *
 * Child rows (pages, identities, scores, violations) are deleted and written again on every
 * save, so saving twice gives the same rows: a call is saved as it progresses (begin, pages,
 * verdict, delivery) and after a crash the daemon may save it again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "call_impl.h"
#include "store_impl.h"

/* A verdict changed by hand (verdict_by not 'auto') survives later automatic saves. */
static const char update_sql[] =
    "UPDATE calls SET uuid = :uuid, line = :line, started = coalesce(:started, started), ended = :ended, state = :state,"
    " result = :result, caller_id = :caller_id, caller_e164 = :caller_e164, called = :called,"
    " tsi = :tsi, tsi_seen = :tsi_seen, csi = :csi,"
    " nsf_hex = :nsf_hex, nsf_vendor = :nsf_vendor, nsf_model = :nsf_model, nsf_country = :nsf_country,"
    " dcs = :dcs, bit_rate = :bit_rate, ecm = :ecm, x_res = :x_res, y_res = :y_res,"
    " t30_code = :t30_code, t30_result = :t30_result,"
    " pages = :pages, tiff = coalesce(:tiff, tiff), tiff_sha256 = :tiff_sha256, lang = :lang,"
    " is_ad = :is_ad, score = :score,"
    " verdict = CASE WHEN verdict_by IS NOT NULL AND verdict_by <> 'auto' THEN verdict ELSE :verdict END,"
    " verdict_reason = CASE WHEN verdict_by IS NOT NULL AND verdict_by <> 'auto' THEN verdict_reason"
    "  ELSE :verdict_reason END,"
    " verdict_by = CASE WHEN verdict_by IS NOT NULL AND verdict_by <> 'auto' THEN verdict_by"
    "  WHEN :verdict IS NULL THEN NULL ELSE 'auto' END,"
    " advertiser = :advertiser, callback = :callback,"
    " optout_present = :optout_present, optout_text = :optout_text, optout_compliant = :optout_compliant,"
    " header_present = :header_present, consent = :consent, blocked = :blocked,"
    " line_type = :line_type, profiles = :profiles,"
    " text = :text, judge_error = :judge_error,"
    " fingerprint = coalesce(:fingerprint, fingerprint), bayes = coalesce(:bayes, bayes),"
    " ms_ocr = :ms_ocr, ms_judge = :ms_judge, ms_total = :ms_total,"
    " confirmed = max(confirmed, :confirmed), complete = max(complete, :complete), acked = max(acked, :acked),"
    " interrupted = coalesce(:interrupted, interrupted), recovered = coalesce(:recovered, recovered),"
    /* the queue marks a call printed; a later save from memory must not undo that */
    " printed = max(printed, :printed),"
    " deliver_state = CASE WHEN printed = 1 THEN 'printed' ELSE coalesce(:deliver_state, deliver_state) END"
    " WHERE id = :id";

/* {"us":true,"fr":false}: which profiles' rules the opt-out notice meets. */
static void optout_compliant_json(const fg_decision *d, fg_strbuf *b)
{
    fg_sb_puts(b, "{");
    for (int i = 0; i < d->n_optout && i < FG_PROFILES_MAX; i++) {
        char prof[sizeof d->optout[i].profile + 1];

        snprintf(prof, sizeof prof, "%.*s", (int)sizeof d->optout[i].profile, d->optout[i].profile);
        if (i)
            fg_sb_puts(b, ",");
        fg_sb_json_str(b, prof);
        fg_sb_puts(b, d->optout[i].compliant ? ":true" : ":false");
    }
    fg_sb_puts(b, "}");
}

void fg_st_bind_line_t30(sqlite3_stmt *s, const fg_call *c)
{
    fg_st_bind_named(s, ":uuid", c->uuid, true);
    fg_st_bind_named(s, ":line", c->line, true);
    fg_st_bind_named(s, ":caller_id", c->caller_id, true);
    fg_st_bind_named(s, ":caller_e164", c->caller_e164, true);
    fg_st_bind_named(s, ":called", c->called, true);
    /* NULL: no TSI frame; "": the far end sent an empty TSI (a fact screening rules use). */
    fg_st_bind_named(s, ":tsi", c->t30.tsi_seen ? c->t30.tsi : NULL, false);
    fg_st_bind_named_int(s, ":tsi_seen", c->t30.tsi_seen);
    fg_st_bind_named(s, ":csi", c->t30.csi, true);
    fg_st_bind_named(s, ":nsf_hex", c->t30.nsf_hex, true);
    fg_st_bind_named(s, ":nsf_vendor", c->t30.nsf_vendor, true);
    fg_st_bind_named(s, ":nsf_model", c->t30.nsf_model, true);
    fg_st_bind_named(s, ":nsf_country", c->t30.nsf_country, true);
    fg_st_bind_named(s, ":dcs", c->t30.dcs, true);
    fg_st_bind_named_int(s, ":bit_rate", c->t30.bit_rate);
    fg_st_bind_named_int(s, ":ecm", c->t30.ecm);
    fg_st_bind_named_int(s, ":x_res", c->t30.x_res);
    fg_st_bind_named_int(s, ":y_res", c->t30.y_res);
}

static fg_err update_row(fg_store *st, fg_call *c)
{
    const bool j = c->judged;
    const fg_ident *id = &c->ident;
    char started[32], ended[32], interrupted[32], recovered[32];
    unsigned char fp[4 * FG_MINHASH_K];
    fg_strbuf oc = {0};
    sqlite3_stmt *s;
    fg_err e;

    if ((e = fg_st_prep(st, update_sql, &s, "save a call")))
        return e;
    fg_st_iso(c->started, started);
    fg_st_iso(c->ended, ended);
    fg_st_bind_line_t30(s, c);
    fg_st_bind_named(s, ":started", started[0] ? started : NULL, false);
    fg_st_bind_named(s, ":ended", ended, true);
    fg_st_bind_named(s, ":state", c->state == FG_CALL_NEW ? "receiving" : fg_call_state_name(c->state), false);
    fg_st_bind_named(s, ":result", c->result, true);
    fg_st_bind_named_int(s, ":t30_code", c->t30.t30_code);
    fg_st_bind_named(s, ":t30_result", c->t30.t30_result, true);
    fg_st_bind_named_int(s, ":pages", c->npages);
    fg_st_bind_named(s, ":tiff", c->tiff, true);
    fg_st_bind_named(s, ":tiff_sha256", c->tiff_sha256, true);
    fg_st_bind_named(s, ":lang", id->lang, true);
    if (j) {
        fg_st_bind_named_int(s, ":is_ad", c->decision.is_ad);
        fg_st_bind_named_double(s, ":score", c->decision.score);
        fg_st_bind_named(s, ":verdict", fg_st_verdict_name(c->decision.verdict), false);
        fg_st_bind_named(s, ":verdict_reason", c->decision.reason, true);
        fg_st_bind_named_int(s, ":optout_present", id->optout.present);
        fg_st_bind_named_int(s, ":header_present", id->header.present);
        if (c->decision.n_optout > 0) {
            optout_compliant_json(&c->decision, &oc);
            fg_st_bind_named(s, ":optout_compliant", oc.failed ? NULL : oc.s, true);
        }
        fg_st_bind_named(s, ":consent", c->pfacts.consent ? c->pfacts.consent_match : NULL, true);
        fg_st_bind_named(s, ":blocked", c->pfacts.blocked ? c->pfacts.block_match : NULL, true);
        if (c->decision.called[0])   /* the receiving number the rules were applied for */
            fg_st_bind_named(s, ":called", c->decision.called, true);
        fg_st_bind_named(s, ":line_type", c->decision.line_type, true);
        fg_st_bind_named(s, ":profiles", c->decision.profiles, true);
        fg_st_bind_named_double(s, ":ms_ocr", c->ms_ocr);
        fg_st_bind_named_double(s, ":ms_judge", c->ms_judge);
        fg_st_bind_named_double(s, ":ms_total", c->ms_total);
        if (c->bayes_scored)
            fg_st_bind_named_double(s, ":bayes", c->bayes_prob);
        if (c->fp.shingles > 0) {
            fg_campaign_pack(&c->fp, fp);
            sqlite3_bind_blob(s, sqlite3_bind_parameter_index(s, ":fingerprint"), fp, sizeof fp, SQLITE_TRANSIENT);
        }
    }
    fg_st_bind_named(s, ":advertiser", id->adv_name, true);
    fg_st_bind_named(s, ":callback", id->callback, true);
    fg_st_bind_named(s, ":optout_text", id->optout.text, true);
    fg_st_bind_named(s, ":text", c->words && c->words->text ? c->words->text : c->text, true);
    fg_st_bind_named(s, ":judge_error", c->judge_error, true);
    fg_st_bind_named_int(s, ":confirmed", c->confirmed);
    fg_st_bind_named_int(s, ":complete", c->complete);
    fg_st_bind_named_int(s, ":acked", c->acked);
    fg_st_iso(c->interrupted, interrupted);
    fg_st_bind_named(s, ":interrupted", interrupted, true);
    fg_st_iso(c->recovered, recovered);
    fg_st_bind_named(s, ":recovered", recovered, true);
    fg_st_bind_named_int(s, ":printed", c->printed);
    fg_st_bind_named(s, ":deliver_state", c->deliver_state, true);
    fg_st_bind_named_int(s, ":id", c->id);
    e = fg_st_run(st, s, "save a call");
    if (!e && sqlite3_changes(st->db) == 0)
        e = fg_err_set(FG_ERR_NOTFOUND, "call %lld is no longer in the store %s (purged?)", (long long)c->id,
                       st->path);
    sqlite3_finalize(s);
    free(oc.s);
    return e;
}

static fg_err clear_children(fg_store *st, int64_t id)
{
    static const char *const sql[] = {
        "DELETE FROM pages WHERE call_id = ?",
        "DELETE FROM identities WHERE call_id = ?",
        "DELETE FROM scores WHERE call_id = ?",
        "DELETE FROM violations WHERE call_id = ?",
    };
    sqlite3_stmt *s;
    fg_err e = FG_OK;

    for (size_t i = 0; i < sizeof sql / sizeof sql[0] && !e; i++) {
        if ((e = fg_st_prep(st, sql[i], &s, "replace a call's details")))
            break;
        sqlite3_bind_int64(s, 1, id);
        e = fg_st_run(st, s, "replace a call's details");
        sqlite3_finalize(s);
    }
    return e;
}

/* Upserts: a call in progress records its pages before their hashes (store_progress.c), the
   final save after clearing them; a hash once known is never unset. */
fg_err fg_st_write_pages(fg_store *st, const fg_call *c)
{
    sqlite3_stmt *s;
    fg_err e = FG_OK;

    if (c->npages <= 0)
        return FG_OK;
    if ((e = fg_st_prep(st,
                        "INSERT INTO pages(call_id, page_no, width, height, partial, sha256)"
                        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (call_id, page_no) DO UPDATE SET"
                        " width = excluded.width, height = excluded.height, partial = excluded.partial,"
                        " sha256 = coalesce(excluded.sha256, sha256)",
                        &s, "save the page records")))
        return e;
    for (int i = 0; i < c->npages && !e; i++) {
        sqlite3_reset(s);
        sqlite3_bind_int64(s, 1, c->id);
        sqlite3_bind_int(s, 2, i + 1);
        sqlite3_bind_int(s, 3, c->pages[i].width);
        sqlite3_bind_int(s, 4, c->pages[i].height);
        sqlite3_bind_int(s, 5, c->pages[i].partial);
        fg_st_bind_text(s, 6, c->pages[i].sha256, true);
        e = fg_st_run(st, s, "save the page records");
    }
    sqlite3_finalize(s);
    return e;
}

/* One identity row; empty values are not facts worth a row. */
static fg_err add_ident(fg_store *st, sqlite3_stmt *s, int64_t call_id, const char *role, const char *kind,
                        const char *value, const char *raw, unsigned flags, const fg_where *at)
{
    if (!value || !*value)
        return FG_OK;
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    sqlite3_bind_int64(s, 1, call_id);
    fg_st_bind_text(s, 2, role, false);
    fg_st_bind_text(s, 3, kind, false);
    fg_st_bind_text(s, 4, value, false);
    fg_st_bind_text(s, 5, raw, true);
    sqlite3_bind_int(s, 6, (int)flags);
    if (at && (at->x1 > 0 || at->y1 > 0)) {
        sqlite3_bind_int(s, 7, at->x0);
        sqlite3_bind_int(s, 8, at->y0);
        sqlite3_bind_int(s, 9, at->x1);
        sqlite3_bind_int(s, 10, at->y1);
    }
    if (at)
        sqlite3_bind_int(s, 11, at->line);
    return fg_st_run(st, s, "save the call's identities");
}

static const char *number_kind(unsigned k)
{
    if (k & FG_NUM_FAX)
        return "fax";
    if (k & FG_NUM_TOLLFREE)
        return "tollfree";
    return "phone";
}

/* True if a number with this E.164 and all of these flags is on the page. */
static bool has_number(const fg_ident *id, const char *e164, unsigned flags)
{
    for (size_t i = 0; i < id->n_numbers && i < FG_NUMBERS_MAX; i++)
        if ((id->numbers[i].kind & flags) == flags && strcmp(id->numbers[i].e164, e164) == 0)
            return true;
    return false;
}

static fg_err write_identities(fg_store *st, const fg_call *c)
{
    const fg_ident *id = &c->ident;
    const fg_header *h = &id->header;
    const fg_optout *o = &id->optout;
    char date[160];
    sqlite3_stmt *s;
    fg_err e = FG_OK;

    if ((e = fg_st_prep(st,
                        "INSERT INTO identities(call_id, role, kind, value, raw, flags, x0, y0, x1, y1, line)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        &s, "save the call's identities")))
        return e;
    /* broadcaster: who sent it */
    if (c->t30.tsi_seen)
        e = add_ident(st, s, c->id, "broadcaster", "tsi", c->t30.tsi, NULL, 0, NULL);
    if (!e)
        e = add_ident(st, s, c->id, "broadcaster", "caller_id", c->caller_e164[0] ? c->caller_e164 : c->caller_id,
                      c->caller_id, 0, NULL);
    if (!e && h->present) {
        snprintf(date, sizeof date, "%s%s%s", h->date ? h->date : "", h->date && h->time ? " " : "",
                 h->time ? h->time : "");
        if (!(e = add_ident(st, s, c->id, "broadcaster", "header", h->text, NULL, 0, &h->at)) &&
            !(e = add_ident(st, s, c->id, "broadcaster", "header_date", date, NULL, 0, &h->at)) &&
            !(e = add_ident(st, s, c->id, "broadcaster", "name", h->name, NULL, 0, &h->at)) &&
            !has_number(id, h->number, FG_NUM_HEADER))
            e = add_ident(st, s, c->id, "broadcaster", "header_number", h->number, NULL, FG_NUM_HEADER, &h->at);
    }
    /* advertiser: who is selling; numbers keep all their FG_NUM_* flags */
    if (!e)
        e = add_ident(st, s, c->id, "advertiser", "name", id->adv_name, NULL, 0, &id->adv_name_at);
    for (size_t i = 0; i < id->n_numbers && i < FG_NUMBERS_MAX && !e; i++) {
        const fg_number *n = &id->numbers[i];
        const char *v = n->e164[0] ? n->e164 : n->raw;

        if (n->kind & FG_NUM_HEADER)
            e = add_ident(st, s, c->id, "broadcaster", "header_number", v, n->raw, n->kind, &n->at);
        else
            e = add_ident(st, s, c->id, n->kind & FG_NUM_OPTOUT ? "optout" : "advertiser", number_kind(n->kind), v,
                          n->raw, n->kind, &n->at);
    }
    for (size_t i = 0; i < id->n_urls && i < FG_ITEMS_MAX && !e; i++)
        e = add_ident(st, s, c->id, "advertiser", "url", id->urls[i].value, NULL, 0, &id->urls[i].at);
    for (size_t i = 0; i < id->n_emails && i < FG_ITEMS_MAX && !e; i++)
        e = add_ident(st, s, c->id, "advertiser", "email", id->emails[i].value, NULL, 0, &id->emails[i].at);
    if (!e && id->adv_domain[0])   /* the site or mail domain linked to the advertiser's name */
        e = add_ident(st, s, c->id, "advertiser", "domain", id->adv_domain, NULL, 0, &id->adv_domain_at);
    if (!e && id->ticker[0])   /* the traded symbol of a stock promotion */
        e = add_ident(st, s, c->id, "advertiser", "ticker", id->ticker, NULL, 0, &id->ticker_at);
    /* the opt-out notice and the numbers it names */
    if (!e && o->present) {
        e = add_ident(st, s, c->id, "optout", "notice", o->text, NULL, 0, &o->at);
        if (!e && !has_number(id, o->phone, FG_NUM_OPTOUT))
            e = add_ident(st, s, c->id, "optout", "phone", o->phone, NULL, FG_NUM_OPTOUT | FG_NUM_VOICE, &o->at);
        if (!e && !has_number(id, o->fax, FG_NUM_OPTOUT))
            e = add_ident(st, s, c->id, "optout", "fax", o->fax, NULL, FG_NUM_OPTOUT | FG_NUM_FAX, &o->at);
    }
    sqlite3_finalize(s);
    return e;
}

static fg_err write_scores(fg_store *st, const fg_call *c)
{
    sqlite3_stmt *s;
    fg_err e = FG_OK;

    if (c->scores.n <= 0)
        return FG_OK;
    if ((e = fg_st_prep(st, "INSERT INTO scores(call_id, name, weight, detail) VALUES (?, ?, ?, ?)", &s,
                        "save the call's scores")))
        return e;
    for (int i = 0; i < c->scores.n && i < FG_SCORES_MAX && !e; i++) {
        sqlite3_reset(s);
        sqlite3_bind_int64(s, 1, c->id);
        fg_st_bind_text(s, 2, c->scores.v[i].name ? c->scores.v[i].name : "?", false);
        sqlite3_bind_double(s, 3, c->scores.v[i].weight);
        fg_st_bind_text(s, 4, c->scores.v[i].detail, true);
        e = fg_st_run(st, s, "save the call's scores");
    }
    sqlite3_finalize(s);
    return e;
}

static fg_err write_violations(fg_store *st, const fg_call *c)
{
    const fg_decision *d = &c->decision;
    char created[32];
    sqlite3_stmt *s;
    fg_err e = FG_OK;

    if (!c->judged || d->nv <= 0)
        return FG_OK;
    /* A violation happened when the fax arrived; that also keeps re-saves identical. */
    fg_st_iso(c->started ? c->started : time(NULL), created);
    if ((e = fg_st_prep(st,
                        "INSERT INTO violations(call_id, profile, rule, detail, advertiser, created)"
                        " VALUES (?, ?, ?, ?, ?, ?)",
                        &s, "save the call's violations")))
        return e;
    for (int i = 0; i < d->nv && i < FG_VIOLATIONS_MAX && !e; i++) {
        char prof[sizeof d->v[i].profile + 1], rule[sizeof d->v[i].rule + 1], det[sizeof d->v[i].detail + 1];

        /* the fields are fixed arrays filled by other code: never trust a terminating NUL */
        snprintf(prof, sizeof prof, "%.*s", (int)sizeof d->v[i].profile, d->v[i].profile);
        snprintf(rule, sizeof rule, "%.*s", (int)sizeof d->v[i].rule, d->v[i].rule);
        snprintf(det, sizeof det, "%.*s", (int)sizeof d->v[i].detail, d->v[i].detail);
        sqlite3_reset(s);
        sqlite3_bind_int64(s, 1, c->id);
        fg_st_bind_text(s, 2, prof, false);
        fg_st_bind_text(s, 3, rule, false);
        fg_st_bind_text(s, 4, det, true);
        fg_st_bind_text(s, 5, c->ident.adv_name, true);
        fg_st_bind_text(s, 6, created, false);
        e = fg_st_run(st, s, "save the call's violations");
    }
    sqlite3_finalize(s);
    return e;
}

fg_err fg_st_write_call(fg_store *st, fg_call *c)
{
    fg_err e;

    if ((e = update_row(st, c)) || (e = clear_children(st, c->id)) || (e = fg_st_write_pages(st, c)) ||
        (e = write_identities(st, c)) || (e = write_scores(st, c)) || (e = write_violations(st, c)))
        return e;
    return fg_st_campaign_record(st, c);
}
