/* HDM decoder rules: every commit check, lock, order, reset, decode. */
#include "cmocka_all.h"
#include "cxl-dev/cxldev.h"

#include <errno.h>

#define GB (1ull << 30)

static struct cxf_hdm_prog dev_prog(uint64_t base, uint64_t size, unsigned ways)
{
    struct cxf_hdm_prog p = {.base = base, .size = size, .ways = ways, .granularity = 256};
    return p;
}

/* Program idx and try to commit; return commit's result. */
static int commit(struct cxf_hdm *h, unsigned idx, struct cxf_hdm_prog p)
{
    assert_int_equal(cxf_hdm_program(h, idx, &p), 0);
    return cxf_hdm_commit(h, idx);
}

static void expect_fail(struct cxf_hdm *h, unsigned idx, struct cxf_hdm_prog p,
                        enum cxf_hdm_error why)
{
    assert_int_equal(commit(h, idx, p), -EINVAL);
    assert_true(h->dec[idx].error_not_committed);
    assert_false(h->dec[idx].committed);
    assert_int_equal(h->dec[idx].err, why);
    assert_non_null(cxf_hdm_strerror(why));
}

static void test_init_validates_counts(void **state)
{
    (void)state;
    struct cxf_hdm h;
    assert_int_equal(cxf_hdm_init(&h, CXF_HDM_DEVICE, 3, 0, GB), -EINVAL);
    assert_int_equal(cxf_hdm_init(&h, CXF_HDM_DEVICE, 12, 0, GB), -EINVAL); /* devices <= 10 */
    assert_int_equal(cxf_hdm_init(&h, CXF_HDM_DEVICE, 10, 0, GB), 0);
    assert_int_equal(cxf_hdm_init(&h, CXF_HDM_PORT, 32, 8, 0), 0);
    assert_int_equal(cxf_hdm_init(&h, CXF_HDM_PORT, 4, 3, 0), -EINVAL); /* target count */
    assert_int_equal(cxf_hdm_init(&h, CXF_HDM_DEVICE, 0, 0, GB), -EINVAL);
}

static void test_commit_rules_device(void **state)
{
    (void)state;
    struct cxf_hdm h;
    assert_int_equal(cxf_hdm_init(&h, CXF_HDM_DEVICE, 4, 0, 4 * GB), 0);

    /* in order: decoder 1 before decoder 0 */
    expect_fail(&h, 1, dev_prog(8 * GB, GB, 1), CXF_HDM_E_ORDER);
    /* alignment */
    expect_fail(&h, 0, dev_prog(8 * GB + 4096, GB, 1), CXF_HDM_E_ALIGN);
    expect_fail(&h, 0, dev_prog(8 * GB, GB + (128ull << 20), 1), CXF_HDM_E_ALIGN);
    /* wraparound */
    expect_fail(&h, 0, dev_prog(0xFFFFFFFFF0000000ull, GB, 1), CXF_HDM_E_WRAP);
    /* unsupported ways and granularity */
    expect_fail(&h, 0, dev_prog(8 * GB, GB, 5), CXF_HDM_E_WAYS);
    struct cxf_hdm_prog p = dev_prog(8 * GB, GB, 1);
    p.granularity = 32768;
    expect_fail(&h, 0, p, CXF_HDM_E_GRANULARITY);
    p.granularity = 384;
    expect_fail(&h, 0, p, CXF_HDM_E_GRANULARITY);
    /* 3-way size must be a multiple of 3 x 256 MB */
    expect_fail(&h, 0, dev_prog(8 * GB, GB, 3), CXF_HDM_E_SIZE_WAYS);
    /* position below the way count */
    p = dev_prog(8 * GB, 2 * GB, 2);
    p.position = 2;
    expect_fail(&h, 0, p, CXF_HDM_E_POSITION);
    /* DPA: size/ways beyond capacity, skip misaligned */
    expect_fail(&h, 0, dev_prog(8 * GB, 8 * GB, 1), CXF_HDM_E_DPA_RANGE);
    p = dev_prog(8 * GB, GB, 1);
    p.dpa_skip = 4096;
    expect_fail(&h, 0, p, CXF_HDM_E_ALIGN);
    p.dpa_skip = 3 * GB + CXF_CAP_UNIT * 3; /* 3.75 GB + 1 GB > 4 GB */
    expect_fail(&h, 0, p, CXF_HDM_E_DPA_RANGE);

    /* a good decoder 0, then an overlapping decoder 1 */
    uint64_t gen = h.generation;
    assert_int_equal(commit(&h, 0, dev_prog(8 * GB, 2 * GB, 2)), 0);
    assert_true(h.generation > gen);
    assert_false(h.dec[0].error_not_committed);
    assert_int_equal(h.dec[0].dpa_base, 0);
    assert_int_equal(h.dec[0].dpa_size, GB);
    expect_fail(&h, 1, dev_prog(9 * GB, GB, 1), CXF_HDM_E_HPA_ORDER);
    /* decoder 1 above decoder 0, DPA continues after decoder 0 plus skip */
    p = dev_prog(12 * GB, GB, 1);
    p.dpa_skip = GB;
    assert_int_equal(commit(&h, 1, p), 0);
    assert_int_equal(h.dec[1].dpa_base, 2 * GB);
    assert_int_equal(cxf_hdm_committed_count(&h), 2);

    /* committed decoders refuse reprogramming and a second commit */
    p = dev_prog(20 * GB, GB, 1);
    assert_int_equal(cxf_hdm_program(&h, 1, &p), -EBUSY);
    assert_int_equal(cxf_hdm_commit(&h, 1), -EBUSY);
    /* 3 GB of 4 used: another 2 GB does not fit */
    expect_fail(&h, 2, dev_prog(16 * GB, 2 * GB, 1), CXF_HDM_E_DPA_RANGE);
    assert_int_equal(cxf_hdm_program(&h, 9, &p), -ENOENT);
    assert_int_equal(cxf_hdm_commit(&h, 9), -ENOENT);
}

static void test_commit_rules_port(void **state)
{
    (void)state;
    struct cxf_hdm h;
    assert_int_equal(cxf_hdm_init(&h, CXF_HDM_PORT, 2, 4, 0), 0);
    struct cxf_hdm_prog p = dev_prog(4 * GB, 4 * GB, 4);
    p.targets[0] = 1, p.targets[1] = 2, p.targets[2] = 2, p.targets[3] = 3;
    expect_fail(&h, 0, p, CXF_HDM_E_TARGETS);
    p.targets[2] = 7;
    /* host bridges / USPs: no 3/6/12 or 16-way, and at most Target Count ways */
    expect_fail(&h, 0, dev_prog(4 * GB, 3 * GB, 3), CXF_HDM_E_WAYS);
    expect_fail(&h, 0, dev_prog(4 * GB, 4 * GB, 8), CXF_HDM_E_WAYS);
    assert_int_equal(commit(&h, 0, p), 0);
    struct cxf_hdm_hit hit;
    assert_int_equal(cxf_hdm_decode(&h, 4 * GB + 0x200, &hit), 0);
    assert_int_equal(hit.position, 2);
    assert_int_equal(hit.target, 7);
    assert_int_equal(cxf_hdm_decode(&h, 4 * GB + 0x300, &hit), 0);
    assert_int_equal(hit.target, 3);
    assert_int_equal(cxf_hdm_decode(&h, 8 * GB, &hit), -ENOENT);
}

static void test_more_commit_rules(void **state)
{
    (void)state;
    struct cxf_hdm h;
    assert_int_equal(cxf_hdm_init(&h, CXF_HDM_DEVICE, 2, 0, 64 * GB), 0);
    /* 6- and 12-way sizes: multiples of 3 x 256 MB; bases of ways x 256 MB */
    expect_fail(&h, 0, dev_prog(0, 2 * GB, 6), CXF_HDM_E_SIZE_WAYS);
    expect_fail(&h, 0, dev_prog(0, 4 * GB, 12), CXF_HDM_E_SIZE_WAYS);
    expect_fail(&h, 0, dev_prog(GB / 4, 3 * GB / 4, 3), CXF_HDM_E_BASE_WAYS);
    expect_fail(&h, 0, dev_prog(3 * GB / 4, 3 * GB, 12), CXF_HDM_E_BASE_WAYS);
    /* HPA bit 52 and above are not decoded */
    expect_fail(&h, 0, dev_prog((1ull << 52) - GB / 4, GB, 1), CXF_HDM_E_WRAP);
    /* after a failed commit, reprogramming clears Error Not Committed */
    struct cxf_hdm_prog ok = dev_prog(3 * GB, 3 * GB, 12);
    assert_int_equal(cxf_hdm_program(&h, 0, &ok), 0);
    assert_false(h.dec[0].error_not_committed);
    assert_int_equal(h.dec[0].err, CXF_HDM_OK);
    assert_int_equal(cxf_hdm_commit(&h, 0), 0);
    assert_int_equal(h.dec[0].dpa_size, GB / 4);
    /* refusals on a committed decoder say why */
    assert_int_equal(cxf_hdm_program(&h, 0, &ok), -EBUSY);
    assert_int_equal(h.dec[0].err, CXF_HDM_E_COMMITTED);
    assert_int_equal(cxf_hdm_uncommit(&h, 7), -ENOENT);

    /* port decoders: 1, 2, 4 or 8 ways within Target Count, distinct targets */
    struct cxf_hdm p2, p8;
    assert_int_equal(cxf_hdm_init(&p2, CXF_HDM_PORT, 1, 2, 0), 0);
    assert_int_equal(cxf_hdm_init(&p8, CXF_HDM_PORT, 1, 8, 0), 0);
    expect_fail(&p2, 0, dev_prog(0, 4 * GB, 4), CXF_HDM_E_WAYS);
    expect_fail(&p8, 0, dev_prog(0, 16 * GB, 16), CXF_HDM_E_WAYS);
    expect_fail(&p8, 0, dev_prog(0, 6 * GB, 6), CXF_HDM_E_WAYS);
    struct cxf_hdm_prog t2 = dev_prog(0, 2 * GB, 2);
    t2.targets[0] = t2.targets[1] = 3;
    expect_fail(&p2, 0, t2, CXF_HDM_E_TARGETS);
    struct cxf_hdm_prog t8 = dev_prog(0, 8 * GB, 8);
    for (unsigned i = 0; i < 8; i++)
        t8.targets[i] = (uint8_t)i;
    t8.targets[7] = 0;
    expect_fail(&p8, 0, t8, CXF_HDM_E_TARGETS);
    t8.targets[7] = 7;
    assert_int_equal(commit(&p8, 0, t8), 0);
}

static void test_lock_on_decoder_one(void **state)
{
    (void)state;
    struct cxf_hdm h;
    assert_int_equal(cxf_hdm_init(&h, CXF_HDM_DEVICE, 2, 0, 4 * GB), 0);
    assert_int_equal(commit(&h, 0, dev_prog(0, GB, 1)), 0);
    struct cxf_hdm_prog p = dev_prog(GB, GB, 1);
    p.lock_on_commit = true;
    assert_int_equal(commit(&h, 1, p), 0);
    assert_false(h.dec[0].locked);
    assert_int_equal(cxf_hdm_uncommit(&h, 1), -EPERM);
    assert_int_equal(h.dec[1].err, CXF_HDM_E_LOCKED);
    /* decoder 0 is not locked, but held by the order rule */
    assert_int_equal(cxf_hdm_uncommit(&h, 0), -EINVAL);
    assert_int_equal(h.dec[0].err, CXF_HDM_E_ORDER);
}

static void test_lock_on_commit(void **state)
{
    (void)state;
    struct cxf_hdm h;
    assert_int_equal(cxf_hdm_init(&h, CXF_HDM_DEVICE, 2, 0, 4 * GB), 0);
    struct cxf_hdm_prog p = dev_prog(0, GB, 1);
    p.lock_on_commit = true;
    assert_int_equal(commit(&h, 0, p), 0);
    assert_true(h.dec[0].locked);
    assert_int_equal(cxf_hdm_program(&h, 0, &p), -EPERM);
    assert_int_equal(cxf_hdm_commit(&h, 0), -EPERM);
    assert_int_equal(cxf_hdm_uncommit(&h, 0), -EPERM);
    /* reset unlocks and clears */
    uint64_t gen = h.generation;
    cxf_hdm_reset(&h);
    assert_true(h.generation > gen);
    assert_false(h.dec[0].locked);
    assert_false(h.dec[0].committed);
    assert_int_equal(commit(&h, 0, dev_prog(0, GB, 1)), 0);
}

static void test_uncommit_order(void **state)
{
    (void)state;
    struct cxf_hdm h;
    assert_int_equal(cxf_hdm_init(&h, CXF_HDM_DEVICE, 2, 0, 4 * GB), 0);
    assert_int_equal(commit(&h, 0, dev_prog(0, GB, 1)), 0);
    assert_int_equal(commit(&h, 1, dev_prog(GB, GB, 1)), 0);
    assert_int_equal(cxf_hdm_uncommit(&h, 0), -EINVAL); /* 1 is still committed */
    assert_int_equal(h.dec[0].err, CXF_HDM_E_ORDER);
    assert_true(h.dec[0].committed);
    assert_int_equal(cxf_hdm_uncommit(&h, 1), 0);
    assert_int_equal(cxf_hdm_uncommit(&h, 1), -EINVAL);
    assert_int_equal(h.dec[1].err, CXF_HDM_E_NOT_COMMITTED);
    assert_int_equal(cxf_hdm_uncommit(&h, 0), 0);
    struct cxf_hdm_hit hit;
    assert_int_equal(cxf_hdm_decode(&h, 0, &hit), -ENOENT);
    /* after uncommit the decoder can be reprogrammed */
    assert_int_equal(commit(&h, 0, dev_prog(2 * GB, GB, 1)), 0);
}

/* The spec's device-decode example (CXL 3.0 8.2.4.19.13): decoder 0 maps
 * 32 GB at 32 GB, decoder 1 4 GB at 128 GB, both 8-way at 512 B. DPABase[1] =
 * 32 GB / 8 = 4 GB, and HPA 129 GB + 1028 goes to DPA 4 GB + 0x0800_0004. */
static void test_spec_example(void **state)
{
    (void)state;
    struct cxf_hdm h;
    assert_int_equal(cxf_hdm_init(&h, CXF_HDM_DEVICE, 2, 0, 16 * GB), 0);
    struct cxf_hdm_prog p0 = {.base = 32 * GB, .size = 32 * GB, .ways = 8, .granularity = 512,
                              .position = 2};
    struct cxf_hdm_prog p1 = p0;
    p1.base = 128 * GB;
    p1.size = 4 * GB;
    assert_int_equal(commit(&h, 0, p0), 0);
    assert_int_equal(commit(&h, 1, p1), 0);
    assert_int_equal(h.dec[1].dpa_base, 4 * GB);
    struct cxf_hdm_hit hit;
    assert_int_equal(cxf_hdm_decode(&h, 129 * GB + 1028, &hit), 0);
    assert_int_equal(hit.decoder, 1);
    assert_int_equal(hit.position, 2);
    assert_int_equal(hit.dpa, 4 * GB + 0x08000004ull);
    /* the neighbouring granule belongs to position 3 */
    assert_int_equal(cxf_hdm_decode(&h, 129 * GB + 1028 + 512, &hit), -EXDEV);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_validates_counts),
        cmocka_unit_test(test_commit_rules_device),
        cmocka_unit_test(test_commit_rules_port),
        cmocka_unit_test(test_more_commit_rules),
        cmocka_unit_test(test_lock_on_decoder_one),
        cmocka_unit_test(test_lock_on_commit),
        cmocka_unit_test(test_uncommit_order),
        cmocka_unit_test(test_spec_example),
    };
    return cmocka_run_group_tests_name("hdm", tests, NULL, NULL);
}
