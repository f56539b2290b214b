/* Model-based (Fay-Herriot) estimates in the Council report: what may be
 * shown, and how.
 *
 * A model-based estimate is a rate, but not an anonymous one: for a county
 * in the fit it is  gamma_i * cases_i / youth_n_i + (1 - gamma_i) * x_i'beta,
 * and gamma_i, x_i'beta and youth_n_i can be reproduced from the published
 * tables and the methods text. With the sample data's Cochise (46 youth,
 * gamma 0.48) one case moves the estimate by a whole percentage point, ten
 * times the rounding: the shown percentage gives the count back. So a shown
 * model-based estimate is treated as publishing its county's count, and
 * since every model-based estimate also moves a little with every other
 * county's count (through beta and sigma_u^2), the protection refits the
 * model with hidden counts changed and shows only what leaves every small
 * count, and every group sum a reader could learn, open to more than one
 * value (docs/methods.md, "Small-cell protection"). */
#include "report_sae.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report_model.h"

const char *const rep_pub_sae_col_names[REP_PUB_SAE_NCOLS] = {
    "sae_estimate_pct", "sae_ci_low_pct", "sae_ci_high_pct", "sae_flag",
};

/* sae.c's review reason for a model-based estimate of exactly 0: not
 * listed for a suppressed one, where it would say what "*" hides. */
#define SAE_REASON_ZERO "estimate is 0"

static void fill(struct rep_pub_sae_row *out, const char *symbol)
{
    for (int c = 0; c < REP_PUB_SAE_NCOLS; c++)
        snprintf(out->cell[c], sizeof out->cell[c], "%s", symbol);
}

/* reasons without SAE_REASON_ZERO. */
static void reasons_without_zero(char *dst, size_t size, const char *reasons)
{
    const char *p = reasons;
    size_t used = 0;

    dst[0] = '\0';
    while (*p != '\0') {
        const char *end = strstr(p, "; ");
        size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
        bool zero = len == strlen(SAE_REASON_ZERO) && strncmp(p, SAE_REASON_ZERO, len) == 0;
        if (!zero && used + len + 3 < size)
            used += (size_t)snprintf(dst + used, size - used, "%s%.*s", used > 0 ? "; " : "",
                                     (int)len, p);
        p += len;
        if (end != NULL)
            p += 2;
    }
}

void rep_sae_format(const struct an_sae_row *m, enum rep_sae_shown shown,
                   struct rep_pub_sae_row *out)
{
    memset(out, 0, sizeof *out);
    out->shown = shown;
    out->estimate = out->ci_low = out->ci_high = NAN;
    switch (shown) {
    case REP_SAE_SHOWN:
        rep_fmt_pct(out->cell[REP_PUB_SAE_ESTIMATE], sizeof out->cell[0], m->estimate);
        rep_fmt_pct(out->cell[REP_PUB_SAE_CI_LOW], sizeof out->cell[0], m->ci_low);
        rep_fmt_pct(out->cell[REP_PUB_SAE_CI_HIGH], sizeof out->cell[0], m->ci_high);
        snprintf(out->cell[REP_PUB_SAE_FLAG], sizeof out->cell[0], "%s", an_flag_name(m->flag));
        out->plotted = true;
        out->estimate = m->estimate;
        out->ci_low = m->ci_low;
        out->ci_high = m->ci_high;
        if (m->flag == AN_FLAG_REVIEW)
            snprintf(out->reasons, sizeof out->reasons, "%s", m->reasons);
        return;
    case REP_SAE_UNRELIABLE:
        fill(out, "*");
        snprintf(out->cell[REP_PUB_SAE_FLAG], sizeof out->cell[0], "%s",
                 an_flag_name(AN_FLAG_SUPPRESS));
        reasons_without_zero(out->reasons, sizeof out->reasons, m->reasons);
        return;
    case REP_SAE_HIDDEN_OWN:
    case REP_SAE_HIDDEN_OTHER:
        fill(out, "x");
        return;
    case REP_SAE_NO_MODEL:
        break;
    }
    fill(out, "-");
}

/* ---- the protection ------------------------------------------------------- */

struct refit {
    const struct an_estimate_row *rows;
    size_t n;                                  /* rows, the state included */
    const struct an_sae_covariates *cov;
    const struct an_sae_options *opt;
    const struct an_sae_row *truth;            /* the fit on the real rows */
    const enum rep_sae_shown *dec;              /* what is published */
    struct an_estimate_row *work;              /* rows, a few counts changed */
    struct an_sae_row *alt;                    /* the fit on work */
    long refits;                               /* an_sae_compute calls so far, all checks */
};

/* Row r as it would read with `cases` cases: the same caseloads, the
 * design effect kept (a census or a zero-variance county stays at 0). A
 * reader cannot rule such a county out, which is all the check needs. */
static void with_count(const struct an_estimate_row *r, long cases, struct an_estimate_row *out)
{
    double n = (double)r->youth_n, p = fmin(1.0, (double)cases / n), deff = 1.0;
    bool census = r->officers_total > 0 && r->respondents == r->officers_total;

    *out = *r;
    out->cases = cases;
    out->estimate = p;
    if (r->estimate > 0.0 && r->estimate < 1.0 && isfinite(r->se) && r->se > 0.0)
        deff = r->se * r->se * n / (r->estimate * (1.0 - r->estimate));
    else if (r->estimate > 0.0 && r->estimate < 1.0)
        census = true;      /* se 0 inside (0, 1): no sampling variance (lonely, certainty) */
    out->se = census ? 0.0 : sqrt(deff * p * (1.0 - p) / n);
}

/* Whether a reader sees the same model-based cells in f->alt as in
 * f->truth: shown values print alike, "*" stays "*", and the reasons
 * listed under the table read the same; "x" and "-" are constant. */
static bool same_cells(const struct refit *f)
{
    struct rep_pub_sae_row a, b;

    for (size_t r = 0; r < f->n; r++) {
        enum rep_sae_shown d = f->dec[r];
        if (d != REP_SAE_SHOWN && d != REP_SAE_UNRELIABLE)
            continue;
        if (an_sae_presentable(&f->alt[r]) != (d == REP_SAE_SHOWN))
            return false;
        rep_sae_format(&f->truth[r], d, &a);
        rep_sae_format(&f->alt[r], d, &b);
        if (memcmp(a.cell, b.cell, sizeof a.cell) != 0 || strcmp(a.reasons, b.reasons) != 0)
            return false;
    }
    return true;
}

/* How far f->alt is from printing like f->truth: for each shown value,
 * its distance (in percentage points) from the rounding interval of the
 * printed truth, plus 1 for every flag that would read differently. 0 is
 * necessary for a match; same_cells decides. Guides the witness search. */
static double mismatch(const struct refit *f)
{
    double d = 0.0;

    for (size_t r = 0; r < f->n; r++) {
        const struct an_sae_row *t = &f->truth[r], *a = &f->alt[r];
        bool shown = an_sae_presentable(a);

        if (f->dec[r] == REP_SAE_UNRELIABLE && shown)
            d += 1.0;
        if (f->dec[r] != REP_SAE_SHOWN)
            continue;
        if (!shown || a->flag != t->flag || strcmp(a->reasons, t->reasons) != 0) {
            d += 1.0;
            continue;
        }
        const double tv[3] = {t->estimate, t->ci_low, t->ci_high};
        const double av[3] = {a->estimate, a->ci_low, a->ci_high};
        for (int k = 0; k < 3; k++) {
            double printed = round(tv[k] * 1000.0) / 10.0;
            d += fmax(0.0, fabs(av[k] * 100.0 - printed) - 0.05);
        }
    }
    return d;
}

/* Refits one report may spend on its protection (a refit takes a fraction
 * of a millisecond; the sample data needs a few hundred). Past it no
 * witness is found, which only hides more. */
#define SAE_REFIT_BUDGET 12000

/* A change of one county's count, for a refit. */
struct move {
    size_t row;
    long cases;
};

/* Refit with the counties' counts changed as mv says: whether they print
 * the same model-based cells, and (dist, may be NULL) how far they are from
 * it. A model that cannot be fitted with them would print none: not the
 * same, infinitely far. */
static bool same_with(struct refit *f, const struct move *mv, size_t nmv, double *dist)
{
    struct an_sae_summary summary;
    struct prev_error ignored;
    int rc;

    /* Out of budget: no witness, which can only hide more. */
    if (f->refits >= SAE_REFIT_BUDGET) {
        if (dist != NULL)
            *dist = HUGE_VAL;
        return false;
    }
    f->refits++;
    for (size_t i = 0; i < nmv; i++)
        with_count(&f->rows[mv[i].row], mv[i].cases, &f->work[mv[i].row]);
    rc = an_sae_compute(f->work, f->n, f->cov, f->opt, f->alt, &summary, &ignored);
    an_sae_summary_free(&summary);
    for (size_t i = 0; i < nmv; i++)
        f->work[mv[i].row] = f->rows[mv[i].row];
    if (dist != NULL)
        *dist = rc == 0 ? mismatch(f) : HUGE_VAL;
    return rc == 0 && same_cells(f);
}

/* Whether a hidden cell's symbol allows v (suppress.c's domain_of): "<10"
 * 1..9; "x" 10 or more (0 or 10 or more for a linked cell under 10); "*"
 * 0 or 10 or more. */
static bool symbol_allows(enum rep_mark m, long value, long min_cell, long v)
{
    switch (m) {
    case REP_MARK_SMALL:
        return rep_is_small(v, min_cell);
    case REP_MARK_PROTECT:
        if (value >= min_cell)
            return v >= min_cell;
        /* fall through */
    case REP_MARK_NCHS:
        return v == 0 || v >= min_cell;
    case REP_MARK_SHOW:
    case REP_MARK_NA:
        break;
    }
    return v >= 0;
}

/* County j may read v cases: its count's symbol allows it and the
 * caseloads hold it. Its estimated total would change too, but a hidden
 * county's youth total is not published, so a reader cannot tie the two
 * (the totals are protected by their own relation, as in suppress.c). */
static bool may_read(const struct an_estimate_row *r, const struct rep_protect_cells *c,
                     long min_cell, long v)
{
    long limit = r->youth_n > r->cases ? r->youth_n : r->cases;

    return v >= 0 && v <= limit && symbol_allows(c->cases, r->cases, min_cell, v);
}

static size_t uf_find(size_t *parent, size_t i)
{
    while (parent[i] != i)
        i = parent[i] = parent[parent[i]];
    return i;
}

/* The hidden counts, their groups and what is known of them. */
struct groups {
    size_t n;
    size_t row[REP_SUPPRESS_MAX_ROWS];       /* hidden county -> row */
    size_t parent[REP_SUPPRESS_MAX_ROWS];    /* union-find over hidden counties */
    bool open[REP_SUPPRESS_MAX_ROWS];        /* a case can move in or out unseen */
};

/* The first group (its root) whose sum a reader would learn and that is a
 * small count, or -1. */
static long bad_group(struct groups *g, const struct an_estimate_row *rows, long min_cell)
{
    long sum[REP_SUPPRESS_MAX_ROWS] = {0};
    bool open[REP_SUPPRESS_MAX_ROWS] = {false};

    for (size_t a = 0; a < g->n; a++) {
        size_t r = uf_find(g->parent, a);
        sum[r] += rows[g->row[a]].cases;
        open[r] = open[r] || g->open[a];
    }
    for (size_t a = 0; a < g->n; a++)
        if (uf_find(g->parent, a) == a && !open[a] && rep_is_small(sum[a], min_cell))
            return (long)a;
    return -1;
}

/* Try to move d cases into hidden county a from hidden county b. True
 * when the published cells stay. */
static bool try_pair(struct refit *f, const struct groups *g,
                     const struct rep_protect_cells *cells, long min_cell, size_t a, size_t b,
                     long d)
{
    const struct an_estimate_row *rows = f->rows;
    struct move mv[2] = {
        {g->row[a], rows[g->row[a]].cases + d},
        {g->row[b], rows[g->row[b]].cases - d},
    };

    for (size_t i = 0; i < 2; i++)
        if (!may_read(&rows[mv[i].row], &cells[mv[i].row], min_cell, mv[i].cases))
            return false;
    return same_with(f, mv, 2, NULL);
}

/* same_with for count[x] in every hidden county x of g. */
static bool eval_counts(struct refit *f, const struct groups *g, const long *count, double *dist)
{
    struct move mv[REP_SUPPRESS_MAX_ROWS];
    size_t nmv = 0;

    for (size_t x = 0; x < g->n; x++)
        if (count[x] != f->rows[g->row[x]].cases)
            mv[nmv++] = (struct move){g->row[x], count[x]};
    return same_with(f, mv, nmv, dist);
}

/* Steps of one witness search. */
#define SAE_WITNESS_STEPS 6

/* Look for a witness that hidden county a could read d cases more: other
 * counts, each within its symbol and (sum_known) with the hidden sum
 * kept, under which every published model-based cell prints the same.
 * Greedy: take the compensating case from a county outside a's group,
 * then move one case at a time between two other hidden counties, always
 * the move that brings the published values closest to their printed
 * intervals. On success, count[] holds the witness, which changes a
 * county outside a's group (or, without the sum, needs none). The search
 * may miss a witness, never invent one. */
static bool find_witness(struct refit *f, struct groups *g,
                         const struct rep_protect_cells *cells, long min_cell, bool sum_known,
                         size_t a, long d, long *count)
{
    const struct an_estimate_row *rows = f->rows;
    double best, dist;
    long bb = -1, bc = -1;

    for (size_t x = 0; x < g->n; x++)
        count[x] = rows[g->row[x]].cases;
    count[a] += d;
    if (!may_read(&rows[g->row[a]], &cells[g->row[a]], min_cell, count[a]))
        return false;
    best = HUGE_VAL;
    if (!sum_known && eval_counts(f, g, count, &best))
        return true;
    if (sum_known) {
        /* From outside a's group: a move inside it would keep the sum the
         * group is suspected of revealing. */
        for (size_t b = 0; b < g->n; b++) {
            size_t rb = g->row[b];
            if (uf_find(g->parent, b) == uf_find(g->parent, a) ||
                !may_read(&rows[rb], &cells[rb], min_cell, count[b] - d))
                continue;
            count[b] -= d;
            if (eval_counts(f, g, count, &dist))
                return true;
            count[b] += d;
            if (dist < best) {
                best = dist;
                bb = (long)b;
            }
        }
        if (bb < 0)
            return false;
        count[bb] -= d;
    }
    for (int step = 0; step < SAE_WITNESS_STEPS; step++) {
        double start = best;
        bb = bc = -1;
        for (size_t b = 0; b < g->n; b++)
            for (size_t c = 0; c < g->n; c++) {
                size_t rb = g->row[b], rc = g->row[c];
                if (b == a || c == a || b == c || f->refits >= SAE_REFIT_BUDGET ||
                    !may_read(&rows[rb], &cells[rb], min_cell, count[b] - 1) ||
                    !may_read(&rows[rc], &cells[rc], min_cell, count[c] + 1))
                    continue;
                count[b]--;
                count[c]++;
                if (eval_counts(f, g, count, &dist))
                    return true;
                count[b]++;
                count[c]--;
                if (dist < best) {
                    best = dist;
                    bb = (long)b;
                    bc = (long)c;
                }
            }
        if (bb < 0 || !(best < start))
            return false;
        count[bb]--;
        count[bc]++;
    }
    return false;
}

/* Is every small count still open to a reader who has the table, the
 * model-based cells f->dec publishes and the model's recipe?
 *
 * The reader's unknowns are the hidden counts; they know each one's
 * symbol, and (with Arizona's count shown) their sum. Hidden counties are
 * linked when a different set of their counts, within every symbol and
 * with the same sum, prints every published model-based cell the same: a
 * witness. Then none of their counts is pinned down, only (at most) their
 * sum. Witnesses are sought first as one case (or two) moved between two
 * counties, then by find_witness for the groups that would otherwise
 * fail. A group of linked counties is taken to publish its sum, a county
 * linked to none its count, and none of these may be a small count.
 * Without Arizona's count, a county whose count can change alone, unseen,
 * leaves its group's sum open too. */
static bool model_safe(struct refit *f, size_t ncounties, const struct rep_protect_cells *cells,
                       long min_cell)
{
    static const long moves[] = {1, -1, 2, -2};
    const size_t nmoves = sizeof moves / sizeof moves[0];
    const struct an_estimate_row *rows = f->rows;
    bool sum_known = cells[ncounties].cases == REP_MARK_SHOW;
    long count[REP_SUPPRESS_MAX_ROWS], bad;
    struct groups g;

    memset(&g, 0, sizeof g);
    for (size_t j = 0; j < ncounties; j++)
        if (rows[j].respondents > 0 && rows[j].has_estimate &&
            cells[j].cases != REP_MARK_SHOW && cells[j].cases != REP_MARK_NA)
            g.row[g.n++] = j;
    for (size_t a = 0; a < g.n; a++)
        g.parent[a] = a;
    for (size_t a = 0; a < g.n; a++) {
        size_t j = g.row[a];
        for (size_t m = 0; !sum_known && !g.open[a] && m < nmoves; m++) {
            struct move mv = {j, rows[j].cases + moves[m]};
            if (may_read(&rows[j], &cells[j], min_cell, mv.cases) && same_with(f, &mv, 1, NULL))
                g.open[a] = true;
        }
        for (size_t b = a + 1; b < g.n; b++)
            for (size_t m = 0; m < nmoves && uf_find(g.parent, a) != uf_find(g.parent, b); m++)
                if (try_pair(f, &g, cells, min_cell, a, b, moves[m]))
                    g.parent[uf_find(g.parent, a)] = uf_find(g.parent, b);
    }
    while ((bad = bad_group(&g, rows, min_cell)) >= 0) {
        bool linked = false;

        for (size_t a = 0; a < g.n && !linked; a++) {
            if (uf_find(g.parent, a) != (size_t)bad)
                continue;
            for (size_t m = 0; m < 2 && !linked; m++) {
                if (f->refits >= SAE_REFIT_BUDGET)
                    return false;
                if (!find_witness(f, &g, cells, min_cell, sum_known, a, moves[m], count))
                    continue;
                linked = true;
                for (size_t x = 0; x < g.n; x++)
                    if (count[x] != rows[g.row[x]].cases)
                        g.parent[uf_find(g.parent, x)] = uf_find(g.parent, a);
                /* Unseen without the sum: the group's total is open. */
                if (!sum_known)
                    g.open[uf_find(g.parent, a)] = true;
            }
        }
        if (!linked)
            return false;
    }
    return true;
}

/* The next model-based estimate to hide, or -1: first those standing in
 * for a hidden count (each publishes that count), smallest count first;
 * then the others, smallest weight first (a county weighed little by its
 * own data is mostly the common level, which every county's count moves). */
static long next_to_hide(const struct an_estimate_row *rows, size_t ncounties,
                         const struct rep_protect_cells *cells, const struct an_sae_row *sae,
                         const enum rep_sae_shown *dec)
{
    long best = -1;
    bool best_hidden = false;

    for (size_t i = 0; i < ncounties; i++) {
        bool hidden;
        if (dec[i] != REP_SAE_SHOWN)
            continue;
        hidden = cells[i].cases != REP_MARK_SHOW && cells[i].cases != REP_MARK_NA;
        if (best < 0 || (hidden && !best_hidden)) {
            best = (long)i;
            best_hidden = hidden;
            continue;
        }
        if (hidden != best_hidden)
            continue;
        if (hidden ? rows[i].cases < rows[best].cases : sae[i].weight < sae[best].weight)
            best = (long)i;
    }
    return best;
}

int rep_sae_protect(const struct an_estimate_row *rows, size_t ncounties,
                   const struct rep_protect_cells *cells, long min_cell,
                   const struct an_sae_row *sae, const struct an_sae_covariates *cov,
                   const struct an_sae_options *opt, enum rep_sae_shown *out,
                   struct prev_error *err)
{
    size_t n = ncounties + 1;
    struct an_sae_summary summary;
    struct refit f = {rows, n, cov, opt, NULL, out, NULL, NULL, 0};
    struct an_sae_row *truth = NULL;
    struct rep_pub_sae_row a, b;
    int rc = 0;

    memset(&summary, 0, sizeof summary);
    if (n > REP_SUPPRESS_MAX_ROWS)
        return prev_fail(err, PREV_EX_SOFTWARE, "", "too many rows for the report (%zu)", n);
    truth = calloc(n, sizeof *truth);
    f.work = calloc(n, sizeof *f.work);
    f.alt = calloc(n, sizeof *f.alt);
    if (truth == NULL || f.work == NULL || f.alt == NULL) {
        rc = prev_fail(err, PREV_EX_SOFTWARE, "", "out of memory");
        goto done;
    }
    memcpy(f.work, rows, n * sizeof *rows);
    /* The refits must reproduce the published fit, or comparing with them
     * means nothing. */
    if ((rc = an_sae_compute(rows, n, cov, opt, truth, &summary, err)) != 0)
        goto done;
    for (size_t i = 0; i < n; i++) {
        rep_sae_format(&truth[i], REP_SAE_SHOWN, &a);
        rep_sae_format(&sae[i], REP_SAE_SHOWN, &b);
        if (truth[i].has_sae != sae[i].has_sae || truth[i].flag != sae[i].flag ||
            memcmp(a.cell, b.cell, sizeof a.cell) != 0) {
            rc = prev_fail(err, PREV_EX_SOFTWARE, rows[i].county,
                           "the small-area model refitted for the report differs from the "
                           "published fit (a bug: please report it)");
            goto done;
        }
    }
    f.truth = truth;

    for (size_t i = 0; i < n; i++) {
        bool own_small = cells[i].cases == REP_MARK_SMALL || cells[i].total == REP_MARK_SMALL;
        if (i == ncounties || !sae[i].has_sae)
            out[i] = REP_SAE_NO_MODEL;
        else if (own_small)
            out[i] = REP_SAE_HIDDEN_OWN;
        else if (!an_sae_presentable(&sae[i]))
            out[i] = REP_SAE_UNRELIABLE;
        else
            out[i] = REP_SAE_SHOWN;
    }
    for (;;) {
        bool informative = false;
        long drop;

        for (size_t i = 0; i < ncounties; i++)
            informative = informative || out[i] == REP_SAE_SHOWN || out[i] == REP_SAE_UNRELIABLE;
        /* Nothing the data moves is published: the table is as safe as
         * rep_protect_table made it. */
        if (!informative || model_safe(&f, ncounties, cells, min_cell))
            break;
        if ((drop = next_to_hide(rows, ncounties, cells, sae, out)) >= 0) {
            out[drop] = REP_SAE_HIDDEN_OTHER;
            continue;
        }
        /* Only "*" is left, and even whether an estimate is reliable pins
         * a small count down: hide those as well. */
        for (size_t i = 0; i < ncounties; i++)
            if (out[i] == REP_SAE_UNRELIABLE)
                out[i] = REP_SAE_HIDDEN_OTHER;
    }
done:
    an_sae_summary_free(&summary);
    free(truth);
    free(f.work);
    free(f.alt);
    return rc;
}

int rep_publish_sae(const struct rep_report_input *in, struct rep_pub_table *t,
                   struct prev_error *err)
{
    struct rep_protect_cells cells[REP_SUPPRESS_MAX_ROWS];
    enum rep_sae_shown dec[REP_SUPPRESS_MAX_ROWS];
    int rc;

    if (!in->sae.on || in->sae.rows == NULL)
        return 0;
    for (size_t i = 0; i < t->nrows; i++)
        cells[i] = t->row[i].marks;
    if ((rc = rep_sae_protect(in->rows, t->nrows - 1, cells, t->min_cell, in->sae.rows,
                             &in->sae.cov, &in->sae.opt, dec, err)) != 0)
        return rc;
    t->has_sae = true;
    for (size_t i = 0; i < t->nrows; i++) {
        struct rep_pub_row *r = &t->row[i];
        struct rep_pub_sae_row *s = &t->sae[i];

        rep_sae_format(&in->sae.rows[i], dec[i], s);
        r->notes[REP_NOTE_SAE_NCHS] = dec[i] == REP_SAE_UNRELIABLE;
        r->notes[REP_NOTE_SAE_PROTECT] = dec[i] == REP_SAE_HIDDEN_OWN ||
                                        dec[i] == REP_SAE_HIDDEN_OTHER;
        r->notes[REP_NOTE_SAE_REVIEW] = dec[i] == REP_SAE_SHOWN &&
                                       in->sae.rows[i].flag == AN_FLAG_REVIEW;
        rep_pub_row_set_notes(r);
        for (int n = REP_NOTE_SAE_NCHS; n <= REP_NOTE_SAE_REVIEW; n++)
            t->used[n] = t->used[n] || r->notes[n];
    }
    return 0;
}
