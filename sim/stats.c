/*
 * sim/stats.c - a registry of named counters and histograms.
 *
 * Lookup by name is linear: callers look a statistic up once and keep the
 * pointer, which stays valid for the registry's life (entries are allocated
 * one by one and never move).
 */
#include "sim.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

enum stat_kind { STAT_COUNTER, STAT_HIST };

struct stat_entry {
    struct stat_entry *next;
    enum stat_kind kind;
    char *name;
    union {
        uint64_t counter;
        struct cxf_hist hist;
    } v;
};

struct cxf_stats {
    struct stat_entry *head;
    struct stat_entry **tail; /* keeps insertion order for stable output */
};

struct cxf_stats *cxf_stats_new(void)
{
    struct cxf_stats *st = calloc(1, sizeof(*st));
    if (st)
        st->tail = &st->head;
    return st;
}

void cxf_stats_free(struct cxf_stats *st)
{
    if (!st)
        return;
    struct stat_entry *e = st->head;
    while (e) {
        struct stat_entry *next = e->next;
        free(e->name);
        free(e);
        e = next;
    }
    free(st);
}

static struct stat_entry *find(const struct cxf_stats *st, enum stat_kind kind, const char *name)
{
    for (struct stat_entry *e = st->head; e; e = e->next)
        if (e->kind == kind && strcmp(e->name, name) == 0)
            return e;
    return NULL;
}

static struct stat_entry *find_or_add(struct cxf_stats *st, enum stat_kind kind, const char *name)
{
    struct stat_entry *e = find(st, kind, name);
    if (e)
        return e;
    e = calloc(1, sizeof(*e));
    if (!e)
        return NULL;
    e->name = strdup(name);
    if (!e->name) {
        free(e);
        return NULL;
    }
    e->kind = kind;
    if (kind == STAT_HIST)
        cxf_hist_reset(&e->v.hist);
    *st->tail = e;
    st->tail = &e->next;
    return e;
}

uint64_t *cxf_stats_counter(struct cxf_stats *st, const char *name)
{
    struct stat_entry *e = find_or_add(st, STAT_COUNTER, name);
    return e ? &e->v.counter : NULL;
}

struct cxf_hist *cxf_stats_hist(struct cxf_stats *st, const char *name)
{
    struct stat_entry *e = find_or_add(st, STAT_HIST, name);
    return e ? &e->v.hist : NULL;
}

const uint64_t *cxf_stats_find_counter(const struct cxf_stats *st, const char *name)
{
    struct stat_entry *e = find(st, STAT_COUNTER, name);
    return e ? &e->v.counter : NULL;
}

const struct cxf_hist *cxf_stats_find_hist(const struct cxf_stats *st, const char *name)
{
    struct stat_entry *e = find(st, STAT_HIST, name);
    return e ? &e->v.hist : NULL;
}

struct json_object *cxf_stats_to_json(const struct cxf_stats *st)
{
    struct json_object *counters = json_object_new_object();
    struct json_object *hists = json_object_new_object();
    for (struct stat_entry *e = st->head; e; e = e->next) {
        if (e->kind == STAT_COUNTER)
            json_object_object_add(counters, e->name, json_object_new_uint64(e->v.counter));
        else
            json_object_object_add(hists, e->name, cxf_hist_to_json(&e->v.hist));
    }
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "counters", counters);
    json_object_object_add(o, "histograms", hists);
    return o;
}
