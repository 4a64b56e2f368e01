/*
 * cxl-dev/cci.c - generic command dispatch for a CCI (mailbox or FM API).
 *
 * Every command set (memory device, switch fabric management) is a table of
 * commands; this file does what is common: opcode lookup, the payload length
 * rule, return-code names and the Command Effects Log built from the table.
 * Payload length rule (CXL 3.0 8.2.8.4.5.1): a fixed-size command given any
 * other length fails with Invalid Payload Length; variable-size commands
 * check their own minimum.
 */
#include "cci.h"
#include "le.h"

#include <string.h>

const char *cxf_mbox_rc_name(uint16_t rc)
{
    static const char *const names[] = {
        [CXF_RC_SUCCESS] = "Success",
        [CXF_RC_BG_STARTED] = "Background Command Started",
        [CXF_RC_INVALID_INPUT] = "Invalid Input",
        [CXF_RC_UNSUPPORTED] = "Unsupported",
        [CXF_RC_INTERNAL_ERROR] = "Internal Error",
        [CXF_RC_RETRY_REQUIRED] = "Retry Required",
        [CXF_RC_BUSY] = "Busy",
        [CXF_RC_MEDIA_DISABLED] = "Media Disabled",
        [CXF_RC_FW_XFER_IN_PROGRESS] = "FW Transfer in Progress",
        [CXF_RC_FW_XFER_OUT_OF_ORDER] = "FW Transfer Out of Order",
        [CXF_RC_FW_VERIFICATION_FAILED] = "FW Verification Failed",
        [CXF_RC_INVALID_SLOT] = "Invalid Slot",
        [CXF_RC_ACTIVATION_ROLLED_BACK] = "Activation Failed, FW Rolled Back",
        [CXF_RC_ACTIVATION_COLD_RESET] = "Activation Failed, Cold Reset Required",
        [CXF_RC_INVALID_HANDLE] = "Invalid Handle",
        [CXF_RC_INVALID_PHYSICAL_ADDRESS] = "Invalid Physical Address",
        [CXF_RC_INJECT_POISON_LIMIT] = "Inject Poison Limit Reached",
        [CXF_RC_PERMANENT_MEDIA_FAILURE] = "Permanent Media Failure",
        [CXF_RC_ABORTED] = "Aborted",
        [CXF_RC_INVALID_SECURITY_STATE] = "Invalid Security State",
        [CXF_RC_INCORRECT_PASSPHRASE] = "Incorrect Passphrase",
        [CXF_RC_UNSUPPORTED_MAILBOX] = "Unsupported Mailbox or CCI",
        [CXF_RC_INVALID_PAYLOAD_LENGTH] = "Invalid Payload Length",
        [CXF_RC_INVALID_LOG] = "Invalid Log",
        [CXF_RC_INTERRUPTED] = "Interrupted",
        [CXF_RC_UNSUPPORTED_FEATURE_VERSION] = "Unsupported Feature Version",
        [CXF_RC_UNSUPPORTED_FEATURE_SELECTION] = "Unsupported Feature Selection Value",
        [CXF_RC_FEATURE_XFER_IN_PROGRESS] = "Feature Transfer in Progress",
        [CXF_RC_FEATURE_XFER_OUT_OF_ORDER] = "Feature Transfer Out of Order",
        [CXF_RC_RESOURCES_EXHAUSTED] = "Resources Exhausted",
        [CXF_RC_INVALID_EXTENT_LIST] = "Invalid Extent List",
    };
    if (rc < sizeof(names) / sizeof(names[0]) && names[rc])
        return names[rc];
    return "Reserved return code";
}

const struct cxf_cci_cmd *cxf_cci_by_opcode(const struct cxf_cci_cmd *cmds, size_t n,
                                            uint16_t opcode)
{
    for (size_t i = 0; i < n; i++)
        if (cmds[i].opcode == opcode)
            return &cmds[i];
    return NULL;
}

const struct cxf_cci_cmd *cxf_cci_by_name(const struct cxf_cci_cmd *cmds, size_t n,
                                          const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(cmds[i].name, name) == 0)
            return &cmds[i];
    return NULL;
}

uint16_t cxf_cci_dispatch(const struct cxf_cci_cmd *cmds, size_t n, void *ctx,
                          struct cxf_cci_req *req)
{
    req->out_len = 0;
    const struct cxf_cci_cmd *cmd = cxf_cci_by_opcode(cmds, n, req->opcode);
    if (!cmd)
        return CXF_RC_UNSUPPORTED;
    if (req->in_len > CXF_MBOX_PAYLOAD_MAX)
        return CXF_RC_INVALID_PAYLOAD_LENGTH;
    if (cmd->in_len != CXF_CCI_VARLEN && req->in_len != (size_t)cmd->in_len)
        return CXF_RC_INVALID_PAYLOAD_LENGTH;
    uint16_t rc = cmd->run(ctx, req);
    if (rc != CXF_RC_SUCCESS && rc != CXF_RC_BG_STARTED)
        req->out_len = 0; /* a failed command returns no payload */
    return rc;
}

size_t cxf_cci_cel_size(size_t n)
{
    return 4 * n;
}

/* CEL entries: Opcode (2) and Command Effect (2), in ascending opcode order
 * (tables are kept sorted; see the unit test that checks it). */
void cxf_cci_cel_build(const struct cxf_cci_cmd *cmds, size_t n, uint8_t *out)
{
    for (size_t i = 0; i < n; i++) {
        cxf_put_le16(out + 4 * i, cmds[i].opcode);
        cxf_put_le16(out + 4 * i + 2, cmds[i].effects);
    }
}
