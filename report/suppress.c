/* Small-cell protection: primary and complementary suppression over a
 * column of counties and their state total (docs/methods.md,
 * "Small-cell protection").
 *
 * The safety check plays the attacker. Each published table states one
 * linear relation per quantity: the counties add up to the state. A reader
 * knows every published cell and, for each hidden cell, the set of values
 * its symbol allows ("<10" means 1..9, "x" 10 or more, "*" 0 or 10 or
 * more). For each hidden cell we compute every value it could take that is
 * consistent with the relation and the other cells' sets; exactly one
 * such value means the cell can be recovered. Value sets are unions of
 * integer intervals, so the check is exact and takes microseconds. */
#include "suppress.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Larger than any count of victims; sums saturate here. */
#define IV_INF (1L << 40)
#define IV_MAX 64

struct ivset {
    int n;
    long lo[IV_MAX], hi[IV_MAX];   /* inclusive, sorted, disjoint after merge */
};

static long sat(long x)
{
    return x > IV_INF ? IV_INF : (x < -IV_INF ? -IV_INF : x);
}

static void iv_single(struct ivset *s, long lo, long hi)
{
    s->n = 1;
    s->lo[0] = lo;
    s->hi[0] = hi;
}

static int iv_cmp(const void *a, const void *b)
{
    const long *x = a, *y = b;
    return (x[0] > y[0]) - (x[0] < y[0]);
}

/* Sort and merge touching intervals ([1,3] and [4,9] are [1,9]). */
static void iv_normalize(struct ivset *s)
{
    long pairs[IV_MAX][2];
    int n = 0;

    for (int i = 0; i < s->n; i++) {
        pairs[i][0] = s->lo[i];
        pairs[i][1] = s->hi[i];
    }
    qsort(pairs, (size_t)s->n, sizeof pairs[0], iv_cmp);
    for (int i = 0; i < s->n; i++) {
        if (n > 0 && pairs[i][0] <= s->hi[n - 1] + 1) {
            if (pairs[i][1] > s->hi[n - 1])
                s->hi[n - 1] = pairs[i][1];
        } else {
            s->lo[n] = pairs[i][0];
            s->hi[n] = pairs[i][1];
            n++;
        }
    }
    s->n = n;
}

/* a + sign*b, element by element (Minkowski sum). The sets stay small:
 * every domain is at most two intervals and long ones absorb the rest.
 * Returns -1 if the result would not fit (it cannot with our domains). */
static int iv_add(struct ivset *a, const struct ivset *b, int sign)
{
    struct ivset r = {0};

    for (int i = 0; i < a->n; i++)
        for (int j = 0; j < b->n; j++) {
            long blo = sign > 0 ? b->lo[j] : -b->hi[j];
            long bhi = sign > 0 ? b->hi[j] : -b->lo[j];
            if (r.n == IV_MAX) {
                iv_normalize(&r);
                if (r.n == IV_MAX)
                    return -1;
            }
            r.lo[r.n] = sat(a->lo[i] + blo);
            r.hi[r.n] = sat(a->hi[i] + bhi);
            r.n++;
        }
    iv_normalize(&r);
    *a = r;
    return 0;
}

/* How many integers lie in both sets, stopping at 2. */
static int iv_common(const struct ivset *a, const struct ivset *b)
{
    long count = 0;

    for (int i = 0; i < a->n; i++)
        for (int j = 0; j < b->n; j++) {
            long lo = a->lo[i] > b->lo[j] ? a->lo[i] : b->lo[j];
            long hi = a->hi[i] < b->hi[j] ? a->hi[i] : b->hi[j];
            if (hi >= lo)
                count += hi - lo + 1;
            if (count >= 2)
                return 2;
        }
    return (int)count;
}

long rep_round_count(double x)
{
    return (long)lround(x);
}

bool rep_is_small(long v, long min_cell)
{
    return v >= 1 && v < min_cell;
}

const char *rep_mark_symbol(enum rep_mark m, long min_cell, char *buf, size_t size)
{
    switch (m) {
    case REP_MARK_SMALL:
        snprintf(buf, size, "<%ld", min_cell);
        return buf;
    case REP_MARK_NCHS:
        return "*";
    case REP_MARK_PROTECT:
        return "x";
    case REP_MARK_NA:
        return "-";
    case REP_MARK_SHOW:
        break;
    }
    return "";
}

bool rep_hides_small(long v, long denominator, long min_cell)
{
    return rep_is_small(v, min_cell) || (v == 0 && denominator > 0 && denominator < min_cell);
}

/* The marks that follow from a row's hide reason. A hidden count reads
 * "<10" whenever it is small, whatever hid the row: so "*" and "x" never
 * stand for 1..9, which is what lets the attacker model below be exact.
 * "*" is kept for rows NCHS alone hides (a count of 0 or min_cell or
 * more); a row hidden for a small count or as a complement reads "x"
 * whatever its NCHS flag, since that flag is a function of the count. */
static void marks_for(const struct rep_protect_row *r, enum rep_hide_reason why, long min_cell,
                      struct rep_protect_cells *c)
{
    enum rep_mark hidden_kind = why == REP_HIDE_NCHS ? REP_MARK_NCHS : REP_MARK_PROTECT;

    c->hidden = why;
    if (!r->has_data) {
        c->cases = c->total = c->rate = REP_MARK_NA;
        return;
    }
    if (why == REP_HIDE_NONE) {
        c->cases = c->rate = REP_MARK_SHOW;
        c->total = r->has_total ? REP_MARK_SHOW : REP_MARK_NA;
        return;
    }
    c->cases = rep_hides_small(r->cases, r->denominator, min_cell) ? REP_MARK_SMALL : hidden_kind;
    /* Beside a "<10" count the estimated total reads "x" whatever its
     * size: "<10" or "x" there would say whether cases times the frame's
     * youth over the caseloads reaches min_cell, which splits 1..9. */
    if (!r->has_total)
        c->total = REP_MARK_NA;
    else if (c->cases == REP_MARK_SMALL)
        c->total = REP_MARK_PROTECT;
    else if (rep_is_small(rep_round_count(r->total), min_cell))
        c->total = REP_MARK_SMALL;
    else
        c->total = hidden_kind;
    c->rate = hidden_kind;
}

void rep_protect_marks(const struct rep_protect_row *r, enum rep_hide_reason why, long min_cell,
                       struct rep_protect_cells *c)
{
    marks_for(r, why, min_cell, c);
}

/* What a reader knows about a hidden cell from its symbol. */
static void domain_of(enum rep_mark m, long value, long min_cell, bool zero_small,
                      struct ivset *d)
{
    switch (m) {
    case REP_MARK_SMALL:
        iv_single(d, zero_small ? 0 : 1, min_cell - 1);
        return;
    case REP_MARK_PROTECT:
        /* Complements are chosen among counts of min_cell or more, but a
         * linked cell of a hidden row may be 0 (inconsistent frame). */
        if (value >= min_cell) {
            iv_single(d, min_cell, IV_INF);
            return;
        }
        /* fall through */
    case REP_MARK_NCHS:
        d->n = 2;
        d->lo[0] = 0;
        d->hi[0] = 0;
        d->lo[1] = min_cell;
        d->hi[1] = IV_INF;
        iv_normalize(d);
        return;
    case REP_MARK_NA:
    case REP_MARK_SHOW:
        break;
    }
    iv_single(d, 0, IV_INF);
}

/* One relation: cells 0..n-1 with signs (+1 county, -1 state). */
struct relation {
    size_t n;
    int sign[REP_SUPPRESS_MAX_ROWS];
    bool known[REP_SUPPRESS_MAX_ROWS];      /* published (or known to be 0) */
    bool guarded[REP_SUPPRESS_MAX_ROWS];    /* hidden to protect: must not be recovered */
    bool has_value[REP_SUPPRESS_MAX_ROWS];  /* we know the true value */
    long value[REP_SUPPRESS_MAX_ROWS];
    struct ivset dom[REP_SUPPRESS_MAX_ROWS];
};

/* Is every guarded cell safe when sum(sign * x) = rhs? strict: no hidden
 * cell may be recovered; else only cells holding a small count count. */
static bool relation_safe_for(const struct relation *rel, long rhs, long min_cell, bool strict)
{
    long p = 0;
    bool group_is_counties = true, any_guarded = false;

    for (size_t i = 0; i < rel->n; i++) {
        if (rel->known[i])
            p += rel->sign[i] * rel->value[i];
        else {
            if (rel->sign[i] < 0)
                group_is_counties = false;
            if (rel->guarded[i])
                any_guarded = true;
        }
    }
    if (!any_guarded)
        return true;
    /* With the state published, the hidden counties' sum is rhs - p: a
     * count of victims in its own right. */
    if (group_is_counties && rep_is_small(rhs - p, min_cell))
        return false;
    for (size_t i = 0; i < rel->n; i++) {
        struct ivset t, allowed;
        if (rel->known[i] || !rel->guarded[i])
            continue;
        if (!strict && !(rel->has_value[i] && rep_is_small(rel->value[i], min_cell)))
            continue;
        /* sign_i * x_i = rhs - p - sum over the other unknowns. */
        iv_single(&t, 0, 0);
        for (size_t j = 0; j < rel->n; j++)
            if (j != i && !rel->known[j] && iv_add(&t, &rel->dom[j], rel->sign[j]) != 0)
                return false;
        iv_single(&allowed, sat(rhs - p), sat(rhs - p));
        if (iv_add(&allowed, &t, -1) != 0)
            return false;
        if (rel->sign[i] < 0) {
            struct ivset neg;
            iv_single(&neg, 0, 0);
            if (iv_add(&neg, &allowed, -1) != 0)
                return false;
            allowed = neg;
        }
        if (iv_common(&allowed, &rel->dom[i]) == 1)
            return false;
    }
    return true;
}

/* Safe both under exact additivity (what a reader assumes) and under the
 * true sum of the published values (which for estimated totals differs by
 * rounding and by the state's combined ratio). A cell without a value
 * (a county without respondents has no estimated total) counts as 0 in the
 * true sum: a reader who knows the state figure leaves it out would. */
static bool relation_safe(const struct relation *rel, long min_cell, bool strict)
{
    long rhs_true = 0;

    for (size_t i = 0; i < rel->n; i++)
        if (rel->has_value[i])
            rhs_true += rel->sign[i] * rel->value[i];
    if (!relation_safe_for(rel, 0, min_cell, strict))
        return false;
    return rhs_true == 0 || relation_safe_for(rel, rhs_true, min_cell, strict);
}

static void build_relation(const struct rep_protect_row *rows, size_t ncounties,
                           const struct rep_protect_cells *cells, bool totals, long min_cell,
                           struct relation *rel)
{
    memset(rel, 0, sizeof *rel);
    rel->n = ncounties + 1;
    for (size_t i = 0; i <= ncounties; i++) {
        const struct rep_protect_row *r = &rows[i];
        enum rep_mark m = totals ? cells[i].total : cells[i].cases;
        rel->sign[i] = i < ncounties ? 1 : -1;
        if (!totals) {
            /* Without respondents the sample holds no case: a known 0. */
            rel->has_value[i] = true;
            rel->value[i] = r->has_data ? r->cases : 0;
        } else if (r->has_data && r->has_total) {
            rel->has_value[i] = true;
            rel->value[i] = rep_round_count(r->total);
        }
        rel->known[i] = rel->has_value[i] && (m == REP_MARK_SHOW || !r->has_data);
        rel->guarded[i] = !rel->known[i] && m != REP_MARK_NA;
        if (!rel->known[i])
            domain_of(m, rel->value[i], min_cell,
                      r->denominator > 0 && r->denominator < min_cell, &rel->dom[i]);
        /* The "x" total beside a "<10" count may be anything. */
        if (totals && !rel->known[i] && cells[i].cases == REP_MARK_SMALL)
            iv_single(&rel->dom[i], 0, IV_INF);
    }
}

static bool table_safe(const struct rep_protect_row *rows, size_t ncounties,
                       const struct rep_protect_cells *cells, long min_cell, bool strict)
{
    struct relation rel;

    build_relation(rows, ncounties, cells, false, min_cell, &rel);
    if (!relation_safe(&rel, min_cell, strict))
        return false;
    build_relation(rows, ncounties, cells, true, min_cell, &rel);
    return relation_safe(&rel, min_cell, strict);
}

/* Complement candidates: published counties holding at least one case,
 * smallest first, so that the least information is withheld. */
static size_t candidates(const struct rep_protect_row *rows, size_t ncounties,
                         const struct rep_protect_cells *cells, size_t *idx)
{
    size_t n = 0;

    for (size_t i = 0; i < ncounties; i++) {
        if (!rows[i].has_data || cells[i].hidden != REP_HIDE_NONE || rows[i].cases < 1)
            continue;
        size_t k = n++;
        while (k > 0) {
            const struct rep_protect_row *a = &rows[idx[k - 1]], *b = &rows[i];
            double ta = a->has_total ? a->total : 0, tb = b->has_total ? b->total : 0;
            if (a->cases < b->cases || (a->cases == b->cases && ta <= tb))
                break;
            idx[k] = idx[k - 1];
            k--;
        }
        idx[k] = i;
    }
    return n;
}

int rep_protect_table(const struct rep_protect_row *rows, size_t ncounties, long min_cell,
                     struct rep_protect_cells *out)
{
    size_t idx[REP_SUPPRESS_MAX_ROWS];
    size_t state = ncounties;

    if (rows == NULL || out == NULL || min_cell < 1 || ncounties + 1 > REP_SUPPRESS_MAX_ROWS)
        return -1;
    for (size_t i = 0; i <= ncounties; i++) {
        const struct rep_protect_row *r = &rows[i];
        enum rep_hide_reason why = REP_HIDE_NONE;
        if (r->has_data && (r->cases < 0 || (r->has_total && !isfinite(r->total))))
            return -1;
        if (r->has_data) {
            if (rep_hides_small(r->cases, r->denominator, min_cell) ||
                (r->has_total && rep_is_small(rep_round_count(r->total), min_cell)))
                why = REP_HIDE_SMALL;
            else if (r->flag == AN_FLAG_SUPPRESS)
                why = REP_HIDE_NCHS;
        }
        marks_for(r, why, min_cell, &out[i]);
    }
    /* Each pass hides at least one more row, so this ends. */
    for (;;) {
        size_t n;
        bool done = false;

        if (table_safe(rows, ncounties, out, min_cell, true))
            return 0;
        n = candidates(rows, ncounties, out, idx);
        /* The smallest county that makes the table safe on its own... */
        for (size_t k = 0; k < n && !done; k++) {
            marks_for(&rows[idx[k]], REP_HIDE_COMPLEMENT, min_cell, &out[idx[k]]);
            if (table_safe(rows, ncounties, out, min_cell, true))
                done = true;
            else
                marks_for(&rows[idx[k]], REP_HIDE_NONE, min_cell, &out[idx[k]]);
        }
        if (done)
            return 0;
        /* ...else the smallest one, and look again; the state's own
         * figures are hidden only when no county is left to hide. */
        if (n > 0)
            marks_for(&rows[idx[0]], REP_HIDE_COMPLEMENT, min_cell, &out[idx[0]]);
        else if (rows[state].has_data && out[state].hidden == REP_HIDE_NONE)
            marks_for(&rows[state], REP_HIDE_COMPLEMENT, min_cell, &out[state]);
        else
            /* Nothing left to hide. What a reader may still pin down is a
             * hidden 0 or a large count (a "*" next to a small state total
             * must be 0); the small counts must stay protected. */
            return table_safe(rows, ncounties, out, min_cell, false) ? 0 : -1;
    }
}
