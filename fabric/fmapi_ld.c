/*
 * fabric/fmapi_ld.c - the MLD Component command set (CXL 3.0 7.6.7.4): Get
 * LD Info, Get LD Allocations, Set LD Allocations, answered by the FM-owned
 * LD (LD-ID FFFFh, 7.6.6.3) of a multi-logical device. A fabric manager
 * reaches it through the switch's Tunnel Management Command (fmapi.c);
 * cxf_fm_ld_exec() is that tunnel's far end and the direct entry for tools.
 *
 * Table numbers are CXL r3.1's (CXL 2.0 numbers where known).
 */
#include "fmapi_priv.h"

#include <string.h>

#define ALLOC_ENTRY 16u     /* LD Allocations List entry (r3.1 Table 7-47) */
#define GRANULARITY_256MB 0 /* Memory Granularity encoding: 0 = 256 MB */

struct cxf_dev *cxf_fm_mld_at(struct cxf_fabric *f, unsigned port)
{
    if (port >= f->nports || f->port[port].kind != CXF_PORT_DSP || !f->port[port].dev->mld)
        return NULL;
    return f->port[port].dev;
}

/* Get LD Info (5400h), CXL 3.0 7.6.7.4.1, r3.1 Table 7-44 (CXL 2.0 Table
 * 111): Memory Size (8, bytes: the whole device), LD Count (2), QoS
 * Telemetry Capability (1): none, the model has no QoS telemetry. */
static uint16_t ld_info(void *ctx, struct cxf_cci_req *req)
{
    const struct cxf_dev *d = ctx;
    cxf_put_le64(req->out, d->capacity);
    cxf_put_le16(req->out + 8, (uint16_t)d->num_lds);
    req->out[10] = 0;
    req->out_len = 0x0B;
    return CXF_RC_SUCCESS;
}

/* LD Allocations List entries (r3.1 Table 7-47) for LDs [start, start+n):
 * Range 1 and Range 2 Allocation Multipliers (8 each), in 256 MB units.
 * Get and Set LD Allocations both answer with this list. */
static void put_alloc_entries(const struct cxf_dev *d, unsigned start, unsigned n, uint8_t *e)
{
    for (unsigned i = 0; i < n; i++, e += ALLOC_ENTRY)
        for (unsigned j = 0; j < 2; j++)
            cxf_put_le64(e + 8 * j, d->ld[start + i].range[j].size / CXF_CAP_UNIT);
}

/* Get LD Allocations (5401h), CXL 3.0 7.6.7.4.2, r3.1 Tables 7-45/7-46
 * (CXL 2.0 Table 112). Input: Start LD ID, LD Allocation List Limit (min 1).
 * Output: Number of LDs, Memory Granularity, Start LD ID, List Length, then
 * the list: at most Limit entries, none past the last LD. The spec lists no
 * Invalid Input for this command, but a limit of 0 breaks the field's stated
 * minimum and no other code fits. */
static uint16_t ld_get_alloc(void *ctx, struct cxf_cci_req *req)
{
    const struct cxf_dev *d = ctx;
    unsigned start = req->in[0], limit = req->in[1];
    if (limit == 0)
        return CXF_RC_INVALID_INPUT;
    unsigned left = start < d->num_lds ? d->num_lds - start : 0;
    unsigned n = left < limit ? left : limit;
    uint8_t *o = req->out;
    o[0] = (uint8_t)d->num_lds;
    o[1] = GRANULARITY_256MB;
    o[2] = (uint8_t)start;
    o[3] = (uint8_t)n;
    put_alloc_entries(d, start, n, o + 4);
    req->out_len = 4 + n * ALLOC_ENTRY;
    return CXF_RC_SUCCESS;
}

/* ------------------------------------------------- Set LD Allocations */

/* The device's LD ranges as they will be, built before anything changes so
 * that the command is all or nothing. */
struct alloc_plan {
    const struct cxf_dev *d;
    struct cxf_dpa_range r[CXF_MAX_LDS][2];
};

static bool range_eq(const struct cxf_dpa_range *a, const struct cxf_dpa_range *b)
{
    return a->base == b->base && a->size == b->size;
}

/* Is [base, base+size) inside the device and clear of every planned range? */
static bool plan_free(const struct alloc_plan *p, uint64_t base, uint64_t size)
{
    uint64_t cap = p->d->capacity;
    if (base > cap || size > cap - base)
        return false;
    for (unsigned i = 0; i < p->d->num_lds; i++)
        for (unsigned j = 0; j < 2; j++) {
            const struct cxf_dpa_range *o = &p->r[i][j];
            if (o->size && base < o->base + o->size && o->base < base + size)
                return false;
        }
    return true;
}

/* The lowest free base for `size`. Free space begins at DPA 0 or where a
 * planned range ends, so those are the only candidates. */
static bool plan_first_fit(const struct alloc_plan *p, uint64_t size, uint64_t *base)
{
    bool found = plan_free(p, 0, size);
    *base = 0;
    for (unsigned i = 0; i < p->d->num_lds; i++)
        for (unsigned j = 0; j < 2; j++) {
            const struct cxf_dpa_range *o = &p->r[i][j];
            uint64_t c = o->base + o->size;
            if (o->size && (!found || c < *base) && plan_free(p, c, size)) {
                *base = c;
                found = true;
            }
        }
    return found;
}

/* Placement passes, in order: a range that does not grow stays where it is
 * (it always fits: the space was its own), a growing range tries to extend
 * in place, and only then does a range move to the lowest free space. So
 * an LD's data moves only when it has to. */
enum { PASS_KEEP, PASS_GROW, PASS_MOVE, PASS_COUNT };

static bool plan_place(struct alloc_plan *p, unsigned ld, unsigned j, uint64_t size, int pass)
{
    const struct cxf_dpa_range *old = &p->d->ld[ld].range[j];
    uint64_t base = size ? old->base : 0;
    if (size && pass == PASS_KEEP && old->size < size)
        return false;
    if (size && pass == PASS_GROW && old->size == 0)
        return false;
    if (size && pass == PASS_MOVE && !plan_first_fit(p, size, &base))
        return false;
    if (size && !plan_free(p, base, size))
        return false;
    p->r[ld][j].base = base;
    p->r[ld][j].size = size;
    return true;
}

/* A host that committed HDM decoders on an LD is using its memory: the
 * allocation may not change under it, neither in size (the device refuses
 * that too) nor in place (the data behind committed addresses would
 * change). Unbinding resets the decoders and frees it. */
static bool ld_busy(const struct cxf_dev *d, unsigned ld)
{
    return cxf_hdm_committed_count(&d->ld[ld].hdm) != 0;
}

/* Plan LDs [start, start+n) to hold want[i][range] bytes, every other LD
 * staying put, running the passes from `first` on. A busy LD keeps its
 * ranges exactly, so it may only be asked for the sizes it has. */
static bool plan_alloc(struct alloc_plan *p, unsigned start, unsigned n, const uint64_t want[][2],
                       int first)
{
    bool placed[CXF_MAX_LDS][2];
    for (unsigned i = 0; i < n; i++) {
        const struct cxf_ld *ld = &p->d->ld[start + i];
        bool busy = ld_busy(p->d, start + i);
        if (busy && (ld->range[0].size != want[i][0] || ld->range[1].size != want[i][1]))
            return false;
        placed[i][0] = placed[i][1] = busy;
        if (!busy)
            memset(p->r[start + i], 0, sizeof(p->r[start + i]));
    }
    for (int pass = first; pass < PASS_COUNT; pass++)
        for (unsigned i = 0; i < n; i++)
            for (unsigned j = 0; j < 2; j++)
                if (!placed[i][j])
                    placed[i][j] = plan_place(p, start + i, j, want[i][j], pass);
    for (unsigned i = 0; i < n; i++)
        if (!placed[i][0] || !placed[i][1])
            return false;
    return true;
}

/* Give LDs [start, start+n) the ranges r[0..n). Changed LDs are emptied
 * first, so that an LD moving into space another is leaving never overlaps
 * it half way through. */
static int apply_ranges(struct cxf_dev *d, unsigned start, unsigned n,
                        const struct cxf_dpa_range r[][2])
{
    static const struct cxf_dpa_range none[2];
    bool changed[CXF_MAX_LDS];
    int rc = 0;
    for (unsigned i = 0; i < n; i++) {
        const struct cxf_dpa_range *cur = d->ld[start + i].range;
        changed[i] = !range_eq(&cur[0], &r[i][0]) || !range_eq(&cur[1], &r[i][1]);
    }
    for (unsigned i = 0; i < n && !rc; i++)
        if (changed[i])
            rc = cxf_dev_set_ld_ranges(d, start + i, none, NULL);
    for (unsigned i = 0; i < n && !rc; i++)
        if (changed[i])
            rc = cxf_dev_set_ld_ranges(d, start + i, r[i], NULL);
    return rc;
}

/* Range multipliers -> bytes; false if one is beyond the device. */
static bool decode_wants(const struct cxf_dev *d, const uint8_t *e, unsigned n,
                         uint64_t want[][2])
{
    for (unsigned i = 0; i < n; i++, e += ALLOC_ENTRY)
        for (unsigned j = 0; j < 2; j++) {
            uint64_t mult = cxf_get_le64(e + 8 * j);
            if (mult > d->capacity / CXF_CAP_UNIT)
                return false;
            want[i][j] = mult * CXF_CAP_UNIT;
        }
    return true;
}

/* Set LD Allocations (5402h), CXL 3.0 7.6.7.4.3, r3.1 Tables 7-48/7-49.
 * Input: Number of LDs (min 1), Start LD ID, reserved (2), one 16-byte
 * entry per LD. Output: the same shape, with the allocations as they now
 * are. The device places the ranges (the FM gives sizes only): see the
 * passes above. If any allocation cannot be satisfied the command fails
 * with Invalid Input and changes nothing: the whole request is planned
 * before any LD is touched, so the FM never has to repair a half-applied
 * allocation. */
static uint16_t ld_set_alloc(void *ctx, struct cxf_cci_req *req)
{
    struct cxf_dev *d = ctx;
    if (!cxf_fm_list_len_ok(req, 4, 0, ALLOC_ENTRY))
        return CXF_RC_INVALID_PAYLOAD_LENGTH;
    unsigned n = req->in[0], start = req->in[1];
    uint64_t want[CXF_MAX_LDS][2];
    if (n == 0 || start >= d->num_lds || n > d->num_lds - start ||
        !decode_wants(d, req->in + 4, n, want))
        return CXF_RC_INVALID_INPUT;
    struct alloc_plan old = {.d = d};
    for (unsigned i = 0; i < d->num_lds; i++)
        memcpy(old.r[i], d->ld[i].range, sizeof(old.r[i]));
    /* keep ranges in place where possible; if fragmentation defeats that,
     * repack the requested LDs from the lowest free DPA */
    struct alloc_plan plan = old;
    if (!plan_alloc(&plan, start, n, want, PASS_KEEP)) {
        plan = old;
        if (!plan_alloc(&plan, start, n, want, PASS_MOVE))
            return CXF_RC_INVALID_INPUT;
    }
    if (apply_ranges(d, start, n, plan.r + start)) {
        /* the plan obeys every rule the device checks; should one still
         * refuse, put the old allocation back */
        apply_ranges(d, start, n, old.r + start);
        return CXF_RC_INTERNAL_ERROR;
    }
    uint8_t *o = req->out;
    memset(o, 0, 4);
    o[0] = (uint8_t)n;
    o[1] = (uint8_t)start;
    put_alloc_entries(d, start, n, o + 4);
    req->out_len = 4 + n * ALLOC_ENTRY;
    return CXF_RC_SUCCESS;
}

/* ------------------------------------------------------------ the table */

/* Ascending opcode order (the Command Effects Log order). Get LD Info and
 * Get LD Allocations are mandatory for an MLD, Set LD Allocations optional
 * (r3.1 Table 7-43); all three are implemented. */
static const struct cxf_cci_cmd ld_cmds[] = {
    {CXF_OP_GET_LD_INFO, "get-ld-info", 0, 0, ld_info},
    {CXF_OP_GET_LD_ALLOCATIONS, "get-ld-allocations", 2, 0, ld_get_alloc},
    {CXF_OP_SET_LD_ALLOCATIONS, "set-ld-allocations", CXF_CCI_VARLEN, CXF_FM_SET_LD_EFFECTS,
     ld_set_alloc},
};

#define LD_NCMDS (sizeof(ld_cmds) / sizeof(ld_cmds[0]))

const struct cxf_cci_cmd *cxf_fm_ld_commands(size_t *n)
{
    *n = LD_NCMDS;
    return ld_cmds;
}

/* A port without an MLD has no MLD component command set: Unsupported. */
uint16_t cxf_fm_ld_exec(struct cxf_fabric *f, unsigned port, struct cxf_cci_req *req)
{
    struct cxf_dev *d = cxf_fm_mld_at(f, port);
    if (!d) {
        req->out_len = 0;
        return CXF_RC_UNSUPPORTED;
    }
    return cxf_cci_dispatch(ld_cmds, LD_NCMDS, d, req);
}
