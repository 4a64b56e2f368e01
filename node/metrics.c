/*
 * node/metrics.c - what a VM did: operations, accesses by class, latency
 * histograms, throughput over virtual time, and the hash of its memory that
 * the integrity tests compare.
 */
#include "node_priv.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Four independent multiply-xorshift lanes over 32-byte blocks, folded at
 * the end: fast enough for gigabytes, and any changed word changes it. */
static void hash_page(uint64_t lane[4], const uint8_t *p)
{
    for (size_t off = 0; off < CXF_PAGE_SIZE; off += 32) {
        for (int k = 0; k < 4; k++) {
            uint64_t w;
            memcpy(&w, p + off + 8 * k, 8);
            lane[k] = (lane[k] ^ w) * 0x9e3779b97f4a7c15ull;
            lane[k] ^= lane[k] >> 29;
        }
    }
}

int cxf_vm_hash(const struct cxf_vm *vm, uint64_t *hash)
{
    static const uint8_t zero[CXF_PAGE_SIZE];
    uint64_t lane[4] = {0x243f6a8885a308d3ull, 0x13198a2e03707344ull, 0xa4093822299f31d0ull,
                        0x082efa98ec4e6c89ull};
    for (uint64_t i = 0; i < vm->npages; i++) {
        const uint8_t *p = vm->page[i].kind == CXF_PG_NONE ? zero : cxf_vm_page_bytes(vm, i);
        if (!p)
            return -EIO;
        hash_page(lane, p);
    }
    uint64_t h = vm->npages;
    for (int k = 0; k < 4; k++) {
        h = (h ^ lane[k]) * 0xff51afd7ed558ccdull;
        h ^= h >> 33;
    }
    *hash = h;
    return 0;
}

uint64_t cxf_vm_ops_done(const struct cxf_vm *vm)
{
    uint64_t n = 0;
    for (unsigned i = 0; i < vm->nvcpus; i++)
        n += vm->vcpu[i].regs.ops_done;
    return n;
}

void cxf_vm_accesses(const struct cxf_vm *vm, uint64_t out[CXF_AC_COUNT])
{
    memset(out, 0, CXF_AC_COUNT * sizeof(uint64_t));
    for (unsigned i = 0; i < vm->nvcpus; i++)
        for (int c = 0; c < CXF_AC_COUNT; c++)
            out[c] += vm->vcpu[i].accesses[c];
}

void cxf_vm_latency(const struct cxf_vm *vm, enum cxf_access_class c, struct cxf_hist *h)
{
    cxf_hist_reset(h);
    for (unsigned i = 0; i < vm->nvcpus; i++)
        cxf_hist_merge(h, &vm->vcpu[i].latency[c]);
}

int cxf_vm_timeline_csv(const struct cxf_vm *vm, char **out)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return -ENOMEM;
    fprintf(f, "interval_start_ns,ops\n");
    for (size_t i = 0; i < vm->timeline_len; i++)
        if (vm->timeline[i] || (i > 0 && i + 1 < vm->timeline_len))
            fprintf(f, "%llu,%llu\n", (unsigned long long)(i * vm->timeline_ns),
                    (unsigned long long)vm->timeline[i]);
    fclose(f);
    *out = buf;
    return 0;
}

static cxf_time_t vm_clock(const struct cxf_vm *vm)
{
    cxf_time_t t = 0;
    for (unsigned i = 0; i < vm->nvcpus; i++)
        t = vm->vcpu[i].clock > t ? vm->vcpu[i].clock : t;
    return t;
}

static struct json_object *accesses_json(const struct cxf_vm *vm)
{
    uint64_t acc[CXF_AC_COUNT];
    cxf_vm_accesses(vm, acc);
    struct json_object *o = json_object_new_object();
    for (int c = 0; c < CXF_AC_COUNT; c++)
        json_object_object_add(o, cxf_access_class_name(c), json_object_new_uint64(acc[c]));
    return o;
}

static struct json_object *latency_json(const struct cxf_vm *vm)
{
    struct json_object *o = json_object_new_object();
    for (int c = CXF_AC_LOCAL; c < CXF_AC_COUNT; c++) {
        struct cxf_hist h;
        cxf_vm_latency(vm, c, &h);
        json_object_object_add(o, cxf_access_class_name(c), cxf_hist_to_json(&h));
    }
    return o;
}

struct json_object *cxf_vm_summary_json(const struct cxf_vm *vm)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "name", json_object_new_string(vm->name));
    json_object_object_add(o, "node", json_object_new_string(cxf_node_name(vm->node)));
    json_object_object_add(o, "state", json_object_new_string(cxf_vm_state_name(vm->state)));
    if (vm->reason[0])
        json_object_object_add(o, "reason", json_object_new_string(vm->reason));
    json_object_object_add(o, "memory", json_object_new_uint64(vm->mem_size));
    json_object_object_add(o, "vcpus", json_object_new_int((int)vm->nvcpus));
    json_object_object_add(o, "workload", json_object_new_string(vm->wl.spec));
    json_object_object_add(o, "seed", json_object_new_uint64(vm->seed));
    json_object_object_add(o, "ops", json_object_new_uint64(cxf_vm_ops_done(vm)));
    json_object_object_add(o, "ops_target", json_object_new_uint64(vm->ops_total));
    json_object_object_add(o, "devices", json_object_new_string(vm->devices));
    return o;
}

struct json_object *cxf_vm_stats_json(const struct cxf_vm *vm)
{
    struct json_object *o = cxf_vm_summary_json(vm);
    json_object_object_add(o, "virtual_time_ns", json_object_new_uint64(vm_clock(vm)));
    json_object_object_add(o, "accesses", accesses_json(vm));
    json_object_object_add(o, "memory_latency_ns", latency_json(vm));
    cxf_time_t stall = 0, extra = 0;
    for (unsigned i = 0; i < vm->nvcpus; i++)
        stall += vm->vcpu[i].stall_ns, extra += vm->vcpu[i].remote_extra_ns;
    json_object_object_add(o, "stall_ns", json_object_new_uint64(stall));
    json_object_object_add(o, "remote_extra_ns", json_object_new_uint64(extra));
    json_object_object_add(o, "throttle", json_object_new_double(vm->throttle));
    return o;
}

int cxf_vm_verify(struct cxf_vm *vm, struct cxf_err *e)
{
    if (!vm->wl.ops->verify)
        return 0;
    return vm->wl.ops->verify(&vm->wl, vm, e);
}
