/* Open addressing over an array of entries. A slot holds the entry number
 * and 32 bits of its hash, so that a probe rarely has to read the entry
 * itself: with a million respondents the entries are tens of megabytes,
 * and each read of one is a cache miss. */
#include "idset.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* 40 bytes: a million respondents are 40 MB here, and every page of it
 * is zeroed by the kernel before first use, so size matters. */
struct entry {
    struct col_idset_entry pub;
    uint32_t id_off;          /* into the arena */
    uint16_t year;
    uint8_t len;
};

struct col_idset {
    struct entry *entries;
    size_t count, cap_entries;
    uint64_t *slots;          /* hash high bits << 32 | (entry number + 1); 0 is empty */
    size_t nslots;            /* power of two */
    char *arena;
    size_t arena_len, arena_cap;
};

static int grow_slots(struct col_idset *s);

/* Zeroed slots. A large table is asked to live on huge pages: every
 * insert touches a random slot, and with 4 KiB pages each of those is a
 * TLB miss as well as a cache miss. */
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

struct col_idset *col_idset_new(void)
{
    struct col_idset *s = calloc(1, sizeof *s);

    if (s == NULL)
        return NULL;
    s->nslots = 1u << 16;
    if ((s->slots = alloc_slots(s->nslots)) == NULL) {
        free(s);
        return NULL;
    }
    return s;
}

void col_idset_free(struct col_idset *s)
{
    if (s == NULL)
        return;
    free(s->entries);
    free(s->slots);
    free(s->arena);
    free(s);
}

int col_idset_reserve(struct col_idset *s, size_t n)
{
    /* Growing by doubling would rehash a million entries ten times;
     * a good guess up front costs one allocation. */
    while (s->nslots * 7 < n * 10)
        if (grow_slots(s) != 0)
            return -1;
    if (n > s->cap_entries) {
        struct entry *grown = realloc(s->entries, n * sizeof *grown);
        if (grown == NULL)
            return -1;
        s->entries = grown;
        s->cap_entries = n;
    }
    return 0;
}

size_t col_idset_count(const struct col_idset *s)
{
    return s->count;
}

/* The slot's tag already matched 32 bits of the hash. */
static bool same(const struct col_idset *s, const struct entry *e, int year, const char *id,
                 size_t len)
{
    return e->year == (uint16_t)year && e->len == len
           && memcmp(s->arena + e->id_off, id, len) == 0;
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
static size_t probe(const struct col_idset *s, uint64_t h, int year, const char *id, size_t len)
{
    size_t mask = s->nslots - 1, i = (size_t)h & mask;
    uint64_t tag = h & 0xffffffff00000000ULL;

    while (s->slots[i] != 0
           && ((s->slots[i] & 0xffffffff00000000ULL) != tag
               || !same(s, &s->entries[slot_entry(s->slots[i])], year, id, len)))
        i = (i + 1) & mask;
    return i;
}

static int grow_slots(struct col_idset *s)
{
    size_t n = s->nslots * 2, mask = n - 1;
    uint64_t *slots = alloc_slots(n);

    if (slots == NULL)
        return -1;
    for (size_t e = 0; e < s->count; e++) {
        const struct entry *en = &s->entries[e];
        uint64_t h = hash_key(en->year, s->arena + en->id_off, en->len);
        size_t i = (size_t)h & mask;
        while (slots[i] != 0)
            i = (i + 1) & mask;
        slots[i] = slot_value(h, e);
    }
    free(s->slots);
    s->slots = slots;
    s->nslots = n;
    return 0;
}

int col_idset_insert(struct col_idset *s, int year, const char *id, size_t len,
                     uint64_t line, struct col_idset_entry **entry)
{
    return col_idset_insert_hashed(s, hash_key(year, id, len), year, id, len, line, entry);
}

uint64_t col_idset_hash(int year, const char *id, size_t len)
{
    return hash_key(year, id, len);
}

int col_idset_insert_hashed(struct col_idset *s, uint64_t h, int year, const char *id,
                            size_t len, uint64_t line, struct col_idset_entry **entry)
{
    size_t slot;
    struct entry *e;

    if (len > 255 || s->count >= UINT32_MAX - 1)
        return -1;
    slot = probe(s, h, year, id, len);
    if (s->slots[slot] != 0) {
        *entry = &s->entries[slot_entry(s->slots[slot])].pub;
        return 1;
    }
    if (s->count == s->cap_entries) {
        size_t cap = s->cap_entries == 0 ? 1024 : s->cap_entries * 2;
        struct entry *grown = realloc(s->entries, cap * sizeof *grown);
        if (grown == NULL)
            return -1;
        s->entries = grown;
        s->cap_entries = cap;
    }
    if (s->arena_len + len > s->arena_cap) {
        size_t cap = s->arena_cap == 0 ? 16384 : s->arena_cap * 2;
        char *grown;
        while (cap < s->arena_len + len)
            cap *= 2;
        if (cap > UINT32_MAX || (grown = realloc(s->arena, cap)) == NULL)
            return -1;
        s->arena = grown;
        s->arena_cap = cap;
    }
    e = &s->entries[s->count];
    memset(e, 0, sizeof *e);
    e->pub.line = line;
    e->year = (uint16_t)year;
    e->len = (uint8_t)len;
    e->id_off = (uint32_t)s->arena_len;
    memcpy(s->arena + s->arena_len, id, len);
    s->arena_len += len;
    s->slots[slot] = slot_value(h, s->count);
    s->count++;
    *entry = &e->pub;
    /* At most 70% full: probes stay short, and the table stays small. */
    if (s->count * 10 > s->nslots * 7 && grow_slots(s) != 0)
        return -1;
    return 0;
}

struct col_idset_entry *col_idset_at(struct col_idset *s, size_t i, int *year,
                                     const char **id, size_t *len)
{
    struct entry *e = &s->entries[i];

    *year = e->year;
    *id = s->arena + e->id_off;
    *len = e->len;
    return &e->pub;
}

void col_idset_prefetch(const struct col_idset *s, uint64_t h)
{
    __builtin_prefetch(&s->slots[(size_t)h & (s->nslots - 1)]);
}

struct col_idset_entry *col_idset_find(struct col_idset *s, int year, const char *id,
                                       size_t len)
{
    uint64_t h = hash_key(year, id, len);
    size_t slot = probe(s, h, year, id, len);

    return s->slots[slot] != 0 ? &s->entries[slot_entry(s->slots[slot])].pub : NULL;
}
