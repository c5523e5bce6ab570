/* faxgate — policy: scores, identity, the site's registries and the jurisdiction
 * profiles to a verdict and the violations to record.
 *
 * Order of the verdict: a block entry drops; consent or an established business
 * relationship delivers (even an advertisement); a copy of a campaign an operator marked junk
 * drops (after consent: a false match must not cost a consented sender's fax); an advertisement
 * at or above the drop threshold drops, above the hold threshold is held; everything else is
 * delivered. A copy of a campaign an operator released is delivered unless its score without
 * the release reaches the drop threshold. The learned token statistics (BAYES_*) may carry a
 * page over the hold threshold, never over the drop threshold: a drop needs the named rules
 * alone to reach it, so that two kinds of evidence agree before a fax is destroyed, and a page
 * only the statistics are sure of waits for a person. A junk campaign's copy counts as an
 * advertisement (the operator said so), so its violations are recorded like any other's.
 * Violations are recorded for advertisements that came without consent, whatever
 * the verdict, so that a blocked sender's faxes still make evidence.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "faxgate/optout_law.h"
#include "policy_impl.h"

/* The rules of one receiving number: [site] and [policy], or a [number +E164] section. */
typedef struct line_rules {
    char number[FG_E164_LEN];  /* "" for the site's default when [site] number is empty */
    const fg_profile *prof[FG_PROFILES_MAX];
    int nprof;
    bool person;
    unsigned listed;           /* FG_REG_* */
    time_t registered;         /* when it was listed (0: long enough ago) */
} line_rules;

#define HOLIDAYS_MAX 64

struct fg_policy {
    double hold, drop;
    double model_hold, model_drop;   /* the rules alone a flagged / sure page needs (lr.h) */
    line_rules site;
    line_rules num[FG_CONFIG_NUMBERS_MAX];
    int nnum;
    int holiday[HOLIDAYS_MAX]; /* yyyymmdd */
    int nholiday;
    fg_verdict on_error;
};

/* How long after a number is listed the register binds senders (they get time to clean their
   lists): FPS 28 days (PECR reg 26), DNCL 31 days (CRTC UTR Part II), DNCR 30 days (ACMA). */
static const struct {
    const char *name;
    unsigned bit;
    int days;
} registers[] = {{"fps", FG_REG_FPS, 28}, {"dncl", FG_REG_DNCL, 31}, {"dncr", FG_REG_DNCR, 30}};

/* Splits a comma or space separated list, calling fn with each item (folded to lower case). */
static fg_err each_item(const char *list, fg_err (*fn)(void *u, const char *item), void *u)
{
    fg_err e;

    while (list && *list) {
        char item[24];
        size_t n;

        while (*list == ',' || isspace((unsigned char)*list))
            list++;
        if (!(n = strcspn(list, ", \t")))
            break;
        snprintf(item, sizeof item, "%.*s", (int)(n < sizeof item ? n : sizeof item - 1), list);
        for (char *c = item; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        list += n;
        if ((e = fn(u, item)))
            return e;
    }
    return FG_OK;
}

static fg_err add_profile(void *u, const char *name)
{
    line_rules *r = u;
    const fg_profile *pr = fg_profile_find(name);

    if (!pr)
        return fg_err_set(FG_ERR_CONFIG, "profiles: '%s' is not a known profile", name);
    for (int i = 0; i < r->nprof; i++)
        if (r->prof[i] == pr)
            return FG_OK;
    if (r->nprof < FG_PROFILES_MAX)
        r->prof[r->nprof++] = pr;
    return FG_OK;
}

static fg_err add_register(void *u, const char *name)
{
    line_rules *r = u;

    for (size_t i = 0; i < sizeof registers / sizeof registers[0]; i++)
        if (!strcmp(registers[i].name, name))
            r->listed |= registers[i].bit;
    return FG_OK;
}

static int yyyymmdd(const char *s)
{
    int y, m, d;

    return s && sscanf(s, "%4d-%2d-%2d", &y, &m, &d) == 3 ? y * 10000 + m * 100 + d : 0;
}

static fg_err add_holiday(void *u, const char *day)
{
    fg_policy *p = u;

    if (p->nholiday < HOLIDAYS_MAX)
        p->holiday[p->nholiday++] = yyyymmdd(day);
    return FG_OK;
}

/* Midnight at the start of a YYYY-MM-DD day, in the line's time zone. */
static time_t day_start(const char *s)
{
    struct tm tm = {0};
    int v = yyyymmdd(s);

    if (!v)
        return 0;
    tm.tm_year = v / 10000 - 1900;
    tm.tm_mon = v / 100 % 100 - 1;
    tm.tm_mday = v % 100;
    tm.tm_isdst = -1;
    return mktime(&tm);
}

/* A number's rules: what its section says, [site] / [policy] for what it leaves out. */
static fg_err number_rules(const fg_config *cfg, int i, const line_rules *site, line_rules *r)
{
    const char *v;
    fg_err e;

    *r = *site;
    snprintf(r->number, sizeof r->number, "%s", fg_config_number(cfg, i, NULL));
    if ((v = fg_config_number(cfg, i, "profiles"))) {
        r->nprof = 0;
        if ((e = each_item(v, add_profile, r)))
            return e;
    }
    if ((v = fg_config_number(cfg, i, "owner")))
        r->person = !strcasecmp(v, "person");
    if ((v = fg_config_number(cfg, i, "registries"))) {
        r->listed = 0;
        r->registered = 0;
        each_item(v, add_register, r);
    }
    if ((v = fg_config_number(cfg, i, "registered")))
        r->registered = day_start(v);
    return FG_OK;
}

fg_err fg_policy_new(const fg_config *cfg, fg_policy **out)
{
    fg_policy *p;
    const char *owner, *onerr;
    char where[40], why[160];
    fg_err e;

    if (!cfg || !out)
        return fg_err_set(FG_ERR_INVAL, "fg_policy_new: no configuration");
    if (!(p = calloc(1, sizeof *p)))
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate the policy");
    p->hold = fg_config_double(cfg, "classify", "hold");
    p->drop = fg_config_double(cfg, "classify", "drop");
    if (p->drop < p->hold) {
        double hold = p->hold, drop = p->drop;

        free(p);
        return fg_err_set(FG_ERR_CONFIG, "[classify] drop = %g is below hold = %g: an advertisement would be "
                          "dropped before it could be held; set drop >= hold", drop, hold);
    }
    p->model_hold = fg_config_double(cfg, "classify", "model_hold");
    p->model_drop = fg_config_double(cfg, "classify", "model_drop");
    if (p->model_drop < p->hold)
        p->model_drop = p->hold;   /* "the rules agree": they alone reach hold, whatever model_drop says */
    owner = fg_config_get(cfg, "site", "line_owner");
    p->site.person = owner && !strcasecmp(owner, "person");
    snprintf(p->site.number, sizeof p->site.number, "%s", fg_config_get(cfg, "site", "number") ?: "");
    each_item(fg_config_get(cfg, "site", "registries"), add_register, &p->site);
    p->site.registered = day_start(fg_config_get(cfg, "site", "registered"));
    each_item(fg_config_get(cfg, "site", "holidays"), add_holiday, p);
    onerr = fg_config_get(cfg, "policy", "on_error");
    p->on_error = onerr && !strcasecmp(onerr, "hold") ? FG_VERDICT_HOLD : FG_VERDICT_DELIVER;
    if ((e = each_item(fg_config_get(cfg, "policy", "profiles"), add_profile, &p->site))) {
        snprintf(where, sizeof where, "[policy]");
        goto fail;
    }
    for (int i = 0; i < fg_config_numbers(cfg) && i < FG_CONFIG_NUMBERS_MAX; i++, p->nnum++)
        if ((e = number_rules(cfg, i, &p->site, &p->num[i]))) {
            snprintf(where, sizeof where, "[number %s]", fg_config_number(cfg, i, NULL));
            goto fail;
        }
    *out = p;
    return FG_OK;
fail:
    snprintf(why, sizeof why, "%s", fg_err_msg(e));
    free(p);
    return fg_err_set(e, "%s %s", where, why);
}

/* The digits of a number ("+1 (416) 555-0100" -> "14165550100"). */
static size_t digits_of(const char *s, char *out, size_t cap)
{
    size_t n = 0;

    for (; s && *s && n + 1 < cap; s++)
        if (isdigit((unsigned char)*s))
            out[n++] = *s;
    out[n] = '\0';
    return n;
}

/* The rules of the number dialled: the [number] section with the same digits, or whose digits end
   with the dialled ones (a trunk that passes the national form, "4165550100"), else [site]. */
static const line_rules *rules_for(const fg_policy *p, const char *called)
{
    char want[24], have[24];
    size_t wn = digits_of(called, want, sizeof want);
    const line_rules *suffix = NULL;

    if (wn < 4)
        return &p->site;
    for (int i = 0; i < p->nnum; i++) {
        size_t hn = digits_of(p->num[i].number, have, sizeof have);

        if (hn == wn && !strcmp(have, want))
            return &p->num[i];
        if (!suffix && wn >= 7 && hn > wn && !strcmp(have + hn - wn, want))
            suffix = &p->num[i];
    }
    return suffix ? suffix : &p->site;
}

void fg_policy_free(fg_policy *p)
{
    free(p);
}

fg_verdict fg_policy_on_error(const fg_policy *p)
{
    return p ? p->on_error : FG_VERDICT_DELIVER;
}

/* What the learned statistics added to the score (their positive part only). */
static double learned_share(const fg_scores *s)
{
    double sum = 0;

    for (int i = 0; s && i < s->n; i++)
        if (!strncmp(s->v[i].name, "BAYES_", 6))
            sum += s->v[i].weight;
    return sum > 0 ? sum : 0;
}

/* An advertisement from an advertiser the site asked to stop, arriving later than the profile
   gives it to comply: a repeat, which makes a violation wilful (US: up to treble damages). An
   opt-out request ends any consent or business relationship, so it counts whatever the registry
   says. A fax inside the delay is not one: the sender may not have processed the request yet. */
static void repeat_after_optout(const line_rules *ln, const fg_policy_facts *f, fg_decision *out)
{
    char sent[16];
    struct tm tm;
    long days;

    if (!out->is_ad || !f->optout_id || !f->optout_sent || f->received <= f->optout_sent)
        return;
    days = (long)((f->received - f->optout_sent) / 86400);
    gmtime_r(&f->optout_sent, &tm);
    strftime(sent, sizeof sent, "%Y-%m-%d", &tm);
    for (int i = 0; i < ln->nprof; i++) {
        const fg_optout_law *law = fg_optout_law_find(ln->prof[i]->info.name);
        int delay = ln->prof[i]->info.optout_delay_days > 0 ? ln->prof[i]->info.optout_delay_days : 30;

        if (f->received - f->optout_sent <= (time_t)delay * 86400)
            continue;
        fg_violation_add(out, ln->prof[i]->info.name, law ? law->repeat_rule : "repeat after opt-out request",
                         "sent %ld days after opt-out request #%lld of %s to %s (the profile allows %d)", days,
                         (long long)f->optout_id, sent, f->optout_dest[0] ? f->optout_dest : "the advertiser", delay);
    }
}

/* "AD_OPTOUT_NOTICE, AD_PROMO_VOCAB": the strongest reasons for an advertisement. */
static void top_rules(const fg_scores *s, char *buf, size_t cap)
{
    int used[3] = {-1, -1, -1};

    buf[0] = '\0';
    for (int k = 0; k < 3 && s; k++) {
        int best = -1;

        for (int i = 0; i < s->n; i++) {
            if (s->v[i].weight <= 0 || i == used[0] || i == used[1])
                continue;
            if (best < 0 || s->v[i].weight > s->v[best].weight)
                best = i;
        }
        if (best < 0)
            break;
        used[k] = best;
        snprintf(buf + strlen(buf), cap - strlen(buf), "%s%s", k ? ", " : "", s->v[best].name);
    }
}

fg_err fg_policy_decide(const fg_policy *p, const fg_scores *s, const fg_ident *id, const fg_policy_facts *f,
                        fg_decision *out)
{
    static const fg_ident none;
    static const fg_policy_facts nofacts;
    fg_pctx c;
    const line_rules *ln;
    bool consent, ebr;
    char top[96];
    double rules_only;   /* the score without what the learned statistics added */

    if (!out)
        return fg_err_set(FG_ERR_INVAL, "fg_policy_decide: no output");
    memset(out, 0, sizeof *out);
    if (!p)
        return fg_err_set(FG_ERR_INVAL, "fg_policy_decide: no policy");
    if (!id)
        id = &none;
    if (!f)
        f = &nofacts;
    out->score = s ? s->total : 0;
    rules_only = out->score - learned_share(s);
    out->is_ad = out->score >= p->hold || f->campaign_junk || (f->model_flag && rules_only >= p->model_hold);
    ebr = f->consent && !strcasecmp(f->consent_basis, "ebr");
    consent = f->consent && !ebr;
    ln = rules_for(p, f->called);
    c = (fg_pctx){s, id, f, ln->person || f->line_is_person, ebr, "", 0, {0}, false, false};
    snprintf(out->called, sizeof out->called, "%s", ln->number[0] ? ln->number : f->called);
    c.called = out->called;
    snprintf(out->line_type, sizeof out->line_type, "%s", c.person ? "person" : "business");
    for (int i = 0; i < ln->nprof; i++)
        snprintf(out->profiles + strlen(out->profiles), sizeof out->profiles - strlen(out->profiles), "%s%s",
                 i ? "," : "", ln->prof[i]->info.name);
    if (f->received && localtime_r(&f->received, &c.local)) {
        int today = (c.local.tm_year + 1900) * 10000 + (c.local.tm_mon + 1) * 100 + c.local.tm_mday;

        c.have_local = true;
        for (int i = 0; i < p->nholiday; i++)
            c.holiday = c.holiday || p->holiday[i] == today;
    }
    for (size_t i = 0; i < sizeof registers / sizeof registers[0]; i++)
        if ((ln->listed & registers[i].bit) &&
            (!ln->registered || !f->received || f->received >= ln->registered + registers[i].days * 86400))
            c.listed |= registers[i].bit;

    for (int i = 0; i < ln->nprof && out->n_optout < FG_PROFILES_MAX; i++) {
        char why[256];

        snprintf(out->optout[out->n_optout].profile, sizeof out->optout[0].profile, "%s", ln->prof[i]->info.name);
        out->optout[out->n_optout++].compliant = ln->prof[i]->optout_ok(id, why, sizeof why);
    }
    if (out->is_ad && !consent)
        for (int i = 0; i < ln->nprof; i++)
            ln->prof[i]->violations(&c, out);
    repeat_after_optout(ln, f, out);

    top_rules(s, top, sizeof top);
    if (f->blocked) {
        out->verdict = FG_VERDICT_DROP;
        snprintf(out->reason, sizeof out->reason, "blocked: %s%s", f->block_match[0] ? f->block_match : "block list",
                 out->is_ad ? " (and an advertisement)" : "");
    } else if (f->consent) {
        out->verdict = FG_VERDICT_DELIVER;
        snprintf(out->reason, sizeof out->reason, "%s on file: %s%s", ebr ? "business relationship" : "consent",
                 f->consent_match[0] ? f->consent_match : "registry", out->is_ad ? " (an advertisement, delivered)" : "");
    } else if (f->campaign_junk) {
        out->verdict = FG_VERDICT_DROP;
        snprintf(out->reason, sizeof out->reason, "junk campaign: %s, marked junk by an operator; score %.1f",
                 f->campaign_match[0] ? f->campaign_match : "a campaign", out->score);
    } else if (f->campaign_released && rules_only - fg_scores_get(s, "CAMPAIGN_RELEASED") < p->drop) {
        /* "grown aggressive" is the rules' call: the learned statistics never drop a fax, so they
           do not overrule an operator's release either (one release moves a starter model of
           hundreds of faxes only a little) */
        out->verdict = FG_VERDICT_DELIVER;
        snprintf(out->reason, sizeof out->reason, "released campaign: %s, released by an operator; score %.1f",
                 f->campaign_match[0] ? f->campaign_match : "a campaign", out->score);
    } else if (out->is_ad && rules_only >= p->drop) {
        out->verdict = FG_VERDICT_DROP;
        snprintf(out->reason, sizeof out->reason, "advertisement, score %.1f >= drop %.1f: %s", out->score, p->drop,
                 top);
    } else if (out->is_ad && f->model_sure && rules_only >= p->model_drop) {
        out->verdict = FG_VERDICT_DROP;
        snprintf(out->reason, sizeof out->reason,
                 "advertisement, the rules (%.1f >= %.1f) and the learned model (p %.3f, sure) agree: %s", rules_only,
                 p->model_drop, f->model_prob, top);
    } else if (out->is_ad && out->score >= p->drop) {
        out->verdict = FG_VERDICT_HOLD;
        snprintf(out->reason, sizeof out->reason,
                 "advertisement, score %.1f >= drop %.1f but only %.1f without learned statistics: held: %s",
                 out->score, p->drop, rules_only, top);
    } else if (out->is_ad && out->score < p->hold) {
        out->verdict = FG_VERDICT_HOLD;
        snprintf(out->reason, sizeof out->reason,
                 "advertisement by the learned model (p %.3f) with the rules at %.1f >= %.1f: held: %s", f->model_prob,
                 rules_only, p->model_hold, top);
    } else if (out->is_ad) {
        out->verdict = FG_VERDICT_HOLD;
        snprintf(out->reason, sizeof out->reason, "advertisement, score %.1f >= hold %.1f: %s", out->score, p->hold,
                 top);
    } else {
        out->verdict = FG_VERDICT_DELIVER;
        snprintf(out->reason, sizeof out->reason, "not an advertisement, score %.1f < hold %.1f", out->score, p->hold);
    }
    return FG_OK;
}

const char *fg_verdict_name(fg_verdict v)
{
    switch (v) {
    case FG_VERDICT_DELIVER:
        return "deliver";
    case FG_VERDICT_HOLD:
        return "hold";
    case FG_VERDICT_DROP:
        return "drop";
    }
    return "deliver";
}

fg_err fg_verdict_parse(const char *s, fg_verdict *out)
{
    static const fg_verdict all[] = {FG_VERDICT_DELIVER, FG_VERDICT_HOLD, FG_VERDICT_DROP};

    if (!s || !out)
        return fg_err_set(FG_ERR_INVAL, "fg_verdict_parse: nothing to parse");
    for (size_t i = 0; i < 3; i++)
        if (!strcasecmp(s, fg_verdict_name(all[i]))) {
            *out = all[i];
            return FG_OK;
        }
    return fg_err_set(FG_ERR_FORMAT, "'%s' is not a verdict: expected deliver, hold or drop", s);
}
