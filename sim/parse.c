/*
 * sim/parse.c - sizes, durations and rates as people type them.
 */
#include "parse.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Position of c in "KMGT" plus one (K = 1), or 0 when it is none of them. */
static unsigned multiplier_rank(char c)
{
    static const char units[] = "KMGT";
    const char *u = c ? strchr(units, toupper((unsigned char)c)) : NULL;
    return u ? (unsigned)(u - units) + 1 : 0;
}

static unsigned digit_value(char c)
{
    return isdigit((unsigned char)c) ? (unsigned)(c - '0')
                                     : (unsigned)(tolower((unsigned char)c) - 'a' + 10);
}

int cxf_parse_u64(const char *s, bool allow_suffix, uint64_t *out)
{
    if (!s)
        return -EINVAL;
    unsigned base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    const char *digits = s;
    uint64_t v = 0;
    for (; isxdigit((unsigned char)*s) && digit_value(*s) < base; s++) {
        unsigned d = digit_value(*s);
        if (v > (UINT64_MAX - d) / base)
            return -ERANGE;
        v = v * base + d;
    }
    if (s == digits)
        return -EINVAL;
    unsigned shift = 0;
    if (*s) {
        unsigned rank = allow_suffix ? multiplier_rank(*s) : 0;
        if (!rank || s[1])
            return -EINVAL;
        shift = 10 * rank;
    }
    if (v > UINT64_MAX >> shift)
        return -ERANGE;
    *out = v << shift;
    return 0;
}

/* A non-negative decimal number with an optional fraction ("1", "2.5"); no
 * sign, no exponent, no hex: what people write before a unit. */
static int parse_decimal(const char *s, double *v, const char **rest)
{
    const char *p = s;
    while (isdigit((unsigned char)*p))
        p++;
    if (*p == '.') {
        p++;
        while (isdigit((unsigned char)*p))
            p++;
    }
    if (p == s || (p == s + 1 && *s == '.'))
        return -EINVAL;
    *v = strtod(s, NULL);
    *rest = p;
    return 0;
}

/* value * scale as a u64, rounded; -ERANGE when it does not fit. */
static int scaled(double v, double scale, uint64_t *out)
{
    double x = nearbyint(v * scale);
    if (!isfinite(x) || x >= 18446744073709551616.0)
        return -ERANGE;
    *out = (uint64_t)x;
    return 0;
}

int cxf_parse_duration(const char *s, uint64_t bare_unit_ns, uint64_t *ns)
{
    static const struct { const char *name; double ns; } units[] = {
        {"ns", 1}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9},
    };
    double v;
    const char *unit;
    if (!s || parse_decimal(s, &v, &unit))
        return -EINVAL;
    if (!*unit)
        return bare_unit_ns ? scaled(v, (double)bare_unit_ns, ns) : -EINVAL;
    for (unsigned i = 0; i < sizeof(units) / sizeof(units[0]); i++)
        if (!strcmp(unit, units[i].name))
            return scaled(v, units[i].ns, ns);
    return -EINVAL;
}

int cxf_parse_rate(const char *s, uint64_t *bytes_per_sec)
{
    double v;
    const char *p;
    if (!s || parse_decimal(s, &v, &p))
        return -EINVAL;
    double scale = 1;
    unsigned rank = multiplier_rank(*p);
    if (rank) {
        scale = pow(1000.0, rank);
        p++;
    }
    if (!strncmp(p, "bit", 3)) {
        scale /= 8;
        p += 3;
    } else if (*p == 'B') {
        p++;
    }
    if (!strcmp(p, "/s"))
        p += 2;
    if (*p)
        return -EINVAL;
    return scaled(v, scale, bytes_per_sec);
}
