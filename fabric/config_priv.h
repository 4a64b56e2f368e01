/*
 * fabric/config_priv.h - the table-driven JSON walker behind the fabric
 * configuration (private to fabric/).
 *
 * Every JSON object of the schema is described by a table of fields: key,
 * reader, where the value goes. The walker then handles in one place what
 * every object needs: unknown keys, missing required keys, wrong JSON types,
 * number syntax and ranges, and the key path ("hosts[1].windows[0].size")
 * that starts every error message.
 */
#ifndef CXF_CONFIG_PRIV_H
#define CXF_CONFIG_PRIV_H

#include "fabric.h"

#include <json-c/json.h>
#include <stddef.h>

/* Parse state: the fabric being built, the error and the current key path. */
struct cxf_cfg {
    struct cxf_fabric *f;
    struct cxf_err *e;
    char path[160];
    size_t len;
};

struct cxf_cfg_field;
/* Read `v` (NULL for a step, see below) into dst + fd->off. */
typedef int (*cxf_cfg_reader)(struct cxf_cfg *c, const struct cxf_cfg_field *fd,
                              struct json_object *v, void *dst);

struct cxf_cfg_field {
    const char *key;     /* NULL: a step that runs at this point of the table */
    cxf_cfg_reader read; /* NULL ends a table */
    size_t off, size;    /* where the value goes in dst, and its width */
    uint64_t max;        /* numbers: largest value accepted (0: what the width holds) */
    const void *aux;     /* reader-specific: a sub-table, a list, choices */
    bool required;
};

/* .off and .size of a member, for a cxf_cfg_field initializer. */
#define CXF_CFG_AT(type, member) .off = offsetof(type, member), .size = sizeof(((type *)0)->member)

/* An array of objects. Each element is zeroed, given its defaults by init,
 * read with `fields`, then handed to add. Without add, elements are copied
 * into the parent's array at the field's offset and their number is stored
 * as an unsigned at count_off; a present array replaces the defaults. */
struct cxf_cfg_list {
    const struct cxf_cfg_field *fields;
    size_t elem_size;
    unsigned min, max;
    void (*init)(void *elem, unsigned idx);
    int (*add)(struct cxf_cfg *c, void *parent, void *elem, unsigned idx);
    size_t count_off;
};

/* A name a string may take and the value it stands for; NULL name ends. */
struct cxf_cfg_choice {
    const char *name;
    unsigned value;
};

/* Window memory types (CFMWS restriction bits), shared with the JSON output. */
extern const struct cxf_cfg_choice cxf_cfg_window_types[];

/* Check the keys of `obj` against the table, then read each field in table
 * order (so later fields may rely on earlier ones being applied). */
int cxf_cfg_walk(struct cxf_cfg *c, struct json_object *obj, const struct cxf_cfg_field *fields,
                 void *dst);

/* Key path: push returns a mark to pop back to. */
size_t cxf_cfg_push_key(struct cxf_cfg *c, const char *key);
size_t cxf_cfg_push_index(struct cxf_cfg *c, size_t i);
void cxf_cfg_pop(struct cxf_cfg *c, size_t mark);
/* Fill the error as "PATH: message" and return rc. */
int cxf_cfg_fail(struct cxf_cfg *c, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Put the key path in front of a message a building block wrote. */
int cxf_cfg_prefix(struct cxf_cfg *c, int rc);
/* "prefix: message" in e, cut to fit. */
void cxf_cfg_err_prefix(struct cxf_err *e, const char *prefix);
/* A string safe to quote in a one-line message (no control characters,
 * truncated); buf must hold 48 bytes. */
const char *cxf_cfg_quote(const char *s, char *buf);

/* Unsigned integer from a JSON integer or a string (decimal, 0x-hex, optional
 * K/M/G/T binary suffix); `noun` names what was expected in the message. */
int cxf_cfg_read_u64(struct cxf_cfg *c, struct json_object *v, uint64_t max, const char *noun,
                     uint64_t *out);

/* Readers. */
int cxf_cfg_uint(struct cxf_cfg *c, const struct cxf_cfg_field *fd,
                 struct json_object *v, void *dst);
int cxf_cfg_size(struct cxf_cfg *c, const struct cxf_cfg_field *fd,
                 struct json_object *v, void *dst);
int cxf_cfg_fraction(struct cxf_cfg *c, const struct cxf_cfg_field *fd,
                     struct json_object *v, void *dst);
int cxf_cfg_string(struct cxf_cfg *c, const struct cxf_cfg_field *fd,
                   struct json_object *v, void *dst);
int cxf_cfg_name(struct cxf_cfg *c, const struct cxf_cfg_field *fd,
                 struct json_object *v, void *dst);
int cxf_cfg_enum(struct cxf_cfg *c, const struct cxf_cfg_field *fd,
                 struct json_object *v, void *dst);
int cxf_cfg_flags(struct cxf_cfg *c, const struct cxf_cfg_field *fd,
                  struct json_object *v, void *dst);
int cxf_cfg_object(struct cxf_cfg *c, const struct cxf_cfg_field *fd,
                   struct json_object *v, void *dst);
int cxf_cfg_array(struct cxf_cfg *c, const struct cxf_cfg_field *fd,
                  struct json_object *v, void *dst);

#endif /* CXF_CONFIG_PRIV_H */
