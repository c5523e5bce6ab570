/* libFuzzer target: hostile page text through the learning classifier's tokenizer, an in-memory
   model, the campaign fingerprint, and the n-gram features of lr.h with a few SGD steps on them. */
#include <stdint.h>
#include <string.h>

#include "faxgate/campaign.h"
#include "faxgate/extract.h"
#include "faxgate/learn.h"
#include "faxgate/lr.h"
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
    {
        static fg_lr_feats x[2];   /* static: 4.6 kB of names each, kept off the fuzzer's stack */
        fg_lr_featopts o = {.bits = 8 + (int)(size % 5), .ngrams = true, .rule_scale = 0.5, .fact_scale = 0.5};
        fg_scores s = {0};
        fg_lr_weights wt;
        int y[2] = {1, 0}, nm[2][FG_LR_NAMED_MAX];
        const int *named[2] = {nm[0], nm[1]};
        fg_lr_opts lo = {.lambda = 1e-4, .eta0 = 0.5, .epochs = 2, .seed = size};

        fg_scores_add(&s, "AD_PROMO_VOCAB", 1.5, "fuzz");
        if (fg_lr_features(w, &id, &s, &o, &x[0]) == FG_OK && fg_lr_features(w, NULL, NULL, &o, &x[1]) == FG_OK) {
            for (int k = 0; k < 2; k++)
                for (size_t i = 0; i < FG_LR_NAMED_MAX; i++)
                    nm[k][i] = (int)(i % 3) - 1;   /* -1: a name the model does not know */
            if (fg_lr_train(x, named, y, 2, o.bits, 2, &lo, &wt) == FG_OK) {
                fg_lr_weights_logit(&wt, &x[0], nm[0]);
                fg_lr_weights_clear(&wt);
            }
        }
        fg_lr_feats_clear(&x[0]);
        fg_lr_feats_clear(&x[1]);
    }
    fg_learn_builder_free(b);
    fg_tokens_free(t);
    fg_ident_clear(&id);
    fg_words_free(w);
    return 0;
}
