/* faxgate host — the wording of a complaint report, per jurisdiction profile.
 *
 * Each profile's report is read by one regulator, whose complaint form asks for the facts under
 * its own names: the headings and labels here follow that form (FCC consumer complaint for us,
 * CNIL plainte for fr, Bundesnetzagentur Beschwerde for de, ICO / FPS for uk, CRTC / National DNCL
 * for ca, ACMA for au, generic English for eu), so that the operator can copy each fact into the
 * matching field. Wording is data: report_labels.c holds one table per profile, no code branches.
 */
#ifndef FAXGATE_REPORT_LABELS_H
#define FAXGATE_REPORT_LABELS_H

#include <stdbool.h>

/* Every piece of wording but the profile's name, as an X-macro: the struct below is made from it,
   and the unit tests check from it that no profile leaves one out. */
#define FG_REPORT_LABELS(X) \
    X(title)                  /* heading of the facts page */          \
    X(authority)              /* where and how to file the complaint */ \
    /* the fax */                                                      \
    X(sec_fax)                                                         \
    X(date)                                                            \
    X(receiving_number)                                                \
    X(line_type)                                                       \
    X(line_business)                                                   \
    X(line_person)                                                     \
    X(from_config)            /* after a value taken from the site's configuration */ \
    X(caller_id)                                                       \
    X(tsi)                                                             \
    X(nsf)                                                             \
    X(pages)                                                           \
    X(printed)                                                         \
    X(printed_yes)            /* followed by the time it was printed, if known */ \
    X(printed_no)                                                      \
    X(not_recorded)                                                    \
    X(not_sent)               /* the sender sent no TSI */             \
    /* who advertised, who sent */                                     \
    X(sec_advertiser)                                                  \
    X(advertiser)                                                      \
    X(excerpt)                /* the start of the fax's text, as OCR read it */ \
    X(adv_numbers)                                                     \
    X(adv_web)                                                         \
    X(adv_email)                                                       \
    X(adv_ticker)                                                      \
    X(sec_sender)                                                      \
    X(header)                                                          \
    /* opt-out and consent */                                          \
    X(optout)                                                          \
    X(optout_none)                                                     \
    X(optout_complies)                                                 \
    X(yes)                                                             \
    X(no)                                                              \
    X(consent)                                                         \
    X(consent_none)                                                    \
    /* violations */                                                   \
    X(sec_standing)                                                    \
    X(sec_pending)                                                     \
    X(pending_note)                                                    \
    X(sec_not_standing)                                                \
    X(not_standing_note)                                               \
    X(violations_none)                                                 \
    X(standing)               /* a fax's status in the summary: "standing", "pending", "not standing" */ \
    X(pending)                                                         \
    X(not_standing)                                                    \
    X(law)                                                             \
    X(source)                                                          \
    /* earlier opt-out requests */                                     \
    X(sec_optouts)                                                     \
    X(optouts_none)                                                    \
    /* evidence */                                                     \
    X(sec_evidence)                                                    \
    X(evidence_note)                                                   \
    X(page_hash)              /* followed by the page number */        \
    X(tiff_hash)                                                       \
    X(chain_hash)                                                      \
    X(chain_whole)                                                     \
    X(matches)                /* "matches the log" */                  \
    X(mismatch)               /* "DOES NOT MATCH" */                   \
    X(recomputed)             /* before the hash computed now, when it differs */ \
    X(image_missing)          /* "page image missing" */               \
    /* the summary of an advertiser's faxes */                         \
    X(summary_title)                                                   \
    X(col_call)                                                        \
    X(col_date)                                                        \
    X(col_number)                                                      \
    X(col_caller)                                                      \
    X(col_tsi)                                                         \
    X(col_pages)                                                       \
    X(col_printed)                                                     \
    X(col_rules)                                                       \
    X(total)                  /* followed by the number of faxes */    \
    X(call)                   /* "Call" (a fax's record number) */     \
    X(page)                   /* "page 2 of 3" */                      \
    X(of)

typedef struct fg_report_labels {
    const char *profile;          /* "us" */
    bool letter;                  /* the country's paper is Letter (else A4) */
#define FG_REPORT_LABEL_FIELD(name) const char *name;
    FG_REPORT_LABELS(FG_REPORT_LABEL_FIELD)
#undef FG_REPORT_LABEL_FIELD
} fg_report_labels;

/** The wording for profile; the generic English (eu) one for a profile that has none yet. */
const fg_report_labels *fg_report_labels_for(const char *profile);

/** The wording of the index-th profile that has its own, or NULL past the last (for tests). */
const fg_report_labels *fg_report_labels_at(int index);

#endif
