/* faxgate host — complaint reports: what the files that make them share (private to host/common).
 *
 * report_build.c   which calls, the JSON document, the PDF (report.h, for faxgatectl and faxgated)
 * report_check.c   re-verifying a call's evidence now: page images, file, chain link
 * report_facts.c   the facts pages and the advertiser's summary table, worded per profile
 * report_bundle.c  the tar or zip bundle (libarchive) with SHA256SUMS
 */
#ifndef FAXGATE_REPORT_IMPL_H
#define FAXGATE_REPORT_IMPL_H

#include <jansson.h>
#include <stdbool.h>

#include "faxgate/faxgate.h"
#include "report.h"
#include "report_labels.h"
#include "report_pdf.h"

/* What a report is made for: the profile, its wording and the site's own facts. */
typedef struct report_ctx {
    const fg_config *cfg;
    fg_report_warn_fn warn;       /* told each problem found (a missing file, a hash that differs) */
    void *warn_user;
    const char *profile;
    const fg_profile_info *info;
    const fg_report_labels *lb;
    const char *site_number;      /* [site] number, "" if not configured */
    const char *site_owner;       /* [site] line_owner */
    bool problems;                /* something is missing or does not match: exit 1 */
} report_ctx;

/** Tells x->warn (printf-style) and marks the report as having a problem. */
void report_problem(report_ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** Re-verifies call record r (fg_store_report_json, parsed) against its files and the chain and
    adds r["verification"]: each page's recorded and recomputed SHA-256, the file's, the chain
    link's; sets ctx->problems when anything is missing or differs (saying so on stderr). */
void report_check_call(report_ctx *x, fg_store *st, json_t *r);

/** Adds r["chain"]: whether the whole log's hash chain is intact, and where it breaks. */
fg_err report_check_chain(report_ctx *x, fg_store *st, json_t *doc);

/** Adds r["received_local"] and r["receiving"] (number and line type, from the call or the
    site's configuration, saying which). */
void report_local_facts(report_ctx *x, json_t *r);

/** "2026-12-07 09:14:03 CET (UTC+01:00)" for a stored UTC time ("2026-12-07T08:14:03Z"), in the
    time zone already set (TZ); "" for NULL or an unreadable time. */
void report_local_time(const char *iso, char *out, size_t cap);

/** Draws one call's facts sheet and then its pages. */
void report_draw_call(report_ctx *x, fg_pdf *d, json_t *r, json_t *chain);

/** Draws the summary table of an advertiser's calls (one row per fax, the total). */
void report_draw_summary(report_ctx *x, fg_pdf *d, const char *who, json_t *calls);

/** Earlier opt-out requests to this call's sender and their repeats: the opt-out log arrives with
    the opt-out feature; until the lead wires it, there is none on record. Draws the section (d may
    be NULL) and adds r["optout_requests"]. */
void report_optouts(report_ctx *x, fg_pdf *d, json_t *r);

/** Writes the bundle: the PDF, the JSON document, each call's original TIFF and SHA256SUMS over
    them; .tar (POSIX pax) or .zip by the name's extension. A TIFF that cannot be read is left
    out and said (ctx->problems). */
fg_err report_bundle(report_ctx *x, const char *path, const char *pdf, const char *json, json_t *calls);

#endif
