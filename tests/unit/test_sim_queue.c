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
    cxf_queue_fini(&q);
}

/* A booking far ahead moves the horizon past "now": a booking of now is
 * not pushed behind it into the future (that past is forgotten, so free). */
static void test_far_booking_leaves_now_free(void **state)
{
    (void)state;
    struct cxf_queue q = {.bytes_per_sec = 64ull * 1000000000}; /* 64 B/ns */
    cxf_time_t end, far = 10 * (cxf_time_t)CXF_QUEUE_SLOTS * CXF_QUEUE_SLOT_NS;
    assert_int_equal(cxf_queue_reserve(&q, far, 4096, &end), far);
    assert_int_equal(cxf_queue_reserve(&q, 1000, 64, &end), 1000);
    assert_int_equal(end, 1001);
    cxf_queue_fini(&q);
}

/* A burst booked at one instant goes back to back, however deep (past the
 * ring's horizon too): the full slots are skipped, not lost. */
static void test_burst_is_back_to_back(void **state)
{
    (void)state;
    struct cxf_queue q = {.bytes_per_sec = 4096ull * 10000000}; /* a page per 100 ns */
    cxf_time_t end = 0, start;
    unsigned n = 2 * CXF_QUEUE_SLOTS;
    for (unsigned i = 0; i < n; i++) {
        start = cxf_queue_reserve(&q, 0, 4096, &end);
        assert_int_equal(start, (cxf_time_t)i * 100);
    }
    assert_int_equal(end, (cxf_time_t)n * 100);
    cxf_queue_fini(&q);
}

/* Two issuers, each running ahead in its own time: the one that books
 * later for an earlier instant is not delayed behind the other. */
static void test_out_of_order_bookings(void **state)
{
    (void)state;
    struct cxf_queue q = {.bytes_per_sec = 1000000000ull}; /* 1 byte per ns */
    cxf_time_t end, start;
    /* issuer A books t = 10000..10999 first */
    for (cxf_time_t t = 10000; t < 11000; t += 100)
        cxf_queue_reserve(&q, t, 64, &end);
    /* issuer B then books earlier instants: the queue is free there */
    start = cxf_queue_reserve(&q, 500, 64, &end);
    assert_int_equal(start, 500);
    assert_int_equal(end, 564);
    assert_int_equal(q.waited, 0);
    /* but capacity is capacity: a slot A filled makes B wait */
    cxf_queue_reserve(&q, 20000, 100, &end); /* slot 200 full */
    start = cxf_queue_reserve(&q, 20000, 10, &end);
    assert_int_equal(start, 20100);
    assert_int_equal(q.waited, 100);
    /* far in the future, then far in the past: the horizon moves on, and
     * a booking older than it is not delayed */
    cxf_queue_reserve(&q, CXF_SEC(1), 10, &end);
    start = cxf_queue_reserve(&q, 100, 10, &end);
    assert_true(start >= 100);
    cxf_queue_fini(&q);
}

/* Shuffled bookings from many issuers never exceed the rate in any window
 * of a slot's length or more. */
static void test_rate_holds_out_of_order(void **state)
{
    (void)state;
    struct cxf_queue q = {.bytes_per_sec = 2000000000ull}; /* 2 B/ns */
    struct cxf_rng r;
    cxf_rng_seed(&r, 3, 0);
    enum { N = 20000 };
    static cxf_time_t st[N], en[N];
    uint64_t total = 0;
    for (int i = 0; i < N; i++) {
        uint64_t b = 64 + cxf_rng_below(&r, 4096);
        st[i] = cxf_queue_reserve(&q, cxf_rng_below(&r, 1000000), b, &en[i]);
        assert_true(en[i] > st[i]);
        total += b;
    }
    /* busy time booked per slot never above the slot */
    for (uint64_t s = 0; s < CXF_QUEUE_SLOTS; s++)
        assert_true(q.busy[s] <= CXF_QUEUE_SLOT_NS);
    /* everything fits in the horizon at this load: all booked before 1.6 ms */
    cxf_time_t last = 0;
    for (int i = 0; i < N; i++)
        last = en[i] > last ? en[i] : last;
    assert_true((double)total / (double)last <= 2.0 * 1.001);
    cxf_queue_fini(&q);
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
    cxf_queue_fini(&q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_duration_rounds_up),
        cmocka_unit_test(test_transfers_queue_back_to_back),
        cmocka_unit_test(test_rate_never_exceeded),
        cmocka_unit_test(test_out_of_order_bookings),
        cmocka_unit_test(test_rate_holds_out_of_order),
        cmocka_unit_test(test_far_booking_leaves_now_free),
        cmocka_unit_test(test_burst_is_back_to_back),
    };
    return cmocka_run_group_tests_name("sim_queue", tests, NULL, NULL);
}
