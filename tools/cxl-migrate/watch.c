/*
 * cxl-migrate status --watch - follow a migration until it ends: a
 * progress bar redrawn in place a few times a second on a terminal, one
 * plain line per change when stdout is a file or a pipe (so logs stay
 * readable), one JSON object per line with -j. Rates are in virtual time,
 * the time the emulator's numbers are in, whatever the daemon's pace.
 */
#include "migrate_cli.h"
#include "tools/common/cli.h"
#include "tools/common/client.h"
#include "tools/common/render.h"

#include <json-c/json.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define POLL_NS 250000000L /* four updates a second */
#define BAR     24

struct watch {
    bool tty;
    double t_ms;          /* the previous sample: virtual time and bytes sent */
    uint64_t transferred;
    bool have;
    char last[256];       /* the previous line, to print only changes */
};

/* Bytes per second since the previous sample; the average at first. */
static double rate(struct watch *w, struct json_object *m)
{
    double t = cxf_jnum(m, "total-time");
    uint64_t x = cxf_ju64(m, "ram.transferred");
    double r = w->have && t > w->t_ms && x >= w->transferred
                   ? (double)(x - w->transferred) / ((t - w->t_ms) / 1e3)
                   : cxf_jnum(m, "ram.mbps") * 1e6 / 8;
    if (!w->have || t > w->t_ms) {
        w->t_ms = t;
        w->transferred = x;
        w->have = true;
    }
    return r;
}

/* "vm0 postcopy-active [#######-----]  31%  1234 pages left  2.1GB/s  remote 5.6K  VM 1.2M ops/s" */
static void progress(char *buf, size_t len, struct watch *w, struct json_object *m)
{
    uint64_t total = cxf_ju64(m, "ram.total"), left = cxf_ju64(m, "ram.remaining");
    double done = total && left < total ? 1.0 - (double)left / (double)total : total ? 0.0 : 1.0;
    char bar[BAR + 1], r[32], remote[32] = "-", ops[32];
    int filled = (int)(done * BAR);
    for (int i = 0; i < BAR; i++)
        bar[i] = i < filled ? '#' : '-';
    bar[BAR] = '\0';
    if (cxf_jget(m, "postcopy.remote-accesses"))
        cxf_fmt_count(remote, sizeof(remote), (double)cxf_ju64(m, "postcopy.remote-accesses"));
    snprintf(buf, len, "%s %s [%s] %3.0f%%  %llu pages left  %s  remote %s  VM %s ops/s",
             cxf_jstr(m, "vm"), cxf_jstr(m, "status"), bar, done * 100,
             (unsigned long long)(left / 4096), cxf_fmt_rate(r, sizeof(r), rate(w, m)), remote,
             cxf_fmt_count(ops, sizeof(ops), cxf_jnum(m, "throughput.during")));
}

/* A line redrawn in place must not wrap, or each redraw leaves a line. */
static int columns(void)
{
    struct winsize ws;
    return ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1 ? ws.ws_col : 80;
}

static void update(struct watch *w, const struct cxf_cmdline *cl, struct json_object *m)
{
    char line[256];
    if (cl->json) {
        printf("%s\n", json_object_to_json_string_ext(
                            m, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    } else {
        progress(line, sizeof(line), w, m);
        if (w->tty)
            printf("\r\033[K%.*s", columns() - 1, line);
        else if (strcmp(line, w->last))
            printf("%s\n", line);
        snprintf(w->last, sizeof(w->last), "%s", line);
    }
    fflush(stdout);
}

/* The request's args: the VM given, or the one of the newest migration. */
static int target(struct cxf_client *c, struct cxf_cmdline *cl, struct json_object **args)
{
    struct json_object *r = NULL;
    if (cxf_jget(cl->args, "vm")) {
        *args = json_object_get(cl->args);
        return 0;
    }
    int rc = cxf_client_call(c, "migrate.status", NULL, &r);
    if (rc)
        return rc;
    struct json_object *migs = cxf_jget(r, "migrations");
    if (!cxf_jlen(migs)) {
        json_object_put(r);
        cxf_cli_error(cl->prog, "status: no migration to watch (start one with '%s start')",
                      cl->prog);
        return CXF_EXIT_FAIL;
    }
    *args = json_object_new_object();
    json_object_object_add(*args, "vm", json_object_new_string(
                                            cxf_jstr(json_object_array_get_idx(migs, 0), "vm")));
    json_object_put(r);
    return 0;
}

int cxf_mig_watch(struct cxf_cmdline *cl)
{
    struct cxf_client c;
    struct json_object *args = NULL, *m = NULL;
    struct watch w = {.tty = isatty(STDOUT_FILENO) && !cl->json};
    const struct timespec pause = {0, POLL_NS};
    int rc = cxf_client_open(&c, cl->prog, cl->socket);
    if (!rc)
        rc = target(&c, cl, &args);
    while (!rc && !(rc = cxf_client_call(&c, "migrate.status", args, &m))) {
        update(&w, cl, m);
        if (cxf_mig_finished(m))
            break;
        json_object_put(m);
        m = NULL;
        nanosleep(&pause, NULL);
    }
    if (w.tty && w.have)
        printf("\n");
    if (!rc && !cl->json)
        cxf_mig_show_outcome(cl, m);
    if (!rc)
        rc = cxf_mig_verdict(cl, m);
    json_object_put(m);
    json_object_put(args);
    cxf_client_close(&c);
    return rc;
}
