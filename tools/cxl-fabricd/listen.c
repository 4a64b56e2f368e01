/*
 * tools/cxl-fabricd/listen.c - the control socket: one daemon per path,
 * only its owner may connect.
 *
 * A lock file next to the socket (flock) says whether a daemon serves the
 * path; a socket file without a live lock holder is stale and removed. The
 * socket is created under umask 0177 (mode 0600) in a directory the daemon
 * makes with mode 0700 when it is missing.
 */
#include "fabricd.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* The socket's directory, made (mode 0700) if missing; one level only: a
 * missing parent means the path was mistyped. */
static int make_dir(const char *path, struct cxf_err *e)
{
    char copy[sizeof(((struct listener *)0)->path)];
    snprintf(copy, sizeof(copy), "%s", path);
    const char *dir = dirname(copy);
    struct stat st;
    if (stat(dir, &st) == 0)
        return S_ISDIR(st.st_mode) ? 0 : cxf_fail(e, -ENOTDIR, "%s is not a directory", dir);
    if (mkdir(dir, 0700) == 0 || errno == EEXIST)
        return 0;
    return cxf_fail(e, -errno, "cannot create %s: %s", dir, strerror(errno));
}

/* The lock says who serves the path; its text is the holder's pid. */
static int take_lock(struct listener *l, struct cxf_err *e)
{
    l->lock_fd = open(l->lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (l->lock_fd < 0)
        return cxf_fail(e, -errno, "cannot open %s: %s", l->lock_path, strerror(errno));
    if (flock(l->lock_fd, LOCK_EX | LOCK_NB) == 0) {
        char pid[24];
        int n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
        if (ftruncate(l->lock_fd, 0) == 0 && pwrite(l->lock_fd, pid, (size_t)n, 0) < 0)
            return cxf_fail(e, -errno, "cannot write %s: %s", l->lock_path, strerror(errno));
        return 0;
    }
    int err = errno;
    char pid[24] = "";
    ssize_t n = pread(l->lock_fd, pid, sizeof(pid) - 1, 0);
    pid[n > 0 ? n : 0] = '\0';
    pid[strcspn(pid, "\n")] = '\0';
    close(l->lock_fd);
    l->lock_fd = -1;
    if (err == EWOULDBLOCK)
        return cxf_fail(e, -EADDRINUSE,
                        "another cxl-fabricd (pid %s) is serving %s; stop it first "
                        "(cxl-fabric daemon shutdown) or use --socket",
                        pid[0] ? pid : "?", l->path);
    return cxf_fail(e, -err, "cannot lock %s: %s", l->lock_path, strerror(err));
}

int listener_open(struct listener *l, const char *path, struct cxf_err *e)
{
    memset(l, 0, sizeof(*l));
    l->fd = l->lock_fd = -1;
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(sa.sun_path) ||
        snprintf(l->lock_path, sizeof(l->lock_path), "%s.lock", path) >= (int)sizeof(l->lock_path))
        return cxf_fail(e, -ENAMETOOLONG, "socket path %s is longer than %zu bytes", path,
                        sizeof(sa.sun_path) - 1);
    snprintf(l->path, sizeof(l->path), "%s", path);
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
    int rc = make_dir(path, e);
    if (!rc)
        rc = take_lock(l, e);
    if (rc)
        return rc;
    struct stat st;
    if (lstat(path, &st) == 0 && !S_ISSOCK(st.st_mode)) {
        listener_close(l);
        return cxf_fail(e, -EEXIST, "%s exists and is not a socket; not touching it", path);
    }
    unlink(path); /* stale: we hold the lock, so nobody serves it */
    l->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    mode_t old = umask(0177);
    rc = l->fd < 0 || bind(l->fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(l->fd, 16) ? -errno : 0;
    umask(old);
    if (rc) {
        cxf_fail(e, rc, "cannot listen on %s: %s", path, strerror(-rc));
        listener_close(l);
    }
    return rc;
}

void listener_close(struct listener *l)
{
    if (l->fd >= 0) {
        close(l->fd);
        unlink(l->path);
    }
    /* the lock file stays: removing it while another daemon opens it
     * would let two daemons hold locks on two different files */
    if (l->lock_fd >= 0)
        close(l->lock_fd);
    l->fd = l->lock_fd = -1;
}
