/*
 * tools/cxl-fabric/fabric_cli.h - what the cxl-fabric subcommands share:
 * their tables (one file per group), loading a topology offline, and the
 * human renderings more than one subcommand uses.
 */
#ifndef CXF_FABRIC_CLI_H
#define CXF_FABRIC_CLI_H

#include "tools/common/subcmd.h"

struct cxf_fabric;
struct json_object;

#define FABRIC_PROG "cxl-fabric"

/* The subcommands of each group, NULL-name terminated. topo is a group of
 * one, run without a group word. */
extern const struct cxf_subcmd cxf_topo_subcmds[];
extern const struct cxf_subcmd cxf_vm_subcmds[];
extern const struct cxf_subcmd cxf_fm_subcmds[];
extern const struct cxf_subcmd cxf_fault_subcmds[];
extern const struct cxf_subcmd cxf_daemon_subcmds[];

/* The fabric from a config file, or the embedded default when path is NULL;
 * on error prints the one-line message and returns NULL. */
struct cxf_fabric *cxf_fabric_cli_load(const char *path);

/* Human tables of the topology, rendered from cxf_fabric_topology_json()'s
 * object or the daemon's topo answer (which adds links and config). */
void cxf_topo_print(struct json_object *topo);

/* A table of VMs from an array of VM summaries (vm.list, vm.create, ...). */
void cxf_vm_table_print(struct json_object *vms);
/* vm stats for a person: counters, accesses by class with latency
 * percentiles, the timeline when asked for. */
void cxf_vm_stats_print(struct cxf_cmdline *cl, struct json_object *stats);

#endif
