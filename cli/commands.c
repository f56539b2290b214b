/* The command table: one line per command, implemented in cmd_NAME.c. */
#include <stddef.h>

#include "cli.h"
#include "commands.h"

const struct cli_command cli_commands[] = {
    {"db", "start, stop or inspect the embedded PostgreSQL cluster", cmd_db, cmd_db_help},
    {"init", "create or upgrade the database schema", cmd_init, cmd_init_help},
    {"load", "check survey files and load them as batches", cmd_load, cmd_load_help},
    {"check", "check survey files without loading them", cmd_check, cmd_check_help},
    {"template", "write the Excel workbook a county fills in (responses or frame)", cmd_template,
     cmd_template_help},
    {"batches", "list loaded batches with their provenance", cmd_batches, cmd_batches_help},
    {"status", "per county: respondents, frame totals, what is missing", cmd_status,
     cmd_status_help},
    {"synth", "write synthetic survey data (sample data, benchmarks)", cmd_synth, cmd_synth_help},
    {"ci", "confidence interval for X cases out of N (no database)", cmd_ci, cmd_ci_help},
    {"estimate", "prevalence per county and statewide (design-based, with intervals)", cmd_estimate, cmd_estimate_help},
    {"report", "the Council report: HTML page, tables and estimates.json", cmd_report, cmd_report_help},
    {"export", "reproduction bundle for partners (microdata, reproduce.R, expected.csv)", cmd_export, cmd_export_help},
    {"trend", "change across annual surveys per county and statewide (differences, ratios, slopes)", cmd_trend, cmd_trend_help},
    {"publish", "store the report's protected tables for the reader role", cmd_publish, cmd_publish_help},
    {"serve", "the survey's web service: sign-in, dashboard, uploads, downloads", cmd_serve,
     cmd_serve_help},
    {"user", "accounts of the web service (add, list, passwd, disable)", cmd_user,
     cmd_user_help},
    {"audit", "the web service's audit log", cmd_audit, cmd_audit_help},
    {"survey", "the anonymous officer questionnaire: open, codes, status, revoke, close",
     cmd_survey, cmd_survey_help},
    {NULL, NULL, NULL, NULL},
};
