/* bench_fabric - routed transactions per second with and without a cached
 * translation, and page transfers through the bridge path against plain
 * memcpy on this machine.
 *
 * Each loop gets a fresh fabric and issues its transactions spaced in
 * virtual time (300 ns a line, 200 ns a page: less than the links could
 * carry), as a running VM would: link queues then stay short. Bookings far
 * ahead of each other, or a fabric whose queues an earlier loop filled,
 * would measure the bandwidth queue's search instead of the path. */
#include "bench.h"
#include "fabric/fabric.h"

#include <stdlib.h>
#include <string.h>

#define GB (1ull << 30)

static struct cxf_fabric *two_nodes(void)
{
    struct cxf_fabric *f;
    struct cxf_err e;
    if (cxf_fabric_from_json(&f, cxf_default_config, &e)) {
        fprintf(stderr, "bench_fabric: %s\n", e.msg);
        exit(1);
    }
    return f;
}

/* Line reads from node0 into its pool region, routed every time. */
static double uncached_rate(struct cxf_fabric *f, uint64_t base, int n)
{
    uint8_t line[64];
    unsigned long long sum = 0;
    double t0 = bench_now();
    for (int i = 0; i < n; i++) {
        struct cxf_xact x = {.op = CXF_M2S_MEMRD, .hpa = base + ((uint64_t)i * 64) % (64u << 20),
                             .len = 64, .data = line};
        cxf_fabric_mem(f, 0, &x, (cxf_time_t)i * 300);
        sum += line[0];
    }
    bench_sink(sum);
    return n / (bench_now() - t0);
}

/* The same reads with the route computed once per 4 KiB page and kept, as a
 * caller's translation cache does: copy from the host pointer, charge time. */
static double cached_rate(struct cxf_fabric *f, uint64_t base, int n)
{
    uint8_t line[64];
    unsigned long long sum = 0;
    struct cxf_route r = {0};
    uint64_t page = UINT64_MAX;
    double t0 = bench_now();
    for (int i = 0; i < n; i++) {
        uint64_t hpa = base + ((uint64_t)i * 64) % (64u << 20);
        if (hpa / 4096 != page || r.generation != f->generation) {
            cxf_fabric_route(f, 0, hpa & ~4095ull, &r);
            page = hpa / 4096;
        }
        memcpy(line, r.host_ptr + hpa % 4096, 64);
        cxf_path_charge(f, r.path, (cxf_time_t)i * 300, 64, false);
        sum += line[0];
    }
    bench_sink(sum);
    return n / (bench_now() - t0);
}

static double bridge_page_rate(struct cxf_fabric *f, int n)
{
    static uint8_t page[4096];
    uint64_t hpa;
    cxf_bridge_hpa(f, 1, 0, 0, &hpa);
    memset(f->host[0].dram.base, 1, 64u << 20); /* pages really backed */
    double t0 = bench_now();
    for (int i = 0; i < n; i++) {
        struct cxf_xact x = {.op = CXF_M2S_MEMRD, .hpa = hpa + ((uint64_t)i * 4096) % (64u << 20),
                             .len = 4096, .data = page};
        cxf_fabric_mem(f, 1, &x, (cxf_time_t)i * 200);
    }
    bench_sink(page[7]);
    return n / (bench_now() - t0);
}

static double memcpy_page_rate(int n)
{
    uint8_t *src = malloc(64u << 20);
    static uint8_t page[4096];
    memset(src, 1, 64u << 20);
    double t0 = bench_now();
    for (int i = 0; i < n; i++) {
        memcpy(page, src + ((uint64_t)i * 4096) % (64u << 20), 4096);
        bench_sink(page[(unsigned)i % 4096]);
    }
    double r = n / (bench_now() - t0);
    free(src);
    return r;
}

/* The model's unloaded 64-byte read per path (what docs/calibration.md adds up). */
static void idle_latencies(struct cxf_fabric *f, uint64_t pool)
{
    struct cxf_route r;
    uint64_t remote;
    cxf_bridge_hpa(f, 1, 0, 0, &remote);
    cxf_fabric_route(f, 0, 0, &r);
    bench_print("model_idle_read_local_dram", (double)cxf_path_idle_read_ns(f, r.path), "ns");
    cxf_fabric_route(f, 0, pool, &r);
    bench_print("model_idle_read_pool_via_switch", (double)cxf_path_idle_read_ns(f, r.path), "ns");
    cxf_fabric_route(f, 1, remote, &r);
    bench_print("model_idle_read_remote_via_bridges", (double)cxf_path_idle_read_ns(f, r.path), "ns");
}

int main(void)
{
    struct cxf_fabric *f = two_nodes();
    uint64_t base = f->region[0]->base;
    idle_latencies(f, base);
    bench_print("fabric_uncached_line_reads_per_sec", uncached_rate(f, base, 2000000), "xact/s");
    cxf_fabric_free(f);
    f = two_nodes();
    bench_print("fabric_cached_line_reads_per_sec", cached_rate(f, base, 20000000), "xact/s");
    cxf_fabric_free(f);
    f = two_nodes();
    double bridge = bridge_page_rate(f, 500000);
    double plain = memcpy_page_rate(2000000);
    bench_print("bridge_page_reads_per_sec", bridge, "pages/s");
    bench_print("memcpy_pages_per_sec", plain, "pages/s");
    bench_print("memcpy_over_bridge_page_ratio", plain / bridge, "x");
    cxf_fabric_free(f);
    return 0;
}
