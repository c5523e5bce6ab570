/* faxgate — finding phone and fax numbers on a page: candidates, the words around them
 * (labels that say voice, fax or order fax; words that make digits an invoice, order or
 * account number), and the call-to-action cue. The number grammar is in phone.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract_impl.h"

/* Words before a number that make it something else: an invoice, order, account … number. */
static const char *const not_phone[] = {
    "invoice", "inv", "facture", "rechnung", "rechnungs", "po", "p.o", "order", "orders", "commande", "bestellung",
    "bestell", "auftrag", "auftrags", "account", "acct", "compte", "konto", "kunde", "kunden", "kundennummer",
    "customer", "client", "ref", "reference", "case", "dossier", "aktenzeichen", "az", "docket", "claim",
    "policy", "police", "member", "id", "serial", "sku", "item", "article", "artikel", "art", "lot", "batch",
    "zip", "plz", "cp", "siret", "siren", "tva", "vat", "ust", "ustid", "iban", "bic", "swift", "blz",
    "steuernummer", "tax", "ein", "ssn", "license", "licence", "npi", "dea", "mrn", "patient", "dob",
    "tracking", "suivi", "sendung", "sendungsnummer", "colis", "check", "cheque", "amount", "total",
    "montant", "betrag", "preis", "prix", "price", "qty", "quantity", "quantite", "menge", "page", "seite",
    "room", "chambre", "zimmer", "flight", "vol", "flug", "confirmation", "reservation", "buchung",
    "booking", "code", "pin", "ticket", "rcs", "hrb", "hra", "ape", "naf", "box", "bp", "postfach", "cedex",
    "usd", "eur", "gbp", "rx", "script", "ndc", "pzn", "record", "file", "contract", "contrat", "vertrag",
    "quote", "devis", "angebot", "bl", "awb", NULL};

/* Of those, the words that also ask the reader to order, book or ask for a price by phone:
   "Commande : 04 65 71 30 18", "Buchung: 069 90009 415", "Order: 1-800-555-0141", "for a quote:
   0113 496 0554". After them, a number printed in three groups or more (or with its '+') is the
   phone number to call, not the order's number. */
static const char *const order_words[] = {
    "order", "orders", "commande", "bestellung", "bestell", "buchung", "booking", "reservation",
    "quote", "devis", "angebot", NULL};

/* Labels, nearest one before the number wins. */
static const char *const lab_order[] = {
    "order by fax", "order via fax", "orders by fax", "fax orders", "fax orders to", "fax back", "fax-back", "faxback", "fax your order",
    "fax order", "order fax", "fax this form", "fax this page", "fax it back", "return by fax",
    "reply by fax", "fax your reply", "commande par fax", "commandez par fax", "commander par fax",
    "retournez par fax", "retourner par fax", "reponse par fax", "bestellfax", "per fax bestellen",
    "faxantwort", "fax-antwort", "antwortfax", "ruckfax", "faxbestellung", "fax-bestellung", "retour par fax",
    "renvoyer par fax", "ruckantwort per fax", "ruckantwort", "per fax zuruck", NULL};
/* Order verbs: a fax number on a line that asks to order is an order line ("Commandez … ou par fax au"). */
static const char *const order_verbs[] = {
    "to order", "order by", "order now", "order today", "orders by", "commandez", "commander", "reservez",
    "bestellen", "bestellung bis", "bestellen sie", "reservieren", NULL};
static const char *const lab_fax[] = {
    "fax", "faxes", "faxing", "telefax", "telecopie", "telecopieur", "facsimile", "faxez", "faxen",
    "faxnummer", "fax-nr", "faxnr", NULL};
static const char *const lab_voice[] = {
    "tel", "tels", "telephone", "telephoner", "phone", "phones", "ph", "call", "calling", "appelez",
    "appeler", "appel", "telefon", "telefonisch", "telefonnummer", "fon", "ruf", "rufen", "anrufen", "anruf",
    "rufnummer", "hotline", "mobile", "cell", "portable", "handy", "mobil", "voice", "standard",
    "servicenummer", "service-hotline", "contact", "kontakt", "joindre", "erreichbar", "dial", "reservations",
    "renseignements", "informations", "info", "infos", "auskunft", "reservierung", NULL};
/* Rate words: a voice number unless they follow a fax label ("faxing toll free 1-888 …"). */
static const char *const lab_rate[] = {"toll free", "toll-free", "tollfree", "numero vert", "numero gratuit",
                                       "freecall", "free call", NULL};
/* Words that make a number the one the reader is asked to use. */
static const char *const cta[] = {
    "call*", "appel*", "anruf*", "rufen", "order*", "commande*", "reserv*", "bestell*", "book*", "hotline",
    "info*", "renseignement*", "toll free", "toll-free", "numero vert", "freecall", "kostenlos*", "gratuit*",
    "buchung*", "buchen", "inscri*", "anmeld*", "register", "sign up", "join", "dial", "contact*",
    "joindre", "jetzt", "now", "today", "maintenant", "vite", "sofort", NULL};

/* End of the last occurrence of any needle in s[a, b), or 0 if none; *start gets its start. */
static size_t last_label(const char *s, size_t a, size_t b, const char *const *list, size_t *start)
{
    size_t best = 0;

    for (; *list; list++) {
        size_t from = a, at, end;

        while ((at = fg_text_find_end(s, b, *list, from, &end)) != (size_t)-1) {
            if (end > best) {
                best = end;
                if (start)
                    *start = at;
            }
            from = at + 1;
        }
    }
    return best;
}

/* Previous word (letters only) before offset p, skipping punctuation and "no."/"nr."/"#". */
static size_t prev_word(const char *s, size_t p, size_t *wlen, bool *hash)
{
    *hash = false;
    for (int tries = 0; tries < 3; tries++) {
        size_t e, b;

        while (p > 0 && !fg_isalnum((unsigned char)s[p - 1])) {
            *hash = *hash || s[p - 1] == '#';
            p--;
        }
        e = p;
        while (p > 0 && fg_isalpha((unsigned char)s[p - 1]))
            p--;
        b = p;
        if (e == b)
            return (size_t)-1;
        *wlen = e - b;
        if ((*wlen == 2 && (!strncmp(s + b, "no", 2) || !strncmp(s + b, "nr", 2) || !strncmp(s + b, "nb", 2))) ||
            (*wlen == 1 && s[b] == 'n') || (*wlen == 6 && !strncmp(s + b, "number", 6)) ||
            (*wlen == 3 && !strncmp(s + b, "num", 3)) || (*wlen == 6 && !strncmp(s + b, "nummer", 6)) ||
            (*wlen == 6 && !strncmp(s + b, "numero", 6))) {
            *hash = true;   /* "no.", "Nr.", "n°": a number sign as '#' is */
            continue;
        }
        /* "p.o." folds to "p.o": read the dotted abbreviation as one word. */
        if (*wlen == 1 && b >= 2 && s[b - 1] == '.' && fg_isalpha((unsigned char)s[b - 2]) &&
            (b == 2 || !fg_isalnum((unsigned char)s[b - 3]))) {
            *wlen = 3;
            return b - 2;
        }
        return b;
    }
    return (size_t)-1;
}

/* Exact word, or a longer word on a stem of five letters or more ("Bestellnummer", "invoices"). */
static bool word_in(const char *s, size_t len, const char *const *list)
{
    for (; *list; list++) {
        size_t n = strlen(*list);

        if ((n == len || (n >= 5 && len > n)) && !strncmp(s, *list, n))
            return true;
    }
    return false;
}

/* Money or a percentage right after the number. */
static bool money_after(const char *s, size_t n, size_t e)
{
    while (e < n && s[e] == ' ')
        e++;
    if (e >= n)
        return false;
    if (s[e] == '%' || s[e] == '$')
        return true;
    return !strncmp(s + e, "eur", 3) || !strncmp(s + e, "usd", 3) || !strncmp(s + e, "dollar", 6) ||
           !strncmp(s + e, "chf", 3);
}

/* Two labels joined into one ("Tel/Fax", "Tel. & Fax", "Fax-Tel"): the gap holds a joining mark. */
static bool joined(const char *s, size_t end1, size_t start2)
{
    bool mark = false;

    if (start2 < end1 || start2 - end1 > 3)
        return false;
    for (size_t i = end1; i < start2; i++) {
        if (!strchr(" ./&+-", s[i]))
            return false;
        mark = mark || strchr("/&+-", s[i]);
    }
    return mark;
}

static unsigned labels(const fg_xctx *x, size_t li, size_t a, size_t start, bool *is_cta)
{
    const fg_line *L = &x->doc.lines[li];
    const char *s = L->fold;
    size_t w0 = start > 48 ? start - 48 : 0, os = 0, fs = 0, vs = 0, rs = 0, oe, fe, ve, re, best;
    unsigned k = 0;
    bool any_letter = false;

    if (w0 < a)
        w0 = a;
    oe = last_label(s, w0, start, lab_order, &os);
    fe = last_label(s, w0, start, lab_fax, &fs);
    ve = last_label(s, w0, start, lab_voice, &vs);
    re = last_label(s, w0, start, lab_rate, &rs);
    if (re > ve && !(fe && fe <= rs && rs - fe <= 2 && re > fe)) {
        ve = re;
        vs = rs;
    } else if (re > fe && fe && fe <= rs && rs - fe <= 2) {
        fe = re;   /* the rate word qualifies the fax label before it */
    }
    *is_cta = last_label(s, w0, start, cta, NULL) > 0;
    for (size_t i = w0; i < start; i++)
        any_letter = any_letter || fg_isalpha((unsigned char)s[i]);
    if (!oe && !fe && !ve && !any_letter && li > 0) {
        /* A label alone at the end of the line above ("Call now:" / next line the number). */
        const fg_line *P = &x->doc.lines[li - 1];
        size_t pw = P->len > 32 ? P->len - 32 : 0, e2;

        oe = last_label(P->fold, pw, P->len, lab_order, &os);
        fe = last_label(P->fold, pw, P->len, lab_fax, &fs);
        ve = last_label(P->fold, pw, P->len, lab_voice, &vs);
        *is_cta = *is_cta || last_label(P->fold, pw, P->len, cta, NULL) > 0;
        e2 = oe > fe ? oe : fe;
        e2 = e2 > ve ? e2 : ve;
        for (size_t i = e2; e2 && i < P->len; i++)
            if (fg_isalpha((unsigned char)P->fold[i]))
                oe = fe = ve = 0;   /* other words follow the label: it belongs to something else */
    }
    best = oe > fe ? oe : fe;
    best = best > ve ? best : ve;
    if (!best) {
        /* Letterheads: "T 01 23 45 67 89  F 01 23 45 67 90". */
        size_t wl;
        bool h;
        size_t pw = prev_word(s, start, &wl, &h);

        if (pw != (size_t)-1 && pw >= w0 && wl == 1)
            k = s[pw] == 't' ? FG_NUM_VOICE : s[pw] == 'f' ? FG_NUM_FAX : 0;
        return k;
    }
    if (oe && oe >= fs && oe + 16 >= best)
        return FG_NUM_ORDER_FAX | FG_NUM_FAX;
    if (best == fe && !(ve && ve + 3 >= fs) && last_label(s, 0, start, order_verbs, NULL))
        return FG_NUM_ORDER_FAX | FG_NUM_FAX;
    if (best == fe) {
        k = FG_NUM_FAX;
        if (ve && joined(s, ve, fs))
            k |= FG_NUM_VOICE;   /* "Tel/Fax:" */
    } else {
        k = FG_NUM_VOICE;
        if (fe && joined(s, fe, vs))
            k |= FG_NUM_FAX;     /* "Fax/Tel:", but not "faxes, call" */
    }
    return k;
}

/* A number found at [a, b) of line li, printed as raw[0, raw_n). */
static void emit(fg_xctx *x, size_t li, size_t a, size_t b, const char *raw, size_t raw_n, const char *e164,
                 unsigned kind, bool is_cta)
{
    fg_ident *id = x->id;
    fg_number *num;
    size_t n;

    id->n_numbers_seen++;
    if (id->n_numbers >= FG_NUMBERS_MAX)
        return;
    num = &id->numbers[id->n_numbers];
    memset(num, 0, sizeof *num);
    snprintf(num->e164, sizeof num->e164, "%s", e164);
    n = raw_n < sizeof num->raw - 1 ? raw_n : sizeof num->raw - 1;
    memcpy(num->raw, raw, n);
    num->raw[n] = '\0';
    num->kind = kind | fg_phone_rate(e164);
    num->at = fg_doc_where(&x->doc, li, a, b);
    x->spans[id->n_numbers] = (fg_numspan){li, a, b, is_cta};
    id->n_numbers++;
}

/* The digits that open line li + 1 ("71 52 18" after "… au 04 65"), appended to buf[0, n) after
   a space when line li ends with a digit: a number the page, or OCR, broke across two lines.
   Returns the length of buf with them. */
static size_t join_next(const fg_xctx *x, size_t li, char *buf, size_t n)
{
    const fg_line *N;
    size_t m = 0, e = n;

    while (e > 0 && buf[e - 1] == ' ')
        e--;
    if (li + 1 >= x->doc.n || e == 0 || !fg_isdigit((unsigned char)buf[e - 1]) ||
        fg_faxheader_like(&x->doc, li + 1))
        return n;   /* a transmit header's date and number are its own */
    N = &x->doc.lines[li + 1];
    memcpy(buf + n + 1, N->fold, N->len);
    fg_phone_ocr_digits(buf + n + 1, N->len);
    while (m < N->len && buf[n + 1 + m] == ' ')
        m++;
    if (m == N->len || !fg_isdigit((unsigned char)buf[n + 1 + m]))
        return n;
    while (m < N->len && (fg_isdigit((unsigned char)buf[n + 1 + m]) || strchr(" -./()", buf[n + 1 + m])))
        m++;
    buf[n] = ' ';
    buf[n + 1 + m] = '\0';
    return n + 1 + m;
}

/* Numbers of line li, from offset skip (what the line before took of it); *carry is set to what
   a number of this line took of the next one. */
static void scan_line(fg_xctx *x, size_t li, char *buf, const fg_plan *home, const fg_plan *alt, size_t skip,
                      size_t *carry)
{
    const fg_line *L = &x->doc.lines[li];
    const char *s = L->fold;
    size_t n = L->len, p = skip, prev_end = skip, all;
    /* a transmit header prints the sender's number as bare digits (the TSI): no label needed */
    bool header = (li < 2 || li + 2 >= x->doc.n) && fg_faxheader_like(&x->doc, li);

    *carry = 0;
    memcpy(buf, s, n);
    buf[n] = '\0';
    fg_phone_ocr_digits(buf, n);
    all = header ? n : join_next(x, li, buf, n);
    while (p < n) {
        unsigned char c = (unsigned char)buf[p];
        bool start = (c == '+' && p + 1 < n && (fg_isdigit((unsigned char)buf[p + 1]) ||
                                                (buf[p + 1] == ' ' && p + 2 < n && fg_isdigit((unsigned char)buf[p + 2])))) ||
                     (c == '(' && p + 1 < n && fg_isdigit((unsigned char)buf[p + 1])) || fg_isdigit(c);
        fg_groups g;
        size_t q;

        if (start && p > 0 && fg_isalnum((unsigned char)buf[p - 1]))
            start = false;
        if (!start) {
            if (fg_isalnum(c))
                while (p < n && fg_isalnum((unsigned char)buf[p]))
                    p++;
            else
                p++;
            continue;
        }
        q = fg_phone_groups(buf, all, p, &g);
        /* A number may start inside a run of groups only right after another number: digits that
           follow unread digits belong to a longer code (IBAN, SIRET, tracking number). */
        for (int i = 0, after = 0; i < g.n;) {
            char e164[FG_E164_LEN];
            bool bare = false, is_cta = false, hash = false;
            size_t a = i == 0 ? g.start : g.a[i], b, pw, wl;
            unsigned kind;
            int k;

            if (g.a[i] >= n)
                break;   /* the next line's own digits: scanned with it */
            if (i > 0 && (!g.spaced[i] || after != i)) {
                i++;
                continue;
            }
            if (!(k = fg_phone_parse_at(buf, &g, i, home, alt, e164, &bare))) {
                i++;
                continue;
            }
            if (g.b[i + k - 1] > n) {
                /* taken from the next line: only when the groups of this line make no number */
                fg_groups own = g;
                char own_e164[FG_E164_LEN];
                bool own_bare;
                int own_k = 0;

                while (own.n > i && own.b[own.n - 1] > n)
                    own.n--;
                if (own.n > i && (own_k = fg_phone_parse_at(buf, &own, i, home, alt, own_e164, &own_bare))) {
                    k = own_k;
                    bare = own_bare;
                    memcpy(e164, own_e164, sizeof own_e164);
                }
            }
            after = i + k;
            b = g.b[i + k - 1];
            kind = labels(x, li, prev_end, a, &is_cta);
            pw = prev_word(s, a, &wl, &hash);
            i += k;
            if (pw != (size_t)-1 && pw + 48 >= a && !(kind & (FG_NUM_VOICE | FG_NUM_FAX)) &&
                word_in(s + pw, wl, not_phone) &&
                !(word_in(s + pw, wl, order_words) && !hash && !bare && (k >= 3 || (i == k && g.plus))))
                continue;
            /* one bare block of digits is an id unless labelled, or unless its prefix says what it costs to
               call (">>> 09005102033 <<<": no id starts with a premium-rate or free-call prefix) */
            if ((hash && !kind) || (a > 0 && s[a - 1] == '$') || money_after(s, n, b) ||
                (bare && !kind && !header && !(fg_phone_rate(e164) & (FG_NUM_TOLLFREE | FG_NUM_PREMIUM))))
                continue;
            const char *raw = s + a;
            size_t raw_n = b - a;

            if (b > n) {
                /* it runs on into the next line, which then starts after it; its raw text takes the
                   next line's digits in ("04 65 71 52 18"), its place is on this line */
                *carry = b - (n + 1);
                raw = buf + a;
                b = n;
            }
            emit(x, li, a, b, raw, raw_n, e164, kind, is_cta);
            prev_end = b;
        }
        p = q;
    }
}

fg_err fg_phone_scan(fg_xctx *x)
{
    const fg_plan *home = fg_phone_plan(x->country), *alt = fg_phone_plan(x->alt_country);
    char *buf = malloc(2 * FG_DOC_LINE_MAX + 2);
    size_t carry = 0;

    if (!buf)
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate the number scanner");
    for (size_t li = 0; li < x->doc.n; li++)
        scan_line(x, li, buf, home, alt, carry, &carry);
    free(buf);
    return FG_OK;
}

