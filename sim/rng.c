/*
 * sim/rng.c - deterministic random streams.
 *
 * xoshiro256** (Blackman & Vigna, 2018) as the generator: fast, 256-bit
 * state, passes BigCrush. Its state is filled by splitmix64, as its authors
 * recommend, from (seed, stream) so that each component of a run draws from
 * its own reproducible stream.
 */
#include "sim.h"

uint64_t cxf_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint64_t cxf_rng_stream_id(const char *name)
{
    uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a 64 offset basis */
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        h ^= *p;
        h *= 0x100000001b3ull;
    }
    return h;
}

void cxf_rng_seed(struct cxf_rng *r, uint64_t seed, uint64_t stream)
{
    uint64_t mix = stream;
    uint64_t state = seed ^ cxf_splitmix64(&mix);
    for (int i = 0; i < 4; i++)
        r->s[i] = cxf_splitmix64(&state);
    /* An all-zero state would be a fixed point; splitmix64 cannot produce
     * four zeros in a row, but be explicit about the invariant. */
    if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3]))
        r->s[0] = 1;
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t cxf_rng_next(struct cxf_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* Lemire's multiply-shift with rejection: unbiased and usually one multiply. */
uint64_t cxf_rng_below(struct cxf_rng *r, uint64_t n)
{
    if (n == 0)
        return 0;
    unsigned __int128 m = (unsigned __int128)cxf_rng_next(r) * n;
    uint64_t low = (uint64_t)m;
    if (low < n) {
        uint64_t threshold = -n % n;
        while (low < threshold) {
            m = (unsigned __int128)cxf_rng_next(r) * n;
            low = (uint64_t)m;
        }
    }
    return (uint64_t)(m >> 64);
}

double cxf_rng_unit(struct cxf_rng *r)
{
    return (double)(cxf_rng_next(r) >> 11) * 0x1.0p-53;
}
