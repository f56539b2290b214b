/* An .xlsx workbook as rows (xlsx_reader.h). Four parts are read, each
 * through expat and each bounded: xl/workbook.xml (the sheets' names),
 * xl/_rels/workbook.xml.rels (which part holds which sheet), the shared
 * strings and the styles (which cells are dates), then the sheet itself,
 * streamed row by row into the caller's callback. */
#include "xlsx_reader.h"

#include <errno.h>
#include <expat.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "sha256.h"

#define CHUNK (64 * 1024)
#define MAX_SHEETS 256
#define MAX_XFS 65536
#define MAX_NUMFMTS 4096
#define RATIO_FLOOR (UINT64_C(1) << 20)
#define PATH_MAX_LEN 512
/* Shared strings longer than a field are kept as their length only. */
#define SS_TOO_LONG UINT32_MAX

enum xf_kind { XF_PLAIN = 0, XF_DATE = 1, XF_PERCENT = 2 };

struct sheet_ref {
    char name[128];
    char rid[64];
};

struct book {
    zip_t *za;
    const char *name;
    enum col_kind kind;
    struct prev_error *err;
    int failed;                     /* a prev_exit code once something went wrong */
    uint64_t total_out;             /* uncompressed bytes read, all parts */
    const char *part;               /* the part being read, for messages */

    /* workbook.xml */
    struct sheet_ref sheets[MAX_SHEETS];
    size_t nsheets;
    /* workbook.xml.rels */
    char sheet_path[PATH_MAX_LEN], shared_path[PATH_MAX_LEN], styles_path[PATH_MAX_LEN];
    const char *want_rid;
    /* sharedStrings.xml */
    char **ss;
    uint32_t *ss_len;
    size_t nss, ss_cap;
    uint64_t ss_bytes;
    bool in_si, in_t, in_rph;
    /* text of the element being read (a shared string, a cell's value) */
    char text[COL_CSV_FIELD_MAX + 1];
    size_t text_len;
    bool text_long;
    /* styles.xml */
    int fmt_id[MAX_NUMFMTS];
    unsigned char fmt_kind[MAX_NUMFMTS];
    size_t nfmts;
    unsigned char *xf;
    size_t nxf;
    int in_cellxfs;

    /* the sheet */
    col_csv_row_fn on_row;
    void *ctx;
    struct col_csv_stats *stats;
    uint64_t max_rows;
    uint64_t row;                   /* current row number, 0 before the first */
    bool in_row, in_cell, in_v, in_is, in_f;
    size_t col;                     /* current cell's column */
    long next_col;                  /* where a cell without r= goes */
    char cell_t[16];
    long cell_s;
    bool cell_has_v, cell_has_f;
    char *arena;                    /* the row's field text */
    size_t arena_len, arena_cap;
    size_t offset[COL_CSV_FIELDS_MAX];
    size_t len[COL_CSV_FIELDS_MAX];
    unsigned char flags[COL_CSV_FIELDS_MAX];
    const char *value[COL_CSV_FIELDS_MAX];
    size_t nfields;
    size_t width;                   /* fields of the first row handed out */
    uint64_t first_row;             /* its row number */
    int stop;                       /* on_row's answer */
    bool sheet_done;
    XML_Parser parser;
};

static const char *local_name(const char *n)
{
    const char *bar = strrchr(n, '|');
    return bar != NULL ? bar + 1 : n;
}

static const char *attr(const char **atts, const char *want)
{
    for (size_t i = 0; atts[i] != NULL; i += 2)
        if (strcmp(local_name(atts[i]), want) == 0)
            return atts[i + 1];
    return NULL;
}

static void fail(struct book *b, int code, uint64_t line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void fail(struct book *b, int code, uint64_t line, const char *fmt, ...)
{
    va_list ap;

    if (b->failed)
        return;
    b->failed = code;
    b->err->code = code;
    snprintf(b->err->where, sizeof b->err->where, "%s", b->name);
    va_start(ap, fmt);
    vsnprintf(b->err->msg, sizeof b->err->msg, fmt, ap);
    va_end(ap);
    if (b->stats != NULL)
        b->stats->error_line = line;
    if (b->parser != NULL)
        XML_StopParser(b->parser, XML_FALSE);
}

void col_xlsx_column_letters(size_t field, char out[4])
{
    char tmp[4];
    size_t n = 0, o = 0;

    field++;
    while (field > 0 && n < 3) {
        field--;
        tmp[n++] = (char)('A' + field % 26);
        field /= 26;
    }
    while (n > 0)
        out[o++] = tmp[--n];
    out[o] = '\0';
}

bool col_xlsx_sniff(const void *buf, size_t n)
{
    return n >= 4 && memcmp(buf, "PK\x03\x04", 4) == 0;
}

/* "C12" -> column 2, row 12; false when it is not a cell reference
 * within Excel's grid. */
static bool parse_ref(const char *s, long *col, uint64_t *row)
{
    long c = 0;
    uint64_t r = 0;
    size_t i = 0;

    while ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z')) {
        c = c * 26 + ((s[i] | 0x20) - 'a' + 1);
        if (++i > 3)
            return false;
    }
    if (i == 0 || c > 16384)
        return false;
    if (s[i] == '$')
        i++;
    if (s[i] < '0' || s[i] > '9')
        return false;
    while (s[i] >= '0' && s[i] <= '9') {
        r = r * 10 + (uint64_t)(s[i] - '0');
        if (r > COL_XLSX_MAX_ROWS)
            return false;
        i++;
    }
    if (s[i] != '\0' || r == 0)
        return false;
    *col = c - 1;
    *row = r;
    return true;
}

/* ---- text accumulation ---------------------------------------------- */

static void text_reset(struct book *b)
{
    b->text_len = 0;
    b->text_long = false;
}

static void text_add(struct book *b, const char *s, int len)
{
    if (len <= 0)
        return;
    if (b->text_long || b->text_len + (size_t)len > COL_CSV_FIELD_MAX) {
        b->text_long = true;
        return;
    }
    memcpy(b->text + b->text_len, s, (size_t)len);
    b->text_len += (size_t)len;
}

/* ---- reading one part through expat --------------------------------- */

static void XMLCALL refuse_doctype(void *data, const XML_Char *name, const XML_Char *sysid,
                                   const XML_Char *pubid, int has_internal_subset)
{
    struct book *b = data;
    (void)name, (void)sysid, (void)pubid, (void)has_internal_subset;
    fail(b, PREV_EX_DATA, 0, "the workbook's part %s declares a DOCTYPE, which Excel never "
         "writes; the file is refused (save it again from Excel as .xlsx)", b->part);
}

/* Read entry path (already resolved inside the archive) through a parser
 * set up with the given handlers. cap: most uncompressed bytes allowed.
 * Returns 0, or the failure code (err filled). missing_ok: a part that is
 * not there is not an error (returns 0 and sets *found false). */
static int read_part(struct book *b, const char *path, uint64_t cap,
                     XML_StartElementHandler start, XML_EndElementHandler end,
                     XML_CharacterDataHandler chars, bool missing_ok, bool *found)
{
    zip_stat_t st;
    zip_file_t *zf = NULL;
    char *buf = NULL;
    zip_int64_t idx;
    uint64_t out = 0, limit;
    int rc = 0;

    if (found != NULL)
        *found = false;
    b->part = path;
    idx = zip_name_locate(b->za, path, 0);
    if (idx < 0) {
        if (missing_ok)
            return 0;
        fail(b, PREV_EX_DATA, 0, "this workbook has no part %s; it is not a complete .xlsx "
             "file (save it again from Excel as 'Excel Workbook (.xlsx)')", path);
        return b->failed;
    }
    if (found != NULL)
        *found = true;
    zip_stat_init(&st);
    if (zip_stat_index(b->za, (zip_uint64_t)idx, 0, &st) != 0
        || (st.valid & (ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE)) != (ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE)) {
        fail(b, PREV_EX_DATA, 0, "the workbook's part %s cannot be read: %s", path,
             zip_strerror(b->za));
        return b->failed;
    }
    /* The declared size may lie: it is checked here and again on the
     * bytes actually inflated. */
    limit = cap;
    if (st.comp_size > 0 && st.comp_size < UINT64_MAX / COL_XLSX_MAX_RATIO
        && st.comp_size * COL_XLSX_MAX_RATIO > RATIO_FLOOR
        && st.comp_size * COL_XLSX_MAX_RATIO < limit)
        limit = st.comp_size * COL_XLSX_MAX_RATIO;
    if (limit < RATIO_FLOOR && cap >= RATIO_FLOOR)
        limit = RATIO_FLOOR;
    if (st.size > limit || b->total_out + st.size > COL_XLSX_MAX_TOTAL) {
        fail(b, PREV_EX_DATA, 0, "the workbook's part %s would expand to %llu bytes from %llu "
             "(a zip bomb?); the most accepted is %llu bytes at %d times its compressed size",
             path, (unsigned long long)st.size, (unsigned long long)st.comp_size,
             (unsigned long long)cap, COL_XLSX_MAX_RATIO);
        return b->failed;
    }
    if ((zf = zip_fopen_index(b->za, (zip_uint64_t)idx, 0)) == NULL) {
        fail(b, PREV_EX_DATA, 0, "the workbook's part %s cannot be opened: %s (an encrypted "
             "or damaged workbook?)", path, zip_strerror(b->za));
        return b->failed;
    }
    if ((buf = malloc(CHUNK)) == NULL || (b->parser = XML_ParserCreateNS(NULL, '|')) == NULL) {
        fail(b, PREV_EX_SOFTWARE, 0, "out of memory");
        rc = b->failed;
        goto done;
    }
    XML_SetUserData(b->parser, b);
    XML_SetElementHandler(b->parser, start, end);
    XML_SetCharacterDataHandler(b->parser, chars);
    XML_SetStartDoctypeDeclHandler(b->parser, refuse_doctype);
    for (;;) {
        zip_int64_t got = zip_fread(zf, buf, CHUNK);
        if (got < 0) {
            fail(b, PREV_EX_DATA, 0, "the workbook's part %s is damaged: %s", path,
                 zip_file_strerror(zf));
            break;
        }
        out += (uint64_t)got;
        b->total_out += (uint64_t)got;
        if (out > limit || out > st.size || b->total_out > COL_XLSX_MAX_TOTAL) {
            fail(b, PREV_EX_DATA, 0, "the workbook's part %s expands beyond what its header "
                 "declares or %llu bytes (a zip bomb?); the file is refused", path,
                 (unsigned long long)limit);
            break;
        }
        if (XML_Parse(b->parser, buf, (int)got, got == 0) == XML_STATUS_ERROR) {
            if (!b->failed && b->stop == 0)
                fail(b, PREV_EX_DATA, b->row, "the workbook's part %s is not well-formed XML "
                     "(line %lu: %s); save it again from Excel", path,
                     (unsigned long)XML_GetCurrentLineNumber(b->parser),
                     XML_ErrorString(XML_GetErrorCode(b->parser)));
            break;
        }
        if (b->failed || b->stop != 0 || got == 0)
            break;
    }
    rc = b->failed;
done:
    if (b->parser != NULL)
        XML_ParserFree(b->parser);
    b->parser = NULL;
    if (zf != NULL)
        zip_fclose(zf);
    free(buf);
    return rc;
}

/* ---- workbook.xml and its relationships ------------------------------ */

static void XMLCALL wb_start(void *data, const XML_Char *el, const XML_Char **atts)
{
    struct book *b = data;
    const char *name, *rid;

    if (strcmp(local_name(el), "sheet") != 0)
        return;
    if (b->nsheets == MAX_SHEETS) {
        fail(b, PREV_EX_DATA, 0, "the workbook has more than %d sheets", MAX_SHEETS);
        return;
    }
    name = attr(atts, "name");
    rid = attr(atts, "id");
    if (name == NULL || rid == NULL)
        return;
    snprintf(b->sheets[b->nsheets].name, sizeof b->sheets[0].name, "%s", name);
    snprintf(b->sheets[b->nsheets].rid, sizeof b->sheets[0].rid, "%s", rid);
    b->nsheets++;
}

static void XMLCALL no_end(void *data, const XML_Char *el)
{
    (void)data, (void)el;
}

static void XMLCALL no_chars(void *data, const XML_Char *s, int len)
{
    (void)data, (void)s, (void)len;
}

/* A relationship's target, relative to xl/ or absolute in the package,
 * as an entry name. Nothing here ever touches the file system: the name
 * is only looked up in the archive. */
static void resolve_target(const char *target, char *out, size_t size)
{
    if (target[0] == '/')
        snprintf(out, size, "%s", target + 1);
    else if (strncmp(target, "./", 2) == 0)
        snprintf(out, size, "xl/%s", target + 2);
    else
        snprintf(out, size, "xl/%s", target);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void XMLCALL rels_start(void *data, const XML_Char *el, const XML_Char **atts)
{
    struct book *b = data;
    const char *id, *target, *type;

    if (strcmp(local_name(el), "Relationship") != 0)
        return;
    id = attr(atts, "Id");
    target = attr(atts, "Target");
    type = attr(atts, "Type");
    if (id == NULL || target == NULL || type == NULL)
        return;
    if (b->want_rid != NULL && strcmp(id, b->want_rid) == 0)
        resolve_target(target, b->sheet_path, sizeof b->sheet_path);
    else if (ends_with(type, "/sharedStrings"))
        resolve_target(target, b->shared_path, sizeof b->shared_path);
    else if (ends_with(type, "/styles"))
        resolve_target(target, b->styles_path, sizeof b->styles_path);
}

/* ---- sharedStrings.xml ----------------------------------------------- */

static void XMLCALL ss_start(void *data, const XML_Char *el, const XML_Char **atts)
{
    struct book *b = data;
    const char *n = local_name(el);

    (void)atts;
    if (strcmp(n, "si") == 0) {
        b->in_si = true;
        text_reset(b);
    } else if (strcmp(n, "rPh") == 0) {
        b->in_rph = true;         /* phonetic guide: not part of the text */
    } else if (strcmp(n, "t") == 0 && b->in_si && !b->in_rph) {
        b->in_t = true;
    }
}

static void XMLCALL ss_end(void *data, const XML_Char *el)
{
    struct book *b = data;
    const char *n = local_name(el);

    if (strcmp(n, "t") == 0) {
        b->in_t = false;
    } else if (strcmp(n, "rPh") == 0) {
        b->in_rph = false;
    } else if (strcmp(n, "si") == 0 && b->in_si) {
        char *copy = NULL;
        b->in_si = false;
        if (b->nss == COL_XLSX_MAX_SHARED
            || b->ss_bytes + b->text_len > COL_XLSX_MAX_SHARED_BYTES) {
            fail(b, PREV_EX_DATA, 0, "the workbook holds more than %d different texts or %llu "
                 "bytes of them; the file is refused", COL_XLSX_MAX_SHARED,
                 (unsigned long long)COL_XLSX_MAX_SHARED_BYTES);
            return;
        }
        if (b->nss == b->ss_cap) {
            size_t cap = b->ss_cap == 0 ? 1024 : b->ss_cap * 2;
            char **ss = realloc(b->ss, cap * sizeof *ss);
            uint32_t *lens;
            if (ss == NULL) {
                fail(b, PREV_EX_SOFTWARE, 0, "out of memory");
                return;
            }
            b->ss = ss;
            if ((lens = realloc(b->ss_len, cap * sizeof *lens)) == NULL) {
                fail(b, PREV_EX_SOFTWARE, 0, "out of memory");
                return;
            }
            b->ss_len = lens;
            b->ss_cap = cap;
        }
        if (!b->text_long) {
            if ((copy = malloc(b->text_len + 1)) == NULL) {
                fail(b, PREV_EX_SOFTWARE, 0, "out of memory");
                return;
            }
            memcpy(copy, b->text, b->text_len);
            copy[b->text_len] = '\0';
        }
        b->ss[b->nss] = copy;
        b->ss_len[b->nss] = b->text_long ? SS_TOO_LONG : (uint32_t)b->text_len;
        b->ss_bytes += b->text_len + 1;
        b->nss++;
    }
}

static void XMLCALL text_chars(void *data, const XML_Char *s, int len)
{
    struct book *b = data;

    if (b->in_t || b->in_v)
        text_add(b, s, len);
}

/* ---- styles.xml -------------------------------------------------------- */

/* Does a number format show a date or a time? Its codes d, m, y, h, s
 * outside quoted text, [colour] brackets and escaped characters say so
 * ([h] elapsed hours too). */
static enum xf_kind format_kind(const char *code)
{
    bool quoted = false;

    if (strcasecmp(code, "General") == 0)
        return XF_PLAIN;
    for (const char *p = code; *p != '\0'; p++) {
        char c = *p;
        if (quoted) {
            if (c == '"')
                quoted = false;
            continue;
        }
        if (c == '"') {
            quoted = true;
        } else if (c == '\\' || c == '_' || c == '*') {
            if (p[1] != '\0')
                p++;
        } else if (c == '[') {
            const char *close = strchr(p, ']');
            if (close == NULL)
                break;
            if (p[1] == 'h' || p[1] == 'H' || p[1] == 'm' || p[1] == 'M' || p[1] == 's'
                || p[1] == 'S')
                return XF_DATE;
            p = close;
        } else if (c == '%') {
            return XF_PERCENT;
        } else if (strchr("dDmMyYhHsS", c) != NULL) {
            return XF_DATE;
        }
    }
    return XF_PLAIN;
}

static enum xf_kind builtin_kind(long id)
{
    if ((id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47)
        || (id >= 50 && id <= 58))
        return XF_DATE;
    if (id == 9 || id == 10)
        return XF_PERCENT;
    return XF_PLAIN;
}

static void XMLCALL st_start(void *data, const XML_Char *el, const XML_Char **atts)
{
    struct book *b = data;
    const char *n = local_name(el);

    if (strcmp(n, "numFmt") == 0) {
        const char *id = attr(atts, "numFmtId"), *code = attr(atts, "formatCode");
        if (id == NULL || code == NULL || b->nfmts == MAX_NUMFMTS)
            return;
        b->fmt_id[b->nfmts] = atoi(id);
        b->fmt_kind[b->nfmts] = (unsigned char)format_kind(code);
        b->nfmts++;
    } else if (strcmp(n, "cellXfs") == 0) {
        b->in_cellxfs = 1;
    } else if (strcmp(n, "xf") == 0 && b->in_cellxfs) {
        const char *id = attr(atts, "numFmtId");
        long fid = id != NULL ? atol(id) : 0;
        enum xf_kind k = builtin_kind(fid);
        if (b->nxf == MAX_XFS) {
            fail(b, PREV_EX_DATA, 0, "the workbook has more than %d cell styles", MAX_XFS);
            return;
        }
        for (size_t i = 0; i < b->nfmts; i++)
            if (b->fmt_id[i] == fid)
                k = (enum xf_kind)b->fmt_kind[i];
        if (b->xf == NULL && (b->xf = calloc(MAX_XFS, 1)) == NULL) {
            fail(b, PREV_EX_SOFTWARE, 0, "out of memory");
            return;
        }
        b->xf[b->nxf++] = (unsigned char)k;
    }
}

static void XMLCALL st_end(void *data, const XML_Char *el)
{
    struct book *b = data;

    if (strcmp(local_name(el), "cellXfs") == 0)
        b->in_cellxfs = 0;
}

/* ---- the sheet ----------------------------------------------------------- */

static bool add_field(struct book *b, const char *s, size_t len, unsigned char flags)
{
    if (b->arena_len + len + 1 > b->arena_cap) {
        size_t cap = b->arena_cap == 0 ? 4096 : b->arena_cap;
        char *grown;
        while (cap < b->arena_len + len + 1)
            cap *= 2;
        if ((grown = realloc(b->arena, cap)) == NULL) {
            fail(b, PREV_EX_SOFTWARE, b->row, "out of memory");
            return false;
        }
        b->arena = grown;
        b->arena_cap = cap;
    }
    memcpy(b->arena + b->arena_len, s, len);
    b->arena[b->arena_len + len] = '\0';
    b->offset[b->nfields] = b->arena_len;
    b->len[b->nfields] = len;
    b->flags[b->nfields] = flags;
    b->arena_len += len + 1;
    b->nfields++;
    return true;
}

static void end_row(struct book *b)
{
    struct col_csv_row row;

    /* trailing empty cells carry nothing */
    while (b->nfields > 0 && b->len[b->nfields - 1] == 0 && b->flags[b->nfields - 1] == 0)
        b->nfields--;
    if (b->nfields == 0)
        return;
    if (b->width == 0) {
        b->width = b->nfields;
        b->first_row = b->row;
    }
    while (b->nfields < b->width)
        if (!add_field(b, "", 0, 0))
            return;
    for (size_t i = 0; i < b->nfields; i++)
        b->value[i] = b->arena + b->offset[i];
    row.line = b->row;
    row.nfields = b->nfields;
    row.value = b->value;
    row.len = b->len;
    row.flags = b->flags;
    b->stats->rows++;
    if ((b->stop = b->on_row(b->ctx, &row)) != 0)
        XML_StopParser(b->parser, XML_FALSE);
}

/* A number as Excel saved it ("42", "4.2E1", "42.000000000000007") shown
 * as a person typed it when it is a whole number. */
static size_t normalise_number(const char *s, size_t len, char *out, size_t size)
{
    char buf[64], *end = NULL;
    double v;

    if (len == 0 || len >= sizeof buf)
        return 0;
    memcpy(buf, s, len);
    buf[len] = '\0';
    errno = 0;
    v = strtod(buf, &end);
    if (errno != 0 || *end != '\0' || !isfinite(v) || fabs(v) >= 1e15 || v != floor(v))
        return 0;
    return (size_t)snprintf(out, size, "%.0f", v == 0 ? 0.0 : v);
}

static void end_cell(struct book *b)
{
    unsigned char flags = 0;
    const char *s = b->text;
    size_t len = b->text_len;
    char num[64];

    if (b->col >= COL_CSV_FIELDS_MAX) {
        if (len > 0 || b->cell_has_f) {
            char letters[4];
            col_xlsx_column_letters(b->col, letters);
            fail(b, PREV_EX_DATA, b->row, "%s%llu: a value beyond column %d; the survey has "
                 "a handful of columns (is this the right sheet?)", letters,
                 (unsigned long long)b->row, COL_CSV_FIELDS_MAX);
        }
        return;
    }
    if (b->text_long) {
        char letters[4];
        col_xlsx_column_letters(b->col, letters);
        fail(b, PREV_EX_DATA, b->row, "%s%llu: a cell holds more than %d bytes",
             letters, (unsigned long long)b->row, COL_CSV_FIELD_MAX);
        return;
    }
    if (strcmp(b->cell_t, "s") == 0) {
        char *end = NULL;
        unsigned long i;
        b->text[b->text_len] = '\0';
        errno = 0;
        i = strtoul(b->text, &end, 10);
        if (b->text_len == 0 || errno != 0 || *end != '\0' || i >= b->nss) {
            fail(b, PREV_EX_DATA, b->row, "row %llu refers to a shared text that the "
                 "workbook does not hold; the file is damaged", (unsigned long long)b->row);
            return;
        }
        if (b->ss_len[i] == SS_TOO_LONG) {
            fail(b, PREV_EX_DATA, b->row, "row %llu: a cell holds more than %d bytes",
                 (unsigned long long)b->row, COL_CSV_FIELD_MAX);
            return;
        }
        s = b->ss[i];
        len = b->ss_len[i];
    } else if (strcmp(b->cell_t, "e") == 0) {
        flags |= COL_FIELD_ERROR;
    } else if (strcmp(b->cell_t, "b") == 0) {
        s = len == 1 && b->text[0] == '1' ? "TRUE" : "FALSE";
        len = strlen(s);
    } else if (strcmp(b->cell_t, "str") == 0 || strcmp(b->cell_t, "inlineStr") == 0) {
        /* text as it is */
    } else {
        size_t n = normalise_number(b->text, b->text_len, num, sizeof num);
        if (n > 0) {
            s = num;
            len = n;
        }
        if (len > 0 && b->cell_s >= 0 && (size_t)b->cell_s < b->nxf) {
            if (b->xf[b->cell_s] == XF_DATE)
                flags |= COL_FIELD_DATE;
            else if (b->xf[b->cell_s] == XF_PERCENT)
                flags |= COL_FIELD_PERCENT;
        }
    }
    if (b->cell_has_f && (!b->cell_has_v || len == 0))
        flags |= COL_FIELD_NO_VALUE;
    if (len > 0 && !col_utf8_valid(s, len))
        flags |= COL_FIELD_BAD_UTF8;
    if (len > 0 && memchr(s, '\0', len) != NULL)
        flags |= COL_FIELD_NUL;
    while (b->nfields < b->col)
        if (!add_field(b, "", 0, 0))
            return;
    add_field(b, s, len, flags);
}

static void XMLCALL sh_start(void *data, const XML_Char *el, const XML_Char **atts)
{
    struct book *b = data;
    const char *n = local_name(el);

    if (b->failed || b->stop != 0)
        return;
    if (strcmp(n, "row") == 0) {
        const char *r = attr(atts, "r");
        uint64_t next = b->row + 1;
        if (r != NULL) {
            char *end = NULL;
            unsigned long long v;
            errno = 0;
            v = strtoull(r, &end, 10);
            if (errno != 0 || *end != '\0' || v <= b->row || v > COL_XLSX_MAX_ROWS) {
                fail(b, PREV_EX_DATA, b->row, "the sheet's rows are out of order after row "
                     "%llu; the file is damaged", (unsigned long long)b->row);
                return;
            }
            next = v;
        }
        if (next > b->max_rows) {
            fail(b, PREV_EX_DATA, b->row, "the sheet has more than %llu rows, the most a %s "
                 "file may hold", (unsigned long long)b->max_rows, col_kind_name(b->kind));
            return;
        }
        b->row = next;
        b->in_row = true;
        b->nfields = 0;
        b->arena_len = 0;
        b->next_col = 0;
    } else if (strcmp(n, "c") == 0 && b->in_row) {
        const char *r = attr(atts, "r"), *t = attr(atts, "t"), *s = attr(atts, "s");
        long col = b->next_col;
        uint64_t row;
        if (r != NULL && (!parse_ref(r, &col, &row) || row != b->row)) {
            fail(b, PREV_EX_DATA, b->row, "row %llu has a cell reference that is not in it; "
                 "the file is damaged", (unsigned long long)b->row);
            return;
        }
        if (col < b->next_col) {
            fail(b, PREV_EX_DATA, b->row, "row %llu has its cells out of order; the file is "
                 "damaged", (unsigned long long)b->row);
            return;
        }
        b->col = (size_t)col;
        b->next_col = col + 1;
        snprintf(b->cell_t, sizeof b->cell_t, "%s", t != NULL ? t : "n");
        b->cell_s = s != NULL ? atol(s) : -1;
        b->cell_has_v = b->cell_has_f = false;
        b->in_cell = true;
        text_reset(b);
    } else if (b->in_cell && strcmp(n, "v") == 0) {
        b->in_v = true;
        b->cell_has_v = true;
    } else if (b->in_cell && strcmp(n, "f") == 0) {
        b->cell_has_f = true;
    } else if (b->in_cell && strcmp(n, "is") == 0) {
        b->in_is = true;
        b->cell_has_v = true;
    } else if (b->in_is && strcmp(n, "rPh") == 0) {
        b->in_rph = true;
    } else if (b->in_is && !b->in_rph && strcmp(n, "t") == 0) {
        b->in_t = true;
    } else if (strcmp(n, "mergeCell") == 0) {
        /* After the data in the file: the rows are all read by now. */
        const char *ref = attr(atts, "ref");
        char first[16] = "", *colon;
        long col;
        uint64_t row1 = 0, row2 = 0;
        if (ref == NULL || strlen(ref) >= 32)
            return;
        snprintf(first, sizeof first, "%.15s", ref);
        if ((colon = strchr(first, ':')) != NULL)
            *colon = '\0';
        if (!parse_ref(first, &col, &row1))
            return;
        if (strchr(ref, ':') == NULL || !parse_ref(strchr(ref, ':') + 1, &col, &row2))
            row2 = row1;
        if (b->first_row != 0 && row2 >= b->first_row)
            fail(b, PREV_EX_DATA, row1, "cells %s are merged; every value needs a cell of its "
                 "own: select them and unmerge (Home, Merge & Center), then fill each cell",
                 ref);
    }
}

static void XMLCALL sh_end(void *data, const XML_Char *el)
{
    struct book *b = data;
    const char *n = local_name(el);

    if (b->failed || b->stop != 0)
        return;
    if (strcmp(n, "v") == 0) {
        b->in_v = false;
    } else if (strcmp(n, "t") == 0) {
        b->in_t = false;
    } else if (strcmp(n, "rPh") == 0) {
        b->in_rph = false;
    } else if (strcmp(n, "is") == 0) {
        b->in_is = false;
    } else if (strcmp(n, "c") == 0 && b->in_cell) {
        b->in_cell = false;
        end_cell(b);
    } else if (strcmp(n, "row") == 0 && b->in_row) {
        b->in_row = false;
        end_row(b);
    }
}

/* ---- the whole ----------------------------------------------------------- */

static bool sheet_is(const char *name, const char *want)
{
    return strcasecmp(name, want) == 0;
}

static struct book *book_new(const char *name, enum col_kind kind, col_csv_row_fn on_row,
                             void *ctx, struct col_csv_stats *stats, struct prev_error *err)
{
    struct book *b = calloc(1, sizeof *b);

    if (b == NULL)
        return NULL;
    b->name = name;
    b->kind = kind;
    b->err = err;
    b->stats = stats;
    b->on_row = on_row;
    b->ctx = ctx;
    b->max_rows = kind == COL_KIND_FRAME ? 100000 : COL_XLSX_MAX_ROWS;
    return b;
}

static void unreadable(struct book *b, zip_error_t *ze)
{
    fail(b, PREV_EX_DATA, 0, "this file starts like an Excel workbook but is not a "
         "readable one (%s); save it again from Excel as 'Excel Workbook (.xlsx)' or as "
         "'CSV UTF-8'", zip_error_strerror(ze));
}

static int read_book(struct book *b);

int col_xlsx_read(const void *data, size_t size, const char *name, enum col_kind kind,
                  col_csv_row_fn on_row, void *ctx, struct col_csv_stats *stats,
                  struct prev_error *err)
{
    struct book *b = NULL;
    struct col_csv_stats local;
    zip_source_t *src = NULL;
    zip_error_t ze;

    if (stats == NULL)
        stats = &local;
    memset(stats, 0, sizeof *stats);
    stats->bytes = size;
    {
        struct prev_sha256 *sha = prev_sha256_new();
        int bad = sha == NULL || prev_sha256_update(sha, data, size) != 0;
        if ((sha != NULL && prev_sha256_final(sha, stats->sha256) != 0) || bad)
            return prev_fail(err, PREV_EX_SOFTWARE, name, "sha256 failed");
    }
    if ((b = book_new(name, kind, on_row, ctx, stats, err)) == NULL)
        return prev_fail(err, PREV_EX_SOFTWARE, name, "out of memory");
    zip_error_init(&ze);
    if (size > COL_XLSX_MAX_BYTES) {
        fail(b, PREV_EX_DATA, 0, "the workbook is larger than %llu bytes, the most accepted",
             (unsigned long long)COL_XLSX_MAX_BYTES);
    } else if ((src = zip_source_buffer_create(data, size, 0, &ze)) == NULL
               || (b->za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze)) == NULL) {
        unreadable(b, &ze);
        if (src != NULL)
            zip_source_free(src);
    }
    zip_error_fini(&ze);
    return read_book(b);
}

/* A copy of a stream that cannot seek (a pipe), in an unnamed temporary
 * file, so that the archive can be read from disk. */
static FILE *spill(FILE *fp, const unsigned char *head, size_t nhead, const char *name,
                   struct prev_error *err)
{
    unsigned char buf[CHUNK];
    uint64_t total = nhead;
    size_t got;
    FILE *tmp = tmpfile();

    if (tmp == NULL) {
        prev_fail(err, PREV_EX_CANTCREAT, name, "cannot make a temporary file to read the "
                  "workbook: %s (set TMPDIR to a writable folder)", strerror(errno));
        return NULL;
    }
    if (fwrite(head, 1, nhead, tmp) != nhead)
        goto write_failed;
    while ((got = fread(buf, 1, sizeof buf, fp)) > 0) {
        total += got;
        if (total > COL_XLSX_MAX_BYTES) {
            fclose(tmp);
            prev_fail(err, PREV_EX_DATA, name, "the workbook is larger than %llu bytes, the "
                      "most accepted", (unsigned long long)COL_XLSX_MAX_BYTES);
            return NULL;
        }
        if (fwrite(buf, 1, got, tmp) != got)
            goto write_failed;
    }
    if (ferror(fp)) {
        fclose(tmp);
        prev_fail(err, PREV_EX_IOERR, name, "cannot read: %s",
                  strerror(errno != 0 ? errno : EIO));
        return NULL;
    }
    if (fflush(tmp) != 0)
        goto write_failed;
    return tmp;
write_failed:
    prev_fail(err, PREV_EX_IOERR, name, "cannot write the temporary copy of the workbook: %s "
              "(set TMPDIR to a folder with space)", strerror(errno != 0 ? errno : EIO));
    fclose(tmp);
    return NULL;
}

/* The sha256 and size of a seekable stream's whole content, read in
 * chunks from its start. */
static int hash_stream(FILE *fp, const char *name, struct col_csv_stats *stats,
                       struct prev_error *err)
{
    unsigned char buf[CHUNK];
    struct prev_sha256 *sha = prev_sha256_new();
    uint64_t total = 0;
    size_t got;
    int bad = sha == NULL;

    if (fseeko(fp, 0, SEEK_SET) != 0) {
        if (sha != NULL)
            prev_sha256_final(sha, stats->sha256);
        return prev_fail(err, PREV_EX_IOERR, name, "cannot read: %s", strerror(errno));
    }
    while (!bad && (got = fread(buf, 1, sizeof buf, fp)) > 0) {
        total += got;
        bad = prev_sha256_update(sha, buf, got) != 0;
    }
    if ((sha != NULL && prev_sha256_final(sha, stats->sha256) != 0) || bad)
        return prev_fail(err, PREV_EX_SOFTWARE, name, "sha256 failed");
    if (ferror(fp))
        return prev_fail(err, PREV_EX_IOERR, name, "cannot read: %s",
                         strerror(errno != 0 ? errno : EIO));
    stats->bytes = total;
    return 0;
}

int col_xlsx_read_stream(FILE *fp, const void *head, size_t nhead, const char *name,
                         enum col_kind kind, col_csv_row_fn on_row, void *ctx,
                         struct col_csv_stats *stats, struct prev_error *err)
{
    struct book *b = NULL;
    struct col_csv_stats local;
    zip_error_t ze;
    FILE *own = NULL, *in = fp;
    struct stat st;
    int fd, rc;

    if (stats == NULL)
        stats = &local;
    memset(stats, 0, sizeof *stats);
    if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode)
        || fseeko(fp, (off_t)nhead, SEEK_SET) != 0) {
        if ((own = spill(fp, head, nhead, name, err)) == NULL)
            return err->code;
        in = own;
    }
    if ((rc = hash_stream(in, name, stats, err)) != 0) {
        if (own != NULL)
            fclose(own);
        return rc;
    }
    if ((b = book_new(name, kind, on_row, ctx, stats, err)) == NULL) {
        if (own != NULL)
            fclose(own);
        return prev_fail(err, PREV_EX_SOFTWARE, name, "out of memory");
    }
    zip_error_init(&ze);
    /* libzip closes the descriptor it is given with the archive: give it
     * its own, and read the archive from disk a part at a time. */
    if (stats->bytes > COL_XLSX_MAX_BYTES) {
        fail(b, PREV_EX_DATA, 0, "the workbook is larger than %llu bytes, the most accepted",
             (unsigned long long)COL_XLSX_MAX_BYTES);
    } else if ((fd = dup(fileno(in))) < 0) {
        fail(b, PREV_EX_SOFTWARE, 0, "cannot read the workbook: %s", strerror(errno));
    } else if (lseek(fd, 0, SEEK_SET) != 0) {
        fail(b, PREV_EX_IOERR, 0, "cannot read the workbook: %s", strerror(errno));
        close(fd);
    } else {
        int zerr = 0;
        if ((b->za = zip_fdopen(fd, ZIP_RDONLY | ZIP_CHECKCONS, &zerr)) == NULL) {
            close(fd);
            zip_error_init_with_code(&ze, zerr);
            unreadable(b, &ze);
        }
    }
    zip_error_fini(&ze);
    rc = read_book(b);
    if (own != NULL)
        fclose(own);
    return rc;
}

/* Read the opened archive b->za (or report b's failure to open it), then
 * free b. */
static int read_book(struct book *b)
{
    const struct sheet_ref *chosen = NULL;
    enum col_kind kind = b->kind;
    struct col_csv_stats *stats = b->stats;
    const char *want = kind == COL_KIND_FRAME ? "Frame" : "Responses";
    int rc = 0;

    if (b->failed)
        goto done;
    if (zip_get_num_entries(b->za, 0) > COL_XLSX_MAX_ENTRIES) {
        fail(b, PREV_EX_DATA, 0, "the archive holds more than %d parts; a survey workbook "
             "has a dozen", COL_XLSX_MAX_ENTRIES);
        goto done;
    }
    if (read_part(b, "xl/workbook.xml", COL_XLSX_MAX_PART, wb_start, no_end, no_chars, false,
                  NULL) != 0)
        goto done;
    for (size_t i = 0; i < b->nsheets; i++)
        if (sheet_is(b->sheets[i].name, want))
            chosen = &b->sheets[i];
    if (chosen == NULL && b->nsheets == 1)
        chosen = &b->sheets[0];
    if (chosen == NULL) {
        char list[400];
        size_t o = 0;
        list[0] = '\0';
        for (size_t i = 0; i < b->nsheets && o + 8 < sizeof list; i++) {
            o += (size_t)snprintf(list + o, sizeof list - o, "%s'%s'", i > 0 ? ", " : "",
                                  b->sheets[i].name);
            if (o >= sizeof list)
                o = sizeof list - 1;
        }
        if (b->nsheets == 0)
            fail(b, PREV_EX_DATA, 0, "the workbook has no sheet");
        else
            fail(b, PREV_EX_DATA, 0, "the workbook has %zu sheets (%s) and none is named %s: "
                 "name the sheet with the %s '%s', or delete the others", b->nsheets, list,
                 want, col_kind_name(kind), want);
        goto done;
    }
    snprintf(stats->sheet, sizeof stats->sheet, "%s", chosen->name);
    b->want_rid = chosen->rid;
    if (read_part(b, "xl/_rels/workbook.xml.rels", COL_XLSX_MAX_PART, rels_start, no_end,
                  no_chars, false, NULL) != 0)
        goto done;
    if (b->sheet_path[0] == '\0') {
        fail(b, PREV_EX_DATA, 0, "the workbook does not say where sheet '%s' is stored; the "
             "file is damaged", chosen->name);
        goto done;
    }
    if (b->shared_path[0] == '\0')
        snprintf(b->shared_path, sizeof b->shared_path, "xl/sharedStrings.xml");
    if (b->styles_path[0] == '\0')
        snprintf(b->styles_path, sizeof b->styles_path, "xl/styles.xml");
    if (read_part(b, b->shared_path, COL_XLSX_MAX_SHARED_BYTES * 2, ss_start, ss_end,
                  text_chars, true, NULL) != 0)
        goto done;
    if (read_part(b, b->styles_path, COL_XLSX_MAX_PART, st_start, st_end, no_chars, true,
                  NULL) != 0)
        goto done;
    b->in_t = b->in_rph = false;
    read_part(b, b->sheet_path, COL_XLSX_MAX_SHEET, sh_start, sh_end, text_chars, false, NULL);
done:
    if (b->failed)
        rc = b->failed;
    else if (b->stop != 0)
        rc = b->stop;
    if (b->za != NULL)
        zip_discard(b->za);
    for (size_t i = 0; i < b->nss; i++)
        free(b->ss[i]);
    free(b->ss);
    free(b->ss_len);
    free(b->xf);
    free(b->arena);
    free(b);
    return rc;
}
