#ifndef AN_OUTDIR_H
#define AN_OUTDIR_H

#include <stddef.h>

#include "prev_error.h"

/* A set of output files built in memory, written into one folder. */
struct an_outfile {
    char name[64];          /* relative to the folder: "report.html", "tables/x.csv" */
    char *data;             /* owned; freed by an_outfiles_free */
    size_t len;
};

#define AN_OUTDIR_MAX_FILES 32

struct an_outfiles {
    size_t n;
    struct an_outfile file[AN_OUTDIR_MAX_FILES];
};

/* Open a memory stream for the next file; returns NULL when out of memory
 * or full. The caller writes to it and closes it with an_outfiles_close. */
FILE *an_outfiles_open(struct an_outfiles *set, const char *name);
/* Close the stream of the last file opened; 0, or -1 if it failed. */
int an_outfiles_close(struct an_outfiles *set, FILE *fp);
void an_outfiles_free(struct an_outfiles *set);

/* Write every file under dir (created, with any subfolder, when missing).
 * Each file goes through a temporary file and a rename (atomic_file.h);
 * all are written and flushed before the first rename, so a failure while
 * writing leaves no file changed, and a failing rename leaves only whole
 * files. Refused with 73 before anything is written: dir or a subfolder
 * that is a symbolic link, an output file that is one, or an output that
 * is the same file as one of inputs[0..ninputs) (the files the command
 * read, e.g. --covariates). Errors: 73 cannot create, 74 write failed. */
int an_outdir_write(const char *dir, const struct an_outfiles *set,
                    const char *const *inputs, size_t ninputs, struct prev_error *err);

#endif
