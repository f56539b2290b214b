/* The anonymous officer questionnaire's store (sql/007_survey.sql): survey
 * windows, single-use access codes kept as keyed hashes, and answers.
 * Codes come from OpenSSL's CSPRNG; their hash is HMAC-SHA256 under a key
 * of 32 random bytes made when the first survey year is opened. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "db.h"

/* 30 symbols: digits and capitals without 0/O, 1/I/L and U (no
 * look-alikes, fewer accidental words). 12 of them: 58.9 bits. */
static const char code_alphabet[] = "23456789ABCDEFGHJKMNPQRSTVWXYZ";
/* Answer ids (the responses' respondent_id): fresh randomness, never
 * derived from the code, as Q-ddd-ddd-ddd-ddd-ddd (49.8 bits): digits in
 * groups of three, which the collector's firewall never reads as a name,
 * a phone, an SSN or a card number (letters would make word-like runs). */
static const char answer_digits[] = "0123456789";

/* n symbols of alphabet (length m) from the CSPRNG, without modulo bias. */
static int random_symbols(char *out, size_t n, const char *alphabet)
{
    size_t m = strlen(alphabet), got = 0;
    unsigned limit = 256 - 256 % (unsigned)m;

    while (got < n) {
        unsigned char buf[32];
        if (RAND_bytes(buf, sizeof buf) != 1)
            return -1;
        for (size_t i = 0; i < sizeof buf && got < n; i++)
            if (buf[i] < limit)
                out[got++] = alphabet[buf[i] % m];
    }
    out[n] = '\0';
    return 0;
}

bool db_survey_code_normalize(const char *in, char out[DB_SURVEY_CODE_LEN + 1])
{
    size_t n = 0;

    for (; *in != '\0'; in++) {
        char c = (char)toupper((unsigned char)*in);
        if (c == '-' || c == ' ' || c == '\t')
            continue;
        if (n == DB_SURVEY_CODE_LEN || strchr(code_alphabet, c) == NULL || c == '\0')
            return false;
        out[n++] = c;
    }
    out[n] = '\0';
    return n == DB_SURVEY_CODE_LEN;
}

static int load_key(PGconn *conn, unsigned char key[32], struct prev_error *err)
{
    PGresult *res = PQexecParams(conn, "SELECT key FROM survey_key WHERE id = 1", 0, NULL,
                                 NULL, NULL, NULL, 1);
    int rc = 0;

    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        rc = db_fail(err, PREV_EX_UNAVAILABLE, conn, res, "survey key");
    else if (PQntuples(res) != 1 || PQgetlength(res, 0, 0) != 32)
        rc = prev_fail(err, PREV_EX_DATA, "", "no survey has been opened yet "
                       "('prevalence survey open --year YEAR' first)");
    else
        memcpy(key, PQgetvalue(res, 0, 0), 32);
    PQclear(res);
    return rc;
}

/* HMAC-SHA256(key, normalized code) */
static int code_hash(const unsigned char key[32], const char *code, unsigned char out[32])
{
    unsigned len = 0;
    return HMAC(EVP_sha256(), key, 32, (const unsigned char *)code, strlen(code), out, &len)
                   != NULL && len == 32 ? 0 : -1;
}

static int exec_params(PGconn *conn, const char *sql, int n, const char *const *v,
                       const int *lens, const int *fmts, PGresult **out, const char *what,
                       struct prev_error *err)
{
    PGresult *res = PQexecParams(conn, sql, n, NULL, v, lens, fmts, 0);
    ExecStatusType st = PQresultStatus(res);

    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
        int rc = db_fail(err, PREV_EX_UNAVAILABLE, conn, res, what);
        PQclear(res);
        return rc;
    }
    if (out != NULL)
        *out = res;
    else
        PQclear(res);
    return 0;
}

/* COMMIT after rc == 0, else ROLLBACK and rc. */
static int end_transaction(PGconn *conn, int rc, struct prev_error *err)
{
    if (rc == 0)
        return db_exec(conn, "COMMIT", err);
    PQclear(PQexec(conn, "ROLLBACK"));
    return rc;
}

int db_survey_open(PGconn *conn, int year, const char *closes_on, bool *reopened,
                   struct prev_error *err)
{
    char y[16];
    const char *v[2] = {y, closes_on};
    PGresult *res = NULL;
    int rc;

    snprintf(y, sizeof y, "%d", year);
    *reopened = false;
    if ((rc = db_exec(conn, "BEGIN", err)) != 0)
        return rc;
    {
        unsigned char key[32];
        char hex[65];
        const char *kv[1] = {hex};
        if (RAND_bytes(key, sizeof key) != 1) {
            rc = prev_fail(err, PREV_EX_SOFTWARE, "", "the random number generator failed");
            goto done;
        }
        for (int i = 0; i < 32; i++)
            snprintf(hex + 2 * i, 3, "%02x", key[i]);
        if ((rc = exec_params(conn, "INSERT INTO survey_key (id, key) "
                                    "VALUES (1, decode($1, 'hex')) ON CONFLICT (id) DO NOTHING",
                              1, kv, NULL, NULL, NULL, "survey key", err)) != 0)
            goto done;
    }
    if ((rc = exec_params(conn, "SELECT closed_on IS NOT NULL FROM survey_windows "
                                "WHERE survey_year = $1 FOR UPDATE",
                          1, v, NULL, NULL, &res, "survey open", err)) != 0)
        goto done;
    if (PQntuples(res) == 0) {
        rc = exec_params(conn, "INSERT INTO survey_windows (survey_year, closes_on) "
                               "VALUES ($1, $2::date)", 2, v, NULL, NULL, NULL,
                         "survey open", err);
    } else if (strcmp(PQgetvalue(res, 0, 0), "t") == 0) {
        *reopened = true;
        rc = exec_params(conn, "UPDATE survey_windows SET closed_on = NULL, "
                               "reopened = reopened + 1, closes_on = $2::date "
                               "WHERE survey_year = $1", 2, v, NULL, NULL, NULL,
                         "survey reopen", err);
    } else {
        rc = exec_params(conn, "UPDATE survey_windows SET closes_on = $2::date "
                               "WHERE survey_year = $1", 2, v, NULL, NULL, NULL,
                         "survey open", err);
    }
done:
    PQclear(res);
    return end_transaction(conn, rc, err);
}

int db_survey_state(PGconn *conn, int year, enum db_survey_window *state,
                    struct prev_error *err)
{
    char y[16];
    const char *v[1] = {y};
    PGresult *res = NULL;
    int rc;

    snprintf(y, sizeof y, "%d", year);
    if ((rc = exec_params(conn, "SELECT closed_on IS NOT NULL, "
                                "closes_on IS NOT NULL AND closes_on < current_date "
                                "FROM survey_windows WHERE survey_year = $1",
                          1, v, NULL, NULL, &res, "survey state", err)) != 0)
        return rc;
    if (PQntuples(res) == 0)
        *state = DB_SURVEY_NOT_OPENED;
    else if (strcmp(PQgetvalue(res, 0, 0), "t") == 0 || strcmp(PQgetvalue(res, 0, 1), "t") == 0)
        *state = DB_SURVEY_CLOSED;
    else
        *state = DB_SURVEY_OPEN;
    PQclear(res);
    return 0;
}

int db_survey_mark_closed(PGconn *conn, int year, struct prev_error *err)
{
    char y[16];
    const char *v[1] = {y};

    snprintf(y, sizeof y, "%d", year);
    return exec_params(conn, "UPDATE survey_windows SET closed_on = current_date "
                             "WHERE survey_year = $1", 1, v, NULL, NULL, NULL,
                       "survey close", err);
}

int db_survey_codes(PGconn *conn, int year, const char *fips, size_t count,
                    char (*codes)[DB_SURVEY_CODE_SHOWN + 1], struct prev_error *err)
{
    unsigned char key[32], hash[32];
    char y[16];
    int rc;

    snprintf(y, sizeof y, "%d", year);
    if ((rc = load_key(conn, key, err)) != 0)
        return rc;
    if ((rc = db_exec(conn, "BEGIN", err)) != 0)
        return rc;
    for (size_t i = 0; i < count && rc == 0; i++) {
        char raw[DB_SURVEY_CODE_LEN + 1];
        const char *v[3] = {(const char *)hash, y, fips};
        const int lens[3] = {32, 0, 0}, fmts[3] = {1, 0, 0};
        PGresult *res = NULL;
        if (random_symbols(raw, DB_SURVEY_CODE_LEN, code_alphabet) != 0
            || code_hash(key, raw, hash) != 0) {
            rc = prev_fail(err, PREV_EX_SOFTWARE, "", "the random number generator failed");
            break;
        }
        /* a repeat of an existing code (about 1 in 2^59) is drawn again */
        if ((rc = exec_params(conn, "INSERT INTO survey_codes (code_hash, survey_year, fips) "
                                    "VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                              3, v, lens, fmts, &res, "survey codes", err)) != 0)
            break;
        if (strcmp(PQcmdTuples(res), "1") != 0)
            i--;
        else
            snprintf(codes[i], DB_SURVEY_CODE_SHOWN + 1, "%.4s-%.4s-%.4s", raw, raw + 4,
                     raw + 8);
        PQclear(res);
    }
    memset(key, 0, sizeof key);
    return end_transaction(conn, rc, err);
}

int db_survey_revoke(PGconn *conn, const char *code, bool *revoked, struct prev_error *err)
{
    unsigned char key[32], hash[32];
    char norm[DB_SURVEY_CODE_LEN + 1];
    const char *v[1] = {(const char *)hash};
    const int lens[1] = {32}, fmts[1] = {1};
    PGresult *res = NULL;
    int rc;

    *revoked = false;
    if (!db_survey_code_normalize(code, norm))
        return prev_fail(err, PREV_EX_DATA, "", "that is not an access code (12 letters and "
                         "digits, e.g. 7KQ4-MX2P-9TRA)");
    if ((rc = load_key(conn, key, err)) != 0)
        return rc;
    code_hash(key, norm, hash);
    memset(key, 0, sizeof key);
    if ((rc = exec_params(conn, "UPDATE survey_codes SET state = 'revoked' "
                                "WHERE code_hash = $1 AND state = 'unused'",
                          1, v, lens, fmts, &res, "survey revoke", err)) != 0)
        return rc;
    *revoked = strcmp(PQcmdTuples(res), "1") == 0;
    PQclear(res);
    return 0;
}

int db_survey_status(PGconn *conn, int year, PGresult **out, struct prev_error *err)
{
    char y[16];
    const char *v[1] = {y};

    snprintf(y, sizeof y, "%d", year);
    /* per county: codes issued, used, revoked, answers, frame officers */
    return exec_params(conn,
        "SELECT c.name, c.fips, "
        "  (SELECT count(*) FROM survey_codes s WHERE s.survey_year = $1 AND s.fips = c.fips), "
        "  (SELECT count(*) FROM survey_codes s WHERE s.survey_year = $1 AND s.fips = c.fips "
        "      AND s.state = 'used'), "
        "  (SELECT count(*) FROM survey_codes s WHERE s.survey_year = $1 AND s.fips = c.fips "
        "      AND s.state = 'revoked'), "
        "  (SELECT count(*) FROM survey_answers a WHERE a.survey_year = $1 AND a.fips = c.fips), "
        "  (SELECT f.officers_total FROM frames f WHERE f.survey_year = $1 AND f.fips = c.fips "
        "      AND f.active) "
        "FROM counties c ORDER BY c.fips",
        1, v, NULL, NULL, out, "survey status", err);
}

/* The keyed hash of what an officer typed; *typed false (and 0) when it
 * cannot be a code or no survey was ever opened (no key): unknown. */
static int typed_code_hash(PGconn *conn, const char *code, unsigned char hash[32], bool *typed,
                           struct prev_error *err)
{
    unsigned char key[32];
    char norm[DB_SURVEY_CODE_LEN + 1];
    int rc;

    *typed = false;
    if (!db_survey_code_normalize(code, norm))
        return 0;
    if ((rc = load_key(conn, key, err)) != 0) {
        if (rc != PREV_EX_DATA)
            return rc;
        prev_error_clear(err);
        return 0;
    }
    rc = code_hash(key, norm, hash);
    memset(key, 0, sizeof key);
    if (rc != 0)
        return prev_fail(err, PREV_EX_SOFTWARE, "", "HMAC-SHA256 failed");
    *typed = true;
    return 0;
}

/* The code's row, locked: year, county, state, answer (or NULLs). */
static int lock_code(PGconn *conn, const unsigned char hash[32], PGresult **out,
                     struct prev_error *err)
{
    const char *v[1] = {(const char *)hash};
    const int lens[1] = {32}, fmts[1] = {1};

    return exec_params(conn,
        "SELECT s.survey_year, s.fips, s.state, a.role, a.caseload, a.confirmed, a.suspected, "
        "       w.closed_on IS NULL AND (w.closes_on IS NULL OR w.closes_on >= current_date) "
        "  FROM survey_codes s JOIN survey_windows w USING (survey_year) "
        "  LEFT JOIN survey_answers a ON a.answer_id = s.answer_id "
        " WHERE s.code_hash = $1 FOR UPDATE OF s",
        1, v, lens, fmts, out, "access code", err);
}

int db_survey_lookup(PGconn *conn, const char *code, struct db_survey_code *c,
                     struct prev_error *err)
{
    unsigned char hash[32];
    PGresult *res = NULL;
    bool typed;
    int rc;

    memset(c, 0, sizeof *c);
    c->verdict = DB_SURVEY_CODE_UNKNOWN;
    if ((rc = typed_code_hash(conn, code, hash, &typed, err)) != 0 || !typed)
        return rc;
    if ((rc = lock_code(conn, hash, &res, err)) != 0)
        return rc;
    if (PQntuples(res) == 1) {
        c->year = atoi(PQgetvalue(res, 0, 0));
        snprintf(c->fips, sizeof c->fips, "%s", PQgetvalue(res, 0, 1));
        if (strcmp(PQgetvalue(res, 0, 2), "revoked") == 0)
            c->verdict = DB_SURVEY_CODE_REVOKED;
        else if (strcmp(PQgetvalue(res, 0, 7), "t") != 0)
            c->verdict = DB_SURVEY_CODE_CLOSED;
        else
            c->verdict = DB_SURVEY_CODE_OK;
        if (!PQgetisnull(res, 0, 3)) {
            c->answered = true;
            snprintf(c->prev.role, sizeof c->prev.role, "%s", PQgetvalue(res, 0, 3));
            c->prev.caseload = atoi(PQgetvalue(res, 0, 4));
            c->prev.confirmed = atoi(PQgetvalue(res, 0, 5));
            c->prev.suspected = atoi(PQgetvalue(res, 0, 6));
        }
    }
    PQclear(res);
    return 0;
}

int db_survey_submit(PGconn *conn, const char *code, const struct db_survey_answer *a,
                     struct db_survey_code *c, struct prev_error *err)
{
    unsigned char hash[32];
    char answer_id[24], n[3][16];
    PGresult *res = NULL;
    bool typed;
    int rc;

    memset(c, 0, sizeof *c);
    c->verdict = DB_SURVEY_CODE_UNKNOWN;
    if ((rc = typed_code_hash(conn, code, hash, &typed, err)) != 0 || !typed)
        return rc;
    if ((rc = db_exec(conn, "BEGIN", err)) != 0)
        return rc;
    /* The code's row is locked until COMMIT: a second submission of the
     * same code (a double click, two devices) waits here and then finds
     * the answer the first one wrote, which it replaces. */
    if ((rc = lock_code(conn, hash, &res, err)) != 0)
        goto done;
    if (PQntuples(res) != 1)
        goto done;
    c->year = atoi(PQgetvalue(res, 0, 0));
    snprintf(c->fips, sizeof c->fips, "%s", PQgetvalue(res, 0, 1));
    if (strcmp(PQgetvalue(res, 0, 2), "revoked") == 0) {
        c->verdict = DB_SURVEY_CODE_REVOKED;
        goto done;
    }
    if (strcmp(PQgetvalue(res, 0, 7), "t") != 0) {
        c->verdict = DB_SURVEY_CODE_CLOSED;
        goto done;
    }
    c->verdict = DB_SURVEY_CODE_OK;
    snprintf(n[0], sizeof n[0], "%d", a->caseload);
    snprintf(n[1], sizeof n[1], "%d", a->confirmed);
    snprintf(n[2], sizeof n[2], "%d", a->suspected);
    {
        const char *hv[1] = {(const char *)hash};
        const int hl[1] = {32}, hf[1] = {1};
        PGresult *prev = NULL;
        if ((rc = exec_params(conn, "SELECT answer_id FROM survey_codes WHERE code_hash = $1",
                              1, hv, hl, hf, &prev, "access code", err)) != 0)
            goto done;
        if (!PQgetisnull(prev, 0, 0)) {
            /* a changed answer: the same row, replaced; its date is today's */
            const char *v[5] = {PQgetvalue(prev, 0, 0), a->role, n[0], n[1], n[2]};
            rc = exec_params(conn, "UPDATE survey_answers SET role = $2, caseload = $3, "
                                   "confirmed = $4, suspected = $5, answered_on = current_date "
                                   "WHERE answer_id = $1", 5, v, NULL, NULL, NULL,
                             "saving the answer", err);
            c->answered = true;
            PQclear(prev);
            goto done;
        }
        PQclear(prev);
    }
    {
        char d[16];
        if (random_symbols(d, 15, answer_digits) != 0) {
            rc = prev_fail(err, PREV_EX_SOFTWARE, "", "the random number generator failed");
            goto done;
        }
        snprintf(answer_id, sizeof answer_id, "Q-%.3s-%.3s-%.3s-%.3s-%.3s", d, d + 3, d + 6,
                 d + 9, d + 12);
    }
    {
        char y[16];
        const char *v[7] = {answer_id, y, c->fips, a->role, n[0], n[1], n[2]};
        const char *u[2] = {(const char *)hash, answer_id};
        const int ul[2] = {32, 0}, uf[2] = {1, 0};
        snprintf(y, sizeof y, "%d", c->year);
        if ((rc = exec_params(conn, "INSERT INTO survey_answers (answer_id, survey_year, fips, "
                                    "role, caseload, confirmed, suspected) "
                                    "VALUES ($1, $2, $3, $4, $5, $6, $7)",
                              7, v, NULL, NULL, NULL, "saving the answer", err)) != 0)
            goto done;
        rc = exec_params(conn, "UPDATE survey_codes SET state = 'used', answer_id = $2 "
                               "WHERE code_hash = $1", 2, u, ul, uf, NULL,
                         "saving the answer", err);
    }
done:
    PQclear(res);
    return end_transaction(conn, rc, err);
}

int db_survey_answers(PGconn *conn, int year, PGresult **out, struct prev_error *err)
{
    char y[16];
    const char *v[1] = {y};

    snprintf(y, sizeof y, "%d", year);
    return exec_params(conn, "SELECT fips, answer_id, role, caseload, confirmed, suspected "
                             "FROM survey_answers WHERE survey_year = $1 "
                             "ORDER BY fips, answer_id", 1, v, NULL, NULL, out,
                       "survey answers", err);
}
