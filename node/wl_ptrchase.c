/*
 * node/wl_ptrchase.c - a pointer chase: one random cyclic permutation of
 * 64-byte slots (Sattolo's algorithm, so it is a single cycle), walked by
 * dependent loads. Each load waits for the previous one: the mean time per
 * operation is the memory latency.
 *
 *   ptrchase[:span=BYTES]   memory the cycle covers (default: all of guest
 *                           memory, at most 1 GiB)
 */
#include "workloads.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct chase_cfg {
    uint64_t span; /* 0: the default for the VM */
};

/* Slots in the cycle, from the configuration and the VM (nothing stored:
 * a migration's destination does not run setup). 0 if it cannot fit. */
static uint64_t cycle_slots(const struct chase_cfg *c, const struct cxf_vm *vm)
{
    uint64_t span = c->span ? c->span : vm->mem_size;
    if (!c->span && span > (1ull << 30))
        span = 1ull << 30;
    return span <= vm->mem_size ? span / CXF_LINE_SIZE : 0;
}

static int chase_param(void *ctx, const char *k, const char *v, struct cxf_err *e)
{
    struct cxf_workload *w = ctx;
    struct chase_cfg *c = w->cfg;
    int rc = cxf_wl_common_param(w, k, v, e);
    if (rc <= 0)
        return rc;
    if (!strcmp(k, "span"))
        return cxf_param_u64(k, v, 2 * CXF_LINE_SIZE, 1ull << 38, &c->span, e);
    return cxf_wl_unknown("ptrchase", k, "span", e);
}

static int chase_configure(struct cxf_workload *w, const char *params, struct cxf_err *e)
{
    w->cfg = calloc(1, sizeof(struct chase_cfg));
    if (!w->cfg)
        return cxf_fail(e, -ENOMEM, "out of memory");
    return cxf_params_each(params, e, chase_param, w);
}

/* order[] becomes one cycle through all slots (Sattolo, 1986). */
static void sattolo(uint32_t *order, uint64_t n, struct cxf_rng *r)
{
    for (uint64_t i = 0; i < n; i++)
        order[i] = (uint32_t)i;
    for (uint64_t i = n - 1; i > 0; i--) {
        uint64_t j = cxf_rng_below(r, i); /* j < i: never a fixed point */
        uint32_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
}

static int chase_setup(struct cxf_workload *w, struct cxf_vcpu *v, struct cxf_err *e)
{
    const struct chase_cfg *c = w->cfg;
    uint64_t slots = cycle_slots(c, v->vm);
    if (slots == 0)
        return cxf_fail(e, -EINVAL, "workload ptrchase: span=%llu exceeds %llu bytes of guest "
                        "memory", (unsigned long long)c->span,
                        (unsigned long long)v->vm->mem_size);
    uint32_t *order = malloc(slots * sizeof(*order));
    if (!order)
        return -ENOMEM;
    struct cxf_rng r;
    cxf_rng_seed(&r, v->vm->seed, cxf_rng_stream_id("ptrchase"));
    sattolo(order, slots, &r);
    int rc = 0;
    /* slot order[i] points at slot order[i + 1] */
    for (uint64_t i = 0; i < slots && !rc; i++) {
        uint64_t next = (uint64_t)order[(i + 1) % slots] * CXF_LINE_SIZE;
        rc = cxf_vm_write_raw(v, (uint64_t)order[i] * CXF_LINE_SIZE, &next, 8);
    }
    free(order);
    return rc;
}

static void chase_start(struct cxf_workload *w, struct cxf_vcpu *v)
{
    v->regs.r[0] = (cycle_slots(w->cfg, v->vm) * v->id / v->vm->nvcpus) * CXF_LINE_SIZE;
}

static int chase_step(struct cxf_workload *w, struct cxf_vcpu *v)
{
    uint64_t next = cxf_ld64(v, v->regs.r[0]);
    if (next % CXF_LINE_SIZE || next / CXF_LINE_SIZE >= cycle_slots(w->cfg, v->vm))
        return v->fault ? 0 : -EINVAL; /* a broken chain: memory was corrupted */
    v->regs.r[0] = next;
    return 0;
}

const struct cxf_workload_ops cxf_wl_ptrchase = {
    .name = "ptrchase",
    .help = "ptrchase[:span=BYTES] dependent loads around a random cycle",
    .configure = chase_configure,
    .setup = chase_setup,
    .start = chase_start,
    .step = chase_step,
};
