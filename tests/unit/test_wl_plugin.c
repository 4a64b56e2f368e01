/* The plugin workload: the example plugin (build/lib/wl_example.so) runs,
 * verifies and is deterministic whatever the timing; its parameter reaches
 * it; every way of loading a bad plugin gives one clear line; a plugin that
 * misbehaves while running fails its VM, not the host. Run from the
 * repository root after `make` built build/lib/ (as `make check` does). */
#include "cmocka_all.h"
#include "node_fixture.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MB (1ull << 20)
#define MEM (2 * MB)
#define OPS 20000
#define EXAMPLE "plugin:so=build/lib/wl_example.so"
#define MISUSE "plugin:so=build/lib/test-misuse.so,do="

/* A fresh VM's memory hash after OPS operations; quantum_ns 0 keeps the
 * node's defaults (LLC included). */
static uint64_t run_on(uint64_t llc_size, uint32_t quantum_ns, const char *spec, unsigned vcpus,
                       uint64_t seed)
{
    struct cxf_node_config c;
    cxf_node_config_default(&c);
    if (quantum_ns) {
        c.llc_size = llc_size;
        c.quantum_ns = quantum_ns;
    }
    return nfx_run_hash(&c, spec, MEM, vcpus, seed, OPS);
}

static uint64_t run_hash(const char *spec, unsigned vcpus, uint64_t seed)
{
    return run_on(0, 0, spec, vcpus, seed);
}

static uint64_t read_u64(struct cxf_vm *vm, uint64_t gpa)
{
    uint64_t x = 0;
    assert_int_equal(cxf_vm_read_raw(&vm->vcpu[0], gpa, &x, sizeof(x)), 0);
    return x;
}

static void test_example_runs_timed_and_verifies(void **state)
{
    (void)state;
    struct nfx x;
    nfx_init(&x);
    struct cxf_vm *vm = nfx_vm(&x, 0, EXAMPLE, MEM, 2, 1, OPS);
    cxf_vm_start(vm);
    cxf_sim_run_idle(&x.sim, 0);
    assert_int_equal(vm->state, CXF_VM_DONE);
    assert_int_equal(cxf_vm_ops_done(vm), OPS);
    assert_int_equal(read_u64(vm, 8), OPS); /* the example's total counter */
    uint64_t acc[CXF_AC_COUNT];
    cxf_vm_accesses(vm, acc);
    uint64_t sum = 0;
    for (unsigned c = 0; c < CXF_AC_COUNT; c++)
        sum += acc[c];
    assert_int_equal(sum, 5ull * OPS); /* 2 loads and 3 stores an op, all timed */
    assert_true(x.sim.now > 0);
    struct cxf_err e;
    assert_int_equal(cxf_vm_verify(vm, &e), 0);
    nfx_fini(&x);
}

static void test_same_seed_same_memory_whatever_the_timing(void **state)
{
    (void)state;
    uint64_t h = run_hash(EXAMPLE, 4, 7);
    /* other latencies, other interleavings of the four vCPUs, think time */
    assert_true(h == run_on(0, 3000, EXAMPLE, 4, 7));
    assert_true(h == run_on(64 << 10, 500, EXAMPLE, 4, 7));
    assert_true(h == run_hash(EXAMPLE ",think=700", 4, 7));
    assert_true(h != run_hash(EXAMPLE, 4, 8));
}

static void test_parameter_reaches_the_plugin(void **state)
{
    (void)state;
    uint64_t h = run_hash(EXAMPLE, 1, 3);
    assert_true(h == run_hash(EXAMPLE ",buckets=64", 1, 3)); /* the default */
    assert_true(h != run_hash(EXAMPLE ",buckets=16", 1, 3));
    /* the host's own keys may come anywhere */
    assert_true(run_hash("plugin:buckets=16,think=5,so=build/lib/wl_example.so", 1, 3) ==
                run_hash(EXAMPLE ",buckets=16", 1, 3));
}

/* A plugin with nothing but step runs (cfg NULL, no setup, start, fini). */
static void test_minimal_plugin_runs(void **state)
{
    (void)state;
    assert_true(run_hash("plugin:so=build/lib/test-noconf.so", 2, 1) !=
                run_hash("plugin:so=build/lib/test-noconf.so", 2, 2));
}

/* The spec is refused with a one-line message that contains `want`. */
static void expect_refused(const char *spec, const char *want)
{
    struct cxf_workload w;
    struct cxf_err e = {""};
    int rc = cxf_workload_parse(&w, spec, &e);
    if (rc >= 0 || !strstr(e.msg, want) || strchr(e.msg, '\n'))
        fail_msg("%s: rc %d, message '%s' (wanted '%s')", spec, rc, e.msg, want);
    assert_null(w.cfg);
}

static void test_bad_plugins_are_refused_in_one_line(void **state)
{
    (void)state;
    expect_refused("plugin", "so=PATH is required");
    expect_refused("plugin:buckets=3", "so=PATH is required");
    expect_refused("plugin:so=build/lib/nope.so", "plugin build/lib/nope.so: No such file");
    /* a bare name is the current directory, never the linker's search path */
    expect_refused("plugin:so=wl_example.so", "No such file");
    expect_refused("plugin:so=build/lib", "cannot load");
    expect_refused("plugin:so=build/lib/test-noentry.so", "no cxf_plugin_entry() exported");
    expect_refused("plugin:so=build/lib/test-null.so", "cxf_plugin_entry() returned NULL");
    expect_refused("plugin:so=build/lib/test-abi99.so",
                   "plugin build/lib/test-abi99.so: abi 99 not supported (this build speaks 1)");
    expect_refused("plugin:so=build/lib/test-nostep.so", "no step function");
    expect_refused("plugin:so=build/lib/test-noconf.so,x=1", "takes no parameters (got 'x=1')");
    expect_refused(EXAMPLE ",junk", "'junk' is not key=value");
    expect_refused(EXAMPLE ",think=soon", "think=soon");
}

static void test_not_a_shared_object(void **state)
{
    (void)state;
    char path[] = "/tmp/cxf-plugin-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "not ELF\n", 8), 8);
    close(fd);
    char spec[64];
    snprintf(spec, sizeof(spec), "plugin:so=%s", path);
    expect_refused(spec, "cannot load");
    unlink(path);
}

static void test_plugin_messages_come_through(void **state)
{
    (void)state;
    expect_refused(EXAMPLE ",buckets=0", "plugin example: buckets=0: need a number from 1 to 65536");
    expect_refused(EXAMPLE ",buckets=9x", "buckets=9x");
    expect_refused(EXAMPLE ",size=3", "unknown parameter 'size' (known: buckets)");
    /* a plugin's line breaks do not split the host's one line */
    expect_refused(MISUSE "lines", "plugin broken: first line second line");
}

/* The example cannot lay out its rings: the VM is not created. */
static void test_setup_failure_stops_create(void **state)
{
    (void)state;
    struct nfx x;
    nfx_init(&x);
    struct cxf_vm_config c;
    cxf_vm_config_default(&c);
    c.workload = EXAMPLE ",buckets=65536";
    c.mem_size = 512 << 10; /* the histogram alone takes 512 KiB */
    struct cxf_vm *vm = NULL;
    struct cxf_err e;
    assert_int_equal(cxf_vm_create(&vm, &x.node[0], &c, &e), -ENOSPC);
    assert_non_null(strstr(e.msg, "setup failed"));
    assert_null(cxf_node_vm(&x.node[0], "vm0"));
    nfx_fini(&x);
}

/* A misbehaving step fails its VM with a reason; the host goes on. */
static void expect_vm_failed(const char *spec, const char *want)
{
    struct nfx x;
    nfx_init(&x);
    struct cxf_vm *vm = nfx_vm(&x, 0, spec, MEM, 1, 1, 100);
    cxf_vm_start(vm);
    cxf_sim_run_idle(&x.sim, 0);
    if (vm->state != CXF_VM_FAILED || !strstr(vm->reason, want))
        fail_msg("%s: VM %s (%s), wanted failed with '%s'", spec, cxf_vm_state_name(vm->state),
                 vm->reason, want);
    assert_int_equal(read_u64(vm, 0), 0); /* nothing written survived */
    nfx_fini(&x);
}

static void test_misbehaving_steps_fail_the_vm(void **state)
{
    (void)state;
    expect_vm_failed(MISUSE "raw", "Operation not permitted");  /* untimed write in step */
    expect_vm_failed(MISUSE "size", "Invalid argument");        /* a 3-byte load */
    expect_vm_failed(MISUSE "fail", "workload plugin failed on vCPU 0");
}

static void test_verifier_message_comes_through(void **state)
{
    (void)state;
    struct nfx x;
    nfx_init(&x);
    struct cxf_vm *vm = nfx_vm(&x, 0, MISUSE "verify", MEM, 1, 1, 100);
    cxf_vm_start(vm);
    cxf_sim_run_idle(&x.sim, 0);
    assert_int_equal(vm->state, CXF_VM_DONE);
    struct cxf_err e;
    assert_int_equal(cxf_vm_verify(vm, &e), -EIO);
    assert_string_equal(e.msg, "plugin broken: bad  memory");
    nfx_fini(&x);
}

/* The example's verifier notices a lost update. */
static void test_example_verifier_finds_a_lost_update(void **state)
{
    (void)state;
    struct nfx x;
    nfx_init(&x);
    struct cxf_vm *vm = nfx_vm(&x, 0, EXAMPLE, MEM, 1, 1, 1000);
    cxf_vm_start(vm);
    cxf_sim_run_idle(&x.sim, 0);
    uint64_t total = read_u64(vm, 8) - 1;
    assert_int_equal(cxf_vm_write_raw(&vm->vcpu[0], 8, &total, sizeof(total)), 0);
    struct cxf_err e;
    assert_int_equal(cxf_vm_verify(vm, &e), -EIO);
    assert_non_null(strstr(e.msg, "holds 1000 samples but the total says 999"));
    nfx_fini(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_example_runs_timed_and_verifies),
        cmocka_unit_test(test_same_seed_same_memory_whatever_the_timing),
        cmocka_unit_test(test_parameter_reaches_the_plugin),
        cmocka_unit_test(test_minimal_plugin_runs),
        cmocka_unit_test(test_bad_plugins_are_refused_in_one_line),
        cmocka_unit_test(test_not_a_shared_object),
        cmocka_unit_test(test_plugin_messages_come_through),
        cmocka_unit_test(test_setup_failure_stops_create),
        cmocka_unit_test(test_misbehaving_steps_fail_the_vm),
        cmocka_unit_test(test_verifier_message_comes_through),
        cmocka_unit_test(test_example_verifier_finds_a_lost_update),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
