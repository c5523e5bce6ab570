/* faxgate — ownership of an extracted identity. */
#include <stdlib.h>
#include <string.h>

#include "faxgate/extract.h"

void fg_ident_clear(fg_ident *id)
{
    if (!id)
        return;
    free(id->adv_name);
    for (size_t i = 0; i < id->n_urls; i++)
        free(id->urls[i].value);
    for (size_t i = 0; i < id->n_emails; i++)
        free(id->emails[i].value);
    free(id->optout.text);
    free(id->header.text);
    free(id->header.date);
    free(id->header.time);
    free(id->header.name);
    memset(id, 0, sizeof *id);
}
