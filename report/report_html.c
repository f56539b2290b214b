/* report.html: one self-contained page for the Council. No script, no
 * external font, image or style sheet: inline CSS and SVG only, so it opens
 * offline and prints as it shows. Every number comes from the published
 * tables (publish_table.c); the methods section is written from the same
 * parameters and rules that produced them. */
#include "report_model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *measure_words(enum an_measure m)
{
    switch (m) {
    case AN_MEASURE_CONFIRMED:
        return "confirmed minor victims of sex trafficking";
    case AN_MEASURE_ANY:
        return "confirmed or suspected minor victims of sex trafficking";
    case AN_MEASURE_OFFICER_ANY:
        return "officers with at least one confirmed victim on their caseload";
    case AN_MEASURE_N:
        break;
    }
    return "?";
}

const char *rep_design_method_description(enum an_design_method m)
{
    switch (m) {
    case AN_DESIGN_KORN_GRAUBARD:
        return "Korn-Graubard: a Clopper-Pearson (exact binomial) interval computed on the "
               "effective sample size, with the degrees-of-freedom adjustment of Korn and "
               "Graubard (1998); what NCHS uses and R's svyciprop(method = \"beta\")";
    case AN_DESIGN_WILSON:
        return "Wilson score interval on the effective sample size "
               "(R survey's svyciprop(method = \"wilson\"))";
    case AN_DESIGN_LOGIT:
        return "logit interval: a t interval on the log-odds, transformed back "
               "(R's svyciprop(method = \"xlogit\"))";
    case AN_DESIGN_WALD:
        return "Wald interval: estimate plus or minus t times the standard error "
               "(R's svyciprop(method = \"mean\"))";
    case AN_DESIGN_N_METHODS:
        break;
    }
    return "?";
}

static const char *lonely_words(enum an_lonely_psu r)
{
    switch (r) {
    case AN_LONELY_ADJUST:
        return "adjust: a county with a single respondent contributes its deviation from the "
               "statewide mean to the variance (R's options(survey.lonely.psu = \"adjust\"))";
    case AN_LONELY_CERTAINTY:
        return "certainty: a county with a single respondent contributes no variance";
    case AN_LONELY_FAIL:
        return "fail: a county with a single respondent stops the estimate";
    }
    return "?";
}

static const char css[] =
    "body{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,\"DejaVu Sans\",Arial,"
    "sans-serif;color:#1a1a1a;max-width:1080px;margin:0 auto;padding:24px 28px;"
    "line-height:1.45;background:#fff}\n"
    "h1{font-size:1.7em;margin:0 0 .2em}h2{font-size:1.25em;border-bottom:2px solid #08519c;"
    "padding-bottom:4px;margin-top:2em}h3{font-size:1.05em}\n"
    ".meta{color:#555;margin:.2em 0}.kicker{text-transform:uppercase;letter-spacing:.08em;"
    "font-size:.8em;color:#08519c;margin:0}\n"
    ".coverage{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));"
    "gap:2px 16px;font-size:.9em;margin:.6em 0;padding:0;list-style:none}\n"
    ".coverage li{display:flex;justify-content:space-between;border-bottom:1px dotted #ccc}\n"
    ".headline{display:flex;flex-wrap:wrap;gap:24px;margin:1.2em 0}\n"
    ".card{flex:1 1 300px;background:#f2f6fb;border-left:6px solid #08519c;padding:14px 18px}\n"
    ".card .big{font-size:2.4em;font-weight:700;color:#08519c;line-height:1.1}\n"
    ".card .ci{color:#333}\n.coverage-note{flex:1 1 100%;margin:0;padding:8px 12px;"
    "background:#fff4e5;border-left:6px solid #b35806}\n"
    "table{border-collapse:collapse;width:100%;font-size:.88em;margin:.6em 0}\n"
    "th,td{padding:4px 6px;border-bottom:1px solid #ddd;text-align:right;"
    "font-variant-numeric:tabular-nums}\n"
    "th{background:#f2f6fb;vertical-align:bottom}th:first-child,td:first-child{text-align:left}"
    "\n"
    ".key-findings{border:2px solid #08519c;padding:4px 18px;margin:1em 0}"
    ".key-findings h3{margin:.5em 0 .2em}.key-findings li{margin:.25em 0}\n"
    "td .ci{display:block;font-size:.88em;color:#444;white-space:nowrap}\n"
    ".tablewrap{max-width:100%}\n"
    "tr.state td{font-weight:700;border-top:2px solid #888}\n"
    "td.change.marked{font-weight:700}\n"
    ".notes{font-size:.85em;color:#333}.notes li{margin:.2em 0}\n"
    "figure{margin:1em 0}figcaption{font-size:.85em;color:#555}\n"
    "svg{max-width:100%;height:auto;font-family:inherit}\n"
    ".methods p,.methods li{font-size:.92em}\n"
    "th.model{background:#f1ecf7}td.model{color:#4a2570}.model-intro{font-size:.92em}\n"
    "code{font-size:.9em}\n"
    ".synthetic{border:3px solid #b00020;color:#b00020;font-weight:700;font-size:1.1em;"
    "padding:8px 12px;text-align:center;margin:0 0 1em}\n"
    "footer{margin-top:3em;font-size:.8em;color:#555;border-top:1px solid #ccc;padding-top:8px}"
    "\n"
    /* Paper: each section on a new page; never a break inside a table row,
     * a figure or a card; header rows repeat on every page a table spans;
     * the footer (survey year, page number) is the @page rule the page
     * writes with its year (print_rules). */
    "@media print{body{max-width:none;padding:0;font-size:10pt}"
    "section>h2{break-before:page}h2,h3{break-after:avoid}"
    "tr,figure,.card,.coverage-note,.key-findings{break-inside:avoid}"
    "thead{display:table-header-group}tfoot{display:table-footer-group}"
    "svg{max-height:9in}footer{break-inside:avoid}}\n";

/* The page's print footer: survey year left, page number right. Chromium
 * (--print-to-pdf, and a reader's own print dialog) prints @page margin
 * boxes. */
static void print_rules(FILE *out, int survey_year, bool synthetic)
{
    /* Synthetic data: said at the top of every printed page too. */
    if (synthetic)
        fputs("@page{@top-center{content:\"" REP_SYNTHETIC_BANNER "\";font-size:10pt;"
              "font-weight:700;color:#b00020}}\n", out);
    fprintf(out, "@page{size:auto;margin:15mm 15mm 18mm 15mm;"
                 "@bottom-left{content:\"Minor victims of sex trafficking on juvenile probation, "
                 "Arizona, survey year %d\";font-size:8pt;color:#555}"
                 "@bottom-right{content:\"Page \" counter(page) \" of \" counter(pages);"
                 "font-size:8pt;color:#555}}\n", survey_year);
}

/* "2.3% (95% CI 1.8% to 2.9%)" from a published row, or the reason it is
 * not shown. */
static void rate_sentence(FILE *out, const struct rep_pub_row *r, double level, const char *id)
{
    if (!r->plotted) {
        fputs("<div class=\"big\">suppressed</div><div class=\"ci\">", out);
        if (r->notes[REP_NOTE_NO_DATA])
            fputs("no respondents", out);
        else if (r->notes[REP_NOTE_NCHS])
            fputs("not reliable enough to publish (NCHS standard)", out);
        else
            fputs("hidden to protect small numbers", out);
        fputs("</div>", out);
        return;
    }
    fprintf(out, "<div class=\"big\" id=\"%s\">%s%%</div>", id, r->cell[REP_PUB_ESTIMATE]);
    fprintf(out, "<div class=\"ci\">%.0f%% confidence interval %s%% to %s%%</div>", level * 100,
            r->cell[REP_PUB_CI_LOW], r->cell[REP_PUB_CI_HIGH]);
}

static void cell(FILE *out, const char *s)
{
    fputs("<td>", out);
    rep_html_text(out, s);
    fputs("</td>", out);
}

/* A count for people: thousands separated ("1,277"), symbols as they are. */
static void count_cell(FILE *out, const char *s)
{
    fputs("<td>", out);
    rep_html_count(out, s);
    fputs("</td>", out);
}

/* "6.1%" with its interval on the line below, or the row's symbol. */
static void rate_cell(FILE *out, bool shown, const char *est, const char *lo, const char *hi,
                      const char *cls)
{
    fprintf(out, "<td%s%s%s>", cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
    if (shown) {
        fprintf(out, "%s%%<span class=\"ci\"> (%s%% to %s%%)</span>", est, lo, hi);
    } else {
        rep_html_text(out, est);
    }
    fputs("</td>", out);
}

/* The footnotes a table's rows use, and the reasons of every row that
 * has them (the model-based ones under the model table). */
/* The NCHS and model rules (analysis/nchs.c, analysis/sae.c) in words a
 * reader without statistics can use; the rules' own terms (degrees of
 * freedom, relative CI width) are explained in the Methods section. */
static const char *const reason_words[][2] = {
    {"effective sample size below 30", "Too few responses behind the estimate"},
    {"absolute CI width 0.30 or more", "The range of likely values is 30 percentage points "
                                       "wide or more"},
    {"relative CI width above 130%", "The range of likely values is wide compared with the "
                                     "estimate itself"},
    {"degrees of freedom below 8", "Too few responding officers to judge the uncertainty "
                                   "well"},
    {"estimate is 0 or 100%", "An estimate of 0% or 100%"},
    {"complement unreliable", "The share of youth who are not victims is itself uncertain"},
    {"no model-based estimate", "The model gives no estimate"},
    {"model fit did not converge", "The model could not be fitted"},
    {"no confidence interval", "No range of likely values"},
    {"synthetic estimate (no respondents)", "No officer answered: the value is the model's "
                                            "prediction alone"},
    {"standardized residual above 3", "The county fits the model poorly"},
    {"estimate is 0", "An estimate of 0%"},
};

static const char *plain_reason(const char *reason)
{
    for (size_t k = 0; k < sizeof reason_words / sizeof reason_words[0]; k++)
        if (strcmp(reason, reason_words[k][0]) == 0)
            return reason_words[k][1];
    return reason;
}

/* Does the "; "-separated list have this reason? */
static bool has_reason(const char *list, const char *reason)
{
    size_t len = strlen(reason);

    for (const char *p = list; (p = strstr(p, reason)) != NULL; p += len)
        if ((p == list || (p >= list + 2 && p[-2] == ';')) &&
            (p[len] == '\0' || p[len] == ';'))
            return true;
    return false;
}

/* The reasons under a table, once per kind of reason and footnote, with
 * the counties it applies to: "b: too few responses behind the estimate:
 * Apache, Graham". The rule's own phrase is kept in data-reason (for
 * tests/report/attacker.py, which reads what a reader could). */
static void write_reasons(FILE *out, const struct rep_pub_table *t, bool model)
{
    char seen[32][128];
    size_t nseen = 0;

    for (size_t i = 0; i < t->nrows; i++) {
        const char *list = model ? (t->has_sae ? t->sae[i].reasons : "") : t->row[i].reasons;
        const char *p = list;
        while (*p != '\0') {
            const char *end = strstr(p, "; ");
            size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
            char reason[128];
            bool dup = false;
            snprintf(reason, sizeof reason, "%.*s", (int)len, p);
            p += len + (end != NULL ? 2 : 0);
            for (size_t k = 0; k < nseen && !dup; k++)
                dup = strcmp(seen[k], reason) == 0;
            if (dup || nseen == sizeof seen / sizeof seen[0])
                continue;
            snprintf(seen[nseen++], sizeof seen[0], "%s", reason);
            for (int pass = 0; pass < 2; pass++) {
                /* per footnote: suppressed (b, f) or shown for review (d, h) */
                bool first = true;
                enum rep_note key;
                for (size_t j = 0; j < t->nrows; j++) {
                    bool review;
                    const char *l2 = model ? (t->has_sae ? t->sae[j].reasons : "")
                                           : t->row[j].reasons;
                    if (!has_reason(l2, reason))
                        continue;
                    review = model ? t->sae[j].shown == REP_SAE_SHOWN
                                   : !t->row[j].notes[REP_NOTE_NCHS];
                    if (review != (pass == 1))
                        continue;
                    key = model ? (review ? REP_NOTE_SAE_REVIEW : REP_NOTE_SAE_NCHS)
                                : (review ? REP_NOTE_REVIEW : REP_NOTE_NCHS);
                    if (first) {
                        fprintf(out, "<li class=\"reason%s\" data-reason=\"",
                                model ? " model" : "");
                        rep_html_text(out, reason);
                        fprintf(out, "\"><sup>%s</sup> ", rep_note_key(key));
                        if (model)
                            fputs("Model-based: ", out);
                        rep_html_text(out, plain_reason(reason));
                        fputs(": ", out);
                    }
                    fputs(first ? "" : ", ", out);
                    rep_html_text(out, t->row[j].cell[REP_PUB_COUNTY]);
                    first = false;
                }
                if (!first)
                    fputs("</li>\n", out);
            }
        }
    }
}

static void write_notes(FILE *out, const struct rep_pub_table *t, bool model)
{
    char text[600];

    for (int n = 0; n < REP_NOTE_N; n++) {
        bool is_model = n >= REP_NOTE_SAE_NCHS;
        if (!t->used[n] || is_model != model)
            continue;
        rep_note_text((enum rep_note)n, t, text, sizeof text);
        fprintf(out, "<li><sup>%s</sup> ", rep_note_key((enum rep_note)n));
        rep_html_text(out, text);
        fputs("</li>\n", out);
    }
    write_reasons(out, t, model);
}

/* The county name with its footnote keys. */
static void county_cell(FILE *out, const char *county, const char *keys)
{
    fputs("<td>", out);
    rep_html_text(out, county);
    if (keys[0] != '\0') {
        fputs("<sup>", out);
        rep_html_text(out, keys);
        fputs("</sup>", out);
    }
    fputs("</td>", out);
}

/* The flag cell in words for the page (the CSV keeps the codes). */
static const char *reliability_words(const char *flag)
{
    if (strcmp(flag, "present") == 0)
        return "reliable";
    if (strcmp(flag, "review") == 0)
        return "use with caution";
    if (strcmp(flag, "suppress") == 0)
        return "not shown: too uncertain";
    if (strcmp(flag, "hidden") == 0)
        return "not shown: small numbers";
    if (strcmp(flag, "no data") == 0)
        return "no responses";
    return flag;
}

/* "December 4, 2026" from "2026-12-04T22:29:12Z"; the text as it is when
 * it is not such a date. */
static void date_words(FILE *out, const char *iso)
{
    static const char *const months[] = {"January", "February", "March", "April", "May",
                                         "June", "July", "August", "September", "October",
                                         "November", "December"};
    int y, m, d;

    if (sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) == 3 && m >= 1 && m <= 12 && d >= 1 && d <= 31)
        fprintf(out, "%s %d, %d", months[m - 1], d, y);
    else
        rep_html_text(out, iso);
}

/* The direct estimates of a published table, seven columns at most so
 * that it fits a screen of 1280 px and a portrait page: each interval
 * under its estimate; the model-based estimates and the change over time
 * have tables of their own (write_model_table, write_change_table). */
static void write_table(FILE *out, const struct rep_pub_table *t, const char *id, double level)
{
    bool officers = t->measure == AN_MEASURE_OFFICER_ANY;

    fprintf(out, "<div class=\"tablewrap\"><table id=\"%s\">\n<thead><tr><th>County</th>"
                 "<th>Officers who responded (share)</th>", id);
    if (!officers)
        fputs("<th>Youth on their caseloads</th><th>Victims identified</th>", out);
    else
        fputs("<th>Officers with a confirmed victim</th>", out);
    fprintf(out, "<th>%s (%.0f%% CI)</th>", officers ? "Share of officers" : "Estimate",
            level * 100);
    fprintf(out, "<th>%s (%.0f%% CI)</th><th>Reliability</th>",
            officers ? "Estimated officers with a confirmed victim"
                     : "Estimated victims on probation",
            level * 100);
    fputs("</tr></thead>\n<tbody>\n", out);
    for (size_t i = 0; i < t->nrows; i++) {
        const struct rep_pub_row *r = &t->row[i];
        bool state = i + 1 == t->nrows;
        fprintf(out, "<tr%s data-fips=\"%s\">", state ? " class=\"state\"" : "",
                r->cell[REP_PUB_FIPS]);
        county_cell(out, r->cell[REP_PUB_COUNTY], r->cell[REP_PUB_NOTES]);
        fputs("<td>", out);
        rep_html_count(out, r->cell[REP_PUB_RESPONDENTS]);
        fputs(" of ", out);
        rep_html_count(out, r->cell[REP_PUB_OFFICERS]);
        if (strcmp(r->cell[REP_PUB_COVERAGE], "-") != 0)
            fprintf(out, "<span class=\"ci\"> (%s%%)</span>", r->cell[REP_PUB_COVERAGE]);
        fputs("</td>", out);
        if (!officers)
            count_cell(out, r->cell[REP_PUB_YOUTH_N]);
        count_cell(out, r->cell[REP_PUB_CASES]);
        rate_cell(out, r->plotted, r->cell[REP_PUB_ESTIMATE], r->cell[REP_PUB_CI_LOW],
                  r->cell[REP_PUB_CI_HIGH], NULL);
        fputs("<td>", out);
        rep_html_count(out, r->cell[REP_PUB_TOTAL]);
        if (r->marks.total == REP_MARK_SHOW) {
            fputs("<span class=\"ci\"> (", out);
            rep_html_count(out, r->cell[REP_PUB_TOTAL_CI_LOW]);
            fputs(" to ", out);
            rep_html_count(out, r->cell[REP_PUB_TOTAL_CI_HIGH]);
            fputs(")</span>", out);
        }
        fputs("</td>", out);
        cell(out, reliability_words(r->cell[REP_PUB_FLAG]));
        fputs("</tr>\n", out);
    }
    fputs("</tbody></table></div>\n<ul class=\"notes\">\n", out);
    write_notes(out, t, false);
    fputs("</ul>\n", out);
}

/* The model-based estimates, one row per county (the state: "-"). */
static void write_model_table(FILE *out, const struct rep_pub_table *t, double level)
{
    fputs("<section id=\"model-based\">\n<h2>Model-based estimates</h2>\n", out);
    fprintf(out, "<div class=\"tablewrap\"><table id=\"model-table\">\n<thead><tr>"
                 "<th>County</th><th class=\"model\">Model-based estimate (%.0f%% CI)</th>"
                 "<th class=\"model\">Reliability of the model-based estimate</th></tr></thead>"
                 "\n<tbody>\n", level * 100);
    for (size_t i = 0; i < t->nrows; i++) {
        const struct rep_pub_sae_row *m = &t->sae[i];
        fprintf(out, "<tr%s data-fips=\"%s\">", i + 1 == t->nrows ? " class=\"state\"" : "",
                t->row[i].cell[REP_PUB_FIPS]);
        cell(out, t->row[i].cell[REP_PUB_COUNTY]);
        rate_cell(out, m->plotted, m->cell[REP_PUB_SAE_ESTIMATE], m->cell[REP_PUB_SAE_CI_LOW],
                  m->cell[REP_PUB_SAE_CI_HIGH], "model");
        fprintf(out, "<td class=\"model\">%s</td></tr>\n", m->cell[REP_PUB_SAE_FLAG]);
    }
    fputs("</tbody></table></div>\n<ul class=\"notes\">\n", out);
    write_notes(out, t, true);
    fputs("</ul>\n</section>\n", out);
}

/* The change since the previous survey, one row per county. */
static void write_change_table(FILE *out, const struct rep_pub_table *t, double level,
                               const struct rep_report_trend *trend)
{
    int from = trend->trend->years[trend->trend->nyears - 2];
    int to = trend->trend->years[trend->trend->nyears - 1];

    fprintf(out, "<section id=\"change\">\n<h2>Change since %d</h2>\n", from);
    fprintf(out, "<div class=\"tablewrap\"><table id=\"change-table\">\n<thead><tr>"
                 "<th>County</th><th class=\"change\">Change since %d (percentage points)"
                 "<sup>t</sup></th></tr></thead>\n<tbody>\n", from);
    for (size_t i = 0; i < t->nrows; i++) {
        char change[32];
        bool marked;
        rep_report_change_cell(trend, i, change, sizeof change, &marked);
        fprintf(out, "<tr%s data-fips=\"%s\">", i + 1 == t->nrows ? " class=\"state\"" : "",
                t->row[i].cell[REP_PUB_FIPS]);
        cell(out, t->row[i].cell[REP_PUB_COUNTY]);
        fprintf(out, "<td class=\"change%s\">%s</td></tr>\n", marked ? " marked" : "", change);
    }
    fputs("</tbody></table></div>\n<ul class=\"notes\">\n", out);
    fprintf(out, "<li><sup>t</sup> Change in the estimate from %d to %d, in percentage "
            "points. &#9650; or &#9660; marks a change whose %.0f%% confidence interval "
            "excludes zero (each year is a separate sample: the variances add; no "
            "adjustment for the %zu rows tested together). \"-\": not shown, because "
            "the estimate of either year is suppressed or hidden.</li>\n</ul>\n</section>\n",
            from, to, level * 100, t->nrows);
}

static void write_header(FILE *out, const struct rep_report_input *in,
                         const struct rep_pub_table *t)
{
    fprintf(out, "<header>\n<p class=\"kicker\">JJSD caseload survey of juvenile probation "
                 "officers</p>\n<h1>Minor victims of sex trafficking among youth on juvenile "
                 "probation in Arizona, survey year %d</h1>\n", in->survey_year);
    fputs("<p class=\"meta\">Data as of <time id=\"data-as-of\">", out);
    if (in->data_as_of[0] != '\0')
        date_words(out, in->data_as_of);
    else
        fputs("unknown", out);
    fputs("</time> &middot; generated ", out);
    date_words(out, in->generated_at);
    fputs(" by prevalence ", out);
    rep_html_text(out, in->tool_version);
    if (in->git_commit[0] != '\0') {
        fputs(" (", out);
        rep_html_text(out, in->git_commit);
        fputs(")", out);
    }
    fputs("</p>\n<h3>Response coverage</h3>\n<ul class=\"coverage\" id=\"coverage\">\n", out);
    for (size_t i = 0; i + 1 < t->nrows; i++) {
        const struct rep_pub_row *r = &t->row[i];
        fputs("<li><span>", out);
        rep_html_text(out, r->cell[REP_PUB_COUNTY]);
        fprintf(out, "</span><span>%s of %s", r->cell[REP_PUB_RESPONDENTS],
                r->cell[REP_PUB_OFFICERS]);
        if (strcmp(r->cell[REP_PUB_COVERAGE], "-") != 0)
            fprintf(out, " (%s%%)", r->cell[REP_PUB_COVERAGE]);
        fputs("</span></li>\n", out);
    }
    fputs("</ul>\n</header>\n", out);
}

/* The counties without respondents, "Maricopa and Pima", for the
 * headline; returns how many. */
static size_t missing_counties(const struct rep_report_input *in, char *buf, size_t size)
{
    size_t n = 0, total = 0, len = 0;

    for (size_t i = 0; i < in->ncounties; i++)
        total += in->rows[i].respondents > 0 ? 0 : 1;
    buf[0] = '\0';
    for (size_t i = 0; i < in->ncounties && len < size; i++) {
        if (in->rows[i].respondents > 0)
            continue;
        n++;
        len += (size_t)snprintf(buf + len, size - len, "%s%s",
                                n == 1 ? "" : n == total ? " and " : ", ", in->rows[i].county);
    }
    return n;
}

static void write_headline(FILE *out, const struct rep_report_input *in,
                           const struct rep_pub_table *t)
{
    const struct rep_pub_row *s = &t->row[t->nrows - 1];
    const struct an_estimate_row *e = &in->rows[t->nrows - 1];
    char missing[400], base[32], reason[96];
    size_t nmissing = missing_counties(in, missing, sizeof missing);
    bool partial = nmissing > 0 && e->youth_covered >= 0;

    if (e->low_coverage) {
        /* Below --min-coverage there is no statewide figure at all: the
         * responding counties are not Arizona. */
        an_coverage_reason(e->coverage_youth, reason, sizeof reason);
        fputs("<section id=\"headline\" class=\"headline\">\n<div class=\"card\">\n"
              "<div>Share of youth on juvenile probation who are ", out);
        rep_html_text(out, measure_words(in->measure));
        fputs(", statewide</div>\n<div class=\"big\" id=\"headline-estimate\">not available"
              "</div>\n<div class=\"ci\" id=\"headline-coverage\">No statewide estimate: ", out);
        rep_html_text(out, reason);
        fprintf(out, " (at least %.0f%% are needed). No responses were received from ",
                in->min_coverage * 100);
        rep_html_text(out, missing);
        fputs(". The county estimates below are shown where their own data allow.</div>\n"
              "</div>\n</section>\n", out);
        return;
    }
    fputs("<section id=\"headline\" class=\"headline\">\n<div class=\"card\">\n", out);
    fputs("<div>Share of youth on juvenile probation who are ", out);
    rep_html_text(out, measure_words(in->measure));
    fputs(partial ? ", in the counties that responded</div>\n" : ", statewide</div>\n", out);
    rate_sentence(out, s, in->level, "headline-estimate");
    fputs("\n</div>\n<div class=\"card\">\n", out);
    if (partial) {
        snprintf(base, sizeof base, "%ld", e->youth_covered);
        fputs("<div>Estimated number of such youth among the ", out);
        rep_html_count(out, base);
        fputs(" youth on probation in the counties that responded</div>\n", out);
    } else {
        fputs("<div>Estimated number of such youth among all youth on probation", out);
        if (e->youth_total > 0) {
            snprintf(base, sizeof base, "%ld", e->youth_total);
            fputs(" (", out);
            rep_html_count(out, base);
            fputs(")", out);
        }
        fputs("</div>\n", out);
    }
    if (s->marks.total == REP_MARK_SHOW) {
        fputs("<div class=\"big\" id=\"headline-total\">", out);
        rep_html_count(out, s->cell[REP_PUB_TOTAL]);
        fprintf(out, "</div><div class=\"ci\">%.0f%% confidence interval ", in->level * 100);
        rep_html_count(out, s->cell[REP_PUB_TOTAL_CI_LOW]);
        fputs(" to ", out);
        rep_html_count(out, s->cell[REP_PUB_TOTAL_CI_HIGH]);
        fputs("</div>", out);
    } else if (s->marks.total == REP_MARK_NA) {
        fputs("<div class=\"big\">-</div><div class=\"ci\">no survey frame for the year: "
              "the number of youth on probation is unknown</div>", out);
    } else {
        fputs("<div class=\"big\">", out);
        rep_html_text(out, s->cell[REP_PUB_TOTAL]);
        fputs("</div><div class=\"ci\">hidden to protect small numbers</div>", out);
    }
    fputs("\n</div>\n", out);
    if (nmissing > 0) {
        /* The number is never extrapolated to a county that sent nothing. */
        fputs("<p class=\"coverage-note\" id=\"headline-coverage\">No responses were received "
              "from ", out);
        rep_html_text(out, missing);
        if (partial)
            fprintf(out, ". These figures describe only the youth on probation in the %zu "
                         "counties that responded (%.0f%% of all youth on probation in the "
                         "state); they are not an estimate for ",
                    in->ncounties - nmissing, floor(e->coverage_youth * 100));
        else
            fputs(". These figures describe only the counties that responded; they are not "
                  "an estimate for ", out);
        rep_html_text(out, missing);
        fputs(".</p>\n", out);
    }
    fputs("</section>\n", out);
}

/* "Key findings": three to five sentences for a reader who reads nothing
 * else, written from the published cells only (no number the tables do
 * not print). */
static void write_key_findings(FILE *out, const struct rep_report_input *in,
                               const struct rep_pub_table *t,
                               const struct rep_report_trend *trend)
{
    const struct rep_pub_row *s = &t->row[t->nrows - 1];
    const struct an_estimate_row *e = &in->rows[t->nrows - 1];
    size_t shown = 0, small = 0, uncertain = 0, nodata = 0, nc = t->nrows - 1;
    char missing[400], reason[96];
    size_t nmissing = missing_counties(in, missing, sizeof missing);

    for (size_t i = 0; i < nc; i++) {
        const struct rep_pub_row *r = &t->row[i];
        if (r->plotted)
            shown++;
        else if (r->notes[REP_NOTE_NO_DATA])
            nodata++;
        else if (r->notes[REP_NOTE_SMALL] || r->notes[REP_NOTE_PROTECT])
            small++;
        else
            uncertain++;
    }
    fputs("<section id=\"key-findings\" class=\"key-findings\">\n<h3>Key findings</h3>\n<ul>\n",
          out);
    fputs("<li>", out);
    if (e->low_coverage) {
        an_coverage_reason(e->coverage_youth, reason, sizeof reason);
        fputs("There is no statewide estimate this year: ", out);
        rep_html_text(out, reason);
        fputs(".", out);
    } else if (s->plotted) {
        fprintf(out, "An estimated %s%% of youth on juvenile probation%s are ",
                s->cell[REP_PUB_ESTIMATE], nmissing > 0 ? " in the counties that responded" : "");
        rep_html_text(out, measure_words(in->measure));
        fprintf(out, " (%.0f%% confidence interval %s%% to %s%%)", in->level * 100,
                s->cell[REP_PUB_CI_LOW], s->cell[REP_PUB_CI_HIGH]);
        if (s->marks.total == REP_MARK_SHOW) {
            fputs(": about ", out);
            rep_html_count(out, s->cell[REP_PUB_TOTAL]);
            fputs(" youth (", out);
            rep_html_count(out, s->cell[REP_PUB_TOTAL_CI_LOW]);
            fputs(" to ", out);
            rep_html_count(out, s->cell[REP_PUB_TOTAL_CI_HIGH]);
            fputs(")", out);
        }
        fputs(".", out);
    } else {
        fputs("The statewide estimate is not shown this year: it is too uncertain or would "
              "reveal small numbers.", out);
    }
    fputs("</li>\n", out);
    fprintf(out, "<li>Estimates can be shown for %zu of the %zu counties", shown, nc);
    if (small + uncertain + nodata > 0) {
        bool first = true;
        fputs("; ", out);
        if (small > 0) {
            fprintf(out, "%zu %s hidden to protect small numbers", small,
                    small == 1 ? "is" : "are");
            first = false;
        }
        if (uncertain > 0) {
            fprintf(out, "%s%zu %s too uncertain to publish", first ? "" : ", ", uncertain,
                    uncertain == 1 ? "is" : "are");
            first = false;
        }
        if (nodata > 0)
            fprintf(out, "%s%zu sent no responses", first ? "" : ", ", nodata);
    }
    fputs(".</li>\n", out);
    if (trend != NULL) {
        char change[32];
        bool marked;
        int from = trend->trend->years[trend->trend->nyears - 2];
        rep_report_change_cell(trend, nc, change, sizeof change, &marked);
        if (marked)
            fprintf(out, "<li>Since %d the statewide estimate has %s by %.1f percentage "
                         "points, more than chance alone would explain.</li>\n", from,
                    change[0] == '-' ? "fallen" : "risen", fabs(strtod(change, NULL)));
        else if (strcmp(change, "-") != 0)
            fprintf(out, "<li>The statewide estimate has not changed significantly since "
                         "%d.</li>\n", from);
    }
    fputs("<li>", out);
    rep_html_count(out, s->cell[REP_PUB_RESPONDENTS]);
    fputs(" of ", out);
    rep_html_count(out, s->cell[REP_PUB_OFFICERS]);
    fputs(" juvenile probation officers", out);
    if (strcmp(s->cell[REP_PUB_COVERAGE], "-") != 0)
        fprintf(out, " (%s%%)", s->cell[REP_PUB_COVERAGE]);
    fputs(" answered the survey; ", out);
    if (nmissing == 0) {
        fprintf(out, "all %zu counties responded.", nc);
    } else {
        fputs("no responses came from ", out);
        rep_html_text(out, missing);
        fputs(", so the figures do not cover their youth.", out);
    }
    fputs("</li>\n</ul>\n</section>\n", out);
}

static void write_officers(FILE *out, const struct rep_report_input *in,
                           const struct rep_pub_table *t)
{
    const struct rep_pub_row *s = &t->row[t->nrows - 1];

    fputs("<section id=\"officers\">\n<h2>Officers who identified at least one victim</h2>\n"
          "<p>The same survey read at the level of the respondent: the share of probation "
          "officers with at least one confirmed victim on their caseload. It does not depend "
          "on caseload size and so complements the youth-level prevalence.</p>\n"
          "<div class=\"headline\"><div class=\"card\"><div>Share of officers, statewide</div>",
          out);
    rate_sentence(out, s, in->level, "officer-estimate");
    fputs("</div></div>\n", out);
    write_table(out, t, "officer-table", in->level);
    fputs("</section>\n", out);
}

static void write_methods(FILE *out, const struct rep_report_input *in,
                          const struct rep_pub_table *t)
{
    char nchs_suppress[400], nchs_review[200];

    fputs("<section id=\"methods\" class=\"methods\">\n<h2>Methods and notes</h2>\n", out);
    fputs("<h3>Survey design</h3>\n<p>Every juvenile probation officer in Arizona is asked, "
          "once a year, how many youth on their caseload are confirmed (and suspected) minor "
          "victims of sex trafficking. Each county is a stratum and each responding officer a "
          "primary sampling unit. ", out);
    if (in->has_frame)
        fputs("Officers are weighted by the number of officers in their county over the "
              "number who responded, with a finite population correction from the same "
              "frame, so a county where most officers answered has little sampling error. ",
              out);
    else
        fputs("No survey frame was loaded for this year: officers are weighted equally, "
              "there is no finite population correction, and estimated numbers of victims "
              "cannot be given. ", out);
    fputs("The youth-level prevalence is a ratio estimator (weighted victims over weighted "
          "caseloads) with a Taylor-linearized standard error, as R's <code>survey</code> "
          "package computes it (<code>svyratio</code>). The partner bundle from "
          "<code>prevalence export</code> recomputes in R every number this report "
          "publishes: the direct estimates with their intervals and reliability flags, "
          "both published tables cell for cell, the changes since earlier surveys and the "
          "trend slopes, and the model-based estimates with their error and intervals; it "
          "names each rule where these figures deliberately differ from R's "
          "<code>survey</code> package. The disclosure checks' decisions are checked "
          "against R's rules, not recomputed.</p>\n", out);
    fputs("<h3>Intervals</h3>\n<p>", out);
    fprintf(out, "%.0f%% confidence intervals by the ", in->level * 100);
    rep_html_text(out, rep_design_method_description(in->method));
    fputs(". Degrees of freedom are the number of respondents minus the number of counties "
          "in the domain. Estimated numbers of victims are the prevalence times the number of "
          "youth on probation in the frame, with the interval scaled the same way. Counties "
          "with a single respondent: ", out);
    rep_html_text(out, lonely_words(in->lonely));
    fputs(".</p>\n", out);
    an_nchs_describe(nchs_suppress, sizeof nchs_suppress, nchs_review, sizeof nchs_review);
    fputs("<h3>Reliability (NCHS standard)</h3>\n<p>Each estimate is checked against the "
          "National Center for Health Statistics Data Presentation Standards for Proportions "
          "(Parker et al. 2017). ", out);
    rep_html_text(out, nchs_suppress);
    fputc(' ', out);
    rep_html_text(out, nchs_review);
    fputs("</p>\n", out);
    /* The terms the tables' notes put in plain words, explained once. */
    fputs("<dl class=\"terms\" id=\"terms\">\n"
          "<dt>Effective sample size</dt><dd>the number of responses the estimate is worth "
          "once the survey design is taken into account (NCHS: at least 30).</dd>\n"
          "<dt>Degrees of freedom</dt><dd>how much information the responses give about the "
          "estimate's own uncertainty: here the number of responding officers minus the number "
          "of counties (NCHS: at least 8, or the estimate is shown for review).</dd>\n"
          "<dt>Absolute and relative CI width</dt><dd>the width of the confidence interval "
          "(the range of likely values) in percentage points, and as a share of the estimate; "
          "NCHS suppresses an estimate whose interval is 30 points wide or more, or wider "
          "than 130% of the estimate.</dd>\n"
          "<dt>PSU, lonely PSU</dt><dd>a primary sampling unit is the unit the sample is "
          "drawn in (here an officer within a county); a county with a single respondent is a "
          "\"lonely\" PSU: its variance cannot be computed from within it, and the rule above "
          "says what is done instead.</dd>\n"
          "<dt>Mean squared error, standardized residual</dt><dd>the model-based estimate's "
          "uncertainty, and how far a county's direct estimate lies from the model's "
          "prediction in units of its uncertainty (above 3: the county fits the model "
          "poorly).</dd>\n</dl>\n", out);
    rep_sae_write_methods_html(out, in);
    fputs("<h3>Small-cell protection</h3>\n<p>", out);
    fprintf(out, "No count of victims from 1 to %ld is published, in the tables, the figures "
                 "or the files next to this page. Such a count is shown as "
                 "<strong>&lt;%ld</strong>, and the county's percentage and estimated number "
                 "are hidden with it, since either, multiplied by the caseloads or the frame, "
                 "would give the count back. Because the counties add up to the Arizona total, "
                 "one hidden county could be recovered by subtraction: further counties are "
                 "hidden (<strong>x</strong>), the smallest first, until every hidden cell "
                 "could still take at least two values and the hidden counties together hold "
                 "%ld or more. Estimates the NCHS standard suppresses are shown as "
                 "<strong>*</strong> and protected the same way. Where fewer than %ld "
                 "youth (respondents, for the officers) stand behind a count, a 0 reads "
                 "<strong>&lt;%ld</strong> too: zero and non-zero alike are hidden, since "
                 "&lt;%ld could otherwise only mean 1 up to that number. A hidden row shows "
                 "no NCHS flag or reasons. Before anything is "
                 "written, a disclosure audit plays a reader of every published number, "
                 "symbol, reason and figure and refuses the report if any hidden count could "
                 "be narrowed to fewer than %ld values. Figures are drawn from the printed "
                 "numbers. Full-precision estimates are kept for analysts outside this "
                 "folder.</p>\n",
            t->min_cell - 1, t->min_cell, t->min_cell, t->min_cell, t->min_cell, t->min_cell,
            in->protection);
    rep_sae_write_protection_html(out, in, t);
    if (in->nnotes > 0) {
        fputs("<h3>Caveats for this year</h3>\n<ul>\n", out);
        for (size_t i = 0; i < in->nnotes; i++) {
            fputs("<li>", out);
            rep_html_text(out, in->notes[i]);
            fputs("</li>\n", out);
        }
        fputs("</ul>\n", out);
    }
    /* Batches by number and sha256 prefix: a file name is never published
     * (it may carry a county, a person or a case). */
    fputs("<h3>Data behind this report</h3>\n<table id=\"batches\"><thead><tr><th>Batch</th>"
          "<th>Kind</th><th>Rows</th><th>Loaded</th><th>SHA-256</th></tr></thead><tbody>\n", out);
    for (size_t i = 0; i < in->nbatches; i++) {
        const struct rep_batch_info *b = &in->batches[i];
        fprintf(out, "<tr><td>%ld</td><td>", b->batch_id);
        rep_html_text(out, b->kind);
        fprintf(out, "</td><td>%ld</td><td>", b->row_count);
        rep_html_text(out, b->loaded_at);
        fprintf(out, "</td><td><code>%.12s&hellip;</code></td></tr>\n", b->sha256);
    }
    fputs("</tbody></table>\n</section>\n", out);
}

/* What a reader needs to use the numbers without a statistician: what is
 * counted (the federal definition, in its words), when, how to cite the
 * page and whom to ask. Words only: no number here that the tables do not
 * already publish. */
static void write_about(FILE *out, const struct rep_report_input *in)
{
    fputs("<section id=\"about\">\n<h2>What is counted, and how to cite this report</h2>\n"
          "<h3>Definitions</h3>\n<dl>\n"
          "<dt>Minor victim of sex trafficking</dt><dd>A person under 18 who is recruited, "
          "harbored, transported, provided, obtained, patronized, or solicited for the "
          "purpose of a commercial sex act (federal definition, 22 U.S.C. 7102). For a "
          "minor, no force, fraud or coercion has to be shown. A commercial sex act is any "
          "sex act on account of which anything of value is given to or received by any "
          "person.</dd>\n"
          "<dt>Confirmed victims</dt><dd>Youth on an officer's caseload whom the officer "
          "reports as identified victims on the survey date.</dd>\n"
          "<dt>Suspected victims</dt><dd>Youth on the caseload whom the officer suspects "
          "are victims but who have not been identified as such; each youth is counted "
          "once, as confirmed or as suspected, never both.</dd>\n"
          "<dt>Youth on probation</dt><dd>The youth on the caseloads of the juvenile "
          "probation officers, supervisors and other staff who answered; the county "
          "totals come from the survey frame each county reports.</dd>\n</dl>\n", out);
    fprintf(out, "<h3>Reference date</h3>\n<p>Officers reported their caseloads as they "
                 "stood on the survey date of survey year %d.</p>\n", in->survey_year);
    fputs("<h3>Suggested citation</h3>\n<p class=\"citation\">Arizona Supreme Court, "
          "Administrative Office of the Courts, Juvenile Justice Services Division. "
          "<cite>Minor victims of sex trafficking among youth on juvenile probation in "
          "Arizona, survey year ", out);
    fprintf(out, "%d</cite>. Report of ", in->survey_year);
    date_words(out, in->generated_at);
    fputs(", prepared for the Arizona Human Trafficking Council.</p>\n"
          "<h3>Contact</h3>\n<p class=\"contact\">", out);
    if (in->contact[0] != '\0')
        rep_html_text(out, in->contact);
    else
        fputs("Questions about these numbers: the Juvenile Justice Services Division of "
              "the Arizona courts.", out);
    fputs("</p>\n</section>\n", out);
}

int rep_write_report_html(FILE *out, const struct rep_report_input *in,
                         const struct rep_pub_table *main, const struct rep_pub_table *officers)
{
    struct rep_report_trend trend;
    bool with_trend = false;
    int rc = 0;

    memset(&trend, 0, sizeof trend);
    if (in->trend != NULL) {
        if (rep_report_trend_prepare(in, &trend) != 0) {
            rc = PREV_EX_SOFTWARE;
            goto done;
        }
        rep_report_trend_follow(&trend, main);
        with_trend = true;
    }

    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n", out);
    fprintf(out, "<title>Minor victims of sex trafficking on juvenile probation, Arizona %d"
                 "</title>\n<style>\n%s", in->survey_year, css);
    print_rules(out, in->survey_year, rep_report_synthetic(in));
    fputs("</style>\n</head>\n<body>\n", out);
    if (rep_report_synthetic(in))
        fputs("<p class=\"synthetic\" id=\"synthetic\" role=\"note\">" REP_SYNTHETIC_BANNER
              ": the numbers below come from the synthetic sample data shipped with "
              "prevalence, not from a survey.</p>\n", out);
    write_header(out, in, main);
    write_key_findings(out, in, main, with_trend ? &trend : NULL);
    write_headline(out, in, main);

    fputs("<section id=\"counties\">\n<h2>By county</h2>\n<p>", out);
    fputs("Share of youth on the responding officers' caseloads who are ", out);
    rep_html_text(out, measure_words(in->measure));
    fputs(", with the estimated number among all youth on probation in the county.</p>\n", out);
    rep_sae_write_intro_html(out, in);
    write_table(out, main, "county-table", in->level);
    fputs("</section>\n", out);
    if (main->has_sae)
        write_model_table(out, main, in->level);
    if (with_trend)
        write_change_table(out, main, in->level, &trend);

    fputs("<section id=\"forest-plot\">\n<h2>Estimates and their uncertainty</h2>\n<figure>\n",
          out);
    if ((rc = rep_write_forest_svg(out, main, in->rows)) != 0)
        goto done;
    if (main->has_sae)
        fputs("<figcaption>Each solid line is a county's direct confidence interval, the "
              "filled square its estimate; each dashed line with an open diamond is a "
              "model-based interval and estimate. The red dashed vertical line marks the "
              "statewide estimate. Counties with neither estimate published are named but "
              "not drawn.</figcaption>\n</figure>\n</section>\n", out);
    else
        fputs("<figcaption>Each line is a county's confidence interval, the square its "
              "estimate; the dashed line marks the statewide estimate. Counties whose "
              "estimate is hidden are named but not drawn.</figcaption>\n</figure>\n"
              "</section>\n", out);
    if (with_trend && (rc = rep_write_trend_section(out, in, &trend)) != 0)
        goto done;

    fputs("<section id=\"county-map\">\n<h2>Map</h2>\n<figure>\n", out);
    {
        const struct rep_map_options mo = {
            .model = in->map_model, .survey_year = in->survey_year,
            .what = in->measure == AN_MEASURE_ANY ? "Confirmed or suspected victims"
                                                  : "Confirmed victims",
        };
        if ((rc = rep_write_map_svg(out, main, in->rows, &mo)) != 0)
            goto done;
    }
    fputs("<figcaption>County boundaries: US Census Bureau cartographic boundary file "
          "(1:10,000,000, 2017), public domain, via us-atlas 3.0.1. Hatched counties have "
          "estimates that are hidden (small numbers or unreliable); grey counties had no "
          "respondents.", out);
    if (main->has_sae && in->map_model)
        fputs(" Counties filled with dots show a model-based estimate where the direct one is "
              "hidden or missing (labelled \"model\").", out);
    else if (main->has_sae)
        fputs(" The map shows direct estimates only: a model-based estimate is in the table "
              "\"Model-based estimates\", never a county's colour here.", out);
    fputs("</figcaption>\n</figure>\n</section>\n", out);

    write_officers(out, in, officers);
    write_about(out, in);
    write_methods(out, in, main);
    fputs("<footer>Files next to this page: <code>tables/</code> (the same tables as CSV and "
          "Markdown) and <code>published.json</code> (the same published cells, with the "
          "sha256 of every batch loaded). Survey year ", out);
    fprintf(out, "%d, measure <code>%s</code>, method <code>%s</code>, level %g, minimum "
                 "cell %ld",
            in->survey_year, an_measure_name(in->measure), an_design_method_name(in->method),
            in->level, main->min_cell);
    if (in->sae.on)
        fprintf(out, ", small-area model <code>%s</code>, transform <code>%s</code>",
                an_fh_method_name(in->sae.opt.method),
                an_sae_transform_name(in->sae.opt.transform));
    fputs(".</footer>\n</body>\n</html>\n", out);
    rc = ferror(out) ? PREV_EX_IOERR : 0;
done:
    rep_report_trend_free(&trend);
    return rc;
}
