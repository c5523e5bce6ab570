/* faxgatectl calls / show / violations — what the gateway recorded. The store produces JSON
 * (SQLite's JSON functions); the text forms are rendered from that same JSON. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "faxgate/campaign.h"

static const char *str(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);

    if (json_is_string(v))
        return json_string_value(v);
    return "-";
}

static long long num(json_t *o, const char *key)
{
    return json_integer_value(json_object_get(o, key));
}

/* Prints json as is, or parses it for a text rendering; frees it. */
static int emit(ctl *c, char *json, void (*render)(json_t *))
{
    json_error_t err;
    json_t *root;

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
    render(root);
    json_decref(root);
    return 0;
}

static void render_calls(json_t *arr)
{
    json_t *call, *v;
    size_t i, j;

    printf("%-5s %-20s %-16s %-20s %5s %-8s %-8s %-24s %s\n", "ID", "STARTED", "CALLER", "TSI", "PAGES", "VERDICT",
           "PAGES->", "ADVERTISER", "VIOLATIONS");
    json_array_foreach(arr, i, call) {
        char viol[128] = "";
        size_t len = 0;

        json_array_foreach(json_object_get(call, "violations"), j, v) {
            int n = snprintf(viol + len, sizeof viol - len, "%s%s:%s", j ? " " : "", str(v, "profile"),
                             str(v, "rule"));
            if (n < 0 || (size_t)n >= sizeof viol - len)
                break;
            len += (size_t)n;
        }
        printf("%-5lld %-20.20s %-16.16s %-20.20s %5lld %-8s %-8s %-24.24s %s", num(call, "id"),
               str(call, "started"), str(call, "caller_id"), str(call, "tsi"), num(call, "pages"),
               str(call, "verdict"), json_is_true(json_object_get(call, "printed")) ? "printed"
                                                                                    : str(call, "deliver_state"),
               str(call, "advertiser"), viol);
        /* a call a crash cut short and the next start finished: say so, and what it was */
        if (json_is_string(json_object_get(call, "recovered")))
            printf("%srecovered %s (interrupted %s): %s", viol[0] ? "  " : "", str(call, "recovered"),
                   str(call, "interrupted"), str(call, "result"));
        printf("\n");
    }
    if (!json_array_size(arr))
        printf("(no calls recorded yet)\n");
}

static void render_violations(json_t *arr)
{
    json_t *v;
    size_t i;

    json_array_foreach(arr, i, v)
        printf("call %-5lld %s  [%s] %s\n  advertiser: %s\n  %s\n", num(v, "call_id"), str(v, "created"),
               str(v, "profile"), str(v, "rule"), str(v, "advertiser"), str(v, "detail"));
    if (!json_array_size(arr))
        printf("(no violations recorded)\n");
}

/* `show` prints every field it finds, nested objects indented: the record is the detail. */
static void render_value(const char *key, json_t *v, int depth)
{
    const char *k;
    json_t *x;
    size_t i;

    printf("%*s%s%s", depth * 2, "", key ? key : "-", key ? ": " : " ");
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        printf("\n");
        json_object_foreach(v, k, x) render_value(k, x, depth + 1);
        break;
    case JSON_ARRAY:
        if (!json_array_size(v)) {
            printf("(none)\n");
            break;
        }
        printf("\n");
        json_array_foreach(v, i, x) render_value(NULL, x, depth + 1);
        break;
    case JSON_STRING:
        printf("%s\n", json_string_value(v));
        break;
    case JSON_INTEGER:
        printf("%lld\n", (long long)json_integer_value(v));
        break;
    case JSON_REAL:
        printf("%g\n", json_real_value(v));
        break;
    case JSON_TRUE:
        printf("yes\n");
        break;
    case JSON_FALSE:
        printf("no\n");
        break;
    default:
        printf("-\n");
    }
}

static void render_show(json_t *obj)
{
    const char *k;
    json_t *v;

    json_object_foreach(obj, k, v) render_value(k, v, 0);
}

int ctl_calls(ctl *c, int argc, char **argv)
{
    long limit = 50;
    fg_store *st;
    char *json;
    fg_err e;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--limit") && i + 1 < argc) {
            char *end;

            errno = 0;
            limit = strtol(argv[++i], &end, 10);
            if (errno || *end || limit <= 0 || limit > 1000000) {
                fprintf(stderr, "faxgatectl calls: --limit takes a positive number\n");
                return 2;
            }
        } else {
            fprintf(stderr, "usage: faxgatectl calls [--limit N] [--json]\n");
            return 2;
        }
    }
    if (!(st = ctl_store(c)))
        return 1;
    if ((e = fg_store_calls_json(st, (int)limit, &json)))
        return ctl_fail(e, "calls");
    return emit(c, json, render_calls);
}

/* Parses a call id argument; 0 on error (ids start at 1). */
int64_t ctl_parse_id(const char *s)
{
    char *end;
    long long id;

    errno = 0;
    id = strtoll(s, &end, 10);
    if (errno || *end || id <= 0) {
        fprintf(stderr, "faxgatectl: '%s' is not a call id (see `faxgatectl calls`)\n", s);
        return 0;
    }
    return id;
}

int ctl_show(ctl *c, int argc, char **argv)
{
    fg_store *st;
    int64_t id;
    char *json;
    fg_err e;

    if (argc != 2) {
        fprintf(stderr, "usage: faxgatectl show ID [--json]\n");
        return 2;
    }
    if (!(id = ctl_parse_id(argv[1])))
        return 2;
    if (!(st = ctl_store(c)))
        return 1;
    if ((e = fg_store_call_json(st, id, &json)))
        return ctl_fail(e, "show");
    return emit(c, json, render_show);
}

/* Groups of the violation log: one line per campaign or advertiser. */
static void render_groups(json_t *arr)
{
    json_t *g, *v;
    size_t i, j;

    json_array_foreach(arr, i, g) {
        json_t *camp = json_object_get(g, "campaign");

        /* grouped by campaign: the key is there, null for faxes in no campaign */
        if (json_is_integer(camp))
            printf("campaign %-5lld %-9s", num(g, "campaign"), str(g, "state"));
        else if (camp)
            printf("%-24s", "no campaign");
        if (json_is_string(json_object_get(g, "ticker"))) {   /* a stock promotion, by its symbol */
            char who[64];

            snprintf(who, sizeof who, "%s: %s", str(g, "ticker"), str(g, "advertiser"));
            printf(" %-32.32s", who);
        } else {
            printf(" %-32.32s", str(g, "advertiser"));
        }
        printf(" %3lld faxes, %3lld violations, %s .. %s\n  calls:", num(g, "calls"), num(g, "violations"),
               str(g, "first"), str(g, "last"));
        json_array_foreach(json_object_get(g, "call_ids"), j, v) printf(" %lld", (long long)json_integer_value(v));
        printf("\n  rules:");
        json_array_foreach(json_object_get(g, "rules"), j, v) printf("%s %s", j ? "," : "", json_string_value(v));
        printf("\n");
    }
    if (!json_array_size(arr))
        printf("(no violations recorded)\n");
}

int ctl_violations(ctl *c, int argc, char **argv)
{
    const char *by = NULL;
    fg_store *st;
    char *json;
    fg_err e;

    if (argc == 3 && !strcmp(argv[1], "--by") && (!strcmp(argv[2], "campaign") || !strcmp(argv[2], "advertiser")))
        by = argv[2];
    else if (argc != 1) {
        fprintf(stderr, "usage: faxgatectl violations [--by campaign|advertiser] [--json]\n");
        return 2;
    }
    if (!(st = ctl_store(c)))
        return 1;
    if (by) {
        if ((e = fg_store_violations_by_json(st, by, &json)))
            return ctl_fail(e, "violations");
        return emit(c, json, render_groups);
    }
    if ((e = fg_store_violations_json(st, &json)))
        return ctl_fail(e, "violations");
    return emit(c, json, render_violations);
}
