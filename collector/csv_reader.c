/* Streaming CSV on libcsv. libcsv knows nothing of line numbers, so the
 * input is fed one physical line at a time: whatever row a callback ends,
 * the reader knows which line it is on. */
#include "csv_reader.h"

#include <csv.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sha256.h"

#define READ_SIZE (256 * 1024)
/* libcsv grows its field buffer without bound; refusing to grow it past
 * this keeps memory constant. The exact limit is checked per field. */
#define FIELD_BUFFER_MAX (COL_CSV_FIELD_MAX + 256)

struct reader {
    struct csv_parser parser;
    const char *name;
    col_csv_row_fn on_row;
    void *ctx;

    /* the row being assembled */
    char *arena;
    size_t arena_len, arena_cap;
    size_t offset[COL_CSV_FIELDS_MAX];
    size_t len[COL_CSV_FIELDS_MAX];
    unsigned char flags[COL_CSV_FIELDS_MAX];
    const char *value[COL_CSV_FIELDS_MAX];
    size_t nfields;

    bool row_open;            /* a row has started and not yet ended */
    uint64_t row_line;        /* where it started */
    uint64_t line;            /* line being fed */
    uint64_t rows;
    int cr_rows;              /* rows ended by '\r' in the current line */
    bool in_quotes;           /* a quoted field runs on past the line fed */

    int stop;                 /* on_row's non-zero answer, or our own error */
    uint64_t error_line;
    struct prev_error *err;
};

static void *capped_realloc(void *ptr, size_t size)
{
    if (size > FIELD_BUFFER_MAX)
        return NULL;
    return realloc(ptr, size);
}

bool col_utf8_valid(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;

    while (i < len) {
        unsigned char c = s[i];
        size_t need;
        unsigned char lo = 0x80, hi = 0xBF;   /* range of the second byte */

        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            if (c == 0xE0)
                lo = 0xA0;            /* overlong */
            else if (c == 0xED)
                hi = 0x9F;            /* UTF-16 surrogates */
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            if (c == 0xF0)
                lo = 0x90;            /* overlong */
            else if (c == 0xF4)
                hi = 0x8F;            /* beyond U+10FFFF */
        } else {
            return false;             /* continuation byte, C0/C1, F5..FF */
        }
        if (len - i <= need)
            return false;
        if (s[i + 1] < lo || s[i + 1] > hi)
            return false;
        for (size_t k = 2; k <= need; k++)
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
        i += need + 1;
    }
    return true;
}

static void fail_at(struct reader *r, uint64_t line, int code, const char *msg)
{
    char where[256];

    snprintf(where, sizeof where, "%s:%llu", r->name, (unsigned long long)line);
    prev_fail(r->err, code, where, "%s", msg);
    r->stop = code;
    r->error_line = line;
}

static void on_field(void *field, size_t len, void *data)
{
    struct reader *r = data;
    const char *s = field != NULL ? field : "";
    unsigned char flags = 0;
    size_t i;

    if (r->stop != 0)
        return;
    if (!r->row_open) {
        /* A second row on one line: only a bare CR can do that, and the
         * line check after this line reports it. */
        r->row_open = true;
        r->row_line = r->line;
    }
    if (len > COL_CSV_FIELD_MAX) {
        char msg[160];
        snprintf(msg, sizeof msg, "a field is longer than %d bytes; nothing was loaded "
                 "(is a closing quote missing?)", COL_CSV_FIELD_MAX);
        fail_at(r, r->line, PREV_EX_DATA, msg);
        return;
    }
    if (r->nfields == COL_CSV_FIELDS_MAX) {
        char msg[160];
        snprintf(msg, sizeof msg, "row has more than %d fields", COL_CSV_FIELDS_MAX);
        fail_at(r, r->row_line, PREV_EX_DATA, msg);
        return;
    }
    if (r->arena_len + len + 1 > r->arena_cap) {
        size_t cap = r->arena_cap == 0 ? 4096 : r->arena_cap;
        char *grown;
        while (cap < r->arena_len + len + 1)
            cap *= 2;
        if ((grown = realloc(r->arena, cap)) == NULL) {
            fail_at(r, r->line, PREV_EX_SOFTWARE, "out of memory");
            return;
        }
        r->arena = grown;
        r->arena_cap = cap;
    }
    /* One pass for the common case: printable ASCII needs no more. */
    for (i = 0; i < len && (unsigned char)(s[i] - 1) < 0x7f; i++)
        ;
    if (i < len) {
        if (memchr(s + i, '\0', len - i) != NULL)
            flags |= COL_FIELD_NUL;
        if (!col_utf8_valid(s + i, len - i))
            flags |= COL_FIELD_BAD_UTF8;
    }
    memcpy(r->arena + r->arena_len, s, len);
    r->arena[r->arena_len + len] = '\0';
    r->offset[r->nfields] = r->arena_len;
    r->len[r->nfields] = len;
    r->flags[r->nfields] = flags;
    r->nfields++;
    r->arena_len += len + 1;
}

static void on_row_end(int c, void *data)
{
    struct reader *r = data;
    struct col_csv_row row;
    int rc;

    if (c == '\r')
        r->cr_rows++;
    if (r->stop != 0)
        return;
    for (size_t i = 0; i < r->nfields; i++)
        r->value[i] = r->arena + r->offset[i];
    row.line = r->row_line;
    row.nfields = r->nfields;
    row.value = r->value;
    row.len = r->len;
    row.flags = r->flags;
    r->rows++;
    rc = r->on_row(r->ctx, &row);
    if (rc != 0)
        r->stop = rc;
    r->nfields = 0;
    r->arena_len = 0;
    r->row_open = false;
}

static bool is_blank(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Whether a quoted field is open after s[0..n), given whether one was
 * open before it. In text libcsv accepts in strict mode, every '"' opens
 * a quoted field, closes it, or is half of a doubled quote inside it, so
 * each one flips the state. */
static bool quotes_before(bool open, const unsigned char *s, size_t n)
{
    const unsigned char *end = s + n, *q;

    while (s < end && (q = memchr(s, '"', (size_t)(end - s))) != NULL) {
        open = !open;
        s = q + 1;
    }
    return open;
}

/* Feed one physical line (or the part of it in the buffer). */
static void feed_line(struct reader *r, const unsigned char *s, size_t n, bool has_lf)
{
    size_t used;
    int allowed_cr;

    if (!r->row_open) {
        /* libcsv skips blank lines and leading spaces; a row starts on the
         * first line with anything else. */
        size_t i = 0;
        while (i < n && is_blank(s[i]))
            i++;
        if (i < n) {
            r->row_open = true;
            r->row_line = r->line;
        }
    }
    r->cr_rows = 0;
    used = csv_parse(&r->parser, s, n, on_field, on_row_end, r);
    if (r->stop != 0)
        return;
    if (used < n) {
        if (csv_error(&r->parser) == CSV_EPARSE) {
            fail_at(r, r->line, PREV_EX_DATA,
                    "malformed quoting: a field that holds a '\"' must be enclosed in "
                    "quotes with each '\"' doubled; nothing was loaded");
        } else if (csv_get_buffer_size(&r->parser) >= COL_CSV_FIELD_MAX) {
            char msg[160];
            snprintf(msg, sizeof msg, "a field is longer than %d bytes; nothing was loaded "
                     "(is a closing quote missing?)", COL_CSV_FIELD_MAX);
            fail_at(r, r->line, PREV_EX_DATA, msg);
        } else {
            fail_at(r, r->line, PREV_EX_SOFTWARE, csv_strerror(csv_error(&r->parser)));
        }
        return;
    }
    /* A CR directly before the LF ends a row (CRLF); any other CR that
     * ends a row is an old Mac line ending, which would make every line
     * number we report wrong. The final CR ends no row when a quoted field
     * runs through it: then it is field content, and a row that a CR
     * ended on this line was ended by a bare one. */
    allowed_cr = (n >= 2 && has_lf && s[n - 2] == '\r') || (!has_lf && n >= 1 && s[n - 1] == '\r');
    if (allowed_cr && quotes_before(r->in_quotes, s, n - (has_lf ? 2 : 1)))
        allowed_cr = 0;
    r->in_quotes = quotes_before(r->in_quotes, s, n);
    if (r->cr_rows > allowed_cr)
        fail_at(r, r->line, PREV_EX_DATA,
                "a carriage return without a line feed ends a row; save the file with "
                "LF or CRLF line endings");
}

int col_csv_read(FILE *fp, const char *name, col_csv_row_fn on_row,
                 col_csv_progress_fn progress, void *ctx,
                 struct col_csv_stats *stats, struct prev_error *err)
{
    return col_csv_read_prefixed(NULL, 0, fp, name, on_row, progress, ctx, stats, err);
}

int col_csv_read_prefixed(const unsigned char *prefix, size_t nprefix, FILE *fp,
                          const char *name, col_csv_row_fn on_row,
                          col_csv_progress_fn progress, void *ctx,
                          struct col_csv_stats *stats, struct prev_error *err)
{
    struct reader *r = NULL;
    struct prev_sha256 *sha = NULL;
    unsigned char *buf = NULL;
    struct col_csv_stats local;
    size_t carry = 0;
    bool first = true, parser_ready = false;
    int rc = 0;

    if (stats == NULL)
        stats = &local;
    memset(stats, 0, sizeof *stats);
    if ((r = calloc(1, sizeof *r)) == NULL || (buf = malloc(READ_SIZE)) == NULL
        || (sha = prev_sha256_new()) == NULL) {
        rc = prev_fail(err, PREV_EX_SOFTWARE, name, "out of memory");
        goto done;
    }
    if (csv_init(&r->parser, CSV_STRICT | CSV_STRICT_FINI) != 0) {
        rc = prev_fail(err, PREV_EX_SOFTWARE, name, "cannot initialise the CSV parser");
        goto done;
    }
    parser_ready = true;
    csv_set_realloc_func(&r->parser, capped_realloc);
    r->name = name;
    r->on_row = on_row;
    r->ctx = ctx;
    r->err = err;
    r->line = 1;

    for (;;) {
        size_t got;
        size_t n, pos = 0, end;
        bool eof;

        if (nprefix > 0) {
            /* first read: carry is 0 and READ_SIZE far above any prefix */
            memcpy(buf, prefix, nprefix);
            got = nprefix + fread(buf + nprefix, 1, READ_SIZE - nprefix, fp);
            nprefix = 0;
        } else {
            got = fread(buf + carry, 1, READ_SIZE - carry, fp);
        }
        n = carry + got;
        eof = got < READ_SIZE - carry;

        if (eof && ferror(fp)) {
            rc = prev_fail(err, PREV_EX_IOERR, name, "cannot read: %s",
                           strerror(errno != 0 ? errno : EIO));
            goto done;
        }
        stats->bytes += got;
        if (got > 0 && prev_sha256_update(sha, buf + carry, got) != 0) {
            rc = prev_fail(err, PREV_EX_SOFTWARE, name, "sha256 failed");
            goto done;
        }
        if (first && n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
            stats->had_bom = true;
            pos = 3;
        }
        /* fread returns short only at the end, so the first read holds
         * the whole BOM whenever there is one. */
        first = false;
        /* Keep a trailing CR for the next read so that CRLF is never split. */
        end = n;
        carry = 0;
        if (!eof && end > pos && buf[end - 1] == '\r') {
            end--;
            carry = 1;
        }
        while (pos < end) {
            unsigned char *lf = memchr(buf + pos, '\n', end - pos);
            size_t stop = lf != NULL ? (size_t)(lf - buf) + 1 : end;
            feed_line(r, buf + pos, stop - pos, lf != NULL);
            if (r->stop != 0) {
                rc = r->stop;
                goto done;
            }
            if (lf != NULL)
                r->line++;
            pos = stop;
        }
        if (carry)
            buf[0] = buf[end];
        if (progress != NULL)
            progress(ctx, stats->bytes, r->rows);
        if (eof)
            break;
    }
    if (csv_fini(&r->parser, on_field, on_row_end, r) != 0) {
        char where[256];
        snprintf(where, sizeof where, "%s:%llu", name, (unsigned long long)r->row_line);
        r->error_line = r->row_line;
        rc = prev_fail(err, PREV_EX_DATA, where,
                       "a quoted field is never closed (missing '\"'); nothing was loaded");
        goto done;
    }
    if (r->stop != 0) {
        rc = r->stop;
        goto done;
    }
    stats->rows = r->rows;
    if (prev_sha256_final(sha, stats->sha256) != 0) {
        sha = NULL;
        rc = prev_fail(err, PREV_EX_SOFTWARE, name, "sha256 failed");
        goto done;
    }
    sha = NULL;
done:
    if (sha != NULL) {
        char ignored[65];
        prev_sha256_final(sha, ignored);
    }
    if (parser_ready)
        csv_free(&r->parser);
    if (r != NULL) {
        stats->rows = r->rows;
        stats->error_line = r->error_line;
        free(r->arena);
    }
    free(r);
    free(buf);
    return rc;
}
