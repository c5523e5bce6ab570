/* faxgatectl send | outgoing — the outgoing queue: faxes faxgated sends itself.
 *
 * `send` checks the files, copies their pages into one TIFF in the spool's out/ folder (synced:
 * the queue owns the copy, and keeps it as what was sent), and queues it in the store; the
 * running faxgated sends it within a second. `outgoing` lists the queue.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "faxgate/durable.h"
#include "faxgate/page.h"
#include "faxgate/sender.h"

/* The pages of every file, one after another, in one new TIFF at out. */
static fg_err copy_pages(char *const *files, int n, const char *out, int *pages)
{
    fg_err e = FG_OK;

    *pages = 0;
    for (int i = 0; i < n && !e; i++) {
        int count = 0;

        if ((e = fg_page_tiff_count(files[i], &count)) || (e = fg_send_check_file(files[i], &count)))
            break;
        for (int k = 0; k < count && !e; k++) {
            fg_page *p = NULL;

            if (!(e = fg_page_read_tiff(files[i], k, &p)))
                e = fg_page_write_tiff(p, out, *pages > 0);
            fg_page_free(p);
            if (!e)
                (*pages)++;
        }
    }
    return e ? e : fg_sync_file(out);
}

int ctl_send(ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {{"to", required_argument, NULL, 't'},
                                         {"purpose", required_argument, NULL, 'p'},
                                         {"attempts", required_argument, NULL, 'a'},
                                         {NULL, 0, NULL, 0}};
    const char *to = NULL, *purpose = "manual", *spool = fg_config_get(c->cfg, "spool", "dir");
    int attempts = (int)fg_config_int(c->cfg, "outgoing", "max_attempts"), opt, pages = 0;
    char dir[1100], path[1200];
    int64_t id = 0;
    fg_store *st;
    fg_err e;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 't': to = optarg; break;
        case 'p': purpose = optarg; break;
        case 'a': attempts = atoi(optarg); break;
        default: return 2;
        }
    }
    if (!to || optind >= argc || attempts < 1) {
        fprintf(stderr, "usage: faxgatectl send --to LINE-URI [--purpose WHY] [--attempts N] FILE.tif...\n"
                        "  LINE-URI: sip:USER@HOST:PORT (;t38 not needed: the far end may switch) or audiosocket://...\n");
        return 2;
    }
    if (strncmp(to, "sip:", 4) && strncmp(to, "audiosocket://", 14)) {
        fprintf(stderr, "faxgatectl send: --to '%s' is not a line URI (sip:USER@HOST:PORT)\n", to);
        return 2;
    }
    snprintf(dir, sizeof dir, "%s/out", spool);
    if (mkdir(dir, 0750) && access(dir, W_OK)) {
        fprintf(stderr, "faxgatectl send: cannot use the spool folder %s\n", dir);
        return 1;
    }
    snprintf(path, sizeof path, "%s/out-%ld-%d.tif", dir, (long)time(NULL), (int)getpid());
    if ((e = copy_pages(argv + optind, argc - optind, path, &pages))) {
        unlink(path);
        fprintf(stderr, "faxgatectl send: %s\n", fg_err_msg(e));
        return 2;
    }
    if (!(st = ctl_store(c)) || (e = fg_store_outgoing_add(st, to, path, purpose, 0, attempts, pages, &id))) {
        unlink(path);
        return st ? ctl_fail(e, "queue the fax") : 1;
    }
    if (c->json)
        printf("{\"id\": %lld, \"dest\": \"%s\", \"pages\": %d}\n", (long long)id, to, pages);
    else
        printf("queued fax %lld to %s (%d page%s); faxgated sends it (faxgatectl outgoing shows how it went)\n",
               (long long)id, to, pages, pages == 1 ? "" : "s");
    return 0;
}

int ctl_outgoing(ctl *c, int argc, char **argv)
{
    fg_store *st = ctl_store(c);
    char *json = NULL;
    fg_err e;

    (void)argc;
    (void)argv;
    if (!st)
        return 1;
    if ((e = fg_store_outgoing_json(st, &json)))
        return ctl_fail(e, "list the outgoing queue");
    printf("%s\n", json);
    free(json);
    return 0;
}
