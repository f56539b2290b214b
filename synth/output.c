/* Writing a generated survey year to disk: one folder per year, each file
 * written whole or not at all. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "atomic_file.h"
#include "synth.h"

/* Create path and its missing parents (mkdir -p). */
static int make_dirs(const char *path, struct prev_error *err)
{
    char buf[4096];
    struct stat st;
    size_t len = strlen(path);

    if (len == 0 || len >= sizeof buf)
        return prev_fail(err, PREV_EX_CANTCREAT, path, "bad folder name");
    memcpy(buf, path, len + 1);
    for (size_t i = 1; i <= len; i++) {
        if (buf[i] != '/' && buf[i] != '\0')
            continue;
        buf[i] = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return prev_fail(err, PREV_EX_CANTCREAT, buf, "cannot create folder: %s",
                             strerror(errno));
        /* the year folder is ours to fill: never through a link */
        if (i == len && lstat(buf, &st) == 0 && S_ISLNK(st.st_mode))
            return prev_fail(err, PREV_EX_CANTCREAT, buf,
                             "is a symbolic link; outputs are never written through a link "
                             "(name the real folder)");
        if (stat(buf, &st) != 0 || !S_ISDIR(st.st_mode))
            return prev_fail(err, PREV_EX_CANTCREAT, buf, "exists and is not a folder");
        buf[i] = path[i];
    }
    return 0;
}

static void add_totals(struct syn_year_summary *sum, const struct syn_county_totals *t)
{
    sum->officers_total += t->officers_total;
    sum->respondents += t->respondents;
    sum->youth_total += t->youth_total;
    sum->caseload += t->caseload;
    sum->confirmed += t->confirmed;
    sum->with_confirmed += t->with_confirmed;
}

int syn_write_year(const char *out_dir, const struct syn_year_plan *plan, bool single_file,
                   struct syn_year_summary *sum, struct prev_error *err)
{
    struct syn_county_totals totals[SYN_NCOUNTIES];
    struct syn_year_summary s = {0};
    struct prev_atomic_file af;
    char dir[4096], path[4200];
    size_t len = strlen(out_dir);
    int rc = 0;

    memset(&af, 0, sizeof af);
    /* "out/" and "out" name the same folder; keep messages tidy. */
    while (len > 1 && out_dir[len - 1] == '/')
        len--;
    if (snprintf(dir, sizeof dir, "%.*s/%d", (int)len, out_dir, plan->year)
        >= (int)sizeof dir) {
        rc = prev_fail(err, PREV_EX_CANTCREAT, out_dir, "folder name is too long");
        goto done;
    }
    if ((rc = make_dirs(dir, err)) != 0)
        goto done;

    for (int i = 0; i < SYN_NCOUNTIES; i++) {
        /* One file per county, or every county's rows under one header. */
        if (!single_file || i == 0) {
            if (single_file)
                snprintf(path, sizeof path, "%s/responses.csv", dir);
            else
                snprintf(path, sizeof path, "%s/responses-%s.csv", dir, syn_counties[i].slug);
            if ((rc = prev_atomic_open(&af, path, err)) != 0)
                goto done;
            fputs(syn_responses_header, af.fp);
        }
        if ((rc = syn_write_county_rows(af.fp, path, plan, i, &totals[i], err)) != 0)
            goto done;
        add_totals(&s, &totals[i]);
        if (!single_file || i == SYN_NCOUNTIES - 1) {
            if ((rc = prev_atomic_commit(&af, err)) != 0)
                goto done;
            s.files++;
        }
    }

    snprintf(path, sizeof path, "%s/frame.csv", dir);
    if ((rc = prev_atomic_open(&af, path, err)) != 0)
        goto done;
    syn_write_frame(af.fp, plan, totals);
    if ((rc = prev_atomic_commit(&af, err)) != 0)
        goto done;
    s.files++;
done:
    prev_atomic_abort(&af);
    if (rc == 0 && sum != NULL)
        *sum = s;
    return rc;
}
