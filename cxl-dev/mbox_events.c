/*
 * cxl-dev/mbox_events.c - Get Event Records (0100h) and Clear Event Records
 * (0101h), CXL 3.0 8.2.9.2.2 and 8.2.9.2.3.
 *
 * Clearing follows the spec's rule: the handles name the oldest records in
 * temporal order; if one does not match, the device clears none of them and
 * answers Invalid Handle. Clear All Events is only allowed once the log has
 * overflowed (else Invalid Input).
 */
#include "mbox_priv.h"

#include <string.h>

#define EV_HDR 0x20u

static struct cxf_event_log *log_of(struct mbox_ctx *c, uint8_t id)
{
    return id < CXF_LOG_COUNT ? &c->ld->log[id] : NULL;
}

static const uint8_t *record_at(const struct cxf_event_log *l, unsigned i)
{
    return l->rec[(l->head + i) % CXF_EVENT_LOG_CAP];
}

/* Input: Event Log (1). Output header: Flags (bit0 Overflow, bit1 More),
 * Overflow Error Count at 2, first/last overflow timestamps at 4 and 0xC,
 * Event Record Count at 0x14, records from 0x20. */
uint16_t cxf_mbox_get_event_records(void *ctx, struct cxf_cci_req *req)
{
    struct cxf_event_log *l = log_of(ctx, req->in[0]);
    if (!l)
        return CXF_RC_INVALID_INPUT;
    unsigned fit = (CXF_MBOX_PAYLOAD_MAX - EV_HDR) / CXF_EVENT_RECORD_SIZE;
    unsigned n = l->count < fit ? l->count : fit;
    uint8_t *o = req->out;
    memset(o, 0, EV_HDR);
    o[0] = (uint8_t)((l->overflow_count ? 1 : 0) | (l->count > n ? 2 : 0));
    cxf_put_le16(o + 0x02, l->overflow_count);
    cxf_put_le64(o + 0x04, l->first_overflow_ts);
    cxf_put_le64(o + 0x0C, l->last_overflow_ts);
    cxf_put_le16(o + 0x14, (uint16_t)n);
    for (unsigned i = 0; i < n; i++)
        memcpy(o + EV_HDR + i * CXF_EVENT_RECORD_SIZE, record_at(l, i), CXF_EVENT_RECORD_SIZE);
    req->out_len = EV_HDR + n * CXF_EVENT_RECORD_SIZE;
    return CXF_RC_SUCCESS;
}

static void drop_oldest(struct cxf_event_log *l, unsigned n)
{
    l->head = (l->head + n) % CXF_EVENT_LOG_CAP;
    l->count -= n;
    if (l->count == 0) /* room again: the overflow condition is over */
        l->overflow_count = 0, l->first_overflow_ts = l->last_overflow_ts = 0;
}

/* Input: Event Log (1), Clear Event Flags (1, bit0 Clear All), Number of
 * Event Record Handles (1), reserved (3), handles (2 each) from 6. */
uint16_t cxf_mbox_clear_event_records(void *ctx, struct cxf_cci_req *req)
{
    if (req->in_len < 6 || req->in_len != 6u + 2u * req->in[2])
        return CXF_RC_INVALID_PAYLOAD_LENGTH;
    struct cxf_event_log *l = log_of(ctx, req->in[0]);
    if (!l)
        return CXF_RC_INVALID_INPUT;
    unsigned n = req->in[2];
    if (req->in[1] & 1) {
        /* Clear All: only after overflow, and with no handles (8.2.9.2.3) */
        if (!l->overflow_count || n)
            return CXF_RC_INVALID_INPUT;
        drop_oldest(l, l->count);
        return CXF_RC_SUCCESS;
    }
    if (n > l->count)
        return CXF_RC_INVALID_HANDLE;
    for (unsigned i = 0; i < n; i++)
        if (cxf_get_le16(req->in + 6 + 2 * i) != cxf_get_le16(record_at(l, i) + 0x14))
            return CXF_RC_INVALID_HANDLE; /* nothing cleared */
    drop_oldest(l, n);
    return CXF_RC_SUCCESS;
}
