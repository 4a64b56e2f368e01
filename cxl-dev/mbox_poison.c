/*
 * cxl-dev/mbox_poison.c - Get Poison List (4300h), Inject Poison (4301h) and
 * Clear Poison (4302h), CXL 3.0 8.2.9.8.4.1-3.
 *
 * Addresses in the payloads are LD-relative DPAs with bits 5:0 reserved
 * (64-byte lines). Reserved bits set is Invalid Input; an address outside
 * the LD is Invalid Physical Address; injecting into a poisoned line and
 * clearing a clean one are not errors; past the Inject Poison Limit the
 * device answers Inject Poison Limit Reached.
 */
#include "mbox_priv.h"

#include <string.h>

#define LINE_MASK ((uint64_t)CXF_LINE_SIZE - 1)
#define POISON_HDR 0x20u
#define POISON_REC 0x10u

/* LD-relative line address -> device DPA, as a mailbox return code. */
static uint16_t line_dpa(struct mbox_ctx *c, uint64_t ld_dpa, uint64_t *dpa)
{
    if (ld_dpa & LINE_MASK)
        return CXF_RC_INVALID_INPUT;
    if (cxf_dev_ld_dpa(c->dev, c->ld->id, ld_dpa, CXF_LINE_SIZE, dpa))
        return CXF_RC_INVALID_PHYSICAL_ADDRESS;
    return CXF_RC_SUCCESS;
}

struct poison_out {
    uint8_t *rec;          /* next record slot */
    unsigned count;
    unsigned max;
    bool more;
    uint64_t resume;       /* first line that did not fit */
    uint64_t run_start;    /* LD-relative DPA of the open run */
    uint64_t run_lines;
    uint8_t run_source;
};

static void flush_run(struct poison_out *po)
{
    if (!po->run_lines)
        return;
    if (po->count == po->max) {
        if (!po->more)
            po->resume = po->run_start;
        po->more = true;
    } else {
        cxf_put_le64(po->rec, po->run_start | po->run_source);
        cxf_put_le32(po->rec + 8, (uint32_t)po->run_lines);
        memset(po->rec + 12, 0, 4);
        po->rec += POISON_REC;
        po->count++;
    }
    po->run_lines = 0;
}

/* Add one poisoned line, coalescing adjacent lines of the same source. */
static void add_line(struct poison_out *po, uint64_t ld_dpa, uint8_t source)
{
    if (po->run_lines && source == po->run_source &&
        ld_dpa == po->run_start + po->run_lines * CXF_LINE_SIZE && po->run_lines < UINT32_MAX) {
        po->run_lines++;
        return;
    }
    flush_run(po);
    po->run_start = ld_dpa;
    po->run_lines = 1;
    po->run_source = source;
}

/* Walk the poison entries inside one LD range, clipped to the query. */
static void scan_range(const struct cxf_poison_list *pl, const struct cxf_dpa_range *r,
                       uint64_t ld_base, uint64_t q_lo, uint64_t q_hi, struct poison_out *po)
{
    for (size_t i = 0; i < pl->n; i++) {
        uint64_t dpa = pl->e[i].dpa;
        if (!pl->e[i].listed || dpa < r->base || dpa >= r->base + r->size)
            continue;
        uint64_t ld_dpa = ld_base + (dpa - r->base);
        if (ld_dpa >= q_lo && ld_dpa < q_hi)
            add_line(po, ld_dpa, pl->e[i].source);
    }
}

/* A host repeats the same request while More is set (CXL 3.0 8.2.9.8.4.1):
 * resume after the last record returned, unless the poison changed since. */
static uint64_t resume_point(struct mbox_ctx *c, uint64_t start, uint64_t lines)
{
    const struct cxf_poison_cursor *k = &c->ld->poison_cursor;
    if (k->active && k->start == start && k->lines == lines &&
        k->generation == c->dev->generation)
        return k->next;
    return start;
}

static void save_cursor(struct mbox_ctx *c, uint64_t start, uint64_t lines,
                        const struct poison_out *po)
{
    struct cxf_poison_cursor *k = &c->ld->poison_cursor;
    *k = (struct cxf_poison_cursor){.active = po->more, .start = start, .lines = lines,
                                    .next = po->resume, .generation = c->dev->generation};
}

/* Input: address (8, bits 63:6), length in 64-byte units (8).
 * Output: Flags, Overflow Timestamp, Media Error Record Count at 0x0A,
 * records of 16 bytes from 0x20. */
uint16_t cxf_mbox_get_poison_list(void *ctx, struct cxf_cci_req *req)
{
    struct mbox_ctx *c = ctx;
    uint64_t start = cxf_get_le64(req->in);
    uint64_t lines = cxf_get_le64(req->in + 8);
    uint64_t ld_size = cxf_ld_size(c->ld);
    if (start & LINE_MASK || lines == 0)
        return CXF_RC_INVALID_INPUT;
    if (start >= ld_size || lines > (ld_size - start) / CXF_LINE_SIZE)
        return CXF_RC_INVALID_PHYSICAL_ADDRESS;
    uint64_t q_hi = start + lines * CXF_LINE_SIZE;
    uint64_t q_lo = resume_point(c, start, lines);
    struct poison_out po = {
        .rec = req->out + POISON_HDR,
        .max = (CXF_MBOX_PAYLOAD_MAX - POISON_HDR) / POISON_REC,
    };
    const struct cxf_poison_list *pl = &c->dev->poison;
    scan_range(pl, &c->ld->range[0], 0, q_lo, q_hi, &po);
    scan_range(pl, &c->ld->range[1], c->ld->range[0].size, q_lo, q_hi, &po);
    flush_run(&po);
    save_cursor(c, start, lines, &po);
    memset(req->out, 0, POISON_HDR);
    req->out[0] = (uint8_t)((po.more ? 1 : 0) | (pl->overflow ? 2 : 0));
    cxf_put_le64(req->out + 0x02, pl->overflow ? pl->overflow_ts : 0);
    cxf_put_le16(req->out + 0x0A, (uint16_t)po.count);
    req->out_len = POISON_HDR + po.count * POISON_REC;
    return CXF_RC_SUCCESS;
}

static unsigned injected_count(const struct cxf_poison_list *pl)
{
    unsigned n = 0;
    for (size_t i = 0; i < pl->n; i++)
        n += pl->e[i].source == CXF_POISON_INJECTED;
    return n;
}

/* Injection stops at the Inject Poison Limit, and when the list could not
 * record the line (injected poison must be listable). */
static bool inject_limited(const struct cxf_poison_list *pl)
{
    return (pl->inject_limit && injected_count(pl) >= pl->inject_limit) ||
           pl->listed >= pl->max_records;
}

/* Input: DPA (8). */
uint16_t cxf_mbox_inject_poison(void *ctx, struct cxf_cci_req *req)
{
    struct mbox_ctx *c = ctx;
    struct cxf_dev *d = c->dev;
    uint64_t dpa;
    uint16_t rc = line_dpa(c, cxf_get_le64(req->in), &dpa);
    if (rc)
        return rc;
    if (cxf_poison_test(&d->poison, dpa, CXF_LINE_SIZE))
        return CXF_RC_SUCCESS;
    if (inject_limited(&d->poison))
        return CXF_RC_INJECT_POISON_LIMIT;
    if (cxf_dev_poison_add(d, dpa, CXF_POISON_INJECTED))
        return CXF_RC_INTERNAL_ERROR; /* out of memory */
    cxf_dev_gen_media_event(d, CXF_LOG_INFO, dpa, 0, CXF_GM_TYPE_ECC_ERROR,
                            CXF_GM_XACT_INJECT_POISON);
    return CXF_RC_SUCCESS;
}

/* Input: DPA (8), Clear Poison Write Data (64) written in place of the line. */
uint16_t cxf_mbox_clear_poison(void *ctx, struct cxf_cci_req *req)
{
    struct mbox_ctx *c = ctx;
    uint64_t dpa;
    uint16_t rc = line_dpa(c, cxf_get_le64(req->in), &dpa);
    if (rc)
        return rc;
    memcpy(cxf_dev_mem(c->dev, dpa), req->in + 8, CXF_LINE_SIZE);
    cxf_dev_poison_clear(c->dev, dpa);
    return CXF_RC_SUCCESS;
}
