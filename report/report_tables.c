/* tables/NAME.csv and tables/NAME.md: the published table for people who paste
 * into documents. Same cells as the HTML page (report_model.c). */
#include "report_model.h"
#include "csv_out.h"

#include <string.h>


int an_write_table_csv(FILE *out, const struct an_pub_table *t)
{
    for (int c = 0; c < AN_PUB_NCOLS; c++) {
        fputs(c > 0 ? "," : "", out);
        prev_csv_field(out, an_pub_col_names[c]);
    }
    /* The model-based columns come after the others: appended, never
     * inserted, so the contract's positions hold. */
    for (int c = 0; t->has_sae && c < AN_PUB_SAE_NCOLS; c++) {
        fputc(',', out);
        prev_csv_field(out, an_pub_sae_col_names[c]);
    }
    fputs("\r\n", out);
    for (size_t i = 0; i < t->nrows; i++) {
        for (int c = 0; c < AN_PUB_NCOLS; c++) {
            fputs(c > 0 ? "," : "", out);
            prev_csv_field(out, t->row[i].cell[c]);
        }
        for (int c = 0; t->has_sae && c < AN_PUB_SAE_NCOLS; c++) {
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
#define MD_SAE(k) ((int)AN_PUB_NCOLS + (k))

static const char *md_value(const struct an_pub_table *t, size_t i, int col)
{
    return col < AN_PUB_NCOLS ? t->row[i].cell[col] : t->sae[i].cell[col - AN_PUB_NCOLS];
}

int an_write_table_md(FILE *out, const struct an_pub_table *t, const char *title)
{
    bool officers = t->measure == AN_MEASURE_OFFICER_ANY;
    /* The model-based columns (if any) follow the direct estimate. */
    static const int youth_cols[] = {
        AN_PUB_COUNTY, AN_PUB_RESPONDENTS, AN_PUB_OFFICERS, AN_PUB_COVERAGE, AN_PUB_YOUTH_N,
        AN_PUB_CASES, AN_PUB_ESTIMATE, AN_PUB_CI_LOW, AN_PUB_CI_HIGH,
        MD_SAE(AN_PUB_SAE_ESTIMATE), MD_SAE(AN_PUB_SAE_CI_LOW), MD_SAE(AN_PUB_SAE_CI_HIGH),
        MD_SAE(AN_PUB_SAE_FLAG), AN_PUB_TOTAL,
        AN_PUB_TOTAL_CI_LOW, AN_PUB_TOTAL_CI_HIGH, AN_PUB_FLAG, AN_PUB_NOTES,
    };
    static const int officer_cols[] = {
        AN_PUB_COUNTY, AN_PUB_RESPONDENTS, AN_PUB_OFFICERS, AN_PUB_COVERAGE, AN_PUB_CASES,
        AN_PUB_ESTIMATE, AN_PUB_CI_LOW, AN_PUB_CI_HIGH, AN_PUB_TOTAL, AN_PUB_TOTAL_CI_LOW,
        AN_PUB_TOTAL_CI_HIGH, AN_PUB_FLAG, AN_PUB_NOTES,
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
        if (cols[c] < AN_PUB_NCOLS || t->has_sae)
            fprintf(out, " %s |", heads[c]);
    fputs("\n|", out);
    for (size_t c = 0; c < ncols; c++)
        if (cols[c] < AN_PUB_NCOLS || t->has_sae)
            fputs(c == 0 ? " --- |" : " ---: |", out);
    fputc('\n', out);
    for (size_t i = 0; i < t->nrows; i++) {
        fputc('|', out);
        for (size_t c = 0; c < ncols; c++) {
            if (cols[c] >= AN_PUB_NCOLS && !t->has_sae)
                continue;
            fputc(' ', out);
            md_cell(out, md_value(t, i, cols[c]));
            fputs(" |", out);
        }
        fputc('\n', out);
    }
    fputc('\n', out);
    for (int n = 0; n < AN_NOTE_N; n++) {
        if (!t->used[n])
            continue;
        an_note_text((enum an_note)n, t, text, sizeof text);
        fprintf(out, "- (%s) ", an_note_key((enum an_note)n));
        md_cell(out, text);
        fputc('\n', out);
    }
    for (size_t i = 0; i < t->nrows; i++) {
        if (t->row[i].reasons[0] == '\0')
            continue;
        fprintf(out, "- ");
        md_cell(out, t->row[i].cell[AN_PUB_COUNTY]);
        fprintf(out, " (%s): ", an_note_key(t->row[i].notes[AN_NOTE_NCHS] ? AN_NOTE_NCHS
                                                                            : AN_NOTE_REVIEW));
        md_cell(out, t->row[i].reasons);
        fputc('\n', out);
    }
    for (size_t i = 0; t->has_sae && i < t->nrows; i++) {
        if (t->sae[i].reasons[0] == '\0')
            continue;
        fprintf(out, "- ");
        md_cell(out, t->row[i].cell[AN_PUB_COUNTY]);
        fprintf(out, ", model-based (%s): ",
                an_note_key(t->sae[i].shown == AN_SAE_SHOWN ? AN_NOTE_SAE_REVIEW
                                                             : AN_NOTE_SAE_NCHS));
        md_cell(out, t->sae[i].reasons);
        fputc('\n', out);
    }
    return ferror(out) ? PREV_EX_IOERR : 0;
}
