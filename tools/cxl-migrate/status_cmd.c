/*
 * cxl-migrate status - a migration in the words of QEMU's `info migrate`
 * (status, total time, downtime, transferred/remaining/total ram,
 * pages-per-second, dirty sync count, postcopy request count), plus what
 * post-copy over the fabric adds: remote accesses and their latency, pages
 * pulled by reason, and the VM's throughput before, during and after.
 * Without a VM, a table of every migration, newest first.
 */
#include "migrate_cli.h"
#include "tools/common/render.h"

#include <json-c/json.h>
#include <string.h>

#define LABEL_WIDTH 27 /* "pages away at switch-over:" and a blank */

bool cxf_mig_finished(struct json_object *m)
{
    const char *s = cxf_jstr(m, "status");
    return !strcmp(s, "completed") || !strcmp(s, "failed") || !strcmp(s, "cancelled");
}

static const struct cxf_field qemu_fields[] = {
    {"Migration status", "status", CXF_F_TEXT},
    {"VM outcome", "vm-outcome", CXF_F_TEXT},
    {"reason", "reason", CXF_F_TEXT},
    {"total time", "total-time", CXF_F_MS},
    {"setup", "setup-time", CXF_F_MS},
    {"downtime", "downtime", CXF_F_MS},
    {"expected downtime", "expected-downtime", CXF_F_MS},
    {"rounds", "rounds", CXF_F_TEXT},
    {"cpu throttle percentage", "cpu-throttle-percentage", CXF_F_PCT},
    {"transferred ram", "ram.transferred", CXF_F_KBYTES},
    {"throughput", "ram.mbps", CXF_F_MBPS},
    {"remaining ram", "ram.remaining", CXF_F_KBYTES},
    {"total ram", "ram.total", CXF_F_KBYTES},
    {"pages-per-second", "ram.pages-per-second", CXF_F_TEXT},
    {"dirty sync count", "ram.dirty-sync-count", CXF_F_TEXT},
    {"dirty pages rate", "ram.dirty-pages-rate", CXF_F_TEXT},
    {"postcopy request count", "ram.postcopy-requests", CXF_F_TEXT},
    {"precopy ram", "ram.precopy-bytes", CXF_F_KBYTES},
    {"downtime ram", "ram.downtime-bytes", CXF_F_KBYTES},
    {"postcopy ram", "ram.postcopy-bytes", CXF_F_KBYTES},
    {"remote accesses", "postcopy.remote-accesses", CXF_F_TEXT},
    {"postcopy blocktime", "postcopy.blocktime", CXF_F_MS},
    {"pages away at switch-over", "postcopy.pages-away-at-switch-over", CXF_F_TEXT},
    {"device pages", "postcopy.device-pages", CXF_F_TEXT},
    {NULL, NULL, CXF_F_TEXT},
};

/* The lines that combine several values. */
static void composite_lines(struct json_object *m)
{
    struct json_object *pc = cxf_jget(m, "postcopy");
    if (pc) {
        struct json_object *h = cxf_jget(pc, "remote-access-latency");
        if (cxf_ju64(h, "count"))
            cxf_field_line(LABEL_WIDTH, "remote access latency",
                           "p50 %s ns, p99 %s ns, max %s ns", cxf_jstr(h, "p50"),
                           cxf_jstr(h, "p99"), cxf_jstr(h, "max"));
        cxf_field_line(LABEL_WIDTH, "pages pulled", "push %s, touch %s, prefetch %s",
                       cxf_jstr(pc, "pages-pulled.push"), cxf_jstr(pc, "pages-pulled.touch"),
                       cxf_jstr(pc, "pages-pulled.prefetch"));
    }
    char b[32], d[32], a[32];
    struct json_object *t = cxf_jget(m, "throughput");
    if (t)
        cxf_field_line(LABEL_WIDTH, "VM throughput", "before %s, during %s, after %s ops/s",
                       cxf_fmt_count(b, sizeof(b), cxf_jnum(t, "before")),
                       cxf_fmt_count(d, sizeof(d), cxf_jnum(t, "during")),
                       cxf_fmt_count(a, sizeof(a), cxf_jnum(t, "after")));
}

static void one(struct json_object *m)
{
    printf("Migration %s of %s: %s from %s to %s\n", cxf_jstr(m, "id"), cxf_jstr(m, "vm"),
           cxf_jstr(m, "mode"), cxf_jstr(m, "source"), cxf_jstr(m, "destination"));
    cxf_fields_print_at(m, qemu_fields, LABEL_WIDTH);
    composite_lines(m);
}

static void all(struct json_object *migs)
{
    static const char *const head[] = {"ID", "VM", "MODE", "FROM", "TO", "STATUS", "VM-OUTCOME",
                                       "TOTAL", "DOWNTIME", "TRANSFERRED", NULL};
    struct cxf_table t;
    cxf_table_init(&t, "Migrations (newest first)", head);
    for (size_t i = 0; i < cxf_jlen(migs); i++) {
        struct json_object *m = json_object_array_get_idx(migs, i);
        char size[32], total[32], down[32];
        cxf_table_add(&t, "%s", cxf_jstr(m, "id"));
        cxf_table_add(&t, "%s", cxf_jstr(m, "vm"));
        cxf_table_add(&t, "%s", cxf_jstr(m, "mode"));
        cxf_table_add(&t, "%s", cxf_jstr(m, "source"));
        cxf_table_add(&t, "%s", cxf_jstr(m, "destination"));
        cxf_table_add(&t, "%s", cxf_jstr(m, "status"));
        cxf_table_add(&t, "%s", cxf_jstr(m, "vm-outcome"));
        cxf_table_add(&t, "%s", cxf_fmt_ms(total, sizeof(total), cxf_jnum(m, "total-time")));
        cxf_table_add(&t, "%s", cxf_fmt_ms(down, sizeof(down), cxf_jnum(m, "downtime")));
        cxf_table_add(&t, "%s", cxf_fmt_size(size, sizeof(size), cxf_ju64(m, "ram.transferred")));
    }
    cxf_table_print(&t);
}

void cxf_mig_show_status(struct cxf_cmdline *cl, struct json_object *r)
{
    (void)cl;
    if (cxf_jget(r, "migrations"))
        all(cxf_jget(r, "migrations"));
    else
        one(r);
}

int cxf_mig_status_run(struct cxf_cmdline *cl)
{
    if (cxf_cmdline_local(cl, "watch"))
        return cxf_mig_watch(cl);
    struct json_object *r = NULL;
    int rc = cxf_subcmd_call(cl, &r);
    return rc ? rc : cxf_subcmd_finish(cl, r);
}

const struct cxf_opt cxf_mig_status_opts[] = {
    {.name = "VM", .kind = CXF_OPT_NAME, .flags = CXF_OPT_POSITIONAL, .key = "vm",
     .help = "the VM whose newest migration to show (default: a table of all)"},
    {.name = "watch", .short_name = 'w', .kind = CXF_OPT_FLAG, .flags = CXF_OPT_LOCAL,
     .help = "follow the migration (the VM's, or the newest) live until it ends; exit as "
             "'wait' does"},
    {NULL},
};
