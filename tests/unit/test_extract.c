/* faxgate — extract: web addresses, opt-out notices in three languages, the transmit header,
 * advertiser and callback, word boxes, language, hostile text, sender ID. Numbers are in
 * test_extract_phone.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract_fixture.h"

static void test_web_addresses(void **state)
{
    fg_ident id;

    (void)state;
    ex("Visit WWW.Acme-Travel.com/Deals or http://example.org/a/b, see acme-travel.com.\n"
       "E-mail Info@Acme-Travel.com or sales @ bureau-discount.fr\n"
       "e.g. p.m. 3.5 kg, Dr.Smith, S.A.R.L., z.B., file.pdf, 12.11.2026\n",
       "US", &id);
    assert_int_equal(id.n_urls, 3);
    assert_string_equal(id.urls[0].value, "www.acme-travel.com/deals");
    assert_string_equal(id.urls[1].value, "example.org/a/b");
    assert_string_equal(id.urls[2].value, "acme-travel.com");
    assert_int_equal(id.n_emails, 2);
    assert_string_equal(id.emails[0].value, "info@acme-travel.com");
    assert_string_equal(id.emails[1].value, "sales@bureau-discount.fr");
    assert_int_equal(id.emails[1].at.line, 1);
    fg_ident_clear(&id);
}

static void test_optout_english(void **state)
{
    /* OCR sprinkles marks between words: the phrase is still found; everyday sentences are no notice */
    static const struct {
        const char *text, *country;
        bool present;
    } cases[] = {
        {"Keine. Werbung mehr per Fax? Anruf unter 089 99998 619.\n", "DE", true},
        {"If you no longer \xe2\x80\x98wish to receive these faxes, call 1-800-555-0153.\n", "US", true},
        {"Pour etre retire de notre fichier, appelez le 08 92 68 40 17.\n", "FR", true},
        {"Bitte senden Sie mir keine weiteren Informationen per Fax.\n", "DE", true},
        {"If you prefer not to receive these notices, fax REMOVE to 303-555-0198.\n", "US", true},
        {"Reply REMOVE to 1-800-555-0186 to stop future faxes.\n", "US", true},
        {"Sie m\xc3\xb6""chten keine Informationen per Fax mehr erhalten? Fax an 040 638 92499.\n", "DE", true},
        {"Please send future faxes to our new number 303-555-0120.\n", "US", false},   /* a change of number */
        {"We stop. Faxing is slow.\n", "US", false},   /* a sentence end is not a phrase */
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fg_ident g = {0};

        ex(cases[i].text, cases[i].country, &g);
        if (g.optout.present != cases[i].present)
            fail_msg("opt-out %s expected in '%s'", cases[i].present ? "" : "not", cases[i].text);
        fg_ident_clear(&g);
    }

    fg_ident id;

    (void)state;
    ex("# SunWave Cruise Club\nCall 1-800-555-0177 to book now!\n"
       "You may request that the sender not send any future faxes by calling toll free 1-800-555-0178\n"
       "or faxing toll free 1-888-555-0179, 24 hours a day, 7 days a week. Failure to comply with such a\n"
       "request within 30 days is unlawful.\n",
       "US", &id);
    assert_true(id.optout.present);
    assert_string_equal(id.optout.phone, "+18005550178");
    assert_string_equal(id.optout.fax, "+18885550179");
    assert_true(id.optout.free_of_charge);
    assert_false(id.optout.premium);
    assert_true(id.optout.mentions_30_days);
    assert_true(id.optout.mentions_unlawful);
    assert_true(id.optout.round_the_clock);
    assert_int_equal(id.optout.at.line, 2);
    assert_non_null(strstr(id.optout.text, "unlawful"));
    assert_true(find_num(&id, "+18005550178")->kind & FG_NUM_OPTOUT);
    assert_false(find_num(&id, "+18005550177")->kind & FG_NUM_OPTOUT);
    /* the advertiser's number is the callback, never the opt-out line */
    assert_string_equal(id.callback, "+18005550177");
    fg_ident_clear(&id);

    ex("Great rates on toner! Call 1-866-555-0124\nTo be removed from our list call 1-900-555-0125 ($2.99/min).\n",
       "US", &id);
    assert_true(id.optout.present);
    assert_string_equal(id.optout.phone, "+19005550125");
    assert_string_equal(id.optout.fax, "");
    assert_true(id.optout.premium);
    assert_false(id.optout.free_of_charge);
    assert_false(id.optout.mentions_30_days);
    fg_ident_clear(&id);

    ex("To unsubscribe, e-mail remove@rankrocketseo.com with your fax number.\n", "US", &id);
    assert_true(id.optout.present);
    assert_true(id.optout.free_of_charge);   /* an e-mail address costs nothing */
    fg_ident_clear(&id);
}

static void test_optout_french_german(void **state)
{
    fg_ident id;

    (void)state;
    ex("Pour ne plus recevoir nos offres, appelez le 08 92 68 00 00 (0,80 €/min).\n", "FR", &id);
    assert_true(id.optout.present);
    assert_string_equal(id.optout.phone, "+33892680000");
    assert_true(id.optout.premium);
    fg_ident_clear(&id);

    ex("Désinscription : STOP FAX au 0 800 71 15 16 (appel gratuit), 24h/24.\n", "FR", &id);
    assert_true(id.optout.present);
    assert_true(id.optout.free_of_charge);
    assert_true(id.optout.round_the_clock);
    fg_ident_clear(&id);

    ex("Wenn Sie keine weiteren Faxe wünschen, senden Sie dieses Blatt an 0180 5 123456 zurück.\n", "DE", &id);
    assert_true(id.optout.present);
    assert_string_equal(id.optout.fax, "+491805123456");   /* "this sheet back": a fax number */
    assert_true(id.optout.premium);
    fg_ident_clear(&id);

    ex("Sie möchten keine Werbung per Fax? Widerspruch bitte an Fax 040 66969 701.\n", "DE", &id);
    assert_true(id.optout.present);
    assert_string_equal(id.optout.fax, "+494066969701");
    fg_ident_clear(&id);

    /* legal remedies and forms use the same words without being opt-out notices */
    ex("Gegen diesen Bescheid kann innerhalb eines Monats Widerspruch erhoben werden.\n"
       "Abmeldung zur Sozialversicherung zum 31.12.2026.\n",
       "DE", &id);
    assert_false(id.optout.present);
    fg_ident_clear(&id);
    ex("Vous pouvez faire opposition à ce jugement dans un délai d'un mois.\n", "FR", &id);
    assert_false(id.optout.present);
    fg_ident_clear(&id);
    ex("The amendment adds snow removal at the rates in Schedule B. Please sign page 3 and fax it back.\n", "US", &id);
    assert_false(id.optout.present);
    fg_ident_clear(&id);
}

static void test_fax_header(void **state)
{
    fg_ident id;

    (void)state;
    ex("11/27/2026 14:02 FROM: ACME SUPPLY 312-555-0142 P.1/1\nPurchase order 4471\n", "US", &id);
    assert_true(id.header.present);
    assert_string_equal(id.header.date, "11/27/2026");
    assert_string_equal(id.header.time, "14:02");
    assert_string_equal(id.header.name, "ACME SUPPLY");
    assert_string_equal(id.header.number, "+13125550142");
    assert_int_equal(id.header.at.line, 0);
    assert_true(find_num(&id, "+13125550142")->kind & FG_NUM_HEADER);
    assert_string_equal(id.callback, "");    /* the broadcaster's number is not a callback */
    fg_ident_clear(&id);

    ex("27.11.2026 14:02 +49 30 1234567 Müller GmbH S. 1/2\nRechnung\n", "DE", &id);
    assert_true(id.header.present);
    assert_string_equal(id.header.date, "27.11.2026");
    assert_string_equal(id.header.name, "Müller GmbH");
    assert_string_equal(id.header.number, "+49301234567");
    fg_ident_clear(&id);

    ex("Facture\nMerci.\n27/11/2026 14:02 DE: CABINET DURAND +33 1 99 00 12 34 P. 1/1\n", "FR", &id);
    assert_true(id.header.present);
    assert_int_equal(id.header.at.line, 2);    /* bottom margin */
    assert_string_equal(id.header.name, "CABINET DURAND");
    assert_string_equal(id.header.number, "+33199001234");
    fg_ident_clear(&id);

    /* a TSI of bare digits, and a header with no name */
    ex("NOV-27-2026 02:02PM 3125550142 P.01\nhello\n", "US", &id);
    assert_true(id.header.present);
    assert_string_equal(id.header.time, "02:02PM");
    assert_string_equal(id.header.number, "+13125550142");
    assert_null(id.header.name);
    fg_ident_clear(&id);

    /* a date in the body is not a transmit header */
    ex("Date: 11/27/2026\nOffer valid until 12/31/2026 – call 1-800-555-0199\n", "US", &id);
    assert_false(id.header.present);
    fg_ident_clear(&id);
}

static void test_advertiser(void **state)
{
    fg_ident id;

    (void)state;
    /* a rule line, the audience and a quoted title under the letterhead are never the name */
    ex("=====================================\n      FOR ALL OFFICE MANAGERS AND BUYERS\n"
       "=====================================\n\"LEAD WITHOUT STRESS\" - THE 2-DAY SEMINAR\n"
       "Register today: 1-888-555-0163\n", "US", &id);
    assert_true(!id.adv_name || (strspn(id.adv_name, "=") == 0 && strncmp(id.adv_name, "FOR ", 4) &&
                                 id.adv_name[0] != '"'));
    assert_string_equal(id.callback, "+18885550163");
    fg_ident_clear(&id);
    ex("11/25/2026 13:20 FROM: FAXBLAST SVC 702-555-0110 P.1/1\n"
       "# The Best Toner Deals of the Year!\n"
       "Save 70% on toner cartridges. Call 1-866-555-0124 now or fax 1-877-555-0123.\n"
       "Visit www.tonerdepotdirect.com\nToner Depot Direct, 12 Main St, Reno NV\n"
       "To be removed call 1-866-555-0125.\n",
       "US", &id);
    assert_non_null(id.adv_name);
    assert_string_equal(id.adv_name, "Toner Depot Direct");   /* spells the domain; not the header name */
    assert_int_equal(id.adv_name_at.line, 4);
    assert_string_equal(id.callback, "+18665550124");
    assert_true(find_num(&id, "+18665550124")->kind & FG_NUM_CALLBACK);
    assert_false(find_num(&id, "+18665550125")->kind & FG_NUM_CALLBACK);
    assert_false(find_num(&id, "+17025550110")->kind & FG_NUM_CALLBACK);
    fg_ident_clear(&id);

    ex("# Cartouches à prix grossiste\nBureau Plus SARL, 14 rue des Entrepreneurs\n"
       "Commandez au 0 800 94 12 12\n", "FR", &id);
    assert_string_equal(id.adv_name, "Bureau Plus SARL");
    assert_string_equal(id.callback, "+33800941212");
    fg_ident_clear(&id);

    ex("# Kantine Koch – Ihr Mittagstisch im Büro\nBestellung bis 10 Uhr unter 030 23125 601.\n", "DE", &id);
    assert_string_equal(id.adv_name, "Kantine Koch");
    fg_ident_clear(&id);

    /* a plain text's letterhead: its first line, a short name in title case; not a greeting */
    ex("Sparkle Express Car Wash\nFLEET ACCOUNT PRICING FOR BUSINESSES\nSet up your fleet account: 816-555-0131\n",
       "US", &id);
    assert_string_equal(id.adv_name, "Sparkle Express Car Wash");
    fg_ident_clear(&id);
    ex("Ma\xc3\xaetre H\xc3\xa9l\xc3\xa8ne GUERIN-\xe2\x80\x94\nNotaire \xc3\xa0 Lyon, 04 72 10 55 80\n", "FR", &id);
    assert_string_equal(id.adv_name, "Ma\xc3\xaetre H\xc3\xa9l\xc3\xa8ne GUERIN");   /* OCR's dashes trimmed */
    fg_ident_clear(&id);
    ex("Hallo Jens\nhier die Zahlen von gestern, bitte zur\xc3\xbc""ckrufen: 0171 2345678\n", "DE", &id);
    assert_null(id.adv_name);
    fg_ident_clear(&id);

    ex("Free trial for your office! Call 1-844-555-0170.\nBrewPoint Office Coffee Co.\n", "US", &id);
    assert_string_equal(id.adv_name, "BrewPoint Office Coffee Co.");
    fg_ident_clear(&id);

    /* the advertiser's own domain: the one that spells its name, not the opt-out service's, not web mail */
    ex("# Harbor Point Seafood Ltd\nOrder at www.order.harborpoint.co.uk or harborpoint@gmail.com\n"
       "To be removed visit www.faxoptout-center.com or call 0800 123 4567.\n", "US", &id);
    assert_string_equal(id.adv_domain, "harborpoint.co.uk");
    assert_int_equal(id.adv_domain_at.line, 1);
    fg_ident_clear(&id);
    ex("Big savings on toner!\nWrite to orders@tonerdepot-direct.com\nTo opt out: www.stopfax-now.net\n", "US", &id);
    assert_string_equal(id.adv_domain, "tonerdepot-direct.com");
    fg_ident_clear(&id);
    ex("Cheap ink, call 1-800-555-0100 or write to inkdeals@gmail.com\n", "US", &id);
    assert_string_equal(id.adv_domain, "");   /* web mail says nothing about who sells */
    fg_ident_clear(&id);

    /* a sentence-initial call to action is not part of the name */
    ex("Lower your payments.\nCall ClearPath Business Solutions at (877) 555-0116 today.\n", "US", &id);
    assert_string_equal(id.adv_name, "ClearPath Business Solutions");
    fg_ident_clear(&id);
    ex("Appelez Bureau Plus SARL au 01 23 45 67 89.\n", "FR", &id);
    assert_string_equal(id.adv_name, "Bureau Plus SARL");
    fg_ident_clear(&id);

    /* the heading's brand completed by the legal name further down; a date is not part of it */
    ex("# MÉDI-CABINET\nTables d'examen à prix remisé. Commandez au 01 45 67 89 10.\n"
       "Médi-Cabinet Distribution SARL, 3 rue Pasteur, 69003 Lyon\n", "FR", &id);
    assert_string_equal(id.adv_name, "Médi-Cabinet Distribution SARL");
    assert_int_equal(id.adv_name_at.line, 2);
    fg_ident_clear(&id);
    ex("# Pacific Imaging\nOffer expires December 31, 2026. Pacific Imaging Solutions, Irvine CA.\n", "US", &id);
    assert_string_equal(id.adv_name, "Pacific Imaging Solutions");
    fg_ident_clear(&id);
    /* a legal name that does not contain the heading's is another company (a supplier, a lessor) */
    ex("# SunWave Cruises\nBook at www.sunwavecruises.com or call 1-800-555-0177.\n"
       "Financing by Harbor Credit LLC, subject to approval.\n", "US", &id);
    assert_string_equal(id.adv_name, "SunWave Cruises");
    fg_ident_clear(&id);

    /* a letterhead in capitals on the first lines, in body type */
    ex("23/11/2026 16:48 DE: MAISON GARNIER TRAITEUR 04 65 71 30 19 P.1/2\nMAISON GARNIER TRAITEUR\n"
       "Réceptions – repas d'affaires\nCommande : 04 65 71 30 18 – commandes@garnier-traiteur.example.fr\n",
       "FR", &id);
    assert_string_equal(id.adv_name, "MAISON GARNIER TRAITEUR");
    assert_int_equal(id.adv_name_at.line, 1);
    assert_string_equal(id.callback, "+33465713018");
    fg_ident_clear(&id);
}

/* With OCR boxes the biggest short line near the top names the advertiser; items carry boxes. */
static void test_boxes(void **state)
{
    static const struct {
        const char *t;
        int line;
        float h;
    } in[] = {{"11/27/2026", 0, 7}, {"14:02", 0, 7}, {"P.1", 0, 7}, {"Harbor", 1, 30}, {"Bistro", 1, 30},
              {"Lunch", 2, 10},     {"specials", 2, 10}, {"call", 2, 10}, {"(312)", 2, 10}, {"555-0191", 2, 10}};
    fg_words w = {0};
    fg_word v[sizeof in / sizeof in[0]];
    fg_ident id;

    (void)state;
    memset(v, 0, sizeof v);
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        v[i].text = (char *)in[i].t;
        v[i].line = in[i].line;
        v[i].height_pt = in[i].h;
        v[i].x0 = 100 + 60 * (int)i;
        v[i].x1 = v[i].x0 + 50;
        v[i].y0 = 40 + 100 * in[i].line;
        v[i].y1 = v[i].y0 + (int)in[i].h * 3;
        v[i].conf = 90;
    }
    w.v = v;
    w.n = sizeof in / sizeof in[0];
    w.page_width = 1728;
    w.page_height = 2200;
    memset(&id, 0, sizeof id);
    assert_int_equal(fg_extract(&w, "US", &id), FG_OK);
    assert_string_equal(id.adv_name, "Harbor Bistro");
    assert_int_equal(id.adv_name_at.x0, v[3].x0);
    assert_int_equal(id.adv_name_at.x1, v[4].x1);
    assert_int_equal(id.adv_name_at.line, 1);
    assert_string_equal(id.callback, "+13125550191");
    assert_int_equal(id.numbers[0].at.x0, v[8].x0);
    assert_int_equal(id.numbers[0].at.x1, v[9].x1);
    assert_true(id.header.present);
    assert_string_equal(id.header.time, "14:02");
    fg_ident_clear(&id);
}

static void test_language(void **state)
{
    fg_ident id;

    (void)state;
    ex("Please call us today for the best prices on all of your office supplies.", "US", &id);
    assert_string_equal(id.lang, "en");
    fg_ident_clear(&id);
    ex("Nous vous proposons des tarifs exceptionnels pour votre entreprise et vos salariés.", "FR", &id);
    assert_string_equal(id.lang, "fr");
    fg_ident_clear(&id);
    ex("Wir bieten Ihnen die besten Preise für Ihre Praxis und Ihr Team mit kostenloser Lieferung.", "DE", &id);
    assert_string_equal(id.lang, "de");
    fg_ident_clear(&id);
    ex("12345 67890", "US", &id);
    assert_string_equal(id.lang, "");
    fg_ident_clear(&id);
}

/* Hostile text: bounded, quick, no crash, sane results. */
static void run_hostile(const char *text, size_t len)
{
    fg_words *w = NULL;
    fg_ident id;

    assert_int_equal(fg_words_from_text(text, len, &w), FG_OK);
    memset(&id, 0, sizeof id);
    assert_int_equal(fg_extract(w, "US", &id), FG_OK);
    assert_true(id.n_numbers <= FG_NUMBERS_MAX);
    assert_true(id.n_numbers <= id.n_numbers_seen);
    assert_true(id.n_urls <= FG_ITEMS_MAX && id.n_emails <= FG_ITEMS_MAX);
    fg_ident_clear(&id);
    fg_words_free(w);
}

static void test_hostile(void **state)
{
    size_t big = 1u << 20;
    char *buf = malloc(big + 1);
    fg_ident id;
    fg_words *w;

    (void)state;
    assert_non_null(buf);
    memset(buf, '7', big);                                  /* 1 MB of digits */
    run_hostile(buf, big);
    for (size_t i = 0; i < big; i++)                        /* digits in phone-sized groups */
        buf[i] = i % 4 == 3 ? (i % 12 == 11 ? '\n' : ' ') : (char)('2' + i % 7);
    run_hostile(buf, big);
    for (size_t i = 0; i < big; i++)                        /* binary junk */
        buf[i] = (char)((i * 2654435761u) >> 13);
    run_hostile(buf, big);
    for (size_t i = 0; i < 100 * 1024; i++)                 /* one 100 kB word */
        buf[i] = (char)('a' + i % 26);
    run_hostile(buf, 100 * 1024);
    for (size_t i = 0; i < big; i++)                        /* only punctuation */
        buf[i] = "!?.,;:-()#@/%$"[i % 14];
    run_hostile(buf, big);
    {
        size_t n = 0;                                       /* 20k words, numbers and addresses */

        for (int i = 0; i < 21000 && n + 48 < big; i++)
            n += (size_t)snprintf(buf + n, big - n, "%s ",
                                  i % 3 == 0 ? "1-800-555-0199" : i % 3 == 1 ? "www.a.com" : "a@b.co\n");
        run_hostile(buf, n);
    }
    run_hostile("", 0);
    free(buf);

    /* a hand-made words array with NULL words and odd line numbers */
    {
        fg_word v[3] = {{.text = NULL, .line = 5}, {.text = "x", .line = -1}, {.text = "", .line = 3}};
        fg_words hw = {.v = v, .n = 3};

        memset(&id, 0, sizeof id);
        assert_int_equal(fg_extract(&hw, "US", &id), FG_OK);
        fg_ident_clear(&id);
    }
    assert_int_equal(fg_words_from_text("x", 1, &w), FG_OK);
    assert_int_equal(fg_extract(NULL, "US", &id), FG_ERR_INVAL);
    assert_int_equal(fg_extract(w, "US", NULL), FG_ERR_INVAL);
    memset(&id, 0, sizeof id);
    assert_int_equal(fg_extract(w, NULL, &id), FG_OK);     /* no country: international numbers only */
    fg_ident_clear(&id);
    fg_words_free(w);
    fg_ident_clear(NULL);
}

/* What OCR (or a sloppy sender) does to a number's separators: a colon, semicolon or comma between
   its groups, the separators dropped; and the times, prices and counts that must stay what they are. */
static void test_ocr_separators(void **state)
{
    static const struct {
        const char *text, *want;   /* want: "" when the line holds no phone number */
    } cases[] = {
        {"Call 1-800-555:0199 today", "+18005550199"},
        {"Phone (312) 555:0178", "+13125550178"},
        {"Or call 1 888 555;0142 to order", "+18885550142"},
        {"Fax orders to 1,877,555,0166", "+18775550166"},
        {"Questions? 18665550123", "+18665550123"},
        {"Tel 312.555.0101", "+13125550101"},
        {"Open 9:00-17:00, Saturdays 10:30-14:00", ""},
        {"Over 1,500,000 copies sold since 2019", ""},
        {"Meeting at 14:30 in room 12", ""},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fg_ident id;

        ex(cases[i].text, "US", &id);
        if (cases[i].want[0] ? !find_num(&id, cases[i].want) : id.n_numbers != 0)
            fail_msg("'%s': %zu numbers, first '%s', expected '%s'", cases[i].text, id.n_numbers,
                     id.n_numbers ? id.numbers[0].e164 : "", cases[i].want);
        fg_ident_clear(&id);
    }
}

/* What Australian, Canadian and UK rules ask a fax to carry: an ABN that passes its check
   digits, a street or postal address in the three languages; and what is neither. */
static void test_sender_id(void **state)
{
    static const struct {
        const char *text;
        const char *abn;
        bool postal;
    } cases[] = {
        {"Coastal Supplies Pty Ltd  ABN 51 824 753 556\nCall 1300 555 010", "51824753556", false},
        {"ABN: 51824753556", "51824753556", false},
        {"ABN 51 824 753 557 (a misprint fails the check)", "", false},
        {"ABN 51 824 753 5560", "", false},                       /* twelve digits: not an ABN */
        {"CABN 51 824 753 556", "", false},                       /* part of a word */
        {"Write to PO Box 1234, Sydney NSW 2001", "", true},
        {"GPO Box 77 Melbourne", "", true},
        {"Visit us at 12 Market Street, Toronto", "", true},
        {"Office: 221 West Queen Street Suite 4", "", true},
        {"45 rue de la Paix, 75002 Paris", "", true},
        {"12, avenue Foch 69006 Lyon", "", true},
        {"Hauptstraße 12, 10115 Berlin", "", true},
        {"Postfach 10 20 30, 80331 München", "", true},
        {"BP 12 - 13001 Marseille", "", true},
        {"Call 1 800 555 0199 today, street prices beat!", "", false},
        {"Save 20 percent on every order this week", "", false},
        {"Rue the day you missed this offer", "", false},
        {"Straße closed", "", false},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fg_ident id;

        ex(cases[i].text, "AU", &id);
        if (strcmp(id.abn, cases[i].abn) || id.postal != cases[i].postal)
            fail_msg("'%s': ABN '%s' postal %d, expected '%s' %d", cases[i].text, id.abn, id.postal, cases[i].abn,
                     cases[i].postal);
        fg_ident_clear(&id);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_web_addresses),
        cmocka_unit_test(test_optout_english),
        cmocka_unit_test(test_optout_french_german),
        cmocka_unit_test(test_fax_header),
        cmocka_unit_test(test_advertiser),
        cmocka_unit_test(test_boxes),
        cmocka_unit_test(test_language),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_ocr_separators),
        cmocka_unit_test(test_sender_id),
    };

    return cmocka_run_group_tests_name("extract", tests, NULL, NULL);
}
