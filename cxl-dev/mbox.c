/*
 * cxl-dev/mbox.c - the memory-device command set: table, dispatch, and the
 * identify / partition / health commands.
 */
#include "mbox_priv.h"

#include <string.h>

/* Kept in ascending opcode order: the Command Effects Log lists commands in
 * this order. */
static const struct cxf_cci_cmd mbox_cmds[] = {
    {CXF_OP_GET_EVENT_RECORDS, "get-event-records", 1, 0, cxf_mbox_get_event_records},
    {CXF_OP_CLEAR_EVENT_RECORDS, "clear-event-records", CXF_CCI_VARLEN,
     CXF_CEL_IMMEDIATE_LOG_CHANGE, cxf_mbox_clear_event_records},
    {CXF_OP_GET_SUPPORTED_LOGS, "get-supported-logs", 0, 0, cxf_mbox_get_supported_logs},
    {CXF_OP_GET_LOG, "get-log", 0x18, 0, cxf_mbox_get_log},
    {CXF_OP_IDENTIFY_MEMORY_DEVICE, "identify-memory-device", 0, 0, cxf_mbox_identify},
    {CXF_OP_GET_PARTITION_INFO, "get-partition-info", 0, 0, cxf_mbox_partition_info},
    {CXF_OP_GET_LSA, "get-lsa", 8, 0, cxf_mbox_get_lsa},
    {CXF_OP_SET_LSA, "set-lsa", CXF_CCI_VARLEN,
     CXF_CEL_IMMEDIATE_CONFIG_CHANGE | CXF_CEL_IMMEDIATE_DATA_CHANGE, cxf_mbox_set_lsa},
    {CXF_OP_GET_HEALTH_INFO, "get-health-info", 0, 0, cxf_mbox_health_info},
    {CXF_OP_GET_POISON_LIST, "get-poison-list", 0x10, 0, cxf_mbox_get_poison_list},
    {CXF_OP_INJECT_POISON, "inject-poison", 8, CXF_CEL_IMMEDIATE_DATA_CHANGE,
     cxf_mbox_inject_poison},
    {CXF_OP_CLEAR_POISON, "clear-poison", 0x48, CXF_CEL_IMMEDIATE_DATA_CHANGE,
     cxf_mbox_clear_poison},
};

#define MBOX_NCMDS (sizeof(mbox_cmds) / sizeof(mbox_cmds[0]))
/* Get Log builds the CEL in one payload-sized buffer. */
_Static_assert(4 * MBOX_NCMDS <= CXF_MBOX_PAYLOAD_MAX, "CEL must fit one payload");

const struct cxf_cci_cmd *cxf_dev_mbox_commands(size_t *n)
{
    *n = MBOX_NCMDS;
    return mbox_cmds;
}

uint16_t cxf_dev_mbox(struct cxf_dev *d, unsigned ld_id, struct cxf_cci_req *req)
{
    struct cxf_ld *ld = cxf_dev_ld(d, ld_id);
    if (!ld)
        return CXF_RC_UNSUPPORTED_MAILBOX; /* no such logical device */
    struct mbox_ctx ctx = {.dev = d, .ld = ld};
    return cxf_cci_dispatch(mbox_cmds, MBOX_NCMDS, &ctx, req);
}

/* Identify Memory Device (4000h), CXL 3.0 8.2.9.8.1.1: 0x45-byte output
 * (0x43 in CXL 2.0 Table 175, plus the Dynamic Capacity Event Log Size).
 * Capacities are in multiples of 256 MB. An LD reports its own capacity. */
uint16_t cxf_mbox_identify(void *ctx, struct cxf_cci_req *req)
{
    struct mbox_ctx *c = ctx;
    const struct cxf_dev *d = c->dev;
    uint8_t *o = req->out;
    uint64_t total = cxf_ld_size(c->ld);
    uint64_t vol = cxf_ld_volatile_bytes(d, c->ld);
    memset(o, 0, 0x45);
    memcpy(o, "cxlfab 1.0", 10); /* FW Revision, ASCII, zero padded */
    cxf_put_le64(o + 0x10, total / CXF_CAP_UNIT);
    cxf_put_le64(o + 0x18, vol / CXF_CAP_UNIT);
    cxf_put_le64(o + 0x20, (total - vol) / CXF_CAP_UNIT);
    cxf_put_le64(o + 0x28, 0); /* partition alignment 0: not re-partitionable */
    for (int log = 0; log < CXF_LOG_COUNT; log++)
        cxf_put_le16(o + 0x30 + 2 * log, CXF_EVENT_LOG_CAP);
    cxf_put_le32(o + 0x38, d->lsa_size);
    cxf_put_le(o + 0x3C, 3, d->poison.max_records);
    cxf_put_le16(o + 0x3F, (uint16_t)d->poison.inject_limit);
    o[0x41] = 0; /* poison handling: injected poison is not persistent, no scan */
    o[0x42] = 0; /* QoS telemetry: none */
    cxf_put_le16(o + 0x43, 0); /* no dynamic capacity event log */
    req->out_len = 0x45;
    return CXF_RC_SUCCESS;
}

/* Get Partition Info (4100h), CXL 3.0 8.2.9.8.2.1: active and next volatile
 * and persistent capacity, 256 MB units; no pending change (next = 0). */
uint16_t cxf_mbox_partition_info(void *ctx, struct cxf_cci_req *req)
{
    struct mbox_ctx *c = ctx;
    uint64_t total = cxf_ld_size(c->ld);
    uint64_t vol = cxf_ld_volatile_bytes(c->dev, c->ld);
    memset(req->out, 0, 0x20);
    cxf_put_le64(req->out + 0x00, vol / CXF_CAP_UNIT);
    cxf_put_le64(req->out + 0x08, (total - vol) / CXF_CAP_UNIT);
    req->out_len = 0x20;
    return CXF_RC_SUCCESS;
}

/* Get Health Info (4200h), CXL 3.0 8.2.9.8.3.1: 0x12-byte output. */
uint16_t cxf_mbox_health_info(void *ctx, struct cxf_cci_req *req)
{
    const struct cxf_health *h = &((struct mbox_ctx *)ctx)->dev->health;
    uint8_t *o = req->out;
    o[0x00] = h->health_status;
    o[0x01] = h->media_status;
    o[0x02] = h->additional_status;
    o[0x03] = h->life_used;
    cxf_put_le16(o + 0x04, (uint16_t)h->temperature);
    cxf_put_le32(o + 0x06, h->dirty_shutdowns);
    cxf_put_le32(o + 0x0A, h->corrected_volatile);
    cxf_put_le32(o + 0x0E, h->corrected_persistent);
    req->out_len = 0x12;
    return CXF_RC_SUCCESS;
}
