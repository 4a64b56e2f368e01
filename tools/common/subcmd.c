/*
 * tools/common/subcmd.c - finding a subcommand, running it: parse its
 * command line, send its request, show the answer, exit with its verdict.
 */
#include "cli.h"
#include "client.h"
#include "subcmd.h"

#include <json-c/json.h>
#include <string.h>

int cxf_subcmd_call(struct cxf_cmdline *cl, struct json_object **result)
{
    return cxf_client_request(cl->prog, cl->socket, cl->s->cmd, cl->args, result);
}

int cxf_subcmd_finish(struct cxf_cmdline *cl, struct json_object *result)
{
    if (cl->json || !cl->s->show)
        cxf_cli_print_json(json_object_get(result));
    else
        cl->s->show(cl, result);
    fflush(stdout);
    int rc = cl->s->verdict ? cl->s->verdict(cl, result) : CXF_EXIT_OK;
    json_object_put(result);
    return rc;
}

static int run_default(struct cxf_cmdline *cl)
{
    struct json_object *result = NULL;
    int rc = cxf_subcmd_call(cl, &result);
    return rc ? rc : cxf_subcmd_finish(cl, result);
}

int cxf_subcmd_run(const char *prog, const char *group, const struct cxf_subcmd *s, int argc,
                   char **argv)
{
    struct cxf_cmdline cl = {.prog = prog, .s = s};
    snprintf(cl.sub, sizeof(cl.sub), "%s%s%s", group ? group : "", group ? " " : "", s->name);
    cl.args = json_object_new_object();
    cl.local = json_object_new_object();
    int rc = cxf_cmdline_parse(&cl, argc, argv);
    if (rc == 0)
        rc = s->run ? s->run(&cl) : run_default(&cl);
    else if (rc < 0)
        rc = CXF_EXIT_OK; /* --help */
    json_object_put(cl.args);
    json_object_put(cl.local);
    return rc;
}

/* "create, list, stats" */
static void names(char *buf, size_t len, const struct cxf_subcmd *subs)
{
    size_t n = 0;
    buf[0] = '\0';
    for (; subs->name && n + 1 < len; subs++)
        n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? ", " : "", subs->name);
}

int cxf_subcmd_dispatch(const char *prog, const char *group, const struct cxf_subcmd *subs,
                        int argc, char **argv)
{
    char list[256], where[40];
    names(list, sizeof(list), subs);
    snprintf(where, sizeof(where), "%s%s", group ? group : "", group ? ": " : "");
    if (argc < 2) {
        cxf_cli_error(prog, "%smissing command (%s; see '%s%s%s --help')", where, list, prog,
                      group ? " " : "", group ? group : "");
        return CXF_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
        printf("usage: %s%s%s COMMAND [ARGUMENTS] [-j] [--socket PATH]\n\ncommands:\n", prog,
               group ? " " : "", group ? group : "");
        cxf_subcmd_synopses(stdout, prog, group, subs);
        printf("\n'%s%s%s COMMAND --help' describes a command.\n", prog, group ? " " : "",
               group ? group : "");
        return CXF_EXIT_OK;
    }
    for (const struct cxf_subcmd *s = subs; s->name; s++)
        if (!strcmp(argv[1], s->name))
            return cxf_subcmd_run(prog, group, s, argc - 1, argv + 1);
    cxf_cli_error(prog, "%sunknown command '%.40s' (%s)", where, argv[1], list);
    return CXF_EXIT_USAGE;
}
