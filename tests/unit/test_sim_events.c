/* Event heap: ordering by (time, sequence), cancellation, run loops. */
#include "cmocka_all.h"
#include "sim/sim.h"

#include <errno.h>
#include <stdlib.h>

struct log {
    int order[256];
    cxf_time_t at[256];
    int n;
};

struct tagged {
    struct cxf_event ev;
    struct log *log;
    int tag;
};

static void record(struct cxf_sim *sim, struct cxf_event *ev)
{
    struct tagged *t = ev->arg;
    t->log->at[t->log->n] = sim->now;
    t->log->order[t->log->n++] = t->tag;
}

static void test_equal_times_fire_in_insertion_order(void **state)
{
    (void)state;
    struct cxf_sim sim;
    struct log log = {0};
    struct tagged t[8];
    cxf_sim_init(&sim);
    for (int i = 0; i < 8; i++) {
        t[i].log = &log;
        t[i].tag = i;
        cxf_event_init(&t[i].ev, record, &t[i]);
        assert_int_equal(cxf_sim_schedule(&sim, &t[i].ev, 100), 0);
    }
    assert_int_equal(cxf_sim_run_idle(&sim, 0), 8);
    for (int i = 0; i < 8; i++)
        assert_int_equal(log.order[i], i);
    assert_int_equal(sim.now, 100);
    cxf_sim_fini(&sim);
}

static void test_random_times_pop_sorted(void **state)
{
    (void)state;
    struct cxf_sim sim;
    struct cxf_rng rng;
    struct log log = {0};
    struct tagged t[200];
    cxf_sim_init(&sim);
    cxf_rng_seed(&rng, 42, 1);
    for (int i = 0; i < 200; i++) {
        t[i].log = &log;
        t[i].tag = i;
        cxf_event_init(&t[i].ev, record, &t[i]);
        assert_int_equal(cxf_sim_schedule(&sim, &t[i].ev, cxf_rng_below(&rng, 50)), 0);
    }
    cxf_sim_run_idle(&sim, 0);
    assert_int_equal(log.n, 200);
    for (int i = 1; i < 200; i++) {
        assert_true(log.at[i - 1] <= log.at[i]);
        if (log.at[i - 1] == log.at[i]) /* same time: insertion order */
            assert_true(log.order[i - 1] < log.order[i]);
    }
    cxf_sim_fini(&sim);
}

static void test_cancel_removes_only_that_event(void **state)
{
    (void)state;
    struct cxf_sim sim;
    struct log log = {0};
    struct tagged t[64];
    cxf_sim_init(&sim);
    for (int i = 0; i < 64; i++) {
        t[i].log = &log;
        t[i].tag = i;
        cxf_event_init(&t[i].ev, record, &t[i]);
        cxf_sim_schedule(&sim, &t[i].ev, (cxf_time_t)((i * 37) % 64));
    }
    for (int i = 0; i < 64; i += 3)
        assert_true(cxf_sim_cancel(&sim, &t[i].ev));
    assert_false(cxf_sim_cancel(&sim, &t[0].ev)); /* already cancelled */
    cxf_sim_run_idle(&sim, 0);
    assert_int_equal(log.n, 64 - 22);
    for (int i = 0; i < log.n; i++)
        assert_true(log.order[i] % 3 != 0);
    for (int i = 1; i < log.n; i++)
        assert_true(log.at[i - 1] <= log.at[i]);
    cxf_sim_fini(&sim);
}

static void test_reschedule_moves_event(void **state)
{
    (void)state;
    struct cxf_sim sim;
    struct log log = {0};
    struct tagged a = {.log = &log, .tag = 1}, b = {.log = &log, .tag = 2};
    cxf_sim_init(&sim);
    cxf_event_init(&a.ev, record, &a);
    cxf_event_init(&b.ev, record, &b);
    cxf_sim_schedule(&sim, &a.ev, 10);
    cxf_sim_schedule(&sim, &b.ev, 20);
    cxf_sim_schedule(&sim, &a.ev, 30); /* a moves after b */
    assert_int_equal(sim.len, 2);
    cxf_sim_run_idle(&sim, 0);
    assert_int_equal(log.n, 2);
    assert_int_equal(log.order[0], 2);
    assert_int_equal(log.order[1], 1);
    assert_int_equal(log.at[1], 30);
    cxf_sim_fini(&sim);
}

static void test_schedule_in_past_is_rejected(void **state)
{
    (void)state;
    struct cxf_sim sim;
    struct cxf_event ev;
    cxf_sim_init(&sim);
    cxf_event_init(&ev, NULL, NULL);
    cxf_sim_run_until(&sim, 500);
    assert_int_equal(sim.now, 500);
    assert_int_equal(cxf_sim_schedule(&sim, &ev, 499), -EINVAL);
    assert_false(cxf_event_queued(&ev));
    assert_int_equal(cxf_sim_schedule_in(&sim, &ev, CXF_TIME_NEVER), -EINVAL);
    assert_int_equal(cxf_sim_schedule_in(&sim, &ev, 5), 0);
    assert_int_equal(cxf_sim_next_time(&sim), 505);
    cxf_sim_fini(&sim);
}

static void test_run_until_stops_at_bound(void **state)
{
    (void)state;
    struct cxf_sim sim;
    struct log log = {0};
    struct tagged t[3];
    cxf_sim_init(&sim);
    for (int i = 0; i < 3; i++) {
        t[i].log = &log;
        t[i].tag = i;
        cxf_event_init(&t[i].ev, record, &t[i]);
        cxf_sim_schedule(&sim, &t[i].ev, (cxf_time_t)(100 * (i + 1)));
    }
    assert_int_equal(cxf_sim_run_until(&sim, 200), 2); /* 200 is inclusive */
    assert_int_equal(sim.now, 200);
    assert_int_equal(cxf_sim_next_time(&sim), 300);
    assert_true(cxf_sim_step(&sim));
    assert_int_equal(sim.now, 300);
    assert_false(cxf_sim_step(&sim));
    assert_int_equal(cxf_sim_next_time(&sim), CXF_TIME_NEVER);
    cxf_sim_fini(&sim);
}

/* An event that schedules a follow-up from its own callback. */
static int chain_left;
static void chain(struct cxf_sim *sim, struct cxf_event *ev)
{
    if (--chain_left > 0)
        cxf_sim_schedule_in(sim, ev, 7);
}

static void test_callbacks_may_reschedule_themselves(void **state)
{
    (void)state;
    struct cxf_sim sim;
    struct cxf_event ev;
    cxf_sim_init(&sim);
    cxf_event_init(&ev, chain, NULL);
    chain_left = 10;
    cxf_sim_schedule(&sim, &ev, 0);
    assert_int_equal(cxf_sim_run_idle(&sim, 0), 10);
    assert_int_equal(sim.now, 63);
    assert_int_equal(sim.fired, 10);
    cxf_sim_fini(&sim);
}

/* A long random mix of inserts, re-schedules and cancels, checked against a
 * reference: the live events' (when, seq) pairs sorted, which is exactly the
 * order the heap must pop them in. */
struct key {
    cxf_time_t when;
    uint64_t seq;
};

static int key_cmp(const void *a, const void *b)
{
    const struct key *x = a, *y = b;
    if (x->when != y->when)
        return x->when < y->when ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void test_random_mix_against_reference(void **state)
{
    (void)state;
    enum { N = 2000 };
    struct cxf_sim sim;
    struct cxf_rng rng;
    struct cxf_event *ev = calloc(N, sizeof(*ev));
    cxf_sim_init(&sim);
    cxf_rng_seed(&rng, 7, 2);
    for (int i = 0; i < N; i++) {
        cxf_event_init(&ev[i], NULL, NULL);
        cxf_sim_schedule(&sim, &ev[i], cxf_rng_below(&rng, 1000));
        int victim = (int)cxf_rng_below(&rng, (uint64_t)i + 1);
        switch (cxf_rng_below(&rng, 4)) {
        case 0: cxf_sim_cancel(&sim, &ev[victim]); break;
        case 1: cxf_sim_schedule(&sim, &ev[victim], cxf_rng_below(&rng, 1000)); break;
        default: break;
        }
    }
    struct key *ref = calloc(N, sizeof(*ref));
    size_t n = 0;
    for (int i = 0; i < N; i++)
        if (cxf_event_queued(&ev[i]))
            ref[n++] = (struct key){ev[i].when, ev[i].seq};
    assert_int_equal(sim.len, n);
    qsort(ref, n, sizeof(*ref), key_cmp);
    for (size_t k = 0; k < n; k++) {
        struct cxf_event *top = sim.heap[0];
        assert_int_equal(top->when, ref[k].when);
        assert_int_equal(top->seq, ref[k].seq);
        assert_true(cxf_sim_step(&sim));
        assert_false(cxf_event_queued(top));
    }
    assert_false(cxf_sim_step(&sim));
    cxf_sim_fini(&sim);
    free(ref);
    free(ev);
}

static void test_event_of_another_kernel_is_refused(void **state)
{
    (void)state;
    struct cxf_sim a, b;
    struct cxf_event ev;
    cxf_sim_init(&a);
    cxf_sim_init(&b);
    cxf_event_init(&ev, NULL, NULL);
    assert_int_equal(cxf_sim_schedule(&a, &ev, 10), 0);
    assert_int_equal(cxf_sim_schedule(&b, &ev, 20), -EINVAL);
    assert_false(cxf_sim_cancel(&b, &ev));
    assert_int_equal(a.len, 1);
    assert_int_equal(b.len, 0);
    cxf_sim_fini(&a);
    cxf_sim_fini(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_equal_times_fire_in_insertion_order),
        cmocka_unit_test(test_random_times_pop_sorted),
        cmocka_unit_test(test_cancel_removes_only_that_event),
        cmocka_unit_test(test_reschedule_moves_event),
        cmocka_unit_test(test_schedule_in_past_is_rejected),
        cmocka_unit_test(test_run_until_stops_at_bound),
        cmocka_unit_test(test_callbacks_may_reschedule_themselves),
        cmocka_unit_test(test_random_mix_against_reference),
        cmocka_unit_test(test_event_of_another_kernel_is_refused),
    };
    return cmocka_run_group_tests_name("sim_events", tests, NULL, NULL);
}
