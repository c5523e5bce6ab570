/* libFuzzer target: page text through extraction and classification (hostile page text). */
#include <stdint.h>

#include "faxgate/classify.h"
#include "faxgate/extract.h"
#include "faxgate/ocr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fg_words *w = NULL;
    fg_ident id = {0};
    fg_scores s;

    if (size > 200000 || fg_words_from_text((const char *)data, size, &w) != FG_OK)
        return 0;
    if (fg_extract(w, size && (data[0] & 1) ? "FR" : "US", &id) == FG_OK)
        fg_classify(w, &id, &(fg_facts){.tsi = "", .pages = 1}, &s);
    fg_ident_clear(&id);
    fg_words_free(w);
    return 0;
}
