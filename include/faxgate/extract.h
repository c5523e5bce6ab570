/* faxgate — extract: from page words to an identity.
 *
 * The advertiser (who is selling: name, callback numbers, web site, e-mail) is kept
 * apart from the broadcaster (who sent it: TSI, caller ID, the fax header line),
 * because users block and report both. Every item records where it was found.
 */
#ifndef FAXGATE_EXTRACT_H
#define FAXGATE_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>
#include "faxgate/error.h"
#include "faxgate/ocr.h"

#define FG_E164_LEN 17      /* '+', up to 15 digits, NUL */
#define FG_NUMBERS_MAX 64   /* numbers kept per page; more are counted, not stored */
#define FG_ITEMS_MAX 32     /* URLs or e-mails kept per page */
#define FG_DOMAIN_LEN 96    /* a registrable domain name, "acme-travel.com" */

/* Where an item was found: box on the page in pixels (all 0 for plain text) and line index. */
typedef struct fg_where {
    int x0, y0, x1, y1;
    int line;
} fg_where;

/* Bit flags describing a number. */
enum {
    FG_NUM_VOICE = 1u << 0,     /* labelled phone / tel / call / appelez / Telefon */
    FG_NUM_FAX = 1u << 1,       /* labelled fax / télécopie / Telefax */
    FG_NUM_TOLLFREE = 1u << 2,  /* NANP 800/833/844/855/866/877/888, FR 0800-0805, DE 0800, UK 0800/0808 */
    FG_NUM_PREMIUM = 1u << 3,   /* NANP 900 and 976 exchanges, FR 081x-089x (0806-0809 are normal rate),
                                   DE 0900/0137/0180/0190, UK 09 */
    FG_NUM_OPTOUT = 1u << 4,    /* named in the opt-out notice */
    FG_NUM_HEADER = 1u << 5,    /* in the fax header line (broadcaster) */
    FG_NUM_CALLBACK = 1u << 6,  /* the advertiser's call-to-action number */
    FG_NUM_ORDER_FAX = 1u << 7  /* order-by-fax / fax-back form number */
};

typedef struct fg_number {
    char e164[FG_E164_LEN];     /* "+18775550142" */
    char raw[48];               /* as printed, trimmed */
    unsigned kind;              /* FG_NUM_* flags */
    fg_where at;
} fg_number;

typedef struct fg_item {
    char *value;                /* lower-cased URL host+path or e-mail address */
    fg_where at;
} fg_item;

/* The transmit header line every fax should carry (47 CFR 68.318(d)): date, time, sender, number. */
typedef struct fg_header {
    bool present;
    char *text;                 /* the whole line as read */
    char *date;                 /* as printed, or NULL */
    char *time;
    char *name;                 /* sender name on the line, or NULL */
    char number[FG_E164_LEN];   /* sender number, "" if none */
    fg_where at;
} fg_header;

/* The opt-out notice ("to be removed from our list call…", "pour ne plus recevoir…", "Abmeldung…"). */
typedef struct fg_optout {
    bool present;
    char *text;                 /* the notice as read (a few lines at most) */
    fg_where at;
    char phone[FG_E164_LEN];    /* voice number named in the notice, "" if none */
    char fax[FG_E164_LEN];      /* fax number named in the notice, "" if none */
    bool free_of_charge;        /* every number named is toll-free, or a free mechanism is named */
    bool premium;               /* a number named is premium-rate (illegal as opt-out in FR) */
    bool mentions_30_days;      /* US: "within 30 days … unlawful" */
    bool mentions_unlawful;
    bool round_the_clock;       /* "24 hours", "24/7", "24h/24" */
} fg_optout;

typedef struct fg_ident {
    char lang[3];               /* "en", "fr", "de", or "" if unknown */
    /* advertiser */
    char *adv_name;             /* company or brand selling, or NULL */
    fg_where adv_name_at;
    char adv_domain[FG_DOMAIN_LEN]; /* the advertiser's own domain (site or e-mail), "" if none */
    fg_where adv_domain_at;
    char callback[FG_E164_LEN]; /* the advertiser's main call-to-action number, "" if none */
    fg_number numbers[FG_NUMBERS_MAX];
    size_t n_numbers;           /* stored; n_numbers_seen may be larger */
    size_t n_numbers_seen;
    fg_item urls[FG_ITEMS_MAX];
    size_t n_urls;
    fg_item emails[FG_ITEMS_MAX];
    size_t n_emails;
    char ticker[13];            /* the traded symbol a stock promotion touts (WKN, ISIN too), "" if none */
    fg_where ticker_at;
    fg_optout optout;
    char abn[12];               /* an Australian Business Number that passes its check, "" if none */
    fg_where abn_at;
    bool postal;                /* a street or postal address is printed (PO Box, "12 Market Street") */
    fg_where postal_at;
    /* broadcaster (page side; TSI and caller ID come from the call) */
    fg_header header;
} fg_ident;

/** Extracts the identity from words; country is ISO 3166 alpha-2 ("US", "FR", "DE") for
    numbers written without an international prefix. out must be zeroed or cleared. */
fg_err fg_extract(const fg_words *w, const char *country, fg_ident *out);

/** Length of the traded symbol at s[0, n): 1-6 letters or digits with at least one letter (a WKN: 6)
    or an ISIN (12, two letters first); 0 if none starts there. */
size_t fg_ticker_symbol_len(const char *s, size_t n);

/** Frees what an identity owns and zeroes it. */
void fg_ident_clear(fg_ident *id);

/** Normalises one printed phone number to E.164; sets FG_NUM_TOLLFREE / FG_NUM_PREMIUM in *kind.
    FG_ERR_FORMAT if it is not a plausible number for that country or internationally. */
fg_err fg_phone_e164(const char *raw, const char *country, char e164[FG_E164_LEN], unsigned *kind);

/** Folds one Latin letter with a diacritic (U+00C0-U+00FF, Œ/œ) at in[0..n) to its ASCII base in
    lower case ("É" -> "e", "ß" -> "ss"): returns the bytes written to out (0: not such a letter)
    and sets *used to the bytes read. */
size_t fg_text_fold_latin(const char *in, size_t n, char out[2], size_t *used);

#endif
