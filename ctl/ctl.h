/*
 * ctl/ctl.h - the control plane: one emulated world and the commands that
 * drive it.
 *
 * Every way of driving the emulator goes through the same command table:
 * the daemon's socket protocol (docs/protocol.md: one JSON object per line),
 * the timed actions of a scenario (docs/scenarios.md), and the tests. A
 * command has a dotted name ("vm.create", "migrate.start") and a JSON
 * object of arguments, and answers with a JSON object or one clear error
 * line. Bad input never changes the world.
 */
#ifndef CXF_CTL_H
#define CXF_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "migrate/migrate.h"
#include "sim/err.h"

struct json_object;

#define CXF_PROTOCOL_VERSION 1
#define CXF_VERSION          "0.6"

/* What the daemon around a ctl offers its commands (NULL: none, as in a
 * scenario or a test; daemon.* commands then answer ENOTSUP). */
struct cxf_ctl_daemon {
    void *ctx;
    /* add the daemon's own facts (socket, pace, lag, clients) to `into` */
    void (*info)(void *ctx, struct json_object *into);
    /* "realtime", "10x", "max": 0 or -EINVAL with e filled */
    int (*set_pace)(void *ctx, const char *pace, struct cxf_err *e);
    void (*shutdown)(void *ctx);
};

struct cxf_ctl {
    struct cxf_world *w;
    char *config_json;              /* the topology text (replays rebuild from it) */
    char config_source[256];        /* a file path, or "embedded default" */
    struct cxf_node_config nc;
    const struct cxf_ctl_daemon *daemon;
    int cxl_rc;                     /* the CXL return code of a failed FM command, or -1 */
    unsigned verifies_running;      /* vm.verify children alive */
};

/* A world from a topology file (NULL: the embedded default) and node
 * settings (NULL: the defaults). */
int cxf_ctl_init(struct cxf_ctl *c, const char *config_path, const struct cxf_node_config *nc,
                 struct cxf_err *e);
/* The same from topology text (NULL: the embedded default); `source` says
 * where the text came from, for `topo` and daemon.info. */
int cxf_ctl_init_text(struct cxf_ctl *c, const char *config_json, const char *source,
                      const struct cxf_node_config *nc, struct cxf_err *e);
void cxf_ctl_fini(struct cxf_ctl *c);

/*
 * Some commands answer later: migrate.wait when the migration ends,
 * vm.verify when its replay (a child process) reports. exec() then returns
 * CXF_CTL_LATER with *wait describing what is awaited; the caller polls it
 * after time advanced or when wait->fd is readable.
 */
#define CXF_CTL_LATER 1

enum cxf_wait_kind { CXF_WAIT_NONE = 0, CXF_WAIT_MIGRATION, CXF_WAIT_VERIFY };

struct cxf_ctl_wait {
    enum cxf_wait_kind kind;
    char vm[CXF_NAME_MAX];
    unsigned mig_id;                /* the migration awaited */
    cxf_time_t deadline;            /* virtual time; 0 = none */
    pid_t pid;                      /* the verify child */
    int fd;                         /* its result pipe; -1 none */
    struct json_object *partial;    /* the verdict so far (the VM's own hash) */
    char *buf;                      /* the child's answer so far */
    size_t len;
};

/* Run one command. On success *result is a new JSON object (never NULL).
 * On failure a negative errno and one line in e (and c->cxl_rc when a CXL
 * command returned a failure code). `wait` NULL means the caller cannot
 * wait: commands that would answer later are refused. */
int cxf_ctl_exec(struct cxf_ctl *c, const char *cmd, struct json_object *args,
                 struct json_object **result, struct cxf_ctl_wait *wait, struct cxf_err *e);
/* 0 with *result once the awaited thing happened, CXF_CTL_LATER while it has
 * not, or a negative errno with e filled. */
int cxf_ctl_wait_poll(struct cxf_ctl *c, struct cxf_ctl_wait *wait, struct json_object **result,
                      struct cxf_err *e);
/* The waiter went away (client disconnected): release what it holds. */
void cxf_ctl_wait_drop(struct cxf_ctl *c, struct cxf_ctl_wait *wait);

/* The command table, for `help` and docs. */
struct cxf_ctl_cmd_info {
    const char *name;
    const char *args;               /* one line: the argument keys */
    const char *summary;
};
const struct cxf_ctl_cmd_info *cxf_ctl_commands(size_t *n);

/* The errno name for a negative code ("ENOENT"), for protocol errors. */
const char *cxf_errno_name(int rc);

/* ------------------------------------------------------------ integrity */

/*
 * The reference run for the integrity rule: the same VM (workload, memory,
 * vCPUs, seed, devices) in a fresh world built from the same topology,
 * never migrated, each vCPU run to the op count given (ops[i]; NULL: the
 * VM's own op target). Its guest memory hash is what a migrated run must
 * end with.
 */
struct cxf_replay {
    uint64_t hash;
    int verify_rc;                  /* the workload's verifier on the reference */
};
int cxf_ctl_replay(const struct cxf_ctl *c, const struct cxf_vm *like, const uint64_t *ops,
                   struct cxf_replay *out, struct cxf_err *e);

/* The verdict on a VM against its reference: "match", "mismatch" or
 * "vm-lost", with the hashes and the verifier's word, as JSON. `vm` must be
 * stopped (done or paused) or lost. */
struct json_object *cxf_ctl_integrity(const struct cxf_ctl *c, struct cxf_vm *vm,
                                      struct cxf_err *e);

/* ------------------------------------------------------------- protocol */

#define CXF_PROTO_MAX_LINE 65536u   /* bytes in one request, newline excluded */

/*
 * One request line (without its newline) -> the response object, or NULL
 * when the answer comes later (then *wait is armed and *id holds a
 * reference to the request's id for the eventual response).
 */
struct json_object *cxf_proto_request(struct cxf_ctl *c, const char *line, size_t len,
                                      struct cxf_ctl_wait *wait, struct json_object **id);
/* A response: {"id":ID,"ok":true,"result":R} or {"id":ID,"ok":false,
 * "error":{"code":"ENOENT","message":"..."}}. Takes ownership of result. */
struct json_object *cxf_proto_response(struct json_object *id, int rc, struct json_object *result,
                                       const struct cxf_err *e, int cxl_rc);

/* ------------------------------------------------------------- scenario */

/* Run a scenario file (docs/scenarios.md) headless: its result JSON in
 * *result. Returns 0 when the outcome is the one the scenario expects, 1
 * when it is not (a timeout included), a negative errno when the scenario
 * is bad: then *result is NULL and e holds one line starting with the
 * path ("FILE: actions[2].args: unknown argument 'lnk' ..."). */
int cxf_scenario_run(const char *path, struct json_object **result, struct cxf_err *e);
/* Check a scenario's text without running it (for tests and fuzzing): 0,
 * or a negative errno and one line naming the key path. An inline topology
 * is built to check it; a topology file is only read by a run. */
int cxf_scenario_check(const char *text, struct cxf_err *e);

#endif /* CXF_CTL_H */
