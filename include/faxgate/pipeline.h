/* faxgate — pipeline: the judging half of the call loop, shared by faxgated and faxgatectl.
 *
 * ocr (page 1 → words) → extract → classify → store lookups → policy. A stage that
 * fails never loses the fax: the call gets the configured fail-safe verdict
 * ([policy] on_error, deliver by default) and the reason is recorded.
 */
#ifndef FAXGATE_PIPELINE_H
#define FAXGATE_PIPELINE_H

#include "faxgate/bands.h"
#include "faxgate/call.h"
#include "faxgate/config.h"
#include "faxgate/error.h"
#include "faxgate/ocr.h"
#include "faxgate/store.h"

typedef struct fg_pipeline fg_pipeline;

/** Builds the judging stages from the configuration; st may be NULL (no registries). */
fg_err fg_pipeline_new(const fg_config *cfg, fg_store *st, fg_pipeline **out);

/** Frees a pipeline (not the store); NULL is accepted. */
void fg_pipeline_free(fg_pipeline *p);

/** Reads page 1 (OCR with ocr, or the call's given text) and judges it; always leaves the call
    judged. Returns the first stage error for logging; the verdict stands either way. */
fg_err fg_pipeline_judge(fg_pipeline *p, fg_ocr *ocr, fg_call *c);

/** What a judgement was, copied before it is published: once the call is judged, the thread that
    waits for it may conclude and free the call, so a judge that logs afterwards reads this. */
typedef struct fg_judge_report {
    int64_t call_id;
    const char *verdict;            /* fg_verdict_name: a static string */
    bool had_bands;                 /* page 1 had bands; then bands holds their figures */
    fg_bandset_stats bands;
    char bands_error[200];          /* why page 1 was read whole though it had bands ("" if not) */
} fg_judge_report;

/** fg_pipeline_judge, and fills *r (not NULL) just before the call is marked judged. */
fg_err fg_pipeline_judge_report(fg_pipeline *p, fg_ocr *ocr, fg_call *c, fg_judge_report *r);

/** Whether page 1's bands were all read while it arrived and nothing after them has ink: its
    words can be assembled without an engine (fg_pipeline_read_bands with ocr NULL). */
bool fg_pipeline_bands_read(fg_call *c);

/** Page 1's words from its bands (faxgate/bands.h), before fg_pipeline_judge, which then uses them.
    On an error the reason is kept (fg_call_bands_error) and fg_pipeline_judge reads the page whole. */
fg_err fg_pipeline_read_bands(fg_call *c, fg_ocr *ocr);

/** The verdict record of a judged call as JSON (the contract of `faxgatectl scan`). */
fg_err fg_call_record_json(const fg_call *c, char **json);

#endif
