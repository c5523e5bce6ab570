/* faxgate — policy: from scores, identity, the site's registries and jurisdiction
 * profiles to a verdict (deliver / hold / drop) and the violations to record.
 *
 * Profiles are data (policy_profiles.c): each names its legal source and the facts
 * it checks. The policy is pure: registry lookups are done by the caller and
 * passed in as fg_policy_facts.
 */
#ifndef FAXGATE_POLICY_H
#define FAXGATE_POLICY_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include "faxgate/classify.h"
#include "faxgate/config.h"
#include "faxgate/error.h"
#include "faxgate/extract.h"

typedef enum fg_verdict {
    FG_VERDICT_DELIVER = 0,
    FG_VERDICT_HOLD = 1,
    FG_VERDICT_DROP = 2
} fg_verdict;

#define FG_VIOLATIONS_MAX 16
#define FG_PROFILES_MAX 8

typedef struct fg_violation {
    char profile[8];           /* "us", "fr" */
    char rule[64];             /* "47 USC 227(b)(1)(C)" */
    char detail[256];          /* what the fax did, in words a complaint form can use */
} fg_violation;

/* What the site's own records say about this fax's senders. */
typedef struct fg_policy_facts {
    bool consent;              /* a consent or EBR entry matches the advertiser */
    char consent_basis[16];    /* "consent" or "ebr" */
    char consent_match[96];    /* which entry matched, e.g. "number +18005550100" */
    bool blocked;              /* a block entry matches broadcaster or advertiser */
    char block_match[96];
    bool line_is_person;       /* the receiving line belongs to a natural person (fr, uk, eu) */
    time_t received;           /* when the fax arrived (the CA/AU hours, registrations in force) */
    char called[FG_E164_LEN];  /* the number the caller dialled, as the line gave it ("" if it did not):
                                  picks the [number] section whose rules apply */
    /* campaign recognition (campaign.h): the stored campaign this fax is a copy of */
    int64_t campaign_id;       /* 0: none matched */
    bool campaign_junk;        /* an operator marked that campaign junk: the fax is dropped */
    bool campaign_released;    /* an operator released a copy: delivered unless it reaches drop */
    char campaign_match[128];  /* "campaign 12 (SunWave Cruise Club, 3 faxes, 91 % alike)" */
    /* managed opt-out (#12): the earliest opt-out request sent to this advertiser before the fax */
    int64_t optout_id;         /* 0: none was sent */
    time_t optout_sent;        /* when it was sent (confirmed by the far end) */
    char optout_dest[64];      /* where it went: "+18005550199" */
    char optout_match[96];     /* which identity matched: "number +18005550199" */
    /* the learned model (lr.h): what it said of page 1 against its two lines */
    bool model_scored;
    double model_prob;         /* calibrated probability of an advertisement */
    bool model_flag;           /* above its hold line: the policy holds it when the rules alone reach
                                  [classify] model_hold */
    bool model_sure;           /* above its sure line: dropped when the rules alone reach model_drop */
} fg_policy_facts;

typedef struct fg_decision {
    fg_verdict verdict;
    /* the receiving line the rules were applied for */
    char called[FG_E164_LEN];  /* its number ([number] section or [site] number), "" if unknown */
    char line_type[12];        /* "business" or "person" */
    char profiles[48];         /* the profiles checked, "us,fr" */
    bool is_ad;
    double score;
    char reason[192];          /* one line: why this verdict */
    fg_violation v[FG_VIOLATIONS_MAX];
    int nv;
    struct {
        char profile[8];
        bool compliant;        /* the opt-out notice meets this profile's rules */
    } optout[FG_PROFILES_MAX];
    int n_optout;
} fg_decision;

typedef struct fg_policy fg_policy;

/** Builds a policy from [classify] thresholds, [policy] profiles and [site] of the config. */
fg_err fg_policy_new(const fg_config *cfg, fg_policy **out);

/** Frees a policy; NULL is accepted. */
void fg_policy_free(fg_policy *p);

/** Decides the verdict and lists violations for every enabled profile. */
fg_err fg_policy_decide(const fg_policy *p, const fg_scores *s, const fg_ident *id,
                        const fg_policy_facts *f, fg_decision *out);

/** "deliver", "hold" or "drop". */
const char *fg_verdict_name(fg_verdict v);

/** Parses "deliver" / "hold" / "drop". */
fg_err fg_verdict_parse(const char *s, fg_verdict *out);

/** Names of the known profiles, NULL-terminated ("us", "fr", …). */
const char *const *fg_policy_profiles(void);

/* What a profile is: its legal source and the facts it checks (for reports and complaints). */
typedef struct fg_profile_info {
    const char *name;          /* "us" */
    const char *law;           /* "TCPA 47 USC 227(b)(1)(C); JFPA; 47 CFR 64.1200(a)(4); 47 CFR 68.318(d)" */
    const char *url;           /* where the text of the law can be read */
    const char *checks;        /* one line: the facts this profile checks */
    int optout_delay_days;     /* days a sender has to honour an opt-out request (0: 30) */
} fg_profile_info;

/** The profile of that name, or NULL if unknown. */
const fg_profile_info *fg_policy_profile_info(const char *name);

/** The verdict configured for a failed filter stage ([policy] on_error: deliver or hold). */
fg_verdict fg_policy_on_error(const fg_policy *p);

#endif
