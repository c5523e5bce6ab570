/* faxgatectl — the administrator's command line over the store, the spool and the pipeline. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"

typedef struct command {
    const char *name;
    int (*run)(ctl *c, int argc, char **argv);
    const char *usage;
} command;

static const command commands[] = {
    {"scan", ctl_scan, "scan FILE.tif|FILE.png [--tsi ID] [--caller-id NUM] [--res fine|standard]"},
    {"classify", ctl_classify, "classify --text FILE [--tsi ID] [--caller-id NUM]"},
    {"calls", ctl_calls, "calls [--limit N]"},
    {"show", ctl_show, "show ID"},
    {"evidence", ctl_evidence, "evidence verify [--head FILE] | head [--append FILE]  check the evidence ledger and page files; its head"},
    {"violations", ctl_violations, "violations [--by campaign|advertiser]"},
    {"report", ctl_report, "report ID|--advertiser NAME|NUMBER|SYMBOL --profile P [--out FILE.pdf] [--bundle FILE.tar|FILE.zip]  complaint report (PDF), --json its facts"},
    {"release", ctl_release, "release ID             print a held fax"},
    {"junk", ctl_junk, "junk ID                mark a fax as junk (not printed, kept as evidence)"},
    {"consent", ctl_consent, "consent add|list|remove [number|domain|name VALUE] [--basis consent|ebr] [--note TEXT]"},
    {"block", ctl_block, "block add|list|remove [broadcaster|advertiser number|tsi|domain|name|ticker|nsf|dcs VALUE] [--note TEXT]"},
    {"user", ctl_user, "user add NAME --role viewer|operator|admin | passwd NAME | role NAME ROLE | remove NAME  web admin accounts"},
    {"users", ctl_users, "users                  the web admin's accounts"},
    {"decode", ctl_decode, "decode FILE.wav|FILE.pcap [--out DIR] [--no-judge]"},
    {"train", ctl_train, "train --ad|--legit FILE...  teach the learning classifier (texts, or page images)"},
    {"campaigns", ctl_campaigns, "campaigns              the advertisement campaigns recognised"},
    {"status", ctl_status, "status                 the running faxgated: calls in progress, print queue, printer"},
    {"reload", ctl_reload, "reload                 make faxgated re-read its configuration (calls go on)"},
    {"send", ctl_send, "send --to sip:USER@HOST:PORT [--purpose WHY] [--attempts N] FILE.tif...  queue a fax for faxgated to send"},
    {"outgoing", ctl_outgoing, "outgoing               the outgoing queue (JSON): queued, sending, the last sent or failed"},
    {"optout", ctl_optout, "optout ID [--profile P] [--dry-run] [--out FILE.tif]  ask the advertiser of fax ID to stop (off unless [optout] enabled)"},
    {"optouts", ctl_optouts, "optouts [--done N [--note TEXT]]  the opt-out requests (JSON), or record request N made by hand"},
    {"eval", ctl_eval, "eval LABELS.tsv|DIR... [--base DIR] [--split S] [--pages] [--detail FILE] [--texts DIR] [--list]"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: faxgatectl [--config FILE] [--json] COMMAND ...\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  faxgatectl %s\n", commands[i].usage);
}

fg_store *ctl_store(ctl *c)
{
    fg_err e;

    if (c->st)
        return c->st;
    if ((e = fg_store_open(fg_config_get(c->cfg, "store", "db"), &c->st))) {
        ctl_fail(e, "store");
        return NULL;
    }
    return c->st;
}

bool ctl_file_magic(const char *path, unsigned char magic[4])
{
    FILE *f = fopen(path, "rb");
    size_t n;

    if (!f)
        return false;
    n = fread(magic, 1, 4, f);
    fclose(f);
    return n == 4;
}

int ctl_fail(fg_err e, const char *what)
{
    fprintf(stderr, "faxgatectl: %s: %s\n", what, fg_err_msg(e));
    switch (e) {
    case FG_ERR_INVAL:
    case FG_ERR_CONFIG:
        return 2;
    case FG_ERR_NOTFOUND:
        return 3;
    default:
        return 1;
    }
}

int main(int argc, char **argv)
{
    ctl c = {0};
    int i = 1, rc;
    fg_err e;

    /* global options come before the command; --json is also accepted after it */
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--config") && i + 1 < argc) {
            c.config_path = argv[++i];
        } else if (!strcmp(argv[i], "--json")) {
            c.json = true;
        } else if (!strcmp(argv[i], "--version")) {
            printf("faxgatectl %s\n", FAXGATE_VERSION);
            return 0;
        } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "faxgatectl: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return 2;
    }
    if (!c.config_path && access(FG_CONFIG_FILE, F_OK) == 0)
        c.config_path = FG_CONFIG_FILE;   /* an installed faxgate's, as faxgated reads it */
    if ((e = fg_config_new(&c.cfg)) || (c.config_path && (e = fg_config_load(c.cfg, c.config_path)))) {
        int status = ctl_fail(e, "configuration");

        fg_config_free(c.cfg);
        return status;
    }
    fg_config_apply_timezone(c.cfg);
    /* strip a trailing --json so each command sees only its own arguments */
    int cargc = 0;
    char **cargv = calloc((size_t)(argc - i + 1), sizeof *cargv);
    if (!cargv)
        return ctl_fail(FG_ERR_NOMEM, "arguments");
    for (int j = i; j < argc; j++) {
        if (!strcmp(argv[j], "--json"))
            c.json = true;
        else
            cargv[cargc++] = argv[j];
    }
    rc = -1;
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
        if (!strcmp(cargv[0], commands[k].name))
            rc = commands[k].run(&c, cargc, cargv);
    if (rc < 0) {
        fprintf(stderr, "faxgatectl: unknown command '%s'\n", cargv[0]);
        usage(stderr);
        rc = 2;
    }
    free(cargv);
    fg_store_close(c.st);
    fg_config_free(c.cfg);
    return rc;
}
