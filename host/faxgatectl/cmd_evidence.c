/* faxgatectl evidence verify / head — the evidence ledger checked, and its head exported.
 *
 * verify: the ledger's chain, every call's rows against its latest record, the heads kept in a
 * file (--head), then every page file; exit 1 naming the first problem. head: the ledger's last
 * entry as one line, appended durably to a file with --append (for a timer that copies it
 * elsewhere: a copy the store's owner cannot reach is what proves a later rewrite).
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"

typedef struct verify_counts {
    int entries, calls, heads, files, pages;
} verify_counts;

/* Every head line of path still in the ledger; *ok false and f name the first that is not, or a
   line that is no head line. FG_ERR_* if the file cannot be read. */
static fg_err check_heads(fg_store *st, const char *path, bool *ok, fg_evidence_fault *f, int *heads)
{
    FILE *in = fopen(path, "r");
    char line[1024];
    fg_err e = FG_OK;
    int no = 0;

    if (!in)
        return fg_err_set(fg_err_from_errno(errno), "cannot read the heads file %s: %s", path, strerror(errno));
    while (*ok && !e && fgets(line, sizeof line, in)) {
        fg_ledger_head h;
        fg_err pe;

        no++;
        if (line[strspn(line, " \t\r\n")] == '\0' || line[0] == '#')
            continue;
        if ((pe = fg_ledger_head_parse(line, &h))) {
            *ok = false;
            snprintf(f->why, sizeof f->why, "line %d of %s is not a head line: %s", no, path, fg_err_msg(pe));
            break;
        }
        (*heads)++;
        if (!(e = fg_store_verify_head(st, &h, ok, f)) && !*ok) {
            size_t len = strlen(f->why);

            snprintf(f->why + len, sizeof f->why - len, " (line %d of %.200s)", no, path);
        }
    }
    if (!e && ferror(in))
        e = fg_err_set(FG_ERR_IO, "cannot read the heads file %s", path);
    fclose(in);
    if (!e && *ok && *heads == 0) {
        *ok = false;
        snprintf(f->why, sizeof f->why, "%s holds no head line: nothing to check the ledger against", path);
    }
    return e;
}

static void print_verdict(ctl *c, bool ok, const fg_evidence_fault *f, const verify_counts *n, const char *heads)
{
    if (c->json) {
        json_t *o = json_pack("{s:b, s:I, s:i, s:I, s:s?, s:s?, s:i, s:i, s:i, s:i, s:i}", "ok", ok, "first_bad_call",
                              (json_int_t)f->call_id, "first_bad_page", f->page, "first_bad_entry", (json_int_t)f->seq,
                              "field", f->field[0] ? f->field : NULL, "problem", ok ? NULL : f->why,
                              "entries_checked", n->entries, "calls_checked", n->calls, "heads_checked", n->heads,
                              "files_checked", n->files, "pages_checked", n->pages);
        char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;

        puts(text ? text : "{\"ok\":false,\"problem\":\"out of memory\"}");
        free(text);
        json_decref(o);
    } else if (!ok && f->call_id) {
        printf("evidence BROKEN at call %lld%s: %s\n", (long long)f->call_id, f->page ? " (a page)" : "", f->why);
    } else if (!ok && f->seq) {
        printf("evidence BROKEN at ledger entry %lld: %s\n", (long long)f->seq, f->why);
    } else if (!ok) {
        printf("evidence BROKEN: %s\n", f->why);
    } else {
        printf("evidence verified: %d ledger entr%s chained, %d call%s match their latest record",
               n->entries, n->entries == 1 ? "y" : "ies", n->calls, n->calls == 1 ? "" : "s");
        if (heads)
            printf(", %d head%s of %s still in the ledger", n->heads, n->heads == 1 ? "" : "s", heads);
        printf("; %d page file%s, %d page%s match their hashes\n", n->files, n->files == 1 ? "" : "s", n->pages,
               n->pages == 1 ? "" : "s");
    }
}

static int verify(ctl *c, const char *heads)
{
    verify_counts n = {0};
    fg_evidence_fault f;
    bool ok = false;
    fg_store *st;
    fg_err e;

    if (!(st = ctl_store(c)))
        return 1;
    if ((e = fg_store_verify_chain(st, &ok, &f, &n.entries, &n.calls)))
        return ctl_fail(e, "evidence verify");
    if (ok && heads && (e = check_heads(st, heads, &ok, &f, &n.heads)))
        return ctl_fail(e, "evidence verify --head");
    if (ok && (e = fg_store_verify_files(st, &ok, &f, &n.files, &n.pages)))
        return ctl_fail(e, "evidence verify (page files)");
    print_verdict(c, ok, &f, &n, heads);
    return ok ? 0 : 1;
}

/* Appends line and a newline to path, synced; a new file's folder is synced too. */
static fg_err append_line(const char *path, const char *line)
{
    size_t len = strlen(line);
    char *copy, buf[1100];
    bool created = access(path, F_OK) != 0;
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644), dfd;
    fg_err e = FG_OK;

    if (fd < 0)
        return fg_err_set(fg_err_from_errno(errno), "cannot open %s to append the head: %s", path, strerror(errno));
    snprintf(buf, sizeof buf, "%s\n", line);
    if (write(fd, buf, len + 1) != (ssize_t)(len + 1) || fsync(fd) != 0)
        e = fg_err_set(fg_err_from_errno(errno), "cannot append the head to %s: %s", path, strerror(errno));
    if (close(fd) != 0 && !e)
        e = fg_err_set(fg_err_from_errno(errno), "cannot append the head to %s: %s", path, strerror(errno));
    if (!e && created && (copy = strdup(path))) {
        if ((dfd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
            if (fsync(dfd) != 0)
                e = fg_err_set(FG_ERR_IO, "cannot sync the folder of %s: %s", path, strerror(errno));
            close(dfd);
        }
        free(copy);
    }
    return e;
}

static int head(ctl *c, const char *append_to)
{
    fg_ledger_head h;
    char line[512];
    fg_store *st;
    fg_err e;

    if (!(st = ctl_store(c)))
        return 1;
    if ((e = fg_store_ledger_head(st, &h)))
        return ctl_fail(e, "evidence head");
    fg_ledger_head_line(&h, line, sizeof line);
    if (append_to && (e = append_line(append_to, line)))
        return ctl_fail(e, "evidence head --append");
    if (c->json)
        printf("{\"seq\":%lld,\"entries\":%lld,\"chain\":%s%s%s,\"at\":%s%s%s,\"taken\":\"%s\"}\n", (long long)h.seq,
               (long long)h.entries, h.chain[0] ? "\"" : "", h.chain[0] ? h.chain : "null", h.chain[0] ? "\"" : "",
               h.at[0] ? "\"" : "", h.at[0] ? h.at : "null", h.at[0] ? "\"" : "", h.taken);
    else
        puts(line);
    return 0;
}

int ctl_evidence(ctl *c, int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "verify"))
        return verify(c, NULL);
    if (argc == 4 && !strcmp(argv[1], "verify") && !strcmp(argv[2], "--head"))
        return verify(c, argv[3]);
    if (argc == 2 && !strcmp(argv[1], "head"))
        return head(c, NULL);
    if (argc == 4 && !strcmp(argv[1], "head") && !strcmp(argv[2], "--append"))
        return head(c, argv[3]);
    fprintf(stderr, "usage: faxgatectl evidence verify [--head FILE] [--json]\n"
                    "       faxgatectl evidence head [--append FILE] [--json]\n");
    return 2;
}
