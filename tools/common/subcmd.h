/*
 * tools/common/subcmd.h - a CLI subcommand described as a table.
 *
 * A subcommand names the daemon command it sends and lists its positional
 * arguments and options, each with the request argument it fills and how
 * its value is checked. From that one table:
 *   - argv becomes the request's JSON args; every syntax error is one line
 *     "PROG: SUB: ..." and exit 2, before any connection is made;
 *   - --help and the command listings are written;
 *   - the request is sent and the answer shown: as JSON with -j, else by
 *     the subcommand's `show`.
 * Every subcommand takes -j/--json, --socket PATH and -h/--help.
 */
#ifndef CXF_SUBCMD_H
#define CXF_SUBCMD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct json_object;
struct cxf_cmdline;

enum cxf_opt_kind {
    CXF_OPT_FLAG,     /* no value: true */
    CXF_OPT_STR,      /* any text, sent as it is */
    CXF_OPT_NAME,     /* a name: 1-31 letters, digits, '-', '_', '.' */
    CXF_OPT_SIZE,     /* bytes, K/M/G/T suffixes; when lo > 0, a multiple of lo, at least lo */
    CXF_OPT_UINT,     /* an integer from lo to hi */
    CXF_OPT_DURATION, /* "500us", "2ms"; a bare number counts units of lo ns (lo 0: unit needed) */
    CXF_OPT_RATE,     /* bytes per second: "25Gbit", "2GB/s", "500M" */
    CXF_OPT_CHOICE,   /* one of `choices` */
    CXF_OPT_CUSTOM,   /* `parse` checks it and fills the request */
};

#define CXF_OPT_REQUIRED    0x1u /* must be given */
#define CXF_OPT_POSITIONAL  0x2u /* a word after the subcommand, in table order */
#define CXF_OPT_LOCAL       0x4u /* for the CLI itself (cl->local), not sent */
#define CXF_OPT_MAYBE_VALUE 0x8u /* --name or --name=VALUE (value NULL when absent) */

struct cxf_opt {
    const char *name;     /* the long option without "--", or a positional's label */
    char short_name;      /* 0: none */
    const char *metavar;  /* the value in help ("SIZE"); NULL for a flag */
    enum cxf_opt_kind kind;
    unsigned flags;
    const char *key;      /* the request argument it fills; NULL: the same as name */
    uint64_t lo, hi;      /* see the kinds */
    const char *const *choices; /* NULL-terminated */
    /* CXF_OPT_CUSTOM: 0, or -1 after one line (cxf_cmdline_error) */
    int (*parse)(struct cxf_cmdline *cl, const struct cxf_opt *o, const char *value);
    const char *help;
};

struct cxf_subcmd {
    const char *name;          /* "create"; NULL ends a list */
    const char *cmd;           /* the daemon command it sends ("vm.create") */
    const struct cxf_opt *opts; /* ends with a NULL name; NULL: none */
    const char *summary;       /* one line */
    /* the options taken together: 0, or -1 after one line */
    int (*check)(struct cxf_cmdline *cl);
    /* instead of sending cmd: does everything, returns the exit code */
    int (*run)(struct cxf_cmdline *cl);
    /* the answer for a person (NULL: printed as JSON) */
    void (*show)(struct cxf_cmdline *cl, struct json_object *result);
    /* the exit code the answer means (NULL: 0), with its one line if not 0 */
    int (*verdict)(struct cxf_cmdline *cl, struct json_object *result);
};

/* A parsed command line. */
struct cxf_cmdline {
    const char *prog;           /* "cxl-fabric" */
    char sub[48];               /* "vm create", for messages */
    const struct cxf_subcmd *s;
    struct json_object *args;   /* the request's arguments */
    struct json_object *local;  /* values of CXF_OPT_LOCAL options */
    const char *socket;         /* --socket, or NULL */
    bool json;                  /* -j */
};

/* Run the subcommand argv[1] names from `subs`. `group` ("vm") prefixes it
 * in messages and help; NULL for a CLI whose subcommands are top-level.
 * Returns the exit code. */
int cxf_subcmd_dispatch(const char *prog, const char *group, const struct cxf_subcmd *subs,
                        int argc, char **argv);
/* Run one subcommand; argv[0] is its name. */
int cxf_subcmd_run(const char *prog, const char *group, const struct cxf_subcmd *s, int argc,
                   char **argv);
/* Show an answer as the default run does (JSON with -j, else s->show) and
 * return its verdict; drops the reference. */
int cxf_subcmd_finish(struct cxf_cmdline *cl, struct json_object *result);
/* Send cl->s->cmd with cl->args: 0 with *result, or an exit code. */
int cxf_subcmd_call(struct cxf_cmdline *cl, struct json_object **result);

/* Store a value for an option (into args, or local for CXF_OPT_LOCAL),
 * refusing a second value for the same argument: 0 or -1 after one line.
 * Takes the reference to v. */
int cxf_cmdline_set(struct cxf_cmdline *cl, const struct cxf_opt *o, struct json_object *v);
/* "PROG: SUB: message" on stderr; returns -1. */
int cxf_cmdline_error(const struct cxf_cmdline *cl, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A local option's value (NULL when not given). */
struct json_object *cxf_cmdline_local(const struct cxf_cmdline *cl, const char *name);

/* Parse argv into cl, as the runner does before anything else: 0,
 * CXF_EXIT_USAGE after one line, or -1 when --help was printed. */
int cxf_cmdline_parse(struct cxf_cmdline *cl, int argc, char **argv);

/* Help: the synopsis of each subcommand, and one subcommand's full text. */
void cxf_subcmd_synopses(FILE *f, const char *prog, const char *group,
                         const struct cxf_subcmd *subs);
void cxf_subcmd_usage(FILE *f, const struct cxf_cmdline *cl);

#endif
