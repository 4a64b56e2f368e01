/*
 * ctl/scenario_run.c - running a scenario headless, as fast as the host
 * can: build the world, create the VMs, fire the actions through the
 * control commands at their virtual times (or when a migration shows a
 * status), run until every migration has ended plus the tail, then judge:
 * each VM's memory against a replay never migrated, the newest migration's
 * report, the expectations.
 *
 * The run steps the event kernel one event at a time and looks at the
 * migrations after each: every status a migration holds at an event
 * boundary is seen (a periodic probe would miss a short switch-over), and
 * "when" actions fire at the instant their status appears.
 */
#include "scenario_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct scn_run {
    struct scenario *s;
    struct cxf_ctl c;
    uint32_t seen;                  /* statuses seen, bit per status */
    struct json_object *seen_order; /* their names, in the order first seen */
    struct json_object *log;        /* the actions that fired */
    struct json_object *fails;      /* actions whose expect-error did not hold */
    int rc;                         /* the first action that failed unexpectedly */
    struct cxf_err err;
    bool ended;                     /* every migration ended, no action pending */
};

/* Every status the migrations show now. */
static void observe(struct scn_run *r)
{
    for (struct cxf_migration *m = r->c.w->migs; m; m = cxf_migration_next(m)) {
        enum cxf_mig_status st = cxf_migration_status(m);
        if (r->seen & (1u << st))
            continue;
        r->seen |= 1u << st;
        json_object_array_add(r->seen_order, json_object_new_string(cxf_mig_status_name(st)));
    }
}

static void log_action(struct scn_run *r, const struct scn_action *a, int rc,
                       const struct cxf_err *e)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "action", json_object_new_int((int)a->index));
    json_object_object_add(o, "cmd", json_object_new_string(a->cmd));
    json_object_object_add(o, "time-ns", json_object_new_uint64(r->c.w->sim.now));
    json_object_object_add(o, "result", json_object_new_string(rc ? cxf_errno_name(rc) : "ok"));
    if (rc)
        json_object_object_add(o, "error", json_object_new_string(e->msg));
    json_object_array_add(r->log, o);
}

/* An action's command, through the same table the protocol uses. A failure
 * nobody expected ends the run as a bad scenario; one the scenario expects
 * (expect-error) is part of the verdict. */
static void fire(struct cxf_sim *sim, struct cxf_event *ev)
{
    struct scn_action *a = ev->arg;
    struct scn_run *r = a->run;
    struct json_object *res = NULL;
    struct cxf_err e = {{0}};
    a->fired = true;
    int rc = cxf_ctl_exec(&r->c, a->cmd, a->args, &res, NULL, &e);
    json_object_put(res);
    log_action(r, a, rc, &e);
    observe(r);
    char t[32], line[400];
    cxf_scn_time(sim->now, t, sizeof(t));
    if (!a->expect_error) {
        if (rc && !r->rc)
            r->rc = cxf_fail(&r->err, rc, "actions[%u] (%s at %s): %s", a->index, a->cmd, t,
                             e.msg);
        return;
    }
    if (rc && !strcmp(cxf_errno_name(rc), a->expect_error))
        return;
    snprintf(line, sizeof(line), "actions[%u] (%s at %s): expected %s, got %s%s%s", a->index,
             a->cmd, t, a->expect_error, rc ? cxf_errno_name(rc) : "success", rc ? ": " : "",
             rc ? e.msg : "");
    json_object_array_add(r->fails, json_object_new_string(line));
}

/* "when" actions whose status shows now: due after their delay. */
static void trigger(struct scn_run *r)
{
    struct cxf_sim *sim = &r->c.w->sim;
    for (size_t i = 0; i < r->s->nact; i++) {
        struct scn_action *a = &r->s->act[i];
        if (!a->when || a->fired || cxf_event_queued(&a->ev))
            continue;
        const struct cxf_migration *m = cxf_world_migration(r->c.w, a->vm);
        if (m && cxf_migration_status(m) == a->status)
            cxf_sim_schedule(sim, &a->ev, sim->now + a->delay);
    }
}

/* The end: no action pending (a "when" action that has not fired by now
 * never will, once every migration has ended) and every migration ended. */
static bool ended(struct scn_run *r)
{
    for (size_t i = 0; i < r->s->nact; i++) {
        const struct scn_action *a = &r->s->act[i];
        if (cxf_event_queued(&a->ev) || (!a->when && !a->fired))
            return false;
    }
    for (struct cxf_migration *m = r->c.w->migs; m; m = cxf_migration_next(m))
        if (!cxf_migration_finished(m))
            return false;
    return true;
}

/* Step events until the end plus the tail, or the limit. */
static void run_events(struct scn_run *r)
{
    struct cxf_sim *sim = &r->c.w->sim;
    cxf_time_t until = r->s->limit;
    while (!r->rc) {
        observe(r);
        if (!r->ended) /* "when" actions left over at the end are dropped */
            trigger(r);
        if (!r->ended && ended(r)) {
            r->ended = true;
            until = sim->now + r->s->tail;
        }
        if (cxf_sim_next_time(sim) > until) {
            cxf_sim_run_until(sim, until);
            return;
        }
        cxf_sim_step(sim);
    }
}

/* ------------------------------------------------------------- setup */

/* A path relative to the scenario file's folder (an absolute one as it is),
 * so that scenarios travel with their topologies. */
static const char *beside(const char *scenario, const char *rel, char *buf, size_t len)
{
    const char *slash = strrchr(scenario, '/');
    if (rel[0] == '/' || !slash)
        snprintf(buf, len, "%s", rel);
    else
        snprintf(buf, len, "%.*s/%s", (int)(slash - scenario), scenario, rel);
    return buf;
}

static int make_world(struct scn_run *r, const char *path, struct cxf_err *e)
{
    const struct scenario *s = r->s;
    int rc;
    if (s->topo == SCN_TOPO_INLINE) {
        char source[300];
        snprintf(source, sizeof(source), "%s (inline topology)", path);
        rc = cxf_ctl_init_text(&r->c, json_object_to_json_string_ext(s->topo_obj,
                                                                     JSON_C_TO_STRING_PLAIN),
                               source, &s->nc, e);
    } else if (s->topo == SCN_TOPO_FILE) {
        char file[4096];
        rc = cxf_ctl_init(&r->c, beside(path, s->topo_path, file, sizeof(file)), &s->nc, e);
    } else {
        rc = cxf_ctl_init_text(&r->c, NULL, NULL, &s->nc, e);
    }
    return rc ? cxf_scn_at(e, rc, "topology") : 0;
}

static int make_vms(struct scn_run *r, struct cxf_err *e)
{
    for (size_t i = 0; i < json_object_array_length(r->s->vms); i++) {
        struct json_object *res = NULL;
        int rc = cxf_ctl_exec(&r->c, "vm.create", json_object_array_get_idx(r->s->vms, i), &res,
                              NULL, e);
        json_object_put(res);
        if (rc)
            return cxf_scn_at(e, rc, "vms[%zu]", i);
    }
    return 0;
}

static void arm_actions(struct scn_run *r)
{
    for (size_t i = 0; i < r->s->nact; i++) {
        struct scn_action *a = &r->s->act[i];
        a->run = r;
        a->fired = false;
        cxf_event_init(&a->ev, fire, a);
        if (!a->when)
            cxf_sim_schedule(&r->c.w->sim, &a->ev, a->at);
    }
}

/* ----------------------------------------------------------- verdicts */

/* Verdicts from best to worst: a lost VM is an honest outcome, a mismatch
 * is silent corruption, and a VM that could not be judged proves nothing. */
static const char *const integrity_order[] = {"match", "vm-lost", "mismatch", "not-checked"};
#define INTEGRITY_WORST 3

static int integrity_rank(const char *s)
{
    for (int i = 0; i < INTEGRITY_WORST; i++)
        if (!strcmp(integrity_order[i], s))
            return i;
    return INTEGRITY_WORST;
}

/* One VM's verdict: stopped first (a VM still running is paused at an
 * operation boundary and judged at its op counts); a VM whose migration
 * never ended cannot be. */
static struct json_object *verdict(struct scn_run *r, struct cxf_vm *vm)
{
    const struct cxf_migration *m = cxf_world_migration(r->c.w, vm->name);
    struct cxf_err e = {{0}};
    struct json_object *v = NULL;
    if (m && !cxf_migration_finished(m)) {
        cxf_fail(&e, -EBUSY, "still migrating (%s) at the limit",
                 cxf_mig_status_name(cxf_migration_status(m)));
    } else {
        if (vm->state == CXF_VM_RUNNING)
            cxf_vm_pause(vm);
        v = cxf_ctl_integrity(&r->c, vm, &e);
    }
    if (v)
        return v;
    v = json_object_new_object();
    json_object_object_add(v, "vm", json_object_new_string(vm->name));
    json_object_object_add(v, "vm_state", json_object_new_string(cxf_vm_state_name(vm->state)));
    json_object_object_add(v, "integrity", json_object_new_string("not-checked"));
    json_object_object_add(v, "reason", json_object_new_string(e.msg));
    return v;
}

/* Every VM (a migration's hidden half is not one), and the worst verdict. */
static struct json_object *verdicts(struct scn_run *r, const char **worst)
{
    struct json_object *arr = json_object_new_array();
    int rank = 0;
    for (unsigned n = 0; n < r->c.w->nnodes; n++)
        for (struct cxf_vm *vm = r->c.w->node[n].vms; vm; vm = vm->next) {
            if (cxf_world_vm(r->c.w, vm->name) != vm)
                continue;
            struct json_object *v = verdict(r, vm), *i;
            json_object_object_get_ex(v, "integrity", &i);
            int k = integrity_rank(json_object_get_string(i));
            rank = k > rank ? k : rank;
            json_object_array_add(arr, v);
        }
    *worst = integrity_order[rank];
    return arr;
}

static struct json_object *outcome_json(struct scn_run *r, const struct cxf_migration *m,
                                        const char *integrity)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "status", json_object_new_string(
                                            cxf_mig_status_name(m ? cxf_migration_status(m)
                                                                  : CXF_MIG_NONE)));
    json_object_object_add(o, "vm-outcome", json_object_new_string(
                                                m ? cxf_vm_outcome_name(cxf_migration_outcome(m))
                                                  : "none"));
    json_object_object_add(o, "integrity", json_object_new_string(integrity));
    if (m && cxf_migration_reason(m)[0])
        json_object_object_add(o, "reason", json_object_new_string(cxf_migration_reason(m)));
    json_object_object_add(o, "timed-out", json_object_new_boolean(!r->ended));
    return o;
}

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* What went wrong in the run itself, after the expectations' lines: a
 * timeout, actions whose expect-error did not hold. */
static void add_run_failures(struct scn_run *r, struct json_object *fails)
{
    char line[200], t[32];
    if (!r->ended) {
        snprintf(line, sizeof(line), "timed out: not ended after %s of virtual time (the "
                 "limit): a migration still running or an action pending",
                 cxf_scn_time(r->s->limit, t, sizeof(t)));
        json_object_array_add(fails, json_object_new_string(line));
    }
    for (size_t i = 0; i < json_object_array_length(r->fails); i++)
        json_object_array_add(fails, json_object_get(json_object_array_get_idx(r->fails, i)));
}

/* The result (docs/scenarios.md) once the events have run. */
static struct json_object *result_json(struct scn_run *r, double wall_start)
{
    const struct scenario *s = r->s;
    const char *worst;
    struct cxf_migration *m = r->c.w->migs; /* newest first */
    struct json_object *res = json_object_new_object(), *vms = verdicts(r, &worst);
    struct json_object *report = m ? cxf_migration_json(m) : NULL;
    struct json_object *outcome = outcome_json(r, m, worst);
    struct json_object *fails = cxf_scn_judge(&s->expect, outcome, report, r->seen);
    add_run_failures(r, fails);
    json_object_object_add(res, "scenario", json_object_new_string(s->name));
    if (s->description)
        json_object_object_add(res, "description", json_object_new_string(s->description));
    json_object_object_add(res, "pass", json_object_new_boolean(!json_object_array_length(fails)));
    json_object_object_add(res, "expected", json_object_get(s->expect.json));
    json_object_object_add(res, "outcome", outcome);
    json_object_object_add(res, "failures", fails);
    json_object_object_add(res, "integrity", json_object_new_string(worst));
    json_object_object_add(res, "migration", report);
    json_object_object_add(res, "vms", vms);
    json_object_object_add(res, "statuses-seen", json_object_get(r->seen_order));
    json_object_object_add(res, "actions", json_object_get(r->log));
    json_object_object_add(res, "virtual-time-ns", json_object_new_uint64(r->c.w->sim.now));
    char wall[32];
    snprintf(wall, sizeof(wall), "%.3f", wall_now() - wall_start); /* ms are plenty */
    json_object_object_add(res, "wall-time-s", json_object_new_double_s(atof(wall), wall));
    return res;
}

/* ---------------------------------------------------------------- run */

static int run_parsed(struct scn_run *r, const char *path, struct json_object **result,
                      double wall_start, struct cxf_err *e)
{
    int rc = make_world(r, path, e);
    if (rc)
        return rc;
    r->seen_order = json_object_new_array();
    r->log = json_object_new_array();
    r->fails = json_object_new_array();
    rc = make_vms(r, e);
    if (!rc) {
        arm_actions(r);
        run_events(r);
        rc = r->rc;
        if (rc)
            *e = r->err;
    }
    if (!rc)
        *result = result_json(r, wall_start);
    json_object_put(r->seen_order);
    json_object_put(r->log);
    json_object_put(r->fails);
    cxf_ctl_fini(&r->c);
    return rc;
}

static bool passed(struct json_object *result)
{
    struct json_object *p = NULL;
    return json_object_object_get_ex(result, "pass", &p) && json_object_get_boolean(p);
}

int cxf_scenario_run(const char *path, struct json_object **result, struct cxf_err *e)
{
    double wall_start = wall_now();
    *result = NULL;
    char *text = NULL;
    struct scenario s;
    struct scn_run r = {.s = &s};
    memset(&s, 0, sizeof(s));
    int rc = cxf_config_read(path, &text, e);
    if (!rc)
        rc = cxf_scn_parse(&s, text, e);
    free(text);
    if (!rc)
        rc = run_parsed(&r, path, result, wall_start, e);
    cxf_scn_free(&s);
    /* every message names the file once, on one line */
    if (rc && e && strncmp(e->msg, path, strlen(path)))
        cxf_scn_at(e, rc, "%s", path);
    if (rc)
        return cxf_scn_one_line(e, rc);
    return passed(*result) ? 0 : 1;
}
