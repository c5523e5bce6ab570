/* faxgate — vocabulary rules of the classifier over the folded page (word lists: classify_rules.c).
 *
 * The transmit header line and the opt-out notice are left out of the promotional rules:
 * the first is written by the fax machine, the second is counted by AD_OPTOUT_NOTICE.
 */
#include <stdio.h>
#include <string.h>

#include "classify_impl.h"
#include "faxgate/classify.h"

/* Occurrences of one phrase looked at: a page repeating a word thousands of times gains nothing. */
#define OCC_MAX 64

typedef struct ctx {
    const fg_doc *d;
    const fg_ident *id;
    size_t hdr_line;        /* doc line of the transmit header, or (size_t)-1 */
    size_t opt_l0, opt_l1;  /* doc lines of the opt-out notice, l0 > l1 if none */
    bool bait;              /* a scam dressed as paperwork: its file and claim numbers prove nothing */
} ctx;

static bool excluded(const ctx *c, size_t off)
{
    size_t li = fg_doc_line_at(c->d, off);

    return li == c->hdr_line || (li >= c->opt_l0 && li <= c->opt_l1);
}

/* First occurrence of needle outside the header and the notice; (size_t)-1 if none. */
static size_t find_in(const ctx *c, const char *needle, size_t from, size_t *end)
{
    size_t at;

    for (int tries = 0; tries < OCC_MAX && (at = fg_text_find_end(c->d->flat, c->d->len, needle, from, end)) != (size_t)-1; tries++) {
        if (!excluded(c, at))
            return at;
        from = at + 1;
    }
    return (size_t)-1;
}

/* Appends a matched term to a detail list, "free, offer, cruise". */
static void note(char *buf, size_t cap, const char *what)
{
    size_t n = strlen(buf), w = strcspn(what, "*");

    if (n + w + 3 < cap)
        snprintf(buf + n, cap - n, "%s%.*s", n ? ", " : "", (int)w, what);
}

/* Distinct phrases of a list found; each adds per, up to cap. */
static int count_list(const ctx *c, const char *const *list, char *det, size_t cap)
{
    int k = 0;

    for (; *list; list++)
        if (find_in(c, *list, 0, NULL) != (size_t)-1) {
            k++;
            note(det, cap, *list);
        }
    return k;
}

static void rule_list(const ctx *c, fg_scores *s, const char *name, const char *const *list, double per,
                      double cap)
{
    char det[128] = "";
    int k = count_list(c, list, det, sizeof det);

    if (k)
        fg_scores_add(s, name, per * k > cap ? cap : per * k, "%s", det);
}

static void rule_promo(const ctx *c, fg_scores *s)
{
    char det[128] = "";
    double w = 0;

    for (const fg_term *t = fg_w_promo; t->p; t++)
        if (find_in(c, t->p, 0, NULL) != (size_t)-1) {
            w += t->w;
            note(det, sizeof det, t->p);
        }
    if (w > 0)
        fg_scores_add(s, "AD_PROMO_VOCAB", w > 4.0 ? 4.0 : w, "%s", det);
}

/* Prices ($49, 49,90 €, EUR 49, 1.299,- DM) and percentages; "% off" / "-30 %" / "30 % Rabatt" are
   discounts. */
static void rule_prices(const ctx *c, fg_scores *s)
{
    const char *t = c->d->flat;
    size_t n = c->d->len;
    int prices = 0, disc = 0, qual = 0;
    char det[128] = "";

    for (size_t p = 0; p < n && prices + disc < 64; p++) {
        size_t q = p, dg = 0;
        bool money = false, pct = false;

        if (!fg_isdigit((unsigned char)t[p]) || (p > 0 && (fg_isalnum((unsigned char)t[p - 1]) ||
                                                          t[p - 1] == '.' || t[p - 1] == ',')))
            continue;
        while (q < n && (fg_isdigit((unsigned char)t[q]) || ((t[q] == '.' || t[q] == ',') && q + 1 < n &&
                                                             fg_isdigit((unsigned char)t[q + 1])))) {
            dg += fg_isdigit((unsigned char)t[q]);
            q++;
        }
        if (excluded(c, p))
            continue;
        if (p > 0 && (t[p - 1] == '$' || (p > 1 && t[p - 1] == ' ' && t[p - 2] == '$')))
            money = true;
        if (p >= 4 && (!strncmp(t + p - 4, "eur ", 4) || !strncmp(t + p - 4, "usd ", 4)))
            money = true;
        {
            size_t r = q;

            if (r + 1 < n && t[r] == ',' && t[r + 1] == '-')
                r += 2;
            while (r < n && t[r] == ' ')
                r++;
            if (r < n && (t[r] == '$' || !strncmp(t + r, "eur", 3) || !strncmp(t + r, "usd", 3) ||
                          !strncmp(t + r, "dollar", 6) || !strncmp(t + r, "chf", 3)))
                money = true;
            if (r < n && t[r] == '%') {
                size_t e = r + 1 < n ? r + 1 : n, a = p > 24 ? p - 24 : 0;
                const char *const dw[] = {"off", "save", "discount", "remise", "reduction", "rabatt",
                                          "sparen", "jusqu'a", "bis zu", "up to", "nachlass", "de moins",
                                          "weniger", NULL};

                pct = true;
                if ((p > 0 && t[p - 1] == '-') || (p > 1 && t[p - 2] == '-' && t[p - 1] == ' ') ||
                    fg_text_any(t + a, (e + 24 < n ? e + 24 : n) - a, dw))
                    disc++;
            }
        }
        if (money && dg) {
            static const char *const from[] = {"only", "just", "from", "ab", "nur", "a partir de", "des",
                                               "seulement", "statt", "instead of", "au lieu de", "now", NULL};
            size_t a = p > 14 ? p - 14 : 0;

            prices++;
            qual += fg_text_any(t + a, p - a, from);
            if (prices <= 3) {
                char one[24];

                snprintf(one, sizeof one, "%.*s", (int)(q - p < 16 ? q - p : 16), t + p);
                note(det, sizeof det, one);
            }
        }
        (void)pct;
        p = q;
    }
    if (prices) {
        /* "only $12.99", "ab 399 €", "au lieu de 26 €": sales talk adds 0.3 per price, up to 2.0 in all */
        double w = prices * 0.4 > 1.5 ? 1.5 : prices * 0.4;

        w += qual * 0.3;
        fg_scores_add(s, "AD_PRICE", w > 2.0 ? 2.0 : w, "%d prices (%d as offers): %s", prices, qual, det);
    }
    if (disc)
        fg_scores_add(s, "AD_DISCOUNT", disc > 1 ? 2.0 : 1.0, "%d percentage discounts", disc);
}

/* A phone number starts at p: "free quote: 1-855-555-0134", "Bestellung: 030 23125 331", "votre
   dossier : 09 74 28 52 10" name a number to call, not a document. Tried with each numbering plan
   faxgate knows; one bare block of digits stays an id ("No. 4471"). */
static bool phone_at(const char *t, size_t n, size_t p)
{
    static const char *const plans[] = {"US", "FR", "DE", "GB", NULL};
    char e164[FG_E164_LEN];
    fg_groups g;
    bool bare;

    fg_phone_groups(t, n, p, &g);
    if (g.n < 2 && !g.plus)
        return false;
    for (const char *const *c = plans; *c; c++)
        if (fg_phone_parse_at(t, &g, 0, fg_phone_plan(*c), NULL, e164, &bare) == g.n)
            return true;
    return false;
}

/* A token with a digit within a few characters after off ("No. 4471", "#Q-2026-114", ": 26-CV-0142"). */
static bool id_after(const char *t, size_t n, size_t off)
{
    size_t e = off + 24 < n ? off + 24 : n, p = off;

    while (p < e && (t[p] == ' ' || t[p] == ':' || t[p] == '#' || t[p] == '.' || t[p] == '-'))
        p++;
    for (int words = 0; words < 2 && p < e; words++) {
        size_t a = p;
        bool digit = false;

        while (p < e && t[p] != ' ') {
            digit = digit || fg_isdigit((unsigned char)t[p]);
            p++;
        }
        if (digit && p - a >= 2)
            return !phone_at(t, n, a);
        /* "No.", "Nr.", "number", "du" (facture du 12/11) may stand between */
        if (!((p - a <= 3 && (t[a] == 'n' || t[a] == 'd')) || !strncmp(t + a, "number", 6) ||
              !strncmp(t + a, "nummer", 6) || !strncmp(t + a, "numero", 6)))
            return false;
        while (p < e && (t[p] == ' ' || t[p] == ':' || t[p] == '#' || t[p] == '.'))
            p++;
    }
    return false;
}

static void rule_doctype(const ctx *c, fg_scores *s)
{
    const fg_doc *d = c->d;
    int k = 0, with_id = 0;
    char det[128] = "";

    for (const fg_term *t = fg_w_doctype; t->p; t++) {
        size_t from = 0, at, end;

        for (int tries = 0; tries < OCC_MAX && (at = find_in(c, t->p, from, &end)) != (size_t)-1; tries++) {
            size_t li = fg_doc_line_at(d, at);
            const fg_line *L = &d->lines[li];
            size_t before = 0, b = at;

            /* a weak type word after a small number on its line is a quantity ("à 10 minutes de
               l'A31"), and what follows it is no document's id */
            while (b > L->off && d->flat[b - 1] == ' ')
                b--;
            size_t digits = 0;
            while (b > L->off + digits && fg_isdigit((unsigned char)d->flat[b - 1 - digits]))
                digits++;
            bool counted = t->w == 0 && b < at && digits >= 1 && digits <= 3 &&
                           (b - digits == L->off || d->flat[b - digits - 1] == ' ');
            bool idn = !counted && id_after(d->flat, d->len, end);

            /* a title names the page at the head of its line ("INVOICE", "Betreff: Rechnung"), not
               in passing ("– Finanzbuchhaltung und Lohnabrechnung") */
            while (before < L->w1 - L->w0 && L->woff[before] < at - L->off)
                before++;
            bool title = t->w > 0 && li < 10 && L->w1 - L->w0 <= 6 && before <= 2 && !fg_text_any(L->fold, L->len,
                (const char *const[]){"free", "gratuit*", "kostenlos*", "save", "offer*", "!", NULL});

            if (idn || title) {
                k++;
                with_id += idn;
                note(det, sizeof det, t->p);
                break;
            }
            from = at + 1;
        }
    }
    if (k)
        fg_scores_add(s, "BIZ_DOC_TYPE", -(with_id ? 3.0 : 2.0) - (k - 1 > 2 ? 2 : k - 1), "%s", det);
}

static void rule_cover(const ctx *c, fg_scores *s)
{
    const fg_doc *d = c->d;
    int fields = 0, strong = 0;
    bool named_to = false;
    char det[128] = "";

    for (const char *const *f = fg_w_cover_fields; *f; f++) {
        for (size_t li = 0; li < d->n; li++) {
            const fg_line *L = &d->lines[li];
            size_t at = fg_text_find(L->fold, L->len, *f, 0), v;
            bool to = !strcmp(*f, "to:") || !strcmp(*f, "attn:") || !strcmp(*f, "a :") || !strcmp(*f, "a:") ||
                      !strcmp(*f, "an:") || !strcmp(*f, "z.hd") || !strcmp(*f, "zu handen");

            if (at == (size_t)-1 || li == c->hdr_line || (at > 0 && L->fold[at - 1] != ' '))
                continue;
            /* a field with a value: blanks ("Firma: ____") are a form to fill in, not a cover sheet */
            v = at + strlen(*f);
            while (v < L->len && (L->fold[v] == ' ' || L->fold[v] == '.' || L->fold[v] == ':'))
                v++;
            if (v >= L->len || !fg_isalnum((unsigned char)L->fold[v]))
                continue;
            /* the addressee opens a line ("To: …", "À : …"), it is not a word inside one */
            if (to && at > 3)
                continue;
            fields++;
            note(det, sizeof det, *f);
            if (to) {
                /* "To: Office Manager" is a mailing list, "To: Dr. Jane Holt" a person */
                char probe[64];

                snprintf(probe, sizeof probe, "%.*s", (int)(L->len - at < 60 ? L->len - at : 60), L->fold + at);
                named_to = named_to || !fg_text_any(probe, strlen(probe), fg_w_generic);
            }
            break;
        }
    }
    strong = count_list(c, fg_w_cover_strong, det, sizeof det);
    if (!named_to && !strong)
        return;
    if (fields + strong >= 4 || (strong && fields >= 2))
        fg_scores_add(s, "BIZ_COVER_SHEET", -3.5, "%s", det);
    else if (fields + strong >= 3)
        fg_scores_add(s, "BIZ_COVER_SHEET", -2.5, "%s", det);
}

/* "Dear Dr. Smith" / "Sehr geehrte Frau Weber" / "Cher Monsieur Dupont": a person by name. */
static bool named_salutation(const ctx *c, char *det, size_t cap)
{
    static const char *const open[] = {"dear", "cher", "chere", "sehr geehrte", "sehr geehrter", "liebe",
                                       "lieber", "hallo", "bonjour", "hello", NULL};
    const char *t = c->d->flat;
    size_t n = c->d->len;

    for (const char *const *o = open; *o; o++) {
        size_t from = 0, at, end;

        for (int tries = 0; tries < OCC_MAX && (at = fg_text_find_end(t, n, *o, from, &end)) != (size_t)-1; tries++) {
            size_t p = end, a;
            int words = 0;

            from = at + 1;
            while (p < n && t[p] == ' ')
                p++;
            a = p;
            while (p < n && t[p] != ' ' && t[p] != ',')
                p++;
            if (p == a)
                continue;
            {
                char w[24];
                size_t wl = p - a < sizeof w - 1 ? p - a : sizeof w - 1;

                memcpy(w, t + a, wl);
                w[wl] = '\0';
                for (const char *const *ti = fg_w_titles; *ti; ti++)
                    words += !strcmp(w, *ti);
            }
            /* a title followed by a name; "Dear Doctor," alone is fg_w_generic */
            if (words && p < n && t[p] == ' ' && p + 1 < n && fg_isalpha((unsigned char)t[p + 1]) &&
                fg_text_find(t + at, (n - at < 40 ? n - at : 40), "damen und herren", 0) == (size_t)-1) {
                note(det, cap, *o);
                return true;
            }
            /* "Dear John,"; "Dear Counsel," or "Dear Members," names a role, not a person */
            if (!words && (!strcmp(*o, "dear") || !strcmp(*o, "hello")) && p < n && t[p] == ',' &&
                fg_text_find(t + at, (n - at < 40 ? n - at : 40), "*customer*", 0) == (size_t)-1 &&
                !fg_text_any(t + at, (n - at < 30 ? n - at : 30), fg_w_generic) &&
                !fg_text_any(t + a, p - a, fg_w_roles)) {
                note(det, cap, *o);
                return true;
            }
        }
    }
    return false;
}

static void rule_personal(const ctx *c, fg_scores *s)
{
    char det[128] = "";
    bool named = named_salutation(c, det, sizeof det);
    bool signed_ = named && count_list(c, fg_w_signature, det, sizeof det) > 0;

    /* "Madame, Monsieur" ... "Cordialement" is how any letter to a firm is written, a cold one too:
       only a name shows that the sender knows the reader */
    if (named && signed_)
        fg_scores_add(s, "BIZ_PERSONAL_ADDRESS", -2.0, "%s", det);
    else if (named)
        fg_scores_add(s, "BIZ_PERSONAL_ADDRESS", -1.5, "%s", det);
}

static void rule_refs(const ctx *c, fg_scores *s)
{
    int k = 0;
    char det[128] = "";

    for (const char *const *r = fg_w_reflabels; *r; r++) {
        size_t from = 0, at, end;

        for (int tries = 0; tries < OCC_MAX && (at = find_in(c, *r, from, &end)) != (size_t)-1; tries++) {
            if (id_after(c->d->flat, c->d->len, end)) {
                k++;
                note(det, sizeof det, *r);
                break;
            }
            from = at + 1;
        }
    }
    if (k)
        fg_scores_add(s, "BIZ_REFERENCE_NUMBERS", k > 3 ? -3.0 : -1.0 * k, "%s", det);
}

static void rule_patient(const ctx *c, fg_scores *s)
{
    char det[128] = "";

    for (const char *const *p = fg_w_patient; *p; p++) {
        size_t from = 0, at, end;

        for (int tries = 0; tries < OCC_MAX && (at = find_in(c, *p, from, &end)) != (size_t)-1; tries++) {
            size_t q = end;

            while (q < c->d->len && (c->d->flat[q] == ' ' || c->d->flat[q] == ':'))
                q++;
            /* a value, not a blank to fill in ("DOB: ______"), nor prose running on ("we scan
               by patient name and date of service") */
            if (q < c->d->len && fg_isalnum((unsigned char)c->d->flat[q]) &&
                !fg_text_any(c->d->flat + q, c->d->len - q > 4 ? 4 : c->d->len - q, fg_w_prose_joins)) {
                note(det, sizeof det, *p);
                fg_scores_add(s, "BIZ_PATIENT_DATA", -2.5, "%s", det);
                return;
            }
            from = at + 1;
        }
    }
}

/* A sender introducing itself: "we are writing to introduce Meridian", "vous présenter notre
   cabinet", "Vorstellung unseres Unternehmens", "Ihnen unsere Kanzlei vorstellen". The verb counts
   with the sender's own "we", "our", "notre", "unser" next to it: a firm presents itself only to a
   reader it has not dealt with, while "lui présenter" or "Vorstellung zur Operation" present
   somebody or something else. */
#define INTRO_SPAN 40
static const struct intro {
    const char *verb;
    const char *const *before, *const *after;   /* the sender's words within INTRO_SPAN */
} fg_intro[] = {
    {"introduce", (const char *const[]){"we", "us", "i", NULL}, (const char *const[]){"our", "ourselves", "myself", NULL}},
    {"presenter", (const char *const[]){"nous presenter", NULL}, (const char *const[]){"notre", "nos", NULL}},
    {"presentation", (const char *const[]){NULL}, (const char *const[]){"notre", "nos", NULL}},
    {"faire connaitre", (const char *const[]){NULL}, (const char *const[]){"notre", "nos", NULL}},
    {"vorstellen", (const char *const[]){"unser*", "uns", NULL}, (const char *const[]){NULL}},
    {"vorzustellen", (const char *const[]){"unser*", "uns", NULL}, (const char *const[]){NULL}},
    {"vorstellung", (const char *const[]){NULL}, (const char *const[]){"unser*", NULL}},
};

static void rule_intro(const ctx *c, fg_scores *s)
{
    const char *t = c->d->flat;
    size_t n = c->d->len;

    for (size_t i = 0; i < sizeof fg_intro / sizeof fg_intro[0]; i++) {
        size_t from = 0, at, end;

        for (int tries = 0; tries < OCC_MAX && (at = find_in(c, fg_intro[i].verb, from, &end)) != (size_t)-1; tries++) {
            size_t a = at > INTRO_SPAN ? at - INTRO_SPAN : 0, e = end + INTRO_SPAN < n ? end + INTRO_SPAN : n;

            from = at + 1;
            if (fg_text_any(t + a, at - a, fg_intro[i].before) || fg_text_any(t + end, e - end, fg_intro[i].after)) {
                fg_scores_add(s, "AD_SELF_INTRODUCTION", 1.5, "%.*s", (int)(e - a < 90 ? e - a : 90), t + a);
                return;
            }
        }
    }
}

/* Capitals and exclamation marks, from the printed words (folding loses case). */
static void rule_shouting(const ctx *c, fg_scores *s)
{
    const fg_words *w = c->d->w;
    size_t upper = 0, letters = 0, bang = 0, nw = w->n < FG_WORDS_MAX ? w->n : FG_WORDS_MAX;
    double v = 0;

    for (size_t i = 0; i < nw; i++) {
        const char *t = w->v[i].text;

        if (!t || (c->id->header.present && w->v[i].line == c->id->header.at.line))
            continue;
        for (size_t k = 0; t[k] && k < FG_WORD_MAX_LEN; k++) {
            unsigned char ch = (unsigned char)t[k];

            upper += ch >= 'A' && ch <= 'Z';
            letters += (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z');
            bang += ch == '!';
        }
    }
    if (letters >= 60 && upper * 10 >= letters * 6)
        v += 1.0;
    else if (letters >= 60 && upper * 10 >= letters * 4)
        v += 0.5;
    v += bang >= 4 ? 1.0 : bang >= 2 ? 0.5 : 0;
    if (v > 0)
        fg_scores_add(s, "AD_SHOUTING", v > 1.5 ? 1.5 : v, "%zu%% capitals, %zu exclamation marks",
                      letters ? upper * 100 / letters : 0, bang);
}

/* Scams dressed as paperwork. A directory or register form whose signature buys a listing: the
   directory word or the "verify your entry" pretext, a signature, and the fee per year or term
   in the fine print. A prize notice: "congratulations", "you have won", "claim your award". Their
   file, register and claim numbers are bait, so the business rules that count such numbers are
   not run on them. */
static void rule_paperwork_scams(ctx *c, fg_scores *s)
{
    char det[128] = "", pdet[128] = "";
    int dir = count_list(c, fg_w_directory, det, sizeof det);
    int upd = count_list(c, fg_w_entry_update, det, sizeof det);
    int sign = count_list(c, fg_w_signing, det, sizeof det);
    int fee = count_list(c, fg_w_yearly_fee, det, sizeof det);
    int prize = count_list(c, fg_w_prize, pdet, sizeof pdet);

    if (sign && (dir || upd) && fee) {
        fg_scores_add(s, "AD_DIRECTORY_OFFER", 3.0, "%s", det);
        c->bait = true;
    } else if (sign && dir) {
        fg_scores_add(s, "AD_DIRECTORY_OFFER", 2.0, "%s", det);
    }
    if (prize) {
        fg_scores_add(s, "AD_PRIZE", prize >= 2 ? 2.0 : 1.0, "%s", pdet);
        c->bait = c->bait || prize >= 2;
    }
    /* the form's document type and reference fields are its costume */
    pdet[0] = '\0';
    if ((prize = count_list(c, fg_w_disclaimer, pdet, sizeof pdet))) {
        /* two of its phrases: the fine print of a bill that is an offer, a scam by its own words */
        fg_scores_add(s, "AD_SOLICITATION_DISCLAIMER", prize >= 2 ? 3.5 : 2.0, "%s", pdet);
        c->bait = true;
    }
}

/* A date within a few characters after off: "31/12/2026", "15.12.", "12/15", "December 15". */
static bool date_after(const char *t, size_t n, size_t off)
{
    static const char *const months[] = {"jan", "feb", "fev", "mar", "apr", "avr", "may", "mai", "jun", "juin",
                                         "jul", "juil", "aug", "aou", "sep", "oct", "okt", "nov", "dec", "dez", NULL};
    size_t e = off + 24 < n ? off + 24 : n;

    for (size_t p = off; p < e; p++) {
        if (fg_isdigit((unsigned char)t[p]) && p + 2 < n &&
            (strchr("/.", t[p + 1]) || (fg_isdigit((unsigned char)t[p + 1]) && strchr("/.", t[p + 2]))))
            return true;
        for (const char *const *m = months; *m; m++)
            if (!strncmp(t + p, *m, strlen(*m)) && (p == 0 || !fg_isalpha((unsigned char)t[p - 1])))
                return true;
    }
    return false;
}

/* "-20 % for any signature before 31/12/2026", "kostenlose Lieferung bis zum 15.12.": an offer that
   ends. Invoices pair a percentage with a date too (early-payment discount): those lines are skipped. */
static void rule_offer_deadline(const ctx *c, fg_scores *s)
{
    const fg_doc *d = c->d;

    for (size_t li = 0; li < d->n; li++) {
        const fg_line *L = &d->lines[li];

        if (li == c->hdr_line || (li >= c->opt_l0 && li <= c->opt_l1))
            continue;
        if (!fg_text_any(L->fold, L->len, fg_w_offer_marks) || fg_text_any(L->fold, L->len, fg_w_payment_terms))
            continue;
        for (const char *const *m = fg_w_deadline_marks; *m; m++) {
            size_t end, at = fg_text_find_end(L->fold, L->len, *m, 0, &end);

            if (at != (size_t)-1 && date_after(L->fold, L->len, end)) {
                fg_scores_add(s, "AD_OFFER_DEADLINE", 1.0, "offer ends: \"%.60s\"", L->fold);
                return;
            }
        }
    }
}

/* AD_MEAL_OR_STAY_OFFER: the week's menu or a room rate with its price and a number to order or
   book: an offer, not a booking confirmation. Runs after AD_PRICE. */
static void rule_meal_stay(const ctx *c, fg_scores *s)
{
    char det[128] = "";

    if (count_list(c, fg_w_meal_stay, det, sizeof det) && fg_scores_get(s, "AD_PRICE") > 0 && c->id->callback[0])
        fg_scores_add(s, "AD_MEAL_OR_STAY_OFFER", 2.0, "%s", det);
}

/* BIZ_CONFIDENTIALITY: the page is written for one reader. A seller's promise about the documents
   it would handle ("traités de manière strictement confidentielle", "a FREE, confidential
   consultation") is not: words of the list inside such a promise do not count. */
#define PROMISES_MAX 8
static void rule_confidential(const ctx *c, fg_scores *s)
{
    size_t pa[PROMISES_MAX], pb[PROMISES_MAX], np = 0;
    char det[128] = "";
    int k = 0;

    for (const char *const *p = fg_w_confidential_promise; *p && np < PROMISES_MAX; p++)
        for (size_t from = 0, at, end; np < PROMISES_MAX && (at = find_in(c, *p, from, &end)) != (size_t)-1;
             from = at + 1) {
            pa[np] = at;
            pb[np++] = end;
        }
    for (const char *const *t = fg_w_confidential; *t; t++)
        for (size_t from = 0, at, end, tries = 0; tries < OCC_MAX && (at = find_in(c, *t, from, &end)) != (size_t)-1;
             from = at + 1, tries++) {
            bool promise = false;

            for (size_t i = 0; i < np && !promise; i++)
                promise = at < pb[i] && end > pa[i];
            if (!promise) {
                k++;
                note(det, sizeof det, *t);
                break;
            }
        }
    if (k)
        fg_scores_add(s, "BIZ_CONFIDENTIALITY", k >= 2 ? -2.0 : -1.0, "%s", det);
}

void fg_classify_vocab(const fg_doc *d, const fg_ident *id, fg_scores *s)
{
    ctx c = {d, id, (size_t)-1, 1, 0, false};
    size_t tl = id->optout.text ? strlen(id->optout.text) : 0;

    for (size_t li = 0; li < d->n; li++) {
        if (id->header.present && d->lines[li].index == id->header.at.line && c.hdr_line == (size_t)-1)
            c.hdr_line = li;
        /* the notice: from its first line until its text is used up */
        if (id->optout.present && d->lines[li].index == id->optout.at.line && c.opt_l0 > c.opt_l1) {
            size_t got = 0, k = li;

            while (k < d->n && got + 1 < tl)
                got += d->lines[k++].len + 1;
            c.opt_l0 = li;
            c.opt_l1 = k ? k - 1 : li;
        }
    }
    rule_promo(&c, s);
    rule_prices(&c, s);
    rule_list(&c, s, "AD_URGENCY", fg_w_urgency, 1.0, 2.0);
    rule_list(&c, s, "AD_CALL_TO_ACTION", fg_w_cta, 0.75, 1.5);
    rule_list(&c, s, "AD_FREE_OFFER", fg_w_free_offer, 1.5, 1.5);
    rule_list(&c, s, "AD_REDEMPTION_CODE", fg_w_redeem, 1.5, 1.5);
    rule_offer_deadline(&c, s);
    rule_meal_stay(&c, s);
    /* An organisation writing to its own members: "An alle Mitgliedsbetriebe" is its salutation,
       not a mailing list's. */
    char member_det[128] = "";
    bool member = count_list(&c, fg_w_member, member_det, sizeof member_det) >= 2 &&
                  !count_list(&c, fg_w_member_recruit, member_det, sizeof member_det);

    if (!member) {
        rule_list(&c, s, "AD_GENERIC_GREETING", fg_w_generic, 1.5, 1.5);
        rule_list(&c, s, "AD_COLD_PITCH", fg_w_pitch, 0.75, 2.0);
        rule_intro(&c, s);
    }
    rule_shouting(&c, s);
    {
        char det[128] = "";

        if (count_list(&c, fg_w_order_form, det, sizeof det))
            fg_scores_add(s, "AD_ORDER_BY_FAX", 2.0, "%s", det);
        else if (count_list(&c, fg_w_return_form, det, sizeof det))
            fg_scores_add(s, "AD_ORDER_BY_FAX", 1.0, "return form: %s", det);
    }
    rule_paperwork_scams(&c, s);
    if (!c.bait)
        rule_doctype(&c, s);
    rule_cover(&c, s);
    rule_confidential(&c, s);
    rule_personal(&c, s);
    if (!c.bait)
        rule_refs(&c, s);
    {
        char det[128] = "";
        int k = count_list(&c, fg_w_reply, det, sizeof det);

        if (k)
            fg_scores_add(s, "BIZ_REPLY_CONTEXT", k >= 2 ? -3.0 : -2.0, "%s", det);
    }
    rule_patient(&c, s);
    if (member)
        fg_scores_add(s, "BIZ_MEMBER_NOTICE", -1.5, "%s", member_det);
}
