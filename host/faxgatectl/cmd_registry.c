/* faxgatectl consent / block — the site's own lists: who may send ads, and who is refused.
   Checking and normalising an entry is firmware/core/operator.c's, shared with the web admin. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ctl.h"
#include "faxgate/operator.h"

/* Splits trailing --note/--basis options off; returns the count of positional arguments. */
static int positional(int argc, char **argv, const char **note, const char **basis, char **pos, int max)
{
    int n = 0;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--note") && i + 1 < argc)
            *note = argv[++i];
        else if (!strcmp(argv[i], "--basis") && i + 1 < argc && basis)
            *basis = argv[++i];
        else if (argv[i][0] == '-' && argv[i][1])
            return -1;
        else if (n < max)
            pos[n++] = argv[i];
        else
            return -1;
    }
    return n;
}

static void render_entries(json_t *arr, bool with_role)
{
    json_t *v;
    size_t i;

    json_array_foreach(arr, i, v) {
        if (with_role)
            printf("%-12s ", json_string_value(json_object_get(v, "role")));
        printf("%-7s %-32s %-8s %s\n", json_string_value(json_object_get(v, "kind")),
               json_string_value(json_object_get(v, "value")),
               with_role ? "" : json_string_value(json_object_get(v, "basis")),
               json_is_string(json_object_get(v, "note")) ? json_string_value(json_object_get(v, "note")) : "");
    }
    if (!json_array_size(arr))
        printf("(empty)\n");
}

static int list(ctl *c, fg_store *st, bool blocks)
{
    char *json = NULL;
    json_t *root;
    fg_err e = blocks ? fg_store_block_json(st, &json) : fg_store_consent_json(st, &json);

    if (e)
        return ctl_fail(e, blocks ? "block list" : "consent list");
    if (c->json) {
        puts(json);
    } else if ((root = json_loads(json, 0, NULL))) {
        render_entries(root, blocks);
        json_decref(root);
    }
    free(json);
    return 0;
}

static const char *done_word(const char *op)
{
    return !strcmp(op, "add") ? "added" : !strcmp(op, "edit") ? "edited" : "removed";
}

int ctl_consent(ctl *c, int argc, char **argv)
{
    const char *note = NULL, *basis = "consent";
    char *pos[3], value[256];
    int n = positional(argc, argv, &note, &basis, pos, 3);
    fg_store *st;
    fg_err e;

    if (n < 1 || (strcmp(pos[0], "list") && (n != 3 || !fg_operator_one_of(pos[1], fg_consent_kinds))) ||
        !fg_operator_one_of(basis, fg_consent_bases)) {
        fprintf(stderr, "usage: faxgatectl consent list\n"
                        "       faxgatectl consent add number|domain|name VALUE [--basis consent|ebr] [--note TEXT]\n"
                        "       faxgatectl consent edit number|domain|name VALUE [--basis consent|ebr] [--note TEXT]\n"
                        "       faxgatectl consent remove number|domain|name VALUE\n"
                        "  ebr = established business relationship (US: the ad must still carry a compliant opt-out)\n");
        return 2;
    }
    if (!(st = ctl_store(c)))
        return 1;
    if (!strcmp(pos[0], "list"))
        return list(c, st, false);
    if ((e = fg_operator_list_value(c->cfg, pos[1], pos[2], value, sizeof value))) {
        fprintf(stderr, "faxgatectl: %s\n", fg_err_msg(e));
        return 2;
    }
    if (fg_list_op_parse(pos[0]) >= 0)
        e = fg_operator_consent(c->cfg, st, (fg_list_op)fg_list_op_parse(pos[0]), pos[1], pos[2], basis, note,
                                "faxgatectl");
    else
        e = fg_err_set(FG_ERR_INVAL, "unknown action '%s' (add, edit, list or remove)", pos[0]);
    if (e)
        return ctl_fail(e, "consent");
    printf("consent %s: %s %s\n", done_word(pos[0]), pos[1], value);
    return 0;
}

int ctl_block(ctl *c, int argc, char **argv)
{
    const char *note = NULL;
    char *pos[4], value[256];
    int n = positional(argc, argv, &note, NULL, pos, 4);
    fg_store *st;
    fg_err e;

    if (n < 1 ||
        (strcmp(pos[0], "list") && (n != 4 || !fg_operator_one_of(pos[1], fg_block_roles) || !fg_operator_one_of(pos[2], fg_block_kinds)))) {
        fprintf(stderr, "usage: faxgatectl block list\n"
                        "       faxgatectl block add broadcaster|advertiser number|tsi|domain|name|ticker|nsf|dcs VALUE [--note TEXT]\n"
                        "       faxgatectl block edit broadcaster|advertiser number|tsi|domain|name|ticker|nsf|dcs VALUE [--note TEXT]\n"
                        "       faxgatectl block remove broadcaster|advertiser number|tsi|domain|name|ticker|nsf|dcs VALUE\n"
                        "  broadcaster = who sends (TSI, caller ID, header); advertiser = who sells (numbers, site, name,\n"
                        "  the traded symbol of a stock promotion)\n");
        return 2;
    }
    if (!(st = ctl_store(c)))
        return 1;
    if (!strcmp(pos[0], "list"))
        return list(c, st, true);
    if ((e = fg_operator_list_value(c->cfg, pos[2], pos[3], value, sizeof value))) {
        fprintf(stderr, "faxgatectl: %s\n", fg_err_msg(e));
        return 2;
    }
    if (fg_list_op_parse(pos[0]) >= 0)
        e = fg_operator_block(c->cfg, st, (fg_list_op)fg_list_op_parse(pos[0]), pos[1], pos[2], pos[3], note,
                              "faxgatectl");
    else
        e = fg_err_set(FG_ERR_INVAL, "unknown action '%s' (add, edit, list or remove)", pos[0]);
    if (e)
        return ctl_fail(e, "block");
    printf("block %s: %s %s %s\n", done_word(pos[0]), pos[1], pos[2], value);
    return 0;
}
