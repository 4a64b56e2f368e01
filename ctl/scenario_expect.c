/*
 * ctl/scenario_expect.c - what a scenario expects, and the verdict: the
 * run's outcome against it, one line per thing that differs. A scenario
 * passes only when nothing differs, so `cxl-fabricd --scenario` exits 0
 * exactly when the outcome is the expected one.
 */
#include "scenario_priv.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

static const char *const integrities[] = {"match", "mismatch", "vm-lost", NULL};

/* A name that must be one of `names` (NULL-terminated) or, with `status`,
 * a migration status. */
static int one_of(struct json_object *o, const char *key, const char *const *names,
                  const char **out, struct cxf_err *e)
{
    const char *s = NULL;
    int rc = cxf_arg_str(o, key, false, &s, e);
    if (rc || !s)
        return rc;
    bool ok = false;
    char known[160] = "";
    for (const char *const *n = names; *n; n++) {
        size_t l = strlen(known);
        snprintf(known + l, sizeof(known) - l, "%s%s", l ? ", " : "", *n);
        ok = ok || !strcmp(*n, s);
    }
    if (!ok)
        return cxf_fail(e, -EINVAL, "argument '%s' must be one of %s, not '%.40s'", key, known, s);
    *out = s;
    return 0;
}

static int status_arg(struct json_object *o, const char *key, const char **out, struct cxf_err *e)
{
    const char *names[CXF_MIG_STATUS_COUNT + 1];
    for (int s = 0; s < CXF_MIG_STATUS_COUNT; s++)
        names[s] = cxf_mig_status_name((enum cxf_mig_status)s);
    names[CXF_MIG_STATUS_COUNT] = NULL;
    return one_of(o, key, names, out, e);
}

/* "saw-status": a status or an array of them. */
static int saw_arg(struct json_object *o, uint32_t *saw, struct cxf_err *e)
{
    struct json_object *v = NULL;
    if (!json_object_object_get_ex(o, "saw-status", &v) || !v)
        return 0;
    bool array = json_object_is_type(v, json_type_array);
    size_t n = array ? json_object_array_length(v) : 1;
    for (size_t i = 0; i < n; i++) {
        struct json_object *one = json_object_new_object();
        const char *name = NULL;
        json_object_object_add(one, "saw-status",
                               json_object_get(array ? json_object_array_get_idx(v, i) : v));
        int rc = status_arg(one, "saw-status", &name, e);
        if (!rc && name)
            *saw |= 1u << cxf_scn_status(name);
        json_object_put(one);
        if (rc)
            return rc;
    }
    return 0;
}

static bool is_number(struct json_object *v)
{
    return json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double);
}

/* "metrics": {"ram.postcopy-requests": {"min": 1}, "downtime": {"max": 5}} */
static int metrics_arg(struct json_object *o, struct json_object **out, struct cxf_err *e)
{
    static const char *const keys[] = {"min", "max", NULL};
    struct json_object *m = NULL;
    if (!json_object_object_get_ex(o, "metrics", &m) || !m)
        return 0;
    if (!json_object_is_type(m, json_type_object))
        return cxf_fail(e, -EINVAL, "argument 'metrics' must be an object "
                        "{\"dotted.path\": {\"min\": N, \"max\": N}}");
    json_object_object_foreach(m, path, bounds) {
        char where[96];
        snprintf(where, sizeof(where), "metrics.%.60s", path);
        if (!bounds || !json_object_is_type(bounds, json_type_object) ||
            !json_object_object_length(bounds))
            return cxf_fail(e, -EINVAL, "%s must be an object with \"min\" and/or \"max\"", where);
        int rc = cxf_args_known(bounds, where, keys, e);
        if (rc)
            return rc;
        json_object_object_foreach(bounds, k, v) {
            if (!v || !is_number(v))
                return cxf_fail(e, -EINVAL, "%s.%s must be a number", where, k);
        }
    }
    *out = m;
    return 0;
}

int cxf_scn_expect_parse(struct scn_expect *x, struct json_object *o, struct cxf_err *e)
{
    static const char *const keys[] = {"status", "vm-outcome", "integrity", "reason",
                                       "saw-status", "metrics", NULL};
    static const char *const outcomes[] = {"running-on-source", "running-on-destination",
                                           "lost", "none", NULL};
    memset(x, 0, sizeof(*x));
    x->json = o;
    int rc = cxf_args_known(o, "expect", keys, e);
    if (rc)
        return rc;
    rc = status_arg(o, "status", &x->status, e);
    if (!rc)
        rc = one_of(o, "vm-outcome", outcomes, &x->outcome, e);
    if (!rc)
        rc = one_of(o, "integrity", integrities, &x->integrity, e);
    if (!rc && !x->integrity)
        rc = cxf_fail(e, -EINVAL, "missing argument 'integrity' (match, mismatch or vm-lost)");
    if (!rc)
        rc = cxf_arg_str(o, "reason", false, &x->reason, e);
    if (!rc)
        rc = saw_arg(o, &x->saw, e);
    if (!rc)
        rc = metrics_arg(o, &x->metrics, e);
    return rc ? cxf_scn_at(e, rc, "expect") : 0;
}

/* ------------------------------------------------------------- verdict */

static const char *str_of(struct json_object *o, const char *key)
{
    struct json_object *v = NULL;
    return json_object_object_get_ex(o, key, &v) && v ? json_object_get_string(v) : "";
}

static void differs(struct json_object *fails, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void differs(struct json_object *fails, const char *fmt, ...)
{
    char line[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    json_object_array_add(fails, json_object_new_string(line));
}

static void same(struct json_object *fails, struct json_object *outcome, const char *key,
                 const char *want)
{
    const char *got = str_of(outcome, key);
    if (want && strcmp(want, got))
        differs(fails, "%s: expected %s, got %s", key, want, got);
}

/* The value at a dotted path ("ram.transferred"), or NULL. */
static struct json_object *at_path(struct json_object *o, const char *path)
{
    char buf[128];
    snprintf(buf, sizeof(buf), "%s", path);
    char *save = NULL;
    for (char *k = strtok_r(buf, ".", &save); k && o; k = strtok_r(NULL, ".", &save))
        if (!json_object_object_get_ex(o, k, &o))
            return NULL;
    return o;
}

static void judge_metrics(struct json_object *fails, struct json_object *metrics,
                          struct json_object *migration)
{
    json_object_object_foreach(metrics, path, bounds) {
        struct json_object *v = migration ? at_path(migration, path) : NULL;
        if (!v || !is_number(v)) {
            differs(fails, "metrics: '%s' is not a number in the migration report", path);
            continue;
        }
        double got = json_object_get_double(v);
        struct json_object *lim;
        if (json_object_object_get_ex(bounds, "min", &lim) && got < json_object_get_double(lim))
            differs(fails, "metrics: %s is %g, expected at least %g", path, got,
                    json_object_get_double(lim));
        if (json_object_object_get_ex(bounds, "max", &lim) && got > json_object_get_double(lim))
            differs(fails, "metrics: %s is %g, expected at most %g", path, got,
                    json_object_get_double(lim));
    }
}

struct json_object *cxf_scn_judge(const struct scn_expect *x, struct json_object *outcome,
                                  struct json_object *migration, uint32_t seen)
{
    struct json_object *fails = json_object_new_array();
    same(fails, outcome, "status", x->status);
    same(fails, outcome, "vm-outcome", x->outcome);
    same(fails, outcome, "integrity", x->integrity);
    if (x->reason && !strstr(str_of(outcome, "reason"), x->reason))
        differs(fails, "reason: expected it to contain '%s', got '%s'", x->reason,
                str_of(outcome, "reason"));
    for (int s = 0; s < CXF_MIG_STATUS_COUNT; s++)
        if ((x->saw & ~seen) & (1u << s))
            differs(fails, "saw-status: the migration was never seen %s",
                    cxf_mig_status_name((enum cxf_mig_status)s));
    if (x->metrics)
        judge_metrics(fails, x->metrics, migration);
    return fails;
}
