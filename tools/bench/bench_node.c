/* bench_node - the mediated access path: accesses per second on the TLB-hit
 * path, a workload loop mediated against the same loop on plain memory, and
 * how fast virtual time runs for kv with 4 vCPUs. */
#include "bench.h"
#include "node/node.h"

#include <stdlib.h>
#include <string.h>

struct world {
    struct cxf_fabric *f;
    struct cxf_sim sim;
    struct cxf_node node;
};

static void world_init(struct world *w)
{
    struct cxf_err e;
    struct cxf_node_config nc;
    if (cxf_fabric_from_json(&w->f, cxf_default_config, &e)) {
        fprintf(stderr, "bench_node: %s\n", e.msg);
        exit(1);
    }
    cxf_sim_init(&w->sim);
    cxf_fabric_set_clock(w->f, &w->sim);
    cxf_node_config_default(&nc);
    if (cxf_node_init(&w->node, w->f, &w->sim, 0, &nc, &e)) {
        fprintf(stderr, "bench_node: %s\n", e.msg);
        exit(1);
    }
}

static void world_fini(struct world *w)
{
    cxf_node_fini(&w->node);
    cxf_fabric_free(w->f);
    cxf_sim_fini(&w->sim);
}

static struct cxf_vm *make_vm(struct world *w, const char *wl, uint64_t mem, unsigned vcpus,
                              uint64_t ops)
{
    struct cxf_vm_config c;
    struct cxf_vm *vm;
    struct cxf_err e;
    cxf_vm_config_default(&c);
    c.workload = wl;
    c.mem_size = mem;
    c.vcpus = vcpus;
    c.ops = ops;
    if (cxf_vm_create(&vm, &w->node, &c, &e)) {
        fprintf(stderr, "bench_node: %s\n", e.msg);
        exit(1);
    }
    return vm;
}

/* Loads cycling over 16 pages' worth of words: every access hits the TLB,
 * most hit the same-line shortcut or the LLC. */
static double tlb_hit_rate(struct world *w)
{
    struct cxf_vm *vm = make_vm(w, "idle:ws=64K", 1 << 20, 1, 0);
    struct cxf_vcpu *v = &vm->vcpu[0];
    const long n = 100000000;
    unsigned long long sum = 0;
    double t0 = bench_now();
    for (long i = 0; i < n; i++)
        sum += cxf_ld64(v, ((uint64_t)i * 8) & 0xFFF8);
    double dt = bench_now() - t0;
    bench_sink(sum);
    cxf_vm_destroy(vm);
    return n / dt;
}

/* The gups update loop mediated (guest memory through the TLB, LLC and
 * paths) against the same loop on a plain array. */
static double mediated_over_plain(struct world *w)
{
    const uint64_t mem = 64ull << 20, words = mem / 8;
    const long n = 20000000;
    struct cxf_vm *vm = make_vm(w, "gups", mem, 1, 0);
    struct cxf_vcpu *v = &vm->vcpu[0];
    struct cxf_rng r;
    cxf_rng_seed(&r, 1, 0);
    double t0 = bench_now();
    for (long i = 0; i < n; i++) {
        uint64_t x = cxf_rng_next(&r), gpa = (x % words) * 8;
        cxf_st64(v, gpa, cxf_ld64(v, gpa) ^ x);
        v->jn = 0; /* one op per update, as the vCPU loop would */
    }
    double mediated = bench_now() - t0;
    uint64_t *plain = calloc(words, 8);
    cxf_rng_seed(&r, 1, 0);
    t0 = bench_now();
    for (long i = 0; i < n; i++) {
        uint64_t x = cxf_rng_next(&r);
        plain[x % words] ^= x;
    }
    double direct = bench_now() - t0;
    bench_sink(plain[7]);
    free(plain);
    cxf_vm_destroy(vm);
    return mediated / direct;
}

/* Simulated seconds per wall-clock second, for a whole VM run. */
static double sim_speed(struct world *w, const char *wl, unsigned vcpus, uint64_t ops)
{
    struct cxf_vm *vm = make_vm(w, wl, 256ull << 20, vcpus, ops);
    cxf_time_t start = w->sim.now;
    double t0 = bench_now();
    cxf_vm_start(vm);
    cxf_sim_run_idle(&w->sim, 0);
    double wall = bench_now() - t0;
    double simulated = (double)(vm->finished_at - start) * 1e-9;
    cxf_vm_destroy(vm);
    return simulated / wall;
}

int main(void)
{
    struct world w;
    world_init(&w);
    bench_print("mediated_tlb_hit_loads_per_sec", tlb_hit_rate(&w), "loads/s");
    bench_print("gups_mediated_over_plain_wall_ratio", mediated_over_plain(&w), "x");
    bench_print("sim_seconds_per_wall_second_kv_4vcpu", sim_speed(&w, "kv", 4, 4000000), "x");
    bench_print("sim_seconds_per_wall_second_gups_4vcpu", sim_speed(&w, "gups", 4, 4000000), "x");
    world_fini(&w);
    return 0;
}
