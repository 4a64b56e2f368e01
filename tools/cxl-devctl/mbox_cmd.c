/*
 * cxl-devctl mbox - build a device from flags, run a chain of mailbox
 * commands on it ("+" separates them, so state carries over: inject poison,
 * then list it), print each result as JSON.
 */
#include "mbox_cmd.h"

#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

struct tool_cmd {
    const char *name;
    mbox_build_fn build;
    mbox_decode_fn decode;
};

/* How the tool talks to each device command; the opcodes come from the
 * device's own table, looked up by name. */
static const struct tool_cmd tool_cmds[] = {
    {"identify-memory-device", mbox_build_none, mbox_decode_identify},
    {"get-partition-info", mbox_build_none, mbox_decode_partition},
    {"get-health-info", mbox_build_none, mbox_decode_health},
    {"get-lsa", mbox_build_get_lsa, mbox_decode_lsa},
    {"set-lsa", mbox_build_set_lsa, NULL},
    {"get-poison-list", mbox_build_poison_list, mbox_decode_poison_list},
    {"inject-poison", mbox_build_inject, NULL},
    {"clear-poison", mbox_build_clear_poison, NULL},
    {"get-event-records", mbox_build_get_events, mbox_decode_events},
    {"clear-event-records", mbox_build_clear_events, NULL},
    {"get-supported-logs", mbox_build_none, mbox_decode_supported_logs},
    {"get-log", mbox_build_get_log, mbox_decode_log},
};

static const struct tool_cmd *tool_cmd(const char *name)
{
    for (size_t i = 0; i < sizeof(tool_cmds) / sizeof(tool_cmds[0]); i++)
        if (!strcmp(tool_cmds[i].name, name))
            return &tool_cmds[i];
    return NULL;
}

/* Device options: the config to build and the LD to address. */
static int parse_dev_opts(int argc, char **argv, struct cxf_dev_config *cfg, unsigned *ld)
{
    static const struct option opts[] = {
        {"capacity", required_argument, NULL, 'c'}, {"persistent", required_argument, NULL, 'p'},
        {"lds", required_argument, NULL, 'l'},      {"ld", required_argument, NULL, 'i'},
        {"lsa", required_argument, NULL, 'a'},      {NULL, 0, NULL, 0},
    };
    cxf_dev_config_default(cfg);
    cfg->name = "devctl";
    optind = 1;
    opterr = 0;
    int c;
    uint64_t v = 0;
    /* "+:" stops at the first non-option (the command) and reports a
     * missing value as ':' */
    while ((c = getopt_long(argc, argv, "+:", opts, NULL)) != -1) {
        int rc = -1;
        if (c == 'c')
            rc = cxf_cli_u64(DEVCTL, "--capacity", optarg, true, UINT64_MAX, &cfg->volatile_bytes);
        else if (c == 'p')
            rc = cxf_cli_u64(DEVCTL, "--persistent", optarg, true, UINT64_MAX,
                             &cfg->persistent_bytes);
        else if (c == 'l' && !(rc = cxf_cli_u64(DEVCTL, "--lds", optarg, false, CXF_MAX_LDS, &v)))
            cfg->lds = (unsigned)v;
        else if (c == 'i' && !(rc = cxf_cli_u64(DEVCTL, "--ld", optarg, false, 0xFFFF, &v)))
            *ld = (unsigned)v;
        else if (c == 'a' && !(rc = cxf_cli_u64(DEVCTL, "--lsa", optarg, true, 16u << 20, &v)))
            cfg->lsa_bytes = (uint32_t)v;
        else if (c == '?' || c == ':')
            cxf_cli_getopt_error(DEVCTL, c, argv);
        if (rc)
            return -1;
    }
    return optind;
}

/* `raw OPCODE [HEX]`: any opcode, for exploring the error paths. */
static int build_raw(const struct mbox_call *c, uint16_t *op, uint8_t *in, size_t *in_len)
{
    uint64_t v;
    *in_len = 0;
    if (c->argc < 1 || c->argc > 2) {
        cxf_cli_error(DEVCTL, "raw takes OPCODE [HEXPAYLOAD]");
        return -1;
    }
    if (mbox_arg_u64("OPCODE", c->argv[0], 0xFFFF, &v))
        return -1;
    *op = (uint16_t)v;
    return c->argc == 2 ? mbox_arg_hex("HEXPAYLOAD", c->argv[1], in, CXF_MBOX_PAYLOAD_MAX + 1,
                                       in_len)
                        : 0;
}

/* Prepare one call: its opcode, input payload and output decoder. */
static int prepare(const struct mbox_call *c, const struct mbox_env *env, uint16_t *op,
                   uint8_t *in, size_t *in_len, mbox_decode_fn *decode)
{
    if (!strcmp(c->name, "raw")) {
        *decode = mbox_decode_hex;
        return build_raw(c, op, in, in_len);
    }
    size_t n;
    const struct cxf_cci_cmd *cmds = cxf_dev_mbox_commands(&n);
    const struct cxf_cci_cmd *cmd = cxf_cci_by_name(cmds, n, c->name);
    const struct tool_cmd *t = tool_cmd(c->name);
    if (!cmd || !t) {
        cxf_cli_error(DEVCTL, "unknown mailbox command '%s' (see --help)", c->name);
        return -1;
    }
    *op = cmd->opcode;
    *decode = t->decode;
    return t->build(c, env, in, in_len);
}

static struct json_object *hex16(uint16_t v)
{
    char buf[8];
    snprintf(buf, sizeof(buf), "0x%04x", v);
    return json_object_new_string(buf);
}

static struct json_object *result_json(const struct mbox_call *c, unsigned ld, uint16_t op,
                                       uint16_t rc, const uint8_t *out, size_t out_len,
                                       mbox_decode_fn decode)
{
    struct json_object *j = json_object_new_object();
    json_object_object_add(j, "command", json_object_new_string(c->name));
    json_object_object_add(j, "opcode", hex16(op));
    json_object_object_add(j, "ld", json_object_new_int((int)ld));
    json_object_object_add(j, "return-code", hex16(rc));
    json_object_object_add(j, "status", json_object_new_string(cxf_mbox_rc_name(rc)));
    if (rc == CXF_RC_SUCCESS && decode && out_len)
        json_object_object_add(j, "output", decode(out, out_len));
    return j;
}

/* Split argv at "+" into calls. Returns the count, or -1. */
static int split_calls(int argc, char **argv, struct mbox_call *calls, int max)
{
    int n = 0;
    for (int i = 0; i < argc;) {
        if (!strcmp(argv[i], "+")) {
            cxf_cli_error(DEVCTL, "empty command around '+'");
            return -1;
        }
        if (n == max) {
            cxf_cli_error(DEVCTL, "at most %d chained commands", max);
            return -1;
        }
        int j = i + 1;
        while (j < argc && strcmp(argv[j], "+"))
            j++;
        calls[n++] = (struct mbox_call){argv[i], j - i - 1, argv + i + 1};
        i = j + (j < argc); /* skip the "+" */
        if (j == argc - 1) {
            cxf_cli_error(DEVCTL, "trailing '+' without a command");
            return -1;
        }
    }
    if (n == 0)
        cxf_cli_error(DEVCTL, "mbox needs a command (see --help)");
    return n ? n : -1;
}

/* Run the calls in order on one device; stop at a usage error. Returns the
 * exit status and the results (an array). */
static int run_calls(const struct mbox_env *env, const struct mbox_call *calls, int n,
                     struct json_object *results)
{
    static uint8_t in[CXF_MBOX_PAYLOAD_MAX + 1], out[CXF_MBOX_PAYLOAD_MAX];
    int status = CXF_EXIT_OK;
    for (int i = 0; i < n; i++) {
        uint16_t op = 0;
        size_t in_len = 0;
        mbox_decode_fn decode = NULL;
        if (prepare(&calls[i], env, &op, in, &in_len, &decode))
            return DEVCTL_EXIT_USAGE;
        struct cxf_cci_req req = {.opcode = op, .in = in, .in_len = in_len, .out = out};
        uint16_t rc = cxf_dev_mbox(env->dev, env->ld, &req);
        json_object_array_add(results,
                              result_json(&calls[i], env->ld, op, rc, out, req.out_len, decode));
        if (rc != CXF_RC_SUCCESS)
            status = CXF_EXIT_FAIL;
    }
    return status;
}

int devctl_mbox(int argc, char **argv)
{
    struct cxf_dev_config cfg;
    struct mbox_env env = {0};
    int first = parse_dev_opts(argc, argv, &cfg, &env.ld);
    struct mbox_call calls[32];
    int n = first < 0 ? -1 : split_calls(argc - first, argv + first, calls, 32);
    if (n < 0)
        return DEVCTL_EXIT_USAGE;
    struct cxf_err e;
    if (cxf_dev_create(&env.dev, &cfg, &e)) {
        cxf_cli_error(DEVCTL, "%s", e.msg);
        return DEVCTL_EXIT_USAGE;
    }
    int status = DEVCTL_EXIT_USAGE;
    if (env.ld >= env.dev->num_lds) {
        cxf_cli_error(DEVCTL, "--ld %u: the device has %u logical device(s) (see --lds)", env.ld,
                      env.dev->num_lds);
    } else {
        struct json_object *results = json_object_new_array();
        status = run_calls(&env, calls, n, results);
        if (status != DEVCTL_EXIT_USAGE)
            cxf_cli_print_json(n == 1 ? json_object_get(json_object_array_get_idx(results, 0))
                                      : json_object_get(results));
        json_object_put(results);
    }
    cxf_dev_destroy(env.dev);
    return status;
}
