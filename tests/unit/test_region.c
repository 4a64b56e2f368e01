/* The region helper: decoder programming along the whole path, automatic
 * target order, persistent regions, and every refusal. */
#include "cmocka_all.h"
#include "fabric_fixture.h"

#include <errno.h>

static int try_region(struct cxf_fabric *f, unsigned host, const char *const *devs,
                      const unsigned *lds, unsigned n, uint64_t gran, uint64_t size,
                      bool persistent, struct cxf_err *e)
{
    struct cxf_region_req req = {.host = host, .persistent = persistent, .ntargets = n,
                                 .granularity = gran, .size = size};
    for (unsigned i = 0; i < n; i++) {
        req.target[i].dev = devs[i];
        req.target[i].ld = lds ? lds[i] : 0;
    }
    struct cxf_region *r;
    return cxf_region_create(f, &req, &r, e);
}

static void expect_refusal(struct cxf_fabric *f, unsigned host, const char *const *devs,
                           const unsigned *lds, unsigned n, uint64_t gran, uint64_t size,
                           bool persistent, int rc, const char *needle)
{
    struct cxf_err e = {{0}};
    uint64_t gen = f->generation;
    assert_int_equal(try_region(f, host, devs, lds, n, gran, size, persistent, &e), rc);
    assert_non_null(strstr(e.msg, needle));
    assert_int_equal(f->generation, gen); /* nothing was committed */
}

static void test_decoders_programmed_like_linux(void **state)
{
    (void)state;
    struct cxf_fabric *f = fx_switch_fabric(256);
    const char *devs[] = {"d0", "d1", "d4", "d5"};
    struct cxf_region *r = fx_region(f, 0, devs, NULL, 4, 256, FX_GB, false);
    assert_int_equal(r->base, FX_WINDOW_BASE);
    assert_int_equal(r->size, FX_GB);
    /* host bridge: 2 ways over the root ports at the region granularity */
    const struct cxf_hdm_decoder *hb = &f->host[0].hb[0].hdm.dec[0];
    assert_true(hb->committed);
    assert_int_equal(hb->prog.ways, 2);
    assert_int_equal(hb->prog.granularity, 256);
    assert_int_equal(hb->prog.targets[0], 0);
    assert_int_equal(hb->prog.targets[1], 1);
    /* each USP: 2 ways over its vPPBs, granularity x2 (the bits above) */
    for (unsigned v = 0; v < 2; v++) {
        const struct cxf_hdm_decoder *u = &f->vcs[v].hdm.dec[0];
        assert_true(u->committed);
        assert_int_equal(u->prog.ways, 2);
        assert_int_equal(u->prog.granularity, 512);
        assert_int_equal(u->prog.targets[0], 0);
        assert_int_equal(u->prog.targets[1], 1);
    }
    /* endpoints: total ways, region granularity, their positions */
    static const unsigned pos[] = {0, 2, 1, 3}; /* d0 d1 d4 d5 */
    for (unsigned i = 0; i < 4; i++) {
        const struct cxf_dev *d = f->dev[cxf_fabric_dev_by_name(f, devs[i])];
        const struct cxf_hdm_decoder *ep = &d->ld[0].hdm.dec[0];
        assert_true(ep->committed);
        assert_int_equal(ep->prog.ways, 4);
        assert_int_equal(ep->prog.granularity, 256);
        assert_int_equal(ep->prog.position, pos[i]);
        assert_int_equal(ep->dpa_size, 256 * FX_MB);
        assert_ptr_equal(r->target[pos[i]].dev, d);
    }
    cxf_fabric_free(f);
}

static void test_persistent_region_skips_to_partition(void **state)
{
    (void)state;
    struct cxf_fabric *f = fx_switch_fabric(256);
    const char *devs[] = {"d0", "d1"};
    fx_region(f, 0, devs, NULL, 2, 4096, 512 * FX_MB, false);
    struct cxf_region *p = fx_region(f, 0, devs, NULL, 2, 4096, 0, true);
    assert_int_equal(p->size, 512 * FX_MB); /* 256 MiB persistent each */
    assert_true(p->persistent);
    const struct cxf_hdm_decoder *ep = &f->dev[0]->ld[0].hdm.dec[1];
    assert_int_equal(ep->prog.dpa_skip, 512 * FX_MB);
    assert_int_equal(ep->dpa_base, 768 * FX_MB);
    struct cxf_route rt;
    assert_int_equal(cxf_fabric_route(f, 0, p->base, &rt), 0);
    assert_int_equal(rt.dpa, 768 * FX_MB);
    /* the volatile partition is now full */
    expect_refusal(f, 0, devs, NULL, 2, 4096, 0, false, -ENOSPC, "no capacity");
    cxf_fabric_free(f);
}

static void test_refusals(void **state)
{
    (void)state;
    struct cxf_fabric *f = fx_switch_fabric(256);
    const char *uneven[] = {"d0", "d1", "d4"};
    expect_refusal(f, 0, uneven, NULL, 3, 256, 0, false, -EINVAL, "unevenly");
    const char *three[] = {"d0", "d1", "d2"};
    expect_refusal(f, 0, three, NULL, 3, 256, 0, false, -EINVAL, "impossible interleave");
    const char *twice[] = {"d0", "d0"};
    expect_refusal(f, 0, twice, NULL, 2, 256, 0, false, -EINVAL, "listed twice");
    const char *ghost[] = {"d0", "zz"};
    expect_refusal(f, 0, ghost, NULL, 2, 256, 0, false, -ENOENT, "no device 'zz'");
    const char *two[] = {"d0", "d1"};
    expect_refusal(f, 0, two, NULL, 2, 300, 0, false, -EINVAL, "granularity");
    expect_refusal(f, 0, two, NULL, 2, 256, 768 * FX_MB, false, -EINVAL, "multiple of 2");
    expect_refusal(f, 0, two, NULL, 2, 256, 4 * FX_GB, false, -ENOSPC, "exceeds");
    unsigned bad_ld[] = {0, 3};
    expect_refusal(f, 0, two, bad_ld, 2, 256, 0, false, -ENOENT, "no LD 3");
    expect_refusal(f, 0, two, NULL, 0, 256, 0, false, -EINVAL, "1 to 16 targets");
    expect_refusal(f, 5, two, NULL, 2, 256, 0, false, -ENOENT, "no host");
    cxf_fabric_free(f);

    f = fx_two_nodes();
    const char *pool[] = {"pool"};
    unsigned ld1[] = {1};
    /* LD 1 belongs to n1, not n0 */
    expect_refusal(f, 0, pool, ld1, 1, 4096, 0, false, -ENXIO, "not bound to host n0");
    /* n0's window takes volatile memory only */
    expect_refusal(f, 0, pool, NULL, 1, 4096, 0, true, -ENOENT, "no window for persistent");
    struct cxf_region_req req = {.host = 0, .window = "nosuch", .ntargets = 1};
    req.target[0].dev = "pool";
    struct cxf_err e;
    struct cxf_region *r;
    assert_int_equal(cxf_region_create(f, &req, &r, &e), -ENOENT);
    assert_non_null(strstr(e.msg, "no window 'nosuch'"));
    cxf_fabric_free(f);
}

static void test_destroy_in_reverse_order(void **state)
{
    (void)state;
    struct cxf_fabric *f = fx_switch_fabric(256);
    const char *devs[] = {"d0", "d4"};
    struct cxf_region *a = fx_region(f, 0, devs, NULL, 2, 256, 512 * FX_MB, false);
    struct cxf_region *b = fx_region(f, 0, devs, NULL, 2, 256, 512 * FX_MB, false);
    assert_true(b->base >= a->base + a->size);
    struct cxf_err e;
    assert_int_equal(cxf_region_destroy(f, a, &e), -EBUSY);
    assert_non_null(strstr(e.msg, "created after it"));
    struct cxf_route rt;
    uint64_t a_base = a->base;
    assert_int_equal(cxf_fabric_route(f, 0, a_base, &rt), 0);
    uint64_t gen = f->generation;
    assert_int_equal(cxf_region_destroy(f, b, &e), 0);
    assert_int_equal(cxf_region_destroy(f, a, &e), 0);
    assert_true(f->generation > gen);
    assert_int_equal(cxf_fabric_route(f, 0, a_base, &rt), -ENOENT);
    assert_int_equal(cxf_hdm_committed_count(&f->host[0].hb[0].hdm), 0);
    assert_int_equal(cxf_hdm_committed_count(&f->vcs[0].hdm), 0);
    assert_int_equal(cxf_hdm_committed_count(&f->dev[0]->ld[0].hdm), 0);
    /* the space is free again */
    a = fx_region(f, 0, devs, NULL, 2, 256, 512 * FX_MB, false);
    assert_int_equal(a->base, a_base);
    cxf_fabric_free(f);
}

/* Unbinding an LD makes its regions' targets stale: they answer nothing
 * and destroying the stale region cannot touch the decoder the LD's next
 * host committed at the same index. */
static void test_stale_region_after_rebind(void **state)
{
    (void)state;
    struct cxf_fabric *f = fx_two_nodes();
    const char *pool[] = {"pool"};
    struct cxf_region *old = fx_region(f, 0, pool, NULL, 1, 4096, 0, false);
    uint64_t hpa;
    assert_int_equal(cxf_region_hpa(f, 0, f->dev[0], 0, &hpa), 0);
    /* LD 0 moves from n0 to n1 */
    assert_int_equal(cxf_fabric_unbind(f, 0, 0), CXF_RC_SUCCESS);
    assert_int_equal(cxf_region_hpa(f, 0, f->dev[0], 0, &hpa), -ENOENT);
    assert_int_equal(cxf_fabric_bind(f, 1, 1, 2, 0), CXF_RC_SUCCESS);
    unsigned ld0[] = {0};
    struct cxf_region *fresh = fx_region(f, 1, pool, ld0, 1, 4096, 0, false);
    struct cxf_route rt;
    assert_int_equal(cxf_fabric_route(f, 1, fresh->base, &rt), 0);
    struct cxf_err e;
    assert_int_equal(cxf_region_destroy(f, old, &e), 0);
    /* n1's region still routes */
    assert_int_equal(cxf_fabric_route(f, 1, fresh->base, &rt), 0);
    assert_int_equal(rt.dpa, 0);
    assert_int_equal(cxf_region_hpa(f, 1, f->dev[0], 0, &hpa), 0);
    assert_int_equal(hpa, fresh->base);
    cxf_fabric_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decoders_programmed_like_linux),
        cmocka_unit_test(test_persistent_region_skips_to_partition),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_destroy_in_reverse_order),
        cmocka_unit_test(test_stale_region_after_rebind),
    };
    return cmocka_run_group_tests_name("region", tests, NULL, NULL);
}
