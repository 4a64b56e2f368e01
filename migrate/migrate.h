/*
 * migrate/migrate.h - public face of the migration layer.
 *
 * A world is the whole emulated system: the fabric, the virtual-time
 * kernel, a node per fabric host. A migration moves one VM from its node to
 * another while it runs: pre-copy (rounds of dirty pages, then a short
 * stop-and-copy), post-copy (switch over at once and keep running against
 * the source node's memory through the bridges while pages are pulled),
 * hybrid (pre-copy rounds, then post-copy) and pool-staged (pages moved into
 * pool memory first, whose logical devices the fabric manager rebinds to the
 * destination at switch-over). Status and metrics use QEMU's vocabulary.
 */
#ifndef CXF_MIGRATE_H
#define CXF_MIGRATE_H

#include <stdbool.h>
#include <stdint.h>

#include "node/node.h"

struct json_object;

/* ------------------------------------------------------------------ world */

struct cxf_migration;

struct cxf_world {
    struct cxf_fabric *fab;
    struct cxf_sim sim;
    unsigned nnodes;
    struct cxf_node node[CXF_MAX_HOSTS];
    struct cxf_migration *migs;   /* every migration started, newest first */
    unsigned next_mig_id;
};

/* A world from JSON config text (NULL: the embedded default). */
int cxf_world_create(struct cxf_world **out, const char *config_json,
                     const struct cxf_node_config *nc, struct cxf_err *e);
void cxf_world_free(struct cxf_world *w);
int cxf_world_node_by_name(const struct cxf_world *w, const char *name);
/* The VM of that name, wherever it runs (NULL: none). */
struct cxf_vm *cxf_world_vm(struct cxf_world *w, const char *name);
/* Node failure: the fabric loses the node, every VM on it is lost, and
 * migrations touching it learn of it. */
int cxf_world_node_fail(struct cxf_world *w, unsigned node);
/* Destroy a VM: -EBUSY while a migration of it runs; finished migrations
 * keep their reports. */
int cxf_world_vm_destroy(struct cxf_world *w, struct cxf_vm *vm, struct cxf_err *e);

/* -------------------------------------------------------------- migration */

enum cxf_mig_mode {
    CXF_MIG_PRECOPY = 0,
    CXF_MIG_POSTCOPY,
    CXF_MIG_HYBRID,
    CXF_MIG_POOL_STAGED,
};

/* QEMU's MigrationStatus names where they apply. */
enum cxf_mig_status {
    CXF_MIG_NONE = 0,
    CXF_MIG_SETUP,
    CXF_MIG_ACTIVE,               /* pre-copy rounds, or pool staging */
    CXF_MIG_DEVICE,               /* switch-over: vCPU and device state */
    CXF_MIG_POSTCOPY_ACTIVE,      /* running on the destination, pulling pages */
    CXF_MIG_POSTCOPY_PAUSED,      /* pulls stalled (link down); resumes after */
    CXF_MIG_COMPLETED,
    CXF_MIG_CANCELLING,
    CXF_MIG_CANCELLED,
    CXF_MIG_FAILED,
    CXF_MIG_STATUS_COUNT,
};

enum cxf_vm_outcome {
    CXF_OUTCOME_SOURCE = 0,       /* running on the source */
    CXF_OUTCOME_DESTINATION,      /* running on the destination */
    CXF_OUTCOME_LOST,
};

enum cxf_pull_policy { CXF_PULL_LINEAR = 0, CXF_PULL_HOT_FIRST, CXF_PULL_PREFETCH };
enum cxf_pull_reason { CXF_PULL_PUSH = 0, CXF_PULL_TOUCH, CXF_PULL_PREFETCHED, CXF_PULL_REASONS };
enum cxf_transport { CXF_XPORT_FABRIC = 0, CXF_XPORT_NET };
enum cxf_rounds_action { CXF_ROUNDS_FORCE = 0, CXF_ROUNDS_FAIL };

#define CXF_MIG_BATCH_MAX 256u  /* pages per transfer batch, at most */

struct cxf_mig_params {
    enum cxf_mig_mode mode;
    unsigned dst_node;
    cxf_time_t downtime_limit_ns;   /* default 300 ms (QEMU) */
    uint64_t max_bandwidth;         /* bytes/s cap on migration traffic; 0 none */
    unsigned max_rounds;            /* pre-copy rounds before max_rounds_action */
    enum cxf_rounds_action max_rounds_action;
    bool auto_converge;
    unsigned throttle_initial;      /* percent, default 20 (QEMU) */
    unsigned throttle_increment;    /* percent, default 10 */
    unsigned throttle_max;          /* percent, default 99 */
    unsigned hybrid_rounds;         /* pre-copy rounds before post-copy, default 1 */
    enum cxf_pull_policy policy;
    unsigned touch_threshold;       /* remote accesses to a page before it is pulled */
    unsigned prefetch_window;       /* neighbours pulled around a touched page */
    unsigned batch_pages;           /* pages per transfer batch */
    enum cxf_transport transport;
    uint64_t net_bandwidth;         /* bytes/s, the network transport */
    cxf_time_t net_latency_ns;      /* per page request, the network transport */
    const char *drop_end_marker;    /* test knob: omit this device's end marker */
};

void cxf_mig_params_default(struct cxf_mig_params *p);
const char *cxf_mig_mode_name(enum cxf_mig_mode m);
const char *cxf_mig_status_name(enum cxf_mig_status s);
const char *cxf_vm_outcome_name(enum cxf_vm_outcome o);
const char *cxf_pull_policy_name(enum cxf_pull_policy p);
int cxf_mig_mode_parse(const char *s, enum cxf_mig_mode *m);
int cxf_pull_policy_parse(const char *s, enum cxf_pull_policy *p);

/* Legal status transitions (the state machine), for the engine and tests. */
bool cxf_mig_transition_ok(enum cxf_mig_status from, enum cxf_mig_status to);

/* QEMU's switch-over rule: the remaining bytes can be sent within the
 * downtime limit at the measured bandwidth (bytes/s). */
bool cxf_precopy_can_switch(uint64_t remaining_bytes, double bandwidth,
                            cxf_time_t downtime_limit_ns);

/* The order the background stream pulls pages in, for a policy: linear is
 * 0..n-1; hot-first by descending access count (ties by page number). */
int cxf_pull_order(enum cxf_pull_policy p, const uint32_t *counts, uint64_t n, uint64_t *order);

/* Start migrating VM `name` with these parameters. The migration runs in
 * the world's virtual time from now on. */
int cxf_migrate_start(struct cxf_world *w, const char *vm, const struct cxf_mig_params *p,
                      struct cxf_migration **out, struct cxf_err *e);
/* Cancel before switch-over; -EBUSY after it (the VM already runs on the
 * destination), -EALREADY once finished. */
int cxf_migrate_cancel(struct cxf_migration *m, struct cxf_err *e);
/* The newest migration of a VM (NULL: none). */
struct cxf_migration *cxf_world_migration(struct cxf_world *w, const char *vm);

/* Migrations are numbered from 1 in the order they started. */
unsigned cxf_migration_id(const struct cxf_migration *m);
struct cxf_migration *cxf_world_migration_by_id(struct cxf_world *w, unsigned id);
/* Every migration, newest first: start from w->migs. */
struct cxf_migration *cxf_migration_next(const struct cxf_migration *m);

enum cxf_mig_status cxf_migration_status(const struct cxf_migration *m);
enum cxf_vm_outcome cxf_migration_outcome(const struct cxf_migration *m);
bool cxf_migration_finished(const struct cxf_migration *m);
const char *cxf_migration_reason(const struct cxf_migration *m);
const char *cxf_migration_vm_name(const struct cxf_migration *m);
/* QEMU's query-migrate shape plus the post-copy fields. */
struct json_object *cxf_migration_json(const struct cxf_migration *m);

#endif /* CXF_MIGRATE_H */
