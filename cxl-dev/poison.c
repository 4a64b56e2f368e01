/*
 * cxl-dev/poison.c - the device's poison list.
 *
 * One sorted entry per poisoned 64-byte line (device-wide DPA), so the data
 * path can answer "is any line of this page poisoned?" with one binary
 * search. Get Poison List coalesces adjacent lines into Media Error Records
 * (CXL 3.0 8.2.9.8.4.1). When the list is full a new poison is not tracked
 * and the list reports overflow with its timestamp, as the spec describes.
 */
#include "cxldev.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Index of the first entry with dpa >= line. */
static size_t lower_bound(const struct cxf_poison_list *pl, uint64_t line)
{
    size_t lo = 0, hi = pl->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (pl->e[mid].dpa < line)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

bool cxf_poison_test(const struct cxf_poison_list *pl, uint64_t dpa, uint64_t len)
{
    if (pl->n == 0 || len == 0)
        return false;
    size_t i = lower_bound(pl, dpa & ~(uint64_t)(CXF_LINE_SIZE - 1));
    return i < pl->n && pl->e[i].dpa < dpa + len;
}

int cxf_dev_poison_add(struct cxf_dev *d, uint64_t dpa, enum cxf_poison_source src)
{
    struct cxf_poison_list *pl = &d->poison;
    uint64_t line = dpa & ~(uint64_t)(CXF_LINE_SIZE - 1);
    if (line >= d->capacity)
        return -EFAULT;
    size_t i = lower_bound(pl, line);
    if (i < pl->n && pl->e[i].dpa == line)
        return 0; /* already poisoned: not an error (Inject Poison) */
    if (pl->n >= pl->max_records) {
        pl->overflow = true;
        pl->overflow_ts = cxf_dev_timestamp(d);
        return -ENOSPC;
    }
    if (pl->n == pl->cap) {
        size_t cap = pl->cap ? pl->cap * 2 : 16;
        struct cxf_poison_entry *grown = realloc(pl->e, cap * sizeof(*grown));
        if (!grown)
            return -ENOMEM;
        pl->e = grown;
        pl->cap = cap;
    }
    memmove(&pl->e[i + 1], &pl->e[i], (pl->n - i) * sizeof(pl->e[0]));
    pl->e[i].dpa = line;
    pl->e[i].source = (uint8_t)src;
    pl->n++;
    d->poison_generation++;
    return 0;
}

int cxf_dev_poison_clear(struct cxf_dev *d, uint64_t dpa)
{
    struct cxf_poison_list *pl = &d->poison;
    uint64_t line = dpa & ~(uint64_t)(CXF_LINE_SIZE - 1);
    size_t i = lower_bound(pl, line);
    if (i >= pl->n || pl->e[i].dpa != line)
        return 0;
    memmove(&pl->e[i], &pl->e[i + 1], (pl->n - i - 1) * sizeof(pl->e[0]));
    pl->n--;
    if (pl->n == 0)
        pl->overflow = false;
    d->poison_generation++;
    return 0;
}
