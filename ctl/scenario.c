/*
 * ctl/scenario.c - reading a scenario file (docs/scenarios.md) strictly:
 * every key known, every value checked, and a failure is one line that
 * names the key path ("actions[2].args: unknown argument 'lnk' ..."). A
 * scenario drives the world only through the control commands, so its
 * actions and VMs are checked against the same command table the protocol
 * uses; argument values that need the world (a node's name, a link) are
 * checked when the action runs.
 */
#include "scenario_priv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int cxf_scn_at(struct cxf_err *e, int rc, const char *fmt, ...)
{
    if (!e)
        return rc;
    char where[sizeof(e->msg)];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(where, sizeof(where), fmt, ap);
    va_end(ap);
    struct cxf_err inner = *e;
    return cxf_fail(e, rc, "%s: %s", where, inner.msg);
}

int cxf_scn_one_line(struct cxf_err *e, int rc)
{
    /* names and values quoted from the file may hold control characters */
    for (char *c = e ? e->msg : NULL; c && *c; c++)
        if ((unsigned char)*c < ' ' || *c == 0x7f)
            *c = ' ';
    return rc;
}

const char *cxf_scn_time(cxf_time_t ns, char *buf, size_t len)
{
    if (ns >= CXF_MS(1))
        snprintf(buf, len, "%g ms", (double)ns / 1e6);
    else if (ns >= CXF_US(1))
        snprintf(buf, len, "%g us", (double)ns / 1e3);
    else
        snprintf(buf, len, "%llu ns", (unsigned long long)ns);
    return buf;
}

int cxf_scn_status(const char *name)
{
    for (int s = 0; s < CXF_MIG_STATUS_COUNT; s++)
        if (!strcmp(cxf_mig_status_name((enum cxf_mig_status)s), name))
            return s;
    return -1;
}

/* ---------------------------------------------------------------- JSON */

/* Standard JSON only (strict, json-c's default depth): the same rules as
 * topology files, so a scenario's inline topology reads as a file would. */
static int parse_json(const char *text, struct json_object **out, struct cxf_err *e)
{
    size_t len = strlen(text);
    if (!len || !text[strspn(text, " \t\r\n")])
        return cxf_fail(e, -EINVAL, "the scenario is empty");
    if (len > INT32_MAX - 1)
        return cxf_fail(e, -EFBIG, "the scenario is too large");
    struct json_tokener *tok = json_tokener_new_ex(JSON_TOKENER_DEFAULT_DEPTH);
    if (!tok)
        return cxf_fail(e, -ENOMEM, "out of memory");
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    /* the length counts the NUL: it ends a top-level literal */
    *out = json_tokener_parse_ex(tok, text, (int)len + 1);
    enum json_tokener_error err = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok), line = 1, col = 1;
    json_tokener_free(tok);
    for (size_t i = 0; i < end && i < len; i++, col++)
        if (text[i] == '\n')
            line++, col = 0;
    if (err == json_tokener_success && json_object_is_type(*out, json_type_object))
        return 0;
    json_object_put(*out);
    *out = NULL;
    if (err == json_tokener_success)
        return cxf_fail(e, -EINVAL, "the scenario must be a JSON object");
    if (err == json_tokener_continue || err == json_tokener_error_parse_eof)
        return cxf_fail(e, -EINVAL, "not valid JSON: the text ends in the middle of a value");
    return cxf_fail(e, -EINVAL, "not valid JSON at line %zu, column %zu: %s", line, col,
                    json_tokener_error_desc(err));
}

/* ------------------------------------------------------------ commands */

/* The command table entry of a name (the protocol's commands), or NULL. */
static const struct cxf_ctl_cmd *command(const char *name)
{
    static const struct cxf_ctl_cmd *const tables[] = {
        cxf_ctl_daemon_cmds, cxf_ctl_vm_cmds, cxf_ctl_mig_cmds, cxf_ctl_fabric_cmds,
        cxf_ctl_fm_cmds,
    };
    for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
        for (const struct cxf_ctl_cmd *k = tables[t]; k->run; k++)
            if (!strcmp(k->info.name, name))
                return k;
    return NULL;
}

/* An object at `key` (absent: *out stays NULL unless required). */
static int object_at(struct json_object *o, const char *key, bool required,
                     struct json_object **out, struct cxf_err *e)
{
    struct json_object *v = NULL;
    if (!json_object_object_get_ex(o, key, &v) || !v)
        return required ? cxf_fail(e, -EINVAL, "missing argument '%s'", key) : 0;
    if (!json_object_is_type(v, json_type_object))
        return cxf_fail(e, -EINVAL, "argument '%s' must be an object", key);
    *out = v;
    return 0;
}

static int array_at(struct json_object *o, const char *key, struct json_object **out,
                    struct cxf_err *e)
{
    struct json_object *v = NULL;
    if (!json_object_object_get_ex(o, key, &v) || !v)
        return 0;
    if (!json_object_is_type(v, json_type_array))
        return cxf_fail(e, -EINVAL, "argument '%s' must be an array", key);
    *out = v;
    return 0;
}

/* The VMs: vm.create's arguments; values are checked when they are made. */
static int parse_vms(struct scenario *s, struct cxf_err *e)
{
    int rc = array_at(s->root, "vms", &s->vms, e);
    if (!rc && (!s->vms || !json_object_array_length(s->vms)))
        rc = cxf_fail(e, -EINVAL, "'vms' must list at least one VM (vm.create's arguments)");
    const struct cxf_ctl_cmd *create = command("vm.create");
    for (size_t i = 0; !rc && i < json_object_array_length(s->vms); i++) {
        struct json_object *vm = json_object_array_get_idx(s->vms, i);
        const char *name = NULL;
        char where[32];
        snprintf(where, sizeof(where), "vms[%zu]", i);
        if (!json_object_is_type(vm, json_type_object))
            return cxf_fail(e, -EINVAL, "%s must be an object of vm.create's arguments", where);
        rc = cxf_args_known(vm, where, create->keys, e);
        if (!rc && (rc = cxf_arg_name(vm, "name", true, &name, e)))
            cxf_scn_at(e, rc, "%s", where);
    }
    return rc;
}

/* "when": {"vm": NAME, "status": STATUS}; path is "actions[N].when". */
static int parse_when(struct scn_action *a, struct json_object *when, const char *path,
                      struct cxf_err *e)
{
    static const char *const keys[] = {"vm", "status", NULL};
    const char *status = NULL;
    int rc = cxf_args_known(when, path, keys, e);
    if (rc)
        return rc;
    rc = cxf_arg_name(when, "vm", true, &a->vm, e);
    if (!rc)
        rc = cxf_arg_str(when, "status", true, &status, e);
    if (!rc && cxf_scn_status(status) <= CXF_MIG_NONE)
        rc = cxf_fail(e, -EINVAL, "'%.40s' is not a migration status (setup, active, device, "
                      "postcopy-active, postcopy-paused, completed, cancelling, cancelled, "
                      "failed)", status);
    if (!rc)
        a->status = (enum cxf_mig_status)cxf_scn_status(status);
    return rc ? cxf_scn_at(e, rc, "%s", path) : 0;
}

static int parse_errno_name(const char *name, struct cxf_err *e)
{
    for (int n = 1; n < 200; n++) {
        const char *s = strerrorname_np(n);
        if (s && !strcmp(s, name))
            return 0;
    }
    return cxf_fail(e, -EINVAL, "'expect-error' must be an errno name such as \"EBUSY\", not "
                    "'%.40s'", name);
}

/* The keys and scalar values of an action, without its "when" and "args"
 * objects. Messages without the action's path. */
static int action_values(struct scenario *s, struct scn_action *a, struct json_object *o,
                         struct json_object **when, struct cxf_err *e)
{
    int rc = object_at(o, "when", false, when, e);
    a->when = *when != NULL;
    if (!rc && json_object_object_get_ex(o, "at", NULL) == a->when)
        rc = cxf_fail(e, -EINVAL, "give either 'at' (a time) or 'when' (a migration status)");
    if (!rc && json_object_object_get_ex(o, "delay", NULL) && !a->when)
        rc = cxf_fail(e, -EINVAL, "'delay' goes with 'when'; with 'at', give the time itself");
    if (!rc)
        rc = cxf_arg_duration(o, "at", false, 0, &a->at, e);
    if (!rc)
        rc = cxf_arg_duration(o, "delay", false, 0, &a->delay, e);
    if (!rc)
        rc = cxf_arg_str(o, "cmd", true, &a->cmd, e);
    if (!rc && !command(a->cmd))
        rc = cxf_fail(e, -ENOSYS, "unknown command '%.40s' (docs/protocol.md lists them)",
                      a->cmd);
    if (!rc)
        rc = object_at(o, "args", false, &a->args, e);
    if (!rc)
        rc = cxf_arg_str(o, "expect-error", false, &a->expect_error, e);
    if (!rc && a->expect_error)
        rc = parse_errno_name(a->expect_error, e);
    char t[32], l[32];
    if (!rc && !a->when && a->at >= s->limit)
        rc = cxf_fail(e, -EINVAL, "'at' (%s) is not before the limit (%s)",
                      cxf_scn_time(a->at, t, sizeof(t)), cxf_scn_time(s->limit, l, sizeof(l)));
    return rc;
}

static int parse_action(struct scenario *s, struct scn_action *a, struct json_object *o,
                        struct cxf_err *e)
{
    static const char *const keys[] = {"at", "when", "delay", "cmd", "args", "expect-error",
                                       NULL};
    char path[48];
    snprintf(path, sizeof(path), "actions[%u]", a->index);
    if (!json_object_is_type(o, json_type_object))
        return cxf_fail(e, -EINVAL, "%s must be an object {\"at\" or \"when\", \"cmd\", "
                        "\"args\"}", path);
    struct json_object *when = NULL;
    int rc = cxf_args_known(o, path, keys, e);
    if (rc)
        return rc;
    if ((rc = action_values(s, a, o, &when, e)))
        return cxf_scn_at(e, rc, "%s", path);
    char sub[64];
    snprintf(sub, sizeof(sub), "%s.when", path);
    if (when && (rc = parse_when(a, when, sub, e)))
        return rc;
    snprintf(sub, sizeof(sub), "%s.args", path);
    return a->args ? cxf_args_known(a->args, sub, command(a->cmd)->keys, e) : 0;
}

static int parse_actions(struct scenario *s, struct cxf_err *e)
{
    struct json_object *arr = NULL;
    int rc = array_at(s->root, "actions", &arr, e);
    size_t n = arr ? json_object_array_length(arr) : 0;
    if (rc || !n)
        return rc;
    s->act = calloc(n, sizeof(*s->act));
    if (!s->act)
        return cxf_fail(e, -ENOMEM, "out of memory");
    for (; s->nact < n; s->nact++) {
        struct scn_action *a = &s->act[s->nact];
        a->index = (unsigned)s->nact;
        rc = parse_action(s, a, json_object_array_get_idx(arr, s->nact), e);
        if (rc)
            return rc;
    }
    return 0;
}

/* "node": the node settings (struct cxf_node_config), checked by building
 * the LLC they describe. */
static int parse_node(struct scenario *s, struct cxf_err *e)
{
    static const char *const keys[] = {"llc-size", "llc-ways", "llc-hit", "quantum", NULL};
    struct json_object *o = NULL;
    cxf_node_config_default(&s->nc);
    int rc = object_at(s->root, "node", false, &o, e);
    if (rc || !o)
        return rc;
    cxf_time_t hit = s->nc.llc_hit_ns, quantum = s->nc.quantum_ns;
    rc = cxf_args_known(o, "node", keys, e);
    if (rc)
        return rc;
    rc = cxf_arg_u64(o, "llc-size", false, 0, 1ull << 30, true, &s->nc.llc_size, e);
    if (!rc)
        rc = cxf_arg_unsigned(o, "llc-ways", false, 1, 64, &s->nc.llc_ways, e);
    if (!rc)
        rc = cxf_arg_duration(o, "llc-hit", false, 0, &hit, e);
    if (!rc)
        rc = cxf_arg_duration(o, "quantum", false, 0, &quantum, e);
    if (!rc && (hit > CXF_US(1) || quantum < 100 || quantum > CXF_MS(1)))
        rc = cxf_fail(e, -ERANGE, "'llc-hit' must be at most 1us and 'quantum' from 100ns to 1ms");
    struct cxf_llc llc;
    if (!rc && cxf_llc_init(&llc, s->nc.llc_size, s->nc.llc_ways, (uint32_t)hit))
        rc = cxf_fail(e, -EINVAL, "an LLC of %llu bytes in %u ways is not a power-of-two number "
                      "of 64-byte sets", (unsigned long long)s->nc.llc_size, s->nc.llc_ways);
    else if (!rc)
        cxf_llc_fini(&llc);
    s->nc.llc_hit_ns = (uint32_t)hit;
    s->nc.quantum_ns = (uint32_t)quantum;
    return rc ? cxf_scn_at(e, rc, "node") : 0;
}

/* "topology": absent (the embedded default), a file, or inline. */
static int parse_topology(struct scenario *s, struct cxf_err *e)
{
    struct json_object *v = NULL;
    if (!json_object_object_get_ex(s->root, "topology", &v) || !v)
        return 0;
    if (json_object_is_type(v, json_type_object)) {
        s->topo = SCN_TOPO_INLINE;
        s->topo_obj = v;
        return 0;
    }
    if (!json_object_is_type(v, json_type_string) || !json_object_get_string_len(v))
        return cxf_fail(e, -EINVAL, "'topology' must be a config file's path or a config "
                        "object (docs/config.md)");
    s->topo = SCN_TOPO_FILE;
    s->topo_path = json_object_get_string(v);
    return 0;
}

static int parse_top(struct scenario *s, struct cxf_err *e)
{
    static const char *const keys[] = {"name", "description", "topology", "node", "vms",
                                       "actions", "tail", "limit", "expect", NULL};
    struct json_object *expect = NULL;
    int rc = cxf_args_known(s->root, "scenario", keys, e);
    if (!rc)
        rc = cxf_arg_str(s->root, "name", true, &s->name, e);
    if (!rc)
        rc = cxf_arg_str(s->root, "description", false, &s->description, e);
    s->tail = SCN_TAIL_NS;
    s->limit = SCN_LIMIT_NS;
    if (!rc)
        rc = cxf_arg_duration(s->root, "tail", false, 0, &s->tail, e);
    if (!rc)
        rc = cxf_arg_duration(s->root, "limit", false, 0, &s->limit, e);
    if (!rc && !s->limit)
        rc = cxf_fail(e, -EINVAL, "argument 'limit' must be above 0");
    if (!rc)
        rc = parse_topology(s, e);
    if (!rc)
        rc = object_at(s->root, "expect", true, &expect, e);
    if (!rc)
        rc = cxf_scn_expect_parse(&s->expect, expect, e);
    return rc;
}

int cxf_scn_parse(struct scenario *s, const char *text, struct cxf_err *e)
{
    memset(s, 0, sizeof(*s));
    int rc = parse_json(text, &s->root, e);
    if (!rc)
        rc = parse_top(s, e);
    if (!rc)
        rc = parse_node(s, e);
    if (!rc)
        rc = parse_vms(s, e);
    if (!rc)
        rc = parse_actions(s, e);
    return rc;
}

void cxf_scn_free(struct scenario *s)
{
    free(s->act);
    json_object_put(s->root);
    memset(s, 0, sizeof(*s));
}

/* An inline topology is built once to check it; a topology file is read
 * only when the scenario runs (its path is relative to the scenario's). */
static int check_topology(const struct scenario *s, struct cxf_err *e)
{
    if (s->topo != SCN_TOPO_INLINE)
        return 0;
    struct cxf_fabric *f = NULL;
    int rc = cxf_fabric_from_json(&f, json_object_to_json_string_ext(s->topo_obj,
                                                                     JSON_C_TO_STRING_PLAIN), e);
    cxf_fabric_free(f);
    return rc ? cxf_scn_at(e, rc, "topology") : 0;
}

int cxf_scenario_check(const char *text, struct cxf_err *e)
{
    struct scenario s;
    int rc = cxf_scn_parse(&s, text ? text : "", e);
    if (!rc)
        rc = check_topology(&s, e);
    cxf_scn_free(&s);
    return rc ? cxf_scn_one_line(e, rc) : 0;
}
