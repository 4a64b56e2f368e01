/*
 * cxl-fabric vm - VMs on the daemon's nodes: create, list, stats, pause,
 * resume, destroy, verify (docs/protocol.md, "VMs").
 */
#include "fabric_cli.h"
#include "node/node.h" /* CXF_MAX_VCPUS */
#include "tools/common/cli.h"
#include "tools/common/render.h"

#include <json-c/json.h>
#include <string.h>

/* ------------------------------------------------------------- shows */

static void show_vm(struct cxf_cmdline *cl, struct json_object *vm)
{
    (void)cl;
    struct json_object *one = json_object_new_array();
    json_object_array_add(one, json_object_get(vm));
    cxf_vm_table_print(one);
    json_object_put(one);
}

static void show_list(struct cxf_cmdline *cl, struct json_object *r)
{
    (void)cl;
    cxf_vm_table_print(cxf_jget(r, "vms"));
}

static void show_destroyed(struct cxf_cmdline *cl, struct json_object *r)
{
    (void)cl;
    printf("destroyed VM %s\n", cxf_jstr(r, "destroyed"));
}

static void show_verdict(struct cxf_cmdline *cl, struct json_object *r)
{
    (void)cl;
    printf("%s: integrity %s (%s ops, VM %s; hash %s, reference %s; verifier %s)\n",
           cxf_jstr(r, "vm"), cxf_jstr(r, "integrity"), cxf_jstr(r, "ops"),
           cxf_jstr(r, "vm_state"), cxf_jstr(r, "hash"), cxf_jstr(r, "reference_hash"),
           cxf_jstr(r, "verifier"));
}

/* Only a bit-exact match is a success. */
static int verdict(struct cxf_cmdline *cl, struct json_object *r)
{
    (void)cl;
    return strcmp(cxf_jstr(r, "integrity"), "match") ? CXF_EXIT_FAIL : CXF_EXIT_OK;
}

/* ----------------------------------------------------------- options */

static int no_start(struct cxf_cmdline *cl, const struct cxf_opt *o, const char *value)
{
    (void)value;
    return cxf_cmdline_set(cl, o, json_object_new_boolean(0));
}

#define VM_ARG                                                                             \
    {.name = "VM", .kind = CXF_OPT_NAME, .flags = CXF_OPT_POSITIONAL | CXF_OPT_REQUIRED,    \
     .key = "vm", .help = "the VM's name"}

static const struct cxf_opt create_opts[] = {
    {.name = "NAME", .kind = CXF_OPT_NAME, .flags = CXF_OPT_POSITIONAL | CXF_OPT_REQUIRED,
     .key = "name", .help = "the new VM's name"},
    {.name = "node", .metavar = "NODE", .kind = CXF_OPT_NAME,
     .help = "the node it runs on (default: the first)"},
    {.name = "mem", .metavar = "SIZE", .kind = CXF_OPT_SIZE, .lo = 4096,
     .help = "guest memory, a multiple of 4K (default 64M)"},
    {.name = "vcpus", .metavar = "N", .kind = CXF_OPT_UINT, .lo = 1, .hi = CXF_MAX_VCPUS,
     .help = "vCPUs (default 1)"},
    {.name = "workload", .metavar = "SPEC", .kind = CXF_OPT_STR,
     .help = "what each vCPU runs, e.g. kv:keys=4096,mix=B (docs/workloads.md; default idle)"},
    {.name = "seed", .metavar = "N", .kind = CXF_OPT_UINT, .hi = UINT64_MAX - 1,
     .help = "the workload's random seed (default 1)"},
    {.name = "ops", .metavar = "N", .kind = CXF_OPT_UINT, .hi = UINT64_MAX - 1,
     .help = "operations to run, then stop (default 0: run until stopped)"},
    {.name = "devices", .metavar = "LIST", .kind = CXF_OPT_STR,
     .help = "virtual devices (default net,blk; '' for none)"},
    {.name = "timeline", .metavar = "DURATION", .kind = CXF_OPT_DURATION, .lo = 1,
     .help = "throughput sampling interval (default 1ms)"},
    {.name = "no-start", .kind = CXF_OPT_CUSTOM, .key = "start", .parse = no_start,
     .help = "create it paused ('vm resume' starts it)"},
    {NULL},
};

static const struct cxf_opt stats_opts[] = {
    VM_ARG,
    {.name = "timeline", .kind = CXF_OPT_FLAG,
     .help = "add the operations done in each sampling interval"},
    {NULL},
};

static const struct cxf_opt vm_opts[] = {VM_ARG, {NULL}};

const struct cxf_subcmd cxf_vm_subcmds[] = {
    {.name = "create", .cmd = "vm.create", .opts = create_opts, .show = show_vm,
     .summary = "create a VM on a node and start its workload"},
    {.name = "list", .cmd = "vm.list", .show = show_list,
     .summary = "every VM: node, state, memory, workload, operations, migration"},
    {.name = "stats", .cmd = "vm.stats", .opts = stats_opts, .show = cxf_vm_stats_print,
     .summary = "a VM's operations, virtual time, accesses by class, latency percentiles, stall"},
    {.name = "pause", .cmd = "vm.pause", .opts = vm_opts, .show = show_vm,
     .summary = "stop a running VM at an operation boundary"},
    {.name = "resume", .cmd = "vm.resume", .opts = vm_opts, .show = show_vm,
     .summary = "run a paused VM (or one created with --no-start)"},
    {.name = "destroy", .cmd = "vm.destroy", .opts = vm_opts, .show = show_destroyed,
     .summary = "destroy a VM and free its memory"},
    {.name = "verify", .cmd = "vm.verify", .opts = vm_opts, .show = show_verdict,
     .verdict = verdict,
     .summary = "compare a stopped VM's memory with a replay never migrated; exit 0 only on "
                "a match"},
    {NULL},
};
