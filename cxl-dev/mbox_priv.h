/*
 * cxl-dev/mbox_priv.h - shared between the memory-device command files.
 * Private to cxl-dev/.
 */
#ifndef CXF_MBOX_PRIV_H
#define CXF_MBOX_PRIV_H

#include "cxldev.h"
#include "le.h"

struct mbox_ctx {
    struct cxf_dev *dev;
    struct cxf_ld *ld;
};

uint16_t cxf_mbox_identify(void *ctx, struct cxf_cci_req *req);
uint16_t cxf_mbox_partition_info(void *ctx, struct cxf_cci_req *req);
uint16_t cxf_mbox_health_info(void *ctx, struct cxf_cci_req *req);
uint16_t cxf_mbox_get_lsa(void *ctx, struct cxf_cci_req *req);
uint16_t cxf_mbox_set_lsa(void *ctx, struct cxf_cci_req *req);
uint16_t cxf_mbox_get_poison_list(void *ctx, struct cxf_cci_req *req);
uint16_t cxf_mbox_inject_poison(void *ctx, struct cxf_cci_req *req);
uint16_t cxf_mbox_clear_poison(void *ctx, struct cxf_cci_req *req);
uint16_t cxf_mbox_get_event_records(void *ctx, struct cxf_cci_req *req);
uint16_t cxf_mbox_clear_event_records(void *ctx, struct cxf_cci_req *req);
uint16_t cxf_mbox_get_supported_logs(void *ctx, struct cxf_cci_req *req);
uint16_t cxf_mbox_get_log(void *ctx, struct cxf_cci_req *req);

#endif
