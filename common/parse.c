#include "parse.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *skip_spaces(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

static bool only_spaces(const char *s)
{
    return *skip_spaces(s) == '\0';
}

bool prev_parse_long(const char *s, long min, long max, long *out)
{
    char *end = NULL;
    long v;

    if (s == NULL)
        return false;
    s = skip_spaces(s);
    /* strtol accepts a leading '+' and hex with base 0; we use base 10 and
     * refuse an empty string, which strtol would read as 0. */
    if (*s == '\0')
        return false;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || end == s || !only_spaces(end) || v < min || v > max)
        return false;
    *out = v;
    return true;
}

bool prev_parse_double(const char *s, double min, double max, double *out)
{
    char *end = NULL;
    double v;

    if (s == NULL)
        return false;
    s = skip_spaces(s);
    if (*s == '\0')
        return false;
    errno = 0;
    v = strtod(s, &end);
    if (errno != 0 || end == s || !only_spaces(end) || !isfinite(v)
        || v < min || v > max)
        return false;
    *out = v;
    return true;
}

const char *prev_fmt_double(char *buf, size_t size, double x)
{
    static const int digits[] = {15, 16, 17};

    for (size_t i = 0; i < sizeof digits / sizeof digits[0]; i++) {
        snprintf(buf, size, "%.*g", digits[i], x);
        if (strtod(buf, NULL) == x)
            break;
    }
    return buf;
}
