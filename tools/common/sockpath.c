/*
 * tools/common/sockpath.c - the control socket's default path.
 */
#include "sockpath.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/un.h>
#include <unistd.h>

int cxf_socket_path(const char *given, char *buf, size_t len)
{
    const char *env = getenv(CXF_SOCKET_ENV), *xdg = getenv("XDG_RUNTIME_DIR");
    int n;
    if (given)
        n = snprintf(buf, len, "%s", given);
    else if (env && *env)
        n = snprintf(buf, len, "%s", env);
    else if (xdg && *xdg)
        n = snprintf(buf, len, "%s/cxlfab/fabricd.sock", xdg);
    else if (geteuid() == 0)
        n = snprintf(buf, len, "/run/cxlfab/fabricd.sock");
    else
        n = snprintf(buf, len, "/tmp/cxlfab-%u/fabricd.sock", (unsigned)geteuid());
    struct sockaddr_un sun;
    if (n < 0 || (size_t)n >= len || (size_t)n >= sizeof(sun.sun_path))
        return -ENAMETOOLONG;
    return 0;
}
