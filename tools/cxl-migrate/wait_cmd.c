/*
 * cxl-migrate wait - block until a VM's migration ends (migrate.wait) and
 * exit with what it came to: 0 when it completed and the VM runs on the
 * destination, 1 when it failed, was cancelled, or the VM was lost, with
 * one line saying which. status --watch ends the same way.
 */
#include "migrate_cli.h"
#include "tools/common/cli.h"
#include "tools/common/render.h"

#include <json-c/json.h>
#include <string.h>

static bool succeeded(struct json_object *m)
{
    return !strcmp(cxf_jstr(m, "status"), "completed") &&
           !strcmp(cxf_jstr(m, "vm-outcome"), "running-on-destination");
}

/* "the VM runs on node1", "the VM is lost" */
static const char *fate(char *buf, size_t len, struct json_object *m)
{
    const char *o = cxf_jstr(m, "vm-outcome");
    if (!strcmp(o, "running-on-destination") || !strcmp(o, "running-on-source"))
        snprintf(buf, len, "the VM runs on %s",
                 cxf_jstr(m, strcmp(o, "running-on-source") ? "destination" : "source"));
    else
        snprintf(buf, len, "the VM is %s", o);
    return buf;
}

void cxf_mig_show_outcome(struct cxf_cmdline *cl, struct json_object *m)
{
    (void)cl;
    char size[32], where[64], total[32], down[32];
    if (succeeded(m))
        printf("%s: completed: %s migration from %s to %s in %s (downtime %s, %s "
               "transferred); %s\n",
               cxf_jstr(m, "vm"), cxf_jstr(m, "mode"), cxf_jstr(m, "source"),
               cxf_jstr(m, "destination"),
               cxf_fmt_ms(total, sizeof(total), cxf_jnum(m, "total-time")),
               cxf_fmt_ms(down, sizeof(down), cxf_jnum(m, "downtime")),
               cxf_fmt_size(size, sizeof(size), cxf_ju64(m, "ram.transferred")),
               fate(where, sizeof(where), m));
}

int cxf_mig_verdict(struct cxf_cmdline *cl, struct json_object *m)
{
    if (succeeded(m))
        return CXF_EXIT_OK;
    char where[64];
    bool why = cxf_jget(m, "reason") != NULL;
    cxf_cli_error(cl->prog, "%s: migration %s%s%s%s; %s", cxf_jstr(m, "vm"),
                  cxf_jstr(m, "status"), why ? " (" : "", why ? cxf_jstr(m, "reason") : "",
                  why ? ")" : "", fate(where, sizeof(where), m));
    return CXF_EXIT_FAIL;
}

const struct cxf_opt cxf_mig_wait_opts[] = {
    {.name = "VM", .kind = CXF_OPT_NAME, .flags = CXF_OPT_POSITIONAL | CXF_OPT_REQUIRED,
     .key = "vm", .help = "the migrating VM"},
    {.name = "timeout", .metavar = "DURATION", .kind = CXF_OPT_DURATION,
     .help = "give up after this much virtual time, e.g. 500ms or 2s (exit 1)"},
    {NULL},
};
