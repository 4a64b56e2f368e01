/*
 * sim/queue.c - bandwidth queues: a resource serialising byte transfers.
 */
#include "sim.h"

cxf_time_t cxf_queue_duration(uint64_t bytes_per_sec, uint64_t bytes)
{
    if (bytes_per_sec == 0)
        return 0;
    /* 128-bit: bytes * 1e9 overflows 64 bits above ~18 GB */
    unsigned __int128 ns = ((unsigned __int128)bytes * 1000000000u + bytes_per_sec - 1) /
                           bytes_per_sec;
    return ns > CXF_TIME_NEVER ? CXF_TIME_NEVER : (cxf_time_t)ns;
}

cxf_time_t cxf_queue_reserve(struct cxf_queue *q, cxf_time_t ready, uint64_t bytes,
                             cxf_time_t *end)
{
    cxf_time_t start = ready > q->busy_until ? ready : q->busy_until;
    cxf_time_t done = start + cxf_queue_duration(q->bytes_per_sec, bytes);
    q->waited += start - ready;
    q->busy_until = done;
    q->bytes += bytes;
    q->transfers++;
    *end = done;
    return start;
}
