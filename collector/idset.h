#ifndef COL_IDSET_H
#define COL_IDSET_H

#include <stddef.h>
#include <stdint.h>

/* A set of (survey year, respondent_id): finds a respondent listed twice
 * in one file, then carries what the database says about each one. Grows
 * with the number of respondents (about 50 bytes each), nothing else. */

struct col_idset_entry {
    uint64_t line;            /* physical line where the respondent first appears */
    int64_t loaded_batch;     /* 0, or the active batch that already holds it */
    /* the row itself, to list it in a rejects file after the fact */
    uint16_t caseload, confirmed, suspected;
    uint8_t county, role;
    uint8_t rejected;         /* the row had problems of its own */
    uint8_t loaded_county;    /* county of the loaded row (with loaded_batch) */
};

struct col_idset;

/* NULL when out of memory. Free with col_idset_free. */
struct col_idset *col_idset_new(void);
void col_idset_free(struct col_idset *s);

/* Add (year, id[0..len)) first seen on line. Returns 0 when added (the
 * new entry, zeroed but for line, in *entry), 1 when it was already there
 * (*entry is the earlier one), -1 when out of memory. The pointer stays
 * valid until the next insert. */
int col_idset_insert(struct col_idset *s, int year, const char *id, size_t len,
                     uint64_t line, struct col_idset_entry **entry);

/* The hash of a key, to compute it once for a prefetch and an insert. */
uint64_t col_idset_hash(int year, const char *id, size_t len);

/* Start bringing the key's slot into the cache: call it as soon as a
 * row's key is known and do other work before inserting. */
void col_idset_prefetch(const struct col_idset *s, uint64_t hash);

/* col_idset_insert with the key's hash already computed. */
int col_idset_insert_hashed(struct col_idset *s, uint64_t hash, int year, const char *id,
                            size_t len, uint64_t line, struct col_idset_entry **entry);

/* The entry, or NULL. The pointer stays valid until the next insert. */
struct col_idset_entry *col_idset_find(struct col_idset *s, int year, const char *id,
                                       size_t len);

/* Make room for about n respondents (a guess from the file size); 0, or
 * -1 when out of memory. */
int col_idset_reserve(struct col_idset *s, size_t n);

size_t col_idset_count(const struct col_idset *s);

/* The i-th entry added (0-based; entries come in the order added, so in
 * file order), with its key. */
struct col_idset_entry *col_idset_at(struct col_idset *s, size_t i, int *year,
                                     const char **id, size_t *len);

#endif
