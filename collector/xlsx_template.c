/* The .xlsx templates (xlsx_template.h), written with libxlsxwriter. */
#include "xlsx_template.h"

#include <stdio.h>
#include <string.h>
#include <xlsxwriter.h>

#include "atomic_file.h"

struct column_doc {
    enum col_column column;
    const char *meaning;
    const char *rule;
    const char *input;         /* the note Excel shows on the cell (255 max) */
    double width;
};

static const struct column_doc docs[] = {
    {COL_SURVEY_YEAR, "The year of the survey.", "A year from 2000 to 2100.",
     "The survey year, such as 2025.", 12},
    {COL_COUNTY, "The county whose probation department the respondent works in.",
     "One of the 15 Arizona counties by name (La Paz and Santa Cruz with their space) or "
     "its 5-digit FIPS code.", "Pick the county from the list.", 14},
    {COL_RESPONDENT_ID, "The respondent's pseudonymous code, which the county keeps. Never "
     "a name, a date, a phone number or a case number.",
     "1 to 64 letters, digits, '_' or '-', with at least one digit (such as PIMA-001); "
     "once per survey year.",
     "The officer's code from the county's list (such as PIMA-001). Never a name or a case "
     "number.", 18},
    {COL_ROLE, "What the respondent does.", "probation_officer, supervisor or other; empty "
     "means probation_officer.", "Pick from the list, or leave empty for a probation "
     "officer.", 18},
    {COL_CASELOAD, "Youth on this respondent's caseload on the survey date.",
     "A whole number from 0 to 1000.", "How many youth are on this caseload (0 to 1000).",
     12},
    {COL_CONFIRMED, "Youth on that caseload identified as minor victims of sex trafficking.",
     "A whole number, 0 or more, at most the caseload; confirmed + suspected at most the "
     "caseload.", "Youth identified as victims (a count, not a percentage). "
     "Confirmed + suspected cannot exceed the caseload.", 12},
    {COL_SUSPECTED, "Youth on that caseload suspected, but not confirmed, to be victims.",
     "A whole number, 0 or more; confirmed + suspected at most the caseload.",
     "Youth suspected but not confirmed (a count). Confirmed + suspected cannot exceed the "
     "caseload.", 12},
    {COL_OFFICERS_TOTAL, "Probation officers (and other staff with a caseload) in the "
     "county on the survey date.", "A whole number from 1 to 100000.",
     "How many officers carry a caseload in the county (1 to 100000).", 16},
    {COL_YOUTH_TOTAL, "Youth on juvenile probation in the county on the survey date.",
     "A whole number from 0 to 10000000.", "How many youth are on juvenile probation in the "
     "county.", 14},
};

static const struct column_doc *doc_of(enum col_column c)
{
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++)
        if (docs[i].column == c)
            return &docs[i];
    return NULL;
}

static const char *const instructions[] = {
    "How to fill in this survey",
    "",
    "Who answers: every probation officer, supervisor or other staff member who carries a "
    "juvenile caseload on the survey date. One row per person, in the Responses sheet.",
    "",
    "What to count: for the youth on your own caseload on the survey date, how many there "
    "are (caseload), how many are identified as minor victims of sex trafficking "
    "(confirmed), and how many more you suspect are victims but are not confirmed "
    "(suspected).",
    "",
    "Who is a minor victim of sex trafficking: under federal law (22 U.S.C. 7102), any "
    "person under 18 who is involved in a commercial sex act. A commercial sex act is any "
    "sex act for which anything of value is given to or received by anyone: money, food, "
    "a place to stay, drugs, clothes, a phone, a ride. For a minor, no force, fraud or "
    "coercion is needed: a youth who 'agreed', or who was not moved anywhere, is still a "
    "victim. Count each youth once, in confirmed or in suspected, never both.",
    "",
    "Anonymity: the survey must not identify anyone. Do not write names, dates of birth, "
    "case or docket numbers, addresses or phone numbers anywhere in this workbook, not even "
    "in a note. Each respondent is identified only by the code the county gives (such as "
    "PIMA-001). A file that holds a name or a case number is refused whole.",
    "",
    "Filling in: type whole numbers (12, not 12% or 12.0); pick the county and the role "
    "from their lists; leave the header row (row 1) as it is, keep one person per row, and "
    "do not add a total row or a title above the header. The survey year and county may "
    "already be filled in: leave them. Rows you do not use can stay as they are.",
    "",
    "Sending it: save the workbook as it is (Excel Workbook, .xlsx; 'CSV UTF-8' also "
    "works) and send it to the state's survey coordinator the way your county agreed, "
    "never by an e-mail that names a youth. Before you send it, the coordinator can check "
    "it for you with 'prevalence check'.",
    "",
    "Each column's meaning and rule is in the Codebook sheet.",
};

/* Validation on rows 2..COL_TEMPLATE_ROWS+1 of a column. */
static lxw_error validate_column(lxw_worksheet *ws, lxw_col_t col, enum col_kind kind,
                                 enum col_column c, int year, char **county_list,
                                 char **role_list)
{
    lxw_data_validation dv;
    const struct column_doc *d = doc_of(c);
    char formula[200];

    memset(&dv, 0, sizeof dv);
    dv.input_title = (char *)col_column_name(c);
    dv.input_message = (char *)d->input;
    dv.error_title = "Not what the codebook asks";
    dv.error_message = (char *)d->rule;
    dv.error_type = LXW_VALIDATION_ERROR_TYPE_STOP;
    switch (c) {
    case COL_SURVEY_YEAR:
        dv.validate = LXW_VALIDATION_TYPE_INTEGER;
        dv.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
        dv.minimum_number = year > 0 ? year : COL_YEAR_MIN;
        dv.maximum_number = year > 0 ? year : COL_YEAR_MAX;
        break;
    case COL_COUNTY:
        dv.validate = LXW_VALIDATION_TYPE_LIST;
        dv.value_list = county_list;
        break;
    case COL_ROLE:
        dv.validate = LXW_VALIDATION_TYPE_LIST;
        dv.value_list = role_list;
        break;
    case COL_RESPONDENT_ID:
        dv.validate = LXW_VALIDATION_TYPE_LENGTH;
        dv.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
        dv.minimum_number = 1;
        dv.maximum_number = COL_RESPONDENT_ID_MAX;
        break;
    case COL_CASELOAD:
        dv.validate = LXW_VALIDATION_TYPE_INTEGER;
        dv.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
        dv.minimum_number = 0;
        dv.maximum_number = COL_CASELOAD_MAX;
        break;
    case COL_CONFIRMED:
    case COL_SUSPECTED:
        /* Relative to the range's first cell (row 2): E caseload, F
         * confirmed, G suspected. */
        dv.validate = LXW_VALIDATION_TYPE_CUSTOM_FORMULA;
        snprintf(formula, sizeof formula, "=AND(ISNUMBER(%s2),INT(%s2)=%s2,%s2>=0,"
                 "N(F2)+N(G2)<=N(E2))", c == COL_CONFIRMED ? "F" : "G",
                 c == COL_CONFIRMED ? "F" : "G", c == COL_CONFIRMED ? "F" : "G",
                 c == COL_CONFIRMED ? "F" : "G");
        dv.value_formula = formula;
        break;
    case COL_OFFICERS_TOTAL:
        dv.validate = LXW_VALIDATION_TYPE_INTEGER;
        dv.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
        dv.minimum_number = 1;
        dv.maximum_number = COL_OFFICERS_MAX;
        break;
    case COL_YOUTH_TOTAL:
        dv.validate = LXW_VALIDATION_TYPE_INTEGER;
        dv.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
        dv.minimum_number = 0;
        dv.maximum_number = COL_YOUTH_MAX;
        break;
    default:
        return LXW_NO_ERROR;
    }
    (void)kind;
    return worksheet_data_validation_range(ws, 1, col, COL_TEMPLATE_ROWS, col, &dv);
}

static lxw_error build(lxw_workbook *wb, const struct col_template_options *o)
{
    size_t ncols;
    const enum col_column *cols = col_kind_columns(o->kind, &ncols);
    const char *data_name = o->kind == COL_KIND_FRAME ? "Frame" : "Responses";
    lxw_worksheet *ws = workbook_add_worksheet(wb, data_name);
    lxw_worksheet *cb = workbook_add_worksheet(wb, "Codebook");
    lxw_worksheet *in = workbook_add_worksheet(wb, "Instructions");
    lxw_format *bold = workbook_add_format(wb), *wrap = workbook_add_format(wb);
    lxw_format *text = workbook_add_format(wb), *title = workbook_add_format(wb);
    char *county_list[COL_NCOUNTIES + 1];
    char *role_list[] = {"probation_officer", "supervisor", "other", NULL};
    lxw_error e = LXW_NO_ERROR;
    int prefill;

    if (ws == NULL || cb == NULL || in == NULL || bold == NULL || wrap == NULL)
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    format_set_bold(bold);
    format_set_text_wrap(wrap);
    format_set_align(wrap, LXW_ALIGN_VERTICAL_TOP);
    format_set_num_format(text, "@");
    format_set_bold(title);
    format_set_font_size(title, 14);
    for (int i = 0; i < COL_NCOUNTIES; i++)
        county_list[i] = (char *)col_counties[i].name;
    county_list[COL_NCOUNTIES] = NULL;

    /* the data sheet */
    for (size_t i = 0; i < ncols && e == LXW_NO_ERROR; i++) {
        const struct column_doc *d = doc_of(cols[i]);
        /* codes are text: "007" stays "007" */
        e = worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, d->width,
                                 cols[i] == COL_RESPONDENT_ID ? text : NULL);
        if (e == LXW_NO_ERROR)
            e = worksheet_write_string(ws, 0, (lxw_col_t)i, col_column_name(cols[i]), bold);
        if (e == LXW_NO_ERROR)
            e = validate_column(ws, (lxw_col_t)i, o->kind, cols[i], o->year, county_list,
                                role_list);
    }
    worksheet_freeze_panes(ws, 1, 0);
    if (o->kind == COL_KIND_FRAME)
        prefill = o->county >= 0 ? 1 : (o->year > 0 ? COL_NCOUNTIES : 0);
    else
        prefill = (o->year > 0 || o->county >= 0) ? COL_TEMPLATE_ROWS : 0;
    for (int r = 1; r <= prefill && e == LXW_NO_ERROR; r++) {
        int county = o->county;
        if (o->kind == COL_KIND_FRAME && county < 0)
            county = r - 1;
        if (o->year > 0)
            e = worksheet_write_number(ws, (lxw_row_t)r, 0, o->year, NULL);
        if (e == LXW_NO_ERROR && county >= 0)
            e = worksheet_write_string(ws, (lxw_row_t)r, 1, col_counties[county].name, NULL);
    }

    /* the codebook */
    worksheet_set_column(cb, 0, 0, 18, NULL);
    worksheet_set_column(cb, 1, 1, 10, NULL);
    worksheet_set_column(cb, 2, 3, 60, wrap);
    worksheet_write_string(cb, 0, 0, "column", bold);
    worksheet_write_string(cb, 0, 1, "required", bold);
    worksheet_write_string(cb, 0, 2, "meaning", bold);
    worksheet_write_string(cb, 0, 3, "rule", bold);
    worksheet_freeze_panes(cb, 1, 0);
    for (size_t i = 0; i < ncols && e == LXW_NO_ERROR; i++) {
        const struct column_doc *d = doc_of(cols[i]);
        lxw_row_t r = (lxw_row_t)(i + 1);
        e = worksheet_write_string(cb, r, 0, col_column_name(cols[i]), NULL);
        if (e == LXW_NO_ERROR)
            e = worksheet_write_string(cb, r, 1, col_column_required(o->kind, cols[i])
                                                     ? "yes" : "no", NULL);
        if (e == LXW_NO_ERROR)
            e = worksheet_write_string(cb, r, 2, d->meaning, wrap);
        if (e == LXW_NO_ERROR)
            e = worksheet_write_string(cb, r, 3, d->rule, wrap);
    }

    /* the instructions */
    worksheet_set_column(in, 0, 0, 100, wrap);
    for (size_t i = 0; i < sizeof instructions / sizeof instructions[0] && e == LXW_NO_ERROR;
         i++)
        if (instructions[i][0] != '\0')
            e = worksheet_write_string(in, (lxw_row_t)i, 0, instructions[i],
                                       i == 0 ? title : wrap);
    worksheet_activate(ws);
    return e;
}

int col_template_write(const char *path, const struct col_template_options *o,
                       struct prev_error *err)
{
    struct prev_atomic_file af;
    lxw_workbook *wb = NULL;
    lxw_workbook_options opts;
    char through[64];
    lxw_error e;
    int rc;

    if ((rc = prev_output_check(path, NULL, 0, err)) != 0)
        return rc;
    if ((rc = prev_atomic_open(&af, path, err)) != 0)
        return rc;
    /* libxlsxwriter opens a path itself: give it our exclusive temporary
     * through its descriptor, so that no name is looked up again in a
     * folder someone else may write to. */
    snprintf(through, sizeof through, "/proc/self/fd/%d", fileno(af.fp));
    memset(&opts, 0, sizeof opts);
    if ((wb = workbook_new_opt(through, &opts)) == NULL) {
        rc = prev_fail(err, PREV_EX_SOFTWARE, path, "cannot start the workbook");
        goto done;
    }
    e = build(wb, o);
    if (e != LXW_NO_ERROR) {
        workbook_close(wb);
        rc = prev_fail(err, PREV_EX_SOFTWARE, path, "cannot build the workbook: %s",
                       lxw_strerror(e));
        goto done;
    }
    if ((e = workbook_close(wb)) != LXW_NO_ERROR) {
        rc = prev_fail(err, e == LXW_ERROR_CREATING_XLSX_FILE ? PREV_EX_CANTCREAT
                                                               : PREV_EX_IOERR,
                       path, "cannot write the workbook: %s", lxw_strerror(e));
        goto done;
    }
    rc = prev_atomic_commit(&af, err);
done:
    prev_atomic_abort(&af);
    return rc;
}
