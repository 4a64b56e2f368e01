/*
 * node/trace.h - valgrind lackey traces, for the `trace` workload. Private
 * to node/ (and its tests).
 *
 * `valgrind --tool=lackey --trace-mem=yes prog` writes one line per memory
 * access:
 *     I  04011a0,5        instruction fetch ('I', two spaces)
 *      L 7ff000378,8      load  (space, 'L', space)
 *      S 7ff000370,8      store
 *      M 0601040,4        modify: a load and a store of the same bytes
 * with the address in hex (no 0x) and the size in decimal. valgrind's own
 * messages (`==PID== ...`, also `--PID--` and `**PID**`) and blank lines
 * are skipped; anything else is an error naming the file and line.
 *
 * The parser (trace_parse.c) only reads the file; how records become guest
 * accesses is the workload's (wl_trace.c), declared here for the tests.
 */
#ifndef CXF_NODE_TRACE_H
#define CXF_NODE_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/err.h"

#define CXF_TRACE_MAX_BYTES   (256ull << 20) /* larger files are refused */
#define CXF_TRACE_MAX_RECORDS 50000000ull    /* 800 MB of records */
#define CXF_TRACE_MAX_SIZE    64u            /* bytes per access (AVX-512) */
#define CXF_TRACE_MAX_PIECES  8u             /* guest accesses per record */

enum cxf_trace_op {
    CXF_TR_LOAD = 0,
    CXF_TR_STORE,
    CXF_TR_MODIFY,
    CXF_TR_FETCH,   /* replayed as a load */
};

struct cxf_trace_rec {
    uint64_t addr;
    uint8_t op;     /* enum cxf_trace_op */
    uint8_t size;   /* 1..CXF_TRACE_MAX_SIZE */
};

struct cxf_trace {
    struct cxf_trace_rec *rec;
    uint64_t n;
    uint64_t cap;
    uint64_t min_addr;          /* lowest address of a kept record */
    uint64_t lines;             /* lines read */
    uint64_t fetches_skipped;   /* 'I' lines dropped because !fetch */
};

struct cxf_trace_opts {
    bool fetch;                 /* keep instruction fetches */
    uint64_t max_bytes;
    uint64_t max_records;
};

void cxf_trace_opts_default(struct cxf_trace_opts *o);

/* Classify one line (without its newline): 1 = a record in *r, 0 = a line
 * to skip, -1 = malformed, with the reason in why[cap]. */
int cxf_trace_parse_line(const char *line, struct cxf_trace_rec *r, char *why, size_t cap);

/* Read a whole trace. Errors are one line: "trace FILE:LINE: reason", or
 * "trace FILE: reason" for the file as a whole (missing, too large, no
 * accesses). On error *t is left empty. */
int cxf_trace_load(struct cxf_trace *t, const char *path, const struct cxf_trace_opts *o,
                   struct cxf_err *e);
void cxf_trace_free(struct cxf_trace *t);

/* ------------------------------------------------------ replay (wl_trace.c) */

/* One naturally aligned guest access of 1, 2, 4 or 8 bytes. */
struct cxf_trace_piece {
    uint64_t gpa;
    unsigned size;
};

/* The slice of guest memory vCPU `id` of `nvcpus` replays into: mem_size /
 * nvcpus rounded down to 4 KiB (0 if smaller than a page). */
uint64_t cxf_trace_slice(uint64_t mem_size, unsigned nvcpus);

/* Where record r lands for a vCPU whose slice starts at `base`: a pure
 * function of the record, min_addr and the slice. Returns the number of
 * pieces (at most CXF_TRACE_MAX_PIECES). */
unsigned cxf_trace_map(const struct cxf_trace_rec *r, uint64_t min_addr, uint64_t base,
                       uint64_t slice, struct cxf_trace_piece *out);

/* The value piece k of the seq-th record a vCPU replays stores (truncated
 * to the piece size; a modify XORs it into what it loaded). */
uint64_t cxf_trace_store_value(uint64_t seed, uint64_t seq, unsigned k);

#endif /* CXF_NODE_TRACE_H */
