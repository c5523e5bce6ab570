/* faxgate — who is selling: the advertiser's name and call-to-action number.
 *
 * Evidence for a name, strongest first: words that spell the web or e-mail domain
 * ("Acme Travel" for acme-travel.com), a company suffix (Inc, LLC, SARL, GmbH …), the
 * biggest short heading near the top. The transmit header names the broadcaster, not
 * the advertiser, and is left out; so is the opt-out notice unless nothing else names one.
 */
#include <stdlib.h>
#include <string.h>

#include "extract_impl.h"

/* Company suffixes; the short ones ("SA", "AG") must be printed in capitals. */
static const char *const suffix[] = {"inc", "inc.", "llc", "l.l.c.", "ltd", "ltd.", "limited", "corp",
                                     "corp.", "corporation", "co.", "plc", "llp", "pllc", "sarl", "s.a.r.l.",
                                     "sas", "s.a.s.", "sa", "s.a.", "eurl", "sasu", "gmbh", "ag", "kg", "ug",
                                     "e.k.", "ohg", "gbr", "mbh", "bv", "nv", NULL};
/* Words that end many trade names without being a legal form ("Exit Freedom Group",
   "Patrimoine Avenir Conseil", "Weinkontor Rheinhessen" has none). They rank below a legal form. */
static const char *const weak_suffix[] = {
    "group", "solutions", "services", "partners", "associates", "agency", "studio", "institute", "center",
    "centre", "club", "company", "holdings", "industries", "enterprises", "direct", "usa", "international",
    "consulting", "marketing", "conseil", "groupe", "associes", "agence", "institut", "gruppe", "agentur",
    "versand", "vertrieb", "beratung", "zentrum", "kontor", "akademie", "handel", "reisen",
    "kreditvermittlung", "touristik", "versicherungsmakler", NULL};
static const char *const caps_only[] = {"sa", "sas", "ag", "kg", "ug", "bv", "nv", "co.", NULL};
static const char *const connector[] = {"&", "and", "et", "und", "de", "du", "des", "von", "of", "the", "la",
                                        "le", "les", "+", "-", "for", "pour", "fur", "a", NULL};
/* Imperatives that open a call to action ("Call Acme Supply Inc at …"): capitalised at the start
   of a sentence, but never the first word of a company name. */
static const char *const action_verb[] = {"call", "contact", "visit", "phone", "ring", "ask", "try", "join",
                                          "order", "fax", "email", "e-mail", "write", "appelez", "contactez",
                                          "visitez", "rejoignez", "commandez", "rufen", "kontaktieren",
                                          "besuchen", "bestellen", "schreiben", NULL};
/* Web-mail and access providers: their domain says nothing about who sells. */
static const char *const webmail[] = {"gmail", "yahoo", "hotmail", "aol", "outlook", "orange", "wanadoo",
                                      "free", "gmx", "web", "t-online", "laposte", "sfr", "icloud", "msn",
                                      "live", "comcast", "verizon", "att", "online", "bbox", "neuf", "mail",
                                      NULL};
/* Headings that are slogans, not names. */
static const char *const slogan[] = {"free", "save", "offer", "sale", "special", "new", "now", "only", "today",
                                     "best", "win", "discount", "limited", "gratuit*", "offre", "promo*",
                                     "exceptionnel*", "nouveau", "kostenlos*", "angebot*", "jetzt", "neu",
                                     "sonder*", "rabatt", "gratis", "order", "call", "dear", "attention", "urgent",
                                     "important", "fax", "invoice", "facture", "rechnung", "to", "re", "cover",
                                     "sheet", "memo", "notice", "avis", "bestellung", "lieferschein", "devis",
                                     "quote", "vacation*", "vacances", "urlaub", "reise*", "cruise*", "croisiere*",
                                     "seminar*", "seminaire*", "formation*", "loan*", "credit*", "kredit*",
                                     "webinar*", "webinaire*", "invitation*", "einladung*", NULL};

static bool in_list(const char *s, size_t n, const char *const *list)
{
    for (; *list; list++)
        if (strlen(*list) == n && !strncmp(s, *list, n))
            return true;
    return false;
}

static void word_span(const fg_line *L, size_t j, size_t *a, size_t *b)
{
    size_t nw = L->w1 - L->w0;

    *a = L->woff[j];
    *b = j + 1 < nw ? L->woff[j + 1] - 1 : L->len;
}

/* Upper case first letter in the printed word (ASCII or Latin-1 capitals in UTF-8). */
static bool capital(const char *w)
{
    const unsigned char *u = (const unsigned char *)w;

    return (u[0] >= 'A' && u[0] <= 'Z') || (u[0] >= '0' && u[0] <= '9') ||
           (u[0] == 0xc3 && u[1] >= 0x80 && u[1] <= 0x9e);
}

static bool all_caps(const char *w)
{
    bool any = false;

    for (; *w; w++) {
        if (*w >= 'a' && *w <= 'z')
            return false;
        any = any || (*w >= 'A' && *w <= 'Z');
    }
    return any;
}

typedef struct cand {
    size_t line, j0, j1;    /* words [j0, j1) of the line, relative to w0 */
    int score;
} cand;

/* Letters and digits of a candidate's words. */
static size_t cand_key(const fg_xctx *x, const cand *c, char *key, size_t cap)
{
    const fg_line *L = &x->doc.lines[c->line];
    size_t kn = 0;

    for (size_t i = c->j0; i < c->j1; i++) {
        size_t a, b;

        word_span(L, i, &a, &b);
        for (size_t k = a; k < b && kn + 1 < cap; k++)
            if (fg_isalnum((unsigned char)L->fold[k]))
                key[kn++] = L->fold[k];
    }
    key[kn] = '\0';
    return kn;
}

static void consider(cand *best, size_t li, size_t j0, size_t j1, int score)
{
    if (j1 > j0 && score > best->score)
        *best = (cand){li, j0, j1, score};
}

/* Registrable label of a host ("acme-travel" of www.acme-travel.com) folded to letters and digits. */
static size_t domain_key(const char *host, char *key, size_t cap)
{
    const char *end = strchr(host, '/'), *p, *lab;
    size_t n = end ? (size_t)(end - host) : strlen(host), k = 0, ll;

    if (!strncmp(host, "www.", 4)) {
        host += 4;
        n -= 4;
    }
    /* last label before the TLD, or before "co.uk"-like pairs */
    p = host + n;
    while (p > host && p[-1] != '.')
        p--;
    if (p == host)
        return 0;
    lab = p - 1;
    while (lab > host && lab[-1] != '.')
        lab--;
    ll = (size_t)(p - 1 - lab);
    if ((ll == 2 || ll == 3) && (!strncmp(lab, "co.", 3) || !strncmp(lab, "com.", 4)) && lab > host) {
        p = lab;
        lab = p - 1;
        while (lab > host && lab[-1] != '.')
            lab--;
        ll = (size_t)(p - 1 - lab);
    }
    if (in_list(lab, ll, webmail))
        return 0;
    for (size_t i = 0; i < ll && k + 1 < cap; i++)
        if (fg_isalnum((unsigned char)lab[i]))
            key[k++] = lab[i];
    key[k] = '\0';
    return k >= 3 ? k : 0;
}

static bool skip_line(const fg_xctx *x, size_t li)
{
    static const char *const cover[] = {"to:", "attn", "attention:", "a :", "a:", "an:", "cc:", "re:", "objet",
                                        "betreff", "dear", "cher", "chere", "sehr geehrte*", "hallo", "hello", "bonjour",
                                        "liebe", "lieber", "guten tag", NULL};
    const fg_line *L = &x->doc.lines[li];

    if (x->has_header && li == x->header_line)
        return true;
    for (const char *const *c = cover; *c; c++)
        if (fg_text_find(L->fold, L->len < 16 ? L->len : 16, *c, 0) == 0)
            return true;
    return false;
}

static int place_bonus(const fg_xctx *x, size_t li)
{
    int s = li < 4 ? 1 : 0;

    if (x->has_optout && li >= x->opt_l0 && li <= x->opt_l1)
        s -= 3;
    return s;
}

/* Name words that end with a company suffix at word j of line li. */
static void by_suffix(const fg_xctx *x, size_t li, cand *best, const char *const *keys, size_t nkeys)
{
    const fg_line *L = &x->doc.lines[li];
    size_t nw = L->w1 - L->w0;

    for (size_t j = 1; j < nw; j++) {
        size_t a, b, k, j0 = j;
        const char *raw = x->doc.w->v[L->w0 + j].text;
        char key[64];
        size_t kn = 0;
        int score = 5;

        word_span(L, j, &a, &b);
        while (b > a && (L->fold[b - 1] == ',' || L->fold[b - 1] == ';' || L->fold[b - 1] == ')'))
            b--;
        if (in_list(L->fold + a, b - a, weak_suffix) && capital(raw))
            score = 4;
        else if (!in_list(L->fold + a, b - a, suffix))
            continue;
        /* "SA", "AG" only in capitals; "Co." with its capital C */
        if (in_list(L->fold + a, b - a, caps_only) && !(b - a == 3 ? capital(raw) : all_caps(raw)))
            continue;
        /* "Versicherungsmakler GmbH": the legal form after a weak suffix belongs to the same name */
        if (score == 4 && j + 1 < nw) {
            size_t na, nb;

            word_span(L, j + 1, &na, &nb);
            while (nb > na && strchr(",;.", L->fold[nb - 1]))
                nb--;
            if (in_list(L->fold + na, nb - na, suffix))
                continue;
        }
        /* name words before it: capitalised, connectors inside, a comma only right before */
        for (k = j; k > 0 && j - k < 5; k--) {
            const char *pw = x->doc.w->v[L->w0 + k - 1].text;
            size_t pa, pb;

            word_span(L, k - 1, &pa, &pb);
            if (pb > pa && L->fold[pb - 1] == ',' && k != j)
                break;
            if (pb > pa && strchr(":;!?", L->fold[pb - 1]))
                break;
            /* "… December 31, 2026. Pacific Imaging Solutions": a date ended the sentence before */
            if (pb - pa >= 2 && L->fold[pb - 1] == '.' && fg_isdigit((unsigned char)L->fold[pb - 2]))
                break;
            if (!capital(pw) && !in_list(L->fold + pa, pb - pa - (L->fold[pb - 1] == ','), connector))
                break;
            j0 = k - 1;
        }
        while (j0 < j) {
            size_t pa, pb;

            word_span(L, j0, &pa, &pb);
            /* a name does not open with "and", "de" or "Call"; "The" is part of it */
            if (in_list(L->fold + pa, pb - pa, action_verb)) {
                j0++;
                continue;
            }
            if (!in_list(L->fold + pa, pb - pa, connector) || (pb - pa == 3 && !strncmp(L->fold + pa, "the", 3)))
                break;
            j0++;
        }
        if (j0 == j)
            continue;
        kn = cand_key(x, &(cand){li, j0, j, 0}, key, sizeof key);
        for (size_t i = 0; i < nkeys; i++)
            if (kn >= 3 && (strstr(keys[i], key) || strstr(key, keys[i])))
                score += 2;
        consider(best, li, j0, j + 1, score + place_bonus(x, li));
    }
}

/* Words whose letters spell a domain key exactly, followed by a suffix if there is one. */
static void by_domain(const fg_xctx *x, size_t li, cand *best, const char *key)
{
    const fg_line *L = &x->doc.lines[li];
    size_t nw = L->w1 - L->w0, kl = strlen(key);

    for (size_t j = 0; j < nw; j++) {
        size_t got = 0;

        for (size_t k = j; k < nw && k < j + 5; k++) {
            size_t a, b;
            bool ok = true;

            word_span(L, k, &a, &b);
            for (size_t c = a; c < b && ok; c++) {
                if (!fg_isalnum((unsigned char)L->fold[c]))
                    continue;
                ok = got < kl && L->fold[c] == key[got];
                got++;
            }
            if (!ok || (k == j && fg_text_find(L->fold + a, b - a, key, 0) == 0 && memchr(L->fold + a, '.', b - a)))
                break;   /* a mismatch, or the domain itself ("acme.com") */
            if (got == kl) {
                size_t e = k + 1, sa, sb;

                if (e < nw) {
                    word_span(L, e, &sa, &sb);
                    while (sb > sa && L->fold[sb - 1] == ',')
                        sb--;
                    if (in_list(L->fold + sa, sb - sa, suffix) ||
                        (in_list(L->fold + sa, sb - sa, weak_suffix) && capital(x->doc.w->v[L->w0 + e].text)))
                        e++;
                }
                consider(best, li, j, e, 7 + place_bonus(x, li));
                break;
            }
        }
    }
}

static void by_heading(const fg_xctx *x, size_t li, cand *best)
{
    const fg_line *L = &x->doc.lines[li];
    size_t nw = L->w1 - L->w0, len = L->len;

    /* "Kantine Koch – Ihr Mittagstisch im Büro": the name is the part before the dash */
    for (size_t j = 1; j < nw; j++) {
        size_t a, b;

        word_span(L, j, &a, &b);
        if (b == a + 1 && (L->fold[a] == '-' || L->fold[a] == '|')) {
            nw = j;
            len = a ? a - 1 : 0;
            break;
        }
        /* OCR glued the dash to the name's last word ("LE BISTROT DE LA GARE.- 12, avenue …") */
        if (b > a + 1 && L->fold[b - 1] == '-' && fg_isalpha((unsigned char)L->fold[a])) {
            nw = j + 1;
            len = b - 1;
            while (len > a && (L->fold[len - 1] == '-' || L->fold[len - 1] == '.'))
                len--;
            break;
        }
    }
    bool big = L->heading == 1 || L->heading == 2 ||
               (x->doc.median_height > 0 && L->height >= 1.5f * x->doc.median_height);
    /* a letterhead typed in capitals on one of the first lines ("MAISON GARNIER TRAITEUR") stands
       out even in body type, as a plain text gives it */
    bool caps = li < 4 && nw >= 1;

    for (size_t j = 0; caps && j < nw; j++) {
        const char *w = x->doc.w->v[L->w0 + j].text;

        caps = all_caps(w) || !fg_isalpha((unsigned char)w[0]);
    }
    /* or, as the page's very first line, a short name in title case ("Crystal View Window
       Cleaning", "Sparkle Express Car Wash"): a plain text's letterhead */
    bool title = li == (x->has_header && x->header_line == 0 ? 1u : 0u) && nw >= 2 && nw <= 5;

    for (size_t j = 0; title && j < nw; j++) {
        const char *w = x->doc.w->v[L->w0 + j].text;
        size_t a, b;

        word_span(L, j, &a, &b);
        title = capital(w) || (j > 0 && in_list(L->fold + a, b - a, connector));
    }
    big = big || caps || title;
    /* the biggest type names the advertiser more often than a medium one, which is a tagline */
    int score = L->heading == 1 || (L->height >= 2.0f * x->doc.median_height && L->height > 0) ? 3 : 2;
    static const char *const pronoun[] = {"we", "you", "your", "our", "us", "my", "i", "vous", "votre", "vos",
                                          "nous", "notre", "sie", "ihr", "ihre", "wir", "unser", "du", "dein",
                                          "is", "are", "est", "ist", NULL};

    /* "Gewerbe-Register 2027": the year is not part of the name */
    if (nw > 1) {
        size_t a, b;

        word_span(L, nw - 1, &a, &b);
        if (b - a == 4 && (!strncmp(L->fold + a, "19", 2) || !strncmp(L->fold + a, "20", 2)) &&
            fg_isdigit((unsigned char)L->fold[a + 2]) && fg_isdigit((unsigned char)L->fold[a + 3]) &&
            len == L->len) {
            nw--;
            len = a ? a - 1 : 0;
        }
    }
    if (!big || nw > 5 || li > x->doc.n / 2 + 1 || fg_text_any(L->fold, len, pronoun))
        return;
    for (size_t i = 0; i < len; i++)
        if (fg_isdigit((unsigned char)L->fold[i]) || L->fold[i] == '!' || L->fold[i] == '?' || L->fold[i] == '%' ||
            L->fold[i] == '$' || L->fold[i] == ':')
            return;
    if (fg_text_any(L->fold, len, slogan))
        return;
    /* "FÜR GESCHÄFTSFÜHRER UND TEAMLEITER", "FOR ALL OFFICE MANAGERS": the audience, not the sender */
    static const char *const audience[] = {"for", "pour", "fur", "to", "aux", NULL};
    size_t a0, b0;

    word_span(L, 0, &a0, &b0);
    if (in_list(L->fold + a0, b0 - a0, audience))
        return;
    /* "„FÜHREN OHNE STRESS“ – DAS SEMINAR": a title in quotes names the offer, not who makes it */
    if (len && (L->fold[0] == '"' || !strncmp(L->fold, "\xc2\xab", 2) || !strncmp(L->fold, "\xe2\x80\x9e", 3) ||
                !strncmp(L->fold, "\xe2\x80\x9c", 3)))
        return;
    /* a rule of "=====" or "*****" under a letterhead is no name */
    size_t letters = 0;

    for (size_t i = 0; i < len; i++)
        letters += fg_isalpha((unsigned char)L->fold[i]) != 0;
    if (letters < 2)
        return;
    consider(best, li, 0, nw, score + place_bonus(x, li));
}

/* The legal name that completes the name found: a heading "MÉDI-CABINET" and, further down,
   "Médi-Cabinet Distribution SARL" are one company, and the legal name is the one a complaint or
   a block entry needs. Taken when a name with a company suffix contains the name found. */
static void legal_name(const fg_xctx *x, cand *best)
{
    char bkey[64], key[96];
    const char *kp[1] = {bkey};
    size_t bn = cand_key(x, best, bkey, sizeof bkey);
    cand legal = {0, 0, 0, 0};

    if (bn < 3)
        return;
    for (size_t li = 0; li < x->doc.n; li++) {
        cand t = {0, 0, 0, 0};

        if (skip_line(x, li))
            continue;
        by_suffix(x, li, &t, kp, 1);
        if (t.score > legal.score && cand_key(x, &t, key, sizeof key) > bn && strstr(key, bkey))
            legal = t;
    }
    if (legal.score > 0)
        *best = legal;
}

static fg_err name(fg_xctx *x)
{
    char keys[2 * FG_ITEMS_MAX][64];
    const char *kp[2 * FG_ITEMS_MAX];
    size_t nk = 0;
    cand best = {0, 0, 0, 0};
    fg_ident *id = x->id;

    for (size_t i = 0; i < id->n_urls && nk < 2 * FG_ITEMS_MAX; i++)
        if (domain_key(id->urls[i].value, keys[nk], sizeof keys[nk]))
            kp[nk] = keys[nk], nk++;
    for (size_t i = 0; i < id->n_emails && nk < 2 * FG_ITEMS_MAX; i++) {
        const char *at = strchr(id->emails[i].value, '@');

        if (at && domain_key(at + 1, keys[nk], sizeof keys[nk]))
            kp[nk] = keys[nk], nk++;
    }
    for (size_t li = 0; li < x->doc.n; li++) {
        if (skip_line(x, li))
            continue;
        for (size_t k = 0; k < nk; k++)
            by_domain(x, li, &best, kp[k]);
        by_suffix(x, li, &best, kp, nk);
        by_heading(x, li, &best);
    }
    if (best.score > 0) {
        const fg_line *L;
        size_t n;

        legal_name(x, &best);
        L = &x->doc.lines[best.line];

        if (!(id->adv_name = fg_doc_words(&x->doc, L->w0 + best.j0, L->w0 + best.j1, 96)))
            return fg_err_set(FG_ERR_NOMEM, "cannot copy the advertiser name");
        n = strlen(id->adv_name);
        for (;;) {   /* trailing punctuation, and the dashes OCR glues to a name ("GUERIN-—") */
            if (n && strchr(",;:-", id->adv_name[n - 1]))
                id->adv_name[--n] = '\0';
            else if (n >= 3 && !memcmp(id->adv_name + n - 3, "\xe2\x80", 2) &&
                     (id->adv_name[n - 1] == '\x93' || id->adv_name[n - 1] == '\x94'))
                id->adv_name[n -= 3] = '\0';   /* – or — */
            else
                break;
        }
        id->adv_name_at = fg_doc_where(&x->doc, best.line, L->woff[best.j0],
                                       best.j1 < L->w1 - L->w0 ? L->woff[best.j1] - 1 : L->len);
        return FG_OK;
    }
    return FG_OK;
}

/* The number the reader is asked to call: toll-free, labelled, next to "call", in big type. */
static void callback(fg_xctx *x)
{
    fg_ident *id = x->id;
    int best = -1000;
    size_t bi = 0;

    for (size_t i = 0; i < id->n_numbers; i++) {
        const fg_number *num = &id->numbers[i];
        const fg_line *L = &x->doc.lines[x->spans[i].line];
        int s = 0;

        if (num->kind & (FG_NUM_OPTOUT | FG_NUM_HEADER))
            continue;
        if ((num->kind & FG_NUM_FAX) && !(num->kind & FG_NUM_VOICE)) {
            /* a fax number is the call to action only when nothing can be called */
            s = num->kind & FG_NUM_ORDER_FAX ? 1 : 0;
        } else {
            s = 2;
            s += num->kind & FG_NUM_VOICE ? 2 : 0;
            s += num->kind & FG_NUM_TOLLFREE ? 3 : 0;
            s += x->spans[i].cta ? 3 : 0;
            s += num->kind & FG_NUM_PREMIUM ? 1 : 0;
            s += L->heading || (x->doc.median_height > 0 && L->height >= 1.3f * x->doc.median_height) ? 2 : 0;
        }
        if (s > best) {
            best = s;
            bi = i;
        }
    }
    if (best > -1000) {
        id->numbers[bi].kind |= FG_NUM_CALLBACK;
        memcpy(id->callback, id->numbers[bi].e164, FG_E164_LEN);
    }
}

/* Registrable part of a host: the last two labels ("www.shop.acme-travel.com/x" -> "acme-travel.com"),
   or three under a country's second level ("acme.co.uk", "mairie.gouv.fr"). */
static size_t registrable(const char *host, char *out, size_t cap)
{
    static const char *const second_level[] = {"co", "com", "org", "net", "gov", "gouv", "ac", "edu", NULL};
    size_t n = strcspn(host, "/:?#"), dot[3] = {0}, nd = 0, start = 0;

    if (n == 0 || n >= cap)
        return 0;
    for (size_t i = n; i > 0 && nd < 3; i--)
        if (host[i - 1] == '.')
            dot[nd++] = i - 1;   /* positions of the last three dots, right to left */
    if (nd >= 2) {
        size_t sl = dot[0] - dot[1] - 1;   /* length of the second-level label */
        bool cc_second = n - dot[0] - 1 == 2 && in_list(host + dot[1] + 1, sl, second_level);

        start = cc_second ? (nd >= 3 ? dot[2] + 1 : 0) : dot[1] + 1;
    }
    memcpy(out, host + start, n - start);
    out[n - start] = '\0';
    return n - start;
}

static bool in_notice(const fg_xctx *x, const fg_where *at)
{
    return x->has_optout && at->line >= x->doc.lines[x->opt_l0].index && at->line <= x->doc.lines[x->opt_l1].index;
}

/* Letters and digits of the advertiser's name, to compare with a domain's key. */
static void name_key(const char *name, char *key, size_t cap)
{
    size_t k = 0;
    char fold[128];
    size_t n = fg_text_fold(name, strnlen(name, sizeof fold - 1), fold);

    for (size_t i = 0; i < n && k + 1 < cap; i++)
        if (fg_isalnum((unsigned char)fold[i]))
            key[k++] = fold[i];
    key[k] = '\0';
}

/* The advertiser's own domain, linked to its name: the site or e-mail domain that spells the name;
   else the first site outside the opt-out notice; else the first e-mail domain that is not a
   web-mail provider. An opt-out address is often the broadcaster's, so it is taken last. */
static void domain(fg_xctx *x)
{
    fg_ident *id = x->id;
    char nkey[64] = "", key[64], reg[FG_DOMAIN_LEN];
    int best = 0;

    if (id->adv_name)
        name_key(id->adv_name, nkey, sizeof nkey);
    for (size_t pass = 0; pass < 2; pass++) {
        size_t n = pass ? id->n_emails : id->n_urls;

        for (size_t i = 0; i < n; i++) {
            const fg_item *it = pass ? &id->emails[i] : &id->urls[i];
            const char *host = pass ? strchr(it->value, '@') : it->value;
            size_t kn;
            int score;

            if (!host || !(kn = domain_key(pass ? host + 1 : host, key, sizeof key)))
                continue;   /* web mail, or no usable label */
            if (!registrable(pass ? host + 1 : host, reg, sizeof reg))
                continue;
            score = pass ? 2 : 3;
            if (nkey[0] && kn >= 3 && (strstr(nkey, key) || strstr(key, nkey)))
                score += 10;
            if (in_notice(x, &it->at))
                score -= 2;
            if (score > best) {
                best = score;
                memcpy(id->adv_domain, reg, strlen(reg) + 1);
                id->adv_domain_at = it->at;
            }
        }
    }
}

fg_err fg_advertiser_scan(fg_xctx *x)
{
    fg_err e;

    callback(x);
    if ((e = name(x)))
        return e;
    domain(x);
    /* Last resort: the advertiser's own domain names it. */
    if (!x->id->adv_name && x->id->adv_domain[0]) {
        if (!(x->id->adv_name = strdup(x->id->adv_domain)))
            return fg_err_set(FG_ERR_NOMEM, "cannot copy the advertiser name");
        x->id->adv_name_at = x->id->adv_domain_at;
    }
    return FG_OK;
}
