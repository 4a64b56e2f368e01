/*
 * migrate/params.c - parameters and their defaults, names, the status state
 * machine, QEMU's switch-over rule, and the pull orders. Each default's
 * source (QEMU's, Xen's, a spec's or an estimate) is in docs/calibration.md;
 * keep the two in step.
 */
#include "mig_priv.h"

#include <stdlib.h>
#include <string.h>

void cxf_mig_params_default(struct cxf_mig_params *p)
{
    memset(p, 0, sizeof(*p));
    p->mode = CXF_MIG_POSTCOPY;
    p->dst_node = 1;
    p->downtime_limit_ns = CXF_MS(300);      /* QEMU DEFAULT_MIGRATE_SET_DOWNTIME */
    p->max_bandwidth = 0;                    /* the fabric decides */
    p->max_rounds = 30;
    p->max_rounds_action = CXF_ROUNDS_FORCE;
    p->throttle_initial = 20;                /* QEMU cpu-throttle-initial */
    p->throttle_increment = 10;              /* QEMU cpu-throttle-increment */
    p->throttle_max = 99;                    /* QEMU max-cpu-throttle */
    p->hybrid_rounds = 1;
    p->policy = CXF_PULL_LINEAR;
    p->touch_threshold = 1;
    p->prefetch_window = 8;
    p->batch_pages = 32;
    p->transport = CXF_XPORT_FABRIC;
    p->net_bandwidth = 3125000000ull;        /* 25 Gb/s */
    p->net_latency_ns = CXF_US(30);          /* a page request's round trip */
}

static const char *name_of(const char *const *names, unsigned n, unsigned i)
{
    return i < n ? names[i] : "unknown";
}

static int parse_name(const char *const *names, unsigned n, const char *s, unsigned *out)
{
    for (unsigned i = 0; i < n; i++)
        if (!strcmp(names[i], s))
            return *out = i, 0;
    return -EINVAL;
}

static const char *const mode_names[] = {"precopy", "postcopy", "hybrid", "pool-staged"};
static const char *const status_names[] = {
    "none", "setup", "active", "device", "postcopy-active", "postcopy-paused",
    "completed", "cancelling", "cancelled", "failed"};
static const char *const outcome_names[] = {"running-on-source", "running-on-destination",
                                            "lost"};
static const char *const policy_names[] = {"linear", "hot-first", "prefetch"};

#define N(a) (unsigned)(sizeof(a) / sizeof((a)[0]))

const char *cxf_mig_mode_name(enum cxf_mig_mode m) { return name_of(mode_names, N(mode_names), m); }
const char *cxf_mig_status_name(enum cxf_mig_status s) { return name_of(status_names, N(status_names), s); }
const char *cxf_vm_outcome_name(enum cxf_vm_outcome o) { return name_of(outcome_names, N(outcome_names), o); }
const char *cxf_pull_policy_name(enum cxf_pull_policy p) { return name_of(policy_names, N(policy_names), p); }

int cxf_mig_mode_parse(const char *s, enum cxf_mig_mode *m)
{
    unsigned i;
    int rc = parse_name(mode_names, N(mode_names), s, &i);
    if (!rc)
        *m = (enum cxf_mig_mode)i;
    return rc;
}

int cxf_pull_policy_parse(const char *s, enum cxf_pull_policy *p)
{
    unsigned i;
    int rc = parse_name(policy_names, N(policy_names), s, &i);
    if (!rc)
        *p = (enum cxf_pull_policy)i;
    return rc;
}

/* Which status may follow which. QEMU's order setup -> active -> device ->
 * postcopy-active -> completed, with post-copy skipping active, pre-copy
 * skipping postcopy-active, and cancelling / failed reachable until the VM
 * runs on the destination. postcopy-paused is QEMU's state for a post-copy
 * whose channel broke and may recover. */
bool cxf_mig_transition_ok(enum cxf_mig_status from, enum cxf_mig_status to)
{
    static const uint16_t next[CXF_MIG_STATUS_COUNT] = {
        [CXF_MIG_NONE] = 1u << CXF_MIG_SETUP,
        [CXF_MIG_SETUP] = 1u << CXF_MIG_ACTIVE | 1u << CXF_MIG_DEVICE | 1u << CXF_MIG_CANCELLING |
                          1u << CXF_MIG_FAILED,
        [CXF_MIG_ACTIVE] = 1u << CXF_MIG_DEVICE | 1u << CXF_MIG_CANCELLING | 1u << CXF_MIG_FAILED,
        [CXF_MIG_DEVICE] = 1u << CXF_MIG_POSTCOPY_ACTIVE | 1u << CXF_MIG_COMPLETED |
                           1u << CXF_MIG_FAILED,
        [CXF_MIG_POSTCOPY_ACTIVE] = 1u << CXF_MIG_POSTCOPY_PAUSED | 1u << CXF_MIG_COMPLETED |
                                    1u << CXF_MIG_FAILED,
        [CXF_MIG_POSTCOPY_PAUSED] = 1u << CXF_MIG_POSTCOPY_ACTIVE | 1u << CXF_MIG_FAILED,
        [CXF_MIG_CANCELLING] = 1u << CXF_MIG_CANCELLED | 1u << CXF_MIG_FAILED,
    };
    if ((unsigned)from >= CXF_MIG_STATUS_COUNT || (unsigned)to >= CXF_MIG_STATUS_COUNT)
        return false;
    return next[from] >> to & 1;
}

bool cxf_precopy_can_switch(uint64_t remaining_bytes, double bandwidth,
                            cxf_time_t downtime_limit_ns)
{
    if (remaining_bytes == 0)
        return true;
    if (bandwidth <= 0.0)
        return false;
    return (double)remaining_bytes / bandwidth * 1e9 <= (double)downtime_limit_ns;
}

static const uint32_t *sort_counts;

static int by_count_desc(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    if (sort_counts[x] != sort_counts[y])
        return sort_counts[x] > sort_counts[y] ? -1 : 1;
    return x < y ? -1 : x > y;
}

int cxf_pull_order(enum cxf_pull_policy p, const uint32_t *counts, uint64_t n, uint64_t *order)
{
    for (uint64_t i = 0; i < n; i++)
        order[i] = i;
    if (p != CXF_PULL_HOT_FIRST)
        return 0; /* linear; prefetch streams linearly behind its neighbours */
    if (!counts)
        return -EINVAL;
    sort_counts = counts; /* qsort has no context argument; single-threaded */
    qsort(order, n, sizeof(*order), by_count_desc);
    sort_counts = NULL;
    return 0;
}
