/*
 * ctl/cmd_vm.c - vm.* commands: create, list, stats, pause, resume,
 * destroy, verify.
 */
#include "ctl_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct json_object *cxf_ctl_vm_summary(struct cxf_ctl *c, const struct cxf_vm *vm)
{
    struct json_object *o = cxf_vm_summary_json(vm);
    const struct cxf_migration *m = cxf_world_migration(c->w, vm->name);
    if (m)
        json_object_object_add(o, "migration",
                               json_object_new_string(cxf_mig_status_name(cxf_migration_status(m))));
    return o;
}

/* vm.create: the VM's configuration from args, over the node defaults. */
static int vm_config(struct cxf_ctl *c, struct json_object *args, struct cxf_vm_config *vc,
                     unsigned *node, bool *start, struct cxf_err *e)
{
    cxf_vm_config_default(vc);
    int rc = cxf_arg_name(args, "name", true, &vc->name, e);
    if (!rc)
        rc = cxf_ctl_node(c, args, "node", false, node, e);
    if (!rc)
        rc = cxf_arg_u64(args, "mem", false, CXF_PAGE_SIZE, c->w->fab->host[*node].dram_size, true,
                         &vc->mem_size, e);
    if (!rc)
        rc = cxf_arg_unsigned(args, "vcpus", false, 1, CXF_MAX_VCPUS, &vc->vcpus, e);
    if (!rc)
        rc = cxf_arg_str(args, "workload", false, &vc->workload, e);
    if (!rc)
        rc = cxf_arg_u64(args, "seed", false, 0, UINT64_MAX - 1, false, &vc->seed, e);
    if (!rc)
        rc = cxf_arg_u64(args, "ops", false, 0, UINT64_MAX - 1, false, &vc->ops, e);
    if (!rc)
        rc = cxf_arg_str(args, "devices", false, &vc->devices, e);
    if (!rc)
        rc = cxf_arg_duration(args, "timeline", false, 1, &vc->timeline_ns, e);
    if (!rc)
        rc = cxf_arg_bool(args, "start", start, e);
    if (!rc && vc->mem_size % CXF_PAGE_SIZE)
        rc = cxf_fail(e, -EINVAL, "argument 'mem' must be a multiple of 4K");
    if (!rc && vc->timeline_ns && vc->timeline_ns < CXF_US(10))
        rc = cxf_fail(e, -EINVAL, "argument 'timeline' must be at least 10us");
    return rc;
}

static int vm_create(struct cxf_ctl *c, struct json_object *args, struct json_object **result,
                     struct cxf_ctl_wait *wait, struct cxf_err *e)
{
    (void)wait;
    struct cxf_vm_config vc;
    unsigned node = 0;
    bool start = true;
    int rc = vm_config(c, args, &vc, &node, &start, e);
    if (rc)
        return rc;
    if (cxf_world_vm(c->w, vc.name))
        return cxf_fail(e, -EEXIST, "a VM named '%s' exists already", vc.name);
    if (c->w->fab->host[node].failed)
        return cxf_fail(e, -EHOSTDOWN, "node %s has failed: it runs no VM",
                        cxf_node_name(&c->w->node[node]));
    struct cxf_vm *vm;
    rc = cxf_vm_create(&vm, &c->w->node[node], &vc, e);
    if (rc)
        return rc;
    if (start)
        cxf_vm_start(vm);
    *result = cxf_ctl_vm_summary(c, vm);
    return 0;
}

static int vm_list(struct cxf_ctl *c, struct json_object *args, struct json_object **result,
                   struct cxf_ctl_wait *wait, struct cxf_err *e)
{
    (void)args, (void)wait, (void)e;
    struct json_object *arr = json_object_new_array();
    for (unsigned i = 0; i < c->w->nnodes; i++)
        for (const struct cxf_vm *vm = c->w->node[i].vms; vm; vm = vm->next)
            /* a migration's hidden half (the other side of the same name) is
             * not a VM of its own */
            if (cxf_world_vm(c->w, vm->name) == vm)
                json_object_array_add(arr, cxf_ctl_vm_summary(c, vm));
    *result = json_object_new_object();
    json_object_object_add(*result, "vms", arr);
    return 0;
}

static struct json_object *timeline_json(const struct cxf_vm *vm)
{
    struct json_object *o = json_object_new_object(), *ops = json_object_new_array();
    json_object_object_add(o, "interval_ns", json_object_new_uint64(vm->timeline_ns));
    for (size_t i = 0; i < vm->timeline_len; i++)
        json_object_array_add(ops, json_object_new_uint64(vm->timeline[i]));
    json_object_object_add(o, "ops", ops);
    return o;
}

static int vm_stats(struct cxf_ctl *c, struct json_object *args, struct json_object **result,
                    struct cxf_ctl_wait *wait, struct cxf_err *e)
{
    (void)wait;
    struct cxf_vm *vm;
    bool timeline = false;
    int rc = cxf_ctl_vm(c, args, &vm, e);
    if (!rc)
        rc = cxf_arg_bool(args, "timeline", &timeline, e);
    if (rc)
        return rc;
    *result = cxf_vm_stats_json(vm);
    json_object_object_add(*result, "seed", json_object_new_uint64(vm->seed));
    json_object_object_add(*result, "devices", json_object_new_string(vm->devices));
    if (timeline)
        json_object_object_add(*result, "timeline", timeline_json(vm));
    return 0;
}

/* The VM named in args, refusing while a migration owns its run state:
 * pausing or resuming a VM in the middle of a switch-over would fight the
 * migration engine. */
static int vm_not_migrating(struct cxf_ctl *c, struct json_object *args, struct cxf_vm **vm,
                            struct cxf_err *e)
{
    int rc = cxf_ctl_vm(c, args, vm, e);
    if (rc)
        return rc;
    const struct cxf_migration *m = cxf_world_migration(c->w, (*vm)->name);
    if (m && !cxf_migration_finished(m))
        return cxf_fail(e, -EBUSY, "VM %s is migrating (%s); cancel or wait for it first",
                        (*vm)->name, cxf_mig_status_name(cxf_migration_status(m)));
    return 0;
}

static int vm_pause(struct cxf_ctl *c, struct json_object *args, struct json_object **result,
                    struct cxf_ctl_wait *wait, struct cxf_err *e)
{
    (void)wait;
    struct cxf_vm *vm;
    int rc = vm_not_migrating(c, args, &vm, e);
    if (rc)
        return rc;
    if (vm->state != CXF_VM_RUNNING)
        return cxf_fail(e, -EINVAL, "VM %s is %s, not running", vm->name,
                        cxf_vm_state_name(vm->state));
    cxf_vm_pause(vm);
    *result = cxf_ctl_vm_summary(c, vm);
    return 0;
}

static int vm_resume(struct cxf_ctl *c, struct json_object *args, struct json_object **result,
                     struct cxf_ctl_wait *wait, struct cxf_err *e)
{
    (void)wait;
    struct cxf_vm *vm;
    int rc = vm_not_migrating(c, args, &vm, e);
    if (rc)
        return rc;
    if (vm->state == CXF_VM_CREATED)
        cxf_vm_start(vm);
    else if (vm->state == CXF_VM_PAUSED)
        cxf_vm_resume(vm);
    else
        return cxf_fail(e, -EINVAL, "VM %s is %s; only a paused or created VM resumes", vm->name,
                        cxf_vm_state_name(vm->state));
    *result = cxf_ctl_vm_summary(c, vm);
    return 0;
}

static int vm_destroy(struct cxf_ctl *c, struct json_object *args, struct json_object **result,
                      struct cxf_ctl_wait *wait, struct cxf_err *e)
{
    (void)wait;
    struct cxf_vm *vm;
    int rc = cxf_ctl_vm(c, args, &vm, e);
    if (rc)
        return rc;
    char name[CXF_NAME_MAX];
    snprintf(name, sizeof(name), "%s", vm->name);
    rc = cxf_world_vm_destroy(c->w, vm, e);
    if (rc)
        return rc;
    *result = json_object_new_object();
    json_object_object_add(*result, "destroyed", json_object_new_string(name));
    return 0;
}

static int vm_verify(struct cxf_ctl *c, struct json_object *args, struct json_object **result,
                     struct cxf_ctl_wait *wait, struct cxf_err *e)
{
    struct cxf_vm *vm;
    int rc = vm_not_migrating(c, args, &vm, e);
    if (rc)
        return rc;
    if (!wait)
        return cxf_fail(e, -ENOTSUP, "vm.verify answers later; only the daemon runs it");
    return cxf_ctl_verify_start(c, vm, result, wait, e);
}

static const char *const create_keys[] = {"name", "node", "mem", "vcpus", "workload", "seed",
                                          "ops", "devices", "timeline", "start", NULL};
static const char *const vm_key[] = {"vm", NULL};
static const char *const stats_keys[] = {"vm", "timeline", NULL};
static const char *const no_keys[] = {NULL};

const struct cxf_ctl_cmd cxf_ctl_vm_cmds[] = {
    {{"vm.create", "name, node, mem, vcpus, workload, seed, ops, devices, timeline, start",
      "create a VM (and run its workload's load phase); it starts unless start is false"},
     create_keys, vm_create},
    {{"vm.list", "", "every VM: node, state, workload, operations"}, no_keys, vm_list},
    {{"vm.stats", "vm, timeline", "a VM's counters, access classes and latency histograms"},
     stats_keys, vm_stats},
    {{"vm.pause", "vm", "stop a running VM at an operation boundary"}, vm_key, vm_pause},
    {{"vm.resume", "vm", "run a paused (or created) VM"}, vm_key, vm_resume},
    {{"vm.destroy", "vm", "destroy a VM and free its memory"}, vm_key, vm_destroy},
    {{"vm.verify", "vm",
      "compare a stopped VM's memory with a replay of the same VM never migrated (answers later)"},
     vm_key, vm_verify},
    {{NULL, NULL, NULL}, NULL, NULL},
};
