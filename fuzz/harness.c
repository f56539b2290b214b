#include "harness.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codebook.h"
#include "csv_reader.h"
#include "diag.h"
#include "firewall.h"
#include "rejects.h"
#include "scan.h"
#include "validate.h"
#include "xlsx_reader.h"

#define FUZZ_NAME "fuzz.csv"

static void broken(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz: promise broken: %s: '%s'\n", what, detail);
    abort();
}

/* ---- what the firewall would not let out -------------------------------- */

/* Identifying values of a file, and every other text of it (which a
 * message may legitimately repeat; a secret that is also a substring of
 * an innocent field of the same file cannot be told apart from it). */
struct texts {
    char **secret;
    size_t nsecret, capsecret;
    char **plain;             /* may hold NUL bytes: see plain_len */
    size_t *plain_len;
    size_t nplain, capplain;
};

static void push(char ***list, size_t *n, size_t *cap, const char *s, size_t len)
{
    char *copy;

    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 64;
        char **l = realloc(*list, c * sizeof *l);
        if (l == NULL)
            abort();
        *list = l;
        *cap = c;
    }
    if ((copy = malloc(len + 1)) == NULL)
        abort();
    memcpy(copy, s, len);
    copy[len] = '\0';
    (*list)[(*n)++] = copy;
}

static void texts_free(struct texts *t)
{
    for (size_t i = 0; i < t->nsecret; i++)
        free(t->secret[i]);
    for (size_t i = 0; i < t->nplain; i++)
        free(t->plain[i]);
    free(t->secret);
    free(t->plain);
    free(t->plain_len);
    memset(t, 0, sizeof *t);
}

/* A value is secret when the firewall flags it as written or trimmed.
 * What a leak would show is its start (messages shorten long values), so
 * the first 24 bytes are what is looked for; shorter than 6 bytes is too
 * common to judge. */
static void classify(struct texts *t, const char *s, size_t len)
{
    size_t tlen = len;
    const char *trimmed = col_trim(s, &tlen);
    bool secret = memchr(s, '\0', len) == NULL
                  && (col_firewall_value(s, len) != COL_PII_NONE
                      || col_firewall_value(trimmed, tlen) != COL_PII_NONE);

    if (!secret) {
        size_t cap = t->capplain;
        push(&t->plain, &t->nplain, &t->capplain, s, len);
        if (t->capplain != cap
            && (t->plain_len = realloc(t->plain_len, t->capplain * sizeof *t->plain_len))
                   == NULL)
            abort();
        t->plain_len[t->nplain - 1] = len;
        return;
    }
    /* Messages wrap values in quotes: a secret that starts with one
     * would match any innocent value in a message ("'MMMM..."). */
    while (tlen > 0 && (*trimmed == '\'' || *trimmed == '"')) {
        trimmed++;
        tlen--;
    }
    if (tlen < 6)
        return;
    push(&t->secret, &t->nsecret, &t->capsecret, trimmed, tlen > 24 ? 24 : tlen);
}

static int collect_row(void *ctx, const struct col_csv_row *row)
{
    for (size_t f = 0; f < row->nfields; f++)
        classify(ctx, row->value[f], row->len[f]);
    return 0;
}

/* memmem, which strict C11 with POSIX does not declare. */
static bool contains(const char *hay, size_t hay_len, const char *needle, size_t len)
{
    for (size_t i = 0; len <= hay_len && i <= hay_len - len; i++)
        if (memcmp(hay + i, needle, len) == 0)
            return true;
    return false;
}

static bool in_plain(const struct texts *t, const char *needle)
{
    /* A field with a NUL byte is still one text after it. */
    for (size_t i = 0; i < t->nplain; i++)
        if (contains(t->plain[i], t->plain_len[i], needle, strlen(needle)))
            return true;
    return false;
}

/* No secret of t may appear in out[0..len). */
static void expect_no_secret(const struct texts *t, const char *out, const char *where)
{
    for (size_t i = 0; i < t->nsecret; i++)
        if (strstr(out, t->secret[i]) != NULL && !in_plain(t, t->secret[i]))
            broken(where, t->secret[i]);
}

static void collect(const uint8_t *data, size_t size, struct texts *t)
{
    struct prev_error err;
    FILE *fp = fmemopen((void *)data, size, "rb");

    if (fp == NULL)
        abort();
    prev_error_clear(&err);
    col_csv_read(fp, FUZZ_NAME, collect_row, NULL, t, NULL, &err);
    fclose(fp);
}

/* ---- fuzz_scan_one ----------------------------------------------------------- */

/* Read a whole file into a NUL-terminated buffer (the rejects file). */
static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0, cap = 0, got;

    if (fp == NULL)
        return NULL;
    do {
        if (cap - n < 4096) {
            cap = cap ? cap * 2 : 8192;
            if ((buf = realloc(buf, cap)) == NULL)
                abort();
        }
        got = fread(buf + n, 1, cap - n - 1, fp);
        n += got;
    } while (got > 0);
    fclose(fp);
    buf[n] = '\0';
    return buf;
}

static void scan_as(const uint8_t *data, size_t size, enum col_kind kind, const struct texts *t)
{
    static const char *const ignore[] = {"notes"};
    char rejects_path[256], *diag_text = NULL, *rejects_text = NULL;
    size_t diag_len = 0;
    struct col_rejects *rejects = NULL;
    struct col_diag diag;
    struct col_scan sc;
    struct prev_error err;
    FILE *in = NULL, *diag_out = NULL;

    prev_error_clear(&err);
    snprintf(rejects_path, sizeof rejects_path, "%s/prevalence-fuzz-%ld.csv",
             access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp", (long)getpid());
    if ((in = fmemopen((void *)data, size, "rb")) == NULL
        || (diag_out = open_memstream(&diag_text, &diag_len)) == NULL
        || col_rejects_open(&rejects, rejects_path, kind, &err) != 0)
        abort();
    col_diag_init(&diag, diag_out, FUZZ_NAME, COL_DIAG_CAP, NULL);
    memset(&sc, 0, sizeof sc);
    sc.kind = kind;
    sc.name = FUZZ_NAME;
    sc.ignore = ignore;
    sc.nignore = 1;
    sc.diag = &diag;
    sc.rejects = rejects;
    sc.size_hint = size;
    if (col_scan_init(&sc, &err) != 0)
        abort();
    /* Data problems are counted, not returned; only a read error or
     * memory would stop the scan, and a memory stream has neither. */
    if (col_scan_run(&sc, in, &err) != 0)
        broken("col_scan_run failed on a memory stream", err.msg);
    col_diag_finish(&diag, true);
    if (sc.valid_rows > sc.rows)
        broken("more valid rows than rows", FUZZ_NAME);
    if (sc.refused_privacy && sc.valid_rows > 0)
        broken("rows accepted from a file the firewall refused", FUZZ_NAME);
    col_scan_free(&sc);
    fclose(in);
    if (fclose(diag_out) != 0)
        abort();
    if (col_rejects_commit(rejects, &err) != 0)
        broken("rejects file not written", err.msg);
    rejects_text = slurp(rejects_path);
    unlink(rejects_path);
    if (rejects_text == NULL)
        broken("rejects file missing", rejects_path);
    expect_no_secret(t, diag_text, "identifying value in a message");
    expect_no_secret(t, rejects_text, "identifying value in the rejects file");
    free(diag_text);
    free(rejects_text);
}

void fuzz_scan_one(const uint8_t *data, size_t size)
{
    struct texts t;

    memset(&t, 0, sizeof t);
    collect(data, size, &t);
    scan_as(data, size, COL_KIND_RESPONSES, &t);
    scan_as(data, size, COL_KIND_FRAME, &t);
    texts_free(&t);
}

/* ---- fuzz_csv_one ------------------------------------------------------------ */

struct csv_ctx {
    const uint8_t *data;
    size_t size;
    uint64_t rows, last_line;
    bool have_header, split_line;
    struct col_header header;
    struct texts *t;
};

static int check_row(void *ctx, const struct col_csv_row *row)
{
    struct csv_ctx *c = ctx;
    struct col_problems p;
    struct col_record rec;
    size_t bytes = 0;

    c->rows++;
    if (row->nfields == 0 || row->nfields > COL_CSV_FIELDS_MAX)
        broken("field count out of range", FUZZ_NAME);
    if (row->line < c->last_line || row->line == 0)
        broken("lines go backwards", FUZZ_NAME);
    /* Two rows starting on one line: only a bare carriage return splits a
     * line, and the reader must then refuse the file (checked at the end). */
    if (row->line == c->last_line)
        c->split_line = true;
    c->last_line = row->line;
    for (size_t f = 0; f < row->nfields; f++) {
        bool has_nul = memchr(row->value[f], '\0', row->len[f]) != NULL;
        if (row->len[f] > COL_CSV_FIELD_MAX)
            broken("field longer than COL_CSV_FIELD_MAX", FUZZ_NAME);
        if (row->value[f][row->len[f]] != '\0')
            broken("field not NUL-terminated at its length", FUZZ_NAME);
        if (has_nul != ((row->flags[f] & COL_FIELD_NUL) != 0))
            broken("NUL flag disagrees with the bytes", FUZZ_NAME);
        if (!has_nul && col_utf8_valid(row->value[f], row->len[f])
                            == ((row->flags[f] & COL_FIELD_BAD_UTF8) != 0))
            broken("UTF-8 flag disagrees with the bytes", FUZZ_NAME);
        bytes += row->len[f];
    }
    /* A field holds input bytes, not more: quotes only ever shrink it. */
    if (bytes > c->size)
        broken("a row holds more bytes than the input", FUZZ_NAME);
    if (!c->have_header) {
        c->have_header = true;
        col_header_map(COL_KIND_RESPONSES, row, NULL, 0, &c->header);
        for (size_t i = 0; i < c->header.nfields && i < COL_CSV_FIELDS_MAX; i++)
            if (memchr(c->header.display[i], '\0', sizeof c->header.display[i]) == NULL)
                broken("header display name not terminated", FUZZ_NAME);
        return 0;
    }
    col_problems_clear(&p);
    memset(&rec, 0, sizeof rec);
    if (col_validate_row(&c->header, row, &rec, &p)) {
        if (rec.respondent_id_len > COL_RESPONDENT_ID_MAX
            || strlen(rec.respondent_id) != rec.respondent_id_len)
            broken("accepted respondent_id of a wrong length", FUZZ_NAME);
        if (col_firewall_value(rec.respondent_id, rec.respondent_id_len) != COL_PII_NONE)
            broken("accepted an identifying respondent_id", rec.respondent_id);
        /* The loader writes it into COPY text unescaped (loader.c): only
         * these bytes keep that safe, and the database's rule is the same. */
        if (rec.respondent_id_len == 0
            || strspn(rec.respondent_id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                         "0123456789_-") != rec.respondent_id_len)
            broken("accepted a respondent_id outside [A-Za-z0-9_-]", rec.respondent_id);
        if (rec.county < 0 || rec.county >= COL_NCOUNTIES || rec.survey_year < COL_YEAR_MIN
            || rec.survey_year > COL_YEAR_MAX || rec.caseload < 0
            || rec.caseload > COL_CASELOAD_MAX || rec.confirmed < 0 || rec.suspected < 0
            || rec.confirmed + rec.suspected > rec.caseload)
            broken("accepted a row outside the codebook's ranges", FUZZ_NAME);
    }
    if (p.n > COL_ROW_PROBLEMS_MAX)
        broken("more problems than the array holds", FUZZ_NAME);
    for (size_t i = 0; i < p.n; i++) {
        if (memchr(p.item[i].msg, '\0', sizeof p.item[i].msg) == NULL)
            broken("problem message not terminated", FUZZ_NAME);
        expect_no_secret(c->t, p.item[i].msg, "identifying value in a row problem");
    }
    return 0;
}

void fuzz_csv_one(const uint8_t *data, size_t size)
{
    struct texts t;
    struct csv_ctx c;
    struct col_csv_stats stats;
    struct prev_error err;
    FILE *fp = NULL;
    int rc;

    memset(&t, 0, sizeof t);
    collect(data, size, &t);
    memset(&c, 0, sizeof c);
    c.data = data;
    c.size = size;
    c.t = &t;
    prev_error_clear(&err);
    if ((fp = fmemopen((void *)data, size, "rb")) == NULL)
        abort();
    rc = col_csv_read(fp, FUZZ_NAME, check_row, NULL, &c, &stats, &err);
    fclose(fp);
    if (rc != 0 && rc != PREV_EX_DATA)
        broken("col_csv_read failed other than as bad data", err.msg);
    if (c.split_line && rc != PREV_EX_DATA)
        broken("two rows on one line, and the file was not refused", FUZZ_NAME);
    if (rc == PREV_EX_DATA && (err.where[0] == '\0' || err.msg[0] == '\0'))
        broken("a data error without a location or a message", FUZZ_NAME);
    if (rc == 0 && (stats.rows != c.rows || stats.bytes != size))
        broken("statistics disagree with what was read", FUZZ_NAME);
    if (rc == 0 && strlen(stats.sha256) != 64)
        broken("no sha256 after a whole read", FUZZ_NAME);
    expect_no_secret(&t, err.msg, "identifying value in a reader error");
    texts_free(&t);
}

/* ---- fuzz_firewall_one ---------------------------------------------------- */

static void expect_text(const char *buf, size_t size, const char *what)
{
    const char *end = memchr(buf, '\0', size);

    if (end == NULL)
        broken(what, "not NUL-terminated within its buffer");
    if (!col_utf8_valid(buf, (size_t)(end - buf)))
        broken(what, "not valid UTF-8");
}

void fuzz_firewall_one(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    char *name = NULL, quoted[128], shown[64], tiny[8];
    enum col_pii kind = col_firewall_value(s, size);
    bool has_nul = memchr(s, '\0', size) != NULL;

    /* The flags as the reader would set them for these bytes. */
    unsigned char flags = (unsigned char)((has_nul ? COL_FIELD_NUL : 0)
                                          | (col_utf8_valid(s, size) ? 0 : COL_FIELD_BAD_UTF8));

    col_describe_value(s, size, flags, quoted, sizeof quoted);
    expect_text(quoted, sizeof quoted, "col_describe_value");
    /* a description names a length and kinds of characters, nothing else */
    if (strchr(quoted, '\'') != NULL || strchr(quoted, '"') != NULL)
        broken("col_describe_value quoted the value", quoted);
    {
        char detail[80];
        enum col_pii code = col_firewall_code(s, size, detail, sizeof detail);
        if (code == COL_PII_NONE && kind != COL_PII_NONE)
            broken("col_firewall_code let through what col_firewall_value refuses", s);
        expect_text(detail, sizeof detail, "col_firewall_code");
    }
    col_display(s, size, !col_utf8_valid(s, size), shown, sizeof shown);
    expect_text(shown, sizeof shown, "col_display");
    col_display(s, size, false, tiny, sizeof tiny);
    if (memchr(tiny, '\0', sizeof tiny) == NULL)
        broken("col_display", "overflowed an 8-byte buffer");
    if (strcmp(col_pii_describe(kind), "") == 0)
        broken("col_pii_describe", "empty");
    /* Column names arrive NUL-terminated. */
    if ((name = malloc(size + 1)) == NULL)
        abort();
    memcpy(name, data, size);
    name[size] = '\0';
    (void)col_firewall_column(name);
    (void)col_county_find(name);
    (void)col_county_by_fips(name);
    {
        enum col_role role;
        enum col_kind k;
        (void)col_role_parse(name, &role);
        (void)col_kind_parse(name, &k);
    }
    free(name);
}

/* ---- fuzz_xlsx ------------------------------------------------------------ */

struct xlsx_check {
    uint64_t last_line;
};

static int xlsx_row(void *ctx, const struct col_csv_row *row)
{
    struct xlsx_check *c = ctx;

    if (row->line <= c->last_line || row->line > COL_XLSX_MAX_ROWS)
        broken("xlsx rows out of order or beyond the sheet", "");
    c->last_line = row->line;
    if (row->nfields == 0 || row->nfields > COL_CSV_FIELDS_MAX)
        broken("xlsx row with a field count out of bounds", "");
    for (size_t f = 0; f < row->nfields; f++) {
        if (row->len[f] > COL_CSV_FIELD_MAX || row->value[f][row->len[f]] != '\0')
            broken("xlsx field longer than the limit or not terminated", "");
        if (((memchr(row->value[f], '\0', row->len[f]) != NULL) != 0)
            != ((row->flags[f] & COL_FIELD_NUL) != 0))
            broken("xlsx NUL flag not true to the bytes", "");
    }
    return 0;
}

void fuzz_xlsx_one(const uint8_t *data, size_t size)
{
    struct xlsx_check c = {0};
    struct prev_error err;
    int rc;

    prev_error_clear(&err);
    rc = col_xlsx_read(data, size, FUZZ_NAME, COL_KIND_RESPONSES, xlsx_row, &c, NULL, &err);
    if (rc != 0 && rc != PREV_EX_DATA)
        broken("col_xlsx_read failed other than as bad data", err.msg);
}
