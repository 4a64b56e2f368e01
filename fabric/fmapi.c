/*
 * fabric/fmapi.c - the switch's Fabric Manager API CCI (CXL 3.0 7.6.7):
 * Physical Switch (Identify Switch Device, Get Physical Port State), Virtual
 * Switch (Get Virtual CXL Switch Info, Bind / Unbind vPPB) and MLD Port
 * (Tunnel Management Command) command sets, plus the generic Background
 * Operation Status that binding needs.
 *
 * Table numbers are CXL r3.1's (those QEMU and libcxlmi cite); CXL 2.0
 * numbers are given where the layout first appeared. Section numbers are
 * the same in CXL 2.0, 3.0 and 3.1 for these commands.
 *
 * Binding semantics (state checks, HDM reset on unbind, translation
 * invalidation) live in binding.c; this file only encodes and decodes.
 */
#include "fmapi_priv.h"

#include <string.h>

/* ------------------------------------------------ background operations */

/* Binding commands always run in the background (CXL 3.0 7.6.7.2.2-3): a
 * command that was accepted answers Background Command Started. The model
 * completes the operation at once, so the record is already final; a
 * command rejected by its checks started nothing and fails directly. */
static uint16_t bg_complete(struct cxf_fabric *f, uint16_t opcode, uint16_t rc)
{
    if (rc != CXF_RC_SUCCESS)
        return rc;
    f->fm_bg.opcode = opcode;
    f->fm_bg.rc = rc;
    f->fm_bg.valid = true;
    return CXF_RC_BG_STARTED;
}

/* Background Operation Status (0002h), CXL 3.0 8.2.9.1.2: 8 bytes. Byte 0
 * bit 0 "running" is always 0 and bits [7:1] show 100 % once an operation
 * ran: operations complete as they start in the model. All zero until the
 * first background operation. */
static uint16_t fm_bg_status(void *ctx, struct cxf_cci_req *req)
{
    const struct cxf_fabric *f = ctx;
    uint8_t *o = req->out;
    memset(o, 0, 8);
    if (f->fm_bg.valid) {
        o[0] = 100u << 1;
        cxf_put_le16(o + 2, f->fm_bg.opcode);
        cxf_put_le16(o + 4, f->fm_bg.rc);
        /* 6: vendor specific extended status, none */
    }
    req->out_len = 8;
    return CXF_RC_SUCCESS;
}

/* ------------------------------------------------- physical switch set */

static void set_bit(uint8_t *mask, unsigned n)
{
    mask[n / 8] |= (uint8_t)(1u << (n % 8));
}

static unsigned bound_vppbs(const struct cxf_vcs *v)
{
    unsigned n = 0;
    for (unsigned i = 0; i < v->nvppbs; i++)
        n += v->vppb[i].status != CXF_VPPB_UNBOUND;
    return n;
}

/* Identify Switch Device (5100h), CXL 3.0 7.6.7.1.1, r3.1 Table 7-16:
 * 0x49-byte output. The Ingress Port ID names the port the request came in
 * on; the FM's own connection (MCTP over a port, SMBus, in-band) is not
 * modelled, so it reads 0. Every VCS exists because its USP is connected,
 * so every VCS is active. */
static uint16_t fm_identify_switch(void *ctx, struct cxf_cci_req *req)
{
    const struct cxf_fabric *f = ctx;
    uint8_t *o = req->out;
    unsigned total = 0, bound = 0;
    memset(o, 0, 0x49);
    o[0x02] = (uint8_t)f->nports;
    o[0x03] = (uint8_t)f->nvcs;
    for (unsigned i = 0; i < f->nports; i++)
        if (f->port[i].kind != CXF_PORT_UNUSED)
            set_bit(o + 0x04, i);
    for (unsigned i = 0; i < f->nvcs; i++) {
        set_bit(o + 0x24, i);
        total += f->vcs[i].nvppbs;
        bound += bound_vppbs(&f->vcs[i]);
    }
    cxf_put_le16(o + 0x44, (uint16_t)total);
    cxf_put_le16(o + 0x46, (uint16_t)bound);
    o[0x48] = (uint8_t)f->usp_decoders;
    req->out_len = 0x49;
    return CXF_RC_SUCCESS;
}

/* Port Information Block values (r3.1 Table 7-19; CXL 2.0 Table 92). */
enum {
    PS_DISABLED = 0x0, PS_DSP = 0x3, PS_USP = 0x4, PS_FABRIC = 0x5, PS_INVALID = 0xF,
};
#define DEV_MODE_68B_VH  2u     /* Connected Device Mode: 68B Flit and VH */
#define DEV_MODE_256B    3u     /* Standard 256B Flit */
#define MODES_68B_VH     0x02u  /* Supported CXL Modes bit 1 */
#define MODES_256B       0x04u  /* Supported CXL Modes bit 2 */
#define DEV_TYPE_SLD     0x04u
#define DEV_TYPE_MLD     0x05u
#define LTSSM_L0         0x4u
#define LTSSM_DISABLED   0x8u
#define LINK_PRSNT       0x0004u /* Link State Flags bit 2: PRSNT# present */
#define PORT_INFO_SIZE   0x10u

static uint8_t port_state(enum cxf_port_kind k)
{
    switch (k) {
    case CXF_PORT_DSP: return PS_DSP;
    case CXF_PORT_USP: return PS_USP;
    case CXF_PORT_FABRIC: return PS_FABRIC; /* the memory bridge's port */
    default: return PS_DISABLED;
    }
}

/* The link fields follow the PCIe LinkCap/LinkSta encodings: widths are
 * lane counts, speeds are the generation (1 = 2.5 GT/s ... 6 = 64 GT/s),
 * and the supported-speeds vector has one bit per generation up to the
 * link's. 64 GT/s links run 256B flits (CXL 3.0 6.4.1.3), slower ones 68B. */
static void port_link_fields(const struct cxf_link *l, uint8_t *b)
{
    bool up = !l->down;
    b[0x5] = (uint8_t)(MODES_68B_VH | (l->gen >= 6 ? MODES_256B : 0));
    b[0x6] = (uint8_t)l->width;
    b[0x7] = up ? (uint8_t)l->width : 0;
    b[0x8] = (uint8_t)((1u << l->gen) - 1);
    b[0x9] = (uint8_t)l->gen;
    b[0xA] = up ? (uint8_t)l->gen : 0;
    b[0xB] = up ? LTSSM_L0 : LTSSM_DISABLED;
    b[0xC] = 0; /* first negotiated lane */
    cxf_put_le16(b + 0xD, LINK_PRSNT); /* every connected port has something attached */
}

/* One 16-byte Port Information Block. An id the switch does not have gets
 * state Fh, "Invalid Port_ID", and nothing else (the spec leaves the rest
 * undefined; QEMU fails the whole command instead). Supported LD Count
 * reports the attached MLD's LDs. */
static void port_info(const struct cxf_fabric *f, uint8_t id, uint8_t *b)
{
    memset(b, 0, PORT_INFO_SIZE);
    b[0x0] = id;
    if (id >= f->nports) {
        b[0x1] = PS_INVALID;
        return;
    }
    const struct cxf_switch_port *p = &f->port[id];
    b[0x1] = port_state(p->kind);
    if (p->kind == CXF_PORT_UNUSED)
        return;
    port_link_fields(&p->link, b);
    if (p->kind == CXF_PORT_DSP) {
        b[0x2] = p->link.gen >= 6 ? DEV_MODE_256B : DEV_MODE_68B_VH;
        b[0x4] = p->dev->mld ? DEV_TYPE_MLD : DEV_TYPE_SLD;
        b[0xF] = p->dev->mld ? (uint8_t)p->dev->num_lds : 0;
    }
}

/* Get Physical Port State (5101h), CXL 3.0 7.6.7.1.2, r3.1 Tables 7-17 and
 * 7-18. Input: Number of Ports (1), Port IDs (1 each). Output: Number of
 * Ports (1), reserved (3), one info block per requested id. A list whose
 * answer would not fit the payload is Invalid Input (as QEMU does). */
static uint16_t fm_port_state(void *ctx, struct cxf_cci_req *req)
{
    if (!cxf_fm_list_len_ok(req, 1, 0, 1))
        return CXF_RC_INVALID_PAYLOAD_LENGTH;
    unsigned n = req->in[0];
    if (4 + n * PORT_INFO_SIZE > CXF_MBOX_PAYLOAD_MAX)
        return CXF_RC_INVALID_INPUT;
    memset(req->out, 0, 4);
    req->out[0] = (uint8_t)n;
    for (unsigned i = 0; i < n; i++)
        port_info(ctx, req->in[1 + i], req->out + 4 + i * PORT_INFO_SIZE);
    req->out_len = 4 + n * PORT_INFO_SIZE;
    return CXF_RC_SUCCESS;
}

/* -------------------------------------------------- virtual switch set */

#define VCS_ENABLED 0x01u
#define VCS_INVALID 0xFFu
#define LD_NONE     0xFFu

/* vPPB entries a VCS Information Block carries: from Start vPPB, at most
 * vPPB List Limit, none past the VCS's last vPPB or for an invalid id. */
static unsigned vcs_entries(const struct cxf_fabric *f, uint8_t id, uint8_t start, uint8_t limit)
{
    if (id >= f->nvcs || start >= f->vcs[id].nvppbs)
        return 0;
    unsigned left = f->vcs[id].nvppbs - start;
    return left < limit ? left : limit;
}

/* One VCS Information Block (r3.1 Table 7-32; CXL 2.0 Table 99) carrying
 * `n` vPPB entries from `start`: id, state, USP port, vPPB count, then 4
 * bytes per vPPB: Binding Status, Bound Port ID, Bound LD ID (FFh unless
 * bound to an LD), reserved. */
static void vcs_block(const struct cxf_fabric *f, uint8_t id, unsigned start, unsigned n,
                      uint8_t *b)
{
    memset(b, 0, 4 + 4 * n);
    b[0] = id;
    if (id >= f->nvcs) {
        b[1] = VCS_INVALID;
        return;
    }
    const struct cxf_vcs *v = &f->vcs[id];
    b[1] = VCS_ENABLED;
    b[2] = (uint8_t)v->usp_port;
    b[3] = (uint8_t)v->nvppbs;
    for (unsigned i = 0; i < n; i++) {
        const struct cxf_vppb *p = &v->vppb[start + i];
        uint8_t *e = b + 4 + 4 * i;
        e[0] = (uint8_t)p->status;
        e[1] = p->status == CXF_VPPB_UNBOUND ? 0 : (uint8_t)p->port;
        e[2] = p->status == CXF_VPPB_BOUND_LD ? (uint8_t)p->ld : LD_NONE;
    }
}

/* Get Virtual CXL Switch Info (5200h), CXL 3.0 7.6.7.2.1, r3.1 Tables 7-30
 * and 7-31. Input: Start vPPB, vPPB List Limit (min 1), Number of VCSs
 * (min 1), VCS IDs. Output: Number of VCSs, reserved (3), one block per id.
 * A list whose answer would not fit the payload is Invalid Input. */
static uint16_t fm_vcs_info(void *ctx, struct cxf_cci_req *req)
{
    const struct cxf_fabric *f = ctx;
    if (!cxf_fm_list_len_ok(req, 3, 2, 1))
        return CXF_RC_INVALID_PAYLOAD_LENGTH;
    const uint8_t *in = req->in;
    if (in[1] == 0 || in[2] == 0)
        return CXF_RC_INVALID_INPUT;
    size_t len = 4;
    for (unsigned i = 0; i < in[2]; i++) {
        unsigned n = vcs_entries(f, in[3 + i], in[0], in[1]);
        if (len + 4 + 4 * n > CXF_MBOX_PAYLOAD_MAX)
            return CXF_RC_INVALID_INPUT;
        vcs_block(f, in[3 + i], in[0], n, req->out + len);
        len += 4 + 4 * n;
    }
    memset(req->out, 0, 4);
    req->out[0] = in[2];
    req->out_len = len;
    return CXF_RC_SUCCESS;
}

/* Bind vPPB (5201h), CXL 3.0 7.6.7.2.2, r3.1 Table 7-33 (CXL 2.0 Table 100):
 * VCS ID, vPPB ID, Physical Port ID, reserved, LD ID (2; FFFFh for anything
 * but an MLD). */
static uint16_t fm_bind(void *ctx, struct cxf_cci_req *req)
{
    const uint8_t *in = req->in;
    return bg_complete(ctx, req->opcode,
                       cxf_fabric_bind(ctx, in[0], in[1], in[2], cxf_get_le16(in + 4)));
}

/* Unbind vPPB (5202h), CXL 3.0 7.6.7.2.3, r3.1 Table 7-34 (CXL 2.0 Table
 * 101): VCS ID, vPPB ID, Unbind Option bits [3:0]: 0 wait for link down,
 * 1 managed hot-remove, 2 surprise hot-remove; other values are reserved.
 * The model has no link training to wait for and no host hot-plug driver
 * to notify, so the three options act alike. */
static uint16_t fm_unbind(void *ctx, struct cxf_cci_req *req)
{
    const uint8_t *in = req->in;
    if ((in[2] & 0x0F) > 2)
        return CXF_RC_INVALID_INPUT;
    return bg_complete(ctx, req->opcode, cxf_fabric_unbind(ctx, in[0], in[1]));
}

/* ------------------------------------------------------ MLD port set */

/* CCI Message (r3.1 Figure 7-19): category bits [3:0] (0 request, 1
 * response), tag, reserved, command, command set, payload length bits
 * [19:0] (bit 23: background operation), return code (2), vendor specific
 * extended status (2), payload. */
#define CCI_HDR          12u
#define CCI_REQUEST      0u
#define CCI_RESPONSE     1u
#define CCI_LEN_MASK     0xFFFFFu
#define TUNNEL_HDR       4u
#define TARGET_PORT_OR_LD 0u

static void put_cci_response(uint8_t *m, const uint8_t *request, uint16_t rc, size_t len)
{
    memset(m, 0, CCI_HDR);
    m[0] = CCI_RESPONSE;
    m[1] = request[1]; /* tag */
    m[3] = request[3];
    m[4] = request[4];
    cxf_put_le(m + 5, 3, len);
    cxf_put_le16(m + 8, rc);
}

/* Tunnel Management Command (5300h), CXL 3.0 7.6.7.3.1, r3.1 Tables 7-37
 * and 7-38. Input: Port or LD ID, Target Type bits [3:0], Command Size (2),
 * CCI request message. Output: Response Length (2), reserved (2), CCI
 * response message. Only target type 0 exists on a switch, and it reaches
 * the FM-owned LD of the MLD on that port (7.6.6.3). The tunnel succeeds
 * when it delivered the message; the inner command's return code travels
 * in the response message. */
static uint16_t fm_tunnel(void *ctx, struct cxf_cci_req *req)
{
    struct cxf_fabric *f = ctx;
    const uint8_t *in = req->in;
    if (req->in_len < TUNNEL_HDR + CCI_HDR)
        return CXF_RC_INVALID_PAYLOAD_LENGTH;
    const uint8_t *msg = in + TUNNEL_HDR;
    size_t size = cxf_get_le16(in + 2);
    size_t plen = cxf_get_le(msg + 5, 3) & CCI_LEN_MASK;
    if (size != req->in_len - TUNNEL_HDR || size != CCI_HDR + plen)
        return CXF_RC_INVALID_PAYLOAD_LENGTH;
    if ((in[1] & 0x0F) != TARGET_PORT_OR_LD || (msg[0] & 0x0F) != CCI_REQUEST ||
        !cxf_fm_mld_at(f, in[0]))
        return CXF_RC_INVALID_INPUT;
    uint8_t rsp[CXF_MBOX_PAYLOAD_MAX];
    struct cxf_cci_req inner = {
        .opcode = (uint16_t)(msg[3] | msg[4] << 8),
        .in = msg + CCI_HDR,
        .in_len = plen,
        .out = rsp,
    };
    uint16_t rc = cxf_fm_ld_exec(f, in[0], &inner);
    if (TUNNEL_HDR + CCI_HDR + inner.out_len > CXF_MBOX_PAYLOAD_MAX)
        return CXF_RC_INTERNAL_ERROR; /* no MLD command answers this much */
    uint8_t *o = req->out;
    cxf_put_le16(o, (uint16_t)(CCI_HDR + inner.out_len));
    cxf_put_le16(o + 2, 0);
    put_cci_response(o + TUNNEL_HDR, msg, rc, inner.out_len);
    memcpy(o + TUNNEL_HDR + CCI_HDR, rsp, inner.out_len);
    req->out_len = TUNNEL_HDR + CCI_HDR + inner.out_len;
    return CXF_RC_SUCCESS;
}

/* ------------------------------------------------------------ the table */

#define BIND_EFFECTS (CXF_CEL_IMMEDIATE_CONFIG_CHANGE | CXF_CEL_BACKGROUND_OPERATION)

/* Ascending opcode order: the Command Effects Log lists commands so. */
static const struct cxf_cci_cmd fm_cmds[] = {
    {CXF_OP_BG_OP_STATUS, "background-operation-status", 0, 0, fm_bg_status},
    {CXF_OP_IDENTIFY_SWITCH_DEVICE, "identify-switch-device", 0, 0, fm_identify_switch},
    {CXF_OP_GET_PHYSICAL_PORT_STATE, "get-physical-port-state", CXF_CCI_VARLEN, 0,
     fm_port_state},
    {CXF_OP_GET_VCS_INFO, "get-virtual-cxl-switch-info", CXF_CCI_VARLEN, 0, fm_vcs_info},
    {CXF_OP_BIND_VPPB, "bind-vppb", 6, BIND_EFFECTS, fm_bind},
    {CXF_OP_UNBIND_VPPB, "unbind-vppb", 3, BIND_EFFECTS, fm_unbind},
    {CXF_OP_TUNNEL_MANAGEMENT, "tunnel-management-command", CXF_CCI_VARLEN,
     CXF_FM_SET_LD_EFFECTS, fm_tunnel},
};

#define FM_NCMDS (sizeof(fm_cmds) / sizeof(fm_cmds[0]))

const struct cxf_cci_cmd *cxf_fm_commands(size_t *n)
{
    *n = FM_NCMDS;
    return fm_cmds;
}

uint16_t cxf_fm_exec(struct cxf_fabric *f, struct cxf_cci_req *req)
{
    return cxf_cci_dispatch(fm_cmds, FM_NCMDS, f, req);
}
