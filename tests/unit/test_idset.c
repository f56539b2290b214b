/* The respondent set: exact keys, repeats with the first line, the filter
 * and spill past the exact part, loaded respondents in file order, and
 * memory that stops growing with the rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "idset.h"

static const struct col_idset_row counted = {true, 3, 10, 1, 2};

static int add(struct col_idset *s, int year, const char *id, uint64_t line, uint64_t *first)
{
    size_t len = strlen(id);
    return col_idset_add(s, col_idset_hash(year, id, len), year, id, len, line, false,
                         &counted, first);
}

static void test_idset_duplicate_reports_first_line(void **state)
{
    struct col_idset *s = col_idset_new();
    uint64_t first = 0;

    (void)state;
    assert_non_null(s);
    assert_int_equal(add(s, 2025, "PO-1", 2, &first), 0);
    assert_int_equal(add(s, 2025, "PO-1", 9, &first), 1);
    assert_int_equal(first, 2);
    assert_int_equal(add(s, 2024, "PO-1", 10, &first), 0);
    assert_int_equal(add(s, 2025, "PO-", 11, &first), 0);
    assert_int_equal(col_idset_count(s), 3);
    col_idset_free(s);
}

/* What col_idset_resolve reported. */
struct dups {
    uint64_t line[64], first[64];
    char id[64][16];
    size_t n;
    bool counted_ok;
};

static void on_dup(void *ctx, const struct col_idset_dup *d)
{
    struct dups *ds = ctx;

    if (ds->n < 64) {
        ds->line[ds->n] = d->line;
        ds->first[ds->n] = d->first_line;
        snprintf(ds->id[ds->n], sizeof ds->id[0], "%.*s", (int)d->len, d->id);
        ds->n++;
    }
    if (!d->row.counted || d->row.caseload != 10 || d->row.county != 3)
        ds->counted_ok = false;
}

/* Past the exact part (8 keys here) repeats are found at the end, each
 * with the line of its key's first row, in file order; a repeat of a key
 * of the exact part is still found at once. */
static void test_idset_spill_finds_every_repeat_at_the_end(void **state)
{
    struct col_idset *s = col_idset_new_exact(8);
    struct dups ds;
    char id[32];
    uint64_t first = 0, line = 1;

    (void)state;
    memset(&ds, 0, sizeof ds);
    ds.counted_ok = true;
    for (int i = 0; i < 5000; i++) {
        snprintf(id, sizeof id, "R%05d", i);
        assert_int_equal(add(s, 2025, id, ++line, &first), 0);
    }
    /* R00003 is in the exact part: known at once */
    assert_int_equal(add(s, 2025, "R00003", ++line, &first), 1);
    assert_int_equal(first, 5);
    /* spilled keys: not known yet */
    assert_int_equal(add(s, 2025, "R04000", ++line, &first), 0);       /* line 5003 */
    assert_int_equal(add(s, 2024, "R04000", ++line, &first), 0);       /* another year */
    assert_int_equal(add(s, 2025, "R00100", ++line, &first), 0);       /* line 5005 */
    assert_int_equal(add(s, 2025, "R04000", ++line, &first), 0);       /* line 5006 */
    assert_int_equal(col_idset_count(s), 5004);
    assert_int_equal(col_idset_resolve(s, on_dup, &ds), 0);
    assert_int_equal(ds.n, 3);
    assert_string_equal(ds.id[0], "R04000");
    assert_int_equal(ds.line[0], 5003);
    assert_int_equal(ds.first[0], 4002);
    assert_string_equal(ds.id[1], "R00100");
    assert_int_equal(ds.line[1], 5005);
    assert_int_equal(ds.first[1], 102);
    assert_int_equal(ds.line[2], 5006);
    assert_int_equal(ds.first[2], 4002);
    assert_true(ds.counted_ok);
    col_idset_free(s);
}

struct loaded {
    uint64_t line[16];
    int64_t batch[16];
    size_t n;
};

static void on_loaded(void *ctx, const struct col_idset_loaded *l)
{
    struct loaded *ls = ctx;
    if (ls->n < 16) {
        ls->line[ls->n] = l->line;
        ls->batch[ls->n] = l->loaded_batch;
        ls->n++;
    }
}

/* Loaded respondents come back in file order, from the exact part and the
 * spill alike; one the file does not hold is not listed, nor a repeat. */
static void test_idset_loaded_in_file_order(void **state)
{
    struct col_idset *s = col_idset_new_exact(4);
    struct dups ds;
    struct loaded ls;
    char id[32];
    uint64_t first = 0;

    (void)state;
    memset(&ds, 0, sizeof ds);
    memset(&ls, 0, sizeof ls);
    for (int i = 0; i < 100; i++) {
        snprintf(id, sizeof id, "R%03d", i);
        assert_int_equal(add(s, 2025, id, (uint64_t)i + 2, &first), 0);
    }
    assert_int_equal(add(s, 2025, "R050", 200, &first), 0);
    assert_int_equal(col_idset_resolve(s, on_dup, &ds), 0);
    assert_int_equal(ds.n, 1);
    assert_int_equal(col_idset_mark_loaded(s, 2025, "R090", 4, 7, 1), 0);
    assert_int_equal(col_idset_mark_loaded(s, 2025, "R001", 4, 5, 1), 0);
    assert_int_equal(col_idset_mark_loaded(s, 2025, "R050", 4, 6, 1), 0);
    assert_int_equal(col_idset_mark_loaded(s, 2025, "X999", 4, 8, 1), 0);
    assert_int_equal(col_idset_mark_loaded(s, 2023, "R002", 4, 9, 1), 0);
    assert_int_equal(col_idset_each_loaded(s, on_loaded, &ls), 0);
    assert_int_equal(ls.n, 3);
    assert_int_equal(ls.line[0], 3);
    assert_int_equal(ls.batch[0], 5);
    assert_int_equal(ls.line[1], 52);
    assert_int_equal(ls.batch[1], 6);
    assert_int_equal(ls.line[2], 92);
    assert_int_equal(ls.batch[2], 7);
    col_idset_free(s);
}

/* The old set held ~60 bytes per respondent; this one stops at the exact
 * part plus a filter of at most COL_IDSET_FILTER_MAX_BYTES. */
static void test_idset_memory_is_bounded(void **state)
{
    struct col_idset *s = col_idset_new();
    char id[32];
    uint64_t first = 0;
    size_t at_200k = 0;

    (void)state;
    col_idset_reserve(s, 400000);
    for (int i = 0; i < 400000; i++) {
        int len = snprintf(id, sizeof id, "PO-%07d", i);
        assert_int_equal(col_idset_add(s, col_idset_hash(2025, id, (size_t)len), 2025, id,
                                       (size_t)len, (uint64_t)i + 2, false, &counted, &first),
                         0);
        if (i == 200000)
            at_200k = col_idset_memory(s);
    }
    assert_int_equal(col_idset_count(s), 400000);
    if (col_idset_memory(s) > (10u << 20) || col_idset_memory(s) > at_200k + (1u << 20)) {
        print_error("idset holds %zu bytes at 400k respondents, %zu at 200k\n",
                    col_idset_memory(s), at_200k);
        fail();
    }
    col_idset_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_idset_duplicate_reports_first_line),
        cmocka_unit_test(test_idset_spill_finds_every_repeat_at_the_end),
        cmocka_unit_test(test_idset_loaded_in_file_order),
        cmocka_unit_test(test_idset_memory_is_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
