/* Open addressing over an array of entries; the slots hold entry numbers
 * (4 bytes) so growing the table moves no strings. */
#include "idset.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct entry {
    struct col_idset_entry pub;
    uint64_t hash;
    uint32_t id_off;          /* into the arena */
    uint16_t year;
    uint8_t len;
};

struct col_idset {
    struct entry *entries;
    size_t count, cap_entries;
    uint32_t *slots;          /* entry number + 1; 0 is empty */
    size_t nslots;            /* power of two */
    char *arena;
    size_t arena_len, arena_cap;
};

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
    s->nslots = 1024;
    if ((s->slots = calloc(s->nslots, sizeof *s->slots)) == NULL) {
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

size_t col_idset_count(const struct col_idset *s)
{
    return s->count;
}

static bool same(const struct col_idset *s, const struct entry *e, uint64_t h, int year,
                 const char *id, size_t len)
{
    return e->hash == h && e->year == (uint16_t)year && e->len == len
           && memcmp(s->arena + e->id_off, id, len) == 0;
}

/* Slot where the key is, or the empty slot where it would go. */
static size_t probe(const struct col_idset *s, uint64_t h, int year, const char *id, size_t len)
{
    size_t mask = s->nslots - 1, i = (size_t)h & mask;

    while (s->slots[i] != 0 && !same(s, &s->entries[s->slots[i] - 1], h, year, id, len))
        i = (i + 1) & mask;
    return i;
}

static int grow_slots(struct col_idset *s)
{
    size_t n = s->nslots * 2, mask = n - 1;
    uint32_t *slots = calloc(n, sizeof *slots);

    if (slots == NULL)
        return -1;
    for (size_t e = 0; e < s->count; e++) {
        size_t i = (size_t)s->entries[e].hash & mask;
        while (slots[i] != 0)
            i = (i + 1) & mask;
        slots[i] = (uint32_t)(e + 1);
    }
    free(s->slots);
    s->slots = slots;
    s->nslots = n;
    return 0;
}

int col_idset_insert(struct col_idset *s, int year, const char *id, size_t len,
                     uint64_t line, struct col_idset_entry **entry)
{
    uint64_t h = hash_key(year, id, len);
    size_t slot;
    struct entry *e;

    if (len > 255 || s->count >= UINT32_MAX - 1)
        return -1;
    slot = probe(s, h, year, id, len);
    if (s->slots[slot] != 0) {
        *entry = &s->entries[s->slots[slot] - 1].pub;
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
    e->hash = h;
    e->year = (uint16_t)year;
    e->len = (uint8_t)len;
    e->id_off = (uint32_t)s->arena_len;
    memcpy(s->arena + s->arena_len, id, len);
    s->arena_len += len;
    s->slots[slot] = (uint32_t)(s->count + 1);
    s->count++;
    *entry = &e->pub;
    /* Keep the table at most half full so probes stay short. */
    if (s->count * 2 > s->nslots && grow_slots(s) != 0)
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

struct col_idset_entry *col_idset_find(struct col_idset *s, int year, const char *id,
                                       size_t len)
{
    uint64_t h = hash_key(year, id, len);
    size_t slot = probe(s, h, year, id, len);

    return s->slots[slot] != 0 ? &s->entries[s->slots[slot] - 1].pub : NULL;
}
