/* faxgate — the extraction tests' helpers (test_extract.c, test_extract_phone.c). */
#ifndef FAXGATE_TEST_EXTRACT_FIXTURE_H
#define FAXGATE_TEST_EXTRACT_FIXTURE_H

#include <string.h>

#include "faxgate/extract.h"
#include "faxgate/ocr.h"
#include "testutil.h"

/* Extracts text (plain, line indices only) into id. */
static inline void ex(const char *text, const char *country, fg_ident *id)
{
    fg_words *w = NULL;

    assert_int_equal(fg_words_from_text(text, strlen(text), &w), FG_OK);
    memset(id, 0, sizeof *id);
    assert_int_equal(fg_extract(w, country, id), FG_OK);
    fg_words_free(w);
}

static inline const fg_number *find_num(const fg_ident *id, const char *e164)
{
    for (size_t i = 0; i < id->n_numbers; i++)
        if (!strcmp(id->numbers[i].e164, e164))
            return &id->numbers[i];
    return NULL;
}

#endif
