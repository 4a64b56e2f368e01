/*
 * cxl-fabric topo - build the fabric from a configuration (or the built-in
 * default) and print its topology as tables or, with -j, as JSON shaped
 * like ndctl's `cxl list`.
 */
#include "fabric/fabric.h"
#include "fabric_cli.h"
#include "tools/common/cli.h"

#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>

static void topo_usage(void)
{
    printf("usage: " FABRIC_PROG " topo [-c CONFIG] [-j]\n"
           "\n"
           "Build the fabric from CONFIG (JSON, see docs/config.md) or, without -c, from\n"
           "the built-in default (2 nodes, 1 switch, 2 pool devices, a bridge per node),\n"
           "and print hosts and windows, switch ports, vPPB bindings, devices and LDs,\n"
           "bridges and regions.\n"
           "\n"
           "  -c, --config CONFIG  the configuration file\n"
           "  -j, --json           print JSON instead of tables\n"
           "  -h, --help           this text\n");
}

int cxf_topo_cmd(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *config = NULL;
    bool json = false;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":c:jh", opts, NULL)) != -1) {
        switch (c) {
        case 'c': config = optarg; break;
        case 'j': json = true; break;
        case 'h': topo_usage(); return CXF_EXIT_OK;
        case ':':
            cxf_cli_error(FABRIC_PROG, "topo: %s needs a value", argv[optind - 1]);
            return CXF_EXIT_USAGE;
        default:
            if (optopt)
                cxf_cli_error(FABRIC_PROG, "topo: unknown option '-%c' (try 'topo --help')",
                              optopt);
            else
                cxf_cli_error(FABRIC_PROG, "topo: unknown option '%s' (try 'topo --help')",
                              argv[optind - 1]);
            return CXF_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        cxf_cli_error(FABRIC_PROG, "topo: unexpected argument '%s'", argv[optind]);
        return CXF_EXIT_USAGE;
    }
    struct cxf_fabric *f = cxf_fabric_cli_load(config);
    if (!f)
        return CXF_EXIT_USAGE;
    struct json_object *topo = cxf_fabric_topology_json(f);
    cxf_fabric_free(f);
    if (json) {
        cxf_cli_print_json(topo);
    } else {
        cxf_topo_print(topo);
        json_object_put(topo);
    }
    return CXF_EXIT_OK;
}
