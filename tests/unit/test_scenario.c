/* tests/unit/test_scenario.c - scenario files (docs/scenarios.md): every
 * kind of bad scenario is refused with one line naming the key path, and
 * small runs through cxf_scenario_run give the verdicts they should: pass,
 * an unexpected outcome, a timeout, an action that fails, "when" triggers,
 * expect-error, topologies from a file and inline. */
#include "cmocka_all.h"

#include "ctl/ctl.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct cxf_err err;
static char dir[64];

/* A scenario from its parts: extra top-level keys (each ending with a
 * comma), the actions, and the expectations. Small: an idle VM of 8 MiB. */
static const char *scenario(const char *top, const char *actions, const char *expect)
{
    static char buf[8192];
    snprintf(buf, sizeof(buf),
             "{\"name\": \"t\", %s \"vms\": [{\"name\": \"vm0\", \"mem\": \"8M\", \"workload\": "
             "\"idle:ws=256K,think=200\", \"ops\": 3000}], \"actions\": [%s], \"expect\": {%s}}",
             top, actions, expect);
    return buf;
}

#define START "{\"at\": \"100us\", \"cmd\": \"migrate.start\", \"args\": {\"vm\": \"vm0\", \"to\": \"node1\"}}"
#define SLOW_START "{\"at\": \"100us\", \"cmd\": \"migrate.start\", \"args\": {\"vm\": \"vm0\", " \
                   "\"to\": \"node1\", \"mode\": \"precopy\", \"max-bandwidth\": \"100MB/s\"}}"
#define MATCH "\"integrity\": \"match\""
#define DONE  "\"status\": \"completed\", \"vm-outcome\": \"running-on-destination\", " MATCH

static void expect_bad(const char *text, const char *needle)
{
    memset(&err, 0, sizeof(err));
    int rc = cxf_scenario_check(text, &err);
    if (rc >= 0)
        fail_msg("accepted: %s", text);
    if (!strstr(err.msg, needle))
        fail_msg("'%s' lacks '%s'", err.msg, needle);
    assert_null(strchr(err.msg, '\n'));
}

static void test_check_accepts(void **state)
{
    (void)state;
    assert_int_equal(cxf_scenario_check(scenario("", START, MATCH), &err), 0);
    const char *full = scenario(
        "\"description\": \"d\", \"tail\": \"1ms\", \"limit\": \"50ms\", "
        "\"node\": {\"llc-size\": \"1M\", \"llc-ways\": 8, \"llc-hit\": \"20ns\", \"quantum\": \"5us\"},",
        START ", {\"when\": {\"vm\": \"vm0\", \"status\": \"postcopy-active\"}, \"delay\": \"10us\", "
              "\"cmd\": \"migrate.cancel\", \"args\": {\"vm\": \"vm0\"}, \"expect-error\": \"EBUSY\"}",
        DONE ", \"reason\": \"\", \"saw-status\": [\"setup\", \"postcopy-active\"], "
             "\"metrics\": {\"ram.transferred\": {\"min\": 1, \"max\": 1e12}}");
    if (cxf_scenario_check(full, &err))
        fail_msg("%s", err.msg);
}

static void test_check_errors(void **state)
{
    (void)state;
    static const char *const bad[][2] = {
        /* the text */
        {"", "the scenario is empty"},
        {"[1]", "must be a JSON object"},
        {"{\"name\": \"t\",", "ends in the middle"},
        {"{\"name\": \"t\"\n \"x\": 1}", "not valid JSON at line 2, column 2"},
        {"{\"a\\nb\": 1}", "scenario: unknown argument 'a b'"},
        {"{\"name\": 7}", "argument 'name' must be a string"},
        /* the VMs */
        {"{\"name\": \"t\", \"expect\": {" MATCH "}}", "'vms' must list at least one VM"},
        {"{\"name\": \"t\", \"vms\": {}, \"expect\": {" MATCH "}}", "argument 'vms' must be an array"},
        {"{\"name\": \"t\", \"vms\": [{\"name\": \"v\", \"colour\": 1}], \"expect\": {" MATCH "}}",
         "vms[0]: unknown argument 'colour' (known: name, node"},
        {"{\"name\": \"t\", \"vms\": [{\"mem\": \"8M\"}], \"expect\": {" MATCH "}}",
         "vms[0]: missing argument 'name'"},
        {"{\"name\": \"t\", \"vms\": [7], \"expect\": {" MATCH "}}", "vms[0] must be an object"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        expect_bad(bad[i][0], bad[i][1]);
}

static void test_check_top_errors(void **state)
{
    (void)state;
    static const char *const bad[][2] = {
        {"\"tial\": \"1ms\",", "scenario: unknown argument 'tial' (known: name, description"},
        {"\"tail\": \"soon\",", "argument 'tail' must be a duration"},
        {"\"limit\": 5,", "argument 'limit' must be a duration"},
        {"\"limit\": \"0ms\",", "argument 'limit' must be above 0"},
        {"\"limit\": \"50us\",", "actions[0]: 'at' (100 us) is not before the limit (50 us)"},
        {"\"topology\": 3,", "'topology' must be a config file's path or a config object"},
        {"\"topology\": {\"hosts\": [{\"name\": \"a\", \"dram\": \"12X\"}]},",
         "topology: hosts[0].dram"},
        {"\"node\": {\"llc\": 1},", "node: unknown argument 'llc' (known: llc-size"},
        {"\"node\": {\"llc-size\": \"3000\"},", "node: an LLC of 3000 bytes in 16 ways"},
        {"\"node\": {\"quantum\": \"1s\"},", "node: 'llc-hit' must be at most 1us and 'quantum'"},
        {"\"node\": [],", "argument 'node' must be an object"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        expect_bad(scenario(bad[i][0], START, MATCH), bad[i][1]);
}

static void test_check_action_errors(void **state)
{
    (void)state;
    static const char *const bad[][2] = {
        {"{\"at\": \"soon\", \"cmd\": \"vm.list\"}", "actions[0]: argument 'at' must be a duration"},
        {"{\"at\": 5, \"cmd\": \"vm.list\"}", "actions[0]: argument 'at' must be a duration"},
        {"{\"cmd\": \"vm.list\"}", "actions[0]: give either 'at' (a time) or 'when'"},
        {"{\"at\": \"1ms\", \"when\": {\"vm\": \"vm0\", \"status\": \"failed\"}, \"cmd\": \"vm.list\"}",
         "give either 'at'"},
        {"{\"at\": \"1ms\", \"delay\": \"1ms\", \"cmd\": \"vm.list\"}", "'delay' goes with 'when'"},
        {"{\"at\": \"1ms\", \"cmd\": \"migrate.teleport\"}",
         "actions[0]: unknown command 'migrate.teleport'"},
        {"{\"at\": \"1ms\"}", "actions[0]: missing argument 'cmd'"},
        {"{\"at\": \"1ms\", \"cmd\": \"topo\", \"args\": [1]}", "argument 'args' must be an object"},
        {"{\"at\": \"1ms\", \"cmd\": \"fault.link-up\", \"args\": {\"lnk\": \"x\"}}",
         "actions[0].args: unknown argument 'lnk' (known: link)"},
        {"{\"at\": \"1ms\", \"cmd\": \"topo\", \"args\": {\"x\": 1}}",
         "actions[0].args: unknown argument 'x' (it takes none)"},
        {"{\"at\": \"1ms\", \"cmd\": \"topo\", \"expect-error\": \"EWHAT\"}",
         "'expect-error' must be an errno name"},
        {"{\"at\": \"1ms\", \"cmd\": \"topo\", \"colour\": 1}", "actions[0]: unknown argument 'colour'"},
        {"{\"when\": {\"vm\": \"vm0\", \"status\": \"done\"}, \"cmd\": \"topo\"}",
         "actions[0].when: 'done' is not a migration status"},
        {"{\"when\": {\"vm\": \"vm0\", \"status\": \"none\"}, \"cmd\": \"topo\"}",
         "'none' is not a migration status"},
        {"{\"when\": {\"status\": \"failed\"}, \"cmd\": \"topo\"}",
         "actions[0].when: missing argument 'vm'"},
        {"{\"when\": {\"vm\": \"vm0\", \"status\": \"failed\", \"x\": 1}, \"cmd\": \"topo\"}",
         "actions[0].when: unknown argument 'x'"},
        {"7", "actions[0] must be an object"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        expect_bad(scenario("", bad[i][0], MATCH), bad[i][1]);
    expect_bad(scenario("", START ", " START ", {\"at\": \"1ms\", \"cmd\": \"nope\"}", MATCH),
               "actions[2]: unknown command 'nope'");
    expect_bad("{\"name\": \"t\", \"vms\": [{\"name\": \"v\"}], \"actions\": {}, \"expect\": {" MATCH
               "}}", "argument 'actions' must be an array");
}

static void test_check_expect_errors(void **state)
{
    (void)state;
    static const char *const bad[][2] = {
        {"", "expect: missing argument 'integrity'"},
        {"\"integrity\": \"maybe\"", "expect: argument 'integrity' must be one of match, mismatch, vm-lost"},
        {MATCH ", \"status\": \"done\"", "expect: argument 'status' must be one of none, setup"},
        {MATCH ", \"vm-outcome\": \"elsewhere\"", "argument 'vm-outcome' must be one of"},
        {MATCH ", \"colour\": 1", "expect: unknown argument 'colour'"},
        {MATCH ", \"saw-status\": [\"setup\", \"paused\"]", "argument 'saw-status' must be one of"},
        {MATCH ", \"saw-status\": 3", "argument 'saw-status' must be a string"},
        {MATCH ", \"metrics\": 3", "argument 'metrics' must be an object"},
        {MATCH ", \"metrics\": {\"downtime\": {}}", "metrics.downtime must be an object with"},
        {MATCH ", \"metrics\": {\"downtime\": {\"max\": \"1\"}}", "metrics.downtime.max must be a number"},
        {MATCH ", \"metrics\": {\"downtime\": {\"most\": 1}}", "metrics.downtime: unknown argument 'most'"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        expect_bad(scenario("", START, bad[i][0]), bad[i][1]);
    expect_bad("{\"name\": \"t\", \"vms\": [{\"name\": \"v\"}]}", "missing argument 'expect'");
}

/* ----------------------------------------------------------------- runs */

static const char *write_file(const char *name, const char *text)
{
    static char path[128];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

/* Run scenario text from a file; the result (or NULL) in *res. */
static int run(const char *text, struct json_object **res)
{
    const char *path = write_file("s.json", text);
    memset(&err, 0, sizeof(err));
    int rc = cxf_scenario_run(path, res, &err);
    assert_true(rc < 0 ? *res == NULL : *res != NULL);
    assert_null(strchr(err.msg, '\n'));
    return rc;
}

static struct json_object *at(struct json_object *o, const char *path)
{
    char buf[128];
    snprintf(buf, sizeof(buf), "%s", path);
    char *save = NULL;
    for (char *k = strtok_r(buf, ".", &save); k && o; k = strtok_r(NULL, ".", &save))
        o = json_object_is_type(o, json_type_array)
                ? json_object_array_get_idx(o, (size_t)atoi(k))
                : json_object_object_get_ex(o, k, &o) ? o : NULL;
    return o;
}

static const char *str(struct json_object *o, const char *path)
{
    struct json_object *v = at(o, path);
    return v ? json_object_get_string(v) : "(absent)";
}

static void test_run_passes(void **state)
{
    (void)state;
    struct json_object *r = NULL;
    assert_int_equal(run(scenario("", START, DONE ", \"saw-status\": \"postcopy-active\"")
                         , &r), 0);
    assert_true(json_object_get_boolean(at(r, "pass")));
    assert_string_equal(str(r, "scenario"), "t");
    assert_string_equal(str(r, "outcome.status"), "completed");
    assert_string_equal(str(r, "integrity"), "match");
    assert_string_equal(str(r, "migration.mode"), "postcopy");
    assert_string_equal(str(r, "vms.0.integrity"), "match");
    assert_string_equal(str(r, "vms.0.hash"), str(r, "vms.0.reference_hash"));
    assert_string_equal(str(r, "actions.0.result"), "ok");
    assert_int_equal(json_object_get_int64(at(r, "actions.0.time-ns")), 100000);
    assert_int_equal(json_object_array_length(at(r, "failures")), 0);
    assert_string_equal(str(r, "statuses-seen.0"), "setup");
    assert_non_null(strstr(json_object_to_json_string(at(r, "statuses-seen")), "postcopy-active"));
    /* the tail: 2 ms of virtual time after the migration ended */
    double end_ms = 0.1 + json_object_get_double(at(r, "migration.total-time"));
    assert_true(json_object_get_int64(at(r, "virtual-time-ns")) >= (int64_t)((end_ms + 2) * 1e6) - 1);
    json_object_put(r);
}

static void test_run_unexpected_outcome(void **state)
{
    (void)state;
    struct json_object *r = NULL;
    assert_int_equal(run(scenario("", START,
                                  "\"status\": \"failed\", \"integrity\": \"vm-lost\", "
                                  "\"reason\": \"gone\", \"saw-status\": \"postcopy-paused\", "
                                  "\"metrics\": {\"ram.transferred\": {\"max\": 1}, "
                                  "\"ram.nothing\": {\"min\": 0}}"),
                         &r),
                     1);
    assert_false(json_object_get_boolean(at(r, "pass")));
    const char *fails = json_object_to_json_string(at(r, "failures"));
    static const char *const lines[] = {
        "status: expected failed, got completed", "integrity: expected vm-lost, got match",
        "reason: expected it to contain 'gone', got ''",
        "saw-status: the migration was never seen postcopy-paused",
        "metrics: ram.transferred is", "expected at most 1",
        "metrics: 'ram.nothing' is not a number in the migration report"};
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
        if (!strstr(fails, lines[i]))
            fail_msg("%s lacks %s", fails, lines[i]);
    json_object_put(r);
}

/* A cancel that comes after the switch-over is refused, as it should be;
 * expect-error makes that part of the verdict. */
static void test_run_when_and_expect_error(void **state)
{
    (void)state;
    const char *cancel = START ", {\"when\": {\"vm\": \"vm0\", \"status\": \"postcopy-active\"}, "
                               "\"delay\": \"5us\", \"cmd\": \"migrate.cancel\", "
                               "\"args\": {\"vm\": \"vm0\"}, \"expect-error\": \"%s\"}";
    char actions[512];
    struct json_object *r = NULL;
    snprintf(actions, sizeof(actions), cancel, "EBUSY");
    assert_int_equal(run(scenario("", actions, DONE), &r), 0);
    assert_string_equal(str(r, "actions.1.result"), "EBUSY");
    assert_string_equal(str(r, "actions.1.cmd"), "migrate.cancel");
    json_object_put(r);
    snprintf(actions, sizeof(actions), cancel, "EINVAL");
    assert_int_equal(run(scenario("", actions, DONE), &r), 1);
    assert_non_null(strstr(str(r, "failures.0"), "actions[1] (migrate.cancel at "));
    assert_non_null(strstr(str(r, "failures.0"), "expected EINVAL, got EBUSY"));
    json_object_put(r);
}

/* A migration still running at the limit: a timeout, exit 1, never a hang;
 * its VM cannot be judged. */
static void test_run_timeout(void **state)
{
    (void)state;
    struct json_object *r = NULL;
    assert_int_equal(run(scenario("\"limit\": \"2ms\",", SLOW_START, DONE), &r), 1);
    assert_true(json_object_get_boolean(at(r, "outcome.timed-out")));
    assert_string_equal(str(r, "outcome.status"), "active");
    assert_string_equal(str(r, "integrity"), "not-checked");
    assert_non_null(strstr(str(r, "vms.0.reason"), "still migrating (active) at the limit"));
    assert_non_null(strstr(json_object_to_json_string(at(r, "failures")), "timed out"));
    assert_int_equal(json_object_get_int64(at(r, "virtual-time-ns")), 2000000);
    json_object_put(r);
}

static void expect_run_error(const char *text, int rc, const char *needle)
{
    struct json_object *r = NULL;
    assert_int_equal(run(text, &r), rc);
    if (!strstr(err.msg, needle) || strncmp(err.msg, dir, strlen(dir)))
        fail_msg("'%s' lacks '%s' or the file's path", err.msg, needle);
}

static void test_run_errors(void **state)
{
    (void)state;
    expect_run_error(scenario("", "{\"at\": \"100us\", \"cmd\": \"migrate.start\", \"args\": "
                                  "{\"vm\": \"vm0\", \"to\": \"node1\", \"mode\": \"teleport\"}}",
                              MATCH),
                     -EINVAL, "s.json: actions[0] (migrate.start at 100 us): argument 'mode'");
    expect_run_error(scenario("", "{\"at\": \"100us\", \"cmd\": \"fault.link-down\", \"args\": "
                                  "{\"link\": \"nolink\"}}", MATCH),
                     -ENOENT, "actions[0] (fault.link-down at 100 us): no link named");
    expect_run_error(scenario("", SLOW_START ", {\"at\": \"200us\", \"cmd\": \"migrate.wait\", "
                                  "\"args\": {\"vm\": \"vm0\"}}", MATCH),
                     -ENOTSUP, "actions[1] (migrate.wait at 200 us): migrate.wait answers later");
    expect_run_error("{\"name\": \"t\", \"vms\": [{\"name\": \"v\", \"mem\": \"lots\"}], "
                     "\"expect\": {" MATCH "}}",
                     -EINVAL, "s.json: vms[0]: argument 'mem' must be a size");
    expect_run_error(scenario("\"topology\": \"nowhere.json\",", START, MATCH), -ENOENT,
                     "s.json: topology: ");
    expect_run_error(scenario("\"tail\": 1,", START, MATCH), -EINVAL, "'tail'");
    struct json_object *r = NULL;
    memset(&err, 0, sizeof(err));
    assert_int_equal(cxf_scenario_run("/nonexistent/s.json", &r, &err), -ENOENT);
    assert_string_equal(err.msg, "/nonexistent/s.json: No such file or directory");
}

/* A topology file is found next to the scenario; an inline one works too.
 * Both here are the embedded default's text, so the runs are the same. */
static void test_run_topologies(void **state)
{
    (void)state;
    write_file("topo.json", cxf_default_config);
    struct json_object *from_file = NULL, *inline_topo = NULL;
    assert_int_equal(run(scenario("\"topology\": \"topo.json\",", START, DONE), &from_file), 0);
    char top[16384];
    snprintf(top, sizeof(top), "\"topology\": %s,", cxf_default_config);
    assert_int_equal(run(scenario(top, START, DONE), &inline_topo), 0);
    assert_string_equal(str(from_file, "vms.0.hash"), str(inline_topo, "vms.0.hash"));
    assert_string_equal(str(from_file, "migration.total-time"),
                        str(inline_topo, "migration.total-time"));
    json_object_put(from_file);
    json_object_put(inline_topo);
}

/* Node settings reach the nodes: without an LLC every access goes to
 * memory, so a VM gets fewer operations done per unit of virtual time. */
static void test_run_node_settings(void **state)
{
    (void)state;
    static const char *const text =
        "{\"name\": \"t\", %s \"vms\": [{\"name\": \"vm0\", \"mem\": \"8M\", \"workload\": "
        "\"gups\", \"ops\": 0}], \"actions\": [" START "], \"expect\": {" DONE "}}";
    char buf[1024];
    struct json_object *llc = NULL, *none = NULL;
    snprintf(buf, sizeof(buf), text, "");
    assert_int_equal(run(buf, &llc), 0);
    snprintf(buf, sizeof(buf), text, "\"node\": {\"llc-size\": 0},");
    assert_int_equal(run(buf, &none), 0);
    /* The runs end when their migrations do, at different virtual times,
     * so compare operations per virtual nanosecond (cross-multiplied). */
    double llc_rate = (double)json_object_get_int64(at(llc, "vms.0.ops")) /
                      (double)json_object_get_int64(at(llc, "virtual-time-ns"));
    double none_rate = (double)json_object_get_int64(at(none, "vms.0.ops")) /
                       (double)json_object_get_int64(at(none, "virtual-time-ns"));
    assert_true(none_rate < llc_rate);
    json_object_put(llc);
    json_object_put(none);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/cxf-scenario-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char path[160];
    static const char *const files[] = {"s.json", "topo.json"};
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        unlink(path);
    }
    return rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_accepts),
        cmocka_unit_test(test_check_errors),
        cmocka_unit_test(test_check_top_errors),
        cmocka_unit_test(test_check_action_errors),
        cmocka_unit_test(test_check_expect_errors),
        cmocka_unit_test(test_run_passes),
        cmocka_unit_test(test_run_unexpected_outcome),
        cmocka_unit_test(test_run_when_and_expect_error),
        cmocka_unit_test(test_run_timeout),
        cmocka_unit_test(test_run_errors),
        cmocka_unit_test(test_run_topologies),
        cmocka_unit_test(test_run_node_settings),
    };
    return cmocka_run_group_tests_name("scenario", tests, setup, teardown);
}
