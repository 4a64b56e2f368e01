/*
 * ctl/replay.c - the integrity rule: a VM that migrated must end with the
 * same guest memory as the same VM never migrated. The reference is a
 * replay in a fresh world built from the same topology, each vCPU run to
 * the op count the VM reached; workloads are deterministic in (seed, op
 * counts), whatever the timing, so the hashes must be equal.
 */
#include "ctl_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int replay_in(struct cxf_world *w, unsigned node, const struct cxf_vm *like,
                     const uint64_t *ops, struct cxf_replay *out, struct cxf_err *e)
{
    struct cxf_vm_config vc;
    cxf_vm_config_of(like, &vc);
    struct cxf_vm *vm;
    int rc = cxf_vm_create(&vm, &w->node[node], &vc, e);
    if (rc)
        return rc;
    if (ops)
        cxf_vm_start_counts(vm, ops);
    else
        cxf_vm_start(vm);
    cxf_sim_run_idle(&w->sim, 0);
    if (vm->state != CXF_VM_DONE)
        rc = cxf_fail(e, -EIO, "the reference run of %s ended %s: %s", like->name,
                      cxf_vm_state_name(vm->state), vm->reason);
    if (!rc && (rc = cxf_vm_hash(vm, &out->hash)))
        cxf_fail(e, rc, "the reference run of %s could not be hashed", like->name);
    struct cxf_err verr;
    if (!rc)
        out->verify_rc = cxf_vm_verify(vm, &verr);
    cxf_vm_destroy(vm);
    return rc;
}

int cxf_ctl_replay(const struct cxf_ctl *c, const struct cxf_vm *like, const uint64_t *ops,
                   struct cxf_replay *out, struct cxf_err *e)
{
    if (!ops && !like->ops_total)
        return cxf_fail(e, -EINVAL, "VM %s runs without an op count: give the counts to replay to",
                        like->name);
    struct cxf_world *w;
    int rc = cxf_world_create(&w, c->config_json, &c->nc, e);
    if (rc)
        return rc;
    /* the same node: a replay never depends on it, but the node's DRAM
     * size limits what fits */
    rc = replay_in(w, like->node->host, like, ops, out, e);
    cxf_world_free(w);
    return rc;
}

/* Each vCPU's op count: where the replay has to stop. */
static uint64_t *op_counts(const struct cxf_vm *vm)
{
    uint64_t *ops = calloc(vm->nvcpus, sizeof(*ops));
    for (unsigned i = 0; ops && i < vm->nvcpus; i++)
        ops[i] = vm->vcpu[i].regs.ops_done;
    return ops;
}

struct json_object *cxf_ctl_verdict(const struct cxf_vm *vm, uint64_t hash,
                                    const struct cxf_replay *ref, int verify_rc,
                                    const char *verify_msg)
{
    struct json_object *o = json_object_new_object();
    bool lost = vm->state == CXF_VM_LOST || vm->state == CXF_VM_FAILED;
    bool match = !lost && ref && ref->hash == hash && verify_rc == 0;
    json_object_object_add(o, "vm", json_object_new_string(vm->name));
    json_object_object_add(o, "vm_state", json_object_new_string(cxf_vm_state_name(vm->state)));
    if (vm->reason[0])
        json_object_object_add(o, "reason", json_object_new_string(vm->reason));
    json_object_object_add(o, "integrity",
                           json_object_new_string(lost ? "vm-lost" : match ? "match" : "mismatch"));
    json_object_object_add(o, "ops", json_object_new_uint64(cxf_vm_ops_done(vm)));
    if (lost)
        return o;
    json_object_object_add(o, "hash", cxf_json_hash(hash));
    if (ref)
        json_object_object_add(o, "reference_hash", cxf_json_hash(ref->hash));
    json_object_object_add(o, "verifier",
                           json_object_new_string(!vm->wl.ops->verify ? "none"
                                                  : verify_rc == 0    ? "ok"
                                                                      : verify_msg));
    return o;
}

int cxf_ctl_vm_check(struct cxf_vm *vm, uint64_t *hash, int *verify_rc, char *msg, size_t len,
                     struct cxf_err *e)
{
    *hash = 0;
    *verify_rc = 0;
    if (vm->state == CXF_VM_LOST || vm->state == CXF_VM_FAILED)
        return 0;
    /* a created VM never ran: its memory is the load phase's, replayed to
     * zero operations; a running one has no fixed point to compare */
    if (vm->state == CXF_VM_RUNNING)
        return cxf_fail(e, -EINVAL, "VM %s is %s; pause it (or let it finish) before verifying",
                        vm->name, cxf_vm_state_name(vm->state));
    int rc = cxf_vm_hash(vm, hash);
    if (rc)
        return cxf_fail(e, rc, "VM %s's memory cannot be read back", vm->name);
    struct cxf_err verr = {{0}};
    *verify_rc = cxf_vm_verify(vm, &verr);
    snprintf(msg, len, "failed: %s", verr.msg);
    return 0;
}

struct json_object *cxf_ctl_integrity(const struct cxf_ctl *c, struct cxf_vm *vm,
                                      struct cxf_err *e)
{
    uint64_t hash;
    int verify_rc;
    char msg[300];
    if (cxf_ctl_vm_check(vm, &hash, &verify_rc, msg, sizeof(msg), e))
        return NULL;
    if (vm->state == CXF_VM_LOST || vm->state == CXF_VM_FAILED)
        return cxf_ctl_verdict(vm, 0, NULL, 0, NULL);
    uint64_t *ops = op_counts(vm);
    struct cxf_replay ref = {0};
    int rc = ops ? cxf_ctl_replay(c, vm, ops, &ref, e) : cxf_fail(e, -ENOMEM, "out of memory");
    free(ops);
    return rc ? NULL : cxf_ctl_verdict(vm, hash, &ref, verify_rc, msg);
}
