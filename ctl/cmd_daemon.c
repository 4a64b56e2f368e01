/*
 * ctl/cmd_daemon.c - commands about the control plane itself: help,
 * daemon.info, daemon.pace, daemon.shutdown.
 */
#include "ctl_priv.h"

#include <errno.h>

static int help(struct cxf_ctl *c, struct json_object *args, struct json_object **result,
                struct cxf_ctl_wait *wait, struct cxf_err *e)
{
    (void)c, (void)args, (void)wait, (void)e;
    size_t n;
    const struct cxf_ctl_cmd_info *all = cxf_ctl_commands(&n);
    struct json_object *arr = json_object_new_array();
    for (size_t i = 0; i < n; i++) {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "cmd", json_object_new_string(all[i].name));
        json_object_object_add(o, "args", json_object_new_string(all[i].args));
        json_object_object_add(o, "summary", json_object_new_string(all[i].summary));
        json_object_array_add(arr, o);
    }
    *result = json_object_new_object();
    json_object_object_add(*result, "commands", arr);
    return 0;
}

static int info(struct cxf_ctl *c, struct json_object *args, struct json_object **result,
                struct cxf_ctl_wait *wait, struct cxf_err *e)
{
    (void)args, (void)wait, (void)e;
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "name", json_object_new_string("cxl-fabricd"));
    json_object_object_add(o, "version", json_object_new_string(CXF_VERSION));
    json_object_object_add(o, "protocol", json_object_new_int(CXF_PROTOCOL_VERSION));
    json_object_object_add(o, "config", json_object_new_string(c->config_source));
    json_object_object_add(o, "virtual_time_ns", json_object_new_uint64(c->w->sim.now));
    unsigned vms = 0;
    for (unsigned i = 0; i < c->w->nnodes; i++)
        for (const struct cxf_vm *vm = c->w->node[i].vms; vm; vm = vm->next)
            vms += cxf_world_vm(c->w, vm->name) == vm;
    json_object_object_add(o, "vms", json_object_new_int((int)vms));
    if (c->daemon && c->daemon->info)
        c->daemon->info(c->daemon->ctx, o);
    *result = o;
    return 0;
}

static int pace(struct cxf_ctl *c, struct json_object *args, struct json_object **result,
                struct cxf_ctl_wait *wait, struct cxf_err *e)
{
    const char *p = NULL;
    int rc = cxf_arg_str(args, "pace", true, &p, e);
    if (rc)
        return rc;
    if (!c->daemon || !c->daemon->set_pace)
        return cxf_fail(e, -ENOTSUP, "no daemon here to pace");
    rc = c->daemon->set_pace(c->daemon->ctx, p, e);
    return rc ? rc : info(c, args, result, wait, e);
}

static int shutdown_cmd(struct cxf_ctl *c, struct json_object *args, struct json_object **result,
                        struct cxf_ctl_wait *wait, struct cxf_err *e)
{
    (void)args, (void)wait;
    if (!c->daemon || !c->daemon->shutdown)
        return cxf_fail(e, -ENOTSUP, "no daemon here to shut down");
    c->daemon->shutdown(c->daemon->ctx);
    *result = json_object_new_object();
    json_object_object_add(*result, "shutting_down", json_object_new_boolean(1));
    return 0;
}

static const char *const no_keys[] = {NULL};
static const char *const pace_keys[] = {"pace", NULL};

const struct cxf_ctl_cmd cxf_ctl_daemon_cmds[] = {
    {{"help", "", "every command with its arguments"}, no_keys, help},
    {{"daemon.info", "", "version, protocol, configuration, virtual time, pacing"}, no_keys, info},
    {{"daemon.pace", "pace", "pace virtual time: realtime, Nx (e.g. 10x) or max"}, pace_keys,
     pace},
    {{"daemon.shutdown", "", "stop the daemon cleanly (as SIGTERM does)"}, no_keys, shutdown_cmd},
    {{NULL, NULL, NULL}, NULL, NULL},
};
