/*
 * bench_migrate - a 1 GiB VM with 2 vCPUs migrated from node0 to node1 of
 * the default topology, under gups and kv, in each mode (precopy, postcopy,
 * hybrid, pool-staged), with default migration parameters.
 *
 * Each (workload, mode) pair is one fresh world: the VM is created (its
 * load phase lays out memory), runs WARMUP_NS of virtual time, migrates,
 * and runs AFTER_NS more once the migration ended. Per pair it prints, from
 * the migration's QEMU-style report (migrate/report.c):
 *
 *   migrate_<wl>_<mode>_total_time   ms of virtual time, start to completion
 *   migrate_<wl>_<mode>_downtime     ms the VM ran nowhere (pause to resume)
 *   migrate_<wl>_<mode>_transferred  bytes the migration moved (ram.transferred)
 *   migrate_<wl>_<mode>_degradation  1 - (ops/s during the migration) /
 *                                    (ops/s before it): 0 is no slowdown, 1 a
 *                                    VM that did nothing while migrating
 *   migrate_<wl>_<mode>_wall_time    s of wall-clock time for the whole pair:
 *                                    world, load phase, warm-up, migration,
 *                                    the run after, the checks
 *
 * The VM runs until stopped (ops = 0), so every mode sees the same warm-up
 * and after-window whatever its migration takes. A pair that does not end
 * with a completed migration and a running VM on node1 whose memory passes
 * the workload's verifier makes the benchmark exit non-zero. Numbers are
 * virtual time, so they repeat exactly from run to run and across machines
 * (kv's may differ across libm versions: docs/architecture.md,
 * "Determinism across machines"); only wall_time depends on the host.
 * docs/benchmarks.md lists what was measured.
 */
#include "bench.h"
#include "migrate/migrate.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#define VM_MEM     (1ull << 30)
#define VM_VCPUS   2u
#define WARMUP_NS  CXF_MS(10)   /* the "before" throughput */
#define AFTER_NS   CXF_MS(10)   /* the "after" throughput */
#define SLICE_NS   CXF_MS(1)    /* how often the driver looks at the migration */
#define LIMIT_NS   CXF_SEC(10)  /* a migration still running then is a failure */
#define DST_NODE   1u

struct bench_wl {
    const char *name;
    const char *spec;
};

/* gups spans all of guest memory. kv's 1M keys of 256-byte values make a
 * 2^21-bucket table of 272-byte buckets (570 MiB, spread over nearly every
 * page of it): YCSB-A (50% updates), Zipf 0.99. */
static const struct bench_wl workloads[] = {
    {"gups", "gups"},
    {"kv", "kv:keys=1000000,value=256,mix=A"},
};

static const enum cxf_mig_mode modes[] = {
    CXF_MIG_PRECOPY, CXF_MIG_POSTCOPY, CXF_MIG_HYBRID, CXF_MIG_POOL_STAGED,
};

static void die(const char *what, const char *msg)
{
    fprintf(stderr, "bench_migrate: %s: %s\n", what, msg);
    exit(1);
}

static struct cxf_vm *make_vm(struct cxf_world *w, const struct bench_wl *wl)
{
    struct cxf_vm_config c;
    struct cxf_vm *vm;
    struct cxf_err e;
    cxf_vm_config_default(&c);
    c.name = "vm0";
    c.mem_size = VM_MEM;
    c.vcpus = VM_VCPUS;
    c.ops = 0; /* until stopped */
    c.workload = wl->spec;
    if (cxf_vm_create(&vm, &w->node[0], &c, &e))
        die(wl->name, e.msg);
    return vm;
}

/* A number at a dotted path of the report ("ram.transferred"). */
static double report_num(struct json_object *o, const char *path, const char *run)
{
    char buf[64];
    snprintf(buf, sizeof(buf), "%s", path);
    for (char *save, *k = strtok_r(buf, ".", &save); k; k = strtok_r(NULL, ".", &save))
        if (!json_object_object_get_ex(o, k, &o))
            die(run, "the migration report lacks a key the benchmark prints");
    return json_object_get_double(o);
}

/* Run virtual time until the migration ends (or the limit). */
static void run_migration(struct cxf_world *w, const struct cxf_migration *m, const char *run)
{
    while (!cxf_migration_finished(m) && w->sim.now < LIMIT_NS)
        cxf_sim_run_until(&w->sim, w->sim.now + SLICE_NS);
    if (!cxf_migration_finished(m))
        die(run, "the migration was still running after 10 s of virtual time");
}

/* The migration completed, the VM runs on the destination, and its memory
 * is what the workload says it must be (kv checks every value). */
static void check_outcome(struct cxf_world *w, const struct cxf_migration *m, const char *run)
{
    struct cxf_err e = {{0}};
    if (cxf_migration_status(m) != CXF_MIG_COMPLETED) {
        fprintf(stderr, "bench_migrate: %s: migration %s: %s\n", run,
                cxf_mig_status_name(cxf_migration_status(m)), cxf_migration_reason(m));
        exit(1);
    }
    struct cxf_vm *vm = cxf_world_vm(w, "vm0");
    if (!vm || vm->state != CXF_VM_RUNNING || vm->node->host != DST_NODE)
        die(run, vm ? "the VM is not running on the destination" : "the VM was lost");
    cxf_vm_pause(vm);
    while (!cxf_vm_stopped(vm) && cxf_sim_step(&w->sim))
        ;
    if (cxf_vm_verify(vm, &e))
        die(run, e.msg);
}

static void print_figure(const char *run, const char *what, double v, const char *unit)
{
    char name[96];
    snprintf(name, sizeof(name), "migrate_%s_%s", run, what);
    bench_print(name, v, unit);
}

static void print_report(struct json_object *r, const char *run)
{
    double before = report_num(r, "throughput.before", run);
    double during = report_num(r, "throughput.during", run);
    print_figure(run, "total_time", report_num(r, "total-time", run), "ms");
    print_figure(run, "downtime", report_num(r, "downtime", run), "ms");
    print_figure(run, "transferred", report_num(r, "ram.transferred", run), "bytes");
    print_figure(run, "degradation", before > 0 ? 1.0 - during / before : 0.0, "x");
}

static void bench_pair(const struct bench_wl *wl, enum cxf_mig_mode mode, const char *only)
{
    char run[64];
    snprintf(run, sizeof(run), "%s_%s", wl->name, cxf_mig_mode_name(mode));
    for (char *c = run; *c; c++)
        if (*c == '-')
            *c = '_'; /* pool-staged -> pool_staged: one word per figure name */
    if (only && !strstr(run, only))
        return;
    double t0 = bench_now();
    struct cxf_world *w;
    struct cxf_err e;
    if (cxf_world_create(&w, NULL, NULL, &e))
        die(run, e.msg);
    struct cxf_vm *vm = make_vm(w, wl);
    cxf_vm_start(vm);
    cxf_sim_run_until(&w->sim, WARMUP_NS);
    struct cxf_mig_params p;
    struct cxf_migration *m;
    cxf_mig_params_default(&p);
    p.mode = mode;
    p.dst_node = DST_NODE;
    if (cxf_migrate_start(w, "vm0", &p, &m, &e))
        die(run, e.msg);
    run_migration(w, m, run);
    cxf_sim_run_until(&w->sim, w->sim.now + AFTER_NS);
    struct json_object *r = cxf_migration_json(m);
    check_outcome(w, m, run);
    print_report(r, run);
    json_object_put(r);
    cxf_world_free(w);
    print_figure(run, "wall_time", bench_now() - t0, "s");
}

/* An argument runs only the pairs whose name contains it ("kv_hybrid"). */
int main(int argc, char **argv)
{
    const char *only = argc > 1 ? argv[1] : NULL;
    for (size_t i = 0; i < sizeof(workloads) / sizeof(workloads[0]); i++)
        for (size_t k = 0; k < sizeof(modes) / sizeof(modes[0]); k++)
            bench_pair(&workloads[i], modes[k], only);
    return 0;
}
