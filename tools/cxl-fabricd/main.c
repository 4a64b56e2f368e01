/*
 * cxl-fabricd - the emulator daemon: the fabric, its nodes and their VMs in
 * virtual time, driven through a unix control socket (docs/protocol.md).
 *
 *   cxl-fabricd [--config FILE] [--socket PATH] [--pace realtime|Nx|max]
 *               [--daemon [--log FILE]]
 *   cxl-fabricd --scenario FILE [--json]
 */
#include "fabricd.h"
#include "scenario_cmd.h"
#include "tools/common/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: " FABRICD_PROG " [OPTIONS]\n"
            "       " FABRICD_PROG " --scenario FILE [--json]\n"
            "\n"
            "Run the CXL fabric emulator and serve its control socket.\n"
            "\n"
            "  -c, --config FILE     topology (docs/config.md); default: the embedded one\n"
            "                        (2 nodes, 1 switch, 2 pool MLDs, a bridge per node)\n"
            "  -s, --socket PATH     control socket (default: $CXLFAB_SOCKET, else\n"
            "                        $XDG_RUNTIME_DIR/cxlfab/fabricd.sock, else\n"
            "                        /run/cxlfab/fabricd.sock as root)\n"
            "  -p, --pace PACE       virtual time: realtime (default), a multiple (10x,\n"
            "                        0.5x) or max (as fast as the host can)\n"
            "  -d, --daemon          run in the background once the socket listens\n"
            "  -f, --foreground      stay in the foreground (the default)\n"
            "  -l, --log FILE        with --daemon: where messages go (default SOCKET.log)\n"
            "      --scenario FILE   run a scripted experiment headless and report\n"
            "                        (docs/scenarios.md); exit 0 when its outcome is the\n"
            "                        expected one\n"
            "  -j, --json            with --scenario: print the result as JSON\n"
            "  -V, --version         print the version\n"
            "  -h, --help            print this help\n"
            "\n"
            "Drive it with cxl-fabric and cxl-migrate (docs/user-guide.md).\n");
}

enum { OPT_SCENARIO = 256 };

struct args {
    struct daemon_opts d;
    const char *scenario;
    bool json, foreground;
};

static int parse(int argc, char **argv, struct args *a)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'}, {"socket", required_argument, NULL, 's'},
        {"pace", required_argument, NULL, 'p'},   {"daemon", no_argument, NULL, 'd'},
        {"foreground", no_argument, NULL, 'f'},   {"log", required_argument, NULL, 'l'},
        {"scenario", required_argument, NULL, OPT_SCENARIO},
        {"json", no_argument, NULL, 'j'},          {"version", no_argument, NULL, 'V'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
    };
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":c:s:p:dfl:jVh", opts, NULL)) != -1) {
        switch (c) {
        case 'c': a->d.config = optarg; break;
        case 's': a->d.socket = optarg; break;
        case 'p': a->d.pace = optarg; break;
        case 'd': a->d.detach = true; break;
        case 'f': a->foreground = true; break;
        case 'l': a->d.log = optarg; break;
        case OPT_SCENARIO: a->scenario = optarg; break;
        case 'j': a->json = true; break;
        case 'V': printf(FABRICD_PROG " %s (protocol %d)\n", CXF_VERSION, CXF_PROTOCOL_VERSION); return 0;
        case 'h': usage(stdout); return 0;
        default: cxf_cli_getopt_error(FABRICD_PROG, c, argv); return CXF_EXIT_USAGE;
        }
    }
    return -1;
}

/* Options that make no sense together: one line each. */
static int check(int argc, char **argv, const struct args *a)
{
    const char *bad = NULL;
    if (optind < argc)
        cxf_cli_error(FABRICD_PROG, "unexpected argument '%s' (try --help)", argv[optind]);
    else if (a->d.detach && a->foreground)
        bad = "--daemon and --foreground contradict each other";
    else if (a->d.log && !a->d.detach)
        bad = "--log only applies with --daemon (in the foreground messages go to stderr)";
    else if (a->json && !a->scenario)
        bad = "--json only applies with --scenario";
    else if (a->scenario && (a->d.socket || a->d.detach || a->d.pace || a->d.config))
        bad = "--scenario runs headless at --pace max with its own topology; it takes no "
              "--socket, --daemon, --pace or --config";
    else
        return 0;
    if (bad)
        cxf_cli_error(FABRICD_PROG, "%s", bad);
    return CXF_EXIT_USAGE;
}

int main(int argc, char **argv)
{
    struct args a = {0};
    int rc = parse(argc, argv, &a);
    if (rc >= 0)
        return rc;
    if ((rc = check(argc, argv, &a)))
        return rc;
    if (a.scenario)
        return fabricd_scenario(a.scenario, a.json);
    return daemon_run(&a.d);
}
