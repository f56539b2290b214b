#ifndef PREV_SYNTH_H
#define PREV_SYNTH_H

/* Synthetic caseload-survey data (codebook v1): a deterministic generator
 * for sample data, tests and benchmarks. Nothing here describes a real
 * person, officer or youth.
 *
 * Byte stability: every decision is made in integer arithmetic on the
 * 32-bit output of GSL's mt19937, whose sequence is fixed by its seed on
 * every machine. No floating point (and so no libm rounding, FMA or x87
 * difference) ever reaches an output value. */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "prev_error.h"

#define SYN_NCOUNTIES 15
#define SYN_YEAR_MIN 2000
#define SYN_YEAR_MAX 2100
/* --scale bounds that the command accepts; the library accepts any total
 * from SYN_NCOUNTIES up (every county keeps one respondent). */
#define SYN_SCALE_MIN 10000L
#define SYN_SCALE_MAX 10000000L

/* One Arizona county and its design parameters (synth/counties.c). */
struct syn_county {
    const char *fips;        /* "04013" */
    const char *name;        /* "Maricopa", as written in the files */
    const char *slug;        /* "maricopa", "la-paz": file names */
    const char *code;        /* "MAR": respondent_id prefix */
    long youth_pop;          /* residents under 18, 2020 Census */
    int min_officers;        /* a department never has fewer */
    int response_pct;        /* design response rate, 50..100 */
    int response_jitter;     /* +- percentage points from year to year */
    long confirmed_ppm;      /* confirmed victims per million youth, 2024 */
};

extern const struct syn_county syn_counties[SYN_NCOUNTIES];

/* Index into syn_counties of a name, slug or FIPS code; -1 if none. */
int syn_county_index(const char *key);

/* The plan for one county in one year: how many officers the department
 * has, how many answer, and the rates their caseloads are drawn with. */
struct syn_county_plan {
    const struct syn_county *county;
    long officers_total;
    long respondents;         /* 1 <= respondents <= officers_total */
    long youth_target;        /* youth the department was sized for */
    /* A department too small for the usual role mix (fewer than 25 youth
     * per officer): every officer is a probation officer carrying
     * caseload_lo..caseload_hi. Both 0 for the usual mix. */
    long caseload_lo, caseload_hi;
    uint32_t confirmed_ppm;   /* this year's rate (county rate x drift) */
    uint32_t suspected_ppm;
};

struct syn_year_plan {
    uint64_t seed;
    int year;
    long scale;               /* 0: base design; else respondent rows */
    long youth_target;        /* statewide youth on probation aimed for */
    struct syn_county_plan county[SYN_NCOUNTIES];
};

/* Plan a survey year. scale 0 gives the base design (about 170 officers,
 * 120-130 respondents); scale >= SYN_NCOUNTIES gives exactly that many
 * respondents, spread over the counties in the base design's proportions,
 * with officers_total scaled alike so every response rate is kept.
 * Errors: 64 for a year outside 2000..2100 or a scale below 15. */
int syn_plan_year(uint64_t seed, int year, long scale, struct syn_year_plan *plan,
                  struct prev_error *err);

/* One generated survey response (codebook v1 responses row). */
struct syn_row {
    int survey_year;
    const struct syn_county *county;
    char respondent_id[32];   /* "MAR-2025-0042" */
    const char *role;         /* probation_officer, supervisor, other */
    long caseload, confirmed, suspected;
};

/* What one county's roster added up to. youth_total counts every
 * officer's caseload, answering or not: it is the frame's youth_total. */
struct syn_county_totals {
    long officers_total;
    long respondents;
    long long youth_total;
    long long caseload;       /* respondents only, as below */
    long long confirmed;
    long long suspected;
    long long with_confirmed; /* respondents with at least one confirmed */
};

/* Walk the county's roster of officers_total officers in order, drawing
 * each officer's role and caseload, and pick exactly `respondents` of them
 * by selection sampling (Knuth, TAOCP vol. 2, 3.4.2, Algorithm S) so that
 * memory stays constant at any scale. emit is called once per respondent,
 * in roster order; a nonzero return from it stops the walk and is
 * returned as is (the caller has filled err). totals may be NULL. */
int syn_generate_county(const struct syn_year_plan *plan, int idx,
                        int (*emit)(void *ctx, const struct syn_row *row), void *ctx,
                        struct syn_county_totals *totals, struct prev_error *err);

/* ---- CSV (synth/csv_out.c) ------------------------------------------------ */

extern const char syn_responses_header[];   /* with its "\n" */
extern const char syn_frame_header[];

/* Write one county's responses rows to fp (no header). A failed write
 * stops the generation and comes back as 74 with `where` (the file's
 * name) in err. */
int syn_write_county_rows(FILE *fp, const char *where, const struct syn_year_plan *plan,
                          int idx, struct syn_county_totals *totals, struct prev_error *err);

/* Write the frame (header and one row per county, FIPS order). */
void syn_write_frame(FILE *fp, const struct syn_year_plan *plan,
                     const struct syn_county_totals totals[SYN_NCOUNTIES]);

/* ---- files (synth/output.c) ----------------------------------------------- */

struct syn_year_summary {
    int files;                /* files written, frame included */
    long long officers_total;
    long long respondents;
    long long youth_total;
    long long caseload;
    long long confirmed;
    long long with_confirmed;
};

/* Write out_dir/<year>/responses-<slug>.csv for every county (or one
 * out_dir/<year>/responses.csv with single_file) and out_dir/<year>/frame.csv,
 * creating the folders. Each file is written whole or not at all (temporary
 * file, then rename). sum may be NULL.
 * Errors: 73 cannot create a folder or file, 74 write failed, 70 internal. */
int syn_write_year(const char *out_dir, const struct syn_year_plan *plan, bool single_file,
                   struct syn_year_summary *sum, struct prev_error *err);

#endif
