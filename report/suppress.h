#ifndef REP_SUPPRESS_H
#define REP_SUPPRESS_H

#include <stdbool.h>
#include <stddef.h>

#include "analysis.h"

/* Small-cell protection for published tables (docs/methods.md,
 * "Small-cell protection"). Pure: plain structs in, cell marks out.
 *
 * A table is a column of counties plus the state. Each row publishes a
 * block of numbers about victims: the count found in the sample (cases),
 * the estimated count among all youth on probation (total), and the
 * prevalence with its interval (rate). The rate of a county is its cases
 * over its caseloads (one stratum, equal weights), so a rate is as
 * revealing as the count: the block is shown or hidden as a whole.
 *
 * The guarantee: no count of victims from 1 to min_cell - 1 can be derived
 * from what is published, whether read directly, from a rate times a
 * published denominator, or by subtracting the published counties from
 * the state (counts are additive; estimated totals nearly so). */

#define REP_MIN_CELL_DEFAULT 10
/* Candidates every hidden count keeps for a reader (--protection;
 * the disclosure audit, disclosure_audit.h). */
#define REP_PROTECTION_DEFAULT 3
/* Counties plus the state; Arizona has 15 counties. */
#define REP_SUPPRESS_MAX_ROWS 80

enum rep_mark {
    REP_MARK_SHOW,         /* the value is published */
    REP_MARK_SMALL,        /* a count from 1 to min_cell - 1: "<10" */
    REP_MARK_NCHS,         /* unreliable by the NCHS standard: "*" */
    REP_MARK_PROTECT,      /* hidden so that a small count cannot be recovered: "x" */
    REP_MARK_NA            /* nothing to show: no respondents, or no frame */
};

/* One row of the table, county or state, as the protection needs it. */
struct rep_protect_row {
    bool has_data;        /* respondents > 0 */
    long cases;           /* victims (or officers with one) in the sample */
    bool has_total;       /* the frame gives an estimated total */
    double total;         /* estimated count among all youth (or officers) */
    enum an_flag flag;    /* NCHS flag of the rate */
    /* The count's published denominator (youth on the responding caseloads,
     * or respondents for the officer measure). Below min_cell a hidden
     * "<10" could only mean 1..denominator, so a 0 there reads "<10" too:
     * zero and non-zero are hidden alike. 0: unknown (no such rule). */
    long denominator;
};

/* Why a row's block is hidden. */
enum rep_hide_reason {
    REP_HIDE_NONE,
    REP_HIDE_SMALL,        /* its own count or total is small */
    REP_HIDE_NCHS,         /* its rate is flagged suppress */
    REP_HIDE_COMPLEMENT    /* chosen to protect a small cell elsewhere */
};

struct rep_protect_cells {
    enum rep_hide_reason hidden;
    enum rep_mark cases, total, rate;   /* rate: the estimate and its interval */
};

/* The published value of an estimated count: rounded half away from zero,
 * as every table shows it. */
long rep_round_count(double x);

/* Whether a published count must read "<min_cell": 1 <= v < min_cell. */
bool rep_is_small(long v, long min_cell);

/* Decide what each row may publish. rows[0 .. ncounties-1] are the
 * counties, rows[ncounties] the state. min_cell >= 1 (1 turns the
 * small-count rule off; complementary suppression still protects NCHS
 * cells). out has ncounties + 1 entries.
 *
 * Primary suppression hides rows with a small count or total, and rows
 * whose rate NCHS suppresses. Complementary suppression then hides the
 * smallest further counties (the state only as a last resort) until, for
 * the cases and for the totals alike, every hidden cell could take at
 * least two values given everything published, and the hidden counties
 * together do not add up to a small count. When every county and the
 * state are hidden and a hidden 0 or large count can still be pinned
 * down (a "*" beside a small state total can only be 0), the table is
 * accepted as long as no small count can.
 * Returns 0, or -1 on invalid arguments or when no choice of cells
 * protects the small counts (which the rules above cannot produce; a
 * caller treats it as an internal error). */
int rep_protect_table(const struct rep_protect_row *rows, size_t ncounties, long min_cell,
                     struct rep_protect_cells *out);

/* Whether a row with this count and denominator hides its count as
 * "<min_cell": a small count, or a 0 whose denominator is below min_cell. */
bool rep_hides_small(long v, long denominator, long min_cell);

/* The marks of a row hidden for `why` (REP_HIDE_NONE: shown), as
 * rep_protect_table gives them; the disclosure audit recomputes a hidden
 * row's cells for other counts with it. */
void rep_protect_marks(const struct rep_protect_row *r, enum rep_hide_reason why, long min_cell,
                       struct rep_protect_cells *c);

/* The symbol a table prints for a hidden cell ("<10" for min_cell 10). */
const char *rep_mark_symbol(enum rep_mark m, long min_cell, char *buf, size_t size);

#endif
