#ifndef PREV_SYN_RNG_H
#define PREV_SYN_RNG_H

/* Random streams for the generator. Each (seed, year, county, purpose)
 * gets its own GSL mt19937 generator, so a county-year comes out the same
 * whichever other years or counties are generated with it, and whether
 * the base design or a scaled one is asked for (the plan stream is shared,
 * the roster stream is the only one that scale changes). */

#include <stdint.h>

#include <gsl/gsl_rng.h>

enum syn_stream { SYN_STREAM_PLAN = 1, SYN_STREAM_ROSTER = 2 };

/* One step of splitmix64 (Steele, Lea and Flood 2014): the usual way to
 * turn nearby seeds into unrelated ones. */
uint64_t syn_splitmix64(uint64_t *state);

/* The 32-bit mt19937 seed of a stream. */
uint32_t syn_stream_seed(uint64_t seed, int year, int county, enum syn_stream stream);

/* A generator for the stream, or NULL when out of memory. The caller
 * frees it with gsl_rng_free. */
gsl_rng *syn_rng_new(uint64_t seed, int year, int county, enum syn_stream stream);

/* A uniform 32-bit value (mt19937 yields exactly 0..2^32-1). */
uint32_t syn_rng_u32(gsl_rng *r);

/* A uniform integer in lo..hi (lo <= hi, hi - lo < 2^32 - 1), by GSL's
 * integer-only rejection method. */
long syn_rng_between(gsl_rng *r, long lo, long hi);

#endif
