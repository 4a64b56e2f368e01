/*
 * migrate/postcopy.c - running on the destination while pages come over
 * (post-copy, the second phase of hybrid, and pool-staged's pulls).
 *
 * At switch-over every page that is not yet on the destination keeps its
 * home: the source node's DRAM (reached through the destination's bridge,
 * the switch and the source's bridge) or the pool. The VM runs against it
 * from the first instruction; meanwhile pages are pulled into destination
 * frames by three means, in this priority:
 *   touch     a page the VM accessed `touch_threshold` times remotely
 *             (1 = demand paging, as userfaultfd post-copy);
 *   prefetch  the `prefetch_window` neighbours of a touched page, nearest
 *             first on both sides (Hines & Gopalan's pre-paging bubbling);
 *   push      the background stream, in linear or hot-first order.
 * A batch is read where the pages are and landed when its transfer ends:
 * the copy and the remap happen together at that instant, so writes the VM
 * made through the bridge until then are in it. The old home is freed, so
 * each page is transferred exactly once and memory is never held twice.
 */
#include "mig_priv.h"

#include <stdlib.h>
#include <string.h>

#define PAUSED_RETRY CXF_US(100) /* how often stalled pulls try again */

int cxf_ring_init(struct cxf_gpn_ring *r, size_t cap)
{
    r->slot = calloc(cap, sizeof(*r->slot));
    r->cap = cap;
    r->head = r->len = 0;
    return r->slot ? 0 : -ENOMEM;
}

void cxf_ring_free(struct cxf_gpn_ring *r)
{
    free(r->slot);
    r->slot = NULL;
    r->cap = r->len = 0;
}

bool cxf_ring_push(struct cxf_gpn_ring *r, uint64_t v)
{
    if (r->len == r->cap)
        return false;
    r->slot[(r->head + r->len++) % r->cap] = v;
    return true;
}

bool cxf_ring_pop(struct cxf_gpn_ring *r, uint64_t *v)
{
    if (!r->len)
        return false;
    *v = r->slot[r->head];
    r->head = (r->head + 1) % r->cap;
    r->len--;
    return true;
}

static bool is_pending(const struct cxf_migration *m, uint64_t g)
{
    return g < m->npages && cxf_bit(m->pending, g) && !cxf_bit(m->inflight, g);
}

/* The VM touched a page that is still away (its memory access missed the
 * LLC and went remote). */
static void on_remote_access(void *ctx, struct cxf_vm *vm, uint64_t gpn, cxf_time_t at)
{
    struct cxf_migration *m = ctx;
    (void)vm;
    (void)at;
    if (!is_pending(m, gpn))
        return;
    if (m->touches[gpn] < UINT16_MAX)
        m->touches[gpn]++;
    if (m->touches[gpn] != m->p.touch_threshold)
        return;
    if (cxf_ring_push(&m->demand, gpn))
        m->postcopy_requests++;
    if (m->p.policy != CXF_PULL_PREFETCH)
        return;
    for (uint64_t d = 1; d <= m->p.prefetch_window; d++) {
        if (gpn + d < m->npages && is_pending(m, gpn + d))
            cxf_ring_push(&m->prefetch, gpn + d);
        if (gpn >= d && is_pending(m, gpn - d))
            cxf_ring_push(&m->prefetch, gpn - d);
    }
}

static int alloc_state(struct cxf_migration *m)
{
    size_t words = (m->npages + 63) / 64;
    m->pending = calloc(words, sizeof(uint64_t));
    m->inflight = calloc(words, sizeof(uint64_t));
    m->touches = calloc(m->npages, sizeof(uint16_t));
    m->order = malloc(m->npages * sizeof(uint64_t));
    size_t ring = m->npages < 65536 ? m->npages + 1 : 65536;
    if (!m->pending || !m->inflight || !m->touches || !m->order ||
        cxf_ring_init(&m->demand, ring) || cxf_ring_init(&m->prefetch, ring))
        return -ENOMEM;
    return 0;
}

/* Background order: hot-first uses what the source VM's pages saw. */
static int make_order(struct cxf_migration *m)
{
    uint32_t *counts = NULL;
    if (m->p.policy == CXF_PULL_HOT_FIRST) {
        counts = malloc(m->npages * sizeof(*counts));
        if (!counts)
            return -ENOMEM;
        for (uint64_t g = 0; g < m->npages; g++)
            counts[g] = m->src_vm->page[g].accesses;
    }
    int rc = cxf_pull_order(m->p.policy, counts, m->npages, m->order);
    free(counts);
    return rc;
}

/* Hybrid: a pre-copied page whose copy is still good needs no pull. */
static bool copy_is_good(struct cxf_migration *m, uint64_t g)
{
    return m->copy && m->copy[g].kind == CXF_PG_DRAM && !cxf_bit(m->send, g);
}

/* Where each destination page starts: its good copy, or its old home. */
static void map_pages(struct cxf_migration *m)
{
    if (m->copy) { /* hybrid: everything dirtied since its copy is stale */
        cxf_vm_dirty_log_fetch(m->src_vm, m->scratch_bits);
        m->dirty_sync_count++;
        for (size_t i = 0; i < (m->npages + 63) / 64; i++)
            m->send[i] |= m->scratch_bits[i];
    }
    for (uint64_t g = 0; g < m->npages; g++) {
        struct cxf_page_loc home = cxf_vm_page(m->src_vm, g);
        if (copy_is_good(m, g)) {
            cxf_vm_set_page(m->dst_vm, g, m->copy[g]);
            m->copy[g] = (struct cxf_page_loc){0};
            continue;
        }
        cxf_vm_set_page(m->dst_vm, g, home);
        if (home.kind != CXF_PG_NONE) {
            cxf_bit_set(m->pending, g);
            m->remaining++;
        }
    }
    cxf_precopy_release(m, false); /* stale copies */
}

/* A page's old home is given back once the destination has it. */
static void free_home(struct cxf_migration *m, uint64_t g, struct cxf_page_loc home)
{
    if (home.kind == CXF_PG_DEV) {
        cxf_pool_free_page(m, home);
    } else if (home.kind == CXF_PG_DRAM && home.owner == m->src) {
        cxf_node_frame_free(cxf_mig_node(m, m->src), home.addr);
        if (m->src_vm) /* the source VM no longer holds it */
            cxf_vm_set_page(m->src_vm, g, (struct cxf_page_loc){0});
    }
}

/* The devices' data-plane pages go with their state during the downtime,
 * from *t on; *t becomes the time the last one arrived, so the downtime
 * includes them. */
static int push_device_pages(struct cxf_migration *m, cxf_time_t *t_io)
{
    const struct cxf_vm *vm = m->dst_vm;
    cxf_time_t t = *t_io;
    for (unsigned d = 0; d < vm->nvdevs; d++) {
        uint64_t first = vm->vdev[d].base / CXF_PAGE_SIZE;
        for (uint64_t g = first; g < first + CXF_VDEV_PAGES; g++) {
            if (!cxf_bit(m->pending, g))
                continue;
            uint64_t off;
            if (cxf_node_frame_alloc(cxf_mig_node(m, m->dst), &off))
                return -ENOMEM;
            struct cxf_page_loc to = {CXF_PG_DRAM, m->dst, off}, from;
            cxf_time_t done;
            int rc = cxf_xfer_page(m, m->dst, cxf_vm_page(m->dst_vm, g), to, t, false, &done);
            if (!rc)
                rc = cxf_vm_page_move(m->dst_vm, g, to, &from);
            if (rc) {
                cxf_node_frame_free(cxf_mig_node(m, m->dst), off);
                return rc;
            }
            free_home(m, g, from);
            *t_io = done > *t_io ? done : *t_io;
            cxf_bit_clear(m->pending, g);
            m->remaining--;
            m->device_pages++;
            m->downtime_bytes += CXF_PAGE_SIZE;
            m->transferred += CXF_PAGE_SIZE;
        }
    }
    return 0;
}

int cxf_postcopy_prepare(struct cxf_migration *m, cxf_time_t *t, struct cxf_err *e)
{
    if (alloc_state(m) || make_order(m))
        return cxf_fail(e, -ENOMEM, "out of memory for post-copy bookkeeping");
    map_pages(m);
    m->away_at_switch = m->remaining;
    int rc = push_device_pages(m, t);
    if (rc)
        return cxf_fail(e, rc, "device pages could not be moved: %s", strerror(-rc));
    m->dst_vm->hooks = (struct cxf_vm_hooks){.ctx = m, .remote_access = on_remote_access};
    return 0;
}

/* The next page to pull and why; false when nothing is left to ask for. */
static bool next_page(struct cxf_migration *m, uint64_t *g, uint8_t *why)
{
    while (cxf_ring_pop(&m->demand, g))
        if (is_pending(m, *g))
            return *why = CXF_PULL_TOUCH, true;
    while (cxf_ring_pop(&m->prefetch, g))
        if (is_pending(m, *g))
            return *why = CXF_PULL_PREFETCHED, true;
    while (m->order_pos < m->npages) {
        *g = m->order[m->order_pos++];
        if (is_pending(m, *g))
            return *why = CXF_PULL_PUSH, true;
    }
    return false;
}

static void pull_step(struct cxf_migration *m);

/* Put a page back where it was asked for from. */
static void requeue(struct cxf_migration *m, uint64_t g, uint8_t why)
{
    if (why == CXF_PULL_TOUCH)
        cxf_ring_push(&m->demand, g);
    else if (why == CXF_PULL_PREFETCHED)
        cxf_ring_push(&m->prefetch, g);
    else
        m->order_pos--; /* it was the last one the stream took */
}

/* Pulls cannot reach the pages (a link is down): wait and try again. */
static void stall(struct cxf_migration *m, int rc)
{
    if (m->status == CXF_MIG_POSTCOPY_ACTIVE)
        cxf_mig_set_status(m, CXF_MIG_POSTCOPY_PAUSED);
    snprintf(m->reason, sizeof(m->reason), "pulls stalled: %s", strerror(-rc));
    cxf_mig_next(m, cxf_mig_now(m) + PAUSED_RETRY, pull_step);
}

/* Land a batch: copy and remap each page, free its old home. */
static void land(struct cxf_migration *m)
{
    for (unsigned i = 0; i < m->batch.n; i++) {
        uint64_t g = m->batch.gpn[i];
        struct cxf_page_loc to = m->batch.to[i], from;
        cxf_bit_clear(m->inflight, g);
        if (cxf_vm_page_move(m->dst_vm, g, to, &from)) {
            cxf_mig_fail(m, CXF_OUTCOME_LOST, "page %llu could not be read: its memory is gone",
                         (unsigned long long)g);
            return;
        }
        free_home(m, g, from);
        cxf_bit_clear(m->pending, g);
        m->remaining--;
        m->pulled[m->batch.reason[i]]++;
        m->postcopy_bytes += CXF_PAGE_SIZE;
        m->transferred += CXF_PAGE_SIZE;
        m->pages_sent++;
    }
    m->batch.n = 0;
    pull_step(m);
}

static void pull_step(struct cxf_migration *m)
{
    if (m->remaining == 0) {
        cxf_mig_complete(m);
        return;
    }
    cxf_time_t now = cxf_mig_now(m), last = now;
    uint64_t g;
    uint8_t why;
    while (m->batch.n < m->p.batch_pages && next_page(m, &g, &why)) {
        uint64_t off;
        if (cxf_node_frame_alloc(cxf_mig_node(m, m->dst), &off)) {
            cxf_mig_fail(m, CXF_OUTCOME_DESTINATION, "the destination ran out of memory; the "
                         "VM keeps running against the remaining remote pages");
            return;
        }
        struct cxf_page_loc to = {CXF_PG_DRAM, m->dst, off};
        cxf_time_t done;
        int rc = cxf_xfer_page(m, m->dst, cxf_vm_page(m->dst_vm, g), to, now,
                               why == CXF_PULL_TOUCH, &done);
        if (rc) {
            cxf_node_frame_free(cxf_mig_node(m, m->dst), off);
            if (rc == -EHOSTDOWN) {
                cxf_mig_fail(m, CXF_OUTCOME_LOST, "pages still on the source are gone");
                return;
            }
            requeue(m, g, why);
            if (m->batch.n == 0) {
                stall(m, rc);
                return;
            }
            break; /* land what is already on its way first */
        }
        unsigned i = m->batch.n++;
        m->batch.gpn[i] = g;
        m->batch.reason[i] = why;
        m->batch.to[i] = to;
        cxf_bit_set(m->inflight, g);
        last = done > last ? done : last;
    }
    if (m->status == CXF_MIG_POSTCOPY_PAUSED) {
        cxf_mig_set_status(m, CXF_MIG_POSTCOPY_ACTIVE); /* recovered */
        m->reason[0] = '\0';
    }
    if (m->batch.n == 0) { /* everything left is in flight: nothing to do */
        cxf_mig_next(m, now + PAUSED_RETRY, pull_step);
        return;
    }
    cxf_mig_next(m, last, land);
}

void cxf_postcopy_begin(struct cxf_migration *m)
{
    cxf_mig_next(m, cxf_mig_now(m), pull_step);
}

void cxf_postcopy_release(struct cxf_migration *m)
{
    for (unsigned i = 0; i < m->batch.n; i++) { /* a batch still in flight */
        cxf_bit_clear(m->inflight, m->batch.gpn[i]);
        cxf_node_frame_free(cxf_mig_node(m, m->dst), m->batch.to[i].addr);
    }
    m->batch.n = 0;
    if (m->dst_vm)
        m->dst_vm->hooks = (struct cxf_vm_hooks){0};
}
