#ifndef PREV_ATOMIC_FILE_H
#define PREV_ATOMIC_FILE_H

#include <stdio.h>

#include "prev_error.h"

/* Outputs are written whole or not at all: write to "path.tmp.PID", then
 * rename over path when everything succeeded.
 *
 * A path that names a device or a pipe (/dev/null, /dev/full, /dev/stdout,
 * a FIFO) is written directly instead: there is no "whole or nothing" for
 * a stream, and renaming a regular file over /dev/null would replace the
 * device for everyone (as root). A symbolic link to a regular file is
 * followed: the temporary file goes next to the file it names, and the
 * link stays a link. */
struct prev_atomic_file {
    FILE *fp;
    char path[4096];
    char tmp_path[4200];
    int direct;             /* writing to a device or pipe, no rename */
};

/* Open a temporary file next to path (or path itself, see above). On
 * failure returns PREV_EX_CANTCREAT with err filled and nothing left on
 * disk. */
int prev_atomic_open(struct prev_atomic_file *af, const char *path,
                     struct prev_error *err);

/* Flush, fsync, close and rename into place. On any failure the temporary
 * file is removed and an error returned; the final path is untouched. */
int prev_atomic_commit(struct prev_atomic_file *af, struct prev_error *err);

/* Close and remove the temporary file (safe to call after commit). */
void prev_atomic_abort(struct prev_atomic_file *af);

#endif
