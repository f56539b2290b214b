/* The anonymous officer questionnaire at /r (docs/specialists.md): an
 * access code, four numbers, a confirmation, thanks. No account, no
 * cookie; the code travels only in POST bodies (never in an address, so
 * never in a log or a browser's history). Nothing about the client is
 * stored: the answer row holds the answer and the day it was given.
 * Failed code attempts are counted per client address in memory only, to
 * make guessing codes slow: the 21st in ten minutes gets 429. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collector.h"
#include "db.h"
#include "web_internal.h"

#define R_WINDOW_SECONDS 600
#define R_MAX_FAILURES 20

static long long now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec;
}

/* The failure slot of a client (the oldest slot is reused when full). */
static struct web_code_failures *slot(struct web_server *s, const char *client, long long now)
{
    struct web_code_failures *oldest = &s->code_failures[0];

    for (size_t i = 0; i < WEB_CODE_FAILURE_SLOTS; i++) {
        struct web_code_failures *f = &s->code_failures[i];
        if (f->client[0] != '\0' && strcmp(f->client, client) == 0) {
            if (now - f->window_start >= R_WINDOW_SECONDS) {
                f->window_start = now;
                f->failures = 0;
            }
            return f;
        }
        if (f->client[0] == '\0' || f->window_start < oldest->window_start)
            oldest = f;
    }
    snprintf(oldest->client, sizeof oldest->client, "%s", client);
    oldest->window_start = now;
    oldest->failures = 0;
    return oldest;
}

static bool throttled(struct web_request *r)
{
    bool out;
    pthread_mutex_lock(&r->srv->code_lock);
    out = slot(r->srv, r->client, now_seconds())->failures >= R_MAX_FAILURES;
    pthread_mutex_unlock(&r->srv->code_lock);
    return out;
}

static void count_failure(struct web_request *r)
{
    pthread_mutex_lock(&r->srv->code_lock);
    slot(r->srv, r->client, now_seconds())->failures++;
    pthread_mutex_unlock(&r->srv->code_lock);
}

static void page_begin(FILE *out, const char *title)
{
    web_page_begin(out, NULL, title);
    fputs("<style>main{max-width:36em}input[type=text],input[type=number],select{width:100%;"
          "box-sizing:border-box;font-size:1.1em}.err{color:#a00;font-weight:600}"
          ".hint{color:#444;font-size:.95em}dl dt{font-weight:600}h1{font-size:1.5em}</style>\n", out);
}

/* "%s": " open" on the code page; on the answer form it stays folded, so
 * that the fields (and a field's error) come first on a phone. */
static const char what_counts[] =
    "<details class=\"box\"%s><summary><strong>What counts</strong></summary>\n"
    "<p>A <strong>minor victim of sex trafficking</strong> is a youth under 18 who was "
    "recruited, harbored, transported, provided, obtained, patronized or solicited for a "
    "commercial sex act: any sex act for which anything of value (money, food, shelter, "
    "drugs, a phone, a ride) is given to or received by anyone. For a minor, no force, "
    "fraud or coercion needs to be shown.</p>\n"
    "<p>Count the youth on your caseload <strong>today</strong>. Count each youth once. "
    "<strong>Confirmed</strong>: identified as a victim (for example by law enforcement, "
    "a court, a screening or a disclosure). <strong>Suspected</strong>: you have reason to "
    "believe it but it is not confirmed. A youth is either confirmed or suspected, not "
    "both.</p>\n<p><strong>Give numbers only: never a name, an initial, a case number or "
    "any detail about a youth.</strong> Your answer is anonymous: the code shows only that "
    "you were invited, not who you are.</p>\n</details>\n";

static void hidden(FILE *out, const char *name, const char *value)
{
    fprintf(out, "<input type=\"hidden\" name=\"%s\" value=\"", name);
    web_html(out, value);
    fputs("\">", out);
}

static void code_form(struct web_request *r, struct web_reply *rep, const char *problem)
{
    page_begin(rep->out, "Caseload survey");
    fputs("<main>\n<h1>Caseload survey of juvenile probation officers</h1>\n"
          "<p>Enter the access code you were given (12 letters and digits, for example "
          "7KQ4-MX2P-9TRA).</p>\n<form method=\"post\" action=\"/r\" novalidate>\n"
          "<input type=\"hidden\" name=\"step\" value=\"code\">\n"
          "<label for=\"code\">Access code</label>\n"
          "<input type=\"text\" id=\"code\" name=\"code\" autocomplete=\"off\" "
          "autocapitalize=\"characters\" spellcheck=\"false\" inputmode=\"text\" "
          "maxlength=\"20\" required", rep->out);
    if (problem != NULL) {
        fputs(" aria-invalid=\"true\" aria-describedby=\"code-error\">\n"
              "<p id=\"code-error\" class=\"err\" role=\"alert\">", rep->out);
        web_html(rep->out, problem);
        fputs("</p>\n", rep->out);
    } else {
        fputs(">\n", rep->out);
    }
    fputs("<p><button type=\"submit\">Continue</button></p>\n</form>\n", rep->out);
    fprintf(rep->out, what_counts, " open");
    fputs("</main>\n", rep->out);
    web_page_end(rep->out);
    (void)r;
}

struct answer_form {
    char role[24], caseload[16], confirmed[16], suspected[16];
    const char *problem[4];       /* per field: role, caseload, confirmed, suspected */
};

static const char *const field_names[4] = {"role", "caseload", "confirmed", "suspected"};
static const char *const field_labels[4] = {
    "Your role", "Youth on your caseload today", "Of them, confirmed victims of sex trafficking",
    "Of them, suspected but not confirmed"};

static void number_field(FILE *out, int i, const char *value, const char *problem)
{
    fprintf(out, "<label for=\"%s\">%s</label>\n<input type=\"number\" inputmode=\"numeric\" "
                 "min=\"0\" max=\"1000\" step=\"1\" id=\"%s\" name=\"%s\" value=\"",
            field_names[i], field_labels[i], field_names[i], field_names[i]);
    web_html(out, value);
    fputs("\" required", out);
    if (problem != NULL) {
        fprintf(out, " aria-invalid=\"true\" aria-describedby=\"%s-error\">\n"
                     "<p id=\"%s-error\" class=\"err\">", field_names[i], field_names[i]);
        web_html(out, problem);
        fputs("</p>\n", out);
    } else {
        fputs(">\n", out);
    }
}

static void answer_page(struct web_reply *rep, const char *code, const struct db_survey_code *c,
                        const struct answer_form *f)
{
    static const char *const roles[3][2] = {{"probation_officer", "Probation officer"},
                                            {"supervisor", "Supervisor"},
                                            {"other", "Other"}};
    int k = col_county_by_fips(c->fips);
    bool any = false;

    for (int i = 0; i < 4; i++)
        any = any || f->problem[i] != NULL;
    page_begin(rep->out, "Your answer");
    fprintf(rep->out, "<main>\n<h1>Your answer, %s County, survey year %d</h1>\n",
            k >= 0 ? col_counties[k].name : "", c->year);
    if (c->answered)
        fputs("<p class=\"box\">This code has already answered. What you send now "
              "<strong>replaces</strong> that answer.</p>\n", rep->out);
    if (any)
        fputs("<p class=\"err\" role=\"alert\">Please correct the answers marked below.</p>\n",
              rep->out);
    fprintf(rep->out, what_counts, "");
    fputs("<form method=\"post\" action=\"/r\" novalidate>\n", rep->out);
    hidden(rep->out, "step", "answer");
    hidden(rep->out, "code", code);
    fputs("<label for=\"role\">Your role</label>\n<select id=\"role\" name=\"role\"", rep->out);
    if (f->problem[0] != NULL)
        fputs(" aria-invalid=\"true\" aria-describedby=\"role-error\"", rep->out);
    fputs(">\n", rep->out);
    for (int i = 0; i < 3; i++)
        fprintf(rep->out, "<option value=\"%s\"%s>%s</option>\n", roles[i][0],
                strcmp(f->role, roles[i][0]) == 0 ? " selected" : "", roles[i][1]);
    fputs("</select>\n", rep->out);
    if (f->problem[0] != NULL) {
        fputs("<p id=\"role-error\" class=\"err\">", rep->out);
        web_html(rep->out, f->problem[0]);
        fputs("</p>\n", rep->out);
    }
    number_field(rep->out, 1, f->caseload, f->problem[1]);
    number_field(rep->out, 2, f->confirmed, f->problem[2]);
    number_field(rep->out, 3, f->suspected, f->problem[3]);
    fputs("<p class=\"hint\">Confirmed and suspected together cannot be more than your "
          "caseload.</p>\n<p><button type=\"submit\">Review my answer</button></p>\n"
          "</form>\n</main>\n", rep->out);
    web_page_end(rep->out);
}

/* A whole number from 0 to 1000 with nothing else; a message when not. */
static const char *whole_number(const char *s, int *out)
{
    char *end;
    long v;

    if (s == NULL || s[0] == '\0')
        return "Please give a number (0 if none).";
    v = strtol(s, &end, 10);
    if (*end != '\0' || end == s || s[0] == '+' || s[0] == ' ')
        return "Please give a whole number, digits only (no %, no words).";
    if (v < 0)
        return "The number cannot be negative.";
    if (v > 1000)
        return "A caseload is at most 1,000 youth; please check the number.";
    *out = (int)v;
    return NULL;
}

/* The codebook's rules for one answer (docs/codebook.md). */
static bool validate(const struct web_request *r, struct answer_form *f,
                     struct db_survey_answer *a)
{
    enum col_role role;
    const char *v;
    bool ok = true;

    memset(a, 0, sizeof *a);
    snprintf(f->role, sizeof f->role, "%s", (v = web_field(r, "role")) != NULL ? v : "");
    snprintf(f->caseload, sizeof f->caseload, "%s",
             (v = web_field(r, "caseload")) != NULL ? v : "");
    snprintf(f->confirmed, sizeof f->confirmed, "%s",
             (v = web_field(r, "confirmed")) != NULL ? v : "");
    snprintf(f->suspected, sizeof f->suspected, "%s",
             (v = web_field(r, "suspected")) != NULL ? v : "");
    if (!col_role_parse(f->role, &role)) {
        f->problem[0] = "Please choose your role.";
        ok = false;
    } else {
        snprintf(a->role, sizeof a->role, "%s", col_role_name(role));
    }
    ok = (f->problem[1] = whole_number(f->caseload, &a->caseload)) == NULL && ok;
    ok = (f->problem[2] = whole_number(f->confirmed, &a->confirmed)) == NULL && ok;
    ok = (f->problem[3] = whole_number(f->suspected, &a->suspected)) == NULL && ok;
    if (f->problem[1] == NULL && f->problem[2] == NULL && f->problem[3] == NULL
        && a->confirmed + a->suspected > a->caseload) {
        f->problem[2] = "Confirmed and suspected together are more than your caseload: "
                        "count each youth once, in one of the two.";
        ok = false;
    }
    return ok;
}

static void confirm_page(struct web_reply *rep, const char *code, const struct db_survey_code *c,
                         const struct db_survey_answer *a)
{
    int k = col_county_by_fips(c->fips);
    char n[3][16];

    snprintf(n[0], sizeof n[0], "%d", a->caseload);
    snprintf(n[1], sizeof n[1], "%d", a->confirmed);
    snprintf(n[2], sizeof n[2], "%d", a->suspected);
    page_begin(rep->out, "Please confirm");
    fprintf(rep->out, "<main>\n<h1>Please confirm your answer</h1>\n<p>%s County, survey "
                      "year %d.</p>\n<dl class=\"box\">\n<dt>Your role</dt><dd>",
            k >= 0 ? col_counties[k].name : "", c->year);
    web_html(rep->out, strcmp(a->role, "probation_officer") == 0 ? "Probation officer"
                       : strcmp(a->role, "supervisor") == 0  ? "Supervisor"
                                                             : "Other");
    fprintf(rep->out, "</dd>\n<dt>Youth on your caseload today</dt><dd>%s</dd>\n"
                      "<dt>Confirmed victims</dt><dd>%s</dd>\n"
                      "<dt>Suspected, not confirmed</dt><dd>%s</dd>\n</dl>\n", n[0], n[1], n[2]);
    for (int pass = 0; pass < 2; pass++) {
        fputs("<form method=\"post\" action=\"/r\" style=\"display:inline-block;"
              "margin-right:1em\">\n", rep->out);
        hidden(rep->out, "step", pass == 0 ? "confirm" : "edit");
        hidden(rep->out, "code", code);
        hidden(rep->out, "role", a->role);
        hidden(rep->out, "caseload", n[0]);
        hidden(rep->out, "confirmed", n[1]);
        hidden(rep->out, "suspected", n[2]);
        fprintf(rep->out, "<button type=\"submit\">%s</button>\n</form>\n",
                pass == 0 ? "Send my answer" : "Change it");
    }
    fputs("</main>\n", rep->out);
    web_page_end(rep->out);
}

static void thanks_page(struct web_reply *rep, bool replaced)
{
    page_begin(rep->out, "Thank you");
    fprintf(rep->out, "<main>\n<h1>Thank you</h1>\n<p role=\"status\">Your answer %s.</p>\n"
                      "<p>You can change it with the same code until the survey closes. "
                      "Nothing about you or your device was kept with it.</p>\n"
                      "<p>You can close this page.</p>\n</main>\n",
            replaced ? "has replaced the one you gave before" : "has been received");
    web_page_end(rep->out);
}

static const char *verdict_words(enum db_survey_verdict v)
{
    switch (v) {
    case DB_SURVEY_CODE_CLOSED:
        return "This survey is closed: answers can no longer be given or changed.";
    case DB_SURVEY_CODE_REVOKED:
        return "This code has been withdrawn. Ask your county's sex trafficking specialist "
               "for a new one.";
    default:
        return "This code is not valid. Check it and type it again (letters and digits; "
               "dashes are optional).";
    }
}

void web_page_survey_get(struct web_request *r, struct web_reply *rep)
{
    code_form(r, rep, NULL);
}

void web_page_survey_post(struct web_request *r, PGconn *db, struct web_reply *rep)
{
    const char *step = web_field(r, "step"), *code = web_field(r, "code");
    struct db_survey_code c;
    struct answer_form f;
    struct db_survey_answer a;
    struct prev_error err;
    int rc;

    prev_error_clear(&err);
    memset(&f, 0, sizeof f);
    if (throttled(r)) {
        web_error_page(r, rep, MHD_HTTP_TOO_MANY_REQUESTS,
                       "Too many wrong codes from this connection. Wait ten minutes, then "
                       "type your code again carefully.");
        return;
    }
    if (step == NULL || code == NULL) {
        code_form(r, rep, "Please type your access code.");
        return;
    }
    if (strcmp(step, "confirm") == 0) {
        if (!validate(r, &f, &a)) {
            rc = db_survey_lookup(db, code, &c, &err);
            if (rc == 0 && c.verdict == DB_SURVEY_CODE_OK)
                answer_page(rep, code, &c, &f);
            else
                code_form(r, rep, rc != 0 ? "The survey cannot be reached; try again in a "
                                            "minute." : verdict_words(c.verdict));
            return;
        }
        rc = db_survey_submit(db, code, &a, &c, &err);
    } else {
        rc = db_survey_lookup(db, code, &c, &err);
    }
    if (rc != 0) {
        fprintf(stderr, "prevalence serve: /r: %s\n", err.msg);
        web_error_page(r, rep, MHD_HTTP_SERVICE_UNAVAILABLE,
                       "The survey cannot be reached; try again in a minute.");
        return;
    }
    if (c.verdict != DB_SURVEY_CODE_OK) {
        if (c.verdict == DB_SURVEY_CODE_UNKNOWN)
            count_failure(r);
        code_form(r, rep, verdict_words(c.verdict));
        return;
    }
    if (strcmp(step, "confirm") == 0) {
        thanks_page(rep, c.answered);
    } else if (strcmp(step, "answer") == 0) {
        if (validate(r, &f, &a))
            confirm_page(rep, code, &c, &a);
        else
            answer_page(rep, code, &c, &f);
    } else if (strcmp(step, "edit") == 0) {
        (void)validate(r, &f, &a);
        memset(f.problem, 0, sizeof f.problem);
        answer_page(rep, code, &c, &f);
    } else {
        /* the code was just entered: the form, with the earlier answer */
        if (c.answered) {
            snprintf(f.role, sizeof f.role, "%s", c.prev.role);
            snprintf(f.caseload, sizeof f.caseload, "%d", c.prev.caseload);
            snprintf(f.confirmed, sizeof f.confirmed, "%d", c.prev.confirmed);
            snprintf(f.suspected, sizeof f.suspected, "%d", c.prev.suspected);
        } else {
            snprintf(f.role, sizeof f.role, "probation_officer");
        }
        answer_page(rep, code, &c, &f);
    }
}
