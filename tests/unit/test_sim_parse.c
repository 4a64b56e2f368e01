/* tests/unit/test_sim_parse.c - sizes, durations and rates as typed. */
#include "cmocka_all.h"

#include "sim/parse.h"

#include <errno.h>

static uint64_t size_of(const char *s)
{
    uint64_t v = 0;
    assert_int_equal(cxf_parse_u64(s, true, &v), 0);
    return v;
}

static void test_sizes(void **state)
{
    (void)state;
    assert_true(size_of("0") == 0);
    assert_true(size_of("4096") == 4096);
    assert_true(size_of("0x1f") == 31);
    assert_true(size_of("4K") == 4096);
    assert_true(size_of("256m") == 256ull << 20);
    assert_true(size_of("2G") == 2ull << 30);
    assert_true(size_of("1T") == 1ull << 40);
    assert_true(size_of("18446744073709551615") == UINT64_MAX);
    uint64_t v;
    assert_int_equal(cxf_parse_u64("4K", false, &v), -EINVAL); /* no suffix allowed */
    assert_int_equal(cxf_parse_u64("", true, &v), -EINVAL);
    assert_int_equal(cxf_parse_u64("0x", true, &v), -EINVAL);
    assert_int_equal(cxf_parse_u64("-1", true, &v), -EINVAL);
    assert_int_equal(cxf_parse_u64("4KB", true, &v), -EINVAL);
    assert_int_equal(cxf_parse_u64("12 ", true, &v), -EINVAL);
    assert_int_equal(cxf_parse_u64("18446744073709551616", true, &v), -ERANGE);
    assert_int_equal(cxf_parse_u64("16777216T", true, &v), -ERANGE);
    assert_int_equal(cxf_parse_u64(NULL, true, &v), -EINVAL);
}

static void test_durations(void **state)
{
    (void)state;
    uint64_t ns;
    assert_int_equal(cxf_parse_duration("250ns", 0, &ns), 0);
    assert_true(ns == 250);
    assert_int_equal(cxf_parse_duration("30us", 0, &ns), 0);
    assert_true(ns == 30000);
    assert_int_equal(cxf_parse_duration("1.5ms", 0, &ns), 0);
    assert_true(ns == 1500000);
    assert_int_equal(cxf_parse_duration("2s", 0, &ns), 0);
    assert_true(ns == 2000000000);
    assert_int_equal(cxf_parse_duration("300", 1000000, &ns), 0); /* bare: in ms here */
    assert_true(ns == 300000000);
    assert_int_equal(cxf_parse_duration("300", 0, &ns), -EINVAL); /* unit required */
    assert_int_equal(cxf_parse_duration("ms", 0, &ns), -EINVAL);
    assert_int_equal(cxf_parse_duration(".", 0, &ns), -EINVAL);
    assert_int_equal(cxf_parse_duration("-1ms", 0, &ns), -EINVAL);
    assert_int_equal(cxf_parse_duration("1e3ms", 0, &ns), -EINVAL);
    assert_int_equal(cxf_parse_duration("5min", 0, &ns), -EINVAL);
    assert_int_equal(cxf_parse_duration("99999999999999999999s", 0, &ns), -ERANGE);
}

static void test_rates(void **state)
{
    (void)state;
    uint64_t r;
    assert_int_equal(cxf_parse_rate("25Gbit", &r), 0);
    assert_true(r == 3125000000ull);
    assert_int_equal(cxf_parse_rate("2GB/s", &r), 0);
    assert_true(r == 2000000000ull);
    assert_int_equal(cxf_parse_rate("500M", &r), 0);
    assert_true(r == 500000000ull);
    assert_int_equal(cxf_parse_rate("1000", &r), 0);
    assert_true(r == 1000);
    assert_int_equal(cxf_parse_rate("1.5Gbit/s", &r), 0);
    assert_true(r == 187500000ull);
    assert_int_equal(cxf_parse_rate("fast", &r), -EINVAL);
    assert_int_equal(cxf_parse_rate("10Gbps", &r), -EINVAL);
    assert_int_equal(cxf_parse_rate("10X", &r), -EINVAL);
    assert_int_equal(cxf_parse_rate("", &r), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_durations),
        cmocka_unit_test(test_rates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
