/* faxgate core — the learned model the gateway carries: a page's logit and calibrated probability
 * (lr.h). The model itself is generated at build time by tools/mklr from the tune split. */
#include <math.h>
#include <string.h>

#include "faxgate/lr.h"

/* Defined by the generated $(BUILD)/gen/lr_model.c in the programs that ship; weak, so that the
   build tool that writes it links without one. */
extern const fg_lr_model fg_lr_builtin_model __attribute__((weak));

const fg_lr_model *fg_lr_builtin(void)
{
    return &fg_lr_builtin_model ? &fg_lr_builtin_model : NULL;
}

static double named_weight(const fg_lr_model *m, const char *name)
{
    for (size_t i = 0; i < m->nnamed; i++)
        if (!strcmp(m->names[i], name))
            return m->wnamed[i];
    return 0;   /* a rule or fact the training texts never showed: no say */
}

fg_err fg_lr_model_score(const fg_lr_model *m, const fg_words *w, const fg_ident *id, const fg_scores *rules,
                         double *logit, double *prob)
{
    fg_lr_featopts o;
    fg_lr_feats f = {0};
    double z;
    fg_err e;

    if (!m || !m->w || !w || !logit || !prob)
        return fg_err_set(FG_ERR_INVAL, "fg_lr_model_score: no model, no page or no output");
    o = (fg_lr_featopts){.bits = m->bits, .ngrams = true, .rule_scale = m->rule_scale, .fact_scale = m->fact_scale};
    if ((e = fg_lr_features(w, id, rules, &o, &f))) {
        fg_lr_feats_clear(&f);
        return e;
    }
    z = m->bias;
    for (size_t i = 0; i < f.n; i++)
        z += m->w[f.idx[i]] * f.val[i];
    for (size_t i = 0; i < f.nnamed; i++)
        z += named_weight(m, f.name[i]) * f.nval[i];
    fg_lr_feats_clear(&f);
    *logit = z;
    z = m->platt_a * z + m->platt_b;
    *prob = z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z));
    return FG_OK;
}
