/* faxgate — the opt-out notice of a fax advertisement, in English, French and German.
 *
 * Strong phrases are only ever found in such notices ("to be removed from our list",
 * "pour ne plus recevoir", "keine weiteren Faxe"); weak ones ("opposition",
 * "Widerspruch", "Abmeldung", "remove") also occur in legal notices, privacy clauses
 * and HR forms, so they count only next to a word about faxes, lists or mailings.
 */
#include <stdlib.h>
#include <string.h>

#include "extract_impl.h"

static const char *const strong[] = {
    /* English, including the JFPA wording of 47 CFR 64.1200(a)(4)(iii) */
    "to be removed", "be removed from", "removed from our", "removal from", "remove your number",
    "remove your fax", "remove your name", "remove you from", "to opt out", "to opt-out", "opt out of",
    "opt-out", "optout", "to stop receiving", "stop receiving", "do not wish to receive",
    "don't wish to receive", "no longer wish to receive", "no longer want to receive", "do not want to receive",
    "don't want to receive", "unsubscribe", "to be taken off", "taken off our", "to be excluded",
    "failure to comply", "within the shortest reasonable time", "request that the sender not send",
    "not to send any future", "removal request", "do not fax", "do-not-fax", "no more faxes",
    "stop these faxes", "stop future faxes", "stop further faxes", "stop all faxes", "stop all future",
    "prefer not to receive", "rather not receive", "no further faxes",
    "no longer wish to hear from", "no longer wish to be contacted", "no longer wish to be faxed",
    "have your number deleted", "your number deleted", "deleted from our", "to be deleted from",
    "removal line", "removal number", "removal hotline", "remove my number", "remove my fax",
    "decline further", "decline future", "cancel future", "cancel further", "further transmissions",
    "future transmissions", "take you off", "take your number off", "off our list", "off our fax list",
    "opt out", "no longer receive", "remove request", "remove requests", "discontinue faxes",
    "discontinue these faxes", "discontinue future", "discontinue further",
    /* OCR misreads a word's last letters more than its first: stems keep the notice found */
    "to be remov*", "to opt ou*", "to stop rece*", "wish to rece*", "want to rece*", "unsubscrib*",
    /* French */
    "pour ne plus recevoir", "ne plus recevoir", "desinscription", "desinscrire", "desinscrivez",
    "stop fax", "stop-fax", "vous desabonner", "desabonnement", "retirer de notre liste",
    "retire de notre liste", "retrait de notre liste", "radiation de notre fichier", "etre radie",
    "ne souhaitez plus recevoir", "ne desirez plus recevoir", "ne plus etre sollicite", "ne plus rece*",
    "ne plus recev*", "desinscri*", "desabonn*", "ne plus la rece*", "ne plus les rece*", "ne plus le rece*",
    "retire de notre fichier", "retiree de notre fichier", "retirer de notre fichier", "retires de notre fichier",
    /* German */
    "keine weiteren faxe", "keine faxe mehr", "keine weiteren informationen per fax",
    "keine weiteren informationen gewunscht", "nicht mehr per fax", "keine informationen mehr per fax", "keine werbefaxe", "keine weiteren telefaxe",
    "aus dem verteiler", "aus unserem verteiler", "faxsperre", "keine weiteren zusendungen",
    "nicht mehr erhalten", "nicht mehr empfangen", "keine weitere werbung", "keine werbung mehr",
    "keine weiteren fax*", "keine fax* mehr", "per fax mehr erhalten", "per fax mehr empfangen",
    "keine wochenkarte mehr", "keine speisekarte mehr", "keine angebote mehr", "keine faxwerbung",
    "keine informationen per fax", "keine weiteren angebote", "abbestellung von fax*",
    /* word order and compounds: "keine Seminarinformationen mehr per Fax erhalten", "keine weiteren
       Informationen wünschen", "Sie wünschen keine Faxe?" */
    "mehr per fax erhalten", "mehr per fax empfangen", "keine weiteren informationen wunsch*",
    "keine informationen mehr wunsch*", "wunschen keine fax*", "wunschen sie keine fax*", NULL};

static const char *const weak[] = {"opposition", "opposer", "opposez", "widerspruch", "widersprechen",
                                   "abmeldung", "abmelden", "austragen", "austragung", "abbestellen", "abbestellung", NULL};
/* English verbs that are everyday words ("snow removal", "stop by"): only with a list nearby. */
static const char *const weak_en[] = {"remove", "removal", "stop", NULL};
static const char *const list_ctx[] = {"list", "mailing", "database", "distribution", "fax number", "fax #",
                                       "fax no", NULL};
static const char *const weak_ctx[] = {
    "fax*", "telecopi*", "liste", "list", "mailing", "recevoir", "receive", "envoi*", "prospection",
    "publicit*", "werbung", "werbe*", "zusendung*", "verteiler", "newsletter", "angebote", "sollicitation*",
    "*faxe", "*fax", NULL};

static const char *const w30[] = {"30 days", "thirty days", "thirty (30) days", "30-day", "30 jours",
                                  "trente jours", "30 tagen", "30 tage", "shortest reasonable time", NULL};
static const char *const wunlawful[] = {"unlawful", "illegal", "illicite", "rechtswidrig", "unzulassig",
                                        "against the law", "violation of federal", NULL};
static const char *const w247[] = {"24 hours", "24 hrs", "24/7", "24 h/24", "24h/24", "24h", "24 h",
                                   "7 days a week", "7j/7", "7 j/7", "rund um die uhr", "24 stunden",
                                   "any time", "anytime", "day or night", "jour et nuit", NULL};
static const char *const wfree[] = {"toll free", "toll-free", "tollfree", "free of charge", "at no cost",
                                    "no cost", "cost-free", "cost free", "free call", "gratuit*", "numero vert",
                                    "sans frais", "kostenlos*", "kostenfrei*", "gebuhrenfrei*", "gratis",
                                    "freecall", "e-mail", "email", "website", "web site", "online", "www*",
                                    "http*", "courriel", NULL};

#define TRIG_MAX 32

typedef struct trig {
    size_t line, off;   /* doc line and offset inside it */
} trig;

static size_t add_trig(const fg_doc *d, trig *t, size_t nt, size_t flat_off)
{
    size_t li = fg_doc_line_at(d, flat_off);

    if (nt >= TRIG_MAX)
        return nt;
    t[nt].line = li;
    t[nt].off = flat_off - d->lines[li].off;
    return nt + 1;
}

/* Weak phrases count only with a context word within span characters. */
static size_t weak_triggers(const fg_doc *d, trig *t, size_t nt, const char *const *list, const char *const *ctx,
                            size_t span)
{
    for (const char *const *p = list; *p; p++) {
        size_t from = 0, at;

        for (int tries = 0; tries < 64 && nt < TRIG_MAX && (at = fg_text_find(d->flat, d->len, *p, from)) != (size_t)-1;
             tries++) {
            size_t a = at > span ? at - span : 0, b = at + span < d->len ? at + span : d->len;

            if (fg_text_any(d->flat + a, b - a, ctx))
                nt = add_trig(d, t, nt, at);
            from = at + 1;
        }
    }
    return nt;
}

static size_t find_triggers(const fg_doc *d, trig *t)
{
    size_t nt = 0;

    for (const char *const *p = strong; *p; p++) {
        size_t from = 0, at;

        while (nt < TRIG_MAX && (at = fg_text_find(d->flat, d->len, *p, from)) != (size_t)-1) {
            nt = add_trig(d, t, nt, at);
            from = at + 1;
        }
    }
    nt = weak_triggers(d, t, nt, weak, weak_ctx, 100);
    nt = weak_triggers(d, t, nt, weak_en, list_ctx, 40);
    return nt;
}

/* A line that carries on the notice: a number, or a word that belongs to such notices. */
static bool continues(const fg_xctx *x, size_t li)
{
    static const char *const cue[] = {"fax*", "call*", "30", "unlawful", "days", "24*", "free", "jours",
                                      "tage*", "gratuit*", "kostenlos*", "remove*", "request*", "list*",
                                      "appel*", "telecopi*", "anruf*", "rufen", "e-mail", "email",
                                      "comply", "failure", "demande", "anfrage", "liste", "stop", NULL};
    const fg_line *L = &x->doc.lines[li];

    if (L->heading || (x->has_header && li == x->header_line))
        return false;
    for (size_t i = 0; i < x->id->n_numbers; i++)
        if (x->spans[i].line == li)
            return true;
    return fg_text_any(L->fold, L->len, cue);
}

/* A line whose last sentence is complete: the notice does not run on into the next one. */
static bool ends_sentence(const fg_line *L)
{
    size_t n = L->len;

    while (n && strchr(")\"' ", L->fold[n - 1]))
        n--;
    return n && strchr(".!?", L->fold[n - 1]);
}

/* Unlabelled numbers in a notice that only speaks of faxing this page back are fax numbers. */
static bool fax_back_notice(const char *s, size_t n)
{
    static const char *const fax[] = {"fax*", "*faxe*", "telecopi*", "this page", "this form", "this sheet",
                                      "cette page", "ce document", "ce coupon", "ce formulaire", "dieses blatt",
                                      "diese seite", "dieses formular", NULL};
    static const char *const voice[] = {"call*", "phone", "tel", "telephon*", "appel*", "anruf*", "rufen",
                                        "telefon*", "dial", NULL};

    return fg_text_any(s, n, fax) && !fg_text_any(s, n, voice);
}

fg_err fg_optout_scan(fg_xctx *x)
{
    const fg_doc *d = &x->doc;
    fg_optout *o = &x->id->optout;
    trig t[TRIG_MAX];
    size_t nt = find_triggers(d, t), best = 0, best_score = 0, l0, l1, a, b, first_off, n_num = 0, n_free = 0;
    bool free_word, fax_back;

    if (!nt)
        return FG_OK;
    /* The densest cluster of trigger phrases; the later one on a tie (notices sit at the bottom). */
    for (size_t i = 0; i < nt; i++) {
        size_t score = 0;

        if (x->has_header && t[i].line == x->header_line)
            continue;
        for (size_t j = 0; j < nt; j++)
            score += t[j].line + 1 >= t[i].line && t[j].line <= t[i].line + 3;
        if (score > best_score || (score == best_score && t[i].line >= t[best].line)) {
            best = i;
            best_score = score;
        }
    }
    if (!best_score)
        return FG_OK;
    l0 = t[best].line;
    first_off = t[best].off;
    for (size_t j = 0; j < nt; j++) {
        if (t[j].line + 1 >= l0 && t[j].line < l0 && !(x->has_header && t[j].line == x->header_line)) {
            l0 = t[j].line;
            first_off = t[j].off;
        } else if (t[j].line == l0 && t[j].off < first_off) {
            first_off = t[j].off;
        }
    }
    l1 = l0;
    for (size_t j = 0; j < nt; j++)
        if (t[j].line > l1 && t[j].line <= l0 + 3)
            l1 = t[j].line;
    while (l1 + 1 < d->n && l1 < l0 + 3 && !ends_sentence(&d->lines[l1]) && continues(x, l1 + 1))
        l1++;

    o->present = true;
    x->has_optout = true;
    x->opt_l0 = l0;
    x->opt_l1 = l1;
    o->at = fg_doc_where(d, l0, first_off, d->lines[l0].len);
    if (!(o->text = fg_doc_words(d, d->lines[l0].w0, d->lines[l1].w1, 600)))
        return fg_err_set(FG_ERR_NOMEM, "cannot copy the opt-out notice");

    a = d->lines[l0].off;
    b = d->lines[l1].off + d->lines[l1].len;
    fax_back = fax_back_notice(d->flat + a, b - a);
    for (size_t i = 0; i < x->id->n_numbers; i++) {
        fg_number *num = &x->id->numbers[i];
        const fg_numspan *s = &x->spans[i];

        if (s->line < l0 || s->line > l1 || (num->kind & FG_NUM_HEADER) ||
            (s->line == l0 && s->b + 40 < first_off))
            continue;
        num->kind |= FG_NUM_OPTOUT;
        n_num++;
        n_free += !!(num->kind & FG_NUM_TOLLFREE);
        o->premium = o->premium || (num->kind & FG_NUM_PREMIUM);
        if (fax_back && !(num->kind & (FG_NUM_FAX | FG_NUM_VOICE)))
            num->kind |= FG_NUM_FAX;
        if ((num->kind & FG_NUM_FAX) && !(num->kind & FG_NUM_VOICE)) {
            if (!o->fax[0])
                memcpy(o->fax, num->e164, FG_E164_LEN);
        } else if (!o->phone[0]) {
            memcpy(o->phone, num->e164, FG_E164_LEN);
        } else if (!o->fax[0] && (num->kind & FG_NUM_FAX)) {
            memcpy(o->fax, num->e164, FG_E164_LEN);
        }
    }
    free_word = fg_text_any(d->flat + a, b - a, wfree);
    for (size_t i = 0; i < x->id->n_emails && !free_word; i++)
        free_word = x->id->emails[i].at.line >= d->lines[l0].index && x->id->emails[i].at.line <= d->lines[l1].index;
    o->free_of_charge = (n_num && n_free == n_num) || free_word;
    o->mentions_30_days = fg_text_any(d->flat + a, b - a, w30);
    o->mentions_unlawful = fg_text_any(d->flat + a, b - a, wunlawful);
    o->round_the_clock = fg_text_any(d->flat + a, b - a, w247);
    /* JFPA wording is often a sentence of its own a little further down: look there too. */
    if (!o->mentions_30_days || !o->mentions_unlawful) {
        size_t c = b, e = b + 400 < d->len ? b + 400 : d->len;

        if (fg_text_find(d->flat + c, e - c, "failure to comply", 0) != (size_t)-1) {
            o->mentions_30_days = o->mentions_30_days || fg_text_any(d->flat + c, e - c, w30);
            o->mentions_unlawful = o->mentions_unlawful || fg_text_any(d->flat + c, e - c, wunlawful);
        }
    }
    return FG_OK;
}
