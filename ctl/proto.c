/*
 * ctl/proto.c - the control protocol's framing (docs/protocol.md): one
 * JSON request object per line, {"id": ID, "cmd": NAME, "args": {...}},
 * answered by one JSON response object per line with the same id.
 *
 * Everything a client sends is untrusted: the line is parsed with a depth
 * limit, its shape checked before anything runs, and every failure is an
 * error response, never a crash or a half-done command.
 */
#include "ctl_priv.h"

#include <errno.h>
#include <string.h>

#define MAX_DEPTH 16 /* JSON nesting a request may use */

struct json_object *cxf_proto_response(struct json_object *id, int rc, struct json_object *result,
                                       const struct cxf_err *e, int cxl_rc)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "id", id ? json_object_get(id) : NULL);
    json_object_object_add(o, "ok", json_object_new_boolean(rc == 0));
    if (rc == 0) {
        json_object_object_add(o, "result", result ? result : json_object_new_object());
        return o;
    }
    json_object_put(result);
    struct json_object *err = json_object_new_object();
    json_object_object_add(err, "code", json_object_new_string(cxf_errno_name(rc)));
    json_object_object_add(err, "message",
                           json_object_new_string(e && e->msg[0] ? e->msg : "failed"));
    if (cxl_rc >= 0)
        json_object_object_add(err, "cxl_return_code", json_object_new_int(cxl_rc));
    json_object_object_add(o, "error", err);
    return o;
}

/* The request object from the line, or an error line. */
static int parse(const char *line, size_t len, struct json_object **req, struct cxf_err *e)
{
    *req = NULL;
    if (len > CXF_PROTO_MAX_LINE)
        return cxf_fail(e, -E2BIG, "request longer than %u bytes", CXF_PROTO_MAX_LINE);
    if (memchr(line, '\0', len))
        return cxf_fail(e, -EINVAL, "request contains a NUL byte");
    struct json_tokener *tok = json_tokener_new_ex(MAX_DEPTH);
    if (!tok)
        return cxf_fail(e, -ENOMEM, "out of memory");
    struct json_object *o = json_tokener_parse_ex(tok, line, (int)len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t used = (size_t)json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    int rc = 0;
    if (!o || jerr != json_tokener_success)
        rc = cxf_fail(e, -EINVAL, "request is not JSON: %s",
                      jerr == json_tokener_continue ? "it ends early"
                                                    : json_tokener_error_desc(jerr));
    for (; !rc && used < len; used++)
        if (!strchr(" \t\r", line[used]))
            rc = cxf_fail(e, -EINVAL, "request has text after its JSON object");
    if (!rc && !json_object_is_type(o, json_type_object))
        rc = cxf_fail(e, -EINVAL, "request must be a JSON object {\"id\", \"cmd\", \"args\"}");
    if (rc) {
        json_object_put(o);
        return rc;
    }
    *req = o;
    return 0;
}

/* An id must be a number or a string, so clients can match answers. */
static int check_shape(struct json_object *req, struct json_object **id, const char **cmd,
                       struct json_object **args, struct cxf_err *e)
{
    static const char *const keys[] = {"id", "cmd", "args", NULL};
    struct json_object *v = NULL;
    if (json_object_object_get_ex(req, "id", &v)) {
        if (v && !json_object_is_type(v, json_type_int) && !json_object_is_type(v, json_type_string))
            return cxf_fail(e, -EINVAL, "'id' must be a number or a string");
        *id = v;
    }
    int rc = cxf_args_known(req, "request", keys, e);
    if (!rc)
        rc = cxf_arg_str(req, "cmd", true, cmd, e);
    if (!rc && json_object_object_get_ex(req, "args", &v) && v) {
        if (!json_object_is_type(v, json_type_object))
            return cxf_fail(e, -EINVAL, "'args' must be a JSON object");
        *args = v;
    }
    return rc;
}

struct json_object *cxf_proto_request(struct cxf_ctl *c, const char *line, size_t len,
                                      struct cxf_ctl_wait *wait, struct json_object **id_out)
{
    struct cxf_err e = {{0}};
    struct json_object *req = NULL, *id = NULL, *args = NULL, *result = NULL;
    const char *cmd = NULL;
    c->cxl_rc = -1;
    int rc = parse(line, len, &req, &e);
    if (!rc)
        rc = check_shape(req, &id, &cmd, &args, &e);
    if (!rc)
        rc = cxf_ctl_exec(c, cmd, args, &result, wait, &e);
    if (rc == CXF_CTL_LATER) {
        *id_out = json_object_get(id);
        json_object_put(req);
        return NULL;
    }
    struct json_object *resp = cxf_proto_response(id, rc, result, &e, c->cxl_rc);
    json_object_put(req);
    return resp;
}
