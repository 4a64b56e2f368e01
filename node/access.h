/*
 * node/access.h - mediated guest memory access for workloads.
 *
 * Every load and store goes through the vCPU's software TLB. A hit is a tag
 * compare, a copy through the cached host pointer and a same-line check: a
 * few nanoseconds, no call into the fabric. Anything else (TLB miss, first
 * write under dirty logging, a new cache line) takes the out-of-line slow
 * path in node/tlb.c and node/memory.c, which charges modelled time.
 *
 * Accesses of 1, 2, 4 and 8 bytes must be naturally aligned. A fault (an
 * unreachable page, an address beyond guest memory, an op writing more than
 * the undo journal holds) does not stop the operation: later accesses of the
 * op see a scratch page, and the vCPU rolls the op back from its undo
 * journal before deciding to retry or give up.
 */
#ifndef CXF_NODE_ACCESS_H
#define CXF_NODE_ACCESS_H

#include <errno.h>
#include <string.h>

struct cxf_vcpu;
struct cxf_tlb_entry;

struct cxf_tlb_entry *cxf_tlb_miss(struct cxf_vcpu *v, uint64_t gpa, unsigned size, bool write);
/* Abandon the current op with fault rc; returns the scratch entry. */
struct cxf_tlb_entry *cxf_tlb_fault(struct cxf_vcpu *v, uint64_t gpa, int rc);
void cxf_mem_access(struct cxf_vcpu *v, const struct cxf_tlb_entry *e, uint64_t gpa,
                    uint64_t line, bool write);
void cxf_vm_copy(struct cxf_vcpu *v, uint64_t dst, uint64_t src, uint64_t len);
void cxf_vm_fill(struct cxf_vcpu *v, uint64_t dst, uint8_t byte, uint64_t len);
/* Read or write a range without modelled time, journal or dirty logging:
 * for a workload's load phase and verifier only. Writing gives untouched
 * pages a local frame; -ENOMEM when the node has none left, -EFAULT past
 * the end of guest memory (device windows included). */
int cxf_vm_read_raw(struct cxf_vcpu *v, uint64_t gpa, void *buf, uint64_t len);
int cxf_vm_write_raw(struct cxf_vcpu *v, uint64_t gpa, const void *buf, uint64_t len);

static inline struct cxf_tlb_entry *cxf_tlb_get(struct cxf_vcpu *v, uint64_t gpa, unsigned size,
                                                bool write)
{
    uint64_t gpn = gpa >> CXF_GPAGE_SHIFT;
    struct cxf_tlb_entry *e = &v->tlb[gpn & (CXF_TLB_ENTRIES - 1)];
    if (__builtin_expect(e->gpn == gpn && (!write || e->writable) && !(gpa & (size - 1)), 1))
        return e;
    return cxf_tlb_miss(v, gpa, size, write);
}

/* Timing of one access: a repeat of the last line is an LLC hit without a
 * lookup; anything else asks the LLC (and maybe memory). */
static inline void cxf_mem_touch(struct cxf_vcpu *v, const struct cxf_tlb_entry *e, uint64_t gpa,
                                 bool write)
{
    uint64_t line = e->phys + ((gpa & 4095) >> 6);
    if (line == v->last_line && (!write || v->last_dirty)) {
        v->clock += v->llc_hit_ns;
        v->accesses[CXF_AC_LLC]++;
        return;
    }
    cxf_mem_access(v, e, gpa, line, write);
}

/* Record the bytes a store is about to overwrite. A full journal only ever
 * meets stores to the scratch page (cxf_st faults the op first), which
 * need no undo. */
static inline void cxf_journal(struct cxf_vcpu *v, uint8_t *p, unsigned size)
{
    if (__builtin_expect(v->jn < CXF_JOURNAL_MAX, 1)) {
        struct cxf_journal_rec *j = &v->journal[v->jn++];
        j->p = p;
        j->size = (uint8_t)size;
        memcpy(&j->old, p, size);
    }
}

static inline uint64_t cxf_ld(struct cxf_vcpu *v, uint64_t gpa, unsigned size)
{
    struct cxf_tlb_entry *e = cxf_tlb_get(v, gpa, size, false);
    uint64_t x = 0;
    memcpy(&x, e->host + (gpa & 4095), size); /* little-endian host */
    cxf_mem_touch(v, e, gpa, false);
    return x;
}

static inline void cxf_st(struct cxf_vcpu *v, uint64_t gpa, uint64_t val, unsigned size)
{
    struct cxf_tlb_entry *e = cxf_tlb_get(v, gpa, size, true);
    if (__builtin_expect(v->jn >= CXF_JOURNAL_MAX, 0))
        e = cxf_tlb_fault(v, gpa, -E2BIG); /* too big to undo: abandon the op */
    uint8_t *p = e->host + (gpa & 4095);
    cxf_journal(v, p, size);
    memcpy(p, &val, size);
    cxf_mem_touch(v, e, gpa, true);
}

static inline uint8_t cxf_ld8(struct cxf_vcpu *v, uint64_t gpa) { return (uint8_t)cxf_ld(v, gpa, 1); }
static inline uint16_t cxf_ld16(struct cxf_vcpu *v, uint64_t gpa) { return (uint16_t)cxf_ld(v, gpa, 2); }
static inline uint32_t cxf_ld32(struct cxf_vcpu *v, uint64_t gpa) { return (uint32_t)cxf_ld(v, gpa, 4); }
static inline uint64_t cxf_ld64(struct cxf_vcpu *v, uint64_t gpa) { return cxf_ld(v, gpa, 8); }
static inline void cxf_st8(struct cxf_vcpu *v, uint64_t gpa, uint8_t x) { cxf_st(v, gpa, x, 1); }
static inline void cxf_st16(struct cxf_vcpu *v, uint64_t gpa, uint16_t x) { cxf_st(v, gpa, x, 2); }
static inline void cxf_st32(struct cxf_vcpu *v, uint64_t gpa, uint32_t x) { cxf_st(v, gpa, x, 4); }
static inline void cxf_st64(struct cxf_vcpu *v, uint64_t gpa, uint64_t x) { cxf_st(v, gpa, x, 8); }

#endif /* CXF_NODE_ACCESS_H */
