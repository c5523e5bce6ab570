/* faxgatectl release / junk — an operator overrides the filter.
 *
 * release: the fax moves to the inbox, is queued and printed now if the printer answers
 * (else faxgated prints it when the printer is back). The store's claim on the print job
 * keeps faxgated and this command from printing it twice.
 * junk: the fax is not printed (a pending print job is cancelled) and stays as evidence.
 * Both teach the filter ([classify] bayes, campaigns): the learning classifier learns the page
 * as an advertisement or a business fax (junk after release moves it, never counts twice), and
 * the fax's campaign is marked junk (its later copies are dropped) or released. The operator's
 * verdict is what matters: when learning fails, the verdict still stands and a warning says why.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "faxgate/campaign.h"
#include "faxgate/learn.h"

/* Moves a call's pages to SPOOL/FOLDER/call-ID.tif and records the new path. */
static fg_err move_pages(ctl *c, fg_store *st, const fg_stored_call *sc, const char *folder, char *dst, size_t cap)
{
    snprintf(dst, cap, "%s/%s/call-%lld.tif", fg_config_get(c->cfg, "spool", "dir"), folder, (long long)sc->id);
    if (!strcmp(dst, sc->tiff))
        return FG_OK;
    if (rename(sc->tiff, dst) < 0)
        return fg_err_set(fg_err_from_errno(errno), "cannot move %s to %s: %s", sc->tiff, dst, strerror(errno));
    return fg_store_set_tiff(st, sc->id, dst);
}

/* Teaches the filter the operator's verdict on call id; prints what it learned or why not. */
static void learn_from(ctl *c, fg_store *st, int64_t id, bool is_ad, const char *cmd)
{
    const char *cls = is_ad ? "an advertisement" : "a business fax";
    int64_t campaign = 0;
    size_t n = 0;
    bool changed = false;
    fg_err e;

    if (fg_config_bool(c->cfg, "classify", "bayes")) {
        e = fg_learn_train_call(st, id, fg_config_get(c->cfg, "site", "country"), is_ad, "operator", &changed, &n);
        if (e == FG_ERR_STATE)
            printf("  nothing to learn from call %lld: %s\n", (long long)id, fg_err_msg(e));
        else if (e)
            fprintf(stderr, "faxgatectl %s: call %lld: the verdict stands, but learning from it failed: %s\n", cmd,
                    (long long)id, fg_err_msg(e));
        else
            printf("  %s as %s (%zu tokens)\n", changed ? "learned" : "already learned", cls, n);
    }
    if (fg_config_bool(c->cfg, "classify", "campaigns")) {
        if ((e = fg_store_campaign_mark(st, id, is_ad ? "junk" : "released", "operator", &campaign)))
            fprintf(stderr, "faxgatectl %s: call %lld: the verdict stands, but its campaign was not marked: %s\n", cmd,
                    (long long)id, fg_err_msg(e));
        else if (campaign)
            printf("  campaign %lld marked %s%s\n", (long long)campaign, is_ad ? "junk" : "released",
                   is_ad ? ": its later copies will be dropped" : "");
    }
}

static int load(ctl *c, int argc, char **argv, const char *usage, fg_store **st, fg_stored_call *sc)
{
    int64_t id;
    fg_err e;

    if (argc != 2) {
        fprintf(stderr, "usage: %s\n", usage);
        return 2;
    }
    if (!(id = ctl_parse_id(argv[1])))
        return 2;
    if (!(*st = ctl_store(c)))
        return 1;
    if ((e = fg_store_call_get(*st, id, sc)))
        return ctl_fail(e, argv[0]);
    return 0;
}

/* Prints the released fax now if this process wins the claim on its job. */
static int print_now(ctl *c, fg_store *st, int64_t id)
{
    char owner[48], name[64];
    fg_printer *pr = NULL;
    fg_delivery job;
    int job_id = 0;
    fg_err e;

    snprintf(owner, sizeof owner, "faxgatectl:%d", (int)getpid());
    e = fg_store_delivery_claim_call(st, owner, id, &job);
    if (e == FG_ERR_NOTFOUND) {
        printf("call %lld queued for printing (faxgated is already printing it)\n", (long long)id);
        return 0;
    }
    if (e)
        return ctl_fail(e, "release");
    snprintf(name, sizeof name, "faxgate call %lld", (long long)id);
    if (!(e = fg_printer_open_config(c->cfg, &pr)))
        e = fg_printer_print(pr, job.tiff, name, &job_id);
    fg_printer_close(pr);
    if (e == FG_ERR_PRINTER_BUSY) {
        /* faxgated waits for the printer to be idle and follows the job; a command does not wait */
        fg_store_delivery_retry(st, job.id, 0, fg_err_msg(e));
        printf("call %lld released and queued; the printer is busy: faxgated prints it when it is idle\n",
               (long long)id);
        return 0;
    }
    if (!e) {
        /* accepted: the command does not stay to follow the job to its end as faxgated does */
        if ((e = fg_store_delivery_done(st, job.id, job_id, "accepted")))
            return ctl_fail(e, "release (printed, but not recorded)");
        printf("call %lld released and printed (job %d)\n", (long long)id, job_id);
        return 0;
    }
    fg_store_delivery_retry(st, job.id, (int)fg_config_int(c->cfg, "printer", "retry_seconds"), fg_err_msg(e));
    printf("call %lld released and queued; the printer did not take it yet (%s): faxgated will retry\n",
           (long long)id, fg_err_msg(e));
    return 0;
}

int ctl_release(ctl *c, int argc, char **argv)
{
    char dst[1200];
    fg_stored_call sc;
    fg_store *st;
    fg_err e;
    int rc;

    if ((rc = load(c, argc, argv, "faxgatectl release ID", &st, &sc)))
        return rc;
    if (!sc.tiff[0] || sc.pages == 0)
        return ctl_fail(fg_err_set(FG_ERR_STATE, "call %lld has no pages to print", (long long)sc.id), "release");
    if (sc.printed) {
        printf("call %lld was already printed; nothing to print\n", (long long)sc.id);
        learn_from(c, st, sc.id, false, "release");
        return 0;
    }
    if ((e = move_pages(c, st, &sc, "inbox", dst, sizeof dst)))
        return ctl_fail(e, "release");
    if ((e = fg_store_set_verdict(st, sc.id, FG_VERDICT_DELIVER, "operator", "released with faxgatectl release")) ||
        (e = fg_store_delivery_add(st, sc.id)))
        return ctl_fail(e, "release");
    rc = print_now(c, st, sc.id);
    learn_from(c, st, sc.id, false, "release");
    return rc;
}

int ctl_junk(ctl *c, int argc, char **argv)
{
    char dst[1200];
    fg_stored_call sc;
    fg_store *st;
    fg_err e;
    int rc;

    if ((rc = load(c, argc, argv, "faxgatectl junk ID", &st, &sc)))
        return rc;
    e = fg_store_delivery_cancel(st, sc.id);
    if (e && e != FG_ERR_NOTFOUND) {
        if (e == FG_ERR_STATE)
            fprintf(stderr, "faxgatectl junk: call %lld is being printed right now; it is marked junk anyway\n",
                    (long long)sc.id);
        else
            return ctl_fail(e, "junk");
    }
    if (sc.tiff[0] && (e = move_pages(c, st, &sc, "junk", dst, sizeof dst)))
        return ctl_fail(e, "junk");
    if ((e = fg_store_set_verdict(st, sc.id, FG_VERDICT_DROP, "operator", "marked junk with faxgatectl junk")))
        return ctl_fail(e, "junk");
    printf("call %lld marked junk%s; pages kept as evidence%s%s\n", (long long)sc.id,
           sc.printed ? " (it had already been printed)" : "", sc.tiff[0] ? " in " : "", sc.tiff[0] ? dst : "");
    learn_from(c, st, sc.id, true, "junk");
    return 0;
}
