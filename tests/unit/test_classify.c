/* faxgate — classify: the scores API, rules in three languages, caps, hostile text, and the
 * figures on the project's labelled fax texts and (when present) the Tobacco3482 corpus. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>

#include "faxgate/classify.h"
#include "faxgate/config.h"
#include "faxgate/extract.h"
#include "faxgate/policy.h"
#include "testutil.h"

typedef struct judged {
    fg_ident id;
    fg_scores s;
    fg_decision d;
} judged;

static fg_policy *policy;

static int setup(void **state)
{
    fg_config *cfg;

    (void)state;
    if (fg_config_new(&cfg) || fg_policy_new(cfg, &policy))
        return -1;
    fg_config_free(cfg);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    fg_policy_free(policy);
    return 0;
}

static void judge(const char *text, size_t len, const char *country, const fg_facts *facts, judged *j)
{
    fg_words *w = NULL;

    assert_int_equal(fg_words_from_text(text, len, &w), FG_OK);
    memset(j, 0, sizeof *j);
    assert_int_equal(fg_extract(w, country, &j->id), FG_OK);
    assert_int_equal(fg_classify(w, &j->id, facts, &j->s), FG_OK);
    assert_int_equal(fg_policy_decide(policy, &j->s, &j->id, NULL, &j->d), FG_OK);
    fg_words_free(w);
}

static void judge_str(const char *text, const char *country, judged *j)
{
    judge(text, strlen(text), country, NULL, j);
}

static void test_scores_api(void **state)
{
    fg_scores s;

    (void)state;
    memset(&s, 0, sizeof s);
    fg_scores_add(&s, "AD_X", 1.5, "first %d", 1);
    fg_scores_add(&s, "BIZ_Y", -2.0, "y");
    fg_scores_add(&s, "AD_X", 0.5, "second");
    assert_int_equal(s.n, 2);
    assert_true(fg_scores_get(&s, "AD_X") == 2.0);
    assert_true(fg_scores_get(&s, "BIZ_Y") == -2.0);
    assert_true(fg_scores_get(&s, "NOPE") == 0.0);
    assert_true(s.total == 0.0);
    assert_string_equal(s.v[0].detail, "first 1; second");
    for (int i = 0; i < FG_SCORES_MAX + 10; i++) {
        static char names[FG_SCORES_MAX + 10][16];

        snprintf(names[i], sizeof names[i], "R%d", i);
        fg_scores_add(&s, names[i], 1.0, NULL);
    }
    assert_int_equal(s.n, FG_SCORES_MAX);
    assert_true(s.total == FG_SCORES_MAX + 10.0);   /* past the table the weight still counts */
    fg_scores_add(NULL, "X", 1, "x");
    assert_true(fg_scores_get(NULL, "X") == 0);
}

static void test_ad_rules(void **state)
{
    judged j;

    (void)state;
    judge_str("# SAVE 50% ON TONER!!!\nLimited time offer: HP 26A only $39.99 (was $142)! FREE shipping.\n"
              "Call now toll free 1-800-555-0199. Order by fax: 1-877-555-0123\n"
              "To be removed from our list call 1-800-555-0198 or fax 1-800-555-0197. Failure to comply within "
              "30 days is unlawful.\n",
              "US", &j);
    assert_true(fg_scores_get(&j.s, "AD_OPTOUT_NOTICE") > 0);
    assert_true(fg_scores_get(&j.s, "AD_JFPA_WORDING") > 0);
    assert_true(fg_scores_get(&j.s, "AD_TOLLFREE_CALLBACK") > 0);
    assert_true(fg_scores_get(&j.s, "AD_PROMO_VOCAB") > 0);
    assert_true(fg_scores_get(&j.s, "AD_PRICE") > 0);
    assert_true(fg_scores_get(&j.s, "AD_DISCOUNT") > 0);
    assert_true(fg_scores_get(&j.s, "AD_URGENCY") > 0);
    assert_true(fg_scores_get(&j.s, "AD_CALL_TO_ACTION") > 0);
    assert_true(fg_scores_get(&j.s, "AD_ORDER_BY_FAX") > 0);
    assert_true(fg_scores_get(&j.s, "AD_NO_HEADER") > 0);
    assert_true(fg_scores_get(&j.s, "AD_SHOUTING") > 0);
    assert_int_equal(j.d.verdict, FG_VERDICT_DROP);
    fg_ident_clear(&j.id);

    judge_str("# Croisières d'exception\nProfitez de nos remises exceptionnelles : -40 % sur toutes nos croisières !\n"
              "Offre limitée, réservez vite au 04 65 71 22 30.\n"
              "Pour ne plus recevoir nos offres, appelez le 08 99 23 45 67.\n",
              "FR", &j);
    assert_true(fg_scores_get(&j.s, "AD_PREMIUM_NUMBER") > 0);
    assert_true(fg_scores_get(&j.s, "AD_PROMO_VOCAB") > 0);
    assert_true(fg_scores_get(&j.s, "AD_DISCOUNT") > 0);
    assert_true(fg_scores_get(&j.s, "AD_OPTOUT_NOTICE") > 0);
    assert_true(j.d.is_ad);
    fg_ident_clear(&j.id);

    judge_str("# Sonderangebot: Büromaterial bis zu 30 % Rabatt!\nNur solange der Vorrat reicht – jetzt bestellen!\n"
              "Kostenlose Lieferung. Sehr geehrte Praxisinhaber, an die Geschäftsleitung.\n"
              "Keine weiteren Faxe? Abmeldung an 0800 100 2030.\n",
              "DE", &j);
    assert_true(fg_scores_get(&j.s, "AD_PROMO_VOCAB") > 0);
    assert_true(fg_scores_get(&j.s, "AD_URGENCY") > 0);
    assert_true(fg_scores_get(&j.s, "AD_GENERIC_GREETING") > 0);
    assert_true(j.d.is_ad);
    fg_ident_clear(&j.id);
}

static void test_business_rules(void **state)
{
    judged j;

    (void)state;
    judge_str("11/27/2026 10:41 FROM: MIDWEST MACHINING 616-555-0121 P.1/1\n# PURCHASE ORDER\n"
              "PO Number: 4500018834   Invoice No. 26-11873   Customer No.: HG-0442\n"
              "Dear Mr. Patel,\nAs requested, 500 hex bolts at $0.42 = $210.00. Free delivery.\nSincerely, Karen\n",
              "US", &j);
    assert_true(fg_scores_get(&j.s, "BIZ_DOC_TYPE") <= -3.0);
    assert_true(fg_scores_get(&j.s, "BIZ_REFERENCE_NUMBERS") < 0);
    assert_true(fg_scores_get(&j.s, "BIZ_PERSONAL_ADDRESS") <= -2.0);
    assert_true(fg_scores_get(&j.s, "BIZ_REPLY_CONTEXT") < 0);
    assert_true(fg_scores_get(&j.s, "AD_NO_HEADER") == 0);
    assert_int_equal(j.d.verdict, FG_VERDICT_DELIVER);
    fg_ident_clear(&j.id);

    judge_str("FAX\nTo: Dr. Steven Hale\nFrom: Jessica Moreau\nRe: records\nPages: 3\n"
              "Number of pages including cover: 3\nCONFIDENTIALITY NOTICE: intended only for the recipient named above. "
              "If you have received this fax in error, call us.\n",
              "US", &j);
    assert_true(fg_scores_get(&j.s, "BIZ_COVER_SHEET") <= -2.5);
    assert_true(fg_scores_get(&j.s, "BIZ_CONFIDENTIALITY") <= -2.0);
    fg_ident_clear(&j.id);

    /* a seller's promise of confidentiality is no confidentiality notice; the page's own stamp is */
    judge_str("Our interpreters have signed confidentiality agreements.\nHIPAA documentation included.\n"
              "Alle Mitarbeitenden sind zur Vertraulichkeit verpflichtet.\n", "US", &j);
    assert_true(fg_scores_get(&j.s, "BIZ_CONFIDENTIALITY") == 0);
    fg_ident_clear(&j.id);
    judge_str("CONFIDENTIAL\nLab report for Dr. Hale\n", "US", &j);
    assert_true(fg_scores_get(&j.s, "BIZ_CONFIDENTIALITY") == -1.0);
    fg_ident_clear(&j.id);
    judge_str("Vertrauliche medizinische Daten - nur fur den Adressaten bestimmt.\n", "DE", &j);
    assert_true(fg_scores_get(&j.s, "BIZ_CONFIDENTIALITY") == -2.0);
    fg_ident_clear(&j.id);
    /* how a seller says it would treat your documents, in a sentence */
    judge_str("Les documents qui nous sont confies sont traites de maniere strictement confidentielle.\n"
              "Call for a FREE, confidential consultation.\n", "FR", &j);
    assert_true(fg_scores_get(&j.s, "BIZ_CONFIDENTIALITY") == 0);
    fg_ident_clear(&j.id);
    judge_str("Ce fax est strictement confidentiel.\nVos donnees sont traitees de maniere confidentielle.\n", "FR", &j);
    assert_true(fg_scores_get(&j.s, "BIZ_CONFIDENTIALITY") < 0);   /* the page's own notice still counts */
    fg_ident_clear(&j.id);

    /* a cover sheet to nobody in particular is how ads disguise themselves: no credit for it */
    judge_str("FAX\nTO: Office Manager\nFROM: Marketing Dept.\nRE: Savings\nPAGES: 1\n", "US", &j);
    assert_true(fg_scores_get(&j.s, "BIZ_COVER_SHEET") == 0);
    fg_ident_clear(&j.id);

    judge_str("Patient: Robert Lindqvist   DOB: 03/14/1951\nRefill request: Lisinopril 20 mg\n", "US", &j);
    assert_true(fg_scores_get(&j.s, "BIZ_PATIENT_DATA") < 0);
    fg_ident_clear(&j.id);
    judge_str("Patient name: __________  DOB: __________\n", "US", &j);   /* blanks of an order form */
    assert_true(fg_scores_get(&j.s, "BIZ_PATIENT_DATA") == 0);
    fg_ident_clear(&j.id);
    judge_str("Records are indexed by patient name and date of service.\n", "US", &j);   /* prose, no field */
    assert_true(fg_scores_get(&j.s, "BIZ_PATIENT_DATA") == 0);
    fg_ident_clear(&j.id);
    /* a duration is no document: "minutes" after a number, whatever follows */
    judge_str("Hotel du Parc, 28 chambres, a 10 minutes de l'A31.\n", "FR", &j);
    assert_true(fg_scores_get(&j.s, "BIZ_DOC_TYPE") == 0);
    fg_ident_clear(&j.id);
    judge_str("Board meeting minutes no. 2026-11\n", "US", &j);
    assert_true(fg_scores_get(&j.s, "BIZ_DOC_TYPE") < 0);
    fg_ident_clear(&j.id);

    judge_str("# FACTURE N° 2026-1184\nSuite à votre demande, veuillez trouver ci-joint notre facture.\n"
              "Madame, Monsieur,\nVeuillez agréer nos salutations distinguées.\n",
              "FR", &j);
    assert_true(fg_scores_get(&j.s, "BIZ_DOC_TYPE") < 0);
    assert_true(fg_scores_get(&j.s, "BIZ_REPLY_CONTEXT") < 0);
    /* "Madame, Monsieur" ... "salutations distinguées" is how a cold letter is written too */
    assert_true(fg_scores_get(&j.s, "BIZ_PERSONAL_ADDRESS") == 0);
    fg_ident_clear(&j.id);
    judge_str("Chère Madame Vasseur,\nVeuillez agréer nos salutations distinguées.\n", "FR", &j);
    assert_true(fg_scores_get(&j.s, "BIZ_PERSONAL_ADDRESS") == -2.0);
    fg_ident_clear(&j.id);
    /* a role is not a name */
    judge_str("Dear Counsel,\nPlease find our rates enclosed.\nSincerely,\n", "US", &j);
    assert_true(fg_scores_get(&j.s, "BIZ_PERSONAL_ADDRESS") == 0);
    fg_ident_clear(&j.id);
    judge_str("Dear Members,\nThe annual meeting is on May 4.\nRegards,\n", "US", &j);
    assert_true(fg_scores_get(&j.s, "BIZ_PERSONAL_ADDRESS") == 0);
    fg_ident_clear(&j.id);
    /* a document type in passing is not the page's title */
    judge_str("Unsere Leistungen:\n– Finanzbuchhaltung und Lohnabrechnung\n", "DE", &j);
    assert_true(fg_scores_get(&j.s, "BIZ_DOC_TYPE") == 0);
    fg_ident_clear(&j.id);

    judge_str("# Rechnung Nr. 2026-1187\nKundennummer: 10442\nSehr geehrter Herr Demir,\nwie besprochen ...\n"
              "Mit freundlichen Grüßen\n",
              "DE", &j);
    assert_true(fg_scores_get(&j.s, "BIZ_DOC_TYPE") <= -3.0);
    assert_true(fg_scores_get(&j.s, "BIZ_REFERENCE_NUMBERS") < 0);
    assert_true(fg_scores_get(&j.s, "BIZ_PERSONAL_ADDRESS") <= -2.0);
    fg_ident_clear(&j.id);

    /* "invoice" in sales copy is not an invoice */
    judge_str("Turn your unpaid invoices into cash today! Free quote, call 1-888-555-0101.\n", "US", &j);
    assert_true(fg_scores_get(&j.s, "BIZ_DOC_TYPE") == 0);
    fg_ident_clear(&j.id);
}

/* No kind of evidence can decide alone: every rule is capped. */
/* Scams dressed as paperwork, and the phone numbers that used to pass for document numbers. */
static void test_paperwork_scams(void **state)
{
    judged j;

    (void)state;
    /* a number to call after a document word is not that document's number */
    judge_str("# Trattoria da Enzo\nMittagstisch fur Buros\nBestellung: 030 23125 331\n", "DE", &j);
    assert_true(fg_scores_get(&j.s, "BIZ_DOC_TYPE") == 0);
    fg_ident_clear(&j.id);
    judge_str("Confiez-nous votre premier dossier : 09 74 28 52 10\n", "FR", &j);
    assert_true(fg_scores_get(&j.s, "BIZ_DOC_TYPE") == 0);
    fg_ident_clear(&j.id);
    judge_str("Rechnung Nr. 2026-00417\nBestellung 4711 vom 12.11.2026\n", "DE", &j);
    assert_true(fg_scores_get(&j.s, "BIZ_DOC_TYPE") <= -3.0);   /* real document numbers still count */
    fg_ident_clear(&j.id);

    /* the register scam: entry pretext, signature, fee per year; its register number is bait */
    judge_str("# Zentrales Firmenregister\nRegister-Nr.: ZGD-27/118 402\nBitte Ihre Firmendaten uberprufen\n"
              "Firma: ________  Stempel und Unterschrift: ________\nRuckantwort per Fax: 030 23125 770\n"
              "Mit Ihrer Unterschrift erteilen Sie den Auftrag. Vertragslaufzeit 3 Jahre, Jahresbeitrag 897,00 EUR.\n",
              "DE", &j);
    assert_true(fg_scores_get(&j.s, "AD_DIRECTORY_OFFER") == 3.0);
    assert_true(fg_scores_get(&j.s, "BIZ_REFERENCE_NUMBERS") == 0);
    assert_true(fg_scores_get(&j.s, "BIZ_DOC_TYPE") == 0);
    assert_true(j.d.verdict != FG_VERDICT_DELIVER);
    fg_ident_clear(&j.id);
    /* a credit application the reader asked for signs nothing away for a yearly fee */
    judge_str("# CREDIT APPLICATION\nTo: Jane Ortiz, Northside Builders\nAs requested, please complete and sign.\n"
              "Company name: ________  Federal tax ID: ________\nAuthorized signature: ________\n", "US", &j);
    assert_true(fg_scores_get(&j.s, "AD_DIRECTORY_OFFER") == 0);
    assert_int_equal(j.d.verdict, FG_VERDICT_DELIVER);
    fg_ident_clear(&j.id);

    /* the prize notice: its claim number is not an insurance claim */
    judge_str("# CONGRATULATIONS!\nYour business has been selected to receive a vacation.\n"
              "AWARD CLAIM NUMBER: FL-20946-B\nTo claim your award call 1-900-555-0142\n", "US", &j);
    assert_true(fg_scores_get(&j.s, "AD_PRIZE") == 2.0);
    assert_true(fg_scores_get(&j.s, "BIZ_DOC_TYPE") == 0);
    assert_true(j.d.verdict != FG_VERDICT_DELIVER);
    fg_ident_clear(&j.id);
    /* the French "selection notice": its file number is bait too */
    judge_str("AVIS DE SELECTION\nDossier n\xc2\xb0 HB-26-44817\nFelicitations ! Lors du tirage trimestriel, "
              "votre societe a ete retenue pour beneficier d'une croisiere.\n", "FR", &j);
    assert_true(fg_scores_get(&j.s, "AD_PRIZE") == 2.0);
    assert_true(fg_scores_get(&j.s, "BIZ_DOC_TYPE") == 0);
    assert_true(fg_scores_get(&j.s, "BIZ_REFERENCE_NUMBERS") == 0);
    fg_ident_clear(&j.id);
    judge_str("Votre offre a ete retenue pour le lot 3 du marche 2026-14.\n", "FR", &j);   /* a tender won */
    assert_true(fg_scores_get(&j.s, "AD_PRIZE") == 0);
    fg_ident_clear(&j.id);
    /* a form to return is weaker evidence than an order form */
    judge_str("Please complete, sign and fax back this form.\n[ ] yes  [ ] no\n", "US", &j);
    assert_true(fg_scores_get(&j.s, "AD_ORDER_BY_FAX") == 1.0);
    fg_ident_clear(&j.id);
    judge_str("ORDER FORM - fax your order to 1-800-555-0131\n", "US", &j);
    assert_true(fg_scores_get(&j.s, "AD_ORDER_BY_FAX") == 2.0);
    fg_ident_clear(&j.id);
    /* a guild's circular to all its members is not a mailing list's greeting */
    judge_str("An alle Mitgliedsbetriebe der Innung\nEinladung zur Mitgliederversammlung am 12.12.\n", "DE", &j);
    assert_true(fg_scores_get(&j.s, "AD_GENERIC_GREETING") == 0);
    assert_true(fg_scores_get(&j.s, "BIZ_MEMBER_NOTICE") < 0);
    fg_ident_clear(&j.id);
    judge_str("An alle Praxen\nJetzt Sonderangebot fur Handschuhe!\n", "DE", &j);
    assert_true(fg_scores_get(&j.s, "AD_GENERIC_GREETING") > 0);
    fg_ident_clear(&j.id);
    /* a circular to members may offer to stop faxing it: a courtesy, weighed lightly */
    judge_str("An alle Mitgliedsbetriebe der Innung\nEinladung zur Mitgliederversammlung.\n"
              "Wenn Sie keine weiteren Faxe wunschen, teilen Sie es der Geschaftsstelle mit.\n", "DE", &j);
    assert_true(fg_scores_get(&j.s, "AD_OPTOUT_NOTICE") == 1.5);
    fg_ident_clear(&j.id);
    /* a free service and an offer that ends */
    judge_str("Devis gratuit en 24 h.\n-20 % sur les 3 premiers mois pour toute signature avant le 31/12/2026\n", "FR", &j);
    assert_true(fg_scores_get(&j.s, "AD_FREE_OFFER") > 0);
    assert_true(fg_scores_get(&j.s, "AD_OFFER_DEADLINE") > 0);
    fg_ident_clear(&j.id);
    judge_str("Rechnung Nr. 2026-118\nZahlbar bis zum 15.12.2026 abzuglich 2 % Skonto.\n", "DE", &j);
    assert_true(fg_scores_get(&j.s, "AD_OFFER_DEADLINE") == 0);   /* payment terms are not an offer */
    fg_ident_clear(&j.id);

    /* the fax is a coupon: quote the code, bring the page */
    judge_str("Winter rate $119 per night. Reservations 207-555-0125 - mention code WINTERFAX\n", "US", &j);
    assert_true(fg_scores_get(&j.s, "AD_REDEMPTION_CODE") == 1.5);
    fg_ident_clear(&j.id);
    judge_str("Sur presentation de ce fax, le cafe est offert.\nMit diesem Fax 10 % auf alles.\n", "FR", &j);
    assert_true(fg_scores_get(&j.s, "AD_REDEMPTION_CODE") == 1.5);   /* capped */
    fg_ident_clear(&j.id);
    judge_str("Please quote order code 4471-B on your remittance.\n", "US", &j);
    assert_true(fg_scores_get(&j.s, "AD_REDEMPTION_CODE") == 0);
    fg_ident_clear(&j.id);

    /* the week's lunch menu or a weekend rate, priced, with a number to order or book */
    judge_str("Gaststatte Zum Anker - Mittagstisch Mo-Fr, je 8,90 EUR\nBestellung bis 10:30 Uhr: 030 23125 518\n",
              "DE", &j);
    assert_true(fg_scores_get(&j.s, "AD_MEAL_OR_STAY_OFFER") == 2.0);
    fg_ident_clear(&j.id);
    judge_str("Menu du jour 14,50 EUR, livraison au bureau.\n", "FR", &j);   /* no number to order from */
    assert_true(fg_scores_get(&j.s, "AD_MEAL_OR_STAY_OFFER") == 0);
    fg_ident_clear(&j.id);
    judge_str("Happy hour in the break room on Friday, 4 pm. Call Jane at 207-555-0125.\n", "US", &j);
    assert_true(fg_scores_get(&j.s, "AD_MEAL_OR_STAY_OFFER") == 0);   /* no price: an office note */
    fg_ident_clear(&j.id);

    /* a seller introducing itself to a stranger; a supplier's note to its customer does not */
    judge_str("Dear Sir or Madam,\nOur family-owned company has served Baltimore for 22 years and we would "
              "welcome the opportunity to quote your building, without obligation.\nCall 410-555-0137.\n",
              "US", &j);
    assert_true(fg_scores_get(&j.s, "AD_COLD_PITCH") == 2.0);   /* capped: four phrases */
    fg_ident_clear(&j.id);
    judge_str("Dear Ms. Lee,\nAs discussed, your order 4471 ships Monday; the new price list is attached.\n",
              "US", &j);
    assert_true(fg_scores_get(&j.s, "AD_COLD_PITCH") == 0);
    fg_ident_clear(&j.id);
    judge_str("Sehr geehrte Damen und Herren,\nseit 1987 fertigen wir Leuchtreklame. Aufmass unverbindlich.\n", "DE",
              &j);
    assert_true(fg_scores_get(&j.s, "AD_COLD_PITCH") == 1.5);
    fg_ident_clear(&j.id);

    /* a firm introducing itself; presenting somebody or something else is not that */
    static const struct {
        const char *text, *country;
        double want;
    } intro[] = {
        {"We are writing to introduce Meridian Language Services, a translation agency.\n", "US", 1.5},
        {"Allow me to introduce our company and its services.\n", "US", 1.5},
        {"Objet : présentation de notre cabinet\nMadame, Monsieur,\n", "FR", 1.5},
        {"Nous nous permettons de vous présenter notre société, installée à Rennes.\n", "FR", 1.5},
        {"wir möchten Ihnen unsere Kanzlei vorstellen. Seit 1996 betreuen wir Handwerker.\n", "DE", 1.5},
        {"Betreff: Vorstellung unseres Unternehmens\n", "DE", 1.5},
        {"Nous vous remercions de lui présenter votre carte Vitale.\n", "FR", 0},
        {"Vorstellung zur Operationsplanung am 3.12.\n", "DE", 0},
        {"Please introduce the new procedure to your staff.\n", "US", 0},
    };
    for (size_t i = 0; i < sizeof intro / sizeof intro[0]; i++) {
        judge_str(intro[i].text, intro[i].country, &j);
        if (fg_scores_get(&j.s, "AD_SELF_INTRODUCTION") != intro[i].want)
            fail_msg("'%s': AD_SELF_INTRODUCTION %.1f, want %.1f", intro[i].text,
                     fg_scores_get(&j.s, "AD_SELF_INTRODUCTION"), intro[i].want);
        fg_ident_clear(&j.id);
    }

    /* the disclaimer a look-alike of an official form must print; an EOB's "not a bill" is no such thing */
    judge_str("ANNUAL MINUTES DISCLOSURE STATEMENT\nForm ACR-26  Filing fee: $125.00\nCorporate Compliance "
              "Services is a private company. This is not a government agency.\n", "US", &j);
    assert_true(fg_scores_get(&j.s, "AD_SOLICITATION_DISCLAIMER") == 2.0);
    assert_true(fg_scores_get(&j.s, "BIZ_DOC_TYPE") == 0);   /* "form" is its costume */
    fg_ident_clear(&j.id);
    judge_str("EXPLANATION OF BENEFITS - THIS IS NOT A BILL\nClaim No. 44-88231  Patient: J. Doe\n", "US", &j);
    assert_true(fg_scores_get(&j.s, "AD_SOLICITATION_DISCLAIMER") == 0);
    fg_ident_clear(&j.id);
    /* a bill that is an offer by its own fine print, twice said: the scam's own words */
    judge_str("RECHNUNG / EINTRAGUNGSOFFERTE Nr. R-2026-1183\nGesamtbetrag 2.340,00 EUR\nDas Register ist ein "
              "privates Verzeichnis. Dieses Schreiben ist ein Angebot. Es besteht keine Zahlungspflicht.\n", "DE", &j);
    assert_true(fg_scores_get(&j.s, "AD_SOLICITATION_DISCLAIMER") == 3.5);
    assert_true(fg_scores_get(&j.s, "BIZ_DOC_TYPE") == 0);
    fg_ident_clear(&j.id);
    judge_str("FACTURE N° AO-2026-0773\nDocument valant proposition commerciale. Total 289,00 EUR\n", "FR", &j);
    assert_true(fg_scores_get(&j.s, "AD_SOLICITATION_DISCLAIMER") == 2.0);
    fg_ident_clear(&j.id);
    /* a delivery note that says it is no invoice is still a delivery note */
    judge_str("LIEFERSCHEIN Nr. 44817\n12 Kartons Kopierpapier A4\nDies ist keine Rechnung.\n", "DE", &j);
    assert_true(fg_scores_get(&j.s, "AD_SOLICITATION_DISCLAIMER") == 0);
    assert_true(fg_scores_get(&j.s, "BIZ_DOC_TYPE") < 0);
    fg_ident_clear(&j.id);

    /* an insurer's claim letter is still business */
    judge_str("Claim No. 44-88231\nDear Mr. Patel,\nWe received your claim for the water damage of 11/02.\n"
              "Sincerely, Ana Ruiz, adjuster\n", "US", &j);
    assert_true(fg_scores_get(&j.s, "BIZ_DOC_TYPE") < 0);
    assert_true(fg_scores_get(&j.s, "AD_PRIZE") == 0);
    fg_ident_clear(&j.id);
}

static void test_caps(void **state)
{
    char text[8192];
    size_t n = 0;
    judged j;
    fg_facts f = {.tsi = "", .pages = 1};

    (void)state;
    for (int i = 0; i < 60; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "free offer save discount bargain winner $%d.99 50%% off "
                              "act now limited time call now!!! ", i);
    judge(text, n, "US", &f, &j);
    assert_true(fg_scores_get(&j.s, "AD_PROMO_VOCAB") <= 4.0);
    assert_true(fg_scores_get(&j.s, "AD_PRICE") <= 2.0);
    assert_true(fg_scores_get(&j.s, "AD_DISCOUNT") <= 2.0);
    assert_true(fg_scores_get(&j.s, "AD_URGENCY") <= 2.0);
    assert_true(fg_scores_get(&j.s, "AD_CALL_TO_ACTION") <= 1.5);
    assert_true(fg_scores_get(&j.s, "AD_SHOUTING") <= 1.5);
    assert_true(fg_scores_get(&j.s, "AD_EMPTY_TSI") == 1.0);
    for (int i = 0; i < j.s.n; i++)
        assert_true(j.s.v[i].weight < 5.0);   /* below hold: two kinds of evidence must agree */
    fg_ident_clear(&j.id);
}

static void test_hostile(void **state)
{
    size_t big = 1u << 20;
    char *buf = malloc(big);
    judged j;
    fg_ident id;
    fg_scores s;
    fg_words *w;

    (void)state;
    assert_non_null(buf);
    for (size_t i = 0; i < big; i++)
        buf[i] = (char)((i * 2654435761u) >> 11);
    judge(buf, big, "US", NULL, &j);
    fg_ident_clear(&j.id);
    memset(buf, '9', big);
    judge(buf, big, "US", NULL, &j);
    assert_int_equal(j.d.verdict, FG_VERDICT_DELIVER);   /* digits are not an advertisement */
    fg_ident_clear(&j.id);
    for (size_t i = 0; i < big; i++)
        buf[i] = i % 5 == 4 ? ' ' : "FREE!"[i % 5];
    judge(buf, big, "US", NULL, &j);
    assert_true(j.s.total < 30);
    fg_ident_clear(&j.id);
    free(buf);

    assert_int_equal(fg_words_from_text("", 0, &w), FG_OK);
    memset(&id, 0, sizeof id);
    assert_int_equal(fg_extract(w, "US", &id), FG_OK);
    assert_int_equal(fg_classify(w, &id, NULL, &s), FG_OK);
    assert_true(s.total <= 1.0);   /* an empty page is not an advertisement */
    assert_int_equal(fg_classify(NULL, &id, NULL, &s), FG_ERR_INVAL);
    assert_int_equal(fg_classify(w, NULL, NULL, &s), FG_ERR_INVAL);
    assert_int_equal(fg_classify(w, &id, NULL, NULL), FG_ERR_INVAL);
    fg_ident_clear(&id);
    fg_words_free(w);
}

/* Loose name match: letters and digits, case-folded, one contained in the other. */
static bool same_name(const char *want, const char *got)
{
    char a[160], b[160];
    size_t na = 0, nb = 0;

    if (!strcmp(want, "-"))
        return got == NULL;
    if (!got)
        return false;
    for (const char *p = want; *p && na < sizeof a - 1; p++)
        if (isalnum((unsigned char)*p) || (unsigned char)*p >= 0x80)
            a[na++] = (char)tolower((unsigned char)*p);
    for (const char *p = got; *p && nb < sizeof b - 1; p++)
        if (isalnum((unsigned char)*p) || (unsigned char)*p >= 0x80)
            b[nb++] = (char)tolower((unsigned char)*p);
    a[na] = b[nb] = '\0';
    return nb && (strstr(a, b) || strstr(b, a));
}

typedef struct tally {
    int ads, held, dropped, legit, lheld, ldropped, name, cb, optout, n;
} tally;

/* The project's labelled texts (tests/data/texts/LABELS.tsv): tune and report split apart. Rules
   may be adjusted on the tune split only; the report split is counted, never examined. */
static void test_labelled_set(void **state)
{
    FILE *f = fopen("tests/data/texts/LABELS.tsv", "r");
    char line[1024];
    tally t[2];

    (void)state;
    if (!f) {
        fg_test_skip("tests/data/texts/LABELS.tsv not found (run from the source tree)");
        return;
    }
    memset(t, 0, sizeof t);
    while (fgets(line, sizeof line, f)) {
        char *col[7], path[600], *text;
        int n = 0, rep;
        bool ad;
        size_t len;
        judged j;

        if (line[0] == '#' || !strncmp(line, "file\t", 5))
            continue;
        line[strcspn(line, "\r\n")] = '\0';
        for (char *p = strtok(line, "\t"); p && n < 7; p = strtok(NULL, "\t"))
            col[n++] = p;
        assert_int_equal(n, 7);
        rep = !strcmp(col[6], "report");
        ad = !strcmp(col[1], "ad");
        snprintf(path, sizeof path, "tests/data/texts/%s", col[0]);
        assert_non_null(text = fg_test_read_file(path, &len));
        judge(text, len, !strcmp(col[2], "fr") ? "FR" : !strcmp(col[2], "de") ? "DE" : "US", NULL, &j);
        t[rep].n++;
        t[rep].optout += (!strcmp(col[5], "yes")) == j.id.optout.present;
        if (ad) {
            t[rep].ads++;
            t[rep].held += j.d.verdict == FG_VERDICT_HOLD;
            t[rep].dropped += j.d.verdict == FG_VERDICT_DROP;
            t[rep].name += same_name(col[3], j.id.adv_name);
            t[rep].cb += !strcmp(col[4], "-") ? !j.id.callback[0] : !strcmp(col[4], j.id.callback);
            if (!rep && j.d.verdict == FG_VERDICT_DELIVER)
                printf("# tune: ad delivered: %s (score %.1f)\n", col[0], j.s.total);
        } else {
            t[rep].legit++;
            t[rep].lheld += j.d.verdict == FG_VERDICT_HOLD;
            t[rep].ldropped += j.d.verdict == FG_VERDICT_DROP;
            if (!rep && j.d.verdict != FG_VERDICT_DELIVER)
                printf("# tune: legit %s: %s (score %.1f)\n", fg_verdict_name(j.d.verdict), col[0], j.s.total);
        }
        fg_ident_clear(&j.id);
        free(text);
    }
    fclose(f);
    for (int r = 0; r < 2; r++)
        printf("# %s split: ads caught %d/%d (held %d, dropped %d), legit held %d/%d, legit dropped %d; "
               "advertiser name %d/%d, callback %d/%d, opt-out presence right %d/%d\n",
               r ? "report" : "tune", t[r].held + t[r].dropped, t[r].ads, t[r].held, t[r].dropped, t[r].lheld,
               t[r].legit, t[r].ldropped, t[r].name, t[r].ads, t[r].cb, t[r].ads, t[r].optout, t[r].n);
    printf("# all: ads caught %d/%d, legit held %d/%d\n", t[0].held + t[0].dropped + t[1].held + t[1].dropped,
           t[0].ads + t[1].ads, t[0].lheld + t[1].lheld, t[0].legit + t[1].legit);
    assert_true(t[0].ads + t[1].ads >= 40 && t[0].legit + t[1].legit >= 40);
    assert_int_equal(t[0].ldropped + t[1].ldropped, 0);     /* a real fax is never dropped */
    assert_true(10 * (t[0].held + t[0].dropped + t[1].held + t[1].dropped) >= 9 * (t[0].ads + t[1].ads));
}

/* Tobacco3482 OCR texts: real ads are magazine adverts, not faxes, so this only reports. */
static void test_tobacco(void **state)
{
    char dir[512], path[1024];
    DIR *d;
    struct dirent *e;
    int ads = 0, caught = 0, legit = 0, flagged = 0, dropped = 0;

    (void)state;
    if (!fg_test_corpus("tobacco3482", dir, sizeof dir) || !(d = opendir(dir))) {
        fg_test_skip("corpus tobacco3482 not found (../shared/corpus or $FAXGATE_CORPUS)");
        return;
    }
    while ((e = readdir(d))) {
        size_t len;
        char *text;
        bool ad = !strncmp(e->d_name, "ADVE_", 5);
        judged j;

        if (!strstr(e->d_name, ".txt"))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (!(text = fg_test_read_file(path, &len)))
            fail_msg("cannot read %s", path);   /* a text that is not judged must not pass unseen */
        judge(text, len, "US", NULL, &j);
        if (ad) {
            ads++;
            caught += j.d.verdict != FG_VERDICT_DELIVER;
        } else {
            legit++;
            flagged += j.d.verdict != FG_VERDICT_DELIVER;
            if (j.d.verdict == FG_VERDICT_DROP) {
                dropped++;
                printf("# tobacco: legit dropped: %s (score %.1f)\n", e->d_name, j.s.total);
            }
        }
        fg_ident_clear(&j.id);
        free(text);
    }
    closedir(d);
    printf("# tobacco3482: ads caught %d/%d, legit flagged %d/%d\n", caught, ads, flagged, legit);
    /* The corpus has 35 of each. The rules alone catch none of these print adverts (no number, no
       sender: they are not faxes), so the unit test holds the other side: what it reads is every
       text, and business documents are neither dropped nor flagged beyond 2 of 35. The shipped
       product's ads floor is e2e/corpus's; the comparison with bogofilter is make eval's. */
    assert_int_equal(ads, 35);
    assert_int_equal(legit, 35);
    assert_int_equal(dropped, 0);
    assert_true(flagged <= 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scores_api), cmocka_unit_test(test_ad_rules),
        cmocka_unit_test(test_business_rules), cmocka_unit_test(test_paperwork_scams), cmocka_unit_test(test_caps),
        cmocka_unit_test(test_hostile), cmocka_unit_test(test_labelled_set),
        cmocka_unit_test(test_tobacco),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
