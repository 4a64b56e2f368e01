/*
 * fabric/topology.c - building the fabric: hosts, host bridges, windows,
 * switch ports, virtual CXL switches, devices and bridges; lookups.
 */
#include "fabric.h"
#include "sim/calibration.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cxf_timing_default(struct cxf_timing *t)
{
    t->host_port_ns = CXF_CAL_HOST_PORT_NS;
    t->switch_ns = CXF_CAL_SWITCH_NS;
    t->device_port_ns = CXF_CAL_DEVICE_PORT_NS;
    t->bridge_ns = CXF_CAL_BRIDGE_NS;
    t->dram_ns = CXF_CAL_DRAM_NS;
    t->dram_bandwidth = CXF_CAL_DRAM_BANDWIDTH;
    t->link_flight_ns = CXF_CAL_LINK_FLIGHT_NS;
    t->header_bytes = CXF_CAL_HEADER_BYTES;
    t->flit_efficiency = CXF_CAL_FLIT_EFFICIENCY;
}

struct cxf_fabric *cxf_fabric_new(void)
{
    struct cxf_fabric *f = calloc(1, sizeof(*f));
    if (!f)
        return NULL;
    cxf_timing_default(&f->timing);
    f->generation = 1;
    f->usp_decoders = 4;
    snprintf(f->switch_name, sizeof(f->switch_name), "sw0");
    for (unsigned i = 0; i < CXF_MAX_PORTS; i++) {
        f->port[i].id = i;
        f->port[i].vcs = -1;
    }
    return f;
}

void cxf_fabric_free(struct cxf_fabric *f)
{
    if (!f)
        return;
    for (unsigned i = 0; i < CXF_MAX_REGIONS; i++)
        free(f->region[i]);
    for (unsigned i = 0; i < f->npaths; i++)
        free(f->paths[i]);
    free(f->paths);
    for (unsigned i = 0; i < f->ndevs; i++)
        cxf_dev_destroy(f->dev[i]);
    for (unsigned i = 0; i < CXF_MAX_PORTS; i++)
        cxf_link_fini(&f->port[i].link);
    for (unsigned i = 0; i < f->nhosts; i++) {
        cxf_backing_close(&f->host[i].dram);
        cxf_queue_fini(&f->host[i].dram_q);
        cxf_link_fini(&f->host[i].bridge.host_link);
    }
    free(f);
}

void cxf_fabric_set_clock(struct cxf_fabric *f, const struct cxf_sim *sim)
{
    f->clock = sim;
    for (unsigned i = 0; i < f->ndevs; i++)
        f->dev[i]->clock = sim;
}

static bool name_taken(const struct cxf_fabric *f, const char *name)
{
    return cxf_fabric_host_by_name(f, name) >= 0 || cxf_fabric_dev_by_name(f, name) >= 0 ||
           !strcmp(name, f->switch_name);
}

bool cxf_name_chars_valid(const char *name)
{
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_'))
            return false;
    return *name != '\0';
}

static int check_name(const struct cxf_fabric *f, const char *what, const char *name,
                      struct cxf_err *e)
{
    if (!name || !*name || strlen(name) >= CXF_NAME_MAX)
        return cxf_fail(e, -EINVAL, "%s name must be 1 to %u characters", what, CXF_NAME_MAX - 1);
    if (!cxf_name_chars_valid(name))
        return cxf_fail(e, -EINVAL, "%s name '%s': use letters, digits, '-' and '_'", what,
                        name);
    if (name_taken(f, name))
        return cxf_fail(e, -EEXIST, "%s name '%s' is already used", what, name);
    return 0;
}

int cxf_fabric_add_host(struct cxf_fabric *f, const char *name, uint64_t dram_size,
                        struct cxf_err *e)
{
    int rc = check_name(f, "host", name, e);
    if (rc)
        return rc;
    if (f->nhosts == CXF_MAX_HOSTS)
        return cxf_fail(e, -ENOSPC, "at most %u hosts", CXF_MAX_HOSTS);
    if (dram_size == 0 || dram_size % CXF_PAGE_SIZE || dram_size > (1ull << 44))
        return cxf_fail(e, -EINVAL, "host %s: dram must be a multiple of 4 KiB up to 16 TiB",
                        name);
    struct cxf_host *h = &f->host[f->nhosts];
    memset(h, 0, sizeof(*h));
    snprintf(h->name, sizeof(h->name), "%s", name);
    h->id = f->nhosts;
    h->dram_size = dram_size;
    h->dram_ns = f->timing.dram_ns;
    h->dram_q.bytes_per_sec = f->timing.dram_bandwidth;
    h->bridge.switch_port = -1;
    rc = cxf_backing_open_memfd(&h->dram, name, dram_size);
    if (rc)
        return cxf_fail(e, rc, "host %s: cannot create DRAM backing: %s", name, strerror(-rc));
    return (int)f->nhosts++;
}

int cxf_fabric_add_hb(struct cxf_fabric *f, unsigned host, unsigned nrps, unsigned decoders,
                      struct cxf_err *e)
{
    if (host >= f->nhosts)
        return cxf_fail(e, -ENOENT, "no host %u", host);
    struct cxf_host *h = &f->host[host];
    if (h->nhbs == CXF_MAX_HBS)
        return cxf_fail(e, -ENOSPC, "host %s: at most %u host bridges", h->name, CXF_MAX_HBS);
    if (nrps == 0 || nrps > CXF_MAX_RPS)
        return cxf_fail(e, -EINVAL, "host %s: a host bridge has 1 to %u root ports", h->name,
                        CXF_MAX_RPS);
    struct cxf_host_bridge *hb = &h->hb[h->nhbs];
    unsigned targets = nrps <= 1 ? 1 : nrps <= 2 ? 2 : nrps <= 4 ? 4 : 8;
    if (cxf_hdm_init(&hb->hdm, CXF_HDM_PORT, decoders, targets, 0))
        return cxf_fail(e, -EINVAL, "host %s: %u HDM decoders is not a valid decoder count",
                        h->name, decoders);
    hb->hdm.notify = &f->generation;
    hb->id = h->nhbs;
    hb->nrps = nrps;
    for (unsigned i = 0; i < nrps; i++) {
        hb->rp[i].id = i;
        hb->rp[i].switch_port = -1;
    }
    return (int)h->nhbs++;
}

int cxf_fabric_add_window(struct cxf_fabric *f, unsigned host, const struct cxf_window *w,
                          struct cxf_err *e)
{
    if (host >= f->nhosts)
        return cxf_fail(e, -ENOENT, "no host %u", host);
    struct cxf_host *h = &f->host[host];
    if (h->nwindows == CXF_MAX_WINDOWS)
        return cxf_fail(e, -ENOSPC, "host %s: at most %u windows", h->name, CXF_MAX_WINDOWS);
    if (w->base % CXF_CAP_UNIT || w->size == 0 || w->size % CXF_CAP_UNIT ||
        w->base + w->size < w->base)
        return cxf_fail(e, -EINVAL, "window %s: base and size must be non-zero multiples of 256 MiB",
                        w->name);
    if (!cxf_il_valid(w->ways, w->granularity))
        return cxf_fail(e, -EINVAL,
                        "window %s: impossible interleave (%u ways at %llu B granularity)",
                        w->name, w->ways, (unsigned long long)w->granularity);
    /* CXL 3.0 9.18.1.3: base and size are multiples of NIW x 256 MB. */
    if (w->base % (w->ways * CXF_CAP_UNIT) || w->size % (w->ways * CXF_CAP_UNIT))
        return cxf_fail(e, -EINVAL, "window %s: base and size must be multiples of %u x 256 MiB",
                        w->name, w->ways);
    for (unsigned i = 0; i < w->ways; i++) {
        if (w->targets[i] >= h->nhbs)
            return cxf_fail(e, -ENOENT, "window %s: target host bridge %u does not exist",
                            w->name, w->targets[i]);
        for (unsigned j = 0; j < i; j++)
            if (w->targets[i] == w->targets[j])
                return cxf_fail(e, -EINVAL, "window %s: host bridge %u listed twice", w->name,
                                w->targets[i]);
    }
    for (unsigned i = 0; i < h->nwindows; i++)
        if (!strcmp(h->win[i].name, w->name))
            return cxf_fail(e, -EEXIST, "host %s: window name '%s' is already used", h->name,
                            w->name);
    if (!(w->restrictions & (CXF_WIN_VOLATILE | CXF_WIN_PERSISTENT)))
        return cxf_fail(e, -EINVAL, "window %s: allow volatile or persistent memory (or both)",
                        w->name);
    h->win[h->nwindows] = *w;
    return (int)h->nwindows++;
}

static int claim_port(struct cxf_fabric *f, unsigned port, enum cxf_port_kind kind,
                      struct cxf_err *e)
{
    if (port >= CXF_MAX_PORTS)
        return cxf_fail(e, -EINVAL, "switch port %u: the switch has ports 0-%u", port,
                        CXF_MAX_PORTS - 1);
    if (f->port[port].kind != CXF_PORT_UNUSED)
        return cxf_fail(e, -EBUSY, "switch port %u is already connected", port);
    f->port[port].kind = kind;
    if (port + 1 > f->nports)
        f->nports = port + 1;
    return 0;
}

static bool width_valid(unsigned w)
{
    return w == 1 || w == 2 || w == 4 || w == 8 || w == 16;
}

static void port_link(struct cxf_fabric *f, struct cxf_switch_port *p, const char *name,
                      unsigned width)
{
    cxf_link_setup(&p->link, name, width, CXF_CAL_LINK_GEN, f->timing.flit_efficiency,
                   f->timing.link_flight_ns);
}

int cxf_fabric_add_device(struct cxf_fabric *f, unsigned port, const struct cxf_dev_config *c,
                          unsigned width, struct cxf_err *e)
{
    int rc = check_name(f, "device", c->name, e);
    if (rc)
        return rc;
    if (f->ndevs == CXF_MAX_DEVICES)
        return cxf_fail(e, -ENOSPC, "at most %u devices", CXF_MAX_DEVICES);
    if (!width_valid(width))
        return cxf_fail(e, -EINVAL, "device %s: link width x%u is not 1, 2, 4, 8 or 16", c->name,
                        width);
    if ((rc = claim_port(f, port, CXF_PORT_DSP, e)))
        return rc;
    struct cxf_dev *d;
    if ((rc = cxf_dev_create(&d, c, e))) {
        f->port[port].kind = CXF_PORT_UNUSED;
        return rc;
    }
    d->clock = f->clock; /* cxf_fabric_set_clock() may come before or after */
    cxf_dev_set_notify(d, &f->generation);
    f->port[port].dev = d;
    port_link(f, &f->port[port], c->name, width);
    f->dev[f->ndevs] = d;
    return (int)f->ndevs++;
}

int cxf_fabric_add_usp(struct cxf_fabric *f, unsigned host, unsigned hb, unsigned rp,
                       unsigned port, unsigned width, unsigned nvppbs, struct cxf_err *e)
{
    if (host >= f->nhosts || hb >= f->host[host].nhbs || rp >= f->host[host].hb[hb].nrps)
        return cxf_fail(e, -ENOENT, "root port %u of host bridge %u on host %u does not exist",
                        rp, hb, host);
    struct cxf_root_port *r = &f->host[host].hb[hb].rp[rp];
    if (r->switch_port >= 0)
        return cxf_fail(e, -EBUSY, "%s hb%u rp%u is already connected", f->host[host].name, hb, rp);
    if (nvppbs == 0 || nvppbs > CXF_MAX_VPPBS)
        return cxf_fail(e, -EINVAL, "a virtual switch has 1 to %u vPPBs", CXF_MAX_VPPBS);
    if (!width_valid(width))
        return cxf_fail(e, -EINVAL, "%s root port: link width x%u is not 1, 2, 4, 8 or 16",
                        f->host[host].name, width);
    if (f->nvcs == CXF_MAX_HOSTS)
        return cxf_fail(e, -ENOSPC, "at most %u virtual switches", CXF_MAX_HOSTS);
    struct cxf_vcs *v = &f->vcs[f->nvcs];
    memset(v, 0, sizeof(*v));
    if (cxf_hdm_init(&v->hdm, CXF_HDM_PORT, f->usp_decoders, 8, 0))
        return cxf_fail(e, -EINVAL, "%u USP decoders is not a valid HDM decoder count",
                        f->usp_decoders);
    int rc = claim_port(f, port, CXF_PORT_USP, e);
    if (rc)
        return rc;
    v->id = f->nvcs;
    v->usp_port = port;
    v->host = host;
    v->nvppbs = nvppbs;
    v->hdm.notify = &f->generation;
    struct cxf_switch_port *p = &f->port[port];
    p->host = host;
    p->hb = hb;
    p->rp = rp;
    p->vcs = (int)v->id;
    r->switch_port = (int)port;
    char name[48];
    snprintf(name, sizeof(name), "%s.rp%u", f->host[host].name, hb * CXF_MAX_RPS + rp);
    port_link(f, p, name, width);
    return (int)f->nvcs++;
}

int cxf_fabric_add_bridge(struct cxf_fabric *f, unsigned host, unsigned port, unsigned width,
                          uint64_t export_offset, uint64_t export_size, uint64_t window_base,
                          struct cxf_err *e)
{
    if (host >= f->nhosts)
        return cxf_fail(e, -ENOENT, "no host %u", host);
    struct cxf_host *h = &f->host[host];
    if (h->bridge.present)
        return cxf_fail(e, -EEXIST, "host %s already has a bridge", h->name);
    if (export_offset % CXF_PAGE_SIZE || export_size % CXF_PAGE_SIZE ||
        export_offset > h->dram_size || export_size > h->dram_size - export_offset)
        return cxf_fail(e, -EINVAL,
                        "host %s bridge: export must be page-aligned and inside the %llu-byte DRAM",
                        h->name, (unsigned long long)h->dram_size);
    if (window_base % CXF_CAP_UNIT)
        return cxf_fail(e, -EINVAL, "host %s bridge: window base must be a multiple of 256 MiB",
                        h->name);
    if (!width_valid(width))
        return cxf_fail(e, -EINVAL, "host %s bridge: link width x%u is not 1, 2, 4, 8 or 16",
                        h->name, width);
    int rc = claim_port(f, port, CXF_PORT_FABRIC, e);
    if (rc)
        return rc;
    struct cxf_bridge *b = &h->bridge;
    b->present = true;
    b->switch_port = (int)port;
    b->export_offset = export_offset;
    b->export_size = export_size;
    b->window_base = window_base;
    char name[48];
    snprintf(name, sizeof(name), "%s.bridge", h->name);
    f->port[port].host = host;
    port_link(f, &f->port[port], name, width);
    snprintf(name, sizeof(name), "%s.bridge-host", h->name);
    cxf_link_setup(&b->host_link, name, width, CXF_CAL_LINK_GEN, f->timing.flit_efficiency,
                   f->timing.link_flight_ns);
    return 0;
}

int cxf_fabric_host_by_name(const struct cxf_fabric *f, const char *name)
{
    for (unsigned i = 0; i < f->nhosts; i++)
        if (!strcmp(f->host[i].name, name))
            return (int)i;
    return -1;
}

int cxf_fabric_dev_by_name(const struct cxf_fabric *f, const char *name)
{
    for (unsigned i = 0; i < f->ndevs; i++)
        if (!strcmp(f->dev[i]->name, name))
            return (int)i;
    return -1;
}

int cxf_fabric_dev_port(const struct cxf_fabric *f, const struct cxf_dev *d)
{
    for (unsigned i = 0; i < f->nports; i++)
        if (f->port[i].kind == CXF_PORT_DSP && f->port[i].dev == d)
            return (int)i;
    return -1;
}

struct cxf_vcs *cxf_fabric_host_vcs(struct cxf_fabric *f, unsigned host, unsigned n)
{
    for (unsigned i = 0; i < f->nvcs; i++)
        if (f->vcs[i].host == host && n-- == 0)
            return &f->vcs[i];
    return NULL;
}
