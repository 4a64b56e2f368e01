/*
 * cxl-dev/device.c - a type-3 device: capacity, logical devices, data path
 * on real bytes, media timing.
 */
#include "cxldev.h"
#include "sim/calibration.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cxf_dev_config_default(struct cxf_dev_config *c)
{
    memset(c, 0, sizeof(*c));
    c->name = "mem0";
    c->volatile_bytes = 1ull << 30;
    c->persistent_bytes = 0;
    c->lsa_bytes = 128u << 10;
    c->lds = 0;
    c->decoders = 4;
    c->serial = 0x1000;
}

uint64_t cxf_ld_size(const struct cxf_ld *ld)
{
    return ld->range[0].size + ld->range[1].size;
}

static uint64_t overlap(const struct cxf_dpa_range *r, uint64_t lo, uint64_t hi)
{
    uint64_t a = r->base > lo ? r->base : lo;
    uint64_t b = r->base + r->size < hi ? r->base + r->size : hi;
    return b > a ? b - a : 0;
}

uint64_t cxf_ld_volatile_bytes(const struct cxf_dev *d, const struct cxf_ld *ld)
{
    return overlap(&ld->range[0], 0, d->volatile_bytes) +
           overlap(&ld->range[1], 0, d->volatile_bytes);
}

struct cxf_ld *cxf_dev_ld(struct cxf_dev *d, unsigned ld_id)
{
    return ld_id < d->num_lds ? &d->ld[ld_id] : NULL;
}

static int validate_config(const struct cxf_dev_config *c, struct cxf_err *e)
{
    const char *name = c->name ? c->name : "mem";
    if (c->volatile_bytes % CXF_CAP_UNIT || c->persistent_bytes % CXF_CAP_UNIT)
        return cxf_fail(e, -EINVAL, "device %s: capacities must be multiples of 256 MiB", name);
    uint64_t cap = c->volatile_bytes + c->persistent_bytes;
    if (cap == 0 || cap < c->volatile_bytes)
        return cxf_fail(e, -EINVAL, "device %s: capacity must be at least 256 MiB", name);
    if (cap > (1ull << 46))
        return cxf_fail(e, -EINVAL, "device %s: capacity above 64 TiB is not supported", name);
    if (c->lds > CXF_MAX_LDS)
        return cxf_fail(e, -EINVAL, "device %s: an MLD has at most 16 logical devices, not %u",
                        name, c->lds);
    if (c->lds && cap / c->lds < CXF_CAP_UNIT)
        return cxf_fail(e, -EINVAL, "device %s: %u LDs need at least %u x 256 MiB of capacity",
                        name, c->lds, c->lds);
    if (!cxf_hdm_count_valid(CXF_HDM_DEVICE, c->decoders))
        return cxf_fail(e, -EINVAL, "device %s: HDM decoder count %u is not one of 1,2,4,6,8,10",
                        name, c->decoders);
    if (c->lsa_bytes > (16u << 20))
        return cxf_fail(e, -EINVAL, "device %s: label storage area above 16 MiB", name);
    return 0;
}

static void apply_timing(struct cxf_dev *d, const struct cxf_media_timing *t)
{
    d->timing.read_ns = t->read_ns ? t->read_ns : CXF_CAL_MEDIA_READ_NS;
    d->timing.write_ns = t->write_ns ? t->write_ns : CXF_CAL_MEDIA_WRITE_NS;
    d->timing.bandwidth = t->bandwidth ? t->bandwidth : CXF_CAL_MEDIA_BANDWIDTH;
    d->media.bytes_per_sec = d->timing.bandwidth;
}

/* An SLD's one LD spans the device; an MLD's LDs split it evenly in 256 MB
 * units (the FM re-allocates them later with Set LD Allocations). */
static int setup_lds(struct cxf_dev *d, unsigned lds, unsigned decoders)
{
    d->mld = lds > 0;
    d->num_lds = lds ? lds : 1;
    uint64_t each = lds ? (d->capacity / lds) / CXF_CAP_UNIT * CXF_CAP_UNIT : d->capacity;
    for (unsigned i = 0; i < d->num_lds; i++) {
        struct cxf_ld *ld = &d->ld[i];
        ld->id = (uint16_t)i;
        ld->range[0].base = each * i;
        ld->range[0].size = each;
        int rc = cxf_hdm_init(&ld->hdm, CXF_HDM_DEVICE, decoders, 0, each);
        if (rc)
            return rc;
    }
    return 0;
}

int cxf_dev_create(struct cxf_dev **out, const struct cxf_dev_config *c, struct cxf_err *e)
{
    const char *name = c->name ? c->name : "mem";
    int rc = validate_config(c, e);
    if (rc)
        return rc;
    struct cxf_dev *d = calloc(1, sizeof(*d));
    if (!d)
        return cxf_fail(e, -ENOMEM, "device %s: out of memory", name);
    snprintf(d->name, sizeof(d->name), "%s", name);
    d->serial = c->serial;
    d->volatile_bytes = c->volatile_bytes;
    d->persistent_bytes = c->persistent_bytes;
    d->capacity = c->volatile_bytes + c->persistent_bytes;
    apply_timing(d, &c->timing);
    d->poison.max_records = 256;
    d->poison.inject_limit = 64;
    d->health.life_used = 0;
    d->health.temperature = 35;
    rc = c->backing_path ? cxf_backing_open_file(&d->mem, c->backing_path, d->capacity)
                         : cxf_backing_open_memfd(&d->mem, d->name, d->capacity);
    if (rc) {
        free(d);
        if (rc == -EFBIG)
            return cxf_fail(e, rc, "device %s: backing file %s is shorter than the device's %llu "
                            "bytes; it is never resized (give a new path or a big enough file)",
                            name, c->backing_path, (unsigned long long)(c->volatile_bytes +
                                                                        c->persistent_bytes));
        if (rc == -EINVAL && c->backing_path)
            return cxf_fail(e, rc, "device %s: backing %s must be a regular file, not a link "
                            "or device", name, c->backing_path);
        return cxf_fail(e, rc, "device %s: cannot create %s backing memory: %s", name,
                        c->backing_path ? c->backing_path : "memfd", strerror(-rc));
    }
    rc = setup_lds(d, c->lds, c->decoders);
    d->lsa_size = c->lsa_bytes;
    if (!rc && d->lsa_size) {
        d->lsa = calloc(d->num_lds, d->lsa_size); /* one label area per LD */
        if (!d->lsa)
            rc = -ENOMEM;
    }
    if (rc) {
        cxf_dev_destroy(d);
        return cxf_fail(e, rc, "device %s: setup failed: %s", name, strerror(-rc));
    }
    *out = d;
    return 0;
}

void cxf_dev_destroy(struct cxf_dev *d)
{
    if (!d)
        return;
    cxf_backing_close(&d->mem);
    cxf_queue_fini(&d->media);
    free(d->poison.e);
    free(d->lsa);
    free(d);
}

static bool ranges_overlap(const struct cxf_dpa_range *a, const struct cxf_dpa_range *b)
{
    return a->size && b->size && a->base < b->base + b->size && b->base < a->base + a->size;
}

static int check_range(const struct cxf_dev *d, unsigned ld_id, const struct cxf_dpa_range *r,
                       struct cxf_err *e)
{
    if (r->size == 0)
        return 0;
    if (r->base % CXF_CAP_UNIT || r->size % CXF_CAP_UNIT)
        return cxf_fail(e, -EINVAL, "LD %u: allocation not a multiple of 256 MiB", ld_id);
    if (r->base > d->capacity || r->size > d->capacity - r->base)
        return cxf_fail(e, -ENOSPC, "LD %u: allocation runs past the device capacity", ld_id);
    for (unsigned i = 0; i < d->num_lds; i++)
        for (unsigned j = 0; j < 2 && i != ld_id; j++)
            if (ranges_overlap(r, &d->ld[i].range[j]))
                return cxf_fail(e, -ENOSPC, "LD %u: allocation overlaps LD %u", ld_id, i);
    return 0;
}

int cxf_dev_set_ld_ranges(struct cxf_dev *d, unsigned ld_id, const struct cxf_dpa_range r[2],
                          struct cxf_err *e)
{
    struct cxf_ld *ld = cxf_dev_ld(d, ld_id);
    if (!ld)
        return cxf_fail(e, -ENOENT, "LD %u does not exist on %s", ld_id, d->name);
    if (ranges_overlap(&r[0], &r[1]))
        return cxf_fail(e, -EINVAL, "LD %u: its two ranges overlap", ld_id);
    for (int i = 0; i < 2; i++) {
        int rc = check_range(d, ld_id, &r[i], e);
        if (rc)
            return rc;
    }
    /* Moving memory under committed decoders would change what the host's
     * addresses hold: the LD must be released (decoders reset) first. */
    if (cxf_hdm_committed_count(&ld->hdm))
        return cxf_fail(e, -EBUSY, "LD %u: its HDM decoders are committed; reset them first",
                        ld_id);
    ld->range[0] = r[0];
    ld->range[1] = r[1];
    ld->hdm.dpa_capacity = r[0].size + r[1].size;
    cxf_dev_changed(d);
    return 0;
}

int cxf_dev_ld_dpa(const struct cxf_dev *d, unsigned ld_id, uint64_t ld_dpa, uint64_t len,
                   uint64_t *dpa)
{
    if (ld_id >= d->num_lds)
        return -EFAULT;
    const struct cxf_ld *ld = &d->ld[ld_id];
    for (int i = 0; i < 2; i++) {
        const struct cxf_dpa_range *r = &ld->range[i];
        if (ld_dpa < r->size) {
            if (len > r->size - ld_dpa)
                return -EFAULT;
            *dpa = r->base + ld_dpa;
            return 0;
        }
        ld_dpa -= r->size;
    }
    return -EFAULT;
}

void cxf_dev_changed(struct cxf_dev *d)
{
    d->generation++;
    if (d->notify)
        (*d->notify)++;
}

void cxf_dev_set_notify(struct cxf_dev *d, uint64_t *counter)
{
    d->notify = counter;
    for (unsigned i = 0; i < d->num_lds; i++)
        d->ld[i].hdm.notify = counter;
}

int cxf_dev_dpa_owner(const struct cxf_dev *d, uint64_t dpa, unsigned *ld_id, uint64_t *ld_dpa)
{
    for (unsigned i = 0; i < d->num_lds; i++) {
        const struct cxf_ld *ld = &d->ld[i];
        uint64_t before = 0;
        for (int j = 0; j < 2; j++) {
            const struct cxf_dpa_range *r = &ld->range[j];
            if (dpa >= r->base && dpa - r->base < r->size) {
                *ld_id = i;
                *ld_dpa = before + (dpa - r->base);
                return 0;
            }
            before += r->size;
        }
    }
    return -ENOENT;
}

static int check_access(const struct cxf_dev *d, uint64_t dpa, size_t len)
{
    if ((len != CXF_LINE_SIZE && len != CXF_PAGE_SIZE) || dpa % len)
        return -EINVAL;
    if (dpa >= d->capacity || len > d->capacity - dpa)
        return -EFAULT;
    return 0;
}

int cxf_dev_read(struct cxf_dev *d, uint64_t dpa, void *buf, size_t len)
{
    int rc = check_access(d, dpa, len);
    if (rc)
        return rc;
    memcpy(buf, d->mem.base + dpa, len);
    d->reads++;
    long i = cxf_poison_first(&d->poison, dpa, len);
    if (i < 0)
        return 0;
    /* The data goes back with the Poison bit of the S2M DRS set (CXL 3.0
     * 3.3.9); the device logs each uncorrectable line it returned. */
    d->poison_hits++;
    for (; (size_t)i < d->poison.n && d->poison.e[i].dpa < dpa + len; i++)
        cxf_dev_gen_media_event(d, CXF_LOG_FAIL, d->poison.e[i].dpa, CXF_GM_DESC_UNCORRECTABLE,
                                CXF_GM_TYPE_ECC_ERROR, CXF_GM_XACT_HOST_READ);
    return -EHWPOISON;
}

int cxf_dev_write(struct cxf_dev *d, uint64_t dpa, const void *buf, size_t len, bool poison)
{
    int rc = check_access(d, dpa, len);
    if (rc)
        return rc;
    memcpy(d->mem.base + dpa, buf, len);
    d->writes++;
    /* M2S RwD with Poison set stores poisoned data (error source External);
     * a clean full-line write regenerates the line's ECC, clearing it. */
    for (uint64_t off = 0; off < len && (poison || d->poison.n); off += CXF_LINE_SIZE) {
        rc = poison ? cxf_dev_poison_add(d, dpa + off, CXF_POISON_EXTERNAL)
                    : cxf_dev_poison_clear(d, dpa + off);
        if (rc)
            return rc;
    }
    return 0;
}

int cxf_dev_release(struct cxf_dev *d, uint64_t dpa, uint64_t len)
{
    int rc = cxf_backing_release(&d->mem, dpa, len);
    if (rc)
        return rc;
    for (long i; (i = cxf_poison_first(&d->poison, dpa, len)) >= 0;)
        cxf_dev_poison_clear(d, d->poison.e[i].dpa);
    cxf_dev_changed(d);
    return 0;
}

cxf_time_t cxf_dev_media_access(struct cxf_dev *d, cxf_time_t now, uint64_t bytes, bool write)
{
    cxf_time_t end;
    cxf_queue_reserve(&d->media, now, bytes, &end);
    return end + (write ? d->timing.write_ns : d->timing.read_ns);
}
