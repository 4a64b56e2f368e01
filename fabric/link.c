/*
 * fabric/link.c - link bandwidth from width, generation and flit efficiency.
 *
 * Raw rate per lane: 2.5, 5, 8, 16, 32, 64 GT/s for PCIe Gen1..6. Line coding:
 * 8b/10b (Gen1-2), 128b/130b (Gen3-5), none in Gen6's FLIT mode. The flit
 * efficiency then accounts for the CXL flit's framing and headers. It was
 * derived for the 68-byte flit (64/68 of it is slots, then header slots),
 * and a CXL 3.x 256-byte flit frames about the same share (240 of 256 bytes
 * are slots; the rest is header, CRC and FEC), so Gen6 takes no coding
 * factor of its own: PCIe's 242/256 on top would count the framing twice.
 */
#include "fabric.h"

#include <stdio.h>
#include <string.h>

static double lane_bytes_per_sec(unsigned gen)
{
    static const double gts[] = {0, 2.5, 5, 8, 16, 32, 64};
    if (gen < 1 || gen > 6)
        return 0;
    double coding = gen <= 2 ? 8.0 / 10.0 : gen <= 5 ? 128.0 / 130.0 : 1.0;
    return gts[gen] * 1e9 * coding / 8.0;
}

uint64_t cxf_link_bandwidth(const struct cxf_link *l)
{
    return (uint64_t)(lane_bytes_per_sec(l->gen) * l->width * l->flit_efficiency);
}

void cxf_link_setup(struct cxf_link *l, const char *name, unsigned width, unsigned gen,
                    double flit_efficiency, uint32_t flight_ns)
{
    memset(l, 0, sizeof(*l));
    snprintf(l->name, sizeof(l->name), "%s", name);
    l->width = width;
    l->gen = gen;
    l->flit_efficiency = flit_efficiency;
    l->flight_ns = flight_ns;
    uint64_t bw = cxf_link_bandwidth(l);
    l->q[CXF_DIR_DOWN].bytes_per_sec = bw;
    l->q[CXF_DIR_UP].bytes_per_sec = bw;
}

void cxf_link_fini(struct cxf_link *l)
{
    cxf_queue_fini(&l->q[CXF_DIR_DOWN]);
    cxf_queue_fini(&l->q[CXF_DIR_UP]);
}
