/*
 * cxl-fabric - look at and drive the CXL fabric of a running cxl-fabricd.
 *
 *   cxl-fabric topo [-c CONFIG | --default] [-j]
 *   cxl-fabric vm create|list|stats|pause|resume|destroy|verify ...
 *   cxl-fabric fm identify|ports|vcs|bind|unbind|ld-info|ld-alloc|set-ld-alloc ...
 *   cxl-fabric fault link-down|link-up|node-fail|poison ...
 *   cxl-fabric daemon info|pace|shutdown
 *
 * Each group is one entry of the table below and lives in its own file
 * (topo_cmd.c, vm_cmd.c, fm_cmd.c, fault_cmd.c, daemon_cmd.c) as a table
 * of subcommands; adding one is adding a table entry.
 */
#include "fabric_cli.h"
#include "tools/common/cli.h"

#include <stdio.h>
#include <string.h>

struct group {
    const char *name;
    const struct cxf_subcmd *subs;
    bool single; /* the group is one command of the same name (topo) */
};

static const struct group groups[] = {
    {"topo", cxf_topo_subcmds, true},
    {"vm", cxf_vm_subcmds, false},
    {"fm", cxf_fm_subcmds, false},
    {"fault", cxf_fault_subcmds, false},
    {"daemon", cxf_daemon_subcmds, false},
};

#define NGROUPS (sizeof(groups) / sizeof(groups[0]))

static void usage(void)
{
    printf("usage: " FABRIC_PROG " COMMAND [ARGUMENTS] [-j] [--socket PATH]\n\n"
           "Every command but 'topo -c/--default' asks the cxl-fabricd daemon at --socket,\n"
           "$CXLFAB_SOCKET or $XDG_RUNTIME_DIR/cxlfab/fabricd.sock. Commands:\n\n");
    for (size_t i = 0; i < NGROUPS; i++)
        cxf_subcmd_synopses(stdout, FABRIC_PROG, groups[i].single ? NULL : groups[i].name,
                            groups[i].subs);
    printf("\n'" FABRIC_PROG " COMMAND --help' describes a command's options.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        cxf_cli_error(FABRIC_PROG, "missing command (try '" FABRIC_PROG " --help')");
        return CXF_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
        usage();
        return CXF_EXIT_OK;
    }
    for (size_t i = 0; i < NGROUPS; i++) {
        if (strcmp(argv[1], groups[i].name))
            continue;
        if (groups[i].single)
            return cxf_subcmd_run(FABRIC_PROG, NULL, groups[i].subs, argc - 1, argv + 1);
        return cxf_subcmd_dispatch(FABRIC_PROG, groups[i].name, groups[i].subs, argc - 1,
                                   argv + 1);
    }
    cxf_cli_error(FABRIC_PROG, "unknown command '%.40s' (try '" FABRIC_PROG " --help')", argv[1]);
    return CXF_EXIT_USAGE;
}
