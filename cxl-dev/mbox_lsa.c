/*
 * cxl-dev/mbox_lsa.c - Get LSA (4102h) and Set LSA (4103h), CXL 3.0
 * 8.2.9.8.2.3 and 8.2.9.8.2.4. Each LD has its own label storage area (labels
 * belong to the host the LD is bound to). A range outside the area, or a read
 * longer than the mailbox payload, is Invalid Input; a device without a label
 * area answers Unsupported.
 */
#include "mbox_priv.h"

#include <string.h>

static uint8_t *ld_lsa(struct mbox_ctx *c)
{
    return c->dev->lsa + (size_t)c->ld->id * c->dev->lsa_size;
}

static bool in_lsa(const struct cxf_dev *d, uint64_t off, uint64_t len)
{
    return off <= d->lsa_size && len <= d->lsa_size - off;
}

/* Input: Offset (4) at 0, Length (4) at 4. Output: Length bytes. */
uint16_t cxf_mbox_get_lsa(void *ctx, struct cxf_cci_req *req)
{
    struct mbox_ctx *c = ctx;
    uint32_t off = cxf_get_le32(req->in);
    uint32_t len = cxf_get_le32(req->in + 4);
    if (!c->dev->lsa_size)
        return CXF_RC_UNSUPPORTED; /* no label storage area */
    if (len > CXF_MBOX_PAYLOAD_MAX || !in_lsa(c->dev, off, len))
        return CXF_RC_INVALID_INPUT;
    if (len)
        memcpy(req->out, ld_lsa(c) + off, len);
    req->out_len = len;
    return CXF_RC_SUCCESS;
}

/* Input: Offset (4) at 0, reserved (4) at 4, data from 8. */
uint16_t cxf_mbox_set_lsa(void *ctx, struct cxf_cci_req *req)
{
    struct mbox_ctx *c = ctx;
    if (req->in_len < 8)
        return CXF_RC_INVALID_PAYLOAD_LENGTH;
    if (!c->dev->lsa_size)
        return CXF_RC_UNSUPPORTED;
    uint32_t off = cxf_get_le32(req->in);
    size_t len = req->in_len - 8;
    if (!in_lsa(c->dev, off, len))
        return CXF_RC_INVALID_INPUT;
    if (len)
        memcpy(ld_lsa(c) + off, req->in + 8, len);
    return CXF_RC_SUCCESS;
}
