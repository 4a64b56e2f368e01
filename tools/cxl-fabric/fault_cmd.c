/*
 * cxl-fabric fault - inject faults into the running fabric: a link down or
 * up, a node failing, poison on a pool device line (docs/protocol.md,
 * "Topology and faults").
 */
#include "fabric_cli.h"
#include "tools/common/render.h"

#include <json-c/json.h>
#include <stdbool.h>

/* link-down, link-up, node-fail: {"link"|"node", "state"} */
static void show_state(struct cxf_cmdline *cl, struct json_object *r)
{
    (void)cl;
    bool link = cxf_jget(r, "link") != NULL;
    printf("%s %s is %s\n", link ? "link" : "node", cxf_jstr(r, link ? "link" : "node"),
           cxf_jstr(r, "state"));
}

static void show_poison(struct cxf_cmdline *cl, struct json_object *r)
{
    (void)cl;
    printf("poisoned the 64-byte line at DPA %s of %s\n", cxf_jstr(r, "dpa"),
           cxf_jstr(r, "memdev"));
}

/* Exactly one of the two ways to name the line, each complete. */
static int poison_check(struct cxf_cmdline *cl)
{
    bool memdev = cxf_jget(cl->args, "memdev"), dpa = cxf_jget(cl->args, "dpa");
    bool vm = cxf_jget(cl->args, "vm"), gpa = cxf_jget(cl->args, "gpa");
    if ((memdev || dpa) && (vm || gpa))
        return cxf_cmdline_error(cl, "give either --memdev and --dpa, or --vm and --gpa");
    if (memdev != dpa)
        return cxf_cmdline_error(cl, "--memdev and --dpa go together");
    if (vm != gpa)
        return cxf_cmdline_error(cl, "--vm and --gpa go together");
    if (!memdev && !vm)
        return cxf_cmdline_error(cl, "missing the line: --memdev DEV --dpa ADDR, or --vm VM "
                                     "--gpa ADDR");
    return 0;
}

static const struct cxf_opt link_opts[] = {
    {.name = "LINK", .kind = CXF_OPT_STR, .flags = CXF_OPT_POSITIONAL | CXF_OPT_REQUIRED,
     .key = "link", .help = "the link's name ('cxl-fabric topo' lists them)"},
    {NULL},
};

static const struct cxf_opt node_opts[] = {
    {.name = "NODE", .kind = CXF_OPT_NAME, .flags = CXF_OPT_POSITIONAL | CXF_OPT_REQUIRED,
     .key = "node", .help = "the node that fails"},
    {NULL},
};

static const struct cxf_opt poison_opts[] = {
    {.name = "memdev", .metavar = "DEV", .kind = CXF_OPT_NAME, .help = "a pool device"},
    {.name = "dpa", .metavar = "ADDR", .kind = CXF_OPT_SIZE,
     .help = "a device physical address on it"},
    {.name = "vm", .metavar = "VM", .kind = CXF_OPT_NAME,
     .help = "or a VM whose page at --gpa lives in pool memory"},
    {.name = "gpa", .metavar = "ADDR", .kind = CXF_OPT_SIZE, .help = "the guest physical address"},
    {NULL},
};

const struct cxf_subcmd cxf_fault_subcmds[] = {
    {.name = "link-down", .cmd = "fault.link-down", .opts = link_opts, .show = show_state,
     .summary = "take a link down: transactions on it fail; a post-copy VM behind it stalls "
                "(postcopy-paused)"},
    {.name = "link-up", .cmd = "fault.link-up", .opts = link_opts, .show = show_state,
     .summary = "bring a link back up"},
    {.name = "node-fail", .cmd = "fault.node-fail", .opts = node_opts, .show = show_state,
     .summary = "fail a node: its bridge stops answering, its memory and its VMs are lost"},
    {.name = "poison", .cmd = "fault.poison", .opts = poison_opts, .check = poison_check,
     .show = show_poison,
     .summary = "poison the 64-byte line of a pool device at a DPA, or under a VM's GPA"},
    {NULL},
};
