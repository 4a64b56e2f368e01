/*
 * tools/cxl-fabricd/daemon.c - the daemon's loop: run virtual time at its
 * pace, serve the clients, deliver the answers that were waiting.
 *
 * One thread does everything, so the world is never touched concurrently:
 * virtual time advances in slices bounded in wall time (BUDGET_NS), and
 * between slices every client gets served. Signals arrive through a
 * signalfd and end the loop cleanly.
 */
#include "fabricd.h"
#include "tools/common/sockpath.h"

#include <errno.h>
#include <json-c/json.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SLICE_NS  CXF_US(100)      /* virtual time per run between clock checks */
#define BUDGET_NS 10000000ull      /* wall time the world runs before clients are served */
#define MAX_POLL  (2 + MAX_CLIENTS * (1 + MAX_WAITS))
#define LINES_PER_TURN 16u         /* requests a client gets answered per turn */

struct daemon {
    struct cxf_ctl ctl;
    struct cxf_ctl_daemon ops;
    struct listener l;
    struct pace pace;
    struct conn *conn[MAX_CLIENTS];
    unsigned nconn, serial;
    int sigfd;
    bool stop;
    bool behind;                   /* the last slice ran out of wall budget */
    uint64_t started;
};

__attribute__((format(printf, 1, 2))) static void say(const char *fmt, ...)
{
    char when[32];
    time_t t = time(NULL);
    strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", localtime(&t));
    fprintf(stderr, "%s " FABRICD_PROG ": ", when);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* ------------------------------------------------ what commands may ask */

static void info(void *ctx, struct json_object *o)
{
    struct daemon *d = ctx;
    char pace[32];
    pace_name(&d->pace, pace, sizeof(pace));
    cxf_time_t now = d->ctl.w->sim.now, target = pace_target(&d->pace, now);
    json_object_object_add(o, "pid", json_object_new_int((int)getpid()));
    json_object_object_add(o, "socket", json_object_new_string(d->l.path));
    json_object_object_add(o, "pace", json_object_new_string(pace));
    json_object_object_add(o, "wall_time_ns", json_object_new_uint64(wall_ns() - d->started));
    json_object_object_add(o, "lag_ns", json_object_new_uint64(
                                            target != CXF_TIME_NEVER && target > now ? target - now : 0));
    json_object_object_add(o, "slipped_ns", json_object_new_uint64(d->pace.slipped_ns));
    json_object_object_add(o, "clients", json_object_new_int((int)d->nconn));
}

static int set_pace(void *ctx, const char *s, struct cxf_err *e)
{
    struct daemon *d = ctx;
    int rc = pace_parse(s, &d->pace, e);
    if (!rc) {
        pace_anchor(&d->pace, d->ctl.w->sim.now);
        say("pace %s", s);
    }
    return rc;
}

static void shutdown_req(void *ctx)
{
    struct daemon *d = ctx;
    say("shutdown requested by a client");
    d->stop = true;
}

/* --------------------------------------------------------- virtual time */

/* Run the world toward where its pace says it should be, for at most
 * BUDGET_NS of wall time. */
static void advance(struct daemon *d)
{
    struct cxf_sim *sim = &d->ctl.w->sim;
    uint64_t start = wall_ns();
    d->behind = false;
    for (;;) {
        cxf_time_t target = pace_target(&d->pace, sim->now), next = cxf_sim_next_time(sim);
        cxf_time_t until;
        if (d->pace.max) {
            if (next == CXF_TIME_NEVER)
                return;
            until = next + SLICE_NS;
        } else {
            if (target <= sim->now)
                return;
            /* jump over idle time; step through busy time in slices */
            until = next >= target ? target : next + SLICE_NS < target ? next + SLICE_NS : target;
        }
        cxf_sim_run_until(sim, until);
        if (wall_ns() - start > BUDGET_NS) {
            d->behind = true;
            return;
        }
    }
}

/* How long poll() may sleep: until the next event is due at this pace. */
static int sleep_ms(struct daemon *d)
{
    for (unsigned i = 0; i < d->nconn; i++)
        if (conn_done(d->conn[i]) || conn_has_lines(d->conn[i]))
            return 0; /* work left for the next turn */
    cxf_time_t next = cxf_sim_next_time(&d->ctl.w->sim);
    if (d->behind || (d->pace.max && next != CXF_TIME_NEVER))
        return 0;
    if (next == CXF_TIME_NEVER)
        return -1; /* idle: virtual time catches up with the clock on wake-up */
    uint64_t ns = pace_wall_until(&d->pace, next);
    return ns > 1000000000ull ? 1000 : (int)((ns + 999999) / 1000000);
}

/* ------------------------------------------------------------- clients */

static void accept_clients(struct daemon *d)
{
    for (;;) {
        int fd = accept4(d->l.fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return; /* EAGAIN, or a client gone before we looked */
        struct conn *c = d->nconn < MAX_CLIENTS ? conn_new(fd, ++d->serial) : NULL;
        if (!c) {
            static const char full[] =
                "{\"id\":null,\"ok\":false,\"error\":{\"code\":\"EUSERS\",\"message\":"
                "\"the daemon serves 64 clients already\"}}\n";
            if (write(fd, full, sizeof(full) - 1) < 0) {
                /* the client learns from the closed connection instead */
            }
            close(fd);
            continue;
        }
        d->conn[d->nconn++] = c;
    }
}

static void drop_client(struct daemon *d, unsigned i)
{
    conn_free(d->conn[i], &d->ctl);
    d->conn[i] = d->conn[--d->nconn];
}

static void answer_waits(struct daemon *d)
{
    for (unsigned i = 0; i < d->nconn; i++)
        if (conn_has_waits(d->conn[i]))
            conn_poll_waits(d->conn[i], &d->ctl);
}

/* One client after poll(): read, write, or let it go. */
static bool serve(struct daemon *d, struct conn *c, short revents)
{
    if ((revents & (POLLIN | POLLHUP | POLLERR)) && !c->eof && !conn_read(c))
        return false;
    if (!conn_process(c, &d->ctl, LINES_PER_TURN) || !conn_flush(c))
        return false;
    return !conn_done(c);
}

/* ------------------------------------------------------------- the loop */

struct pollset {
    struct pollfd fd[MAX_POLL];
    struct conn *owner[MAX_POLL]; /* NULL: the listener, the signals, a verify pipe */
    unsigned n;
};

static void add(struct pollset *ps, int fd, short events, struct conn *owner)
{
    ps->fd[ps->n] = (struct pollfd){.fd = fd, .events = events};
    ps->owner[ps->n++] = owner;
}

static void build(struct daemon *d, struct pollset *ps)
{
    ps->n = 0;
    add(ps, d->sigfd, POLLIN, NULL);
    add(ps, d->l.fd, POLLIN, NULL);
    for (unsigned i = 0; i < d->nconn; i++) {
        struct conn *c = d->conn[i];
        short ev = (conn_wants_input(c) ? POLLIN : 0) | (c->out_len > c->out_off ? POLLOUT : 0);
        add(ps, c->fd, ev, c);
        for (unsigned k = 0; k < MAX_WAITS; k++)
            if (c->wait[k].used && c->wait[k].w.fd >= 0)
                add(ps, c->wait[k].w.fd, POLLIN, NULL);
    }
}

static void on_signal(struct daemon *d)
{
    struct signalfd_siginfo si;
    while (read(d->sigfd, &si, sizeof(si)) == sizeof(si)) {
        say("%s: shutting down", strsignal((int)si.ssi_signo));
        d->stop = true;
    }
}

static void loop(struct daemon *d)
{
    struct pollset ps;
    while (!d->stop) {
        advance(d);
        answer_waits(d);
        build(d, &ps);
        if (poll(ps.fd, ps.n, sleep_ms(d)) < 0 && errno != EINTR)
            break;
        if (ps.fd[0].revents)
            on_signal(d);
        if (ps.fd[1].revents)
            accept_clients(d);
        for (unsigned i = 2; i < ps.n; i++) {
            struct conn *c = ps.owner[i];
            if (!c)
                continue;
            unsigned k = 0;
            while (k < d->nconn && d->conn[k] != c)
                k++;
            if (k < d->nconn && !serve(d, c, ps.fd[i].revents))
                drop_client(d, k);
        }
    }
}

/* The answer to daemon.shutdown should reach its client before we go. */
static void last_words(struct daemon *d)
{
    uint64_t until = wall_ns() + 200000000ull;
    for (unsigned i = 0; i < d->nconn; i++)
        while (d->conn[i]->out_len > d->conn[i]->out_off && wall_ns() < until &&
               conn_flush(d->conn[i]))
            poll(&(struct pollfd){.fd = d->conn[i]->fd, .events = POLLOUT}, 1, 10);
    while (d->nconn)
        drop_client(d, d->nconn - 1);
}

static int start(struct daemon *d, const struct daemon_opts *o)
{
    struct cxf_err e = {{0}};
    char path[108];
    int rc = pace_parse(o->pace ? o->pace : "realtime", &d->pace, &e);
    if (!rc && cxf_socket_path(o->socket, path, sizeof(path)))
        rc = cxf_fail(&e, -ENAMETOOLONG, "socket path too long for a unix socket");
    if (rc) {
        fprintf(stderr, FABRICD_PROG ": %s\n", e.msg);
        return 2;
    }
    if (cxf_ctl_init(&d->ctl, o->config, NULL, &e)) {
        fprintf(stderr, FABRICD_PROG ": %s\n", e.msg);
        return 2;
    }
    if (listener_open(&d->l, path, &e)) {
        fprintf(stderr, FABRICD_PROG ": %s\n", e.msg);
        return 1;
    }
    char log[128];
    snprintf(log, sizeof(log), "%s.log", path);
    if (o->detach && daemon_detach(o->log ? o->log : log, &d->l, &e)) {
        fprintf(stderr, FABRICD_PROG ": %s\n", e.msg);
        return 1;
    }
    return 0;
}

static int setup_signals(struct daemon *d)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigprocmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN); /* a client gone mid-write is an EPIPE, not a death */
    d->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    return d->sigfd < 0 ? -errno : 0;
}

int daemon_run(const struct daemon_opts *o)
{
    struct daemon *d = calloc(1, sizeof(*d));
    if (!d)
        return 1;
    d->l.fd = d->l.lock_fd = d->sigfd = -1;
    int code = start(d, o);
    if (!code && setup_signals(d)) {
        fprintf(stderr, FABRICD_PROG ": signalfd: %s\n", strerror(errno));
        code = 1;
    }
    if (!code) {
        char pace[32];
        pace_name(&d->pace, pace, sizeof(pace));
        d->ops = (struct cxf_ctl_daemon){d, info, set_pace, shutdown_req};
        d->ctl.daemon = &d->ops;
        d->started = wall_ns();
        pace_anchor(&d->pace, 0);
        say("serving %s (config: %s, pace: %s, pid %ld)", d->l.path, d->ctl.config_source, pace,
             (long)getpid());
        loop(d);
        last_words(d);
        say("stopped at virtual time %.6f s", (double)d->ctl.w->sim.now / 1e9);
    }
    listener_close(&d->l);
    if (d->sigfd >= 0)
        close(d->sigfd);
    if (d->ctl.w)
        cxf_ctl_fini(&d->ctl);
    free(d);
    return code;
}
