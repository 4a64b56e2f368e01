/*
 * tools/common/cmdline.c - a subcommand's argv -> its request arguments,
 * driven by the subcommand's option table (subcmd.h).
 *
 * Values are checked here with the project's one parser for sizes,
 * durations and rates (sim/parse.h), so a mistyped argument is one line
 * and exit 2 before the daemon is ever asked. What only the daemon can
 * judge (does the VM exist, is the spec a workload) it judges.
 */
#include "cli.h"
#include "fabric/fabric.h" /* cxf_name_chars_valid, CXF_NAME_MAX */
#include "render.h"
#include "subcmd.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <string.h>

#define MAX_OPTS   48
#define OPT_BASE   256            /* getopt value of opts[i] is OPT_BASE + i */
#define OPT_SOCKET (OPT_BASE - 1)

int cxf_cmdline_error(const struct cxf_cmdline *cl, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: %s: ", cl->prog, cl->sub);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return -1;
}

static const char *key_of(const struct cxf_opt *o)
{
    return o->key ? o->key : o->name;
}

/* How messages name an option: "--mem", or a positional's label "NAME". */
static const char *what(const struct cxf_opt *o, char *buf, size_t len)
{
    snprintf(buf, len, "%s%s", o->flags & CXF_OPT_POSITIONAL ? "" : "--", o->name);
    return buf;
}

struct json_object *cxf_cmdline_local(const struct cxf_cmdline *cl, const char *name)
{
    return cxf_jget(cl->local, name);
}

int cxf_cmdline_set(struct cxf_cmdline *cl, const struct cxf_opt *o, struct json_object *v)
{
    struct json_object *into = o->flags & CXF_OPT_LOCAL ? cl->local : cl->args;
    char w[48];
    if (json_object_object_get_ex(into, key_of(o), NULL)) {
        json_object_put(v);
        return cxf_cmdline_error(cl, "%s is given twice", what(o, w, sizeof(w)));
    }
    json_object_object_add(into, key_of(o), v);
    return 0;
}

/* ------------------------------------------------------------- values */

static int name_value(struct cxf_cmdline *cl, const struct cxf_opt *o, const char *s, const char *w)
{
    if (!*s || strlen(s) >= CXF_NAME_MAX || !cxf_name_chars_valid(s))
        return cxf_cmdline_error(cl, "%s: '%.40s' is not a name (1 to %u letters, digits, '-', "
                                     "'_' or '.')", w, s, CXF_NAME_MAX - 1);
    return cxf_cmdline_set(cl, o, json_object_new_string(s));
}

static int size_value(struct cxf_cmdline *cl, const struct cxf_opt *o, const char *s, const char *w)
{
    uint64_t n = 0;
    char unit[32];
    int rc = cxf_parse_u64(s, true, &n);
    if (rc == -ERANGE)
        return cxf_cmdline_error(cl, "%s: %.40s is too large", w, s);
    if (rc)
        return cxf_cmdline_error(cl, "%s: '%.40s' is not a size (bytes, 0x-hex, or with a "
                                     "K/M/G/T suffix)", w, s);
    if (o->lo && (n < o->lo || n % o->lo))
        return cxf_cmdline_error(cl, "%s: %.40s is not a positive multiple of %s", w, s,
                                 cxf_fmt_size(unit, sizeof(unit), o->lo));
    return cxf_cmdline_set(cl, o, json_object_new_uint64(n));
}

static int uint_value(struct cxf_cmdline *cl, const struct cxf_opt *o, const char *s, const char *w)
{
    uint64_t n = 0;
    int rc = cxf_parse_u64(s, false, &n);
    if (rc == -EINVAL)
        return cxf_cmdline_error(cl, "%s: '%.40s' is not a number (decimal or 0x-hex)", w, s);
    if (rc || n < o->lo || n > o->hi)
        return cxf_cmdline_error(cl, "%s: %.40s is out of range (%" PRIu64 " to %" PRIu64 ")", w,
                                 s, o->lo, o->hi);
    return cxf_cmdline_set(cl, o, json_object_new_uint64(n));
}

/* Sent in nanoseconds with the unit written out, so the daemon's default
 * unit for a bare number (ms for downtime-limit) cannot misread it. */
static int duration_value(struct cxf_cmdline *cl, const struct cxf_opt *o, const char *s,
                          const char *w)
{
    uint64_t ns = 0;
    char buf[32];
    int rc = cxf_parse_duration(s, o->lo, &ns);
    if (rc == -ERANGE)
        return cxf_cmdline_error(cl, "%s: %.40s is too long a time", w, s);
    if (rc)
        return cxf_cmdline_error(cl, "%s: '%.40s' is not a duration such as 500us, 2ms or 1s%s",
                                 w, s, o->lo ? "" : " (a unit is needed)");
    snprintf(buf, sizeof(buf), "%" PRIu64 "ns", ns);
    return cxf_cmdline_set(cl, o, json_object_new_string(buf));
}

static int rate_value(struct cxf_cmdline *cl, const struct cxf_opt *o, const char *s, const char *w)
{
    uint64_t r = 0;
    if (cxf_parse_rate(s, &r))
        return cxf_cmdline_error(cl, "%s: '%.40s' is not a rate such as 25Gbit, 2GB/s or 500M",
                                 w, s);
    if (r < o->lo)
        return cxf_cmdline_error(cl, "%s: the rate must not be 0", w);
    return cxf_cmdline_set(cl, o, json_object_new_uint64(r));
}

static int choice_value(struct cxf_cmdline *cl, const struct cxf_opt *o, const char *s,
                        const char *w)
{
    char list[160] = "";
    for (const char *const *c = o->choices; *c; c++) {
        if (!strcmp(s, *c))
            return cxf_cmdline_set(cl, o, json_object_new_string(s));
        size_t n = strlen(list);
        snprintf(list + n, sizeof(list) - n, "%s%s", n ? ", " : "", *c);
    }
    return cxf_cmdline_error(cl, "%s: '%.40s' is not one of %s", w, s, list);
}

/* 0, or -1 after one line */
static int value(struct cxf_cmdline *cl, const struct cxf_opt *o, const char *s)
{
    char w[48];
    what(o, w, sizeof(w));
    switch (o->kind) {
    case CXF_OPT_FLAG: return cxf_cmdline_set(cl, o, json_object_new_boolean(1));
    case CXF_OPT_STR: return cxf_cmdline_set(cl, o, json_object_new_string(s));
    case CXF_OPT_NAME: return name_value(cl, o, s, w);
    case CXF_OPT_SIZE: return size_value(cl, o, s, w);
    case CXF_OPT_UINT: return uint_value(cl, o, s, w);
    case CXF_OPT_DURATION: return duration_value(cl, o, s, w);
    case CXF_OPT_RATE: return rate_value(cl, o, s, w);
    case CXF_OPT_CHOICE: return choice_value(cl, o, s, w);
    case CXF_OPT_CUSTOM: return o->parse(cl, o, s);
    }
    return -1;
}

/* ------------------------------------------------------------- getopt */

static const struct cxf_opt no_opts[] = {{NULL}};

static const struct cxf_opt *opts_of(const struct cxf_cmdline *cl)
{
    return cl->s->opts ? cl->s->opts : no_opts;
}

/* getopt_long's tables from the option table, plus -j, --socket, -h. */
static void build(const struct cxf_opt *opts, struct option *lo, char *shorts)
{
    size_t k = 0, n = 0;
    shorts[n++] = ':'; /* ':' for a missing value, not '?' */
    for (size_t i = 0; opts[i].name && i < MAX_OPTS; i++) {
        const struct cxf_opt *o = &opts[i];
        if (o->flags & CXF_OPT_POSITIONAL)
            continue;
        int has = !o->metavar                       ? no_argument
                  : o->flags & CXF_OPT_MAYBE_VALUE ? optional_argument
                                                   : required_argument;
        lo[k++] = (struct option){o->name, has, NULL, OPT_BASE + (int)i};
        if (o->short_name) {
            shorts[n++] = o->short_name;
            if (has == required_argument)
                shorts[n++] = ':';
        }
    }
    lo[k++] = (struct option){"json", no_argument, NULL, 'j'};
    lo[k++] = (struct option){"socket", required_argument, NULL, OPT_SOCKET};
    lo[k++] = (struct option){"help", no_argument, NULL, 'h'};
    lo[k] = (struct option){NULL, 0, NULL, 0};
    memcpy(&shorts[n], "jh", 3);
}

/* getopt said '?': an unknown, ambiguous or value-taking-no-value option. */
static int unknown(const struct cxf_cmdline *cl, const struct option *lo, const char *word)
{
    if (strncmp(word, "--", 2))
        return cxf_cmdline_error(cl, "unknown option -%c (see '%s %s --help')",
                                 optopt ? optopt : '?', cl->prog, cl->sub);
    size_t n = strcspn(word + 2, "="), matches = 0;
    bool exact = false;
    for (const struct option *o = lo; o->name; o++) {
        matches += !strncmp(o->name, word + 2, n);
        exact |= strlen(o->name) == n && !strncmp(o->name, word + 2, n);
    }
    if (exact)
        return cxf_cmdline_error(cl, "option --%.*s takes no value", (int)n, word + 2);
    if (matches > 1)
        return cxf_cmdline_error(cl, "option '--%.*s' is ambiguous (see '%s %s --help')", (int)n,
                                 word + 2, cl->prog, cl->sub);
    return cxf_cmdline_error(cl, "unknown option '%.*s' (see '%s %s --help')", (int)n + 2, word,
                             cl->prog, cl->sub);
}

static const struct cxf_opt *by_short(const struct cxf_opt *opts, int c)
{
    for (; opts->name; opts++)
        if (opts->short_name == c && !(opts->flags & CXF_OPT_POSITIONAL))
            return opts;
    return NULL;
}

/* One getopt result: 0, -1 after one line, or 1 when --help was printed. */
static int option(struct cxf_cmdline *cl, const struct option *lo, int c, char **argv)
{
    const struct cxf_opt *opts = opts_of(cl);
    const char *word = argv[optind - 1];
    switch (c) {
    case 'h': cxf_subcmd_usage(stdout, cl); return 1;
    case 'j': cl->json = true; return 0;
    case OPT_SOCKET:
        if (!*optarg)
            return cxf_cmdline_error(cl, "--socket needs a path");
        cl->socket = optarg;
        return 0;
    case ':':
        if (!strncmp(word, "--", 2))
            return cxf_cmdline_error(cl, "option %.*s needs a value", (int)strcspn(word, "="),
                                     word);
        return cxf_cmdline_error(cl, "option -%c needs a value", optopt);
    case '?': return unknown(cl, lo, word);
    default: break;
    }
    const struct cxf_opt *o = c >= OPT_BASE ? &opts[c - OPT_BASE] : by_short(opts, c);
    return o ? value(cl, o, optarg) : unknown(cl, lo, word);
}

static int positionals(struct cxf_cmdline *cl, int n, char **words)
{
    int w = 0;
    for (const struct cxf_opt *o = opts_of(cl); o->name; o++)
        if (o->flags & CXF_OPT_POSITIONAL && w < n && value(cl, o, words[w++]))
            return -1;
    if (w < n)
        return cxf_cmdline_error(cl, "unexpected argument '%.60s' (see '%s %s --help')", words[w],
                                 cl->prog, cl->sub);
    return 0;
}

static int required(struct cxf_cmdline *cl)
{
    for (const struct cxf_opt *o = opts_of(cl); o->name; o++) {
        struct json_object *in = o->flags & CXF_OPT_LOCAL ? cl->local : cl->args;
        if (!(o->flags & CXF_OPT_REQUIRED) || json_object_object_get_ex(in, key_of(o), NULL))
            continue;
        if (o->flags & CXF_OPT_POSITIONAL)
            return cxf_cmdline_error(cl, "missing %s (see '%s %s --help')", o->name, cl->prog,
                                     cl->sub);
        return cxf_cmdline_error(cl, "missing --%s %s", o->name, o->metavar ? o->metavar : "");
    }
    return 0;
}

int cxf_cmdline_parse(struct cxf_cmdline *cl, int argc, char **argv)
{
    struct option lo[MAX_OPTS + 4];
    char shorts[3 * MAX_OPTS + 8];
    build(opts_of(cl), lo, shorts);
    optind = 0; /* glibc: start afresh; argv[0] (the subcommand) is skipped */
    opterr = 0;
    int c, rc = 0;
    while (!rc && (c = getopt_long(argc, argv, shorts, lo, NULL)) != -1)
        rc = option(cl, lo, c, argv);
    if (rc == 1)
        return -1;
    if (!rc)
        rc = positionals(cl, argc - optind, argv + optind);
    if (!rc)
        rc = required(cl);
    if (!rc && cl->s->check)
        rc = cl->s->check(cl);
    return rc ? CXF_EXIT_USAGE : 0;
}
