/*
 * tools/common/client.c - the control socket from the client's side:
 * connect, send a request line, read lines until the one answering it.
 *
 * The daemon may interleave answers to other requests, split a line over
 * several reads, or close the socket (shutdown, too many clients); each of
 * those ends in a clear line rather than a hang or a crash.
 */
#include "client.h"
#include "cli.h"
#include "render.h"
#include "sockpath.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_RESPONSE (256u << 20) /* a response longer than this is not one */

/* Nothing answers at the path: say why and what to do about it. */
static void unreachable(const struct cxf_client *c, bool explicit_path, int err)
{
    if (err == EACCES || err == EPERM)
        cxf_cli_error(c->prog,
                      "cannot reach cxl-fabricd at %s (%s); the socket belongs to another user: "
                      "run as that user, or start your own with 'cxl-fabricd --daemon --socket "
                      "PATH'",
                      c->path, strerror(err));
    else
        cxf_cli_error(c->prog, "cannot reach cxl-fabricd at %s (%s); start it with "
                               "'cxl-fabricd --daemon%s%s'",
                      c->path, strerror(err), explicit_path ? " --socket " : "",
                      explicit_path ? c->path : "");
}

int cxf_client_open(struct cxf_client *c, const char *prog, const char *sock_path)
{
    memset(c, 0, sizeof(*c));
    c->prog = prog;
    c->fd = -1;
    c->next_id = 1;
    if (cxf_socket_path(sock_path, c->path, sizeof(c->path))) {
        cxf_cli_error(prog, "the socket path is too long (a unix socket path has at most %zu "
                            "bytes); choose a shorter one with --socket",
                      sizeof(c->path) - 1);
        return CXF_EXIT_USAGE;
    }
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    memcpy(sun.sun_path, c->path, strlen(c->path) + 1);
    c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int rc = c->fd < 0 ? -1 : 0;
    while (!rc && (rc = connect(c->fd, (struct sockaddr *)&sun, sizeof(sun))) < 0 && errno == EINTR)
        rc = 0;
    if (rc < 0) {
        unreachable(c, sock_path != NULL, errno);
        cxf_client_close(c);
        return CXF_EXIT_FAIL;
    }
    return 0;
}

void cxf_client_close(struct cxf_client *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    free(c->buf);
    c->buf = NULL;
    c->len = c->cap = 0;
}

static int send_all(int fd, const char *p, size_t n)
{
    while (n) {
        /* MSG_NOSIGNAL: a daemon gone away is an error line, not SIGPIPE */
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -errno;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int send_request(struct cxf_client *c, int64_t id, const char *cmd, struct json_object *args)
{
    struct json_object *req = json_object_new_object();
    json_object_object_add(req, "id", json_object_new_int64(id));
    json_object_object_add(req, "cmd", json_object_new_string(cmd));
    json_object_object_add(req, "args", args ? json_object_get(args) : json_object_new_object());
    const char *s = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN |
                                                            JSON_C_TO_STRING_NOSLASHESCAPE);
    int rc = send_all(c->fd, s, strlen(s));
    if (!rc)
        rc = send_all(c->fd, "\n", 1);
    json_object_put(req);
    return rc;
}

/* The next whole line at c->buf, its newline replaced by NUL: 1 with its
 * length in *n, 0 at end of file, or a negative errno. */
static int read_line(struct cxf_client *c, size_t *n)
{
    size_t scanned = 0;
    for (;;) {
        char *nl = c->len > scanned ? memchr(c->buf + scanned, '\n', c->len - scanned) : NULL;
        if (nl) {
            *nl = '\0';
            *n = (size_t)(nl - c->buf);
            return 1;
        }
        scanned = c->len;
        if (c->len == c->cap) {
            size_t cap = c->cap ? 2 * c->cap : 65536;
            char *buf = cap <= MAX_RESPONSE ? realloc(c->buf, cap) : NULL;
            if (!buf)
                return -EMSGSIZE;
            c->buf = buf;
            c->cap = cap;
        }
        ssize_t r = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return r < 0 ? -errno : 0;
        c->len += (size_t)r;
    }
}

static void drop_line(struct cxf_client *c, size_t n)
{
    memmove(c->buf, c->buf + n + 1, c->len - n - 1);
    c->len -= n + 1;
}

/* Is this response for request `id`? One with a null id that failed is
 * about the connection itself (too many clients, a line too long): it
 * answers whatever we were waiting for. */
static bool answers(struct json_object *resp, int64_t id)
{
    struct json_object *rid = cxf_jget(resp, "id");
    if (json_object_is_type(rid, json_type_int))
        return json_object_get_int64(rid) == id;
    return !rid && !json_object_get_boolean(cxf_jget(resp, "ok"));
}

static int answer(struct cxf_client *c, struct json_object *resp, struct json_object **result)
{
    if (json_object_get_boolean(cxf_jget(resp, "ok"))) {
        struct json_object *r = cxf_jget(resp, "result");
        *result = r ? json_object_get(r) : json_object_new_object();
        return 0;
    }
    cxf_cli_error(c->prog, "%s", cxf_jstr(resp, "error.message"));
    return CXF_EXIT_FAIL;
}

/* Read until the response to `id` arrives; 0, or a negative errno, or
 * -EPROTO for a line that is not a response, or -ECONNRESET at EOF. */
static int await(struct cxf_client *c, int64_t id, struct json_object **resp)
{
    for (;;) {
        size_t n = 0;
        int rc = read_line(c, &n);
        if (rc <= 0)
            return rc ? rc : -ECONNRESET;
        struct json_object *o = json_tokener_parse(c->buf);
        drop_line(c, n);
        if (!json_object_is_type(o, json_type_object)) {
            json_object_put(o);
            return -EPROTO;
        }
        if (answers(o, id)) {
            *resp = o;
            return 0;
        }
        json_object_put(o); /* the answer to another request on this connection */
    }
}

int cxf_client_call(struct cxf_client *c, const char *cmd, struct json_object *args,
                    struct json_object **result)
{
    *result = NULL;
    int64_t id = c->next_id++;
    struct json_object *resp = NULL;
    int rc = send_request(c, id, cmd, args);
    if (!rc)
        rc = await(c, id, &resp);
    if (rc == -ECONNRESET || rc == -EPIPE)
        cxf_cli_error(c->prog, "cxl-fabricd at %s closed the connection before answering '%s'",
                      c->path, cmd);
    else if (rc == -EPROTO)
        cxf_cli_error(c->prog, "cxl-fabricd at %s sent a line that is not a JSON response",
                      c->path);
    else if (rc)
        cxf_cli_error(c->prog, "lost the connection to cxl-fabricd at %s (%s)", c->path,
                      strerror(-rc));
    if (rc)
        return CXF_EXIT_FAIL;
    rc = answer(c, resp, result);
    json_object_put(resp);
    return rc;
}

int cxf_client_request(const char *prog, const char *sock_path, const char *cmd,
                       struct json_object *args, struct json_object **result)
{
    struct cxf_client c;
    *result = NULL;
    int rc = cxf_client_open(&c, prog, sock_path);
    if (!rc)
        rc = cxf_client_call(&c, cmd, args, result);
    cxf_client_close(&c);
    return rc;
}
