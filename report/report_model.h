#ifndef REP_REPORT_MODEL_H
#define REP_REPORT_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "analysis.h"
#include "prev_error.h"
#include "report_sae.h"
#include "suppress.h"

/* The Council report (`prevalence report`): what may be published, and the
 * writers of report.html, tables/NAME.csv|md and estimates.json. Everything
 * here takes plain structs and writes to a FILE * it is given (a memory
 * stream in the command); the files themselves are written by
 * rep_outdir_write (outdir.h). */

/* ---- inputs ---------------------------------------------------------------- */

/* One loaded file behind the numbers (the batches table). */
struct rep_batch_info {
    long batch_id;
    char kind[16];          /* "responses" or "frame" */
    char sha256[65];
    char file_name[256];
    long row_count;
    char loaded_at[40];     /* ISO 8601, UTC */
};

#define REP_REPORT_MAX_NOTES 20
#define REP_REPORT_TREND_MAX 8     /* lines in the trend chart (its palette) */

struct rep_report_input {
    int survey_year;
    enum an_measure measure;          /* the youth-level measure of the headline */
    enum an_design_method method;
    double level;
    enum an_lonely_psu lonely;
    long min_cell;
    long protection;                  /* --protection: candidates every hidden count keeps */
    double min_coverage;              /* --min-coverage: the statewide coverage rule */
    bool has_frame;
    /* rows: the measure, counties in fips order then the state;
     * officer_rows: AN_MEASURE_OFFICER_ANY in the same order. */
    const struct an_estimate_row *rows;
    const struct an_estimate_row *officer_rows;
    size_t ncounties;
    const struct rep_batch_info *batches;
    size_t nbatches;
    char data_as_of[40];              /* latest loaded_at of the batches used */
    char generated_at[40];            /* ISO 8601, UTC */
    char tool_version[32];
    char contact[256];                /* --contact: who answers questions; "": JJSD */
    bool map_model;                   /* --map model: model-based values where the direct
                                       * estimate is not shown; default direct only */
    char git_commit[64];              /* "" when unknown */
    size_t nnotes;                    /* caveats from the estimate (no frame, lonely PSU) */
    char notes[REP_REPORT_MAX_NOTES][200];
    /* Change over time (analysis/trend.c) for the measure, every survey year
     * with responses up to survey_year; NULL when that is this year alone.
     * Its rows come per year in the order of `rows`. */
    const struct an_trend_result *trend;
    /* The trend chart's series (fips; AN_STATE_FIPS for the state), in the
     * order given with --trend-counties; none: the state and the three
     * largest counties with a published year. */
    size_t ntrend_fips;
    const char *trend_fips[REP_REPORT_TREND_MAX];
    struct rep_report_sae sae;         /* model-based estimates (report_sae.h); zero: none */
};

/* ---- the published table (publish_table.c, notes.c) ---------------------------------- */

/* Columns of tables/NAME.csv, in order; the names are a public contract
 * (docs/commands/report.md). Every cell is text as a reader sees it. */
enum rep_pub_col {
    REP_PUB_COUNTY,
    REP_PUB_FIPS,
    REP_PUB_RESPONDENTS,       /* officers who answered */
    REP_PUB_OFFICERS,          /* officers in the frame */
    REP_PUB_COVERAGE,          /* respondents / officers, percent */
    REP_PUB_YOUTH_N,           /* youth on the responding caseloads */
    REP_PUB_CASES,             /* victims (officers, for officer_any) in the sample */
    REP_PUB_ESTIMATE,          /* percent, one decimal */
    REP_PUB_CI_LOW,
    REP_PUB_CI_HIGH,
    REP_PUB_TOTAL,             /* estimated count among all youth (officers) */
    REP_PUB_TOTAL_CI_LOW,
    REP_PUB_TOTAL_CI_HIGH,
    REP_PUB_FLAG,              /* present, review, suppress, no data */
    REP_PUB_NOTES,             /* footnote keys, "a c" */
    REP_PUB_NCOLS
};

extern const char *const rep_pub_col_names[REP_PUB_NCOLS];

/* Footnote keys; each row lists those that apply to it. */
enum rep_note {
    REP_NOTE_SMALL,        /* a: a count below min_cell */
    REP_NOTE_NCHS,         /* b: suppressed by the NCHS standard */
    REP_NOTE_PROTECT,      /* c: hidden so that a small count cannot be recovered */
    REP_NOTE_REVIEW,       /* d: shown, but NCHS asks for a statistical review */
    REP_NOTE_NO_DATA,      /* e: no respondents */
    REP_NOTE_SAE_NCHS,     /* f: model-based estimate suppressed on its MSE */
    REP_NOTE_SAE_PROTECT,  /* g: model-based estimate hidden: it would give a small count away */
    REP_NOTE_SAE_REVIEW,   /* h: model-based estimate shown, flagged for review */
    REP_NOTE_N
};

struct rep_pub_row {
    char cell[REP_PUB_NCOLS][48];
    struct rep_protect_cells marks;
    bool notes[REP_NOTE_N];
    bool plotted;           /* the rate is published: forest plot and map */
    char reasons[320];      /* the NCHS rules that fired, for notes b and d */
};

struct rep_pub_table {
    enum an_measure measure;
    long min_cell;
    size_t nrows;                           /* ncounties + 1; the state last */
    struct rep_pub_row row[REP_SUPPRESS_MAX_ROWS];
    bool used[REP_NOTE_N];                   /* footnotes any row needs */
    bool has_sae;                           /* model-based columns (rep_publish_sae) */
    struct rep_pub_sae_row sae[REP_SUPPRESS_MAX_ROWS];
};

/* Protect and format rows[0 .. ncounties] (counties, then the state).
 * Returns 0, or -1 when the protection fails (an internal error). */
int rep_publish_table(const struct an_estimate_row *rows, size_t ncounties, long min_cell,
                     struct rep_pub_table *out);

/* One row's published cells from its estimate and marks (what
 * rep_publish_table prints for it). */
void rep_pub_format_row(const struct an_estimate_row *e, const struct rep_protect_cells *m,
                        long min_cell, struct rep_pub_row *r);

/* The value a figure may plot for a published percentage cell: the
 * printed number itself ("6.9" -> 0.069), so that a coordinate carries no
 * more precision than its label (figures.c). NaN for a symbol. */
double rep_printed_value(const char *cell);
/* The same for a proportion printed by rep_fmt_pct. */
double rep_printed_pct(double p);

/* Rebuild r's notes cell from r->notes (after a note was added). */
void rep_pub_row_set_notes(struct rep_pub_row *r);

/* The footnote key ("a".."h") and its text for this table. */
const char *rep_note_key(enum rep_note n);
void rep_note_text(enum rep_note n, const struct rep_pub_table *t, char *buf, size_t size);

/* The NCHS reason (nchs.c) that a hidden rate must not show. */
#define REP_REASON_EXTREME "estimate is 0 or 100%"

/* Percent with one decimal ("2.3"), the rounding every table uses. */
void rep_fmt_pct(char *buf, size_t size, double p);

/* ---- writers (report_tables.c, forest_svg.c, map_svg.c, report_html.c, report_json.c) */

/* tables/NAME.csv: the header rep_pub_col_names, one line per row, RFC 4180. */
int rep_write_table_csv(FILE *out, const struct rep_pub_table *t);
/* What a table file says of itself when it must stand alone. */
struct rep_table_about {
    int survey_year;
    double level;
};
/* The same with survey_year, measure and level columns appended (the
 * report's tables/NAME_YEAR.csv). */
int rep_write_table_csv_about(FILE *out, const struct rep_pub_table *t,
                              const struct rep_table_about *a);
/* synthetic: a first line "all,synthetic,SYNTHETIC DATA ..." (synthetic.c).
 * tables/notes_YEAR.csv: table,code,meaning for every note code the
 * tables use (names[k] is tables[k]'s file name), the flag values, the
 * level and the measures. */
int rep_write_notes_csv(FILE *out, const struct rep_pub_table *const *tables,
                        const char *const *names, size_t ntables, bool synthetic);
/* tables/tables_YEAR.xlsx (tables_xlsx.c): one sheet per CSV text given
 * (the header row bold, numbers as numbers, every other cell text), and a
 * sheet About from in. Returns 0 or an exit code. */
int rep_write_tables_xlsx(FILE *out, const struct rep_report_input *in,
                          const char *const *sheet_names, const char *const *csv_texts,
                          const size_t *csv_lens, size_t nsheets);
/* tables/NAME.md: a Markdown table with its footnotes. */
int rep_write_table_md(FILE *out, const struct rep_pub_table *t, const char *title);

/* SVG forest plot: one interval (class "ci") per plotted row, the state as
 * a dashed line, "suppressed" text for the others. */
int rep_write_forest_svg(FILE *out, const struct rep_pub_table *t,
                        const struct an_estimate_row *rows);
/* SVG choropleth of Arizona: one path (class "county") per county shape,
 * filled by the plotted estimates, hatched when hidden, grey without data,
 * with a legend. */
struct rep_map_options {
    bool model;             /* report --map model: model-based values, dotted, where
                             * the direct estimate is not shown */
    int survey_year;        /* in the title and legend; 0: not said */
    const char *what;       /* the legend's measure ("Confirmed victims"); NULL */
};
int rep_write_map_svg(FILE *out, const struct rep_pub_table *t,
                     const struct an_estimate_row *rows, const struct rep_map_options *o);

/* A round axis step (1, 2, 2.5 or 5 times a power of ten) that divides
 * 0..x (percent) into `steps` (figures.c). */
double rep_nice_step(double x, int steps);
/* Why a county's rate is not drawn, in a few words (figures.c). */
const char *rep_hidden_words(const struct rep_pub_row *r);

/* The whole self-contained page. */
int rep_write_report_html(FILE *out, const struct rep_report_input *in,
                         const struct rep_pub_table *main, const struct rep_pub_table *officers);

/* estimates.json: the estimate rows of both measures at full precision
 * (the `prevalence estimate --format json` document) plus "manifest".
 * Returns 0, 70 when the document cannot be built, 74 on a write error. */
int rep_write_estimates_json(FILE *out, const struct rep_report_input *in,
                            struct prev_error *err);

/* published.json: the two published tables, cell for cell as the CSV
 * files print them, and a manifest without file names (batches by number
 * and sha256 prefix). Returns 0, 70 or 74 with err filled. */
int rep_write_published_json(FILE *out, const struct rep_report_input *in,
                             const struct rep_pub_table *main,
                             const struct rep_pub_table *officers, struct prev_error *err);

struct rep_outfiles;

/* estimates.json alone into set, for `report --internal DIR` (analysts,
 * outside the public folder). Returns 0, or 70/74 with err filled. */
int rep_report_build_internal(const struct rep_report_input *in, struct rep_outfiles *set,
                              struct prev_error *err);

/* Every public file of the report into set (empty on entry): report.html,
 * tables/county_estimates.{csv,md}, tables/officer_measure.{csv,md},
 * published.json; only after the disclosure audit passed. Returns 0, or 70 with err filled. */
int rep_report_build(const struct rep_report_input *in, struct rep_outfiles *set,
                    struct prev_error *err);

/* The two published tables of the report (county table with its
 * model-based columns, officer table), as rep_report_build prints them;
 * `prevalence publish` stores the same. Returns 0, or 70 with err filled. */
int rep_report_tables(const struct rep_report_input *in, struct rep_pub_table *main,
                     struct rep_pub_table *officers, struct prev_error *err);

/* The disclosure audit of the two tables, the page's figures and the
 * trend (audit_report.c, disclosure_audit.h): 0 when every hidden count
 * keeps in->protection candidates, 65 naming the count and the channel
 * otherwise, 70 on an internal error. */
int rep_audit_report(const struct rep_report_input *in, struct rep_pub_table *main,
                     struct rep_pub_table *officers, struct prev_error *err);
/* Hide the statewide rate, interval and total of t (its count stays):
 * the audit's complementary suppression of the statewide ratio. */
void rep_pub_hide_state_rate(struct rep_pub_table *t);

/* ---- change over time (report_trend.c) ------------------------------------- */

/* What the page shows of the trend: every year's table published under the
 * same small-cell rule as this year's (a rate hidden in its own year stays
 * hidden in the chart and in any change), and the chart's series. */
struct rep_report_trend {
    const struct an_trend_result *trend;
    struct rep_pub_table *years;          /* trend->nyears tables, in year order */
    size_t nseries;
    const char *fips[REP_REPORT_TREND_MAX];
};

/* Fill *t from in (in->trend must not be NULL). Returns 0, or -1 when
 * memory runs out or a year cannot be protected; free with
 * rep_report_trend_free() either way. */
int rep_report_trend_prepare(const struct rep_report_input *in, struct rep_report_trend *t);
void rep_report_trend_free(struct rep_report_trend *t);
/* Hide in t what this year's main table hides beyond its own rules (a
 * statewide rate the disclosure audit hid). */
void rep_report_trend_follow(struct rep_report_trend *t, const struct rep_pub_table *main);

/* tables/change_YEAR.csv: the page's change column as a table (the same
 * cells: "-" where either year's rate is not published), with
 * significant = yes/no where the change's interval excludes zero. */
int rep_write_change_csv(FILE *out, const struct rep_pub_table *t,
                         const struct rep_report_trend *trend, const struct rep_table_about *a);

/* The "change since last survey" cell of row i of this year's table, as
 * text: "+1.2" percentage points with " ▲" or " ▼" where the
 * change's interval excludes zero, or "-" where it may not be shown
 * (either year hidden or suppressed, or no change). Sets *marked. */
void rep_report_change_cell(const struct rep_report_trend *t, size_t i, char *buf, size_t size,
                           bool *marked);

/* The trend section of the page: the chart (SVG, one line per series,
 * interval bands, gaps where a year is not published) and its caption. */
int rep_write_trend_section(FILE *out, const struct rep_report_input *in,
                           const struct rep_report_trend *t);

/* ---- synthetic data (synthetic.c) ------------------------------------------- */

/* What every page, table and workbook of a synthetic report says. */
#define REP_SYNTHETIC_BANNER "SYNTHETIC DATA \u2013 NOT REAL SURVEY RESULTS"
/* A batch whose sha256 (64 hex digits) is that of a file shipped in
 * sample-data/. */
bool rep_batch_synthetic(const char *sha256);
/* Any batch behind the report is synthetic (the rule: synthetic.c). */
bool rep_report_synthetic(const struct rep_report_input *in);

/* Text for the methods section, from the parameters the numbers used. */
const char *rep_design_method_description(enum an_design_method m);

/* Write text escaped for HTML or SVG (element text and quoted attribute
 * values): & < > " (html_text.c). */
void rep_html_text(FILE *out, const char *s);
/* A published count with thousands separators ("1,277"); other cells as
 * they are. rep_html_count escapes and prints it. */
void rep_thousands(const char *cell, char *buf, size_t size);
void rep_html_count(FILE *out, const char *cell);

#endif
