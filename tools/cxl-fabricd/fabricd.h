/*
 * tools/cxl-fabricd/fabricd.h - what the daemon's files share: the pace of
 * virtual time, client connections, the listening socket and the loop.
 */
#ifndef CXF_FABRICD_H
#define CXF_FABRICD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctl/ctl.h"

#define FABRICD_PROG "cxl-fabricd"

/* ------------------------------------------------------------------ pace */

/* Virtual time runs at `factor` x wall-clock time, or as fast as it can. */
struct pace {
    bool max;
    double factor;             /* 1.0 = realtime */
    uint64_t wall0;            /* anchor: wall ns ... */
    cxf_time_t virt0;          /* ... at which virtual time was this */
    uint64_t slipped_ns;       /* virtual time given up when the host fell behind */
};

/* "realtime", "max", "10x", "0.5x": 0, or -EINVAL with e filled. */
int pace_parse(const char *s, struct pace *p, struct cxf_err *e);
void pace_name(const struct pace *p, char *buf, size_t len);
uint64_t wall_ns(void);
/* Re-anchor at (now, virtual now): a new pace takes effect from here. */
void pace_anchor(struct pace *p, cxf_time_t virt_now);
/* Where virtual time should be now (CXF_TIME_NEVER for max). Slides the
 * anchor when virtual time trails by more than the catch-up bound, so a
 * slow phase never turns into a burst later. */
cxf_time_t pace_target(struct pace *p, cxf_time_t virt_now);
/* Wall ns until virtual time `when` is due (for poll timeouts). */
uint64_t pace_wall_until(const struct pace *p, cxf_time_t when);

/* ------------------------------------------------------------ clients */

#define MAX_CLIENTS     64u
#define MAX_WAITS       8u            /* answers a client may await at once */
#define OUT_MAX         (16u << 20)   /* unread responses before a client is cut off */

struct waiter {
    bool used;
    struct cxf_ctl_wait w;
    struct json_object *id;
};

struct conn {
    int fd;
    unsigned serial;               /* for the log */
    char *in;                      /* received, not yet answered */
    size_t in_len;
    bool discarding;               /* dropping the rest of an oversized line */
    bool eof;                      /* the client will send nothing more */
    char *out;                     /* responses not yet written */
    size_t out_len, out_off, out_cap;
    struct waiter wait[MAX_WAITS];
};

struct conn *conn_new(int fd, unsigned serial);
/* Close, drop its waiters, free. */
void conn_free(struct conn *c, struct cxf_ctl *ctl);
/* Queue one response line (takes the reference). false when the client is
 * over its output limit and must be cut off. */
bool conn_send(struct conn *c, struct json_object *resp);
/* Read what arrived (one read: each client gets a turn); false on error. */
bool conn_read(struct conn *c);
/* Answer up to `budget` complete request lines; false when the client must
 * be cut off (its unread answers passed OUT_MAX). */
bool conn_process(struct conn *c, struct cxf_ctl *ctl, unsigned budget);
bool conn_has_lines(const struct conn *c);  /* a complete request is waiting */
bool conn_wants_input(const struct conn *c); /* room to read, not at EOF */
/* Write what is queued; false on a write error. */
bool conn_flush(struct conn *c);
/* Poll the client's waiters; deliver the answers that are ready. */
void conn_poll_waits(struct conn *c, struct cxf_ctl *ctl);
bool conn_done(const struct conn *c);  /* EOF, nothing awaited, nothing to write */
bool conn_has_waits(const struct conn *c);

/* ------------------------------------------------------------- socket */

struct listener {
    char path[108];
    char lock_path[120];
    int fd;
    int lock_fd;
};

/* Take the lock, clear a stale socket, bind and listen (mode 0600). One
 * line in e when another daemon serves the path or it cannot be used. */
int listener_open(struct listener *l, const char *path, struct cxf_err *e);
void listener_close(struct listener *l);

/* --------------------------------------------------------------- loop */

struct daemon_opts {
    const char *config;
    const char *socket;            /* NULL: the default */
    const char *pace;              /* NULL: realtime */
    const char *log;               /* --daemon's log file */
    bool detach;
};

/* Run the daemon until SIGTERM/SIGINT or daemon.shutdown; the exit code. */
int daemon_run(const struct daemon_opts *o);
/* --daemon: fork once everything is ready; the parent prints where the
 * daemon serves and exits, the child leaves the terminal's session and
 * logs to `log`. Returns only in the child (0), or -1 on failure. */
int daemon_detach(const char *log, struct listener *l, struct cxf_err *e);

#endif /* CXF_FABRICD_H */
