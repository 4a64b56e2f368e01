/*
 * ctl/cmd_fm.c - fm.* commands: the fabric manager API (CXL 3.0 7.6.7),
 * spoken as an FM would: every command is encoded into its spec payload,
 * run through the switch's FM-API CCI (MLD component commands wrapped in a
 * Tunnel Management Command to the MLD's port), and its answer decoded.
 * Payload layouts: docs/fabric-manager.md.
 */
#include "ctl_priv.h"
#include "cxl-dev/cci.h"
#include "cxl-dev/le.h"

#include <errno.h>
#include <string.h>

#define LD_GRANULE (256ull << 20) /* Memory Granularity 0: 256 MB (Table 7-46) */

struct fm_io {
    uint8_t in[CXF_MBOX_PAYLOAD_MAX];
    size_t in_len;
    uint8_t out[CXF_MBOX_PAYLOAD_MAX];
    size_t out_len;
};

/* A CXL return code other than success becomes the error, and c->cxl_rc. */
static int fm_rc(struct cxf_ctl *c, const char *what, uint16_t rc, const char *hint,
                 struct cxf_err *e)
{
    if (rc == CXF_RC_SUCCESS || rc == CXF_RC_BG_STARTED)
        return 0;
    c->cxl_rc = rc;
    return cxf_fail(e, -EREMOTEIO, "%s: %s (%02xh)%s%s", what, cxf_mbox_rc_name(rc), rc,
                    hint ? ": " : "", hint ? hint : "");
}

static int fm_run(struct cxf_ctl *c, uint16_t op, struct fm_io *io, const char *what,
                  const char *hint, struct cxf_err *e)
{
    struct cxf_cci_req req = {.opcode = op, .in = io->in, .in_len = io->in_len, .out = io->out};
    uint16_t rc = cxf_fm_exec(c->w->fab, &req);
    io->out_len = req.out_len;
    return fm_rc(c, what, rc, hint, e);
}

/* An MLD component command through Tunnel Management Command (7.6.7.3.1):
 * port-based target, a CCI request message around the payload. */
static int fm_tunnel(struct cxf_ctl *c, unsigned port, uint16_t op, struct fm_io *io,
                     const char *what, struct cxf_err *e)
{
    struct fm_io t = {0};
    size_t msg = 12 + io->in_len;
    t.in[0] = (uint8_t)port;
    t.in[1] = 0; /* target type: port or LD based */
    cxf_put_le16(&t.in[2], (uint16_t)msg);
    uint8_t *m = &t.in[4];
    m[0] = 0; /* category: request */
    m[3] = (uint8_t)op;
    m[4] = (uint8_t)(op >> 8);
    cxf_put_le(&m[5], 3, io->in_len);
    memcpy(&m[12], io->in, io->in_len);
    t.in_len = 4 + msg;
    int rc = fm_run(c, CXF_OP_TUNNEL_MANAGEMENT, &t, "tunnel-management-command",
                    "the port has no MLD (fm.ports shows what is where)", e);
    if (rc)
        return rc;
    const uint8_t *r = &t.out[4];
    size_t len = cxf_get_le(&r[5], 3);
    if (t.out_len < 16 || len > sizeof(io->out) || 16 + len > t.out_len)
        return cxf_fail(e, -EPROTO, "%s: malformed tunnel response", what);
    memcpy(io->out, &r[12], len);
    io->out_len = len;
    return fm_rc(c, what, cxf_get_le16(&r[8]), NULL, e);
}

static void add_int(struct json_object *o, const char *k, uint64_t v)
{
    json_object_object_add(o, k, json_object_new_uint64(v));
}

static struct json_object *bitmask_list(const uint8_t *mask, unsigned bits)
{
    struct json_object *arr = json_object_new_array();
    for (unsigned i = 0; i < bits; i++)
        if (mask[i / 8] >> (i % 8) & 1)
            json_object_array_add(arr, json_object_new_int((int)i));
    return arr;
}

static int identify(struct cxf_ctl *c, struct fm_io *io, struct cxf_err *e)
{
    io->in_len = 0;
    return fm_run(c, CXF_OP_IDENTIFY_SWITCH_DEVICE, io, "identify-switch-device", NULL, e);
}

static int fm_identify(struct cxf_ctl *c, struct json_object *args, struct json_object **result,
                       struct cxf_ctl_wait *wait, struct cxf_err *e)
{
    (void)args, (void)wait;
    struct fm_io io;
    int rc = identify(c, &io, e);
    if (rc)
        return rc;
    struct json_object *o = json_object_new_object();
    add_int(o, "ingress_port", io.out[0]);
    add_int(o, "num_ports", io.out[2]);
    add_int(o, "num_vcs", io.out[3]);
    json_object_object_add(o, "active_ports", bitmask_list(&io.out[0x04], 256));
    json_object_object_add(o, "active_vcs", bitmask_list(&io.out[0x24], 256));
    add_int(o, "total_vppbs", cxf_get_le16(&io.out[0x44]));
    add_int(o, "bound_vppbs", cxf_get_le16(&io.out[0x46]));
    add_int(o, "usp_hdm_decoders", io.out[0x48]);
    *result = o;
    return 0;
}

/* The ids (ports, VCSs) a query asks about, into io->in at `at`: the
 * optional array args[key], or every one the switch has when absent, as
 * Identify Switch Device counts them (its output byte `count_at`). */
static int requested_ids(struct cxf_ctl *c, struct json_object *args, const char *key,
                         size_t count_at, struct fm_io *io, size_t at, unsigned *n,
                         struct cxf_err *e)
{
    int rc = identify(c, io, e);
    if (rc)
        return rc;
    unsigned all = io->out[count_at];
    uint8_t *ids = &io->in[at];
    struct json_object *arr = NULL;
    *n = 0;
    if (!json_object_object_get_ex(args, key, &arr) || !arr) {
        for (; *n < all && *n < 255; (*n)++)
            ids[*n] = (uint8_t)*n;
        return 0;
    }
    if (!json_object_is_type(arr, json_type_array) || json_object_array_length(arr) > 127)
        return cxf_fail(e, -EINVAL, "argument '%s' must be an array of at most 127 ids", key);
    for (size_t i = 0; i < json_object_array_length(arr); i++) {
        struct json_object *v = json_object_array_get_idx(arr, i);
        int64_t x = json_object_get_int64(v);
        if (!json_object_is_type(v, json_type_int) || x < 0 || x > 255)
            return cxf_fail(e, -EINVAL, "argument '%s' must hold ids from 0 to 255", key);
        ids[(*n)++] = (uint8_t)x;
    }
    return 0;
}

static const char *port_state_name(unsigned s)
{
    /* Table 7-19 Current Port Configuration State */
    static const char *const names[] = {"disabled", "bind-in-progress", "unbind-in-progress",
                                        "dsp", "usp", "fabric-port"};
    return s < 6 ? names[s] : s == 0xF ? "invalid-port-id" : "reserved";
}

static const char *device_type_name(unsigned t)
{
    /* Table 7-19 Connected Device Type */
    static const char *const names[] = {"none", "pcie", "cxl-type1", "cxl-type2",
                                        "cxl-type3-sld", "cxl-type3-mld"};
    return t < 6 ? names[t] : "reserved";
}

static struct json_object *port_block(const uint8_t *b)
{
    struct json_object *o = json_object_new_object();
    add_int(o, "port", b[0]);
    json_object_object_add(o, "state", json_object_new_string(port_state_name(b[1] & 0xF)));
    json_object_object_add(o, "device", json_object_new_string(device_type_name(b[4])));
    add_int(o, "max_width", b[6]);
    add_int(o, "width", b[7]);
    add_int(o, "max_gen", b[9]);
    add_int(o, "gen", b[0xA]);
    json_object_object_add(o, "ltssm", json_object_new_string(b[0xB] == 4   ? "L0"
                                                              : b[0xB] == 8 ? "disabled"
                                                                            : "other"));
    add_int(o, "ld_count", b[0xF]);
    return o;
}

static int fm_ports(struct cxf_ctl *c, struct json_object *args, struct json_object **result,
                    struct cxf_ctl_wait *wait, struct cxf_err *e)
{
    (void)wait;
    struct fm_io io;
    unsigned n;
    int rc = requested_ids(c, args, "ports", 2, &io, 1, &n, e);
    if (rc)
        return rc;
    io.in[0] = (uint8_t)n;
    io.in_len = 1 + n;
    rc = fm_run(c, CXF_OP_GET_PHYSICAL_PORT_STATE, &io, "get-physical-port-state", NULL, e);
    if (rc)
        return rc;
    struct json_object *arr = json_object_new_array();
    for (unsigned i = 0; i < io.out[0] && 4 + 16 * (i + 1) <= io.out_len; i++)
        json_object_array_add(arr, port_block(&io.out[4 + 16 * i]));
    *result = json_object_new_object();
    json_object_object_add(*result, "ports", arr);
    return 0;
}

static const char *vppb_status_name(unsigned s)
{
    /* Table 7-32 PPB Binding Status */
    static const char *const names[] = {"unbound", "busy", "bound-port", "bound-ld"};
    return s < 4 ? names[s] : "reserved";
}

/* One VCS Information Block at b (len bytes left); its size in *used. */
static struct json_object *vcs_block(const uint8_t *b, size_t len, size_t *used)
{
    struct json_object *o = json_object_new_object();
    add_int(o, "vcs", b[0]);
    *used = 4;
    if (b[1] == 0xFF) {
        json_object_object_add(o, "state", json_object_new_string("invalid-vcs-id"));
        return o;
    }
    json_object_object_add(o, "state", json_object_new_string(b[1] == 1 ? "enabled" : "disabled"));
    add_int(o, "usp", b[2]);
    add_int(o, "num_vppbs", b[3]);
    struct json_object *arr = json_object_new_array();
    for (unsigned i = 0; i < b[3] && *used + 4 <= len; i++, *used += 4) {
        const uint8_t *v = &b[*used];
        struct json_object *p = json_object_new_object();
        add_int(p, "vppb", i);
        json_object_object_add(p, "status", json_object_new_string(vppb_status_name(v[0])));
        if (v[0] >= 2)
            add_int(p, "port", v[1]);
        if (v[0] == 3)
            add_int(p, "ld", v[2]);
        json_object_array_add(arr, p);
    }
    json_object_object_add(o, "vppbs", arr);
    return o;
}

static int fm_vcs(struct cxf_ctl *c, struct json_object *args, struct json_object **result,
                  struct cxf_ctl_wait *wait, struct cxf_err *e)
{
    (void)wait;
    struct fm_io io;
    unsigned n;
    int rc = requested_ids(c, args, "vcs", 3, &io, 3, &n, e);
    if (rc)
        return rc;
    if (!n)
        return cxf_fail(e, -EINVAL, "argument 'vcs' must name at least one VCS");
    io.in[0] = 0;    /* start vPPB */
    io.in[1] = 0xFF; /* vPPB list limit */
    io.in[2] = (uint8_t)n;
    io.in_len = 3 + n;
    rc = fm_run(c, CXF_OP_GET_VCS_INFO, &io, "get-virtual-cxl-switch-info",
                "too many VCSs in one request", e);
    if (rc)
        return rc;
    struct json_object *arr = json_object_new_array();
    size_t off = 4;
    for (unsigned i = 0; i < io.out[0] && off + 4 <= io.out_len; i++) {
        size_t used;
        json_object_array_add(arr, vcs_block(&io.out[off], io.out_len - off, &used));
        off += used;
    }
    *result = json_object_new_object();
    json_object_object_add(*result, "vcs", arr);
    return 0;
}

/* After a binding command: Background Operation Status (8.2.9.1.2). */
static int bg_status(struct cxf_ctl *c, struct json_object **result, struct cxf_err *e)
{
    struct fm_io io = {0};
    int rc = fm_run(c, CXF_OP_BG_OP_STATUS, &io, "background-operation-status", NULL, e);
    if (rc)
        return rc;
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "return_code",
                           json_object_new_string(cxf_mbox_rc_name(CXF_RC_BG_STARTED)));
    struct json_object *bg = json_object_new_object();
    add_int(bg, "percent_complete", io.out[0] >> 1);
    add_int(bg, "opcode", cxf_get_le16(&io.out[2]));
    json_object_object_add(bg, "return_code",
                           json_object_new_string(cxf_mbox_rc_name(cxf_get_le16(&io.out[4]))));
    json_object_object_add(o, "background_operation", bg);
    *result = o;
    return 0;
}

static int fm_bind(struct cxf_ctl *c, struct json_object *args, struct json_object **result,
                   struct cxf_ctl_wait *wait, struct cxf_err *e)
{
    (void)wait;
    unsigned vcs = 0, vppb = 0, port = 0, ld = 0xFFFF;
    int rc = cxf_arg_unsigned(args, "vcs", true, 0, 255, &vcs, e);
    if (!rc)
        rc = cxf_arg_unsigned(args, "vppb", true, 0, 255, &vppb, e);
    if (!rc)
        rc = cxf_arg_unsigned(args, "port", true, 0, 255, &port, e);
    if (!rc)
        rc = cxf_arg_unsigned(args, "ld", false, 0, 0xFFFF, &ld, e);
    if (rc)
        return rc;
    struct fm_io io = {.in = {(uint8_t)vcs, (uint8_t)vppb, (uint8_t)port, 0}, .in_len = 6};
    cxf_put_le16(&io.in[4], (uint16_t)ld);
    rc = fm_run(c, CXF_OP_BIND_VPPB, &io, "bind-vppb",
                "no such VCS, vPPB, port or LD, the vPPB is bound, or the LD is bound elsewhere "
                "(fm.vcs and fm.ports show what is where)",
                e);
    return rc ? rc : bg_status(c, result, e);
}

static int fm_unbind(struct cxf_ctl *c, struct json_object *args, struct json_object **result,
                     struct cxf_ctl_wait *wait, struct cxf_err *e)
{
    (void)wait;
    static const char *const options[] = {"wait-link-down", "managed", "surprise"};
    unsigned vcs = 0, vppb = 0, option = 0;
    const char *opt = NULL;
    int rc = cxf_arg_unsigned(args, "vcs", true, 0, 255, &vcs, e);
    if (!rc)
        rc = cxf_arg_unsigned(args, "vppb", true, 0, 255, &vppb, e);
    if (!rc)
        rc = cxf_arg_str(args, "option", false, &opt, e);
    if (rc)
        return rc;
    for (option = 0; opt && option < 3 && strcmp(opt, options[option]); option++)
        ;
    if (option == 3)
        return cxf_fail(e, -EINVAL,
                        "argument 'option' must be wait-link-down, managed or surprise");
    struct fm_io io = {.in = {(uint8_t)vcs, (uint8_t)vppb, (uint8_t)option}, .in_len = 3};
    rc = fm_run(c, CXF_OP_UNBIND_VPPB, &io, "unbind-vppb",
                "no such VCS or vPPB, or the vPPB is not bound (fm.vcs shows bindings)", e);
    return rc ? rc : bg_status(c, result, e);
}

static int fm_ld_info(struct cxf_ctl *c, struct json_object *args, struct json_object **result,
                      struct cxf_ctl_wait *wait, struct cxf_err *e)
{
    (void)wait;
    unsigned port = 0;
    struct fm_io io = {0};
    int rc = cxf_arg_unsigned(args, "port", true, 0, 255, &port, e);
    if (!rc)
        rc = fm_tunnel(c, port, CXF_OP_GET_LD_INFO, &io, "get-ld-info", e);
    if (rc)
        return rc;
    if (io.out_len < 0xB)
        return cxf_fail(e, -EPROTO, "get-ld-info: short answer");
    *result = json_object_new_object();
    add_int(*result, "port", port);
    add_int(*result, "memory_size", cxf_get_le64(io.out));
    add_int(*result, "ld_count", cxf_get_le16(&io.out[8]));
    add_int(*result, "qos_telemetry", io.out[10]);
    return 0;
}

/* An LD allocation list of n 16-byte entries from LD `start` at io.out[4]:
 * Get LD Allocations (Table 7-46) and Set LD Allocations (Table 7-49)
 * answer with the same entries under different headers. */
static struct json_object *allocations(unsigned port, const struct fm_io *io, unsigned start,
                                       unsigned n)
{
    struct json_object *o = json_object_new_object(), *arr = json_object_new_array();
    add_int(o, "port", port);
    add_int(o, "granularity", LD_GRANULE);
    for (unsigned i = 0; i < n && 4 + 16 * (i + 1) <= io->out_len; i++) {
        struct json_object *l = json_object_new_object();
        add_int(l, "ld", start + i);
        add_int(l, "range1", cxf_get_le64(&io->out[4 + 16 * i]) * LD_GRANULE);
        add_int(l, "range2", cxf_get_le64(&io->out[12 + 16 * i]) * LD_GRANULE);
        json_object_array_add(arr, l);
    }
    json_object_object_add(o, "lds", arr);
    return o;
}

static int fm_ld_alloc(struct cxf_ctl *c, struct json_object *args, struct json_object **result,
                       struct cxf_ctl_wait *wait, struct cxf_err *e)
{
    (void)wait;
    unsigned port = 0;
    struct fm_io io = {.in = {0, 0xFF}, .in_len = 2};
    int rc = cxf_arg_unsigned(args, "port", true, 0, 255, &port, e);
    if (!rc)
        rc = fm_tunnel(c, port, CXF_OP_GET_LD_ALLOCATIONS, &io, "get-ld-allocations", e);
    if (rc)
        return rc;
    if (io.out[1] != 0) /* the model's granularity is 256 MB; say so if that changes */
        return cxf_fail(e, -EPROTO, "get-ld-allocations: memory granularity %u not understood",
                        io.out[1]);
    *result = allocations(port, &io, io.out[2], io.out[3]);
    add_int(*result, "ld_count", io.out[0]);
    return 0;
}

/* One entry of set-ld-alloc's "lds": {"range1": SIZE, "range2": SIZE}. */
static int ld_entry(struct json_object *v, uint8_t *out, struct cxf_err *e)
{
    static const char *const keys[] = {"range1", "range2", NULL};
    if (!json_object_is_type(v, json_type_object))
        return cxf_fail(e, -EINVAL, "each entry of 'lds' must be an object {range1, range2}");
    int rc = cxf_args_known(v, "set-ld-alloc entry", keys, e);
    for (unsigned r = 0; r < 2 && !rc; r++) {
        uint64_t size = 0;
        rc = cxf_arg_u64(v, keys[r], false, 0, UINT64_MAX - 1, true, &size, e);
        if (!rc && size % LD_GRANULE)
            rc = cxf_fail(e, -EINVAL, "%s must be a multiple of 256M", keys[r]);
        if (!rc)
            cxf_put_le64(&out[8 * r], size / LD_GRANULE);
    }
    return rc;
}

static int fm_set_ld_alloc(struct cxf_ctl *c, struct json_object *args,
                           struct json_object **result, struct cxf_ctl_wait *wait,
                           struct cxf_err *e)
{
    (void)wait;
    unsigned port = 0, start = 0;
    struct json_object *lds = NULL;
    struct fm_io io = {0};
    int rc = cxf_arg_unsigned(args, "port", true, 0, 255, &port, e);
    if (!rc)
        rc = cxf_arg_unsigned(args, "start-ld", false, 0, 255, &start, e);
    if (rc)
        return rc;
    if (!json_object_object_get_ex(args, "lds", &lds) ||
        !json_object_is_type(lds, json_type_array) || !json_object_array_length(lds) ||
        json_object_array_length(lds) > 16)
        return cxf_fail(e, -EINVAL, "argument 'lds' must be an array of 1 to 16 {range1, range2}");
    size_t n = json_object_array_length(lds);
    io.in[0] = (uint8_t)n;
    io.in[1] = (uint8_t)start;
    for (size_t i = 0; i < n && !rc; i++)
        rc = ld_entry(json_object_array_get_idx(lds, i), &io.in[4 + 16 * i], e);
    io.in_len = 4 + 16 * n;
    if (!rc)
        rc = fm_tunnel(c, port, CXF_OP_SET_LD_ALLOCATIONS, &io, "set-ld-allocations", e);
    if (!rc)
        *result = allocations(port, &io, io.out[1], io.out[0]);
    return rc;
}

static const char *const no_keys[] = {NULL};
static const char *const ports_keys[] = {"ports", NULL};
static const char *const vcs_keys[] = {"vcs", NULL};
static const char *const bind_keys[] = {"vcs", "vppb", "port", "ld", NULL};
static const char *const unbind_keys[] = {"vcs", "vppb", "option", NULL};
static const char *const port_key[] = {"port", NULL};
static const char *const set_keys[] = {"port", "start-ld", "lds", NULL};

const struct cxf_ctl_cmd cxf_ctl_fm_cmds[] = {
    {{"fm.identify", "", "Identify Switch Device (5100h)"}, no_keys, fm_identify},
    {{"fm.ports", "[ports]", "Get Physical Port State (5101h)"}, ports_keys, fm_ports},
    {{"fm.vcs", "[vcs]", "Get Virtual CXL Switch Info (5200h): vPPB bindings"}, vcs_keys, fm_vcs},
    {{"fm.bind", "vcs, vppb, port, [ld]", "Bind vPPB (5201h): give a host an LD or an SLD"},
     bind_keys, fm_bind},
    {{"fm.unbind", "vcs, vppb, [option]", "Unbind vPPB (5202h)"}, unbind_keys, fm_unbind},
    {{"fm.ld-info", "port", "Get LD Info (5400h), tunnelled to the MLD"}, port_key, fm_ld_info},
    {{"fm.ld-alloc", "port", "Get LD Allocations (5401h), tunnelled to the MLD"}, port_key,
     fm_ld_alloc},
    {{"fm.set-ld-alloc", "port, [start-ld], lds",
      "Set LD Allocations (5402h), tunnelled to the MLD"},
     set_keys, fm_set_ld_alloc},
    {{NULL, NULL, NULL}, NULL, NULL},
};
