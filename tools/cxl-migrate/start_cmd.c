/*
 * cxl-migrate start and cancel. start's options are migrate.start's
 * parameters (QEMU's names where QEMU has the parameter); the mode is one
 * flag, --precopy, --postcopy (the default), --hybrid[=ROUNDS] or
 * --pool-staged.
 */
#include "migrate_cli.h"
#include "sim/parse.h"
#include "tools/common/render.h"

#include <json-c/json.h>
#include <string.h>

/* --precopy, --postcopy, --pool-staged: the option's name is the mode. */
static int mode_flag(struct cxf_cmdline *cl, const struct cxf_opt *o, const char *value)
{
    (void)value;
    if (cxf_jget(cl->args, "mode"))
        return cxf_cmdline_error(cl, "give one mode: --precopy, --postcopy, --hybrid or "
                                     "--pool-staged");
    return cxf_cmdline_set(cl, o, json_object_new_string(o->name));
}

/* --hybrid[=ROUNDS]: pre-copy rounds before post-copy */
static int hybrid(struct cxf_cmdline *cl, const struct cxf_opt *o, const char *value)
{
    uint64_t rounds = 0;
    if (value && (cxf_parse_u64(value, false, &rounds) || rounds < 1 || rounds > 1000))
        return cxf_cmdline_error(cl, "--hybrid=ROUNDS: '%.20s' is not a number of rounds from 1 "
                                     "to 1000", value);
    if (mode_flag(cl, o, NULL))
        return -1;
    if (value)
        json_object_object_add(cl->args, "hybrid-rounds", json_object_new_uint64(rounds));
    return 0;
}

/* fabric, net, or net:RATE */
static int transport(struct cxf_cmdline *cl, const struct cxf_opt *o, const char *value)
{
    uint64_t rate = 0;
    bool ok = !strcmp(value, "fabric") || !strcmp(value, "net") ||
              (!strncmp(value, "net:", 4) && !cxf_parse_rate(value + 4, &rate) && rate);
    if (!ok)
        return cxf_cmdline_error(cl, "--transport: '%.40s' is not fabric, net or net:RATE (a "
                                     "rate such as 25Gbit, not 0)", value);
    return cxf_cmdline_set(cl, o, json_object_new_string(value));
}

#define MODE(nm, what)                                                                    \
    {.name = nm, .kind = CXF_OPT_CUSTOM, .key = "mode", .parse = mode_flag, .help = what}
#define COUNT(nm, meta, l, h, what)                                                        \
    {.name = nm, .metavar = meta, .kind = CXF_OPT_UINT, .lo = l, .hi = h, .help = what}

static const char *const policies[] = {"linear", "hot-first", "prefetch", NULL};
static const char *const actions[] = {"force", "fail", NULL};

const struct cxf_opt cxf_mig_start_opts[] = {
    {.name = "VM", .kind = CXF_OPT_NAME, .flags = CXF_OPT_POSITIONAL | CXF_OPT_REQUIRED,
     .key = "vm", .help = "the VM to migrate"},
    {.name = "to", .metavar = "NODE", .kind = CXF_OPT_NAME, .flags = CXF_OPT_REQUIRED,
     .help = "the destination node"},
    MODE("precopy", "copy in rounds while the VM runs, then stop and copy the rest"),
    MODE("postcopy", "switch over at once, pull pages from the source through the fabric "
                     "(the default)"),
    {.name = "hybrid", .metavar = "ROUNDS", .kind = CXF_OPT_CUSTOM, .flags = CXF_OPT_MAYBE_VALUE,
     .key = "mode", .parse = hybrid, .help = "up to ROUNDS pre-copy rounds (default 1; fewer when the rest fits the downtime limit), then post-copy"},
    MODE("pool-staged", "stage pages in the shared pool first, so a source failure loses "
                        "nothing"),
    {.name = "downtime-limit", .metavar = "MS", .kind = CXF_OPT_DURATION, .lo = 1000000,
     .help = "pre-copy switches over when the rest fits in it (default 300; a bare number is "
             "ms)"},
    {.name = "max-bandwidth", .metavar = "RATE", .kind = CXF_OPT_RATE,
     .help = "cap on migration traffic, e.g. 1GB/s or 10Gbit (default: none)"},
    COUNT("max-rounds", "N", 1, 100000, "pre-copy rounds before --max-rounds-action (default 30)"),
    {.name = "max-rounds-action", .metavar = "ACTION", .kind = CXF_OPT_CHOICE,
     .choices = actions, .help = "after --max-rounds: force a switch-over or fail"},
    {.name = "auto-converge", .kind = CXF_OPT_FLAG,
     .help = "throttle the vCPUs when they dirty pages faster than they are sent"},
    COUNT("throttle-initial", "PCT", 1, 99, "first throttle step, percent (default 20)"),
    COUNT("throttle-increment", "PCT", 1, 99, "each further step, percent (default 10)"),
    COUNT("throttle-max", "PCT", 1, 99, "throttle ceiling, percent (default 99)"),
    {.name = "policy", .metavar = "POLICY", .kind = CXF_OPT_CHOICE, .choices = policies,
     .help = "post-copy background order"},
    COUNT("touch-threshold", "N", 1, 1000000,
          "remote accesses to a page before it is pulled on touch (default 1)"),
    COUNT("prefetch-window", "PAGES", 0, 4096,
          "pages pulled around a touched page with --policy prefetch (default 8)"),
    COUNT("batch-pages", "PAGES", 1, 256, "pages per transfer batch (default 32)"),
    {.name = "transport", .metavar = "HOW", .kind = CXF_OPT_CUSTOM, .parse = transport,
     .help = "fabric (bridge to bridge through the switch, the default), net or net:RATE"},
    {.name = "net-bandwidth", .metavar = "RATE", .kind = CXF_OPT_RATE, .lo = 1,
     .help = "the network transport's rate (default 25Gbit)"},
    {.name = "net-latency", .metavar = "DURATION", .kind = CXF_OPT_DURATION, .lo = 1,
     .help = "the network transport's per-request latency (default 30us; a bare number is ns)"},
    {NULL},
};

const struct cxf_opt cxf_mig_vm_opts[] = {
    {.name = "VM", .kind = CXF_OPT_NAME, .flags = CXF_OPT_POSITIONAL | CXF_OPT_REQUIRED,
     .key = "vm", .help = "the migrating VM"},
    {NULL},
};

void cxf_mig_show_started(struct cxf_cmdline *cl, struct json_object *m)
{
    (void)cl;
    printf("%s: %s migration %s from %s to %s started (%s)\n", cxf_jstr(m, "vm"),
           cxf_jstr(m, "mode"), cxf_jstr(m, "id"), cxf_jstr(m, "source"),
           cxf_jstr(m, "destination"), cxf_jstr(m, "status"));
}

void cxf_mig_show_cancel(struct cxf_cmdline *cl, struct json_object *m)
{
    (void)cl;
    printf("%s: migration %s is %s\n", cxf_jstr(m, "vm"), cxf_jstr(m, "id"),
           cxf_jstr(m, "status"));
}
