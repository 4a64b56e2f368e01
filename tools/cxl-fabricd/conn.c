/*
 * tools/cxl-fabricd/conn.c - one client connection: lines in, responses
 * out, answers that come later.
 *
 * Clients are untrusted and independent: a line is bounded, a client that
 * does not read is cut off, a client that goes away takes its waiters with
 * it, and nothing a client does blocks the others (every socket is
 * non-blocking and served from the one loop).
 */
#include "fabricd.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Input buffered per client: a whole request of the maximum size fits. */
#define IN_BUF (CXF_PROTO_MAX_LINE + 65536u)

struct conn *conn_new(int fd, unsigned serial)
{
    struct conn *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->fd = fd;
    c->serial = serial;
    return c;
}

void conn_free(struct conn *c, struct cxf_ctl *ctl)
{
    for (unsigned i = 0; i < MAX_WAITS; i++)
        if (c->wait[i].used) {
            cxf_ctl_wait_drop(ctl, &c->wait[i].w);
            json_object_put(c->wait[i].id);
        }
    close(c->fd);
    free(c->in);
    free(c->out);
    free(c);
}

static bool append(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
    if (*len + n > *cap) {
        size_t want = *cap ? *cap : 4096;
        while (want < *len + n)
            want *= 2;
        char *p = realloc(*buf, want);
        if (!p)
            return false;
        *buf = p;
        *cap = want;
    }
    memcpy(*buf + *len, s, n);
    *len += n;
    return true;
}

bool conn_send(struct conn *c, struct json_object *resp)
{
    size_t n;
    const char *s = json_object_to_json_string_length(
        resp, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);
    if (c->out_off) { /* drop what was written already */
        memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
        c->out_len -= c->out_off;
        c->out_off = 0;
    }
    bool ok = c->out_len + n + 1 <= OUT_MAX && append(&c->out, &c->out_len, &c->out_cap, s, n) &&
              append(&c->out, &c->out_len, &c->out_cap, "\n", 1);
    json_object_put(resp);
    return ok;
}

static struct waiter *free_waiter(struct conn *c)
{
    for (unsigned i = 0; i < MAX_WAITS; i++)
        if (!c->wait[i].used)
            return &c->wait[i];
    return NULL;
}

/* One request line: answered now, or parked in a waiter. */
static bool handle_line(struct conn *c, struct cxf_ctl *ctl, const char *line, size_t len)
{
    while (len && line[len - 1] == '\r')
        len--;
    if (!len)
        return true; /* blank lines are keep-alives */
    struct waiter *w = free_waiter(c);
    struct cxf_ctl_wait scratch;
    struct json_object *id = NULL;
    struct json_object *resp = cxf_proto_request(ctl, line, len, w ? &w->w : &scratch, &id);
    if (resp)
        return conn_send(c, resp);
    if (!w) { /* all waiters busy: refuse instead of parking */
        cxf_ctl_wait_drop(ctl, &scratch);
        struct cxf_err e;
        cxf_fail(&e, -EBUSY, "%u answers are awaited already; wait for one first", MAX_WAITS);
        bool ok = conn_send(c, cxf_proto_response(id, -EBUSY, NULL, &e, -1));
        json_object_put(id);
        return ok;
    }
    w->used = true;
    w->id = id;
    return true;
}

/* A line past the limit: answer once, then drop its bytes until it ends. */
static bool overlong(struct conn *c)
{
    struct cxf_err e;
    cxf_fail(&e, -E2BIG, "request longer than %u bytes; its remainder is discarded",
             CXF_PROTO_MAX_LINE);
    return conn_send(c, cxf_proto_response(NULL, -E2BIG, NULL, &e, -1));
}

bool conn_read(struct conn *c)
{
    if (!c->in && !(c->in = malloc(IN_BUF)))
        return false;
    while (c->in_len < IN_BUF) {
        ssize_t n = read(c->fd, c->in + c->in_len, IN_BUF - c->in_len);
        if (n > 0) {
            c->in_len += (size_t)n;
            return true; /* one read per turn: the others get theirs */
        }
        if (n == 0) {
            c->eof = true;
            return true;
        }
        if (errno != EINTR)
            return errno == EAGAIN || errno == EWOULDBLOCK;
    }
    return true;
}

/* The bytes up to the next line end from `off` (the whole rest at EOF: a
 * last request may lack its newline); false when no line is complete. */
static bool next_line(const struct conn *c, size_t off, size_t *len, size_t *used)
{
    const char *nl = off < c->in_len ? memchr(c->in + off, '\n', c->in_len - off) : NULL;
    if (nl) {
        *len = (size_t)(nl - (c->in + off));
        *used = *len + 1;
        return true;
    }
    *len = *used = c->in_len - off;
    return c->eof && *len;
}

bool conn_process(struct conn *c, struct cxf_ctl *ctl, unsigned budget)
{
    size_t off = 0, len, used;
    if (!c->in_len)
        return true;
    bool ok = true;
    for (; ok && budget && next_line(c, off, &len, &used); budget--, off += used) {
        if (c->discarding)
            c->discarding = false; /* the oversized line's tail ends here */
        else
            ok = len > CXF_PROTO_MAX_LINE ? overlong(c) : handle_line(c, ctl, c->in + off, len);
    }
    /* no line end within the limit: the line is oversized */
    if (ok && !next_line(c, off, &len, &used) && len > CXF_PROTO_MAX_LINE) {
        if (!c->discarding)
            ok = overlong(c);
        c->discarding = true;
        off = c->in_len;
    }
    memmove(c->in, c->in + off, c->in_len - off);
    c->in_len -= off;
    return ok;
}

bool conn_wants_input(const struct conn *c)
{
    return !c->eof && c->in_len < IN_BUF;
}

bool conn_has_lines(const struct conn *c)
{
    size_t len, used;
    return c->in_len && next_line(c, 0, &len, &used);
}

bool conn_flush(struct conn *c)
{
    while (c->out_off < c->out_len) {
        ssize_t n = write(c->fd, c->out + c->out_off, c->out_len - c->out_off);
        if (n > 0) {
            c->out_off += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    }
    c->out_off = c->out_len = 0;
    return true;
}

void conn_poll_waits(struct conn *c, struct cxf_ctl *ctl)
{
    for (unsigned i = 0; i < MAX_WAITS; i++) {
        struct waiter *w = &c->wait[i];
        if (!w->used)
            continue;
        struct json_object *result = NULL;
        struct cxf_err e = {{0}};
        int rc = cxf_ctl_wait_poll(ctl, &w->w, &result, &e);
        if (rc == CXF_CTL_LATER)
            continue;
        if (rc)
            cxf_ctl_wait_drop(ctl, &w->w);
        conn_send(c, cxf_proto_response(w->id, rc, result, &e, -1));
        json_object_put(w->id);
        w->id = NULL;
        w->used = false;
    }
}

bool conn_has_waits(const struct conn *c)
{
    for (unsigned i = 0; i < MAX_WAITS; i++)
        if (c->wait[i].used)
            return true;
    return false;
}

bool conn_done(const struct conn *c)
{
    return c->eof && !conn_has_lines(c) && !conn_has_waits(c) && c->out_off == c->out_len;
}
