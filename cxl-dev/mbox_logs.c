/*
 * cxl-dev/mbox_logs.c - Get Supported Logs (0400h) and Get Log (0401h), CXL
 * 3.0 8.2.9.5.1 and 8.2.9.5.2, with the Command Effects Log (8.2.9.5.2.1) as
 * the one supported log. An unknown log identifier is Invalid Log; a read
 * past the log's size, or longer than the payload, is Invalid Input.
 */
#include "mbox_priv.h"

#include <string.h>

const uint8_t cxf_cel_uuid[16] = {0x0d, 0xa9, 0xc0, 0xb5, 0xbf, 0x41, 0x4b, 0x78,
                                  0x8f, 0x79, 0x96, 0xb1, 0x62, 0x3b, 0x3f, 0x17};

/* Output: count (2), reserved (6), entries of UUID (16) + Log Size (4). */
uint16_t cxf_mbox_get_supported_logs(void *ctx, struct cxf_cci_req *req)
{
    (void)ctx;
    size_t n;
    cxf_dev_mbox_commands(&n);
    memset(req->out, 0, 8);
    cxf_put_le16(req->out, 1);
    memcpy(req->out + 8, cxf_cel_uuid, 16);
    cxf_put_le32(req->out + 24, (uint32_t)cxf_cci_cel_size(n));
    req->out_len = 8 + 0x14;
    return CXF_RC_SUCCESS;
}

/* Input: Log Identifier (16), Offset (4) at 0x10, Length (4) at 0x14. */
uint16_t cxf_mbox_get_log(void *ctx, struct cxf_cci_req *req)
{
    (void)ctx;
    if (memcmp(req->in, cxf_cel_uuid, 16) != 0)
        return CXF_RC_INVALID_LOG;
    uint32_t off = cxf_get_le32(req->in + 0x10);
    uint32_t len = cxf_get_le32(req->in + 0x14);
    size_t n;
    const struct cxf_cci_cmd *cmds = cxf_dev_mbox_commands(&n);
    size_t size = cxf_cci_cel_size(n);
    if (len > CXF_MBOX_PAYLOAD_MAX || off > size || len > size - off)
        return CXF_RC_INVALID_INPUT;
    uint8_t cel[CXF_MBOX_PAYLOAD_MAX];
    cxf_cci_cel_build(cmds, n, cel);
    memcpy(req->out, cel + off, len);
    req->out_len = len;
    return CXF_RC_SUCCESS;
}
