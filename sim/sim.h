/*
 * sim/sim.h - public face of the virtual-time layer.
 *
 * Everything above this layer measures time in virtual nanoseconds kept by a
 * discrete-event kernel: an event heap ordered by (time, insertion sequence),
 * so that two events due at the same instant always fire in the order they
 * were scheduled and a run is reproducible on any machine.
 *
 * Also here: deterministic random streams (xoshiro256** seeded through
 * splitmix64, one stream per component), an O(1) Zipfian sampler, and named
 * statistics (counters, log2 latency histograms) dumpable as JSON.
 */
#ifndef CXF_SIM_H
#define CXF_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct json_object;

/* ------------------------------------------------------------------ time */

typedef uint64_t cxf_time_t; /* virtual nanoseconds since the run started */

#define CXF_TIME_NEVER UINT64_MAX
#define CXF_NS(x)      ((cxf_time_t)(x))
#define CXF_US(x)      ((cxf_time_t)(x) * 1000ull)
#define CXF_MS(x)      ((cxf_time_t)(x) * 1000000ull)
#define CXF_SEC(x)     ((cxf_time_t)(x) * 1000000000ull)

struct cxf_sim;
struct cxf_event;

typedef void (*cxf_event_fn)(struct cxf_sim *sim, struct cxf_event *ev);

/*
 * An event is owned by its caller (usually embedded in a larger object) and
 * lent to the kernel while it is queued. It must not be freed while queued:
 * cancel it first.
 */
struct cxf_event {
    cxf_time_t when;  /* due time, set by cxf_sim_schedule() */
    uint64_t seq;     /* insertion sequence: tie-break for equal times */
    size_t slot;      /* position in the heap, CXF_EVENT_IDLE when not queued */
    cxf_event_fn fn;  /* called when the event fires (already dequeued) */
    void *arg;        /* free for the owner */
};

#define CXF_EVENT_IDLE SIZE_MAX

struct cxf_sim {
    cxf_time_t now;
    uint64_t next_seq;
    struct cxf_event **heap;
    size_t len;
    size_t cap;
    uint64_t fired; /* events that have fired since init */
};

void cxf_event_init(struct cxf_event *ev, cxf_event_fn fn, void *arg);
static inline bool cxf_event_queued(const struct cxf_event *ev)
{
    return ev->slot != CXF_EVENT_IDLE;
}

void cxf_sim_init(struct cxf_sim *sim);
void cxf_sim_fini(struct cxf_sim *sim);

/* Queue ev at absolute time `when` (>= now). Re-scheduling a queued event
 * moves it and gives it a new sequence number. -EINVAL if when < now,
 * -ENOMEM if the heap cannot grow. */
int cxf_sim_schedule(struct cxf_sim *sim, struct cxf_event *ev, cxf_time_t when);
int cxf_sim_schedule_in(struct cxf_sim *sim, struct cxf_event *ev, cxf_time_t delay);
/* Remove a queued event; returns false if it was not queued. */
bool cxf_sim_cancel(struct cxf_sim *sim, struct cxf_event *ev);

/* Due time of the next event, CXF_TIME_NEVER when idle. */
cxf_time_t cxf_sim_next_time(const struct cxf_sim *sim);
/* Fire the next event (advancing the clock to it); false when idle. */
bool cxf_sim_step(struct cxf_sim *sim);
/* Fire every event due at or before `until`, then set the clock to `until`.
 * Returns the number of events fired. */
uint64_t cxf_sim_run_until(struct cxf_sim *sim, cxf_time_t until);
/* Fire events until none is left (or max_events fired, 0 = no limit). */
uint64_t cxf_sim_run_idle(struct cxf_sim *sim, uint64_t max_events);

/* -------------------------------------------------------- bandwidth queue */

/*
 * A resource that moves bytes at a fixed rate (a link direction, a memory
 * device's media, a node's DRAM). Bookings may arrive out of time order: a
 * vCPU runs a whole quantum ahead before the next vCPU runs from the same
 * instant, so a later booking may be for an earlier time. The queue keeps,
 * for each 100 ns slot of a horizon, how far into the slot it is booked, and
 * places a booking from its ready time into the first room after that: the
 * rate is never exceeded, a booking is never delayed behind another one in
 * a different slot, and bookings made in time order behave exactly as a
 * FIFO. (Within one slot a booking for an earlier instant may wait behind
 * a later one: an error of at most one slot.)
 */
#define CXF_QUEUE_SLOT_NS 100u
#define CXF_QUEUE_SLOTS   16384u /* 1.6 ms of horizon */

struct cxf_queue {
    uint64_t bytes_per_sec;   /* 0: unlimited */
    uint32_t *busy;           /* ns into each slot already booked (ring), on first use */
    uint64_t base;            /* absolute slot number of the ring's oldest slot */
    uint64_t full_below;      /* every slot from base up to this one is fully booked */
    cxf_time_t busy_until;    /* the latest end booked */
    uint64_t bytes;           /* moved so far */
    uint64_t transfers;
    cxf_time_t waited;        /* total queueing delay imposed */
};

/* ceil(bytes / bytes_per_sec) in nanoseconds; 0 when the rate is 0 (infinite). */
cxf_time_t cxf_queue_duration(uint64_t bytes_per_sec, uint64_t bytes);
/* Reserve the resource for `bytes` from the first capacity at or after
 * `ready`; returns when the transfer starts and sets *end to when it ends. */
cxf_time_t cxf_queue_reserve(struct cxf_queue *q, cxf_time_t ready, uint64_t bytes,
                             cxf_time_t *end);
void cxf_queue_fini(struct cxf_queue *q);

/* ------------------------------------------------------------------- rng */

struct cxf_rng {
    uint64_t s[4];
};

uint64_t cxf_splitmix64(uint64_t *state);
/* Stream identifier of a component name (FNV-1a 64). */
uint64_t cxf_rng_stream_id(const char *name);
/* Seed a stream: the same (seed, stream) always yields the same sequence and
 * different streams of one seed are independent for practical purposes. */
void cxf_rng_seed(struct cxf_rng *r, uint64_t seed, uint64_t stream);
uint64_t cxf_rng_next(struct cxf_rng *r);
/* Uniform in [0, n), unbiased; n == 0 returns 0. */
uint64_t cxf_rng_below(struct cxf_rng *r, uint64_t n);
/* Uniform double in [0, 1). */
double cxf_rng_unit(struct cxf_rng *r);

/* ------------------------------------------------------------------ zipf */

/*
 * Zipfian ranks 0..n-1 with P(k) proportional to 1/(k+1)^theta, by
 * rejection-inversion (Hormann & Derflinger, ACM TOMACS 1996): O(1) setup
 * and O(1) expected time per sample for any theta >= 0, theta = 0 giving the
 * uniform distribution. Rank 0 is the most popular.
 */
struct cxf_zipf {
    uint64_t n;
    double theta;
    double h_x1;  /* H(1.5) - 1 */
    double h_n;   /* H(n + 0.5) */
    double s;     /* acceptance shortcut constant */
};

/* -EINVAL unless n >= 1 and 0 <= theta <= 10. */
int cxf_zipf_init(struct cxf_zipf *z, uint64_t n, double theta);
uint64_t cxf_zipf_sample(const struct cxf_zipf *z, struct cxf_rng *r);
/* Exact probability of rank k (O(n) normaliser: for tests and tools). */
double cxf_zipf_probability(const struct cxf_zipf *z, uint64_t k);

/* ----------------------------------------------------------------- stats */

#define CXF_HIST_BUCKETS 65 /* bucket 0: value 0; bucket i: [2^(i-1), 2^i) */

struct cxf_hist {
    uint64_t bucket[CXF_HIST_BUCKETS];
    uint64_t count;
    uint64_t sum;
    uint64_t min;
    uint64_t max;
};

void cxf_hist_reset(struct cxf_hist *h);
void cxf_hist_add(struct cxf_hist *h, uint64_t value);
void cxf_hist_merge(struct cxf_hist *into, const struct cxf_hist *from);
double cxf_hist_mean(const struct cxf_hist *h);
/* Value below which a fraction p (0..1) of samples fall, interpolated inside
 * the log2 bucket and clamped to [min, max]; 0 when empty. */
uint64_t cxf_hist_percentile(const struct cxf_hist *h, double p);
struct json_object *cxf_hist_to_json(const struct cxf_hist *h);

/* A registry of named counters and histograms. Pointers returned stay valid
 * until cxf_stats_fini(). Names are copied. */
struct cxf_stats;

struct cxf_stats *cxf_stats_new(void);
void cxf_stats_free(struct cxf_stats *st);
/* Find or create; NULL only on allocation failure. */
uint64_t *cxf_stats_counter(struct cxf_stats *st, const char *name);
struct cxf_hist *cxf_stats_hist(struct cxf_stats *st, const char *name);
/* Lookup without creating; NULL when absent. */
const uint64_t *cxf_stats_find_counter(const struct cxf_stats *st, const char *name);
const struct cxf_hist *cxf_stats_find_hist(const struct cxf_stats *st, const char *name);
/* {"counters": {name: value}, "histograms": {name: {...}}} */
struct json_object *cxf_stats_to_json(const struct cxf_stats *st);

#endif /* CXF_SIM_H */
