#ifndef COL_IDSET_H
#define COL_IDSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The set of (survey year, respondent_id) of one file: finds a respondent
 * listed twice, then which respondents are already loaded. Its memory does
 * not grow with the file (docs/performance.md, "Ingest memory"):
 *
 *   - the first COL_IDSET_EXACT_MAX distinct respondents are held exactly
 *     (about 60 bytes each), so a file of that size or less is checked
 *     row by row as it is read, exactly as before;
 *   - each later respondent sets bits in a Bloom filter (at most
 *     COL_IDSET_FILTER_MAX_BYTES, sized from the file) and is appended to
 *     a spill file (unlinked, in $TMPDIR). A later row whose key the filter
 *     may have seen is a suspect; at the end of the file one sequential
 *     pass over the spill tells the true repeats (with the line of the
 *     first) from the filter's false hits. A repeat found that way is
 *     reported after the file's other problems.
 *
 * Memory: the exact part, the filter and the suspects (the filter's false
 * hits, about 0.2% of the rows past the exact part, plus true repeats). */

#define COL_IDSET_EXACT_MAX 65536
#define COL_IDSET_FILTER_MAX_BYTES (16u << 20)

struct col_idset_entry {
    uint64_t line;            /* physical line where the respondent first appears */
    int64_t loaded_batch;     /* 0, or the active batch that already holds it */
    uint8_t rejected;         /* the row had problems of its own */
    uint8_t loaded_county;    /* county of the loaded row (with loaded_batch) */
};

/* What a row contributed to the file's totals, to take it back when it
 * turns out, at the end, to repeat an earlier respondent. */
struct col_idset_row {
    bool counted;             /* in the valid rows and the totals */
    uint8_t county;
    uint16_t caseload, confirmed, suspected;
};

/* A respondent listed again, found at the end of the file. */
struct col_idset_dup {
    int year;
    const char *id;
    size_t len;
    uint64_t line, first_line;
    struct col_idset_row row;
};

/* A row of the file whose respondent is already loaded. */
struct col_idset_loaded {
    int year;
    const char *id;
    size_t len;
    uint64_t line;
    bool rejected;
    int64_t loaded_batch;
    uint8_t loaded_county;
};

struct col_idset;

/* NULL when out of memory. Free with col_idset_free. */
struct col_idset *col_idset_new(void);
/* The same with another size of the exact part (the unit tests). */
struct col_idset *col_idset_new_exact(size_t exact_max);
void col_idset_free(struct col_idset *s);

/* The hash of a key, to compute it once for a prefetch and an insert. */
uint64_t col_idset_hash(int year, const char *id, size_t len);

/* Start bringing the key's slot into the cache: call it as soon as a
 * row's key is known and do other work before adding. */
void col_idset_prefetch(const struct col_idset *s, uint64_t hash);

/* Add (year, id[0..len)) seen on line (hash: col_idset_hash of it).
 * Returns 0 when it is new as far as can be told now, 1 when it repeats a
 * respondent of the exact part (*first_line is where that one is), -1 when
 * out of memory or the spill cannot be written. */
int col_idset_add(struct col_idset *s, uint64_t hash, int year, const char *id, size_t len,
                  uint64_t line, bool rejected, const struct col_idset_row *row,
                  uint64_t *first_line);

/* At the end of the file: calls dup for every repeat the filter left
 * undecided, in file order. 0, or -1 when the spill cannot be read. */
int col_idset_resolve(struct col_idset *s,
                      void (*dup)(void *ctx, const struct col_idset_dup *d), void *ctx);

/* A respondent the database holds (in batch, county): remembered when the
 * file has it or may have it. 0, or -1 when out of memory. */
int col_idset_mark_loaded(struct col_idset *s, int year, const char *id, size_t len,
                          int64_t batch, uint8_t county);

/* Calls each for every row of the file (but the repeats col_idset_resolve
 * reported) whose respondent col_idset_mark_loaded named, in file order.
 * 0, or -1 when the spill cannot be read. */
int col_idset_each_loaded(struct col_idset *s,
                          void (*each)(void *ctx, const struct col_idset_loaded *l), void *ctx);

/* Make room for about n respondents (a guess from the file size): sizes
 * the exact part and the filter. 0, or -1 when out of memory. */
int col_idset_reserve(struct col_idset *s, size_t n);

/* Respondents added (exact part and spill). */
size_t col_idset_count(const struct col_idset *s);

/* Bytes of memory the set holds now (tests and benchmarks). */
size_t col_idset_memory(const struct col_idset *s);

#endif
