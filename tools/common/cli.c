/*
 * tools/common/cli.c - shared command-line helpers.
 */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int suffix_shift(char c, unsigned *shift)
{
    switch (toupper((unsigned char)c)) {
    case 'K': *shift = 10; return 0;
    case 'M': *shift = 20; return 0;
    case 'G': *shift = 30; return 0;
    case 'T': *shift = 40; return 0;
    default: return -EINVAL;
    }
}

int cxf_parse_u64(const char *s, bool allow_suffix, uint64_t *out)
{
    if (!s || !*s)
        return -EINVAL;
    unsigned base = 10;
    const char *p = s;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    }
    uint64_t v = 0;
    const char *digits = p;
    for (; *p; p++) {
        int d;
        if (isdigit((unsigned char)*p))
            d = *p - '0';
        else if (base == 16 && isxdigit((unsigned char)*p))
            d = tolower((unsigned char)*p) - 'a' + 10;
        else
            break;
        if (v > (UINT64_MAX - (uint64_t)d) / base)
            return -ERANGE;
        v = v * base + (uint64_t)d;
    }
    if (p == digits)
        return -EINVAL;
    if (*p) {
        unsigned shift;
        if (!allow_suffix || suffix_shift(*p, &shift) || p[1] != '\0')
            return -EINVAL;
        if (v > (UINT64_MAX >> shift))
            return -ERANGE;
        v <<= shift;
    }
    *out = v;
    return 0;
}

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
