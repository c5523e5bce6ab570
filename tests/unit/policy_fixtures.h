/* faxgate tests — fixtures for the policy and profile tests: a policy from INI text, a US fax
 * advertisement that does everything right except that nobody asked for it, lookups in a decision. */
#ifndef FAXGATE_POLICY_FIXTURES_H
#define FAXGATE_POLICY_FIXTURES_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faxgate/classify.h"
#include "faxgate/config.h"
#include "faxgate/extract.h"
#include "faxgate/policy.h"
#include "testutil.h"

static inline fg_policy *make_policy(const char *ini)
{
    fg_config *cfg;
    fg_policy *p = NULL;

    assert_int_equal(fg_config_new(&cfg), FG_OK);
    if (ini)
        assert_int_equal(fg_config_load_string(cfg, ini, "test"), FG_OK);
    assert_int_equal(fg_policy_new(cfg, &p), FG_OK);
    fg_config_free(cfg);
    return p;
}

static inline void add_number(fg_ident *id, const char *e164, unsigned kind)
{
    fg_number *n = &id->numbers[id->n_numbers++];

    snprintf(n->e164, sizeof n->e164, "%s", e164);
    snprintf(n->raw, sizeof n->raw, "%s", e164);
    n->kind = kind;
    id->n_numbers_seen++;
}

/* A US advertisement that does everything right except that nobody asked for it. */
static inline void make_ad(fg_ident *id)
{
    memset(id, 0, sizeof *id);
    memcpy(id->lang, "en", 3);
    id->adv_name = strdup("SunWave Cruise Club");
    snprintf(id->callback, sizeof id->callback, "+18005550177");
    add_number(id, "+18005550177", FG_NUM_VOICE | FG_NUM_TOLLFREE | FG_NUM_CALLBACK);
    add_number(id, "+18005550178", FG_NUM_VOICE | FG_NUM_TOLLFREE | FG_NUM_OPTOUT);
    add_number(id, "+18885550179", FG_NUM_FAX | FG_NUM_TOLLFREE | FG_NUM_OPTOUT);
    add_number(id, "+17025550110", FG_NUM_HEADER);
    id->header.present = true;
    id->header.text = strdup("11/27/2026 14:02 FROM: FAXBLAST 702-555-0110 P.1/1");
    id->header.date = strdup("11/27/2026");
    id->header.time = strdup("14:02");
    id->header.name = strdup("FAXBLAST");
    snprintf(id->header.number, sizeof id->header.number, "+17025550110");
    id->optout.present = true;
    id->optout.text = strdup("To opt out call 1-800-555-0178 or fax 1-888-555-0179. Failure to comply within 30 "
                             "days is unlawful.");
    snprintf(id->optout.phone, sizeof id->optout.phone, "+18005550178");
    snprintf(id->optout.fax, sizeof id->optout.fax, "+18885550179");
    id->optout.free_of_charge = id->optout.mentions_30_days = id->optout.mentions_unlawful = true;
}

static inline void scores_of(fg_scores *s, double total)
{
    memset(s, 0, sizeof *s);
    fg_scores_add(s, "AD_PROMO_VOCAB", total, "test");
}

static inline const fg_violation *find_v(const fg_decision *d, const char *profile, const char *rule)
{
    for (int i = 0; i < d->nv; i++)
        if (!strcmp(d->v[i].profile, profile) && !strcmp(d->v[i].rule, rule))
            return &d->v[i];
    return NULL;
}

static inline bool compliant(const fg_decision *d, const char *profile)
{
    for (int i = 0; i < d->n_optout; i++)
        if (!strcmp(d->optout[i].profile, profile))
            return d->optout[i].compliant;
    fail_msg("no opt-out compliance entry for %s", profile);
    return false;
}

#endif
