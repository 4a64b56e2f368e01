/* tests/unit/fabric_fixture.h - small topologies built from the fabric's
 * building blocks, shared by the fabric tests (static: one copy per test). */
#ifndef CXF_TEST_FABRIC_FIXTURE_H
#define CXF_TEST_FABRIC_FIXTURE_H

#include "fabric/fabric.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FX_GB (1ull << 30)
#define FX_MB (1ull << 20)
#define FX_WINDOW_BASE (64 * FX_GB)
#define FX_BRIDGE_BASE (256 * FX_GB)

static inline void fx_must(int rc, const struct cxf_err *e)
{
    if (rc < 0) {
        fprintf(stderr, "fixture: %s (rc %d)\n", e->msg, rc);
        abort();
    }
}

/*
 * One host "h0" (256 MiB DRAM) with one host bridge and two root ports, each
 * trained to its own USP (ports 0 and 1, VCS 0 and 1, 8 vPPBs each); eight
 * 1 GiB SLDs "d0".."d7" on ports 2..9, d0-d3 bound to VCS 0 vPPB 0-3 and
 * d4-d7 to VCS 1 vPPB 0-3; a 32 GiB volatile+persistent window at 64 GiB.
 */
static inline struct cxf_fabric *fx_switch_fabric(uint64_t granularity)
{
    struct cxf_err e;
    struct cxf_fabric *f = cxf_fabric_new();
    fx_must(cxf_fabric_add_host(f, "h0", 256 * FX_MB, &e), &e);
    fx_must(cxf_fabric_add_hb(f, 0, 2, 8, &e), &e);
    fx_must(cxf_fabric_add_usp(f, 0, 0, 0, 0, 16, 8, &e), &e);
    fx_must(cxf_fabric_add_usp(f, 0, 0, 1, 1, 16, 8, &e), &e);
    struct cxf_window w = {.base = FX_WINDOW_BASE, .size = 32 * FX_GB, .ways = 1,
                           .granularity = granularity,
                           .restrictions = CXF_WIN_VOLATILE | CXF_WIN_PERSISTENT};
    snprintf(w.name, sizeof(w.name), "win0");
    fx_must(cxf_fabric_add_window(f, 0, &w, &e), &e);
    for (unsigned i = 0; i < 8; i++) {
        struct cxf_dev_config c;
        cxf_dev_config_default(&c);
        char name[8];
        snprintf(name, sizeof(name), "d%u", i);
        c.name = name;
        c.volatile_bytes = 768 * FX_MB;
        c.persistent_bytes = 256 * FX_MB;
        c.decoders = 4;
        fx_must(cxf_fabric_add_device(f, 2 + i, &c, 8, &e), &e);
        if (cxf_fabric_bind(f, i / 4, i % 4, 2 + i, CXF_LD_FM_OWNED) != CXF_RC_SUCCESS)
            abort();
    }
    fx_must(cxf_fabric_finish(f, &e), &e);
    return f;
}

/*
 * One host "h0" (256 MiB DRAM) with `nhbs` host bridges of `rps` root ports
 * each; every root port trains to its own USP (ports 0.., one VCS each, 4
 * vPPBs), and each VCS has two 1 GiB SLDs on vPPB 0 and 1, named "d0",
 * "d1", ... in VCS order (VCS v = bridge v / rps, root port v % rps). One
 * 48 GiB window at 192 GiB interleaves all bridges at `granularity` (both
 * are multiples of 3 x 256 MiB, so a 3-way window is legal too).
 */
static inline struct cxf_fabric *fx_multi_hb_fabric(unsigned nhbs, unsigned rps,
                                                    uint64_t granularity)
{
    struct cxf_err e;
    struct cxf_fabric *f = cxf_fabric_new();
    unsigned nvcs = nhbs * rps, port = nvcs;
    fx_must(cxf_fabric_add_host(f, "h0", 256 * FX_MB, &e), &e);
    for (unsigned hb = 0; hb < nhbs; hb++)
        fx_must(cxf_fabric_add_hb(f, 0, rps, 8, &e), &e);
    for (unsigned v = 0; v < nvcs; v++)
        fx_must(cxf_fabric_add_usp(f, 0, v / rps, v % rps, v, 16, 4, &e), &e);
    struct cxf_window w = {.base = 192 * FX_GB, .size = 48 * FX_GB, .ways = nhbs,
                           .granularity = granularity, .restrictions = CXF_WIN_VOLATILE};
    for (unsigned hb = 0; hb < nhbs; hb++)
        w.targets[hb] = (uint8_t)hb;
    snprintf(w.name, sizeof(w.name), "win0");
    fx_must(cxf_fabric_add_window(f, 0, &w, &e), &e);
    for (unsigned i = 0; i < 2 * nvcs; i++, port++) {
        struct cxf_dev_config c;
        cxf_dev_config_default(&c);
        char name[16];
        snprintf(name, sizeof(name), "d%u", i);
        c.name = name;
        c.volatile_bytes = FX_GB;
        c.decoders = 4;
        fx_must(cxf_fabric_add_device(f, port, &c, 8, &e), &e);
        if (cxf_fabric_bind(f, i / 2, i % 2, port, CXF_LD_FM_OWNED) != CXF_RC_SUCCESS)
            abort();
    }
    fx_must(cxf_fabric_finish(f, &e), &e);
    return f;
}

/* Two hosts "n0", "n1" (1 GiB DRAM each, exporting all of it) with bridges
 * on switch ports 4 and 5, and one 1 GiB 2-LD MLD "pool" on port 2 with
 * LD 0 bound to n0 (VCS 0, port 0) and LD 1 to n1 (VCS 1, port 1). */
static inline struct cxf_fabric *fx_two_nodes(void)
{
    struct cxf_err e;
    struct cxf_fabric *f = cxf_fabric_new();
    for (unsigned n = 0; n < 2; n++) {
        char name[8];
        snprintf(name, sizeof(name), "n%u", n);
        fx_must(cxf_fabric_add_host(f, name, FX_GB, &e), &e);
        fx_must(cxf_fabric_add_hb(f, n, 1, 4, &e), &e);
        fx_must(cxf_fabric_add_usp(f, n, 0, 0, n, 16, 4, &e), &e);
        fx_must(cxf_fabric_add_bridge(f, n, 4 + n, 16, 0, FX_GB, FX_BRIDGE_BASE, &e), &e);
        struct cxf_window w = {.base = FX_WINDOW_BASE, .size = 16 * FX_GB, .ways = 1,
                               .granularity = 4096, .restrictions = CXF_WIN_VOLATILE};
        snprintf(w.name, sizeof(w.name), "%s-win", name);
        fx_must(cxf_fabric_add_window(f, n, &w, &e), &e);
    }
    struct cxf_dev_config c;
    cxf_dev_config_default(&c);
    c.name = "pool";
    c.volatile_bytes = 2 * FX_GB;
    c.lds = 2;
    fx_must(cxf_fabric_add_device(f, 2, &c, 8, &e), &e);
    if (cxf_fabric_bind(f, 0, 0, 2, 0) || cxf_fabric_bind(f, 1, 0, 2, 1))
        abort();
    fx_must(cxf_fabric_finish(f, &e), &e);
    return f;
}

static inline struct cxf_region *fx_region(struct cxf_fabric *f, unsigned host, const char *const *devs,
                                    const unsigned *lds, unsigned n, uint64_t gran,
                                    uint64_t size, bool persistent)
{
    struct cxf_region_req req = {.host = host, .persistent = persistent, .ntargets = n,
                                 .granularity = gran, .size = size};
    for (unsigned i = 0; i < n; i++) {
        req.target[i].dev = devs[i];
        req.target[i].ld = lds ? lds[i] : 0;
    }
    struct cxf_region *r = NULL;
    struct cxf_err e;
    fx_must(cxf_region_create(f, &req, &r, &e), &e);
    return r;
}

#endif
