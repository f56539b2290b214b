/* common/: strict number parsing, round-trip formatting, atomic files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "atomic_file.h"
#include "input_file.h"
#include "parse.h"
#include "sha256.h"

static void test_parse_long_accepts_plain_numbers(void **state)
{
    long v = 0;
    (void)state;
    assert_true(prev_parse_long("42", 0, 100, &v));
    assert_int_equal(v, 42);
    assert_true(prev_parse_long("  7 ", 0, 100, &v));
    assert_int_equal(v, 7);
    assert_true(prev_parse_long("-3", -5, 5, &v));
    assert_int_equal(v, -3);
}

static void test_parse_long_rejects_garbage_and_range(void **state)
{
    long v = 99;
    (void)state;
    assert_false(prev_parse_long("", 0, 100, &v));
    assert_false(prev_parse_long("  ", 0, 100, &v));
    assert_false(prev_parse_long("12abc", 0, 100, &v));
    assert_false(prev_parse_long("1.5", 0, 100, &v));
    assert_false(prev_parse_long("101", 0, 100, &v));
    assert_false(prev_parse_long("-1", 0, 100, &v));
    assert_false(prev_parse_long("99999999999999999999999", 0, 100, &v));
    assert_false(prev_parse_long(NULL, 0, 100, &v));
    assert_int_equal(v, 99);   /* untouched on failure */
}

static void test_parse_double_rejects_nan_and_inf(void **state)
{
    double v = 0;
    (void)state;
    assert_true(prev_parse_double("0.95", 0, 1, &v));
    assert_true(fabs(v - 0.95) < 1e-15);
    assert_false(prev_parse_double("nan", -1e300, 1e300, &v));
    assert_false(prev_parse_double("inf", -1e300, 1e300, &v));
    assert_false(prev_parse_double("1e999", -1e300, 1e300, &v));
    assert_false(prev_parse_double("0.95x", 0, 1, &v));
    assert_false(prev_parse_double("1.5", 0, 1, &v));
}

static void test_fmt_double_round_trips(void **state)
{
    const double xs[] = {0.1, 1.0 / 3.0, 0.0614, 1e-300, 123456789.125, 0.0, -2.5e-7};
    char buf[40];
    (void)state;
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        prev_fmt_double(buf, sizeof buf, xs[i]);
        if (strtod(buf, NULL) != xs[i])
            fail_msg("%.17g printed as %s does not read back", xs[i], buf);
    }
    assert_string_equal(prev_fmt_double(buf, sizeof buf, 0.1), "0.1");
}

static void test_atomic_file_commit_and_abort(void **state)
{
    char dir[] = "/tmp/prev-atomic.XXXXXX";
    struct prev_atomic_file af;
    char path[128], tmp_seen[sizeof af.tmp_path];
    struct prev_error err;
    struct stat st;
    FILE *fp;
    (void)state;

    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/out.txt", dir);
    assert_int_equal(prev_atomic_open(&af, path, &err), 0);
    fputs("hello\n", af.fp);
    /* Before commit only the temporary file exists. */
    assert_int_not_equal(stat(path, &st), 0);
    snprintf(tmp_seen, sizeof tmp_seen, "%s", af.tmp_path);
    assert_int_equal(stat(tmp_seen, &st), 0);
    assert_int_equal(prev_atomic_commit(&af, &err), 0);
    assert_int_equal(stat(path, &st), 0);
    assert_int_not_equal(stat(tmp_seen, &st), 0);

    /* Abort leaves the old content and no temporary file. */
    assert_int_equal(prev_atomic_open(&af, path, &err), 0);
    fputs("half", af.fp);
    snprintf(tmp_seen, sizeof tmp_seen, "%s", af.tmp_path);
    prev_atomic_abort(&af);
    assert_int_not_equal(stat(tmp_seen, &st), 0);
    fp = fopen(path, "r");
    assert_non_null(fp);
    char line[16] = "";
    assert_non_null(fgets(line, sizeof line, fp));
    fclose(fp);
    assert_string_equal(line, "hello\n");

    /* An unwritable place gives 73 and a message naming the path. */
    assert_int_equal(prev_atomic_open(&af, "/nonexistent-dir/x.csv", &err), 73);
    assert_string_equal(err.where, "/nonexistent-dir/x.csv");
    unlink(path);
    rmdir(dir);
}

/* A device is written in place, never renamed over: as root, a rename
 * over /dev/null would replace it for everyone. /dev/full reports the
 * full disk at commit. */
static void test_atomic_file_device_written_in_place(void **state)
{
    struct prev_atomic_file af;
    struct prev_error err;
    struct stat st;

    (void)state;
    prev_error_clear(&err);
    assert_int_equal(prev_atomic_open(&af, "/dev/null", &err), 0);
    fputs("discarded\n", af.fp);
    assert_int_equal(prev_atomic_commit(&af, &err), 0);
    assert_int_equal(stat("/dev/null", &st), 0);
    assert_true(S_ISCHR(st.st_mode));

    assert_int_equal(prev_atomic_open(&af, "/dev/full", &err), 0);
    fputs("no room\n", af.fp);
    assert_int_equal(prev_atomic_commit(&af, &err), PREV_EX_IOERR);
    assert_non_null(strstr(err.msg, "No space left on device"));
    assert_int_equal(stat("/dev/full", &st), 0);
    assert_true(S_ISCHR(st.st_mode));
    {
        char tmp[64];
        snprintf(tmp, sizeof tmp, "/dev/full.tmp.%ld", (long)getpid());
        assert_int_equal(access(tmp, F_OK), -1);
        assert_int_equal(access("/dev/.full", F_OK), -1);
    }
}

/* A symbolic link at the output path is refused and its target left
 * alone: following it would write into a folder someone else may control
 * (issue #13). The temporary file is a hidden, private file in the
 * destination folder. */
static void test_atomic_file_refuses_a_link(void **state)
{
    char dir[] = "/tmp/prev-atomic-link.XXXXXX";
    char target[64], link_path[64], buf[32] = "";
    struct prev_atomic_file af;
    struct prev_error err;
    struct stat st;
    FILE *fp;

    (void)state;
    prev_error_clear(&err);
    assert_non_null(mkdtemp(dir));
    snprintf(target, sizeof target, "%s/real.csv", dir);
    snprintf(link_path, sizeof link_path, "%s/link.csv", dir);
    assert_non_null(fp = fopen(target, "w"));
    fputs("old\n", fp);
    fclose(fp);
    assert_int_equal(symlink("real.csv", link_path), 0);
    assert_int_equal(prev_atomic_open(&af, link_path, &err), PREV_EX_CANTCREAT);
    assert_non_null(strstr(err.msg, "symbolic link"));
    assert_int_equal(prev_output_check(link_path, NULL, 0, &err), PREV_EX_CANTCREAT);
    prev_atomic_abort(&af);
    assert_int_equal(lstat(link_path, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_non_null(fp = fopen(target, "r"));
    assert_non_null(fgets(buf, sizeof buf, fp));
    fclose(fp);
    assert_string_equal(buf, "old\n");
    /* a dangling link too: it would create the file it points to */
    unlink(target);
    assert_int_equal(prev_atomic_open(&af, link_path, &err), PREV_EX_CANTCREAT);
    assert_int_not_equal(access(target, F_OK), 0);
    assert_int_equal(prev_atomic_open(&af, dir, &err), PREV_EX_CANTCREAT);

    /* a regular output: hidden private temporary beside it */
    snprintf(target, sizeof target, "%s/out.csv", dir);
    assert_int_equal(prev_atomic_open(&af, target, &err), 0);
    assert_non_null(strstr(af.tmp_path, "/.out.csv."));
    assert_int_equal(stat(af.tmp_path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    fputs("x\n", af.fp);
    assert_int_equal(prev_atomic_commit(&af, &err), 0);
    assert_int_equal(stat(target, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    unlink(target);
    unlink(link_path);
    rmdir(dir);
}

/* An output that is an input, by any path spelling or a hard link, is
 * refused before anything is written. */
static void test_output_check_same_file(void **state)
{
    char dir[] = "/tmp/prev-same-file.XXXXXX";
    char in[96], other[96], hard[96], fresh[96];
    struct prev_error err;
    const char *inputs[2];
    FILE *fp;

    (void)state;
    prev_error_clear(&err);
    assert_non_null(mkdtemp(dir));
    snprintf(in, sizeof in, "%s/f.csv", dir);
    snprintf(other, sizeof other, "%s/./sub/../f.csv", dir);
    snprintf(hard, sizeof hard, "%s/hard.csv", dir);
    snprintf(fresh, sizeof fresh, "%s/new.csv", dir);
    assert_non_null(fp = fopen(in, "w"));
    fclose(fp);
    {
        char sub[96];
        snprintf(sub, sizeof sub, "%s/sub", dir);
        assert_int_equal(mkdir(sub, 0700), 0);
    }
    assert_int_equal(link(in, hard), 0);
    inputs[0] = "-";
    inputs[1] = in;
    assert_int_equal(prev_output_check(in, inputs, 2, &err), PREV_EX_CANTCREAT);
    assert_non_null(strstr(err.msg, "same file as the input 2"));
    assert_int_equal(prev_output_check(other, inputs, 2, &err), PREV_EX_CANTCREAT);
    assert_int_equal(prev_output_check(hard, inputs, 2, &err), PREV_EX_CANTCREAT);
    assert_int_equal(prev_output_check(fresh, inputs, 2, &err), 0);
    assert_int_equal(prev_output_check("/dev/null", inputs, 2, &err), 0);
    {
        char sub[96];
        snprintf(sub, sizeof sub, "%s/sub", dir);
        rmdir(sub);
    }
    unlink(hard);
    unlink(in);
    rmdir(dir);
}

/* Read all of in->fp; returns what prev_input_limit_error says. */
static int drain(struct prev_input *in, struct prev_error *err)
{
    char buf[512];
    while (fread(buf, 1, sizeof buf, in->fp) > 0)
        ;
    return ferror(in->fp) ? prev_input_limit_error(in, err) : 0;
}

/* Every input is read through caps on bytes, lines and line length; a
 * cap gives 65 and a message naming the file, the line and the cap. */
static void test_input_caps(void **state)
{
    static const struct prev_input_limits lim = {"test file", 100, 5, 20};
    char path[] = "/tmp/prev-input.XXXXXX";
    struct prev_input in;
    struct prev_error err;
    int fd;

    (void)state;
    prev_error_clear(&err);
    assert_true((fd = mkstemp(path)) >= 0);
    assert_int_equal(write(fd, "a,b\n1,2\n", 8), 8);
    close(fd);
    assert_int_equal(prev_input_open(&in, path, &lim, &err), 0);
    assert_int_equal(drain(&in, &err), 0);
    prev_input_close(&in);

    /* a line too long */
    assert_true((fd = open(path, O_WRONLY | O_APPEND)) >= 0);
    assert_int_equal(write(fd, "123456789012345678901234567890\n", 31), 31);
    close(fd);
    assert_int_equal(prev_input_open(&in, path, &lim, &err), 0);
    assert_int_equal(drain(&in, &err), PREV_EX_DATA);
    assert_non_null(strstr(err.where, ":3"));
    assert_non_null(strstr(err.msg, "a line longer than 20 bytes"));
    prev_input_close(&in);

    /* too many lines */
    assert_true((fd = open(path, O_WRONLY | O_TRUNC)) >= 0);
    assert_int_equal(write(fd, "1\n2\n3\n4\n5\n6\n", 12), 12);
    close(fd);
    assert_int_equal(prev_input_open(&in, path, &lim, &err), 0);
    assert_int_equal(drain(&in, &err), PREV_EX_DATA);
    assert_non_null(strstr(err.msg, "more than 5 lines"));
    prev_input_close(&in);

    /* too many bytes: /dev/zero is cut at the first cap, at once */
    {
        static const struct prev_input_limits big_lines = {"test file", 1000, 5, 1u << 20};
        assert_int_equal(prev_input_open(&in, "/dev/zero", &big_lines, &err), 0);
        assert_int_equal(drain(&in, &err), PREV_EX_DATA);
        assert_string_equal(err.where, "/dev/zero");
        assert_non_null(strstr(err.msg, "larger than 1000 bytes, the most a test file"));
        prev_input_close(&in);
    }
    assert_int_equal(prev_input_open(&in, "/tmp", &lim, &err), PREV_EX_NOINPUT);
    unlink(path);
}

/* A FIFO nobody writes to: a bounded wait, then 66 naming the file. */
static void test_input_fifo_without_writer_times_out(void **state)
{
    static const struct prev_input_limits lim = {"test file", 100, 5, 20};
    char dir[] = "/tmp/prev-fifo.XXXXXX", path[64];
    struct prev_input in;
    struct prev_error err;
    time_t t0;

    (void)state;
    prev_error_clear(&err);
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/fifo", dir);
    assert_int_equal(mkfifo(path, 0600), 0);
    setenv("PREVALENCE_FIFO_TIMEOUT", "1", 1);
    t0 = time(NULL);
    assert_int_equal(prev_input_open(&in, path, &lim, &err), PREV_EX_NOINPUT);
    assert_true(time(NULL) - t0 <= 3);
    assert_string_equal(err.where, path);
    assert_non_null(strstr(err.msg, "nothing was written to it in 1 s"));
    unsetenv("PREVALENCE_FIFO_TIMEOUT");
    unlink(path);
    rmdir(dir);
}

static void test_sha256_known_vector(void **state)
{
    struct prev_sha256 *h = prev_sha256_new();
    char hex[65];
    (void)state;
    assert_non_null(h);
    assert_int_equal(prev_sha256_update(h, "abc", 3), 0);
    assert_int_equal(prev_sha256_final(h, hex), 0);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

/* A temporary left by a killed writer (nobody holds its lock) is removed
 * by the next open of the same name; one a live writer holds, another
 * name's, and a look-alike that is not a temporary name stay. */
static void test_atomic_file_sweeps_stale_temporaries(void **state)
{
    char dir[] = "/tmp/prev-atomic-stale.XXXXXX";
    char stale[256], held[256], other[256], alike[256], path[256];
    struct prev_atomic_file af;
    struct prev_error err = {0};
    int held_fd;
    (void)state;

    assert_non_null(mkdtemp(dir));
    snprintf(stale, sizeof stale, "%s/.out.csv.Ab3dE9", dir);
    snprintf(held, sizeof held, "%s/.out.csv.ZZZZZZ", dir);
    snprintf(other, sizeof other, "%s/.other.csv.Ab3dE9", dir);
    snprintf(alike, sizeof alike, "%s/.out.csv.notmine", dir);
    snprintf(path, sizeof path, "%s/out.csv", dir);
    for (int i = 0; i < 4; i++) {
        const char *p = i == 0 ? stale : i == 1 ? held : i == 2 ? other : alike;
        int fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0600);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, "partial", 7), 7);
        close(fd);
    }
    held_fd = open(held, O_RDONLY);
    assert_true(held_fd >= 0);
    assert_int_equal(flock(held_fd, LOCK_EX), 0);     /* a writer still at work */

    assert_int_equal(prev_atomic_open(&af, path, &err), 0);
    /* our own temporary is locked while we write: another open of the
     * same name leaves it alone */
    {
        struct prev_atomic_file second;
        assert_int_equal(prev_atomic_open(&second, path, &err), 0);
        assert_int_equal(access(af.tmp_path, F_OK), 0);
        prev_atomic_abort(&second);
    }
    fputs("whole\n", af.fp);
    assert_int_equal(prev_atomic_commit(&af, &err), 0);

    assert_int_equal(access(stale, F_OK), -1);
    assert_int_equal(access(held, F_OK), 0);
    assert_int_equal(access(other, F_OK), 0);
    assert_int_equal(access(alike, F_OK), 0);
    assert_int_equal(access(path, F_OK), 0);
    close(held_fd);
    unlink(held);
    unlink(other);
    unlink(alike);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_long_accepts_plain_numbers),
        cmocka_unit_test(test_parse_long_rejects_garbage_and_range),
        cmocka_unit_test(test_parse_double_rejects_nan_and_inf),
        cmocka_unit_test(test_fmt_double_round_trips),
        cmocka_unit_test(test_atomic_file_commit_and_abort),
        cmocka_unit_test(test_atomic_file_device_written_in_place),
        cmocka_unit_test(test_atomic_file_refuses_a_link),
        cmocka_unit_test(test_atomic_file_sweeps_stale_temporaries),
        cmocka_unit_test(test_output_check_same_file),
        cmocka_unit_test(test_input_caps),
        cmocka_unit_test(test_input_fifo_without_writer_times_out),
        cmocka_unit_test(test_sha256_known_vector),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
