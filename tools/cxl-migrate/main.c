/*
 * cxl-migrate - live-migrate VMs between the nodes of a running
 * cxl-fabricd: pre-copy, post-copy against the source node's memory,
 * hybrid, pool-staged.
 *
 *   cxl-migrate start VM --to NODE [--precopy|--postcopy|--hybrid[=N]|--pool-staged] ...
 *   cxl-migrate status [VM] [-j] [--watch]
 *   cxl-migrate wait VM [--timeout DURATION]
 *   cxl-migrate cancel VM
 *
 * The table below is every subcommand; their options and handlers live in
 * one file each (start_cmd.c, status_cmd.c with watch.c, wait_cmd.c).
 */
#include "migrate_cli.h"

static const struct cxf_subcmd subcmds[] = {
    {.name = "start", .cmd = "migrate.start", .opts = cxf_mig_start_opts,
     .show = cxf_mig_show_started,
     .summary = "start migrating a VM to another node (post-copy unless a mode is given)"},
    {.name = "status", .cmd = "migrate.status", .opts = cxf_mig_status_opts,
     .run = cxf_mig_status_run, .show = cxf_mig_show_status,
     .summary = "a VM's newest migration in QEMU's terms (every migration without VM); "
                "--watch follows it live until it ends"},
    {.name = "wait", .cmd = "migrate.wait", .opts = cxf_mig_wait_opts,
     .show = cxf_mig_show_outcome, .verdict = cxf_mig_verdict,
     .summary = "wait for a VM's migration to end; exit 0 only when it completed with the VM "
                "running on the destination"},
    {.name = "cancel", .cmd = "migrate.cancel", .opts = cxf_mig_vm_opts,
     .show = cxf_mig_show_cancel,
     .summary = "cancel a migration before its switch-over; the VM stays on the source"},
    {NULL},
};

int main(int argc, char **argv)
{
    return cxf_subcmd_dispatch(MIGRATE_PROG, NULL, subcmds, argc, argv);
}
