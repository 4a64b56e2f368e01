/*
 * node/llc.c - the LLC filter: set-associative, write-back, LRU.
 *
 * Lines are named by their physical identity (which memory, which address),
 * not by guest address, so two VMs never share a line by accident and a page
 * that moves starts cold at its new home. Set index: the identity's low bits
 * mixed with its high bits, so pages of different memories spread evenly.
 */
#include "node.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int cxf_llc_init(struct cxf_llc *c, uint64_t size, unsigned ways, uint32_t hit_ns)
{
    memset(c, 0, sizeof(*c));
    c->hit_ns = hit_ns;
    if (size == 0)
        return 0; /* disabled */
    if (ways == 0 || size % ((uint64_t)ways * CXF_LINE_SIZE))
        return -EINVAL;
    uint64_t sets = size / ((uint64_t)ways * CXF_LINE_SIZE);
    if (sets & (sets - 1) || sets > (1u << 24))
        return -EINVAL; /* a power of two, for the index mask */
    c->sets = (unsigned)sets;
    c->ways = ways;
    c->line = calloc(sets * ways, sizeof(*c->line));
    return c->line ? 0 : -ENOMEM;
}

void cxf_llc_fini(struct cxf_llc *c)
{
    free(c->line);
    c->line = NULL;
}

static struct cxf_llc_line *set_of(const struct cxf_llc *c, uint64_t line)
{
    uint64_t h = line ^ (line >> 23) ^ (line >> 47);
    return &c->line[(h & (c->sets - 1)) * c->ways];
}

bool cxf_llc_access(struct cxf_llc *c, uint64_t line, bool write, const struct cxf_path *path,
                    const struct cxf_path **wb_path)
{
    *wb_path = NULL;
    if (!c->line) {
        c->misses++;
        return false;
    }
    struct cxf_llc_line *set = set_of(c, line), *victim = set;
    uint64_t tag = line + 1;
    for (unsigned w = 0; w < c->ways; w++) {
        struct cxf_llc_line *l = &set[w];
        if (l->tag == tag) {
            l->stamp = ++c->clock;
            l->dirty |= write;
            c->hits++;
            return true;
        }
        if (l->stamp < victim->stamp)
            victim = l;
    }
    c->misses++;
    if (victim->tag && victim->dirty) {
        *wb_path = victim->path;
        c->writebacks++;
    }
    *victim = (struct cxf_llc_line){.tag = tag, .stamp = ++c->clock, .path = path, .dirty = write};
    return false;
}

void cxf_llc_drop_page(struct cxf_llc *c, const struct cxf_fabric *f, uint64_t page_line0,
                       cxf_time_t now)
{
    if (!c->line)
        return;
    for (uint64_t i = 0; i < CXF_PAGE_SIZE / CXF_LINE_SIZE; i++) {
        struct cxf_llc_line *set = set_of(c, page_line0 + i);
        for (unsigned w = 0; w < c->ways; w++) {
            struct cxf_llc_line *l = &set[w];
            if (l->tag != page_line0 + i + 1)
                continue;
            if (l->dirty && l->path) {
                cxf_path_charge(f, l->path, now, CXF_LINE_SIZE, true); /* posted */
                c->writebacks++;
            }
            memset(l, 0, sizeof(*l));
        }
    }
}
