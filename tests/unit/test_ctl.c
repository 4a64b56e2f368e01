/* tests/unit/test_ctl.c - the control plane's commands on a real world:
 * what each answers, and that bad arguments are one clear error that
 * changes nothing. */
#include "cmocka_all.h"

#include "ctl/ctl.h"

#include <errno.h>
#include <json-c/json.h>
#include <string.h>

static struct cxf_err err;

/* Run cmd with args given as JSON text; the result (or NULL) in *out. */
static int run(struct cxf_ctl *c, const char *cmd, const char *args, struct json_object **out)
{
    struct json_object *a = args ? json_tokener_parse(args) : NULL;
    assert_true(!args || a);
    struct json_object *r = NULL;
    memset(&err, 0, sizeof(err));
    int rc = cxf_ctl_exec(c, cmd, a, &r, NULL, &err);
    json_object_put(a);
    if (out)
        *out = r;
    else
        json_object_put(r);
    return rc;
}

static const char *str_at(struct json_object *o, const char *k)
{
    struct json_object *v;
    return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : NULL;
}

static void expect_error(struct cxf_ctl *c, const char *cmd, const char *args, int rc,
                         const char *needle)
{
    assert_int_equal(run(c, cmd, args, NULL), rc);
    if (!strstr(err.msg, needle))
        fail_msg("%s %s: '%s' lacks '%s'", cmd, args ? args : "", err.msg, needle);
}

static void init(struct cxf_ctl *c)
{
    assert_int_equal(cxf_ctl_init(c, NULL, NULL, &err), 0);
}

static void test_vm_lifecycle(void **state)
{
    (void)state;
    struct cxf_ctl c;
    init(&c);
    struct json_object *r;
    assert_int_equal(run(&c, "vm.create",
                         "{\"name\":\"a\",\"node\":\"node0\",\"mem\":\"16M\",\"vcpus\":2,"
                         "\"workload\":\"gups\",\"ops\":2000}",
                         &r),
                     0);
    assert_string_equal(str_at(r, "state"), "running");
    assert_string_equal(str_at(r, "node"), "node0");
    json_object_put(r);
    expect_error(&c, "vm.create", "{\"name\":\"a\",\"mem\":\"16M\"}", -EEXIST, "exists");
    cxf_sim_run_idle(&c.w->sim, 0);
    assert_int_equal(run(&c, "vm.list", NULL, &r), 0);
    struct json_object *vms;
    assert_true(json_object_object_get_ex(r, "vms", &vms));
    assert_int_equal(json_object_array_length(vms), 1);
    assert_string_equal(str_at(json_object_array_get_idx(vms, 0), "state"), "done");
    json_object_put(r);
    assert_int_equal(run(&c, "vm.stats", "{\"vm\":\"a\",\"timeline\":true}", &r), 0);
    assert_non_null(strstr(json_object_to_json_string(r), "\"timeline\""));
    json_object_put(r);
    expect_error(&c, "vm.pause", "{\"vm\":\"a\"}", -EINVAL, "not running");
    assert_int_equal(run(&c, "vm.destroy", "{\"vm\":\"a\"}", NULL), 0);
    expect_error(&c, "vm.stats", "{\"vm\":\"a\"}", -ENOENT, "no VM named 'a'");
    cxf_ctl_fini(&c);
}

static void test_bad_arguments_change_nothing(void **state)
{
    (void)state;
    struct cxf_ctl c;
    init(&c);
    expect_error(&c, "vm.create", "{\"name\":\"b\",\"colour\":1}", -EINVAL, "unknown argument 'colour'");
    expect_error(&c, "vm.create", "{}", -EINVAL, "missing argument 'name'");
    expect_error(&c, "vm.create", "{\"name\":\"b c\"}", -EINVAL, "argument 'name' must be a name");
    expect_error(&c, "vm.create", "{\"name\":\"b\",\"mem\":\"lots\"}", -EINVAL, "argument 'mem' must be a size");
    expect_error(&c, "vm.create", "{\"name\":\"b\",\"mem\":\"1T\"}", -ERANGE, "argument 'mem' must be from");
    expect_error(&c, "vm.create", "{\"name\":\"b\",\"mem\":4097}", -EINVAL, "multiple of 4K");
    expect_error(&c, "vm.create", "{\"name\":\"b\",\"node\":\"node7\"}", -ENOENT, "nodes: node0, node1");
    expect_error(&c, "vm.create", "{\"name\":\"b\",\"vcpus\":0}", -ERANGE, "'vcpus'");
    expect_error(&c, "vm.create", "{\"name\":\"b\",\"vcpus\":\"x\"}", -EINVAL, "'vcpus' must be an integer");
    expect_error(&c, "vm.create", "{\"name\":\"b\",\"start\":1}", -EINVAL, "true or false");
    expect_error(&c, "vm.create", "{\"name\":\"b\",\"workload\":\"nope\"}", -EINVAL, "nope");
    expect_error(&c, "vm.create", "[1]", -EINVAL, "must be a JSON object");
    expect_error(&c, "nosuch", NULL, -ENOSYS, "unknown command 'nosuch'");
    expect_error(&c, "topo", "{\"x\":1}", -EINVAL, "it takes none");
    expect_error(&c, "migrate.start", "{\"vm\":\"b\",\"to\":\"node1\"}", -ENOENT, "");
    expect_error(&c, "fault.link-down", "{\"link\":\"nolink\"}", -ENOENT, "no link named");
    expect_error(&c, "fault.node-fail", "{\"node\":\"x\"}", -ENOENT, "no node named");
    expect_error(&c, "fault.poison", "{\"memdev\":\"pool0\",\"dpa\":\"0x200000000\"}", -EFAULT, "beyond");
    expect_error(&c, "migrate.wait", "{\"vm\":\"b\"}", -ENOENT, "never migrated");
    struct json_object *r;
    assert_int_equal(run(&c, "vm.list", NULL, &r), 0);
    assert_string_equal(json_object_to_json_string_ext(r, JSON_C_TO_STRING_PLAIN), "{\"vms\":[]}");
    json_object_put(r);
    cxf_ctl_fini(&c);
}

static void test_migration_params(void **state)
{
    (void)state;
    struct cxf_ctl c;
    init(&c);
    assert_int_equal(run(&c, "vm.create", "{\"name\":\"m\",\"mem\":\"16M\",\"workload\":\"gups\"}", NULL), 0);
    const char *bad[][2] = {
        {"{\"vm\":\"m\"}", "missing argument 'to'"},
        {"{\"vm\":\"m\",\"to\":\"node1\",\"mode\":\"teleport\"}", "one of precopy"},
        {"{\"vm\":\"m\",\"to\":\"node1\",\"policy\":\"random\"}", "linear, hot-first"},
        {"{\"vm\":\"m\",\"to\":\"node1\",\"downtime-limit\":\"soon\"}", "duration"},
        {"{\"vm\":\"m\",\"to\":\"node1\",\"max-bandwidth\":\"fast\"}", "rate"},
        {"{\"vm\":\"m\",\"to\":\"node1\",\"transport\":\"pigeon\"}", "fabric, net"},
        {"{\"vm\":\"m\",\"to\":\"node1\",\"transport\":\"net:0\"}", "must not be 0"},
        {"{\"vm\":\"m\",\"to\":\"node1\",\"hybrid-rounds\":2}", "needs mode hybrid"},
        {"{\"vm\":\"m\",\"to\":\"node1\",\"throttle-initial\":50,\"throttle-max\":40}", "above"},
        {"{\"vm\":\"m\",\"to\":\"node1\",\"batch-pages\":100000}", "'batch-pages'"},
        {"{\"vm\":\"m\",\"to\":\"node1\",\"touch-threshold\":0}", "'touch-threshold'"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        expect_error(&c, "migrate.start", bad[i][0], run(&c, "migrate.start", bad[i][0], NULL),
                     bad[i][1]);
    assert_null(cxf_world_migration(c.w, "m"));
    struct json_object *r;
    assert_int_equal(run(&c, "migrate.start",
                         "{\"vm\":\"m\",\"to\":\"node1\",\"mode\":\"hybrid\",\"hybrid-rounds\":2,"
                         "\"downtime-limit\":50,\"max-bandwidth\":\"10GB/s\","
                         "\"transport\":\"net:25Gbit\",\"policy\":\"prefetch\"}",
                         &r),
                     0);
    assert_string_equal(str_at(r, "mode"), "hybrid");
    json_object_put(r);
    struct cxf_migration *m = cxf_world_migration(c.w, "m");
    assert_non_null(m);
    expect_error(&c, "vm.destroy", "{\"vm\":\"m\"}", -EBUSY, "is migrating");
    expect_error(&c, "vm.pause", "{\"vm\":\"m\"}", -EBUSY, "is migrating");
    /* migrate.wait cannot wait without a daemon; it answers at once when done */
    expect_error(&c, "migrate.wait", "{\"vm\":\"m\"}", -ENOTSUP, "only the daemon");
    cxf_sim_run_until(&c.w->sim, c.w->sim.now + CXF_SEC(2));
    assert_true(cxf_migration_finished(m));
    assert_int_equal(run(&c, "migrate.wait", "{\"vm\":\"m\"}", &r), 0);
    assert_string_equal(str_at(r, "status"), "completed");
    json_object_put(r);
    /* the report outlives the VM */
    assert_int_equal(run(&c, "vm.destroy", "{\"vm\":\"m\"}", NULL), 0);
    assert_int_equal(run(&c, "migrate.status", "{\"vm\":\"m\"}", &r), 0);
    assert_string_equal(str_at(r, "status"), "completed");
    json_object_put(r);
    cxf_ctl_fini(&c);
}

static void test_wait_answers_later(void **state)
{
    (void)state;
    struct cxf_ctl c;
    init(&c);
    assert_int_equal(run(&c, "vm.create", "{\"name\":\"w\",\"mem\":\"16M\",\"workload\":\"idle\"}", NULL), 0);
    assert_int_equal(run(&c, "migrate.start", "{\"vm\":\"w\",\"to\":\"node1\",\"mode\":\"precopy\"}", NULL), 0);
    struct json_object *args = json_tokener_parse("{\"vm\":\"w\"}"), *r = NULL;
    struct cxf_ctl_wait wait;
    assert_int_equal(cxf_ctl_exec(&c, "migrate.wait", args, &r, &wait, &err), CXF_CTL_LATER);
    assert_int_equal(wait.kind, CXF_WAIT_MIGRATION);
    assert_int_equal(cxf_ctl_wait_poll(&c, &wait, &r, &err), CXF_CTL_LATER);
    cxf_sim_run_until(&c.w->sim, c.w->sim.now + CXF_SEC(2));
    assert_int_equal(cxf_ctl_wait_poll(&c, &wait, &r, &err), 0);
    assert_string_equal(str_at(r, "status"), "completed");
    json_object_put(r);
    /* a timeout in virtual time */
    assert_int_equal(run(&c, "migrate.start", "{\"vm\":\"w\",\"to\":\"node0\",\"mode\":\"precopy\"}", NULL), 0);
    json_object_put(args);
    args = json_tokener_parse("{\"vm\":\"w\",\"timeout\":\"1us\"}");
    assert_int_equal(cxf_ctl_exec(&c, "migrate.wait", args, &r, &wait, &err), CXF_CTL_LATER);
    cxf_sim_run_until(&c.w->sim, c.w->sim.now + CXF_US(2));
    assert_int_equal(cxf_ctl_wait_poll(&c, &wait, &r, &err), -ETIMEDOUT);
    assert_non_null(strstr(err.msg, "still"));
    json_object_put(args);
    cxf_ctl_fini(&c);
}

static void test_faults_and_fm(void **state)
{
    (void)state;
    struct cxf_ctl c;
    init(&c);
    struct json_object *r;
    assert_int_equal(run(&c, "fault.link-down", "{\"link\":\"node1.bridge\"}", &r), 0);
    assert_string_equal(str_at(r, "state"), "down");
    json_object_put(r);
    assert_int_equal(run(&c, "topo", NULL, &r), 0);
    assert_non_null(strstr(json_object_to_json_string(r), "\"link\": \"node1.bridge\", \"width\": 16, \"gen\": 5"));
    json_object_put(r);
    assert_int_equal(run(&c, "fault.link-up", "{\"link\":\"node1.bridge\"}", NULL), 0);
    assert_int_equal(run(&c, "fm.identify", NULL, &r), 0);
    assert_int_equal(json_object_get_int(json_object_object_get(r, "num_vcs")), 2);
    json_object_put(r);
    /* ld2 of pool0 is unbound: bind it to node1 (VCS 1), then it shows */
    assert_int_equal(run(&c, "fm.bind", "{\"vcs\":1,\"vppb\":2,\"port\":2,\"ld\":2}", &r), 0);
    assert_string_equal(str_at(r, "return_code"), cxf_mbox_rc_name(1));
    json_object_put(r);
    assert_int_equal(run(&c, "fm.vcs", "{\"vcs\":[1]}", &r), 0);
    assert_non_null(strstr(json_object_to_json_string_ext(r, JSON_C_TO_STRING_PLAIN),
                           "{\"vppb\":2,\"status\":\"bound-ld\",\"port\":2,\"ld\":2}"));
    json_object_put(r);
    expect_error(&c, "fm.bind", "{\"vcs\":0,\"vppb\":2,\"port\":2,\"ld\":2}", -EREMOTEIO, "Invalid Input");
    assert_int_equal(c.cxl_rc, 2);
    assert_int_equal(run(&c, "fm.unbind", "{\"vcs\":1,\"vppb\":2}", NULL), 0);
    expect_error(&c, "fm.unbind", "{\"vcs\":1,\"vppb\":2}", -EREMOTEIO, "not bound");
    expect_error(&c, "fm.unbind", "{\"vcs\":1,\"vppb\":2,\"option\":\"gently\"}", -EINVAL, "option");
    assert_int_equal(run(&c, "fm.ld-info", "{\"port\":2}", &r), 0);
    assert_int_equal(json_object_get_int64(json_object_object_get(r, "memory_size")), 4ll << 30);
    assert_int_equal(json_object_get_int(json_object_object_get(r, "ld_count")), 4);
    json_object_put(r);
    assert_int_equal(run(&c, "fm.ld-alloc", "{\"port\":3}", &r), 0);
    assert_non_null(strstr(json_object_to_json_string_ext(r, JSON_C_TO_STRING_PLAIN),
                           "{\"ld\":3,\"range1\":1073741824,\"range2\":0}"));
    json_object_put(r);
    expect_error(&c, "fm.ld-info", "{\"port\":0}", -EREMOTEIO, "no MLD");
    /* unbound LD 3 of pool1 shrinks to 512M */
    assert_int_equal(run(&c, "fm.set-ld-alloc",
                         "{\"port\":3,\"start-ld\":3,\"lds\":[{\"range1\":\"512M\"}]}", &r), 0);
    assert_non_null(strstr(json_object_to_json_string_ext(r, JSON_C_TO_STRING_PLAIN),
                           "{\"ld\":3,\"range1\":536870912,\"range2\":0}"));
    json_object_put(r);
    expect_error(&c, "fm.set-ld-alloc", "{\"port\":3,\"lds\":[{\"range1\":\"100M\"}]}", -EINVAL, "256M");
    assert_int_equal(run(&c, "fm.ports", "{\"ports\":[2,200]}", &r), 0);
    assert_non_null(strstr(json_object_to_json_string_ext(r, JSON_C_TO_STRING_PLAIN),
                           "\"state\":\"invalid-port-id\""));
    assert_non_null(strstr(json_object_to_json_string_ext(r, JSON_C_TO_STRING_PLAIN),
                           "\"device\":\"cxl-type3-mld\""));
    json_object_put(r);
    cxf_ctl_fini(&c);
}

static void test_node_fail_loses_vms(void **state)
{
    (void)state;
    struct cxf_ctl c;
    init(&c);
    assert_int_equal(run(&c, "vm.create", "{\"name\":\"v\",\"node\":\"node1\",\"mem\":\"8M\"}", NULL), 0);
    assert_int_equal(run(&c, "fault.node-fail", "{\"node\":\"node1\"}", NULL), 0);
    expect_error(&c, "fault.node-fail", "{\"node\":\"node1\"}", -EALREADY, "already");
    struct json_object *r;
    assert_int_equal(run(&c, "vm.stats", "{\"vm\":\"v\"}", &r), 0);
    assert_string_equal(str_at(r, "state"), "lost");
    json_object_put(r);
    cxf_ctl_fini(&c);
}

static void test_integrity_verdict(void **state)
{
    (void)state;
    struct cxf_ctl c;
    init(&c);
    assert_int_equal(run(&c, "vm.create",
                         "{\"name\":\"k\",\"mem\":\"32M\",\"vcpus\":2,\"workload\":\"kv:keys=2000\",\"ops\":0}",
                         NULL), 0);
    cxf_sim_run_until(&c.w->sim, c.w->sim.now + CXF_MS(1));
    assert_int_equal(run(&c, "migrate.start", "{\"vm\":\"k\",\"to\":\"node1\"}", NULL), 0);
    cxf_sim_run_until(&c.w->sim, c.w->sim.now + CXF_MS(200));
    struct cxf_vm *vm = cxf_world_vm(c.w, "k");
    assert_true(cxf_migration_finished(cxf_world_migration(c.w, "k")));
    assert_null(cxf_ctl_integrity(&c, vm, &err)); /* still running */
    assert_int_equal(run(&c, "vm.pause", "{\"vm\":\"k\"}", NULL), 0);
    struct json_object *v = cxf_ctl_integrity(&c, vm, &err);
    assert_non_null(v);
    assert_string_equal(str_at(v, "integrity"), "match");
    assert_string_equal(str_at(v, "verifier"), "ok");
    json_object_put(v);
    /* one changed byte is a mismatch */
    uint8_t *p = cxf_vm_page_bytes(vm, 3);
    p[7] ^= 1;
    v = cxf_ctl_integrity(&c, vm, &err);
    assert_string_equal(str_at(v, "integrity"), "mismatch");
    json_object_put(v);
    cxf_ctl_fini(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vm_lifecycle),
        cmocka_unit_test(test_bad_arguments_change_nothing),
        cmocka_unit_test(test_migration_params),
        cmocka_unit_test(test_wait_answers_later),
        cmocka_unit_test(test_faults_and_fm),
        cmocka_unit_test(test_node_fail_loses_vms),
        cmocka_unit_test(test_integrity_verdict),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
