/* tools/bench/bench.h - timing helpers and the output convention:
 * one figure per line, "name: value unit" (ratios use the unit "x"). */
#ifndef CXF_BENCH_H
#define CXF_BENCH_H

#include <stdio.h>
#include <time.h>

static inline double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static inline void bench_print(const char *name, double value, const char *unit)
{
    if (value >= 1000.0 || value <= -1000.0)
        printf("%s: %.0f %s\n", name, value, unit);
    else
        printf("%s: %.4g %s\n", name, value, unit);
    fflush(stdout);
}

/* Keep a result alive so the compiler cannot drop the measured loop. */
static inline void bench_sink(unsigned long long v)
{
    __asm__ volatile("" : : "r"(v) : "memory");
}

#endif
