/*
 * ctl/args.c - strict access to a command's JSON arguments.
 *
 * Requests come from people and from hostile clients alike: every key must
 * be known, every value of the right type and range, and a failure is one
 * line that names the key. Nothing here changes the world.
 */
#include "ctl_priv.h"
#include "sim/parse.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

int cxf_args_known(struct json_object *o, const char *where, const char *const *keys,
                   struct cxf_err *e)
{
    json_object_object_foreach(o, k, v) {
        (void)v;
        bool ok = false;
        for (const char *const *p = keys; p && *p && !ok; p++)
            ok = !strcmp(k, *p);
        if (ok)
            continue;
        char known[160] = "";
        for (const char *const *p = keys; p && *p; p++) {
            size_t n = strlen(known);
            snprintf(known + n, sizeof(known) - n, "%s%s", n ? ", " : "", *p);
        }
        return cxf_fail(e, -EINVAL, "%s: unknown argument '%.40s' (%s%s)", where, k,
                        keys && *keys ? "known: " : "it takes none", known);
    }
    return 0;
}

/* The value at key, or NULL when absent (an error when required). */
static int get(struct json_object *o, const char *key, bool required, struct json_object **v,
               struct cxf_err *e)
{
    *v = NULL;
    if (json_object_object_get_ex(o, key, v) && *v)
        return 0;
    *v = NULL;
    return required ? cxf_fail(e, -EINVAL, "missing argument '%s'", key) : 0;
}

static const char *type_name(struct json_object *v)
{
    return json_type_to_name(json_object_get_type(v));
}

int cxf_arg_str(struct json_object *o, const char *key, bool required, const char **out,
                struct cxf_err *e)
{
    struct json_object *v;
    int rc = get(o, key, required, &v, e);
    if (rc || !v)
        return rc;
    if (!json_object_is_type(v, json_type_string))
        return cxf_fail(e, -EINVAL, "argument '%s' must be a string, not %s", key, type_name(v));
    if (strlen(json_object_get_string(v)) != (size_t)json_object_get_string_len(v))
        return cxf_fail(e, -EINVAL, "argument '%s' must not contain NUL characters", key);
    *out = json_object_get_string(v);
    return 0;
}

int cxf_arg_name(struct json_object *o, const char *key, bool required, const char **out,
                 struct cxf_err *e)
{
    const char *s = NULL;
    int rc = cxf_arg_str(o, key, required, &s, e);
    if (rc || !s)
        return rc;
    if (!*s || strlen(s) >= CXF_NAME_MAX || !cxf_name_chars_valid(s))
        return cxf_fail(e, -EINVAL,
                        "argument '%s' must be a name of 1 to %u letters, digits, '-', '_' or '.'",
                        key, CXF_NAME_MAX - 1);
    *out = s;
    return 0;
}

int cxf_arg_bool(struct json_object *o, const char *key, bool *out, struct cxf_err *e)
{
    struct json_object *v;
    get(o, key, false, &v, e);
    if (!v)
        return 0;
    if (!json_object_is_type(v, json_type_boolean))
        return cxf_fail(e, -EINVAL, "argument '%s' must be true or false, not %s", key,
                        type_name(v));
    *out = json_object_get_boolean(v);
    return 0;
}

/* An integer value, or a string holding one; false when it is neither. */
static int number_of(struct json_object *v, bool size, uint64_t *n)
{
    if (json_object_is_type(v, json_type_int)) {
        if (json_object_get_int64(v) < 0)
            return -ERANGE;
        *n = json_object_get_uint64(v);
        return *n == UINT64_MAX ? -ERANGE : 0; /* json-c saturates past 64 bits */
    }
    if (json_object_is_type(v, json_type_string))
        return cxf_parse_u64(json_object_get_string(v), size, n);
    return -EINVAL;
}

int cxf_arg_u64(struct json_object *o, const char *key, bool required, uint64_t lo, uint64_t hi,
                bool size, uint64_t *out, struct cxf_err *e)
{
    struct json_object *v;
    int rc = get(o, key, required, &v, e);
    if (rc || !v)
        return rc;
    uint64_t n = 0;
    rc = number_of(v, size, &n);
    if (rc == -EINVAL)
        return cxf_fail(e, -EINVAL, "argument '%s' must be %s", key,
                        size ? "a size (bytes, or a string such as \"256M\")" : "an integer");
    if (rc || n < lo || n > hi)
        return cxf_fail(e, -ERANGE, "argument '%s' must be from %" PRIu64 " to %" PRIu64, key, lo,
                        hi);
    *out = n;
    return 0;
}

int cxf_arg_unsigned(struct json_object *o, const char *key, bool required, unsigned lo,
                     unsigned hi, unsigned *out, struct cxf_err *e)
{
    uint64_t n = *out;
    int rc = cxf_arg_u64(o, key, required, lo, hi, false, &n, e);
    if (!rc)
        *out = (unsigned)n;
    return rc;
}

int cxf_arg_duration(struct json_object *o, const char *key, bool required, uint64_t bare_unit_ns,
                     cxf_time_t *out, struct cxf_err *e)
{
    struct json_object *v;
    int rc = get(o, key, required, &v, e);
    if (rc || !v)
        return rc;
    uint64_t ns = 0;
    if (json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double)) {
        rc = cxf_parse_duration(json_object_get_string(v), bare_unit_ns, &ns);
        if (json_object_get_double(v) < 0)
            rc = -EINVAL;
    } else if (json_object_is_type(v, json_type_string)) {
        rc = cxf_parse_duration(json_object_get_string(v), bare_unit_ns, &ns);
    } else {
        rc = -EINVAL;
    }
    if (rc == -ERANGE || (!rc && ns > CXF_SEC(1000000)))
        return cxf_fail(e, -ERANGE, "argument '%s' is too long a time", key);
    if (rc)
        return cxf_fail(e, -EINVAL, "argument '%s' must be a duration such as \"500us\", \"2ms\", \"1s\"",
                        key);
    *out = ns;
    return 0;
}

int cxf_arg_rate(struct json_object *o, const char *key, uint64_t *out, struct cxf_err *e)
{
    struct json_object *v;
    get(o, key, false, &v, e);
    if (!v)
        return 0;
    uint64_t r = 0;
    int rc = json_object_is_type(v, json_type_int) ? number_of(v, false, &r)
             : json_object_is_type(v, json_type_string)
                 ? cxf_parse_rate(json_object_get_string(v), &r)
                 : -EINVAL;
    if (rc)
        return cxf_fail(e, -EINVAL,
                        "argument '%s' must be a rate in bytes/s, or a string such as \"25Gbit\" "
                        "or \"2GB/s\"",
                        key);
    *out = r;
    return 0;
}

int cxf_ctl_node(struct cxf_ctl *c, struct json_object *args, const char *key, bool required,
                 unsigned *node, struct cxf_err *e)
{
    const char *name = NULL;
    int rc = cxf_arg_str(args, key, required, &name, e);
    if (rc || !name)
        return rc;
    int n = cxf_world_node_by_name(c->w, name);
    if (n < 0) {
        char known[128] = "";
        for (unsigned i = 0; i < c->w->nnodes; i++) {
            size_t l = strlen(known);
            snprintf(known + l, sizeof(known) - l, "%s%s", i ? ", " : "",
                     cxf_node_name(&c->w->node[i]));
        }
        return cxf_fail(e, -ENOENT, "no node named '%.40s' (nodes: %s)", name, known);
    }
    *node = (unsigned)n;
    return 0;
}

int cxf_ctl_vm(struct cxf_ctl *c, struct json_object *args, struct cxf_vm **vm, struct cxf_err *e)
{
    const char *name = NULL;
    int rc = cxf_arg_str(args, "vm", true, &name, e);
    if (rc)
        return rc;
    *vm = cxf_world_vm(c->w, name);
    if (!*vm)
        return cxf_fail(e, -ENOENT, "no VM named '%.40s' (vm.list shows them)", name);
    return 0;
}

struct json_object *cxf_json_hash(uint64_t h)
{
    char buf[24];
    snprintf(buf, sizeof(buf), "0x%016" PRIx64, h);
    return json_object_new_string(buf);
}
