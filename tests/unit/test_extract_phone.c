/* faxgate — extract: telephone numbers per country (E.164 and its traps, OCR noise), the number
 * scanner (line breaks, OCR digit groups, labels, traps) and stock tickers. The rest is in
 * test_extract.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract_fixture.h"

static void expect_e164(const char *raw, const char *country, const char *want, unsigned want_kind)
{
    char e[FG_E164_LEN];
    unsigned kind = 99;
    fg_err rc = fg_phone_e164(raw, country, e, &kind);

    if (rc != FG_OK || strcmp(e, want) || kind != want_kind)
        fail_msg("'%s' (%s): got %s kind %u rc %d, want %s kind %u", raw, country, e, kind, rc, want, want_kind);
}

static void expect_not_phone(const char *raw, const char *country)
{
    char e[FG_E164_LEN];
    unsigned kind;

    if (fg_phone_e164(raw, country, e, &kind) != FG_ERR_FORMAT)
        fail_msg("'%s' (%s) read as phone number %s", raw, country, e);
    assert_string_equal(e, "");
}

static void test_e164_nanp(void **state)
{
    (void)state;
    expect_e164("(877) 555-0142", "US", "+18775550142", FG_NUM_TOLLFREE);
    expect_e164("1-800-555-0199", "US", "+18005550199", FG_NUM_TOLLFREE);
    expect_e164("877.555.0142", "US", "+18775550142", FG_NUM_TOLLFREE);
    expect_e164("+1 877 555 0142", "FR", "+18775550142", FG_NUM_TOLLFREE);
    expect_e164("+1 (312) 555-0142", "DE", "+13125550142", 0);
    expect_e164("3125550142", "US", "+13125550142", 0);
    expect_e164("312/555-0142", "US", "+13125550142", 0);
    expect_e164("1-900-555-0166", "US", "+19005550166", FG_NUM_PREMIUM);
    expect_e164("(212) 976-1234", "US", "+12129761234", FG_NUM_PREMIUM);
    expect_e164("011 33 1 99 00 12 34", "US", "+33199001234", 0);
    expect_e164("(416) 555-0142", "CA", "+14165550142", 0);
    /* a stray space inside the last group, as OCR leaves it */
    expect_e164("877 555 01 42", "US", "+18775550142", FG_NUM_TOLLFREE);
    expect_not_phone("555-0142", "US");          /* no area code: cannot be made E.164 */
    expect_not_phone("123-456-7890", "US");      /* area codes do not start with 1 */
    expect_not_phone("312-055-0142", "US");      /* nor exchanges with 0 */
    expect_not_phone("11/27/2026", "US");
    expect_not_phone("60601-1234", "US");
    expect_not_phone("$1,299.00", "US");
    expect_not_phone("Call me", "US");
    expect_not_phone("", "US");
}

static void test_e164_france(void **state)
{
    (void)state;
    expect_e164("01 23 45 67 89", "FR", "+33123456789", 0);
    expect_e164("01.23.45.67.89", "FR", "+33123456789", 0);
    expect_e164("0123456789", "FR", "+33123456789", 0);
    expect_e164("+33 (0)1 23 45 67 89", "US", "+33123456789", 0);
    expect_e164("+33 1 23 45 67 89", "DE", "+33123456789", 0);
    expect_e164("0033 1 23 45 67 89", "FR", "+33123456789", 0);
    expect_e164("0 800 12 34 56", "FR", "+33800123456", FG_NUM_TOLLFREE);
    expect_e164("08 05 12 34 56", "FR", "+33805123456", FG_NUM_TOLLFREE);
    /* 0806-0809 are ordinary rates, 081x-089x surcharged */
    expect_e164("08 06 12 34 56", "FR", "+33806123456", 0);
    expect_e164("08 09 12 34 56", "FR", "+33809123456", 0);
    expect_e164("08 10 12 34 56", "FR", "+33810123456", FG_NUM_PREMIUM);
    expect_e164("08 92 68 00 00", "FR", "+33892680000", FG_NUM_PREMIUM);
    expect_e164("0899 23 45 67", "FR", "+33899234567", FG_NUM_PREMIUM);
    expect_not_phone("05 12 2026 10 30", "FR");  /* a date and a time */
    expect_not_phone("75008", "FR");
    expect_not_phone("1 299,00", "FR");
    expect_not_phone("00 12 34 56 78", "FR");
}

static void test_e164_germany_uk(void **state)
{
    (void)state;
    expect_e164("030 1234567", "DE", "+49301234567", 0);
    expect_e164("030/1234567", "DE", "+49301234567", 0);
    expect_e164("(030) 123 45 67", "DE", "+49301234567", 0);
    expect_e164("+49 (0)30 123 45 67", "US", "+49301234567", 0);
    expect_e164("0049 30 1234567", "DE", "+49301234567", 0);
    expect_e164("089 12345-0", "DE", "+4989123450", 0);
    expect_e164("0800 123 4567", "DE", "+498001234567", FG_NUM_TOLLFREE);
    expect_e164("0900 5 123456", "DE", "+499005123456", FG_NUM_PREMIUM);
    expect_e164("0137 9 123456", "DE", "+491379123456", FG_NUM_PREMIUM);
    expect_e164("01805 123456", "DE", "+491805123456", FG_NUM_PREMIUM);
    /* the subscriber's last block opens with 0 as an area code would: still one Berlin number; a
       number of 10 digits and more is complete, and a group like "0211 …" then starts the next */
    expect_e164("030 5555 0992", "DE", "+493055550992", 0);
    expect_e164("0800 5555 0172", "DE", "+498005555" "0172", FG_NUM_TOLLFREE);
    expect_not_phone("01067", "DE");             /* a postcode */
    expect_not_phone("27.11.2026", "DE");
    expect_not_phone("1.299,00", "DE");
    expect_e164("0800 123 4567", "GB", "+448001234567", FG_NUM_TOLLFREE);
    expect_e164("0808 157 0192", "GB", "+448081570192", FG_NUM_TOLLFREE);
    expect_e164("020 7946 0018", "GB", "+442079460018", 0);
    expect_e164("09098 790 123", "GB", "+449098790123", FG_NUM_PREMIUM);
    expect_e164("+44 (0)20 7946 0018", "US", "+442079460018", 0);
    expect_e164("011 44 20 7946 0018", "US", "+442079460018", 0);   /* NANP's international prefix */

    /* an English page on an American site may print a British number, and the other way round;
       "0113" is Leeds' code, not "011" and a 3 */
    fg_ident id;

    ex("Commercial window cleaning, Leeds and Bradford. Ring Gary for a quote: 0113 496 0554\n", "US", &id);
    assert_non_null(find_num(&id, "+441134960554"));
    assert_string_equal(id.callback, "+441134960554");
    fg_ident_clear(&id);
    ex("Please call our office in Nashville on 615-555-0142 for the price list.\n", "GB", &id);
    assert_non_null(find_num(&id, "+16155550142"));
    fg_ident_clear(&id);
    ex("Tracking number: 1Z 999 AA1 01 2345 6784\n", "US", &id);   /* no British code is two digits */
    assert_int_equal(id.n_numbers, 0);
    fg_ident_clear(&id);
}

static void test_e164_ocr_noise(void **state)
{
    (void)state;
    expect_e164("1-8OO-555-O142", "US", "+18005550142", FG_NUM_TOLLFREE);
    expect_e164("l-800-555-0199", "US", "+18005550199", FG_NUM_TOLLFREE);
    expect_e164("(877) 555-Ol42", "US", "+18775550142", FG_NUM_TOLLFREE);
    expect_e164("O1 23 45 67 89", "FR", "+33123456789", 0);
    expect_e164("+49 (0)3O 1234567", "DE", "+49301234567", 0);
    /* a phone icon read as "0" before a national number is not an international prefix */
    expect_e164("0 04 79 31 26 01", "FR", "+33479312601", 0);
    expect_e164("0 030 1234567", "DE", "+49301234567", 0);
    expect_e164("02219873 3410", "DE", "+4922198733410", 0);   /* the space after 0221 lost */
    expect_e164("00 33 1 23 45 67 89", "FR", "+33123456789", 0);
    expect_e164("0033 1 23 45 67 89", "DE", "+33123456789", 0);
    /* letters that are part of a word are not digits */
    expect_not_phone("oil 555", "US");
    /* a whole group misread ("01" as "Oi") between digit groups is mended */
    expect_e164("03 53 Oi 62 75", "FR", "+33353016275", 0);
    expect_e164("0221 4710 8l7", "DE", "+492214710817", 0);
    /* a gap read as an apostrophe; a Swiss thousands mark stays no number */
    expect_e164("0221'4710 877", "DE", "+492214710877", 0);
    expect_not_phone("CHF 12'500", "DE");
    /* a French gap read as a comma or a colon inside a run of pairs; "01" read as "OÏ" */
    expect_e164("01 99,00 54 90", "FR", "+33199005490", 0);
    expect_e164("01 99:00 54 91", "FR", "+33199005491", 0);
    expect_e164("O\xc3\x8f 99 00 61 10", "FR", "+33199006110", 0);
    expect_not_phone("12,50", "FR");   /* a price */
    expect_e164("035] / 8 02 37 61", "DE", "+493518023761", 0);    /* a 1 read as a bracket */
    expect_e164("06441 /:9 27 35-22", "DE", "+4964419273522", 0);  /* a speck beside the slash */
    expect_not_phone("see [12] and [13]", "DE");
}

/* A number the page (or OCR) broke across two lines is one number, read once. */
static void test_scan_line_break(void **state)
{
    fg_ident id;

    (void)state;
    ex("Livraison sur vos bureaux d\xc3\xa8s 5 repas, commande avant 10 h 30 au 04 65\n71 52 18\n"
       "Plat du jour 12,50 \xe2\x82\xac\n", "FR", &id);
    assert_int_equal(id.n_numbers, 1);
    assert_string_equal(id.numbers[0].e164, "+33465715218");
    assert_string_equal(id.numbers[0].raw, "04 65 71 52 18");
    assert_int_equal(id.numbers[0].at.line, 0);
    assert_string_equal(id.callback, "+33465715218");
    fg_ident_clear(&id);
    /* a whole number at the end of a line takes nothing from the next one */
    ex("Telefon 030 1234567\n2026 Jahresbericht der Stadtwerke, Seite 4\n", "DE", &id);
    assert_int_equal(id.n_numbers, 1);
    assert_string_equal(id.numbers[0].e164, "+49301234567");
    fg_ident_clear(&id);
    /* a bare block is an id, unless its prefix says what the call costs */
    ex("Rufen Sie jetzt an:\n>>> 09005102033 <<<\nGewinn-Nr. 20264481700\n", "DE", &id);
    assert_int_equal(id.n_numbers, 1);
    assert_string_equal(id.numbers[0].e164, "+499005102033");
    fg_ident_clear(&id);
    ex("Call 615-555-0142\n615-555-0143 is our fax line\n", "US", &id);
    assert_int_equal(id.n_numbers, 2);
    fg_ident_clear(&id);
}

/* In running text: a misread group is mended between digit groups only, never a word. */
static void test_scan_ocr_groups(void **state)
{
    fg_ident id;

    (void)state;
    ex("Pour nous joindre : 03 53 Oi 62 75 (atelier), du lundi au samedi.\n", "FR", &id);
    assert_non_null(find_num(&id, "+33353016275"));
    fg_ident_clear(&id);
    ex("Huile : oil 03 53 01 62 75 ou il 04 79 31 26 01.\n", "FR", &id);
    assert_non_null(find_num(&id, "+33353016275"));
    assert_non_null(find_num(&id, "+33479312601"));
    fg_ident_clear(&id);
    ex("Lot 12 ol 7 au choix\n", "FR", &id);   /* "ol" between short numbers: no phone number made */
    assert_int_equal(id.n_numbers, 0);
    fg_ident_clear(&id);
}

/* The traded symbol of a stock promotion: labelled, and never a word or host name. */
static void test_ticker(void **state)
{
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"# URGENT MARKET ALERT - SYMBOL: QLTX\nWatch QLTX Monday\n", "QLTX"},
        {"CARBON-X RECOVERY INC. (OTC: CXRV)\n", "CXRV"},
        {"ZENEXA BIOTHERAPEUTICS INC.   OTC: ZNXB\n", "ZNXB"},
        {"WKN: A3N7Q2 \xc2\xb7 K\xc3\xbcrzel: NVQ\n", "A3N7Q2"},
        {"Code mn\xc3\xa9monique : ALXYZ - Euronext Growth\n", "ALXYZ"},
        {"ISIN: DE000A3N7Q21\n", "DE000A3N7Q21"},
        {"(NASDAQ: ZNXB) up 40%\n", "ZNXB"},
        {"The symbol of our company is a lion.\n", ""},          /* no colon: a word */
        {"Ticker: www.example.com\n", ""},                       /* a host name, not a symbol */
        {"OTC medicines and pink sheets for the ward\n", ""},
        {"Symbol: 123456\n", ""},                                /* digits alone: a reference */
    };
    fg_ident id;

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ex(cases[i].text, "US", &id);
        assert_string_equal(id.ticker, cases[i].want);
        if (*cases[i].want)
            assert_int_equal(id.ticker_at.line, 0);
        fg_ident_clear(&id);
    }
}

/* A number must never be invented from a date, price, postcode or reference number. */
static void test_scan_traps(void **state)
{
    static const struct {
        const char *text, *country;
    } traps[] = {
        {"Invoice No. 8775550142 is due on 12/31/2026", "US"},
        {"Invoice #877-555-0142", "US"},
        {"PO# 4500012345", "US"},
        {"P.O. 312-555-0142 must appear on the packing slip", "US"},
        {"Order no. 877 555 0142 shipped", "US"},
        {"Account number: 312-555-0142", "US"},
        {"Date: 11/27/2026 at 14:02, due 2026-12-31", "US"},
        {"Total $1,299.00 (USD 1299.00), 50% off, $877 555 0142", "US"},
        {"Chicago, IL 60601-1234 and 60607", "US"},
        {"Tracking number: 1Z 999 AA1 01 2345 6784", "US"},
        {"Le 05 12 2026 à 10 h, facture n° 01 23 45 67 89", "FR"},
        {"Total TTC 1 299,00 € – 75008 Paris – SIRET 412 345 678 00019", "FR"},
        {"Rechnungsbetrag 1.299,00 € vom 27.11.2026, PLZ 01067 Dresden", "DE"},
        {"Kundennummer 0301234567 – Bestellnummer 030 1234567", "DE"},
        {"IBAN DE44 3705 0198 0001 2345 67", "DE"},
        {"Ref 0123456789 and 0123456789 without a label", "FR"},
        {"Commande n° 01 23 45 67 89 du 12/11/2026", "FR"},
        {"Buchung 2026 114 bestätigt", "DE"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof traps / sizeof traps[0]; i++) {
        fg_ident id;

        ex(traps[i].text, traps[i].country, &id);
        if (id.n_numbers)
            fail_msg("'%s': read %s from '%s'", traps[i].text, id.numbers[0].e164, id.numbers[0].raw);
        fg_ident_clear(&id);
    }
}

static void test_scan_labels(void **state)
{
    fg_ident id;
    const fg_number *n;

    (void)state;
    ex("Tel: (312) 555-0142  Fax: (312) 555-0143\n"
       "ORDER BY FAX: 1-877-555-0123 or call toll free 1-800-555-0199\n"
       "Tel/Fax 312-555-0144\n"
       "Call 1-800-555-0177 about invoice 4471 dated 11/27/2026\n",
       "US", &id);
    assert_int_equal(id.n_numbers, 6);
    assert_non_null(n = find_num(&id, "+13125550142"));
    assert_int_equal(n->kind & ~FG_NUM_CALLBACK, FG_NUM_VOICE);
    assert_string_equal(n->raw, "(312) 555-0142");
    assert_int_equal(n->at.line, 0);
    assert_int_equal(find_num(&id, "+13125550143")->kind, FG_NUM_FAX);
    assert_int_equal(find_num(&id, "+18775550123")->kind & ~FG_NUM_CALLBACK,
                     FG_NUM_ORDER_FAX | FG_NUM_FAX | FG_NUM_TOLLFREE);
    assert_true(find_num(&id, "+18005550199")->kind & FG_NUM_VOICE);
    assert_int_equal(find_num(&id, "+13125550144")->kind, FG_NUM_VOICE | FG_NUM_FAX);
    assert_int_equal(find_num(&id, "+18005550177")->at.line, 3);
    fg_ident_clear(&id);

    ex("Appelez le 01 99 00 12 35 – Télécopie : 01 99 00 12 36\n"
       "Numéro vert 0 800 12 34 56\nT 01 99 00 12 37  F 01 99 00 12 38\n",
       "FR", &id);
    assert_int_equal(find_num(&id, "+33199001235")->kind, FG_NUM_VOICE);
    assert_int_equal(find_num(&id, "+33199001236")->kind, FG_NUM_FAX);
    assert_true(find_num(&id, "+33800123456")->kind & (FG_NUM_VOICE | FG_NUM_TOLLFREE));
    assert_int_equal(find_num(&id, "+33199001237")->kind, FG_NUM_VOICE);
    assert_int_equal(find_num(&id, "+33199001238")->kind, FG_NUM_FAX);
    fg_ident_clear(&id);

    ex("Telefon 030 23125 001, Telefax 030/23125002\nBestellfax: 040 66969 101\n", "DE", &id);
    assert_int_equal(find_num(&id, "+493023125001")->kind, FG_NUM_VOICE | FG_NUM_CALLBACK);
    assert_int_equal(find_num(&id, "+493023125002")->kind, FG_NUM_FAX);
    assert_true(find_num(&id, "+494066969101")->kind & FG_NUM_ORDER_FAX);
    fg_ident_clear(&id);

    /* an order or booking word asks for a call when a phone number follows it */
    ex("Pour tout renseignement ou commande : 04 65 71 30 18 – commandes@garnier.example.fr\n", "FR", &id);
    assert_string_equal(id.callback, "+33465713018");
    fg_ident_clear(&id);
    ex("Buchung: 069 90009 415, Stichwort Winter\n", "DE", &id);
    assert_string_equal(id.callback, "+496990009415");
    fg_ident_clear(&id);

    /* a label alone on the line above */
    ex("For reservations call:\n(888) 555-0160\n", "US", &id);
    assert_int_equal(find_num(&id, "+18885550160")->kind & FG_NUM_VOICE, FG_NUM_VOICE);
    fg_ident_clear(&id);

    /* a French number on a US line is read as French when the text is French */
    ex("Pour toute information, appelez notre service client au 01 99 00 12 35, du lundi au vendredi.", "US", &id);
    assert_string_equal(id.lang, "fr");
    assert_non_null(find_num(&id, "+33199001235"));
    fg_ident_clear(&id);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_e164_nanp),
        cmocka_unit_test(test_e164_france),
        cmocka_unit_test(test_e164_germany_uk),
        cmocka_unit_test(test_e164_ocr_noise),
        cmocka_unit_test(test_scan_line_break),
        cmocka_unit_test(test_scan_ocr_groups),
        cmocka_unit_test(test_ticker),
        cmocka_unit_test(test_scan_traps),
        cmocka_unit_test(test_scan_labels),
    };

    return cmocka_run_group_tests_name("extract_phone", tests, NULL, NULL);
}
