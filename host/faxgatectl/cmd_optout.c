/* faxgatectl optout | optouts — managed opt-out (#12): ask an advertiser to stop, and keep the record.
 *
 * `optout ID` composes a request page for received fax ID under one jurisdiction profile (the
 * numbers to remove, the fax it answers, the law), records it in the store and, when the fax's
 * notice gives an opt-out fax number, queues it for faxgated to send over [optout] via. A notice
 * that gives only a phone number, a web site or an e-mail address makes a manual request: the
 * command says exactly what the operator has to do, and `optouts --done N` records that it was
 * done, which starts the sender's delay. Off unless [optout] enabled = yes: answering a junk fax
 * tells its sender that the number is live.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "faxgate/durable.h"
#include "faxgate/optout_law.h"
#include "optout_page.h"

static const char *jstr(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));

    return s ? s : "";
}

/* Where the request goes, from what the fax's notice named. */
typedef struct channel {
    const char *kind;          /* "fax", "phone", "web", "email"; NULL: the notice names nothing usable */
    char dest[256];
} channel;

/* The first identity of that role and kind holding an E.164 number. */
static const char *identity(const json_t *call, const char *role, const char *kind)
{
    size_t i;
    json_t *id;

    json_array_foreach(json_object_get(call, "identities"), i, id)
        if (!strcmp(jstr(id, "role"), role) && !strcmp(jstr(id, "kind"), kind) && jstr(id, "value")[0] == '+')
            return jstr(id, "value");
    return NULL;
}

/* An advertiser's web site or e-mail address that the opt-out notice itself names. */
static const char *named_in_notice(const json_t *call, const char *kind)
{
    const char *notice = jstr(call, "optout_text");
    size_t i;
    json_t *id;

    json_array_foreach(json_object_get(call, "identities"), i, id) {
        const char *v = jstr(id, "value");
        char host[128];

        if (strcmp(jstr(id, "role"), "advertiser") || strcmp(jstr(id, "kind"), kind) || !*v)
            continue;
        /* OCR keeps the notice's case; the identity is lower case: compare the host part */
        snprintf(host, sizeof host, "%.*s", (int)strcspn(v, "/"), v);
        if (*notice && strcasestr(notice, strchr(host, '@') ? strchr(host, '@') + 1 : host))
            return v;
    }
    return NULL;
}

static void choose_channel(const json_t *call, channel *ch)
{
    const char *v;

    ch->kind = NULL;
    ch->dest[0] = '\0';
    if ((v = identity(call, "optout", "fax")))
        ch->kind = "fax";
    else if ((v = identity(call, "optout", "tollfree")) || (v = identity(call, "optout", "phone")))
        ch->kind = "phone";
    else if ((v = named_in_notice(call, "email")))
        ch->kind = "email";
    else if ((v = named_in_notice(call, "url")))
        ch->kind = "web";
    if (ch->kind)
        snprintf(ch->dest, sizeof ch->dest, "%s", v);
}

/* The profile asked for, or the first of [policy] profiles. */
static const fg_optout_law *pick_law(ctl *c, const char *asked)
{
    const char *list = fg_config_get(c->cfg, "policy", "profiles");
    char first[16] = "";
    const fg_optout_law *law;

    if (!asked && list) {
        list += strspn(list, ", \t");
        snprintf(first, sizeof first, "%.*s", (int)strcspn(list, ", \t"), list);
        asked = first;
    }
    if (asked && (law = fg_optout_law_find(asked)))
        return law;
    fprintf(stderr, "faxgatectl optout: '%s' is not a profile with opt-out wording; use --profile with one of:",
            asked ? asked : "");
    for (const char *const *n = fg_optout_law_profiles(); *n; n++)
        fprintf(stderr, " %s", *n);
    fprintf(stderr, "\n");
    return NULL;
}

/* "2026-10-27T14:03:11Z" as "2026-10-27 14:03:11 UTC". */
static void readable_time(const char *iso, char *out, size_t cap)
{
    if (strlen(iso) == 20 && iso[10] == 'T')
        snprintf(out, cap, "%.10s %.8s UTC", iso, iso + 11);
    else
        snprintf(out, cap, "%s", iso);
}

static const char *page1_sha256(const json_t *call)
{
    size_t i;
    json_t *p;

    json_array_foreach(json_object_get(call, "pages"), i, p)
        if (json_integer_value(json_object_get(p, "page_no")) == 1)
            return jstr(p, "sha256");
    return "";
}

/* sip:+18005550199@HOST:PORT[;params] from [optout] via = sip:HOST:PORT[;params]. */
static void line_uri(const char *via, const char *number, char *out, size_t cap)
{
    snprintf(out, cap, "sip:%s@%s", number, via + 4 + (strncmp(via + 4, "//", 2) ? 0 : 2));
}

/* What the operator has to do for a request the gateway cannot send itself. */
static void instruction(const channel *ch, const fg_optout_page *pg, char *out, size_t cap)
{
    static const struct {
        const char *kind, *how;
    } hows[] = {
        {"phone", "phone %s and ask to be removed from their fax list"},
        {"web", "open %s and ask to be removed from their fax list"},
        {"email", "e-mail %s asking to be removed from their fax list (the request page can be attached)"},
    };
    char how[400] = "";

    for (size_t i = 0; i < sizeof hows / sizeof hows[0]; i++)
        if (!strcmp(ch->kind, hows[i].kind))
            snprintf(how, sizeof how, hows[i].how, ch->dest);
    snprintf(out, cap, "%s; the number(s) to remove: %s; reference: %s, the fax received %s from TSI '%s' (caller ID "
             "%s, advertiser %s)", how, pg->numbers, pg->reference, pg->received, pg->tsi, pg->caller_id,
             pg->advertiser && *pg->advertiser ? pg->advertiser : "not named");
}

typedef struct optout_args {
    int64_t id;
    const char *profile, *out;
    bool dry_run;
} optout_args;

static int parse_args(int argc, char **argv, optout_args *a)
{
    static const struct option opts[] = {{"profile", required_argument, NULL, 'p'},
                                         {"dry-run", no_argument, NULL, 'n'},
                                         {"out", required_argument, NULL, 'o'},
                                         {NULL, 0, NULL, 0}};
    int opt;

    memset(a, 0, sizeof *a);
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'p': a->profile = optarg; break;
        case 'n': a->dry_run = true; break;
        case 'o': a->out = optarg; break;
        default: return -1;
        }
    }
    if (optind + 1 != argc) {
        fprintf(stderr, "usage: faxgatectl optout ID [--profile P] [--dry-run] [--out FILE.tif]\n");
        return -1;
    }
    return (a->id = ctl_parse_id(argv[optind])) ? 0 : -1;
}

/* Refuses what must not be asked: opt-out off, a fax that is not an advertisement. */
static bool allowed(ctl *c, const json_t *call, int64_t id)
{
    if (!fg_config_bool(c->cfg, "optout", "enabled")) {
        fprintf(stderr,
                "faxgatectl optout: managed opt-out is off ([optout] enabled = no). Answering a junk fax confirms to "
                "its sender that the number is live and read, and can bring more junk; turn it on (enabled = yes, "
                "with [optout] via for requests by fax) only where the remedy needs a prior opt-out, such as US "
                "wilful damages or the UK's FPS (faxgate.conf(5))\n");
        return false;
    }
    if (!json_is_true(json_object_get(call, "is_ad")) && strcmp(jstr(call, "verdict"), "drop")) {
        fprintf(stderr, "faxgatectl optout: call %lld was not judged an advertisement (verdict %s): an opt-out request "
                "is only sent to an advertiser; mark it junk first if it is one (faxgatectl junk %lld)\n",
                (long long)id, *jstr(call, "verdict") ? jstr(call, "verdict") : "none", (long long)id);
        return false;
    }
    return true;
}

/* The receiving number(s): the call's own when the store knows which number was called, else
   [site] number. */
static const char *numbers_to_remove(ctl *c, const json_t *call)
{
    const char *n = jstr(call, "called");

    if (!*n)
        n = fg_config_get(c->cfg, "site", "number");
    if (!n || !*n) {
        fprintf(stderr, "faxgatectl optout: the request must name the number(s) to remove, and neither the call nor "
                "the configuration says which: set [site] number = +15551230000 (the receiving number in E.164; "
                "several separated by commas)\n");
        return NULL;
    }
    return n;
}

static void report(ctl *c, const fg_optout_req *r, int64_t id, int64_t out_id, const char *how)
{
    bool running = out_id && ctl_daemon_running(c);

    if (c->json) {
        json_t *o = json_pack("{sI sI ss ss ss ss sI ss ss ss}", "id", (json_int_t)id, "call_id", (json_int_t)r->call_id,
                              "channel", r->channel, "dest", r->dest, "profile", r->profile, "state",
                              out_id ? "queued" : "manual", "outgoing_id", (json_int_t)out_id, "tiff", r->tiff,
                              "sha256", r->sha256, "instruction", out_id ? "" : how);
        char *text;

        if (o)
            json_object_set_new(o, "daemon_running", json_boolean(running));
        text = o ? json_dumps(o, JSON_PRESERVE_ORDER) : NULL;
        printf("%s\n", text ? text : "{}");
        free(text);
        json_decref(o);
        return;
    }
    if (out_id) {
        printf("opt-out request #%lld queued as outgoing fax %lld to %s (%s); page %s\n", (long long)id,
               (long long)out_id, r->dest, r->line_uri, r->tiff);
        printf(running ? "faxgated is sending it; faxgatectl optouts shows how it went\n"
                       : "faxgated is not running: the request waits in the queue and is sent when faxgated runs\n");
    } else {
        printf("opt-out request #%lld recorded for the operator (%s to %s); page %s\n", (long long)id, r->channel,
               r->dest, r->tiff);
        printf("to do: %s\nthen record it: faxgatectl optouts --done %lld [--note TEXT]\n", how, (long long)id);
    }
}

int ctl_optout(ctl *c, int argc, char **argv)
{
    const char *via = fg_config_get(c->cfg, "optout", "via"), *spool = fg_config_get(c->cfg, "spool", "dir");
    char received[64], today[16], now[32], ref[64], uri[400], path[1200], dir[1100], sha[65], how[1200];
    fg_optout_page pg = {0};
    fg_optout_req r = {0};
    optout_args a;
    json_error_t jerr;
    json_t *call = NULL;
    char *json = NULL;
    int64_t id = 0, out_id = 0;
    time_t t = time(NULL);
    struct tm tm;
    channel ch;
    fg_store *st;
    fg_err e;
    int rc = 1;

    if (parse_args(argc, argv, &a))
        return 2;
    if (!(st = ctl_store(c)))
        return 1;
    if ((e = fg_store_call_json(st, a.id, &json)))
        return ctl_fail(e, "optout");
    if (!(call = json_loads(json, 0, &jerr))) {
        fprintf(stderr, "faxgatectl optout: the store returned unreadable JSON for call %lld: %s\n", (long long)a.id,
                jerr.text);
        goto out;
    }
    rc = 2;
    if (!allowed(c, call, a.id) || !(pg.law = pick_law(c, a.profile)) || !(pg.numbers = numbers_to_remove(c, call)))
        goto out;
    choose_channel(call, &ch);
    if (!ch.kind) {
        fprintf(stderr, "faxgatectl optout: call %lld gives no opt-out fax or phone number, nor a web site or e-mail "
                "address in its notice: there is nobody to ask. Block the sender instead (faxgatectl block add ...)\n",
                (long long)a.id);
        goto out;
    }
    if (!strcmp(ch.kind, "fax") && (!via || !*via) && !a.dry_run) {
        fprintf(stderr, "faxgatectl optout: the request would be faxed to %s, but [optout] via is not set: give the SIP "
                "trunk or proxy that routes numbers (via = sip:HOST:PORT)\n", ch.dest);
        goto out;
    }
    gmtime_r(&t, &tm);
    strftime(today, sizeof today, "%Y-%m-%d", &tm);
    strftime(now, sizeof now, "%Y-%m-%d %H:%M UTC", &tm);
    readable_time(jstr(call, "started"), received, sizeof received);
    snprintf(ref, sizeof ref, "faxgate call %lld", (long long)a.id);
    pg.date = today;
    pg.header_time = now;
    pg.reference = ref;
    pg.received = received;
    pg.tsi = jstr(call, "tsi");
    pg.caller_id = *jstr(call, "caller_e164") ? jstr(call, "caller_e164") : jstr(call, "caller_id");
    pg.advertiser = jstr(call, "advertiser");
    pg.sha256 = page1_sha256(call);
    pg.dest = ch.dest;
    pg.from = fg_config_get(c->cfg, "line", "csi");
    if (!strcmp(ch.kind, "fax") && via && *via)
        line_uri(via, ch.dest, uri, sizeof uri);
    else if (!strcmp(ch.kind, "fax"))
        snprintf(uri, sizeof uri, "nothing: [optout] via is not set");
    else
        instruction(&ch, &pg, how, sizeof how);
    if (a.dry_run) {
        char *text = fg_optout_page_text(&pg);

        printf("dry run: nothing recorded or sent\nprofile %s; %s to %s%s%s\n", pg.law->profile, ch.kind, ch.dest,
               strcmp(ch.kind, "fax") ? "" : " via ", strcmp(ch.kind, "fax") ? "" : uri);
        if (strcmp(ch.kind, "fax"))
            printf("to do: %s\n", how);
        printf("---- the request page ----\n%s", text ? text : "(out of memory)\n");
        free(text);
        if (a.out && (e = fg_optout_page_write(&pg, a.out, sha)))
            rc = ctl_fail(e, "optout");
        else
            rc = 0;
        if (a.out && !e)
            printf("page written to %s (SHA-256 %s)\n", a.out, sha);
        goto out;
    }
    snprintf(dir, sizeof dir, "%s/out", spool);
    if (mkdir(dir, 0750) && access(dir, W_OK)) {
        fprintf(stderr, "faxgatectl optout: cannot use the spool folder %s\n", dir);
        rc = 1;
        goto out;
    }
    /* a name no other request can have: a refused one deletes its own page, never another's */
    snprintf(path, sizeof path, "%s/optout-%lld-%ld-%d.tif", dir, (long long)a.id, (long)t, (int)getpid());
    if ((e = fg_optout_page_write(&pg, path, sha)) || (e = fg_sync_file(path)) ||
        (a.out && (e = fg_optout_page_write(&pg, a.out, sha)))) {
        unlink(path);
        rc = ctl_fail(e, "optout");
        goto out;
    }
    r = (fg_optout_req){.call_id = a.id, .channel = ch.kind, .dest = ch.dest, .profile = pg.law->profile,
                        .line_uri = strcmp(ch.kind, "fax") ? NULL : uri, .tiff = path, .sha256 = sha, .pages = 1,
                        .max_attempts = (int)fg_config_int(c->cfg, "outgoing", "max_attempts"),
                        .note = strcmp(ch.kind, "fax") ? how : NULL};
    if ((e = fg_store_optout_add(st, &r, &id, &out_id))) {
        unlink(path);
        rc = ctl_fail(e, "optout");
        goto out;
    }
    report(c, &r, id, out_id, how);
    rc = 0;
out:
    json_decref(call);
    free(json);
    return rc;
}

int ctl_optouts(ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {{"done", required_argument, NULL, 'd'},
                                         {"note", required_argument, NULL, 'n'},
                                         {NULL, 0, NULL, 0}};
    const char *note = NULL;
    int64_t done = 0;
    char *json = NULL;
    fg_store *st;
    fg_err e;
    int opt;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'd':
            if (!(done = ctl_parse_id(optarg)))
                return 2;
            break;
        case 'n': note = optarg; break;
        default:
            fprintf(stderr, "usage: faxgatectl optouts [--done N [--note TEXT]]\n");
            return 2;
        }
    }
    if (optind < argc || (note && !done)) {
        fprintf(stderr, "usage: faxgatectl optouts [--done N [--note TEXT]]\n");
        return 2;
    }
    if (!(st = ctl_store(c)))
        return 1;
    if (done) {
        if ((e = fg_store_optout_done(st, done, note)))
            return ctl_fail(e, "optouts --done");
        printf("opt-out request #%lld recorded as made: the sender's delay to comply runs from now\n",
               (long long)done);
        return 0;
    }
    if ((e = fg_store_optouts_json(st, &json)))
        return ctl_fail(e, "list the opt-out requests");
    printf("%s\n", json);
    free(json);
    return 0;
}
