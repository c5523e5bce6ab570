/* faxgate — what a fax says about where its sender can be found: an Australian Business
 * Number ("ABN 51 824 753 556", checked by its check digits) and a street or postal address
 * ("PO Box 1234", "12 Market Street", "45 rue de la Paix", "Postfach 10 20 30").
 *
 * The Australian Fax Marketing Industry Standard asks for the ABN and an address, Canada's
 * telemarketing rules for an address, the UK's PECR for an address or a freephone number;
 * whether a fax carries them is a fact a complaint names.
 */
#include <string.h>

#include "extract_impl.h"

/* The ABN's check: subtract 1 from the first digit, weigh the eleven digits, the sum is a
   multiple of 89 (Australian Business Register). */
static bool abn_valid(const char d[11])
{
    static const int weight[11] = {10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19};
    int sum = 0;

    for (int i = 0; i < 11; i++)
        sum += ((d[i] - '0') - (i == 0)) * weight[i];
    return sum % 89 == 0;
}

/* Eleven digits from s[k..n), spaces allowed between them: how many bytes they took, 0 if not. */
static size_t eleven_digits(const char *s, size_t k, size_t n, char out[12])
{
    size_t i = k;
    int got = 0;

    while (i < n && got < 11) {
        if (fg_isdigit((unsigned char)s[i]))
            out[got++] = s[i];
        else if (s[i] != ' ' || !got)
            break;
        i++;
    }
    out[got] = '\0';
    if (got != 11 || (i < n && fg_isdigit((unsigned char)s[i])))
        return 0;
    return i - k;
}

static bool abn_in_line(fg_xctx *x, size_t li)
{
    const fg_line *L = &x->doc.lines[li];
    size_t at, end, from = 0, k, used;
    char d[12];

    while ((at = fg_text_find_end(L->fold, L->len, "abn", from, &end)) != (size_t)-1) {
        from = at + 1;
        if (at && fg_isalpha((unsigned char)L->fold[at - 1]))
            continue;
        k = end;
        while (k < L->len && (L->fold[k] == ' ' || L->fold[k] == ':' || L->fold[k] == '.' || L->fold[k] == '#'))
            k++;
        if (!(used = eleven_digits(L->fold, k, L->len, d)) || !abn_valid(d))
            continue;
        memcpy(x->id->abn, d, sizeof d);
        x->id->abn_at = fg_doc_where(&x->doc, li, k, k + used);
        return true;
    }
    return false;
}

/* Words that begin an address: a box number follows ("po box 1234", "postfach 10 20 30", "bp 12"). */
static const char *const box_words[] = {
    "po box", "p.o. box", "p o box", "gpo box", "locked bag", "private bag", "postfach", "bp", "b.p.",
    "boite postale", NULL};
/* Words that end an English street name, after a house number and one to four words. */
static const char *const street_words[] = {
    "street", "st", "road", "rd", "avenue", "ave", "boulevard", "blvd", "drive", "dr", "lane", "parade",
    "highway", "hwy", "place", "court", "terrace", "crescent", "way", "square", NULL};
/* French street words: the house number stands just before ("45 rue de la paix", "12, avenue foch"). */
static const char *const french_street[] = {
    "rue", "avenue", "boulevard", "bd", "place", "allee", "impasse", "chemin", "quai", "cours", NULL};
/* German street names end in these; the house number follows ("hauptstrasse 12", "am ring 3a"). */
static const char *const german_street[] = {
    "*strasse", "*str.", "*weg", "*platz", "*allee", "*ring", "*damm", "*gasse", NULL};

/* A house number of 1-4 digits ends at offset at (exclusive), after a word boundary. */
static bool house_number_before(const char *s, size_t at)
{
    size_t k = at, digits = 0;

    while (k && fg_isdigit((unsigned char)s[k - 1]) && digits < 5) {
        k--;
        digits++;
    }
    return digits >= 1 && digits <= 4 && (!k || s[k - 1] == ' ' || s[k - 1] == ',');
}

/* The first match of any word in line li for which ok() holds; sets postal_at. */
static bool find_address(fg_xctx *x, size_t li, const char *const *words,
                         bool (*ok)(const char *s, size_t n, size_t at, size_t end, size_t *a, size_t *b))
{
    const fg_line *L = &x->doc.lines[li];

    for (const char *const *w = words; *w; w++) {
        size_t at, end, from = 0, a, b;

        while ((at = fg_text_find_end(L->fold, L->len, *w, from, &end)) != (size_t)-1) {
            from = at + 1;
            if (ok(L->fold, L->len, at, end, &a, &b)) {
                x->id->postal_at = fg_doc_where(&x->doc, li, a, b);
                return true;
            }
        }
    }
    return false;
}

static bool box_ok(const char *s, size_t n, size_t at, size_t end, size_t *a, size_t *b)
{
    size_t k = end;

    while (k < n && s[k] == ' ')
        k++;
    *a = at;
    *b = k;
    return k > end && k < n && fg_isdigit((unsigned char)s[k]);
}

/* "12 market street": the house number, then one to three plain words (no punctuation: "0199
   today, street" is a phone number and a sentence), and the number is not the tail of a longer
   one ("555 0199"). */
static bool street_ok(const char *s, size_t n, size_t at, size_t end, size_t *a, size_t *b)
{
    size_t k = at, spaces = 0, h;

    (void)n;
    while (k && spaces < 5 && !fg_isdigit((unsigned char)s[k - 1])) {
        if (!fg_isalpha((unsigned char)s[k - 1]) && s[k - 1] != ' ')
            return false;
        spaces += s[k - 1] == ' ';
        k--;
    }
    if (!k || s[k] != ' ' || spaces < 2 || spaces > 4 || !house_number_before(s, k))
        return false;
    for (h = k; h && fg_isdigit((unsigned char)s[h - 1]); h--)
        ;
    if (h >= 2 && s[h - 1] == ' ' && fg_isdigit((unsigned char)s[h - 2]))
        return false;
    *a = h;
    *b = end;
    return true;
}

static bool french_ok(const char *s, size_t n, size_t at, size_t end, size_t *a, size_t *b)
{
    size_t k = at;

    while (k && (s[k - 1] == ' ' || s[k - 1] == ','))
        k--;
    *a = k;
    *b = end;
    return k < at && house_number_before(s, k) && end + 1 < n && s[end] == ' ' && fg_isalpha((unsigned char)s[end + 1]);
}

static bool german_ok(const char *s, size_t n, size_t at, size_t end, size_t *a, size_t *b)
{
    size_t k = end, digits = 0;

    while (k < n && s[k] == ' ')
        k++;
    while (k + digits < n && fg_isdigit((unsigned char)s[k + digits]))
        digits++;
    *a = at;
    *b = k + digits;
    return k > end && digits >= 1 && digits <= 4 &&
           (k + digits == n || !fg_isdigit((unsigned char)s[k + digits]));
}

static bool postal_in_line(fg_xctx *x, size_t li)
{
    return find_address(x, li, box_words, box_ok) || find_address(x, li, street_words, street_ok) ||
           find_address(x, li, french_street, french_ok) || find_address(x, li, german_street, german_ok);
}

fg_err fg_senderid_scan(fg_xctx *x)
{
    bool abn = false;

    for (size_t li = 0; li < x->doc.n && !(abn && x->id->postal); li++) {
        if (!abn)
            abn = abn_in_line(x, li);
        if (!x->id->postal)
            x->id->postal = postal_in_line(x, li);
    }
    return FG_OK;
}
