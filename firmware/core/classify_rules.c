/* faxgate — the classifier's word lists (rules: classify_vocab.c; weights and reasons: classify.c,
 * docs/rules.md).
 *
 * Word lists are folded (lower case, no accents) and matched at word boundaries; '*'
 * at an end allows a longer word ("gratuit*" = gratuit, gratuite, gratuitement).
 */
#include <stddef.h>

#include "classify_impl.h"

/* AD_PROMO_VOCAB. 0.6: only sales copy says it; 0.3: a topic junk faxes sell, found in real mail too. */
const fg_term fg_w_promo[] = {
    {"free", .6f}, {"special offer", .6f}, {"offer*", .3f}, {"save", .5f}, {"savings", .5f},
    {"discount*", .5f}, {"lowest", .5f}, {"best price*", .6f}, {"low price*", .5f}, {"bargain*", .6f},
    {"deal", .4f}, {"deals", .5f}, {"sale", .4f}, {"clearance", .5f}, {"promotion*", .5f}, {"promo", .5f},
    {"exclusive", .4f}, {"guarantee*", .4f}, {"bonus", .5f}, {"gift", .4f}, {"prize", .6f}, {"win", .4f},
    {"winner", .6f}, {"amazing", .6f}, {"incredible", .6f}, {"unbeatable", .6f}, {"opportunity", .4f},
    {"no obligation", .6f}, {"risk-free", .6f}, {"risk free", .6f}, {"money back", .6f}, {"pre-approved", .6f},
    {"qualify", .4f}, {"introductory", .5f}, {"brand new", .4f}, {"wholesale", .4f}, {"cheap*", .5f},
    {"affordable", .4f}, {"per month", .3f}, {"/month", .3f}, {"per night", .3f}, {"vacation*", .4f},
    {"cruise*", .4f}, {"getaway", .5f}, {"resort", .3f}, {"all-inclusive", .4f}, {"timeshare*", .4f},
    {"mortgage*", .3f}, {"refinanc*", .4f}, {"loan*", .3f}, {"debt", .3f}, {"insurance", .3f},
    {"toner", .3f}, {"cartridge*", .3f}, {"ink", .2f}, {"seminar*", .3f}, {"webinar*", .3f}, {"workshop*", .2f},
    {"stock tip*", .6f}, {"stock alert", .6f}, {"hot stock", .6f}, {"investor*", .3f}, {"profit*", .4f},
    {"earn", .4f}, {"income", .3f}, {"seo", .4f}, {"search engine*", .4f}, {"first page of google", .6f},
    {"website design", .4f}, {"leads", .3f}, {"advertis*", .3f}, {"catalog*", .3f}, {"brochure", .3f},
    {"menu", .3f}, {"catering", .3f}, {"lunch special*", .5f}, {"specials", .4f}, {"new customers", .5f},
    {"trial", .3f}, {"samples", .3f}, {"satisfaction", .4f}, {"lowest rates", .6f}, {"low rates", .5f},
    {"rates as low as", .6f}, {"as low as", .5f}, {"up to", .2f}, {"limited", .3f},
    {"short-term target", .6f}, {"price target", .6f}, {"insiders", .4f}, {"explod*", .4f}, {"shares", .2f},
    {"ticker", .4f}, {"directory listing", .4f}, {"business directory", .4f}, {"automatically renew*", .4f},
    {"google", .3f}, {"per person", .3f}, {"catering", .3f}, {"get your free", .6f},
    /* French */
    {"gratuit*", .6f}, {"offre*", .4f}, {"offert*", .5f}, {"promotion*", .5f}, {"remise*", .5f},
    {"reduction*", .4f}, {"profitez", .6f}, {"exceptionnel*", .5f}, {"exclusi*", .4f}, {"soldes", .5f},
    {"prix casse*", .6f}, {"meilleur prix", .6f}, {"petits prix", .6f}, {"prix grossiste*", .6f},
    {"grossiste*", .4f}, {"destockage", .6f}, {"economisez", .6f}, {"economies", .4f}, {"cadeau*", .5f},
    {"a saisir", .6f}, {"imbattable*", .6f}, {"decouvrez", .4f}, {"nouveaute*", .4f}, {"sans engagement", .6f},
    {"credit*", .3f}, {"pret*", .3f}, {"rachat de credit*", .5f}, {"taux", .2f}, {"mutuelle*", .3f},
    {"sejour*", .3f}, {"croisiere*", .4f}, {"vacances", .3f}, {"formation*", .2f}, {"seminaire*", .3f},
    {"defiscalis*", .5f}, {"placement*", .3f}, {"cartouche*", .3f}, {"livraison gratuite", .6f},
    {"livraison offerte", .6f}, {"franco de port", .4f}, {"tarif*", .2f}, {"referencement", .4f},
    {"jusqu'a -*", .5f}, {"bon plan*", .6f}, {"prix choc", .6f}, {"a partir de", .3f},
    {"annuaire*", .3f}, {"insertion publicitaire", .6f}, {"publicit*", .3f}, {"traiteur", .3f},
    {"plateaux-repas", .3f}, {"par mois", .3f}, {"par personne", .2f},
    /* German */
    {"kostenlos*", .6f}, {"gratis", .6f}, {"angebot*", .3f}, {"sonderangebot*", .6f}, {"aktion*", .4f},
    {"rabatt*", .5f}, {"preisnachlass", .5f}, {"gunstig*", .4f}, {"sparen", .5f}, {"sie sparen", .6f},
    {"schnappchen", .6f}, {"exklusiv*", .4f}, {"neukunden", .5f}, {"gutschein*", .5f}, {"geschenk*", .5f},
    {"gewinn*", .4f}, {"unverbindlich*", .5f}, {"reise*", .3f}, {"kreuzfahrt*", .4f}, {"urlaub*", .3f},
    {"kredit*", .3f}, {"darlehen", .3f}, {"zinsen", .2f}, {"versicherung*", .2f}, {"seminar*", .3f},
    {"schulung*", .2f}, {"weiterbildung*", .2f}, {"patronen", .3f}, {"buromaterial*", .3f},
    {"versandkostenfrei", .6f}, {"aktionspreis*", .6f}, {"tiefpreis*", .6f}, {"bestpreis*", .6f},
    {"top-preis*", .6f}, {"preishammer", .6f}, {"ab sofort", .3f}, {"nur", .2f}, {"statt", .3f},
    {"*rabatt*", .5f}, {"fruhbucher*", .5f}, {"erleben sie", .4f}, {"last minute", .5f}, {"p. p.", .3f},
    {"pro person", .3f}, {"im monat", .3f}, {"top-platzierung*", .5f}, {"branchenbuch*", .4f},
    {"verlangert sich automatisch", .4f}, {"mittagstisch", .3f}, {"wochenkarte", .3f}, {NULL, 0}};

/* The fax is a coupon: a code to quote or the page to bring along, so that the seller can count
   what the mailing brought in. No business fax asks its reader to prove where they read it. */
const char *const fg_w_redeem[] = {
    "mention code", "mention the code", "mention our code", "mention promo", "mention this fax",
    "mention the fax", "mention fax", "mention this ad", "mention this offer", "bring this fax",
    "bring the fax", "bring this flyer", "bring this coupon", "present this fax", "present this coupon",
    "promo code", "promotional code", "use code", "discount code", "coupon code", "code promo",
    "code avantage", "sur presentation de ce fax", "sur presentation de ce coupon", "sur presentation du fax",
    "mit diesem fax", "dieses fax mit", "aktionscode", "gutscheincode", "rabattcode", NULL};
const char *const fg_w_urgency[] = {
    "limited time", "act now", "today only", "offer expires", "offer ends", "expires", "ends soon", "hurry",
    "while supplies last", "don't miss", "do not miss", "last chance", "only a few", "limited availability",
    "limited seats", "limited space", "deadline", "before it's too late", "respond by", "this week only",
    "don't delay", "offre limitee", "dans la limite des stocks", "jusqu'a epuisement", "derniers jours",
    "places limitees", "ne tardez pas", "derniere chance", "offre valable jusqu'au", "valable jusqu'au",
    "nur noch", "solange der vorrat reicht", "solange vorrat reicht", "nur bis", "begrenzt*", "letzte chance",
    "nicht verpassen", "befristet*", "nur heute", "nur diese woche", "nur fur kurze zeit", "gultig bis", NULL};

/* AD_FREE_OFFER: a free service to hook a buyer ("free quote", "devis gratuit", "kostenlose Beratung"). */
const char *const fg_w_free_offer[] = {
    "free quote", "free estimate", "free trial", "free consultation", "free assessment", "free evaluation",
    "free analysis", "free audit", "free demo", "free demonstration", "free sample", "free samples",
    "free inspection", "free review", "free site survey", "no-cost consultation", "no-cost assessment",
    "no obligation quote", "devis gratuit", "devis gratuits", "essai gratuit", "visite gratuite",
    "audit gratuit", "diagnostic gratuit", "etude gratuite", "bilan gratuit", "echantillon gratuit",
    "echantillons gratuits", "consultation gratuite", "demonstration gratuite", "rendez-vous gratuit",
    "kostenlose beratung", "kostenloses angebot", "kostenlose probe", "kostenloser test", "kostenlose analyse",
    "kostenlose muster", "gratis probe", "kostenloser check", "kostenlose erstberatung",
    "unverbindliches angebot", "unverbindliche beratung", "kostenlos und unverbindlich", NULL};

/* AD_MEAL_OR_STAY_OFFER: the week's lunch menu, a happy hour, a weekend room rate, faxed to offices
   with a price and a number to order or book. */
const char *const fg_w_meal_stay[] = {
    "menu du jour", "plat du jour", "plats du jour", "formule midi", "formule dejeuner", "menu de la semaine",
    "menus de la semaine", "livraison au bureau", "livres au bureau", "mittagstisch", "tagesgericht*",
    "tageskarte", "wochenkarte", "mittagsmenu*", "mittagsangebot*", "lieferung ins buro", "lunch special*",
    "daily special*", "lunch menu", "happy hour", "dish of the day", "office lunch*", "delivered to your office",
    "weekend rate", "weekend package", "winter rate", "forfait week-end", "tarif week-end", "offre week-end",
    "wochenendangebot", "wochenendpauschale", "wochenend-arrangement", NULL};

/* AD_OFFER_DEADLINE: a discount or gift on the same line as the date it ends. */
const char *const fg_w_offer_marks[] = {
    "%", "free", "gratuit*", "offert*", "kostenlos*", "gratis", "remise", "rabatt", "discount", "reduction",
    "geschenk*", "bonus", NULL};
const char *const fg_w_deadline_marks[] = {
    "before", "until", "expires", "ends", "avant le", "jusqu'au", "d'ici le", "bis zum", "bis ", "gultig bis",
    "nur bis", NULL};
/* Early-payment terms on invoices also pair a percentage with a date: not an offer. */
const char *const fg_w_payment_terms[] = {
    "skonto", "escompte", "early payment", "net 30", "net 15", "zahlbar", "payable", "paiement", "payment",
    "zahlung", "reglement", NULL};

const char *const fg_w_cta[] = {
    "call now", "call today", "call us today", "call toll free", "call toll-free", "order now", "order today",
    "reserve now", "book now", "register now", "sign up", "visit our website", "visit us at", "visit www",
    "for more information call", "request your free", "call for a free", "fax back", "appelez vite",
    "appelez-nous", "appelez des maintenant", "appelez le", "commandez*", "reservez*", "inscrivez-vous",
    "contactez-nous", "n'hesitez pas", "jetzt bestellen", "jetzt anrufen", "rufen sie jetzt an",
    "rufen sie uns an", "rufen sie an", "jetzt anmelden", "melden sie sich", "bestellen sie", "fordern sie",
    "informieren sie sich", "jetzt buchen", "sichern sie sich", "jetzt kostenlos*", "ruckruf anfordern",
    "jetzt anfordern", "demandez", "profitez-en", "contactez", "telephonez", "des aujourd'hui", "confiez-nous",
    "kontaktieren sie", "rufen sie", NULL};

/* AD_SOLICITATION_DISCLAIMER: what a look-alike of an official form or an invoice must print to stay
   (barely) legal: in the US the solicitation notice of 39 USC 3001(d) and the "not a government
   agency" line state laws require on compliance-filing offers; the same lines in French and German.
   A business fax has no reason to say it. ("This is not a bill" is left out: insurers print it on
   every explanation of benefits.) */
const char *const fg_w_disclaimer[] = {
    "this is a solicitation", "is a solicitation for", "not a government agency", "not a governmental agency",
    "not affiliated with any government", "not affiliated with the state", "not approved or endorsed by any government",
    "not been approved or endorsed by any government", "not endorsed by any government",
    "n'est pas un organisme officiel", "n'est pas une administration", "aucun lien avec l'administration",
    "organisme prive", "ne s'agit pas d'une facture", "keine behorde", "kein amtliches", "keine amtliche",
    "nicht amtlich", "handelt sich nicht um eine rechnung", "handelt sich um ein angebot",
    /* the bill that is an offer (39 USC 3001(d) makes US senders print "not a bill, invoice, or
       statement of account due"): "Document valant proposition commerciale", "Dieses Schreiben ist
       ein Angebot … keine Zahlungspflicht". Not "this is not a bill" alone: an insurer's explanation
       of benefits says it, a delivery note says "keine Rechnung". */
    "statement of account due", "no obligation to pay", "under no obligation to pay",
    "valant proposition commerciale", "aucune commande prealable", "n'est du qu'apres acceptation",
    "ceci est une offre", "il s'agit d'une offre", "aucune obligation de paiement", "sans obligation de paiement",
    "schreiben ist ein angebot", "keine zahlungspflicht", "keine verpflichtung zur zahlung", "privates verzeichnis",
    "kommt erst mit zahlung", "kommt erst mit der zahlung", NULL};

/* AD_DIRECTORY_OFFER: "update your entry" forms whose signature orders a paid listing. */
const char *const fg_w_directory[] = {
    "annuaire*", "branchenbuch*", "branchenverzeichnis*", "firmenverzeichnis*", "*-register", "online-register*",
    "eintragungsantrag", "directory listing", "business directory", "listing renewal", "registre professionnel",
    "insertion publicitaire", "gewerbeauskunft*", NULL};
const char *const fg_w_signing[] = {"sign", "signed", "signing", "signature", "signez", "signant", "signe",
                                      "unterschrift*", "unterschreiben", "unterschrieben", NULL};
/* The scam's pretext: "verify / correct / update your entry or company data". */
const char *const fg_w_entry_update[] = {
    "verify your listing", "verify your entry", "update your listing", "update your entry",
    "verify your company information", "verify your business information", "confirm your listing",
    "your listing", "your entry", "votre entreprise figure", "vos donnees", "mise a jour de votre",
    "formulaire de mise a jour", "verifier, de corriger", "verifier et corriger", "votre inscription",
    "ihre firmendaten", "firmendaten", "ihren eintrag", "ihr eintrag", "eintragung", "erfassungsbogen",
    "zu uberprufen", "zu korrigieren", "vervollstandigung", NULL};
/* The fine print: the signature buys a listing for a fee per year or a term of years. */
const char *const fg_w_yearly_fee[] = {
    "per year", "per annum", "annual fee", "annually", "a year", "yearly", "for three years",
    "for 3 years", "3-year", "three-year", "par an", "/an", "annuel*", "pendant trois ans",
    "duree de trois ans", "duree de 3 ans", "trois ans", "3 ans", "pro jahr", "jahrlich",
    "jahresbeitrag", "jahresgebuhr", "vertragslaufzeit", "laufzeit", "3 jahre", "drei jahre", NULL};

/* AD_PRIZE: "you have won" notices, a junk-fax classic whose "claim number" is bait. */
const char *const fg_w_prize[] = {
    "congratulations", "you have been selected", "has been selected", "have been chosen", "you have won",
    "you've won", "you are a winner", "claim your", "award package", "your award", "prize", "sweepstakes",
    "drawn in our", "felicitations", "vous avez gagne", "vous avez ete selectionne*", "gagnant*",
    "tirage au sort", "votre gain", "gewonnen", "gewinner", "gewinnbenachrichtigung",
    "herzlichen gluckwunsch", "verlosung", "ihr gewinn", "ausgelost", "selection notice", "avis de selection",
    "ete retenue pour beneficier", "ete retenu pour beneficier", "lors du tirage", "wurde ausgewahlt",
    "wurden ausgewahlt", "auswahlbenachrichtigung", NULL};

/* BIZ_MEMBER_NOTICE: an organisation writing to its own members (membership is the permission). */
const char *const fg_w_member[] = {
    "member services", "member number", "membership number", "your membership", "dues", "members register",
    "our members", "annual meeting", "mitgliedsbetriebe", "mitglieder", "mitgliederversammlung", "innung*",
    "mitgliedsnummer", "adherents", "cotisation*", "assemblee generale", "numero d'adherent", NULL};
const char *const fg_w_member_recruit[] = {"become a member", "join now", "join today", "devenez membre",
                                             "adherez", "werden sie mitglied", "jetzt mitglied", NULL};

/* AD_ORDER_BY_FAX: the junk-fax business model, an order placed by faxing the page back. */
const char *const fg_w_order_form[] = {
    "order by fax", "fax your order", "fax order form", "order form", "fax this form to order",
    "yes, please send", "yes! please", "yes, i would like", "yes, send me", "yes! send me", "yes, i want",
    "yes! i want", "commande par fax", "commandez par fax", "bon de commande a retourner", "oui, je souhaite",
    "oui, je desire", "oui, envoyez", "oui, je veux", "ja, ich mochte", "ja, senden sie", "ja, ich will",
    "bestellschein", "bestellfax", "per fax bestellen", "faxbestellung", NULL};
/* Return-this-form phrases: ads use them, and so do credit applications, recall acknowledgments and
   forms a business asked for; they weigh half as much. */
const char *const fg_w_return_form[] = {
    "fax back", "fax-back", "faxback", "return by fax", "reply by fax", "fax this form", "fax this page back",
    "please send me more information", "[ ] yes", "a retourner par fax", "retournez ce", "coupon-reponse",
    "coupon reponse", "retour par fax", "retourner ce document", "renvoyer par fax", "ja, bitte",
    "faxantwort", "antwortfax", "ruckfax", "antwortformular", "ruckantwort per fax",
    "formular unterschrieben zuruck", "per fax zuruck", NULL};

/* AD_COLD_PITCH: a seller introducing itself to a stranger ("Sentinel has protected businesses in the
   Baltimore area for 22 years, and we would welcome the opportunity to quote your building"). The
   sober letters that sell services carry no prices, no "free" and no urgency, but they present the
   company, its years and its references, and offer to come by without obligation. A supplier
   writing to its customers rarely does: they know it already. */
const char *const fg_w_pitch[] = {
    "welcome the opportunity", "would appreciate the opportunity", "we specialize in", "we specialise in",
    "specializing in", "specialising in", "allow us to introduce", "we are pleased to introduce",
    "let us introduce", "let me introduce", "introduce our company", "current customers include",
    "our clients include", "our customers include", "references are available", "references available",
    "references on request", "family-owned", "family owned", "locally owned", "licensed & insured",
    "licensed and insured", "fully insured", "no obligation", "no-obligation", "without obligation",
    "at no cost to you", "no-cost", "years of experience", "years in business", "has served",
    "has protected", "has been serving", "have been serving", "we would be happy to quote",
    "we'd be happy to quote", "permettez-nous de vous presenter", "nous avons le plaisir de vous presenter",
    "nous sommes specialises", "specialiste de", "specialistes de", "sans engagement",
    "parmi nos clients", "nos references", "references sur demande", "entreprise familiale",
    "depuis plus de", "annees d'experience", "ans d'experience", "nous intervenons", "se deplace gratuitement",
    "wir sind spezialisiert", "spezialisiert auf", "mochten wir uns vorstellen", "mochten wir ihnen vorstellen",
    "darf ich mich vorstellen", "durfen wir uns vorstellen", "unverbindlich*", "ohne verpflichtung",
    "zu unseren kunden zahlen", "referenzen auf anfrage", "familienunternehmen", "meisterbetrieb",
    "jahre erfahrung", "jahren erfahrung", "seit uber", "seit 19*", "wir kommen gern", "kommen gerne",
    NULL};

/* Salutations to nobody in particular: mailing lists. */
const char *const fg_w_generic[] = {
    "dear business owner", "dear business professional", "dear friend", "dear valued", "dear customer",
    "dear doctor", "dear physician", "dear health care professional", "dear healthcare professional",
    "dear office manager", "dear homeowner", "dear traveler", "dear traveller", "dear investor",
    "dear medical professional", "dear practice manager", "dear decision maker", "attention: office manager",
    "attn: office manager", "attention business owner", "attention: business owner", "to: business owner",
    "to: office manager", "to: purchasing manager", "to: decision maker", "to: the owner", "to: owner",
    "to: manager", "to: practice manager", "to: physician", "cher professionnel", "chers professionnels",
    "cher client", "chere cliente", "chers clients", "cher commercant", "a l'attention du gerant",
    "a l'attention du responsable", "attention gerant", "liebe kunden", "lieber kunde", "liebe kundin",
    "an die geschaftsleitung", "an den inhaber", "an die praxis", "an alle", "liebe praxisinhaber*", NULL};

/* BIZ_DOC_TYPE: the kind of document. Strong ones also count as a title on their own line;
   weak ones only with a number next to them ("Quote #Q-1142", "Case No. 26-CV-0142"). */
const fg_term fg_w_doctype[] = {
    {"invoice", 1}, {"purchase order", 1}, {"p.o", 0}, {"po", 0}, {"prescription", 1}, {"rx", 0},
    {"refill request", 1}, {"refill authorization", 1}, {"lab results", 1}, {"laboratory report", 1},
    {"test results", 1}, {"pathology report", 1}, {"discharge summary", 1}, {"referral", 0},
    {"summons", 1}, {"subpoena", 1}, {"docket", 0}, {"case", 0}, {"notice of hearing", 1}, {"court", 0},
    {"bill of lading", 1}, {"packing slip", 1}, {"packing list", 1}, {"delivery note", 1},
    {"shipping confirmation", 1}, {"shipment notification", 1}, {"remittance", 1}, {"statement of account", 1},
    {"account statement", 1}, {"credit memo", 1}, {"debit memo", 1}, {"receipt", 0}, {"quote", 0},
    {"quotation", 0}, {"estimate", 0}, {"contract", 0}, {"agreement", 0}, {"work order", 1},
    {"change order", 1}, {"timesheet", 1}, {"confirmation", 0}, {"reservation", 0}, {"claim", 0},
    {"policy", 0}, {"memorandum", 1}, {"minutes", 0}, {"pay stub", 1}, {"payroll", 0}, {"w-9", 1},
    {"wire instructions", 1}, {"transcript", 0}, {"permission slip", 1}, {"enrollment form", 1},
    {"facture", 1}, {"bon de commande", 1}, {"devis", 0}, {"ordonnance", 1}, {"resultats d'analyse*", 1},
    {"compte rendu", 1}, {"contrat", 0}, {"avenant", 0}, {"assignation", 1}, {"convocation", 1},
    {"jugement", 1}, {"tribunal", 0}, {"greffe", 0}, {"bon de livraison", 1}, {"avis d'expedition", 1},
    {"releve de compte", 1}, {"releve", 0}, {"avis de virement", 1}, {"avoir", 0}, {"attestation", 0},
    {"bulletin de salaire", 1}, {"proces-verbal", 1}, {"mise en demeure", 1}, {"dossier", 0},
    {"rechnung", 1}, {"bestellung", 0}, {"auftragsbestatigung", 1}, {"lieferschein", 1},
    {"kostenvoranschlag", 0}, {"angebot", 0}, {"rezept", 0}, {"verordnung", 0}, {"befund", 1},
    {"laborbefund", 1}, {"arztbrief", 1}, {"vertrag", 0}, {"ladung", 0}, {"beschluss", 0}, {"urteil", 0},
    {"gutschrift", 1}, {"mahnung", 1}, {"zahlungserinnerung", 1}, {"kontoauszug", 1},
    {"buchungsbestatigung", 1}, {"reservierungsbestatigung", 1}, {"versandbestatigung", 1},
    {"frachtbrief", 1}, {"protokoll", 0}, {"bescheinigung", 0}, {"lohnabrechnung", 1}, {"vollmacht", 0},
    {"kundigung", 0}, {NULL, 0}};

const char *const fg_w_cover_fields[] = {
    "to:", "from:", "re:", "subject:", "pages:", "attn:", "date:", "cc:", "fax:", "phone:", "company:",
    "de :", "a :", "objet :", "objet:", "pages :", "an:", "von:", "betreff:", "seiten:", "datum:", "firma:",
    "z.hd", "zu handen", "tel:", "telephone :", "date :", "de:", "a:", NULL};
const char *const fg_w_cover_strong[] = {
    "number of pages", "no. of pages", "total pages", "including cover", "incl. cover", "fax cover",
    "cover sheet", "cover page", "page de garde", "bordereau de transmission", "nombre de pages",
    "y compris", "deckblatt", "faxmitteilung", "faxnachricht", "telefax-mitteilung", "seitenzahl",
    "anzahl der seiten", NULL};
/* A page that says it is confidential, or the disclaimer a sender prints for one reader. The
   adjectives, not the nouns: "signed confidentiality agreements", "zur Vertraulichkeit verpflichtet",
   "HIPAA documentation" are what a seller promises, not marks of a fax written for one reader (on
   tune6's sober service letters they kept three ads from BAYES_UNOPPOSED). */
const char *const fg_w_confidential[] = {
    "confidential", "confidentiel*", "privileged", "confidentiality notice", "confidentiality statement",
    "protected health information", "intended only for", "intended solely for", "if you have received this",
    "received this fax in error", "received this communication in error", "received this transmission in error",
    "est confidentiel", "strictement confidentiel", "si vous avez recu ce", "par erreur", "vertraulich",
    "vertrauliche*", "vertraulichkeitshinweis", "irrtumlich*", "nur fur den adressaten", "nicht der adressat",
    NULL};
/* A seller's promise of discretion, not a notice about the page itself. */
const char *const fg_w_confidential_promise[] = {
    "de maniere confidentielle", "de maniere strictement confidentielle", "de facon confidentielle",
    "en toute confidentialite", "traites confidentiellement", "free, confidential", "free confidential",
    "confidential consultation", "confidential evaluation", "confidential review", "handled confidentially",
    "kept confidential", "streng vertraulich behandelt", "vertraulich behandelt", "diskret und vertraulich", NULL};
const char *const fg_w_signature[] = {
    "sincerely", "regards", "yours truly", "respectfully", "cordially", "cordialement", "bien a vous",
    "veuillez agreer", "je vous prie d'agreer", "salutations distinguees", "mit freundlichen grussen",
    "freundliche grusse", "mfg", "hochachtungsvoll", "viele grusse", "beste grusse", NULL};
const char *const fg_w_titles[] = {"dr", "dr.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "miss", "prof",
                                     "prof.", "professor", "judge", "maitre", "me", "docteur", "monsieur",
                                     "madame", "frau", "herr", "herrn", NULL};
/* Words after "Dear" that name a role, not a person: a letter to whoever holds it. */
const char *const fg_w_roles[] = {"member*", "colleague*", "counsel", "sir*", "madam", "partner*", "neighbo*",
                                  "client*", "customer*", "patient*", "parent*", "team", "all", "friend*",
                                  "supplier*", "vendor*", "subscriber*", "reader*", "owner*", "manager*",
                                  "director*", "purchaser*", "buyer*", NULL};
const char *const fg_w_reflabels[] = {
    "order no", "order #", "order number", "your order", "account no", "account #", "account number", "acct",
    "case no", "case #", "case number", "claim no", "claim #", "claim number", "policy no", "policy number",
    "member id", "patient id", "mrn", "invoice no", "invoice #", "invoice number", "po #", "po no", "p.o. #",
    "p.o. no", "po number", "ref", "ref.", "our ref", "your ref", "reference", "confirmation no",
    "confirmation number", "confirmation #", "tracking no", "tracking number", "tracking #", "booking ref",
    "docket no", "file no", "job no", "customer no", "customer id", "customer #", "no de dossier",
    "dossier no", "votre ref", "notre ref", "no client", "numero client", "no de commande", "commande no",
    "no de facture", "facture no", "aktenzeichen", "kundennummer", "kunden-nr", "kundennr", "auftragsnummer",
    "auftrags-nr", "bestellnummer", "bestell-nr", "ihr zeichen", "unser zeichen", "rechnungsnummer",
    "rechnungs-nr", "vorgangsnummer", "vertragsnummer", "versicherungsnummer", "buchungsnummer",
    "rechnung nr", "angebot nr", "lieferschein nr", "facture n", "devis n", "quote #", "quote no", NULL};
const char *const fg_w_reply[] = {
    "as requested", "as per your request", "per your request", "at your request", "as discussed",
    "as we discussed", "further to our", "following our conversation", "following our call",
    "thank you for your order", "thank you for your inquiry", "thank you for your enquiry",
    "in response to your", "per our conversation", "per our phone call", "attached please find",
    "please find attached", "enclosed please find", "please sign and return", "please review",
    "please confirm", "suite a votre demande", "suite a notre entretien", "suite a notre conversation",
    "suite a notre echange", "comme convenu", "comme discute", "en reponse a votre", "vous trouverez ci-joint",
    "veuillez trouver ci-joint", "merci pour votre commande", "nous accusons reception", "wie besprochen",
    "wie telefonisch besprochen", "bezugnehmend auf", "ihre anfrage vom", "vielen dank fur ihre bestellung",
    "vielen dank fur ihre anfrage", "anbei erhalten sie", "wie vereinbart", "unser telefonat",
    "in der anlage", "your appointment", "votre rendez-vous", "ihr termin", NULL};
/* Words that run prose on after a field name ("patient name and date of service"): no value. */
const char *const fg_w_prose_joins[] = {"and", "or", "et", "ou", "und", "oder", "of", NULL};
const char *const fg_w_patient[] = {"patient name", "patient:", "dob", "d.o.b", "date of birth",
                                      "date de naissance", "ne le", "nee le", "ne(e) le", "geburtsdatum",
                                      "geb. am", "geboren am", "geb.", "mrn", "medical record no", NULL};
