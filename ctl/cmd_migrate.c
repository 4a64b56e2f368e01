/*
 * ctl/cmd_migrate.c - migrate.* commands: start, status, cancel, wait.
 * Argument names are QEMU's migration parameter names where one exists
 * (downtime-limit, max-bandwidth, cpu-throttle-* as throttle-*).
 */
#include "ctl_priv.h"

#include <errno.h>
#include <string.h>

const char *const cxf_ctl_mig_keys[] = {
    "vm", "to", "mode", "hybrid-rounds", "downtime-limit", "max-bandwidth", "max-rounds",
    "max-rounds-action", "auto-converge", "throttle-initial", "throttle-increment",
    "throttle-max", "policy", "touch-threshold", "prefetch-window", "batch-pages", "transport",
    "net-bandwidth", "net-latency", NULL};

/* "fabric", "net" or "net:RATE" */
static int transport_arg(struct json_object *args, struct cxf_mig_params *p, struct cxf_err *e)
{
    const char *t = NULL;
    int rc = cxf_arg_str(args, "transport", false, &t, e);
    if (rc || !t)
        return rc;
    if (!strcmp(t, "fabric")) {
        p->transport = CXF_XPORT_FABRIC;
        return 0;
    }
    if (strncmp(t, "net", 3) || (t[3] && t[3] != ':'))
        return cxf_fail(e, -EINVAL, "argument 'transport' must be fabric, net or net:RATE");
    p->transport = CXF_XPORT_NET;
    if (!t[3])
        return 0;
    struct json_object *rate = json_object_new_object();
    json_object_object_add(rate, "transport", json_object_new_string(t + 4));
    rc = cxf_arg_rate(rate, "transport", &p->net_bandwidth, e);
    json_object_put(rate);
    if (!rc && !p->net_bandwidth)
        rc = cxf_fail(e, -EINVAL, "argument 'transport': the network rate must not be 0");
    return rc;
}

static int names_arg(struct json_object *args, const char *key, int (*parse)(const char *, void *),
                     void *out, const char *choices, struct cxf_err *e)
{
    const char *s = NULL;
    int rc = cxf_arg_str(args, key, false, &s, e);
    if (rc || !s)
        return rc;
    if (parse(s, out))
        return cxf_fail(e, -EINVAL, "argument '%s' must be one of %s, not '%.40s'", key, choices,
                        s);
    return 0;
}

static int parse_mode(const char *s, void *out) { return cxf_mig_mode_parse(s, out); }
static int parse_policy(const char *s, void *out) { return cxf_pull_policy_parse(s, out); }
static int parse_action(const char *s, void *out)
{
    enum cxf_rounds_action *a = out;
    if (!strcmp(s, "force"))
        return *a = CXF_ROUNDS_FORCE, 0;
    if (!strcmp(s, "fail"))
        return *a = CXF_ROUNDS_FAIL, 0;
    return -EINVAL;
}

static int throttle_args(struct json_object *args, struct cxf_mig_params *p, struct cxf_err *e)
{
    int rc = cxf_arg_bool(args, "auto-converge", &p->auto_converge, e);
    if (!rc)
        rc = cxf_arg_unsigned(args, "throttle-initial", false, 1, 99, &p->throttle_initial, e);
    if (!rc)
        rc = cxf_arg_unsigned(args, "throttle-increment", false, 1, 99, &p->throttle_increment, e);
    if (!rc)
        rc = cxf_arg_unsigned(args, "throttle-max", false, 1, 99, &p->throttle_max, e);
    if (!rc && p->throttle_initial > p->throttle_max)
        rc = cxf_fail(e, -EINVAL, "throttle-initial (%u) is above throttle-max (%u)",
                      p->throttle_initial, p->throttle_max);
    return rc;
}

static int pull_args(struct json_object *args, struct cxf_mig_params *p, struct cxf_err *e)
{
    int rc = names_arg(args, "policy", parse_policy, &p->policy, "linear, hot-first, prefetch", e);
    if (!rc)
        rc = cxf_arg_unsigned(args, "touch-threshold", false, 1, 1000000, &p->touch_threshold, e);
    if (!rc)
        rc = cxf_arg_unsigned(args, "prefetch-window", false, 0, 4096, &p->prefetch_window, e);
    if (!rc)
        rc = cxf_arg_unsigned(args, "batch-pages", false, 1, CXF_MIG_BATCH_MAX, &p->batch_pages, e);
    return rc;
}

int cxf_ctl_mig_params(struct cxf_ctl *c, struct json_object *args, struct cxf_mig_params *p,
                       struct cxf_err *e)
{
    cxf_mig_params_default(p);
    int rc = cxf_ctl_node(c, args, "to", true, &p->dst_node, e);
    if (!rc)
        rc = names_arg(args, "mode", parse_mode, &p->mode, "precopy, postcopy, hybrid, pool-staged",
                       e);
    if (!rc)
        rc = cxf_arg_unsigned(args, "hybrid-rounds", false, 1, 1000, &p->hybrid_rounds, e);
    if (!rc)
        rc = cxf_arg_duration(args, "downtime-limit", false, CXF_MS(1), &p->downtime_limit_ns, e);
    if (!rc)
        rc = cxf_arg_rate(args, "max-bandwidth", &p->max_bandwidth, e);
    if (!rc)
        rc = cxf_arg_unsigned(args, "max-rounds", false, 1, 100000, &p->max_rounds, e);
    if (!rc)
        rc = names_arg(args, "max-rounds-action", parse_action, &p->max_rounds_action,
                       "force, fail", e);
    if (!rc)
        rc = throttle_args(args, p, e);
    if (!rc)
        rc = pull_args(args, p, e);
    if (!rc)
        rc = transport_arg(args, p, e);
    if (!rc)
        rc = cxf_arg_rate(args, "net-bandwidth", &p->net_bandwidth, e);
    if (!rc)
        rc = cxf_arg_duration(args, "net-latency", false, 1, &p->net_latency_ns, e);
    if (!rc && !p->net_bandwidth)
        rc = cxf_fail(e, -EINVAL, "argument 'net-bandwidth' must not be 0");
    if (!rc && json_object_object_get_ex(args, "hybrid-rounds", NULL) &&
        p->mode != CXF_MIG_HYBRID)
        rc = cxf_fail(e, -EINVAL, "argument 'hybrid-rounds' needs mode hybrid");
    return rc;
}

static int mig_start(struct cxf_ctl *c, struct json_object *args, struct json_object **result,
                     struct cxf_ctl_wait *wait, struct cxf_err *e)
{
    (void)wait;
    const char *vm = NULL;
    struct cxf_mig_params p;
    int rc = cxf_arg_str(args, "vm", true, &vm, e);
    if (!rc)
        rc = cxf_ctl_mig_params(c, args, &p, e);
    struct cxf_migration *m;
    if (!rc)
        rc = cxf_migrate_start(c->w, vm, &p, &m, e);
    if (!rc)
        *result = cxf_migration_json(m);
    return rc;
}

/* The newest migration of the VM named in args. */
static int migration_of(struct cxf_ctl *c, struct json_object *args, struct cxf_migration **m,
                        struct cxf_err *e)
{
    const char *vm = NULL;
    int rc = cxf_arg_str(args, "vm", true, &vm, e);
    if (rc)
        return rc;
    *m = cxf_world_migration(c->w, vm);
    if (!*m)
        return cxf_fail(e, -ENOENT, "VM '%.40s' has never migrated", vm);
    return 0;
}

static int mig_status(struct cxf_ctl *c, struct json_object *args, struct json_object **result,
                      struct cxf_ctl_wait *wait, struct cxf_err *e)
{
    (void)wait;
    if (json_object_object_get_ex(args, "vm", NULL)) {
        struct cxf_migration *m;
        int rc = migration_of(c, args, &m, e);
        if (!rc)
            *result = cxf_migration_json(m);
        return rc;
    }
    struct json_object *arr = json_object_new_array();
    for (struct cxf_migration *m = c->w->migs; m; m = cxf_migration_next(m))
        json_object_array_add(arr, cxf_migration_json(m));
    *result = json_object_new_object();
    json_object_object_add(*result, "migrations", arr);
    return 0;
}

static int mig_cancel(struct cxf_ctl *c, struct json_object *args, struct json_object **result,
                      struct cxf_ctl_wait *wait, struct cxf_err *e)
{
    (void)wait;
    struct cxf_migration *m;
    int rc = migration_of(c, args, &m, e);
    if (!rc)
        rc = cxf_migrate_cancel(m, e);
    if (!rc)
        *result = cxf_migration_json(m);
    return rc;
}

static int mig_wait(struct cxf_ctl *c, struct json_object *args, struct json_object **result,
                    struct cxf_ctl_wait *wait, struct cxf_err *e)
{
    struct cxf_migration *m;
    cxf_time_t timeout = 0;
    int rc = migration_of(c, args, &m, e);
    if (!rc)
        rc = cxf_arg_duration(args, "timeout", false, 1, &timeout, e);
    if (rc)
        return rc;
    if (cxf_migration_finished(m)) {
        *result = cxf_migration_json(m);
        return 0;
    }
    if (!wait)
        return cxf_fail(e, -ENOTSUP, "migrate.wait answers later; only the daemon runs it");
    wait->kind = CXF_WAIT_MIGRATION;
    wait->mig_id = cxf_migration_id(m);
    wait->deadline = timeout ? c->w->sim.now + timeout : 0;
    snprintf(wait->vm, sizeof(wait->vm), "%s", cxf_migration_vm_name(m));
    return CXF_CTL_LATER;
}

static const char *const vm_key[] = {"vm", NULL};
static const char *const status_keys[] = {"vm", NULL};
static const char *const wait_keys[] = {"vm", "timeout", NULL};

const struct cxf_ctl_cmd cxf_ctl_mig_cmds[] = {
    {{"migrate.start", "vm, to, mode, and the parameters in docs/protocol.md",
      "start migrating a VM to another node"},
     cxf_ctl_mig_keys, mig_start},
    {{"migrate.status", "[vm]", "a VM's newest migration (or every migration), QEMU-style"},
     status_keys, mig_status},
    {{"migrate.cancel", "vm", "cancel a migration before its switch-over"}, vm_key, mig_cancel},
    {{"migrate.wait", "vm, timeout",
      "answer when the VM's migration has ended (timeout in virtual time)"},
     wait_keys, mig_wait},
    {{NULL, NULL, NULL}, NULL, NULL},
};
