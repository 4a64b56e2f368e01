/*
 * node/tlb.c - the software TLB's slow path: fill a translation from the
 * page's location and the fabric's route, handle dirty-logging write
 * protection, and turn an unreachable page into a fault.
 */
#include "node_priv.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

void cxf_vcpu_tlb_flush(struct cxf_vcpu *v)
{
    for (unsigned i = 0; i < CXF_TLB_ENTRIES; i++)
        v->tlb[i].gpn = UINT64_MAX;
    v->last_line = UINT64_MAX;
}

struct cxf_tlb_entry *cxf_tlb_fault(struct cxf_vcpu *v, uint64_t gpa, int rc)
{
    if (!v->fault) {
        v->fault = rc;
        v->fault_gpa = gpa;
    }
    /* The rest of the op runs against a scratch page (undone afterwards). */
    struct cxf_tlb_entry *s = &v->scratch;
    s->gpn = UINT64_MAX;
    s->host = v->scratch_page;
    s->phys = CXF_PHYS_SCRATCH;
    s->path = NULL;
    s->cls = CXF_AC_LLC;
    s->writable = true;
    return s;
}

int cxf_loc_hpa(const struct cxf_fabric *f, unsigned host, struct cxf_page_loc loc,
                uint64_t *hpa)
{
    if (loc.kind == CXF_PG_DRAM && loc.owner == host) {
        *hpa = loc.addr;
        return 0;
    }
    if (loc.kind == CXF_PG_DRAM)
        return cxf_bridge_hpa(f, host, loc.owner, loc.addr, hpa);
    if (loc.kind == CXF_PG_DEV && loc.owner < f->ndevs)
        return cxf_region_hpa(f, host, f->dev[loc.owner], loc.addr, hpa);
    return -ENOENT;
}

int cxf_vm_loc_hpa(const struct cxf_vm *vm, const struct cxf_gpage *p, uint64_t *hpa)
{
    struct cxf_page_loc loc = {.kind = p->kind, .owner = p->owner, .addr = p->addr};
    return cxf_loc_hpa(vm->node->fab, vm->node->host, loc, hpa);
}

/* First touch: the page gets a frame of the VM's node. */
static int first_touch(struct cxf_vm *vm, struct cxf_gpage *p)
{
    uint64_t off;
    if (cxf_node_frame_alloc(vm->node, &off))
        return -ENOMEM;
    p->kind = CXF_PG_DRAM;
    p->owner = (uint16_t)vm->node->host;
    p->addr = off;
    return 0;
}

static enum cxf_access_class class_of(const struct cxf_vm *vm, const struct cxf_gpage *p)
{
    if (p->kind == CXF_PG_DEV)
        return CXF_AC_POOL;
    return p->owner == vm->node->host ? CXF_AC_LOCAL : CXF_AC_REMOTE;
}

/* Route a page and remember the result in the page (until the fabric
 * changes). A poisoned page is not remembered: every access to it must come
 * back here. Returns 1 for a poisoned page, 0, or a negative errno. */
static int translate(struct cxf_vm *vm, struct cxf_gpage *p, uint64_t gpa, bool write)
{
    const struct cxf_fabric *f = vm->node->fab;
    if (p->xgen == f->generation && p->xnode == vm->node->host && p->xhost)
        return 0;
    uint64_t hpa;
    struct cxf_route r;
    int rc = cxf_vm_loc_hpa(vm, p, &hpa);
    if (rc)
        return rc == -ENOENT ? -ENXIO : rc;
    if ((rc = cxf_fabric_route(vm->node->fab, vm->node->host, hpa, &r)))
        return rc;
    if (r.contiguous < CXF_PAGE_SIZE)
        return -EINVAL; /* pool memory interleaved finer than a page */
    p->xhost = r.host_ptr;
    p->xpath = r.path;
    p->xnode = (uint16_t)vm->node->host;
    p->xgen = r.has_poison ? 0 : f->generation;
    if (!r.has_poison)
        return 0;
    /* reading a poisoned line is a machine check for the guest */
    uint64_t line = r.dpa + (gpa & (CXF_PAGE_SIZE - 1) & ~(uint64_t)(CXF_LINE_SIZE - 1));
    return !write && cxf_poison_test(&r.dev->poison, line, CXF_LINE_SIZE) ? -EHWPOISON : 1;
}

/* Fill e with the translation of gpn; a negative errno if unreachable. */
static int fill(struct cxf_vcpu *v, uint64_t gpn, uint64_t gpa, bool write,
                struct cxf_tlb_entry *e)
{
    struct cxf_vm *vm = v->vm;
    struct cxf_gpage *p = &vm->page[gpn];
    if (p->kind == CXF_PG_NONE && first_touch(vm, p))
        return -ENOMEM;
    int rc = translate(vm, p, gpa, write);
    if (rc < 0)
        return rc;
    e->gpn = rc ? UINT64_MAX : gpn; /* a poisoned page stays out of the TLB */
    e->host = p->xhost;
    e->phys = cxf_phys_line0(p);
    e->path = p->xpath;
    e->cls = (uint8_t)class_of(vm, p);
    e->writable = !vm->dirty_logging || write;
    return 0;
}

struct cxf_tlb_entry *cxf_tlb_miss(struct cxf_vcpu *v, uint64_t gpa, unsigned size, bool write)
{
    struct cxf_vm *vm = v->vm;
    uint64_t gpn = gpa >> CXF_GPAGE_SHIFT;
    if (v->fault)
        return cxf_tlb_fault(v, gpa, v->fault); /* the op is being abandoned */
    if (gpa & (size - 1))
        return cxf_tlb_fault(v, gpa, -EINVAL);
    if (gpn >= vm->npages)
        return cxf_tlb_fault(v, gpa, -EFAULT);
    struct cxf_tlb_entry *e = &v->tlb[gpn & (CXF_TLB_ENTRIES - 1)];
    if (e->gpn != gpn) {
        /* a poisoned page uses a one-access entry so it is never cached */
        struct cxf_tlb_entry *target = e;
        int rc = fill(v, gpn, gpa, write, target);
        if (rc)
            return cxf_tlb_fault(v, gpa, rc);
        if (target->gpn == UINT64_MAX) {
            v->scratch = *target;
            v->scratch.gpn = gpn;
            e = &v->scratch;
            e->gpn = UINT64_MAX;
        }
    }
    if (write && vm->dirty_logging)
        cxf_vm_mark_dirty(vm, gpn); /* the write-protect fault of this round */
    if (write)
        e->writable = true;
    return e;
}
