/* Fabric configuration: the embedded default's structure, every class of
 * config error naming its key path in one line, hostile input, files, and
 * the topology JSON. */
#include "cmocka_all.h"
#include "fabric/fabric.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define GB (1ull << 30)

static struct cxf_fabric *load(const char *json)
{
    struct cxf_fabric *f = NULL;
    struct cxf_err e = {{0}};
    int rc = cxf_fabric_from_json(&f, json, &e);
    if (rc)
        fail_msg("config rejected: %s", e.msg);
    return f;
}

/* rc < 0, no fabric, and one line containing `needle`. */
static void expect_error(const char *json, const char *needle)
{
    struct cxf_fabric *f = (struct cxf_fabric *)1;
    struct cxf_err e = {{0}};
    int rc = cxf_fabric_from_json(&f, json, &e);
    if (rc >= 0 || f || !strstr(e.msg, needle) || strchr(e.msg, '\n'))
        fail_msg("input %.80s\n  rc %d, message \"%s\", expected \"%s\"", json, rc, e.msg, needle);
}

static void expect_bound(const struct cxf_fabric *f, unsigned vcs, unsigned vppb, unsigned port,
                         uint16_t ld)
{
    const struct cxf_vppb *v = &f->vcs[vcs].vppb[vppb];
    assert_int_equal(v->status, CXF_VPPB_BOUND_LD);
    assert_int_equal(v->port, port);
    assert_int_equal(v->ld, ld);
}

static void test_default_structure(void **state)
{
    (void)state;
    struct cxf_fabric *f = load(cxf_default_config);
    assert_string_equal(f->switch_name, "sw0");
    assert_int_equal(f->nhosts, 2);
    for (unsigned i = 0; i < 2; i++) {
        const struct cxf_host *h = &f->host[i];
        assert_string_equal(h->name, i ? "node1" : "node0");
        assert_int_equal(h->dram_size, 8 * GB);
        assert_int_equal(h->nhbs, 1);
        assert_int_equal(h->hb[0].hdm.count, 4);
        assert_int_equal(h->hb[0].nrps, 1);
        assert_int_equal(h->hb[0].rp[0].switch_port, (int)i);
        assert_int_equal(h->nwindows, 1);
        assert_string_equal(h->win[0].name, i ? "node1-cxl" : "node0-cxl");
        assert_int_equal(h->win[0].base, 0x1000000000ull);
        assert_int_equal(h->win[0].size, 16 * GB);
        assert_int_equal(h->win[0].granularity, 4096);
        assert_int_equal(h->win[0].restrictions, CXF_WIN_VOLATILE | CXF_WIN_PERSISTENT);
        assert_true(h->bridge.present);
        assert_int_equal(h->bridge.switch_port, 4 + (int)i);
        assert_int_equal(h->bridge.export_size, 8 * GB);
        assert_int_equal(h->bridge.fabric_base, i * 8 * GB);
        assert_int_equal(h->bridge.window_base, 0x4000000000ull);
    }
    static const enum cxf_port_kind kinds[] = {CXF_PORT_USP, CXF_PORT_USP, CXF_PORT_DSP,
                                               CXF_PORT_DSP, CXF_PORT_FABRIC, CXF_PORT_FABRIC};
    assert_int_equal(f->nports, 6);
    for (unsigned i = 0; i < 6; i++)
        assert_int_equal(f->port[i].kind, kinds[i]);
    assert_int_equal(f->port[0].link.width, 16);
    assert_int_equal(f->port[2].link.width, 8);
    assert_int_equal(f->ndevs, 2);
    for (unsigned i = 0; i < 2; i++) {
        assert_true(f->dev[i]->mld);
        assert_int_equal(f->dev[i]->num_lds, 4); /* LDs 2 and 3 left unbound */
        assert_int_equal(cxf_fabric_ld_binding(f, 2 + i, 2, NULL, NULL), -1);
        assert_int_equal(f->dev[i]->volatile_bytes, 4 * GB);
    }
    assert_int_equal(f->nvcs, 2);
    expect_bound(f, 0, 0, 2, 0);
    expect_bound(f, 0, 1, 3, 0);
    expect_bound(f, 1, 0, 2, 1);
    expect_bound(f, 1, 1, 3, 1);
    for (unsigned i = 0; i < 2; i++) {
        const struct cxf_region *r = f->region[i];
        assert_non_null(r);
        assert_int_equal(r->host, i);
        assert_int_equal(r->ways, 2);
        assert_int_equal(r->granularity, 4096);
        assert_int_equal(r->size, 2 * GB); /* both 1 GiB LDs, whole */
        assert_false(r->persistent);
        assert_ptr_equal(r->target[0].dev, f->dev[0]);
        assert_ptr_equal(r->target[1].dev, f->dev[1]);
        assert_int_equal(r->target[0].ld, i);
    }
    assert_null(f->region[2]);
    assert_int_equal(f->fabric_space, 16 * GB);
    cxf_fabric_free(f);
}

/* A small valid config: the error cases each break one thing of it. */
#define HOST_HEAD "{\"hosts\": [{\"name\": \"h0\", \"dram\": \"1G\", "
#define ONE_RP "\"host-bridges\": [{\"root-ports\": [{\"switch-port\": 0}]}], "
#define WIN0 "{\"name\": \"w0\", \"base\": \"64G\", \"size\": \"16G\", \"targets\": [0]}"
#define HOST_OK HOST_HEAD ONE_RP "\"windows\": [" WIN0 "]}]"
#define DEV0 "{\"name\": \"d0\", \"switch-port\": 1, \"volatile\": \"1G\"}"
#define BIND0 "{\"host\": \"h0\", \"vppb\": 0, \"device\": \"d0\"}"
#define REGION0 "{\"host\": \"h0\", \"targets\": [{\"device\": \"d0\"}]}"

static void test_small_config_loads(void **state)
{
    (void)state;
    struct cxf_fabric *f = load(HOST_OK ", \"devices\": [" DEV0 "], \"bindings\": [" BIND0 "], "
                                "\"regions\": [" REGION0 "]}");
    assert_int_equal(f->nhosts, 1);
    assert_false(f->dev[0]->mld);
    assert_int_equal(f->vcs[0].vppb[0].status, CXF_VPPB_BOUND_PORT);
    assert_int_equal(f->vcs[0].vppb[0].ld, CXF_LD_FM_OWNED); /* SLD: "ld" omitted */
    assert_non_null(f->region[0]);
    assert_int_equal(f->region[0]->size, GB);
    assert_int_equal(f->region[0]->granularity, 256); /* the window's default */
    cxf_fabric_free(f);
}

/* Devices built from a config learn the simulation clock with the fabric,
 * and so does a device added afterwards: event records carry virtual time. */
static void test_devices_get_the_clock(void **state)
{
    (void)state;
    struct cxf_fabric *f = load(cxf_default_config);
    struct cxf_sim sim;
    cxf_sim_init(&sim);
    sim.now = 123456;
    cxf_fabric_set_clock(f, &sim);
    assert_ptr_equal(f->clock, &sim);
    for (unsigned i = 0; i < f->ndevs; i++)
        assert_int_equal(cxf_dev_timestamp(f->dev[i]), 123456);
    struct cxf_dev_config c;
    struct cxf_err e;
    cxf_dev_config_default(&c);
    c.name = "late";
    c.volatile_bytes = GB;
    int late = cxf_fabric_add_device(f, 10, &c, 8, &e); /* port 10 is free */
    assert_int_equal(late, 2);
    assert_int_equal(cxf_dev_timestamp(f->dev[late]), 123456);
    cxf_fabric_free(f);
    cxf_sim_fini(&sim);
}

static void test_key_and_type_errors(void **state)
{
    (void)state;
    expect_error(HOST_OK ", \"devices\": [{\"name\": \"d0\", \"switch-port\": 1, "
                 "\"capcity\": \"1G\"}]}",
                 "devices[0]: unknown key \"capcity\"");
    expect_error(HOST_OK ", \"switches\": {}}", "unknown key \"switches\"");
    expect_error(HOST_HEAD "\"colour\": 1}]}", "hosts[0]: unknown key \"colour\"");
    expect_error("{\"hosts\": [{\"name\": \"h0\", \"dram\": true}]}",
                 "hosts[0].dram: expected a size, got boolean");
    expect_error("{\"hosts\": [{\"name\": 7, \"dram\": \"1G\"}]}",
                 "hosts[0].name: expected a string, got int");
    expect_error("{\"hosts\": {}}", "hosts: expected an array, got object");
    expect_error(HOST_OK ", \"devices\": [" DEV0 "], \"bindings\": [{\"host\": \"h0\", "
                 "\"vppb\": 1.5, \"device\": \"d0\"}]}",
                 "bindings[0].vppb: expected a number, got double");
    expect_error("{\"hosts\": [{\"name\": \"h0\"}]}", "hosts[0]: missing key \"dram\"");
    expect_error("{\"switch\": {}}", "missing key \"hosts\"");
    expect_error("{\"hosts\": []}", "hosts: give 1 to 8 entries, not 0");
    expect_error(HOST_HEAD "\"windows\": [{\"name\": \"w0\", \"base\": \"64G\", \"size\": \"16G\","
                 " \"targets\": [0], \"types\": [\"volatile\", \"rom\"]}]}]}",
                 "hosts[0].windows[0].types[1]: \"rom\" is not one of volatile, persistent");
    expect_error(HOST_OK ", \"timing\": {\"flit-efficiency\": 1.5}}",
                 "timing.flit-efficiency: 1.5 is not in (0, 1]");
    expect_error(HOST_OK ", \"switch\": {\"usp-decoders\": 3}}",
                 "switch.usp-decoders: 3 is not a decoder count");
    /* a key with a newline in it still makes a one-line message */
    expect_error(HOST_OK ", \"a\\nb\": 1}", "unknown key \"a?b\"");
}

static void test_number_errors(void **state)
{
    (void)state;
    expect_error(HOST_HEAD "\"windows\": [{\"name\": \"w0\", \"base\": \"64G\", \"size\": \"12X\","
                 " \"targets\": [0]}]}]}",
                 "hosts[0].windows[0].size: \"12X\" is not a size");
    expect_error(HOST_OK ", \"devices\": [{\"name\": \"d0\", \"switch-port\": 1, \"volatile\": "
                 "\"1G\", \"lds\": -1}]}",
                 "devices[0].lds: must not be negative");
    expect_error("{\"hosts\": [{\"name\": \"h0\", \"dram\": \"99999999999999999999T\"}]}",
                 "hosts[0].dram: \"99999999999999999999T\" is too large");
    expect_error("{\"hosts\": [{\"name\": \"h0\", \"dram\": \"16384T\"}]}",
                 "hosts[0].dram: \"16384T\" is out of range (at most 1024T)");
    expect_error("{\"hosts\": [{\"name\": \"h0\", \"dram\": 99999999999999999999}]}",
                 "hosts[0].dram: 18446744073709551615 is too large");
    expect_error("{\"hosts\": [{\"name\": \"h0\", \"dram\": \"-1G\"}]}",
                 "hosts[0].dram: \"-1G\" is not a size");
    expect_error("{\"hosts\": [{\"name\": \"h0\", \"dram\": \"0x\"}]}", "\"0x\" is not a size");
    expect_error("{\"hosts\": [{\"name\": \"h0\", \"dram\": \"1GB\"}]}", "\"1GB\" is not a size");
    expect_error(HOST_OK ", \"devices\": [{\"name\": \"d0\", \"switch-port\": 1, \"volatile\": "
                 "\"1G\", \"lsa\": \"8G\"}]}",
                 "devices[0].lsa: \"8G\" is out of range (at most 4294967295)");
    expect_error(HOST_OK ", \"devices\": [" DEV0 "], \"bindings\": [{\"host\": \"h0\", "
                 "\"vppb\": 0, \"device\": \"d0\", \"ld\": 16}]}",
                 "bindings[0].ld: 16 is out of range (at most 15)");
}

static void test_semantic_errors(void **state)
{
    (void)state;
    /* building-block messages, prefixed with the key path */
    expect_error(HOST_HEAD ONE_RP "\"windows\": [" WIN0 ", {\"name\": \"w1\", \"base\": \"72G\", "
                 "\"size\": \"16G\", \"targets\": [0]}]}]}",
                 "overlaps w0");
    expect_error(HOST_HEAD ONE_RP "\"windows\": [" WIN0 ", {\"name\": \"w1\", \"base\": \"72G\", "
                 "\"size\": \"16G\", \"targets\": [0]}]}]}",
                 "hosts: host h0");
    expect_error(HOST_HEAD "\"windows\": [{\"name\": \"w0\", \"base\": \"64G\", \"size\": \"20G\","
                 " \"targets\": [0, 1, 2, 3, 4]}]}]}",
                 "hosts[0].windows[0]: window w0: impossible interleave");
    expect_error(HOST_HEAD "\"windows\": [{\"name\": \"w0\", \"base\": \"64G\", \"size\": \"16G\","
                 " \"targets\": [1]}]}]}",
                 "hosts[0].windows[0]: window w0: target host bridge 1 does not exist");
    expect_error(HOST_OK ", \"devices\": [" DEV0 "], \"bindings\": [{\"host\": \"h0\", "
                 "\"vppb\": 0, \"device\": \"pool9\"}]}",
                 "bindings[0]: device \"pool9\" does not exist");
    expect_error(HOST_OK ", \"devices\": [{\"name\": \"d0\", \"switch-port\": 0, \"volatile\": "
                 "\"1G\"}]}",
                 "devices[0]: switch port 0 is already connected");
    expect_error(HOST_HEAD "\"host-bridges\": [{\"root-ports\": [{\"switch-port\": 2}, "
                 "{\"switch-port\": 2}]}]}]}",
                 "hosts[0].host-bridges[0].root-ports[1]: switch port 2 is already connected");
    expect_error(HOST_OK ", \"devices\": [" DEV0 "], \"regions\": [{\"host\": \"nodeX\", "
                 "\"targets\": [{\"device\": \"d0\"}]}]}",
                 "regions[0]: host \"nodeX\" does not exist");
    expect_error(HOST_OK ", \"devices\": [" DEV0 "], \"regions\": [" REGION0 "]}",
                 "regions[0]: region target 0: d0 LD 0 is not bound to host h0");
    expect_error(HOST_OK ", \"devices\": [" DEV0 "], \"bindings\": [{\"host\": \"h0\", "
                 "\"vppb\": 0, \"device\": \"d0\", \"ld\": 0}]}",
                 "bindings[0]: device d0 is a single logical device: omit \"ld\"");
    expect_error(HOST_OK ", \"devices\": [" DEV0 "], \"bindings\": [" BIND0 ", " BIND0 "]}",
                 "bindings[1]: vppb 0 of host h0 is already bound");
    expect_error(HOST_OK ", \"devices\": [" DEV0 "], \"bindings\": [{\"host\": \"h0\", "
                 "\"vppb\": 9, \"device\": \"d0\"}]}",
                 "bindings[0]: vppb 9: host h0's virtual switch has vPPBs 0-3");
    expect_error(HOST_OK ", \"devices\": [" DEV0 "], \"bindings\": [{\"host\": \"h0\", "
                 "\"vcs\": 1, \"vppb\": 0, \"device\": \"d0\"}]}",
                 "bindings[0]: host h0 has no virtual switch 1");
    expect_error("{\"hosts\": [{\"name\": \"h0\", \"dram\": \"1G\"}, {\"name\": \"h0\", "
                 "\"dram\": \"1G\"}]}",
                 "hosts[1]: host name 'h0' is already used");
}

/* Three SLDs under one root port would interleave 3 vPPBs: the USP decoder
 * cannot express that. */
static void test_impossible_region_interleave(void **state)
{
    (void)state;
    expect_error(HOST_OK ", \"devices\": ["
                 "{\"name\": \"a\", \"switch-port\": 1, \"volatile\": \"1G\"},"
                 "{\"name\": \"b\", \"switch-port\": 2, \"volatile\": \"1G\"},"
                 "{\"name\": \"c\", \"switch-port\": 3, \"volatile\": \"1G\"}],"
                 "\"bindings\": [{\"host\": \"h0\", \"vppb\": 0, \"device\": \"a\"},"
                 "{\"host\": \"h0\", \"vppb\": 1, \"device\": \"b\"},"
                 "{\"host\": \"h0\", \"vppb\": 2, \"device\": \"c\"}],"
                 "\"regions\": [{\"host\": \"h0\", \"targets\": [{\"device\": \"a\"}, "
                 "{\"device\": \"b\"}, {\"device\": \"c\"}]}]}",
                 "regions[0]: impossible interleave");
}

/* open x depth, middle, close x depth */
static char *nested(const char *open, const char *middle, const char *close, int depth)
{
    size_t lo = strlen(open), lm = strlen(middle), lc = strlen(close);
    char *s = malloc((lo + lc) * (size_t)depth + lm + 1), *p = s;
    assert_non_null(s);
    for (int i = 0; i < depth; i++, p += lo)
        memcpy(p, open, lo);
    memcpy(p, middle, lm);
    p += lm;
    for (int i = 0; i < depth; i++, p += lc)
        memcpy(p, close, lc);
    *p = '\0';
    return s;
}

static void test_hostile_input(void **state)
{
    (void)state;
    expect_error("", "empty");
    expect_error(" \n\t ", "empty");
    expect_error("null", "top level must be an object, not null");
    expect_error("[]", "top level must be an object, not array");
    expect_error("42", "top level must be an object");
    expect_error("{", "ends in the middle");
    expect_error("{\"hosts\": [", "ends in the middle");
    expect_error("{} x", "not valid JSON at line 1, column 4: unexpected character");
    expect_error("{}\n\n]", "not valid JSON at line 3, column 1");
    expect_error("{\n  \"hosts\": [1,]\n}", "not valid JSON at line 2");
    expect_error("{/* comment */}", "not valid JSON");
    expect_error("{hosts: 1}", "not valid JSON");
    expect_error("{\"hosts\": [[[[]]]]}", "hosts[0]: expected an object, got array");
    char *deep = nested("[", "", "]", 10000);
    expect_error(deep, "too deeply nested");
    free(deep);
    deep = nested("{\"a\":", "1", "}", 10000);
    expect_error(deep, "too deeply nested");
    free(deep);
    /* within the depth limit, nesting where the schema has none is a type error */
    deep = nested("{\"hosts\":", "1", "}", 20);
    expect_error(deep, "hosts: expected an array, got object");
    free(deep);
    /* a missing error buffer is allowed */
    struct cxf_fabric *f = NULL;
    assert_true(cxf_fabric_from_json(&f, "[]", NULL) < 0);
    assert_null(f);
}

static void write_file(const char *path, const char *text, size_t len)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

static void test_files(void **state)
{
    (void)state;
    char path[] = "/tmp/cxf-test-config-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    struct cxf_fabric *f = NULL;
    struct cxf_err e = {{0}};

    write_file(path, cxf_default_config, strlen(cxf_default_config));
    assert_int_equal(cxf_fabric_from_file(&f, path, &e), 0);
    assert_int_equal(f->nhosts, 2);
    cxf_fabric_free(f);

    /* errors inside a file name the file, then the key path */
    const char *bad = "{\"hosts\": [{\"name\": \"h0\", \"dram\": \"12X\"}]}";
    write_file(path, bad, strlen(bad));
    assert_true(cxf_fabric_from_file(&f, path, &e) < 0);
    assert_null(f);
    assert_ptr_equal(strstr(e.msg, path), e.msg);
    assert_non_null(strstr(e.msg, ": hosts[0].dram: \"12X\" is not a size"));

    /* larger than 1 MiB: refused before parsing, even if it is valid JSON */
    size_t big = (1u << 20) + 1;
    char *text = malloc(big);
    assert_non_null(text);
    memset(text, ' ', big);
    text[0] = '{';
    text[big - 1] = '}';
    write_file(path, text, big);
    free(text);
    assert_true(cxf_fabric_from_file(&f, path, &e) < 0);
    assert_non_null(strstr(e.msg, "larger than 1 MiB"));

    write_file(path, "{\"hosts\"\0: []}", 14);
    assert_true(cxf_fabric_from_file(&f, path, &e) < 0);
    assert_non_null(strstr(e.msg, "NUL"));
    unlink(path);

    assert_true(cxf_fabric_from_file(&f, "/nonexistent/cxf.json", &e) < 0);
    assert_null(f);
    assert_non_null(strstr(e.msg, "/nonexistent/cxf.json"));
    assert_non_null(strstr(e.msg, "No such file"));
    assert_true(cxf_fabric_from_file(&f, "/tmp", &e) < 0);
    assert_non_null(strstr(e.msg, "directory"));
}

/* Options beyond the default: SLDs, hex and suffixed numbers, timing applied
 * before hosts, omitted host bridges, bridge export defaults, a persistent
 * region with an explicit window and size. */
static void test_custom_config(void **state)
{
    (void)state;
    struct cxf_fabric *f = load(
        "{\"switch\": {\"name\": \"big\", \"usp-decoders\": 8},"
        " \"timing\": {\"dram-ns\": 77, \"switch-ns\": \"0x40\", \"flit-efficiency\": 1},"
        " \"hosts\": ["
        "  {\"name\": \"a\", \"dram\": 2147483648,"
        "   \"host-bridges\": [{\"decoders\": 8, \"root-ports\": ["
        "     {\"switch-port\": 0, \"width\": 8, \"vppbs\": 2}, {}]}],"
        "   \"windows\": [{\"name\": \"a-pmem\", \"base\": \"0x2000000000\", \"size\": \"4G\","
        "     \"targets\": [0], \"types\": [\"persistent\"]}],"
        "   \"bridge\": {\"switch-port\": 9, \"window-base\": \"1T\", \"export-offset\": \"1G\"}},"
        "  {\"name\": \"b\", \"dram\": \"1g\"}],"
        " \"devices\": [{\"name\": \"pm\", \"switch-port\": 1, \"volatile\": 0,"
        "   \"persistent\": \"2G\", \"serial\": \"0xabc\", \"decoders\": 2,"
        "   \"timing\": {\"read-ns\": 150, \"bandwidth\": \"8G\"}}],"
        " \"bindings\": [{\"host\": \"a\", \"vcs\": 0, \"vppb\": 1, \"device\": \"pm\"}],"
        " \"regions\": [{\"host\": \"a\", \"window\": \"a-pmem\", \"type\": \"persistent\","
        "   \"size\": \"1G\", \"targets\": [{\"device\": \"pm\", \"ld\": 0}]}]}");
    assert_string_equal(f->switch_name, "big");
    assert_int_equal(f->vcs[0].hdm.count, 8);
    assert_int_equal(f->timing.switch_ns, 64);
    assert_true(f->timing.flit_efficiency == 1.0);
    assert_int_equal(f->host[0].dram_ns, 77); /* timing was applied before hosts */
    assert_int_equal(f->host[0].hb[0].hdm.count, 8);
    assert_int_equal(f->host[0].hb[0].nrps, 2);
    assert_int_equal(f->host[0].hb[0].rp[0].switch_port, 0);
    assert_int_equal(f->host[0].hb[0].rp[1].switch_port, -1); /* {}: unconnected */
    assert_int_equal(f->port[0].link.width, 8);
    assert_int_equal(f->vcs[0].nvppbs, 2);
    assert_int_equal(f->host[0].win[0].restrictions, CXF_WIN_PERSISTENT);
    assert_int_equal(f->host[0].win[0].granularity, 256);
    /* export-size defaults to the DRAM after export-offset */
    assert_int_equal(f->host[0].bridge.export_offset, GB);
    assert_int_equal(f->host[0].bridge.export_size, GB);
    assert_int_equal(f->port[9].link.width, 16);
    assert_int_equal(f->fabric_space, GB);
    /* host-bridges omitted: one bridge, one unconnected root port */
    assert_int_equal(f->host[1].dram_size, GB);
    assert_int_equal(f->host[1].nhbs, 1);
    assert_int_equal(f->host[1].hb[0].nrps, 1);
    assert_int_equal(f->host[1].hb[0].rp[0].switch_port, -1);
    assert_false(f->host[1].bridge.present);
    const struct cxf_dev *d = f->dev[0];
    assert_false(d->mld);
    assert_int_equal(d->serial, 0xabc);
    assert_int_equal(d->persistent_bytes, 2 * GB);
    assert_int_equal(d->ld[0].hdm.count, 2);
    assert_int_equal(d->timing.read_ns, 150);
    assert_int_equal(d->timing.bandwidth, 8 * GB);
    assert_true(d->timing.write_ns > 0); /* not given: calibrated default */
    assert_int_equal(f->port[1].link.width, 8);
    assert_int_equal(f->vcs[0].vppb[1].status, CXF_VPPB_BOUND_PORT);
    assert_true(f->region[0]->persistent);
    assert_int_equal(f->region[0]->size, GB);
    assert_int_equal(f->region[0]->base, 0x2000000000ull);
    cxf_fabric_free(f);
}

static void test_topology_json(void **state)
{
    (void)state;
    struct cxf_fabric *f = load(cxf_default_config);
    struct json_object *o = cxf_fabric_topology_json(f), *v, *x;
    assert_true(json_object_object_get_ex(o, "switch", &v));
    assert_true(json_object_object_get_ex(v, "ports", &x));
    assert_int_equal(json_object_array_length(x), 6);
    assert_true(json_object_object_get_ex(o, "memdevs", &v));
    assert_int_equal(json_object_array_length(v), 2);
    v = json_object_array_get_idx(v, 0);
    assert_string_equal(json_object_get_string(json_object_object_get(v, "memdev")), "pool0");
    x = json_object_array_get_idx(json_object_object_get(v, "lds"), 1);
    x = json_object_object_get(x, "bound_to");
    assert_string_equal(json_object_get_string(json_object_object_get(x, "host")), "node1");
    assert_true(json_object_object_get_ex(o, "regions", &v));
    assert_int_equal(json_object_array_length(v), 2);
    v = json_object_array_get_idx(v, 1);
    assert_int_equal(json_object_get_int(json_object_object_get(v, "interleave_ways")), 2);
    assert_string_equal(json_object_get_string(json_object_object_get(v, "base")),
                        "0x1000000000");
    x = json_object_array_get_idx(json_object_object_get(v, "targets"), 1);
    assert_string_equal(json_object_get_string(json_object_object_get(x, "memdev")), "pool1");
    assert_int_equal(json_object_get_int(json_object_object_get(x, "ld")), 1);
    json_object_put(o);
    cxf_fabric_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_structure),
        cmocka_unit_test(test_small_config_loads),
        cmocka_unit_test(test_devices_get_the_clock),
        cmocka_unit_test(test_key_and_type_errors),
        cmocka_unit_test(test_number_errors),
        cmocka_unit_test(test_semantic_errors),
        cmocka_unit_test(test_impossible_region_interleave),
        cmocka_unit_test(test_hostile_input),
        cmocka_unit_test(test_files),
        cmocka_unit_test(test_custom_config),
        cmocka_unit_test(test_topology_json),
    };
    return cmocka_run_group_tests_name("fabric_config", tests, NULL, NULL);
}
