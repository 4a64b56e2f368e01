/* tools/cxl-devctl/mbox_cmd.h - private to the mbox subcommand. */
#ifndef CXF_DEVCTL_MBOX_H
#define CXF_DEVCTL_MBOX_H

#include "cxl-dev/cxldev.h"
#include "cxl-dev/le.h"
#include "devctl.h"
#include "tools/common/cli.h"

#include <stddef.h>
#include <stdint.h>

struct json_object;

/* One command of the chain: its name and its own arguments. */
struct mbox_call {
    const char *name;
    int argc;
    char **argv;
};

/* What the commands run against. */
struct mbox_env {
    struct cxf_dev *dev;
    unsigned ld;
};

typedef int (*mbox_build_fn)(const struct mbox_call *c, const struct mbox_env *env, uint8_t *in,
                             size_t *in_len);
typedef struct json_object *(*mbox_decode_fn)(const uint8_t *out, size_t len);

int mbox_arg_u64(const char *what, const char *s, uint64_t max, uint64_t *v);
int mbox_arg_hex(const char *what, const char *s, uint8_t *buf, size_t cap, size_t *len);
int mbox_arg_log(const char *s, uint8_t *log);
int mbox_parse_uuid(const char *s, uint8_t uuid[16]);

int mbox_build_none(const struct mbox_call *c, const struct mbox_env *env, uint8_t *in,
                  size_t *in_len);
int mbox_build_get_lsa(const struct mbox_call *c, const struct mbox_env *env, uint8_t *in,
                  size_t *in_len);
int mbox_build_set_lsa(const struct mbox_call *c, const struct mbox_env *env, uint8_t *in,
                  size_t *in_len);
int mbox_build_poison_list(const struct mbox_call *c, const struct mbox_env *env, uint8_t *in,
                  size_t *in_len);
int mbox_build_inject(const struct mbox_call *c, const struct mbox_env *env, uint8_t *in,
                  size_t *in_len);
int mbox_build_clear_poison(const struct mbox_call *c, const struct mbox_env *env, uint8_t *in,
                  size_t *in_len);
int mbox_build_get_events(const struct mbox_call *c, const struct mbox_env *env, uint8_t *in,
                  size_t *in_len);
int mbox_build_clear_events(const struct mbox_call *c, const struct mbox_env *env, uint8_t *in,
                  size_t *in_len);
int mbox_build_get_log(const struct mbox_call *c, const struct mbox_env *env, uint8_t *in,
                  size_t *in_len);

struct json_object *mbox_decode_identify(const uint8_t *o, size_t len);
struct json_object *mbox_decode_partition(const uint8_t *o, size_t len);
struct json_object *mbox_decode_health(const uint8_t *o, size_t len);
struct json_object *mbox_decode_lsa(const uint8_t *o, size_t len);
struct json_object *mbox_decode_poison_list(const uint8_t *o, size_t len);
struct json_object *mbox_decode_events(const uint8_t *o, size_t len);
struct json_object *mbox_decode_supported_logs(const uint8_t *o, size_t len);
struct json_object *mbox_decode_log(const uint8_t *o, size_t len);
struct json_object *mbox_decode_hex(const uint8_t *o, size_t len);

#endif
