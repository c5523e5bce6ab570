/* faxgate — opt-out requests per jurisdiction profile: the wording as data.
 *
 * Sources as in policy_profiles.c and ../shared/docs/jurisdictions.md. A request is made to the
 * address the advertiser's own notice gives and names the receiving numbers, which is what
 * 47 CFR 64.1200(a)(4)(v) asks of a valid US opt-out request; the others follow the same form.
 * Each text says what is asked, under which law, and how long the sender has.
 */
#include <string.h>

#include "faxgate/optout_law.h"

static const fg_optout_words en = {
    "en", "Number(s) to remove", "Date", "Your fax received", "Sender identification (TSI)", "Caller ID",
    "Advertiser", "SHA-256 of its page 1", "Our reference", "Sent to your opt-out number", "Legal basis", "none",
};

static const fg_optout_words fr = {
    "fr", "Numéro(s) à retirer", "Date", "Votre télécopie reçue le", "Identifiant de l'émetteur (TSI)",
    "Numéro appelant", "Annonceur", "SHA-256 de sa page 1", "Notre référence",
    "Envoyé à votre numéro d'opposition", "Fondement juridique", "aucun",
};

static const fg_optout_words de = {
    "de", "Zu löschende Nummer(n)", "Datum", "Ihr Telefax, empfangen am", "Absenderkennung (TSI)",
    "Anrufernummer", "Werbender", "SHA-256 der Seite 1", "Unser Zeichen", "Gesendet an Ihre Abmeldenummer",
    "Rechtsgrundlage", "keine",
};

static const fg_optout_law laws[] = {
    {"us", &en, "REQUEST TO STOP SENDING FAX ADVERTISEMENTS",
     "47 CFR 64.1200(a)(4)(iii)-(v); 47 USC 227(b) (TCPA, JFPA 2005)",
     "This is a request not to send any future unsolicited advertisements to the telephone number(s) of the "
     "facsimile machine(s) below, made under 47 CFR 64.1200(a)(4)(iii)-(v) (Telephone Consumer Protection Act, "
     "47 USC 227, as amended by the Junk Fax Prevention Act of 2005) to the number your own opt-out notice gives.",
     "You must honour this request within the shortest reasonable time, not more than 30 days. A fax "
     "advertisement sent to these numbers after that is unlawful, and a wilful or knowing violation allows "
     "damages of up to $1,500 per fax (47 USC 227(b)(3)).",
     "47 USC 227(b)(3) (wilful: repeat after opt-out)", 1},
    {"uk", &en, "NOTICE: DO NOT SEND MARKETING FAXES TO THIS LINE",
     "PECR 2003 regulation 20(1)(b); Fax Preference Service",
     "Under regulation 20(1)(b) of the Privacy and Electronic Communications (EC Directive) Regulations 2003 "
     "(PECR), I notify you that unsolicited communications for direct marketing should not be sent by fax to the "
     "number(s) below.",
     "You must stop within 28 days of this notice, as for a number on the Fax Preference Service (FPS). A "
     "marketing fax sent to these numbers after that breaches PECR and will be reported to the FPS and to the "
     "Information Commissioner's Office.",
     "PECR reg 20(1)(b) (repeat after notice)", 0},
    {"fr", &fr, "OPPOSITION À LA PROSPECTION PAR TÉLÉCOPIE",
     "Code des postes et des communications électroniques, article L34-5",
     "J'exerce le droit d'opposition prévu à l'article L34-5 du code des postes et des communications "
     "électroniques : cessez toute prospection directe par télécopieur vers le(s) numéro(s) ci-dessous. Cette "
     "demande est adressée au numéro indiqué sur votre propre télécopie.",
     "Toute télécopie publicitaire reçue sur ces numéros plus de 30 jours après cette demande sera conservée "
     "comme preuve et signalée à la CNIL.",
     "CPCE L34-5 (opposition non respectee)", 0},
    {"de", &de, "WIDERSPRUCH GEGEN WERBUNG PER TELEFAX",
     "§ 7 Abs. 2 Nr. 2 UWG",
     "Ich widerspreche hiermit jeder Zusendung von Werbung per Telefax an die unten genannte(n) Nummer(n). Eine "
     "Einwilligung besteht nicht; Werbung per Telefax ohne vorherige ausdrückliche Einwilligung ist nach § 7 "
     "Abs. 2 Nr. 2 UWG eine unzumutbare Belästigung.",
     "Jedes Werbefax an diese Nummern, das später als 30 Tage nach diesem Widerspruch eingeht, wird als Beweis "
     "gesichert; Unterlassungsansprüche und eine Meldung an die Bundesnetzagentur bleiben vorbehalten.",
     "UWG §7(2) Nr. 2 (trotz Widerspruch)", 0},
    {"ca", &en, "DO NOT CALL REQUEST: STOP SENDING TELEMARKETING FAXES",
     "CRTC Unsolicited Telecommunications Rules, Part II",
     "Under the CRTC Unsolicited Telecommunications Rules (Part II, Telemarketing Rules), I ask you to add the "
     "number(s) below to your internal do not call list and to send no further telemarketing faxes to them.",
     "A telemarketing fax sent to these numbers more than 30 days after this request breaches the Rules and will "
     "be reported to the National Do Not Call List operator and the CRTC.",
     "CRTC UTR Part II (repeat after do-not-call request)", 0},
    {"au", &en, "OPT-OUT: STOP SENDING MARKETING FAXES",
     "Telecommunications (Fax Marketing) Industry Standard 2021; Do Not Call Register Act 2006",
     "Under the Telecommunications (Fax Marketing) Industry Standard 2021 and the Do Not Call Register Act 2006, "
     "I withdraw any consent and ask you to send no further marketing faxes to the number(s) below.",
     "You must give effect to this request within 30 days. A marketing fax sent to these numbers after that "
     "breaches the Standard and will be reported to the Australian Communications and Media Authority (ACMA).",
     "Fax Marketing Industry Standard 2021 (opt-out ignored)", 0},
    {"eu", &en, "OBJECTION TO DIRECT MARKETING BY FAX",
     "Directive 2002/58/EC, article 13",
     "Under article 13 of Directive 2002/58/EC (privacy and electronic communications) and the national law that "
     "implements it, I object to any further direct marketing by fax to the number(s) below and withdraw any "
     "consent.",
     "Direct marketing by fax to these numbers more than 30 days after this objection is unlawful and will be "
     "reported to the national supervisory authority.",
     "Directive 2002/58/EC art 13 (repeat after objection)", 0},
};

static const char *const names[] = {"us", "uk", "fr", "de", "ca", "au", "eu", NULL};

_Static_assert(sizeof laws / sizeof laws[0] + 1 == sizeof names / sizeof names[0], "a name per wording");

const fg_optout_law *fg_optout_law_find(const char *profile)
{
    for (size_t i = 0; profile && i < sizeof laws / sizeof laws[0]; i++)
        if (!strcmp(laws[i].profile, profile))
            return &laws[i];
    return NULL;
}

const char *const *fg_optout_law_profiles(void)
{
    return names;
}
