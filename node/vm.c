/*
 * node/vm.c - a VM: guest pages and where they live, vCPUs, lifecycle,
 * dirty logging.
 */
#include "node_priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *cxf_vm_state_name(enum cxf_vm_state s)
{
    static const char *const names[] = {"created", "running", "paused", "done", "lost", "failed"};
    return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "unknown";
}

const char *cxf_access_class_name(enum cxf_access_class c)
{
    static const char *const names[] = {"llc", "local", "remote", "pool"};
    return (unsigned)c < CXF_AC_COUNT ? names[c] : "unknown";
}

void cxf_vm_config_default(struct cxf_vm_config *c)
{
    memset(c, 0, sizeof(*c));
    c->name = "vm0";
    c->mem_size = 64ull << 20;
    c->vcpus = 1;
    c->seed = 1;
    c->workload = "idle";
    c->devices = "net,blk";
}

void cxf_vm_config_of(const struct cxf_vm *vm, struct cxf_vm_config *c)
{
    cxf_vm_config_default(c);
    c->name = vm->name;
    c->mem_size = vm->mem_size;
    c->vcpus = vm->nvcpus;
    c->seed = vm->seed;
    c->ops = vm->ops_total;
    c->workload = vm->wl.spec;
    c->devices = vm->devices;
    c->timeline_ns = vm->timeline_ns;
}

static int check_config(const struct cxf_node *n, const struct cxf_vm_config *c,
                        struct cxf_err *e)
{
    if (!c->name || !cxf_name_chars_valid(c->name) || strlen(c->name) >= CXF_NAME_MAX)
        return cxf_fail(e, -EINVAL, "VM name must be 1-%u letters, digits, '-' or '_'",
                        CXF_NAME_MAX - 1);
    if (cxf_node_vm((struct cxf_node *)n, c->name))
        return cxf_fail(e, -EEXIST, "a VM named %s already runs on %s", c->name,
                        cxf_node_name(n));
    if (c->mem_size == 0 || c->mem_size % CXF_PAGE_SIZE)
        return cxf_fail(e, -EINVAL, "VM memory must be a non-zero multiple of 4 KiB");
    if (c->mem_size > n->fab->host[n->host].dram_size)
        return cxf_fail(e, -ENOMEM, "VM memory (%llu bytes) exceeds %s's DRAM",
                        (unsigned long long)c->mem_size, cxf_node_name(n));
    if (c->vcpus == 0 || c->vcpus > CXF_MAX_VCPUS)
        return cxf_fail(e, -EINVAL, "a VM has 1 to %u vCPUs", CXF_MAX_VCPUS);
    return 0;
}

static int init_vcpu(struct cxf_vm *vm, unsigned i)
{
    struct cxf_vcpu *v = &vm->vcpu[i];
    v->vm = vm;
    v->id = i;
    v->llc_hit_ns = vm->node->llc.hit_ns;
    cxf_event_init(&v->ev, NULL, v);
    cxf_vcpu_tlb_flush(v);
    for (unsigned c = 0; c < CXF_AC_COUNT; c++)
        cxf_hist_reset(&v->latency[c]);
    cxf_rng_seed(&v->regs.rng, vm->seed, cxf_rng_stream_id("vcpu") + i);
    v->journal = calloc(CXF_JOURNAL_MAX, sizeof(*v->journal));
    v->scratch_page = calloc(1, CXF_PAGE_SIZE);
    return v->journal && v->scratch_page ? 0 : -ENOMEM;
}

static void free_vm(struct cxf_vm *vm)
{
    for (unsigned i = 0; vm->vcpu && i < vm->nvcpus; i++) {
        free(vm->vcpu[i].journal);
        free(vm->vcpu[i].scratch_page);
    }
    free(vm->vcpu);
    free(vm->page);
    free(vm->dirty);
    free(vm->timeline);
    free(vm);
}

static int alloc_vm(struct cxf_vm **out, struct cxf_node *n, const struct cxf_vm_config *c,
                    struct cxf_err *e)
{
    int rc = check_config(n, c, e);
    if (rc)
        return rc;
    struct cxf_vm *vm = calloc(1, sizeof(*vm));
    if (!vm)
        return cxf_fail(e, -ENOMEM, "out of memory");
    snprintf(vm->name, sizeof(vm->name), "%s", c->name);
    vm->node = n;
    vm->mem_size = c->mem_size;
    vm->nvcpus = c->vcpus;
    vm->seed = c->seed;
    vm->ops_total = c->ops;
    vm->timeline_ns = c->timeline_ns ? c->timeline_ns : CXF_MS(1);
    rc = cxf_vm_add_devices(vm, c->devices ? c->devices : "", e);
    if (rc) {
        free(vm);
        return rc;
    }
    vm->npages = c->mem_size / CXF_PAGE_SIZE + (uint64_t)vm->nvdevs * CXF_VDEV_PAGES;
    vm->page = calloc(vm->npages, sizeof(*vm->page));
    vm->dirty = calloc((vm->npages + 63) / 64, sizeof(uint64_t));
    vm->vcpu = calloc(vm->nvcpus, sizeof(*vm->vcpu));
    rc = vm->page && vm->dirty && vm->vcpu ? 0 : -ENOMEM;
    for (unsigned i = 0; !rc && i < vm->nvcpus; i++)
        rc = init_vcpu(vm, i);
    if (!rc)
        rc = cxf_workload_parse(&vm->wl, c->workload ? c->workload : "idle", e);
    else
        cxf_fail(e, rc, "out of memory for VM %s", c->name);
    if (rc) {
        free_vm(vm);
        return rc;
    }
    vm->next = n->vms;
    n->vms = vm;
    *out = vm;
    return 0;
}

int cxf_vm_create_placeholder(struct cxf_vm **out, struct cxf_node *n,
                              const struct cxf_vm_config *c, struct cxf_err *e)
{
    return alloc_vm(out, n, c, e);
}

/* The load phase runs on vCPU 0 before the clock starts: its time and
 * counters are not the workload's. */
static int load_phase(struct cxf_vm *vm, struct cxf_err *e)
{
    struct cxf_vcpu *v = &vm->vcpu[0];
    if (!vm->wl.ops->setup)
        return 0;
    v->jn = 0;
    struct cxf_err why = {{0}};
    int rc = vm->wl.ops->setup(&vm->wl, v, &why);
    if (rc == 0 && v->fault)
        rc = v->fault;
    v->jn = 0;
    v->fault = 0;
    v->clock = 0;
    memset(v->accesses, 0, sizeof(v->accesses));
    for (unsigned c = 0; c < CXF_AC_COUNT; c++)
        cxf_hist_reset(&v->latency[c]);
    for (uint64_t i = 0; i < vm->npages; i++)
        vm->page[i].accesses = 0;
    if (rc && why.msg[0])
        return cxf_fail(e, rc, "VM %s: %s", vm->name, why.msg);
    if (rc)
        return cxf_fail(e, rc, "VM %s: workload %s could not lay out memory: %s", vm->name,
                        vm->wl.ops->name, rc == -ENOMEM ? "node out of memory" : strerror(-rc));
    return 0;
}

int cxf_vm_create(struct cxf_vm **out, struct cxf_node *n, const struct cxf_vm_config *c,
                  struct cxf_err *e)
{
    struct cxf_vm *vm;
    int rc = alloc_vm(&vm, n, c, e);
    if (rc)
        return rc;
    if ((rc = load_phase(vm, e))) {
        cxf_vm_destroy(vm);
        return rc;
    }
    *out = vm;
    return 0;
}

/* Forget the LLC lines of the node's DRAM frames that are free now (a
 * destroyed VM's): left there, their dirty ones would later be written back
 * as traffic nobody made, and a frame handed out again would start warm.
 * One pass over the LLC (half a million lines at 32 MiB) costs less than
 * looking up every line of every page of a large VM. The VM's data is gone,
 * so nothing is written back. */
static void llc_forget_free_frames(struct cxf_node *n)
{
    struct cxf_llc *c = &n->llc;
    struct cxf_gpage dram0 = {.kind = CXF_PG_DRAM, .owner = (uint16_t)n->host};
    uint64_t first = cxf_phys_line0(&dram0) + 1; /* tag of the DRAM's line 0 */
    uint64_t lines_per_page = CXF_PAGE_SIZE / CXF_LINE_SIZE;
    for (uint64_t i = 0; c->line && i < (uint64_t)c->sets * c->ways; i++) {
        struct cxf_llc_line *l = &c->line[i];
        uint64_t frame = (l->tag - first) / lines_per_page;
        if (l->tag >= first && frame < n->nframes && !(n->frame_used[frame / 64] >> (frame % 64) & 1))
            memset(l, 0, sizeof(*l));
    }
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Free the VM's frames on its node in as few runs as possible: each run is
 * one hole punch, and a punch costs a TLB shootdown whatever its length.
 * Frames were handed out in first-touch order, which a random workload
 * makes unlike guest page order, so the frames are sorted first (in guest
 * page order when there is no memory to sort in). */
static void free_frames(struct cxf_vm *vm)
{
    struct cxf_node *n = vm->node;
    uint64_t *addr = malloc(vm->npages * sizeof(*addr)), nf = 0;
    for (uint64_t i = 0; i < vm->npages; i++) {
        const struct cxf_gpage *p = &vm->page[i];
        if (p->kind != CXF_PG_DRAM || p->owner != n->host)
            continue;
        if (!addr) {
            cxf_node_frames_free(n, p->addr, 1);
            continue;
        }
        addr[nf++] = p->addr;
    }
    if (!addr)
        return;
    qsort(addr, nf, sizeof(*addr), cmp_u64);
    for (uint64_t i = 0, first = 0; i < nf; i++)
        if (i + 1 == nf || addr[i + 1] != addr[i] + CXF_PAGE_SIZE) {
            cxf_node_frames_free(n, addr[first], i + 1 - first);
            first = i + 1;
        }
    free(addr);
}

void cxf_vm_destroy(struct cxf_vm *vm)
{
    struct cxf_node *n = vm->node;
    for (unsigned i = 0; i < vm->nvcpus; i++)
        cxf_sim_cancel(n->sim, &vm->vcpu[i].ev);
    free_frames(vm);
    llc_forget_free_frames(n);
    for (struct cxf_vm **pp = &n->vms; *pp; pp = &(*pp)->next)
        if (*pp == vm) {
            *pp = vm->next;
            break;
        }
    cxf_workload_fini(&vm->wl);
    free_vm(vm);
}

struct cxf_vm *cxf_node_vm(struct cxf_node *n, const char *name)
{
    for (struct cxf_vm *vm = n->vms; vm; vm = vm->next)
        if (!strcmp(vm->name, name))
            return vm;
    return NULL;
}

void cxf_vm_mark_lost(struct cxf_vm *vm, const char *reason)
{
    for (unsigned i = 0; i < vm->nvcpus; i++) {
        cxf_sim_cancel(vm->node->sim, &vm->vcpu[i].ev);
        vm->vcpu[i].state = CXF_VCPU_IDLE;
    }
    vm->state = CXF_VM_LOST;
    snprintf(vm->reason, sizeof(vm->reason), "%s", reason);
}

/* ------------------------------------------------------------ pages */

struct cxf_page_loc cxf_vm_page(const struct cxf_vm *vm, uint64_t gpn)
{
    const struct cxf_gpage *p = &vm->page[gpn];
    return (struct cxf_page_loc){.kind = p->kind, .owner = p->owner, .addr = p->addr};
}

void cxf_vm_tlb_invalidate(struct cxf_vm *vm, uint64_t gpn)
{
    for (unsigned i = 0; i < vm->nvcpus; i++) {
        struct cxf_vcpu *v = &vm->vcpu[i];
        struct cxf_tlb_entry *e = &v->tlb[gpn & (CXF_TLB_ENTRIES - 1)];
        if (e->gpn == gpn)
            e->gpn = UINT64_MAX;
        v->last_line = UINT64_MAX;
    }
}

void cxf_vm_tlb_flush(struct cxf_vm *vm)
{
    for (unsigned i = 0; i < vm->nvcpus; i++)
        cxf_vcpu_tlb_flush(&vm->vcpu[i]);
}

/* A location's whole page lies inside its owner's memory (the node's DRAM,
 * the device's capacity); an untouched page has no memory to check. */
static bool loc_in_bounds(const struct cxf_fabric *f, struct cxf_page_loc loc)
{
    uint64_t size;
    if (loc.kind == CXF_PG_DRAM && loc.owner < f->nhosts)
        size = f->host[loc.owner].dram_size;
    else if (loc.kind == CXF_PG_DEV && loc.owner < f->ndevs)
        size = f->dev[loc.owner]->capacity;
    else
        return loc.kind == CXF_PG_NONE;
    return size >= CXF_PAGE_SIZE && loc.addr <= size - CXF_PAGE_SIZE;
}

/* A location outside its owner's memory is refused and the page keeps its
 * home: installing it would make every later copy through it an
 * out-of-bounds one. (node.h gives this function no return value; callers
 * that can see the error use cxf_vm_page_move.) */
void cxf_vm_set_page(struct cxf_vm *vm, uint64_t gpn, struct cxf_page_loc loc)
{
    struct cxf_gpage *p = &vm->page[gpn];
    if (!loc_in_bounds(vm->node->fab, loc))
        return;
    if (p->kind != CXF_PG_NONE) /* the old home's cached lines are stale */
        cxf_llc_drop_page(&vm->node->llc, vm->node->fab, cxf_phys_line0(p), vm->node->sim->now);
    p->kind = (uint8_t)loc.kind;
    p->owner = (uint16_t)loc.owner;
    p->addr = loc.addr;
    p->xgen = 0; /* the remembered translation is for the old home */
    cxf_vm_tlb_invalidate(vm, gpn);
}

uint8_t *cxf_loc_bytes(const struct cxf_fabric *f, struct cxf_page_loc loc)
{
    if (!loc_in_bounds(f, loc))
        return NULL;
    if (loc.kind == CXF_PG_DRAM && !f->host[loc.owner].failed)
        return f->host[loc.owner].dram.base + loc.addr;
    if (loc.kind == CXF_PG_DEV)
        return cxf_dev_mem(f->dev[loc.owner], loc.addr);
    return NULL;
}

uint8_t *cxf_vm_page_bytes(const struct cxf_vm *vm, uint64_t gpn)
{
    return cxf_loc_bytes(vm->node->fab, cxf_vm_page(vm, gpn));
}

/* Is the 64-byte line at `off` of page location `loc` poisoned? Only pool
 * memory has a poison model (node DRAM has none). */
static bool line_poisoned(const struct cxf_fabric *f, struct cxf_page_loc loc, uint64_t off)
{
    return loc.kind == CXF_PG_DEV &&
           cxf_poison_first(&f->dev[loc.owner]->poison, loc.addr + off, CXF_LINE_SIZE) >= 0;
}

/* Copy a page into pool memory as the device's write path does: a clean
 * line write clears the line's poison (a page staged into a slot once
 * poisoned starts clean), and a poisoned line of a pool source stays
 * poisoned in its new home. */
static int copy_to_device(struct cxf_fabric *f, struct cxf_page_loc to, struct cxf_page_loc old,
                          const uint8_t *src)
{
    struct cxf_dev *d = f->dev[to.owner];
    bool src_poison = old.kind == CXF_PG_DEV &&
                      cxf_poison_first(&f->dev[old.owner]->poison, old.addr, CXF_PAGE_SIZE) >= 0;
    if (!src_poison)
        return cxf_dev_write(d, to.addr, src, CXF_PAGE_SIZE, false);
    for (uint64_t off = 0; off < CXF_PAGE_SIZE; off += CXF_LINE_SIZE) {
        int rc = cxf_dev_write(d, to.addr + off, src + off, CXF_LINE_SIZE,
                               line_poisoned(f, old, off));
        if (rc)
            return rc;
    }
    return 0;
}

int cxf_vm_page_move(struct cxf_vm *vm, uint64_t gpn, struct cxf_page_loc to,
                     struct cxf_page_loc *from)
{
    static const uint8_t zero[CXF_PAGE_SIZE];
    if (to.kind == CXF_PG_NONE || !loc_in_bounds(vm->node->fab, to))
        return -ERANGE;
    struct cxf_page_loc old = cxf_vm_page(vm, gpn);
    const uint8_t *src = old.kind == CXF_PG_NONE ? zero : cxf_vm_page_bytes(vm, gpn);
    uint8_t *dst = cxf_loc_bytes(vm->node->fab, to);
    if (!src || !dst)
        return -EIO;
    if (to.kind == CXF_PG_DEV) {
        int rc = copy_to_device(vm->node->fab, to, old, src);
        if (rc)
            return rc;
    } else {
        memcpy(dst, src, CXF_PAGE_SIZE);
    }
    cxf_vm_set_page(vm, gpn, to);
    if (from)
        *from = old;
    return 0;
}

int cxf_vm_page_to_local(struct cxf_vm *vm, uint64_t gpn)
{
    struct cxf_node *n = vm->node;
    struct cxf_page_loc old = cxf_vm_page(vm, gpn);
    if (old.kind == CXF_PG_DRAM && old.owner == n->host)
        return 0;
    uint64_t off;
    if (cxf_node_frame_alloc(n, &off))
        return -ENOMEM;
    int rc = cxf_vm_page_move(vm, gpn, (struct cxf_page_loc){CXF_PG_DRAM, n->host, off}, NULL);
    if (rc)
        cxf_node_frame_free(n, off);
    return rc;
}

/* ------------------------------------------------------ dirty logging */

void cxf_vm_mark_dirty(struct cxf_vm *vm, uint64_t gpn)
{
    uint64_t bit = 1ull << (gpn % 64);
    if (!(vm->dirty[gpn / 64] & bit)) {
        vm->dirty[gpn / 64] |= bit;
        vm->dirty_count++;
    }
}

/* Write-protect every cached translation: the next write to each page
 * comes back to the slow path and is logged. */
static void write_protect(struct cxf_vm *vm)
{
    for (unsigned i = 0; i < vm->nvcpus; i++) {
        struct cxf_vcpu *v = &vm->vcpu[i];
        for (unsigned k = 0; k < CXF_TLB_ENTRIES; k++)
            v->tlb[k].writable = false;
        v->last_dirty = false;
    }
}

void cxf_vm_dirty_log_start(struct cxf_vm *vm)
{
    memset(vm->dirty, 0, (vm->npages + 63) / 64 * sizeof(uint64_t));
    vm->dirty_count = 0;
    vm->dirty_logging = true;
    write_protect(vm);
}

uint64_t cxf_vm_dirty_log_fetch(struct cxf_vm *vm, uint64_t *bitmap)
{
    size_t words = (vm->npages + 63) / 64;
    uint64_t n = vm->dirty_count;
    if (bitmap)
        memcpy(bitmap, vm->dirty, words * sizeof(uint64_t));
    memset(vm->dirty, 0, words * sizeof(uint64_t));
    vm->dirty_count = 0;
    write_protect(vm);
    return n;
}

void cxf_vm_dirty_log_stop(struct cxf_vm *vm)
{
    vm->dirty_logging = false;
}
