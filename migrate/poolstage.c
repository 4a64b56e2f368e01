/*
 * migrate/poolstage.c - pool-staged migration.
 *
 * CXL 2.0 binds a logical device to one host at a time, and the fabric
 * manager can rebind it. So the migration takes free LDs of the pool's MLDs,
 * binds them to the source's virtual switch and builds a region over them;
 * while the VM runs, its pages move into that pool memory (copy and remap in
 * one step: the VM simply continues on pool memory). At switch-over the
 * fabric manager unbinds the LDs from the source and binds them to the
 * destination, which builds its own region over them: the pages' homes
 * (device, DPA) do not change, so the destination runs on them at once and
 * pulls them into its DRAM. From then on nothing of the VM is on the source:
 * the source can fail without loss.
 */
#include "mig_priv.h"
#include "sim/calibration.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- finding and binding the staging LDs -------------------------------- */

static bool ld_is_free(const struct cxf_fabric *f, unsigned port, unsigned ld)
{
    return cxf_fabric_ld_binding(f, port, (uint16_t)ld, NULL, NULL) < 0;
}

/* Free LDs of at least `need` bytes on distinct MLDs, up to `want`. */
static unsigned pick_lds(struct cxf_migration *m, uint64_t need, unsigned want)
{
    struct cxf_fabric *f = m->w->fab;
    struct cxf_stage_pool *sp = &m->pool;
    sp->nlds = 0;
    for (unsigned port = 0; port < f->nports && sp->nlds < want; port++) {
        const struct cxf_dev *d = f->port[port].kind == CXF_PORT_DSP ? f->port[port].dev : NULL;
        if (!d || !d->mld)
            continue;
        for (unsigned ld = 0; ld < d->num_lds; ld++) {
            if (!ld_is_free(f, port, ld) || cxf_ld_size(&d->ld[ld]) < need ||
                cxf_hdm_committed_count(&d->ld[ld].hdm))
                continue;
            sp->ld[sp->nlds].dev = (unsigned)cxf_fabric_dev_by_name(f, d->name);
            sp->ld[sp->nlds].ld = ld;
            sp->ld[sp->nlds].port = port;
            sp->nlds++;
            break; /* one per device, so the region interleaves devices */
        }
    }
    return sp->nlds;
}

/* Free vPPBs of a host's first virtual switch, one per staging LD. */
static int pick_vppbs(struct cxf_migration *m, unsigned host, unsigned *out)
{
    struct cxf_vcs *v = cxf_fabric_host_vcs(m->w->fab, host, 0);
    unsigned n = 0;
    for (unsigned i = 0; v && i < v->nvppbs && n < m->pool.nlds; i++)
        if (v->vppb[i].status == CXF_VPPB_UNBOUND)
            out[n++] = i;
    return n == m->pool.nlds ? 0 : -ENOSPC;
}

static int bind_all(struct cxf_migration *m, unsigned host, const unsigned *vppb)
{
    struct cxf_fabric *f = m->w->fab;
    struct cxf_vcs *v = cxf_fabric_host_vcs(f, host, 0);
    for (unsigned i = 0; i < m->pool.nlds; i++)
        if (cxf_fabric_bind(f, v->id, vppb[i], (unsigned)m->pool.ld[i].port,
                            (uint16_t)m->pool.ld[i].ld) != CXF_RC_SUCCESS)
            return -EBUSY;
    return 0;
}

static void unbind_all(struct cxf_migration *m, unsigned host, const unsigned *vppb)
{
    struct cxf_fabric *f = m->w->fab;
    struct cxf_vcs *v = cxf_fabric_host_vcs(f, host, 0);
    for (unsigned i = 0; i < m->pool.nlds; i++)
        cxf_fabric_unbind(f, v->id, vppb[i]);
}

static int make_region(struct cxf_migration *m, unsigned host, struct cxf_err *e)
{
    struct cxf_region_req req = {.host = host, .ntargets = m->pool.nlds, .granularity = 4096,
                                 .size = m->pool.total * CXF_PAGE_SIZE};
    for (unsigned i = 0; i < m->pool.nlds; i++) {
        req.target[i].dev = m->w->fab->dev[m->pool.ld[i].dev]->name;
        req.target[i].ld = m->pool.ld[i].ld;
    }
    return cxf_region_create(m->w->fab, &req, &m->pool.region, e);
}

/* The device DPAs the region maps on each LD: the pages to hand out. */
static int map_pages(struct cxf_migration *m)
{
    struct cxf_stage_pool *sp = &m->pool;
    for (unsigned i = 0; i < sp->nlds; i++) {
        const struct cxf_dev *d = m->w->fab->dev[sp->ld[i].dev];
        const struct cxf_hdm_decoder *dec = &d->ld[sp->ld[i].ld].hdm.dec[0];
        uint64_t dpa;
        if (!dec->committed || cxf_dev_ld_dpa(d, sp->ld[i].ld, dec->dpa_base, dec->dpa_size, &dpa))
            return -EINVAL;
        if (sp->ld[i].pages && (sp->ld[i].dpa0 != dpa || sp->ld[i].pages != dec->dpa_size / CXF_PAGE_SIZE))
            return -EINVAL; /* the destination must map the very same memory */
        sp->ld[i].dpa0 = dpa;
        sp->ld[i].pages = dec->dpa_size / CXF_PAGE_SIZE;
    }
    return 0;
}

/* Staging needs the VM's size in pool memory, split over up to two LDs of
 * different devices (rounded up to whole 256 MiB decoder units). */
int cxf_pool_setup(struct cxf_migration *m, struct cxf_err *e)
{
    struct cxf_stage_pool *sp = &m->pool;
    uint64_t need = m->npages * CXF_PAGE_SIZE;
    uint64_t half = (need / 2 + CXF_CAP_UNIT - 1) / CXF_CAP_UNIT * CXF_CAP_UNIT;
    uint64_t whole = (need + CXF_CAP_UNIT - 1) / CXF_CAP_UNIT * CXF_CAP_UNIT;
    if (pick_lds(m, half, 2) < 2 && pick_lds(m, whole, 1) < 1)
        return cxf_fail(e, -ENOSPC, "pool-staged needs %llu bytes of unbound pool memory (one "
                        "free LD of that size, or two of half on different devices); none is "
                        "free", (unsigned long long)whole);
    sp->total = (sp->nlds == 2 ? half : whole) / CXF_PAGE_SIZE * sp->nlds;
    if (pick_vppbs(m, m->src, sp->vppb_src) || pick_vppbs(m, m->dst, sp->vppb_dst))
        return cxf_fail(e, -ENOSPC, "pool-staged needs %u free vPPBs on both nodes' virtual "
                        "switches", sp->nlds);
    sp->used = calloc((sp->total + 63) / 64, sizeof(uint64_t));
    if (!sp->used)
        return cxf_fail(e, -ENOMEM, "out of memory");
    if (bind_all(m, m->src, sp->vppb_src)) {
        unbind_all(m, m->src, sp->vppb_src);
        return cxf_fail(e, -EBUSY, "binding the staging LDs to %s failed",
                        cxf_node_name(cxf_mig_node(m, m->src)));
    }
    sp->bound_src = true;
    int rc = make_region(m, m->src, e);
    if (!rc && map_pages(m))
        rc = cxf_fail(e, -EINVAL, "the staging region does not map whole LDs");
    return rc;
}

/* ---- the page allocator -------------------------------------------------- */

static bool in_pool(const struct cxf_stage_pool *sp, struct cxf_page_loc loc, uint64_t *index)
{
    uint64_t base = 0;
    for (unsigned i = 0; i < sp->nlds; i++) {
        if (loc.kind == CXF_PG_DEV && loc.owner == sp->ld[i].dev && loc.addr >= sp->ld[i].dpa0 &&
            loc.addr < sp->ld[i].dpa0 + sp->ld[i].pages * CXF_PAGE_SIZE) {
            *index = base + (loc.addr - sp->ld[i].dpa0) / CXF_PAGE_SIZE;
            return true;
        }
        base += sp->ld[i].pages;
    }
    return false;
}

static int alloc_page(struct cxf_stage_pool *sp, struct cxf_page_loc *loc)
{
    for (uint64_t tried = 0; tried < sp->total; tried++, sp->next = (sp->next + 1) % sp->total) {
        if (cxf_bit(sp->used, sp->next))
            continue;
        cxf_bit_set(sp->used, sp->next);
        uint64_t i = sp->next, base = 0;
        for (unsigned k = 0; k < sp->nlds; base += sp->ld[k++].pages)
            if (i < base + sp->ld[k].pages) {
                *loc = (struct cxf_page_loc){CXF_PG_DEV, sp->ld[k].dev,
                                             sp->ld[k].dpa0 + (i - base) * CXF_PAGE_SIZE};
                return 0;
            }
    }
    return -ENOSPC;
}

void cxf_pool_free_page(struct cxf_migration *m, struct cxf_page_loc loc)
{
    uint64_t i;
    if (in_pool(&m->pool, loc, &i))
        cxf_bit_clear(m->pool.used, i);
}

/* ---- staging ------------------------------------------------------------ */

static void free_old(struct cxf_migration *m, struct cxf_page_loc from)
{
    if (from.kind == CXF_PG_DRAM && from.owner == m->src)
        cxf_node_frame_free(cxf_mig_node(m, m->src), from.addr);
}

void cxf_pool_stage_step(struct cxf_migration *m)
{
    cxf_time_t now = cxf_mig_now(m), last = now;
    unsigned moved = 0;
    uint64_t idx;
    while (m->cursor < m->npages && moved < m->p.batch_pages) {
        uint64_t g = m->cursor++;
        struct cxf_page_loc from = cxf_vm_page(m->src_vm, g), to, old;
        if (from.kind == CXF_PG_NONE || in_pool(&m->pool, from, &idx))
            continue;
        cxf_time_t done;
        int rc = alloc_page(&m->pool, &to);
        if (!rc)
            rc = cxf_xfer_page(m, m->src, from, to, now, false, &done);
        if (!rc)
            rc = cxf_vm_page_move(m->src_vm, g, to, &old);
        if (rc) {
            cxf_pool_free_page(m, to);
            cxf_mig_fail(m, CXF_OUTCOME_SOURCE, "staging into the pool failed: %s",
                         strerror(-rc));
            return;
        }
        free_old(m, old);
        last = done > last ? done : last;
        m->precopy_bytes += CXF_PAGE_SIZE;
        m->transferred += CXF_PAGE_SIZE;
        m->pages_sent++;
        moved++;
    }
    if (m->cursor >= m->npages && moved == 0) {
        cxf_mig_switchover(m);
        return;
    }
    cxf_mig_next(m, last, cxf_pool_stage_step);
}

/* ---- switch-over: the fabric manager moves the LDs ------------------------ */

/* Fabric-manager work costs CXF_CAL_FM_COMMAND_NS a command. At the
 * switch-over: unbind and bind each LD, then the destination programs its
 * region. At setup (cxf_pool_setup_cost): bind each LD to the source, then
 * the source programs its region. */
static cxf_time_t fm_cost(const struct cxf_migration *m)
{
    return (2 * m->pool.nlds + 1) * (cxf_time_t)CXF_CAL_FM_COMMAND_NS;
}

cxf_time_t cxf_pool_setup_cost(const struct cxf_migration *m)
{
    return (m->pool.nlds + 1) * (cxf_time_t)CXF_CAL_FM_COMMAND_NS;
}

int cxf_pool_handoff(struct cxf_migration *m, cxf_time_t at, cxf_time_t *done)
{
    struct cxf_stage_pool *sp = &m->pool;
    struct cxf_err e;
    if (cxf_region_destroy(m->w->fab, sp->region, &e))
        return -EBUSY; /* a later region of the source uses the same decoders */
    sp->region = NULL;
    unbind_all(m, m->src, sp->vppb_src);
    sp->bound_src = false;
    int rc = bind_all(m, m->dst, sp->vppb_dst);
    if (!rc) {
        sp->bound_dst = true;
        rc = make_region(m, m->dst, &e);
    }
    if (!rc)
        rc = map_pages(m);
    if (rc)
        return rc;
    *done = at + fm_cost(m);
    return 0;
}

/* ---- giving it all back --------------------------------------------------- */

/* Before switch-over the VM stays on the source: bring its pages home. */
static bool bring_home(struct cxf_migration *m)
{
    if (!m->src_vm || !cxf_mig_source_alive(m))
        return true;
    uint64_t idx;
    for (uint64_t g = 0; g < m->npages; g++) {
        struct cxf_page_loc loc = cxf_vm_page(m->src_vm, g), old;
        if (!in_pool(&m->pool, loc, &idx))
            continue;
        uint64_t off;
        if (cxf_node_frame_alloc(cxf_mig_node(m, m->src), &off))
            return false; /* the source is full: the VM keeps its pool pages */
        cxf_vm_page_move(m->src_vm, g, (struct cxf_page_loc){CXF_PG_DRAM, m->src, off}, &old);
        cxf_pool_free_page(m, old);
    }
    return true;
}

void cxf_pool_release(struct cxf_migration *m)
{
    struct cxf_stage_pool *sp = &m->pool;
    struct cxf_err e;
    if (sp->bound_src && !bring_home(m))
        return; /* keep the LDs bound: the VM still lives on them */
    if (sp->region && cxf_region_destroy(m->w->fab, sp->region, &e) == 0)
        sp->region = NULL;
    if (sp->bound_src)
        unbind_all(m, m->src, sp->vppb_src);
    if (sp->bound_dst)
        unbind_all(m, m->dst, sp->vppb_dst);
    sp->bound_src = sp->bound_dst = false;
}
