/* tests/unit/mig_fixture.h - one VM's run, migrated or not, with faults at
 * set virtual times; what became of it. Shared by the migration tests. */
#ifndef CXF_TEST_MIG_FIXTURE_H
#define CXF_TEST_MIG_FIXTURE_H

#include "migrate/migrate.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum mfx_fault { MFX_NONE = 0, MFX_LINK_DOWN, MFX_LINK_UP, MFX_NODE_FAIL, MFX_CANCEL };

struct mfx_action {
    cxf_time_t at;
    enum mfx_fault what;
    const char *link;   /* LINK_* */
    unsigned node;      /* NODE_FAIL */
};

struct mfx_run {
    /* in */
    const char *workload;
    uint64_t mem, ops;
    unsigned vcpus;
    uint64_t seed;
    const char *devices;
    bool migrate;
    struct cxf_mig_params p;
    cxf_time_t start_at;             /* when the migration starts */
    struct mfx_action act[4];
    const char *second_vm;           /* another VM on the source, undisturbed */
    /* out */
    uint64_t hash, second_hash;
    bool hash_ok;
    enum cxf_vm_state vm_state;
    unsigned vm_node;
    enum cxf_mig_status status;
    enum cxf_vm_outcome outcome;
    char reason[256];
    int verify_rc;
    int cancel_rc;
    bool saw_paused;
    uint64_t src_frames_free_before, src_frames_free_after;
    struct json_object *report;      /* the migration's JSON, freed by mfx_free */
};

struct mfx_ctx {
    struct cxf_world *w;
    struct mfx_run *r;
    struct cxf_migration *m;
    struct cxf_event ev[5];
    struct cxf_event probe;
};

static inline void mfx_do(struct cxf_sim *sim, struct cxf_event *ev)
{
    (void)sim;
    struct mfx_ctx *c = ev->arg;
    unsigned i = (unsigned)(ev - c->ev);
    if (i == 4) { /* the migration's start */
        struct cxf_err e;
        if (cxf_migrate_start(c->w, "vm0", &c->r->p, &c->m, &e)) {
            fprintf(stderr, "fixture: start: %s\n", e.msg);
            abort();
        }
        return;
    }
    const struct mfx_action *a = &c->r->act[i];
    struct cxf_err e;
    switch (a->what) {
    case MFX_LINK_DOWN: cxf_fault_link(c->w->fab, a->link, true, &e); break;
    case MFX_LINK_UP: cxf_fault_link(c->w->fab, a->link, false, &e); break;
    case MFX_NODE_FAIL: cxf_world_node_fail(c->w, a->node); break;
    case MFX_CANCEL: c->r->cancel_rc = c->m ? cxf_migrate_cancel(c->m, &e) : -1; break;
    default: break;
    }
}

/* Watch for postcopy-paused every 50 us while the migration runs. */
static inline void mfx_probe(struct cxf_sim *sim, struct cxf_event *ev)
{
    struct mfx_ctx *c = ev->arg;
    if (c->m && cxf_migration_status(c->m) == CXF_MIG_POSTCOPY_PAUSED)
        c->r->saw_paused = true;
    /* until the migration has started and ended */
    if (!c->m ? c->r->migrate : !cxf_migration_finished(c->m))
        cxf_sim_schedule_in(sim, ev, CXF_US(50));
}

static inline struct cxf_vm *mfx_vm(struct cxf_world *w, const char *name, struct mfx_run *r)
{
    struct cxf_vm_config vc;
    cxf_vm_config_default(&vc);
    vc.name = name;
    vc.mem_size = r->mem;
    vc.ops = r->ops;
    vc.vcpus = r->vcpus;
    vc.seed = r->seed;
    vc.workload = r->workload;
    vc.devices = r->devices ? r->devices : "net,blk";
    struct cxf_vm *vm;
    struct cxf_err e;
    if (cxf_vm_create(&vm, &w->node[0], &vc, &e)) {
        fprintf(stderr, "fixture: %s\n", e.msg);
        abort();
    }
    return vm;
}

static inline void mfx_go(struct mfx_run *r)
{
    struct mfx_ctx c = {.r = r};
    struct cxf_err e;
    if (cxf_world_create(&c.w, NULL, NULL, &e)) {
        fprintf(stderr, "fixture: %s\n", e.msg);
        abort();
    }
    r->src_frames_free_before = c.w->node[0].frames_free;
    struct cxf_vm *vm = mfx_vm(c.w, "vm0", r), *other = NULL;
    if (r->second_vm) {
        struct mfx_run o = *r;
        o.workload = r->second_vm;
        other = mfx_vm(c.w, "other", &o);
        cxf_vm_start(other);
    }
    cxf_vm_start(vm);
    for (unsigned i = 0; i < 5; i++)
        cxf_event_init(&c.ev[i], mfx_do, &c);
    if (r->migrate)
        cxf_sim_schedule(&c.w->sim, &c.ev[4], r->start_at ? r->start_at : CXF_US(500));
    for (unsigned i = 0; i < 4; i++)
        if (r->act[i].what != MFX_NONE)
            cxf_sim_schedule(&c.w->sim, &c.ev[i], r->act[i].at);
    cxf_event_init(&c.probe, mfx_probe, &c);
    cxf_sim_schedule(&c.w->sim, &c.probe, 0);
    cxf_sim_run_idle(&c.w->sim, 0);
    vm = cxf_world_vm(c.w, "vm0");
    r->src_frames_free_after = c.w->node[0].frames_free;
    r->vm_state = vm->state;
    r->vm_node = vm->node->host;
    r->hash_ok = cxf_vm_hash(vm, &r->hash) == 0;
    r->verify_rc = vm->state == CXF_VM_DONE ? cxf_vm_verify(vm, &e) : -1;
    if (other)
        cxf_vm_hash(other, &r->second_hash);
    if (c.m) {
        r->status = cxf_migration_status(c.m);
        r->outcome = cxf_migration_outcome(c.m);
        snprintf(r->reason, sizeof(r->reason), "%s", cxf_migration_reason(c.m));
        r->report = cxf_migration_json(c.m);
    }
    if (other)
        cxf_vm_destroy(other);
    cxf_vm_destroy(vm);
    cxf_world_free(c.w);
}

static inline void mfx_free(struct mfx_run *r)
{
    if (r->report)
        json_object_put(r->report);
    r->report = NULL;
}

/* A number at a dotted path of the report ("ram.transferred"). */
static inline double mfx_num(const struct mfx_run *r, const char *path)
{
    char buf[128];
    snprintf(buf, sizeof(buf), "%s", path);
    struct json_object *o = r->report;
    for (char *save, *k = strtok_r(buf, ".", &save); k && o; k = strtok_r(NULL, ".", &save))
        if (!json_object_object_get_ex(o, k, &o))
            return -1;
    return o ? json_object_get_double(o) : -1;
}

/* The run without migration, for comparison. */
static inline uint64_t mfx_reference(const struct mfx_run *like)
{
    struct mfx_run r = *like;
    r.migrate = false;
    memset(r.act, 0, sizeof(r.act));
    r.report = NULL;
    mfx_go(&r);
    return r.hash;
}

#endif
