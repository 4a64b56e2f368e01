/*
 * migrate/transport.c - what migration traffic costs.
 *
 * The fabric transport moves a page as the node driving the copy sees it:
 * a read of the page where it is, then a write where it goes, both along
 * real fabric paths, so migration traffic queues on the same links as the
 * VMs' own accesses (bridge to switch to bridge between nodes, or through
 * the switch to a pool device). The network transport stands for a
 * conventional NIC: a local read, a wire with its own bandwidth and
 * per-request latency, a local write. max-bandwidth, when set, is one more
 * queue every page and state byte goes through first.
 */
#include "mig_priv.h"

void cxf_xfer_init(struct cxf_migration *m)
{
    m->net_q.bytes_per_sec = m->p.net_bandwidth;
    m->cap_q.bytes_per_sec = m->p.max_bandwidth;
}

/* The path by which `node` reaches `loc`. */
static int path_to(struct cxf_migration *m, unsigned node, struct cxf_page_loc loc,
                   const struct cxf_path **path)
{
    struct cxf_fabric *f = m->w->fab;
    uint64_t hpa;
    struct cxf_route r;
    int rc = cxf_loc_hpa(f, node, loc, &hpa);
    if (rc)
        return rc == -ENOENT ? -ENXIO : rc;
    if ((rc = cxf_fabric_route(f, node, hpa, &r)))
        return rc;
    *path = r.path;
    return 0;
}

static cxf_time_t capped(struct cxf_migration *m, cxf_time_t at, uint64_t bytes)
{
    if (!m->p.max_bandwidth)
        return at;
    cxf_time_t end;
    cxf_queue_reserve(&m->cap_q, at, bytes, &end);
    return end;
}

/* Over the wire: serialisation on the NIC's queue, then its latency (a
 * whole request round trip for a demand fault, one way for a stream). */
static cxf_time_t wire(struct cxf_migration *m, cxf_time_t at, uint64_t bytes, bool demand)
{
    cxf_time_t end;
    cxf_queue_reserve(&m->net_q, at, bytes, &end);
    return end + (demand ? m->p.net_latency_ns : m->p.net_latency_ns / 2);
}

int cxf_xfer_page(struct cxf_migration *m, unsigned initiator, struct cxf_page_loc from,
                  struct cxf_page_loc to, cxf_time_t at, bool demand, cxf_time_t *done)
{
    const struct cxf_fabric *f = m->w->fab;
    const struct cxf_path *pf, *pt;
    bool net = m->p.transport == CXF_XPORT_NET && from.kind == CXF_PG_DRAM &&
               to.kind == CXF_PG_DRAM && from.owner != to.owner;
    /* over the network each side touches only its own DRAM */
    int rc = path_to(m, net ? from.owner : initiator, from, &pf);
    if (!rc)
        rc = path_to(m, net ? to.owner : initiator, to, &pt);
    if (rc)
        return rc;
    cxf_time_t t = capped(m, at, CXF_PAGE_SIZE);
    t = cxf_path_charge(f, pf, t, CXF_PAGE_SIZE, false);
    if (net)
        t = wire(m, t, CXF_PAGE_SIZE, demand);
    *done = cxf_path_charge(f, pt, t, CXF_PAGE_SIZE, true);
    return 0;
}

int cxf_xfer_bytes(struct cxf_migration *m, uint64_t bytes, cxf_time_t at, cxf_time_t *done)
{
    cxf_time_t t = capped(m, at, bytes);
    if (m->p.transport == CXF_XPORT_NET) {
        *done = wire(m, t, bytes, false);
        return 0;
    }
    /* the state goes bridge to bridge into the destination's DRAM */
    const struct cxf_path *p;
    struct cxf_page_loc dst = {CXF_PG_DRAM, m->dst, 0};
    int rc = path_to(m, m->src, dst, &p);
    if (rc)
        return rc;
    /* batches of a page each, issued together: they queue on the links */
    cxf_time_t last = t;
    for (uint64_t sent = 0; sent < bytes; sent += CXF_PAGE_SIZE) {
        uint64_t n = bytes - sent < CXF_PAGE_SIZE ? bytes - sent : CXF_PAGE_SIZE;
        cxf_time_t end = cxf_path_charge(m->w->fab, p, t, (uint32_t)n, true);
        last = end > last ? end : last;
    }
    *done = last;
    return 0;
}
