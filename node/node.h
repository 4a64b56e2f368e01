/*
 * node/node.h - public face of the node layer: hosts that run VMs.
 *
 * A node is a fabric host (its DRAM, its bridge, its windows) plus what runs
 * on it: a frame allocator over its DRAM, an LLC filter, and VMs whose vCPUs
 * are scheduled in virtual time. A VM's guest-physical memory is 4 KiB pages,
 * each living in a local frame, in another node's DRAM (reached through the
 * bridges) or in pool memory (an LD of a pool device). Workloads touch guest
 * memory only through the mediated accessors in node/access.h, whose
 * software-TLB hit path never calls into the fabric.
 */
#ifndef CXF_NODE_H
#define CXF_NODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fabric/fabric.h"
#include "sim/err.h"
#include "sim/sim.h"

struct json_object;

#define CXF_GPAGE_SHIFT 12u
#define CXF_TLB_ENTRIES 1024u /* per vCPU, direct mapped */
#define CXF_JOURNAL_MAX 8192u /* undo records per operation */
#define CXF_MAX_VCPUS   64u
#define CXF_WL_REGS     8u

/* ------------------------------------------------------------------- LLC */

/* A set-associative, write-back filter of 64-byte lines: hits cost the LLC
 * latency, misses and dirty write-backs go to memory. It holds no data: the
 * bytes always live in the backing memory; the LLC only decides timing. */
struct cxf_llc_line {
    uint64_t tag;                 /* physical line identity + 1; 0 = empty */
    uint64_t stamp;               /* last use, for LRU */
    const struct cxf_path *path;  /* where a dirty write-back goes */
    bool dirty;
};

struct cxf_llc {
    unsigned sets;
    unsigned ways;
    uint32_t hit_ns;
    uint64_t clock;               /* LRU stamps */
    struct cxf_llc_line *line;    /* sets x ways; NULL when disabled */
    uint64_t hits, misses, writebacks;
};

/* size 0 disables the filter (every access goes to memory). */
int cxf_llc_init(struct cxf_llc *c, uint64_t size, unsigned ways, uint32_t hit_ns);
void cxf_llc_fini(struct cxf_llc *c);
/* Look a line up; on a miss it is inserted. Returns true on a hit. A dirty
 * victim's path and identity are returned through *wb_path (NULL if none). */
bool cxf_llc_access(struct cxf_llc *c, uint64_t line, bool write, const struct cxf_path *path,
                    const struct cxf_path **wb_path);
/* Drop a page's 64 lines (its memory moved); dirty ones are written back
 * along their path, costed from `now` without stalling anyone. */
void cxf_llc_drop_page(struct cxf_llc *c, const struct cxf_fabric *f, uint64_t page_line0,
                       cxf_time_t now);

/* ------------------------------------------------------------------ node */

struct cxf_vm;

struct cxf_node_config {
    uint64_t llc_size;            /* 0 disables the LLC */
    unsigned llc_ways;
    uint32_t llc_hit_ns;
    uint32_t quantum_ns;          /* vCPU scheduling quantum */
    int numa_node;                /* bind DRAM to this host NUMA node; -1 none */
};

struct cxf_node {
    struct cxf_fabric *fab;
    struct cxf_sim *sim;
    unsigned host;                /* the fabric host this node is */
    struct cxf_llc llc;
    uint32_t quantum_ns;
    /* frame allocator over the host's DRAM */
    uint64_t nframes;
    uint64_t *frame_used;         /* bitmap */
    uint64_t frames_free;
    uint64_t next_frame;          /* search hint */
    char numa_report[160];        /* what NUMA binding did */
    struct cxf_vm *vms;           /* list */
};

void cxf_node_config_default(struct cxf_node_config *c);
int cxf_node_init(struct cxf_node *n, struct cxf_fabric *f, struct cxf_sim *sim, unsigned host,
                  const struct cxf_node_config *c, struct cxf_err *e);
void cxf_node_fini(struct cxf_node *n);
const char *cxf_node_name(const struct cxf_node *n);
/* A free 4 KiB frame of this node's DRAM (an offset), or -ENOMEM. */
int cxf_node_frame_alloc(struct cxf_node *n, uint64_t *offset);
/* Free a frame and give its memory back to the host (hole punch). */
void cxf_node_frame_free(struct cxf_node *n, uint64_t offset);
/* Free `count` consecutive frames from `offset` with one hole punch. */
void cxf_node_frames_free(struct cxf_node *n, uint64_t offset, uint64_t count);
/* Bytes of DRAM the host really holds for this node. */
uint64_t cxf_node_resident(const struct cxf_node *n);

/* -------------------------------------------------------------- guest page */

enum cxf_page_kind {
    CXF_PG_NONE = 0,   /* never touched: the first access gives it a local frame */
    CXF_PG_DRAM = 1,   /* a node's DRAM: owner = node (host) id, addr = offset */
    CXF_PG_DEV = 2,    /* pool memory: owner = fabric device index, addr = device DPA */
};

struct cxf_gpage {
    uint64_t addr;
    uint16_t owner;
    uint8_t kind;
    uint8_t flags;
    uint32_t accesses;            /* memory accesses (LLC misses), saturating */
    /* the page's last translation, valid while the fabric generation is
     * xgen and the VM is on node xnode: TLB misses then skip routing */
    uint64_t xgen;                /* 0 = none */
    uint16_t xnode;
    uint8_t *xhost;
    const struct cxf_path *xpath;
};

/* Where a page is, for migration code. */
struct cxf_page_loc {
    enum cxf_page_kind kind;
    unsigned owner;
    uint64_t addr;
};

/* Access classes, for counters and histograms. */
enum cxf_access_class {
    CXF_AC_LLC = 0,    /* LLC hit */
    CXF_AC_LOCAL,      /* the node's own DRAM */
    CXF_AC_REMOTE,     /* another node's DRAM through the bridges */
    CXF_AC_POOL,       /* a pool device through the switch */
    CXF_AC_COUNT,
};

const char *cxf_access_class_name(enum cxf_access_class c);

/* ------------------------------------------------------------------ vCPU */

struct cxf_tlb_entry {
    uint64_t gpn;                 /* guest page number; UINT64_MAX = empty */
    uint8_t *host;                /* the page's bytes */
    uint64_t phys;                /* physical identity of the page's line 0 */
    const struct cxf_path *path;  /* timing of a memory access */
    uint8_t cls;                  /* enum cxf_access_class of memory accesses */
    bool writable;                /* false while dirty logging write-protects */
};

/* The workload's registers: everything a workload keeps outside guest
 * memory. Small and serialisable: this is the vCPU state a migration sends. */
struct cxf_vcpu_regs {
    struct cxf_rng rng;
    uint64_t ops_done;
    uint64_t ops_target;          /* 0: run until stopped */
    uint64_t r[CXF_WL_REGS];      /* cursors, phases: the workload's own */
};

struct cxf_journal_rec {
    uint8_t *p;
    uint64_t old;
    uint8_t size;
};

enum cxf_vcpu_state {
    CXF_VCPU_IDLE = 0,            /* not scheduled (VM stopped or not started) */
    CXF_VCPU_RUNNING,
    CXF_VCPU_BLOCKED,             /* an access cannot complete yet: retried */
    CXF_VCPU_DONE,                /* reached its op count */
};

struct cxf_vcpu {
    struct cxf_vm *vm;
    unsigned id;
    struct cxf_event ev;
    enum cxf_vcpu_state state;
    cxf_time_t clock;             /* this vCPU's virtual time */
    struct cxf_vcpu_regs regs;
    uint64_t tlb_gen;             /* fabric generation the TLB was filled at */
    struct cxf_tlb_entry tlb[CXF_TLB_ENTRIES];
    uint64_t last_line;           /* last line touched (same-line shortcut) */
    bool last_dirty;
    uint32_t llc_hit_ns;
    /* the current operation */
    int fault;                    /* first fault of the op, 0 if none */
    uint64_t fault_gpa;
    unsigned jn;                  /* journal records */
    struct cxf_journal_rec *journal;
    struct cxf_tlb_entry scratch; /* stands in after a fault */
    uint8_t *scratch_page;
    /* accounting */
    uint64_t accesses[CXF_AC_COUNT];
    struct cxf_hist latency[CXF_AC_COUNT]; /* memory accesses (not LLC hits) */
    cxf_time_t stall_ns;          /* blocked on an unreachable page */
    cxf_time_t remote_extra_ns;   /* time beyond local latency on remote memory */
    uint64_t retries;
};

/* ------------------------------------------------------------- workloads */

struct cxf_workload;

struct cxf_workload_ops {
    const char *name;
    const char *help;             /* parameters, one line */
    /* Parse "k=v,k=v" parameters into a private config (w->cfg); one clear
     * error line on a bad value. */
    int (*configure)(struct cxf_workload *w, const char *params, struct cxf_err *e);
    /* Lay out guest memory (the load phase), on vCPU 0 of a fresh VM; one
     * clear line in e on failure. A migration's destination VM never runs
     * it: nothing step() needs may be computed here (derive it from the
     * configuration and the VM instead). */
    int (*setup)(struct cxf_workload *w, struct cxf_vcpu *v, struct cxf_err *e);
    /* Initialise a vCPU's registers for its share of the work. */
    void (*start)(struct cxf_workload *w, struct cxf_vcpu *v);
    /* One operation: touches guest memory through node/access.h only,
     * keeps every other piece of state in v->regs. <0 is a workload error. */
    int (*step)(struct cxf_workload *w, struct cxf_vcpu *v);
    /* Optional: check guest memory (e.g. kv's values); 0 when consistent. */
    int (*verify)(struct cxf_workload *w, struct cxf_vm *vm, struct cxf_err *e);
    void (*fini)(struct cxf_workload *w);
};

struct cxf_workload {
    const struct cxf_workload_ops *ops;
    char spec[256];               /* as given: "kv:keys=1000,mix=A" */
    void *cfg;                    /* parsed parameters (read-only while running) */
    uint64_t think_ns;            /* virtual time between operations */
};

/* "NAME[:k=v,...]" -> a configured workload; one clear line on error. */
int cxf_workload_parse(struct cxf_workload *w, const char *spec, struct cxf_err *e);
void cxf_workload_fini(struct cxf_workload *w);
/* Registered workloads, for help texts. */
const struct cxf_workload_ops *const *cxf_workloads(size_t *n);

/* Parameters "k=v,k=v": call fn for each; shared by the workloads. */
int cxf_params_each(const char *params, struct cxf_err *e,
                    int (*fn)(void *ctx, const char *k, const char *v, struct cxf_err *e),
                    void *ctx);
int cxf_param_u64(const char *k, const char *v, uint64_t lo, uint64_t hi, uint64_t *out,
                  struct cxf_err *e);
int cxf_param_double(const char *k, const char *v, double lo, double hi, double *out,
                     struct cxf_err *e);

/* ------------------------------------------------------ virtual devices */

/*
 * A VM's virtual devices (a virtio-net-like NIC and a virtio-blk-like disk).
 * Each owns a window of guest memory after the workload's memory, where it
 * writes (DMA) on its own schedule: every `period` operations of vCPU 0, so
 * what it writes depends only on the op count, never on timing. Its
 * control-plane state (queue indices, counters, registers) is small and
 * serialisable; migration sends it with the device's end-of-state marker.
 */
#define CXF_MAX_VDEVS     4u
#define CXF_VDEV_PAGES    16u  /* guest memory per device */
#define CXF_VDEV_REGS     8u

enum cxf_vdev_type { CXF_VDEV_NET = 1, CXF_VDEV_BLK = 2 };

struct cxf_vdev_state {
    uint64_t requests;          /* completed requests (packets, blocks) */
    uint64_t used_idx;          /* ring position */
    uint64_t interrupts;
    uint64_t reg[CXF_VDEV_REGS]; /* device registers the guest programmed */
};

struct cxf_vdev {
    char name[16];              /* "net0", "blk0": pairs it with its counterpart */
    enum cxf_vdev_type type;
    uint64_t base;              /* its guest memory window */
    uint32_t period;            /* vCPU 0 operations per request */
    struct cxf_vdev_state st;
};

const char *cxf_vdev_type_name(enum cxf_vdev_type t);
/* The device's state as bytes (little-endian u64 fields) and back. */
size_t cxf_vdev_save(const struct cxf_vdev *d, uint8_t *buf, size_t cap);
int cxf_vdev_load(struct cxf_vdev *d, const uint8_t *buf, size_t len);

/* ------------------------------------------------------------------- VM */

enum cxf_vm_state {
    CXF_VM_CREATED = 0,
    CXF_VM_RUNNING,
    CXF_VM_PAUSED,
    CXF_VM_DONE,                  /* every vCPU reached its op count */
    CXF_VM_LOST,                  /* its memory is gone (node failure, ...) */
    CXF_VM_FAILED,                /* the workload reported an error */
};

const char *cxf_vm_state_name(enum cxf_vm_state s);

/* What a migration wants to hear about while a VM runs. */
struct cxf_vm_hooks {
    void *ctx;
    /* a memory access (LLC miss) reached a page in another node's DRAM or
     * in pool memory */
    void (*remote_access)(void *ctx, struct cxf_vm *vm, uint64_t gpn, cxf_time_t at);
    /* the VM stopped at an op boundary after cxf_vm_pause() */
    void (*paused)(void *ctx, struct cxf_vm *vm);
};

struct cxf_vm_config {
    const char *name;
    uint64_t mem_size;            /* bytes, multiple of 4 KiB */
    unsigned vcpus;
    uint64_t seed;
    uint64_t ops;                 /* total operations (0: run until stopped) */
    const char *workload;         /* spec */
    const char *devices;          /* "net,blk" (default), "" for none */
    cxf_time_t timeline_ns;       /* throughput interval (0: 1 ms) */
};

struct cxf_vm {
    struct cxf_vm *next;          /* on its node */
    char name[CXF_NAME_MAX];
    struct cxf_node *node;
    enum cxf_vm_state state;
    char reason[160];             /* why LOST / FAILED / BLOCKED */
    uint64_t mem_size;            /* the workload's memory */
    uint64_t npages;              /* guest pages, device windows included */
    struct cxf_gpage *page;
    unsigned nvcpus;
    struct cxf_vcpu *vcpu;
    struct cxf_workload wl;
    unsigned nvdevs;
    struct cxf_vdev vdev[CXF_MAX_VDEVS];
    char devices[64];             /* the devices spec it was created with */
    uint64_t seed;
    uint64_t ops_total;
    bool pause_requested;
    double throttle;              /* 0..0.99 of vCPU time taken away */
    /* dirty logging */
    bool dirty_logging;
    uint64_t *dirty;              /* bitmap, one bit per page */
    uint64_t dirty_count;
    struct cxf_vm_hooks hooks;
    /* metrics */
    cxf_time_t started_at;
    cxf_time_t finished_at;
    cxf_time_t paused_at;         /* when the latest pause took effect */
    cxf_time_t timeline_ns;
    uint64_t *timeline;           /* ops completed per interval */
    size_t timeline_len;
    uint64_t poison_consumed;
};

void cxf_vm_config_default(struct cxf_vm_config *c);
/* The configuration `vm` was created with (its strings stay the VM's): what
 * a copy of the same VM elsewhere is created from. */
void cxf_vm_config_of(const struct cxf_vm *vm, struct cxf_vm_config *c);
/* Create a VM on a node (memory untouched) and run its workload's load
 * phase; it does not run until cxf_vm_start(). */
int cxf_vm_create(struct cxf_vm **out, struct cxf_node *n, const struct cxf_vm_config *c,
                  struct cxf_err *e);
/* A VM with memory and vCPUs but no load phase: the destination of a
 * migration (its state arrives later). */
int cxf_vm_create_placeholder(struct cxf_vm **out, struct cxf_node *n,
                              const struct cxf_vm_config *c, struct cxf_err *e);
/* Free the VM's frames on its node and the VM. */
void cxf_vm_destroy(struct cxf_vm *vm);
struct cxf_vm *cxf_node_vm(struct cxf_node *n, const char *name);

void cxf_vm_start(struct cxf_vm *vm);
/* Start with vCPU i running exactly ops[i] operations (nvcpus entries): a
 * replay to the point another run of the same VM reached. */
void cxf_vm_start_counts(struct cxf_vm *vm, const uint64_t *ops);
/* Stop at the next operation boundary of every vCPU; hooks.paused fires
 * once all have stopped. */
void cxf_vm_pause(struct cxf_vm *vm);
void cxf_vm_resume(struct cxf_vm *vm);
bool cxf_vm_stopped(const struct cxf_vm *vm);  /* no vCPU is scheduled */
void cxf_vm_set_throttle(struct cxf_vm *vm, double fraction);
void cxf_vm_mark_lost(struct cxf_vm *vm, const char *reason);

/* Page locations. Every change invalidates the page's translations. */
struct cxf_page_loc cxf_vm_page(const struct cxf_vm *vm, uint64_t gpn);
void cxf_vm_set_page(struct cxf_vm *vm, uint64_t gpn, struct cxf_page_loc loc);
/* The page's bytes, wherever it is (NULL if untouched or unreachable). */
uint8_t *cxf_vm_page_bytes(const struct cxf_vm *vm, uint64_t gpn);
/* The HPA at which `host` reaches a location: its own DRAM directly,
 * another node's DRAM through the bridge window, pool memory through one of
 * its regions. -ENOENT when it cannot. */
int cxf_loc_hpa(const struct cxf_fabric *f, unsigned host, struct cxf_page_loc loc,
                uint64_t *hpa);
/* The bytes at a location (NULL if it is unreachable: a failed node). */
uint8_t *cxf_loc_bytes(const struct cxf_fabric *f, struct cxf_page_loc loc);
/* Copy a page's bytes to `to` and make it the page's home; the old
 * location is returned through *from (its memory is the caller's to free:
 * it may belong to another node). -EIO if the page's bytes are gone. */
int cxf_vm_page_move(struct cxf_vm *vm, uint64_t gpn, struct cxf_page_loc to,
                     struct cxf_page_loc *from);
/* Move a page into a new frame of the VM's node (a page already there
 * stays); the old location's memory is the caller's to free. */
int cxf_vm_page_to_local(struct cxf_vm *vm, uint64_t gpn);

/* Dirty logging (as KVM's): enabling write-protects every page in every
 * vCPU's TLB so the first write of a round takes the slow path once. */
void cxf_vm_dirty_log_start(struct cxf_vm *vm);
/* Copy the bitmap out (npages bits) and clear it; write-protect again. */
uint64_t cxf_vm_dirty_log_fetch(struct cxf_vm *vm, uint64_t *bitmap);
void cxf_vm_dirty_log_stop(struct cxf_vm *vm);

/* Forget every cached translation of the VM (all vCPUs). */
void cxf_vm_tlb_flush(struct cxf_vm *vm);
void cxf_vm_tlb_invalidate(struct cxf_vm *vm, uint64_t gpn);

/* ---------------------------------------------------------------- metrics */

/* A 64-bit hash of all guest memory in address order (untouched pages hash
 * as zeros): the integrity tests compare it. -EIO if a page is unreachable. */
int cxf_vm_hash(const struct cxf_vm *vm, uint64_t *hash);
uint64_t cxf_vm_ops_done(const struct cxf_vm *vm);
void cxf_vm_accesses(const struct cxf_vm *vm, uint64_t out[CXF_AC_COUNT]);
void cxf_vm_latency(const struct cxf_vm *vm, enum cxf_access_class c, struct cxf_hist *h);
/* "interval_start_ns,ops" lines. */
int cxf_vm_timeline_csv(const struct cxf_vm *vm, char **out);
/* Who the VM is: name, node, state, [reason], memory, vcpus, workload,
 * seed, ops, ops_target, devices (snake_case, as ndctl prints). */
struct json_object *cxf_vm_summary_json(const struct cxf_vm *vm);
/* The summary plus what it did: virtual time, accesses by class, latency
 * histograms, stall, remote extra time, throttle. */
struct json_object *cxf_vm_stats_json(const struct cxf_vm *vm);

/* Run the workload's verifier (if it has one). */
int cxf_vm_verify(struct cxf_vm *vm, struct cxf_err *e);

#include "access.h"

#endif /* CXF_NODE_H */
