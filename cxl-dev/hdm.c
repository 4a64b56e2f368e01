/*
 * cxl-dev/hdm.c - HDM decoders (CXL 2.0 8.2.5.12, CXL 3.0 8.2.4.19).
 *
 * Register semantics modelled:
 *  - Base and Size have 256 MB granularity (Base/Size Low bits 31:28).
 *  - IG/IW encodings of the Control register (see interleave.c).
 *  - Commit / Committed / Error Not Committed / Lock On Commit (Control bits
 *    9, 10, 11, 8). A committed decoder's RWL fields cannot change; a
 *    decoder committed with Lock On Commit stays locked until reset.
 *  - The checks of "Committing Decoder Programming" (CXL 2.0 8.2.5.12.20,
 *    CXL 3.0 8.2.4.19.12): decoder m committed before m+1; Base[m+1] >=
 *    Base[m] + Size[m]; no wraparound; 3/6/12-way sizes a multiple of
 *    3 x 256 MB; distinct targets. The spec obliges hardware to run these
 *    only when Lock On Commit is set and leaves them to software otherwise;
 *    this model always runs them, so a wrong programming sequence fails at
 *    the decoder that broke the rule instead of aliasing memory silently.
 *  - Uncommit only from the top (the highest committed decoder), mirroring
 *    the in-order rule and the Linux driver's reset order.
 *  - Device DPA base accumulation (CXL 3.0 8.2.4.19.13): DPABase[0] =
 *    DPASkip[0]; DPABase[m+1] = DPASkip[m+1] + DPABase[m] + Size[m] / ways[m].
 */
#include "cxldev.h"

#include <errno.h>
#include <string.h>

bool cxf_hdm_count_valid(enum cxf_hdm_kind kind, unsigned count)
{
    /* Decoder Count encodings (capability bits 3:0): 1, 2, 4, 6, 8, 10 and,
     * since CXL 3.0, 12, 14, 16, 20, 24, 28, 32 (devices stay <= 10). */
    static const unsigned allowed[] = {1, 2, 4, 6, 8, 10, 12, 14, 16, 20, 24, 28, 32};
    unsigned limit = kind == CXF_HDM_DEVICE ? 10 : 32;
    for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
        if (allowed[i] == count)
            return count <= limit;
    return false;
}

int cxf_hdm_init(struct cxf_hdm *h, enum cxf_hdm_kind kind, unsigned count,
                 unsigned target_count, uint64_t dpa_capacity)
{
    if (!cxf_hdm_count_valid(kind, count))
        return -EINVAL;
    if (kind == CXF_HDM_PORT && target_count != 1 && target_count != 2 &&
        target_count != 4 && target_count != 8)
        return -EINVAL;
    memset(h, 0, sizeof(*h));
    h->kind = kind;
    h->count = count;
    h->target_count = kind == CXF_HDM_PORT ? target_count : 0;
    /* 3/6/12 and 16-way capability bits are defined for devices only and are
     * hardwired to 0 for host bridges and switch upstream ports. */
    h->cap_3_6_12 = kind == CXF_HDM_DEVICE;
    h->cap_16 = kind == CXF_HDM_DEVICE;
    h->dpa_capacity = dpa_capacity;
    return 0;
}

static void changed(struct cxf_hdm *h)
{
    h->generation++;
    if (h->notify)
        (*h->notify)++;
}

static struct cxf_hdm_decoder *decoder_at(struct cxf_hdm *h, unsigned idx)
{
    return idx < h->count ? &h->dec[idx] : NULL;
}

/* Registers of a locked or committed decoder do not change: say why. */
static int check_writable(struct cxf_hdm_decoder *d)
{
    if (d->locked)
        return d->err = CXF_HDM_E_LOCKED, -EPERM;
    if (d->committed)
        return d->err = CXF_HDM_E_COMMITTED, -EBUSY;
    return 0;
}

int cxf_hdm_program(struct cxf_hdm *h, unsigned idx, const struct cxf_hdm_prog *p)
{
    struct cxf_hdm_decoder *d = decoder_at(h, idx);
    if (!d)
        return -ENOENT;
    int rc = check_writable(d);
    if (rc)
        return rc;
    d->prog = *p;
    d->error_not_committed = false;
    d->err = CXF_HDM_OK;
    return 0;
}

static bool ways_supported(const struct cxf_hdm *h, unsigned ways)
{
    uint8_t enc;
    if (cxf_iw_encode(ways, &enc))
        return false;
    if (h->kind == CXF_HDM_PORT) /* 1..8 ways, at most Target Count */
        return ways <= 8 && ways % 3 != 0 && ways <= h->target_count;
    if (ways == 16)
        return h->cap_16;
    if (ways % 3 == 0)
        return h->cap_3_6_12;
    return true;
}

static bool targets_distinct(const struct cxf_hdm_prog *p)
{
    for (unsigned i = 0; i < p->ways; i++)
        for (unsigned j = i + 1; j < p->ways; j++)
            if (p->targets[i] == p->targets[j])
                return false;
    return true;
}

/* DPA where decoder idx starts mapping, from the committed decoders below. */
static uint64_t dpa_base_for(const struct cxf_hdm *h, unsigned idx)
{
    uint64_t base = 0;
    if (idx > 0) {
        const struct cxf_hdm_decoder *prev = &h->dec[idx - 1];
        base = prev->dpa_base + prev->dpa_size;
    }
    return base + h->dec[idx].prog.dpa_skip;
}

static enum cxf_hdm_error check_commit(const struct cxf_hdm *h, unsigned idx)
{
    const struct cxf_hdm_prog *p = &h->dec[idx].prog;
    if (idx > 0 && !h->dec[idx - 1].committed)
        return CXF_HDM_E_ORDER;
    if (p->base % CXF_CAP_UNIT || p->size % CXF_CAP_UNIT)
        return CXF_HDM_E_ALIGN;
    /* Decoders cover HPA[51:0]. */
    if (p->base + p->size < p->base || p->base + p->size > (1ull << 52))
        return CXF_HDM_E_WRAP;
    if (!ways_supported(h, p->ways))
        return CXF_HDM_E_WAYS;
    uint8_t enc;
    if (cxf_ig_encode(p->granularity, &enc))
        return CXF_HDM_E_GRANULARITY;
    if (idx > 0) {
        const struct cxf_hdm_prog *prev = &h->dec[idx - 1].prog;
        if (p->base < prev->base + prev->size)
            return CXF_HDM_E_HPA_ORDER;
    }
    if (p->ways % 3 == 0 && p->size % (3 * CXF_CAP_UNIT))
        return CXF_HDM_E_SIZE_WAYS;
    /* Modulo-3 target selection works on the absolute HPA (CXL 3.0
     * 9.18.1.3); a base that is a multiple of ways x 256 MB makes it agree
     * with the decoder-relative offset used here (and by Linux). */
    if (p->ways % 3 == 0 && p->base % (p->ways * CXF_CAP_UNIT))
        return CXF_HDM_E_BASE_WAYS;
    if (h->kind == CXF_HDM_PORT)
        return targets_distinct(p) ? CXF_HDM_OK : CXF_HDM_E_TARGETS;
    if (p->position >= p->ways)
        return CXF_HDM_E_POSITION;
    /* DPA Skip has the same 256 MB granularity as Base/Size. */
    if (p->dpa_skip % CXF_CAP_UNIT)
        return CXF_HDM_E_ALIGN;
    uint64_t start = dpa_base_for(h, idx);
    uint64_t len = p->size / p->ways;
    if (start < p->dpa_skip || start > h->dpa_capacity || len > h->dpa_capacity - start)
        return CXF_HDM_E_DPA_RANGE;
    return CXF_HDM_OK;
}

int cxf_hdm_commit(struct cxf_hdm *h, unsigned idx)
{
    struct cxf_hdm_decoder *d = decoder_at(h, idx);
    if (!d)
        return -ENOENT;
    int rc = check_writable(d);
    if (rc)
        return rc;
    enum cxf_hdm_error err = check_commit(h, idx);
    d->err = err;
    d->error_not_committed = err != CXF_HDM_OK;
    if (err != CXF_HDM_OK)
        return -EINVAL;
    if (h->kind == CXF_HDM_DEVICE) {
        d->dpa_base = dpa_base_for(h, idx);
        d->dpa_size = d->prog.size / d->prog.ways;
    }
    d->committed = true;
    d->locked = d->prog.lock_on_commit;
    changed(h);
    return 0;
}

int cxf_hdm_uncommit(struct cxf_hdm *h, unsigned idx)
{
    struct cxf_hdm_decoder *d = decoder_at(h, idx);
    if (!d)
        return -ENOENT;
    if (d->locked)
        return d->err = CXF_HDM_E_LOCKED, -EPERM;
    if (!d->committed) {
        d->err = CXF_HDM_E_NOT_COMMITTED;
        return -EINVAL;
    }
    if (idx + 1 < h->count && h->dec[idx + 1].committed) {
        d->err = CXF_HDM_E_ORDER;
        return -EINVAL;
    }
    d->committed = false;
    d->dpa_base = d->dpa_size = 0;
    changed(h);
    return 0;
}

void cxf_hdm_reset(struct cxf_hdm *h)
{
    for (unsigned i = 0; i < h->count; i++)
        memset(&h->dec[i], 0, sizeof(h->dec[i]));
    h->resets++;
    changed(h);
}

unsigned cxf_hdm_committed_count(const struct cxf_hdm *h)
{
    unsigned n = 0;
    while (n < h->count && h->dec[n].committed)
        n++;
    return n;
}

int cxf_hdm_decode(const struct cxf_hdm *h, uint64_t hpa, struct cxf_hdm_hit *hit)
{
    for (unsigned i = 0; i < h->count && h->dec[i].committed; i++) {
        const struct cxf_hdm_decoder *d = &h->dec[i];
        const struct cxf_hdm_prog *p = &d->prog;
        if (hpa < p->base || hpa - p->base >= p->size)
            continue;
        uint64_t off = hpa - p->base;
        hit->decoder = i;
        hit->position = cxf_il_position(off, p->ways, p->granularity);
        if (h->kind == CXF_HDM_PORT) {
            hit->target = p->targets[hit->position];
            hit->dpa = 0;
            return 0;
        }
        if (hit->position != p->position)
            return -EXDEV;
        hit->dpa = d->dpa_base + cxf_il_dpa_offset(off, p->ways, p->granularity);
        hit->target = 0;
        return 0;
    }
    return -ENOENT;
}

const char *cxf_hdm_strerror(enum cxf_hdm_error e)
{
    switch (e) {
    case CXF_HDM_OK: return "no error";
    case CXF_HDM_E_INDEX: return "no such decoder";
    case CXF_HDM_E_LOCKED: return "decoder is locked (Lock On Commit) until reset";
    case CXF_HDM_E_COMMITTED: return "decoder is committed; uncommit it before reprogramming";
    case CXF_HDM_E_NOT_COMMITTED: return "decoder is not committed";
    case CXF_HDM_E_ORDER: return "decoders commit in order (m before m+1) and uncommit from the top";
    case CXF_HDM_E_ALIGN: return "base, size and DPA skip must be multiples of 256 MiB";
    case CXF_HDM_E_WRAP: return "base + size wraps around or passes the 52-bit HPA limit";
    case CXF_HDM_E_WAYS: return "interleave ways not supported by this decoder";
    case CXF_HDM_E_GRANULARITY: return "interleave granularity must be 256 B..16 KiB, a power of two";
    case CXF_HDM_E_HPA_ORDER: return "base lies below the end of the previous decoder (overlap)";
    case CXF_HDM_E_SIZE_WAYS: return "3/6/12-way size must be a multiple of 3 x 256 MiB (768M)";
    case CXF_HDM_E_DPA_RANGE: return "DPA skip plus size / ways runs past the device capacity";
    case CXF_HDM_E_TARGETS: return "target list entries must be distinct";
    case CXF_HDM_E_POSITION: return "interleave position must be below the way count";
    case CXF_HDM_E_BASE_WAYS: return "3/6/12-way base must be a multiple of ways x 256 MiB";
    }
    return "unknown decoder error";
}
