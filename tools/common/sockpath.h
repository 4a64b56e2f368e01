/*
 * tools/common/sockpath.h - where the daemon's control socket lives, so the
 * daemon and its clients agree (docs/protocol.md, "The socket").
 */
#ifndef CXF_SOCKPATH_H
#define CXF_SOCKPATH_H

#include <stddef.h>

#define CXF_SOCKET_ENV "CXLFAB_SOCKET"

/* The socket path: `given` when non-NULL, else $CXLFAB_SOCKET, else
 * $XDG_RUNTIME_DIR/cxlfab/fabricd.sock, else /run/cxlfab/fabricd.sock for
 * root and /tmp/cxlfab-UID/fabricd.sock for others. -ENAMETOOLONG when it
 * does not fit a unix socket address (107 bytes). */
int cxf_socket_path(const char *given, char *buf, size_t len);

#endif
