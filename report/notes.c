/* The words and marks every published table shares: footnote keys and
 * their texts, the notes cell of a row, and the one percentage format.
 * The lowest layer of report/ (with html_text.c): the tables, the
 * figures and the page all use it, and it uses none of them. */
#include "report_model.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const note_keys[REP_NOTE_N] = {"a", "b", "c", "d", "e", "f", "g", "h"};

const char *rep_note_key(enum rep_note n)
{
    return (unsigned)n < REP_NOTE_N ? note_keys[n] : "?";
}

void rep_note_text(enum rep_note n, const struct rep_pub_table *t, char *buf, size_t size)
{
    bool officers = t->measure == AN_MEASURE_OFFICER_ANY;

    switch (n) {
    case REP_NOTE_SMALL:
        snprintf(buf, size,
                 "<%ld: a count from 1 to %ld is not shown, to protect the %s it "
                 "describes; the row's percentage and estimated %s are hidden with it, "
                 "since either would give the count back.",
                 t->min_cell, t->min_cell - 1, officers ? "officers and youth" : "youth",
                 officers ? "number" : "victims");
        return;
    case REP_NOTE_NCHS:
        snprintf(buf, size,
                 "*: suppressed under the NCHS Data Presentation Standards for Proportions "
                 "(too few responses, or a range of likely values too wide to be "
                 "reliable); the reasons are listed below the table with the counties they apply to.");
        return;
    case REP_NOTE_PROTECT:
        snprintf(buf, size,
                 "x: hidden so that a count below %ld elsewhere in the table cannot be "
                 "worked out by subtracting the shown counties from the Arizona total "
                 "(complementary suppression), or because it belongs to a hidden row.",
                 t->min_cell);
        return;
    case REP_NOTE_REVIEW:
        snprintf(buf, size,
                 "Shown, but the NCHS standard asks for a statistical review before "
                 "publication (too few responding officers to judge the uncertainty well, or an "
                 "estimate of 0%% or 100%%).");
        return;
    case REP_NOTE_NO_DATA:
        snprintf(buf, size, "-: no officer in the county answered the survey this year.");
        return;
    case REP_NOTE_SAE_NCHS:
    case REP_NOTE_SAE_PROTECT:
    case REP_NOTE_SAE_REVIEW:
        rep_sae_note_text(n, t->min_cell, buf, size);
        return;
    case REP_NOTE_N:
        break;
    }
    snprintf(buf, size, "?");
}

void rep_fmt_pct(char *buf, size_t size, double p)
{
    double v = p * 100.0;

    /* -0.0 would print as "-0.0". */
    if (fabs(v) < 0.05)
        v = 0.0;
    snprintf(buf, size, "%.1f", v);
}

void rep_pub_row_set_notes(struct rep_pub_row *r)
{
    r->cell[REP_PUB_NOTES][0] = '\0';
    for (int n = 0; n < REP_NOTE_N; n++) {
        size_t len = strlen(r->cell[REP_PUB_NOTES]);
        if (r->notes[n])
            snprintf(r->cell[REP_PUB_NOTES] + len, sizeof r->cell[0] - len, "%s%s",
                     len > 0 ? " " : "", note_keys[n]);
    }
}

/* ---- words ---------------------------------------------------------------- */

void rep_sae_note_text(int note, long min_cell, char *buf, size_t size)
{
    switch (note) {
    case REP_NOTE_SAE_NCHS:
        snprintf(buf, size,
                 "* (model-based): suppressed; its range of likely values is too wide by the "
                 "NCHS thresholds (or the model could not be fitted); the reasons are listed "
                 "below the table with the counties they apply to.");
        return;
    case REP_NOTE_SAE_PROTECT:
        snprintf(buf, size,
                 "x (model-based): hidden; together with the model's parameters it would "
                 "give back a count of victims below %ld, the county's own or, through the "
                 "level the model shares across counties, another county's.",
                 min_cell);
        return;
    case REP_NOTE_SAE_REVIEW:
        snprintf(buf, size,
                 "Model-based estimate shown but flagged for review: a county without "
                 "respondents (the model's prediction alone), a county the model fits poorly, "
                 "an estimate of 0%%, or a county where every officer answered, whose "
                 "model-based estimate is its direct one and shares its review.");
        return;
    default:
        break;
    }
    snprintf(buf, size, "?");
}
