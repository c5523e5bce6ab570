/* faxgate tools — learnbench: what the learning classifier and campaign recognition cost per fax.
 *
 *   learnbench [--dir tests/data/texts] [--faxes N] [--campaigns M] [--rounds R]
 *
 * Fills a temporary store as a busy site's would be after a while: N learned faxes (the tune
 * texts, each time with 40 made-up words more, so the vocabulary grows as a real one does) and M
 * campaigns (made-up ads, saved as calls), then judges every tune text R times through the
 * pipeline with [classify] bayes and campaigns on, and again with both off. The difference is
 * their cost per fax (no OCR: text in, verdict out). Prints the store's size too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "faxgate/faxgate.h"
#include "faxgate/lr.h"
#include "labels.h"

static unsigned seed = 12345;

static unsigned rnd(void)
{
    seed = seed * 1103515245u + 12345u;
    return seed >> 8;
}

/* n made-up words ("kqzvte …") appended to buf. */
static void words(char *buf, size_t cap, int n)
{
    size_t len = strlen(buf);

    for (int i = 0; i < n && len + 12 < cap; i++) {
        int l = 4 + (int)(rnd() % 6);

        for (int k = 0; k < l; k++)
            buf[len++] = (char)('a' + rnd() % 26);
        buf[len++] = (i % 12 == 11) ? '\n' : ' ';
    }
    buf[len] = '\0';
}

static double now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* Mean milliseconds to judge every text once, over rounds. */
static double judge_all(fg_config *cfg, fg_store *st, const lab_set *set, int rounds)
{
    fg_pipeline *p;
    double t0, t;
    int n = 0;

    if (fg_pipeline_new(cfg, st, &p))
        return -1;
    t0 = now_ms();
    for (int r = 0; r < rounds; r++)
        for (size_t i = 0; i < set->n; i++) {
            fg_call *c;

            if (fg_call_new(&c))
                continue;
            fg_call_set_text(c, set->v[i].text, set->v[i].len);
            fg_pipeline_judge(p, NULL, c);
            fg_call_free(c);
            n++;
        }
    t = now_ms() - t0;
    fg_pipeline_free(p);
    return n ? t / n : -1;
}

int main(int argc, char **argv)
{
    const char *dir = "tests/data/texts";
    int faxes = 2000, campaigns = 1000, rounds = 5;
    char tmpl[] = "/tmp/faxgate-learnbench-XXXXXX", db[300], text[1 << 14], key[40];
    lab_set set = {0};
    fg_config *cfg = NULL;
    fg_store *st = NULL;
    struct stat sb;
    double on, no_model, off, t0, t_train, t_camp;
    long n_ad, n_legit, n_tok;

    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--dir"))
            dir = argv[i + 1];
        else if (!strcmp(argv[i], "--faxes"))
            faxes = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--campaigns"))
            campaigns = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--rounds"))
            rounds = atoi(argv[i + 1]);
    }
    if (lab_load(&set, dir, "tune") || !set.n || !mkdtemp(tmpl) || fg_config_new(&cfg)) {
        fprintf(stderr, "learnbench: cannot load %s or make a temporary folder\n", dir);
        return 1;
    }
    snprintf(db, sizeof db, "%s/faxgate.db", tmpl);
    fg_config_set(cfg, "store", "db", db);
    if (fg_store_open(db, &st)) {
        fprintf(stderr, "learnbench: %s\n", fg_err_msg(FG_ERR_DB));
        return 1;
    }
    t0 = now_ms();
    for (int i = 0; i < faxes; i++) {
        const lab_text *t = &set.v[(size_t)i % set.n];
        fg_tokens *tok = NULL;

        snprintf(text, sizeof text, "%.*s\n", (int)(t->len < 8000 ? t->len : 8000), t->text);
        words(text, sizeof text, 40);
        snprintf(key, sizeof key, "bench:%d", i);
        if (fg_learn_tokens_text(text, strlen(text), t->country, &tok) ||
            fg_learn_train(st, key, 0, tok, t->is_ad, "bench", NULL))
            fprintf(stderr, "learnbench: training failed: %s\n", fg_err_msg(FG_ERR_DB));
        fg_tokens_free(tok);
    }
    t_train = (now_ms() - t0) / (faxes ? faxes : 1);
    /* campaigns: made-up ads, judged as ads (hold below any score) and saved as calls */
    fg_config_set(cfg, "classify", "hold", "-100");
    fg_config_set(cfg, "classify", "drop", "100");
    t0 = now_ms();
    {
        fg_pipeline *p;

        if (!fg_pipeline_new(cfg, st, &p)) {
            for (int i = 0; i < campaigns; i++) {
                fg_call *c;

                text[0] = '\0';
                words(text, sizeof text, 80);
                if (fg_call_new(&c))
                    continue;
                fg_call_set_text(c, text, strlen(text));
                if (!fg_store_call_begin(st, c)) {
                    fg_pipeline_judge(p, NULL, c);
                    fg_store_call_save(st, c);
                }
                fg_call_free(c);
            }
            fg_pipeline_free(p);
        }
    }
    t_camp = (now_ms() - t0) / (campaigns ? campaigns : 1);
    fg_config_set(cfg, "classify", "hold", "5");
    fg_config_set(cfg, "classify", "drop", "10");
    fg_learn_totals(st, &n_ad, &n_legit, &n_tok);
    on = judge_all(cfg, st, &set, rounds);
    fg_config_set(cfg, "classify", "model", "no");
    no_model = judge_all(cfg, st, &set, rounds);
    fg_config_set(cfg, "classify", "bayes", "no");
    fg_config_set(cfg, "classify", "campaigns", "no");
    off = judge_all(cfg, st, &set, rounds);
    fg_store_close(st);
    printf("store: %ld ads + %ld business faxes learned, %ld distinct tokens, %d campaign calls; %.1f MB\n", n_ad,
           n_legit, n_tok, campaigns, stat(db, &sb) ? 0 : sb.st_size / 1e6);
    printf("learning one fax: %.2f ms; judging + saving one campaign call: %.2f ms\n", t_train, t_camp);
    printf("judging one tune text (no OCR), %d rounds of %zu: %.2f ms with bayes + campaigns + the learned model, "
           "%.2f ms without the model, %.2f ms without any: %.2f ms per fax for the model, %.2f ms for learning and "
           "campaigns\n", rounds, set.n, on, no_model, off, on - no_model, no_model - off);
    if (fg_lr_builtin())
        printf("learned model: 2^%d weights (%zu kB), %zu named features\n", fg_lr_builtin()->bits,
               ((size_t)1 << fg_lr_builtin()->bits) * sizeof(float) / 1024, fg_lr_builtin()->nnamed);
    {
        const fg_learn_model *m = fg_learn_starter();

        if (m)
            printf("starter model: %u ads, %u business faxes, %zu tokens (~%zu kB of counts and strings)\n", m->n_ad,
                   m->n_legit, m->n, m->n * (sizeof m->v[0] + 12) / 1024);
    }
    snprintf(text, sizeof text, "%s/faxgate.db", tmpl);
    unlink(text);
    snprintf(text, sizeof text, "%s/faxgate.db-wal", tmpl);
    unlink(text);
    snprintf(text, sizeof text, "%s/faxgate.db-shm", tmpl);
    unlink(text);
    rmdir(tmpl);
    lab_free(&set);
    fg_config_free(cfg);
    return 0;
}
