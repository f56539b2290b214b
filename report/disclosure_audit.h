#ifndef REP_DISCLOSURE_AUDIT_H
#define REP_DISCLOSURE_AUDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "suppress.h"   /* REP_PROTECTION_DEFAULT */

/* The disclosure audit (docs/methods.md, "Disclosure audit"; threat model
 * in docs/security.md). Pure: plain structs in, a verdict out; no
 * database, no files.
 *
 * It plays a reader of everything a publication shows. The unknowns are
 * the hidden counts. Each has the set of values its own row allows (its
 * symbol and published denominator, and, where the row is a function of
 * the count alone, every published cell of the row recomputed for that
 * value by the caller). The rows are tied together by linear relations
 * the reader can write from published numbers (a total over counties, the
 * statewide ratio of weighted sums bounded by its printed precision), each
 * lo <= sum(coef * x) <= hi. The audit solves these exactly as an integer
 * program (GLPK) and, for every protected unknown, looks for `protection`
 * distinct values that satisfy all of it. */


#define REP_AUDIT_MAX_VARS 200
#define REP_AUDIT_MAX_TERMS REP_AUDIT_MAX_VARS

struct rep_audit_var {
    char name[96];          /* "county table, Pinal" */
    long truth;             /* the value (the audit knows it; a reader does not) */
    long lo, hi;            /* what the symbol and the denominator allow */
    /* The values of lo..hi under which the row's other published cells
     * come out the same, sorted; NULL: all of lo..hi. Borrowed. */
    const long *allowed;
    size_t nallowed;
    char row_channel[160];  /* what filtered `allowed` ("its flag and interval") */
    long prior_hi;          /* a reader knows 0..prior_hi from denominators alone */
    bool protect;           /* must keep the protection (a small or hidden-0 count) */
};

struct rep_audit_relation {
    char channel[160];      /* "the statewide estimate (rate 6.9%, total 333)" */
    size_t n;
    size_t var[REP_AUDIT_MAX_TERMS];
    double coef[REP_AUDIT_MAX_TERMS];
    double lo, hi;
};

struct rep_audit_problem {
    long min_cell;
    long protection;        /* candidates each protected count keeps, >= 2 */
    size_t nvars, nrel;
    const struct rep_audit_var *vars;
    const struct rep_audit_relation *rel;
};

struct rep_audit_finding {
    bool safe;
    size_t var;             /* the first unknown that is not protected */
    size_t nfound;          /* how many values it can take (up to protection) */
    long values[8];         /* the first of them */
    char channel[200];      /* what narrowed it */
    long rel;               /* the relation that did (index), or -1: the row itself */
};

/* Audit p. Returns 0 with f->safe set, or -1 when the problem is malformed
 * or a relation does not hold for the true values (the caller's model of
 * the publication is wrong: an internal error, never a pass). */
int rep_audit_run(const struct rep_audit_problem *p, struct rep_audit_finding *f);

/* The values of unknown v feasible under the first `nrel` relations and
 * (when use_rows) the rows' own sets, up to `max` of them, ascending,
 * into out. Returns how many (0..max), -1 on a solver failure, -2 when one
 * integer program was not decided within its time limit (2 s): the audit
 * then counts the unknown as not protected. */
int rep_audit_feasible(const struct rep_audit_problem *p, size_t v, size_t nrel, bool use_rows,
                       long *out, size_t max);

#endif
