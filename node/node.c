/*
 * node/node.c - a node: its LLC, its DRAM frame allocator, NUMA binding.
 *
 * Frames are 4 KiB pieces of the host's DRAM memfd. Allocating one costs
 * nothing until it is written (the memfd is sparse); freeing one punches a
 * hole, so the node's resident memory follows what its VMs really hold.
 */
#include "node.h"
#include "sim/calibration.h"

#include <errno.h>
#include <numa.h>
#include <numaif.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cxf_node_config_default(struct cxf_node_config *c)
{
    c->llc_size = CXF_CAL_LLC_SIZE;
    c->llc_ways = CXF_CAL_LLC_WAYS;
    c->llc_hit_ns = CXF_CAL_LLC_HIT_NS;
    c->quantum_ns = CXF_CAL_QUANTUM_NS;
    c->numa_node = -1;
}

/* mbind(MPOL_BIND) of a mapping to one node, as numa_tonode_memory() does,
 * but with its result: that function returns nothing (libnuma only prints a
 * warning), and the report must not claim a binding that failed.
 * 0, or -1 with errno set. */
static int bind_range(void *base, uint64_t len, int node)
{
    struct bitmask *mask = numa_allocate_nodemask();
    if (!mask)
        return errno = ENOMEM, -1;
    numa_bitmask_setbit(mask, (unsigned)node);
    long rc = mbind(base, len, MPOL_BIND, mask->maskp, mask->size + 1, 0);
    int err = errno;
    numa_free_nodemask(mask);
    errno = err;
    return rc ? -1 : 0;
}

/* Bind the host DRAM mapping to a host NUMA node when the host has several;
 * say what happened either way. */
static void bind_numa(struct cxf_node *n, int want)
{
    const struct cxf_host *h = &n->fab->host[n->host];
    if (want < 0) {
        snprintf(n->numa_report, sizeof(n->numa_report), "not requested");
    } else if (numa_available() < 0 || numa_max_node() < 1) {
        snprintf(n->numa_report, sizeof(n->numa_report),
                 "binding not possible: this host has one NUMA node");
    } else if (want > numa_max_node()) {
        snprintf(n->numa_report, sizeof(n->numa_report),
                 "binding not possible: host NUMA node %d does not exist (0-%d)", want,
                 numa_max_node());
    } else if (bind_range(h->dram.base, h->dram_size, want)) {
        snprintf(n->numa_report, sizeof(n->numa_report),
                 "binding to host NUMA node %d failed: %s; DRAM follows the default policy",
                 want, strerror(errno));
    } else {
        snprintf(n->numa_report, sizeof(n->numa_report), "DRAM bound to host NUMA node %d", want);
    }
}

int cxf_node_init(struct cxf_node *n, struct cxf_fabric *f, struct cxf_sim *sim, unsigned host,
                  const struct cxf_node_config *c, struct cxf_err *e)
{
    memset(n, 0, sizeof(*n));
    if (host >= f->nhosts)
        return cxf_fail(e, -ENOENT, "no host %u in the fabric", host);
    if (c->quantum_ns == 0)
        return cxf_fail(e, -EINVAL, "the vCPU quantum must be above 0 ns");
    n->fab = f;
    n->sim = sim;
    n->host = host;
    n->quantum_ns = c->quantum_ns;
    int rc = cxf_llc_init(&n->llc, c->llc_size, c->llc_ways, c->llc_hit_ns);
    if (rc)
        return cxf_fail(e, rc, "%s: LLC of %llu bytes in %u ways is not a whole number of "
                        "64-byte sets", f->host[host].name, (unsigned long long)c->llc_size,
                        c->llc_ways);
    n->nframes = f->host[host].dram_size / CXF_PAGE_SIZE;
    n->frame_used = calloc((n->nframes + 63) / 64, sizeof(uint64_t));
    if (!n->frame_used) {
        cxf_llc_fini(&n->llc);
        return cxf_fail(e, -ENOMEM, "out of memory");
    }
    n->frames_free = n->nframes;
    bind_numa(n, c->numa_node);
    return 0;
}

void cxf_node_fini(struct cxf_node *n)
{
    while (n->vms)
        cxf_vm_destroy(n->vms);
    cxf_llc_fini(&n->llc);
    free(n->frame_used);
    n->frame_used = NULL;
}

const char *cxf_node_name(const struct cxf_node *n)
{
    return n->fab->host[n->host].name;
}

static bool frame_is_used(const struct cxf_node *n, uint64_t i)
{
    return n->frame_used[i / 64] >> (i % 64) & 1;
}

int cxf_node_frame_alloc(struct cxf_node *n, uint64_t *offset)
{
    if (n->frames_free == 0)
        return -ENOMEM;
    uint64_t i = n->next_frame;
    while (frame_is_used(n, i)) /* a free one exists: this ends */
        i = i + 1 == n->nframes ? 0 : i + 1;
    n->frame_used[i / 64] |= 1ull << (i % 64);
    n->frames_free--;
    n->next_frame = i + 1 == n->nframes ? 0 : i + 1;
    *offset = i * CXF_PAGE_SIZE;
    return 0;
}

void cxf_node_frames_free(struct cxf_node *n, uint64_t offset, uint64_t count)
{
    uint64_t first = offset / CXF_PAGE_SIZE;
    if (first >= n->nframes || count > n->nframes - first)
        return;
    for (uint64_t i = first; i < first + count; i++) {
        if (frame_is_used(n, i)) {
            n->frame_used[i / 64] &= ~(1ull << (i % 64));
            n->frames_free++;
        }
    }
    cxf_backing_release(&n->fab->host[n->host].dram, offset, count * CXF_PAGE_SIZE);
}

void cxf_node_frame_free(struct cxf_node *n, uint64_t offset)
{
    cxf_node_frames_free(n, offset, 1);
}

uint64_t cxf_node_resident(const struct cxf_node *n)
{
    return cxf_backing_resident(&n->fab->host[n->host].dram);
}
