/* faxgate — the phone number grammar: national forms of the NANP, France, Germany, the UK and a
 * few neighbours, international forms, OCR noise; E.164 and rate class (scanning: phone_scan.c).
 *
 * A candidate is a run of digit groups joined by short separators (space - . / ( )).
 * Each country's plan says which group shapes make a number, so dates (27/11/2026),
 * prices (1.299,00), zip codes (60601-1234, 75008) and long reference numbers do not
 * fit; the words just before a candidate (invoice, PO, order, account …) veto it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract_impl.h"

#define G_MAX FG_GROUPS_MAX
#define G_DIGITS_MAX 15  /* a longer digit run is not a phone number */

typedef fg_groups groups;

/* Digits of consecutive groups, as one plan sees them. */
typedef struct view {
    char d[G_MAX * G_DIGITS_MAX + 1];
    int len[G_MAX];
    int orig[G_MAX];           /* group index in the candidate */
    int n, total;
} view;

struct fg_plan {
    const char *iso, *cc;
    char kind;                 /* N nanp, F france, D germany, G uk, T trunk 0, I italy, E spain */
};

typedef fg_plan plan;

static const plan plans[] = {
    {"US", "1", 'N'}, {"CA", "1", 'N'}, {"PR", "1", 'N'}, {"FR", "33", 'F'}, {"DE", "49", 'D'},
    {"GB", "44", 'G'}, {"UK", "44", 'G'}, {"BE", "32", 'T'}, {"CH", "41", 'T'}, {"AT", "43", 'T'},
    {"NL", "31", 'T'}, {"IT", "39", 'I'}, {"ES", "34", 'E'}, {"MC", "377", 'E'}, {"LU", "352", 'E'},
};

/* Two-digit country codes; the rest of 2x..9x are three digits, 1 and 7 are one. */
static const char cc2[] = "20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58 "
                          "60 61 62 63 64 65 66 81 82 84 86 90 91 92 93 94 95 98";

const fg_plan *fg_phone_plan(const char *iso)
{
    if (!iso || !*iso)
        return NULL;
    for (size_t i = 0; i < sizeof plans / sizeof plans[0]; i++)
        if (!strcmp(plans[i].iso, iso))
            return &plans[i];
    return NULL;
}

const char *fg_phone_cc(const char *country)
{
    const plan *p = fg_phone_plan(country);

    return p ? p->cc : NULL;
}

static int cc_len(const char *d, int n)
{
    char two[4];

    if (n < 1 || d[0] == '0')
        return 0;
    if (d[0] == '1' || d[0] == '7')
        return 1;
    if (n < 2)
        return 0;
    snprintf(two, sizeof two, "%c%c", d[0], d[1]);
    if (strstr(cc2, two))
        return 2;
    return n >= 3 ? 3 : 0;
}

unsigned fg_phone_rate(const char *e)
{
    if (!strncmp(e, "+1", 2) && strlen(e) == 12) {
        static const char *const tf[] = {"800", "833", "844", "855", "866", "877", "888"};

        for (size_t i = 0; i < 7; i++)
            if (!strncmp(e + 2, tf[i], 3))
                return FG_NUM_TOLLFREE;
        /* 900 area code and the old 976 exchanges are pay-per-call. */
        if (!strncmp(e + 2, "900", 3) || !strncmp(e + 5, "976", 3))
            return FG_NUM_PREMIUM;
        return 0;
    }
    if (!strncmp(e, "+338", 4)) {
        /* 0800-0805 free; 0806-0809 normal rate; 081x-089x surcharged (Azur, Indigo, Audiotel). */
        if (e[4] == '0')
            return e[5] >= '0' && e[5] <= '5' ? FG_NUM_TOLLFREE : 0;
        return FG_NUM_PREMIUM;
    }
    if (!strncmp(e, "+49", 3)) {
        if (!strncmp(e + 3, "800", 3))
            return FG_NUM_TOLLFREE;
        if (!strncmp(e + 3, "900", 3) || !strncmp(e + 3, "137", 3) || !strncmp(e + 3, "180", 3) ||
            !strncmp(e + 3, "190", 3))
            return FG_NUM_PREMIUM;
        return 0;
    }
    if (!strncmp(e, "+44", 3)) {
        if (!strncmp(e + 3, "800", 3) || !strncmp(e + 3, "808", 3))
            return FG_NUM_TOLLFREE;
        return e[3] == '9' ? FG_NUM_PREMIUM : 0;
    }
    return 0;
}

static void view_add(view *v, const char *s, int n, int orig)
{
    if (n <= 0 || v->n >= G_MAX)
        return;
    memcpy(v->d + v->total, s, (size_t)n);
    v->total += n;
    v->d[v->total] = '\0';
    v->len[v->n] = n;
    v->orig[v->n++] = orig;
}

/* The view from digit `skip` of v onwards. */
static void view_tail(const view *v, int skip, view *out)
{
    int pos = 0;

    memset(out, 0, sizeof *out);
    for (int k = 0; k < v->n; k++) {
        int s = skip > pos ? skip - pos : 0;

        if (s < v->len[k])
            view_add(out, v->d + pos + s, v->len[k] - s, v->orig[k]);
        pos += v->len[k];
    }
}

/* Greedy: the most groups whose digit total stays within [lo, hi]; 0 if none. Once a number
   is complete (`complete` digits or more; 0: lo), a group that opens like an area code (0 then 1-9,
   three digits or more) starts the next one; an extension block such as "-001" does not. */
static int greedy(const view *v, int lo, int hi, bool stop_at_trunk, int complete)
{
    int total = 0, best = 0;

    if (complete < lo)
        complete = lo;
    for (int k = 0; k < v->n; k++) {
        if (k > 0 && stop_at_trunk && total >= complete && v->d[total] == '0' && v->d[total + 1] != '0' &&
            v->len[k] >= 3)
            break;
        total += v->len[k];
        if (total > hi)
            break;
        if (total >= lo)
            best = k + 1;
    }
    return best;
}

static int digits_of(const view *v, int k)
{
    int t = 0;

    for (int i = 0; i < k; i++)
        t += v->len[i];
    return t;
}

static bool nanp_ok(const char *nsn)
{
    return nsn[0] >= '2' && nsn[3] >= '2' && !(nsn[1] == '1' && nsn[2] == '1');
}

/* NANP national: [1] 3 3 4, 3 7, 10 or 11 in one; a stray space may split the last four. */
static int plan_nanp(const view *v, char *nsn)
{
    int k = 0, pos = 0, extra = 0;

    if (v->n && v->d[0] == '1' && (v->len[0] == 1 || v->len[0] == 11)) {
        if (v->len[0] == 1)
            k = 1;
        pos = 1;
    }
    for (int start = pos; k < v->n; k++) {
        int end = digits_of(v, k + 1) - start;

        if (end > 10)
            return 0;
        if (end == 10) {
            memcpy(nsn, v->d + start, 10);
            nsn[10] = '\0';
            return nanp_ok(nsn) ? k + 1 : 0;
        }
        if (end != 3 && end != 6 && !(end > 6 && end < 10 && !extra++))
            return 0;
    }
    return 0;
}

/* France: ten digits from 0[1-9]: 2 2 2 2 2, 1 3 2 2 2, 4 2 2 2, 1 3 3 3 or ten in one. */
static int plan_fr(const view *v, char *nsn)
{
    int total = 0;

    if (v->total < 10 || v->d[0] != '0' || v->d[1] == '0')
        return 0;
    for (int k = 0; k < v->n; k++) {
        if (k == 0 ? !(v->len[0] <= 4 || v->len[0] == 10) : (v->len[k] < 2 || v->len[k] > 3))
            return 0;
        total += v->len[k];
        if (total == 10) {
            memcpy(nsn, v->d + 1, 9);
            nsn[9] = '\0';
            return k + 1;
        }
        if (total > 10)
            return 0;
    }
    return 0;
}

/* Germany: 0 + area code (2-5 more digits) + subscriber, 7-12 digits in all; or one block. */
static int plan_de(const view *v, char *nsn)
{
    int k;

    if (!v->n || v->d[0] != '0' || v->d[1] == '0' || v->d[1] == '\0')
        return 0;
    /* "0221 9873 3410" read as "02219873 3410": OCR lost the space after the area code, and
       the subscriber's last block still belongs to the number */
    if (v->len[0] >= 7 && v->len[0] <= 8 && v->n > 1 && v->len[1] >= 2 && v->len[1] <= 4 &&
        v->len[0] + v->len[1] <= 12)
        k = 2;
    else if (v->len[0] >= 7)
        k = v->len[0] <= 12 ? 1 : 0;
    else if (v->len[0] >= 3)
        /* a German number may be as short as 7 digits, but one of fewer than 10 is only taken as
           complete when the next group cannot belong to it: the subscriber's blocks of
           "030 5555 0992" open with 0 as often as an area code does */
        k = greedy(v, 7, 12, true, 10);
    else
        k = 0;
    if (!k)
        return 0;
    snprintf(nsn, 16, "%.*s", digits_of(v, k) - 1, v->d + 1);
    return k;
}

static int plan_trunk(const view *v, char *nsn, int lo, int hi)
{
    int k;

    if (!v->n || v->d[0] != '0' || v->d[1] == '0' || v->d[1] == '\0' || v->len[0] < 2)
        return 0;
    if (!(k = greedy(v, lo, hi, true, 0)))
        return 0;
    snprintf(nsn, 16, "%.*s", digits_of(v, k) - 1, v->d + 1);
    return k;
}

static int plan_national(const plan *p, const view *v, char *nsn)
{
    int k;

    switch (p->kind) {
    case 'N':
        return plan_nanp(v, nsn);
    case 'F':
        return plan_fr(v, nsn);
    case 'D':
        return plan_de(v, nsn);
    case 'G':
        /* the shortest British code is three digits with its 0 ("020 7946 0018"): "01 2345 6784"
           is a piece of some other code */
        if (v->n && v->len[0] < 3)
            return 0;
        return plan_trunk(v, nsn, 10, 11);
    case 'T':
        return plan_trunk(v, nsn, 9, 11);
    case 'I':
        if (!v->n || (v->d[0] != '0' && v->d[0] != '3') || !(k = greedy(v, 6, 11, false, 0)))
            return 0;
        snprintf(nsn, 16, "%.*s", digits_of(v, k), v->d);
        return k;
    default:
        if (!v->n || !(k = greedy(v, 6, 9, false, 0)) || v->d[0] == '0')
            return 0;
        snprintf(nsn, 16, "%.*s", digits_of(v, k), v->d);
        return k;
    }
}

/* A national number of the alternative plan, the one guessed from the page's language rather than
   the site's own: a British one then has the usual 0 + 10 digits ("030 1234567" is Berlin's, not
   a British 0301 number). */
static int plan_guessed(const plan *p, const view *v, char *nsn)
{
    int k = plan_national(p, v, nsn);

    return k && p->kind == 'G' && strlen(nsn) != 10 ? 0 : k;
}

/* International: country code, an optional "(0)", the national significant number. */
static int plan_intl(const view *v, char *cc_out, char *nsn)
{
    int ccl = cc_len(v->d, v->total), k, lo, hi;
    view nat, t;
    char cc[4];

    if (!ccl)
        return 0;
    snprintf(cc, sizeof cc, "%.*s", ccl, v->d);
    view_tail(v, ccl, &nat);
    /* "+49 (0)30 …" and "+33 0 1 …": the trunk 0 is printed but not dialled (Italy keeps it). */
    if (nat.n && nat.d[0] == '0' && strcmp(cc, "39")) {
        view_tail(&nat, 1, &t);
        nat = t;
    }
    if (!strcmp(cc, "1"))
        lo = hi = 10;
    else if (!strcmp(cc, "33"))
        lo = hi = 9;
    else if (!strcmp(cc, "44"))
        lo = 9, hi = 10;
    else if (!strcmp(cc, "49"))
        lo = 5, hi = 13;
    else
        lo = 6, hi = 15 - ccl;
    if (!(k = greedy(&nat, lo, hi, false, 0)))
        return 0;
    snprintf(nsn, 16, "%.*s", digits_of(&nat, k), nat.d);
    if (!strcmp(cc, "1") && !nanp_ok(nsn))
        return 0;
    if (!strcmp(cc, "33") && nsn[0] == '0')
        return 0;
    strcpy(cc_out, cc);
    /* Groups consumed in the caller's numbering. */
    return nat.orig[k - 1] - v->orig[0] + 1;
}

int fg_phone_parse_at(const char *buf, const groups *g, int i, const plan *home, const plan *alt,
                    char e164[FG_E164_LEN], bool *bare)
{
    view v = {0}, t;
    char nsn[20], cc[4] = "";
    int k = 0;

    for (int j = i; j < g->n; j++)
        view_add(&v, buf + g->a[j], (int)(g->b[j] - g->a[j]), j);
    if (!v.n)
        return 0;
    *bare = false;
    if (i == 0 && g->plus) {
        k = plan_intl(&v, cc, nsn);
    } else if (v.d[0] == '0' && v.d[1] == '0' && (!home || home->kind != 'N')) {
        /* "☎ 04 79 31 26 01" read as "0 04 79 …": a lone 0 (the phone icon) before a national
           number is not an international prefix; "00 33 …" and "0033 …" still are */
        if (home && g->b[i] - g->a[i] == 1 && i + 1 < g->n) {
            view_tail(&v, 1, &t);
            if (t.n && (k = plan_national(home, &t, nsn))) {
                strcpy(cc, home->cc);
                k = t.orig[0] - i + k;
            }
        }
        if (!k) {
            view_tail(&v, 2, &t);
            if (t.n && (k = plan_intl(&t, cc, nsn)))
                k = t.orig[0] - i + k;   /* the "00" may be its own group */
        }
    } else if (!strncmp(v.d, "011", 3) && home && home->kind == 'N') {
        /* NANP's international prefix stands apart ("011 44 20 7946 0018"); fused with what
           follows it ("0113 496 0554") it is more likely the start of the alternative plan's
           national number (a Leeds number on an English page). */
        if (alt && alt->kind != 'N' && g->b[i] - g->a[i] > 3 && (k = plan_guessed(alt, &v, nsn)))
            strcpy(cc, alt->cc);
        if (!k) {
            view_tail(&v, 3, &t);
            if (t.n && (k = plan_intl(&t, cc, nsn)))
                k = t.orig[0] - i + k;
        }
    } else {
        const plan *tries[2] = {home, alt};

        for (int p = 0; p < 2 && !k; p++) {
            if (!tries[p] || (p == 1 && home && !strcmp(tries[p]->cc, home->cc)))
                continue;
            if ((k = p == 0 ? plan_national(home, &v, nsn) : plan_guessed(alt, &v, nsn)))
                strcpy(cc, tries[p]->cc);
        }
        *bare = k == 1;
    }
    if (!k)
        return 0;
    {
        size_t cl = strlen(cc), nl = strlen(nsn);

        if (cl + nl > 15)
            return 0;
        e164[0] = '+';
        memcpy(e164 + 1, cc, cl);
        memcpy(e164 + 1 + cl, nsn, nl + 1);
    }
    return k;
}

/* Mends o, l and i to digits in s[a, b) */
static void mend(char *s, size_t a, size_t b)
{
    for (size_t j = a; j < b; j++)
        s[j] = s[j] == 'o' ? '0' : (s[j] == 'l' || s[j] == 'i') ? '1' : s[j];
}

/* One run of digit-like characters at s[a, b): its letters and digits. */
static void run_counts(const char *s, size_t a, size_t b, size_t *digits, size_t *letters)
{
    *digits = *letters = 0;
    for (size_t j = a; j < b; j++) {
        *digits += fg_isdigit((unsigned char)s[j]);
        *letters += fg_isalpha((unsigned char)s[j]);
    }
}

/* Two digits at s[i] and no third after them. */
static bool pair_at(const char *s, size_t n, size_t i)
{
    return i + 2 <= n && fg_isdigit((unsigned char)s[i]) && fg_isdigit((unsigned char)s[i + 1]) &&
           (i + 2 == n || !fg_isdigit((unsigned char)s[i + 2]));
}

/* Marks OCR put into a number's gaps. An apostrophe between two groups of two digits or more is a
   gap ("0221'4710 877"); a Swiss thousands mark ("12'500") becomes "12 500", which is no number. */
static void mend_gaps(char *s, size_t n)
{
    for (size_t i = 2; i + 2 < n; i++) {
        if (s[i] == '\'' && fg_isdigit((unsigned char)s[i - 1]) && fg_isdigit((unsigned char)s[i - 2]) &&
            fg_isdigit((unsigned char)s[i + 1]) && fg_isdigit((unsigned char)s[i + 2]))
            s[i] = ' ';
        /* "035] / 8 02 37 61": a 1 read as a bracket that opens nothing, after two digits or more */
        if ((s[i] == ']' || s[i] == '|') && fg_isdigit((unsigned char)s[i - 1]) && fg_isdigit((unsigned char)s[i - 2]) &&
            (s[i + 1] == ' ' || s[i + 1] == '/' || fg_isdigit((unsigned char)s[i + 1]))) {
            size_t j = i;

            while (j > 0 && fg_isdigit((unsigned char)s[j - 1]))
                j--;
            if (j == 0 || (s[j - 1] != '[' && s[j - 1] != '|'))
                s[i] = '1';
        }
        /* "06441 /:9 27 35-22": a speck beside the slash */
        if (s[i] == ':' && ((s[i - 1] == '/' && fg_isdigit((unsigned char)s[i + 1])) ||
                            (s[i + 1] == '/' && fg_isdigit((unsigned char)s[i - 1]))))
            s[i] = ' ';
        /* "01 99,00 54 90", "01 99:00 54 91": a French number's gap read as a comma or colon, inside
           a run of digit pairs (a pair and a space on either side; "12,50 €" is a price) */
        if ((s[i] == ',' || s[i] == ':') && i >= 5 && s[i - 3] == ' ' && pair_at(s, n, i - 5) && pair_at(s, n, i - 2) &&
            pair_at(s, n, i + 1) && i + 3 < n && s[i + 3] == ' ' && pair_at(s, n, i + 4))
            s[i] = ' ';
    }
}

/* Digits at s[i] onwards (how many), and before s[i] (how many), for separators between groups. */
static size_t digits_from(const char *s, size_t n, size_t i)
{
    size_t k = 0;

    while (i + k < n && fg_isdigit((unsigned char)s[i + k]))
        k++;
    return k;
}

static size_t digits_before(const char *s, size_t i)
{
    size_t k = 0;

    while (i > k && fg_isdigit((unsigned char)s[i - k - 1]))
        k++;
    return k;
}

/* A separator OCR misread, or a sloppy sender typed, between a number's groups: "555:0199",
   "(312) 555;0178", "1,877,555,0166", "01,23,45,67,89". Made a '-' so that the number grammar
   reads the groups. Not a time ("10:30", "9:00-17:00": at most two digits, then two), not a
   thousands mark ("1,500,000": a comma is taken only before the four-digit end of a North American
   number, or between the five pairs of a French one). */
static void mend_separators(char *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        size_t a = i, ngroups = 0, pairs = 0, last = 0, prev = 0, commas = 0;

        if (!fg_isdigit((unsigned char)s[i])) {
            i++;
            continue;
        }
        /* the run: digit groups joined by one separator each */
        while (i < n && fg_isdigit((unsigned char)s[i])) {
            size_t g = digits_from(s, n, i);

            prev = last;
            last = g;
            ngroups++;
            pairs += g == 2;
            i += g;
            if (i + 1 < n && strchr(",:;-./ ", s[i]) && fg_isdigit((unsigned char)s[i + 1])) {
                commas += s[i] == ',';
                i++;
            } else {
                break;
            }
        }
        for (size_t k = a; k < i; k++) {
            if (s[k] == ':' || s[k] == ';') {
                size_t l = digits_before(s, k), r = digits_from(s, n, k + 1);

                if (!(l <= 2 && r == 2) && l + r >= 6)
                    s[k] = '-';
            }
        }
        if (commas && ((ngroups >= 3 && last == 4 && prev == 3) || (ngroups == 5 && pairs == 5)))
            for (size_t k = a; k < i; k++)
                if (s[k] == ',')
                    s[k] = '-';
    }
}

/* "OÏ 99 00 61 10": a French number's leading 01 read as letters, before two pairs of digits */
static bool misread_01(const char *s, size_t n, size_t a, size_t b)
{
    return b - a == 2 && s[a] == 'o' && (s[a + 1] == 'i' || s[a + 1] == 'l') && b + 6 <= n && s[b] == ' ' &&
           pair_at(s, n, b + 1) && s[b + 3] == ' ' && pair_at(s, n, b + 4);
}

void fg_phone_ocr_digits(char *s, size_t n)
{
    size_t i = 0, prev_b = 0;   /* where the run before ended */
    bool prev_digits = false, pending = false;
    size_t pend_a = 0, pend_b = 0;          /* a letters-only run ("oi") between two digit runs */

    mend_gaps(s, n);
    mend_separators(s, n);

    while (i < n) {
        size_t a = i, digits, letters;

        if (!strchr("0123456789oli", s[i]) || (i > 0 && fg_isalpha((unsigned char)s[i - 1]))) {
            if (s[i] != ' ' || (i > 0 && s[i - 1] == ' '))
                prev_digits = pending = false;
            i++;
            continue;
        }
        while (i < n && strchr("0123456789oli-./()", s[i]) && s[i])
            i++;
        if (i < n && fg_isalpha((unsigned char)s[i])) {
            prev_digits = pending = false;
            continue;   /* part of a word ("tool", "oil") */
        }
        run_counts(s, a, i, &digits, &letters);
        bool adjacent = prev_b + 1 == a;
        if (pending && adjacent && digits)
            mend(s, pend_a, pend_b);   /* "03 53 oi 62 75": a digit group on either side */
        pending = false;
        if ((letters && digits >= 1 && letters <= digits) || (!digits && misread_01(s, n, a, i)))
            mend(s, a, i);
        else if (!digits && letters <= 2 && prev_digits && adjacent) {
            pending = true;
            pend_a = a;
            pend_b = i;
        }
        prev_digits = digits > 0;
        prev_b = i;
    }
}

size_t fg_phone_groups(const char *s, size_t n, size_t p, fg_groups *g)
{
    size_t pos = p, end = p + 1;
    bool spaced = false;

    memset(g, 0, sizeof *g);
    g->start = p;
    if (s[pos] == '+') {
        g->plus = true;
        pos++;
        if (pos < n && s[pos] == ' ')
            pos++;
    }
    if (pos < n && s[pos] == '(')
        pos++;
    while (pos < n && fg_isdigit((unsigned char)s[pos])) {
        size_t a = pos, sep;
        int spaces = 0;

        while (pos < n && fg_isdigit((unsigned char)s[pos]))
            pos++;
        if (pos - a > G_DIGITS_MAX) {
            /* Digit soup: skip the whole run so that nothing inside it becomes a number. */
            while (pos < n && (fg_isdigit((unsigned char)s[pos]) || strchr(" -./()", s[pos])))
                pos++;
            g->n = 0;
            return pos > p ? pos : p + 1;
        }
        if (g->n == G_MAX)
            return end;
        g->a[g->n] = a;
        g->b[g->n] = pos;
        g->spaced[g->n] = spaced;
        g->n++;
        end = pos;
        sep = pos;
        spaced = false;
        while (pos < n && pos - sep < 3 && s[pos] && strchr(" -./()", s[pos])) {
            spaces += s[pos] == ' ';
            spaced = spaced || s[pos] == ' ' || s[pos] == '/' || s[pos] == '(';
            pos++;
        }
        if (pos == sep || spaces > 2 || pos >= n || !fg_isdigit((unsigned char)s[pos]))
            break;
        if (memchr(s + sep, '(', pos - sep)) {
            /* "(0)30", "(877) 555": an opening parenthesis must close after the group, else
               it starts a remark such as "(1,99 €/Min.)". */
            size_t q = pos;

            while (q < n && fg_isdigit((unsigned char)s[q]))
                q++;
            if (q >= n || s[q] != ')')
                break;
        }
    }
    /* A letter right after the last group makes it part of a word ("3M", "4x4", "10am"). */
    if (g->n && end < n && fg_isalpha((unsigned char)s[end]) && s[end] != 'x') {
        g->n--;
        end = g->n ? g->b[g->n - 1] : end;
    }
    return end > p ? end : p + 1;
}

bool fg_phone_parse(const char *raw, const char *country, char e164[FG_E164_LEN])
{
    char buf[64];
    size_t n, p = 0, q;
    groups g;
    bool bare;
    int k;

    e164[0] = '\0';
    n = strnlen(raw, sizeof buf);
    if (n >= sizeof buf)
        return false;
    n = fg_text_fold(raw, n, buf);
    buf[n] = '\0';
    fg_phone_ocr_digits(buf, n);
    while (p < n && !fg_isdigit((unsigned char)buf[p]) && buf[p] != '+' && buf[p] != '(') {
        if (fg_isalpha((unsigned char)buf[p]))
            return false;
        p++;
    }
    if (p >= n)
        return false;
    q = fg_phone_groups(buf, n, p, &g);
    if (!g.n || !(k = fg_phone_parse_at(buf, &g, 0, fg_phone_plan(country), NULL, e164, &bare)) || k != g.n)
        goto bad;
    for (size_t i = q; i < n; i++)
        if (fg_isalnum((unsigned char)buf[i]))
            goto bad;
    return true;
bad:
    e164[0] = '\0';
    return false;
}

fg_err fg_phone_e164(const char *raw, const char *country, char e164[FG_E164_LEN], unsigned *kind)
{
    if (!raw || !e164)
        return fg_err_set(FG_ERR_INVAL, "fg_phone_e164: no number given");
    if (kind)
        *kind = 0;
    if (!fg_phone_parse(raw, country, e164))
        return fg_err_set(FG_ERR_FORMAT, "'%.40s' is not a phone number of %s or in international form", raw,
                          country && *country ? country : "any country");
    if (kind)
        *kind = fg_phone_rate(e164);
    return FG_OK;
}
