/*
 * sim/parse.h - the numbers people type: sizes, durations, rates.
 *
 * One parser serves the config file, workload parameters, control requests
 * and the command-line tools, so "4K" or "2ms" means the same everywhere.
 * Each returns 0, -EINVAL for bad syntax or -ERANGE past 64 bits.
 */
#ifndef CXF_PARSE_H
#define CXF_PARSE_H

#include <stdbool.h>
#include <stdint.h>

/* Decimal or 0x-hex; with allow_suffix, an optional K/M/G/T suffix
 * (binary: K = 1024, as memory sizes are counted). */
int cxf_parse_u64(const char *s, bool allow_suffix, uint64_t *out);

/* A duration: a decimal number (fractions allowed: "1.5ms") and a unit
 * ns/us/ms/s; a bare number is in `bare_unit_ns` nanoseconds (0: a unit is
 * required). Result in nanoseconds, rounded to the nearest. */
int cxf_parse_duration(const char *s, uint64_t bare_unit_ns, uint64_t *ns);

/* A rate: a decimal number, an optional K/M/G/T multiplier (decimal, as
 * link and network rates are quoted: 1G = 10^9), an optional B (bytes,
 * the default) or bit, and an optional "/s": "25Gbit", "2GB/s", "500M".
 * Result in bytes per second. */
int cxf_parse_rate(const char *s, uint64_t *bytes_per_sec);

#endif /* CXF_PARSE_H */
