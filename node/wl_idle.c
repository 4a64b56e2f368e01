/*
 * node/wl_idle.c - a mostly idle VM: all of its memory holds data, but it
 * only touches a small working set, writing now and then, with think time
 * between operations: the VM pre-copy migration handles best.
 *
 *   idle[:ws=BYTES,write=FRACTION,think=NS]
 *     ws     working set at the start of memory (default 1 MiB)
 *     write  share of operations that write (default 0.05)
 *     think  virtual time between operations (default 1000 ns), so the
 *            write rate is write / (think + access time) per vCPU
 */
#include "workloads.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct idle_cfg {
    uint64_t ws;
    double write;
};

static int idle_param(void *ctx, const char *k, const char *v, struct cxf_err *e)
{
    struct cxf_workload *w = ctx;
    struct idle_cfg *c = w->cfg;
    int rc = cxf_wl_common_param(w, k, v, e);
    if (rc <= 0)
        return rc;
    if (!strcmp(k, "ws"))
        return cxf_param_u64(k, v, CXF_LINE_SIZE, UINT64_MAX, &c->ws, e);
    if (!strcmp(k, "write"))
        return cxf_param_double(k, v, 0.0, 1.0, &c->write, e);
    return cxf_wl_unknown("idle", k, "ws, write", e);
}

static int idle_configure(struct cxf_workload *w, const char *params, struct cxf_err *e)
{
    struct idle_cfg *c = calloc(1, sizeof(*c));
    if (!c)
        return cxf_fail(e, -ENOMEM, "out of memory");
    c->ws = 1ull << 20;
    c->write = 0.05;
    w->cfg = c;
    w->think_ns = 1000;
    return cxf_params_each(params, e, idle_param, w);
}

/* Every page holds seeded data, so there is a whole VM to migrate. */
static int idle_setup(struct cxf_workload *w, struct cxf_vcpu *v, struct cxf_err *e)
{
    (void)w;
    (void)e;
    uint64_t page[CXF_PAGE_SIZE / 8] = {0};
    for (uint64_t gpa = 0; gpa < v->vm->mem_size; gpa += CXF_PAGE_SIZE) {
        for (unsigned i = 0; i < CXF_PAGE_SIZE / 8; i += 8) /* one word a line */
            page[i] = cxf_wl_mix(v->vm->seed, gpa / 8 + i);
        int rc = cxf_vm_write_raw(v, gpa, page, CXF_PAGE_SIZE);
        if (rc)
            return rc;
    }
    return 0;
}

static int idle_step(struct cxf_workload *w, struct cxf_vcpu *v)
{
    const struct idle_cfg *c = w->cfg;
    uint64_t ws = c->ws < v->vm->mem_size ? c->ws : v->vm->mem_size;
    uint64_t gpa = cxf_rng_below(&v->regs.rng, ws / CXF_LINE_SIZE) * CXF_LINE_SIZE;
    uint64_t x = cxf_ld64(v, gpa);
    if (cxf_rng_unit(&v->regs.rng) < c->write)
        cxf_st64(v, gpa, x + cxf_rng_next(&v->regs.rng));
    return 0;
}

const struct cxf_workload_ops cxf_wl_idle = {
    .name = "idle",
    .help = "idle[:ws=BYTES,write=FRACTION,think=NS] small working set, rare writes",
    .configure = idle_configure,
    .setup = idle_setup,
    .step = idle_step,
};
