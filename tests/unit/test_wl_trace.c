/* The `trace` workload: lackey parsing, error lines, address mapping, and
 * replay determinism.
 *
 * tests/data/lackey-sort.trace is real valgrind 3.19 output (x86-64,
 * gcc 12), made from tests/data/lackey-sort.c, a libc-free program so that
 * the trace holds only its own accesses:
 *     gcc -O1 -static -nostdlib -fno-stack-protector -fno-pie -no-pie \
 *         -o lackey-sort tests/data/lackey-sort.c
 *     valgrind --tool=lackey --trace-mem=yes --log-file=lackey-sort.trace ./lackey-sort
 * It holds 5605 instruction fetches, 707 loads, 573 stores and 96 modifies.
 * The tests run from the repository root (make check). */
#include "cmocka_all.h"
#include "node_fixture.h"

#include "node/trace.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define REAL_TRACE "tests/data/lackey-sort.trace"
#define REAL_DATA 1376u   /* loads + stores + modifies */
#define REAL_ALL 6981u    /* ... + instruction fetches */
#define MB (1ull << 20)

/* ------------------------------------------------------------- helpers */

/* A temporary file holding text; its path in path[64]. */
static void temp_trace(char *path, const char *text, size_t len)
{
    snprintf(path, 64, "/tmp/cxf-trace-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    close(fd);
}

static void expect_has(const char *msg, const char *needle)
{
    if (!strstr(msg, needle))
        fail_msg("error '%s' does not say '%s'", msg, needle);
}

/* The spec fails with one line saying each of the (up to two) needles. */
static void expect_spec_error(const char *spec, const char *n1, const char *n2)
{
    struct cxf_workload w;
    struct cxf_err e = {{0}};
    assert_true(cxf_workload_parse(&w, spec, &e) < 0);
    assert_null(w.cfg);
    assert_null(strchr(e.msg, '\n'));
    expect_has(e.msg, n1);
    if (n2)
        expect_has(e.msg, n2);
}

/* A trace file with this text fails with its name, "path:line:" when
 * line > 0, and the reason. */
static void expect_file_error(const char *text, size_t len, unsigned line, const char *why)
{
    char path[64], spec[128], where[96];
    temp_trace(path, text, len);
    snprintf(spec, sizeof(spec), "trace:file=%s", path);
    if (line)
        snprintf(where, sizeof(where), "trace %s:%u: ", path, line);
    else
        snprintf(where, sizeof(where), "trace %s: ", path);
    expect_spec_error(spec, where, why);
    unlink(path);
}

#define FILE_ERROR(text, line, why) expect_file_error(text, sizeof(text) - 1, line, why)

static struct cxf_vm *trace_vm(struct nfx *x, const char *spec, uint64_t mem, unsigned vcpus,
                               uint64_t ops)
{
    return nfx_vm(x, 0, spec, mem, vcpus, 7, ops);
}

static void run_to_done(struct nfx *x, struct cxf_vm *vm)
{
    cxf_vm_start(vm);
    cxf_sim_run_idle(&x->sim, 0);
    if (vm->state != CXF_VM_DONE)
        fail_msg("VM ended %s (%s)", cxf_vm_state_name(vm->state), vm->reason);
}

static uint64_t read_guest(struct cxf_vm *vm, uint64_t gpa, unsigned size)
{
    uint64_t x = 0;
    assert_int_equal(cxf_vm_read_raw(&vm->vcpu[0], gpa, &x, size), 0);
    return x;
}

static uint64_t all_accesses(const struct cxf_vm *vm)
{
    uint64_t a[CXF_AC_COUNT], sum = 0;
    cxf_vm_accesses(vm, a);
    for (unsigned c = 0; c < CXF_AC_COUNT; c++)
        sum += a[c];
    return sum;
}

/* --------------------------------------------------------------- parsing */

struct line_case {
    const char *line;
    int kind;           /* 1 record, 0 skipped, -1 malformed */
    uint8_t op;
    uint64_t addr;
    uint8_t size;
    const char *why;    /* for malformed lines */
};

static void check_line(const struct line_case *c)
{
    struct cxf_trace_rec r = {0};
    char why[160] = "";
    int kind = cxf_trace_parse_line(c->line, &r, why, sizeof(why));
    if (kind != c->kind)
        fail_msg("'%s': kind %d, expected %d (%s)", c->line, kind, c->kind, why);
    if (kind == 1) {
        assert_int_equal(r.op, c->op);
        assert_true(r.addr == c->addr);
        assert_int_equal(r.size, c->size);
    } else if (kind < 0) {
        expect_has(why, c->why);
    }
}

static void test_parse_lines(void **state)
{
    (void)state;
    static const struct line_case cases[] = {
        {"I  04011a0,5", 1, CXF_TR_FETCH, 0x4011a0, 5, NULL},
        {" L 7ff000378,8", 1, CXF_TR_LOAD, 0x7ff000378, 8, NULL},
        {" S 1fff000638,8", 1, CXF_TR_STORE, 0x1fff000638, 8, NULL},
        {" M 0601040,4", 1, CXF_TR_MODIFY, 0x601040, 4, NULL},
        {" L 0,64", 1, CXF_TR_LOAD, 0, 64, NULL},
        {" S FFFFFFFFFFFFFFF8,8", 1, CXF_TR_STORE, 0xfffffffffffffff8ull, 8, NULL},
        {"", 0, 0, 0, 0, NULL},
        {"  \t ", 0, 0, 0, 0, NULL},
        {"==4948== Lackey, an example Valgrind tool", 0, 0, 0, 0, NULL},
        {"==4948==", 0, 0, 0, 0, NULL},
        {"--4948-- WARNING: unhandled syscall", 0, 0, 0, 0, NULL},
        {"**4948** something", 0, 0, 0, 0, NULL},
        {" L zz12,8", -1, 0, 0, 0, "bad address 'zz12,8'"},
        {" L 0x10,8", -1, 0, 0, 0, "bad address"},
        {" L 12345678901234567,8", -1, 0, 0, 0, "bad address"},
        {" L  1000,8", -1, 0, 0, 0, "bad address"},
        {"I  ", -1, 0, 0, 0, "bad address"},
        {" L 1000", -1, 0, 0, 0, "missing ','"},
        {" L 1000,0", -1, 0, 0, 0, "bad size '0'"},
        {" L 1000,65", -1, 0, 0, 0, "bad size '65'"},
        {" L 1000,1000", -1, 0, 0, 0, "bad size"},
        {" L 1000,8x", -1, 0, 0, 0, "bad size '8x'"},
        {" L 1000,", -1, 0, 0, 0, "bad size ''"},
        {" L 1000,-8", -1, 0, 0, 0, "bad size"},
        {" L fffffffffffffffc,8", -1, 0, 0, 0, "wraps"},
        {" X 1000,8", -1, 0, 0, 0, "not a lackey line"},
        {"I 1000,4", -1, 0, 0, 0, "not a lackey line"},
        {"L 1000,8", -1, 0, 0, 0, "not a lackey line"},
        {"hello world", -1, 0, 0, 0, "'hello world' is not a lackey line"},
        {"==12 oops", -1, 0, 0, 0, "not a lackey line"},
        {" ", 0, 0, 0, 0, NULL},
        {" L", -1, 0, 0, 0, "not a lackey line"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        check_line(&cases[i]);
}

static void test_load_real_trace(void **state)
{
    (void)state;
    struct cxf_trace t;
    struct cxf_trace_opts o;
    struct cxf_err e;
    cxf_trace_opts_default(&o);
    assert_int_equal(cxf_trace_load(&t, REAL_TRACE, &o, &e), 0);
    assert_int_equal(t.n, REAL_DATA);
    assert_int_equal(t.fetches_skipped, REAL_ALL - REAL_DATA);
    for (uint64_t i = 0; i < t.n; i++) {
        assert_true(t.rec[i].op != CXF_TR_FETCH);
        assert_true(t.rec[i].addr >= t.min_addr);
    }
    cxf_trace_free(&t);
    o.fetch = true;
    assert_int_equal(cxf_trace_load(&t, REAL_TRACE, &o, &e), 0);
    assert_int_equal(t.n, REAL_ALL);
    assert_int_equal(t.rec[0].op, CXF_TR_FETCH);
    cxf_trace_free(&t);
}

/* ---------------------------------------------------------------- errors */

static void test_malformed_files(void **state)
{
    (void)state;
    FILE_ERROR("==1== banner\n L 1000,8\n L 10g0,8\n", 3, "bad address '10g0,8'");
    FILE_ERROR(" L 1000,8\n S 2000\n", 2, "missing ','");
    FILE_ERROR(" L 1000,8\n\n M 2000,0\n", 3, "bad size '0'");
    FILE_ERROR(" S 2000,128\n", 1, "bad size '128'");
    FILE_ERROR(" L 1000,8\nprogram output\n", 2, "'program output' is not a lackey line");
    FILE_ERROR(" L 1000,8\r\n L 1008,8\r\n xx\r\n", 3, "not a lackey line");
    FILE_ERROR(" L 1000,8\n L 10\0000,8\n", 2, "NUL byte");
    FILE_ERROR("", 0, "no memory accesses");
    FILE_ERROR("==1== only a banner\n\n", 0, "no memory accesses");
    FILE_ERROR("I  401000,4\nI  401004,4\n", 0, "fetch=1");
}

static void test_bad_parameters(void **state)
{
    (void)state;
    expect_spec_error("trace", "needs file=PATH", NULL);
    expect_spec_error("trace:fetch=1", "needs file=PATH", NULL);
    expect_spec_error("trace:file=/nonexistent/x.trace", "trace /nonexistent/x.trace: ",
                      "cannot open");
    expect_spec_error("trace:file=tests/data", "trace tests/data: ", "not a regular file");
    expect_spec_error("trace:file=" REAL_TRACE ",spam=1", "unknown parameter 'spam'",
                      "file, fetch, loop");
    expect_spec_error("trace:file=" REAL_TRACE ",fetch=2", "fetch=2", NULL);
    expect_spec_error("trace:file=" REAL_TRACE ",loop=yes", "loop=yes", NULL);
    expect_spec_error("trace:file", "not key=value", NULL);
}

static void test_limits(void **state)
{
    (void)state;
    struct cxf_trace t;
    struct cxf_trace_opts o;
    struct cxf_err e;
    cxf_trace_opts_default(&o);
    o.max_bytes = 1000;
    assert_int_equal(cxf_trace_load(&t, REAL_TRACE, &o, &e), -EFBIG);
    expect_has(e.msg, "trace " REAL_TRACE ": 98");
    expect_has(e.msg, "1000-byte limit");
    assert_null(t.rec);
    cxf_trace_opts_default(&o);
    o.max_records = 10;
    assert_int_equal(cxf_trace_load(&t, REAL_TRACE, &o, &e), -EFBIG);
    expect_has(e.msg, "more than 10 accesses");
    assert_null(t.rec);
}

/* Less than a page per vCPU: the VM cannot be laid out, and says so. */
static void test_slice_too_small(void **state)
{
    (void)state;
    struct nfx x;
    nfx_init(&x);
    struct cxf_vm_config c;
    cxf_vm_config_default(&c);
    c.workload = "trace:file=" REAL_TRACE;
    c.mem_size = 64 * 1024;
    c.vcpus = 32;
    struct cxf_vm *vm;
    struct cxf_err e;
    assert_true(cxf_vm_create(&vm, &x.node[0], &c, &e) < 0);
    expect_has(e.msg, "slice of guest memory");
    nfx_fini(&x);
}

/* --------------------------------------------------------------- mapping */

static void test_map_pieces(void **state)
{
    (void)state;
    const uint64_t slice = 3 * 4096, base = 5 * slice, min = 0x1000;
    struct cxf_rng rng;
    cxf_rng_seed(&rng, 3, 0);
    for (unsigned i = 0; i < 20000; i++) {
        struct cxf_trace_rec r = {.addr = min + cxf_rng_below(&rng, 1 << 20),
                                  .size = (uint8_t)(1 + cxf_rng_below(&rng, CXF_TRACE_MAX_SIZE))};
        struct cxf_trace_piece p[CXF_TRACE_MAX_PIECES];
        unsigned n = cxf_trace_map(&r, min, base, slice, p), bytes = 0;
        assert_true(n >= 1 && n <= CXF_TRACE_MAX_PIECES);
        for (unsigned k = 0; k < n; k++) {
            assert_true(p[k].size == 1 || p[k].size == 2 || p[k].size == 4 || p[k].size == 8);
            assert_int_equal(p[k].gpa % p[k].size, 0); /* aligned: never crosses a page */
            assert_true(p[k].gpa >= base && p[k].gpa + p[k].size <= base + slice);
            bytes += p[k].size;
        }
        assert_true(bytes >= r.size && bytes < r.size + 8u);
    }
}

/* ------------------------------------------------------------------ replay */

/* Synthetic stores land where the mapping says, with the documented
 * values, in each vCPU's slice (16 MiB, 2 vCPUs: 8 MiB slices). */
static const char pattern[] = "==1== a synthetic trace\n"
                              " S 10000,8\n"    /* seq 0: offset 0 */
                              " S 10010,4\n"    /* seq 1: 0x10 */
                              " S 10023,2\n"    /* seq 2: aligned down to 0x22 */
                              " M 10040,8\n"    /* seq 3: 0x40 ^= value */
                              " S 10101,3\n"    /* seq 4: bytes 0x101..0x103 */
                              " S 10ff8,16\n"   /* seq 5: words 0xff8 and 0x1000 */
                              " L 10200,8\n"    /* seq 6: read only */
                              "I  10300,4\n"    /* skipped (fetch=0) */
                              " S 810008,8\n";  /* seq 7: folds to 0x8 */

struct expect_store {
    uint64_t off;
    unsigned size;
    uint64_t seq;
    unsigned piece;
};

static uint64_t truncated(uint64_t x, unsigned size)
{
    return size == 8 ? x : x & ((1ull << (8 * size)) - 1);
}

static void check_slice(struct cxf_vm *vm, uint64_t base, const uint64_t before[2])
{
    static const struct expect_store st[] = {
        {0x0, 8, 0, 0}, {0x10, 4, 1, 0}, {0x22, 2, 2, 0}, {0x101, 1, 4, 0}, {0x102, 1, 4, 1},
        {0x103, 1, 4, 2}, {0xff8, 8, 5, 0}, {0x1000, 8, 5, 1}, {0x8, 8, 7, 0},
    };
    for (size_t i = 0; i < sizeof(st) / sizeof(st[0]); i++) {
        uint64_t want = cxf_trace_store_value(vm->seed, st[i].seq, st[i].piece);
        assert_true(read_guest(vm, base + st[i].off, st[i].size) ==
                    truncated(want, st[i].size));
    }
    assert_true(read_guest(vm, base + 0x40, 8) ==
                (before[0] ^ cxf_trace_store_value(vm->seed, 3, 0)));
    assert_true(read_guest(vm, base + 0x200, 8) == before[1]); /* loaded only */
}

static void test_store_pattern(void **state)
{
    (void)state;
    char path[64], spec[128];
    temp_trace(path, pattern, sizeof(pattern) - 1);
    snprintf(spec, sizeof(spec), "trace:file=%s,loop=0", path);
    struct nfx x;
    nfx_init(&x);
    struct cxf_vm *vm = trace_vm(&x, spec, 16 * MB, 2, 2 * 8);
    uint64_t before[2][2];
    for (unsigned s = 0; s < 2; s++) {
        before[s][0] = read_guest(vm, s * 8 * MB + 0x40, 8);
        before[s][1] = read_guest(vm, s * 8 * MB + 0x200, 8);
        assert_true(before[s][0] != 0); /* setup filled the slice */
    }
    run_to_done(&x, vm);
    for (unsigned s = 0; s < 2; s++)
        check_slice(vm, s * 8 * MB, before[s]);
    nfx_fini(&x);
    unlink(path);
}

/* Replays of the real trace: (hash, memory accesses). */
struct replay {
    uint64_t hash;
    uint64_t accesses;
    uint64_t ops;
};

static struct replay replay(const struct cxf_node_config *cfg, const char *params,
                            unsigned vcpus, uint64_t seed, uint64_t ops)
{
    char spec[200];
    snprintf(spec, sizeof(spec), "trace:file=%s%s", REAL_TRACE, params);
    struct nfx x;
    nfx_init_cfg(&x, cfg);
    struct cxf_vm *vm = nfx_vm(&x, 0, spec, 16 * MB, vcpus, seed, ops);
    run_to_done(&x, vm);
    struct replay r = {nfx_hash(vm), all_accesses(vm), cxf_vm_ops_done(vm)};
    nfx_fini(&x);
    return r;
}

static void test_determinism(void **state)
{
    (void)state;
    struct cxf_node_config a;
    cxf_node_config_default(&a);
    struct replay r1 = replay(&a, "", 1, 7, 20000);
    assert_true(r1.hash == replay(&a, "", 1, 7, 20000).hash);
    assert_true(r1.hash != replay(&a, "", 1, 8, 20000).hash);
    assert_true(r1.hash != replay(&a, "", 1, 7, 10000).hash); /* passes write new values */
    assert_int_equal(r1.ops, 20000);
}

/* Four vCPUs in their own slices: the interleaving (the quantum, the LLC)
 * does not change the final memory. */
static void test_vcpus_and_timing(void **state)
{
    (void)state;
    struct cxf_node_config a, b, c;
    cxf_node_config_default(&a);
    cxf_node_config_default(&b);
    cxf_node_config_default(&c);
    b.quantum_ns = 777;
    c.quantum_ns = 100000;
    c.llc_size = 1 << 20;
    uint64_t h = replay(&a, ",fetch=1", 4, 7, 40000).hash;
    assert_true(h == replay(&b, ",fetch=1", 4, 7, 40000).hash);
    assert_true(h == replay(&c, ",fetch=1", 4, 7, 40000).hash);
    assert_true(h != replay(&a, ",fetch=1", 4, 9, 40000).hash);
}

/* fetch=1 adds the instruction fetches: more records, more accesses. */
static void test_fetch(void **state)
{
    (void)state;
    struct cxf_node_config a;
    cxf_node_config_default(&a);
    struct replay data = replay(&a, ",loop=0", 1, 7, REAL_ALL);
    struct replay all = replay(&a, ",loop=0,fetch=1", 1, 7, REAL_ALL);
    assert_true(all.accesses > data.accesses + (REAL_ALL - REAL_DATA));
    assert_true(all.hash != data.hash); /* stores are numbered among fetches */
}

/* loop=0: after the trace, ops touch nothing (the memory is that of one
 * pass) but take virtual time; loop=1 goes round again. */
static void test_loop(void **state)
{
    (void)state;
    struct cxf_node_config a;
    cxf_node_config_default(&a);
    struct replay once = replay(&a, ",loop=0", 1, 7, REAL_DATA);
    struct replay more = replay(&a, ",loop=0", 1, 7, 3 * REAL_DATA);
    assert_true(once.hash == more.hash);
    assert_true(once.accesses == more.accesses);
    assert_int_equal(more.ops, 3 * REAL_DATA);
    struct replay again = replay(&a, "", 1, 7, 3 * REAL_DATA);
    assert_true(again.hash != once.hash);
    assert_true(again.accesses > 2 * once.accesses);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_lines),
        cmocka_unit_test(test_load_real_trace),
        cmocka_unit_test(test_malformed_files),
        cmocka_unit_test(test_bad_parameters),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_slice_too_small),
        cmocka_unit_test(test_map_pieces),
        cmocka_unit_test(test_store_pattern),
        cmocka_unit_test(test_determinism),
        cmocka_unit_test(test_vcpus_and_timing),
        cmocka_unit_test(test_fetch),
        cmocka_unit_test(test_loop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
