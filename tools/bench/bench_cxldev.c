/* bench_cxldev - HPA-to-DPA decode rate of the device HDM decoders. */
#include "bench.h"
#include "cxl-dev/cxldev.h"

#include <stdlib.h>

#define GB (1ull << 30)

static double decode_rate(unsigned ways, uint64_t gran)
{
    enum { N = 1 << 16, ROUNDS = 100 };
    struct cxf_hdm h;
    cxf_hdm_init(&h, CXF_HDM_DEVICE, 4, 0, 64 * GB);
    /* four committed decoders, the looked-up one is the last */
    for (unsigned i = 0; i < 4; i++) {
        struct cxf_hdm_prog p = {.base = (uint64_t)i * 48 * GB, .size = 12ull * ways * CXF_CAP_UNIT,
                                 .ways = ways, .granularity = gran, .position = 0};
        if (cxf_hdm_program(&h, i, &p) || cxf_hdm_commit(&h, i)) {
            fprintf(stderr, "bench_cxldev: decoder %u does not commit: %s\n", i,
                    cxf_hdm_strerror(h.dec[i].err));
            exit(1);
        }
    }
    uint64_t *hpa = malloc(N * sizeof(*hpa));
    struct cxf_rng r;
    cxf_rng_seed(&r, 5, 0);
    uint64_t base = h.dec[3].prog.base, size = h.dec[3].prog.size;
    for (int i = 0; i < N; i++) {
        uint64_t g = cxf_rng_below(&r, size / gran / ways);
        hpa[i] = base + g * gran * ways + cxf_rng_below(&r, gran); /* position 0 */
    }
    unsigned long long sum = 0, hits = 0;
    double t0 = bench_now();
    for (int k = 0; k < ROUNDS; k++) {
        for (int i = 0; i < N; i++) {
            struct cxf_hdm_hit hit;
            if (cxf_hdm_decode(&h, hpa[i], &hit) == 0)
                sum += hit.dpa, hits++;
        }
    }
    double dt = bench_now() - t0;
    bench_sink(sum);
    if (hits != (unsigned long long)N * ROUNDS) { /* a miss is a cheaper path */
        fprintf(stderr, "bench_cxldev: %llu of %d decodes missed\n", (unsigned long long)N * ROUNDS - hits, N * ROUNDS);
        exit(1);
    }
    free(hpa);
    return (double)N * ROUNDS / dt;
}

int main(void)
{
    bench_print("hdm_decode_per_sec_2way", decode_rate(2, 256), "decodes/s");
    bench_print("hdm_decode_per_sec_8way", decode_rate(8, 4096), "decodes/s");
    bench_print("hdm_decode_per_sec_3way", decode_rate(3, 256), "decodes/s");
    bench_print("hdm_decode_per_sec_12way", decode_rate(12, 1024), "decodes/s");
    return 0;
}
