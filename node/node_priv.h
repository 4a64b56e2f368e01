/*
 * node/node_priv.h - shared between the node layer's files. Private.
 */
#ifndef CXF_NODE_PRIV_H
#define CXF_NODE_PRIV_H

#include "node.h"

#include <errno.h>

/* Physical identity of a page's first line: which memory and where. Two
 * pages have the same identity only if they are the same bytes. */
static inline uint64_t cxf_phys_line0(const struct cxf_gpage *p)
{
    return ((uint64_t)p->kind << 62) | ((uint64_t)p->owner << 54) | (p->addr >> 6);
}

#define CXF_PHYS_SCRATCH (3ull << 62) /* the scratch page after a fault */

/* Fault codes a vCPU may meet, and what they mean for the VM. */
static inline bool cxf_fault_retryable(int fault)
{
    return fault == -ENOLINK || fault == -ENXIO; /* link down, LD unbound */
}

/* The HPA at which the VM's node reaches a page location. */
int cxf_vm_loc_hpa(const struct cxf_vm *vm, const struct cxf_gpage *p, uint64_t *hpa);
void cxf_vcpu_tlb_flush(struct cxf_vcpu *v);
void cxf_vcpu_rollback(struct cxf_vcpu *v);
/* Mark a page dirty for the current logging round. */
void cxf_vm_mark_dirty(struct cxf_vm *vm, uint64_t gpn);
/* The DRAM idle latency of the node (remote_extra accounting). */
cxf_time_t cxf_node_local_idle_ns(const struct cxf_node *n);
void cxf_vcpu_schedule(struct cxf_vcpu *v, cxf_time_t at);
/* Devices: build from a spec; serve their requests after vCPU 0's ops. */
int cxf_vm_add_devices(struct cxf_vm *vm, const char *spec, struct cxf_err *e);
void cxf_vdevs_after_op(struct cxf_vcpu *v);

#endif
