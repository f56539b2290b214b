#ifndef PREV_PG_HARNESS_H
#define PREV_PG_HARNESS_H

#include <libpq-fe.h>

/* A real PostgreSQL for integration tests, never a mock: one throw-away
 * embedded cluster per test program, in a temporary folder, and a fresh
 * database (with the schema applied) per test.
 *
 *   static int group_setup(void **s) { return pg_harness_start(); }
 *   static int group_teardown(void **s) { return pg_harness_stop(); }
 *   PGconn *c = pg_harness_fresh_db(conninfo_out, sizeof conninfo_out);
 */

/* Start the cluster; 0 on success. */
int pg_harness_start(void);
/* Stop it and remove the folder; 0 on success. */
int pg_harness_stop(void);
/* Create a new database with the current schema. Writes its conninfo (to
 * pass as --db to the binary) into buf; returns an open connection the
 * caller PQfinish()es, or NULL (with a message on stderr). */
PGconn *pg_harness_fresh_db(char *conninfo, size_t size);
/* Like pg_harness_fresh_db but without applying the schema. */
PGconn *pg_harness_empty_db(char *conninfo, size_t size);
/* The temporary folder (for files a test writes). */
const char *pg_harness_tmpdir(void);

/* cmocka group fixtures around pg_harness_start/stop. */
int pg_harness_group_setup(void **state);
int pg_harness_group_teardown(void **state);

/* Run sql; unless it succeeds, fail the current cmocka test with the
 * statement, the connected user and the server's message. */
void pg_harness_exec_ok(PGconn *conn, const char *sql);

#endif
