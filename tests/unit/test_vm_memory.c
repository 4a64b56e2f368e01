/* VMs on the fabric: pages moving under a running workload, dirty logging
 * against a shadow set, latency accounting per path, pause/resume, and what
 * link-down, node failure and poison do to a running VM. */
#include "cmocka_all.h"
#include "node_fixture.h"

#include <errno.h>
#include <string.h>

#define MB (1ull << 20)

/* A home for a page: node0 DRAM, node1 DRAM or pool0 (mapped by node0's
 * region). Frames are allocated from and returned to their nodes. */
static struct cxf_page_loc new_home(struct nfx *x, unsigned kind, uint64_t *next_dpa)
{
    uint64_t off;
    if (kind == 2) {
        uint64_t dpa = *next_dpa;
        *next_dpa += CXF_PAGE_SIZE;
        return (struct cxf_page_loc){CXF_PG_DEV, 0, dpa};
    }
    if (cxf_node_frame_alloc(&x->node[kind], &off))
        abort();
    return (struct cxf_page_loc){CXF_PG_DRAM, kind, off};
}

static void free_home(struct nfx *x, struct cxf_page_loc loc)
{
    if (loc.kind == CXF_PG_DRAM)
        cxf_node_frame_free(&x->node[loc.owner], loc.addr);
}

static void move_page(struct nfx *x, struct cxf_vm *vm, uint64_t gpn, unsigned kind,
                      uint64_t *next_dpa)
{
    struct cxf_page_loc from, to = new_home(x, kind, next_dpa);
    assert_int_equal(cxf_vm_page_move(vm, gpn, to, &from), 0);
    free_home(x, from);
}

/* Pool DPAs of node0's region: pool0's LD 0 lies under it from DPA 0; node0
 * reaches it at a 4 KiB interleave. */
#define POOL_DPA0 (64 * MB)

struct mover {
    struct cxf_event ev;
    struct nfx *x;
    struct cxf_vm *vm;
    struct cxf_rng rng;
    uint64_t next_dpa;
    unsigned moves;
};

static void mover_fire(struct cxf_sim *sim, struct cxf_event *ev)
{
    struct mover *m = ev->arg;
    if (m->vm->state != CXF_VM_RUNNING)
        return;
    for (int i = 0; i < 16; i++) {
        uint64_t gpn = cxf_rng_below(&m->rng, m->vm->npages);
        if (m->vm->page[gpn].kind == CXF_PG_NONE)
            continue;
        move_page(m->x, m->vm, gpn, (unsigned)cxf_rng_below(&m->rng, 3), &m->next_dpa);
        m->moves++;
    }
    cxf_sim_schedule_in(sim, ev, CXF_US(20));
}

static void test_pages_move_under_a_running_workload(void **state)
{
    (void)state;
    const char *wls[] = {"gups", "stream:size=3M", "idle:ws=256K,write=0.5,think=0"};
    for (int w = 0; w < 3; w++) {
        struct cxf_node_config cfg;
        cxf_node_config_default(&cfg);
        uint64_t still = nfx_run_hash(&cfg, wls[w], 8 * MB, 2, 3, 100000);
        struct nfx x;
        nfx_init(&x);
        struct cxf_vm *vm = nfx_vm(&x, 0, wls[w], 8 * MB, 2, 3, 100000);
        struct mover m = {.x = &x, .vm = vm, .next_dpa = POOL_DPA0};
        cxf_rng_seed(&m.rng, 99, 0);
        cxf_event_init(&m.ev, mover_fire, &m);
        cxf_sim_schedule(&x.sim, &m.ev, CXF_US(5));
        cxf_vm_start(vm);
        cxf_sim_run_idle(&x.sim, 0);
        assert_int_equal(vm->state, CXF_VM_DONE);
        assert_true(m.moves > 100);
        uint64_t acc[CXF_AC_COUNT];
        cxf_vm_accesses(vm, acc);
        assert_true(acc[CXF_AC_REMOTE] > 0 && acc[CXF_AC_POOL] > 0);
        assert_true(nfx_hash(vm) == still);
        nfx_fini(&x);
    }
}

/* gups on one vCPU writes the 8-byte word (x % words) for each draw x of
 * the vCPU's stream: replay the stream to know which pages it wrote. */
static void shadow_pages(uint64_t seed, uint64_t words, uint64_t from, uint64_t to,
                         uint64_t *bits)
{
    struct cxf_rng r;
    cxf_rng_seed(&r, seed, cxf_rng_stream_id("vcpu") + 0);
    for (uint64_t i = 0; i < to; i++) {
        uint64_t x = cxf_rng_next(&r);
        if (i >= from) {
            uint64_t gpn = (x % words) * 8 / CXF_PAGE_SIZE;
            bits[gpn / 64] |= 1ull << (gpn % 64);
        }
    }
}

static void run_more(struct nfx *x, struct cxf_vm *vm, uint64_t target)
{
    vm->vcpu[0].regs.ops_target = target;
    vm->vcpu[0].state = CXF_VCPU_IDLE;
    vm->state = CXF_VM_PAUSED;
    cxf_vm_resume(vm);
    cxf_sim_run_idle(&x->sim, 0);
    assert_int_equal(vm->state, CXF_VM_DONE);
}

static void test_dirty_log_matches_shadow(void **state)
{
    (void)state;
    struct nfx x;
    nfx_init(&x);
    const uint64_t mem = 8 * MB, words = mem / 8, n = 3000;
    struct cxf_vm *vm = nfx_vm(&x, 0, "gups", mem, 1, 11, n);
    size_t nw = (vm->npages + 63) / 64;
    uint64_t *got = calloc(nw, 8), *want = calloc(nw, 8);
    cxf_vm_dirty_log_start(vm);
    cxf_vm_start(vm);
    cxf_sim_run_idle(&x.sim, 0);
    uint64_t count = cxf_vm_dirty_log_fetch(vm, got);
    shadow_pages(11, words, 0, n, want);
    assert_memory_equal(got, want, nw * 8);
    uint64_t pop = 0;
    for (size_t i = 0; i < nw; i++)
        pop += (uint64_t)__builtin_popcountll(want[i]);
    assert_int_equal(count, pop);
    /* round 2: fetching write-protected again, so pages written before and
     * again now are logged again */
    run_more(&x, vm, 2 * n);
    memset(want, 0, nw * 8);
    cxf_vm_dirty_log_fetch(vm, got);
    shadow_pages(11, words, n, 2 * n, want);
    assert_memory_equal(got, want, nw * 8);
    /* stopped: nothing is logged */
    cxf_vm_dirty_log_stop(vm);
    run_more(&x, vm, 3 * n);
    memset(got, 0, nw * 8);
    assert_int_equal(cxf_vm_dirty_log_fetch(vm, got), 0);
    free(got);
    free(want);
    nfx_fini(&x);
}

/* ptrchase with no LLC: every op is one dependent load, whose mean latency
 * is exactly the configured idle latency of the page's path. */
static void check_chase_latency(unsigned node, unsigned home, enum cxf_access_class cls)
{
    struct nfx x;
    struct cxf_node_config cfg;
    cxf_node_config_default(&cfg);
    cfg.llc_size = 0;
    nfx_init_cfg(&x, &cfg);
    struct cxf_vm *vm = nfx_vm(&x, node, "ptrchase", 2 * MB, 1, 5, 20000);
    uint64_t next_dpa = POOL_DPA0;
    for (uint64_t g = 0; g < vm->npages; g++)
        if (home != node)
            move_page(&x, vm, g, home, &next_dpa);
    uint64_t hpa;
    struct cxf_gpage p = vm->page[0];
    struct cxf_route r;
    if (p.kind == CXF_PG_DEV)
        assert_int_equal(cxf_region_hpa(x.f, node, x.f->dev[p.owner], p.addr, &hpa), 0);
    else if (p.owner != node)
        assert_int_equal(cxf_bridge_hpa(x.f, node, p.owner, p.addr, &hpa), 0);
    else
        hpa = p.addr;
    assert_int_equal(cxf_fabric_route(x.f, node, hpa, &r), 0);
    cxf_vm_start(vm);
    cxf_sim_run_idle(&x.sim, 0);
    assert_int_equal(vm->state, CXF_VM_DONE);
    struct cxf_hist h;
    cxf_vm_latency(vm, cls, &h);
    assert_int_equal(h.count, 20000);
    assert_true(cxf_hist_mean(&h) == (double)cxf_path_idle_read_ns(x.f, r.path));
    assert_int_equal(h.min, h.max);
    /* the vCPU's time is those loads and nothing else */
    assert_int_equal(vm->vcpu[0].clock, 20000 * h.min);
    nfx_fini(&x);
}

static void test_latency_per_path(void **state)
{
    (void)state;
    check_chase_latency(0, 0, CXF_AC_LOCAL);  /* ~101 ns */
    check_chase_latency(0, 2, CXF_AC_POOL);   /* ~274 ns */
    check_chase_latency(1, 0, CXF_AC_REMOTE); /* ~390 ns */
}

struct at_event {
    struct cxf_event ev;
    void (*fn)(struct at_event *a);
    struct nfx *x;
    struct cxf_vm *vm;
    uint64_t ops_seen;
};

static void at_fire(struct cxf_sim *sim, struct cxf_event *ev)
{
    (void)sim;
    struct at_event *a = ev->arg;
    a->fn(a);
}

static void at(struct at_event *a, struct nfx *x, struct cxf_vm *vm, cxf_time_t when,
               void (*fn)(struct at_event *))
{
    a->fn = fn;
    a->x = x;
    a->vm = vm;
    cxf_event_init(&a->ev, at_fire, a);
    cxf_sim_schedule(&x->sim, &a->ev, when);
}

static void do_pause(struct at_event *a)
{
    cxf_vm_pause(a->vm);
    a->ops_seen = cxf_vm_ops_done(a->vm);
}

static void do_resume(struct at_event *a)
{
    assert_int_equal(a->vm->state, CXF_VM_PAUSED);
    assert_true(cxf_vm_stopped(a->vm));
    a->ops_seen = cxf_vm_ops_done(a->vm);
    cxf_vm_resume(a->vm);
}

static void test_pause_and_resume(void **state)
{
    (void)state;
    struct cxf_node_config cfg;
    cxf_node_config_default(&cfg);
    uint64_t still = nfx_run_hash(&cfg, "gups", 8 * MB, 2, 4, 100000);
    struct nfx x;
    nfx_init(&x);
    struct cxf_vm *vm = nfx_vm(&x, 0, "gups", 8 * MB, 2, 4, 100000);
    struct at_event p, r;
    at(&p, &x, vm, CXF_US(100), do_pause);
    at(&r, &x, vm, CXF_MS(5), do_resume);
    cxf_vm_start(vm);
    cxf_sim_run_idle(&x.sim, 0);
    assert_int_equal(vm->state, CXF_VM_DONE);
    assert_true(p.ops_seen > 0 && p.ops_seen < 100000);
    assert_int_equal(r.ops_seen, p.ops_seen); /* nothing ran while paused */
    assert_true(vm->finished_at > CXF_MS(5));
    assert_true(nfx_hash(vm) == still);
    nfx_fini(&x);
}

static void do_link_down(struct at_event *a)
{
    assert_int_equal(cxf_fault_link(a->x->f, "node0.bridge", true, NULL), 0);
}

static void do_link_up(struct at_event *a)
{
    a->ops_seen = cxf_vm_ops_done(a->vm);
    assert_int_equal(cxf_fault_link(a->x->f, "node0.bridge", false, NULL), 0);
}

/* A VM on node1 whose memory all lives in node0's DRAM. */
static struct cxf_vm *remote_vm(struct nfx *x, uint64_t ops)
{
    struct cxf_vm *vm = nfx_vm(x, 1, "gups", 4 * MB, 1, 9, ops);
    for (uint64_t g = 0; g < vm->npages; g++)
        move_page(x, vm, g, 0, NULL);
    return vm;
}

static void test_link_down_blocks_then_resumes(void **state)
{
    (void)state;
    struct nfx x;
    nfx_init(&x);
    struct cxf_vm *ref = remote_vm(&x, 30000);
    cxf_vm_start(ref);
    cxf_sim_run_idle(&x.sim, 0);
    uint64_t still = nfx_hash(ref);
    nfx_fini(&x);

    nfx_init(&x);
    struct cxf_vm *vm = remote_vm(&x, 30000);
    struct at_event down, up;
    at(&down, &x, vm, CXF_US(50), do_link_down);
    at(&up, &x, vm, CXF_MS(2), do_link_up);
    cxf_vm_start(vm);
    cxf_sim_run_idle(&x.sim, 0);
    assert_int_equal(vm->state, CXF_VM_DONE);
    assert_true(up.ops_seen < 30000);               /* it was stuck */
    assert_true(vm->vcpu[0].stall_ns >= CXF_MS(1)); /* and counted it */
    assert_true(vm->vcpu[0].retries > 0);
    assert_true(nfx_hash(vm) == still);             /* nothing corrupted */
    nfx_fini(&x);
}

static void do_node_fail(struct at_event *a)
{
    assert_int_equal(cxf_fault_node_fail(a->x->f, 0), 0);
}

static void test_node_failure_loses_the_vm(void **state)
{
    (void)state;
    struct nfx x;
    nfx_init(&x);
    struct cxf_vm *vm = remote_vm(&x, 30000);
    struct at_event fail;
    at(&fail, &x, vm, CXF_US(50), do_node_fail);
    cxf_vm_start(vm);
    cxf_sim_run_idle(&x.sim, 0);
    assert_int_equal(vm->state, CXF_VM_LOST);
    assert_non_null(strstr(vm->reason, "node failed"));
    uint64_t h;
    assert_int_equal(cxf_vm_hash(vm, &h), -EIO);
    nfx_fini(&x);
}

static void test_poison_is_a_machine_check(void **state)
{
    (void)state;
    struct nfx x;
    nfx_init(&x);
    struct cxf_vm *vm = nfx_vm(&x, 0, "gups:span=64K", 4 * MB, 1, 2, 100000);
    uint64_t next_dpa = POOL_DPA0;
    for (uint64_t g = 0; g < 16; g++)
        move_page(&x, vm, g, 2, &next_dpa);
    assert_int_equal(cxf_fault_poison(x.f, "pool0", POOL_DPA0 + 5 * 4096 + 128, NULL), 0);
    cxf_vm_start(vm);
    cxf_sim_run_idle(&x.sim, 0);
    assert_int_equal(vm->state, CXF_VM_FAILED);
    assert_non_null(strstr(vm->reason, "machine check"));
    nfx_fini(&x);
}

/* Moving pages into pool memory writes them as the device does: a slot
 * that was poisoned comes clean with the new data, and a poisoned line of a
 * pool page stays poisoned in its new pool home (node DRAM has no poison
 * model, so there it cannot follow). */
static void test_page_moves_and_poison(void **state)
{
    (void)state;
    struct nfx x;
    nfx_init(&x);
    struct cxf_vm *vm = nfx_vm(&x, 0, "gups:span=64K", 4 * MB, 1, 2, 100000);
    const struct cxf_poison_list *pl = &x.f->dev[0]->poison;
    struct cxf_page_loc a = {CXF_PG_DEV, 0, POOL_DPA0}, b = {CXF_PG_DEV, 0, POOL_DPA0 + 4096};
    /* a poisoned slot, then a page staged into it: clean */
    assert_int_equal(cxf_fault_poison(x.f, "pool0", a.addr + 128, NULL), 0);
    assert_true(cxf_poison_first(pl, a.addr, 4096) >= 0);
    assert_int_equal(cxf_vm_page_move(vm, 0, a, NULL), 0);
    assert_true(cxf_poison_first(pl, a.addr, 4096) < 0);
    /* poison under the VM's page, then the page moves on in the pool */
    assert_int_equal(cxf_fault_poison(x.f, "pool0", a.addr + 192, NULL), 0);
    assert_int_equal(cxf_vm_page_move(vm, 0, b, NULL), 0);
    long i = cxf_poison_first(pl, b.addr, 4096);
    assert_true(i >= 0);
    assert_int_equal(pl->e[i].dpa, b.addr + 192);
    assert_true(cxf_poison_first(pl, b.addr, 192) < 0); /* only that line */
    /* the VM reads it: a machine check, as before the move */
    cxf_vm_start(vm);
    cxf_sim_run_idle(&x.sim, 0);
    assert_int_equal(vm->state, CXF_VM_FAILED);
    nfx_fini(&x);
}

static void test_throttle_stretches_time(void **state)
{
    (void)state;
    cxf_time_t took[2];
    for (int t = 0; t < 2; t++) {
        struct nfx x;
        nfx_init(&x);
        struct cxf_vm *vm = nfx_vm(&x, 0, "idle", 4 * MB, 1, 1, 20000);
        cxf_vm_set_throttle(vm, t ? 0.5 : 0.0);
        cxf_vm_start(vm);
        cxf_sim_run_idle(&x.sim, 0);
        took[t] = vm->finished_at;
        nfx_fini(&x);
    }
    double ratio = (double)took[1] / (double)took[0];
    assert_true(ratio > 1.8 && ratio < 2.2);
}

/* Devices write on the op count only: same memory whatever the timing;
 * their pages are dirty-logged; their state survives a save/load. */
static void test_devices(void **state)
{
    (void)state;
    uint64_t h[2];
    for (int t = 0; t < 2; t++) {
        struct nfx x;
        struct cxf_node_config cfg;
        cxf_node_config_default(&cfg);
        cfg.quantum_ns = t ? 2500 : 10000;
        nfx_init_cfg(&x, &cfg);
        struct cxf_vm *vm = nfx_vm_dev(&x, 0, "gups", 4 * MB, 2, 5, 40000, "net,blk");
        assert_int_equal(vm->nvdevs, 2);
        assert_string_equal(vm->vdev[0].name, "net0");
        assert_string_equal(vm->vdev[1].name, "blk0");
        assert_int_equal(vm->npages, 4 * MB / 4096 + 2 * CXF_VDEV_PAGES);
        cxf_vm_dirty_log_start(vm);
        cxf_vm_start(vm);
        cxf_sim_run_idle(&x.sim, 0);
        /* vCPU 0 ran 20000 ops: net served every 50th, blk every 200th */
        assert_int_equal(vm->vdev[0].st.requests, 20000 / 50);
        assert_int_equal(vm->vdev[1].st.requests, 20000 / 200);
        size_t nw = (vm->npages + 63) / 64;
        uint64_t *bits = calloc(nw, 8);
        cxf_vm_dirty_log_fetch(vm, bits);
        uint64_t first = vm->vdev[1].base / 4096; /* blk0's used-index page */
        assert_true(bits[first / 64] >> (first % 64) & 1);
        free(bits);
        uint64_t used;
        assert_int_equal(cxf_vm_read_raw(&vm->vcpu[0], vm->vdev[0].base, &used, 8), 0);
        assert_int_equal(used, vm->vdev[0].st.used_idx); /* the guest sees the ring */
        h[t] = nfx_hash(vm);
        /* save and load into another device */
        uint8_t buf[256];
        struct cxf_vdev copy = vm->vdev[0];
        memset(&copy.st, 0, sizeof(copy.st));
        size_t n = cxf_vdev_save(&vm->vdev[0], buf, sizeof(buf));
        assert_true(n > 0);
        assert_int_equal(cxf_vdev_load(&copy, buf, n), 0);
        assert_memory_equal(&copy.st, &vm->vdev[0].st, sizeof(copy.st));
        assert_int_equal(cxf_vdev_load(&copy, buf, n - 1), -EINVAL);
        assert_int_equal(cxf_vdev_save(&vm->vdev[0], buf, 8), 0);
        nfx_fini(&x);
    }
    assert_true(h[0] == h[1]);
    struct nfx x;
    nfx_init(&x);
    struct cxf_vm_config c;
    cxf_vm_config_default(&c);
    c.devices = "net,gpu";
    struct cxf_vm *vm;
    struct cxf_err e = {{0}};
    assert_true(cxf_vm_create(&vm, &x.node[0], &c, &e) < 0);
    assert_non_null(strstr(e.msg, "unknown device 'gpu'"));
    nfx_fini(&x);
}

/* A test workload whose one op is whatever `big_op` does. */
static void (*big_op)(struct cxf_vcpu *v);

static int big_step(struct cxf_workload *w, struct cxf_vcpu *v)
{
    (void)w;
    big_op(v);
    return 0;
}

static const struct cxf_workload_ops big_ops = {.name = "test", .step = big_step};

static struct cxf_vm *vm_running(struct nfx *x, void (*op)(struct cxf_vcpu *))
{
    struct cxf_vm *vm = nfx_vm(x, 0, "idle", 4 * MB, 1, 1, 10);
    vm->wl.ops = &big_ops;
    big_op = op;
    return vm;
}

static void fill_128k(struct cxf_vcpu *v)
{
    cxf_st64(v, 8, 0xfeed); /* a first store to undo, then too many */
    cxf_vm_fill(v, 0x10000, 0xab, 128 << 10);
}

static void stores_20000(struct cxf_vcpu *v)
{
    for (uint64_t i = 0; i < 20000; i++)
        cxf_st64(v, i * 8, i);
}

/* An op that writes more than the journal holds is abandoned, undone, and
 * the VM fails saying so: no half-done op in memory. */
static void test_op_too_big_to_undo(void **state)
{
    (void)state;
    void (*ops[])(struct cxf_vcpu *) = {fill_128k, stores_20000};
    for (int i = 0; i < 2; i++) {
        struct nfx x;
        nfx_init(&x);
        struct cxf_vm *vm = vm_running(&x, ops[i]);
        uint64_t before = nfx_hash(vm);
        cxf_vm_start(vm);
        cxf_sim_run_idle(&x.sim, 0);
        assert_int_equal(vm->state, CXF_VM_FAILED);
        assert_non_null(strstr(vm->reason, "undo journal"));
        assert_true(nfx_hash(vm) == before);
        nfx_fini(&x);
    }
}

/* Not commutative, and the remote load comes after a local store: a fault
 * at the load must undo the store. */
static void store_then_remote(struct cxf_vcpu *v)
{
    uint64_t x = cxf_ld64(v, 0);
    cxf_st64(v, 0, x * 3 + 1);
    uint64_t y = cxf_ld64(v, 10 * 4096); /* page 10 is on node1 */
    cxf_st64(v, 8, cxf_ld64(v, 8) ^ (y + x));
}

static void do_bridge_down(struct at_event *a)
{
    cxf_fault_link(a->x->f, "node1.bridge", true, NULL);
    a->ops_seen = cxf_vm_ops_done(a->vm);
}

static void do_bridge_up(struct at_event *a)
{
    a->ops_seen = cxf_vm_ops_done(a->vm);
    cxf_fault_link(a->x->f, "node1.bridge", false, NULL);
}

static void test_rollback_of_real_stores(void **state)
{
    (void)state;
    uint64_t h[2];
    for (int faulty = 0; faulty < 2; faulty++) {
        struct nfx x;
        nfx_init(&x);
        struct cxf_vm *vm = vm_running(&x, store_then_remote);
        vm->ops_total = 5000;
        move_page(&x, vm, 10, 1, NULL);
        struct at_event down, up;
        if (faulty) {
            at(&down, &x, vm, CXF_US(100), do_bridge_down);
            at(&up, &x, vm, CXF_MS(1), do_bridge_up);
        }
        cxf_vm_start(vm);
        cxf_sim_run_idle(&x.sim, 0);
        assert_int_equal(vm->state, CXF_VM_DONE);
        if (faulty) {
            assert_int_equal(up.ops_seen, down.ops_seen); /* blocked, nothing ran */
            assert_true(vm->vcpu[0].retries > 10);
        }
        h[faulty] = nfx_hash(vm);
        nfx_fini(&x);
    }
    assert_true(h[0] == h[1]);
}

static void copy_poisoned_page(struct cxf_vcpu *v)
{
    cxf_vm_copy(v, 0, 4096, 4096); /* page 1 lives in the pool */
}

static void test_bulk_copy_meets_poison(void **state)
{
    (void)state;
    struct nfx x;
    nfx_init(&x);
    struct cxf_vm *vm = vm_running(&x, copy_poisoned_page);
    uint64_t next_dpa = POOL_DPA0;
    move_page(&x, vm, 1, 2, &next_dpa);
    /* line 2 of the page, not its first */
    assert_int_equal(cxf_fault_poison(x.f, "pool0", POOL_DPA0 + 128, NULL), 0);
    cxf_vm_start(vm);
    cxf_sim_run_idle(&x.sim, 0);
    assert_int_equal(vm->state, CXF_VM_FAILED);
    assert_non_null(strstr(vm->reason, "machine check"));
    nfx_fini(&x);
}

/* Locations whose page does not lie wholly inside the owner's memory are
 * refused: no bytes, no move, no new home. */
static void test_page_locations_out_of_bounds(void **state)
{
    (void)state;
    struct nfx x;
    nfx_init(&x);
    struct cxf_vm *vm = nfx_vm(&x, 0, "gups", 1 * MB, 1, 5, 0);
    uint64_t dram = x.f->host[1].dram_size, cap = x.f->dev[0]->capacity;
    const struct cxf_page_loc bad[] = {
        {CXF_PG_DRAM, 1, dram},                     /* just past node1's DRAM */
        {CXF_PG_DRAM, 1, dram - CXF_PAGE_SIZE / 2}, /* straddles its end */
        {CXF_PG_DEV, 0, cap},                       /* just past pool0 */
        {CXF_PG_DEV, 0, UINT64_MAX - 100},          /* wraps around */
        {CXF_PG_DRAM, 9, 0},                        /* no such node */
        {CXF_PG_NONE, 0, 0},                        /* not a home for bytes */
    };
    uint64_t before = nfx_hash(vm);
    struct cxf_page_loc home = cxf_vm_page(vm, 3);
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct cxf_page_loc from = {CXF_PG_DEV, 7, 7};
        assert_null(cxf_loc_bytes(x.f, bad[i]));
        assert_int_equal(cxf_vm_page_move(vm, 3, bad[i], &from), -ERANGE);
        assert_int_equal(from.owner, 7); /* untouched */
        if (bad[i].kind != CXF_PG_NONE)
            cxf_vm_set_page(vm, 3, bad[i]);
        struct cxf_page_loc now = cxf_vm_page(vm, 3);
        assert_true(now.kind == home.kind && now.owner == home.owner && now.addr == home.addr);
    }
    assert_true(nfx_hash(vm) == before);
    /* the last page of each is fine */
    assert_non_null(cxf_loc_bytes(x.f, (struct cxf_page_loc){CXF_PG_DRAM, 1,
                                                              dram - CXF_PAGE_SIZE}));
    assert_non_null(cxf_loc_bytes(x.f, (struct cxf_page_loc){CXF_PG_DEV, 0, cap - CXF_PAGE_SIZE}));
    nfx_fini(&x);
}

static void test_no_llc_means_no_llc_hits(void **state)
{
    (void)state;
    struct nfx x;
    struct cxf_node_config cfg;
    cxf_node_config_default(&cfg);
    cfg.llc_size = 0;
    nfx_init_cfg(&x, &cfg);
    struct cxf_vm *vm = nfx_vm(&x, 0, "stream:size=3M", 8 * MB, 2, 1, 20000);
    cxf_vm_start(vm);
    cxf_sim_run_idle(&x.sim, 0);
    uint64_t acc[CXF_AC_COUNT];
    cxf_vm_accesses(vm, acc);
    assert_int_equal(acc[CXF_AC_LLC], 0);
    assert_true(acc[CXF_AC_LOCAL] >= 20000 * 8); /* every word of every line */
    nfx_fini(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pages_move_under_a_running_workload),
        cmocka_unit_test(test_dirty_log_matches_shadow),
        cmocka_unit_test(test_latency_per_path),
        cmocka_unit_test(test_pause_and_resume),
        cmocka_unit_test(test_link_down_blocks_then_resumes),
        cmocka_unit_test(test_node_failure_loses_the_vm),
        cmocka_unit_test(test_poison_is_a_machine_check),
        cmocka_unit_test(test_page_moves_and_poison),
        cmocka_unit_test(test_throttle_stretches_time),
        cmocka_unit_test(test_devices),
        cmocka_unit_test(test_op_too_big_to_undo),
        cmocka_unit_test(test_rollback_of_real_stores),
        cmocka_unit_test(test_bulk_copy_meets_poison),
        cmocka_unit_test(test_no_llc_means_no_llc_hits),
        cmocka_unit_test(test_page_locations_out_of_bounds),
    };
    return cmocka_run_group_tests_name("vm_memory", tests, NULL, NULL);
}
