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

unsigned mbox_ld;

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

struct dev_opts {
    struct cxf_dev_config cfg;
};

static int parse_size_opt(const char *name, const char *val, uint64_t *out)
{
    if (cxf_parse_u64(val, true, out) == 0)
        return 0;
    cxf_cli_error(DEVCTL, "--%s: '%s' is not a size (e.g. 4G, 0x10000000)", name, val);
    return -1;
}

static int parse_dev_opts(int argc, char **argv, struct dev_opts *o)
{
    static const struct option opts[] = {
        {"capacity", required_argument, NULL, 'c'}, {"persistent", required_argument, NULL, 'p'},
        {"lds", required_argument, NULL, 'l'},      {"ld", required_argument, NULL, 'i'},
        {"lsa", required_argument, NULL, 'a'},      {NULL, 0, NULL, 0},
    };
    cxf_dev_config_default(&o->cfg);
    o->cfg.name = "devctl";
    optind = 1;
    opterr = 0;
    int c;
    uint64_t v;
    /* "+" stops at the first non-option: the command name */
    while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            if (parse_size_opt("capacity", optarg, &o->cfg.volatile_bytes))
                return -1;
            break;
        case 'p':
            if (parse_size_opt("persistent", optarg, &o->cfg.persistent_bytes))
                return -1;
            break;
        case 'l':
        case 'i':
        case 'a':
            if (parse_size_opt(c == 'l' ? "lds" : c == 'i' ? "ld" : "lsa", optarg, &v))
                return -1;
            if (v > (c == 'a' ? (16u << 20) : 0xFFFFu)) {
                cxf_cli_error(DEVCTL, "%s: value %s is too large", argv[optind - 1], optarg);
                return -1;
            }
            if (c == 'l')
                o->cfg.lds = (unsigned)v;
            else if (c == 'i')
                mbox_ld = (unsigned)v;
            else
                o->cfg.lsa_bytes = (uint32_t)v;
            break;
        default:
            cxf_cli_error(DEVCTL, "mbox: unknown option or missing value: '%s'", argv[optind - 1]);
            return -1;
        }
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
    if (mbox_arg_u64("OPCODE", c->argv[0], &v))
        return -1;
    if (v > 0xFFFF) {
        cxf_cli_error(DEVCTL, "OPCODE %s does not fit 16 bits", c->argv[0]);
        return -1;
    }
    *op = (uint16_t)v;
    return c->argc == 2 ? mbox_arg_hex("HEXPAYLOAD", c->argv[1], in, CXF_MBOX_PAYLOAD_MAX + 1,
                                       in_len)
                        : 0;
}

/* Prepare one call: its opcode, input payload and output decoder. */
static int prepare(const struct mbox_call *c, struct cxf_dev *d, uint16_t *op, uint8_t *in,
                   size_t *in_len, mbox_decode_fn *decode)
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
    return t->build(c, d, in, in_len);
}

static struct json_object *result_json(const struct mbox_call *c, uint16_t op, uint16_t rc,
                                       const uint8_t *out, size_t out_len, mbox_decode_fn decode)
{
    struct json_object *j = json_object_new_object();
    json_object_object_add(j, "command", json_object_new_string(c->name));
    char opcode[8];
    snprintf(opcode, sizeof(opcode), "0x%04x", op);
    json_object_object_add(j, "opcode", json_object_new_string(opcode));
    json_object_object_add(j, "ld", json_object_new_int((int)mbox_ld));
    json_object_object_add(j, "return-code", json_object_new_int(rc));
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

int devctl_mbox(int argc, char **argv)
{
    struct dev_opts o;
    int first = parse_dev_opts(argc, argv, &o);
    struct mbox_call calls[32];
    int n = first < 0 ? -1 : split_calls(argc - first, argv + first, calls, 32);
    if (n < 0)
        return CXF_EXIT_USAGE;
    struct cxf_dev *d;
    struct cxf_err e;
    if (cxf_dev_create(&d, &o.cfg, &e)) {
        cxf_cli_error(DEVCTL, "%s", e.msg);
        return CXF_EXIT_USAGE;
    }
    if (mbox_ld >= d->num_lds) {
        cxf_cli_error(DEVCTL, "--ld %u: the device has %u logical device(s)", mbox_ld, d->num_lds);
        cxf_dev_destroy(d);
        return CXF_EXIT_USAGE;
    }
    static uint8_t in[CXF_MBOX_PAYLOAD_MAX + 1], out[CXF_MBOX_PAYLOAD_MAX];
    struct json_object *results = json_object_new_array();
    int status = CXF_EXIT_OK;
    for (int i = 0; i < n && status != CXF_EXIT_USAGE; i++) {
        uint16_t op = 0;
        size_t in_len = 0;
        mbox_decode_fn decode = NULL;
        if (prepare(&calls[i], d, &op, in, &in_len, &decode)) {
            status = CXF_EXIT_USAGE;
            break;
        }
        struct cxf_cci_req req = {.opcode = op, .in = in, .in_len = in_len, .out = out};
        uint16_t rc = cxf_dev_mbox(d, mbox_ld, &req);
        json_object_array_add(results, result_json(&calls[i], op, rc, out, req.out_len, decode));
        if (rc != CXF_RC_SUCCESS)
            status = CXF_EXIT_FAIL;
    }
    if (status != CXF_EXIT_USAGE) {
        if (n == 1) {
            struct json_object *one = json_object_get(json_object_array_get_idx(results, 0));
            json_object_put(results);
            results = one;
        }
        cxf_cli_print_json(results);
    } else {
        json_object_put(results);
    }
    cxf_dev_destroy(d);
    return status;
}
