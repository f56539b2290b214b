/* Storing what was published. Every value goes in as a parameter: county
 * names and cells are text the database never parses. */
#include "report_publish.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "analysis.h"
#include "report_sae.h"

/* Advisory lock space for "publishing survey year Y": two publishers of
 * one year would otherwise both supersede the old publication and collide
 * on publications_current. 4242001 and 4242002 are migrate's and load's. */

static int exec_params(PGconn *conn, const char *sql, int n, const char *const *params,
                       ExecStatusType want, PGresult **out, const char *what,
                       struct prev_error *err)
{
    PGresult *res = PQexecParams(conn, sql, n, NULL, params, NULL, NULL, 0);

    if (PQresultStatus(res) != want) {
        int rc = db_fail(err, PREV_EX_UNAVAILABLE, conn, res, what);
        PQclear(res);
        return rc;
    }
    if (out != NULL)
        *out = res;
    else
        PQclear(res);
    return 0;
}

static int insert_table(PGconn *conn, const char *publication, const char *table_name,
                        const struct rep_pub_table *t, struct prev_error *err)
{
    static const char sql[] =
        "INSERT INTO published_estimates (publication_id, table_name, row_number, county, fips,"
        " respondents, officers_total, coverage_pct, youth_n, cases, estimate_pct, ci_low_pct,"
        " ci_high_pct, total_estimate, total_ci_low, total_ci_high, flag, notes,"
        " sae_estimate_pct, sae_ci_low_pct, sae_ci_high_pct, sae_flag)"
        " VALUES ($1::bigint, $2, $3::integer, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,"
        " $14, $15, $16, $17, $18, $19, $20, $21, $22)";
    const char *params[3 + REP_PUB_NCOLS + REP_PUB_SAE_NCOLS];
    char row_number[24];
    int rc;

    params[0] = publication;
    params[1] = table_name;
    params[2] = row_number;
    for (size_t i = 0; i < t->nrows; i++) {
        snprintf(row_number, sizeof row_number, "%zu", i + 1);
        for (int c = 0; c < REP_PUB_NCOLS; c++)
            params[3 + c] = t->row[i].cell[c];
        /* NULL (not "") where the table has no model-based columns. */
        for (int c = 0; c < REP_PUB_SAE_NCOLS; c++)
            params[3 + REP_PUB_NCOLS + c] = t->has_sae ? t->sae[i].cell[c] : NULL;
        if ((rc = exec_params(conn, sql, 3 + REP_PUB_NCOLS + REP_PUB_SAE_NCOLS, params,
                              PGRES_COMMAND_OK, NULL, "storing the published table", err)) != 0)
            return rc;
    }
    return 0;
}

int rep_report_publish(PGconn *conn, const struct rep_report_input *in,
                      const struct rep_pub_table *main, const struct rep_pub_table *officers,
                      long *publication_id, struct prev_error *err)
{
    char year[16], level[32], min_cell[24], publication[24];
    const char *params[8];
    PGresult *res = NULL;
    bool in_tx = false;
    int rc;

    *publication_id = 0;
    snprintf(year, sizeof year, "%d", in->survey_year);
    snprintf(level, sizeof level, "%.17g", in->level);
    snprintf(min_cell, sizeof min_cell, "%ld", in->min_cell);
    if ((rc = db_exec(conn, "BEGIN", err)) != 0)
        goto done;
    in_tx = true;
    /* One publication at a time: a table lock that only roles allowed to
     * change publications may take (an advisory lock, which any role may
     * hold, would let a reader stall every publication). */
    if ((rc = db_exec(conn, "LOCK TABLE publications IN SHARE ROW EXCLUSIVE MODE", err)) != 0)
        goto done;
    params[0] = year;
    if ((rc = exec_params(conn, "UPDATE publications SET superseded = true"
                                " WHERE survey_year = $1::integer AND NOT superseded",
                          1, params, PGRES_COMMAND_OK, NULL, "superseding the last publication",
                          err)) != 0)
        goto done;
    params[1] = an_measure_name(in->measure);
    params[2] = an_design_method_name(in->method);
    params[3] = level;
    params[4] = min_cell;
    params[5] = in->data_as_of;
    params[6] = in->tool_version;
    params[7] = an_lonely_psu_name(in->lonely);
    if ((rc = exec_params(conn, "INSERT INTO publications (survey_year, measure, method, level,"
                                " min_cell, data_as_of, tool_version, lonely_psu) VALUES"
                                " ($1::integer, $2, $3, $4::double precision, $5::integer,"
                                " $6, $7, $8)"
                                " RETURNING publication_id",
                          8, params, PGRES_TUPLES_OK, &res, "recording the publication",
                          err)) != 0)
        goto done;
    snprintf(publication, sizeof publication, "%s", PQgetvalue(res, 0, 0));
    if ((rc = insert_table(conn, publication, "county_estimates", main, err)) != 0
        || (rc = insert_table(conn, publication, "officer_measure", officers, err)) != 0)
        goto done;
    if ((rc = db_exec(conn, "COMMIT", err)) != 0)
        goto done;
    in_tx = false;
    *publication_id = strtol(publication, NULL, 10);
done:
    if (in_tx) {
        struct prev_error ignored;
        db_exec(conn, "ROLLBACK", &ignored);
    }
    PQclear(res);
    return rc;
}
