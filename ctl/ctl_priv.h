/*
 * ctl/ctl_priv.h - what the command files share: the handler signature,
 * the command table entries and strict argument access.
 */
#ifndef CXF_CTL_PRIV_H
#define CXF_CTL_PRIV_H

#include "ctl.h"

#include <json-c/json.h>

/* A command handler: args is an object (never NULL: {} when none given). */
typedef int (*cxf_ctl_handler)(struct cxf_ctl *c, struct json_object *args,
                               struct json_object **result, struct cxf_ctl_wait *wait,
                               struct cxf_err *e);

struct cxf_ctl_cmd {
    struct cxf_ctl_cmd_info info;
    const char *const *keys;        /* the argument keys it accepts (NULL-terminated) */
    cxf_ctl_handler run;
};

/* The command files' tables, joined by ctl.c. */
extern const struct cxf_ctl_cmd cxf_ctl_vm_cmds[];
extern const struct cxf_ctl_cmd cxf_ctl_mig_cmds[];
extern const struct cxf_ctl_cmd cxf_ctl_fabric_cmds[];
extern const struct cxf_ctl_cmd cxf_ctl_fm_cmds[];
extern const struct cxf_ctl_cmd cxf_ctl_daemon_cmds[];

/* ------------------------------------------------------------ arguments */

/* Every key of `o` must be one of `keys`: else one line naming the key and
 * the keys `where` accepts. */
int cxf_args_known(struct json_object *o, const char *where, const char *const *keys,
                   struct cxf_err *e);

/* Getters: when the key is absent they return 0 and leave *out alone
 * (defaults are the caller's), unless `required`. A value of the wrong
 * type or out of range is one clear error line naming the key. */
int cxf_arg_str(struct json_object *o, const char *key, bool required, const char **out,
                struct cxf_err *e);
int cxf_arg_name(struct json_object *o, const char *key, bool required, const char **out,
                 struct cxf_err *e); /* a non-empty name of CXF_NAME_MAX-1 chars at most */
int cxf_arg_bool(struct json_object *o, const char *key, bool *out, struct cxf_err *e);
/* An integer in [lo, hi]; a string is accepted too ("0x10", "4K" when size). */
int cxf_arg_u64(struct json_object *o, const char *key, bool required, uint64_t lo, uint64_t hi,
                bool size, uint64_t *out, struct cxf_err *e);
int cxf_arg_unsigned(struct json_object *o, const char *key, bool required, unsigned lo,
                     unsigned hi, unsigned *out, struct cxf_err *e);
/* A duration: a string with a unit ("2ms"), or a bare number in bare_unit_ns. */
int cxf_arg_duration(struct json_object *o, const char *key, bool required, uint64_t bare_unit_ns,
                     cxf_time_t *out, struct cxf_err *e);
/* A rate in bytes/s: an integer, or a string as cxf_parse_rate reads it. */
int cxf_arg_rate(struct json_object *o, const char *key, uint64_t *out, struct cxf_err *e);

/* Lookups that fail with one line: ENOENT for an unknown name. */
int cxf_ctl_node(struct cxf_ctl *c, struct json_object *args, const char *key, bool required,
                 unsigned *node, struct cxf_err *e);
int cxf_ctl_vm(struct cxf_ctl *c, struct json_object *args, struct cxf_vm **vm, struct cxf_err *e);

/* ------------------------------------------------------------- helpers */

/* The migration parameters in args (docs/protocol.md, migrate.start). */
int cxf_ctl_mig_params(struct cxf_ctl *c, struct json_object *args, struct cxf_mig_params *p,
                       struct cxf_err *e);
extern const char *const cxf_ctl_mig_keys[];

/* A short description of a VM (vm.list's rows). */
struct json_object *cxf_ctl_vm_summary(struct cxf_ctl *c, const struct cxf_vm *vm);
/* "0x0123456789abcdef" */
struct json_object *cxf_json_hash(uint64_t h);

/* replay.c: a stopped VM's own side of the verdict (its hash, its
 * workload's verifier; msg gets "failed: why"), and the verdict JSON
 * (ref NULL: no reference yet). */
int cxf_ctl_vm_check(struct cxf_vm *vm, uint64_t *hash, int *verify_rc, char *msg, size_t len,
                     struct cxf_err *e);
struct json_object *cxf_ctl_verdict(const struct cxf_vm *vm, uint64_t hash,
                                    const struct cxf_replay *ref, int verify_rc,
                                    const char *verify_msg);

/* vm.verify's child process (ctl/verify.c): 0 with *result at once (a lost
 * VM), or CXF_CTL_LATER with the wait armed. */
int cxf_ctl_verify_start(struct cxf_ctl *c, struct cxf_vm *vm, struct json_object **result,
                         struct cxf_ctl_wait *wait, struct cxf_err *e);
int cxf_ctl_verify_poll(struct cxf_ctl *c, struct cxf_ctl_wait *wait, struct json_object **result,
                        struct cxf_err *e);
void cxf_ctl_verify_drop(struct cxf_ctl *c, struct cxf_ctl_wait *wait);

#endif /* CXF_CTL_PRIV_H */
