#ifndef AN_NCHS_H
#define AN_NCHS_H

#include <stdbool.h>
#include <stddef.h>

/* NCHS Data Presentation Standards for Proportions (Parker et al. 2017,
 * Vital Health Stat 2(175)): whether an estimate may be shown. Pure. */

enum an_flag { AN_FLAG_PRESENT, AN_FLAG_REVIEW, AN_FLAG_SUPPRESS };

const char *an_flag_name(enum an_flag f);   /* "present", "review", "suppress" */

struct an_nchs_input {
    bool has_estimate;  /* false: no respondents -> suppress, reason "no data" */
    double p, low, high;
    double n;           /* youth_n (respondents for officer_any) */
    double n_eff;
    double df;
};

struct an_nchs_result {
    enum an_flag flag;
    char reasons[320];  /* every rule that fired, in words, "; "-separated; "" if none */
};

void an_nchs_evaluate(const struct an_nchs_input *in, struct an_nchs_result *out);

/* The rules an_nchs_evaluate applies, in words and with its thresholds,
 * for a report's methods section (one sentence each, no markup). */
void an_nchs_describe(char *suppress, size_t ssize, char *review, size_t rsize);

#endif
