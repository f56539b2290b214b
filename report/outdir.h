#ifndef REP_OUTDIR_H
#define REP_OUTDIR_H

#include <stddef.h>

#include "prev_error.h"

/* A set of output files built in memory, written into one folder. */
struct rep_outfile {
    char name[64];          /* relative to the folder: "report.html", "tables/x.csv" */
    char *data;             /* owned; freed by rep_outfiles_free */
    size_t len;
};

#define REP_OUTDIR_MAX_FILES 32

struct rep_outfiles {
    size_t n;
    struct rep_outfile file[REP_OUTDIR_MAX_FILES];
};

/* Open a memory stream for the next file; returns NULL when out of memory
 * or full. The caller writes to it and closes it with rep_outfiles_close. */
FILE *rep_outfiles_open(struct rep_outfiles *set, const char *name);
/* Close the stream of the last file opened; 0, or -1 if it failed. */
int rep_outfiles_close(struct rep_outfiles *set, FILE *fp);
void rep_outfiles_free(struct rep_outfiles *set);

/* Write every file under dir (created, with any subfolder, when missing).
 * Each file goes through a temporary file and a rename (atomic_file.h);
 * all are written and flushed before the first rename, so a failure while
 * writing leaves no file changed, and a failing rename leaves only whole
 * files. Refused with 73 before anything is written: dir or a subfolder
 * that is a symbolic link, an output file that is one, or an output that
 * is the same file as one of inputs[0..ninputs) (the files the command
 * read, e.g. --covariates). Errors: 73 cannot create, 74 write failed. */
int rep_outdir_write(const char *dir, const struct rep_outfiles *set,
                    const char *const *inputs, size_t ninputs, struct prev_error *err);

#endif
