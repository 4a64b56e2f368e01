/*
 * tests/fuzz/fuzz_proto.c - the control protocol on arbitrary bytes: each
 * input is a session of request lines against a fresh small world, with a
 * little virtual time between lines so migrations and VMs started by the
 * input really run. Every line must get exactly one well-formed response.
 */
#include "ctl/ctl.h"
#include "fuzz.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Small nodes and pools, so that whatever an input creates stays cheap. */
static const char topology[] =
    "{\"switch\": {\"name\": \"sw0\"},"
    " \"hosts\": ["
    "  {\"name\": \"node0\", \"dram\": \"64M\","
    "   \"host-bridges\": [{\"root-ports\": [{\"switch-port\": 0, \"vppbs\": 4}]}],"
    "   \"windows\": [{\"name\": \"w\", \"base\": \"0x1000000000\", \"size\": \"4G\", \"targets\": [0]}],"
    "   \"bridge\": {\"switch-port\": 4, \"export-size\": \"64M\", \"window-base\": \"0x4000000000\"}},"
    "  {\"name\": \"node1\", \"dram\": \"64M\","
    "   \"host-bridges\": [{\"root-ports\": [{\"switch-port\": 1, \"vppbs\": 4}]}],"
    "   \"windows\": [{\"name\": \"w\", \"base\": \"0x1000000000\", \"size\": \"4G\", \"targets\": [0]}],"
    "   \"bridge\": {\"switch-port\": 5, \"export-size\": \"64M\", \"window-base\": \"0x4000000000\"}}],"
    " \"devices\": [{\"name\": \"pool0\", \"switch-port\": 2, \"volatile\": \"1G\", \"lds\": 4}],"
    " \"bindings\": [{\"host\": \"node0\", \"vppb\": 0, \"device\": \"pool0\", \"ld\": 0},"
    "              {\"host\": \"node1\", \"vppb\": 0, \"device\": \"pool0\", \"ld\": 1}],"
    " \"regions\": [{\"host\": \"node0\", \"targets\": [{\"device\": \"pool0\", \"ld\": 0}]},"
    "             {\"host\": \"node1\", \"targets\": [{\"device\": \"pool0\", \"ld\": 1}]}]}";

static const char *topology_file(void)
{
    static char path[64];
    if (path[0])
        return path;
    snprintf(path, sizeof(path), "/tmp/cxlfab-fuzz-topo-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, topology, sizeof(topology) - 1) != (ssize_t)sizeof(topology) - 1)
        abort();
    close(fd);
    return path;
}

static void check_response(struct json_object *r)
{
    struct json_object *ok;
    if (!r || !json_object_object_get_ex(r, "ok", &ok))
        abort();
    if (!json_object_get_boolean(ok)) {
        struct json_object *err, *msg;
        if (!json_object_object_get_ex(r, "error", &err) ||
            !json_object_object_get_ex(err, "message", &msg) ||
            strchr(json_object_get_string(msg), '\n'))
            abort();
    }
    json_object_put(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cxf_node_config nc;
    cxf_node_config_default(&nc);
    nc.llc_size = 64 << 10;
    struct cxf_ctl c;
    struct cxf_err e;
    if (cxf_ctl_init(&c, topology_file(), &nc, &e))
        abort();
    const char *p = (const char *)data, *end = p + size;
    for (unsigned lines = 0; p < end && lines < 64; lines++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        struct json_object *id = NULL;
        /* no waiting here: commands that answer later are refused */
        check_response(cxf_proto_request(&c, p, len, NULL, &id));
        cxf_sim_run_until(&c.w->sim, c.w->sim.now + CXF_US(20));
        p += len + (nl != NULL);
    }
    cxf_ctl_fini(&c);
    return 0;
}
