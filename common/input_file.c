/* fopencookie */
#define _GNU_SOURCE
#include "input_file.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parse.h"

enum { OVER_BYTES = 1, OVER_LINES, OVER_LINE };

/* fopencookie read: count as we go, fail (EFBIG) at the first byte past a
 * cap, so that a reader never holds more than the caps allow. */
static ssize_t capped_read(void *cookie, char *buf, size_t size)
{
    struct prev_input *in = cookie;
    ssize_t got;
    const char *p, *end;

    if (in->exceeded) {
        errno = EFBIG;
        return -1;
    }
    do
        got = read(in->fd, buf, size);
    while (got < 0 && errno == EINTR);
    if (got <= 0)
        return got;
    p = buf;
    end = buf + got;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t chunk = (size_t)((nl != NULL ? nl + 1 : end) - p);
        in->line += chunk;
        if (in->line > in->lim->max_line) {
            in->exceeded = OVER_LINE;
            break;
        }
        if (nl != NULL) {
            in->lines++;
            in->line = 0;
            if (in->lines > in->lim->max_lines) {
                in->exceeded = OVER_LINES;
                break;
            }
        }
        p += chunk;
    }
    in->bytes += (uint64_t)got;
    if (!in->exceeded && in->bytes > in->lim->max_bytes)
        in->exceeded = OVER_BYTES;
    if (in->exceeded) {
        errno = EFBIG;
        return -1;
    }
    return got;
}

static int capped_close(void *cookie)
{
    struct prev_input *in = cookie;
    int rc = 0;

    if (in->own_fd && in->fd >= 0)
        rc = close(in->fd);
    in->fd = -1;
    return rc;
}

static long fifo_timeout_ms(void)
{
    const char *v = getenv("PREVALENCE_FIFO_TIMEOUT");
    long s;

    if (v != NULL && prev_parse_long(v, 1, 86400, &s))
        return s * 1000;
    return PREV_FIFO_TIMEOUT_S * 1000L;
}

static int wrap(struct prev_input *in, struct prev_error *err)
{
    static const cookie_io_functions_t io = {capped_read, NULL, NULL, capped_close};

    if ((in->fp = fopencookie(in, "rb", io)) == NULL)
        return prev_fail(err, PREV_EX_SOFTWARE, in->name, "out of memory");
    return 0;
}

int prev_input_open(struct prev_input *in, const char *path,
                    const struct prev_input_limits *lim, struct prev_error *err)
{
    struct stat st;
    int rc = 0;

    memset(in, 0, sizeof *in);
    in->fd = -1;
    in->own_fd = 1;
    in->lim = lim;
    snprintf(in->name, sizeof in->name, "%s", path);
    if ((in->fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
        return prev_fail(err, PREV_EX_NOINPUT, path, "cannot open: %s", strerror(errno));
    if (fstat(in->fd, &st) != 0) {
        rc = prev_fail(err, PREV_EX_NOINPUT, path, "cannot read: %s", strerror(errno));
        goto done;
    }
    if (S_ISDIR(st.st_mode)) {
        rc = prev_fail(err, PREV_EX_NOINPUT, path, "is a directory, not a file");
        goto done;
    }
    if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) {
        /* Wait for a writer's first byte (or its close) with a bound. */
        long ms = fifo_timeout_ms();
        struct pollfd pfd = {in->fd, POLLIN, 0};
        int n;
        do
            n = poll(&pfd, 1, (int)ms);
        while (n < 0 && errno == EINTR);
        if (n == 0) {
            rc = prev_fail(err, PREV_EX_NOINPUT, path,
                           "is a pipe and nothing was written to it in %ld s; is the program "
                           "that should write it running? (PREVALENCE_FIFO_TIMEOUT sets the "
                           "wait)", ms / 1000);
            goto done;
        }
        if (n < 0) {
            rc = prev_fail(err, PREV_EX_NOINPUT, path, "cannot read: %s", strerror(errno));
            goto done;
        }
    }
    if (fcntl(in->fd, F_SETFL, fcntl(in->fd, F_GETFL) & ~O_NONBLOCK) != 0) {
        rc = prev_fail(err, PREV_EX_NOINPUT, path, "cannot read: %s", strerror(errno));
        goto done;
    }
    rc = wrap(in, err);
done:
    if (rc != 0) {
        close(in->fd);
        in->fd = -1;
    }
    return rc;
}

int prev_input_fdopen(struct prev_input *in, int fd, const char *name,
                      const struct prev_input_limits *lim, struct prev_error *err)
{
    memset(in, 0, sizeof *in);
    in->fd = fd;
    in->own_fd = 0;
    in->lim = lim;
    snprintf(in->name, sizeof in->name, "%s", name);
    return wrap(in, err);
}

int prev_input_limit_error(const struct prev_input *in, struct prev_error *err)
{
    char where[300];

    switch (in->exceeded) {
    case OVER_BYTES:
        return prev_fail(err, PREV_EX_DATA, in->name,
                         "larger than %" PRIu64 " bytes, the most a %s may hold; is this the "
                         "right file?", in->lim->max_bytes, in->lim->what);
    case OVER_LINES:
        return prev_fail(err, PREV_EX_DATA, in->name,
                         "more than %" PRIu64 " lines, the most a %s may hold; is this the "
                         "right file?", in->lim->max_lines, in->lim->what);
    case OVER_LINE:
        snprintf(where, sizeof where, "%.200s:%" PRIu64, in->name, in->lines + 1);
        return prev_fail(err, PREV_EX_DATA, where,
                         "a line longer than %" PRIu64 " bytes, the most a line of a %s may "
                         "hold; is this the right file?", in->lim->max_line, in->lim->what);
    default:
        return 0;
    }
}

void prev_input_close(struct prev_input *in)
{
    if (in->fp != NULL)
        fclose(in->fp);
    else if (in->own_fd && in->fd >= 0)
        close(in->fd);
    in->fp = NULL;
    in->fd = -1;
}
