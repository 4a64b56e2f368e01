/*
 * cxl-devctl mbox - turning command arguments into mailbox input payloads.
 */
#include "mbox_cmd.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

int mbox_arg_u64(const char *what, const char *s, uint64_t max, uint64_t *v)
{
    return cxf_cli_u64(DEVCTL, what, s, true, max, v);
}

int mbox_arg_hex(const char *what, const char *s, uint8_t *buf, size_t cap, size_t *len)
{
    size_t n = strlen(s);
    if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        s += 2, n -= 2;
    if (n % 2 || n / 2 > cap) {
        cxf_cli_error(DEVCTL, "%s: need an even number of hex digits, at most %zu bytes", what, cap);
        return -1;
    }
    for (size_t i = 0; i < n / 2; i++) {
        unsigned v;
        if (!isxdigit((unsigned char)s[2 * i]) || !isxdigit((unsigned char)s[2 * i + 1]) ||
            sscanf(s + 2 * i, "%2x", &v) != 1) {
            cxf_cli_error(DEVCTL, "%s: '%s' is not hex", what, s);
            return -1;
        }
        buf[i] = (uint8_t)v;
    }
    *len = n / 2;
    return 0;
}

static int want_args(const char *cmd, int argc, int lo, int hi)
{
    if (argc >= lo && argc <= hi)
        return 0;
    cxf_cli_error(DEVCTL, "%s takes %d to %d arguments, got %d (see --help)", cmd, lo, hi, argc);
    return -1;
}

int mbox_build_none(const struct mbox_call *c, const struct mbox_env *env, uint8_t *in,
                  size_t *in_len)
{
    (void)env, (void)in;
    *in_len = 0;
    return want_args(c->name, c->argc, 0, 0);
}

int mbox_build_get_lsa(const struct mbox_call *c, const struct mbox_env *env, uint8_t *in,
                  size_t *in_len)
{
    uint64_t off = 0, len;
    if (want_args(c->name, c->argc, 0, 2))
        return -1;
    if (c->argc > 0 && mbox_arg_u64("OFFSET", c->argv[0], UINT32_MAX, &off))
        return -1;
    len = env->dev->lsa_size > off ? env->dev->lsa_size - off : 0;
    if (len > CXF_MBOX_PAYLOAD_MAX)
        len = CXF_MBOX_PAYLOAD_MAX;
    if (c->argc > 1 && mbox_arg_u64("LENGTH", c->argv[1], UINT32_MAX, &len))
        return -1;
    cxf_put_le32(in, (uint32_t)off);
    cxf_put_le32(in + 4, (uint32_t)len);
    *in_len = 8;
    return 0;
}

int mbox_build_set_lsa(const struct mbox_call *c, const struct mbox_env *env, uint8_t *in,
                  size_t *in_len)
{
    (void)env;
    uint64_t off;
    size_t n;
    if (want_args(c->name, c->argc, 2, 2) ||
        mbox_arg_u64("OFFSET", c->argv[0], UINT32_MAX, &off) ||
        mbox_arg_hex("HEXDATA", c->argv[1], in + 8, CXF_MBOX_PAYLOAD_MAX - 8, &n))
        return -1;
    cxf_put_le32(in, (uint32_t)off);
    cxf_put_le32(in + 4, 0);
    *in_len = 8 + n;
    return 0;
}

int mbox_build_poison_list(const struct mbox_call *c, const struct mbox_env *env, uint8_t *in,
                  size_t *in_len)
{
    uint64_t start = 0, len;
    if (want_args(c->name, c->argc, 0, 2))
        return -1;
    if (c->argc > 0 && mbox_arg_u64("DPA", c->argv[0], UINT64_MAX, &start))
        return -1;
    uint64_t ld_size = cxf_ld_size(cxf_dev_ld(env->dev, env->ld));
    len = ld_size > start ? ld_size - start : CXF_LINE_SIZE;
    if (c->argc > 1 && mbox_arg_u64("LENGTH", c->argv[1], UINT64_MAX, &len))
        return -1;
    if (len % CXF_LINE_SIZE) {
        cxf_cli_error(DEVCTL, "get-poison-list: LENGTH must be a multiple of 64 bytes");
        return -1;
    }
    cxf_put_le64(in, start);
    cxf_put_le64(in + 8, len / CXF_LINE_SIZE);
    *in_len = 16;
    return 0;
}

int mbox_build_inject(const struct mbox_call *c, const struct mbox_env *env, uint8_t *in,
                  size_t *in_len)
{
    (void)env;
    uint64_t dpa;
    if (want_args(c->name, c->argc, 1, 1) || mbox_arg_u64("DPA", c->argv[0], UINT64_MAX, &dpa))
        return -1;
    cxf_put_le64(in, dpa);
    *in_len = 8;
    return 0;
}

int mbox_build_clear_poison(const struct mbox_call *c, const struct mbox_env *env, uint8_t *in,
                  size_t *in_len)
{
    (void)env;
    uint64_t dpa;
    size_t n = 64;
    if (want_args(c->name, c->argc, 1, 2) || mbox_arg_u64("DPA", c->argv[0], UINT64_MAX, &dpa))
        return -1;
    memset(in + 8, 0, 64); /* no data given: the line is rewritten with zeros */
    if (c->argc > 1 && mbox_arg_hex("HEXDATA", c->argv[1], in + 8, 64, &n))
        return -1;
    if (n != 64) {
        cxf_cli_error(DEVCTL, "clear-poison: HEXDATA is the whole 64-byte line (128 hex digits)");
        return -1;
    }
    cxf_put_le64(in, dpa);
    *in_len = 0x48;
    return 0;
}

int mbox_arg_log(const char *s, uint8_t *log)
{
    static const char *const names[] = {"info", "warn", "failure", "fatal"};
    for (uint8_t i = 0; i < 4; i++)
        if (!strcmp(s, names[i]))
            return *log = i, 0;
    uint64_t v;
    if (cxf_parse_u64(s, false, &v) == 0 && v <= 0xFF)
        return *log = (uint8_t)v, 0; /* numbers pass through: the device judges them */
    cxf_cli_error(DEVCTL, "LOG '%s' is not info, warn, failure, fatal or a number", s);
    return -1;
}

int mbox_build_get_events(const struct mbox_call *c, const struct mbox_env *env, uint8_t *in,
                  size_t *in_len)
{
    (void)env;
    if (want_args(c->name, c->argc, 1, 1) || mbox_arg_log(c->argv[0], &in[0]))
        return -1;
    *in_len = 1;
    return 0;
}

int mbox_build_clear_events(const struct mbox_call *c, const struct mbox_env *env, uint8_t *in,
                  size_t *in_len)
{
    (void)env;
    if (want_args(c->name, c->argc, 2, 256) || mbox_arg_log(c->argv[0], &in[0]))
        return -1;
    memset(in + 1, 0, 5);
    if (!strcmp(c->argv[1], "--all")) {
        in[1] = 1;
        *in_len = 6;
        return want_args(c->name, c->argc, 2, 2);
    }
    for (int i = 1; i < c->argc; i++) {
        uint64_t h;
        if (mbox_arg_u64("HANDLE", c->argv[i], 0xFFFF, &h))
            return -1;
        cxf_put_le16(in + 6 + 2 * (i - 1), (uint16_t)h);
    }
    in[2] = (uint8_t)(c->argc - 1);
    *in_len = 6 + 2 * (size_t)(c->argc - 1);
    return 0;
}

int mbox_build_get_log(const struct mbox_call *c, const struct mbox_env *env, uint8_t *in,
                  size_t *in_len)
{
    (void)env;
    if (want_args(c->name, c->argc, 0, 3) || c->argc == 2) {
        if (c->argc == 2)
            cxf_cli_error(DEVCTL, "get-log: give both OFFSET and LENGTH, or neither");
        return -1;
    }
    memcpy(in, cxf_cel_uuid, 16);
    if (c->argc > 0 && strcmp(c->argv[0], "cel") && mbox_parse_uuid(c->argv[0], in))
        return -1;
    size_t ncmds;
    cxf_dev_mbox_commands(&ncmds);
    uint64_t off = 0, len = cxf_cci_cel_size(ncmds);
    if (c->argc == 3 && (mbox_arg_u64("OFFSET", c->argv[1], UINT32_MAX, &off) ||
                         mbox_arg_u64("LENGTH", c->argv[2], UINT32_MAX, &len)))
        return -1;
    cxf_put_le32(in + 0x10, (uint32_t)off);
    cxf_put_le32(in + 0x14, (uint32_t)len);
    *in_len = 0x18;
    return 0;
}

int mbox_parse_uuid(const char *s, uint8_t uuid[16])
{
    char hex[33];
    size_t n = 0;
    for (const char *p = s; *p; p++) {
        if (*p == '-')
            continue;
        if (n == 32) {
            n = 33;
            break;
        }
        hex[n++] = *p;
    }
    hex[n < 33 ? n : 32] = '\0';
    size_t len;
    if (n != 32 || mbox_arg_hex("UUID", hex, uuid, 16, &len) || len != 16) {
        cxf_cli_error(DEVCTL, "'%s' is not a UUID (32 hex digits, dashes allowed)", s);
        return -1;
    }
    return 0;
}
