/*
 * tools/plugins/wl_example.c - an example workload plugin (docs/workloads.md
 * walks through it): a sampler that logs random samples and counts them in
 * a histogram.
 *
 *   plugin:so=build/lib/wl_example.so[,buckets=N]   N: 1-65536, default 64
 *
 * Guest memory holds a header {magic, total}, the shared histogram (one
 * 8-byte counter per bucket), then one log ring per vCPU. An operation
 * draws a sample, appends it to its vCPU's own ring (writes partitioned per
 * vCPU) and adds one to its bucket and to the total (additions commute), so
 * the final memory does not depend on how the vCPUs interleave. The ring
 * cursor lives in the vCPU's registers, so it migrates with the vCPU.
 *
 * Built by `make` into build/lib/wl_example.so; by hand:
 *   cc -shared -fPIC -I/path/to/cxlfab -o wl_example.so wl_example.c
 */
#include "node/plugin.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAGIC       0x3174736948465843ull /* "CXFHist1" */
#define TOTAL       8u                    /* gpa of the total count */
#define HIST        64u                   /* the counters start on their own line */
#define PAGE        4096u
#define MAX_BUCKETS 65536u

struct example_cfg {
    uint64_t buckets;
};

enum { R_BASE, R_END, R_CUR }; /* registers: this vCPU's ring and its cursor */

/* The layout is computed from the configuration and the VM's size each
 * time, never cached in cfg: a migration destination does not run setup. */
static uint64_t ring_start(const struct example_cfg *c)
{
    return (HIST + c->buckets * 8 + PAGE - 1) / PAGE * PAGE;
}

/* Each vCPU gets an equal share of the memory after the histogram. */
static uint64_t ring_bytes(const struct example_cfg *c, const struct cxf_plugin_api *api,
                           struct cxf_plugin_cpu *cpu)
{
    uint64_t start = ring_start(c), mem = api->mem_size(cpu);
    return mem > start ? (mem - start) / api->nvcpus(cpu) / 8 * 8 : 0;
}

static int example_param(struct example_cfg *c, char *kv, char *err, size_t errlen)
{
    char *v = strchr(kv, '='), *end;
    if (v)
        *v++ = '\0';
    if (!v || strcmp(kv, "buckets")) {
        snprintf(err, errlen, "unknown parameter '%s' (known: buckets)", kv);
        return -EINVAL;
    }
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    if (errno || end == v || *end || v[0] == '-' || n < 1 || n > MAX_BUCKETS) {
        snprintf(err, errlen, "buckets=%s: need a number from 1 to %u", v, MAX_BUCKETS);
        return -EINVAL;
    }
    c->buckets = n;
    return 0;
}

/* params is "k=v,k=v" (the host already checked that shape), or "". */
static int example_configure(const char *params, void **cfg, char *err, size_t errlen)
{
    struct example_cfg *c = calloc(1, sizeof(*c));
    if (!c)
        return -ENOMEM;
    c->buckets = 64;
    *cfg = c; /* fini frees it, also when a parameter is bad */
    char buf[256];
    if ((size_t)snprintf(buf, sizeof(buf), "%s", params) >= sizeof(buf)) {
        snprintf(err, errlen, "parameters are too long");
        return -EINVAL;
    }
    for (char *kv = buf, *next; kv && *kv; kv = next) {
        next = strchr(kv, ',');
        if (next)
            *next++ = '\0';
        int rc = example_param(c, kv, err, errlen);
        if (rc)
            return rc;
    }
    return 0;
}

/* The load phase: the header. The counters start as zeros (untouched
 * memory reads as zeros), the rings are filled as the VM runs. */
static int example_setup(const void *cfg, const struct cxf_plugin_api *api,
                         struct cxf_plugin_cpu *cpu)
{
    if (ring_bytes(cfg, api, cpu) < 8)
        return -ENOSPC; /* not even one sample per vCPU fits */
    uint64_t header[2] = {MAGIC, 0};
    return api->write_raw(cpu, 0, header, sizeof(header));
}

static void example_start(const void *cfg, const struct cxf_plugin_api *api,
                          struct cxf_plugin_cpu *cpu)
{
    uint64_t *r = api->regs(cpu);
    uint64_t size = ring_bytes(cfg, api, cpu);
    r[R_BASE] = ring_start(cfg) + api->vcpu_id(cpu) * size;
    r[R_END] = r[R_BASE] + size;
    r[R_CUR] = r[R_BASE];
}

/* One operation. If an access faults, the host undoes the stores and the
 * registers (the random stream included) and runs the op again later. */
static int example_step(const void *cfg, const struct cxf_plugin_api *api,
                        struct cxf_plugin_cpu *cpu)
{
    const struct example_cfg *c = cfg;
    uint64_t *r = api->regs(cpu);
    uint64_t x = api->rand(cpu);
    uint64_t bucket = HIST + (x % c->buckets) * 8;
    api->st(cpu, r[R_CUR], x, 8);
    api->st(cpu, bucket, api->ld(cpu, bucket, 8) + 1, 8);
    api->st(cpu, TOTAL, api->ld(cpu, TOTAL, 8) + 1, 8);
    r[R_CUR] = r[R_CUR] + 8 < r[R_END] ? r[R_CUR] + 8 : r[R_BASE];
    return 0;
}

/* After a run the counters must add up to the total. */
static int example_verify(const void *cfg, const struct cxf_plugin_api *api,
                          struct cxf_plugin_cpu *cpu, char *err, size_t errlen)
{
    const struct example_cfg *c = cfg;
    uint64_t header[2], count, sum = 0;
    int rc = api->read_raw(cpu, 0, header, sizeof(header));
    for (uint64_t b = 0; !rc && b < c->buckets; b++) {
        rc = api->read_raw(cpu, HIST + b * 8, &count, sizeof(count));
        sum += count;
    }
    if (rc)
        return rc;
    if (header[0] != MAGIC) {
        snprintf(err, errlen, "the header at gpa 0 is gone");
        return -EIO;
    }
    if (sum != header[1]) {
        snprintf(err, errlen, "the histogram holds %llu samples but the total says %llu",
                 (unsigned long long)sum, (unsigned long long)header[1]);
        return -EIO;
    }
    return 0;
}

static void example_fini(void *cfg)
{
    free(cfg);
}

static const struct cxf_plugin example = {
    .abi = CXF_PLUGIN_ABI,
    .name = "example",
    .help = "buckets=N histogram buckets (1-65536, default 64)",
    .configure = example_configure,
    .setup = example_setup,
    .start = example_start,
    .step = example_step,
    .verify = example_verify,
    .fini = example_fini,
};

const struct cxf_plugin *cxf_plugin_entry(void)
{
    return &example;
}
