/* bench_sim - event-heap throughput of the virtual-time kernel. */
#include "bench.h"
#include "sim/sim.h"

#include <stdlib.h>

int main(void)
{
    enum { LIVE = 10000, OPS = 4000000 };
    struct cxf_sim sim;
    struct cxf_rng rng;
    struct cxf_event *ev = calloc(LIVE, sizeof(*ev));
    cxf_sim_init(&sim);
    cxf_rng_seed(&rng, 1, cxf_rng_stream_id("bench"));
    for (int i = 0; i < LIVE; i++) {
        cxf_event_init(&ev[i], NULL, NULL);
        cxf_sim_schedule(&sim, &ev[i], cxf_rng_below(&rng, 1000000));
    }
    /* Hold model: pop the earliest, push it back at a random later time. */
    double t0 = bench_now();
    for (int i = 0; i < OPS / 2; i++) {
        struct cxf_event *e = sim.heap[0];
        cxf_sim_step(&sim);
        cxf_sim_schedule(&sim, e, sim.now + 1 + cxf_rng_below(&rng, 1000000));
    }
    double dt = bench_now() - t0;
    bench_print("event_heap_ops_per_sec", OPS / dt, "ops/s");

    /* Cancellation from the middle of a populated heap. */
    t0 = bench_now();
    long cancels = 0;
    for (int round = 0; round < 40; round++) {
        for (int i = 0; i < LIVE; i++)
            cancels += cxf_sim_cancel(&sim, &ev[i]);
        for (int i = 0; i < LIVE; i++)
            cxf_sim_schedule(&sim, &ev[i], sim.now + cxf_rng_below(&rng, 1000000));
    }
    dt = bench_now() - t0;
    bench_print("event_cancel_reschedule_per_sec", 2.0 * cancels / dt, "ops/s");
    cxf_sim_fini(&sim);
    free(ev);
    return 0;
}
