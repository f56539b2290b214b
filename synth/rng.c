#include "rng.h"

uint64_t syn_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));

    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

uint32_t syn_stream_seed(uint64_t seed, int year, int county, enum syn_stream stream)
{
    /* Feed each coordinate through the mixer in turn, so that streams of
     * neighbouring seeds, years or counties share nothing visible. */
    uint64_t s = seed;
    uint64_t h = syn_splitmix64(&s);

    s = h ^ (uint64_t)(unsigned)year;
    h = syn_splitmix64(&s);
    s = h ^ (uint64_t)(unsigned)county;
    h = syn_splitmix64(&s);
    s = h ^ (uint64_t)stream;
    h = syn_splitmix64(&s);
    return (uint32_t)(h >> 32);
}

gsl_rng *syn_rng_new(uint64_t seed, int year, int county, enum syn_stream stream)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);

    if (r != NULL)
        gsl_rng_set(r, syn_stream_seed(seed, year, county, stream));
    return r;
}

uint32_t syn_rng_u32(gsl_rng *r)
{
    return (uint32_t)gsl_rng_get(r);
}

long syn_rng_between(gsl_rng *r, long lo, long hi)
{
    return lo + (long)gsl_rng_uniform_int(r, (unsigned long)(hi - lo) + 1UL);
}
