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

struct fg_policy {
    double hold, drop;
    const fg_profile *prof[FG_PROFILES_MAX];
    int nprof;
    bool person;               /* [site] line_owner = person */
    fg_verdict on_error;
};

fg_err fg_policy_new(const fg_config *cfg, fg_policy **out)
{
    fg_policy *p;
    const char *list, *owner, *onerr;

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
    owner = fg_config_get(cfg, "site", "line_owner");
    p->person = owner && !strcasecmp(owner, "person");
    onerr = fg_config_get(cfg, "policy", "on_error");
    p->on_error = onerr && !strcasecmp(onerr, "hold") ? FG_VERDICT_HOLD : FG_VERDICT_DELIVER;
    list = fg_config_get(cfg, "policy", "profiles");
    while (list && *list) {
        char name[16];
        size_t n;
        const fg_profile *pr;

        while (*list == ',' || isspace((unsigned char)*list))
            list++;
        if (!(n = strcspn(list, ", \t")))
            break;
        snprintf(name, sizeof name, "%.*s", (int)(n < sizeof name ? n : sizeof name - 1), list);
        for (char *c = name; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        list += n;
        if (!(pr = fg_profile_find(name))) {
            free(p);
            return fg_err_set(FG_ERR_CONFIG, "[policy] profiles: '%s' is not a known profile", name);
        }
        for (int i = 0; i < p->nprof; i++)
            if (p->prof[i] == pr)
                pr = NULL;
        if (pr && p->nprof < FG_PROFILES_MAX)
            p->prof[p->nprof++] = pr;
    }
    *out = p;
    return FG_OK;
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
static void repeat_after_optout(const fg_policy *p, const fg_policy_facts *f, fg_decision *out)
{
    char sent[16];
    struct tm tm;
    long days;

    if (!out->is_ad || !f->optout_id || !f->optout_sent || f->received <= f->optout_sent)
        return;
    days = (long)((f->received - f->optout_sent) / 86400);
    gmtime_r(&f->optout_sent, &tm);
    strftime(sent, sizeof sent, "%Y-%m-%d", &tm);
    for (int i = 0; i < p->nprof; i++) {
        const fg_optout_law *law = fg_optout_law_find(p->prof[i]->info.name);
        int delay = p->prof[i]->info.optout_delay_days > 0 ? p->prof[i]->info.optout_delay_days : 30;

        if (f->received - f->optout_sent <= (time_t)delay * 86400)
            continue;
        fg_violation_add(out, p->prof[i]->info.name, law ? law->repeat_rule : "repeat after opt-out request",
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
    out->is_ad = out->score >= p->hold || f->campaign_junk;
    ebr = f->consent && !strcasecmp(f->consent_basis, "ebr");
    consent = f->consent && !ebr;
    c = (fg_pctx){s, id, f, p->person || f->line_is_person, ebr};

    for (int i = 0; i < p->nprof && out->n_optout < FG_PROFILES_MAX; i++) {
        char why[256];

        snprintf(out->optout[out->n_optout].profile, sizeof out->optout[0].profile, "%s", p->prof[i]->info.name);
        out->optout[out->n_optout++].compliant = p->prof[i]->optout_ok(id, why, sizeof why);
    }
    if (out->is_ad && !consent)
        for (int i = 0; i < p->nprof; i++)
            p->prof[i]->violations(&c, out);
    repeat_after_optout(p, f, out);

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
    } else if (out->is_ad && out->score >= p->drop) {
        out->verdict = FG_VERDICT_HOLD;
        snprintf(out->reason, sizeof out->reason,
                 "advertisement, score %.1f >= drop %.1f but only %.1f without learned statistics: held: %s",
                 out->score, p->drop, rules_only, top);
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
