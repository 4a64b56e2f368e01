/*
 * fabric/config_walk.c - the generic part of the configuration parser: key
 * paths, the object walker and the value readers (see config_priv.h).
 */
#include "config_priv.h"
#include "sim/parse.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ key paths */

static size_t push(struct cxf_cfg *c, const char *fmt, const char *key, size_t i)
{
    size_t mark = c->len;
    int n = key ? snprintf(c->path + c->len, sizeof(c->path) - c->len, fmt, key)
                : snprintf(c->path + c->len, sizeof(c->path) - c->len, fmt, i);
    /* a path too long for the buffer is cut, not overrun */
    if (n > 0)
        c->len += (size_t)n < sizeof(c->path) - c->len ? (size_t)n : sizeof(c->path) - 1 - c->len;
    return mark;
}

size_t cxf_cfg_push_key(struct cxf_cfg *c, const char *key)
{
    return push(c, c->len ? ".%s" : "%s", key, 0);
}

size_t cxf_cfg_push_index(struct cxf_cfg *c, size_t i)
{
    return push(c, "[%zu]", NULL, i);
}

void cxf_cfg_pop(struct cxf_cfg *c, size_t mark)
{
    c->len = mark;
    c->path[mark] = '\0';
}

void cxf_cfg_err_prefix(struct cxf_err *e, const char *prefix)
{
    char msg[sizeof(e->msg)];
    snprintf(msg, sizeof(msg), "%s", e->msg);
    int n = snprintf(e->msg, sizeof(e->msg), "%s: %s", prefix, msg);
    if (n >= (int)sizeof(e->msg)) /* cut, and say so */
        strcpy(e->msg + sizeof(e->msg) - 4, "...");
}

int cxf_cfg_fail(struct cxf_cfg *c, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->e->msg, sizeof(c->e->msg), fmt, ap);
    va_end(ap);
    return cxf_cfg_prefix(c, rc);
}

int cxf_cfg_prefix(struct cxf_cfg *c, int rc)
{
    if (c->len)
        cxf_cfg_err_prefix(c->e, c->path);
    return rc;
}

const char *cxf_cfg_quote(const char *s, char *buf)
{
    const size_t cap = 40; /* leaves room for "..." and the NUL in 48 bytes */
    size_t i = 0;
    for (; s[i] && i < cap; i++)
        buf[i] = isprint((unsigned char)s[i]) ? s[i] : '?';
    strcpy(buf + i, s[i] ? "..." : "");
    return buf;
}

static const char *type_name(struct json_object *v)
{
    return json_type_to_name(json_object_get_type(v));
}

static int wrong_type(struct cxf_cfg *c, struct json_object *v, const char *expected)
{
    return cxf_cfg_fail(c, -EINVAL, "expected %s, got %s", expected, type_name(v));
}

/* --------------------------------------------------------------- walker */

static const struct cxf_cfg_field *find_field(const struct cxf_cfg_field *fields, const char *key)
{
    for (const struct cxf_cfg_field *fd = fields; fd->read; fd++)
        if (fd->key && !strcmp(fd->key, key))
            return fd;
    return NULL;
}

/* Append ", name" (or just the name first) to a list in buf, cut to fit. */
static void list_name(char *buf, size_t cap, const char *name)
{
    size_t n = strlen(buf);
    if (n + 1 < cap)
        snprintf(buf + n, cap - n, "%s%s", n ? ", " : "", name);
}

static int unknown_key(struct cxf_cfg *c, const struct cxf_cfg_field *fields, const char *key)
{
    char known[160] = "", q[48];
    for (const struct cxf_cfg_field *fd = fields; fd->read; fd++)
        if (fd->key)
            list_name(known, sizeof(known), fd->key);
    return cxf_cfg_fail(c, -EINVAL, "unknown key \"%s\" (known: %s)", cxf_cfg_quote(key, q),
                        known);
}

int cxf_cfg_walk(struct cxf_cfg *c, struct json_object *obj, const struct cxf_cfg_field *fields,
                 void *dst)
{
    if (!json_object_is_type(obj, json_type_object))
        return wrong_type(c, obj, "an object");
    json_object_object_foreach(obj, key, val) {
        (void)val;
        if (!find_field(fields, key))
            return unknown_key(c, fields, key);
    }
    for (const struct cxf_cfg_field *fd = fields; fd->read; fd++) {
        struct json_object *v = NULL;
        if (fd->key && !json_object_object_get_ex(obj, fd->key, &v)) {
            if (fd->required)
                return cxf_cfg_fail(c, -EINVAL, "missing key \"%s\"", fd->key);
            continue;
        }
        size_t mark = fd->key ? cxf_cfg_push_key(c, fd->key) : c->len;
        int rc = fd->read(c, fd, v, dst);
        cxf_cfg_pop(c, mark);
        if (rc)
            return rc;
    }
    return 0;
}

/* -------------------------------------------------------------- numbers */

/* 1024T, 4K, 15: the exact value, with the largest suffix that divides it. */
static const char *with_suffix(uint64_t v, char *buf, size_t len)
{
    static const char units[] = "KMGT";
    int u = 0;
    while (u < 4 && v && v % (1ull << (10 * (u + 1))) == 0)
        u++;
    snprintf(buf, len, "%" PRIu64 "%.*s", v >> (10 * u), u ? 1 : 0, u ? &units[u - 1] : "");
    return buf;
}

int cxf_cfg_read_u64(struct cxf_cfg *c, struct json_object *v, uint64_t max, const char *noun,
                     uint64_t *out)
{
    uint64_t n;
    char q[48], shown[64], limit[32];
    if (json_object_is_type(v, json_type_string)) {
        const char *s = json_object_get_string(v);
        int rc = cxf_parse_u64(s, true, &n);
        snprintf(shown, sizeof(shown), "\"%s\"", cxf_cfg_quote(s, q));
        if (rc == -EINVAL)
            return cxf_cfg_fail(c, rc,
                                "%s is not %s (use decimal, 0x-hex, optional K/M/G/T suffix)",
                                shown, noun);
        if (rc)
            return cxf_cfg_fail(c, -ERANGE, "%s is too large", shown);
    } else if (json_object_is_type(v, json_type_int)) {
        if (json_object_get_int64(v) < 0)
            return cxf_cfg_fail(c, -ERANGE, "must not be negative");
        n = json_object_get_uint64(v);
        snprintf(shown, sizeof(shown), "%" PRIu64, n);
        /* json-c saturates integers past 64 bits at UINT64_MAX */
        if (n == UINT64_MAX)
            return cxf_cfg_fail(c, -ERANGE, "%s is too large", shown);
    } else {
        return wrong_type(c, v, noun);
    }
    if (n > max)
        return cxf_cfg_fail(c, -ERANGE, "%s is out of range (at most %s)", shown,
                            with_suffix(max, limit, sizeof(limit)));
    *out = n;
    return 0;
}

static uint64_t width_max(size_t size)
{
    return size >= sizeof(uint64_t) ? UINT64_MAX : (1ull << (8 * size)) - 1;
}

/* Store an integer into a member of 1, 2, 4 or 8 bytes. */
static void store(void *p, size_t size, uint64_t v)
{
    uint8_t u8 = (uint8_t)v;
    uint16_t u16 = (uint16_t)v;
    uint32_t u32 = (uint32_t)v;
    const void *src = size == 1 ? (const void *)&u8 : size == 2 ? (const void *)&u16
                    : size == 4 ? (const void *)&u32 : (const void *)&v;
    memcpy(p, src, size);
}

static int read_uint(struct cxf_cfg *c, const struct cxf_cfg_field *fd, struct json_object *v,
                     void *dst, const char *noun)
{
    uint64_t max = width_max(fd->size), n;
    if (fd->max && fd->max < max)
        max = fd->max;
    int rc = cxf_cfg_read_u64(c, v, max, noun, &n);
    if (!rc)
        store((char *)dst + fd->off, fd->size, n);
    return rc;
}

int cxf_cfg_uint(struct cxf_cfg *c, const struct cxf_cfg_field *fd,
                 struct json_object *v, void *dst)
{
    return read_uint(c, fd, v, dst, "a number");
}

int cxf_cfg_size(struct cxf_cfg *c, const struct cxf_cfg_field *fd,
                 struct json_object *v, void *dst)
{
    return read_uint(c, fd, v, dst, "a size");
}

int cxf_cfg_fraction(struct cxf_cfg *c, const struct cxf_cfg_field *fd,
                     struct json_object *v, void *dst)
{
    if (!json_object_is_type(v, json_type_double) && !json_object_is_type(v, json_type_int))
        return wrong_type(c, v, "a number");
    double x = json_object_get_double(v);
    if (!(x > 0 && x <= 1))
        return cxf_cfg_fail(c, -ERANGE, "%g is not in (0, 1]", x);
    memcpy((char *)dst + fd->off, &x, sizeof(x));
    return 0;
}

/* ------------------------------------------------------------- strings */

static int read_text(struct cxf_cfg *c, struct json_object *v, const char **out)
{
    if (!json_object_is_type(v, json_type_string))
        return wrong_type(c, v, "a string");
    *out = json_object_get_string(v);
    if (!**out)
        return cxf_cfg_fail(c, -EINVAL, "must not be empty");
    return 0;
}

/* The pointer stays valid while the JSON tree lives, which is the whole
 * build. */
int cxf_cfg_string(struct cxf_cfg *c, const struct cxf_cfg_field *fd,
                   struct json_object *v, void *dst)
{
    const char *s;
    int rc = read_text(c, v, &s);
    if (!rc)
        memcpy((char *)dst + fd->off, &s, sizeof(s));
    return rc;
}

int cxf_cfg_name(struct cxf_cfg *c, const struct cxf_cfg_field *fd,
                 struct json_object *v, void *dst)
{
    const char *s;
    char q[48];
    int rc = read_text(c, v, &s);
    if (rc)
        return rc;
    if (strlen(s) >= fd->size)
        return cxf_cfg_fail(c, -EINVAL, "\"%s\" is longer than %zu characters",
                            cxf_cfg_quote(s, q), fd->size - 1);
    if (!cxf_name_chars_valid(s))
        return cxf_cfg_fail(c, -EINVAL, "\"%s\": use letters, digits, '-' and '_'",
                            cxf_cfg_quote(s, q));
    strcpy((char *)dst + fd->off, s);
    return 0;
}

static int lookup_choice(struct cxf_cfg *c, const struct cxf_cfg_choice *ch,
                         struct json_object *v, unsigned *out)
{
    const char *s;
    int rc = read_text(c, v, &s);
    if (rc)
        return rc;
    char names[96] = "", q[48];
    for (; ch->name; ch++) {
        if (!strcmp(ch->name, s))
            return *out = ch->value, 0;
        list_name(names, sizeof(names), ch->name);
    }
    return cxf_cfg_fail(c, -EINVAL, "\"%s\" is not one of %s", cxf_cfg_quote(s, q), names);
}

int cxf_cfg_enum(struct cxf_cfg *c, const struct cxf_cfg_field *fd,
                 struct json_object *v, void *dst)
{
    unsigned val;
    int rc = lookup_choice(c, fd->aux, v, &val);
    if (!rc)
        store((char *)dst + fd->off, fd->size, val);
    return rc;
}

/* An array of choices, OR-ed together. */
int cxf_cfg_flags(struct cxf_cfg *c, const struct cxf_cfg_field *fd,
                  struct json_object *v, void *dst)
{
    if (!json_object_is_type(v, json_type_array))
        return wrong_type(c, v, "an array");
    unsigned bits = 0;
    for (size_t i = 0; i < json_object_array_length(v); i++) {
        unsigned val = 0;
        size_t mark = cxf_cfg_push_index(c, i);
        int rc = lookup_choice(c, fd->aux, json_object_array_get_idx(v, i), &val);
        cxf_cfg_pop(c, mark);
        if (rc)
            return rc;
        bits |= val;
    }
    store((char *)dst + fd->off, fd->size, bits);
    return 0;
}

/* ----------------------------------------------------- objects, arrays */

int cxf_cfg_object(struct cxf_cfg *c, const struct cxf_cfg_field *fd,
                   struct json_object *v, void *dst)
{
    return cxf_cfg_walk(c, v, fd->aux, (char *)dst + fd->off);
}

static int add_element(struct cxf_cfg *c, const struct cxf_cfg_field *fd, void *parent,
                       void *elem, unsigned i)
{
    const struct cxf_cfg_list *l = fd->aux;
    if (l->add)
        return l->add(c, parent, elem, i);
    memcpy((char *)parent + fd->off + i * l->elem_size, elem, l->elem_size);
    return 0;
}

int cxf_cfg_array(struct cxf_cfg *c, const struct cxf_cfg_field *fd,
                  struct json_object *v, void *dst)
{
    const struct cxf_cfg_list *l = fd->aux;
    if (!json_object_is_type(v, json_type_array))
        return wrong_type(c, v, "an array");
    size_t n = json_object_array_length(v);
    if (n < l->min || n > l->max)
        return cxf_cfg_fail(c, -EINVAL, "give %u to %u entries, not %zu", l->min, l->max, n);
    void *elem = malloc(l->elem_size);
    if (!elem)
        return cxf_cfg_fail(c, -ENOMEM, "out of memory");
    int rc = 0;
    for (unsigned i = 0; i < n && !rc; i++) {
        memset(elem, 0, l->elem_size);
        if (l->init)
            l->init(elem, i);
        size_t mark = cxf_cfg_push_index(c, i);
        rc = cxf_cfg_walk(c, json_object_array_get_idx(v, i), l->fields, elem);
        if (!rc)
            rc = add_element(c, fd, dst, elem, i);
        cxf_cfg_pop(c, mark);
    }
    free(elem);
    if (!rc && !l->add)
        store((char *)dst + l->count_off, sizeof(unsigned), n);
    return rc;
}
