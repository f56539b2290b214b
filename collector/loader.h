#ifndef COL_LOADER_H
#define COL_LOADER_H

#include <stdbool.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "dbcheck.h"
#include "scan.h"

/* One file, one transaction. Response rows stream into
 * `COPY responses FROM STDIN` while the file is being read, so that
 * reading and inserting overlap; any problem rolls the whole transaction
 * back. The batch is opened first by the server (prevalence_open_batch:
 * its id goes in every row) with a placeholder sha256, and finished at the
 * end (prevalence_finish_batch: the real sha256, the row count the server
 * counted), when the file has been read whole; the server accepts rows
 * only for a batch the same transaction opened and records their scope
 * itself (sql/004_collector_rules.sql). Frames (at most one row per
 * county-year) are copied at the end, after --replace has retired the
 * rows they replace, because of frames' unique index. */

struct col_loader {
    PGconn *conn;
    enum col_kind kind;
    int64_t batch_id;
    char batch_text[24];
    bool in_tx, in_copy;
    char *buf;                /* COPY text waiting to be sent */
    size_t len, cap;
};

/* BEGIN, open the batch, start the COPY (responses). 69 on failure. */
int col_loader_begin(struct col_loader *l, PGconn *conn, enum col_kind kind,
                     const char *file_name, struct prev_error *err);

/* Scan sink: one valid row into the COPY stream. */
int col_loader_sink(void *ctx, const struct col_record *rec, uint64_t line,
                    struct prev_error *err);

/* End the COPY: committed to the transaction when ok, cancelled when not. */
int col_loader_end_copy(struct col_loader *l, bool ok, struct prev_error *err);

/* Serialise with other loads of the same survey years: the checks
 * against loaded data and the COMMIT happen under these locks (rows of
 * load_locks, which readers and analysts cannot lock). After the
 * lock_timeout: 69, "another load of year Y is running; try again". */
int col_loader_lock_years(struct col_loader *l, const struct col_scan *sc,
                          struct prev_error *err);

/* The active batch holding a file with this sha256, or 0 (*batch). */
int col_find_active_sha(PGconn *conn, const char *sha256, int64_t *batch,
                        struct prev_error *err);

/* Retire dc->replaced, copy frames, finish the batch (its sha256; the
 * server checks the row count), COMMIT. When an identical file won the
 * race, rolls back and sets *already to its batch (returns 0). */
int col_loader_finish(struct col_loader *l, const struct col_scan *sc,
                      const struct col_dbcheck *dc, int64_t *already, struct prev_error *err);

/* ROLLBACK if a transaction is open, and free buffers (safe twice). */
void col_loader_abort(struct col_loader *l);

#endif
