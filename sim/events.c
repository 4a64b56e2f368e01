/*
 * sim/events.c - the discrete-event kernel: virtual clock and event heap.
 *
 * A binary min-heap of event pointers keyed by (when, seq). Each event keeps
 * its heap slot so cancellation and re-scheduling are O(log n) without a
 * search. Equal due times fire in insertion order because seq only grows.
 */
#include "sim.h"

#include <errno.h>
#include <stdlib.h>

void cxf_event_init(struct cxf_event *ev, cxf_event_fn fn, void *arg)
{
    ev->when = 0;
    ev->seq = 0;
    ev->slot = CXF_EVENT_IDLE;
    ev->fn = fn;
    ev->arg = arg;
}

void cxf_sim_init(struct cxf_sim *sim)
{
    sim->now = 0;
    sim->next_seq = 0;
    sim->heap = NULL;
    sim->len = 0;
    sim->cap = 0;
    sim->fired = 0;
}

void cxf_sim_fini(struct cxf_sim *sim)
{
    for (size_t i = 0; i < sim->len; i++)
        sim->heap[i]->slot = CXF_EVENT_IDLE;
    free(sim->heap);
    sim->heap = NULL;
    sim->len = sim->cap = 0;
}

static bool event_before(const struct cxf_event *a, const struct cxf_event *b)
{
    if (a->when != b->when)
        return a->when < b->when;
    return a->seq < b->seq;
}

static void heap_place(struct cxf_sim *sim, size_t i, struct cxf_event *ev)
{
    sim->heap[i] = ev;
    ev->slot = i;
}

static void sift_up(struct cxf_sim *sim, size_t i)
{
    struct cxf_event *ev = sim->heap[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!event_before(ev, sim->heap[parent]))
            break;
        heap_place(sim, i, sim->heap[parent]);
        i = parent;
    }
    heap_place(sim, i, ev);
}

static void sift_down(struct cxf_sim *sim, size_t i)
{
    struct cxf_event *ev = sim->heap[i];
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= sim->len)
            break;
        if (child + 1 < sim->len && event_before(sim->heap[child + 1], sim->heap[child]))
            child++;
        if (!event_before(sim->heap[child], ev))
            break;
        heap_place(sim, i, sim->heap[child]);
        i = child;
    }
    heap_place(sim, i, ev);
}

static void heap_remove_at(struct cxf_sim *sim, size_t i)
{
    struct cxf_event *gone = sim->heap[i];
    sim->len--;
    if (i != sim->len) {
        struct cxf_event *moved = sim->heap[sim->len];
        heap_place(sim, i, moved);
        /* The moved event may belong above or below slot i. */
        sift_up(sim, i);
        sift_down(sim, moved->slot);
    }
    gone->slot = CXF_EVENT_IDLE;
}

static int heap_reserve(struct cxf_sim *sim)
{
    if (sim->len < sim->cap)
        return 0;
    size_t cap = sim->cap ? sim->cap * 2 : 64;
    struct cxf_event **grown = realloc(sim->heap, cap * sizeof(*grown));
    if (!grown)
        return -ENOMEM;
    sim->heap = grown;
    sim->cap = cap;
    return 0;
}

static bool owned(const struct cxf_sim *sim, const struct cxf_event *ev)
{
    return ev->slot < sim->len && sim->heap[ev->slot] == ev;
}

int cxf_sim_schedule(struct cxf_sim *sim, struct cxf_event *ev, cxf_time_t when)
{
    if (when < sim->now)
        return -EINVAL;
    if (cxf_event_queued(ev)) {
        if (!owned(sim, ev))
            return -EINVAL; /* queued on another kernel */
        heap_remove_at(sim, ev->slot);
    }
    int rc = heap_reserve(sim);
    if (rc)
        return rc;
    ev->when = when;
    ev->seq = sim->next_seq++;
    heap_place(sim, sim->len++, ev);
    sift_up(sim, ev->slot);
    return 0;
}

int cxf_sim_schedule_in(struct cxf_sim *sim, struct cxf_event *ev, cxf_time_t delay)
{
    if (delay > CXF_TIME_NEVER - sim->now)
        return -EINVAL;
    return cxf_sim_schedule(sim, ev, sim->now + delay);
}

bool cxf_sim_cancel(struct cxf_sim *sim, struct cxf_event *ev)
{
    if (!cxf_event_queued(ev) || !owned(sim, ev))
        return false;
    heap_remove_at(sim, ev->slot);
    return true;
}

cxf_time_t cxf_sim_next_time(const struct cxf_sim *sim)
{
    return sim->len ? sim->heap[0]->when : CXF_TIME_NEVER;
}

bool cxf_sim_step(struct cxf_sim *sim)
{
    if (!sim->len)
        return false;
    struct cxf_event *ev = sim->heap[0];
    heap_remove_at(sim, 0);
    sim->now = ev->when;
    sim->fired++;
    if (ev->fn)
        ev->fn(sim, ev);
    return true;
}

uint64_t cxf_sim_run_until(struct cxf_sim *sim, cxf_time_t until)
{
    uint64_t n = 0;
    while (sim->len && sim->heap[0]->when <= until) {
        cxf_sim_step(sim);
        n++;
    }
    if (until > sim->now)
        sim->now = until;
    return n;
}

uint64_t cxf_sim_run_idle(struct cxf_sim *sim, uint64_t max_events)
{
    uint64_t n = 0;
    while ((max_events == 0 || n < max_events) && cxf_sim_step(sim))
        n++;
    return n;
}
