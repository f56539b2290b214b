/* The disclosure audit of a report (docs/methods.md, "Disclosure audit"):
 * what the page, the tables, published.json and `publish` would show,
 * written as the audit's problem (disclosure_audit.h) and judged before
 * anything is written. Pure: no database, no files.
 *
 * The rows a reader can recompute are recomputed with analysis's own
 * functions (an_estimate_rows, an_county_moments), so the audit follows
 * any change in the estimator, the intervals or the NCHS rules. */
#include "report_model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disclosure_audit.h"

/* The most values a row's own cells are checked for; a hidden count above
 * this many youth is rare and is left to its symbol's interval. */
#define MAX_CANDIDATES 5000

struct builder {
    struct rep_audit_var vars[REP_AUDIT_MAX_VARS];
    long *allowed[REP_AUDIT_MAX_VARS];
    struct rep_audit_relation rel[16];
    struct rep_pub_table *rel_state_of[16];   /* a statewide-rate relation's table */
    size_t nvars, nrel;
};

static const char *table_words(enum an_measure m)
{
    return m == AN_MEASURE_OFFICER_ANY ? "officer table" : "county table";
}

/* The sums a county with `cases` would give, as far as its row depends on
 * them. A census county has no sampling variance (fpc 0), a single
 * respondent's sums are its own: either way the row is a function of the
 * count, the caseloads and the frame alone. */
static void candidate_sums(const struct an_estimate_row *e, long cases,
                           struct an_county_sums *s)
{
    memset(s, 0, sizeof *s);
    snprintf(s->fips, sizeof s->fips, "%s", e->fips);
    snprintf(s->name, sizeof s->name, "%s", e->county);
    s->has_frame = e->officers_total >= 0;
    s->officers_total = e->officers_total;
    s->youth_total = e->youth_total;
    s->respondents = e->respondents;
    s->caseload = e->measure == AN_MEASURE_OFFICER_ANY ? e->respondents : e->youth_n;
    s->caseload_sq = s->caseload * s->caseload;
    s->confirmed = s->any = s->officers_confirmed = cases;
    s->confirmed_sq = s->any_sq = cases * cases;
    s->confirmed_caseload = s->any_caseload = cases * s->caseload;
}

/* What the row would publish with `cases` in place of its count: hidden
 * the way a count like that is hidden. Returns false when the estimate
 * cannot be made. */
static bool candidate_row(const struct rep_report_input *in, const struct an_estimate_row *e,
                          long cases, long min_cell, struct rep_pub_row *out)
{
    struct an_county_sums s;
    struct an_estimate_row r[2];
    struct an_estimate_options opt = {
        .survey_year = e->survey_year, .measure = e->measure, .method = in->method,
        .level = in->level, .lonely = in->lonely, .has_frame = e->officers_total >= 0,
        .deff_cap = AN_DEFF_CAP_DEFAULT,   /* the report's rule (report_query.c) */
    };
    struct prev_error err;
    struct rep_protect_row p;
    struct rep_protect_cells c;
    enum rep_hide_reason why;

    candidate_sums(e, cases, &s);
    if (an_estimate_rows(&s, 1, &opt, r, &err) != 0)
        return false;
    p = (struct rep_protect_row){
        .has_data = r[0].respondents > 0 && r[0].has_estimate, .cases = r[0].cases,
        .has_total = r[0].has_total && isfinite(r[0].total_estimate),
        .total = r[0].total_estimate, .flag = r[0].flag, .denominator = r[0].youth_n,
    };
    if (rep_hides_small(p.cases, p.denominator, min_cell) ||
        (p.has_total && rep_is_small(rep_round_count(p.total), min_cell)))
        why = REP_HIDE_SMALL;
    else if (p.flag == AN_FLAG_SUPPRESS)
        why = REP_HIDE_NCHS;
    else
        why = REP_HIDE_COMPLEMENT;
    rep_protect_marks(&p, why, min_cell, &c);
    rep_pub_format_row(&r[0], &c, min_cell, out);
    return true;
}

static bool same_cells(const struct rep_pub_row *a, const struct rep_pub_row *b)
{
    /* The notes cell also carries the model-based keys (f, g, h), which
     * sae_protect.c decides; the direct keys follow from the marks. */
    for (int k = 0; k < REP_PUB_NCOLS; k++)
        if (k != REP_PUB_NOTES && strcmp(a->cell[k], b->cell[k]) != 0)
            return false;
    for (int n = REP_NOTE_SMALL; n <= REP_NOTE_NO_DATA; n++)
        if (a->notes[n] != b->notes[n])
            return false;
    return strcmp(a->reasons, b->reasons) == 0;
}

/* The symbol of a hidden count alone, for a row whose other cells depend
 * on how the cases spread over officers (not published): the reader then
 * knows what the symbol says and nothing more (docs/methods.md). */
static bool symbol_allows(const struct rep_pub_row *r, long v, long den, long min_cell)
{
    enum rep_mark m = r->marks.cases;
    if (rep_hides_small(v, den, min_cell))
        return m == REP_MARK_SMALL;
    if (m == REP_MARK_NCHS)
        return true;
    return m == REP_MARK_PROTECT && v >= min_cell;
}

static int add_var(struct builder *b, const struct rep_report_input *in,
                   const struct an_estimate_row *e, const struct rep_pub_row *pub, long min_cell,
                   size_t *index)
{
    struct rep_audit_var *x;
    struct rep_pub_row alt;
    long ub = e->youth_n, lo = 0, hi;
    bool determined;

    if (b->nvars == REP_AUDIT_MAX_VARS)
        return -1;
    x = &b->vars[b->nvars];
    memset(x, 0, sizeof *x);
    snprintf(x->name, sizeof x->name, "%s, %s", table_words(e->measure), e->county);
    x->truth = e->cases;
    x->prior_hi = ub;
    if (pub->marks.cases == REP_MARK_SMALL) {
        lo = rep_hides_small(0, e->youth_n, min_cell) ? 0 : 1;
        hi = ub < min_cell - 1 ? ub : min_cell - 1;
    } else {
        hi = ub;
        lo = pub->marks.cases == REP_MARK_NCHS ? 0 : min_cell;
    }
    x->lo = lo;
    x->hi = hi;
    /* A hidden 0 behind "*" identifies nobody (docs/methods.md); a count
     * that reads "<10" must keep its protection. */
    x->protect = rep_hides_small(e->cases, e->youth_n, min_cell);
    if (hi - lo + 1 > MAX_CANDIDATES) {
        snprintf(x->row_channel, sizeof x->row_channel, "its symbol");
        goto done;
    }
    if ((b->allowed[b->nvars] = malloc((size_t)(hi - lo + 1) * sizeof(long))) == NULL)
        return -1;
    x->allowed = b->allowed[b->nvars];
    /* Is the row a function of its count? Then every cell of it, for every
     * candidate count, is what a reader compares with the page. */
    determined = candidate_row(in, e, e->cases, min_cell, &alt) && same_cells(&alt, pub);
    snprintf(x->row_channel, sizeof x->row_channel, "%s",
             determined ? "its own row (symbols, flag, interval and reasons recomputed "
                          "for each count as if without sampling variance)"
                        : "its symbol");
    for (long v = lo; v <= hi; v++) {
        bool ok;
        if (determined)
            ok = candidate_row(in, e, v, min_cell, &alt) && same_cells(&alt, pub);
        else
            ok = symbol_allows(pub, v, e->youth_n, min_cell);
        if (ok)
            b->allowed[b->nvars][x->nallowed++] = v;
    }
done:
    *index = b->nvars++;
    return 0;
}

/* Bounds on the statewide proportion from what the page prints of it. */
struct bounds {
    double lo, hi;
};

static void add_ratio(struct builder *b, const char *channel, const size_t *var, const double *w,
                      size_t n, double den, double known, struct bounds p,
                      struct rep_pub_table *state_of)
{
    struct rep_audit_relation *r;

    if (b->nrel == sizeof b->rel / sizeof b->rel[0] || n == 0)
        return;
    b->rel_state_of[b->nrel] = state_of;
    r = &b->rel[b->nrel++];
    memset(r, 0, sizeof *r);
    snprintf(r->channel, sizeof r->channel, "%s", channel);
    for (size_t k = 0; k < n; k++) {
        r->var[k] = var[k];
        r->coef[k] = w[k];
    }
    r->n = n;
    r->lo = p.lo * den - known;
    r->hi = p.hi * den - known;
}

/* One published table into the builder: its hidden counts and the
 * relations over them. trend: the report's trend (main table only). */
static int add_table(struct builder *b, const struct rep_report_input *in,
                     const struct an_estimate_row *rows, struct rep_pub_table *t,
                     const struct rep_report_trend *trend)
{
    size_t nc = t->nrows - 1, var[REP_SUPPRESS_MAX_ROWS], nvar = 0;
    double w[REP_SUPPRESS_MAX_ROWS], ones[REP_SUPPRESS_MAX_ROWS];
    double den = 0, known_w = 0;
    long known_cases = 0;
    const struct an_estimate_row *s = &rows[nc];
    const struct rep_pub_row *sp = &t->row[nc];
    char ch[160];

    for (size_t i = 0; i < nc; i++) {
        const struct an_estimate_row *e = &rows[i];
        const struct rep_pub_row *r = &t->row[i];
        struct an_county_sums cs;
        struct an_stratum_moments m;

        if (e->respondents <= 0 || r->marks.cases == REP_MARK_NA)
            continue;
        /* The design's own weight and denominator for the county. */
        candidate_sums(e, e->cases, &cs);
        an_county_moments(&cs, e->measure, e->officers_total >= 0, &m);
        den += m.weight * (double)m.sx;
        if (r->marks.cases == REP_MARK_SHOW) {
            known_cases += e->cases;
            known_w += m.weight * (double)e->cases;
            continue;
        }
        if (add_var(b, in, e, r, t->min_cell, &var[nvar]) != 0)
            return -1;
        w[nvar] = m.weight;
        ones[nvar] = 1.0;
        nvar++;
    }
    if (sp->marks.cases == REP_MARK_SHOW && nvar > 0) {
        snprintf(ch, sizeof ch, "the %s's Arizona count (%ld) minus the counties shown",
                 table_words(t->measure), s->cases);
        add_ratio(b, ch, var, ones, nvar, 1.0, (double)known_cases,
                  (struct bounds){(double)s->cases, (double)s->cases}, NULL);
    }
    if (!sp->plotted || den <= 0)
        return 0;
    {
        double v = rep_printed_value(sp->cell[REP_PUB_ESTIMATE]);
        snprintf(ch, sizeof ch, "the %s's statewide percentage as printed (%s%%) with the "
                 "published weights and caseloads", table_words(t->measure),
                 sp->cell[REP_PUB_ESTIMATE]);
        add_ratio(b, ch, var, w, nvar, den, known_w, (struct bounds){v - 0.0005, v + 0.0005}, t);
    }
    if (sp->marks.total == REP_MARK_SHOW && s->has_total) {
        /* The frame of the responding counties (docs/methods.md, "Coverage
         * of the statewide figures"): the whole frame when all responded. */
        long officers = s->officers_covered >= 0 ? s->officers_covered : s->officers_total;
        long youth = s->youth_covered >= 0 ? s->youth_covered : s->youth_total;
        double base = t->measure == AN_MEASURE_OFFICER_ANY ? (double)officers
                                                           : (double)youth;
        double tot = (double)rep_round_count(s->total_estimate);
        if (base > 0) {
            snprintf(ch, sizeof ch, "the %s's statewide estimated total (%s of %.0f)",
                     table_words(t->measure), sp->cell[REP_PUB_TOTAL], base);
            add_ratio(b, ch, var, w, nvar, den, known_w,
                      (struct bounds){(tot - 0.5) / base, (tot + 0.5) / base}, t);
        }
    }
    if (trend != NULL && trend->trend->nyears >= 2) {
        char change[32];
        bool marked;
        const struct rep_pub_table *prev = &trend->years[trend->trend->nyears - 2];
        rep_report_change_cell(trend, nc, change, sizeof change, &marked);
        if (strcmp(change, "-") != 0 && prev->nrows == t->nrows) {
            double d = strtod(change, NULL) / 100.0;
            double pv = rep_printed_value(prev->row[nc].cell[REP_PUB_ESTIMATE]);
            if (isfinite(pv)) {
                snprintf(ch, sizeof ch, "the statewide change since the last survey (%s) "
                         "with that year's printed percentage", change);
                add_ratio(b, ch, var, w, nvar, den, known_w,
                          (struct bounds){pv - 0.0005 + d - 0.0005, pv + 0.0005 + d + 0.0005},
                          t);
            }
        }
    }
    return 0;
}

/* The trend as this year's tables publish it: a statewide rate the audit
 * hid is hidden in the chart and the change column too. */
void rep_report_trend_follow(struct rep_report_trend *t, const struct rep_pub_table *main)
{
    size_t last, state = main->nrows - 1;

    if (t->trend == NULL || t->trend->nyears < 1 || t->years == NULL)
        return;
    last = t->trend->nyears - 1;
    if (t->years[last].nrows == main->nrows && !main->row[state].plotted)
        t->years[last].row[state].plotted = false;
}

/* One pass of the audit over the tables as they stand. */
static int audit_once(const struct rep_report_input *in, struct rep_pub_table *main,
                      struct rep_pub_table *officers, struct builder *b,
                      struct rep_audit_finding *f, long *protection, struct prev_error *err)
{
    struct rep_report_trend trend;
    bool with_trend = false;
    int rc = 0;

    memset(&trend, 0, sizeof trend);
    if (in->trend != NULL) {
        if (rep_report_trend_prepare(in, &trend) != 0) {
            rc = prev_fail(err, PREV_EX_SOFTWARE, "", "disclosure audit: cannot protect "
                           "the earlier years");
            goto done;
        }
        rep_report_trend_follow(&trend, main);
        with_trend = true;
    }
    if (add_table(b, in, in->rows, main, with_trend ? &trend : NULL) != 0 ||
        add_table(b, in, in->officer_rows, officers, NULL) != 0) {
        rc = prev_fail(err, PREV_EX_SOFTWARE, "", "disclosure audit: out of memory");
        goto done;
    }
    struct rep_audit_problem p = {
        .min_cell = in->min_cell, .protection = in->protection > 0 ? in->protection
                                                                   : REP_PROTECTION_DEFAULT,
        .nvars = b->nvars, .nrel = b->nrel, .vars = b->vars, .rel = b->rel,
    };
    if (p.protection > 8)
        p.protection = 8;
    *protection = p.protection;
    if (rep_audit_run(&p, f) != 0)
        rc = prev_fail(err, PREV_EX_SOFTWARE, "", "disclosure audit: its model of the "
                       "publication does not hold for the data (a bug: please report it "
                       "with the survey year)");
done:
    if (with_trend)
        rep_report_trend_free(&trend);
    return rc;
}

int rep_audit_report(const struct rep_report_input *in, struct rep_pub_table *main,
                     struct rep_pub_table *officers, struct prev_error *err)
{
    struct builder *b = NULL;
    struct rep_audit_finding f;
    long protection = 0;
    int rc = 0;

    /* At most the two statewide rates can be hidden: three passes. */
    for (int pass = 0; pass < 3; pass++) {
        if (b != NULL)
            for (size_t i = 0; i < b->nvars; i++)
                free(b->allowed[i]);
        free(b);
        if ((b = calloc(1, sizeof *b)) == NULL) {
            rc = prev_fail(err, PREV_EX_SOFTWARE, "", "out of memory");
            goto done;
        }
        if ((rc = audit_once(in, main, officers, b, &f, &protection, err)) != 0 || f.safe)
            goto done;
        /* Complementary suppression of the statewide rate: a rate whose
         * printed precision, with the published weights, narrows a hidden
         * count is hidden (its count stays), and the audit runs again. */
        if (f.rel < 0 || b->rel_state_of[f.rel] == NULL ||
            !b->rel_state_of[f.rel]->row[b->rel_state_of[f.rel]->nrows - 1].plotted)
            break;
        rep_pub_hide_state_rate(b->rel_state_of[f.rel]);
    }
    {
        const struct rep_audit_var *x = &b->vars[f.var];
        char vals[80] = "";
        size_t used = 0;
        for (size_t k = 0; k < f.nfound && k < 8 && used < sizeof vals - 12; k++)
            used += (size_t)snprintf(vals + used, sizeof vals - used, "%s%ld",
                                     k > 0 ? ", " : "", f.values[k]);
        rc = prev_fail(err, PREV_EX_DATA, "", "disclosure audit: %s, the count: %s leaves "
                       "%zu possible value%s (%s), fewer than --protection %ld; nothing "
                       "written", x->name, f.channel,
                       f.nfound, f.nfound == 1 ? "" : "s", vals, protection);
    }
done:
    if (b != NULL)
        for (size_t i = 0; i < b->nvars; i++)
            free(b->allowed[i]);
    free(b);
    return rc;
}
