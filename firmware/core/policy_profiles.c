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

/* An opt-out notice that names a way to object: a number or an address (fr, de, eu share it). */
static bool objection_ok(const fg_ident *id, char *why, size_t cap, const char *none, const char *premium_fmt,
                         const char *no_way)
{
    const fg_optout *o = &id->optout;
    char b[128];

    why[0] = '\0';
    if (!o->present) {
        why_add(why, cap, none);
        return false;
    }
    if (o->premium) {
        snprintf(b, sizeof b, premium_fmt, optout_number(id, FG_NUM_PREMIUM));
        why_add(why, cap, b);
    }
    if (!o->phone[0] && !o->fax[0] && !mentions_address(id))
        why_add(why, cap, no_way);
    return !why[0];
}

static bool named(const fg_ident *id)
{
    return id->adv_name || id->n_urls || id->n_emails;
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
    return objection_ok(id, why, cap, "no way to object offered (no opt-out notice)",
                        "opt-out number %s is premium-rate (numero surtaxe)",
                        "the opt-out notice gives no number or address to object to");
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
    if (!named(id))
        fg_violation_add(out, "fr", "CPCE L34-5 (identity)",
                         "the advertiser's identity is not given: no name, web site or e-mail address on the fax");
    if (!fr_optout_ok(id, why, sizeof why))
        fg_violation_add(out, "fr", "CPCE L34-5 (objection)", "%s", why);
}

/* Germany: a stop request must be possible at no more than basic rates (UWG §7(2) Nr. 3). */
static bool de_optout_ok(const fg_ident *id, char *why, size_t cap)
{
    return objection_ok(id, why, cap, "no address for stop requests (no opt-out notice)",
                        "stop-request number %s costs more than the basic rate",
                        "the notice gives no number or address for stop requests");
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
    if (!named(id))
        fg_violation_add(out, "de", "UWG §7(2) Nr. 3", "the sender's identity is concealed: no name, web site or e-mail");
    if (!de_optout_ok(id, why, sizeof why))
        fg_violation_add(out, "de", "UWG §7(2) Nr. 3", "%s", why);
}

/* EU baseline: Directive 2002/58/EC art. 13. Natural persons: prior consent (13(1)); legal
   persons: the member state's choice (13(5)), so nothing here; the existing-customer exception
   (13(2)) is e-mail only. Identity and a valid address to object to: art. 13(4), written for
   e-mail and carried to fax by the member states (L34-5, UWG §7(2) Nr. 3, PECR reg 24). */
static bool eu_optout_ok(const fg_ident *id, char *why, size_t cap)
{
    return objection_ok(id, why, cap, "no valid address to object to (no opt-out notice)",
                        "opt-out number %s is premium-rate", "the opt-out notice gives no number or address");
}

static void eu_violations(const fg_pctx *c, fg_decision *out)
{
    char why[256], adv[128];

    advertiser(c->id, adv, sizeof adv);
    if (c->person)
        fg_violation_add(out, "eu", "Directive 2002/58/EC art. 13(1)",
                         "fax advertisement to a natural person's line without prior consent%s (%s)",
                         c->ebr ? "; a customer relationship is not consent for fax" : "", adv);
    if (!named(c->id))
        fg_violation_add(out, "eu", "Directive 2002/58/EC art. 13(4)",
                         "the sender's identity is concealed: no name, web site or e-mail address");
    if (!eu_optout_ok(c->id, why, sizeof why))
        fg_violation_add(out, "eu", "Directive 2002/58/EC art. 13(4)", "%s", why);
}

/* UK: PECR reg 20 (individuals: consent; corporate subscribers: not if listed on the FPS or they
   objected) and reg 24 (name, and an address or a freephone number). */
static bool uk_optout_ok(const fg_ident *id, char *why, size_t cap)
{
    bool freephone = false;
    char b[128];

    for (size_t i = 0; i < id->n_numbers; i++)
        freephone = freephone || (id->numbers[i].kind & FG_NUM_TOLLFREE);
    why[0] = '\0';
    if (!id->adv_name && !(id->header.present && id->header.name))
        why_add(why, cap, "the sender's name is not given");
    if (!id->postal && !id->n_emails && !freephone)
        why_add(why, cap, "neither an address nor a freephone number at which the sender can be reached");
    if (id->optout.premium) {
        snprintf(b, sizeof b, "opt-out number %s is premium-rate", optout_number(id, FG_NUM_PREMIUM));
        why_add(why, cap, b);
    }
    return !why[0];
}

static void uk_violations(const fg_pctx *c, fg_decision *out)
{
    char why[256], adv[128];

    advertiser(c->id, adv, sizeof adv);
    if (c->person)
        fg_violation_add(out, "uk", "PECR reg 20(1)(a)",
                         "unsolicited marketing fax to an individual subscriber's line without prior consent (%s)",
                         adv);
    if (c->listed & FG_REG_FPS)
        fg_violation_add(out, "uk", c->person ? "PECR reg 20(1)(c)" : "PECR reg 20(1)(d)",
                         "%s is listed on the Fax Preference Service (registered over 28 days before) (%s)",
                         c->called[0] ? c->called : "the receiving number", adv);
    if (!uk_optout_ok(c->id, why, sizeof why))
        fg_violation_add(out, "uk", "PECR reg 24", "%s", why);
}

/* "22:14 local (Tue)": when the fax came, for the hours rules. */
static void local_when(const fg_pctx *c, char *buf, size_t cap)
{
    static const char *const wd[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

    snprintf(buf, cap, "%02d:%02d local (%s %04d-%02d-%02d)", c->local.tm_hour, c->local.tm_min,
             wd[c->local.tm_wday % 7], c->local.tm_year + 1900, c->local.tm_mon + 1, c->local.tm_mday);
}

/* Inside [from, to) minutes of the day? */
static bool within(const struct tm *t, int from, int to)
{
    int m = t->tm_hour * 60 + t->tm_min;

    return m >= from && m < to;
}

static bool has_kind(const fg_ident *id, unsigned want, unsigned not)
{
    for (size_t i = 0; i < id->n_numbers; i++)
        if ((id->numbers[i].kind & want) && !(id->numbers[i].kind & not))
            return true;
    return false;
}

/* Canada: CRTC Unsolicited Telecommunications Rules. No general opt-in: the National DNCL
   (Part II; business numbers are exempt, consent and an established business relationship
   excuse it), the identification at the top of page 1 and the calling hours (Part III). */
static bool ca_optout_ok(const fg_ident *id, char *why, size_t cap)
{
    why[0] = '\0';
    if (!id->adv_name)
        why_add(why, cap, "the name of the telemarketer or its client is not given");
    if (!has_kind(id, FG_NUM_VOICE, FG_NUM_HEADER))
        why_add(why, cap, "no voice number of the sender");
    if (!has_kind(id, FG_NUM_FAX, FG_NUM_HEADER) && !id->header.number[0])
        why_add(why, cap, "no fax number of the sender");
    if (!id->header.present || !id->header.date || !id->header.time)
        why_add(why, cap, "no date and time of sending");
    if (!id->postal && !id->n_emails)
        why_add(why, cap, "no address of a contact person");
    return !why[0];
}

static void ca_violations(const fg_pctx *c, fg_decision *out)
{
    char why[256], adv[128], when[64];

    advertiser(c->id, adv, sizeof adv);
    if ((c->listed & FG_REG_DNCL) && c->person && !c->ebr)
        fg_violation_add(out, "ca", "CRTC UTR Part II (National DNCL)",
                         "%s is registered on the National Do Not Call List (over 31 days before) and there is no "
                         "consent or business relationship on file (%s)",
                         c->called[0] ? c->called : "the receiving number", adv);
    if (!ca_optout_ok(c->id, why, sizeof why))
        fg_violation_add(out, "ca", "CRTC UTR Part III (identification)", "%s", why);
    if (c->have_local) {
        bool weekend = c->local.tm_wday == 0 || c->local.tm_wday == 6;

        local_when(c, when, sizeof when);
        if (weekend ? !within(&c->local, 10 * 60, 18 * 60) : !within(&c->local, 9 * 60, 21 * 60 + 30))
            fg_violation_add(out, "ca", "CRTC UTR Part III (hours)", "received %s, outside %s", when,
                             weekend ? "10:00-18:00 on weekends" : "09:00-21:30 on weekdays");
    }
}

/* Australia: Do Not Call Register Act 2006 s 12B (no marketing fax to a registered number
   without consent) and the Fax Marketing Industry Standard 2021 (identification, opt-out,
   hours), which binds every sender, exempt ones included. */
static bool au_optout_ok(const fg_ident *id, char *why, size_t cap)
{
    why[0] = '\0';
    if (!id->optout.present)
        why_add(why, cap, "no statement of how to opt out");
    else if (!id->optout.phone[0] && !id->optout.fax[0] && !mentions_address(id))
        why_add(why, cap, "the opt-out statement gives no number or address");
    return !why[0];
}

static void au_violations(const fg_pctx *c, fg_decision *out)
{
    const fg_ident *id = c->id;
    char why[256], adv[128], when[64];

    advertiser(id, adv, sizeof adv);
    if ((c->listed & FG_REG_DNCR) && !c->ebr)
        fg_violation_add(out, "au", "DNCR Act 2006 s 12B",
                         "marketing fax to %s, registered on the Do Not Call Register, without consent (%s)",
                         c->called[0] ? c->called : "the receiving number", adv);
    why[0] = '\0';
    if (!id->adv_name)
        why_add(why, sizeof why, "the advertiser's name");
    if (!id->abn[0])
        why_add(why, sizeof why, "its ABN");
    if (!has_kind(id, FG_NUM_VOICE, FG_NUM_HEADER))
        why_add(why, sizeof why, "a telephone number answered in business hours");
    if (!id->postal && !id->n_emails)
        why_add(why, sizeof why, "a street, postal or e-mail address");
    if (why[0])
        fg_violation_add(out, "au", "Fax Marketing Industry Standard 2021 (identification)", "the fax lacks %s", why);
    if (!au_optout_ok(id, why, sizeof why))
        fg_violation_add(out, "au", "Fax Marketing Industry Standard 2021 (opt-out)", "%s", why);
    if (c->have_local) {
        int wd = c->local.tm_wday;

        local_when(c, when, sizeof when);
        if (wd == 0 || c->holiday)
            fg_violation_add(out, "au", "Fax Marketing Industry Standard 2021 (hours)",
                             "received %s, on a %s: no marketing faxes then", when, wd == 0 ? "Sunday" : "public holiday");
        else if (wd == 6 ? !within(&c->local, 9 * 60, 17 * 60) : !within(&c->local, 9 * 60, 20 * 60))
            fg_violation_add(out, "au", "Fax Marketing Industry Standard 2021 (hours)", "received %s, outside %s", when,
                             wd == 6 ? "09:00-17:00 on Saturdays" : "09:00-20:00 on weekdays");
    }
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
    {{"eu", "Directive 2002/58/EC (ePrivacy) art. 13, as the baseline of the member states' laws",
      "https://eur-lex.europa.eu/eli/dir/2002/58/oj",
      "consent when the line belongs to a natural person (legal persons: national law); sender identity "
      "not concealed; a valid address to object to", 30},
     eu_optout_ok, eu_violations},
    {{"uk", "Privacy and Electronic Communications (EC Directive) Regulations 2003 (PECR) regs 20, 24, 25",
      "https://www.legislation.gov.uk/uksi/2003/2426/regulation/20",
      "consent from individual subscribers; no fax to a number on the Fax Preference Service (28 days after "
      "registration); sender name and an address or freephone number", 28},
     uk_optout_ok, uk_violations},
    {{"ca", "CRTC Unsolicited Telecommunications Rules (Parts II and III), Telecommunications Act s. 41",
      "https://crtc.gc.ca/eng/trules-reglest.htm",
      "no fax to a personal number on the National DNCL without consent or business relationship; "
      "identification at the top of page 1 (names, voice and fax numbers, date and time, contact address); "
      "09:00-21:30 weekdays, 10:00-18:00 weekends, recipient's time",
      31 /* the DNCL's 31 days, the longest delay in the CRTC rules: a repeat is never flagged early */},
     ca_optout_ok, ca_violations},
    {{"au", "Do Not Call Register Act 2006 s 12B; Telecommunications (Fax Marketing) Industry Standard 2021",
      "https://www.legislation.gov.au/F2021L00923/latest/text",
      "no fax to a number on the Do Not Call Register without consent; advertiser name, ABN, a business-hours "
      "number, an address and how to opt out; 09:00-20:00 weekdays, 09:00-17:00 Saturdays, none on Sundays "
      "and public holidays", 30},
     au_optout_ok, au_violations},
};

#define NPROFILES (sizeof profiles / sizeof profiles[0])

static const char *const profile_names[] = {"us", "fr", "de", "eu", "uk", "ca", "au", NULL};

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
