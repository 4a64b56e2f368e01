/*
 * fabric/route.c - where a (node, HPA) goes: local DRAM, a type-3 LD through
 * the host bridge, root port, switch and downstream port, or another node's
 * DRAM through the two memory bridges.
 *
 * Each level decodes the way the hardware does: the CFMWS window picks the
 * host bridge by modulo arithmetic (CXL 3.0 9.18.1.3), the host bridge's and
 * the USP's HDM decoders pick the root port and the vPPB (8.2.4.19), the
 * vPPB binding names the downstream port and LD, and the LD's endpoint
 * decoder gives the DPA. A decoder that disagrees with the level above
 * (misprogramming) is reported, not papered over.
 */
#include "fabric.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where a route's description goes; NULL when nobody asked (routing runs on
 * every TLB fill: no formatting there). */
struct describe {
    char *buf;
    size_t len;
};

__attribute__((format(printf, 2, 3)))
static void describe(const struct describe *d, const char *fmt, ...)
{
    if (!d)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->buf, d->len, fmt, ap);
    va_end(ap);
}

static void add_link(struct cxf_path *p, struct cxf_link *l)
{
    p->link[p->nlinks++] = l;
}

bool cxf_path_up(const struct cxf_path *p)
{
    for (unsigned i = 0; i < p->nlinks; i++)
        if (p->link[i]->down)
            return false;
    return true;
}

static bool same_path(const struct cxf_path *a, const struct cxf_path *b)
{
    if (a->kind != b->kind || a->nlinks != b->nlinks || a->hop_ns != b->hop_ns ||
        a->dev != b->dev || a->host != b->host)
        return false;
    for (unsigned i = 0; i < a->nlinks; i++)
        if (a->link[i] != b->link[i])
            return false;
    return true;
}

/* The fabric's one copy of path p (a few dozen exist in any topology). */
static const struct cxf_path *intern(struct cxf_fabric *f, const struct cxf_path *p)
{
    for (unsigned i = 0; i < f->npaths; i++)
        if (same_path(f->paths[i], p))
            return f->paths[i];
    struct cxf_path *copy = malloc(sizeof(*copy));
    struct cxf_path **grown = realloc(f->paths, (f->npaths + 1) * sizeof(*grown));
    if (!copy || !grown) {
        free(copy);
        if (grown)
            f->paths = grown;
        return NULL;
    }
    *copy = *p;
    f->paths = grown;
    f->paths[f->npaths++] = copy;
    return copy;
}

/* Finish a route: intern its path, and fail if a link on it is down. */
static int set_path(struct cxf_fabric *f, struct cxf_route *r, const struct cxf_path *p)
{
    r->path = intern(f, p);
    if (!r->path)
        return -ENOMEM;
    return cxf_path_up(p) ? 0 : -ENOLINK;
}

static int route_local(struct cxf_fabric *f, struct cxf_host *h, uint64_t hpa,
                       struct cxf_route *r, const struct describe *d)
{
    r->kind = CXF_TGT_DRAM;
    r->node = h->id;
    r->dram_offset = hpa;
    r->host_ptr = h->dram.base + hpa;
    r->contiguous = h->dram_size - hpa;
    describe(d, "%s > dram", h->name);
    struct cxf_path p = {.kind = CXF_TGT_DRAM, .host = h};
    return set_path(f, r, &p);
}

/* The host's bridge window maps the fabric address space one to one; the
 * fabric address names (exporting node, offset in its export). */
static int route_bridge(struct cxf_fabric *f, struct cxf_host *src, uint64_t hpa,
                        struct cxf_route *r, const struct describe *d)
{
    uint64_t fa = hpa - src->bridge.window_base;
    for (unsigned i = 0; i < f->nhosts; i++) {
        struct cxf_host *dst = &f->host[i];
        struct cxf_bridge *b = &dst->bridge;
        if (!b->present || fa < b->fabric_base || fa - b->fabric_base >= b->export_size)
            continue;
        if (dst == src)
            return -ELOOP; /* a node reaches its own DRAM directly */
        if (dst->failed)
            return -EHOSTDOWN;
        uint64_t in_export = fa - b->fabric_base;
        r->kind = CXF_TGT_DRAM;
        r->remote = true;
        r->node = i;
        r->dram_offset = b->export_offset + in_export;
        r->host_ptr = dst->dram.base + r->dram_offset;
        r->contiguous = b->export_size - in_export;
        struct cxf_path p = {.kind = CXF_TGT_DRAM, .remote = true, .host = dst, .hops = 4};
        add_link(&p, &src->bridge.host_link);
        add_link(&p, &f->port[src->bridge.switch_port].link);
        add_link(&p, &f->port[b->switch_port].link);
        add_link(&p, &b->host_link);
        p.hop_ns = f->timing.host_port_ns + 2 * f->timing.bridge_ns + f->timing.switch_ns;
        describe(d, "%s > bridge > %s > %s.bridge > %s.dram", src->name, f->switch_name,
                 dst->name, dst->name);
        return set_path(f, r, &p);
    }
    return -ENOENT;
}

/* Bytes from `hpa` that stay on the same device and DPA run: to the end of
 * the endpoint granule (or decoder, when not interleaved). */
static uint64_t endpoint_run(const struct cxf_hdm_decoder *d, uint64_t hpa)
{
    uint64_t off = hpa - d->prog.base;
    if (d->prog.ways == 1)
        return d->prog.size - off;
    return d->prog.granularity - off % d->prog.granularity;
}

/* Bytes from LD-relative `ld_dpa` to the end of the LD's DPA range (Range 1
 * or Range 2) holding it: device DPAs are contiguous only inside one range.
 * Ranges are 256 MB multiples, so the end keeps runs line-aligned. */
static uint64_t ld_range_left(const struct cxf_ld *ld, uint64_t ld_dpa)
{
    for (int i = 0; i < 2; i++) {
        if (ld_dpa < ld->range[i].size)
            return ld->range[i].size - ld_dpa;
        ld_dpa -= ld->range[i].size;
    }
    return 0;
}

/* LD hop: endpoint decode, then LD-relative DPA to device DPA. */
static int route_ld(struct cxf_dev *d, unsigned ld, uint64_t hpa, struct cxf_route *r)
{
    struct cxf_hdm_hit hit;
    int rc = cxf_hdm_decode(&d->ld[ld].hdm, hpa, &hit);
    if (rc)
        return rc == -ENOENT ? -ENOENT : -EXDEV;
    uint64_t run = endpoint_run(&d->ld[ld].hdm.dec[hit.decoder], hpa);
    uint64_t left = ld_range_left(&d->ld[ld], hit.dpa);
    run = run < left ? run : left; /* the run stops where the LD's range does */
    if (!run || cxf_dev_ld_dpa(d, ld, hit.dpa, run, &r->dpa))
        return -EXDEV;
    r->kind = CXF_TGT_DEVICE;
    r->dev = d;
    r->ld = ld;
    r->host_ptr = cxf_dev_mem(d, r->dpa);
    r->contiguous = run;
    uint64_t page_left = CXF_PAGE_SIZE - hpa % CXF_PAGE_SIZE;
    r->has_poison = cxf_poison_test(&d->poison, r->dpa, run < page_left ? run : page_left);
    return 0;
}

static int route_window(struct cxf_fabric *f, struct cxf_host *h, const struct cxf_window *w,
                        uint64_t hpa, struct cxf_route *r, const struct describe *d)
{
    unsigned way = cxf_il_position(hpa - w->base, w->ways, w->granularity);
    struct cxf_host_bridge *hb = &h->hb[w->targets[way]];
    struct cxf_hdm_hit hit;
    if (cxf_hdm_decode(&hb->hdm, hpa, &hit) || hit.target >= hb->nrps ||
        hb->rp[hit.target].switch_port < 0)
        return -ENOENT;
    unsigned rp = hit.target;
    struct cxf_switch_port *usp = &f->port[hb->rp[rp].switch_port];
    struct cxf_vcs *vcs = &f->vcs[usp->vcs];
    if (cxf_hdm_decode(&vcs->hdm, hpa, &hit) || hit.target >= vcs->nvppbs)
        return -ENOENT;
    unsigned vppb = hit.target;
    const struct cxf_vppb *v = &vcs->vppb[vppb];
    if (v->status == CXF_VPPB_UNBOUND || v->status == CXF_VPPB_IN_PROGRESS)
        return -ENXIO;
    struct cxf_switch_port *dsp = &f->port[v->port];
    unsigned ld = v->ld == CXF_LD_FM_OWNED ? 0 : v->ld;
    int rc = route_ld(dsp->dev, ld, hpa, r);
    if (rc)
        return rc;
    struct cxf_path p = {.kind = CXF_TGT_DEVICE, .dev = dsp->dev, .hops = 3};
    add_link(&p, &usp->link);
    add_link(&p, &dsp->link);
    p.hop_ns = f->timing.host_port_ns + f->timing.switch_ns + f->timing.device_port_ns;
    describe(d, "%s > %s > hb%u > rp%u > %s > vppb%u > %s.ld%u", h->name, w->name, hb->id, rp,
             f->switch_name, vppb, dsp->dev->name, ld);
    return set_path(f, r, &p);
}

static int route(struct cxf_fabric *f, unsigned node, uint64_t hpa, struct cxf_route *r,
                 const struct describe *d)
{
    memset(r, 0, sizeof(*r));
    r->generation = f->generation;
    if (node >= f->nhosts)
        return -ENOENT;
    struct cxf_host *h = &f->host[node];
    if (h->failed)
        return -EHOSTDOWN;
    if (hpa < h->dram_size)
        return route_local(f, h, hpa, r, d);
    const struct cxf_bridge *b = &h->bridge;
    if (b->present && hpa >= b->window_base && hpa - b->window_base < b->window_size)
        return route_bridge(f, h, hpa, r, d);
    for (unsigned i = 0; i < h->nwindows; i++) {
        const struct cxf_window *w = &h->win[i];
        if (hpa >= w->base && hpa - w->base < w->size)
            return route_window(f, h, w, hpa, r, d);
    }
    return -ENOENT;
}

int cxf_fabric_route(struct cxf_fabric *f, unsigned node, uint64_t hpa, struct cxf_route *r)
{
    return route(f, node, hpa, r, NULL);
}

int cxf_fabric_route_describe(struct cxf_fabric *f, unsigned node, uint64_t hpa,
                              struct cxf_route *r, char *buf, size_t len)
{
    struct describe d = {buf, len};
    if (len)
        buf[0] = '\0';
    return route(f, node, hpa, r, &d);
}
