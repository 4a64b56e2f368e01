/*
 * tools/cxl-migrate/migrate_cli.h - what the cxl-migrate subcommands
 * share: their option tables and handlers (the subcommand table is in
 * main.c), and how a finished migration is told.
 */
#ifndef CXF_MIGRATE_CLI_H
#define CXF_MIGRATE_CLI_H

#include "tools/common/subcmd.h"

#include <stdbool.h>

struct json_object;

#define MIGRATE_PROG "cxl-migrate"

/* start_cmd.c: start and cancel */
extern const struct cxf_opt cxf_mig_start_opts[];
extern const struct cxf_opt cxf_mig_vm_opts[];
void cxf_mig_show_started(struct cxf_cmdline *cl, struct json_object *m);
void cxf_mig_show_cancel(struct cxf_cmdline *cl, struct json_object *m);

/* status_cmd.c: status, one migration or all */
extern const struct cxf_opt cxf_mig_status_opts[];
int cxf_mig_status_run(struct cxf_cmdline *cl);
void cxf_mig_show_status(struct cxf_cmdline *cl, struct json_object *r);

/* watch.c: status --watch, until the migration ends */
int cxf_mig_watch(struct cxf_cmdline *cl);

/* wait_cmd.c: wait */
extern const struct cxf_opt cxf_mig_wait_opts[];
void cxf_mig_show_outcome(struct cxf_cmdline *cl, struct json_object *m);
int cxf_mig_verdict(struct cxf_cmdline *cl, struct json_object *m);

/* Has the migration object reached an end (completed, failed, cancelled)? */
bool cxf_mig_finished(struct json_object *m);

#endif
