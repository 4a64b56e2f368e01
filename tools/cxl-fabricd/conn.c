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

#define READ_CHUNK 65536u

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

/* The line buffer grew past the limit without a newline: answer once, then
 * drop bytes until the line ends. */
static bool overlong(struct conn *c)
{
    struct cxf_err e;
    cxf_fail(&e, -E2BIG, "request longer than %u bytes; its remainder is discarded",
             CXF_PROTO_MAX_LINE);
    c->in_len = 0;
    c->discarding = true;
    return conn_send(c, cxf_proto_response(NULL, -E2BIG, NULL, &e, -1));
}

/* Split what arrived into lines and answer them. */
static bool take_lines(struct conn *c, struct cxf_ctl *ctl, const char *p, size_t n)
{
    while (n) {
        const char *nl = memchr(p, '\n', n);
        size_t part = nl ? (size_t)(nl - p) : n;
        if (c->discarding) {
            c->discarding = !nl;
        } else if (c->in_len + part > CXF_PROTO_MAX_LINE) {
            if (!overlong(c))
                return false;
            c->discarding = !nl;
        } else if (nl && !c->in_len) {
            if (!handle_line(c, ctl, p, part)) /* the common case: no copy */
                return false;
        } else {
            if (!append(&c->in, &c->in_len, &c->in_cap, p, part))
                return false;
            if (nl) {
                bool ok = handle_line(c, ctl, c->in, c->in_len);
                c->in_len = 0;
                if (!ok)
                    return false;
            }
        }
        p += part + (nl != NULL);
        n -= part + (nl != NULL);
    }
    return true;
}

bool conn_read(struct conn *c, struct cxf_ctl *ctl)
{
    static char buf[READ_CHUNK];
    for (int rounds = 0; rounds < 16; rounds++) { /* then let others have a turn */
        ssize_t n = read(c->fd, buf, sizeof(buf));
        if (n > 0) {
            if (!take_lines(c, ctl, buf, (size_t)n))
                return false;
            continue;
        }
        if (n == 0) { /* a last request may lack its newline */
            c->eof = true;
            bool ok = c->discarding || !c->in_len || handle_line(c, ctl, c->in, c->in_len);
            c->in_len = 0;
            return ok;
        }
        if (errno == EINTR)
            continue;
        return errno == EAGAIN || errno == EWOULDBLOCK;
    }
    return true;
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
    return c->eof && !conn_has_waits(c) && c->out_off == c->out_len;
}
