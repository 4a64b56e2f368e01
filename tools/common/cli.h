/*
 * tools/common/cli.h - what every command-line tool shares: number and size
 * parsing, the one-line error convention, JSON printing.
 */
#ifndef CXF_CLI_H
#define CXF_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/parse.h" /* cxf_parse_u64 and friends */

struct json_object;

/* Exit codes shared by the tools. */
#define CXF_EXIT_OK    0
#define CXF_EXIT_FAIL  1  /* the operation ran and reported failure */
#define CXF_EXIT_USAGE 2  /* bad arguments */

/* Parse a number given for `what` (an option or argument name) and check
 * it is at most `max`; on failure print one line saying what was wrong and
 * return -1. `size` allows K/M/G/T suffixes. */
int cxf_cli_u64(const char *prog, const char *what, const char *s, bool size, uint64_t max,
                uint64_t *out);

/* One line for a getopt failure (c is what getopt_long returned: '?' or ':'). */
void cxf_cli_getopt_error(const char *prog, int c, char *const *argv);

/* Print "PROG: message" to stderr as one line. */
void cxf_cli_error(const char *prog, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Print a JSON value on stdout (pretty, 2-space indent as ndctl does) and
 * drop the reference. */
void cxf_cli_print_json(struct json_object *o);

/* "0x1f" style string for JSON addresses (static buffer per call site use). */
struct json_object *cxf_json_hex(uint64_t v);

#endif
