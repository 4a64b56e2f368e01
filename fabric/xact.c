/*
 * fabric/xact.c - CXL.mem transactions on real bytes, and what they cost.
 *
 * Timing of one access along a route:
 *  - the pipeline latency of every hop (root port, switch, bridges, device
 *    controller), half on the way down and half on the way back;
 *  - each link in each direction is a bandwidth queue, traversed cut-through:
 *    the head of a message moves on after the link's flight time, the tail
 *    leaves after the message has been serialised on every link, so an
 *    unloaded message costs the flights plus its serialisation on the
 *    slowest link, and concurrent messages queue on shared links;
 *  - the media (device or node DRAM) latency and bandwidth queue.
 * Reads send a header per line down and the data up (S2M DRS); writes send
 * the data down (M2S RwD) and a completion per line up (S2M NDR).
 */
#include "fabric.h"

#include <errno.h>
#include <string.h>

static cxf_time_t max_t(cxf_time_t a, cxf_time_t b)
{
    return a > b ? a : b;
}

/* Move `bytes` across links in order (step +1 host outwards, -1 back) from
 * `ready`; returns when the tail arrives at the far end. */
static cxf_time_t traverse(const struct cxf_path *p, enum cxf_dir dir, uint64_t bytes,
                           cxf_time_t ready)
{
    cxf_time_t head = ready, tail = ready;
    for (unsigned k = 0; k < p->nlinks; k++) {
        struct cxf_link *l = p->link[dir == CXF_DIR_DOWN ? k : p->nlinks - 1 - k];
        cxf_time_t end;
        cxf_time_t start = cxf_queue_reserve(&l->q[dir], head, bytes, &end);
        tail = max_t(end, tail) + l->flight_ns;
        head = start + l->flight_ns;
    }
    return tail;
}

static cxf_time_t media(const struct cxf_path *p, cxf_time_t at, uint64_t bytes, bool write)
{
    if (p->kind == CXF_TGT_DEVICE)
        return cxf_dev_media_access(p->dev, at, bytes, write);
    struct cxf_host *h = p->host;
    cxf_time_t end;
    cxf_queue_reserve(&h->dram_q, at, bytes, &end);
    return end + h->dram_ns;
}

cxf_time_t cxf_path_charge(const struct cxf_fabric *f, const struct cxf_path *p, cxf_time_t now,
                           uint32_t bytes, bool write)
{
    uint64_t lines = (bytes + CXF_LINE_SIZE - 1) / CXF_LINE_SIZE;
    uint64_t msgs = lines * f->timing.header_bytes;
    uint32_t down_ns = p->hop_ns / 2;
    cxf_time_t t = traverse(p, CXF_DIR_DOWN, write ? bytes : msgs, now + down_ns);
    t = media(p, t, bytes, write);
    t = traverse(p, CXF_DIR_UP, write ? msgs : bytes, t);
    return t + (p->hop_ns - down_ns);
}

/* Serialisation of `bytes` on the route's slowest link in one direction. */
static cxf_time_t bottleneck(const struct cxf_path *p, enum cxf_dir dir, uint64_t bytes)
{
    cxf_time_t worst = 0;
    for (unsigned k = 0; k < p->nlinks; k++)
        worst = max_t(worst, cxf_queue_duration(p->link[k]->q[dir].bytes_per_sec, bytes));
    return worst;
}

cxf_time_t cxf_path_idle_read_ns(const struct cxf_fabric *f, const struct cxf_path *p)
{
    cxf_time_t t = p->hop_ns;
    for (unsigned k = 0; k < p->nlinks; k++)
        t += 2 * p->link[k]->flight_ns;
    t += bottleneck(p, CXF_DIR_DOWN, f->timing.header_bytes);
    t += bottleneck(p, CXF_DIR_UP, CXF_LINE_SIZE);
    if (p->kind == CXF_TGT_DEVICE)
        t += p->dev->timing.read_ns + cxf_queue_duration(p->dev->media.bytes_per_sec, CXF_LINE_SIZE);
    else
        t += p->host->dram_ns + cxf_queue_duration(p->host->dram_q.bytes_per_sec, CXF_LINE_SIZE);
    return t;
}

/* Bytes of one contiguous chunk on a device: whole page or line by line. */
static int device_io(struct cxf_dev *d, uint64_t dpa, uint8_t *buf, uint64_t len, bool write,
                     bool poison, bool *poisoned)
{
    uint64_t step = (len == CXF_PAGE_SIZE && dpa % CXF_PAGE_SIZE == 0) ? CXF_PAGE_SIZE
                                                                        : CXF_LINE_SIZE;
    for (uint64_t off = 0; off < len; off += step) {
        int rc = write ? cxf_dev_write(d, dpa + off, buf + off, step, poison)
                       : cxf_dev_read(d, dpa + off, buf + off, step);
        if (rc == -EHWPOISON)
            *poisoned = true;
        else if (rc)
            return rc;
    }
    return 0;
}

#define MAX_CHUNKS (CXF_PAGE_SIZE / CXF_LINE_SIZE)

struct chunk {
    struct cxf_route r;
    uint64_t off, len;
};

/* Route every chunk of the access before moving a byte, so an access that
 * cannot complete (link down, failed node, unbound vPPB) changes nothing. */
static int route_chunks(struct cxf_fabric *f, unsigned node, const struct cxf_xact *x,
                        struct chunk *c, unsigned *n)
{
    *n = 0;
    for (uint64_t off = 0; off < x->len; (*n)++) {
        struct chunk *k = &c[*n];
        int rc = cxf_fabric_route(f, node, x->hpa + off, &k->r);
        if (rc)
            return rc;
        k->off = off;
        k->len = x->len - off < k->r.contiguous ? x->len - off : k->r.contiguous;
        off += k->len;
    }
    return 0;
}

/* Move one chunk's bytes; returns a device error (not poison) or 0. */
static int move_chunk(const struct chunk *k, struct cxf_xact *x)
{
    uint8_t *buf = (uint8_t *)x->data + k->off;
    bool write = x->op == CXF_M2S_MEMWR;
    if (k->r.kind == CXF_TGT_DEVICE)
        return device_io(k->r.dev, k->r.dpa, buf, k->len, write, x->poison, &x->data_poisoned);
    if (write)
        memcpy(k->r.host_ptr, buf, k->len); /* node DRAM keeps no poison state */
    else
        memcpy(buf, k->r.host_ptr, k->len);
    return 0;
}

int cxf_fabric_mem(struct cxf_fabric *f, unsigned node, struct cxf_xact *x, cxf_time_t now)
{
    x->resp = CXF_S2M_NONE;
    x->data_poisoned = false;
    x->done = now;
    if ((x->len != CXF_LINE_SIZE && x->len != CXF_PAGE_SIZE) || x->hpa % x->len || !x->data)
        return x->status = -EINVAL;
    struct chunk c[MAX_CHUNKS];
    unsigned n;
    int rc = route_chunks(f, node, x, c, &n);
    if (rc)
        return x->status = rc;
    /* An interleaved page spans several targets: its chunks are issued
     * together and the page completes with the last one. */
    bool write = x->op == CXF_M2S_MEMWR;
    for (unsigned i = 0; i < n; i++) {
        if ((rc = move_chunk(&c[i], x)))
            return x->status = rc;
        x->done = max_t(x->done, cxf_path_charge(f, c[i].r.path, now, (uint32_t)c[i].len, write));
    }
    x->resp = write ? CXF_S2M_NDR_CMP : CXF_S2M_DRS_MEMDATA;
    return x->status = 0;
}
