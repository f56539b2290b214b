#ifndef PREV_ATOMIC_FILE_H
#define PREV_ATOMIC_FILE_H

#include <stddef.h>
#include <stdio.h>

#include "prev_error.h"

/* Outputs are written whole or not at all, and never somewhere else.
 *
 * A regular output is written to a fresh temporary ".NAME.XXXXXX" created
 * in the destination folder with openat(O_CREAT | O_EXCL | O_NOFOLLOW,
 * 0600), then flushed, fsync'ed and renamed over NAME (renameat), and the
 * folder fsync'ed. The temporary is private (0600) and so is the result:
 * a rejects list or a report is shared on purpose, not by umask.
 *
 * A symbolic link at the output path is refused (73): following it would
 * write, or replace, a file somewhere the user did not name, possibly in
 * a folder another user controls. The one exception is a link the system
 * owns under /dev/ or /proc/self/fd/ (/dev/stdout, /dev/fd/3), which names
 * a stream of this process.
 *
 * A path that names a device or a pipe (/dev/null, /dev/full, /dev/stdout,
 * a FIFO) is written directly instead: there is no "whole or nothing" for
 * a stream, and renaming a regular file over /dev/null would replace the
 * device for everyone (as root).
 *
 * A writer holds an exclusive flock on its temporary until the rename. A
 * temporary ".NAME.XXXXXX" of the same NAME that nobody holds, owned by
 * this user, was left by a writer that was killed (SIGKILL, power loss):
 * the next prev_atomic_open of NAME removes it, so an interrupted output
 * leaves neither a file that looks complete nor, once written again, any
 * debris. */
struct prev_atomic_file {
    FILE *fp;
    char path[4096];        /* as given, for messages */
    char tmp_path[5300];    /* folder/.NAME.XXXXXX while it exists, else "" */
    char base[1024];        /* NAME, relative to dirfd */
    char tmp_base[1100];    /* .NAME.XXXXXX, relative to dirfd */
    int dirfd;              /* the destination folder, -1 when closed */
    int direct;             /* writing to a device or pipe, no rename */
    int lockfd;             /* holds the temporary's flock until renamed, else 0 */
};

/* Open a temporary file next to path (or path itself, see above). On
 * failure returns PREV_EX_CANTCREAT with err filled and nothing left on
 * disk. */
int prev_atomic_open(struct prev_atomic_file *af, const char *path,
                     struct prev_error *err);

/* Flush, fsync, close and rename into place. On any failure the temporary
 * file is removed and an error returned; the final path is untouched. */
int prev_atomic_commit(struct prev_atomic_file *af, struct prev_error *err);

/* Close and remove the temporary file (safe to call after commit, and on
 * a struct that prev_atomic_open left closed). */
void prev_atomic_abort(struct prev_atomic_file *af);

/* Before anything is opened for writing: 73 when out is a symbolic link
 * (see above) or names the same file (device and inode, so also a hard
 * link or another spelling of the path) as one of inputs[0..n). Inputs
 * that do not exist, "-" and NULL are skipped; an output that does not
 * exist yet is fine. */
int prev_output_check(const char *out, const char *const *inputs, size_t n,
                      struct prev_error *err);

#endif
