/* faxgate host — a complaint report for one fax, or for every fax of one advertiser, as
 * `faxgatectl report` writes it and the web admin serves it: the one code that makes both, so the
 * two can never give different reports.
 *
 * The facts come from the store (fg_store_report_json: SQLite's JSON functions, the one
 * definition of a standing violation), the evidence is re-verified when the report is made, and
 * the same JSON document is drawn as a PDF worded for the chosen profile's regulator.
 */
#ifndef FAXGATE_REPORT_H
#define FAXGATE_REPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "faxgate/faxgate.h"

typedef struct fg_report fg_report;

/* Told each problem found in the evidence (a missing page file, a hash that does not match):
   faxgatectl prints it, faxgated logs it. The report still says it on the page concerned. */
typedef void (*fg_report_warn_fn)(void *user, const char *msg);

/** The profiles a report can be worded for, ", "-separated ("us, fr, …"), into out. */
void fg_report_profiles(char *out, size_t cap);

/** Gathers the report on call id (advertiser NULL), or on every fax with violations under profile
    that names advertiser (id 0; by name, traded symbol or a number it gave), and verifies its
    evidence now. cfg gives [site] number, line_owner and [printer] paper; warn may be NULL.
    FG_ERR_INVAL for an unknown profile (the message lists the known ones), FG_ERR_NOTFOUND for a
    call that does not exist or an advertiser with no such fax. */
fg_err fg_report_new(fg_store *st, const fg_config *cfg, int64_t id, const char *advertiser, const char *profile,
                     fg_report_warn_fn warn, void *user, fg_report **out);

/** Draws the report as a PDF at path. */
fg_err fg_report_write_pdf(fg_report *r, const char *path);

/** Writes the bundle (.tar or .zip by path's name): the PDF at pdf, the JSON document, each
    call's TIFF, SHA256SUMS. */
fg_err fg_report_write_bundle(fg_report *r, const char *path, const char *pdf);

/** True if path names a bundle fg_report_write_bundle can write (.tar or .zip, any case). */
bool fg_report_bundle_name_ok(const char *path);

/** The report's JSON document (owned by r). */
json_t *fg_report_doc(const fg_report *r);

/** How many faxes the report covers. */
size_t fg_report_calls(const fg_report *r);

/** True if some evidence is missing or does not match (each was told to warn). */
bool fg_report_problems(const fg_report *r);

/** Frees r; NULL is fine. */
void fg_report_free(fg_report *r);

#endif
