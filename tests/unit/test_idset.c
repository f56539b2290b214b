/* The respondent set: exact keys, growth, order kept. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "idset.h"

static void test_idset_duplicate_reports_first_line(void **state)
{
    struct col_idset *s = col_idset_new();
    struct col_idset_entry *e = NULL;
    (void)state;

    assert_non_null(s);
    assert_int_equal(col_idset_insert(s, 2025, "PO-1", 4, 2, &e), 0);
    assert_int_equal(e->line, 2);
    e->caseload = 40;
    assert_int_equal(col_idset_insert(s, 2025, "PO-1", 4, 9, &e), 1);
    assert_int_equal(e->line, 2);
    assert_int_equal(e->caseload, 40);
    /* same code in another year, and a code that is a prefix: both new */
    assert_int_equal(col_idset_insert(s, 2024, "PO-1", 4, 10, &e), 0);
    assert_int_equal(col_idset_insert(s, 2025, "PO-", 3, 11, &e), 0);
    assert_int_equal(col_idset_count(s), 3);
    assert_null(col_idset_find(s, 2023, "PO-1", 4));
    assert_non_null(col_idset_find(s, 2024, "PO-1", 4));
    col_idset_free(s);
}

static void test_idset_grows_and_keeps_order(void **state)
{
    struct col_idset *s = col_idset_new();
    struct col_idset_entry *e = NULL;
    char id[32];
    size_t n = 200000;
    (void)state;

    for (size_t i = 0; i < n; i++) {
        int len = snprintf(id, sizeof id, "R%zu", i);
        assert_int_equal(col_idset_insert(s, 2000 + (int)(i % 3), id, (size_t)len, i + 2, &e), 0);
    }
    assert_int_equal(col_idset_count(s), n);
    for (size_t i = 0; i < n; i += 997) {
        int len = snprintf(id, sizeof id, "R%zu", i);
        struct col_idset_entry *f = col_idset_find(s, 2000 + (int)(i % 3), id, (size_t)len);
        assert_non_null(f);
        assert_int_equal(f->line, i + 2);
        assert_int_equal(col_idset_insert(s, 2000 + (int)(i % 3), id, (size_t)len, 1, &e), 1);
    }
    for (size_t i = 0; i < n; i += 4999) {
        int year;
        const char *key;
        size_t len;
        e = col_idset_at(s, i, &year, &key, &len);
        snprintf(id, sizeof id, "R%zu", i);
        assert_int_equal(len, strlen(id));
        assert_memory_equal(key, id, len);
        assert_int_equal(year, 2000 + (int)(i % 3));
        assert_int_equal(e->line, i + 2);
    }
    col_idset_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_idset_duplicate_reports_first_line),
        cmocka_unit_test(test_idset_grows_and_keeps_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
