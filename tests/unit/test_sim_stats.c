/* Histograms and the stats registry. */
#include "cmocka_all.h"
#include "sim/sim.h"

#include <json-c/json.h>
#include <string.h>

static void test_hist_buckets_and_moments(void **state)
{
    (void)state;
    struct cxf_hist h;
    cxf_hist_reset(&h);
    assert_int_equal(cxf_hist_percentile(&h, 0.5), 0);
    cxf_hist_add(&h, 0);
    cxf_hist_add(&h, 1);
    cxf_hist_add(&h, 100);
    cxf_hist_add(&h, 1000);
    assert_int_equal(h.count, 4);
    assert_int_equal(h.sum, 1101);
    assert_int_equal(h.min, 0);
    assert_int_equal(h.max, 1000);
    assert_int_equal(h.bucket[0], 1);  /* 0 */
    assert_int_equal(h.bucket[1], 1);  /* [1,2) */
    assert_int_equal(h.bucket[7], 1);  /* [64,128) */
    assert_int_equal(h.bucket[10], 1); /* [512,1024) */
    assert_true(cxf_hist_mean(&h) == 1101.0 / 4);
}

static void test_hist_percentiles(void **state)
{
    (void)state;
    struct cxf_hist h;
    cxf_hist_reset(&h);
    for (int i = 0; i < 990; i++)
        cxf_hist_add(&h, 100); /* bucket [64,128) */
    for (int i = 0; i < 10; i++)
        cxf_hist_add(&h, 5000); /* bucket [4096,8192) */
    uint64_t p50 = cxf_hist_percentile(&h, 0.5);
    uint64_t p99 = cxf_hist_percentile(&h, 0.99);
    uint64_t p999 = cxf_hist_percentile(&h, 0.999);
    assert_true(p50 >= 64 && p50 <= 128);
    assert_true(p99 >= 64 && p99 <= 128);
    assert_true(p999 >= 4096 && p999 <= 5000); /* clamped to max */
    assert_int_equal(cxf_hist_percentile(&h, 0.0), 100);
    assert_int_equal(cxf_hist_percentile(&h, 1.0), 5000);
    /* monotone in p */
    uint64_t last = 0;
    for (double p = 0.0; p <= 1.0; p += 0.01) {
        uint64_t v = cxf_hist_percentile(&h, p);
        assert_true(v >= last);
        last = v;
    }
}

static void test_hist_merge(void **state)
{
    (void)state;
    struct cxf_hist a, b;
    cxf_hist_reset(&a);
    cxf_hist_reset(&b);
    cxf_hist_add(&a, 10);
    cxf_hist_add(&b, 3);
    cxf_hist_add(&b, 70000);
    cxf_hist_merge(&a, &b);
    assert_int_equal(a.count, 3);
    assert_int_equal(a.min, 3);
    assert_int_equal(a.max, 70000);
    assert_int_equal(a.sum, 70013);
}

static void test_registry_and_json(void **state)
{
    (void)state;
    struct cxf_stats *st = cxf_stats_new();
    uint64_t *reads = cxf_stats_counter(st, "reads");
    uint64_t *writes = cxf_stats_counter(st, "writes");
    assert_ptr_equal(reads, cxf_stats_counter(st, "reads"));
    assert_ptr_not_equal(reads, writes);
    *reads += 5;
    *writes += 2;
    struct cxf_hist *lat = cxf_stats_hist(st, "latency_ns");
    cxf_hist_add(lat, 90);
    cxf_hist_add(lat, 180);
    assert_null(cxf_stats_find_counter(st, "missing"));
    assert_int_equal(*cxf_stats_find_counter(st, "reads"), 5);
    assert_int_equal(cxf_stats_find_hist(st, "latency_ns")->count, 2);

    struct json_object *o = cxf_stats_to_json(st);
    struct json_object *c, *v, *hs, *l, *cnt;
    assert_true(json_object_object_get_ex(o, "counters", &c));
    assert_true(json_object_object_get_ex(c, "reads", &v));
    assert_int_equal(json_object_get_uint64(v), 5);
    assert_true(json_object_object_get_ex(o, "histograms", &hs));
    assert_true(json_object_object_get_ex(hs, "latency_ns", &l));
    assert_true(json_object_object_get_ex(l, "count", &cnt));
    assert_int_equal(json_object_get_uint64(cnt), 2);
    json_object_put(o);
    cxf_stats_free(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hist_buckets_and_moments),
        cmocka_unit_test(test_hist_percentiles),
        cmocka_unit_test(test_hist_merge),
        cmocka_unit_test(test_registry_and_json),
    };
    return cmocka_run_group_tests_name("sim_stats", tests, NULL, NULL);
}
