/*
 * cxl-fabric - look at and (in later versions) drive the CXL fabric.
 *
 *   cxl-fabric topo [-c CONFIG] [-j]
 *
 * Each subcommand is one entry of the table below and lives in its own file;
 * adding one is adding a file and a line.
 */
#include "fabric_cli.h"
#include "tools/common/cli.h"

#include <stdio.h>
#include <string.h>

struct subcommand {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *args;
    const char *summary;
};

static const struct subcommand subcommands[] = {
    {"topo", cxf_topo_cmd, "[-c CONFIG] [-j]",
     "print the topology from CONFIG or the built-in default"},
};

#define NSUB (sizeof(subcommands) / sizeof(subcommands[0]))

static void usage(FILE *f)
{
    fprintf(f, "usage: " FABRIC_PROG " COMMAND [OPTIONS]\n\ncommands:\n");
    for (size_t i = 0; i < NSUB; i++)
        fprintf(f, "  %s %s\n      %s\n", subcommands[i].name, subcommands[i].args,
                subcommands[i].summary);
    fprintf(f, "\n'" FABRIC_PROG " COMMAND --help' describes a command's options.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        cxf_cli_error(FABRIC_PROG, "missing command (try '" FABRIC_PROG " --help')");
        return CXF_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return CXF_EXIT_OK;
    }
    for (size_t i = 0; i < NSUB; i++)
        if (!strcmp(argv[1], subcommands[i].name))
            return subcommands[i].run(argc - 1, argv + 1);
    cxf_cli_error(FABRIC_PROG, "unknown command '%s' (try '" FABRIC_PROG " --help')", argv[1]);
    return CXF_EXIT_USAGE;
}
