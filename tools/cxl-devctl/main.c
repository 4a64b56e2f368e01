/*
 * cxl-devctl - a person's way into the device model.
 *
 *   cxl-devctl mbox [DEVICE OPTIONS] COMMAND [ARGS] [+ COMMAND [ARGS] ...]
 *   cxl-devctl decode --ways W --granularity G --base HPA --size SIZE
 *                     --position P [--dpa-skip D] HPA [-j]
 */
#include "devctl.h"
#include "tools/common/cli.h"

#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: " DEVCTL " mbox [--capacity SIZE] [--persistent SIZE] [--lds N] [--ld ID]\n"
            "                  [--lsa SIZE] COMMAND [ARGS] [+ COMMAND [ARGS] ...]\n"
            "       " DEVCTL " decode --ways W --granularity G --base HPA --size SIZE\n"
            "                  --position P [--dpa-skip D] HPA [-j]\n"
            "\n"
            "mbox creates a type-3 device from the options, runs each mailbox command on\n"
            "it in turn and prints the results as JSON. Commands:\n"
            "  identify-memory-device | get-partition-info | get-health-info\n"
            "  get-lsa [OFFSET [LENGTH]]        set-lsa OFFSET HEXDATA\n"
            "  get-poison-list [DPA [LENGTH]]   inject-poison DPA\n"
            "  clear-poison DPA [HEXDATA]       get-supported-logs\n"
            "  get-event-records LOG            clear-event-records LOG (--all | HANDLE...)\n"
            "  get-log [cel|UUID [OFFSET LENGTH]]\n"
            "  raw OPCODE [HEXPAYLOAD]          any opcode, payload in hex\n"
            "LOG is info, warn, failure, fatal or 0-3. Exit status 1 if a command\n"
            "returned a failure code.\n"
            "\n"
            "decode answers which DPA an HPA decodes to on the device at interleave\n"
            "position P: exit 1 if the HPA belongs to another position, 2 if it is\n"
            "outside the decoder. Numbers: decimal or 0x-hex; sizes take K/M/G/T.\n"
            "Bad arguments exit with status 64.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return DEVCTL_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "mbox"))
        return devctl_mbox(argc - 1, argv + 1);
    if (!strcmp(argv[1], "decode"))
        return devctl_decode(argc - 1, argv + 1);
    cxf_cli_error(DEVCTL, "unknown subcommand '%s' (try '" DEVCTL " --help')", argv[1]);
    return DEVCTL_EXIT_USAGE;
}
