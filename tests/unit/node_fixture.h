/* tests/unit/node_fixture.h - the default fabric with a sim and both nodes,
 * and small VM helpers, shared by the node tests. */
#ifndef CXF_TEST_NODE_FIXTURE_H
#define CXF_TEST_NODE_FIXTURE_H

#include "node/node.h"

#include <stdio.h>
#include <stdlib.h>

struct nfx {
    struct cxf_fabric *f;
    struct cxf_sim sim;
    struct cxf_node node[2];
};

static inline void nfx_init_cfg(struct nfx *x, const struct cxf_node_config *cfg)
{
    struct cxf_err e;
    if (cxf_fabric_from_json(&x->f, cxf_default_config, &e)) {
        fprintf(stderr, "fixture: %s\n", e.msg);
        abort();
    }
    cxf_sim_init(&x->sim);
    cxf_fabric_set_clock(x->f, &x->sim);
    for (unsigned i = 0; i < 2; i++)
        if (cxf_node_init(&x->node[i], x->f, &x->sim, i, cfg, &e)) {
            fprintf(stderr, "fixture: %s\n", e.msg);
            abort();
        }
}

static inline void nfx_init(struct nfx *x)
{
    struct cxf_node_config cfg;
    cxf_node_config_default(&cfg);
    nfx_init_cfg(x, &cfg);
}

static inline void nfx_fini(struct nfx *x)
{
    for (unsigned i = 0; i < 2; i++)
        cxf_node_fini(&x->node[i]);
    cxf_fabric_free(x->f);
    cxf_sim_fini(&x->sim);
}

/* A VM with devices (e.g. "net,blk") or none (""). */
static inline struct cxf_vm *nfx_vm_dev(struct nfx *x, unsigned node, const char *wl,
                                        uint64_t mem, unsigned vcpus, uint64_t seed, uint64_t ops,
                                        const char *devices)
{
    struct cxf_vm_config c;
    cxf_vm_config_default(&c);
    c.devices = devices;
    c.workload = wl;
    c.mem_size = mem;
    c.vcpus = vcpus;
    c.seed = seed;
    c.ops = ops;
    struct cxf_vm *vm;
    struct cxf_err e;
    if (cxf_vm_create(&vm, &x->node[node], &c, &e)) {
        fprintf(stderr, "fixture: %s\n", e.msg);
        abort();
    }
    return vm;
}

/* A VM with the workload only: the tests of workloads and memory paths. */
static inline struct cxf_vm *nfx_vm(struct nfx *x, unsigned node, const char *wl, uint64_t mem,
                                    unsigned vcpus, uint64_t seed, uint64_t ops)
{
    return nfx_vm_dev(x, node, wl, mem, vcpus, seed, ops, "");
}

static inline uint64_t nfx_hash(const struct cxf_vm *vm)
{
    uint64_t h = 0;
    if (cxf_vm_hash(vm, &h))
        abort();
    return h;
}

/* Run a fresh VM to completion; return its memory hash. */
static inline uint64_t nfx_run_hash(const struct cxf_node_config *cfg, const char *wl,
                                    uint64_t mem, unsigned vcpus, uint64_t seed, uint64_t ops)
{
    struct nfx x;
    nfx_init_cfg(&x, cfg);
    struct cxf_vm *vm = nfx_vm(&x, 0, wl, mem, vcpus, seed, ops);
    cxf_vm_start(vm);
    cxf_sim_run_idle(&x.sim, 0);
    if (vm->state != CXF_VM_DONE) {
        fprintf(stderr, "fixture: VM ended %s (%s)\n", cxf_vm_state_name(vm->state), vm->reason);
        abort();
    }
    uint64_t h = nfx_hash(vm);
    nfx_fini(&x);
    return h;
}

#endif
