/*
 * cxl-dev/poison.c - poisoned lines of the device's media.
 *
 * One sorted entry per poisoned 64-byte line (device-wide DPA), so the data
 * path answers "is any line of this page poisoned?" with one binary search.
 * The first max_records lines are also in the list that Get Poison List
 * reports; past that the list overflows (CXL 3.0 8.2.9.8.4.1): the media
 * stays poisoned, only the report is incomplete.
 */
#include "cxldev.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MASK ((uint64_t)CXF_LINE_SIZE - 1)

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

long cxf_poison_first(const struct cxf_poison_list *pl, uint64_t dpa, uint64_t len)
{
    if (pl->n == 0 || len == 0)
        return -1;
    size_t i = lower_bound(pl, dpa & ~LINE_MASK);
    return i < pl->n && pl->e[i].dpa < dpa + len ? (long)i : -1;
}

bool cxf_poison_test(const struct cxf_poison_list *pl, uint64_t dpa, uint64_t len)
{
    return cxf_poison_first(pl, dpa, len) >= 0;
}

static int grow(struct cxf_poison_list *pl)
{
    if (pl->n < pl->cap)
        return 0;
    size_t cap = pl->cap ? pl->cap * 2 : 16;
    struct cxf_poison_entry *grown = realloc(pl->e, cap * sizeof(*grown));
    if (!grown)
        return -ENOMEM;
    pl->e = grown;
    pl->cap = cap;
    return 0;
}

int cxf_dev_poison_add(struct cxf_dev *d, uint64_t dpa, enum cxf_poison_source src)
{
    struct cxf_poison_list *pl = &d->poison;
    uint64_t line = dpa & ~LINE_MASK;
    if (line >= d->capacity)
        return -EFAULT;
    size_t i = lower_bound(pl, line);
    if (i < pl->n && pl->e[i].dpa == line)
        return 0; /* already poisoned: not an error (Inject Poison) */
    if (grow(pl))
        return -ENOMEM;
    memmove(&pl->e[i + 1], &pl->e[i], (pl->n - i) * sizeof(pl->e[0]));
    bool listed = pl->listed < pl->max_records;
    pl->e[i] = (struct cxf_poison_entry){.dpa = line, .source = (uint8_t)src, .listed = listed};
    pl->n++;
    if (listed) {
        pl->listed++;
    } else if (!pl->overflow) {
        pl->overflow = true; /* the timestamp of the first record lost */
        pl->overflow_ts = cxf_dev_timestamp(d);
    }
    cxf_dev_changed(d);
    return 0;
}

int cxf_dev_poison_clear(struct cxf_dev *d, uint64_t dpa)
{
    struct cxf_poison_list *pl = &d->poison;
    uint64_t line = dpa & ~LINE_MASK;
    size_t i = lower_bound(pl, line);
    if (i >= pl->n || pl->e[i].dpa != line)
        return 0;
    if (pl->e[i].listed)
        pl->listed--;
    memmove(&pl->e[i], &pl->e[i + 1], (pl->n - i - 1) * sizeof(pl->e[0]));
    pl->n--;
    if (pl->n == 0) /* nothing left unreported */
        pl->overflow = false;
    cxf_dev_changed(d);
    return 0;
}
