/* Reading the county covariates file with libcsv (strict mode), one line
 * at a time so every message can say path:line:column. */
#include "sae_covariates.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <csv.h>

#include "input_file.h"
#include "parse.h"

#define COV_FIELD_MAX 256

static const struct prev_input_limits covariates_limits = {
    "covariates file", PREV_COVARIATES_MAX_BYTES, PREV_COVARIATES_MAX_LINES,
    PREV_COVARIATES_MAX_LINE};

struct cov_reader {
    struct an_covariates *c;
    struct prev_error *err;
    long line;                  /* line being parsed */
    size_t field;               /* fields seen in the current record */
    size_t nfields;             /* fields of the header */
    size_t county_col;
    bool header_done;
    size_t cap;                 /* allocated rows */
    char fields[AN_COV_MAX_COLS + 1][COV_FIELD_MAX];
    bool field_too_long;
    int rc;
};

static int fail_at(struct cov_reader *r, long line, const char *column, const char *fmt,
                   const char *detail)
{
    char where[256];

    /* prev_error.where holds 256 bytes: keep the tail of a long path out
     * rather than the line and column. */
    snprintf(where, sizeof where, "%.160s:%ld:%.63s", r->c->path, line, column);
    r->rc = prev_fail(r->err, PREV_EX_DATA, where, fmt, detail);
    return r->rc;
}

static void on_field(void *s, size_t len, void *data)
{
    struct cov_reader *r = data;

    if (r->rc != 0)
        return;
    if (r->field <= AN_COV_MAX_COLS) {
        if (len >= COV_FIELD_MAX)
            r->field_too_long = true;
        else {
            memcpy(r->fields[r->field], s, len);
            r->fields[r->field][len] = '\0';
        }
    }
    r->field++;
}

static bool grow(struct cov_reader *r)
{
    struct an_covariates *c = r->c;
    size_t cap = r->cap == 0 ? 16 : 2 * r->cap;
    void *county = realloc(c->county, cap * sizeof *c->county);
    void *line = county == NULL ? NULL : realloc(c->line, cap * sizeof *c->line);
    void *values = NULL;

    if (county != NULL)
        c->county = county;
    if (line != NULL)
        c->line = line;
    if (county == NULL || line == NULL)
        return false;
    values = realloc(c->values, cap * (c->ncols > 0 ? c->ncols : 1) * sizeof *c->values);
    if (values == NULL)
        return false;
    c->values = values;
    r->cap = cap;
    return true;
}

static void header_row(struct cov_reader *r)
{
    struct an_covariates *c = r->c;
    bool have_county = false;

    if (r->field > AN_COV_MAX_COLS + 1) {
        char n[32];

        snprintf(n, sizeof n, "%d", AN_COV_MAX_COLS);
        fail_at(r, r->line, "header", "at most %s covariate columns besides county", n);
        return;
    }
    for (size_t f = 0; f < r->field; f++) {
        const char *name = r->fields[f];

        if (strcasecmp(name, "county") == 0) {
            if (have_county) {
                fail_at(r, r->line, name, "%s", "a second county column");
                return;
            }
            have_county = true;
            r->county_col = f;
            continue;
        }
        if (name[0] == '\0' || strlen(name) >= AN_COV_NAME_MAX) {
            fail_at(r, r->line, "header", "%s", "a column name is empty or longer than 63 characters");
            return;
        }
        for (size_t k = 0; k < c->ncols; k++)
            if (strcmp(c->names[k], name) == 0) {
                fail_at(r, r->line, name, "%s", "this column name appears twice");
                return;
            }
        snprintf(c->names[c->ncols++], AN_COV_NAME_MAX, "%.63s", name);   /* length checked above */
    }
    if (!have_county) {
        fail_at(r, r->line, "header", "%s", "no column named county");
        return;
    }
    if (c->ncols == 0) {
        fail_at(r, r->line, "header", "%s", "no covariate column besides county");
        return;
    }
    r->nfields = r->field;
    r->header_done = true;
}

static void on_row_end(int term, void *data)
{
    struct cov_reader *r = data;
    struct an_covariates *c = r->c;
    size_t j = 0;

    (void)term;
    if (r->rc != 0)
        return;
    if (r->field_too_long) {
        fail_at(r, r->line, "", "%s", "a field is longer than 255 characters");
        return;
    }
    if (!r->header_done) {
        header_row(r);
        r->field = 0;
        return;
    }
    if (r->field != r->nfields) {
        char msg[96];

        snprintf(msg, sizeof msg, "%zu fields, the header has %zu", r->field, r->nfields);
        fail_at(r, r->line, "", "%s", msg);
        return;
    }
    if (c->nrows == r->cap && !grow(r)) {
        r->rc = prev_fail(r->err, PREV_EX_SOFTWARE, c->path, "out of memory");
        return;
    }
    if (r->fields[r->county_col][0] == '\0' || strlen(r->fields[r->county_col]) >= 32) {
        fail_at(r, r->line, "county", "%s", "county is empty or longer than 31 characters");
        return;
    }
    for (size_t k = 0; k < c->nrows; k++)
        if (strcasecmp(c->county[k], r->fields[r->county_col]) == 0) {
            char msg[96];

            snprintf(msg, sizeof msg, "%.31s appears twice (first on line %ld)",
                     r->fields[r->county_col], c->line[k]);
            fail_at(r, r->line, "county", "%s", msg);
            return;
        }
    snprintf(c->county[c->nrows], sizeof c->county[c->nrows], "%.31s", r->fields[r->county_col]);
    c->line[c->nrows] = r->line;
    for (size_t f = 0; f < r->field; f++) {
        double v = 0.0;

        if (f == r->county_col)
            continue;
        if (!prev_parse_double(r->fields[f], -1e300, 1e300, &v)) {
            char msg[COV_FIELD_MAX + 64];

            snprintf(msg, sizeof msg, "'%s' is not a number", r->fields[f]);
            fail_at(r, r->line, c->names[j], "%s", msg);
            return;
        }
        c->values[c->nrows * c->ncols + j++] = v;
    }
    c->nrows++;
    r->field = 0;
}

void an_covariates_free(struct an_covariates *c)
{
    if (c == NULL)
        return;
    free(c->county);
    free(c->line);
    free(c->values);
    memset(c, 0, sizeof *c);
}

int an_covariates_read(const char *path, struct an_covariates *out, struct prev_error *err)
{
    struct cov_reader *r = NULL;
    struct prev_input in;
    bool in_open = false;
    struct csv_parser parser;
    bool parser_ready = false;
    FILE *fp = NULL;
    char *buf = NULL;
    size_t bufsize = 0;
    ssize_t len;
    int rc = 0;

    memset(out, 0, sizeof *out);
    snprintf(out->path, sizeof out->path, "%s", path);
    /* capped: `--covariates /dev/zero` would grow one line without end */
    if ((rc = prev_input_open(&in, path, &covariates_limits, err)) != 0)
        goto done;
    in_open = true;
    fp = in.fp;
    if ((r = calloc(1, sizeof *r)) == NULL) {
        rc = prev_fail(err, PREV_EX_SOFTWARE, path, "out of memory");
        goto done;
    }
    r->c = out;
    r->err = err;
    /* Strict, and strict at the end: a truncated quoted field is an error
     * rather than a field that silently runs to the end of the file. */
    if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI) != 0) {
        rc = prev_fail(err, PREV_EX_SOFTWARE, path, "cannot initialise the CSV parser");
        goto done;
    }
    parser_ready = true;
    while ((len = getline(&buf, &bufsize, fp)) > 0) {
        r->line++;
        if (csv_parse(&parser, buf, (size_t)len, on_field, on_row_end, r) != (size_t)len) {
            rc = fail_at(r, r->line, "", "%s", csv_strerror(csv_error(&parser)));
            goto done;
        }
        if (r->rc != 0) {
            rc = r->rc;
            goto done;
        }
    }
    if (ferror(fp)) {
        if ((rc = prev_input_limit_error(&in, err)) == 0)
            rc = prev_fail(err, PREV_EX_IOERR, path, "read failed: %s", strerror(errno));
        goto done;
    }
    if (csv_fini(&parser, on_field, on_row_end, r) != 0) {
        rc = fail_at(r, r->line, "", "%s", "unterminated quoted field at the end of the file");
        goto done;
    }
    if (r->rc != 0) {
        rc = r->rc;
        goto done;
    }
    if (!r->header_done) {
        rc = prev_fail(err, PREV_EX_DATA, path, "empty file: expected a header with county");
        goto done;
    }
    if (out->nrows == 0) {
        rc = prev_fail(err, PREV_EX_DATA, path, "no county rows after the header");
        goto done;
    }
done:
    if (parser_ready)
        csv_free(&parser);
    free(buf);
    free(r);
    if (in_open)
        prev_input_close(&in);
    if (rc != 0) {
        char keep[256];

        memcpy(keep, out->path, sizeof keep);
        an_covariates_free(out);
        memcpy(out->path, keep, sizeof keep);
    }
    return rc;
}

int an_covariates_align(const struct an_covariates *c, const struct an_estimate_row *rows,
                        size_t nrows, double *values, struct prev_error *err)
{
    bool *used = NULL;
    int rc = 0;

    if ((used = calloc(c->nrows > 0 ? c->nrows : 1, sizeof *used)) == NULL)
        return prev_fail(err, PREV_EX_SOFTWARE, c->path, "out of memory");
    for (size_t r = 0; r < nrows; r++) {
        size_t k;

        for (size_t j = 0; j < c->ncols; j++)
            values[r * c->ncols + j] = NAN;
        if (strcmp(rows[r].fips, AN_STATE_FIPS) == 0)
            continue;
        for (k = 0; k < c->nrows; k++)
            if (strcasecmp(c->county[k], rows[r].county) == 0
                || strcmp(c->county[k], rows[r].fips) == 0)
                break;
        if (k == c->nrows) {
            rc = prev_fail(err, PREV_EX_DATA, c->path, "no row for county %s (%s)",
                           rows[r].county, rows[r].fips);
            goto done;
        }
        used[k] = true;
        for (size_t j = 0; j < c->ncols; j++)
            values[r * c->ncols + j] = c->values[k * c->ncols + j];
    }
    for (size_t k = 0; k < c->nrows; k++)
        if (!used[k]) {
            char where[256];

            snprintf(where, sizeof where, "%.200s:%ld:county", c->path, c->line[k]);
            rc = prev_fail(err, PREV_EX_DATA, where, "'%s' is not a county of this estimate",
                           c->county[k]);
            goto done;
        }
done:
    free(used);
    return rc;
}
