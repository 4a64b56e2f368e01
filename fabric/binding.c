/*
 * fabric/binding.c - vPPB bindings: which logical device each virtual CXL
 * switch port reaches (CXL 3.0 7.6.7.2.2-3, Bind / Unbind vPPB).
 *
 * The spec names no dedicated return code for the wrong-state cases (bind a
 * bound vPPB, an LD bound elsewhere, a bad port or LD); Invalid Input is the
 * only code that fits and is what we return. An LD is bound to at most one
 * vPPB. Unbinding is a hot-remove from the host's point of view: the LD's
 * HDM decoders are reset, so the next host to bind it programs them afresh.
 */
#include "fabric.h"

int cxf_fabric_ld_binding(const struct cxf_fabric *f, unsigned port, uint16_t ld, unsigned *vcs,
                          unsigned *vppb)
{
    for (unsigned i = 0; i < f->nvcs; i++) {
        for (unsigned j = 0; j < f->vcs[i].nvppbs; j++) {
            const struct cxf_vppb *v = &f->vcs[i].vppb[j];
            if (v->status != CXF_VPPB_UNBOUND && v->port == port && v->ld == ld) {
                if (vcs)
                    *vcs = i;
                if (vppb)
                    *vppb = j;
                return 0;
            }
        }
    }
    return -1;
}

/* Is (port, ld) something a vPPB can bind to? */
static bool bindable(const struct cxf_fabric *f, unsigned port, uint16_t ld)
{
    if (port >= f->nports || f->port[port].kind != CXF_PORT_DSP)
        return false;
    const struct cxf_dev *d = f->port[port].dev;
    if (d->mld)
        return ld < d->num_lds;
    return ld == CXF_LD_FM_OWNED; /* non-MLD endpoints bind with LD-ID FFFFh */
}

uint16_t cxf_fabric_bind(struct cxf_fabric *f, unsigned vcs, unsigned vppb, unsigned port,
                         uint16_t ld)
{
    if (vcs >= f->nvcs || vppb >= f->vcs[vcs].nvppbs || !bindable(f, port, ld))
        return CXF_RC_INVALID_INPUT;
    struct cxf_vppb *v = &f->vcs[vcs].vppb[vppb];
    if (v->status != CXF_VPPB_UNBOUND || cxf_fabric_ld_binding(f, port, ld, NULL, NULL) == 0)
        return CXF_RC_INVALID_INPUT;
    v->port = port;
    v->ld = ld;
    v->status = f->port[port].dev->mld ? CXF_VPPB_BOUND_LD : CXF_VPPB_BOUND_PORT;
    f->generation++;
    return CXF_RC_SUCCESS;
}

uint16_t cxf_fabric_unbind(struct cxf_fabric *f, unsigned vcs, unsigned vppb)
{
    if (vcs >= f->nvcs || vppb >= f->vcs[vcs].nvppbs)
        return CXF_RC_INVALID_INPUT;
    struct cxf_vppb *v = &f->vcs[vcs].vppb[vppb];
    if (v->status == CXF_VPPB_UNBOUND)
        return CXF_RC_INVALID_INPUT;
    struct cxf_dev *d = f->port[v->port].dev;
    struct cxf_ld *ld = cxf_dev_ld(d, v->ld == CXF_LD_FM_OWNED ? 0 : v->ld);
    if (ld)
        cxf_hdm_reset(&ld->hdm);
    v->status = CXF_VPPB_UNBOUND;
    v->port = 0;
    v->ld = 0;
    f->generation++;
    return CXF_RC_SUCCESS;
}
