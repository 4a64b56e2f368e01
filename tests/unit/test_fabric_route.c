/* Routing through the fabric: every granule of 2-, 4- and 8-way regions
 * across host bridge and switch levels reaches the right device and DPA;
 * patterns written through the fabric land in each device's backing memory;
 * bridge forwarding between nodes on real bytes; routing errors. */
#include "cmocka_all.h"
#include "fabric_fixture.h"

#include <errno.h>
#include <stdlib.h>

static const char *const all_devs[] = {"d0", "d4", "d1", "d5", "d2", "d6", "d3", "d7"};

/* Route every granule of the region (at its first and a random byte) and
 * check device, DPA and that every device DPA of the region is hit once. */
static void check_every_granule(struct cxf_fabric *f, const struct cxf_region *r)
{
    uint64_t per_dev = r->size / r->ways, granules = per_dev / r->granularity;
    uint8_t *seen[16];
    for (unsigned p = 0; p < r->ways; p++)
        seen[p] = calloc(granules, 1);
    struct cxf_rng rng;
    cxf_rng_seed(&rng, r->ways, r->granularity);
    for (uint64_t off = 0; off < r->size; off += r->granularity) {
        uint64_t g = off / r->granularity, in = cxf_rng_below(&rng, r->granularity) & ~7ull;
        unsigned pos = (unsigned)(g % r->ways);
        const struct cxf_region_target *t = &r->target[pos];
        uint64_t dpa_base = t->dev->ld[t->ld].hdm.dec[t->decoder].dpa_base;
        struct cxf_route rt;
        assert_int_equal(cxf_fabric_route(f, r->host, r->base + off + in, &rt), 0);
        assert_int_equal(rt.kind, CXF_TGT_DEVICE);
        assert_ptr_equal(rt.dev, t->dev);
        assert_int_equal(rt.dpa, dpa_base + (g / r->ways) * r->granularity + in);
        assert_int_equal(rt.contiguous, r->granularity - in);
        assert_int_equal(rt.path->nlinks, 2);
        uint64_t slot = (rt.dpa - dpa_base) / r->granularity;
        assert_int_equal(seen[pos][slot], 0);
        seen[pos][slot] = 1;
    }
    for (unsigned p = 0; p < r->ways; p++) {
        for (uint64_t s = 0; s < granules; s++)
            assert_int_equal(seen[p][s], 1);
        free(seen[p]);
    }
}

/* A region of host 0 over `devs` (n ways) whose targets come out in
 * interleave-position order `order`, with every granule routed right. */
static void check_region(struct cxf_fabric *f, const char *const *devs, unsigned n,
                         uint64_t granularity, uint64_t size, const char *const *order)
{
    struct cxf_region *r = fx_region(f, 0, devs, NULL, n, granularity, size, false);
    assert_int_equal(r->ways, n);
    for (unsigned p = 0; p < n; p++)
        assert_string_equal(r->target[p].dev->name, order[p]);
    check_every_granule(f, r);
}

static void test_every_granule_2_4_8_way(void **state)
{
    (void)state;
    struct cxf_fabric *f = fx_switch_fabric(256);
    /* 2-way across the host bridge's two root ports */
    const char *hb2[] = {"d0", "d4"};
    check_region(f, hb2, 2, 256, 512 * FX_MB, hb2);
    /* 2-way across two vPPBs of one switch (USP level) */
    const char *usp2[] = {"d1", "d2"};
    check_region(f, usp2, 2, 512, 512 * FX_MB, usp2);
    /* 4-way: two root ports x two vPPBs each; position = rp rank + 2 x vPPB rank */
    const char *four[] = {"d3", "d7", "d2", "d6"};
    const char *four_order[] = {"d2", "d6", "d3", "d7"};
    check_region(f, four, 4, 1024, FX_GB, four_order);
    cxf_fabric_free(f);

    /* 8-way over all devices */
    f = fx_switch_fabric(256);
    check_region(f, all_devs, 8, 1024, 2 * FX_GB, all_devs);
    cxf_fabric_free(f);
}

/* Window-level interleave: the window picks the host bridge, then root
 * ports and vPPBs below it; every granule still lands on exactly one
 * (device, DPA). */
static void test_every_granule_window_interleave(void **state)
{
    (void)state;
    /* W = 2: two host bridges, one root port each; bridge 0 is position 0 */
    struct cxf_fabric *f = fx_multi_hb_fabric(2, 1, 256);
    const char *w2[] = {"d2", "d0"}, *w2_order[] = {"d0", "d2"};
    check_region(f, w2, 2, 256, 512 * FX_MB, w2_order);
    cxf_fabric_free(f);
    /* W = 2 x H = 2 root ports x D = 2 vPPBs: 8 ways, position = i + 2 (j + 2 k) */
    f = fx_multi_hb_fabric(2, 2, 256);
    const char *w8[] = {"d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7"};
    const char *w8_order[] = {"d0", "d4", "d2", "d6", "d1", "d5", "d3", "d7"};
    check_region(f, w8, 8, 256, 2 * FX_GB, w8_order);
    cxf_fabric_free(f);
}

/* A 3-way window (modulo-3 host bridge choice) over three host bridges,
 * twice: the second region follows the first, on each VCS's other device. */
static void test_every_granule_3_way_window(void **state)
{
    (void)state;
    struct cxf_fabric *f = fx_multi_hb_fabric(3, 1, 1024);
    const char *w3[] = {"d4", "d0", "d2"}, *w3_order[] = {"d0", "d2", "d4"};
    check_region(f, w3, 3, 1024, 3 * 256 * FX_MB, w3_order);
    const char *again[] = {"d1", "d3", "d5"};
    check_region(f, again, 3, 1024, 3 * 256 * FX_MB, again);
    cxf_fabric_free(f);
}

/* Every 8-byte word holds its own HPA, salted. */
static void fill_pattern(uint64_t *w, uint64_t hpa, size_t len, uint64_t salt)
{
    for (size_t i = 0; i < len / 8; i++)
        w[i] = (hpa + 8 * i) ^ salt;
}

/* Where does HPA x of the region live? Independent of the fabric's route. */
static const uint8_t *backing_of(const struct cxf_region *r, uint64_t hpa)
{
    uint64_t off = hpa - r->base, g = off / r->granularity;
    const struct cxf_region_target *t = &r->target[g % r->ways];
    uint64_t dpa = t->dev->ld[t->ld].hdm.dec[t->decoder].dpa_base +
                   cxf_il_dpa_offset(off, r->ways, r->granularity);
    return t->dev->mem.base + dpa; /* SLDs: LD-relative DPA is device DPA */
}

static void check_pattern(struct cxf_fabric *f, const struct cxf_region *r, uint64_t page,
                          uint64_t salt)
{
    uint64_t buf[512], back[512];
    uint64_t hpa = r->base + page * CXF_PAGE_SIZE;
    fill_pattern(buf, hpa, sizeof(buf), salt);
    struct cxf_xact x = {.op = CXF_M2S_MEMWR, .hpa = hpa, .len = 4096, .data = buf};
    assert_int_equal(cxf_fabric_mem(f, r->host, &x, 0), 0);
    assert_int_equal(x.resp, CXF_S2M_NDR_CMP);
    for (uint64_t o = 0; o < CXF_PAGE_SIZE; o += 8) {
        uint64_t v;
        memcpy(&v, backing_of(r, hpa + o), 8);
        assert_true(v == ((hpa + o) ^ salt));
    }
    x = (struct cxf_xact){.op = CXF_M2S_MEMRD, .hpa = hpa, .len = 4096, .data = back};
    assert_int_equal(cxf_fabric_mem(f, r->host, &x, 0), 0);
    assert_int_equal(x.resp, CXF_S2M_DRS_MEMDATA);
    assert_memory_equal(back, buf, sizeof(buf));
}

static void test_patterns_land_in_device_backing(void **state)
{
    (void)state;
    struct cxf_fabric *f = fx_switch_fabric(256);
    const char *four[] = {"d0", "d4", "d1", "d5"};
    struct cxf_region *r = fx_region(f, 0, four, NULL, 4, 256, FX_GB, false);
    uint64_t pages = r->size / CXF_PAGE_SIZE;
    struct cxf_rng rng;
    cxf_rng_seed(&rng, 77, 0);
    /* the reverse map agrees with routing for every target */
    for (unsigned t = 0; t < 4; t++) {
        struct cxf_route rt;
        uint64_t hpa, dpa = r->target[t].dev->ld[0].hdm.dec[0].dpa_base + 5 * 256 + 8;
        assert_int_equal(cxf_region_hpa(f, 0, r->target[t].dev, dpa, &hpa), 0);
        assert_int_equal(cxf_fabric_route(f, 0, hpa, &rt), 0);
        assert_ptr_equal(rt.dev, r->target[t].dev);
        assert_int_equal(rt.dpa, dpa);
    }
    uint64_t none;
    assert_int_equal(cxf_region_hpa(f, 0, r->target[0].dev, 900 * FX_MB, &none), -ENOENT);
    for (uint64_t p = 0; p < 16; p++) {
        check_pattern(f, r, p, 0x1111);
        check_pattern(f, r, pages - 1 - p, 0x2222);
    }
    for (int i = 0; i < 500; i++)
        check_pattern(f, r, cxf_rng_below(&rng, pages), 0x3333 + (uint64_t)i);
    /* a single line */
    uint64_t line[8], hpa = r->base + 5 * 256 + 64;
    fill_pattern(line, hpa, 64, 9);
    struct cxf_xact x = {.op = CXF_M2S_MEMWR, .hpa = hpa, .len = 64, .data = line};
    assert_int_equal(cxf_fabric_mem(f, 0, &x, 0), 0);
    assert_memory_equal(backing_of(r, hpa), line, 64);
    /* misaligned and odd sizes are refused, nothing written */
    x.hpa = hpa + 8;
    assert_int_equal(cxf_fabric_mem(f, 0, &x, 0), -EINVAL);
    x.hpa = hpa;
    x.len = 128;
    assert_int_equal(cxf_fabric_mem(f, 0, &x, 0), -EINVAL);
    cxf_fabric_free(f);
}

/* An LD of two DPA ranges apart from each other: a route's run ends where
 * range 1 does (a whole number of lines, a whole page for a page), and the
 * next byte is range 2's first. */
static void test_run_stops_at_ld_range_end(void **state)
{
    (void)state;
    struct cxf_fabric *f = fx_two_nodes();
    struct cxf_dev *d = f->dev[0];
    struct cxf_err e;
    /* LD 1 moves up; LD 0 is 256 MiB at DPA 0 and 768 MiB at DPA 512 MiB */
    const struct cxf_dpa_range ld1[2] = {{1536 * FX_MB, 512 * FX_MB}, {0, 0}};
    const struct cxf_dpa_range ld0[2] = {{0, 256 * FX_MB}, {512 * FX_MB, 768 * FX_MB}};
    fx_must(cxf_dev_set_ld_ranges(d, 1, ld1, &e), &e);
    fx_must(cxf_dev_set_ld_ranges(d, 0, ld0, &e), &e);
    const char *pool[] = {"pool"};
    struct cxf_region *r = fx_region(f, 0, pool, NULL, 1, 4096, 0, false);
    assert_int_equal(r->size, FX_GB);
    struct cxf_route rt;
    static const uint64_t lefts[] = {64, 128, 192, 4096, 12288};
    for (unsigned i = 0; i < sizeof(lefts) / sizeof(lefts[0]); i++) {
        assert_int_equal(cxf_fabric_route(f, 0, r->base + 256 * FX_MB - lefts[i], &rt), 0);
        assert_int_equal(rt.dpa, 256 * FX_MB - lefts[i]);
        assert_int_equal(rt.contiguous, lefts[i]);
    }
    assert_int_equal(cxf_fabric_route(f, 0, r->base + 256 * FX_MB, &rt), 0);
    assert_int_equal(rt.dpa, 512 * FX_MB);
    assert_int_equal(rt.contiguous, 768 * FX_MB);
    /* a page written at the end of range 1 lands there, whole */
    uint64_t page[512];
    fill_pattern(page, 0, sizeof(page), 0x5eed);
    struct cxf_xact x = {.op = CXF_M2S_MEMWR, .hpa = r->base + 256 * FX_MB - 4096, .len = 4096,
                         .data = page};
    assert_int_equal(cxf_fabric_mem(f, 0, &x, 0), 0);
    assert_memory_equal(d->mem.base + 256 * FX_MB - 4096, page, sizeof(page));
    cxf_fabric_free(f);
}

static void test_bridge_forwarding(void **state)
{
    (void)state;
    struct cxf_fabric *f = fx_two_nodes();
    uint64_t hpa;
    /* n1 reaches n0's DRAM offset 0x12000 through its bridge window */
    assert_int_equal(cxf_bridge_hpa(f, 1, 0, 0x12000, &hpa), 0);
    assert_int_equal(hpa, FX_BRIDGE_BASE + 0x12000); /* n0 is first in fabric space */
    uint64_t page[512];
    fill_pattern(page, 0x12000, sizeof(page), 0xabc);
    struct cxf_xact x = {.op = CXF_M2S_MEMWR, .hpa = hpa, .len = 4096, .data = page};
    assert_int_equal(cxf_fabric_mem(f, 1, &x, 0), 0);
    assert_memory_equal(f->host[0].dram.base + 0x12000, page, 4096);
    /* n0 writes its own DRAM; n1 reads it remotely */
    memset(f->host[0].dram.base + 0x40000, 0x5a, 64);
    assert_int_equal(cxf_bridge_hpa(f, 1, 0, 0x40000, &hpa), 0);
    uint8_t line[64];
    x = (struct cxf_xact){.op = CXF_M2S_MEMRD, .hpa = hpa, .len = 64, .data = line};
    assert_int_equal(cxf_fabric_mem(f, 1, &x, 0), 0);
    for (int i = 0; i < 64; i++)
        assert_int_equal(line[i], 0x5a);
    /* the other direction: n0 to n1's DRAM, after n0's export in fabric space */
    assert_int_equal(cxf_bridge_hpa(f, 0, 1, 0x1000, &hpa), 0);
    assert_int_equal(hpa, FX_BRIDGE_BASE + FX_GB + 0x1000);
    struct cxf_route rt;
    assert_int_equal(cxf_fabric_route(f, 0, hpa, &rt), 0);
    assert_true(rt.remote);
    assert_int_equal(rt.node, 1);
    assert_int_equal(rt.dram_offset, 0x1000);
    assert_int_equal(rt.path->nlinks, 4);
    char desc[160];
    assert_int_equal(cxf_fabric_route_describe(f, 0, hpa, &rt, desc, sizeof(desc)), 0);
    assert_string_equal(desc, "n0 > bridge > sw0 > n1.bridge > n1.dram");
    /* own export through own bridge, beyond the exports, unknown pairs */
    assert_int_equal(cxf_fabric_route(f, 0, FX_BRIDGE_BASE + 0x1000, &rt), -ELOOP);
    assert_int_equal(cxf_bridge_hpa(f, 0, 0, 0, &hpa), -ENOENT);
    assert_int_equal(cxf_bridge_hpa(f, 1, 0, FX_GB, &hpa), -ENOENT);
    cxf_fabric_free(f);
}

static void test_route_errors_and_faults(void **state)
{
    (void)state;
    struct cxf_fabric *f = fx_two_nodes();
    const char *pool[] = {"pool"};
    unsigned ld1[] = {1};
    struct cxf_region *r = fx_region(f, 1, pool, ld1, 1, 4096, 0, false);
    struct cxf_route rt;
    uint8_t line[64] = {0};
    assert_int_equal(cxf_fabric_route(f, 1, r->base, &rt), 0);
    assert_int_equal(rt.kind, CXF_TGT_DEVICE);
    assert_int_equal(rt.ld, 1);
    assert_int_equal(rt.dpa, FX_GB); /* LD 1 starts at device DPA 1 GiB */
    /* nothing there */
    assert_int_equal(cxf_fabric_route(f, 1, 4 * FX_GB, &rt), -ENOENT);
    assert_int_equal(cxf_fabric_route(f, 1, FX_WINDOW_BASE + 15 * FX_GB, &rt), -ENOENT);
    assert_int_equal(cxf_fabric_route(f, 7, 0, &rt), -ENOENT);
    /* link down, and back */
    struct cxf_err e;
    uint64_t gen = f->generation;
    assert_int_equal(cxf_fault_link(f, "pool", true, &e), 0);
    assert_true(f->generation > gen);
    assert_int_equal(cxf_fabric_route(f, 1, r->base, &rt), -ENOLINK);
    struct cxf_xact x = {.op = CXF_M2S_MEMRD, .hpa = r->base, .len = 64, .data = line};
    assert_int_equal(cxf_fabric_mem(f, 1, &x, 0), -ENOLINK);
    assert_int_equal(x.resp, CXF_S2M_NONE);
    assert_int_equal(cxf_fault_link(f, "pool", false, &e), 0);
    assert_int_equal(cxf_fabric_route(f, 1, r->base, &rt), 0);
    assert_int_equal(cxf_fault_link(f, "nosuch", true, &e), -ENOENT);
    assert_non_null(strstr(e.msg, "nosuch"));
    /* bridge link down stops remote access only */
    uint64_t hpa;
    assert_int_equal(cxf_bridge_hpa(f, 1, 0, 0, &hpa), 0);
    assert_int_equal(cxf_fault_link(f, "n0.bridge", true, &e), 0);
    assert_int_equal(cxf_fabric_route(f, 1, hpa, &rt), -ENOLINK);
    assert_int_equal(cxf_fabric_route(f, 1, 0, &rt), 0);
    assert_int_equal(cxf_fault_link(f, "n0.bridge", false, &e), 0);
    /* unbinding the LD: the vPPB on the path is empty */
    gen = f->generation;
    assert_int_equal(cxf_fabric_unbind(f, 1, 0), CXF_RC_SUCCESS);
    assert_true(f->generation > gen);
    assert_int_equal(cxf_fabric_route(f, 1, r->base, &rt), -ENXIO);
    /* node failure: its memory is gone and its bridge does not answer */
    memset(f->host[0].dram.base, 0x77, 4096);
    assert_int_equal(cxf_fault_node_fail(f, 0), 0);
    assert_int_equal(cxf_fabric_route(f, 1, hpa, &rt), -EHOSTDOWN);
    assert_int_equal(cxf_fabric_route(f, 0, 0, &rt), -EHOSTDOWN);
    assert_int_equal(f->host[0].dram.base[0], 0);
    cxf_fabric_free(f);
}

static void test_poison_through_fabric(void **state)
{
    (void)state;
    struct cxf_fabric *f = fx_two_nodes();
    const char *pool[] = {"pool"};
    struct cxf_region *r = fx_region(f, 0, pool, NULL, 1, 4096, 0, false);
    struct cxf_err e;
    struct cxf_route rt;
    assert_int_equal(cxf_fabric_route(f, 0, r->base + 4096, &rt), 0);
    assert_false(rt.has_poison);
    uint64_t gen = f->generation;
    assert_int_equal(cxf_fault_poison(f, "pool", 4096 + 128, &e), 0);
    assert_true(f->generation > gen);
    assert_int_equal(cxf_fabric_route(f, 0, r->base + 4096, &rt), 0);
    assert_true(rt.has_poison);
    uint8_t page[4096];
    struct cxf_xact x = {.op = CXF_M2S_MEMRD, .hpa = r->base + 4096, .len = 4096, .data = page};
    assert_int_equal(cxf_fabric_mem(f, 0, &x, 0), 0);
    assert_int_equal(x.resp, CXF_S2M_DRS_MEMDATA);
    assert_true(x.data_poisoned);
    /* poisoned write data marks the line (source External) */
    x = (struct cxf_xact){.op = CXF_M2S_MEMWR, .hpa = r->base + 8192, .len = 64, .data = page,
                          .poison = true};
    assert_int_equal(cxf_fabric_mem(f, 0, &x, 0), 0);
    assert_true(cxf_poison_test(&f->dev[0]->poison, 8192, 64));
    assert_int_equal(cxf_fault_poison(f, "nosuch", 0, &e), -ENOENT);
    assert_int_equal(cxf_fault_poison(f, "pool", 64 * FX_GB, &e), -EFAULT);
    cxf_fabric_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_granule_2_4_8_way),
        cmocka_unit_test(test_every_granule_window_interleave),
        cmocka_unit_test(test_every_granule_3_way_window),
        cmocka_unit_test(test_run_stops_at_ld_range_end),
        cmocka_unit_test(test_patterns_land_in_device_backing),
        cmocka_unit_test(test_bridge_forwarding),
        cmocka_unit_test(test_route_errors_and_faults),
        cmocka_unit_test(test_poison_through_fabric),
    };
    return cmocka_run_group_tests_name("fabric_route", tests, NULL, NULL);
}
