/*
 * node/wl_trace.c - replay a valgrind lackey trace, so that a real
 * program's access pattern runs on the fabric.
 *
 *   trace:file=PATH[,fetch=0|1,loop=0|1,think=NS]
 *     file   `valgrind --tool=lackey --trace-mem=yes prog` output (required)
 *     fetch  1 replays instruction fetches as loads (default 0: skipped)
 *     loop   1 starts the trace again when it ends (default 1); with 0, a
 *            vCPU that has replayed the whole trace is halted: the program
 *            has exited, and each further op touches nothing and lets 1 us
 *            of virtual time pass (so ops=0 cannot spin). The final memory
 *            is then that of ops = records x vCPUs, the natural choice.
 *
 * One op replays one record (a load, a store or a modify). Each vCPU
 * replays the whole trace into its own slice of guest memory (mem_size /
 * vCPUs, rounded down to 4 KiB): trace address a lands at
 * slice base + (a - lowest address of the trace) mod slice. Slices are
 * disjoint, so the final memory does not depend on how vCPUs interleave.
 *
 * The mediated accessors take naturally aligned 1, 2, 4 and 8 bytes, so a
 * record of such a size is one access at its address aligned down; a
 * larger one is 8-byte words from its address aligned down to 8; an odd
 * size (3, 5, 6, 7) is that many bytes. Aligned pieces never cross a page.
 *
 * Stores write cxf_trace_store_value(seed, seq, piece), seq counting the
 * records this vCPU has replayed (so a second pass writes new values); a
 * modify loads the piece and stores it back XORed with that value.
 *
 * The vCPU state is r[R_CURSOR] (next record) and r[R_SEQ]; the records
 * are read-only in w->cfg once configure() has read the file.
 */
#include "trace.h"
#include "workloads.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define HALT_NS CXF_US(1)                 /* an idle op after the trace (loop=0) */
#define STORE_SALT 0x7472616365ull        /* "trace": store values differ from the fill */

enum { R_CURSOR, R_SEQ };

struct trace_cfg {
    char file[256];
    bool fetch;
    bool loop;
    struct cxf_trace t;
};

static int param_bool(const char *k, const char *v, bool *out, struct cxf_err *e)
{
    uint64_t x;
    int rc = cxf_param_u64(k, v, 0, 1, &x, e);
    if (!rc)
        *out = x;
    return rc;
}

static int trace_param(void *ctx, const char *k, const char *v, struct cxf_err *e)
{
    struct cxf_workload *w = ctx;
    struct trace_cfg *c = w->cfg;
    int rc = cxf_wl_common_param(w, k, v, e);
    if (rc <= 0)
        return rc;
    if (!strcmp(k, "file")) {
        snprintf(c->file, sizeof(c->file), "%s", v); /* the spec is shorter */
        return 0;
    }
    if (!strcmp(k, "fetch"))
        return param_bool(k, v, &c->fetch, e);
    if (!strcmp(k, "loop"))
        return param_bool(k, v, &c->loop, e);
    return cxf_wl_unknown("trace", k, "file, fetch, loop", e);
}

/* Parameters first (file= may come last), then the whole file. */
static int trace_configure(struct cxf_workload *w, const char *params, struct cxf_err *e)
{
    struct trace_cfg *c = calloc(1, sizeof(*c));
    if (!c)
        return cxf_fail(e, -ENOMEM, "out of memory");
    c->loop = true;
    w->cfg = c;
    int rc = cxf_params_each(params, e, trace_param, w);
    if (rc)
        return rc;
    if (!c->file[0])
        return cxf_fail(e, -EINVAL,
                        "workload trace needs file=PATH (valgrind --tool=lackey "
                        "--trace-mem=yes output)");
    struct cxf_trace_opts o;
    cxf_trace_opts_default(&o);
    o.fetch = c->fetch;
    return cxf_trace_load(&c->t, c->file, &o, e);
}

uint64_t cxf_trace_slice(uint64_t mem_size, unsigned nvcpus)
{
    return nvcpus ? mem_size / nvcpus & ~(uint64_t)(CXF_PAGE_SIZE - 1) : 0;
}

/* The access size a record is replayed with (see the top of the file). */
static unsigned piece_size(unsigned size)
{
    if (size > 8)
        return 8;
    return size & (size - 1) ? 1 : size;
}

unsigned cxf_trace_map(const struct cxf_trace_rec *r, uint64_t min_addr, uint64_t base,
                       uint64_t slice, struct cxf_trace_piece *out)
{
    unsigned chunk = piece_size(r->size), n = (r->size + chunk - 1) / chunk;
    /* slice is a multiple of the page, so an aligned piece stays inside
     * both its page and the slice */
    uint64_t off = (r->addr - min_addr) % slice & ~(uint64_t)(chunk - 1);
    for (unsigned k = 0; k < n; k++) {
        out[k].gpa = base + (off + (uint64_t)k * chunk) % slice;
        out[k].size = chunk;
    }
    return n;
}

uint64_t cxf_trace_store_value(uint64_t seed, uint64_t seq, unsigned k)
{
    return cxf_wl_mix(seed ^ STORE_SALT, seq * CXF_TRACE_MAX_PIECES + k);
}

/* Every slice starts as seeded words, so loads read data and the seed
 * shows in the hash. */
static int trace_setup(struct cxf_workload *w, struct cxf_vcpu *v, struct cxf_err *e)
{
    (void)w;
    uint64_t end = cxf_trace_slice(v->vm->mem_size, v->vm->nvcpus) * v->vm->nvcpus;
    if (!end)
        return cxf_fail(e, -EINVAL, "workload trace: %u vCPUs need at least a 4 KiB slice "
                        "of guest memory each", v->vm->nvcpus);
    uint64_t page[CXF_PAGE_SIZE / 8];
    for (uint64_t gpa = 0; gpa < end; gpa += CXF_PAGE_SIZE) {
        for (unsigned i = 0; i < CXF_PAGE_SIZE / 8; i++)
            page[i] = cxf_wl_mix(v->vm->seed, gpa / 8 + i);
        int rc = cxf_vm_write_raw(v, gpa, page, CXF_PAGE_SIZE);
        if (rc)
            return rc;
    }
    return 0;
}

static void trace_start(struct cxf_workload *w, struct cxf_vcpu *v)
{
    (void)w;
    v->regs.r[R_CURSOR] = 0;
    v->regs.r[R_SEQ] = 0;
}

static void replay_piece(struct cxf_vcpu *v, unsigned op, const struct cxf_trace_piece *p,
                         uint64_t val)
{
    switch (op) {
    case CXF_TR_STORE:
        cxf_st(v, p->gpa, val, p->size);
        break;
    case CXF_TR_MODIFY:
        cxf_st(v, p->gpa, cxf_ld(v, p->gpa, p->size) ^ val, p->size);
        break;
    default: /* a load or an instruction fetch */
        (void)cxf_ld(v, p->gpa, p->size);
        break;
    }
}

/* loop=0 and the trace is over: the program has exited, the vCPU idles. A
 * cursor past the trace otherwise means registers from another trace. */
static int halted(const struct trace_cfg *c, struct cxf_vcpu *v)
{
    if (c->loop || v->regs.r[R_CURSOR] > c->t.n)
        return -ERANGE;
    v->clock += HALT_NS;
    return 0;
}

static int trace_step(struct cxf_workload *w, struct cxf_vcpu *v)
{
    const struct trace_cfg *c = w->cfg;
    uint64_t *r = v->regs.r;
    if (r[R_CURSOR] >= c->t.n)
        return halted(c, v);
    uint64_t slice = cxf_trace_slice(v->vm->mem_size, v->vm->nvcpus);
    if (!slice)
        return -EINVAL;
    const struct cxf_trace_rec *rec = &c->t.rec[r[R_CURSOR]];
    struct cxf_trace_piece p[CXF_TRACE_MAX_PIECES];
    unsigned n = cxf_trace_map(rec, c->t.min_addr, v->id * slice, slice, p);
    for (unsigned k = 0; k < n; k++)
        replay_piece(v, rec->op, &p[k], cxf_trace_store_value(v->vm->seed, r[R_SEQ], k));
    r[R_SEQ]++;
    if (++r[R_CURSOR] == c->t.n && c->loop)
        r[R_CURSOR] = 0;
    return 0;
}

static void trace_fini(struct cxf_workload *w)
{
    struct trace_cfg *c = w->cfg;
    if (c)
        cxf_trace_free(&c->t);
    free(c);
}

const struct cxf_workload_ops cxf_wl_trace = {
    .name = "trace",
    .help = "trace:file=PATH[,fetch=0|1,loop=0|1] replay a valgrind lackey trace",
    .configure = trace_configure,
    .setup = trace_setup,
    .start = trace_start,
    .step = trace_step,
    .fini = trace_fini,
};
