/*
 * cxl-fabric daemon - the daemon itself: info, pace, shutdown.
 */
#include "fabric_cli.h"
#include "tools/common/render.h"

#include <json-c/json.h>
#include <string.h>

static const struct cxf_field info_fields[] = {
    {"daemon", "name", CXF_F_TEXT},
    {"version", "version", CXF_F_TEXT},
    {"protocol", "protocol", CXF_F_TEXT},
    {"pid", "pid", CXF_F_TEXT},
    {"socket", "socket", CXF_F_TEXT},
    {"configuration", "config", CXF_F_TEXT},
    {"pace", "pace", CXF_F_TEXT},
    {"virtual time", "virtual_time_ns", CXF_F_NS},
    {"wall time", "wall_time_ns", CXF_F_NS},
    {"lag", "lag_ns", CXF_F_NS},
    {"slipped", "slipped_ns", CXF_F_NS}, /* lag beyond catching up, given up for good */
    {"VMs", "vms", CXF_F_TEXT},
    {"clients", "clients", CXF_F_TEXT},
    {NULL, NULL, CXF_F_TEXT},
};

static void show_info(struct cxf_cmdline *cl, struct json_object *r)
{
    (void)cl;
    cxf_fields_print(r, info_fields);
}

static void show_shutdown(struct cxf_cmdline *cl, struct json_object *r)
{
    (void)cl, (void)r;
    printf("cxl-fabricd is shutting down\n");
}

/* realtime, max, or a multiple "10x", "0.5x": the shape is checked here,
 * the value (not 0) by the daemon. */
static int pace_value(struct cxf_cmdline *cl, const struct cxf_opt *o, const char *s)
{
    size_t n = strlen(s), digits = strspn(s, "0123456789.");
    bool multiple = n >= 2 && s[n - 1] == 'x' && digits == n - 1 && s[0] != '.' &&
                    strchr(s, '.') == strrchr(s, '.');
    if (strcmp(s, "realtime") && strcmp(s, "max") && !multiple)
        return cxf_cmdline_error(cl, "PACE: '%.40s' is not realtime, max or a multiple such as "
                                     "10x or 0.5x", s);
    return cxf_cmdline_set(cl, o, json_object_new_string(s));
}

static const struct cxf_opt pace_opts[] = {
    {.name = "PACE", .kind = CXF_OPT_CUSTOM, .flags = CXF_OPT_POSITIONAL | CXF_OPT_REQUIRED,
     .key = "pace", .parse = pace_value,
     .help = "realtime, Nx (a multiple of wall-clock time: 10x, 0.5x) or max"},
    {NULL},
};

const struct cxf_subcmd cxf_daemon_subcmds[] = {
    {.name = "info", .cmd = "daemon.info", .show = show_info,
     .summary = "the daemon's version, socket, configuration, virtual time, pace and lag"},
    {.name = "pace", .cmd = "daemon.pace", .opts = pace_opts, .show = show_info,
     .summary = "pace virtual time: realtime, a multiple of it, or as fast as possible"},
    {.name = "shutdown", .cmd = "daemon.shutdown", .show = show_shutdown,
     .summary = "stop the daemon cleanly (its VMs and migrations end with it)"},
    {NULL},
};
