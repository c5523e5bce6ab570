/* faxgate — campaign: the same advertisement sent again and again, from rotating numbers.
 *
 * A fingerprint is a MinHash signature of the page's word shingles after what changes between
 * sends is taken out (every number: phone, date, price; the transmit header line; the opt-out
 * notice, which broadcasters print under every advertiser's ad). Two pages whose signatures
 * agree in at least FG_CAMPAIGN_MATCH of their slots share that share of their shingles
 * (estimated Jaccard similarity) and belong to one campaign. The store finds candidates through
 * LSH band hashes and keeps a few signatures per campaign, so that a campaign that drifts is
 * still recognised. An operator's `junk` marks the whole campaign; later faxes of it are dropped.
 */
#ifndef FAXGATE_CAMPAIGN_H
#define FAXGATE_CAMPAIGN_H

#include <stdbool.h>
#include <stdint.h>
#include "faxgate/error.h"
#include "faxgate/extract.h"
#include "faxgate/ocr.h"

#define FG_MINHASH_K 128            /* slots of a signature: similarity is known to about ±0.045 */
#define FG_LSH_ROWS 2               /* slots per band ... */
#define FG_LSH_BANDS (FG_MINHASH_K / FG_LSH_ROWS)  /* ... so a pair alike at 0.4 shares a band almost surely */
#define FG_CAMPAIGN_MATCH 0.4       /* estimated Jaccard similarity at or above which two faxes are one campaign */
#define FG_CAMPAIGN_MIN_SHINGLES 8  /* fewer: too little text to recognise anything */

typedef struct fg_fingerprint {
    uint32_t h[FG_MINHASH_K];
    int shingles;                   /* distinct shingles hashed; 0 = no fingerprint */
} fg_fingerprint;

/** Fingerprints page 1 (id may be NULL: nothing is left out but numbers). */
fg_err fg_campaign_fingerprint(const fg_words *w, const fg_ident *id, fg_fingerprint *out);

/** Fingerprint of a plain text (words, then extraction with country). */
fg_err fg_campaign_fingerprint_text(const char *text, size_t len, const char *country, fg_fingerprint *out);

/** Estimated Jaccard similarity of two fingerprints, 0..1 (0 if either is empty). */
double fg_campaign_similarity(const fg_fingerprint *a, const fg_fingerprint *b);

/** The LSH band hashes of a fingerprint (FG_LSH_BANDS of them, band index mixed in). */
void fg_campaign_bands(const fg_fingerprint *fp, int64_t out[FG_LSH_BANDS]);

/** Serialises a fingerprint (FG_MINHASH_K little-endian 32-bit words). */
void fg_campaign_pack(const fg_fingerprint *fp, unsigned char out[4 * FG_MINHASH_K]);

/** Reads a serialised fingerprint; FG_ERR_FORMAT if len is wrong. */
fg_err fg_campaign_unpack(const void *blob, size_t len, fg_fingerprint *out);

/* ---- the site's campaigns (store_campaign.c) ---- */

typedef struct fg_store fg_store;

typedef struct fg_campaign_match {
    int64_t id;                     /* 0: no campaign matched */
    char state[12];                 /* "none", "junk", "released" */
    double similarity;
    int count;                      /* faxes recorded in it so far */
    char advertiser[96];            /* "" if unknown */
} fg_campaign_match;

/** The stored campaign most like fp (at least FG_CAMPAIGN_MATCH), or out->id = 0. */
fg_err fg_store_campaign_match(fg_store *st, const fg_fingerprint *fp, fg_campaign_match *out);

/** Marks the campaign of a stored call "junk" or "released" (creating it from the call's
    fingerprint if the call has none); *campaign_id 0 if the call has no fingerprint. */
fg_err fg_store_campaign_mark(fg_store *st, int64_t call_id, const char *state, const char *by,
                              int64_t *campaign_id);

/** Campaigns, most recently seen first, as a JSON array (id, first_seen, last_seen, advertiser,
    count, state, state_by, calls: [ids]). */
fg_err fg_store_campaigns_json(fg_store *st, char **json);

/** The violation log grouped by "campaign" or "advertiser", as a JSON array. */
fg_err fg_store_violations_by_json(fg_store *st, const char *by, char **json);

#endif
