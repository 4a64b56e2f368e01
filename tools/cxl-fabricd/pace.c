/*
 * tools/cxl-fabricd/pace.c - how fast virtual time runs against the wall
 * clock: a multiple of it (realtime = 1x), or as fast as the host can.
 */
#include "fabricd.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* How far virtual time may trail its pace before the pace gives up the
 * difference: catching up means running flat out, which is not the pace
 * the user asked for. */
#define CATCH_UP_NS CXF_MS(100)

uint64_t wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int pace_parse(const char *s, struct pace *p, struct cxf_err *e)
{
    struct pace n = {.factor = 1.0};
    if (!strcmp(s, "max")) {
        n.max = true;
    } else if (strcmp(s, "realtime")) {
        char *end;
        double f = strtod(s, &end);
        if (end == s || strcmp(end, "x") || !isfinite(f) || f < 0.001 || f > 1e6)
            return cxf_fail(e, -EINVAL,
                            "pace '%.40s' is not realtime, max or a factor such as 10x or 0.5x "
                            "(0.001x to 1000000x)",
                            s);
        n.factor = f;
    }
    n.slipped_ns = p->slipped_ns;
    n.wall0 = p->wall0;
    n.virt0 = p->virt0;
    *p = n;
    return 0;
}

void pace_name(const struct pace *p, char *buf, size_t len)
{
    if (p->max)
        snprintf(buf, len, "max");
    else if (p->factor == 1.0)
        snprintf(buf, len, "realtime");
    else
        snprintf(buf, len, "%gx", p->factor);
}

void pace_anchor(struct pace *p, cxf_time_t virt_now)
{
    p->wall0 = wall_ns();
    p->virt0 = virt_now;
}

cxf_time_t pace_target(struct pace *p, cxf_time_t virt_now)
{
    if (p->max)
        return CXF_TIME_NEVER;
    uint64_t wall = wall_ns();
    cxf_time_t target = p->virt0 + (cxf_time_t)((double)(wall - p->wall0) * p->factor);
    if (target > virt_now + CATCH_UP_NS) {
        cxf_time_t give_up = target - virt_now - CATCH_UP_NS;
        p->slipped_ns += give_up;
        p->virt0 = virt_now + CATCH_UP_NS;
        p->wall0 = wall;
        target = p->virt0;
    }
    return target;
}

uint64_t pace_wall_until(const struct pace *p, cxf_time_t when)
{
    if (p->max || when <= p->virt0)
        return 0;
    cxf_time_t due_wall = p->wall0 + (uint64_t)((double)(when - p->virt0) / p->factor);
    uint64_t now = wall_ns();
    return due_wall > now ? due_wall - now : 0;
}
