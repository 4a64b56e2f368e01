/*
 * node/vcpu.c - running vCPUs in virtual time.
 *
 * Each vCPU is an event. When it fires, the vCPU runs operations until its
 * own clock passes the end of a quantum, then schedules itself at its clock.
 * Everything a vCPU does between two events is one step of the
 * discrete-event kernel, so pauses, page moves and faults injected by other
 * events always find every vCPU at an operation boundary.
 *
 * An operation that faults is undone (journal and registers) and either
 * retried later (the link to its page is down, its LD is being rebound: the
 * vCPU is blocked, the time counted as stall) or ends the VM (its memory is
 * gone, the workload misbehaved).
 */
#include "node_priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RETRY_NS CXF_US(10) /* how often a blocked vCPU looks again */

/* Asked on every non-local miss: a line's transfer time (a 128-bit
 * division) is remembered for the last DRAM bandwidth seen, which every node
 * of a fabric normally shares. The memo is keyed by its input, not by the
 * node, so it is never stale (a node's address can be reused by another
 * world); it is per thread so that worlds in threads do not share it. */
cxf_time_t cxf_node_local_idle_ns(const struct cxf_node *n)
{
    static _Thread_local uint64_t memo_rate; /* 0: infinite, 0 ns: right as it starts */
    static _Thread_local cxf_time_t memo_line_ns;
    const struct cxf_host *h = &n->fab->host[n->host];
    if (h->dram_q.bytes_per_sec != memo_rate) {
        memo_rate = h->dram_q.bytes_per_sec;
        memo_line_ns = cxf_queue_duration(memo_rate, CXF_LINE_SIZE);
    }
    return h->dram_ns + memo_line_ns;
}

static void vcpu_event(struct cxf_sim *sim, struct cxf_event *ev);

void cxf_vcpu_schedule(struct cxf_vcpu *v, cxf_time_t at)
{
    struct cxf_sim *sim = v->vm->node->sim;
    v->ev.fn = vcpu_event;
    cxf_sim_schedule(sim, &v->ev, at > sim->now ? at : sim->now);
}

static void timeline_add(struct cxf_vm *vm, cxf_time_t at)
{
    size_t slot = (size_t)(at / vm->timeline_ns);
    if (slot >= vm->timeline_len) {
        size_t len = vm->timeline_len ? vm->timeline_len : 64;
        while (len <= slot)
            len *= 2;
        uint64_t *grown = realloc(vm->timeline, len * sizeof(*grown));
        if (!grown)
            return; /* metrics only: keep running */
        memset(grown + vm->timeline_len, 0, (len - vm->timeline_len) * sizeof(*grown));
        vm->timeline = grown;
        vm->timeline_len = len;
    }
    vm->timeline[slot]++;
}

static bool all_done(const struct cxf_vm *vm)
{
    for (unsigned i = 0; i < vm->nvcpus; i++)
        if (vm->vcpu[i].state != CXF_VCPU_DONE)
            return false;
    return true;
}

static void end_vm(struct cxf_vm *vm, enum cxf_vm_state state, const char *why, uint64_t gpa,
                   int rc)
{
    char reason[160];
    snprintf(reason, sizeof(reason), "%s at gpa 0x%llx (%s)", why, (unsigned long long)gpa,
             strerror(-rc));
    cxf_vm_mark_lost(vm, reason);
    vm->state = state;
}

/* An op faulted and was undone: block and retry, or end the VM. */
static void handle_fault(struct cxf_vcpu *v)
{
    struct cxf_vm *vm = v->vm;
    int f = v->fault;
    if (cxf_fault_retryable(f)) {
        v->state = CXF_VCPU_BLOCKED;
        v->retries++;
        snprintf(vm->reason, sizeof(vm->reason), "vCPU %u blocked on gpa 0x%llx: %s", v->id,
                 (unsigned long long)v->fault_gpa, strerror(-f));
        return;
    }
    if (f == -EHOSTDOWN)
        end_vm(vm, CXF_VM_LOST, "memory is gone: its node failed", v->fault_gpa, f);
    else if (f == -EHWPOISON)
        end_vm(vm, CXF_VM_FAILED, "machine check: poisoned memory", v->fault_gpa, f);
    else if (f == -ENOMEM)
        end_vm(vm, CXF_VM_FAILED, "no free frame on the node", v->fault_gpa, f);
    else if (f == -E2BIG)
        end_vm(vm, CXF_VM_FAILED, "an operation stored more than the undo journal holds",
               v->fault_gpa, f);
    else
        end_vm(vm, CXF_VM_FAILED, "bad guest access", v->fault_gpa, f);
}

/* One operation, all or nothing. Returns false if the vCPU must stop. */
static bool run_op(struct cxf_vcpu *v)
{
    struct cxf_vm *vm = v->vm;
    struct cxf_vcpu_regs saved = v->regs;
    struct cxf_vdev saved_dev[CXF_MAX_VDEVS];
    if (v->id == 0) /* devices are served inside vCPU 0's ops */
        memcpy(saved_dev, vm->vdev, sizeof(saved_dev));
    v->jn = 0;
    v->fault = 0;
    int rc = vm->wl.ops->step(&vm->wl, v);
    if (rc == 0 && !v->fault)
        cxf_vdevs_after_op(v);
    if (v->fault) {
        cxf_vcpu_rollback(v);
        v->regs = saved;
        if (v->id == 0)
            memcpy(vm->vdev, saved_dev, sizeof(saved_dev));
        handle_fault(v);
        return false;
    }
    if (rc < 0) {
        char reason[160];
        snprintf(reason, sizeof(reason), "workload %s failed on vCPU %u: %s", vm->wl.ops->name,
                 v->id, strerror(-rc));
        cxf_vm_mark_lost(vm, reason);
        vm->state = CXF_VM_FAILED;
        return false;
    }
    v->regs.ops_done++;
    v->clock += vm->wl.think_ns;
    timeline_add(vm, v->clock);
    return true;
}

static bool reached_target(const struct cxf_vcpu *v)
{
    return v->regs.ops_target && v->regs.ops_done >= v->regs.ops_target;
}

static void finish_vcpu(struct cxf_vcpu *v)
{
    struct cxf_vm *vm = v->vm;
    v->state = CXF_VCPU_DONE;
    if (all_done(vm)) {
        vm->state = CXF_VM_DONE;
        vm->finished_at = v->clock;
    }
}

/* A throttled vCPU sleeps so that it runs (1 - throttle) of the time. */
static cxf_time_t throttle_sleep(const struct cxf_vm *vm, cxf_time_t ran)
{
    if (vm->throttle <= 0.0)
        return 0;
    return (cxf_time_t)((double)ran * vm->throttle / (1.0 - vm->throttle));
}

static void vcpu_event(struct cxf_sim *sim, struct cxf_event *ev)
{
    struct cxf_vcpu *v = ev->arg;
    struct cxf_vm *vm = v->vm;
    if (vm->state != CXF_VM_RUNNING) {
        v->state = v->state == CXF_VCPU_DONE ? CXF_VCPU_DONE : CXF_VCPU_IDLE;
        return;
    }
    v->state = CXF_VCPU_RUNNING;
    v->clock = v->clock > sim->now ? v->clock : sim->now;
    if (v->tlb_gen != vm->node->fab->generation) {
        cxf_vcpu_tlb_flush(v); /* decoders, bindings, links or poison changed */
        v->tlb_gen = vm->node->fab->generation;
    }
    v->last_line = UINT64_MAX; /* other vCPUs ran since: the line may be gone */
    cxf_time_t start = v->clock, end = sim->now + vm->node->quantum_ns;
    while (v->clock < end) {
        if (reached_target(v)) {
            finish_vcpu(v);
            return;
        }
        if (!run_op(v))
            break;
    }
    if (v->state == CXF_VCPU_BLOCKED) {
        v->clock += RETRY_NS;
        v->stall_ns += RETRY_NS;
        cxf_vcpu_schedule(v, v->clock);
    } else if (vm->state == CXF_VM_RUNNING) {
        cxf_vcpu_schedule(v, v->clock + throttle_sleep(vm, v->clock - start));
    }
}

/* Start every vCPU; ops[i] (when given) is vCPU i's operation count, and a
 * vCPU given none is done at once (0 would otherwise mean "no limit"). */
static void start_vcpus(struct cxf_vm *vm, const uint64_t *ops)
{
    struct cxf_sim *sim = vm->node->sim;
    if (vm->state != CXF_VM_CREATED)
        return;
    vm->state = CXF_VM_RUNNING;
    vm->started_at = sim->now;
    uint64_t each = vm->ops_total / vm->nvcpus, extra = vm->ops_total % vm->nvcpus;
    for (unsigned i = 0; i < vm->nvcpus; i++) {
        struct cxf_vcpu *v = &vm->vcpu[i];
        v->regs.ops_target = ops ? ops[i] : vm->ops_total ? each + (i < extra) : 0;
        if (vm->wl.ops->start)
            vm->wl.ops->start(&vm->wl, v);
        v->clock = sim->now;
        if (ops && !ops[i]) {
            finish_vcpu(v);
            continue;
        }
        v->state = CXF_VCPU_RUNNING;
        cxf_vcpu_schedule(v, sim->now);
    }
}

void cxf_vm_start(struct cxf_vm *vm)
{
    start_vcpus(vm, NULL);
}

void cxf_vm_start_counts(struct cxf_vm *vm, const uint64_t *ops)
{
    start_vcpus(vm, ops);
}

void cxf_vm_pause(struct cxf_vm *vm)
{
    if (vm->state != CXF_VM_RUNNING)
        return;
    for (unsigned i = 0; i < vm->nvcpus; i++) {
        struct cxf_vcpu *v = &vm->vcpu[i];
        cxf_sim_cancel(vm->node->sim, &v->ev); /* every vCPU is between ops */
        if (v->state != CXF_VCPU_DONE)
            v->state = CXF_VCPU_IDLE;
    }
    vm->state = CXF_VM_PAUSED;
    vm->paused_at = vm->node->sim->now;
    if (vm->hooks.paused)
        vm->hooks.paused(vm->hooks.ctx, vm);
}

void cxf_vm_resume(struct cxf_vm *vm)
{
    if (vm->state != CXF_VM_PAUSED)
        return;
    vm->state = CXF_VM_RUNNING;
    struct cxf_sim *sim = vm->node->sim;
    for (unsigned i = 0; i < vm->nvcpus; i++) {
        struct cxf_vcpu *v = &vm->vcpu[i];
        if (v->state == CXF_VCPU_DONE)
            continue;
        v->state = CXF_VCPU_RUNNING;
        cxf_vcpu_schedule(v, v->clock > sim->now ? v->clock : sim->now);
    }
    if (all_done(vm))
        vm->state = CXF_VM_DONE;
}

bool cxf_vm_stopped(const struct cxf_vm *vm)
{
    for (unsigned i = 0; i < vm->nvcpus; i++)
        if (cxf_event_queued(&vm->vcpu[i].ev))
            return false;
    return true;
}

void cxf_vm_set_throttle(struct cxf_vm *vm, double fraction)
{
    vm->throttle = fraction < 0.0 ? 0.0 : fraction > 0.99 ? 0.99 : fraction;
}
