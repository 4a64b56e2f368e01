/*
 * sim/hist.c - log2 latency histograms.
 *
 * 65 buckets: bucket 0 counts zeros, bucket i counts values in
 * [2^(i-1), 2^i). Adding a sample is a count-leading-zeros and three adds,
 * cheap enough for every modelled access. Percentiles interpolate linearly
 * inside a bucket, which bounds their error by the bucket width.
 */
#include "sim.h"

#include <json-c/json.h>
#include <string.h>

void cxf_hist_reset(struct cxf_hist *h)
{
    memset(h, 0, sizeof(*h));
    h->min = UINT64_MAX;
}

static unsigned bucket_of(uint64_t v)
{
    return v ? 64u - (unsigned)__builtin_clzll(v) : 0u;
}

void cxf_hist_add(struct cxf_hist *h, uint64_t value)
{
    h->bucket[bucket_of(value)]++;
    h->count++;
    h->sum += value;
    if (value < h->min)
        h->min = value;
    if (value > h->max)
        h->max = value;
}

void cxf_hist_merge(struct cxf_hist *into, const struct cxf_hist *from)
{
    for (int i = 0; i < CXF_HIST_BUCKETS; i++)
        into->bucket[i] += from->bucket[i];
    into->count += from->count;
    into->sum += from->sum;
    if (from->min < into->min)
        into->min = from->min;
    if (from->max > into->max)
        into->max = from->max;
}

double cxf_hist_mean(const struct cxf_hist *h)
{
    return h->count ? (double)h->sum / (double)h->count : 0.0;
}

static double bucket_low(unsigned i)
{
    return i == 0 ? 0.0 : (double)(1ull << (i - 1));
}

static double bucket_high(unsigned i)
{
    return i == 0 ? 0.0 : 2.0 * bucket_low(i);
}

uint64_t cxf_hist_percentile(const struct cxf_hist *h, double p)
{
    if (!h->count)
        return 0;
    if (p <= 0.0)
        return h->min;
    if (p >= 1.0)
        return h->max;
    double rank = p * (double)h->count;
    double seen = 0.0;
    for (unsigned i = 0; i < CXF_HIST_BUCKETS; i++) {
        double in = (double)h->bucket[i];
        if (in == 0.0 || seen + in < rank) {
            seen += in;
            continue;
        }
        double lo = bucket_low(i), hi = bucket_high(i);
        double v = lo + (hi - lo) * ((rank - seen) / in);
        if (v < (double)h->min)
            v = (double)h->min;
        if (v > (double)h->max)
            v = (double)h->max;
        return (uint64_t)v;
    }
    return h->max;
}

struct json_object *cxf_hist_to_json(const struct cxf_hist *h)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "count", json_object_new_uint64(h->count));
    json_object_object_add(o, "min", json_object_new_uint64(h->count ? h->min : 0));
    json_object_object_add(o, "max", json_object_new_uint64(h->max));
    json_object_object_add(o, "mean", json_object_new_double(cxf_hist_mean(h)));
    json_object_object_add(o, "p50", json_object_new_uint64(cxf_hist_percentile(h, 0.50)));
    json_object_object_add(o, "p90", json_object_new_uint64(cxf_hist_percentile(h, 0.90)));
    json_object_object_add(o, "p99", json_object_new_uint64(cxf_hist_percentile(h, 0.99)));
    json_object_object_add(o, "p999", json_object_new_uint64(cxf_hist_percentile(h, 0.999)));
    struct json_object *b = json_object_new_array();
    for (unsigned i = 0; i < CXF_HIST_BUCKETS; i++) {
        if (!h->bucket[i])
            continue;
        struct json_object *e = json_object_new_object();
        json_object_object_add(e, "ge", json_object_new_uint64((uint64_t)bucket_low(i)));
        json_object_object_add(e, "count", json_object_new_uint64(h->bucket[i]));
        json_object_array_add(b, e);
    }
    json_object_object_add(o, "buckets", b);
    return o;
}
