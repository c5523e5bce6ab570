/* faxgatectl — shared context of the admin commands. */
#ifndef FAXGATECTL_H
#define FAXGATECTL_H

#include <stdbool.h>
#include "faxgate/faxgate.h"

typedef struct ctl {
    fg_config *cfg;          /* embedded defaults merged with --config */
    const char *config_path; /* NULL if none given */
    bool json;               /* --json: machine-readable output */
    fg_store *st;            /* opened on first use by ctl_store() */
} ctl;

/** The store named by [store] db, opened on first use; NULL after printing the error. */
fg_store *ctl_store(ctl *c);

/** Prints "faxgatectl: <what>: <detail>" for e to stderr and returns the exit status for it. */
int ctl_fail(fg_err e, const char *what);

/** Reads a file's first four bytes into magic; false if it is shorter or unreadable. */
bool ctl_file_magic(const char *path, unsigned char magic[4]);

/** Parses a call id argument; prints why and returns 0 if it is not one. */
int64_t ctl_parse_id(const char *s);

/** Runs the judging pipeline on a TIFF as `scan` does (OCR → extract → classify → policy) and
    prints the verdict record; tsi may be NULL. Used by `scan` and by `decode` for decoded pages. */
int ctl_scan_file(ctl *c, const char *tiff, const char *tsi);

/** Page 1 of a fax TIFF, or any other image binarised and scaled to fax width at yres (98 or 196),
    as a fax machine would send it. Used by `scan` and `eval`. */
fg_err ctl_load_page1(const char *path, int yres, fg_page **page);

/** True if a faxgated answers on the control socket (nothing is asked of it). */
bool ctl_daemon_running(ctl *c);

/* Each command gets its own argv (argv[0] is the command name) and returns an exit status. */
int ctl_scan(ctl *c, int argc, char **argv);
int ctl_classify(ctl *c, int argc, char **argv);
int ctl_calls(ctl *c, int argc, char **argv);
int ctl_show(ctl *c, int argc, char **argv);
int ctl_violations(ctl *c, int argc, char **argv);
int ctl_evidence(ctl *c, int argc, char **argv);
int ctl_report(ctl *c, int argc, char **argv);
int ctl_release(ctl *c, int argc, char **argv);
int ctl_junk(ctl *c, int argc, char **argv);
int ctl_consent(ctl *c, int argc, char **argv);
int ctl_block(ctl *c, int argc, char **argv);
int ctl_decode(ctl *c, int argc, char **argv);
int ctl_train(ctl *c, int argc, char **argv);
int ctl_campaigns(ctl *c, int argc, char **argv);
int ctl_eval(ctl *c, int argc, char **argv);
int ctl_status(ctl *c, int argc, char **argv);
int ctl_reload(ctl *c, int argc, char **argv);
int ctl_send(ctl *c, int argc, char **argv);
int ctl_outgoing(ctl *c, int argc, char **argv);
int ctl_optout(ctl *c, int argc, char **argv);
int ctl_optouts(ctl *c, int argc, char **argv);
int ctl_user(ctl *c, int argc, char **argv);
int ctl_users(ctl *c, int argc, char **argv);

#endif
