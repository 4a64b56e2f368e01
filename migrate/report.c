/*
 * migrate/report.c - a migration as JSON, in QEMU's query-migrate
 * vocabulary (status, total-time, setup-time, downtime, expected-downtime,
 * ram.*) plus what post-copy on the fabric adds (remote accesses and their
 * latency, blocktime, pulls by reason) and the VM's throughput before,
 * during and after. Times are milliseconds of virtual time, as QEMU's are,
 * but with fractions (the emulator knows nanoseconds).
 */
#include "mig_priv.h"

#include <json-c/json.h>

/* Milliseconds with nanosecond resolution, printed as such (not as the
 * nearest binary fraction: 0.000402, not 0.00040200000000000001). */
static struct json_object *ms(cxf_time_t ns)
{
    char text[32];
    snprintf(text, sizeof(text), "%llu.%06llu", (unsigned long long)(ns / 1000000),
             (unsigned long long)(ns % 1000000));
    return json_object_new_double_s((double)ns / 1e6, text);
}

static void add_u64(struct json_object *o, const char *k, uint64_t v)
{
    json_object_object_add(o, k, json_object_new_uint64(v));
}

static cxf_time_t elapsed(const struct cxf_migration *m)
{
    cxf_time_t end = m->t_end ? m->t_end : cxf_mig_now(m);
    return end - m->t_start;
}

static uint64_t remaining_bytes(const struct cxf_migration *m)
{
    if (m->status == CXF_MIG_COMPLETED)
        return 0;
    if (m->t_switch_end)
        return m->remaining * CXF_PAGE_SIZE;
    if (m->p.mode == CXF_MIG_PRECOPY || m->p.mode == CXF_MIG_HYBRID) {
        uint64_t n = 0;
        for (size_t i = 0; m->send && i < (m->npages + 63) / 64; i++)
            n += (uint64_t)__builtin_popcountll(m->send[i]);
        return n * CXF_PAGE_SIZE;
    }
    return (m->npages - (m->cursor < m->npages ? m->cursor : m->npages)) * CXF_PAGE_SIZE;
}

static struct json_object *ram_json(const struct cxf_migration *m)
{
    struct json_object *r = json_object_new_object();
    cxf_time_t t = elapsed(m);
    add_u64(r, "transferred", m->transferred);
    add_u64(r, "remaining", remaining_bytes(m));
    add_u64(r, "total", m->npages * CXF_PAGE_SIZE);
    add_u64(r, "dirty-sync-count", m->dirty_sync_count);
    add_u64(r, "dirty-pages-rate", m->dirty_pages_rate);
    add_u64(r, "pages-per-second", t ? (uint64_t)((double)m->pages_sent * 1e9 / (double)t) : 0);
    add_u64(r, "postcopy-requests", m->postcopy_requests);
    add_u64(r, "precopy-bytes", m->precopy_bytes);
    add_u64(r, "downtime-bytes", m->downtime_bytes);
    add_u64(r, "postcopy-bytes", m->postcopy_bytes);
    json_object_object_add(r, "mbps",
                           json_object_new_double(t ? (double)m->transferred * 8e3 / (double)t : 0));
    return r;
}

/* The destination VM's memory accesses that went away from its node. */
static struct json_object *postcopy_json(const struct cxf_migration *m)
{
    struct json_object *o = json_object_new_object();
    struct cxf_hist lat, pool;
    uint64_t acc[CXF_AC_COUNT] = {0};
    cxf_time_t blocktime = 0;
    cxf_hist_reset(&lat);
    if (m->dst_vm && m->t_switch_end) {
        cxf_vm_accesses(m->dst_vm, acc);
        cxf_vm_latency(m->dst_vm, CXF_AC_REMOTE, &lat);
        cxf_vm_latency(m->dst_vm, CXF_AC_POOL, &pool);
        cxf_hist_merge(&lat, &pool);
        for (unsigned i = 0; i < m->dst_vm->nvcpus; i++)
            blocktime += m->dst_vm->vcpu[i].remote_extra_ns + m->dst_vm->vcpu[i].stall_ns;
    }
    add_u64(o, "remote-accesses", acc[CXF_AC_REMOTE] + acc[CXF_AC_POOL]);
    json_object_object_add(o, "remote-access-latency", cxf_hist_to_json(&lat));
    json_object_object_add(o, "blocktime", ms(blocktime));
    struct json_object *pulled = json_object_new_object();
    add_u64(pulled, "push", m->pulled[CXF_PULL_PUSH]);
    add_u64(pulled, "touch", m->pulled[CXF_PULL_TOUCH]);
    add_u64(pulled, "prefetch", m->pulled[CXF_PULL_PREFETCHED]);
    json_object_object_add(o, "pages-pulled", pulled);
    add_u64(o, "pages-away-at-switch-over", m->away_at_switch);
    add_u64(o, "device-pages", m->device_pages);
    return o;
}

/* Operations the VM completed in timeline slot i: on the source until the
 * switch-over (its timeline is kept when it goes away), on the destination
 * after. */
static uint64_t ops_in_slot(const struct cxf_migration *m, size_t i)
{
    uint64_t ops = 0;
    if (m->src_timeline_len)
        ops += i < m->src_timeline_len ? m->src_timeline[i] : 0;
    else if (m->src_vm && i < m->src_vm->timeline_len)
        ops += m->src_vm->timeline[i];
    if (m->dst_vm && m->t_switch_end && i < m->dst_vm->timeline_len)
        ops += m->dst_vm->timeline[i];
    return ops;
}

/* Ops per second over [from, to); a timeline slot that straddles an end
 * counts in proportion to its overlap. */
static double rate(const struct cxf_migration *m, cxf_time_t from, cxf_time_t to)
{
    cxf_time_t step = m->timeline_ns ? m->timeline_ns : CXF_MS(1);
    if (to <= from)
        return 0;
    double ops = 0;
    for (size_t i = (size_t)(from / step); (cxf_time_t)i * step < to; i++) {
        cxf_time_t a = (cxf_time_t)i * step, b = a + step;
        cxf_time_t lo = a > from ? a : from, hi = b < to ? b : to;
        ops += (double)ops_in_slot(m, i) * (double)(hi - lo) / (double)step;
    }
    return ops * 1e9 / (double)(to - from);
}

static struct json_object *throughput_json(const struct cxf_migration *m)
{
    struct json_object *o = json_object_new_object();
    const struct cxf_vm *vm = m->src_vm ? m->src_vm : m->dst_vm;
    cxf_time_t began = vm ? vm->started_at : 0, end = m->t_end ? m->t_end : cxf_mig_now(m);
    /* "after" ends where the VM stopped: done, or paused (a paused VM's
     * idle time is not its throughput) */
    cxf_time_t vm_end = !vm                             ? cxf_mig_now(m)
                        : vm->finished_at               ? vm->finished_at
                        : vm->state == CXF_VM_PAUSED    ? vm->paused_at
                                                        : cxf_mig_now(m);
    json_object_object_add(o, "before", json_object_new_double(rate(m, began, m->t_start)));
    json_object_object_add(o, "during", json_object_new_double(rate(m, m->t_start, end)));
    json_object_object_add(o, "after", json_object_new_double(rate(m, end, vm_end)));
    json_object_object_add(o, "unit", json_object_new_string("ops/s"));
    return o;
}

void cxf_mig_freeze(struct cxf_migration *m)
{
    if (!m->frozen)
        m->frozen = cxf_migration_json(m);
    m->src_vm = m->dst_vm = NULL;
}

struct json_object *cxf_migration_json(const struct cxf_migration *m)
{
    if (m->frozen) {
        struct json_object *copy = NULL;
        json_object_deep_copy(m->frozen, &copy, NULL);
        return copy;
    }
    struct json_object *o = json_object_new_object();
    add_u64(o, "id", m->id);
    json_object_object_add(o, "vm", json_object_new_string(m->vm_name));
    json_object_object_add(o, "mode", json_object_new_string(cxf_mig_mode_name(m->p.mode)));
    json_object_object_add(o, "source", json_object_new_string(m->w->fab->host[m->src].name));
    json_object_object_add(o, "destination", json_object_new_string(m->w->fab->host[m->dst].name));
    json_object_object_add(o, "status", json_object_new_string(cxf_mig_status_name(m->status)));
    json_object_object_add(o, "vm-outcome", json_object_new_string(cxf_vm_outcome_name(m->outcome)));
    if (m->reason[0])
        json_object_object_add(o, "reason", json_object_new_string(m->reason));
    json_object_object_add(o, "total-time", ms(elapsed(m)));
    json_object_object_add(o, "setup-time", ms(m->t_setup_done ? m->t_setup_done - m->t_start : 0));
    json_object_object_add(o, "downtime", ms(m->t_switch_end ? m->t_switch_end - m->t_switch_start : 0));
    double bw = m->bandwidth;
    uint64_t rem = remaining_bytes(m);
    json_object_object_add(o, "expected-downtime",
                           ms(bw > 0 && !m->t_switch_end ? (cxf_time_t)((double)rem / bw * 1e9) : 0));
    if (m->p.mode != CXF_MIG_POSTCOPY)
        add_u64(o, "rounds", m->round);
    if (m->throttle_pct)
        add_u64(o, "cpu-throttle-percentage", m->throttle_pct);
    json_object_object_add(o, "ram", ram_json(m));
    if (m->p.mode != CXF_MIG_PRECOPY)
        json_object_object_add(o, "postcopy", postcopy_json(m));
    json_object_object_add(o, "throughput", throughput_json(m));
    return o;
}
