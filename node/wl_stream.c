/*
 * node/wl_stream.c - STREAM's four kernels over three arrays a, b, c:
 * copy (c = a), scale (b = 3c), add (c = a + b), triad (a = b + 3c), one
 * 64-byte line of one kernel per operation, kernels in turn. Integer
 * arithmetic, so results are exact; each vCPU owns a slice of the lines, so
 * the result does not depend on interleaving.
 *
 *   stream[:size=BYTES]   total size of the three arrays (default: half of
 *                         guest memory, at most 96 MiB)
 */
#include "workloads.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct stream_cfg {
    uint64_t size;           /* 0: the default for the VM */
};

/* Lines per array, from the configuration and the VM (a migration's
 * destination does not run setup, so nothing is stored). */
static uint64_t array_lines(const struct stream_cfg *c, const struct cxf_vm *vm)
{
    uint64_t size = c->size ? c->size : vm->mem_size / 2;
    if (!c->size && size > (96ull << 20))
        size = 96ull << 20;
    return size <= vm->mem_size ? size / 3 / CXF_LINE_SIZE : 0;
}

enum { R_KERNEL, R_LINE, R_LO, R_HI };

static int stream_param(void *ctx, const char *k, const char *v, struct cxf_err *e)
{
    struct cxf_workload *w = ctx;
    struct stream_cfg *c = w->cfg;
    int rc = cxf_wl_common_param(w, k, v, e);
    if (rc <= 0)
        return rc;
    if (!strcmp(k, "size"))
        return cxf_param_u64(k, v, 3 * CXF_LINE_SIZE, UINT64_MAX, &c->size, e);
    return cxf_wl_unknown("stream", k, "size", e);
}

static int stream_configure(struct cxf_workload *w, const char *params, struct cxf_err *e)
{
    w->cfg = calloc(1, sizeof(struct stream_cfg));
    if (!w->cfg)
        return cxf_fail(e, -ENOMEM, "out of memory");
    return cxf_params_each(params, e, stream_param, w);
}

static uint64_t array_gpa(uint64_t lines, unsigned which, uint64_t line)
{
    return ((uint64_t)which * lines + line) * CXF_LINE_SIZE;
}

static int stream_setup(struct cxf_workload *w, struct cxf_vcpu *v, struct cxf_err *e)
{
    const struct stream_cfg *c = w->cfg;
    uint64_t lines = array_lines(c, v->vm);
    if (lines == 0)
        return cxf_fail(e, -EINVAL, "workload stream: size=%llu does not fit %llu bytes of "
                        "guest memory as three arrays", (unsigned long long)c->size,
                        (unsigned long long)v->vm->mem_size);
    uint64_t line[8];
    for (unsigned which = 0; which < 2; which++) { /* a and b seeded, c zero */
        for (uint64_t l = 0; l < lines; l++) {
            for (unsigned k = 0; k < 8; k++)
                line[k] = cxf_wl_mix(v->vm->seed, (which * lines + l) * 8 + k) >> 8;
            int rc = cxf_vm_write_raw(v, array_gpa(lines, which, l), line, sizeof(line));
            if (rc)
                return rc;
        }
    }
    return 0;
}

static void stream_start(struct cxf_workload *w, struct cxf_vcpu *v)
{
    uint64_t lines = array_lines(w->cfg, v->vm);
    unsigned n = v->vm->nvcpus;
    v->regs.r[R_LO] = lines * v->id / n;
    v->regs.r[R_HI] = lines * (v->id + 1) / n;
    v->regs.r[R_LINE] = v->regs.r[R_LO];
    v->regs.r[R_KERNEL] = 0;
}

static int stream_step(struct cxf_workload *w, struct cxf_vcpu *v)
{
    uint64_t lines = array_lines(w->cfg, v->vm);
    uint64_t *r = v->regs.r;
    if (r[R_LO] == r[R_HI])
        return 0; /* more vCPUs than lines: this one has nothing to do */
    uint64_t a = array_gpa(lines, 0, r[R_LINE]), b = array_gpa(lines, 1, r[R_LINE]);
    uint64_t cc = array_gpa(lines, 2, r[R_LINE]);
    for (unsigned k = 0; k < 64; k += 8) {
        switch (r[R_KERNEL]) {
        case 0: cxf_st64(v, cc + k, cxf_ld64(v, a + k)); break;
        case 1: cxf_st64(v, b + k, 3 * cxf_ld64(v, cc + k)); break;
        case 2: cxf_st64(v, cc + k, cxf_ld64(v, a + k) + cxf_ld64(v, b + k)); break;
        default: cxf_st64(v, a + k, cxf_ld64(v, b + k) + 3 * cxf_ld64(v, cc + k)); break;
        }
    }
    if (++r[R_LINE] == r[R_HI]) {
        r[R_LINE] = r[R_LO];
        r[R_KERNEL] = (r[R_KERNEL] + 1) % 4;
    }
    return 0;
}

const struct cxf_workload_ops cxf_wl_stream = {
    .name = "stream",
    .help = "stream[:size=BYTES] copy/scale/add/triad over three arrays",
    .configure = stream_configure,
    .setup = stream_setup,
    .start = stream_start,
    .step = stream_step,
};
