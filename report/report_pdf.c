/* report.pdf through headless Chromium: a process and file-system edge,
 * like outdir.c. Nothing is fetched: the page is self-contained, and
 * Chromium runs with a throw-away profile and no network features. */
#define _XOPEN_SOURCE 700
#include "report_pdf.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int executable(const char *p)
{
    return access(p, X_OK) == 0;
}

int rep_pdf_find_chromium(char *path, size_t size, struct prev_error *err)
{
    static const char *const names[] = {"chromium", "chromium-browser"};
    const char *env = getenv("PREVALENCE_CHROMIUM");
    const char *dirs = getenv("PATH");

    if (env != NULL && env[0] != '\0') {
        if (executable(env)) {
            snprintf(path, size, "%s", env);
            return 0;
        }
        return prev_fail(err, PREV_EX_UNAVAILABLE, "", "--pdf: PREVALENCE_CHROMIUM=%s is not "
                         "an executable; install the package chromium", env);
    }
    for (size_t n = 0; n < sizeof names / sizeof names[0]; n++) {
        const char *p = dirs != NULL ? dirs : "/usr/bin:/bin";
        while (*p != '\0') {
            size_t len = strcspn(p, ":");
            if (len > 0 && (size_t)snprintf(path, size, "%.*s/%s", (int)len, p, names[n]) < size
                && executable(path))
                return 0;
            p += len;
            if (*p == ':')
                p++;
        }
    }
    path[0] = '\0';
    return prev_fail(err, PREV_EX_UNAVAILABLE, "", "--pdf needs headless Chromium, which is "
                     "not installed: apt-get install chromium (Debian package 'chromium'), "
                     "or set PREVALENCE_CHROMIUM");
}

static int remove_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(p);
}

/* Whether the file starts like a PDF. */
static int is_pdf(const char *p)
{
    char head[5] = {0};
    FILE *f = fopen(p, "rb");
    int ok = f != NULL && fread(head, 1, 4, f) == 4 && memcmp(head, "%PDF", 4) == 0;
    if (f != NULL)
        fclose(f);
    return ok;
}

int rep_pdf_print(const char *chromium, const char *dir, struct prev_error *err)
{
    char absdir[PATH_MAX], tmp[PATH_MAX + 32], final[PATH_MAX + 16], url[PATH_MAX + 32];
    char profile[PATH_MAX], out_arg[PATH_MAX + 48], profile_arg[PATH_MAX + 32];
    const char *tmpdir = getenv("TMPDIR");
    posix_spawn_file_actions_t fa;
    bool fa_ok = false, have_profile = false, have_tmp = false;
    pid_t pid;
    int status = 0, fd = -1, rc = 0;

    if (realpath(dir, absdir) == NULL) {
        rc = prev_fail(err, PREV_EX_CANTCREAT, dir, "cannot resolve: %s", strerror(errno));
        goto done;
    }
    snprintf(tmp, sizeof tmp, "%s/.report.pdf.XXXXXX", absdir);
    snprintf(final, sizeof final, "%s/report.pdf", absdir);
    snprintf(url, sizeof url, "file://%s/report.html", absdir);
    if ((fd = mkstemp(tmp)) < 0) {
        rc = prev_fail(err, PREV_EX_CANTCREAT, absdir, "cannot create a temporary PDF: %s",
                       strerror(errno));
        goto done;
    }
    have_tmp = true;
    close(fd);
    snprintf(profile, sizeof profile, "%s/prevalence-chromium.XXXXXX",
             tmpdir != NULL && tmpdir[0] != '\0' ? tmpdir : "/tmp");
    if (mkdtemp(profile) == NULL) {
        rc = prev_fail(err, PREV_EX_CANTCREAT, profile, "cannot create Chromium's profile: %s",
                       strerror(errno));
        goto done;
    }
    have_profile = true;
    snprintf(out_arg, sizeof out_arg, "--print-to-pdf=%s", tmp);
    snprintf(profile_arg, sizeof profile_arg, "--user-data-dir=%s", profile);
    {
        /* --no-pdf-header-footer: the page's @page rules print the survey
         * year and page numbers; Chromium's own would add the file path. */
        char *argv[] = {(char *)chromium, "--headless", "--no-sandbox", "--disable-gpu",
                        "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--no-pdf-header-footer",
                        profile_arg, out_arg, url, NULL};
        if (posix_spawn_file_actions_init(&fa) != 0) {
            rc = prev_fail(err, PREV_EX_OSERR, "", "out of memory");
            goto done;
        }
        fa_ok = true;
        posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
        if ((errno = posix_spawn(&pid, chromium, &fa, NULL, argv, environ)) != 0) {
            rc = prev_fail(err, PREV_EX_UNAVAILABLE, chromium, "cannot start Chromium: %s",
                           strerror(errno));
            goto done;
        }
    }
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            rc = prev_fail(err, PREV_EX_OSERR, chromium, "waitpid: %s", strerror(errno));
            goto done;
        }
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !is_pdf(tmp)) {
        rc = prev_fail(err, PREV_EX_SOFTWARE, chromium, "Chromium could not print report.html "
                       "to PDF (%s %d); report.html is written",
                       WIFEXITED(status) ? "exit status" : "signal",
                       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
        goto done;
    }
    if (rename(tmp, final) != 0) {
        rc = prev_fail(err, PREV_EX_IOERR, final, "cannot rename into place: %s",
                       strerror(errno));
        goto done;
    }
    have_tmp = false;
done:
    if (fa_ok)
        posix_spawn_file_actions_destroy(&fa);
    if (have_tmp)
        unlink(tmp);
    if (have_profile)
        nftw(profile, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    return rc;
}
