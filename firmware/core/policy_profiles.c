/* faxgate — jurisdiction profiles as data (facts: ../shared/docs/jurisdictions.md).
 *
 * Each profile names its legal source and checks facts the gateway can see on page 1:
 * the opt-out notice, the transmit header, the advertiser's identity, plus what the
 * site's registries say (consent, established business relationship) and who owns the
 * receiving line. Details are written for a complaint form: they say what the fax did.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "policy_impl.h"

void fg_violation_add(fg_decision *d, const char *profile, const char *rule, const char *fmt, ...)
{
    fg_violation *v;
    va_list ap;

    if (d->nv >= FG_VIOLATIONS_MAX)
        return;
    v = &d->v[d->nv++];
    snprintf(v->profile, sizeof v->profile, "%s", profile);
    snprintf(v->rule, sizeof v->rule, "%s", rule);
    va_start(ap, fmt);
    vsnprintf(v->detail, sizeof v->detail, fmt, ap);
    va_end(ap);
}

static void why_add(char *why, size_t cap, const char *what)
{
    size_t n = strlen(why);

    if (n + 3 < cap)
        snprintf(why + n, cap - n, "%s%s", n ? "; " : "", what);
}

/* The first opt-out number of the given rate class, or "". */
static const char *optout_number(const fg_ident *id, unsigned kind)
{
    for (size_t i = 0; i < id->n_numbers; i++)
        if ((id->numbers[i].kind & FG_NUM_OPTOUT) && (id->numbers[i].kind & kind))
            return id->numbers[i].e164;
    return "";
}

/* "ACME Travel, callback +18005550199, www.acme.com": who to name in a complaint. */
static void advertiser(const fg_ident *id, char *buf, size_t cap)
{
    int n = snprintf(buf, cap, "%s", id->adv_name ? id->adv_name : "advertiser not named");

    if (id->callback[0] && n >= 0 && (size_t)n < cap)
        n += snprintf(buf + n, cap - (size_t)n, ", callback %s", id->callback);
    if (id->n_urls && n >= 0 && (size_t)n < cap)
        snprintf(buf + n, cap - (size_t)n, ", %s", id->urls[0].value);
}

static bool mentions_address(const fg_ident *id)
{
    const char *t = id->optout.text;

    return t && (strchr(t, '@') || strstr(t, "www") || strstr(t, "WWW") || strstr(t, "http"));
}

/* US: 47 CFR 64.1200(a)(4)(iii): notice on page 1, domestic phone AND fax number, the
   30-day / unlawful statement, a cost-free mechanism when a number is not toll-free. */
static bool us_optout_ok(const fg_ident *id, char *why, size_t cap)
{
    const fg_optout *o = &id->optout;
    char b[96];

    why[0] = '\0';
    if (!o->present) {
        why_add(why, cap, "no opt-out notice on page 1");
        return false;
    }
    if (!o->phone[0]) {
        why_add(why, cap, "no domestic telephone number for opt-out requests");
    } else if (strncmp(o->phone, "+1", 2)) {
        snprintf(b, sizeof b, "opt-out phone %s is not a domestic number", o->phone);
        why_add(why, cap, b);
    }
    if (!o->fax[0]) {
        why_add(why, cap, "no domestic fax number for opt-out requests");
    } else if (strncmp(o->fax, "+1", 2)) {
        snprintf(b, sizeof b, "opt-out fax %s is not a domestic number", o->fax);
        why_add(why, cap, b);
    }
    if (!o->mentions_30_days || !o->mentions_unlawful)
        why_add(why, cap, "no statement that failing to honour an opt-out within 30 days is unlawful");
    if (o->premium) {
        snprintf(b, sizeof b, "opt-out number %s is premium-rate", optout_number(id, FG_NUM_PREMIUM));
        why_add(why, cap, b);
    } else if (!o->free_of_charge) {
        why_add(why, cap, "no cost-free opt-out mechanism (numbers not toll-free, no web site or e-mail)");
    }
    return !why[0];
}

static void us_violations(const fg_pctx *c, fg_decision *out)
{
    const fg_ident *id = c->id;
    const fg_header *h = &id->header;
    char why[256], adv[128];

    advertiser(id, adv, sizeof adv);
    if (!c->ebr)
        fg_violation_add(out, "us", "47 USC 227(b)(1)(C)",
                         "unsolicited advertisement sent to a fax machine without prior express permission or a "
                         "business relationship on file (%s)", adv);
    /* An EBR excuses the permission, never the notice (64.1200(a)(4)(iii)). */
    if (!us_optout_ok(id, why, sizeof why))
        fg_violation_add(out, "us", "47 CFR 64.1200(a)(4)(iii)", "%s", why);
    if (c->ebr)
        return;
    if (!h->present) {
        fg_violation_add(out, "us", "47 CFR 68.318(d)",
                         "no transmit identification (date, time, sender name and number) in the top or bottom "
                         "margin of page 1");
    } else {
        why[0] = '\0';
        if (!h->date)
            why_add(why, sizeof why, "the date");
        if (!h->time)
            why_add(why, sizeof why, "the time");
        if (!h->name)
            why_add(why, sizeof why, "the sender's name");
        if (!h->number[0])
            why_add(why, sizeof why, "the sender's telephone number");
        if (why[0])
            fg_violation_add(out, "us", "47 CFR 68.318(d)", "transmit header line lacks %s", why);
    }
}

/* France: a valid way to object free of charge beyond the cost of sending it: a premium-rate
   number does not qualify (L34-5, CNIL). */
static bool fr_optout_ok(const fg_ident *id, char *why, size_t cap)
{
    const fg_optout *o = &id->optout;
    char b[128];

    why[0] = '\0';
    if (!o->present) {
        why_add(why, cap, "no way to object offered (no opt-out notice)");
        return false;
    }
    if (o->premium) {
        snprintf(b, sizeof b, "opt-out number %s is premium-rate (numero surtaxe)", optout_number(id, FG_NUM_PREMIUM));
        why_add(why, cap, b);
    }
    if (!o->phone[0] && !o->fax[0] && !mentions_address(id))
        why_add(why, cap, "the opt-out notice gives no number or address to object to");
    return !why[0];
}

static void fr_violations(const fg_pctx *c, fg_decision *out)
{
    const fg_ident *id = c->id;
    char why[256], adv[128];

    advertiser(id, adv, sizeof adv);
    /* Consent is needed from natural persons, even at work; a customer relationship is not
       consent for fax (the exception in L34-5 is for e-mail). */
    if (c->person)
        fg_violation_add(out, "fr", "CPCE L34-5 (consent)",
                         "direct marketing by fax to a natural person's line without prior consent "
                         "(prospection directe par telecopieur sans consentement)%s (%s)",
                         c->ebr ? "; a customer relationship is not consent for fax" : "", adv);
    if (!id->adv_name && !id->n_urls && !id->n_emails)
        fg_violation_add(out, "fr", "CPCE L34-5 (identity)",
                         "the advertiser's identity is not given: no name, web site or e-mail address on the fax");
    if (!fr_optout_ok(id, why, sizeof why))
        fg_violation_add(out, "fr", "CPCE L34-5 (objection)", "%s", why);
}

/* Germany: a stop request must be possible at no more than basic rates (UWG §7(2) Nr. 3). */
static bool de_optout_ok(const fg_ident *id, char *why, size_t cap)
{
    const fg_optout *o = &id->optout;
    char b[128];

    why[0] = '\0';
    if (!o->present) {
        why_add(why, cap, "no address for stop requests (no opt-out notice)");
        return false;
    }
    if (o->premium) {
        snprintf(b, sizeof b, "stop-request number %s costs more than the basic rate",
                 optout_number(id, FG_NUM_PREMIUM));
        why_add(why, cap, b);
    }
    if (!o->phone[0] && !o->fax[0] && !mentions_address(id))
        why_add(why, cap, "the notice gives no number or address for stop requests");
    return !why[0];
}

static void de_violations(const fg_pctx *c, fg_decision *out)
{
    const fg_ident *id = c->id;
    char why[256], adv[128];

    advertiser(id, adv, sizeof adv);
    /* Everyone, businesses included; the existing-customer exception (§7(3)) is e-mail only. */
    fg_violation_add(out, "de", "UWG §7(2) Nr. 2",
                     "fax advertisement without prior express consent (Werbung per Telefax ohne vorherige "
                     "ausdrueckliche Einwilligung) (%s)", adv);
    if (!id->adv_name && !id->n_urls && !id->n_emails)
        fg_violation_add(out, "de", "UWG §7(2) Nr. 3", "the sender's identity is concealed: no name, web site or e-mail");
    if (!de_optout_ok(id, why, sizeof why))
        fg_violation_add(out, "de", "UWG §7(2) Nr. 3", "%s", why);
}

static const fg_profile profiles[] = {
    {{"us", "TCPA 47 USC 227(b)(1)(C); JFPA 2005; 47 CFR 64.1200(a)(4); 47 CFR 68.318(d)",
      "https://www.law.cornell.edu/cfr/text/47/64.1200",
      "consent or EBR on file; opt-out notice on page 1 with domestic phone and fax, 30-day/unlawful "
      "statement, cost-free mechanism; header with date, time, sender name and number", 30},
     us_optout_ok, us_violations},
    {{"fr", "Code des postes et des communications electroniques, article L34-5",
      "https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000006070987",
      "consent when the line belongs to a natural person; advertiser identity shown; a valid way to "
      "object that is not a premium-rate number", 30},
     fr_optout_ok, fr_violations},
    {{"de", "Gesetz gegen den unlauteren Wettbewerb (UWG) §7(2) Nr. 2 and Nr. 3",
      "https://www.gesetze-im-internet.de/uwg_2004/__7.html",
      "prior express consent from every recipient; sender identity shown; a stop address at basic rates", 30},
     de_optout_ok, de_violations},
};

#define NPROFILES (sizeof profiles / sizeof profiles[0])

static const char *const profile_names[] = {"us", "fr", "de", NULL};

const char *const *fg_policy_profiles(void)
{
    return profile_names;
}

const fg_profile *fg_profile_find(const char *name)
{
    for (size_t i = 0; name && i < NPROFILES; i++)
        if (!strcmp(profiles[i].info.name, name))
            return &profiles[i];
    return NULL;
}

const fg_profile_info *fg_policy_profile_info(const char *name)
{
    const fg_profile *p = fg_profile_find(name);

    return p ? &p->info : NULL;
}
