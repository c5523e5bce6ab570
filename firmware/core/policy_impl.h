/* faxgate — the jurisdiction profiles as data, private to policy.c and policy_profiles.c. */
#ifndef FAXGATE_POLICY_IMPL_H
#define FAXGATE_POLICY_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "faxgate/policy.h"

/* National do-not-call registers a receiving number can be listed on ([site] registries). */
enum { FG_REG_FPS = 1u << 0, FG_REG_DNCL = 1u << 1, FG_REG_DNCR = 1u << 2 };

/* What a profile may look at when a fax is judged. */
typedef struct fg_pctx {
    const fg_scores *s;
    const fg_ident *id;
    const fg_policy_facts *f;
    bool person;               /* the receiving line belongs to a natural person */
    bool ebr;                  /* an established business relationship (not consent) is on file */
    const char *called;        /* the receiving number, "" if unknown */
    unsigned listed;           /* FG_REG_* the number is listed on, in force when the fax came */
    struct tm local;           /* when it came, in the receiving line's time ([site] timezone) */
    bool have_local;           /* received was known */
    bool holiday;              /* that day is one of [site] holidays */
} fg_pctx;

typedef struct fg_profile {
    fg_profile_info info;
    /** Does the opt-out notice meet this profile's rules? why gets what is missing ("" if it does). */
    bool (*optout_ok)(const fg_ident *id, char *why, size_t cap);
    /** Adds the violations of an advertisement that came without prior consent. */
    void (*violations)(const fg_pctx *c, fg_decision *out);
} fg_profile;

/** The profile of that name, or NULL. */
const fg_profile *fg_profile_find(const char *name);

/** Appends a violation (dropped silently past FG_VIOLATIONS_MAX); detail is printf-formatted. */
void fg_violation_add(fg_decision *d, const char *profile, const char *rule, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
