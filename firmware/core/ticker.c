/* faxgate — the traded symbol a stock-promotion fax touts ("SYMBOL: QLTX", "(OTC: CXRV)",
 * "WKN: A3N7Q2 · Kürzel: NVQ", "code mnémonique : ALXYZ").
 *
 * A pump-and-dump fax often prints no number to call and no web site: what it wants the reader
 * to do is buy the symbol. The symbol is that advertiser's identity (what a securities
 * regulator is told about), and it is the page's way to answer (learn.c).
 */
#include <string.h>

#include "extract_impl.h"

/* Labels, folded, each followed by ':' or a space and the symbol. */
static const char *const labels[] = {
    "symbol", "ticker", "ticker symbol", "stock symbol", "trading symbol", "otc", "otcqb", "otcqx", "otcbb",
    "otc bb", "otc markets", "otcmkts", "pink sheets", "pink", "nasdaq", "nyse", "nyse american", "amex", "tsx",
    "tsx-v", "tsxv", "cse", "symbole", "code mnemonique", "mnemonique", "code isin", "isin", "wkn", "kurzel",
    "borsenkurzel", "handelskurzel", NULL};

size_t fg_ticker_symbol_len(const char *s, size_t n)
{
    size_t i = 0;
    bool letter = false;

    while (i < n && i <= 12 && fg_isalnum((unsigned char)s[i])) {
        letter = letter || fg_isalpha((unsigned char)s[i]);
        i++;
    }
    if (i == 12 && fg_isalpha((unsigned char)s[0]) && fg_isalpha((unsigned char)s[1]))
        return i;
    return letter && i >= 1 && i <= 6 ? i : 0;
}

/* The symbol after label in line li ("label: SYM", "label : SYM" or "(label SYM"): true if taken.
   The folded text is ASCII lower case and a symbol is ASCII, so its capitals are the fold's. */
static bool after_label(fg_xctx *x, size_t li, const char *label)
{
    const fg_line *L = &x->doc.lines[li];
    size_t end, at, from = 0, k, n;

    while ((at = fg_text_find_end(L->fold, L->len, label, from, &end)) != (size_t)-1) {
        from = at + 1;
        k = end;
        while (k < L->len && L->fold[k] == ' ')
            k++;
        if (k < L->len && L->fold[k] == ':')
            k++;
        else if (!(at && L->fold[at - 1] == '('))
            continue;   /* "otc", "pink", "symbol" are words too: a label has its colon */
        while (k < L->len && L->fold[k] == ' ')
            k++;
        if (!(n = fg_ticker_symbol_len(L->fold + k, L->len - k)) ||
            (k + n + 1 < L->len && strchr(".-@/", L->fold[k + n]) && fg_isalnum((unsigned char)L->fold[k + n + 1])))
            continue;   /* no symbol, or a word running on: a host name, a date, an address */
        for (size_t j = 0; j < n; j++) {
            char c = L->fold[k + j];
            x->id->ticker[j] = c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
        }
        x->id->ticker[n] = '\0';
        x->id->ticker_at = fg_doc_where(&x->doc, li, k, k + n);
        return true;
    }
    return false;
}

fg_err fg_ticker_scan(fg_xctx *x)
{
    for (size_t li = 0; li < x->doc.n; li++) {
        if (x->has_header && li == x->header_line)
            continue;
        for (const char *const *l = labels; *l; l++)
            if (after_label(x, li, *l))
                return FG_OK;
    }
    return FG_OK;
}
