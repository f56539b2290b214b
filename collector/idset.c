/* The exact part and the suspects are open-addressing tables over an
 * array of entries: a slot holds the entry number and 32 bits of its hash,
 * so that a probe rarely has to read the entry itself (each read of one is
 * a cache miss). Past the exact part, a Bloom filter and a spill file
 * (idset.h says why). */
#include "idset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* 40 bytes: every page of the entries is zeroed by the kernel before
 * first use, so size matters. */
struct entry {
    struct col_idset_entry pub;
    uint32_t id_off;          /* into the arena */
    uint16_t year;
    uint8_t len;
};

struct table {
    struct entry *entries;
    size_t count, cap_entries;
    uint64_t *slots;          /* hash high bits << 32 | (entry number + 1); 0 is empty */
    size_t nslots;            /* power of two */
    char *arena;
    size_t arena_len, arena_cap;
};

/* One spilled row: this header, then len bytes of the id. */
struct spill_rec {
    uint64_t line;
    uint16_t year, caseload, confirmed, suspected;
    uint8_t county, flags, len, pad;
};
#define SPILL_REJECTED 1u
#define SPILL_COUNTED 2u

struct col_idset {
    struct table exact;       /* the first exact_max distinct respondents */
    size_t exact_max;
    size_t hint;              /* respondents expected (col_idset_reserve), 0 unknown */
    uint64_t *filter;         /* Bloom filter of the spilled respondents */
    size_t filter_bits;       /* power of two */
    FILE *spill;              /* unlinked temporary file */
    size_t spilled;
    struct table suspects;    /* keys the filter may have seen before */
    struct table loaded;      /* spilled keys the filter says the database may hold */
    uint64_t *dup_lines;      /* lines col_idset_resolve reported, in order */
    size_t ndup, cap_dup;
};

static uint64_t *alloc_slots(size_t n)
{
    size_t bytes = n * sizeof(uint64_t);
    void *p = NULL;

    if (bytes < (2u << 20))
        return calloc(n, sizeof(uint64_t));
    if (posix_memalign(&p, 2u << 20, bytes) != 0)
        return NULL;
#ifdef MADV_HUGEPAGE
    madvise(p, bytes, MADV_HUGEPAGE);
#endif
    memset(p, 0, bytes);
    return p;
}

static uint64_t hash_key(int year, const char *id, size_t len)
{
    /* FNV-1a, then a final mix so that the low bits (the slot) depend on
     * every byte. */
    uint64_t h = 1469598103934665603ULL;

    h = (h ^ (uint64_t)(year & 0xffff)) * 1099511628211ULL;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)id[i]) * 1099511628211ULL;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}


static int table_init(struct table *t, size_t nslots)
{
    memset(t, 0, sizeof *t);
    t->nslots = nslots;
    return (t->slots = alloc_slots(nslots)) != NULL ? 0 : -1;
}

static void table_free(struct table *t)
{
    free(t->entries);
    free(t->slots);
    free(t->arena);
    memset(t, 0, sizeof *t);
}

static size_t table_memory(const struct table *t)
{
    return t->cap_entries * sizeof(struct entry) + t->nslots * sizeof(uint64_t)
           + t->arena_cap;
}

/* The slot's tag already matched 32 bits of the hash. */
static bool same(const struct table *t, const struct entry *e, int year, const char *id,
                 size_t len)
{
    return e->year == (uint16_t)year && e->len == len
           && memcmp(t->arena + e->id_off, id, len) == 0;
}

static uint64_t slot_value(uint64_t h, size_t entry)
{
    return (h & 0xffffffff00000000ULL) | (uint64_t)(entry + 1);
}

static size_t slot_entry(uint64_t v)
{
    return (size_t)(v & 0xffffffffu) - 1;
}

/* Slot where the key is, or the empty slot where it would go. */
static size_t probe(const struct table *t, uint64_t h, int year, const char *id, size_t len)
{
    size_t mask = t->nslots - 1, i = (size_t)h & mask;
    uint64_t tag = h & 0xffffffff00000000ULL;

    while (t->slots[i] != 0
           && ((t->slots[i] & 0xffffffff00000000ULL) != tag
               || !same(t, &t->entries[slot_entry(t->slots[i])], year, id, len)))
        i = (i + 1) & mask;
    return i;
}

static int grow_slots(struct table *t)
{
    size_t n = t->nslots * 2, mask = n - 1;
    uint64_t *slots = alloc_slots(n);

    if (slots == NULL)
        return -1;
    for (size_t e = 0; e < t->count; e++) {
        const struct entry *en = &t->entries[e];
        uint64_t h = hash_key(en->year, t->arena + en->id_off, en->len);
        size_t i = (size_t)h & mask;
        while (slots[i] != 0)
            i = (i + 1) & mask;
        slots[i] = slot_value(h, e);
    }
    free(t->slots);
    t->slots = slots;
    t->nslots = n;
    return 0;
}

static struct entry *table_find(const struct table *t, uint64_t h, int year, const char *id,
                                size_t len)
{
    size_t slot;

    if (t->slots == NULL)
        return NULL;
    slot = probe(t, h, year, id, len);
    return t->slots[slot] != 0 ? &t->entries[slot_entry(t->slots[slot])] : NULL;
}

/* The entry of the key, added (zeroed) when new; *added says which. NULL
 * when out of memory. The pointer stays valid until the next insert. */
static struct entry *table_insert(struct table *t, uint64_t h, int year, const char *id,
                                  size_t len, bool *added)
{
    size_t slot;
    struct entry *e;

    *added = false;
    if (len > 255 || t->count >= UINT32_MAX - 1)
        return NULL;
    slot = probe(t, h, year, id, len);
    if (t->slots[slot] != 0)
        return &t->entries[slot_entry(t->slots[slot])];
    if (t->count == t->cap_entries) {
        size_t cap = t->cap_entries == 0 ? 1024 : t->cap_entries * 2;
        struct entry *grown = realloc(t->entries, cap * sizeof *grown);
        if (grown == NULL)
            return NULL;
        t->entries = grown;
        t->cap_entries = cap;
    }
    if (t->arena_len + len > t->arena_cap) {
        size_t cap = t->arena_cap == 0 ? 16384 : t->arena_cap * 2;
        char *grown;
        while (cap < t->arena_len + len)
            cap *= 2;
        if (cap > UINT32_MAX || (grown = realloc(t->arena, cap)) == NULL)
            return NULL;
        t->arena = grown;
        t->arena_cap = cap;
    }
    e = &t->entries[t->count];
    memset(e, 0, sizeof *e);
    e->year = (uint16_t)year;
    e->len = (uint8_t)len;
    e->id_off = (uint32_t)t->arena_len;
    memcpy(t->arena + t->arena_len, id, len);
    t->arena_len += len;
    t->slots[slot] = slot_value(h, t->count);
    t->count++;
    *added = true;
    /* At most 70% full: probes stay short, and the table stays small. */
    if (t->count * 10 > t->nslots * 7) {
        size_t n = t->count - 1;
        if (grow_slots(t) != 0)
            return NULL;
        e = &t->entries[n];
    }
    return e;
}

/* ---- the set ---------------------------------------------------------------------- */

struct col_idset *col_idset_new_exact(size_t exact_max)
{
    struct col_idset *s = calloc(1, sizeof *s);

    if (s == NULL)
        return NULL;
    s->exact_max = exact_max > 0 ? exact_max : 1;
    if (table_init(&s->exact, 1u << 12) != 0) {
        free(s);
        return NULL;
    }
    return s;
}

struct col_idset *col_idset_new(void)
{
    return col_idset_new_exact(COL_IDSET_EXACT_MAX);
}

void col_idset_free(struct col_idset *s)
{
    if (s == NULL)
        return;
    table_free(&s->exact);
    table_free(&s->suspects);
    table_free(&s->loaded);
    free(s->filter);
    if (s->spill != NULL)
        fclose(s->spill);
    free(s->dup_lines);
    free(s);
}

int col_idset_reserve(struct col_idset *s, size_t n)
{
    size_t exact = n < s->exact_max ? n : s->exact_max;

    s->hint = n;
    /* Growing by doubling would rehash the entries each time; a good
     * guess up front costs one allocation. */
    while (s->exact.nslots * 7 < exact * 10)
        if (grow_slots(&s->exact) != 0)
            return -1;
    if (exact > s->exact.cap_entries) {
        struct entry *grown = realloc(s->exact.entries, exact * sizeof *grown);
        if (grown == NULL)
            return -1;
        s->exact.entries = grown;
        s->exact.cap_entries = exact;
    }
    return 0;
}

size_t col_idset_count(const struct col_idset *s)
{
    return s->exact.count + s->spilled;
}

size_t col_idset_memory(const struct col_idset *s)
{
    return sizeof *s + table_memory(&s->exact) + table_memory(&s->suspects)
           + table_memory(&s->loaded) + s->filter_bits / 8 + s->cap_dup * sizeof(uint64_t);
}

uint64_t col_idset_hash(int year, const char *id, size_t len)
{
    return hash_key(year, id, len);
}

void col_idset_prefetch(const struct col_idset *s, uint64_t h)
{
    __builtin_prefetch(&s->exact.slots[(size_t)h & (s->exact.nslots - 1)]);
}

/* ---- the Bloom filter and the spill -------------------------------------------------- */

/* Seven bits per key from two halves of a remix of its hash (Kirsch and
 * Mitzenmacher's double hashing); about 13 bits per key at 10^7
 * respondents: some 0.2% false hits. */
#define FILTER_K 7

static int start_spill(struct col_idset *s)
{
    const char *dir = getenv("TMPDIR");
    char path[4096];
    size_t bytes, want;
    int fd;

    /* 12 bits per respondent expected past the exact part, within
     * bounds; unknown size (a pipe): the largest. */
    want = s->hint > s->exact_max ? (s->hint - s->exact_max) * 12 / 8 : 0;
    if (s->hint == 0 || want > COL_IDSET_FILTER_MAX_BYTES)
        want = COL_IDSET_FILTER_MAX_BYTES;
    for (bytes = 1u << 16; bytes < want; bytes *= 2)
        ;
    if ((s->filter = calloc(bytes / 8, sizeof(uint64_t))) == NULL
        || table_init(&s->suspects, 1u << 10) != 0)
        return -1;
    s->filter_bits = bytes * 8;
    if (dir == NULL || dir[0] == '\0')
        dir = "/tmp";
    if ((size_t)snprintf(path, sizeof path, "%s/prevalence-ids.XXXXXX", dir) >= sizeof path
        || (fd = mkstemp(path)) < 0)
        return -1;
    unlink(path);
    if ((s->spill = fdopen(fd, "w+b")) == NULL) {
        close(fd);
        return -1;
    }
    setvbuf(s->spill, NULL, _IOFBF, 1u << 20);
    return 0;
}

/* Test the key's bits and set them: true when all were set already. */
static bool filter_add(struct col_idset *s, uint64_t h)
{
    uint64_t g = h * 0x9e3779b97f4a7c15ULL, h2 = (g >> 29) | 1, mask = s->filter_bits - 1;
    bool all = true;

    for (int i = 0; i < FILTER_K; i++) {
        uint64_t bit = (g + (uint64_t)i * h2) & mask, w = 1ULL << (bit & 63);
        if ((s->filter[bit >> 6] & w) == 0) {
            all = false;
            s->filter[bit >> 6] |= w;
        }
    }
    return all;
}

static bool filter_has(const struct col_idset *s, uint64_t h)
{
    uint64_t g = h * 0x9e3779b97f4a7c15ULL, h2 = (g >> 29) | 1, mask = s->filter_bits - 1;

    if (s->filter == NULL)
        return false;
    for (int i = 0; i < FILTER_K; i++) {
        uint64_t bit = (g + (uint64_t)i * h2) & mask;
        if ((s->filter[bit >> 6] & (1ULL << (bit & 63))) == 0)
            return false;
    }
    return true;
}

int col_idset_add(struct col_idset *s, uint64_t h, int year, const char *id, size_t len,
                  uint64_t line, bool rejected, const struct col_idset_row *row,
                  uint64_t *first_line)
{
    struct spill_rec r;
    struct entry *e;
    bool added;

    if (len > 255)
        return -1;
    if (s->exact.count < s->exact_max) {
        if ((e = table_insert(&s->exact, h, year, id, len, &added)) == NULL)
            return -1;
        if (!added) {
            *first_line = e->pub.line;
            return 1;
        }
        e->pub.line = line;
        e->pub.rejected = rejected;
        return 0;
    }
    if ((e = table_find(&s->exact, h, year, id, len)) != NULL) {
        *first_line = e->pub.line;
        return 1;
    }
    if (s->spill == NULL && start_spill(s) != 0)
        return -1;
    if (filter_add(s, h) && table_insert(&s->suspects, h, year, id, len, &added) == NULL)
        return -1;
    memset(&r, 0, sizeof r);
    r.line = line;
    r.year = (uint16_t)year;
    r.len = (uint8_t)len;
    r.flags = (uint8_t)((rejected ? SPILL_REJECTED : 0) | (row->counted ? SPILL_COUNTED : 0));
    r.county = row->county;
    r.caseload = row->caseload;
    r.confirmed = row->confirmed;
    r.suspected = row->suspected;
    if (fwrite(&r, sizeof r, 1, s->spill) != 1 || fwrite(id, 1, len, s->spill) != len)
        return -1;
    s->spilled++;
    return 0;
}

/* Read the spill from its start, calling fn for every record. */
static int each_spilled(struct col_idset *s,
                        int (*fn)(struct col_idset *s, const struct spill_rec *r,
                                  const char *id, void *ctx), void *ctx)
{
    struct spill_rec r;
    char id[256];

    if (s->spill == NULL)
        return 0;
    if (fflush(s->spill) != 0 || fseek(s->spill, 0, SEEK_SET) != 0)
        return -1;
    for (size_t i = 0; i < s->spilled; i++) {
        if (fread(&r, sizeof r, 1, s->spill) != 1 || fread(id, 1, r.len, s->spill) != r.len)
            return -1;
        if (fn(s, &r, id, ctx) != 0)
            return -1;
    }
    return fseek(s->spill, 0, SEEK_END) == 0 ? 0 : -1;
}

struct resolve_ctx {
    void (*dup)(void *ctx, const struct col_idset_dup *d);
    void *ctx;
};

/* A suspect's entry keeps the line of its key's first spilled row. */
static int resolve_one(struct col_idset *s, const struct spill_rec *r, const char *id,
                       void *vctx)
{
    struct resolve_ctx *rc = vctx;
    struct entry *e;
    struct col_idset_dup d;

    if (s->suspects.count == 0
        || (e = table_find(&s->suspects, hash_key(r->year, id, r->len), r->year, id,
                           r->len)) == NULL)
        return 0;
    if (e->pub.line == 0) {
        e->pub.line = r->line;
        return 0;
    }
    if (s->ndup == s->cap_dup) {
        size_t cap = s->cap_dup == 0 ? 64 : s->cap_dup * 2;
        uint64_t *grown = realloc(s->dup_lines, cap * sizeof *grown);
        if (grown == NULL)
            return -1;
        s->dup_lines = grown;
        s->cap_dup = cap;
    }
    s->dup_lines[s->ndup++] = r->line;
    d.year = r->year;
    d.id = id;
    d.len = r->len;
    d.line = r->line;
    d.first_line = e->pub.line;
    d.row.counted = (r->flags & SPILL_COUNTED) != 0;
    d.row.county = r->county;
    d.row.caseload = r->caseload;
    d.row.confirmed = r->confirmed;
    d.row.suspected = r->suspected;
    rc->dup(rc->ctx, &d);
    return 0;
}

int col_idset_resolve(struct col_idset *s,
                      void (*dup)(void *ctx, const struct col_idset_dup *d), void *ctx)
{
    struct resolve_ctx rc = {dup, ctx};

    if (s->suspects.count == 0)
        return 0;
    return each_spilled(s, resolve_one, &rc);
}

int col_idset_mark_loaded(struct col_idset *s, int year, const char *id, size_t len,
                          int64_t batch, uint8_t county)
{
    uint64_t h = hash_key(year, id, len);
    struct entry *e = table_find(&s->exact, h, year, id, len);
    bool added;

    if (e == NULL && filter_has(s, h)) {
        if (s->loaded.slots == NULL && table_init(&s->loaded, 1u << 10) != 0)
            return -1;
        if ((e = table_insert(&s->loaded, h, year, id, len, &added)) == NULL)
            return -1;
    }
    if (e != NULL) {
        e->pub.loaded_batch = batch;
        e->pub.loaded_county = county;
    }
    return 0;
}

struct loaded_ctx {
    void (*each)(void *ctx, const struct col_idset_loaded *l);
    void *ctx;
    size_t next_dup;
};

static int loaded_one(struct col_idset *s, const struct spill_rec *r, const char *id,
                      void *vctx)
{
    struct loaded_ctx *lc = vctx;
    struct entry *e;
    struct col_idset_loaded l;

    while (lc->next_dup < s->ndup && s->dup_lines[lc->next_dup] < r->line)
        lc->next_dup++;
    if (lc->next_dup < s->ndup && s->dup_lines[lc->next_dup] == r->line)
        return 0;         /* a repeat: its first row is the one reported */
    e = table_find(&s->loaded, hash_key(r->year, id, r->len), r->year, id, r->len);
    if (e == NULL || e->pub.loaded_batch == 0)
        return 0;
    l.year = r->year;
    l.id = id;
    l.len = r->len;
    l.line = r->line;
    l.rejected = (r->flags & SPILL_REJECTED) != 0;
    l.loaded_batch = e->pub.loaded_batch;
    l.loaded_county = e->pub.loaded_county;
    lc->each(lc->ctx, &l);
    return 0;
}

int col_idset_each_loaded(struct col_idset *s,
                          void (*each)(void *ctx, const struct col_idset_loaded *l), void *ctx)
{
    struct loaded_ctx lc = {each, ctx, 0};

    for (size_t i = 0; i < s->exact.count; i++) {
        const struct entry *e = &s->exact.entries[i];
        struct col_idset_loaded l;
        if (e->pub.loaded_batch == 0)
            continue;
        l.year = e->year;
        l.id = s->exact.arena + e->id_off;
        l.len = e->len;
        l.line = e->pub.line;
        l.rejected = e->pub.rejected != 0;
        l.loaded_batch = e->pub.loaded_batch;
        l.loaded_county = e->pub.loaded_county;
        each(ctx, &l);
    }
    if (s->loaded.count == 0)
        return 0;
    return each_spilled(s, loaded_one, &lc);
}
