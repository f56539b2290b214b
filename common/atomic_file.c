#include "atomic_file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

/* Links the system makes for this process's own streams. */
static bool system_stream_link(const char *path)
{
    return strncmp(path, "/dev/", 5) == 0 || strncmp(path, "/proc/self/fd/", 14) == 0;
}

static int refuse_link(struct prev_error *err, const char *path)
{
    return prev_fail(err, PREV_EX_CANTCREAT, path,
                     "is a symbolic link; outputs are never written through a link "
                     "(remove it or name the real file)");
}

int prev_output_check(const char *out, const char *const *inputs, size_t n,
                      struct prev_error *err)
{
    struct stat ost, ist;

    if (lstat(out, &ost) != 0)
        return 0;                 /* a new file is nobody's input */
    if (S_ISLNK(ost.st_mode)) {
        if (!system_stream_link(out))
            return refuse_link(err, out);
        if (stat(out, &ost) != 0)
            return 0;
    }
    /* A device or a pipe is written in place, never replaced: reading and
     * writing one (a terminal) is not a clash. */
    if (!S_ISREG(ost.st_mode))
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (inputs[i] == NULL || strcmp(inputs[i], "-") == 0 || stat(inputs[i], &ist) != 0)
            continue;
        if (ist.st_dev == ost.st_dev && ist.st_ino == ost.st_ino)
            return prev_fail(err, PREV_EX_CANTCREAT, out,
                             "is the same file as the input %zu; writing it would destroy "
                             "that input (choose another output path)", i + 1);
    }
    return 0;
}

static const char temp_chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/* Is entry ".NAME.XXXXXX" for af's NAME? */
static bool is_temp_of(const struct prev_atomic_file *af, const char *entry)
{
    size_t n = strlen(af->base);

    if (entry[0] != '.' || strncmp(entry + 1, af->base, n) != 0 || entry[1 + n] != '.'
        || strlen(entry + n + 2) != 6)
        return false;
    return strspn(entry + n + 2, temp_chars) == 6;
}

/* Remove the temporaries of NAME that a killed writer left: regular
 * files of ours that no writer holds locked. Best effort: what cannot be
 * examined is left alone. */
static void sweep_stale(struct prev_atomic_file *af)
{
    int dfd = dup(af->dirfd);
    DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
    struct dirent *de;

    if (d == NULL) {
        if (dfd >= 0)
            close(dfd);
        return;
    }
    while ((de = readdir(d)) != NULL) {
        struct stat st;
        int fd;
        if (!is_temp_of(af, de->d_name))
            continue;
        fd = openat(af->dirfd, de->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
            continue;
        if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid()
            && flock(fd, LOCK_EX | LOCK_NB) == 0)
            unlinkat(af->dirfd, de->d_name, 0);
        close(fd);
    }
    closedir(d);
}

/* ".NAME.XXXXXX" in dirfd, created exclusively: an existing file or link
 * of that name (planted or left over) is never opened. */
static int open_temp(struct prev_atomic_file *af)
{
    uint64_t seed = (uint64_t)getpid() ^ (uint64_t)(uintptr_t)af;

    for (int attempt = 0; attempt < 100; attempt++) {
        unsigned char rnd[6];
        char suffix[7];
        int fd;
        /* unpredictable names make planting harder; O_EXCL makes it moot */
        if (getrandom(rnd, sizeof rnd, GRND_NONBLOCK) != (ssize_t)sizeof rnd) {
            seed = seed * 6364136223846793005u + 1442695040888963407u;
            memcpy(rnd, &seed, sizeof rnd);
        }
        for (int i = 0; i < 6; i++)
            suffix[i] = temp_chars[rnd[i] % (sizeof temp_chars - 1)];
        suffix[6] = '\0';
        snprintf(af->tmp_base, sizeof af->tmp_base, ".%s.%s", af->base, suffix);
        fd = openat(af->dirfd, af->tmp_base,
                    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd >= 0) {
            /* held through a second descriptor until the rename: fclose
             * must not release it before */
            if (flock(fd, LOCK_EX | LOCK_NB) != 0 || (af->lockfd = dup(fd)) < 0) {
                int saved = errno;
                af->lockfd = 0;
                unlinkat(af->dirfd, af->tmp_base, 0);
                close(fd);
                errno = saved;
                return -1;
            }
            return fd;
        }
        if (errno != EEXIST)
            return fd;
    }
    errno = EEXIST;
    return -1;
}

int prev_atomic_open(struct prev_atomic_file *af, const char *path,
                     struct prev_error *err)
{
    struct stat st;
    char dir[4096];
    const char *slash;
    int fd = -1, rc = 0;

    memset(af, 0, sizeof *af);
    af->dirfd = -1;
    if (strlen(path) >= sizeof af->path)
        return prev_fail(err, PREV_EX_CANTCREAT, path, "path is too long");
    snprintf(af->path, sizeof af->path, "%s", path);
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) && !system_stream_link(path))
        return refuse_link(err, path);
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
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
        /* /dev/stdout redirected to a regular file: a stream of ours (the
         * shell opened it), written in place like any stream. */
        if ((af->fp = fopen(path, "wb")) == NULL)
            return prev_fail(err, PREV_EX_CANTCREAT, path, "cannot open for writing: %s",
                             strerror(errno));
        af->direct = 1;
        return 0;
    }

    slash = strrchr(path, '/');
    if (slash == NULL) {
        snprintf(dir, sizeof dir, ".");
        snprintf(af->base, sizeof af->base, "%s", path);
    } else {
        snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
        snprintf(af->base, sizeof af->base, "%s", slash + 1);
    }
    if (af->base[0] == '\0' || strlen(af->base) > 255)
        return prev_fail(err, PREV_EX_CANTCREAT, path, "is not a file name");
    if ((af->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        return prev_fail(err, PREV_EX_CANTCREAT, path, "cannot create: %s", strerror(errno));
    sweep_stale(af);
    if ((fd = open_temp(af)) < 0) {
        rc = prev_fail(err, PREV_EX_CANTCREAT, path, "cannot create: %s", strerror(errno));
        goto done;
    }
    snprintf(af->tmp_path, sizeof af->tmp_path, "%s/%s", dir, af->tmp_base);
    if ((af->fp = fdopen(fd, "wb")) == NULL) {
        rc = prev_fail(err, PREV_EX_CANTCREAT, path, "cannot create: %s", strerror(errno));
        close(fd);
        goto done;
    }
done:
    if (rc != 0)
        prev_atomic_abort(af);
    return rc;
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
        goto done;
    }
    if (fclose(af->fp) != 0) {
        af->fp = NULL;
        rc = prev_fail(err, PREV_EX_IOERR, af->path, "cannot write: %s", strerror(errno));
        goto done;
    }
    af->fp = NULL;
    /* renameat replaces whatever entry is at NAME by now, a link planted
     * since the open included, and never writes through it. */
    if (renameat(af->dirfd, af->tmp_base, af->dirfd, af->base) != 0) {
        rc = prev_fail(err, PREV_EX_CANTCREAT, af->path, "cannot rename into place: %s",
                       strerror(errno));
        goto done;
    }
    af->tmp_path[0] = '\0';
    /* the rename itself survives a crash once the folder is synced; a file
     * system that cannot sync folders has nothing better to offer */
    (void)fsync(af->dirfd);
done:
    prev_atomic_abort(af);
    return rc;
}

void prev_atomic_abort(struct prev_atomic_file *af)
{
    if (af->fp != NULL) {
        fclose(af->fp);
        af->fp = NULL;
    }
    if (af->tmp_path[0] != '\0') {
        if (af->dirfd >= 0)
            unlinkat(af->dirfd, af->tmp_base, 0);
        af->tmp_path[0] = '\0';
    }
    if (af->lockfd > 0)
        close(af->lockfd);
    af->lockfd = 0;
    /* 0 is what a zeroed struct holds, never a folder we opened (it is
     * standard input) */
    if (af->dirfd > 0)
        close(af->dirfd);
    af->dirfd = -1;
}
