/*
 * migrate/mig_priv.h - the migration object and what its files share.
 * Private to migrate/.
 */
#ifndef CXF_MIG_PRIV_H
#define CXF_MIG_PRIV_H

#include "migrate.h"

#include <errno.h>

#define CXF_MIG_MAX_BATCH CXF_MIG_BATCH_MAX
#define CXF_MIG_STAGE_LDS 2u

/* A ring of page numbers (demand and prefetch requests). */
struct cxf_gpn_ring {
    uint64_t *slot;
    size_t cap, head, len;
};

/* Pages of pool memory for staging: the DPA pages of the staging LDs that
 * the region maps, handed out in order and taken back on pull. */
struct cxf_stage_pool {
    unsigned nlds;
    struct {
        unsigned dev;        /* fabric device index */
        unsigned ld;
        uint64_t port;
        uint64_t dpa0;       /* device-wide DPA of the LD's mapped range */
        uint64_t pages;
    } ld[CXF_MIG_STAGE_LDS];
    unsigned vppb_src[CXF_MIG_STAGE_LDS], vppb_dst[CXF_MIG_STAGE_LDS];
    bool bound_src, bound_dst;
    struct cxf_region *region;   /* the region of whichever host holds the LDs */
    uint64_t *used;              /* bitmap over all pages, LD after LD */
    uint64_t total, next;
};

struct cxf_batch {
    unsigned n;
    uint64_t gpn[CXF_MIG_MAX_BATCH];
    struct cxf_page_loc to[CXF_MIG_MAX_BATCH]; /* the frame each lands in */
    uint8_t reason[CXF_MIG_MAX_BATCH];
};

struct cxf_migration {
    struct cxf_migration *next;
    unsigned id;
    struct cxf_world *w;
    struct cxf_mig_params p;
    char drop_marker[16];
    char vm_name[CXF_NAME_MAX];
    enum cxf_mig_status status;
    enum cxf_vm_outcome outcome;
    char reason[256];
    unsigned src, dst;
    struct cxf_vm *src_vm, *dst_vm;
    struct cxf_event ev;
    void (*step)(struct cxf_migration *m);  /* what the event does next */
    uint64_t npages;

    /* pre-copy */
    struct cxf_page_loc *copy;   /* the destination's copy of each page */
    uint64_t *send;              /* pages to send in this round */
    uint64_t *scratch_bits;
    uint64_t cursor;
    unsigned round;
    uint64_t round_bytes;
    cxf_time_t round_start;
    double bandwidth;            /* bytes/s measured over the last round */
    uint64_t dirty_pages_rate;   /* pages/s dirtied in the last round */
    unsigned throttle_pct;
    unsigned dirty_high_count;    /* rounds over the auto-converge trigger, mod 2 */

    /* post-copy and pool pulls */
    uint64_t *order;
    uint64_t order_pos;
    uint64_t *pending;           /* pages not yet on the destination */
    uint64_t remaining;
    uint64_t *inflight;
    uint16_t *touches;
    struct cxf_gpn_ring demand, prefetch;
    struct cxf_batch batch;
    bool paused_pulls;

    /* pool staging */
    struct cxf_stage_pool pool;

    /* transport */
    struct cxf_queue net_q;      /* the network transport's wire */
    struct cxf_queue cap_q;      /* max-bandwidth */

    /* times */
    cxf_time_t t_start, t_setup_done, t_switch_start, t_switch_end, t_end;
    cxf_time_t last_activity;

    /* counters (QEMU's ram.*) */
    uint64_t transferred, precopy_bytes, downtime_bytes, postcopy_bytes;
    uint64_t pages_sent, dirty_sync_count, postcopy_requests;
    uint64_t pulled[CXF_PULL_REASONS];
    uint64_t state_bytes;
    uint64_t away_at_switch;     /* pages not on the destination at switch-over */
    uint64_t device_pages;       /* of them, moved with the device state */
    uint64_t ops_at_start;
    /* the source VM's throughput before switch-over (its timeline dies
     * with it) */
    uint64_t *src_timeline;
    size_t src_timeline_len;
    cxf_time_t timeline_ns;
    /* the report as it stood when one of its VMs was destroyed */
    struct json_object *frozen;
};

/* engine.c */
int cxf_mig_set_status(struct cxf_migration *m, enum cxf_mig_status s);
void cxf_mig_next(struct cxf_migration *m, cxf_time_t at, void (*step)(struct cxf_migration *m));
void cxf_mig_fail(struct cxf_migration *m, enum cxf_vm_outcome outcome, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void cxf_mig_complete(struct cxf_migration *m);
/* Switch-over: pause, mode's final pages (final_pages), state, then resume
 * on the destination at the end of the downtime. */
void cxf_mig_switchover(struct cxf_migration *m);
cxf_time_t cxf_mig_now(const struct cxf_migration *m);
struct cxf_node *cxf_mig_node(struct cxf_migration *m, unsigned i);
bool cxf_mig_source_alive(const struct cxf_migration *m);
bool cxf_mig_dest_alive(const struct cxf_migration *m);
/* A node failed: end the migration with the honest outcome. */
void cxf_mig_node_failed(struct cxf_migration *m, unsigned node);
void cxf_mig_free(struct cxf_migration *m);
/* report.c: keep the report and let go of the VMs (one is being destroyed). */
void cxf_mig_freeze(struct cxf_migration *m);
/* world.c: destroy a VM a migration let go of (`self`, may be NULL),
 * freezing the reports of the other migrations that point at it. */
void cxf_world_vm_free(struct cxf_world *w, struct cxf_vm *vm, const struct cxf_migration *self);

/* transport.c: cost of moving bytes, and of a page between two homes as
 * seen from the node that drives the copy. 0 or a routing error. */
int cxf_xfer_page(struct cxf_migration *m, unsigned initiator, struct cxf_page_loc from,
                  struct cxf_page_loc to, cxf_time_t at, bool demand, cxf_time_t *done);
int cxf_xfer_bytes(struct cxf_migration *m, uint64_t bytes, cxf_time_t at, cxf_time_t *done);
void cxf_xfer_init(struct cxf_migration *m);

/* devstate.c: the vCPU and device state stream. */
int cxf_state_save(struct cxf_migration *m, uint8_t **buf, size_t *len);
int cxf_state_load(struct cxf_vm *dst, const uint8_t *buf, size_t len, struct cxf_err *e);

/* precopy.c */
int cxf_precopy_setup(struct cxf_migration *m, struct cxf_err *e);
void cxf_precopy_round_step(struct cxf_migration *m);
/* Send the final dirty pages at switch-over (pre-copy only). */
int cxf_precopy_final(struct cxf_migration *m, cxf_time_t at, cxf_time_t *done);
void cxf_precopy_release(struct cxf_migration *m, bool keep_clean);

/* postcopy.c */
/* Set up the pulls at switch-over and move the devices' data-plane pages
 * from *t on; *t becomes the end of the switch-over (the downtime's). */
int cxf_postcopy_prepare(struct cxf_migration *m, cxf_time_t *t, struct cxf_err *e);
void cxf_postcopy_begin(struct cxf_migration *m);
void cxf_postcopy_release(struct cxf_migration *m);

/* poolstage.c */
int cxf_pool_setup(struct cxf_migration *m, struct cxf_err *e);
/* Virtual time the setup's fabric-manager commands take (binding, region). */
cxf_time_t cxf_pool_setup_cost(const struct cxf_migration *m);
void cxf_pool_stage_step(struct cxf_migration *m);
/* At switch-over: hand the staging LDs to the destination. */
int cxf_pool_handoff(struct cxf_migration *m, cxf_time_t at, cxf_time_t *done);
void cxf_pool_free_page(struct cxf_migration *m, struct cxf_page_loc loc);
void cxf_pool_release(struct cxf_migration *m);

/* rings */
int cxf_ring_init(struct cxf_gpn_ring *r, size_t cap);
void cxf_ring_free(struct cxf_gpn_ring *r);
bool cxf_ring_push(struct cxf_gpn_ring *r, uint64_t v);
bool cxf_ring_pop(struct cxf_gpn_ring *r, uint64_t *v);

static inline bool cxf_bit(const uint64_t *b, uint64_t i)
{
    return b[i / 64] >> (i % 64) & 1;
}

static inline void cxf_bit_set(uint64_t *b, uint64_t i)
{
    b[i / 64] |= 1ull << (i % 64);
}

static inline void cxf_bit_clear(uint64_t *b, uint64_t i)
{
    b[i / 64] &= ~(1ull << (i % 64));
}

#endif
