/*
 * node/workload.c - the workload registry, "name:k=v,..." specs, and the
 * parameter helpers every workload uses.
 */
#include "workloads.h"
#include "sim/parse.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct cxf_workload_ops *const registry[] = {
    &cxf_wl_gups, &cxf_wl_stream, &cxf_wl_ptrchase, &cxf_wl_idle, &cxf_wl_kv, &cxf_wl_plugin,
    &cxf_wl_trace,
};

const struct cxf_workload_ops *const *cxf_workloads(size_t *n)
{
    *n = sizeof(registry) / sizeof(registry[0]);
    return registry;
}

static const struct cxf_workload_ops *find(const char *name, size_t len)
{
    size_t n;
    const struct cxf_workload_ops *const *all = cxf_workloads(&n);
    for (size_t i = 0; i < n; i++)
        if (strlen(all[i]->name) == len && !strncmp(all[i]->name, name, len))
            return all[i];
    return NULL;
}

static void list_names(char *buf, size_t cap)
{
    size_t n, used = 0;
    const struct cxf_workload_ops *const *all = cxf_workloads(&n);
    buf[0] = '\0';
    for (size_t i = 0; i < n && used < cap; i++)
        used += (size_t)snprintf(buf + used, cap - used, "%s%s", i ? ", " : "", all[i]->name);
}

int cxf_workload_parse(struct cxf_workload *w, const char *spec, struct cxf_err *e)
{
    memset(w, 0, sizeof(*w));
    if (!spec || strlen(spec) >= sizeof(w->spec))
        return cxf_fail(e, -EINVAL, "workload spec must be 1-%zu characters", sizeof(w->spec) - 1);
    snprintf(w->spec, sizeof(w->spec), "%s", spec);
    const char *colon = strchr(spec, ':');
    size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
    w->ops = find(spec, len);
    if (!w->ops) {
        char names[160];
        list_names(names, sizeof(names));
        return cxf_fail(e, -EINVAL, "unknown workload '%.*s' (one of: %s)", (int)len, spec, names);
    }
    int rc = w->ops->configure(w, colon ? colon + 1 : "", e);
    if (rc)
        cxf_workload_fini(w);
    return rc;
}

void cxf_workload_fini(struct cxf_workload *w)
{
    if (w->ops && w->ops->fini)
        w->ops->fini(w);
    else
        free(w->cfg);
    w->cfg = NULL;
}

int cxf_params_each(const char *params, struct cxf_err *e,
                    int (*fn)(void *ctx, const char *k, const char *v, struct cxf_err *e),
                    void *ctx)
{
    char buf[256];
    if (strlen(params) >= sizeof(buf))
        return cxf_fail(e, -EINVAL, "workload parameters are too long");
    snprintf(buf, sizeof(buf), "%s", params);
    char *save = NULL;
    for (char *kv = strtok_r(buf, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(kv, '=');
        if (!eq || eq == kv || !eq[1])
            return cxf_fail(e, -EINVAL, "workload parameter '%s' is not key=value", kv);
        *eq = '\0';
        int rc = fn(ctx, kv, eq + 1, e);
        if (rc)
            return rc;
    }
    return 0;
}

int cxf_param_u64(const char *k, const char *v, uint64_t lo, uint64_t hi, uint64_t *out,
                  struct cxf_err *e)
{
    uint64_t x;
    if (cxf_parse_u64(v, true, &x) || x < lo || x > hi)
        return cxf_fail(e, -EINVAL, "workload parameter %s=%s: need a number from %llu to %llu",
                        k, v, (unsigned long long)lo, (unsigned long long)hi);
    *out = x;
    return 0;
}

int cxf_param_double(const char *k, const char *v, double lo, double hi, double *out,
                     struct cxf_err *e)
{
    char *end;
    double x = strtod(v, &end);
    if (end == v || *end || !isfinite(x) || x < lo || x > hi)
        return cxf_fail(e, -EINVAL, "workload parameter %s=%s: need a number from %g to %g", k, v,
                        lo, hi);
    *out = x;
    return 0;
}

int cxf_wl_common_param(struct cxf_workload *w, const char *k, const char *v, struct cxf_err *e)
{
    if (!strcmp(k, "think"))
        return cxf_param_u64(k, v, 0, CXF_SEC(1), &w->think_ns, e);
    return 1; /* not a common parameter */
}

int cxf_wl_unknown(const char *wl, const char *k, const char *keys, struct cxf_err *e)
{
    return cxf_fail(e, -EINVAL, "workload %s: unknown parameter '%s' (known: %s, think)", wl, k,
                    keys);
}

uint64_t cxf_wl_mix(uint64_t seed, uint64_t i)
{
    uint64_t s = seed ^ (i * 0x9e3779b97f4a7c15ull);
    return cxf_splitmix64(&s);
}
