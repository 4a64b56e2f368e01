/*
 * migrate/world.c - the whole emulated system: fabric, virtual time, and a
 * node for every fabric host.
 */
#include "mig_priv.h"

#include <stdlib.h>
#include <string.h>

int cxf_world_create(struct cxf_world **out, const char *config_json,
                     const struct cxf_node_config *nc, struct cxf_err *e)
{
    struct cxf_world *w = calloc(1, sizeof(*w));
    if (!w)
        return cxf_fail(e, -ENOMEM, "out of memory");
    int rc = cxf_fabric_from_json(&w->fab, config_json ? config_json : cxf_default_config, e);
    if (rc) {
        free(w);
        return rc;
    }
    cxf_sim_init(&w->sim);
    cxf_fabric_set_clock(w->fab, &w->sim);
    struct cxf_node_config def;
    cxf_node_config_default(&def);
    for (; w->nnodes < w->fab->nhosts; w->nnodes++) {
        rc = cxf_node_init(&w->node[w->nnodes], w->fab, &w->sim, w->nnodes, nc ? nc : &def, e);
        if (rc) {
            cxf_world_free(w);
            return rc;
        }
    }
    *out = w;
    return 0;
}

void cxf_world_free(struct cxf_world *w)
{
    if (!w)
        return;
    while (w->migs) {
        struct cxf_migration *m = w->migs;
        w->migs = m->next;
        cxf_mig_free(m);
    }
    for (unsigned i = 0; i < w->nnodes; i++)
        cxf_node_fini(&w->node[i]);
    cxf_fabric_free(w->fab);
    cxf_sim_fini(&w->sim);
    free(w);
}

int cxf_world_node_by_name(const struct cxf_world *w, const char *name)
{
    return cxf_fabric_host_by_name(w->fab, name);
}

struct cxf_vm *cxf_world_vm(struct cxf_world *w, const char *name)
{
    /* during a migration the source and the destination share the name:
     * the VM is the source until switch-over, the destination after */
    const struct cxf_migration *m = cxf_world_migration(w, name);
    if (m && !cxf_migration_finished(m))
        return m->t_switch_end ? m->dst_vm : m->src_vm;
    for (unsigned i = 0; i < w->nnodes; i++) {
        struct cxf_vm *vm = cxf_node_vm(&w->node[i], name);
        if (vm)
            return vm;
    }
    return NULL;
}

int cxf_world_node_fail(struct cxf_world *w, unsigned node)
{
    if (node >= w->nnodes)
        return -ENOENT;
    int rc = cxf_fault_node_fail(w->fab, node);
    if (rc)
        return rc;
    for (struct cxf_vm *vm = w->node[node].vms; vm; vm = vm->next)
        if (vm->state != CXF_VM_LOST)
            cxf_vm_mark_lost(vm, "its node failed");
    for (struct cxf_migration *m = w->migs; m; m = m->next)
        cxf_mig_node_failed(m, node);
    return 0;
}

void cxf_world_vm_free(struct cxf_world *w, struct cxf_vm *vm, const struct cxf_migration *self)
{
    /* A VM outlives the migrations that ended on it (one that failed or
     * was cancelled leaves it running, and a later one may move it): they
     * keep their reports as they are now, not pointers to freed memory. */
    for (struct cxf_migration *m = w->migs; m; m = m->next)
        if (m != self && (m->src_vm == vm || m->dst_vm == vm))
            cxf_mig_freeze(m);
    cxf_vm_destroy(vm);
}

int cxf_world_vm_destroy(struct cxf_world *w, struct cxf_vm *vm, struct cxf_err *e)
{
    for (struct cxf_migration *m = w->migs; m; m = m->next)
        if ((m->src_vm == vm || m->dst_vm == vm) && !cxf_migration_finished(m))
            return cxf_fail(e, -EBUSY, "VM %s is migrating (%s); cancel or wait for it first",
                            vm->name, cxf_mig_status_name(m->status));
    cxf_world_vm_free(w, vm, NULL);
    return 0;
}
