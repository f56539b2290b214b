/* The disclosure audit's arithmetic (disclosure_audit.h): an integer
 * program over the hidden counts, solved with GLPK.
 *
 * Each unknown x_i is an integer column. Where its row allows a set that
 * is not one interval ({0} and 10..47 under "*", thinned further by the
 * row's flag), the set is written as a union of intervals [L_k, U_k] with
 * one binary z_k each: sum z_k = 1, sum L_k z_k <= x_i <= sum U_k z_k.
 * Relations are rows lo <= sum coef x <= hi. To list the values of x_v a
 * reader cannot rule out, minimise x_v, then ask again above the value
 * found, up to `protection` times: each answer is a value consistent with
 * everything published, and nothing between two answers is. */
#include "disclosure_audit.h"

#include <glpk.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Relations are built from published decimals; their bounds are widened by
 * this much so that the true values, summed in floating point, never fall
 * outside by a rounding error. Far below any step one case makes. */
#define REL_SLACK 1e-7
/* Time limit of one integer program, in milliseconds. */
#define REP_AUDIT_SOLVE_MS 2000

struct iv {
    long lo, hi;
};

/* The allowed set of var as intervals (malloc'd into *out); returns the
 * count, 0 when empty, -1 out of memory. */
static long to_intervals(const struct rep_audit_var *v, bool use_rows, struct iv **out)
{
    struct iv *r = NULL;
    long n = 0;

    *out = NULL;
    if (!use_rows || v->allowed == NULL) {
        if ((r = malloc(sizeof *r)) == NULL)
            return -1;
        r[0] = (struct iv){v->lo, v->hi};
        *out = r;
        return v->lo <= v->hi ? 1 : 0;
    }
    if ((r = malloc((v->nallowed + 1) * sizeof *r)) == NULL)
        return -1;
    for (size_t k = 0; k < v->nallowed; k++) {
        long a = v->allowed[k];
        if (a < v->lo || a > v->hi)
            continue;
        if (n > 0 && a <= r[n - 1].hi + 1) {
            if (a > r[n - 1].hi)
                r[n - 1].hi = a;
        } else {
            r[n++] = (struct iv){a, a};
        }
    }
    *out = r;
    return n;
}

/* Build the program with x_v minimised and x_v >= floor_v. Returns NULL
 * when out of memory; *empty when some unknown has no value at all. */
static glp_prob *build(const struct rep_audit_problem *p, size_t v, long floor_v, size_t nrel,
                       bool use_rows, bool *empty)
{
    glp_prob *lp = glp_create_prob();
    int *ind = NULL;
    double *val = NULL;
    size_t cap = p->nvars + 4;
    bool ok = true;

    *empty = false;
    if ((ind = malloc((cap + 1) * sizeof *ind)) == NULL ||
        (val = malloc((cap + 1) * sizeof *val)) == NULL) {
        ok = false;
        goto done;
    }
    glp_set_obj_dir(lp, GLP_MIN);
    glp_add_cols(lp, (int)p->nvars);
    for (size_t i = 0; i < p->nvars && ok; i++) {
        const struct rep_audit_var *x = &p->vars[i];
        struct iv *ivs = NULL;
        long n = to_intervals(x, use_rows, &ivs);
        int col = (int)i + 1;
        long lo, hi;

        if (n < 0) {
            ok = false;
            break;
        }
        if (n == 0) {
            *empty = true;
            free(ivs);
            break;
        }
        lo = ivs[0].lo;
        hi = ivs[n - 1].hi;
        if (i == v && floor_v > lo)
            lo = floor_v;
        if (lo > hi) {
            *empty = true;
            free(ivs);
            break;
        }
        glp_set_col_kind(lp, col, GLP_IV);
        glp_set_col_bnds(lp, col, lo == hi ? GLP_FX : GLP_DB, (double)lo, (double)hi);
        glp_set_obj_coef(lp, col, i == v ? 1.0 : 0.0);
        if (n > 1) {
            /* Binaries z_k; rows: sum z = 1, x - sum L z >= 0, x - sum U z <= 0. */
            int first = glp_add_cols(lp, (int)n);
            int r = glp_add_rows(lp, 3);
            int *ii = malloc(((size_t)n + 2) * sizeof *ii);
            double *vv = malloc(((size_t)n + 2) * sizeof *vv);
            if (ii == NULL || vv == NULL) {
                free(ii);
                free(vv);
                free(ivs);
                ok = false;
                break;
            }
            for (long k = 0; k < n; k++) {
                glp_set_col_kind(lp, first + (int)k, GLP_BV);
                ii[k + 1] = first + (int)k;
                vv[k + 1] = 1.0;
            }
            glp_set_mat_row(lp, r, (int)n, ii, vv);
            glp_set_row_bnds(lp, r, GLP_FX, 1.0, 1.0);
            ii[1] = col;
            vv[1] = 1.0;
            for (long k = 0; k < n; k++) {
                ii[k + 2] = first + (int)k;
                vv[k + 2] = -(double)ivs[k].lo;
            }
            glp_set_mat_row(lp, r + 1, (int)n + 1, ii, vv);
            glp_set_row_bnds(lp, r + 1, GLP_LO, 0.0, 0.0);
            for (long k = 0; k < n; k++)
                vv[k + 2] = -(double)ivs[k].hi;
            glp_set_mat_row(lp, r + 2, (int)n + 1, ii, vv);
            glp_set_row_bnds(lp, r + 2, GLP_UP, 0.0, 0.0);
            free(ii);
            free(vv);
        }
        free(ivs);
    }
    for (size_t k = 0; k < nrel && ok && !*empty; k++) {
        const struct rep_audit_relation *rel = &p->rel[k];
        int r = glp_add_rows(lp, 1);
        double slack = REL_SLACK * (1.0 + fmax(fabs(rel->lo), fabs(rel->hi)));
        for (size_t j = 0; j < rel->n; j++) {
            ind[j + 1] = (int)rel->var[j] + 1;
            val[j + 1] = rel->coef[j];
        }
        glp_set_mat_row(lp, r, (int)rel->n, ind, val);
        glp_set_row_bnds(lp, r, GLP_DB, rel->lo - slack, rel->hi + slack);
    }
done:
    free(ind);
    free(val);
    if (!ok) {
        glp_delete_prob(lp);
        return NULL;
    }
    return lp;
}

int rep_audit_feasible(const struct rep_audit_problem *p, size_t v, size_t nrel, bool use_rows,
                       long *out, size_t max)
{
    long floor_v = p->vars[v].lo;
    size_t found = 0;

    glp_term_out(GLP_OFF);
    while (found < max) {
        bool empty = false;
        glp_iocp parm;
        glp_prob *lp = build(p, v, floor_v, nrel, use_rows, &empty);
        int rc, status;
        long x;

        if (lp == NULL)
            return -1;
        if (empty) {
            glp_delete_prob(lp);
            break;
        }
        glp_init_iocp(&parm);
        parm.presolve = GLP_ON;
        parm.msg_lev = GLP_MSG_OFF;
        parm.fp_heur = GLP_ON;
        parm.gmi_cuts = GLP_ON;
        parm.mir_cuts = GLP_ON;
        parm.cov_cuts = GLP_ON;
        parm.clq_cuts = GLP_ON;
        parm.br_tech = GLP_BR_PCH;
        /* A weighted sum with tight bounds is a knapsack: branch and bound
         * can take long. Past the limit the answer is "undecided", which
         * the caller treats as unsafe. */
        parm.tm_lim = REP_AUDIT_SOLVE_MS;
        rc = glp_intopt(lp, &parm);
        status = glp_mip_status(lp);
        if ((rc == GLP_ETMLIM || rc == GLP_EMIPGAP) && status != GLP_OPT && status != GLP_FEAS) {
            glp_delete_prob(lp);
            return -2;
        }
        if (rc == GLP_ETMLIM || rc == GLP_EMIPGAP)
            rc = 0;   /* a feasible value found: enough, minimal or not */
        if (rc != 0 && rc != GLP_ENOPFS && rc != GLP_ENODFS) {
            glp_delete_prob(lp);
            return -1;
        }
        if (rc != 0 || status == GLP_NOFEAS || status == GLP_UNDEF) {
            glp_delete_prob(lp);
            break;
        }
        if (status != GLP_OPT && status != GLP_FEAS) {
            glp_delete_prob(lp);
            return -1;
        }
        x = lround(glp_mip_col_val(lp, (int)v + 1));
        glp_delete_prob(lp);
        out[found++] = x;
        floor_v = x + 1;
    }
    return (int)found;
}

static bool in_allowed(const struct rep_audit_var *x, long value)
{
    if (value < x->lo || value > x->hi)
        return false;
    if (x->allowed == NULL)
        return true;
    for (size_t k = 0; k < x->nallowed; k++)
        if (x->allowed[k] == value)
            return true;
    return false;
}

/* The candidates a protected unknown must keep: `protection` of them, or
 * as many as a reader cannot rule out from the denominators alone (a count
 * out of one respondent is 0 or 1 whatever is published). */
static size_t needed(const struct rep_audit_problem *p, const struct rep_audit_var *x)
{
    size_t need = (size_t)p->protection;
    if (x->prior_hi >= 0 && (size_t)x->prior_hi + 1 < need)
        need = (size_t)x->prior_hi + 1;
    return need < 2 ? 2 : need;
}

static bool enough(const struct rep_audit_problem *p, const struct rep_audit_var *x,
                   const long *vals, int n)
{
    size_t need = needed(p, x);
    if (n == 1 && vals[0] >= 1 && vals[0] < p->min_cell)
        return false;
    if (x->prior_hi == 0)
        return true;
    return (size_t)n >= need;
}

static int audit_run(const struct rep_audit_problem *p, struct rep_audit_finding *f)
{
    long vals[8];

    memset(f, 0, sizeof *f);
    f->safe = true;
    f->rel = -1;
    if (p == NULL || p->protection < 2 || p->protection > 8 || p->nvars > REP_AUDIT_MAX_VARS ||
        (p->nvars > 0 && p->vars == NULL) || (p->nrel > 0 && p->rel == NULL))
        return -1;
    /* The model must hold for the truth, or it is not the publication's. */
    for (size_t i = 0; i < p->nvars; i++)
        if (!in_allowed(&p->vars[i], p->vars[i].truth))
            return -1;
    for (size_t k = 0; k < p->nrel; k++) {
        const struct rep_audit_relation *rel = &p->rel[k];
        double s = 0, slack = REL_SLACK * (1.0 + fmax(fabs(rel->lo), fabs(rel->hi)));
        if (rel->n > REP_AUDIT_MAX_TERMS)
            return -1;
        for (size_t j = 0; j < rel->n; j++) {
            if (rel->var[j] >= p->nvars)
                return -1;
            s += rel->coef[j] * (double)p->vars[rel->var[j]].truth;
        }
        if (s < rel->lo - slack || s > rel->hi + slack)
            return -1;
    }
    for (size_t i = 0; i < p->nvars; i++) {
        const struct rep_audit_var *x = &p->vars[i];
        size_t need = needed(p, x);
        int n;

        if (!x->protect)
            continue;
        if ((n = rep_audit_feasible(p, i, p->nrel, true, vals, need)) == -2) {
            /* Undecided: as unsafe, blamed on the last relation (the
             * statewide ratios come last), which the caller can remove. */
            f->safe = false;
            f->var = i;
            f->nfound = 0;
            f->rel = p->nrel > 0 ? (long)p->nrel - 1 : -1;
            snprintf(f->channel, sizeof f->channel, "%s (the solver could not decide in time)",
                     p->nrel > 0 ? p->rel[p->nrel - 1].channel : "its row");
            return 0;
        }
        if (n < 0)
            return -1;
        if (enough(p, x, vals, n))
            continue;
        /* Not protected: name the first channel that narrows it, adding
         * the row's own cells, then each relation in turn. */
        f->safe = false;
        f->var = i;
        f->nfound = (size_t)n;
        memcpy(f->values, vals, (size_t)n * sizeof vals[0]);
        if ((n = rep_audit_feasible(p, i, 0, false, vals, need)) < 0)
            return -1;
        if (!enough(p, x, vals, n)) {
            snprintf(f->channel, sizeof f->channel, "its symbol and published denominator");
            return 0;
        }
        if ((n = rep_audit_feasible(p, i, 0, true, vals, need)) < 0)
            return -1;
        if (!enough(p, x, vals, n)) {
            snprintf(f->channel, sizeof f->channel, "%s", x->row_channel);
            return 0;
        }
        for (size_t k = 1; k <= p->nrel; k++) {
            n = rep_audit_feasible(p, i, k, true, vals, need);
            if (n == -1)
                return -1;
            if (n == -2 || !enough(p, x, vals, n)) {
                snprintf(f->channel, sizeof f->channel, "%s", p->rel[k - 1].channel);
                f->rel = (long)k - 1;
                return 0;
            }
        }
        snprintf(f->channel, sizeof f->channel, "everything published together");
        return 0;
    }
    return 0;
}

int rep_audit_run(const struct rep_audit_problem *p, struct rep_audit_finding *f)
{
    int rc = audit_run(p, f);

    /* GLPK keeps an environment per thread, made by the first call and
     * kept until glp_free_env(): free it here (every problem of this run
     * is deleted by now), or each worker thread of the web service keeps,
     * and at exit leaks, its own. */
    glp_free_env();
    return rc;
}
