/* Faults during migration, each with its expected outcome:
 *  - before switch-over (link down, destination failure, cancel, a lost
 *    end-of-state marker): the migration fails or is cancelled and the VM
 *    keeps running on the source with its memory intact;
 *  - the source failing before switch-over: the VM ran there, it is lost;
 *  - post-copy after switch-over, source fails: the VM is lost, reported;
 *  - pool-staged after switch-over, source fails: nothing lost, completes;
 *  - destination fails after switch-over: the VM is lost;
 *  - link down during post-copy: pulls and remote accesses stall, the
 *    migration says postcopy-paused, and all resumes when the link returns. */
#include "cmocka_all.h"
#include "mig_fixture.h"

#define MB (1ull << 20)

static struct mfx_run base(enum cxf_mig_mode mode)
{
    struct mfx_run r = {.workload = "kv:keys=20000,value=128", .mem = 16 * MB, .ops = 200000,
                        .vcpus = 2, .seed = 9, .migrate = true, .start_at = CXF_US(500)};
    cxf_mig_params_default(&r.p);
    r.p.mode = mode;
    return r;
}

static uint64_t reference;
static uint64_t frames_free_unmigrated; /* on the source, VM still there */

static int setup(void **state)
{
    (void)state;
    struct mfx_run r = base(CXF_MIG_PRECOPY);
    r.migrate = false;
    mfx_go(&r);
    reference = r.hash;
    frames_free_unmigrated = r.src_frames_free_after;
    return 0;
}

static void expect_on_source_intact(struct mfx_run *r, const char *why)
{
    assert_int_equal(r->outcome, CXF_OUTCOME_SOURCE);
    assert_int_equal(r->vm_node, 0);
    assert_int_equal(r->vm_state, CXF_VM_DONE);
    assert_true(r->hash == reference);
    assert_int_equal(r->verify_rc, 0);
    assert_non_null(strstr(r->reason, why));
}

/* Pre-copy held in its first round (5 MB at 100 MiB/s take ~50 ms) so
 * faults land before the switch-over. */
static struct mfx_run held_precopy(void)
{
    struct mfx_run r = base(CXF_MIG_PRECOPY);
    r.p.max_bandwidth = 100ull << 20;
    return r;
}

static void test_link_down_before_switch_over(void **state)
{
    (void)state;
    struct mfx_run r = held_precopy();
    r.act[0] = (struct mfx_action){.at = CXF_US(800), .what = MFX_LINK_DOWN, .link = "node1.bridge"};
    r.act[1] = (struct mfx_action){.at = CXF_MS(3), .what = MFX_LINK_UP, .link = "node1.bridge"};
    mfx_go(&r);
    assert_int_equal(r.status, CXF_MIG_FAILED);
    expect_on_source_intact(&r, "transfer failed");
    mfx_free(&r);
}

static void test_destination_fails_before_switch_over(void **state)
{
    (void)state;
    struct mfx_run r = held_precopy();
    r.act[0] = (struct mfx_action){.at = CXF_US(800), .what = MFX_NODE_FAIL, .node = 1};
    mfx_go(&r);
    assert_int_equal(r.status, CXF_MIG_FAILED);
    expect_on_source_intact(&r, "destination node failed");
    mfx_free(&r);
}

static void test_cancel_before_switch_over(void **state)
{
    (void)state;
    for (int mode = CXF_MIG_PRECOPY; mode <= CXF_MIG_POOL_STAGED; mode += 3) {
        struct mfx_run r = mode == CXF_MIG_PRECOPY ? held_precopy() : base(mode);
        r.act[0] = (struct mfx_action){.at = CXF_US(520), .what = MFX_CANCEL};
        mfx_go(&r);
        assert_int_equal(r.cancel_rc, 0);
        assert_int_equal(r.status, CXF_MIG_CANCELLED);
        expect_on_source_intact(&r, "cancelled");
        /* every page is home again: a cancelled pool-staged migration
         * brought its pages back from the pool */
        assert_int_equal(r.src_frames_free_after, frames_free_unmigrated);
        mfx_free(&r);
    }
}

static void test_missing_end_marker_fails_switch_over(void **state)
{
    (void)state;
    for (int mode = CXF_MIG_PRECOPY; mode <= CXF_MIG_POOL_STAGED; mode++) {
        struct mfx_run r = base(mode);
        r.p.drop_end_marker = "blk0";
        mfx_go(&r);
        assert_int_equal(r.status, CXF_MIG_FAILED);
        expect_on_source_intact(&r, "blk0: no end-of-state marker");
        mfx_free(&r);
    }
}

static void test_source_fails_before_switch_over(void **state)
{
    (void)state;
    struct mfx_run r = held_precopy();
    r.act[0] = (struct mfx_action){.at = CXF_US(800), .what = MFX_NODE_FAIL, .node = 0};
    mfx_go(&r);
    assert_int_equal(r.status, CXF_MIG_FAILED);
    assert_int_equal(r.outcome, CXF_OUTCOME_LOST);
    assert_int_equal(r.vm_state, CXF_VM_LOST);
    assert_non_null(strstr(r.reason, "source node failed before switch-over"));
    mfx_free(&r);
}

static void test_postcopy_source_fails_after_switch_over(void **state)
{
    (void)state;
    struct mfx_run r = base(CXF_MIG_POSTCOPY);
    r.p.max_bandwidth = 100ull << 20; /* slow pulls: pages still on the source */
    r.act[0] = (struct mfx_action){.at = CXF_MS(2), .what = MFX_NODE_FAIL, .node = 0};
    mfx_go(&r);
    assert_int_equal(r.status, CXF_MIG_FAILED);
    assert_int_equal(r.outcome, CXF_OUTCOME_LOST);
    assert_int_equal(r.vm_state, CXF_VM_LOST);
    assert_false(r.hash_ok); /* its memory is gone, honestly */
    assert_non_null(strstr(r.reason, "source node failed during post-copy"));
    mfx_free(&r);
}

static void test_pool_staged_survives_source_failure(void **state)
{
    (void)state;
    struct mfx_run r = base(CXF_MIG_POOL_STAGED);
    r.p.max_bandwidth = 100ull << 20; /* still pulling from the pool when it fails */
    /* staging ~5 MB at 100 MiB/s ends near 50 ms: fail the source after */
    r.act[0] = (struct mfx_action){.at = CXF_MS(120), .what = MFX_NODE_FAIL, .node = 0};
    mfx_go(&r);
    assert_int_equal(r.status, CXF_MIG_COMPLETED);
    assert_int_equal(r.outcome, CXF_OUTCOME_DESTINATION);
    assert_int_equal(r.vm_state, CXF_VM_DONE);
    assert_int_equal(r.vm_node, 1);
    assert_true(r.hash == reference);
    assert_int_equal(r.verify_rc, 0);
    assert_true(mfx_num(&r, "postcopy.pages-pulled.push") > 0);
    mfx_free(&r);
}

static void test_destination_fails_after_switch_over(void **state)
{
    (void)state;
    struct mfx_run r = base(CXF_MIG_POSTCOPY);
    r.p.max_bandwidth = 100ull << 20; /* still pulling when it fails */
    r.act[0] = (struct mfx_action){.at = CXF_MS(2), .what = MFX_NODE_FAIL, .node = 1};
    mfx_go(&r);
    assert_int_equal(r.status, CXF_MIG_FAILED);
    assert_int_equal(r.outcome, CXF_OUTCOME_LOST);
    assert_int_equal(r.vm_state, CXF_VM_LOST);
    assert_non_null(strstr(r.reason, "destination node failed after switch-over"));
    mfx_free(&r);
}

static void test_link_down_during_postcopy(void **state)
{
    (void)state;
    struct mfx_run r = base(CXF_MIG_POSTCOPY);
    r.p.max_bandwidth = 200ull << 20;
    r.act[0] = (struct mfx_action){.at = CXF_MS(1), .what = MFX_LINK_DOWN, .link = "node0.bridge"};
    r.act[1] = (struct mfx_action){.at = CXF_MS(4), .what = MFX_LINK_UP, .link = "node0.bridge"};
    mfx_go(&r);
    assert_true(r.saw_paused);
    assert_int_equal(r.status, CXF_MIG_COMPLETED);
    assert_int_equal(r.outcome, CXF_OUTCOME_DESTINATION);
    assert_true(r.hash == reference);
    assert_int_equal(r.verify_rc, 0);
    /* the vCPUs waited for remote pages while the link was down */
    assert_true(mfx_num(&r, "postcopy.blocktime") > 1.0);
    mfx_free(&r);
}

static void run_to_end(struct cxf_world *w, const struct cxf_migration *m)
{
    while (!cxf_migration_finished(m) && w->sim.now < CXF_SEC(1))
        cxf_sim_run_until(&w->sim, w->sim.now + CXF_US(100));
    assert_true(cxf_migration_finished(m));
}

/* A failed migration leaves its VM on the source; a second one moves it and
 * frees the source VM. The first's report must survive that (it pointed at
 * the freed VM: reading it was a use-after-free that ASan catches). */
static void test_report_outlives_a_later_migration(void **state)
{
    (void)state;
    struct cxf_world *w;
    struct cxf_err e;
    assert_int_equal(cxf_world_create(&w, NULL, NULL, &e), 0);
    struct cxf_vm_config c;
    cxf_vm_config_default(&c);
    c.mem_size = 16 * MB;
    c.workload = "gups";
    struct cxf_vm *vm;
    assert_int_equal(cxf_vm_create(&vm, &w->node[0], &c, &e), 0);
    cxf_vm_start(vm);
    cxf_sim_run_until(&w->sim, CXF_US(200));
    struct cxf_mig_params p;
    cxf_mig_params_default(&p);
    p.mode = CXF_MIG_PRECOPY;
    p.dst_node = 1;
    p.downtime_limit_ns = 1;
    p.max_rounds = 2;
    p.max_rounds_action = CXF_ROUNDS_FAIL;
    struct cxf_migration *first, *second;
    assert_int_equal(cxf_migrate_start(w, "vm0", &p, &first, &e), 0);
    run_to_end(w, first);
    assert_int_equal(cxf_migration_status(first), CXF_MIG_FAILED);
    p.mode = CXF_MIG_POSTCOPY;
    assert_int_equal(cxf_migrate_start(w, "vm0", &p, &second, &e), 0);
    run_to_end(w, second);
    assert_int_equal(cxf_migration_status(second), CXF_MIG_COMPLETED);
    struct json_object *r = cxf_migration_json(first);
    struct json_object *status;
    assert_true(json_object_object_get_ex(r, "status", &status));
    assert_string_equal(json_object_get_string(status), "failed");
    json_object_put(r);
    cxf_world_free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_link_down_before_switch_over),
        cmocka_unit_test(test_destination_fails_before_switch_over),
        cmocka_unit_test(test_cancel_before_switch_over),
        cmocka_unit_test(test_missing_end_marker_fails_switch_over),
        cmocka_unit_test(test_source_fails_before_switch_over),
        cmocka_unit_test(test_postcopy_source_fails_after_switch_over),
        cmocka_unit_test(test_pool_staged_survives_source_failure),
        cmocka_unit_test(test_destination_fails_after_switch_over),
        cmocka_unit_test(test_link_down_during_postcopy),
        cmocka_unit_test(test_report_outlives_a_later_migration),
    };
    return cmocka_run_group_tests_name("mig_faults", tests, setup, NULL);
}
