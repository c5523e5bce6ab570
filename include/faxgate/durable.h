/* faxgate — durable: what makes a file survive a crash or a power cut, and the fault points
 * that test it.
 *
 * A page is confirmed to its sender only once its file and the folder that names it are synced
 * (fg_sync_file, fg_sync_dir_of) and the store has committed it. The tests kill the daemon at
 * named points (fg_fault) to show that every fax confirmed before the kill is finished after it.
 */
#ifndef FAXGATE_DURABLE_H
#define FAXGATE_DURABLE_H

#include "faxgate/error.h"

/** Flushes a file's data and metadata to the storage device (fsync). */
fg_err fg_sync_file(const char *path);

/** Flushes the folder holding path, so that a file created or renamed there stays named. */
fg_err fg_sync_dir_of(const char *path);

/** Renames a file (copying across file systems) and syncs both folders: after it returns, a
    power cut leaves the file under its new name. */
fg_err fg_move_durable(const char *from, const char *to);

/** A named fault point. If FAXGATE_FAULT is "POINT" or "POINT:N" and this is the N-th time
    (default 1) the process reaches POINT, the process kills itself with SIGKILL, as a crash or a
    power cut would stop it: nothing after this point runs, no buffer is flushed. Points:
    after_phase_b, after_page_write, after_page_commit, after_mcf, after_verdict, after_filing,
    during_delivery. Unset (as in production), it costs one getenv at the first call. */
void fg_fault(const char *point);

#endif
