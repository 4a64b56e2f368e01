/*
 * tools/cxl-fabric/vm_show.c - VMs for a person: the VM table, and a VM's
 * statistics with its memory accesses by class (LLC hits, local DRAM,
 * remote node memory through the bridges, pool devices) and the latency
 * percentiles of each class, read from the daemon's histograms.
 */
#include "fabric_cli.h"
#include "tools/common/render.h"

#include <json-c/json.h>
#include <stdio.h>

void cxf_vm_table_print(struct json_object *vms)
{
    static const char *const head[] = {"NAME", "NODE", "STATE", "MEMORY", "VCPUS", "WORKLOAD",
                                       "OPS", "MIGRATION", NULL};
    struct cxf_table t;
    cxf_table_init(&t, "VMs", head);
    for (size_t i = 0; i < cxf_jlen(vms); i++) {
        struct json_object *vm = json_object_array_get_idx(vms, i);
        char mem[32];
        cxf_table_add(&t, "%s", cxf_jstr(vm, "name"));
        cxf_table_add(&t, "%s", cxf_jstr(vm, "node"));
        cxf_table_add(&t, "%s", cxf_jstr(vm, "state"));
        cxf_table_add(&t, "%s", cxf_fmt_size(mem, sizeof(mem), cxf_ju64(vm, "memory")));
        cxf_table_add(&t, "%s", cxf_jstr(vm, "vcpus"));
        cxf_table_add(&t, "%s", cxf_jstr(vm, "workload"));
        if (cxf_ju64(vm, "ops_target"))
            cxf_table_add(&t, "%s/%s", cxf_jstr(vm, "ops"), cxf_jstr(vm, "ops_target"));
        else
            cxf_table_add(&t, "%s", cxf_jstr(vm, "ops"));
        cxf_table_add(&t, "%s", cxf_jstr(vm, "migration"));
    }
    cxf_table_print(&t);
}

static const struct cxf_field vm_fields[] = {
    {"VM", "name", CXF_F_TEXT},
    {"node", "node", CXF_F_TEXT},
    {"state", "state", CXF_F_TEXT},
    {"reason", "reason", CXF_F_TEXT},
    {"workload", "workload", CXF_F_TEXT},
    {"memory", "memory", CXF_F_SIZE},
    {"vcpus", "vcpus", CXF_F_TEXT},
    {"seed", "seed", CXF_F_TEXT},
    {"ops", "ops", CXF_F_TEXT},
    {"ops target", "ops_target", CXF_F_TEXT},
    {"virtual time", "virtual_time_ns", CXF_F_NS},
    {"stall", "stall_ns", CXF_F_NS},
    {"remote extra", "remote_extra_ns", CXF_F_NS},
    {"throttle", "throttle", CXF_F_TEXT},
    {NULL, NULL, CXF_F_TEXT},
};

/* One class's row: its share of all accesses and its latency percentiles
 * (LLC hits have no histogram: their cost is the cache's). */
static void access_row(struct cxf_table *t, struct json_object *stats, const char *cls,
                       uint64_t total)
{
    char key[64];
    uint64_t n = cxf_ju64(cxf_jget(stats, "accesses"), cls);
    cxf_table_add(t, "%s", cls);
    cxf_table_add(t, "%llu", (unsigned long long)n);
    cxf_table_add(t, "%.1f%%", total ? 100.0 * (double)n / (double)total : 0.0);
    snprintf(key, sizeof(key), "memory_latency_ns.%s", cls);
    struct json_object *h = cxf_jget(stats, key);
    static const char *const pct[] = {"mean", "p50", "p90", "p99", "p999", "max"};
    for (size_t i = 0; i < sizeof(pct) / sizeof(pct[0]); i++) {
        if (h && cxf_ju64(h, "count"))
            cxf_table_add(t, "%.0f", cxf_jnum(h, pct[i]));
        else
            cxf_table_add(t, "-");
    }
}

static void accesses_print(struct json_object *stats)
{
    static const char *const head[] = {"CLASS", "ACCESSES", "SHARE", "MEAN-NS", "P50-NS",
                                       "P90-NS", "P99-NS", "P99.9-NS", "MAX-NS", NULL};
    struct json_object *acc = cxf_jget(stats, "accesses");
    uint64_t total = 0;
    json_object_object_foreach(acc, cls, n) {
        (void)cls;
        total += json_object_get_uint64(n);
    }
    struct cxf_table t;
    cxf_table_init(&t, "Memory accesses by class (latency percentiles in ns)", head);
    json_object_object_foreach(acc, cls2, n2) {
        (void)n2;
        access_row(&t, stats, cls2, total);
    }
    cxf_table_print(&t);
}

/* Operations per sampling interval, ten to a line. */
static void timeline_print(struct json_object *tl)
{
    struct json_object *ops = cxf_jget(tl, "ops");
    printf("Operations per %.3f ms interval (%zu intervals)\n",
           (double)cxf_ju64(tl, "interval_ns") / 1e6, cxf_jlen(ops));
    for (size_t i = 0; i < cxf_jlen(ops); i++)
        printf("%s%s", !i ? "  " : i % 10 ? " " : "\n  ",
               json_object_get_string(json_object_array_get_idx(ops, i)));
    printf("%s", cxf_jlen(ops) ? "\n" : "");
}

void cxf_vm_stats_print(struct cxf_cmdline *cl, struct json_object *stats)
{
    (void)cl;
    cxf_fields_print(stats, vm_fields);
    printf("\n");
    accesses_print(stats);
    if (cxf_jget(stats, "timeline"))
        timeline_print(cxf_jget(stats, "timeline"));
}
