/*
 * node/memory.c - the slow path of a guest access: LLC lookup, memory timing
 * along the page's path, accounting, and the remote-access hook; bulk copy
 * and fill; undoing a faulted operation.
 */
#include "node_priv.h"

#include <errno.h>
#include <string.h>

static void count_page(struct cxf_vm *vm, uint64_t gpn)
{
    if (gpn < vm->npages && vm->page[gpn].accesses != UINT32_MAX)
        vm->page[gpn].accesses++;
}

/* A memory access (the LLC missed or is off): charge the path, account. */
static void memory_access(struct cxf_vcpu *v, const struct cxf_tlb_entry *e, uint64_t gpa,
                          bool write)
{
    struct cxf_vm *vm = v->vm;
    struct cxf_node *n = vm->node;
    cxf_time_t t0 = v->clock;
    /* With an LLC a write miss fetches the line first (write-allocate); the
     * write itself is absorbed by the cache. Without one it goes out. */
    v->clock = cxf_path_charge(n->fab, e->path, t0, CXF_LINE_SIZE, write && !n->llc.line);
    cxf_time_t lat = v->clock - t0;
    v->accesses[e->cls]++;
    cxf_hist_add(&v->latency[e->cls], lat);
    uint64_t gpn = gpa >> CXF_GPAGE_SHIFT;
    count_page(vm, gpn);
    if (e->cls == CXF_AC_LOCAL)
        return;
    cxf_time_t local = cxf_node_local_idle_ns(n);
    v->remote_extra_ns += lat > local ? lat - local : 0;
    if (vm->hooks.remote_access)
        vm->hooks.remote_access(vm->hooks.ctx, vm, gpn, v->clock);
}

void cxf_mem_access(struct cxf_vcpu *v, const struct cxf_tlb_entry *e, uint64_t gpa,
                    uint64_t line, bool write)
{
    if (v->fault || !e->path)
        return; /* an op being abandoned costs nothing more */
    struct cxf_node *n = v->vm->node;
    if (n->llc.line) { /* the same-line shortcut is an LLC hit: only with an LLC */
        v->last_line = line;
        v->last_dirty = write;
    }
    const struct cxf_path *wb;
    if (cxf_llc_access(&n->llc, line, write, e->path, &wb)) {
        v->clock += n->llc.hit_ns;
        v->accesses[CXF_AC_LLC]++;
        return;
    }
    if (wb) /* a dirty victim is written back, posted: it costs bandwidth */
        cxf_path_charge(n->fab, wb, v->clock, CXF_LINE_SIZE, true);
    memory_access(v, e, gpa, write);
}

void cxf_vcpu_rollback(struct cxf_vcpu *v)
{
    while (v->jn > 0) {
        struct cxf_journal_rec *j = &v->journal[--v->jn];
        memcpy(j->p, &j->old, j->size);
    }
}

/* Bytes of one page-bounded chunk at gpa, with timing for each line. Each
 * line is looked up, so a poisoned line inside the chunk is caught as a
 * single load of it would be. */
static uint8_t *chunk(struct cxf_vcpu *v, uint64_t gpa, uint64_t len, bool write)
{
    struct cxf_tlb_entry *e = cxf_tlb_get(v, gpa, 1, write);
    uint8_t *p = e->host + (gpa & (CXF_PAGE_SIZE - 1));
    for (uint64_t off = 0; off < len; off += CXF_LINE_SIZE - ((gpa + off) & (CXF_LINE_SIZE - 1))) {
        e = cxf_tlb_get(v, gpa + off, 1, write);
        cxf_mem_touch(v, e, gpa + off, write);
    }
    return v->fault ? v->scratch_page + (gpa & (CXF_PAGE_SIZE - 1)) : p;
}

static uint64_t page_left(uint64_t gpa)
{
    return CXF_PAGE_SIZE - (gpa & (CXF_PAGE_SIZE - 1));
}

/* A chunk about to be written, or the scratch page if its undo records
 * would not fit the journal (the op is then too big to undo). */
static uint8_t *writable_chunk(struct cxf_vcpu *v, uint64_t gpa, uint64_t len)
{
    uint8_t *to = chunk(v, gpa, len, true);
    if (v->jn + (len + 7) / 8 > CXF_JOURNAL_MAX)
        to = cxf_tlb_fault(v, gpa, -E2BIG)->host + (gpa & (CXF_PAGE_SIZE - 1));
    return to;
}

/* Journal a range before it is overwritten, 8 bytes a record. */
static void journal_range(struct cxf_vcpu *v, uint8_t *p, uint64_t len)
{
    for (uint64_t off = 0; off < len; off += 8)
        cxf_journal(v, p + off, len - off < 8 ? (unsigned)(len - off) : 8);
}

void cxf_vm_copy(struct cxf_vcpu *v, uint64_t dst, uint64_t src, uint64_t len)
{
    while (len) {
        uint64_t n = len;
        n = n < page_left(src) ? n : page_left(src);
        n = n < page_left(dst) ? n : page_left(dst);
        const uint8_t *from = chunk(v, src, n, false);
        uint8_t *to = writable_chunk(v, dst, n);
        journal_range(v, to, n);
        memmove(to, from, n);
        src += n, dst += n, len -= n;
    }
}

void cxf_vm_fill(struct cxf_vcpu *v, uint64_t dst, uint8_t byte, uint64_t len)
{
    while (len) {
        uint64_t n = len < page_left(dst) ? len : page_left(dst);
        uint8_t *to = writable_chunk(v, dst, n);
        journal_range(v, to, n);
        memset(to, byte, n);
        dst += n, len -= n;
    }
}

int cxf_vm_read_raw(struct cxf_vcpu *v, uint64_t gpa, void *buf, uint64_t len)
{
    uint8_t *out = buf;
    uint64_t end = v->vm->npages * CXF_PAGE_SIZE;
    if (gpa > end || len > end - gpa)
        return -EFAULT;
    while (len) {
        uint64_t n = len < page_left(gpa) ? len : page_left(gpa);
        uint64_t gpn = gpa >> CXF_GPAGE_SHIFT;
        const uint8_t *p = cxf_vm_page_bytes(v->vm, gpn);
        if (p)
            memcpy(out, p + (gpa & (CXF_PAGE_SIZE - 1)), n);
        else if (v->vm->page[gpn].kind == CXF_PG_NONE)
            memset(out, 0, n);
        else
            return -EIO; /* its memory is gone */
        out += n, gpa += n, len -= n;
    }
    return 0;
}

int cxf_vm_write_raw(struct cxf_vcpu *v, uint64_t gpa, const void *buf, uint64_t len)
{
    const uint8_t *in = buf;
    struct cxf_vm *vm = v->vm;
    uint64_t end = vm->npages * CXF_PAGE_SIZE;
    if (gpa > end || len > end - gpa)
        return -EFAULT;
    while (len) {
        uint64_t n = len < page_left(gpa) ? len : page_left(gpa);
        uint64_t gpn = gpa >> CXF_GPAGE_SHIFT;
        if (vm->page[gpn].kind == CXF_PG_NONE) {
            uint64_t off;
            if (cxf_node_frame_alloc(vm->node, &off))
                return -ENOMEM;
            vm->page[gpn] = (struct cxf_gpage){.kind = CXF_PG_DRAM,
                                               .owner = (uint16_t)vm->node->host, .addr = off};
        }
        uint8_t *p = cxf_vm_page_bytes(vm, gpn);
        if (!p)
            return -EIO;
        memcpy(p + (gpa & (CXF_PAGE_SIZE - 1)), in, n);
        in += n, gpa += n, len -= n;
    }
    return 0;
}
