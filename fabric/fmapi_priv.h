/*
 * fabric/fmapi_priv.h - shared between the fabric-manager API files
 * (fmapi.c: the switch's command sets; fmapi_ld.c: the MLD component command
 * set). Private to fabric/.
 */
#ifndef CXF_FMAPI_PRIV_H
#define CXF_FMAPI_PRIV_H

#include "cxl-dev/le.h"
#include "fabric.h"

/* CEL effects of Set LD Allocations (CXL 3.0 7.6.7.4.3): the new allocation
 * takes effect at once, and it changes what memory each LD reaches. Tunnel
 * Management reports the same, as it can carry that command. */
#define CXF_FM_SET_LD_EFFECTS (CXF_CEL_IMMEDIATE_CONFIG_CHANGE | CXF_CEL_IMMEDIATE_DATA_CHANGE)

/* The LD-owning device on an MLD port, or NULL: the MLD component command
 * set and Tunnel Management only reach MLDs (CXL 3.0 7.6.7.3, 7.6.7.4). */
struct cxf_dev *cxf_fm_mld_at(struct cxf_fabric *f, unsigned port);

/* A list-carrying payload is `hdr` bytes whose byte `count_at` counts the
 * entries of `entry` bytes that follow. Any other length is Invalid Payload
 * Length (CXL 3.0 8.2.8.4.5.1): the check every variable-size FM command
 * starts with. */
static inline bool cxf_fm_list_len_ok(const struct cxf_cci_req *req, size_t hdr, size_t count_at,
                                      size_t entry)
{
    return req->in_len >= hdr && req->in_len == hdr + req->in[count_at] * entry;
}

#endif /* CXF_FMAPI_PRIV_H */
