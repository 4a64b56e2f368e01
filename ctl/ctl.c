/*
 * ctl/ctl.c - the world a control plane drives, and the command dispatch.
 */
#include "ctl_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int cxf_ctl_init_text(struct cxf_ctl *c, const char *config_json, const char *source,
                      const struct cxf_node_config *nc, struct cxf_err *e)
{
    memset(c, 0, sizeof(*c));
    c->cxl_rc = -1;
    if (nc)
        c->nc = *nc;
    else
        cxf_node_config_default(&c->nc);
    snprintf(c->config_source, sizeof(c->config_source), "%s",
             !config_json ? "embedded default" : source ? source : "given text");
    /* replays rebuild the world from this copy */
    c->config_json = strdup(config_json ? config_json : cxf_default_config);
    int rc = c->config_json ? cxf_world_create(&c->w, c->config_json, &c->nc, e)
                            : cxf_fail(e, -ENOMEM, "out of memory");
    if (rc)
        cxf_ctl_fini(c);
    return rc;
}

int cxf_ctl_init(struct cxf_ctl *c, const char *config_path, const struct cxf_node_config *nc,
                 struct cxf_err *e)
{
    if (!config_path)
        return cxf_ctl_init_text(c, NULL, NULL, nc, e);
    memset(c, 0, sizeof(*c));
    char *text = NULL;
    int rc = cxf_config_read(config_path, &text, e);
    if (!rc)
        rc = cxf_ctl_init_text(c, text, config_path, nc, e);
    free(text);
    if (rc && e && strncmp(e->msg, config_path, strlen(config_path))) {
        struct cxf_err inner = *e;
        cxf_fail(e, rc, "%s: %s", config_path, inner.msg);
    }
    return rc;
}

void cxf_ctl_fini(struct cxf_ctl *c)
{
    cxf_world_free(c->w);
    free(c->config_json);
    memset(c, 0, sizeof(*c));
}

/* ------------------------------------------------------------ dispatch */

static const struct cxf_ctl_cmd *const tables[] = {
    cxf_ctl_daemon_cmds, cxf_ctl_vm_cmds, cxf_ctl_mig_cmds, cxf_ctl_fabric_cmds, cxf_ctl_fm_cmds,
};
#define NTABLES (sizeof(tables) / sizeof(tables[0]))

static const struct cxf_ctl_cmd *find(const char *name)
{
    for (size_t t = 0; t < NTABLES; t++)
        for (const struct cxf_ctl_cmd *k = tables[t]; k->run; k++)
            if (!strcmp(k->info.name, name))
                return k;
    return NULL;
}

int cxf_ctl_exec(struct cxf_ctl *c, const char *cmd, struct json_object *args,
                 struct json_object **result, struct cxf_ctl_wait *wait, struct cxf_err *e)
{
    *result = NULL;
    c->cxl_rc = -1;
    if (wait)
        memset(wait, 0, sizeof(*wait)), wait->fd = -1;
    const struct cxf_ctl_cmd *k = cmd ? find(cmd) : NULL;
    if (!k)
        return cxf_fail(e, -ENOSYS, "unknown command '%.40s' (the 'help' command lists them)",
                        cmd ? cmd : "");
    struct json_object *empty = NULL;
    if (!args)
        args = empty = json_object_new_object();
    if (!json_object_is_type(args, json_type_object)) {
        json_object_put(empty);
        return cxf_fail(e, -EINVAL, "%s: 'args' must be a JSON object", k->info.name);
    }
    int rc = cxf_args_known(args, k->info.name, k->keys, e);
    if (!rc)
        rc = k->run(c, args, result, wait, e);
    json_object_put(empty);
    if (rc < 0 && *result) {
        json_object_put(*result);
        *result = NULL;
    }
    return rc;
}

int cxf_ctl_wait_poll(struct cxf_ctl *c, struct cxf_ctl_wait *wait, struct json_object **result,
                      struct cxf_err *e)
{
    *result = NULL;
    if (wait->kind == CXF_WAIT_VERIFY)
        return cxf_ctl_verify_poll(c, wait, result, e);
    if (wait->kind != CXF_WAIT_MIGRATION)
        return cxf_fail(e, -EINVAL, "nothing is awaited");
    struct cxf_migration *m = cxf_world_migration_by_id(c->w, wait->mig_id);
    if (!m)
        return cxf_fail(e, -ENOENT, "the migration of '%s' is gone", wait->vm);
    if (cxf_migration_finished(m)) {
        *result = cxf_migration_json(m);
        wait->kind = CXF_WAIT_NONE;
        return 0;
    }
    if (wait->deadline && c->w->sim.now >= wait->deadline) {
        wait->kind = CXF_WAIT_NONE;
        return cxf_fail(e, -ETIMEDOUT, "the migration of '%s' is still %s", wait->vm,
                        cxf_mig_status_name(cxf_migration_status(m)));
    }
    return CXF_CTL_LATER;
}

void cxf_ctl_wait_drop(struct cxf_ctl *c, struct cxf_ctl_wait *wait)
{
    if (wait->kind == CXF_WAIT_VERIFY)
        cxf_ctl_verify_drop(c, wait);
    wait->kind = CXF_WAIT_NONE;
}

const struct cxf_ctl_cmd_info *cxf_ctl_commands(size_t *n)
{
    static struct cxf_ctl_cmd_info all[64];
    static size_t count;
    if (!count)
        for (size_t t = 0; t < NTABLES; t++)
            for (const struct cxf_ctl_cmd *k = tables[t]; k->run && count < 64; k++)
                all[count++] = k->info;
    *n = count;
    return all;
}

const char *cxf_errno_name(int rc)
{
    const char *s = strerrorname_np(rc < 0 ? -rc : rc);
    return s ? s : "EIO";
}
