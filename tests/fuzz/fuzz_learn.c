/* libFuzzer target: hostile page text through the learning classifier's tokenizer, an in-memory
   model, and the campaign fingerprint. */
#include <stdint.h>
#include <string.h>

#include "faxgate/campaign.h"
#include "faxgate/extract.h"
#include "faxgate/learn.h"
#include "faxgate/ocr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fg_words *w = NULL;
    fg_ident id = {0};
    fg_tokens *t = NULL;
    fg_learn_builder *b = NULL;
    fg_learn_result r;
    fg_fingerprint fp, fp2;
    unsigned char blob[4 * FG_MINHASH_K];

    if (size > 200000 || fg_words_from_text((const char *)data, size, &w) != FG_OK)
        return 0;
    if (fg_extract(w, size && (data[0] & 1) ? "DE" : "US", &id) == FG_OK &&
        fg_learn_tokens(w, &id, &(fg_learn_tokopts){.bigrams = size & 2, .skip_header = true}, &t) == FG_OK &&
        fg_learn_builder_new(&b) == FG_OK) {
        /* the page as both classes, several times: every count path and the combining */
        for (int i = 0; i < 6; i++)
            fg_learn_builder_add(b, t, i & 1);
        fg_learn_score_model(fg_learn_builder_model(b), t, NULL, &r);
    }
    if (fg_campaign_fingerprint(w, &id, &fp) == FG_OK) {
        fg_campaign_pack(&fp, blob);
        if (fg_campaign_unpack(blob, sizeof blob, &fp2) == FG_OK)
            fg_campaign_similarity(&fp, &fp2);
    }
    fg_learn_builder_free(b);
    fg_tokens_free(t);
    fg_ident_clear(&id);
    fg_words_free(w);
    return 0;
}
