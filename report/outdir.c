/* Writing a report or a bundle: the only place of the report code that
 * touches the file system. */
#include "outdir.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "atomic_file.h"

FILE *rep_outfiles_open(struct rep_outfiles *set, const char *name)
{
    struct rep_outfile *f;
    FILE *fp;

    if (set->n >= REP_OUTDIR_MAX_FILES || strlen(name) >= sizeof set->file[0].name)
        return NULL;
    f = &set->file[set->n];
    memset(f, 0, sizeof *f);
    snprintf(f->name, sizeof f->name, "%s", name);
    if ((fp = open_memstream(&f->data, &f->len)) == NULL)
        return NULL;
    set->n++;
    return fp;
}

int rep_outfiles_close(struct rep_outfiles *set, FILE *fp)
{
    (void)set;
    if (fp == NULL)
        return -1;
    /* A memory stream fails only for want of memory, seen here. */
    return (ferror(fp) | fclose(fp)) != 0 ? -1 : 0;
}

void rep_outfiles_free(struct rep_outfiles *set)
{
    for (size_t i = 0; i < set->n; i++) {
        free(set->file[i].data);
        set->file[i].data = NULL;
    }
    set->n = 0;
}

/* mkdir -p for dir itself and the folder part of a file name under it.
 * The folder itself must not be a symbolic link: the files would land
 * wherever it points, possibly in a folder another user controls. */
static int make_dir(const char *path, struct prev_error *err)
{
    char buf[4096];
    struct stat st;

    if (strlen(path) >= sizeof buf)
        return prev_fail(err, PREV_EX_CANTCREAT, path, "path is too long");
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; ; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char c = *p;
        *p = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            return prev_fail(err, PREV_EX_CANTCREAT, buf, "cannot create folder: %s",
                             strerror(errno));
        if (c == '\0' && lstat(buf, &st) == 0 && S_ISLNK(st.st_mode))
            return prev_fail(err, PREV_EX_CANTCREAT, buf,
                             "is a symbolic link; outputs are never written through a link "
                             "(name the real folder)");
        if (stat(buf, &st) != 0 || !S_ISDIR(st.st_mode))
            return prev_fail(err, PREV_EX_CANTCREAT, buf, "exists and is not a folder");
        *p = c;
        if (c == '\0')
            break;
    }
    return 0;
}

int rep_outdir_write(const char *dir, const struct rep_outfiles *set,
                    const char *const *inputs, size_t ninputs, struct prev_error *err)
{
    struct prev_atomic_file *af = NULL;
    char path[4096];
    size_t opened = 0, committed = 0;
    int rc = 0;

    /* Before anything is created: no output may be a link or an input. */
    for (size_t i = 0; i < set->n; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, set->file[i].name);
        if ((rc = prev_output_check(path, inputs, ninputs, err)) != 0)
            goto done;
    }
    if ((rc = make_dir(dir, err)) != 0)
        goto done;
    if ((af = calloc(set->n > 0 ? set->n : 1, sizeof *af)) == NULL) {
        rc = prev_fail(err, PREV_EX_SOFTWARE, dir, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < set->n; i++) {
        const struct rep_outfile *f = &set->file[i];
        const char *slash = strrchr(f->name, '/');
        if (slash != NULL) {
            snprintf(path, sizeof path, "%s/%.*s", dir, (int)(slash - f->name), f->name);
            if ((rc = make_dir(path, err)) != 0)
                goto done;
        }
        snprintf(path, sizeof path, "%s/%s", dir, f->name);
        if ((rc = prev_atomic_open(&af[i], path, err)) != 0)
            goto done;
        opened = i + 1;
        if (f->len > 0 && fwrite(f->data, 1, f->len, af[i].fp) != f->len) {
            rc = prev_fail(err, PREV_EX_IOERR, path, "cannot write: %s", strerror(errno));
            goto done;
        }
        /* Flush now: a full disk shows here, before any file is replaced. */
        if (fflush(af[i].fp) != 0) {
            rc = prev_fail(err, PREV_EX_IOERR, path, "cannot write: %s", strerror(errno));
            goto done;
        }
    }
    for (; committed < set->n; committed++)
        if ((rc = prev_atomic_commit(&af[committed], err)) != 0)
            goto done;
done:
    for (size_t i = committed; i < opened; i++)
        prev_atomic_abort(&af[i]);
    free(af);
    return rc;
}
