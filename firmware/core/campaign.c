/* faxgate — campaign: MinHash fingerprints of a page's text.
 *
 * The page becomes a stream of normalised words: folded (fg_text_fold), letters only, with every
 * number dropped (phone numbers, dates, prices and promo codes change between sends of one
 * campaign; the words around them do not), OCR's look-alike digits read back as letters
 * ("0ffer" → "offer"), and the header line and opt-out notice left out. Shingles are runs of
 * FG_SHINGLE_WORDS words; each of the FG_MINHASH_K slots keeps the least of its own hash over
 * all shingles, so two pages agree in a slot with a probability equal to the Jaccard
 * similarity of their shingle sets. Word pairs were chosen over triples and character
 * n-grams by measurement (docs/learning.md): an OCR error costs two shingles, not three.
 */
#include <stdlib.h>
#include <string.h>

#include "extract_impl.h"
#include "faxgate/campaign.h"

#define FG_SHINGLE_WORDS 2
#define SHINGLES_MAX 4096       /* a page of small print has under 1500 words: more is hostile */
#define NORM_MAX 24             /* letters kept of one word */

static uint64_t splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

static uint64_t fnv64(const char *s, size_t n, uint64_t h)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
    return h;
}

/* Normalises one folded word into out (letters only); false if nothing worth a shingle is left. */
static bool normalise(const char *f, char out[NORM_MAX + 1])
{
    size_t letters = 0, digits = 0, n = 0;

    for (const char *p = f; *p; p++) {
        if (fg_isalpha((unsigned char)*p))
            letters++;
        else if (fg_isdigit((unsigned char)*p))
            digits += strchr("0158", *p) ? 1 : 100;   /* a digit OCR never mistakes for a letter */
    }
    /* a number, even with a few letters ("$49", "24h", "FX26", "1st", "3rd"), is left out */
    if (letters < 2 || (digits && letters <= 3) || digits * 2 > letters)
        return false;
    for (const char *p = f; *p && n < NORM_MAX; p++) {
        char ch = *p == '0' ? 'o' : *p == '1' ? 'l' : *p == '5' ? 's' : *p == '8' ? 'b' : *p;

        if (fg_isalpha((unsigned char)ch))
            out[n++] = ch;
    }
    out[n] = '\0';
    return n >= 2;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

/* Index of the first word of the opt-out notice and how many words it has (0 if none). */
static void notice_words(const fg_words *w, const fg_ident *id, size_t *first, size_t *count)
{
    const char *t;

    *first = *count = 0;
    if (!id || !id->optout.present || !id->optout.text)
        return;
    for (*first = 0; *first < w->n && w->v[*first].line != id->optout.at.line; (*first)++)
        ;
    for (t = id->optout.text; *t;) {
        while (*t == ' ' || *t == '\n')
            t++;
        if (!*t)
            break;
        (*count)++;
        while (*t && *t != ' ' && *t != '\n')
            t++;
    }
}

fg_err fg_campaign_fingerprint(const fg_words *w, const fg_ident *id, fg_fingerprint *out)
{
    char win[FG_SHINGLE_WORDS][NORM_MAX + 1], fold[FG_WORD_MAX_LEN + 1];
    uint64_t *sh;
    size_t nsh = 0, nwin = 0, nf, nc, uniq = 0;
    int header_line = id && id->header.present ? id->header.at.line : -1;

    if (!w || !out)
        return fg_err_set(FG_ERR_INVAL, "fg_campaign_fingerprint: no words or no output");
    memset(out, 0, sizeof *out);
    if (!(sh = malloc(SHINGLES_MAX * sizeof *sh)))
        return fg_err_set(FG_ERR_NOMEM, "cannot allocate the shingles of a page");
    notice_words(w, id, &nf, &nc);
    for (size_t i = 0; i < w->n && nsh < SHINGLES_MAX; i++) {
        const char *s = w->v[i].text ? w->v[i].text : "";
        size_t len = strnlen(s, FG_WORD_MAX_LEN);
        char word[NORM_MAX + 1];
        uint64_t h = 0xcbf29ce484222325ull;

        if (w->v[i].line == header_line || (nc && i >= nf && i < nf + nc))
            continue;
        fold[fg_text_fold(s, len, fold)] = '\0';
        if (!normalise(fold, word))
            continue;
        if (nwin == FG_SHINGLE_WORDS) {
            memmove(win[0], win[1], (FG_SHINGLE_WORDS - 1) * sizeof win[0]);
            nwin--;
        }
        memcpy(win[nwin++], word, sizeof word);
        if (nwin < FG_SHINGLE_WORDS)
            continue;
        for (size_t k = 0; k < FG_SHINGLE_WORDS; k++)
            h = fnv64(win[k], strlen(win[k]) + 1, h);   /* the NUL separates the words */
        sh[nsh++] = h;
    }
    /* a page too short for one full shingle still gets its words */
    if (nsh == 0 && nwin > 0) {
        uint64_t h = 0xcbf29ce484222325ull;

        for (size_t k = 0; k < nwin; k++)
            h = fnv64(win[k], strlen(win[k]) + 1, h);
        sh[nsh++] = h;
    }
    qsort(sh, nsh, sizeof *sh, cmp_u64);
    for (size_t k = 0; k < FG_MINHASH_K; k++)
        out->h[k] = UINT32_MAX;
    for (size_t i = 0; i < nsh; i++) {
        if (i && sh[i] == sh[i - 1])
            continue;
        uniq++;
        for (size_t k = 0; k < FG_MINHASH_K; k++) {
            uint32_t v = (uint32_t)(splitmix64(sh[i] ^ (0x9e3779b97f4a7c15ull * (k + 1))) >> 32);

            if (v < out->h[k])
                out->h[k] = v;
        }
    }
    out->shingles = (int)uniq;
    free(sh);
    return FG_OK;
}

fg_err fg_campaign_fingerprint_text(const char *text, size_t len, const char *country, fg_fingerprint *out)
{
    fg_words *w = NULL;
    fg_ident id = {0};
    fg_err e;

    if (!out || (!text && len))
        return fg_err_set(FG_ERR_INVAL, "fg_campaign_fingerprint_text: no text or no output");
    if ((e = fg_words_from_text(text ? text : "", len, &w)))
        return e;
    if (!(e = fg_extract(w, country && *country ? country : "US", &id)))
        e = fg_campaign_fingerprint(w, &id, out);
    fg_ident_clear(&id);
    fg_words_free(w);
    return e;
}

double fg_campaign_similarity(const fg_fingerprint *a, const fg_fingerprint *b)
{
    int same = 0;

    if (!a || !b || a->shingles <= 0 || b->shingles <= 0)
        return 0;
    for (size_t k = 0; k < FG_MINHASH_K; k++)
        same += a->h[k] == b->h[k];
    return (double)same / FG_MINHASH_K;
}

void fg_campaign_bands(const fg_fingerprint *fp, int64_t out[FG_LSH_BANDS])
{
    for (size_t b = 0; b < FG_LSH_BANDS; b++) {
        uint64_t h = splitmix64(b + 1);

        for (size_t r = 0; r < FG_LSH_ROWS; r++)
            h = splitmix64(h ^ fp->h[b * FG_LSH_ROWS + r]);
        out[b] = (int64_t)(h >> 1);   /* SQLite integers are signed */
    }
}

void fg_campaign_pack(const fg_fingerprint *fp, unsigned char out[4 * FG_MINHASH_K])
{
    for (size_t k = 0; k < FG_MINHASH_K; k++) {
        out[4 * k] = (unsigned char)fp->h[k];
        out[4 * k + 1] = (unsigned char)(fp->h[k] >> 8);
        out[4 * k + 2] = (unsigned char)(fp->h[k] >> 16);
        out[4 * k + 3] = (unsigned char)(fp->h[k] >> 24);
    }
}

fg_err fg_campaign_unpack(const void *blob, size_t len, fg_fingerprint *out)
{
    const unsigned char *p = blob;

    if (!out)
        return fg_err_set(FG_ERR_INVAL, "fg_campaign_unpack: no output");
    memset(out, 0, sizeof *out);
    if (!p || len != 4 * FG_MINHASH_K)
        return fg_err_set(FG_ERR_FORMAT, "a stored fingerprint has %zu bytes instead of %d: the store was written "
                          "by another faxgate version; the campaign is ignored", len, 4 * FG_MINHASH_K);
    for (size_t k = 0; k < FG_MINHASH_K; k++)
        out->h[k] = (uint32_t)p[4 * k] | (uint32_t)p[4 * k + 1] << 8 | (uint32_t)p[4 * k + 2] << 16 |
                    (uint32_t)p[4 * k + 3] << 24;
    out->shingles = 1;   /* a stored signature was made from text; its count is not kept */
    return FG_OK;
}
