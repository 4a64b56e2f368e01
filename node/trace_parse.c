/*
 * node/trace_parse.c - reading valgrind lackey traces (format in trace.h).
 *
 * The parser is strict: a trace is user input that drives guest memory, so
 * a line that is neither a lackey record nor a valgrind message stops the
 * load with the file and line, rather than being guessed at. The file is
 * read once, into an array of records, before the VM runs.
 */
#include "trace.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define WHY_SNIPPET 24 /* characters of an offending field quoted back */

void cxf_trace_opts_default(struct cxf_trace_opts *o)
{
    o->fetch = false;
    o->max_bytes = CXF_TRACE_MAX_BYTES;
    o->max_records = CXF_TRACE_MAX_RECORDS;
}

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static unsigned hex_value(char c)
{
    return is_digit(c) ? (unsigned)(c - '0') : (unsigned)((c | 0x20) - 'a' + 10);
}

/* valgrind's own lines: "==PID==", "--PID--" or "**PID**", then text. */
static bool is_valgrind_message(const char *s)
{
    char d = s[0];
    if ((d != '=' && d != '-' && d != '*') || s[1] != d || !is_digit(s[2]))
        return false;
    s += 2;
    while (is_digit(*s))
        s++;
    return s[0] == d && s[1] == d;
}

static bool is_blank(const char *s)
{
    return s[strspn(s, " \t")] == '\0';
}

/* The record's kind from its first three characters; -1 if none. */
static int record_op(const char *s)
{
    if (s[0] == 'I' && s[1] == ' ' && s[2] == ' ')
        return CXF_TR_FETCH;
    if (s[0] != ' ' || s[2] != ' ')
        return -1;
    switch (s[1]) {
    case 'L': return CXF_TR_LOAD;
    case 'S': return CXF_TR_STORE;
    case 'M': return CXF_TR_MODIFY;
    default: return -1;
    }
}

/* Quote at most WHY_SNIPPET characters of the offending field: a line can
 * be arbitrarily long, the error is one line. */
__attribute__((format(printf, 3, 0)))
static int malformed(char *why, size_t cap, const char *fmt, const char *field)
{
    snprintf(why, cap, fmt, WHY_SNIPPET, field);
    return -1;
}

/* "HEX,DEC" with nothing after it. */
static int parse_access(const char *s, struct cxf_trace_rec *r, char *why, size_t cap)
{
    const char *p = s;
    uint64_t addr = 0;
    for (; is_hex(*p) && p - s < 16; p++)
        addr = addr << 4 | hex_value(*p);
    if (p == s || (*p != ',' && *p))
        return malformed(why, cap, "bad address '%.*s' (want 1-16 hex digits, no 0x)", s);
    if (*p != ',')
        return malformed(why, cap, "missing ',' between address and size in '%.*s'", s);
    const char *d = ++p;
    unsigned size = 0;
    for (; is_digit(*p) && p - d < 3; p++)
        size = size * 10 + (unsigned)(*p - '0');
    if (p == d || *p || size == 0 || size > CXF_TRACE_MAX_SIZE) {
        snprintf(why, cap, "bad size '%.*s' (want a decimal number from 1 to %u)", WHY_SNIPPET,
                 d, CXF_TRACE_MAX_SIZE);
        return -1;
    }
    if (addr > UINT64_MAX - (size - 1))
        return malformed(why, cap, "access '%.*s' wraps past the end of the address space", s);
    r->addr = addr;
    r->size = (uint8_t)size;
    return 1;
}

int cxf_trace_parse_line(const char *line, struct cxf_trace_rec *r, char *why, size_t cap)
{
    if (is_blank(line) || is_valgrind_message(line))
        return 0;
    /* not blank: a line starting with a space has a second character, so
     * record_op may look at the third */
    int op = record_op(line);
    if (op < 0)
        return malformed(why, cap,
                         "'%.*s' is not a lackey line ('I  ADDR,SIZE', ' L|S|M ADDR,SIZE' "
                         "or '==PID== ...')",
                         line);
    r->op = (uint8_t)op;
    return parse_access(line + 3, r, why, cap);
}

void cxf_trace_free(struct cxf_trace *t)
{
    free(t->rec);
    memset(t, 0, sizeof(*t));
}

static int add_record(struct cxf_trace *t, const struct cxf_trace_rec *r)
{
    if (t->n == t->cap) {
        uint64_t cap = t->cap ? t->cap * 2 : 4096;
        struct cxf_trace_rec *grown = realloc(t->rec, cap * sizeof(*grown));
        if (!grown)
            return -ENOMEM;
        t->rec = grown;
        t->cap = cap;
    }
    if (!t->n || r->addr < t->min_addr)
        t->min_addr = r->addr;
    t->rec[t->n++] = *r;
    return 0;
}

/* One line of the file: keep its record, skip it, or fail. */
static int take_line(struct cxf_trace *t, const char *path, char *line, size_t len,
                     const struct cxf_trace_opts *o, struct cxf_err *e)
{
    char why[160];
    struct cxf_trace_rec r;
    t->lines++;
    while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        line[--len] = '\0';
    if (strlen(line) != len)
        return cxf_fail(e, -EINVAL, "trace %s:%llu: a NUL byte: this is not a text trace",
                        path, (unsigned long long)t->lines);
    int kind = cxf_trace_parse_line(line, &r, why, sizeof(why));
    if (kind < 0)
        return cxf_fail(e, -EINVAL, "trace %s:%llu: %s", path, (unsigned long long)t->lines,
                        why);
    if (kind == 0)
        return 0;
    if (r.op == CXF_TR_FETCH && !o->fetch) {
        t->fetches_skipped++;
        return 0;
    }
    if (t->n >= o->max_records)
        return cxf_fail(e, -EFBIG, "trace %s:%llu: more than %llu accesses (the limit)", path,
                        (unsigned long long)t->lines, (unsigned long long)o->max_records);
    if (add_record(t, &r))
        return cxf_fail(e, -ENOMEM, "trace %s:%llu: out of memory after %llu accesses", path,
                        (unsigned long long)t->lines, (unsigned long long)t->n);
    return 0;
}

/* Open without blocking (a FIFO must not hang the daemon), then insist on
 * a regular file within the size limit. */
static int open_trace(FILE **out, const char *path, const struct cxf_trace_opts *o,
                      struct cxf_err *e)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        int err = errno;
        return cxf_fail(e, -err, "trace %s: cannot open: %s", path, strerror(err));
    }
    struct stat st;
    int rc = 0;
    if (fstat(fd, &st) || !S_ISREG(st.st_mode))
        rc = cxf_fail(e, -EINVAL, "trace %s: not a regular file", path);
    else if ((uint64_t)st.st_size > o->max_bytes)
        rc = cxf_fail(e, -EFBIG, "trace %s: %llu bytes is more than the %llu-byte limit", path,
                      (unsigned long long)st.st_size, (unsigned long long)o->max_bytes);
    else if (!(*out = fdopen(fd, "r")))
        rc = cxf_fail(e, -ENOMEM, "trace %s: out of memory", path);
    if (rc)
        close(fd);
    return rc;
}

static int read_lines(struct cxf_trace *t, FILE *f, const char *path,
                      const struct cxf_trace_opts *o, struct cxf_err *e)
{
    char *line = NULL;
    size_t cap = 0, total = 0;
    ssize_t len;
    int rc = 0;
    while (!rc && (len = getline(&line, &cap, f)) >= 0) {
        total += (size_t)len;
        if (total > o->max_bytes) /* it grew since we looked */
            rc = cxf_fail(e, -EFBIG, "trace %s: more than the %llu-byte limit", path,
                          (unsigned long long)o->max_bytes);
        else
            rc = take_line(t, path, line, (size_t)len, o, e);
    }
    if (!rc && ferror(f))
        rc = cxf_fail(e, -EIO, "trace %s:%llu: read error", path,
                      (unsigned long long)t->lines + 1);
    free(line);
    return rc;
}

static int check_not_empty(const struct cxf_trace *t, const char *path, struct cxf_err *e)
{
    if (t->n)
        return 0;
    if (t->fetches_skipped)
        return cxf_fail(e, -EINVAL,
                        "trace %s: only instruction fetches, no loads or stores (fetch=1 "
                        "replays fetches)",
                        path);
    return cxf_fail(e, -EINVAL, "trace %s: no memory accesses (is it valgrind --tool=lackey "
                    "--trace-mem=yes output?)", path);
}

int cxf_trace_load(struct cxf_trace *t, const char *path, const struct cxf_trace_opts *o,
                   struct cxf_err *e)
{
    memset(t, 0, sizeof(*t));
    FILE *f = NULL;
    int rc = open_trace(&f, path, o, e);
    if (rc)
        return rc;
    rc = read_lines(t, f, path, o, e);
    fclose(f);
    if (!rc)
        rc = check_not_empty(t, path, e);
    if (rc)
        cxf_trace_free(t);
    return rc;
}
