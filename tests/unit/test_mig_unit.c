/* Migration building blocks: the status state machine (every pair), the
 * switch-over rule, pull orders, names, and the state stream. */
#include "cmocka_all.h"
#include "migrate/mig_priv.h"
#include "node_fixture.h"

#include <stdlib.h>
#include <string.h>

static void test_every_transition(void **state)
{
    (void)state;
    /* the legal ones, written out independently of the code's table */
    static const struct { enum cxf_mig_status from, to; } legal[] = {
        {CXF_MIG_NONE, CXF_MIG_SETUP},
        {CXF_MIG_SETUP, CXF_MIG_ACTIVE},
        {CXF_MIG_SETUP, CXF_MIG_DEVICE},
        {CXF_MIG_SETUP, CXF_MIG_CANCELLING},
        {CXF_MIG_SETUP, CXF_MIG_FAILED},
        {CXF_MIG_ACTIVE, CXF_MIG_DEVICE},
        {CXF_MIG_ACTIVE, CXF_MIG_CANCELLING},
        {CXF_MIG_ACTIVE, CXF_MIG_FAILED},
        {CXF_MIG_DEVICE, CXF_MIG_POSTCOPY_ACTIVE},
        {CXF_MIG_DEVICE, CXF_MIG_COMPLETED},
        {CXF_MIG_DEVICE, CXF_MIG_FAILED},
        {CXF_MIG_POSTCOPY_ACTIVE, CXF_MIG_POSTCOPY_PAUSED},
        {CXF_MIG_POSTCOPY_ACTIVE, CXF_MIG_COMPLETED},
        {CXF_MIG_POSTCOPY_ACTIVE, CXF_MIG_FAILED},
        {CXF_MIG_POSTCOPY_PAUSED, CXF_MIG_POSTCOPY_ACTIVE},
        {CXF_MIG_POSTCOPY_PAUSED, CXF_MIG_FAILED},
        {CXF_MIG_CANCELLING, CXF_MIG_CANCELLED},
        {CXF_MIG_CANCELLING, CXF_MIG_FAILED},
    };
    unsigned n_legal = 0;
    for (int from = 0; from < CXF_MIG_STATUS_COUNT; from++) {
        for (int to = 0; to < CXF_MIG_STATUS_COUNT; to++) {
            bool want = false;
            for (size_t i = 0; i < sizeof(legal) / sizeof(legal[0]); i++)
                want |= legal[i].from == (enum cxf_mig_status)from &&
                        legal[i].to == (enum cxf_mig_status)to;
            assert_int_equal(cxf_mig_transition_ok(from, to), want);
            n_legal += want;
        }
    }
    assert_int_equal(n_legal, sizeof(legal) / sizeof(legal[0]));
    /* terminal states go nowhere */
    for (int to = 0; to < CXF_MIG_STATUS_COUNT; to++) {
        assert_false(cxf_mig_transition_ok(CXF_MIG_COMPLETED, to));
        assert_false(cxf_mig_transition_ok(CXF_MIG_CANCELLED, to));
        assert_false(cxf_mig_transition_ok(CXF_MIG_FAILED, to));
    }
    assert_false(cxf_mig_transition_ok(CXF_MIG_STATUS_COUNT, CXF_MIG_SETUP));
}

static void test_switch_over_rule(void **state)
{
    (void)state;
    /* 300 MB at 1 GB/s takes 300 ms: exactly the limit */
    assert_true(cxf_precopy_can_switch(300000000, 1e9, CXF_MS(300)));
    assert_false(cxf_precopy_can_switch(300000001, 1e9, CXF_MS(300)));
    assert_true(cxf_precopy_can_switch(0, 0, 1));          /* nothing left */
    assert_false(cxf_precopy_can_switch(4096, 0, CXF_MS(300))); /* no bandwidth known */
    assert_true(cxf_precopy_can_switch(4096, 4096e3, CXF_MS(1)));
    assert_false(cxf_precopy_can_switch(8192, 4096e3, CXF_MS(1)));
}

static void test_pull_orders(void **state)
{
    (void)state;
    uint64_t order[6];
    const uint32_t counts[6] = {3, 9, 0, 9, 1, 5};
    assert_int_equal(cxf_pull_order(CXF_PULL_LINEAR, counts, 6, order), 0);
    for (uint64_t i = 0; i < 6; i++)
        assert_int_equal(order[i], i);
    assert_int_equal(cxf_pull_order(CXF_PULL_HOT_FIRST, counts, 6, order), 0);
    static const uint64_t hot[6] = {1, 3, 5, 0, 4, 2}; /* ties by page number */
    assert_memory_equal(order, hot, sizeof(hot));
    assert_int_equal(cxf_pull_order(CXF_PULL_HOT_FIRST, NULL, 6, order), -EINVAL);
    /* prefetch streams linearly behind the neighbours it pulls first */
    assert_int_equal(cxf_pull_order(CXF_PULL_PREFETCH, counts, 6, order), 0);
    assert_int_equal(order[5], 5);
}

static void test_names(void **state)
{
    (void)state;
    enum cxf_mig_mode m;
    enum cxf_pull_policy p;
    assert_int_equal(cxf_mig_mode_parse("pool-staged", &m), 0);
    assert_int_equal(m, CXF_MIG_POOL_STAGED);
    assert_string_equal(cxf_mig_mode_name(CXF_MIG_HYBRID), "hybrid");
    assert_int_equal(cxf_mig_mode_parse("warp", &m), -EINVAL);
    assert_int_equal(cxf_pull_policy_parse("hot-first", &p), 0);
    assert_int_equal(p, CXF_PULL_HOT_FIRST);
    assert_int_equal(cxf_pull_policy_parse("random", &p), -EINVAL);
    assert_string_equal(cxf_mig_status_name(CXF_MIG_POSTCOPY_ACTIVE), "postcopy-active");
    assert_string_equal(cxf_mig_status_name(CXF_MIG_STATUS_COUNT), "unknown");
    assert_string_equal(cxf_vm_outcome_name(CXF_OUTCOME_LOST), "lost");
}

/* A source VM that ran a while, a fresh destination twin, and a
 * migration object holding them, to drive the state stream directly. */
struct stream_fx {
    struct nfx x;
    struct cxf_migration m;
    struct cxf_vm *src, *dst;
};

static void stream_setup(struct stream_fx *s)
{
    nfx_init(&s->x);
    s->src = nfx_vm_dev(&s->x, 0, "gups", 4 << 20, 3, 7, 3000, "net,blk");
    cxf_vm_start(s->src);
    cxf_sim_run_idle(&s->x.sim, 0);
    struct cxf_vm_config c;
    cxf_vm_config_default(&c);
    c.mem_size = 4 << 20;
    c.vcpus = 3;
    c.workload = "gups";
    assert_int_equal(cxf_vm_create_placeholder(&s->dst, &s->x.node[1], &c, NULL), 0);
    memset(&s->m, 0, sizeof(s->m));
    s->m.src_vm = s->src;
}

static int stream_roundtrip(struct stream_fx *s, const char *drop, size_t cut, struct cxf_err *e)
{
    uint8_t *buf;
    size_t len;
    snprintf(s->m.drop_marker, sizeof(s->m.drop_marker), "%s", drop);
    assert_int_equal(cxf_state_save(&s->m, &buf, &len), 0);
    int rc = cxf_state_load(s->dst, buf, cut ? len - cut : len, e);
    free(buf);
    return rc;
}

static void test_state_stream(void **state)
{
    (void)state;
    struct stream_fx s;
    stream_setup(&s);
    struct cxf_err e = {{0}};
    struct cxf_vcpu_regs before = s.dst->vcpu[1].regs;
    /* a device's marker missing: nothing changes on the destination */
    assert_int_equal(stream_roundtrip(&s, "blk0", 0, &e), -EPROTO);
    assert_non_null(strstr(e.msg, "blk0: no end-of-state marker"));
    assert_memory_equal(&s.dst->vcpu[1].regs, &before, sizeof(before));
    assert_int_equal(s.dst->vdev[0].st.requests, 0);
    assert_int_equal(stream_roundtrip(&s, "net0", 0, &e), -EPROTO);
    assert_non_null(strstr(e.msg, "net0: no end-of-state marker"));
    /* cut short */
    assert_int_equal(stream_roundtrip(&s, "", 3, &e), -EPROTO);
    assert_int_equal(s.dst->vdev[1].st.requests, 0);
    /* complete: every vCPU and device arrives */
    assert_int_equal(stream_roundtrip(&s, "", 0, &e), 0);
    for (unsigned i = 0; i < 3; i++)
        assert_memory_equal(&s.dst->vcpu[i].regs, &s.src->vcpu[i].regs, sizeof(before));
    for (unsigned i = 0; i < 2; i++)
        assert_memory_equal(&s.dst->vdev[i].st, &s.src->vdev[i].st, sizeof(s.src->vdev[i].st));
    assert_true(s.dst->vdev[0].st.requests > 0);
    nfx_fini(&s.x);
}

static void test_state_stream_pairs_by_name(void **state)
{
    (void)state;
    struct stream_fx s;
    stream_setup(&s);
    struct cxf_err e = {{0}};
    /* a destination without the disk: blk0 has no counterpart */
    struct cxf_vm_config c;
    cxf_vm_config_default(&c);
    c.name = "lonely";
    c.mem_size = 4 << 20;
    c.vcpus = 3;
    c.devices = "net";
    assert_int_equal(cxf_vm_create_placeholder(&s.dst, &s.x.node[1], &c, NULL), 0);
    assert_int_equal(stream_roundtrip(&s, "", 0, &e), -EPROTO);
    assert_non_null(strstr(e.msg, "'blk0' has no counterpart"));
    /* fewer vCPUs on the destination */
    c.name = "small";
    c.devices = "net,blk";
    c.vcpus = 2;
    assert_int_equal(cxf_vm_create_placeholder(&s.dst, &s.x.node[1], &c, NULL), 0);
    assert_int_equal(stream_roundtrip(&s, "", 0, &e), -EPROTO);
    assert_non_null(strstr(e.msg, "cpu2"));
    /* more vCPUs: one gets no state */
    c.name = "big";
    c.vcpus = 4;
    assert_int_equal(cxf_vm_create_placeholder(&s.dst, &s.x.node[1], &c, NULL), 0);
    assert_int_equal(stream_roundtrip(&s, "", 0, &e), -EPROTO);
    assert_non_null(strstr(e.msg, "no state arrived for cpu3"));
    nfx_fini(&s.x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_transition),
        cmocka_unit_test(test_switch_over_rule),
        cmocka_unit_test(test_pull_orders),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_state_stream),
        cmocka_unit_test(test_state_stream_pairs_by_name),
    };
    return cmocka_run_group_tests_name("mig_unit", tests, NULL, NULL);
}
