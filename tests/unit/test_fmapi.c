/* Fabric-manager API: every command's success path (every output field
 * decoded) and every error path, on a topology built from the fabric's
 * building blocks: two hosts with a VCS each, an MLD of 4 LDs, an SLD, an
 * unused port and a memory bridge. */
#include "cmocka_all.h"
#include "cxl-dev/le.h"
#include "fabric/fabric.h"
#include "fabric_fixture.h"

#include <errno.h>
#include <string.h>

#define GB   (1ull << 30)
#define UNIT CXF_CAP_UNIT

enum { P_USP0 = 0, P_USP1 = 1, P_MLD = 2, P_SLD = 3, P_UNUSED = 4, P_BRIDGE = 5, NPORTS = 6 };
#define NVPPBS 4u

static struct cxf_fabric *fab;
static struct cxf_dev *mld;
static uint8_t out[CXF_MBOX_PAYLOAD_MAX];
static size_t out_len;

static int setup(void **state)
{
    (void)state;
    struct cxf_err e = {{0}};
    struct cxf_dev_config c;
    fab = cxf_fabric_new();
    assert_non_null(fab);
    for (unsigned h = 0; h < 2; h++) {
        assert_int_equal(cxf_fabric_add_host(fab, h ? "h1" : "h0", 64u << 20, &e), (int)h);
        assert_int_equal(cxf_fabric_add_hb(fab, h, 1, 4, &e), 0);
        assert_int_equal(cxf_fabric_add_usp(fab, h, 0, 0, h ? P_USP1 : P_USP0, 16, NVPPBS, &e),
                         (int)h);
    }
    cxf_dev_config_default(&c);
    c.name = "pool0";
    c.volatile_bytes = 4 * GB;
    c.lds = 4;
    assert_int_equal(cxf_fabric_add_device(fab, P_MLD, &c, 8, &e), 0);
    c.name = "sld0";
    c.volatile_bytes = GB;
    c.lds = 0;
    assert_int_equal(cxf_fabric_add_device(fab, P_SLD, &c, 4, &e), 1);
    assert_int_equal(cxf_fabric_add_bridge(fab, 0, P_BRIDGE, 16, 0, 16u << 20, 64 * GB, &e), 0);
    assert_int_equal(cxf_fabric_finish(fab, &e), 0);
    mld = fab->port[P_MLD].dev;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    cxf_fabric_free(fab);
    fab = NULL;
    return 0;
}

static uint16_t finish(uint16_t rc, const struct cxf_cci_req *req)
{
    out_len = req->out_len;
    return rc;
}

static uint16_t run(uint16_t op, const void *in, size_t in_len)
{
    struct cxf_cci_req req = {.opcode = op, .in = in, .in_len = in_len, .out = out};
    memset(out, 0xEE, sizeof(out));
    return finish(cxf_fm_exec(fab, &req), &req);
}

static uint16_t run_ld(unsigned port, uint16_t op, const void *in, size_t in_len)
{
    struct cxf_cci_req req = {.opcode = op, .in = in, .in_len = in_len, .out = out};
    memset(out, 0xEE, sizeof(out));
    return finish(cxf_fm_ld_exec(fab, port, &req), &req);
}

static uint16_t bind(unsigned vcs, unsigned vppb, unsigned port, uint16_t ld)
{
    uint8_t in[6] = {(uint8_t)vcs, (uint8_t)vppb, (uint8_t)port, 0};
    cxf_put_le16(in + 4, ld);
    return run(CXF_OP_BIND_VPPB, in, sizeof(in));
}

static uint16_t unbind(unsigned vcs, unsigned vppb, uint8_t option)
{
    uint8_t in[3] = {(uint8_t)vcs, (uint8_t)vppb, option};
    return run(CXF_OP_UNBIND_VPPB, in, sizeof(in));
}

/* Background Operation Status: the last operation, 100 % done, not running. */
static void expect_bg(uint16_t opcode, uint16_t rc)
{
    assert_int_equal(run(CXF_OP_BG_OP_STATUS, NULL, 0), CXF_RC_SUCCESS);
    assert_int_equal(out_len, 8);
    assert_int_equal(out[0], 100 << 1);
    assert_int_equal(out[1], 0);
    assert_int_equal(cxf_get_le16(out + 2), opcode);
    assert_int_equal(cxf_get_le16(out + 4), rc);
    assert_int_equal(cxf_get_le16(out + 6), 0);
}

/* Runs first: the fabric has never run a background operation. */
static void test_bg_status_before_any_operation(void **state)
{
    (void)state;
    assert_int_equal(run(CXF_OP_BG_OP_STATUS, NULL, 0), CXF_RC_SUCCESS);
    assert_int_equal(out_len, 8);
    for (int i = 0; i < 8; i++)
        assert_int_equal(out[i], 0);
}

static void expect_sorted_unique(const struct cxf_cci_cmd *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        assert_non_null(c[i].name);
        assert_ptr_equal(cxf_cci_by_name(c, n, c[i].name), &c[i]);
        if (i)
            assert_true(c[i - 1].opcode < c[i].opcode);
    }
}

static void test_command_tables(void **state)
{
    (void)state;
    size_t n, nld;
    const struct cxf_cci_cmd *c = cxf_fm_commands(&n);
    const struct cxf_cci_cmd *ld = cxf_fm_ld_commands(&nld);
    assert_int_equal(n, 7);
    assert_int_equal(nld, 3);
    expect_sorted_unique(c, n);
    expect_sorted_unique(ld, nld);
    assert_int_equal(cxf_cci_by_name(c, n, "identify-switch-device")->opcode, 0x5100);
    assert_int_equal(cxf_cci_by_name(c, n, "get-physical-port-state")->opcode, 0x5101);
    assert_int_equal(cxf_cci_by_name(c, n, "get-virtual-cxl-switch-info")->opcode, 0x5200);
    assert_int_equal(cxf_cci_by_name(c, n, "tunnel-management-command")->opcode, 0x5300);
    assert_int_equal(cxf_cci_by_name(ld, nld, "set-ld-allocations")->opcode, 0x5402);
    /* binding is a background operation that changes the configuration */
    uint16_t fx = cxf_cci_by_opcode(c, n, CXF_OP_BIND_VPPB)->effects;
    assert_true(fx & CXF_CEL_BACKGROUND_OPERATION);
    assert_true(fx & CXF_CEL_IMMEDIATE_CONFIG_CHANGE);
    assert_int_equal(cxf_cci_by_opcode(c, n, CXF_OP_UNBIND_VPPB)->effects, fx);
    assert_int_equal(cxf_cci_by_opcode(c, n, CXF_OP_IDENTIFY_SWITCH_DEVICE)->effects, 0);
    /* a tunnel may carry Set LD Allocations, so it reports its effects */
    assert_int_equal(cxf_cci_by_opcode(c, n, CXF_OP_TUNNEL_MANAGEMENT)->effects,
                     cxf_cci_by_opcode(ld, nld, CXF_OP_SET_LD_ALLOCATIONS)->effects);
    /* the CEL built from the table */
    uint8_t cel[7 * 4];
    assert_int_equal(cxf_cci_cel_size(n), sizeof(cel));
    cxf_cci_cel_build(c, n, cel);
    assert_int_equal(cxf_get_le16(cel + 4 * 4), CXF_OP_BIND_VPPB);
    assert_int_equal(cxf_get_le16(cel + 4 * 4 + 2), fx);
}

static void test_unknown_opcode_and_lengths(void **state)
{
    (void)state;
    uint8_t in[64] = {0};
    /* not implemented (Physical Port Control) / not the switch's command set */
    assert_int_equal(run(0x5102, NULL, 0), CXF_RC_UNSUPPORTED);
    assert_int_equal(run(CXF_OP_GET_LD_INFO, NULL, 0), CXF_RC_UNSUPPORTED);
    assert_int_equal(run(0xFFFF, NULL, 0), CXF_RC_UNSUPPORTED);
    /* fixed sizes, and variable ones shorter than their header */
    static const struct { uint16_t op; size_t len; } bad[] = {
        {CXF_OP_BG_OP_STATUS, 1},  {CXF_OP_IDENTIFY_SWITCH_DEVICE, 1},
        {CXF_OP_BIND_VPPB, 5},     {CXF_OP_BIND_VPPB, 7},
        {CXF_OP_UNBIND_VPPB, 4},   {CXF_OP_GET_PHYSICAL_PORT_STATE, 0},
        {CXF_OP_GET_VCS_INFO, 2},  {CXF_OP_TUNNEL_MANAGEMENT, 3},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(run(bad[i].op, in, bad[i].len), CXF_RC_INVALID_PAYLOAD_LENGTH);
    /* list counts that disagree with the ids given */
    in[0] = 2;
    assert_int_equal(run(CXF_OP_GET_PHYSICAL_PORT_STATE, in, 2), CXF_RC_INVALID_PAYLOAD_LENGTH);
    assert_int_equal(run(CXF_OP_GET_PHYSICAL_PORT_STATE, in, 4), CXF_RC_INVALID_PAYLOAD_LENGTH);
    uint8_t vcs[5] = {0, 1, 2, 0, 0};
    assert_int_equal(run(CXF_OP_GET_VCS_INFO, vcs, 4), CXF_RC_INVALID_PAYLOAD_LENGTH);
    /* MLD component commands */
    assert_int_equal(run_ld(P_MLD, CXF_OP_GET_LD_INFO, in, 1), CXF_RC_INVALID_PAYLOAD_LENGTH);
    assert_int_equal(run_ld(P_MLD, CXF_OP_GET_LD_ALLOCATIONS, in, 1),
                     CXF_RC_INVALID_PAYLOAD_LENGTH);
    assert_int_equal(run_ld(P_MLD, CXF_OP_SET_LD_ALLOCATIONS, in, 3),
                     CXF_RC_INVALID_PAYLOAD_LENGTH);
    in[0] = 1; /* one entry announced, 15 bytes given */
    assert_int_equal(run_ld(P_MLD, CXF_OP_SET_LD_ALLOCATIONS, in, 4 + 15),
                     CXF_RC_INVALID_PAYLOAD_LENGTH);
    assert_int_equal(run_ld(P_MLD, 0x5403, NULL, 0), CXF_RC_UNSUPPORTED); /* QoS: not modelled */
    assert_int_equal(run_ld(P_MLD, CXF_OP_BIND_VPPB, in, 6), CXF_RC_UNSUPPORTED);
    /* only an MLD has the MLD component command set */
    static const unsigned not_mld[] = {P_SLD, P_USP0, P_UNUSED, P_BRIDGE, NPORTS, 31, 200};
    for (size_t i = 0; i < sizeof(not_mld) / sizeof(not_mld[0]); i++) {
        out_len = 99;
        assert_int_equal(run_ld(not_mld[i], CXF_OP_GET_LD_INFO, NULL, 0), CXF_RC_UNSUPPORTED);
        assert_int_equal(out_len, 0);
    }
}

static void test_identify_switch(void **state)
{
    (void)state;
    assert_int_equal(bind(1, 3, P_MLD, 2), CXF_RC_BG_STARTED);
    assert_int_equal(run(CXF_OP_IDENTIFY_SWITCH_DEVICE, NULL, 0), CXF_RC_SUCCESS);
    assert_int_equal(out_len, 0x49);
    assert_int_equal(out[0x00], 0); /* ingress port: FM port not modelled */
    assert_int_equal(out[0x01], 0);
    assert_int_equal(out[0x02], NPORTS);
    assert_int_equal(out[0x03], 2);
    /* ports 0,1,2,3,5 connected; port 4 is not */
    assert_int_equal(out[0x04], 0x2F);
    for (int i = 1; i < 0x20; i++)
        assert_int_equal(out[0x04 + i], 0);
    assert_int_equal(out[0x24], 0x03);
    for (int i = 1; i < 0x20; i++)
        assert_int_equal(out[0x24 + i], 0);
    assert_int_equal(cxf_get_le16(out + 0x44), 2 * NVPPBS);
    assert_int_equal(cxf_get_le16(out + 0x46), 1);
    assert_int_equal(out[0x48], fab->usp_decoders);
    assert_int_equal(out[0x48], 4);
}

/* A port info block's link fields for a link of `width` lanes at `gen`. */
static void expect_link(const uint8_t *b, unsigned width, unsigned gen, bool up)
{
    assert_int_equal(b[0x5], gen >= 6 ? 0x06 : 0x02);
    assert_int_equal(b[0x6], width);
    assert_int_equal(b[0x7], up ? width : 0);
    assert_int_equal(b[0x8], (1u << gen) - 1);
    assert_int_equal(b[0x9], gen);
    assert_int_equal(b[0xA], up ? gen : 0);
    assert_int_equal(b[0xB], up ? 4 : 8); /* L0 / Disabled */
    assert_int_equal(b[0xC], 0);
    assert_int_equal(cxf_get_le16(b + 0xD), 0x0004); /* PRSNT# */
}

static void expect_port(const uint8_t *b, unsigned id, unsigned state, unsigned mode,
                        unsigned type, unsigned lds)
{
    assert_int_equal(b[0x0], id);
    assert_int_equal(b[0x1], state);
    assert_int_equal(b[0x2], mode);
    assert_int_equal(b[0x3], 0);
    assert_int_equal(b[0x4], type);
    assert_int_equal(b[0xF], lds);
}

static void expect_empty_block(const uint8_t *b, unsigned id, unsigned state)
{
    assert_int_equal(b[0], id);
    assert_int_equal(b[1], state);
    for (int i = 2; i < 16; i++)
        assert_int_equal(b[i], 0);
}

static void test_port_state(void **state)
{
    (void)state;
    assert_int_equal(fab->port[P_MLD].link.gen, 5);
    uint8_t in[] = {7, P_MLD, P_SLD, P_USP0, P_BRIDGE, P_UNUSED, NPORTS, 200};
    assert_int_equal(run(CXF_OP_GET_PHYSICAL_PORT_STATE, in, sizeof(in)), CXF_RC_SUCCESS);
    assert_int_equal(out_len, 4 + 7 * 16);
    assert_int_equal(out[0], 7);
    assert_int_equal(out[1] | out[2] | out[3], 0);
    const uint8_t *b = out + 4;
    expect_port(b, P_MLD, 3, 2, 5, 4); /* DSP, 68B flit + VH, type 3 MLD, 4 LDs */
    expect_link(b, 8, 5, true);
    expect_port(b + 16, P_SLD, 3, 2, 4, 0); /* type 3 SLD */
    expect_link(b + 16, 4, 5, true);
    expect_port(b + 32, P_USP0, 4, 0, 0, 0);
    expect_link(b + 32, 16, 5, true);
    expect_port(b + 48, P_BRIDGE, 5, 0, 0, 0); /* fabric port */
    expect_link(b + 48, 16, 5, true);
    expect_empty_block(b + 64, P_UNUSED, 0);  /* disabled */
    expect_empty_block(b + 80, NPORTS, 0xF);  /* invalid port id */
    expect_empty_block(b + 96, 200, 0xF);

    /* a link that is down trains to nothing; a 64 GT/s link runs 256B flits */
    fab->port[P_SLD].link.down = true;
    fab->port[P_MLD].link.gen = 6;
    uint8_t two[] = {2, P_SLD, P_MLD};
    assert_int_equal(run(CXF_OP_GET_PHYSICAL_PORT_STATE, two, sizeof(two)), CXF_RC_SUCCESS);
    expect_port(out + 4, P_SLD, 3, 2, 4, 0);
    expect_link(out + 4, 4, 5, false);
    expect_port(out + 20, P_MLD, 3, 3, 5, 4);
    expect_link(out + 20, 8, 6, true);

    /* no ports asked: an empty answer */
    uint8_t none = 0;
    assert_int_equal(run(CXF_OP_GET_PHYSICAL_PORT_STATE, &none, 1), CXF_RC_SUCCESS);
    assert_int_equal(out_len, 4);
    assert_int_equal(out[0], 0);
    /* 127 blocks fit a 2 KiB payload, 128 do not */
    uint8_t many[1 + 128] = {127};
    assert_int_equal(run(CXF_OP_GET_PHYSICAL_PORT_STATE, many, 1 + 127), CXF_RC_SUCCESS);
    assert_int_equal(out_len, 4 + 127 * 16);
    many[0] = 128;
    assert_int_equal(run(CXF_OP_GET_PHYSICAL_PORT_STATE, many, sizeof(many)),
                     CXF_RC_INVALID_INPUT);
    assert_int_equal(out_len, 0);
}

static void expect_vppb(const uint8_t *e, unsigned status, unsigned port, unsigned ld)
{
    assert_int_equal(e[0], status);
    assert_int_equal(e[1], port);
    assert_int_equal(e[2], ld);
    assert_int_equal(e[3], 0);
}

static void expect_vcs_head(const uint8_t *b, unsigned id, unsigned usp)
{
    assert_int_equal(b[0], id);
    assert_int_equal(b[1], 1); /* enabled */
    assert_int_equal(b[2], usp);
    assert_int_equal(b[3], NVPPBS);
}

static void test_vcs_info(void **state)
{
    (void)state;
    assert_int_equal(bind(0, 1, P_MLD, 2), CXF_RC_BG_STARTED);
    assert_int_equal(bind(0, 2, P_SLD, CXF_LD_FM_OWNED), CXF_RC_BG_STARTED);
    uint8_t in[] = {0, 16, 3, 0, 7, 1};
    assert_int_equal(run(CXF_OP_GET_VCS_INFO, in, sizeof(in)), CXF_RC_SUCCESS);
    assert_int_equal(out_len, 4 + 20 + 4 + 20);
    assert_int_equal(out[0], 3);
    assert_int_equal(out[1] | out[2] | out[3], 0);
    const uint8_t *b = out + 4;
    expect_vcs_head(b, 0, P_USP0);
    expect_vppb(b + 4, 0, 0, 0xFF);
    expect_vppb(b + 8, 3, P_MLD, 2);        /* bound LD */
    expect_vppb(b + 12, 2, P_SLD, 0xFF);    /* bound physical port */
    expect_vppb(b + 16, 0, 0, 0xFF);
    b += 20;
    assert_int_equal(b[0], 7);
    assert_int_equal(b[1], 0xFF);           /* invalid VCS id */
    assert_int_equal(b[2] | b[3], 0);
    b += 4;
    expect_vcs_head(b, 1, P_USP1);
    for (int i = 0; i < 4; i++)
        expect_vppb(b + 4 + 4 * i, 0, 0, 0xFF);

    /* a window of the vPPB list: start 1, at most 2 */
    uint8_t window[] = {1, 2, 1, 0};
    assert_int_equal(run(CXF_OP_GET_VCS_INFO, window, sizeof(window)), CXF_RC_SUCCESS);
    assert_int_equal(out_len, 4 + 4 + 8);
    expect_vcs_head(out + 4, 0, P_USP0);
    expect_vppb(out + 8, 3, P_MLD, 2);
    expect_vppb(out + 12, 2, P_SLD, 0xFF);
    /* starting past the last vPPB: the block has no entries */
    window[0] = NVPPBS;
    assert_int_equal(run(CXF_OP_GET_VCS_INFO, window, sizeof(window)), CXF_RC_SUCCESS);
    assert_int_equal(out_len, 4 + 4);
    expect_vcs_head(out + 4, 0, P_USP0);

    /* minimums of 1 */
    uint8_t zero_limit[] = {0, 0, 1, 0};
    assert_int_equal(run(CXF_OP_GET_VCS_INFO, zero_limit, sizeof(zero_limit)),
                     CXF_RC_INVALID_INPUT);
    uint8_t zero_vcs[] = {0, 4, 0};
    assert_int_equal(run(CXF_OP_GET_VCS_INFO, zero_vcs, sizeof(zero_vcs)), CXF_RC_INVALID_INPUT);
    /* an answer larger than the payload: 255 blocks of 20 bytes */
    uint8_t big[3 + 255] = {0, 16, 255};
    assert_int_equal(run(CXF_OP_GET_VCS_INFO, big, sizeof(big)), CXF_RC_INVALID_INPUT);
    assert_int_equal(out_len, 0);
    /* ...but 255 invalid ids (4 bytes each) fit */
    memset(big + 3, 9, 255);
    assert_int_equal(run(CXF_OP_GET_VCS_INFO, big, sizeof(big)), CXF_RC_SUCCESS);
    assert_int_equal(out_len, 4 + 255 * 4);
}

/* Program and commit a decoder on an LD, as a host's driver would. */
static void commit_decoder(struct cxf_ld *ld)
{
    struct cxf_hdm_prog p = {.base = 16 * GB, .size = UNIT, .ways = 1, .granularity = 256};
    assert_int_equal(cxf_hdm_program(&ld->hdm, 0, &p), 0);
    assert_int_equal(cxf_hdm_commit(&ld->hdm, 0), 0);
    assert_int_equal(cxf_hdm_committed_count(&ld->hdm), 1);
}

static void test_bind_unbind(void **state)
{
    (void)state;
    uint64_t gen = fab->generation;
    assert_int_equal(bind(0, 0, P_MLD, 1), CXF_RC_BG_STARTED);
    assert_int_equal(out_len, 0);
    assert_true(fab->generation > gen); /* cached translations are stale */
    const struct cxf_vppb *v = &fab->vcs[0].vppb[0];
    assert_int_equal(v->status, CXF_VPPB_BOUND_LD);
    assert_int_equal(v->port, P_MLD);
    assert_int_equal(v->ld, 1);
    expect_bg(CXF_OP_BIND_VPPB, CXF_RC_SUCCESS);

    /* unbinding resets the LD's decoders: the next host starts afresh */
    commit_decoder(&mld->ld[1]);
    gen = fab->generation;
    assert_int_equal(unbind(0, 0, 1), CXF_RC_BG_STARTED);
    assert_true(fab->generation > gen);
    assert_int_equal(v->status, CXF_VPPB_UNBOUND);
    assert_int_equal(cxf_hdm_committed_count(&mld->ld[1].hdm), 0);
    assert_false(mld->ld[1].hdm.dec[0].committed);
    expect_bg(CXF_OP_UNBIND_VPPB, CXF_RC_SUCCESS);

    /* an SLD binds with LD FFFFh; every unbind option works, reserved
     * bits [7:4] are ignored */
    static const uint8_t options[] = {0, 2, 0x11};
    for (size_t i = 0; i < sizeof(options); i++) {
        assert_int_equal(bind(1, 3, P_SLD, CXF_LD_FM_OWNED), CXF_RC_BG_STARTED);
        assert_int_equal(fab->vcs[1].vppb[3].status, CXF_VPPB_BOUND_PORT);
        assert_int_equal(unbind(1, 3, options[i]), CXF_RC_BG_STARTED);
        assert_int_equal(fab->vcs[1].vppb[3].status, CXF_VPPB_UNBOUND);
    }
    /* the same LD can now be bound by the other host */
    assert_int_equal(bind(1, 0, P_MLD, 1), CXF_RC_BG_STARTED);
    assert_int_equal(fab->vcs[1].vppb[0].ld, 1);
}

/* Bind and unbind change what a host reaches, not only the generation: a
 * route into the LD works while bound, fails after the unbind, and works
 * again after a rebind once a region is created afresh (the unbind reset
 * the LD's decoders, as a hot-remove does). */
static void test_bind_unbind_changes_routes(void **state)
{
    (void)state;
    struct cxf_err e;
    struct cxf_window w = {.base = 128 * GB, .size = 16 * GB, .ways = 1, .granularity = 4096,
                           .restrictions = CXF_WIN_VOLATILE};
    snprintf(w.name, sizeof(w.name), "h0-win");
    fx_must(cxf_fabric_add_window(fab, 0, &w, &e), &e); /* above the bridge window */
    const char *pool[] = {"pool0"};
    const unsigned ld1[] = {1};
    struct cxf_route rt;
    assert_int_equal(bind(0, 0, P_MLD, 1), CXF_RC_BG_STARTED);
    struct cxf_region *r = fx_region(fab, 0, pool, ld1, 1, 4096, GB, false);
    assert_int_equal(cxf_fabric_route(fab, 0, r->base + 8192, &rt), 0);
    assert_ptr_equal(rt.dev, mld);
    assert_int_equal(rt.ld, 1);
    assert_int_equal(rt.dpa, GB + 8192); /* LD 1 starts at device DPA 1 GiB */

    assert_int_equal(unbind(0, 0, 0), CXF_RC_BG_STARTED);
    assert_int_equal(cxf_fabric_route(fab, 0, r->base + 8192, &rt), -ENXIO);

    /* bound again: the old region's decoders are gone, so still no route */
    assert_int_equal(bind(0, 0, P_MLD, 1), CXF_RC_BG_STARTED);
    assert_true(cxf_fabric_route(fab, 0, r->base + 8192, &rt) < 0);
    assert_int_equal(cxf_region_destroy(fab, r, &e), 0);
    r = fx_region(fab, 0, pool, ld1, 1, 4096, GB, false);
    assert_int_equal(cxf_fabric_route(fab, 0, r->base + 8192, &rt), 0);
    assert_ptr_equal(rt.dev, mld);
    assert_int_equal(rt.dpa, GB + 8192);
}

static void expect_bind_fails(unsigned vcs, unsigned vppb, unsigned port, uint16_t ld)
{
    uint64_t gen = fab->generation;
    assert_int_equal(bind(vcs, vppb, port, ld), CXF_RC_INVALID_INPUT);
    assert_int_equal(out_len, 0);
    assert_int_equal(fab->generation, gen);
}

static void test_bind_unbind_errors(void **state)
{
    (void)state;
    assert_int_equal(bind(0, 0, P_MLD, 0), CXF_RC_BG_STARTED);
    expect_bind_fails(0, 0, P_MLD, 1);                /* vPPB already bound */
    expect_bind_fails(1, 0, P_MLD, 0);                /* LD bound elsewhere */
    expect_bind_fails(0, 1, P_MLD, 0);                /* ... or on this VCS */
    expect_bind_fails(0, 1, P_MLD, 4);                /* no LD 4 */
    expect_bind_fails(0, 1, P_MLD, CXF_LD_FM_OWNED);  /* the FM's LD is not bindable */
    expect_bind_fails(0, 1, P_SLD, 0);                /* SLD takes LD FFFFh only */
    expect_bind_fails(0, 1, P_USP1, CXF_LD_FM_OWNED); /* not a DSP */
    expect_bind_fails(0, 1, P_BRIDGE, CXF_LD_FM_OWNED);
    expect_bind_fails(0, 1, P_UNUSED, CXF_LD_FM_OWNED);
    expect_bind_fails(0, 1, 31, CXF_LD_FM_OWNED);
    expect_bind_fails(2, 0, P_SLD, CXF_LD_FM_OWNED);  /* no VCS 2 */
    expect_bind_fails(0, NVPPBS, P_SLD, CXF_LD_FM_OWNED); /* no vPPB 4 */
    /* a command that failed its checks started nothing */
    expect_bg(CXF_OP_BIND_VPPB, CXF_RC_SUCCESS);

    uint64_t gen = fab->generation;
    assert_int_equal(unbind(0, 1, 0), CXF_RC_INVALID_INPUT); /* not bound */
    assert_int_equal(unbind(2, 0, 0), CXF_RC_INVALID_INPUT);
    assert_int_equal(unbind(0, NVPPBS, 0), CXF_RC_INVALID_INPUT);
    assert_int_equal(unbind(0, 0, 3), CXF_RC_INVALID_INPUT); /* reserved options */
    assert_int_equal(unbind(0, 0, 0x0F), CXF_RC_INVALID_INPUT);
    assert_int_equal(fab->vcs[0].vppb[0].status, CXF_VPPB_BOUND_LD);
    assert_int_equal(fab->generation, gen);
    expect_bg(CXF_OP_BIND_VPPB, CXF_RC_SUCCESS);
}

/* ------------------------------------------------------ MLD component */

static void expect_alloc(const uint8_t *e, uint64_t r1_units, uint64_t r2_units)
{
    assert_int_equal(cxf_get_le64(e), r1_units);
    assert_int_equal(cxf_get_le64(e + 8), r2_units);
}

static void test_ld_info_and_allocations(void **state)
{
    (void)state;
    assert_int_equal(run_ld(P_MLD, CXF_OP_GET_LD_INFO, NULL, 0), CXF_RC_SUCCESS);
    assert_int_equal(out_len, 0x0B);
    assert_int_equal(cxf_get_le64(out), 4 * GB);
    assert_int_equal(cxf_get_le16(out + 8), 4);
    assert_int_equal(out[10], 0); /* no QoS telemetry */

    uint8_t in[2] = {0, 16};
    assert_int_equal(run_ld(P_MLD, CXF_OP_GET_LD_ALLOCATIONS, in, 2), CXF_RC_SUCCESS);
    assert_int_equal(out_len, 4 + 4 * 16);
    assert_int_equal(out[0], 4); /* LDs */
    assert_int_equal(out[1], 0); /* 256 MB granularity */
    assert_int_equal(out[2], 0);
    assert_int_equal(out[3], 4);
    for (int i = 0; i < 4; i++)
        expect_alloc(out + 4 + 16 * i, 4, 0); /* 1 GiB each */
    /* a window of the list */
    in[0] = 2, in[1] = 1;
    assert_int_equal(run_ld(P_MLD, CXF_OP_GET_LD_ALLOCATIONS, in, 2), CXF_RC_SUCCESS);
    assert_int_equal(out_len, 4 + 16);
    assert_int_equal(out[2], 2);
    assert_int_equal(out[3], 1);
    /* starting past the last LD: an empty list */
    static const uint8_t past[] = {4, 200};
    for (size_t i = 0; i < sizeof(past); i++) {
        in[0] = past[i], in[1] = 16;
        assert_int_equal(run_ld(P_MLD, CXF_OP_GET_LD_ALLOCATIONS, in, 2), CXF_RC_SUCCESS);
        assert_int_equal(out_len, 4);
        assert_int_equal(out[0], 4);
        assert_int_equal(out[2], past[i]);
        assert_int_equal(out[3], 0);
    }
    in[0] = 0, in[1] = 0; /* list limit below its minimum */
    assert_int_equal(run_ld(P_MLD, CXF_OP_GET_LD_ALLOCATIONS, in, 2), CXF_RC_INVALID_INPUT);
}

/* Set LD Allocations for LDs [start, start+n) with (range 1, range 2) units. */
static uint16_t set_alloc(unsigned start, unsigned n, const uint64_t units[][2])
{
    uint8_t in[4 + 16 * CXF_MAX_LDS] = {(uint8_t)n, (uint8_t)start};
    for (unsigned i = 0; i < n; i++) {
        cxf_put_le64(in + 4 + 16 * i, units[i][0]);
        cxf_put_le64(in + 12 + 16 * i, units[i][1]);
    }
    return run_ld(P_MLD, CXF_OP_SET_LD_ALLOCATIONS, in, 4 + 16 * n);
}

static void expect_range(unsigned ld, uint64_t base, uint64_t size, unsigned r)
{
    assert_int_equal(mld->ld[ld].range[r].base, base);
    assert_int_equal(mld->ld[ld].range[r].size, size);
}

static void test_set_ld_allocations(void **state)
{
    (void)state;
    /* LD0 shrinks in place; LD1 cannot grow in place (LD2 follows it), so it
     * moves to the lowest space that fits: right after LD0 */
    uint64_t gen = fab->generation;
    static const uint64_t a[2][2] = {{2, 0}, {6, 0}};
    assert_int_equal(set_alloc(0, 2, a), CXF_RC_SUCCESS);
    assert_int_equal(out_len, 4 + 32);
    assert_int_equal(out[0], 2);
    assert_int_equal(out[1], 0);
    assert_int_equal(out[2] | out[3], 0);
    expect_alloc(out + 4, 2, 0);
    expect_alloc(out + 20, 6, 0);
    assert_true(fab->generation > gen);
    expect_range(0, 0, 2 * UNIT, 0);
    expect_range(1, 2 * UNIT, 6 * UNIT, 0);
    expect_range(2, 8 * UNIT, 4 * UNIT, 0); /* untouched */
    assert_int_equal(cxf_ld_size(&mld->ld[1]), 6 * UNIT);
    assert_int_equal(mld->ld[1].hdm.dpa_capacity, 6 * UNIT);

    /* LD3 gives its memory back, then LD2 grows in place into it */
    static const uint64_t none[1][2] = {{0, 0}};
    assert_int_equal(set_alloc(3, 1, none), CXF_RC_SUCCESS);
    assert_int_equal(cxf_ld_size(&mld->ld[3]), 0);
    static const uint64_t grow[1][2] = {{8, 0}};
    assert_int_equal(set_alloc(2, 1, grow), CXF_RC_SUCCESS);
    expect_range(2, 8 * UNIT, 8 * UNIT, 0);

    /* the device is full; LD1 shrinks in place, and LD0's new range 2
     * goes to the space LD1 left */
    static const uint64_t shrink1[1][2] = {{4, 0}};
    assert_int_equal(set_alloc(1, 1, shrink1), CXF_RC_SUCCESS);
    static const uint64_t two[1][2] = {{2, 2}};
    assert_int_equal(set_alloc(0, 1, two), CXF_RC_SUCCESS);
    expect_range(0, 0, 2 * UNIT, 0);
    expect_range(0, 6 * UNIT, 2 * UNIT, 1);
    assert_int_equal(cxf_ld_size(&mld->ld[0]), 4 * UNIT);

    /* Get LD Allocations reports it all */
    uint8_t in[2] = {0, 16};
    assert_int_equal(run_ld(P_MLD, CXF_OP_GET_LD_ALLOCATIONS, in, 2), CXF_RC_SUCCESS);
    expect_alloc(out + 4, 2, 2);
    expect_alloc(out + 20, 4, 0);
    expect_alloc(out + 36, 8, 0);
    expect_alloc(out + 52, 0, 0);

    /* an LD-relative DPA in range 2 lands where the device put it */
    uint64_t dpa;
    assert_int_equal(cxf_dev_ld_dpa(mld, 0, 2 * UNIT, 64, &dpa), 0);
    assert_int_equal(dpa, 6 * UNIT);
}

static void snapshot(struct cxf_dpa_range r[CXF_MAX_LDS][2])
{
    for (unsigned i = 0; i < CXF_MAX_LDS; i++)
        memcpy(r[i], mld->ld[i].range, sizeof(r[i]));
}

/* The command fails with Invalid Input and nothing changes. */
static void expect_set_fails(unsigned start, unsigned n, const uint64_t units[][2])
{
    struct cxf_dpa_range before[CXF_MAX_LDS][2], after[CXF_MAX_LDS][2];
    uint64_t gen = fab->generation;
    snapshot(before);
    assert_int_equal(set_alloc(start, n, units), CXF_RC_INVALID_INPUT);
    assert_int_equal(out_len, 0);
    snapshot(after);
    assert_memory_equal(before, after, sizeof(before));
    assert_int_equal(fab->generation, gen);
}

static void test_set_ld_allocations_errors(void **state)
{
    (void)state;
    static const uint64_t huge[1][2] = {{17, 0}};       /* more than the device */
    static const uint64_t no_room[1][2] = {{12, 0}};    /* others hold 3 GiB */
    static const uint64_t r2_no_room[1][2] = {{4, 1}};
    static const uint64_t overflow[1][2] = {{UINT64_MAX, 0}};
    static const uint64_t all[4][2] = {{5, 0}, {5, 0}, {5, 0}, {1, 0}}; /* exactly 4 GiB */
    static const uint64_t too_much[4][2] = {{5, 0}, {5, 0}, {5, 0}, {2, 0}};
    expect_set_fails(0, 1, huge);
    expect_set_fails(0, 1, no_room);
    expect_set_fails(0, 1, r2_no_room);
    expect_set_fails(0, 1, overflow);
    expect_set_fails(0, 4, too_much);
    expect_set_fails(4, 1, huge);        /* no LD 4 */
    expect_set_fails(3, 2, all);         /* runs past the last LD */
    uint8_t zero[4] = {0};               /* at least one LD */
    assert_int_equal(run_ld(P_MLD, CXF_OP_SET_LD_ALLOCATIONS, zero, 4), CXF_RC_INVALID_INPUT);
    /* exactly the capacity fits, though not around LD3's old place (LD2
     * could not find 5 contiguous units): the LDs are repacked */
    assert_int_equal(set_alloc(0, 4, all), CXF_RC_SUCCESS);
    for (unsigned i = 0; i < 4; i++)
        expect_range(i, 5 * i * UNIT, all[i][0] * UNIT, 0);

    /* an LD whose host committed decoders cannot change under it: neither
     * resized nor moved; asking for what it has is fine */
    commit_decoder(&mld->ld[3]);
    static const uint64_t resize[1][2] = {{2, 0}};
    static const uint64_t same[1][2] = {{1, 0}};
    expect_set_fails(3, 1, resize);
    assert_int_equal(set_alloc(3, 1, same), CXF_RC_SUCCESS);
    expect_alloc(out + 4, 1, 0);
    static const uint64_t free3[3][2] = {{0, 0}, {0, 0}, {0, 0}};
    assert_int_equal(set_alloc(0, 3, free3), CXF_RC_SUCCESS);
    static const uint64_t split[1][2] = {{0, 1}}; /* same size, but a move */
    expect_set_fails(3, 1, split);
}

/* ---------------------------------------------------------- tunnelling */

/* A Tunnel Management request to `port` carrying a CCI request message. */
static size_t tunnel_req(uint8_t *t, uint8_t port, uint16_t op, uint8_t tag, const void *pl,
                         size_t plen)
{
    memset(t, 0, 16);
    t[0] = port;
    cxf_put_le16(t + 2, (uint16_t)(12 + plen));
    t[4 + 1] = tag;
    t[4 + 3] = (uint8_t)op;
    t[4 + 4] = (uint8_t)(op >> 8);
    cxf_put_le(t + 4 + 5, 3, plen);
    if (plen)
        memcpy(t + 16, pl, plen);
    return 16 + plen;
}

/* The CCI response message at out + 4. */
static const uint8_t *expect_tunnel_rsp(uint8_t tag, uint16_t op, uint16_t rc, size_t plen)
{
    const uint8_t *m = out + 4;
    assert_int_equal(out_len, 4 + 12 + plen);
    assert_int_equal(cxf_get_le16(out), 12 + plen);
    assert_int_equal(cxf_get_le16(out + 2), 0);
    assert_int_equal(m[0], 1); /* response */
    assert_int_equal(m[1], tag);
    assert_int_equal(m[2], 0);
    assert_int_equal(m[3] | m[4] << 8, op);
    assert_int_equal(cxf_get_le(m + 5, 3), plen);
    assert_int_equal(cxf_get_le16(m + 8), rc);
    assert_int_equal(cxf_get_le16(m + 10), 0);
    return m + 12;
}

static void test_tunnel(void **state)
{
    (void)state;
    uint8_t t[64];
    size_t n = tunnel_req(t, P_MLD, CXF_OP_GET_LD_INFO, 0x5A, NULL, 0);
    assert_int_equal(run(CXF_OP_TUNNEL_MANAGEMENT, t, n), CXF_RC_SUCCESS);
    const uint8_t *p = expect_tunnel_rsp(0x5A, CXF_OP_GET_LD_INFO, CXF_RC_SUCCESS, 0x0B);
    assert_int_equal(cxf_get_le64(p), 4 * GB);
    assert_int_equal(cxf_get_le16(p + 8), 4);
    assert_int_equal(p[10], 0);

    /* Set LD Allocations through the tunnel */
    uint8_t set[4 + 16] = {1, 3};
    cxf_put_le64(set + 4, 2);
    n = tunnel_req(t, P_MLD, CXF_OP_SET_LD_ALLOCATIONS, 7, set, sizeof(set));
    assert_int_equal(run(CXF_OP_TUNNEL_MANAGEMENT, t, n), CXF_RC_SUCCESS);
    p = expect_tunnel_rsp(7, CXF_OP_SET_LD_ALLOCATIONS, CXF_RC_SUCCESS, 20);
    assert_int_equal(p[0], 1);
    assert_int_equal(p[1], 3);
    expect_alloc(p + 4, 2, 0);
    assert_int_equal(cxf_ld_size(&mld->ld[3]), 2 * UNIT);

    /* the tunnel delivered it; the inner command's failure rides inside */
    uint8_t bad_limit[2] = {0, 0};
    n = tunnel_req(t, P_MLD, CXF_OP_GET_LD_ALLOCATIONS, 1, bad_limit, 2);
    assert_int_equal(run(CXF_OP_TUNNEL_MANAGEMENT, t, n), CXF_RC_SUCCESS);
    expect_tunnel_rsp(1, CXF_OP_GET_LD_ALLOCATIONS, CXF_RC_INVALID_INPUT, 0);
    n = tunnel_req(t, P_MLD, 0x5403, 2, NULL, 0);
    assert_int_equal(run(CXF_OP_TUNNEL_MANAGEMENT, t, n), CXF_RC_SUCCESS);
    expect_tunnel_rsp(2, 0x5403, CXF_RC_UNSUPPORTED, 0);
}

static void test_tunnel_errors(void **state)
{
    (void)state;
    uint8_t t[64];
    /* only an MLD port is a tunnel target */
    static const uint8_t not_mld[] = {P_SLD, P_USP0, P_UNUSED, P_BRIDGE, NPORTS, 0xFF};
    for (size_t i = 0; i < sizeof(not_mld); i++) {
        size_t n = tunnel_req(t, not_mld[i], CXF_OP_GET_LD_INFO, 0, NULL, 0);
        assert_int_equal(run(CXF_OP_TUNNEL_MANAGEMENT, t, n), CXF_RC_INVALID_INPUT);
    }
    size_t n = tunnel_req(t, P_MLD, CXF_OP_GET_LD_INFO, 0, NULL, 0);
    t[1] = 1; /* target type LD Pool CCI: not a switch's */
    assert_int_equal(run(CXF_OP_TUNNEL_MANAGEMENT, t, n), CXF_RC_INVALID_INPUT);
    t[1] = 0;
    t[4] = 1; /* a response is not a request */
    assert_int_equal(run(CXF_OP_TUNNEL_MANAGEMENT, t, n), CXF_RC_INVALID_INPUT);
    t[4] = 0;
    assert_int_equal(run(CXF_OP_TUNNEL_MANAGEMENT, t, n), CXF_RC_SUCCESS);

    /* sizes that disagree */
    uint8_t pl[2] = {0, 1};
    n = tunnel_req(t, P_MLD, CXF_OP_GET_LD_ALLOCATIONS, 0, pl, 2);
    assert_int_equal(run(CXF_OP_TUNNEL_MANAGEMENT, t, n - 1), CXF_RC_INVALID_PAYLOAD_LENGTH);
    assert_int_equal(run(CXF_OP_TUNNEL_MANAGEMENT, t, n + 1), CXF_RC_INVALID_PAYLOAD_LENGTH);
    cxf_put_le16(t + 2, 13); /* command size says 13, message is 14 */
    assert_int_equal(run(CXF_OP_TUNNEL_MANAGEMENT, t, n), CXF_RC_INVALID_PAYLOAD_LENGTH);
    cxf_put_le16(t + 2, 14);
    cxf_put_le(t + 9, 3, 3); /* header says 3 payload bytes, 2 came */
    assert_int_equal(run(CXF_OP_TUNNEL_MANAGEMENT, t, n), CXF_RC_INVALID_PAYLOAD_LENGTH);
    cxf_put_le(t + 9, 3, 2);
    assert_int_equal(run(CXF_OP_TUNNEL_MANAGEMENT, t, n), CXF_RC_SUCCESS);
    assert_int_equal(run(CXF_OP_TUNNEL_MANAGEMENT, t, 15), CXF_RC_INVALID_PAYLOAD_LENGTH);
    assert_int_equal(out_len, 0);
}

int main(void)
{
    /* every test gets a fresh fabric */
#define FM_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        FM_TEST(test_bg_status_before_any_operation),
        FM_TEST(test_command_tables),
        FM_TEST(test_unknown_opcode_and_lengths),
        FM_TEST(test_identify_switch),
        FM_TEST(test_port_state),
        FM_TEST(test_vcs_info),
        FM_TEST(test_bind_unbind),
        FM_TEST(test_bind_unbind_changes_routes),
        FM_TEST(test_bind_unbind_errors),
        FM_TEST(test_ld_info_and_allocations),
        FM_TEST(test_set_ld_allocations),
        FM_TEST(test_set_ld_allocations_errors),
        FM_TEST(test_tunnel),
        FM_TEST(test_tunnel_errors),
    };
    return cmocka_run_group_tests_name("fmapi", tests, NULL, NULL);
}
