/* Bandwidth queues: serialisation, queueing, rate never exceeded. */
#include "cmocka_all.h"
#include "sim/sim.h"

static void test_duration_rounds_up(void **state)
{
    (void)state;
    assert_int_equal(cxf_queue_duration(1000000000ull, 64), 64);   /* 1 GB/s: 1 ns/B */
    assert_int_equal(cxf_queue_duration(3000000000ull, 1), 1);     /* 0.33 ns -> 1 */
    assert_int_equal(cxf_queue_duration(0, 4096), 0);              /* unlimited */
    /* 1 TB at 1 GB/s without 64-bit overflow */
    assert_true(cxf_queue_duration(1000000000ull, 1ull << 40) == (1ull << 40));
}

static void test_transfers_queue_back_to_back(void **state)
{
    (void)state;
    struct cxf_queue q = {.bytes_per_sec = 4096ull * 1000000}; /* one page per us */
    cxf_time_t end, start;
    start = cxf_queue_reserve(&q, 100, 4096, &end);
    assert_int_equal(start, 100);
    assert_int_equal(end, 1100);
    /* ready at the same time: waits for the first */
    start = cxf_queue_reserve(&q, 100, 4096, &end);
    assert_int_equal(start, 1100);
    assert_int_equal(end, 2100);
    assert_int_equal(q.waited, 1000);
    /* ready later than busy: no wait */
    start = cxf_queue_reserve(&q, 5000, 64, &end);
    assert_int_equal(start, 5000);
    assert_int_equal(q.transfers, 3);
    assert_int_equal(q.bytes, 4096 * 2 + 64);
}

static void test_rate_never_exceeded(void **state)
{
    (void)state;
    struct cxf_queue q = {.bytes_per_sec = 25000000000ull};
    struct cxf_rng r;
    cxf_rng_seed(&r, 1, 0);
    cxf_time_t first = CXF_TIME_NEVER, last = 0, end;
    uint64_t bytes = 0;
    for (int i = 0; i < 10000; i++) {
        uint64_t b = 64 + cxf_rng_below(&r, 8192);
        cxf_time_t s = cxf_queue_reserve(&q, cxf_rng_below(&r, 1000), b, &end);
        if (s < first)
            first = s;
        if (end > last)
            last = end;
        bytes += b;
    }
    double rate = (double)bytes / ((double)(last - first) * 1e-9);
    assert_true(rate <= 25e9 * 1.0000001);
    assert_true(rate > 24e9); /* and the queue keeps the resource busy */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_duration_rounds_up),
        cmocka_unit_test(test_transfers_queue_back_to_back),
        cmocka_unit_test(test_rate_never_exceeded),
    };
    return cmocka_run_group_tests_name("sim_queue", tests, NULL, NULL);
}
