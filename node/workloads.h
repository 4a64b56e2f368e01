/*
 * node/workloads.h - the built-in workloads and what they share. Private to
 * node/ (the public interface is struct cxf_workload_ops in node.h).
 */
#ifndef CXF_WORKLOADS_H
#define CXF_WORKLOADS_H

#include "node.h"

extern const struct cxf_workload_ops cxf_wl_gups;
extern const struct cxf_workload_ops cxf_wl_stream;
extern const struct cxf_workload_ops cxf_wl_ptrchase;
extern const struct cxf_workload_ops cxf_wl_idle;
extern const struct cxf_workload_ops cxf_wl_trace;
extern const struct cxf_workload_ops cxf_wl_kv;
extern const struct cxf_workload_ops cxf_wl_plugin;

/* Parameters every workload takes ("think=NS"); 1 if k is not one. */
int cxf_wl_common_param(struct cxf_workload *w, const char *k, const char *v, struct cxf_err *e);
int cxf_wl_unknown(const char *wl, const char *k, const char *keys, struct cxf_err *e);
/* A well-mixed 64-bit value of (seed, i): seeded initial contents. */
uint64_t cxf_wl_mix(uint64_t seed, uint64_t i);

#endif
