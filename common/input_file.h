#ifndef PREV_INPUT_FILE_H
#define PREV_INPUT_FILE_H

#include <stdint.h>
#include <stdio.h>

#include "prev_error.h"

/* Reading an input file with hard caps, whatever it is: a regular file, a
 * pipe, a FIFO, a device. Without caps `--covariates /dev/zero` grows one
 * line until the kernel kills the process, and a FIFO nobody writes to
 * hangs the command for ever.
 *
 * The caps are far above any real file (a state-wide responses file of a
 * million respondents is some 40 MB) and are the same for regular files:
 * a 3 GiB "responses" file is not a survey either. */
struct prev_input_limits {
    const char *what;        /* "responses file", for messages */
    uint64_t max_bytes;
    uint64_t max_lines;
    uint64_t max_line;       /* bytes in one physical line, '\n' included */
};

/* responses: 2 GiB, 10^8 lines, 2 MiB a line (256 fields of 4096 bytes
 * quoted, the reader's own limits, fit) */
#define PREV_RESPONSES_MAX_BYTES (UINT64_C(2) << 30)
#define PREV_RESPONSES_MAX_LINES UINT64_C(100000000)
#define PREV_RESPONSES_MAX_LINE (UINT64_C(2) << 20)
/* frame: one row per county and year, 16 MiB, 10^5 lines, 2 MiB a line */
#define PREV_FRAME_MAX_BYTES (UINT64_C(16) << 20)
#define PREV_FRAME_MAX_LINES UINT64_C(100000)
#define PREV_FRAME_MAX_LINE (UINT64_C(2) << 20)
/* covariates: 15 counties of at most 15 numbers, 1 MiB, 10^4 lines, 64 KiB a line */
#define PREV_COVARIATES_MAX_BYTES (UINT64_C(1) << 20)
#define PREV_COVARIATES_MAX_LINES UINT64_C(10000)
#define PREV_COVARIATES_MAX_LINE (UINT64_C(64) << 10)

/* How long to wait for the first byte of a FIFO (or a writer that opened
 * it and closed it): 30 s, or PREVALENCE_FIFO_TIMEOUT seconds (1 to 86400;
 * for tests). */
#define PREV_FIFO_TIMEOUT_S 30

/* The struct is the stream's state: keep it where it is until closed. */
struct prev_input {
    FILE *fp;                /* read from this; closed by prev_input_close */
    /* private */
    int fd;
    int own_fd;
    const struct prev_input_limits *lim;
    uint64_t bytes, lines, line;
    int exceeded;            /* which cap: 0, or 1 bytes, 2 lines, 3 line */
    char name[256];
};

/* Open path for reading (O_NONBLOCK first, so a FIFO without a writer
 * does not block the open; then a bounded wait for data, then blocking
 * reads). 66 when it cannot be opened or nothing arrives in time, with a
 * message naming the file; 65 for a directory. in->fp reads through the
 * caps of lim (which must outlive in): a read beyond a cap fails. */
int prev_input_open(struct prev_input *in, const char *path,
                    const struct prev_input_limits *lim, struct prev_error *err);

/* The same over an open descriptor (standard input); not closed by
 * prev_input_close. name is for messages. */
int prev_input_fdopen(struct prev_input *in, int fd, const char *name,
                      const struct prev_input_limits *lim, struct prev_error *err);

/* After a failed read: 65 with a message (file and line, which cap, and
 * its value) when a cap stopped it, else 0 and err untouched. */
int prev_input_limit_error(const struct prev_input *in, struct prev_error *err);

void prev_input_close(struct prev_input *in);

#endif
