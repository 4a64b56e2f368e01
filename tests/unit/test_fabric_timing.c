/* Fabric timing: an unloaded access costs exactly the sum of its configured
 * hops, links and media; concurrent page transfers never exceed a link's
 * bandwidth and queue behind each other. */
#include "cmocka_all.h"
#include "fabric_fixture.h"
#include "sim/calibration.h"

#include <errno.h>

/* ceil(bytes / (bytes per second)) in ns */
static uint64_t ser(uint64_t bw, uint64_t bytes)
{
    return (bytes * 1000000000ull + bw - 1) / bw;
}

static uint64_t max_u(uint64_t a, uint64_t b)
{
    return a > b ? a : b;
}

static cxf_time_t read_line(struct cxf_fabric *f, unsigned node, uint64_t hpa, cxf_time_t now)
{
    uint8_t buf[64];
    struct cxf_xact x = {.op = CXF_M2S_MEMRD, .hpa = hpa, .len = 64, .data = buf};
    assert_int_equal(cxf_fabric_mem(f, node, &x, now), 0);
    return x.done - now;
}

static void test_link_bandwidth_arithmetic(void **state)
{
    (void)state;
    struct cxf_link l;
    cxf_link_setup(&l, "x16", 16, 5, 1.0, 0);
    /* 32 GT/s x 16 lanes x 128/130 / 8 = 63.0 GB/s raw */
    assert_true(cxf_link_bandwidth(&l) > 63000000000ull && cxf_link_bandwidth(&l) < 63100000000ull);
    cxf_link_setup(&l, "x8", 8, 5, CXF_CAL_FLIT_EFFICIENCY, 0);
    assert_true(cxf_link_bandwidth(&l) > 25200000000ull && cxf_link_bandwidth(&l) < 25210000000ull);
    cxf_link_setup(&l, "gen4", 8, 4, 1.0, 0);
    assert_true(cxf_link_bandwidth(&l) > 15750000000ull && cxf_link_bandwidth(&l) < 15760000000ull);
    /* Gen6 FLIT mode: the flit efficiency is the whole framing overhead
     * (64 GT/s x 16 / 8 x 0.80), not PCIe's 242/256 on top of it */
    cxf_link_setup(&l, "gen6", 16, 6, CXF_CAL_FLIT_EFFICIENCY, 0);
    assert_int_equal(cxf_link_bandwidth(&l), 102400000000ull);
}

static void test_unloaded_reads_equal_sum_of_hops(void **state)
{
    (void)state;
    struct cxf_fabric *f = fx_two_nodes();
    const struct cxf_timing *t = &f->timing;
    const char *pool[] = {"pool"};
    struct cxf_region *r = fx_region(f, 0, pool, NULL, 1, 4096, 0, false);

    /* local DRAM: the DRAM latency and its serialisation */
    assert_int_equal(read_line(f, 0, 0x1000, 1000), t->dram_ns + ser(t->dram_bandwidth, 64));

    /* pool through the switch: root port, switch, device controller, two
     * links each way, header down and data up on the slower (x8) link */
    const struct cxf_link *usp = &f->port[0].link, *dsp = &f->port[2].link;
    const struct cxf_dev *d = f->dev[0];
    uint64_t expect = t->host_port_ns + t->switch_ns + t->device_port_ns +
                      2 * (usp->flight_ns + dsp->flight_ns) +
                      max_u(ser(usp->q[0].bytes_per_sec, t->header_bytes),
                            ser(dsp->q[0].bytes_per_sec, t->header_bytes)) +
                      max_u(ser(usp->q[1].bytes_per_sec, 64), ser(dsp->q[1].bytes_per_sec, 64)) +
                      d->timing.read_ns + ser(d->timing.bandwidth, 64);
    cxf_time_t got = read_line(f, 0, r->base, 100000);
    assert_int_equal(got, expect);
    struct cxf_route rt;
    assert_int_equal(cxf_fabric_route(f, 0, r->base, &rt), 0);
    assert_int_equal(cxf_path_idle_read_ns(f, rt.path), expect);
    /* the calibrated figures give ~275 ns for a switched pool read */
    assert_true(got > 250 && got < 300);

    /* remote DRAM through both bridges: four links */
    uint64_t hpa;
    assert_int_equal(cxf_bridge_hpa(f, 1, 0, 0x2000, &hpa), 0);
    assert_int_equal(cxf_fabric_route(f, 1, hpa, &rt), 0);
    uint64_t flights = 0, down = 0, up = 0;
    for (unsigned i = 0; i < rt.path->nlinks; i++) {
        flights += 2 * rt.path->link[i]->flight_ns;
        down = max_u(down, ser(rt.path->link[i]->q[0].bytes_per_sec, t->header_bytes));
        up = max_u(up, ser(rt.path->link[i]->q[1].bytes_per_sec, 64));
    }
    expect = t->host_port_ns + 2 * t->bridge_ns + t->switch_ns + flights + down + up +
             t->dram_ns + ser(t->dram_bandwidth, 64);
    assert_int_equal(read_line(f, 1, hpa, 200000), expect);
    assert_true(expect > 350 && expect < 450);
    cxf_fabric_free(f);
}

static void test_concurrent_pages_respect_link_bandwidth(void **state)
{
    (void)state;
    enum { N = 64 };
    struct cxf_fabric *f = fx_two_nodes();
    uint64_t hpa;
    struct cxf_route rt;
    assert_int_equal(cxf_bridge_hpa(f, 1, 0, 0, &hpa), 0);
    assert_int_equal(cxf_fabric_route(f, 1, hpa, &rt), 0);
    uint64_t bw = UINT64_MAX;
    for (unsigned i = 0; i < rt.path->nlinks; i++)
        bw = rt.path->link[i]->q[1].bytes_per_sec < bw ? rt.path->link[i]->q[1].bytes_per_sec : bw;
    static uint8_t page[4096];
    cxf_time_t done[N], now = 5000;
    for (int i = 0; i < N; i++) {
        struct cxf_xact x = {.op = CXF_M2S_MEMRD, .hpa = hpa + (uint64_t)i * 4096, .len = 4096,
                             .data = page};
        assert_int_equal(cxf_fabric_mem(f, 1, &x, now), 0);
        done[i] = x.done;
    }
    uint64_t page_ns = ser(bw, 4096);
    /* all issued at once: they finish one page-serialisation apart */
    for (int i = 1; i < N; i++) {
        assert_true(done[i] >= done[i - 1] + page_ns - 1);
        assert_true(done[i] <= done[i - 1] + page_ns + 1);
    }
    /* the bytes delivered never outrun the slowest link */
    double secs = (double)(done[N - 1] - now) * 1e-9;
    assert_true((double)N * 4096 / secs <= (double)bw);
    /* queueing delay grows linearly: the last waited ~N-1 pages */
    cxf_time_t idle = done[0] - now;
    assert_true(done[N - 1] - now >= idle + (N - 1) * (page_ns - 1));
    /* the link counted every byte */
    assert_int_equal(rt.path->link[0]->q[1].bytes, (uint64_t)N * 4096);
    cxf_fabric_free(f);
}

static void test_writes_cost_data_down_and_completion_up(void **state)
{
    (void)state;
    struct cxf_fabric *f = fx_two_nodes();
    const char *pool[] = {"pool"};
    struct cxf_region *r = fx_region(f, 0, pool, NULL, 1, 4096, 0, false);
    const struct cxf_timing *t = &f->timing;
    const struct cxf_link *usp = &f->port[0].link, *dsp = &f->port[2].link;
    const struct cxf_dev *d = f->dev[0];
    static uint8_t page[4096];
    struct cxf_xact x = {.op = CXF_M2S_MEMWR, .hpa = r->base, .len = 4096, .data = page};
    assert_int_equal(cxf_fabric_mem(f, 0, &x, 0), 0);
    uint64_t expect = t->host_port_ns + t->switch_ns + t->device_port_ns +
                      2 * (usp->flight_ns + dsp->flight_ns) +
                      max_u(ser(usp->q[0].bytes_per_sec, 4096), ser(dsp->q[0].bytes_per_sec, 4096)) +
                      max_u(ser(usp->q[1].bytes_per_sec, 64 * t->header_bytes),
                            ser(dsp->q[1].bytes_per_sec, 64 * t->header_bytes)) +
                      d->timing.write_ns + ser(d->timing.bandwidth, 4096);
    assert_int_equal(x.done, expect);
    cxf_fabric_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_link_bandwidth_arithmetic),
        cmocka_unit_test(test_unloaded_reads_equal_sum_of_hops),
        cmocka_unit_test(test_concurrent_pages_respect_link_bandwidth),
        cmocka_unit_test(test_writes_cost_data_down_and_completion_up),
    };
    return cmocka_run_group_tests_name("fabric_timing", tests, NULL, NULL);
}
