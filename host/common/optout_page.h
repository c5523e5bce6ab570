/* faxgate host — the opt-out request page: the facts of one received fax and the law of one
 * profile (faxgate/optout_law.h) laid out as a fax page (render.h). */
#ifndef FAXGATE_OPTOUT_PAGE_H
#define FAXGATE_OPTOUT_PAGE_H

#include "faxgate/error.h"
#include "faxgate/optout_law.h"

/* What the request says; NULL or "" for a fact the received fax did not give. */
typedef struct fg_optout_page {
    const fg_optout_law *law;  /* wording and language */
    const char *numbers;       /* the receiving number(s) to remove: "+15551230000, +15551230001" */
    const char *date;          /* of the request: "2026-12-07" */
    const char *reference;     /* ours: "faxgate call 12" */
    const char *received;      /* when the fax arrived: "2026-10-27 14:03:11 UTC" */
    const char *tsi;           /* the sender's TSI */
    const char *caller_id;
    const char *advertiser;    /* as the fax names it */
    const char *sha256;        /* of the received page 1 */
    const char *dest;          /* where the request goes: "+18005550199" */
    const char *from;          /* our name in the header line ([line] csi) */
    const char *header_time;   /* the header line's date and time: "2026-12-07 10:00 UTC" */
} fg_optout_page;

/** The request as render.h markup (UTF-8); caller frees. NULL only when out of memory. */
char *fg_optout_page_text(const fg_optout_page *p);

/** Renders the request as one fine-resolution fax page (Letter for US wording, else A4) into a
    new TIFF G4 at path, with a header line (date, time, our name and number); sha256 gets the
    page image's hash (as pages are hashed in the store). */
fg_err fg_optout_page_write(const fg_optout_page *p, const char *path, char sha256[65]);

#endif
