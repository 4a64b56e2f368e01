/*
 * tools/cxl-fabricd/scenario_cmd.c - cxl-fabricd --scenario FILE [--json]:
 * run a scenario headless (ctl/scenario_run.c) and report it, as JSON or
 * as a short summary for a person. The summary is rendered from the same
 * JSON, so it never says something -j would not.
 */
#include "scenario_cmd.h"
#include "fabricd.h"
#include "tools/common/cli.h"
#include "tools/common/render.h"

#include <json-c/json.h>
#include <stdio.h>

/* "status completed, vm-outcome running-on-destination, integrity match":
 * the outcome's main keys that the scenario states, as `from` has them
 * (the expectations, or what came out). */
static struct json_object *keys_line(struct json_object *expected, struct json_object *from)
{
    static const char *const keys[] = {"status", "vm-outcome", "integrity"};
    char line[256] = "";
    size_t n = 0;
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (cxf_jget(expected, keys[i]) && n < sizeof(line))
            n += (size_t)snprintf(line + n, sizeof(line) - n, "%s%s %s", n ? ", " : "", keys[i],
                                  cxf_jstr(from, keys[i]));
    return json_object_new_string(line);
}

static void print_summary(struct json_object *res)
{
    static const struct cxf_field fields[] = {
        {"scenario", "r.scenario", CXF_F_TEXT},
        {"expected", "expected", CXF_F_TEXT},
        {"got", "got", CXF_F_TEXT},
        {"total time", "r.migration.total-time", CXF_F_MS},
        {"downtime", "r.migration.downtime", CXF_F_MS},
        {"transferred", "r.migration.ram.transferred", CXF_F_SIZE},
        {"postcopy requests", "r.migration.ram.postcopy-requests", CXF_F_TEXT},
        {"remote accesses", "r.migration.postcopy.remote-accesses", CXF_F_TEXT},
        {"reason", "r.outcome.reason", CXF_F_TEXT},
        {"integrity", "r.integrity", CXF_F_TEXT},
        {"virtual time", "r.virtual-time-ns", CXF_F_NS},
        {"wall time (s)", "r.wall-time-s", CXF_F_TEXT},
        {"result", "verdict", CXF_F_TEXT},
        {NULL, NULL, CXF_F_TEXT},
    };
    struct json_object *expected = cxf_jget(res, "expected");
    struct json_object *view = json_object_new_object();
    json_object_object_add(view, "r", json_object_get(res));
    json_object_object_add(view, "expected", keys_line(expected, expected));
    json_object_object_add(view, "got", keys_line(expected, cxf_jget(res, "outcome")));
    bool pass = json_object_get_boolean(cxf_jget(res, "pass"));
    json_object_object_add(view, "verdict", json_object_new_string(pass ? "PASS" : "FAIL"));
    cxf_fields_print(view, fields);
    struct json_object *fails = cxf_jget(res, "failures");
    for (size_t i = 0; i < cxf_jlen(fails); i++)
        printf("  - %s\n", json_object_get_string(json_object_array_get_idx(fails, i)));
    json_object_put(view);
}

int fabricd_scenario(const char *path, bool json)
{
    struct json_object *res = NULL;
    struct cxf_err e = {{0}};
    int rc = cxf_scenario_run(path, &res, &e);
    if (rc < 0) {
        cxf_cli_error(FABRICD_PROG, "%s", e.msg);
        return CXF_EXIT_USAGE;
    }
    if (json)
        cxf_cli_print_json(json_object_get(res));
    else
        print_summary(res);
    json_object_put(res);
    return rc == 0 ? CXF_EXIT_OK : CXF_EXIT_FAIL;
}
