/*
 * node/wl_plugin.c - a workload from a shared object, spoken to through the
 * versioned ABI of node/plugin.h (docs/workloads.md).
 *
 *   plugin:so=PATH[,think=NS][,KEY=VALUE...]
 *     so     the shared object; a path without '/' means the current
 *            directory (not the dynamic linker's search path)
 *     think  virtual time between operations, as for every workload
 *     every other KEY=VALUE goes, in order, to the plugin's configure
 *
 * The plugin gets an opaque handle that is really the struct cxf_vcpu, and
 * the host's functions behind struct cxf_plugin_api; it never links
 * against the emulator, whose tools export no symbols.
 */
#include "node_priv.h"
#include "plugin.h"
#include "workloads.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

_Static_assert(CXF_PLUGIN_REGS == CXF_WL_REGS, "plugin registers are the vCPU's registers");

#define SO_MAX 256 /* a spec is at most 255 characters */

struct plugin_wl {
    void *dl;                     /* dlopen handle */
    const struct cxf_plugin *p;   /* set once it passed the checks */
    void *cfg;                    /* the plugin's own configuration */
};

/* ------------------------------------------------------- the host's side */

static struct cxf_vcpu *vcpu_of(struct cxf_plugin_cpu *c)
{
    return (struct cxf_vcpu *)c;
}

static struct cxf_plugin_cpu *cpu_of(struct cxf_vcpu *v)
{
    return (struct cxf_plugin_cpu *)v;
}

/* A bad argument faults the operation like a bad address would: the op is
 * undone and the VM fails with the reason, instead of the host crashing. */
static bool size_ok(struct cxf_vcpu *v, uint64_t gpa, unsigned size)
{
    if (size == 1 || size == 2 || size == 4 || size == 8)
        return true;
    cxf_tlb_fault(v, gpa, -EINVAL);
    return false;
}

/* Bulk accesses walk len bytes page by page even after a fault: a huge
 * length must not become a near-endless walk over the scratch page. */
static bool range_ok(struct cxf_vcpu *v, uint64_t gpa, uint64_t len)
{
    if (gpa <= v->vm->mem_size && len <= v->vm->mem_size - gpa)
        return true;
    cxf_tlb_fault(v, gpa, -EFAULT);
    return false;
}

static uint64_t api_ld(struct cxf_plugin_cpu *c, uint64_t gpa, unsigned size)
{
    return size_ok(vcpu_of(c), gpa, size) ? cxf_ld(vcpu_of(c), gpa, size) : 0;
}

static void api_st(struct cxf_plugin_cpu *c, uint64_t gpa, uint64_t val, unsigned size)
{
    if (size_ok(vcpu_of(c), gpa, size))
        cxf_st(vcpu_of(c), gpa, val, size);
}

static void api_copy(struct cxf_plugin_cpu *c, uint64_t dst, uint64_t src, uint64_t len)
{
    if (range_ok(vcpu_of(c), src, len) && range_ok(vcpu_of(c), dst, len))
        cxf_vm_copy(vcpu_of(c), dst, src, len);
}

static void api_fill(struct cxf_plugin_cpu *c, uint64_t dst, uint8_t byte, uint64_t len)
{
    if (range_ok(vcpu_of(c), dst, len))
        cxf_vm_fill(vcpu_of(c), dst, byte, len);
}

static int api_faulted(struct cxf_plugin_cpu *c)
{
    return vcpu_of(c)->fault != 0;
}

static uint64_t *api_regs(struct cxf_plugin_cpu *c)
{
    return vcpu_of(c)->regs.r;
}

static uint64_t api_rand(struct cxf_plugin_cpu *c)
{
    return cxf_rng_next(&vcpu_of(c)->regs.rng);
}

static uint64_t api_rand_below(struct cxf_plugin_cpu *c, uint64_t n)
{
    return n ? cxf_rng_below(&vcpu_of(c)->regs.rng, n) : 0;
}

static unsigned api_vcpu_id(struct cxf_plugin_cpu *c)
{
    return vcpu_of(c)->id;
}

static unsigned api_nvcpus(struct cxf_plugin_cpu *c)
{
    return vcpu_of(c)->vm->nvcpus;
}

static uint64_t api_mem_size(struct cxf_plugin_cpu *c)
{
    return vcpu_of(c)->vm->mem_size;
}

static uint64_t api_seed(struct cxf_plugin_cpu *c)
{
    return vcpu_of(c)->vm->seed;
}

static int api_read_raw(struct cxf_plugin_cpu *c, uint64_t gpa, void *buf, uint64_t len)
{
    return cxf_vm_read_raw(vcpu_of(c), gpa, buf, len);
}

static int api_write_raw(struct cxf_plugin_cpu *c, uint64_t gpa, const void *buf, uint64_t len)
{
    return cxf_vm_write_raw(vcpu_of(c), gpa, buf, len);
}

/* While the VM runs, an untimed access would escape timing, the undo
 * journal and dirty logging (a migration would silently lose the write):
 * it fails the VM instead. */
static int deny_read_raw(struct cxf_plugin_cpu *c, uint64_t gpa, void *buf, uint64_t len)
{
    (void)buf, (void)len;
    cxf_tlb_fault(vcpu_of(c), gpa, -EPERM);
    return -EPERM;
}

static int deny_write_raw(struct cxf_plugin_cpu *c, uint64_t gpa, const void *buf, uint64_t len)
{
    (void)buf, (void)len;
    cxf_tlb_fault(vcpu_of(c), gpa, -EPERM);
    return -EPERM;
}

#define API_COMMON                                                                              \
    .abi = CXF_PLUGIN_ABI, .ld = api_ld, .st = api_st, .copy = api_copy, .fill = api_fill,    \
    .faulted = api_faulted, .regs = api_regs, .rand = api_rand, .rand_below = api_rand_below, \
    .vcpu_id = api_vcpu_id, .nvcpus = api_nvcpus, .mem_size = api_mem_size, .seed = api_seed

/* setup and verify */
static const struct cxf_plugin_api load_api = {
    API_COMMON, .read_raw = api_read_raw, .write_raw = api_write_raw,
};

/* start and step */
static const struct cxf_plugin_api run_api = {
    API_COMMON, .read_raw = deny_read_raw, .write_raw = deny_write_raw,
};

/* ------------------------------------------------------------- loading */

/* A plugin's message becomes part of one error line: no line breaks or
 * other control characters survive. */
static int plugin_error(struct cxf_err *e, int rc, const char *name, char *msg, size_t cap,
                        const char *fallback)
{
    msg[cap - 1] = '\0';
    for (char *s = msg; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            *s = ' ';
    return cxf_fail(e, rc < 0 ? rc : -EINVAL, "plugin %s: %s", name, msg[0] ? msg : fallback);
}

static int plugin_check(const char *so, const struct cxf_plugin *p, struct cxf_err *e)
{
    if (!p)
        return cxf_fail(e, -ENOEXEC, "plugin %s: %s() returned NULL", so, CXF_PLUGIN_ENTRY);
    if (p->abi != CXF_PLUGIN_ABI)
        return cxf_fail(e, -ENOEXEC, "plugin %s: abi %u not supported (this build speaks %u)", so,
                        p->abi, CXF_PLUGIN_ABI);
    if (!p->name || !p->name[0])
        return cxf_fail(e, -ENOEXEC, "plugin %s: no name", so);
    if (!p->step)
        return cxf_fail(e, -ENOEXEC, "plugin %s: no step function", so);
    return 0;
}

static int plugin_load(struct plugin_wl *pw, const char *so, struct cxf_err *e)
{
    char path[SO_MAX + 2];
    struct stat st;
    bool bare = !strchr(so, '/');
    snprintf(path, sizeof(path), "%s%s", bare ? "./" : "", so);
    if (stat(path, &st)) {
        int err = errno;
        return cxf_fail(e, -err, "plugin %s: %s%s", so, strerror(err),
                        bare ? " (a name without '/' is in the current directory)" : "");
    }
    pw->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!pw->dl)
        return cxf_fail(e, -ENOEXEC, "plugin %s: cannot load: %s", so, dlerror());
    /* POSIX guarantees that dlsym's object pointer converts to a function */
    const struct cxf_plugin *(*entry)(void) =
        (const struct cxf_plugin *(*)(void))dlsym(pw->dl, CXF_PLUGIN_ENTRY);
    if (!entry)
        return cxf_fail(e, -ENOEXEC, "plugin %s: no %s() exported: not a cxlfab workload plugin",
                        so, CXF_PLUGIN_ENTRY);
    const struct cxf_plugin *p = entry();
    int rc = plugin_check(so, p, e);
    if (!rc)
        pw->p = p;
    return rc;
}

static int plugin_configure_own(struct plugin_wl *pw, const char *args, struct cxf_err *e)
{
    const struct cxf_plugin *p = pw->p;
    if (!p->configure)
        return args[0] ? cxf_fail(e, -EINVAL, "plugin %s takes no parameters (got '%s')",
                                  p->name, args)
                       : 0;
    char msg[sizeof(e->msg)] = "";
    int rc = p->configure(args, &pw->cfg, msg, sizeof(msg));
    return rc ? plugin_error(e, rc, p->name, msg, sizeof(msg), "bad parameters") : 0;
}

/* The spec's keys: so and think are the host's, the rest the plugin's. */
struct plugin_args {
    struct cxf_workload *w;
    char so[SO_MAX];
    char rest[SO_MAX];
};

static int plugin_param(void *ctx, const char *k, const char *v, struct cxf_err *e)
{
    struct plugin_args *a = ctx;
    int rc = cxf_wl_common_param(a->w, k, v, e);
    if (rc <= 0)
        return rc;
    if (!strcmp(k, "so")) {
        snprintf(a->so, sizeof(a->so), "%s", v);
        return 0;
    }
    size_t used = strlen(a->rest); /* fits: the whole spec is shorter than SO_MAX */
    snprintf(a->rest + used, sizeof(a->rest) - used, "%s%s=%s", used ? "," : "", k, v);
    return 0;
}

static int plugin_configure(struct cxf_workload *w, const char *params, struct cxf_err *e)
{
    struct plugin_wl *pw = calloc(1, sizeof(*pw));
    if (!pw)
        return cxf_fail(e, -ENOMEM, "out of memory");
    w->cfg = pw;
    struct plugin_args a = {.w = w};
    int rc = cxf_params_each(params, e, plugin_param, &a);
    if (rc)
        return rc;
    if (!a.so[0])
        return cxf_fail(e, -EINVAL, "workload plugin: so=PATH is required (the shared object)");
    if ((rc = plugin_load(pw, a.so, e)))
        return rc;
    return plugin_configure_own(pw, a.rest, e);
}

/* ---------------------------------------------------- the workload ops */

static int plugin_setup(struct cxf_workload *w, struct cxf_vcpu *v, struct cxf_err *e)
{
    const struct plugin_wl *pw = w->cfg;
    if (!pw->p->setup)
        return 0;
    int rc = pw->p->setup(pw->cfg, &load_api, cpu_of(v));
    if (rc)
        return cxf_fail(e, rc > 0 ? -EINVAL : rc, "plugin %s: setup failed (%d)", pw->p->name,
                        rc);
    return 0;
}

static void plugin_start(struct cxf_workload *w, struct cxf_vcpu *v)
{
    const struct plugin_wl *pw = w->cfg;
    if (pw->p->start)
        pw->p->start(pw->cfg, &run_api, cpu_of(v));
}

static int plugin_step(struct cxf_workload *w, struct cxf_vcpu *v)
{
    const struct plugin_wl *pw = w->cfg;
    return pw->p->step(pw->cfg, &run_api, cpu_of(v));
}

/* The verifier reads through vCPU 0, which has stopped: raw reads do not
 * touch its clock, TLB or journal. */
static int plugin_verify(struct cxf_workload *w, struct cxf_vm *vm, struct cxf_err *e)
{
    const struct plugin_wl *pw = w->cfg;
    if (!pw->p->verify)
        return 0;
    char msg[sizeof(e->msg)] = "";
    int rc = pw->p->verify(pw->cfg, &load_api, cpu_of(&vm->vcpu[0]), msg, sizeof(msg));
    return rc ? plugin_error(e, rc, pw->p->name, msg, sizeof(msg), "guest memory is inconsistent")
              : 0;
}

static void plugin_fini(struct cxf_workload *w)
{
    struct plugin_wl *pw = w->cfg;
    if (!pw)
        return;
    if (pw->p && pw->p->fini)
        pw->p->fini(pw->cfg);
    if (pw->dl)
        dlclose(pw->dl);
    free(pw);
}

const struct cxf_workload_ops cxf_wl_plugin = {
    .name = "plugin",
    .help = "plugin:so=PATH[,KEY=VALUE...] a workload from a shared object (docs/workloads.md)",
    .configure = plugin_configure,
    .setup = plugin_setup,
    .start = plugin_start,
    .step = plugin_step,
    .verify = plugin_verify,
    .fini = plugin_fini,
};
