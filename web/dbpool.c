/* One database connection per worker thread, opened at start with the
 * same resolution as every command (--db, DATABASE_URL, PG*, embedded). A
 * handler borrows one for its request and gives it back. */
#include <stdlib.h>

#include "db.h"
#include "web_internal.h"

int web_pool_open(struct web_server *s, struct prev_error *err)
{
    int rc = 0;

    s->pool_size = s->opt.threads;
    s->pool = calloc(s->pool_size, sizeof *s->pool);
    s->pool_busy = calloc(s->pool_size, sizeof *s->pool_busy);
    if (s->pool == NULL || s->pool_busy == NULL)
        return prev_fail(err, PREV_EX_SOFTWARE, "", "out of memory");
    for (unsigned i = 0; i < s->pool_size; i++)
        if ((rc = db_connect(s->opt.db, s->opt.quiet || i > 0, true, &s->pool[i], err)) != 0)
            return rc;
    return 0;
}

void web_pool_close(struct web_server *s)
{
    if (s->pool != NULL)
        for (unsigned i = 0; i < s->pool_size; i++)
            PQfinish(s->pool[i]);
    free(s->pool);
    free(s->pool_busy);
    s->pool = NULL;
    s->pool_busy = NULL;
}

PGconn *web_db_get(struct web_server *s)
{
    unsigned i = 0;
    PGconn *c = NULL;

    pthread_mutex_lock(&s->pool_lock);
    for (;;) {
        for (i = 0; i < s->pool_size; i++)
            if (!s->pool_busy[i])
                break;
        if (i < s->pool_size)
            break;
        pthread_cond_wait(&s->pool_cond, &s->pool_lock);
    }
    s->pool_busy[i] = true;
    c = s->pool[i];
    pthread_mutex_unlock(&s->pool_lock);
    /* the server may have restarted since: one reconnection attempt */
    if (PQstatus(c) != CONNECTION_OK || PQtransactionStatus(c) == PQTRANS_UNKNOWN)
        PQreset(c);
    if (PQstatus(c) != CONNECTION_OK) {
        web_db_put(s, c);
        return NULL;
    }
    return c;
}

void web_db_put(struct web_server *s, PGconn *c)
{
    if (c == NULL)
        return;
    /* a handler that failed mid-transaction leaves nothing behind */
    if (PQstatus(c) == CONNECTION_OK && PQtransactionStatus(c) != PQTRANS_IDLE)
        PQclear(PQexec(c, "ROLLBACK"));
    pthread_mutex_lock(&s->pool_lock);
    for (unsigned i = 0; i < s->pool_size; i++)
        if (s->pool[i] == c)
            s->pool_busy[i] = false;
    pthread_cond_signal(&s->pool_cond);
    pthread_mutex_unlock(&s->pool_lock);
}
