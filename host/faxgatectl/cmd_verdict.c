/* faxgatectl release / junk — an operator overrides the filter.
 *
 * What an override does lives in firmware/core/operator.c, shared with the web admin; this file
 * only prints it, and prints a released fax now if the printer answers (else faxgated prints it
 * when the printer is back). The store's claim on the print job keeps faxgated and this command
 * from printing it twice.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "faxgate/operator.h"

/* Tells what the override taught the filter (operator.c did it). */
static void report_learning(const fg_override *o, bool is_ad, const char *cmd)
{
    const char *cls = is_ad ? "an advertisement" : "a business fax";

    if (o->learn_nothing)
        printf("  nothing to learn from call %lld: it has no text\n", (long long)o->id);
    else if (o->learn_error[0])
        fprintf(stderr, "faxgatectl %s: call %lld: the verdict stands, but learning from it failed: %s\n", cmd,
                (long long)o->id, o->learn_error);
    else if (o->learned)
        printf("  %s as %s (%zu tokens)\n", o->learn_changed ? "learned" : "already learned", cls, o->tokens);
    if (o->campaign_error[0])
        fprintf(stderr, "faxgatectl %s: call %lld: the verdict stands, but its campaign was not marked: %s\n", cmd,
                (long long)o->id, o->campaign_error);
    else if (o->campaign)
        printf("  campaign %lld marked %s%s\n", (long long)o->campaign, is_ad ? "junk" : "released",
               is_ad ? ": its later copies will be dropped" : "");
}

static int load(ctl *c, int argc, char **argv, const char *usage, fg_store **st, int64_t *id)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s\n", usage);
        return 2;
    }
    if (!(*id = ctl_parse_id(argv[1])))
        return 2;
    if (!(*st = ctl_store(c)))
        return 1;
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
    fg_override o;
    fg_store *st;
    int64_t id;
    fg_err e;
    int rc = 0;

    if ((rc = load(c, argc, argv, "faxgatectl release ID", &st, &id)))
        return rc;
    if ((e = fg_operator_release(c->cfg, st, id, "released with faxgatectl release", &o)))
        return ctl_fail(e, "release");
    if (o.already_printed)
        printf("call %lld was already printed; nothing to print\n", (long long)id);
    else
        rc = print_now(c, st, id);
    report_learning(&o, false, "release");
    return rc;
}

int ctl_junk(ctl *c, int argc, char **argv)
{
    fg_override o;
    fg_store *st;
    int64_t id;
    fg_err e;
    int rc;

    if ((rc = load(c, argc, argv, "faxgatectl junk ID", &st, &id)))
        return rc;
    if ((e = fg_operator_junk(c->cfg, st, id, "marked junk with faxgatectl junk", &o)))
        return ctl_fail(e, "junk");
    if (o.printing_now)
        fprintf(stderr, "faxgatectl junk: call %lld is being printed right now; it is marked junk anyway\n",
                (long long)id);
    printf("call %lld marked junk%s; pages kept as evidence%s%s\n", (long long)id,
           o.printed_before ? " (it had already been printed)" : "", o.tiff[0] ? " in " : "", o.tiff);
    report_learning(&o, true, "junk");
    return 0;
}
