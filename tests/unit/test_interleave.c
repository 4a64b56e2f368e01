/* Interleave arithmetic: encodings, spec vectors for every way count, and
 * the bijection property over committed decoders of N devices. */
#include "cmocka_all.h"
#include "cxl-dev/cxldev.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void test_encodings(void **state)
{
    (void)state;
    static const unsigned ways[] = {1, 2, 4, 8, 16, 3, 6, 12};
    static const uint8_t enc[] = {0, 1, 2, 3, 4, 8, 9, 10};
    for (size_t i = 0; i < 8; i++) {
        uint8_t e = 0xff;
        assert_int_equal(cxf_iw_encode(ways[i], &e), 0);
        assert_int_equal(e, enc[i]);
        assert_int_equal(cxf_iw_ways(enc[i]), ways[i]);
    }
    uint8_t e;
    assert_int_equal(cxf_iw_encode(5, &e), -EINVAL);
    assert_int_equal(cxf_iw_encode(24, &e), -EINVAL);
    assert_int_equal(cxf_iw_encode(0, &e), -EINVAL);
    assert_int_equal(cxf_iw_ways(5), 0);
    assert_int_equal(cxf_iw_ways(11), 0);
    for (uint8_t g = 0; g <= 6; g++) {
        assert_int_equal(cxf_ig_encode(256ull << g, &e), 0);
        assert_int_equal(e, g);
        assert_int_equal(cxf_ig_bytes(g), 256ull << g);
    }
    assert_int_equal(cxf_ig_encode(128, &e), -EINVAL);
    assert_int_equal(cxf_ig_encode(32768, &e), -EINVAL);
    assert_int_equal(cxf_ig_encode(768, &e), -EINVAL);
    assert_int_equal(cxf_ig_bytes(7), 0);
}

struct vec {
    unsigned ways;
    uint64_t gran;
    uint64_t hpa_off;
    unsigned pos;
    uint64_t dpa_off;
};

/* Vectors: the CXL 3.0 8.2.4.19.13 example (8-way, 512 B: HPA offset
 * 0x4000_0404 -> bits 11:9 = 2, DPA offset 0x0800_0004), the CFMWS modulo
 * equations for 3/6/12 ways (9.18.1.3), and hand-derived cases. */
static const struct vec vectors[] = {
    {1, 256, 0x12345, 0, 0x12345},
    {2, 256, 0x000, 0, 0x000},
    {2, 256, 0x100, 1, 0x000},
    {2, 256, 0x2ff, 0, 0x1ff},
    {2, 4096, 0x1fff, 1, 0x0fff},
    {4, 1024, 0x0c10, 3, 0x0010},
    {4, 1024, 0x1410, 1, 0x0410},
    {8, 512, 0x40000404ull, 2, 0x08000004ull},
    {16, 256, 0x1000, 0, 0x100},
    {16, 16384, 0x3c000 + 5, 15, 5},
    {16, 16384, 0x40000 + 7, 0, 0x4000 + 7},
    /* 3-way, 256 B: chunk k -> position k mod 3, DPA chunk k / 3 */
    {3, 256, 0x0000, 0, 0x000},
    {3, 256, 0x0100, 1, 0x000},
    {3, 256, 0x0200, 2, 0x000},
    {3, 256, 0x0300, 0, 0x100},
    {3, 256, 0x0a7f, 1, 0x37f},
    {3, 256, 0x1234, 0, 0x634},
    /* 6-way: position HPA[8] + 2 * (HPA[51:9] mod 3) */
    {6, 256, 0x0500, 5, 0x000},
    {6, 256, 0x0600, 0, 0x100},
    {6, 256, 0x0b40, 5, 0x140},
    /* 12-way, 1 KiB: chunk 25 -> position HPA[11:10]=1 + 4*((25>>2) mod 3)=0 -> 1 */
    {12, 1024, 25 * 1024 + 3, 1, 2 * 1024 + 3},
    {12, 1024, 47 * 1024, 11, 3 * 1024},
    {6, 8192, 13 * 8192 + 100, 1, 2 * 8192 + 100},
    /* the same way counts at other granularities */
    {1, 16384, 0x7ffff, 0, 0x7ffff},
    {3, 16384, 5 * 16384 + 1, 2, 16384 + 1},
    {3, 1024, 7 * 1024 + 1023, 1, 2 * 1024 + 1023},
    {4, 256, 0x0700 + 3, 3, 0x100 + 3},
    {4, 16384, 9 * 16384, 1, 2 * 16384},
    {8, 256, 0x0900 + 0x40, 1, 0x100 + 0x40},
    {8, 4096, 17 * 4096 + 8, 1, 2 * 4096 + 8},
    {12, 256, 30 * 256 + 2, 6, 2 * 256 + 2},
    {16, 512, 33 * 512, 1, 2 * 512},
};

static void test_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
        const struct vec *v = &vectors[i];
        assert_int_equal(cxf_il_position(v->hpa_off, v->ways, v->gran), v->pos);
        assert_int_equal(cxf_il_dpa_offset(v->hpa_off, v->ways, v->gran), v->dpa_off);
        assert_int_equal(cxf_il_hpa_offset(v->dpa_off, v->pos, v->ways, v->gran), v->hpa_off);
    }
}

/* For 3*2^k ways the modulo position equals the spec's split form:
 * low k bits from HPA[IG+8+k-1:IG+8], high part (HPA[51:IG+8+k] mod 3). */
static void test_mod3_position_matches_spec_form(void **state)
{
    (void)state;
    struct cxf_rng r;
    cxf_rng_seed(&r, 3, 0);
    static const unsigned ways[] = {3, 6, 12};
    for (int w = 0; w < 3; w++) {
        unsigned k = ways[w] == 3 ? 0 : ways[w] == 6 ? 1 : 2;
        for (int g = 0; g <= 6; g++) {
            uint64_t gran = 256ull << g;
            for (int i = 0; i < 2000; i++) {
                uint64_t off = cxf_rng_next(&r) & ((1ull << 40) - 1);
                uint64_t chunk = off >> (8 + g);
                unsigned spec = (unsigned)((chunk & ((1u << k) - 1)) + ((chunk >> k) % 3) * (1u << k));
                assert_int_equal(cxf_il_position(off, ways[w], gran), spec);
                uint64_t dpa_spec = (((off >> (8 + g + k)) / 3) << (8 + g)) | (off & (gran - 1));
                assert_int_equal(cxf_il_dpa_offset(off, ways[w], gran), dpa_spec);
            }
        }
    }
}

/* Power-of-two ways: the spec's bit form, DPAOffset[51:IG+8] = HPAOffset[51:IG+IW+8]. */
static void test_pow2_matches_bit_form(void **state)
{
    (void)state;
    struct cxf_rng r;
    cxf_rng_seed(&r, 4, 0);
    for (unsigned iw = 0; iw <= 4; iw++) {
        for (unsigned g = 0; g <= 6; g++) {
            for (int i = 0; i < 1000; i++) {
                uint64_t off = cxf_rng_next(&r) & ((1ull << 44) - 1);
                uint64_t low = off & ((256ull << g) - 1);
                uint64_t expect = ((off >> (8 + g + iw)) << (8 + g)) | low;
                assert_int_equal(cxf_il_dpa_offset(off, 1u << iw, 256ull << g), expect);
                assert_int_equal(cxf_il_position(off, 1u << iw, 256ull << g),
                                 (off >> (8 + g)) & ((1u << iw) - 1));
            }
        }
    }
}

/* Commit one decoder per device for a `ways`-way region at base, and check
 * that every granule of the region (at its start and at a random byte inside)
 * decodes on exactly one device, and that the granules cover each device's
 * DPA range exactly once: the map is a bijection. */
static void check_bijection(unsigned ways, uint64_t gran, uint64_t skip)
{
    const uint64_t size = ways * CXF_CAP_UNIT; /* a 3-way multiple of 3 x 256 MB too */
    const uint64_t base = 16 * CXF_CAP_UNIT * 3; /* multiple of ways x 256 MB for all */
    struct cxf_hdm *dev = calloc(ways, sizeof(*dev));
    uint64_t per_dev = size / ways;
    uint64_t granules = per_dev / gran;
    uint8_t **seen = calloc(ways, sizeof(*seen));
    for (unsigned p = 0; p < ways; p++) {
        assert_int_equal(cxf_hdm_init(&dev[p], CXF_HDM_DEVICE, 2, 0, skip + per_dev), 0);
        struct cxf_hdm_prog prog = {.base = base, .size = size, .ways = ways,
                                    .granularity = gran, .dpa_skip = skip, .position = p};
        assert_int_equal(cxf_hdm_program(&dev[p], 0, &prog), 0);
        assert_int_equal(cxf_hdm_commit(&dev[p], 0), 0);
        seen[p] = calloc(granules, 1);
    }
    struct cxf_rng r;
    cxf_rng_seed(&r, ways * 1000 + gran, 0);
    for (uint64_t hpa = base; hpa < base + size; hpa += gran) {
        uint64_t inside = hpa + cxf_rng_below(&r, gran);
        unsigned owners = 0, owner = 0;
        struct cxf_hdm_hit hit, hit2;
        for (unsigned p = 0; p < ways; p++) {
            int rc = cxf_hdm_decode(&dev[p], hpa, &hit);
            if (rc == 0) {
                owners++;
                owner = p;
                assert_int_equal(cxf_hdm_decode(&dev[p], inside, &hit2), 0);
                assert_int_equal(hit2.dpa - hit.dpa, inside - hpa);
                assert_true(hit.dpa >= skip && hit.dpa < skip + per_dev);
                uint64_t g = (hit.dpa - skip) / gran;
                assert_int_equal(seen[p][g], 0);
                seen[p][g] = 1;
                /* inverse */
                assert_int_equal(base + cxf_il_hpa_offset(hit.dpa - skip, p, ways, gran), hpa);
            } else {
                assert_int_equal(rc, -EXDEV);
            }
        }
        assert_int_equal(owners, 1);
        (void)owner;
    }
    for (unsigned p = 0; p < ways; p++) {
        for (uint64_t g = 0; g < granules; g++)
            assert_int_equal(seen[p][g], 1);
        free(seen[p]);
    }
    struct cxf_hdm_hit hit;
    assert_int_equal(cxf_hdm_decode(&dev[0], base - 1, &hit), -ENOENT);
    assert_int_equal(cxf_hdm_decode(&dev[0], base + size, &hit), -ENOENT);
    free(seen);
    free(dev);
}

/* Several committed decoders per device, different ways, granularities and
 * DPA skips: every HPA of every decoder lands on exactly one (device, DPA),
 * and each device's decoders tile their DPA ranges without overlap. */
static void test_bijection_several_decoders(void **state)
{
    (void)state;
    enum { DEVS = 4 };
    static const struct { uint64_t base, size; unsigned ways; uint64_t gran, skip; } dec[] = {
        {16 * CXF_CAP_UNIT, 4 * CXF_CAP_UNIT, 4, 4096, 0},             /* all 4 */
        {24 * CXF_CAP_UNIT, 2 * CXF_CAP_UNIT, 2, 16384, CXF_CAP_UNIT}, /* 2 of them */
        {32 * CXF_CAP_UNIT, 1 * CXF_CAP_UNIT, 1, 256, 0},              /* 1 */
    };
    struct cxf_hdm h[DEVS];
    for (unsigned d = 0; d < DEVS; d++)
        assert_int_equal(cxf_hdm_init(&h[d], CXF_HDM_DEVICE, 4, 0, 8 * CXF_CAP_UNIT), 0);
    for (unsigned k = 0; k < 3; k++) {
        for (unsigned d = 0; d < dec[k].ways; d++) {
            struct cxf_hdm_prog p = {.base = dec[k].base, .size = dec[k].size,
                                     .ways = dec[k].ways, .granularity = dec[k].gran,
                                     .dpa_skip = dec[k].skip, .position = d};
            unsigned idx = cxf_hdm_committed_count(&h[d]);
            assert_int_equal(cxf_hdm_program(&h[d], idx, &p), 0);
            assert_int_equal(cxf_hdm_commit(&h[d], idx), 0);
        }
    }
    /* device 0 maps: [0,256M) then skip 256M, [512M,768M), then [768M,1G) */
    assert_int_equal(h[0].dec[1].dpa_base, 2 * CXF_CAP_UNIT);
    assert_int_equal(h[0].dec[2].dpa_base, 3 * CXF_CAP_UNIT);
    assert_int_equal(h[1].dec[1].dpa_base, 2 * CXF_CAP_UNIT);
    uint8_t *seen[DEVS];
    const uint64_t unit = 4096; /* a DPA slot per 4 KiB, checked at each slot's start */
    for (unsigned d = 0; d < DEVS; d++)
        seen[d] = calloc(8 * CXF_CAP_UNIT / unit, 1);
    for (unsigned k = 0; k < 3; k++) {
        for (uint64_t hpa = dec[k].base; hpa < dec[k].base + dec[k].size; hpa += unit) {
            unsigned owners = 0;
            for (unsigned d = 0; d < DEVS; d++) {
                struct cxf_hdm_hit hit;
                int rc = cxf_hdm_decode(&h[d], hpa, &hit);
                if (rc == -ENOENT || rc == -EXDEV)
                    continue;
                assert_int_equal(rc, 0);
                assert_int_equal(hit.decoder, k); /* a device decodes only its own */
                owners++;
                /* a 4 KiB HPA step is one whole DPA slot when granules are
                 * at least that big or nothing is interleaved */
                uint64_t slot = hit.dpa / unit;
                assert_int_equal(seen[d][slot], 0);
                seen[d][slot] = 1;
            }
            assert_int_equal(owners, 1);
        }
    }
    /* every DPA slot each decoder should cover was hit once */
    for (unsigned k = 0; k < 3; k++)
        for (unsigned d = 0; d < dec[k].ways; d++) {
            uint64_t lo = h[d].dec[k].dpa_base, n = h[d].dec[k].dpa_size;
            for (uint64_t a = lo; a < lo + n; a += unit)
                assert_int_equal(seen[d][a / unit], 1);
        }
    for (unsigned d = 0; d < DEVS; d++)
        free(seen[d]);
}

static void test_bijection_all_way_counts(void **state)
{
    (void)state;
    /* granularity chosen so each case visits at most ~1M granules */
    check_bijection(1, 4096, 0);
    check_bijection(2, 1024, CXF_CAP_UNIT);
    check_bijection(4, 4096, 0);
    check_bijection(8, 8192, 0);
    check_bijection(16, 16384, 0);
    check_bijection(3, 4096, 0);
    check_bijection(6, 8192, 2 * CXF_CAP_UNIT);
    check_bijection(12, 16384, 0);
}

static void test_bijection_small_granularity(void **state)
{
    (void)state;
    check_bijection(2, 256, 0);
    check_bijection(3, 512, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encodings),
        cmocka_unit_test(test_vectors),
        cmocka_unit_test(test_mod3_position_matches_spec_form),
        cmocka_unit_test(test_pow2_matches_bit_form),
        cmocka_unit_test(test_bijection_several_decoders),
        cmocka_unit_test(test_bijection_all_way_counts),
        cmocka_unit_test(test_bijection_small_granularity),
    };
    return cmocka_run_group_tests_name("interleave", tests, NULL, NULL);
}
