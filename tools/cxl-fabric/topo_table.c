/*
 * tools/cxl-fabric/topo_table.c - the topology as human tables, read from
 * the topology JSON (offline, or the daemon's with links). Each section is described by a table: which objects
 * give its rows, and per column the key and how to show it.
 */
#include "fabric_cli.h"
#include "tools/common/render.h"

#include <inttypes.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------ cell formats */

typedef void (*cell_fn)(struct cxf_table *t, struct json_object *v);

static void text(struct cxf_table *t, struct json_object *v)
{
    cxf_table_add(t, "%s", json_object_get_string(v));
}

/* 8 GiB, 4 KiB, 1.5 GiB */
static void size(struct cxf_table *t, struct json_object *v)
{
    char buf[32];
    cxf_table_add(t, "%s", cxf_fmt_size(buf, sizeof(buf), json_object_get_uint64(v)));
}

static void bandwidth(struct cxf_table *t, struct json_object *v)
{
    cxf_table_add(t, "%.1f GB/s", (double)json_object_get_uint64(v) / 1e9);
}

static void lanes(struct cxf_table *t, struct json_object *v)
{
    cxf_table_add(t, "x%s", json_object_get_string(v));
}

static void host_state(struct cxf_table *t, struct json_object *v)
{
    cxf_table_add(t, "%s", json_object_get_boolean(v) ? "failed" : "up");
}

static void dev_type(struct cxf_table *t, struct json_object *v)
{
    cxf_table_add(t, "%s", json_object_get_boolean(v) ? "MLD" : "SLD");
}

static void bound_to(struct cxf_table *t, struct json_object *v)
{
    cxf_table_add(t, "%s vppb%s", cxf_jstr(v, "host"), cxf_jstr(v, "vppb"));
}

static void count(struct cxf_table *t, struct json_object *v)
{
    cxf_table_add(t, "%zu", cxf_jlen(v));
}

/* An array's elements joined by commas, each shown by `show`. */
static void join(struct cxf_table *t, struct json_object *arr,
                 void (*show)(char *buf, size_t len, struct json_object *e))
{
    char buf[256] = "-";
    size_t n = 0;
    for (size_t i = 0; i < cxf_jlen(arr) && n < sizeof(buf) - 1; i++) {
        if (i)
            buf[n++] = ',';
        show(buf + n, sizeof(buf) - n, json_object_array_get_idx(arr, i));
        n += strlen(buf + n);
    }
    cxf_table_add(t, "%s", buf);
}

static void show_value(char *buf, size_t len, struct json_object *e)
{
    snprintf(buf, len, "%s", json_object_get_string(e));
}

static void show_dpa(char *buf, size_t len, struct json_object *e)
{
    snprintf(buf, len, "%s", cxf_jstr(e, "dpa"));
}

static void show_target(char *buf, size_t len, struct json_object *e)
{
    snprintf(buf, len, "%s.ld%s", cxf_jstr(e, "memdev"), cxf_jstr(e, "ld"));
}

static void values(struct cxf_table *t, struct json_object *v)
{
    join(t, v, show_value);
}

static void dpas(struct cxf_table *t, struct json_object *v)
{
    join(t, v, show_dpa);
}

static void targets(struct cxf_table *t, struct json_object *v)
{
    join(t, v, show_target);
}

/* A switch port's other end: "node0 hb0.rp0", "pool0", "node0 bridge". */
static void attached(struct cxf_table *t, struct json_object *p)
{
    const char *kind = cxf_jstr(p, "kind");
    if (!strcmp(kind, "usp"))
        cxf_table_add(t, "%s hb%s.rp%s", cxf_jstr(p, "host"), cxf_jstr(p, "host_bridge"),
                      cxf_jstr(p, "root_port"));
    else if (!strcmp(kind, "fabric"))
        cxf_table_add(t, "%s bridge", cxf_jstr(p, "host"));
    else
        cxf_table_add(t, "%s", cxf_jstr(p, "memdev"));
}

/* ---------------------------------------------------------- sections */

#define MAX_COLS 11

struct column {
    const char *head;
    bool child;       /* from the row's child object, else from its parent */
    const char *key;  /* NULL: the object itself */
    cell_fn show;
};

/* A row per child of each parent; a parent's own columns are filled on its
 * first row only, so the rows of its parts (a host's windows, a device's
 * LDs) read as a group. */
struct section {
    const char *title;
    const char *parents;   /* path of the array of parents in the topology */
    const char *children;  /* in a parent: an array, or an object for one row */
    bool need_child;       /* no row for a parent without children */
    struct column col[MAX_COLS + 1]; /* ends at the first empty column */
};

static const struct section sections[] = {
    {"Hosts and windows", "hosts", "windows", false, {
        {"HOST", false, "host", text},
        {"DRAM", false, "dram_size", size},
        {"STATE", false, "failed", host_state},
        {"WINDOW", true, "window", text},
        {"BASE", true, "base", text},
        {"SIZE", true, "size", size},
        {"WAYS", true, "interleave_ways", text},
        {"GRANULARITY", true, "interleave_granularity", size},
        {"HOST-BRIDGES", true, "targets", values},
        {"TYPES", true, "types", values},
    }},
    {"Switch ports", "switch.ports", NULL, false, {
        {"PORT", false, "port", text},
        {"KIND", false, "kind", text},
        {"ATTACHED", false, NULL, attached},
        {"WIDTH", false, "width", lanes},
        {"GEN", false, "gen", text},
        {"BANDWIDTH", false, "bandwidth", bandwidth},
        {"STATE", false, "state", text},
    }},
    {"vPPB bindings", "virtual_switches", "vppbs", true, {
        {"HOST", false, "host", text},
        {"VCS", false, "vcs", text},
        {"USP", false, "usp", text},
        {"VPPB", true, "vppb", text},
        {"STATUS", true, "status", text},
        {"PORT", true, "port", text},
        {"MEMDEV", true, "memdev", text},
        {"LD", true, "ld", text},
    }},
    {"Devices and logical devices", "memdevs", "lds", false, {
        {"MEMDEV", false, "memdev", text},
        {"PORT", false, "port", text},
        {"TYPE", false, "mld", dev_type},
        {"VOLATILE", false, "volatile_size", size},
        {"PERSISTENT", false, "persistent_size", size},
        {"LD", true, "ld", text},
        {"SIZE", true, "size", size},
        {"DPA", true, "ranges", dpas},
        {"BOUND-TO", true, "bound_to", bound_to},
        {"DECODERS", true, "decoders", count},
    }},
    {"Memory bridges", "hosts", "bridge", true, {
        {"HOST", false, "host", text},
        {"PORT", true, "switch_port", text},
        {"EXPORT-OFFSET", true, "export_offset", text},
        {"EXPORT-SIZE", true, "export_size", size},
        {"FABRIC-BASE", true, "fabric_base", text},
        {"WINDOW-BASE", true, "window_base", text},
        {"WINDOW-SIZE", true, "window_size", size},
    }},
    {"Regions", "regions", NULL, false, {
        {"REGION", false, "region", text},
        {"HOST", false, "host", text},
        {"WINDOW", false, "window", text},
        {"TYPE", false, "type", text},
        {"BASE", false, "base", text},
        {"SIZE", false, "size", size},
        {"WAYS", false, "interleave_ways", text},
        {"GRANULARITY", false, "interleave_granularity", size},
        {"TARGETS", false, "targets", targets},
    }},
    {"Links", "links", NULL, false, { /* the daemon's answer only */
        {"LINK", false, "link", text},
        {"WIDTH", false, "width", lanes},
        {"GEN", false, "gen", text},
        {"BANDWIDTH", false, "bandwidth", bandwidth},
        {"STATE", false, "state", text},
    }},
};

static void add_row(struct cxf_table *t, const struct section *s, struct json_object *parent,
                    struct json_object *child, bool first)
{
    for (const struct column *c = s->col; c->head; c++) {
        struct json_object *o = c->child ? child : parent;
        struct json_object *v = c->key ? cxf_jget(o, c->key) : o;
        if (!c->child && !first)
            cxf_table_add(t, "%s", "");
        else if (!v)
            cxf_table_add(t, "-");
        else
            c->show(t, v);
    }
}

static void add_parent(struct cxf_table *t, const struct section *s, struct json_object *parent)
{
    struct json_object *ch = s->children ? cxf_jget(parent, s->children) : NULL;
    if (cxf_jlen(ch) > 0) {
        for (size_t i = 0; i < cxf_jlen(ch); i++)
            add_row(t, s, parent, json_object_array_get_idx(ch, i), i == 0);
    } else if (json_object_is_type(ch, json_type_object) || !s->need_child) {
        add_row(t, s, parent, json_object_is_type(ch, json_type_object) ? ch : NULL, true);
    }
}

static void print_section(struct json_object *topo, const struct section *s)
{
    struct json_object *parents = cxf_jget(topo, s->parents);
    if (!parents)
        return;
    const char *head[MAX_COLS + 1] = {NULL};
    for (size_t i = 0; s->col[i].head; i++)
        head[i] = s->col[i].head;
    struct cxf_table t;
    cxf_table_init(&t, s->title, head);
    for (size_t i = 0; i < cxf_jlen(parents); i++)
        add_parent(&t, s, json_object_array_get_idx(parents, i));
    cxf_table_print(&t);
}

void cxf_topo_print(struct json_object *topo)
{
    printf("Switch %s", cxf_jstr(topo, "switch.switch"));
    if (cxf_jget(topo, "config"))
        printf(" (configuration: %s)", cxf_jstr(topo, "config"));
    printf("\n\n");
    for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
        print_section(topo, &sections[i]);
}
