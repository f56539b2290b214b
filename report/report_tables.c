/* tables/NAME.csv and tables/NAME.md: the published table for people who paste
 * into documents. Same cells as the HTML page (report_model.c). */
#include "report_model.h"
#include "csv_out.h"

#include <string.h>


int rep_write_table_csv(FILE *out, const struct rep_pub_table *t)
{
    for (int c = 0; c < REP_PUB_NCOLS; c++) {
        fputs(c > 0 ? "," : "", out);
        prev_csv_field(out, rep_pub_col_names[c]);
    }
    /* The model-based columns come after the others: appended, never
     * inserted, so the contract's positions hold. */
    for (int c = 0; t->has_sae && c < REP_PUB_SAE_NCOLS; c++) {
        fputc(',', out);
        prev_csv_field(out, rep_pub_sae_col_names[c]);
    }
    fputs("\r\n", out);
    for (size_t i = 0; i < t->nrows; i++) {
        for (int c = 0; c < REP_PUB_NCOLS; c++) {
            fputs(c > 0 ? "," : "", out);
            prev_csv_field(out, t->row[i].cell[c]);
        }
        for (int c = 0; t->has_sae && c < REP_PUB_SAE_NCOLS; c++) {
            fputc(',', out);
            prev_csv_field(out, t->sae[i].cell[c]);
        }
        fputs("\r\n", out);
    }
    return ferror(out) ? PREV_EX_IOERR : 0;
}

/* Markdown needs "|" and a leading "<" or "*" escaped to stay literal. */
static void md_cell(FILE *out, const char *s)
{
    for (; *s != '\0'; s++) {
        if (*s == '|' || *s == '*' || *s == '<' || *s == '_' || *s == '\\')
            fputc('\\', out);
        fputc(*s, out);
    }
}

/* Model-based column k of a table, in the lists below. */
#define MD_SAE(k) ((int)REP_PUB_NCOLS + (k))

static const char *md_value(const struct rep_pub_table *t, size_t i, int col)
{
    return col < REP_PUB_NCOLS ? t->row[i].cell[col] : t->sae[i].cell[col - REP_PUB_NCOLS];
}

int rep_write_table_md(FILE *out, const struct rep_pub_table *t, const char *title)
{
    bool officers = t->measure == AN_MEASURE_OFFICER_ANY;
    /* The model-based columns (if any) follow the direct estimate. */
    static const int youth_cols[] = {
        REP_PUB_COUNTY, REP_PUB_RESPONDENTS, REP_PUB_OFFICERS, REP_PUB_COVERAGE, REP_PUB_YOUTH_N,
        REP_PUB_CASES, REP_PUB_ESTIMATE, REP_PUB_CI_LOW, REP_PUB_CI_HIGH,
        MD_SAE(REP_PUB_SAE_ESTIMATE), MD_SAE(REP_PUB_SAE_CI_LOW), MD_SAE(REP_PUB_SAE_CI_HIGH),
        MD_SAE(REP_PUB_SAE_FLAG), REP_PUB_TOTAL,
        REP_PUB_TOTAL_CI_LOW, REP_PUB_TOTAL_CI_HIGH, REP_PUB_FLAG, REP_PUB_NOTES,
    };
    static const int officer_cols[] = {
        REP_PUB_COUNTY, REP_PUB_RESPONDENTS, REP_PUB_OFFICERS, REP_PUB_COVERAGE, REP_PUB_CASES,
        REP_PUB_ESTIMATE, REP_PUB_CI_LOW, REP_PUB_CI_HIGH, REP_PUB_TOTAL, REP_PUB_TOTAL_CI_LOW,
        REP_PUB_TOTAL_CI_HIGH, REP_PUB_FLAG, REP_PUB_NOTES,
    };
    static const char *const youth_heads[] = {
        "County", "Respondents", "Officers", "Coverage %", "Youth on responding caseloads",
        "Victims identified", "Estimate %", "95% CI low %", "95% CI high %",
        "Model-based estimate %", "Model-based 95% CI low %", "Model-based 95% CI high %",
        "Model-based reliability",
        "Estimated victims", "CI low", "CI high", "Reliability", "Notes",
    };
    static const char *const officer_heads[] = {
        "County", "Respondents", "Officers", "Coverage %",
        "Officers with a confirmed victim", "Share %", "95% CI low %", "95% CI high %",
        "Estimated officers", "CI low", "CI high", "Reliability", "Notes",
    };
    const int *cols = officers ? officer_cols : youth_cols;
    const char *const *heads = officers ? officer_heads : youth_heads;
    size_t ncols = officers ? sizeof officer_cols / sizeof officer_cols[0]
                            : sizeof youth_cols / sizeof youth_cols[0];
    char text[600];

    fprintf(out, "## %s\n\n|", title);
    for (size_t c = 0; c < ncols; c++)
        if (cols[c] < REP_PUB_NCOLS || t->has_sae)
            fprintf(out, " %s |", heads[c]);
    fputs("\n|", out);
    for (size_t c = 0; c < ncols; c++)
        if (cols[c] < REP_PUB_NCOLS || t->has_sae)
            fputs(c == 0 ? " --- |" : " ---: |", out);
    fputc('\n', out);
    for (size_t i = 0; i < t->nrows; i++) {
        fputc('|', out);
        for (size_t c = 0; c < ncols; c++) {
            if (cols[c] >= REP_PUB_NCOLS && !t->has_sae)
                continue;
            fputc(' ', out);
            md_cell(out, md_value(t, i, cols[c]));
            fputs(" |", out);
        }
        fputc('\n', out);
    }
    fputc('\n', out);
    for (int n = 0; n < REP_NOTE_N; n++) {
        if (!t->used[n])
            continue;
        rep_note_text((enum rep_note)n, t, text, sizeof text);
        fprintf(out, "- (%s) ", rep_note_key((enum rep_note)n));
        md_cell(out, text);
        fputc('\n', out);
    }
    for (size_t i = 0; i < t->nrows; i++) {
        if (t->row[i].reasons[0] == '\0')
            continue;
        fprintf(out, "- ");
        md_cell(out, t->row[i].cell[REP_PUB_COUNTY]);
        fprintf(out, " (%s): ", rep_note_key(t->row[i].notes[REP_NOTE_NCHS] ? REP_NOTE_NCHS
                                                                            : REP_NOTE_REVIEW));
        md_cell(out, t->row[i].reasons);
        fputc('\n', out);
    }
    for (size_t i = 0; t->has_sae && i < t->nrows; i++) {
        if (t->sae[i].reasons[0] == '\0')
            continue;
        fprintf(out, "- ");
        md_cell(out, t->row[i].cell[REP_PUB_COUNTY]);
        fprintf(out, ", model-based (%s): ",
                rep_note_key(t->sae[i].shown == REP_SAE_SHOWN ? REP_NOTE_SAE_REVIEW
                                                             : REP_NOTE_SAE_NCHS));
        md_cell(out, t->sae[i].reasons);
        fputc('\n', out);
    }
    return ferror(out) ? PREV_EX_IOERR : 0;
}
