/*
 * tools/common/cli.c - shared command-line helpers.
 */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>


void cxf_cli_error(const char *prog, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void cxf_cli_print_json(struct json_object *o)
{
    int flags = JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE;
    printf("%s\n", json_object_to_json_string_ext(o, flags));
    json_object_put(o);
}

struct json_object *cxf_json_hex(uint64_t v)
{
    char buf[24];
    snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
    return json_object_new_string(buf);
}

int cxf_cli_u64(const char *prog, const char *what, const char *s, bool size, uint64_t max,
                uint64_t *out)
{
    int rc = cxf_parse_u64(s, size, out);
    if (rc == 0 && *out <= max)
        return 0;
    if (rc == 0 || rc == -ERANGE)
        cxf_cli_error(prog, "%s: %s is too large (at most %" PRIu64 ")", what, s, max);
    else
        cxf_cli_error(prog, "%s: '%s' is not a %s", what, s,
                      size ? "size (bytes, 0x-hex, or with a K/M/G/T suffix)"
                           : "number (decimal or 0x-hex)");
    return -1;
}

void cxf_cli_getopt_error(const char *prog, int c, char *const *argv)
{
    /* getopt leaves the offending word at argv[optind - 1], except for an
     * unknown letter inside a cluster ("-xyz"), which only optopt names. */
    const char *word = argv[optind - 1];
    bool long_opt = !strncmp(word, "--", 2);
    if (c == ':')
        cxf_cli_error(prog, "option %s needs a value", word);
    else if (!long_opt && optopt)
        cxf_cli_error(prog, "unknown option -%c (see --help)", optopt);
    else
        cxf_cli_error(prog, "unknown option '%s' (see --help)", word);
}
