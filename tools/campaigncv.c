/* faxgate tools — campaigncv: how well fingerprints recognise a campaign, on the labelled texts.
 *
 *   campaigncv [--dir tests/data/texts] [--split tune|report|all] [--noise P] [--ocr DIR] [--list]
 *
 * Positives: each ad against its variants — every digit changed (new phone numbers, dates and
 * prices), the same with OCR-like noise at rate P per character (look-alike letters, dropped
 * letters, words split), the OCR text of its rendered page (--ocr DIR/<file>), and texts the
 * label files give the same campaign. Negatives: every pair of different texts (ads and business
 * faxes) that share no campaign. Prints how many of each reach each similarity threshold.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faxgate/campaign.h"
#include "faxgate/faxgate.h"
#include "labels.h"

static uint64_t rng = 0x2545f4914f6cdd1dull;

static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

/* A copy of text with every digit replaced and, at rate p, OCR's usual mistakes. */
static char *variant(const char *text, size_t len, double p, size_t *olen)
{
    static const char *const look[][2] = {{"o", "0"}, {"l", "1"}, {"i", "l"}, {"e", "c"}, {"a", "o"},
                                          {"s", "5"}, {"m", "rn"}, {"n", "ri"}, {"h", "b"}, {"u", "v"}};
    char *out = malloc(2 * len + 1);
    size_t o = 0;

    if (!out)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        char ch = text[i];

        if (ch >= '0' && ch <= '9') {
            out[o++] = (char)('0' + rnd(10));
            continue;
        }
        if (p > 0 && ch > ' ' && rnd(100000) < (unsigned)(p * 100000)) {
            unsigned k = rnd(4);

            if (k == 0)
                continue;   /* a letter lost */
            if (k == 1) {
                out[o++] = ch;
                out[o++] = ' ';   /* a word split in two */
                continue;
            }
            for (size_t j = 0; j < sizeof look / sizeof look[0]; j++)
                if (ch == look[j][0][0]) {
                    for (const char *r = look[j][1]; *r; r++)
                        out[o++] = *r;
                    ch = 0;
                    break;
                }
            if (!ch)
                continue;
        }
        out[o++] = ch;
    }
    out[o] = '\0';
    *olen = o;
    return out;
}

typedef struct hist {
    int n;
    int at[11];             /* how many reach 0.0, 0.1 … 1.0 */
    double min, max;
} hist;

static void hist_add(hist *h, double s)
{
    if (!h->n || s < h->min)
        h->min = s;
    if (!h->n || s > h->max)
        h->max = s;
    h->n++;
    for (int i = 0; i <= 10; i++)
        h->at[i] += s >= i / 10.0 - 1e-9;
}

static void hist_print(const char *what, const hist *h)
{
    printf("%-34s %5d pairs, min %.2f max %.2f; reaching 0.3 %d, 0.4 %d, 0.5 %d, 0.6 %d, 0.7 %d\n", what, h->n,
           h->n ? h->min : 0, h->n ? h->max : 0, h->at[3], h->at[4], h->at[5], h->at[6], h->at[7]);
}

int main(int argc, char **argv)
{
    const char *dir = "tests/data/texts", *split = "tune", *ocr = NULL;
    double noise = 0.02;
    bool list = false;
    lab_set set = {0};
    fg_fingerprint *fp, *ofp;
    hist same = {0}, noisy = {0}, ocrd = {0}, labelled = {0}, labelled_ocr = {0}, diff = {0};

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--dir") && i + 1 < argc)
            dir = argv[++i];
        else if (!strcmp(argv[i], "--split") && i + 1 < argc)
            split = argv[++i];
        else if (!strcmp(argv[i], "--noise") && i + 1 < argc)
            noise = atof(argv[++i]);
        else if (!strcmp(argv[i], "--ocr") && i + 1 < argc)
            ocr = argv[++i];
        else if (!strcmp(argv[i], "--list"))
            list = true;
        else {
            fprintf(stderr, "usage: campaigncv [--dir DIR] [--split tune|report|all] [--noise P] [--ocr DIR] [--list]\n");
            return 2;
        }
    }
    if (lab_load(&set, dir, strcmp(split, "all") ? split : NULL) || !set.n || !(fp = calloc(set.n, sizeof *fp))) {
        fprintf(stderr, "campaigncv: cannot load the %s texts of %s\n", split, dir);
        return 1;
    }
    if (!(ofp = calloc(set.n, sizeof *ofp)))
        return 1;
    for (size_t i = 0; i < set.n; i++) {
        fg_campaign_fingerprint_text(set.v[i].text, set.v[i].len, set.v[i].country, &fp[i]);
        if (ocr) {
            char path[1024], *vt;
            size_t vl;
            FILE *f;

            snprintf(path, sizeof path, "%s/%s", ocr, set.v[i].file);
            if ((f = fopen(path, "rb")) && (vt = calloc(1, 1 << 20))) {
                vl = fread(vt, 1, (1 << 20) - 1, f);
                fg_campaign_fingerprint_text(vt, vl, set.v[i].country, &ofp[i]);
                free(vt);
            }
            if (f)
                fclose(f);
        }
    }
    for (size_t i = 0; i < set.n; i++) {
        const lab_text *t = &set.v[i];
        fg_fingerprint v;
        size_t vl;
        char *vt;

        for (size_t j = i + 1; j < set.n; j++) {
            double s = fg_campaign_similarity(&fp[i], &fp[j]);

            if (t->campaign[0] && !strcmp(t->campaign, set.v[j].campaign)) {
                hist_add(&labelled, s);
                if (ofp[i].shingles && ofp[j].shingles)
                    hist_add(&labelled_ocr, fg_campaign_similarity(&ofp[i], &ofp[j]));
                if (list)
                    printf("campaign %-20s %.2f %s ~ %s\n", t->campaign, s, t->file, set.v[j].file);
            } else {
                hist_add(&diff, s);
                if (list && s >= 0.3)
                    printf("different       %.2f %s ~ %s\n", s, t->file, set.v[j].file);
            }
        }
        if (!t->is_ad)
            continue;
        if ((vt = variant(t->text, t->len, 0, &vl))) {
            fg_campaign_fingerprint_text(vt, vl, t->country, &v);
            hist_add(&same, fg_campaign_similarity(&fp[i], &v));
            free(vt);
        }
        if ((vt = variant(t->text, t->len, noise, &vl))) {
            double s;

            fg_campaign_fingerprint_text(vt, vl, t->country, &v);
            hist_add(&noisy, s = fg_campaign_similarity(&fp[i], &v));
            if (list && s < 0.6)
                printf("noisy variant   %.2f %s\n", s, t->file);
            free(vt);
        }
        if (ocr) {
            char path[1024];
            FILE *f;

            snprintf(path, sizeof path, "%s/%s", ocr, t->file);
            if ((f = fopen(path, "rb")) && (vt = calloc(1, 1 << 20))) {
                double s;

                vl = fread(vt, 1, (1 << 20) - 1, f);
                fg_campaign_fingerprint_text(vt, vl, t->country, &v);
                hist_add(&ocrd, s = fg_campaign_similarity(&fp[i], &v));
                if (list && s < 0.6)
                    printf("OCR text        %.2f %s\n", s, t->file);
                free(vt);
            }
            if (f)
                fclose(f);
        }
    }
    printf("%zu %s texts; fingerprints of %d slots, match at >= %.2f\n", set.n, split, FG_MINHASH_K, FG_CAMPAIGN_MATCH);
    hist_print("ad vs numbers changed", &same);
    {
        char what[64];

        snprintf(what, sizeof what, "ad vs numbers + %.0f %% OCR noise", noise * 100);
        hist_print(what, &noisy);
    }
    if (ocr)
        hist_print("ad vs OCR of its rendered page", &ocrd);
    hist_print("labelled variants of one campaign", &labelled);
    if (ocr)
        hist_print("…each read by OCR from its page", &labelled_ocr);
    hist_print("different texts", &diff);
    free(fp);
    free(ofp);
    lab_free(&set);
    return 0;
}
