/* Migration end to end, in the library: every mode on kv, gups, stream and
 * idle ends with the same guest memory as the run without migration (kv's
 * verifier passes too); post-copy's policies; every page pulled exactly
 * once; auto-converge and max-rounds; transports and bandwidth caps;
 * cancel; other VMs undisturbed; source memory given back. */
#include "cmocka_all.h"
#include "mig_fixture.h"

#include <errno.h>

#define MB (1ull << 20)

static const char *const workloads[] = {"kv:keys=20000,value=128", "gups",
                                        "stream:size=3M", "idle:ws=512K,think=200"};

static struct mfx_run base(const char *wl, enum cxf_mig_mode mode)
{
    struct mfx_run r = {.workload = wl, .mem = 16 * MB, .ops = 150000, .vcpus = 2, .seed = 42,
                        .migrate = true};
    cxf_mig_params_default(&r.p);
    r.p.mode = mode;
    return r;
}

static void expect_migrated_intact(struct mfx_run *r, uint64_t reference)
{
    mfx_go(r);
    if (r->status != CXF_MIG_COMPLETED)
        fprintf(stderr, "%s %s: %s (%s)\n", r->workload, cxf_mig_mode_name(r->p.mode),
                cxf_mig_status_name(r->status), r->reason);
    assert_int_equal(r->status, CXF_MIG_COMPLETED);
    assert_int_equal(r->outcome, CXF_OUTCOME_DESTINATION);
    assert_int_equal(r->vm_state, CXF_VM_DONE);
    assert_int_equal(r->vm_node, 1);
    assert_true(r->hash_ok);
    assert_true(r->hash == reference);
    assert_int_equal(r->verify_rc, 0);
    /* the source gave every frame back */
    assert_int_equal(r->src_frames_free_after, r->src_frames_free_before);
}

static void test_every_mode_every_workload(void **state)
{
    (void)state;
    for (size_t w = 0; w < sizeof(workloads) / sizeof(workloads[0]); w++) {
        struct mfx_run ref = base(workloads[w], CXF_MIG_PRECOPY);
        uint64_t reference = mfx_reference(&ref);
        for (int mode = CXF_MIG_PRECOPY; mode <= CXF_MIG_POOL_STAGED; mode++) {
            struct mfx_run r = base(workloads[w], mode);
            expect_migrated_intact(&r, reference);
            assert_true(mfx_num(&r, "ram.transferred") > 0);
            assert_true(mfx_num(&r, "ram.remaining") == 0);
            assert_true(mfx_num(&r, "ram.total") == 16 * MB + 2 * CXF_VDEV_PAGES * 4096);
            assert_true(mfx_num(&r, "total-time") > 0);
            /* what moved adds up: before, during and after the switch-over */
            assert_true(mfx_num(&r, "ram.transferred") ==
                        mfx_num(&r, "ram.precopy-bytes") + mfx_num(&r, "ram.downtime-bytes") +
                            mfx_num(&r, "ram.postcopy-bytes"));
            mfx_free(&r);
        }
    }
}

static void test_postcopy_policies(void **state)
{
    (void)state;
    struct mfx_run ref = base("gups", CXF_MIG_POSTCOPY);
    uint64_t reference = mfx_reference(&ref);
    double touch[3], prefetch[3], push[3];
    for (int pol = CXF_PULL_LINEAR; pol <= CXF_PULL_PREFETCH; pol++) {
        struct mfx_run r = base("gups", CXF_MIG_POSTCOPY);
        r.p.policy = pol;
        expect_migrated_intact(&r, reference);
        touch[pol] = mfx_num(&r, "postcopy.pages-pulled.touch");
        prefetch[pol] = mfx_num(&r, "postcopy.pages-pulled.prefetch");
        push[pol] = mfx_num(&r, "postcopy.pages-pulled.push");
        /* every page away at switch-over came over exactly once: the
         * device pages with the state, the rest pulled once each (a page
         * pulled twice would leave another behind, and the migration
         * completes only when none is left) */
        double away = mfx_num(&r, "postcopy.pages-away-at-switch-over");
        double dev = mfx_num(&r, "postcopy.device-pages");
        assert_true(away > 16 * MB / 4096 / 2);
        assert_true(dev > 0);
        assert_true(touch[pol] + prefetch[pol] + push[pol] + dev == away);
        assert_true(mfx_num(&r, "ram.postcopy-bytes") == (touch[pol] + prefetch[pol] + push[pol]) * 4096);
        assert_true(touch[pol] > 0);
        assert_true(mfx_num(&r, "postcopy.remote-accesses") > 0);
        assert_true(mfx_num(&r, "ram.postcopy-requests") == touch[pol]);
        mfx_free(&r);
    }
    assert_true(prefetch[CXF_PULL_LINEAR] == 0 && prefetch[CXF_PULL_HOT_FIRST] == 0);
    assert_true(prefetch[CXF_PULL_PREFETCH] > 0);
}

/* A higher touch threshold means fewer demand pulls. */
static void test_touch_threshold(void **state)
{
    (void)state;
    struct mfx_run a = base("gups", CXF_MIG_POSTCOPY), b = a;
    b.p.touch_threshold = 4;
    mfx_go(&a);
    mfx_go(&b);
    assert_int_equal(a.status, CXF_MIG_COMPLETED);
    assert_int_equal(b.status, CXF_MIG_COMPLETED);
    assert_true(a.hash == b.hash);
    assert_true(mfx_num(&b, "ram.postcopy-requests") < mfx_num(&a, "ram.postcopy-requests"));
    mfx_free(&a);
    mfx_free(&b);
}

static void test_auto_converge_and_max_rounds(void **state)
{
    (void)state;
    struct mfx_run ref = base("gups", CXF_MIG_PRECOPY);
    uint64_t reference = mfx_reference(&ref);
    /* gups dirties faster than a 1 us downtime allows: auto-converge
     * throttles, and after 6 rounds the switch-over is forced */
    struct mfx_run r = base("gups", CXF_MIG_PRECOPY);
    r.p.downtime_limit_ns = CXF_US(1);
    r.p.max_rounds = 6;
    r.p.auto_converge = true;
    expect_migrated_intact(&r, reference);
    assert_true(mfx_num(&r, "rounds") == 6);
    /* every round dirties over half of what it sent; QEMU's rule throttles
     * on every second such round: 20% after round 2, 30% after round 4 */
    assert_true(mfx_num(&r, "cpu-throttle-percentage") == 30);
    assert_true(mfx_num(&r, "ram.dirty-sync-count") >= 6);
    mfx_free(&r);
    /* the same with the fail action: the VM stays on the source */
    r = base("gups", CXF_MIG_PRECOPY);
    r.p.downtime_limit_ns = CXF_US(1);
    r.p.max_rounds = 2;
    r.p.max_rounds_action = CXF_ROUNDS_FAIL;
    mfx_go(&r);
    assert_int_equal(r.status, CXF_MIG_FAILED);
    assert_int_equal(r.outcome, CXF_OUTCOME_SOURCE);
    assert_non_null(strstr(r.reason, "did not converge"));
    assert_int_equal(r.vm_node, 0);
    assert_true(r.hash == reference);
    mfx_free(&r);
}

static void test_network_transport_and_cap(void **state)
{
    (void)state;
    struct mfx_run fabric = base("kv:keys=20000,value=128", CXF_MIG_POSTCOPY);
    struct mfx_run net = fabric, capped = fabric;
    net.p.transport = CXF_XPORT_NET;
    capped.p.max_bandwidth = 200ull << 20; /* 200 MiB/s */
    mfx_go(&fabric);
    mfx_go(&net);
    mfx_go(&capped);
    assert_int_equal(net.status, CXF_MIG_COMPLETED);
    assert_true(net.hash == fabric.hash && capped.hash == fabric.hash);
    /* 25 Gb/s with 30 us requests is slower than the fabric */
    assert_true(mfx_num(&net, "total-time") > mfx_num(&fabric, "total-time"));
    /* the cap holds: bytes over time never above it */
    double bytes = mfx_num(&capped, "ram.transferred"), ms = mfx_num(&capped, "total-time");
    assert_true(bytes / (ms / 1000) <= (200ull << 20) * 1.01);
    mfx_free(&fabric);
    mfx_free(&net);
    mfx_free(&capped);
}

static void test_cancel_before_and_after_switch_over(void **state)
{
    (void)state;
    struct mfx_run ref = base("idle", CXF_MIG_PRECOPY);
    uint64_t reference = mfx_reference(&ref);
    struct mfx_run r = base("idle", CXF_MIG_PRECOPY);
    r.p.max_bandwidth = 100ull << 20; /* 16 MiB take ~160 ms: still in round 1 */
    r.act[0] = (struct mfx_action){.at = CXF_US(900), .what = MFX_CANCEL};
    mfx_go(&r);
    assert_int_equal(r.cancel_rc, 0);
    assert_int_equal(r.status, CXF_MIG_CANCELLED);
    assert_int_equal(r.outcome, CXF_OUTCOME_SOURCE);
    assert_int_equal(r.vm_node, 0);
    assert_true(r.hash == reference);
    mfx_free(&r);
    /* after a post-copy switch-over it is too late */
    r = base("idle", CXF_MIG_POSTCOPY);
    r.act[0] = (struct mfx_action){.at = CXF_US(510), .what = MFX_CANCEL};
    mfx_go(&r);
    assert_int_equal(r.cancel_rc, -EBUSY);
    assert_int_equal(r.status, CXF_MIG_COMPLETED);
    assert_true(r.hash == reference);
    mfx_free(&r);
}

static void test_other_vms_undisturbed(void **state)
{
    (void)state;
    struct mfx_run alone = base("gups", CXF_MIG_POSTCOPY);
    alone.second_vm = "stream:size=3M";
    alone.migrate = false;
    mfx_go(&alone);
    for (int mode = CXF_MIG_PRECOPY; mode <= CXF_MIG_POOL_STAGED; mode++) {
        struct mfx_run r = base("gups", mode);
        r.second_vm = "stream:size=3M";
        mfx_go(&r);
        assert_int_equal(r.status, CXF_MIG_COMPLETED);
        assert_true(r.hash == alone.hash);
        assert_true(r.second_hash == alone.second_hash);
        mfx_free(&r);
    }
}

static void test_start_refusals(void **state)
{
    (void)state;
    struct cxf_world *w;
    struct cxf_err e = {{0}};
    assert_int_equal(cxf_world_create(&w, NULL, NULL, &e), 0);
    struct cxf_mig_params p;
    cxf_mig_params_default(&p);
    struct cxf_migration *m;
    assert_int_equal(cxf_migrate_start(w, "ghost", &p, &m, &e), -ENOENT);
    assert_non_null(strstr(e.msg, "no VM named ghost"));
    struct mfx_run r = base("idle", CXF_MIG_POSTCOPY);
    struct cxf_vm *vm = mfx_vm(w, "vm0", &r);
    p.dst_node = 0;
    assert_int_equal(cxf_migrate_start(w, "vm0", &p, &m, &e), -EINVAL);
    assert_non_null(strstr(e.msg, "already runs on node0"));
    p.dst_node = 5;
    assert_int_equal(cxf_migrate_start(w, "vm0", &p, &m, &e), -ENOENT);
    p.dst_node = 1;
    p.batch_pages = 0;
    assert_int_equal(cxf_migrate_start(w, "vm0", &p, &m, &e), -EINVAL);
    cxf_mig_params_default(&p);
    assert_int_equal(cxf_migrate_start(w, "vm0", &p, &m, &e), 0);
    assert_int_equal(cxf_migrate_start(w, "vm0", &p, &m, &e), -EBUSY);
    assert_non_null(strstr(e.msg, "already migrating"));
    (void)vm;
    cxf_world_free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_mode_every_workload),
        cmocka_unit_test(test_postcopy_policies),
        cmocka_unit_test(test_touch_threshold),
        cmocka_unit_test(test_auto_converge_and_max_rounds),
        cmocka_unit_test(test_network_transport_and_cap),
        cmocka_unit_test(test_cancel_before_and_after_switch_over),
        cmocka_unit_test(test_other_vms_undisturbed),
        cmocka_unit_test(test_start_refusals),
    };
    return cmocka_run_group_tests_name("migration", tests, NULL, NULL);
}
