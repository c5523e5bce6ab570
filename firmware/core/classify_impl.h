/* faxgate — the classifier's word lists, private to classify_rules.c and classify_vocab.c.
 *
 * Lists are folded (lower case, no accents), NULL-terminated, matched at word boundaries;
 * '*' at an end of a phrase allows a longer word ("gratuit*" = gratuit, gratuite, gratuitement).
 */
#ifndef FAXGATE_CLASSIFY_IMPL_H
#define FAXGATE_CLASSIFY_IMPL_H

#include "extract_impl.h"

/* A phrase and the weight of one distinct hit (or, for document types, 1 = strong, 0 = weak). */
typedef struct fg_term {
    const char *p;
    float w;
} fg_term;

extern const fg_term fg_w_promo[];
extern const char *const fg_w_urgency[];
extern const char *const fg_w_redeem[];
extern const char *const fg_w_cta[];
extern const char *const fg_w_directory[];
extern const char *const fg_w_disclaimer[];
extern const char *const fg_w_signing[];
extern const char *const fg_w_entry_update[];
extern const char *const fg_w_yearly_fee[];
extern const char *const fg_w_prize[];
extern const char *const fg_w_return_form[];
extern const char *const fg_w_free_offer[];
extern const char *const fg_w_meal_stay[];
extern const char *const fg_w_pitch[];
extern const char *const fg_w_offer_marks[];
extern const char *const fg_w_deadline_marks[];
extern const char *const fg_w_payment_terms[];
extern const char *const fg_w_member[];
extern const char *const fg_w_member_recruit[];
extern const char *const fg_w_order_form[];
extern const char *const fg_w_generic[];
extern const fg_term fg_w_doctype[];
extern const char *const fg_w_cover_fields[];
extern const char *const fg_w_cover_strong[];
extern const char *const fg_w_confidential[];
extern const char *const fg_w_confidential_promise[];
extern const char *const fg_w_prose_joins[];
extern const char *const fg_w_signature[];
extern const char *const fg_w_titles[];
extern const char *const fg_w_roles[];
extern const char *const fg_w_reflabels[];
extern const char *const fg_w_reply[];
extern const char *const fg_w_patient[];

#endif
