/* faxgatectl train / campaigns — teaching the learning classifier, and the campaigns it knows.
 *
 * train --ad|--legit FILE...: each FILE is a text (as `classify --text` reads) or a page image
 * (as `scan` reads: TIFF, PNG …, OCR'd); it is learned under the SHA-256 of its bytes, so training
 * the same file twice counts once and training it with the other label moves its counts.
 * The evaluation harness calls this with a temporary store and [classify] starter_model = no to
 * train on one fold: keep `faxgatectl --config FILE train --ad|--legit FILE...` and its exit
 * status (0: every file learned or already learned) stable.
 */
#include <jansson.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "faxgate/campaign.h"
#include "faxgate/learn.h"

#define FILE_MAX (64 << 20)

static bool is_image(const unsigned char m[4])
{
    return (m[0] == 'I' && m[1] == 'I' && m[2] == 42 && m[3] == 0) || (m[0] == 'M' && m[1] == 'M' && m[2] == 0 && m[3] == 42) ||
           (m[0] == 0x89 && m[1] == 'P' && m[2] == 'N' && m[3] == 'G') || (m[0] == 0xff && m[1] == 0xd8) ||
           (m[0] == 'P' && m[1] >= '1' && m[1] <= '6' && (m[2] == '\n' || m[2] == ' ' || m[2] == '\r' || m[2] == '#'));
}

/* The file's bytes and their SHA-256 as the learning key "sha256:…". */
static fg_err read_all(const char *path, char **data, size_t *len, char key[8 + 2 * SHA256_DIGEST_SIZE + 1])
{
    struct sha256_ctx ctx;
    uint8_t d[SHA256_DIGEST_SIZE];
    FILE *f = fopen(path, "rb");
    size_t cap = 0, n = 0, got;
    char *buf = NULL;

    if (!f)
        return fg_err_set(FG_ERR_NOTFOUND, "cannot open %s", path);
    do {
        if (n == cap) {
            char *nb;

            if (cap >= FILE_MAX) {
                fclose(f);
                free(buf);
                return fg_err_set(FG_ERR_TOOBIG, "%s is larger than %d MiB: not a fax page", path, FILE_MAX >> 20);
            }
            cap = cap ? 2 * cap : 1 << 16;
            if (!(nb = realloc(buf, cap + 1))) {
                fclose(f);
                free(buf);
                return fg_err_set(FG_ERR_NOMEM, "cannot read %s", path);
            }
            buf = nb;
        }
        n += got = fread(buf + n, 1, cap - n, f);
    } while (got > 0);
    fclose(f);
    buf[n] = '\0';
    sha256_init(&ctx);
    sha256_update(&ctx, n, (const uint8_t *)buf);
    sha256_digest(&ctx, sizeof d, d);
    memcpy(key, "sha256:", 8);
    for (size_t i = 0; i < sizeof d; i++)
        snprintf(key + 7 + 2 * i, 3, "%02x", d[i]);
    *data = buf;
    *len = n;
    return FG_OK;
}

/* Words of one file: its text, or the OCR of its page 1 (the engine is started on first use). */
static fg_err file_words(ctl *c, const char *path, const char *data, size_t len, fg_ocr **ocr, fg_words **w)
{
    unsigned char m[4] = {0};
    fg_page *page = NULL;
    fg_err e;

    memcpy(m, data, len < 4 ? len : 4);
    if (!is_image(m))
        return fg_words_from_text(data, len, w);
    if ((e = ctl_load_page1(path, 196, &page)))
        return e;
    if (!*ocr && (e = fg_ocr_new(fg_config_get(c->cfg, "ocr", "languages"), fg_config_get(c->cfg, "ocr", "datapath"),
                                 ocr))) {
        fg_page_free(page);
        return e;
    }
    e = fg_ocr_page(*ocr, page, w);
    fg_page_free(page);
    return e;
}

static fg_err train_one(ctl *c, fg_store *st, const char *path, bool is_ad, fg_ocr **ocr)
{
    char key[8 + 2 * SHA256_DIGEST_SIZE + 1], *data = NULL;
    fg_words *w = NULL;
    fg_ident id = {0};
    fg_tokens *t = NULL;
    size_t len = 0;
    bool changed = false;
    fg_err e;

    if (!(e = read_all(path, &data, &len, key)) && !(e = file_words(c, path, data, len, ocr, &w)) &&
        !(e = fg_extract(w, fg_config_get(c->cfg, "site", "country"), &id)) && !(e = fg_learn_tokens(w, &id, NULL, &t)))
        e = fg_learn_train(st, key, 0, t, is_ad, "faxgatectl train", &changed);
    if (!e && !c->json)
        printf("%s: %s as %s (%zu tokens)\n", path, changed ? "learned" : "already learned",
               is_ad ? "an advertisement" : "a business fax", t->n);
    fg_tokens_free(t);
    fg_ident_clear(&id);
    fg_words_free(w);
    free(data);
    return e;
}

int ctl_train(ctl *c, int argc, char **argv)
{
    int label = -1, failed = 0, first = 0;
    long n_ad = 0, n_legit = 0, n_tok = 0;
    fg_ocr *ocr = NULL;
    fg_store *st;
    fg_err e;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--ad") || !strcmp(argv[i], "--legit")) {
            int l = !strcmp(argv[i], "--ad");

            if (label >= 0 && label != l) {
                fprintf(stderr, "faxgatectl train: give --ad or --legit, not both\n");
                return 2;
            }
            label = l;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "faxgatectl train: unknown option '%s'\n", argv[i]);
            return 2;
        } else if (!first) {
            first = i;
        }
    }
    if (label < 0 || !first) {
        fprintf(stderr, "usage: faxgatectl train --ad|--legit FILE...   (texts, or page images to OCR)\n");
        return 2;
    }
    if (!(st = ctl_store(c)))
        return 1;
    for (int i = first; i < argc; i++) {
        if (argv[i][0] == '-' && argv[i][1])
            continue;
        if ((e = train_one(c, st, argv[i], label == 1, &ocr))) {
            fprintf(stderr, "faxgatectl train: %s: %s\n", argv[i], fg_err_msg(e));
            failed++;
        }
    }
    fg_ocr_free(ocr);
    if ((e = fg_learn_totals(st, &n_ad, &n_legit, &n_tok)))
        return ctl_fail(e, "train");
    if (c->json)
        printf("{\"failed\":%d,\"ads\":%ld,\"legit\":%ld,\"tokens\":%ld}\n", failed, n_ad, n_legit, n_tok);
    else
        printf("site model: %ld advertisements, %ld business faxes, %ld distinct tokens%s\n", n_ad, n_legit, n_tok,
               failed ? "; some files were not learned (see above)" : "");
    return failed ? 1 : 0;
}

static void render_campaigns(json_t *arr)
{
    json_t *v;
    size_t i;

    printf("%-5s %-20s %-20s %5s %-9s %s\n", "ID", "FIRST SEEN", "LAST SEEN", "FAXES", "STATE", "ADVERTISER");
    json_array_foreach(arr, i, v) {
        const char *adv = json_string_value(json_object_get(v, "advertiser"));

        printf("%-5lld %-20s %-20s %5lld %-9s %s\n", (long long)json_integer_value(json_object_get(v, "id")),
               json_string_value(json_object_get(v, "first_seen")), json_string_value(json_object_get(v, "last_seen")),
               (long long)json_integer_value(json_object_get(v, "count")),
               json_string_value(json_object_get(v, "state")), adv ? adv : "-");
    }
    if (!json_array_size(arr))
        printf("(no campaigns recorded yet)\n");
}

int ctl_campaigns(ctl *c, int argc, char **argv)
{
    json_error_t err;
    fg_store *st;
    char *json;
    json_t *root;
    fg_err e;

    (void)argv;
    if (argc != 1) {
        fprintf(stderr, "usage: faxgatectl campaigns [--json]\n");
        return 2;
    }
    if (!(st = ctl_store(c)))
        return 1;
    if ((e = fg_store_campaigns_json(st, &json)))
        return ctl_fail(e, "campaigns");
    if (c->json) {
        puts(json);
        free(json);
        return 0;
    }
    root = json_loads(json, 0, &err);
    free(json);
    if (!root) {
        fprintf(stderr, "faxgatectl: the store returned unreadable JSON: %s\n", err.text);
        return 1;
    }
    render_campaigns(root);
    json_decref(root);
    return 0;
}
