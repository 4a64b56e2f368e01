/*
 * tools/common/client.h - talking to cxl-fabricd over its control socket
 * (docs/protocol.md): one JSON request per line, the response with the
 * same id.
 *
 * Exit codes, as the CLIs report them:
 *   2 (CXF_EXIT_USAGE) - an argument the CLI itself found wrong, before
 *                        connecting (or a --socket path too long to use);
 *   1 (CXF_EXIT_FAIL)  - everything after that: the daemon cannot be
 *                        reached, it refused the request (whatever its
 *                        error code, EINVAL included: the daemon judges
 *                        names and states the CLI cannot see), or it went
 *                        away before answering.
 * Every failure is one line on stderr, "PROG: message".
 */
#ifndef CXF_CLIENT_H
#define CXF_CLIENT_H

#include <stddef.h>
#include <stdint.h>

struct json_object;

struct cxf_client {
    const char *prog;            /* for messages: "cxl-fabric" */
    int fd;
    char path[108];              /* the socket, as sun_path holds it */
    char *buf;                   /* received bytes not yet a whole line */
    size_t len, cap;
    int64_t next_id;
};

/* Connect to the socket named by `socket` (NULL: $CXLFAB_SOCKET and the
 * default places, tools/common/sockpath.h). 0, or an exit code after one
 * line: how to start the daemon when nothing answers there. */
int cxf_client_open(struct cxf_client *c, const char *prog, const char *socket);
void cxf_client_close(struct cxf_client *c);

/* Send {"id", "cmd", "args"} (args may be NULL; it is not consumed) and
 * wait for the response with that id, skipping any other. 0 with *result
 * (the caller's reference), or CXF_EXIT_FAIL after one line: the daemon's
 * error message, or why no answer came. */
int cxf_client_call(struct cxf_client *c, const char *cmd, struct json_object *args,
                    struct json_object **result);

/* Open, call once, close. */
int cxf_client_request(const char *prog, const char *socket, const char *cmd,
                       struct json_object *args, struct json_object **result);

#endif
