/* faxgate host — the wording of complaint reports, one table per profile (report_labels.h).
 *
 * The field names follow each regulator's complaint form as it was when written: FCC "Unwanted
 * Calls" (junk fax) consumer complaint; CNIL "plainte" (prospection commerciale); the
 * Bundesnetzagentur's Beschwerde (Rufnummernmissbrauch / unerlaubte Telefaxwerbung); the ICO's
 * PECR / FPS report; the CRTC's National DNCL complaint; ACMA's Do Not Call / marketing fax
 * complaint. Check a form against its current version before relying on a label.
 */
#include <string.h>

#include "report_labels.h"

/* The wording every English-language profile shares; each adds what its own form asks for. */
#define EN_SHARED \
    .sec_fax = "The fax", \
    .from_config = "(from this site's configuration)", \
    .nsf = "Sending machine (NSF vendor, model)", \
    .pages = "Number of pages", \
    .printed = "Was the fax printed", \
    .printed_yes = "yes, printed", \
    .printed_no = "no, kept digitally only", \
    .not_recorded = "not recorded", \
    .not_sent = "none sent", \
    .adv_web = "Web sites", \
    .adv_email = "E-mail addresses", \
    .header = "Header line at the top of the fax", \
    .yes = "yes", \
    .no = "no", \
    .not_standing_note = "This fax was delivered or released: the rules below were checked but accuse no one.", \
    .violations_none = "none recorded", \
    .standing = "standing", \
    .pending = "pending", \
    .not_standing = "not standing", \
    .optouts_none = "no opt-out request on record", \
    .sec_evidence = "Evidence: hashes tying this report to the gateway's log", \
    .evidence_note = "Each page image and the received file are hashed (SHA-256) when the fax arrives; each "     \
                     "call's record is chained to the one before it. Re-checked when this report was made:", \
    .page_hash = "SHA-256 of page", \
    .tiff_hash = "SHA-256 of the received file", \
    .chain_hash = "Hash chain link of this call", \
    .chain_whole = "Hash chain of the whole log", \
    .matches = "matches the log", \
    .mismatch = "DOES NOT MATCH", \
    .recomputed = "recomputed now:", \
    .image_missing = "page image missing", \
    .col_call = "Call", \
    .col_date = "Date and time", \
    .col_number = "Receiving number", \
    .col_caller = "Caller ID", \
    .col_tsi = "TSI", \
    .col_pages = "Pages", \
    .col_printed = "Printed", \
    .total = "Total faxes", \
    .call = "Call", \
    .page = "page", \
    .of = "of"

static const fg_report_labels labels[] = {
    {
        EN_SHARED,
        .profile = "us",
        .excerpt = "What the fax advertised (its first lines, as read by OCR)",
        .letter = true,
        .title = "Junk fax complaint - facts for the FCC consumer complaint form",
        .authority = "File at https://consumercomplaints.fcc.gov (Phone > Unwanted Calls, junk fax); state attorney "
                     "general; private action under 47 USC 227(b)(3).",
        .date = "Date and time of fax",
        .receiving_number = "Number that received the fax",
        .line_type = "Type of line (home or business)",
        .line_business = "business",
        .line_person = "home / residential",
        .caller_id = "Fax number of sender (caller ID)",
        .tsi = "Fax number on the fax (sender's TSI)",
        .sec_advertiser = "What was advertised, and by whom",
        .advertiser = "Company advertised",
        .adv_numbers = "Numbers to call back",
        .adv_ticker = "Stock symbol promoted",
        .sec_sender = "Who sent it (the broadcaster)",
        .optout = "Did the fax have an opt-out notice",
        .optout_none = "no opt-out notice found",
        .optout_complies = "Does the notice meet 47 CFR 64.1200(a)(4)(iii)",
        .consent = "Did you give permission, or have a business relationship with the sender",
        .consent_none = "no: no consent or established business relationship on record",
        .sec_standing = "Rules broken",
        .sec_pending = "Pending violations (candidate, not yet an accusation)",
        .pending_note = "This fax is held for review: these rules would be broken if it is an advertisement. They "
                        "become violations when an operator marks the fax junk, and are withdrawn if it is released.",
        .sec_not_standing = "Violations not standing",
        .law = "Law",
        .source = "Text of the law",
        .sec_optouts = "Earlier opt-out requests to this sender",
        .summary_title = "Junk faxes from one advertiser - summary (statutory damages are counted per fax)",
        .col_rules = "Rules broken",
    },
    {
        .profile = "fr",
        .excerpt = "Objet de la publicité (début du texte, lu par OCR)",
        .letter = false,
        .title = "Plainte pour prospection par télécopie - éléments pour la CNIL",
        .authority = "Plainte en ligne sur https://www.cnil.fr/fr/plaintes (prospection commerciale par "
                     "télécopie), après une demande d'opposition restée sans effet ; signalement possible à la "
                     "DGCCRF.",
        .sec_fax = "La télécopie reçue",
        .date = "Date et heure de réception",
        .receiving_number = "Numéro destinataire",
        .line_type = "Ligne de particulier ou professionnelle",
        .line_business = "professionnelle (personne morale)",
        .line_person = "particulier (personne physique)",
        .from_config = "(selon la configuration du site)",
        .caller_id = "Numéro appelant (présentation du numéro)",
        .tsi = "Identifiant du télécopieur émetteur (TSI)",
        .nsf = "Appareil émetteur (fabricant, modèle)",
        .pages = "Nombre de pages",
        .printed = "Télécopie imprimée",
        .printed_yes = "oui, imprimée",
        .printed_no = "non, conservée sous forme numérique",
        .not_recorded = "non enregistré",
        .not_sent = "aucun",
        .sec_advertiser = "Objet de la publicité et annonceur",
        .advertiser = "Identité de l'annonceur",
        .adv_numbers = "Numéros à rappeler",
        .adv_web = "Sites web",
        .adv_email = "Adresses électroniques",
        .adv_ticker = "Titre boursier promu",
        .sec_sender = "Émetteur de la télécopie (diffuseur)",
        .header = "Ligne d'en-tête de la télécopie",
        .optout = "Moyen d'opposition indiqué",
        .optout_none = "aucun moyen d'opposition trouvé",
        .optout_complies = "Le moyen d'opposition est-il valable et gratuit (L34-5)",
        .yes = "oui",
        .no = "non",
        .consent = "Consentement préalable donné à l'annonceur",
        .consent_none = "non : aucun consentement enregistré",
        .sec_standing = "Manquements constatés",
        .sec_pending = "Manquements en attente (présumés, pas encore une accusation)",
        .pending_note = "Cette télécopie est retenue pour examen : ces règles seraient enfreintes s'il s'agit d'une "
                        "publicité. Les manquements sont retenus quand un opérateur la marque indésirable, retirés "
                        "si elle est libérée.",
        .sec_not_standing = "Manquements non retenus",
        .not_standing_note = "Cette télécopie a été remise ou libérée : les règles ci-dessous n'accusent personne.",
        .violations_none = "aucun",
        .standing = "retenu",
        .pending = "en attente",
        .not_standing = "non retenu",
        .law = "Texte",
        .source = "Source",
        .sec_optouts = "Demandes d'opposition antérieures",
        .optouts_none = "aucune demande d'opposition enregistrée",
        .sec_evidence = "Preuves : empreintes liant ce rapport au journal de la passerelle",
        .evidence_note = "Chaque image de page et le fichier reçu sont hachés (SHA-256) à la réception ; "
                         "l'enregistrement de chaque appel est chaîné au précédent. Vérifié à la création de ce "
                         "rapport :",
        .page_hash = "SHA-256 de la page",
        .tiff_hash = "SHA-256 du fichier reçu",
        .chain_hash = "Maillon de chaîne de cet appel",
        .chain_whole = "Chaîne de tout le journal",
        .matches = "correspond au journal",
        .mismatch = "NE CORRESPOND PAS",
        .recomputed = "recalculé maintenant :",
        .image_missing = "image de page manquante",
        .summary_title = "Télécopies d'un même annonceur - récapitulatif (une amende par message)",
        .col_call = "Appel",
        .col_date = "Date et heure",
        .col_number = "Numéro destinataire",
        .col_caller = "Numéro appelant",
        .col_tsi = "TSI",
        .col_pages = "Pages",
        .col_printed = "Imprimée",
        .col_rules = "Manquements",
        .total = "Nombre de télécopies",
        .call = "Appel",
        .page = "page",
        .of = "sur",
    },
    {
        .profile = "de",
        .excerpt = "Inhalt der Werbung (Anfang des Textes, per OCR gelesen)",
        .letter = false,
        .title = "Beschwerde über unerlaubte Telefaxwerbung - Angaben für die Bundesnetzagentur",
        .authority = "Beschwerde an die Bundesnetzagentur (https://www.bundesnetzagentur.de, Rufnummernmissbrauch, "
                     "Faxwerbung), wenn eine Rufnummer genannt ist; Unterlassungsanspruch nach UWG §8.",
        .sec_fax = "Das empfangene Fax",
        .date = "Datum und Uhrzeit des Eingangs",
        .receiving_number = "Ihre angerufene Faxnummer",
        .line_type = "Anschluss privat oder geschäftlich",
        .line_business = "geschäftlich",
        .line_person = "privat",
        .from_config = "(laut Konfiguration dieses Anschlusses)",
        .caller_id = "Rufnummer des Absenders (Anruferkennung)",
        .tsi = "Absenderkennung im Fax (TSI)",
        .nsf = "Sendegerät (Hersteller, Modell)",
        .pages = "Seitenzahl",
        .printed = "Ausgedruckt",
        .printed_yes = "ja, gedruckt",
        .printed_no = "nein, nur elektronisch aufbewahrt",
        .not_recorded = "nicht erfasst",
        .not_sent = "keine gesendet",
        .sec_advertiser = "Beworbenes Angebot und Werbender",
        .advertiser = "Beworbenes Unternehmen",
        .adv_numbers = "Im Fax genannte Rufnummern",
        .adv_web = "Internetadressen",
        .adv_email = "E-Mail-Adressen",
        .adv_ticker = "Beworbene Aktie (Kürzel)",
        .sec_sender = "Versender des Faxes",
        .header = "Kopfzeile des Faxes",
        .optout = "Widerspruchsmöglichkeit im Fax",
        .optout_none = "keine Widerspruchsmöglichkeit gefunden",
        .optout_complies = "Widerspruch zu Basistarifen möglich (UWG §7(2) Nr. 3)",
        .yes = "ja",
        .no = "nein",
        .consent = "Ausdrückliche Einwilligung erteilt",
        .consent_none = "nein: keine Einwilligung erfasst",
        .sec_standing = "Verstöße",
        .sec_pending = "Vorläufige Verstöße (Verdacht, noch kein Vorwurf)",
        .pending_note = "Dieses Fax wird zur Prüfung zurückgehalten: die Regeln unten wären verletzt, wenn es Werbung "
                        "ist. Sie gelten als Verstöße, sobald ein Bediener es als Werbemüll markiert, und entfallen, "
                        "wenn es freigegeben wird.",
        .sec_not_standing = "Nicht erhobene Verstöße",
        .not_standing_note = "Dieses Fax wurde zugestellt oder freigegeben: die Regeln unten begründen keinen Vorwurf.",
        .violations_none = "keine",
        .standing = "erhoben",
        .pending = "vorläufig",
        .not_standing = "nicht erhoben",
        .law = "Rechtsgrundlage",
        .source = "Gesetzestext",
        .sec_optouts = "Frühere Widersprüche gegenüber diesem Absender",
        .optouts_none = "kein Widerspruch erfasst",
        .sec_evidence = "Nachweis: Prüfsummen, die diesen Bericht mit dem Protokoll verbinden",
        .evidence_note = "Jede Seite und die empfangene Datei werden beim Eingang gehasht (SHA-256); jeder Eintrag ist "
                         "mit dem vorherigen verkettet. Beim Erstellen dieses Berichts erneut geprüft:",
        .page_hash = "SHA-256 der Seite",
        .tiff_hash = "SHA-256 der empfangenen Datei",
        .chain_hash = "Kettenglied dieses Anrufs",
        .chain_whole = "Kette des gesamten Protokolls",
        .matches = "stimmt mit dem Protokoll überein",
        .mismatch = "STIMMT NICHT ÜBEREIN",
        .recomputed = "jetzt neu berechnet:",
        .image_missing = "Seitenbild fehlt",
        .summary_title = "Werbefaxe eines Werbenden - Übersicht (je Fax ein Verstoß)",
        .col_call = "Anruf",
        .col_date = "Datum und Uhrzeit",
        .col_number = "Angerufene Nummer",
        .col_caller = "Anruferkennung",
        .col_tsi = "TSI",
        .col_pages = "Seiten",
        .col_printed = "Gedruckt",
        .col_rules = "Verstöße",
        .total = "Anzahl der Faxe",
        .call = "Anruf",
        .page = "Seite",
        .of = "von",
    },
    {
        EN_SHARED,
        .profile = "uk",
        .excerpt = "What the fax marketed (its first lines, as read by OCR)",
        .letter = false,
        .title = "Unsolicited marketing fax - facts for an ICO / Fax Preference Service complaint",
        .authority = "Report to the Fax Preference Service (https://www.fpsonline.org.uk, within 3 months, with a "
                     "copy of the fax) or to the ICO (https://ico.org.uk/make-a-complaint/nuisance-calls-and-"
                     "messages/).",
        .date = "Date and time the fax was received",
        .receiving_number = "Your fax number that received it",
        .line_type = "Subscriber type (individual or corporate)",
        .line_business = "corporate subscriber",
        .line_person = "individual subscriber",
        .caller_id = "Number the fax came from (caller ID)",
        .tsi = "Sender's fax identity on the fax (TSI)",
        .sec_advertiser = "What was marketed, and by whom",
        .advertiser = "Name of the company marketing",
        .adv_numbers = "Numbers given on the fax",
        .adv_ticker = "Shares promoted",
        .sec_sender = "Who sent it",
        .optout = "Sender's name and address or freephone number given",
        .optout_none = "no opt-out or contact details found",
        .optout_complies = "Do the details meet PECR reg. 24",
        .consent = "Did you consent to these faxes",
        .consent_none = "no: no consent on record",
        .sec_standing = "Regulations breached",
        .sec_pending = "Pending breaches (candidate, not yet an accusation)",
        .pending_note = "This fax is held for review: these regulations would be breached if it is marketing. They "
                        "stand when an operator marks the fax junk, and are withdrawn if it is released.",
        .sec_not_standing = "Breaches not standing",
        .law = "Law",
        .source = "Text of the law",
        .sec_optouts = "Earlier requests to stop",
        .summary_title = "Marketing faxes from one sender - summary",
        .col_rules = "Regulations breached",
    },
    {
        EN_SHARED,
        .profile = "ca",
        .excerpt = "What the fax offered (its first lines, as read by OCR)",
        .letter = true,
        .title = "Unsolicited telecommunication (fax) - facts for a National DNCL / CRTC complaint",
        .authority = "File at https://lnnte-dncl.gc.ca (Make a complaint, fax) within 21 days of the fax; the CRTC "
                     "enforces the Unsolicited Telecommunications Rules.",
        .date = "Date and time of the fax",
        .receiving_number = "Your telephone or fax number",
        .line_type = "Residential or business number",
        .line_business = "business",
        .line_person = "residential",
        .caller_id = "Telemarketer's number (caller ID)",
        .tsi = "Fax number shown on the fax (TSI)",
        .sec_advertiser = "What was offered, and by whom",
        .advertiser = "Name of the company or client",
        .adv_numbers = "Numbers given on the fax",
        .adv_ticker = "Shares promoted",
        .sec_sender = "Telemarketer (who sent it)",
        .optout = "Name, contact numbers and address given on page 1",
        .optout_none = "no identification or opt-out details found",
        .optout_complies = "Does page 1 meet the Telemarketing Rules' identification",
        .consent = "Did you consent, or have a business relationship with the company",
        .consent_none = "no: no consent or business relationship on record",
        .sec_standing = "Rules broken",
        .sec_pending = "Pending violations (candidate, not yet an accusation)",
        .pending_note = "This fax is held for review: these rules would be broken if it is telemarketing. They stand "
                        "when an operator marks the fax junk, and are withdrawn if it is released.",
        .sec_not_standing = "Violations not standing",
        .law = "Rules",
        .source = "Text of the rules",
        .sec_optouts = "Earlier do-not-call requests to this telemarketer",
        .summary_title = "Faxes from one telemarketer - summary (penalties are counted per violation)",
        .col_rules = "Rules broken",
    },
    {
        EN_SHARED,
        .profile = "au",
        .excerpt = "What the fax marketed (its first lines, as read by OCR)",
        .letter = false,
        .title = "Unsolicited marketing fax - facts for an ACMA complaint",
        .authority = "Complain to the ACMA (https://www.acma.gov.au/complain-about-telemarketing-or-marketing-fax) "
                     "if your number is on the Do Not Call Register or the fax broke the Fax Marketing Industry "
                     "Standard.",
        .date = "Date and time of the fax",
        .receiving_number = "Number that received the fax",
        .line_type = "Home or business number",
        .line_business = "business",
        .line_person = "home",
        .caller_id = "Number the fax came from (caller ID)",
        .tsi = "Fax number shown on the fax (TSI)",
        .sec_advertiser = "What was marketed, and by whom",
        .advertiser = "Business or product marketed",
        .adv_numbers = "Numbers given on the fax",
        .adv_ticker = "Shares promoted",
        .sec_sender = "Who sent it",
        .optout = "Opt-out instructions on the fax",
        .optout_none = "no opt-out instructions found",
        .optout_complies = "Does the fax meet the Fax Marketing Industry Standard",
        .consent = "Did you consent to receive these faxes",
        .consent_none = "no: no consent on record",
        .sec_standing = "Rules broken",
        .sec_pending = "Pending violations (candidate, not yet an accusation)",
        .pending_note = "This fax is held for review: these rules would be broken if it is marketing. They stand when "
                        "an operator marks the fax junk, and are withdrawn if it is released.",
        .sec_not_standing = "Violations not standing",
        .law = "Law",
        .source = "Text of the law",
        .sec_optouts = "Earlier opt-out requests to this sender",
        .summary_title = "Marketing faxes from one sender - summary",
        .col_rules = "Rules broken",
    },
    {
        EN_SHARED,
        .profile = "eu",
        .excerpt = "What the fax advertised (its first lines, as read by OCR)",
        .letter = false,
        .title = "Unsolicited fax advertisement - facts for a complaint",
        .authority = "File with the national authority that enforces Directive 2002/58/EC art. 13 (ePrivacy) in the "
                     "country of the receiving line.",
        .date = "Date and time received",
        .receiving_number = "Receiving fax number",
        .line_type = "Subscriber (natural or legal person)",
        .line_business = "legal person (business)",
        .line_person = "natural person",
        .caller_id = "Calling number (caller ID)",
        .tsi = "Sender's fax identity (TSI)",
        .sec_advertiser = "What was advertised, and by whom",
        .advertiser = "Advertiser",
        .adv_numbers = "Numbers given on the fax",
        .adv_ticker = "Shares promoted",
        .sec_sender = "Who sent it",
        .optout = "Opt-out address on the fax",
        .optout_none = "no opt-out address found",
        .optout_complies = "Is the opt-out address valid",
        .consent = "Prior consent given",
        .consent_none = "no: no consent on record",
        .sec_standing = "Rules broken",
        .sec_pending = "Pending violations (candidate, not yet an accusation)",
        .pending_note = "This fax is held for review: these rules would be broken if it is an advertisement. They "
                        "stand when an operator marks the fax junk, and are withdrawn if it is released.",
        .sec_not_standing = "Violations not standing",
        .law = "Law",
        .source = "Text of the law",
        .sec_optouts = "Earlier opt-out requests to this sender",
        .summary_title = "Faxes from one advertiser - summary",
        .col_rules = "Rules broken",
    },
};

#define NLABELS (sizeof labels / sizeof labels[0])

const fg_report_labels *fg_report_labels_for(const char *profile)
{
    const fg_report_labels *generic = NULL;

    for (size_t i = 0; i < NLABELS; i++) {
        if (profile && !strcmp(labels[i].profile, profile))
            return &labels[i];
        if (!strcmp(labels[i].profile, "eu"))
            generic = &labels[i];
    }
    return generic;
}

const fg_report_labels *fg_report_labels_at(int index)
{
    return index >= 0 && (size_t)index < NLABELS ? &labels[index] : NULL;
}
