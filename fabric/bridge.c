/*
 * fabric/bridge.c - the memory bridges' address arithmetic.
 *
 * Every node's bridge exports one range of its DRAM; the exports are laid
 * end to end in node order to form the fabric address space, and every
 * node's bridge window maps that space one to one. So node B reaches node
 * A's DRAM offset o at B.window_base + A.fabric_base + (o - A.export_offset).
 */
#include "fabric.h"

#include <errno.h>
#include <inttypes.h>

int cxf_bridge_hpa(const struct cxf_fabric *f, unsigned node, unsigned target,
                   uint64_t dram_offset, uint64_t *hpa)
{
    if (node >= f->nhosts || target >= f->nhosts || node == target)
        return -ENOENT;
    const struct cxf_bridge *src = &f->host[node].bridge;
    const struct cxf_bridge *dst = &f->host[target].bridge;
    if (!src->present || !dst->present || dram_offset < dst->export_offset ||
        dram_offset - dst->export_offset >= dst->export_size)
        return -ENOENT;
    *hpa = src->window_base + dst->fabric_base + (dram_offset - dst->export_offset);
    return 0;
}

int cxf_bridge_set_export(struct cxf_fabric *f, unsigned host, uint64_t offset, uint64_t size,
                          struct cxf_err *e)
{
    if (host >= f->nhosts || !f->host[host].bridge.present)
        return cxf_fail(e, -ENOENT, "host %u has no bridge", host);
    struct cxf_host *h = &f->host[host];
    if (offset % CXF_PAGE_SIZE || size % CXF_PAGE_SIZE || offset > h->dram_size ||
        size > h->dram_size - offset)
        return cxf_fail(e, -EINVAL, "%s bridge: export must be page-aligned inside its DRAM",
                        h->name);
    /* The fabric address space is fixed once laid out: an export may shrink
     * or move inside its slot, never outgrow it. */
    uint64_t slot_end = f->fabric_space;
    for (unsigned i = host + 1; i < f->nhosts && slot_end == f->fabric_space; i++)
        if (f->host[i].bridge.present)
            slot_end = f->host[i].bridge.fabric_base;
    uint64_t slot = slot_end - h->bridge.fabric_base;
    if (size > slot)
        return cxf_fail(e, -ENOSPC, "%s bridge: export of %" PRIu64 " bytes exceeds its %" PRIu64
                        "-byte slot in the fabric address space", h->name, size, slot);
    h->bridge.export_offset = offset;
    h->bridge.export_size = size;
    f->generation++;
    return 0;
}
