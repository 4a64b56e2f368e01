/* The kv workload: determinism whatever the timing, the verifier after each
 * mix and on corrupted tables, Zipf skew, the mixes' read shares, and bad
 * parameters. */
#include "cmocka_all.h"
#include "node_fixture.h"

#include <errno.h>
#include <string.h>

#define MB (1ull << 20)
#define MEM (16 * MB)
#define OPS 20000
/* 2000 keys of 64 bytes: 4096 buckets of 80 bytes, 80 pages of table */
#define SPEC "kv:keys=2000,value=64"
#define KEYS 2000
#define REC 80
#define BUCKETS 4096

static struct cxf_node_config node_cfg(uint64_t llc_size, uint32_t quantum_ns)
{
    struct cxf_node_config c;
    cxf_node_config_default(&c);
    c.llc_size = llc_size;
    c.quantum_ns = quantum_ns;
    return c;
}

static struct cxf_node_config default_cfg(void)
{
    struct cxf_node_config c;
    cxf_node_config_default(&c);
    return c;
}

static void run_done(struct nfx *x, struct cxf_vm *vm)
{
    cxf_vm_start(vm);
    cxf_sim_run_idle(&x->sim, 0);
    assert_int_equal(vm->state, CXF_VM_DONE);
    assert_int_equal(cxf_vm_ops_done(vm), vm->ops_total);
}

static void test_same_seed_same_memory_whatever_the_timing(void **state)
{
    (void)state;
    struct cxf_node_config a = default_cfg(), b = node_cfg(0, 3000), c = node_cfg(64 * 1024, 500);
    uint64_t ha = nfx_run_hash(&a, SPEC, MEM, 4, 7, OPS);
    /* no LLC and a longer quantum, a small LLC and a short one: other
     * latencies and other interleavings of the four vCPUs */
    assert_true(ha == nfx_run_hash(&b, SPEC, MEM, 4, 7, OPS));
    assert_true(ha == nfx_run_hash(&c, SPEC, MEM, 4, 7, OPS));
    assert_true(ha != nfx_run_hash(&a, SPEC, MEM, 4, 8, OPS));
}

static void test_updates_change_memory_and_verify(void **state)
{
    (void)state;
    static const char *const specs[] = {SPEC ",mix=A", SPEC ",mix=B", SPEC ",mix=F",
                                        SPEC ",mix=C"};
    for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
        struct nfx x;
        nfx_init(&x);
        struct cxf_vm *vm = nfx_vm(&x, 0, specs[i], MEM, 3, 11, OPS);
        uint64_t loaded = nfx_hash(vm);
        struct cxf_err e = {{0}};
        assert_int_equal(cxf_vm_verify(vm, &e), 0);
        run_done(&x, vm);
        assert_int_equal(cxf_vm_verify(vm, &e), 0);
        bool read_only = strstr(specs[i], "mix=C") != NULL;
        assert_int_equal(nfx_hash(vm) == loaded, read_only);
        nfx_fini(&x);
    }
}

static uint64_t count_ops(const struct cxf_vm *vm, unsigned reg)
{
    uint64_t n = 0;
    for (unsigned i = 0; i < vm->nvcpus; i++)
        n += vm->vcpu[i].regs.r[reg];
    return n;
}

/* The registers count reads, updates and read-modify-writes. */
static void test_mix_shares(void **state)
{
    (void)state;
    static const struct {
        const char *spec;
        unsigned reads, updates, rmws; /* percent */
    } mix[] = {{SPEC ",mix=A", 50, 50, 0}, {SPEC ",mix=b", 95, 5, 0},
               {SPEC ",mix=C", 100, 0, 0}, {SPEC ",mix=F", 50, 0, 50}};
    for (size_t i = 0; i < sizeof(mix) / sizeof(mix[0]); i++) {
        struct nfx x;
        nfx_init(&x);
        struct cxf_vm *vm = nfx_vm(&x, 0, mix[i].spec, MEM, 2, 3, OPS);
        run_done(&x, vm);
        uint64_t want[3] = {mix[i].reads, mix[i].updates, mix[i].rmws};
        for (unsigned r = 0; r < 3; r++) {
            double share = 100.0 * (double)count_ops(vm, r) / OPS;
            assert_true(share > want[r] - 2.0 && share < want[r] + 2.0);
        }
        nfx_fini(&x);
    }
}

/* Memory accesses per table page (no LLC, so every line touched counts):
 * the hottest page's share over the mean page's. */
static double page_skew(const char *spec)
{
    struct cxf_node_config cfg = node_cfg(0, 1000);
    struct nfx x;
    nfx_init_cfg(&x, &cfg);
    struct cxf_vm *vm = nfx_vm(&x, 0, spec, MEM, 1, 5, OPS);
    run_done(&x, vm);
    uint64_t pages = BUCKETS * REC / CXF_PAGE_SIZE, max = 0, sum = 0;
    for (uint64_t p = 0; p < pages; p++) {
        sum += vm->page[p].accesses;
        max = vm->page[p].accesses > max ? vm->page[p].accesses : max;
    }
    nfx_fini(&x);
    return (double)max * (double)pages / (double)sum;
}

static void test_zipf_skew_is_visible(void **state)
{
    (void)state;
    /* theta 0.99 over 2000 keys: the top key alone draws ~12% of the ops,
     * against 1.25% for the mean of 80 pages (seen: ~9.5x). Uniform keys
     * only vary in keys per page and probe lengths (seen: ~2x). */
    double zipf = page_skew(SPEC ",mix=C"), uniform = page_skew(SPEC ",mix=C,theta=0");
    assert_true(zipf > 6.0);
    assert_true(uniform < 3.0);
}

/* A bucket's bytes in guest memory (the table starts at guest address 0). */
static uint8_t *bucket_bytes(const struct cxf_vm *vm, uint64_t b, uint64_t off)
{
    uint64_t gpa = b * REC + off;
    uint8_t *page = cxf_vm_page_bytes(vm, gpa / CXF_PAGE_SIZE);
    assert_non_null(page);
    return page + gpa % CXF_PAGE_SIZE;
}

static uint64_t bucket_word(const struct cxf_vm *vm, uint64_t b, uint64_t off)
{
    uint64_t w;
    memcpy(&w, bucket_bytes(vm, b, off), 8);
    return w;
}

static bool full(const struct cxf_vm *vm, uint64_t b)
{
    return bucket_word(vm, b, 0) != 0;
}

static uint64_t first_full_bucket(const struct cxf_vm *vm)
{
    uint64_t b = 0;
    while (!full(vm, b))
        b++;
    return b;
}

/* A full bucket followed by an empty one: no probe passes through it. */
static uint64_t last_of_a_run(const struct cxf_vm *vm)
{
    uint64_t b = 0;
    while (!full(vm, b) || full(vm, b + 1))
        b++;
    return b;
}

static uint64_t empty_after(const struct cxf_vm *vm, uint64_t b)
{
    while (full(vm, b))
        b++;
    return b;
}

static void expect_verify_fails(struct cxf_vm *vm, const char *needle)
{
    struct cxf_err e = {{0}};
    assert_int_equal(cxf_vm_verify(vm, &e), -EIO);
    assert_non_null(strstr(e.msg, needle));
    assert_null(strchr(e.msg, '\n'));
}

static void test_verifier_finds_a_flipped_value_byte(void **state)
{
    (void)state;
    struct nfx x;
    nfx_init(&x);
    struct cxf_vm *vm = nfx_vm(&x, 0, SPEC, MEM, 2, 9, OPS);
    run_done(&x, vm);
    uint64_t b = first_full_bucket(vm), key = bucket_word(vm, b, 0) - 1;
    *bucket_bytes(vm, b, 16 + 37) ^= 0x10;
    char needle[48];
    snprintf(needle, sizeof(needle), "key %llu ", (unsigned long long)key);
    expect_verify_fails(vm, needle);
    *bucket_bytes(vm, b, 16 + 37) ^= 0x10;
    struct cxf_err e;
    assert_int_equal(cxf_vm_verify(vm, &e), 0);
    nfx_fini(&x);
}

static void put_word(struct cxf_vm *vm, uint64_t b, uint64_t off, uint64_t w)
{
    memcpy(bucket_bytes(vm, b, off), &w, 8);
}

static void test_verifier_finds_bad_keys(void **state)
{
    (void)state;
    struct nfx x;
    nfx_init(&x);
    struct cxf_vm *vm = nfx_vm(&x, 0, SPEC, MEM, 1, 9, 0);
    uint64_t b = last_of_a_run(vm), key_word = bucket_word(vm, b, 0);
    put_word(vm, b, 0, KEYS + 5 + 1);
    expect_verify_fails(vm, "holds key 2005");
    put_word(vm, b, 0, 0); /* nothing probes past b: only its key is lost */
    char needle[48];
    snprintf(needle, sizeof(needle), "key %llu is missing", (unsigned long long)key_word - 1);
    expect_verify_fails(vm, needle);
    put_word(vm, b, 0, key_word);
    put_word(vm, empty_after(vm, b), 0, key_word);
    expect_verify_fails(vm, "stored twice");
    nfx_fini(&x);
}

/* Moving the middle record of a run of three past the run's end leaves an
 * empty bucket between that key and its home (at or before the middle). */
static void test_verifier_finds_unreachable_keys(void **state)
{
    (void)state;
    struct nfx x;
    nfx_init(&x);
    struct cxf_vm *vm = nfx_vm(&x, 0, SPEC, MEM, 1, 9, 0);
    uint64_t b = 1;
    while (!(full(vm, b - 1) && full(vm, b) && full(vm, b + 1)))
        b++;
    uint64_t to = empty_after(vm, b);
    memcpy(bucket_bytes(vm, to, 0), bucket_bytes(vm, b, 0), REC);
    memset(bucket_bytes(vm, b, 0), 0, REC);
    expect_verify_fails(vm, "cannot be found");
    nfx_fini(&x);
}

static void expect_bad_spec(const char *spec, const char *needle)
{
    struct cxf_workload w;
    struct cxf_err e = {{0}};
    assert_true(cxf_workload_parse(&w, spec, &e) < 0);
    assert_non_null(strstr(e.msg, needle));
    assert_null(strchr(e.msg, '\n'));
}

static void test_bad_parameters(void **state)
{
    (void)state;
    expect_bad_spec("kv:colour=red", "unknown parameter 'colour'");
    expect_bad_spec("kv:mix=Z", "mix=Z");
    expect_bad_spec("kv:mix=AB", "mix=AB");
    expect_bad_spec("kv:value=7", "value=7");
    expect_bad_spec("kv:value=12", "multiple of 8");
    expect_bad_spec("kv:value=64K", "value=64K");
    expect_bad_spec("kv:theta=-1", "theta=-1");
    expect_bad_spec("kv:theta=11", "theta=11");
    expect_bad_spec("kv:keys=0", "keys=0");
    expect_bad_spec("kv:keys", "not key=value");
    struct cxf_workload w;
    struct cxf_err e;
    assert_int_equal(cxf_workload_parse(&w, "kv:keys=10,value=4K,mix=f,theta=0,think=5", &e), 0);
    cxf_workload_fini(&w);
}

static void test_table_larger_than_memory(void **state)
{
    (void)state;
    struct nfx x;
    nfx_init(&x);
    struct cxf_vm_config c;
    cxf_vm_config_default(&c);
    c.mem_size = MEM;
    c.workload = "kv:keys=100000,value=1024"; /* 131072 buckets of 1040 bytes */
    struct cxf_vm *vm = NULL;
    struct cxf_err e = {{0}};
    assert_true(cxf_vm_create(&vm, &x.node[0], &c, &e) < 0);
    assert_true(e.msg[0] != '\0');
    assert_null(strchr(e.msg, '\n'));
    assert_null(cxf_node_vm(&x.node[0], "vm0"));
    nfx_fini(&x);
}

/* More vCPUs than keys: those that own none only read; still deterministic. */
static void test_more_vcpus_than_keys(void **state)
{
    (void)state;
    struct cxf_node_config a = default_cfg(), b = node_cfg(0, 700);
    uint64_t h = nfx_run_hash(&a, "kv:keys=3,value=8", MEM, 5, 2, 5000);
    assert_true(h == nfx_run_hash(&b, "kv:keys=3,value=8", MEM, 5, 2, 5000));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_seed_same_memory_whatever_the_timing),
        cmocka_unit_test(test_updates_change_memory_and_verify),
        cmocka_unit_test(test_mix_shares),
        cmocka_unit_test(test_zipf_skew_is_visible),
        cmocka_unit_test(test_verifier_finds_a_flipped_value_byte),
        cmocka_unit_test(test_verifier_finds_bad_keys),
        cmocka_unit_test(test_verifier_finds_unreachable_keys),
        cmocka_unit_test(test_bad_parameters),
        cmocka_unit_test(test_table_larger_than_memory),
        cmocka_unit_test(test_more_vcpus_than_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
