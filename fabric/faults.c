/*
 * fabric/faults.c - fault points: a link going down (transactions on it
 * fail, the caller sees -ENOLINK), a node failing (its bridge stops
 * answering and its memory is gone: the DRAM backing is released, so nothing
 * can be read back from it), and poison on a device line. Each fault bumps
 * the fabric generation so cached translations are looked at again.
 */
#include "fabric.h"

#include <errno.h>
#include <string.h>

struct cxf_link *cxf_fabric_link(struct cxf_fabric *f, unsigned i)
{
    for (unsigned p = 0; p < f->nports; p++)
        if (f->port[p].kind != CXF_PORT_UNUSED && i-- == 0)
            return &f->port[p].link;
    for (unsigned h = 0; h < f->nhosts; h++)
        if (f->host[h].bridge.present && i-- == 0)
            return &f->host[h].bridge.host_link;
    return NULL;
}

struct cxf_link *cxf_fabric_link_by_name(struct cxf_fabric *f, const char *name)
{
    struct cxf_link *l;
    for (unsigned i = 0; (l = cxf_fabric_link(f, i)); i++)
        if (!strcmp(l->name, name))
            return l;
    return NULL;
}

int cxf_fault_link(struct cxf_fabric *f, const char *link_name, bool down, struct cxf_err *e)
{
    struct cxf_link *l = cxf_fabric_link_by_name(f, link_name);
    if (!l)
        return cxf_fail(e, -ENOENT, "no link named '%.40s' (cxl-fabric topo lists the links)", link_name);
    if (l->down != down) {
        l->down = down;
        f->generation++;
    }
    return 0;
}

int cxf_fault_node_fail(struct cxf_fabric *f, unsigned host)
{
    if (host >= f->nhosts)
        return -ENOENT;
    struct cxf_host *h = &f->host[host];
    if (h->failed)
        return 0;
    h->failed = true;
    cxf_backing_release(&h->dram, 0, h->dram_size);
    f->generation++;
    return 0;
}

int cxf_fault_poison(struct cxf_fabric *f, const char *dev, uint64_t dpa, struct cxf_err *e)
{
    int i = cxf_fabric_dev_by_name(f, dev);
    if (i < 0)
        return cxf_fail(e, -ENOENT, "no device named '%s'", dev);
    int rc = cxf_dev_poison_add(f->dev[i], dpa, CXF_POISON_INTERNAL);
    if (rc == -EFAULT)
        return cxf_fail(e, rc, "DPA 0x%llx is beyond %s's capacity", (unsigned long long)dpa, dev);
    if (rc == -ENOSPC)
        return cxf_fail(e, rc, "%s's poison list is full", dev);
    return rc;
}
