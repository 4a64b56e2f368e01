/*
 * tools/plugins/test/broken.c - deliberately broken plugins, the fixtures of
 * tests/unit/test_wl_plugin.c. `make check` builds one shared object per
 * variant, build/lib/test-<variant>.so, with -DBROKEN_<variant>:
 *
 *   noentry  exports no cxf_plugin_entry
 *   null     cxf_plugin_entry returns NULL
 *   abi99    speaks ABI 99
 *   nostep   has no step function
 *   noconf   has no configure: takes no parameters, runs with cfg NULL
 *   misuse   loads fine; its do=... parameter picks what goes wrong:
 *            lines (configure fails with a two-line message), raw (step
 *            writes untimed), size (step loads 3 bytes), fail (step
 *            returns -EIO), verify (the verifier complains)
 */
#include "node/plugin.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum misuse { M_NONE, M_RAW, M_SIZE, M_FAIL, M_VERIFY };

static const char *const misuse_names[] = {"none", "raw", "size", "fail", "verify"};
static const enum misuse misuses[] = {M_NONE, M_RAW, M_SIZE, M_FAIL, M_VERIFY};

static int broken_configure(const char *params, void **cfg, char *err, size_t errlen)
{
    if (!strcmp(params, "do=lines")) {
        snprintf(err, errlen, "first line\nsecond line");
        return -EINVAL;
    }
    for (int m = 0; m < (int)(sizeof(misuse_names) / sizeof(misuse_names[0])); m++) {
        char want[32];
        snprintf(want, sizeof(want), "do=%s", misuse_names[m]);
        if (!strcmp(params, want)) {
            *cfg = (void *)&misuses[m]; /* static: nothing to free */
            return 0;
        }
    }
    snprintf(err, errlen, "unknown parameters '%s'", params);
    return -EINVAL;
}

static enum misuse misuse_of(const void *cfg)
{
    return cfg ? *(const enum misuse *)cfg : M_NONE;
}

static int broken_step(const void *cfg, const struct cxf_plugin_api *api,
                       struct cxf_plugin_cpu *cpu)
{
    uint64_t x = api->rand(cpu);
    switch (misuse_of(cfg)) {
    case M_RAW:
        return api->write_raw(cpu, 0, &x, sizeof(x));
    case M_SIZE:
        return (int)api->ld(cpu, 0, 3);
    case M_FAIL:
        return -EIO;
    default:
        api->st(cpu, 8 * api->vcpu_id(cpu), x, 8);
        return 0;
    }
}

static int broken_verify(const void *cfg, const struct cxf_plugin_api *api,
                         struct cxf_plugin_cpu *cpu, char *err, size_t errlen)
{
    (void)api, (void)cpu;
    if (misuse_of(cfg) != M_VERIFY)
        return 0;
    snprintf(err, errlen, "bad\r\nmemory");
    return -EIO;
}

static struct cxf_plugin broken = {
    .abi = CXF_PLUGIN_ABI,
    .name = "broken",
    .configure = broken_configure,
    .step = broken_step,
    .verify = broken_verify,
};

/* An otherwise working plugin with the variant's one defect. */
static const struct cxf_plugin *variant(void)
{
#if defined(BROKEN_abi99)
    broken.abi = 99;
#elif defined(BROKEN_nostep)
    broken.step = NULL;
#elif defined(BROKEN_noconf)
    broken.configure = NULL;
#elif defined(BROKEN_null)
    return NULL;
#endif
    return &broken;
}

#ifdef BROKEN_noentry
/* the plugin under another name: only the entry point is missing */
const struct cxf_plugin *cxf_plugin_not_an_entry(void);
const struct cxf_plugin *cxf_plugin_not_an_entry(void)
#else
const struct cxf_plugin *cxf_plugin_entry(void)
#endif
{
    return variant();
}
