/* Device model: configuration checks, LDs, data path on real bytes, poison
 * on the data path, backing release, media timing. */
#include "cmocka_all.h"
#include "cxl-dev/cxldev.h"
#include "cxl-dev/le.h"

#include <errno.h>
#include <string.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>

#define MB (1ull << 20)
#define GB (1ull << 30)

static struct cxf_dev *make(uint64_t vol, uint64_t pers, unsigned lds)
{
    struct cxf_dev_config c;
    cxf_dev_config_default(&c);
    c.volatile_bytes = vol;
    c.persistent_bytes = pers;
    c.lds = lds;
    struct cxf_dev *d = NULL;
    struct cxf_err e;
    assert_int_equal(cxf_dev_create(&d, &c, &e), 0);
    return d;
}

static void expect_config_error(struct cxf_dev_config *c, const char *needle)
{
    struct cxf_dev *d = NULL;
    struct cxf_err e = {{0}};
    assert_true(cxf_dev_create(&d, c, &e) < 0);
    assert_null(d);
    assert_non_null(strstr(e.msg, needle));
}

static void test_config_errors(void **state)
{
    (void)state;
    struct cxf_dev_config c;
    cxf_dev_config_default(&c);
    c.volatile_bytes = 100 * MB;
    expect_config_error(&c, "256 MiB");
    cxf_dev_config_default(&c);
    c.volatile_bytes = 0;
    expect_config_error(&c, "at least 256 MiB");
    cxf_dev_config_default(&c);
    c.lds = 17;
    expect_config_error(&c, "at most 16");
    cxf_dev_config_default(&c);
    c.lds = 8; /* 1 GiB / 8 < 256 MiB */
    expect_config_error(&c, "LDs need");
    cxf_dev_config_default(&c);
    c.decoders = 3;
    expect_config_error(&c, "decoder count");
    cxf_dev_config_default(&c);
    c.backing_path = "/nonexistent-dir/x/pool";
    expect_config_error(&c, "backing");
}

static void test_line_and_page_io(void **state)
{
    (void)state;
    struct cxf_dev *d = make(GB, 0, 0);
    uint8_t line[64], page[4096], back[4096];
    for (int i = 0; i < 64; i++)
        line[i] = (uint8_t)(i * 7);
    for (int i = 0; i < 4096; i++)
        page[i] = (uint8_t)(i ^ 0x5a);
    assert_int_equal(cxf_dev_write(d, 0x1000, page, 4096, false), 0);
    assert_int_equal(cxf_dev_write(d, 0x40, line, 64, false), 0);
    assert_int_equal(cxf_dev_read(d, 0x1000, back, 4096), 0);
    assert_memory_equal(back, page, 4096);
    assert_int_equal(cxf_dev_read(d, 0x40, back, 64), 0);
    assert_memory_equal(back, line, 64);
    /* the bytes are really in the backing memory at that DPA */
    assert_memory_equal(d->mem.base + 0x1000, page, 4096);
    /* misaligned, wrong sizes, out of range */
    assert_int_equal(cxf_dev_read(d, 0x20, back, 64), -EINVAL);
    assert_int_equal(cxf_dev_read(d, 0x40, back, 4096), -EINVAL);
    assert_int_equal(cxf_dev_read(d, 0, back, 128), -EINVAL);
    assert_int_equal(cxf_dev_read(d, GB, back, 64), -EFAULT);
    assert_int_equal(cxf_dev_write(d, GB - 64, line, 64, false), 0);
    assert_int_equal(cxf_dev_write(d, UINT64_MAX - 63, line, 64, false), -EFAULT);
    cxf_dev_destroy(d);
}

static void test_poison_on_data_path(void **state)
{
    (void)state;
    struct cxf_dev *d = make(GB, 0, 0);
    uint8_t buf[4096];
    memset(buf, 0xab, sizeof(buf));
    assert_int_equal(cxf_dev_write(d, 0x2000, buf, 4096, false), 0);
    uint64_t gen = d->generation;
    assert_int_equal(cxf_dev_poison_add(d, 0x2040, CXF_POISON_INJECTED), 0);
    assert_true(d->generation > gen);
    /* the page and the line report poison; the neighbour line does not */
    assert_int_equal(cxf_dev_read(d, 0x2000, buf, 4096), -EHWPOISON);
    assert_int_equal(cxf_dev_read(d, 0x2040, buf, 64), -EHWPOISON);
    assert_int_equal(cxf_dev_read(d, 0x2000, buf, 64), 0);
    assert_int_equal(d->poison_hits, 2);
    /* consuming poison logged failure events */
    assert_int_equal(d->ld[0].log[CXF_LOG_FAIL].count, 2);
    /* a poisoned write marks lines External; a clean write clears */
    assert_int_equal(cxf_dev_write(d, 0x3000, buf, 64, true), 0);
    assert_true(cxf_poison_test(&d->poison, 0x3000, 64));
    assert_int_equal(d->poison.e[d->poison.n - 1].source, CXF_POISON_EXTERNAL);
    assert_int_equal(cxf_dev_write(d, 0x3000, buf, 64, false), 0);
    assert_false(cxf_poison_test(&d->poison, 0x3000, 64));
    assert_int_equal(cxf_dev_write(d, 0x2000, buf, 4096, false), 0);
    assert_int_equal(d->poison.n, 0);
    assert_int_equal(cxf_dev_read(d, 0x2000, buf, 4096), 0);
    cxf_dev_destroy(d);
}

static void test_poison_beyond_the_list_stays_poisoned(void **state)
{
    (void)state;
    struct cxf_dev *d = make(GB, 0, 0);
    struct cxf_sim clock;
    cxf_sim_init(&clock);
    d->clock = &clock;
    d->poison.max_records = 4;
    uint8_t line[64] = {0};
    for (uint64_t i = 0; i < 8; i++) {
        clock.now = 100 + i;
        assert_int_equal(cxf_dev_write(d, i * 4096, line, 64, true), 0);
    }
    assert_int_equal(cxf_dev_poison_add(d, 0, CXF_POISON_INTERNAL), 0); /* duplicate */
    assert_int_equal(d->poison.n, 8);
    assert_int_equal(d->poison.listed, 4);
    assert_true(d->poison.overflow);
    assert_int_equal(d->poison.overflow_ts, 104); /* when the first record was lost */
    /* every poisoned line, listed or not, still reads as poison */
    for (uint64_t i = 0; i < 8; i++)
        assert_int_equal(cxf_dev_read(d, i * 4096, line, 64), -EHWPOISON);
    assert_int_equal(cxf_dev_poison_add(d, GB, CXF_POISON_INTERNAL), -EFAULT);
    for (uint64_t i = 0; i < 8; i++)
        assert_int_equal(cxf_dev_poison_clear(d, i * 64 * 64), 0);
    assert_int_equal(d->poison.n, 0);
    assert_int_equal(d->poison.listed, 0);
    assert_false(d->poison.overflow);
    cxf_dev_destroy(d);
}

static void test_events_name_each_poisoned_line(void **state)
{
    (void)state;
    struct cxf_dev *d = make(GB, 0, 0);
    uint8_t page[4096];
    assert_int_equal(cxf_dev_poison_add(d, 0x2fc0, CXF_POISON_INJECTED), 0);
    assert_int_equal(cxf_dev_poison_add(d, 0x2040, CXF_POISON_INJECTED), 0);
    assert_int_equal(cxf_dev_read(d, 0x2000, page, 4096), -EHWPOISON);
    const struct cxf_event_log *l = &d->ld[0].log[CXF_LOG_FAIL];
    assert_int_equal(l->count, 2);
    assert_int_equal(cxf_get_le64(l->rec[0] + 0x30) & ~63ull, 0x2040);
    assert_int_equal(cxf_get_le64(l->rec[1] + 0x30) & ~63ull, 0x2fc0);
    assert_int_equal(cxf_get_le64(l->rec[1] + 0x30) & 1, 1); /* volatile */
    cxf_dev_destroy(d);
}

static void test_release_drops_data_and_poison(void **state)
{
    (void)state;
    struct cxf_dev *d = make(GB, 0, 0);
    uint8_t page[4096];
    memset(page, 0x42, sizeof(page));
    assert_int_equal(cxf_dev_write(d, 0x10000, page, 4096, false), 0);
    assert_int_equal(cxf_dev_poison_add(d, 0x10040, CXF_POISON_INJECTED), 0);
    uint64_t gen = d->generation;
    assert_int_equal(cxf_dev_release(d, 0x10000, 4096), 0);
    assert_true(d->generation > gen);
    assert_int_equal(cxf_dev_read(d, 0x10000, page, 4096), 0);
    for (int i = 0; i < 4096; i++)
        assert_int_equal(page[i], 0);
    assert_int_equal(cxf_dev_release(d, 0x10001, 4096), -EINVAL);
    cxf_dev_destroy(d);
}

static void test_mld_ranges(void **state)
{
    (void)state;
    struct cxf_dev *d = make(4 * GB, 0, 4);
    assert_true(d->mld);
    assert_int_equal(d->num_lds, 4);
    for (unsigned i = 0; i < 4; i++) {
        assert_int_equal(d->ld[i].range[0].base, i * GB);
        assert_int_equal(cxf_ld_size(&d->ld[i]), GB);
    }
    assert_null(cxf_dev_ld(d, 4));
    uint64_t dpa;
    assert_int_equal(cxf_dev_ld_dpa(d, 2, 0x1000, 4096, &dpa), 0);
    assert_int_equal(dpa, 2 * GB + 0x1000);
    assert_int_equal(cxf_dev_ld_dpa(d, 2, GB - 64, 128, &dpa), -EFAULT);
    assert_int_equal(cxf_dev_ld_dpa(d, 7, 0, 64, &dpa), -EFAULT);

    /* shrink LD 3 to 512 MiB in two ranges; LD 2 cannot take LD 3's memory */
    struct cxf_err e = {{0}};
    struct cxf_dpa_range r[2] = {{3 * GB, 256 * MB}, {3 * GB + 512 * MB, 256 * MB}};
    assert_int_equal(cxf_dev_set_ld_ranges(d, 3, r, &e), 0);
    assert_int_equal(cxf_ld_size(&d->ld[3]), 512 * MB);
    assert_int_equal(cxf_dev_ld_dpa(d, 3, 256 * MB, 64, &dpa), 0);
    assert_int_equal(dpa, 3 * GB + 512 * MB);
    struct cxf_dpa_range bad[2] = {{2 * GB, GB + 256 * MB}, {0, 0}};
    assert_int_equal(cxf_dev_set_ld_ranges(d, 2, bad, &e), -ENOSPC);
    assert_non_null(strstr(e.msg, "overlaps LD 3"));
    struct cxf_dpa_range mis[2] = {{2 * GB + 4096, GB}, {0, 0}};
    assert_int_equal(cxf_dev_set_ld_ranges(d, 2, mis, &e), -EINVAL);
    struct cxf_dpa_range past[2] = {{3 * GB + 768 * MB, 512 * MB}, {0, 0}};
    assert_int_equal(cxf_dev_set_ld_ranges(d, 3, past, &e), -ENOSPC);
    assert_int_equal(cxf_dev_set_ld_ranges(d, 9, r, &e), -ENOENT);
    cxf_dev_destroy(d);
}

static void test_ld_cannot_move_under_decoders(void **state)
{
    (void)state;
    struct cxf_dev *d = make(2 * GB, 0, 2);
    struct cxf_hdm_prog p = {.base = 0, .size = GB, .ways = 1, .granularity = 256};
    assert_int_equal(cxf_hdm_program(&d->ld[0].hdm, 0, &p), 0);
    assert_int_equal(cxf_hdm_commit(&d->ld[0].hdm, 0), 0);
    struct cxf_err e = {{0}};
    /* same size, other place: refused while the host decodes it */
    struct cxf_dpa_range r[2] = {{GB + GB / 2, GB / 4}, {GB + 3 * GB / 4, GB / 4}};
    struct cxf_dpa_range same[2] = {{0, GB / 2}, {GB / 2, GB / 2}};
    assert_int_equal(cxf_dev_set_ld_ranges(d, 0, same, &e), -EBUSY);
    assert_non_null(strstr(e.msg, "committed"));
    /* two ranges of one LD may not overlap */
    struct cxf_dpa_range twice[2] = {{GB, GB / 2}, {GB + GB / 4, GB / 4}};
    assert_int_equal(cxf_dev_set_ld_ranges(d, 1, twice, &e), -EINVAL);
    /* LD 1 (no decoders) may be re-laid out */
    assert_int_equal(cxf_dev_set_ld_ranges(d, 1, r, &e), 0);
    assert_int_equal(cxf_ld_size(&d->ld[1]), GB / 2);
    cxf_dev_destroy(d);
}

static void test_backing_release_and_resident(void **state)
{
    (void)state;
    struct cxf_dev *d = make(GB, 0, 0);
    assert_int_equal(cxf_backing_resident(&d->mem), 0); /* sparse */
    uint8_t page[4096];
    memset(page, 1, sizeof(page));
    for (uint64_t i = 0; i < 64; i++)
        cxf_dev_write(d, i * 4096, page, 4096, false);
    assert_true(cxf_backing_resident(&d->mem) >= 64 * 4096);
    assert_int_equal(cxf_backing_release(&d->mem, 0, 64 * 4096), 0);
    assert_true(cxf_backing_resident(&d->mem) < 64 * 4096);
    assert_int_equal(cxf_dev_read(d, 0, page, 4096), 0);
    for (int i = 0; i < 4096; i++)
        assert_int_equal(page[i], 0);
    assert_int_equal(cxf_backing_release(&d->mem, 100, 4096), -EINVAL);
    assert_int_equal(cxf_backing_release(&d->mem, GB, 4096), -EINVAL);
    cxf_dev_destroy(d);
}

static void test_media_timing(void **state)
{
    (void)state;
    struct cxf_dev_config c;
    cxf_dev_config_default(&c);
    c.timing.read_ns = 50;
    c.timing.write_ns = 20;
    c.timing.bandwidth = 4096ull * 1000000; /* one page per microsecond */
    struct cxf_dev *d = NULL;
    assert_int_equal(cxf_dev_create(&d, &c, NULL), 0);
    /* idle: transfer time + latency */
    assert_int_equal(cxf_dev_media_access(d, 1000, 4096, false), 1000 + 1000 + 50);
    /* back-to-back: the second queues behind the first's transfer */
    assert_int_equal(cxf_dev_media_access(d, 1000, 4096, true), 1000 + 2000 + 20);
    /* later request on an idle medium */
    assert_int_equal(cxf_dev_media_access(d, 10000, 64, false), 10000 + 16 + 50);
    cxf_dev_destroy(d);

    /* zero fields take the calibrated defaults */
    cxf_dev_config_default(&c);
    assert_int_equal(cxf_dev_create(&d, &c, NULL), 0);
    assert_true(d->timing.read_ns > 0 && d->timing.write_ns > 0 && d->timing.bandwidth > 0);
    cxf_dev_destroy(d);
}

static void test_shared_file_backing(void **state)
{
    (void)state;
    char dir[] = "/tmp/cxf-test-pool-XXXXXX", path[64], victim[64], link[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/pool", dir);
    struct cxf_dev_config c;
    cxf_dev_config_default(&c);
    c.volatile_bytes = 256 * MB;
    c.backing_path = path;
    struct cxf_dev *a = NULL, *b = NULL;
    assert_int_equal(cxf_dev_create(&a, &c, NULL), 0);
    assert_int_equal(cxf_dev_create(&b, &c, NULL), 0);
    assert_true(a->mem.shared_file);
    uint8_t line[64];
    memset(line, 0x77, sizeof(line));
    assert_int_equal(cxf_dev_write(a, 0x100, line, 64, false), 0);
    uint8_t back[64];
    assert_int_equal(cxf_dev_read(b, 0x100, back, 64), 0); /* the other view sees it */
    assert_memory_equal(back, line, 64);
    cxf_dev_destroy(a);
    cxf_dev_destroy(b);
    /* an existing short file is never grown, links and devices are refused */
    snprintf(victim, sizeof(victim), "%s/victim", dir);
    FILE *v = fopen(victim, "w");
    fputs("precious\n", v);
    fclose(v);
    struct cxf_err e = {{0}};
    c.backing_path = victim;
    assert_int_equal(cxf_dev_create(&a, &c, &e), -EFBIG);
    assert_non_null(strstr(e.msg, "never resized"));
    struct stat st;
    assert_int_equal(stat(victim, &st), 0);
    assert_int_equal(st.st_size, 9);
    snprintf(link, sizeof(link), "%s/link", dir);
    assert_int_equal(symlink(path, link), 0);
    c.backing_path = link;
    assert_int_equal(cxf_dev_create(&a, &c, &e), -EINVAL);
    c.backing_path = "/dev/null";
    assert_int_equal(cxf_dev_create(&a, &c, &e), -EINVAL);
    unlink(link);
    unlink(victim);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_errors),
        cmocka_unit_test(test_line_and_page_io),
        cmocka_unit_test(test_poison_on_data_path),
        cmocka_unit_test(test_poison_beyond_the_list_stays_poisoned),
        cmocka_unit_test(test_events_name_each_poisoned_line),
        cmocka_unit_test(test_release_drops_data_and_poison),
        cmocka_unit_test(test_ld_cannot_move_under_decoders),
        cmocka_unit_test(test_mld_ranges),
        cmocka_unit_test(test_backing_release_and_resident),
        cmocka_unit_test(test_media_timing),
        cmocka_unit_test(test_shared_file_backing),
    };
    return cmocka_run_group_tests_name("device", tests, NULL, NULL);
}
