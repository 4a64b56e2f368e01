/*
 * fabric/addrmap.c - each host's physical address map, checked once the
 * topology is complete: DRAM from 0, CFMWS windows, the bridge window; and
 * the fabric address space the bridges share (every node's export, in node
 * order), which each bridge window maps one to one.
 */
#include "fabric.h"

#include <errno.h>
#include <inttypes.h>

struct range {
    const char *what;
    uint64_t base, size;
};

static bool overlap(const struct range *a, const struct range *b)
{
    return a->size && b->size && a->base < b->base + b->size && b->base < a->base + a->size;
}

static int check_host_map(const struct cxf_host *h, struct cxf_err *e)
{
    struct range r[CXF_MAX_WINDOWS + 2];
    unsigned n = 0;
    r[n++] = (struct range){"dram", 0, h->dram_size};
    for (unsigned i = 0; i < h->nwindows; i++)
        r[n++] = (struct range){h->win[i].name, h->win[i].base, h->win[i].size};
    if (h->bridge.present)
        r[n++] = (struct range){"bridge window", h->bridge.window_base, h->bridge.window_size};
    for (unsigned i = 0; i < n; i++) {
        if (r[i].base + r[i].size < r[i].base)
            return cxf_fail(e, -EINVAL, "host %s: %s wraps around the address space", h->name,
                            r[i].what);
        for (unsigned j = 0; j < i; j++)
            if (overlap(&r[i], &r[j]))
                return cxf_fail(e, -EINVAL,
                                "host %s: %s [0x%" PRIx64 ", +0x%" PRIx64 ") overlaps %s",
                                h->name, r[i].what, r[i].base, r[i].size, r[j].what);
    }
    return 0;
}

int cxf_fabric_finish(struct cxf_fabric *f, struct cxf_err *e)
{
    uint64_t fa = 0;
    for (unsigned i = 0; i < f->nhosts; i++) {
        struct cxf_bridge *b = &f->host[i].bridge;
        if (!b->present)
            continue;
        b->fabric_base = fa;
        fa += b->export_size;
    }
    /* A window is sized in 256 MiB units; round the fabric space up. */
    f->fabric_space = (fa + CXF_CAP_UNIT - 1) / CXF_CAP_UNIT * CXF_CAP_UNIT;
    for (unsigned i = 0; i < f->nhosts; i++) {
        struct cxf_bridge *b = &f->host[i].bridge;
        if (b->present)
            b->window_size = f->fabric_space;
    }
    for (unsigned i = 0; i < f->nhosts; i++) {
        int rc = check_host_map(&f->host[i], e);
        if (rc)
            return rc;
    }
    return 0;
}
