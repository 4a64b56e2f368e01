/*
 * sim/queue.c - bandwidth queues: capacity per time slot, bookings in any
 * time order (see sim.h).
 */
#include "sim.h"

#include <stdlib.h>
#include <string.h>

cxf_time_t cxf_queue_duration(uint64_t bytes_per_sec, uint64_t bytes)
{
    if (bytes_per_sec == 0)
        return 0;
    /* 128-bit: bytes * 1e9 overflows 64 bits above ~18 GB */
    unsigned __int128 ns = ((unsigned __int128)bytes * 1000000000u + bytes_per_sec - 1) /
                           bytes_per_sec;
    return ns > CXF_TIME_NEVER ? CXF_TIME_NEVER : (cxf_time_t)ns;
}

void cxf_queue_fini(struct cxf_queue *q)
{
    free(q->busy);
    q->busy = NULL;
}

/* Make absolute slot s part of the ring, forgetting the oldest slots. */
static uint32_t *slot(struct cxf_queue *q, uint64_t s)
{
    if (s >= q->base + CXF_QUEUE_SLOTS) {
        uint64_t new_base = s - CXF_QUEUE_SLOTS + 1;
        uint64_t drop = new_base - q->base;
        if (drop >= CXF_QUEUE_SLOTS)
            memset(q->busy, 0, CXF_QUEUE_SLOTS * sizeof(*q->busy));
        else
            for (uint64_t i = q->base; i < new_base; i++)
                q->busy[i % CXF_QUEUE_SLOTS] = 0;
        q->base = new_base;
        if (q->full_below < new_base) /* what was known full is forgotten */
            q->full_below = new_base;
    }
    return &q->busy[s % CXF_QUEUE_SLOTS];
}

/* Move full_below past the slots that are fully booked now. Slots only fill
 * until they leave the ring, so it only moves forward: bookings that all
 * start at the same early time (a burst of pages issued at once) skip the
 * full slots instead of scanning them one by one, each. */
static void advance_full(struct cxf_queue *q)
{
    while (q->full_below < q->base + CXF_QUEUE_SLOTS &&
           q->busy[q->full_below % CXF_QUEUE_SLOTS] >= CXF_QUEUE_SLOT_NS)
        q->full_below++;
}

static void account(struct cxf_queue *q, cxf_time_t ready, cxf_time_t start, cxf_time_t end,
                    uint64_t bytes)
{
    q->waited += start - ready;
    q->bytes += bytes;
    q->transfers++;
    if (end > q->busy_until)
        q->busy_until = end;
}

/* Without the ring (allocation failed): a plain FIFO. */
static cxf_time_t reserve_fifo(struct cxf_queue *q, cxf_time_t ready, cxf_time_t d,
                               cxf_time_t *end)
{
    cxf_time_t start = ready > q->busy_until ? ready : q->busy_until;
    *end = start + d;
    return start;
}

cxf_time_t cxf_queue_reserve(struct cxf_queue *q, cxf_time_t ready, uint64_t bytes,
                             cxf_time_t *end)
{
    cxf_time_t d = cxf_queue_duration(q->bytes_per_sec, bytes), start = CXF_TIME_NEVER;
    if (d == 0) {
        *end = ready;
        account(q, ready, ready, ready, bytes);
        return ready;
    }
    if (!q->busy && !(q->busy = calloc(CXF_QUEUE_SLOTS, sizeof(*q->busy)))) {
        start = reserve_fifo(q, ready, d, end);
        account(q, ready, start, *end, bytes);
        return start;
    }
    uint64_t s = ready / CXF_QUEUE_SLOT_NS;
    if (s < q->base && q->full_below == q->base) {
        /* Before the ring, whose oldest slot is not full: a booking far
         * ahead (a migration held back by its cap, say) moved the horizon
         * past `ready` over idle time. What was booked then is forgotten;
         * treat it as free rather than push a booking of now into the
         * future behind it. (When the oldest slot is full, the ring moved
         * with a backlog that runs on from the past: queue behind it.) */
        start = ready;
        *end = ready + d;
        account(q, ready, start, *end, bytes);
        return start;
    }
    if (s < q->base)
        s = q->base;
    if (s < q->full_below) /* no capacity left before it */
        s = q->full_below;
    for (cxf_time_t left = d; left; s++) {
        uint32_t *booked = slot(q, s);
        cxf_time_t from = s * CXF_QUEUE_SLOT_NS, to = from + CXF_QUEUE_SLOT_NS;
        cxf_time_t t0 = from + *booked > ready ? from + *booked : ready;
        if (t0 >= to)
            continue;
        cxf_time_t take = to - t0 < left ? to - t0 : left;
        if (start == CXF_TIME_NEVER)
            start = t0;
        *booked = (uint32_t)(t0 + take - from);
        left -= take;
        *end = t0 + take;
    }
    advance_full(q);
    account(q, ready, start, *end, bytes);
    return start;
}
