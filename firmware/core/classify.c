/* faxgate — classify: named, weighted rules (rspamd style) that add up to a score.
 *
 * Positive weights are evidence of an advertisement, negative ones of a business fax.
 * Each rule is capped so that one kind of evidence cannot decide alone: the largest
 * single rule (AD_PROMO_VOCAB, 4.0) stays under the hold threshold (5), so an ad is held
 * only when two kinds agree. Weights were set by reasoning about what only junk faxes do,
 * then checked on the tune half of tests/data/texts (never on its report half).
 *
 *  rule                   weight        fires on                                   why
 *  AD_OPTOUT_NOTICE       +3.0 (+0.5)   an opt-out notice (+ a number to use)      only bulk senders print one
 *  AD_JFPA_WORDING        +1.0          "failure to comply … 30 days … unlawful"   the US fax-ad formula
 *  AD_TOLLFREE_CALLBACK   +1.5          the call-to-action number is toll-free     sellers pay for the call
 *  AD_PREMIUM_NUMBER      +2.0          a premium-rate number outside the header   pay-per-call schemes
 *  AD_ORDER_BY_FAX        +2.0          fax-back order or reply form               the junk-fax business model
 *  AD_PROMO_VOCAB         ≤ +4.0        sales words, 0.2–0.6 each, en/fr/de         sales copy
 *  AD_PRICE               ≤ +1.5        0.4 per price ($49, 49,90 €)               prices, but invoices have them
 *  AD_DISCOUNT            +1.0 / +2.0   "% off", "-30 %", "30 % Rabatt"            discounts are sales talk
 *  AD_URGENCY             ≤ +2.0        1.0 per "limited time", "nur noch" …       pressure to act
 *  AD_REDEMPTION_CODE     +1.5          "mention code", "bring this fax"           the fax is a coupon
 *  AD_MEAL_OR_STAY_OFFER  +2.0          "plat du jour", "Mittagstisch", "weekend    a restaurant's or hotel's
 *                                       rate" with a price and a callback          offer to offices
 *  AD_CALL_TO_ACTION      ≤ +1.5        0.75 per "call now", "commandez" …         asks to buy
 *  AD_GENERIC_GREETING    +1.5          "Dear Business Owner", "To: Office Manager" a list, not a person
 *  AD_SHOUTING            ≤ +1.5        ≥ 40 % capitals, ≥ 2 '!'                    typography of ads
 *  AD_NO_HEADER           +1.0          no transmit header line                    broadcasters hide it
 *  AD_EMPTY_TSI           +1.0          the sender gave an empty TSI                ditto, at the T.30 level
 *  BIZ_DOC_TYPE           −2.0 … −5.0   invoice, PO, prescription, summons …       a document, not an offer
 *  BIZ_COVER_SHEET        −2.5 / −3.5   To/From/Re/Pages fields to a named person  person-to-person fax
 *  BIZ_CONFIDENTIALITY    −1.0 / −2.0   "confidential", "intended only for …"      written for one reader
 *  BIZ_PERSONAL_ADDRESS   −1.0 … −2.0   "Dear Dr. Smith" + signature               written to a person
 *  BIZ_REFERENCE_NUMBERS  ≤ −3.0        −1.0 per "Order No. 4471", "Aktenzeichen"  an ongoing transaction
 *  BIZ_REPLY_CONTEXT      −2.0 / −3.0   "as requested", "suite à votre demande"    an answer to the reader
 *  BIZ_PATIENT_DATA       −2.5          "DOB: 03/04/1961", "Patient: …" filled in  a patient's record
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "extract_impl.h"
#include "faxgate/classify.h"

void fg_scores_add(fg_scores *s, const char *name, double weight, const char *fmt, ...)
{
    va_list ap;
    fg_score *e = NULL;

    if (!s || !name)
        return;
    for (int i = 0; i < s->n; i++)
        if (!strcmp(s->v[i].name, name))
            e = &s->v[i];
    s->total += weight;
    if (e) {
        size_t n = strlen(e->detail);

        e->weight += weight;
        if (fmt && n + 4 < sizeof e->detail) {
            memcpy(e->detail + n, "; ", 3);
            va_start(ap, fmt);
            vsnprintf(e->detail + n + 2, sizeof e->detail - n - 2, fmt, ap);
            va_end(ap);
        }
        return;
    }
    /* Past the table's end the weight still counts; only its explanation is lost. */
    if (s->n >= FG_SCORES_MAX)
        return;
    e = &s->v[s->n++];
    e->name = name;
    e->weight = weight;
    e->detail[0] = '\0';
    if (fmt) {
        va_start(ap, fmt);
        vsnprintf(e->detail, sizeof e->detail, fmt, ap);
        va_end(ap);
    }
}

double fg_scores_get(const fg_scores *s, const char *name)
{
    if (!s || !name)
        return 0;
    for (int i = 0; i < s->n; i++)
        if (!strcmp(s->v[i].name, name))
            return s->v[i].weight;
    return 0;
}

/* Rules over the identity and the call. */
static void rule_ident(const fg_ident *id, const fg_facts *f, fg_scores *s)
{
    const fg_optout *o = &id->optout;
    bool order_fax = false;

    if (o->present) {
        bool names = o->phone[0] || o->fax[0];

        /* An organisation writing to its own members may offer to stop sending by fax: a courtesy
           of a sender with permission, not the mark of a bulk sender. */
        bool members = fg_scores_get(s, "BIZ_MEMBER_NOTICE") < 0;

        fg_scores_add(s, "AD_OPTOUT_NOTICE", members ? 1.5 : names ? 3.5 : 3.0, "opt-out notice%s%s%s%s%s",
                      o->phone[0] ? " phone " : "", o->phone, o->fax[0] ? " fax " : "", o->fax,
                      members ? " (in a circular to members)" : "");
        if (o->mentions_unlawful && o->mentions_30_days)
            fg_scores_add(s, "AD_JFPA_WORDING", 1.0, "US fax-ad opt-out formula (30 days, unlawful)");
    }
    if (id->callback[0]) {
        for (size_t i = 0; i < id->n_numbers; i++)
            if ((id->numbers[i].kind & FG_NUM_CALLBACK) && (id->numbers[i].kind & FG_NUM_TOLLFREE)) {
                fg_scores_add(s, "AD_TOLLFREE_CALLBACK", 1.5, "call-to-action number %s is toll-free",
                              id->callback);
                break;
            }
    }
    for (size_t i = 0; i < id->n_numbers; i++) {
        const fg_number *n = &id->numbers[i];

        if ((n->kind & FG_NUM_PREMIUM) && !(n->kind & FG_NUM_HEADER)) {
            fg_scores_add(s, "AD_PREMIUM_NUMBER", 2.0, "premium-rate number %s%s", n->e164,
                          n->kind & FG_NUM_OPTOUT ? " (in the opt-out notice)" : "");
            break;
        }
    }
    for (size_t i = 0; i < id->n_numbers && !order_fax; i++)
        order_fax = (id->numbers[i].kind & FG_NUM_ORDER_FAX) && !(id->numbers[i].kind & FG_NUM_OPTOUT);
    if (order_fax && fg_scores_get(s, "AD_ORDER_BY_FAX") == 0)
        fg_scores_add(s, "AD_ORDER_BY_FAX", 2.0, "order-by-fax number");
    if (!id->header.present)
        fg_scores_add(s, "AD_NO_HEADER", 1.0, "no transmit header line (date, time, sender, number)");
    if (f && f->tsi && !f->tsi[0])
        fg_scores_add(s, "AD_EMPTY_TSI", 1.0, "the sending machine gave no TSI");
}

fg_err fg_classify(const fg_words *w, const fg_ident *id, const fg_facts *facts, fg_scores *out)
{
    fg_doc d;
    fg_err e;

    if (!out)
        return fg_err_set(FG_ERR_INVAL, "fg_classify: no output");
    memset(out, 0, sizeof *out);
    if (!w || !id)
        return fg_err_set(FG_ERR_INVAL, "fg_classify: no words or no identity");
    if ((e = fg_doc_build(w, &d)))
        return e;
    fg_classify_vocab(&d, id, out);
    /* Vocabulary rules go first so that AD_ORDER_BY_FAX is not counted twice. */
    rule_ident(id, facts, out);
    fg_doc_free(&d);
    return FG_OK;
}
