/*
 * node/plugin.h - the ABI between cxlfab and a workload plugin: a shared
 * object loaded by the `plugin:so=PATH` workload (docs/workloads.md).
 *
 * A plugin includes only this header. It never sees the emulator's structs
 * or symbols: the tools are statically linked and export nothing, and their
 * internals change between versions. Instead the host hands the plugin a
 * table of functions (struct cxf_plugin_api) and an opaque vCPU handle, and
 * the plugin hands back a table of callbacks (struct cxf_plugin). Both carry
 * CXF_PLUGIN_ABI; the host loads a plugin only if the numbers are equal, and
 * the number changes whenever either table changes.
 *
 * Build a plugin with:   cc -shared -fPIC -I/path/to/cxlfab -o my.so my.c
 */
#ifndef CXF_PLUGIN_H
#define CXF_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#define CXF_PLUGIN_ABI   1
#define CXF_PLUGIN_REGS  8u                  /* uint64_t registers per vCPU */
#define CXF_PLUGIN_ENTRY "cxf_plugin_entry"  /* the symbol the host looks up */

/* A vCPU of the VM running the plugin; only the host knows what is inside. */
struct cxf_plugin_cpu;

/*
 * What the host offers. Every function takes the vCPU the callback was
 * given. Timed accesses (ld, st, copy, fill) are for step: they go through
 * the vCPU's TLB, LLC and fabric path, are charged to its virtual clock,
 * logged for dirty tracking and undone if the operation faults. Untimed
 * accesses (read_raw, write_raw) are for setup and verify only; in step
 * they fail the VM.
 */
struct cxf_plugin_api {
    unsigned abi;                                   /* CXF_PLUGIN_ABI */
    /* sizes 1, 2, 4, 8, naturally aligned; little-endian */
    uint64_t (*ld)(struct cxf_plugin_cpu *cpu, uint64_t gpa, unsigned size);
    void (*st)(struct cxf_plugin_cpu *cpu, uint64_t gpa, uint64_t val, unsigned size);
    void (*copy)(struct cxf_plugin_cpu *cpu, uint64_t dst, uint64_t src, uint64_t len);
    void (*fill)(struct cxf_plugin_cpu *cpu, uint64_t dst, uint8_t byte, uint64_t len);
    /* non-zero once an access of this operation faulted: from then on
     * loads return junk and the op will be undone, so a loop whose exit
     * depends on loaded data must stop */
    int (*faulted)(struct cxf_plugin_cpu *cpu);
    /* the vCPU's CXF_PLUGIN_REGS registers: the only state a plugin may
     * keep outside guest memory (they migrate with the vCPU) */
    uint64_t *(*regs)(struct cxf_plugin_cpu *cpu);
    /* the vCPU's seeded random stream (its state lives in the vCPU too) */
    uint64_t (*rand)(struct cxf_plugin_cpu *cpu);
    uint64_t (*rand_below)(struct cxf_plugin_cpu *cpu, uint64_t n); /* uniform in [0, n) */
    /* facts about the VM */
    unsigned (*vcpu_id)(struct cxf_plugin_cpu *cpu);
    unsigned (*nvcpus)(struct cxf_plugin_cpu *cpu);
    uint64_t (*mem_size)(struct cxf_plugin_cpu *cpu);
    uint64_t (*seed)(struct cxf_plugin_cpu *cpu);
    /* untimed, setup and verify only; 0 or a negative errno (-EFAULT past
     * the end of memory, -ENOMEM when the node has no frame left) */
    int (*read_raw)(struct cxf_plugin_cpu *cpu, uint64_t gpa, void *buf, uint64_t len);
    int (*write_raw)(struct cxf_plugin_cpu *cpu, uint64_t gpa, const void *buf, uint64_t len);
};

/*
 * What the plugin provides; only abi, name and step are required. Errors
 * are negative errno values; err (errlen bytes, one line) says what was
 * wrong. cfg is the plugin's own parsed configuration: read-only once
 * configure returns, because a VM created as a migration destination runs
 * configure but never setup.
 */
struct cxf_plugin {
    unsigned abi;                                   /* CXF_PLUGIN_ABI */
    const char *name;
    const char *help;                               /* its parameters, one line */
    /* params: "k=v,k=v" (every key the host does not take itself), "" if
     * none. Without configure the plugin takes no parameters. */
    int (*configure)(const char *params, void **cfg, char *err, size_t errlen);
    /* the load phase, on vCPU 0 of a fresh VM: lay out guest memory */
    int (*setup)(const void *cfg, const struct cxf_plugin_api *api, struct cxf_plugin_cpu *cpu);
    /* set one vCPU's registers for its share of the work */
    void (*start)(const void *cfg, const struct cxf_plugin_api *api, struct cxf_plugin_cpu *cpu);
    /* one operation; 0, or a negative errno that fails the VM */
    int (*step)(const void *cfg, const struct cxf_plugin_api *api, struct cxf_plugin_cpu *cpu);
    /* check guest memory after a run; 0 when consistent */
    int (*verify)(const void *cfg, const struct cxf_plugin_api *api, struct cxf_plugin_cpu *cpu,
                  char *err, size_t errlen);
    void (*fini)(void *cfg);                        /* free what configure made */
};

/* The one symbol a plugin exports. Default visibility, so that a plugin
 * built with -fvisibility=hidden still exports it. */
__attribute__((visibility("default"))) const struct cxf_plugin *cxf_plugin_entry(void);

#endif /* CXF_PLUGIN_H */
