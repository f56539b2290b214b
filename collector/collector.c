#include "collector.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dbcheck.h"
#include "firewall.h"
#include "diag.h"
#include "input_file.h"
#include "loader.h"
#include "progress.h"
#include "scan.h"

#define STDIN_NAME "<stdin>"

static const struct prev_input_limits responses_limits = {
    "responses file", PREV_RESPONSES_MAX_BYTES, PREV_RESPONSES_MAX_LINES,
    PREV_RESPONSES_MAX_LINE};
static const struct prev_input_limits frame_limits = {
    "frame file", PREV_FRAME_MAX_BYTES, PREV_FRAME_MAX_LINES, PREV_FRAME_MAX_LINE};

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash != NULL && slash[1] != '\0' ? slash + 1 : path;
}

int col_process_file(PGconn *conn, const struct col_options *o, const char *path,
                     struct col_result *res, struct prev_error *err)
{
    bool is_stdin = strcmp(path, "-") == 0;
    const char *name = is_stdin ? STDIN_NAME : path;
    const struct prev_input_limits *lim;
    struct prev_input in;
    bool in_open = false;
    FILE *fp = NULL;
    struct stat st;
    struct col_scan sc;
    struct col_diag diag;
    struct col_progress progress;
    struct col_loader loader;
    struct col_dbcheck dc;
    bool scan_ready = false, loading = false, diag_ready = false;
    double started = col_now();
    int rc = 0;

    memset(res, 0, sizeof *res);
    memset(&loader, 0, sizeof loader);
    memset(&dc, 0, sizeof dc);
    /* The name is checked like a value, before the file is opened: it is
     * stored in batches, printed and listed, and "John Smith 2009-04-17.csv"
     * would be a disclosure in each place. It is not repeated here either. */
    if (!is_stdin) {
        char detail[80], where[64], msg[400];
        enum col_pii pii = col_firewall_file_name(base_name(path), detail, sizeof detail);
        if (pii != COL_PII_NONE) {
            snprintf(where, sizeof where, "file %zu", o->file_number);
            snprintf(msg, sizeof msg, "its name looks like it holds %s (%s); the survey must "
                     "not identify anyone, so the file is refused: rename it (for example "
                     "responses-pima-2025.csv) and run again (the name is not shown)",
                     col_pii_describe(pii), detail);
            if (o->rejects != NULL)
                col_rejects_row(o->rejects, "(name not shown)", 0, msg, NULL, NULL);
            rc = prev_fail(err, PREV_EX_DATA, o->file_number > 0 ? where : "", "%s", msg);
            goto done;
        }
    }
    lim = o->kind == COL_KIND_RESPONSES ? &responses_limits : &frame_limits;
    if (is_stdin)
        rc = prev_input_fdopen(&in, STDIN_FILENO, name, lim, err);
    else
        rc = prev_input_open(&in, path, lim, err);
    if (rc != 0)
        goto done;
    in_open = true;
    fp = in.fp;
    if (fstat(in.fd, &st) != 0) {
        rc = prev_fail(err, PREV_EX_NOINPUT, name, "cannot read: %s", strerror(errno));
        goto done;
    }
    if (S_ISDIR(st.st_mode)) {
        rc = prev_fail(err, PREV_EX_NOINPUT, name, "is a directory, not a file");
        goto done;
    }

    col_progress_init(&progress, o->diag, o->progress, name,
                      o->load && conn != NULL ? "loading" : "checking",
                      S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0);
    col_diag_init(&diag, o->diag, name, COL_DIAG_CAP, &progress);
    diag_ready = true;
    memset(&sc, 0, sizeof sc);
    sc.kind = o->kind;
    sc.name = name;
    sc.ignore = o->ignore;
    sc.nignore = o->nignore;
    sc.id_pattern = o->id_pattern;
    sc.diag = &diag;
    sc.rejects = o->rejects;
    sc.progress = &progress;
    sc.only_county = o->only_fips != NULL ? col_county_by_fips(o->only_fips) + 1 : 0;
    if (o->only_fips != NULL && sc.only_county <= 0) {
        rc = prev_fail(err, PREV_EX_SOFTWARE, "", "unknown county code for this account");
        goto done;
    }
    sc.size_hint = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
    if ((rc = col_scan_init(&sc, err)) != 0)
        goto done;
    scan_ready = true;

    if (o->load && conn != NULL) {
        if ((rc = col_loader_begin(&loader, conn, o->kind, is_stdin ? STDIN_NAME
                                                                    : base_name(path), err)) != 0)
            goto done;
        loading = true;
        sc.sink = col_loader_sink;
        sc.sink_ctx = &loader;
    }
    rc = col_scan_run(&sc, fp, err);
    /* a cap cut the reading short: that is the problem with this file */
    if (rc != 0 && prev_input_limit_error(&in, err) != 0)
        rc = PREV_EX_DATA;
    if (rc != 0)
        goto done;
    if (loading && (rc = col_loader_end_copy(&loader, diag.errors == 0, err)) != 0)
        goto done;
    if (loading && diag.errors > 0) {
        /* Nothing of this file will be loaded; the checks against loaded
         * data below still run, outside the abandoned transaction. */
        col_loader_abort(&loader);
        loading = false;
    }

    /* Identical bytes already loaded: nothing to do, and nothing to
     * check (the loaded batch would collide with itself). */
    if (conn != NULL && diag.errors == 0) {
        if (loading && (rc = col_loader_lock_years(&loader, &sc, err)) != 0)
            goto done;
        if ((rc = col_find_active_sha(conn, sc.stats.sha256, &res->batch_id, err)) != 0)
            goto done;
        if (res->batch_id != 0) {
            res->already_loaded = true;
            res->valid = true;
            res->rows = sc.valid_rows;
            res->caseload = sc.caseload_total;
            res->confirmed = sc.confirmed_total;
            res->suspected = sc.suspected_total;
            goto done;
        }
    }
    /* The checks against loaded data, as long as the header let the rows
     * be read at all: one run shows every problem. */
    if (conn != NULL && sc.header_usable && !sc.refused_privacy && sc.valid_rows > 0) {
        if ((rc = col_dbcheck_run(conn, &sc, loading ? loader.batch_id : 0, o->replace, &dc,
                                  err)) != 0)
            goto done;
        res->db_checked = true;
        col_dbcheck_report(&sc, &dc);
    }
    col_diag_finish(&diag, o->rejects != NULL);
    res->errors = diag.errors;
    res->warnings = diag.warnings;
    res->valid = diag.errors == 0;
    res->rows = sc.valid_rows;
    res->caseload = sc.caseload_total;
    res->confirmed = sc.confirmed_total;
    res->suspected = sc.suspected_total;
    if (!res->valid || !loading)
        goto done;
    if ((rc = col_loader_finish(&loader, &sc, &dc, &res->batch_id, err)) != 0)
        goto done;
    if (res->batch_id != 0) {
        res->already_loaded = true;
    } else {
        res->batch_id = loader.batch_id;
        res->replaced = dc.nreplaced;
    }
done:
    if (diag_ready) {
        /* what the scan held, when something stopped the command early */
        col_diag_flush(&diag);
        col_diag_free(&diag);
    }
    if (loading)
        col_loader_abort(&loader);
    col_dbcheck_free(&dc);
    if (scan_ready)
        col_scan_free(&sc);
    if (in_open)
        prev_input_close(&in);
    res->seconds = col_now() - started;
    return rc;
}
