#include "atomic_file.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int prev_atomic_open(struct prev_atomic_file *af, const char *path,
                     struct prev_error *err)
{
    struct stat st;
    char real[PATH_MAX];

    memset(af, 0, sizeof *af);
    if (strlen(path) >= sizeof af->path)
        return prev_fail(err, PREV_EX_CANTCREAT, path, "path is too long");
    snprintf(af->path, sizeof af->path, "%s", path);
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return prev_fail(err, PREV_EX_CANTCREAT, path, "is a directory, not a file");
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        /* A device or a pipe: write it as it is (see atomic_file.h). */
        if ((af->fp = fopen(path, "wb")) == NULL)
            return prev_fail(err, PREV_EX_CANTCREAT, path, "cannot open for writing: %s",
                             strerror(errno));
        af->direct = 1;
        return 0;
    }
    /* A link to a regular file: replace the file, keep the link. */
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) && realpath(path, real) != NULL)
        snprintf(af->path, sizeof af->path, "%s", real);
    snprintf(af->tmp_path, sizeof af->tmp_path, "%s.tmp.%ld", af->path, (long)getpid());
    af->fp = fopen(af->tmp_path, "wb");
    if (af->fp == NULL) {
        int saved = errno;
        af->tmp_path[0] = '\0';
        return prev_fail(err, PREV_EX_CANTCREAT, path, "cannot create: %s",
                         strerror(saved));
    }
    return 0;
}

int prev_atomic_commit(struct prev_atomic_file *af, struct prev_error *err)
{
    int rc = 0;

    if (af->fp == NULL)
        return prev_fail(err, PREV_EX_SOFTWARE, af->path, "file is not open");
    if (af->direct) {
        /* No fsync: devices and pipes refuse it (EINVAL). */
        if (ferror(af->fp) || fflush(af->fp) != 0)
            rc = prev_fail(err, PREV_EX_IOERR, af->path, "cannot write: %s",
                           strerror(errno != 0 ? errno : EIO));
        if (fclose(af->fp) != 0 && rc == 0)
            rc = prev_fail(err, PREV_EX_IOERR, af->path, "cannot write: %s", strerror(errno));
        af->fp = NULL;
        return rc;
    }
    /* A full disk often shows up only at flush or close time. */
    if (ferror(af->fp) || fflush(af->fp) != 0 || fsync(fileno(af->fp)) != 0) {
        rc = prev_fail(err, PREV_EX_IOERR, af->path, "cannot write: %s",
                       strerror(errno != 0 ? errno : EIO));
        fclose(af->fp);
        af->fp = NULL;
        goto done;
    }
    if (fclose(af->fp) != 0) {
        af->fp = NULL;
        rc = prev_fail(err, PREV_EX_IOERR, af->path, "cannot write: %s",
                       strerror(errno));
        goto done;
    }
    af->fp = NULL;
    if (rename(af->tmp_path, af->path) != 0) {
        rc = prev_fail(err, PREV_EX_CANTCREAT, af->path, "cannot rename into place: %s",
                       strerror(errno));
        goto done;
    }
    af->tmp_path[0] = '\0';
done:
    if (rc != 0 && af->tmp_path[0] != '\0') {
        unlink(af->tmp_path);
        af->tmp_path[0] = '\0';
    }
    return rc;
}

void prev_atomic_abort(struct prev_atomic_file *af)
{
    if (af->fp != NULL) {
        fclose(af->fp);
        af->fp = NULL;
    }
    if (af->tmp_path[0] != '\0') {
        unlink(af->tmp_path);
        af->tmp_path[0] = '\0';
    }
}
