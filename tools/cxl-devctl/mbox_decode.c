/*
 * cxl-devctl mbox - mailbox output payloads decoded into JSON, field names
 * after the spec's (lower case, dashes), sizes in bytes.
 */
#include "mbox_cmd.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void add_u64(struct json_object *o, const char *k, uint64_t v)
{
    json_object_object_add(o, k, json_object_new_uint64(v));
}

static void add_hex(struct json_object *o, const char *k, uint64_t v)
{
    json_object_object_add(o, k, cxf_json_hex(v));
}

struct json_object *mbox_decode_hex(const uint8_t *o, size_t len)
{
    char *s = malloc(2 * len + 1);
    if (!s)
        return NULL;
    for (size_t i = 0; i < len; i++)
        snprintf(s + 2 * i, 3, "%02x", o[i]);
    s[2 * len] = '\0';
    struct json_object *j = json_object_new_string(s);
    free(s);
    return j;
}

struct json_object *mbox_decode_identify(const uint8_t *o, size_t len)
{
    (void)len;
    struct json_object *j = json_object_new_object();
    char fw[17];
    memcpy(fw, o, 16);
    fw[16] = '\0';
    json_object_object_add(j, "fw-revision", json_object_new_string(fw));
    add_u64(j, "total-capacity", cxf_get_le64(o + 0x10) * CXF_CAP_UNIT);
    add_u64(j, "volatile-only-capacity", cxf_get_le64(o + 0x18) * CXF_CAP_UNIT);
    add_u64(j, "persistent-only-capacity", cxf_get_le64(o + 0x20) * CXF_CAP_UNIT);
    add_u64(j, "partition-alignment", cxf_get_le64(o + 0x28) * CXF_CAP_UNIT);
    struct json_object *logs = json_object_new_object();
    add_u64(logs, "informational", cxf_get_le16(o + 0x30));
    add_u64(logs, "warning", cxf_get_le16(o + 0x32));
    add_u64(logs, "failure", cxf_get_le16(o + 0x34));
    add_u64(logs, "fatal", cxf_get_le16(o + 0x36));
    json_object_object_add(j, "event-log-size", logs);
    add_u64(j, "lsa-size", cxf_get_le32(o + 0x38));
    add_u64(j, "poison-list-max-media-error-records", cxf_get_le(o + 0x3C, 3));
    add_u64(j, "inject-poison-limit", cxf_get_le16(o + 0x3F));
    add_hex(j, "poison-handling-capabilities", o[0x41]);
    add_hex(j, "qos-telemetry-capabilities", o[0x42]);
    add_u64(j, "dynamic-capacity-event-log-size", cxf_get_le16(o + 0x43));
    return j;
}

struct json_object *mbox_decode_partition(const uint8_t *o, size_t len)
{
    (void)len;
    struct json_object *j = json_object_new_object();
    add_u64(j, "active-volatile-capacity", cxf_get_le64(o) * CXF_CAP_UNIT);
    add_u64(j, "active-persistent-capacity", cxf_get_le64(o + 8) * CXF_CAP_UNIT);
    add_u64(j, "next-volatile-capacity", cxf_get_le64(o + 16) * CXF_CAP_UNIT);
    add_u64(j, "next-persistent-capacity", cxf_get_le64(o + 24) * CXF_CAP_UNIT);
    return j;
}

struct json_object *mbox_decode_health(const uint8_t *o, size_t len)
{
    (void)len;
    struct json_object *j = json_object_new_object();
    add_hex(j, "health-status", o[0]);
    add_u64(j, "media-status", o[1]);
    add_hex(j, "additional-status", o[2]);
    add_u64(j, "life-used-percent", o[3]);
    json_object_object_add(j, "temperature-celsius",
                           json_object_new_int((int16_t)cxf_get_le16(o + 4)));
    add_u64(j, "dirty-shutdown-count", cxf_get_le32(o + 6));
    add_u64(j, "corrected-volatile-error-count", cxf_get_le32(o + 0x0A));
    add_u64(j, "corrected-persistent-error-count", cxf_get_le32(o + 0x0E));
    return j;
}

struct json_object *mbox_decode_lsa(const uint8_t *o, size_t len)
{
    struct json_object *j = json_object_new_object();
    add_u64(j, "length", len);
    json_object_object_add(j, "data", mbox_decode_hex(o, len));
    return j;
}

static const char *poison_source_name(unsigned s)
{
    switch (s) {
    case CXF_POISON_UNKNOWN: return "unknown";
    case CXF_POISON_EXTERNAL: return "external";
    case CXF_POISON_INTERNAL: return "internal";
    case CXF_POISON_INJECTED: return "injected";
    case CXF_POISON_VENDOR: return "vendor";
    default: return "reserved";
    }
}

struct json_object *mbox_decode_poison_list(const uint8_t *o, size_t len)
{
    struct json_object *j = json_object_new_object();
    json_object_object_add(j, "more-records", json_object_new_boolean(o[0] & 1));
    json_object_object_add(j, "overflow", json_object_new_boolean(o[0] & 2));
    add_u64(j, "overflow-timestamp", cxf_get_le64(o + 2));
    unsigned n = cxf_get_le16(o + 0x0A);
    struct json_object *recs = json_object_new_array();
    for (unsigned i = 0; i < n && 0x20 + (i + 1) * 16u <= len; i++) {
        const uint8_t *r = o + 0x20 + i * 16;
        uint64_t a = cxf_get_le64(r);
        struct json_object *e = json_object_new_object();
        add_hex(e, "dpa", a & ~63ull);
        add_u64(e, "length", (uint64_t)cxf_get_le32(r + 8) * CXF_LINE_SIZE);
        json_object_object_add(e, "source", json_object_new_string(poison_source_name(a & 7)));
        json_object_array_add(recs, e);
    }
    json_object_object_add(j, "records", recs);
    return j;
}

static void uuid_string(const uint8_t *u, char out[37])
{
    snprintf(out, 37,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1],
             u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14],
             u[15]);
}

static struct json_object *decode_event(const uint8_t *r)
{
    static const char *const sev[] = {"informational", "warning", "failure", "fatal"};
    struct json_object *e = json_object_new_object();
    char u[37];
    uuid_string(r, u);
    json_object_object_add(e, "uuid", json_object_new_string(u));
    bool gm = memcmp(r, cxf_gen_media_uuid, 16) == 0;
    json_object_object_add(e, "type", json_object_new_string(gm ? "general-media" : "other"));
    uint32_t flags = (uint32_t)cxf_get_le(r + 0x11, 3);
    json_object_object_add(e, "severity", json_object_new_string(sev[flags & 3]));
    add_u64(e, "handle", cxf_get_le16(r + 0x14));
    add_u64(e, "timestamp", cxf_get_le64(r + 0x18));
    if (gm) {
        uint64_t pa = cxf_get_le64(r + 0x30);
        add_hex(e, "dpa", pa & ~63ull);
        json_object_object_add(e, "volatile", json_object_new_boolean(pa & 1));
        add_hex(e, "descriptor", r[0x38]);
        add_u64(e, "memory-event-type", r[0x39]);
        add_u64(e, "transaction-type", r[0x3A]);
    }
    return e;
}

struct json_object *mbox_decode_events(const uint8_t *o, size_t len)
{
    struct json_object *j = json_object_new_object();
    json_object_object_add(j, "overflow", json_object_new_boolean(o[0] & 1));
    json_object_object_add(j, "more-records", json_object_new_boolean(o[0] & 2));
    add_u64(j, "overflow-error-count", cxf_get_le16(o + 2));
    add_u64(j, "first-overflow-timestamp", cxf_get_le64(o + 4));
    add_u64(j, "last-overflow-timestamp", cxf_get_le64(o + 0x0C));
    unsigned n = cxf_get_le16(o + 0x14);
    struct json_object *recs = json_object_new_array();
    for (unsigned i = 0; i < n && 0x20 + (i + 1) * 0x80u <= len; i++)
        json_object_array_add(recs, decode_event(o + 0x20 + i * 0x80));
    json_object_object_add(j, "records", recs);
    return j;
}

struct json_object *mbox_decode_supported_logs(const uint8_t *o, size_t len)
{
    struct json_object *logs = json_object_new_array();
    unsigned n = cxf_get_le16(o);
    for (unsigned i = 0; i < n && 8 + (i + 1) * 0x14u <= len; i++) {
        const uint8_t *e = o + 8 + i * 0x14;
        struct json_object *l = json_object_new_object();
        char u[37];
        uuid_string(e, u);
        json_object_object_add(l, "uuid", json_object_new_string(u));
        json_object_object_add(l, "name", json_object_new_string(
            memcmp(e, cxf_cel_uuid, 16) ? "unknown" : "command-effects-log"));
        add_u64(l, "size", cxf_get_le32(e + 16));
        json_object_array_add(logs, l);
    }
    return logs;
}

/* Get Log output: the CEL decoded entry by entry (the only log we serve). */
struct json_object *mbox_decode_log(const uint8_t *o, size_t len)
{
    size_t n;
    const struct cxf_cci_cmd *cmds = cxf_dev_mbox_commands(&n);
    struct json_object *a = json_object_new_array();
    for (size_t i = 0; i + 4 <= len; i += 4) {
        uint16_t op = cxf_get_le16(o + i);
        const struct cxf_cci_cmd *c = cxf_cci_by_opcode(cmds, n, op);
        struct json_object *e = json_object_new_object();
        add_hex(e, "opcode", op);
        json_object_object_add(e, "command", json_object_new_string(c ? c->name : "unknown"));
        add_hex(e, "effects", cxf_get_le16(o + i + 2));
        json_object_array_add(a, e);
    }
    return a;
}
