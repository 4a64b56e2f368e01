/*
 * tools/cxl-fabric/fabric_cli.h - what the cxl-fabric subcommands share:
 * the subcommand entry points, loading a topology, and aligned tables.
 */
#ifndef CXF_FABRIC_CLI_H
#define CXF_FABRIC_CLI_H

#include <stddef.h>

struct cxf_fabric;
struct json_object;

#define FABRIC_PROG "cxl-fabric"

/* A subcommand gets argv from its own name on and returns the exit code. */
int cxf_topo_cmd(int argc, char **argv);

/* The fabric from a config file, or the embedded default when path is NULL;
 * on error prints the one-line message and returns NULL. */
struct cxf_fabric *cxf_fabric_cli_load(const char *path);

/* Human tables of the topology, rendered from cxf_fabric_topology_json()'s
 * object (so a topology received as JSON prints the same way). */
void cxf_topo_print(struct json_object *topo);

/* A table with a title and aligned columns; cells are added left to right,
 * top to bottom, and copied. */
struct cxf_table {
    const char *title;
    const char *const *head; /* NULL-terminated column titles */
    unsigned ncols;
    char **cell;
    size_t ncells, cap;
};

void cxf_table_init(struct cxf_table *t, const char *title, const char *const *head);
void cxf_table_add(struct cxf_table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print (with a blank line after) and free the cells. */
void cxf_table_print(struct cxf_table *t);

#endif
