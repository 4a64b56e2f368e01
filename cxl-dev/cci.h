/*
 * cxl-dev/cci.h - what every CXL command interface (CCI) shares: return
 * codes, the request shape, command tables and their dispatch, the Command
 * Effects Log. The memory-device mailbox (cxl-dev) and the switch's fabric
 * manager API (fabric) are both tables dispatched by this code.
 */
#ifndef CXF_CCI_H
#define CXF_CCI_H

#include <stddef.h>
#include <stdint.h>

#define CXF_MBOX_PAYLOAD_MAX 2048u /* 2^11, Mailbox Capabilities [4:0] = 11 */

/* Command return codes (CXL 3.0 8.2.8.4.5.1, Table 8-34; 0x00-0x16 as in
 * CXL 2.0 Table 150). */
enum cxf_mbox_rc {
    CXF_RC_SUCCESS = 0x00,
    CXF_RC_BG_STARTED = 0x01,
    CXF_RC_INVALID_INPUT = 0x02,
    CXF_RC_UNSUPPORTED = 0x03,
    CXF_RC_INTERNAL_ERROR = 0x04,
    CXF_RC_RETRY_REQUIRED = 0x05,
    CXF_RC_BUSY = 0x06,
    CXF_RC_MEDIA_DISABLED = 0x07,
    CXF_RC_FW_XFER_IN_PROGRESS = 0x08,
    CXF_RC_FW_XFER_OUT_OF_ORDER = 0x09,
    CXF_RC_FW_VERIFICATION_FAILED = 0x0A,
    CXF_RC_INVALID_SLOT = 0x0B,
    CXF_RC_ACTIVATION_ROLLED_BACK = 0x0C,
    CXF_RC_ACTIVATION_COLD_RESET = 0x0D,
    CXF_RC_INVALID_HANDLE = 0x0E,
    CXF_RC_INVALID_PHYSICAL_ADDRESS = 0x0F,
    CXF_RC_INJECT_POISON_LIMIT = 0x10,
    CXF_RC_PERMANENT_MEDIA_FAILURE = 0x11,
    CXF_RC_ABORTED = 0x12,
    CXF_RC_INVALID_SECURITY_STATE = 0x13,
    CXF_RC_INCORRECT_PASSPHRASE = 0x14,
    CXF_RC_UNSUPPORTED_MAILBOX = 0x15,
    CXF_RC_INVALID_PAYLOAD_LENGTH = 0x16,
    CXF_RC_INVALID_LOG = 0x17,
    CXF_RC_INTERRUPTED = 0x18,
    CXF_RC_UNSUPPORTED_FEATURE_VERSION = 0x19,
    CXF_RC_UNSUPPORTED_FEATURE_SELECTION = 0x1A,
    CXF_RC_FEATURE_XFER_IN_PROGRESS = 0x1B,
    CXF_RC_FEATURE_XFER_OUT_OF_ORDER = 0x1C,
    CXF_RC_RESOURCES_EXHAUSTED = 0x1D,
    CXF_RC_INVALID_EXTENT_LIST = 0x1E,
};

const char *cxf_mbox_rc_name(uint16_t rc);

/* Command Effects Log bits (CXL 3.0 8.2.9.5.2.1; CEL entry, r3.2 Table 8-87). */
#define CXF_CEL_CONFIG_CHANGE_COLD_RESET (1u << 0)
#define CXF_CEL_IMMEDIATE_CONFIG_CHANGE  (1u << 1)
#define CXF_CEL_IMMEDIATE_DATA_CHANGE    (1u << 2)
#define CXF_CEL_IMMEDIATE_POLICY_CHANGE  (1u << 3)
#define CXF_CEL_IMMEDIATE_LOG_CHANGE     (1u << 4)
#define CXF_CEL_SECURITY_STATE_CHANGE    (1u << 5)
#define CXF_CEL_BACKGROUND_OPERATION     (1u << 6)

struct cxf_cci_req {
    uint16_t opcode;
    const uint8_t *in;
    size_t in_len;
    uint8_t *out;        /* at least CXF_MBOX_PAYLOAD_MAX bytes */
    size_t out_len;      /* set by the command */
};

#define CXF_CCI_VARLEN (-1)

struct cxf_cci_cmd {
    uint16_t opcode;
    const char *name;    /* kebab-case, as tools accept it */
    int in_len;          /* exact input length, or CXF_CCI_VARLEN */
    uint16_t effects;    /* CEL command effects */
    uint16_t (*run)(void *ctx, struct cxf_cci_req *req);
};

/* Unknown opcode -> Unsupported; wrong fixed length -> Invalid Payload
 * Length; otherwise the command's own return code. */
uint16_t cxf_cci_dispatch(const struct cxf_cci_cmd *cmds, size_t n, void *ctx,
                          struct cxf_cci_req *req);
const struct cxf_cci_cmd *cxf_cci_by_name(const struct cxf_cci_cmd *cmds, size_t n,
                                          const char *name);
const struct cxf_cci_cmd *cxf_cci_by_opcode(const struct cxf_cci_cmd *cmds, size_t n,
                                            uint16_t opcode);
/* Command Effects Log: 4 bytes per command, ascending opcode order. */
size_t cxf_cci_cel_size(size_t n);
void cxf_cci_cel_build(const struct cxf_cci_cmd *cmds, size_t n, uint8_t *out);

#endif /* CXF_CCI_H */
