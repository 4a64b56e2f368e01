/*
 * migrate/precopy.c - pre-copy rounds (also the first phase of hybrid).
 *
 * Dirty logging is on from setup. Round 1 sends every page, each later round
 * the pages dirtied during the previous one. After each round the measured
 * bandwidth decides (QEMU's rule): if what is left can go within the
 * downtime limit, switch over; after max-rounds, force or fail as
 * configured. Auto-converge throttles the vCPUs when a round dirtied more
 * than half of what it sent (QEMU's throttle-trigger-threshold of 50%).
 *
 * A page is copied into its destination frame when it is sent: a write
 * after that marks it dirty again, so it is sent again, and at switch-over
 * (VM paused) the last dirty pages go, so the destination's copy is exact.
 */
#include "mig_priv.h"

#include <stdlib.h>
#include <string.h>

#define ZERO_PAGE_BYTES 8u /* a zero page travels as a flag (QEMU RAM_SAVE_FLAG_ZERO) */

int cxf_precopy_setup(struct cxf_migration *m, struct cxf_err *e)
{
    size_t words = (m->npages + 63) / 64;
    m->copy = calloc(m->npages, sizeof(*m->copy));
    m->send = calloc(words, sizeof(uint64_t));
    m->scratch_bits = calloc(words, sizeof(uint64_t));
    if (!m->copy || !m->send || !m->scratch_bits)
        return cxf_fail(e, -ENOMEM, "out of memory for the dirty bitmaps");
    for (uint64_t i = 0; i < m->npages; i++)
        cxf_bit_set(m->send, i); /* round 1: everything */
    m->round = 1;
    cxf_vm_dirty_log_start(m->src_vm);
    return 0;
}

static void free_copy(struct cxf_migration *m, uint64_t gpn)
{
    struct cxf_page_loc *c = &m->copy[gpn];
    if (c->kind == CXF_PG_DRAM)
        cxf_node_frame_free(cxf_mig_node(m, m->dst), c->addr);
    *c = (struct cxf_page_loc){0};
}

/* Copy one page to its destination frame and cost the transfer. */
static int send_page(struct cxf_migration *m, uint64_t gpn, cxf_time_t at, cxf_time_t *done,
                     uint64_t *bytes)
{
    struct cxf_page_loc from = cxf_vm_page(m->src_vm, gpn);
    if (from.kind == CXF_PG_NONE) {
        free_copy(m, gpn);
        *bytes = ZERO_PAGE_BYTES;
        return cxf_xfer_bytes(m, ZERO_PAGE_BYTES, at, done);
    }
    struct cxf_page_loc *to = &m->copy[gpn];
    if (to->kind != CXF_PG_DRAM) {
        uint64_t off;
        if (cxf_node_frame_alloc(cxf_mig_node(m, m->dst), &off))
            return -ENOMEM;
        *to = (struct cxf_page_loc){CXF_PG_DRAM, m->dst, off};
    }
    const uint8_t *src = cxf_vm_page_bytes(m->src_vm, gpn);
    uint8_t *dst = cxf_loc_bytes(m->w->fab, *to);
    if (!src || !dst)
        return -EHOSTDOWN;
    int rc = cxf_xfer_page(m, m->src, from, *to, at, false, done);
    if (rc)
        return rc;
    memcpy(dst, src, CXF_PAGE_SIZE);
    *bytes = CXF_PAGE_SIZE;
    return 0;
}

/* Send the pages in `bits` from m->cursor, at most `limit`; returns how many
 * went and when the last arrives. */
static int send_batch(struct cxf_migration *m, uint64_t *bits, unsigned limit, cxf_time_t at,
                      cxf_time_t *last, uint64_t *bytes_out, unsigned *sent)
{
    *sent = 0;
    *last = at;
    while (m->cursor < m->npages && *sent < limit) {
        uint64_t gpn = m->cursor++;
        if (!cxf_bit(bits, gpn))
            continue;
        cxf_bit_clear(bits, gpn);
        cxf_time_t done;
        uint64_t bytes;
        int rc = send_page(m, gpn, at, &done, &bytes);
        if (rc)
            return rc;
        *last = done > *last ? done : *last;
        *bytes_out += bytes;
        m->pages_sent++;
        (*sent)++;
    }
    return 0;
}

/* QEMU's rule (migration_trigger_throttle in migration/ram.c): a round
 * whose dirty bytes exceed 50% of the bytes it sent counts; every second
 * such round (not necessarily consecutive) throttles the vCPUs a step more:
 * the initial percentage first, then by the increment, up to the maximum. */
static void auto_converge(struct cxf_migration *m, uint64_t dirty_bytes)
{
    if (!m->p.auto_converge || dirty_bytes * 2 <= m->round_bytes)
        return;
    if (++m->dirty_high_count < 2)
        return;
    m->dirty_high_count = 0;
    unsigned t = m->throttle_pct ? m->throttle_pct + m->p.throttle_increment
                                 : m->p.throttle_initial;
    m->throttle_pct = t > m->p.throttle_max ? m->p.throttle_max : t;
    cxf_vm_set_throttle(m->src_vm, m->throttle_pct / 100.0);
}

/* A round ended: sync the dirty log and decide what comes next. */
static void end_round(struct cxf_migration *m)
{
    cxf_time_t now = cxf_mig_now(m), took = now - m->round_start;
    if (took)
        m->bandwidth = (double)m->round_bytes * 1e9 / (double)took;
    uint64_t dirty = cxf_vm_dirty_log_fetch(m->src_vm, m->send);
    m->dirty_sync_count++;
    m->dirty_pages_rate = took ? (uint64_t)((double)dirty * 1e9 / (double)took) : 0;
    uint64_t remaining = dirty * CXF_PAGE_SIZE;
    bool hybrid_done = m->p.mode == CXF_MIG_HYBRID && m->round >= m->p.hybrid_rounds;
    if (hybrid_done || cxf_precopy_can_switch(remaining, m->bandwidth, m->p.downtime_limit_ns)) {
        cxf_mig_switchover(m);
        return;
    }
    if (m->p.max_rounds && m->round >= m->p.max_rounds) {
        if (m->p.max_rounds_action == CXF_ROUNDS_FAIL) {
            cxf_mig_fail(m, CXF_OUTCOME_SOURCE, "pre-copy did not converge in %u rounds "
                         "(%llu bytes still dirty)", m->round, (unsigned long long)remaining);
            return;
        }
        cxf_mig_switchover(m); /* force: the downtime will be longer */
        return;
    }
    auto_converge(m, remaining);
    m->round++;
    m->round_bytes = 0;
    m->round_start = now;
    m->cursor = 0;
    cxf_mig_next(m, now, cxf_precopy_round_step);
}

void cxf_precopy_round_step(struct cxf_migration *m)
{
    cxf_time_t now = cxf_mig_now(m), last;
    uint64_t bytes = 0;
    unsigned sent;
    int rc = send_batch(m, m->send, m->p.batch_pages, now, &last, &bytes, &sent);
    m->round_bytes += bytes;
    m->precopy_bytes += bytes;
    m->transferred += bytes;
    if (rc) {
        cxf_mig_fail(m, CXF_OUTCOME_SOURCE, "pre-copy transfer failed: %s", strerror(-rc));
        return;
    }
    if (sent == 0 && m->cursor >= m->npages) {
        end_round(m);
        return;
    }
    cxf_mig_next(m, last, cxf_precopy_round_step);
}

/* Stop-and-copy: the VM is paused; the last dirty pages go, then every
 * page of the destination VM is its copy. */
int cxf_precopy_final(struct cxf_migration *m, cxf_time_t at, cxf_time_t *done)
{
    cxf_vm_dirty_log_fetch(m->src_vm, m->scratch_bits);
    m->dirty_sync_count++;
    for (size_t i = 0; i < (m->npages + 63) / 64; i++)
        m->send[i] |= m->scratch_bits[i];
    m->cursor = 0;
    uint64_t bytes = 0;
    unsigned sent;
    int rc = send_batch(m, m->send, UINT32_MAX, at, done, &bytes, &sent);
    m->downtime_bytes += bytes;
    m->transferred += bytes;
    if (rc)
        return rc;
    for (uint64_t g = 0; g < m->npages; g++) {
        cxf_vm_set_page(m->dst_vm, g, m->copy[g]);
        m->copy[g] = (struct cxf_page_loc){0}; /* the destination VM owns it now */
    }
    return 0;
}

void cxf_precopy_release(struct cxf_migration *m, bool keep_clean)
{
    (void)keep_clean;
    if (m->src_vm) {
        cxf_vm_dirty_log_stop(m->src_vm);
        cxf_vm_set_throttle(m->src_vm, 0);
    }
    if (!m->copy)
        return;
    for (uint64_t g = 0; g < m->npages; g++)
        free_copy(m, g);
    free(m->copy);
    m->copy = NULL;
}
