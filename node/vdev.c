/*
 * node/vdev.c - virtual devices: a NIC receiving packets and a disk
 * completing reads, each writing into its guest-memory window.
 *
 * A request is served right after an operation of vCPU 0, inside that
 * operation: its stores go through vCPU 0's mediated path, so they are
 * timed, dirty-logged, journalled and rolled back with the op if anything
 * faults. Request n's contents are a function of (seed, device, n), so the
 * devices' memory, like the workload's, depends on the op count only.
 */
#include "node_priv.h"

#include <stdio.h>
#include <string.h>

#define NET_SLOT   256u  /* bytes per received packet */
#define NET_SLOTS  ((CXF_VDEV_PAGES - 1) * CXF_PAGE_SIZE / NET_SLOT)
#define BLK_SLOT   512u  /* bytes per completed block */
#define BLK_SLOTS  ((CXF_VDEV_PAGES - 1) * CXF_PAGE_SIZE / BLK_SLOT)

const char *cxf_vdev_type_name(enum cxf_vdev_type t)
{
    return t == CXF_VDEV_NET ? "net" : t == CXF_VDEV_BLK ? "blk" : "unknown";
}

static int add_vdev(struct cxf_vm *vm, enum cxf_vdev_type t, struct cxf_err *e)
{
    if (vm->nvdevs == CXF_MAX_VDEVS)
        return cxf_fail(e, -EINVAL, "a VM has at most %u devices", CXF_MAX_VDEVS);
    unsigned same = 0;
    for (unsigned i = 0; i < vm->nvdevs; i++)
        same += vm->vdev[i].type == t;
    struct cxf_vdev *d = &vm->vdev[vm->nvdevs];
    memset(d, 0, sizeof(*d));
    snprintf(d->name, sizeof(d->name), "%s%u", cxf_vdev_type_name(t), same);
    d->type = t;
    d->base = vm->mem_size + (uint64_t)vm->nvdevs * CXF_VDEV_PAGES * CXF_PAGE_SIZE;
    d->period = t == CXF_VDEV_NET ? 50 : 200;
    d->st.reg[0] = t == CXF_VDEV_NET ? 1500 : 512; /* MTU / block size */
    vm->nvdevs++;
    return 0;
}

/* "net,blk" -> devices; the VM's page count grows by their windows. */
int cxf_vm_add_devices(struct cxf_vm *vm, const char *spec, struct cxf_err *e)
{
    char buf[64], *save = NULL;
    if (strlen(spec) >= sizeof(buf))
        return cxf_fail(e, -EINVAL, "device list '%s' is too long", spec);
    snprintf(vm->devices, sizeof(vm->devices), "%s", spec);
    snprintf(buf, sizeof(buf), "%s", spec);
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        int rc;
        if (!strcmp(t, "net"))
            rc = add_vdev(vm, CXF_VDEV_NET, e);
        else if (!strcmp(t, "blk"))
            rc = add_vdev(vm, CXF_VDEV_BLK, e);
        else
            rc = cxf_fail(e, -EINVAL, "unknown device '%s' (net or blk)", t);
        if (rc)
            return rc;
    }
    return 0;
}

/* One request: the payload at the next ring slot, then the used index in
 * the window's first page, then an interrupt. */
static void serve(struct cxf_vcpu *v, struct cxf_vdev *d)
{
    uint32_t slot_size = d->type == CXF_VDEV_NET ? NET_SLOT : BLK_SLOT;
    uint32_t slots = d->type == CXF_VDEV_NET ? NET_SLOTS : BLK_SLOTS;
    uint64_t slot = d->base + CXF_PAGE_SIZE + (d->st.used_idx % slots) * slot_size;
    uint64_t salt = cxf_rng_stream_id(d->name) ^ v->vm->seed;
    for (uint32_t off = 0; off < slot_size; off += 8) {
        uint64_t x = salt ^ (d->st.requests * 0x9e3779b97f4a7c15ull) ^ off;
        cxf_st64(v, slot + off, cxf_splitmix64(&x));
    }
    d->st.used_idx++;
    d->st.requests++;
    cxf_st64(v, d->base, d->st.used_idx);
    cxf_st64(v, d->base + 8, d->st.requests);
    d->st.interrupts++;
}

void cxf_vdevs_after_op(struct cxf_vcpu *v)
{
    struct cxf_vm *vm = v->vm;
    if (v->id != 0)
        return;
    for (unsigned i = 0; i < vm->nvdevs; i++) {
        struct cxf_vdev *d = &vm->vdev[i];
        if ((v->regs.ops_done + 1) % d->period == 0)
            serve(v, d);
    }
}

#define VDEV_WORDS (3 + CXF_VDEV_REGS)

size_t cxf_vdev_save(const struct cxf_vdev *d, uint8_t *buf, size_t cap)
{
    const uint64_t w[VDEV_WORDS] = {d->st.requests, d->st.used_idx, d->st.interrupts,
                                    d->st.reg[0], d->st.reg[1], d->st.reg[2], d->st.reg[3],
                                    d->st.reg[4], d->st.reg[5], d->st.reg[6], d->st.reg[7]};
    if (cap < sizeof(w))
        return 0;
    for (unsigned i = 0; i < VDEV_WORDS; i++)
        for (unsigned b = 0; b < 8; b++)
            buf[8 * i + b] = (uint8_t)(w[i] >> (8 * b));
    return sizeof(w);
}

int cxf_vdev_load(struct cxf_vdev *d, const uint8_t *buf, size_t len)
{
    uint64_t w[VDEV_WORDS] = {0};
    if (len != sizeof(w))
        return -EINVAL;
    for (unsigned i = 0; i < VDEV_WORDS; i++)
        for (unsigned b = 0; b < 8; b++)
            w[i] |= (uint64_t)buf[8 * i + b] << (8 * b);
    d->st.requests = w[0];
    d->st.used_idx = w[1];
    d->st.interrupts = w[2];
    memcpy(d->st.reg, &w[3], sizeof(d->st.reg));
    return 0;
}
