/*
 * cxl-fabric topo - the topology as tables or, with -j, as JSON shaped
 * like ndctl's `cxl list`: from the running daemon (with its links and
 * their state), or offline from a configuration file or the built-in
 * default, which needs no daemon.
 */
#include "fabric/fabric.h"
#include "fabric_cli.h"
#include "tools/common/cli.h"

#include <json-c/json.h>

static int offline_check(struct cxf_cmdline *cl)
{
    bool config = cxf_cmdline_local(cl, "config") != NULL;
    bool builtin = cxf_cmdline_local(cl, "default") != NULL;
    if (config && builtin)
        return cxf_cmdline_error(cl, "-c and --default both name a configuration; give one");
    if ((config || builtin) && cl->socket)
        return cxf_cmdline_error(cl, "%s renders offline, without the daemon at --socket; "
                                     "give one of them", config ? "-c" : "--default");
    return 0;
}

static void show(struct cxf_cmdline *cl, struct json_object *topo)
{
    (void)cl;
    cxf_topo_print(topo);
}

static int run(struct cxf_cmdline *cl)
{
    struct json_object *config = cxf_cmdline_local(cl, "config");
    struct json_object *topo = NULL;
    if (!config && !cxf_cmdline_local(cl, "default")) {
        int rc = cxf_subcmd_call(cl, &topo);
        return rc ? rc : cxf_subcmd_finish(cl, topo);
    }
    struct cxf_fabric *f = cxf_fabric_cli_load(config ? json_object_get_string(config) : NULL);
    if (!f)
        return CXF_EXIT_USAGE; /* a config that does not load is a bad argument */
    topo = cxf_fabric_topology_json(f);
    cxf_fabric_free(f);
    return cxf_subcmd_finish(cl, topo);
}

static const struct cxf_opt opts[] = {
    {.name = "config", .short_name = 'c', .metavar = "CONFIG", .kind = CXF_OPT_STR,
     .flags = CXF_OPT_LOCAL,
     .help = "render this configuration file (docs/config.md) offline, without the daemon"},
    {.name = "default", .kind = CXF_OPT_FLAG, .flags = CXF_OPT_LOCAL,
     .help = "render the built-in default (2 nodes, 1 switch, 2 pools) offline"},
    {NULL},
};

const struct cxf_subcmd cxf_topo_subcmds[] = {
    {.name = "topo", .cmd = "topo", .opts = opts, .check = offline_check, .run = run, .show = show,
     .summary = "the running fabric's hosts, switch ports, vPPB bindings, devices, bridges, "
                "regions and links (or a configuration's, offline)"},
    {NULL},
};
