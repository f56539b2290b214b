/* Codebook v1 CSV for generated data: plain ASCII, LF line ends, no
 * quoting (no generated value holds a comma, quote or newline). */
#include <errno.h>
#include <string.h>

#include "synth.h"

const char syn_responses_header[] =
    "survey_year,county,respondent_id,role,caseload,confirmed,suspected\n";
const char syn_frame_header[] = "survey_year,county,officers_total,youth_total\n";

struct csv_sink {
    FILE *fp;
    const char *where;
    struct prev_error *err;
};

static int emit_csv(void *ctx, const struct syn_row *row)
{
    struct csv_sink *sink = ctx;

    fprintf(sink->fp, "%d,%s,%s,%s,%ld,%ld,%ld\n", row->survey_year, row->county->name,
            row->respondent_id, row->role, row->caseload, row->confirmed, row->suspected);
    /* Stop at the first failed write, so that a huge --scale run does not
     * keep generating rows into a full disk. */
    if (ferror(sink->fp))
        return prev_fail(sink->err, PREV_EX_IOERR, sink->where, "cannot write: %s",
                         strerror(errno != 0 ? errno : EIO));
    return 0;
}

int syn_write_county_rows(FILE *fp, const char *where, const struct syn_year_plan *plan,
                          int idx, struct syn_county_totals *totals, struct prev_error *err)
{
    struct csv_sink sink = {fp, where, err};

    return syn_generate_county(plan, idx, emit_csv, &sink, totals, err);
}

void syn_write_frame(FILE *fp, const struct syn_year_plan *plan,
                     const struct syn_county_totals totals[SYN_NCOUNTIES])
{
    fputs(syn_frame_header, fp);
    for (int i = 0; i < SYN_NCOUNTIES; i++)
        fprintf(fp, "%d,%s,%ld,%lld\n", plan->year, syn_counties[i].name,
                totals[i].officers_total, totals[i].youth_total);
}
