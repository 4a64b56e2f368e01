/*
 * node/wl_gups.c - GUPS (HPCC RandomAccess): random 8-byte read-modify-write
 * updates over a table spanning guest memory. Updates are XORs, which
 * commute, so the final table does not depend on how vCPUs interleave.
 *
 *   gups[:span=BYTES]   table size (default: all of guest memory)
 */
#include "workloads.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct gups_cfg {
    uint64_t span; /* 0: all of guest memory */
};

/* Table size in words, from the configuration and the VM (never stored: a
 * migration's destination does not run setup). */
static uint64_t table_words(const struct gups_cfg *c, const struct cxf_vm *vm)
{
    uint64_t span = c->span && c->span < vm->mem_size ? c->span : vm->mem_size;
    return span / 8;
}

static int gups_param(void *ctx, const char *k, const char *v, struct cxf_err *e)
{
    struct cxf_workload *w = ctx;
    struct gups_cfg *c = w->cfg;
    int rc = cxf_wl_common_param(w, k, v, e);
    if (rc <= 0)
        return rc;
    if (!strcmp(k, "span"))
        return cxf_param_u64(k, v, CXF_PAGE_SIZE, UINT64_MAX, &c->span, e);
    return cxf_wl_unknown("gups", k, "span", e);
}

static int gups_configure(struct cxf_workload *w, const char *params, struct cxf_err *e)
{
    w->cfg = calloc(1, sizeof(struct gups_cfg));
    if (!w->cfg)
        return cxf_fail(e, -ENOMEM, "out of memory");
    return cxf_params_each(params, e, gups_param, w);
}

/* table[i] starts as a seeded value, written a page at a time. */
static int gups_setup(struct cxf_workload *w, struct cxf_vcpu *v, struct cxf_err *e)
{
    (void)e;
    uint64_t bytes = table_words(w->cfg, v->vm) * 8;
    uint64_t page[CXF_PAGE_SIZE / 8];
    for (uint64_t gpa = 0; gpa < bytes; gpa += CXF_PAGE_SIZE) {
        for (unsigned i = 0; i < CXF_PAGE_SIZE / 8; i++)
            page[i] = cxf_wl_mix(v->vm->seed, gpa / 8 + i);
        uint64_t n = bytes - gpa < CXF_PAGE_SIZE ? bytes - gpa : CXF_PAGE_SIZE;
        int rc = cxf_vm_write_raw(v, gpa, page, n);
        if (rc)
            return rc;
    }
    return 0;
}

static int gups_step(struct cxf_workload *w, struct cxf_vcpu *v)
{
    uint64_t x = cxf_rng_next(&v->regs.rng);
    uint64_t gpa = (x % table_words(w->cfg, v->vm)) * 8;
    cxf_st64(v, gpa, cxf_ld64(v, gpa) ^ x);
    return 0;
}

const struct cxf_workload_ops cxf_wl_gups = {
    .name = "gups",
    .help = "gups[:span=BYTES] random 8-byte XOR updates over the table",
    .configure = gups_configure,
    .setup = gups_setup,
    .step = gups_step,
};
