/*
 * cxl-fabric fm - the fabric manager API (CXL 3.0 7.6.7) of the daemon's
 * switch: identify, ports, vcs, bind, unbind, ld-info, ld-alloc,
 * set-ld-alloc. The daemon encodes each into the spec's payload and runs it
 * through the switch's FM-API command interface (docs/fabric-manager.md).
 */
#include "fabric_cli.h"
#include "sim/parse.h"
#include "tools/common/render.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#define LD_GRANULE (256ull << 20) /* LD ranges are counted in 256 MB (Table 7-46) */

/* ------------------------------------------------------- list values */

typedef int (*item_fn)(struct cxf_cmdline *cl, const struct cxf_opt *o, char *item,
                       struct json_object *arr);

/* A comma-separated value, each item parsed by `item` into an array. */
static int each_item(struct cxf_cmdline *cl, const struct cxf_opt *o, const char *value,
                     item_fn item, size_t max)
{
    char *copy = strdup(value), *rest = copy, *tok;
    struct json_object *arr = json_object_new_array();
    int rc = copy ? 0 : cxf_cmdline_error(cl, "out of memory");
    while (!rc && (tok = strsep(&rest, ",")))
        rc = item(cl, o, tok, arr);
    if (!rc && cxf_jlen(arr) > max)
        rc = cxf_cmdline_error(cl, "--%s: at most %zu items", o->name, max);
    free(copy);
    if (rc) {
        json_object_put(arr);
        return rc;
    }
    return cxf_cmdline_set(cl, o, arr);
}

static int id_item(struct cxf_cmdline *cl, const struct cxf_opt *o, char *item,
                   struct json_object *arr)
{
    uint64_t id = 0;
    if (cxf_parse_u64(item, false, &id) || id > 255)
        return cxf_cmdline_error(cl, "--%s: '%.20s' is not an id from 0 to 255", o->name, item);
    json_object_array_add(arr, json_object_new_int((int)id));
    return 0;
}

static int id_list(struct cxf_cmdline *cl, const struct cxf_opt *o, const char *value)
{
    return each_item(cl, o, value, id_item, 127);
}

static int ld_range(struct cxf_cmdline *cl, const char *s, struct json_object *ld,
                    const char *key)
{
    uint64_t n = 0;
    if (cxf_parse_u64(s, true, &n) || n % LD_GRANULE)
        return cxf_cmdline_error(cl, "--lds: '%.20s' is not a size that is a multiple of 256M", s);
    json_object_object_add(ld, key, json_object_new_uint64(n));
    return 0;
}

/* "RANGE1[:RANGE2]" -> {"range1", "range2"} */
static int ld_item(struct cxf_cmdline *cl, const struct cxf_opt *o, char *item,
                   struct json_object *arr)
{
    (void)o;
    struct json_object *ld = json_object_new_object();
    char *r2 = strchr(item, ':');
    if (r2)
        *r2++ = '\0';
    int rc = ld_range(cl, item, ld, "range1");
    if (!rc)
        rc = ld_range(cl, r2 ? r2 : "0", ld, "range2");
    if (rc) {
        json_object_put(ld);
        return rc;
    }
    json_object_array_add(arr, ld);
    return 0;
}

static int ld_list(struct cxf_cmdline *cl, const struct cxf_opt *o, const char *value)
{
    return each_item(cl, o, value, ld_item, 16);
}

/* ------------------------------------------------------------- shows */

static const struct cxf_field identify_fields[] = {
    {"ingress port", "ingress_port", CXF_F_TEXT},
    {"ports", "num_ports", CXF_F_TEXT},
    {"active ports", "active_ports", CXF_F_IDS},
    {"virtual switches", "num_vcs", CXF_F_TEXT},
    {"active VCSs", "active_vcs", CXF_F_IDS},
    {"vPPBs", "total_vppbs", CXF_F_TEXT},
    {"bound vPPBs", "bound_vppbs", CXF_F_TEXT},
    {"USP HDM decoders", "usp_hdm_decoders", CXF_F_TEXT},
    {"port", "port", CXF_F_TEXT},
    {"memory size", "memory_size", CXF_F_SIZE},
    {"LDs", "ld_count", CXF_F_TEXT},
    {"QoS telemetry", "qos_telemetry", CXF_F_TEXT},
    {NULL, NULL, CXF_F_TEXT},
};

/* identify and ld-info: the fields each answer has */
static void show_fields(struct cxf_cmdline *cl, struct json_object *r)
{
    (void)cl;
    cxf_fields_print(r, identify_fields);
}

static void show_ports(struct cxf_cmdline *cl, struct json_object *r)
{
    (void)cl;
    static const char *const head[] = {"PORT", "STATE", "DEVICE", "WIDTH", "GEN", "LTSSM",
                                       "LDS", NULL};
    struct cxf_table t;
    struct json_object *ports = cxf_jget(r, "ports");
    cxf_table_init(&t, "Physical ports", head);
    for (size_t i = 0; i < cxf_jlen(ports); i++) {
        struct json_object *p = json_object_array_get_idx(ports, i);
        cxf_table_add(&t, "%s", cxf_jstr(p, "port"));
        cxf_table_add(&t, "%s", cxf_jstr(p, "state"));
        cxf_table_add(&t, "%s", cxf_jstr(p, "device"));
        cxf_table_add(&t, "x%s of x%s", cxf_jstr(p, "width"), cxf_jstr(p, "max_width"));
        cxf_table_add(&t, "%s of %s", cxf_jstr(p, "gen"), cxf_jstr(p, "max_gen"));
        cxf_table_add(&t, "%s", cxf_jstr(p, "ltssm"));
        cxf_table_add(&t, "%s", cxf_jstr(p, "ld_count"));
    }
    cxf_table_print(&t);
}

static void vcs_rows(struct cxf_table *t, struct json_object *v)
{
    struct json_object *vppbs = cxf_jget(v, "vppbs");
    for (size_t j = 0; j == 0 || j < cxf_jlen(vppbs); j++) {
        struct json_object *p = j < cxf_jlen(vppbs) ? json_object_array_get_idx(vppbs, j) : NULL;
        cxf_table_add(t, "%s", j ? "" : cxf_jstr(v, "vcs"));
        cxf_table_add(t, "%s", j ? "" : cxf_jstr(v, "state"));
        cxf_table_add(t, "%s", j ? "" : cxf_jstr(v, "usp"));
        cxf_table_add(t, "%s", cxf_jstr(p, "vppb"));
        cxf_table_add(t, "%s", cxf_jstr(p, "status"));
        cxf_table_add(t, "%s", cxf_jstr(p, "port"));
        cxf_table_add(t, "%s", cxf_jstr(p, "ld"));
    }
}

static void show_vcs(struct cxf_cmdline *cl, struct json_object *r)
{
    (void)cl;
    static const char *const head[] = {"VCS", "STATE", "USP", "VPPB", "STATUS", "PORT", "LD",
                                       NULL};
    struct cxf_table t;
    struct json_object *vcs = cxf_jget(r, "vcs");
    cxf_table_init(&t, "Virtual CXL switches", head);
    for (size_t i = 0; i < cxf_jlen(vcs); i++)
        vcs_rows(&t, json_object_array_get_idx(vcs, i));
    cxf_table_print(&t);
}

/* bind and unbind start a background operation; its status says how it went */
static void show_binding(struct cxf_cmdline *cl, struct json_object *r)
{
    printf("%s: %s; background operation %04llxh: %s%% complete, %s\n", cl->sub,
           cxf_jstr(r, "return_code"),
           (unsigned long long)cxf_ju64(r, "background_operation.opcode"),
           cxf_jstr(r, "background_operation.percent_complete"),
           cxf_jstr(r, "background_operation.return_code"));
}

static void show_alloc(struct cxf_cmdline *cl, struct json_object *r)
{
    (void)cl;
    static const char *const head[] = {"LD", "RANGE1", "RANGE2", NULL};
    char title[96], g[32], a[32], b[32];
    struct json_object *lds = cxf_jget(r, "lds");
    snprintf(title, sizeof(title), "LD allocations of port %s (granularity %s)",
             cxf_jstr(r, "port"), cxf_fmt_size(g, sizeof(g), cxf_ju64(r, "granularity")));
    struct cxf_table t;
    cxf_table_init(&t, title, head);
    for (size_t i = 0; i < cxf_jlen(lds); i++) {
        struct json_object *l = json_object_array_get_idx(lds, i);
        cxf_table_add(&t, "%s", cxf_jstr(l, "ld"));
        cxf_table_add(&t, "%s", cxf_fmt_size(a, sizeof(a), cxf_ju64(l, "range1")));
        cxf_table_add(&t, "%s", cxf_fmt_size(b, sizeof(b), cxf_ju64(l, "range2")));
    }
    cxf_table_print(&t);
}

/* ----------------------------------------------------------- options */

#define ID_OPT(nm, req, what)                                                            \
    {.name = nm, .metavar = "N", .kind = CXF_OPT_UINT, .flags = req, .hi = 255,           \
     .help = what}

static const struct cxf_opt ports_opts[] = {
    {.name = "ports", .metavar = "LIST", .kind = CXF_OPT_CUSTOM, .parse = id_list,
     .help = "port ids, e.g. 0,2,3 (default: all)"},
    {NULL},
};

static const struct cxf_opt vcs_opts[] = {
    {.name = "vcs", .metavar = "LIST", .kind = CXF_OPT_CUSTOM, .parse = id_list,
     .help = "virtual switch ids, e.g. 0,1 (default: all)"},
    {NULL},
};

static const struct cxf_opt bind_opts[] = {
    ID_OPT("vcs", CXF_OPT_REQUIRED, "the virtual CXL switch"),
    ID_OPT("vppb", CXF_OPT_REQUIRED, "its vPPB to bind"),
    ID_OPT("port", CXF_OPT_REQUIRED, "the physical port (a downstream port) to bind it to"),
    {.name = "ld", .metavar = "N", .kind = CXF_OPT_UINT, .hi = 0xFFFE,
     .help = "the logical device of an MLD (omit for an SLD)"},
    {NULL},
};

static const char *const unbind_options[] = {"wait-link-down", "managed", "surprise", NULL};

static const struct cxf_opt unbind_opts[] = {
    ID_OPT("vcs", CXF_OPT_REQUIRED, "the virtual CXL switch"),
    ID_OPT("vppb", CXF_OPT_REQUIRED, "its vPPB to unbind"),
    {.name = "option", .metavar = "HOW", .kind = CXF_OPT_CHOICE, .choices = unbind_options,
     .help = "how to unbind; default wait-link-down"},
    {NULL},
};

static const struct cxf_opt port_opts[] = {
    ID_OPT("port", CXF_OPT_REQUIRED, "the MLD's switch port (fm ports shows them)"),
    {NULL},
};

static const struct cxf_opt set_opts[] = {
    ID_OPT("port", CXF_OPT_REQUIRED, "the MLD's switch port (fm ports shows them)"),
    ID_OPT("start-ld", 0, "the first LD the list sets (default 0)"),
    {.name = "lds", .metavar = "R1[:R2],...", .kind = CXF_OPT_CUSTOM,
     .flags = CXF_OPT_REQUIRED, .parse = ld_list,
     .help = "each LD's range 1 and range 2 sizes, multiples of 256M (R2 default 0)"},
    {NULL},
};

const struct cxf_subcmd cxf_fm_subcmds[] = {
    {.name = "identify", .cmd = "fm.identify", .show = show_fields,
     .summary = "Identify Switch Device (5100h): ports, virtual switches, vPPBs"},
    {.name = "ports", .cmd = "fm.ports", .opts = ports_opts, .show = show_ports,
     .summary = "Get Physical Port State (5101h)"},
    {.name = "vcs", .cmd = "fm.vcs", .opts = vcs_opts, .show = show_vcs,
     .summary = "Get Virtual CXL Switch Info (5200h): the vPPB bindings"},
    {.name = "bind", .cmd = "fm.bind", .opts = bind_opts, .show = show_binding,
     .summary = "Bind vPPB (5201h): give a host's virtual switch an LD or an SLD"},
    {.name = "unbind", .cmd = "fm.unbind", .opts = unbind_opts, .show = show_binding,
     .summary = "Unbind vPPB (5202h)"},
    {.name = "ld-info", .cmd = "fm.ld-info", .opts = port_opts, .show = show_fields,
     .summary = "Get LD Info (5400h) of the MLD at a port"},
    {.name = "ld-alloc", .cmd = "fm.ld-alloc", .opts = port_opts, .show = show_alloc,
     .summary = "Get LD Allocations (5401h) of the MLD at a port"},
    {.name = "set-ld-alloc", .cmd = "fm.set-ld-alloc", .opts = set_opts, .show = show_alloc,
     .summary = "Set LD Allocations (5402h) of the MLD at a port"},
    {NULL},
};
