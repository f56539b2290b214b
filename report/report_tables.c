/* tables/NAME.csv and tables/NAME.md: the published table for people who paste
 * into documents. Same cells as the HTML page (report_model.c). */
#include "report_model.h"
#include "csv_out.h"

#include <string.h>


/* The columns a stand-alone table adds after all others (appended, so
 * the contract's positions hold): which year, measure and level. */
static const char *const standalone_cols[] = {"survey_year", "measure", "level"};

static int write_csv(FILE *out, const struct rep_pub_table *t, const struct rep_table_about *a)
{
    char year[16] = "", level[16] = "";

    if (a != NULL) {
        snprintf(year, sizeof year, "%d", a->survey_year);
        snprintf(level, sizeof level, "%g", a->level);
    }
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
    for (size_t c = 0; a != NULL && c < sizeof standalone_cols / sizeof *standalone_cols; c++) {
        fputc(',', out);
        prev_csv_field(out, standalone_cols[c]);
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
        if (a != NULL) {
            fprintf(out, ",%s,", year);
            prev_csv_field(out, an_measure_name(t->measure));
            fprintf(out, ",%s", level);
        }
        fputs("\r\n", out);
    }
    return ferror(out) ? PREV_EX_IOERR : 0;
}

int rep_write_table_csv(FILE *out, const struct rep_pub_table *t)
{
    return write_csv(out, t, NULL);
}

int rep_write_table_csv_about(FILE *out, const struct rep_pub_table *t,
                              const struct rep_table_about *a)
{
    return write_csv(out, t, a);
}

/* What each flag value means, for readers of the files alone. */
static const char *const flag_words[][2] = {
    {"present", "reliable: shown without reservation under the NCHS standard"},
    {"review", "shown, use with caution: the NCHS standard asks for a statistical review"},
    {"suppress", "not shown: too few responses or too wide an interval (NCHS standard)"},
    {"hidden", "not shown: small-count protection (a count below the threshold, or one "
               "that would give such a count back)"},
    {"no data", "no officer in the county answered this year"},
};

int rep_write_notes_csv(FILE *out, const struct rep_pub_table *const *tables,
                        const char *const *names, size_t ntables, bool synthetic)
{
    char text[600];

    fputs("table,code,meaning\r\n", out);
    if (synthetic)
        fputs("all,synthetic,\"" REP_SYNTHETIC_BANNER ": the files behind these tables are "
              "the synthetic sample data shipped with prevalence (sample-data/)\"\r\n", out);
    for (size_t k = 0; k < ntables; k++) {
        const struct rep_pub_table *t = tables[k];
        for (int n = 0; n < REP_NOTE_N; n++) {
            if (!t->used[n])
                continue;
            rep_note_text((enum rep_note)n, t, text, sizeof text);
            prev_csv_field(out, names[k]);
            fputc(',', out);
            prev_csv_field(out, rep_note_key((enum rep_note)n));
            fputc(',', out);
            prev_csv_field(out, text);
            fputs("\r\n", out);
        }
    }
    for (size_t i = 0; i < sizeof flag_words / sizeof *flag_words; i++) {
        char code[40];
        snprintf(code, sizeof code, "flag=%s", flag_words[i][0]);
        fputs("all,", out);
        prev_csv_field(out, code);
        fputc(',', out);
        prev_csv_field(out, flag_words[i][1]);
        fputs("\r\n", out);
    }
    fputs("all,level,\"the confidence level of every interval (0.95: 95%)\"\r\n", out);
    fputs("all,measure,\"confirmed: share of youth on probation who are confirmed victims; any: "
          "confirmed or suspected victims; officer_any: share of officers with at least "
          "one confirmed victim on their caseload\"\r\n", out);
    return ferror(out) ? PREV_EX_IOERR : 0;
}

int rep_write_change_csv(FILE *out, const struct rep_pub_table *t,
                         const struct rep_report_trend *trend, const struct rep_table_about *a)
{
    const struct an_trend_result *tr = trend->trend;
    int from = tr->years[tr->nyears - 2];

    fputs("county,fips,from_year,survey_year,measure,level,change_pp,significant\r\n", out);
    for (size_t i = 0; i < t->nrows; i++) {
        char cell[32], *mark;
        bool marked;
        /* the page's cell: "-" where either year's rate is not published */
        rep_report_change_cell(trend, i, cell, sizeof cell, &marked);
        if ((mark = strchr(cell, ' ')) != NULL)
            *mark = '\0';
        prev_csv_field(out, t->row[i].cell[REP_PUB_COUNTY]);
        fputc(',', out);
        prev_csv_field(out, t->row[i].cell[REP_PUB_FIPS]);
        fprintf(out, ",%d,%d,", from, a->survey_year);
        prev_csv_field(out, an_measure_name(t->measure));
        fprintf(out, ",%g,%s,%s\r\n", a->level, cell,
                strcmp(cell, "-") == 0 ? "" : marked ? "yes" : "no");
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
