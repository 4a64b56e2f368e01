/*
 * migrate/engine.c - the migration object: start, the event that drives it,
 * switch-over, completion, failure, cancellation, and what each releases.
 *
 * A migration is one event that re-arms itself with the next step of its
 * mode (a pre-copy round's next batch, a staging batch, a post-copy pull),
 * so it runs interleaved with the VMs in virtual time and competes with
 * them for links and memory.
 */
#include "mig_priv.h"
#include "sim/calibration.h"

#include <json-c/json.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


cxf_time_t cxf_mig_now(const struct cxf_migration *m)
{
    return m->w->sim.now;
}

struct cxf_node *cxf_mig_node(struct cxf_migration *m, unsigned i)
{
    return &m->w->node[i];
}

bool cxf_mig_source_alive(const struct cxf_migration *m)
{
    return !m->w->fab->host[m->src].failed;
}

bool cxf_mig_dest_alive(const struct cxf_migration *m)
{
    return !m->w->fab->host[m->dst].failed;
}

int cxf_mig_set_status(struct cxf_migration *m, enum cxf_mig_status s)
{
    if (!cxf_mig_transition_ok(m->status, s))
        return -EINVAL;
    m->status = s;
    return 0;
}

static void event_fire(struct cxf_sim *sim, struct cxf_event *ev)
{
    (void)sim;
    struct cxf_migration *m = ev->arg;
    m->step(m);
}

void cxf_mig_next(struct cxf_migration *m, cxf_time_t at, void (*step)(struct cxf_migration *m))
{
    m->step = step;
    cxf_time_t now = cxf_mig_now(m);
    cxf_sim_schedule(&m->w->sim, &m->ev, at > now ? at : now);
}

bool cxf_migration_finished(const struct cxf_migration *m)
{
    return m->status == CXF_MIG_COMPLETED || m->status == CXF_MIG_CANCELLED ||
           m->status == CXF_MIG_FAILED;
}

/* The source VM's throughput so far, kept for the report. */
static void keep_source_timeline(struct cxf_migration *m)
{
    const struct cxf_vm *vm = m->src_vm;
    free(m->src_timeline);
    m->src_timeline = NULL;
    m->src_timeline_len = 0;
    m->timeline_ns = vm->timeline_ns;
    if (!vm->timeline_len)
        return;
    m->src_timeline = malloc(vm->timeline_len * sizeof(uint64_t));
    if (!m->src_timeline)
        return;
    memcpy(m->src_timeline, vm->timeline, vm->timeline_len * sizeof(uint64_t));
    m->src_timeline_len = vm->timeline_len;
}

/* Give back what the pre-switch-over phases hold; the VM stays on the
 * source. */
static void release_before_switch(struct cxf_migration *m)
{
    if (m->p.mode == CXF_MIG_POOL_STAGED)
        cxf_pool_release(m);
    else
        cxf_precopy_release(m, false);
    if (m->dst_vm) {
        cxf_world_vm_free(m->w, m->dst_vm, m);
        m->dst_vm = NULL;
    }
}

/* After switch-over the source VM only held memory for the pulls. */
static void release_source(struct cxf_migration *m)
{
    if (m->src_vm) {
        keep_source_timeline(m);
        cxf_world_vm_free(m->w, m->src_vm, m);
        m->src_vm = NULL;
    }
}

static void finish(struct cxf_migration *m, enum cxf_mig_status s)
{
    cxf_sim_cancel(&m->w->sim, &m->ev);
    int rc = cxf_mig_set_status(m, s);
    (void)rc; /* every path here follows the table: the unit tests hold it to that */
    m->status = s;
    m->t_end = cxf_mig_now(m);
    if (m->dst_vm)
        m->dst_vm->hooks = (struct cxf_vm_hooks){0};
}

void cxf_mig_fail(struct cxf_migration *m, enum cxf_vm_outcome outcome, const char *fmt, ...)
{
    if (cxf_migration_finished(m))
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->reason, sizeof(m->reason), fmt, ap);
    va_end(ap);
    bool switched = m->t_switch_end != 0;
    m->outcome = outcome;
    if (!switched) {
        release_before_switch(m);
        if (m->src_vm && outcome == CXF_OUTCOME_SOURCE && m->src_vm->state == CXF_VM_PAUSED)
            cxf_vm_resume(m->src_vm);
        if (outcome == CXF_OUTCOME_LOST && m->src_vm && m->src_vm->state != CXF_VM_LOST)
            cxf_vm_mark_lost(m->src_vm, m->reason);
    } else {
        if (outcome == CXF_OUTCOME_LOST && m->dst_vm && m->dst_vm->state != CXF_VM_LOST)
            cxf_vm_mark_lost(m->dst_vm, m->reason);
        cxf_postcopy_release(m);
        release_source(m);
        if (m->p.mode == CXF_MIG_POOL_STAGED)
            cxf_pool_release(m);
    }
    finish(m, CXF_MIG_FAILED);
}

void cxf_mig_complete(struct cxf_migration *m)
{
    cxf_postcopy_release(m);
    if (m->p.mode == CXF_MIG_POOL_STAGED)
        cxf_pool_release(m);
    cxf_precopy_release(m, true);
    release_source(m);
    m->outcome = CXF_OUTCOME_DESTINATION;
    /* The memory arrived, but a VM that failed on the way (a machine check
     * on a poisoned line, say) does not run on the destination: say so
     * rather than report a success. */
    if (m->dst_vm && m->dst_vm->state == CXF_VM_FAILED) {
        m->outcome = CXF_OUTCOME_LOST;
        snprintf(m->reason, sizeof(m->reason), "the VM failed during the migration: %.200s",
                 m->dst_vm->reason);
    }
    finish(m, CXF_MIG_COMPLETED);
}

/* ------------------------------------------------------------ switch-over */

/* The destination VM takes over: its vCPUs resume where the source's
 * stopped (the registers arrived with the state). */
static void resume_destination(struct cxf_migration *m)
{
    struct cxf_vm *vm = m->dst_vm;
    cxf_time_t now = cxf_mig_now(m);
    for (unsigned i = 0; i < vm->nvcpus; i++) {
        struct cxf_vcpu *v = &vm->vcpu[i];
        bool done = v->regs.ops_target && v->regs.ops_done >= v->regs.ops_target;
        v->state = done ? CXF_VCPU_DONE : CXF_VCPU_IDLE;
        v->clock = now;
    }
    vm->started_at = m->src_vm ? m->src_vm->started_at : now;
    vm->throttle = 0;
    vm->state = CXF_VM_PAUSED;
    cxf_vm_resume(vm);
}

static void switch_done(struct cxf_migration *m)
{
    if (!cxf_mig_dest_alive(m)) {
        cxf_mig_fail(m, m->p.mode == CXF_MIG_PRECOPY ? CXF_OUTCOME_SOURCE : CXF_OUTCOME_LOST,
                     "the destination node failed during switch-over");
        return;
    }
    if (!cxf_mig_source_alive(m) && m->p.mode != CXF_MIG_POOL_STAGED) {
        cxf_mig_fail(m, CXF_OUTCOME_LOST, "the source node failed during switch-over");
        return;
    }
    m->t_switch_end = cxf_mig_now(m);
    resume_destination(m);
    m->outcome = CXF_OUTCOME_DESTINATION;
    if (m->p.mode == CXF_MIG_PRECOPY) {
        cxf_mig_complete(m); /* every page is already on the destination */
        return;
    }
    cxf_mig_set_status(m, CXF_MIG_POSTCOPY_ACTIVE);
    cxf_postcopy_begin(m);
}

/* The state stream: saved, sent, loaded. A failure here keeps the VM on
 * the source. */
static int transfer_state(struct cxf_migration *m, cxf_time_t *t, struct cxf_err *e)
{
    uint8_t *buf;
    size_t len;
    if (cxf_state_save(m, &buf, &len))
        return cxf_fail(e, -ENOMEM, "out of memory for the state stream");
    int rc = cxf_xfer_bytes(m, len, *t, t);
    if (rc) {
        free(buf);
        return cxf_fail(e, rc, "the state stream could not be sent: %s", strerror(-rc));
    }
    m->state_bytes = len;
    m->downtime_bytes += len;
    m->transferred += len;
    rc = cxf_state_load(m->dst_vm, buf, len, e);
    free(buf);
    return rc;
}

void cxf_mig_switchover(struct cxf_migration *m)
{
    cxf_mig_set_status(m, CXF_MIG_DEVICE);
    cxf_time_t t = cxf_mig_now(m);
    m->t_switch_start = t;
    cxf_vm_pause(m->src_vm);
    keep_source_timeline(m);
    struct cxf_err e = {{0}};
    int rc = 0;
    if (m->p.mode == CXF_MIG_PRECOPY && (rc = cxf_precopy_final(m, t, &t)))
        cxf_fail(&e, rc, "the final pages could not be sent: %s", strerror(-rc));
    if (!rc)
        rc = transfer_state(m, &t, &e);
    if (!rc && m->p.mode == CXF_MIG_POOL_STAGED && (rc = cxf_pool_handoff(m, t, &t)))
        cxf_fail(&e, rc, "the pool could not be handed to the destination: %s", strerror(-rc));
    if (!rc && m->p.mode != CXF_MIG_PRECOPY)
        rc = cxf_postcopy_prepare(m, &t, &e);
    if (rc) {
        cxf_mig_fail(m, CXF_OUTCOME_SOURCE, "switch-over failed: %s", e.msg);
        return;
    }
    cxf_mig_next(m, t, switch_done);
}

/* ------------------------------------------------------------------ start */

static int check_start(struct cxf_world *w, struct cxf_vm *vm, const struct cxf_mig_params *p,
                       struct cxf_err *e)
{
    unsigned src = vm->node->host;
    if (vm->state == CXF_VM_LOST || vm->state == CXF_VM_FAILED)
        return cxf_fail(e, -EINVAL, "VM %s is %s: nothing to migrate", vm->name,
                        cxf_vm_state_name(vm->state));
    if (p->dst_node >= w->nnodes)
        return cxf_fail(e, -ENOENT, "no destination node %u", p->dst_node);
    if (p->dst_node == src)
        return cxf_fail(e, -EINVAL, "VM %s already runs on %s", vm->name,
                        cxf_node_name(vm->node));
    if (w->fab->host[p->dst_node].failed || w->fab->host[src].failed)
        return cxf_fail(e, -EHOSTDOWN, "the %s node has failed",
                        w->fab->host[src].failed ? "source" : "destination");
    bool needs_bridges = p->mode == CXF_MIG_POSTCOPY || p->mode == CXF_MIG_HYBRID ||
                         p->transport == CXF_XPORT_FABRIC;
    if (needs_bridges && (!w->fab->host[src].bridge.present ||
                          !w->fab->host[p->dst_node].bridge.present))
        return cxf_fail(e, -EINVAL, "%s needs a memory bridge on both nodes",
                        p->mode == CXF_MIG_POSTCOPY || p->mode == CXF_MIG_HYBRID
                            ? "post-copy" : "the fabric transport");
    if (w->node[p->dst_node].frames_free < vm->npages)
        return cxf_fail(e, -ENOMEM, "destination %s has %llu free pages; VM %s needs %llu",
                        cxf_node_name(&w->node[p->dst_node]),
                        (unsigned long long)w->node[p->dst_node].frames_free, vm->name,
                        (unsigned long long)vm->npages);
    if (p->batch_pages == 0 || p->batch_pages > CXF_MIG_MAX_BATCH || p->touch_threshold == 0 ||
        p->downtime_limit_ns == 0 || p->throttle_max > 99 || p->throttle_initial > 99)
        return cxf_fail(e, -EINVAL, "migration parameters out of range (batch 1-%u pages, "
                        "touch threshold >= 1, downtime limit > 0, throttle <= 99%%)",
                        CXF_MIG_MAX_BATCH);
    if (p->transport == CXF_XPORT_NET && p->net_bandwidth == 0)
        return cxf_fail(e, -EINVAL, "the network transport needs a bandwidth");
    return 0;
}

static int make_destination(struct cxf_migration *m, struct cxf_vm *src, struct cxf_err *e)
{
    struct cxf_vm_config c;
    cxf_vm_config_of(src, &c);
    return cxf_vm_create_placeholder(&m->dst_vm, &m->w->node[m->dst], &c, e);
}

static void after_setup(struct cxf_migration *m)
{
    if (!cxf_mig_source_alive(m)) {
        cxf_mig_fail(m, CXF_OUTCOME_LOST, "the source node failed");
        return;
    }
    m->t_setup_done = cxf_mig_now(m);
    switch (m->p.mode) {
    case CXF_MIG_POSTCOPY:
        cxf_mig_switchover(m);
        return;
    case CXF_MIG_POOL_STAGED:
        cxf_mig_set_status(m, CXF_MIG_ACTIVE);
        cxf_mig_next(m, cxf_mig_now(m), cxf_pool_stage_step);
        return;
    default:
        cxf_mig_set_status(m, CXF_MIG_ACTIVE);
        m->round_start = cxf_mig_now(m);
        cxf_mig_next(m, cxf_mig_now(m), cxf_precopy_round_step);
        return;
    }
}

static int mode_setup(struct cxf_migration *m, struct cxf_err *e, cxf_time_t *cost)
{
    *cost = 0;
    if (m->p.mode == CXF_MIG_POSTCOPY)
        return 0;
    if (m->p.mode == CXF_MIG_POOL_STAGED) {
        int rc = cxf_pool_setup(m, e);
        *cost = rc ? 0 : cxf_pool_setup_cost(m);
        return rc;
    }
    *cost = m->npages * CXF_CAL_WP_NS_PER_PAGE; /* write-protecting for dirty logging */
    return cxf_precopy_setup(m, e);
}

int cxf_migrate_start(struct cxf_world *w, const char *vmname, const struct cxf_mig_params *p,
                      struct cxf_migration **out, struct cxf_err *e)
{
    struct cxf_vm *vm = cxf_world_vm(w, vmname);
    if (!vm)
        return cxf_fail(e, -ENOENT, "no VM named %s", vmname);
    struct cxf_migration *busy = cxf_world_migration(w, vmname);
    if (busy && !cxf_migration_finished(busy))
        return cxf_fail(e, -EBUSY, "VM %s is already migrating (%s)", vmname,
                        cxf_mig_status_name(busy->status));
    int rc = check_start(w, vm, p, e);
    if (rc)
        return rc;
    struct cxf_migration *m = calloc(1, sizeof(*m));
    if (!m)
        return cxf_fail(e, -ENOMEM, "out of memory");
    m->w = w;
    m->p = *p;
    snprintf(m->drop_marker, sizeof(m->drop_marker), "%s",
             p->drop_end_marker ? p->drop_end_marker : "");
    m->p.drop_end_marker = NULL;
    snprintf(m->vm_name, sizeof(m->vm_name), "%s", vm->name);
    m->src = vm->node->host;
    m->dst = p->dst_node;
    m->src_vm = vm;
    m->npages = vm->npages;
    m->t_start = cxf_mig_now(m);
    m->ops_at_start = cxf_vm_ops_done(vm);
    m->timeline_ns = vm->timeline_ns;
    cxf_event_init(&m->ev, event_fire, m);
    cxf_xfer_init(m);
    cxf_mig_set_status(m, CXF_MIG_SETUP);
    cxf_time_t cost;
    rc = make_destination(m, vm, e);
    if (!rc)
        rc = mode_setup(m, e, &cost);
    if (rc) {
        release_before_switch(m);
        free(m);
        return rc;
    }
    m->id = ++w->next_mig_id; /* from 1 */
    m->next = w->migs;
    w->migs = m;
    cxf_mig_next(m, cxf_mig_now(m) + cost, after_setup);
    if (out)
        *out = m;
    return 0;
}

int cxf_migrate_cancel(struct cxf_migration *m, struct cxf_err *e)
{
    if (cxf_migration_finished(m))
        return cxf_fail(e, -EALREADY, "the migration of %s already ended (%s)", m->vm_name,
                        cxf_mig_status_name(m->status));
    if (m->status != CXF_MIG_SETUP && m->status != CXF_MIG_ACTIVE)
        return cxf_fail(e, -EBUSY, "the migration of %s is past switch-over (%s): it can no "
                        "longer be cancelled", m->vm_name, cxf_mig_status_name(m->status));
    cxf_mig_set_status(m, CXF_MIG_CANCELLING);
    cxf_sim_cancel(&m->w->sim, &m->ev);
    release_before_switch(m);
    m->outcome = CXF_OUTCOME_SOURCE;
    snprintf(m->reason, sizeof(m->reason), "cancelled");
    finish(m, CXF_MIG_CANCELLED);
    return 0;
}

void cxf_mig_free(struct cxf_migration *m)
{
    cxf_sim_cancel(&m->w->sim, &m->ev);
    cxf_queue_fini(&m->net_q);
    cxf_queue_fini(&m->cap_q);
    cxf_ring_free(&m->demand);
    cxf_ring_free(&m->prefetch);
    free(m->copy);
    free(m->send);
    free(m->scratch_bits);
    free(m->order);
    free(m->pending);
    free(m->inflight);
    free(m->touches);
    free(m->pool.used);
    free(m->src_timeline);
    json_object_put(m->frozen);
    free(m);
}

struct cxf_migration *cxf_world_migration(struct cxf_world *w, const char *vm)
{
    for (struct cxf_migration *m = w->migs; m; m = m->next)
        if (!strcmp(m->vm_name, vm))
            return m;
    return NULL;
}

unsigned cxf_migration_id(const struct cxf_migration *m) { return m->id; }
struct cxf_migration *cxf_migration_next(const struct cxf_migration *m) { return m->next; }

struct cxf_migration *cxf_world_migration_by_id(struct cxf_world *w, unsigned id)
{
    for (struct cxf_migration *m = w->migs; m; m = m->next)
        if (m->id == id)
            return m;
    return NULL;
}

enum cxf_mig_status cxf_migration_status(const struct cxf_migration *m) { return m->status; }
enum cxf_vm_outcome cxf_migration_outcome(const struct cxf_migration *m) { return m->outcome; }
const char *cxf_migration_reason(const struct cxf_migration *m) { return m->reason; }
const char *cxf_migration_vm_name(const struct cxf_migration *m) { return m->vm_name; }

/* What a node failure means for a migration depends on where the VM's
 * memory is: before switch-over it runs on the source; after, post-copy
 * still reads the source's memory, pool-staged only the pool's. */
void cxf_mig_node_failed(struct cxf_migration *m, unsigned node)
{
    if (cxf_migration_finished(m) || (node != m->src && node != m->dst))
        return;
    bool switched = m->t_switch_end != 0;
    if (node == m->src && !switched)
        cxf_mig_fail(m, CXF_OUTCOME_LOST, "the source node failed before switch-over: the VM "
                     "ran there");
    else if (node == m->src && m->p.mode != CXF_MIG_POOL_STAGED)
        cxf_mig_fail(m, CXF_OUTCOME_LOST, "the source node failed during post-copy: pages "
                     "still there are gone");
    else if (node == m->dst && switched)
        cxf_mig_fail(m, CXF_OUTCOME_LOST, "the destination node failed after switch-over");
    else if (node == m->dst)
        cxf_mig_fail(m, CXF_OUTCOME_SOURCE, "the destination node failed");
    /* the source failing after a pool-staged switch-over loses nothing */
}
