/*
 * fabric/region.c - the region helper: program a whole decode path for a set
 * of logical devices, as `cxl create-region` and the Linux CXL driver do.
 *
 * Levels, top down: the window (CFMWS) picks a host bridge with its own
 * granularity; each host bridge decoder picks a root port; the USP decoder of
 * the root port's virtual switch picks a vPPB; the endpoint decoder of each
 * LD maps the region with the total way count. As in the Linux driver
 * (region.c, cxl_port_setup_targets), each level uses the address bits just
 * above its parent's: its granularity is the parent's granularity times the
 * parent's ways. So with W host bridges, H root ports per bridge and D vPPBs
 * per root port, the target at (bridge i, root port j, vPPB k) holds
 * interleave position i + W * (j + H * k), and the endpoint decode
 * (granule % ways) agrees with the path the switch levels choose.
 *
 * Targets are put in that order automatically. A 3/6/12-way window can only
 * be the sole interleaving level: the levels below would need a granularity
 * of 3 x 2^n, which the HDM decoder encoding cannot express.
 */
#include "fabric.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

struct plan_target {
    struct cxf_dev *dev;
    unsigned ld;            /* LD index in the device */
    unsigned vcs, vppb;
    unsigned hb, rp;
    unsigned position;
    uint64_t dpa_start;     /* LD-relative DPA where the region starts */
    uint64_t dpa_skip;
};

struct plan {
    const struct cxf_region_req *req;
    struct cxf_host *host;
    unsigned window;
    unsigned n;
    struct plan_target t[16];
    unsigned W, H, D;       /* ways per level */
    uint64_t g;             /* region granularity */
    uint64_t base, size;
};

static int resolve_target(struct cxf_fabric *f, struct plan *p, unsigned i, struct cxf_err *e)
{
    const char *name = p->req->target[i].dev;
    unsigned ld = p->req->target[i].ld;
    int di = name ? cxf_fabric_dev_by_name(f, name) : -1;
    if (di < 0)
        return cxf_fail(e, -ENOENT, "region target %u: no device '%s'", i, name ? name : "");
    struct cxf_dev *d = f->dev[di];
    if (ld >= d->num_lds)
        return cxf_fail(e, -ENOENT, "region target %u: %s has no LD %u", i, d->name, ld);
    int port = cxf_fabric_dev_port(f, d);
    unsigned vcs, vppb;
    uint16_t bind_ld = d->mld ? (uint16_t)ld : CXF_LD_FM_OWNED;
    if (port < 0 || cxf_fabric_ld_binding(f, (unsigned)port, bind_ld, &vcs, &vppb) ||
        f->vcs[vcs].host != p->host->id)
        return cxf_fail(e, -ENXIO, "region target %u: %s LD %u is not bound to host %s", i,
                        d->name, ld, p->host->name);
    for (unsigned j = 0; j < i; j++)
        if (p->t[j].dev == d && p->t[j].ld == ld)
            return cxf_fail(e, -EINVAL, "region target %u: %s LD %u listed twice", i, d->name, ld);
    const struct cxf_switch_port *usp = &f->port[f->vcs[vcs].usp_port];
    p->t[i] = (struct plan_target){.dev = d, .ld = ld, .vcs = vcs, .vppb = vppb,
                                   .hb = usp->hb, .rp = usp->rp};
    return 0;
}

static bool window_has_hb(const struct cxf_window *w, unsigned hb, unsigned *idx)
{
    for (unsigned i = 0; i < w->ways; i++)
        if (w->targets[i] == hb)
            return *idx = i, true;
    return false;
}

/* The window must interleave exactly the host bridges the targets reach. */
static bool window_fits(const struct plan *p, const struct cxf_window *w)
{
    uint16_t type = p->req->persistent ? CXF_WIN_PERSISTENT : CXF_WIN_VOLATILE;
    if (!(w->restrictions & type))
        return false;
    unsigned idx;
    for (unsigned i = 0; i < p->n; i++)
        if (!window_has_hb(w, p->t[i].hb, &idx))
            return false;
    for (unsigned k = 0; k < w->ways; k++) {
        bool used = false;
        for (unsigned i = 0; i < p->n && !used; i++)
            used = p->t[i].hb == w->targets[k];
        if (!used)
            return false;
    }
    return true;
}

static int pick_window(struct plan *p, struct cxf_err *e)
{
    const struct cxf_host *h = p->host;
    for (unsigned i = 0; i < h->nwindows; i++) {
        if (p->req->window && strcmp(p->req->window, h->win[i].name))
            continue;
        if (window_fits(p, &h->win[i]))
            return p->window = i, 0;
        if (p->req->window)
            return cxf_fail(e, -EINVAL,
                            "window %s does not fit: it must allow %s memory and interleave "
                            "exactly the host bridges the targets reach",
                            h->win[i].name, p->req->persistent ? "persistent" : "volatile");
    }
    if (p->req->window)
        return cxf_fail(e, -ENOENT, "host %s has no window '%s'", h->name, p->req->window);
    return cxf_fail(e, -ENOENT, "host %s has no window for %s memory over these targets", h->name,
                    p->req->persistent ? "persistent" : "volatile");
}

/* Rank of `v` among the distinct values of `key` over targets matching the
 * filter; also returns how many distinct values there are. */
static unsigned rank_of(const struct plan *p, unsigned self, bool same_hb, bool same_rp,
                        bool by_vppb, unsigned *count)
{
    unsigned rank = 0, distinct = 0;
    const struct plan_target *me = &p->t[self];
    unsigned mine = by_vppb ? me->vppb : me->rp;
    for (unsigned i = 0; i < p->n; i++) {
        const struct plan_target *o = &p->t[i];
        if ((same_hb && o->hb != me->hb) || (same_rp && (o->hb != me->hb || o->rp != me->rp)))
            continue;
        unsigned v = by_vppb ? o->vppb : o->rp;
        bool first = true; /* count each distinct value once */
        for (unsigned j = 0; j < i; j++) {
            const struct plan_target *q = &p->t[j];
            bool same_group = (!same_hb || q->hb == me->hb) &&
                              (!same_rp || (q->hb == me->hb && q->rp == me->rp));
            if (same_group && (by_vppb ? q->vppb : q->rp) == v)
                first = false;
        }
        if (first) {
            distinct++;
            rank += v < mine;
        }
    }
    *count = distinct;
    return rank;
}

/* Host bridge and USP decoders interleave 1, 2, 4 or 8 ways. */
static bool pow2_upto8(unsigned n)
{
    return n == 1 || n == 2 || n == 4 || n == 8;
}

static int plan_positions(struct plan *p, struct cxf_err *e)
{
    const struct cxf_window *w = &p->host->win[p->window];
    p->W = w->ways;
    p->H = p->D = 0;
    for (unsigned i = 0; i < p->n; i++) {
        unsigned h, d, iw = 0;
        unsigned ih = rank_of(p, i, true, false, false, &h);
        unsigned id = rank_of(p, i, false, true, true, &d);
        if ((p->H && h != p->H) || (p->D && d != p->D))
            return cxf_fail(e, -EINVAL, "impossible interleave: targets are spread unevenly over "
                            "host bridges and root ports");
        p->H = h;
        p->D = d;
        window_has_hb(w, p->t[i].hb, &iw);
        p->t[i].position = iw + p->W * (ih + h * id);
    }
    uint8_t enc;
    if (p->W * p->H * p->D != p->n || cxf_iw_encode(p->n, &enc))
        return cxf_fail(e, -EINVAL, "impossible interleave: %u targets (%u bridges x %u ports x "
                        "%u vPPBs) is not a supported way count", p->n, p->W, p->H, p->D);
    if (p->W % 3 == 0 && p->H * p->D > 1)
        return cxf_fail(e, -EINVAL, "impossible interleave: a %u-way window cannot be combined "
                        "with interleaving below it", p->W);
    if (!pow2_upto8(p->H) || !pow2_upto8(p->D))
        return cxf_fail(e, -EINVAL, "impossible interleave: %u root ports x %u vPPBs", p->H, p->D);
    return 0;
}

static int plan_granularity(struct plan *p, struct cxf_err *e)
{
    const struct cxf_window *w = &p->host->win[p->window];
    p->g = p->req->granularity ? p->req->granularity : w->granularity;
    uint8_t enc;
    if (cxf_ig_encode(p->g, &enc))
        return cxf_fail(e, -EINVAL, "granularity %" PRIu64 " is not 256 B..16 KiB, a power of two",
                        p->g);
    if (p->W > 1 && p->g != w->granularity)
        return cxf_fail(e, -EINVAL, "granularity must equal window %s's %" PRIu64
                        " B: it interleaves host bridges", w->name, w->granularity);
    uint64_t usp_g = p->g * p->W * p->H;
    if ((p->D > 1 && cxf_ig_encode(usp_g, &enc)) || (p->H > 1 && cxf_ig_encode(p->g * p->W, &enc)))
        return cxf_fail(e, -EINVAL, "impossible interleave: granularity %" PRIu64
                        " is too large for %u-level interleaving", p->g, p->W * p->H);
    return 0;
}

/* First free LD-relative DPA after the committed decoders, and the room left
 * in the partition the region uses. */
static uint64_t ld_room(const struct cxf_dev *d, struct plan_target *t, bool persistent)
{
    const struct cxf_ld *ld = &d->ld[t->ld];
    unsigned top = cxf_hdm_committed_count(&ld->hdm);
    uint64_t next = top ? ld->hdm.dec[top - 1].dpa_base + ld->hdm.dec[top - 1].dpa_size : 0;
    uint64_t split = cxf_ld_volatile_bytes(d, ld);
    uint64_t lo = persistent ? (next > split ? next : split) : next;
    uint64_t hi = persistent ? cxf_ld_size(ld) : split;
    t->dpa_start = lo;
    t->dpa_skip = lo - next;
    return hi > lo ? hi - lo : 0;
}

/* Highest address claimed by committed decoders on a set. */
static uint64_t hdm_top(const struct cxf_hdm *h)
{
    unsigned top = cxf_hdm_committed_count(h);
    return top ? h->dec[top - 1].prog.base + h->dec[top - 1].prog.size : 0;
}

static int plan_space(struct cxf_fabric *f, struct plan *p, struct cxf_err *e)
{
    const struct cxf_window *w = &p->host->win[p->window];
    uint64_t per_dev = UINT64_MAX;
    uint64_t low = w->base;
    for (unsigned i = 0; i < p->n; i++) {
        struct plan_target *t = &p->t[i];
        uint64_t room = ld_room(t->dev, t, p->req->persistent) / CXF_CAP_UNIT * CXF_CAP_UNIT;
        per_dev = room < per_dev ? room : per_dev;
        uint64_t tops[3] = {hdm_top(&t->dev->ld[t->ld].hdm), hdm_top(&f->vcs[t->vcs].hdm),
                            hdm_top(&p->host->hb[t->hb].hdm)};
        for (int k = 0; k < 3; k++)
            low = tops[k] > low ? tops[k] : low;
    }
    /* Keep the region at a multiple of ways x 256 MB from the window base, so
     * the window's target choice and the endpoints' positions agree. */
    uint64_t align = p->n * CXF_CAP_UNIT;
    uint64_t off = low - w->base;
    p->base = w->base + (off + align - 1) / align * align;
    uint64_t window_room = p->base < w->base + w->size ? w->base + w->size - p->base : 0;
    uint64_t max = per_dev * p->n;
    max = max < window_room ? max : window_room / align * align;
    p->size = p->req->size ? p->req->size : max;
    if (p->size == 0)
        return cxf_fail(e, -ENOSPC, "no capacity left for a region on these targets in window %s",
                        w->name);
    if (p->size % align)
        return cxf_fail(e, -EINVAL, "region size must be a multiple of %u x 256 MiB", p->n);
    if (p->size > max)
        return cxf_fail(e, -ENOSPC, "region size %" PRIu64 " exceeds the %" PRIu64
                        " bytes available (targets and window %s)", p->size, max, w->name);
    return 0;
}

/* One decoder programmed and committed at the top of a set; on failure the
 * reason goes to the user. */
static int commit_next(struct cxf_hdm *h, const struct cxf_hdm_prog *prog, const char *what,
                       int *used, struct cxf_err *e)
{
    unsigned idx = cxf_hdm_committed_count(h);
    if (idx >= h->count)
        return cxf_fail(e, -ENOSPC, "%s has no free HDM decoder", what);
    int rc = cxf_hdm_program(h, idx, prog);
    if (rc == 0)
        rc = cxf_hdm_commit(h, idx);
    if (rc)
        return cxf_fail(e, rc, "%s decoder %u does not commit: %s", what, idx,
                        cxf_hdm_strerror(h->dec[idx].err));
    *used = (int)idx;
    return 0;
}

/* Granularity for a level with `ways` ways whose parents span `span` ways. */
static uint64_t level_granularity(const struct plan *p, unsigned ways, unsigned span)
{
    return ways > 1 ? p->g * span : p->g;
}

static int program_endpoints(struct plan *p, struct cxf_region *r, struct cxf_err *e)
{
    for (unsigned i = 0; i < p->n; i++) {
        struct plan_target *t = &p->t[i];
        struct cxf_hdm_prog prog = {.base = p->base, .size = p->size, .ways = p->n,
                                    .granularity = p->g, .dpa_skip = t->dpa_skip,
                                    .position = t->position};
        int used;
        char what[64];
        snprintf(what, sizeof(what), "%s LD %u", t->dev->name, t->ld);
        int rc = commit_next(&t->dev->ld[t->ld].hdm, &prog, what, &used, e);
        if (rc)
            return rc;
        r->target[t->position] = (struct cxf_region_target){
            .dev = t->dev, .ld = t->ld, .decoder = (unsigned)used, .position = t->position,
            .vcs = t->vcs, .vppb = t->vppb, .resets = t->dev->ld[t->ld].hdm.resets};
    }
    return 0;
}

/* The USP decoder of each virtual switch the region crosses: vPPB by rank. */
static int program_usps(struct cxf_fabric *f, struct plan *p, struct cxf_region *r,
                        struct cxf_err *e)
{
    for (unsigned i = 0; i < p->n; i++) {
        struct plan_target *t = &p->t[i];
        if (r->usp_decoder[t->vcs] >= 0)
            continue;
        struct cxf_hdm_prog prog = {.base = p->base, .size = p->size, .ways = p->D,
                                    .granularity = level_granularity(p, p->D, p->W * p->H)};
        for (unsigned j = 0; j < p->n; j++)
            if (p->t[j].vcs == t->vcs)
                prog.targets[p->t[j].position / (p->W * p->H)] = (uint8_t)p->t[j].vppb;
        char what[64];
        snprintf(what, sizeof(what), "%s USP %u", f->switch_name, f->vcs[t->vcs].usp_port);
        int rc = commit_next(&f->vcs[t->vcs].hdm, &prog, what, &r->usp_decoder[t->vcs], e);
        if (rc)
            return rc;
    }
    return 0;
}

/* The decoder of each host bridge: root port by rank. */
static int program_hbs(struct plan *p, struct cxf_region *r, struct cxf_err *e)
{
    for (unsigned i = 0; i < p->n; i++) {
        struct plan_target *t = &p->t[i];
        if (r->hb_decoder[t->hb] >= 0)
            continue;
        struct cxf_hdm_prog prog = {.base = p->base, .size = p->size, .ways = p->H,
                                    .granularity = level_granularity(p, p->H, p->W)};
        for (unsigned j = 0; j < p->n; j++)
            if (p->t[j].hb == t->hb)
                prog.targets[(p->t[j].position / p->W) % p->H] = (uint8_t)p->t[j].rp;
        char what[64];
        snprintf(what, sizeof(what), "%s host bridge %u", p->host->name, t->hb);
        int rc = commit_next(&p->host->hb[t->hb].hdm, &prog, what, &r->hb_decoder[t->hb], e);
        if (rc)
            return rc;
    }
    return 0;
}

static void init_region(struct cxf_region *r, const struct plan *p, unsigned id)
{
    memset(r, 0, sizeof(*r));
    r->id = id;
    r->host = p->host->id;
    r->window = p->window;
    r->persistent = p->req->persistent;
    r->base = p->base;
    r->size = p->size;
    r->ways = p->n;
    r->granularity = p->g;
    for (unsigned i = 0; i < CXF_MAX_HBS; i++)
        r->hb_decoder[i] = -1;
    for (unsigned i = 0; i < CXF_MAX_HOSTS; i++)
        r->usp_decoder[i] = -1;
}

static void uncommit_region(struct cxf_fabric *f, struct cxf_region *r);

/* Does the target still hold its endpoint decoder? Unbinding the LD reset
 * its decoders: the decoder index may now belong to someone else. */
static bool target_live(const struct cxf_region_target *t)
{
    return t->dev && t->dev->ld[t->ld].hdm.resets == t->resets &&
           t->dev->ld[t->ld].hdm.dec[t->decoder].committed;
}

static int make_plan(struct cxf_fabric *f, const struct cxf_region_req *req, struct plan *p,
                     struct cxf_err *e)
{
    memset(p, 0, sizeof(*p));
    p->req = req;
    if (req->host >= f->nhosts)
        return cxf_fail(e, -ENOENT, "region: no host %u", req->host);
    p->host = &f->host[req->host];
    if (p->host->failed)
        return cxf_fail(e, -EHOSTDOWN, "region: host %s has failed", p->host->name);
    if (req->ntargets == 0 || req->ntargets > 16)
        return cxf_fail(e, -EINVAL, "region: give 1 to 16 targets");
    p->n = req->ntargets;
    int rc = 0;
    for (unsigned i = 0; i < p->n && !rc; i++)
        rc = resolve_target(f, p, i, e);
    if (!rc)
        rc = pick_window(p, e);
    if (!rc)
        rc = plan_positions(p, e);
    if (!rc)
        rc = plan_granularity(p, e);
    if (!rc)
        rc = plan_space(f, p, e);
    return rc;
}

int cxf_region_create(struct cxf_fabric *f, const struct cxf_region_req *req,
                      struct cxf_region **out, struct cxf_err *e)
{
    struct plan p;
    int rc = make_plan(f, req, &p, e);
    if (rc)
        return rc;
    unsigned id = 0;
    while (id < CXF_MAX_REGIONS && f->region[id])
        id++;
    if (id == CXF_MAX_REGIONS)
        return cxf_fail(e, -ENOSPC, "at most %u regions", CXF_MAX_REGIONS);
    struct cxf_region *r = malloc(sizeof(*r));
    if (!r)
        return cxf_fail(e, -ENOMEM, "out of memory");
    init_region(r, &p, id);
    rc = program_endpoints(&p, r, e);
    if (!rc)
        rc = program_usps(f, &p, r, e);
    if (!rc)
        rc = program_hbs(&p, r, e);
    if (rc) {
        uncommit_region(f, r); /* whatever was committed, top down */
        free(r);
        return rc;
    }
    f->region[id] = r;
    if (out)
        *out = r;
    return 0;
}

/* Can decoder idx of h be uncommitted now (it is the top committed one)? */
static bool is_top(const struct cxf_hdm *h, int idx)
{
    return idx < 0 || (unsigned)idx + 1 == cxf_hdm_committed_count(h);
}

static void uncommit_region(struct cxf_fabric *f, struct cxf_region *r)
{
    struct cxf_host *h = &f->host[r->host];
    for (unsigned i = 0; i < CXF_MAX_HBS; i++)
        if (r->hb_decoder[i] >= 0)
            cxf_hdm_uncommit(&h->hb[i].hdm, (unsigned)r->hb_decoder[i]);
    for (unsigned i = 0; i < CXF_MAX_HOSTS; i++)
        if (r->usp_decoder[i] >= 0)
            cxf_hdm_uncommit(&f->vcs[i].hdm, (unsigned)r->usp_decoder[i]);
    for (unsigned i = 0; i < r->ways; i++) {
        struct cxf_region_target *t = &r->target[i];
        if (target_live(t))
            cxf_hdm_uncommit(&t->dev->ld[t->ld].hdm, t->decoder);
    }
}

int cxf_region_destroy(struct cxf_fabric *f, struct cxf_region *r, struct cxf_err *e)
{
    struct cxf_host *h = &f->host[r->host];
    bool top = true;
    for (unsigned i = 0; i < CXF_MAX_HBS; i++)
        top = top && is_top(&h->hb[i].hdm, r->hb_decoder[i]);
    for (unsigned i = 0; i < CXF_MAX_HOSTS; i++)
        top = top && is_top(&f->vcs[i].hdm, r->usp_decoder[i]);
    for (unsigned i = 0; i < r->ways; i++) {
        const struct cxf_region_target *t = &r->target[i];
        /* an LD unbound since (decoders reset) no longer holds the decoder */
        top = top && (!target_live(t) || is_top(&t->dev->ld[t->ld].hdm, (int)t->decoder));
    }
    if (!top)
        return cxf_fail(e, -EBUSY, "region %u: destroy the regions created after it first", r->id);
    uncommit_region(f, r);
    f->region[r->id] = NULL;
    free(r);
    return 0;
}

int cxf_region_hpa(const struct cxf_fabric *f, unsigned host, const struct cxf_dev *dev,
                   uint64_t dpa, uint64_t *hpa)
{
    unsigned ld;
    uint64_t ld_dpa;
    if (cxf_dev_dpa_owner(dev, dpa, &ld, &ld_dpa))
        return -ENOENT;
    for (unsigned i = 0; i < CXF_MAX_REGIONS; i++) {
        const struct cxf_region *r = f->region[i];
        if (!r || r->host != host)
            continue;
        for (unsigned p = 0; p < r->ways; p++) {
            const struct cxf_region_target *t = &r->target[p];
            const struct cxf_hdm_decoder *d = &t->dev->ld[t->ld].hdm.dec[t->decoder];
            if (t->dev != dev || t->ld != ld || !target_live(t) || ld_dpa < d->dpa_base ||
                ld_dpa - d->dpa_base >= d->dpa_size)
                continue;
            *hpa = r->base + cxf_il_hpa_offset(ld_dpa - d->dpa_base, p, r->ways, r->granularity);
            return 0;
        }
    }
    return -ENOENT;
}
