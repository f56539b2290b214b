#ifndef PREV_ERROR_H
#define PREV_ERROR_H

#include <stdio.h>

/* Exit codes are a public contract (docs/exit-codes.md): sysexits values,
 * append new ones, never renumber. */
enum prev_exit {
    PREV_OK = 0,
    PREV_EX_FAIL = 1,          /* a check ran and found problems (not used for data) */
    PREV_EX_USAGE = 64,        /* bad command line */
    PREV_EX_DATA = 65,         /* input file is invalid or identifies a person */
    PREV_EX_NOINPUT = 66,      /* input file missing or unreadable */
    PREV_EX_UNAVAILABLE = 69,  /* database unavailable */
    PREV_EX_SOFTWARE = 70,     /* internal error: a bug */
    PREV_EX_OSERR = 71,        /* system call failed (fork, setuid) */
    PREV_EX_CANTCREAT = 73,    /* cannot create an output file */
    PREV_EX_IOERR = 74,        /* read/write failed */
    PREV_EX_NOPERM = 77,       /* the database role lacks a privilege (SQLSTATE 42501) */
    PREV_EX_CONFIG = 78        /* configuration problem (PostgreSQL binaries, paths) */
};

/* Every error a person sees says where (file:line:column) and what to do. */
struct prev_error {
    int code;          /* one of enum prev_exit */
    char where[256];   /* "county-pima-2025.csv:14:caseload" or "" */
    char msg[512];
};

/* Fill *e (if not NULL) and return code, so callers can write
 * `return prev_fail(err, PREV_EX_DATA, path, "...")`. */
int prev_fail(struct prev_error *e, int code, const char *where,
              const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Clear an error struct to "no error". */
void prev_error_clear(struct prev_error *e);

/* Print "prevalence: where: msg" (or "prevalence: msg") on out. */
void prev_error_print(const struct prev_error *e, FILE *out);

#endif
