/*
 * tools/cxl-fabricd/detach.c - --daemon: become a background process once
 * the socket listens, so the caller's next command can connect at once.
 */
#include "fabricd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The lock file names the daemon's pid; after the fork that is the child. */
static void rewrite_pid(const struct listener *l)
{
    char pid[24];
    int n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
    if (ftruncate(l->lock_fd, 0) == 0 && pwrite(l->lock_fd, pid, (size_t)n, 0) == n)
        return;
    fprintf(stderr, FABRICD_PROG ": cannot record the pid in %s: %s\n", l->lock_path,
            strerror(errno));
}

int daemon_detach(const char *log, struct listener *l, struct cxf_err *e)
{
    int logfd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (logfd < 0)
        return cxf_fail(e, -1, "cannot open the log %s: %s", log, strerror(errno));
    int nullfd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(logfd);
        return cxf_fail(e, -1, "fork: %s", strerror(errno));
    }
    if (pid > 0) {
        /* the child owns everything now: leave without cleaning up (no
         * exit handlers, no unlinking the socket the child serves) */
        printf(FABRICD_PROG ": serving %s (pid %ld, log %s)\n", l->path, (long)pid, log);
        fflush(stdout);
        _exit(0);
    }
    setsid();
    if (nullfd >= 0)
        dup2(nullfd, STDIN_FILENO);
    dup2(logfd, STDOUT_FILENO);
    dup2(logfd, STDERR_FILENO);
    close(logfd);
    if (nullfd >= 0)
        close(nullfd);
    rewrite_pid(l);
    return 0;
}
