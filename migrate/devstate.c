/*
 * migrate/devstate.c - the vCPU and device state stream of a switch-over.
 *
 * Like QEMU's migration stream, the state goes as sections: one per vCPU
 * (its registers) and one per virtual device (its control-plane state),
 * each device's followed by an explicit end-of-state marker. The
 * destination pairs every section with its counterpart by name, loads
 * everything into scratch copies, and commits only when every vCPU and
 * every device arrived complete, marker included: a stream that is cut,
 * malformed or missing a marker fails the switch-over and changes nothing.
 *
 * Section: kind (1), name length (1), name, payload length (4, LE), payload.
 */
#include "mig_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SEC_CPU = 1, SEC_DEV = 2, SEC_END = 3 };

#define REG_WORDS (4 + 2 + CXF_WL_REGS)

struct out {
    uint8_t *buf;
    size_t len, cap;
};

static int put(struct out *o, const void *p, size_t n)
{
    if (n == 0)
        return 0;
    if (o->len + n > o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 1024;
        while (cap < o->len + n)
            cap *= 2;
        uint8_t *grown = realloc(o->buf, cap);
        if (!grown)
            return -ENOMEM;
        o->buf = grown;
        o->cap = cap;
    }
    memcpy(o->buf + o->len, p, n);
    o->len += n;
    return 0;
}

static int section(struct out *o, uint8_t kind, const char *name, const uint8_t *payload,
                   uint32_t n)
{
    uint8_t hdr[2 + 255 + 4];
    size_t nl = strlen(name);
    hdr[0] = kind;
    hdr[1] = (uint8_t)nl;
    memcpy(hdr + 2, name, nl);
    for (int b = 0; b < 4; b++)
        hdr[2 + nl + b] = (uint8_t)(n >> (8 * b));
    int rc = put(o, hdr, 2 + nl + 4);
    return rc ? rc : put(o, payload, n);
}

static void regs_to_bytes(const struct cxf_vcpu_regs *r, uint8_t *b)
{
    uint64_t w[REG_WORDS] = {r->rng.s[0], r->rng.s[1], r->rng.s[2], r->rng.s[3],
                             r->ops_done, r->ops_target};
    memcpy(&w[6], r->r, sizeof(r->r));
    for (unsigned i = 0; i < REG_WORDS; i++)
        for (unsigned k = 0; k < 8; k++)
            b[8 * i + k] = (uint8_t)(w[i] >> (8 * k));
}

static void regs_from_bytes(struct cxf_vcpu_regs *r, const uint8_t *b)
{
    uint64_t w[REG_WORDS] = {0};
    for (unsigned i = 0; i < REG_WORDS; i++)
        for (unsigned k = 0; k < 8; k++)
            w[i] |= (uint64_t)b[8 * i + k] << (8 * k);
    memcpy(r->rng.s, w, sizeof(r->rng.s));
    r->ops_done = w[4];
    r->ops_target = w[5];
    memcpy(r->r, &w[6], sizeof(r->r));
}

int cxf_state_save(struct cxf_migration *m, uint8_t **buf, size_t *len)
{
    const struct cxf_vm *vm = m->src_vm;
    struct out o = {0};
    int rc = 0;
    for (unsigned i = 0; i < vm->nvcpus && !rc; i++) {
        uint8_t regs[8 * REG_WORDS];
        char name[16];
        snprintf(name, sizeof(name), "cpu%u", i);
        regs_to_bytes(&vm->vcpu[i].regs, regs);
        rc = section(&o, SEC_CPU, name, regs, sizeof(regs));
    }
    for (unsigned i = 0; i < vm->nvdevs && !rc; i++) {
        uint8_t st[256];
        size_t n = cxf_vdev_save(&vm->vdev[i], st + 1, sizeof(st) - 1);
        st[0] = (uint8_t)vm->vdev[i].type;
        rc = section(&o, SEC_DEV, vm->vdev[i].name, st, (uint32_t)n + 1);
        if (!rc && strcmp(m->drop_marker, vm->vdev[i].name))
            rc = section(&o, SEC_END, vm->vdev[i].name, NULL, 0);
    }
    if (rc) {
        free(o.buf);
        return rc;
    }
    *buf = o.buf;
    *len = o.len;
    return 0;
}

struct in {
    const uint8_t *p, *end;
};

/* Next section; -EPROTO when the stream is cut or malformed. */
static int next_section(struct in *in, uint8_t *kind, char *name, const uint8_t **payload,
                        uint32_t *n)
{
    if (in->end - in->p < 2)
        return -EPROTO;
    *kind = in->p[0];
    size_t nl = in->p[1];
    if ((size_t)(in->end - in->p) < 2 + nl + 4)
        return -EPROTO;
    memcpy(name, in->p + 2, nl);
    name[nl] = '\0';
    *n = 0;
    for (int b = 0; b < 4; b++)
        *n |= (uint32_t)in->p[2 + nl + b] << (8 * b);
    in->p += 2 + nl + 4;
    if ((size_t)(in->end - in->p) < *n)
        return -EPROTO;
    *payload = in->p;
    in->p += *n;
    return 0;
}

static int find_dev(const struct cxf_vm *vm, const char *name)
{
    for (unsigned i = 0; i < vm->nvdevs; i++)
        if (!strcmp(vm->vdev[i].name, name))
            return (int)i;
    return -1;
}

struct staged {
    struct cxf_vcpu_regs regs[CXF_MAX_VCPUS];
    bool cpu_seen[CXF_MAX_VCPUS];
    struct cxf_vdev dev[CXF_MAX_VDEVS];
    int dev_open;               /* device whose END is awaited, -1 none */
    bool dev_done[CXF_MAX_VDEVS];
};

static int load_section(struct cxf_vm *dst, struct staged *s, uint8_t kind, const char *name,
                        const uint8_t *pl, uint32_t n, struct cxf_err *e)
{
    unsigned cpu;
    int d;
    if (s->dev_open >= 0 && (kind != SEC_END || strcmp(name, dst->vdev[s->dev_open].name)))
        return cxf_fail(e, -EPROTO, "device %s: no end-of-state marker",
                        dst->vdev[s->dev_open].name);
    switch (kind) {
    case SEC_CPU:
        if (sscanf(name, "cpu%u", &cpu) != 1 || cpu >= dst->nvcpus || n != 8 * REG_WORDS)
            return cxf_fail(e, -EPROTO, "vCPU section '%s' has no counterpart here", name);
        regs_from_bytes(&s->regs[cpu], pl);
        s->cpu_seen[cpu] = true;
        return 0;
    case SEC_DEV:
        d = find_dev(dst, name);
        if (d < 0 || n < 1 || pl[0] != dst->vdev[d].type || s->dev_done[d])
            return cxf_fail(e, -EPROTO, "device section '%s' has no counterpart here", name);
        if (cxf_vdev_load(&s->dev[d], pl + 1, n - 1))
            return cxf_fail(e, -EPROTO, "device %s: state of the wrong size", name);
        s->dev_open = d;
        return 0;
    case SEC_END:
        if (s->dev_open < 0)
            return cxf_fail(e, -EPROTO, "end-of-state marker '%s' without its device", name);
        s->dev_done[s->dev_open] = true;
        s->dev_open = -1;
        return 0;
    default:
        return cxf_fail(e, -EPROTO, "unknown section kind %u", kind);
    }
}

static int check_complete(const struct cxf_vm *dst, const struct staged *s, struct cxf_err *e)
{
    if (s->dev_open >= 0)
        return cxf_fail(e, -EPROTO, "device %s: no end-of-state marker",
                        dst->vdev[s->dev_open].name);
    for (unsigned i = 0; i < dst->nvcpus; i++)
        if (!s->cpu_seen[i])
            return cxf_fail(e, -EPROTO, "no state arrived for cpu%u", i);
    for (unsigned i = 0; i < dst->nvdevs; i++)
        if (!s->dev_done[i])
            return cxf_fail(e, -EPROTO, "no state arrived for device %s", dst->vdev[i].name);
    return 0;
}

int cxf_state_load(struct cxf_vm *dst, const uint8_t *buf, size_t len, struct cxf_err *e)
{
    struct staged *s = calloc(1, sizeof(*s));
    if (!s)
        return cxf_fail(e, -ENOMEM, "out of memory");
    memcpy(s->dev, dst->vdev, sizeof(s->dev));
    s->dev_open = -1;
    struct in in = {buf, buf + len};
    int rc = 0;
    while (!rc && in.p < in.end) {
        uint8_t kind;
        char name[256];
        const uint8_t *pl;
        uint32_t n;
        rc = next_section(&in, &kind, name, &pl, &n);
        if (rc)
            cxf_fail(e, rc, "the state stream is cut short");
        else
            rc = load_section(dst, s, kind, name, pl, n, e);
    }
    if (!rc)
        rc = check_complete(dst, s, e);
    if (!rc) { /* all or nothing */
        for (unsigned i = 0; i < dst->nvcpus; i++)
            dst->vcpu[i].regs = s->regs[i];
        memcpy(dst->vdev, s->dev, sizeof(dst->vdev));
    }
    free(s);
    return rc;
}
