/*
 * fabric/config.c - the fabric's JSON configuration: the schema as tables
 * for the walker (config_walk.c) and the steps that build the fabric from
 * what was read. docs/config.md describes the schema for users.
 *
 * Each host, device, binding and region is built as soon as its object has
 * been read, so a building block's complaint is reported under that object's
 * key path. The top-level table is ordered so that what others depend on
 * exists first: timing before hosts (hosts copy the DRAM latency), hosts and
 * devices before the address map is laid out, that before bindings and
 * regions.
 */
#include "config_priv.h"
#include "sim/calibration.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CONFIG_MAX (1u << 20) /* config text larger than this is refused */
#define NO_PORT    UINT32_MAX /* "switch-port" not given: unconnected */
#define MAX_PORT   0xffffu    /* larger port numbers are surely typos */
#define MAX_BYTES  (1ull << 50)

const struct cxf_cfg_choice cxf_cfg_window_types[] = {
    {"volatile", CXF_WIN_VOLATILE},   {"persistent", CXF_WIN_PERSISTENT},
    {"host-only", CXF_WIN_HOST_ONLY}, {"fixed", CXF_WIN_FIXED},
    {NULL, 0},
};

/* ------------------------------------------------------ what is read */

struct rp_cfg {
    unsigned port, width, vppbs;
};

struct hb_cfg {
    unsigned decoders, nrps;
    struct rp_cfg rp[CXF_MAX_RPS];
};

struct bridge_cfg {
    unsigned port, width;
    uint64_t export_offset, export_size, window_base;
};

struct host_cfg {
    const char *name;
    uint64_t dram;
    unsigned nhbs, nwindows;
    struct hb_cfg hb[CXF_MAX_HBS];
    struct cxf_window win[CXF_MAX_WINDOWS];
    struct bridge_cfg bridge;
};

struct dev_cfg {
    struct cxf_dev_config dc;
    unsigned port, width;
};

struct bind_cfg {
    const char *host, *device;
    unsigned vcs, vppb, ld;
};

struct target_cfg {
    const char *device;
    unsigned ld;
};

struct region_cfg {
    const char *host;
    struct cxf_region_req req;
};

/* --------------------------------------------------------- defaults */

static void init_rp(void *elem, unsigned idx)
{
    (void)idx;
    *(struct rp_cfg *)elem = (struct rp_cfg){.port = NO_PORT, .width = CXF_CAL_HOST_LINK_WIDTH,
                                              .vppbs = 4};
}

static void init_hb(void *elem, unsigned idx)
{
    struct hb_cfg *hb = elem;
    hb->decoders = 4;
    hb->nrps = 1;
    init_rp(&hb->rp[0], 0);
    (void)idx;
}

static void init_window(void *elem, unsigned idx)
{
    struct cxf_window *w = elem;
    w->granularity = 256;
    w->restrictions = CXF_WIN_VOLATILE;
    (void)idx;
}

static void init_host(void *elem, unsigned idx)
{
    struct host_cfg *h = elem;
    h->nhbs = 1;
    init_hb(&h->hb[0], 0);
    h->bridge = (struct bridge_cfg){.port = NO_PORT, .width = CXF_CAL_HOST_LINK_WIDTH,
                                    .export_size = UINT64_MAX};
    (void)idx;
}

static void init_device(void *elem, unsigned idx)
{
    struct dev_cfg *d = elem;
    cxf_dev_config_default(&d->dc);
    d->dc.volatile_bytes = 0;    /* capacity must be given */
    d->dc.serial = 0x1000 + idx; /* distinct serials, as real devices have */
    d->width = CXF_CAL_DEVICE_LINK_WIDTH;
}

static void init_binding(void *elem, unsigned idx)
{
    ((struct bind_cfg *)elem)->ld = CXF_LD_FM_OWNED; /* an SLD binds without an LD */
    (void)idx;
}

/* ---------------------------------------------------------- building */

/* The result of a building block for the object at the key path pushed
 * since `mark`: on failure its message gets that path, else the path pops. */
static int built(struct cxf_cfg *c, int rc, size_t mark)
{
    if (rc < 0)
        return cxf_cfg_prefix(c, rc);
    cxf_cfg_pop(c, mark);
    return 0;
}

static size_t push_elem(struct cxf_cfg *c, const char *key, unsigned i)
{
    size_t mark = cxf_cfg_push_key(c, key);
    cxf_cfg_push_index(c, i);
    return mark;
}

static int build_root_ports(struct cxf_cfg *c, unsigned host, unsigned hb, const struct hb_cfg *h)
{
    int rc = 0;
    for (unsigned i = 0; i < h->nrps && !rc; i++) {
        const struct rp_cfg *rp = &h->rp[i];
        if (rp->port == NO_PORT)
            continue;
        size_t mark = push_elem(c, "root-ports", i);
        rc = built(c, cxf_fabric_add_usp(c->f, host, hb, i, rp->port, rp->width, rp->vppbs, c->e),
                   mark);
    }
    return rc;
}

static int build_hbs(struct cxf_cfg *c, unsigned host, const struct host_cfg *h)
{
    for (unsigned i = 0; i < h->nhbs; i++) {
        size_t mark = push_elem(c, "host-bridges", i);
        int rc = cxf_fabric_add_hb(c->f, host, h->hb[i].nrps, h->hb[i].decoders, c->e);
        if (rc < 0)
            return cxf_cfg_prefix(c, rc);
        if ((rc = build_root_ports(c, host, i, &h->hb[i])))
            return rc;
        cxf_cfg_pop(c, mark);
    }
    return 0;
}

static int build_windows(struct cxf_cfg *c, unsigned host, const struct host_cfg *h)
{
    int rc = 0;
    for (unsigned i = 0; i < h->nwindows && !rc; i++) {
        size_t mark = push_elem(c, "windows", i);
        rc = built(c, cxf_fabric_add_window(c->f, host, &h->win[i], c->e), mark);
    }
    return rc;
}

static int build_bridge(struct cxf_cfg *c, unsigned host, const struct host_cfg *h)
{
    const struct bridge_cfg *b = &h->bridge;
    if (b->port == NO_PORT)
        return 0;
    /* export-size defaults to the rest of the DRAM */
    uint64_t size = b->export_size != UINT64_MAX ? b->export_size
                    : b->export_offset < h->dram ? h->dram - b->export_offset : 0;
    size_t mark = cxf_cfg_push_key(c, "bridge");
    return built(c, cxf_fabric_add_bridge(c->f, host, b->port, b->width, b->export_offset, size,
                                          b->window_base, c->e), mark);
}

static int add_host(struct cxf_cfg *c, void *parent, void *elem, unsigned idx)
{
    const struct host_cfg *h = elem;
    (void)parent, (void)idx;
    int host = cxf_fabric_add_host(c->f, h->name, h->dram, c->e);
    if (host < 0)
        return cxf_cfg_prefix(c, host);
    int rc = build_hbs(c, (unsigned)host, h);
    if (!rc)
        rc = build_windows(c, (unsigned)host, h);
    if (!rc)
        rc = build_bridge(c, (unsigned)host, h);
    return rc;
}

static int add_device(struct cxf_cfg *c, void *parent, void *elem, unsigned idx)
{
    const struct dev_cfg *d = elem;
    (void)parent, (void)idx;
    return built(c, cxf_fabric_add_device(c->f, d->port, &d->dc, d->width, c->e), c->len);
}

static int find_host(struct cxf_cfg *c, const char *name)
{
    char q[48];
    int host = cxf_fabric_host_by_name(c->f, name);
    if (host < 0)
        return cxf_cfg_fail(c, -ENOENT, "host \"%s\" does not exist", cxf_cfg_quote(name, q));
    return host;
}

static int find_device_port(struct cxf_cfg *c, const char *name)
{
    char q[48];
    int dev = cxf_fabric_dev_by_name(c->f, name);
    if (dev < 0)
        return cxf_cfg_fail(c, -ENOENT, "device \"%s\" does not exist", cxf_cfg_quote(name, q));
    return cxf_fabric_dev_port(c->f, c->f->dev[dev]);
}

/* Bind vPPB answers only Invalid Input; say which rule was broken. */
static int bind_failed(struct cxf_cfg *c, const struct bind_cfg *b, const struct cxf_vcs *v,
                       unsigned port, uint16_t rc)
{
    const struct cxf_dev *d = c->f->port[port].dev;
    unsigned ovcs, ovppb;
    if (b->vppb >= v->nvppbs)
        return cxf_cfg_fail(c, -EINVAL, "vppb %u: host %s's virtual switch has vPPBs 0-%u", b->vppb,
                            b->host, v->nvppbs - 1);
    if (d->mld && b->ld >= d->num_lds)
        return cxf_cfg_fail(c, -EINVAL, "device %s is an MLD: give \"ld\" 0-%u", d->name,
                            d->num_lds - 1);
    if (!d->mld && b->ld != CXF_LD_FM_OWNED)
        return cxf_cfg_fail(c, -EINVAL, "device %s is a single logical device: omit \"ld\"",
                            d->name);
    if (v->vppb[b->vppb].status != CXF_VPPB_UNBOUND)
        return cxf_cfg_fail(c, -EBUSY, "vppb %u of host %s is already bound", b->vppb, b->host);
    if (!cxf_fabric_ld_binding(c->f, port, (uint16_t)b->ld, &ovcs, &ovppb))
        return cxf_cfg_fail(c, -EBUSY, "device %s is already bound to host %s vppb %u", d->name,
                            c->f->host[c->f->vcs[ovcs].host].name, ovppb);
    return cxf_cfg_fail(c, -EINVAL, "bind failed: %s", cxf_mbox_rc_name(rc));
}

static int add_binding(struct cxf_cfg *c, void *parent, void *elem, unsigned idx)
{
    const struct bind_cfg *b = elem;
    (void)parent, (void)idx;
    int host = find_host(c, b->host);
    if (host < 0)
        return host;
    struct cxf_vcs *v = cxf_fabric_host_vcs(c->f, (unsigned)host, b->vcs);
    if (!v)
        return cxf_cfg_fail(c, -ENOENT, "host %s has no virtual switch %u (connect a root port "
                            "to the switch)", b->host, b->vcs);
    int port = find_device_port(c, b->device);
    if (port < 0)
        return port;
    uint16_t rc = cxf_fabric_bind(c->f, v->id, b->vppb, (unsigned)port, (uint16_t)b->ld);
    return rc == CXF_RC_SUCCESS ? 0 : bind_failed(c, b, v, (unsigned)port, rc);
}

static int add_target(struct cxf_cfg *c, void *parent, void *elem, unsigned idx)
{
    struct cxf_region_req *req = &((struct region_cfg *)parent)->req;
    const struct target_cfg *t = elem;
    (void)c;
    req->target[idx].dev = t->device;
    req->target[idx].ld = t->ld;
    req->ntargets = idx + 1;
    return 0;
}

static int add_region(struct cxf_cfg *c, void *parent, void *elem, unsigned idx)
{
    struct region_cfg *r = elem;
    (void)parent, (void)idx;
    int host = find_host(c, r->host);
    if (host < 0)
        return host;
    r->req.host = (unsigned)host;
    return built(c, cxf_region_create(c->f, &r->req, NULL, c->e), c->len);
}

/* Every root port that connects gets a USP with this many decoders, and
 * cxf_fabric_add_usp takes the count as given: check it here. */
static int read_usp_decoders(struct cxf_cfg *c, const struct cxf_cfg_field *fd,
                             struct json_object *v, void *dst)
{
    int rc = cxf_cfg_uint(c, fd, v, dst);
    if (!rc && !cxf_hdm_count_valid(CXF_HDM_PORT, c->f->usp_decoders))
        return cxf_cfg_fail(c, -EINVAL, "%u is not a decoder count (1, 2, 4, 6, 8, 10, 12, 14, 16, "
                            "20, 24, 28 or 32)", c->f->usp_decoders);
    return rc;
}

/* The window's targets (host bridge ids) also give its interleave ways. */
static int read_targets(struct cxf_cfg *c, const struct cxf_cfg_field *fd,
                        struct json_object *v, void *dst)
{
    struct cxf_window *w = dst;
    (void)fd;
    if (!json_object_is_type(v, json_type_array) || json_object_array_length(v) == 0 ||
        json_object_array_length(v) > sizeof(w->targets))
        return cxf_cfg_fail(c, -EINVAL, "expected an array of 1 to %zu host bridge numbers",
                            sizeof(w->targets));
    w->ways = (unsigned)json_object_array_length(v);
    for (unsigned i = 0; i < w->ways; i++) {
        uint64_t hb;
        size_t mark = cxf_cfg_push_index(c, i);
        int rc = cxf_cfg_read_u64(c, json_object_array_get_idx(v, i), UINT8_MAX, "a number", &hb);
        if (rc)
            return rc;
        cxf_cfg_pop(c, mark);
        w->targets[i] = (uint8_t)hb;
    }
    return 0;
}

/* A step in the top-level table: every host, bridge and device exists now. */
static int finish_topology(struct cxf_cfg *c, const struct cxf_cfg_field *fd,
                           struct json_object *v, void *dst)
{
    (void)fd, (void)v, (void)dst;
    int rc = cxf_fabric_finish(c->f, c->e);
    if (rc < 0) {
        /* the address map is checked for all hosts at once */
        cxf_cfg_push_key(c, "hosts");
        cxf_cfg_prefix(c, rc);
    }
    return rc;
}

/* ------------------------------------------------------------- schema */

#define END {0}

static const struct cxf_cfg_field rp_fields[] = {
    {"switch-port", cxf_cfg_uint, CXF_CFG_AT(struct rp_cfg, port), .max = MAX_PORT},
    {"width", cxf_cfg_uint, CXF_CFG_AT(struct rp_cfg, width)},
    {"vppbs", cxf_cfg_uint, CXF_CFG_AT(struct rp_cfg, vppbs)},
    END,
};

static const struct cxf_cfg_list rp_list = {
    .fields = rp_fields, .elem_size = sizeof(struct rp_cfg), .max = CXF_MAX_RPS,
    .init = init_rp, .count_off = offsetof(struct hb_cfg, nrps),
};

static const struct cxf_cfg_field hb_fields[] = {
    {"decoders", cxf_cfg_uint, CXF_CFG_AT(struct hb_cfg, decoders)},
    {"root-ports", cxf_cfg_array, CXF_CFG_AT(struct hb_cfg, rp), .aux = &rp_list},
    END,
};

static const struct cxf_cfg_field window_fields[] = {
    {"name", cxf_cfg_name, CXF_CFG_AT(struct cxf_window, name), .required = true},
    {"base", cxf_cfg_size, CXF_CFG_AT(struct cxf_window, base), .required = true},
    {"size", cxf_cfg_size, CXF_CFG_AT(struct cxf_window, size), .required = true},
    {"targets", read_targets, .required = true},
    {"granularity", cxf_cfg_size, CXF_CFG_AT(struct cxf_window, granularity)},
    {"types", cxf_cfg_flags, CXF_CFG_AT(struct cxf_window, restrictions),
     .aux = cxf_cfg_window_types},
    END,
};

static const struct cxf_cfg_field bridge_fields[] = {
    {"switch-port", cxf_cfg_uint, CXF_CFG_AT(struct bridge_cfg, port), .max = MAX_PORT,
     .required = true},
    {"width", cxf_cfg_uint, CXF_CFG_AT(struct bridge_cfg, width)},
    {"export-offset", cxf_cfg_size, CXF_CFG_AT(struct bridge_cfg, export_offset)},
    {"export-size", cxf_cfg_size, CXF_CFG_AT(struct bridge_cfg, export_size), .max = MAX_BYTES},
    {"window-base", cxf_cfg_size, CXF_CFG_AT(struct bridge_cfg, window_base), .required = true},
    END,
};

static const struct cxf_cfg_list hb_list = {
    .fields = hb_fields, .elem_size = sizeof(struct hb_cfg), .max = CXF_MAX_HBS,
    .init = init_hb, .count_off = offsetof(struct host_cfg, nhbs),
};

static const struct cxf_cfg_list window_list = {
    .fields = window_fields, .elem_size = sizeof(struct cxf_window), .max = CXF_MAX_WINDOWS,
    .init = init_window, .count_off = offsetof(struct host_cfg, nwindows),
};

static const struct cxf_cfg_field host_fields[] = {
    {"name", cxf_cfg_string, CXF_CFG_AT(struct host_cfg, name), .required = true},
    {"dram", cxf_cfg_size, CXF_CFG_AT(struct host_cfg, dram), .max = MAX_BYTES, .required = true},
    {"host-bridges", cxf_cfg_array, CXF_CFG_AT(struct host_cfg, hb), .aux = &hb_list},
    {"windows", cxf_cfg_array, CXF_CFG_AT(struct host_cfg, win), .aux = &window_list},
    {"bridge", cxf_cfg_object, CXF_CFG_AT(struct host_cfg, bridge), .aux = bridge_fields},
    END,
};

static const struct cxf_cfg_field media_fields[] = {
    {"read-ns", cxf_cfg_uint, CXF_CFG_AT(struct cxf_media_timing, read_ns)},
    {"write-ns", cxf_cfg_uint, CXF_CFG_AT(struct cxf_media_timing, write_ns)},
    {"bandwidth", cxf_cfg_size, CXF_CFG_AT(struct cxf_media_timing, bandwidth)},
    END,
};

static const struct cxf_cfg_field dev_fields[] = {
    {"name", cxf_cfg_string, CXF_CFG_AT(struct dev_cfg, dc.name), .required = true},
    {"switch-port", cxf_cfg_uint, CXF_CFG_AT(struct dev_cfg, port), .max = MAX_PORT,
     .required = true},
    {"width", cxf_cfg_uint, CXF_CFG_AT(struct dev_cfg, width)},
    {"volatile", cxf_cfg_size, CXF_CFG_AT(struct dev_cfg, dc.volatile_bytes), .max = MAX_BYTES},
    {"persistent", cxf_cfg_size, CXF_CFG_AT(struct dev_cfg, dc.persistent_bytes), .max = MAX_BYTES},
    {"lds", cxf_cfg_uint, CXF_CFG_AT(struct dev_cfg, dc.lds)},
    {"decoders", cxf_cfg_uint, CXF_CFG_AT(struct dev_cfg, dc.decoders)},
    {"lsa", cxf_cfg_size, CXF_CFG_AT(struct dev_cfg, dc.lsa_bytes)},
    {"backing", cxf_cfg_string, CXF_CFG_AT(struct dev_cfg, dc.backing_path)},
    {"serial", cxf_cfg_uint, CXF_CFG_AT(struct dev_cfg, dc.serial)},
    {"timing", cxf_cfg_object, CXF_CFG_AT(struct dev_cfg, dc.timing), .aux = media_fields},
    END,
};

static const struct cxf_cfg_field bind_fields[] = {
    {"host", cxf_cfg_string, CXF_CFG_AT(struct bind_cfg, host), .required = true},
    {"vcs", cxf_cfg_uint, CXF_CFG_AT(struct bind_cfg, vcs)},
    {"vppb", cxf_cfg_uint, CXF_CFG_AT(struct bind_cfg, vppb), .required = true},
    {"device", cxf_cfg_string, CXF_CFG_AT(struct bind_cfg, device), .required = true},
    {"ld", cxf_cfg_uint, CXF_CFG_AT(struct bind_cfg, ld), .max = CXF_MAX_LDS - 1},
    END,
};

static const struct cxf_cfg_field target_fields[] = {
    {"device", cxf_cfg_string, CXF_CFG_AT(struct target_cfg, device), .required = true},
    {"ld", cxf_cfg_uint, CXF_CFG_AT(struct target_cfg, ld), .max = CXF_MAX_LDS - 1},
    END,
};

static const struct cxf_cfg_list target_list = {
    .fields = target_fields, .elem_size = sizeof(struct target_cfg), .min = 1, .max = 16,
    .add = add_target,
};

static const struct cxf_cfg_choice region_types[] = {
    {"volatile", 0}, {"persistent", 1}, {NULL, 0},
};

static const struct cxf_cfg_field region_fields[] = {
    {"host", cxf_cfg_string, CXF_CFG_AT(struct region_cfg, host), .required = true},
    {"window", cxf_cfg_string, CXF_CFG_AT(struct region_cfg, req.window)},
    {"type", cxf_cfg_enum, CXF_CFG_AT(struct region_cfg, req.persistent), .aux = region_types},
    {"granularity", cxf_cfg_size, CXF_CFG_AT(struct region_cfg, req.granularity)},
    {"size", cxf_cfg_size, CXF_CFG_AT(struct region_cfg, req.size), .max = MAX_BYTES},
    {"targets", cxf_cfg_array, .aux = &target_list, .required = true},
    END,
};

static const struct cxf_cfg_field switch_fields[] = {
    {"name", cxf_cfg_name, CXF_CFG_AT(struct cxf_fabric, switch_name)},
    {"usp-decoders", read_usp_decoders, CXF_CFG_AT(struct cxf_fabric, usp_decoders)},
    END,
};

static const struct cxf_cfg_field timing_fields[] = {
    {"host-port-ns", cxf_cfg_uint, CXF_CFG_AT(struct cxf_timing, host_port_ns)},
    {"switch-ns", cxf_cfg_uint, CXF_CFG_AT(struct cxf_timing, switch_ns)},
    {"device-port-ns", cxf_cfg_uint, CXF_CFG_AT(struct cxf_timing, device_port_ns)},
    {"bridge-ns", cxf_cfg_uint, CXF_CFG_AT(struct cxf_timing, bridge_ns)},
    {"dram-ns", cxf_cfg_uint, CXF_CFG_AT(struct cxf_timing, dram_ns)},
    {"dram-bandwidth", cxf_cfg_size, CXF_CFG_AT(struct cxf_timing, dram_bandwidth)},
    {"link-flight-ns", cxf_cfg_uint, CXF_CFG_AT(struct cxf_timing, link_flight_ns)},
    {"header-bytes", cxf_cfg_uint, CXF_CFG_AT(struct cxf_timing, header_bytes)},
    {"flit-efficiency", cxf_cfg_fraction, CXF_CFG_AT(struct cxf_timing, flit_efficiency)},
    END,
};

static const struct cxf_cfg_list host_list = {
    .fields = host_fields, .elem_size = sizeof(struct host_cfg), .min = 1, .max = CXF_MAX_HOSTS,
    .init = init_host, .add = add_host,
};
static const struct cxf_cfg_list dev_list = {
    .fields = dev_fields, .elem_size = sizeof(struct dev_cfg), .max = CXF_MAX_DEVICES,
    .init = init_device, .add = add_device,
};
static const struct cxf_cfg_list bind_list = {
    .fields = bind_fields, .elem_size = sizeof(struct bind_cfg),
    .max = CXF_MAX_HOSTS * CXF_MAX_VPPBS, .init = init_binding, .add = add_binding,
};
static const struct cxf_cfg_list region_list = {
    .fields = region_fields, .elem_size = sizeof(struct region_cfg), .max = CXF_MAX_REGIONS,
    .add = add_region,
};

/* In build order (see the top of this file). */
static const struct cxf_cfg_field top_fields[] = {
    {"switch", cxf_cfg_object, .aux = switch_fields},
    {"timing", cxf_cfg_object, CXF_CFG_AT(struct cxf_fabric, timing), .aux = timing_fields},
    {"hosts", cxf_cfg_array, .aux = &host_list, .required = true},
    {"devices", cxf_cfg_array, .aux = &dev_list},
    {.read = finish_topology},
    {"bindings", cxf_cfg_array, .aux = &bind_list},
    {"regions", cxf_cfg_array, .aux = &region_list},
    END,
};

/* -------------------------------------------------------- entry points */

static void line_col(const char *text, size_t off, unsigned *line, unsigned *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off && text[i]; i++, (*col)++)
        if (text[i] == '\n')
            *line += 1, *col = 0;
}

static bool blank(const char *s)
{
    return s[strspn(s, " \t\r\n")] == '\0';
}

/* Standard JSON only (strict: no comments or trailing commas), nesting
 * limited to json-c's default depth so hostile input cannot exhaust the
 * stack. */
static int parse_text(const char *text, struct json_object **out, struct cxf_err *e)
{
    size_t len = strnlen(text, CONFIG_MAX + 1);
    if (len > CONFIG_MAX)
        return cxf_fail(e, -EFBIG, "configuration larger than 1 MiB");
    if (blank(text))
        return cxf_fail(e, -EINVAL, "the configuration is empty");
    struct json_tokener *tok = json_tokener_new_ex(JSON_TOKENER_DEFAULT_DEPTH);
    if (!tok)
        return cxf_fail(e, -ENOMEM, "out of memory");
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    /* the length includes the NUL: it ends a top-level number or literal */
    struct json_object *root = json_tokener_parse_ex(tok, text, (int)len + 1);
    enum json_tokener_error err = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    unsigned line, col;
    line_col(text, end, &line, &col);
    int rc = 0;
    if (err == json_tokener_error_depth)
        rc = cxf_fail(e, -EINVAL, "not valid JSON: too deeply nested (more than %d levels)",
                      JSON_TOKENER_DEFAULT_DEPTH);
    else if (err == json_tokener_continue || err == json_tokener_error_parse_eof)
        rc = cxf_fail(e, -EINVAL, "not valid JSON: the text ends in the middle of a value");
    else if (err != json_tokener_success)
        rc = cxf_fail(e, -EINVAL, "not valid JSON at line %u, column %u: %s", line, col,
                      json_tokener_error_desc(err));
    else if (!json_object_is_type(root, json_type_object))
        rc = cxf_fail(e, -EINVAL, "the top level must be an object, not %s",
                      json_type_to_name(json_object_get_type(root)));
    if (rc)
        json_object_put(root);
    else
        *out = root;
    return rc;
}

int cxf_fabric_from_json(struct cxf_fabric **out, const char *json, struct cxf_err *e)
{
    struct cxf_err local;
    struct json_object *root = NULL;
    if (!e)
        e = &local;
    *out = NULL;
    int rc = parse_text(json, &root, e);
    if (rc)
        return rc;
    struct cxf_cfg c = {.f = cxf_fabric_new(), .e = e};
    rc = c.f ? cxf_cfg_walk(&c, root, top_fields, c.f) : cxf_fail(e, -ENOMEM, "out of memory");
    json_object_put(root);
    if (rc) {
        cxf_fabric_free(c.f);
        return rc;
    }
    *out = c.f;
    return 0;
}

/* The whole file as a string, up to CONFIG_MAX bytes. Read in a loop rather
 * than trusting st_size, so pipes and /proc files work too. */
int cxf_config_read(const char *path, char **out, struct cxf_err *e)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return cxf_fail(e, -errno, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        return cxf_fail(e, -EISDIR, "%s: is a directory, not a configuration file", path);
    }
    char *buf = malloc(CONFIG_MAX + 2);
    size_t n = 0;
    ssize_t got = 1;
    while (buf && n <= CONFIG_MAX && (got = read(fd, buf + n, CONFIG_MAX + 1 - n)) > 0)
        n += (size_t)got;
    int err = errno;
    close(fd);
    int rc = !buf ? cxf_fail(e, -ENOMEM, "out of memory")
             : got < 0 ? cxf_fail(e, -err, "%s: %s", path, strerror(err))
             : n > CONFIG_MAX ? cxf_fail(e, -EFBIG, "%s: larger than 1 MiB; is it the right file?",
                                         path)
             : memchr(buf, '\0', n) ? cxf_fail(e, -EINVAL, "%s: contains NUL bytes; not a JSON "
                                               "text file", path)
             : 0;
    if (rc) {
        free(buf);
        return rc;
    }
    buf[n] = '\0';
    *out = buf;
    return 0;
}

int cxf_fabric_from_file(struct cxf_fabric **out, const char *path, struct cxf_err *e)
{
    struct cxf_err local;
    char *text = NULL;
    if (!e)
        e = &local;
    *out = NULL;
    int rc = cxf_config_read(path, &text, e);
    if (rc)
        return rc;
    rc = cxf_fabric_from_json(out, text, e);
    free(text);
    if (rc)
        cxf_cfg_err_prefix(e, path);
    return rc;
}
