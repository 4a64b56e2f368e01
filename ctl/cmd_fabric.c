/*
 * ctl/cmd_fabric.c - the topology and fault injection: topo, fault.*.
 */
#include "ctl_priv.h"

#include <errno.h>
#include <string.h>

static struct json_object *links_json(struct cxf_fabric *f)
{
    struct json_object *arr = json_object_new_array();
    struct cxf_link *l;
    for (unsigned i = 0; (l = cxf_fabric_link(f, i)); i++) {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "link", json_object_new_string(l->name));
        json_object_object_add(o, "width", json_object_new_int((int)l->width));
        json_object_object_add(o, "gen", json_object_new_int((int)l->gen));
        json_object_object_add(o, "bandwidth", json_object_new_uint64(cxf_link_bandwidth(l)));
        json_object_object_add(o, "state", json_object_new_string(l->down ? "down" : "up"));
        json_object_array_add(arr, o);
    }
    return arr;
}

static int topo(struct cxf_ctl *c, struct json_object *args, struct json_object **result,
                struct cxf_ctl_wait *wait, struct cxf_err *e)
{
    (void)args, (void)wait, (void)e;
    *result = cxf_fabric_topology_json(c->w->fab);
    json_object_object_add(*result, "links", links_json(c->w->fab));
    json_object_object_add(*result, "config", json_object_new_string(c->config_source));
    return 0;
}

static int link_state(struct cxf_ctl *c, struct json_object *args, bool down,
                      struct json_object **result, struct cxf_err *e)
{
    const char *name = NULL;
    int rc = cxf_arg_str(args, "link", true, &name, e);
    if (!rc)
        rc = cxf_fault_link(c->w->fab, name, down, e);
    if (rc)
        return rc;
    *result = json_object_new_object();
    json_object_object_add(*result, "link", json_object_new_string(name));
    json_object_object_add(*result, "state", json_object_new_string(down ? "down" : "up"));
    return 0;
}

static int link_down(struct cxf_ctl *c, struct json_object *args, struct json_object **result,
                     struct cxf_ctl_wait *wait, struct cxf_err *e)
{
    (void)wait;
    return link_state(c, args, true, result, e);
}

static int link_up(struct cxf_ctl *c, struct json_object *args, struct json_object **result,
                   struct cxf_ctl_wait *wait, struct cxf_err *e)
{
    (void)wait;
    return link_state(c, args, false, result, e);
}

static int node_fail(struct cxf_ctl *c, struct json_object *args, struct json_object **result,
                     struct cxf_ctl_wait *wait, struct cxf_err *e)
{
    (void)wait;
    unsigned node = 0;
    int rc = cxf_ctl_node(c, args, "node", true, &node, e);
    if (rc)
        return rc;
    if (c->w->fab->host[node].failed)
        return cxf_fail(e, -EALREADY, "node %s has failed already", cxf_node_name(&c->w->node[node]));
    rc = cxf_world_node_fail(c->w, node);
    if (rc)
        return cxf_fail(e, rc, "node %s could not fail: %s", cxf_node_name(&c->w->node[node]),
                        strerror(-rc));
    *result = json_object_new_object();
    json_object_object_add(*result, "node", json_object_new_string(cxf_node_name(&c->w->node[node])));
    json_object_object_add(*result, "state", json_object_new_string("failed"));
    return 0;
}

/* A guest address of a VM -> the pool device line holding it. Only pool
 * memory is a CXL device with a poison list; node DRAM is not modelled with
 * poison. */
static int vm_line(struct cxf_ctl *c, struct json_object *args, const char **dev, uint64_t *dpa,
                   struct cxf_err *e)
{
    struct cxf_vm *vm;
    uint64_t gpa = 0;
    int rc = cxf_ctl_vm(c, args, &vm, e);
    if (!rc)
        rc = cxf_arg_u64(args, "gpa", true, 0, UINT64_MAX - 1, true, &gpa, e);
    if (rc)
        return rc;
    if (gpa >= vm->npages * CXF_PAGE_SIZE)
        return cxf_fail(e, -ERANGE, "gpa 0x%llx is beyond VM %s's memory",
                        (unsigned long long)gpa, vm->name);
    struct cxf_page_loc loc = cxf_vm_page(vm, gpa / CXF_PAGE_SIZE);
    if (loc.kind != CXF_PG_DEV)
        return cxf_fail(e, -EINVAL,
                        "gpa 0x%llx of VM %s is %s, not pool memory: only CXL devices hold poison",
                        (unsigned long long)gpa, vm->name,
                        loc.kind == CXF_PG_NONE ? "untouched" : "in node DRAM");
    *dev = c->w->fab->dev[loc.owner]->name;
    *dpa = loc.addr + gpa % CXF_PAGE_SIZE;
    return 0;
}

static int poison(struct cxf_ctl *c, struct json_object *args, struct json_object **result,
                  struct cxf_ctl_wait *wait, struct cxf_err *e)
{
    (void)wait;
    const char *dev = NULL;
    uint64_t dpa = 0;
    int rc = 0;
    bool by_vm = json_object_object_get_ex(args, "vm", NULL);
    if (by_vm && (json_object_object_get_ex(args, "memdev", NULL) ||
                  json_object_object_get_ex(args, "dpa", NULL)))
        return cxf_fail(e, -EINVAL, "give either vm and gpa, or memdev and dpa");
    if (by_vm)
        rc = vm_line(c, args, &dev, &dpa, e);
    else if (!(rc = cxf_arg_str(args, "memdev", true, &dev, e)))
        rc = cxf_arg_u64(args, "dpa", true, 0, UINT64_MAX - 1, true, &dpa, e);
    if (!rc)
        rc = cxf_fault_poison(c->w->fab, dev, dpa & ~63ull, e);
    if (rc)
        return rc;
    *result = json_object_new_object();
    json_object_object_add(*result, "memdev", json_object_new_string(dev));
    json_object_object_add(*result, "dpa", cxf_json_hash(dpa & ~63ull));
    return 0;
}

static const char *const no_keys[] = {NULL};
static const char *const link_key[] = {"link", NULL};
static const char *const node_key[] = {"node", NULL};
static const char *const poison_keys[] = {"memdev", "dpa", "vm", "gpa", NULL};

const struct cxf_ctl_cmd cxf_ctl_fabric_cmds[] = {
    {{"topo", "", "the topology: switch, virtual switches, hosts, memdevs, regions, links"},
     no_keys, topo},
    {{"fault.link-down", "link", "take a link down: transactions on it fail"}, link_key,
     link_down},
    {{"fault.link-up", "link", "bring a link back up"}, link_key, link_up},
    {{"fault.node-fail", "node",
      "fail a node: its bridge stops answering, its memory and its VMs are lost"},
     node_key, node_fail},
    {{"fault.poison", "memdev, dpa | vm, gpa", "poison a 64-byte line of a pool device"},
     poison_keys, poison},
    {{NULL, NULL, NULL}, NULL, NULL},
};
