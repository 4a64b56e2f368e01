/* Node layer basics: the LLC filter, the frame allocator, NUMA binding
 * report, configuration errors, and each built-in workload's determinism. */
#include "cmocka_all.h"
#include "node_fixture.h"

#include <errno.h>
#include <numa.h>
#include <string.h>

static void test_llc_hits_lru_and_writebacks(void **state)
{
    (void)state;
    struct cxf_llc c;
    assert_int_equal(cxf_llc_init(&c, 64 * 4 * 2, 4, 20), 0); /* 2 sets x 4 ways */
    const struct cxf_path *p1 = (const struct cxf_path *)0x1000, *wb;
    /* a miss inserts, a repeat hits */
    assert_false(cxf_llc_access(&c, 100, false, p1, &wb));
    assert_null(wb);
    assert_true(cxf_llc_access(&c, 100, false, p1, &wb));
    assert_int_equal(c.hits, 1);
    assert_int_equal(c.misses, 1);
    /* fill well past capacity with dirty lines: write-backs come out with
     * their paths, and the oldest line (100) is evicted first */
    unsigned writebacks = 0;
    for (uint64_t l = 1; l <= 64; l++) {
        cxf_llc_access(&c, 1000 + l, true, p1, &wb);
        writebacks += wb == p1;
    }
    assert_true(writebacks > 0);
    assert_int_equal(writebacks, c.writebacks);
    assert_false(cxf_llc_access(&c, 100, false, p1, &wb)); /* evicted */
    cxf_llc_fini(&c);
    /* disabled: everything misses */
    assert_int_equal(cxf_llc_init(&c, 0, 16, 20), 0);
    assert_false(cxf_llc_access(&c, 5, false, p1, &wb));
    assert_false(cxf_llc_access(&c, 5, false, p1, &wb));
    cxf_llc_fini(&c);
    /* shapes that are not a power-of-two number of sets */
    assert_int_equal(cxf_llc_init(&c, 3 * 64 * 16, 16, 20), -EINVAL);
    assert_int_equal(cxf_llc_init(&c, 1000, 16, 20), -EINVAL);
}

static void test_llc_lru_order(void **state)
{
    (void)state;
    struct cxf_llc c;
    assert_int_equal(cxf_llc_init(&c, 64 * 4, 4, 20), 0); /* one set of 4 */
    const struct cxf_path *wb, *p = (const struct cxf_path *)0x10;
    for (uint64_t l = 0; l < 4; l++)
        assert_false(cxf_llc_access(&c, l, false, p, &wb));
    assert_true(cxf_llc_access(&c, 0, false, p, &wb)); /* 0 is now youngest */
    assert_false(cxf_llc_access(&c, 4, false, p, &wb)); /* evicts 1 */
    assert_true(cxf_llc_access(&c, 0, false, p, &wb));
    assert_false(cxf_llc_access(&c, 1, false, p, &wb));
    cxf_llc_fini(&c);
}

static void test_frames_and_resident_memory(void **state)
{
    (void)state;
    struct nfx x;
    nfx_init(&x);
    struct cxf_node *n = &x.node[0];
    uint64_t a, b;
    uint64_t free0 = n->frames_free;
    assert_int_equal(cxf_node_frame_alloc(n, &a), 0);
    assert_int_equal(cxf_node_frame_alloc(n, &b), 0);
    assert_int_not_equal(a, b);
    assert_int_equal(n->frames_free, free0 - 2);
    memset(x.f->host[0].dram.base + a, 7, 4096);
    uint64_t before = cxf_node_resident(n);
    cxf_node_frame_free(n, a);
    assert_true(cxf_node_resident(n) < before);
    assert_int_equal(x.f->host[0].dram.base[a], 0); /* released: zeros */
    cxf_node_frame_free(n, a); /* twice: harmless */
    assert_int_equal(n->frames_free, free0 - 1);
    nfx_fini(&x);
}

static void test_numa_report(void **state)
{
    (void)state;
    struct nfx x;
    struct cxf_node_config cfg;
    cxf_node_config_default(&cfg);
    cfg.numa_node = 0;
    nfx_init_cfg(&x, &cfg);
    /* one-node hosts say binding is not possible; others say where, or
     * that mbind refused (a cpuset without node 0's memory) */
    const char *r = x.node[0].numa_report;
    if (numa_available() < 0 || numa_max_node() < 1)
        assert_non_null(strstr(r, "binding not possible"));
    else
        assert_true(!strcmp(r, "DRAM bound to host NUMA node 0") ||
                    strstr(r, "binding to host NUMA node 0 failed: "));
    nfx_fini(&x);
    /* a node the host does not have */
    cfg.numa_node = 4095;
    nfx_init_cfg(&x, &cfg);
    assert_non_null(strstr(x.node[0].numa_report, "binding not possible"));
    nfx_fini(&x);
    nfx_init(&x);
    assert_string_equal(x.node[0].numa_report, "not requested");
    nfx_fini(&x);
}

static uint64_t llc_lines_held(const struct cxf_llc *c)
{
    uint64_t n = 0;
    for (uint64_t i = 0; i < (uint64_t)c->sets * c->ways; i++)
        n += c->line[i].tag != 0;
    return n;
}

/* A destroyed VM's lines leave the LLC: its dirty lines are never written
 * back later, and its frames start cold for the next VM. Another VM's
 * lines stay. */
static void test_destroy_drops_llc_lines(void **state)
{
    (void)state;
    struct nfx x;
    nfx_init(&x);
    struct cxf_llc *c = &x.node[0].llc;
    struct cxf_vm *a = nfx_vm(&x, 0, "gups", 4 << 20, 1, 3, 20000);
    cxf_vm_start(a);
    cxf_sim_run_idle(&x.sim, 0);
    uint64_t held_a = llc_lines_held(c);
    assert_true(held_a > 1000);
    struct cxf_vm_config bc;
    cxf_vm_config_default(&bc);
    bc.name = "b";
    bc.workload = "stream:size=1M";
    bc.ops = 2000;
    struct cxf_vm *b;
    assert_int_equal(cxf_vm_create(&b, &x.node[0], &bc, NULL), 0);
    cxf_vm_start(b);
    cxf_sim_run_idle(&x.sim, 0);
    uint64_t held_ab = llc_lines_held(c), writebacks = c->writebacks;
    assert_true(held_ab > held_a);
    cxf_vm_destroy(a);
    uint64_t held_b = llc_lines_held(c);
    assert_true(held_b > 0 && held_b < held_ab - 1000);
    cxf_vm_destroy(b);
    assert_int_equal(llc_lines_held(c), 0);
    assert_int_equal(c->writebacks, writebacks);
    nfx_fini(&x);
}

static void expect_vm_error(struct nfx *x, struct cxf_vm_config *c, const char *needle)
{
    struct cxf_vm *vm = NULL;
    struct cxf_err e = {{0}};
    assert_true(cxf_vm_create(&vm, &x->node[0], c, &e) < 0);
    assert_non_null(strstr(e.msg, needle));
    assert_null(strchr(e.msg, '\n'));
}

static void test_vm_and_workload_errors(void **state)
{
    (void)state;
    struct nfx x;
    nfx_init(&x);
    struct cxf_vm_config c;
    cxf_vm_config_default(&c);
    c.mem_size = 4095;
    expect_vm_error(&x, &c, "multiple of 4 KiB");
    c.mem_size = 64ull << 30;
    expect_vm_error(&x, &c, "exceeds");
    cxf_vm_config_default(&c);
    c.vcpus = 0;
    expect_vm_error(&x, &c, "vCPUs");
    cxf_vm_config_default(&c);
    c.name = "bad name";
    expect_vm_error(&x, &c, "VM name");
    cxf_vm_config_default(&c);
    c.workload = "nosuch";
    expect_vm_error(&x, &c, "unknown workload 'nosuch'");
    c.workload = "gups:spam=1";
    expect_vm_error(&x, &c, "unknown parameter 'spam'");
    c.workload = "idle:write=2";
    expect_vm_error(&x, &c, "write=2");
    c.workload = "idle:ws";
    expect_vm_error(&x, &c, "not key=value");
    c.workload = "stream:size=1G"; /* bigger than the 64 MiB VM */
    expect_vm_error(&x, &c, "does not fit");
    c.workload = "ptrchase:think=abc";
    expect_vm_error(&x, &c, "think=abc");
    cxf_vm_config_default(&c);
    struct cxf_vm *vm;
    assert_int_equal(cxf_vm_create(&vm, &x.node[0], &c, NULL), 0);
    expect_vm_error(&x, &c, "already runs");
    nfx_fini(&x);
}

/* Same seed -> same memory; another seed -> other memory; and with four
 * vCPUs, other timing (quantum, LLC) must not change the result. */
static void check_determinism(const char *wl, uint64_t ops)
{
    struct cxf_node_config a, b;
    cxf_node_config_default(&a);
    cxf_node_config_default(&b);
    b.quantum_ns = 3333;
    b.llc_size = 1 << 20;
    const uint64_t mem = 16 << 20;
    uint64_t h1 = nfx_run_hash(&a, wl, mem, 1, 7, ops);
    assert_true(h1 == nfx_run_hash(&a, wl, mem, 1, 7, ops));
    assert_true(h1 != nfx_run_hash(&a, wl, mem, 1, 8, ops));
    uint64_t h4 = nfx_run_hash(&a, wl, mem, 4, 7, ops);
    assert_true(h4 == nfx_run_hash(&b, wl, mem, 4, 7, ops));
}

static void test_determinism_gups(void **state) { (void)state; check_determinism("gups", 50000); }
static void test_determinism_stream(void **state) { (void)state; check_determinism("stream:size=3M", 50000); }

/* ptrchase writes nothing after its load phase, so its memory hash says
 * nothing about a run: check where each vCPU's walk ended. An op follows
 * one pointer, so after n ops a vCPU stands n links along the cycle from
 * its start (read here without the workload), whatever the timing. */
static void chase_ends(const struct cxf_node_config *cfg, unsigned vcpus, uint64_t seed,
                       uint64_t ops, uint64_t *pos)
{
    const uint64_t mem = 16 << 20, slots = mem / 64;
    struct nfx x;
    nfx_init_cfg(&x, cfg);
    struct cxf_vm *vm = nfx_vm(&x, 0, "ptrchase", mem, vcpus, seed, ops);
    cxf_vm_start(vm);
    cxf_sim_run_idle(&x.sim, 0);
    assert_int_equal(vm->state, CXF_VM_DONE);
    assert_int_equal(cxf_vm_ops_done(vm), ops);
    for (unsigned i = 0; i < vcpus; i++) {
        uint64_t at = slots * i / vcpus * 64;
        for (uint64_t k = 0; k < vm->vcpu[i].regs.ops_done; k++)
            assert_int_equal(cxf_vm_read_raw(&vm->vcpu[0], at, &at, 8), 0);
        assert_int_equal(vm->vcpu[i].regs.r[0], at);
        pos[i] = at;
    }
    nfx_fini(&x);
}

static void test_determinism_ptrchase(void **state)
{
    (void)state;
    struct cxf_node_config a, b;
    cxf_node_config_default(&a);
    cxf_node_config_default(&b);
    b.quantum_ns = 3333;
    b.llc_size = 1 << 20;
    uint64_t p1[4], p2[4];
    chase_ends(&a, 1, 7, 20000, p1);
    chase_ends(&a, 1, 8, 20000, p2);
    assert_true(p1[0] != p2[0]); /* another seed, another cycle */
    chase_ends(&a, 4, 7, 20000, p1);
    chase_ends(&b, 4, 7, 20000, p2);
    assert_memory_equal(p1, p2, sizeof(p1));
}
static void test_determinism_idle(void **state) { (void)state; check_determinism("idle", 20000); }

static struct cxf_vm *named_vm(struct nfx *x, const char *name, const char *wl, uint64_t seed)
{
    struct cxf_vm_config c;
    cxf_vm_config_default(&c);
    c.name = name;
    c.workload = wl;
    c.mem_size = 8 << 20;
    c.vcpus = 2;
    c.seed = seed;
    c.ops = 40000;
    c.devices = "";
    struct cxf_vm *vm;
    assert_int_equal(cxf_vm_create(&vm, &x->node[0], &c, NULL), 0);
    return vm;
}

/* Two VMs at once on one node, sharing its LLC, DRAM queue and virtual
 * time: both finish, and each one's memory is what it is when run alone. */
static void test_two_vms_on_one_node(void **state)
{
    (void)state;
    static const char gups[] = "gups", kv[] = "kv:keys=10000,mix=A";
    struct cxf_node_config cfg;
    cxf_node_config_default(&cfg);
    uint64_t solo_a = nfx_run_hash(&cfg, gups, 8 << 20, 2, 3, 40000);
    uint64_t solo_b = nfx_run_hash(&cfg, kv, 8 << 20, 2, 4, 40000);
    struct nfx x;
    nfx_init(&x);
    struct cxf_vm *a = named_vm(&x, "a", gups, 3), *b = named_vm(&x, "b", kv, 4);
    cxf_vm_start(a);
    cxf_vm_start(b);
    cxf_sim_run_idle(&x.sim, 0);
    assert_int_equal(a->state, CXF_VM_DONE);
    assert_int_equal(b->state, CXF_VM_DONE);
    /* they really ran side by side */
    assert_true(a->finished_at > b->started_at && b->finished_at > a->started_at);
    assert_true(nfx_hash(a) == solo_a);
    assert_true(nfx_hash(b) == solo_b);
    struct cxf_err e;
    assert_int_equal(cxf_vm_verify(b, &e), 0);
    nfx_fini(&x);
}

static void test_ops_change_memory(void **state)
{
    (void)state;
    struct cxf_node_config a;
    cxf_node_config_default(&a);
    /* more ops -> other memory (the ops really write), for the writers */
    assert_true(nfx_run_hash(&a, "gups", 16 << 20, 1, 7, 1000) !=
                nfx_run_hash(&a, "gups", 16 << 20, 1, 7, 1001));
    assert_true(nfx_run_hash(&a, "stream:size=3M", 16 << 20, 1, 7, 100) !=
                nfx_run_hash(&a, "stream:size=3M", 16 << 20, 1, 7, 200));
}

/* A run paused part-way is reproduced by starting a fresh VM with each
 * vCPU's op count: the replay the integrity checks rely on. */
static void test_start_counts_replays_a_paused_run(void **state)
{
    (void)state;
    struct nfx x;
    nfx_init(&x);
    struct cxf_vm *a = nfx_vm(&x, 0, "gups", 16 << 20, 3, 7, 0);
    cxf_vm_start(a);
    cxf_sim_run_until(&x.sim, x.sim.now + CXF_US(300));
    cxf_vm_pause(a);
    uint64_t ops[3];
    for (unsigned i = 0; i < 3; i++)
        ops[i] = a->vcpu[i].regs.ops_done;
    assert_true(ops[0] > 0 && ops[1] > 0);
    uint64_t ha = nfx_hash(a);
    cxf_vm_destroy(a);

    struct cxf_vm *b = nfx_vm(&x, 1, "gups", 16 << 20, 3, 7, 0);
    cxf_vm_start_counts(b, ops);
    cxf_sim_run_idle(&x.sim, 0);
    assert_int_equal(b->state, CXF_VM_DONE);
    for (unsigned i = 0; i < 3; i++)
        assert_int_equal(b->vcpu[i].regs.ops_done, ops[i]);
    assert_true(nfx_hash(b) == ha);
    cxf_vm_destroy(b);

    /* a vCPU given no operations is done at once */
    const uint64_t none[2] = {0, 0};
    struct cxf_vm *c = nfx_vm(&x, 0, "gups", 16 << 20, 2, 7, 0);
    cxf_vm_start_counts(c, none);
    assert_int_equal(c->state, CXF_VM_DONE);
    assert_int_equal(cxf_vm_ops_done(c), 0);
    cxf_vm_destroy(c);
    nfx_fini(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_llc_hits_lru_and_writebacks),
        cmocka_unit_test(test_llc_lru_order),
        cmocka_unit_test(test_frames_and_resident_memory),
        cmocka_unit_test(test_numa_report),
        cmocka_unit_test(test_destroy_drops_llc_lines),
        cmocka_unit_test(test_vm_and_workload_errors),
        cmocka_unit_test(test_determinism_gups),
        cmocka_unit_test(test_determinism_stream),
        cmocka_unit_test(test_determinism_ptrchase),
        cmocka_unit_test(test_determinism_idle),
        cmocka_unit_test(test_ops_change_memory),
        cmocka_unit_test(test_two_vms_on_one_node),
        cmocka_unit_test(test_start_counts_replays_a_paused_run),
    };
    return cmocka_run_group_tests_name("node_core", tests, NULL, NULL);
}
