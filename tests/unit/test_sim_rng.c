/* Random streams and the Zipf sampler: reference vectors, determinism,
 * uniformity and goodness of fit. Seeds are fixed, so these statistical
 * checks are deterministic; bounds are the 0.1% critical values. */
#include "cmocka_all.h"
#include "sim/sim.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

static void test_reference_vectors(void **state)
{
    (void)state;
    /* splitmix64 from 0 and xoshiro256** from {1,2,3,4}: the published
     * reference outputs of both generators. */
    uint64_t s = 0;
    assert_true(cxf_splitmix64(&s) == 0xe220a8397b1dcdafull);
    assert_true(cxf_splitmix64(&s) == 0x6e789e6aa1b965f4ull);
    struct cxf_rng r = {.s = {1, 2, 3, 4}};
    assert_true(cxf_rng_next(&r) == 11520ull);
    assert_true(cxf_rng_next(&r) == 0ull);
    assert_true(cxf_rng_next(&r) == 1509978240ull);
    assert_true(cxf_rng_next(&r) == 1215971899390074240ull);
}

/* Pinned outputs: every run's numbers depend on these staying put across
 * versions (same seed, same results on any machine). */
static void test_pinned_stream_outputs(void **state)
{
    (void)state;
    assert_true(cxf_rng_stream_id("workload") == 0x5e9e510067ade45cull); /* FNV-1a 64 */
    struct cxf_rng r;
    cxf_rng_seed(&r, 42, cxf_rng_stream_id("workload"));
    assert_true(cxf_rng_next(&r) == 0x91327896e25fd735ull);
    assert_true(cxf_rng_next(&r) == 0x61c7bb25e53401baull);
    assert_true(cxf_rng_next(&r) == 0x33553c340280b1d8ull);
    struct cxf_zipf z;
    assert_int_equal(cxf_zipf_init(&z, 1000, 0.99), 0);
    static const uint64_t ranks[] = {0, 103, 164, 1, 0};
    for (int i = 0; i < 5; i++)
        assert_int_equal(cxf_zipf_sample(&z, &r), ranks[i]);
}

static void test_same_seed_same_stream(void **state)
{
    (void)state;
    struct cxf_rng a, b, c, d;
    cxf_rng_seed(&a, 123, cxf_rng_stream_id("workload"));
    cxf_rng_seed(&b, 123, cxf_rng_stream_id("workload"));
    cxf_rng_seed(&c, 123, cxf_rng_stream_id("migration"));
    cxf_rng_seed(&d, 124, cxf_rng_stream_id("workload"));
    int same_c = 0, same_d = 0;
    for (int i = 0; i < 1000; i++) {
        uint64_t x = cxf_rng_next(&a);
        assert_true(x == cxf_rng_next(&b));
        same_c += x == cxf_rng_next(&c);
        same_d += x == cxf_rng_next(&d);
    }
    assert_int_equal(same_c, 0);
    assert_int_equal(same_d, 0);
}

static void test_below_is_bounded_and_uniform(void **state)
{
    (void)state;
    enum { K = 10, N = 100000 };
    struct cxf_rng r;
    uint64_t count[K] = {0};
    cxf_rng_seed(&r, 9, 0);
    for (int i = 0; i < N; i++) {
        uint64_t v = cxf_rng_below(&r, K);
        assert_true(v < K);
        count[v]++;
    }
    double chi2 = 0, expect = (double)N / K;
    for (int i = 0; i < K; i++)
        chi2 += (count[i] - expect) * (count[i] - expect) / expect;
    assert_true(chi2 < 27.88); /* chi-square, 9 dof, p = 0.001 */
    assert_true(cxf_rng_below(&r, 0) == 0);
    assert_true(cxf_rng_below(&r, 1) == 0);
    for (int i = 0; i < 1000; i++) {
        double u = cxf_rng_unit(&r);
        assert_true(u >= 0.0 && u < 1.0);
    }
}

static void test_zipf_rejects_bad_parameters(void **state)
{
    (void)state;
    struct cxf_zipf z;
    assert_int_equal(cxf_zipf_init(&z, 0, 0.99), -EINVAL);
    assert_int_equal(cxf_zipf_init(&z, 10, -0.1), -EINVAL);
    assert_int_equal(cxf_zipf_init(&z, 10, NAN), -EINVAL);
    assert_int_equal(cxf_zipf_init(&z, 10, 11.0), -EINVAL);
    assert_int_equal(cxf_zipf_init(&z, 1, 0.99), 0);
    struct cxf_rng r;
    cxf_rng_seed(&r, 1, 1);
    for (int i = 0; i < 100; i++)
        assert_true(cxf_zipf_sample(&z, &r) == 0);
}

/* Pearson chi-square of samples against the exact Zipf probabilities. */
static double zipf_chi2(uint64_t n, double theta, int samples, uint64_t seed)
{
    struct cxf_zipf z;
    struct cxf_rng r;
    assert_int_equal(cxf_zipf_init(&z, n, theta), 0);
    cxf_rng_seed(&r, seed, cxf_rng_stream_id("zipf-test"));
    uint64_t *count = calloc(n, sizeof(*count));
    for (int i = 0; i < samples; i++) {
        uint64_t k = cxf_zipf_sample(&z, &r);
        assert_true(k < n);
        count[k]++;
    }
    double chi2 = 0;
    for (uint64_t k = 0; k < n; k++) {
        double e = cxf_zipf_probability(&z, k) * samples;
        chi2 += ((double)count[k] - e) * ((double)count[k] - e) / e;
    }
    free(count);
    return chi2;
}

static void test_zipf_goodness_of_fit(void **state)
{
    (void)state;
    /* 100 ranks -> 99 degrees of freedom; chi-square critical value at
     * p = 0.001 is 148.23. A wrong sampler (e.g. uniform, or theta off by
     * 0.1) exceeds it by orders of magnitude at this sample size. */
    assert_true(zipf_chi2(100, 0.99, 200000, 1) < 148.23);
    assert_true(zipf_chi2(100, 0.5, 200000, 2) < 148.23);
    assert_true(zipf_chi2(100, 1.0, 200000, 3) < 148.23);
    assert_true(zipf_chi2(100, 1.5, 200000, 4) < 148.23);
    assert_true(zipf_chi2(100, 0.0, 200000, 5) < 148.23); /* uniform */
}

static void test_zipf_is_skewed(void **state)
{
    (void)state;
    /* YCSB's default theta: the top 1% of 10^6 keys take a large share. */
    struct cxf_zipf z;
    struct cxf_rng r;
    assert_int_equal(cxf_zipf_init(&z, 1000000, 0.99), 0);
    cxf_rng_seed(&r, 11, 0);
    int top = 0;
    for (int i = 0; i < 100000; i++)
        top += cxf_zipf_sample(&z, &r) < 10000;
    /* exact share of the top 1% at theta .99 is ~0.67 */
    assert_true(top > 62000 && top < 72000);
}

static void test_zipf_probability_sums_to_one(void **state)
{
    (void)state;
    struct cxf_zipf z;
    assert_int_equal(cxf_zipf_init(&z, 50, 0.8), 0);
    double sum = 0;
    for (uint64_t k = 0; k < 50; k++)
        sum += cxf_zipf_probability(&z, k);
    assert_true(fabs(sum - 1.0) < 1e-12);
    assert_true(cxf_zipf_probability(&z, 0) > cxf_zipf_probability(&z, 1));
    assert_true(cxf_zipf_probability(&z, 50) == 0.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_vectors),
        cmocka_unit_test(test_pinned_stream_outputs),
        cmocka_unit_test(test_same_seed_same_stream),
        cmocka_unit_test(test_below_is_bounded_and_uniform),
        cmocka_unit_test(test_zipf_rejects_bad_parameters),
        cmocka_unit_test(test_zipf_goodness_of_fit),
        cmocka_unit_test(test_zipf_is_skewed),
        cmocka_unit_test(test_zipf_probability_sums_to_one),
    };
    return cmocka_run_group_tests_name("sim_rng", tests, NULL, NULL);
}
