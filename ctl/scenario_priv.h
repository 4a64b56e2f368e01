/*
 * ctl/scenario_priv.h - what the scenario files share: a scenario as read
 * from its file (docs/scenarios.md), its expectations, and the state of its
 * run. scenario.c reads and checks, scenario_expect.c judges the outcome,
 * scenario_run.c runs it.
 */
#ifndef CXF_SCENARIO_PRIV_H
#define CXF_SCENARIO_PRIV_H

#include "ctl_priv.h"

#define SCN_PROBE_NS   CXF_US(10)  /* how often "when" triggers and the end are checked */
#define SCN_TAIL_NS    CXF_MS(2)   /* default run after every migration ended */
#define SCN_LIMIT_NS   CXF_SEC(2)  /* default virtual-time safety limit */

struct scn_run;

/* One action: a control command run at a virtual time, or once a VM's
 * newest migration shows a status (plus a delay). */
struct scn_action {
    unsigned index;                 /* in the file's "actions" */
    bool when;                      /* else at `at` */
    cxf_time_t at;
    const char *vm;                 /* when: whose migration is watched */
    enum cxf_mig_status status;     /* when: the status awaited */
    cxf_time_t delay;               /* when: after the status was seen */
    const char *cmd;
    struct json_object *args;       /* borrowed from the scenario's JSON; NULL: none */
    const char *expect_error;       /* errno name it must fail with; NULL: must succeed */
    /* the run */
    struct scn_run *run;
    struct cxf_event ev;
    bool fired;
};

/* What the scenario expects. Strings point into the scenario's JSON. */
struct scn_expect {
    struct json_object *json;       /* the "expect" object as written */
    const char *status;             /* NULL: not checked */
    const char *outcome;
    const char *integrity;          /* required */
    const char *reason;             /* a substring of the migration's reason */
    uint32_t saw;                   /* statuses that must have been seen (bit per status) */
    struct json_object *metrics;    /* {"dotted.path": {"min": x, "max": y}} */
};

enum scn_topo { SCN_TOPO_DEFAULT = 0, SCN_TOPO_FILE, SCN_TOPO_INLINE };

struct scenario {
    struct json_object *root;       /* owns every string and object below */
    const char *name;
    const char *description;
    enum scn_topo topo;
    const char *topo_path;          /* SCN_TOPO_FILE, as written */
    struct json_object *topo_obj;   /* SCN_TOPO_INLINE */
    struct cxf_node_config nc;
    struct json_object *vms;        /* vm.create arguments, one object per VM */
    struct scn_action *act;
    size_t nact;
    cxf_time_t tail;
    cxf_time_t limit;
    struct scn_expect expect;
};

/* scenario.c: read scenario text strictly; one line naming the key path on
 * error. free() releases what parse allocated (also after a failure). */
int cxf_scn_parse(struct scenario *s, const char *text, struct cxf_err *e);
void cxf_scn_free(struct scenario *s);
/* Prefix e's message with a key path: "actions[2].args: " + message. */
int cxf_scn_at(struct cxf_err *e, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Make e's message one line (control characters become blanks); rc. */
int cxf_scn_one_line(struct cxf_err *e, int rc);
/* "1.5 ms" for messages. */
const char *cxf_scn_time(cxf_time_t ns, char *buf, size_t len);
/* A status by name, or -1. */
int cxf_scn_status(const char *name);

/* scenario_expect.c */
int cxf_scn_expect_parse(struct scn_expect *x, struct json_object *o, struct cxf_err *e);
/* The outcome against the expectations: an array of lines, one per thing
 * that differs (empty: pass). `migration` is the newest migration's report
 * or NULL; `seen` the statuses seen. */
struct json_object *cxf_scn_judge(const struct scn_expect *x, struct json_object *outcome,
                                  struct json_object *migration, uint32_t seen);

#endif /* CXF_SCENARIO_PRIV_H */
