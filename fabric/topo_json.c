/*
 * fabric/topo_json.c - the topology as JSON in the style of ndctl's
 * `cxl list -v`: arrays of objects with lower-case, underscore keys;
 * addresses as "0x..." strings, sizes and counts as integers. Tools render
 * their human tables from this same object, so a topology that later comes
 * from the daemon over a socket prints the same way.
 */
#include "config_priv.h"

#include <inttypes.h>
#include <stdio.h>

static void put(struct json_object *o, const char *key, struct json_object *v)
{
    json_object_object_add(o, key, v);
}

static void put_str(struct json_object *o, const char *key, const char *s)
{
    put(o, key, json_object_new_string(s));
}

static void put_u64(struct json_object *o, const char *key, uint64_t v)
{
    put(o, key, json_object_new_uint64(v));
}

static void put_hex(struct json_object *o, const char *key, uint64_t v)
{
    char buf[24];
    snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
    put_str(o, key, buf);
}

/* A new object appended to an array. */
static struct json_object *add_obj(struct json_object *arr)
{
    struct json_object *o = json_object_new_object();
    json_object_array_add(arr, o);
    return o;
}

/* A new array put under `key`. */
static struct json_object *put_arr(struct json_object *o, const char *key)
{
    struct json_object *a = json_object_new_array();
    put(o, key, a);
    return a;
}

static void put_interleave(struct json_object *o, uint64_t base, uint64_t size, unsigned ways,
                           uint64_t granularity)
{
    put_hex(o, "base", base);
    put_u64(o, "size", size);
    put_u64(o, "interleave_ways", ways);
    put_u64(o, "interleave_granularity", granularity);
}

/* The committed decoders of a set: port decoders list their targets,
 * device decoders their DPA mapping. */
static void put_decoders(struct json_object *o, const struct cxf_hdm *h)
{
    struct json_object *arr = put_arr(o, "decoders");
    for (unsigned i = 0; i < h->count; i++) {
        const struct cxf_hdm_decoder *d = &h->dec[i];
        if (!d->committed)
            continue;
        struct json_object *j = add_obj(arr);
        put_u64(j, "decoder", i);
        put_interleave(j, d->prog.base, d->prog.size, d->prog.ways, d->prog.granularity);
        if (h->kind == CXF_HDM_DEVICE) {
            put_u64(j, "position", d->prog.position);
            put_hex(j, "dpa_base", d->dpa_base);
            put_u64(j, "dpa_size", d->dpa_size);
            continue;
        }
        struct json_object *t = put_arr(j, "targets");
        for (unsigned w = 0; w < d->prog.ways && w < sizeof(d->prog.targets); w++)
            json_object_array_add(t, json_object_new_uint64(d->prog.targets[w]));
    }
}

static void put_link(struct json_object *o, const struct cxf_link *l)
{
    put_str(o, "link", l->name);
    put_u64(o, "width", l->width);
    put_u64(o, "gen", l->gen);
    put_u64(o, "bandwidth", cxf_link_bandwidth(l));
    put_str(o, "state", l->down ? "down" : "up");
}

static struct json_object *switch_json(const struct cxf_fabric *f)
{
    static const char *const kinds[] = {"unused", "usp", "dsp", "fabric"};
    struct json_object *o = json_object_new_object();
    put_str(o, "switch", f->switch_name);
    put_u64(o, "usp_decoders", f->usp_decoders);
    put_u64(o, "fabric_space", f->fabric_space);
    struct json_object *ports = put_arr(o, "ports");
    for (unsigned i = 0; i < f->nports; i++) {
        const struct cxf_switch_port *p = &f->port[i];
        struct json_object *j = add_obj(ports);
        put_u64(j, "port", p->id);
        put_str(j, "kind", kinds[p->kind]);
        if (p->kind == CXF_PORT_UNUSED)
            continue;
        if (p->kind == CXF_PORT_DSP)
            put_str(j, "memdev", p->dev->name);
        else
            put_str(j, "host", f->host[p->host].name);
        if (p->kind == CXF_PORT_USP) {
            put_u64(j, "host_bridge", p->hb);
            put_u64(j, "root_port", p->rp);
            put_u64(j, "vcs", (unsigned)p->vcs);
        }
        put_link(j, &p->link);
    }
    return o;
}

static const char *vppb_status(enum cxf_vppb_status s)
{
    switch (s) {
    case CXF_VPPB_BOUND_PORT: return "bound-port";
    case CXF_VPPB_BOUND_LD: return "bound-ld";
    case CXF_VPPB_IN_PROGRESS: return "in-progress";
    default: return "unbound";
    }
}

static struct json_object *vcs_json(const struct cxf_fabric *f, const struct cxf_vcs *v)
{
    struct json_object *o = json_object_new_object();
    put_u64(o, "vcs", v->id);
    put_str(o, "host", f->host[v->host].name);
    put_u64(o, "usp", v->usp_port);
    struct json_object *arr = put_arr(o, "vppbs");
    for (unsigned i = 0; i < v->nvppbs; i++) {
        const struct cxf_vppb *b = &v->vppb[i];
        struct json_object *j = add_obj(arr);
        put_u64(j, "vppb", i);
        put_str(j, "status", vppb_status(b->status));
        if (b->status == CXF_VPPB_UNBOUND)
            continue;
        put_u64(j, "port", b->port);
        if (f->port[b->port].dev)
            put_str(j, "memdev", f->port[b->port].dev->name);
        if (b->ld != CXF_LD_FM_OWNED)
            put_u64(j, "ld", b->ld);
    }
    put_decoders(o, &v->hdm);
    return o;
}

static void put_types(struct json_object *o, uint16_t restrictions)
{
    struct json_object *arr = put_arr(o, "types");
    for (const struct cxf_cfg_choice *t = cxf_cfg_window_types; t->name; t++)
        if (restrictions & t->value)
            json_object_array_add(arr, json_object_new_string(t->name));
}

static void put_window(struct json_object *arr, const struct cxf_window *w)
{
    struct json_object *o = add_obj(arr);
    put_str(o, "window", w->name);
    put_interleave(o, w->base, w->size, w->ways, w->granularity);
    struct json_object *t = put_arr(o, "targets");
    for (unsigned i = 0; i < w->ways; i++)
        json_object_array_add(t, json_object_new_uint64(w->targets[i]));
    put_types(o, w->restrictions);
}

static void put_host_bridge(struct json_object *arr, const struct cxf_host_bridge *hb)
{
    struct json_object *o = add_obj(arr);
    put_u64(o, "host_bridge", hb->id);
    struct json_object *rps = put_arr(o, "root_ports");
    for (unsigned i = 0; i < hb->nrps; i++) {
        struct json_object *j = add_obj(rps);
        put_u64(j, "root_port", hb->rp[i].id);
        put(j, "switch_port",
            hb->rp[i].switch_port < 0 ? NULL : json_object_new_int(hb->rp[i].switch_port));
    }
    put_decoders(o, &hb->hdm);
}

static void put_bridge(struct json_object *o, const struct cxf_bridge *b)
{
    struct json_object *j = json_object_new_object();
    put(o, "bridge", j);
    put_u64(j, "switch_port", (unsigned)b->switch_port);
    put_hex(j, "export_offset", b->export_offset);
    put_u64(j, "export_size", b->export_size);
    put_hex(j, "fabric_base", b->fabric_base);
    put_hex(j, "window_base", b->window_base);
    put_u64(j, "window_size", b->window_size);
}

static struct json_object *host_json(const struct cxf_host *h)
{
    struct json_object *o = json_object_new_object();
    put_str(o, "host", h->name);
    put_u64(o, "id", h->id);
    put_u64(o, "dram_size", h->dram_size);
    put(o, "failed", json_object_new_boolean(h->failed));
    struct json_object *hbs = put_arr(o, "host_bridges");
    for (unsigned i = 0; i < h->nhbs; i++)
        put_host_bridge(hbs, &h->hb[i]);
    struct json_object *wins = put_arr(o, "windows");
    for (unsigned i = 0; i < h->nwindows; i++)
        put_window(wins, &h->win[i]);
    if (h->bridge.present)
        put_bridge(o, &h->bridge);
    return o;
}

static void put_bound_to(const struct cxf_fabric *f, struct json_object *o, unsigned port,
                         uint16_t ld)
{
    unsigned vcs, vppb;
    if (cxf_fabric_ld_binding(f, port, ld, &vcs, &vppb)) {
        put(o, "bound_to", NULL);
        return;
    }
    struct json_object *j = json_object_new_object();
    put(o, "bound_to", j);
    put_str(j, "host", f->host[f->vcs[vcs].host].name);
    put_u64(j, "vcs", vcs);
    put_u64(j, "vppb", vppb);
}

static struct json_object *dev_json(const struct cxf_fabric *f, const struct cxf_dev *d)
{
    struct json_object *o = json_object_new_object();
    int port = cxf_fabric_dev_port(f, d);
    put_str(o, "memdev", d->name);
    put_u64(o, "port", (unsigned)port);
    put_hex(o, "serial", d->serial);
    put(o, "mld", json_object_new_boolean(d->mld));
    put_u64(o, "capacity", d->capacity);
    put_u64(o, "volatile_size", d->volatile_bytes);
    put_u64(o, "persistent_size", d->persistent_bytes);
    struct json_object *lds = put_arr(o, "lds");
    for (unsigned i = 0; i < d->num_lds; i++) {
        const struct cxf_ld *ld = &d->ld[i];
        struct json_object *j = add_obj(lds);
        put_u64(j, "ld", ld->id);
        put_u64(j, "size", cxf_ld_size(ld));
        struct json_object *ranges = put_arr(j, "ranges");
        for (unsigned r = 0; r < 2; r++) {
            if (!ld->range[r].size)
                continue;
            struct json_object *rj = add_obj(ranges);
            put_hex(rj, "dpa", ld->range[r].base);
            put_u64(rj, "size", ld->range[r].size);
        }
        put_bound_to(f, j, (unsigned)port, d->mld ? ld->id : CXF_LD_FM_OWNED);
        put_decoders(j, &ld->hdm);
    }
    return o;
}

static struct json_object *region_json(const struct cxf_fabric *f, const struct cxf_region *r)
{
    struct json_object *o = json_object_new_object();
    char name[24];
    snprintf(name, sizeof(name), "region%u", r->id);
    put_str(o, "region", name);
    put_u64(o, "id", r->id);
    put_str(o, "host", f->host[r->host].name);
    put_str(o, "window", f->host[r->host].win[r->window].name);
    put_str(o, "type", r->persistent ? "persistent" : "volatile");
    put_interleave(o, r->base, r->size, r->ways, r->granularity);
    struct json_object *arr = put_arr(o, "targets");
    for (unsigned i = 0; i < r->ways; i++) {
        const struct cxf_region_target *t = &r->target[i];
        struct json_object *j = add_obj(arr);
        put_u64(j, "position", t->position);
        put_str(j, "memdev", t->dev->name);
        put_u64(j, "ld", t->ld);
        put_u64(j, "decoder", t->decoder);
        put_u64(j, "vcs", t->vcs);
        put_u64(j, "vppb", t->vppb);
    }
    return o;
}

struct json_object *cxf_fabric_topology_json(const struct cxf_fabric *f)
{
    struct json_object *o = json_object_new_object();
    put(o, "switch", switch_json(f));
    struct json_object *arr = put_arr(o, "virtual_switches");
    for (unsigned i = 0; i < f->nvcs; i++)
        json_object_array_add(arr, vcs_json(f, &f->vcs[i]));
    arr = put_arr(o, "hosts");
    for (unsigned i = 0; i < f->nhosts; i++)
        json_object_array_add(arr, host_json(&f->host[i]));
    arr = put_arr(o, "memdevs");
    for (unsigned i = 0; i < f->ndevs; i++)
        json_object_array_add(arr, dev_json(f, f->dev[i]));
    arr = put_arr(o, "regions");
    for (unsigned i = 0; i < CXF_MAX_REGIONS; i++)
        if (f->region[i])
            json_object_array_add(arr, region_json(f, f->region[i]));
    return o;
}
